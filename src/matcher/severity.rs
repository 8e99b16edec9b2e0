//! Stage 4, severity: the rule's own, raised by the signals its escalations name (a token
//! request next to the value), lowered where the value's use says it is a fixture: a
//! borderline value in a test file, a token fed to a parser under test, siblings that are
//! plainly dummies, a Data Loader password stored encrypted.

use super::context::{Context, Reach};
use super::{Blob, Hit};
use crate::finding::Severity;
use crate::rules::{default_cvss, InTests, Rule, RuleSet};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Lines around a value searched for dummy siblings.
const SIBLING_LINES: usize = 4;
/// Bytes before a value searched for the call or name it is handed to.
const USE_LOOKBACK: usize = 400;

/// The severity decided so far, with the reasons for the rationale.
pub(super) struct Verdict {
    pub(super) severity: Severity,
    pub(super) cvss: f32,
    pub(super) reasons: Vec<String>,
}

/// A literal handed to a parser, a matcher or a validator under test, or bound to a name that
/// says it is something else (`const username = '00D...'`): text just before the value.
static PARSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:\b(?:parse|match|matches|is|has|valid|validate|verify|redact|mask|sanitiz|scrub|decode|extract|normaliz|looks?like|detect)\w*\s*\(\s*|\b(?:user_?name|user|login|name|input|url|id)\s*[:=]\s*)["'`@]?\s*(?:force://[^\s"'`@]*:)?$"#,
    )
    .expect("static regex")
});

/// Sibling values that are plainly dummies (`username: 'admin'`, `password: 'password123'`).
static DUMMY_SIBLING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:user(?:_?name)?|login|pass(?:word)?|pwd)["']?\s*[:=,]\s*["'](?:admin|root|test|tester|user|foo|bar|demo|guest|password\d*|pass\d*|secret\d*|changeme|letmein|qwerty\d*|12345\d*)["']"#,
    )
    .expect("static regex")
});

/// Data Loader stores `sfdc.password` encrypted with the key file named beside it.
const ENCRYPTED_BY_KEY_FILE: &[u8] = b"process.encryptionKeyFile";

/// A token past its expiry no longer opens anything: low, and the rationale says since when.
pub(super) fn expiry(expires: Option<i64>, now: i64, v: &mut Verdict) {
    let Some(exp) = expires else {
        v.reasons.push("it carries no expiry".into());
        return;
    };
    let when = crate::clock::rfc3339(exp, 0);
    if exp <= now {
        v.severity = Severity::Low;
        v.cvss = default_cvss(Severity::Low);
        v.reasons.push(format!(
            "it expired at {when}: revoke the session it came from all the same"
        ));
    } else {
        v.reasons.push(format!("it is valid until {when}"));
    }
}

/// The rule's severity for a value at `line`, raised by its escalations within `reach`.
pub(super) fn escalated(
    rules: &RuleSet,
    rule: &Rule,
    ctx: &Context,
    line: usize,
    reach: Reach,
    span: (usize, usize),
) -> Verdict {
    let mut v = Verdict {
        severity: rule.severity,
        cvss: rule.cvss,
        reasons: Vec::new(),
    };
    for esc in &rule.escalate {
        if esc.severity <= v.severity {
            continue;
        }
        if let Some(hit) = ctx.nearest(&esc.when_any, line, reach, span) {
            v.severity = esc.severity;
            v.cvss = esc.cvss.unwrap_or_else(|| default_cvss(esc.severity));
            v.reasons.push(format!(
                "raised to {}: {} ({} at line {})",
                esc.severity, esc.reason, rules.signals[hit.signal].id, hit.line
            ));
        }
    }
    v
}

/// Lowers the verdict where the value's use shows a fixture; never hides a finding.
pub(super) fn lowered(
    rule: &Rule,
    ctx: &Context,
    blob: Blob,
    hit: &Hit,
    value: &str,
    line: usize,
    v: &mut Verdict,
) {
    let mut lower_to = |sev: Severity, why: String| {
        if sev < v.severity {
            v.severity = sev;
            v.cvss = default_cvss(sev);
            v.reasons.push(why);
        }
    };
    if blob.around.test {
        match &rule.in_tests {
            InTests::Keep => {}
            InTests::LowerUnlessGenerated(shape) if !shape.is_match(value.as_bytes()) => {
                lower_to(
                    Severity::Low,
                    "lowered to low: a hand-made value in a test file, not the shape Salesforce generates".into(),
                );
            }
            InTests::LowerUnlessGenerated(_) => {}
            InTests::LowerWhenParsed => {
                if let Some(use_) = parsed_use(ctx, hit) {
                    lower_to(
                        Severity::Low,
                        format!("lowered to low: a test fixture handed to `{use_}`"),
                    );
                }
            }
            InTests::Lower => lower_to(
                Severity::Low,
                "lowered to low: a throwaway of a test file".into(),
            ),
        }
    }
    let first = line.saturating_sub(SIBLING_LINES).max(1);
    let last = (line + SIBLING_LINES).min(ctx.lines.len());
    let near =
        ctx.lines.line_range(ctx.data, first).start..ctx.lines.line_range(ctx.data, last).end;
    if let Some(m) = DUMMY_SIBLING.find(&ctx.data[near]) {
        let text = String::from_utf8_lossy(m.as_bytes()).into_owned();
        lower_to(
            Severity::Low,
            format!("lowered to low: its sibling values are dummies (`{text}`)"),
        );
    }
    if rule.patterns.iter().any(|p| p.human)
        && memchr::memmem::find(ctx.data, ENCRYPTED_BY_KEY_FILE).is_some()
    {
        lower_to(
            Severity::High,
            "lowered to high: stored encrypted (a Data Loader key file is named beside it)".into(),
        );
    }
}

/// The call or name a literal is handed to, from the text before it (this line, or the line
/// before when the literal starts a line).
fn parsed_use(ctx: &Context, hit: &Hit) -> Option<String> {
    let start = hit.span.0;
    let from = start.saturating_sub(USE_LOOKBACK);
    let before = &ctx.data[from..start];
    let m = PARSED.find(before)?;
    let text = String::from_utf8_lossy(m.as_bytes());
    let word: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    Some(word)
}
