//! A tree-to-tree diff for the history walk.
//!
//! libgit2's diff builds a full path for every entry of every tree it opens and relies on the
//! object cache to avoid re-reading the parent's trees; its cache evicts at random, so a
//! bounded cache made long walks several times slower and an unbounded one held hundreds of
//! megabytes of parsed trees. This diff recurses only into subtrees whose ids differ, builds
//! paths only for entries that changed, and keeps the trees it read for the current and the
//! previous commit (the walk goes newest first along a line of history, so a commit's trees
//! were mostly read as its child's parent trees one step before), so memory follows what
//! commits change, not how long the history is.
//!
//! The walk is the one single-threaded stage of a history scan, so a tree is kept as its raw
//! bytes (one allocation) and two trees are compared by merging their entries in git's own
//! order as they are read from those bytes: parsing every entry into a table and re-sorting
//! it by name bytes took a third of git/git's walk.

use super::gitobj::{self, RawEntry};
use super::objects::Objects;
use super::pack::Packs;
use foldhash::HashMap;
use git2::{ObjectType, Oid, Repository};
use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::Arc;

/// The walk's cache of decoded trees that other trees are deltas of.
const TREE_CACHE: usize = 32 << 20;

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

impl Kind {
    /// By the type bits, as libgit2 and git read them: any other mode (100664, 100600 from
    /// old tools) is a regular file.
    fn of(mode: u32) -> Kind {
        match mode & 0o170000 {
            0o040000 => Kind::Tree,
            0o160000 => Kind::Submodule,
            0o120000 => Kind::Other,
            _ => Kind::File,
        }
    }
}

/// What the diff needs of an entry: its id and kind.
#[derive(Debug, Clone, Copy)]
struct Entry {
    oid: Oid,
    kind: Kind,
}

impl Entry {
    fn of(e: &RawEntry<'_>) -> Entry {
        Entry {
            oid: e.oid(),
            kind: Kind::of(e.mode),
        }
    }
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

/// Reads trees through a two-generation memo of their raw bytes.
pub struct TreeDiff<'r> {
    objects: Objects<'r>,
    current: HashMap<Oid, Rc<Vec<u8>>>,
    previous: HashMap<Oid, Rc<Vec<u8>>>,
    empty: Rc<Vec<u8>>,
}

