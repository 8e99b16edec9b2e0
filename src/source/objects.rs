//! Reads git objects for a scan: from the pack files directly where it can (see `pack`),
//! through libgit2 for everything else (loose objects, alternates, what the pack reader
//! does not handle), so that each read gets the fast path without losing any object.

pub use super::pack::Object;
use super::pack::{self, Packs};
use git2::{ObjectType, Oid, Repository};
use std::rc::Rc;
use std::sync::Arc;

/// One thread's object reader.
pub struct Objects<'r> {
    packs: Option<pack::Reader>,
    odb: git2::Odb<'r>,
}

impl<'r> Objects<'r> {
    /// Reads `repo`'s objects, from `packs` first when given; the pack reader's cache of delta
    /// bases holds at most `cache_bytes`.
    pub fn new(
        repo: &'r Repository,
        packs: Option<&Arc<Packs>>,
        cache_bytes: usize,
    ) -> Result<Objects<'r>, git2::Error> {
        Ok(Objects {
            packs: packs.map(|p| pack::Reader::new(Arc::clone(p), cache_bytes)),
            odb: repo.odb()?,
        })
    }

    /// Reads `oid` whole, or only its size when that is over `max`. A pack entry that cannot
    /// be decoded is read by libgit2 instead; the pack's error is kept if that fails too.
    pub fn read(&mut self, oid: Oid, max: u64) -> Result<Object, String> {
        let pack_error = match self.packs.as_mut().and_then(|r| r.read(&oid, max)) {
            Some(Ok(object)) => return Ok(object),
            Some(Err(e)) => Some(e),
            None => None,
        };
        let from_libgit2 = || -> Result<Object, git2::Error> {
            // the header gives the size without inflating; where it fails, the read says why
            if let Some((size, _)) = self.odb.read_header(oid).ok().filter(|_| max < u64::MAX) {
                if size as u64 > max {
                    return Ok(Object::TooLarge(size as u64));
                }
            }
            let raw = self.odb.read(oid)?;
            Ok(Object::Whole(raw.kind(), Rc::new(raw.data().to_vec())))
        };
        from_libgit2().map_err(|e| pack_error.unwrap_or_else(|| e.message().to_string()))
    }

    /// Reads `oid` as [`Objects::read`] does; an object of another type than `kind` is an
    /// error.
    pub fn read_as(&mut self, oid: Oid, kind: ObjectType, max: u64) -> Result<Object, String> {
        match self.read(oid, max)? {
            Object::Whole(k, _) if k != kind => Err(format!("object {oid} is a {k}, not a {kind}")),
            object => Ok(object),
        }
    }

    /// Reads `oid` whole, which must be of type `kind`.
    pub fn read_kind(&mut self, oid: Oid, kind: ObjectType) -> Result<Rc<Vec<u8>>, String> {
        match self.read_as(oid, kind, u64::MAX)? {
            Object::Whole(_, data) => Ok(data),
            // no limit was asked for
            Object::TooLarge(n) => Err(format!("object {oid} is too large ({n} bytes)")),
        }
    }
}
