//! Printers: one per format behind the [`Printer`] trait. Every printer redacts secrets unless
//! the report says to show them.

pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod sarif;
pub mod secrets;

use crate::cli::Format;
use crate::finding::{Evidence, Finding, Severity};
use crate::rules::RuleSet;
use crate::scan::{Stats, Vcs};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

/// The version of the JSON and JSON Lines reports' schema (schemas/report.schema.json):
/// the minor part grows when fields are added, the major part for anything else.
pub const SCHEMA_VERSION: &str = "1.0";

/// What a printer prints.
#[derive(Debug)]
pub struct Report<'a> {
    /// Findings in report order.
    pub findings: &'a [Finding],
    /// Counters.
    pub stats: &'a Stats,
    /// Print secrets in full.
    pub show_secrets: bool,
    /// The rules in force (SARIF describes each).
    pub rules: &'a RuleSet,
    /// Directory the findings' paths are relative to.
    pub root: Option<&'a Path>,
    /// The repository scanned, when known.
    pub vcs: Option<&'a Vcs>,
    /// The severity that fails the run (JUnit makes those findings failures).
    pub fail_on: Severity,
    /// With `--report-stale`: the suppressions that hid nothing.
    pub stale: Option<&'a [crate::suppress::Stale]>,
}

/// A report format.
pub trait Printer {
    /// Writes the whole report.
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The printer for a format.
pub fn printer(format: Format, color: bool) -> Box<dyn Printer> {
    match format {
        Format::Human => Box::new(human::Human { color }),
        Format::Json => Box::new(json::Json),
        Format::Jsonl => Box::new(jsonl::JsonLines),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Junit => Box::new(junit::Junit),
        Format::Csv => Box::new(csv::Csv),
        Format::Html => Box::new(html::Html),
    }
}

/// A finding as serialised in JSON (and, later, JSON Lines): the raw secret never leaves
/// through this type unless `show_secrets` was set.
#[derive(Debug, Serialize)]
pub struct FindingView<'a> {
    /// The repository (fleet reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<&'a str>,
    /// Rule id.
    pub rule: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Path as reached from the scan argument.
    pub path: &'a str,
    /// 1-based line of the secret.
    pub line: usize,
    /// 1-based column of the secret.
    pub column: usize,
    /// Commit provenance (null for files on disk).
    pub commit: Option<&'a crate::finding::CommitInfo>,
    /// The secret, redacted unless asked.
    pub secret: String,
    /// CVSS-like score in context.
    pub cvss: f32,
    /// Stable fingerprint of this location.
    pub fingerprint: &'a str,
    /// The same for one secret at every path (rule + hash of the value).
    pub secret_id: String,
    /// What was found.
    pub message: &'a str,
    /// Why this severity.
    pub rationale: &'a str,
    /// Context near the secret.
    pub evidence: Vec<EvidenceView<'a>>,
    /// What to do.
    pub remediation: &'a str,
    /// Hidden from the report (only listed with --show-suppressed).
    pub suppressed: bool,
    /// What hides it: `inline`, `baseline` or `allowlist`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<crate::finding::Suppression>,
    /// History scans: oldest commit carrying the secret here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<&'a str>,
    /// History scans: newest commit carrying it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<&'a str>,
    /// History scans: how many commits carry it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<u64>,
    /// Live verification, with `--verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<&'a crate::finding::Verification>,
    /// The secret was found base64-encoded (`"base64"`) and is shown decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<&'static str>,
    /// Grouped reports: every location of this secret, this one first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<LocationView<'a>>>,
}

/// One place a secret was found at, as serialised in a grouped report.
#[derive(Debug, Serialize)]
pub struct LocationView<'a> {
    /// The repository (fleet reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<&'a str>,
    /// Path.
    pub path: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Severity at this place.
    pub severity: Severity,
    /// CVSS-like score at this place.
    pub cvss: f32,
    /// This location's fingerprint (what baselines and SARIF use).
    pub fingerprint: &'a str,
    /// History scans: the commit that introduced it at this path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<&'a str>,
    /// History scans: newest commit carrying it at this path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<&'a str>,
    /// History scans: how many commits carry it at this path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<u64>,
    /// Hidden here (only listed with --show-suppressed).
    pub suppressed: bool,
}

