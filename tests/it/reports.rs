//! The JUnit, CSV and HTML reports: their numbers match the JSON report's, secrets stay out
//! unless shown; the HTML page in a real headless Chromium (ignored without one: `.ci/run`
//! installs Debian's `chromium` and runs it).

use super::git::Repo;
use super::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A history with findings of several severities and months, one allowed inline.
fn history() -> Repo {
    let repo = Repo::new();
    repo.write(
        "src/sync.py",
        format!(
            "TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n\
             data = {{'grant_type': 'client_credentials', 'client_id': '{KEY1}',\n\
             \x20       'client_secret': '{HEX1}'}}\n"
        ),
    );
    repo.commit("sync job", "Alice", "2024-01-10T10:00:00+00:00");
    repo.write(
        "config/app.env",
        format!("SF_CLIENT_SECRET={HEX2}\nSF_PASSWORD={PW1}\n"),
    );
    repo.commit("config", "Bob", "2024-03-05T10:00:00+00:00");
    repo.write("docs/ids.md", format!("The app's client id is `{KEY2}`.\n"));
    repo.write(
        "test/fixture.env",
        format!("SF_CLIENT_SECRET={HEX3} # sfleaks:allow\n"),
    );
    repo.commit("docs", "=cmd|' /C calc'!A0", "2024-03-20T10:00:00+00:00");
    repo
}

/// Unsuppressed findings per location from the JSON report, by severity.
fn severities(doc: &Value) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in doc["findings"].as_array().into_iter().flatten() {
        if f["suppressed"] == false {
            *m.entry(f["severity"].as_str().unwrap_or("").to_string())
                .or_default() += 1;
        }
    }
    m
}

fn raw_secrets() -> [&'static str; 6] {
    [KEY1, HEX1, HEX2, PW1, KEY2, HEX3]
}

