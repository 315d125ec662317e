//! `make bench` (through scripts/bench): measures the release build in headless Chromium and
//! prints one table; writes target/bench.json (raw figures and a `budgets` list) and
//! target/bench.md (the table for the README). When a budget falls short it says which, after
//! writing both, and exits with 1.
//!
//! Inputs (scripts/bench sets them): BENCH_DIST (the shop's dist/), BENCH_FEATURE_DIST (the shop
//! with the `bench` feature, for the read-outs: trunk's build, in one module, not cut like
//! dist/), BENCH_COUNTER_DIST (the Leptos counter built the same way), BENCH_SIMULATE (the
//! native `simulate` example binary), BENCH_STORE_SERVER (the store server's binary, which
//! serves dist/ for the bytes a first visit takes on the wire).
//!
//! `sizes` measures what a first visit downloads, `page` the shop in the browser, `sale` the
//! 1,000,000-shopper sale, and `figures` turns the measurements into budgets; this file runs
//! them in order and writes the report.
mod figures;
mod page;
mod sale;
mod sizes;

use std::path::PathBuf;

use e2e::{Driver, Result, StaticServer};
use serde_json::json;

use figures::{budget, max, median, verdict};
use page::{countdown_flips, interactive_ms, long_tasks, worker_cold_rebuild};
use sale::{sale_in_browser, sale_native};
use sizes::{dist_files, encodings_sent, first_visit_on_the_wire, gzip_size};

const LOADS: usize = 10;
const FIRST_VISITS: usize = 3;

/// A Chinese reader's first load: the English reader's budget (150 KB) and the zh-CN texts the
/// page fetches before its first screen, which may take 10 KB gzip.
const CHINESE_FIRST_LOAD_KB: f64 = 160.0;