impl<'a> LocationView<'a> {
    fn new(f: &'a Finding) -> LocationView<'a> {
        LocationView {
            repository: f.repository(),
            path: &f.path,
            line: f.line,
            column: f.column,
            severity: f.severity,
            cvss: (f.cvss * 10.0).round() / 10.0,
            fingerprint: &f.fingerprint,
            commit: f.commit.as_ref().map(|c| c.id.as_str()),
            last_seen: f.last_seen.as_deref(),
            occurrences: f.occurrences,
            suppressed: f.is_suppressed(),
        }
    }
}

/// Evidence as serialised.
#[derive(Debug, Serialize)]
pub struct EvidenceView<'a> {
    /// Signal id.
    pub kind: &'a str,
    /// In a document: the part it is in, when not the finding's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'a str>,
    /// 1-based line.
    pub line: usize,
    /// Text, shortened when sensitive.
    pub text: String,
}

impl<'a> FindingView<'a> {
    /// Builds the view of one finding.
    pub fn new(f: &'a Finding, show_secrets: bool) -> FindingView<'a> {
        FindingView {
            repository: f.repository(),
            rule: &f.rule,
            severity: f.severity,
            path: &f.path,
            line: f.line,
            column: f.column,
            commit: f.commit.as_ref(),
            secret: f.shown_secret(show_secrets),
            cvss: (f.cvss * 10.0).round() / 10.0,
            fingerprint: &f.fingerprint,
            secret_id: f.secret_id(),
            message: &f.message,
            rationale: &f.rationale,
            evidence: f
                .evidence
                .iter()
                .map(|e: &'a Evidence| EvidenceView {
                    kind: &e.kind,
                    part: e.part.as_deref(),
                    line: e.line,
                    text: e.shown_text(show_secrets),
                })
                .collect(),
            remediation: &f.remediation,
            suppressed: f.is_suppressed(),
            suppressed_by: f.suppressed,
            first_seen: f.first_seen.as_deref(),
            last_seen: f.last_seen.as_deref(),
            occurrences: f.occurrences,
            verification: f.verification.as_ref(),
            decoded: f.decoded.then_some("base64"),
            locations: None,
        }
    }

    /// The view of one secret: its primary location's finding, named by the commit that
    /// first added it anywhere, with every location listed.
    pub fn of_secret(s: &secrets::Secret<'a>, show_secrets: bool) -> FindingView<'a> {
        let mut v = FindingView::new(s.primary, show_secrets);
        if let Some(first) = s.introducer() {
            v.commit = first.commit.as_ref();
            v.first_seen = first.first_seen.as_deref();
        }
        v.locations = Some(s.locations.iter().map(|f| LocationView::new(f)).collect());
        v
    }
}

/// Where a finding is, `path:line:column`; a fleet's findings name their repository first.
pub fn place(f: &Finding) -> String {
    match f.repository() {
        Some(r) => format!("{r}: {}:{}:{}", f.path, f.line, f.column),
        None => format!("{}:{}:{}", f.path, f.line, f.column),
    }
}

/// One line for stderr: findings by severity and what was scanned.
pub fn summary(findings: &[Finding], stats: &Stats) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = findings
                .iter()
                .filter(|f| f.severity == *sev && !f.is_suppressed())
                .count();
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let total = findings.iter().filter(|f| !f.is_suppressed()).count();
    let mut s = format!(
        "sfleaks: {total} finding{}",
        if total == 1 { "" } else { "s" }
    );
    let distinct = secrets::group(findings.iter().filter(|f| !f.is_suppressed())).len();
    if distinct < total {
        s.push_str(&format!(" of {distinct} secrets"));
    }
    if !counts.is_empty() {
        s.push_str(&format!(" ({})", counts.join(", ")));
    }
    for (n, what) in [
        (stats.suppressed, "suppressed inline"),
        (stats.baselined, "in the baseline"),
        (stats.allowlisted, "allowlisted"),
    ] {
        if n > 0 {
            s.push_str(&format!(", {n} {what}"));
        }
    }
    let plural = if stats.files == 1 { "" } else { "s" };
    if stats.commits > 0 {
        s.push_str(&format!(
            "; scanned {} blob{plural} from {} commit{}, {} in {} ms",
            stats.files,
            stats.commits,
            if stats.commits == 1 { "" } else { "s" },
            human_bytes(stats.bytes),
            stats.elapsed_ms
        ));
    } else {
        let inside = match stats.archives {
            0 => String::new(),
            n => format!(
                " ({} from {n} archive{})",
                stats.archive_entries,
                if n == 1 { "" } else { "s" }
            ),
        };
        s.push_str(&format!(
            "; scanned {} file{plural}{inside}, {} in {} ms",
            stats.files,
            human_bytes(stats.bytes),
            stats.elapsed_ms
        ));
    }
    if stats.skipped > 0 {
        s.push_str(&format!(
            "; skipped {} ({} binary, {} too large, {} unreadable)",
            stats.skipped, stats.skipped_binary, stats.skipped_large, stats.errors
        ));
    }
    s
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
