//! sfleaks: finds hard-coded Salesforce credentials in files, git history and staged changes.
//!
//! Data flows one way: a source yields blobs, the [`matcher::Matcher`] turns bytes into
//! [`finding::Finding`]s, and a [`report::Printer`] prints them.

// libgit2 inflates every object through the C zlib API; linking zlib-rs, which exports that
// API, puts its faster inflate and adler32 in place of the system zlib.
use libz_rs_sys as _;
pub mod app;
pub mod attribution;
pub mod baseline;
pub mod cli;
pub mod clock;
pub mod config;
pub mod configfile;
pub mod deliver;
pub mod filekind;
pub mod finding;
pub mod fleet;
pub mod import;
pub mod lines;
pub mod matcher;
pub mod metadata;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
#[cfg(feature = "verify")]
pub mod verify;
