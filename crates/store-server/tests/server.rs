//! The server over real HTTP on a loopback port: a shopper's journey survives a restart, and
//! bad requests get the contract's error shape and a 4xx.
mod support;

use store_contract::demo::DemoSettings;
use store_contract::*;
use support::*;

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
    clean_up(&dist);
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
    assert_eq!(malformed.error().code, ErrorCode::BadRequest);

    let oversized = shop
        .send(
            "POST",
            "/api/auth/code",
            None,
            Some("x".repeat(store_server::http::MAX_BODY_BYTES + 1)),
        )
        .await;
    assert_eq!(oversized.status, 413);
    assert_eq!(oversized.error().code, ErrorCode::BadRequest);

    let unknown = shop.send("GET", "/api/nowhere", None, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error().code, ErrorCode::NotFound);

    let me = format!("/api/sales/{SALE}/me");
    for token in [None, Some("0123456789abcdef0123456789abcdef")] {
        let refused = shop.send("GET", &me, token, None).await;
        assert_eq!(refused.status, 401, "token {token:?}: {}", refused.body);
        assert_eq!(refused.error().code, ErrorCode::SignIn);
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
    clean_up(&dist);
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
    clean_up(&dist);
}

#[tokio::test]
async fn metrics_count_a_registration_in_the_prometheus_text_format() {
    let (dist, data) = dist_and_data("metrics");
    let running = server(&dist, &data, true).await;
    let shop = Shop::at(&running);
    let quiet = DemoSettings {
        crowd: Some(0),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = shop.call("POST", "/api/dev/reset", None, Some(quiet)).await;
    let registered = |text: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("flashsale_registrations{{sale=\"{SALE}\"}}")))
            .map(|l| l.rsplit(' ').next().unwrap().to_string())
    };
    let before = shop.send("GET", "/metrics", None, None).await;
    assert_eq!(before.status, 200);
    assert_eq!(
        registered(&before.body).as_deref(),
        Some("0"),
        "{}",
        before.body
    );

    let session = shop.sign_in("+447700900311").await;
    shop.act(&session, "registration", None::<()>).await;
    let after = shop.send("GET", "/metrics", None, None).await.body;
    assert_eq!(registered(&after).as_deref(), Some("1"), "{after}");
    assert!(
        after.contains("# TYPE flashsale_variant_stock gauge"),
        "{after}"
    );
    assert!(
        after.contains(&format!(
            "flashsale_phase{{sale=\"{SALE}\",phase=\"RegistrationOpen\"}} 1"
        )),
        "{after}"
    );
    running.stop().await;
    clean_up(&dist);
}
