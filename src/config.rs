//! Turns parsed arguments into a plan: validates values, loads the rules, builds the matcher
//! and the list of inputs. Everything a run needs is decided here, before any byte is read.

use crate::cli::{ColorChoice, Format, HistoryArgs, LimitArgs, OutputArgs, ScanArgs, StagedArgs};
use crate::finding::Severity;
use crate::matcher::Matcher;
use crate::rules::RuleSet;
use crate::scan::{GitOptions, GitTarget, Input};
use crate::source::fs::WalkOptions;
use crate::source::git::Selection;
use anyhow::{anyhow, bail, Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// How and where to print.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    /// Report format.
    pub format: Format,
    /// Report file; standard output when `None`.
    pub file: Option<PathBuf>,
    /// Print secrets in full.
    pub show_secrets: bool,
    /// List suppressed findings too.
    pub show_suppressed: bool,
    /// Colour human output.
    pub color: bool,
    /// No summary or warnings on stderr.
    pub quiet: bool,
}

/// Everything `sfleaks scan` needs.
#[derive(Debug)]
pub struct ScanPlan {
    /// The compiled rules.
    pub matcher: Matcher,
    /// What to read.
    pub inputs: Vec<Input>,
    /// How to report.
    pub output: OutputPlan,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Severity,
}

impl ScanPlan {
    /// Validates `sfleaks scan` arguments and builds the plan.
    pub fn from_args(args: &ScanArgs) -> Result<ScanPlan> {
        let (max_file_size, threads) = limits(&args.limits)?;
        let mut inputs = Vec::new();
        let mut roots = Vec::new();
        for path in &args.paths {
            if path.as_os_str() == "-" {
                inputs.push(Input::Stdin(max_file_size));
                continue;
            }
            check_path(path)?;
            roots.push(path.clone());
        }
        if !roots.is_empty() {
            inputs.push(Input::Walk(WalkOptions {
                paths: roots,
                no_ignore: args.no_ignore,
                max_file_size,
                threads,
            }));
        }
        let (output, fail_on) = output_plan(&args.output)?;
        Ok(ScanPlan {
            matcher: load_matcher(&args.output.rules)?,
            inputs,
            output,
            fail_on,
        })
    }
}

/// Everything `sfleaks history` and `sfleaks staged` need.
#[derive(Debug)]
pub struct GitPlan {
    /// The compiled rules.
    pub matcher: Matcher,
    /// What to read.
    pub git: GitOptions,
    /// How to report.
    pub output: OutputPlan,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Severity,
}

impl GitPlan {
    /// Validates `sfleaks history` arguments and builds the plan.
    pub fn history(args: &HistoryArgs) -> Result<GitPlan> {
        let target = GitTarget::History(Selection {
            range: args.range.clone(),
            since: args.since_commit.clone(),
            branch: args.branch.clone(),
        });
        GitPlan::new(&args.repo, target, &args.limits, &args.output)
    }

    /// Validates `sfleaks staged` arguments and builds the plan.
    pub fn staged(args: &StagedArgs) -> Result<GitPlan> {
        GitPlan::new(&args.repo, GitTarget::Staged, &args.limits, &args.output)
    }

    fn new(
        repo: &Path,
        target: GitTarget,
        limit_args: &LimitArgs,
        out: &OutputArgs,
    ) -> Result<GitPlan> {
        let (max_file_size, threads) = limits(limit_args)?;
        check_path(repo)?;
        let (output, fail_on) = output_plan(out)?;
        Ok(GitPlan {
            matcher: load_matcher(&out.rules)?,
            git: GitOptions {
                repo: repo.to_path_buf(),
                target,
                max_file_size,
                threads,
                show_suppressed: output.show_suppressed,
                quiet: output.quiet,
                progress: !output.quiet && std::io::stderr().is_terminal(),
            },
            output,
            fail_on,
        })
    }
}

fn limits(args: &LimitArgs) -> Result<(u64, usize)> {
    let max = parse_size(&args.max_file_size).map_err(|e| anyhow!("--max-file-size: {e}"))?;
    Ok((max, args.threads.unwrap_or(0)))
}

/// Loads the built-in rules plus extra files and builds the matcher.
pub fn load_matcher(extra: &[PathBuf]) -> Result<Matcher> {
    let extra: Vec<&Path> = extra.iter().map(PathBuf::as_path).collect();
    let rules = RuleSet::load(&extra)?;
    Matcher::new(rules).context("building the keyword prefilter")
}

fn output_plan(args: &OutputArgs) -> Result<(OutputPlan, Severity)> {
    let fail_on: Severity = args
        .fail_on
        .parse()
        .map_err(|e| anyhow!("--fail-on: {e}"))?;
    let color = use_color(
        args.color,
        args.output.is_some(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::io::stdout().is_terminal(),
    );
    Ok((
        OutputPlan {
            format: args.format,
            file: args.output.clone(),
            show_secrets: args.show_secrets,
            show_suppressed: args.show_suppressed,
            color,
            quiet: args.quiet,
        },
        fail_on,
    ))
}

/// Colour only for a terminal on stdout, never into a file, never when NO_COLOR is set
/// (unless forced with `--color always`).
fn use_color(choice: ColorChoice, to_file: bool, no_color_env: bool, stdout_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !to_file && !no_color_env && stdout_tty,
    }
}

fn check_path(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("path not found: {}", path.display())
        }
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    }
}

/// Parses a size such as `100M`, `512K`, `2G`, `1.5M` or a plain byte count.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => {
            let unit = t[i..].to_ascii_uppercase();
            let mult: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
                "" => 1,
                "K" => 1 << 10,
                "M" => 1 << 20,
                "G" => 1 << 30,
                _ => return Err(format!("unknown size unit in '{s}' (use K, M or G)")),
            };
            (&t[..i], mult)
        }
        None => (t, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 100M)"))?;
    if !n.is_finite() || n < 0.0 {
        return Err(format!("'{s}' is not a size (e.g. 100M)"));
    }
    Ok((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_color(ColorChoice::Auto, false, false, true));
        assert!(!use_color(ColorChoice::Auto, false, true, true), "NO_COLOR");
        assert!(!use_color(ColorChoice::Auto, false, false, false), "pipe");
        assert!(!use_color(ColorChoice::Auto, true, false, true), "--output");
        assert!(use_color(ColorChoice::Always, true, true, false));
        assert!(!use_color(ColorChoice::Never, false, false, true));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("42"), Ok(42));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
        assert!(parse_size("-1").is_err());
    }
}
