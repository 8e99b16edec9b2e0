//! Turns parsed arguments into a plan: reads the config file, validates values (command-line
//! options override the file), loads the rules, builds the matcher, the filter and the list of
//! inputs. Everything a run needs is decided here, before any byte is read.

use crate::cli::{ColorChoice, Format, HistoryArgs, LimitArgs, OutputArgs, ScanArgs, StagedArgs};
use crate::configfile::{self, Loaded};
use crate::finding::Severity;
use crate::matcher::Matcher;
use crate::rules::RuleSet;
use crate::scan::{GitOptions, GitTarget, Input};
use crate::source::fs::WalkOptions;
use crate::source::git::Selection;
use crate::suppress::Filter;
use anyhow::{anyhow, bail, Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Default `--max-file-size`.
pub const DEFAULT_MAX_FILE_SIZE: &str = "100M";

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
    /// List suppressions that hid nothing.
    pub report_stale: bool,
    /// Colour human output.
    pub color: bool,
    /// No summary or warnings on stderr.
    pub quiet: bool,
}

/// What every scanning command shares: rules, filter, output, threshold and limits.
#[derive(Debug)]
pub struct Common {
    /// The compiled rules.
    pub matcher: Matcher,
    /// Baseline and allowlist.
    pub filter: Filter,
    /// How to report.
    pub output: OutputPlan,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Severity,
    /// Skip files larger than this many bytes.
    pub max_file_size: u64,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Which containers to open, and how far.
    pub archives: crate::source::containers::Limits,
    /// Live verification, when asked for with `--verify`.
    pub verify: Option<VerifyPlan>,
    /// SHA-256 of every rule text in force (built-in, extra files, the config's inline rules).
    pub rules_digest: String,
    /// SHA-256 of the config file, when one was read.
    pub config_digest: Option<String>,
}

/// What `--verify` asked for.
#[derive(Debug, Clone)]
pub struct VerifyPlan {
    /// Also verify refresh and access tokens.
    pub tokens: bool,
    /// Requests per second at most.
    pub rps: f64,
    /// `SFLEAKS_VERIFY_ENDPOINT`, validated.
    pub endpoint: Option<String>,
    /// Report only live and flow-disabled findings.
    pub only_verified: bool,
}

impl VerifyPlan {
    fn from_args(out: &OutputArgs) -> Result<Option<VerifyPlan>> {
        if !out.verify {
            return Ok(None);
        }
        if cfg!(not(feature = "verify")) {
            bail!("--verify: this build has no network code (built without the `verify` feature)");
        }
        if !(out.verify_rps > 0.0 && out.verify_rps.is_finite()) {
            bail!("--verify-rps: must be a positive number");
        }
        #[cfg(feature = "verify")]
        let endpoint = match std::env::var(crate::verify::ENDPOINT_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                Some(crate::verify::check_override(&v).map_err(|e| anyhow!(e))?)
            }
            _ => None,
        };
        #[cfg(not(feature = "verify"))]
        let endpoint = None;
        Ok(Some(VerifyPlan {
            tokens: out.verify_tokens,
            rps: out.verify_rps,
            endpoint,
            only_verified: out.only_verified,
        }))
    }
}

