//! Git's index file (`.git/index`, versions 2 to 4), read for a pre-commit scan.
//!
//! libgit2 reads the whole index into per-entry allocations and hashes the file with the
//! collision-detecting SHA-1 before any use: in the git/git checkout that took as long as the
//! rest of a one-file pre-commit scan. Here the entries are sliced out of the bytes, and the
//! cache-tree extension (the tree id of every directory the index has not changed since the
//! last commit) lets the staged diff skip those directories, as git does. Anything this reader
//! does not model (a split or sparse index, conflict stages, intent-to-add or skip-worktree
//! entries, an unknown required extension) is `Unsupported`, and the caller falls back to
//! libgit2, which handles them.

use git2::Oid;

/// One index entry (stage 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path from the top of the work tree, `/`-separated.
    pub path: Vec<u8>,
    /// Mode bits as git writes them (`0o100644`, `0o100755`, `0o120000`, `0o160000`).
    pub mode: u32,
    /// The blob (or, for a submodule, the commit) staged at this path.
    pub oid: Oid,
}

/// A directory of the cache-tree extension: its tree id when still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheTree {
    /// The directory's own name (empty at the top).
    pub name: Vec<u8>,
    /// The tree the index holds for this directory, `None` once an entry below it changed.
    pub oid: Option<Oid>,
    /// Subdirectories, in the order git wrote them.
    pub children: Vec<CacheTree>,
}

impl CacheTree {
    /// The subdirectory of this name.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A parsed index: stage-0 entries sorted by path, and the cache tree when there is one.
#[derive(Debug)]
pub struct Index {
    /// Entries sorted by path bytes.
    pub entries: Vec<Entry>,
    /// The cache-tree extension.
    pub cache: Option<CacheTree>,
}

/// Why this reader leaves an index to libgit2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported(pub &'static str);

impl Index {
    /// Parses index bytes; anything outside the plain format is [`Unsupported`].
    pub fn parse(data: &[u8]) -> Result<Index, Unsupported> {
        let body = data
            .len()
            .checked_sub(20)
            .filter(|&n| n >= 12)
            .ok_or(Unsupported("too short"))?;
        if &data[..4] != b"DIRC" {
            return Err(Unsupported("no DIRC signature"));
        }
        let version = be32(data, 4)?;
        if !(2..=4).contains(&version) {
            return Err(Unsupported("version"));
        }
        let count = be32(data, 8)? as usize;
        let mut entries: Vec<Entry> = Vec::with_capacity(count.min(body / 62));
        let mut at = 12;
        let mut previous: Vec<u8> = Vec::new();
        for _ in 0..count {
            let start = at;
            let fixed = data
                .get(at..at + 62)
                .ok_or(Unsupported("truncated entry"))?;
            let mode = be32(fixed, 24)?;
            let oid = Oid::from_bytes(&fixed[40..60]).map_err(|_| Unsupported("entry id"))?;
            let flags = u16::from_be_bytes([fixed[60], fixed[61]]);
            at += 62;
            if flags & 0x4000 != 0 {
                // extended flags: skip-worktree or intent-to-add
                return Err(Unsupported("extended entry flags"));
            }
            if flags & 0x3000 != 0 {
                return Err(Unsupported("conflict stages"));
            }
            if !matches!(mode, 0o100644 | 0o100755 | 0o120000 | 0o160000) {
                return Err(Unsupported("entry mode"));
            }
            let path = if version == 4 {
                let (strip, used) = varint(&data[at..body])?;
                at += used;
                let keep = previous
                    .len()
                    .checked_sub(strip)
                    .ok_or(Unsupported("path prefix"))?;
                let end = nul(data, at, body)?;
                let mut path = previous[..keep].to_vec();
                path.extend_from_slice(&data[at..end]);
                at = end + 1;
                path
            } else {
                let end = nul(data, at, body)?;
                let path = data[at..end].to_vec();
                // NUL-padded to a multiple of eight bytes, counted from the entry's start
                at = start + ((end - start + 8) & !7);
                path
            };
            if at > body {
                return Err(Unsupported("truncated entry"));
            }
            if entries.last().is_some_and(|e| e.path >= path) {
                return Err(Unsupported("entries out of order"));
            }
            if version == 4 {
                previous.clone_from(&path);
            }
            entries.push(Entry { path, mode, oid });
        }
        let mut cache = None;
        while at < body {
            let head = data.get(at..at + 8).ok_or(Unsupported("extension"))?;
            let size = be32(head, 4)? as usize;
            let ext = data
                .get(at + 8..at + 8 + size)
                .filter(|_| at + 8 + size <= body)
                .ok_or(Unsupported("truncated extension"))?;
            match &head[..4] {
                b"TREE" => cache = Some(cache_tree(ext)?),
                // an upper-case first letter marks an extension readers may ignore; `link`
                // (split index) and `sdir` (sparse index) change what the entries mean
                sig if sig[0].is_ascii_uppercase() => {}
                _ => return Err(Unsupported("required extension")),
            }
            at += 8 + size;
        }
        Ok(Index { entries, cache })
    }

