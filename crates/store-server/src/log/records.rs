//! One record of the log on disk, `[length u32 LE][crc32 of the payload u32 LE][crc32 of the
//! first 8 bytes u32 LE][payload]`: how it is framed, and how a segment's bytes are read back,
//! with damage told apart from a torn tail.
use std::path::{Path, PathBuf};

/// Length, the payload's checksum, and the checksum of those 8 bytes. The header's own
/// checksum means a damaged length is seen as damage, never trusted to say where the record
/// (and so the file's valid part) ends.
pub const HEADER: usize = 12;

/// Appends `payload` to `into` as one record.
pub(super) fn frame(payload: &[u8], into: &mut Vec<u8>) {
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    header[4..8].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    let check = crc32fast::hash(&header[..8]);
    header[8..].copy_from_slice(&check.to_le_bytes());
    into.extend_from_slice(&header);
    into.extend_from_slice(payload);
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
pub(super) struct Damage {
    pub(super) offset: usize,
    /// The damaged record's place in its segment, from 0.
    pub(super) index: usize,
    pub(super) what: String,
    /// A whole record starts somewhere after the damage: the damage is not a torn tail.
    pub(super) whole_after: bool,
}

/// The whole records of one segment, and the first damage if any.
///
/// Telling a torn tail from damage: after the first bad spot, every later offset is tried
/// as a record's start. A torn tail is the end of the file, so no whole record (header and
/// payload both matching their checksums) follows it; damage in an earlier record, even one
/// whose length field was hit and now claims to run to the end, is followed by the intact
/// records written after it. The search costs a checksum of 8 bytes per offset and runs only
/// when something is wrong.
pub(super) fn read_segment(data: &[u8]) -> (Vec<Vec<u8>>, Option<Damage>) {
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
pub(super) fn refusal(
    path: &Path,
    first: u64,
    damage: &Damage,
    later: &[(u64, PathBuf)],
) -> String {
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
