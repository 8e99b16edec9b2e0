//! Fleets on a fixture fleet built at test time: 33 bare repositories reached as `file://`
//! URLs (a secret shared by two repositories and a fork, a blob over the size limit, an empty
//! repository, a corrupt one, a URL that does not exist, branches and tags).

use super::git::{git_in, Repo};
use super::util::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command as Proc, Stdio};

pub(super) const KEY_A: &str = "fleet-test-key-aaaaaaaaaaaaaaaa";
const KEY_B: &str = "fleet-test-key-bbbbbbbbbbbbbbbb";
/// Size limit for the fixture's scans: the big repository's blob is over it.
const LIMIT: &str = "64K";
const FILLERS: usize = 25;

/// A leaky env file: the consumer key and secret beside the token call (critical).
fn leak(key: &str, secret: &str) -> String {
    format!(
        "SF_CLIENT_ID={key}\nSF_CLIENT_SECRET={secret}\nSF_TOKEN_URL=https://acme.my.salesforce.com/services/oauth2/token\nSF_GRANT=client_credentials\n"
    )
}

/// The fixture fleet: work repositories (to push from), their bare remotes, the list.
pub(super) struct Fleet {
    dir: tempfile::TempDir,
    list: PathBuf,
    /// Work repositories by id, for pushing more commits.
    work: Vec<(String, Repo)>,
}

impl Fleet {
    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remote(&self, name: &str) -> PathBuf {
        self.path().join("remotes").join(format!("{name}.git"))
    }

    fn work_repo(&self, id: &str) -> &Repo {
        &self
            .work
            .iter()
            .find(|(i, _)| i == id)
            .expect("work repo")
            .1
    }
}

