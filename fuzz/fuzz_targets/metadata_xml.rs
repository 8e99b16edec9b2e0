//! The connected-app metadata reader over arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sfleaks::metadata::client_credentials_posture(data);
});
