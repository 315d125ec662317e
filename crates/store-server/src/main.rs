//! `store-server [--addr 127.0.0.1:8080] [--dist dist] [--data target/store-data] [--demo] [--nats URLS]`
use std::path::PathBuf;

use store_server::Config;

const USAGE: &str =
    "usage: store-server [--addr HOST:PORT] [--dist DIR] [--data DIR] [--demo] [--nats URL,URL,...]";

fn config() -> Result<Config, String> {
    let mut config = Config {
        addr: "127.0.0.1:8080".parse().expect("a valid address"),
        dist: PathBuf::from("dist"),
        data: PathBuf::from("target/store-data"),
        demo: false,
        nats: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--addr" => {
                config.addr = value()?
                    .parse()
                    .map_err(|e| format!("--addr: {e}\n{USAGE}"))?
            }
            "--dist" => config.dist = value()?.into(),
            "--data" => config.data = value()?.into(),
            "--demo" => config.demo = true,
            "--nats" => config.nats = Some(value()?),
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() {
    let result = async {
        let config = config()?;
        let demo = config.demo;
        let running = store_server::start(config).await?;
        eprintln!(
            "store-server: http://{}{}",
            running.addr,
            if demo { " (demo)" } else { "" }
        );
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
