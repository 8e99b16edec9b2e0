//! Runs a plan: sources feed blobs to workers, the matcher turns them into findings, and the
//! findings are collected, counted and sorted for the report.

use crate::attribution;
use crate::finding::{Finding, Suppression};
use crate::matcher::Matcher;
use crate::progress::{Counters, Progress};
use crate::source::{self, git, odbview::View, Sink, Skip};
use crate::suppress::Filter;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// What was read and passed over in one run.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// Files or blobs scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Commits walked (history scans).
    pub commits: u64,
    /// Everything passed over (binary, too large, unreadable).
    pub skipped: u64,
    /// Passed over for a NUL byte in the first 8 KiB.
    pub skipped_binary: u64,
    /// Passed over for being larger than `--max-file-size`.
    pub skipped_large: u64,
    /// Could not be read.
    pub errors: u64,
    /// Findings hidden by an inline allow comment.
    pub suppressed: u64,
    /// Findings hidden because the `--baseline` report has them.
    pub baselined: u64,
    /// Findings hidden by the config allowlist.
    pub allowlisted: u64,
    /// Archives and compressed files opened (at every level).
    pub archives: u64,
    /// Files read out of them (counted in `files` too when scanned).
    pub archive_entries: u64,
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
    /// Directory paths are relative to (the working directory, or the repository's).
    pub root: Option<PathBuf>,
    /// The repository, for reports that name it (SARIF's version control provenance).
    pub vcs: Option<Vcs>,
    /// With `--report-stale`: the suppressions that hid nothing.
    pub stale: Vec<crate::suppress::Stale>,
}

/// The repository a history scan read.
#[derive(Debug, Clone)]
pub struct Vcs {
    /// The origin remote's URL, without any credentials in it.
    pub repository_uri: String,
    /// HEAD's commit id.
    pub revision: String,
}

/// What happens to findings between the matcher and the report.
pub struct Post<'a> {
    /// Baseline and allowlist.
    pub filter: &'a Filter,
    /// Keep suppressed findings (marked) in the report.
    pub show_suppressed: bool,
    /// Called with each reportable finding as soon as it is found (JSON Lines streaming).
    pub stream: Option<&'a (dyn Fn(&Finding) + Sync)>,
    /// Note where `sfleaks:allow` markers are (`--report-stale`: files on disk, HEAD's files
    /// in a history).
    pub markers: bool,
}

impl Post<'_> {
    /// Applies the filter and streams the finding if it is to be reported.
    fn take(&self, f: &mut Finding) {
        self.filter.apply(f);
        if let Some(stream) = self.stream {
            if self.show_suppressed || !f.is_suppressed() {
                stream(f);
            }
        }
    }
}

/// Where a scan reads from.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input (`-`), with its size limit in bytes.
    Stdin(u64),
    /// Files and directories on disk.
    Walk(source::fs::WalkOptions),
}

/// Counters shared by all workers, and the warnings they print.
struct Tally {
    counters: Arc<Counters>,
    archives: AtomicU64,
    archive_entries: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    errors: AtomicU64,
    quiet: bool,
}

impl Tally {
    fn new(quiet: bool, counters: Arc<Counters>) -> Tally {
        Tally {
            counters,
            archives: AtomicU64::new(0),
            archive_entries: AtomicU64::new(0),
            binary: AtomicU64::new(0),
            large: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            quiet,
        }
    }

    fn opened(&self, opened: source::containers::Opened) {
        self.archives
            .fetch_add(opened.containers, Ordering::Relaxed);
        self.archive_entries
            .fetch_add(opened.entries, Ordering::Relaxed);
    }

