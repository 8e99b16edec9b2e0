//! The zip family: zip, jar, war, ear, apk, aar, nupkg, whl, vsix, and the Office and
//! OpenDocument files, which are zips of XML.

use super::{one_line, read_bounded, Budget, Entry, Listing};
use crate::source::pathname;
use std::io::Cursor;

/// Every file entry of the zip in `data`, each within the budget.
pub(super) fn read(data: &[u8], budget: &mut Budget, listing: &mut Listing) {
    let mut archive = match ::zip::ZipArchive::new(Cursor::new(data)) {
        Ok(a) => a,
        Err(e) => {
            listing.problem(
                None,
                format!("not a readable zip: {}", one_line(&e.to_string())),
            );
            return;
        }
    };
    let count = archive.len();
    if count > budget.limits.entries {
        listing.problem(
            None,
            format!(
                "{count} entries, over the limit of {}: the rest are not read",
                budget.limits.entries
            ),
        );
    }
    for i in 0..count.min(budget.limits.entries) {
        // the raw view reads no data: encrypted entries are told before any decryption
        let (name, encrypted, dir, compressed) = match archive.by_index_raw(i) {
            Ok(f) => (
                pathname::label(f.name_raw()),
                f.encrypted(),
                f.is_dir(),
                f.compressed_size(),
            ),
            Err(e) => {
                listing.problem(None, format!("entry {i}: {}", one_line(&e.to_string())));
                continue;
            }
        };
        if dir {
            continue;
        }
        if encrypted {
            listing.problem(Some(name), "encrypted, not read".into());
            continue;
        }
        let read = archive
            .by_index(i)
            .map_err(|e| one_line(&e.to_string()))
            .and_then(|f| read_bounded(f, compressed, budget));
        match read {
            Ok(data) => {
                (listing.entry)(Entry { name, data }, budget);
            }
            Err(why) => listing.problem(Some(name), why),
        }
    }
}
