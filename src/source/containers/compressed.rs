//! Single-file compressors: gzip, bzip2, xz and zstd (`app.log.gz`), or the tar of a
//! `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`.

use super::{read_bounded, Budget, Entry, Kind, Listing};
use std::io::Read;

/// Memory an xz stream may ask for (its dictionary): xz -9 uses 64 MiB; a stream that
/// declares more is refused rather than allocated.
const XZ_MEMORY_KB: u32 = 128 * 1024;

/// The one file inside the compressed `data` at `path`: named for the path without its
/// suffix, or nameless (its entries named from `path`) when it is a tar.
pub(super) fn read(
    kind: Kind,
    path: &str,
    data: &[u8],
    budget: &mut Budget,
    listing: &mut Listing,
) {
    let reader: Box<dyn Read + '_> = match kind {
        // several members one after another are one stream (`cat a.gz b.gz`)
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(data)),
        Kind::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(data)),
        Kind::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            data,
            true,
            XZ_MEMORY_KB,
        )),
        Kind::Zstd => match ruzstd::decoding::StreamingDecoder::new(data) {
            Ok(d) => Box::new(d),
            Err(e) => {
                listing.problem(None, format!("zstd: {e}"));
                return;
            }
        },
        // `descend` sends only the compressions here
        Kind::Zip | Kind::Document | Kind::Pdf | Kind::Tar => return,
    };
    match read_bounded(reader, data.len() as u64, budget) {
        Ok(inner) => {
            let name = if Kind::of(&inner) == Some(Kind::Tar) {
                String::new()
            } else {
                inner_name(path)
            };
            (listing.entry)(
                Entry {
                    name,
                    data: inner,
                    part: false,
                },
                budget,
            );
        }
        Err(why) => listing.problem(None, format!("{}: {why}", kind.name())),
    }
}

/// `logs/app.log.gz` holds `app.log`; `a.tgz` holds `a.tar`.
fn inner_name(path: &str) -> String {
    let file = path.rsplit(['/', '!']).next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    for (suffix, tar) in [
        (".tgz", true),
        (".tbz2", true),
        (".tbz", true),
        (".txz", true),
        (".tzst", true),
        (".gz", false),
        (".bz2", false),
        (".xz", false),
        (".zst", false),
        (".zstd", false),
    ] {
        if lower.ends_with(suffix) {
            let stem = &file[..file.len() - suffix.len()];
            return if tar {
                format!("{stem}.tar")
            } else {
                stem.to_string()
            };
        }
    }
    file.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inner_file_is_named_without_its_suffix() {
        assert_eq!(inner_name("logs/app.log.gz"), "app.log");
        assert_eq!(inner_name("a.TGZ"), "a.tar");
        assert_eq!(inner_name("x.jar!dump.gz"), "dump");
        assert_eq!(inner_name("db.sql.zst"), "db.sql");
        assert_eq!(inner_name("b.txz"), "b.tar");
        assert_eq!(inner_name("renamed"), "renamed");
    }
}
