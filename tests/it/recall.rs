//! Recall on real-world shapes: one test per class of credential the Salesforce-ecosystem
//! histories and real code showed missed (testdata/recall/<class>/), each fixture a place a
//! credential really gets written, each value synthetic.

use super::git::Repo;
use super::util::*;
use serde_json::Value;

/// Scans one folder of testdata/recall: (path under it, rule without its prefix, severity,
/// secret), with secrets shown.
fn scan(class: &str) -> Vec<(String, String, String, String)> {
    let dir = format!("testdata/recall/{class}");
    let r = scan_fixture(&dir, &["--show-secrets"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (
                s("path").trim_start_matches(&format!("{dir}/")).to_string(),
                s("rule").trim_start_matches("salesforce-").to_string(),
                s("severity"),
                s("secret"),
            )
        })
        .collect()
}

/// The secret found at `path` by `rule`, with its severity.
fn found<'a>(
    all: &'a [(String, String, String, String)],
    path: &str,
    rule: &str,
) -> Vec<(&'a str, &'a str)> {
    all.iter()
        .filter(|(p, r, _, _)| p == path && r == rule)
        .map(|(_, _, sev, s)| (sev.as_str(), s.as_str()))
        .collect()
}

/// The one value of `rule` at `path`, asserted loud (high or critical).
fn loud<'a>(all: &'a [(String, String, String, String)], path: &str, rule: &str) -> &'a str {
    let f = found(all, path, rule);
    assert_eq!(f.len(), 1, "{path} {rule}: {all:?}");
    assert!(matches!(f[0].0, "high" | "critical"), "{path}: {f:?}");
    f[0].1
}

fn fixture(class: &str, path: &str) -> String {
    std::fs::read_to_string(root().join(format!("testdata/recall/{class}/{path}")))
        .expect("fixture readable")
}

#[test]
fn passwords_with_punctuation_in_urls_config_objects_prose_and_beside_tokens_are_found() {
    let all = scan("passwords");
    for (path, value) in [
        // `;`, `-` and a lone `<` are a password's punctuation, not its end or a placeholder
        ("punctuation.py", "Wq9;rT4-zP<k"),
        // the query string of a token URL
        ("TokenClient.java", "Hb4mZq9tLw7"),
        // a config object beside a My Domain URL; the grant type is in another function
        ("config.js", "Jd6#Rk2pWm"),
        // prose: log in as user / password
        ("README.md", "Zt8vQm2rXw"),
        // a test user's password beside the refresh token of the same org
        ("src/test/java/acme/TestOrg.java", "Yq3vLm9wTz"),
    ] {
        let f = found(&all, path, "password-flow");
        assert!(
            f.iter().any(|(sev, s)| *s == value && *sev == "critical"),
            "{path}: {f:?}"
        );
    }
    // a security token under a bare `token` beside the password, and one in a comment
    let yml = found(&all, "login.yml", "password-flow");
    assert_eq!(yml.len(), 2, "{yml:?}");
    let notes = fixture("passwords", "notes.py");
    let token = notes
        .split("security token: ")
        .nth(1)
        .and_then(|t| t.lines().next())
        .expect("token in the comment");
    assert_eq!(loud(&all, "notes.py", "password-flow"), token);
}

#[test]
fn soap_toolkit_logins_envelopes_and_test_base_classes_are_found() {
    let all = scan("soap");
    for path in ["login.php", "Main.java", "Login.cs", "soap_login.py"] {
        let secret = loud(&all, path, "password-flow");
        // the password with the security token appended, whole
        assert!(secret.len() >= 30, "{path}: {secret}");
    }
    // `$_password` and `$_token` of the toolkit's test base class
    let base = found(&all, "test/SforceBaseTest.php", "password-flow");
    let values: Vec<&str> = base.iter().map(|(_, s)| *s).collect();
    assert!(values.contains(&"Fv8mQz2Lr"), "{base:?}");
    assert_eq!(base.len(), 2, "{base:?}");
}

#[test]
fn split_indented_and_encoded_values_are_read_whole() {
    let all = scan("split");
    // refresh tokens split over literals: "..." + "...", C's adjacent literals
    for path in ["Tokens.java", "oauth.c"] {
        let token = loud(&all, path, "refresh-token");
        assert_eq!(token.len(), 87, "{path}: {token}");
        let text = fixture("split", path);
        assert!(
            !text.contains(token),
            "{path} holds the token in pieces only"
        );
    }
    // a secret in Python's parenthesised concatenation
    assert_eq!(loud(&all, "settings.py", "consumer-secret").len(), 64);
    // a form body percent-encoded whole: the value stops at the encoded `&`
    let secret = loud(&all, "sync.log", "consumer-secret");
    assert_eq!(secret.len(), 64, "{secret}");
    // indented PEM keys (heredoc, run: | block, YAML block scalar) and an escaped one: the
    // same body as an unindented key, line for line
    for path in [
        "deploy.sh",
        ".github/workflows/deploy.yml",
        "values.yaml",
        "service-account.json",
    ] {
        let key = loud(&all, path, "jwt-private-key");
        assert!(key.starts_with("MIIEow"), "{path}: {key}");
        assert!(
            key.lines()
                .all(|l| !l.starts_with(' ') && !l.contains("\\n")),
            "{path}: {key}"
        );
        assert_eq!(key.lines().count(), 10, "{path}");
    }
}

