//! The config file, `.sfleaks.toml` at the scan root or `--config FILE`: extra and disabled
//! rules, allowlists, and defaults for `fail-on` and `max-file-size` that command-line options
//! override. Unknown keys and bad values are errors naming the file and the key. A file can
//! `extends = ["../org/sfleaks.toml"]`: a central file serves many repositories, with each
//! repository's own keys on top.

use crate::finding::Severity;
use anyhow::{anyhow, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file name looked for at the scan root.
pub const FILE_NAME: &str = ".sfleaks.toml";

/// The file's keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Config files this one builds on, relative to this file: theirs first, this one's
    /// keys on top.
    #[serde(default)]
    pub extends: Vec<PathBuf>,
    /// Lowest severity that fails the run.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Skip files larger than this.
    #[serde(default)]
    pub max_file_size: Option<String>,
    /// Kinds of container to open (`[]`: none).
    #[serde(default)]
    pub archives: Option<Vec<String>>,
    /// How deep containers inside containers are opened.
    #[serde(default)]
    pub max_archive_depth: Option<usize>,
    /// Decompressed bytes read from one archive.
    #[serde(default)]
    pub max_decompressed_size: Option<String>,
    /// Rule ids not to run.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Rule files to load, relative to this file.
    #[serde(default)]
    pub extra_rules: Vec<PathBuf>,
    /// Inline rules, as in a rule file.
    #[serde(default)]
    pub rule: Vec<toml::Table>,
    /// Inline signals, as in a rule file.
    #[serde(default)]
    pub signal: Vec<toml::Table>,
    /// What never to report.
    #[serde(default)]
    pub allowlist: Allowlist,
}

/// `[allowlist]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Path globs, relative to the config file's directory (`testdata/**`, `**/*.md`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Exact secret values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Regexes over secret values.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// A config file read from disk.
#[derive(Debug)]
pub struct Loaded {
    /// Where it was read from.
    pub file: PathBuf,
    /// Its directory (relative paths in it start here).
    pub dir: PathBuf,
    /// Its contents.
    pub config: ConfigFile,
    /// SHA-256 of its bytes, hex (a stored result names the config it was made with).
    pub digest: String,
}

impl Loaded {
    /// An error about one key of this file.
    pub fn error(&self, key: &str, message: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("config {}: {key}: {message}", self.file.display())
    }

    /// `fail-on`, validated.
    pub fn fail_on(&self) -> Result<Option<Severity>> {
        self.config
            .fail_on
            .as_deref()
            .map(|s| s.parse().map_err(|e| self.error("fail-on", e)))
            .transpose()
    }

    /// The inline `[[rule]]` and `[[signal]]` tables as a rule file's text, if there are any.
    pub fn inline_rules(&self) -> Result<Option<String>> {
        if self.config.rule.is_empty() && self.config.signal.is_empty() {
            return Ok(None);
        }
        let mut t = toml::Table::new();
        let arr = |v: &Vec<toml::Table>| {
            toml::Value::Array(v.iter().cloned().map(toml::Value::Table).collect())
        };
        if !self.config.signal.is_empty() {
            t.insert("signal".into(), arr(&self.config.signal));
        }
        if !self.config.rule.is_empty() {
            t.insert("rule".into(), arr(&self.config.rule));
        }
        toml::to_string(&t)
            .map(Some)
            .map_err(|e| self.error("rule", e))
    }
}

/// Parses a config file's text; the error is one line, `line L, column C: problem`.
pub fn parse(text: &str) -> Result<ConfigFile, String> {
    toml::from_str(text).map_err(|e| crate::rules::toml_error(&e, text))
}