    /// The entry at this path.
    pub fn get(&self, path: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.path.as_slice().cmp(path))
            .ok()
            .map(|i| &self.entries[i])
    }
}

fn be32(data: &[u8], at: usize) -> Result<u32, Unsupported> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(Unsupported("truncated"))
}

/// The position of the NUL ending a name that starts at `at`, before `end`.
fn nul(data: &[u8], at: usize, end: usize) -> Result<usize, Unsupported> {
    data.get(at..end)
        .and_then(|d| memchr::memchr(0, d))
        .map(|p| at + p)
        .ok_or(Unsupported("unterminated path"))
}

/// Git's offset varint (index v4 prefix lengths): each continuation adds one before shifting.
fn varint(data: &[u8]) -> Result<(usize, usize), Unsupported> {
    let mut used = 0;
    let mut byte = *data.first().ok_or(Unsupported("varint"))?;
    let mut value = (byte & 0x7f) as usize;
    while byte & 0x80 != 0 {
        used += 1;
        byte = *data.get(used).ok_or(Unsupported("varint"))?;
        value = value
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .ok_or(Unsupported("varint"))?
            | (byte & 0x7f) as usize;
    }
    Ok((value, used + 1))
}

/// The cache-tree extension: pre-order nodes of `name NUL count SP subtrees LF [id]`.
fn cache_tree(data: &[u8]) -> Result<CacheTree, Unsupported> {
    cache_node(data, &mut 0, 0)
}

fn cache_node(data: &[u8], at: &mut usize, depth: usize) -> Result<CacheTree, Unsupported> {
    // git's own trees are shallow; a deeper cache tree is a corrupt one
    if depth > 4096 {
        return Err(Unsupported("cache tree depth"));
    }
    let bad = Unsupported("cache tree");
    let end = nul(data, *at, data.len())?;
    let name = data[*at..end].to_vec();
    let line_end = memchr::memchr(b'\n', &data[end + 1..]).ok_or(bad)?;
    let line = std::str::from_utf8(&data[end + 1..end + 1 + line_end]).map_err(|_| bad)?;
    let (count, subtrees) = line.split_once(' ').ok_or(bad)?;
    let count: i64 = count.parse().map_err(|_| bad)?;
    let subtrees: usize = subtrees.parse().map_err(|_| bad)?;
    *at = end + 1 + line_end + 1;
    let oid = if count >= 0 {
        let raw = data
            .get(*at..*at + 20)
            .ok_or(Unsupported("cache tree id"))?;
        *at += 20;
        Some(Oid::from_bytes(raw).map_err(|_| Unsupported("cache tree id"))?)
    } else {
        None
    };
    let mut children = Vec::with_capacity(subtrees.min(data.len()));
    for _ in 0..subtrees {
        children.push(cache_node(data, at, depth + 1)?);
    }
    Ok(CacheTree {
        name,
        oid,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_adds_one_per_continuation() {
        assert_eq!(varint(&[0x05]), Ok((5, 1)));
        // git's encoding of 128 is 0x80 0x00
        assert_eq!(varint(&[0x80, 0x00]), Ok((128, 2)));
        assert_eq!(varint(&[0x80]), Err(Unsupported("varint")));
    }

    #[test]
    fn short_or_foreign_bytes_are_unsupported() {
        assert!(Index::parse(b"").is_err());
        assert!(Index::parse(&[0u8; 40]).is_err());
        let mut v = b"DIRC\0\0\0\x09\0\0\0\0".to_vec();
        v.extend_from_slice(&[0; 20]);
        assert_eq!(Index::parse(&v).map(|_| ()), Err(Unsupported("version")));
    }
}
