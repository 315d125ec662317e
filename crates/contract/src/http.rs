//! The HTTP shape of a call, as both ends see it: the app's fetch client builds a
//! [`StoreRequest`] into a real request, and a store answers one with a [`StoreResponse`].
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// Whether sending it twice may act twice (such calls carry an idempotency key).
    pub fn changes_state(self) -> bool {
        self != Method::Get
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Reads an HTTP method name; `None` for one the contract does not use.
    pub fn parse(name: &str) -> Option<Method> {
        [Method::Get, Method::Post, Method::Put, Method::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// One request, reduced to what the contract reads from it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreRequest {
    pub method: Method,
    /// The path and query, e.g. `/api/sales/k7-first-drop/me`.
    pub path: String,
    /// The token from `Authorization: Bearer …`.
    pub bearer: Option<String>,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// JSON text: only what a network could carry crosses.
    pub body: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoreResponse {
    pub status: u16,
    /// Sent as `Retry-After`, rounded up to whole seconds.
    pub retry_after_ms: Option<u64>,
    /// JSON text.
    pub body: String,
}

impl StoreResponse {
    /// The `Retry-After` header's value: whole seconds, rounded up.
    pub fn retry_after_header(&self) -> Option<String> {
        self.retry_after_ms.map(|ms| ms.div_ceil(1_000).to_string())
    }

    /// The `Content-Type` of this answer to a request for `path`: JSON, but for a path the
    /// contract names with `.csv` (the operator's orders), whose answer is CSV when it is
    /// not an error. The path decides, so the answer's shape stays as every store builds it.
    pub fn content_type(&self, path: &str) -> &'static str {
        let path = path.split('?').next().unwrap_or_default();
        if self.status == 200 && path.ends_with(".csv") {
            "text/csv; charset=utf-8"
        } else {
            "application/json"
        }
    }
}
