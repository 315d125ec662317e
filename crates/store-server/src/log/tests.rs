//! The log on disk: order, segments, damage and torn tails, file modes.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::records::frame;
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
