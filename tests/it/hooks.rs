//! The pre-commit framework for real (ignored: needs `pre-commit` from PyPI; `.ci/run`
//! installs it and runs these): this repository's `.pre-commit-hooks.yaml` in a temporary
//! repository blocks a leaking commit, lets a clean one through, and scans every tracked file
//! with `pre-commit run --all-files`.

use super::git::{git_in, Repo};
use super::util::*;
use std::path::{Path, PathBuf};
use std::process::Command as Proc;

/// `pre-commit`: SFLEAKS_TEST_PRE_COMMIT, else the one on PATH.
fn pre_commit() -> PathBuf {
    if let Some(p) = std::env::var_os("SFLEAKS_TEST_PRE_COMMIT") {
        return PathBuf::from(p);
    }
    let found = Proc::new("pre-commit").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: pip install pre-commit, or set SFLEAKS_TEST_PRE_COMMIT"
    );
    PathBuf::from("pre-commit")
}

/// A hooks repository holding this repository's hook definitions, committed; its HEAD.
fn hooks_repo() -> (Repo, String) {
    let hooks = Repo::new();
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks file");
    hooks.write(".pre-commit-hooks.yaml", text);
    let rev = hooks.commit("hooks", "Alice", "2024-06-01T10:00:00+00:00");
    (hooks, rev)
}

/// PATH with the built binary first.
fn path_with_sfleaks() -> String {
    let bin = assert_cmd::cargo::cargo_bin("sfleaks");
    let dir = bin.parent().expect("binary has a directory");
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs a command in `dir` with the isolated git identity, the built sfleaks on PATH and a
/// pre-commit cache of the test's own.
fn run_in(dir: &Path, cache: &Path, program: &Path, args: &[&str]) -> Run {
    run_with(dir, cache, program, args, &[])
}

/// The same with more environment variables.
fn run_with(dir: &Path, cache: &Path, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Proc::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env("PATH", path_with_sfleaks())
        .env("PRE_COMMIT_HOME", cache)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@acme.example")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@acme.example")
        .output()
        .expect("runs");
    Run::of(&out)
}

#[test]
#[ignore = "needs pre-commit (PyPI); .ci/run installs it"]
fn the_pre_commit_framework_blocks_a_leak_and_scans_every_file_with_all_files() {
    let pc = pre_commit();
    let (hooks, rev) = hooks_repo();
    let cache = Tree::new();
    let project = Repo::new();
    project.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sfleaks-system\n",
            hooks.path().display()
        ),
    );
    project.write("README.md", "hello\n");
    project.commit("initial", "Alice", "2024-06-01T10:00:00+00:00");
    let r = run_in(project.path(), cache.path(), &pc, &["install"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let git = Path::new("git");

    // a clean commit passes through the hook
    project.write("src/app.py", "print('clean')\n");
    project.git(&["add", "-A"]);
    let r = run_in(
        project.path(),
        cache.path(),
        git,
        &["commit", "-q", "-m", "clean"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let said = |r: &Run| format!("{}{}", r.stdout, r.stderr);
    assert!(said(&r).contains("Passed"), "the hook ran: {}", said(&r));

    // a leak is blocked, and the commit is not made
    let head = project.git(&["rev-parse", "HEAD"]);
    project.write(
        "config/sf.env",
        format!("SF_CLIENT_ID={KEY1}\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    project.git(&["add", "-A"]);
    let r = run_in(
        project.path(),
        cache.path(),
        git,
        &["commit", "-q", "-m", "leak"],
    );
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        said(&r).contains("Failed") && said(&r).contains("config/sf.env"),
        "{}",
        said(&r)
    );
    assert!(
        !said(&r).contains(HEX1),
        "the secret is redacted: {}",
        said(&r)
    );
    assert_eq!(project.git(&["rev-parse", "HEAD"]), head);

    // an unstaged leak beside staged clean content: pre-commit checks what is staged
    project.git(&["reset", "-q"]);
    std::fs::remove_file(project.path().join("config/sf.env")).expect("remove");
    project.write("src/app.py", "print('clean, v2')\n");
    project.git(&["add", "src/app.py"]);
    project.write(
        "src/app.py",
        format!("print('clean, v2')\nSECRET = '{HEX2}'  # salesforce client_secret\n"),
    );
    let r = run_in(
        project.path(),
        cache.path(),
        git,
        &["commit", "-q", "-m", "v2"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    project.git(&["checkout", "-q", "--", "src/app.py"]);

    // a leak committed without the hook is found by --all-files, in a subdirectory too
    project.write(
        "deploy/nested/settings.properties",
        format!("sf.consumer.key={KEY2}\nsf.consumer.secret={HEX3}\n"),
    );
    project.git(&["add", "-A"]);
    git_in(
        project.path(),
        &["commit", "-q", "--no-verify", "-m", "sneaked in"],
    );
    let r = run_in(project.path(), cache.path(), &pc, &["run", "--all-files"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        said(&r).contains("deploy/nested/settings.properties"),
        "{}",
        said(&r)
    );
    // and only the hook's files: a clean tree passes
    std::fs::remove_file(project.path().join("deploy/nested/settings.properties")).expect("remove");
    project.git(&["add", "-A"]);
    git_in(
        project.path(),
        &["commit", "-q", "--no-verify", "-m", "removed"],
    );
    let r = run_in(project.path(), cache.path(), &pc, &["run", "--all-files"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
#[ignore = "needs pre-commit and a release build of this repository's HEAD (minutes); .ci/run runs it last"]
fn the_rust_hook_builds_this_repository_and_blocks_a_leak() {
    let pc = pre_commit();
    let rev = git_in(&root(), &["rev-parse", "HEAD"]);
    let cache = Tree::new();
    let project = Repo::new();
    project.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sfleaks\n",
            root().display()
        ),
    );
    project.write(
        "deploy/sf.env",
        format!("SF_CLIENT_ID={KEY1}\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    project.commit("leak", "Alice", "2024-06-01T10:00:00+00:00");
    // pre-commit builds the hook with `cargo install --path` of its clone at that commit; in
    // a target directory of its own (the one running this test is locked), without LTO to
    // save minutes: the hook's plumbing is under test, not the release profile
    let target = root().join("target/pre-commit-hook");
    let target = target.to_string_lossy();
    let env = [
        ("CARGO_TARGET_DIR", target.as_ref()),
        ("CARGO_PROFILE_RELEASE_LTO", "false"),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
    ];
    let r = run_with(
        project.path(),
        cache.path(),
        &pc,
        &["run", "--all-files"],
        &env,
    );
    let said = format!("{}{}", r.stdout, r.stderr);
    assert_ne!(r.code, 0, "{said}");
    assert!(
        said.contains("deploy/sf.env") && said.contains("Failed"),
        "{said}"
    );
}
