//! Office and OpenDocument text extraction over arbitrary XML: the first byte picks the
//! document and part the bytes become (a docx body, an xlsx sheet or its shared strings, a
//! pptx slide, an odt's content), wrapped in a real zip as a producer would write it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfleaks::source::containers::Kind;
use std::io::Write;
#[path = "containers_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, xml)) = data.split_first() else {
        return;
    };
    let sheet = b"<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>7</v></c></row></sheetData></worksheet>";
    let parts: Vec<(&str, &[u8])> = match pick % 5 {
        0 => vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", xml),
        ],
        1 => vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/sharedStrings.xml", b"<sst><si><t>a</t></si></sst>"),
            ("xl/worksheets/sheet1.xml", xml),
        ],
        2 => vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/sharedStrings.xml", xml),
            ("xl/worksheets/sheet1.xml", sheet),
        ],
        3 => vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("ppt/presentation.xml", b"<p/>"),
            ("ppt/slides/slide1.xml", xml),
        ],
        _ => vec![
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", xml),
        ],
    };
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        if w.start_file(name, opts).is_err() || w.write_all(bytes).is_err() {
            return;
        }
    }
    let Ok(zip) = w.finish() else {
        return;
    };
    common::open(&zip.into_inner(), Kind::Document);
});