impl Common {
    /// Reads the config file (explicit, or `.sfleaks.toml` in `root`) and resolves every
    /// shared option: command line first, then the file, then the defaults. A fleet passes
    /// a root without one, so only `--config` counts there.
    pub fn new(root: Option<&Path>, limits: &LimitArgs, out: &OutputArgs) -> Result<Common> {
        let cfg = configfile::load(out.config.as_deref(), root)?;
        let fail_on = match &out.fail_on {
            Some(s) => s.parse().map_err(|e| anyhow!("--fail-on: {e}"))?,
            None => match &cfg {
                Some(c) => c.fail_on()?.unwrap_or(Severity::High),
                None => Severity::High,
            },
        };
        let max_file_size = match (&limits.max_file_size, &cfg) {
            (Some(s), _) => parse_size(s).map_err(|e| anyhow!("--max-file-size: {e}"))?,
            (None, Some(c)) => match &c.config.max_file_size {
                Some(s) => parse_size(s).map_err(|e| c.error("max-file-size", e))?,
                None => parse_size(DEFAULT_MAX_FILE_SIZE).map_err(|e| anyhow!(e))?,
            },
            (None, None) => parse_size(DEFAULT_MAX_FILE_SIZE).map_err(|e| anyhow!(e))?,
        };
        let archives = archive_limits(limits, cfg.as_ref())?;
        let mut filter = Filter::default();
        if let Some(c) = &cfg {
            let a = &c.config.allowlist;
            let own = c.file.file_name().map(|n| n.to_string_lossy().into_owned());
            let own = own.unwrap_or_else(|| configfile::FILE_NAME.to_string());
            filter = filter
                .with_allowlist(&absolute(&c.dir), &own, &a.paths, &a.values, &a.regexes)
                .map_err(|e| anyhow!("config {}: {e}", c.file.display()))?;
        }
        if let Some(b) = &out.baseline {
            filter = filter.with_baseline(crate::baseline::load(b).map_err(|e| anyhow!(e))?, b);
        }
        let (matcher, rules_digest) = build_matcher(&out.rules, cfg.as_ref())?;
        Ok(Common {
            matcher,
            rules_digest,
            config_digest: cfg.as_ref().map(|c| c.digest.clone()),
            filter,
            output: output_plan(out),
            fail_on,
            max_file_size,
            threads: limits.threads.unwrap_or(0),
            archives,
            verify: VerifyPlan::from_args(out)?,
        })
    }
}

/// Everything `sfleaks scan` needs.
#[derive(Debug)]
pub struct ScanPlan {
    /// Shared options.
    pub common: Common,
    /// What to read.
    pub inputs: Vec<Input>,
}

impl ScanPlan {
    /// Validates `sfleaks scan` arguments and builds the plan.
    pub fn from_args(args: &ScanArgs) -> Result<ScanPlan> {
        for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
            check_path(path)?;
        }
        // the scan root holds the config file: the one directory scanned, else here
        let root = match args.paths.as_slice() {
            [one] if one.is_dir() => one.clone(),
            _ => PathBuf::from("."),
        };
        let common = Common::new(Some(&root), &args.limits, &args.output)?;
        let mut inputs = Vec::new();
        let mut roots = Vec::new();
        for path in &args.paths {
            if path.as_os_str() == "-" {
                inputs.push(Input::Stdin(common.max_file_size));
            } else {
                roots.push(path.clone());
            }
        }
        if !roots.is_empty() {
            inputs.push(Input::Walk(WalkOptions {
                paths: roots,
                no_ignore: args.no_ignore,
                follow: args.follow,
                max_file_size: common.max_file_size,
                threads: common.threads,
                archives: common.archives.clone(),
            }));
        }
        Ok(ScanPlan { common, inputs })
    }
}

/// Everything `sfleaks history` and `sfleaks staged` need.
#[derive(Debug)]
pub struct GitPlan {
    /// Shared options.
    pub common: Common,
    /// What to read.
    pub git: GitOptions,
}

