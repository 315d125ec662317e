//! One store node on one machine: the replica, and the command log that makes it durable.
//! A command is stamped with real time, appended to the log and applied under one lock (so
//! the log's order is the order it was applied in); its answer leaves once the log has synced
//! it. On opening, the log is replayed and the shopper is where they were.
use std::path::Path;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use store_contract::demo::Sms;
use store_contract::{codes, ApiError, Method, StoreRequest, StoreResponse};

use crate::log::CommandLog;
use crate::replica::{Call, Entry, Replica};

pub struct Node {
    replica: Mutex<Replica>,
    log: CommandLog,
}

/// Real time in milliseconds since the Unix epoch, as the store's clock takes it.
pub fn real_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1_000.0)
}

fn unavailable() -> StoreResponse {
    let error = ApiError::new(
        503,
        codes::UNAVAILABLE,
        "The store could not record this on disk, so it did not happen. Try again later.",
    );
    StoreResponse {
        status: 503,
        retry_after_ms: None,
        body: serde_json::to_string(&error).expect("errors serialise"),
    }
}

impl Node {
    /// Opens the store in `data_dir`: replays its log, or starts a new store from `catalog`
    /// with a secret from the operating system.
    pub async fn open(data_dir: &Path, catalog: &str, demo: bool) -> Result<Node, String> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let path = data_dir.join("commands.log");
        let (log, records) =
            CommandLog::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let started = Instant::now();
        let mut entries = records.iter().map(|r| {
            serde_json::from_slice::<Entry>(r)
                .map_err(|e| format!("a log entry is unreadable: {e}"))
        });
        let replica = match entries.next() {
            Some(opening) => {
                let opening = opening?;
                if let Entry::Open { demo: was, .. } = &opening {
                    if *was != demo {
                        return Err(format!(
                            "{} holds a store started {} --demo; start it the same way or use another --data directory",
                            data_dir.display(),
                            if *was { "with" } else { "without" }
                        ));
                    }
                }
                let mut replica = Replica::open(&opening)?;
                for entry in entries {
                    replica.apply(entry?);
                }
                replica
            }
            None => {
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret)
                    .map_err(|e| format!("no cryptographic randomness: {e}"))?;
                let opening = Entry::Open {
                    at_ms: real_now(),
                    secret,
                    catalog: catalog.to_string(),
                    demo,
                };
                let replica = Replica::open(&opening)?;
                let number = log.append(&serde_json::to_vec(&opening).expect("entries serialise"));
                log.synced(number)
                    .await
                    .map_err(|()| format!("cannot write {}", path.display()))?;
                replica
            }
        };
        eprintln!(
            "store-server: replayed {} log entries in {} ms",
            records.len(),
            started.elapsed().as_millis()
        );
        Ok(Node {
            replica: Mutex::new(replica),
            log,
        })
    }

    pub fn demo(&self) -> bool {
        self.replica.lock().expect("the store's lock").demo
    }

    /// Answers one call: a command once the log holds it on disk, a read from memory.
    pub async fn answer(&self, request: &StoreRequest) -> StoreResponse {
        let (response, number, code_for) = {
            let mut replica = self.replica.lock().expect("the store's lock");
            let now = real_now().max(replica.at_ms());
            if request.method.changes_state() {
                let entry = Entry::Call {
                    at_ms: now,
                    call: Call::from(request),
                };
                let number = self
                    .log
                    .append(&serde_json::to_vec(&entry).expect("entries serialise"));
                let response = replica.apply(entry).expect("a call is answered");
                let code_for = self.texted_code(&mut replica, request, &response);
                (response, Some(number), code_for)
            } else {
                let (response, changed) = replica.read(request, now);
                let number = changed.then(|| self.tick(now));
                (response, number, None)
            }
        };
        if let Some(number) = number {
            if self.log.synced(number).await.is_err() {
                return unavailable();
            }
        }
        if let Some((phone, text)) = code_for {
            println!("SMS to {phone}: {text}");
        }
        response
    }

    /// Moves the sales on to now, so payments settle into orders without waiting for a call.
    pub async fn advance(&self) {
        let number = {
            let mut replica = self.replica.lock().expect("the store's lock");
            let now = real_now().max(replica.at_ms());
            replica.advance(now).then(|| self.tick(now))
        };
        if let Some(number) = number {
            // A failed sync is reported by the log and refuses the next command.
            let _ = self.log.synced(number).await;
        }
    }

    fn tick(&self, at_ms: f64) -> u64 {
        self.log
            .append(&serde_json::to_vec(&Entry::Tick { at_ms }).expect("entries serialise"))
    }

    /// Without `--demo` nobody reads the demo's inbox, and this server has no SMS gateway: the
    /// code a shopper asked for is printed on the server's console once its answer leaves.
    fn texted_code(
        &self,
        replica: &mut Replica,
        request: &StoreRequest,
        response: &StoreResponse,
    ) -> Option<(String, String)> {
        if replica.demo || response.status != 200 || !request.path.starts_with("/api/auth/code") {
            return None;
        }
        let inbox = StoreRequest {
            method: Method::Get,
            path: "/api/dev/inbox".into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        };
        // At the last entry's time nothing can fall due, so this read changes nothing.
        let (answer, _) = replica.read(&inbox, replica.at_ms());
        let inbox: Vec<Sms> = serde_json::from_str(&answer.body).ok()?;
        inbox
            .last()
            .map(|sms| (sms.phone.clone(), sms.text.clone()))
    }
}
