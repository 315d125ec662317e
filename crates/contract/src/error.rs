//! The one shape of every error a store answers with.
use serde::{Deserialize, Serialize};

/// Declares [`ErrorCode`] with each code's wire string, the list of every known code, and
/// the two ways between them, so a code and its string are written once.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident = $wire:literal,)*) => {
        /// Every stable machine code an error on the wire carries, beside the HTTP status:
        /// the store's, the sale engine's refusals and the app's own (`no_answer`,
        /// `bad_response`, `http_error`). On the wire it is the same snake_case string as ever.
        ///
        /// A code this build does not know (from a newer store) reads as [`ErrorCode::Unknown`]
        /// with its string kept, so it is written back unchanged and a page shows the store's
        /// English `message` for it.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $code,)*
            /// A code from a newer store, as it was sent.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every known code, for tests that hold something to each one.
            pub const ALL: [ErrorCode; [$($wire),*].len()] = [$(ErrorCode::$code),*];

            /// The code as the wire has it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$code => $wire,)*
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// A code read from the wire: a known one, or [`ErrorCode::Unknown`].
            pub fn parse(code: &str) -> ErrorCode {
                match code {
                    $($wire => ErrorCode::$code,)*
                    _ => ErrorCode::Unknown(code.into()),
                }
            }
        }
    };
}

error_codes! {
    BadRequest = "bad_request",
    NotFound = "not_found",
    UnknownSale = "unknown_sale",
    UnknownOrder = "unknown_order",
    /// The draw record is published from when registration closes (its fingerprint first).
    DrawNotPublished = "draw_not_published",
    /// The call needs a signed-in shopper: no token, or one the store does not know.
    SignIn = "sign_in",
    InvalidPhone = "invalid_phone",
    InvalidCode = "invalid_code",
    /// A wrong SMS code (401, with `tries_left` and `locks_for_ms`).
    WrongCode = "wrong_code",
    NoCode = "no_code",
    CodeExpired = "code_expired",
    TooSoon = "too_soon",
    Locked = "locked",
    InvalidAddress = "invalid_address",
    BadSettings = "bad_settings",
    /// An idempotency key already used for another request (422, as the IETF draft on the
    /// `Idempotency-Key` header has it). The engine uses the same code for a checkout.
    IdempotencyKeyReused = "idempotency_key_reused",
    /// The store sheds load: try again after `Retry-After`.
    Busy = "busy",
    Unavailable = "unavailable",
    /// No answer reached the app (timeout or a dropped connection): the app's own code.
    NoAnswer = "no_answer",
    /// An answer the app could not read: the app's own code.
    BadResponse = "bad_response",
    /// An error status whose body was no [`ApiError`]: the app's own code.
    HttpError = "http_error",
    /// An operator call without an operator session (401).
    OperatorSignIn = "operator_sign_in",
    /// An operator call with a shopper's session (403).
    NotOperator = "not_operator",
    /// A wrong operator key (401, with `tries_left` and `locks_for_ms`).
    WrongKey = "wrong_key",
    /// A drop that breaks [`crate::drop_rules::check_drop`] (422; `subject` names the first
    /// field, `message` says every problem).
    InvalidDrop = "invalid_drop",
    /// A drop with the id of another (409).
    DropExists = "drop_exists",
    /// A change a public drop may not take ([`crate::drop_rules::ChangeRefusal`], 409).
    ChangeRefused = "change_refused",
    /// A steer the sale cannot take now: a pause of a paused line, a resume of a running one,
    /// an end of an ended sale (409).
    SteerRefused = "steer_refused",
    /// The store already has an operator key and was not asked to replace it (409; the store
    /// server's own call at its start, never a page's).
    OperatorKeySet = "operator_key_set",
    // The sale engine's refusals (`sale_engine::SaleError::code`).
    NotRegistered = "not_registered",
    AlreadyRegistered = "already_registered",
    RegistrationNotOpen = "registration_not_open",
    RegistrationClosed = "registration_closed",
    QueueNotOpen = "queue_not_open",
    SaleNotStarted = "sale_not_started",
    SaleEnded = "sale_ended",
    /// Also the store's answer to a second join.
    AlreadyInQueue = "already_in_queue",
    NotInQueue = "not_in_queue",
    OnWaitlist = "on_waitlist",
    LimitReached = "limit_reached",
    NoHold = "no_hold",
    HoldExpired = "hold_expired",
    ExtensionUsed = "extension_used",
    NoExtension = "no_extension",
    UnknownVariant = "unknown_variant",
    PaymentInFlight = "payment_in_flight",
    PaymentDeclined = "payment_declined",
    NoPaymentInFlight = "no_payment_in_flight",
    SoldOut = "sold_out",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(ErrorCode::parse(&code))
    }
}

