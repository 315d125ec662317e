//! Snapshots of the whole store, so a restart replays only the log after the latest one and
//! the log can be cut behind them.
//!
//! A snapshot file `snapshot-<records>.snap` holds the replica after log records
//! 1..=records: `[magic 8 bytes][records u64 LE][body length u64 LE][body][crc32 u32 LE of
//! everything before it]`, the body being the [`Snapshot`] as JSON. It is written to a
//! temporary file, synced, renamed into place and the directory synced, so a crash leaves
//! either the whole new file or none.
//!
//! The node clones the replica under its lock and hands the clone to one writer thread,
//! which waits until the log has synced the records the snapshot covers (a snapshot never
//! holds state whose records a crash could still lose), then encodes and writes it off the
//! lock. The last two good snapshots are kept: a damaged newest one falls back to the one
//! before it and the log after that. Once a snapshot is written, the older kept snapshot's
//! records are no longer needed, and log segments wholly behind it are deleted.
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use serde::Serialize;
use tokio::sync::oneshot;

use crate::log::{self, SyncWaiter, FILE_MODE};
use crate::replica::Snapshot;

const MAGIC: &[u8; 8] = b"KSNAP\x00\x00\x01";
/// Magic, records and body length.
const HEAD: usize = 24;

/// A snapshot is taken once the log has grown, since the last one, by a third of that
/// snapshot's file size ([`TAIL_SHARE`]), and by no less than [`MIN_TAIL_BYTES`]. On a store of
/// 200,000 signed-in, registered shoppers (the `measure_snapshots` test in
/// `tests/snapshots.rs`, server profile): the log that made it is 89 MB and replays in 2.2 s;
/// its snapshot is 108 MB, cloned under the lock in 130-190 ms, encoded in 1.2 s and written in
/// 0.4 s off the lock, and restored in 0.9 s. A log byte costs about three times a snapshot
/// byte to bring back, so with this rule a restart costs at most one restore and a third of a
/// snapshot's worth of replay (about 1.8 s here: a node is serving again within 3 s), while
/// the clone's pause comes once per 160,000 commands or so and the snapshots write about three
/// times the log's bytes, on a core of their own. A time rule would add nothing: a quiet
/// store's log grows slowly, so its replay is short anyway. The floor keeps a small store from
/// snapshotting every few calls: 4 MiB of log replays in about 0.1 s.
pub const MIN_TAIL_BYTES: u64 = 4 << 20;
/// The share of the last snapshot's size the log grows by before the next.
pub const TAIL_SHARE: u64 = 3;

/// What the last snapshot cost, for the load run (`GET /api/dev/snapshot`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// The snapshot file's size.
    pub bytes: u64,
    /// Cloning the replica, under the node's lock: the only part that holds answers up.
    pub clone_ms: f64,
    /// Encoding the clone, off the lock (part of `write_ms`).
    pub encode_ms: f64,
    /// Encoding, writing, syncing and renaming the file, off the lock.
    pub write_ms: f64,
    /// The log records the snapshot covers (1..=records).
    pub records: u64,
}

/// A snapshot taken under the node's lock, on its way to the writer thread.
pub struct Job {
    pub snapshot: Snapshot,
    pub records: u64,
    pub clone_ms: f64,
    /// Told how the write went (a snapshot asked for now); none for one the log's growth made.
    pub done: Option<oneshot::Sender<Result<Figures, String>>>,
}

pub fn file_name(records: u64) -> String {
    format!("snapshot-{records}.snap")
}

