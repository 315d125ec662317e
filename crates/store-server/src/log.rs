//! The command log on disk: segments `commands-<number of its first record>.log` in the data
//! directory, each a run of records `[length u32 LE][crc32 of the payload u32 LE][crc32 of
//! the first 8 bytes u32 LE][payload]`. Records are numbered from 1 across segments; a new
//! segment begins at each snapshot (see [`crate::snapshot`]), so the segments a snapshot
//! covers can be deleted whole.
//!
//! Why files and not SQLite: the log is only ever appended while the server runs and read
//! from a snapshot's position on when it opens. A B-tree, a WAL and SQL would sit between the
//! store and one `write` + `fdatasync` per batch.
//!
//! What a crash can leave, and what it cannot: answers wait for the sync, so only the records
//! of the last write, at the very end of the last segment, may be unacknowledged, and a crash
//! leaves a prefix of that write (perhaps followed by zeros where the file grew but its pages
//! did not reach the disk). Such a torn tail is cut off. Damage anywhere else is not a
//! crash's doing: the server refuses to open and leaves the file as it is, since opening
//! would drop records whose answers left (see `records::read_segment` for how the two are
//! told apart).
//!
//! Group commit: one sync serves every answer that arrived meanwhile (see `writer`).
//!
//! `records` holds the format of one record and how a segment is read back, `segments` the
//! files, `writer` the thread that writes and syncs; this file opens the log and appends to it.
use std::fs::OpenOptions;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use tokio::sync::watch;

use records::{frame, read_segment, refusal};
use segments::{create_segment, read_file};
use writer::{write_batches, Pending, Shared};

mod records;
mod segments;
#[cfg(test)]
mod tests;
mod writer;

pub use records::HEADER;
pub use segments::{remove_segments_before, segment_name, segments, sync_dir, tighten, FILE_MODE};
pub use writer::{SyncWaiter, Synced};

pub struct CommandLog {
    shared: Arc<Shared>,
    synced: watch::Receiver<Synced>,
    writer: Option<JoinHandle<()>>,
}

