//! Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp): which parts of the zip
//! hold a document's text, and that text out of their XML, laid out as a reader sees it:
//! a paragraph or a sheet row a line, table and sheet cells split by tabs (so `Consumer
//! Secret <tab> value` reads as a key and its value), a spreadsheet's shared strings put back
//! into the cells that use them.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The document a zip is, told by its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavour {
    /// docx (and docm, dotx).
    Word,
    /// xlsx (and xlsm): cells that point into `xl/sharedStrings.xml`.
    Excel,
    /// pptx (and ppsx, potx).
    PowerPoint,
    /// odt, ods, odp and the other OpenDocument files: text inline in `content.xml`.
    OpenDocument,
}

/// What to do with one part of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// Its text is extracted and scanned.
    Text,
    /// The spreadsheet's string table: read into the cells, never scanned on its own (it
    /// would report each secret twice).
    SharedStrings,
    /// Anything else (properties, settings, embedded files): handled as any entry.
    Other,
}

/// The shared strings part of a workbook.
pub(super) const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

impl Flavour {
    /// The document a zip with these entry names is; `mimetype` is the content of the
    /// OpenDocument `mimetype` entry, when there is one.
    pub(super) fn of<S: AsRef<str>>(
        names: impl IntoIterator<Item = S>,
        mimetype: Option<&[u8]>,
    ) -> Option<Flavour> {
        if mimetype.is_some_and(|m| m.starts_with(b"application/vnd.oasis.opendocument.")) {
            return Some(Flavour::OpenDocument);
        }
        let mut content_types = false;
        let mut flavour = None;
        for name in names {
            match name.as_ref() {
                "[Content_Types].xml" => content_types = true,
                "word/document.xml" => flavour = Some(Flavour::Word),
                "xl/workbook.xml" => flavour = Some(Flavour::Excel),
                "ppt/presentation.xml" => flavour = Some(Flavour::PowerPoint),
                _ => {}
            }
        }
        flavour.filter(|_| content_types)
    }

    /// What the entry `name` of such a document is.
    pub(super) fn part(self, name: &str) -> Part {
        let xml_in = |dir: &str, stem: &str| {
            name.strip_prefix(dir)
                .and_then(|n| n.strip_prefix(stem))
                .and_then(|n| n.strip_suffix(".xml"))
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        };
        let text = match self {
            Flavour::Word => [
                "document",
                "header",
                "footer",
                "comments",
                "footnotes",
                "endnotes",
            ]
            .iter()
            .any(|stem| xml_in("word/", stem)),
            Flavour::Excel => {
                if name == SHARED_STRINGS {
                    return Part::SharedStrings;
                }
                xml_in("xl/worksheets/", "sheet") || xml_in("xl/", "comments")
            }
            Flavour::PowerPoint => {
                xml_in("ppt/slides/", "slide")
                    || xml_in("ppt/notesSlides/", "notesSlide")
                    || xml_in("ppt/comments/", "comment")
                    || xml_in("ppt/comments/", "modernComment")
            }
            // styles.xml holds the headers and footers of the master pages
            Flavour::OpenDocument => name == "content.xml" || name == "styles.xml",
        };
        if text {
            Part::Text
        } else {
            Part::Other
        }
    }

