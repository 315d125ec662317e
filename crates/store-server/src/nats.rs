//! A 3-node NATS JetStream cluster on loopback, for the tests and `make load`: three
//! `nats-server` processes (Debian's package; `make` installs it), each with its own store
//! directory, routed to each other, each with `GOMAXPROCS=1`. One can be killed (`kill -9`)
//! and started again.
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct NatsCluster {
    dir: PathBuf,
    base_port: u16,
    nodes: Vec<Option<Child>>,
}

impl NatsCluster {
    /// Starts three nodes: clients on `base_port + i`, routes on `base_port + 10 + i`, with
    /// JetStream data under `dir/n{i}`. Returns once every node takes connections.
    pub fn start(dir: &Path, base_port: u16) -> std::io::Result<NatsCluster> {
        let _ = std::fs::remove_dir_all(dir);
        let mut cluster = NatsCluster {
            dir: dir.into(),
            base_port,
            nodes: vec![None, None, None],
        };
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

    fn start_node(&mut self, i: usize) -> std::io::Result<()> {
        let port = |offset: u16| self.base_port + offset;
        let routes: Vec<String> = (0..3)
            .filter(|&j| j != i)
            .map(|j| format!("nats://127.0.0.1:{}", port(10 + j as u16)))
            .collect();
        let store = self.dir.join(format!("n{i}"));
        std::fs::create_dir_all(&store)?;
        let log = std::fs::File::create(self.dir.join(format!("n{i}.log")))?;
        let child = Command::new("nats-server")
            // Three nats-servers share this machine's cores with the store nodes: one Go
            // scheduler thread each (Go's default is one per core). In `make load` the
            // nats-servers' CPU per 1,000 joins went from 61-71 ms to 43-46 ms, same messages.
            .env("GOMAXPROCS", "1")
            .args(["-js", "-a", "127.0.0.1", "--cluster_name", "sale"])
            .args(["-n", &format!("n{i}")])
            .args(["-p", &port(i as u16).to_string()])
            .arg("-sd")
            .arg(&store)
            .args([
                "--cluster",
                &format!("nats://127.0.0.1:{}", port(10 + i as u16)),
            ])
            .args(["--routes", &routes.join(",")])
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

    /// Starts node `i` again on its old store directory.
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