/// Runs every measurement and answers the names of the budgets that fall short.
async fn run() -> Result<Vec<String>> {
    let root = e2e::workspace_root();
    let target = e2e::target_dir();
    let env_path = |k: &str, d: PathBuf| std::env::var_os(k).map(PathBuf::from).unwrap_or(d);
    let dist = env_path("BENCH_DIST", root.join("dist"));
    // The shop with the `bench` feature: read-outs of store time and the in-page engine, built
    // with the `release` profile (the draw at opt-level 3, as in the worker), not `release-page`.
    let bench_dist = env_path("BENCH_FEATURE_DIST", target.join("bench-dist"));
    let counter_dist = env_path("BENCH_COUNTER_DIST", target.join("bench-counter-dist"));
    let simulate = env_path("BENCH_SIMULATE", target.join("release/examples/simulate"));
    let store_server = env_path("BENCH_STORE_SERVER", target.join("server/store-server"));

    // 1. First load: what the page itself loads; the worker's files on their own line.
    let mut first_load = serde_json::Map::new();
    let mut worker_files = Vec::new();
    let mut on_demand_files = Vec::new();
    let mut total_gz = 0;
    let mut page_files = Vec::new();
    for ext in ["wasm", "js", "css"] {
        let files = dist_files(&dist, ext)?;
        let (raw, gz) = gzip_size(&files.page)?;
        page_files.extend(files.page.iter().cloned());
        total_gz += gz;
        first_load.insert(
            ext.into(),
            json!({ "files": files.page, "bytes": raw, "gzip9_bytes": gz }),
        );
        worker_files.extend(files.worker);
        on_demand_files.extend(files.on_demand);
    }
    first_load.insert("total_gzip9_bytes".into(), json!(total_gz));
    // A Chinese reader's page also fetches the Simplified Chinese texts before its first screen.
    let zh_pack = dist.join("public/i18n/zh-CN.txt");
    let (_, zh_pack_gz) = gzip_size(std::slice::from_ref(&zh_pack))?;
    let zh_total_gz = total_gz + zh_pack_gz;
    first_load.insert(
        "zh_cn".into(),
        json!({ "files": [zh_pack], "gzip9_bytes": zh_pack_gz, "total_gzip9_bytes": zh_total_gz }),
    );
    let (worker_raw, worker_gz) = gzip_size(&worker_files)?;
    let worker_load =
        json!({ "files": worker_files, "bytes": worker_raw, "gzip9_bytes": worker_gz });
    // Each module gzipped on its own, as the browser fetches it.
    let mut on_demand_gz = 0;
    for f in &on_demand_files {
        on_demand_gz += gzip_size(std::slice::from_ref(f))?.1;
    }
    let on_demand_load = json!({ "files": on_demand_files, "gzip9_bytes": on_demand_gz });
    let (counter_raw, counter_gz) = {
        let mut files = Vec::new();
        for ext in ["wasm", "js", "css"] {
            files.extend(dist_files(&counter_dist, ext)?.page);
        }
        gzip_size(&files)?
    };
    eprintln!("[bench] first load: {total_gz} B gzip -9");
    let on_the_wire = first_visit_on_the_wire(&store_server, &dist, &page_files)?;
    let wire_bytes = on_the_wire["total_wire_bytes"].as_f64().unwrap_or(f64::NAN);
    eprintln!("[bench] first visit on the wire: {wire_bytes} B from the store server");

    let shop = StaticServer::start(&dist)?;
    let instrumented = StaticServer::start(&bench_dist)?;
    let counter = StaticServer::start(&counter_dist)?;
    let profiles = target.join("bench-profiles");
    let driver = Driver::start(&profiles)?;
    let b = driver.session(1280, 900).await?;
    let result = async {
        // 2. Time to interactive, interleaved (one warm-up load of each first).
        let shop_url = format!("{}/", shop.base_url());
        let counter_url = format!("{}/", counter.base_url());
        interactive_ms(&b, &shop_url).await?;
        interactive_ms(&b, &counter_url).await?;
        let (mut shop_ms, mut counter_ms) = (Vec::new(), Vec::new());
        for _ in 0..LOADS {
            shop_ms.push(interactive_ms(&b, &shop_url).await?);
            counter_ms.push(interactive_ms(&b, &counter_url).await?);
        }
        eprintln!("[bench] interactive: shop {shop_ms:?}, counter {counter_ms:?}");
        // The first visit, in a fresh browser each time: the worker installs before any call.
        let mut first_visit_ms = Vec::new();
        for _ in 0..FIRST_VISITS {
            let fresh = driver.session(1280, 900).await?;
            let ms = interactive_ms(&fresh, &shop_url).await;
            fresh.quit().await;
            first_visit_ms.push(ms?);
        }
        eprintln!("[bench] interactive on a first visit: {first_visit_ms:?}");
        let rebuild = worker_cold_rebuild(&b, &shop.base_url()).await?;
        eprintln!("[bench] worker cold rebuild: {rebuild}");
        // 3. Countdown flips.
        let (flip_errors, flips) = countdown_flips(&b, &instrumented.base_url()).await?;
        eprintln!("[bench] countdown flip errors: {flip_errors:?}");
        // 4. Long tasks at the sale moment with 100,000 shoppers.
        let tasks = long_tasks(&b, &instrumented.base_url()).await?;
        eprintln!("[bench] long tasks: longest {} ms", tasks["longest_ms"]);
        // 5. The 1,000,000-shopper sale, in a fresh tab of the shop.
        let in_browser = sale_in_browser(&b, &instrumented.base_url()).await?;
        Ok::<_, e2e::Error>((
            shop_ms,
            counter_ms,
            first_visit_ms,
            rebuild,
            flip_errors,
            flips,
            tasks,
            in_browser,
        ))
    }
    .await;
    b.quit().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profiles);
    let (shop_ms, counter_ms, first_visit_ms, rebuild, flip_errors, flips, tasks, in_browser) =
        result?;
    let first_visit = median(&first_visit_ms);
    let rebuild_ms = rebuild["opened_in_ms"].as_f64().unwrap_or(f64::NAN);
    let native = sale_native(&simulate)?;

    let shop_tti = median(&shop_ms);
    let counter_tti = median(&counter_ms);
    let ratio = shop_tti / counter_tti;
    let abs_errors: Vec<f64> = flip_errors.iter().map(|e| e.abs()).collect();
    let (flip_median, flip_max) = (median(&abs_errors), max(&abs_errors));
    let browser_ms: Vec<f64> = in_browser
        .iter()
        .filter_map(|r| r["elapsed_ms"].as_f64())
        .collect();
    let native_ms: Vec<f64> = native
        .iter()
        .filter_map(|r| r["elapsed_ms"].as_f64())
        .collect();
    let browser_sale = median(&browser_ms);
    let native_sale = median(&native_ms);
    let memory = in_browser
        .first()
        .and_then(|r| r["wasm_memory_bytes"].as_f64())
        .unwrap_or(f64::NAN);
    let longest = tasks["longest_ms"].as_f64().unwrap_or(f64::NAN);

    let budgets = vec![
        budget(
            "first load (the page's wasm + JS + CSS, gzip -9)",
            total_gz as f64 / 1000.0,
            150.0,
            "KB",
        ),
        budget(
            "time to interactive on a repeat visit, shop / Leptos counter (median of 10)",
            ratio,
            1.5,
            "×",
        ),
        budget(
            "countdown flip error against store time (max of 30)",
            flip_max,
            50.0,
            "ms",
        ),
        budget(
            "longest main-thread task around the sale moment, 100,000 shoppers",
            longest,
            50.0,
            "ms",
        ),
        budget(
            "1,000,000-shopper sale in the browser (median of 3)",
            browser_sale,
            1000.0,
            "ms",
        ),
        budget(
            "a Chinese reader's first load, gzip -9, with the zh-CN texts it fetches",
            zh_total_gz as f64 / 1000.0,
            CHINESE_FIRST_LOAD_KB,
            "KB",
        ),
    ];
    let kb = |b: f64| format!("{:.1} KB", b / 1000.0);
    let fl = |ext: &str, key: &str| first_load[ext][key].as_f64().unwrap_or(0.0);
    let rows: Vec<(String, String, String)> = vec![
        (
            "First load, gzip -9 (the page's wasm + JS + CSS)".into(),
            format!(
                "{} + {} + {} = {}",
                kb(fl("wasm", "gzip9_bytes")),
                kb(fl("js", "gzip9_bytes")),
                kb(fl("css", "gzip9_bytes")),
                kb(total_gz as f64)
            ),
            format!("≤ 150 KB: {}", verdict(&budgets[0])),
        ),
        (
            format!(
                "First visit on the wire from the store server (index.html and the same {} files, Accept-Encoding: br, gzip; heads included)",
                page_files.len()
            ),
            format!("{} ({})", kb(wire_bytes), encodings_sent(&on_the_wire)),
            String::new(),
        ),
        (
            "A Chinese reader's first load, with the zh-CN texts the page fetches before its first screen".into(),
            format!(
                "{} ({} + {} for the texts)",
                kb(zh_total_gz as f64),
                kb(total_gz as f64),
                kb(zh_pack_gz as f64)
            ),
            format!("≤ {CHINESE_FIRST_LOAD_KB} KB: {}", verdict(&budgets[5])),
        ),
        (
            format!(
                "The modules fetched on demand (the later pages, the dev panel, scenarios and the code they share: {} files), each gzip -9",
                on_demand_files.len()
            ),
            kb(on_demand_gz as f64),
            String::new(),
        ),
        (
            "The demo store's worker (sw.js + store.js + store_bg.wasm), gzip -9, fetched by the worker".into(),
            kb(worker_gz as f64),
            String::new(),
        ),
        (
            "Time to interactive, shop, repeat visit (median of 10)".into(),
            format!("{shop_tti:.0} ms"),
            String::new(),
        ),
        (
            format!("Time to interactive, shop, first visit with the worker's install (median of {FIRST_VISITS})"),
            format!("{first_visit:.0} ms"),
            String::new(),
        ),
        (
            "Time to interactive, Leptos counter (median of 10)".into(),
            format!(
                "{counter_tti:.0} ms (its first load {} gzip)",
                kb(counter_gz as f64)
            ),
            String::new(),
        ),
        (
            "Shop / counter".into(),
            format!("{ratio:.2}×"),
            format!("≤ 1.5×: {}", verdict(&budgets[1])),
        ),
        (
            format!(
                "Countdown flip error, {} flips (median / max)",
                flip_errors.len()
            ),
            format!("{flip_median:.1} ms / {flip_max:.1} ms"),
            format!("≤ 50 ms: {}", verdict(&budgets[2])),
        ),
        (
            "Longest task around the sale moment, 100,000 shoppers".into(),
            format!(
                "{longest:.0} ms ({} long tasks{})",
                tasks["count"],
                if tasks["observer_saw_an_80_ms_calibration_task"] == json!(true) {
                    "; observer checked with an 80 ms task"
                } else {
                    "; OBSERVER MISSED ITS 80 ms CHECK TASK"
                }
            ),
            format!("none over 50 ms: {}", verdict(&budgets[3])),
        ),
        (
            "1,000,000-shopper sale in Chromium (median of 3)".into(),
            format!("{browser_sale:.0} ms"),
            format!("≤ 1 s: {}", verdict(&budgets[4])),
        ),
        (
            "1,000,000-shopper sale, native (median of 3)".into(),
            format!("{native_sale:.0} ms"),
            String::new(),
        ),
        (
            "The worker's cold rebuild of a 100,000-shopper sale (IndexedDB + replay)".into(),
            format!("{rebuild_ms:.0} ms"),
            String::new(),
        ),
        (
            "wasm memory after that sale".into(),
            format!("{:.1} MB", memory / 1e6),
            String::new(),
        ),
    ];

    let report = json!({
        "measured_at_unix_s": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        "chromium": "headless, --window-size=1280,900, fresh profile, served from 127.0.0.1 with Cache-Control: no-store",
        "first_load": first_load,
        "first_visit_on_the_wire": on_the_wire,
        "counter_first_load": { "bytes": counter_raw, "gzip9_bytes": counter_gz },
        "worker_files": worker_load,
        "on_demand": on_demand_load,
        "interactive": { "shop_ms": shop_ms, "counter_ms": counter_ms, "shop_median_ms": shop_tti, "counter_median_ms": counter_tti, "ratio": ratio, "first_visit_ms": first_visit_ms, "first_visit_median_ms": first_visit },
        "worker_cold_rebuild": rebuild,
        "countdown": { "flips": flips, "median_abs_error_ms": flip_median, "max_abs_error_ms": flip_max },
        "long_tasks": tasks,
        "sale_1m": { "browser": in_browser, "browser_median_ms": browser_sale, "native": native, "native_median_ms": native_sale, "wasm_memory_bytes": memory },
        "budgets": budgets,
    });
    std::fs::create_dir_all(&target)?;
    std::fs::write(
        target.join("bench.json"),
        serde_json::to_string_pretty(&report)?,
    )?;

    let mut md = String::from("| Figure | Measured | Budget |\n| --- | --- | --- |\n");
    for (a, b, c) in &rows {
        md.push_str(&format!("| {a} | {b} | {c} |\n"));
    }
    std::fs::write(target.join("bench.md"), &md)?;
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    println!();
    for (a, b, c) in &rows {
        println!("{a:<w0$}  {b:<w1$}  {c}");
    }
    println!(
        "\nwrote {} and {}",
        target.join("bench.json").display(),
        target.join("bench.md").display()
    );
    Ok(budgets
        .iter()
        .filter(|b| b["holds"] != json!(true))
        .map(|b| b["name"].as_str().unwrap_or("?").to_string())
        .collect())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run()) {
        Ok(short) if short.is_empty() => {}
        Ok(short) => {
            eprintln!("bench: {} budget(s) fall short:", short.len());
            for name in short {
                eprintln!("  - {name}");
            }
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("bench failed: {e}");
            std::process::exit(1);
        }
    }
}
