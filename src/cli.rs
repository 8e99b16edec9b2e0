//! Command-line arguments as plain data (clap derive). Validation and the objects built from
//! them live in `config`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Finds hard-coded Salesforce credentials in files, git history and staged changes.
#[derive(Debug, Parser)]
#[command(name = "sfleaks", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories on disk (`-` reads standard input).
    Scan(ScanArgs),
    /// Scan every commit of a git repository (all refs), or a range of commits.
    History(HistoryArgs),
    /// Scan what is staged for the next commit (for pre-commit hooks).
    Staged(StagedArgs),
    /// List the rules in force (with --check, test them against their examples).
    Rules(RulesArgs),
    /// Explain a rule: what it finds, why it matters, how to fix it.
    Explain(ExplainArgs),
    /// Scan every repository of an organisation, sharded over a batch engine.
    Fleet(FleetArgs),
    /// Turn another scanner's baseline or report into a sfleaks baseline (for --baseline).
    Import(ImportArgs),
}

/// `sfleaks import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file is.
    #[arg(value_enum, value_name = "FROM")]
    pub from: crate::import::From,
    /// The file to read.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the baseline to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summary on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: one block per finding.
    Human,
    /// One JSON document: {"version": 1, "findings": [...], "stats": {...}}.
    Json,
    /// One JSON finding per line, streamed as found.
    Jsonl,
    /// SARIF 2.1.0, for code scanning dashboards.
    Sarif,
    /// JUnit XML: a test suite per rule, a test case per finding (GitLab, Jenkins).
    Junit,
    /// CSV: a row per finding, for spreadsheets.
    Csv,
    /// One self-contained HTML page (offline): counts, charts, a sortable table.
    Html,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Options shared by every scanning subcommand.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secret values in full (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit 1 when a finding is at or above this severity [default: high].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Hide findings whose fingerprint is in this earlier report (JSON, JSON Lines or SARIF).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Config file [default: .sfleaks.toml at the scan root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also list findings hidden by an inline allow comment.
    #[arg(long)]
    pub show_suppressed: bool,
    /// List baseline entries, allowlist entries and `sfleaks:allow` markers that hid nothing
    /// in this scan (on stderr, and in the JSON report); the exit code is unchanged.
    #[arg(long)]
    pub report_stale: bool,
    /// Extra rule file(s) to load beside the built-in pack.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Colour for human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// No summary or warnings on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Check found consumer key + secret pairs live against Salesforce (network; off by default).
    #[arg(long)]
    pub verify: bool,
    /// With --verify, also check refresh and access tokens.
    #[arg(long, requires = "verify")]
    pub verify_tokens: bool,
    /// With --verify, requests per second at most.
    #[arg(long, value_name = "N", default_value = "5", requires = "verify")]
    pub verify_rps: f64,
    /// Report only findings verified live or flow-disabled (implies nothing about exit codes).
    #[arg(long, requires = "verify")]
    pub only_verified: bool,
}

/// Limits shared by every scanning subcommand.
#[derive(Debug, Default, Args)]
pub struct LimitArgs {
    /// Skip files larger than this (bytes, or with K, M, G suffix) [default: 100M].
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Do not open archives, documents or compressed files (they are skipped as binary).
    #[arg(long, conflicts_with = "archives")]
    pub no_archives: bool,
    /// Open only these kinds of container, comma-separated: zip (jar, war, apk, ...),
    /// document (docx, xlsx, pptx, odt, ods, odp), pdf, tar, gzip, bzip2, xz, zstd
    /// [default: all].
    #[arg(long, value_name = "KINDS", value_delimiter = ',')]
    pub archives: Option<Vec<String>>,
    /// Open containers inside containers down to this depth [default: 3].
    #[arg(long, value_name = "N")]
    pub max_archive_depth: Option<usize>,
    /// Stop reading one archive (every level of it) after this many decompressed bytes
    /// [default: 1G].
    #[arg(long, value_name = "SIZE")]
    pub max_decompressed_size: Option<String>,
}

/// `sfleaks scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Scan files that .gitignore/.ignore exclude too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links, also out of the scan root (loops are detected and skipped).
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Size and thread limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `sfleaks history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository (or a path inside it).
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    /// Only commits in A..B (reachable from B, not from A), as a pull request's CI step needs.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["since_commit", "branch"])]
    pub range: Option<String>,
    /// Only commits after this one (on the branch, or HEAD).
    #[arg(long, value_name = "COMMIT")]
    pub since_commit: Option<String>,
    /// Only this branch's history (default: every ref).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// A new branch (`--range 0000...0000..HEAD`, CI's first push) or a base that is gone
    /// (force-push, shallow fetch) is compared with this branch (or origin/ of it) instead
    /// of every other ref.
    #[arg(long, value_name = "NAME")]
    pub default_branch: Option<String>,
    /// Size and thread limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `sfleaks staged`.
#[derive(Debug, Args)]
pub struct StagedArgs {
    /// The repository (or a path inside it).
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    /// Size and thread limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `sfleaks explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. salesforce-consumer-secret.
    #[arg(value_name = "RULE_ID")]
    pub rule: String,
    /// Extra rule file(s) to load beside the built-in pack.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// `sfleaks rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Extra rule file(s) to load beside the built-in pack.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Check every rule against its examples; exit 1 on a failure.
    #[arg(long)]
    pub check: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: Format,
}