/// Every error a store answers with: an HTTP status, a stable machine code, a sentence for a
/// person, and when to try again where that applies. The facts in `message` are fields too
/// (`retry_after_ms`, `tries_left`, `locks_for_ms`, `subject`), so a page can say the same in its own language.
/// Fields added later default when absent, so older clients and stores still read each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_ms: Option<u64>,
    /// Wrong SMS codes still allowed before the number is locked (`wrong_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
    /// How long the number is locked once no tries are left (`wrong_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locks_for_ms: Option<u64>,
    /// What the refusal is about, as the request named it: the sale of `unknown_sale`, the
    /// order number of `unknown_order`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_ms: None,
            tries_left: None,
            locks_for_ms: None,
            subject: None,
        }
    }

    /// A wrong code's facts: the tries still allowed, and how long the number is locked after.
    pub fn tries_left_then_lock(mut self, tries: u32, locks_for_ms: u64) -> Self {
        self.tries_left = Some(tries);
        self.locks_for_ms = Some(locks_for_ms);
        self
    }

    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn retry_after(mut self, ms: u64) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }

    /// Worth sending again unchanged: the store was overloaded or the answer was lost. A 429 that
    /// limits the shopper (codes asked too often, a locked number) is not: the shopper is told.
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 0 | 408 | 502 | 503 | 504)
            || (self.status == 429 && self.code == ErrorCode::Busy)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_without_the_newer_facts_still_read() {
        let old = r#"{"status":401,"code":"wrong_code","message":"No.","retry_after_ms":null}"#;
        let error: ApiError = serde_json::from_str(old).unwrap();
        assert_eq!(error, ApiError::new(401, ErrorCode::WrongCode, "No."));
        let new = serde_json::to_string(&error.clone().tries_left_then_lock(2, 600_000)).unwrap();
        assert!(
            new.contains(r#""tries_left":2,"locks_for_ms":600000"#),
            "{new}"
        );
        let plain = serde_json::to_string(&error).unwrap();
        assert!(
            !plain.contains("tries_left")
                && !plain.contains("locks_for")
                && !plain.contains("subject"),
            "{plain}"
        );
    }

    #[test]
    fn every_code_reads_back_as_itself_and_an_unknown_one_keeps_its_string() {
        for code in ErrorCode::ALL {
            let wire = serde_json::to_string(&code).unwrap();
            assert_eq!(wire, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&wire).unwrap(), code);
            assert!(!matches!(code, ErrorCode::Unknown(_)));
        }
        let mut wires: Vec<&str> = ErrorCode::ALL.iter().map(ErrorCode::as_str).collect();
        wires.sort_unstable();
        wires.dedup();
        assert_eq!(
            wires.len(),
            ErrorCode::ALL.len(),
            "two codes share a string"
        );
        let newer =
            r#"{"status":409,"code":"queue_paused","message":"Paused.","retry_after_ms":null}"#;
        let error: ApiError = serde_json::from_str(newer).unwrap();
        assert_eq!(error.code, ErrorCode::Unknown("queue_paused".into()));
        assert_eq!(serde_json::to_string(&error).unwrap(), newer);
    }
}
