//! Files and directories on disk, walked in parallel with the `ignore` crate (the walker
//! ripgrep uses): `.gitignore`/`.ignore` respected unless `no_ignore`, hidden files scanned,
//! `.git/` never entered, symlinks not followed, only regular files read.

use super::containers::Limits;
use super::{scannable, BlobContext, InProject, Sink, Skip, SFDX_PROJECT_FILE};
use ignore::{WalkBuilder, WalkState};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Which directories lie inside a Salesforce DX project (an `sfdx-project.json` in them or
/// above them), memoised per directory so each is looked at once.
#[derive(Default)]
struct Projects {
    known: Mutex<HashMap<PathBuf, bool>>,
}

impl Projects {
    fn contains(&self, dir: &Path) -> bool {
        if let Some(&v) = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(dir)
        {
            return v;
        }
        let here = dir.join(SFDX_PROJECT_FILE).is_file();
        let v = here || dir.parent().is_some_and(|p| self.contains(p));
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), v);
        v
    }
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Roots to walk (files or directories).
    pub paths: Vec<PathBuf>,
    /// Scan files that ignore files exclude.
    pub no_ignore: bool,
    /// Follow symbolic links (otherwise only links given as roots are followed).
    pub follow: bool,
    /// Skip files larger than this many bytes.
    pub max_file_size: u64,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Which containers to open, and how far.
    pub archives: super::containers::Limits,
}

/// Walks every root and feeds each regular file to the sink; each worker thread reuses one
/// read buffer.
pub fn walk(opts: &WalkOptions, sink: &dyn Sink) {
    let Some((first, rest)) = opts.paths.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .hidden(false)
        .follow_links(opts.follow)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    if opts.no_ignore {
        builder
            .ignore(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .parents(false);
    }
    let max = opts.max_file_size;
    let archives = &opts.archives;
    let projects = Projects::default();
    let projects = &projects;
    let on_disk = super::neighbours::OnDisk::default();
    let on_disk = &on_disk;
    builder.build_parallel().run(|| {
        let mut buf: Vec<u8> = Vec::new();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let (path, why) = describe(&err);
                    sink.skipped(&path, Skip::Unreadable(why));
                    return WalkState::Continue;
                }
            };
            // regular files only: FIFOs, sockets and devices would block or never end
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                // a root named on the command line is said; inside a tree they pass silently
                if entry.depth() == 0 && !entry.file_type().is_some_and(|t| t.is_dir()) {
                    let path = super::pathname::of_path(entry.path());
                    sink.skipped(&path, Skip::NotAFile);
                }
                return WalkState::Continue;
            }
            let path = super::pathname::of_path(entry.path());
            let in_project = || {
                let abs = std::path::absolute(entry.path())
                    .unwrap_or_else(|_| entry.path().to_path_buf());
                abs.parent().is_some_and(|d| projects.contains(d))
            };
            let ctx = BlobContext {
                salesforce_project: InProject::Ask(&in_project),
                neighbours: Some(on_disk),
                outer: None,
            };
            read_file(entry.path(), &path, max, &mut buf, sink, ctx, archives);
            WalkState::Continue
        })
    });
}

fn read_file(
    p: &Path,
    path: &str,
    max: u64,
    buf: &mut Vec<u8>,
    sink: &dyn Sink,
    ctx: BlobContext,
    archives: &Limits,
) {
    let mut file = match File::open(p) {
        Ok(f) => f,
        Err(e) => return sink.skipped(path, Skip::Unreadable(e.to_string())),
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max {
        return sink.skipped(path, Skip::TooLarge(len));
    }
    buf.clear();
    // room for the whole file at once: a reader behind `take` knows no size, and grew its
    // buffer from a 32-byte probe
    buf.reserve(usize::try_from(len.min(max)).unwrap_or(0).saturating_add(1));
    // read at most max+1 bytes: a file that grew past the limit while we read is still skipped
    if let Err(e) = (&mut file).take(max.saturating_add(1)).read_to_end(buf) {
        return sink.skipped(path, Skip::Unreadable(e.to_string()));
    }
    if buf.len() as u64 > max {
        return sink.skipped(path, Skip::TooLarge(buf.len() as u64));
    }
    if let Some(kind) = archives.opens(buf) {
        super::containers::open(path, buf, kind, archives, sink, ctx);
        return;
    }
    // a keystore in an SFDX project is wanted even though it is binary
    match scannable(buf, || sink.wants_binary(path, ctx)) {
        Some(text) => sink.blob(path, &text, ctx),
        None => sink.skipped(path, Skip::Binary),
    }
}

/// The path a walk error concerns, and the error on one line without that path again.
fn describe(err: &ignore::Error) -> (String, String) {
    match err {
        ignore::Error::WithPath { path, err } => (super::pathname::of_path(path), describe(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err)
        }
        ignore::Error::Loop { ancestor, child } => (
            super::pathname::of_path(child),
            format!(
                "symlink loop (points to {}), not followed",
                super::pathname::of_path(ancestor)
            ),
        ),
        other => (String::from("(walk)"), other.to_string().replace('\n', " ")),
    }
}
