//! gzip: one compressed file (`app.log.gz`), or the tar of a `.tar.gz` / `.tgz`.

use super::{read_bounded, Budget, Entry, Kind, Listing};

/// The one file inside the gzip in `data` at `path`: named for the path without `.gz`, or
/// nameless (its entries named from `path`) when it is a tar.
pub(super) fn read(path: &str, data: &[u8], budget: &mut Budget, listing: &mut Listing) {
    // several members one after another are one stream (`cat a.gz b.gz`)
    let decoder = flate2::read::MultiGzDecoder::new(data);
    match read_bounded(decoder, data.len() as u64, budget) {
        Ok(inner) => {
            budget.take(inner.len() as u64);
            let name = if Kind::of(&inner) == Some(Kind::Tar) {
                String::new()
            } else {
                inner_name(path)
            };
            (listing.entry)(Entry { name, data: inner }, budget);
        }
        Err(why) => listing.problem(None, format!("gzip: {why}")),
    }
}

/// `logs/app.log.gz` holds `app.log`; `a.tgz` holds `a.tar`.
fn inner_name(path: &str) -> String {
    let file = path.rsplit(['/', '!']).next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".tgz").map(|_| &file[..file.len() - 4]) {
        return format!("{stem}.tar");
    }
    match lower.strip_suffix(".gz") {
        Some(_) => file[..file.len() - 3].to_string(),
        None => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inner_file_is_named_without_gz() {
        assert_eq!(inner_name("logs/app.log.gz"), "app.log");
        assert_eq!(inner_name("a.TGZ"), "a.tar");
        assert_eq!(inner_name("x.jar!dump.gz"), "dump");
        assert_eq!(inner_name("renamed"), "renamed");
    }
}
