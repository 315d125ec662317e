//! HTTP in front of the node: `/api/*` through the contract, everything else from the release
//! `dist/` with the single-page app's fallback. Every refusal has the contract's error shape.
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use store_contract::{codes, ApiError, Method, StoreRequest, StoreResponse};

use crate::Backend;

/// No call of the contract carries more than a checkout's address: anything larger is refused
/// before it is read into memory.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub struct Site {
    pub store: Backend,
    pub dist: PathBuf,
    /// `dist/index.html`, saying that this page's store is the server.
    pub index: String,
}

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
    Router::new()
        // The trivial answer: liveness checks, and the load run's yardstick for throughput.
        .route("/healthz", get(|| async { "ok" }))
        .fallback(any_path)
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
    let mut response = Response::new(Body::from(answer.body.clone()));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("valid"),
    );
    headers.insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
    if let Some(seconds) = answer.retry_after_header().and_then(|s| s.parse().ok()) {
        headers.insert(header::RETRY_AFTER, seconds);
    }
    response
}

async fn any_path(State(site): State<Arc<Site>>, request: Request) -> Response {
    if request.uri().path() == "/api" || request.uri().path().starts_with("/api/") {
        match read(&site, request).await {
            Ok(call) => respond(site.store.answer(&call).await),
            Err(refused) => error(refused),
        }
    } else {
        let path = request.uri().path().to_string();
        static_file(&site, request.method(), &path).await
    }
}

/// The contract's view of an HTTP request, or the error that refuses it.
async fn read(site: &Site, request: Request) -> Result<StoreRequest, ApiError> {
    let bad = |why: String| ApiError::new(400, codes::BAD_REQUEST, why);
    let method = Method::parse(request.method().as_str()).ok_or_else(|| {
        ApiError::new(
            405,
            codes::NOT_FOUND,
            format!("The store does not take {} requests.", request.method()),
        )
    })?;
    let uri = request.uri();
    let path = uri
        .path_and_query()
        .map_or(uri.path(), |p| p.as_str())
        .to_string();
    if !site.store.demo() && (uri.path() == "/api/dev" || uri.path().starts_with("/api/dev/")) {
        return Err(ApiError::new(
            404,
            codes::NOT_FOUND,
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
    let bytes = to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                413,
                codes::BAD_REQUEST,
                format!("The request is larger than the store reads ({MAX_BODY_BYTES} bytes)."),
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

/// The `Content-Type` a file of `dist/` is served with (the e2e suite's static server too).
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

/// A file of `dist/`, or the app's page for a route of the app (a path without an extension).
async fn static_file(site: &Site, method: &axum::http::Method, path: &str) -> Response {
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "GET only\n").into_response();
    }
    let relative = Path::new(path.trim_start_matches('/'));
    // Nothing outside dist/: only plain path segments.
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    let file = site.dist.join(relative);
    let is_index = relative.as_os_str().is_empty() || relative == Path::new("index.html");
    if !is_index && file.is_file() {
        if let Ok(bytes) = tokio::fs::read(&file).await {
            return (
                [
                    (header::CONTENT_TYPE, content_type(&file)),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                bytes,
            )
                .into_response();
        }
    }
    let is_asset = relative
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains('.'));
    if is_asset && !is_index {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        site.index.clone(),
    )
        .into_response()
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
}
