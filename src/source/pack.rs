//! Reads objects straight from a repository's pack files, for the history scan.
//!
//! A history scan reads every changed tree and every blob of a history once. Through libgit2
//! each read took a binary search of the pack index with a `memcmp` call per step (a sixth of
//! the walk), a fresh inflate state, a copy out of the delta-base cache and a global lock;
//! and its 16 MiB cache, which keeps only the bases met inside a chain, let the next-older
//! version of a file unwind its whole chain again. Here the index is searched with inline
//! compares, each thread keeps one inflate state, and a thread's cache keeps every object
//! that some delta in the pack is built on (found by one pass over the entry headers when
//! the packs are opened), so reading a history newest first applies one delta per version.
//!
//! Only what a scan needs: SHA-1 packs with version 2 indexes. Anything else (loose objects,
//! other index versions, an object whose base is elsewhere, corrupt data) is left to libgit2
//! by returning `None` or an error, so what a scan can read does not shrink.

use flate2::{Decompress, FlushDecompress, Status};
use foldhash::HashMap;
use git2::{ObjectType, Oid};
use memmap2::Mmap;
use std::collections::hash_map::Entry;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

const OID_LEN: usize = 20;
/// Longest delta chain followed; git's default is 50, `--depth` allows 4095.
const MAX_CHAIN: usize = 10_000;

/// The packs of one objects directory, opened once and shared by every thread.
pub struct Packs {
    packs: Vec<Pack>,
}

/// One pack and its index, mapped.
struct Pack {
    path: PathBuf,
    idx: Mmap,
    data: Mmap,
    fanout: [u32; 256],
    count: usize,
    /// Each id's first eight bytes with its entry's offset, in index order: searched instead
    /// of the mapped index, whose 20-byte names spread a search over many more pages (each
    /// lookup there cost several cache and TLB misses, 7% of a rails history scan).
    keys: Vec<(u64, u64)>,
    /// Offsets of the entries some delta in this pack is built on, sorted.
    bases: Vec<u64>,
}

/// An object as read.
pub enum Object {
    /// Its type and bytes.
    Whole(ObjectType, Rc<Vec<u8>>),
    /// Larger than the limit asked for; its size.
    TooLarge(u64),
}

impl Packs {
    /// Opens every `pack-*.idx` (with its `.pack`) under `objects/pack`; a pack that cannot
    /// be opened or is of a version this reader does not know is left to libgit2.
    pub fn open(objects: &Path) -> Arc<Packs> {
        let mut packs = Vec::new();
        if let Ok(dir) = std::fs::read_dir(objects.join("pack")) {
            let mut idxs: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            idxs.sort();
            packs.extend(idxs.iter().filter_map(|idx| Pack::open(idx).ok()));
        }
        Arc::new(Packs { packs })
    }

    /// Where `oid` is stored: (pack, offset of its entry).
    fn find(&self, oid: &Oid) -> Option<(usize, u64)> {
        let id: &[u8; OID_LEN] = oid.as_bytes().try_into().ok()?;
        self.packs
            .iter()
            .enumerate()
            .find_map(|(i, p)| p.offset_of(id).map(|off| (i, off)))
    }
}

