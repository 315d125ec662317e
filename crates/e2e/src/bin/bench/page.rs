//! Measurements of the shop in the browser: time to interactive, the countdown's flips against
//! store time, long tasks at the sale moment, and the demo store's cold rebuild.
use std::time::Duration;

use e2e::{bail, Browser, Result};
use serde_json::{json, Value};

const FLIPS: usize = 30;

/// `s` seconds.
pub(crate) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Loads `url` afresh and answers `app-interactive`'s startTime (ms from navigation start).
pub(crate) async fn interactive_ms(b: &Browser, url: &str) -> Result<f64> {
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

/// The countdown's flips, each against the page's store time: the errors (ms) and the flips.
pub(crate) async fn countdown_flips(b: &Browser, base: &str) -> Result<(Vec<f64>, Vec<Value>)> {
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

/// Long tasks on the main thread around the sale moment with 100,000 shoppers.
pub(crate) async fn long_tasks(b: &Browser, base: &str) -> Result<Value> {
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

/// The demo store's cold start with a 100,000-shopper sale under way: the worker is stopped
/// (unregistered) and the page reloaded, so a new worker opens IndexedDB and replays the sale.
/// Answers the worker's own measure of its opening (ms) and the sale's phase.
pub(crate) async fn worker_cold_rebuild(b: &Browser, base: &str) -> Result<Value> {
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
