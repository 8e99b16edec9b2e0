//! Progress on stderr for long scans: drawn only when asked (stderr is a terminal and not
//! `--quiet`), refreshed by its own thread from shared counters so workers never wait on it.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Counters the workers bump and the progress line reads.
#[derive(Debug, Default)]
pub struct Counters {
    /// Commits walked.
    pub commits: AtomicU64,
    /// Blobs (or files) scanned.
    pub blobs: AtomicU64,
    /// Bytes scanned.
    pub bytes: AtomicU64,
}

/// A running progress line; [`Progress::finish`] clears it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts drawing when `enabled`; otherwise does nothing at all.
    pub fn start(enabled: bool, counters: Arc<Counters>) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = enabled.then(|| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let bar = ProgressBar::new_spinner();
                if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                    bar.set_style(style);
                }
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    let bytes = counters.bytes.load(Ordering::Relaxed);
                    let secs = started.elapsed().as_secs_f64().max(0.001);
                    bar.set_message(format!(
                        "{} commits walked, {} blobs scanned, {:.1} MB/s",
                        counters.commits.load(Ordering::Relaxed),
                        counters.blobs.load(Ordering::Relaxed),
                        bytes as f64 / 1e6 / secs
                    ));
                    bar.tick();
                    std::thread::sleep(Duration::from_millis(100));
                }
                bar.finish_and_clear();
            })
        });
        Progress { stop, handle }
    }

    /// Stops and clears the line.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