fn dir_size_kb(p: &Path) -> u64 {
    let mut n = 0;
    for e in walk(p) {
        n += std::fs::metadata(&e).map(|m| m.len()).unwrap_or(0);
    }
    n / 1024
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

pub(super) fn build() -> Fleet {
    let dir = tempfile::tempdir().expect("tmp");
    let remotes = dir.path().join("remotes");
    std::fs::create_dir_all(&remotes).expect("mkdir");
    let mut work: Vec<(String, Repo)> = Vec::new();
    let mut entries: Vec<(String, String, bool)> = Vec::new(); // id, url, fork
    let publish = |name: &str, repo: &Repo, entries: &mut Vec<(String, String, bool)>, fork| {
        let bare = remotes.join(format!("{name}.git"));
        git_in(
            dir.path(),
            &[
                "clone",
                "-q",
                "--bare",
                &repo.path().to_string_lossy(),
                &bare.to_string_lossy(),
            ],
        );
        // tags and branches of the work repository go along
        git_in(
            repo.path(),
            &[
                "push",
                "-q",
                "--tags",
                &bare.to_string_lossy(),
                "refs/heads/*:refs/heads/*",
            ],
        );
        entries.push((
            format!("org/{name}"),
            format!("file://{}", bare.display()),
            fork,
        ));
    };

    // the shared secret: app (with a branch and a tag), app-copy, app-fork
    let app = Repo::new();
    app.write("README.md", "# app\n")
        .commit("start", "Ana", "2024-01-02T10:00:00+00:00");
    app.write(".env", leak(KEY1, HEX1))
        .commit("config", "Ana", "2024-01-03T10:00:00+00:00");
    app.git(&["tag", "-a", "v1", "-m", "release 1"]);
    app.git(&["checkout", "-q", "-b", "feature"]);
    app.write("feature.env", leak(KEY2, HEX2)).commit(
        "feature",
        "Ben",
        "2024-01-04T10:00:00+00:00",
    );
    app.git(&["checkout", "-q", "main"]);
    publish("app", &app, &mut entries, false);

    let copy = Repo::new();
    copy.write("deploy/app.env", leak(KEY1, HEX1)).commit(
        "copy",
        "Cy",
        "2024-02-01T10:00:00+00:00",
    );
    publish("app-copy", &copy, &mut entries, false);

    let fork = Repo::new();
    fork.git(&["pull", "-q", &app.path().to_string_lossy(), "main"]);
    fork.write("FORK.md", "a fork\n")
        .commit("fork", "Di", "2024-03-01T10:00:00+00:00");
    publish("app-fork", &fork, &mut entries, true);

    // a secret only a tag reaches
    let tagged = Repo::new();
    tagged
        .write("a.txt", "a\n")
        .commit("a", "Ed", "2024-01-05T10:00:00+00:00");
    tagged.git(&["checkout", "-q", "-b", "tmp"]);
    tagged
        .write("old.env", leak(KEY3, HEX4))
        .commit("old", "Ed", "2024-01-06T10:00:00+00:00");
    tagged.git(&["tag", "archived-config"]);
    tagged.git(&["checkout", "-q", "main"]);
    tagged.git(&["branch", "-q", "-D", "tmp"]);
    publish("tagged", &tagged, &mut entries, false);

    // a blob over the size limit, with a secret at its end (passed over, counted)
    let big = Repo::new();
    let mut text = "x = 1\n".repeat(70 * 1024 / 6);
    text.push_str(&leak(KEY1, HEX3));
    big.write("huge.env", text)
        .commit("huge", "Flo", "2024-01-07T10:00:00+00:00");
    publish("big", &big, &mut entries, false);

    // an empty repository
    let empty = remotes.join("empty.git");
    git_in(
        dir.path(),
        &["init", "-q", "--bare", &empty.to_string_lossy()],
    );
    entries.push((
        "org/empty".into(),
        format!("file://{}", empty.display()),
        false,
    ));

    // a corrupt one: its blob's object file is gone, so nothing can be cloned
    let broken = Repo::new();
    broken
        .write("x.txt", "lost\n")
        .commit("x", "Gil", "2024-01-08T10:00:00+00:00");
    let corrupt = remotes.join("corrupt.git");
    git_in(
        dir.path(),
        &["init", "-q", "--bare", &corrupt.to_string_lossy()],
    );
    git_in(
        broken.path(),
        &["push", "-q", &corrupt.to_string_lossy(), "main"],
    );
    let blob = git_in(broken.path(), &["rev-parse", "HEAD:x.txt"]);
    std::fs::remove_file(corrupt.join("objects").join(&blob[..2]).join(&blob[2..]))
        .expect("loose blob removed");
    entries.push((
        "org/corrupt".into(),
        format!("file://{}", corrupt.display()),
        false,
    ));

    // a URL that does not exist
    entries.push((
        "org/missing".into(),
        format!("file://{}", remotes.join("missing.git").display()),
        false,
    ));

    // fillers of mixed sizes; every fifth holds a lone consumer key (low)
    for i in 0..FILLERS {
        let r = Repo::new();
        let body = "fn main() { println!(\"hello\"); }\n".repeat(1 + i * 40);
        r.write("src/main.rs", body)
            .commit("one", "Hal", "2024-04-01T10:00:00+00:00");
        if i % 5 == 0 {
            r.write("notes.txt", format!("the app's consumer key: {KEY2}\n"));
        }
        r.write("README.md", format!("filler {i}\n")).commit(
            "two",
            "Hal",
            "2024-04-02T10:00:00+00:00",
        );
        let name = format!("filler-{i:02}");
        publish(&name, &r, &mut entries, false);
        if i == 1 {
            // a pull request's head, on no branch: where a leak pushed for review stays
            r.git(&["checkout", "-q", "-b", "review"]);
            r.write("review.env", leak(KEY3, HEX6)).commit(
                "for review",
                "Kim",
                "2024-04-03T10:00:00+00:00",
            );
            let bare = remotes.join(format!("{name}.git"));
            git_in(
                r.path(),
                &[
                    "push",
                    "-q",
                    &bare.to_string_lossy(),
                    "review:refs/pull/1/head",
                ],
            );
            r.git(&["checkout", "-q", "main"]);
            r.git(&["branch", "-q", "-D", "review"]);
        }
        work.push((format!("org/{name}"), r));
    }
    work.push(("org/app".into(), app));

    let list = dir.path().join("repos.jsonl");
    let mut text = String::new();
    for (id, url, fork) in &entries {
        let size = url
            .strip_prefix("file://")
            .map_or(0, |p| dir_size_kb(Path::new(p)));
        text.push_str(
            &serde_json::json!({
                "id": id, "clone_url": url, "default_branch": "main", "fork": fork,
                "archived": false, "size_kb": size, "pushed_at": null,
            })
            .to_string(),
        );
        text.push('\n');
    }
    std::fs::write(&list, text).expect("list");
    assert!(entries.len() >= 30, "{} repositories", entries.len());
    Fleet { dir, list, work }
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sfleaks")
}

/// A `fleet` command with the key set, run from the fleet's directory.
pub(super) fn fleet_cmd(f: &Fleet, key: &str, args: &[&str]) -> Proc {
    let mut c = Proc::new(bin());
    c.current_dir(f.path())
        .env("SFLEAKS_FLEET_KEY", key)
        .env_remove("GITHUB_TOKEN")
        .arg("fleet")
        .args(args)
        .stdin(Stdio::null());
    c
}

pub(super) fn output(mut c: Proc) -> Run {
    let out = c.output().expect("runs");
    let args: Vec<std::ffi::OsString> = c.get_args().map(|a| a.to_os_string()).collect();
    Run::checked(&args, &out)
}

fn scan_args<'a>(list: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "scan",
        "--repos",
        list,
        "--out",
        out,
        "--max-file-size",
        LIMIT,
    ];
    a.extend_from_slice(extra);
    a
}

