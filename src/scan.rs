//! Runs a plan: sources feed blobs to workers, the matcher turns them into findings, and the
//! findings are collected, counted and sorted for the report.

use crate::finding::Finding;
use crate::matcher::Matcher;
use crate::source::{self, Sink, Skip};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What was read and passed over in one run.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// Blobs scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Everything passed over (binary, too large, unreadable).
    pub skipped: u64,
    /// Passed over for a NUL byte in the first 8 KiB.
    pub skipped_binary: u64,
    /// Passed over for being larger than `--max-file-size`.
    pub skipped_large: u64,
    /// Could not be read.
    pub errors: u64,
    /// Findings hidden by an inline allow.
    pub suppressed: u64,
    /// Wall time of the scan.
    pub elapsed_ms: u64,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings to report, sorted by path, line, column, rule (suppressed ones only when asked).
    pub findings: Vec<Finding>,
    /// Counters.
    pub stats: Stats,
}

/// Where a scan reads from.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input (`-`), with its size limit in bytes.
    Stdin(u64),
    /// Files and directories on disk.
    Walk(source::fs::WalkOptions),
}

/// A sink that matches every blob and keeps the findings; shared by all worker threads.
struct Collector<'m> {
    matcher: &'m Matcher,
    findings: Mutex<Vec<Finding>>,
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    errors: AtomicU64,
    quiet: bool,
}

impl Sink for Collector<'_> {
    fn blob(&self, path: &str, data: &[u8]) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        let found = self.matcher.find(data, path);
        if !found.is_empty() {
            // a poisoned lock means another worker panicked; keep its findings anyway
            let mut all = self.findings.lock().unwrap_or_else(|p| p.into_inner());
            all.extend(found);
        }
    }

    fn skipped(&self, path: &str, why: Skip) {
        match why {
            Skip::Binary => {
                self.binary.fetch_add(1, Ordering::Relaxed);
            }
            Skip::TooLarge(size) => {
                self.large.fetch_add(1, Ordering::Relaxed);
                if !self.quiet {
                    eprintln!(
                        "sfleaks: warning: skipping {path}: {size} bytes is over --max-file-size"
                    );
                }
            }
            Skip::Unreadable(err) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                if !self.quiet {
                    eprintln!("sfleaks: warning: cannot read {path}: {err}");
                }
            }
        }
    }
}

/// Scans every input and returns the sorted findings and the counters.
pub fn run(matcher: &Matcher, inputs: &[Input], show_suppressed: bool, quiet: bool) -> Outcome {
    let started = Instant::now();
    let collector = Collector {
        matcher,
        findings: Mutex::new(Vec::new()),
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        binary: AtomicU64::new(0),
        large: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        quiet,
    };
    for input in inputs {
        match input {
            Input::Stdin(max) => {
                if let Err(e) = source::stdin::read(*max, &collector) {
                    collector.skipped(source::stdin::STDIN_PATH, Skip::Unreadable(e.to_string()));
                }
            }
            Input::Walk(opts) => source::fs::walk(opts, &collector),
        }
    }
    let mut findings = collector
        .findings
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let suppressed = findings.iter().filter(|f| f.suppressed).count() as u64;
    if !show_suppressed {
        findings.retain(|f| !f.suppressed);
    }
    sort_findings(&mut findings);
    let binary = collector.binary.into_inner();
    let large = collector.large.into_inner();
    let errors = collector.errors.into_inner();
    Outcome {
        findings,
        stats: Stats {
            files: collector.files.into_inner(),
            bytes: collector.bytes.into_inner(),
            skipped: binary + large + errors,
            skipped_binary: binary,
            skipped_large: large,
            errors,
            suppressed,
            elapsed_ms: started.elapsed().as_millis() as u64,
        },
    }
}

/// Sorts findings into report order: path, line, column, rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
    });
}