#[test]
fn jwt_access_tokens_are_reported_by_their_expiry() {
    let r = scan_fixture("testdata/recall/jwt", &[]);
    let all = r.json()["findings"].as_array().cloned().unwrap_or_default();
    let at = |name: &str| -> Vec<&Value> {
        all.iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .collect()
    };
    let live = at("session.http");
    assert_eq!(live.len(), 1, "{all:?}");
    assert_eq!(live[0]["severity"], "high");
    assert!(live[0]["rationale"]
        .as_str()
        .is_some_and(|r| r.contains("valid until 2100-01-01")));
    let expired = at("cached-token.json");
    assert_eq!(expired.len(), 1, "{all:?}");
    assert_eq!(expired[0]["severity"], "low");
    assert!(expired[0]["rationale"]
        .as_str()
        .is_some_and(|r| r.contains("expired at 2025-12-01")));
    // another issuer's token is not Salesforce's
    assert!(at("google.env").is_empty(), "{all:?}");
}

#[test]
fn a_refresh_token_beside_a_secret_ties_it_to_salesforce() {
    let all = scan("token-context");
    assert_eq!(loud(&all, "creds.json", "consumer-secret").len(), 64);
}

#[test]
fn each_of_many_keys_in_a_folder_is_tied_by_the_file_beside_it_and_only_there() {
    // what a folder holds is read once for all the keys in it (they are judged one by one);
    // a second folder with the same keys and nothing of Salesforce beside them stays quiet
    let tree = Tree::new();
    let names = many_keys(|rel, text| {
        tree.write(rel, text);
    });
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    tied_only_beside_env_json(&r.json(), &names);
}

#[test]
fn each_of_many_keys_in_a_folder_of_a_history_is_tied_by_the_file_beside_it_and_only_there() {
    // in a history the folders come from the tree the scan starts at, read once each
    let repo = Repo::new();
    let names = many_keys(|rel, text| {
        repo.write(rel, text);
    });
    repo.commit("keys", "Dev", "2025-01-02T10:00:00Z");
    let r = run(repo.path(), &["history", "--format", "json", "."]);
    tied_only_beside_env_json(&r.json(), &names);
}

/// Five keys of one shape in `ci/` beside a REST client env naming Salesforce, and five more
/// under the same names in `other/` beside a note; the key file names.
fn many_keys(write: impl Fn(&str, &str)) -> [&'static str; 5] {
    let key = fixture("neighbour", "travis/assets/server.key");
    write(
        "ci/env.json",
        &fixture("neighbour", "http/http-client.env.json"),
    );
    let names = ["a.key", "b.key", "c.key", "d.key", "e.key"];
    // a different key in each file, of the same shape (a history reads a blob once, at the
    // first path it is met at)
    let nth = |i: usize| key.replacen("MIIEow", &format!("MIIEo{}", (b'A' + i as u8) as char), 1);
    for (i, name) in names.iter().enumerate() {
        write(&format!("ci/{name}"), &nth(i));
        write(&format!("other/{name}"), &nth(i + names.len()));
    }
    write("other/notes.txt", "keys for the staging web server\n");
    names
}

/// Each of `names` in `ci/` is reported, tied by `ci/env.json` beside it, and nothing else.
fn tied_only_beside_env_json(report: &Value, names: &[&str]) {
    let findings = report["findings"].as_array().expect("findings");
    let tied: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or(""),
                f["rationale"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for name in names {
        let path = format!("ci/{name}");
        let why = tied
            .iter()
            .find(|(p, _)| p.ends_with(&path))
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("{path} not reported: {tied:?}"));
        assert!(
            why.contains("tied to Salesforce by `")
                && why.contains("ci/env.json`, which sits beside it"),
            "{path}: {why}"
        );
    }
    assert_eq!(
        tied.len(),
        names.len(),
        "only the keys beside env.json: {tied:?}"
    );
}

