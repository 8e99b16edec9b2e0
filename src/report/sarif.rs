//! `--format sarif`: SARIF 2.1.0 for code scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! One reportingDescriptor per rule in force, with `security-severity` so GitHub ranks alerts;
//! results carry the stable fingerprint in `partialFingerprints`, locations relative to the
//! scan root (`%SRCROOT%`), and for history scans the commit in `properties`. A finding
//! inside a container is located at the container file, its path through it given as a
//! logical location and as `properties.innerPath`.

use super::{EvidenceView, Printer, Report};
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use serde_json::{json, Map, Value};
use std::io::{self, Write};
use std::path::Path;

/// The SARIF printer.
#[derive(Debug)]
pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "sfleaks/v1";
const SRCROOT: &str = "%SRCROOT%";

/// SARIF's level for a severity.
fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The CVSS-like number GitHub code scanning ranks by.
fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `salesforce-consumer-secret` -> `SalesforceConsumerSecret` (SARIF names are identifiers).
fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn descriptor(rule: &Rule) -> Value {
    let mut markdown = format!("**{}**\n\n{}\n\n", rule.name, rule.description);
    if !rule.why.is_empty() {
        markdown.push_str(&format!("**Why it matters.** {}\n\n", rule.why));
    }
    markdown.push_str(&format!("**How to fix it.** {}\n", rule.remediation));
    json!({
        "id": rule.id,
        "name": pascal(&rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation, "markdown": markdown},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "security-severity": security_severity(rule.severity),
            "precision": "high",
            "tags": ["security", "secret", "salesforce"],
        },
    })
}

/// Percent-encodes a path for a URI reference (RFC 3986 unreserved characters and `/` kept).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a finding: relative to the root when it lies under it.
fn artifact(path: &str, root: Option<&Path>) -> Value {
    let plain = path.strip_prefix("./").unwrap_or(path);
    let p = Path::new(plain);
    if p.is_absolute() {
        if let Some(rel) = root.and_then(|r| p.strip_prefix(r).ok()) {
            return json!({"uri": encode(&rel.to_string_lossy()), "uriBaseId": SRCROOT});
        }
        return json!({"uri": format!("file://{}", encode(plain))});
    }
    json!({"uri": encode(plain), "uriBaseId": SRCROOT})
}

fn result(f: &Finding, rule_index: Option<usize>, report: &Report) -> Value {
    let end_column = f.column + f.secret.chars().count();
    let mut props = Map::new();
    props.insert("severity".into(), json!(f.severity));
    props.insert(
        "security-severity".into(),
        json!(security_severity(f.severity)),
    );
    props.insert("secret".into(), json!(f.shown_secret(report.show_secrets)));
    props.insert("rationale".into(), json!(f.rationale));
    let evidence: Vec<EvidenceView> = f
        .evidence
        .iter()
        .map(|e| EvidenceView {
            kind: &e.kind,
            part: e.part.as_deref(),
            line: e.line,
            text: e.shown_text(report.show_secrets),
        })
        .collect();
    props.insert("evidence".into(), json!(evidence));
    if let Some(c) = &f.commit {
        props.insert("commit".into(), json!(c));
    }
    for (k, v) in [("first_seen", &f.first_seen), ("last_seen", &f.last_seen)] {
        if let Some(v) = v {
            props.insert(k.into(), json!(v));
        }
    }
    if let Some(n) = f.occurrences {
        props.insert("occurrences".into(), json!(n));
    }
    if let Some(v) = &f.verification {
        props.insert("verification".into(), json!(v));
    }
    // inside a container the artifact is the file itself (what a dashboard can open) and the
    // path through it is the result's: the line and column are in that entry's text
    let (outer, inner) = match f.within.as_deref() {
        Some(within) if f.path.len() > within.len() && f.path.ends_with(within) => (
            &f.path[..f.path.len() - within.len()],
            within.strip_prefix('!'),
        ),
        _ => (f.path.as_str(), None),
    };
    if let Some(inner) = inner {
        props.insert("innerPath".into(), json!(inner));
    }
    if f.decoded {
        props.insert("decoded".into(), json!("base64"));
    }
    // a fleet's results: the artifact is named inside its repository
    let artifact_location = match f.repository() {
        Some(repo) => {
            props.insert("repository".into(), json!(repo));
            let plain = outer.strip_prefix("./").unwrap_or(outer);
            json!({"uri": encode(&format!("{repo}/{plain}"))})
        }
        None => artifact(outer, report.root),
    };
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": {"text": format!("{}: {} ({})", f.message, f.shown_secret(report.show_secrets), f.rationale)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location,
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.line,
                    "endColumn": end_column,
                },
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(inner) = inner {
        r["locations"][0]["logicalLocations"] = json!([{
            "name": inner,
            "fullyQualifiedName": f.path.strip_prefix("./").unwrap_or(&f.path),
            "kind": "resource",
        }]);
    }
    if f.is_suppressed() {
        let kind = match f.suppressed {
            Some(crate::finding::Suppression::Inline) => "inSource",
            _ => "external",
        };
        r["suppressions"] = json!([{"kind": kind}]);
    }
    r
}

impl Printer for Sarif {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let rules = &report.rules.rules;
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| result(f, rules.iter().position(|r| r.id == f.rule), report))
            .collect();
        let mut run = json!({
            "tool": {"driver": {
                "name": "sfleaks",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/acme/sfleaks",
                "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        });
        if let Some(root) = report.root {
            let mut uri = format!("file://{}", encode(&root.to_string_lossy()));
            if !uri.ends_with('/') {
                uri.push('/');
            }
            run["originalUriBaseIds"] = json!({SRCROOT: {"uri": uri}});
        }
        if let Some(vcs) = report.vcs {
            run["versionControlProvenance"] = json!([{
                "repositoryUri": vcs.repository_uri,
                "revisionId": vcs.revision,
                "mappedTo": {"uriBaseId": SRCROOT},
            }]);
        }
        let doc = json!({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]});
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_uris_and_levels() {
        assert_eq!(
            pascal("salesforce-consumer-secret"),
            "SalesforceConsumerSecret"
        );
        assert_eq!(encode("a b/c#d.py"), "a%20b/c%23d.py");
        assert_eq!(artifact("./src/x.py", None)["uri"], "src/x.py");
        assert_eq!(
            artifact("/w/repo/src/x.py", Some(Path::new("/w/repo")))["uri"],
            "src/x.py"
        );
        assert_eq!(
            artifact("/elsewhere/x.py", Some(Path::new("/w")))["uri"],
            "file:///elsewhere/x.py"
        );
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Low), "note");
    }
}
