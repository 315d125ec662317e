//! Reusable hooks, one per file, named for what they do.
mod use_api;
mod use_draft;
mod use_polling;
mod use_store_clock;

pub use use_api::use_api;
pub use use_draft::{clear_draft, use_draft};
pub use use_polling::use_polling;
pub use use_store_clock::use_store_clock;
