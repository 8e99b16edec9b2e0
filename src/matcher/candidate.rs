//! Stage 2-4 for one pattern match: value checks, then the tie to Salesforce (by the key's
//! own name, a decoded consumer key, or a required signal within reach), then severity,
//! public values and evidence. Each step is a function of its own module; this one only
//! runs them in order.

use super::context::{Context, Reach};
use super::evidence::{finding_for, near_signals};
use super::surroundings::MINIFIED_REACH;
use super::{public, severity, values, Blob, Candidate, Hit, Matcher};
use crate::filekind::FileKind;
use crate::finding::Evidence;
use crate::rules::{Pattern, Rule};

impl Matcher {
    /// Checks one regex match and, if it is a secret, builds its candidate finding.
    pub(super) fn candidate(
        &self,
        ctx: &Context,
        ri: usize,
        rule: &Rule,
        pattern: &Pattern,
        blob: Blob,
        hit: Hit,
    ) -> Option<Candidate> {
        let value = values::check(ctx, rule, pattern, blob, &hit)?;
        let (start, end) = (hit.span.0, value.end);
        let line = value.line;
        // how far context reaches: a minified line is one program, so bytes, not lines;
        // a config file is one context; code is a window of lines
        let window = if value.minified {
            Reach::Bytes(MINIFIED_REACH)
        } else {
            match blob.kind {
                FileKind::Config => Reach::Whole,
                FileKind::Code => Reach::Lines(rule.window),
            }
        };
        let within = match (pattern.near, window) {
            (_, Reach::Bytes(b)) => Reach::Bytes(b),
            (Some(n), _) => Reach::Lines(n),
            (None, w) => w,
        };

        let mut reasons: Vec<String> = Vec::new();
        let mut evidence: Vec<(Evidence, (usize, usize))> = Vec::new();
        let key = hit.key.as_ref().map(|(k, _)| k.as_str());
        let tied_by_key = match (&pattern.tie_key, key) {
            (Some(re), Some(k)) if re.is_match(k.as_bytes()) => Some(k),
            _ => None,
        };
        if let Some(j) = &value.jwt {
            reasons.push(format!("a JSON Web Token issued by `{}`", j.issuer));
            evidence.push((
                Evidence {
                    kind: "jwt-issuer".into(),
                    line,
                    text: j.issuer.clone(),
                    sensitive: false,
                    part: None,
                },
                (start, start),
            ));
        } else if let Some(k) = &value.decoded_key {
            reasons.push("decodes to a consumer key and secret pair".into());
            evidence.push((
                Evidence {
                    kind: "decoded-consumer-key".into(),
                    line,
                    text: k.clone(),
                    sensitive: true,
                    part: None,
                },
                (start, start),
            ));
        } else if let Some(k) = tied_by_key {
            reasons.push(format!("tied to Salesforce by its name `{k}`"));
            evidence.push((
                Evidence {
                    kind: "key-name".into(),
                    line,
                    text: k.to_string(),
                    sensitive: false,
                    part: None,
                },
                (hit.match_start, hit.match_start),
            ));
        } else if !pattern.requires_any.is_empty() || pattern.tie_key.is_some() {
            match ctx.nearest(&pattern.requires_any, line, within, (start, end)) {
                Some(h) => reasons.push(format!(
                    "tied to Salesforce by {} at line {}",
                    self.rules.signals[h.signal].id, h.line
                )),
                None if pattern.or_project && blob.project.get() => {
                    reasons.push("it sits in a Salesforce DX project".into())
                }
                None => reasons.push(self.neighbour_tie(blob)?),
            }
        } else {
            reasons.push("its format identifies it".into());
        }

        // a bare name (`token`) counts only beside what makes it one (a password)
        if !pattern.also_requires.is_empty() {
            let h = ctx.nearest(&pattern.also_requires, line, within, (start, end))?;
            reasons.push(format!(
                "beside {} at line {}",
                self.rules.signals[h.signal].id, h.line
            ));
        }

        let mut verdict = severity::escalated(&self.rules, rule, ctx, line, window, (start, end));
        if let Some(j) = &value.jwt {
            severity::expiry(j.expires, crate::clock::now(), &mut verdict);
        }
        severity::lowered(rule, ctx, blob, &hit, &value.text, line, &mut verdict);
        public::apply(rule, &value.text, &mut verdict);
        reasons.append(&mut verdict.reasons);

        evidence.extend(near_signals(&self.rules, ctx, line, window, (start, end)));
        evidence.sort_by(|a, b| a.0.line.cmp(&b.0.line).then(a.0.kind.cmp(&b.0.kind)));

        let place = (line, ctx.lines.column_of(ctx.data, start), start);
        let mut finding = finding_for(rule, blob.path, value.text, place);
        finding.severity = verdict.severity;
        finding.cvss = verdict.cvss;
        if let Some(k) = key {
            finding.message = format!("{} in `{}`", rule.name, k);
        }
        finding.rationale = format!("{}: {}", verdict.severity, reasons.join("; "));
        finding.evidence = evidence.iter().map(|(e, _)| e.clone()).collect();
        finding.suppressed = ctx.allowed(line);
        Some(Candidate {
            rule: ri,
            start,
            end,
            evidence_spans: evidence.into_iter().map(|(_, s)| s).collect(),
            finding,
        })
    }
}
