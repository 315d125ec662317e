//! The store's saved document in IndexedDB: one database, one object store, one key. Writes
//! are queued synchronously when asked for, so they land in the order the store made them.
use js_sys::Promise;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

const DATABASE: &str = "kestrel-store";
const OBJECTS: &str = "documents";
const KEY: &str = "store";

pub struct Idb {
    db: IdbDatabase,
}

/// The handlers one request or transaction settles through, owned by the future that waits
/// for it: taken off their target before they are freed, so an event that comes later (a
/// failed transaction fires `error` and then `abort`) finds no handler rather than a freed one,
/// and nothing is left behind once it settles.
struct Handlers<F: Fn(Option<&js_sys::Function>, Option<&js_sys::Function>)> {
    install: F,
    _done: Closure<dyn FnMut()>,
    _failed: Closure<dyn FnMut()>,
}

impl<F: Fn(Option<&js_sys::Function>, Option<&js_sys::Function>)> Drop for Handlers<F> {
    fn drop(&mut self) {
        (self.install)(None, None);
    }
}

/// Settles with `value()` when the success handler `install` sets fires, or fails with
/// `failure` the first time its failure handler fires (a promise settles once: a second
/// failure event changes nothing).
async fn settled(
    install: impl Fn(Option<&js_sys::Function>, Option<&js_sys::Function>),
    value: impl FnOnce() -> JsValue,
    failure: &'static str,
) -> Result<JsValue, JsValue> {
    let mut handlers = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let done = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(failure));
        });
        install(
            Some(done.as_ref().unchecked_ref()),
            Some(failed.as_ref().unchecked_ref()),
        );
        handlers = Some((done, failed));
    });
    let (done, failed) = handlers.expect("a promise runs its executor at once");
    let _handlers = Handlers {
        install,
        _done: done,
        _failed: failed,
    };
    JsFuture::from(promise).await.map(|_| value())
}

async fn request_done(request: IdbRequest) -> Result<JsValue, JsValue> {
    let result = request.clone();
    settled(
        |done, failed| {
            request.set_onsuccess(done);
            request.set_onerror(failed);
        },
        move || result.result().unwrap_or(JsValue::UNDEFINED),
        "IndexedDB could not be read",
    )
    .await
}

/// Settles once the transaction is committed, or fails on its first `error` or `abort` event.
pub(crate) async fn transaction_done(transaction: IdbTransaction) -> Result<JsValue, JsValue> {
    settled(
        |done, failed| {
            transaction.set_oncomplete(done);
            transaction.set_onerror(failed);
            transaction.set_onabort(failed);
        },
        || JsValue::UNDEFINED,
        "IndexedDB refused the write",
    )
    .await
}

/// The message of a JavaScript error, for the notice the store raises when the browser refuses.
pub fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// A read-write transaction on the documents that completes only once the browser has flushed
/// the write to disk (`durability: "strict"`), so that [`Idb::save`] settles when the write is on
/// disk, as it says, not merely handed to the operating system. web-sys has these options only
/// behind its unstable APIs, so they are passed by hand; a browser that does not know them
/// ignores them.
fn write_transaction(db: &IdbDatabase) -> Result<IdbTransaction, JsValue> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let transaction: js_sys::Function =
        js_sys::Reflect::get(db, &"transaction".into())?.dyn_into()?;
    transaction
        .call3(db, &OBJECTS.into(), &"readwrite".into(), &options)
        .map(JsCast::unchecked_into)
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
            let transaction = write_transaction(&self.db)?;
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
