//! The real store server (`crates/store-server`, started with `--demo`) as the journeys' other
//! store: it serves `dist/` and answers `/api` itself, so the page registers no worker.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct StoreServer {
    child: Child,
    base_url: String,
}

impl StoreServer {
    /// Starts `binary --demo` on a free loopback port with a fresh log in `data`.
    pub fn start(binary: &Path, dist: &Path, data: &Path) -> std::io::Result<StoreServer> {
        let _ = std::fs::remove_dir_all(data);
        let mut child = Command::new(binary)
            .args(["--demo", "--addr", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .arg("--data")
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| std::io::Error::other(format!("{}: {e}", binary.display())))?;
        let stderr = child.stderr.take().expect("piped");
        let mut lines = BufReader::new(stderr).lines();
        // The server names its address once it listens (`store-server: http://127.0.0.1:PORT (demo)`).
        let base_url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line
                        .strip_prefix("store-server: ")
                        .and_then(|rest| rest.split_whitespace().next())
                        .filter(|url| url.starts_with("http://"))
                    {
                        break url.to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err(std::io::Error::other(
                        "the store server stopped before it listened",
                    ));
                }
            }
        };
        // Keep draining its messages so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(StoreServer { child, base_url })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }
}

impl Drop for StoreServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