impl CommandLog {
    /// Opens the log in `dir` and returns it with the records after record `after` (the
    /// position of the snapshot the store opens from, 0 for none), in order. A new log starts
    /// with a segment at record `after + 1`. Refuses, with what to do, when records the store
    /// needs are damaged or missing.
    pub fn open(dir: &Path, after: u64) -> Result<(CommandLog, Vec<Vec<u8>>), String> {
        let all = segments(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        // The segment that holds record `after + 1`: the last one starting at or before it.
        let start = all.iter().rposition(|(first, _)| *first <= after + 1);
        let needed = match start {
            Some(start) => &all[start..],
            None if all.is_empty() && after == 0 => &[][..],
            None => {
                return Err(match all.first() {
                    Some((first, _)) => format!(
                        "the log in {} starts at record {first}, and the store needs it from \
                         record {} ({}). Restore the data directory from a backup, or in a \
                         cluster delete it and let the node catch up from the stream.",
                        dir.display(),
                        after + 1,
                        if after == 0 {
                            "no snapshot could be read".to_string()
                        } else {
                            format!("the snapshot it opens from covers records up to {after}")
                        }
                    ),
                    None => format!(
                        "{} holds a snapshot of records up to {after} but no log: records after \
                         it may be lost. Restore the data directory from a backup, or in a \
                         cluster delete it and let the node catch up from the stream.",
                        dir.display()
                    ),
                });
            }
        };
        let mut records = Vec::new();
        let mut next = needed.first().map_or(after + 1, |(first, _)| *first);
        let mut last_file = None;
        for (i, (first, path)) in needed.iter().enumerate() {
            if *first != next {
                return Err(format!(
                    "{} starts at record {first}, but the segment before it ends at record {}: \
                     records are missing or repeated. Restore the data directory from a backup, \
                     or in a cluster delete it and let the node catch up from the stream.",
                    path.display(),
                    next - 1
                ));
            }
            let is_last = i + 1 == needed.len();
            let mut file = OpenOptions::new()
                .read(true)
                .append(is_last)
                .open(path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            tighten(path, &file).map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
            let data = read_file(path, &mut file)?;
            let (whole, damage) = read_segment(&data);
            if let Some(damage) = damage {
                // A closed segment was synced whole before the next began: no torn write there.
                if damage.whole_after || !is_last {
                    return Err(refusal(path, *first, &damage, &needed[i + 1..]));
                }
                eprintln!(
                    "store-server: {} ends in a torn write (record {} {}); its last {} bytes, \
                     never acknowledged, are cut off",
                    path.display(),
                    first + damage.index as u64,
                    damage.what,
                    data.len() - damage.offset
                );
                file.set_len(damage.offset as u64)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| format!("cannot cut the torn end of {}: {e}", path.display()))?;
            }
            let count = whole.len() as u64;
            records.extend(
                whole
                    .into_iter()
                    .enumerate()
                    .filter(|(k, _)| first + *k as u64 > after)
                    .map(|(_, r)| r),
            );
            next = first + count;
            if is_last {
                last_file = Some(file);
            }
        }
        let last = next - 1;
        let (file, segment_first) = match last_file {
            Some(file) if last >= after => (file, needed.last().expect("a segment").0),
            _ => {
                if last_file.is_some() {
                    // Only when the record the snapshot ends at was the torn last one: the
                    // snapshot holds it, and the log goes on after it.
                    eprintln!(
                        "store-server: the log ends at record {last}, before the snapshot's \
                         record {after}; a new segment begins at record {}",
                        after + 1
                    );
                }
                let file = create_segment(dir, after + 1).map_err(|e| {
                    format!("cannot create a log segment in {}: {e}", dir.display())
                })?;
                (file, after + 1)
            }
        };
        let last = last.max(after);
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                last,
                segment_first,
                ..Pending::default()
            }),
            wake: Condvar::new(),
            synced: Mutex::new(Synced {
                upto: last,
                failed: false,
            }),
            synced_changed: Condvar::new(),
        });
        let (tell, synced) = watch::channel(Synced {
            upto: last,
            failed: false,
        });
        let writer = shared.clone();
        let dir = dir.to_path_buf();
        let writer = std::thread::Builder::new()
            .name("command-log".into())
            .spawn(move || write_batches(file, &dir, &writer, &tell))
            .map_err(|e| format!("cannot start the log's writer: {e}"))?;
        Ok((
            CommandLog {
                shared,
                synced,
                writer: Some(writer),
            },
            records,
        ))
    }

    /// Queues one record and returns its number. Call it in the order the store applies commands.
    pub fn append(&self, payload: &[u8]) -> u64 {
        let mut pending = self.shared.pending.lock().expect("the log's lock");
        frame(payload, &mut pending.bytes);
        pending.last += 1;
        self.shared.wake.notify_one();
        pending.last
    }

    /// Begins a new segment with the next record, and returns the number of the last record
    /// before it: call it under the same lock as [`CommandLog::append`], where the store's
    /// state is that of the records up to this number.
    pub fn rotate(&self) -> u64 {
        let mut pending = self.shared.pending.lock().expect("the log's lock");
        let next = pending.last + 1;
        // A segment with no record yet already begins there.
        if pending.segment_first != next {
            let at = pending.bytes.len();
            pending.splits.push((at, next));
            pending.segment_first = next;
            self.shared.wake.notify_one();
        }
        pending.last
    }

    /// Waits until record `number` is on disk; an error if the disk refused it.
    pub async fn synced(&self, number: u64) -> Result<(), ()> {
        let mut synced = self.synced.clone();
        let state = synced
            .wait_for(|s| s.upto >= number || s.failed)
            .await
            .map_err(|_| ())?;
        if state.upto >= number {
            Ok(())
        } else {
            Err(())
        }
    }

    /// A way to wait for the disk from another thread.
    pub fn waiter(&self) -> SyncWaiter {
        SyncWaiter(self.shared.clone())
    }
}

/// Writes what is queued, then stops: a store opened on the same directory next finds every
/// record appended.
impl Drop for CommandLog {
    fn drop(&mut self) {
        if let Ok(mut pending) = self.shared.pending.lock() {
            pending.closed = true;
        }
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}
