//! JSON text for the store's answers, page storage and downloads, parsed and printed by the
//! browser's own `JSON` rather than by a parser compiled into the wasm: serde_json cost the
//! shopper's first load 23 KB gzip (360.1 KB with it, 336.8 KB without, `make build`).
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsCast;

/// The JSON text of `value`; contract types always serialise.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let js = value
        .serialize(&serializer)
        .expect("contract types serialise");
    js_sys::JSON::stringify(&js)
        .expect("JSON-compatible values stringify")
        .into()
}

/// Parses JSON text into `T`; the error says what did not fit, for developers.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let js = js_sys::JSON::parse(text).map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map_or_else(|| "not JSON".into(), |e| String::from(e.message()))
    })?;
    serde_wasm_bindgen::from_value(js).map_err(|e| e.to_string())
}
