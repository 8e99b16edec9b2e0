//! A tree-to-tree diff for the history walk.
//!
//! libgit2's diff builds a full path for every entry of every tree it opens and relies on the
//! object cache to avoid re-reading the parent's trees; its cache evicts at random, so a
//! bounded cache made long walks several times slower and an unbounded one held hundreds of
//! megabytes of parsed trees. This diff recurses only into subtrees whose ids differ, builds
//! paths only for entries that changed, and keeps the trees it read for the current and the
//! previous commit (in a parents-first walk the parent is almost always the previous commit),
//! so memory follows what commits change, not how long the history is.

use git2::{ObjectType, Oid, Repository};
use std::collections::HashMap;
use std::rc::Rc;

/// One tree entry, as much of it as the diff needs.
#[derive(Debug, Clone)]
struct Entry {
    name: Box<[u8]>,
    oid: Oid,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A regular or executable file.
    File,
    /// A subdirectory.
    Tree,
    /// A gitlink (submodule).
    Submodule,
    /// A symlink or anything else that is not scanned.
    Other,
}

/// What a path became in a commit, reported to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Full path from the repository root.
    pub path: Vec<u8>,
    /// The regular file now at the path, or `None` when it is gone (or not a regular file).
    pub new: Option<Oid>,
    /// The regular file the path held before, if any.
    pub old: Option<Oid>,
    /// The path is a submodule in the new tree.
    pub submodule: bool,
}

type Tree = Rc<[Entry]>;

/// Reads trees through a two-generation memo.
pub struct TreeDiff<'r> {
    repo: &'r Repository,
    current: HashMap<Oid, Tree>,
    previous: HashMap<Oid, Tree>,
}

