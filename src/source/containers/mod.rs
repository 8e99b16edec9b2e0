//! Containers: archives and compressed files opened in memory, their entries handed on as
//! blobs named by the path through them (`lib/app.jar!BOOT-INF/classes/application.yml`).
//!
//! This layer sits between a source that read some bytes and the sink: it knows the formats,
//! the matcher never learns where its text came from. Every container is read from memory and
//! nothing is written to disk. Depth, entry count, per-entry and total decompressed bytes and
//! the compression ratio are bounded: a bomb, a quine or a corrupt archive gives a warning
//! naming the file and the limit, and the scan goes on.

mod compressed;
mod document;
pub mod isolated;
pub mod pdf;
mod tar;
mod zip;

use super::{scannable, BlobContext, Sink, Skip};

/// The kinds of container this layer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// zip and the formats built on it: jar, war, ear, apk, aar, nupkg, whl, vsix.
    Zip,
    /// Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp): zips whose text
    /// parts are read as the document's text.
    Document,
    /// PDF: the text of each page.
    Pdf,
    /// A tar archive.
    Tar,
    /// gzip: one compressed file (`app.log.gz`), or a `.tar.gz`.
    Gzip,
    /// bzip2 (`.bz2`, `.tar.bz2`).
    Bzip2,
    /// xz (`.xz`, `.tar.xz`).
    Xz,
    /// zstd (`.zst`, `.tar.zst`).
    Zstd,
}

impl Kind {
    /// Every kind, in the order `--archives` lists them.
    pub const ALL: [Kind; 8] = [
        Kind::Zip,
        Kind::Document,
        Kind::Pdf,
        Kind::Tar,
        Kind::Gzip,
        Kind::Bzip2,
        Kind::Xz,
        Kind::Zstd,
    ];

    /// The name used on the command line and in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::Document => "document",
            Kind::Pdf => "pdf",
            Kind::Tar => "tar",
            Kind::Gzip => "gzip",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
            Kind::Zstd => "zstd",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown archive kind '{s}' ({})", names.join(", "))
            })
    }

    /// The container `data` is, by its magic bytes (names lie; a jar is a zip whatever it
    /// is called, and a renamed `.log.gz` is still gzip).
    pub fn of(data: &[u8]) -> Option<Kind> {
        if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
            Some(if looks_like_document(data) {
                Kind::Document
            } else {
                Kind::Zip
            })
        } else if pdf::is_pdf(data) {
            Some(Kind::Pdf)
        } else if data.starts_with(&[0x1f, 0x8b]) {
            Some(Kind::Gzip)
        } else if data.len() > 3 && data.starts_with(b"BZh") && (b'1'..=b'9').contains(&data[3]) {
            Some(Kind::Bzip2)
        } else if data.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Kind::Xz)
        } else if data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Kind::Zstd)
        } else if data.get(257..262) == Some(b"ustar") {
            Some(Kind::Tar)
        } else {
            None
        }
    }
}

/// A zip that names the parts of an Office file, or starts with an OpenDocument media type
/// (its first entry, stored): a cheap look before the zip is read, which tells for certain.
fn looks_like_document(data: &[u8]) -> bool {
    data.get(30..)
        .is_some_and(|d| d.starts_with(b"mimetypeapplication/vnd.oasis.opendocument."))
        || memchr::memmem::rfind(data, b"[Content_Types].xml").is_some()
}

/// What may be opened, and how far.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Kinds to open; empty: none (`--no-archives`).
    pub kinds: Vec<Kind>,
    /// Containers inside containers, counting the outermost as 1.
    pub depth: usize,
    /// Decompressed bytes read from one outermost container, all entries and levels together.
    pub total: u64,
    /// Decompressed bytes of one entry (64 MiB: with three levels in memory on each of two
    /// workers, a scan stays under 512 MB whatever it opens).
    pub entry: u64,
    /// Entries read from one container.
    pub entries: usize,
    /// Largest decompressed-to-compressed ratio of an entry over [`RATIO_FLOOR`] bytes
    /// (100:1, as Apache POI allows Office files; text compresses 5-20:1).
    pub ratio: u64,
    /// The program that parses PDFs in a child process; without one, PDFs are not read.
    pub helper: Option<isolated::Helper>,
}

/// Entries smaller than this are never held to the ratio (a few KB of zeros compress well).
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            kinds: Kind::ALL.to_vec(),
            depth: 3,
            total: 1 << 30,
            entry: 64 << 20,
            entries: 100_000,
            ratio: 100,
            helper: None,
        }
    }
}