#[test]
fn junit_has_a_suite_per_rule_and_a_failure_per_finding_at_or_above_fail_on() {
    let repo = history();
    let json = run(
        repo.path(),
        &["history", "--format", "json", "--show-suppressed"],
    )
    .json();
    let r = run(
        repo.path(),
        &["history", "--format", "junit", "--show-suppressed"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = parse_xml(&r.stdout);
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(doc.cases.len(), findings.len());
    let failing = findings
        .iter()
        .filter(|f| {
            f["suppressed"] == false && matches!(f["severity"].as_str(), Some("high" | "critical"))
        })
        .count();
    assert_eq!(doc.failures, failing);
    assert_eq!(
        doc.attr_failures, failing,
        "the testsuites' failures attribute"
    );
    assert_eq!(doc.skipped, 1, "the inline-allowed one");
    let rules: std::collections::BTreeSet<String> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(doc.suites, rules.into_iter().collect::<Vec<_>>());
    for s in raw_secrets() {
        assert!(!r.stdout.contains(s), "secret {s} in the JUnit report");
    }
    // --fail-on critical: the high ones pass (with the finding as their output)
    let r = run(
        repo.path(),
        &["history", "--format", "junit", "--fail-on", "critical"],
    );
    let critical = severities(&json).get("critical").copied().unwrap_or(0);
    assert_eq!(parse_xml(&r.stdout).failures, critical);
    // nothing found: one passing case, so a dashboard shows the check ran
    let clean = Tree::new();
    clean.write("a.txt", "nothing here\n");
    let r = run(clean.path(), &["scan", "--format", "junit", "."]);
    assert_eq!(r.code, 0);
    let d = parse_xml(&r.stdout);
    assert_eq!((d.cases.len(), d.failures), (1, 0), "{}", r.stdout);
}

struct Xml {
    suites: Vec<String>,
    cases: Vec<String>,
    failures: usize,
    skipped: usize,
    attr_failures: usize,
}

fn parse_xml(text: &str) -> Xml {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut x = Xml {
        suites: vec![],
        cases: vec![],
        failures: 0,
        skipped: 0,
        attr_failures: 0,
    };
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not XML: {e}\n{text}"))
        {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name.as_bytes())
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    b"testsuites" => {
                        x.attr_failures = attr("failures").parse().unwrap_or(usize::MAX)
                    }
                    b"testsuite" => x.suites.push(attr("name")),
                    b"testcase" => x.cases.push(attr("name")),
                    b"failure" => x.failures += 1,
                    b"skipped" => x.skipped += 1,
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    x
}

#[test]
fn csv_has_a_row_per_finding_and_defuses_formulas() {
    let repo = history();
    let json = run(repo.path(), &["history", "--format", "json"]).json();
    let r = run(repo.path(), &["history", "--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(rows.len(), findings.len());
    let mut from_csv: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[col("path")].to_string(),
                r[col("line")].to_string(),
                r[col("fingerprint")].to_string(),
            )
        })
        .collect();
    let mut from_json: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").into(),
                f["line"].to_string(),
                f["fingerprint"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    from_csv.sort();
    from_json.sort();
    assert_eq!(from_csv, from_json);
    // the author name is a spreadsheet formula: it reaches the sheet as text
    let authors: Vec<&str> = rows.iter().map(|r| &r[col("author")]).collect();
    assert!(authors.contains(&"'=cmd|' /C calc'!A0"), "{authors:?}");
    for s in raw_secrets() {
        assert!(!r.stdout.contains(s), "secret {s} in the CSV report");
    }
    let shown = run(
        repo.path(),
        &["history", "--format", "csv", "--show-secrets"],
    );
    assert!(shown.stdout.contains(HEX1));
}

#[test]
fn the_html_page_is_self_contained_and_keeps_secrets_out() {
    let repo = history();
    let r = run(repo.path(), &["history", "--format", "html"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let page = &r.stdout;
    assert!(page.starts_with("<!DOCTYPE html>"));
    // nothing is loaded from anywhere: no src, href, url() or import, and a CSP of 'none'
    for bad in [" src=", " href=", "url(", "@import", "<link", "<iframe"] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    assert!(page.contains("default-src 'none'"));
    for s in raw_secrets() {
        assert!(!page.contains(s), "secret {s} in the page");
    }
    let shown = run(
        repo.path(),
        &["history", "--format", "html", "--show-secrets"],
    );
    assert!(shown.stdout.contains(HEX1) && shown.stdout.contains(PW1));
    // an attacker-written commit author is text, not markup
    let evil = Repo::new();
    evil.write("a.env", format!("SF_CLIENT_SECRET={HEX4}\n"));
    evil.commit(
        "<script>alert(1)</script>",
        "<img onerror=x>",
        "2024-01-01T00:00:00+00:00",
    );
    let p = run(evil.path(), &["history", "--format", "html"]).stdout;
    assert!(!p.contains("<script>alert") && !p.contains("<img onerror"));
    assert!(p.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

/// Debian's chromium binary: SFLEAKS_TEST_CHROMIUM, else `chromium` on PATH.
fn chromium() -> PathBuf {
    let bin = std::env::var_os("SFLEAKS_TEST_CHROMIUM")
        .map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
    let ok = std::process::Command::new(&bin).arg("--version").output();
    assert!(
        ok.is_ok_and(|o| o.status.success()),
        "no chromium: apt-get install chromium, or set SFLEAKS_TEST_CHROMIUM"
    );
    bin
}

/// Opens `url` in headless Chromium; returns the DOM after the page's script ran, and every
/// console message (an uncaught error, a refused load or script) it logged.
fn open(url: &str, extra: &[&str]) -> (String, Vec<String>) {
    let profile = Tree::new();
    let out = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        // nothing may leave the machine: every host name fails to resolve
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

fn attr_count(dom: &str, prefix: &str) -> Option<usize> {
    let at = dom.find(prefix)? + prefix.len();
    let rest = &dom[at..];
    rest[..rest.find('"')?].parse().ok()
}

fn url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

#[test]
#[ignore = "needs chromium (Debian's); .ci/run installs it"]
fn the_html_page_renders_in_chromium_with_the_json_numbers_and_no_console_error() {
    // the console check catches a broken page (so a clean result means something)
    let control = Tree::new();
    control.write(
        "bad.html",
        "<!DOCTYPE html><html><body><script>noSuchFunction();</script></body></html>",
    );
    let (_, console) = open(&url(&control.path().join("bad.html"), ""), &["--dump-dom"]);
    assert!(
        console.iter().any(|l| l.contains("noSuchFunction")),
        "{console:?}"
    );

    let repo = history();
    let json = run(repo.path(), &["history", "--format", "json"]).json();
    let dir = Tree::new();
    let page = dir.path().join("report.html");
    let r = run(
        repo.path(),
        &[
            "history",
            "--format",
            "html",
            "--output",
            &page.to_string_lossy(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);

    let (dom, console) = open(&url(&page, ""), &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:#?}");
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script ran: {dom}"
    );
    let total: usize = severities(&json).values().sum();
    assert!(total >= 4, "{json}");
    assert_eq!(attr_count(&dom, "id=\"total\" data-count=\""), Some(total));
    assert_eq!(
        attr_count(&dom, "data-shown=\""),
        Some(total),
        "every finding listed"
    );
    for sev in ["critical", "high", "medium", "low", "info"] {
        let want = severities(&json).get(sev).copied().unwrap_or(0);
        let card = format!("class=\"card sev-{sev}\" data-severity=\"{sev}\" data-count=\"");
        assert_eq!(attr_count(&dom, &card), Some(want), "{sev}");
    }
    let distinct = run(repo.path(), &["history", "--format", "json"]).grouped()["findings"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|f| f["suppressed"] == false).count());
    assert_eq!(
        attr_count(&dom, "id=\"distinct\" data-count=\""),
        Some(distinct)
    );
    assert_eq!(
        attr_count(&dom, "id=\"hidden\" data-count=\""),
        Some(1),
        "the inline allow"
    );
    for s in raw_secrets() {
        assert!(!dom.contains(s), "secret {s} in the rendered page");
    }

    // the filter in the address: only the critical rows stay visible
    let critical = severities(&json).get("critical").copied().unwrap_or(0);
    assert!(critical > 0 && critical < total);
    let (dom, console) = open(&url(&page, "#severity=critical"), &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:#?}");
    assert_eq!(attr_count(&dom, "data-shown=\""), Some(critical));
    let (dom, _) = open(&url(&page, "#q=docs/ids.md"), &["--dump-dom"]);
    assert_eq!(attr_count(&dom, "data-shown=\""), Some(1));

    // sorting: by CVSS, highest first, then lowest first (the report's own order is by path)
    let scores = |dom: &str| -> Vec<f64> {
        let table = &dom[dom.find("id=\"findings\"").unwrap_or(0)..];
        table
            .split("class=\"num\" data-sort=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect()
    };
    let (dom, console) = open(&url(&page, ""), &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:#?}");
    let unsorted = scores(&dom);
    assert_eq!(unsorted.len(), total);
    let mut desc = unsorted.clone();
    desc.sort_by(|a, b| b.total_cmp(a));
    assert_ne!(
        unsorted, desc,
        "the fixture's report order is not already by CVSS"
    );
    let (dom, console) = open(&url(&page, "#sort=cvss"), &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:#?}");
    assert_eq!(scores(&dom), desc);
    assert!(dom.contains("aria-sort=\"descending\""));
    let (dom, _) = open(&url(&page, "#sort=cvss&dir=asc"), &["--dump-dom"]);
    let asc: Vec<f64> = desc.iter().rev().copied().collect();
    assert_eq!(scores(&dom), asc);

    // the screenshot the README shows, from this run
    let shot = root().join("target/html-report.png");
    let _ = std::fs::remove_file(&shot);
    let (_, console) = open(
        &url(&page, ""),
        &[
            "--hide-scrollbars",
            "--window-size=1280,1700",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(console.is_empty(), "console: {console:#?}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}
