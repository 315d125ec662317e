//! The store API as the UI uses it: the contract's types, the fetch transport they travel
//! over, and the client with its retries and clock sync.
pub mod client;
pub mod clock;
pub mod service_worker;
pub mod transport;

pub use client::{NetworkNotice, StoreClient};
pub use clock::ClockSync;
/// The demo store's SMS gateway, which the sign-in form reads to offer the code.
pub use store_contract::demo::Sms;
pub use store_contract::*;
pub use transport::{FetchTransport, Transport};
