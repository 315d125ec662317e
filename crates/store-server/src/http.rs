//! HTTP in front of the node: `/api/*` through the contract (every refusal in the contract's
//! error shape), everything else from the release `dist/` with the single-page app's fallback.
//!
//! `dist/` is served the way a phone on a slow network needs it: each file from the `.br` or
//! `.gz` sibling `make build` writes beside it when the browser takes that encoding, files
//! named by their content's hash cached for a year, and everything else revalidated with a
//! conditional GET (Last-Modified, or the app page's ETag) that costs a 304 when nothing changed.
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use bytes::Bytes;
use store_contract::operator::{LiveSale, NodeFigures};
use store_contract::{ApiError, ErrorCode, Method, StoreRequest, StoreResponse};
use tower::{Layer, ServiceExt};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::backend::Backend;
use crate::latency::Latency;

/// No call of the contract carries more than a checkout's address: anything larger is refused
/// before it is read into memory.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Where the server sets the operator key's hash: its own call, refused from outside.
pub const OPERATOR_KEY_PATH: &str = "/api/operator/key";

pub struct Site {
    pub store: Backend,
    pub dist: PathBuf,
    /// `dist/index.html`, saying that this page's store is the server.
    pub index: String,
    /// This node as the operator's live view names it: the address it answers at.
    pub name: String,
    /// How long `/api` answers take, for the operator's live view.
    pub latency: Latency,
}

/// A drop's form carries its image (at most 200 KB, as base64): the one call larger than a
/// checkout.
pub const MAX_DROP_BYTES: usize = 300 * 1024;

/// The page's `<meta name="kestrel-store">` set to `server` (`demo-server` with `--demo`): the
/// app then registers no demo worker and removes one left over, so `/api` reaches this server.
pub fn served_index(built: &str, demo: bool) -> String {
    const WORKER: &str = r#"<meta name="kestrel-store" content="worker" />"#;
    let server = format!(
        r#"<meta name="kestrel-store" content="{}" />"#,
        if demo { "demo-server" } else { "server" }
    );
    if built.contains(WORKER) {
        built.replacen(WORKER, &server, 1)
    } else {
        built.replacen("</head>", &format!("{server}</head>"), 1)
    }
}

pub fn router(site: Arc<Site>) -> Router {
    let files = static_files(&site);
    Router::new()
        // The trivial answer: liveness checks, and the load run's yardstick for throughput.
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/api", any(api))
        .route("/api/", any(api))
        .route("/api/{*call}", any(api))
        .route("/api/dev/snapshot", get(dev_snapshot).fallback(api))
        .fallback_service(files)
        .with_state(site)
}

fn error(error: ApiError) -> Response {
    respond(StoreResponse {
        status: error.status,
        retry_after_ms: error.retry_after_ms,
        body: serde_json::to_string(&error).expect("errors serialise"),
    })
}

fn respond(answer: StoreResponse) -> Response {
    respond_as(answer, "application/json")
}

fn respond_as(answer: StoreResponse, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(answer.body.clone()));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    headers.insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
    if let Some(seconds) = answer.retry_after_header().and_then(|s| s.parse().ok()) {
        headers.insert(header::RETRY_AFTER, seconds);
    }
    response
}

async fn api(State(site): State<Arc<Site>>, request: Request) -> Response {
    let started = Instant::now();
    let call = match read(&site, request).await {
        Ok(call) => call,
        Err(refused) => return error(refused),
    };
    let mut answer = site.store.answer(&call).await;
    let now_s = (crate::node::real_now() / 1_000.0) as u64;
    site.latency.record(started.elapsed(), now_s);
    if answer.status == 200 && is_live_sale(&call) {
        answer.body = with_this_node(&site, &answer.body, now_s);
    }
    let content_type = answer.content_type(&call.path);
    respond_as(answer, content_type)
}

/// `GET /api/operator/sales/{id}/live` and `POST …/steer`, which answer a [`LiveSale`].
fn is_live_sale(call: &StoreRequest) -> bool {
    let path = call.path.split('?').next().unwrap_or_default();
    path.starts_with("/api/operator/sales/")
        && match call.method {
            Method::Get => path.ends_with("/live"),
            Method::Post => path.ends_with("/steer"),
            _ => false,
        }
}

/// The store is sans-I/O and cannot know its node: the live view gets this node's figures
/// here (the entry it applied, how far behind the newest it is, its answer times).
fn with_this_node(site: &Site, body: &str, now_s: u64) -> String {
    let Ok(mut live) = serde_json::from_str::<LiveSale>(body) else {
        return body.to_string();
    };
    let (applied, lag_ms) = site.store.position();
    live.nodes.push(NodeFigures {
        name: site.name.clone(),
        applied,
        lag_ms,
        p99_ms: site.latency.p99_ms(now_s),
    });
    serde_json::to_string(&live).expect("the live view serialises")
}

/// `GET /metrics`: the live figures for Prometheus (see [`crate::metrics`]).
async fn metrics(State(site): State<Arc<Site>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        site.store.metrics(),
    )
        .into_response()
}

