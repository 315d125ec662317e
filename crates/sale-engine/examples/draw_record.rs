//! Runs a small simulated sale to its end and writes its published draw record as JSON,
//! for checking with `scripts/verify-draw`.
//!
//! `cargo run -p sale-engine --example draw_record -- --out record.json --shoppers 2000 --stock 60 --seed 3`

use sale_engine::{Progress, Simulation, DEFAULT_ADMISSION_PER_SECOND};

fn main() {
    let mut out = None;
    let mut shoppers: u32 = 2_000;
    let mut stock: u32 = 60;
    let mut seed: u64 = 3;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--out" => out = Some(value),
            "--shoppers" => shoppers = number(&flag, &value),
            "--stock" => stock = number(&flag, &value),
            "--seed" => seed = number(&flag, &value),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    let out = out.unwrap_or_else(|| usage("--out is required"));
    let mut sim = Simulation::new(shoppers, stock, seed, DEFAULT_ADMISSION_PER_SECOND);
    while sim.step(u32::MAX) == Progress::MoreWork {}
    let sale = sim.sale();
    let record = sale.draw_record(sale.now());
    let json = serde_json::to_string(&record).expect("a record serialises");
    std::fs::write(&out, json + "\n").unwrap_or_else(|e| {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1)
    });
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| usage(&format!("{flag}: not a number: {value}")))
}

fn usage(problem: &str) -> ! {
    eprintln!("{problem}\nusage: draw_record --out PATH [--shoppers N] [--stock N] [--seed N]");
    std::process::exit(2)
}
