//! Stage 1, prefilter and windows: where each rule keyword occurs (a few small Aho-Corasick
//! passes over lowercased chunks), and the line windows around those hits that the patterns are run in.
//! A blob with no keyword is never looked at again.

use crate::rules::RuleSet;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use std::ops::Range;

/// Bytes lowercased at a time for the keyword search.
pub(super) const CHUNK: usize = 64 * 1024;

thread_local! {
    /// Each worker's buffer for lowercased chunks, reused from blob to blob.
    static LOWER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(CHUNK + 64));
}

/// The keyword search over every rule's keywords, and which rules and patterns use each.
#[derive(Debug)]
pub(super) struct Prefilter {
    /// Small automata, each over a few search words (see [`Search`]), run one after the
    /// other over each lowercased chunk: the SIMD search slows down past about nine words
    /// (the rule pack's 23 keywords in one automaton ran at a third of the speed of two
    /// automata of nine and eight).
    automata: Vec<Automaton>,
    /// For each prefilter literal, the rules that listed it.
    pub(super) keyword_rules: Vec<Vec<usize>>,
    /// For each rule, for each pattern, the prefilter literals it is searched around.
    pub(super) pattern_literals: Vec<Vec<Vec<usize>>>,
    /// Length of the longest keyword: how far lowercased chunks overlap.
    longest_keyword: usize,
    /// The literal `secret`, when a rule has it: where a Kubernetes Secret says what it is.
    secret: Option<usize>,
}

/// One automaton and, for each of its words, what that word is the start of.
#[derive(Debug)]
struct Automaton {
    words: AhoCorasick,
    searches: Vec<Search>,
}

/// A word searched for: one keyword, or the common start of keywords that share their
/// first five bytes (`login` for `login as`, `login with`, `login(`, `login:`), which are
/// then told apart by the bytes after it. Keywords alike in their start made one automaton
/// fall back from its SIMD search: four `security…` spellings took it to 1 GB/s.
#[derive(Debug)]
struct Search {
    /// (prefilter literal, its keyword) for each keyword that starts with the word.
    keywords: Vec<(usize, Vec<u8>)>,
}

/// Most words one automaton is built over.
const WORDS_PER_AUTOMATON: usize = 9;
/// Bytes of a keyword that decide which search word it joins.
const SHARED_START: usize = 5;

impl Prefilter {
    /// Builds the automata over every rule's keywords.
    pub(super) fn new(rules: &RuleSet) -> Result<Prefilter, aho_corasick::BuildError> {
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
        let secret = literals.iter().position(|l| l == "secret");
        let automata = automata(&literals)?;
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
        Ok(Prefilter {
            automata,
            keyword_rules,
            pattern_literals,
            longest_keyword,
            secret,
        })
    }

    /// Where `hits` found the word `secret` (any case).
    pub(super) fn secret_hits<'h>(&self, hits: &'h [Vec<usize>]) -> &'h [usize] {
        self.secret.map_or(&[], |i| &hits[i])
    }

    /// Where each prefilter literal occurs in `data`, in order.
    ///
    /// Keywords are matched without regard to ASCII case by lowercasing the data, in chunks,
    /// into a per-thread buffer and searching that case-sensitively: the case-insensitive
    /// automaton cannot use the SIMD search and was four times slower.
    pub(super) fn hits(&self, data: &[u8]) -> Vec<Vec<usize>> {
        let mut hits = vec![Vec::new(); self.keyword_rules.len()];
        LOWER.with(|buf| {
            let mut buf = buf.borrow_mut();
            let overlap = self.longest_keyword.saturating_sub(1);
            let mut chunk = 0;
            while chunk < data.len() {
                let end = (chunk + CHUNK + overlap).min(data.len());
                buf.clear();
                buf.extend(data[chunk..end].iter().map(u8::to_ascii_lowercase));
                for a in &self.automata {
                    // leftmost, non-overlapping; the keywords do not nest in one another, so
                    // no rule's keyword hides behind another's
                    for m in a.words.find_iter(&buf[..]) {
                        // a match starting in the overlap belongs to the next chunk
                        if m.start() >= CHUNK {
                            break;
                        }
                        let here = &buf[m.start()..];
                        let search = &a.searches[m.pattern().as_usize()];
                        if let Some((li, _)) =
                            search.keywords.iter().find(|(_, k)| here.starts_with(k))
                        {
                            hits[*li].push(chunk + m.start());
                        }
                    }
                }
                chunk += CHUNK;
            }
        });
        hits
    }
}

