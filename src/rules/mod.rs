//! Rule syntax and loading: the embedded `rules/*.toml` pack plus any `--rules FILE`.
//!
//! A rule file holds `[[signal]]` tables (context the matcher looks for near a candidate) and
//! `[[rule]]` tables (what to report). Loading validates everything up front so that a bad
//! file fails the run before any byte is scanned, with an error naming the file and the rule.

pub mod check;
mod lazy;

pub use lazy::{LazyGlobs, LazyRegex};

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// The rule files compiled into the binary: (name, contents).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/signals.toml",
        include_str!("../../rules/signals.toml"),
    ),
    (
        "rules/consumer-secret.toml",
        include_str!("../../rules/consumer-secret.toml"),
    ),
    (
        "rules/consumer-key.toml",
        include_str!("../../rules/consumer-key.toml"),
    ),
    (
        "rules/password-flow.toml",
        include_str!("../../rules/password-flow.toml"),
    ),
    ("rules/tokens.toml", include_str!("../../rules/tokens.toml")),
    (
        "rules/metadata.toml",
        include_str!("../../rules/metadata.toml"),
    ),
    (
        "rules/jwt-key.toml",
        include_str!("../../rules/jwt-key.toml"),
    ),
];

/// Why a rule file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file could not be read.
    #[error("cannot read rules file {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("rules file {file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// What the TOML parser said, on one line.
        message: String,
    },
    /// A rule or signal in the file is wrong.
    #[error("rules file {file}: {what} '{id}': {message}")]
    Invalid {
        /// The file.
        file: String,
        /// `rule` or `signal`.
        what: &'static str,
        /// The rule or signal id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    signal: Vec<RawSignal>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignal {
    id: String,
    #[serde(default)]
    description: String,
    regex: String,
    #[serde(default)]
    redact: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    #[serde(default)]
    name: Option<String>,
    description: String,
    severity: String,
    keywords: Vec<String>,
    remediation: String,
    #[serde(default)]
    why: String,
    #[serde(default)]
    window: Option<usize>,
    #[serde(default)]
    yield_to: Vec<String>,
    #[serde(default)]
    public_values: Vec<String>,
    #[serde(default)]
    public_patterns: Vec<String>,
    #[serde(default)]
    placeholder_from: Option<String>,
    #[serde(default)]
    in_tests: Option<String>,
    #[serde(default)]
    generated_shape: Option<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    binary_paths: Vec<String>,
    #[serde(default)]
    analyzer: Option<String>,
    #[serde(default)]
    cvss: Option<f32>,
    #[serde(default)]
    sensitive: Option<bool>,
    #[serde(default)]
    pattern: Vec<RawPattern>,
    #[serde(default)]
    escalate: Vec<RawEscalate>,
    #[serde(default)]
    examples: Vec<Example>,
    #[serde(default)]
    negative_examples: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    regex: String,
    #[serde(default)]
    requires_any: Vec<String>,
    #[serde(default)]
    near: Option<usize>,
    #[serde(default)]
    tie_key: Option<String>,
    #[serde(default)]
    reject_key: Option<String>,
    #[serde(default)]
    reject_before: Option<String>,
    #[serde(default)]
    reject_line: Option<String>,
    #[serde(default)]
    human: bool,
    #[serde(default)]
    expression_check: bool,
    #[serde(default)]
    decode: Option<String>,
    #[serde(default)]
    or_project: bool,
    #[serde(default)]
    also_requires: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    min_len: Option<usize>,
    #[serde(default)]
    joined: Option<String>,
    #[serde(default)]
    lines: Option<[usize; 2]>,
    #[serde(default)]
    keywords: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalate {
    severity: String,
    when_any: Vec<String>,
    reason: String,
    #[serde(default)]
    cvss: Option<f32>,
}

/// A rule example: text to scan, optionally with the severity it must get and a file name that
/// decides whether it is read as a config file or as code.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// Just the text; scanned as `example.txt`.
    Text(String),
    /// Text with expectations.
    Full {
        /// The text to scan.
        text: String,
        /// The severity the rule must report.
        #[serde(default)]
        severity: Option<Severity>,
        /// The file name to scan it as.
        #[serde(default)]
        path: Option<String>,
    },
}

