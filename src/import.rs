//! `sfleaks import`: another scanner's baseline or report turned into a sfleaks baseline
//! file, for teams that switch and keep what they had accepted. An entry matches by the
//! secret's content where the file gives the secret or its hash (gitleaks' and trufflehog's
//! reports, detect-secrets' baseline), else by place (`.gitleaksignore`, a redacted gitleaks
//! report). What cannot be carried is said, one line each.

use crate::baseline::{BaselineFile, Entry, FORMAT_VERSION};
use crate::finding::hex;
use serde_json::Value;
use sha2::Digest;

/// The files `sfleaks import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum From {
    /// gitleaks' `.gitleaksignore` (one fingerprint a line: commit:file:rule:line).
    GitleaksIgnore,
    /// gitleaks' JSON report (`gitleaks detect --report-format json`).
    Gitleaks,
    /// detect-secrets' `.secrets.baseline`.
    DetectSecrets,
    /// trufflehog's `--json` output (one finding a line).
    Trufflehog,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Imported {
    /// The baseline file.
    pub file: BaselineFile,
    /// Entries that could not be carried: where in the input, and why.
    pub dropped: Vec<String>,
}

impl Imported {
    /// Entries matched by the secret's content.
    pub fn by_content(&self) -> usize {
        let e = &self.file.entries;
        e.iter()
            .filter(|e| e.secret_sha256.is_some() || e.secret_sha1.is_some())
            .count()
    }
}

fn sha256_of(secret: &str) -> String {
    hex(&sha2::Sha256::digest(secret.as_bytes()))
}

fn is_commit_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads `text` (named `name` in messages) as `from`.
pub fn import(from: From, name: &str, text: &str) -> Result<Imported, String> {
    let mut out = Imported::default();
    let what = match from {
        From::GitleaksIgnore => {
            gitleaks_ignore(text, &mut out);
            "gitleaks ignore file"
        }
        From::Gitleaks => {
            gitleaks_report(name, text, &mut out)?;
            "gitleaks report"
        }
        From::DetectSecrets => {
            detect_secrets(name, text, &mut out)?;
            "detect-secrets baseline"
        }
        From::Trufflehog => {
            trufflehog(name, text, &mut out)?;
            "trufflehog output"
        }
    };
    out.file.sfleaks_baseline = FORMAT_VERSION;
    out.file.source = format!("{what} {name}");
    let mut seen = std::collections::HashSet::new();
    out.file.entries.retain(|e| seen.insert(e.clone()));
    Ok(out)
}

/// `[commit:]file:rule:line`, the file possibly holding colons.
fn gitleaks_ignore(text: &str, out: &mut Imported) {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.rsplitn(3, ':');
        let (Some(num), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
            out.dropped.push(format!(
                "line {}: '{line}' is not commit:file:rule:line",
                i + 1
            ));
            continue;
        };
        let Ok(num) = num.parse::<usize>() else {
            out.dropped
                .push(format!("line {}: '{num}' is not a line number", i + 1));
            continue;
        };
        let (commit, file) = match rest.split_once(':') {
            Some((c, f)) if is_commit_id(c) => (Some(c.to_string()), f),
            _ => (None, rest),
        };
        out.file.entries.push(Entry {
            path: Some(file.to_string()),
            line: Some(num),
            commit,
            note: format!("gitleaks {rule}"),
            ..Entry::default()
        });
    }
}

