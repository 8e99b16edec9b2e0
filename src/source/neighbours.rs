//! The files around a blob, for the matcher's neighbour context: the other files in its folder
//! and the CI and compose configs above it that name its path. On disk they are read from the
//! folder; in git, from the tree the scan starts at (HEAD).

use crate::matcher::{Neighbour, NeighbourFile, Neighbours};
use std::cell::OnceCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Configs that use a file by its path: CI pipelines and compose files.
const REFERRERS: &[&str] = &[
    ".travis.yml",
    ".gitlab-ci.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    "Jenkinsfile",
    ".circleci/config.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "cloudbuild.yaml",
];
/// The folder GitHub Actions workflows live in.
const WORKFLOWS: &str = ".github/workflows";
/// Largest neighbour read.
const MAX_BYTES: u64 = 256 * 1024;
/// Most sibling files read.
const MAX_SIBLINGS: usize = 64;
/// Folders above the blob searched for configs that name it.
const MAX_UP: usize = 6;
/// Most folders whose reads are remembered.
const RECENT_FOLDERS: usize = 32;
/// Most bytes of them remembered.
const RECENT_BYTES: usize = 32 << 20;

/// Neighbours of files on disk. What a folder holds is read once for the folders met
/// lately: the 29 test keys of one folder each read the other 28 before.
#[derive(Debug, Default)]
pub struct OnDisk {
    siblings: Recent<Vec<(PathBuf, Option<Arc<NeighbourFile>>)>>,
    configs: Recent<Configs>,
}

/// A folder's configs that may name a file below it, read (see [`referrer_paths`]), and
/// whether the folder is a repository's top (the climb stops there).
#[derive(Debug)]
struct Configs {
    read: Vec<(String, Arc<NeighbourFile>)>,
    top: bool,
}

impl Neighbours for OnDisk {
    fn around(&self, path: &str) -> Vec<Neighbour> {
        let file = Path::new(path);
        let Some(dir) = file.parent() else {
            return Vec::new();
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let siblings = self.siblings.get(dir, || {
            let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect();
            names.sort();
            // one more than are read, for the file itself among them
            names.truncate(MAX_SIBLINGS + 1);
            let read = names
                .into_iter()
                .map(|p| {
                    let file = read_small(&p).map(NeighbourFile::new);
                    (p, file)
                })
                .collect::<Vec<_>>();
            let size = read
                .iter()
                .filter_map(|(_, f)| f.as_ref())
                .map(|f| f.bytes().len())
                .sum();
            (read, size)
        });
        let mut out: Vec<Neighbour> = siblings
            .iter()
            .filter(|(p, _)| p.file_name() != file.file_name())
            .take(MAX_SIBLINGS)
            .filter_map(|(p, file)| {
                Some(Neighbour {
                    path: super::pathname::of_path(p),
                    file: Arc::clone(file.as_ref()?),
                    uses_it: false,
                })
            })
            .collect();
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        for (up, shown) in folders_above(file).into_iter().take(MAX_UP) {
            let Ok(rel) = abs.strip_prefix(&up) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let configs = self.configs.get(&up, || {
                let flows = std::fs::read_dir(up.join(WORKFLOWS))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| e.file_name().to_str().map(String::from))
                    .collect();
                let read: Vec<(String, Arc<NeighbourFile>)> = referrer_paths(flows)
                    .into_iter()
                    .filter_map(|c| read_small(&up.join(&c)).map(|b| (c, NeighbourFile::new(b))))
                    .collect();
                let size = read.iter().map(|(_, f)| f.bytes().len()).sum();
                let top = up.join(".git").exists();
                (Configs { read, top }, size)
            });
            out.extend(
                configs
                    .read
                    .iter()
                    .filter(|(_, f)| mentions(f.bytes(), &rel))
                    .map(|(c, file)| Neighbour {
                        path: super::pathname::of_path(&shown.join(c)),
                        file: Arc::clone(file),
                        uses_it: true,
                    }),
            );
            if configs.top {
                break;
            }
        }
        out
    }
}

