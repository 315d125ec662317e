//! `make load`: bounded load runs on loopback against the store server started with `--demo`:
//!
//! - `one`: one node on its own log;
//! - `three`: three nodes on a 3-node NATS JetStream cluster;
//! - `kill`: the three nodes again, with `kill -9` of one store node and one nats-server node
//!   in the middle of the sale (see `runs.rs`);
//! - `scale`: one node and a crowd of `--scale` shoppers: sign-ups as the store fills, memory
//!   per shopper, a snapshot, the sale with polls as the store hints them, and a restart
//!   (see `scale.rs`).
//!
//! Writes `target/load.json` (`target/load-partial.json` when `--runs` leaves some out) and
//! prints every budget. Exits with 1 when a budget is not met and with 2 when a run could not
//! be finished; either way every process it started has been stopped.
mod client;
mod nemesis;
mod phases;
mod processes;
mod report;
mod runs;
mod sale;
mod scale;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use client::Http;
use processes::{stop_all_on_panic, Nats, Nodes};
use report::{judge, Report, Runs};
use runs::{sale_run, Spec};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Run {
    One,
    Three,
    Kill,
    Scale,
    ScaleThree,
}

/// Load runs against the store server on loopback; writes target/load.json.
#[derive(Parser)]
#[command(name = "load")]
struct Args {
    /// Shoppers in the one, three and kill runs.
    #[arg(long, value_name = "N", default_value_t = 12_000)]
    shoppers: usize,
    /// Units on sale in every run.
    #[arg(long, value_name = "N", default_value_t = 150)]
    stock: u32,
    /// Shoppers in the scale runs (one node, and three nodes with the nemesis).
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    scale: usize,
    /// The store server (built with the server profile).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "target/server/store-server"
    )]
    server: PathBuf,
    /// The release build the store nodes serve (`make build`).
    #[arg(long, value_name = "DIR", default_value = "dist")]
    dist: PathBuf,
    /// The runs to make; with fewer than all, the report goes to target/load-partial.json.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_values_t = [Run::One, Run::Three, Run::Kill, Run::Scale, Run::ScaleThree]
    )]
    runs: Vec<Run>,
}

const ONE_PORT: u16 = 18_080;
const THREE_PORTS: [u16; 3] = [18_081, 18_082, 18_083];
const SCALE_PORT: u16 = 18_084;
/// The nats-servers take clients on this port and the next two, routes 10 above those.
const NATS_PORT: u16 = 14_222;

/// What every store node of the runs is started from.
struct Setup {
    server: PathBuf,
    dist: PathBuf,
    /// The nodes' and nats-servers' data, removed after the runs.
    work: PathBuf,
}

