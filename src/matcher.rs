//! Turns bytes into findings: keyword prefilter -> rule regexes -> value checks -> context
//! (signals near the value) -> severity and evidence -> de-duplication.
//!
//! The matcher is shared by every source (files, git blobs, the index); it knows a path only to
//! scope context (config file or code) and to label findings.

use crate::filekind::FileKind;
use crate::finding::{fingerprint, Evidence, Finding, Severity, Suppression};
use crate::lines::LineIndex;
use crate::metadata;
use crate::placeholder::{is_placeholder, looks_like_expression};
use crate::rules::{default_cvss, Analyzer, Decode, Pattern, Rule, RuleSet};
use crate::suppress::is_allowed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use base64::Engine;
use std::collections::HashSet;
use std::ops::Range;

/// Bytes of the line before a match that `reject_before` looks at.
const BEFORE_LOOKBACK: usize = 64;
/// Longest evidence text kept (longer signal matches are cut).
const EVIDENCE_MAX: usize = 120;

/// A compiled rule set with its prefilter; cheap to share between threads.
#[derive(Debug)]
pub struct Matcher {
    rules: RuleSet,
    prefilter: AhoCorasick,
    /// For each prefilter literal, the rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    /// For each rule, for each pattern, the prefilter literals it is searched around.
    pattern_literals: Vec<Vec<Vec<usize>>>,
    /// Length of the longest keyword: how far lowercased chunks overlap.
    longest_keyword: usize,
}

/// Bytes lowercased at a time for the keyword search.
const CHUNK: usize = 64 * 1024;

thread_local! {
    /// Each worker's buffer for lowercased chunks, reused from blob to blob.
    static LOWER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(CHUNK + 64));
}

/// One occurrence of a context signal.
#[derive(Debug, Clone, Copy)]
struct SignalHit {
    signal: usize,
    start: usize,
    end: usize,
    line: usize,
}

/// The lazily built view of a blob that has at least one candidate. Signals are searched
/// only in the byte range candidates need (the lines within reach of them in code, the whole
/// file in config files), growing as candidates further away come up.
struct Context<'a> {
    data: &'a [u8],
    lines: LineIndex,
    signals: &'a [crate::rules::Signal],
    hits: std::cell::RefCell<Vec<SignalHit>>,
    covered: std::cell::Cell<Option<(usize, usize)>>,
}

