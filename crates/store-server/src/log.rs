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
//! would drop records whose answers left (see [`read_segment`] for how the two are told
//! apart).
//!
//! Group commit: callers append under the node's lock (so the log's order is the order the
//! store applied them in) and then wait, without the lock, until a writer thread has synced a
//! batch that includes their record. One sync serves every answer that arrived meanwhile.
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use tokio::sync::watch;

/// Length, the payload's checksum, and the checksum of those 8 bytes. The header's own
/// checksum means a damaged length is seen as damage, never trusted to say where the record
/// (and so the file's valid part) ends.
pub const HEADER: usize = 12;

/// Log segments and snapshots hold the store's secret: only the server's user reads them.
pub const FILE_MODE: u32 = 0o600;

/// How far the log is known to be on disk.
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
    /// Where in `bytes` a new segment begins, and the number of its first record.
    splits: Vec<(usize, u64)>,
    /// The number of the last record appended.
    last: u64,
    /// The number of the first record of the newest segment, counting splits not yet made.
    segment_first: u64,
    closed: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    synced: Mutex<Synced>,
    synced_changed: Condvar,
}

pub struct CommandLog {
    shared: Arc<Shared>,
    synced: watch::Receiver<Synced>,
    writer: Option<JoinHandle<()>>,
}

/// Waits, blocking its thread, for records to reach the disk: for a thread that works beside
/// the log (the snapshot writer) rather than on the async runtime.
#[derive(Clone)]
pub struct SyncWaiter(Arc<Shared>);

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

/// The file name of the segment whose first record is `first`.
pub fn segment_name(first: u64) -> String {
    format!("commands-{first}.log")
}

