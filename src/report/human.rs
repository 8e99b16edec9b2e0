//! The default format, for people: a block per secret (with every other place it was found
//! at) with the redacted secret, why it has its severity, the evidence and what to do. Colour only when asked for by `config`.

use super::{place, Printer, Report};
use crate::finding::Severity;
use std::io::{self, Write};

/// The human printer.
#[derive(Debug)]
pub struct Human {
    /// Use ANSI colours.
    pub color: bool,
}

impl Human {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_colour(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "34",
        Severity::Info => "2",
    }
}

impl Printer for Human {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for secret in super::secrets::group(report.findings) {
            let f = secret.primary;
            let sev = format!("{:<8}", f.severity.as_str().to_uppercase());
            writeln!(
                out,
                "{} {}  {}",
                self.paint(severity_colour(f.severity), &sev),
                f.rule,
                self.paint("1", &place(f)),
            )?;
            for other in secret.locations.iter().skip(1) {
                let commit = other.commit.as_ref().map_or(String::new(), |c| {
                    format!(" (commit {})", c.id.get(..12).unwrap_or(&c.id))
                });
                writeln!(out, "  also at:  {}{commit}", place(other))?;
            }
            if let Some(c) = secret.introduced() {
                writeln!(
                    out,
                    "  commit:   {} {} <{}> {} {}",
                    c.id, c.author, c.email, c.date, c.summary
                )?;
                if let Some(n) = f.occurrences {
                    writeln!(
                        out,
                        "  carried:  by {n} commit{}",
                        if n == 1 { "" } else { "s" }
                    )?;
                }
            }
            writeln!(
                out,
                "  {}: {}",
                f.message,
                f.shown_secret(report.show_secrets)
            )?;
            writeln!(out, "  why:      {}", f.rationale)?;
            if let Some(v) = &f.verification {
                let status = serde_json::to_value(v.status)
                    .ok()
                    .and_then(|s| s.as_str().map(str::to_uppercase))
                    .unwrap_or_default();
                let line = format!("verified: {status}: {}", v.detail);
                let loud = v.status == crate::finding::VerifyStatus::Live;
                writeln!(
                    out,
                    "  {}",
                    if loud {
                        self.paint("1;31", &line)
                    } else {
                        line
                    }
                )?;
            }
            if !f.evidence.is_empty() {
                let ev: Vec<String> = f
                    .evidence
                    .iter()
                    .map(|e| {
                        let at = match &e.part {
                            Some(part) => format!("{part} line {}", e.line),
                            None => format!("line {}", e.line),
                        };
                        format!("{} ({at}): {}", e.kind, e.shown_text(report.show_secrets))
                    })
                    .collect();
                writeln!(out, "  evidence: {}", ev.join("\n            "))?;
            }
            writeln!(out, "  fix:      {}", f.remediation)?;
            if let Some(why) = f.suppressed {
                let why = match why {
                    crate::finding::Suppression::Inline => "an inline allow comment",
                    crate::finding::Suppression::Baseline => "the baseline",
                    crate::finding::Suppression::Allowlist => "the config allowlist",
                };
                writeln!(out, "  (suppressed by {why})")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}
