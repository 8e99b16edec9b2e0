//! Precision on real-world shapes: one test per class of false alarm that the histories of
//! Salesforce-ecosystem repositories raised (testdata/precision/<class>/), each with the
//! control that must stay loud. Every fixture value is synthetic, or a value Salesforce
//! publishes in its documentation.

use super::util::*;

/// Scans one folder of testdata/precision: (path under it, rule without its prefix, severity).
fn scan(class: &str) -> Vec<(String, String, String)> {
    let dir = format!("testdata/precision/{class}");
    let r = scan_fixture(&dir, &[]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    summary(&r.json())
        .into_iter()
        .map(|(p, rule, sev, _, _)| {
            let p = p.trim_start_matches(&format!("{dir}/")).to_string();
            (p, rule.trim_start_matches("salesforce-").to_string(), sev)
        })
        .collect()
}

/// The findings at high or critical.
fn loud(found: &[(String, String, String)]) -> Vec<&(String, String, String)> {
    found
        .iter()
        .filter(|(_, _, s)| s == "high" || s == "critical")
        .collect()
}

fn has(found: &[(String, String, String)], path: &str, rule: &str, sev: &str) -> bool {
    found
        .iter()
        .any(|(p, r, s)| p == path && r == rule && s == sev)
}

#[test]
fn names_lists_in_a_minified_bundle_or_source_map_are_not_secrets() {
    let found = scan("minified");
    let loud = loud(&found);
    // the one real pair, written next to its token request, stays critical
    assert_eq!(loud.len(), 1, "{found:?}");
    assert!(has(
        &found,
        "dist/leak.min.js",
        "consumer-secret",
        "critical"
    ));
}

#[test]
fn test_fixtures_are_low_and_a_test_orgs_refresh_token_stays_critical() {
    let found = scan("tests");
    for (path, rule) in [
        ("test/unit/authInfo.test.ts", "sfdx-auth-url"),
        ("test/unit/authInfo.test.ts", "access-token"),
        ("test/unit/authInfo.test.ts", "consumer-secret"),
        ("test/unit/jwt.test.js", "jwt-private-key"),
    ] {
        assert!(has(&found, path, rule, "low"), "{path} {rule}: {found:?}");
    }
    // `'myClientSecret'`, `'12345.abcde'`: dummies, not even low
    assert!(
        !found
            .iter()
            .any(|(p, r, _)| p.ends_with("test_login.py") && r == "consumer-secret"),
        "{found:?}"
    );
    assert_eq!(
        loud(&found),
        vec![&(
            "src/test/java/acme/TestCredentials.java".to_string(),
            "refresh-token".to_string(),
            "critical".to_string()
        )]
    );
}

#[test]
fn generated_api_docs_name_properties_not_values() {
    let found = scan("docs");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn salesforce_documentation_and_cli_values_are_info() {
    let found = scan("public");
    assert!(loud(&found).is_empty(), "{found:?}");
    assert!(has(&found, "README.md", "consumer-secret", "info"));
    assert!(has(&found, "README.md", "access-token", "info"));
    assert!(has(&found, "authInfo.js", "consumer-secret", "info"));
    // the two documented secrets are both there, at info
    let secrets = found
        .iter()
        .filter(|(p, r, _)| p == "README.md" && r == "consumer-secret");
    assert_eq!(secrets.count(), 2, "{found:?}");
}

#[test]
fn placeholders_in_words_and_dummy_siblings_are_not_loud() {
    let found = scan("placeholders");
    assert!(loud(&found).is_empty(), "{found:?}");
    // a random password beside `username: 'admin'` is reported, but low
    assert!(has(&found, "sf.yml", "password-flow", "low"), "{found:?}");
}

#[test]
fn names_prompts_and_options_are_not_values() {
    let found = scan("names");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn another_providers_secret_is_not_salesforces() {
    let found = scan("providers");
    assert!(loud(&found).is_empty(), "{found:?}");
}

#[test]
fn checksums_beside_a_consumer_key_are_not_secrets() {
    let found = scan("hashes");
    assert!(
        found
            .iter()
            .all(|(_, r, s)| r == "consumer-key" && s == "low"),
        "{found:?}"
    );
}