/// The snapshot files in `dir`, by the records they cover.
pub fn list(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let records = name
            .to_str()
            .and_then(|n| n.strip_prefix("snapshot-")?.strip_suffix(".snap"))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(records) = records {
            found.push((records, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// Removes what a crash in the middle of writing a snapshot left.
pub fn remove_temporaries(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snapshot-") && name.ends_with(".snap.tmp") {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The file's bytes for `snapshot`, which covers log records 1..=`records`.
pub fn encode(snapshot: &Snapshot, records: u64) -> Vec<u8> {
    let mut data = Vec::with_capacity(1 << 20);
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(&records.to_le_bytes());
    data.extend_from_slice(&[0; 8]);
    serde_json::to_writer(&mut data, snapshot).expect("snapshots serialise");
    let body = (data.len() - HEAD) as u64;
    data[16..HEAD].copy_from_slice(&body.to_le_bytes());
    let crc = crc32fast::hash(&data);
    data.extend_from_slice(&crc.to_le_bytes());
    data
}

/// The snapshot in a file's bytes, checked to be whole and to cover `records`; the error says
/// what is wrong, as the end of a sentence.
pub fn decode(data: &[u8], records: u64) -> Result<Snapshot, String> {
    if data.len() < HEAD + 4 || &data[..8] != MAGIC {
        return Err("is not a snapshot of this store".into());
    }
    let word = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"));
    let body = word(16);
    if body != (data.len() - HEAD - 4) as u64 {
        return Err(format!(
            "is cut short or too long ({} bytes, {} expected)",
            data.len(),
            body.saturating_add(HEAD as u64 + 4)
        ));
    }
    let (content, crc) = data.split_at(data.len() - 4);
    if crc32fast::hash(content) != u32::from_le_bytes(crc.try_into().expect("4 bytes")) {
        return Err("fails its checksum".into());
    }
    if word(8) != records {
        return Err(format!(
            "covers records up to {}, not {records} as its name says",
            word(8)
        ));
    }
    serde_json::from_slice(&content[HEAD..]).map_err(|e| format!("cannot be read: {e}"))
}

/// Writes a snapshot file atomically: a temporary file, synced, renamed into place, and the
/// directory synced.
pub fn write(dir: &Path, records: u64, data: &[u8]) -> io::Result<()> {
    let path = dir.join(file_name(records));
    let temporary = dir.join(format!("{}.tmp", file_name(records)));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(FILE_MODE)
        .open(&temporary)?;
    log::tighten(&temporary, &file)?;
    file.write_all(data)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, &path)?;
    log::sync_dir(dir)
}

/// Deletes the snapshots that cover fewer records than `records`.
fn remove_before(dir: &Path, records: u64) -> io::Result<()> {
    for (covers, path) in list(dir)? {
        if covers < records {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

/// What the node and the writer thread share.
#[derive(Default)]
struct State {
    /// Snapshots taken and not yet written.
    queued: AtomicUsize,
    /// The size of the last snapshot written (or opened from).
    last_bytes: AtomicU64,
    last: Mutex<Option<Figures>>,
}

/// The thread that writes snapshots, one at a time in the order they were taken.
pub struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    state: Arc<State>,
}

impl Writer {
    /// Starts the writer for `dir`. `opened_from` is the snapshot the store opened from (its
    /// records and size), if any: it is the first of the two kept.
    pub fn start(
        dir: &Path,
        log: SyncWaiter,
        opened_from: Option<(u64, u64)>,
    ) -> io::Result<Writer> {
        let state = Arc::new(State::default());
        let mut kept = Vec::new();
        if let Some((records, bytes)) = opened_from {
            kept.push(records);
            state.last_bytes.store(bytes, Ordering::Relaxed);
        }
        let (jobs, incoming) = mpsc::channel::<Job>();
        let (dir, shared) = (dir.to_path_buf(), state.clone());
        let thread = std::thread::Builder::new()
            .name("snapshots".into())
            .spawn(move || {
                for job in incoming {
                    let done = job.done;
                    let written = write_one(&dir, &log, &mut kept, job.snapshot, job.records).map(
                        |(bytes, encode_ms, write_ms)| Figures {
                            bytes,
                            clone_ms: job.clone_ms,
                            encode_ms,
                            write_ms,
                            records: job.records,
                        },
                    );
                    match &written {
                        Ok(figures) => {
                            shared.last_bytes.store(figures.bytes, Ordering::Relaxed);
                            *shared.last.lock().expect("the figures' lock") = Some(*figures);
                        }
                        Err(problem) => eprintln!("store-server: {problem}"),
                    }
                    crate::memory::release_freed_memory();
                    shared.queued.fetch_sub(1, Ordering::Relaxed);
                    if let Some(done) = done {
                        let _ = done.send(written);
                    }
                }
            })?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
            state,
        })
    }

    /// Whether the log has grown enough since the last snapshot (by `tail_bytes`) to take
    /// another, with none on its way to disk.
    pub fn due(&self, tail_bytes: u64) -> bool {
        let threshold =
            MIN_TAIL_BYTES.max(self.state.last_bytes.load(Ordering::Relaxed) / TAIL_SHARE);
        tail_bytes >= threshold && self.state.queued.load(Ordering::Relaxed) == 0
    }

    /// Hands a snapshot to the writer thread.
    pub fn submit(&self, job: Job) {
        self.state.queued.fetch_add(1, Ordering::Relaxed);
        let jobs = self.jobs.as_ref().expect("the writer runs until dropped");
        if let Err(mpsc::SendError(job)) = jobs.send(job) {
            self.state.queued.fetch_sub(1, Ordering::Relaxed);
            if let Some(done) = job.done {
                let _ = done.send(Err("the snapshot writer has stopped".into()));
            }
        }
    }

    /// The last snapshot written, if any.
    pub fn last(&self) -> Option<Figures> {
        *self.state.last.lock().expect("the figures' lock")
    }
}

/// Finishes the snapshots taken, so a store opened on the directory next finds them.
impl Drop for Writer {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Writes one snapshot once its records are on disk, then deletes what the two newest
/// kept snapshots make unneeded. Returns the file's size and the milliseconds spent encoding
/// and in all.
fn write_one(
    dir: &Path,
    log: &SyncWaiter,
    kept: &mut Vec<u64>,
    snapshot: Snapshot,
    records: u64,
) -> Result<(u64, f64, f64), String> {
    if !log.wait(records) {
        return Err(format!(
            "no snapshot of records up to {records}: the log could not write them"
        ));
    }
    let started = Instant::now();
    let data = encode(&snapshot, records);
    drop(snapshot);
    let encode_ms = started.elapsed().as_secs_f64() * 1_000.0;
    write(dir, records, &data)
        .map_err(|e| format!("cannot write the snapshot of records up to {records}: {e}"))?;
    let write_ms = started.elapsed().as_secs_f64() * 1_000.0;
    if kept.last() != Some(&records) {
        kept.push(records);
    }
    if kept.len() > 2 {
        kept.remove(0);
    }
    // Two good snapshots: the log before the older one, and snapshots older than it, go.
    // Left in place, they cost only disk: the snapshot stands.
    if let [older, _] = kept[..] {
        if let Err(problem) =
            remove_before(dir, older).and_then(|()| log::remove_segments_before(dir, older + 1))
        {
            eprintln!(
                "store-server: cannot delete what the snapshots cover in {}: {problem}",
                dir.display()
            );
        }
    }
    Ok((data.len() as u64, encode_ms, write_ms))
}
