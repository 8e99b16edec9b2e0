//! Dispatches a parsed command line: builds the plan, runs it, prints the report and decides
//! the exit code.

use crate::cli::{Cli, Command, ExplainArgs, Format, RulesArgs, ScanArgs};
use crate::config::{load_matcher, GitPlan, ScanPlan};
use crate::deliver::{finish, Sink};
use crate::finding::Finding;
use crate::matcher::Matcher;
use crate::report::jsonl;
use crate::rules::check::check_examples;
use crate::scan::{self, Post};
use anyhow::{Context, Result};
use std::io::{self, BufWriter, Write};

pub use crate::deliver::{exit_code, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// Runs one command and returns its exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => scan_command(&args),
        Command::History(args) => git_command(GitPlan::history(&args)?),
        Command::Staged(args) => git_command(GitPlan::staged(&args)?),
        Command::Rules(args) => rules_command(&args),
        Command::Explain(args) => explain_command(&args),
        Command::Fleet(args) => crate::fleet::run(args),
        Command::Import(args) => import_command(&args),
    }
}

fn import_command(args: &crate::cli::ImportArgs) -> Result<u8> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let got = crate::import::import(args.from, &name, &text).map_err(|e| anyhow::anyhow!(e))?;
    let mut json = serde_json::to_string_pretty(&got.file).context("serialising the baseline")?;
    json.push('\n');
    match &args.output {
        Some(p) => std::fs::write(p, json)
            .with_context(|| format!("cannot write baseline to {}", p.display()))?,
        None => to_stdout(|out| out.write_all(json.as_bytes()).map(|()| EXIT_CLEAN)).map(|_| ())?,
    }
    if !args.quiet {
        let n = got.file.entries.len();
        eprintln!(
            "sfleaks import: {n} entr{} from {name} ({} by secret content, {} by place); {} not carried",
            if n == 1 { "y" } else { "ies" },
            got.by_content(),
            n - got.by_content(),
            got.dropped.len()
        );
        for d in &got.dropped {
            eprintln!("  not carried: {d}");
        }
    }
    Ok(EXIT_CLEAN)
}

fn scan_command(args: &ScanArgs) -> Result<u8> {
    let plan = ScanPlan::from_args(args)?;
    let sink = Sink::open(&plan.common.output)?;
    let show = plan.common.output.show_secrets;
    let stream = |f: &Finding| sink.write(|w| jsonl::write_line(w, f, show));
    // verification happens once the scan is done, so a verified report is not streamed
    let streaming = plan.common.output.format == Format::Jsonl && plan.common.verify.is_none();
    let post = Post {
        filter: &plan.common.filter,
        show_suppressed: plan.common.output.show_suppressed,
        stream: streaming.then_some(&stream as &(dyn Fn(&Finding) + Sync)),
        markers: plan.common.output.report_stale,
    };
    let outcome = scan::run(
        &plan.common.matcher,
        &plan.inputs,
        &post,
        plan.common.output.quiet,
    );
    finish(&plan.common, outcome, sink, streaming)
}

fn git_command(plan: GitPlan) -> Result<u8> {
    let sink = Sink::open(&plan.common.output)?;
    let post = Post {
        filter: &plan.common.filter,
        show_suppressed: plan.common.output.show_suppressed,
        stream: None,
        markers: plan.common.output.report_stale,
    };
    let outcome = scan::run_git(&plan.common.matcher, &plan.git, &post)?;
    finish(&plan.common, outcome, sink, false)
}

/// Runs `body` against buffered stdout; a closed pipe is not an error.
fn to_stdout(body: impl FnOnce(&mut dyn Write) -> io::Result<u8>) -> Result<u8> {
    let mut out = BufWriter::new(io::stdout().lock());
    match body(&mut out).and_then(|code| out.flush().map(|()| code)) {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(EXIT_CLEAN),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

fn rules_command(args: &RulesArgs) -> Result<u8> {
    if matches!(args.format, Format::Junit | Format::Csv | Format::Html) {
        anyhow::bail!("rules: --format is human or json");
    }
    let matcher = load_matcher(&args.rules)?;
    to_stdout(|out| {
        if args.check {
            let failures = check_examples(&matcher);
            for f in &failures {
                writeln!(out, "{} ({}): {}", f.rule, f.source, f.message)?;
            }
            let failing: std::collections::HashSet<_> = failures.iter().map(|f| &f.rule).collect();
            let n = matcher.rules().rules.len();
            writeln!(
                out,
                "{} passed, {} failed",
                n - failing.len(),
                failing.len()
            )?;
            Ok(if failures.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        } else {
            list_rules(&matcher, args.format, out).map(|()| EXIT_CLEAN)
        }
    })
}

fn list_rules(matcher: &Matcher, format: Format, out: &mut dyn Write) -> io::Result<()> {
    let rules = &matcher.rules().rules;
    match format {
        Format::Json | Format::Jsonl | Format::Sarif => {
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
        Format::Human | Format::Junit | Format::Csv | Format::Html => {
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

fn explain_command(args: &ExplainArgs) -> Result<u8> {
    let matcher = load_matcher(&args.rules)?;
    let set = matcher.rules();
    let Some(rule) = set.rule(&args.rule) else {
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        anyhow::bail!("unknown rule '{}' (rules: {})", args.rule, ids.join(", "));
    };
    to_stdout(|out| {
        writeln!(out, "{} ({})", rule.id, rule.name)?;
        writeln!(out, "severity: {} (cvss {:.1})", rule.severity, rule.cvss)?;
        if !rule.path_globs.is_empty() {
            writeln!(out, "files: {}", rule.path_globs.join(", "))?;
        }
        for e in &rule.escalate {
            let when: Vec<&str> = e
                .when_any
                .iter()
                .map(|&i| set.signals[i].id.as_str())
                .collect();
            let cvss = e
                .cvss
                .unwrap_or_else(|| crate::rules::default_cvss(e.severity));
            writeln!(
                out,
                "  raised to {} (cvss {cvss:.1}) when near: {} ({})",
                e.severity,
                when.join(", "),
                e.reason
            )?;
        }
        writeln!(out, "\nWhat it finds:\n  {}", rule.description)?;
        if !rule.why.is_empty() {
            writeln!(out, "\nWhy it matters:\n  {}", rule.why)?;
        }
        writeln!(out, "\nHow to fix it:\n  {}", rule.remediation)?;
        let ties: std::collections::BTreeSet<&str> = rule
            .patterns
            .iter()
            .flat_map(|p| p.requires_any.iter().map(|&i| set.signals[i].id.as_str()))
            .collect();
        if !ties.is_empty() {
            let ties: Vec<&str> = ties.into_iter().collect();
            writeln!(out, "\nTied to Salesforce by: {}", ties.join(", "))?;
        }
        writeln!(
            out,
            "\nSuppress one finding with a `sfleaks:allow` comment on its line."
        )?;
        Ok(EXIT_CLEAN)
    })
}
