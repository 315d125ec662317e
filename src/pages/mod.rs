//! One file per route.
pub mod account;
pub mod home;
pub mod not_found;
pub mod on_demand;
pub mod order;
pub mod preview;
pub mod sale;
