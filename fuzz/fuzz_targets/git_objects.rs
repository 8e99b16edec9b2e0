//! The raw commit and tree parsers of the history walk over arbitrary bytes (a repository's
//! objects are input like any file).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfleaks::source::gitobj::{parse_commit, parse_tree};

fuzz_target!(|data: &[u8]| {
    let mut parents = Vec::new();
    let _ = parse_commit(data, &mut parents);
    let mut entries = 0usize;
    let parsed = parse_tree(data, |e| {
        assert!(!e.name.is_empty() && !e.name.contains(&0));
        entries += 1;
    });
    // every entry takes at least 24 bytes: one mode digit, space, one-byte name, NUL, id
    if parsed.is_some() {
        assert!(entries * 24 <= data.len());
    }
});
