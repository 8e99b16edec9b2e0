//! Parsers that may panic, hang or exhaust memory on hostile input run here in a child
//! process: this same program started with [`HELPER_ARG`]. The child gets the bytes on
//! standard input and answers in JSON on standard output; its standard error is dropped
//! (a panic message can quote the document). A child that dies, runs past [`TIME_LIMIT`] or
//! answers more than the caller's cap is one error for that file, and the scan goes on.

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The first argument that makes the program the PDF helper instead of the scanner.
pub const HELPER_ARG: &str = "__sfleaks-pdf-text";

/// How long one PDF may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// The address space the helper may use: what a parse may hold in memory.
const MEMORY_LIMIT: u64 = 512 << 20;

/// The program that parses in a child process (this program's own executable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helper(pub PathBuf);

impl Helper {
    /// The running executable as the helper, when it can be found.
    pub fn current() -> Option<Helper> {
        std::env::current_exe().ok().map(Helper)
    }
}

/// What the child answers.
#[derive(Serialize, Deserialize)]
enum Answer {
    /// The text of each page.
    Pages(Vec<String>),
    /// Why the file could not be read (never its content).
    Error(String),
}

/// The child's side: reads a PDF from standard input, writes its pages' text. Returns the
/// exit code.
pub fn serve() -> u8 {
    limit_memory();
    let mut data = Vec::new();
    if std::io::stdin().read_to_end(&mut data).is_err() {
        return 3;
    }
    let answer = match super::pdf::pages(&data) {
        Ok(pages) => Answer::Pages(pages),
        Err(why) => Answer::Error(super::one_line(&why).chars().take(200).collect()),
    };
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, &answer).map_err(std::io::Error::from);
    match written.and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(_) => 3,
    }
}

/// Caps the child's address space, so a stream that inflates without end fails an
/// allocation (and ends the child) instead of taking the machine's memory.
#[cfg(unix)]
fn limit_memory() {
    let limit = libc::rlimit {
        rlim_cur: MEMORY_LIMIT as libc::rlim_t,
        rlim_max: MEMORY_LIMIT as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
}

#[cfg(not(unix))]
fn limit_memory() {}

/// The text of each page of the PDF `data`, parsed by `helper` in a child process; at most
/// `cap` bytes of answer are read.
pub(super) fn pdf_pages(helper: &Helper, data: &[u8], cap: u64) -> Result<Vec<String>, String> {
    let mut child = Command::new(&helper.0)
        .arg(HELPER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start the PDF parser: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("could not talk to the PDF parser".into());
    };
    // the answer is read while the PDF is still being written: neither pipe fills up and
    // stalls the other
    let answer = std::thread::scope(|s| {
        s.spawn(move || {
            // a child that stops reading has failed; its exit says so
            let _ = stdin.write_all(data);
        });
        let reader = s.spawn(move || {
            let mut out = Vec::new();
            let read = stdout.take(cap.saturating_add(1)).read_to_end(&mut out);
            read.map(|_| out)
        });
        let status = wait(&mut child);
        let out = reader.join().unwrap_or_else(|_| Ok(Vec::new()));
        (status, out)
    });
    match answer {
        (Err(why), _) => Err(why),
        // checked before the exit: the child ends on the pipe closed after the cap
        (_, Ok(out)) if out.len() as u64 > cap => Err(format!(
            "its text is over {cap} bytes, the limit of one entry"
        )),
        (Ok(status), _) if !status.success() => Err(ended(status)),
        (Ok(_), Ok(out)) => match serde_json::from_slice::<Answer>(&out) {
            Ok(Answer::Pages(pages)) => Ok(pages),
            Ok(Answer::Error(why)) => Err(why),
            Err(_) => Err("the PDF parser gave no answer".into()),
        },
        (Ok(_), Err(e)) => Err(format!("reading the PDF parser's answer: {e}")),
    }
}

/// Why a child that did not exit cleanly ended: a panic exits with 101; a crash (a stack
/// overflow, a failed allocation past [`MEMORY_LIMIT`]) is a signal.
fn ended(status: ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!(
            "the PDF parser was killed by signal {signal} on it (a crash, or over the {} MiB it may use)",
            MEMORY_LIMIT >> 20
        );
    }
    match status.code() {
        Some(101) => "the PDF parser panicked on it".into(),
        Some(code) => format!("the PDF parser failed on it (exit code {code})"),
        None => "the PDF parser failed on it".into(),
    }
}

/// Waits for the child up to [`TIME_LIMIT`], killing it then.
fn wait(child: &mut std::process::Child) -> Result<ExitStatus, String> {
    let deadline = Instant::now() + TIME_LIMIT;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the PDF parser ran over {} seconds",
                    TIME_LIMIT.as_secs()
                ));
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(e) => return Err(format!("waiting for the PDF parser: {e}")),
        }
    }
}
