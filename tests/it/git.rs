//! Git modes on real repositories built with the git CLI in a temp dir.

use super::util::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command as Proc;

/// A repository in a temp dir; every git call is isolated from the user's config.
/// A real git repository in a temp dir.
pub(super) struct Repo {
    tree: Tree,
}

impl Repo {
    pub(super) fn new() -> Repo {
        let repo = Repo { tree: Tree::new() };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub(super) fn path(&self) -> &Path {
        self.tree.path()
    }

    pub(super) fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    pub(super) fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Repo {
        self.tree.write(rel, text);
        self
    }

    /// Stages everything and commits as `author` at `date` (ISO 8601).
    pub(super) fn commit(&self, msg: &str, author: &str, date: &str) -> String {
        self.git(&["add", "-A"]);
        let out = isolated_git(self.path())
            .env("GIT_AUTHOR_NAME", author)
            .env(
                "GIT_AUTHOR_EMAIL",
                format!("{}@acme.example", author.to_lowercase()),
            )
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_NAME", author)
            .env("GIT_COMMITTER_EMAIL", "ci@acme.example")
            .env("GIT_COMMITTER_DATE", date)
            .args(["commit", "-q", "--allow-empty", "-m", msg])
            .output()
            .expect("git commit runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

/// git with the user's and the system's config kept out, and a fixed identity.
fn isolated_git(dir: &Path) -> Proc {
    let mut cmd = Proc::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@acme.example")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@acme.example");
    cmd
}

pub(super) fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = isolated_git(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn findings(r: &Run) -> Vec<Value> {
    r.json()["findings"].as_array().cloned().unwrap_or_default()
}

fn date(day: u32) -> String {
    format!("2024-03-{day:02}T09:30:00+02:00")
}

#[test]
fn leak_added_then_removed_is_found_with_its_introducing_commit() {
    let repo = Repo::new();
    repo.write("README.md", "# sync\n");
    repo.commit("initial", "Alice", &date(1));
    repo.write("config/app.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let introduced = repo.commit("add salesforce config", "Bob", &date(2));
    repo.write("README.md", "# sync\nmore\n");
    repo.commit("docs", "Alice", &date(3));
    repo.git(&["rm", "-q", "config/app.env"]);
    let removed = repo.commit("remove the secret", "Alice", &date(4));

    let r = run(repo.path(), &["history", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    let f = &f[0];
    assert_eq!(f["path"], "config/app.env");
    assert_eq!(f["rule"], "salesforce-consumer-secret");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(18))
    );
    assert_eq!(f["commit"]["id"], introduced.as_str());
    assert_eq!(f["commit"]["author"], "Bob");
    assert_eq!(f["commit"]["email"], "bob@acme.example");
    assert_eq!(f["commit"]["date"], "2024-03-02T09:30:00+02:00");
    assert_eq!(f["commit"]["summary"], "add salesforce config");
    assert_eq!(f["first_seen"], introduced.as_str());
    assert_ne!(
        f["last_seen"],
        removed.as_str(),
        "the removing commit no longer carries it"
    );
    assert_eq!(f["occurrences"], 2);
    assert_eq!(f["secret"], "EB4E…");
    assert_eq!(r.json()["stats"]["commits"], 4);
}

#[test]
fn a_blob_at_two_paths_is_judged_at_each_as_a_scan_of_the_checkout_judges_it() {
    // connected app metadata has a rule of its own, for its file name; the same bytes under
    // another name were judged at that name alone, and whichever the walk met first hid the
    // other (the copy in a later commit hid the metadata file's secret)
    let app = format!(
        "<ConnectedApp><oauthConfig>\n<consumerKey>{KEY1}</consumerKey>\n\
         <consumerSecret>{HEX2}</consumerSecret>\n</oauthConfig></ConnectedApp>\n"
    );
    let meta = "force-app/main/default/connectedApps/Sync.connectedApp-meta.xml";
    let copy = "notes/sync-backup.xml";
    let judged = |r: &Run| {
        let mut v: Vec<(String, String, String)> = findings(r)
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap_or("");
                (
                    path.trim_start_matches("./").to_string(),
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["severity"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    for (first, second) in [(meta, copy), (copy, meta)] {
        let repo = Repo::new();
        repo.write(first, &app);
        repo.commit("one", "Dev", &date(1));
        repo.write(second, &app);
        repo.commit("two", "Dev", &date(2));
        let history = judged(&run(repo.path(), &["history", "--format", "json"]));
        assert!(
            history
                .iter()
                .any(|(p, rule, _)| p == meta && rule == "salesforce-metadata-secret"),
            "{first} first: {history:?}"
        );
        let checkout = judged(&run(repo.path(), &["scan", "--format", "json", "."]));
        assert_eq!(history, checkout, "{first} first");
    }
}

#[test]
fn leak_only_on_an_unmerged_side_branch_is_found() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("initial", "Alice", &date(1));
    repo.git(&["checkout", "-q", "-b", "feature/sync"]);
    repo.write("sync.py", format!("import simple_salesforce\nsf = Salesforce(username='u@acme.example', password='{PW1}', security_token='{TOKEN1}')\n"));
    let side = repo.commit("wip", "Carol", &date(2));
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.txt", "b\n");
    repo.commit("main work", "Alice", &date(3));

    let r = run(repo.path(), &["history", "--format", "json"]);
    let f = findings(&r);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f
        .iter()
        .all(|f| f["commit"]["id"] == side.as_str() && f["path"] == "sync.py"));
    // the branch alone, and main alone
    let r = run(
        repo.path(),
        &["history", "--branch", "feature/sync", "--format", "json"],
    );
    assert_eq!(findings(&r).len(), 2);
    let r = run(
        repo.path(),
        &["history", "--branch", "main", "--format", "json"],
    );
    assert_eq!(findings(&r).len(), 0);
    assert_eq!(r.code, 0);
}

#[test]
fn same_secret_in_fifty_commits_is_one_finding_with_fifty_occurrences() {
    let repo = Repo::new();
    repo.write("sf.env", format!("SF_CLIENT_SECRET={HEX2}\nN=0\n"));
    let first = repo.commit("c0", "Alice", &date(1));
    for i in 1..50 {
        // half the commits edit the leaky file (new blobs), half touch another file
        if i % 2 == 0 {
            repo.write("sf.env", format!("SF_CLIENT_SECRET={HEX2}\nN={i}\n"));
        } else {
            repo.write("other.txt", format!("{i}\n"));
        }
        repo.commit(
            &format!("c{i}"),
            "Alice",
            &format!("2024-04-01T00:{i:02}:00+00:00"),
        );
    }
    let r = run(repo.path(), &["history", "--format", "json"]);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["occurrences"], 50);
    assert_eq!(f[0]["first_seen"], first.as_str());
    // 25 versions of sf.env, 25 of other.txt: each unique blob scanned once
    assert_eq!(r.json()["stats"]["files"], 50);
}

#[test]
fn range_without_a_new_leak_passes_while_full_history_fails() {
    let repo = Repo::new();
    repo.write("app.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let base = repo.commit("old leak", "Alice", &date(1));
    repo.write("feature.py", "print('clean')\n");
    repo.commit("feature", "Alice", &date(2));
    // editing the file with the old leak does not make the range introduce it
    repo.write(
        "app.env",
        format!("SF_CLIENT_SECRET={HEX1}\nSF_LOGIN_URL=https://login.salesforce.com\n"),
    );
    repo.commit("touch config", "Alice", &date(3));

    assert_eq!(run(repo.path(), &["history"]).code, 1);
    let range = format!("{base}..HEAD");
    let r = run(
        repo.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(findings(&r).is_empty());
    let r = run(
        repo.path(),
        &["history", "--since-commit", &base, "--format", "json"],
    );
    assert_eq!(r.code, 0);

    repo.write("new.env", format!("SF_REFRESH_TOKEN={REFRESH1}\n"));
    let leak = repo.commit("new leak", "Dave", &date(4));
    let r = run(
        repo.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert_eq!(r.code, 1);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["rule"], "salesforce-refresh-token");
    assert_eq!(f[0]["commit"]["id"], leak.as_str());
}

#[test]
fn bad_range_and_non_repository_are_exit_2_with_one_line() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("initial", "Alice", &date(1));
    let r = run(repo.path(), &["history", "--range", "nope..HEAD"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nope") && r.stderr.trim().lines().count() == 1,
        "{}",
        r.stderr
    );
    let plain = Tree::new();
    for cmd in ["history", "staged"] {
        let r = run(plain.path(), &[cmd]);
        assert_eq!(r.code, 2, "{cmd}");
        assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1);
    }
}

#[test]
fn staged_scans_the_index_not_the_working_tree() {
    let repo = Repo::new();
    repo.write("README.md", "# x\n");
    repo.commit("initial", "Alice", &date(1));

    // only in the working tree: not reported
    repo.write("wip.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert_eq!(r.code, 0);
    assert!(findings(&r).is_empty());

    // staged, then removed from the working tree: reported
    repo.write("staged.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.git(&["add", "staged.env"]);
    repo.write("staged.env", "SF_CLIENT_SECRET=\n");
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert_eq!(r.code, 1);
    let f = findings(&r);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "staged.env");
    assert!(f[0]["commit"].is_null());

    // from a subfolder, discovery finds the repository
    std::fs::create_dir_all(repo.path().join("deep/er")).expect("mkdir");
    let r = run(
        &repo.path().join("deep/er"),
        &["staged", "--format", "json"],
    );
    assert_eq!(findings(&r).len(), 1);
}

#[test]
fn staged_finds_the_same_in_a_few_files_as_in_many() {
    // a few staged files are scanned on the thread that opened the repository, many by
    // worker threads: both find every secret, each at its path
    for count in [3, 80] {
        let repo = Repo::new();
        repo.write("README.md", "# x\n");
        repo.commit("initial", "Alice", &date(1));
        let secrets = [HEX1, HEX2, HEX3];
        for i in 0..count {
            let text = match i % 30 {
                0 => format!("SF_CLIENT_SECRET={}\n", secrets[(i / 30) % 3]),
                _ => format!("value_{i} = {i}\n"),
            };
            repo.write(&format!("conf/f{i:03}.env"), text);
        }
        repo.git(&["add", "conf"]);
        let r = run(repo.path(), &["staged", "--format", "json"]);
        assert_eq!(r.code, 1, "{count}: {}", r.stderr);
        let mut paths: Vec<String> = findings(&r)
            .iter()
            .map(|f| f["path"].as_str().unwrap_or("").to_string())
            .collect();
        paths.sort();
        let want: Vec<String> = (0..count)
            .filter(|i| i % 30 == 0)
            .map(|i| format!("conf/f{i:03}.env"))
            .collect();
        assert_eq!(paths, want, "{count} staged files");
    }
}

#[test]
fn staged_deletions_and_already_committed_secrets_are_not_reported() {
    let repo = Repo::new();
    repo.write("old.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.write("gone.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.commit("initial", "Alice", &date(1));
    repo.git(&["rm", "-q", "gone.env"]);
    repo.write(
        "old.env",
        format!("SF_CLIENT_SECRET={HEX1}\nSF_LOGIN_URL=https://login.salesforce.com\n"),
    );
    repo.git(&["add", "old.env"]);
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(findings(&r).is_empty());
}

#[test]
fn staged_works_before_the_first_commit() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.git(&["add", "a.env"]);
    assert_eq!(run(repo.path(), &["staged"]).code, 1);
}

/// `git commit -a` and `git commit PATH` run the pre-commit hook on a temporary index
/// (`GIT_INDEX_FILE`) that holds what is being committed; `.git/index` does not have it yet.
#[test]
fn a_pre_commit_hook_sees_what_commit_a_and_a_partial_commit_commit() {
    let repo = Repo::new();
    repo.write("app.env", "SF_LOGIN_URL=https://login.salesforce.com\n");
    repo.write("other.txt", "x\n");
    repo.commit("initial", "Alice", &date(1));
    let bin = Path::new(env!("CARGO_BIN_EXE_sfleaks"));
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\nexec '{}' staged\n", bin.display()),
    )
    .expect("hook");
    let mut perm = std::fs::metadata(&hook).expect("hook").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&hook, perm).expect("chmod");
    let commit = |args: &[&str]| {
        isolated_git(repo.path())
            .args(["commit", "-q", "-m", "change"])
            .args(args)
            .output()
            .expect("git commit runs")
    };

    // the leak is only in the work tree: `-a` commits it, and the hook must see it
    repo.write(
        "app.env",
        format!("SF_LOGIN_URL=https://login.salesforce.com\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    let out = commit(&["-a"]);
    assert!(!out.status.success(), "commit -a with a leak is blocked");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("app.env:2"), "{said}");
    // naming the file commits its work-tree content too
    let out = commit(&["--", "app.env"]);
    assert!(
        !out.status.success(),
        "a partial commit with a leak is blocked"
    );
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "1");

    // a clean change goes through both ways
    repo.write("app.env", "SF_LOGIN_URL=https://test.salesforce.com\n");
    assert!(commit(&["-a"]).status.success(), "a clean commit -a passes");
    repo.write("other.txt", "y\n");
    assert!(commit(&["--", "other.txt"]).status.success());
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "3");
}

#[test]
fn missing_object_is_reported_and_the_rest_still_scanned() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.write("b.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.commit("two leaks", "Alice", &date(1));
    let blob = repo.git(&["rev-parse", "HEAD:a.env"]);
    std::fs::remove_file(loose_object(&repo, "HEAD:a.env")).expect("loose object exists");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert!(
        r.stderr.contains(&blob),
        "names the missing object: {}",
        r.stderr
    );
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["path"], "b.env");
    assert_eq!(r.json()["stats"]["errors"], 1);
    assert_eq!(r.code, 1);
}

#[test]
fn bare_and_shallow_clones_work_and_submodules_are_named() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("leak", "Alice", &date(1));
    repo.write("b.txt", "b\n");
    repo.commit("more", "Alice", &date(2));
    let clones = Tree::new();
    let src = format!("file://{}", repo.path().display());
    git_in(clones.path(), &["clone", "-q", "--bare", &src, "bare.git"]);
    let r = run(
        &clones.path().join("bare.git"),
        &["history", "--format", "json"],
    );
    assert_eq!(findings(&r).len(), 1, "{}", r.stderr);

    git_in(
        clones.path(),
        &["clone", "-q", "--depth", "1", &src, "shallow"],
    );
    let r = run(
        &clones.path().join("shallow"),
        &["history", "--format", "json"],
    );
    assert!(r.stderr.contains("shallow"), "{}", r.stderr);
    assert_eq!(findings(&r).len(), 1);
    // the parents cut off by the clone are not there to read, and that is not an error
    assert!(!r.stderr.contains("cannot read"), "{}", r.stderr);
    assert_eq!(r.json()["stats"]["errors"], 0);

    // a gitlink entry, as a submodule leaves in the tree
    let head = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},vendor/lib"),
    ]);
    // commit the index as it is (`add -A` would drop the gitlink: no checkout behind it)
    repo.git(&["commit", "-q", "-m", "add submodule"]);
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert!(r.stderr.contains("submodule vendor/lib"), "{}", r.stderr);
}

