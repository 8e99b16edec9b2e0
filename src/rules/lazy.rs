//! Rule regexes and glob sets compiled on first use.
//!
//! Compiling the whole embedded pack costs more than a pre-commit scan of one file does in
//! all (about 20 ms of a 35 ms run), and most runs need little of it: a pattern is tried, and
//! a rule's file globs matched, only where one of its rule's keywords hit. The embedded pack is therefore compiled lazily;
//! its tests compile and check every regex in it, so its first use cannot fail. Rule files a
//! user gives are compiled up front, so that a bad one fails the run before any byte is read.

use regex::bytes::Regex;
use std::sync::OnceLock;

/// A byte regex with ASCII classes, compiled now (checked) or at first use (deferred).
#[derive(Clone)]
pub struct LazyRegex {
    src: Box<str>,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// Compiles `src` now: an error names what is wrong with it.
    pub fn checked(src: &str) -> Result<LazyRegex, regex::Error> {
        let compiled = OnceLock::new();
        let _ = compiled.set(compile(src)?);
        Ok(LazyRegex {
            src: src.into(),
            compiled,
        })
    }

    /// Defers compiling `src` to its first use; only for the embedded pack, which its tests
    /// compile whole.
    pub fn deferred(src: &str) -> LazyRegex {
        LazyRegex {
            src: src.into(),
            compiled: OnceLock::new(),
        }
    }

    /// The compiled regex.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            compile(&self.src).unwrap_or_else(|e| {
                // unreachable for the embedded pack, which its tests compile (rules::tests)
                panic!("the embedded rule pack has a bad regex: {e}")
            })
        })
    }

    /// Whether it has been compiled yet.
    #[cfg(test)]
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.get()
    }
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.src)
    }
}

/// Compiles a rule or signal regex over bytes with ASCII classes: `\w`, `\s`, `\b` and case
/// folding are ASCII, and negated classes match any byte. Credentials are ASCII, and Unicode
/// classes made the pack's automata several times larger, which every run paid at start-up.
fn compile(src: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(src).unicode(false).build()
}

/// A rule's file globs (each parsed and checked when loaded), built into a set at first use.
#[derive(Clone)]
pub struct LazyGlobs {
    globs: Vec<globset::Glob>,
    set: OnceLock<globset::GlobSet>,
}

impl LazyGlobs {
    /// Globs whose set is built at first use, or now when `now` (a user's rule file).
    pub fn new(globs: Vec<globset::Glob>, now: bool) -> Result<LazyGlobs, globset::Error> {
        let set = OnceLock::new();
        if now {
            let _ = set.set(build(&globs)?);
        }
        Ok(LazyGlobs { globs, set })
    }

    /// The glob set.
    pub fn get(&self) -> &globset::GlobSet {
        self.set.get_or_init(|| {
            build(&self.globs).unwrap_or_else(|e| {
                // unreachable for the embedded pack, which its tests build (rules::tests)
                panic!("the embedded rule pack has a bad glob set: {e}")
            })
        })
    }
}

fn build(globs: &[globset::Glob]) -> Result<globset::GlobSet, globset::Error> {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        b.add(g.clone());
    }
    b.build()
}

impl std::ops::Deref for LazyGlobs {
    type Target = globset::GlobSet;

    fn deref(&self) -> &globset::GlobSet {
        self.get()
    }
}

impl std::fmt::Debug for LazyGlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.globs.iter().map(|g| g.glob()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_compiles_at_first_use_and_checked_at_once() {
        let d = LazyRegex::deferred("a+b");
        assert!(!d.is_compiled());
        assert!(d.is_match(b"xaab"));
        assert!(d.is_compiled());
        assert!(LazyRegex::checked("a(").is_err());
        assert!(LazyRegex::checked("a+").is_ok_and(|r| r.is_compiled()));
    }

    #[test]
    fn classes_are_ascii_over_bytes() {
        let r = LazyRegex::checked(r"^\w+$").expect("regex");
        assert!(r.is_match(b"abc_1"));
        assert!(!r.is_match("é".as_bytes()));
        assert!(LazyRegex::checked("[^a]").is_ok_and(|r| r.is_match(&[0xff])));
    }
}
