//! Turns bytes into findings. One stage a file, in the order a blob goes through them:
//!
//! 1. [`prefilter`]: rule keywords in one pass, and the line windows around them;
//! 2. [`candidate`]: each pattern match in a window, and [`values`] (with [`placeholder`] and
//!    [`shape`]): is the matched text a value at all (not a placeholder, a name, an
//!    expression, a sentence, another provider's secret)?
//! 3. [`context`]: the signals that tie it to Salesforce, within reach of it, or for a file
//!    that holds only a secret, its [`neighbours`] (the file beside it, the CI config using it);
//! 4. [`severity`]: the rule's severity, raised by a token request nearby, lowered by a test
//!    fixture's use (the blob's [`surroundings`]: bundle, generated docs, test), then
//!    [`public`]: values Salesforce publishes are `info`; [`evidence`] builds the finding;
//! 5. `settle` (here): overlapping candidates and yields, in report order.
//!
//! The matcher is shared by every source (files, git blobs, the index); it knows a path only to
//! scope context (config file or code, bundle, docs, tests) and to label findings. A file that
//! is one value and nothing else is read as `<file stem>=<value>`.

mod candidate;
mod context;
mod encoded;
mod evidence;
mod jwt;
mod neighbours;
mod placeholder;
mod posture;
mod prefilter;
mod public;
mod severity;
mod shape;
mod surroundings;
mod values;

use crate::filekind::FileKind;
use crate::finding::Finding;
use crate::lines::LineIndex;
use crate::rules::{Analyzer, Rule, RuleSet};
use context::Context;
use evidence::finding_for;
pub use neighbours::{Neighbour, NeighbourFile, Neighbours};
use prefilter::{windows, Prefilter};
use std::collections::HashSet;
use surroundings::Surroundings;

/// A compiled rule set with its prefilter; cheap to share between threads.
#[derive(Debug)]
pub struct Matcher {
    rules: RuleSet,
    prefilter: Prefilter,
}

/// Whether a blob lies inside a Salesforce DX project (an `sfdx-project.json` above it):
/// known, or worked out when a rule asks (a tree scan would otherwise look for the file in
/// every folder, where few files ever reach a rule that asks).
#[derive(Clone, Copy)]
pub enum InProject<'a> {
    /// Known up front (one answer for a whole repository).
    Known(bool),
    /// Asked for at most when needed.
    Ask(&'a (dyn Fn() -> bool + Sync)),
}

impl Default for InProject<'_> {
    fn default() -> Self {
        InProject::Known(false)
    }
}

impl InProject<'_> {
    /// The answer.
    pub fn get(&self) -> bool {
        match self {
            InProject::Known(v) => *v,
            InProject::Ask(f) => f(),
        }
    }
}

/// What the source knows about a blob besides its bytes.
#[derive(Clone, Copy, Default)]
pub struct BlobContext<'a> {
    /// Whether the blob lies inside a Salesforce DX project.
    pub salesforce_project: InProject<'a>,
    /// The files around it, for a file that holds only a secret.
    pub neighbours: Option<&'a dyn Neighbours>,
    /// For an entry inside a container, how many bytes of its path name the outermost file;
    /// the rest is the path through the container (`!BOOT-INF/app.yml`).
    pub outer: Option<usize>,
}

impl std::fmt::Debug for BlobContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobContext")
            .field("salesforce_project", &self.salesforce_project.get())
            .field("neighbours", &self.neighbours.is_some())
            .field("outer", &self.outer)
            .finish()
    }
}

/// One blob's labels, as the matcher uses them.
#[derive(Clone, Copy)]
struct Blob<'a> {
    path: &'a str,
    kind: FileKind,
    project: InProject<'a>,
    around: Surroundings,
    neighbours: Option<&'a dyn Neighbours>,
}