    fn scanned(&self, bytes: usize) {
        self.counters.blobs.fetch_add(1, Ordering::Relaxed);
        self.counters
            .bytes
            .fetch_add(bytes as u64, Ordering::Relaxed);
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
            Skip::NotAFile => {
                if !self.quiet {
                    eprintln!("sfleaks: warning: skipping {path}: not a regular file");
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

    fn finish(&self, started: Instant) -> Stats {
        let binary = self.binary.load(Ordering::Relaxed);
        let large = self.large.load(Ordering::Relaxed);
        let errors = self.errors.load(Ordering::Relaxed);
        Stats {
            files: self.counters.blobs.load(Ordering::Relaxed),
            bytes: self.counters.bytes.load(Ordering::Relaxed),
            commits: self.counters.commits.load(Ordering::Relaxed),
            skipped: binary + large + errors,
            skipped_binary: binary,
            skipped_large: large,
            errors,
            suppressed: 0,
            baselined: 0,
            allowlisted: 0,
            archives: self.archives.load(Ordering::Relaxed),
            archive_entries: self.archive_entries.load(Ordering::Relaxed),
            elapsed_ms: started.elapsed().as_millis() as u64,
        }
    }
}

/// Locks a mutex, keeping the data of a worker that panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A sink that matches every file and keeps the findings; shared by all walker threads.
struct Collector<'m> {
    matcher: &'m Matcher,
    post: &'m Post<'m>,
    findings: Mutex<Vec<Finding>>,
    /// Files and lines holding an `sfleaks:allow` marker, when asked for.
    markers: Mutex<Vec<(String, usize)>>,
    tally: Tally,
}

impl Sink for Collector<'_> {
    fn blob(&self, path: &str, data: &[u8], ctx: source::BlobContext) {
        self.tally.scanned(data.len());
        if self.post.markers {
            let lines = crate::suppress::marker_lines(data);
            if !lines.is_empty() {
                lock(&self.markers).extend(lines.into_iter().map(|l| (path.to_string(), l)));
            }
        }
        self.keep(self.matcher.find_with(data, path, ctx));
    }

    fn document(&self, parts: &[source::Part], ctx: source::BlobContext) {
        parts.iter().for_each(|p| self.tally.scanned(p.text.len()));
        self.keep(self.matcher.find_document(parts, ctx));
    }

    fn skipped(&self, path: &str, why: Skip) {
        self.tally.skipped(path, why);
    }

    fn wants_binary(&self, path: &str, ctx: source::BlobContext) -> bool {
        self.matcher.wants_binary(path, ctx)
    }

    fn opened(&self, opened: source::containers::Opened) {
        self.tally.opened(opened);
    }
}

impl Collector<'_> {
    /// Filters (and streams) what a blob gave, and keeps it.
    fn keep(&self, mut found: Vec<Finding>) {
        if !found.is_empty() {
            found.iter_mut().for_each(|f| self.post.take(f));
            lock(&self.findings).extend(found);
        }
    }
}

/// Scans files, directories and stdin; returns the sorted findings and the counters.
pub fn run(matcher: &Matcher, inputs: &[Input], post: &Post, quiet: bool) -> Outcome {
    let started = Instant::now();
    let collector = Collector {
        matcher,
        post,
        findings: Mutex::new(Vec::new()),
        markers: Mutex::new(Vec::new()),
        tally: Tally::new(quiet, Arc::new(Counters::default())),
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
    let mut stats = collector.tally.finish(started);
    let findings = collector
        .findings
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let markers = collector
        .markers
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let stale = stale_markers(markers, &findings);
    Outcome {
        findings: settle(findings, post.show_suppressed, &mut stats),
        stats,
        root: std::env::current_dir().ok(),
        vcs: None,
        stale,
    }
}

/// The markers that allowed no finding: a marker allows one on its own line or the next.
fn stale_markers(
    mut markers: Vec<(String, usize)>,
    findings: &[Finding],
) -> Vec<crate::suppress::Stale> {
    let allowed: std::collections::HashSet<(&str, usize)> = findings
        .iter()
        .filter_map(|f| Some(crate::suppress::marker_lines_of(f)?.map(|l| (f.path.as_str(), l))))
        .flatten()
        .collect();
    markers.sort();
    markers.dedup();
    markers
        .into_iter()
        .filter(|(p, l)| !allowed.contains(&(p.as_str(), *l)))
        .map(|(path, line)| crate::suppress::Stale::marker(path, line))
        .collect()
}

/// Counts suppressed findings by reason, drops them unless asked, and sorts.
pub fn settle(
    mut findings: Vec<Finding>,
    show_suppressed: bool,
    stats: &mut Stats,
) -> Vec<Finding> {
    let count = |why| {
        findings
            .iter()
            .filter(|f| f.suppressed == Some(why))
            .count() as u64
    };
    stats.suppressed = count(Suppression::Inline);
    stats.baselined = count(Suppression::Baseline);
    stats.allowlisted = count(Suppression::Allowlist);
    if !show_suppressed {
        findings.retain(|f| !f.is_suppressed());
    }
    sort_findings(&mut findings);
    findings
}

/// Sorts findings into report order (see [`crate::finding::report_order`]).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(crate::finding::report_order);
}