impl<'r> TreeDiff<'r> {
    /// A differ reading from `repo`.
    pub fn new(repo: &'r Repository) -> TreeDiff<'r> {
        TreeDiff {
            repo,
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    /// Starts the next commit: trees read for the commit before last are let go.
    pub fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    fn load(&mut self, oid: Oid) -> Result<Tree, git2::Error> {
        if let Some(t) = self.current.get(&oid) {
            return Ok(Rc::clone(t));
        }
        if let Some(t) = self.previous.get(&oid) {
            let t = Rc::clone(t);
            self.current.insert(oid, Rc::clone(&t));
            return Ok(t);
        }
        let tree = self.repo.find_tree(oid)?;
        let entries: Tree = tree
            .iter()
            .map(|e| {
                let mode = e.filemode();
                let kind = match (e.kind(), mode) {
                    (Some(ObjectType::Tree), _) => Kind::Tree,
                    (_, 0o160000) => Kind::Submodule,
                    (Some(ObjectType::Blob), 0o100644 | 0o100755 | 0o100664) => Kind::File,
                    _ => Kind::Other,
                };
                Entry {
                    name: e.name_bytes().into(),
                    oid: e.id(),
                    kind,
                }
            })
            .collect();
        self.current.insert(oid, Rc::clone(&entries));
        Ok(entries)
    }

    /// Calls `out` for every path that differs between `old` (none: the empty tree) and `new`.
    pub fn diff(
        &mut self,
        old: Option<Oid>,
        new: Oid,
        out: &mut dyn FnMut(Delta),
    ) -> Result<(), git2::Error> {
        self.diff_at(&mut Vec::new(), old, Some(new), out)
    }

    fn diff_at(
        &mut self,
        prefix: &mut Vec<u8>,
        old: Option<Oid>,
        new: Option<Oid>,
        out: &mut dyn FnMut(Delta),
    ) -> Result<(), git2::Error> {
        if old == new {
            return Ok(());
        }
        let old_entries = old.map(|o| self.load(o)).transpose()?;
        let new_entries = new.map(|n| self.load(n)).transpose()?;
        let old_by_name: HashMap<&[u8], &Entry> = old_entries
            .iter()
            .flat_map(|t| t.iter())
            .map(|e| (&*e.name, e))
            .collect();
        let new_names: std::collections::HashSet<&[u8]> = new_entries
            .iter()
            .flat_map(|t| t.iter())
            .map(|e| &*e.name)
            .collect();
        for e in new_entries.iter().flat_map(|t| t.iter()) {
            let before = old_by_name.get(&*e.name).copied();
            if before.is_some_and(|b| b.oid == e.oid && b.kind == e.kind) {
                continue;
            }
            let len = push(prefix, &e.name);
            let old_file = before.filter(|b| b.kind == Kind::File).map(|b| b.oid);
            let old_tree = before.filter(|b| b.kind == Kind::Tree).map(|b| b.oid);
            match e.kind {
                Kind::Tree => {
                    if let Some(oid) = old_file {
                        out(delta(prefix, None, Some(oid), false));
                    }
                    self.diff_at(prefix, old_tree, Some(e.oid), out)?;
                }
                kind => {
                    if old_tree.is_some() {
                        self.diff_at(prefix, old_tree, None, out)?;
                    }
                    let new_file = (kind == Kind::File).then_some(e.oid);
                    if new_file.is_some() || old_file.is_some() || kind == Kind::Submodule {
                        out(delta(prefix, new_file, old_file, kind == Kind::Submodule));
                    }
                }
            }
            prefix.truncate(len);
        }
        for e in old_entries.iter().flat_map(|t| t.iter()) {
            if new_names.contains(&*e.name) {
                continue;
            }
            let len = push(prefix, &e.name);
            match e.kind {
                Kind::Tree => self.diff_at(prefix, Some(e.oid), None, out)?,
                Kind::File => out(delta(prefix, None, Some(e.oid), false)),
                _ => {}
            }
            prefix.truncate(len);
        }
        Ok(())
    }
}

/// Appends `/name` (or `name` at the root) and returns the length to truncate back to.
fn push(prefix: &mut Vec<u8>, name: &[u8]) -> usize {
    let len = prefix.len();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    prefix.extend_from_slice(name);
    len
}

fn delta(path: &[u8], new: Option<Oid>, old: Option<Oid>, submodule: bool) -> Delta {
    Delta {
        path: path.to_vec(),
        new,
        old,
        submodule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a tree from (path, content) pairs; content `None` makes a gitlink.
    fn tree(repo: &Repository, files: &[(&str, Option<&str>)]) -> Oid {
        let mut index = git2::Index::new().expect("index");
        for (path, content) in files {
            let (id, mode) = match content {
                Some(c) => (repo.blob(c.as_bytes()).expect("blob"), 0o100644),
                None => (
                    Oid::from_str("1111111111111111111111111111111111111111").expect("oid"),
                    0o160000,
                ),
            };
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode,
                uid: 0,
                gid: 0,
                file_size: 0,
                id,
                flags: path.len() as u16,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).expect("add");
        }
        index.write_tree_to(repo).expect("tree")
    }

    fn changes(repo: &Repository, old: Option<Oid>, new: Oid) -> Vec<(String, bool, bool, bool)> {
        let mut d = TreeDiff::new(repo);
        let mut out = Vec::new();
        d.diff(old, new, &mut |x| {
            out.push((
                String::from_utf8_lossy(&x.path).into_owned(),
                x.new.is_some(),
                x.old.is_some(),
                x.submodule,
            ))
        })
        .expect("diff");
        out.sort();
        out
    }

    #[test]
    fn reports_adds_edits_deletions_and_kind_changes() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = Repository::init_bare(dir.path()).expect("repo");
        let a = tree(
            &repo,
            &[
                ("keep/same.txt", Some("same")),
                ("edit.txt", Some("v1")),
                ("gone/deep/x.txt", Some("x")),
                ("becomes_dir", Some("file")),
                ("becomes_file/y.txt", Some("y")),
            ],
        );
        let b = tree(
            &repo,
            &[
                ("keep/same.txt", Some("same")),
                ("edit.txt", Some("v2")),
                ("becomes_dir/z.txt", Some("z")),
                ("becomes_file", Some("file")),
                ("vendor/lib", None),
            ],
        );
        let s = |p: &str, new, old, sub| (p.to_string(), new, old, sub);
        assert_eq!(
            changes(&repo, Some(a), b),
            vec![
                s("becomes_dir", false, true, false),
                s("becomes_dir/z.txt", true, false, false),
                s("becomes_file", true, false, false),
                s("becomes_file/y.txt", false, true, false),
                s("edit.txt", true, true, false),
                s("gone/deep/x.txt", false, true, false),
                s("vendor/lib", false, false, true),
            ]
        );
        // from nothing, every file is an add; the same tree is no change
        assert_eq!(changes(&repo, None, a).len(), 5);
        assert!(changes(&repo, Some(b), b).is_empty());
    }
}
