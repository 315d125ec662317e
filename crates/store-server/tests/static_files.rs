//! `dist/` over real HTTP as a phone gets it: the precompressed sibling of a file in the
//! encoding the browser takes, a year's caching for files named by their content's hash, a
//! revalidation (and its 304) for everything else, the app's page for the app's routes, and
//! nothing from outside `dist/`.
mod support;

use std::path::Path;

use http_body_util::{BodyExt, Empty};
use hyper::header::{self, HeaderMap};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use support::*;

const MODULE: &str = "/page-0123456789abcdef/flash-sale_bg.wasm";
const STYLE: &str = "/app-1f2e3d4c5b6a7988.css";
const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

struct Got {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map_or("", |v| v.to_str().expect("a text header"))
    }
}

async fn fetch(base: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Got {
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
    let response = client
        .request(request.body(Empty::new()).unwrap())
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        headers,
        body: body.to_vec(),
    }
}

fn write(dist: &Path, path: &str, bytes: &[u8]) {
    let file = dist.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, bytes).unwrap();
}

/// A `dist/` with a module of the page, a stylesheet and the worker's script, each with the
/// `.br` and `.gz` siblings `make build` writes (their bytes here stand for compressed ones:
/// the server only picks the file), and a file beside `dist/` that must never be served.
fn site(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (dist, data) = dist_and_data(name);
    let wasm = [b"\0asm\x01\0\0\0".as_slice(), &[0u8; 4000]].concat();
    write(&dist, MODULE, &wasm);
    write(&dist, &format!("{MODULE}.br"), b"brotli of the module");
    write(
        &dist,
        &format!("{MODULE}.gz"),
        b"gzip of the module, a little longer",
    );
    write(&dist, STYLE, b"body { margin: 0 }");
    write(&dist, "/sw.js", b"importScripts('/store.js');");
    write(&dist, "/sw.js.br", b"brotli of sw.js");
    std::fs::write(dist.parent().unwrap().join("secret.txt"), "not for the web").unwrap();
    (dist, data)
}

