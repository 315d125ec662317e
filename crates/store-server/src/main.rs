//! `store-server [--addr 127.0.0.1:8080] [--dist dist] [--data target/store-data] [--demo]
//! [--nats URLS --nats-credentials FILE] [--new-operator-key]`
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use store_server::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The store behind the contract as a real server: `/api` and the release build beside it.
#[derive(Parser)]
#[command(name = "store-server", args_override_self = true)]
struct Args {
    /// Where to take HTTP connections.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The release build (`make build`) to serve beside `/api`.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    dist: PathBuf,
    /// Where the command log lives (one node on its own log).
    #[arg(long, value_name = "DIR", default_value = "target/store-data")]
    data: PathBuf,
    /// The demo's simulated crowd and its `/api/dev/*` controls.
    #[arg(long)]
    demo: bool,
    /// Run as one node of a cluster on these NATS servers instead of on the log in --data.
    #[arg(long, value_name = "URL,URL,...", requires = "nats_credentials")]
    nats: Option<String>,
    /// The NATS user and password of a cluster node: a file (mode 0600) holding one JSON
    /// object, {"user": "...", "password": "..."}.
    #[arg(long, value_name = "FILE", requires = "nats")]
    nats_credentials: Option<PathBuf>,
    /// Make a new operator key and print its sign-in address; the old key stops working and
    /// every operator session ends.
    #[arg(long)]
    new_operator_key: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = Config {
        addr: args.addr,
        dist: args.dist,
        data: args.data,
        demo: args.demo,
        nats: args.nats,
        nats_credentials: args.nats_credentials,
        new_operator_key: args.new_operator_key,
    };
    let result = async {
        let running = store_server::start(config).await?;
        eprintln!(
            "store-server: http://{}{}",
            running.addr,
            if args.demo { " (demo)" } else { "" }
        );
        // The key travels in the fragment, which browsers never send: it reaches no log.
        if let Some(key) = &running.operator_key {
            println!(
                "store-server: the operator signs in at (shown once; `--new-operator-key` makes another):\n    http://{}/operator#key={key}",
                running.addr
            );
        }
        tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        running.stop().await;
        Ok::<(), String>(())
    }
    .await;
    if let Err(problem) = result {
        eprintln!("store-server: {problem}");
        std::process::exit(1);
    }
}
