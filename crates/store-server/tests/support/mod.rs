//! What the server's tests share: a `dist/`, a server on a loopback port and a shopper's calls.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use store_contract::demo::{ClockChange, Sms};
use store_contract::*;
use store_server::{start, Config, Running};

pub const SALE: &str = "k7-first-drop";
pub const CATALOG: &str = include_str!("../../../../public/catalog.json");
static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A `dist/` as `make build` leaves it, reduced to what the server reads.
pub fn dist_and_data(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("store-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dist = root.join("dist");
    std::fs::create_dir_all(dist.join("public")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        r#"<html><head><meta name="kestrel-store" content="worker" /></head><body></body></html>"#,
    )
    .unwrap();
    std::fs::write(dist.join("public/catalog.json"), CATALOG).unwrap();
    (dist, root.join("data"))
}

/// Removes what [`dist_and_data`] made.
pub fn clean_up(dist: &Path) {
    if let Some(root) = dist.parent() {
        let _ = std::fs::remove_dir_all(root);
    }
}

pub async fn server(dist: &Path, data: &Path, demo: bool) -> Running {
    node(dist, data, demo, None).await
}

/// A server on its own log (`nats` None) or one node of a cluster on NATS: the servers' URLs
/// and the credentials file to connect with.
pub async fn node(
    dist: &Path,
    data: &Path,
    demo: bool,
    nats: Option<(String, PathBuf)>,
) -> Running {
    let (nats, nats_credentials) = nats.unzip();
    start(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: dist.into(),
        data: data.into(),
        demo,
        nats,
        nats_credentials,
        new_operator_key: false,
    })
    .await
    .expect("the server starts")
}

pub struct Shop {
    base: String,
    http: Client<HttpConnector, Full<bytes::Bytes>>,
}

pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The contract's error, checked to be one.
    pub fn error(&self) -> ApiError {
        let error: ApiError = self.json();
        assert_eq!(
            error.status, self.status,
            "the body's status is the answer's"
        );
        error
    }
}

impl Shop {
    pub fn at(running: &Running) -> Shop {
        Shop {
            base: format!("http://{}", running.addr),
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Answer {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if method != "GET" {
            // Every command is a new one: no retries in these tests.
            let key = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            request = request.header("Idempotency-Key", format!("key-{key}"));
        }
        let request = request
            .body(Full::new(body.unwrap_or_default().into()))
            .unwrap();
        let response = self.http.request(request).await.expect("an answer");
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<impl serde::Serialize>,
    ) -> T {
        let answer = self
            .send(
                method,
                path,
                token,
                body.map(|b| serde_json::to_string(&b).unwrap()),
            )
            .await;
        assert_eq!(answer.status, 200, "{method} {path}: {}", answer.body);
        answer.json()
    }

    pub async fn sign_in(&self, phone: &str) -> Session {
        let sent: CodeSent = self
            .call(
                "POST",
                "/api/auth/code",
                None,
                Some(CodeRequest {
                    phone: phone.into(),
                    language: None,
                }),
            )
            .await;
        let inbox: Vec<Sms> = self.call("GET", "/api/dev/inbox", None, None::<()>).await;
        let code: String = inbox
            .iter()
            .rev()
            .find(|m| m.phone == sent.phone)
            .unwrap()
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        let verify = VerifyRequest {
            phone: sent.phone,
            code,
        };
        self.call("POST", "/api/auth/verify", None, Some(verify))
            .await
    }

    pub async fn me(&self, session: &Session) -> ShopperView {
        let path = format!("/api/sales/{SALE}/me");
        self.call("GET", &path, Some(&session.token), None::<()>)
            .await
    }

    pub async fn act(
        &self,
        session: &Session,
        action: &str,
        body: Option<impl serde::Serialize>,
    ) -> ShopperView {
        let path = format!("/api/sales/{SALE}/{action}");
        self.call("POST", &path, Some(&session.token), body).await
    }

    pub async fn jump_to(&self, store_ms: u64) {
        let change = ClockChange {
            jump_to_ms: Some(store_ms),
            speed: None,
        };
        let _: serde_json::Value = self
            .call("POST", "/api/dev/clock", None, Some(change))
            .await;
    }

    /// Polls the shopper's status every 100 ms of real time until `done` says so.
    pub async fn me_until(
        &self,
        session: &Session,
        done: impl Fn(&ShopperView) -> bool,
    ) -> ShopperView {
        for _ in 0..300 {
            let view = self.me(session).await;
            if done(&view) {
                return view;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("not reached in 30 s: {:?}", self.me(session).await);
    }
}

pub fn checkout() -> CheckoutRequest {
    CheckoutRequest {
        variant: 0,
        address: Address {
            name: "Ada".into(),
            line1: "1 Long Street".into(),
            city: "Leeds".into(),
            postcode: "LS1 4AP".into(),
            ..Address::default()
        },
        payment: PaymentMethod::CardApproves,
    }
}
