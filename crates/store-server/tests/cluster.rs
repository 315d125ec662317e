//! Three store nodes on a 3-node NATS JetStream cluster of their own (loopback ports): a
//! command through one node is seen by the others, and a node started late catches up by
//! replaying the stream. Needs Debian's `nats-server` (`make test-native` installs it).
mod support;

use std::time::Duration;

use store_contract::demo::DemoSettings;
use store_contract::*;
use store_server::nats::NatsCluster;
use support::*;

/// Polls a node's view of the shopper every 50 ms until `done` says so: a node answers reads
/// from its own replica, which applies the stream a moment after the node that took a command.
async fn me_on(shop: &Shop, session: &Session, done: impl Fn(&ShopperView) -> bool) -> ShopperView {
    for _ in 0..200 {
        let view = shop.me(session).await;
        if done(&view) {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not seen in 10 s: {:?}", shop.me(session).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_applies_the_same_stream_and_a_late_node_catches_up() {
    let (dist, data) = dist_and_data("cluster");
    let base_port = 21_000 + (std::process::id() % 400) as u16 * 20;
    let nats = NatsCluster::start(&data.join("nats"), base_port).expect("nats-server starts");
    let urls = Some(nats.urls());
    let a = node(&dist, &data.join("a"), true, urls.clone()).await;
    let b = node(&dist, &data.join("b"), true, urls.clone()).await;
    let c = node(&dist, &data.join("c"), true, urls.clone()).await;
    let (on_a, on_b, on_c) = (Shop::at(&a), Shop::at(&b), Shop::at(&c));

    let small = DemoSettings {
        crowd: Some(40),
        stock: Some(100),
        ..DemoSettings::default()
    };
    let _: serde_json::Value = on_a.call("POST", "/api/dev/reset", None, Some(small)).await;
    let session = on_a.sign_in("+447700900401").await;
    // Registered through b, with the session a's store created: one store, three replicas.
    let registered = on_b.act(&session, "registration", None::<()>).await;
    let number = registered.registration_number;
    assert!(number.is_some(), "{registered:?}");
    let seen = me_on(&on_c, &session, |v| v.registration_number.is_some()).await;
    assert_eq!(seen.registration_number, number);
    assert_eq!(on_a.me(&session).await.registration_number, number);

    // Another shopper through c takes the next number on every replica.
    let other = on_c.sign_in("+447700900402").await;
    let second = on_c.act(&other, "registration", None::<()>).await;
    assert_ne!(second.registration_number, number);

    // A node started now replays the stream and lands on the same store.
    let late = node(&dist, &data.join("late"), true, urls.clone()).await;
    let on_late = Shop::at(&late);
    assert_eq!(on_late.me(&session).await.registration_number, number);
    assert_eq!(
        on_late.me(&other).await.registration_number,
        second.registration_number
    );

    // A node that was not started with --demo may not join a demo store's stream.
    let refused = store_server::start(store_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: dist.clone(),
        data: data.join("x"),
        demo: false,
        nats: urls,
    })
    .await;
    assert!(refused.is_err());

    for running in [a, b, c, late] {
        running.stop().await;
    }
    drop(nats);
    clean_up(&dist);
}
