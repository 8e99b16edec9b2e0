//! Fleets: every repository of an organisation, sharded over a batch engine the user already
//! runs (a CI matrix, a Kubernetes Indexed Job, array jobs). This layer sits above the scan
//! engine: it lists repositories, splits them into shards, fetches each with git, has the
//! engine scan its history, and keeps one result file per repository; `merge` and `secrets`
//! read those files. It never schedules work itself: every step is deterministic and can be
//! repeated, so a retried shard is cheap and a merge is exact.

pub mod gitcmd;
pub mod identity;
#[cfg(feature = "fleet-list")]
pub mod list;
pub mod merge;
pub mod repos;
pub mod result;
pub mod scan;
pub mod secrets;
pub mod shard;

use crate::cli::{
    FleetArgs, FleetCommand, FleetListArgs, FleetMergeArgs, FleetScanArgs, FleetSecretsArgs,
    LimitArgs, OutputArgs,
};
use crate::config::Common;
use crate::deliver::{EXIT_CLEAN, EXIT_ERROR};
use anyhow::{anyhow, bail, Result};

/// Runs one `sfleaks fleet` command and returns its exit code.
pub fn run(args: FleetArgs) -> Result<u8> {
    match args.command {
        FleetCommand::List(a) => list_command(&a),
        FleetCommand::Scan(a) => scan_command(&a),
        FleetCommand::Merge(a) => merge_command(&a),
        FleetCommand::Secrets(a) => secrets_command(&a),
    }
}

#[cfg(feature = "fleet-list")]
fn list_command(args: &FleetListArgs) -> Result<u8> {
    list::run(args).map_err(|e| anyhow!(e))?;
    Ok(EXIT_CLEAN)
}

#[cfg(not(feature = "fleet-list"))]
fn list_command(_args: &FleetListArgs) -> Result<u8> {
    bail!("fleet list: this build has no network code (built without the `fleet-list` feature)")
}

/// The output options a shard uses: its own config and rules, nothing printed.
fn shard_output(args: &FleetScanArgs) -> OutputArgs {
    OutputArgs {
        format: crate::cli::Format::Jsonl,
        output: None,
        show_secrets: args.show_secrets,
        fail_on: None,
        baseline: None,
        config: args.config.clone(),
        show_suppressed: true,
        report_stale: false,
        rules: args.rules.clone(),
        color: crate::cli::ColorChoice::Never,
        quiet: true,
        verify: false,
        verify_tokens: false,
        verify_rps: 5.0,
        only_verified: false,
    }
}

fn scan_command(args: &FleetScanArgs) -> Result<u8> {
    let shard = shard::Shard::parse(&args.shard).map_err(|e| anyhow!(e))?;
    if args.jobs == 0 {
        bail!("--jobs: must be at least 1");
    }
    let key = identity::FleetKey::from_env().map_err(|e| anyhow!(e))?;
    let list = repos::read(&args.repos).map_err(|e| anyhow!(e))?;
    let mut common = Common::new(None, &args.limits, &shard_output(args))?;
    if common.threads == 0 && args.jobs > 1 {
        // the cores are shared by the repositories scanned at once
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        common.threads = (cores / args.jobs).max(1);
    }
    let temp;
    let work = match &args.work {
        Some(w) => w.clone(),
        None => {
            temp = tempfile::tempdir().map_err(|e| anyhow!("cannot make a work directory: {e}"))?;
            temp.path().to_path_buf()
        }
    };
    scan::prepare(&args.out, &work).map_err(|e| anyhow!(e))?;
    let plan = scan::ShardPlan {
        repos: shard::select(&list, shard, args.shard_by),
        out: args.out.clone(),
        work,
        jobs: args.jobs,
        key,
        raw: args.show_secrets,
        common: &common,
        quiet: args.quiet,
        refs: gitcmd::RefSet {
            reviews: args.pull_requests,
        },
    };
    let outcomes = scan::run(&plan);
    let failed = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, scan::RepoOutcome::Failed(_)))
        .count();
    if !args.quiet {
        let unchanged = outcomes
            .iter()
            .filter(|(_, o)| *o == scan::RepoOutcome::Unchanged)
            .count();
        eprintln!(
            "sfleaks fleet: shard {}/{}: {} repositories, {} scanned, {unchanged} unchanged, {failed} failed",
            shard.index,
            shard.count,
            outcomes.len(),
            outcomes.len() - unchanged - failed
        );
    }
    Ok(if failed > 0 { EXIT_ERROR } else { EXIT_CLEAN })
}

/// Reads the results and turns them into an outcome the report printers take, with the
/// merge's own filter (baseline, allowlist) applied.
fn merged_outcome(
    dirs: &[std::path::PathBuf],
    common: &Common,
) -> Result<(merge::Merged, crate::scan::Outcome)> {
    let merged = merge::Merged::read(dirs).map_err(|e| anyhow!(e))?;
    let mut findings = merged.findings();
    for f in &mut findings {
        common.filter.apply(f);
    }
    let mut stats = merged.stats();
    let findings = crate::scan::settle(findings, common.output.show_suppressed, &mut stats);
    let outcome = crate::scan::Outcome {
        findings,
        stats,
        root: None,
        vcs: None,
        stale: Vec::new(),
    };
    Ok((merged, outcome))
}

fn merge_command(args: &FleetMergeArgs) -> Result<u8> {
    let common = Common::new(None, &LimitArgs::default(), &args.output)?;
    let (merged, outcome) = merged_outcome(&args.dirs, &common)?;
    let sink = crate::deliver::Sink::open(&common.output)?;
    let code = crate::deliver::finish(&common, outcome, sink, false)?;
    let mut missing = false;
    if let Some(list) = &args.repos {
        let list = repos::read(list).map_err(|e| anyhow!(e))?;
        for (id, why) in merged.missing(&list) {
            eprintln!("sfleaks fleet: {id}: no finished result ({why})");
            missing = true;
        }
    } else if !common.output.quiet {
        for (id, why) in merged.failed() {
            eprintln!("sfleaks fleet: {id}: failed ({why})");
        }
    }
    Ok(if missing { EXIT_ERROR } else { code })
}

fn secrets_command(args: &FleetSecretsArgs) -> Result<u8> {
    let common = Common::new(None, &LimitArgs::default(), &args.output)?;
    let (merged, outcome) = merged_outcome(&args.dirs, &common)?;
    if common.verify.is_some() && !merged.raw() {
        bail!("--verify needs the secret values: scan with `fleet scan --show-secrets` (these results keep only redacted values)");
    }
    secrets::deliver(&common, outcome)
}
