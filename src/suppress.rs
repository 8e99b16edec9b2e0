//! Suppressions: what hides a finding from the report while it still counts in the stats.
//! Inline allow comments are found by the matcher; the baseline (fingerprints of an earlier
//! report) and the config allowlist (paths, values) are applied by [`Filter`] to every finding,
//! whatever its source.

use crate::finding::{Finding, Suppression};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Markers honoured on the finding's line or the line before (other scanners' markers too, so
/// teams migrating keep their existing allows).
pub const ALLOW_MARKERS: &[&str] = &[
    "sfleaks:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
];

/// True when the line (or the one before it) carries an allow marker.
pub fn is_allowed(line: &[u8], previous: Option<&[u8]>) -> bool {
    let has = |text: &[u8]| {
        ALLOW_MARKERS
            .iter()
            .any(|m| memchr::memmem::find(text, m.as_bytes()).is_some())
    };
    has(line) || previous.is_some_and(has)
}

/// Hides findings by baseline fingerprint and by config allowlist.
#[derive(Debug, Default)]
pub struct Filter {
    baseline: HashSet<String>,
    paths: Option<GlobSet>,
    values: HashSet<String>,
    regexes: Vec<regex::Regex>,
    /// Directory the path globs are relative to (the config file's).
    root: Option<PathBuf>,
}

impl Filter {
    /// A filter that hides findings whose fingerprint is in `baseline`.
    pub fn with_baseline(mut self, baseline: HashSet<String>) -> Filter {
        self.baseline = baseline;
        self
    }

    /// Adds a config file's allowlist: path globs (relative to `root`, the file's directory),
    /// exact values and value regexes. The config file itself (`own_name`) is always allowed:
    /// it holds rule examples and allowlisted values by design. Errors name the list and entry.
    pub fn with_allowlist(
        mut self,
        root: &Path,
        own_name: &str,
        paths: &[String],
        values: &[String],
        regexes: &[String],
    ) -> Result<Filter, String> {
        let mut b = GlobSetBuilder::new();
        let own = Glob::new(&globset::escape(own_name)).map_err(|e| format!("{own_name}: {e}"))?;
        b.add(own);
        for p in paths {
            b.add(Glob::new(p).map_err(|e| format!("allowlist.paths: '{p}': {e}"))?);
        }
        self.paths = Some(b.build().map_err(|e| format!("allowlist.paths: {e}"))?);
        self.values = values.iter().cloned().collect();
        self.regexes = regexes
            .iter()
            .map(|r| {
                regex::Regex::new(r).map_err(|e| {
                    let e = e.to_string().replace('\n', " ");
                    format!("allowlist.regexes: '{r}': {e}")
                })
            })
            .collect::<Result<_, _>>()?;
        self.root = Some(root.to_path_buf());
        Ok(self)
    }

    /// Marks `f` suppressed when the baseline or the allowlist covers it (an inline allow,
    /// already set by the matcher, stays the reason).
    pub fn apply(&self, f: &mut Finding) {
        if f.suppressed.is_some() {
            return;
        }
        if self.baseline.contains(&f.fingerprint) {
            f.suppressed = Some(Suppression::Baseline);
        } else if self.values.contains(&f.secret)
            || self.regexes.iter().any(|r| r.is_match(&f.secret))
            || self.path_allowed(&f.path)
        {
            f.suppressed = Some(Suppression::Allowlist);
        }
    }

    fn path_allowed(&self, path: &str) -> bool {
        let Some(globs) = &self.paths else {
            return false;
        };
        let plain = path.strip_prefix("./").unwrap_or(path);
        if globs.is_match(plain) {
            return true;
        }
        // a path reached from another directory: try it relative to the config's directory
        let (Some(root), Ok(cwd)) = (&self.root, std::env::current_dir()) else {
            return false;
        };
        let abs = cwd.join(plain);
        let abs: PathBuf = abs.components().filter(|c| c.as_os_str() != ".").collect();
        abs.strip_prefix(root).is_ok_and(|rel| globs.is_match(rel))
    }
}

/// Reads the fingerprints of an earlier report: a JSON report, JSON Lines, or SARIF.
pub fn load_baseline(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let bad = |what: &str| format!("baseline {}: {what}", path.display());
    let mut out = HashSet::new();
    let mut take = |v: &serde_json::Value| {
        if let Some(fp) = v.get("fingerprint").and_then(|f| f.as_str()) {
            out.insert(fp.to_string());
        }
        // a grouped report lists every location of a secret with its own fingerprint
        for l in v
            .get("locations")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(fp) = l.get("fingerprint").and_then(|f| f.as_str()) {
                out.insert(fp.to_string());
            }
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
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
                        out.insert(fp.to_string());
                    }
                }
            }
        }
        Ok(doc) if doc.get("fingerprint").is_some() => take(&doc),
        Ok(_) => {
            return Err(bad(
                "not an sfleaks report (no findings, runs or fingerprint)",
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_on_line_or_line_before() {
        assert!(is_allowed(b"x = 1 # sfleaks:allow", None));
        assert!(is_allowed(b"x = 1", Some(b"// gitleaks:allow")));
        assert!(is_allowed(b"x = 1  # pragma: allowlist secret", None));
        assert!(!is_allowed(b"x = 1", Some(b"y = 2")));
    }
}