/// Which git content a scan reads.
#[derive(Debug, Clone)]
pub enum GitTarget {
    /// Commits (all refs, a range, a branch).
    History(git::Selection),
    /// The index against HEAD.
    Staged,
}

/// Everything a git scan needs besides the matcher.
#[derive(Debug, Clone)]
pub struct GitOptions {
    /// A path inside the repository (discovered like git).
    pub repo: PathBuf,
    /// What to read.
    pub target: GitTarget,
    /// Skip blobs larger than this many bytes.
    pub max_file_size: u64,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// No warnings on stderr.
    pub quiet: bool,
    /// Draw progress on stderr.
    pub progress: bool,
    /// Which containers in blobs to open, and how far.
    pub archives: source::containers::Limits,
}

/// Blobs handed to the workers together: one channel operation (and at most one wake-up) per
/// batch instead of per blob keeps the walking thread on its own work, and the paths share one
/// buffer, because every allocation the walker makes and a worker frees goes back through the
/// walker's malloc arena under its lock (a per-blob path string made the two threads contend).
#[derive(Default)]
struct Batch {
    /// (blob index, blob id, end of its path in `paths`).
    jobs: Vec<(u32, git2::Oid, usize)>,
    paths: String,
}

impl Batch {
    const SIZE: usize = 64;

    /// Adds a blob; true when the batch is full.
    fn push(&mut self, idx: u32, oid: git2::Oid, path: &str) -> bool {
        if self.jobs.capacity() == 0 {
            self.jobs.reserve_exact(Self::SIZE);
            self.paths.reserve(Self::SIZE * 48);
        }
        self.paths.push_str(path);
        self.jobs.push((idx, oid, self.paths.len()));
        self.jobs.len() == Self::SIZE
    }

    /// The blobs with their paths.
    fn iter(&self) -> impl Iterator<Item = (u32, git2::Oid, &str)> + '_ {
        let starts = std::iter::once(0).chain(self.jobs.iter().map(|j| j.2));
        self.jobs
            .iter()
            .zip(starts)
            .map(|(&(idx, oid, end), start)| (idx, oid, &self.paths[start..end]))
    }
}

