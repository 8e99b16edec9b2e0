//! Standard input as one blob (`sfleaks scan -`).

use super::{scannable, BlobContext, Sink, Skip};
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
    } else {
        match scannable(&buf, || false) {
            Some(text) => sink.blob(STDIN_PATH, &text, BlobContext::default()),
            None => sink.skipped(STDIN_PATH, Skip::Binary),
        }
    }
    Ok(())
}
