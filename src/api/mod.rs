//! The store API: the contract, the wire it travels over, and the client the UI uses.
pub mod client;
pub mod contract;
pub mod http;
pub mod validation;

pub use client::{ClockSync, NetworkNotice, StoreClient};
pub use contract::*;
pub use http::Method;