impl Limits {
    /// The kind to open `data` as, if any.
    pub fn opens(&self, data: &[u8]) -> Option<Kind> {
        Kind::of(data).filter(|k| self.kinds.contains(k))
    }
}

/// Counts what containers gave, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// Containers opened (at every level).
    pub containers: u64,
    /// Entries handed on as blobs.
    pub entries: u64,
}

/// One entry read out of a container: its name inside it and its bytes.
struct Entry {
    name: String,
    data: Vec<u8>,
    /// A text part of a document (a page, a header, the body): the parts are matched as one
    /// text, each the others' context, as a reader takes them in.
    part: bool,
}

/// Where a reader hands each entry as soon as it is read, and each problem (naming an entry,
/// or the container when `None`): one entry in memory at a time per level.
struct Listing<'f> {
    entry: &'f mut dyn FnMut(Entry, &mut Budget),
    problems: Vec<(Option<String>, String)>,
}

impl Listing<'_> {
    fn problem(&mut self, entry: Option<String>, why: String) {
        self.problems.push((entry, why));
    }
}

/// The budget one outermost container shares across its levels.
struct Budget<'l> {
    limits: &'l Limits,
    left: u64,
}

impl Budget<'_> {
    /// The problem of a container past `--max-decompressed-size`.
    fn over_total(&self) -> String {
        format!(
            "over --max-decompressed-size ({} bytes in all)",
            self.limits.total
        )
    }

    /// How many bytes the next entry may inflate to.
    fn entry_cap(&self) -> u64 {
        self.limits.entry.min(self.left)
    }
}

/// Reads at most what the limits allow from one entry's decompressing reader, stopping as
/// soon as it is over its cap or its ratio (a bomb is never inflated whole); what it read
/// counts against the container's total.
fn read_bounded(
    reader: impl std::io::Read,
    compressed: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, String> {
    let out = inflate_bounded(reader, compressed, budget)?;
    budget.left = budget.left.saturating_sub(out.len() as u64);
    Ok(out)
}

fn inflate_bounded(
    mut reader: impl std::io::Read,
    compressed: u64,
    budget: &Budget,
) -> Result<Vec<u8>, String> {
    let cap = budget.entry_cap();
    let mut out = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(one_line(&e.to_string())),
        };
        out.extend_from_slice(&chunk[..n]);
        let size = out.len() as u64;
        if size > cap {
            return Err(if cap < budget.limits.entry {
                budget.over_total()
            } else {
                format!("an entry over {} bytes decompressed", budget.limits.entry)
            });
        }
        if size > RATIO_FLOOR && size / compressed.max(1) > budget.limits.ratio {
            return Err(format!(
                "compression ratio over {}:1 ({size} bytes from {compressed} and counting)",
                budget.limits.ratio
            ));
        }
    }
}

/// An error on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Opens the container at `path` (its bytes `data`, of `kind`) and hands every entry on to
/// `sink` as `path!name`, opening containers inside it up to the depth limit. Warnings go
/// to the sink as unreadable entries, and what was opened to [`Sink::opened`].
pub fn open(
    path: &str,
    data: &[u8],
    kind: Kind,
    limits: &Limits,
    sink: &dyn Sink,
    ctx: BlobContext,
) {
    let mut budget = Budget {
        limits,
        left: limits.total,
    };
    let mut opened = Opened::default();
    // an entry's neighbours are not files on disk
    let ctx = BlobContext {
        neighbours: None,
        outer: Some(path.len()),
        ..ctx
    };
    let outermost = Holder {
        path,
        data,
        up: None,
    };
    descend(&outermost, kind, 1, &mut budget, sink, ctx, &mut opened);
    sink.opened(opened);
}

/// A container being read, and the ones it is inside.
struct Holder<'a> {
    path: &'a str,
    data: &'a [u8],
    up: Option<&'a Holder<'a>>,
}

impl Holder<'_> {
    /// The path of this container or one holding it whose bytes are `data`: a quine (a zip
    /// that holds itself) or a loop of containers holding each other.
    fn same_as(&self, data: &[u8]) -> Option<&str> {
        std::iter::successors(Some(self), |h| h.up)
            .find(|h| h.data == data)
            .map(|h| h.path)
    }
}