impl Example {
    /// The text to scan.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::Full { text: t, .. } => t,
        }
    }

    /// The file name the example is scanned as.
    pub fn path(&self) -> &str {
        match self {
            Example::Full { path: Some(p), .. } => p,
            _ => "example.txt",
        }
    }

    /// The severity the example must get, if it names one.
    pub fn severity(&self) -> Option<Severity> {
        match self {
            Example::Full { severity, .. } => *severity,
            Example::Text(_) => None,
        }
    }
}

/// Context the matcher looks for near a candidate secret.
#[derive(Debug)]
pub struct Signal {
    /// Id, used as the evidence kind.
    pub id: String,
    /// What it means, for `sfleaks rules`.
    pub description: String,
    /// Compiled pattern.
    pub regex: LazyRegex,
    /// Whether the matched text is itself sensitive and must be shortened in evidence.
    pub redact: bool,
}

/// One way a rule can match.
#[derive(Debug)]
pub struct Pattern {
    /// Compiled pattern with a `secret` group and optionally a `key` group.
    pub regex: LazyRegex,
    /// Indices into [`RuleSet::signals`]: at least one must be near (unless `tie_key` matches).
    pub requires_any: Vec<usize>,
    /// Lines within which a required signal counts as near; overrides the rule window and the
    /// whole-file scope of config files.
    pub near: Option<usize>,
    /// A `key` group matching this ties the value to Salesforce by its name alone.
    pub tie_key: Option<LazyRegex>,
    /// A `key` group matching this is not a secret (e.g. `client_secret_file`).
    pub reject_key: Option<LazyRegex>,
    /// Text just before the match on its line that makes it something else (e.g. `sha256 =`).
    pub reject_before: Option<LazyRegex>,
    /// A line holding the match that makes it something else (e.g. `| sha256sum -c`).
    pub reject_line: Option<LazyRegex>,
    /// The value is chosen by a person (a password), not generated: a word or a name can be
    /// one, so names are rejected only where a name is what stands there (lists, bundles).
    pub human: bool,
    /// Reject unquoted values in code that look like identifiers or calls.
    pub expression_check: bool,
    /// How to decode the `secret` group before checking it.
    pub decode: Option<Decode>,
    /// A blob inside a Salesforce DX project satisfies the requirement by itself.
    pub or_project: bool,
    /// Indices into [`RuleSet::signals`]: one of these must be near as well (a bare `token`
    /// counts only beside a password).
    pub also_requires: Vec<usize>,
    /// Only files whose path matches (prose patterns read documents, not code).
    pub paths: Option<LazyGlobs>,
    /// The shortest value reported, after a quoted value is read to its closing quote.
    pub min_len: usize,
    /// The pattern matches the first piece of a value split over string literals: it is
    /// reported only when pieces were joined and the joined value matches this.
    pub joined: Option<LazyRegex>,
    /// Lines before and after a keyword hit that the pattern is searched in: the keyword is
    /// inside every match or this close to it (the matcher never scans whole files).
    pub lines: [usize; 2],
    /// The rule keywords (lowercase) this pattern is searched around; all of them by default.
    pub keywords: Vec<String>,
}

/// Default search window around a keyword hit, in lines before and after.
pub const DEFAULT_PATTERN_LINES: [usize; 2] = [1, 2];

/// Encodings a pattern's value is decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// `Authorization: Basic base64(key:secret)`: the value must decode to a consumer key and
    /// a secret; the key ties it to Salesforce.
    BasicAuth,
    /// A JSON Web Token: Salesforce issued it when its header or issuer says so; its expiry
    /// sets the severity.
    Jwt,
    /// A PEM body written with escaped line breaks (`\\n` in JSON): unescaped before use.
    EscapedLines,
}

/// What a test file does to a rule's finding: test context lowers a borderline value and
/// never hides one.
#[derive(Debug, Clone, Default)]
pub enum InTests {
    /// A test file changes nothing (refresh tokens committed for CI are real).
    #[default]
    Keep,
    /// Low unless the value has the shape Salesforce generates (this regex).
    LowerUnlessGenerated(LazyRegex),
    /// Low when the value is fed to a parser or passed as another kind of value (a username).
    LowerWhenParsed,
    /// Low: a test file's value of this kind is a throwaway (a key generated for the test).
    Lower,
}

