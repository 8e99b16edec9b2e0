//! Salesforce depth on a small SFDX project: connected-app posture, secrets in metadata,
//! decoded credentials, JWT keys, documentation values, risk scores.

use super::util::*;
use serde_json::Value;

const APPS: &str = "testdata/sfdx/force-app/main/default";

fn scan_sfdx() -> Vec<Value> {
    let r = run(&root(), &["scan", "--format", "json", "testdata/sfdx"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("Broken.connectedApp-meta.xml") && r.stderr.contains("XML"),
        "a malformed metadata file is a warning: {}",
        r.stderr
    );
    r.json()["findings"].as_array().cloned().unwrap_or_default()
}

fn one<'a>(all: &'a [Value], path: &str, rule: &str) -> &'a Value {
    let hits: Vec<&Value> = all
        .iter()
        .filter(|f| f["path"] == path && f["rule"] == rule)
        .collect();
    assert_eq!(hits.len(), 1, "{path} {rule}: {all:#?}");
    hits[0]
}

fn evidence(f: &Value, kind: &str) -> Option<String> {
    f["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["kind"] == kind)
        .and_then(|e| e["text"].as_str().map(str::to_string))
}

#[test]
fn posture_is_medium_and_high_when_ip_ranges_are_bypassed_or_scope_is_full() {
    let all = scan_sfdx();
    let rule = "salesforce-connected-app-client-credentials";
    let on = one(
        &all,
        &format!("{APPS}/connectedApps/CcOn.connectedApp-meta.xml"),
        rule,
    );
    let path = root().join(format!("{APPS}/connectedApps/CcOn.connectedApp-meta.xml"));
    let (line, _) = position_of(&path, "<isClientCredentialEnabled>true");
    assert_eq!(on["line"].as_u64(), Some(line));
    assert_eq!(on["severity"], "medium");
    assert_eq!(
        evidence(on, "run-as-user").as_deref(),
        Some("integration@acme.example")
    );
    assert_eq!(evidence(on, "scopes").as_deref(), Some("Api, RefreshToken"));
    assert_eq!(
        on["secret"], "isClientCredentialEnabled=true",
        "a setting is shown in full"
    );
    assert!(on["remediation"]
        .as_str()
        .unwrap_or("")
        .contains("JWT bearer"));

    let open = one(
        &all,
        &format!("{APPS}/connectedApps/CcOpen.connectedApp-meta.xml"),
        rule,
    );
    assert_eq!(open["severity"], "high");
    assert_eq!(evidence(open, "ip-relaxation").as_deref(), Some("BYPASS"));
    assert_eq!(evidence(open, "scopes").as_deref(), Some("Full"));
    assert!(open["rationale"]
        .as_str()
        .unwrap_or("")
        .contains("raised to high"));

    let eca = one(
        &all,
        &format!("{APPS}/extlClntAppOauthPolicies/Partner.ecaOauthPlcy-meta.xml"),
        rule,
    );
    assert_eq!(eca["severity"], "medium");
    assert_eq!(
        evidence(eca, "run-as-user").as_deref(),
        Some("partner-api@acme.example")
    );

    // the flow disabled: no posture finding, and its committed consumer key is not a leak
    assert!(!all
        .iter()
        .any(|f| f["path"].as_str().unwrap_or("").contains("CcOff")));
}

#[test]
fn secrets_in_metadata_are_found_with_their_own_rule() {
    let all = scan_sfdx();
    let rule = "salesforce-metadata-secret";
    let cases = [
        (
            "connectedApps/WithSecret.connectedApp-meta.xml",
            "critical",
            "F39F…",
        ),
        (
            "extlClntAppGlobalOauthSets/Partner.ecaGlblOauth-meta.xml",
            "high",
            "45EE…",
        ),
        (
            "authproviders/Google.authprovider-meta.xml",
            "high",
            "GOCS…",
        ),
        (
            "namedCredentials/Erp.namedCredential-meta.xml",
            "high",
            "Xk29…",
        ),
    ];
    for (file, severity, secret) in cases {
        let f = one(&all, &format!("{APPS}/{file}"), rule);
        assert_eq!(f["severity"], severity, "{file}");
        assert_eq!(f["secret"], secret, "{file}");
    }
    let crit = one(
        &all,
        &format!("{APPS}/connectedApps/WithSecret.connectedApp-meta.xml"),
        rule,
    );
    assert!(crit["cvss"].as_f64().unwrap_or(0.0) >= 9.0);
    // the merge-field placeholder in a named credential is not a secret
    assert!(!all.iter().any(|f| f["path"]
        .as_str()
        .unwrap_or("")
        .contains("Safe.namedCredential")));
}

#[test]
fn basic_auth_header_decoding_to_a_key_and_secret_is_critical_next_to_its_grant() {
    let all = scan_sfdx();
    let f = one(
        &all,
        "testdata/sfdx/scripts/token.http",
        "salesforce-consumer-secret",
    );
    assert_eq!(f["severity"], "critical");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(22))
    );
    assert_eq!(f["secret"], "M01W…");
    assert!(evidence(f, "decoded-consumer-key")
        .is_some_and(|k| k.starts_with("3MVG9") && k.ends_with('…')));
    let cvss = f["cvss"].as_f64().unwrap_or(0.0);
    assert!((9.0..=10.0).contains(&cvss), "{cvss}");
}

