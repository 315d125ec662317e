use core::fmt;

use serde::{Deserialize, Serialize};
use store_contract::ErrorCode;

/// Why the sale refused a shopper's request. [`fmt::Display`] gives a sentence a shopper
/// can read; [`SaleError::code`] gives a stable machine code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaleError {
    /// The account has not registered for this sale.
    NotRegistered,
    /// The account is already registered.
    AlreadyRegistered,
    /// Registration has not opened yet.
    RegistrationNotOpen,
    /// Registration has closed.
    RegistrationClosed,
    /// Joining the line is possible only once registration has closed.
    QueueNotOpen,
    /// A hold or checkout was attempted before the start.
    SaleNotStarted,
    /// The sale has ended.
    SaleEnded,
    /// The account is already in the line or the pre-queue.
    AlreadyInQueue,
    /// The account is not in the line.
    NotInQueue,
    /// Once set aside on a variant's waitlist, the choice of variant is fixed.
    OnWaitlist,
    /// The account has ordered as many units as the sale allows.
    LimitReached,
    /// The account holds no unit.
    NoHold,
    /// The hold ran out.
    HoldExpired,
    /// The hold was already extended once.
    ExtensionUsed,
    /// This sale offers no hold extension.
    NoExtension,
    /// No variant has this index.
    UnknownVariant,
    /// A payment is already being processed for this hold.
    PaymentInFlight,
    /// The payment under this idempotency key was declined; retry with a new key.
    PaymentDeclined,
    /// The idempotency key was used before with a different request.
    IdempotencyKeyReused,
    /// No payment is being processed for this account.
    NoPaymentInFlight,
    /// Every unit has been sold.
    SoldOut,
}

impl SaleError {
    /// The refusal's code on the wire (a snake_case string), for logs, analytics and the UI.
    pub const fn code(&self) -> ErrorCode {
        match self {
            SaleError::NotRegistered => ErrorCode::NotRegistered,
            SaleError::AlreadyRegistered => ErrorCode::AlreadyRegistered,
            SaleError::RegistrationNotOpen => ErrorCode::RegistrationNotOpen,
            SaleError::RegistrationClosed => ErrorCode::RegistrationClosed,
            SaleError::QueueNotOpen => ErrorCode::QueueNotOpen,
            SaleError::SaleNotStarted => ErrorCode::SaleNotStarted,
            SaleError::SaleEnded => ErrorCode::SaleEnded,
            SaleError::AlreadyInQueue => ErrorCode::AlreadyInQueue,
            SaleError::NotInQueue => ErrorCode::NotInQueue,
            SaleError::OnWaitlist => ErrorCode::OnWaitlist,
            SaleError::LimitReached => ErrorCode::LimitReached,
            SaleError::NoHold => ErrorCode::NoHold,
            SaleError::HoldExpired => ErrorCode::HoldExpired,
            SaleError::ExtensionUsed => ErrorCode::ExtensionUsed,
            SaleError::NoExtension => ErrorCode::NoExtension,
            SaleError::UnknownVariant => ErrorCode::UnknownVariant,
            SaleError::PaymentInFlight => ErrorCode::PaymentInFlight,
            SaleError::PaymentDeclined => ErrorCode::PaymentDeclined,
            SaleError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            SaleError::NoPaymentInFlight => ErrorCode::NoPaymentInFlight,
            SaleError::SoldOut => ErrorCode::SoldOut,
        }
    }
}

impl fmt::Display for SaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SaleError::NotRegistered => "You are not registered for this sale.",
            SaleError::AlreadyRegistered => "You are already registered for this sale.",
            SaleError::RegistrationNotOpen => "Registration has not opened yet.",
            SaleError::RegistrationClosed => "Registration for this sale has closed.",
            SaleError::QueueNotOpen => "The line opens when registration closes.",
            SaleError::SaleNotStarted => "The sale has not started yet.",
            SaleError::SaleEnded => "This sale has ended.",
            SaleError::AlreadyInQueue => "You already have your place in line.",
            SaleError::NotInQueue => "You are not waiting in line.",
            SaleError::OnWaitlist => {
                "You are on the waitlist for your choice, which can no longer change."
            }
            SaleError::LimitReached => "You have reached the limit for this sale.",
            SaleError::NoHold => "You have no item on hold.",
            SaleError::HoldExpired => "Your hold has expired and the item went back on sale.",
            SaleError::ExtensionUsed => "You have already extended this hold.",
            SaleError::NoExtension => "Holds for this sale cannot be extended.",
            SaleError::UnknownVariant => "That option is not part of this sale.",
            SaleError::PaymentInFlight => "Your payment is already being processed.",
            SaleError::PaymentDeclined => {
                "That payment was declined. You can try again while your hold lasts."
            }
            SaleError::IdempotencyKeyReused => {
                "This request conflicts with an earlier one. Please reload and try again."
            }
            SaleError::NoPaymentInFlight => "There is no payment in progress.",
            SaleError::SoldOut => "Sorry, this sale is sold out.",
        })
    }
}

impl std::error::Error for SaleError {}
