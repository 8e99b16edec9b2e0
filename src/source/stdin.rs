//! Standard input as one blob (`sfleaks scan -`).

use super::{looks_binary, BlobContext, Sink, Skip};
use std::io::Read;

/// The path findings from stdin carry.
pub const STDIN_PATH: &str = "<stdin>";

/// Reads all of stdin (up to `max` bytes) and hands it to the sink.
pub fn read(max: u64, sink: &dyn Sink) -> std::io::Result<()> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(max.saturating_add(1))
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        sink.skipped(STDIN_PATH, Skip::TooLarge(buf.len() as u64));
    } else if looks_binary(&buf) {
        sink.skipped(STDIN_PATH, Skip::Binary);
    } else {
        sink.blob(STDIN_PATH, &buf, BlobContext::default());
    }
    Ok(())
}