#[allow(clippy::too_many_arguments)]
fn descend(
    holder: &Holder,
    kind: Kind,
    depth: usize,
    budget: &mut Budget,
    sink: &dyn Sink,
    ctx: BlobContext,
    opened: &mut Opened,
) {
    let (path, data) = (holder.path, holder.data);
    opened.containers += 1;
    let mut parts: Vec<crate::source::Part> = Vec::new();
    let mut on_entry = |entry: Entry, budget: &mut Budget| {
        // a gzip of a tar is one archive: its entries are named from the `.tar.gz`
        let inner = if entry.name.is_empty() {
            path.to_string()
        } else {
            format!("{path}!{}", entry.name)
        };
        if let Some(k) = budget.limits.opens(&entry.data) {
            // the tar of a `.tar.gz` is the same archive, not one inside it (a `.gem` is a tar
            // of `data.tar.gz`: two levels, not three)
            let next = if entry.name.is_empty() {
                depth
            } else {
                depth + 1
            };
            let over = match holder.same_as(&entry.data) {
                Some(same) => Some(format!(
                    "a {} with the same bytes as {same}, which holds it (a quine): not opened again",
                    k.name()
                )),
                None if next > budget.limits.depth => Some(format!(
                    "a {} inside {depth} containers, over --max-archive-depth {}",
                    k.name(),
                    budget.limits.depth
                )),
                None => None,
            };
            match over {
                Some(why) => sink.skipped(&inner, Skip::Unreadable(why)),
                None => {
                    let inside = Holder {
                        path: &inner,
                        data: &entry.data,
                        up: Some(holder),
                    };
                    descend(&inside, k, next, budget, sink, ctx, opened);
                }
            }
            return;
        }
        opened.entries += 1;
        match scannable(&entry.data, || sink.wants_binary(&inner, ctx)) {
            Some(text) if entry.part => parts.push(crate::source::Part {
                path: inner,
                text: text.into_owned(),
            }),
            Some(text) => sink.blob(&inner, &text, ctx),
            None => sink.skipped(&inner, Skip::Binary),
        }
    };
    let mut listing = Listing {
        entry: &mut on_entry,
        problems: Vec::new(),
    };
    match kind {
        Kind::Zip => zip::read(data, false, budget, &mut listing),
        Kind::Document => zip::read(data, true, budget, &mut listing),
        Kind::Pdf => pdf::read(data, budget, &mut listing),
        Kind::Tar => tar::read(data, budget, &mut listing),
        Kind::Gzip | Kind::Bzip2 | Kind::Xz | Kind::Zstd => {
            compressed::read(kind, path, data, budget, &mut listing)
        }
    }
    let problems = std::mem::take(&mut listing.problems);
    drop(listing);
    if !parts.is_empty() {
        sink.document(&parts, ctx);
    }
    for (entry, why) in problems {
        let at = match entry {
            Some(name) => format!("{path}!{name}"),
            None => path.to_string(),
        };
        sink.skipped(&at, Skip::Unreadable(why));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_magic_bytes() {
        assert_eq!(Kind::of(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(Kind::of(&[0x1f, 0x8b, 8, 0]), Some(Kind::Gzip));
        assert_eq!(Kind::of(b"BZh91AY&SY"), Some(Kind::Bzip2));
        assert_eq!(Kind::of(b"BZhX"), None);
        assert_eq!(
            Kind::of(&[0xfd, b'7', b'z', b'X', b'Z', 0, 0]),
            Some(Kind::Xz)
        );
        assert_eq!(Kind::of(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Kind::Zstd));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(Kind::of(&tar), Some(Kind::Tar));
        assert_eq!(Kind::of(b"plain text"), None);
        assert!(Kind::parse("jar").is_err());
        assert_eq!(Kind::parse(" tar"), Ok(Kind::Tar));
    }

    #[test]
    fn a_read_stops_at_the_limit_it_breaks() {
        let limits = Limits {
            total: 10 << 20,
            entry: 4 << 20,
            ratio: 100,
            ..Limits::default()
        };
        let mut b = Budget {
            limits: &limits,
            left: limits.total,
        };
        let zeros = |n: usize| std::io::repeat(0).take(n as u64);
        use std::io::Read;
        assert_eq!(
            read_bounded(zeros(3 << 20), 1 << 20, &mut b).map(|v| v.len()),
            Ok(3 << 20)
        );
        let e = read_bounded(zeros(5 << 20), 1 << 20, &mut b).expect_err("entry");
        assert!(e.contains("an entry over"), "{e}");
        let e = read_bounded(zeros(2 << 20), 100, &mut b).expect_err("ratio");
        assert!(e.contains("ratio"), "{e}");
        assert!(read_bounded(zeros(3 << 20), 1 << 20, &mut b).is_ok());
        assert!(read_bounded(zeros(3 << 20), 1 << 20, &mut b).is_ok());
        let e = read_bounded(zeros(2 << 20), 1 << 20, &mut b).expect_err("total");
        assert!(e.contains("--max-decompressed-size"), "{e}");
    }
}