#[test]
fn history_output_never_contains_the_raw_secret() {
    let repo = Repo::new();
    repo.write(
        "a.env",
        format!("SF_CLIENT_SECRET={HEX1}\nSF_PASSWORD={PW1}\n"),
    );
    repo.commit("leak", "Alice", &date(1));
    for format in ["human", "json"] {
        let r = run(repo.path(), &["history", "--format", format]);
        assert!(
            !r.stdout.contains(HEX1) && !r.stdout.contains(PW1),
            "{format}"
        );
    }
}

/// The loose file of an object.
fn loose_object(repo: &Repo, rev: &str) -> std::path::PathBuf {
    let id = repo.git(&["rev-parse", rev]);
    repo.path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..])
}

/// Cuts a loose object file short (git writes them read-only).
fn truncate(file: &Path, keep: usize) {
    let data = std::fs::read(file).expect("object readable");
    let mut perms = std::fs::metadata(file).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).expect("chmod");
    std::fs::write(file, &data[..keep.min(data.len())]).expect("truncate");
}

#[test]
fn truncated_objects_are_named_and_the_rest_scanned_without_hanging() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("first", "Alice", &date(1));
    repo.write("b.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.commit("second", "Bob", &date(2));
    let blob = repo.git(&["rev-parse", "HEAD:b.env"]);
    truncate(&loose_object(&repo, "HEAD:b.env"), 12);
    let tmp = Tree::new();
    let r = run_env(
        repo.path(),
        &["history", "--format", "json"],
        &[("TMPDIR", &tmp.path().to_string_lossy())],
    );
    assert!(r.stderr.contains(&blob), "names the object: {}", r.stderr);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["path"], "a.env");
    assert_eq!(r.code, 1);
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("tmp").collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");

    // a staged blob cut short: named, and the other staged file still scanned
    repo.write("c.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
    repo.write("d.env", format!("SF_CLIENT_SECRET={HEX4}\n"));
    repo.git(&["add", "c.env", "d.env"]);
    truncate(&loose_object(&repo, ":c.env"), 12);
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert!(r.stderr.contains("c.env"), "{}", r.stderr);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["path"], "d.env");
}

