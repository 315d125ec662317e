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
}
