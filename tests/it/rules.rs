//! `sfleaks rules` and `--rules FILE`.

use super::util::*;

const EXTRA_RULE: &str = r#"
[[rule]]
id = "acme-internal-token"
description = "Acme's internal integration token"
severity = "high"
keywords = ["acmetok_"]
remediation = "Revoke it in the Acme admin console."
examples = ["token = acmetok_9f8e7d6c5b4a39281706"]
negative_examples = ["token = acmetok_"]
[[rule.pattern]]
regex = '(?P<secret>acmetok_[0-9a-f]{20})'
"#;

#[test]
fn rules_lists_every_builtin_rule() {
    let r = run(&root(), &["rules"]);
    assert_eq!(r.code, 0);
    for id in [
        "salesforce-consumer-secret",
        "salesforce-consumer-key",
        "salesforce-password-flow",
        "salesforce-access-token",
        "salesforce-refresh-token",
        "salesforce-sfdx-auth-url",
    ] {
        assert!(r.stdout.contains(id), "{id} missing");
    }
}

#[test]
fn rules_check_passes_for_the_builtin_pack() {
    let r = run(&root(), &["rules", "--check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("0 failed"));
}

#[test]
fn extra_rules_file_adds_a_rule_to_scan_and_check() {
    let tree = Tree::new();
    tree.write("extra.toml", EXTRA_RULE);
    tree.write("src/app.txt", "token = acmetok_7c1e9a04b83f5d26e0a1\n");
    let r = run(
        tree.path(),
        &["scan", "--rules", "extra.toml", "--format", "json", "src"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["findings"][0]["rule"], "acme-internal-token");
    let r = run(tree.path(), &["rules", "--rules", "extra.toml", "--check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn rule_that_misses_its_example_fails_the_check() {
    let tree = Tree::new();
    tree.write(
        "extra.toml",
        EXTRA_RULE.replace("acmetok_9f8e", "acmetok_zz8e"),
    );
    let r = run(tree.path(), &["rules", "--rules", "extra.toml", "--check"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("acme-internal-token") && r.stdout.contains("misses example"));
}

#[test]
fn bad_rule_file_is_exit_2_naming_file_and_rule() {
    let tree = Tree::new();
    tree.write(
        "bad.toml",
        EXTRA_RULE.replace("(?P<secret>acmetok_", "(?P<secret>acmetok_[("),
    );
    tree.write(
        "dup.toml",
        EXTRA_RULE.replace("acme-internal-token", "salesforce-consumer-key"),
    );
    tree.write("broken.toml", "[[rule]\nid = ");
    for (file, words) in [
        ("bad.toml", vec!["bad.toml", "acme-internal-token", "regex"]),
        (
            "dup.toml",
            vec!["dup.toml", "salesforce-consumer-key", "duplicate"],
        ),
        ("broken.toml", vec!["broken.toml"]),
        ("missing.toml", vec!["missing.toml"]),
    ] {
        let r = run(tree.path(), &["scan", "--rules", file, "."]);
        assert_eq!(r.code, 2, "{file}");
        assert_eq!(r.stderr.trim().lines().count(), 1, "{file}: {}", r.stderr);
        for w in words {
            assert!(r.stderr.contains(w), "{file}: '{w}' not in {}", r.stderr);
        }
    }
}
