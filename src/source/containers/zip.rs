//! The zip family: zip, jar, war, ear, apk, aar, nupkg, whl, vsix, and the Office and
//! OpenDocument files, which are zips of XML whose text parts are read as text (see
//! [`super::document`]).

use super::document::{self, Flavour, Part};
use super::{one_line, read_bounded, Budget, Entry, Listing};
use crate::source::pathname;
use std::io::{Cursor, Read};

type Archive<'a> = ::zip::ZipArchive<Cursor<&'a [u8]>>;

/// Every file entry of the zip in `data`, each within the budget; with `documents`, a zip
/// that is an Office or OpenDocument file gives the text of its text parts instead of their
/// XML.
pub(super) fn read(data: &[u8], documents: bool, budget: &mut Budget, listing: &mut Listing) {
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
    let flavour = documents.then(|| flavour(&mut archive, budget)).flatten();
    let shared = match flavour {
        Some(Flavour::Excel) => shared_strings(&mut archive, budget, listing),
        _ => Vec::new(),
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
        let part = flavour.map_or(Part::Other, |f| f.part(&name));
        if part == Part::SharedStrings {
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
        let read = match (read, flavour) {
            (Ok(xml), Some(f)) if part == Part::Text => {
                f.text(&xml, &shared).map(String::into_bytes)
            }
            (read, _) => read,
        };
        match read {
            Ok(data) => {
                let part = part == Part::Text && flavour.is_some();
                (listing.entry)(Entry { name, data, part }, budget);
            }
            Err(why) => listing.problem(Some(name), why),
        }
    }
}

/// The document the zip is, if any: an OpenDocument file says so in its `mimetype` entry,
/// an Office file by the parts it has.
fn flavour(archive: &mut Archive, budget: &mut Budget) -> Option<Flavour> {
    // a media type is short; a larger entry is not one
    let mimetype = archive.by_name("mimetype").ok().and_then(|f| {
        let compressed = f.compressed_size();
        read_bounded(f.take(128), compressed, budget).ok()
    });
    let mimetype = mimetype.as_deref().filter(|m| !m.is_empty());
    Flavour::of(archive.file_names().flatten(), mimetype)
}

/// The workbook's shared strings; when they cannot be read, the cells show their indexes
/// and the problem is named.
fn shared_strings(
    archive: &mut Archive,
    budget: &mut Budget,
    listing: &mut Listing,
) -> Vec<String> {
    let name = document::SHARED_STRINGS;
    let read = match archive.by_name(name) {
        Ok(f) => {
            let compressed = f.compressed_size();
            read_bounded(f, compressed, budget)
        }
        // a workbook of numbers has none
        Err(::zip::result::ZipError::FileNotFound) => return Vec::new(),
        Err(e) => Err(one_line(&e.to_string())),
    };
    match read.and_then(|xml| document::shared_strings(&xml)) {
        Ok(strings) => strings,
        Err(why) => {
            listing.problem(Some(name.to_string()), why);
            Vec::new()
        }
    }
}
