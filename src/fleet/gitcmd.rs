//! The `git` command, run for a fleet: isolated from the user's and the system's git config,
//! never prompting, with credentials passed through the environment to a credential helper
//! (never in argv, where `ps` shows them, nor in a clone's config or any message).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Ref name -> object id, for `refs/heads/*` and `refs/tags/*` (tags unpeeled, as
/// `git ls-remote` lists them).
pub type Tips = BTreeMap<String, String>;

/// Environment variables of the caller's git that would point a command elsewhere.
const INHERITED: [&str; 12] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
];

/// The URL with any `user:password@` taken out, for messages and ids.
pub fn redact_url(url: &str) -> String {
    split_userinfo(url).0
}

/// Splits `scheme://user:pass@host/...` into the URL without the user part and the user part.
fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rsplit_once('@') {
        Some((user, host)) => {
            let (name, pass) = user.split_once(':').unwrap_or((user, ""));
            (
                format!("{scheme}://{host}{}", &rest[host_end..]),
                Some((name.to_string(), pass.to_string())),
            )
        }
        None => (url.to_string(), None),
    }
}

/// The credentials for an http(s) URL: its own user part; else `SFLEAKS_GIT_TOKEN` (any
/// host: the user named it for this fleet); else `GITHUB_TOKEN` for github.com or the host
/// of `GITHUB_SERVER_URL`, `GITLAB_TOKEN` for gitlab.com or the host of `CI_SERVER_URL`. A
/// token never goes to a host it was not made for.
fn credentials(url: &str, own: Option<(String, String)>) -> Option<(String, String)> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    if let Some(c) = own {
        return Some(c);
    }
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(t) = var("SFLEAKS_GIT_TOKEN") {
        return Some(("x-access-token".into(), t));
    }
    let host = host_of(url)?;
    let is = |public: &str, server_var: &str| {
        host == public
            || var(server_var)
                .and_then(|u| host_of(&u))
                .is_some_and(|h| h == host)
    };
    if is("github.com", "GITHUB_SERVER_URL") {
        return var("GITHUB_TOKEN").map(|t| ("x-access-token".into(), t));
    }
    if is("gitlab.com", "CI_SERVER_URL") {
        return var("GITLAB_TOKEN").map(|t| ("oauth2".into(), t));
    }
    None
}

/// The host (and port) of a URL, lowercase, without a user part.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A git command for `url`, isolated and non-interactive; returns it with the URL to pass.
fn git(url: &str) -> (Command, String) {
    let (plain, own) = split_userinfo(url);
    let mut cmd = Command::new("git");
    for k in INHERITED {
        cmd.env_remove(k);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        // a stalled transfer ends instead of holding the shard
        .env("GIT_HTTP_LOW_SPEED_LIMIT", "1000")
        .env("GIT_HTTP_LOW_SPEED_TIME", "60")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    // config given through the environment: an empty helper list, then ours when there are
    // credentials; the helper prints them from variables only this child has
    let mut config: Vec<(&str, &str)> = vec![("credential.helper", "")];
    if let Some((user, pass)) = credentials(&plain, own) {
        config.push((
            "credential.helper",
            "!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' \"$SFLEAKS_GIT_USERNAME\" \"$SFLEAKS_GIT_PASSWORD\"; }; f",
        ));
        cmd.env("SFLEAKS_GIT_USERNAME", user)
            .env("SFLEAKS_GIT_PASSWORD", pass);
    }
    cmd.env("GIT_CONFIG_COUNT", config.len().to_string());
    for (i, (k, v)) in config.iter().enumerate() {
        cmd.env(format!("GIT_CONFIG_KEY_{i}"), k)
            .env(format!("GIT_CONFIG_VALUE_{i}"), v);
    }
    (cmd, plain)
}

/// Runs a command; on failure, git's last message line (credentials taken out).
fn run(mut cmd: Command, what: &str) -> Result<Vec<u8>, String> {
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| l.contains("fatal:"))
        .or_else(|| err.lines().map(str::trim).find(|l| l.starts_with("error:")))
        .or_else(|| err.lines().map(str::trim).rfind(|l| !l.is_empty()))
        .unwrap_or("no message");
    let line: String = line
        .split_whitespace()
        .map(redact_url)
        .collect::<Vec<_>>()
        .join(" ");
    Err(format!("{what}: {line}"))
}

/// Which refs a fleet scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefSet {
    /// Also the refs of pull and merge requests (`refs/pull/*`, `refs/merge-requests/*`).
    pub reviews: bool,
}

