//! `fleet scan`: one shard of a repository list, each repository fetched with git and its
//! whole history scanned by the engine (`scan::run_git`), which knows nothing of fleets.
//!
//! Every step can be repeated: a repository whose finished result matches the remote's tips,
//! the version, the rules and the key is left alone after a `git ls-remote`; one whose
//! branches only moved forward has just its new commits scanned and the earlier findings
//! kept; anything else is scanned again whole.

use super::gitcmd::{self, Tips};
use super::identity::FleetKey;
use super::repos::Repo;
use super::result::{self, Header, ResultFile, Status, Stored, Trailer};
use crate::config::Common;
use crate::scan::{self, GitOptions, GitTarget, Post};
use crate::source::git::Selection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Everything one shard needs.
pub struct ShardPlan<'a> {
    /// The shard's repositories, in id order.
    pub repos: Vec<&'a Repo>,
    /// Where result files go.
    pub out: PathBuf,
    /// Where bare clones live.
    pub work: PathBuf,
    /// Repositories at once.
    pub jobs: usize,
    /// The HMAC key.
    pub key: FleetKey,
    /// Keep raw values.
    pub raw: bool,
    /// Rules, filter and limits.
    pub common: &'a Common,
    /// No per-repository lines.
    pub quiet: bool,
    /// Which refs are fetched and scanned.
    pub refs: gitcmd::RefSet,
}

/// What happened to one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoOutcome {
    /// Its result still holds; nothing was fetched.
    Unchanged,
    /// Scanned (`incremental`: only new commits), with this many findings in its result.
    Scanned {
        /// Only the commits new since the last result.
        incremental: bool,
        /// Commits walked.
        commits: u64,
        /// Findings in the result.
        findings: u64,
    },
    /// Could not be fetched or read.
    Failed(String),
}

