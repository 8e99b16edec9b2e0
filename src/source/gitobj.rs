//! Parsing of raw commit and tree objects, for the history walk.
//!
//! The walk reads every commit and every changed tree of a history on one thread; libgit2's
//! own parse of a tree allocates an entry per name and its commit parse reads signatures and
//! message the walk never uses. These read only what the walk needs, straight from the bytes
//! the object database returns, and reject what they cannot make sense of.

use git2::Oid;

/// The length of a SHA-1 object id in bytes.
const OID_LEN: usize = 20;

/// What the walk needs of a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitMeta {
    /// Its tree.
    pub tree: Oid,
    /// Committer time (seconds since the epoch); 0 when the committer line is unreadable.
    pub time: i64,
}

/// Parses a commit's headers: its tree, its parents (appended to `parents`, in order) and the
/// committer time. `None` when there is no readable tree line.
pub fn parse_commit(data: &[u8], parents: &mut Vec<Oid>) -> Option<CommitMeta> {
    let mut tree = None;
    let mut time = 0;
    // headers end at the first empty line; the message is never looked at
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"tree ") {
            // the first tree line counts, as for git
            if tree.is_none() {
                tree = Some(hex_oid(hex)?);
            }
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(hex_oid(hex)?);
        } else if let Some(sig) = line.strip_prefix(b"committer ") {
            time = signature_time(sig).unwrap_or(0);
        }
    }
    Some(CommitMeta { tree: tree?, time })
}

/// The seconds of `Name <email> 1700000000 +0100`.
fn signature_time(sig: &[u8]) -> Option<i64> {
    let after = &sig[memchr::memrchr(b'>', sig)? + 1..];
    let secs = after.trim_ascii_start().split(|&b| b == b' ').next()?;
    std::str::from_utf8(secs).ok()?.parse().ok()
}

fn hex_oid(hex: &[u8]) -> Option<Oid> {
    Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// One entry of a raw tree, borrowed from the tree's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEntry<'a> {
    /// The mode, as git writes it in octal (`100644`, `40000`, `160000`, ...).
    pub mode: u32,
    /// The name bytes.
    pub name: &'a [u8],
    /// The entry's object id, raw.
    pub id: &'a [u8; OID_LEN],
}

impl RawEntry<'_> {
    /// The entry's object id.
    pub fn oid(&self) -> Oid {
        // 20 bytes always make an id
        Oid::from_bytes(self.id).unwrap_or_else(|_| Oid::zero())
    }

    /// True for a subdirectory.
    pub fn is_tree(&self) -> bool {
        self.mode & 0o170000 == 0o040000
    }
}

/// The entries of a raw tree (`<octal mode> <name>\0<20-byte id>`, repeated), in stored
/// order; yields `None` once and stops where the bytes are not a well-formed tree.
#[derive(Debug, Clone)]
pub struct TreeEntries<'a> {
    rest: &'a [u8],
}

/// Iterates over a raw tree's entries without copying them.
pub fn tree_entries(data: &[u8]) -> TreeEntries<'_> {
    TreeEntries { rest: data }
}

impl<'a> Iterator for TreeEntries<'a> {
    type Item = Option<RawEntry<'a>>;

    fn next(&mut self) -> Option<Option<RawEntry<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        let entry = self.entry();
        if entry.is_none() {
            self.rest = &[];
        }
        Some(entry)
    }
}

impl<'a> TreeEntries<'a> {
    fn entry(&mut self) -> Option<RawEntry<'a>> {
        let rest = self.rest;
        // modes are at most 6 digits and names mostly short: a byte loop beats memchr here
        let space = rest.iter().take(8).position(|&b| b == b' ')?;
        let mode = octal(&rest[..space])?;
        let after = &rest[space + 1..];
        let nul = memchr::memchr(0, after)?;
        let name = &after[..nul];
        let id: &[u8; OID_LEN] = after.get(nul + 1..nul + 1 + OID_LEN)?.try_into().ok()?;
        if name.is_empty() {
            return None;
        }
        self.rest = &after[nul + 1 + OID_LEN..];
        Some(RawEntry { mode, name, id })
    }
}

/// Orders two entries of one tree as git sorts them: by name, a directory's name read as if
/// it ended in '/'.
pub fn git_order(a: &RawEntry<'_>, b: &RawEntry<'_>) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let end = |e: &RawEntry<'_>| match e.name.get(n) {
            Some(&c) => c,
            None if e.is_tree() => b'/',
            None => 0,
        };
        end(a).cmp(&end(b))
    })
}

