//! The command line as a user meets it: exit codes, formats, redaction, stdin, allows.

use super::util::*;

fn leak_tree() -> Tree {
    let tree = Tree::new();
    tree.write(
        "sub/sync.py",
        format!(
            "TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n\
             data = {{'grant_type': 'client_credentials',\n\
             \x20       'client_id': '{KEY1}',\n\
             \x20       'client_secret': '{HEX1}'}}\n"
        ),
    );
    tree
}

#[test]
fn exit_codes_clean_findings_and_errors() {
    let tree = Tree::new();
    tree.write("ok.txt", "nothing to see\n");
    assert_eq!(run(tree.path(), &["scan", "."]).code, 0);
    let leaks = leak_tree();
    assert_eq!(run(leaks.path(), &["scan", "."]).code, 1);
    assert_eq!(run(leaks.path(), &["scan", "--bogus-flag"]).code, 2);
    assert_eq!(
        run(leaks.path(), &["scan", "--fail-on", "severe", "."]).code,
        2
    );
}

#[test]
fn missing_path_is_exit_2_with_one_line_naming_it() {
    let tree = Tree::new();
    let r = run(tree.path(), &["scan", "no/such/dir"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
}

#[test]
fn fail_on_sets_the_threshold() {
    let tree = Tree::new();
    tree.write("a.env", format!("SF_CLIENT_SECRET={HEX2}\n")); // high, not critical
    assert_eq!(run(tree.path(), &["scan", "."]).code, 1);
    assert_eq!(
        run(tree.path(), &["scan", "--fail-on", "critical", "."]).code,
        0
    );
}

#[test]
fn json_report_has_the_documented_shape() {
    let tree = leak_tree();
    let r = run(tree.path(), &["scan", "--format", "json", "sub"]);
    let doc = r.json();
    assert_eq!(doc["version"], 1);
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "salesforce-consumer-secret");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["path"], "sub/sync.py");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(27))
    );
    assert!(f["commit"].is_null());
    assert_eq!(f["secret"], "EB4E…");
    assert_eq!(f["fingerprint"].as_str().map(str::len), Some(32));
    for key in ["message", "rationale", "remediation"] {
        assert!(!f[key].as_str().unwrap_or("").is_empty(), "{key}");
    }
    assert!(f["evidence"].as_array().is_some_and(|e| !e.is_empty()));
    for key in ["files", "bytes", "skipped", "elapsed_ms"] {
        assert!(doc["stats"][key].is_u64(), "stats.{key}");
    }
    assert_eq!(doc["stats"]["files"], 1);
}

#[test]
fn secrets_are_redacted_everywhere_unless_asked() {
    let root = root();
    for format in ["human", "json"] {
        let r = run(&root, &["scan", "--format", format, "testdata/leaks"]);
        for secret in ALL_SECRETS {
            assert!(!r.stdout.contains(secret), "{format} output leaks {secret}");
            assert!(!r.stderr.contains(secret), "{format} stderr leaks {secret}");
        }
    }
    let r = run(
        &root,
        &[
            "scan",
            "--show-secrets",
            "--format",
            "json",
            "testdata/leaks",
        ],
    );
    assert!(r.stdout.contains(HEX1) && r.stdout.contains(PW1));
}

#[test]
fn human_output_shows_place_severity_redacted_value_evidence_and_fix() {
    let tree = leak_tree();
    let r = run(tree.path(), &["scan", "."]);
    let out = &r.stdout;
    assert!(out.contains("CRITICAL"), "{out}");
    assert!(out.contains("salesforce-consumer-secret"));
    assert!(out.contains("sub/sync.py:4:27"), "{out}");
    assert!(out.contains("EB4E…") && !out.contains(HEX1));
    assert!(out.contains("evidence:") && out.contains("token-endpoint"));
    assert!(out.contains("fix:"));
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(r.stderr.contains("1 finding (1 critical)"), "{}", r.stderr);
    let coloured = run(tree.path(), &["scan", "--color", "always", "."]);
    assert!(coloured.stdout.contains("\x1b["));
}

#[test]
fn output_file_receives_the_report() {
    let tree = leak_tree();
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--output", "report.json", "sub"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(tree.path().join("report.json")).expect("report written");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn stdin_is_scanned_with_dash() {
    let tree = Tree::new();
    let r = run_with_stdin(
        tree.path(),
        &["scan", "--format", "json", "-"],
        &format!("SF_CLIENT_SECRET={HEX3}\n"),
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["findings"][0]["path"], "<stdin>");
    let empty = run_with_stdin(tree.path(), &["scan", "-"], "");
    assert_eq!(empty.code, 0);
}

#[test]
fn inline_allow_suppresses_and_counts() {
    let tree = Tree::new();
    tree.write(
        "a.env",
        format!("SF_CLIENT_SECRET={HEX1} # sfleaks:allow\n# gitleaks:allow\nSF_PASSWORD={PW1}\n"),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let doc = r.json();
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(doc["stats"]["suppressed"], 2);
    let shown = run(
        tree.path(),
        &["scan", "--format", "json", "--show-suppressed", "."],
    );
    assert_eq!(shown.code, 0);
    assert_eq!(shown.json()["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn output_is_deterministic_and_sorted() {
    let root = root();
    let strip = |mut v: serde_json::Value| {
        v["stats"]["elapsed_ms"] = 0.into();
        v
    };
    // as printed: one finding per secret, in the order of the place that speaks for it
    let a = strip(run(&root, &["scan", "--format", "json", "-j", "2", "testdata"]).grouped());
    let b = strip(run(&root, &["scan", "--format", "json", "-j", "1", "testdata"]).grouped());
    assert_eq!(a, b);
    let keys: Vec<(String, u64, u64)> = a["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn fingerprint_survives_moving_the_secret_but_not_changing_it() {
    let tree = Tree::new();
    let fp = |tree: &Tree| {
        run(tree.path(), &["scan", "--format", "json", "."]).json()["findings"][0]["fingerprint"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    tree.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let first = fp(&tree);
    tree.write(
        "a.env",
        format!("# moved down\n\nOTHER=1\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    assert_eq!(fp(&tree), first);
    tree.write("a.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    assert_ne!(fp(&tree), first);
}

#[test]
fn paths_are_reported_as_reached_from_the_argument() {
    let tree = leak_tree();
    let r = run(tree.path(), &["scan", "--format", "json", "./sub"]);
    assert_eq!(r.json()["findings"][0]["path"], "./sub/sync.py");
    let abs = tree.path().join("sub");
    let abs = abs.to_string_lossy();
    let r = run(tree.path(), &["scan", "--format", "json", &abs]);
    assert_eq!(r.json()["findings"][0]["path"], format!("{abs}/sync.py"));
}

/// The README's first command on this repository: its synthetic credentials are allowlisted
/// by its own `.sfleaks.toml`, so nothing at or above `low` is reported.
#[test]
fn scanning_this_repository_reports_nothing_at_or_above_low() {
    let r = run(
        &root(),
        &["scan", "--fail-on", "low", "--format", "json", "."],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.json()["stats"]["allowlisted"].as_u64() > Some(100));
}
