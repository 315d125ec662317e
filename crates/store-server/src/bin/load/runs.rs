//! The one-node, three-node and kill runs: shoppers sign in and register; the trivial answer
//! (`/healthz`) and status polls are measured closed-loop on the first node; every shopper
//! joins at once; then the sale: each shopper polls their status every second and checks out
//! when holding; the kill run sets its nemesis on the cluster in the middle of it. At the end
//! the invariants are checked on every node.
use std::sync::Arc;

use crate::client::{send, Http};
use crate::nemesis::nemesis;
use crate::phases::*;
use crate::processes::{Nats, Nodes};
use crate::report::SaleRun;
use crate::sale::{Pace, Sale};

const SALE: &str = "k7-first-drop";

pub struct Spec {
    pub label: &'static str,
    pub shoppers: usize,
    pub stock: u32,
    pub faults: bool,
}

pub async fn sale_run(
    http: &Http,
    nodes: &mut Nodes,
    mut nats: Option<&mut Nats>,
    spec: &Spec,
) -> Result<SaleRun, String> {
    let urls = nodes.urls.clone();
    println!(
        "== {} ({} shoppers, stock {})",
        spec.label, spec.shoppers, spec.stock
    );
    reset(http, &urls, spec.stock).await?;
    let sign_ups = sign_up(http, &urls, SALE, spec.shoppers).await?;
    let registrations_per_s = sign_ups.per_s();
    println!("  registrations: {registrations_per_s:.0}/s");
    let shoppers = Arc::new(sign_ups.shoppers);

    // The trivial answer and status polls, closed-loop on the first node. The trivial answer
    // is measured before and after the polls and the better figure kept: the ratio of polls
    // to it is then never flattered by a cold first measurement.
    let trivial_before = trivial_per_s(http, &urls[0]).await?;
    let (polls_per_s, poll_latencies) = {
        let (http, url, shoppers) = (http.clone(), urls[0].clone(), shoppers.clone());
        closed_loop(move |n| {
            let (http, url, shoppers) = (http.clone(), url.clone(), shoppers.clone());
            async move {
                let token = Some(shoppers[n % shoppers.len()].token.as_str());
                let path = format!("/api/sales/{SALE}/me");
                send(&http, &url, "GET", &path, token, None, None)
                    .await
                    .is_ok_and(|a| a.status == 200)
            }
        })
        .await?
    };
    let trivial = trivial_before.max(trivial_per_s(http, &urls[0]).await?);
    let (poll_p50, poll_p99) = percentiles(poll_latencies);
    println!(
        "  trivial {trivial:.0}/s, status polls {polls_per_s:.0}/s ({:.0} %), p50 {poll_p50:.2} ms, p99 {poll_p99:.2} ms",
        100.0 * polls_per_s / trivial
    );

    // Joins: everyone at once, once registration has closed.
    let detail = detail(http, &urls, SALE).await?;
    let summary = &detail.summary;
    jump_to(http, &urls, summary.registration_closes + 1_000).await?;
    let messages_before = match nats.as_deref() {
        Some(nats) => Some(stream_messages(nats).await?),
        None => None,
    };
    let charged = Charged {
        store_nodes: nodes.pids(),
        nats_servers: nats.as_deref().map_or(Vec::new(), |n| n.cluster().pids()),
    };
    let (tickets, mut joins) = join_all(
        http,
        &urls,
        SALE,
        detail.variants.len(),
        &shoppers,
        &charged,
    )
    .await?;
    if let (Some(nats), Some(before)) = (nats.as_deref(), messages_before) {
        let messages = stream_messages(nats).await? - before;
        let per_message = tickets.len() as f64 / messages.max(1) as f64;
        println!(
            "  stream messages during the joins: {messages} ({per_message:.1} joins a message)"
        );
        joins.stream_messages = Some(messages);
        joins.per_stream_message = Some(per_message);
    }

    // The sale: every shopper polls once a second and checks out when holding.
    jump_to(http, &urls, summary.starts_at + 100).await?;
    let sale = Sale::start(http, &urls, SALE, &shoppers, &tickets, Pace::EverySecond);
    let faults = match nats.as_deref_mut() {
        Some(nats) if spec.faults => Some(nemesis(http, nodes, nats).await?),
        _ => None,
    };
    let end = sale.end().await?;
    let invariants = invariants(
        http, &urls, SALE, spec.stock, &shoppers, &tickets, &end.ended,
    )
    .await?;
    let stream_messages = match nats.as_deref() {
        Some(nats) => Some(stream_messages(nats).await?),
        None => None,
    };
    Ok(SaleRun {
        label: spec.label,
        nodes: urls.len(),
        shoppers: spec.shoppers,
        stock: spec.stock,
        registrations_per_s,
        trivial_per_s: trivial,
        status_polls_per_s: polls_per_s,
        status_polls_over_trivial: polls_per_s / trivial,
        status_p50_ms: poll_p50,
        status_p99_ms: poll_p99,
        joins,
        stream_messages,
        checkouts: end.checkouts,
        invariants,
        faults,
    })
}

/// The stream's last sequence: how many messages the cluster's nodes have published so far.
async fn stream_messages(nats: &Nats) -> Result<u64, String> {
    let cluster = nats.cluster();
    let client = store_server::nats::connect(&cluster.urls(), cluster.credentials()).await?;
    let jetstream = async_nats::jetstream::new(client);
    let info = store_server::nats::stream_info(&jetstream, store_server::cluster::STREAM).await?;
    Ok(info.state.last_sequence)
}
