//! `--format json`: one document, `{"schema_version": "1.0", "version": 1, "findings": [...],
//! "stats": {...}}` (schemas/report.schema.json), one
//! finding per secret with every location it was found at.

use super::{secrets, FindingView, Printer, Report};
use crate::scan::Stats;
use serde::Serialize;
use std::io::{self, Write};

/// The JSON printer.
#[derive(Debug)]
pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: &'static str,
    version: u32,
    findings: Vec<FindingView<'a>>,
    stats: &'a Stats,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale: Option<&'a [crate::suppress::Stale]>,
}

impl Printer for Json {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document {
            schema_version: super::SCHEMA_VERSION,
            version: 1,
            findings: secrets::group(report.findings)
                .iter()
                .map(|s| FindingView::of_secret(s, report.show_secrets))
                .collect(),
            stats: report.stats,
            stale: report.stale,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}