impl<'a> Context<'a> {
    fn new(data: &'a [u8], rules: &'a RuleSet) -> Context<'a> {
        Context {
            data,
            lines: LineIndex::new(data),
            signals: &rules.signals,
            hits: std::cell::RefCell::new(Vec::new()),
            covered: std::cell::Cell::new(None),
        }
    }

    /// Makes sure signals are known within `reach` lines of `line` (`None`: the whole blob).
    fn ensure(&self, line: usize, reach: Option<usize>) {
        let (start, end) = match reach {
            None => (0, self.data.len()),
            Some(r) => {
                let first = line.saturating_sub(r).max(1);
                let last = (line + r).min(self.lines.len());
                let start = self.lines.line_range(self.data, first).start;
                let end = self.lines.line_range(self.data, last).end;
                // take the line ending too, so `\b` and `$` see the same as in the whole file
                let end = (end + 2).min(self.data.len());
                (start, end)
            }
        };
        let parts: Vec<(usize, usize)> = match self.covered.get() {
            None => vec![(start, end)],
            Some((cs, ce)) if start >= cs && end <= ce => return,
            Some((cs, ce)) => {
                let mut parts = Vec::new();
                if start < cs {
                    parts.push((start, cs));
                }
                if end > ce {
                    parts.push((ce, end));
                }
                self.covered.set(Some((start.min(cs), end.max(ce))));
                parts
            }
        };
        if self.covered.get().is_none() {
            self.covered.set(Some((start, end)));
        }
        let mut hits = self.hits.borrow_mut();
        for (part_start, to) in parts {
            // start at a line boundary so anchors and `\b` behave as in the whole file; hits in
            // the part of that line already covered are known
            let from = self
                .lines
                .line_range(self.data, self.lines.line_of(part_start))
                .start;
            for (i, signal) in self.signals.iter().enumerate() {
                for m in signal.regex.find_iter(&self.data[from..to]) {
                    let (s, e) = (from + m.start(), from + m.end());
                    let known =
                        s < part_start && hits.iter().any(|h| h.signal == i && h.start == s);
                    if !known {
                        hits.push(SignalHit {
                            signal: i,
                            start: s,
                            end: e,
                            line: self.lines.line_of(s),
                        });
                    }
                }
            }
        }
    }

    /// The nearest hit of one of `signals` within `within` lines of `line` (anywhere in the
    /// blob for `None`), ignoring hits that overlap the secret itself.
    fn nearest(
        &self,
        signals: &[usize],
        line: usize,
        within: Option<usize>,
        secret: (usize, usize),
    ) -> Option<SignalHit> {
        self.ensure(line, within);
        self.hits
            .borrow()
            .iter()
            .filter(|h| signals.contains(&h.signal))
            .filter(|h| h.end <= secret.0 || h.start >= secret.1)
            .filter(|h| within.is_none_or(|w| h.line.abs_diff(line) <= w))
            .min_by_key(|h| (h.line.abs_diff(line), h.start))
            .copied()
    }

    /// An inline allow on `line` or the line before it.
    fn allowed(&self, line: usize) -> Option<Suppression> {
        let previous = (line > 1).then(|| self.line_bytes(line - 1));
        is_allowed(self.line_bytes(line), previous).then_some(Suppression::Inline)
    }

    fn line_bytes(&self, line: usize) -> &'a [u8] {
        &self.data[self.lines.line_range(self.data, line)]
    }

    fn text(&self, start: usize, end: usize) -> String {
        String::from_utf8_lossy(&self.data[start..end]).into_owned()
    }
}

/// What the source knows about a blob besides its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlobContext {
    /// The blob lies inside a Salesforce DX project (an `sfdx-project.json` above it).
    pub salesforce_project: bool,
}

/// One blob's labels, as the matcher uses them.
#[derive(Clone, Copy)]
struct Blob<'a> {
    path: &'a str,
    kind: FileKind,
    project: bool,
}

/// A finding before de-duplication, with the spans it was built from.
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    evidence_spans: Vec<(usize, usize)>,
    finding: Finding,
}