/// Reads `explicit` (which must exist), or `.sfleaks.toml` in `root` if there is one, with
/// every file it extends.
pub fn load(explicit: Option<&Path>, root: Option<&Path>) -> Result<Option<Loaded>> {
    let file = match (explicit, root) {
        (Some(p), _) => p.to_path_buf(),
        (None, None) => return Ok(None),
        (None, Some(root)) => {
            let p = root.join(FILE_NAME);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let mut digest = <sha2::Sha256 as sha2::Digest>::new();
    let config = read_chain(&file, &mut Vec::new(), &mut digest)?;
    let dir = dir_of(&file);
    Ok(Some(Loaded {
        file,
        dir,
        config,
        digest: crate::finding::hex(&sha2::Digest::finalize(digest)),
    }))
}

/// The directory relative paths in `file` start from.
fn dir_of(file: &Path) -> PathBuf {
    file.parent()
        .map(Path::to_path_buf)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// How deep `extends` may go: far past any real set-up, short of a runaway.
const MAX_EXTENDS: usize = 16;

/// Reads `file` and, first, every file it extends; `stack` holds the files being read (a
/// cycle is an error), `digest` takes every text read.
fn read_chain(
    file: &Path,
    stack: &mut Vec<PathBuf>,
    digest: &mut sha2::Sha256,
) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow!("cannot read config {}: {e}", file.display()))?;
    sha2::Digest::update(digest, text.as_bytes());
    sha2::Digest::update(digest, [0]);
    let mut own = parse(&text).map_err(|e| anyhow!("config {}: {e}", file.display()))?;
    if own.extends.is_empty() {
        return Ok(own);
    }
    let here = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    stack.push(here);
    if stack.len() > MAX_EXTENDS {
        return Err(anyhow!(
            "config {}: extends: more than {MAX_EXTENDS} files deep",
            file.display()
        ));
    }
    let dir = dir_of(file);
    let mut merged = ConfigFile::default();
    for rel in std::mem::take(&mut own.extends) {
        let base = dir.join(&rel);
        let canonical = std::fs::canonicalize(&base).map_err(|e| {
            anyhow!(
                "config {}: extends: cannot read {}: {e}",
                file.display(),
                base.display()
            )
        })?;
        if let Some(at) = stack.iter().position(|p| *p == canonical) {
            let cycle: Vec<String> = stack[at..]
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.display().to_string())
                .collect();
            return Err(anyhow!(
                "config {}: extends: a cycle: {}",
                file.display(),
                cycle.join(" -> ")
            ));
        }
        let mut parent = read_chain(&base, stack, digest)?;
        // a rule file is named relative to the file that names it
        let base_dir = std::path::absolute(dir_of(&base)).unwrap_or_else(|_| dir_of(&base));
        for p in &mut parent.extra_rules {
            *p = base_dir.join(&*p);
        }
        merged = layer(merged, parent);
    }
    stack.pop();
    Ok(layer(merged, own))
}

/// `top` on `base`: a setting `top` has wins; lists (rules, disabled rules, allowlists) are
/// joined, `base`'s first.
fn layer(base: ConfigFile, top: ConfigFile) -> ConfigFile {
    fn join<T>(mut a: Vec<T>, b: Vec<T>) -> Vec<T> {
        a.extend(b);
        a
    }
    ConfigFile {
        extends: Vec::new(),
        fail_on: top.fail_on.or(base.fail_on),
        max_file_size: top.max_file_size.or(base.max_file_size),
        archives: top.archives.or(base.archives),
        max_archive_depth: top.max_archive_depth.or(base.max_archive_depth),
        max_decompressed_size: top.max_decompressed_size.or(base.max_decompressed_size),
        disabled_rules: join(base.disabled_rules, top.disabled_rules),
        extra_rules: join(base.extra_rules, top.extra_rules),
        rule: join(base.rule, top.rule),
        signal: join(base.signal, top.signal),
        allowlist: Allowlist {
            paths: join(base.allowlist.paths, top.allowlist.paths),
            values: join(base.allowlist.values, top.allowlist.values),
            regexes: join(base.allowlist.regexes, top.allowlist.regexes),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Loaded>> {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(FILE_NAME), text).expect("write");
        load(None, Some(dir.path()))
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = parse("fail_on = \"high\"\n").unwrap_err().to_string();
        assert!(e.contains("fail_on") && e.contains(FILE_NAME), "{e}");
        let e = parse("[allowlist]\npath = []\n").unwrap_err().to_string();
        assert!(e.contains("path"), "{e}");
    }

    #[test]
    fn bad_fail_on_names_the_key() {
        let cfg = parse("fail-on = \"severe\"\n")
            .expect("parses")
            .expect("found");
        let e = cfg.fail_on().unwrap_err().to_string();
        assert!(e.contains("fail-on") && e.contains("severe"), "{e}");
    }

    #[test]
    fn no_file_is_no_config() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(load(None, Some(dir.path())).expect("ok").is_none());
        assert!(load(Some(&dir.path().join("missing.toml")), Some(dir.path())).is_err());
    }
}
