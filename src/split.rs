//! Split points: code a shopper's first screen does not need, fetched the first time it is used.
//!
//! The release build (`make build`, `scripts/split-page`) compiles the page with `--cfg split`:
//! there each function marked `#[cfg_attr(split, leptos::wasm_split::wasm_split(…, fallible,
//! …))]` is a split point (what Leptos's `#[lazy]` builds on; `fallible`, so that a module the
//! network failed to bring is an error the page shows, not a panic), and wasm_split_cli_support
//! cuts the code only it reaches into a wasm module of its own, fetched when it is first called.
//! Every other build (`trunk serve`, the browser tests) keeps one module, where these are plain
//! functions. The split points: the later pages (`pages/on_demand.rs`), the preview's pages
//! (`pages/preview.rs`), the dev panel and a scenario's reset and play (`shop.rs`). How a page
//! shows one of them while it arrives is [`crate::components::on_demand`]'s part.
//!
//! This module names nothing else of the page, so the shop and the components that show a
//! module on its way can both use it.

/// A module did not arrive: the network failed while the browser fetched it.
pub struct ModuleMissing;

#[cfg(split)]
impl From<leptos::wasm_split::SplitLoaderError> for ModuleMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ModuleMissing
    }
}

/// What a call of a split point gives: awaited where it is one, called where the page is one
/// module. Inside an async block: `fetched!(sale_page())`.
#[cfg(split)]
macro_rules! fetched {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(not(split))]
macro_rules! fetched {
    ($call:expr) => {
        $call
    };
}
pub(crate) use fetched;