/// One regex match: where its value and key are.
struct Hit {
    /// The value's byte span.
    span: (usize, usize),
    /// Where the whole match starts.
    match_start: usize,
    /// The key's text and the byte where it ends, when the pattern names one.
    key: Option<(String, usize)>,
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
        let prefilter = Prefilter::new(&rules)?;
        Ok(Matcher { rules, prefilter })
    }

    /// The rules in force.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// True when a rule reports this binary file whole (a keystore in an SFDX project), so a
    /// source must hand it over instead of skipping it as binary.
    pub fn wants_binary(&self, path: &str, bctx: BlobContext) -> bool {
        self.binary_rule(path).is_some() && bctx.salesforce_project.get()
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
        let mut found = self.find_labelled(data, path, bctx);
        if let Some(within) = bctx.outer.and_then(|n| path.get(n..)) {
            for f in &mut found {
                f.within = Some(within.to_string());
            }
        }
        found
    }

    /// Finds secrets in a document's text parts, in reading order, as one text (a page's
    /// endpoint is context for the next page's secret): each finding is put back in its own
    /// part, evidence from another part names that part.
    pub fn find_document(&self, parts: &[crate::source::Part], bctx: BlobContext) -> Vec<Finding> {
        let [first, ..] = parts else {
            return Vec::new();
        };
        if parts.len() == 1 {
            return self.find_with(&first.text, &first.path, bctx);
        }
        let mut text: Vec<u8> = Vec::new();
        // each part's first byte and first line in the joined text
        let mut starts: Vec<(usize, usize)> = Vec::with_capacity(parts.len());
        let mut line = 1;
        for p in parts {
            starts.push((text.len(), line));
            text.extend_from_slice(&p.text);
            if !p.text.ends_with(b"\n") {
                text.push(b'\n');
            }
            line += memchr::memchr_iter(b'\n', &text[starts[starts.len() - 1].0..]).count();
        }
        let part_of_line = |l: usize| {
            starts
                .partition_point(|&(_, first)| first <= l)
                .saturating_sub(1)
        };
        let label = |i: usize| {
            let p = &parts[i].path;
            p.rsplit('!').next().unwrap_or(p).to_string()
        };
        let mut found = self.find_labelled(&text, &first.path, bctx);
        for f in &mut found {
            let i = starts
                .partition_point(|&(at, _)| at <= f.offset)
                .saturating_sub(1);
            let (at, first_line) = starts[i];
            f.path = parts[i].path.clone();
            f.offset -= at;
            f.line = f.line + 1 - first_line;
            f.fingerprint = crate::finding::fingerprint(&f.rule, &f.path, &f.secret);
            for e in &mut f.evidence {
                let j = part_of_line(e.line);
                e.line = e.line + 1 - starts[j].1;
                if j != i {
                    e.part = Some(label(j));
                }
            }
            f.within = bctx.outer.and_then(|n| f.path.get(n..)).map(str::to_string);
        }
        found
    }

    fn find_labelled(&self, data: &[u8], path: &str, bctx: BlobContext) -> Vec<Finding> {
        // a file that is one value (`secrets/sf_client_secret.txt`) reads as `name=value`
        if let Some(key) = neighbours::lone_value_key(path, data) {
            let value = data.trim_ascii();
            let lead = data.len() - data.trim_ascii_start().len();
            let text = [key.as_bytes(), b"=", value, b"\n"].concat();
            let shift = key.len() + 1;
            let mut found = self.find_in(&text, data, path, bctx);
            for f in &mut found {
                f.column = f.column.saturating_sub(shift).max(1);
                f.offset = (f.offset + lead).saturating_sub(shift);
            }
            return found;
        }
        self.find_in(data, data, path, bctx)
    }

    /// Finds secrets in `data`, which is `original` or the `name=value` reading of it.
    fn find_in(&self, data: &[u8], original: &[u8], path: &str, bctx: BlobContext) -> Vec<Finding> {
        if crate::source::looks_binary(data) {
            if let Some(rule) = self.binary_rule(path) {
                if bctx.salesforce_project.get() {
                    return vec![self.keystore(data, path, rule)];
                }
            }
        }
        // a blob that is base64 whole has no keyword but in its decoding
        if let Some(decoded) = encoded::whole(data) {
            return self.find_decoded(&decoded, data, original, path, bctx);
        }
        let hits = self.prefilter.hits(data);
        if hits.iter().all(Vec::is_empty) {
            // no keyword in the text: one may still hide in a long encoded value of a config
            // or text file (looking in source code cost a sixth of a tree scan: a sample
            // there falls on an identifier most of the time)
            if !encoded::may_hold_long_values(path) {
                return Vec::new();
            }
            return match encoded::decode(data, encoded::Scope::Long) {
                Some(decoded) => self.find_decoded(&decoded, data, original, path, bctx),
                None => Vec::new(),
            };
        }
        // a Kubernetes Secret's values are all base64; elsewhere, values next to a keyword
        let scope = if encoded::secret_manifest(data, self.prefilter.secret_hits(&hits)) {
            encoded::Scope::Manifest
        } else {
            encoded::Scope::Near(&hits)
        };
        if let Some(decoded) = encoded::decode(data, scope) {
            return self.find_decoded(&decoded, data, original, path, bctx);
        }
        self.find_hits(data, original, path, bctx, &hits)
    }

    /// Finds secrets in `data` with its base64 values decoded in place (`decoded`), and puts
    /// each finding back where `data` has it: one inside a decoded value at the encoded value,
    /// marked decoded.
    fn find_decoded(
        &self,
        decoded: &encoded::Decoded,
        data: &[u8],
        original: &[u8],
        path: &str,
        bctx: BlobContext,
    ) -> Vec<Finding> {
        let text = &decoded.text;
        let hits = self.prefilter.hits(text);
        let mut found = self.find_hits(text, original, path, bctx, &hits);
        let (lines, view_lines) = (LineIndex::new(data), LineIndex::new(text));
        let line_at = |view_line: usize| {
            let start = view_lines.line_range(text, view_line).start;
            lines.line_of(decoded.original(start).0)
        };
        for f in &mut found {
            let (at, inside) = decoded.original(f.offset);
            f.offset = at;
            f.line = lines.line_of(at);
            f.column = lines.column_of(data, at);
            for e in &mut f.evidence {
                e.line = line_at(e.line);
            }
            if inside {
                f.decoded = true;
                f.message.push_str(" (decoded from base64)");
            }
        }
        found.sort_by(by_place);
        found
    }

    /// Matches the rules whose keywords `hits` found in `data`.
    fn find_hits(
        &self,
        data: &[u8],
        original: &[u8],
        path: &str,
        bctx: BlobContext,
        hits: &[Vec<usize>],
    ) -> Vec<Finding> {
        let plain = path.strip_prefix("./").unwrap_or(path);
        let mut on = vec![false; self.rules.rules.len()];
        for (li, h) in hits.iter().enumerate() {
            if !h.is_empty() {
                for &ri in &self.prefilter.keyword_rules[li] {
                    on[ri] = true;
                }
            }
        }
        // the path split once for every glob that scopes a rule or a pattern
        let candidate = globset::Candidate::new(plain);
        for (ri, rule) in self.rules.rules.iter().enumerate() {
            if rule
                .paths
                .as_ref()
                .is_some_and(|g| !g.is_match_candidate(&candidate))
            {
                on[ri] = false;
            }
        }
        let blob = Blob {
            path,
            kind: FileKind::of(path),
            project: bctx.salesforce_project,
            around: Surroundings::of(path, data),
            neighbours: bctx
                .neighbours
                .filter(|_| neighbours::secrets_only(path, original)),
        };
        let mut ctx: Option<Context> = None;
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
        type Windows<'l> = (&'l Vec<usize>, [usize; 2], Vec<std::ops::Range<usize>>);
        let mut shared: Vec<Windows> = Vec::new();
        for (ri, rule) in self.rules.rules.iter().enumerate() {
            if !on[ri] {
                continue;
            }
            for (pi, pattern) in rule.patterns.iter().enumerate() {
                if pattern
                    .paths
                    .as_ref()
                    .is_some_and(|g| !g.is_match_candidate(&candidate))
                {
                    continue;
                }
                // only the lines around the pattern's keywords: each is inside its match or
                // within `pattern.lines` of it; patterns with the same keywords and reach
                // (most of a rule's) share them
                let literals = &self.prefilter.pattern_literals[ri][pi];
                let at = match shared
                    .iter()
                    .position(|(l, n, _)| *l == literals && *n == pattern.lines)
                {
                    Some(at) => at,
                    None => {
                        let mut around: Vec<usize> = literals
                            .iter()
                            .flat_map(|&li| hits[li].iter().copied())
                            .collect();
                        around.sort_unstable();
                        let w = windows(data, &around, pattern.lines);
                        shared.push((literals, pattern.lines, w));
                        shared.len() - 1
                    }
                };
                for window in shared[at].2.clone() {
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
                        let hit = Hit {
                            span,
                            match_start: base + whole.start(),
                            key: caps.name("key").map(|k| {
                                (ctx.text(base + k.start(), base + k.end()), base + k.end())
                            }),
                        };
                        if let Some(c) = self.candidate(ctx, ri, rule, pattern, blob, hit) {
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
        // (start, end, rule) of the widest-reaching kept span
        let mut cover: Option<(usize, usize, usize)> = None;
        for c in candidates {
            if let Some((start, end, rule)) = cover {
                // inside another rule's finding, or a piece of a value found whole (split)
                if c.end <= end && (rule != c.rule || start == c.start) {
                    continue;
                }
            }
            if cover.is_none_or(|(_, end, _)| c.end > end) {
                cover = Some((c.start, c.end, c.rule));
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
        findings.sort_by(by_place);
        findings
    }
}

/// A blob's findings in order: line, column, rule.
fn by_place(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Suppression;

    fn matcher() -> Matcher {
        Matcher::new(RuleSet::builtin().expect("rules")).expect("matcher")
    }

    const KEY: &str =
        "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm";
    const HEX: &str = "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248";

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
