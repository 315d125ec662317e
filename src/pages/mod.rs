//! One file per route.
pub mod account;
pub mod home;
pub mod not_found;
pub mod order;
pub mod sale;
