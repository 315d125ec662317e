//! The steps every run is made of, but the sale itself (`sale.rs`): the store reset, shoppers
//! signed up, the closed-loop measurements, the joins and the invariants checked after the sale.
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use store_contract::demo::{
    ClockChange, CodesRequest, DemoSettings, DevSale, DevState, IssuedCode, MAX_CODES_AT_ONCE,
};
use store_contract::*;
use tokio::task::JoinSet;

use crate::client::{call, json, send, Http};
use crate::processes::cpu_ms;
use crate::report::{Cpu, Invariants, Joins, NodeCounts};
use crate::sale::Ended;

/// Requests in flight in the closed-loop measurements.
const IN_FLIGHT: usize = 64;
const MEASURE_FOR: Duration = Duration::from_secs(3);
/// Joins in flight: a crowd at the sale moment, many at once on every node.
const JOINS_IN_FLIGHT: usize = 384;
/// Batches of codes signed up at once on each node: while one batch's shoppers verify and
/// register, the next batch's codes are on their way.
const BATCHES_IN_FLIGHT_PER_NODE: usize = 2;
/// Shoppers of one batch verifying and registering at once.
const SIGN_UPS_IN_FLIGHT_PER_BATCH: usize = 32;

pub struct Shopper {
    pub home: usize,
    pub token: String,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// p50 and p99 in milliseconds.
pub fn percentiles(mut latencies: Vec<Duration>) -> (f64, f64) {
    if latencies.is_empty() {
        return (0.0, 0.0);
    }
    latencies.sort();
    let at = |q: f64| ms(latencies[((latencies.len() - 1) as f64 * q).round() as usize]);
    (at(0.50), at(0.99))
}

/// Runs `job(i)` for every `i` in `0..n`, `in_flight` at a time: each worker takes the next
/// index as soon as its last job ends. The results come back grouped by worker, not by index;
/// the first failure stops the rest.
pub async fn each_of<T, F, Fut>(n: usize, in_flight: usize, job: F) -> Result<Vec<T>, String>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, String>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..in_flight.min(n) {
        let (job, next) = (job.clone(), next.clone());
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(mine);
                }
                mine.push(job(i).await?);
            }
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(worker) = workers.join_next().await {
        all.extend(worker.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

/// Requests per second and latencies of `request`, `IN_FLIGHT` at a time for `MEASURE_FOR`.
pub async fn closed_loop<F, Fut>(request: F) -> Result<(f64, Vec<Duration>), String>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for w in 0..IN_FLIGHT {
        let request = request.clone();
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut n = w;
            while started.elapsed() < MEASURE_FOR {
                let t = Instant::now();
                if !request(n).await {
                    return Err("a measured request failed".to_string());
                }
                latencies.push(t.elapsed());
                n += IN_FLIGHT;
            }
            Ok(latencies)
        });
    }
    let mut latencies = Vec::new();
    while let Some(worker) = workers.join_next().await {
        latencies.extend(worker.map_err(|e| e.to_string())??);
    }
    let per_s = latencies.len() as f64 / started.elapsed().as_secs_f64();
    Ok((per_s, latencies))
}

/// The trivial answer's rate (`/healthz`, closed-loop): the yardstick for what a node can take.
pub async fn trivial_per_s(http: &Http, url: &str) -> Result<f64, String> {
    let (http, url) = (http.clone(), url.to_string());
    let (per_s, _) = closed_loop(move |_| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            send(&http, &url, "GET", "/healthz", None, None, None)
                .await
                .is_ok_and(|a| a.status == 200)
        }
    })
    .await?;
    Ok(per_s)
}

/// A fresh demo store with no simulated crowd and `stock` units a sale.
pub async fn reset(http: &Http, urls: &[String], stock: u32) -> Result<(), String> {
    let settings = DemoSettings {
        crowd: Some(0),
        stock: Some(stock),
        ..DemoSettings::default()
    };
    let _: (DevState, _) = call(
        http,
        urls,
        0,
        "POST",
        "/api/dev/reset",
        None,
        json(&settings),
    )
    .await?;
    Ok(())
}

/// The sale as its page shows it: its schedule on store time, its variants.
pub async fn detail(http: &Http, urls: &[String], sale: &str) -> Result<SaleDetail, String> {
    let path = format!("/api/sales/{sale}");
    let (detail, _): (SaleDetail, _) = call(http, urls, 0, "GET", &path, None, None).await?;
    Ok(detail)
}

pub async fn jump_to(http: &Http, urls: &[String], store_ms: u64) -> Result<(), String> {
    let change = ClockChange {
        jump_to_ms: Some(store_ms),
        speed: None,
    };
    let _: (DevState, _) =
        call(http, urls, 0, "POST", "/api/dev/clock", None, json(&change)).await?;
    Ok(())
}

