//! The publicly checkable draw of a flash sale's waiting room.
//!
//! Before the start the store publishes the *fingerprint*, the SHA-256 of a secret 32-byte
//! seed, so nobody (the store included) can choose the seed after seeing who checked in.
//! At the start the checked-in tickets are shuffled with the seed ([`shuffle_tickets`]);
//! late arrivals queue behind them, first come first served. After the end the store
//! reveals the seed in its [`DrawRecord`], and [`verify`] (or any reimplementation of
//! `docs/fair-draw.md` in another language) recomputes the order and checks every
//! admission against it.
//!
//! The draw needs nothing but SHA-256 and 64-bit integers, so a page, a script or a
//! spreadsheet macro can redo it.

#![no_std]
#![warn(missing_docs)]

extern crate alloc;

mod draw;
mod hex;
mod record;
mod verify;

pub use draw::{shuffle_in_place, shuffle_tickets, DOMAIN};
pub use hex::{bytes_from_hex, from_hex, seed_from_hex, sha256_hex, to_hex};
pub use record::{DrawRecord, OperatorAction};
pub use verify::{verify, Failure, Verdict};
