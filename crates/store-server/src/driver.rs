//! What moves the store on between calls, so payments settle into orders, holds run out and
//! the queue moves at their moment rather than at the next shopper's call.
//!
//! One node sleeps until the store's next moment ([`Node::next_due`]): nothing wakes it while
//! nothing is due, and a moment is met within a few milliseconds. A command may bring a
//! moment nearer (a checkout's payment, a turn for a new joiner), so each one wakes the driver
//! to look again. A node of a cluster moves on with ticks in the stream instead, on a fixed
//! beat (see [`drive_cluster`] for why).
use std::time::Duration;

use crate::backend::Backend;
use crate::cluster::Cluster;
use crate::node::{real_now, Node};

/// The longest one node sleeps: the store's next moment is asked again at least this often,
/// should the machine's clock have jumped meanwhile.
const SLEEP_AT_MOST: Duration = Duration::from_secs(1);
/// The shortest one node sleeps between two looks at the store: moments closer together than
/// this are taken in one pass, and a store whose moment stays due (which the store never
/// leaves so) costs a pass this often rather than a spinning thread. Commands coming faster
/// than this are looked at together.
const SLEEP_AT_LEAST: Duration = Duration::from_millis(10);
/// How often a cluster node looks whether its stream has been quiet for
/// [`crate::cluster::TICK_AFTER_MS`] and publishes a tick if so.
const CLUSTER_EVERY: Duration = Duration::from_millis(100);

/// Moves the store on for as long as the server runs.
pub(crate) async fn drive(store: &Backend) {
    match store {
        Backend::Local(node) => drive_node(node).await,
        Backend::Cluster(cluster) => drive_cluster(cluster).await,
    }
}

/// How long one node may sleep before the store next changes without a call.
fn sleep_for(node: &Node) -> Duration {
    let Some(due) = node.next_due() else {
        return SLEEP_AT_MOST;
    };
    // A millisecond past the moment: the sleep's clock and the store's are not the same one,
    // and a pass a hair early would leave the moment for the next.
    let wait = Duration::from_secs_f64(((due + 1.0 - real_now()) / 1_000.0).max(0.0));
    wait.clamp(SLEEP_AT_LEAST, SLEEP_AT_MOST)
}

/// One node: moves the store to now, then sleeps until its next moment or a command, whichever
/// comes first. A command caught the store up itself, so after one the driver only looks again
/// at when the next moment is (after [`SLEEP_AT_LEAST`], so a stream of commands costs a look
/// per that much time, not one each).
async fn drive_node(node: &Node) {
    loop {
        node.advance().await;
        loop {
            tokio::select! {
                () = tokio::time::sleep(sleep_for(node)) => break,
                () = node.commanded() => tokio::time::sleep(SLEEP_AT_LEAST).await,
            }
        }
    }
}

/// A cluster node publishes a tick once its stream has been quiet for
/// [`crate::cluster::TICK_AFTER_MS`], whatever is due. Those ticks are what every replica
/// moves on by, so a read sees store time pass: a node answers a read at its last entry's
/// time, and refuses one once that entry is older than [`crate::cluster::STALE_AFTER_MS`]. A
/// node that ticked only when the store was due would leave every replica's time behind for up
/// to that long, and make current nodes look stale; so the beat stays.
async fn drive_cluster(cluster: &Cluster) {
    let mut every = tokio::time::interval(CLUSTER_EVERY);
    loop {
        every.tick().await;
        cluster.advance().await;
    }
}
