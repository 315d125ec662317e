//! NATS for the cluster: the credentials file the nats-servers and the store nodes share, the
//! store nodes' authenticated connection, and a 3-node NATS JetStream cluster on loopback for
//! the tests and `make load`: three `nats-server` processes (Debian's package; `make` installs
//! it), each with its own store directory, routed to each other, each with `GOMAXPROCS=1`. One
//! can be killed (`kill -9`) and started again.
//!
//! Every command, with the shopper's bearer token, and the store's opening entry, with its
//! secret, travel through NATS: the servers take no client and no route without a password.
use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
use std::net::TcpStream;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::{ConnectErrorKind, ConnectOptions};
use serde::{Deserialize, Serialize};

/// How long a node keeps trying NATS servers that do not answer yet (a cluster starting beside
/// it) before it gives up.
const REACH_WITHIN: Duration = Duration::from_secs(30);

/// A NATS user and password. On disk (`--nats-credentials FILE`) it is one JSON object,
/// `{"user": "...", "password": "..."}`, in a file only its owner can read.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl Credentials {
    /// `user` with a password of 32 bytes from the operating system's cryptographic source.
    pub fn generate(user: &str) -> std::io::Result<Credentials> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| std::io::Error::other(format!("no cryptographic randomness: {e}")))?;
        Ok(Credentials {
            user: user.into(),
            // Hex: safe unquoted in a URL and quoted in nats-server's configuration.
            password: bytes.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// Reads a credentials file, with an error that names the file and its expected form.
    pub fn read(path: &Path) -> Result<Credentials, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read the NATS credentials {} ({e}): pass --nats-credentials FILE, the \
                 file the nats-servers were set up with",
                path.display()
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a NATS credentials file ({e}): it holds one JSON object, \
                 {{\"user\": \"...\", \"password\": \"...\"}}",
                path.display()
            )
        })
    }

    /// Writes the file, readable and writable by its owner only (mode 0600).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_string(self).expect("credentials serialise");
        write_private(path, &format!("{json}\n"))
    }
}

/// Connects to the NATS servers `urls` (comma-separated) as the user in the credentials file.
/// Servers that do not answer yet are tried again for up to 30 s; servers that refuse the
/// credentials fail the connection at once, since trying again cannot help.
pub async fn connect(urls: &str, credentials: &Path) -> Result<async_nats::Client, String> {
    let Credentials { user, password } = Credentials::read(credentials)?;
    let servers: Vec<&str> = urls.split(',').collect();
    let asking = Instant::now();
    loop {
        // Sized for a sale, decided in seconds: a server that stops answering (a hung machine
        // keeps its socket open) is left after two unanswered pings a second apart instead of
        // the client's default two minutes, and another is tried within half a second.
        let options = ConnectOptions::with_user_and_password(user.clone(), password.clone())
            .ping_interval(Duration::from_secs(1))
            .connection_timeout(Duration::from_secs(2))
            .request_timeout(Some(Duration::from_secs(2)))
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis(50 * attempts.min(10) as u64)
            });
        match options.connect(servers.as_slice()).await {
            Ok(client) => return Ok(client),
            Err(problem)
                if matches!(
                    problem.kind(),
                    ConnectErrorKind::AuthorizationViolation | ConnectErrorKind::Authentication
                ) =>
            {
                return Err(format!(
                    "NATS at {urls} refused the user {user:?} of {} ({}): pass \
                     --nats-credentials the file the nats-servers were set up with",
                    credentials.display(),
                    problem.kind()
                ));
            }
            Err(problem) if asking.elapsed() < REACH_WITHIN => {
                eprintln!("store-server: waiting for NATS at {urls} ({problem})");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(problem) => return Err(format!("cannot reach NATS at {urls}: {problem}")),
        }
    }
}

/// `stream`'s info, as its leader has it.
pub async fn stream_info(
    jetstream: &async_nats::jetstream::Context,
    stream: &str,
) -> Result<async_nats::jetstream::stream::Info, String> {
    let mut stream = jetstream
        .get_stream(stream)
        .await
        .map_err(|e| format!("the stream {stream}: {e}"))?;
    stream
        .info()
        .await
        .cloned()
        .map_err(|e| format!("the stream's info: {e}"))
}

/// Creates `path` with `contents`, readable and writable by its owner only.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(contents.as_bytes())
}

/// A string in nats-server's configuration: JSON's quoting is a subset of what it reads.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

pub struct NatsCluster {
    dir: PathBuf,
    base_port: u16,
    credentials: PathBuf,
    nodes: Vec<Option<Child>>,
}

impl NatsCluster {
    /// Starts three nodes: clients on `base_port + i`, routes on `base_port + 10 + i`, with
    /// JetStream data under `dir/n{i}`. Clients need the user and password of
    /// [`credentials`](Self::credentials) and routes a password of their own, both drawn here
    /// and kept under `dir` (mode 0700) for restarts. Returns once every node takes
    /// connections.
    pub fn start(dir: &Path, base_port: u16) -> std::io::Result<NatsCluster> {
        let _ = std::fs::remove_dir_all(dir);
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        DirBuilder::new().mode(0o700).create(dir)?;
        let clients = Credentials::generate("store")?;
        let routes = Credentials::generate("route")?;
        let mut cluster = NatsCluster {
            dir: dir.into(),
            base_port,
            credentials: dir.join("credentials.json"),
            nodes: vec![None, None, None],
        };
        clients.write(&cluster.credentials)?;
        for i in 0..3 {
            write_private(
                &cluster.config(i),
                &cluster.node_config(i, &clients, &routes),
            )?;
        }
        for i in 0..3 {
            cluster.start_node(i)?;
        }
        for i in 0..3 {
            cluster.wait_for(i)?;
        }
        Ok(cluster)
    }