/// The log's segments in `dir`, by the number of their first record.
pub fn segments(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let first = name
            .to_str()
            .and_then(|n| n.strip_prefix("commands-")?.strip_suffix(".log"))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(first) = first {
            found.push((first, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// Deletes the segments whose records all come before record `needed`: a snapshot covers
/// them. The newest segment is never deleted (the writer appends to it).
pub fn remove_segments_before(dir: &Path, needed: u64) -> io::Result<usize> {
    let all = segments(dir)?;
    let mut removed = 0;
    for pair in all.windows(2) {
        if pair[1].0 <= needed {
            std::fs::remove_file(&pair[0].1)?;
            removed += 1;
        }
    }
    if removed > 0 {
        sync_dir(dir)?;
    }
    Ok(removed)
}

/// Makes a file's creation, rename or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Narrows a file left with a wider mode to [`FILE_MODE`].
pub fn tighten(path: &Path, file: &File) -> io::Result<()> {
    let mode = file.metadata()?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(())
}

fn create_segment(dir: &Path, first: u64) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(dir.join(segment_name(first)))?;
    sync_dir(dir)?;
    Ok(file)
}

/// A checksummed record that starts at `at` and ends within `data`: its payload.
fn whole_record(data: &[u8], at: usize) -> Option<&[u8]> {
    let header = data.get(at..at + HEADER)?;
    let word = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
    if crc32fast::hash(&header[..8]) != word(8) {
        return None;
    }
    let payload = data.get(at + HEADER..at + HEADER + word(0) as usize)?;
    (crc32fast::hash(payload) == word(4)).then_some(payload)
}

/// What is wrong with the bytes at an offset where a record should start.
fn damage_at(data: &[u8], at: usize) -> String {
    let left = data.len() - at;
    if left < HEADER {
        return format!("has only {left} of its {HEADER} header bytes");
    }
    let word = |i: usize| u32::from_le_bytes(data[at + i..at + i + 4].try_into().expect("4 bytes"));
    if crc32fast::hash(&data[at..at + 8]) != word(8) {
        return "has a header that fails its checksum".into();
    }
    let len = word(0) as usize;
    if len > left - HEADER {
        format!(
            "runs past the end of the file ({len} payload bytes, {} there)",
            left - HEADER
        )
    } else {
        "has a payload that fails its checksum".into()
    }
}

/// Damage found in a segment: where, and whether records that were whole follow it.
#[derive(Debug)]
struct Damage {
    offset: usize,
    /// The damaged record's place in its segment, from 0.
    index: usize,
    what: String,
    /// A whole record starts somewhere after the damage: the damage is not a torn tail.
    whole_after: bool,
}

/// The whole records of one segment, and the first damage if any.
///
/// Telling a torn tail from damage: after the first bad spot, every later offset is tried
/// as a record's start. A torn tail is the end of the file, so no whole record (header and
/// payload both matching their checksums) follows it; damage in an earlier record, even one
/// whose length field was hit and now claims to run to the end, is followed by the intact
/// records written after it. The search costs a checksum of 8 bytes per offset and runs only
/// when something is wrong.
fn read_segment(data: &[u8]) -> (Vec<Vec<u8>>, Option<Damage>) {
    let mut records = Vec::new();
    let mut at = 0;
    while at < data.len() {
        match whole_record(data, at) {
            Some(payload) => {
                records.push(payload.to_vec());
                at += HEADER + payload.len();
            }
            None => {
                let whole_after = (at + 1..data.len()).any(|q| whole_record(data, q).is_some());
                let damage = Damage {
                    offset: at,
                    index: records.len(),
                    what: damage_at(data, at),
                    whole_after,
                };
                return (records, Some(damage));
            }
        }
    }
    (records, None)
}

/// The refusal to open over damage that a torn write does not explain.
fn refusal(path: &Path, first: u64, damage: &Damage, later: &[(u64, PathBuf)]) -> String {
    let number = first + damage.index as u64;
    let mut text = format!(
        "{path} is damaged at byte {offset}: record {number} (record {place} of this file) {what}, \
         and {after}. Those records were acknowledged to shoppers, so the server does not open \
         and has left the file as it is.\n\
         To recover (keep a copy of the data directory first): restore it from a backup; or \
         cut the log at the damage, losing record {number} and every record after it: \
         `truncate -s {offset} {path}`",
        path = path.display(),
        offset = damage.offset,
        place = damage.index + 1,
        what = damage.what,
        after = if later.is_empty() {
            "whole records follow it"
        } else {
            "later segments follow this one"
        },
    );
    if !later.is_empty() {
        let names: Vec<String> = later.iter().map(|(_, p)| p.display().to_string()).collect();
        text += &format!(" and move away {}", names.join(", "));
    }
    text += ", then start the server: it opens from its last snapshot and the log before the \
             damage. A node of a cluster rebuilds from the stream instead: delete its data \
             directory and start it again.";
    text
}

fn read_file(path: &Path, file: &mut File) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(data)
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

fn frame(payload: &[u8], into: &mut Vec<u8>) {
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    header[4..8].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    let check = crc32fast::hash(&header[..8]);
    header[8..].copy_from_slice(&check.to_le_bytes());
    into.extend_from_slice(&header);
    into.extend_from_slice(payload);
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

fn write_batches(mut file: File, dir: &Path, shared: &Shared, tell: &watch::Sender<Synced>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("store-log-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A log of `payloads` in one segment, closed.
    async fn written(dir: &Path, payloads: &[&[u8]]) -> PathBuf {
        let (log, records) = CommandLog::open(dir, 0).unwrap();
        assert!(records.is_empty());
        let mut last = 0;
        for payload in payloads {
            last = log.append(payload);
        }
        log.synced(last).await.unwrap();
        dir.join(segment_name(1))
    }

    /// The byte offsets at which each record of `payloads` starts.
    fn starts(payloads: &[&[u8]]) -> Vec<usize> {
        let mut at = 0;
        payloads
            .iter()
            .map(|p| {
                let start = at;
                at += HEADER + p.len();
                start
            })
            .collect()
    }

    fn flip(path: &Path, offset: usize) -> Vec<u8> {
        let mut data = std::fs::read(path).unwrap();
        data[offset] ^= 0x10;
        std::fs::write(path, &data).unwrap();
        data
    }

    const FIVE: [&[u8]; 5] = [b"one", b"two", b"three", b"four", b"five"];

    #[tokio::test]
    async fn records_come_back_in_order_after_reopening() {
        let dir = temp("order");
        drop(CommandLog::open(&dir, 0).unwrap());
        {
            let (log, records) = CommandLog::open(&dir, 0).unwrap();
            assert!(records.is_empty());
            let first = log.append(b"one");
            let second = log.append(b"two");
            assert_eq!((first, second), (1, 2));
            log.synced(second).await.unwrap();
        }
        let (log, records) = CommandLog::open(&dir, 0).unwrap();
        assert_eq!(records, vec![b"one".to_vec(), b"two".to_vec()]);
        assert_eq!(log.append(b"three"), 3, "numbering goes on");
        drop(log);
        let (_, records) = CommandLog::open(&dir, 0).unwrap();
        assert_eq!(records.len(), 3, "a closed log wrote what was queued");
        let (_, after_two) = CommandLog::open(&dir, 2).unwrap();
        assert_eq!(after_two, vec![b"three".to_vec()]);
    }

    #[tokio::test]
    async fn damage_in_the_first_or_a_middle_record_refuses_to_open_and_changes_nothing() {
        let dir = temp("damaged");
        let path = written(&dir, &FIVE).await;
        let at = starts(&FIVE);
        let clean = std::fs::read(&path).unwrap();
        // In the payload of the first record, the length of a middle one (which then claims
        // to run to the end), the header checksum of the last but one, and a middle payload.
        for (offset, record) in [
            (at[0] + HEADER, 1),
            (at[2] + 2, 3),
            (at[3] + 9, 4),
            (at[2] + HEADER + 1, 3),
        ] {
            std::fs::write(&path, &clean).unwrap();
            let damaged = flip(&path, offset);
            let refused = CommandLog::open(&dir, 0).err().expect("refused");
            let start = at[record - 1];
            assert!(
                refused.contains(&format!("damaged at byte {start}: record {record} "))
                    && refused.contains(&path.display().to_string())
                    && refused.contains(&format!("truncate -s {start} "))
                    && refused.contains("snapshot")
                    && refused.contains("cluster"),
                "{refused}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), damaged, "left as it was");
        }
    }

    #[tokio::test]
    async fn a_torn_last_write_is_cut_off_and_the_rest_kept() {
        let dir = temp("torn");
        let path = written(&dir, &FIVE[..2]).await;
        let whole = std::fs::read(&path).unwrap();
        // A crash in the middle of a write: the header and part of the payload.
        let mut torn = Vec::new();
        frame(b"torn record", &mut torn);
        for cut in [3, HEADER + 4] {
            let mut data = whole.clone();
            data.extend_from_slice(&torn[..cut]);
            std::fs::write(&path, &data).unwrap();
            let (log, records) = CommandLog::open(&dir, 0).unwrap();
            assert_eq!(records, vec![b"one".to_vec(), b"two".to_vec()]);
            assert_eq!(
                std::fs::read(&path).unwrap(),
                whole,
                "cut back to the whole records"
            );
            assert_eq!(log.append(b"three"), 3);
            drop(log);
            std::fs::write(&path, &whole).unwrap();
        }
        // The file grew but the write's pages never came: zeros.
        let mut data = whole.clone();
        data.extend_from_slice(&[0; 4096]);
        std::fs::write(&path, &data).unwrap();
        let (_, records) = CommandLog::open(&dir, 0).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
    }

    #[tokio::test]
    async fn a_bad_checksum_on_the_last_record_alone_is_a_torn_tail() {
        let dir = temp("last");
        let path = written(&dir, &FIVE).await;
        let at = starts(&FIVE);
        let last_payload = at[4] + HEADER + 1;
        flip(&path, last_payload);
        let (_, records) = CommandLog::open(&dir, 0).unwrap();
        assert_eq!(records.len(), 4);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), at[4] as u64);
    }

    #[tokio::test]
    async fn segments_are_read_across_and_compacted() {
        let dir = temp("segments");
        {
            let (log, _) = CommandLog::open(&dir, 0).unwrap();
            log.append(b"one");
            log.append(b"two");
            assert_eq!(log.rotate(), 2);
            assert_eq!(log.rotate(), 2, "no empty segment twice");
            log.append(b"three");
            assert_eq!(log.rotate(), 3);
            log.synced(log.append(b"four")).await.unwrap();
        }
        let names: Vec<u64> = segments(&dir).unwrap().iter().map(|s| s.0).collect();
        assert_eq!(names, vec![1, 3, 4]);
        let (_, all) = CommandLog::open(&dir, 0).unwrap();
        assert_eq!(all.len(), 4);
        let (_, tail) = CommandLog::open(&dir, 3).unwrap();
        assert_eq!(tail, vec![b"four".to_vec()]);
        // Records 1..=2 are covered by a snapshot: their segment goes, the rest stays.
        assert_eq!(remove_segments_before(&dir, 3).unwrap(), 1);
        let (_, tail) = CommandLog::open(&dir, 2).unwrap();
        assert_eq!(tail.len(), 2);
        let refused = CommandLog::open(&dir, 0).err().expect("record 1 is gone");
        assert!(refused.contains("starts at record 3"), "{refused}");

        // Damage in a closed segment refuses even at its end: it was synced whole.
        let closed = dir.join(segment_name(3));
        let size = std::fs::metadata(&closed).unwrap().len() as usize;
        flip(&closed, size - 1);
        let refused = CommandLog::open(&dir, 2).err().expect("refused");
        assert!(
            refused.contains("later segments follow") && refused.contains("commands-4.log"),
            "{refused}"
        );
    }

    #[tokio::test]
    async fn segments_are_private_to_the_servers_user() {
        let dir = temp("modes");
        let path = written(&dir, &FIVE[..1]).await;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(CommandLog::open(&dir, 0).unwrap());
        assert_eq!(mode(&path), 0o600, "a wider mode is narrowed on opening");
    }
}