/// The automata over `literals` (lowercase keywords): keywords sharing their first
/// [`SHARED_START`] bytes are searched by their common start, and the words are split into
/// automata of at most [`WORDS_PER_AUTOMATON`], each in keyword order.
fn automata(literals: &[String]) -> Result<Vec<Automaton>, aho_corasick::BuildError> {
    let mut searches: Vec<(Vec<u8>, Search)> = Vec::new();
    for (li, kw) in literals.iter().enumerate() {
        let kw = kw.as_bytes();
        let start = &kw[..kw.len().min(SHARED_START)];
        match searches.iter_mut().find(|(w, _)| w.starts_with(start)) {
            Some((word, search)) => {
                let common = word.iter().zip(kw).take_while(|(a, b)| a == b).count();
                word.truncate(common);
                search.keywords.push((li, kw.to_vec()));
            }
            None => searches.push((
                kw.to_vec(),
                Search {
                    keywords: vec![(li, kw.to_vec())],
                },
            )),
        }
    }
    searches.sort_by(|a, b| a.0.cmp(&b.0));
    let groups = searches.len().div_ceil(WORDS_PER_AUTOMATON).max(1);
    let per = searches.len().div_ceil(groups).max(1);
    let mut out = Vec::new();
    let mut rest = searches.into_iter().peekable();
    while rest.peek().is_some() {
        let (words, searches): (Vec<Vec<u8>>, Vec<Search>) = rest.by_ref().take(per).unzip();
        out.push(Automaton {
            words: AhoCorasickBuilder::new()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(&words)?,
            searches,
        });
    }
    Ok(out)
}

/// The byte ranges, whole lines from `before` lines above each hit to `after` lines below it,
/// merged where they touch; hits come sorted.
///
/// Linear in the data however many hits there are: a hit on the line of the hit before it adds
/// nothing, and the backward search for a window's start never passes the previous window's end
/// (a start found there merges anyway), so a 100 MB line with a keyword every few bytes is not
/// searched once per hit.
pub(super) fn windows(
    data: &[u8],
    hits: &[usize],
    [before, after]: [usize; 2],
) -> Vec<Range<usize>> {
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
#[cfg(test)]
mod tests {
    use super::*;

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
    fn each_keyword_is_found_where_it_is_written_and_nowhere_else() {
        // keywords sharing a start are searched by it and told apart by what follows
        let set = RuleSet::builtin().expect("rules");
        let p = Prefilter::new(&set).expect("prefilter");
        assert!(p.automata.len() > 1, "the pack's keywords are split");
        let literals: Vec<&str> = {
            let mut l: Vec<&str> = Vec::new();
            for kw in set.rules.iter().flat_map(|r| &r.keywords) {
                if !l.contains(&kw.as_str()) {
                    l.push(kw);
                }
            }
            l
        };
        assert!(literals.contains(&"login with") && literals.contains(&"login as"));
        for (li, kw) in literals.iter().enumerate() {
            let text = format!("x {} y", kw.to_uppercase());
            let hits = p.hits(text.as_bytes());
            for (lj, h) in hits.iter().enumerate() {
                let want = if lj == li { vec![2] } else { Vec::new() };
                assert_eq!(h, &want, "{kw:?}: hits of {:?}", literals[lj]);
            }
        }
        // the common start of several keywords is none of them
        let hits = p.hits(b"login securit");
        assert!(hits.iter().all(Vec::is_empty), "{hits:?}");
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
    fn keywords_are_found_in_any_case_and_across_chunk_boundaries() {
        let set = RuleSet::builtin().expect("rules");
        let p = Prefilter::new(&set).expect("prefilter");
        let ri = p.keyword_rules.iter().position(|rules| {
            rules
                .iter()
                .any(|&r| set.rules[r].id == "salesforce-consumer-secret")
        });
        let ri = ri.expect("literal 'secret'");
        let mut data = vec![b' '; CHUNK - 3];
        data.extend_from_slice(b"SeCrEt and more text");
        let hits = p.hits(&data);
        assert_eq!(
            hits[ri],
            vec![CHUNK - 3],
            "a keyword straddling the chunk edge"
        );
        let mut data = vec![b' '; CHUNK];
        data.extend_from_slice(b"SECRET");
        assert_eq!(p.hits(&data)[ri], vec![CHUNK]);
    }
}
