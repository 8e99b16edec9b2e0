//! Checks every rule against its own examples: each positive example must be found (at the
//! severity it names), each negative example must not. Run by the test suite and by
//! `sfleaks rules --check`, so a rule file can be validated before it is used.

use crate::matcher::Matcher;
use crate::rules::Example;

/// One example a rule got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule id.
    pub rule: String,
    /// The file the rule came from.
    pub source: String,
    /// What went wrong, with the example's first line.
    pub message: String,
}

/// Runs every rule's examples through the matcher; returns the failures (empty when all pass).
pub fn check_examples(matcher: &Matcher) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for rule in &matcher.rules().rules {
        let fail = |message: String| ExampleFailure {
            rule: rule.id.clone(),
            source: rule.source.clone(),
            message,
        };
        if rule.examples.is_empty() {
            failures.push(fail("has no examples".into()));
        }
        for ex in &rule.examples {
            let found: Vec<_> = matcher
                .find(ex.text().as_bytes(), ex.path())
                .into_iter()
                .filter(|f| f.rule == rule.id)
                .collect();
            match (found.is_empty(), ex.severity()) {
                (true, _) => failures.push(fail(format!("misses example: {}", first_line(ex)))),
                (false, Some(sev)) if !found.iter().any(|f| f.severity == sev) => {
                    let got: Vec<String> = found.iter().map(|f| f.severity.to_string()).collect();
                    failures.push(fail(format!(
                        "rates example {} instead of {sev}: {}",
                        got.join(","),
                        first_line(ex)
                    )));
                }
                _ => {}
            }
        }
        for ex in &rule.negative_examples {
            let hit = matcher
                .find(ex.text().as_bytes(), ex.path())
                .into_iter()
                .any(|f| f.rule == rule.id);
            if hit {
                failures.push(fail(format!(
                    "matches negative example: {}",
                    first_line(ex)
                )));
            }
        }
    }
    failures
}

fn first_line(ex: &Example) -> String {
    let line = ex
        .text()
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let short: String = line.chars().take(80).collect();
    format!("`{short}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    #[test]
    fn every_builtin_rule_gets_its_examples_right() {
        let matcher = Matcher::new(RuleSet::builtin().expect("rules")).expect("matcher");
        let failures = check_examples(&matcher);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_rule_that_misses_its_example_fails_the_check() {
        let extra = r#"
[[rule]]
id = "never-matches"
description = "d"
severity = "low"
keywords = ["zzz"]
remediation = "r"
examples = ["zzz 42"]
negative_examples = ["zzz 7"]
[[rule.pattern]]
regex = '(?P<secret>zzz 7)'
"#;
        let mut texts: Vec<(String, String)> = crate::rules::BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        texts.push(("extra.toml".into(), extra.into()));
        let matcher = Matcher::new(RuleSet::from_texts(&texts).expect("rules")).expect("matcher");
        let failures = check_examples(&matcher);
        assert_eq!(failures.len(), 2, "{failures:#?}");
        assert!(failures.iter().all(|f| f.rule == "never-matches"));
    }
}