    /// The text of one [`Part::Text`] part, with `shared` the workbook's strings.
    pub(super) fn text(self, xml: &[u8], shared: &[String]) -> Result<String, String> {
        let mut out = Layout::default();
        let mut reader = Reader::from_reader(xml);
        // the cell being read holds a shared-string index (`<c t="s">`)
        let mut shared_cell = false;
        let mut buf = Vec::new();
        loop {
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| format!("not well-formed XML: {e}"))?;
            match event {
                Event::Start(e) => {
                    let role = self.role(e.local_name().as_ref());
                    if role == Role::Cell {
                        shared_cell = self == Flavour::Excel && is_shared(&e);
                    }
                    out.open(role, &e);
                }
                Event::Empty(e) => {
                    let role = self.role(e.local_name().as_ref());
                    out.open(role, &e);
                    out.close(role);
                }
                Event::End(e) => {
                    let role = self.role(e.local_name().as_ref());
                    if role == Role::Cell {
                        shared_cell = false;
                    }
                    out.close(role);
                }
                Event::Text(t) if out.in_text > 0 => {
                    let s = t
                        .unescape()
                        .map_err(|e| format!("not well-formed XML: {e}"))?;
                    if shared_cell {
                        // an index into the string table; a bad one is shown as it is
                        match s.trim().parse::<usize>().ok().and_then(|i| shared.get(i)) {
                            Some(v) => out.push(v),
                            None => out.push(&s),
                        }
                    } else {
                        out.push(&s);
                    }
                }
                Event::CData(t) if out.in_text > 0 => {
                    out.push(&String::from_utf8_lossy(&t));
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(out.finish())
    }

    /// What an element of this document's markup does to the text.
    fn role(self, name: &[u8]) -> Role {
        match (self, name) {
            (Flavour::Word, b"t" | b"delText")
            | (Flavour::PowerPoint, b"t" | b"text")
            | (Flavour::Excel, b"t" | b"v") => Role::Text,
            (Flavour::Word | Flavour::PowerPoint, b"p") | (Flavour::Excel, b"comment") => {
                Role::Line
            }
            (Flavour::Word, b"tc") | (Flavour::PowerPoint, b"tc") | (Flavour::Excel, b"c") => {
                Role::Cell
            }
            (Flavour::Word | Flavour::PowerPoint, b"tr") | (Flavour::Excel, b"row") => Role::Row,
            (Flavour::Word, b"tab") | (Flavour::PowerPoint, b"tab") => Role::Tab,
            (Flavour::Word, b"br" | b"cr") | (Flavour::PowerPoint, b"br") => Role::Break,
            // phonetic guides repeat a cell's text in another script
            (Flavour::Excel, b"rPh") => Role::Hidden,
            (Flavour::OpenDocument, b"p" | b"h") => Role::Paragraph,
            (Flavour::OpenDocument, b"table-cell" | b"covered-table-cell") => Role::Cell,
            (Flavour::OpenDocument, b"table-row") => Role::Row,
            (Flavour::OpenDocument, b"tab") => Role::Tab,
            (Flavour::OpenDocument, b"line-break") => Role::Break,
            (Flavour::OpenDocument, b"s") => Role::Spaces,
            _ => Role::None,
        }
    }
}

/// A cell whose value is an index into the shared strings (`<c t="s">`).
fn is_shared(e: &BytesStart) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.local_name().as_ref() == b"t" && a.value.as_ref() == b"s")
}

/// What an element does to the layout of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Its character data is text (OOXML keeps text only in such elements).
    Text,
    /// An OpenDocument paragraph: its character data is text, and it ends a line.
    Paragraph,
    /// Ends a line (an OOXML paragraph, a comment).
    Line,
    /// A table or sheet cell: ends with a tab.
    Cell,
    /// A table or sheet row: ends a line.
    Row,
    /// A tab character.
    Tab,
    /// A line break inside a paragraph.
    Break,
    /// `text:s`: a run of spaces (`text:c` of them).
    Spaces,
    /// Text that is not part of the document as read (an Excel phonetic guide).
    Hidden,
    /// No effect.
    None,
}

/// The text being laid out.
#[derive(Default)]
struct Layout {
    text: String,
    /// Cells open around the current point: a paragraph in a cell ends with a space, not a
    /// line, so that a table row stays one line.
    cells: usize,
    /// Inside a hidden element.
    hidden: usize,
    /// Inside an element whose character data is text (`w:t`, `a:t`, a cell's `v`, an
    /// OpenDocument paragraph).
    in_text: usize,
}

impl Layout {
    fn push(&mut self, s: &str) {
        if self.hidden == 0 {
            self.text.push_str(s);
        }
    }

    fn open(&mut self, role: Role, e: &BytesStart) {
        match role {
            Role::Tab => self.push("\t"),
            Role::Break => self.push("\n"),
            Role::Spaces => {
                let n = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == b"c")
                    .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse::<usize>().ok())
                    .unwrap_or(1);
                // a document cannot make a line of a million spaces out of one element
                self.push(&" ".repeat(n.clamp(1, 64)));
            }
            Role::Hidden => self.hidden += 1,
            Role::Text | Role::Paragraph => self.in_text += 1,
            Role::Cell => self.cells += 1,
            _ => {}
        }
    }

    fn close(&mut self, role: Role) {
        match role {
            Role::Text | Role::Paragraph => self.in_text = self.in_text.saturating_sub(1),
            Role::Cell => self.cells = self.cells.saturating_sub(1),
            _ => {}
        }
        match role {
            Role::Paragraph | Role::Line if self.cells > 0 => self.push(" "),
            Role::Paragraph | Role::Line | Role::Row => self.line(),
            Role::Cell => {
                let trimmed = self.text.trim_end_matches(' ').len();
                self.text.truncate(trimmed);
                self.push("\t");
            }
            Role::Hidden => self.hidden = self.hidden.saturating_sub(1),
            _ => {}
        }
    }

    /// Ends the line, unless it is empty (a row of empty cells is no line).
    fn line(&mut self) {
        let trimmed = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn finish(mut self) -> String {
        self.line();
        self.text
    }
}

