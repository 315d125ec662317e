//! The scale run: one node and a crowd shaped like a Xiaomi Mi 3 flash sale's (everyone signed
//! up ahead, everyone there at the sale moment; 200,000 shoppers by default). The shoppers sign
//! up, the node's memory is read before and after, every shopper joins at the sale moment, and
//! in the sale each polls again when its last answer's `poll_after_ms` says. A snapshot is
//! written once every shopper has signed up; after the sale the node is killed (`kill -9`) and
//! started again on its data, and every acknowledged order must still be there. The same crowd
//! then comes to three nodes of a JetStream cluster, with the kill run's nemesis in the sale.
use std::sync::Arc;
use std::time::Instant;

use crate::client::{send, Http};
use crate::nemesis::nemesis;
use crate::phases::*;
use crate::processes::{peak_rss_bytes, rss_bytes, Nats, Nodes};
use crate::report::{ClusterScaleRun, HintedPolls, Memory, Restart, ScaleRun, SignUps, Snapshot};
use crate::sale::{Pace, Sale, SaleEnd};

/// Its registration stays open for hours of store time, so a crowd of any size signs up
/// before it closes (the one-node run's sale closes two minutes after the reset).
const SALE: &str = "k7-pro-launch";
/// The longest poll hint the store gives, in seconds: in that long after the crowd's first round,
/// every shopper still in the sale polls at least once.
const LONGEST_HINT_S: u64 = 30;

pub async fn scale_run(
    http: &Http,
    nodes: &mut Nodes,
    count: usize,
    stock: u32,
) -> Result<ScaleRun, String> {
    let urls = nodes.urls.clone();
    let pid = nodes.pid(0).ok_or("the scale run's node is not running")?;
    println!("== scale: 1 node ({count} shoppers, stock {stock}, sale {SALE})");
    reset(http, &urls, stock).await?;
    let detail = detail(http, &urls, SALE).await?;
    let summary = &detail.summary;
    jump_to(http, &urls, summary.registration_opens + 1_000).await?;

    let baseline_rss_bytes = rss_bytes(pid)?;
    let signed = sign_up(http, &urls, SALE, count).await?;
    // A snapshot of the store holding every shopper; the restart below then replays the
    // joins and the sale from the log after it, or from a later snapshot the node takes. The
    // node writes snapshots one at a time, so once this one is written none is in flight, and
    // the memory read next is the store's at rest; the peak, a snapshot's copy included, is
    // reported beside it.
    let snapshot = snapshot(http, &urls[0]).await;
    let after_sign_ups_rss_bytes = rss_bytes(pid)?;
    let peak_rss_bytes = peak_rss_bytes(pid)?;
    let sign_ups = sign_ups(&signed);
    let per_shopper_bytes =
        after_sign_ups_rss_bytes.saturating_sub(baseline_rss_bytes) as f64 / count as f64;
    println!(
        "  node RSS {:.1} MiB before, {:.1} MiB after: {per_shopper_bytes:.0} bytes a shopper (peak {:.1} MiB)",
        mib(baseline_rss_bytes),
        mib(after_sign_ups_rss_bytes),
        mib(peak_rss_bytes)
    );
    match &snapshot {
        Snapshot::Written(s) => println!(
            "  snapshot: {:.1} MiB, {} records, clone {:.1} ms, write {:.1} ms",
            mib(s.bytes),
            s.records,
            s.clone_ms,
            s.write_ms
        ),
        Snapshot::Unavailable(why) => println!("  snapshot: {why}"),
    }

    let shoppers = Arc::new(signed.shoppers);
    let trivial_before = trivial_per_s(http, &urls[0]).await?;

    jump_to(http, &urls, summary.registration_closes + 1_000).await?;
    let charged = Charged {
        store_nodes: nodes.pids(),
        nats_servers: Vec::new(),
    };
    let (tickets, joins) = join_all(
        http,
        &urls,
        SALE,
        detail.variants.len(),
        &shoppers,
        &charged,
    )
    .await?;

    jump_to(http, &urls, summary.starts_at + 100).await?;
    let sale = Sale::start(http, &urls, SALE, &shoppers, &tickets, Pace::AsHinted);
    let end = sale.end().await?;
    let trivial = trivial_before.max(trivial_per_s(http, &urls[0]).await?);
    let polls = hinted_polls(&end, trivial);
    println!(
        "  polls: first round answered {:.1} s in; steady {:.0}/s over {}-{} s ({:.1} % of the trivial {trivial:.0}/s); peak {}/s; p50 {:.2} ms, p99 {:.2} ms",
        polls.first_round_s,
        polls.steady_per_s,
        polls.steady_from_s,
        polls.steady_to_s,
        100.0 * polls.steady_over_trivial,
        polls.peak_per_s,
        polls.p50_ms,
        polls.p99_ms
    );
    let after_sale_rss_bytes = rss_bytes(pid)?;
    let invariants = invariants(http, &urls, SALE, stock, &shoppers, &tickets, &end.ended).await?;

    // Every answer above has been received, so everything acknowledged must survive this.
    let acknowledged = acknowledged(&end.ended);
    nodes.kill(0);
    let restarted = Instant::now();
    nodes.spawn(0)?;
    nodes
        .wait_answering(http, 0, &format!("/api/sales/{SALE}"))
        .await?;
    let to_serving_ms = ms(restarted.elapsed());
    let restarted_pid = nodes.pid(0).ok_or("the restarted node is not running")?;
    let after_restart_rss_bytes = rss_bytes(restarted_pid)?;
    let present = orders_present(http, &urls[0], SALE, &shoppers, &acknowledged).await?;
    let restart = Restart {
        to_serving_ms,
        acknowledged_orders_present: present,
        acknowledged_orders_missing: acknowledged.len() - present,
        sold_after: node_sale(http, &urls[0], SALE).await?.counters.sold,
    };
    println!(
        "  kill -9 and start again: serving in {to_serving_ms:.0} ms (RSS {:.1} MiB), {present} of {} acknowledged orders there, sold {}",
        mib(after_restart_rss_bytes),
        acknowledged.len(),
        restart.sold_after
    );
    Ok(ScaleRun {
        shoppers: count,
        stock,
        sale: SALE,
        sign_ups,
        memory: Memory {
            baseline_rss_bytes,
            after_sign_ups_rss_bytes,
            peak_rss_bytes,
            per_shopper_bytes,
            after_sale_rss_bytes,
            after_restart_rss_bytes,
        },
        joins,
        polls,
        checkouts: end.checkouts,
        invariants,
        snapshot,
        restart,
    })
}

