//! CI plumbing on real repositories: ranges whose base is all zeros (a new branch) or gone (a
//! force-push, a shallow fetch), and the GitHub Action's own scripts run with a fake event.

use super::git::Repo;
use super::util::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const ZEROS: &str = "0000000000000000000000000000000000000000";

fn date(day: u32) -> String {
    format!("2024-05-{day:02}T10:00:00+00:00")
}

/// main with an old leak in its history; `feature` branches off it and adds one commit with
/// a new leak. HEAD is on `feature`. Returns the repository, main's tip and feature's tip.
fn branched() -> (Repo, String, String) {
    let repo = Repo::new();
    repo.write("old.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("old leak", "Alice", &date(1));
    repo.write("old.env", "SF_CLIENT_SECRET=${SECRET}\n");
    let main = repo.commit("move the secret out", "Alice", &date(2));
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("new.env", format!("SF_REFRESH_TOKEN={REFRESH1}\n"));
    let feature = repo.commit("new leak", "Dave", &date(3));
    (repo, main, feature)
}

fn rules_and_paths(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn an_all_zero_base_scans_what_the_new_branch_adds() {
    let (repo, _main, feature) = branched();
    let range = format!("{ZEROS}..HEAD");
    let r = run(
        repo.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        rules_and_paths(&r.json()),
        ["new.env salesforce-refresh-token"]
    );
    assert_eq!(r.json()["findings"][0]["commit"]["id"], feature.as_str());
    assert_eq!(
        r.json()["stats"]["commits"],
        1,
        "only the branch's own commit"
    );

    // the same with the branch named, and with the default branch named
    for extra in [
        &["--range", &format!("{ZEROS}..feature")][..],
        &["--range", &range, "--default-branch", "main"],
    ] {
        let mut args = vec!["history", "--format", "json"];
        args.extend_from_slice(extra);
        let r = run(repo.path(), &args);
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stderr);
        assert_eq!(
            rules_and_paths(&r.json()),
            ["new.env salesforce-refresh-token"],
            "{extra:?}"
        );
    }

    // a new branch made at main's tip adds nothing
    repo.git(&["checkout", "-q", "-b", "empty", "main"]);
    let r = run(
        repo.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(rules_and_paths(&r.json()).is_empty());

    // the first push of a repository: nothing else to compare with, the whole history
    let only = Repo::new();
    only.write("a.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    only.commit("leak", "Alice", &date(1));
    let r = run(
        only.path(),
        &["history", "--range", &range, "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no other branch or tag"), "{}", r.stderr);
}

#[test]
fn a_base_that_is_gone_is_said_and_what_the_head_adds_is_scanned() {
    let (repo, _main, _feature) = branched();
    // a force-push's old tip: a well-formed id the repository never had
    let gone = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
    let r = run(
        repo.path(),
        &[
            "history",
            "--range",
            &format!("{gone}..HEAD"),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(gone) && r.stderr.contains("not in the repository"),
        "{}",
        r.stderr
    );
    assert_eq!(
        rules_and_paths(&r.json()),
        ["new.env salesforce-refresh-token"]
    );

    // a misspelt name is still an error
    let r = run(repo.path(), &["history", "--range", "origin/mian..HEAD"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("mian"), "{}", r.stderr);
    let r = run(
        repo.path(),
        &[
            "history",
            "--range",
            &format!("{ZEROS}..HEAD"),
            "--default-branch",
            "nope",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
}

/// The action's directory in this repository.
fn action_dir() -> PathBuf {
    root().join("action")
}

/// Runs the action's scan script the way the composite step does, in `repo`, for an event.
fn run_action(
    repo: &Path,
    event: &str,
    payload: &Value,
    inputs: &[(&str, &str)],
) -> (Run, String, Value) {
    let tmp = Tree::new();
    tmp.write("event.json", payload.to_string());
    tmp.write("output", "");
    tmp.write("summary", "");
    let report = tmp.path().join("report.json");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(action_dir().join("scan.sh"))
        .current_dir(repo)
        .env("SFLEAKS", assert_cmd::cargo::cargo_bin("sfleaks"))
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", tmp.path().join("event.json"))
        .env("GITHUB_OUTPUT", tmp.path().join("output"))
        .env("GITHUB_STEP_SUMMARY", tmp.path().join("summary"))
        .env("GITHUB_WORKSPACE", repo)
        .env("INPUT_MODE", "auto")
        .env("INPUT_FORMAT", "json")
        .env("INPUT_OUTPUT", &report)
        .env("INPUT_FAIL_ON", "high");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    let run = Run::of(&out);
    let outputs = std::fs::read_to_string(tmp.path().join("output")).unwrap_or_default();
    let doc = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (run, outputs, doc)
}

#[test]
fn the_action_scans_a_pull_request_a_push_a_first_push_and_a_force_push() {
    let (repo, main, feature) = branched();
    let default = json!({"default_branch": "main"});

    // a pull request: what it adds over its base, not the old leak on main
    let pr = json!({"pull_request": {"base": {"sha": main, "ref": "main"}, "head": {"sha": feature, "ref": "feature"}}, "repository": default});
    let (r, outputs, doc) = run_action(repo.path(), "pull_request", &pr, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        outputs.contains(&format!("range={main}..{feature}")),
        "{outputs}"
    );
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert_eq!(rules_and_paths(&doc), ["new.env salesforce-refresh-token"]);

    // a push of a clean commit on main: passes, though main's history holds an old leak
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "docs\n");
    let after = repo.commit("docs", "Alice", &date(4));
    let push = json!({"before": main, "after": after, "ref": "refs/heads/main", "forced": false, "deleted": false, "repository": default});
    let (r, outputs, doc) = run_action(repo.path(), "push", &push, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(outputs.contains("exit-code=0"), "{outputs}");
    assert!(rules_and_paths(&doc).is_empty());

    // the first push of the feature branch: before is forty zeros
    repo.git(&["checkout", "-q", "feature"]);
    let first = json!({"before": ZEROS, "after": feature, "ref": "refs/heads/feature", "created": true, "forced": false, "deleted": false, "repository": default});
    let (r, _, doc) = run_action(repo.path(), "push", &first, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(rules_and_paths(&doc), ["new.env salesforce-refresh-token"]);

    // a force-push whose old tip is not in the clone
    let forced = json!({"before": "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "after": feature, "ref": "refs/heads/feature", "forced": true, "deleted": false, "repository": default});
    let (r, _, doc) = run_action(repo.path(), "push", &forced, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not in the repository"), "{}", r.stderr);
    assert_eq!(rules_and_paths(&doc), ["new.env salesforce-refresh-token"]);

    // a deleted branch has nothing to scan
    let deleted = json!({"before": feature, "after": ZEROS, "ref": "refs/heads/feature", "deleted": true, "repository": default});
    let (r, outputs, _) = run_action(repo.path(), "push", &deleted, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(outputs.contains("exit-code=0"), "{outputs}");

    // a scheduled run, and mode history: every commit, the old leak too
    for (event, inputs) in [
        ("schedule", &[][..]),
        ("push", &[("INPUT_MODE", "history")][..]),
    ] {
        let (r, _, doc) = run_action(repo.path(), event, &push, inputs);
        assert_eq!(r.code, 1, "{event}: {}", r.stderr);
        assert_eq!(
            rules_and_paths(&doc),
            [
                "new.env salesforce-refresh-token",
                "old.env salesforce-consumer-secret"
            ],
            "{event}"
        );
    }

    // the fail-on input reaches sfleaks: an unknown severity is its usage error, exit 2
    let (r, outputs, _) = run_action(
        repo.path(),
        "pull_request",
        &pr,
        &[("INPUT_FAIL_ON", "severe")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--fail-on"), "{}", r.stderr);
    assert!(outputs.contains("exit-code=2"), "{outputs}");
}

/// A fake release: the built binary packed as the release workflow packs it, with its
/// checksum file; `tamper` spoils the checksum.
fn fake_release(tamper: bool) -> Tree {
    let dir = Tree::new();
    let target = target_triple();
    let stage = Tree::new();
    let name = format!("sfleaks-v9.9.9-{target}");
    std::fs::create_dir_all(stage.path().join(&name)).expect("stage");
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("sfleaks"),
        stage.path().join(&name).join("sfleaks"),
    )
    .expect("copy binary");
    let tarball = format!("{name}.tar.gz");
    std::fs::create_dir_all(dir.path().join("v9.9.9")).expect("dir");
    let st = std::process::Command::new("tar")
        .arg("-czf")
        .arg(dir.path().join("v9.9.9").join(&tarball))
        .arg("-C")
        .arg(stage.path())
        .arg(&name)
        .status()
        .expect("tar runs");
    assert!(st.success());
    let bytes = std::fs::read(dir.path().join("v9.9.9").join(&tarball)).expect("tarball");
    let mut sum = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    if tamper {
        sum.replace_range(0..1, if sum.starts_with('0') { "1" } else { "0" });
    }
    dir.write("v9.9.9/SHA256SUMS", format!("{sum}  {tarball}\n"));
    dir
}

fn target_triple() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "aarch64-unknown-linux-musl"
    } else {
        "x86_64-unknown-linux-musl"
    }
}

fn run_install(release: &Path, home: &Path) -> Run {
    let out = std::process::Command::new("bash")
        .arg(action_dir().join("install.sh"))
        .env("SFLEAKS_VERSION", "v9.9.9")
        .env(
            "SFLEAKS_RELEASE_URL",
            format!("file://{}", release.display()),
        )
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TOOL_CACHE", home)
        .env("GITHUB_PATH", home.join("path"))
        .env("SFLEAKS_NO_BUILD", "1")
        .output()
        .expect("bash runs");
    Run::of(&out)
}

#[test]
fn the_action_installs_a_release_binary_only_when_its_checksum_matches() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let home = Tree::new();
    let good = fake_release(false);
    let r = run_install(good.path(), home.path());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let dir = std::fs::read_to_string(home.path().join("path")).expect("GITHUB_PATH written");
    let bin = Path::new(dir.trim()).join("sfleaks");
    let v = std::process::Command::new(&bin)
        .arg("--version")
        .output()
        .expect("installed binary runs");
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("sfleaks "));

    let home = Tree::new();
    let bad = fake_release(true);
    let r = run_install(bad.path(), home.path());
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("checksum"), "{}", r.stderr);
    assert!(
        std::fs::read_to_string(home.path().join("path"))
            .unwrap_or_default()
            .is_empty(),
        "nothing put on the PATH"
    );

    // no release of that version: told, and (building disabled here) a failure, not a guess
    let home = Tree::new();
    let none = Tree::new();
    let r = run_install(none.path(), home.path());
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("v9.9.9"), "{}", r.stderr);
}
