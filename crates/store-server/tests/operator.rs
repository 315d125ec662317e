//! The operator over real HTTP: the key made at the first start signs in, the log never holds
//! it, and a drop made before a snapshot and a pause logged after it are both there after a
//! restart.
mod support;

use store_contract::demo::DemoSettings;
use store_contract::operator::*;
use store_contract::*;
use support::*;

const DROP: &str = "k8-drop";

fn drop_from(now: Millis) -> Drop {
    Drop {
        id: DROP.into(),
        product: "Kestrel K8".into(),
        product_zh_cn: "Kestrel K8 手机".into(),
        tagline: "The next one.".into(),
        tagline_zh_cn: "下一部。".into(),
        description: "A phone.".into(),
        description_zh_cn: "一部手机。".into(),
        image: "/public/img/k7.svg".into(),
        currency: "CNY".into(),
        variants: vec![DropVariant {
            id: "k8-black".into(),
            name: "Black".into(),
            name_zh_cn: "黑色".into(),
            colour: "#101010".into(),
            stock: 5,
            price_cents: 199_900,
        }],
        registration_opens: now + 1_000,
        registration_closes: now + 60_000,
        starts_at: now + 120_000,
        ends_at: now + 3_600_000,
        hold_seconds: 180,
        hold_extension_seconds: None,
        per_account_limit: 1,
        admission_per_second: 5,
    }
}

async fn operator(shop: &Shop, key: &str) -> String {
    let key = OperatorKey { key: key.into() };
    let session: OperatorSession = shop
        .call("POST", "/api/operator/session", None, Some(key))
        .await;
    session.token
}

fn log_text(data: &std::path::Path) -> String {
    std::fs::read_dir(data)
        .unwrap()
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}

#[tokio::test]
async fn a_drop_and_its_pause_survive_a_restart_and_the_key_is_never_logged() {
    let (dist, data) = dist_and_data("operator");
    let running = server(&dist, &data, true).await;
    let key = running
        .operator_key
        .clone()
        .expect("a key at the first start");
    let shop = Shop::at(&running);
    let quiet = DemoSettings {
        crowd: Some(0),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = shop.call("POST", "/api/dev/reset", None, Some(quiet)).await;
    let token = operator(&shop, &key).await;
    let time: StoreTime = shop.call("GET", "/api/time", None, None::<()>).await;
    let drop = drop_from(time.now_ms);
    let _: DropRow = shop
        .call("POST", "/api/operator/sales", Some(&token), Some(&drop))
        .await;
    // The drop is in the snapshot; the pause only in the log after it.
    let _: serde_json::Value = shop
        .call("GET", "/api/dev/snapshot", None, None::<()>)
        .await;
    shop.jump_to(drop.registration_opens).await;
    let steer = format!("/api/operator/sales/{DROP}/steer");
    let paused: LiveSale = shop
        .call("POST", &steer, Some(&token), Some(Steer::Pause))
        .await;
    assert!(paused.news.paused_since.is_some());
    assert_eq!(paused.nodes.len(), 1, "the answering node's figures");
    assert!(
        !log_text(&data).contains(&key),
        "the log holds the key's hash only"
    );

    running.stop().await;
    let running = server(&dist, &data, true).await;
    assert_eq!(
        running.operator_key, None,
        "the key made at the first start stays"
    );
    let shop = Shop::at(&running);
    let token = operator(&shop, &key).await;
    let live: LiveSale = shop
        .call(
            "GET",
            &format!("/api/operator/sales/{DROP}/live"),
            Some(&token),
            None::<()>,
        )
        .await;
    assert!(live.news.paused_since.is_some(), "{live:?}");
    assert_eq!(
        live.actions
            .iter()
            .map(|a| a.action.as_str())
            .collect::<Vec<_>>(),
        ["pause"]
    );
    let shown: SaleDetail = shop
        .call("GET", &format!("/api/sales/{DROP}"), None, None::<()>)
        .await;
    assert_eq!(shown.summary.product, "Kestrel K8");
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn the_key_is_set_only_by_the_server_itself() {
    let (dist, data) = dist_and_data("operator-key");
    let running = server(&dist, &data, false).await;
    let shop = Shop::at(&running);
    let set = serde_json::json!({"key_sha256": "0".repeat(64), "replace": true});
    let refused = shop
        .send("PUT", "/api/operator/key", None, Some(set.to_string()))
        .await;
    assert_eq!(refused.status, 404);
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn a_hash_in_place_of_the_key_signs_nobody_in() {
    let (dist, data) = dist_and_data("operator-hash");
    let running = server(&dist, &data, false).await;
    let key = running.operator_key.clone().unwrap();
    let shop = Shop::at(&running);
    let hash = sale_store::operator::key_sha256(&key);
    let body = serde_json::json!({ "key_sha256": hash }).to_string();
    let refused = shop
        .send("POST", "/api/operator/session", None, Some(body))
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn the_orders_csv_is_served_as_csv() {
    let (dist, data) = dist_and_data("operator-csv");
    let running = server(&dist, &data, false).await;
    let key = running.operator_key.clone().unwrap();
    let shop = Shop::at(&running);
    let token = operator(&shop, &key).await;
    let path = format!("/api/operator/sales/{SALE}/orders.csv");
    let answer = shop.send("GET", &path, Some(&token), None).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.starts_with("number,variant,price"),
        "{}",
        answer.body
    );
    running.stop().await;
    clean_up(&dist);
}

/// `/metrics` carries the steering an operator's Grafana charts: a pause shows as
/// `flashsale_paused 1` and a new rate as the admission rate, each for its sale only.
#[tokio::test]
async fn metrics_show_a_pause_and_a_new_admission_rate() {
    let (dist, data) = dist_and_data("operator-metrics");
    let running = server(&dist, &data, true).await;
    let key = running.operator_key.clone().expect("a key");
    let shop = Shop::at(&running);
    let quiet = DemoSettings {
        crowd: Some(0),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = shop.call("POST", "/api/dev/reset", None, Some(quiet)).await;
    let token = operator(&shop, &key).await;
    let time: StoreTime = shop.call("GET", "/api/time", None, None::<()>).await;
    let drop = drop_from(time.now_ms);
    let _: DropRow = shop
        .call("POST", "/api/operator/sales", Some(&token), Some(&drop))
        .await;
    let figure = |text: &str, name: &str| {
        let prefix = format!("flashsale_{name}{{sale=\"{DROP}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(str::to_string)
    };
    let before = shop.send("GET", "/metrics", None, None).await.body;
    assert_eq!(figure(&before, "paused").as_deref(), Some("0"), "{before}");
    assert_eq!(
        figure(&before, "admission_per_second").as_deref(),
        Some("5"),
        "{before}"
    );

    shop.jump_to(drop.registration_opens).await;
    let steer = format!("/api/operator/sales/{DROP}/steer");
    let _: LiveSale = shop
        .call("POST", &steer, Some(&token), Some(Steer::Pause))
        .await;
    let rate = Steer::Rate { per_second: 40 };
    let _: LiveSale = shop.call("POST", &steer, Some(&token), Some(rate)).await;
    let after = shop.send("GET", "/metrics", None, None).await.body;
    assert_eq!(figure(&after, "paused").as_deref(), Some("1"), "{after}");
    assert_eq!(
        figure(&after, "admission_per_second").as_deref(),
        Some("40"),
        "{after}"
    );
    let catalog_paused = format!("flashsale_paused{{sale=\"{SALE}\"}} 0");
    assert!(after.contains(&catalog_paused), "{after}");
    running.stop().await;
    clean_up(&dist);
}