/// The strings of a workbook's shared strings part, in order (a rich string's runs joined).
pub(super) fn shared_strings(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut in_t = false;
    let mut phonetic = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("{SHARED_STRINGS}: not well-formed XML: {e}"))?
        {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => current = Some(String::new()),
                b"t" => in_t = true,
                b"rPh" => phonetic += 1,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => strings.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                b"si" => strings.extend(current.take()),
                b"t" => in_t = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if in_t && phonetic == 0 => {
                if let Some(s) = current.as_mut() {
                    let text = t
                        .unescape()
                        .map_err(|e| format!("{SHARED_STRINGS}: not well-formed XML: {e}"))?;
                    s.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_table_row_is_one_line_of_tab_separated_cells() {
        let xml = br#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>Sales</w:t></w:r><w:r><w:t xml:space="preserve">force &amp; co</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Consumer Secret</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>ABC</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:delText>gone</w:delText></w:r></w:p>
            <w:p><w:r><w:instrText>HYPERLINK</w:instrText></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            Flavour::Word.text(xml, &[]).expect("text"),
            "Salesforce & co\nConsumer Secret\tABC\na\tb\ngone\n"
        );
    }

    #[test]
    fn sheet_cells_take_their_shared_strings_and_skip_formulas() {
        let sst = br#"<sst><si><t>client_secret</t></si><si><r><t>AB</t></r><r><t>CD</t></r><rPh><t>x</t></rPh></si><si/></sst>"#;
        let shared = shared_strings(sst).expect("sst");
        assert_eq!(shared, ["client_secret", "ABCD", ""]);
        let sheet = br#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><f>A1</f><v>42</v></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>inline</t></is></c><c r="B2" t="s"><v>9</v></c></row>
            <row r="3"><c r="A3" t="s"><v>2</v></c></row>
            </sheetData></worksheet>"#;
        assert_eq!(
            Flavour::Excel.text(sheet, &shared).expect("text"),
            "client_secret\tABCD\t42\ninline\t9\n"
        );
    }

    #[test]
    fn opendocument_text_keeps_spaces_tabs_and_table_rows() {
        let xml = br#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b"><office:body><office:text>
            <text:h>Title</text:h><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d<text:span>e</text:span></text:p>
            <table:table><table:table-row><table:table-cell><text:p>key</text:p></table:table-cell><table:table-cell><text:p>value</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row></table:table>
            </office:text></office:body></office:document-content>"#;
        assert_eq!(
            Flavour::OpenDocument.text(xml, &[]).expect("text"),
            "Title\na   b\tc\nde\nkey\tvalue\n"
        );
    }

    #[test]
    fn documents_are_told_by_their_parts() {
        let docx = ["[Content_Types].xml", "word/document.xml"];
        assert_eq!(Flavour::of(docx, None), Some(Flavour::Word));
        assert_eq!(Flavour::of(["word/document.xml"], None), None);
        assert_eq!(
            Flavour::of(
                ["mimetype"],
                Some(b"application/vnd.oasis.opendocument.text")
            ),
            Some(Flavour::OpenDocument)
        );
        assert_eq!(Flavour::of(["META-INF/MANIFEST.MF"], None), None);
        assert_eq!(Flavour::Word.part("word/header2.xml"), Part::Text);
        assert_eq!(Flavour::Word.part("word/styles.xml"), Part::Other);
        assert_eq!(Flavour::Excel.part(SHARED_STRINGS), Part::SharedStrings);
        assert_eq!(Flavour::Excel.part("xl/worksheets/sheet12.xml"), Part::Text);
        assert_eq!(
            Flavour::PowerPoint.part("ppt/notesSlides/notesSlide1.xml"),
            Part::Text
        );
        assert_eq!(
            Flavour::PowerPoint.part("ppt/slideLayouts/slideLayout1.xml"),
            Part::Other
        );
        assert_eq!(Flavour::OpenDocument.part("content.xml"), Part::Text);
        assert_eq!(Flavour::OpenDocument.part("settings.xml"), Part::Other);
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        assert!(Flavour::Word.text(b"<w:t>a</w:x>", &[]).is_err());
    }
}
