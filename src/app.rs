//! Dispatches a parsed command line: builds the plan, runs it, prints the report and decides
//! the exit code.

use crate::cli::{Cli, Command, Format, RulesArgs, ScanArgs};
use crate::config::{load_matcher, GitPlan, OutputPlan, ScanPlan};
use crate::finding::{Finding, Severity};
use crate::report::{self, Report};
use crate::rules::check::check_examples;
use crate::scan::{self, Outcome};
use anyhow::{Context, Result};
use std::io::{self, BufWriter, Write};

/// No finding at or above the failing severity.
pub const EXIT_CLEAN: u8 = 0;
/// At least one finding at or above the failing severity.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage or runtime error.
pub const EXIT_ERROR: u8 = 2;

/// Runs one command and returns its exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => scan_command(&args),
        Command::History(args) => git_command(GitPlan::history(&args)?),
        Command::Staged(args) => git_command(GitPlan::staged(&args)?),
        Command::Rules(args) => rules_command(&args),
    }
}

fn scan_command(args: &ScanArgs) -> Result<u8> {
    let plan = ScanPlan::from_args(args)?;
    let outcome = scan::run(
        &plan.matcher,
        &plan.inputs,
        plan.output.show_suppressed,
        plan.output.quiet,
    );
    finish(&plan.output, &outcome, plan.fail_on)
}

fn git_command(plan: GitPlan) -> Result<u8> {
    let outcome = scan::run_git(&plan.matcher, &plan.git)?;
    finish(&plan.output, &outcome, plan.fail_on)
}

/// Prints the report and the summary, and returns the exit code for the findings.
pub fn finish(output: &OutputPlan, outcome: &Outcome, fail_on: Severity) -> Result<u8> {
    let report = Report {
        findings: &outcome.findings,
        stats: &outcome.stats,
        show_secrets: output.show_secrets,
    };
    let printer = report::printer(output.format, output.color);
    match &output.file {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write report to {}", path.display()))?;
            let mut w = BufWriter::new(file);
            printer
                .print(&report, &mut w)
                .and_then(|()| w.flush())
                .with_context(|| format!("cannot write report to {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            if let Err(e) = printer.print(&report, &mut w).and_then(|()| w.flush()) {
                // a closed pipe (`sfleaks scan | head`) ends output quietly
                if e.kind() != io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write report to standard output");
                }
            }
        }
    }
    if !output.quiet {
        eprintln!("{}", report::summary(&outcome.findings, &outcome.stats));
    }
    Ok(exit_code(&outcome.findings, fail_on))
}

/// 1 when an unsuppressed finding is at or above `fail_on`, else 0.
pub fn exit_code(findings: &[Finding], fail_on: Severity) -> u8 {
    if findings
        .iter()
        .any(|f| !f.suppressed && f.severity >= fail_on)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn rules_command(args: &RulesArgs) -> Result<u8> {
    let matcher = load_matcher(&args.rules)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let result = if args.check {
        let failures = check_examples(&matcher);
        let mut r = Ok(());
        for f in &failures {
            r = r.and_then(|()| writeln!(out, "{} ({}): {}", f.rule, f.source, f.message));
        }
        let n = matcher.rules().rules.len();
        r = r.and_then(|()| {
            writeln!(
                out,
                "{} passed, {} failed",
                n - failures
                    .iter()
                    .map(|f| &f.rule)
                    .collect::<std::collections::HashSet<_>>()
                    .len(),
                failures.len()
            )
        });
        r.map(|()| {
            if failures.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            }
        })
    } else {
        list_rules(&matcher, args.format, &mut out).map(|()| EXIT_CLEAN)
    };
    match result.and_then(|code| out.flush().map(|()| code)) {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(EXIT_CLEAN),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

fn list_rules(
    matcher: &crate::matcher::Matcher,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules = &matcher.rules().rules;
    match format {
        Format::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "name": r.name,
                        "severity": r.severity,
                        "description": r.description,
                        "remediation": r.remediation,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)
        }
        Format::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in rules {
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.description
                )?;
            }
            Ok(())
        }
    }
}