pub(super) fn shard(f: &Fleet, out: &Path, extra: &[&str]) -> Run {
    let list = f.list.to_string_lossy().into_owned();
    let out = out.to_string_lossy().into_owned();
    output(fleet_cmd(f, KEY_A, &scan_args(&list, &out, extra)))
}

fn merge(f: &Fleet, dirs: &[&Path], format: &str) -> Run {
    let mut args = vec!["merge".to_string(), "--format".into(), format.into()];
    args.extend(dirs.iter().map(|d| d.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    output(fleet_cmd(f, KEY_A, &args))
}

/// The merge in every format, for byte comparisons.
fn merges(f: &Fleet, dirs: &[&Path]) -> Vec<String> {
    ["jsonl", "json", "sarif", "human", "junit", "csv", "html"]
        .iter()
        .map(|fmt| merge(f, dirs, fmt).stdout)
        .collect()
}

/// A merge checked against a repository list.
fn covering(f: &Fleet, list: &str, out: &str) -> Run {
    output(fleet_cmd(
        f,
        KEY_A,
        &["merge", "--repos", list, "-f", "json", out],
    ))
}

fn result_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl") && !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// The lines of one repository's result file.
fn result_of(dir: &Path, id: &str) -> Vec<Value> {
    for name in result_files(dir) {
        let text = std::fs::read_to_string(dir.join(&name)).expect("read");
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect();
        if lines[0]["repository"] == id {
            return lines;
        }
    }
    panic!("no result for {id}");
}

#[test]
fn a_fleet_scan_covers_every_repository_and_the_merge_names_them() {
    let f = build();
    let out = f.path().join("out");
    let r = shard(&f, &out, &[]);
    // two repositories cannot be scanned: the shard says so and still does the rest
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("org/missing: FAILED"), "{}", r.stderr);
    assert!(r.stderr.contains("org/corrupt: FAILED"), "{}", r.stderr);
    assert_eq!(result_files(&out).len(), 33);
    let missing = result_of(&out, "org/missing");
    assert_eq!(missing.last().expect("trailer")["status"], "failed");
    let why = missing.last().expect("trailer")["reason"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        why.contains("does not appear to be a git repository"),
        "{why}"
    );
    let ok = result_files(&out)
        .iter()
        .filter(|n| {
            let t = std::fs::read_to_string(out.join(n)).expect("read");
            t.lines()
                .last()
                .is_some_and(|l| l.contains("\"status\":\"ok\""))
        })
        .count();
    assert_eq!(ok, 31);

    // what each repository holds
    let merged = merge(&f, &[&out], "jsonl");
    let lines: Vec<Value> = merged
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let at: BTreeSet<(String, String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["repository"].as_str().unwrap_or("").to_string(),
                l["path"].as_str().unwrap_or("").to_string(),
                l["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for want in [
        ("org/app", ".env", "critical"),
        ("org/app", "feature.env", "critical"),
        ("org/app-copy", "deploy/app.env", "critical"),
        ("org/app-fork", ".env", "critical"),
        ("org/tagged", "old.env", "critical"),
        ("org/filler-00", "notes.txt", "low"),
    ] {
        let want = (want.0.to_string(), want.1.to_string(), want.2.to_string());
        assert!(at.contains(&want), "{want:?} in {at:?}");
    }
    assert!(
        !lines.iter().any(|l| l["repository"] == "org/big"),
        "{}",
        merged.stdout
    );
    let big = result_of(&out, "org/big");
    assert_eq!(big.last().expect("trailer")["skipped_large"], 1);
    assert_eq!(
        result_of(&out, "org/empty").last().expect("trailer")["status"],
        "ok"
    );
    // the fork's copy of the secret names the commit it inherited
    let fork = lines
        .iter()
        .find(|l| l["repository"] == "org/app-fork" && l["path"] == ".env")
        .expect("fork finding");
    let app = lines
        .iter()
        .find(|l| l["repository"] == "org/app" && l["path"] == ".env")
        .expect("app finding");
    assert_eq!(fork["commit"]["id"], app["commit"]["id"]);

    // the HTML page has a row per repository with that repository's count
    let page = merge(&f, &[&out], "html").stdout;
    let mut per_repo: std::collections::BTreeMap<&str, usize> = Default::default();
    for l in lines.iter().filter(|l| l["suppressed"] == false) {
        *per_repo
            .entry(l["repository"].as_str().unwrap_or(""))
            .or_default() += 1;
    }
    assert!(per_repo.len() >= 9, "{per_repo:?}");
    for (repo, n) in &per_repo {
        let row = format!("<tr data-repository=\"{repo}\" data-count=\"{n}\">");
        assert!(page.contains(&row), "{row} in the page");
    }

    // coverage: the two failures are named with their reasons, exit 2
    let list = f.list.to_string_lossy().into_owned();
    let o = out.to_string_lossy().into_owned();
    let r = covering(&f, &list, &o);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("org/missing: no finished result (git ls-remote"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("org/corrupt: no finished result (git clone"),
        "{}",
        r.stderr
    );
    // a list of the good ones is covered (exit 1 for the critical findings) until a result goes
    let good: String = std::fs::read_to_string(&f.list)
        .expect("list")
        .lines()
        .filter(|l| !l.contains("org/missing") && !l.contains("org/corrupt"))
        .map(|l| format!("{l}\n"))
        .collect();
    let good_list = f.path().join("good.jsonl");
    std::fs::write(&good_list, good).expect("write");
    let gl = good_list.to_string_lossy().into_owned();
    let r = covering(&f, &gl, &o);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("no finished result"), "{}", r.stderr);
    let gone = result_files(&out)
        .into_iter()
        .find(|n| n.contains("filler-07"))
        .expect("filler-07 result");
    std::fs::remove_file(out.join(gone)).expect("rm");
    let r = covering(&f, &gl, &o);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("org/filler-07: no finished result (no result)"),
        "{}",
        r.stderr
    );
}

