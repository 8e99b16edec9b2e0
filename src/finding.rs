//! The finding model: what a match becomes once it has a rule, a place, a severity and evidence.
//!
//! A `Finding` keeps the raw secret so later stages (baselines, verification) can use it; every
//! printer goes through [`Finding::shown_secret`], which redacts unless the user asked otherwise.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is, from `info` (known public value) to `critical` (a working login).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Known public or documentation value: listed, never fails a build.
    Info,
    /// An identifier worth an inventory entry.
    Low,
    /// A weakness in posture, not a secret.
    Medium,
    /// A secret that needs rotating.
    High,
    /// A secret next to the call that uses it: a working login.
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used in rule files, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .iter()
            .copied()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown severity '{s}' (expected one of info, low, medium, high, critical)"
                )
            })
    }
}

/// Why a finding is hidden from the report (it still counts in the stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Suppression {
    /// An allow comment on the line or the line before (`sfleaks:allow`, `gitleaks:allow`, ...).
    Inline,
    /// Its fingerprint is in the `--baseline` report.
    Baseline,
    /// The config file's allowlist covers its path or value.
    Allowlist,
}

impl Suppression {
    /// The name used in reports: `inline`, `baseline` or `allowlist`.
    pub fn as_str(self) -> &'static str {
        match self {
            Suppression::Inline => "inline",
            Suppression::Baseline => "baseline",
            Suppression::Allowlist => "allowlist",
        }
    }
}

/// What live verification found out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyStatus {
    /// Salesforce issued a token: an open door.
    Live,
    /// The key and secret are valid but the client credentials flow is off.
    FlowDisabled,
    /// Rotated, revoked, expired or wrong.
    Invalid,
    /// Not verified or no clear answer (the detail says why).
    Unknown,
}

impl VerifyStatus {
    /// The name used in reports (`live`, `flow-disabled`, `invalid`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Live => "live",
            VerifyStatus::FlowDisabled => "flow-disabled",
            VerifyStatus::Invalid => "invalid",
            VerifyStatus::Unknown => "unknown",
        }
    }
}

/// The result of verifying one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The verdict.
    pub status: VerifyStatus,
    /// Why, in words (never the token itself).
    pub detail: String,
}

/// One piece of context that tied a value to Salesforce or raised its severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The signal id, e.g. `consumer-key`, `token-endpoint`, `grant-client-credentials`.
    pub kind: String,
    /// 1-based line of the evidence in the same file.
    pub line: usize,
    /// What was found.
    pub text: String,
    /// The text is itself sensitive (a consumer key) and is shortened unless secrets are shown.
    #[serde(skip)]
    pub sensitive: bool,
    /// In a document, the part the evidence is in when it is not the finding's own (the
    /// header of the body's secret, the page before); `line` is then that part's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Evidence {
    /// The text as printed: shortened when sensitive, unless `show` is set.
    pub fn shown_text(&self, show: bool) -> String {
        if self.sensitive && !show {
            let mut s: String = self.text.chars().take(12).collect();
            s.push('…');
            s
        } else {
            self.text.clone()
        }
    }
}

/// The commit a history finding belongs to; always `None` for files on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the message.
    pub summary: String,
    /// Author time, Unix seconds (orders commits across time zones; not printed).
    #[serde(skip)]
    pub time: i64,
}

/// A secret (or posture problem) found in one place.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Rule id, e.g. `salesforce-consumer-secret`.
    pub rule: String,
    /// Final severity after context.
    pub severity: Severity,
    /// Path as reached from the scan argument.
    pub path: String,
    /// 1-based line of the secret value.
    pub line: usize,
    /// 1-based column (in characters) of the secret value.
    pub column: usize,
    /// Byte offset of the secret in its blob (for de-duplication, not printed).
    pub offset: usize,
    /// Commit provenance, for history scans.
    pub commit: Option<CommitInfo>,
    /// The raw secret value; print it only through [`Finding::shown_secret`].
    pub secret: String,
    /// False for posture findings, whose "secret" is a setting and is shown in full.
    pub sensitive: bool,
    /// CVSS-like score (0.0-10.0) for this finding in its context.
    pub cvss: f32,
    /// Stable id: rule + path + hash of the secret.
    pub fingerprint: String,
    /// One-line description of what was found.
    pub message: String,
    /// Why it has this severity, in words.
    pub rationale: String,
    /// Context found near the secret.
    pub evidence: Vec<Evidence>,
    /// What to do about it.
    pub remediation: String,
    /// Set when an allow comment, the baseline or the allowlist hides this finding.
    pub suppressed: Option<Suppression>,
    /// History scans: the oldest commit carrying this secret at this path.
    pub first_seen: Option<String>,
    /// History scans: the newest commit carrying it.
    pub last_seen: Option<String>,
    /// History scans: how many commits carry it.
    pub occurrences: Option<u64>,
    /// Live verification, with `--verify`.
    pub verification: Option<Verification>,
    /// For a file inside a container in a git blob, the path through the container after the
    /// blob's own path (`!BOOT-INF/app.yml`): the same blob at another path keeps it.
    pub within: Option<String>,
    /// The secret was found base64-encoded, and is reported decoded.
    pub decoded: bool,
    /// Set on a finding read back from a stored result (a fleet's): its repository and what
    /// the result kept of the secret.
    pub origin: Option<Origin>,
}