/// `GET /api/dev/snapshot` on a `--demo` server with its own log: writes a snapshot now and
/// answers what it cost (see [`crate::snapshot::Figures`]), for the load run.
async fn dev_snapshot(State(site): State<Arc<Site>>) -> Response {
    let node = match &site.store {
        Backend::Local(node) if node.demo() => node,
        other => {
            let why = if other.demo() {
                "a node of a cluster keeps no snapshots"
            } else {
                "the demo's controls exist only on a server started with --demo"
            };
            return error(ApiError::new(
                404,
                ErrorCode::NotFound,
                format!("The store has nothing at /api/dev/snapshot: {why}."),
            ));
        }
    };
    match node.snapshot_now().await {
        Ok(figures) => respond(StoreResponse {
            status: 200,
            retry_after_ms: None,
            body: serde_json::to_string(&figures).expect("figures serialise"),
        }),
        Err(problem) => error(ApiError::new(
            503,
            ErrorCode::Unavailable,
            format!("No snapshot was written: {problem}."),
        )),
    }
}

/// The contract's view of an HTTP request, or the error that refuses it.
async fn read(site: &Site, request: Request) -> Result<StoreRequest, ApiError> {
    let bad = |why: String| ApiError::new(400, ErrorCode::BadRequest, why);
    let method = Method::parse(request.method().as_str()).ok_or_else(|| {
        ApiError::new(
            405,
            ErrorCode::NotFound,
            format!("The store does not take {} requests.", request.method()),
        )
    })?;
    let uri = request.uri();
    let path = uri
        .path_and_query()
        .map_or(uri.path(), |p| p.as_str())
        .to_string();
    // The operator key's hash is set by the server itself at its start (see `crate::start`),
    // never by a request from outside.
    if uri.path() == OPERATOR_KEY_PATH {
        return Err(ApiError::new(
            404,
            ErrorCode::NotFound,
            format!("The store has nothing at {}.", uri.path()),
        ));
    }
    let largest = match (method, uri.path().strip_prefix("/api/operator/sales")) {
        (Method::Post, Some("")) | (Method::Put, Some(_)) => MAX_DROP_BYTES,
        _ => MAX_BODY_BYTES,
    };
    if !site.store.demo() && (uri.path() == "/api/dev" || uri.path().starts_with("/api/dev/")) {
        return Err(ApiError::new(
            404,
            ErrorCode::NotFound,
            format!(
                "The store has nothing at {}: the demo's controls exist only on a server started with --demo.",
                uri.path()
            ),
        ));
    }
    let headers: &HeaderMap = request.headers();
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let bearer =
        header(header::AUTHORIZATION).and_then(|h| h.strip_prefix("Bearer ").map(str::to_string));
    let idempotency_key = headers
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = to_bytes(request.into_body(), largest).await.map_err(|_| {
        ApiError::new(
            413,
            ErrorCode::BadRequest,
            format!("The request is larger than the store reads ({largest} bytes)."),
        )
    })?;
    let body = String::from_utf8(bytes.to_vec())
        .map_err(|_| bad("The request's body is not UTF-8 text.".into()))?;
    Ok(StoreRequest {
        method,
        path,
        bearer,
        idempotency_key,
        body: (method != Method::Get && !body.is_empty()).then_some(body),
    })
}

/// The `Content-Type` of a file of `dist/` for a server that serves it by hand (the e2e suite's
/// static server). The store server's [`ServeDir`] names the same types, and a layer adds the
/// charset to its text types.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
const FOR_A_YEAR: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// Everything but `/api`: the app's page at `/` and `/index.html` (from memory: it is
/// [`Site::index`], not the built file), the files of `dist/`, and the app's page again for a
/// route of the app.
fn static_files(site: &Site) -> Router {
    let page = Arc::new(AppPage::new(&site.index));
    // Only GET and HEAD (405 otherwise); `..` and other escapes from dist/ find no file; a
    // directory is no file either (the app's routes and dist/'s directories may share names).
    let dir = SetResponseHeaderLayer::appending(
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
    .layer(
        ServeDir::new(&site.dist)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(false)
            .fallback(app_route.with_state(page.clone())),
    );
    let hashed =
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, for_a_year).layer(dir.clone());
    let file = move |request: Request| async move {
        if is_content_hashed(request.uri().path()) {
            hashed.oneshot(request).await.into_response()
        } else {
            dir.oneshot(request).await.into_response()
        }
    };
    Router::new()
        .route("/", get(app_page))
        .route("/index.html", get(app_page))
        .fallback(file)
        .with_state(page)
        // What is not named by its content's hash is revalidated on every use.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            NO_CACHE,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_TYPE,
            with_utf8_charset,
        ))
}

/// A year's caching for a file found, and for a 304 that confirms one.
fn for_a_year<B>(response: &Response<B>) -> Option<HeaderValue> {
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    found.then_some(FOR_A_YEAR)
}