#[test]
fn sharded_runs_merge_byte_identical_to_one_shard() {
    let f = build();
    let single = f.path().join("single");
    shard(&f, &single, &[]);
    let want = merges(&f, &[&single]);
    assert!(want[0].lines().count() >= 8, "{}", want[0]);
    let list = f.list.to_string_lossy().into_owned();
    for by in ["hash", "size"] {
        for n in 1..=7usize {
            let out = f.path().join(format!("{by}-{n}"));
            let o = out.to_string_lossy().into_owned();
            // every shard of the split at once, as a matrix runs them
            let children: Vec<_> = (0..n)
                .map(|i| {
                    let spec = format!("{i}/{n}");
                    let args = scan_args(&list, &o, &["--shard", &spec, "--shard-by", by, "-q"]);
                    fleet_cmd(&f, KEY_A, &args)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("spawn")
                })
                .collect();
            for mut c in children {
                c.wait().expect("wait");
            }
            assert_eq!(result_files(&out).len(), 33, "{by} {n}");
            let got = merges(&f, &[&out]);
            for (g, w) in got.iter().zip(&want) {
                assert!(g == w, "--shard-by {by}, {n} shards: the merge differs");
            }
        }
    }
    // shards written to separate directories merge to the same bytes
    let list_dirs: Vec<PathBuf> = (0..3).map(|i| f.path().join(format!("sep-{i}"))).collect();
    for (i, d) in list_dirs.iter().enumerate() {
        shard(&f, d, &["--shard", &format!("{i}/3")]);
    }
    let refs: Vec<&Path> = list_dirs.iter().map(PathBuf::as_path).collect();
    assert!(merges(&f, &refs) == want, "three directories");
}

