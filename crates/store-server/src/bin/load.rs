//! `make load`: a bounded load run on loopback at the sale moment, against one node (its own
//! log) and three nodes (a 3-node NATS JetStream cluster), then the three nodes again with
//! `kill -9` of one store node and one nats-server node in the middle of the sale. Writes
//! `target/load.json`.
//!
//! Each run: shoppers sign in and register; the trivial answer (`/healthz`) and status polls
//! are measured closed-loop on the same server; every shopper joins at once; then the sale:
//! each shopper polls their status every second and checks out when holding. At the end the
//! invariants are checked on every node.
//!
//! `load [--shoppers N] [--stock N] [--server target/server/store-server] [--dist dist]
//! [--runs one,three,kill]`: with fewer than the three runs (to look at one while working on
//! it), nothing is judged and the report goes to `target/load-partial.json`.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use store_contract::demo::{ClockChange, DemoSettings, DevState, Sms};
use store_contract::*;
use store_server::nats::NatsCluster;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SALE: &str = "k7-first-drop";
/// Requests in flight in the closed-loop measurements.
const IN_FLIGHT: usize = 64;
/// Joins in flight: a crowd at the sale moment, many at once on every node.
const JOINS_IN_FLIGHT: usize = 384;
/// Sign-ins in flight: the demo inbox keeps the last 20 texts.
const SIGN_INS_IN_FLIGHT: usize = 8;
const MEASURE_FOR: Duration = Duration::from_secs(3);

/// The load generator's HTTP/1.1 client: kept-alive connections to each node, one request at a
/// time on each, written and read in the calling task. It runs on the same two cores as the
/// servers, so its CPU counts against what they can do: hyper's pooled client handed every
/// request to a connection task and back (about 70 ms of CPU per 1,000 joins in `make load`).
#[derive(Clone, Default)]
struct Http {
    idle: Arc<std::sync::Mutex<HashMap<String, Vec<TcpStream>>>>,
}

impl Http {
    fn take(&self, host: &str) -> Option<TcpStream> {
        self.idle.lock().unwrap().get_mut(host)?.pop()
    }

    fn keep(&self, host: &str, connection: TcpStream) {
        let mut idle = self.idle.lock().unwrap();
        idle.entry(host.to_string()).or_default().push(connection);
    }
}

/// One request on `connection`: the status and body of its answer, and whether the connection
/// can carry another; or what went wrong, and whether any of an answer had come.
async fn exchange(
    connection: &mut TcpStream,
    request: &[u8],
) -> Result<(u16, Vec<u8>, bool), (String, bool)> {
    let none = |e: std::io::Error| (e.to_string(), false);
    let some = |e: String| (e, true);
    connection.write_all(request).await.map_err(none)?;
    let mut buffer = Vec::with_capacity(1024);
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) =
            response.parse(&buffer).map_err(|e| some(e.to_string()))?
        {
            let status = response.code.unwrap_or(0);
            let mut length = 0;
            let mut again = true;
            for header in response.headers.iter() {
                if header.name.eq_ignore_ascii_case("content-length") {
                    length = std::str::from_utf8(header.value)
                        .ok()
                        .and_then(|v| v.trim().parse().ok())
                        .ok_or_else(|| some("a bad Content-Length".into()))?;
                } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                    return Err(some("a chunked answer (the store sends whole ones)".into()));
                } else if header.name.eq_ignore_ascii_case("connection") {
                    again = !header.value.eq_ignore_ascii_case(b"close");
                }
            }
            while buffer.len() < head + length {
                if connection
                    .read_buf(&mut buffer)
                    .await
                    .map_err(|e| some(e.to_string()))?
                    == 0
                {
                    return Err(some("the connection closed mid-answer".into()));
                }
            }
            buffer.drain(..head);
            let whole = buffer.len() == length;
            return Ok((status, buffer, again && whole));
        }
        let got_some = !buffer.is_empty();
        match connection.read_buf(&mut buffer).await {
            Ok(0) => return Err(("the connection closed".into(), got_some)),
            Ok(_) => {}
            Err(e) => return Err((e.to_string(), got_some)),
        }
    }
}

static KEYS: AtomicU64 = AtomicU64::new(0);

