//! The one shape of every error a store answers with.
use serde::{Deserialize, Serialize};

/// Stable machine codes a store answers with, beside the HTTP status. The engine's refusals
/// (`already_registered`, `sold_out`, …) use the same snake_case style.
pub mod codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const NOT_FOUND: &str = "not_found";
    pub const UNKNOWN_SALE: &str = "unknown_sale";
    pub const UNKNOWN_ORDER: &str = "unknown_order";
    /// The draw record is published from when registration closes (its fingerprint first).
    pub const DRAW_NOT_PUBLISHED: &str = "draw_not_published";
    /// The call needs a signed-in shopper: no token, or one the store does not know.
    pub const SIGN_IN: &str = "sign_in";
    pub const INVALID_PHONE: &str = "invalid_phone";
    pub const INVALID_CODE: &str = "invalid_code";
    pub const WRONG_CODE: &str = "wrong_code";
    pub const NO_CODE: &str = "no_code";
    pub const CODE_EXPIRED: &str = "code_expired";
    pub const TOO_SOON: &str = "too_soon";
    pub const LOCKED: &str = "locked";
    pub const INVALID_ADDRESS: &str = "invalid_address";
    pub const ALREADY_IN_QUEUE: &str = "already_in_queue";
    pub const BAD_SETTINGS: &str = "bad_settings";
    /// An idempotency key already used for another request (422, as the IETF draft on the
    /// `Idempotency-Key` header has it). The engine uses the same code for a checkout.
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    /// The store sheds load: try again after `Retry-After`.
    pub const BUSY: &str = "busy";
    pub const UNAVAILABLE: &str = "unavailable";
    /// No answer reached the app (timeout or a dropped connection): the app's own code.
    pub const NO_ANSWER: &str = "no_answer";
    /// An answer the app could not read: the app's own code.
    pub const BAD_RESPONSE: &str = "bad_response";
    /// An operator call without an operator session (401).
    pub const OPERATOR_SIGN_IN: &str = "operator_sign_in";
    /// An operator call with a shopper's session (403).
    pub const NOT_OPERATOR: &str = "not_operator";
    /// A wrong operator key (401, with `tries_left` and `locks_for_ms`).
    pub const WRONG_KEY: &str = "wrong_key";
    /// A drop that breaks [`crate::drop_rules::check_drop`] (422; `subject` names the first
    /// field, `message` says every problem).
    pub const INVALID_DROP: &str = "invalid_drop";
    /// A drop with the id of another (409).
    pub const DROP_EXISTS: &str = "drop_exists";
    /// A change a public drop may not take ([`crate::drop_rules::ChangeRefusal`], 409).
    pub const CHANGE_REFUSED: &str = "change_refused";
    /// A steer the sale cannot take now: a pause of a paused line, a resume of a running one,
    /// an end of an ended sale (409).
    pub const STEER_REFUSED: &str = "steer_refused";
    /// The store already has an operator key and was not asked to replace it (409; the store
    /// server's own call at its start, never a page's).
    pub const OPERATOR_KEY_SET: &str = "operator_key_set";
}

/// Every error a store answers with: an HTTP status, a stable machine code, a sentence for a
/// person, and when to try again where that applies. The facts in `message` are fields too
/// (`retry_after_ms`, `tries_left`, `locks_for_ms`, `subject`), so a page can say the same in its own language.
/// Fields added later default when absent, so older clients and stores still read each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
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
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
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
            || (self.status == 429 && self.code == codes::BUSY)
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
        assert_eq!(error, ApiError::new(401, codes::WRONG_CODE, "No."));
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
}