#[tokio::test]
async fn hashed_files_come_precompressed_and_cached_for_a_year() {
    let (dist, data) = site("hashed");
    let running = server(&dist, &data, false).await;
    let base = format!("http://{}", running.addr);

    let br = fetch(&base, "GET", MODULE, &[("Accept-Encoding", "br, gzip")]).await;
    assert_eq!(br.status, 200);
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    assert_eq!(br.body, b"brotli of the module");
    assert!(br.body.len() < 4008);
    assert_eq!(br.header(header::CONTENT_TYPE), "application/wasm");
    assert_eq!(br.header(header::CACHE_CONTROL), FOR_A_YEAR);
    assert!(br
        .header(header::VARY)
        .eq_ignore_ascii_case("accept-encoding"));

    let gzip = fetch(&base, "GET", MODULE, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(gzip.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(gzip.body, b"gzip of the module, a little longer");
    assert_eq!(gzip.header(header::CACHE_CONTROL), FOR_A_YEAR);

    let plain = fetch(&base, "GET", MODULE, &[]).await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(plain.body.len(), 4008);

    // A file with no compressed sibling comes as it is; trunk's hashed names count too.
    let style = fetch(&base, "GET", STYLE, &[("Accept-Encoding", "br, gzip")]).await;
    assert_eq!(style.status, 200);
    assert_eq!(style.header(header::CONTENT_ENCODING), "");
    assert_eq!(style.body, b"body { margin: 0 }");
    assert_eq!(
        style.header(header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );
    assert_eq!(style.header(header::CACHE_CONTROL), FOR_A_YEAR);
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn unhashed_files_are_revalidated_and_a_304_answers_an_unchanged_one() {
    let (dist, data) = site("unhashed");
    let running = server(&dist, &data, false).await;
    let base = format!("http://{}", running.addr);

    let worker = fetch(&base, "GET", "/sw.js", &[("Accept-Encoding", "br")]).await;
    assert_eq!(worker.status, 200);
    assert_eq!(worker.header(header::CONTENT_ENCODING), "br");
    assert_eq!(worker.header(header::CACHE_CONTROL), "no-cache");
    assert_eq!(
        worker.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    let modified = worker.header(header::LAST_MODIFIED).to_string();
    assert!(!modified.is_empty(), "a Last-Modified to revalidate with");
    let again = fetch(
        &base,
        "GET",
        "/sw.js",
        &[("Accept-Encoding", "br"), ("If-Modified-Since", &modified)],
    )
    .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header(header::CACHE_CONTROL), "no-cache");

    let catalog = fetch(&base, "GET", "/public/catalog.json", &[]).await;
    assert_eq!(catalog.status, 200);
    assert_eq!(catalog.body, CATALOG.as_bytes());
    assert_eq!(catalog.header(header::CACHE_CONTROL), "no-cache");
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn the_app_page_comes_from_memory_with_an_etag_for_every_route_of_the_app() {
    let (dist, data) = site("page");
    let running = server(&dist, &data, false).await;
    let base = format!("http://{}", running.addr);

    let page = fetch(&base, "GET", "/", &[("Accept-Encoding", "br, gzip")]).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(
        html.contains(r#"<meta name="kestrel-store" content="server" />"#),
        "the served page, not dist/index.html: {html}"
    );
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    assert_eq!(page.header(header::CACHE_CONTROL), "no-cache");
    let etag = page.header(header::ETAG).to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    for path in ["/index.html", "/sale/k7-first-drop", "/orders", "/public"] {
        let route = fetch(&base, "GET", path, &[]).await;
        assert_eq!(route.status, 200, "{path}");
        assert_eq!(route.body, page.body, "{path}");
        assert_eq!(route.header(header::ETAG), etag, "{path}");
        assert_eq!(route.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }

    for path in ["/", "/sale/k7-first-drop"] {
        let unchanged = fetch(&base, "GET", path, &[("If-None-Match", &etag)]).await;
        assert_eq!(unchanged.status, 304, "{path}");
        assert!(unchanged.body.is_empty());
        assert_eq!(unchanged.header(header::ETAG), etag);
        assert_eq!(unchanged.header(header::CACHE_CONTROL), "no-cache");
    }
    let weak = format!("\"other\", W/{etag}");
    let unchanged = fetch(&base, "GET", "/", &[("If-None-Match", &weak)]).await;
    assert_eq!(unchanged.status, 304);
    let stale = fetch(&base, "GET", "/", &[("If-None-Match", "\"an-old-build\"")]).await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, page.body);
    running.stop().await;
    clean_up(&dist);
}

#[tokio::test]
async fn missing_files_escapes_and_other_methods_are_refused() {
    let (dist, data) = site("refused");
    let running = server(&dist, &data, false).await;
    let base = format!("http://{}", running.addr);

    for path in [
        "/public/missing.json",
        "/page-0123456789abcdef/missing.wasm",
        "/app-0123456789abcdef.css",
    ] {
        let missing = fetch(&base, "GET", path, &[]).await;
        assert_eq!(missing.status, 404, "{path}");
        // A name that may yet exist is never cached for long.
        assert_eq!(missing.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }

    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/public/..%2f..%2fsecret.txt",
        "/public/%2e%2e/%2e%2e/secret",
        "/page-0123456789abcdef/../../secret.txt",
    ] {
        let escape = fetch(&base, "GET", path, &[]).await;
        assert_eq!(escape.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&escape.body).contains("not for the web"),
            "{path}"
        );
    }

    for (method, path) in [
        ("POST", "/sw.js"),
        ("PUT", MODULE),
        ("DELETE", "/"),
        ("POST", "/sale/x"),
    ] {
        let refused = fetch(&base, method, path, &[]).await;
        assert_eq!(refused.status, 405, "{method} {path}");
    }

    // HEAD is a GET without the body.
    let head = fetch(&base, "HEAD", MODULE, &[("Accept-Encoding", "br")]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header(header::CACHE_CONTROL), FOR_A_YEAR);
    running.stop().await;
    clean_up(&dist);
}
