//! Snapshots: a replica restored from one and fed the rest of the log answers as the replica
//! that saw everything, a node restarted on snapshots and a log tail comes back with every
//! acknowledged shopper and order, damaged snapshots fall back, and the data directory is
//! private. `measure_snapshots` (ignored; run it with `--release`) gives the figures the
//! snapshot policy in `snapshot.rs` rests on.
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::de::DeserializeOwned;
use store_contract::demo::{ClockChange, CodesRequest, DemoSettings, IssuedCode};
use store_contract::*;
use store_server::node::Node;
use store_server::replica::{Call, Entry, Replica};
use store_server::snapshot;

const SALE: &str = support::SALE;
const T0: f64 = 1_800_000_000_000.0;

fn request(method: Method, path: &str, bearer: Option<&str>, body: Option<String>) -> StoreRequest {
    static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let key = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    StoreRequest {
        method,
        path: path.into(),
        bearer: bearer.map(str::to_string),
        idempotency_key: method.changes_state().then(|| format!("key-{key}")),
        body,
    }
}

fn post(path: &str, bearer: Option<&str>, body: impl serde::Serialize) -> StoreRequest {
    let body = serde_json::to_string(&body).unwrap();
    request(Method::Post, path, bearer, Some(body))
}

fn get(path: &str, bearer: Option<&str>) -> StoreRequest {
    request(Method::Get, path, bearer, None)
}

fn parsed<T: DeserializeOwned>(answer: &StoreResponse) -> T {
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap_or_else(|e| panic!("{e}: {}", answer.body))
}

fn opening(demo: bool) -> Entry {
    Entry::Open {
        at_ms: T0,
        secret: [9; 32],
        catalog: support::CATALOG.into(),
        demo,
    }
}

fn phones(count: usize, from: usize) -> Vec<String> {
    (from..from + count)
        .map(|i| format!("+4477009{i:05}"))
        .collect()
}

fn checkout(i: usize) -> CheckoutRequest {
    let mut request = support::checkout();
    request.payment = [
        PaymentMethod::CardApproves,
        PaymentMethod::CardDeclines,
        PaymentMethod::CardSlow,
    ][i % 3];
    request
}

/// One step of a node's life, with the answer the replica that lived it gave.
#[derive(Clone)]
enum Step {
    /// A logged entry (a command, or a tick a read or the clock caused).
    Logged(Entry, Option<StoreResponse>),
    /// A read answered from memory, and whether it changed the store.
    Read(f64, StoreRequest, StoreResponse, bool),
    /// The sales moved on, and whether that changed the store.
    Advance(f64, bool),
}

/// A replica driven as a node drives it, every step kept. A node moves its sales on at
/// least every 100 ms; here they move on before every call, so every sale is always as far
/// as the clock (the demo's counters show how far each sale was last moved).
struct Lived {
    replica: Replica,
    steps: Vec<Step>,
    at: f64,
    /// Real time between one call and the next.
    step_ms: f64,
}

impl Lived {
    fn command(&mut self, request: StoreRequest) -> StoreResponse {
        self.advance(self.step_ms);
        let entry = Entry::Call {
            at_ms: self.at,
            call: Call::from(&request),
        };
        let answer = self.replica.apply(entry.clone()).unwrap();
        self.steps.push(Step::Logged(entry, Some(answer.clone())));
        answer
    }

    fn read(&mut self, request: StoreRequest) -> StoreResponse {
        self.advance(self.step_ms);
        let (answer, changed) = self.replica.read(&request, self.at);
        self.steps
            .push(Step::Read(self.at, request, answer.clone(), changed));
        if changed {
            let tick = Entry::Tick { at_ms: self.at };
            self.steps.push(Step::Logged(tick, None));
        }
        answer
    }

    fn advance(&mut self, by_ms: f64) {
        self.at += by_ms;
        let changed = self.replica.advance(self.at);
        self.steps.push(Step::Advance(self.at, changed));
        if changed {
            let tick = Entry::Tick { at_ms: self.at };
            self.steps.push(Step::Logged(tick, None));
        }
    }
}

