//! Runs a whole simulated flash sale and prints one JSON line.
//!
//! `cargo run --release -p sale-engine --example simulate -- --shoppers 1000000 --stock 10000 --seed 7 --rate 2000`

use std::time::Instant;

use sale_engine::{Simulation, DEFAULT_ADMISSION_PER_SECOND};

fn main() {
    let mut shoppers: u32 = 1_000_000;
    let mut stock: u32 = 10_000;
    let mut seed: u64 = 7;
    let mut rate: u32 = DEFAULT_ADMISSION_PER_SECOND;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--shoppers" => shoppers = number(&flag, &value),
            "--stock" => stock = number(&flag, &value),
            "--seed" => seed = number(&flag, &value),
            "--rate" => rate = number(&flag, &value),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    let started = Instant::now();
    let outcome = Simulation::new(shoppers, stock, seed, rate).run();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut line = serde_json::to_value(&outcome).expect("outcome serialises");
    line["elapsed_ms"] = serde_json::json!((elapsed_ms * 10.0).round() / 10.0);
    line["bytes_per_shopper"] = serde_json::json!(
        (outcome.engine_bytes as f64 / f64::from(shoppers.max(1)) * 10.0).round() / 10.0
    );
    println!("{line}");
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| usage(&format!("{flag}: not a number: {value}")))
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: simulate [--shoppers N] [--stock N] [--seed N] [--rate PER_SECOND]"
    );
    std::process::exit(2)
}