#[test]
fn jwt_key_is_reported_in_an_sfdx_project_and_not_elsewhere() {
    let all = scan_sfdx();
    let f = one(
        &all,
        "testdata/sfdx/config/server.key",
        "salesforce-jwt-private-key",
    );
    assert_eq!(f["severity"], "high");
    assert!(f["rationale"]
        .as_str()
        .unwrap_or("")
        .contains("Salesforce DX project"));
    let r = run(
        &root(),
        &["scan", "--format", "json", "testdata/clean/keys"],
    );
    let doc = r.json();
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        doc["stats"]["skipped_binary"], 1,
        "a keystore outside a project is binary"
    );
    // a binary keystore in the project is reported whole, by its content's hash
    let p12 = one(
        &all,
        "testdata/sfdx/config/jwt.p12",
        "salesforce-jwt-private-key",
    );
    assert_eq!(
        (p12["line"].as_u64(), p12["severity"].as_str()),
        (Some(1), Some("high"))
    );
    // a key with the JWT login next to it, outside any project
    let tree = Tree::new();
    let pem = std::fs::read_to_string(root().join("testdata/sfdx/config/server.key")).expect("key");
    tree.write(
        "ci/login.sh",
        format!("sf org login jwt --jwt-key-file key.pem\ncat > key.pem <<'KEY'\n{pem}KEY\n"),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(
        r.json()["findings"][0]["rule"],
        "salesforce-jwt-private-key"
    );
}

#[test]
fn documentation_values_stay_at_info() {
    let all = scan_sfdx();
    let f = one(&all, "testdata/sfdx/docs/api.md", "salesforce-access-token");
    assert_eq!(f["severity"], "info");
    assert_eq!(f["cvss"].as_f64(), Some(0.0));
    assert!(!all
        .iter()
        .any(|f| f["path"].as_str().unwrap_or("").contains("mule.properties")));
}

#[test]
fn percent_encoded_values_are_decoded_before_matching() {
    let tree = Tree::new();
    tree.write(
        "token.sh",
        "# salesforce\ncurl https://acme.my.salesforce.com/services/oauth2/token \\\n  -d 'grant_type=password&username=api%40acme.example&password=Xk29%2Bdkq0vB71%21'\n",
    );
    tree.write("fake.sh", "# salesforce\ncurl -d 'grant_type=password&password=changeme%21%21' https://x.my.salesforce.com/services/oauth2/token\n");
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--show-secrets", "."],
    );
    let f = r.json()["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["secret"], "Xk29+dkq0vB71!");
    assert_eq!(f[0]["path"], "./token.sh");
}

#[test]
fn every_finding_carries_cvss_rationale_and_remediation() {
    let r = run(&root(), &["scan", "--format", "json", "testdata/leaks"]);
    for f in r.json()["findings"].as_array().cloned().unwrap_or_default() {
        let cvss = f["cvss"].as_f64().unwrap_or(-1.0);
        let band = match f["severity"].as_str().unwrap_or("") {
            "critical" => 9.0..=10.0,
            "high" => 7.0..=8.9,
            "medium" => 4.0..=6.9,
            "low" => 0.1..=3.9,
            _ => 0.0..=0.0,
        };
        assert!(
            band.contains(&cvss),
            "{} {}: {cvss}",
            f["path"],
            f["severity"]
        );
        assert!(!f["rationale"].as_str().unwrap_or("").is_empty());
        assert!(!f["remediation"].as_str().unwrap_or("").is_empty());
    }
    let r = run(
        &root(),
        &["explain", "salesforce-connected-app-client-credentials"],
    );
    assert!(r.stdout.contains("cvss 5.4") && r.stdout.contains("Disable Client Credentials Flow"));
}
