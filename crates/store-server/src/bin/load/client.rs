//! The load generator's HTTP/1.1 client and its calls as a shopper's app makes them.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long one request may take before it counts as unanswered.
const ANSWER_WITHIN: Duration = Duration::from_secs(15);
/// How long a shopper keeps trying nodes that refuse (503) or do not answer: a restarted
/// nats-server takes seconds to learn the stream again, and nodes connected to it refuse
/// meanwhile, as the app's retries would ride out.
const KEEP_TRYING_FOR: Duration = Duration::from_secs(60);

/// Kept-alive connections to each node, one request at a time on each, written and read in the
/// calling task. It runs on the same two cores as the servers, so its CPU counts against what
/// they can do: hyper's pooled client hands every request to a connection task and back,
/// about 70 ms of CPU per 1,000 joins in `make load`.
#[derive(Clone, Default)]
pub struct Http {
    idle: Arc<Mutex<HashMap<String, Vec<TcpStream>>>>,
}

impl Http {
    fn take(&self, host: &str) -> Option<TcpStream> {
        self.idle.lock().unwrap().get_mut(host)?.pop()
    }

    fn keep(&self, host: &str, connection: TcpStream) {
        let mut idle = self.idle.lock().unwrap();
        idle.entry(host.to_string()).or_default().push(connection);
    }
}

pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// One request on `connection`: the status and body of its answer, and whether the connection
/// can carry another; or what went wrong, and whether any of an answer had come.
async fn exchange(
    connection: &mut TcpStream,
    request: &[u8],
) -> Result<(u16, Vec<u8>, bool), (String, bool)> {
    let none = |e: std::io::Error| (e.to_string(), false);
    let some = |e: String| (e, true);
    connection.write_all(request).await.map_err(none)?;
    let mut buffer = Vec::with_capacity(1024);
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) =
            response.parse(&buffer).map_err(|e| some(e.to_string()))?
        {
            let status = response.code.unwrap_or(0);
            let mut length = 0;
            let mut again = true;
            for header in response.headers.iter() {
                if header.name.eq_ignore_ascii_case("content-length") {
                    length = std::str::from_utf8(header.value)
                        .ok()
                        .and_then(|v| v.trim().parse().ok())
                        .ok_or_else(|| some("a bad Content-Length".into()))?;
                } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                    return Err(some("a chunked answer (the store sends whole ones)".into()));
                } else if header.name.eq_ignore_ascii_case("connection") {
                    again = !header.value.eq_ignore_ascii_case(b"close");
                }
            }
            while buffer.len() < head + length {
                if connection
                    .read_buf(&mut buffer)
                    .await
                    .map_err(|e| some(e.to_string()))?
                    == 0
                {
                    return Err(some("the connection closed mid-answer".into()));
                }
            }
            buffer.drain(..head);
            let whole = buffer.len() == length;
            return Ok((status, buffer, again && whole));
        }
        let got_some = !buffer.is_empty();
        match connection.read_buf(&mut buffer).await {
            Ok(0) => return Err(("the connection closed".into(), got_some)),
            Ok(_) => {}
            Err(e) => return Err((e.to_string(), got_some)),
        }
    }
}

/// One request to the node at `base` (`http://host:port`).
pub async fn send(
    http: &Http,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&str>,
) -> Result<Answer, String> {
    let host = base.strip_prefix("http://").unwrap_or(base);
    let body = body.unwrap_or_default();
    let mut request = Vec::with_capacity(256 + body.len());
    request.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n").as_bytes());
    if let Some(token) = token {
        request.extend_from_slice(format!("Authorization: Bearer {token}\r\n").as_bytes());
    }
    if let Some(key) = key {
        request.extend_from_slice(format!("Idempotency-Key: {key}\r\n").as_bytes());
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body.as_bytes());
    let answer = async {
        // A kept connection the node has closed since (a node killed and started again) fails
        // before any answer comes: the request goes again on another, as hyper's pool does.
        let (mut connection, (status, bytes, again)) = loop {
            match http.take(host) {
                Some(mut kept) => match exchange(&mut kept, &request).await {
                    Ok(answered) => break (kept, answered),
                    Err((_, false)) => continue,
                    Err((problem, true)) => return Err(problem),
                },
                None => {
                    let mut fresh = TcpStream::connect(host).await.map_err(|e| e.to_string())?;
                    fresh.set_nodelay(true).map_err(|e| e.to_string())?;
                    let answered = exchange(&mut fresh, &request).await.map_err(|(e, _)| e)?;
                    break (fresh, answered);
                }
            }
        };
        if again {
            http.keep(host, connection);
        } else {
            let _ = connection.shutdown().await;
        }
        Ok(Answer {
            status,
            body: String::from_utf8(bytes).map_err(|e| e.to_string())?,
        })
    };
    tokio::time::timeout(ANSWER_WITHIN, answer)
        .await
        .map_err(|_| format!("no answer in {} s", ANSWER_WITHIN.as_secs()))?
}

/// A call's body as JSON.
pub fn json(value: &impl Serialize) -> Option<String> {
    Some(serde_json::to_string(value).expect("the contract's types serialise"))
}

/// Why a call did not succeed.
pub enum Failure {
    /// A node refused it (any status but 200 and 503), after `attempts` tries.
    Refused { attempts: usize, answer: Answer },
    /// No node answered it well enough to go on with the run.
    Unanswered(String),
}

impl Failure {
    pub fn describe(&self, method: &str, path: &str) -> String {
        match self {
            Failure::Refused { answer, .. } => {
                format!("{method} {path}: {} {}", answer.status, answer.body)
            }
            Failure::Unanswered(why) => format!("{method} {path}: {why}"),
        }
    }
}

static KEYS: AtomicU64 = AtomicU64::new(0);

/// One call from a shopper's node, moving to the next node (same idempotency key) when a node
/// is down or cannot confirm: the answer and how long it took from the first attempt.
pub async fn try_call<T: DeserializeOwned>(
    http: &Http,
    urls: &[String],
    home: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<(T, Duration), Failure> {
    let key = (method != "GET").then(|| format!("load-{}", KEYS.fetch_add(1, Ordering::Relaxed)));
    let started = Instant::now();
    let mut attempt = 0;
    while started.elapsed() < KEEP_TRYING_FOR {
        let base = &urls[(home + attempt) % urls.len()];
        attempt += 1;
        let sent = send(
            http,
            base,
            method,
            path,
            token,
            key.as_deref(),
            body.as_deref(),
        );
        match sent.await {
            Ok(answer) if answer.status == 200 => {
                return serde_json::from_str(&answer.body)
                    .map(|value| (value, started.elapsed()))
                    .map_err(|e| Failure::Unanswered(format!("{e}: {}", answer.body)));
            }
            Ok(answer) if answer.status == 503 => {}
            Ok(answer) => {
                return Err(Failure::Refused {
                    attempts: attempt,
                    answer,
                })
            }
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(Failure::Unanswered(format!(
        "no node answered for {} s",
        KEEP_TRYING_FOR.as_secs()
    )))
}

/// [`try_call`] where a refusal means the run itself is wrong.
pub async fn call<T: DeserializeOwned>(
    http: &Http,
    urls: &[String],
    home: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<(T, Duration), String> {
    try_call(http, urls, home, method, path, token, body)
        .await
        .map_err(|failure| failure.describe(method, path))
}
