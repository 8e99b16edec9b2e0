//! The connected-app posture analyzer: a metadata file that enables the client credentials
//! flow is a finding of its own (what a regex over the bytes cannot express).

use super::context::Context;
use super::evidence::finding_for;
use super::{Blob, Candidate, Matcher};
use crate::finding::Evidence;
use crate::metadata;
use crate::rules::{default_cvss, Rule};

impl Matcher {
    /// The connected-app posture analyzer's finding for a metadata file, if the client
    /// credentials flow is enabled. A malformed file is warned about, not a crash.
    pub(super) fn posture(
        &self,
        ctx: &Context,
        ri: usize,
        rule: &Rule,
        blob: Blob,
    ) -> Option<Candidate> {
        let p = match metadata::client_credentials_posture(ctx.data) {
            Ok(p) => p?,
            Err(e) => {
                eprintln!("sfleaks: warning: cannot parse {} as XML: {e}", blob.path);
                return None;
            }
        };
        let line = ctx.lines.line_of(p.enabled.offset);
        let mut severity = rule.severity;
        let mut cvss = rule.cvss;
        let mut reasons = vec![format!(
            "{}: `{}` is true: the app hands out tokens for a client id and secret alone",
            severity, p.enabled.name
        )];
        let ev = |kind: &str, at: &metadata::Element, text: String| Evidence {
            kind: kind.into(),
            line: ctx.lines.line_of(at.offset),
            text,
            sensitive: false,
            part: None,
        };
        let mut evidence = Vec::new();
        match &p.run_as {
            Some(u) => evidence.push(ev("run-as-user", u, u.text.clone())),
            None => reasons.push("no run-as user is set in the file".into()),
        }
        if !p.scopes.is_empty() {
            let names: Vec<&str> = p.scopes.iter().map(|s| s.text.as_str()).collect();
            evidence.push(ev("scopes", &p.scopes[0], names.join(", ")));
        }
        let full = p
            .scopes
            .iter()
            .find(|s| s.text.eq_ignore_ascii_case("full"));
        if let Some(bypass) = &p.ip_bypass {
            evidence.push(ev("ip-relaxation", bypass, bypass.text.clone()));
        }
        for esc in &rule.escalate {
            let hit = esc
                .when_any
                .iter()
                .any(|&si| match self.rules.signals[si].id.as_str() {
                    "ip-bypass" => p.ip_bypass.is_some(),
                    "full-scope" => full.is_some(),
                    _ => false,
                });
            if hit && esc.severity > severity {
                severity = esc.severity;
                cvss = esc.cvss.unwrap_or_else(|| default_cvss(esc.severity));
                reasons.push(format!("raised to {}: {}", esc.severity, esc.reason));
            }
        }
        let secret = format!("{}=true", p.enabled.name);
        let place = (
            line,
            ctx.lines.column_of(ctx.data, p.enabled.offset),
            p.enabled.offset,
        );
        let mut finding = finding_for(rule, blob.path, secret, place);
        finding.severity = severity;
        finding.cvss = cvss;
        finding.rationale = reasons.join("; ");
        finding.evidence = evidence;
        finding.suppressed = ctx.allowed(line);
        Some(Candidate {
            rule: ri,
            start: p.enabled.offset,
            end: p.enabled.offset + p.enabled.len,
            evidence_spans: Vec::new(),
            finding,
        })
    }
}
