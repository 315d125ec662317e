//! One store node on one machine: the replica, the command log that makes it durable, and
//! the snapshots that make a restart short. A command is stamped with real time, appended to
//! the log and applied under one lock (so the log's order is the order it was applied in);
//! its answer leaves once the log has synced it. On opening, the latest good snapshot is
//! restored, the log after it replayed, and the shopper is where they were.
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use store_contract::demo::Sms;
use store_contract::{ApiError, ErrorCode, Method, StoreRequest, StoreResponse};

use crate::log::CommandLog;
use crate::replica::{Call, Entry, Replica};
use crate::snapshot::{self, Figures, Job};

/// The data directory holds the store's secret (in the log's opening and in every
/// snapshot): only the server's user may list or read it.
const DIR_MODE: u32 = 0o700;

pub struct Node {
    inner: Mutex<Inner>,
    /// Declared before the log: dropping the node finishes the snapshots taken while the log
    /// can still sync the records they cover.
    snapshots: snapshot::Writer,
    log: CommandLog,
    /// Told after each command: it may bring the store's next moment nearer (see
    /// [`Node::commanded`]).
    commanded: tokio::sync::Notify,
}

/// What the node's lock guards.
struct Inner {
    replica: Replica,
    /// The number of the last record applied.
    applied: u64,
    /// Payload bytes logged since the last snapshot was taken.
    tail_bytes: u64,
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
        ErrorCode::Unavailable,
        "The store could not record this on disk, so it did not happen. Try again later.",
    );
    StoreResponse {
        status: 503,
        retry_after_ms: None,
        body: serde_json::to_string(&error).expect("errors serialise"),
    }
}

/// Creates the data directory with [`DIR_MODE`], or narrows an existing one's mode to it.
fn private_dir(dir: &Path) -> Result<(), String> {
    let refused = |e: std::io::Error| format!("cannot create {}: {e}", dir.display());
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(refused)?;
    }
    match std::fs::DirBuilder::new().mode(DIR_MODE).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
            let mode = std::fs::metadata(dir)
                .map_err(refused)?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
                    .map_err(|e| format!("cannot restrict {}: {e}", dir.display()))?;
            }
            Ok(())
        }
        Err(e) => Err(refused(e)),
    }
}