/// One node's view of the sale (`/api/dev/state`).
pub async fn node_sale(http: &Http, url: &str, sale: &str) -> Result<DevSale, String> {
    let one = [url.to_string()];
    let (state, _): (DevState, _) =
        call(http, &one, 0, "GET", "/api/dev/state", None, None).await?;
    state
        .sales
        .into_iter()
        .find(|s| s.id == sale)
        .ok_or_else(|| format!("{url} has no sale {sale}"))
}

/// Shoppers signed up: each signed in and registered for the sale, by index.
pub struct Signed {
    pub shoppers: Vec<Shopper>,
    /// When each sign-up ended, from the start of the first, soonest first.
    pub ended: Vec<Duration>,
}

impl Signed {
    pub fn per_s(&self) -> f64 {
        self.shoppers.len() as f64 / self.seconds()
    }

    pub fn seconds(&self) -> f64 {
        self.ended.last().map_or(0.0, Duration::as_secs_f64)
    }

    /// Sign-ups a second over the first and over the last tenth of them.
    pub fn first_and_last_tenth_per_s(&self) -> (f64, f64) {
        let n = self.ended.len();
        let tenth = (n / 10).max(1);
        if n <= tenth {
            return (self.per_s(), self.per_s());
        }
        let first = self.ended[tenth - 1].as_secs_f64();
        let last = (self.ended[n - 1] - self.ended[n - 1 - tenth]).as_secs_f64();
        (tenth as f64 / first, tenth as f64 / last)
    }
}

fn phone(i: usize) -> String {
    format!("+4477{i:08}")
}

/// Signs `n` shoppers in and registers them for `sale`, as the app does (a code, then verify,
/// then register), with the codes asked for in batches (`POST /api/dev/codes`). Each batch's
/// shoppers use the node that issued their codes, so a cluster node never sees a code before
/// the stream has brought it.
pub async fn sign_up(
    http: &Http,
    urls: &[String],
    sale: &'static str,
    n: usize,
) -> Result<Signed, String> {
    let started = Instant::now();
    let batches = n.div_ceil(MAX_CODES_AT_ONCE);
    let in_flight = BATCHES_IN_FLIGHT_PER_NODE * urls.len();
    let (http, urls) = (http.clone(), Arc::<[String]>::from(urls));
    let mut signed = each_of(batches, in_flight, move |b| {
        let (http, urls) = (http.clone(), urls.clone());
        async move {
            let home = b % urls.len();
            let first = b * MAX_CODES_AT_ONCE;
            let phones = (first..n.min(first + MAX_CODES_AT_ONCE))
                .map(phone)
                .collect();
            let body = json(&CodesRequest { phones });
            let (codes, _): (Vec<IssuedCode>, _) =
                call(&http, &urls, home, "POST", "/api/dev/codes", None, body).await?;
            let codes = Arc::new(codes);
            let count = codes.len();
            each_of(count, SIGN_UPS_IN_FLIGHT_PER_BATCH, move |k| {
                let (http, urls, codes) = (http.clone(), urls.clone(), codes.clone());
                async move {
                    let issued = &codes[k];
                    let code = match (&issued.code, &issued.error) {
                        (Some(code), _) => code.clone(),
                        (None, Some(e)) => return Err(format!("{}: {}", issued.phone, e.message)),
                        (None, None) => return Err(format!("{}: no code", issued.phone)),
                    };
                    let verify = VerifyRequest {
                        phone: issued.phone.clone(),
                        code,
                    };
                    let (session, _): (Session, _) = call(
                        &http,
                        &urls,
                        home,
                        "POST",
                        "/api/auth/verify",
                        None,
                        json(&verify),
                    )
                    .await?;
                    let path = format!("/api/sales/{sale}/registration");
                    let token = Some(session.token.as_str());
                    let _: (ShopperView, _) =
                        call(&http, &urls, home, "POST", &path, token, None).await?;
                    let shopper = Shopper {
                        home,
                        token: session.token,
                    };
                    Ok((first + k, shopper, started.elapsed()))
                }
            })
            .await
        }
    })
    .await?
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let mut ended: Vec<Duration> = signed.iter().map(|s| s.2).collect();
    ended.sort();
    signed.sort_by_key(|s| s.0);
    Ok(Signed {
        shoppers: signed.into_iter().map(|s| s.1).collect(),
        ended,
    })
}

/// The processes whose CPU the joins are charged: store nodes and nats-servers.
pub struct Charged {
    pub store_nodes: Vec<u32>,
    pub nats_servers: Vec<u32>,
}

