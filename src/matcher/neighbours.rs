//! Context from a neighbour file: a file that holds only a secret (a Docker secrets file, a
//! `server.key`, JetBrains' `http-client.private.env.json`, a Postman environment) says nothing
//! of Salesforce itself; the file beside it or the CI config that uses it does. Sources hand
//! over those files (see [`Neighbours`]); the matcher judges them with its own signals.

use super::{Blob, Matcher};
use crate::rules::RuleSet;
use std::sync::{Arc, OnceLock};

/// One file around a blob.
#[derive(Debug, Clone)]
pub struct Neighbour {
    /// Its path, as the source shows it.
    pub path: String,
    /// Its bytes (small text files only), as the source keeps them.
    pub file: Arc<NeighbourFile>,
    /// It names the blob's path (`--jwtkeyfile assets/server.key`), rather than sitting in the
    /// same folder.
    pub uses_it: bool,
}

/// A neighbour's bytes, and the signal that ties them to Salesforce once the matcher has
/// looked: a source that hands the same file out for every blob beside it (the keys of one
/// folder) has it judged once, not once per key.
#[derive(Debug)]
pub struct NeighbourFile {
    bytes: Vec<u8>,
    tie: OnceLock<Option<String>>,
}

impl NeighbourFile {
    /// A file's bytes, not judged yet.
    pub fn new(bytes: Vec<u8>) -> Arc<NeighbourFile> {
        Arc::new(NeighbourFile {
            bytes,
            tie: OnceLock::new(),
        })
    }

    /// Its bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The files around a blob that may tie it to Salesforce, read only when a candidate needs
/// them.
pub trait Neighbours: Sync {
    /// The other files in the blob's folder, and the CI and compose configs above it that
    /// name the blob's path.
    fn around(&self, path: &str) -> Vec<Neighbour>;
}

/// Signals that tie a neighbour to Salesforce (not mere naming of a refresh token or a
/// password).
const TIES: &[&str] = &[
    "consumer-key",
    "token-endpoint",
    "my-domain",
    "salesforce-login",
    "salesforce-client",
    "salesforce-name",
    "jwt-context",
    "grant-client-credentials",
    "grant-password",
];

/// Longest file that counts as one lone value.
const LONE_MAX: usize = 4096;

/// A file that holds secrets and nothing that says whose: its context is its neighbours'.
pub(super) fn secrets_only(path: &str, data: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    lone_value_key(path, data).is_some()
        || name == "http-client.private.env.json"
        || name.ends_with(".postman_environment.json")
        || name.ends_with(".key")
        || name.ends_with(".pem")
        || lower.contains("/secrets/")
        || lower.starts_with("secrets/")
}

/// For a file that is one value and nothing else (`secrets/sf_client_secret.txt`), the name
/// it stands for: the file's stem, when that names a credential.
pub(super) fn lone_value_key(path: &str, data: &[u8]) -> Option<String> {
    if data.len() > LONE_MAX {
        return None;
    }
    let value = data.trim_ascii();
    if value.is_empty() || value.iter().any(|c| c.is_ascii_whitespace() || *c == b'=') {
        return None;
    }
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let lower = stem.to_ascii_lowercase();
    let credential = ["secret", "password", "passwd", "pwd", "token"]
        .iter()
        .any(|w| lower.contains(w));
    let plain = !stem.is_empty()
        && stem
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    (credential && plain).then(|| stem.to_string())
}

impl Matcher {
    /// Why a secrets-only blob (the source gives neighbours only for those) is Salesforce's, from its neighbours: a file beside it, or a
    /// config that names its path, with a Salesforce signal in it.
    pub(super) fn neighbour_tie(&self, blob: Blob) -> Option<String> {
        let neighbours = blob.neighbours?;
        neighbours.around(blob.path).into_iter().find_map(|n| {
            let signal = n
                .file
                .tie
                .get_or_init(|| first_tie(&self.rules, &n.file.bytes).map(String::from))
                .clone()?;
            let how = if n.uses_it {
                "uses it"
            } else {
                "sits beside it"
            };
            Some(format!(
                "tied to Salesforce by `{}`, which {how} and has {signal}",
                n.path
            ))
        })
    }
}

/// The first tying signal found in a neighbour's bytes.
fn first_tie<'r>(rules: &'r RuleSet, bytes: &[u8]) -> Option<&'r str> {
    rules
        .signals
        .iter()
        .filter(|s| TIES.contains(&s.id.as_str()))
        .find(|s| s.regex.is_match(bytes))
        .map(|s| s.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_one_value_stands_for_its_name() {
        let hex = b"EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248\n";
        assert_eq!(
            lone_value_key("secrets/sf_client_secret.txt", hex).as_deref(),
            Some("sf_client_secret")
        );
        assert_eq!(lone_value_key("notes.txt", hex), None);
        assert_eq!(lone_value_key("client_secret.txt", b"a b\n"), None);
        assert!(secrets_only("config/http-client.private.env.json", b"{}"));
        assert!(!secrets_only("src/app.py", b"x = 1"));
    }
}