impl Pack {
    fn open(idx_path: &Path) -> Result<Pack, String> {
        let path = idx_path.with_extension("pack");
        let map = |p: &Path| -> Result<Mmap, String> {
            let file = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            // SAFETY: pack and index files are immutable once written (git writes new ones
            // and renames them into place); a concurrent repack removes files, it never
            // rewrites one in place.
            unsafe { Mmap::map(&file) }.map_err(|e| format!("{}: {e}", p.display()))
        };
        let (idx, data) = (map(idx_path)?, map(&path)?);
        if idx.get(..8) != Some(&[0xff, b't', b'O', b'c', 0, 0, 0, 2][..]) {
            return Err(format!("{}: not a version 2 index", idx_path.display()));
        }
        if !matches!(
            data.get(..8),
            Some([b'P', b'A', b'C', b'K', 0, 0, 0, 2 | 3])
        ) {
            return Err(format!("{}: not a version 2 or 3 pack", path.display()));
        }
        let mut fanout = [0u32; 256];
        for (i, f) in fanout.iter_mut().enumerate() {
            *f = be32(&idx, 8 + 4 * i).ok_or("index truncated")?;
        }
        let count = fanout[255] as usize;
        // names, crc32s, 32-bit offsets, then the 64-bit offsets and two trailing ids
        if idx.len() < 8 + 1024 + count * (OID_LEN + 8) + 2 * OID_LEN {
            return Err(format!("{}: index truncated", idx_path.display()));
        }
        let mut pack = Pack {
            path,
            idx,
            data,
            fanout,
            count,
            keys: Vec::new(),
            bases: Vec::new(),
        };
        pack.keys = (0..count)
            .map(|i| Some((id_key(pack.name(i)), pack.offset(i)?)))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("{}: index truncated", idx_path.display()))?;
        pack.bases = pack.find_bases();
        Ok(pack)
    }

    fn name(&self, i: usize) -> &[u8] {
        let at = 8 + 1024 + i * OID_LEN;
        &self.idx[at..at + OID_LEN]
    }

    /// The offset of entry `i` of the index (in name order).
    fn offset(&self, i: usize) -> Option<u64> {
        let table = 8 + 1024 + self.count * (OID_LEN + 4);
        let small = be32(&self.idx, table + 4 * i)?;
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let large = table + 4 * self.count + 8 * (small & 0x7fff_ffff) as usize;
        let hi = be32(&self.idx, large)?;
        let lo = be32(&self.idx, large + 4)?;
        Some((u64::from(hi) << 32) | u64::from(lo))
    }

    /// Searches the fan-out bucket of the key table by interpolation (ids are uniformly
    /// distributed, so a guess from the first eight bytes lands within a few entries), then
    /// confirms the whole id in the index.
    fn offset_of(&self, id: &[u8; OID_LEN]) -> Option<u64> {
        let key = id_key(id);
        let first = id[0] as usize;
        let mut lo = if first == 0 {
            0
        } else {
            self.fanout[first - 1] as usize
        };
        let mut hi = (self.fanout[first] as usize).min(self.keys.len());
        // the bucket's keys lie between these values
        let (mut lo_key, mut hi_key) = (
            (first as u64) << 56,
            ((first as u64) << 56) | (u64::MAX >> 8),
        );
        let mut probes = 0;
        while lo < hi {
            let mid = if probes < 3 && hi_key > lo_key {
                let at = u128::from(key.saturating_sub(lo_key)) * (hi - lo) as u128
                    / u128::from(hi_key - lo_key + 1);
                lo + (at as usize).min(hi - lo - 1)
            } else {
                lo + (hi - lo) / 2
            };
            probes += 1;
            let here = self.keys[mid].0;
            match here.cmp(&key) {
                std::cmp::Ordering::Less => {
                    lo = mid + 1;
                    lo_key = here;
                }
                std::cmp::Ordering::Greater => {
                    hi = mid;
                    hi_key = here;
                }
                std::cmp::Ordering::Equal => {
                    // ids sharing their first eight bytes sit side by side
                    let mut i = mid;
                    while i > 0 && self.keys[i - 1].0 == key {
                        i -= 1;
                    }
                    while i < self.keys.len() && self.keys[i].0 == key {
                        if self.name(i) == id {
                            return Some(self.keys[i].1);
                        }
                        i += 1;
                    }
                    return None;
                }
            }
        }
        None
    }

    /// Every entry's header, once: the offsets deltas are built on, sorted.
    fn find_bases(&self) -> Vec<u64> {
        let mut bases = Vec::with_capacity(self.count / 2);
        // in pack order, so the headers are read front to back instead of at random
        let mut offsets: Vec<u64> = self.keys.iter().map(|k| k.1).collect();
        offsets.sort_unstable();
        for off in offsets {
            match self.header(off) {
                Some(Header {
                    base: Base::Offset(b),
                    ..
                }) => bases.push(b),
                Some(Header {
                    base: Base::Id(id), ..
                }) => bases.extend(self.offset_of(&id)),
                _ => {}
            }
        }
        bases.sort_unstable();
        bases.dedup();
        bases
    }

    fn is_base(&self, off: u64) -> bool {
        self.bases.binary_search(&off).is_ok()
    }

    /// The entry header at `off`.
    fn header(&self, off: u64) -> Option<Header> {
        let data = self.data.get(usize::try_from(off).ok()?..)?;
        let mut at = 0;
        let mut c = *data.first()?;
        let kind = (c >> 4) & 7;
        let mut size = u64::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            at += 1;
            c = *data.get(at)?;
            if shift > 57 {
                return None;
            }
            size |= u64::from(c & 0x7f) << shift;
            shift += 7;
        }
        at += 1;
        let base = match kind {
            1..=4 => Base::None(kind),
            6 => {
                let mut c = *data.get(at)?;
                at += 1;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = *data.get(at)?;
                    at += 1;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
                }
                Base::Offset(off.checked_sub(back).filter(|_| back > 0)?)
            }
            7 => {
                let id: [u8; OID_LEN] = data.get(at..at + OID_LEN)?.try_into().ok()?;
                at += OID_LEN;
                Base::Id(id)
            }
            _ => return None,
        };
        Some(Header {
            size,
            base,
            body: off + at as u64,
        })
    }
}