impl RefSet {
    /// The ref prefixes fetched and recorded.
    fn prefixes(self) -> &'static [&'static str] {
        if self.reviews {
            &[
                "refs/heads/",
                "refs/tags/",
                "refs/pull/",
                "refs/merge-requests/",
            ]
        } else {
            &["refs/heads/", "refs/tags/"]
        }
    }

    /// The fetch refspecs: each kept under its own name.
    fn refspecs(self) -> Vec<String> {
        self.prefixes()
            .iter()
            .map(|p| format!("+{p}*:{p}*"))
            .collect()
    }
}

/// Parses `<oid>\t<ref>` lines, keeping the refs of `set` (not peeled `^{}` lines).
fn parse_tips(out: &[u8], set: RefSet) -> Tips {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| l.split_once(['\t', ' ']))
        .filter(|(_, r)| set.prefixes().iter().any(|p| r.starts_with(p)) && !r.ends_with("^{}"))
        .map(|(o, r)| (r.to_string(), o.to_string()))
        .collect()
}

/// The remote's tips, without fetching any object.
pub fn ls_remote(url: &str, set: RefSet) -> Result<Tips, String> {
    let (mut cmd, plain) = git(url);
    cmd.args(["ls-remote", "--quiet", "--refs", "--", &plain]);
    run(cmd, "git ls-remote").map(|o| parse_tips(&o, set))
}

/// The tips of a local (bare) repository.
pub fn local_tips(repo: &Path, set: RefSet) -> Result<Tips, String> {
    let (mut cmd, _) = git("");
    cmd.arg("-C")
        .arg(repo)
        .args(["for-each-ref", "--format=%(objectname)\t%(refname)"]);
    cmd.args(set.prefixes().iter().map(|p| p.trim_end_matches('/')));
    run(cmd, "git for-each-ref").map(|o| parse_tips(&o, set))
}

/// Fetches the refs of `set` into an existing bare repository.
fn fetch_into(url: &str, dest: &Path, set: RefSet) -> Result<Vec<u8>, String> {
    let (mut cmd, plain) = git(url);
    cmd.arg("-C").arg(dest).args([
        "fetch",
        "--quiet",
        "--prune",
        "--force",
        "--no-write-fetch-head",
        "--",
        &plain,
    ]);
    cmd.args(set.refspecs());
    run(cmd, "git fetch")
}

/// Brings `dest` up to date with `url`: a bare clone the first time, a fetch after; a
/// clone that cannot be updated is cloned again.
pub fn fetch(url: &str, dest: &Path, set: RefSet) -> Result<(), String> {
    if dest.join("HEAD").is_file() {
        if fetch_into(url, dest, set).is_ok() {
            return Ok(());
        }
        std::fs::remove_dir_all(dest)
            .map_err(|e| format!("cannot remove the clone {}: {e}", dest.display()))?;
    }
    // cloned beside and renamed, so a clone cut short is never taken for a finished one
    let partial = dest.with_extension("partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .map_err(|e| format!("cannot remove {}: {e}", partial.display()))?;
    }
    let (mut cmd, plain) = git(url);
    cmd.args(["clone", "--bare", "--quiet", "--", &plain])
        .arg(&partial);
    run(cmd, "git clone")?;
    if set.reviews {
        // a clone brings branches and tags; the review refs come in a fetch of their own
        fetch_into(url, &partial, set)?;
    }
    std::fs::rename(&partial, dest)
        .map_err(|e| format!("cannot move the clone to {}: {e}", dest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_parts_are_taken_out_of_urls() {
        assert_eq!(
            redact_url("https://bot:tok3n@example.com/a/b.git"),
            "https://example.com/a/b.git"
        );
        assert_eq!(redact_url("file:///srv/a.git"), "file:///srv/a.git");
        assert_eq!(redact_url("/srv/a@b.git"), "/srv/a@b.git");
        let (_, own) = split_userinfo("https://bot:tok3n@example.com/x");
        assert_eq!(own, Some(("bot".into(), "tok3n".into())));
    }

    #[test]
    fn ls_remote_lines_keep_branches_and_tags() {
        let out = b"aaa\tHEAD\nbbb\trefs/heads/main\nccc\trefs/tags/v1\nddd\trefs/tags/v1^{}\neee\trefs/pull/1/head\n";
        let t = parse_tips(out, RefSet { reviews: false });
        assert_eq!(parse_tips(out, RefSet { reviews: true }).len(), 3);
        let want: Tips = [("refs/heads/main", "bbb"), ("refs/tags/v1", "ccc")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(t, want);
    }
}