#[test]
fn a_killed_shard_resumes_without_refetching_what_it_finished() {
    let f = build();
    let reference = f.path().join("reference");
    shard(&f, &reference, &[]);
    let want = merges(&f, &[&reference]);

    let out = f.path().join("out");
    let work = f.path().join("work");
    let list = f.list.to_string_lossy().into_owned();
    let (o, w) = (
        out.to_string_lossy().into_owned(),
        work.to_string_lossy().into_owned(),
    );
    let args = scan_args(&list, &o, &["--work", &w, "--jobs", "1"]);
    let mut child = fleet_cmd(&f, KEY_A, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    while result_files(&out).len() < 3 {
        assert!(started.elapsed().as_secs() < 60, "no results appear");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the shard had finished before the kill"
        );
    }
    let finished = result_files(&out);
    assert!(finished.len() < 33, "killed mid-way: {}", finished.len());
    // their clones are removed: a resumed shard that fetched them would bring them back
    let mut finished_repos = Vec::new();
    for n in &finished {
        let text = std::fs::read_to_string(out.join(n)).expect("read");
        let header: Value =
            serde_json::from_str(text.lines().next().expect("header")).expect("json");
        let id = header["repository"].as_str().expect("id").to_string();
        let ok = text
            .lines()
            .last()
            .is_some_and(|l| l.contains("\"status\":\"ok\""));
        let clone = work.join(n.replace(".jsonl", ".git"));
        if ok {
            std::fs::remove_dir_all(&clone).expect("clone there");
            finished_repos.push((id, clone));
        }
    }
    assert!(!finished_repos.is_empty());

    let r = shard(&f, &out, &["--work", &w, "--jobs", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for (id, clone) in &finished_repos {
        assert!(
            r.stderr
                .contains(&format!("{id}: unchanged since its result, not fetched")),
            "{id}: {}",
            r.stderr
        );
        assert!(!clone.exists(), "{id} was fetched again");
    }
    assert_eq!(
        result_files(&out).len(),
        33,
        "one result per repository, no duplicate"
    );
    assert!(merges(&f, &[&out]) == want, "the resumed merge differs");
}

#[test]
fn new_commits_are_scanned_alone_and_merge_like_a_fresh_full_scan() {
    let f = build();
    let out = f.path().join("out");
    let work = f.path().join("work");
    let w = work.to_string_lossy().into_owned();
    shard(&f, &out, &["--work", &w]);

    // two commits on one remote, one with a new secret
    let id = "org/filler-03";
    let repo = f.work_repo(id);
    repo.write("deploy.env", leak(KEY3, HEX5))
        .commit("deploy", "Ivy", "2024-05-01T10:00:00+00:00");
    repo.write("README.md", "more\n")
        .commit("docs", "Ivy", "2024-05-02T10:00:00+00:00");
    git_in(
        repo.path(),
        &[
            "push",
            "-q",
            &f.remote("filler-03").to_string_lossy(),
            "main",
        ],
    );

    let r = shard(&f, &out, &["--work", &w]);
    assert!(
        r.stderr
            .contains(&format!("{id}: 1 finding (incremental scan, 2 commits)")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("unchanged since its result").count(),
        30,
        "{}",
        r.stderr
    );
    let trailer = result_of(&out, id).last().cloned().expect("trailer");
    assert_eq!(trailer["scan"], "incremental");
    assert_eq!(trailer["commits_scanned"], 2);

    let fresh = f.path().join("fresh");
    shard(&f, &fresh, &[]);
    assert!(
        merges(&f, &[&out]) == merges(&f, &[&fresh]),
        "incremental and full differ"
    );
    let merged = merge(&f, &[&out], "jsonl").stdout;
    assert!(merged.contains("\"path\":\"deploy.env\""), "{merged}");

    // a branch rewritten (not a fast-forward) is scanned whole again
    let app = f.work_repo("org/app");
    app.git(&["commit", "-q", "--amend", "-m", "config (amended)"]);
    git_in(
        app.path(),
        &[
            "push",
            "-q",
            "--force",
            &f.remote("app").to_string_lossy(),
            "main",
        ],
    );
    let r = shard(&f, &out, &["--work", &w]);
    assert!(
        r.stderr.contains("org/app: 2 findings (full scan"),
        "{}",
        r.stderr
    );
    let fresh2 = f.path().join("fresh2");
    shard(&f, &fresh2, &[]);
    assert!(
        merges(&f, &[&out]) == merges(&f, &[&fresh2]),
        "after a force-push"
    );
}

#[test]
fn one_secret_across_repositories_and_forks_is_one_entry_and_never_stored_raw() {
    let f = build();
    let out = f.path().join("out");
    let work = f.path().join("work");
    let w = work.to_string_lossy().into_owned();
    shard(&f, &out, &["--work", &w]);
    let o = out.to_string_lossy().into_owned();
    let r = output(fleet_cmd(&f, KEY_A, &["secrets", "-f", "json", &o]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("json");
    let shared = |doc: &Value| -> Value {
        doc["secrets"]
            .as_array()
            .expect("secrets")
            .iter()
            .find(|s| {
                s["rule"] == "salesforce-consumer-secret"
                    && s["locations"]
                        .as_array()
                        .is_some_and(|l| l.iter().any(|p| p["repository"] == "org/app-copy"))
            })
            .cloned()
            .expect("the shared secret")
    };
    let s = shared(&doc);
    let repos: Vec<&str> = s["repositories"]
        .as_array()
        .expect("repositories")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(repos, ["org/app", "org/app-copy", "org/app-fork"]);
    assert_eq!(s["occurrences"], 3);
    assert_eq!(s["introduced"]["repository"], "org/app");
    assert_eq!(s["introduced"]["date"], "2024-01-03T10:00:00+00:00");
    assert_eq!(s["severity"], "critical");
    // every other secret is its own entry
    let ids: BTreeSet<&str> = doc["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .filter_map(|s| s["secret_id"].as_str())
        .collect();
    assert_eq!(ids.len(), doc["secrets"].as_array().map_or(0, Vec::len));

    // another key, another id
    let other = f.path().join("other");
    let list = f.list.to_string_lossy().into_owned();
    let ot = other.to_string_lossy().into_owned();
    output(fleet_cmd(&f, KEY_B, &scan_args(&list, &ot, &[])));
    let r2 = output(fleet_cmd(&f, KEY_B, &["secrets", "-f", "json", &ot]));
    let s2 = shared(&serde_json::from_str(&r2.stdout).expect("json"));
    assert_ne!(s["secret_id"], s2["secret_id"]);
    // results of two keys do not mix
    let r3 = output(fleet_cmd(&f, KEY_A, &["merge", &o, &ot]));
    assert_eq!(r3.code, 2);
    assert!(
        r3.stderr.contains("different SFLEAKS_FLEET_KEY keys"),
        "{}",
        r3.stderr
    );

    // no raw secret in any file under --out or --work
    let secrets = [KEY1, KEY2, KEY3, HEX1, HEX2, HEX4];
    for file in walk(&out).into_iter().chain(walk(&work)) {
        let bytes = std::fs::read(&file).expect("read");
        for s in secrets {
            assert!(
                memchr::memmem::find(&bytes, s.as_bytes()).is_none(),
                "{} holds a raw secret",
                file.display()
            );
        }
    }
    // unless asked
    let raw = f.path().join("raw");
    let rw = raw.to_string_lossy().into_owned();
    output(fleet_cmd(
        &f,
        KEY_A,
        &scan_args(&list, &rw, &["--show-secrets"]),
    ));
    let app = std::fs::read_to_string(
        raw.join(
            result_files(&raw)
                .into_iter()
                .find(|n| n.starts_with("org_app-"))
                .expect("app result"),
        ),
    )
    .expect("read");
    assert!(app.contains(HEX1), "{app}");
    let shown = output(fleet_cmd(
        &f,
        KEY_A,
        &["secrets", "--show-secrets", "-f", "jsonl", &rw],
    ));
    assert!(shown.stdout.contains(HEX1));
    let hidden = output(fleet_cmd(&f, KEY_A, &["secrets", "-f", "jsonl", &rw]));
    assert!(!hidden.stdout.contains(HEX1));
}

/// `fleet list` against a loopback server serving recorded API pages.
#[cfg(feature = "fleet-list")]
mod listing {
    use super::*;
    use std::io::{BufRead, BufReader, Write};

    /// One recorded answer of the fake API.
    struct Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    fn gh_repo(name: &str, fork: bool, archived: bool, size: u64) -> Value {
        serde_json::json!({
            "id": size, "name": name, "full_name": format!("acme/{name}"),
            "clone_url": format!("https://github.example/acme/{name}.git"),
            "default_branch": "main", "fork": fork, "archived": archived, "size": size,
            "pushed_at": "2026-11-30T12:00:00Z",
        })
    }

    #[test]
    fn fleet_list_follows_pages_waits_out_a_rate_limit_and_never_prints_the_token() {
        let token = "ghp_SYNTHETICtokenForTheLoopbackTest0001";
        let page1 = Value::Array(vec![
            gh_repo("zeta", false, false, 50),
            gh_repo("alpha", false, false, 900),
        ]);
        let page2 = Value::Array(vec![
            gh_repo("mid", false, false, 10),
            gh_repo("forked", true, false, 5),
            gh_repo("old", false, true, 5),
            gh_repo("scratch-1", false, false, 5),
        ]);
        let (base, handle) = serve_github(&page1, &page2);
        let t = Tree::new();
        let r = run_env(
            t.path(),
            &[
                "fleet",
                "list",
                "--github-org",
                "acme",
                "--api-url",
                &base,
                "--exclude",
                "acme/scratch-*",
            ],
            &[("GITHUB_TOKEN", token)],
        );
        let seen = handle.join().expect("server");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let ids = list_ids(&r.stdout);
        assert_eq!(ids, ["acme/alpha", "acme/mid", "acme/zeta"], "{}", r.stdout);
        let first: Value =
            serde_json::from_str(r.stdout.lines().next().expect("line")).expect("json");
        assert_eq!(first["size_kb"], 900);
        assert_eq!(first["clone_url"], "https://github.example/acme/alpha.git");
        // three requests: page 1, page 2 rate-limited, page 2 again; each with the token
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen[0].starts_with("GET /orgs/acme/repos?"), "{}", seen[0]);
        assert!(
            seen[1].starts_with("GET /orgs/acme/repos/page2"),
            "{}",
            seen[1]
        );
        for s in &seen {
            assert!(s.contains(&format!("Bearer {token}")), "{s}");
        }
        assert!(r.stderr.contains("waiting 1 s"), "{}", r.stderr);
        assert!(!r.stdout.contains(token) && !r.stderr.contains(token));

        // forks and archived ones on request
        let (base, handle) = serve_github(&page1, &page2);
        let r = run_env(
            t.path(),
            &[
                "fleet",
                "list",
                "--github-org",
                "acme",
                "--api-url",
                &base,
                "--include-forks",
                "--include-archived",
            ],
            &[("GITHUB_TOKEN", token)],
        );
        handle.join().expect("server");
        assert_eq!(r.stdout.lines().count(), 6, "{}", r.stdout);
        assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
    }

    /// Page 1 with a Link to page 2, a rate-limit answer, then page 2.
    fn serve_github(
        page1: &Value,
        page2: &Value,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let next = format!("{base}/orgs/acme/repos/page2?per_page=100");
        let answers = vec![
            Answer {
                status: 200,
                headers: vec![(
                    "Link".into(),
                    format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\""),
                )],
                body: page1.to_string(),
            },
            Answer {
                status: 403,
                headers: vec![
                    ("X-RateLimit-Remaining".into(), "0".into()),
                    ("Retry-After".into(), "1".into()),
                ],
                body: "{\"message\":\"API rate limit exceeded\"}".into(),
            },
            Answer {
                status: 200,
                headers: vec![],
                body: page2.to_string(),
            },
        ];
        let handle = serve_on(listener, answers);
        (base, handle)
    }

    /// The ids of a repository list, in its order.
    fn list_ids(list: &str) -> Vec<String> {
        list.lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("json")["id"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    /// Serves `answers` in order, one connection each; returns the requests' heads.
    fn serve_on(
        listener: std::net::TcpListener,
        answers: Vec<Answer>,
    ) -> std::thread::JoinHandle<Vec<String>> {
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for a in answers {
                let (mut s, _) = listener.accept().expect("accept");
                let mut reader = BufReader::new(s.try_clone().expect("clone"));
                let mut request = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).expect("read") == 0 || line == "\r\n" {
                        break;
                    }
                    request.push_str(&line);
                }
                seen.push(request);
                let mut head = format!(
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                a.status,
                a.body.len()
            );
                for (k, v) in &a.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                s.write_all(head.as_bytes()).expect("write");
                s.write_all(a.body.as_bytes()).expect("write");
            }
            seen
        })
    }

    #[test]
    fn fleet_list_reads_a_gitlab_group_with_its_subgroups() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let project = |path: &str, forked: bool, kb: u64| {
            serde_json::json!({
                "id": kb, "path_with_namespace": path,
                "http_url_to_repo": format!("https://gitlab.example/{path}.git"),
                "default_branch": "main", "archived": false,
                "forked_from_project": if forked { serde_json::json!({"id": 1}) } else { Value::Null },
                "statistics": {"repository_size": kb * 1024},
                "last_activity_at": "2026-11-01T00:00:00Z",
            })
        };
        let body = Value::Array(vec![
            project("acme/platform/api", false, 300),
            project("acme/platform/sub/worker", false, 20),
            project("acme/platform/fork", true, 1),
        ]);
        let handle = serve_on(
            listener,
            vec![Answer {
                status: 200,
                headers: vec![],
                body: body.to_string(),
            }],
        );
        let t = Tree::new();
        let token = "glpat-SYNTHETIC-loopback-0001";
        let r = run_env(
            t.path(),
            &[
                "fleet",
                "list",
                "--gitlab-group",
                "acme/platform",
                "--include-subgroups",
                "--api-url",
                &base,
            ],
            &[("GITLAB_TOKEN", token)],
        );
        let seen = handle.join().expect("server");
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            seen[0].starts_with("GET /groups/acme%2Fplatform/projects?"),
            "{}",
            seen[0]
        );
        assert!(seen[0].contains("include_subgroups=true"), "{}", seen[0]);
        assert!(
            seen[0].contains(&format!("PRIVATE-TOKEN: {token}"))
                || seen[0].contains(&format!("private-token: {token}")),
            "{}",
            seen[0]
        );
        let ids = list_ids(&r.stdout);
        assert_eq!(ids, ["acme/platform/api", "acme/platform/sub/worker"]);
        assert!(r.stdout.contains("\"size_kb\":300"));
        assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
    }
}

