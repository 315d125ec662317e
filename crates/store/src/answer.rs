//! What every call's answer is made of: JSON in, JSON out, and the shape of a refusal.
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use store_contract::{ApiError, ErrorCode, StoreRequest, StoreResponse};

use crate::persistence::ReplyKey;

/// What a call's idempotency key decides before the call is answered.
pub(crate) enum Kept {
    /// The key's earlier answer, for a retry.
    Answer(StoreResponse),
    /// A first use of the key: keep the answer under it, with the request's fingerprint.
    Keep(ReplyKey, u64),
    Nothing,
}

pub(crate) fn refused(error: ApiError) -> StoreResponse {
    StoreResponse {
        status: error.status,
        retry_after_ms: error.retry_after_ms,
        body: serde_json::to_string(&error).expect("errors serialise"),
    }
}

pub(crate) type Answer = Result<String, ApiError>;

pub(crate) fn json<T: Serialize>(value: &T) -> Answer {
    Ok(serde_json::to_string(value).expect("contract types serialise"))
}

pub(crate) fn body<T: DeserializeOwned>(request: &StoreRequest) -> Result<T, ApiError> {
    let text = request.body.as_deref().unwrap_or("null");
    serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            400,
            ErrorCode::BadRequest,
            format!("The request could not be read: {e}."),
        )
    })
}

/// The first 64 bits of sha256: the engine's keys are numbers, the contract's are strings.
pub(crate) fn hash64(text: &str) -> u64 {
    u64::from_be_bytes(
        Sha256::digest(text.as_bytes())[..8]
            .try_into()
            .expect("8 bytes"),
    )
}
