//! The demo store that runs inside the browser, behind the same contract a real store serves.
pub mod catalog;
pub mod clock;
pub mod settings;
pub mod storage;
pub mod store;
pub mod transport;
pub mod world;

pub use catalog::Catalog;
pub use settings::DemoSettings;
pub use storage::DemoStorage;
pub use store::MockStore;
pub use transport::MockTransport;
