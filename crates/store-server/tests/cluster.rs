//! Three store nodes on a 3-node NATS JetStream cluster of their own (loopback ports): a
//! command through one node is seen by the others, and a node started late catches up by
//! replaying the stream; the nats-servers take no client and no route without the cluster's
//! credentials, and a store node without them does not start. Needs Debian's `nats-server`
//! (`make test-native` installs it).
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use store_contract::demo::DemoSettings;
use store_contract::*;
use store_server::nats::{Credentials, NatsCluster};
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
    let urls = Some((nats.urls(), nats.credentials().to_path_buf()));
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
        nats: Some(nats.urls()),
        nats_credentials: Some(nats.credentials().into()),
    })
    .await;
    match refused {
        Err(why) => assert!(why.contains("--demo"), "{why}"),
        Ok(_) => panic!("a node without --demo joined a demo store"),
    }

    for running in [a, b, c, late] {
        running.stop().await;
    }
    drop(nats);
    clean_up(&dist);
}

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs the store-server binary with `args` to its end (every run here is one that stops).
fn store_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_store-server"))
        .args(args)
        .output()
        .expect("store-server runs")
}

fn is_refused(connected: Result<async_nats::Client, async_nats::ConnectError>) -> bool {
    matches!(
        connected.map(|_| ()).map_err(|e| e.kind()),
        Err(async_nats::ConnectErrorKind::AuthorizationViolation)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nats_servers_take_only_clients_and_routes_with_the_credentials() {
    let (dist, data) = dist_and_data("nats-auth");
    // Beside the other test's cluster: clients on base + 3..5, routes on base + 13..15.
    let base_port = 21_000 + (std::process::id() % 400) as u16 * 20 + 3;
    let dir = data.join("nats");
    let mut nats = NatsCluster::start(&dir, base_port).expect("nats-server starts");
    let urls = nats.urls();
    let credentials = nats.credentials().to_path_buf();
    let password = Credentials::read(&credentials).unwrap().password;
    assert!(password.len() >= 32, "{password}");

    // Only the owner reads the passwords, and no process's arguments show them.
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&credentials), 0o600);
    for i in 0..3 {
        assert_eq!(mode(&dir.join(format!("n{i}.conf"))), 0o600);
    }
    for pid in nats.pids() {
        let arguments = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        assert!(!String::from_utf8_lossy(&arguments).contains(&password));
    }

    // No password, a wrong one, or a client on the routes' port: refused.
    let servers: Vec<&str> = urls.split(',').collect();
    assert!(is_refused(async_nats::connect(servers.as_slice()).await));
    let wrong = async_nats::ConnectOptions::with_user_and_password("store".into(), "x".repeat(64));
    assert!(is_refused(wrong.connect(servers.as_slice()).await));
    let route = format!("nats://127.0.0.1:{}", base_port + 10);
    assert!(is_refused(async_nats::connect(&route).await));
    let with_credentials = store_server::nats::connect(&urls, &credentials).await;
    assert!(with_credentials.is_ok());

    // A restarted node takes the same credentials.
    nats.restart(0).expect("nats-server n0 starts again");
    let first = format!("nats://127.0.0.1:{base_port}");
    assert!(is_refused(async_nats::connect(&first).await));
    let again = store_server::nats::connect(&first, &credentials).await;
    assert!(again.is_ok());

    // A store node with wrong credentials, or none, stops at once and says what to fix.
    let wrong_file = data.join("wrong.json");
    Credentials::generate("store")
        .unwrap()
        .write(&wrong_file)
        .unwrap();
    let dist_arg = dist.display().to_string();
    let data_arg = data.join("node").display().to_string();
    let wrong_arg = wrong_file.display().to_string();
    let node = ["--dist", &dist_arg, "--data", &data_arg, "--nats", &urls];
    let with_wrong = store_server(&[&node[..], &["--nats-credentials", &wrong_arg]].concat());
    let said = String::from_utf8_lossy(&with_wrong.stderr);
    assert_eq!(with_wrong.status.code(), Some(1), "{said}");
    assert!(said.contains("refused the user \"store\""), "{said}");
    assert!(said.contains("--nats-credentials"), "{said}");

    let without = store_server(&node);
    let said = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(2), "{said}");
    assert!(said.contains("--nats-credentials <FILE>"), "{said}");

    let missing = data.join("missing.json").display().to_string();
    let unreadable = store_server(&[&node[..], &["--nats-credentials", &missing]].concat());
    let said = String::from_utf8_lossy(&unreadable.stderr);
    assert_eq!(unreadable.status.code(), Some(1), "{said}");
    assert!(said.contains("cannot read the NATS credentials"), "{said}");

    let refused = store_server::start(store_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: dist.clone(),
        data: data.join("node"),
        demo: true,
        nats: Some(urls.clone()),
        nats_credentials: None,
    })
    .await;
    match refused {
        Err(why) => assert!(why.contains("--nats-credentials FILE"), "{why}"),
        Ok(_) => panic!("a cluster node started without credentials"),
    }

    drop(nats);
    clean_up(&dist);
}

#[test]
fn an_unknown_flag_is_an_error_with_the_usage() {
    let run = store_server(&["--demo", "--nats-url", "nats://127.0.0.1:4222"]);
    let said = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{said}");
    assert!(said.contains("unexpected argument '--nats-url'"), "{said}");
    assert!(said.contains("Usage: store-server"), "{said}");
}
