//! The server over real HTTP on a loopback port: a shopper's journey survives a restart, and
//! bad requests get the contract's error shape and a 4xx.
use std::path::{Path, PathBuf};

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use store_contract::demo::{ClockChange, DemoSettings, Sms};
use store_contract::*;
use store_server::{start, Config, Running};

const SALE: &str = "k7-first-drop";
const CATALOG: &str = include_str!("../../../public/catalog.json");
static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A `dist/` as `make build` leaves it, reduced to what the server reads.
fn dist_and_data(name: &str) -> (PathBuf, PathBuf) {
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

async fn server(dist: &Path, data: &Path, demo: bool) -> Running {
    start(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: dist.into(),
        data: data.into(),
        demo,
    })
    .await
    .expect("the server starts")
}

struct Shop {
    base: String,
    http: Client<HttpConnector, Full<bytes::Bytes>>,
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The contract's error, checked to be one.
    fn error(&self) -> ApiError {
        let error: ApiError = self.json();
        assert_eq!(
            error.status, self.status,
            "the body's status is the answer's"
        );
        error
    }
}

impl Shop {
    fn at(running: &Running) -> Shop {
        Shop {
            base: format!("http://{}", running.addr),
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    async fn send(
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

    async fn call<T: serde::de::DeserializeOwned>(
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

    async fn sign_in(&self, phone: &str) -> Session {
        let sent: CodeSent = self
            .call(
                "POST",
                "/api/auth/code",
                None,
                Some(CodeRequest {
                    phone: phone.into(),
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

    async fn me(&self, session: &Session) -> ShopperView {
        let path = format!("/api/sales/{SALE}/me");
        self.call("GET", &path, Some(&session.token), None::<()>)
            .await
    }

    async fn act(
        &self,
        session: &Session,
        action: &str,
        body: Option<impl serde::Serialize>,
    ) -> ShopperView {
        let path = format!("/api/sales/{SALE}/{action}");
        self.call("POST", &path, Some(&session.token), body).await
    }

    async fn jump_to(&self, store_ms: u64) {
        let change = ClockChange {
            jump_to_ms: Some(store_ms),
            speed: None,
        };
        let _: serde_json::Value = self
            .call("POST", "/api/dev/clock", None, Some(change))
            .await;
    }

    /// Polls the shopper's status every 100 ms of real time until `done` says so.
    async fn me_until(
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

fn checkout() -> CheckoutRequest {
    CheckoutRequest {
        variant: 0,
        address: Address {
            name: "Ada".into(),
            line1: "1 Long Street".into(),
            city: "Leeds".into(),
            postcode: "LS1 4AP".into(),
        },
        payment: PaymentMethod::CardApproves,
    }
}

#[tokio::test]
async fn a_restarted_server_replays_its_log_and_the_shopper_is_where_they_were() {
    let (dist, data) = dist_and_data("restart");
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    let small = DemoSettings {
        crowd: Some(40),
        stock: Some(100),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = shop.call("POST", "/api/dev/reset", None, Some(small)).await;
    let session = shop.sign_in("+447700900301").await;
    let registered = shop.act(&session, "registration", None::<()>).await;
    assert!(registered.registration_number.is_some());
    let detail: SaleDetail = shop
        .call("GET", &format!("/api/sales/{SALE}"), None, None::<()>)
        .await;
    shop.jump_to(detail.summary.registration_closes + 1_000)
        .await;
    let preference = Preference {
        variant: 0,
        accept_other_variant: true,
    };
    let in_line = shop.act(&session, "queue", Some(preference)).await;
    assert!(
        matches!(in_line.status, ShopperStatus::PreQueue { .. }),
        "{in_line:?}"
    );

    // Restart while in line: the place comes back.
    running.stop().await;
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    let after = shop.me(&session).await;
    assert_eq!(after.ticket, in_line.ticket);
    assert_eq!(after.registration_number, registered.registration_number);
    assert!(
        matches!(after.status, ShopperStatus::PreQueue { .. }),
        "{after:?}"
    );

    shop.jump_to(detail.summary.starts_at + 100).await;
    let holding = shop
        .me_until(&session, |v| {
            matches!(v.status, ShopperStatus::Holding { .. })
        })
        .await;

    // Restart while holding: the hold comes back.
    running.stop().await;
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    assert_eq!(shop.me(&session).await.status, holding.status);

    let paying = shop.act(&session, "checkout", Some(checkout())).await;
    assert!(paying.payment.is_some(), "{paying:?}");
    let ordered = shop.me_until(&session, |v| v.order.is_some()).await;

    // Restart after the order: it is still there, in the sale and in the shopper's orders.
    running.stop().await;
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    assert_eq!(shop.me(&session).await.order, ordered.order);
    let orders: Vec<OrderView> = shop
        .call("GET", "/api/orders", Some(&session.token), None::<()>)
        .await;
    assert_eq!(Some(&orders[0]), ordered.order.as_ref());
    running.stop().await;
}

#[tokio::test]
async fn bad_requests_get_the_contracts_error_and_a_4xx() {
    let (dist, data) = dist_and_data("bad");
    let running = server(&dist, &data, false).await;
    let shop = Shop::at(&running);

    let malformed = shop
        .send("POST", "/api/auth/code", None, Some("{not json".into()))
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.error().code, codes::BAD_REQUEST);

    let oversized = shop
        .send(
            "POST",
            "/api/auth/code",
            None,
            Some("x".repeat(store_server::http::MAX_BODY_BYTES + 1)),
        )
        .await;
    assert_eq!(oversized.status, 413);
    assert_eq!(oversized.error().code, codes::BAD_REQUEST);

    let unknown = shop.send("GET", "/api/nowhere", None, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error().code, codes::NOT_FOUND);

    let me = format!("/api/sales/{SALE}/me");
    for token in [None, Some("0123456789abcdef0123456789abcdef")] {
        let refused = shop.send("GET", &me, token, None).await;
        assert_eq!(refused.status, 401, "token {token:?}: {}", refused.body);
        assert_eq!(refused.error().code, codes::SIGN_IN);
    }

    let patch = shop.send("PATCH", "/api/auth/code", None, None).await;
    assert_eq!(patch.status, 405);
    patch.error();

    let demo_only = shop.send("GET", "/api/dev/inbox", None, None).await;
    assert_eq!(demo_only.status, 404, "no demo controls without --demo");
    demo_only.error();

    // The store still answers after all that.
    let time = shop.send("GET", "/api/time", None, None).await;
    assert_eq!(time.status, 200);
    let time: StoreTime = time.json();
    assert!(
        time.now_ms > 1_700_000_000_000,
        "real time: {}",
        time.now_ms
    );
    running.stop().await;
}

#[tokio::test]
async fn the_page_is_served_for_every_app_route_and_says_its_store_is_the_server() {
    let (dist, data) = dist_and_data("page");
    let running = server(&dist, &data, false).await;
    let shop = Shop::at(&running);
    for path in ["/", "/index.html", "/sale/k7-first-drop"] {
        let page = shop.send("GET", path, None, None).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body
                .contains(r#"<meta name="kestrel-store" content="server" />"#),
            "{path}: {}",
            page.body
        );
    }
    let catalog = shop.send("GET", "/public/catalog.json", None, None).await;
    assert_eq!(catalog.body, CATALOG);
    assert_eq!(
        shop.send("GET", "/public/missing.json", None, None)
            .await
            .status,
        404
    );
    assert_eq!(
        shop.send("GET", "/../Cargo.toml", None, None).await.status,
        404
    );
    running.stop().await;
}