/// Lives the same steps again on `replica` and asserts every answer is the same.
fn relive(replica: &mut Replica, steps: &[Step], label: &str) {
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Logged(entry, answer) => {
                let again = replica.apply(entry.clone());
                assert_eq!(&again, answer, "{label}: step {n}, {entry:?}");
            }
            Step::Read(at, request, answer, changed) => {
                let again = replica.read(request, *at);
                assert_eq!(
                    (&again.0, again.1),
                    (answer, *changed),
                    "{label}: step {n}, {}",
                    request.path
                );
            }
            Step::Advance(at, changed) => {
                assert_eq!(replica.advance(*at), *changed, "{label}: step {n}");
            }
        }
    }
}

/// A JSON value with every list sorted: the saved document keeps some maps as lists in hash
/// order, which differs between a store and the same store read back.
fn canonical(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.into_iter().map(canonical).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        Value::Object(fields) => fields
            .into_iter()
            .map(|(k, v)| (k, canonical(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => other,
    }
}

/// Everything a replica shows at `at`: the dev state, each shopper's view and orders, and
/// its whole saved document.
fn dump(replica: &mut Replica, at: f64, tokens: &[String]) -> Vec<String> {
    let mut shown = vec![replica.read(&get("/api/dev/state", None), at).0.body];
    for token in tokens {
        let me = get(&format!("/api/sales/{SALE}/me"), Some(token));
        shown.push(replica.read(&me, at).0.body);
        shown.push(replica.read(&get("/api/orders", Some(token)), at).0.body);
    }
    let saved = serde_json::to_value(replica.snapshot()).unwrap();
    shown.push(canonical(saved).to_string());
    shown
}

/// Asserts two dumps are the same, showing where the first difference is.
fn assert_same(got: &[String], expected: &[String], label: &str) {
    assert_eq!(got.len(), expected.len(), "{label}");
    for (n, (got, expected)) in got.iter().zip(expected).enumerate() {
        if got != expected {
            let at = got
                .bytes()
                .zip(expected.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(expected.len()));
            let around = |text: &str| {
                let from = text.floor_char_boundary(at.saturating_sub(200));
                let to = text.ceil_char_boundary((at + 200).min(text.len()));
                text[from..to].to_string()
            };
            panic!(
                "{label}: item {n} differs at byte {at}\n got: …{}…\nwant: …{}…",
                around(got),
                around(expected)
            );
        }
    }
}

/// Signs `count` shoppers in (codes from the demo's dev call) and registers them.
fn sign_in(lived: &mut Lived, count: usize) -> Vec<String> {
    let codes: Vec<IssuedCode> = parsed(&lived.command(post(
        "/api/dev/codes",
        None,
        CodesRequest {
            phones: phones(count, 0),
        },
    )));
    let mut tokens = Vec::new();
    for issued in codes {
        let verify = VerifyRequest {
            phone: issued.phone,
            code: issued.code.expect("a code"),
        };
        let session: Session = parsed(&lived.command(post("/api/auth/verify", None, verify)));
        let registration = format!("/api/sales/{SALE}/registration");
        let view: ShopperView =
            parsed(&lived.command(post(&registration, Some(&session.token), ())));
        assert!(view.registration_number.is_some());
        tokens.push(session.token);
    }
    tokens
}

/// Lets real time pass until the store's clock reads `store_ms`: the next step comes then.
/// (The demo's clock jump is not used: its answer shows the sales' counters as far as they
/// were last moved, which unlogged reads decide, so a replay of the log alone keeps another
/// answer for it.)
fn wait_until(lived: &mut Lived, store_ms: u64) {
    let state: demo::DevState = parsed(&lived.read(get("/api/dev/state", None)));
    lived.at += store_ms.saturating_sub(state.store_now_ms) as f64;
}

/// A sale lived through on one replica: sign-ins, the line, holds, checkouts with every kind
/// of card, payments settling; with the snapshots taken at three moments in it.
struct Sale {
    lived: Lived,
    tokens: Vec<String>,
    /// The step at which each snapshot was taken, and the file's bytes.
    snapshots: Vec<(usize, Vec<u8>)>,
}

fn live_a_sale() -> Sale {
    let mut lived = Lived {
        replica: Replica::open(&opening(true)).unwrap(),
        steps: Vec::new(),
        at: T0,
        step_ms: 5.0,
    };
    let mut snapshots = Vec::new();
    let mut take = |lived: &Lived| {
        let records = lived.steps.len() as u64;
        let bytes = snapshot::encode(&lived.replica.snapshot(), records);
        snapshots.push((lived.steps.len(), bytes));
    };
    let settings = DemoSettings {
        crowd: Some(30),
        stock: Some(12),
        ..DemoSettings::default()
    };
    parsed::<serde_json::Value>(&lived.command(post("/api/dev/reset", None, Some(settings))));
    let tokens = sign_in(&mut lived, 20);
    take(&lived);

    let detail: SaleDetail = parsed(&lived.read(get(&format!("/api/sales/{SALE}"), None)));
    wait_until(&mut lived, detail.summary.registration_closes + 1_000);
    let preference = Preference {
        variant: 0,
        accept_other_variant: true,
    };
    for token in &tokens {
        let path = format!("/api/sales/{SALE}/queue");
        parsed::<ShopperView>(&lived.command(post(&path, Some(token), preference)));
    }
    take(&lived);

    wait_until(&mut lived, detail.summary.starts_at + 100);
    let mut paid = vec![false; tokens.len()];
    for round in 0..60 {
        lived.advance(100.0);
        for (i, token) in tokens.iter().enumerate() {
            let me = get(&format!("/api/sales/{SALE}/me"), Some(token));
            let view: ShopperView = parsed(&lived.read(me));
            if matches!(view.status, ShopperStatus::Holding { .. }) && !paid[i] {
                let path = format!("/api/sales/{SALE}/checkout");
                lived.command(post(&path, Some(token), checkout(i)));
                paid[i] = true;
            }
        }
        if round == 20 {
            take(&lived);
        }
    }
    assert!(paid.iter().any(|p| *p), "some shoppers held a unit");
    // The slow card settles 45 s later.
    lived.advance(50_000.0);
    Sale {
        lived,
        tokens,
        snapshots,
    }
}

#[test]
fn a_snapshot_and_the_log_after_it_give_the_store_that_every_entry_gives() {
    let mut sale = live_a_sale();
    let end = sale.lived.at + 1.0;
    let expected = dump(&mut sale.lived.replica, end, &sale.tokens);
    let ordered = expected
        .iter()
        .filter(|shown| shown.contains("KS-"))
        .count();
    assert!(ordered > 0, "some shoppers have orders");

    // Every entry replayed from the opening, as a restart without snapshots does.
    let mut replayed = Replica::open(&opening(true)).unwrap();
    for step in &sale.lived.steps {
        if let Step::Logged(entry, _) = step {
            replayed.apply(entry.clone());
        }
    }
    // As a node that opens does.
    replayed.advance(replayed.at_ms());
    assert_same(
        &dump(&mut replayed, end, &sale.tokens),
        &expected,
        "replayed",
    );

    for (k, bytes) in &sale.snapshots {
        let label = format!("restored at step {k}");
        let mut restored = Replica::restore(snapshot::decode(bytes, *k as u64).unwrap()).unwrap();
        // As a node that opens does: the sales are rebuilt at the snapshot's time, which
        // changes nothing the live replica had not already done.
        assert!(!restored.advance(restored.at_ms()), "{label}");
        relive(&mut restored, &sale.lived.steps[*k..], &label);
        assert_same(&dump(&mut restored, end, &sale.tokens), &expected, &label);
    }
}

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("store-snapshots-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn files(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// A shopper's view and orders, as a node answers them.
async fn shown(node: &Node, tokens: &[String]) -> Vec<(String, String)> {
    let mut shown = Vec::new();
    for token in tokens {
        let me = node
            .answer(&get(&format!("/api/sales/{SALE}/me"), Some(token)))
            .await;
        let orders = node.answer(&get("/api/orders", Some(token))).await;
        let view: ShopperView = parsed(&me);
        // Only what the log decides: the line's position moves with real time.
        let kept = (view.registration_number, view.ticket, view.order);
        shown.push((format!("{kept:?}"), orders.body));
    }
    shown
}

async fn node_command(node: &Node, request: StoreRequest) -> StoreResponse {
    let answer = node.answer(&request).await;
    assert_eq!(answer.status, 200, "{}: {}", request.path, answer.body);
    answer
}

#[tokio::test]
async fn a_node_restarted_on_its_snapshots_has_every_acknowledged_shopper_and_order() {
    let dir = data_dir("restart");
    let catalog = support::CATALOG;
    let node = Node::open(&dir, catalog, true).await.unwrap();
    let settings = DemoSettings {
        crowd: Some(0),
        stock: Some(40),
        ..DemoSettings::default()
    };
    node_command(&node, post("/api/dev/reset", None, Some(settings))).await;
    let codes: Vec<IssuedCode> = parsed(
        &node_command(
            &node,
            post(
                "/api/dev/codes",
                None,
                CodesRequest {
                    phones: phones(60, 0),
                },
            ),
        )
        .await,
    );
    let mut tokens = Vec::new();
    for (i, issued) in codes.into_iter().enumerate() {
        let verify = VerifyRequest {
            phone: issued.phone,
            code: issued.code.unwrap(),
        };
        let session: Session =
            parsed(&node_command(&node, post("/api/auth/verify", None, verify)).await);
        let path = format!("/api/sales/{SALE}/registration");
        node_command(&node, post(&path, Some(&session.token), ())).await;
        tokens.push(session.token);
        if i == 19 {
            node.snapshot_now().await.unwrap();
        }
    }
    let first = node.snapshot_now().await.unwrap();
    assert_eq!(node.last_snapshot(), Some(first));
    assert!(first.bytes > 0 && first.records > 120, "{first:?}");

    let detail: SaleDetail = parsed(&node.answer(&get(&format!("/api/sales/{SALE}"), None)).await);
    let clock = |ms: u64| {
        post(
            "/api/dev/clock",
            None,
            ClockChange {
                jump_to_ms: Some(ms),
                speed: None,
            },
        )
    };
    node_command(&node, clock(detail.summary.registration_closes + 1_000)).await;
    let preference = Preference {
        variant: 0,
        accept_other_variant: true,
    };
    for token in &tokens {
        let path = format!("/api/sales/{SALE}/queue");
        node_command(&node, post(&path, Some(token), preference)).await;
    }
    let second = node.snapshot_now().await.unwrap();
    // The third snapshot keeps the last two: the first and the log it covers are gone.
    assert_eq!(
        files(&dir, "snapshot-"),
        vec![
            snapshot::file_name(first.records),
            snapshot::file_name(second.records)
        ]
    );
    let segments: Vec<u64> = store_server::log::segments(&dir)
        .unwrap()
        .iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(segments, vec![first.records + 1, second.records + 1]);

    // The log after the last snapshot: the sale starts, holds are paid for, orders made.
    node_command(&node, clock(detail.summary.starts_at + 100)).await;
    let mut ordering = Vec::new();
    for token in &tokens {
        let me = node
            .answer(&get(&format!("/api/sales/{SALE}/me"), Some(token)))
            .await;
        if matches!(
            parsed::<ShopperView>(&me).status,
            ShopperStatus::Holding { .. }
        ) {
            let path = format!("/api/sales/{SALE}/checkout");
            node_command(&node, post(&path, Some(token), support::checkout())).await;
            ordering.push(token.clone());
        }
    }
    assert!(!ordering.is_empty(), "some shoppers hold a unit");
    let state: demo::DevState = parsed(&node.answer(&get("/api/dev/state", None)).await);
    node_command(&node, clock(state.store_now_ms + 5_000)).await;
    node.advance().await;
    let before = shown(&node, &tokens).await;
    let orders = before.iter().filter(|(_, o)| o.contains("KS-")).count();
    assert_eq!(
        orders,
        ordering.len(),
        "every approved payment made an order"
    );
    drop(node);

    let node = Node::open(&dir, catalog, true).await.unwrap();
    assert_eq!(
        shown(&node, &tokens).await,
        before,
        "restored from the snapshot"
    );
    drop(node);

    // The data directory and what it holds are the server's user's alone.
    assert_eq!(mode(&dir), 0o700);
    for name in files(&dir, "") {
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();

    // A damaged newest snapshot: the one before it and the longer log tail.
    let newest = dir.join(snapshot::file_name(second.records));
    let mut data = std::fs::read(&newest).unwrap();
    let middle = data.len() / 2;
    data[middle] ^= 1;
    std::fs::write(&newest, &data).unwrap();
    let node = Node::open(&dir, catalog, true).await.unwrap();
    assert_eq!(mode(&dir), 0o700, "a wider mode is narrowed on opening");
    assert_eq!(
        shown(&node, &tokens).await,
        before,
        "from the older snapshot"
    );
    drop(node);

    // Both damaged, and the log before the older one gone: the store refuses to open.
    let older = dir.join(snapshot::file_name(first.records));
    let mut data = std::fs::read(&older).unwrap();
    let last = data.len() - 1;
    data[last] ^= 1;
    std::fs::write(&older, &data).unwrap();
    let refused = Node::open(&dir, catalog, true)
        .await
        .err()
        .expect("refused");
    assert!(
        refused.contains(&format!("starts at record {}", first.records + 1))
            && refused.contains("no snapshot could be read"),
        "{refused}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_log_growing_past_the_threshold_takes_a_snapshot_and_starts_a_segment() {
    let dir = data_dir("threshold");
    let node = Node::open(&dir, support::CATALOG, true).await.unwrap();
    // Commands with large bodies grow the log fast; the store refuses them, the log keeps them.
    let body = format!("{{\"phone\":\"{}\"}}", "9".repeat(64 * 1024));
    let calls = snapshot::MIN_TAIL_BYTES as usize / body.len() + 2;
    for _ in 0..calls {
        let answer = node
            .answer(&request(
                Method::Post,
                "/api/auth/code",
                None,
                Some(body.clone()),
            ))
            .await;
        assert!((400..500).contains(&answer.status), "{}", answer.status);
    }
    // Dropping the node finishes the snapshot the log's growth started.
    drop(node);
    let taken = files(&dir, "snapshot-");
    assert_eq!(taken.len(), 1, "{taken:?}");
    let records: u64 = taken[0]
        .trim_start_matches("snapshot-")
        .trim_end_matches(".snap")
        .parse()
        .unwrap();
    assert!(records > 1 && records <= calls as u64 + 1, "{records}");
    let segments: Vec<u64> = store_server::log::segments(&dir)
        .unwrap()
        .iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(segments, vec![1, records + 1]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_demo_server_writes_a_snapshot_when_asked_and_others_have_none() {
    let (dist, data) = support::dist_and_data("snapshot-route");
    let running = support::server(&dist, &data, true).await;
    let shop = support::Shop::at(&running);
    let figures: serde_json::Value = shop
        .call("GET", "/api/dev/snapshot", None, None::<()>)
        .await;
    for field in ["bytes", "clone_ms", "write_ms", "records"] {
        assert!(figures[field].as_f64().is_some(), "{field}: {figures}");
    }
    assert!(figures["bytes"].as_u64().unwrap() > 0);
    let file = data.join(snapshot::file_name(figures["records"].as_u64().unwrap()));
    assert!(file.is_file(), "{}", file.display());
    running.stop().await;

    let running = support::server(&dist, &data.with_extension("real"), false).await;
    let shop = support::Shop::at(&running);
    let refused = shop.send("GET", "/api/dev/snapshot", None, None).await;
    assert_eq!(refused.status, 404);
    assert_eq!(refused.error().code, ErrorCode::NotFound);
    running.stop().await;
    support::clean_up(&dist);
}

/// The figures behind the snapshot policy: a store of 200,000 signed-in, registered shoppers
/// snapshotted, written and restored, against replaying the log that made it.
/// `cargo test --release -p store-server --test snapshots -- --ignored --nocapture`
#[test]
#[ignore]
fn measure_snapshots() {
    const SHOPPERS: usize = 200_000;
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1_000.0;
    let mut lived = Lived {
        replica: Replica::open(&opening(true)).unwrap(),
        steps: Vec::new(),
        at: T0,
        // 400,000 calls within the two minutes registration is open.
        step_ms: 0.1,
    };
    let settings = DemoSettings {
        crowd: Some(0),
        stock: Some(1_000),
        ..DemoSettings::default()
    };
    parsed::<serde_json::Value>(&lived.command(post("/api/dev/reset", None, Some(settings))));
    let started = Instant::now();
    for batch in 0..SHOPPERS / 1_000 {
        let codes: Vec<IssuedCode> = parsed(&lived.command(post(
            "/api/dev/codes",
            None,
            CodesRequest {
                phones: phones(1_000, batch * 1_000),
            },
        )));
        for issued in codes {
            let verify = VerifyRequest {
                phone: issued.phone,
                code: issued.code.expect("a code"),
            };
            let session: Session = parsed(&lived.command(post("/api/auth/verify", None, verify)));
            let path = format!("/api/sales/{SALE}/registration");
            parsed::<ShopperView>(&lived.command(post(&path, Some(&session.token), ())));
        }
    }
    let signing_in = ms(started);
    let log: Vec<Vec<u8>> = std::iter::once(serde_json::to_vec(&opening(true)).unwrap())
        .chain(lived.steps.iter().filter_map(|step| match step {
            Step::Logged(entry, _) => Some(serde_json::to_vec(entry).unwrap()),
            _ => None,
        }))
        .collect();
    let log_bytes: usize = log
        .iter()
        .map(|r| r.len() + store_server::log::HEADER)
        .sum();
    drop(lived.steps);

    // The first clone also pays for the allocator's first touch of that much memory.
    let clones: Vec<f64> = (0..3)
        .map(|_| {
            let started = Instant::now();
            drop(lived.replica.snapshot());
            ms(started)
        })
        .collect();
    let taken = lived.replica.snapshot();
    let started = Instant::now();
    let bytes = snapshot::encode(&taken, log.len() as u64);
    let encode_ms = ms(started);
    let dir = data_dir("measure");
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    snapshot::write(&dir, log.len() as u64, &bytes).unwrap();
    let write_ms = ms(started);
    drop(taken);

    let started = Instant::now();
    let read = std::fs::read(dir.join(snapshot::file_name(log.len() as u64))).unwrap();
    let decoded = snapshot::decode(&read, log.len() as u64).unwrap();
    let decode_ms = ms(started);
    let started = Instant::now();
    let mut restored = Replica::restore(decoded).unwrap();
    let restore_ms = ms(started);
    let started = Instant::now();
    restored.advance(restored.at_ms());
    let rebuild_ms = ms(started);
    drop(restored);

    let started = Instant::now();
    let mut replayed = Replica::open(&serde_json::from_slice(&log[0]).unwrap()).unwrap();
    for record in &log[1..] {
        replayed.apply(serde_json::from_slice(record).unwrap());
    }
    let replay_ms = ms(started);
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "{SHOPPERS} shoppers signed in and registered through the replica: {signing_in:.0} ms"
    );
    println!(
        "log: {} records, {:.1} MB; replayed from the opening in {replay_ms:.0} ms",
        log.len(),
        log_bytes as f64 / 1e6
    );
    println!(
        "snapshot: {:.1} MB; clone {:.0} ms (three times: {clones:.0?}; under the lock), \
         encode {encode_ms:.0} ms, write + fsync + rename {write_ms:.0} ms",
        bytes.len() as f64 / 1e6,
        clones[2]
    );
    println!(
        "restore: read + check + parse {decode_ms:.0} ms, Store::restore {restore_ms:.0} ms, \
         rebuilding the sales {rebuild_ms:.0} ms: {:.0} ms in all",
        decode_ms + restore_ms + rebuild_ms
    );
}
