//! Known public values: what Salesforce publishes (the documentation's example keys,
//! secrets, tokens and auth URLs; the CLI's own legacy connected app, shipped in every
//! install) is `info` wherever it is pasted, never a failing finding. The lists live in each
//! rule's `public_values` and `public_patterns`; values spelled with `EXAMPLE` join them.

use super::severity::Verdict;
use crate::finding::Severity;
use crate::rules::Rule;

/// How many characters besides `EXAMPLE` make a documentation value rather than a bare
/// placeholder word (`AKIAIOSFODNN7EXAMPLE`-style values are long).
const EXAMPLE_BODY: usize = 12;

/// Lowers the verdict to `info` when `value` is a published one.
pub(super) fn apply(rule: &Rule, value: &str, verdict: &mut Verdict) {
    let listed = rule.public_values.iter().any(|v| v == value)
        || rule
            .public_patterns
            .iter()
            .any(|re| re.is_match(value.as_bytes()));
    let example = spelled_example(value);
    if listed || example {
        verdict.severity = Severity::Info;
        verdict.cvss = 0.0;
        verdict.reasons.push(if listed {
            "a known public or documentation value, so only info".into()
        } else {
            "spelled with EXAMPLE: a documentation value, so only info".into()
        });
    }
}

/// A value with `EXAMPLE` in capitals inside an otherwise credential-length body.
pub(super) fn spelled_example(value: &str) -> bool {
    value.contains("EXAMPLE") && value.len() - "EXAMPLE".len() >= EXAMPLE_BODY
}
