//! The store behind the contract as a real server: the same `sale-store` crate the Service
//! Worker runs, on real time, with a secret per store from the operating system, every
//! command in a durable log (see [`log`]) and the release `dist/` served beside `/api`.
//!
//! [`replica`] is the deterministic state machine over log entries, [`node`] one machine's
//! store with its log, [`cluster`] many nodes over NATS JetStream, [`http`] the contract over
//! HTTP, and `driver` what moves the store on between calls.
pub mod backend;
pub mod cluster;
mod driver;
pub mod http;
pub mod latency;
pub mod log;
pub mod memory;
pub mod metrics;
pub mod nats;
pub mod node;
pub mod replica;
pub mod snapshot;

pub use backend::Backend;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::task::JoinHandle;

pub struct Config {
    pub addr: SocketAddr,
    /// The release build (`make build`): its `index.html` and `public/catalog.json`.
    pub dist: PathBuf,
    /// Where the command log lives.
    pub data: PathBuf,
    /// The demo's simulated crowd and its `/api/dev/*` controls.
    pub demo: bool,
    /// NATS servers (comma-separated URLs): run as one node of a cluster on JetStream instead
    /// of on the local log in `data`.
    pub nats: Option<String>,
    /// The NATS user and password a cluster node connects with (see [`nats::Credentials`]):
    /// required with `nats`, since the servers take no client without them.
    pub nats_credentials: Option<PathBuf>,
    /// Make a new operator key even if the store has one (the old one stops working).
    pub new_operator_key: bool,
}

/// A started server: its address, and the tasks to stop.
pub struct Running {
    pub addr: SocketAddr,
    /// The operator key made at this start (the store's first, or with `new_operator_key`),
    /// to be shown once: the store keeps only its hash.
    pub operator_key: Option<String>,
    server: JoinHandle<()>,
    advance: JoinHandle<()>,
    stop: tokio::sync::oneshot::Sender<()>,
}

impl Running {
    /// Stops taking connections, finishes the calls in flight and closes the log.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        self.advance.abort();
        let _ = self.advance.await;
    }
}

/// Gives the store an operator key when it has none (its first start), or a new one when
/// asked: a command like any other, so the log (or, in a cluster, the stream every node
/// applies) keeps the key's hash and every node accepts the same key. The key itself is
/// answered once, for the console, and kept nowhere. In a cluster the first node to start
/// makes the key; the others find it set.
async fn operator_key(store: &Backend, replace: bool) -> Result<Option<String>, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("no cryptographic randomness: {e}"))?;
    let key = fair_draw::to_hex(&bytes);
    let set = sale_store::operator::KeySet {
        key_sha256: sale_store::operator::key_sha256(&key),
        replace,
    };
    let request = store_contract::StoreRequest {
        method: store_contract::Method::Put,
        path: http::OPERATOR_KEY_PATH.into(),
        bearer: None,
        idempotency_key: None,
        body: Some(serde_json::to_string(&set).expect("the key's hash serialises")),
    };
    let answer = store.answer(&request).await;
    match answer.status {
        200 => Ok(Some(key)),
        409 => Ok(None),
        _ => Err(format!("cannot set the operator key: {}", answer.body)),
    }
}

/// Opens the store (replaying its log) and starts serving.
pub async fn start(config: Config) -> Result<Running, String> {
    let read = |name: &str| {
        let path = config.dist.join(name);
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {} ({e}): run `make build` first",
                path.display()
            )
        })
    };
    let index = http::served_index(&read("index.html")?, config.demo);
    let catalog = read("public/catalog.json")?;
    let store = match (&config.nats, &config.nats_credentials) {
        (Some(urls), Some(credentials)) => Backend::Cluster(Box::new(
            cluster::Cluster::join(urls, credentials, &catalog, config.demo).await?,
        )),
        (Some(_), None) => {
            return Err("a cluster node needs the NATS user and password: pass \
                 --nats-credentials FILE, the credentials file the nats-servers were set up with"
                .into())
        }
        (None, Some(_)) => {
            return Err("--nats-credentials is for a cluster node: pass --nats URLS too".into())
        }
        (None, None) => Backend::Local(Box::new(
            node::Node::open(&config.data, &catalog, config.demo).await?,
        )),
    };
    let operator_key = operator_key(&store, config.new_operator_key).await?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let site = Arc::new(http::Site {
        store,
        dist: config.dist,
        index,
        name: addr.to_string(),
        latency: latency::Latency::default(),
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = http::router(site.clone());
    let server = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(problem) = serving.await {
            eprintln!("store-server: {problem}");
        }
    });
    let advance = tokio::spawn(async move { driver::drive(&site.store).await });
    Ok(Running {
        addr,
        operator_key,
        server,
        advance,
        stop,
    })
}