/// Scans git content: each unique blob once per path, in parallel (one repository handle per
/// worker), then attributes findings to commits.
pub fn run_git(
    matcher: &Matcher,
    opts: &GitOptions,
    post: &Post,
) -> Result<Outcome, git::GitError> {
    let started = Instant::now();
    git::limit_memory();
    let repo = git::discover(&opts.repo)?;
    if repo.is_shallow() && !opts.quiet {
        eprintln!("sfleaks: note: shallow clone: scanning only the commits it has");
    }
    let counters = Arc::new(Counters::default());
    let tally = Tally::new(opts.quiet, Arc::clone(&counters));
    let staged = matches!(opts.target, GitTarget::Staged);
    let staging = staged.then(|| git::Staging::open(&repo)).transpose()?;
    // a staged scan checks the few blobs it reads instead (see `BlobReader`)
    let filtered = if staged {
        None
    } else {
        guard_objects(&repo, &tally)
    };
    // a file holding only a secret is tied by its neighbours in the tree the scan starts at
    let neighbours = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .ok()
        .map(|t| source::neighbours::InTree::new(repo.path().to_path_buf(), t.id()));
    let reader = BlobReader {
        matcher,
        tally: &tally,
        max: opts.max_file_size,
        bctx: source::BlobContext {
            salesforce_project: source::InProject::Known(git::is_sfdx_project(
                &repo,
                staging.as_ref(),
            )),
            neighbours: neighbours
                .as_ref()
                .map(|n| n as &dyn crate::matcher::Neighbours),
            outer: None,
        },
        check_loose: staged,
        archives: &opts.archives,
    };
    let reader = &reader;
    let progress = Progress::start(
        opts.progress && matches!(opts.target, GitTarget::History(_)),
        Arc::clone(&counters),
    );
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    // what is staged is known before any worker starts, and a worker costs a repository
    // opening (its config files, refs and packs): a few staged files get none (see `inline`),
    // more get a worker per STAGED_PER_WORKER
    let staged_changes = match &staging {
        Some(s) => {
            let mut announced: Vec<(u32, git2::Oid, String)> = Vec::new();
            let history = s.changes(&repo, |i, oid, path| announced.push((i, oid, path.into())))?;
            Some((history, announced))
        }
        None => None,
    };
    // so few that they are scanned here, on the repository already open: even one worker
    // would open it again and start a thread (0.3 ms of a 4 ms one-file pre-commit scan)
    let inline = staged_changes
        .as_ref()
        .is_some_and(|(_, announced)| announced.len() <= STAGED_PER_WORKER);
    let threads = match &staged_changes {
        _ if inline => 0,
        Some((_, announced)) => threads
            .min(announced.len().div_ceil(STAGED_PER_WORKER))
            .max(1),
        None => threads,
    };
    let views = worker_views(&repo, filtered.as_ref(), threads, staged);
    // a whole history reads most of the packs: read them directly; opening them reads every
    // entry's header (a quarter second for rails), more than a range or a staged scan reads
    let whole = matches!(&opts.target, GitTarget::History(sel) if sel.range.is_none() && sel.since.is_none() && sel.hide.is_empty());
    let packs = whole.then(|| source::pack::Packs::open(&repo.commondir().join("objects")));
    let packs = packs.as_ref();
    let repo_dir = repo.path().to_path_buf();
    let results: Mutex<Vec<(u32, Vec<Finding>)>> = Mutex::new(Vec::new());
    let mut sent: Vec<bool> = Vec::new();
    let mut objects = source::objects::Objects::new(&repo, packs, BLOB_CACHE).map_err(|e| {
        git::GitError::Git {
            what: "opening the object database".into(),
            message: e.message().to_string(),
        }
    })?;
    let (tx, rx) = crossbeam_channel::bounded::<Batch>(32);
    let walked = if inline {
        let (history, announced) = staged_changes.unwrap_or_default();
        for (idx, oid, path) in announced {
            mark_sent(&mut sent, idx);
            let found = reader.scan(&repo, &mut objects, oid, &path);
            if !found.is_empty() {
                lock(&results).push((idx, found));
            }
        }
        Ok(history)
    } else {
        std::thread::scope(|s| {
            for view in &views {
                let rx = rx.clone();
                let (tally, results, repo_dir, filtered) = (&tally, &results, &repo_dir, &filtered);
                s.spawn(move || {
                    let repo = match git2::Repository::open(repo_dir).and_then(|r| {
                        let view = view.as_ref().or(filtered.as_ref().map(|f| &f.view));
                        view.map_or(Ok(()), |v| v.apply(&r)).map(|()| r)
                    }) {
                        Ok(r) => r,
                        Err(e) => {
                            tally
                                .skipped("(repository)", Skip::Unreadable(e.message().to_string()));
                            return;
                        }
                    };
                    let mut objects = match source::objects::Objects::new(&repo, packs, BLOB_CACHE)
                    {
                        Ok(o) => o,
                        Err(e) => {
                            tally
                                .skipped("(repository)", Skip::Unreadable(e.message().to_string()));
                            return;
                        }
                    };
                    for batch in rx {
                        for (idx, oid, path) in batch.iter() {
                            let found = reader.scan(&repo, &mut objects, oid, path);
                            if !found.is_empty() {
                                lock(results).push((idx, found));
                            }
                        }
                    }
                });
            }
            drop(rx);
            let mut batch = Batch::default();
            let mut announce = |idx: u32, oid: git2::Oid, path: &str| {
                mark_sent(&mut sent, idx);
                if batch.push(idx, oid, path) {
                    // a send fails only when every worker is gone; their error is already counted
                    let _ = tx.send(std::mem::take(&mut batch));
                }
            };
            let walked = match &opts.target {
                GitTarget::History(sel) => git::walk(&repo, packs, sel, &mut announce, || {
                    counters.commits.fetch_add(1, Ordering::Relaxed);
                }),
                GitTarget::Staged => {
                    let (history, announced) = staged_changes.unwrap_or_default();
                    for (i, oid, path) in announced {
                        announce(i, oid, &path);
                    }
                    Ok(history)
                }
            };
            if !batch.jobs.is_empty() {
                let _ = tx.send(batch);
            }
            drop(tx);
            walked
        })
    };
    progress.finish();
    let history = walked?;

    let mut per_blob: Vec<Vec<Finding>> = vec![Vec::new(); history.blobs.len()];
    for (idx, found) in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
        per_blob[idx as usize] = found;
    }
    // what a path held before a change, where the walk did not scan it (it predates a range or
    // HEAD): scanned only where the new blob has findings, to tell introduced from carried
    for ch in &history.changes {
        if let (Some(blob), Some(before)) = (ch.blob, ch.before) {
            let b = before as usize;
            if !per_blob[blob as usize].is_empty() && !sent.get(b).copied().unwrap_or(false) {
                mark_sent(&mut sent, before);
                let path = &history.paths[ch.path as usize];
                per_blob[b] = reader.scan(&repo, &mut objects, history.blobs[b], path);
            }
        }
    }

    for w in &history.warnings {
        tally.skipped("(git)", Skip::Unreadable(w.clone()));
    }
    // a corrupt repository is scanned as far as it can be read; one of which nothing could
    // be read is an error, not a clean result
    let nothing_read = history.commits.is_empty() && history.blobs.is_empty();
    if nothing_read && tally.errors.load(Ordering::Relaxed) > 0 {
        return Err(git::GitError::Git {
            what: format!("scanning {}", repo.path().display()),
            message: "nothing could be read (see the warnings above)".into(),
        });
    }
    if !opts.quiet {
        for n in &history.notes {
            eprintln!("sfleaks: note: {n}");
        }
        for s in &history.submodules {
            eprintln!("sfleaks: note: submodule {s} is not scanned (scan its own repository)");
        }
    }
    let stale = if post.markers && !staged {
        head_markers(&repo, &history, &per_blob)
    } else {
        Vec::new()
    };
    let findings: Vec<Finding> = attribution::attribute(&history, &per_blob)
        .into_iter()
        .map(|a| {
            let mut f = a.finding;
            if !staged {
                let first = history.commits[a.first as usize].oid;
                f.commit = git::commit_info(&repo, first);
                f.first_seen = Some(first.to_string());
                f.last_seen = Some(history.commits[a.last as usize].oid.to_string());
                f.occurrences = Some(a.occurrences);
            }
            post.take(&mut f);
            f
        })
        .collect();
    let mut stats = tally.finish(started);
    let findings = settle(findings, post.show_suppressed, &mut stats);
    Ok(Outcome {
        findings,
        stats,
        root: repo
            .workdir()
            .or_else(|| Some(repo.path()))
            .map(Path::to_path_buf),
        vcs: (!staged).then(|| git::vcs(&repo)).flatten(),
        stale,
    })
}

