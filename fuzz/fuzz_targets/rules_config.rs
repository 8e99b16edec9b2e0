//! The rule-file and config-file parsers over arbitrary text: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = sfleaks::configfile::parse(text);
    let _ = sfleaks::rules::RuleSet::from_texts(&[("fuzz.toml".to_string(), text.to_string())]);
});
