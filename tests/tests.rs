//! Integration tests: they run the built `sfleaks` binary on fixtures and temp directories.

mod it;