/// The `sfleaks:allow` markers in HEAD's files that this scan read and that allow nothing
/// there: the markers a history keeps in old versions are not anyone's to clean up.
fn head_markers(
    repo: &git2::Repository,
    history: &git::History,
    per_blob: &[Vec<Finding>],
) -> Vec<crate::suppress::Stale> {
    let Ok(tree) = repo.head().and_then(|h| h.peel_to_tree()) else {
        return Vec::new();
    };
    // each blob id with the paths it was read at; a HEAD entry's path is labelled only when
    // its blob was read somewhere
    let mut index: std::collections::HashMap<git2::Oid, Vec<(&str, usize)>> =
        std::collections::HashMap::new();
    for (i, (oid, p)) in history.blobs.iter().zip(&history.blob_paths).enumerate() {
        index
            .entry(*oid)
            .or_default()
            .push((history.paths[*p as usize].as_str(), i));
    }
    let mut out = Vec::new();
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let Some(read_at) = index.get(&entry.id()) else {
            return git2::TreeWalkResult::Ok;
        };
        let path = source::pathname::label(&[dir.as_bytes(), entry.name_bytes()].concat());
        let Some(&(_, i)) = read_at.iter().find(|(p, _)| *p == path) else {
            return git2::TreeWalkResult::Ok;
        };
        let Ok(blob) = repo.find_blob(entry.id()) else {
            return git2::TreeWalkResult::Ok;
        };
        let lines = crate::suppress::marker_lines(blob.content());
        if lines.is_empty() {
            return git2::TreeWalkResult::Ok;
        }
        // lines in the blob's own text, not in an archive inside it
        let allowed: std::collections::HashSet<usize> = per_blob[i]
            .iter()
            .filter(|f| f.within.is_none())
            .filter_map(crate::suppress::marker_lines_of)
            .flatten()
            .collect();
        for line in lines.into_iter().filter(|l| !allowed.contains(l)) {
            out.push(crate::suppress::Stale::marker(path.clone(), line));
        }
        git2::TreeWalkResult::Ok
    });
    out
}