/// Built-in analyzers for what a regex cannot express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analyzer {
    /// Connected app / External Client App metadata that enables the client credentials flow.
    ConnectedAppPosture,
}

/// A severity raise when certain signals are near.
#[derive(Debug)]
pub struct Escalation {
    /// The severity to raise to.
    pub severity: Severity,
    /// Indices into [`RuleSet::signals`]; any one near triggers the raise.
    pub when_any: Vec<usize>,
    /// Why, in words, for the finding's rationale.
    pub reason: String,
    /// CVSS-like score once raised.
    pub cvss: Option<f32>,
}

/// A compiled, validated rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, part of the interface (`salesforce-consumer-secret`).
    pub id: String,
    /// Short human name.
    pub name: String,
    /// What it finds.
    pub description: String,
    /// Severity before context.
    pub severity: Severity,
    /// Lowercase literals; a blob with none of them is never matched against this rule.
    pub keywords: Vec<String>,
    /// What to do.
    pub remediation: String,
    /// Why it matters.
    pub why: String,
    /// Lines around the secret that count as near in code files.
    pub window: usize,
    /// Rule ids whose findings absorb this rule's finding when they use it as evidence.
    pub yield_to: Vec<String>,
    /// Exact values that are public (reported at `info`).
    pub public_values: Vec<String>,
    /// Patterns of public values (reported at `info`).
    pub public_patterns: Vec<LazyRegex>,
    /// Placeholder shape checks look only after this marker (e.g. `!` in access tokens).
    pub placeholder_from: Option<String>,
    /// What a test file does to its findings.
    pub in_tests: InTests,
    /// File-name globs the rule is limited to (none: every file).
    pub paths: Option<LazyGlobs>,
    /// The glob texts, for display.
    pub path_globs: Vec<String>,
    /// Binary files (keystores) reported whole when they sit in a Salesforce DX project.
    pub binary_paths: Option<LazyGlobs>,
    /// Built-in analyzer run instead of (or beside) the patterns.
    pub analyzer: Option<Analyzer>,
    /// CVSS-like score at the base severity.
    pub cvss: f32,
    /// Whether the matched value is a secret (posture findings are not, and are shown in full).
    pub sensitive: bool,
    /// Ways the rule matches.
    pub patterns: Vec<Pattern>,
    /// Severity raises.
    pub escalate: Vec<Escalation>,
    /// Texts the rule must find.
    pub examples: Vec<Example>,
    /// Texts the rule must not find.
    pub negative_examples: Vec<Example>,
    /// The file the rule came from.
    pub source: String,
}

/// Default window of lines around a secret that counts as near, in code files.
pub const DEFAULT_WINDOW: usize = 30;

