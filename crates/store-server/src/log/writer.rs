//! Group commit: callers append under the node's lock (so the log's order is the order the
//! store applied them in) and then wait, without the lock, until a writer thread has synced a
//! batch that includes their record. One sync serves every answer that arrived meanwhile.
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::watch;

use super::segments::create_segment;

/// How far the log is known to be on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Synced {
    /// Records 1..=upto are on disk.
    pub upto: u64,
    /// The disk refused a write: nothing more will be acknowledged.
    pub failed: bool,
}

#[derive(Default)]
/// What is appended and not yet written, under the log's lock.
pub(super) struct Pending {
    pub(super) bytes: Vec<u8>,
    /// Where in `bytes` a new segment begins, and the number of its first record.
    pub(super) splits: Vec<(usize, u64)>,
    /// The number of the last record appended.
    pub(super) last: u64,
    /// The number of the first record of the newest segment, counting splits not yet made.
    pub(super) segment_first: u64,
    pub(super) closed: bool,
}

/// What the log and its writer thread share.
pub(super) struct Shared {
    pub(super) pending: Mutex<Pending>,
    pub(super) wake: Condvar,
    pub(super) synced: Mutex<Synced>,
    pub(super) synced_changed: Condvar,
}

/// Waits, blocking its thread, for records to reach the disk: for a thread that works beside
/// the log (the snapshot writer) rather than on the async runtime.
#[derive(Clone)]
pub struct SyncWaiter(pub(super) Arc<Shared>);

impl SyncWaiter {
    /// True once record `number` is on disk; false if the disk refused it.
    pub fn wait(&self, number: u64) -> bool {
        let synced = self.0.synced.lock().expect("the log's lock");
        let synced = self
            .0
            .synced_changed
            .wait_while(synced, |s| s.upto < number && !s.failed)
            .expect("the log's lock");
        synced.upto >= number
    }
}

/// Writes `bytes` to the segments, beginning a new one at each split (once the one before
/// is synced whole), and syncs.
fn write_batch(
    file: &mut File,
    dir: &Path,
    bytes: &[u8],
    splits: Vec<(usize, u64)>,
) -> io::Result<()> {
    let mut from = 0;
    for (at, first) in splits {
        if at > from {
            file.write_all(&bytes[from..at])?;
            file.sync_data()?;
        }
        *file = create_segment(dir, first)?;
        from = at;
    }
    if from < bytes.len() {
        file.write_all(&bytes[from..])?;
        file.sync_data()?;
    }
    Ok(())
}

/// The writer thread: writes and syncs what is queued, batch after batch, until the log is
/// closed or the disk refuses a write.
pub(super) fn write_batches(
    mut file: File,
    dir: &Path,
    shared: &Shared,
    tell: &watch::Sender<Synced>,
) {
    let publish = |change: &dyn Fn(&mut Synced)| {
        let mut synced = shared.synced.lock().expect("the log's lock");
        change(&mut synced);
        tell.send_replace(*synced);
        shared.synced_changed.notify_all();
    };
    loop {
        let (bytes, splits, upto, closed) = {
            let mut pending = shared.pending.lock().expect("the log's lock");
            while pending.bytes.is_empty() && pending.splits.is_empty() && !pending.closed {
                pending = shared.wake.wait(pending).expect("the log's lock");
            }
            (
                std::mem::take(&mut pending.bytes),
                std::mem::take(&mut pending.splits),
                pending.last,
                pending.closed,
            )
        };
        if !bytes.is_empty() || !splits.is_empty() {
            if let Err(problem) = write_batch(&mut file, dir, &bytes, splits) {
                eprintln!("store-server: the command log could not be written: {problem}");
                publish(&|s| s.failed = true);
                return;
            }
            publish(&|s| s.upto = upto);
        }
        if closed {
            return;
        }
    }
}