/// Every shopper joins `sale` at once, `JOINS_IN_FLIGHT` at a time, shopper `i` preferring
/// variant `i % variants` and taking any other: their tickets by index.
pub async fn join_all(
    http: &Http,
    urls: &[String],
    sale: &'static str,
    variants: usize,
    shoppers: &Arc<Vec<Shopper>>,
    charged: &Charged,
) -> Result<(Vec<u32>, Joins), String> {
    let own = [std::process::id()];
    let cpu_before = [
        cpu_ms(&charged.store_nodes),
        cpu_ms(&charged.nats_servers),
        cpu_ms(&own),
    ];
    let started = Instant::now();
    let mut joined = {
        let (http, urls, shoppers) = (http.clone(), Arc::<[String]>::from(urls), shoppers.clone());
        each_of(shoppers.len(), JOINS_IN_FLIGHT, move |i| {
            let (http, urls, shoppers) = (http.clone(), urls.clone(), shoppers.clone());
            async move {
                let shopper = &shoppers[i];
                let preference = Preference {
                    variant: (i % variants) as u8,
                    accept_other_variant: true,
                };
                let path = format!("/api/sales/{sale}/queue");
                let token = Some(shopper.token.as_str());
                let (view, took): (ShopperView, _) = call(
                    &http,
                    &urls,
                    shopper.home,
                    "POST",
                    &path,
                    token,
                    json(&preference),
                )
                .await?;
                let ticket = view.ticket.ok_or("a join answered without a ticket")?;
                Ok((i, ticket, took))
            }
        })
        .await?
    };
    let per_s = joined.len() as f64 / started.elapsed().as_secs_f64();
    let per_1000 = 1_000.0 / joined.len().max(1) as f64;
    let cpu = Cpu {
        store_nodes: (cpu_ms(&charged.store_nodes) - cpu_before[0]) * per_1000,
        nats_servers: (cpu_ms(&charged.nats_servers) - cpu_before[1]) * per_1000,
        load_generator: (cpu_ms(&own) - cpu_before[2]) * per_1000,
    };
    let (p50_ms, p99_ms) = percentiles(joined.iter().map(|j| j.2).collect());
    println!("  joins {per_s:.0}/s, p50 {p50_ms:.2} ms, p99 {p99_ms:.2} ms");
    println!(
        "  CPU per 1,000 joins: store nodes {:.0} ms, nats-servers {:.0} ms, load generator {:.0} ms",
        cpu.store_nodes, cpu.nats_servers, cpu.load_generator
    );
    joined.sort_by_key(|j| j.0);
    let joins = Joins {
        per_s,
        p50_ms,
        p99_ms,
        cpu_ms_per_1000: cpu,
        stream_messages: None,
        per_stream_message: None,
    };
    Ok((joined.into_iter().map(|j| j.1).collect(), joins))
}

/// The acknowledged orders (shopper index, order number) of a sale's end.
pub fn acknowledged(ended: &[Ended]) -> Vec<(usize, String)> {
    ended
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((i, e.order.clone()?)))
        .collect()
}

/// How many of the `acknowledged` orders the node at `url` shows their shopper, each exactly
/// once.
pub async fn orders_present(
    http: &Http,
    url: &str,
    sale: &str,
    shoppers: &[Shopper],
    acknowledged: &[(usize, String)],
) -> Result<usize, String> {
    let one = [url.to_string()];
    let mut present = 0;
    for (i, number) in acknowledged {
        let token = Some(shoppers[*i].token.as_str());
        let (orders, _): (Vec<OrderView>, _) =
            call(http, &one, 0, "GET", "/api/orders", token, None).await?;
        let mine: Vec<_> = orders.iter().filter(|o| o.sale_id == sale).collect();
        if mine.len() == 1 && &mine[0].number == number {
            present += 1;
        }
    }
    Ok(present)
}

/// The sale's invariants, on every node.
pub async fn invariants(
    http: &Http,
    urls: &[String],
    sale: &str,
    stock: u32,
    shoppers: &[Shopper],
    tickets: &[u32],
    ended: &[Ended],
) -> Result<Invariants, String> {
    let acknowledged = acknowledged(ended);
    let places_kept = ended
        .iter()
        .zip(tickets)
        .filter(|(e, ticket)| e.ticket == Some(**ticket))
        .count();
    let unique: HashSet<&String> = acknowledged.iter().map(|(_, o)| o).collect();
    let mut per_node = Vec::new();
    for (n, url) in urls.iter().enumerate() {
        let counters = node_sale(http, url, sale).await?.counters;
        per_node.push(NodeCounts {
            node: n + 1,
            sold: counters.sold,
            orders: counters.orders,
            acknowledged_orders_present: orders_present(http, url, sale, shoppers, &acknowledged)
                .await?,
        });
    }
    let sold = per_node.first().map_or(0, |n| u64::from(n.sold));
    let missing = per_node
        .iter()
        .map(|n| acknowledged.len() - n.acknowledged_orders_present)
        .sum();
    let invariants = Invariants {
        sold,
        oversold: sold.saturating_sub(u64::from(stock)),
        acknowledged_orders: acknowledged.len(),
        duplicate_orders: acknowledged.len() - unique.len(),
        acknowledged_orders_missing_on_a_node: missing,
        places_kept,
        per_node,
    };
    println!(
        "  sold {sold} of {stock}, {} acknowledged orders, {} duplicates, {missing} missing on some node, {places_kept}/{} places kept",
        invariants.acknowledged_orders,
        invariants.duplicate_orders,
        shoppers.len()
    );
    Ok(invariants)
}