/// The scale run on three nodes of a JetStream cluster: the same crowd signs up and joins
/// through the stream, and in the sale the nemesis kills and stops what it kills and stops in
/// the kill run, at this size (a store node restarts from the newest snapshot in the bucket).
pub async fn cluster_scale_run(
    http: &Http,
    nodes: &mut Nodes,
    nats: &mut Nats,
    count: usize,
    stock: u32,
) -> Result<ClusterScaleRun, String> {
    let urls = nodes.urls.clone();
    println!(
        "== scale: 3 nodes, a nemesis mid-sale ({count} shoppers, stock {stock}, sale {SALE})"
    );
    reset(http, &urls, stock).await?;
    let detail = detail(http, &urls, SALE).await?;
    let summary = &detail.summary;
    jump_to(http, &urls, summary.registration_opens + 1_000).await?;
    let signed = sign_up(http, &urls, SALE, count).await?;
    let sign_ups = sign_ups(&signed);
    let shoppers = Arc::new(signed.shoppers);
    jump_to(http, &urls, summary.registration_closes + 1_000).await?;
    let charged = Charged {
        store_nodes: nodes.pids(),
        nats_servers: nats.cluster().pids(),
    };
    let (tickets, joins) = join_all(
        http,
        &urls,
        SALE,
        detail.variants.len(),
        &shoppers,
        &charged,
    )
    .await?;
    jump_to(http, &urls, summary.starts_at + 100).await?;
    let sale = Sale::start(http, &urls, SALE, &shoppers, &tickets, Pace::AsHinted);
    let faults = nemesis(http, nodes, nats).await?;
    let end = sale.end().await?;
    let invariants = invariants(http, &urls, SALE, stock, &shoppers, &tickets, &end.ended).await?;
    Ok(ClusterScaleRun {
        shoppers: count,
        stock,
        sale: SALE,
        sign_ups,
        joins,
        checkouts: end.checkouts,
        invariants,
        faults,
    })
}

/// How the sign-ups went, printed: does a sign-up cost more as the store fills?
fn sign_ups(signed: &Signed) -> SignUps {
    let (first_tenth_per_s, last_tenth_per_s) = signed.first_and_last_tenth_per_s();
    let sign_ups = SignUps {
        seconds: signed.seconds(),
        per_s: signed.per_s(),
        first_tenth_per_s,
        last_tenth_per_s,
        last_over_first: last_tenth_per_s / first_tenth_per_s,
    };
    println!(
        "  sign-ups {:.0}/s in {:.1} s (first tenth {first_tenth_per_s:.0}/s, last tenth {last_tenth_per_s:.0}/s)",
        sign_ups.per_s, sign_ups.seconds
    );
    sign_ups
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// The crowd's polls: the rate in steady state is taken over the longest hint's length after
/// the first round (every shopper answered once), whole seconds only, cut short by the sale's
/// end; over the whole sale when that leaves no whole second.
fn hinted_polls(end: &SaleEnd, trivial_per_s: f64) -> HintedPolls {
    let first_round = end
        .ended
        .iter()
        .map(|e| e.first_answer)
        .max()
        .unwrap_or_default();
    let whole_seconds = end.seconds.floor() as u64;
    let mut from = first_round.as_secs_f64().ceil() as u64;
    let mut to = (from + LONGEST_HINT_S).min(whole_seconds);
    if to <= from {
        (from, to) = (0, whole_seconds.max(1));
    }
    let seconds = &end.answered_by_second;
    let in_window: u64 = seconds
        .iter()
        .skip(from as usize)
        .take((to - from) as usize)
        .sum();
    let steady_per_s = in_window as f64 / (to - from) as f64;
    let (p50_ms, p99_ms) = percentiles(end.polls.clone());
    HintedPolls {
        trivial_per_s,
        first_round_s: first_round.as_secs_f64(),
        steady_from_s: from,
        steady_to_s: to,
        steady_per_s,
        steady_over_trivial: steady_per_s / trivial_per_s,
        peak_per_s: seconds.iter().copied().max().unwrap_or(0),
        p50_ms,
        p99_ms,
        answered_by_second: seconds.clone(),
    }
}

/// Writes a snapshot (`GET /api/dev/snapshot`) and reads what it cost, or says why not.
async fn snapshot(http: &Http, url: &str) -> Snapshot {
    match send(http, url, "GET", "/api/dev/snapshot", None, None, None).await {
        Ok(a) if a.status == 200 => serde_json::from_str(&a.body).map_or_else(
            |e| Snapshot::Unavailable(format!("unavailable: an answer not understood ({e})")),
            Snapshot::Written,
        ),
        Ok(a) => Snapshot::Unavailable(format!("unavailable: {} {}", a.status, a.body)),
        Err(e) => Snapshot::Unavailable(format!("unavailable: {e}")),
    }
}
