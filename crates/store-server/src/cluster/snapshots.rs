//! Snapshots of a cluster's replica, kept in JetStream's object store where every node reaches
//! them: a node that starts, or finds the stream trimmed past where it stands, restores the
//! newest good one and reads the stream only after it. Once a snapshot is stored, the two
//! newest are kept and the stream is trimmed behind the older of them, so the stream's disk
//! use follows the store's size rather than the sale's history.
//!
//! A snapshot is taken on the rule a single node's log follows ([`crate::snapshot`]: the stream
//! has grown by a third of the last snapshot's size since it, and by 4 MiB at least), by a node
//! that publishes a message once it falls due and finds no newer snapshot in the bucket than
//! the one it counts from. Its replica is cloned under its lock, then encoded (in the snapshot
//! file's format, checksummed) and stored off the lock as object `at-<sequence>`. Nodes that
//! fall due together may each store one; the newest two are kept.
//!
//! Trimming waits until the last message it removes is older than the stream's duplicate
//! window: the stream recognises a message sent again by the ids of the messages in that
//! window, so none of those is removed.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream::object_store::{self, ObjectStore};
use async_nats::jetstream::{self, stream};
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;

use super::replication::Applier;
use crate::replica::Snapshot;
use crate::snapshot::{decode, encode, MIN_TAIL_BYTES, TAIL_SHARE};

pub const BUCKET: &str = "SALE_SNAPSHOTS";

fn object_name(sequence: u64) -> String {
    format!("at-{sequence:020}")
}

fn sequence_of(name: &str) -> Option<u64> {
    name.strip_prefix("at-")?.parse().ok()
}

/// The snapshots every node of the cluster reaches, and the stream they let it trim.
#[derive(Clone)]
pub struct Shared {
    bucket: ObjectStore,
    log: stream::Stream,
    duplicate_window: Duration,
}

impl Shared {
    /// The bucket (three replicas, on disk), made if it is not there yet.
    pub async fn open(
        jetstream: &jetstream::Context,
        log: stream::Stream,
        duplicate_window: Duration,
    ) -> Result<Shared, String> {
        let bucket = match jetstream.get_object_store(BUCKET).await {
            Ok(bucket) => bucket,
            Err(_) => jetstream
                .create_object_store(object_store::Config {
                    bucket: BUCKET.into(),
                    num_replicas: 3,
                    storage: stream::StorageType::File,
                    ..Default::default()
                })
                .await
                .map_err(|e| format!("cannot make the snapshots' bucket {BUCKET}: {e}"))?,
        };
        Ok(Shared {
            bucket,
            log,
            duplicate_window,
        })
    }

    /// The stream sequences of the snapshots kept, newest first.
    pub async fn kept(&self) -> Result<Vec<u64>, String> {
        let mut list = self
            .bucket
            .list()
            .await
            .map_err(|e| format!("cannot list {BUCKET}: {e}"))?;
        let mut kept = Vec::new();
        while let Some(info) = list.next().await {
            let info = info.map_err(|e| format!("cannot list {BUCKET}: {e}"))?;
            kept.extend(sequence_of(&info.name).filter(|_| !info.deleted));
        }
        kept.sort_unstable_by(|a, b| b.cmp(a));
        Ok(kept)
    }

    /// The newest snapshot that reads back whole, with its stream sequence; an older one when
    /// the newest is damaged.
    pub async fn newest(&self) -> Result<Option<(u64, Snapshot)>, String> {
        for sequence in self.kept().await? {
            match self.fetch(sequence).await {
                Ok(snapshot) => return Ok(Some((sequence, snapshot))),
                Err(problem) => eprintln!(
                    "store-server: snapshot {} of {BUCKET} {problem}; trying an older one",
                    object_name(sequence)
                ),
            }
        }
        Ok(None)
    }

    async fn fetch(&self, sequence: u64) -> Result<Snapshot, String> {
        let mut object = self
            .bucket
            .get(object_name(sequence))
            .await
            .map_err(|e| format!("cannot be read: {e}"))?;
        let mut data = Vec::new();
        object
            .read_to_end(&mut data)
            .await
            .map_err(|e| format!("cannot be read: {e}"))?;
        let decoded = tokio::task::spawn_blocking(move || decode(&data, sequence));
        decoded.await.map_err(|e| e.to_string())?
    }

