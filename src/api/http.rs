//! The wire between the client and a store, shaped like HTTP so that a real backend can sit
//! behind the same [`Transport`] as the in-browser mock.
use std::{future::Future, pin::Pin};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub path: String,
    pub bearer: Option<String>,
    pub idempotency_key: Option<String>,
    /// JSON text: only what a network could carry crosses.
    pub body: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub retry_after_ms: Option<u64>,
    pub body: String,
}

/// Why no response came back at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportError {
    Timeout,
}

pub type Reply = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>>>>;

pub trait Transport {
    fn send(&self, request: HttpRequest) -> Reply;
}
