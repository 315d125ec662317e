//! The worker's side of the store: opens it once (catalog, saved document, entropy), keeps
//! its sales moving while the worker lives, and answers requests through the network's delays
//! and faults, saving each change before its answer leaves.
use std::{cell::RefCell, rc::Rc};

use js_sys::Promise;
use sale_store::{AnswerLost, Catalog, InMemory, Persistence, Service, Store};
use store_contract::{ApiError, ErrorCode, Method, StoreRequest, StoreResponse};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{Request, Response, ResponseInit, ServiceWorkerGlobalScope};

use crate::idb::{describe, Idb};

/// Work done in one go in the background between two looks at the time; answers wait for at
/// most this long behind it.
const SLICE_BUDGET_MS: f64 = 20.0;
const SLICE_EVERY_MS: i32 = 50;

/// Where the document is saved: IndexedDB, or memory once the browser refuses storage.
enum Saving {
    IndexedDb(Idb),
    Memory(InMemory),
}

/// Saves to IndexedDB until it fails, then to memory: the store keeps running either way and
/// [`Service::save`] tells the shopper.
struct Storage(RefCell<Rc<Saving>>);

impl Persistence for Storage {
    async fn save(&self, document: String) -> Result<(), String> {
        let saving = self.0.borrow().clone();
        match &*saving {
            Saving::IndexedDb(idb) => {
                let saved = idb.save(&document).await;
                if saved.is_err() {
                    let memory = InMemory::default();
                    memory.save(document).await?;
                    *self.0.borrow_mut() = Rc::new(Saving::Memory(memory));
                }
                saved
            }
            Saving::Memory(memory) => memory.save(document).await,
        }
    }
}

type Worker = Service<Storage>;

thread_local! {
    static OPENING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    static WORKER: RefCell<Option<Rc<Worker>>> = const { RefCell::new(None) };
}

fn scope() -> ServiceWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn real_now() -> f64 {
    js_sys::Date::now()
}

fn monotonic_ms() -> f64 {
    scope().performance().map_or_else(real_now, |p| p.now())
}

async fn sleep_ms(ms: u64) {
    if ms == 0 {
        return;
    }
    let promise = Promise::new(&mut |resolve, _| {
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            ms.min(i32::MAX as u64) as i32,
        );
    });
    let _ = JsFuture::from(promise).await;
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let response: Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}

/// The store's secret, from which every sale's draw seed is derived, from crypto.getRandomValues.
/// Without it the store does not open: a fallback secret (zeros, a clock) would let anyone who
/// reads this code know every draw before its start. Every browser with Service Workers has it.
fn entropy() -> Result<[u8; 32], String> {
    let mut bytes = [0u8; 32];
    let crypto = scope().crypto().map_err(describe)?;
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(describe)?;
    Ok(bytes)
}