/// The store nodes of a run: their processes, addresses and how to start each again.
struct Nodes {
    children: Vec<Option<Child>>,
    commands: Vec<Vec<String>>,
    urls: Vec<String>,
    server: PathBuf,
}

impl Nodes {
    fn start(server: &Path, commands: Vec<Vec<String>>, ports: &[u16]) -> Nodes {
        let mut nodes = Nodes {
            children: commands.iter().map(|_| None).collect(),
            urls: ports
                .iter()
                .map(|p| format!("http://127.0.0.1:{p}"))
                .collect(),
            commands,
            server: server.into(),
        };
        for i in 0..nodes.commands.len() {
            nodes.spawn(i);
        }
        nodes
    }

    fn spawn(&mut self, i: usize) {
        let child = Command::new(&self.server)
            .args(&self.commands[i])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", self.server.display()));
        self.children[i] = Some(child);
    }

    /// The process ids of the store nodes running now.
    fn pids(&self) -> Vec<u32> {
        self.children.iter().flatten().map(Child::id).collect()
    }

    /// `kill -9` of store node `i`.
    fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.children[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for i in 0..self.children.len() {
            self.kill(i);
        }
    }
}

/// CPU time (user and system, all threads) the processes `pids` have used so far, in ms: from
/// `/proc/PID/stat`, whose times count in USER_HZ (100 a second on Linux).
fn cpu_ms(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i - 3)?.parse::<f64>().ok();
            Some((ticks(14)? + ticks(15)?) * 10.0)
        })
        .sum()
}

struct Answer {
    status: u16,
    body: String,
}

async fn send(
    http: &Http,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<String>,
) -> Result<Answer, String> {
    let host = base.strip_prefix("http://").unwrap_or(base);
    let body = body.unwrap_or_default();
    let mut request = Vec::with_capacity(256 + body.len());
    request.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n").as_bytes());
    if let Some(token) = token {
        request.extend_from_slice(format!("Authorization: Bearer {token}\r\n").as_bytes());
    }
    if let Some(key) = key {
        request.extend_from_slice(format!("Idempotency-Key: {key}\r\n").as_bytes());
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body.as_bytes());
    let answer = async {
        // A kept connection the node has closed since (a node killed and started again) fails
        // before any answer comes: the request goes again on another, as hyper's pool does.
        let (mut connection, (status, bytes, again)) = loop {
            match http.take(host) {
                Some(mut kept) => match exchange(&mut kept, &request).await {
                    Ok(answered) => break (kept, answered),
                    Err((_, false)) => continue,
                    Err((problem, true)) => return Err(problem),
                },
                None => {
                    let mut fresh = TcpStream::connect(host).await.map_err(|e| e.to_string())?;
                    fresh.set_nodelay(true).map_err(|e| e.to_string())?;
                    let answered = exchange(&mut fresh, &request).await.map_err(|(e, _)| e)?;
                    break (fresh, answered);
                }
            }
        };
        if again {
            http.keep(host, connection);
        } else {
            let _ = connection.shutdown().await;
        }
        Ok(Answer {
            status,
            body: String::from_utf8(bytes).map_err(|e| e.to_string())?,
        })
    };
    tokio::time::timeout(Duration::from_secs(15), answer)
        .await
        .map_err(|_| "no answer in 15 s".to_string())?
}