/// Checks the loose objects and, if some are corrupt, names them and hides them from libgit2
/// (which would hang on a truncated one); returns the database to give every handle.
fn guard_objects(repo: &git2::Repository, tally: &Tally) -> Option<source::loose::Filtered> {
    let filtered = match source::loose::check(repo) {
        Ok(f) => f?,
        Err(e) => {
            tally.skipped("(loose objects)", Skip::Unreadable(e.to_string()));
            return None;
        }
    };
    for b in &filtered.broken {
        tally.skipped(
            &format!("object {}", b.id),
            Skip::Unreadable(b.problem.clone()),
        );
    }
    if let Err(e) = filtered.view.apply(repo) {
        tally.skipped(
            "(object database)",
            Skip::Unreadable(e.message().to_string()),
        );
    }
    Some(filtered)
}

/// One object-database view per worker, each with its own pack caches and locks (see
/// `odbview`); a worker without one (staged scans read a handful of blobs, or a view could
/// not be made) reads through the filtered database, if any, or the repository's own.
fn worker_views(
    repo: &git2::Repository,
    filtered: Option<&source::loose::Filtered>,
    threads: usize,
    staged: bool,
) -> Vec<Option<View>> {
    let objects = filtered.map_or_else(|| repo.commondir().join("objects"), |f| f.view.objects());
    (0..threads)
        .map(|_| (!staged).then(|| View::of(&objects).ok()).flatten())
        .collect()
}