/// Runs the shard; returns each repository's outcome, in id order.
pub fn run(plan: &ShardPlan) -> Vec<(String, RepoOutcome)> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, RepoOutcome)>> = Mutex::new(Vec::new());
    let total = plan.repos.len();
    std::thread::scope(|s| {
        for _ in 0..plan.jobs.clamp(1, total.max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(repo) = plan.repos.get(i) else { break };
                let outcome = scan_one(plan, repo);
                if !plan.quiet {
                    eprintln!(
                        "sfleaks fleet: [{}/{total}] {}: {}",
                        i + 1,
                        repo.id,
                        describe(&outcome)
                    );
                }
                done.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((i, outcome));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter()
        .map(|(i, o)| (plan.repos[i].id.clone(), o))
        .collect()
}

fn describe(o: &RepoOutcome) -> String {
    match o {
        RepoOutcome::Unchanged => "unchanged since its result, not fetched".into(),
        RepoOutcome::Scanned {
            incremental,
            commits,
            findings,
        } => format!(
            "{findings} finding{} ({} scan, {commits} commit{})",
            if *findings == 1 { "" } else { "s" },
            if *incremental { "incremental" } else { "full" },
            if *commits == 1 { "" } else { "s" },
        ),
        RepoOutcome::Failed(why) => format!("FAILED: {why}"),
    }
}

/// The header a result made now would have (its refs filled in later).
fn header(plan: &ShardPlan, repo: &Repo, refs: Tips) -> Header {
    Header {
        format: result::FORMAT,
        repository: repo.id.clone(),
        url: gitcmd::redact_url(&repo.clone_url),
        refs,
        sfleaks: env!("CARGO_PKG_VERSION").to_string(),
        rules_digest: plan.common.rules_digest.clone(),
        config_digest: plan.common.config_digest.clone(),
        key_id: plan.key.key_id(),
        raw_secrets: plan.raw,
    }
}

fn scan_one(plan: &ShardPlan, repo: &Repo) -> RepoOutcome {
    let path = plan.out.join(result::file_name(&repo.id));
    let fresh = header(plan, repo, Tips::new());
    // a previous finished result made the same way (only the refs may differ)
    let previous = result::read(&path).ok().flatten().filter(|r| {
        r.is_ok()
            && Header {
                refs: Tips::new(),
                ..r.header.clone()
            } == fresh
    });
    let outcome = match fetch_and_scan(plan, repo, previous.as_ref()) {
        Ok(Some(r)) => {
            let o = RepoOutcome::Scanned {
                incremental: r.trailer.scan == "incremental",
                commits: r.trailer.commits_scanned,
                findings: r.trailer.findings,
            };
            result::write(&plan.out, &r).map(|_| o)
        }
        Ok(None) => return RepoOutcome::Unchanged,
        Err(why) => Err(why),
    };
    match outcome {
        Ok(o) => o,
        Err(why) => {
            let failed = ResultFile {
                header: fresh,
                findings: Vec::new(),
                trailer: Trailer {
                    status: Status::Failed,
                    reason: Some(why.clone()),
                    scan: "none".into(),
                    commits_scanned: 0,
                    blobs_scanned: 0,
                    bytes_scanned: 0,
                    skipped: 0,
                    skipped_large: 0,
                    findings: 0,
                    totals: result::Totals::default(),
                },
            };
            // a failure is recorded too, so the merge can say why; the shard goes on
            if let Err(e) = result::write(&plan.out, &failed) {
                return RepoOutcome::Failed(format!("{why}; {e}"));
            }
            RepoOutcome::Failed(why)
        }
    }
}

/// The new result, or `None` when the previous one still holds.
fn fetch_and_scan(
    plan: &ShardPlan,
    repo: &Repo,
    previous: Option<&ResultFile>,
) -> Result<Option<ResultFile>, String> {
    let remote = gitcmd::ls_remote(&repo.clone_url, plan.refs)?;
    if previous.is_some_and(|p| p.header.refs == remote) {
        return Ok(None);
    }
    let clone = plan
        .work
        .join(result::file_name(&repo.id).replace(".jsonl", ".git"));
    gitcmd::fetch(&repo.clone_url, &clone, plan.refs)?;
    let tips = gitcmd::local_tips(&clone, plan.refs)?;
    let since = previous.filter(|p| fast_forward(&clone, &p.header.refs, &tips));
    let selection = Selection {
        hide: since
            .map(|p| p.header.refs.values().cloned().collect())
            .unwrap_or_default(),
        ..Selection::default()
    };
    let opts = GitOptions {
        repo: clone.clone(),
        target: GitTarget::History(selection),
        max_file_size: plan.common.max_file_size,
        threads: plan.common.threads,
        quiet: true,
        progress: false,
        archives: plan.common.archives.clone(),
    };
    let post = Post {
        filter: &plan.common.filter,
        // kept, marked, so that a merge can list them with --show-suppressed
        show_suppressed: true,
        stream: None,
        markers: false,
    };
    let outcome = scan::run_git(&plan.common.matcher, &opts, &post)
        .map_err(|e| format!("scanning {}: {e}", gitcmd::redact_url(&repo.clone_url)))?;
    let mut findings: Vec<Stored> = outcome
        .findings
        .iter()
        .map(|f| Stored::new(f, &plan.key, plan.raw))
        .collect();
    if let Some(p) = since {
        // a secret both sides hold at one place was introduced by the earlier scan's commit
        let earlier: std::collections::HashSet<&str> =
            p.findings.iter().map(|f| f.fingerprint.as_str()).collect();
        findings.retain(|f| !earlier.contains(f.fingerprint.as_str()));
        findings.extend(p.findings.iter().cloned());
    }
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule, &a.fingerprint).cmp(&(
            &b.path,
            b.line,
            b.column,
            &b.rule,
            &b.fingerprint,
        ))
    });
    let s = &outcome.stats;
    let before = since.map(|p| p.trailer.totals).unwrap_or_default();
    let totals = result::Totals {
        commits: before.commits + s.commits,
        blobs: before.blobs + s.files,
        bytes: before.bytes + s.bytes,
        skipped: before.skipped + s.skipped,
        skipped_large: before.skipped_large + s.skipped_large,
        skipped_binary: before.skipped_binary + s.skipped_binary,
        errors: before.errors + s.errors,
    };
    Ok(Some(ResultFile {
        header: header(plan, repo, tips),
        trailer: Trailer {
            status: Status::Ok,
            reason: None,
            scan: if since.is_some() {
                "incremental"
            } else {
                "full"
            }
            .into(),
            commits_scanned: s.commits,
            blobs_scanned: s.files,
            bytes_scanned: s.bytes,
            skipped: s.skipped,
            skipped_large: s.skipped_large,
            findings: findings.len() as u64,
            totals,
        },
        findings,
    }))
}

/// True when every ref of the earlier result is still there at or after its old tip, so the
/// commits it covered are all still in the history and only new ones need scanning.
fn fast_forward(clone: &Path, old: &Tips, new: &Tips) -> bool {
    let Ok(repo) = git2::Repository::open_bare(clone) else {
        return false;
    };
    let commit = |id: &str| {
        git2::Oid::from_str(id)
            .ok()
            .and_then(|o| repo.find_object(o, None).ok())
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id())
    };
    old.iter().all(|(name, was)| match new.get(name) {
        Some(now) if now == was => true,
        Some(now) => match (commit(was), commit(now)) {
            (Some(a), Some(b)) => repo.graph_descendant_of(b, a).unwrap_or(false),
            _ => false,
        },
        None => false,
    })
}

/// Makes sure the directories exist.
pub fn prepare(out: &Path, work: &Path) -> Result<(), String> {
    for d in [out, work] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    Ok(())
}