/// The open store, opening it first if need be. Every caller during the opening waits for the
/// same one; a failed opening is tried again by the next call.
async fn worker() -> Result<Rc<Worker>, String> {
    if let Some(worker) = WORKER.with(|w| w.borrow().clone()) {
        return Ok(worker);
    }
    let opening = OPENING.with(|o| {
        o.borrow_mut()
            .get_or_insert_with(|| {
                future_to_promise(async {
                    let opened = open().await;
                    OPENING.with(|o| o.borrow_mut().take());
                    let worker = Rc::new(opened.map_err(|e| JsValue::from_str(&e))?);
                    WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));
                    keep_sales_moving(worker);
                    Ok(JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    JsFuture::from(opening).await.map_err(describe)?;
    WORKER
        .with(|w| w.borrow().clone())
        .ok_or_else(|| "the store closed while opening".into())
}

async fn open() -> Result<Worker, String> {
    let started = monotonic_ms();
    let catalog = Catalog::parse(&fetch_text(sale_store::catalog::CATALOG_URL).await?)?;
    let (saving, saved, trouble) = match Idb::open().await {
        Ok(idb) => match idb.load().await {
            Ok(saved) => (Saving::IndexedDb(idb), saved, None),
            Err(e) => (Saving::Memory(InMemory::default()), None, Some(e)),
        },
        Err(e) => (Saving::Memory(InMemory::default()), None, Some(e)),
    };
    let mut store = Store::open(catalog, saved.as_deref(), real_now(), entropy()?);
    store.with_demo_operator();
    if let Some(problem) = trouble {
        web_sys::console::warn_1(&format!("store storage: {problem}").into());
        store.notice(
            "This browser will not let the demo store save anything, so your place is kept only while a tab stays open.".into(),
            (store_contract::demo::notice_codes::CANNOT_SAVE, None),
            real_now(),
        );
    }
    // Opening includes catching up with the saved log over the crowd: the cold rebuild.
    store.run_slice(real_now(), &mut || false);
    store.set_opened_in(monotonic_ms() - started);
    let worker = Service::new(store, Storage(RefCell::new(Rc::new(saving))));
    worker.save(real_now()).await;
    Ok(worker)
}

/// Runs the crowd forward in slices while the worker lives, so answers find the sales caught
/// up, and saves what settled payments changed.
fn keep_sales_moving(worker: Rc<Worker>) {
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            sleep_ms(SLICE_EVERY_MS as u64).await;
            let started = monotonic_ms();
            worker
                .run_slice(real_now(), &mut || {
                    monotonic_ms() - started > SLICE_BUDGET_MS
                })
                .await;
        }
    });
}

async fn read(request: &Request) -> Result<StoreRequest, ApiError> {
    let bad = |why: String| ApiError::new(400, ErrorCode::BadRequest, why);
    let method = Method::parse(&request.method()).ok_or_else(|| {
        ApiError::new(
            405,
            ErrorCode::NotFound,
            format!("The store does not take {} requests.", request.method()),
        )
    })?;
    let url = web_sys::Url::new(&request.url()).map_err(|e| bad(describe(e)))?;
    let header = |name: &str| request.headers().get(name).ok().flatten();
    let body = if method == Method::Get {
        None
    } else {
        let text = JsFuture::from(request.text().map_err(|e| bad(describe(e)))?)
            .await
            .map_err(|e| bad(describe(e)))?;
        text.as_string().filter(|t| !t.is_empty())
    };
    Ok(StoreRequest {
        method,
        path: format!("{}{}", url.pathname(), url.search()),
        bearer: header("Authorization").and_then(|h| h.strip_prefix("Bearer ").map(str::to_string)),
        idempotency_key: header("Idempotency-Key"),
        body,
    })
}

fn respond(response: &StoreResponse, content_type: &str) -> Result<Response, JsValue> {
    let init = ResponseInit::new();
    init.set_status(response.status);
    let headers = web_sys::Headers::new()?;
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", "no-store")?;
    if let Some(seconds) = response.retry_after_header() {
        headers.set("Retry-After", &seconds)?;
    }
    init.set_headers(&headers);
    Response::new_with_opt_str_and_init(Some(&response.body), &init)
}

fn error(error: ApiError) -> Result<Response, JsValue> {
    let body = serde_json::to_string(&error).expect("errors serialise");
    respond(
        &StoreResponse {
            status: error.status,
            retry_after_ms: error.retry_after_ms,
            body,
        },
        "application/json",
    )
}

pub async fn answer(request: Request) -> Result<Response, JsValue> {
    let worker = match worker().await {
        Ok(worker) => worker,
        Err(problem) => {
            web_sys::console::error_1(&format!("the demo store could not open: {problem}").into());
            return error(ApiError::new(
                503,
                ErrorCode::Unavailable,
                "The demo store could not open. Reload the page to try again.",
            ));
        }
    };
    let request = match read(&request).await {
        Ok(request) => request,
        Err(e) => return error(e),
    };
    match worker.answer(&request, real_now, sleep_ms).await {
        Ok(response) => respond(&response, response.content_type(&request.path)),
        // The store acted and saved; the connection drops before the answer arrives.
        Err(AnswerLost) => Ok(Response::error()),
    }
}
