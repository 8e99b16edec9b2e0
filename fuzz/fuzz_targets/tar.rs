//! The tar reader over arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
#[path = "containers_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::open(data, sfleaks::source::containers::Kind::Tar));
