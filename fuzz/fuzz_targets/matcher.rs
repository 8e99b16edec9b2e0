//! The matcher over arbitrary bytes, as the file sources hand them over (UTF-16 decoding
//! included), under paths that select each context scope and the metadata analyzer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfleaks::matcher::{BlobContext, Matcher};
use sfleaks::rules::RuleSet;
use std::sync::OnceLock;

const PATHS: &[&str] = &[
    "src/app.py",
    "config/app.properties",
    ".env",
    "force-app/main/default/connectedApps/App.connectedApp-meta.xml",
    "x.ecaOauthPlcy-meta.xml",
    "NC.namedCredential-meta.xml",
    "server.key",
    "cert/keystore.p12",
    "collection.postman_collection.json",
];

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let rules = RuleSet::builtin().expect("built-in rules compile");
        Matcher::new(rules).expect("matcher builds")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let path = PATHS[sel as usize % PATHS.len()];
    let ctx = BlobContext {
        salesforce_project: sel & 0x80 != 0,
    };
    let m = matcher();
    if let Some(text) = sfleaks::source::scannable(body, || m.wants_binary(path, ctx)) {
        for f in m.find_with(&text, path, ctx) {
            // positions are 1-based and inside the blob
            assert!(f.line >= 1 && f.column >= 1);
        }
    }
});