/// All signals and rules in force for a run.
#[derive(Debug)]
pub struct RuleSet {
    /// Context signals, referenced by index from patterns and escalations.
    pub signals: Vec<Signal>,
    /// Rules, in load order.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The embedded pack alone.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        RuleSet::load(&[])
    }

    /// The embedded pack plus extra rule files.
    pub fn load(extra: &[&Path]) -> Result<RuleSet, RuleError> {
        let mut texts: Vec<(String, String)> = Vec::new();
        for path in extra {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| RuleError::Read {
                file: file.clone(),
                source,
            })?;
            texts.push((file, text));
        }
        RuleSet::with_builtin(&texts)
    }

    /// The embedded pack, its regexes compiled at first use, plus (file name, TOML text)
    /// pairs checked in full now.
    pub fn with_builtin(extra: &[(String, String)]) -> Result<RuleSet, RuleError> {
        let builtin = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string(), Compile::Deferred));
        let extra = extra
            .iter()
            .map(|(n, t)| (n.clone(), t.clone(), Compile::Checked));
        RuleSet::from_sources(builtin.chain(extra).collect())
    }

    /// Builds a rule set from (file name, TOML text) pairs, every regex compiled and checked.
    pub fn from_texts(texts: &[(String, String)]) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(
            texts
                .iter()
                .map(|(n, t)| (n.clone(), t.clone(), Compile::Checked))
                .collect(),
        )
    }

    fn from_sources(texts: Vec<(String, String, Compile)>) -> Result<RuleSet, RuleError> {
        let mut parsed = Vec::new();
        for (file, text, compile) in &texts {
            let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Syntax {
                file: file.clone(),
                message: toml_error(&e, text),
            })?;
            parsed.push((file.clone(), raw, *compile));
        }

        let mut signals: Vec<Signal> = Vec::new();
        for (file, raw, compile) in &parsed {
            for s in &raw.signal {
                let bad = |message: String| RuleError::Invalid {
                    file: file.clone(),
                    what: "signal",
                    id: s.id.clone(),
                    message,
                };
                if signals.iter().any(|x| x.id == s.id) {
                    return Err(bad("duplicate signal id".into()));
                }
                let regex = compile.regex(&s.regex).map_err(|e| bad(regex_error(&e)))?;
                signals.push(Signal {
                    id: s.id.clone(),
                    description: s.description.clone(),
                    regex,
                    redact: s.redact,
                });
            }
        }

        let mut rules: Vec<Rule> = Vec::new();
        for (file, raw, compile) in parsed {
            for r in raw.rule {
                let rule = compile_rule(&file, r, &signals, compile)?;
                if rules.iter().any(|x| x.id == rule.id) {
                    return Err(RuleError::Invalid {
                        file,
                        what: "rule",
                        id: rule.id,
                        message: "duplicate rule id".into(),
                    });
                }
                rules.push(rule);
            }
        }
        let ids: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        for rule in &rules {
            if let Some(unknown) = rule.yield_to.iter().find(|y| !ids.contains(y.as_str())) {
                return Err(RuleError::Invalid {
                    file: rule.source.clone(),
                    what: "rule",
                    id: rule.id.clone(),
                    message: format!("yield_to names unknown rule '{unknown}'"),
                });
            }
        }
        Ok(RuleSet { signals, rules })
    }

    /// Removes the rules with these ids; an unknown id is an error naming it.
    pub fn disable(&mut self, ids: &[String]) -> Result<(), String> {
        if let Some(unknown) = ids.iter().find(|id| self.rule(id).is_none()) {
            return Err(format!("unknown rule '{unknown}'"));
        }
        self.rules.retain(|r| !ids.contains(&r.id));
        for r in &mut self.rules {
            r.yield_to.retain(|y| !ids.contains(y));
        }
        Ok(())
    }

    /// Looks a rule up by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// When a rule file's regexes are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compile {
    /// Now, with every check: a user's file fails the run before any byte is read.
    Checked,
    /// At first use: the embedded pack, which its tests compile and check whole.
    Deferred,
}

impl Compile {
    fn regex(self, src: &str) -> Result<LazyRegex, regex::Error> {
        match self {
            Compile::Checked => LazyRegex::checked(src),
            Compile::Deferred => Ok(LazyRegex::deferred(src)),
        }
    }
}