#[test]
fn a_missing_commit_or_tree_does_not_stop_the_walk() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let first = repo.commit("first", "Alice", &date(1));
    repo.write("b.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.commit("second", "Bob", &date(2));
    repo.git(&["checkout", "-q", "-b", "side", &first]);
    repo.write("c.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
    let side = repo.commit("side", "Carol", &date(3));
    repo.git(&["checkout", "-q", "main"]);
    // the side branch's commit object is gone; main's history is intact
    std::fs::remove_file(loose_object(&repo, &side)).expect("remove commit");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert!(r.stderr.contains(&side), "{}", r.stderr);
    let found = findings(&r);
    let paths: Vec<&str> = found.iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(paths, vec!["a.env", "b.env"], "{}", r.stderr);
    assert_eq!(r.code, 1);

    // the first commit (a parent) gone: libgit2's walk gives up, ours scans main's tip
    std::fs::remove_file(loose_object(&repo, &first)).expect("remove parent");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert!(r.stderr.contains(&first), "{}", r.stderr);
    assert_eq!(findings(&r).len(), 2, "{}", r.stderr);
    assert_eq!(r.code, 1);
}

#[test]
fn a_range_through_a_missing_commit_scans_what_can_be_read() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let base = repo.commit("base", "Alice", &date(1));
    repo.write("b.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    let middle = repo.commit("middle", "Bob", &date(2));
    repo.write("c.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
    let tip = repo.commit("tip", "Carol", &date(3));
    // libgit2's walk of the range gives up at the missing commit; the walk goes on without it
    std::fs::remove_file(loose_object(&repo, &middle)).expect("remove commit");
    let range = format!("{base}..HEAD");
    let r = run(
        repo.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert!(r.stderr.contains("commit walk"), "{}", r.stderr);
    assert!(r.stderr.contains(&middle), "{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = findings(&r);
    let c = found.iter().find(|f| f["path"] == "c.env");
    assert_eq!(
        c.map(|f| f["commit"]["id"].clone()),
        Some(tip.as_str().into()),
        "{found:?}"
    );
}

#[test]
fn broken_refs_are_named_and_a_repository_with_nothing_readable_is_exit_2() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let head = repo.commit("first", "Alice", &date(1));
    std::fs::write(
        repo.path().join(".git/refs/heads/dangling"),
        "1234567890123456789012345678901234567890\n",
    )
    .expect("write ref");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert!(r.stderr.contains("refs/heads/dangling"), "{}", r.stderr);
    assert_eq!(findings(&r).len(), 1);
    assert_eq!(r.code, 1);

    std::fs::remove_file(loose_object(&repo, &head)).expect("remove commit");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nothing could be read"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_worktree_with_a_dot_git_file_is_scanned() {
    let repo = Repo::new();
    repo.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("first", "Alice", &date(1));
    let wt = Tree::new();
    let wt_path = wt.path().join("wt");
    repo.git(&["worktree", "add", "-q", &wt_path.to_string_lossy()]);
    assert!(
        wt_path.join(".git").is_file(),
        "a worktree's .git is a file"
    );
    let r = run(&wt_path, &["history", "--format", "json"]);
    assert_eq!(findings(&r).len(), 1, "{}", r.stderr);
    std::fs::write(wt_path.join("b.env"), format!("SF_CLIENT_SECRET={HEX2}\n")).expect("write");
    git_in(&wt_path, &["add", "b.env"]);
    let r = run(&wt_path, &["staged", "--format", "json"]);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{}", r.stderr);
    assert_eq!(f[0]["path"], "b.env");
}

#[cfg(unix)]
#[test]
fn odd_paths_in_history_are_escaped_and_sarif_stays_valid() {
    let repo = Repo::new();
    repo.write("new\nline.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("odd name", "Alice", &date(1));
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert_eq!(findings(&r)[0]["path"], "new\\nline.env");
    let r = run(repo.path(), &["history", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    super::ci::assert_valid_sarif(&doc);
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_packed_history_reports_the_same_as_a_loose_one_with_any_number_of_workers() {
    // deltified packs are read through a private object-database view per worker and
    // walked newest first; what is reported must not depend on either
    let repo = Repo::new();
    let filler: String = (0..200)
        .map(|i| format!("line {i} of the service\n"))
        .collect();
    repo.write(
        "src/sync.py",
        format!("{filler}sf_client_secret = '{HEX1}'\n"),
    );
    repo.write("sf.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.commit("c0", "Alice", &date(1));
    for i in 1..30u32 {
        repo.write(
            "src/sync.py",
            format!("{filler}sf_client_secret = '{HEX1}'\n# rev {i}\n"),
        );
        if i == 10 {
            // a rename: the same blob at a new path
            std::fs::remove_file(repo.path().join("sf.env")).expect("rm");
            repo.write("config/sf.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
        }
        if i == 20 {
            repo.write("config/sf.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
        }
        repo.commit(
            &format!("c{i}"),
            "Bob",
            &format!("2024-05-01T00:{i:02}:00+00:00"),
        );
    }
    repo.git(&["checkout", "-q", "-b", "side", "HEAD~5"]);
    repo.write("side.env", format!("SF_CLIENT_SECRET={HEX4}\n"));
    repo.commit("side", "Carol", "2024-06-01T00:00:00+00:00");
    repo.git(&["checkout", "-q", "main"]);

    let report = |threads: &str| {
        let r = run(repo.path(), &["history", "--format", "json", "-j", threads]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let mut f = findings(&r);
        for x in &mut f {
            x.as_object_mut().expect("object").remove("elapsed_ms");
        }
        (f, r.json()["stats"]["files"].clone())
    };
    let loose = report("1");
    assert_eq!(loose.0.len(), 5, "{:?}", loose.0);
    assert_eq!(report("3"), loose);
    repo.git(&["gc", "-q", "--aggressive", "--prune=now"]);
    assert!(
        std::fs::read_dir(repo.path().join(".git/objects/pack"))
            .expect("pack dir")
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "pack")),
        "gc packed the objects"
    );
    assert_eq!(report("1"), loose);
    assert_eq!(report("3"), loose);
    let paths: Vec<&str> = loose.0.iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(
        paths,
        [
            "config/sf.env",
            "config/sf.env",
            "sf.env",
            "side.env",
            "src/sync.py"
        ]
    );
}
