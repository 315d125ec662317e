//! Pieces the pages are built from.
mod clock_quality;
mod countdown;
mod layout;
mod notices;
mod sign_in;

pub use clock_quality::ClockQuality;
pub use countdown::Countdown;
pub use layout::{Footer, Header, Stat, StateSection};
pub use notices::Notices;
pub use sign_in::SignIn;
