//! The harness for the end-to-end suite (`tests/journeys.rs`) and `make bench` (`src/bin/bench/`):
//! the release `dist/` served on loopback with the SPA fallback (or by the real store server),
//! chromedriver, and headless Chromium sessions with a fresh profile each.
pub mod browser;
pub mod server;
pub mod store_server;

pub use browser::{Browser, Driver, Error, Result};
pub use server::StaticServer;
pub use store_server::StoreServer;

use std::path::PathBuf;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Where the suite writes (screenshots, browser profiles, bench.json): `$CARGO_TARGET_DIR` or `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}
