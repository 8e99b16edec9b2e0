//! Delivers an outcome, whoever made it (a scan, a history, a fleet merge): live
//! verification when asked, the report in its format, the summary, and the exit code.

use crate::config::{Common, OutputPlan};
use crate::finding::{Finding, Severity};
use crate::report::{self, Report};
use crate::scan::Outcome;
use anyhow::{Context, Result};
use std::io::{self, BufWriter, Write};
use std::sync::Mutex;

/// No finding at or above the failing severity.
pub const EXIT_CLEAN: u8 = 0;
/// At least one finding at or above the failing severity.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage or runtime error.
pub const EXIT_ERROR: u8 = 2;

/// Where the report goes: opened before the scan, so JSON Lines can stream into it.
pub struct Sink {
    out: Mutex<Box<dyn Write + Send>>,
    /// Set once a write failed; a closed pipe ends output quietly.
    failed: Mutex<Option<io::Error>>,
}

impl Sink {
    /// Opens the report file, or standard output.
    pub fn open(output: &OutputPlan) -> Result<Sink> {
        let out: Box<dyn Write + Send> = match &output.file {
            Some(path) => Box::new(BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write report to {}", path.display()))?,
            )),
            None => Box::new(BufWriter::new(io::stdout())),
        };
        Ok(Sink {
            out: Mutex::new(out),
            failed: Mutex::new(None),
        })
    }

    /// Writes through; after a failure, nothing more is written.
    pub fn write(&self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        if failed.is_some() {
            return;
        }
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = f(&mut **out) {
            *failed = Some(e);
        }
    }

    /// Flushes; a closed standard output is not an error.
    pub fn finish(self, output: &OutputPlan) -> Result<()> {
        let mut out = self.out.into_inner().unwrap_or_else(|p| p.into_inner());
        let failed = self.failed.into_inner().unwrap_or_else(|p| p.into_inner());
        match failed.map_or_else(|| out.flush(), Err) {
            Ok(()) => Ok(()),
            // `sfleaks scan | head` closes the pipe: not an error
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && output.file.is_none() => Ok(()),
            Err(e) => Err(e).context(match &output.file {
                Some(p) => format!("cannot write report to {}", p.display()),
                None => "cannot write report to standard output".to_string(),
            }),
        }
    }
}

/// Verifies (with `--verify`), prints the report (unless it was streamed) and the summary;
/// returns the exit code, which `--only-verified` does not change.
pub fn finish(common: &Common, outcome: Outcome, sink: Sink, streamed: bool) -> Result<u8> {
    let mut outcome = outcome;
    let output = &common.output;
    let code = exit_code(&outcome.findings, common.fail_on);
    if let Some(plan) = &common.verify {
        verify(plan, &mut outcome.findings);
        if plan.only_verified {
            use crate::finding::VerifyStatus::{FlowDisabled, Live};
            outcome.findings.retain(|f| {
                f.verification
                    .as_ref()
                    .is_some_and(|v| matches!(v.status, Live | FlowDisabled))
            });
        }
    }
    if output.report_stale {
        outcome.stale.extend(common.filter.stale());
        outcome.stale.sort();
    }
    if !streamed {
        let report = Report {
            findings: &outcome.findings,
            stats: &outcome.stats,
            show_secrets: output.show_secrets,
            rules: common.matcher.rules(),
            root: outcome.root.as_deref(),
            vcs: outcome.vcs.as_ref(),
            fail_on: common.fail_on,
            stale: output.report_stale.then_some(outcome.stale.as_slice()),
        };
        let printer = report::printer(output.format, output.color);
        sink.write(|w| printer.print(&report, w));
    }
    sink.finish(output)?;
    if !output.quiet {
        eprintln!("{}", report::summary(&outcome.findings, &outcome.stats));
        if output.report_stale {
            print_stale(&outcome.stale);
        }
    }
    Ok(code)
}

/// The stale suppressions on stderr, one a line, then their count.
fn print_stale(stale: &[crate::suppress::Stale]) {
    for s in stale {
        let at = match s.line {
            Some(l) => format!("{}:{l}", s.path),
            None => s.path.clone(),
        };
        eprintln!("sfleaks: stale: {} {} in {at} hid nothing", s.kind, s.entry);
    }
    eprintln!(
        "sfleaks: {} stale suppression{}",
        stale.len(),
        if stale.len() == 1 { "" } else { "s" }
    );
}

/// Verifies findings live (`--verify`), each distinct request once.
#[cfg(feature = "verify")]
pub fn verify(plan: &crate::config::VerifyPlan, findings: &mut [Finding]) {
    let mut verifier = crate::verify::Verifier::new(crate::verify::VerifyOptions {
        tokens: plan.tokens,
        rps: plan.rps,
        endpoint: plan.endpoint.clone(),
    });
    verifier.verify_all(findings);
}

/// Without network code there is nothing to verify with.
#[cfg(not(feature = "verify"))]
pub fn verify(_plan: &crate::config::VerifyPlan, _findings: &mut [Finding]) {}

/// 1 when an unsuppressed finding is at or above `fail_on`, else 0.
pub fn exit_code(findings: &[Finding], fail_on: Severity) -> u8 {
    if findings
        .iter()
        .any(|f| !f.is_suppressed() && f.severity >= fail_on)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