#[test]
fn files_holding_only_a_secret_are_tied_by_the_file_beside_them_or_the_config_that_uses_them() {
    let all = scan("neighbour");
    for (path, rule) in [
        ("docker/secrets/consumer_secret.txt", "consumer-secret"),
        ("http/http-client.private.env.json", "consumer-secret"),
        ("http/http-client.private.env.json", "password-flow"),
        ("postman/dev.postman_environment.json", "consumer-secret"),
        // no sfdx-project.json: `.travis.yml` logs in with `--jwtkeyfile assets/server.key`
        ("travis/assets/server.key", "jwt-private-key"),
    ] {
        loud(&all, path, rule);
    }
    // a lone token whose neighbours name another service
    assert!(
        !all.iter().any(|(p, _, _, _)| p.starts_with("plain/")),
        "{all:?}"
    );
    // a file that is one value is reported at its own line and column
    let r = scan_fixture("testdata/recall/neighbour/docker", &[]);
    let f = &r.json()["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );

    // the same in a history: the neighbours come from the tree the scan starts at
    let repo = Repo::new();
    for rel in [
        "docker/docker-compose.yml",
        "docker/secrets/consumer_secret.txt",
        "travis/.travis.yml",
        "travis/assets/server.key",
    ] {
        repo.write(rel, fixture("neighbour", rel));
    }
    repo.commit("deploy config", "Dev", "2025-01-02T10:00:00Z");
    let r = run(repo.path(), &["history", "--format", "json", "."]);
    let paths: Vec<(String, String, String, u64, u64)> = summary(&r.json());
    let got: Vec<(&str, &str)> = paths
        .iter()
        .map(|(p, rule, _, _, _)| (p.as_str(), rule.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "docker/secrets/consumer_secret.txt",
                "salesforce-consumer-secret"
            ),
            ("travis/assets/server.key", "salesforce-jwt-private-key"),
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn one_secret_in_many_files_is_one_finding_with_every_location() {
    let tree = Tree::new();
    let leak = format!("SF_CLIENT_SECRET={HEX1}\n");
    for rel in ["a/.env", "b/.env", "c/settings.env"] {
        tree.write(rel, &leak);
    }
    tree.write("d/.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let doc = r.grouped();
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{}", r.stdout);
    let locations = findings[0]["locations"].as_array().expect("locations");
    let paths: Vec<&str> = locations
        .iter()
        .filter_map(|l| l["path"].as_str())
        .collect();
    assert_eq!(paths, ["./a/.env", "./b/.env", "./c/settings.env"]);
    assert!(r.stderr.contains("4 findings of 2 secrets"), "{}", r.stderr);
    let human = run(tree.path(), &["scan", "--color", "never", "."]);
    assert_eq!(
        human.stdout.matches("\n  also at:  ").count(),
        2,
        "{}",
        human.stdout
    );

    // SARIF and JSON Lines keep one entry per location, the lines sharing one secret id
    let sarif: Value =
        serde_json::from_str(&run(tree.path(), &["scan", "--format", "sarif", "."]).stdout)
            .expect("SARIF");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(4)
    );
    let lines = run(tree.path(), &["scan", "--format", "jsonl", "."]).stdout;
    let ids: Vec<String> = lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["secret_id"].as_str().map(String::from))
        .collect();
    assert_eq!(ids.len(), 4);
    let most = ids
        .iter()
        .map(|id| ids.iter().filter(|i| *i == id).count())
        .max();
    assert_eq!(most, Some(3), "{ids:?}");

    // a grouped report is a baseline for every location it lists
    tree.write("baseline.json", &r.stdout);
    tree.write("e/.env", &leak);
    let again = run(
        tree.path(),
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    let left: Vec<String> = summary(&again.json())
        .into_iter()
        .map(|(p, _, _, _, _)| p)
        .collect();
    assert_eq!(left, ["./e/.env"], "{}", again.stdout);
}

#[test]
fn a_renamed_or_copied_file_keeps_the_commit_that_first_added_the_secret() {
    let repo = Repo::new();
    repo.write("config/sf.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let added = repo.commit("add sync config", "Dev", "2025-01-02T10:00:00Z");
    std::fs::create_dir_all(repo.path().join("deploy")).expect("mkdir");
    repo.git(&["mv", "config/sf.env", "deploy/sf.env"]);
    repo.commit("move config", "Ops", "2025-02-03T10:00:00Z");
    repo.write("backup/sf.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    repo.commit("back it up", "Ops", "2025-03-04T10:00:00Z");
    let r = run(repo.path(), &["history", "--format", "json", "."]);
    let doc = r.grouped();
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    assert_eq!(findings[0]["commit"]["id"].as_str(), Some(added.as_str()));
    let mut paths: Vec<&str> = findings[0]["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .filter_map(|l| l["path"].as_str())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["backup/sf.env", "config/sf.env", "deploy/sf.env"]);
    let human = run(repo.path(), &["history", "--color", "never", "."]);
    assert!(
        human.stdout.contains(&format!("  commit:   {added}")),
        "{}",
        human.stdout
    );
}