impl Setup {
    /// A store node's command line, listening on `port` with its data in `data` under the
    /// work directory; with `nats`, a node of that cluster.
    fn node_args(&self, port: u16, data: &str, nats: Option<&Nats>) -> Vec<String> {
        let mut args = vec![
            "--demo".to_string(),
            "--addr".into(),
            format!("127.0.0.1:{port}"),
            "--dist".into(),
            self.dist.display().to_string(),
            "--data".into(),
            self.work.join(data).display().to_string(),
        ];
        if let Some(nats) = nats {
            let cluster = nats.cluster();
            args.extend(["--nats".into(), cluster.urls()]);
            args.extend([
                "--nats-credentials".into(),
                cluster.credentials().display().to_string(),
            ]);
        }
        args
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    stop_all_on_panic();
    let args = Args::parse();
    let date = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|now| now.format(&Rfc3339).ok())
        .unwrap_or_default();
    // Processes of a run that was killed outlive it: refuse to measure against them.
    let nats_ports = (0..3).flat_map(|i| [NATS_PORT + i, NATS_PORT + 10 + i]);
    let ports = [ONE_PORT, SCALE_PORT]
        .into_iter()
        .chain(THREE_PORTS)
        .chain(nats_ports);
    for port in ports {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            eprintln!("load: port {port} is in use (a server left from an earlier run?)");
            return ExitCode::from(2);
        }
    }
    let setup = Setup {
        server: args.server.clone(),
        dist: args.dist.clone(),
        work: PathBuf::from("target/load-run"),
    };
    let _ = std::fs::remove_dir_all(&setup.work);
    let mut runs = Runs::default();
    let failed = make_runs(&args, &setup, &mut runs).await.err();
    let _ = std::fs::remove_dir_all(&setup.work);

    let budgets = judge(&runs);
    let report = Report {
        date,
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        runs,
        failed,
        budgets,
    };
    let every_run = Run::value_variants().iter().all(|r| args.runs.contains(r));
    let path = if every_run {
        "target/load.json"
    } else {
        "target/load-partial.json"
    };
    let written = std::fs::write(path, serde_json::to_string_pretty(&report).unwrap());
    for budget in &report.budgets {
        println!("{budget}");
    }
    match written {
        Ok(()) => println!("wrote {path}"),
        Err(e) => eprintln!("load: {path}: {e}"),
    }
    let short = report.budgets.iter().filter(|b| !b.held).count();
    if let Some(why) = &report.failed {
        eprintln!("load: the run stopped: {why}");
        ExitCode::from(2)
    } else if short > 0 {
        eprintln!("load: {short} of {} budgets not met", report.budgets.len());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Makes the runs `args` asks for, in order, into `runs`; stops at the first that fails. Each
/// run's store nodes and nats-servers are stopped when its guards go out of scope here.
async fn make_runs(args: &Args, setup: &Setup, runs: &mut Runs) -> Result<(), String> {
    let http = Http::default();
    let wants = |run| args.runs.contains(&run);
    if wants(Run::One) {
        let named = |e| format!("one: {e}");
        let commands = vec![setup.node_args(ONE_PORT, "one", None)];
        let mut nodes = Nodes::start(&http, setup.server.clone(), commands, &[ONE_PORT])
            .await
            .map_err(named)?;
        let spec = Spec {
            label: "1 node",
            shoppers: args.shoppers,
            stock: args.stock,
            faults: false,
        };
        let run = sale_run(&http, &mut nodes, None, &spec).await;
        runs.one = Some(run.map_err(named)?);
    }
    for (run, label) in [
        (Run::Three, "3 nodes"),
        (Run::Kill, "3 nodes, a nemesis mid-sale"),
    ] {
        if !wants(run) {
            continue;
        }
        let faults = run == Run::Kill;
        let named = |e| format!("{label}: {e}");
        let mut nats =
            Nats::start(&setup.work.join(format!("nats-{faults}")), NATS_PORT).map_err(named)?;
        let commands = (THREE_PORTS.iter().enumerate())
            .map(|(i, &port)| setup.node_args(port, &format!("node{i}"), Some(&nats)))
            .collect();
        let mut nodes = Nodes::start(&http, setup.server.clone(), commands, &THREE_PORTS)
            .await
            .map_err(named)?;
        let spec = Spec {
            label,
            shoppers: args.shoppers,
            stock: args.stock,
            faults,
        };
        let made = sale_run(&http, &mut nodes, Some(&mut nats), &spec)
            .await
            .map_err(named)?;
        if faults {
            runs.kill = Some(made);
        } else {
            runs.three = Some(made);
        }
    }
    if wants(Run::Scale) {
        let named = |e| format!("scale: {e}");
        let commands = vec![setup.node_args(SCALE_PORT, "scale", None)];
        let mut nodes = Nodes::start(&http, setup.server.clone(), commands, &[SCALE_PORT])
            .await
            .map_err(named)?;
        let made = scale::scale_run(&http, &mut nodes, args.scale, args.stock).await;
        runs.scale = Some(made.map_err(named)?);
    }
    if wants(Run::ScaleThree) {
        let named = |e| format!("scale on 3 nodes: {e}");
        let mut nats = Nats::start(&setup.work.join("nats-scale"), NATS_PORT).map_err(named)?;
        let commands = (THREE_PORTS.iter().enumerate())
            .map(|(i, &port)| setup.node_args(port, &format!("scale{i}"), Some(&nats)))
            .collect();
        let mut nodes = Nodes::start(&http, setup.server.clone(), commands, &THREE_PORTS)
            .await
            .map_err(named)?;
        let made =
            scale::cluster_scale_run(&http, &mut nodes, &mut nats, args.scale, args.stock).await;
        runs.scale_three = Some(made.map_err(named)?);
    }
    Ok(())
}