/// What an entry header says.
struct Header {
    /// The inflated size of the entry's body (of the delta, for a delta).
    size: u64,
    base: Base,
    /// Where the compressed body starts.
    body: u64,
}

enum Base {
    /// A whole object of this pack type (1 commit, 2 tree, 3 blob, 4 tag).
    None(u8),
    /// A delta on the entry at this offset.
    Offset(u64),
    /// A delta on the object with this id.
    Id([u8; OID_LEN]),
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// An id's first eight bytes as a number that orders as they do.
fn id_key(id: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&id[..8]);
    u64::from_be_bytes(first)
}

fn kind_of(pack_type: u8) -> Option<ObjectType> {
    match pack_type {
        1 => Some(ObjectType::Commit),
        2 => Some(ObjectType::Tree),
        3 => Some(ObjectType::Blob),
        4 => Some(ObjectType::Tag),
        _ => None,
    }
}

/// One thread's reader over the shared packs.
pub struct Reader {
    packs: Arc<Packs>,
    decoder: Decoder,
}

/// What a thread keeps between reads: an inflate state and a cache of delta bases, bounded
/// in bytes.
struct Decoder {
    inflate: Decompress,
    cache: Cache,
    /// Room for a delta's inflated body.
    scratch: Vec<u8>,
}

impl Reader {
    /// A reader over `packs` whose cache holds at most `cache_bytes`.
    pub fn new(packs: Arc<Packs>, cache_bytes: usize) -> Reader {
        Reader {
            packs,
            decoder: Decoder {
                inflate: Decompress::new(true),
                cache: Cache::new(cache_bytes),
                scratch: Vec::new(),
            },
        }
    }

    /// Reads `oid` if some pack holds it: `None` when none does (or it is built on an object
    /// outside its pack), an error naming the pack when its data is corrupt. An object larger
    /// than `max` bytes is not inflated past its header.
    pub fn read(&mut self, oid: &Oid, max: u64) -> Option<Result<Object, String>> {
        let (p, off) = self.packs.find(oid)?;
        let pack = &self.packs.packs[p];
        match self.decoder.resolve(pack, p, off, max) {
            Ok(Some(read)) => Some(Ok(read)),
            Ok(None) => None,
            Err(e) => Some(Err(format!(
                "{}: object {oid} at offset {off}: {e}",
                pack.path.display()
            ))),
        }
    }
}

