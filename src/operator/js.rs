//! The browser calls the console makes that the shopper's pages do not: through `Reflect` and
//! `Function.prototype.call`, which the shop already imports, instead of web-sys bindings of
//! their own, because every binding's glue lives in the shell's JS and wasm, which every
//! shopper downloads first.
use wasm_bindgen::{JsCast, JsValue};

/// `target[name]`, if `target` has it.
pub fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &name.into())
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// `target[method](arg)`, if `target` has such a method and it returns.
pub fn call(target: &JsValue, method: &str, arg: &JsValue) -> Option<JsValue> {
    get(target, method)
        .filter(JsValue::is_function)?
        .unchecked_into::<js_sys::Function>()
        .call1(target, arg)
        .ok()
}

/// `new globalThis[class](...args)`.
pub fn construct(class: &str, args: &[&JsValue]) -> Option<JsValue> {
    let class = get(&js_sys::global(), class).filter(JsValue::is_function)?;
    let list = js_sys::Array::new();
    for arg in args {
        list.push(arg);
    }
    js_sys::Reflect::construct(class.unchecked_ref::<js_sys::Function>(), &list).ok()
}

/// This tab's sessionStorage, if the browser lets the page use it.
pub fn session_storage() -> Option<web_sys::Storage> {
    get(&leptos::prelude::window(), "sessionStorage").map(JsCast::unchecked_into)
}
