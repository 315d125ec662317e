//! The demo store behind the contract, sans-I/O in the manner of quinn-proto: a request, the
//! real time and seeded randomness go in; a response, the text to save and the network's
//! decisions come out. The Service Worker (`crates/store-worker`) runs it in the browser; a
//! server can run the same crate.
//!
//! One concern per file: [`routes`] names the call, [`sign_in`] handles codes and sessions,
//! [`payments`] the cards and orders, [`world`] one sale with its crowd and the shoppers' log,
//! [`views`] translates the engine into the contract, [`operator`] keeps the operator's key,
//! sessions, drops and news (their calls are in `drops` and `live`), [`persistence`] is what is
//! saved and where, [`network`] the latency and faults, [`Service`] one call's trip through
//! them, [`random`] every random choice from one secret, `wake` when the store next changes
//! without a call ([`Store::poll_timeout`]).
mod answer;
pub mod catalog;
pub mod clock;
mod dev;
mod drop_config;
mod drops;
mod idempotency;
mod live;
pub mod network;
pub mod operator;
pub mod payments;
pub mod persistence;
pub mod random;
pub mod routes;
mod service;
pub mod sign_in;
mod store;
pub mod views;
mod wake;
pub mod world;

pub use catalog::Catalog;
pub use live::SaleFigures;
pub use network::{Fault, Passage};
pub use persistence::{InMemory, Persistence};
pub use service::{AnswerLost, Service};
pub use store::Store;
pub use store_contract::Millis;