fn parse(name: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{name}: not JSON: {e}"))
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A gitleaks report: an array of findings with Secret (unless redacted), File, StartLine,
/// Commit and RuleID.
fn gitleaks_report(name: &str, text: &str, out: &mut Imported) -> Result<(), String> {
    let doc = parse(name, text)?;
    let list = doc
        .as_array()
        .ok_or_else(|| format!("{name}: a gitleaks report is a JSON array of findings"))?;
    for (i, f) in list.iter().enumerate() {
        let (secret, file, rule) = (str_of(f, "Secret"), str_of(f, "File"), str_of(f, "RuleID"));
        let line = f.get("StartLine").and_then(Value::as_u64).unwrap_or(0) as usize;
        let commit = Some(str_of(f, "Commit")).filter(|c| !c.is_empty());
        let note = format!("gitleaks {rule} at {file}:{line}");
        // --redact writes REDACTED (or a part of the value and "...") in place of the secret
        let redacted = secret.is_empty() || secret.contains("REDACTED") || secret.ends_with("...");
        if !redacted {
            out.file.entries.push(Entry {
                secret_sha256: Some(sha256_of(secret)),
                note,
                ..Entry::default()
            });
        } else if !file.is_empty() && line > 0 {
            out.file.entries.push(Entry {
                path: Some(file.to_string()),
                line: Some(line),
                commit: commit.map(str::to_string),
                note: format!("{note}, redacted: matched by place"),
                ..Entry::default()
            });
        } else {
            out.dropped
                .push(format!("finding {}: {note}: no secret and no place", i + 1));
        }
    }
    Ok(())
}

/// A detect-secrets baseline: results by file, each with its SHA-1 `hashed_secret`.
fn detect_secrets(name: &str, text: &str, out: &mut Imported) -> Result<(), String> {
    let doc = parse(name, text)?;
    let results = doc
        .get("results")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{name}: a detect-secrets baseline has a results object"))?;
    for (file, list) in results {
        for s in list.as_array().into_iter().flatten() {
            let line = s.get("line_number").and_then(Value::as_u64).unwrap_or(0);
            let kind = str_of(s, "type");
            let note = format!("detect-secrets {kind} at {file}:{line}");
            if s.get("is_secret").and_then(Value::as_bool) == Some(true) {
                out.dropped.push(format!(
                    "{note}: audited as a real secret (is_secret: true); rotate it rather than baseline it"
                ));
                continue;
            }
            match s.get("hashed_secret").and_then(Value::as_str) {
                Some(h) if h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    out.file.entries.push(Entry {
                        secret_sha1: Some(h.to_ascii_lowercase()),
                        note,
                        ..Entry::default()
                    })
                }
                _ => out.dropped.push(format!("{note}: no SHA-1 hashed_secret")),
            }
        }
    }
    Ok(())
}

/// trufflehog's `--json`: one object a line with Raw, Verified and SourceMetadata.
fn trufflehog(name: &str, text: &str, out: &mut Imported) -> Result<(), String> {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Ok(f) = serde_json::from_str::<Value>(line) else {
            // trufflehog prints log lines among findings unless --no-verification --json alone
            out.dropped
                .push(format!("{name} line {}: not a JSON finding", i + 1));
            continue;
        };
        if f.get("SourceMetadata").is_none() {
            continue; // a log line in JSON
        }
        let data = f["SourceMetadata"]["Data"]
            .as_object()
            .and_then(|d| d.values().next())
            .cloned()
            .unwrap_or(Value::Null);
        let file = str_of(&data, "file");
        let at = data.get("line").and_then(Value::as_u64).unwrap_or(0);
        let detector = str_of(&f, "DetectorName");
        let note = format!("trufflehog {detector} at {file}:{at}");
        if f.get("Verified").and_then(Value::as_bool) == Some(true) {
            out.dropped.push(format!(
                "line {}: {note}: verified live by trufflehog; rotate it rather than baseline it",
                i + 1
            ));
            continue;
        }
        let raw = str_of(&f, "Raw");
        if raw.is_empty() {
            out.dropped
                .push(format!("line {}: {note}: no Raw value to match", i + 1));
            continue;
        }
        out.file.entries.push(Entry {
            secret_sha256: Some(sha256_of(raw)),
            note,
            ..Entry::default()
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitleaks_ignore_lines_keep_colons_in_paths() {
        let c = "a".repeat(40);
        let text = format!(
            "# accepted\n{c}:dir/a:b.env:generic-api-key:7\nconfig.yml:slack:3\nnonsense\n"
        );
        let got = import(From::GitleaksIgnore, ".gitleaksignore", &text).expect("imports");
        let e = &got.file.entries;
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].path.as_deref(), e[0].line, e[0].commit.as_deref()),
            (Some("dir/a:b.env"), Some(7), Some(c.as_str()))
        );
        assert_eq!(
            (e[1].path.as_deref(), e[1].commit.as_deref()),
            (Some("config.yml"), None)
        );
        assert_eq!(got.dropped.len(), 1, "{:?}", got.dropped);
    }
}
