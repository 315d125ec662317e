//! The 1,000,000-shopper sale: in the browser's engine, and native (the `simulate` example).
use std::path::Path;
use std::process::Command;

use e2e::{bail, Browser, Result};
use serde_json::Value;

use crate::page::secs;

const SALE_RUNS: usize = 3;

/// [`SALE_RUNS`] runs of the sale in a tab of the shop.
pub(crate) async fn sale_in_browser(b: &Browser, base: &str) -> Result<Vec<Value>> {
    let mut runs = Vec::new();
    b.goto(&format!("{base}/")).await?;
    b.wait_js(
        "window.wasmBindings && performance.getEntriesByName('app-interactive').length",
        secs(60),
        "the shop",
    )
    .await?;
    for _ in 0..SALE_RUNS {
        let v = b
            .js(
                "return window.wasmBindings.run_sale(1000000, 10000, 7n);",
                vec![],
            )
            .await;
        // run_sale's seed is a u64 (a BigInt in JS); fall back to a Number for other bindings.
        let v = match v {
            Ok(v) => v,
            Err(_) => {
                b.js(
                    "return window.wasmBindings.run_sale(1000000, 10000, 7);",
                    vec![],
                )
                .await?
            }
        };
        let parsed: Value = serde_json::from_str(v.as_str().unwrap_or("null"))?;
        runs.push(parsed);
    }
    Ok(runs)
}

/// [`SALE_RUNS`] runs of the sale in the native `simulate` binary.
pub(crate) fn sale_native(simulate: &Path) -> Result<Vec<Value>> {
    let mut runs = Vec::new();
    for _ in 0..SALE_RUNS {
        let out = Command::new(simulate)
            .args(["--shoppers", "1000000", "--stock", "10000", "--seed", "7"])
            .output()?;
        if !out.status.success() {
            bail!(
                "{} failed: {}",
                simulate.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let line = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .to_string();
        runs.push(serde_json::from_str(&line)?);
    }
    Ok(runs)
}
