//! Guards libgit2 against corrupt loose objects.
//!
//! libgit2 1.9 (the newest `libgit2-sys` vendors) loops forever inflating a truncated loose
//! object (libgit2 issue #7342, fixed upstream after that release). So before a scan every
//! loose object is inflated once here; if any is broken, the repository is given an object
//! database that cannot see the broken ones: a [`View`] linking the healthy loose objects and
//! the real pack directory. Reading a broken object then fails with "not found", which the
//! scan reports and passes over.

use super::odbview::View;
use flate2::{Decompress, FlushDecompress, Status};
use git2::Repository;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A loose object that does not inflate to its end.
#[derive(Debug, Clone)]
pub struct Broken {
    /// The object id (from its file name).
    pub id: String,
    /// What is wrong, on one line.
    pub problem: String,
}

/// An object database without the broken loose objects, to set on every repository handle.
pub struct Filtered {
    /// The links to everything but the broken objects.
    pub view: View,
    /// The objects passed over.
    pub broken: Vec<Broken>,
}

/// Checks every loose object of `repo`; `Ok(None)` when all are sound (the common case).
pub fn check(repo: &Repository) -> std::io::Result<Option<Filtered>> {
    let objects = repo.commondir().join("objects");
    let files = loose_files(&objects);
    let results: Vec<(PathBuf, String, Option<String>)> = files
        .into_par_iter()
        .map(|(path, id)| {
            let problem = inflate_problem(&path);
            (path, id, problem)
        })
        .collect();
    if results.iter().all(|r| r.2.is_none()) {
        return Ok(None);
    }
    let view = View::empty(&objects)?;
    view.link(&objects.join("pack"), Path::new("pack"))?;
    let mut broken = Vec::new();
    for (path, id, problem) in results {
        match problem {
            Some(problem) => broken.push(Broken { id, problem }),
            None => {
                let (fan, rest) = id.split_at(2);
                view.link(&path, &Path::new(fan).join(rest))?;
            }
        }
    }
    broken.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Some(Filtered { view, broken }))
}

/// Why one object's loose file is unsound, if the object is loose and unsound: a check for
/// the few blobs a staged scan reads, where checking every loose object would cost more than
/// the scan.
pub fn problem(repo: &Repository, oid: git2::Oid) -> Option<String> {
    let id = oid.to_string();
    let (fan, rest) = id.split_at(2);
    let path = repo.commondir().join("objects").join(fan).join(rest);
    path.is_file().then(|| inflate_problem(&path)).flatten()
}

/// Every `objects/xx/yyyy…` file, with its object id.
fn loose_files(objects: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(fans) = std::fs::read_dir(objects) else {
        return out;
    };
    for fan in fans.flatten() {
        let name = fan.file_name();
        let Some(fan_name) = name.to_str().filter(|n| is_hex(n, 2)) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(fan.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let rest = e.file_name();
            if let Some(rest) = rest.to_str().filter(|n| is_hex(n, 38) || is_hex(n, 62)) {
                out.push((e.path(), format!("{fan_name}{rest}")));
            }
        }
    }
    out
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a loose object file is unsound, if it is: its zlib stream must reach its end, and
/// inflate to `<type> <size>\0` followed by exactly `size` bytes (libgit2 also writes past its
/// buffer on an object shorter than its header says, libgit2 issue #7177).
fn inflate_problem(path: &Path) -> Option<String> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Some(format!("cannot open: {e}")),
    };
    let mut z = Decompress::new(true);
    let mut input = vec![0u8; 64 * 1024];
    let mut out = vec![0u8; 64 * 1024];
    let mut header: Vec<u8> = Vec::new();
    let mut header_done = false;
    loop {
        let n = match file.read(&mut input) {
            Ok(n) => n,
            Err(e) => return Some(format!("cannot read: {e}")),
        };
        let mut pos = 0;
        loop {
            let (in_before, out_before) = (z.total_in(), z.total_out());
            let status = match z.decompress(&input[pos..n], &mut out, FlushDecompress::None) {
                Ok(s) => s,
                Err(e) => return Some(format!("does not inflate: {e}")),
            };
            pos += (z.total_in() - in_before) as usize;
            let produced = (z.total_out() - out_before) as usize;
            if !header_done {
                header.extend_from_slice(&out[..produced]);
                header_done = header.contains(&0) || header.len() > 64;
            }
            if status == Status::StreamEnd {
                return header_problem(&header, z.total_out());
            }
            // input used up (read more) or no progress at all (need more input)
            if pos >= n || (produced == 0 && z.total_in() == in_before) {
                break;
            }
        }
        if n == 0 {
            return Some("truncated (the zlib stream ends early)".into());
        }
    }
}

/// Checks the inflated `<type> <size>\0` header against the inflated length.
fn header_problem(head: &[u8], total: u64) -> Option<String> {
    let Some(nul) = head.iter().position(|&b| b == 0) else {
        return Some("no object header".into());
    };
    let text = String::from_utf8_lossy(&head[..nul]);
    let size = text
        .split_once(' ')
        .filter(|(kind, _)| matches!(*kind, "blob" | "tree" | "commit" | "tag"))
        .and_then(|(_, size)| size.parse::<u64>().ok());
    match size {
        None => Some("bad object header".into()),
        Some(size) if size != total - (nul as u64 + 1) => Some(format!(
            "header says {size} bytes, content has {}",
            total - (nul as u64 + 1)
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn object_file(dir: &Path, content: &[u8], keep: Option<usize>) -> PathBuf {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(content).expect("deflate");
        let mut data = z.finish().expect("deflate");
        if let Some(k) = keep {
            data.truncate(k);
        }
        let p = dir.join(format!("obj{}", content.len() + keep.unwrap_or(0)));
        std::fs::write(&p, data).expect("write");
        p
    }

    #[test]
    fn sound_truncated_and_lying_objects_are_told_apart() {
        let dir = tempfile::tempdir().expect("tmp");
        let body = b"blob 2000\0"
            .iter()
            .copied()
            .chain((0..2000).map(|i| (i % 251) as u8));
        let body: Vec<u8> = body.collect();
        assert_eq!(inflate_problem(&object_file(dir.path(), &body, None)), None);
        let cut = inflate_problem(&object_file(dir.path(), &body, Some(40)));
        assert!(cut.is_some_and(|p| p.contains("truncated")));
        let liar = inflate_problem(&object_file(
            dir.path(),
            b"blob 12\0longer than twelve",
            None,
        ));
        assert!(liar.is_some_and(|p| p.contains("header says 12")));
        let junk = inflate_problem(&object_file(dir.path(), b"not an object", None));
        assert!(junk.is_some());
    }
}
