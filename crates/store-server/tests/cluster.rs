//! Three store nodes on a 3-node NATS JetStream cluster of their own (loopback ports): a
//! command through one node is seen by the others, and a node started late catches up by
//! replaying the stream; the nats-servers take no client and no route without the cluster's
//! credentials, and a store node without them does not start; store nodes keep answering
//! commands through the `kill -9` of any one nats-server or store node. Needs Debian's
//! `nats-server` (`make test-native` installs it).
mod support;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use store_contract::demo::DemoSettings;
use store_contract::*;
use store_server::cluster::replication::{Published, ANSWER_WITHIN};
use store_server::cluster::snapshots::BUCKET;
use store_server::cluster::STREAM;
use store_server::nats::{Credentials, NatsCluster};
use store_server::replica::Entry;
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
        new_operator_key: false,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_starts_from_the_newest_snapshot_and_reads_only_the_stream_after_it() {
    let (dist, data) = dist_and_data("cluster-snapshot");
    // Above the other tests' clusters (21,000-28,999) and below the ephemeral ports.
    let base_port = 29_000 + (std::process::id() % 150) as u16 * 20;
    let nats = NatsCluster::start(&data.join("nats"), base_port).expect("nats-server starts");
    let urls = Some((nats.urls(), nats.credentials().to_path_buf()));
    let a = node(&dist, &data.join("a"), true, urls.clone()).await;
    let on_a = Shop::at(&a);
    let session = on_a.sign_in("+447700900451").await;
    let registered = on_a.act(&session, "registration", None::<()>).await;

    // Over 4 MiB of stream: commands the store refuses (no such phone number) but every
    // replica applies, each carrying 15 KB the store ignores.
    let pad = "x".repeat(15_000);
    let body = format!(r#"{{"phone":"not a number","pad":"{pad}"}}"#);
    let client = store_server::nats::connect(&nats.urls(), nats.credentials())
        .await
        .unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let snapshot = loop {
        let sent: Vec<_> = (0..20)
            .map(|_| on_a.send("POST", "/api/auth/code", None, Some(body.clone())))
            .collect();
        for answer in futures_util::future::join_all(sent).await {
            assert_eq!(answer.status, 422, "{}", answer.body);
        }
        let kept = match jetstream.get_object_store(BUCKET).await {
            Ok(bucket) => {
                let mut list = bucket.list().await.unwrap();
                let mut names = Vec::new();
                while let Some(info) = futures_util::StreamExt::next(&mut list).await {
                    names.push(info.unwrap().name);
                }
                names
            }
            Err(_) => Vec::new(),
        };
        if let Some(name) = kept.first() {
            // `at-<sequence>-<bytes>`
            let (sequence, _) = name.strip_prefix("at-").unwrap().split_once('-').unwrap();
            break sequence.parse::<u64>().unwrap();
        }
        let stream = jetstream.get_stream(STREAM).await.unwrap();
        let bytes = stream.get_info().await.unwrap().state.bytes;
        assert!(
            bytes < 40 << 20,
            "no snapshot after {bytes} bytes of stream"
        );
    };
    // A command after the snapshot, then the stream trimmed through the snapshot's sequence:
    // a node that replayed from the first message could not start.
    let other = on_a.sign_in("+447700900452").await;
    let second = on_a.act(&other, "registration", None::<()>).await;
    let stream = jetstream.get_stream(STREAM).await.unwrap();
    stream.purge().sequence(snapshot + 1).await.unwrap();
    assert_eq!(
        stream.get_info().await.unwrap().state.first_sequence,
        snapshot + 1
    );

    let late = node(&dist, &data.join("late"), true, urls.clone()).await;
    let on_late = Shop::at(&late);
    assert_eq!(
        on_late.me(&session).await.registration_number,
        registered.registration_number
    );
    assert_eq!(
        on_late.me(&other).await.registration_number,
        second.registration_number
    );
    // And it takes commands like any node.
    let third = on_late.sign_in("+447700900453").await;
    let seen = me_on(&on_a, &third, |_| true).await;
    assert_eq!(seen.registration_number, None);

    for running in [a, late] {
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
        new_operator_key: false,
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

/// A store node in a process of its own, so that it can be killed with `kill -9` (and is, when
/// dropped): its address is read from its first words on stderr, and the rest is passed on to
/// the test's stderr.
struct StoreProcess {
    child: Child,
    addr: SocketAddr,
}

impl StoreProcess {
    fn start(name: &str, data: &Path, dist: &Path, nats: &NatsCluster) -> StoreProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_store-server"))
            .args(["--addr", "127.0.0.1:0", "--demo", "--nats", &nats.urls()])
            .arg("--nats-credentials")
            .arg(nats.credentials())
            .arg("--dist")
            .arg(dist)
            .arg("--data")
            .arg(data.join(name))
            .stderr(Stdio::piped())
            .spawn()
            .expect("store-server runs");
        let stderr = child.stderr.take().expect("its stderr");
        let (started, addr) = std::sync::mpsc::channel();
        let name = name.to_string();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.strip_prefix("store-server: http://") {
                    let _ = started.send(at.split(' ').next().unwrap_or_default().parse());
                }
                eprintln!("[{name}] {line}");
            }
        });
        let mut node = StoreProcess {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
        };
        node.addr = addr
            .recv_timeout(Duration::from_secs(60))
            .expect("the store node starts")
            .expect("its address");
        node
    }
}

