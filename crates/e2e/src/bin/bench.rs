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
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use e2e::{bail, Browser, Driver, Result, StaticServer, StoreServer};
use serde_json::{json, Value};

const LOADS: usize = 10;
const FLIPS: usize = 30;
const SALE_RUNS: usize = 3;
const FIRST_VISITS: usize = 3;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NAN, f64::max)
}

/// The wasm, JS and CSS files of a dist/, in three parts: those the page itself loads for its
/// first screen, the modules it fetches when a later page first needs them, and the rest (the
/// demo store's Service Worker: sw.js, store.js, store_bg.wasm).
///
/// The page is named in index.html. `make build` puts it in a `page-<hash>/` directory
/// (scripts/split-page): its JS (the shell's and `__wasm_split.js`, which the shell imports)
/// loads with it, and every wasm there but the shell's is on demand (journey
/// `the_first_screen_fetches_only_the_shell` holds the home page to that).
struct DistFiles {
    page: Vec<PathBuf>,
    on_demand: Vec<PathBuf>,
    worker: Vec<PathBuf>,
}

fn dist_files(dist: &Path, ext: &str) -> Result<DistFiles> {
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    let files_in = |dir: &Path| -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        Ok(files)
    };
    let named = |f: &Path| {
        let relative = f.strip_prefix(dist).unwrap_or(f).to_string_lossy();
        index.contains(&format!("/{relative}"))
    };
    let (page, worker) = files_in(dist)?.into_iter().partition(|f| named(f));
    let mut files = DistFiles {
        page,
        on_demand: Vec::new(),
        worker,
    };
    for dir in std::fs::read_dir(dist)?.flatten().map(|e| e.path()) {
        let is_page_dir = dir.is_dir()
            && dir
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("page-"));
        if is_page_dir {
            let (first, later): (Vec<_>, Vec<_>) = files_in(&dir)?
                .into_iter()
                .partition(|f| ext != "wasm" || named(f));
            files.page.extend(first);
            files.on_demand.extend(later);
        }
    }
    Ok(files)
}

/// Raw and gzip -9 sizes of `files` concatenated, as scripts/first-load-size counts them.
fn gzip_size(files: &[PathBuf]) -> Result<(u64, u64)> {
    let raw: u64 = files
        .iter()
        .map(|f| f.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut cat = Vec::new();
    for f in files {
        cat.extend(std::fs::read(f)?);
    }
    let mut child = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    // Feed gzip from another thread: it writes while it reads, so one thread could deadlock.
    let mut stdin = child.stdin.take().expect("piped");
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&cat)
    });
    let out = child.wait_with_output()?;
    feeder.join().expect("the feeder thread")?;
    Ok((raw, out.stdout.len() as u64))
}

/// What the store server sends for one GET of `path`, asked as a phone's browser asks over
/// HTTPS (`Accept-Encoding: br, gzip`): the encoding it chose and the bytes of the answer on the
/// wire, head and body. Anything but a 200 stops the bench.
fn fetch_on_the_wire(addr: &str, path: &str) -> Result<Value> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: br, gzip\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let Some(head_len) = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
    else {
        bail!("GET {path}: no HTTP answer from the store server");
    };
    let head = String::from_utf8_lossy(&answer[..head_len]);
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        bail!("GET {path}: the store server answered {status}");
    }
    let encoding = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-encoding"))
        .map_or("identity", |(_, value)| value.trim());
    Ok(json!({
        "path": path,
        "content_encoding": encoding,
        "body_bytes": answer.len() - head_len,
        "wire_bytes": answer.len(),
    }))
}

/// A first visit on the wire: index.html and every file the page loads before its first
/// screen, fetched from the store server serving `dist`.
fn first_visit_on_the_wire(server: &Path, dist: &Path, files: &[PathBuf]) -> Result<Value> {
    let data = e2e::target_dir().join("bench-store-data");
    let store = StoreServer::start(server, dist, &data)?;
    let base = store.base_url();
    let addr = base.trim_start_matches("http://");
    let mut fetched = vec![fetch_on_the_wire(addr, "/")?];
    for file in files {
        let relative = file.strip_prefix(dist).unwrap_or(file);
        fetched.push(fetch_on_the_wire(
            addr,
            &format!("/{}", relative.to_string_lossy()),
        )?);
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&data);
    let sum = |key: &str| fetched.iter().filter_map(|f| f[key].as_u64()).sum::<u64>();
    Ok(json!({
        "server": "store-server --demo on 127.0.0.1, HTTP/1.1, Accept-Encoding: br, gzip",
        "files": fetched,
        "total_body_bytes": sum("body_bytes"),
        "total_wire_bytes": sum("wire_bytes"),
    }))
}

