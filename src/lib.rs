//! sfleaks: finds hard-coded Salesforce credentials in files, git history and staged changes.
//!
//! Data flows one way: a source yields blobs, the [`matcher::Matcher`] turns bytes into
//! [`finding::Finding`]s, and a [`report::Printer`] prints them.

pub mod app;
pub mod attribution;
pub mod cli;
pub mod config;
pub mod configfile;
pub mod filekind;
pub mod finding;
pub mod lines;
pub mod matcher;
pub mod metadata;
pub mod placeholder;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
#[cfg(feature = "verify")]
pub mod verify;