impl Decoder {
    /// The object at `off`: its chain of deltas followed down to a whole object or a cached
    /// base, then applied back up, keeping on the way every object some delta is built on.
    fn resolve(
        &mut self,
        pack: &Pack,
        p: usize,
        off: u64,
        max: u64,
    ) -> Result<Option<Object>, &'static str> {
        if let Some((kind, data)) = self.cache.get(p, off) {
            return Ok(Some(Object::Whole(kind, data)));
        }
        // each delta from the wanted object down, with its inflated body once read
        let mut chain: Vec<(u64, Header, Option<Vec<u8>>)> = Vec::new();
        let mut at = off;
        let (kind, mut data) = loop {
            if chain.len() > MAX_CHAIN {
                return Err("delta chain too long");
            }
            if at != off {
                if let Some(hit) = self.cache.get(p, at) {
                    break hit;
                }
            }
            let h = pack.header(at).ok_or("bad entry header")?;
            let base = match h.base {
                Base::None(t) => {
                    let kind = kind_of(t).ok_or("bad object type")?;
                    if chain.is_empty() && h.size > max {
                        return Ok(Some(Object::TooLarge(h.size)));
                    }
                    let body = Rc::new(self.inflate_at(pack, h.body, h.size)?);
                    if at != off && pack.is_base(at) {
                        self.cache.put(p, at, kind, Rc::clone(&body));
                    }
                    break (kind, body);
                }
                Base::Offset(b) => b,
                // a thin pack's base outside it: libgit2 knows where else to look
                Base::Id(id) => match pack.offset_of(&id) {
                    Some(b) => b,
                    None => return Ok(None),
                },
            };
            let mut delta = None;
            if chain.is_empty() {
                // the wanted object's size is in its delta: too large, and nothing more is read
                let d = self.inflate_at(pack, h.body, h.size)?;
                match result_size(&d) {
                    Some(n) if n > max => return Ok(Some(Object::TooLarge(n))),
                    _ => delta = Some(d),
                }
            }
            chain.push((at, h, delta));
            at = base;
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        while let Some((at, h, delta)) = chain.pop() {
            let delta = match delta {
                Some(d) => d,
                None => {
                    self.inflate_into(pack, h.body, h.size, &mut scratch)?;
                    std::mem::take(&mut scratch)
                }
            };
            let mut out = Vec::new();
            let applied = apply(&data, &delta, &mut out);
            scratch = delta;
            applied.ok_or("bad delta")?;
            let out = Rc::new(out);
            if pack.is_base(at) {
                self.cache.put(p, at, kind, Rc::clone(&out));
            }
            data = out;
        }
        self.scratch = scratch;
        Ok(Some(Object::Whole(kind, data)))
    }

    /// Inflates the zlib stream at `body`, which must give exactly `size` bytes.
    fn inflate_at(&mut self, pack: &Pack, body: u64, size: u64) -> Result<Vec<u8>, &'static str> {
        let mut out = Vec::new();
        self.inflate_into(pack, body, size, &mut out)?;
        Ok(out)
    }

    /// Inflates into `out` (emptied first), reusing its room.
    fn inflate_into(
        &mut self,
        pack: &Pack,
        body: u64,
        size: u64,
        out: &mut Vec<u8>,
    ) -> Result<(), &'static str> {
        let input = usize::try_from(body)
            .ok()
            .and_then(|b| pack.data.get(b..))
            .ok_or("entry past the end of the pack")?;
        let size = usize::try_from(size).map_err(|_| "object too large")?;
        out.clear();
        // one more byte of room than the header says, so that a longer stream is caught
        out.reserve_exact(size + 1);
        self.inflate.reset(true);
        match self
            .inflate
            .decompress_vec(input, out, FlushDecompress::Finish)
        {
            Ok(Status::StreamEnd) if out.len() == size => Ok(()),
            Ok(_) => Err("object does not inflate to its size"),
            Err(_) => Err("corrupt zlib stream"),
        }
    }
}

/// The size a delta produces, from its header.
fn result_size(delta: &[u8]) -> Option<u64> {
    let (_, rest) = varint(delta)?;
    varint(rest).map(|(n, _)| n)
}