/// A text type with the charset the app's texts are written in (ServeDir names none).
fn with_utf8_charset(response: &Response) -> Option<HeaderValue> {
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    if kind.starts_with("text/") && !kind.contains(';') {
        HeaderValue::from_str(&format!("{kind}; charset=utf-8")).ok()
    } else {
        None
    }
}

/// Whether a path of `dist/` names a file by its content's hash, so that its bytes never change
/// under that name: the files in `page-<16 hex digits>/` (scripts/split-page), and trunk's
/// top-level `<name>-<hash>.<ext>` and `<name>-<hash>_bg.wasm`. Trunk writes its 64-bit hash in
/// hex without leading zeros, so 12 to 16 digits make a hash (a shorter one, about one name in
/// a million, is merely revalidated). Only a file's name (it has an extension) counts: the app's
/// page for a route of the app must never be cached for a year.
fn is_content_hashed(path: &str) -> bool {
    let is_hash = |text: &str, digits: std::ops::RangeInclusive<usize>| {
        digits.contains(&text.len()) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let path = path.trim_start_matches('/');
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let Some((stem, _extension)) = name.split_once('.') else {
        return false;
    };
    if dir.is_empty() {
        let stem = stem.strip_suffix("_bg").unwrap_or(stem);
        stem.rsplit_once('-')
            .is_some_and(|(_, hash)| is_hash(hash, 12..=16))
    } else {
        dir.split('/')
            .next()
            .and_then(|top| top.strip_prefix("page-"))
            .is_some_and(|hash| is_hash(hash, 16..=16))
    }
}

/// The app's page, served from memory, with a validator for conditional GETs.
struct AppPage {
    html: Bytes,
    /// A checksum of the text: the same on every node serving the same build, and new with
    /// every build that changes the page.
    etag: HeaderValue,
}

impl AppPage {
    fn new(html: &str) -> AppPage {
        let etag = format!(
            "\"{:08x}-{:x}\"",
            crc32fast::hash(html.as_bytes()),
            html.len()
        );
        AppPage {
            html: Bytes::copy_from_slice(html.as_bytes()),
            etag: HeaderValue::from_str(&etag).expect("hex digits and quotes"),
        }
    }

    /// Whether the browser's copy is this page (`If-None-Match`, compared weakly).
    fn is_held_by(&self, headers: &HeaderMap) -> bool {
        let ours = self.etag.as_bytes();
        headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim())
            .any(|tag| tag == "*" || tag.trim_start_matches("W/").as_bytes() == ours)
    }
}

async fn app_page(State(page): State<Arc<AppPage>>, headers: HeaderMap) -> Response {
    if page.is_held_by(&headers) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, page.etag.clone())],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::ETAG, page.etag.clone()),
        ],
        page.html.clone(),
    )
        .into_response()
}

/// A path that names no file of `dist/`: the app's page for a route of the app; a 404 for a
/// missing file (its name has an extension) and for a path that steps out of its directory.
async fn app_route(page: State<Arc<AppPage>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    let mut segments = path.split('/');
    let escapes = segments.clone().any(|s| s == "." || s == "..");
    let names_a_file = segments.next_back().is_some_and(|last| last.contains('.'));
    if escapes || names_a_file {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    app_page(page, headers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_page_says_its_store_is_the_server() {
        let built = r#"<html><head><meta name="kestrel-store" content="worker" /></head></html>"#;
        assert_eq!(
            served_index(built, false),
            r#"<html><head><meta name="kestrel-store" content="server" /></head></html>"#
        );
        assert!(served_index(built, true).contains(r#"content="demo-server""#));
        assert!(served_index("<html><head></head></html>", false)
            .contains(r#"<meta name="kestrel-store" content="server" /></head>"#));
    }

    #[test]
    fn only_names_that_carry_their_contents_hash_count_as_hashed() {
        for hashed in [
            "/page-0f1e2d3c4b5a6978/flash-sale_bg.wasm",
            "/page-0f1e2d3c4b5a6978/__wasm_split.js",
            "/page-0f1e2d3c4b5a6978/module_3.wasm",
            "/tokens-8c3a1f0e9b2d4c57.css",
            "/app-3a1f0e9b2d4c57.css",
            "/flash-sale-1a2b3c4d5e6f7a8b_bg.wasm",
            "/flash-sale-1a2b3c4d5e6f7a8b.js",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for unhashed in [
            "/",
            "/index.html",
            "/sw.js",
            "/store.js",
            "/store_bg.wasm",
            "/public/catalog.json",
            "/public/img/k7-pro.svg",
            "/public/logo-0123456789abcdef.svg",
            "/app-3a1f0e.css",
            "/app-3A1F0E9B2D4C5799.css",
            "/page-0f1e2d3c4b5a6978/",
            "/page-0f1e2d3c4b5a6978/a-route",
            "/page-0f1e2d3c/flash-sale.js",
            "/sale/k7-first-drop",
        ] {
            assert!(!is_content_hashed(unhashed), "{unhashed}");
        }
    }
}
