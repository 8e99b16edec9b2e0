//! Where bytes come from. A source hands each blob (bytes plus the path it was reached by) to a
//! [`Sink`]; it never interprets the bytes itself.

pub mod containers;
pub mod fs;
pub mod git;
pub mod gitobj;
pub mod index;
pub mod loose;
pub mod neighbours;
pub mod objects;
pub mod odbview;
pub mod pack;
pub mod pathname;
pub mod stagediff;
pub mod stdin;
pub mod text;
pub mod treediff;

pub use text::{looks_binary, scannable};

/// Why a source passed over something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size` (the size in bytes).
    TooLarge(u64),
    /// Could not be read (the error, on one line).
    Unreadable(String),
    /// Not a regular file (a FIFO, socket or device), so never opened.
    NotAFile,
}

pub use crate::matcher::{BlobContext, InProject};

/// The file that marks a Salesforce DX project's root.
pub const SFDX_PROJECT_FILE: &str = "sfdx-project.json";

/// Receives what a source produces. Called from many threads at once.
pub trait Sink: Sync {
    /// One blob to scan, with what the source knows about it.
    fn blob(&self, path: &str, data: &[u8], ctx: BlobContext);
    /// Whether a binary file at `path` is still wanted (a keystore in an SFDX project).
    fn wants_binary(&self, _path: &str, _ctx: BlobContext) -> bool {
        false
    }
    /// Something the source passed over, and why.
    fn skipped(&self, path: &str, why: Skip);
    /// What one outermost container gave, for the summary line.
    fn opened(&self, _opened: containers::Opened) {}
    /// The text parts of one document (its pages; its body, headers, notes), in the order
    /// the document stores them, to be matched as one text.
    fn document(&self, parts: &[Part], ctx: BlobContext);
}

/// One text part of a document: its path through the container and its text.
#[derive(Debug, Clone)]
pub struct Part {
    /// `runbook.docx!word/document.xml`, `guide.pdf!page-3`.
    pub path: String,
    /// The extracted text.
    pub text: Vec<u8>,
}