/// What was read of the folders met lately, by folder, the oldest dropped first past
/// [`RECENT_FOLDERS`] folders or [`RECENT_BYTES`] bytes.
#[derive(Debug)]
struct Recent<T> {
    held: Mutex<Held<T>>,
}

/// The folders remembered, oldest first, each with its size, and their sizes' sum.
#[derive(Debug)]
struct Held<T> {
    folders: VecDeque<(PathBuf, Arc<T>, usize)>,
    bytes: usize,
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent {
            held: Mutex::new(Held {
                folders: VecDeque::new(),
                bytes: 0,
            }),
        }
    }
}

impl<T> Recent<T> {
    /// What `dir` holds: remembered, or read by `read` (which also says its size in bytes).
    fn get(&self, dir: &Path, read: impl FnOnce() -> (T, usize)) -> Arc<T> {
        let lock = || self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, held, _)) = lock().folders.iter().find(|(d, _, _)| d == dir) {
            return Arc::clone(held);
        }
        // read outside the lock: another worker may read the same folder meanwhile; the
        // first to finish is kept, so every blob there shares one judged copy
        let (held, size) = read();
        let mut h = lock();
        if let Some((_, first, _)) = h.folders.iter().find(|(d, _, _)| d == dir) {
            return Arc::clone(first);
        }
        let held = Arc::new(held);
        h.folders
            .push_back((dir.to_path_buf(), Arc::clone(&held), size));
        h.bytes += size;
        while h.folders.len() > RECENT_FOLDERS || (h.bytes > RECENT_BYTES && h.folders.len() > 1) {
            if let Some((_, _, n)) = h.folders.pop_front() {
                h.bytes -= n;
            }
        }
        held
    }
}

/// The folders above `file`, nearest first: each as (the path to read it by, as shown). A
/// relative path climbs its own folders, then the working directory's, shown absolute.
fn folders_above(file: &Path) -> Vec<(PathBuf, PathBuf)> {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let mut out: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut relative = file.is_relative();
    for (a, r) in abs.ancestors().skip(1).zip(
        file.ancestors()
            .skip(1)
            .map(Some)
            .chain(std::iter::repeat(None)),
    ) {
        let shown = match r {
            Some(r) if relative && !r.as_os_str().is_empty() && r != Path::new(".") => {
                r.to_path_buf()
            }
            Some(_) if relative => {
                relative = false;
                PathBuf::from(".")
            }
            _ => a.to_path_buf(),
        };
        // compare by the absolute folder, show by the path the user gave
        out.push((a.to_path_buf(), shown));
    }
    out
}

/// The configs of one folder that may name a file by its path: the known CI and compose
/// files, then the workflow files named in `flows`, in name order.
fn referrer_paths(mut flows: Vec<String>) -> Vec<String> {
    flows.sort();
    REFERRERS
        .iter()
        .map(|r| r.to_string())
        .chain(flows.into_iter().map(|n| format!("{WORKFLOWS}/{n}")))
        .collect()
}

/// A small text file's bytes; `None` for a large, binary or unreadable one.
fn read_small(p: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(p).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(p).ok()?;
    (!super::looks_binary(&bytes)).then_some(bytes)
}

/// The config names the file by its path from the config's folder (`assets/server.key`).
fn mentions(bytes: &[u8], rel: &str) -> bool {
    memchr::memmem::find(bytes, rel.as_bytes()).is_some()
}

/// Neighbours of blobs in a git repository, from one tree (the commit the scan starts at).
/// The tree does not change, so what a folder holds is read once for the folders met lately,
/// as on disk: a history reads every version of a key, and each opened the repository and
/// read its folder again.
pub struct InTree {
    repo: PathBuf,
    tree: git2::Oid,
    siblings: Recent<Vec<(String, Arc<NeighbourFile>)>>,
    configs: Recent<Vec<(String, Arc<NeighbourFile>)>>,
}

impl InTree {
    /// Neighbours from `tree` of the repository at `repo` (its git directory).
    pub fn new(repo: PathBuf, tree: git2::Oid) -> InTree {
        InTree {
            repo,
            tree,
            siblings: Recent::default(),
            configs: Recent::default(),
        }
    }

