//! `--format jsonl`: one finding per line, the same fields as the JSON report's findings plus
//! `schema_version` (schemas/report.schema.json, `#/$defs/line`).
//! `scan` streams lines as workers find them; history scans print them once attributed.

use super::{FindingView, Printer, Report};
use crate::finding::Finding;
use std::io::{self, Write};

/// The JSON Lines printer.
#[derive(Debug)]
pub struct JsonLines;

/// One line: the finding's fields, with the schema version they follow.
#[derive(serde::Serialize)]
struct Line<'a> {
    schema_version: &'static str,
    #[serde(flatten)]
    finding: FindingView<'a>,
}

/// Writes one finding as one line.
pub fn write_line(out: &mut dyn Write, f: &Finding, show_secrets: bool) -> io::Result<()> {
    let line = Line {
        schema_version: super::SCHEMA_VERSION,
        finding: FindingView::new(f, show_secrets),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

impl Printer for JsonLines {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in report.findings {
            write_line(out, f, report.show_secrets)?;
        }
        Ok(())
    }
}