fn varint(b: &[u8]) -> Option<(u64, &[u8])> {
    let mut n = 0u64;
    for (i, &c) in b.iter().enumerate().take(10) {
        n |= u64::from(c & 0x7f) << (7 * i);
        if c & 0x80 == 0 {
            return Some((n, &b[i + 1..]));
        }
    }
    None
}

/// Applies a git delta to `base`, into `out`; `None` when the delta is malformed or does not
/// fit the base.
fn apply(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let (src, rest) = varint(delta)?;
    let (dst, mut ops) = varint(rest)?;
    if src != base.len() as u64 {
        return None;
    }
    out.reserve_exact(usize::try_from(dst).ok()?);
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        if op & 0x80 != 0 {
            // copy from the base: which offset and size bytes follow is in the op's low bits
            let mut field = |bits: std::ops::Range<u8>| -> Option<usize> {
                let mut v = 0usize;
                for (shift, bit) in bits.enumerate() {
                    if op & (1 << bit) != 0 {
                        let (&b, rest) = ops.split_first()?;
                        ops = rest;
                        v |= usize::from(b) << (8 * shift);
                    }
                }
                Some(v)
            };
            let offset = field(0..4)?;
            let size = match field(4..7)? {
                0 => 0x10000,
                n => n,
            };
            out.extend_from_slice(base.get(offset..offset.checked_add(size)?)?);
        } else if op != 0 {
            let n = usize::from(op);
            out.extend_from_slice(ops.get(..n)?);
            ops = &ops[n..];
        } else {
            return None;
        }
    }
    (out.len() as u64 == dst).then_some(())
}

/// A cached object: its type, bytes and last use.
type Cached = (ObjectType, Rc<Vec<u8>>, u64);

/// Decoded objects by (pack, offset), the least recently used evicted first.
///
/// A use only stamps the entry; the queue of keys is in the order they were queued, and an
/// entry met at its front that was used since is queued again instead of evicted. Keeping
/// the exact order in a tree instead cost a removal and an insertion per read (2.5% of a
/// rails history scan).
struct Cache {
    /// (pack, offset) to the object and when it was last used.
    map: HashMap<(usize, u64), Cached>,
    /// Keys with the use they were queued at, oldest first.
    queue: VecDeque<(u64, (usize, u64))>,
    tick: u64,
    bytes: usize,
    limit: usize,
}

impl Cache {
    fn new(limit: usize) -> Cache {
        Cache {
            map: HashMap::default(),
            queue: VecDeque::new(),
            tick: 0,
            bytes: 0,
            limit,
        }
    }

    fn get(&mut self, p: usize, off: u64) -> Option<(ObjectType, Rc<Vec<u8>>)> {
        self.tick += 1;
        let entry = self.map.get_mut(&(p, off))?;
        entry.2 = self.tick;
        Some((entry.0, Rc::clone(&entry.1)))
    }