/// `sfleaks fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: FleetCommand,
}

/// `sfleaks fleet` subcommands.
#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// List an organisation's repositories (GitHub, GitLab) as JSON Lines sorted by id.
    List(FleetListArgs),
    /// Fetch and scan one shard of a repository list, one result file per repository.
    Scan(FleetScanArgs),
    /// Merge result directories into one report.
    Merge(FleetMergeArgs),
    /// One entry per distinct secret across every repository of the results.
    Secrets(FleetSecretsArgs),
}

/// `sfleaks fleet list`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("owner").required(true).args(["github_org", "github_user", "gitlab_group"])))]
pub struct FleetListArgs {
    /// A GitHub organisation.
    #[arg(long, value_name = "ORG")]
    pub github_org: Option<String>,
    /// A GitHub user's own repositories.
    #[arg(long, value_name = "USER")]
    pub github_user: Option<String>,
    /// A GitLab group (full path, e.g. acme/platform).
    #[arg(long, value_name = "GROUP")]
    pub gitlab_group: Option<String>,
    /// With --gitlab-group, also the projects of its subgroups.
    #[arg(long, requires = "gitlab_group")]
    pub include_subgroups: bool,
    /// API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Keep forks.
    #[arg(long)]
    pub include_forks: bool,
    /// Keep archived repositories.
    #[arg(long)]
    pub include_archived: bool,
    /// Leave out repositories whose name (owner/name) matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Write the list to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress or warnings on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// How `fleet scan` assigns repositories to shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShardBy {
    /// By a hash of the repository id: stable when the list grows.
    Hash,
    /// Balanced by size_kb (largest first onto the lightest shard), ties by id.
    Size,
}

/// `sfleaks fleet scan`.
#[derive(Debug, Args)]
pub struct FleetScanArgs {
    /// The repository list: `fleet list` JSON Lines, or one clone URL or local path a line.
    #[arg(long, value_name = "LIST")]
    pub repos: PathBuf,
    /// This process's shard, I/N with 0 <= I < N.
    #[arg(long, value_name = "I/N", default_value = "0/1")]
    pub shard: String,
    /// How repositories are assigned to shards.
    #[arg(long, value_enum, default_value = "hash")]
    pub shard_by: ShardBy,
    /// Directory for the result files (one per repository).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Directory for bare clones, kept between runs so updates fetch only what is new
    /// [default: a temporary directory].
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
    /// Repositories fetched and scanned at once.
    #[arg(long, value_name = "J", default_value = "1")]
    pub jobs: usize,
    /// Keep raw secret values in the result files (redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Also scan the refs of pull and merge requests (refs/pull/*, refs/merge-requests/*):
    /// a leak pushed for review stays there after its branch is deleted.
    #[arg(long)]
    pub pull_requests: bool,
    /// Config file (allowlist, rules, limits); a repository's own is not read.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule file(s) to load beside the built-in pack.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Size and thread limits (threads are per repository).
    #[command(flatten)]
    pub limits: LimitArgs,
    /// No per-repository lines on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `sfleaks fleet merge`.
#[derive(Debug, Args)]
pub struct FleetMergeArgs {
    /// Result directories (of one or many shards).
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// The repository list: every repository without a finished result is named, exit 2.
    #[arg(long, value_name = "LIST")]
    pub repos: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `sfleaks fleet secrets`.
#[derive(Debug, Args)]
pub struct FleetSecretsArgs {
    /// Result directories (of one or many shards).
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}