/// How many of a first visit's answers came in each encoding, e.g. "5 br, 1 identity".
fn encodings_sent(on_the_wire: &Value) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for file in on_the_wire["files"].as_array().into_iter().flatten() {
        *counts
            .entry(file["content_encoding"].as_str().unwrap_or("?"))
            .or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(e, n)| format!("{n} {e}")).collect();
    counts.join(", ")
}

/// Loads `url` afresh and answers `app-interactive`'s startTime (ms from navigation start).
async fn interactive_ms(b: &Browser, url: &str) -> Result<f64> {
    b.goto("about:blank").await?;
    b.goto(url).await?;
    let v = b
        .wait_js("(() => { const m = performance.getEntriesByName('app-interactive')[0]; return m ? m.startTime : null; })()", secs(60), "the app-interactive mark")
        .await?;
    v.as_f64().ok_or_else(|| format!("odd mark {v}").into())
}

/// Store instant of the sale's start, from the join button's "Opens at HH:MM:SS" (local time)
/// and the page's store clock.
const STARTS_JS: &str = r#"(() => {
  const j = document.querySelector('[data-testid=join]');
  const m = j && j.textContent.match(/(\d\d):(\d\d):(\d\d)/);
  const now = window.wasmBindings && window.wasmBindings.store_now_ms();
  if (!m || !(now > 0)) return null;
  const d = new Date(now); d.setHours(+m[1], +m[2], +m[3], 0);
  let t = d.getTime();
  if (t < now - 43200000) t += 86400000;
  if (t > now + 43200000) t -= 86400000;
  return t;
})()"#;

