//! CI formats and suppressions: SARIF against the OASIS schema, JSON Lines, baselines, inline
//! allows, the config file and option precedence, `explain`.

use super::util::*;
use serde_json::Value;
use std::collections::BTreeSet;

pub(super) fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("testdata/schemas/sarif-schema-2.1.0.json"))
        .expect("schema vendored in testdata");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

/// Fails the test unless `doc` validates against the SARIF 2.1.0 schema.
pub fn assert_valid_sarif(doc: &Value) {
    let v = sarif_validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
}

fn leak_tree() -> Tree {
    let tree = Tree::new();
    tree.write(
        "src/sync.py",
        format!(
            "TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n\
             data = {{'grant_type': 'client_credentials', 'client_id': '{KEY1}',\n\
             \x20       'client_secret': '{HEX1}'}}\n"
        ),
    );
    tree.write(
        "config/app.env",
        format!("SF_CLIENT_SECRET={HEX2}\nSF_PASSWORD={PW1}\n"),
    );
    tree
}

/// "path rule" of every finding in a JSON report.
fn path_rules(doc: &Value) -> BTreeSet<String> {
    doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let (p, r) = (f["path"].as_str(), f["rule"].as_str());
            format!("{} {}", p.unwrap_or(""), r.unwrap_or(""))
        })
        .collect()
}

fn fingerprints(doc: &Value) -> BTreeSet<String> {
    doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn sarif_validates_and_carries_rules_levels_locations_and_fingerprints() {
    let tree = leak_tree();
    let r = run(tree.path(), &["scan", "--format", "sarif", "."]);
    assert_eq!(r.code, 1);
    let doc = r.json();
    assert_valid_sarif(&doc);
    let run0 = &doc["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.len() >= 6);
    let secret_rule = rules
        .iter()
        .find(|r| r["id"] == "salesforce-consumer-secret")
        .expect("descriptor");
    assert_eq!(secret_rule["properties"]["security-severity"], "8.0");
    assert_eq!(secret_rule["defaultConfiguration"]["level"], "error");
    assert!(secret_rule["help"]["text"]
        .as_str()
        .unwrap_or("")
        .contains("Rotate"));
    let key_rule = rules
        .iter()
        .find(|r| r["id"] == "salesforce-consumer-key")
        .expect("key rule");
    assert_eq!(key_rule["properties"]["security-severity"], "3.0");

    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let sync = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/sync.py")
        .expect("relative uri");
    assert_eq!(sync["ruleId"], "salesforce-consumer-secret");
    assert_eq!(sync["level"], "error");
    let region = &sync["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(27))
    );
    assert_eq!(sync["properties"]["severity"], "critical");
    assert_eq!(
        sync["partialFingerprints"]["sfleaks/v1"]
            .as_str()
            .map(str::len),
        Some(32)
    );
    let idx = sync["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[idx]["id"], "salesforce-consumer-secret");
    for secret in ALL_SECRETS {
        assert!(!r.stdout.contains(secret), "SARIF leaks {secret}");
    }
}

#[test]
fn sarif_of_a_history_scan_has_the_commit_and_validates() {
    let tree = leak_tree();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(tree.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "user.name=Eve", "-c", "user.email=eve@acme.example"])
            .args(args)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://ci-bot:ghp_n0tr34l@github.com/acme/sync.git",
    ]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "add sync"]);
    let r = run(tree.path(), &["history", "--format", "sarif"]);
    let doc = r.json();
    assert_valid_sarif(&doc);
    let res = &doc["runs"][0]["results"][0];
    assert_eq!(res["properties"]["commit"]["author"], "Eve");
    assert_eq!(res["properties"]["occurrences"], 1);
    let vcp = &doc["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vcp["repositoryUri"], "https://github.com/acme/sync.git");
    assert!(
        !r.stdout.contains("ghp_n0tr34l"),
        "remote credentials must not leak"
    );
}

