//! One repository's result file: a header line (repository, the tip of every ref, the
//! version, rules and config it was made with), one line per finding, and a trailer line
//! with the outcome and counters. Written to a temporary name and renamed, so a file that
//! exists is whole, and one without a trailer cannot be.
//!
//! Secret values are redacted unless the scan was asked to keep them, and every id that
//! depends on a value is keyed (see `identity`). A result keeps where and by which commit
//! each secret was introduced, not how many commits carry it, so an incremental update (only
//! the new commits) gives the same file as a full scan.

use super::gitcmd::Tips;
use super::identity::FleetKey;
use crate::finding::{CommitInfo, Evidence, Finding, Origin, Severity, Suppression};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The result file format's version.
pub const FORMAT: u32 = 1;

/// What a result was made from; a result is reused only when all of it still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The result file format.
    pub format: u32,
    /// The repository's id in the list.
    pub repository: String,
    /// Its clone URL, credentials taken out.
    pub url: String,
    /// The tip of every branch and tag scanned.
    pub refs: Tips,
    /// The sfleaks version.
    pub sfleaks: String,
    /// Digest of every rule text in force.
    pub rules_digest: String,
    /// Digest of the config file, if one was given.
    pub config_digest: Option<String>,
    /// Names the HMAC key the ids were made with.
    pub key_id: String,
    /// Secret values kept in full (`--show-secrets`).
    pub raw_secrets: bool,
}

/// How a result came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scanned; the findings are complete.
    Ok,
    /// Could not be fetched or read; `reason` says why.
    Failed,
}

/// The last line: outcome and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    /// Scanned or failed.
    pub status: Status,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `full`, `incremental` (only commits new since the last result) or `none` (failed).
    pub scan: String,
    /// Commits walked by this run.
    pub commits_scanned: u64,
    /// Blobs scanned by this run.
    pub blobs_scanned: u64,
    /// Bytes scanned by this run.
    pub bytes_scanned: u64,
    /// Blobs passed over (binary, too large, unreadable) by this run.
    pub skipped: u64,
    /// Blobs passed over for being too large.
    pub skipped_large: u64,
    /// Findings in the file.
    pub findings: u64,
    /// What the result covers: an incremental run adds its counters to the earlier ones.
    pub totals: Totals,
}

/// Counters of everything a result covers, over every run that made it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Commits.
    pub commits: u64,
    /// Blobs scanned.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs passed over.
    pub skipped: u64,
    /// Blobs passed over for being too large.
    pub skipped_large: u64,
    /// Blobs passed over as binary (absent in results written before it was kept).
    #[serde(default)]
    pub skipped_binary: u64,
    /// Blobs that could not be read (the same).
    #[serde(default)]
    pub errors: u64,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Path in the repository.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Byte offset in the blob.
    pub offset: usize,
    /// The commit that introduced it.
    pub commit: Option<StoredCommit>,
    /// The value, redacted unless the header says raw.
    pub secret: String,
    /// False for posture findings (the value is a setting, kept in full).
    pub sensitive: bool,
    /// Score in context.
    pub cvss: f32,
    /// Keyed fingerprint of this location.
    pub fingerprint: String,
    /// Keyed id of the secret.
    pub secret_id: String,
    /// What was found.
    pub message: String,
    /// Why this severity.
    pub rationale: String,
    /// Context near it, shortened where sensitive unless raw.
    pub evidence: Vec<StoredEvidence>,
    /// What to do.
    pub remediation: String,
    /// What hides it, if anything.
    pub suppressed: Option<Suppression>,
    /// The path inside a container, if it was in one.
    pub within: Option<String>,
    /// Found base64-encoded.
    pub decoded: bool,
}

/// A commit as stored: as reports print it, with the time that orders commits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCommit {
    /// Id, author, date, summary.
    #[serde(flatten)]
    pub commit: CommitInfo,
    /// Author time, Unix seconds (reports leave it out).
    pub time: i64,
}