/// Calls `each` for every entry of a raw tree, in stored order; `None` when the bytes are
/// not a well-formed tree.
pub fn parse_tree(data: &[u8], mut each: impl FnMut(RawEntry<'_>)) -> Option<()> {
    for entry in tree_entries(data) {
        each(entry?);
    }
    Some(())
}

fn octal(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 7 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &d| match d {
        b'0'..=b'7' => Some(acc * 8 + u32::from(d - b'0')),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_headers_give_tree_parents_and_committer_time() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = git2::Repository::init_bare(dir.path()).expect("repo");
        let tree = repo
            .treebuilder(None)
            .and_then(|t| t.write())
            .expect("tree");
        let tree_obj = repo.find_tree(tree).expect("tree");
        let who = |t| git2::Signature::new("A. Person", "a@example.com", &git2::Time::new(t, -300));
        let (author, committer) = (who(1).expect("sig"), who(1_700_000_123).expect("sig"));
        let root = repo
            .commit(None, &author, &committer, "root", &tree_obj, &[])
            .expect("commit");
        let root_c = repo.find_commit(root).expect("commit");
        let merge = repo
            .commit(
                None,
                &author,
                &committer,
                "two parents\n\ntree 0000\n",
                &tree_obj,
                &[&root_c, &root_c],
            )
            .expect("commit");
        let odb = repo.odb().expect("odb");
        let raw = odb.read(merge).expect("read");
        let mut parents = Vec::new();
        let meta = parse_commit(raw.data(), &mut parents).expect("parsed");
        assert_eq!(meta.tree, tree);
        assert_eq!(meta.time, 1_700_000_123);
        assert_eq!(parents, vec![root, root]);
        // libgit2 agrees on what it reads of the same object
        let c = repo.find_commit(merge).expect("commit");
        assert_eq!(meta.time, c.time().seconds());
    }

    #[test]
    fn a_commit_without_a_tree_or_with_a_bad_id_is_refused() {
        assert_eq!(parse_commit(b"parent 12\n\nmsg", &mut Vec::new()), None);
        assert_eq!(parse_commit(b"author x\n\n", &mut Vec::new()), None);
        // a committer line without a time still gives the tree
        let zero = "0".repeat(40);
        let meta = parse_commit(
            format!("tree {zero}\ncommitter x <y>\n").as_bytes(),
            &mut Vec::new(),
        );
        assert_eq!(meta.map(|m| m.time), Some(0));
    }

    #[test]
    fn tree_entries_match_libgit2s_reading() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = git2::Repository::init_bare(dir.path()).expect("repo");
        let blob = repo.blob(b"x").expect("blob");
        let sub = repo
            .treebuilder(None)
            .and_then(|mut t| {
                t.insert("f", blob, 0o100644)?;
                t.write()
            })
            .expect("subtree");
        let mut b = repo.treebuilder(None).expect("builder");
        b.insert("run.sh", blob, 0o100755).expect("insert");
        b.insert("dir", sub, 0o040000).expect("insert");
        b.insert("link", blob, 0o120000).expect("insert");
        let tree = b.write().expect("tree");
        let odb = repo.odb().expect("odb");
        let raw = odb.read(tree).expect("read");
        let mut ours = Vec::new();
        parse_tree(raw.data(), |e| {
            ours.push((e.name.to_vec(), e.mode, e.oid()))
        })
        .expect("parsed");
        let theirs: Vec<_> = repo
            .find_tree(tree)
            .expect("tree")
            .iter()
            .map(|e| (e.name_bytes().to_vec(), e.filemode() as u32, e.id()))
            .collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn malformed_trees_are_refused_not_misread() {
        let ok = |b: &[u8]| parse_tree(b, |_| ()).is_some();
        let id = [7u8; 20];
        let entry = |mode: &str, name: &str| {
            let mut v = format!("{mode} {name}\0").into_bytes();
            v.extend_from_slice(&id);
            v
        };
        assert!(ok(b""));
        assert!(ok(&entry("100644", "a")));
        assert!(!ok(&entry("100648", "a")));
        assert!(!ok(&entry("", "a")));
        assert!(!ok(&entry("100644", "")));
        assert!(!ok(&entry("100644", "a")[..25]));
        assert!(!ok(b"100644 no-nul"));
    }
}
