//! Pieces the pages are built from.
mod clock_quality;
mod countdown;
mod dev_panel;
mod layout;
mod notices;
pub mod on_demand;
mod sale_news;
mod sign_in;
mod variant_name;

pub use clock_quality::ClockQuality;
pub use countdown::Countdown;
pub use dev_panel::DevPanel;
pub use layout::{Footer, Header, Stat};
pub use notices::{NetworkBanner, Notices};
pub use sale_news::SaleNewsNotice;
pub use sign_in::{SignIn, SignInStage};
pub use variant_name::VariantName;