impl Drop for StoreProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One command sent during a failure: when it left, when its answer came and its status (0:
/// no answer at all).
struct Sent {
    to: SocketAddr,
    /// Its idempotency key, which the stream's entry carries.
    key: String,
    left: Instant,
    answered: Instant,
    status: u16,
}

/// Commands sent back to back to each of `nodes`, two at a time a node, until stopped: a code
/// for a new phone number each time (a command every replica applies).
struct Load {
    sent: Arc<Mutex<Vec<Sent>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

static PHONES: AtomicU64 = AtomicU64::new(0);

impl Load {
    fn start(nodes: &[SocketAddr]) -> Load {
        let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
        let stop: Arc<AtomicBool> = Arc::default();
        let http: Client<HttpConnector, Full<bytes::Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let tasks = nodes
            .iter()
            .flat_map(|&to| [to, to])
            .map(|to| {
                let (sent, stop, http) = (sent.clone(), stop.clone(), http.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let phone = PHONES.fetch_add(1, Ordering::Relaxed);
                        let key = format!("failover-{phone}");
                        let request = hyper::Request::post(format!("http://{to}/api/auth/code"))
                            .header("Idempotency-Key", &key)
                            .body(Full::new(
                                format!(r#"{{"phone":"+4477{phone:08}"}}"#).into(),
                            ))
                            .unwrap();
                        let left = Instant::now();
                        // Longer than a node ever keeps a call waiting (10 s).
                        let answer =
                            tokio::time::timeout(Duration::from_secs(30), http.request(request));
                        let status = match answer.await {
                            Ok(Ok(response)) => {
                                let status = response.status().as_u16();
                                let _ = response.into_body().collect().await;
                                status
                            }
                            _ => 0,
                        };
                        let answered = Instant::now();
                        sent.lock().unwrap().push(Sent {
                            to,
                            key,
                            left,
                            answered,
                            status,
                        });
                    }
                })
            })
            .collect();
        Load { sent, stop, tasks }
    }

    /// Waits until every node has answered `count` commands sent after `since` (at most 60 s).
    async fn answered_after(&self, nodes: &[SocketAddr], since: Instant, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let done = {
                let sent = self.sent.lock().unwrap();
                nodes.iter().all(|node| {
                    sent.iter()
                        .filter(|s| s.to == *node && s.left >= since && s.status == 200)
                        .count()
                        >= count
                })
            };
            if done {
                return;
            }
            assert!(Instant::now() < deadline, "no answers for 60 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn stop(self) -> Vec<Sent> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        Arc::try_unwrap(self.sent)
            .ok()
            .unwrap()
            .into_inner()
            .unwrap()
    }
}

/// What a failure cost the nodes that survived it.
#[derive(Debug)]
struct Outage {
    /// The longest time a surviving node went without answering a command with 200, around
    /// the failure.
    stalled: Duration,
    /// The longest any one command waited for its answer.
    longest_wait: Duration,
    /// Commands answered with something else than 200 (503: try again).
    refused: usize,
    /// Commands that had no answer at all.
    unanswered: usize,
}

fn outage(sent: &[Sent], nodes: &[SocketAddr], failed: Instant) -> Outage {
    let after: Vec<&Sent> = sent.iter().filter(|s| s.answered >= failed).collect();
    let stalled = nodes
        .iter()
        .map(|node| {
            let mut times: Vec<Instant> = sent
                .iter()
                .filter(|s| s.to == *node && s.status == 200)
                .map(|s| s.answered)
                .collect();
            times.sort();
            // From the last answer before the failure to the first after it, and every gap after.
            let first = times.iter().rposition(|&t| t < failed).unwrap_or(0);
            times[first..]
                .windows(2)
                .map(|pair| pair[1] - pair[0])
                .max()
                .unwrap_or_default()
        })
        .max()
        .unwrap_or_default();
    Outage {
        stalled,
        longest_wait: after
            .iter()
            .map(|s| s.answered - s.left)
            .max()
            .unwrap_or_default(),
        refused: after
            .iter()
            .filter(|s| s.status != 200 && s.status != 0)
            .count(),
        unanswered: after.iter().filter(|s| s.status == 0).count(),
    }
}

/// Commands to `nodes` before, through and after `failure`, until every node has answered 20
/// sent after it: what it cost them. Every command is answered, if only with "try again".
async fn through(nodes: &[SocketAddr], sent: &mut Vec<Sent>, failure: impl FnOnce()) -> Outage {
    let load = Load::start(nodes);
    load.answered_after(nodes, Instant::now(), 5).await;
    let failed = Instant::now();
    failure();
    load.answered_after(nodes, failed, 20).await;
    let during = load.stop().await;
    let figures = outage(&during, nodes, failed);
    assert_eq!(figures.unanswered, 0, "{figures:?}");
    // A node answers within ANSWER_WITHIN, if only with "try again" (and HTTP takes a moment).
    assert!(
        figures.longest_wait < ANSWER_WITHIN + Duration::from_secs(1),
        "{figures:?}"
    );
    assert!(during.iter().all(|s| [0, 200, 503].contains(&s.status)));
    sent.extend(during);
    figures
}

/// The nats-server (0, 1 or 2) that leads the stream, and the one that leads JetStream's
/// metadata (from the servers' logs, the latest that any of them names: no client request
/// tells it).
async fn leaders(nats: &NatsCluster, nats_dir: &Path) -> (usize, usize) {
    let number = |name: &str| name.strip_prefix('n').and_then(|n| n.parse().ok());
    let stream = nats.stream_leader(STREAM).await.expect("a stream leader");
    const NEW_LEADER: &str = "JetStream cluster new metadata leader: ";
    let meta = (0..3)
        .filter_map(|i| std::fs::read_to_string(nats_dir.join(format!("n{i}.log"))).ok())
        .flat_map(|log| {
            log.lines()
                .filter_map(|line| {
                    // `[pid] 2026/12/04 18:40:01.123456 [INF] JetStream cluster new ...: n1/sale`
                    let time = line.split_once("] ")?.1.get(..26)?.to_string();
                    let leader = line.split_once(NEW_LEADER)?.1.split('/').next()?;
                    Some((time, number(leader)?))
                })
                .collect::<Vec<_>>()
        })
        .max()
        .expect("a metadata leader in the servers' logs")
        .1;
    (stream, meta)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_nodes_keep_answering_through_the_loss_of_any_one_server() {
    let (dist, data) = dist_and_data("failover");
    // Beside the other tests' clusters: clients on base + 6..8, routes on base + 16..18.
    let base_port = 21_000 + (std::process::id() % 400) as u16 * 20 + 6;
    let nats_dir = data.join("nats");
    let mut nats = NatsCluster::start(&nats_dir, base_port).expect("nats-server starts");
    let mut stores: Vec<StoreProcess> = ["a", "b", "c"]
        .iter()
        .map(|name| StoreProcess::start(name, &data, &dist, &nats))
        .collect();
    let all: Vec<SocketAddr> = stores.iter().map(|node| node.addr).collect();
    let client = store_server::nats::connect(&nats.urls(), nats.credentials())
        .await
        .unwrap();
    let jetstream = async_nats::jetstream::new(client);

    let mut report = Vec::new();
    let mut sent = Vec::new();
    for failure in [
        "a nats-server that leads nothing",
        "the metadata leader",
        "the stream's leader",
    ] {
        let (stream_leader, meta_leader) = leaders(&nats, &nats_dir).await;
        let victim = match failure {
            "the stream's leader" => Some(stream_leader),
            "the metadata leader" => Some(meta_leader).filter(|&m| m != stream_leader),
            _ => (0..3).find(|&i| i != stream_leader && i != meta_leader),
        };
        let Some(victim) = victim else {
            report.push(format!("{failure}: n{meta_leader} leads the stream too"));
            continue;
        };
        let figures = through(&all, &mut sent, || nats.kill(victim)).await;
        report.push(format!(
            "kill -9 of {failure} (n{victim}; the stream's leader n{stream_leader}, the \
             metadata leader n{meta_leader}): {figures:?}"
        ));
        // A command waits for a new stream leader, which Raft elects within 4-9 s (4.8-7.8 s
        // here): by then a node may have told some to try again. Without the leader's loss,
        // none waits long.
        if failure == "the stream's leader" {
            assert!(
                figures.stalled < 2 * ANSWER_WITHIN,
                "{failure}: {figures:?}"
            );
        } else {
            assert!(
                figures.stalled < Duration::from_secs(5),
                "{failure}: {figures:?}"
            );
            assert_eq!(figures.refused, 0, "{failure}: {figures:?}");
        }
        nats.restart(victim).expect("nats-server starts again");
        nats.all_current(STREAM)
            .await
            .expect("the stream whole again");
    }

    let killed = stores.pop().unwrap();
    let at = killed.addr;
    let figures = through(&all[..2], &mut sent, || drop(killed)).await;
    report.push(format!("kill -9 of the store node at {at}: {figures:?}"));
    assert!(figures.stalled < Duration::from_secs(5), "{figures:?}");
    assert_eq!(figures.refused, 0, "{figures:?}");
    for line in &report {
        eprintln!("failover: {line}");
    }

    // Every command answered 200 is in the stream once, and none is there twice, however often
    // a node sent its message again: the stream keeps one copy of each message id.
    let stream = jetstream.get_stream(STREAM).await.unwrap();
    let last = stream.get_info().await.unwrap().state.last_sequence;
    let mut ids = HashSet::new();
    let mut copies: HashMap<String, usize> = HashMap::new();
    for sequence in 1..=last {
        let message = stream.direct_get(sequence).await.unwrap();
        if let Some(id) = message.headers.get(async_nats::header::NATS_MESSAGE_ID) {
            assert!(ids.insert(id.to_string()), "message {id} stored twice");
        }
        for (_, entry) in Published::read(&message.payload).unwrap().entries {
            if let Entry::Call { call, .. } = entry {
                *copies
                    .entry(call.idempotency_key.unwrap_or_default())
                    .or_default() += 1;
            }
        }
    }
    for command in &sent {
        let copies = copies.get(&command.key).copied().unwrap_or_default();
        assert!(copies <= 1, "{} applied {copies} times", command.key);
        if command.status == 200 {
            assert_eq!(copies, 1, "{} answered but not in the stream", command.key);
        }
    }
    drop(stores);
    drop(nats);
    clean_up(&dist);
}

/// The first node makes the operator key and sets its hash through the stream; a node
/// started after it finds a key set, makes none, and signs the operator in with the first's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_accepts_the_operator_key_the_first_node_made() {
    let (dist, data) = dist_and_data("cluster-operator");
    let base_port = 33_000 + (std::process::id() % 100) as u16 * 20;
    let nats = NatsCluster::start(&data.join("nats"), base_port).expect("nats-server starts");
    let urls = Some((nats.urls(), nats.credentials().to_path_buf()));
    let a = node(&dist, &data.join("a"), false, urls.clone()).await;
    let b = node(&dist, &data.join("b"), false, urls.clone()).await;
    let key = a
        .operator_key
        .clone()
        .expect("the first node makes the key");
    assert_eq!(b.operator_key, None, "the second finds it set");
    let sign_in = operator::OperatorKey { key };
    let session: operator::OperatorSession = Shop::at(&b)
        .call("POST", "/api/operator/session", None, Some(sign_in))
        .await;
    // a's replica applies the sign-in a moment after b's answered it.
    let on_a = Shop::at(&a);
    let mut answer = on_a
        .send("GET", "/api/operator/sales", Some(&session.token), None)
        .await;
    for _ in 0..200 {
        if answer.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        answer = on_a
            .send("GET", "/api/operator/sales", Some(&session.token), None)
            .await;
    }
    let rows: Vec<operator::DropRow> = answer.json();
    assert_eq!(rows.len(), 3, "the session made through b works on a");
    a.stop().await;
    b.stop().await;
    drop(nats);
    clean_up(&dist);
}