impl<'r> TreeDiff<'r> {
    /// A differ reading from `repo`, from `packs` first when given.
    pub fn new(
        repo: &'r Repository,
        packs: Option<&Arc<Packs>>,
    ) -> Result<TreeDiff<'r>, git2::Error> {
        Ok(TreeDiff {
            objects: Objects::new(repo, packs, TREE_CACHE)?,
            current: HashMap::default(),
            previous: HashMap::default(),
            empty: Rc::new(Vec::new()),
        })
    }

    /// Starts the next commit: trees read for the commit before last are let go.
    pub fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    fn load(&mut self, oid: Option<Oid>) -> Result<Rc<Vec<u8>>, git2::Error> {
        let Some(oid) = oid else {
            return Ok(Rc::clone(&self.empty));
        };
        if let Some(t) = self.current.get(&oid) {
            return Ok(Rc::clone(t));
        }
        if let Some(t) = self.previous.get(&oid) {
            let t = Rc::clone(t);
            self.current.insert(oid, Rc::clone(&t));
            return Ok(t);
        }
        let tree = self
            .objects
            .read_kind(oid, ObjectType::Tree)
            .map_err(|e| git2::Error::from_str(&e))?;
        self.current.insert(oid, Rc::clone(&tree));
        Ok(tree)
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

    /// Merges two trees' entries in git's order, straight from their raw bytes (no parse into
    /// an entry table, no re-sort), and descends where a subtree differs.
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
        let (old_tree, new_tree) = (self.load(old)?, self.load(new)?);
        let malformed = |id: Option<Oid>| {
            git2::Error::from_str(&format!(
                "tree {} is malformed",
                id.unwrap_or_else(Oid::zero)
            ))
        };
        let (mut olds, mut news) = (
            gitobj::tree_entries(&old_tree).peekable(),
            gitobj::tree_entries(&new_tree).peekable(),
        );
        loop {
            let (o, n) = match (olds.peek(), news.peek()) {
                (None, None) => break,
                (Some(None), _) => return Err(malformed(old)),
                (_, Some(None)) => return Err(malformed(new)),
                (Some(&Some(o)), None) => (Some(o), None),
                (None, Some(&Some(n))) => (None, Some(n)),
                (Some(&Some(o)), Some(&Some(n))) => match gitobj::git_order(&o, &n) {
                    Ordering::Less => (Some(o), None),
                    Ordering::Greater => (None, Some(n)),
                    Ordering::Equal => (Some(o), Some(n)),
                },
            };
            if o.is_some() {
                olds.next();
            }
            if n.is_some() {
                news.next();
            }
            let name = match (o, n) {
                // the common case, decided on the raw bytes before anything is built
                (Some(o), Some(n)) if o.id == n.id && Kind::of(o.mode) == Kind::of(n.mode) => {
                    continue
                }
                (_, Some(n)) => n.name,
                (Some(o), None) => o.name,
                (None, None) => break,
            };
            let len = push(prefix, name);
            let (before, after) = (o.as_ref().map(Entry::of), n.as_ref().map(Entry::of));
            self.changed(prefix, before, after, out)?;
            prefix.truncate(len);
        }
        Ok(())
    }

    /// Reports what happened at `prefix`, where the entry was `before` and is `after`.
    fn changed(
        &mut self,
        prefix: &mut Vec<u8>,
        before: Option<Entry>,
        after: Option<Entry>,
        out: &mut dyn FnMut(Delta),
    ) -> Result<(), git2::Error> {
        let of = |e: Option<Entry>, kind| e.filter(|e| e.kind == kind).map(|e| e.oid);
        let (old_file, old_tree) = (of(before, Kind::File), of(before, Kind::Tree));
        let (new_file, new_tree) = (of(after, Kind::File), of(after, Kind::Tree));
        let submodule = after.is_some_and(|e| e.kind == Kind::Submodule);
        if new_tree.is_some() || old_tree.is_some() {
            // a file replaced by a directory is gone; one replacing a directory is new
            if new_tree.is_some() && old_file.is_some() {
                out(delta(prefix, None, old_file, false));
            }
            self.diff_at(prefix, old_tree, new_tree, out)?;
            if new_tree.is_some() {
                return Ok(());
            }
        }
        if new_file.is_some() || old_file.is_some() || submodule {
            out(delta(prefix, new_file, old_file, submodule));
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
        let mut d = TreeDiff::new(repo, None).expect("odb");
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

    #[test]
    fn a_directory_sorted_after_its_prefix_sibling_is_matched_by_name() {
        // git orders "lib.rs" before the directory "lib" (as "lib/"); byte order puts "lib"
        // first. Matching by position would see "lib" deleted and added.
        let dir = tempfile::tempdir().expect("tmp");
        let repo = Repository::init_bare(dir.path()).expect("repo");
        let a = tree(
            &repo,
            &[
                ("lib/x.txt", Some("x")),
                ("lib/keep.txt", Some("k")),
                ("lib.rs", Some("1")),
                ("lib-a", Some("a")),
            ],
        );
        let b = tree(
            &repo,
            &[
                ("lib/x.txt", Some("x2")),
                ("lib/keep.txt", Some("k")),
                ("lib.rs", Some("2")),
                ("lib-a", Some("a")),
            ],
        );
        let s = |p: &str| (p.to_string(), true, true, false);
        assert_eq!(
            changes(&repo, Some(a), b),
            vec![s("lib.rs"), s("lib/x.txt")]
        );
    }
}
