//! A single node moves its store on between calls, at the store's own moments: a card's
//! answer turns a payment into an order with no call from anyone.
mod support;

use std::time::{Duration, Instant};

use store_contract::demo::DemoSettings;
use store_contract::*;
use support::*;

/// The value of `flashsale_<name>{sale="<SALE>"}` in a `/metrics` text.
fn figure(text: &str, name: &str) -> Option<i64> {
    let prefix = format!("flashsale_{name}{{sale=\"{SALE}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn a_payment_settles_into_an_order_at_its_moment_without_a_call() {
    let (dist, data) = dist_and_data("driver");
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    let quiet = DemoSettings {
        crowd: Some(0),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = shop.call("POST", "/api/dev/reset", None, Some(quiet)).await;
    let session = shop.sign_in("+447700900321").await;
    shop.act(&session, "registration", None::<()>).await;
    let detail: SaleDetail = shop
        .call("GET", &format!("/api/sales/{SALE}"), None, None::<()>)
        .await;
    shop.jump_to(detail.summary.registration_closes + 1_000)
        .await;
    let preference = Preference {
        variant: 0,
        accept_other_variant: true,
    };
    shop.act(&session, "queue", Some(preference)).await;
    shop.jump_to(detail.summary.starts_at + 100).await;
    shop.me_until(&session, |v| {
        matches!(v.status, ShopperStatus::Holding { .. })
    })
    .await;

    // The approving card answers 2 s after the checkout. From here on, only /metrics is read,
    // and it shows the store as it stands without moving it.
    let paying = shop.act(&session, "checkout", Some(checkout())).await;
    assert!(paying.payment.is_some(), "{paying:?}");
    let paid = Instant::now();
    loop {
        let text = shop.send("GET", "/metrics", None, None).await.body;
        if figure(&text, "orders") == Some(1) {
            break;
        }
        assert_eq!(figure(&text, "orders"), Some(0), "{text}");
        assert!(
            paid.elapsed() < Duration::from_secs(5),
            "no order 5 s after a checkout whose card answers in 2 s: {text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        paid.elapsed() >= Duration::from_millis(1_900),
        "an order before the card answered ({:?})",
        paid.elapsed()
    );
    running.stop().await;
    clean_up(&dist);
}
