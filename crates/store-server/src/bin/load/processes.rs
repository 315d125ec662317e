//! The processes a load run starts (store nodes, nats-servers) and how every one of them is
//! stopped however the run ends: the guards below kill theirs when dropped, and since the
//! server profile aborts on a panic (no destructors run), a panic hook kills whatever is still
//! registered before the abort.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use store_server::nats::NatsCluster;

use crate::client::{send, Http};

/// How long a store node may take to answer after it is started.
const START_WITHIN: Duration = Duration::from_secs(60);

/// The ids of the processes started and not yet stopped.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes a panic kill every process still registered, after the panic's message.
pub fn stop_all_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        // Nothing panics while holding the list, so taking it here cannot deadlock.
        let pids = running().clone();
        if !pids.is_empty() {
            eprintln!(
                "load: stopping the {} processes this run started",
                pids.len()
            );
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(pids.iter().map(u32::to_string))
                .status();
        }
    }));
}

/// The store nodes of a run: their processes, addresses and how to start each again.
pub struct Nodes {
    children: Vec<Option<Child>>,
    commands: Vec<Vec<String>>,
    pub urls: Vec<String>,
    server: PathBuf,
}

impl Nodes {
    /// Starts one node per command (`ports[i]` being where node `i` listens) and waits until
    /// every one answers.
    pub async fn start(
        http: &Http,
        server: PathBuf,
        commands: Vec<Vec<String>>,
        ports: &[u16],
    ) -> Result<Nodes, String> {
        let mut nodes = Nodes {
            children: commands.iter().map(|_| None).collect(),
            urls: ports
                .iter()
                .map(|p| format!("http://127.0.0.1:{p}"))
                .collect(),
            commands,
            server,
        };
        for i in 0..nodes.commands.len() {
            nodes.spawn(i)?;
        }
        for i in 0..nodes.commands.len() {
            nodes.wait_answering(http, i, "/healthz").await?;
        }
        Ok(nodes)
    }

    /// Starts node `i` (again).
    pub fn spawn(&mut self, i: usize) -> Result<(), String> {
        let child = Command::new(&self.server)
            .args(&self.commands[i])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.server.display()))?;
        running().push(child.id());
        self.children[i] = Some(child);
        Ok(())
    }

    /// Waits until node `i` answers `GET path` with 200, or says why it never will (its
    /// process ended, or a minute went by).
    pub async fn wait_answering(
        &mut self,
        http: &Http,
        i: usize,
        path: &str,
    ) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let answer = send(http, &self.urls[i], "GET", path, None, None, None).await;
            if answer.is_ok_and(|a| a.status == 200) {
                return Ok(());
            }
            let ended = self.children[i]
                .as_mut()
                .and_then(|child| Some((child.id(), child.try_wait().ok()??)));
            if let Some((id, status)) = ended {
                self.children[i] = None;
                running().retain(|&pid| pid != id);
                return Err(format!("store node {} ended: {status}", i + 1));
            }
            if started.elapsed() > START_WITHIN {
                return Err(format!(
                    "store node {} did not answer GET {path} within {} s",
                    i + 1,
                    START_WITHIN.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The process id of store node `i`, when it runs.
    pub fn pid(&self, i: usize) -> Option<u32> {
        self.children[i].as_ref().map(Child::id)
    }

    /// The process ids of the store nodes running now.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().flatten().map(Child::id).collect()
    }

    /// Sends store node `i` `signal` (`STOP` freezes it as a hung machine would, `CONT` lets
    /// it go on).
    pub fn signal(&self, i: usize, signal: &str) -> Result<(), String> {
        let pid = self
            .pid(i)
            .ok_or(format!("store node {} is not running", i + 1))?;
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .map_err(|e| format!("kill -{signal}: {e}"))?;
        sent.success()
            .then_some(())
            .ok_or(format!("kill -{signal} {pid}: {sent}"))
    }

    /// `kill -9` of store node `i`.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.children[i].take() {
            let _ = child.kill();
            let _ = child.wait();
            running().retain(|&pid| pid != child.id());
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

/// A 3-node JetStream cluster whose processes are registered for the panic hook.
pub struct Nats {
    cluster: NatsCluster,
}

impl Nats {
    pub fn start(dir: &std::path::Path, base_port: u16) -> Result<Nats, String> {
        let cluster = NatsCluster::start(dir, base_port)
            .map_err(|e| format!("the nats-servers did not start: {e}"))?;
        running().extend(cluster.pids());
        Ok(Nats { cluster })
    }

    pub fn cluster(&self) -> &NatsCluster {
        &self.cluster
    }

    /// `kill -9` of nats-server `i`.
    pub fn kill(&mut self, i: usize) {
        let before = self.cluster.pids();
        self.cluster.kill(i);
        self.forget_stopped(&before);
    }

    /// Starts nats-server `i` again on its old data and configuration.
    pub fn restart(&mut self, i: usize) -> Result<(), String> {
        let before = self.cluster.pids();
        let restarted = self.cluster.restart(i);
        self.forget_stopped(&before);
        let after = self.cluster.pids();
        running().extend(after.into_iter().filter(|pid| !before.contains(pid)));
        restarted.map_err(|e| format!("nats-server n{i} did not start again: {e}"))
    }

    fn forget_stopped(&self, before: &[u32]) {
        let now = self.cluster.pids();
        running().retain(|pid| !before.contains(pid) || now.contains(pid));
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let before = self.cluster.pids();
        for i in 0..3 {
            self.cluster.kill(i);
        }
        self.forget_stopped(&before);
    }
}

/// CPU time (user and system, all threads) the processes `pids` have used so far, in ms: from
/// `/proc/PID/stat`, whose times count in USER_HZ (100 a second on Linux).
pub fn cpu_ms(pids: &[u32]) -> f64 {
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

/// The resident memory of process `pid` in bytes (`VmRSS` of `/proc/PID/status`).
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    memory_bytes(pid, "VmRSS")
}

/// The most resident memory process `pid` has held so far (`VmHWM`).
pub fn peak_rss_bytes(pid: u32) -> Result<u64, String> {
    memory_bytes(pid, "VmHWM")
}

fn memory_bytes(pid: u32, field: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| format!("/proc/{pid}/status has no {field}"))
}