/// The repository a stored finding came from, its keyed secret identity, and whether the
/// stored value is already redacted (results keep raw values only when asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The repository's id, as the repository list names it.
    pub repository: String,
    /// Keyed identity of the secret (the same value anywhere gives the same id under one key).
    pub secret_id: String,
    /// `secret` holds the redacted form, not the value.
    pub redacted: bool,
}

impl Finding {
    /// A bare finding for unit tests: `rule` found `secret` at line 1 of `path`.
    #[cfg(test)]
    pub fn example(rule: &str, path: &str, secret: &str, severity: Severity) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            path: path.into(),
            line: 1,
            column: 1,
            offset: 0,
            commit: None,
            secret: secret.into(),
            sensitive: true,
            cvss: 7.5,
            fingerprint: fingerprint(rule, path, secret),
            message: String::new(),
            rationale: String::new(),
            evidence: vec![],
            remediation: String::new(),
            suppressed: None,
            first_seen: None,
            last_seen: None,
            occurrences: None,
            verification: None,
            within: None,
            decoded: false,
            origin: None,
        }
    }

    /// What tells one secret from another: the keyed id of a stored finding, else the value.
    pub fn identity(&self) -> &str {
        self.origin.as_ref().map_or(&self.secret, |o| &o.secret_id)
    }

    /// The repository a stored finding came from.
    pub fn repository(&self) -> Option<&str> {
        self.origin.as_ref().map(|o| o.repository.as_str())
    }

    /// The id grouping this secret's locations: the stored keyed id, else rule + value hash.
    pub fn secret_id(&self) -> String {
        match &self.origin {
            Some(o) => o.secret_id.clone(),
            None => secret_id(&self.rule, &self.secret),
        }
    }

    /// True when something hides this finding from the report.
    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// The secret as printed: in full with `show`, redacted otherwise.
    pub fn shown_secret(&self, show: bool) -> String {
        if show || !self.sensitive || self.origin.as_ref().is_some_and(|o| o.redacted) {
            self.secret.clone()
        } else {
            redact(&self.secret)
        }
    }
}

/// Redacts a value to its first few characters and an ellipsis.
///
/// Short values keep fewer characters so that a redacted 6-character password does not give
/// most of itself away.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    let keep = 4.min(n / 2);
    let mut out: String = value.chars().take(keep).collect();
    out.push('…');
    out
}

/// Report order: repository (stored findings), path, line, column, rule, then fingerprint
/// (two secrets a history held at the same place, which workers may find in either order).
pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (
        a.repository(),
        &a.path,
        a.line,
        a.column,
        &a.rule,
        &a.fingerprint,
    )
        .cmp(&(
            b.repository(),
            &b.path,
            b.line,
            b.column,
            &b.rule,
            &b.fingerprint,
        ))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Identifies one secret wherever it is: rule + hash of the value, the same at every path
/// (what groups a secret's locations; never the value itself).
pub fn secret_id(rule: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(Sha256::digest(secret.as_bytes()));
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Computes the stable fingerprint of a finding: it changes with the rule, the path or the
/// secret, and with nothing else (so moving a line keeps it).
pub fn fingerprint(rule: &str, path: &str, secret: &str) -> String {
    // `scan .` reaches `./a.env`, `history` reports `a.env`: the same place, the same id
    let path = path.strip_prefix("./").unwrap_or(path);
    let secret_hash = Sha256::digest(secret.as_bytes());
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(secret_hash);
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_four_chars_of_long_values() {
        assert_eq!(redact("EB4E60EBF4C74EFD"), "EB4E…");
        assert_eq!(redact("abcdef"), "abc…");
        assert_eq!(redact(""), "…");
    }

    #[test]
    fn fingerprint_depends_on_rule_path_and_secret_only() {
        let a = fingerprint("r", "p", "s1");
        assert_eq!(a, fingerprint("r", "p", "s1"));
        assert_ne!(a, fingerprint("r", "p", "s2"));
        assert_ne!(a, fingerprint("r", "q", "s1"));
        assert_ne!(a, fingerprint("x", "p", "s1"));
        assert_eq!(a.len(), 32);
        assert_eq!(fingerprint("r", "./p", "s1"), a);
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info < Severity::Low);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }
}