/// One call from a shopper's node, moving to the next node (same idempotency key) when a node
/// is down or cannot confirm. A refusal comes back as `Err` with how many attempts it took.
async fn try_call<T: serde::de::DeserializeOwned>(
    http: &Http,
    urls: &[String],
    home: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<(T, Duration), (usize, Answer)> {
    let key = (method != "GET").then(|| format!("load-{}", KEYS.fetch_add(1, Ordering::Relaxed)));
    let started = Instant::now();
    // A restarted nats-server takes seconds to learn the stream again, and nodes connected to it
    // refuse meanwhile: a shopper keeps trying for up to a minute, as the app's retries would.
    for attempt in 0.. {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        let base = &urls[(home + attempt) % urls.len()];
        match send(
            http,
            base,
            method,
            path,
            token,
            key.as_deref(),
            body.clone(),
        )
        .await
        {
            Ok(answer) if answer.status == 200 => {
                let value = serde_json::from_str(&answer.body)
                    .unwrap_or_else(|e| panic!("{method} {path}: {e}: {}", answer.body));
                return Ok((value, started.elapsed()));
            }
            Ok(answer) if answer.status == 503 => {}
            Ok(answer) => return Err((attempt + 1, answer)),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{method} {path}: no node answered for a minute");
}

/// [`try_call`] where a refusal means the run itself is wrong.
async fn call<T: serde::de::DeserializeOwned>(
    http: &Http,
    urls: &[String],
    home: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (T, Duration) {
    try_call(http, urls, home, method, path, token, body)
        .await
        .unwrap_or_else(|(_, a)| panic!("{method} {path}: {} {}", a.status, a.body))
}

struct Shopper {
    home: usize,
    token: String,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// p50 and p99 in milliseconds.
fn percentiles(mut latencies: Vec<Duration>) -> (f64, f64) {
    if latencies.is_empty() {
        return (0.0, 0.0);
    }
    latencies.sort();
    let at = |q: f64| ms(latencies[((latencies.len() - 1) as f64 * q).round() as usize]);
    (at(0.50), at(0.99))
}

/// Signs shopper `i` in and registers them. The demo inbox keeps the last 20 texts: when
/// other sign-ins pushed this one's code out before it was read, the shopper tries again with
/// another number (a second code for the same number would have to wait 30 s).
async fn sign_in(http: &Http, urls: &[String], home: usize, i: usize) -> Shopper {
    let mut attempt = 0;
    let (phone, code) = loop {
        let code = CodeRequest {
            phone: format!("+44770{attempt}{i:06}"),
            language: None,
        };
        let body = Some(serde_json::to_string(&code).unwrap());
        let (sent, _): (CodeSent, _) =
            call(http, urls, home, "POST", "/api/auth/code", None, body).await;
        let (inbox, _): (Vec<Sms>, _) =
            call(http, urls, home, "GET", "/api/dev/inbox", None, None).await;
        if let Some(sms) = inbox.iter().rev().find(|m| m.phone == sent.phone) {
            let code: String = sms
                .text
                .chars()
                .filter(char::is_ascii_digit)
                .take(6)
                .collect();
            break (sent.phone, code);
        }
        attempt += 1;
        assert!(attempt < 10, "shopper {i}: no code reached the inbox");
    };
    let verify = VerifyRequest { phone, code };
    let body = Some(serde_json::to_string(&verify).unwrap());
    let (session, _): (Session, _) =
        call(http, urls, home, "POST", "/api/auth/verify", None, body).await;
    let path = format!("/api/sales/{SALE}/registration");
    let _: (ShopperView, _) =
        call(http, urls, home, "POST", &path, Some(&session.token), None).await;
    Shopper {
        home,
        token: session.token,
    }
}

/// Requests per second and latencies of `request`, `IN_FLIGHT` at a time for `MEASURE_FOR`.
async fn closed_loop<F, Fut>(request: F) -> (f64, Vec<Duration>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|w| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = w;
                while started.elapsed() < MEASURE_FOR {
                    let t = Instant::now();
                    assert!(request(n).await, "a measured request failed");
                    latencies.push(t.elapsed());
                    n += IN_FLIGHT;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    (
        latencies.len() as f64 / started.elapsed().as_secs_f64(),
        latencies,
    )
}

/// Runs `job(i)` for every `i` in `0..n`, `in_flight` at a time: each worker takes the next
/// index as soon as its last job ends. The results come back grouped by worker, not by index.
async fn each_of<T, F, Fut>(n: usize, in_flight: usize, job: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (job, next) = (job.clone(), next.clone());
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if i >= n {
                        return mine;
                    }
                    mine.push(job(i).await);
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    all
}

async fn jump_to(http: &Http, urls: &[String], store_ms: u64) {
    let change = ClockChange {
        jump_to_ms: Some(store_ms),
        speed: None,
    };
    let body = Some(serde_json::to_string(&change).unwrap());
    let _: (DevState, _) = call(http, urls, 0, "POST", "/api/dev/clock", None, body).await;
}

struct Run {
    label: &'static str,
    shoppers: usize,
    stock: u32,
    faults: bool,
}

/// The stream's last sequence: how many messages the cluster's nodes have published so far.
async fn stream_messages(urls: &str) -> u64 {
    let client = async_nats::connect(urls.split(',').collect::<Vec<_>>())
        .await
        .expect("the load run reaches NATS");
    let jetstream = async_nats::jetstream::new(client);
    let mut stream = jetstream
        .get_stream(store_server::cluster::STREAM)
        .await
        .expect("the stream exists");
    stream
        .info()
        .await
        .expect("the stream's info")
        .state
        .last_sequence
}

/// Waits until every node answers `/healthz`.
async fn wait_ready(http: &Http, urls: &[String]) {
    for url in urls {
        let started = Instant::now();
        while send(http, url, "GET", "/healthz", None, None, None)
            .await
            .map(|a| a.status)
            != Ok(200)
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{url} did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn run(
    http: &Http,
    nodes: &mut Nodes,
    nats: Option<&mut NatsCluster>,
    spec: &Run,
) -> serde_json::Value {
    let urls = nodes.urls.clone();
    wait_ready(http, &urls).await;
    println!(
        "== {} ({} shoppers, stock {})",
        spec.label, spec.shoppers, spec.stock
    );
    let settings = DemoSettings {
        crowd: Some(0),
        stock: Some(spec.stock),
        ..DemoSettings::default()
    };
    let body = Some(serde_json::to_string(&settings).unwrap());
    let _: (DevState, _) = call(http, &urls, 0, "POST", "/api/dev/reset", None, body).await;

    // Registrations: every shopper signs in and registers on their home node.
    let started = Instant::now();
    let shoppers: Vec<Shopper> = {
        let (http, urls) = (http.clone(), urls.clone());
        each_of(spec.shoppers, SIGN_INS_IN_FLIGHT, move |i| {
            let (http, urls) = (http.clone(), urls.clone());
            async move { sign_in(&http, &urls, i % urls.len(), i).await }
        })
        .await
    };
    let registrations_per_s = shoppers.len() as f64 / started.elapsed().as_secs_f64();
    println!("  registrations: {registrations_per_s:.0}/s");
    let shoppers = Arc::new(shoppers);

    // The trivial answer and status polls, closed-loop on the first node. The trivial answer
    // is measured before and after the polls and the better figure kept: the ratio of polls
    // to it is then never flattered by a cold first measurement.
    let trivial = || {
        let (http, url) = (http.clone(), urls[0].clone());
        closed_loop(move |_| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                send(&http, &url, "GET", "/healthz", None, None, None)
                    .await
                    .is_ok_and(|a| a.status == 200)
            }
        })
    };
    let trivial_before = trivial().await.0;
    let polls = {
        let (http, url, shoppers) = (http.clone(), urls[0].clone(), shoppers.clone());
        closed_loop(move |n| {
            let (http, url, shoppers) = (http.clone(), url.clone(), shoppers.clone());
            async move {
                let token = &shoppers[n % shoppers.len()].token;
                let path = format!("/api/sales/{SALE}/me");
                send(&http, &url, "GET", &path, Some(token), None, None)
                    .await
                    .is_ok_and(|a| a.status == 200)
            }
        })
        .await
    };
    let trivial_per_s = trivial_before.max(trivial().await.0);
    let (poll_p50, poll_p99) = percentiles(polls.1);
    println!(
        "  trivial {:.0}/s, status polls {:.0}/s ({:.0} %), p50 {poll_p50:.2} ms, p99 {poll_p99:.2} ms",
        trivial_per_s,
        polls.0,
        100.0 * polls.0 / trivial_per_s
    );

    // Joins: everyone at once, once registration has closed.
    let (detail, _): (SaleDetail, _) = call(
        http,
        &urls,
        0,
        "GET",
        &format!("/api/sales/{SALE}"),
        None,
        None,
    )
    .await;
    jump_to(http, &urls, detail.summary.registration_closes + 1_000).await;
    let nats_pids = nats.as_ref().map_or(Vec::new(), |n| n.pids());
    let nats_urls = nats.as_ref().map(|n| n.urls());
    let messages_before = match &nats_urls {
        Some(urls) => Some(stream_messages(urls).await),
        None => None,
    };
    let store_pids = nodes.pids();
    let own_pid = [std::process::id()];
    let cpu_before = [cpu_ms(&store_pids), cpu_ms(&nats_pids), cpu_ms(&own_pid)];
    let started = Instant::now();
    let tickets: Vec<(usize, u32, Duration)> = {
        let (http, urls, joining) = (http.clone(), urls.clone(), shoppers.clone());
        each_of(shoppers.len(), JOINS_IN_FLIGHT, move |i| {
            let (http, urls, shoppers) = (http.clone(), urls.clone(), joining.clone());
            async move {
                let shopper = &shoppers[i];
                let preference = Preference {
                    variant: (i % 3) as u8,
                    accept_other_variant: true,
                };
                let body = Some(serde_json::to_string(&preference).unwrap());
                let path = format!("/api/sales/{SALE}/queue");
                let (view, took): (ShopperView, _) = call(
                    &http,
                    &urls,
                    shopper.home,
                    "POST",
                    &path,
                    Some(&shopper.token),
                    body,
                )
                .await;
                (i, view.ticket.expect("a ticket"), took)
            }
        })
        .await
    };
    let joins_per_s = tickets.len() as f64 / started.elapsed().as_secs_f64();
    // What the joins cost in CPU, whatever else the machine was running: per 1,000 joins, the
    // store nodes, the nats-servers and this load generator.
    let per_1000 = 1_000.0 / tickets.len().max(1) as f64;
    let join_cpu = [
        (cpu_ms(&store_pids) - cpu_before[0]) * per_1000,
        (cpu_ms(&nats_pids) - cpu_before[1]) * per_1000,
        (cpu_ms(&own_pid) - cpu_before[2]) * per_1000,
    ];
    let (join_p50, join_p99) = percentiles(tickets.iter().map(|t| t.2).collect());
    println!("  joins {joins_per_s:.0}/s, p50 {join_p50:.2} ms, p99 {join_p99:.2} ms");
    // Stream messages the joins took (ticks included): the batches' size during the burst.
    let join_messages = match (&nats_urls, messages_before) {
        (Some(urls), Some(before)) => Some(stream_messages(urls).await - before),
        _ => None,
    };
    if let Some(messages) = join_messages {
        println!(
            "  stream messages during the joins: {messages} ({:.1} joins a message)",
            tickets.len() as f64 / messages.max(1) as f64
        );
    }
    println!(
        "  CPU per 1,000 joins: store nodes {:.0} ms, nats-servers {:.0} ms, load generator {:.0} ms",
        join_cpu[0], join_cpu[1], join_cpu[2]
    );
    let tickets: HashMap<usize, u32> = tickets.iter().map(|&(i, t, _)| (i, t)).collect();

    // The sale: every shopper polls once a second and checks out when holding.
    jump_to(http, &urls, detail.summary.starts_at + 100).await;
    let sale_started = Instant::now();
    let checkouts = Arc::new(std::sync::Mutex::new(Vec::<Duration>::new()));
    let refused_retries = Arc::new(AtomicU64::new(0));
    let already_taken = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..shoppers.len())
        .map(|i| {
            let (http, urls, shoppers, checkouts, refused_retries, already_taken) = (
                http.clone(),
                urls.clone(),
                shoppers.clone(),
                checkouts.clone(),
                refused_retries.clone(),
                already_taken.clone(),
            );
            tokio::spawn(async move {
                let shopper = &shoppers[i];
                let me = format!("/api/sales/{SALE}/me");
                // Spread the first polls over the first second, as real shoppers' would be.
                tokio::time::sleep(Duration::from_millis((i % 1000) as u64)).await;
                loop {
                    let (view, _): (ShopperView, _) = call(
                        &http,
                        &urls,
                        shopper.home,
                        "GET",
                        &me,
                        Some(&shopper.token),
                        None,
                    )
                    .await;
                    match view.status {
                        ShopperStatus::Holding { hold } if !hold.paying => {
                            let checkout = CheckoutRequest {
                                variant: hold.variant,
                                address: Address {
                                    name: "Ada Load".into(),
                                    line1: "1 Long Street".into(),
                                    city: "Leeds".into(),
                                    postcode: "LS1 4AP".into(),
                                    ..Address::default()
                                },
                                payment: PaymentMethod::CardApproves,
                            };
                            let body = Some(serde_json::to_string(&checkout).unwrap());
                            let path = format!("/api/sales/{SALE}/checkout");
                            // The store remembers its last 200 answers by idempotency key: a
                            // retry after a node could not confirm may come later than that and
                            // be refused though the first attempt acted. The next poll tells.
                            match try_call::<ShopperView>(
                                &http,
                                &urls,
                                shopper.home,
                                "POST",
                                &path,
                                Some(&shopper.token),
                                body,
                            )
                            .await
                            {
                                Ok((_, took)) => checkouts.lock().unwrap().push(took),
                                Err((attempts, _)) if attempts > 1 => {
                                    refused_retries.fetch_add(1, Ordering::Relaxed);
                                }
                                // A node answers reads from its own replica: one behind the
                                // stream (a node just restarted, or the shopper's node was
                                // down and another answered) may show the hold after its
                                // checkout was taken. The store refuses the second checkout
                                // (its payment is in flight, or the order is made); the next
                                // polls show the order.
                                Err((_, a))
                                    if a.status == 409
                                        && (a.body.contains("\"limit_reached\"")
                                            || a.body.contains("\"payment_in_flight\"")) =>
                                {
                                    already_taken.fetch_add(1, Ordering::Relaxed);
                                }
                                Err((_, a)) => panic!("checkout: {} {}", a.status, a.body),
                            }
                        }
                        ShopperStatus::Ordered { .. }
                        | ShopperStatus::SoldOut { .. }
                        | ShopperStatus::Missed
                        | ShopperStatus::HoldExpired { .. } => {
                            return (view.order.map(|o| o.number), view.ticket);
                        }
                        _ => {}
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        })
        .collect();

    // Faults: in the middle of the sale, kill -9 one store node and one nats-server node,
    // then start both again.
    let mut faults = json!(null);
    if spec.faults {
        tokio::time::sleep(Duration::from_secs(2)).await;
        println!("  kill -9: store node 3 and nats-server n1");
        nodes.kill(2);
        let nats = nats.expect("faults need the cluster");
        nats.kill(1);
        // How long nodes 1 and 2 refuse commands around the nats-server's death and restart:
        // every 100 ms each is sent a command the store refuses for its own reasons (a phone
        // number that is not one, no idempotency key): any answer but a 503 or no answer means
        // the node got it through the stream.
        let probes: Vec<_> = urls[..2]
            .iter()
            .map(|url| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move {
                    let (mut longest, mut since) = (Duration::ZERO, None::<Instant>);
                    let probing = Instant::now();
                    while probing.elapsed() < Duration::from_secs(20) {
                        let sent = Instant::now();
                        let body = Some(r#"{"phone":"not a number"}"#.to_string());
                        let answer =
                            send(&http, &url, "POST", "/api/auth/code", None, None, body).await;
                        match answer {
                            Ok(a) if a.status != 503 => {
                                if let Some(from) = since.take() {
                                    longest = longest.max(from.elapsed());
                                }
                            }
                            _ => {
                                since.get_or_insert(sent);
                            }
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    if let Some(from) = since {
                        longest = longest.max(from.elapsed());
                    }
                    ms(longest)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(3)).await;
        nats.restart(1).expect("nats-server n1 starts again");
        let restarted = Instant::now();
        nodes.spawn(2);
        wait_ready(http, &urls[2..]).await;
        let caught_up_ms = ms(restarted.elapsed());
        println!("  store node 3 back and caught up in {caught_up_ms:.0} ms");
        let mut refusing_ms = Vec::new();
        for probe in probes {
            refusing_ms.push(probe.await.unwrap());
        }
        println!(
            "  longest stretch of refused commands, nodes 1 and 2: {:.0} ms, {:.0} ms",
            refusing_ms[0], refusing_ms[1]
        );
        faults = json!({
            "killed": ["store node 3", "nats-server n1"],
            "restarted_node_ready_ms": caught_up_ms,
            "longest_refusing_ms_nodes_1_and_2": refusing_ms,
        });
    }

    let mut ends = Vec::new();
    for task in tasks {
        ends.push(task.await.unwrap());
    }
    let sale_s = sale_started.elapsed().as_secs_f64();
    let checkouts = checkouts.lock().unwrap().clone();
    let checkouts_per_s = checkouts.len() as f64 / sale_s;
    let (checkout_p50, checkout_p99) = percentiles(checkouts.clone());
    println!(
        "  sale over in {sale_s:.1} s: {} checkouts ({checkouts_per_s:.0}/s), p50 {checkout_p50:.2} ms, p99 {checkout_p99:.2} ms",
        checkouts.len()
    );

    // Invariants, on every node.
    let acknowledged: Vec<(usize, String)> = ends
        .iter()
        .enumerate()
        .filter_map(|(i, (order, _))| order.clone().map(|o| (i, o)))
        .collect();
    let places_kept = ends
        .iter()
        .enumerate()
        .filter(|(i, (_, ticket))| *ticket == tickets.get(i).copied())
        .count();
    let unique: HashSet<&String> = acknowledged.iter().map(|(_, o)| o).collect();
    let mut per_node = Vec::new();
    let mut missing_on_nodes = 0;
    for (n, url) in urls.iter().enumerate() {
        let one = std::slice::from_ref(url);
        let (state, _): (DevState, _) =
            call(http, one, 0, "GET", "/api/dev/state", None, None).await;
        let sale = state.sales.iter().find(|s| s.id == SALE).expect("the sale");
        let mut orders_here = 0;
        for (i, number) in &acknowledged {
            let (orders, _): (Vec<OrderView>, _) = call(
                http,
                one,
                0,
                "GET",
                "/api/orders",
                Some(&shoppers[*i].token),
                None,
            )
            .await;
            let mine: Vec<_> = orders.iter().filter(|o| o.sale_id == SALE).collect();
            if mine.len() == 1 && &mine[0].number == number {
                orders_here += 1;
            } else {
                missing_on_nodes += 1;
            }
        }
        per_node.push(json!({
            "node": n + 1,
            "sold": sale.counters.sold,
            "orders": sale.counters.orders,
            "acknowledged_orders_present": orders_here,
        }));
    }
    let sold = per_node[0]["sold"].as_u64().unwrap_or(0);
    let run_messages = match &nats_urls {
        Some(urls) => Some(stream_messages(urls).await),
        None => None,
    };
    println!(
        "  sold {sold} of {}, {} acknowledged orders, {} duplicates, {missing_on_nodes} missing on some node, {places_kept}/{} places kept",
        spec.stock,
        acknowledged.len(),
        acknowledged.len() - unique.len(),
        shoppers.len()
    );
    json!({
        "label": spec.label,
        "nodes": urls.len(),
        "shoppers": spec.shoppers,
        "stock": spec.stock,
        "registrations_per_s": registrations_per_s,
        "trivial_per_s": trivial_per_s,
        "status_polls_per_s": polls.0,
        "status_polls_over_trivial": polls.0 / trivial_per_s,
        "status_p50_ms": poll_p50,
        "status_p99_ms": poll_p99,
        "joins_per_s": joins_per_s,
        "join_p50_ms": join_p50,
        "join_p99_ms": join_p99,
        "stream_messages": run_messages,
        "join_stream_messages": join_messages,
        "joins_per_stream_message": join_messages.map(|m| tickets.len() as f64 / m.max(1) as f64),
        "join_cpu_ms_per_1000": {
            "store_nodes": join_cpu[0],
            "nats_servers": join_cpu[1],
            "load_generator": join_cpu[2],
        },
        "checkouts": checkouts.len(),
        "checkouts_per_s": checkouts_per_s,
        "checkout_p50_ms": checkout_p50,
        "checkout_p99_ms": checkout_p99,
        "checkout_retries_refused_after_the_first_acted": refused_retries.load(Ordering::Relaxed),
        "checkouts_refused_as_already_taken_after_a_poll_from_behind": already_taken.load(Ordering::Relaxed),
        "sale_seconds": sale_s,
        "sold": sold,
        "oversold": sold.saturating_sub(spec.stock as u64),
        "acknowledged_orders": acknowledged.len(),
        "duplicate_orders": acknowledged.len() - unique.len(),
        "acknowledged_orders_missing_on_a_node": missing_on_nodes,
        "places_kept": places_kept,
        "per_node": per_node,
        "faults": faults,
    })
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    let shoppers: usize = arg("--shoppers").map_or(12_000, |v| v.parse().expect("--shoppers N"));
    let stock: u32 = arg("--stock").map_or(150, |v| v.parse().expect("--stock N"));
    let server = PathBuf::from(arg("--server").unwrap_or("target/server/store-server".into()));
    let dist = arg("--dist").unwrap_or("dist".into());
    let work = PathBuf::from("target/load-run");
    let _ = std::fs::remove_dir_all(&work);
    let http = Http::default();
    let node_args = |port: u16, data: &str, nats: Option<&str>| {
        let mut args = vec![
            "--demo".to_string(),
            "--addr".into(),
            format!("127.0.0.1:{port}"),
            "--dist".into(),
            dist.clone(),
            "--data".into(),
            work.join(data).display().to_string(),
        ];
        if let Some(urls) = nats {
            args.extend(["--nats".into(), urls.into()]);
        }
        args
    };
    // Children of a run that was killed outlive it (release builds abort on panic, no
    // destructors): refuse to measure against them.
    for port in [18_080, 18_081, 18_082, 18_083, 14_222, 14_223, 14_224] {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            eprintln!("load: port {port} is in use (a server left from an earlier run?)");
            std::process::exit(2);
        }
    }
    let wanted = arg("--runs").unwrap_or("one,three,kill".into());
    let wanted: Vec<&str> = wanted.split(',').collect();
    let all = ["one", "three", "kill"].iter().all(|r| wanted.contains(r));
    let mut runs = Vec::new();

    // One node on its own log.
    if wanted.contains(&"one") {
        let mut nodes = Nodes::start(&server, vec![node_args(18_080, "one", None)], &[18_080]);
        let spec = Run {
            label: "1 node",
            shoppers,
            stock,
            faults: false,
        };
        runs.push(run(&http, &mut nodes, None, &spec).await);
    }
    // Three nodes on a 3-node JetStream cluster, then again with faults.
    for (label, faults) in [("3 nodes", false), ("3 nodes, kill -9 mid-sale", true)] {
        if !wanted.contains(&if faults { "kill" } else { "three" }) {
            continue;
        }
        let mut nats = NatsCluster::start(&work.join(format!("nats-{faults}")), 14_222)
            .expect("nats-server starts (make installs it)");
        let urls = nats.urls();
        let ports = [18_081, 18_082, 18_083];
        let commands = ports
            .iter()
            .enumerate()
            .map(|(i, &p)| node_args(p, &format!("node{i}"), Some(&urls)))
            .collect();
        let mut nodes = Nodes::start(&server, commands, &ports);
        let spec = Run {
            label,
            shoppers,
            stock,
            faults,
        };
        runs.push(run(&http, &mut nodes, Some(&mut nats), &spec).await);
    }

    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !all {
        let report = json!({ "date": date, "runs": runs, "partial": true });
        std::fs::write(
            "target/load-partial.json",
            serde_json::to_string_pretty(&report).unwrap(),
        )
        .expect("target/load-partial.json written");
        println!("wrote target/load-partial.json (not every run: no budgets judged)");
        let _ = std::fs::remove_dir_all(&work);
        return;
    }
    let one = &runs[0];
    let three = &runs[1];
    let budgets = json!({
        "status_polls_at_least_half_of_trivial_on_one_node": one["status_polls_over_trivial"].as_f64() >= Some(0.5),
        "status_p99_at_most_20_ms_on_one_node": one["status_p99_ms"].as_f64() <= Some(20.0),
        "joins_at_least_10000_per_s_through_the_stream": three["joins_per_s"].as_f64() >= Some(10_000.0),
        "no_oversold": runs.iter().all(|r| r["oversold"] == 0),
        "sold_equals_stock": runs.iter().all(|r| r["sold"] == r["stock"]),
        "no_duplicate_orders": runs.iter().all(|r| r["duplicate_orders"] == 0),
        "every_acknowledged_order_on_every_node": runs.iter().all(|r| r["acknowledged_orders_missing_on_a_node"] == 0),
        "every_place_kept": runs.iter().all(|r| r["places_kept"] == r["shoppers"]),
    });
    let report = json!({
        "date": date,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "runs": runs,
        "budgets": budgets,
    });
    std::fs::write(
        "target/load.json",
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .expect("target/load.json written");
    println!("{}", serde_json::to_string_pretty(&budgets).unwrap());
    println!("wrote target/load.json");
    let _ = std::fs::remove_dir_all(&work);
}
