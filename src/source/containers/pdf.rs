//! PDF: the text of every page, in the order its content streams draw it (compressed streams
//! included), each page an entry (`guide.pdf!page-3`). PDF parsers can panic on hostile input
//! (some by design), so the parse itself runs in a child process ([`super::isolated`]); this
//! module holds both halves: [`pages`] runs in the child, [`read`] in the scan.

use super::{isolated, Budget, Entry, Listing};

/// Whether `data` is a PDF: it starts with `%PDF-` (after white space or a byte-order mark).
/// Readers accept the header anywhere in the first KiB, but so would a script that checks
/// for it, which would then be read as a broken PDF instead of scanned as text.
pub(super) fn is_pdf(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    data.trim_ascii_start().starts_with(b"%PDF-")
}

/// Most pages read from one PDF.
const MAX_PAGES: usize = 10_000;

/// The text of each page of the PDF in `data`, first page first, in this process. It may
/// panic on hostile input: call it only where a panic ends nothing but the call (the helper
/// child process, a fuzz target).
pub fn pages(data: &[u8]) -> Result<Vec<String>, String> {
    let doc = lopdf::Document::load_mem(data).map_err(|e| format!("not a readable PDF: {e}"))?;
    if doc.is_encrypted() {
        return Err("encrypted, not read".into());
    }
    let numbers: Vec<u32> = doc.get_pages().keys().copied().take(MAX_PAGES).collect();
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        // a page that cannot be read is empty; the others are still read
        out.push(doc.extract_text(&[n]).unwrap_or_default());
    }
    Ok(out)
}

/// Hands each page with text on as `page-N`; a PDF that cannot be read (or that made the
/// parser fail) is one problem.
pub(super) fn read(data: &[u8], budget: &mut Budget, listing: &mut Listing) {
    let Some(helper) = budget.limits.helper.clone() else {
        listing.problem(
            None,
            "PDF text needs the sfleaks program to run its parser".into(),
        );
        return;
    };
    let cap = budget.entry_cap();
    match isolated::pdf_pages(&helper, data, cap) {
        Ok(pages) => {
            for (i, text) in pages.into_iter().enumerate() {
                if text.trim().is_empty() {
                    continue;
                }
                let size = text.len() as u64;
                if size > budget.left {
                    let why = format!("{} at page {}", budget.over_total(), i + 1);
                    listing.problem(None, why);
                    return;
                }
                budget.left -= size;
                let entry = Entry {
                    name: format!("page-{}", i + 1),
                    data: text.into_bytes(),
                    part: true,
                };
                (listing.entry)(entry, budget);
            }
        }
        Err(why) => listing.problem(None, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_told_by_its_header() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(is_pdf(b"\xef\xbb\xbf\n%PDF-1.4"));
        assert!(!is_pdf(b"%!PS-Adobe-3.0"));
        assert!(!is_pdf(b"if data[:5] == b'%PDF-':\n"));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(pages(b"%PDF-1.7\n garbage").is_err());
    }
}
