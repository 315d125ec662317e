//! A static file server for a trunk `dist/` with the single-page-app fallback: a path that
//! names no file and has no file extension gets `index.html`, so deep links such as
//! `/sale/k7-first-drop` load. Loopback only, std only (a thread per connection), and
//! `Cache-Control: no-store` so every page load in a test or a bench fetches everything.
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;

pub struct StaticServer {
    addr: SocketAddr,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1 at a free port, on a background thread for the life of the process.
    pub fn start(root: impl Into<PathBuf>) -> std::io::Result<StaticServer> {
        let root: Arc<PathBuf> = Arc::new(root.into());
        if !root.join("index.html").is_file() {
            return Err(std::io::Error::other(format!(
                "{} has no index.html: build it first",
                root.display()
            )));
        }
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &root);
                });
            }
        });
        Ok(StaticServer { addr })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file for a request path: the file itself, or `index.html` for an app route.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let relative = Path::new(path.trim_start_matches('/'));
    // Nothing outside the root: only plain path segments.
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    if file.is_file() {
        return Some(file);
    }
    if file.is_dir() && file.join("index.html").is_file() {
        return Some(file.join("index.html"));
    }
    // A missing asset (it has an extension) is a 404; anything else is a route of the app.
    let is_asset = relative
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains('.'));
    (!is_asset).then(|| root.join("index.html"))
}

fn serve(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        // Skip the headers; requests from a browser's GET have no body.
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        let head_only = method == "HEAD";
        let (status, kind, body) = if method != "GET" && !head_only {
            (
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                b"GET only\n".to_vec(),
            )
        } else {
            match resolve(root, target).and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                Some((file, body)) => ("200 OK", store_server::http::content_type(&file), body),
                None => (
                    "404 Not Found",
                    "text/plain; charset=utf-8",
                    b"not found\n".to_vec(),
                ),
            }
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&body)?;
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_fall_back_to_the_app_and_assets_do_not() {
        let root = std::env::temp_dir().join(format!("e2e-server-{}", std::process::id()));
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("index.html"), "<html></html>").unwrap();
        std::fs::write(root.join("public/catalog.json"), "{}").unwrap();
        assert_eq!(
            resolve(&root, "/sale/k7-first-drop?demo=fresh"),
            Some(root.join("index.html"))
        );
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/public/catalog.json"),
            Some(root.join("public/catalog.json"))
        );
        assert_eq!(resolve(&root, "/public/missing.json"), None);
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(
            store_server::http::content_type(Path::new("a_bg.wasm")),
            "application/wasm"
        );
        std::fs::remove_dir_all(root).unwrap();
    }
}