/// Records every change of the countdown's text with the page's store time at that moment.
const FLIP_OBSERVER_JS: &str = r#"
  window.__flips = [];
  const read = () => { const e = document.querySelector('[data-testid=countdown]'); return e ? e.textContent.trim() : null; };
  let last = read();
  new MutationObserver(() => {
    const t = read();
    if (t !== null && t !== last) {
      window.__flips.push({ prev: last, text: t, store: window.wasmBindings.store_now_ms(), perf: performance.now() });
    }
    if (t !== null) last = t;
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  return true;
"#;

/// Seconds left shown by a countdown text such as "0:19" or "1:04:09".
fn shown_seconds(text: &str) -> Option<f64> {
    let parts: Vec<f64> = text
        .split(':')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    Some(parts.iter().fold(0.0, |acc, p| acc * 60.0 + p))
}

async fn countdown_flips(b: &Browser, base: &str) -> Result<(Vec<f64>, Vec<Value>)> {
    let mut errors = Vec::new();
    let mut raw = Vec::new();
    for _round in 0..4 {
        if errors.len() >= FLIPS {
            break;
        }
        b.scenario(base, "demo=countdown", secs(60)).await?;
        let starts = b
            .wait_js(STARTS_JS, secs(20), "the start instant (join button)")
            .await?
            .as_f64()
            .unwrap_or(f64::NAN);
        b.js(FLIP_OBSERVER_JS, vec![]).await?;
        // Watch until the start (plus a little), at most 30 s.
        b.wait_js(
            &format!("window.wasmBindings.store_now_ms() > {starts} + 1500"),
            secs(40),
            "the sale's start",
        )
        .await?;
        let flips = b.js("return window.__flips;", vec![]).await?;
        for f in flips.as_array().cloned().unwrap_or_default() {
            let (Some(text), Some(store)) = (f["text"].as_str(), f["store"].as_f64()) else {
                continue;
            };
            if f["prev"].is_null() || errors.len() >= FLIPS {
                continue;
            }
            let Some(left) = shown_seconds(text) else {
                continue;
            };
            // The text shows whole seconds left, rounded up: it should change to `left` at
            // exactly starts − left seconds, a whole store second.
            let due = starts - left * 1000.0;
            let error = store - due;
            errors.push(error);
            raw.push(json!({ "text": text, "store_ms": store, "due_ms": due, "error_ms": error }));
        }
    }
    if errors.is_empty() {
        bail!("no countdown flips observed");
    }
    Ok((errors, raw))
}

async fn long_tasks(b: &Browser, base: &str) -> Result<Value> {
    b.scenario(base, "demo=countdown&crowd=100000", secs(120))
        .await?;
    let starts = b
        .wait_js(STARTS_JS, secs(30), "the start instant (join button)")
        .await?
        .as_f64()
        .unwrap_or(f64::NAN);
    b.js(
        "window.__lt = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lt.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true }); return true;",
        vec![],
    )
    .await?;
    // Through the start and 10 s of the live sale.
    b.wait_js(
        &format!("window.wasmBindings.store_now_ms() > {starts} + 10000"),
        secs(60),
        "10 s after the start",
    )
    .await?;
    // Calibration, after the window: an 80 ms busy task the observer must report.
    b.js("window.__calibration = performance.now(); setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80) {} }, 0); return true;", vec![]).await?;
    let calibrated = b
        .wait_js(
            "window.__lt.some(t => t.start >= window.__calibration && t.duration >= 80)",
            secs(5),
            "the calibration long task",
        )
        .await
        .is_ok();
    let v = b
        .js(
            &format!(
                "const now = performance.now(); const moment = now - (window.wasmBindings.store_now_ms() - {starts}); \
                 return {{ moment, tasks: window.__lt.filter(t => t.start < (window.__calibration || Infinity)), state: (document.querySelector('section[data-state]') || {{dataset: {{}}}}).dataset.state }};"
            ),
            vec![],
        )
        .await?;
    let moment = v["moment"].as_f64().unwrap_or(f64::NAN);
    let tasks = v["tasks"].as_array().cloned().unwrap_or_default();
    let around: Vec<&Value> = tasks
        .iter()
        .filter(|t| {
            t["start"].as_f64().is_some_and(|s| {
                s + t["duration"].as_f64().unwrap_or(0.0) >= moment - 5000.0
                    && s <= moment + 10000.0
            })
        })
        .collect();
    let longest = around
        .iter()
        .filter_map(|t| t["duration"].as_f64())
        .fold(0.0, f64::max);
    let longest_any = tasks
        .iter()
        .filter_map(|t| t["duration"].as_f64())
        .fold(0.0, f64::max);
    Ok(json!({
        "window": "from 5 s before to 10 s after the sale's start (store time 1:1 with real time)",
        "sale_moment_perf_ms": moment,
        "longest_ms": longest,
        "count": around.len(),
        "tasks": around,
        "longest_since_load_ms": longest_any,
        "state_after": v["state"],
        "observer_saw_an_80_ms_calibration_task": calibrated,
    }))
}

async fn sale_in_browser(b: &Browser, base: &str) -> Result<Vec<Value>> {
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

fn sale_native(simulate: &Path) -> Result<Vec<Value>> {
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

/// The demo store's cold start with a 100,000-shopper sale under way: the worker is stopped
/// (unregistered) and the page reloaded, so a new worker opens IndexedDB and replays the sale.
/// Answers the worker's own measure of its opening (ms) and the sale's phase.
async fn worker_cold_rebuild(b: &Browser, base: &str) -> Result<Value> {
    b.scenario(base, "demo=live&crowd=100000", secs(180))
        .await?;
    // A minute of the sale so the replay has the crowd's arrivals and admissions to redo.
    tokio::time::sleep(secs(20)).await;
    b.js(
        "return navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister()))).then(() => true);",
        vec![],
    )
    .await?;
    b.client.refresh().await?;
    let state = b
        .wait_js(
            "fetch('/api/dev/state').then(r => r.json()).then(s => JSON.stringify(s))",
            secs(120),
            "the rebuilt store's state",
        )
        .await?;
    let state: Value = serde_json::from_str(state.as_str().unwrap_or("null"))?;
    Ok(json!({
        "opened_in_ms": state["opened_in_ms"],
        "sales": state["sales"],
    }))
}

/// A Chinese reader's first load: the English reader's budget (150 KB) and the zh-CN texts the
/// page fetches before its first screen, which may take 10 KB gzip.
const CHINESE_FIRST_LOAD_KB: f64 = 160.0;

fn budget(name: &str, value: f64, limit: f64, unit: &str) -> Value {
    json!({ "name": name, "value": (value * 100.0).round() / 100.0, "limit": limit, "unit": unit, "holds": value.is_finite() && value <= limit })
}

fn verdict(b: &Value) -> &'static str {
    if b["holds"] == json!(true) {
        "pass"
    } else {
        "falls short"
    }
}

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
