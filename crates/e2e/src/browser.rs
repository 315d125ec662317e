//! chromedriver on a free loopback port, headless Chromium sessions with a fresh profile each,
//! and the few page helpers the journeys and the bench need (waits that say what they saw).
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// Fails the current step with a message.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err(format!($($arg)*).into()) };
}

/// Fails the step unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => { if !$cond { $crate::bail!($($arg)*); } };
}

/// The chromedriver process; stopped (killed and reaped) when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    profiles: PathBuf,
    sessions: std::sync::atomic::AtomicUsize,
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

impl Driver {
    /// Starts `$CHROMEDRIVER` (default /usr/bin/chromedriver) and waits until it listens.
    pub fn start(profiles: &Path) -> Result<Driver> {
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port()?;
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {binary}: {e}"))?;
        let mut driver = Driver {
            child,
            port,
            profiles: profiles.to_path_buf(),
            sessions: 0.into(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                bail!("chromedriver exited at start: {status}");
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    /// A new headless Chromium with a fresh profile, its window `width`×`height`.
    pub async fn session(&self, width: u32, height: u32) -> Result<Browser> {
        self.session_in(None, width, height).await
    }

    /// Like [`Driver::session`], with Chromium's language set (`--lang` and the languages it
    /// sends and reports in `navigator.languages`) as a shopper's browser in that language is.
    pub async fn session_in(
        &self,
        language: Option<&str>,
        width: u32,
        height: u32,
    ) -> Result<Browser> {
        let n = self
            .sessions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = self
            .profiles
            .join(format!("profile-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)?;
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            // Timers in a tab the harness is not looking at must not be slowed down.
            "--disable-background-timer-throttling".into(),
            "--disable-renderer-backgrounding".into(),
            "--disable-backgrounding-occluded-windows".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ];
        args.extend(language.map(|l| format!("--lang={l}")));
        let prefs = match language {
            Some(l) => json!({ "intl": { "accept_languages": l } }),
            None => json!({}),
        };
        let caps = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": { "binary": binary, "args": args, "prefs": prefs },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let mut last = None;
        // Chromium on a busy 2-core machine may be slow to come up: try a few times.
        for _ in 0..3 {
            match builder
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => {
                    client
                        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                            Some(Duration::from_secs(120)),
                            Some(Duration::from_secs(60)),
                            Some(Duration::ZERO),
                        ))
                        .await?;
                    return Ok(Browser {
                        client,
                        profile,
                        width,
                        height,
                        language: language.map(str::to_string),
                    });
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        Err(format!(
            "no browser session: {}",
            last.map(|e| e.to_string()).unwrap_or_default()
        )
        .into())
    }
}

fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    e.to_string().contains("stale element") || e.to_string().contains("not interactable")
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser (one profile, so one localStorage and one store), possibly with several windows.
pub struct Browser {
    pub client: Client,
    profile: PathBuf,
    width: u32,
    height: u32,
    /// The language Chromium was started in, if one was set.
    pub language: Option<String>,
}

impl Browser {
    /// Ends the session (Chromium quits) and removes its profile.
    pub async fn quit(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// Runs a JS function body (`return …`) with `arguments`.
    pub async fn js(&self, body: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(body, args).await?)
    }

    /// Polls a JS expression until it is truthy; the error names `what` and the page's state.
    pub async fn wait_js(&self, expr: &str, timeout: Duration, what: &str) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        let body = format!("try {{ return ({expr}); }} catch (e) {{ return null; }}");
        loop {
            // A navigation in progress may fail a script; keep polling until the deadline.
            if let Ok(v) = self.client.execute(&body, vec![]).await {
                if !matches!(&v, Value::Null | Value::Bool(false))
                    && v != json!("")
                    && v != json!(0)
                {
                    return Ok(v);
                }
            }
            if Instant::now() > deadline {
                bail!(
                    "timed out after {:?} waiting for {what}; page: {}",
                    timeout,
                    self.describe().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The sale screen's `data-state` (or another `data-state` on the page, e.g. not-found).
    pub async fn state(&self) -> Option<String> {
        self.js(
            "const s = document.querySelector('section[data-state]') || document.querySelector('main [data-state], [data-state=booting], [data-state=boot-error]'); return s ? s.dataset.state : null;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(String::from))
    }

    /// Waits until the sale screen is one of `states`; answers which.
    pub async fn wait_state(&self, states: &[&str], timeout: Duration) -> Result<String> {
        let list = serde_json::to_string(states)?;
        let v = self
            .wait_js(
                &format!("(() => {{ const s = document.querySelector('section[data-state]'); return s && {list}.includes(s.dataset.state) ? s.dataset.state : null; }})()"),
                timeout,
                &format!("state {}", states.join(" or ")),
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// One line on where the page is, for failure messages.
    pub async fn describe(&self) -> String {
        let v = self
            .js(
                "const s = document.querySelector('section[data-state]'); \
                 const errs = [...document.querySelectorAll('[data-testid=action-error],[data-testid=sign-in-error],[data-testid=network-notice],.notice,[role=alert]')].map(e => e.textContent.trim()).filter(t => t); \
                 return location.pathname + location.search + ' state=' + (s ? s.dataset.state : '-') + ' notices=' + JSON.stringify(errs) + ' text=' + JSON.stringify((document.querySelector('main') || document.body).innerText.slice(0, 300));",
                vec![],
            )
            .await;
        v.ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_else(|| "(no page)".into())
    }

    /// Opens a scenario URL and waits until the preset has played and left the sale page.
    pub async fn scenario(&self, base: &str, query: &str, timeout: Duration) -> Result<String> {
        self.goto(&format!("{base}/?{query}")).await?;
        self.wait_js(
            "!location.search.includes('demo=') && location.pathname.startsWith('/sale/') && document.querySelector('section[data-state]')",
            timeout,
            &format!("the scenario ?{query} to land on a sale screen"),
        )
        .await?;
        Ok(self.state().await.unwrap_or_default())
    }

    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        Ok(self
            .client
            .find(Locator::Css(css))
            .await
            .map_err(|e| format!("no {css}: {e}"))?)
    }

    /// Waits for an element, then clicks it when it is enabled. The app may re-render the
    /// element between finding and clicking it; a stale element is looked up again.
    pub async fn click(&self, css: &str, timeout: Duration) -> Result<()> {
        let q = serde_json::to_string(css)?;
        let deadline = Instant::now() + timeout;
        loop {
            self.wait_js(&format!("(() => {{ const e = document.querySelector({q}); return e && !e.disabled; }})()"), timeout, &format!("{css} enabled"))
                .await?;
            match self.find(css).await?.click().await {
                Ok(()) => return Ok(()),
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                Err(e) => bail!("clicking {css}: {e}"),
            }
        }
    }

    /// Types into an input (after clearing it) once, as a person would, key by key, and checks
    /// the field then holds exactly `text`: a field the app replaced or reset while typing
    /// fails the journey rather than being typed into again.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let q = serde_json::to_string(css)?;
        self.wait_js(
            &format!("document.querySelector({q})"),
            Duration::from_secs(10),
            css,
        )
        .await?;
        let input = self.find(css).await?;
        input
            .clear()
            .await
            .map_err(|e| format!("clearing {css}: {e}"))?;
        if !text.is_empty() {
            input
                .send_keys(text)
                .await
                .map_err(|e| format!("typing into {css}: {e}"))?;
        }
        // Let the input event reach the app's draft before reading the value back.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let got = self.value(css).await?;
        ensure!(
            got == text,
            "{css} holds {got:?} after typing {text:?} once"
        );
        Ok(())
    }

    /// An input's current value.
    pub async fn value(&self, css: &str) -> Result<String> {
        let q = serde_json::to_string(css)?;
        let v = self
            .js(
                &format!("const e = document.querySelector({q}); return e ? e.value : null;"),
                vec![],
            )
            .await?;
        v.as_str()
            .map(String::from)
            .ok_or_else(|| format!("no input {css}").into())
    }

    /// The trimmed text of `[data-testid=id]`, or None when it is not on the page.
    pub async fn testid(&self, id: &str) -> Result<Option<String>> {
        let v = self
            .js("const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return e ? e.textContent.trim() : null;", vec![json!(id)])
            .await?;
        Ok(v.as_str().map(String::from))
    }

    /// Waits until `[data-testid=id]` has text; answers it.
    pub async fn wait_testid(&self, id: &str, timeout: Duration) -> Result<String> {
        let v = self
            .wait_js(&format!("(() => {{ const e = document.querySelector('[data-testid=\"{id}\"]'); return e && e.textContent.trim(); }})()"), timeout, &format!("[data-testid={id}] with text"))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Saves a screenshot at each width (`<name>-<width>.png` under `dir`), then restores the window.
    pub async fn screenshots(&self, dir: &Path, name: &str, widths: &[u32]) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        for &w in widths {
            self.client.set_window_size(w, self.height).await?;
            // Let layout settle at the new width (two frames).
            let _ = self.js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));", vec![]).await;
            let png = self.client.screenshot().await?;
            std::fs::write(dir.join(format!("{name}-{w}.png")), png)?;
        }
        self.client.set_window_size(self.width, self.height).await?;
        Ok(())
    }
}