#[test]
fn jsonl_is_one_finding_per_line_with_the_same_set_as_json() {
    let tree = leak_tree();
    let json = run(tree.path(), &["scan", "--format", "json", "."]);
    let lines = run(tree.path(), &["scan", "--format", "jsonl", "."]);
    assert_eq!(lines.code, 1);
    let parsed: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert_eq!(parsed.len(), 3);
    let from_lines: BTreeSet<String> = parsed
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(from_lines, fingerprints(&json.json()));
    for f in &parsed {
        for key in [
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "secret",
            "evidence",
            "remediation",
        ] {
            assert!(f.get(key).is_some(), "{key} missing");
        }
    }
}

#[test]
fn baseline_round_trip_hides_known_findings_and_fails_on_new_ones() {
    let tree = leak_tree();
    let r = run(
        tree.path(),
        &[
            "scan",
            "--format",
            "json",
            "-o",
            "baseline.json",
            "src",
            "config",
        ],
    );
    assert_eq!(r.code, 1);
    let r = run(
        tree.path(),
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "src",
            "config",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["stats"]["baselined"], 3);

    // moving the secret within the file and editing other lines keeps it hidden
    tree.write(
        "config/app.env",
        format!("# moved\nSF_LOGIN_URL=https://login.salesforce.com\nSF_PASSWORD={PW1}\n\nSF_CLIENT_SECRET={HEX2}\n"),
    );
    let r = run(
        tree.path(),
        &["scan", "--baseline", "baseline.json", "src", "config"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);

    // a different secret on the same line is new; so is a new leak elsewhere
    tree.write(
        "config/app.env",
        format!("# moved\nSF_LOGIN_URL=https://login.salesforce.com\nSF_PASSWORD={PW1}\n\nSF_CLIENT_SECRET={HEX3}\n"),
    );
    tree.write("src/new.env", format!("SF_REFRESH_TOKEN={REFRESH1}\n"));
    let r = run(
        tree.path(),
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "src",
            "config",
        ],
    );
    assert_eq!(r.code, 1);
    let rules: BTreeSet<String> = path_rules(&r.json());
    assert_eq!(
        rules,
        BTreeSet::from([
            "config/app.env salesforce-consumer-secret".to_string(),
            "src/new.env salesforce-refresh-token".to_string()
        ])
    );

    // JSON Lines and SARIF reports work as baselines too
    for format in ["jsonl", "sarif"] {
        let r = run(
            tree.path(),
            &["scan", "--format", format, "-o", "b2", "src", "config"],
        );
        assert_eq!(r.code, 1);
        let r = run(tree.path(), &["scan", "--baseline", "b2", "src", "config"]);
        assert_eq!(r.code, 0, "{format}: {}", r.stdout);
    }
    let r = run(tree.path(), &["scan", "--baseline", "missing.json", "."]);
    assert_eq!(r.code, 2);
}

