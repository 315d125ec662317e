//! Idempotency keys: a retried call gets the first answer, the same key with another request
//! is refused, and answers are kept compactly (a shopper's view as postcard bytes, a sign-in
//! as the draw that made its token) for the life of their sale plus a day.
use sha2::{Digest, Sha256};
use store_contract::*;

use crate::answer::{json, Kept};
use crate::persistence::{ReplyBody, ReplyKey, StoredReply, MAX_KEY_CHARS, REPLY_WINDOW_MS};
use crate::routes::{OperatorCall, Route};
use crate::sign_in::{token_hash, TokenHash};
use crate::store::Store;
use sale_engine::Millis;

/// The session a sign-in's answer hands out.
fn session_of(body: &str) -> Option<TokenHash> {
    let session: Session = serde_json::from_str(body).ok()?;
    Some(token_hash(&session.token))
}

/// Where a call's answer is kept: the account (none before sign-in) and the key.
fn reply_key(account: Option<u32>, operator: bool, key: &str) -> ReplyKey {
    let mut hasher = Sha256::new();
    match account {
        // The operator's keys have a space of their own.
        _ if operator => hasher.update([2]),
        Some(account) => {
            hasher.update([1]);
            hasher.update(account.to_be_bytes());
        }
        None => hasher.update([0]),
    }
    hasher.update(key.as_bytes());
    hasher.finalize()[..16].try_into().expect("16 bytes")
}

/// The request a key was first used for: its method, path and body.
fn fingerprint(request: &StoreRequest) -> u64 {
    let mut hasher = Sha256::new();
    for part in [
        request.method.as_str(),
        &request.path,
        request.body.as_deref().unwrap_or_default(),
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    u64::from_be_bytes(hasher.finalize()[..8].try_into().expect("8 bytes"))
}

/// A shopper's view as postcard keeps it. Postcard writes no field names, so it cannot skip
/// a field as the contract's JSON does (a quiet `news`, no `poll_after_ms`): every field is
/// written here, and the news, rare and nested, as its JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptView {
    sale_id: String,
    status: ShopperStatus,
    registration_number: Option<u32>,
    ticket: Option<u32>,
    payment: Option<PaymentView>,
    order: Option<OrderView>,
    poll_after_ms: Option<u64>,
    news: Option<String>,
}

fn view_bytes(view: ShopperView) -> Box<[u8]> {
    let kept = KeptView {
        news: (!view.news.is_quiet())
            .then(|| serde_json::to_string(&view.news).expect("news serialises")),
        sale_id: view.sale_id,
        status: view.status,
        registration_number: view.registration_number,
        ticket: view.ticket,
        payment: view.payment,
        order: view.order,
        poll_after_ms: view.poll_after_ms,
    };
    postcard::to_allocvec(&kept)
        .expect("views serialise")
        .into()
}

fn view_from(bytes: &[u8]) -> ShopperView {
    let kept: KeptView = postcard::from_bytes(bytes).expect("a view the store kept");
    ShopperView {
        sale_id: kept.sale_id,
        status: kept.status,
        registration_number: kept.registration_number,
        ticket: kept.ticket,
        payment: kept.payment,
        order: kept.order,
        poll_after_ms: kept.poll_after_ms,
        news: kept
            .news
            .and_then(|news| serde_json::from_str(&news).ok())
            .unwrap_or_default(),
    }
}

impl Store {
    /// What the idempotency key of `request` says: answer as before, keep this call's answer,
    /// or (without a key, or on a read) nothing. A key longer than the store keeps, or one
    /// already used for another request, is refused.
    pub(crate) fn kept_reply(
        &self,
        request: &StoreRequest,
        session: Option<TokenHash>,
        now: Millis,
    ) -> Result<Kept, ApiError> {
        let Some(key) = request.idempotency_key.as_deref() else {
            return Ok(Kept::Nothing);
        };
        let length = key.chars().count();
        if length > MAX_KEY_CHARS {
            return Err(ApiError::new(
                400,
                ErrorCode::BadRequest,
                format!("The Idempotency-Key is {length} characters long; the store takes keys of at most {MAX_KEY_CHARS}."),
            ));
        }
        if !request.method.changes_state() {
            return Ok(Kept::Nothing);
        }
        let account = self.saved.sign_in.account_of(session).ok();
        let operator = self.saved.operator.is_operator(session);
        let reply_key = reply_key(account, operator, key);
        let fingerprint = fingerprint(request);
        match self.saved.replies.get(&reply_key, now) {
            None => Ok(Kept::Keep(reply_key, fingerprint)),
            Some(reply) if reply.request != fingerprint => Err(ApiError::new(
                422,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for another request: send this one with a new key.",
            )),
            Some(reply) => Ok(Kept::Answer(StoreResponse {
                status: reply.status,
                retry_after_ms: None,
                body: match &reply.body {
                    ReplyBody::Text(text) => text.to_string(),
                    ReplyBody::View(bytes) => {
                        json(&view_from(bytes)).expect("views serialise")
                    }
                    ReplyBody::Session { drawn, account } => json(&Session {
                        token: self.saved.random.token(*drawn),
                        phone: self.saved.sign_in.phone(*account),
                    })
                    .expect("sessions serialise"),
                    ReplyBody::OperatorSession { drawn } => json(&operator::OperatorSession {
                        token: self.saved.random.operator_token(*drawn),
                    })
                    .expect("sessions serialise"),
                },
            })),
        }
    }

    /// Until when an answer is kept: a day past the end of the sale it is about, or a day past
    /// now for a call outside any sale.
    fn reply_window_end(&self, route: Option<&Route>, now: Millis) -> Millis {
        let sale_end = match route {
            Some(Route::Shopper(id, _)) => self
                .worlds
                .iter()
                .find(|w| w.id() == id)
                .map(|w| w.sale.config().ends_at),
            _ => None,
        };
        sale_end.unwrap_or(now).max(now) + REPLY_WINDOW_MS
    }

    /// Keeps the answer `(status, body)` under `key` until a day past its sale's end.
    pub(crate) fn keep_reply(
        &mut self,
        key: ReplyKey,
        fingerprint: u64,
        route: Option<&Route>,
        (status, body): (u16, &str),
        now: Millis,
    ) {
        let body = match route {
            Some(Route::Verify) if status == 200 => {
                let account = self
                    .saved
                    .sign_in
                    .account_of(session_of(body))
                    .expect("just signed in");
                ReplyBody::Session {
                    drawn: self.saved.sign_in.drawn(),
                    account,
                }
            }
            Some(Route::Operator(OperatorCall::Session)) if status == 200 => {
                ReplyBody::OperatorSession {
                    drawn: self.saved.operator.drawn(),
                }
            }
            Some(Route::Shopper(..)) if status == 200 => {
                let view: ShopperView = serde_json::from_str(body).expect("the store's own answer");
                ReplyBody::View(view_bytes(view))
            }
            _ => ReplyBody::Text(body.into()),
        };
        let reply = StoredReply {
            request: fingerprint,
            status,
            body,
            kept_until_s: StoredReply::seconds(self.reply_window_end(route, now)),
        };
        self.saved.replies.remember(key, reply, now);
    }
}
