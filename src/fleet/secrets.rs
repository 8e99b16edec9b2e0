//! `fleet secrets`: one entry per distinct secret across every repository and fork, told
//! apart by its keyed id: the rule, the highest severity, every place holding it, the commit
//! that introduced it first, and (with `--verify`) whether it still works, checked once.

use crate::cli::Format;
use crate::config::Common;
use crate::deliver::Sink;
use crate::finding::{Finding, Severity, Verification};
use crate::report::secrets::group;
use crate::scan::Outcome;
use anyhow::Result;
use serde::Serialize;
use std::io::{self, Write};

/// One place a secret is held.
#[derive(Debug, Serialize)]
struct Place<'a> {
    repository: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    suppressed: bool,
}

/// The commit that introduced a secret first, anywhere.
#[derive(Debug, Serialize)]
struct Introduced<'a> {
    repository: &'a str,
    path: &'a str,
    commit: &'a str,
    date: &'a str,
    author: &'a str,
}

/// One distinct secret.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    secret_id: &'a str,
    rule: &'a str,
    severity: Severity,
    secret: String,
    message: &'a str,
    repositories: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    introduced: Option<Introduced<'a>>,
    occurrences: usize,
    locations: Vec<Place<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a Verification>,
    remediation: &'a str,
}

fn entries<'a>(secrets: &'a [crate::report::secrets::Secret<'a>], show: bool) -> Vec<Entry<'a>> {
    secrets
        .iter()
        .map(|s| {
            let p = s.primary;
            let mut repositories: Vec<&str> =
                s.locations.iter().filter_map(|f| f.repository()).collect();
            repositories.sort_unstable();
            repositories.dedup();
            let introduced = s.introducer().and_then(|f| {
                let c = f.commit.as_ref()?;
                Some(Introduced {
                    repository: f.repository().unwrap_or(""),
                    path: &f.path,
                    commit: &c.id,
                    date: &c.date,
                    author: &c.author,
                })
            });
            Entry {
                secret_id: p.origin.as_ref().map_or("", |o| o.secret_id.as_str()),
                rule: &p.rule,
                severity: p.severity,
                secret: p.shown_secret(show),
                message: &p.message,
                repositories,
                introduced,
                occurrences: s.locations.len(),
                locations: s
                    .locations
                    .iter()
                    .map(|f| Place {
                        repository: f.repository().unwrap_or(""),
                        path: &f.path,
                        line: f.line,
                        column: f.column,
                        severity: f.severity,
                        commit: f.commit.as_ref().map(|c| c.id.as_str()),
                        date: f.commit.as_ref().map(|c| c.date.as_str()),
                        suppressed: f.is_suppressed(),
                    })
                    .collect(),
                verification: p.verification.as_ref(),
                remediation: &p.remediation,
            }
        })
        .collect()
}

/// Groups the merged findings by secret, verifies each once when asked, prints the view in
/// the chosen format and returns the exit code (`--fail-on` against each secret's highest
/// severity).
pub fn deliver(common: &Common, outcome: Outcome) -> Result<u8> {
    let mut findings = outcome.findings;
    let code = crate::deliver::exit_code(&findings, common.fail_on);
    if let Some(plan) = &common.verify {
        // one request per secret: its primary location's, copied to the others
        let mut primaries: Vec<Finding> =
            group(&findings).iter().map(|s| s.primary.clone()).collect();
        crate::deliver::verify(plan, &mut primaries);
        for f in &mut findings {
            let v = primaries
                .iter()
                .find(|p| p.rule == f.rule && p.identity() == f.identity())
                .and_then(|p| p.verification.clone());
            f.verification = v;
        }
    }
    let secrets = group(&findings);
    let show = common.output.show_secrets;
    let list = entries(&secrets, show);
    let sink = Sink::open(&common.output)?;
    match common.output.format {
        Format::Json => sink.write(|w| {
            let stats = serde_json::json!({
                "secrets": list.len(),
                "locations": findings.len(),
                "repositories": outcome_repositories(&findings),
            });
            let doc = serde_json::json!({"version": 1, "secrets": &list, "stats": stats});
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            w.write_all(b"\n")
        }),
        Format::Jsonl => sink.write(|w| {
            for e in &list {
                serde_json::to_writer(&mut *w, e)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        }),
        Format::Human => sink.write(|w| human(&list, w)),
        Format::Sarif | Format::Junit | Format::Csv | Format::Html => {
            // one result per secret, at the place that speaks for it
            let primaries: Vec<Finding> = secrets
                .iter()
                .map(|s| {
                    let mut f = s.primary.clone();
                    let n = s.locations.len();
                    if n > 1 {
                        f.message = format!("{} (held at {n} places)", f.message);
                    }
                    f
                })
                .collect();
            let report = crate::report::Report {
                findings: &primaries,
                stats: &outcome.stats,
                show_secrets: show,
                rules: common.matcher.rules(),
                root: None,
                vcs: None,
                fail_on: common.fail_on,
                stale: None,
            };
            let printer = crate::report::printer(common.output.format, false);
            sink.write(|w| printer.print(&report, w));
        }
    }
    sink.finish(&common.output)?;
    if !common.output.quiet {
        let repos = outcome_repositories(&findings);
        eprintln!(
            "sfleaks fleet: {} distinct secret{} at {} place{} in {repos} repositor{}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            if repos == 1 { "y" } else { "ies" },
        );
    }
    Ok(code)
}

fn outcome_repositories(findings: &[Finding]) -> usize {
    let mut r: Vec<&str> = findings.iter().filter_map(|f| f.repository()).collect();
    r.sort_unstable();
    r.dedup();
    r.len()
}

fn human(list: &[Entry], w: &mut dyn Write) -> io::Result<()> {
    for e in list {
        writeln!(
            w,
            "{:<8} {}  {}  ({} place{} in {} repositor{})",
            e.severity.as_str().to_uppercase(),
            e.rule,
            e.secret_id,
            e.occurrences,
            if e.occurrences == 1 { "" } else { "s" },
            e.repositories.len(),
            if e.repositories.len() == 1 {
                "y"
            } else {
                "ies"
            },
        )?;
        writeln!(w, "  {}: {}", e.message, e.secret)?;
        if let Some(i) = &e.introduced {
            writeln!(
                w,
                "  introduced: {} {} {} ({}, {})",
                i.repository, i.path, i.commit, i.author, i.date
            )?;
        }
        for p in &e.locations {
            let commit = p.commit.map_or(String::new(), |c| {
                format!(" (commit {})", c.get(..12).unwrap_or(c))
            });
            writeln!(
                w,
                "  at:         {}: {}:{}:{}{commit}",
                p.repository, p.path, p.line, p.column
            )?;
        }
        if let Some(v) = e.verification {
            let status = serde_json::to_value(v.status)
                .ok()
                .and_then(|s| s.as_str().map(str::to_uppercase))
                .unwrap_or_default();
            writeln!(w, "  verified:   {status}: {}", v.detail)?;
        }
        writeln!(w, "  fix:        {}", e.remediation)?;
        writeln!(w)?;
    }
    Ok(())
}