#[test]
fn the_one_host_recipe_runs_as_written() {
    let f = build();
    let dir = f.path().join("host");
    let recipe = root().join("examples/fleet/one-host.sh");
    let out = Proc::new("sh")
        .arg(&recipe)
        .arg(&f.list)
        .arg("3")
        .arg(&dir)
        .current_dir(f.path())
        .env("SFLEAKS", bin())
        .env("SFLEAKS_FLEET_KEY", KEY_A)
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // the corrupt and the missing repository have no result: named, exit 2
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("org/missing: no finished result"),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fleet.json")).expect("report"))
            .expect("json");
    let single = f.path().join("single");
    shard(&f, &single, &[]);
    // the recipe's three shards give the one-shard merge (its --max-file-size aside: the big
    // repository's blob is scanned there, so compare the rest)
    let ours = merge(&f, &[&single], "json").grouped();
    let count = |d: &Value| {
        d["findings"].as_array().map_or(0, |l| {
            l.iter().filter(|x| x["repository"] != "org/big").count()
        })
    };
    assert_eq!(count(&report), count(&ours));
    assert!(dir.join("secrets.json").is_file());
    assert_eq!(result_files(&dir.join("results")).len(), 33);
}

#[test]
fn pull_request_refs_are_scanned_when_asked() {
    let f = build();
    let plain = f.path().join("plain");
    shard(&f, &plain, &[]);
    let without = merge(&f, &[&plain], "jsonl").stdout;
    assert!(!without.contains("review.env"), "{without}");
    let reviews = f.path().join("reviews");
    let r = shard(&f, &reviews, &["--pull-requests"]);
    let with = merge(&f, &[&reviews], "jsonl").stdout;
    assert!(
        with.lines()
            .any(|l| l.contains("\"repository\":\"org/filler-01\"")
                && l.contains("\"path\":\"review.env\"")),
        "{with}\n{}",
        r.stderr
    );
    let header = &result_of(&reviews, "org/filler-01")[0];
    assert!(header["refs"]["refs/pull/1/head"].is_string(), "{header}");
    // the same results again: nothing fetched
    let again = shard(&f, &reviews, &["--pull-requests"]);
    assert!(
        again.stderr.contains("org/filler-01: unchanged"),
        "{}",
        again.stderr
    );
}

