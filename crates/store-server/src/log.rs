//! The command log on disk: one append-only file of records `[length u32 LE][crc32 u32 LE][bytes]`.
//!
//! Why a file and not SQLite: the log is only ever appended while the server runs and read
//! from the start when it opens. A B-tree, a WAL and SQL would sit between the store and one
//! `write` + `fdatasync` per batch. The checksum finds the one failure an append-only file
//! has, a torn last write after a crash: reading stops there and the tail is cut off (that
//! record's answer never left, because answers wait for the sync).
//!
//! Group commit: callers append under the node's lock (so the log's order is the order the
//! store applied them in) and then wait, without the lock, until a writer thread has synced a
//! batch that includes their record. One sync serves every answer that arrived meanwhile.
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::watch;

const HEADER: usize = 8;

/// How far the file is known to be on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Synced {
    /// Records 1..=upto are on disk.
    pub upto: u64,
    /// The disk refused a write: nothing more will be acknowledged.
    pub failed: bool,
}

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    /// The number of the last record appended.
    last: u64,
    closed: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
}

pub struct CommandLog {
    shared: Arc<Shared>,
    synced: watch::Receiver<Synced>,
}

/// Reads every whole record of `file` and cuts off a torn or corrupt tail.
fn read_records(file: &mut File) -> io::Result<Vec<Vec<u8>>> {
    let mut data = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut data)?;
    let mut records = Vec::new();
    let mut at = 0;
    while data.len() - at >= HEADER {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(data[at + 4..at + 8].try_into().expect("4 bytes"));
        let Some(payload) = data.get(at + HEADER..at + HEADER + len) else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        records.push(payload.to_vec());
        at += HEADER + len;
    }
    if at < data.len() {
        eprintln!(
            "store-server: the log's last {} bytes are a torn write; cut off",
            data.len() - at
        );
        file.set_len(at as u64)?;
        file.sync_all()?;
    }
    file.seek(SeekFrom::End(0))?;
    Ok(records)
}

fn frame(payload: &[u8], into: &mut Vec<u8>) {
    into.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    into.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    into.extend_from_slice(payload);
}

impl CommandLog {
    /// Opens (or creates) the log at `path` and returns it with the records it already holds.
    pub fn open(path: &Path) -> io::Result<(CommandLog, Vec<Vec<u8>>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        let records = read_records(&mut file)?;
        let count = records.len() as u64;
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                last: count,
                ..Pending::default()
            }),
            wake: Condvar::new(),
        });
        let (tell, synced) = watch::channel(Synced {
            upto: count,
            failed: false,
        });
        let writer = shared.clone();
        std::thread::Builder::new()
            .name("command-log".into())
            .spawn(move || write_batches(file, &writer, &tell))?;
        Ok((CommandLog { shared, synced }, records))
    }

    /// Queues one record and returns its number. Call it in the order the store applies commands.
    pub fn append(&self, payload: &[u8]) -> u64 {
        let mut pending = self.shared.pending.lock().expect("the log's lock");
        frame(payload, &mut pending.bytes);
        pending.last += 1;
        self.shared.wake.notify_one();
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
}

impl Drop for CommandLog {
    fn drop(&mut self) {
        if let Ok(mut pending) = self.shared.pending.lock() {
            pending.closed = true;
        }
        self.shared.wake.notify_one();
    }
}

fn write_batches(mut file: File, shared: &Shared, tell: &watch::Sender<Synced>) {
    loop {
        let (bytes, upto, closed) = {
            let mut pending = shared.pending.lock().expect("the log's lock");
            while pending.bytes.is_empty() && !pending.closed {
                pending = shared.wake.wait(pending).expect("the log's lock");
            }
            (
                std::mem::take(&mut pending.bytes),
                pending.last,
                pending.closed,
            )
        };
        if !bytes.is_empty() {
            match file.write_all(&bytes).and_then(|()| file.sync_data()) {
                Ok(()) => {
                    tell.send_replace(Synced {
                        upto,
                        failed: false,
                    });
                }
                Err(problem) => {
                    eprintln!("store-server: the command log could not be written: {problem}");
                    tell.send_modify(|s| s.failed = true);
                    return;
                }
            }
        }
        if closed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("store-log-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("commands.log")
    }

    #[tokio::test]
    async fn records_come_back_in_order_after_reopening() {
        let path = temp("order");
        {
            let (log, records) = CommandLog::open(&path).unwrap();
            assert!(records.is_empty());
            let first = log.append(b"one");
            let second = log.append(b"two");
            assert_eq!((first, second), (1, 2));
            log.synced(second).await.unwrap();
        }
        let (log, records) = CommandLog::open(&path).unwrap();
        assert_eq!(records, vec![b"one".to_vec(), b"two".to_vec()]);
        assert_eq!(log.append(b"three"), 3, "numbering goes on");
        log.synced(3).await.unwrap();
        drop(log);
        let (_, records) = CommandLog::open(&path).unwrap();
        assert_eq!(records.len(), 3);
    }

    #[tokio::test]
    async fn a_torn_or_corrupt_tail_is_cut_off_and_the_rest_kept() {
        let path = temp("torn");
        {
            let (log, _) = CommandLog::open(&path).unwrap();
            log.append(b"kept");
            log.synced(log.append(b"also kept")).await.unwrap();
        }
        let whole = std::fs::metadata(&path).unwrap().len();
        // A crash in the middle of a write: half a header and payload.
        let mut bytes = Vec::new();
        frame(b"torn record", &mut bytes);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&bytes[..bytes.len() - 3]).unwrap();
        drop(file);
        let (_, records) = CommandLog::open(&path).unwrap();
        assert_eq!(records, vec![b"kept".to_vec(), b"also kept".to_vec()]);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), whole);

        // A flipped bit in the last record's payload fails its checksum.
        let mut data = std::fs::read(&path).unwrap();
        let last = data.len() - 1;
        data[last] ^= 1;
        std::fs::write(&path, &data).unwrap();
        let (_, records) = CommandLog::open(&path).unwrap();
        assert_eq!(records, vec![b"kept".to_vec()]);
    }
}
