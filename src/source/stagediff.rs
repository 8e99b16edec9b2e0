//! What committing the index would change: HEAD's tree against the staged entries.
//!
//! Both sides are walked in path order, one directory at a time. A directory whose cache-tree
//! id (see [`super::index`]) equals HEAD's tree there holds nothing staged and is skipped
//! without reading it, so one staged file costs the trees on its path, not the whole tree.

use super::index::{CacheTree, Entry, Index};
pub use super::treediff::Delta;
use git2::{Oid, Repository};
use std::cmp::Ordering;

const TREE: u32 = 0o040000;
const SUBMODULE: u32 = 0o160000;

/// The changes from `head` (none: an unborn branch) to the index, in path order.
pub fn diff(
    repo: &Repository,
    head: Option<Oid>,
    index: &Index,
) -> Result<Vec<Delta>, git2::Error> {
    let mut out = Vec::new();
    let mut walk = Walk {
        repo,
        out: &mut out,
    };
    walk.dir(head, &[], &index.entries, index.cache.as_ref())?;
    Ok(out)
}

/// A regular file's blob id: what the scanner reads.
fn regular(mode: u32, oid: Oid) -> Option<Oid> {
    (matches!(mode, 0o100644 | 0o100755) && !oid.is_zero()).then_some(oid)
}

/// Tree entry modes as git canonicalises them (`100664` is a regular file).
fn canonical(mode: i32) -> u32 {
    let mode = mode as u32;
    match mode & 0o170000 {
        0o100000 if mode & 0o100 != 0 => 0o100755,
        0o100000 => 0o100644,
        kind => kind,
    }
}

/// Orders names as git does: a directory sorts as if its name ended in `/`.
fn order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let slash = |dir: bool| dir.then_some(&b'/');
    a.iter()
        .chain(slash(a_dir))
        .cmp(b.iter().chain(slash(b_dir)))
}

struct Walk<'a> {
    repo: &'a Repository,
    out: &'a mut Vec<Delta>,
}

/// A tree entry, read out of libgit2's tree so that the walk can recurse.
struct TreeItem {
    name: Vec<u8>,
    mode: u32,
    oid: Oid,
}

impl Walk<'_> {
    fn read(&self, tree: Oid) -> Result<Vec<TreeItem>, git2::Error> {
        let tree = self.repo.find_tree(tree)?;
        Ok(tree
            .iter()
            .map(|e| TreeItem {
                name: e.name_bytes().to_vec(),
                mode: canonical(e.filemode()),
                oid: e.id(),
            })
            .collect())
    }

    /// Diffs the directory `prefix` (empty or ending in `/`): `tree` is HEAD's tree there,
    /// `entries` the index entries under it, `cache` its cache-tree node.
    fn dir(
        &mut self,
        tree: Option<Oid>,
        prefix: &[u8],
        entries: &[Entry],
        cache: Option<&CacheTree>,
    ) -> Result<(), git2::Error> {
        if tree.is_some() && cache.is_some_and(|c| c.oid == tree) {
            return Ok(());
        }
        let items = match tree {
            Some(t) => self.read(t)?,
            None => Vec::new(),
        };
        let (mut ti, mut ei) = (0, 0);
        loop {
            let staged = entries.get(ei).map(|e| {
                let rest = &e.path[prefix.len()..];
                match memchr::memchr(b'/', rest) {
                    Some(p) => (&rest[..p], true),
                    None => (rest, false),
                }
            });
            let head = items.get(ti);
            let side = match (head, staged) {
                (None, None) => return Ok(()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(h), Some((name, dir))) => order(&h.name, h.mode == TREE, name, dir),
            };
            let path = |name: &[u8]| [prefix, name].concat();
            match (side, staged) {
                (Ordering::Less, _) => {
                    let h = &items[ti];
                    self.gone(h, &path(&h.name))?;
                    ti += 1;
                }
                (_, Some((name, true))) => {
                    let sub = [prefix, name, b"/"].concat();
                    let n = entries[ei..].partition_point(|e| e.path.starts_with(&sub));
                    let (tree, cache) = match side {
                        Ordering::Equal => {
                            ti += 1;
                            (Some(items[ti - 1].oid), cache.and_then(|c| c.child(name)))
                        }
                        _ => (None, None),
                    };
                    self.dir(tree, &sub, &entries[ei..ei + n], cache)?;
                    ei += n;
                }
                (_, _) => {
                    let e = &entries[ei];
                    let old = match side {
                        Ordering::Equal => {
                            ti += 1;
                            Some(&items[ti - 1])
                        }
                        _ => None,
                    };
                    if old.is_none_or(|h| h.mode != e.mode || h.oid != e.oid) {
                        self.out.push(Delta {
                            path: e.path.clone(),
                            new: regular(e.mode, e.oid),
                            old: old.and_then(|h| regular(h.mode, h.oid)),
                            submodule: e.mode == SUBMODULE,
                        });
                    }
                    ei += 1;
                }
            }
        }
    }

    /// An entry of HEAD's tree with nothing staged at its path: deleted, each file below it.
    fn gone(&mut self, item: &TreeItem, path: &[u8]) -> Result<(), git2::Error> {
        if item.mode != TREE {
            self.out.push(Delta {
                path: path.to_vec(),
                new: None,
                old: regular(item.mode, item.oid),
                submodule: false,
            });
            return Ok(());
        }
        for sub in self.read(item.oid)? {
            self.gone(&sub, &[path, b"/", &sub.name].concat())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_sorts_as_if_it_ended_in_a_slash() {
        assert_eq!(order(b"a.c", false, b"a", true), Ordering::Less);
        assert_eq!(order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(order(b"a0", false, b"a", true), Ordering::Greater);
        assert_eq!(order(b"a", true, b"a", true), Ordering::Equal);
    }

    #[test]
    fn modes_are_canonical() {
        assert_eq!(canonical(0o100664), 0o100644);
        assert_eq!(canonical(0o100775), 0o100755);
        assert_eq!(canonical(0o120000), 0o120000);
        assert_eq!(canonical(0o040000), 0o040000);
    }
}
