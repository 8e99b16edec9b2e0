//! Suppressions: what hides a finding from the report while it still counts in the stats.
//! Inline allow comments are found by the matcher; the baseline (fingerprints of an earlier
//! report) and the config allowlist (paths, values) are applied by [`Filter`] to every finding,
//! whatever its source.

use crate::baseline::Baseline;
use crate::finding::{Finding, Suppression};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The marker `--report-stale` checks: the other scanners' markers are honoured, but whether
/// they still hide something is for those scanners to say.
pub const OWN_MARKER: &str = "sfleaks:allow";

/// A suppression that hid nothing in this scan (`--report-stale`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Stale {
    /// `baseline`, `allowlist.paths`, `allowlist.values`, `allowlist.regexes` or `inline`.
    pub kind: &'static str,
    /// The entry as written (a value allowlisted is shortened).
    pub entry: String,
    /// Where it is written: the baseline or config file, or the file holding the marker.
    pub path: String,
    /// The marker's line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Stale {
    /// An `sfleaks:allow` marker at `path:line` that allowed nothing.
    pub fn marker(path: String, line: usize) -> Stale {
        Stale {
            kind: "inline",
            entry: OWN_MARKER.to_string(),
            path,
            line: Some(line),
        }
    }
}

/// The lines a marker that allowed `f` inline is on: its own line or the one before it
/// (see [`is_allowed`]); none when something else hid it, or nothing.
pub fn marker_lines_of(f: &Finding) -> Option<[usize; 2]> {
    (f.suppressed == Some(Suppression::Inline)).then(|| [f.line, f.line.saturating_sub(1)])
}

/// Every line (1-based) of `data` that holds an `sfleaks:allow` marker.
pub fn marker_lines(data: &[u8]) -> Vec<usize> {
    let finder = memchr::memmem::Finder::new(OWN_MARKER.as_bytes());
    let mut out = Vec::new();
    let (mut line, mut counted_to) = (1, 0);
    for at in finder.find_iter(data) {
        line += memchr::memchr_iter(b'\n', &data[counted_to..at]).count();
        counted_to = at;
        if out.last() != Some(&line) {
            out.push(line);
        }
    }
    out
}

/// Which allowlist entries covered something.
#[derive(Debug, Default)]
struct Used {
    paths: HashSet<usize>,
    values: HashSet<usize>,
    regexes: HashSet<usize>,
}

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

/// Hides findings by baseline and by config allowlist, remembering what each entry hid.
#[derive(Debug, Default)]
pub struct Filter {
    baseline: Baseline,
    /// The baseline's file, for `--report-stale`.
    baseline_file: String,
    paths: Option<GlobSet>,
    path_list: Vec<String>,
    values: Vec<String>,
    regexes: Vec<regex::Regex>,
    /// Directory the path globs are relative to (the config file's).
    root: Option<PathBuf>,
    /// The config file the allowlist is written in.
    config_file: String,
    used: Mutex<Used>,
}

impl Filter {
    /// A filter that hides what `baseline` (read from `file`) covers.
    pub fn with_baseline(mut self, baseline: Baseline, file: &Path) -> Filter {
        self.baseline = baseline;
        self.baseline_file = file.display().to_string();
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
        self.path_list = paths.to_vec();
        self.config_file = root.join(own_name).display().to_string();
        self.values = values.to_vec();
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
    /// already set by the matcher, stays the reason). Every entry that covers it is marked
    /// used, whichever hides it.
    pub fn apply(&self, f: &mut Finding) {
        let baselined = self.baseline.covers(f);
        let allowed = self.allowlisted(f);
        if f.suppressed.is_some() {
            return;
        }
        if baselined {
            f.suppressed = Some(Suppression::Baseline);
        } else if allowed {
            f.suppressed = Some(Suppression::Allowlist);
        }
    }

    fn allowlisted(&self, f: &Finding) -> bool {
        let values: Vec<usize> = (0..self.values.len())
            .filter(|&i| self.values[i] == f.secret)
            .collect();
        let regexes: Vec<usize> = (0..self.regexes.len())
            .filter(|&i| self.regexes[i].is_match(&f.secret))
            .collect();
        let paths = self.path_matches(&f.path);
        let hit = !values.is_empty() || !regexes.is_empty() || !paths.is_empty();
        if hit {
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            used.values.extend(values);
            used.regexes.extend(regexes);
            used.paths.extend(paths);
        }
        hit
    }

    /// The indexes of the path globs matching `path` (0 is the config file itself).
    fn path_matches(&self, path: &str) -> Vec<usize> {
        let Some(globs) = &self.paths else {
            return Vec::new();
        };
        let plain = path.strip_prefix("./").unwrap_or(path);
        let mut hits = globs.matches(plain);
        // a path reached from another directory: try it relative to the config's directory
        if let (Some(root), Ok(cwd)) = (&self.root, std::env::current_dir()) {
            let abs = cwd.join(plain);
            let abs: PathBuf = abs.components().filter(|c| c.as_os_str() != ".").collect();
            if let Ok(rel) = abs.strip_prefix(root) {
                hits.extend(globs.matches(rel));
            }
        }
        hits
    }

    /// The baseline entries and allowlist entries that hid nothing so far.
    pub fn stale(&self) -> Vec<Stale> {
        let mut out: Vec<Stale> = self
            .baseline
            .unused()
            .map(|e| Stale {
                kind: "baseline",
                entry: e.describe(),
                path: self.baseline_file.clone(),
                line: None,
            })
            .collect();
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let config = |kind, entry: String| Stale {
            kind,
            entry,
            path: self.config_file.clone(),
            line: None,
        };
        for (i, p) in self.path_list.iter().enumerate() {
            // glob 0 is the config file's own name
            if !used.paths.contains(&(i + 1)) {
                out.push(config("allowlist.paths", p.clone()));
            }
        }
        for (i, v) in self.values.iter().enumerate() {
            if !used.values.contains(&i) {
                let shown: String = v.chars().take(4).collect();
                out.push(config("allowlist.values", format!("{shown}…")));
            }
        }
        for (i, r) in self.regexes.iter().enumerate() {
            if !used.regexes.contains(&i) {
                out.push(config("allowlist.regexes", r.as_str().to_string()));
            }
        }
        out
    }
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

    #[test]
    fn marker_lines_are_counted_from_one() {
        let text = b"a\nb # sfleaks:allow\nc\nd sfleaks:allow sfleaks:allow\n";
        assert_eq!(marker_lines(text), vec![2, 4]);
        assert!(marker_lines(b"gitleaks:allow\n").is_empty());
    }
}
