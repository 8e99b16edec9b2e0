//! `--format csv`: one row per finding (RFC 4180, a header row first) for spreadsheets and
//! ticket imports. A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
//! carriage return first: a path or commit message is attacker-written) gets a leading `'`.

use super::{Printer, Report};
use std::io::{self, Write};

/// The CSV printer.
#[derive(Debug)]
pub struct Csv;

/// The columns, in order.
pub const COLUMNS: [&str; 21] = [
    "severity",
    "rule",
    "repository",
    "path",
    "line",
    "column",
    "secret",
    "cvss",
    "commit",
    "author",
    "email",
    "date",
    "commit_summary",
    "occurrences",
    "suppressed_by",
    "verification",
    "fingerprint",
    "secret_id",
    "message",
    "rationale",
    "remediation",
];

/// The cell as a spreadsheet may show it, never run it.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

impl Printer for Csv {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(COLUMNS)?;
        for f in report.findings {
            let c = f.commit.as_ref();
            let commit = |get: fn(&crate::finding::CommitInfo) -> &str| c.map(get).unwrap_or("");
            let row = [
                f.severity.as_str().to_string(),
                f.rule.clone(),
                f.repository().unwrap_or("").to_string(),
                f.path.clone(),
                f.line.to_string(),
                f.column.to_string(),
                f.shown_secret(report.show_secrets),
                format!("{:.1}", f.cvss),
                commit(|c| &c.id).to_string(),
                commit(|c| &c.author).to_string(),
                commit(|c| &c.email).to_string(),
                commit(|c| &c.date).to_string(),
                commit(|c| &c.summary).to_string(),
                f.occurrences.map(|n| n.to_string()).unwrap_or_default(),
                f.suppressed
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                f.verification
                    .as_ref()
                    .map(|v| format!("{}: {}", v.status.as_str(), v.detail))
                    .unwrap_or_default(),
                f.fingerprint.clone(),
                f.secret_id(),
                f.message.clone(),
                f.rationale.clone(),
                f.remediation.clone(),
            ];
            w.write_record(row.iter().map(|s| cell(s)))?;
        }
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("-1+2"), "'-1+2");
        assert_eq!(super::cell("src/app.py"), "src/app.py");
    }
}