    /// Stores `data`, a snapshot as of stream sequence `sequence`; keeps the newest two and
    /// trims the stream behind the older.
    async fn store(&self, sequence: u64, data: &[u8]) -> Result<(), String> {
        self.bucket
            .put(object_name(sequence).as_str(), &mut &data[..])
            .await
            .map_err(|e| format!("cannot store it: {e}"))?;
        let kept = self.kept().await?;
        for older in kept.iter().skip(2) {
            if let Err(problem) = self.bucket.delete(object_name(*older)).await {
                eprintln!(
                    "store-server: snapshot {} is not needed but stays: {problem}",
                    object_name(*older)
                );
            }
        }
        match kept.get(1) {
            Some(&older) => self.trim_through(older).await,
            None => Ok(()),
        }
    }

    /// Removes the stream's messages up to `last`, once that one is older than the duplicate
    /// window; otherwise leaves them for the next snapshot to trim.
    async fn trim_through(&self, last: u64) -> Result<(), String> {
        let Ok(message) = self.log.direct_get(last).await else {
            return Ok(()); // trimmed already
        };
        let age = time::OffsetDateTime::now_utc() - message.time;
        if age < self.duplicate_window {
            return Ok(());
        }
        self.log
            .purge()
            .sequence(last + 1)
            .await
            .map(drop)
            .map_err(|e| format!("cannot trim the stream through {last}: {e}"))
    }
}

/// When this node takes the next snapshot, and whether one is on its way.
pub struct Taking {
    shared: Shared,
    tail_bytes: AtomicU64,
    last_bytes: AtomicU64,
    /// The newest snapshot this node knows of (its own or another node's).
    newest: AtomicU64,
    busy: AtomicBool,
}

impl Taking {
    pub fn new(shared: Shared, newest: u64) -> Taking {
        Taking {
            shared,
            tail_bytes: AtomicU64::new(0),
            last_bytes: AtomicU64::new(0),
            newest: AtomicU64::new(newest),
            busy: AtomicBool::new(false),
        }
    }

    /// Counts a message of `bytes` applied; whether to see about a snapshot now: the stream
    /// has grown enough since the last, this node published the message (`mine`: of nodes
    /// that fall due together, the first to publish takes it), and none is on its way.
    pub fn due(&self, bytes: usize, mine: bool) -> bool {
        let tail = self.tail_bytes.fetch_add(bytes as u64, Ordering::Relaxed) + bytes as u64;
        let threshold = MIN_TAIL_BYTES.max(self.last_bytes.load(Ordering::Relaxed) / TAIL_SHARE);
        mine && tail >= threshold && !self.busy.swap(true, Ordering::AcqRel)
    }

    /// Once [`Taking::due`]: unless another node has stored a snapshot since the newest this
    /// node knows of (then counting starts again from it), clones the replica under the lock
    /// and encodes and stores it off the lock, then trims.
    pub async fn take(self: Arc<Self>, applier: Arc<Mutex<Applier>>) {
        let started = Instant::now();
        let outcome = self.take_unless_taken(&applier).await;
        crate::release_freed_memory();
        self.busy.store(false, Ordering::Release);
        match outcome {
            Ok(Some(sequence)) => eprintln!(
                "store-server: snapshot at stream sequence {sequence} stored in {} ms",
                started.elapsed().as_millis()
            ),
            Ok(None) => {}
            Err(problem) => eprintln!("store-server: no snapshot: {problem}"),
        }
    }

    async fn take_unless_taken(&self, applier: &Mutex<Applier>) -> Result<Option<u64>, String> {
        let newest = self.shared.kept().await?.first().copied().unwrap_or(0);
        if newest > self.newest.load(Ordering::Relaxed) {
            self.newest.store(newest, Ordering::Relaxed);
            self.tail_bytes.store(0, Ordering::Relaxed);
            return Ok(None);
        }
        let (sequence, snapshot) = {
            let mut applier = applier.lock().expect("the store's lock");
            let sequence = applier.applied();
            let Some(replica) = applier.replica() else {
                return Ok(None);
            };
            self.tail_bytes.store(0, Ordering::Relaxed);
            (sequence, replica.snapshot())
        };
        let encoding = tokio::task::spawn_blocking(move || encode(&snapshot, sequence));
        let data = encoding.await.map_err(|e| e.to_string())?;
        self.last_bytes.store(data.len() as u64, Ordering::Relaxed);
        self.shared.store(sequence, &data).await?;
        self.newest.store(sequence, Ordering::Relaxed);
        Ok(Some(sequence))
    }
}
