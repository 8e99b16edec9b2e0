//! Object databases seen through a directory of symbolic links.
//!
//! libgit2 keeps one in-memory pack per pack file *path*, shared by every repository handle
//! in the process: its 16 MiB delta-base cache (emptied whole when it fills) and its locks.
//! With the walker and the workers inflating through the same pack, each wiped the others'
//! cached delta bases and they queued on the pack's mutexes. A [`View`] is a temporary
//! directory of links to the entries of an objects directory; opened through it, the same
//! pack files have another path, so each handle gets a cache and locks of its own. The same
//! trick hides broken loose objects (see `loose`). A view holds only links, never object
//! content, and is removed when it is dropped.

use git2::{Odb, Repository};
use std::path::{Path, PathBuf};

/// A temporary objects directory made of links.
pub struct View {
    dir: tempfile::TempDir,
}

impl View {
    /// An empty view (with `info/alternates` carried over from `objects`), to be filled with
    /// [`View::link`].
    pub fn empty(objects: &Path) -> std::io::Result<View> {
        let dir = tempfile::Builder::new().prefix("sfleaks-odb-").tempdir()?;
        let view = View { dir };
        std::fs::create_dir_all(view.objects().join("info"))?;
        copy_alternates(objects, &view.objects())?;
        Ok(view)
    }

    /// A view of every entry of `objects`: its packs and loose objects under another path.
    pub fn of(objects: &Path) -> std::io::Result<View> {
        let view = View::empty(objects)?;
        for entry in std::fs::read_dir(objects)? {
            let entry = entry?;
            let name = entry.file_name();
            if name != "info" {
                view.link(&entry.path(), Path::new(&name))?;
            }
        }
        Ok(view)
    }

    /// The objects directory the view makes.
    pub fn objects(&self) -> PathBuf {
        self.dir.path().join("objects")
    }

    /// Links `target` at `relative` inside the view, creating parent directories.
    pub fn link(&self, target: &Path, relative: &Path) -> std::io::Result<()> {
        let at = self.objects().join(relative);
        if let Some(parent) = at.parent() {
            std::fs::create_dir_all(parent)?;
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(target, at)
        }
        #[cfg(not(unix))]
        {
            std::fs::hard_link(target, at)
        }
    }

    /// Makes `repo` read objects through the view.
    pub fn apply(&self, repo: &Repository) -> Result<(), git2::Error> {
        let odb = Odb::new()?;
        odb.add_disk_alternate(&self.objects().to_string_lossy())?;
        repo.set_odb(&odb)
    }
}

/// Writes `objects/info/alternates` into the view with absolute paths (relative ones are
/// relative to the original directory, which the view is not).
fn copy_alternates(objects: &Path, root: &Path) -> std::io::Result<()> {
    let Ok(text) = std::fs::read_to_string(objects.join("info").join("alternates")) else {
        return Ok(());
    };
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| objects.join(l.trim()).to_string_lossy().into_owned())
        .collect();
    std::fs::write(root.join("info").join("alternates"), lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_reads_the_same_objects_and_is_removed_on_drop() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = Repository::init(dir.path()).expect("repo");
        let blob = repo.blob(b"hello view").expect("blob");
        let objects = repo.path().join("objects");
        let view = View::of(&objects).expect("view");
        let where_ = view.objects();
        let other = Repository::open(repo.path()).expect("open");
        view.apply(&other).expect("apply");
        assert_eq!(
            other.find_blob(blob).expect("found").content(),
            b"hello view"
        );
        drop(other);
        drop(view);
        assert!(!where_.exists());
    }
}
