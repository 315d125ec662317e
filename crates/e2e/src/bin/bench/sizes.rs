//! What a first visit downloads: the files of a dist/ by when the page fetches them, their
//! gzip -9 sizes, and the bytes the store server sends for them on the wire.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::{bail, Result, StoreServer};
use serde_json::{json, Value};

use crate::page::secs;

/// The wasm, JS and CSS files of a dist/, in three parts: those the page itself loads for its
/// first screen, the modules it fetches when a later page first needs them, and the rest (the
/// demo store's Service Worker: sw.js, store.js, store_bg.wasm).
///
/// The page is named in index.html. `make build` puts it in a `page-<hash>/` directory
/// (scripts/split-page): its JS (the shell's and `__wasm_split.js`, which the shell imports)
/// loads with it, and every wasm there but the shell's is on demand (journey
/// `the_first_screen_fetches_only_the_shell` holds the home page to that).
pub(crate) struct DistFiles {
    pub(crate) page: Vec<PathBuf>,
    pub(crate) on_demand: Vec<PathBuf>,
    pub(crate) worker: Vec<PathBuf>,
}

/// The wasm, JS or CSS (`ext`) files of `dist`, split as [`DistFiles`] says.
pub(crate) fn dist_files(dist: &Path, ext: &str) -> Result<DistFiles> {
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    let files_in = |dir: &Path| -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        Ok(files)
    };
    let named = |f: &Path| {
        let relative = f.strip_prefix(dist).unwrap_or(f).to_string_lossy();
        index.contains(&format!("/{relative}"))
    };
    let (page, worker) = files_in(dist)?.into_iter().partition(|f| named(f));
    let mut files = DistFiles {
        page,
        on_demand: Vec::new(),
        worker,
    };
    for dir in std::fs::read_dir(dist)?.flatten().map(|e| e.path()) {
        let is_page_dir = dir.is_dir()
            && dir
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("page-"));
        if is_page_dir {
            let (first, later): (Vec<_>, Vec<_>) = files_in(&dir)?
                .into_iter()
                .partition(|f| ext != "wasm" || named(f));
            files.page.extend(first);
            files.on_demand.extend(later);
        }
    }
    Ok(files)
}

/// Raw and gzip -9 sizes of `files` concatenated, as scripts/first-load-size counts them.
pub(crate) fn gzip_size(files: &[PathBuf]) -> Result<(u64, u64)> {
    let raw: u64 = files
        .iter()
        .map(|f| f.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut cat = Vec::new();
    for f in files {
        cat.extend(std::fs::read(f)?);
    }
    let mut child = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    // Feed gzip from another thread: it writes while it reads, so one thread could deadlock.
    let mut stdin = child.stdin.take().expect("piped");
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&cat)
    });
    let out = child.wait_with_output()?;
    feeder.join().expect("the feeder thread")?;
    Ok((raw, out.stdout.len() as u64))
}

/// What the store server sends for one GET of `path`, asked as a phone's browser asks over
/// HTTPS (`Accept-Encoding: br, gzip`): the encoding it chose and the bytes of the answer on the
/// wire, head and body. Anything but a 200 stops the bench.
fn fetch_on_the_wire(addr: &str, path: &str) -> Result<Value> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: br, gzip\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let Some(head_len) = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
    else {
        bail!("GET {path}: no HTTP answer from the store server");
    };
    let head = String::from_utf8_lossy(&answer[..head_len]);
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        bail!("GET {path}: the store server answered {status}");
    }
    let encoding = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-encoding"))
        .map_or("identity", |(_, value)| value.trim());
    Ok(json!({
        "path": path,
        "content_encoding": encoding,
        "body_bytes": answer.len() - head_len,
        "wire_bytes": answer.len(),
    }))
}

/// A first visit on the wire: index.html and every file the page loads before its first
/// screen, fetched from the store server serving `dist`.
pub(crate) fn first_visit_on_the_wire(
    server: &Path,
    dist: &Path,
    files: &[PathBuf],
) -> Result<Value> {
    let data = e2e::target_dir().join("bench-store-data");
    let store = StoreServer::start(server, dist, &data)?;
    let base = store.base_url();
    let addr = base.trim_start_matches("http://");
    let mut fetched = vec![fetch_on_the_wire(addr, "/")?];
    for file in files {
        let relative = file.strip_prefix(dist).unwrap_or(file);
        fetched.push(fetch_on_the_wire(
            addr,
            &format!("/{}", relative.to_string_lossy()),
        )?);
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&data);
    let sum = |key: &str| fetched.iter().filter_map(|f| f[key].as_u64()).sum::<u64>();
    Ok(json!({
        "server": "store-server --demo on 127.0.0.1, HTTP/1.1, Accept-Encoding: br, gzip",
        "files": fetched,
        "total_body_bytes": sum("body_bytes"),
        "total_wire_bytes": sum("wire_bytes"),
    }))
}

/// How many of a first visit's answers came in each encoding, e.g. "5 br, 1 identity".
pub(crate) fn encodings_sent(on_the_wire: &Value) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for file in on_the_wire["files"].as_array().into_iter().flatten() {
        *counts
            .entry(file["content_encoding"].as_str().unwrap_or("?"))
            .or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(e, n)| format!("{n} {e}")).collect();
    counts.join(", ")
}
