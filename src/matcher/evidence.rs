//! The finding itself: what a candidate is reported with (every signal near it, nearest
//! first, as evidence), and the finding a rule makes for a value.

use super::context::{Context, Reach};
use crate::finding::{fingerprint, Evidence, Finding};
use crate::rules::{Rule, RuleSet};

/// Longest evidence text kept (longer signal matches are cut).
const EVIDENCE_MAX: usize = 120;

/// Every signal within `reach` of the value, each at its nearest occurrence, with the span it
/// came from (a consumer key used as evidence yields its own finding to this one).
pub(super) fn near_signals(
    rules: &RuleSet,
    ctx: &Context,
    line: usize,
    reach: Reach,
    span: (usize, usize),
) -> Vec<(Evidence, (usize, usize))> {
    let mut evidence = Vec::new();
    for (si, signal) in rules.signals.iter().enumerate() {
        if let Some(hit) = ctx.nearest(&[si], line, reach, span) {
            evidence.push((
                Evidence {
                    kind: signal.id.clone(),
                    line: hit.line,
                    text: clip(ctx.text(hit.start, hit.end).trim()),
                    sensitive: signal.redact,
                    part: None,
                },
                (hit.start, hit.end),
            ));
        }
    }
    evidence
}

/// A finding of `rule` for `secret` at (line, column, byte offset), with the rule's
/// severity, score, name and remediation; callers adjust what their context changes.
pub(super) fn finding_for(
    rule: &Rule,
    path: &str,
    secret: String,
    place: (usize, usize, usize),
) -> Finding {
    let (line, column, offset) = place;
    Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        path: path.to_string(),
        line,
        column,
        offset,
        commit: None,
        fingerprint: fingerprint(&rule.id, path, &secret),
        secret,
        sensitive: rule.sensitive,
        cvss: rule.cvss,
        message: rule.name.clone(),
        rationale: String::new(),
        evidence: Vec::new(),
        remediation: rule.remediation.clone(),
        suppressed: None,
        first_seen: None,
        last_seen: None,
        occurrences: None,
        verification: None,
        within: None,
        decoded: false,
        origin: None,
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() <= EVIDENCE_MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(EVIDENCE_MAX).collect();
        s.push('…');
        s
    }
}