/// Evidence as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvidence {
    /// Signal id.
    pub kind: String,
    /// 1-based line.
    pub line: usize,
    /// Text as shown.
    pub text: String,
    /// The document part it is in, when not the finding's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Stored {
    /// Stores a finding of the engine: keyed ids, redacted unless `raw`.
    pub fn new(f: &Finding, key: &FleetKey, raw: bool) -> Stored {
        Stored {
            rule: f.rule.clone(),
            severity: f.severity,
            path: f.path.clone(),
            line: f.line,
            column: f.column,
            offset: f.offset,
            commit: f.commit.as_ref().map(|c| StoredCommit {
                commit: c.clone(),
                time: c.time,
            }),
            secret: f.shown_secret(raw),
            sensitive: f.sensitive,
            cvss: f.cvss,
            fingerprint: key.fingerprint(&f.rule, &f.path, &f.secret),
            secret_id: key.secret_id(&f.rule, &f.secret),
            message: f.message.clone(),
            rationale: f.rationale.clone(),
            evidence: f
                .evidence
                .iter()
                .map(|e| StoredEvidence {
                    kind: e.kind.clone(),
                    line: e.line,
                    text: e.shown_text(raw),
                    part: e.part.clone(),
                })
                .collect(),
            remediation: f.remediation.clone(),
            suppressed: f.suppressed,
            within: f.within.clone(),
            decoded: f.decoded,
        }
    }

    /// The finding again, naming its repository, for the report printers.
    pub fn to_finding(&self, repository: &str, raw: bool) -> Finding {
        Finding {
            rule: self.rule.clone(),
            severity: self.severity,
            path: self.path.clone(),
            line: self.line,
            column: self.column,
            offset: self.offset,
            commit: self.commit.as_ref().map(|c| CommitInfo {
                time: c.time,
                ..c.commit.clone()
            }),
            secret: self.secret.clone(),
            sensitive: self.sensitive,
            cvss: self.cvss,
            fingerprint: self.fingerprint.clone(),
            message: self.message.clone(),
            rationale: self.rationale.clone(),
            evidence: self
                .evidence
                .iter()
                .map(|e| Evidence {
                    kind: e.kind.clone(),
                    line: e.line,
                    text: e.text.clone(),
                    // kept as shown: shortened already unless raw
                    sensitive: false,
                    part: e.part.clone(),
                })
                .collect(),
            remediation: self.remediation.clone(),
            suppressed: self.suppressed,
            first_seen: self.commit.as_ref().map(|c| c.commit.id.clone()),
            last_seen: None,
            occurrences: None,
            verification: None,
            within: self.within.clone(),
            decoded: self.decoded,
            origin: Some(Origin {
                repository: repository.to_string(),
                secret_id: self.secret_id.clone(),
                redacted: !raw && self.sensitive,
            }),
        }
    }
}

/// One line of a result file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line {
    Header(Header),
    Finding(Box<Stored>),
    Trailer(Trailer),
}

/// A whole result.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFile {
    /// What it was made from.
    pub header: Header,
    /// Its findings, in report order.
    pub findings: Vec<Stored>,
    /// Outcome and counters.
    pub trailer: Trailer,
}

impl ResultFile {
    /// True when the repository was scanned (not failed).
    pub fn is_ok(&self) -> bool {
        self.trailer.status == Status::Ok
    }
}

/// The file name of a repository's result: its id made safe, with a hash of the id so that
/// ids differing only in unsafe characters do not collide.
pub fn file_name(id: &str) -> String {
    use sha2::Digest;
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    let tail: String = safe
        .chars()
        .rev()
        .take(80)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let h = sha2::Sha256::digest(id.as_bytes());
    format!("{tail}-{}.jsonl", crate::finding::hex(&h[..4]))
}

/// Writes a result atomically (a temporary file in the same directory, then a rename).
pub fn write(dir: &Path, r: &ResultFile) -> Result<PathBuf, String> {
    let path = dir.join(file_name(&r.header.repository));
    let mut tmp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    let body = (|| -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        serde_json::to_writer(&mut w, &Line::Header(r.header.clone()))?;
        w.write_all(b"\n")?;
        for f in &r.findings {
            serde_json::to_writer(&mut w, &Line::Finding(Box::new(f.clone())))?;
            w.write_all(b"\n")?;
        }
        serde_json::to_writer(&mut w, &Line::Trailer(r.trailer.clone()))?;
        w.write_all(b"\n")?;
        w.flush()
    })();
    body.and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tmp.persist(&path)
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
    Ok(path)
}

/// Reads a result file; `Ok(None)` when it has no trailer (not finished).
pub fn read(path: &Path) -> Result<Option<ResultFile>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut header = None;
    let mut findings = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let parsed: Line = serde_json::from_str(&line)
            .map_err(|e| format!("{}:{}: not a fleet result line: {e}", path.display(), i + 1))?;
        match parsed {
            Line::Header(h) if header.is_none() && i == 0 => {
                if h.format != FORMAT {
                    return Err(format!(
                        "{}: result format {} (this sfleaks reads {FORMAT})",
                        path.display(),
                        h.format
                    ));
                }
                header = Some(h)
            }
            Line::Finding(f) if header.is_some() => findings.push(*f),
            Line::Trailer(trailer) => {
                let Some(header) = header else { break };
                return Ok(Some(ResultFile {
                    header,
                    findings,
                    trailer,
                }));
            }
            _ => {
                return Err(format!(
                    "{}:{}: out of order (a header, findings, a trailer)",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    Ok(None)
}

/// Every result file in `dir` (not the temporary ones), sorted by name.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".jsonl") && !name.starts_with('.') {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}