/// The newest snapshot in `dir` that reads and restores, with the records it covers and its
/// size; each one that does not is reported and passed over for the one before it.
fn restore_latest(dir: &Path) -> Result<Option<(u64, u64, Replica)>, String> {
    let found = snapshot::list(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for (i, (records, path)) in found.iter().enumerate().rev() {
        let restored = std::fs::read(path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|data| {
                let replica = Replica::restore(snapshot::decode(&data, *records)?)
                    .map_err(|e| format!("does not restore: {e}"))?;
                Ok((data.len() as u64, replica))
            });
        match restored {
            Ok((bytes, replica)) => return Ok(Some((*records, bytes, replica))),
            Err(problem) => eprintln!(
                "store-server: the snapshot {} {problem}; the store opens from {} instead",
                path.display(),
                match i.checked_sub(1).map(|k| &found[k]) {
                    Some((_, before)) => format!("the one before it, {}", before.display()),
                    None => "the whole log".into(),
                }
            ),
        }
    }
    Ok(None)
}

impl Node {
    /// Opens the store in `data_dir`: restores its latest good snapshot and replays the log
    /// after it, or starts a new store from `catalog` with a secret from the operating system.
    pub async fn open(data_dir: &Path, catalog: &str, demo: bool) -> Result<Node, String> {
        private_dir(data_dir)?;
        let started = Instant::now();
        snapshot::remove_temporaries(data_dir)
            .map_err(|e| format!("cannot tidy {}: {e}", data_dir.display()))?;
        let restored = restore_latest(data_dir)?;
        let opened_from = restored
            .as_ref()
            .map(|(records, bytes, _)| (*records, *bytes));
        let after = opened_from.map_or(0, |(records, _)| records);
        let (log, records) = CommandLog::open(data_dir, after)?;
        let tail_bytes = records.iter().map(|r| r.len() as u64).sum();
        let replayed = records.len();
        let mut entries = records.into_iter().map(|r| {
            serde_json::from_slice::<Entry>(&r)
                .map_err(|e| format!("a log entry is unreadable: {e}"))
        });
        let opening = match restored {
            Some((_, _, replica)) => Some(replica),
            None => match entries.next() {
                Some(opening) => Some(Replica::open(&opening?)?),
                None => None,
            },
        };
        let replica = match opening {
            Some(mut replica) => {
                if replica.demo != demo {
                    return Err(format!(
                        "{} holds a store started {} --demo; start it the same way or use another --data directory",
                        data_dir.display(),
                        if replica.demo { "with" } else { "without" }
                    ));
                }
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
                    .map_err(|()| format!("cannot write the log in {}", data_dir.display()))?;
                replica
            }
        };
        // Records are numbered from 1: those a snapshot covered, then the ones replayed (a new
        // store has logged its opening).
        let log_position = (after + replayed as u64).max(1);
        let snapshots = snapshot::Writer::start(data_dir, log.waiter(), opened_from)
            .map_err(|e| format!("cannot start the snapshot writer: {e}"))?;
        let node = Node {
            inner: Mutex::new(Inner {
                replica,
                applied: log_position,
                tail_bytes,
            }),
            snapshots,
            log,
            commanded: tokio::sync::Notify::new(),
        };
        // A restored store rebuilds its sales from the saved actions when they next move:
        // now, before the first call, and as the running node moves them.
        node.advance().await;
        crate::memory::release_freed_memory();
        eprintln!(
            "store-server: opened {} in {} ms",
            match after {
                0 => format!("from the log ({replayed} entries)"),
                _ => format!(
                    "from {} and {replayed} log entries after it",
                    snapshot::file_name(after)
                ),
            },
            started.elapsed().as_millis()
        );
        Ok(node)
    }

    pub fn demo(&self) -> bool {
        self.inner.lock().expect("the store's lock").replica.demo
    }

    /// The number of the last log record applied.
    pub fn applied(&self) -> u64 {
        self.inner.lock().expect("the store's lock").applied
    }

    pub fn figures(&self) -> Vec<sale_store::SaleFigures> {
        self.inner
            .lock()
            .expect("the store's lock")
            .replica
            .figures()
    }

    /// Answers one call: a command once the log holds it on disk, a read from memory.
    pub async fn answer(&self, request: &StoreRequest) -> StoreResponse {
        let (response, number, code_for) = {
            let mut inner = self.inner.lock().expect("the store's lock");
            let now = real_now().max(inner.replica.at_ms());
            let answered = if request.method.changes_state() {
                let entry = Entry::Call {
                    at_ms: now,
                    call: Call::from(request),
                };
                let number = self.append(&mut inner, &entry);
                let response = inner.replica.apply(entry).expect("a call is answered");
                let code_for = texted_code(&mut inner.replica, request, &response);
                (response, Some(number), code_for)
            } else {
                let (response, changed) = inner.replica.read(request, now);
                let number = changed.then(|| self.append(&mut inner, &Entry::Tick { at_ms: now }));
                (response, number, None)
            };
            self.snapshot_if_due(&mut inner);
            answered
        };
        if request.method.changes_state() {
            self.commanded.notify_one();
        }
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
            let mut inner = self.inner.lock().expect("the store's lock");
            let now = real_now().max(inner.replica.at_ms());
            let number = inner
                .replica
                .advance(now)
                .then(|| self.append(&mut inner, &Entry::Tick { at_ms: now }));
            self.snapshot_if_due(&mut inner);
            number
        };
        if let Some(number) = number {
            // A failed sync is reported by the log and refuses the next command.
            let _ = self.log.synced(number).await;
        }
    }

    /// The real time (ms since the Unix epoch) at which the store next changes without a call,
    /// `None` when nothing will until one comes; it holds until the next command.
    pub fn next_due(&self) -> Option<f64> {
        let inner = self.inner.lock().expect("the store's lock");
        inner.replica.poll_timeout(real_now())
    }

    /// Returns once a command has been applied since it last returned: at once when one has
    /// been meanwhile, so a command between two looks at [`Node::next_due`] is never missed.
    pub async fn commanded(&self) {
        self.commanded.notified().await;
    }

    /// Writes a snapshot now, and tells what it cost once it is on disk.
    pub async fn snapshot_now(&self) -> Result<Figures, String> {
        let (done, written) = tokio::sync::oneshot::channel();
        {
            let mut inner = self.inner.lock().expect("the store's lock");
            let job = self.take_snapshot(&mut inner, Some(done));
            self.snapshots.submit(job);
        }
        written
            .await
            .map_err(|_| "the snapshot writer has stopped".to_string())?
    }

    /// The last snapshot written since the node opened, if any.
    pub fn last_snapshot(&self) -> Option<Figures> {
        self.snapshots.last()
    }

    /// Logs `entry` under the lock; its number comes back.
    fn append(&self, inner: &mut Inner, entry: &Entry) -> u64 {
        let payload = serde_json::to_vec(entry).expect("entries serialise");
        inner.tail_bytes += payload.len() as u64;
        inner.applied = self.log.append(&payload);
        inner.applied
    }

    fn snapshot_if_due(&self, inner: &mut Inner) {
        if self.snapshots.due(inner.tail_bytes) {
            let job = self.take_snapshot(inner, None);
            self.snapshots.submit(job);
        }
    }

    /// Clones the replica and begins a new log segment after the records it reflects.
    fn take_snapshot(
        &self,
        inner: &mut Inner,
        done: Option<tokio::sync::oneshot::Sender<Result<Figures, String>>>,
    ) -> Job {
        let started = Instant::now();
        let snapshot = inner.replica.snapshot();
        let records = self.log.rotate();
        inner.tail_bytes = 0;
        Job {
            snapshot,
            records,
            clone_ms: started.elapsed().as_secs_f64() * 1_000.0,
            done,
        }
    }
}

/// Without `--demo` nobody reads the demo's inbox, and this server has no SMS gateway: the
/// code a shopper asked for is printed on the server's console once its answer leaves.
fn texted_code(
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