fn compile_rule(
    file: &str,
    r: RawRule,
    signals: &[Signal],
    compile: Compile,
) -> Result<Rule, RuleError> {
    let bad = |message: String| RuleError::Invalid {
        file: file.to_string(),
        what: "rule",
        id: r.id.clone(),
        message,
    };
    if r.id.trim().is_empty() || r.id.contains(char::is_whitespace) {
        return Err(bad("id must be a non-empty word".into()));
    }
    let severity: Severity = r.severity.parse().map_err(bad)?;
    if r.keywords.is_empty() || r.keywords.iter().any(|k| k.is_empty()) {
        return Err(bad(
            "keywords must list at least one non-empty literal (the prefilter)".into(),
        ));
    }
    let analyzer = match r.analyzer.as_deref() {
        None => None,
        Some("connected-app-posture") => Some(Analyzer::ConnectedAppPosture),
        Some(other) => return Err(bad(format!("unknown analyzer '{other}'"))),
    };
    if r.pattern.is_empty() && analyzer.is_none() {
        return Err(bad(
            "needs at least one [[rule.pattern]] or an analyzer".into()
        ));
    }
    let globs = |key: &str, list: &[String]| -> Result<Option<LazyGlobs>, RuleError> {
        if list.is_empty() {
            return Ok(None);
        }
        let parsed = list
            .iter()
            .map(|p| {
                globset::GlobBuilder::new(p)
                    .case_insensitive(true)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| bad(format!("{key}: '{p}': {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let set = LazyGlobs::new(parsed, compile == Compile::Checked);
        Ok(Some(set.map_err(|e| bad(format!("{key}: {e}")))?))
    };
    let paths = globs("paths", &r.paths)?;
    let binary_paths = globs("binary_paths", &r.binary_paths)?;
    let cvss_ok = |c: Option<f32>| c.is_none_or(|c| (0.0..=10.0).contains(&c));
    if !cvss_ok(r.cvss) || !r.escalate.iter().all(|e| cvss_ok(e.cvss)) {
        return Err(bad("cvss must be between 0.0 and 10.0".into()));
    }
    let signal_index = |id: &str| -> Result<usize, RuleError> {
        signals
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| bad(format!("unknown signal '{id}'")))
    };
    // a field's regex, its error naming the field
    let field_regex = |what: &str, src: &str| -> Result<LazyRegex, RuleError> {
        compile
            .regex(src)
            .map_err(|e| bad(format!("{what}: {}", regex_error(&e))))
    };
    let optional_regex =
        |what: &str, src: &Option<String>| -> Result<Option<LazyRegex>, RuleError> {
            src.as_deref().map(|s| field_regex(what, s)).transpose()
        };

    let mut patterns = Vec::new();
    for p in &r.pattern {
        let regex = compile.regex(&p.regex).map_err(|e| bad(regex_error(&e)))?;
        // the group checks compile the regex: the embedded pack's tests make them
        let checked = compile == Compile::Checked;
        if checked && !regex.capture_names().any(|n| n == Some("secret")) {
            return Err(bad(format!(
                "pattern has no named group 'secret': {}",
                p.regex
            )));
        }
        let has_key = || regex.capture_names().any(|n| n == Some("key"));
        if checked && (p.tie_key.is_some() || p.reject_key.is_some()) && !has_key() {
            return Err(bad(
                "tie_key and reject_key need a named group 'key' in the pattern".into(),
            ));
        }
        patterns.push(Pattern {
            regex,
            requires_any: p
                .requires_any
                .iter()
                .map(|s| signal_index(s))
                .collect::<Result<_, _>>()?,
            near: p.near,
            tie_key: optional_regex("tie_key", &p.tie_key)?,
            reject_key: optional_regex("reject_key", &p.reject_key)?,
            reject_before: optional_regex("reject_before", &p.reject_before)?,
            reject_line: optional_regex("reject_line", &p.reject_line)?,
            human: p.human,
            expression_check: p.expression_check,
            decode: match p.decode.as_deref() {
                None => None,
                Some("basic-auth") => Some(Decode::BasicAuth),
                Some("jwt") => Some(Decode::Jwt),
                Some("escaped-lines") => Some(Decode::EscapedLines),
                Some(other) => return Err(bad(format!("unknown decode '{other}'"))),
            },
            or_project: p.or_project,
            also_requires: p
                .also_requires
                .iter()
                .map(|s| signal_index(s))
                .collect::<Result<_, _>>()?,
            paths: globs("pattern paths", &p.paths)?,
            min_len: p.min_len.unwrap_or(0),
            joined: optional_regex("joined", &p.joined)?,
            lines: p.lines.unwrap_or(DEFAULT_PATTERN_LINES),
            keywords: match &p.keywords {
                None => r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
                Some(list) => {
                    let list: Vec<String> = list.iter().map(|k| k.to_ascii_lowercase()).collect();
                    if let Some(k) = list
                        .iter()
                        .find(|k| !r.keywords.iter().any(|rk| rk.eq_ignore_ascii_case(k)))
                    {
                        return Err(bad(format!(
                            "pattern keyword '{k}' is not one of the rule's keywords"
                        )));
                    }
                    list
                }
            },
        });
    }
    let mut escalate = Vec::new();
    for e in &r.escalate {
        escalate.push(Escalation {
            severity: e.severity.parse().map_err(bad)?,
            when_any: e
                .when_any
                .iter()
                .map(|s| signal_index(s))
                .collect::<Result<_, _>>()?,
            reason: e.reason.clone(),
            cvss: e.cvss,
        });
    }
    let in_tests = match r.in_tests.as_deref().unwrap_or("keep") {
        "keep" => InTests::Keep,
        "lower" => InTests::Lower,
        "lower-when-parsed" => InTests::LowerWhenParsed,
        "lower-unless-generated" => match &r.generated_shape {
            Some(shape) => InTests::LowerUnlessGenerated(field_regex("generated_shape", shape)?),
            None => {
                return Err(bad(
                    "in_tests = \"lower-unless-generated\" needs generated_shape".into(),
                ))
            }
        },
        other => {
            return Err(bad(format!(
            "unknown in_tests '{other}' (keep, lower, lower-when-parsed, lower-unless-generated)"
        )))
        }
    };
    if r.generated_shape.is_some() && !matches!(in_tests, InTests::LowerUnlessGenerated(_)) {
        return Err(bad(
            "generated_shape goes with in_tests = \"lower-unless-generated\"".into(),
        ));
    }
    let public_patterns = r
        .public_patterns
        .iter()
        .map(|p| field_regex("public_patterns", p))
        .collect::<Result<_, _>>()?;
    Ok(Rule {
        name: r.name.clone().unwrap_or_else(|| r.id.clone()),
        id: r.id,
        description: r.description,
        severity,
        keywords: r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
        remediation: r.remediation,
        why: r.why,
        window: r.window.unwrap_or(DEFAULT_WINDOW),
        yield_to: r.yield_to,
        public_values: r.public_values,
        public_patterns,
        placeholder_from: r.placeholder_from,
        in_tests,
        paths,
        path_globs: r.paths.clone(),
        binary_paths,
        analyzer,
        cvss: r.cvss.unwrap_or_else(|| default_cvss(severity)),
        sensitive: r.sensitive.unwrap_or(true),
        patterns,
        escalate,
        examples: r.examples,
        negative_examples: r.negative_examples,
        source: file.to_string(),
    })
}

/// The score a rule gets when its file names none: the severity's usual band.
pub fn default_cvss(sev: Severity) -> f32 {
    match sev {
        Severity::Critical => 9.1,
        Severity::High => 7.5,
        Severity::Medium => 5.3,
        Severity::Low => 3.1,
        Severity::Info => 0.0,
    }
}

fn regex_error(e: &regex::Error) -> String {
    format!("invalid regex: {}", one_line(&e.to_string()))
}

/// A TOML error on one line, as `line L, column C: message`, without the snippet of the file
/// that the error's own display draws (the line may hold a secret, such as an allowlisted
/// value); quoted values in the message are redacted for the same reason.
pub fn toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = redact_quoted(&one_line(e.message()));
    match e.span() {
        Some(span) => {
            let upto = &text.as_bytes()[..span.start.min(text.len())];
            let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = upto.len() - line_start + 1;
            match key_before(&upto[line_start..], upto) {
                Some(key) => format!("line {line}, column {column}: {key}: {message}"),
                None => format!("line {line}, column {column}: {message}"),
            }
        }
        None => message,
    }
}

/// The key a value belongs to, when the error points at a value (`values = "…"` gives
/// `allowlist.values` under `[allowlist]`), so the message names the key.
fn key_before(line: &[u8], upto: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(line);
    let key = line.trim_end().strip_suffix('=')?.trim();
    let bare = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if !bare(key) {
        return None;
    }
    let table = String::from_utf8_lossy(upto)
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match table {
        Some(t) if bare(&t) => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// Redacts every double-quoted fragment of a message that is long enough to be a secret.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        let Some(len) = rest[open + 1..].find('"') else {
            break;
        };
        let inner = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..=open]);
        if inner.chars().count() > 5 {
            out.push_str(&crate::finding::redact(inner));
        } else {
            out.push_str(inner);
        }
        out.push('"');
        rest = &rest[open + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Folds a multi-line message (TOML and regex errors draw carets) into one line.
fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(extra: &str) -> Result<RuleSet, RuleError> {
        let mut texts: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        texts.push(("extra.toml".into(), extra.into()));
        RuleSet::from_texts(&texts)
    }

    /// The embedded pack is compiled at first use, so its every regex and group check is
    /// made here: a bad regex in it fails this test instead of a user's scan.
    #[test]
    fn embedded_pack_passes_every_check_when_compiled_up_front() {
        let texts: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let set = RuleSet::from_texts(&texts).expect("embedded pack, checked");
        assert!(set.signals.iter().all(|s| s.regex.is_compiled()));
        let lazy = RuleSet::builtin().expect("embedded pack, deferred");
        assert!(lazy.signals.iter().all(|s| !s.regex.is_compiled()));
        assert!(lazy
            .rules
            .iter()
            .flat_map(|r| &r.patterns)
            .all(|p| !p.regex.is_compiled()));
    }

    #[test]
    fn a_bad_regex_in_a_user_rule_file_fails_the_load() {
        let err = RuleSet::with_builtin(&[(
            "mine.toml".into(),
            r#"[[rule]]
id = "mine"
description = "d"
severity = "low"
keywords = ["zz"]
remediation = "r"
why = "w"
[[rule.pattern]]
regex = '(?P<secret>zz[a-z]+'
"#
            .into(),
        )])
        .expect_err("unclosed group");
        let text = err.to_string();
        assert!(
            text.contains("mine.toml") && text.contains("invalid regex"),
            "{text}"
        );
    }

    #[test]
    fn builtin_pack_loads_with_unique_ids() {
        let set = RuleSet::builtin().expect("builtin rules load");
        assert!(set.rules.len() >= 6);
        let ids: HashSet<_> = set.rules.iter().map(|r| &r.id).collect();
        assert_eq!(ids.len(), set.rules.len());
    }

    #[test]
    fn duplicate_rule_id_names_file_and_rule() {
        let err = load(
            r#"[[rule]]
id = "salesforce-consumer-key"
description = "d"
severity = "low"
keywords = ["x"]
remediation = "r"
[[rule.pattern]]
regex = '(?P<secret>x)'
"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("extra.toml"), "{err}");
        assert!(err.contains("salesforce-consumer-key"), "{err}");
        assert!(err.contains("duplicate"), "{err}");
    }

    #[test]
    fn missing_secret_group_and_bad_regex_are_errors() {
        let base = |regex: &str| {
            format!(
                "[[rule]]\nid = \"my-rule\"\ndescription = \"d\"\nseverity = \"low\"\nkeywords = [\"x\"]\nremediation = \"r\"\n[[rule.pattern]]\nregex = '{regex}'\n"
            )
        };
        let e = load(&base("x+")).unwrap_err().to_string();
        assert!(e.contains("my-rule") && e.contains("secret"), "{e}");
        let e = load(&base("(?P<secret>[x")).unwrap_err().to_string();
        assert!(e.contains("my-rule") && e.contains("invalid regex"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[test]
    fn unknown_keys_and_signals_are_errors() {
        let e = load("[[rule]]\nid = \"a\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("extra.toml") && e.contains("bogus"), "{e}");
        let e = load(
            "[[rule]]\nid = \"a\"\ndescription = \"d\"\nseverity = \"low\"\nkeywords = [\"x\"]\nremediation = \"r\"\n[[rule.pattern]]\nregex = '(?P<secret>x)'\nrequires_any = [\"nope\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown signal 'nope'"), "{e}");
    }

    #[test]
    fn in_tests_and_generated_shape_must_agree() {
        let rule = |extra: &str| {
            format!(
                "[[rule]]\nid = \"a\"\ndescription = \"d\"\nseverity = \"low\"\nkeywords = [\"x\"]\nremediation = \"r\"\n{extra}\n[[rule.pattern]]\nregex = '(?P<secret>x)'\n"
            )
        };
        for (extra, want) in [
            ("in_tests = \"sometimes\"", "unknown in_tests 'sometimes'"),
            (
                "in_tests = \"lower-unless-generated\"",
                "needs generated_shape",
            ),
            ("generated_shape = '^x$'", "generated_shape goes with"),
        ] {
            let e = load(&rule(extra)).unwrap_err().to_string();
            assert!(e.contains(want) && e.contains("extra.toml"), "{extra}: {e}");
        }
        let ok = load(&rule(
            "in_tests = \"lower-unless-generated\"\ngenerated_shape = '^x$'",
        ));
        assert!(ok.is_ok(), "{ok:?}");
    }
}
