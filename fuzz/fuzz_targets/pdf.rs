//! The PDF parser over arbitrary bytes, in this process (a scan runs it in a child process,
//! so a panic there ends only the child; here any crash is reported, and a panic is one too).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sfleaks::source::containers::pdf::pages(data);
});
