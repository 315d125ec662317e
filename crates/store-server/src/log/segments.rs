//! The log's files: segments `commands-<number of its first record>.log` in the data directory,
//! private to the server's user, and the syncs that make their creation and removal durable.
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Log segments and snapshots hold the store's secret: only the server's user reads them.
pub const FILE_MODE: u32 = 0o600;

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

/// A new, empty segment whose first record is `first`, durable in `dir`.
pub(super) fn create_segment(dir: &Path, first: u64) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(dir.join(segment_name(first)))?;
    sync_dir(dir)?;
    Ok(file)
}

/// The whole of a segment opened as `file`.
pub(super) fn read_file(path: &Path, file: &mut File) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(data)
}