    fn put(&mut self, p: usize, off: u64, kind: ObjectType, data: Rc<Vec<u8>>) {
        let size = data.len();
        if size > self.limit / 4 {
            return;
        }
        while self.bytes + size > self.limit {
            let Some((queued, key)) = self.queue.pop_front() else {
                break;
            };
            if let Entry::Occupied(e) = self.map.entry(key) {
                let used = e.get().2;
                if used != queued {
                    // used since it was queued: it goes to the back
                    self.queue.push_back((used, key));
                } else {
                    self.bytes -= e.remove().1.len();
                }
            }
        }
        self.tick += 1;
        self.queue.push_back((self.tick, (p, off)));
        if let Some((_, old, _)) = self.map.insert((p, off), (kind, data, self.tick)) {
            // its older place in the queue no longer matches its stamp
            self.bytes -= old.len();
        }
        self.bytes += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn every_object_of_a_deltified_pack_reads_as_libgit2_reads_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = git2::Repository::init(dir.path()).expect("repo");
        let sig = git2::Signature::now("t", "t@example.com").expect("sig");
        // versions of one file that pack as chains of deltas, plus a tree per version
        let mut text = String::new();
        let mut parent: Option<Oid> = None;
        let mut blobs = Vec::new();
        for v in 0..40 {
            text.push_str(&format!("line {v}: {}\n", "x".repeat(v * 7 % 90)));
            let blob = repo.blob(text.as_bytes()).expect("blob");
            blobs.push(blob);
            let mut tb = repo.treebuilder(None).expect("tb");
            tb.insert("notes.txt", blob, 0o100644).expect("insert");
            let tree = repo.find_tree(tb.write().expect("tree")).expect("tree");
            let parents: Vec<git2::Commit> = parent
                .iter()
                .map(|p| repo.find_commit(*p).expect("c"))
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let c = repo
                .commit(Some("HEAD"), &sig, &sig, "v", &tree, &refs)
                .expect("commit");
            parent = Some(c);
        }
        git(dir.path(), &["repack", "-adf", "--depth=10", "--window=50"]);
        let objects = repo.path().join("objects");
        let packs = Packs::open(&objects);
        assert_eq!(packs.packs.len(), 1);
        assert!(
            !packs.packs[0].bases.is_empty(),
            "the versions were deltified"
        );
        // a small cache, so chains are resolved from their base as well as from the cache
        let mut reader = Reader::new(Arc::clone(&packs), 4096);
        let odb = repo.odb().expect("odb");
        let mut all = Vec::new();
        odb.foreach(|id| {
            all.push(*id);
            true
        })
        .expect("list");
        assert!(all.len() >= 120);
        for id in all.iter().chain(blobs.iter().rev()) {
            let want = odb.read(*id).expect("libgit2 reads it");
            match reader.read(id, u64::MAX) {
                Some(Ok(Object::Whole(kind, data))) => {
                    assert_eq!(kind, want.kind(), "{id}");
                    assert_eq!(&data[..], want.data(), "{id}");
                }
                _ => panic!("{id} not read"),
            }
        }
        let last = *blobs.last().expect("blob");
        assert!(matches!(reader.read(&last, 10), Some(Ok(Object::TooLarge(n))) if n > 10));
        assert!(reader.read(&Oid::zero(), u64::MAX).is_none());
    }

    #[test]
    fn a_corrupt_entry_is_an_error_naming_the_pack() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = git2::Repository::init(dir.path()).expect("repo");
        let blob = repo
            .blob(&b"some content to pack ".repeat(50))
            .expect("blob");
        let mut tb = repo.treebuilder(None).expect("tb");
        tb.insert("f", blob, 0o100644).expect("insert");
        let tree = repo.find_tree(tb.write().expect("tree")).expect("tree");
        let sig = git2::Signature::now("t", "t@example.com").expect("sig");
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &[])
            .expect("commit");
        git(dir.path(), &["repack", "-adf"]);
        let pack_dir = repo.path().join("objects").join("pack");
        let packs = Packs::open(&repo.path().join("objects"));
        let (_, off) = packs.find(&blob).expect("packed");
        drop(packs);
        let pack_file = std::fs::read_dir(&pack_dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "pack"))
            .expect("pack");
        let mut bytes = std::fs::read(&pack_file).expect("read");
        // git leaves packs read-only
        let mut perms = std::fs::metadata(&pack_file).expect("meta").permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&pack_file, perms).expect("chmod");
        // the zlib stream starts after a two-byte header; break its compressed data
        for b in &mut bytes[off as usize + 4..off as usize + 12] {
            *b ^= 0x5a;
        }
        std::fs::write(&pack_file, &bytes).expect("write");
        let mut reader = Reader::new(Packs::open(&repo.path().join("objects")), 1 << 20);
        match reader.read(&blob, u64::MAX) {
            Some(Err(e)) => assert!(e.contains(".pack") && e.contains(&blob.to_string()), "{e}"),
            _ => panic!("corruption not reported"),
        }
    }
}
