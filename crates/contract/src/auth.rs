//! Signing in with a phone number and a code sent by SMS.
use serde::{Deserialize, Serialize};

use crate::Millis;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeRequest {
    pub phone: String,
    /// The shopper's language tag ("zh-CN", "en"): the text message is written in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeSent {
    pub phone: String,
    /// Store time before which another code for this number is refused.
    pub resend_at_ms: Millis,
    pub code_length: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub phone: String,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub phone: String,
}
