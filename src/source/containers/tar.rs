//! tar archives (a `.tar.gz` reaches here through gzip).

use super::{one_line, read_bounded, Budget, Entry, Listing};
use crate::source::pathname;

/// Every regular file of the tar in `data`, each within the budget.
pub(super) fn read(data: &[u8], budget: &mut Budget, listing: &mut Listing) {
    let mut archive = ::tar::Archive::new(data);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            listing.problem(
                None,
                format!("not a readable tar: {}", one_line(&e.to_string())),
            );
            return;
        }
    };
    for (i, entry) in entries.enumerate() {
        if i >= budget.limits.entries {
            listing.problem(
                None,
                format!(
                    "over the limit of {} entries: the rest are not read",
                    budget.limits.entries
                ),
            );
            break;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // a truncated or corrupt tar: what came before is kept
                listing.problem(
                    None,
                    format!("corrupt after entry {i}: {}", one_line(&e.to_string())),
                );
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = pathname::label(&entry.path_bytes());
        let size = entry.size();
        match read_bounded(entry, size, budget) {
            Ok(data) => {
                (listing.entry)(
                    Entry {
                        name,
                        data,
                        part: false,
                    },
                    budget,
                );
            }
            Err(why) => listing.problem(Some(name), why),
        }
    }
}
