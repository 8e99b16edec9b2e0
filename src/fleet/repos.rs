//! The repository list `fleet list` writes and `fleet scan` and `fleet merge` read: JSON
//! Lines sorted by id, or plain text with one clone URL or local path a line.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// One repository of a fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    /// Unique name within the list (`owner/name` from an API; the URL or path from plain text).
    pub id: String,
    /// What `git clone` is given.
    pub clone_url: String,
    /// The default branch, when the host says.
    #[serde(default)]
    pub default_branch: Option<String>,
    /// A fork of another repository.
    #[serde(default)]
    pub fork: bool,
    /// Archived (read-only) on the host.
    #[serde(default)]
    pub archived: bool,
    /// Size on the host in KiB, what `--shard-by size` balances (0 when unknown).
    #[serde(default)]
    pub size_kb: u64,
    /// Last push, RFC 3339, when the host says.
    #[serde(default)]
    pub pushed_at: Option<String>,
}

impl Repo {
    /// A repository given by a plain clone URL or path.
    pub fn from_location(location: &str) -> Repo {
        Repo {
            id: crate::fleet::gitcmd::redact_url(location),
            clone_url: location.to_string(),
            default_branch: None,
            fork: false,
            archived: false,
            size_kb: 0,
            pushed_at: None,
        }
    }
}

/// Reads a repository list; an error names the file and line. Ids must be unique.
pub fn read(path: &Path) -> Result<Vec<Repo>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read repository list {}: {e}", path.display()))?;
    let mut repos = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let repo = if line.starts_with('{') {
            serde_json::from_str::<Repo>(line)
                .map_err(|e| format!("{}:{}: not a repository entry: {e}", path.display(), i + 1))?
        } else {
            Repo::from_location(line)
        };
        if repo.id.is_empty() || repo.clone_url.is_empty() {
            return Err(format!(
                "{}:{}: a repository needs an id and a clone_url",
                path.display(),
                i + 1
            ));
        }
        repos.push(repo);
    }
    repos.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = repos.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(format!(
            "{}: repository {} is listed twice",
            path.display(),
            w[0].id
        ));
    }
    Ok(repos)
}

/// Writes a list as JSON Lines, sorted by id.
pub fn write(repos: &mut [Repo], out: &mut dyn Write) -> std::io::Result<()> {
    repos.sort_by(|a, b| a.id.cmp(&b.id));
    for r in repos.iter() {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_and_plain_lines_mix_and_sort_and_duplicates_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("list");
        std::fs::write(
            &p,
            "# fleet\n{\"id\":\"b/x\",\"clone_url\":\"file:///r/x.git\",\"size_kb\":7}\n\nfile:///r/a.git\n",
        )
        .expect("write");
        let repos = read(&p).expect("reads");
        let ids: Vec<&str> = repos.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b/x", "file:///r/a.git"]);
        assert_eq!(repos[0].size_kb, 7);
        std::fs::write(&p, "/r/a\n/r/a\n").expect("write");
        assert!(read(&p).unwrap_err().contains("listed twice"));
        std::fs::write(&p, "{\"id\":1}\n").expect("write");
        assert!(read(&p).unwrap_err().contains(":1:"));
    }
}
