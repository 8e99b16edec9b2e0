//! What the container fuzz targets share: a sink that checks what it is given and keeps
//! nothing, and one open of `data` as `kind` under the default limits.

use sfleaks::source::containers::{self, Kind, Limits, Opened};
use sfleaks::source::{BlobContext, Sink, Skip};

struct Check;

impl Sink for Check {
    fn blob(&self, path: &str, data: &[u8], _ctx: BlobContext) {
        // every entry is named through its container and holds no more than an entry may
        assert!(path.starts_with("fuzz!") || path == "fuzz", "{path}");
        assert!(data.len() as u64 <= Limits::default().entry);
    }
    fn skipped(&self, _path: &str, _why: Skip) {}
    fn opened(&self, opened: Opened) {
        assert!(opened.containers >= 1);
    }
}

/// Opens `data` as a container of `kind`, as a scan would.
pub fn open(data: &[u8], kind: Kind) {
    containers::open(
        "fuzz",
        data,
        kind,
        &Limits::default(),
        &Check,
        BlobContext::default(),
    );
}