impl GitPlan {
    /// Validates `sfleaks history` arguments and builds the plan.
    pub fn history(args: &HistoryArgs) -> Result<GitPlan> {
        let target = GitTarget::History(Selection {
            range: args.range.clone(),
            since: args.since_commit.clone(),
            branch: args.branch.clone(),
            hide: Vec::new(),
            default_branch: args.default_branch.clone(),
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
        limits: &LimitArgs,
        out: &OutputArgs,
    ) -> Result<GitPlan> {
        check_path(repo)?;
        // the config file sits at the top of the work tree; a path that is not a repository
        // is reported by the scan itself
        let root = git2::Repository::discover(repo)
            .ok()
            .and_then(|r| r.workdir().map(Path::to_path_buf))
            .unwrap_or_else(|| repo.to_path_buf());
        let common = Common::new(Some(&root), limits, out)?;
        let git = GitOptions {
            repo: repo.to_path_buf(),
            target,
            max_file_size: common.max_file_size,
            threads: common.threads,
            quiet: common.output.quiet,
            progress: !common.output.quiet && std::io::stderr().is_terminal(),
            archives: common.archives.clone(),
        };
        Ok(GitPlan { common, git })
    }
}

/// Loads the built-in rules plus extra files (no config file) and builds the matcher.
pub fn load_matcher(extra: &[PathBuf]) -> Result<Matcher> {
    build_matcher(extra, None).map(|(m, _)| m)
}

/// Loads the built-in rules, the config file's extra and inline rules, then `--rules` files,
/// drops the config's disabled rules, and builds the matcher; also gives the digest of
/// every rule text in force.
fn build_matcher(extra: &[PathBuf], cfg: Option<&Loaded>) -> Result<(Matcher, String)> {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(c) = cfg {
        files.extend(c.config.extra_rules.iter().map(|p| c.dir.join(p)));
    }
    files.extend(extra.iter().cloned());
    for path in &files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        texts.push((path.display().to_string(), text));
    }
    if let Some(c) = cfg {
        if let Some(inline) = c.inline_rules()? {
            texts.push((c.file.display().to_string(), inline));
        }
    }
    let digest = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        let builtin = crate::rules::BUILTIN.iter().map(|(n, t)| (*n, *t));
        for (name, text) in builtin.chain(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        crate::finding::hex(&h.finalize())
    };
    let mut rules = RuleSet::with_builtin(&texts)?;
    if let Some(c) = cfg {
        rules
            .disable(&c.config.disabled_rules)
            .map_err(|e| c.error("disabled-rules", e))?;
    }
    let matcher = Matcher::new(rules).context("building the keyword prefilter")?;
    Ok((matcher, digest))
}

/// The container options: command line first, then the config file, then the defaults.
fn archive_limits(
    args: &LimitArgs,
    cfg: Option<&configfile::Loaded>,
) -> Result<crate::source::containers::Limits> {
    use crate::source::containers::{Kind, Limits};
    let file = cfg.map(|c| &c.config);
    let mut limits = Limits {
        helper: crate::source::containers::isolated::Helper::current(),
        ..Limits::default()
    };
    let kinds = |names: &[String]| -> Result<Vec<Kind>, String> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| Kind::parse(n))
            .collect()
    };
    if args.no_archives {
        limits.kinds.clear();
    } else if let Some(names) = &args.archives {
        limits.kinds = kinds(names).map_err(|e| anyhow!("--archives: {e}"))?;
    } else if let (Some(c), Some(names)) = (cfg, file.and_then(|f| f.archives.as_ref())) {
        limits.kinds = kinds(names).map_err(|e| c.error("archives", e))?;
    }
    match (
        args.max_archive_depth,
        file.and_then(|f| f.max_archive_depth),
    ) {
        (Some(0), _) => return Err(anyhow!("--max-archive-depth: must be at least 1")),
        (Some(n), _) | (None, Some(n)) => limits.depth = n.max(1),
        (None, None) => {}
    }
    match (&args.max_decompressed_size, cfg) {
        (Some(s), _) => {
            limits.total = parse_size(s).map_err(|e| anyhow!("--max-decompressed-size: {e}"))?
        }
        (None, Some(c)) => {
            if let Some(s) = &c.config.max_decompressed_size {
                limits.total = parse_size(s).map_err(|e| c.error("max-decompressed-size", e))?;
            }
        }
        (None, None) => {}
    }
    Ok(limits)
}

fn output_plan(args: &OutputArgs) -> OutputPlan {
    let color = use_color(
        args.color,
        args.output.is_some(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::io::stdout().is_terminal(),
    );
    OutputPlan {
        format: args.format,
        file: args.output.clone(),
        show_secrets: args.show_secrets,
        show_suppressed: args.show_suppressed,
        report_stale: args.report_stale,
        color,
        quiet: args.quiet,
    }
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

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
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
