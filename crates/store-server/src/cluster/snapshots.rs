//! Snapshots of a cluster's replica, kept in JetStream's object store where every node reaches
//! them: a node that starts, or finds the stream trimmed past where it stands, restores the
//! newest good one and reads the stream only after it. Once a snapshot is stored, the two
//! newest are kept and the stream is trimmed behind the older of them, so the stream's disk
//! use follows the store's size rather than the sale's history.
//!
//! Snapshots fall due at messages every node finds alike (see [`Taking`]), and the node that
//! published the message takes it: its replica is cloned under its lock, then encoded (in the
//! snapshot file's format, checksummed), compressed with zstd and stored off the lock as object
//! `at-<sequence>-<bytes>`.
//!
//! Trimming waits until the last message it removes is older than the stream's duplicate
//! window: the stream recognises a message sent again by the ids of the messages in that
//! window, so none of those is removed.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream::object_store::{self, ObjectStore};
use async_nats::jetstream::{self, stream};
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;

use super::replication::{Point, SnapshotPoints};
use crate::replica::Snapshot;
use crate::snapshot::{decode, encode, MIN_TAIL_BYTES};

pub const BUCKET: &str = "SALE_SNAPSHOTS";

/// How hard zstd works on a snapshot: its fastest level already makes JSON about a tenth.
const ZSTD_LEVEL: i32 = 1;

impl Point {
    fn object_name(self) -> String {
        format!("at-{:020}-{:020}", self.sequence, self.bytes)
    }

    fn of(name: &str) -> Option<Point> {
        let (sequence, bytes) = name.strip_prefix("at-")?.split_once('-')?;
        Some(Point {
            sequence: sequence.parse().ok()?,
            bytes: bytes.parse().ok()?,
        })
    }
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

    /// Where the snapshots kept stand, newest first.
    pub async fn kept(&self) -> Result<Vec<Point>, String> {
        let mut list = self
            .bucket
            .list()
            .await
            .map_err(|e| format!("cannot list {BUCKET}: {e}"))?;
        let mut kept = Vec::new();
        while let Some(info) = list.next().await {
            let info = info.map_err(|e| format!("cannot list {BUCKET}: {e}"))?;
            kept.extend(Point::of(&info.name).filter(|_| !info.deleted));
        }
        kept.sort_unstable_by(|a, b| b.cmp(a));
        Ok(kept)
    }

    /// The newest snapshot that reads back whole, and where it stands; an older one when the
    /// newest is damaged.
    pub async fn newest(&self) -> Result<Option<(Point, Snapshot)>, String> {
        for point in self.kept().await? {
            match self.fetch(point).await {
                Ok(snapshot) => return Ok(Some((point, snapshot))),
                Err(problem) => eprintln!(
                    "store-server: snapshot {} of {BUCKET} {problem}; trying an older one",
                    point.object_name()
                ),
            }
        }
        Ok(None)
    }

    async fn fetch(&self, point: Point) -> Result<Snapshot, String> {
        let sequence = point.sequence;
        let mut object = self
            .bucket
            .get(point.object_name())
            .await
            .map_err(|e| format!("cannot be read: {e}"))?;
        let started = Instant::now();
        let mut data = Vec::new();
        object
            .read_to_end(&mut data)
            .await
            .map_err(|e| format!("cannot be read: {e}"))?;
        eprintln!(
            "store-server: fetched the snapshot at {sequence} ({} bytes) in {} ms",
            data.len(),
            started.elapsed().as_millis()
        );
        let decoded = tokio::task::spawn_blocking(move || {
            let json = zstd::decode_all(&data[..]).map_err(|e| format!("does not unpack: {e}"))?;
            decode(&json, sequence)
        });
        decoded.await.map_err(|e| e.to_string())?
    }

    /// Stores `data`, a compressed snapshot as of `point`; keeps the newest two and trims the
    /// stream behind the older.
    async fn store(&self, point: Point, data: &[u8]) -> Result<(), String> {
        self.bucket
            .put(point.object_name().as_str(), &mut &data[..])
            .await
            .map_err(|e| format!("cannot store it: {e}"))?;
        let kept = self.kept().await?;
        for older in kept.iter().skip(2) {
            if let Err(problem) = self.bucket.delete(older.object_name()).await {
                eprintln!(
                    "store-server: snapshot {} is not needed but stays: {problem}",
                    older.object_name()
                );
            }
        }
        match kept.get(1) {
            Some(older) => self.trim_through(older.sequence).await,
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

/// When the next snapshot falls due ([`SnapshotPoints`]: every node finds the same messages),
/// and whether this node's is on its way. The node that published the message at a point takes
/// the snapshot there, and the others go on; a node that is down when its message falls due
/// leaves that point without one, and the next falls to whichever node published its message.
pub struct Taking {
    shared: Shared,
    points: Mutex<SnapshotPoints>,
    busy: Arc<AtomicBool>,
}

impl Taking {
    /// Counting from `from`, where this node's replica stands.
    pub fn new(shared: Shared, from: Point) -> Taking {
        Taking {
            shared,
            points: Mutex::new(SnapshotPoints::new(from, MIN_TAIL_BYTES)),
            busy: Arc::default(),
        }
    }

    /// Counts from `point` again: the node restored the snapshot there.
    pub fn restart_from(&self, point: Point) {
        *self.points.lock().expect("the points' lock") = SnapshotPoints::new(point, MIN_TAIL_BYTES);
    }

    /// Counts the message just applied (`bytes` long, published by this node when `mine`):
    /// where it stands when a snapshot falls due at it and this node is to take it.
    pub fn due(&self, sequence: u64, bytes: usize, mine: bool) -> Option<Point> {
        let point = self
            .points
            .lock()
            .expect("the points' lock")
            .count(sequence, bytes)?;
        (mine && !self.busy.swap(true, Ordering::AcqRel)).then_some(point)
    }

    /// Compresses and stores `snapshot` (the replica at `point`) off the apply loop, then
    /// trims.
    pub fn store(&self, point: Point, snapshot: Snapshot) {
        let (shared, busy) = (self.shared.clone(), self.busy.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let encoding = tokio::task::spawn_blocking(move || {
                zstd::encode_all(&encode(&snapshot, point.sequence)[..], ZSTD_LEVEL)
            });
            let stored = match encoding.await {
                Ok(Ok(data)) => shared.store(point, &data).await.map(|()| data.len()),
                Ok(Err(problem)) => Err(problem.to_string()),
                Err(problem) => Err(problem.to_string()),
            };
            crate::memory::release_freed_memory();
            busy.store(false, Ordering::Release);
            match stored {
                Ok(size) => eprintln!(
                    "store-server: snapshot at stream sequence {} ({size} bytes) stored in {} ms",
                    point.sequence,
                    started.elapsed().as_millis()
                ),
                Err(problem) => eprintln!(
                    "store-server: no snapshot at stream sequence {}: {problem}",
                    point.sequence
                ),
            }
        });
    }
}
