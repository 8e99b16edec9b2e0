//! Baselines: what an earlier report or another scanner already knew about, so it is not
//! reported again. Read from a sfleaks report (JSON, JSON Lines, SARIF: by fingerprint) or
//! from a baseline file that `sfleaks import` wrote from a peer's (by the secret's content
//! where the peer's file gave it, else by place). Each entry remembers whether it covered
//! anything, for `--report-stale`.

use crate::finding::{hex, Finding};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The `sfleaks_baseline` value of the baseline file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A baseline file, as `sfleaks import` writes it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BaselineFile {
    /// The format version ([`FORMAT_VERSION`]).
    pub sfleaks_baseline: u32,
    /// Where the entries came from (`gitleaks report gitleaks.json`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The entries.
    pub entries: Vec<Entry>,
}

/// One accepted finding. Exactly one way of matching is set: a fingerprint, a hash of the
/// secret, or a place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// A sfleaks fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// SHA-256 of the secret value (hex): matches the value wherever it is found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_sha256: Option<String>,
    /// SHA-1 of the secret value (hex), as detect-secrets stores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_sha1: Option<String>,
    /// With `line`: a place (when the peer's file gave no secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line of the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// With a place: only in this commit (a prefix of the id is enough).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What the entry was in the file it came from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Entry {
    /// How the entry is shown when it is stale.
    pub fn describe(&self) -> String {
        let what = if let Some(fp) = &self.fingerprint {
            format!("fingerprint {fp}")
        } else if let Some(h) = self.secret_sha256.as_ref().or(self.secret_sha1.as_ref()) {
            format!("secret hash {}", h.get(..16).unwrap_or(h))
        } else {
            let commit = self
                .commit
                .as_deref()
                .map(|c| format!(" in {}", c.get(..12).unwrap_or(c)));
            format!(
                "place {}:{}{}",
                self.path.as_deref().unwrap_or("?"),
                self.line.unwrap_or(0),
                commit.unwrap_or_default()
            )
        };
        if self.note.is_empty() {
            what
        } else {
            format!("{what} ({})", self.note)
        }
    }
}

/// A loaded baseline, indexed for matching, remembering which entries matched.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
    used: Vec<AtomicBool>,
    // each key lists every entry with it: two peers' entries for one secret both count as used
    fingerprints: HashMap<String, Vec<usize>>,
    sha256: HashMap<String, Vec<usize>>,
    sha1: HashMap<String, Vec<usize>>,
    places: HashMap<(String, usize), Vec<usize>>,
}

fn normal_path(p: &str) -> &str {
    p.strip_prefix("./").unwrap_or(p)
}

impl Baseline {
    /// Builds the index.
    pub fn new(entries: Vec<Entry>) -> Baseline {
        let mut b = Baseline {
            used: entries.iter().map(|_| AtomicBool::new(false)).collect(),
            ..Baseline::default()
        };
        for (i, e) in entries.iter().enumerate() {
            if let Some(fp) = &e.fingerprint {
                b.fingerprints.entry(fp.clone()).or_default().push(i);
            } else if let Some(h) = &e.secret_sha256 {
                b.sha256.entry(h.to_ascii_lowercase()).or_default().push(i);
            } else if let Some(h) = &e.secret_sha1 {
                b.sha1.entry(h.to_ascii_lowercase()).or_default().push(i);
            } else if let (Some(p), Some(l)) = (&e.path, e.line) {
                b.places
                    .entry((normal_path(p).to_string(), l))
                    .or_default()
                    .push(i);
            }
        }
        b.entries = entries;
        b
    }

    /// True when no entry is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when an entry covers `f`; every entry that does is marked used.
    pub fn covers(&self, f: &Finding) -> bool {
        let mut hit = false;
        let mut mark = |i: usize| {
            self.used[i].store(true, Ordering::Relaxed);
            hit = true;
        };
        let none: &[usize] = &[];
        let fps = self.fingerprints.get(&f.fingerprint);
        fps.map_or(none, Vec::as_slice)
            .iter()
            .for_each(|&i| mark(i));
        if !self.sha256.is_empty() {
            let key = hex(&sha2::Sha256::digest(f.secret.as_bytes()));
            let list = self.sha256.get(&key).map_or(none, Vec::as_slice);
            list.iter().for_each(|&i| mark(i));
        }
        if !self.sha1.is_empty() {
            let key = hex(&sha1::Sha1::digest(f.secret.as_bytes()));
            let list = self.sha1.get(&key).map_or(none, Vec::as_slice);
            list.iter().for_each(|&i| mark(i));
        }
        if let Some(list) = self.places.get(&(normal_path(&f.path).to_string(), f.line)) {
            for &i in list {
                let commit_ok = match (&self.entries[i].commit, &f.commit) {
                    (None, _) => true,
                    (Some(want), Some(c)) => c.id.starts_with(want.as_str()),
                    (Some(_), None) => false,
                };
                if commit_ok {
                    mark(i);
                }
            }
        }
        hit
    }

    /// The entries that covered nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| !u.load(Ordering::Relaxed))
            .map(|(e, _)| e)
    }
}

/// Reads a baseline: a sfleaks report (JSON, JSON Lines or SARIF; by fingerprint) or a
/// baseline file written by `sfleaks import`.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let bad = |what: &str| format!("baseline {}: {what}", path.display());
    let mut fps: Vec<String> = Vec::new();
    let mut take = |v: &serde_json::Value| {
        if let Some(fp) = v.get("fingerprint").and_then(|f| f.as_str()) {
            fps.push(fp.to_string());
        }
        // a grouped report lists every location of a secret with its own fingerprint
        for l in v
            .get("locations")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(fp) = l.get("fingerprint").and_then(|f| f.as_str()) {
                fps.push(fp.to_string());
            }
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(doc) if doc.get("sfleaks_baseline").is_some() => {
            let file: BaselineFile =
                serde_json::from_value(doc).map_err(|e| bad(&format!("not a baseline file: {e}")))?;
            if file.sfleaks_baseline != FORMAT_VERSION {
                return Err(bad(&format!(
                    "baseline format {} (this sfleaks reads {FORMAT_VERSION})",
                    file.sfleaks_baseline
                )));
            }
            return Ok(Baseline::new(file.entries));
        }
        Ok(doc) if doc.get("findings").is_some() => {
            doc["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .for_each(&mut take);
        }
        Ok(doc) if doc.get("runs").is_some() => {
            for run in doc["runs"].as_array().into_iter().flatten() {
                for r in run["results"].as_array().into_iter().flatten() {
                    if let Some(fp) = r["partialFingerprints"]["sfleaks/v1"].as_str() {
                        fps.push(fp.to_string());
                    }
                }
            }
        }
        Ok(doc) if doc.get("fingerprint").is_some() => take(&doc),
        Ok(_) => {
            return Err(bad(
                "not an sfleaks report or baseline (no findings, runs, fingerprint or sfleaks_baseline); \
                 `sfleaks import` converts other scanners' files",
            ))
        }
        Err(_) => {
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|e| bad(&format!("line {}: not JSON: {e}", i + 1)))?;
                take(&v);
            }
        }
    }
    fps.sort();
    fps.dedup();
    Ok(Baseline::new(
        fps.into_iter()
            .map(|fp| Entry {
                fingerprint: Some(fp),
                ..Entry::default()
            })
            .collect(),
    ))
}
