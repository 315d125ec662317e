//! Where the store's log lives: one machine's, or a cluster's stream.
use crate::metrics;
use crate::{cluster, node};

/// Where the store's log lives.
pub enum Backend {
    /// One machine: the command log in the data directory.
    Local(Box<node::Node>),
    /// One node of many: the replicated stream on NATS JetStream.
    Cluster(Box<cluster::Cluster>),
}

impl Backend {
    pub async fn answer(
        &self,
        request: &store_contract::StoreRequest,
    ) -> store_contract::StoreResponse {
        match self {
            Backend::Local(node) => node.answer(request).await,
            Backend::Cluster(cluster) => cluster.answer(request).await,
        }
    }

    pub fn demo(&self) -> bool {
        match self {
            Backend::Local(node) => node.demo(),
            Backend::Cluster(cluster) => cluster.demo(),
        }
    }

    /// The text of `GET /metrics`.
    pub fn metrics(&self) -> String {
        match self {
            Backend::Local(node) => metrics::render(&node.figures(), None),
            Backend::Cluster(cluster) => {
                metrics::render(&cluster.figures(), Some(cluster.applied()))
            }
        }
    }

    /// The last log or stream entry this node applied, and how far behind the newest it is
    /// (ms). A node on its own log is its log: never behind. A cluster node more than 2 s
    /// behind answers nothing from its replica (it says it is catching up), so an answering
    /// one is within that; it reports no finer lag.
    pub fn position(&self) -> (u64, u64) {
        match self {
            Backend::Local(node) => (node.applied(), 0),
            Backend::Cluster(cluster) => (cluster.applied(), 0),
        }
    }
}