#[test]
fn every_inline_marker_on_the_line_or_the_line_before() {
    let tree = Tree::new();
    let markers = [
        "sfleaks:allow",
        "gitleaks:allow",
        "pragma: allowlist secret",
        "trufflehog:ignore",
    ];
    for (i, m) in markers.iter().enumerate() {
        tree.write(
            &format!("same{i}.env"),
            format!("SF_CLIENT_SECRET={HEX1} # {m}\n"),
        );
        tree.write(
            &format!("before{i}.env"),
            format!("# {m}\nSF_CLIENT_SECRET={HEX1}\n"),
        );
    }
    tree.write(
        "two_lines_up.env",
        format!("# sfleaks:allow\n\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let doc = r.json();
    assert_eq!(doc["stats"]["suppressed"], 8);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        paths,
        vec!["./two_lines_up.env"],
        "a marker two lines up does not count"
    );
    let shown = run(
        tree.path(),
        &["scan", "--format", "json", "--show-suppressed", "."],
    )
    .json();
    let by: Vec<&str> = shown["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["suppressed_by"].as_str())
        .collect();
    assert_eq!(by.len(), 8);
    assert!(by.iter().all(|b| *b == "inline"));
}

#[test]
fn config_file_disables_rules_allowlists_and_adds_rules() {
    let tree = leak_tree();
    tree.write("fixtures/sample.env", format!("SF_CLIENT_SECRET={HEX3}\n"));
    tree.write(
        "src/tok.txt",
        format!("sid={ACCESS1}\ntoken = acmetok_7c1e9a04b83f5d26e0a1\n"),
    );
    tree.write(
        ".sfleaks.toml",
        format!(
            r#"disabled-rules = ["salesforce-password-flow"]

[allowlist]
paths = ["fixtures/**"]
values = ["{HEX2}"]
regexes = ["^00DXbVQ"]

[[rule]]
id = "acme-internal-token"
description = "Acme internal token"
severity = "high"
keywords = ["acmetok_"]
remediation = "Revoke it."
examples = ["acmetok_9f8e7d6c5b4a39281706"]
[[rule.pattern]]
regex = '(?P<secret>acmetok_[0-9a-f]{{20}})'
"#
        ),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let doc = r.json();
    let got: BTreeSet<String> = path_rules(&doc);
    assert_eq!(
        got,
        BTreeSet::from([
            "./src/sync.py salesforce-consumer-secret".to_string(),
            "./src/tok.txt acme-internal-token".to_string(),
        ]),
        "password rule disabled; fixtures/, the HEX2 value and the 00DXbVQ token allowlisted"
    );
    // fixtures/sample.env, the HEX2 value, the 00DXbVQ token, and the config file's own example
    assert_eq!(doc["stats"]["allowlisted"], 4);
    // the same config found from a subdirectory scan of the root, and named with --config
    let r = run(
        &tree.path().join("src"),
        &[
            "scan",
            "--config",
            "../.sfleaks.toml",
            "--format",
            "json",
            "..",
        ],
    );
    assert_eq!(r.json()["stats"]["allowlisted"], 4);
}

#[test]
fn command_line_overrides_the_config_file() {
    let tree = Tree::new();
    tree.write("a.env", format!("SF_CLIENT_SECRET={HEX1}\n")); // high
    tree.write(
        ".sfleaks.toml",
        "fail-on = \"critical\"\nmax-file-size = \"10\"\n",
    );
    // the file: critical threshold, and both files are over 10 bytes anyway
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["stats"]["skipped_large"], 2);
    // the command line wins for both
    let r = run(tree.path(), &["scan", "--max-file-size", "1M", "."]);
    assert_eq!(r.code, 0, "fail-on critical still from the file");
    let r = run(
        tree.path(),
        &["scan", "--max-file-size", "1M", "--fail-on", "high", "."],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn config_errors_are_exit_2_naming_the_key() {
    let cases = [
        ("fail_on = \"high\"\n", "fail_on"),
        ("fail-on = \"severe\"\n", "fail-on"),
        ("max-file-size = \"lots\"\n", "max-file-size"),
        ("disabled-rules = [\"no-such-rule\"]\n", "no-such-rule"),
        ("[allowlist]\npaths = [\"a/{b\"]\n", "allowlist.paths"),
        (
            "[allowlist]\nregexes = [\"(unclosed\"]\n",
            "allowlist.regexes",
        ),
        ("[allowlist]\nglobs = []\n", "globs"),
        ("fail-on = [1, 2\n", ".sfleaks.toml"),
    ];
    for (text, key) in cases {
        let tree = Tree::new();
        tree.write("a.txt", "nothing\n");
        tree.write(".sfleaks.toml", text);
        let r = run(tree.path(), &["scan", "."]);
        assert_eq!(r.code, 2, "{text}");
        assert_eq!(r.stderr.trim().lines().count(), 1, "{text}: {}", r.stderr);
        assert!(
            r.stderr.contains(key),
            "{text}: '{key}' not in {}",
            r.stderr
        );
        assert!(r.stderr.contains(".sfleaks.toml"), "{}", r.stderr);
    }
}

#[test]
fn explain_describes_a_rule_and_rejects_unknown_ids() {
    let r = run(&root(), &["explain", "salesforce-consumer-secret"]);
    assert_eq!(r.code, 0);
    for want in [
        "critical",
        "client credentials",
        "Rotate the consumer secret",
        "JWT bearer",
        "consumer-key",
    ] {
        assert!(r.stdout.contains(want), "'{want}' missing:\n{}", r.stdout);
    }
    let r = run(&root(), &["explain", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule 'nope'"));
}