/// Notes that the blob `idx` was scanned (or sent to be).
fn mark_sent(sent: &mut Vec<bool>, idx: u32) {
    let i = idx as usize;
    if sent.len() <= i {
        sent.resize(i + 1, false);
    }
    sent[i] = true;
}

/// Staged blobs per worker: below this many, another worker costs more than it saves.
const STAGED_PER_WORKER: usize = 32;

/// Each worker's cache of decoded blobs that other blobs are deltas of.
const BLOB_CACHE: usize = 64 << 20;

/// What every worker needs to read and match one blob.
struct BlobReader<'a> {
    matcher: &'a Matcher,
    tally: &'a Tally,
    max: u64,
    bctx: source::BlobContext<'a>,
    /// Check the blob's loose file before libgit2 reads it (staged scans; history scans
    /// checked every loose object up front).
    check_loose: bool,
    /// Which containers to open, and how far.
    archives: &'a source::containers::Limits,
}

impl BlobReader<'_> {
    /// Reads one blob and matches it, counting what was skipped.
    fn scan(
        &self,
        repo: &git2::Repository,
        objects: &mut source::objects::Objects<'_>,
        oid: git2::Oid,
        path: &str,
    ) -> Vec<Finding> {
        let BlobReader {
            matcher,
            tally,
            max,
            bctx,
            check_loose,
            ..
        } = *self;
        let label = format!("{path} (blob {oid})");
        if check_loose {
            if let Some(problem) = source::loose::problem(repo, oid) {
                tally.skipped(&label, Skip::Unreadable(problem));
                return Vec::new();
            }
        }
        let blob = match objects.read_as(oid, git2::ObjectType::Blob, max) {
            Ok(source::objects::Object::Whole(_, data)) => data,
            Ok(source::objects::Object::TooLarge(size)) => {
                tally.skipped(&label, Skip::TooLarge(size));
                return Vec::new();
            }
            Err(e) => {
                tally.skipped(&label, Skip::Unreadable(e));
                return Vec::new();
            }
        };
        if let Some(kind) = self.archives.opens(&blob) {
            let entries = Entries {
                matcher,
                tally,
                found: Mutex::new(Vec::new()),
            };
            source::containers::open(path, &blob, kind, self.archives, &entries, bctx);
            return entries
                .found
                .into_inner()
                .unwrap_or_else(|p| p.into_inner());
        }
        let Some(data) = source::scannable(&blob, || matcher.wants_binary(path, bctx)) else {
            tally.skipped(&label, Skip::Binary);
            return Vec::new();
        };
        tally.scanned(data.len());
        matcher.find_with(&data, path, bctx)
    }
}

/// The files inside one container blob: matched, each finding knowing its path within it.
struct Entries<'a> {
    matcher: &'a Matcher,
    tally: &'a Tally,
    found: Mutex<Vec<Finding>>,
}

impl Sink for Entries<'_> {
    fn blob(&self, path: &str, data: &[u8], ctx: source::BlobContext) {
        self.tally.scanned(data.len());
        lock(&self.found).extend(self.matcher.find_with(data, path, ctx));
    }

    fn document(&self, parts: &[source::Part], ctx: source::BlobContext) {
        parts.iter().for_each(|p| self.tally.scanned(p.text.len()));
        lock(&self.found).extend(self.matcher.find_document(parts, ctx));
    }

    fn skipped(&self, path: &str, why: Skip) {
        self.tally.skipped(path, why);
    }

    fn wants_binary(&self, path: &str, ctx: source::BlobContext) -> bool {
        self.matcher.wants_binary(path, ctx)
    }

    fn opened(&self, opened: source::containers::Opened) {
        self.tally.opened(opened);
    }
}