impl Matcher {
    /// Builds the prefilter over every rule's keywords.
    pub fn new(rules: RuleSet) -> Result<Matcher, aho_corasick::BuildError> {
        let mut literals: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (ri, rule) in rules.rules.iter().enumerate() {
            for kw in &rule.keywords {
                match literals.iter().position(|l| l == kw) {
                    Some(i) => keyword_rules[i].push(ri),
                    None => {
                        literals.push(kw.clone());
                        keyword_rules.push(vec![ri]);
                    }
                }
            }
        }
        // keywords are lowercase and searched in lowercased data (see `keyword_hits`)
        let prefilter = AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&literals)?;
        let longest_keyword = literals.iter().map(String::len).max().unwrap_or(1);
        let pattern_literals = rules
            .rules
            .iter()
            .map(|r| {
                r.patterns
                    .iter()
                    .map(|p| {
                        p.keywords
                            .iter()
                            .filter_map(|k| literals.iter().position(|l| l == k))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Ok(Matcher {
            rules,
            prefilter,
            keyword_rules,
            pattern_literals,
            longest_keyword,
        })
    }

    /// The rules in force.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Where each prefilter literal occurs in `data`, in order.
    ///
    /// Keywords are matched without regard to ASCII case by lowercasing the data, in chunks,
    /// into a per-thread buffer and searching that case-sensitively: the case-insensitive
    /// automaton cannot use the SIMD search and was four times slower.
    fn keyword_hits(&self, data: &[u8]) -> Vec<Vec<usize>> {
        let mut hits = vec![Vec::new(); self.keyword_rules.len()];
        LOWER.with(|buf| {
            let mut buf = buf.borrow_mut();
            let overlap = self.longest_keyword.saturating_sub(1);
            let mut chunk = 0;
            while chunk < data.len() {
                let end = (chunk + CHUNK + overlap).min(data.len());
                buf.clear();
                buf.extend(data[chunk..end].iter().map(u8::to_ascii_lowercase));
                // leftmost, non-overlapping; the keywords do not nest in one another, so no
                // rule's keyword hides behind another's
                for m in self.prefilter.find_iter(&buf[..]) {
                    // a match starting in the overlap belongs to the next chunk
                    if m.start() >= CHUNK {
                        break;
                    }
                    hits[m.pattern().as_usize()].push(chunk + m.start());
                }
                chunk += CHUNK;
            }
        });
        hits
    }

    /// True when a rule reports this binary file whole (a keystore in an SFDX project), so a
    /// source must hand it over instead of skipping it as binary.
    pub fn wants_binary(&self, path: &str, bctx: BlobContext) -> bool {
        bctx.salesforce_project && self.binary_rule(path).is_some()
    }

    fn binary_rule(&self, path: &str) -> Option<&Rule> {
        let plain = path.strip_prefix("./").unwrap_or(path);
        self.rules
            .rules
            .iter()
            .find(|r| r.binary_paths.as_ref().is_some_and(|g| g.is_match(plain)))
    }

    /// A keystore reported whole: the secret is its content's hash, so the fingerprint is stable.
    fn keystore(&self, data: &[u8], path: &str, rule: &Rule) -> Finding {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(data);
        let secret: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let mut f = finding_for(rule, path, secret, (1, 1, 0));
        f.message = format!("{} (a keystore file)", rule.name);
        f.rationale = format!(
            "{}: a keystore committed inside a Salesforce DX project",
            rule.severity
        );
        f
    }

    /// Finds every secret in one blob. `path` labels the findings and decides the context
    /// scope; findings come back sorted by line, column and rule.
    pub fn find(&self, data: &[u8], path: &str) -> Vec<Finding> {
        self.find_with(data, path, BlobContext::default())
    }

    /// [`Matcher::find`] with what the source knows about the blob.
    pub fn find_with(&self, data: &[u8], path: &str, bctx: BlobContext) -> Vec<Finding> {
        if bctx.salesforce_project {
            if let Some(rule) = self.binary_rule(path) {
                if crate::source::looks_binary(data) {
                    return vec![self.keystore(data, path, rule)];
                }
            }
        }
        let hits = self.keyword_hits(data);
        if hits.iter().all(Vec::is_empty) {
            return Vec::new();
        }
        let plain = path.strip_prefix("./").unwrap_or(path);
        let mut on = vec![false; self.rules.rules.len()];
        for (li, h) in hits.iter().enumerate() {
            if !h.is_empty() {
                for &ri in &self.keyword_rules[li] {
                    on[ri] = true;
                }
            }
        }
        for (ri, rule) in self.rules.rules.iter().enumerate() {
            if rule.paths.as_ref().is_some_and(|g| !g.is_match(plain)) {
                on[ri] = false;
            }
        }
        let blob = Blob {
            path,
            kind: FileKind::of(path),
            project: bctx.salesforce_project,
        };
        let mut ctx: Option<Context> = None;
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
        for (ri, rule) in self.rules.rules.iter().enumerate() {
            if !on[ri] {
                continue;
            }
            for (pi, pattern) in rule.patterns.iter().enumerate() {
                // only the lines around the pattern's keywords: each is inside its match or
                // within `pattern.lines` of it
                let mut around: Vec<usize> = self.pattern_literals[ri][pi]
                    .iter()
                    .flat_map(|&li| hits[li].iter().copied())
                    .collect();
                around.sort_unstable();
                for window in windows(data, &around, pattern.lines) {
                    // most windows hold no match: the capture-free check is much cheaper
                    if !pattern.regex.is_match(&data[window.clone()]) {
                        continue;
                    }
                    let base = window.start;
                    for caps in pattern.regex.captures_iter(&data[window]) {
                        let (Some(secret), Some(whole)) = (caps.name("secret"), caps.get(0)) else {
                            continue;
                        };
                        let span = (base + secret.start(), base + secret.end());
                        if seen.contains(&(ri, span.0, span.1)) {
                            continue;
                        }
                        let ctx = ctx.get_or_insert_with(|| Context::new(data, &self.rules));
                        let key = caps
                            .name("key")
                            .map(|k| ctx.text(base + k.start(), base + k.end()));
                        let start = base + whole.start();
                        if let Some(c) =
                            self.candidate(ctx, ri, rule, pattern, blob, span, start, key)
                        {
                            seen.insert((ri, span.0, span.1));
                            candidates.push(c);
                        }
                    }
                }
            }
            if rule.analyzer == Some(Analyzer::ConnectedAppPosture) {
                let ctx = ctx.get_or_insert_with(|| Context::new(data, &self.rules));
                candidates.extend(self.posture(ctx, ri, rule, blob));
            }
        }
        self.settle(candidates)
    }

    /// The connected-app posture analyzer's finding for a metadata file, if the client
    /// credentials flow is enabled. A malformed file is warned about, not a crash.
    fn posture(&self, ctx: &Context, ri: usize, rule: &Rule, blob: Blob) -> Option<Candidate> {
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

    /// Checks one regex match and, if it is a secret, builds its candidate finding.
    #[allow(clippy::too_many_arguments)]
    fn candidate(
        &self,
        ctx: &Context,
        ri: usize,
        rule: &Rule,
        pattern: &Pattern,
        blob: Blob,
        (start, end): (usize, usize),
        match_start: usize,
        key: Option<String>,
    ) -> Option<Candidate> {
        let (kind, path) = (blob.kind, blob.path);
        let data = ctx.data;
        let raw = String::from_utf8_lossy(&data[start..end]).into_owned();
        // form bodies and query strings carry values percent-encoded (`%2B`, `%40`)
        let value = percent_decode(&raw).unwrap_or(raw);
        let decoded_key = match pattern.decode {
            Some(Decode::BasicAuth) => Some(basic_auth_key(&value, rule)?),
            None => None,
        };
        if let (Some(re), Some(k)) = (&pattern.reject_key, &key) {
            if re.is_match(k.as_bytes()) {
                return None;
            }
        }
        let line = ctx.lines.line_of(start);
        let line_range = ctx.lines.line_range(data, line);
        if let Some(re) = &pattern.reject_before {
            let from = match_start
                .saturating_sub(BEFORE_LOOKBACK)
                .max(line_range.start);
            if re.is_match(&data[from..match_start]) {
                return None;
            }
        }
        // a value ending in ':' is the next key (`[:password], security_token:`), not a value
        if value.ends_with(':') || is_placeholder(&value, rule.placeholder_from.as_deref()) {
            return None;
        }
        if pattern.expression_check && kind == FileKind::Code {
            let quoted = start > 0 && matches!(data[start - 1], b'"' | b'\'' | b'`' | b'>');
            if !quoted && looks_like_expression(&value, data.get(end).copied()) {
                return None;
            }
        }

        // tie to Salesforce: by the key's own name, or by a required signal near it
        let window = match kind {
            FileKind::Config => None,
            FileKind::Code => Some(rule.window),
        };
        let mut reasons: Vec<String> = Vec::new();
        let mut evidence: Vec<(Evidence, (usize, usize))> = Vec::new();
        let tied_by_key = match (&pattern.tie_key, &key) {
            (Some(re), Some(k)) if re.is_match(k.as_bytes()) => Some(k.clone()),
            _ => None,
        };
        if let Some(k) = &decoded_key {
            reasons.push("decodes to a consumer key and secret pair".into());
            evidence.push((
                Evidence {
                    kind: "decoded-consumer-key".into(),
                    line,
                    text: k.clone(),
                    sensitive: true,
                },
                (start, start),
            ));
        } else if let Some(k) = &tied_by_key {
            reasons.push(format!("tied to Salesforce by its name `{k}`"));
            evidence.push((
                Evidence {
                    kind: "key-name".into(),
                    line,
                    text: k.clone(),
                    sensitive: false,
                },
                (match_start, match_start),
            ));
        } else if !pattern.requires_any.is_empty() || pattern.tie_key.is_some() {
            let within = pattern.near.or(window);
            match ctx.nearest(&pattern.requires_any, line, within, (start, end)) {
                Some(hit) => reasons.push(format!(
                    "tied to Salesforce by {} at line {}",
                    self.rules.signals[hit.signal].id, hit.line
                )),
                None if pattern.or_project && blob.project => {
                    reasons.push("it sits in a Salesforce DX project".into())
                }
                None => return None,
            }
        } else {
            reasons.push("its format identifies it".into());
        }

        let mut severity = rule.severity;
        let mut cvss = rule.cvss;
        for esc in &rule.escalate {
            if esc.severity <= severity {
                continue;
            }
            if let Some(hit) = ctx.nearest(&esc.when_any, line, window, (start, end)) {
                severity = esc.severity;
                cvss = esc.cvss.unwrap_or_else(|| default_cvss(esc.severity));
                reasons.push(format!(
                    "raised to {}: {} ({} at line {})",
                    esc.severity, esc.reason, self.rules.signals[hit.signal].id, hit.line
                ));
            }
        }
        if rule.public_values.iter().any(|v| v == &value)
            || rule
                .public_patterns
                .iter()
                .any(|re| re.is_match(value.as_bytes()))
        {
            severity = Severity::Info;
            cvss = 0.0;
            reasons.push("a known public or documentation value, so only info".into());
        }

        for (si, signal) in self.rules.signals.iter().enumerate() {
            if let Some(hit) = ctx.nearest(&[si], line, window, (start, end)) {
                evidence.push((
                    Evidence {
                        kind: signal.id.clone(),
                        line: hit.line,
                        text: clip(ctx.text(hit.start, hit.end).trim()),
                        sensitive: signal.redact,
                    },
                    (hit.start, hit.end),
                ));
            }
        }
        evidence.sort_by(|a, b| a.0.line.cmp(&b.0.line).then(a.0.kind.cmp(&b.0.kind)));

        let place = (line, ctx.lines.column_of(data, start), start);
        let mut finding = finding_for(rule, path, value, place);
        finding.severity = severity;
        finding.cvss = cvss;
        if let Some(k) = &key {
            finding.message = format!("{} in `{}`", rule.name, k);
        }
        finding.rationale = format!("{}: {}", severity, reasons.join("; "));
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

    /// Drops candidates inside another rule's finding (a refresh token inside an auth URL),
    /// drops findings that yield to a finding using them as evidence (a consumer key beside its
    /// secret), and sorts.
    fn settle(&self, mut candidates: Vec<Candidate>) -> Vec<Finding> {
        // on one span the higher severity wins, then the more specific (path-scoped) rule
        let scoped = |c: &Candidate| self.rules.rules[c.rule].paths.is_some();
        candidates.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(b.finding.severity.cmp(&a.finding.severity))
                .then(scoped(b).cmp(&scoped(a)))
        });
        let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
        let mut cover: Option<(usize, usize)> = None; // (end, rule) of the widest-reaching kept span
        for c in candidates {
            if let Some((end, rule)) = cover {
                if c.end <= end && rule != c.rule {
                    continue;
                }
            }
            if cover.is_none_or(|(end, _)| c.end > end) {
                cover = Some((c.end, c.rule));
            }
            kept.push(c);
        }

        let used_as_evidence: Vec<(String, (usize, usize))> = kept
            .iter()
            .flat_map(|c| {
                let id = &self.rules.rules[c.rule].id;
                c.evidence_spans.iter().map(move |s| (id.clone(), *s))
            })
            .collect();
        let mut findings: Vec<Finding> = kept
            .into_iter()
            .filter(|c| {
                let yield_to = &self.rules.rules[c.rule].yield_to;
                !used_as_evidence
                    .iter()
                    .any(|(id, (s, e))| yield_to.contains(id) && *s < c.end && c.start < *e)
            })
            .map(|c| c.finding)
            .collect();
        findings.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
        findings
    }
}

/// The byte ranges, whole lines from `before` lines above each hit to `after` lines below it,
/// merged where they touch; hits come sorted.
///
/// Linear in the data however many hits there are: a hit on the line of the hit before it adds
/// nothing, and the backward search for a window's start never passes the previous window's end
/// (a start found there merges anyway), so a 100 MB line with a keyword every few bytes is not
/// searched once per hit.
fn windows(data: &[u8], hits: &[usize], [before, after]: [usize; 2]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // end of the line holding the previous hit (just past its newline)
    let mut line_end = 0;
    for &h in hits {
        if h < line_end {
            continue;
        }
        let floor = out.last().map_or(0, |w| w.end);
        let line_start = |pos: usize| {
            if pos <= floor {
                return pos;
            }
            memchr::memrchr(b'\n', &data[floor..pos]).map_or(floor, |i| floor + i + 1)
        };
        let mut start = line_start(h);
        for _ in 0..before {
            if start <= floor {
                break;
            }
            start = line_start(start - 1);
        }
        let mut end = h;
        for i in 0..=after {
            end = memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |n| end + n + 1);
            if i == 0 {
                line_end = end;
            }
            if end == data.len() {
                break;
            }
        }
        match out.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// A finding of `rule` for `secret` at (line, column, byte offset), with the rule's
/// severity, score, name and remediation; callers adjust what their context changes.
fn finding_for(rule: &Rule, path: &str, secret: String, place: (usize, usize, usize)) -> Finding {
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
    }
}

/// Decodes `%XX` escapes when the value has any and all are well formed; `None` otherwise.
fn percent_decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// For `Authorization: Basic` values: the decoded consumer key, when the value decodes to
/// `key:secret` with a generated key and a secret that is not a placeholder.
fn basic_auth_key(value: &str, rule: &Rule) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (key, secret) = text.split_once(':')?;
    let key_ok = key.len() >= 45
        && key.starts_with("3MVG9")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
    let secret_ok = secret.len() >= 8
        && !secret.chars().any(char::is_whitespace)
        && !is_placeholder(secret, rule.placeholder_from.as_deref());
    (key_ok && secret_ok).then(|| key.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(RuleSet::builtin().expect("rules")).expect("matcher")
    }

    const KEY: &str =
        "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm";
    const HEX: &str = "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248";

    #[test]
    fn builtin_keywords_do_not_nest() {
        // the prefilter's leftmost search relies on it: a keyword inside another could hide
        let set = RuleSet::builtin().expect("rules");
        let kws: Vec<&String> = set.rules.iter().flat_map(|r| &r.keywords).collect();
        for a in &kws {
            for b in &kws {
                assert!(a == b || !a.contains(b.as_str()), "'{b}' nests in '{a}'");
            }
        }
    }

    #[test]
    fn windows_cover_whole_lines_around_hits_and_merge() {
        let data = b"l1\nl2\nl3 hit\nl4\nl5\nl6\nl7 hit\nl8";
        let h1 = 9; // inside "l3 hit"
        let h2 = data.len() - 6; // inside "l7 hit"
        let w = windows(data, &[h1], [1, 1]);
        assert_eq!(&data[w[0].clone()], b"l2\nl3 hit\nl4\n");
        let w = windows(data, &[h1, h2], [1, 1]);
        assert_eq!(w.len(), 2);
        let w = windows(data, &[h1, h2], [2, 2]);
        assert_eq!(w.len(), 1, "touching windows merge");
        let w = windows(data, &[h2], [0, 5]);
        assert_eq!(&data[w[0].clone()], b"l7 hit\nl8", "clamped at the end");
        let w = windows(data, &[1], [5, 0]);
        assert_eq!(w[0].start, 0, "clamped at the start");
    }

    #[test]
    fn windowed_search_finds_what_a_whole_file_search_finds_in_every_fixture() {
        let windowed = matcher();
        let mut set = RuleSet::builtin().expect("rules");
        for p in set.rules.iter_mut().flat_map(|r| r.patterns.iter_mut()) {
            p.lines = [1 << 30, 1 << 30];
        }
        let whole = Matcher::new(set).expect("matcher");
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("testdata readable")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let data = std::fs::read(&path).expect("fixture readable");
                let name = path.display().to_string();
                let key = |f: &Finding| (f.rule.clone(), f.line, f.column, f.severity);
                let a: Vec<_> = windowed.find(&data, &name).iter().map(key).collect();
                let b: Vec<_> = whole.find(&data, &name).iter().map(key).collect();
                assert_eq!(a, b, "{name}");
                files += 1;
            }
        }
        assert!(files > 50, "{files} fixtures");
    }