    /// The folder `dir` of the tree, in the repository `opened` for this call (opened at the
    /// first folder not remembered, once for all of them).
    fn folder(
        &self,
        opened: &OnceCell<Option<git2::Repository>>,
        dir: &str,
        read: impl FnOnce(&git2::Repository, &git2::Tree<'_>),
    ) {
        let Some(repo) = opened
            .get_or_init(|| git2::Repository::open(&self.repo).ok())
            .as_ref()
        else {
            return;
        };
        let Ok(root) = repo.find_tree(self.tree) else {
            return;
        };
        if let Some(folder) = subtree(repo, &root, dir) {
            read(repo, &folder);
        };
    }
}

impl Neighbours for InTree {
    fn around(&self, path: &str) -> Vec<Neighbour> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let opened = OnceCell::new();
        let siblings = self.siblings.get(Path::new(dir), || {
            let mut read = Vec::new();
            self.folder(&opened, dir, |repo, folder| {
                // the first entries of the folder, the blob itself and subfolders among them
                for entry in folder.iter().take(MAX_SIBLINGS) {
                    let Some(n) = entry.name() else { continue };
                    if entry.kind() != Some(git2::ObjectType::Blob) {
                        continue;
                    }
                    if let Some(bytes) = blob(repo, entry.id()) {
                        read.push((n.to_string(), NeighbourFile::new(bytes)));
                    }
                }
            });
            let size = read.iter().map(|(_, f)| f.bytes().len()).sum();
            (read, size)
        });
        let mut out: Vec<Neighbour> = siblings
            .iter()
            .filter(|(n, _)| n != name)
            .map(|(n, file)| Neighbour {
                path: join(dir, n),
                file: Arc::clone(file),
                uses_it: false,
            })
            .collect();
        // each folder above, the deepest first: its configs that name the path from there
        let parts: Vec<&str> = if dir.is_empty() {
            Vec::new()
        } else {
            dir.split('/').collect()
        };
        for depth in (0..=parts.len()).rev().take(MAX_UP) {
            let up = parts[..depth].join("/");
            let rel = &path[if up.is_empty() { 0 } else { up.len() + 1 }..];
            let configs = self.configs.get(Path::new(&up), || {
                let mut read = Vec::new();
                self.folder(&opened, &up, |repo, folder| {
                    let flows = subtree(repo, folder, WORKFLOWS)
                        .map(|t| {
                            t.iter()
                                .filter_map(|e| e.name().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    for c in referrer_paths(flows) {
                        let Ok(entry) = folder.get_path(Path::new(&c)) else {
                            continue;
                        };
                        if let Some(bytes) = blob(repo, entry.id()) {
                            read.push((c, NeighbourFile::new(bytes)));
                        }
                    }
                });
                let size = read.iter().map(|(_, f)| f.bytes().len()).sum();
                (read, size)
            });
            out.extend(
                configs
                    .iter()
                    .filter(|(_, f)| mentions(f.bytes(), rel))
                    .map(|(c, file)| Neighbour {
                        path: join(&up, c),
                        file: Arc::clone(file),
                        uses_it: true,
                    }),
            );
        }
        out
    }
}

/// The tree at `dir` under `root` (`root` itself for "").
fn subtree<'r>(
    repo: &'r git2::Repository,
    root: &git2::Tree<'r>,
    dir: &str,
) -> Option<git2::Tree<'r>> {
    if dir.is_empty() {
        return Some(root.clone());
    }
    let entry = root.get_path(Path::new(dir)).ok()?;
    repo.find_tree(entry.id()).ok()
}

/// A small text blob's bytes.
fn blob(repo: &git2::Repository, id: git2::Oid) -> Option<Vec<u8>> {
    let b = repo.find_blob(id).ok()?;
    let bytes = b.content();
    (bytes.len() as u64 <= MAX_BYTES && !super::looks_binary(bytes)).then(|| bytes.to_vec())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