    /// `nats://127.0.0.1:P1,nats://127.0.0.1:P2,nats://127.0.0.1:P3`.
    pub fn urls(&self) -> String {
        (0..3)
            .map(|i| format!("nats://127.0.0.1:{}", self.base_port + i))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The credentials file a client connects with (`store-server --nats-credentials`).
    pub fn credentials(&self) -> &Path {
        &self.credentials
    }

    /// The server (0, 1 or 2) that leads `stream`, from the stream's info, once it has one
    /// (within 30 s).
    pub async fn stream_leader(&self, stream: &str) -> Result<usize, String> {
        let jetstream = async_nats::jetstream::new(connect(&self.urls(), &self.credentials).await?);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let cluster = stream_info(&jetstream, stream)
                .await
                .ok()
                .and_then(|i| i.cluster);
            let leader = cluster.and_then(|c| c.leader);
            match leader.and_then(|name| name.strip_prefix('n')?.parse().ok()) {
                Some(leader) => return Ok(leader),
                None if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                None => return Err(format!("the stream {stream} has no leader after 30 s")),
            }
        }
    }

    /// Waits (up to a minute) until `stream` has a leader and both its other replicas are
    /// online and current: after a restart, the cluster is whole again.
    pub async fn all_current(&self, stream: &str) -> Result<(), String> {
        let jetstream = async_nats::jetstream::new(connect(&self.urls(), &self.credentials).await?);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let cluster = stream_info(&jetstream, stream)
                .await
                .ok()
                .and_then(|i| i.cluster);
            if cluster.is_some_and(|c| {
                c.leader.is_some()
                    && c.replicas.len() == 2
                    && c.replicas.iter().all(|p| p.current && !p.offline)
            }) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the stream {stream}'s replicas are not current after 60 s"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Node `i`'s configuration file.
    fn config(&self, i: usize) -> PathBuf {
        self.dir.join(format!("n{i}.conf"))
    }

    /// Node `i`'s configuration: a file and not arguments, since a process's arguments are
    /// visible to every user of the machine (`ps`) and these hold the passwords.
    fn node_config(&self, i: usize, clients: &Credentials, routes: &Credentials) -> String {
        let port = |offset: usize| self.base_port + offset as u16;
        let route_urls: Vec<String> = (0..3)
            .filter(|&j| j != i)
            .map(|j| {
                let url = format!(
                    "nats://{}:{}@127.0.0.1:{}",
                    routes.user,
                    routes.password,
                    port(10 + j)
                );
                quoted(&url)
            })
            .collect();
        let store = self.dir.join(format!("n{i}"));
        format!(
            r#"server_name: {name}
listen: {listen}
jetstream {{
  store_dir: {store}
}}
authorization {{
  user: {user}
  password: {password}
}}
cluster {{
  name: sale
  listen: {cluster}
  authorization {{
    user: {route_user}
    password: {route_password}
  }}
  routes: [
    {routes}
  ]
}}
"#,
            name = quoted(&format!("n{i}")),
            listen = quoted(&format!("127.0.0.1:{}", port(i))),
            store = quoted(&store.display().to_string()),
            user = quoted(&clients.user),
            password = quoted(&clients.password),
            cluster = quoted(&format!("127.0.0.1:{}", port(10 + i))),
            route_user = quoted(&routes.user),
            route_password = quoted(&routes.password),
            routes = route_urls.join("\n    "),
        )
    }

    fn start_node(&mut self, i: usize) -> std::io::Result<()> {
        std::fs::create_dir_all(self.dir.join(format!("n{i}")))?;
        let log = std::fs::File::create(self.dir.join(format!("n{i}.log")))?;
        let child = Command::new("nats-server")
            // Three nats-servers share this machine's cores with the store nodes: one Go
            // scheduler thread each (Go's default is one per core) carries the same messages
            // with about a third less CPU than a thread per core each, which only contend.
            .env("GOMAXPROCS", "1")
            .arg("-c")
            .arg(self.config(i))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| std::io::Error::other(format!("nats-server: {e} (make installs it)")))?;
        self.nodes[i] = Some(child);
        Ok(())
    }

    fn wait_for(&self, i: usize) -> std::io::Result<()> {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.base_port + i as u16)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err(std::io::Error::other(format!(
                    "nats-server n{i} did not start"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// The process ids of the nodes running now.
    pub fn pids(&self) -> Vec<u32> {
        self.nodes.iter().flatten().map(Child::id).collect()
    }

    /// `kill -9` of node `i`: no goodbye to the others.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts node `i` again on its old store directory and configuration, passwords included.
    pub fn restart(&mut self, i: usize) -> std::io::Result<()> {
        self.kill(i);
        self.start_node(i)?;
        self.wait_for(i)
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for i in 0..3 {
            self.kill(i);
        }
    }
}