    #[test]
    fn keywords_are_found_in_any_case_and_across_chunk_boundaries() {
        let m = matcher();
        let ri = m.keyword_rules.iter().position(|rules| {
            rules
                .iter()
                .any(|&r| m.rules.rules[r].id == "salesforce-consumer-secret")
        });
        let ri = ri.expect("literal 'secret'");
        let mut data = vec![b' '; CHUNK - 3];
        data.extend_from_slice(b"SeCrEt and more text");
        let hits = m.keyword_hits(&data);
        assert_eq!(
            hits[ri],
            vec![CHUNK - 3],
            "a keyword straddling the chunk edge"
        );
        let mut data = vec![b' '; CHUNK];
        data.extend_from_slice(b"SECRET");
        assert_eq!(m.keyword_hits(&data)[ri], vec![CHUNK]);
    }

    #[test]
    fn blob_without_keywords_yields_nothing() {
        assert!(matcher().find(b"fn main() {}\n", "main.rs").is_empty());
    }

    #[test]
    fn secret_position_is_the_value() {
        let text = format!("x = 1\n  SF_CLIENT_SECRET={HEX}\n");
        let f = matcher().find(text.as_bytes(), "a.sh");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].column), (2, 20));
        assert_eq!(f[0].secret, HEX);
    }

    #[test]
    fn key_next_to_its_secret_is_evidence_not_a_finding() {
        let text = format!("client_id = '{KEY}'\nclient_secret = '{HEX}'  # salesforce\n");
        let f = matcher().find(text.as_bytes(), "a.py");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "salesforce-consumer-secret");
        assert!(f[0]
            .evidence
            .iter()
            .any(|e| e.kind == "consumer-key" && e.line == 1));
    }

    #[test]
    fn window_bounds_context_in_code_but_not_in_config() {
        let filler = "pass\n".repeat(40);
        let text =
            format!("url = 'https://login.salesforce.com'\n{filler}client_secret = '{HEX}'\n");
        assert!(matcher().find(text.as_bytes(), "far.py").is_empty());
        let text = format!(
            "url=https://login.salesforce.com\n{}client_secret={HEX}\n",
            "a=b\n".repeat(40)
        );
        assert_eq!(matcher().find(text.as_bytes(), "far.properties").len(), 1);
    }

    #[test]
    fn inline_allow_marks_finding_suppressed() {
        let text = format!("SF_CLIENT_SECRET={HEX} # sfleaks:allow\n");
        let f = matcher().find(text.as_bytes(), "a.sh");
        assert_eq!(f[0].suppressed, Some(Suppression::Inline));
    }

    #[test]
    fn invalid_utf8_does_not_hide_a_leak() {
        let mut data = b"\xff\xfe garbage \xc3\x28\n".to_vec();
        data.extend_from_slice(format!("SF_CLIENT_SECRET={HEX}\n").as_bytes());
        let f = matcher().find(&data, "a.sh");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, 2);
    }
}
