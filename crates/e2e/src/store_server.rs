//! The real store server (`crates/store-server`, started with `--demo`) as the journeys' other
//! store: it serves `dist/` and answers `/api` itself, so the page registers no worker.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct StoreServer {
    child: Child,
    base_url: String,
    operator_url: String,
}

/// The operator's sign-in address in a line the server prints at its first start
/// (`    http://127.0.0.1:PORT/operator#key=KEY`, under `store-server: the operator signs in at …`).
fn operator_address(line: &str) -> Option<&str> {
    let line = line.trim();
    (line.starts_with("http://") && line.contains("/operator#key=")).then_some(line)
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
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| std::io::Error::other(format!("{}: {e}", binary.display())))?;
        // The operator's address comes on stdout; the pipe is drained to its end, so the
        // server never blocks on a full pipe.
        let stdout = child.stdout.take().expect("piped");
        let (found, operator) = mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                if let Some(url) = operator_address(&line) {
                    if let Some(found) = found.take() {
                        let _ = found.send(url.to_string());
                    }
                }
            }
        });
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
                    let _ = child.wait();
                    return Err(std::io::Error::other(
                        "the store server stopped before it listened",
                    ));
                }
            }
        };
        // Keep draining its messages so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        // A fresh log is the store's first start, at which it makes and prints its key.
        let operator_url = match operator.recv_timeout(Duration::from_secs(20)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(std::io::Error::other(
                    "the store server printed no operator sign-in address",
                ));
            }
        };
        Ok(StoreServer {
            child,
            base_url,
            operator_url,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/operator#key=KEY`: the address that signs the operator in.
    pub fn operator_url(&self) -> String {
        self.operator_url.clone()
    }
}

impl Drop for StoreServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::operator_address;

    #[test]
    fn the_operator_address_is_read_from_its_line() {
        assert_eq!(
            operator_address("    http://127.0.0.1:4000/operator#key=abc-def"),
            Some("http://127.0.0.1:4000/operator#key=abc-def")
        );
        assert_eq!(
            operator_address("store-server: the operator signs in at (shown once; `--new-operator-key` makes another):"),
            None
        );
        assert_eq!(
            operator_address("store-server: http://127.0.0.1:4000 (demo)"),
            None
        );
    }
}