/// A git HTTP server that asks for Basic credentials and records what it is given.
fn asking_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut auth = None;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.trim().strip_prefix("Authorization: Basic ") {
                    auth = Some(v.to_string());
                }
            }
            let mut out = stream;
            let head = match auth {
                Some(a) => {
                    log.lock().expect("log").push(a);
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                }
                None => "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            };
            let _ = out.write_all(head.as_bytes());
        }
    });
    (base, seen)
}

#[test]
fn credentials_reach_git_through_the_environment_and_nowhere_else() {
    use base64::Engine;
    let (base, seen) = asking_server();
    let t = Tree::new();
    let env_token = "ghp_SYNTHETICenvTokenForTheHelperTest01";
    let url_secret = "SYNTHETICurlPassword0002";
    t.write(
        "repos.txt",
        format!(
            "{base}/org/by-env.git\nhttp://bot:{url_secret}@{}/org/by-url.git\n",
            base.trim_start_matches("http://")
        ),
    );
    let out = t.path().join("out");
    let o = out.to_string_lossy().into_owned();
    let given = || -> BTreeSet<String> {
        seen.lock()
            .expect("log")
            .drain(..)
            .map(|a| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(a)
                    .expect("base64");
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .collect()
    };
    // a GitHub token goes to GitHub's host only, not to this one
    let r = run_env(
        t.path(),
        &["fleet", "scan", "--repos", "repos.txt", "--out", &o],
        &[("SFLEAKS_FLEET_KEY", KEY_A), ("GITHUB_TOKEN", env_token)],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(given(), BTreeSet::from([format!("bot:{url_secret}")]));
    // a token named for the fleet goes to every host of its list
    let r2 = run_env(
        t.path(),
        &["fleet", "scan", "--repos", "repos.txt", "--out", &o],
        &[
            ("SFLEAKS_FLEET_KEY", KEY_A),
            ("SFLEAKS_GIT_TOKEN", env_token),
        ],
    );
    assert_eq!(r2.code, 2, "{}", r2.stderr);
    let got = given();
    assert!(
        got.contains(&format!("x-access-token:{env_token}")),
        "{got:?}"
    );
    assert!(got.contains(&format!("bot:{url_secret}")), "{got:?}");
    // never in a message, a result file or a report
    let merged = run_env(
        t.path(),
        &["fleet", "merge", "--repos", "repos.txt", &o],
        &[("SFLEAKS_FLEET_KEY", KEY_A)],
    );
    let mut everything = format!(
        "{}{}{}{}{}",
        r.stdout, r.stderr, r2.stderr, merged.stdout, merged.stderr
    );
    for file in walk(&out) {
        everything.push_str(&std::fs::read_to_string(file).expect("read"));
    }
    assert!(everything.contains("org/by-url.git"), "{everything}");
    assert!(
        !everything.contains(env_token) && !everything.contains(url_secret),
        "{everything}"
    );
}
