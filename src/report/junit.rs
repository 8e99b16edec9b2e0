//! `--format junit`: JUnit XML as GitLab, Jenkins and Azure DevOps read it. One test suite per
//! rule, one test case per finding: a failure at or above `--fail-on`, skipped when
//! suppressed, passed (with the finding as its output) below the threshold. A scan with no
//! finding is one passing test case, so a dashboard shows the check ran.

use super::{place, Printer, Report};
use crate::finding::Finding;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The JUnit printer.
#[derive(Debug)]
pub struct Junit;

/// The finding in words, for a failure's body or a test case's output.
fn body(f: &Finding, show: bool) -> String {
    let mut s = format!(
        "{} ({}, cvss {:.1})\nsecret: {}\nwhy: {}\n",
        f.message,
        f.severity,
        f.cvss,
        f.shown_secret(show),
        f.rationale
    );
    if let Some(c) = &f.commit {
        s.push_str(&format!(
            "commit: {} by {} <{}> on {}: {}\n",
            c.id, c.author, c.email, c.date, c.summary
        ));
    }
    for e in &f.evidence {
        s.push_str(&format!(
            "evidence line {}: {}\n",
            e.line,
            e.shown_text(show)
        ));
    }
    s.push_str(&format!(
        "fix: {}\nfingerprint: {}\n",
        f.remediation, f.fingerprint
    ));
    s
}

impl Printer for Junit {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in report.findings {
            by_rule.entry(&f.rule).or_default().push(f);
        }
        let failing = |f: &Finding| !f.is_suppressed() && f.severity >= report.fail_on;
        let seconds = format!("{:.3}", report.stats.elapsed_ms as f64 / 1000.0);
        let total = report.findings.len().max(1);
        let failures = report.findings.iter().filter(|f| failing(f)).count();
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut root = BytesStart::new("testsuites");
        root.push_attribute(("name", "sfleaks"));
        root.push_attribute(("tests", total.to_string().as_str()));
        root.push_attribute(("failures", failures.to_string().as_str()));
        root.push_attribute(("errors", "0"));
        root.push_attribute(("time", seconds.as_str()));
        w.write_event(Event::Start(root))?;
        if report.findings.is_empty() {
            let mut suite = BytesStart::new("testsuite");
            for (k, v) in [
                ("name", "sfleaks"),
                ("tests", "1"),
                ("failures", "0"),
                ("errors", "0"),
                ("skipped", "0"),
            ] {
                suite.push_attribute((k, v));
            }
            w.write_event(Event::Start(suite))?;
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("name", "no Salesforce credentials found"));
            case.push_attribute(("classname", "sfleaks"));
            w.write_event(Event::Empty(case))?;
            w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        }
        for (rule, list) in &by_rule {
            let fails = list.iter().filter(|f| failing(f)).count();
            let skipped = list.iter().filter(|f| f.is_suppressed()).count();
            let mut suite = BytesStart::new("testsuite");
            suite.push_attribute(("name", *rule));
            suite.push_attribute(("tests", list.len().to_string().as_str()));
            suite.push_attribute(("failures", fails.to_string().as_str()));
            suite.push_attribute(("errors", "0"));
            suite.push_attribute(("skipped", skipped.to_string().as_str()));
            w.write_event(Event::Start(suite))?;
            for f in list {
                let mut case = BytesStart::new("testcase");
                case.push_attribute(("name", place(f).as_str()));
                case.push_attribute(("classname", format!("sfleaks.{rule}").as_str()));
                case.push_attribute(("file", f.path.as_str()));
                case.push_attribute(("line", f.line.to_string().as_str()));
                w.write_event(Event::Start(case))?;
                let text = body(f, report.show_secrets);
                if let Some(why) = f.suppressed {
                    let mut s = BytesStart::new("skipped");
                    s.push_attribute(("message", format!("suppressed: {}", why.as_str()).as_str()));
                    w.write_event(Event::Empty(s))?;
                } else if failing(f) {
                    let mut fail = BytesStart::new("failure");
                    fail.push_attribute(("message", f.message.as_str()));
                    fail.push_attribute(("type", f.severity.as_str()));
                    w.write_event(Event::Start(fail))?;
                    w.write_event(Event::Text(BytesText::new(&text)))?;
                    w.write_event(Event::End(BytesEnd::new("failure")))?;
                } else {
                    w.write_event(Event::Start(BytesStart::new("system-out")))?;
                    let below = format!("below --fail-on {}: {text}", report.fail_on);
                    w.write_event(Event::Text(BytesText::new(&below)))?;
                    w.write_event(Event::End(BytesEnd::new("system-out")))?;
                }
                w.write_event(Event::End(BytesEnd::new("testcase")))?;
            }
            w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
        w.into_inner().write_all(b"\n")
    }
}
