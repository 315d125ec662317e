//! Which screen a shopper sees on a sale page, decided from what the store says: one pure function, so the live page, the preview gallery and the tests agree.
use crate::api::{PaymentState, Phase, SaleDetail, ShopperStatus, ShopperView};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SaleState {
    Announced,
    RegistrationOpen,
    Registered,
    RegistrationClosed,
    PreQueue,
    LiveQueue,
    Waitlist,
    YourTurn,
    Checkout,
    PaymentPending,
    OrderConfirmed,
    SoldOut,
    HoldExpired,
    SaleEnded,
}

impl SaleState {
    pub const ALL: [SaleState; 14] = [
        SaleState::Announced,
        SaleState::RegistrationOpen,
        SaleState::Registered,
        SaleState::RegistrationClosed,
        SaleState::PreQueue,
        SaleState::LiveQueue,
        SaleState::Waitlist,
        SaleState::YourTurn,
        SaleState::Checkout,
        SaleState::PaymentPending,
        SaleState::OrderConfirmed,
        SaleState::SoldOut,
        SaleState::HoldExpired,
        SaleState::SaleEnded,
    ];

    /// The `data-state` name tests and designers find the screen by.
    pub fn name(self) -> &'static str {
        match self {
            SaleState::Announced => "announced",
            SaleState::RegistrationOpen => "registration-open",
            SaleState::Registered => "registered",
            SaleState::RegistrationClosed => "registration-closed",
            SaleState::PreQueue => "pre-queue",
            SaleState::LiveQueue => "live-queue",
            SaleState::Waitlist => "waitlist",
            SaleState::YourTurn => "your-turn",
            SaleState::Checkout => "checkout",
            SaleState::PaymentPending => "payment-pending",
            SaleState::OrderConfirmed => "order-confirmed",
            SaleState::SoldOut => "sold-out",
            SaleState::HoldExpired => "hold-expired",
            SaleState::SaleEnded => "sale-ended",
        }
    }

    pub fn from_name(name: &str) -> Option<SaleState> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The screen for this shopper now. `wants_checkout` is the shopper's own step between their
/// hold and the checkout form: `Some(true)` when they went to the form, `Some(false)` when they
/// went back from it, `None` before either. A declined payment lands on the form unless they
/// went back from it.
pub fn sale_state(
    detail: &SaleDetail,
    me: Option<&ShopperView>,
    wants_checkout: Option<bool>,
) -> SaleState {
    let s = &detail.summary;
    let status = me.map(|m| &m.status);
    // Outcomes that belong to the shopper outlive the sale's phase.
    match status {
        Some(ShopperStatus::Ordered { .. }) => return SaleState::OrderConfirmed,
        Some(ShopperStatus::SoldOut { .. }) => return SaleState::SoldOut,
        Some(ShopperStatus::HoldExpired { .. }) => return SaleState::HoldExpired,
        Some(ShopperStatus::Holding { hold }) if hold.paying => return SaleState::PaymentPending,
        Some(ShopperStatus::Holding { .. }) => {
            let declined = me
                .and_then(|m| m.payment.as_ref())
                .is_some_and(|p| p.state == PaymentState::Declined);
            return match wants_checkout {
                Some(true) => SaleState::Checkout,
                Some(false) => SaleState::YourTurn,
                None if declined => SaleState::Checkout,
                None => SaleState::YourTurn,
            };
        }
        _ => {}
    }
    let registered = matches!(
        status,
        Some(ShopperStatus::Registered { .. } | ShopperStatus::PreQueue { .. })
    ) || matches!(
        status,
        Some(ShopperStatus::Waiting { .. } | ShopperStatus::Waitlisted { .. })
    );
    match s.phase {
        Phase::Announced => SaleState::Announced,
        Phase::RegistrationOpen if registered => SaleState::Registered,
        Phase::RegistrationOpen => SaleState::RegistrationOpen,
        Phase::RegistrationClosed if registered => SaleState::PreQueue,
        Phase::RegistrationClosed => SaleState::RegistrationClosed,
        Phase::Live => match status {
            Some(ShopperStatus::Waitlisted { .. }) => SaleState::Waitlist,
            Some(
                ShopperStatus::Waiting { .. }
                | ShopperStatus::PreQueue { .. }
                | ShopperStatus::Registered { .. },
            ) => SaleState::LiveQueue,
            _ => SaleState::RegistrationClosed,
        },
        _ => SaleState::SaleEnded,
    }
}
