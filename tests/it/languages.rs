//! One fixture per language and format from the shared reference: every leak is found, at the
//! value's line and column, with the right rule and severity, and nothing else is reported.

use super::util::*;

/// (fixture under testdata/leaks, rule, severity, the secret value whose position is checked)
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    (
        "apex/TokenService.cls",
        "salesforce-consumer-secret",
        "critical",
        HEX6,
    ),
    (
        "csharp/SalesforceClient.cs",
        "salesforce-consumer-secret",
        "critical",
        DIG2,
    ),
    (
        "csharp/SalesforceClient.cs",
        "salesforce-password-flow",
        "critical",
        PW2_WITH_TOKEN,
    ),
    ("env/.env", "salesforce-consumer-secret", "high", HEX3),
    ("env/.env", "salesforce-password-flow", "critical", PW4),
    ("env/.env", "salesforce-password-flow", "critical", TOKEN4),
    ("env/.env", "salesforce-refresh-token", "critical", REFRESH1),
    (
        "env/.env",
        "salesforce-sfdx-auth-url",
        "critical",
        "force://PlatformCLI::",
    ),
    (
        "go/salesforce.go",
        "salesforce-consumer-secret",
        "critical",
        HEX4,
    ),
    (
        "java/SalesforceAuth.java",
        "salesforce-consumer-secret",
        "critical",
        HEX3,
    ),
    (
        "js/jsforce_client.js",
        "salesforce-consumer-secret",
        "critical",
        HEX2,
    ),
    (
        "json/Salesforce.postman_collection.json",
        "salesforce-consumer-secret",
        "critical",
        HEX4,
    ),
    (
        "json/explore.ipynb",
        "salesforce-consumer-secret",
        "critical",
        HEX5,
    ),
    (
        "json/sf-config.json",
        "salesforce-consumer-secret",
        "critical",
        DIG1,
    ),
    (
        "properties/application.properties",
        "salesforce-consumer-secret",
        "critical",
        DIG3,
    ),
    (
        "python/client_credentials.py",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "python/simple_salesforce_login.py",
        "salesforce-password-flow",
        "critical",
        PW1,
    ),
    (
        "python/simple_salesforce_login.py",
        "salesforce-password-flow",
        "critical",
        TOKEN1,
    ),
    (
        "ruby/restforce_client.rb",
        "salesforce-consumer-secret",
        "high",
        HEX5,
    ),
    (
        "ruby/restforce_client.rb",
        "salesforce-password-flow",
        "critical",
        PW3,
    ),
    (
        "ruby/restforce_client.rb",
        "salesforce-password-flow",
        "critical",
        TOKEN3,
    ),
    (
        "shell/get_token.sh",
        "salesforce-consumer-secret",
        "critical",
        HEX7,
    ),
    (
        "tokens/session.http",
        "salesforce-access-token",
        "high",
        ACCESS1,
    ),
    (
        "ts/sfClient.ts",
        "salesforce-consumer-secret",
        "critical",
        DIG1,
    ),
    (
        "xml/force-app/main/default/connectedApps/Sync.connectedApp-meta.xml",
        // the metadata rule is scoped to these files, so it wins over the general one
        "salesforce-metadata-secret",
        "high",
        HEX6,
    ),
    (
        "xml/mule-salesforce.xml",
        "salesforce-password-flow",
        "critical",
        PW1,
    ),
    (
        "xml/mule-salesforce.xml",
        "salesforce-password-flow",
        "critical",
        TOKEN1,
    ),
    (
        "yaml/k8s-secret.yaml",
        "salesforce-consumer-secret",
        "high",
        HEX2,
    ),
    (
        "yaml/mule-properties.yaml",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
    (
        "more/Auth.kt",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "more/Config.java",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
    (
        "more/Config.java",
        "salesforce-password-flow",
        "critical",
        PW5,
    ),
    (
        "more/appsettings.json",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
    (
        "more/basic.sh",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "more/beans.xml",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "more/build.properties",
        "salesforce-password-flow",
        "critical",
        PW5,
    ),
    (
        "more/deploy.yaml",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
    (
        "more/login.php",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "more/login.php",
        "salesforce-password-flow",
        "critical",
        PW5,
    ),
    ("more/main.tf", "salesforce-consumer-secret", "high", DIG1),
    (
        "more/settings.py",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
    (
        "more/token.ps1",
        "salesforce-consumer-secret",
        "critical",
        HEX1,
    ),
    (
        "more/url.txt",
        "salesforce-consumer-secret",
        "critical",
        DIG1,
    ),
    ("more/url.txt", "salesforce-password-flow", "critical", PW5),
    (
        "more/web.config",
        "salesforce-consumer-secret",
        "high",
        HEX1,
    ),
];

#[test]
fn every_language_fixture_reports_exactly_its_leaks() {
    let root = root();
    let r = run(&root, &["scan", "--format", "json", "testdata/leaks"]);
    assert_eq!(r.code, 1, "leaks fail the build; stderr: {}", r.stderr);
    let got = summary(&r.json());
    let mut want: Vec<_> = EXPECTED
        .iter()
        .map(|(file, rule, sev, secret)| {
            let rel = format!("testdata/leaks/{file}");
            let (line, col) = position_of(&root.join(&rel), secret);
            (rel, rule.to_string(), sev.to_string(), line, col)
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn evidence_names_the_key_the_endpoint_and_the_grant_type() {
    let r = run(
        &root(),
        &[
            "scan",
            // a single file's scan root is the working directory: keep this repository's
            // own .sfleaks.toml (which allowlists testdata/) out of it
            "--config",
            "/dev/null",
            "--format",
            "json",
            "testdata/leaks/python/client_credentials.py",
        ],
    );
    let report = r.json();
    let f = &report["findings"][0];
    let kinds: Vec<(&str, u64)> = f["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or(""),
                e["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for want in [
        ("token-endpoint", 4),
        ("grant-client-credentials", 9),
        ("consumer-key", 10),
        ("my-domain", 4),
    ] {
        assert!(kinds.contains(&want), "{want:?} missing from {kinds:?}");
    }
    let key_text = f["evidence"]
        .as_array()
        .and_then(|ev| ev.iter().find(|e| e["kind"] == "consumer-key"))
        .and_then(|e| e["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        key_text.starts_with("3MVG9") && key_text.ends_with('…') && key_text.len() < KEY1.len()
    );
    assert!(f["rationale"].as_str().unwrap_or("").contains("critical"));
    assert!(f["remediation"]
        .as_str()
        .unwrap_or("")
        .contains("Rotate the consumer secret"));
}

#[test]
fn look_alikes_raise_nothing_above_low() {
    let r = run(&root(), &["scan", "--format", "json", "testdata/clean"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let got = summary(&r.json());
    let loud: Vec<_> = got
        .iter()
        .filter(|(_, _, sev, _, _)| sev != "info" && sev != "low")
        .collect();
    assert!(loud.is_empty(), "false alarms: {loud:?}");
    // the only reports are the keys without secrets and the public / documentation values
    let expected = vec![
        (
            "testdata/clean/bootconfig.xml",
            "salesforce-consumer-key",
            "info",
        ),
        (
            "testdata/clean/code/ids.py",
            "salesforce-consumer-key",
            "low",
        ),
        ("testdata/clean/docs.md", "salesforce-access-token", "info"),
        ("testdata/clean/hashes.go", "salesforce-consumer-key", "low"),
        ("testdata/clean/ids.java", "salesforce-consumer-key", "low"),
    ];
    let got: Vec<_> = got
        .iter()
        .map(|(p, r, s, _, _)| (p.as_str(), r.as_str(), s.as_str()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn each_placeholder_kind_stays_quiet_next_to_a_real_context() {
    // each value sits where a real secret would be critical
    let context = "TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n\
                   GRANT = {'grant_type': 'client_credentials'}\n";
    let values = [
        "os.environ['SF_CLIENT_SECRET']",
        "process.env.SF_CLIENT_SECRET",
        "'${SF_CLIENT_SECRET}'",
        "'%SF_CLIENT_SECRET%'",
        "'{{client_secret}}'",
        "'<your consumer secret>'",
        "'YOUR_CONSUMER_SECRET'",
        "'changeme'",
        "'xxxxxxxxxxxxxxxxxxxx'",
        "'ZZZZZZZZZZZZZZZZZZZZ'",
        "'${secure::sf.client.secret}'",
    ];
    let tree = Tree::new();
    for (i, v) in values.iter().enumerate() {
        tree.write(
            &format!("p{i}.py"),
            format!("{context}client_secret = {v}\n"),
        );
    }
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(summary(&r.json()), vec![], "{}", r.stdout);
    assert_eq!(r.code, 0);
}

#[test]
fn secret_alone_with_only_naming_is_high_and_with_token_call_is_critical() {
    let tree = Tree::new();
    tree.write("a.py", format!("SALESFORCE_CLIENT_SECRET = '{HEX1}'\n"));
    tree.write(
        "b.py",
        format!(
            "SALESFORCE_CLIENT_SECRET = '{HEX1}'\nrequests.post(base + '/services/oauth2/token')\n"
        ),
    );
    tree.write(
        "c.py",
        format!(
            "CLIENT_SECRET = '{HEX1}'\nsf = {{'grant_type': 'password', 'client_id': '{KEY2}'}}\n"
        ),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let got: Vec<_> = summary(&r.json())
        .into_iter()
        .map(|(p, r, s, _, _)| (p, r, s))
        .collect();
    let f = |p: &str, s: &str| {
        (
            format!("./{p}"),
            "salesforce-consumer-secret".to_string(),
            s.to_string(),
        )
    };
    assert_eq!(
        got,
        vec![
            f("a.py", "high"),
            f("b.py", "critical"),
            f("c.py", "critical")
        ]
    );
}

#[test]
fn key_alone_is_low_and_does_not_fail_the_build() {
    let tree = Tree::new();
    tree.write("k.env", format!("SF_CLIENT_ID={KEY3}\n"));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0);
    let got = summary(&r.json());
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].1.as_str(), got[0].2.as_str()),
        ("salesforce-consumer-key", "low")
    );
    let r = run(tree.path(), &["scan", "--fail-on", "low", "."]);
    assert_eq!(r.code, 1);
}

#[test]
fn non_salesforce_consumer_secrets_are_not_reported() {
    let tree = Tree::new();
    tree.write(
        "twitter.py",
        format!("consumer_secret = '{HEX2}'\naccess_token_secret = '{HEX3}'\n"),
    );
    tree.write(
        "auth0.env",
        format!("AUTH0_CLIENT_SECRET={HEX4}\nGRANT_TYPE=client_credentials\n"),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(summary(&r.json()), vec![]);
}
