//! The store's saved document in IndexedDB: one database, one object store, one key. Writes
//! are queued synchronously when asked for, so they land in the order the store made them.
use js_sys::Promise;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "kestrel-store";
const OBJECTS: &str = "documents";
const KEY: &str = "store";

pub struct Idb {
    db: IdbDatabase,
}

/// Settles with `value()` when the handler `set_done` installs fires, or fails with `failure`
/// when the one `set_failed` installs does.
fn settled(
    set_done: impl Fn(&js_sys::Function),
    set_failed: impl Fn(&js_sys::Function),
    value: impl FnOnce() -> JsValue + 'static,
    failure: &'static str,
) -> JsFuture {
    let mut value = Some(value);
    let promise = Promise::new(&mut |resolve, reject| {
        let value = value.take().expect("a promise runs its executor once");
        let done = Closure::once_into_js(move || resolve.call1(&JsValue::NULL, &value()));
        let failed = Closure::once_into_js(move || {
            reject.call1(&JsValue::NULL, &JsValue::from_str(failure))
        });
        set_done(done.unchecked_ref());
        set_failed(failed.unchecked_ref());
    });
    JsFuture::from(promise)
}

fn request_done(request: IdbRequest) -> JsFuture {
    let result = request.clone();
    settled(
        |f| request.set_onsuccess(Some(f)),
        |f| request.set_onerror(Some(f)),
        move || result.result().unwrap_or(JsValue::UNDEFINED),
        "IndexedDB could not be read",
    )
}

fn transaction_done(transaction: IdbTransaction) -> JsFuture {
    settled(
        |f| transaction.set_oncomplete(Some(f)),
        |f| {
            transaction.set_onerror(Some(f));
            transaction.set_onabort(Some(f));
        },
        || JsValue::UNDEFINED,
        "IndexedDB refused the write",
    )
}

/// The message of a JavaScript error, for the notice the store raises when the browser refuses.
pub fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

impl Idb {
    pub async fn open() -> Result<Idb, String> {
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let factory = scope
            .indexed_db()
            .map_err(describe)?
            .ok_or("IndexedDB is not available")?;
        let request = factory.open_with_u32(DATABASE, 1).map_err(describe)?;
        let upgrading = request.clone();
        let on_upgrade = Closure::once_into_js(move || {
            if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                let _ = db.create_object_store(OBJECTS);
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = request_done(request.into()).await.map_err(describe)?;
        Ok(Idb {
            db: db.unchecked_into(),
        })
    }

    pub async fn load(&self) -> Result<Option<String>, String> {
        let transaction = self.db.transaction_with_str(OBJECTS).map_err(describe)?;
        let request = transaction
            .object_store(OBJECTS)
            .map_err(describe)?
            .get(&KEY.into())
            .map_err(describe)?;
        Ok(request_done(request).await.map_err(describe)?.as_string())
    }

    /// Queues the write now; the future settles once it is on disk.
    pub fn save(&self, document: &str) -> impl std::future::Future<Output = Result<(), String>> {
        let queued = (|| {
            let transaction = self
                .db
                .transaction_with_str_and_mode(OBJECTS, IdbTransactionMode::Readwrite)?;
            transaction
                .object_store(OBJECTS)?
                .put_with_key(&document.into(), &KEY.into())?;
            Ok::<_, JsValue>(transaction_done(transaction))
        })();
        async move {
            queued
                .map_err(describe)?
                .await
                .map(|_| ())
                .map_err(describe)
        }
    }
}
