//! The gzip, bzip2, xz and zstd readers over arbitrary bytes: the first byte picks the
//! codec, the rest is the stream (with its magic bytes put in front, so the fuzzer starts
//! inside the format instead of having to find its signature).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfleaks::source::containers::Kind;
#[path = "containers_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (kind, magic): (Kind, &[u8]) = match pick % 4 {
        0 => (Kind::Gzip, &[0x1f, 0x8b]),
        1 => (Kind::Bzip2, b"BZh9"),
        2 => (Kind::Xz, &[0xfd, b'7', b'z', b'X', b'Z', 0]),
        _ => (Kind::Zstd, &[0x28, 0xb5, 0x2f, 0xfd]),
    };
    common::open(&[magic, rest].concat(), kind);
});
