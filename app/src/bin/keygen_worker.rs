//! A dedicated Web Worker that generates RSA-2048 keys with the `rsa` crate, for browsers whose
//! WebCrypto cannot (app/PRODUCT.md §6: ~700 ms in wasm, which must not freeze the page).
//! The worker first says [`READY`]; then each message asks for one key, and the answer is its
//! PKCS#8 DER as a `Uint8Array`, or an error string.

use js_sys::Uint8Array;
use rand_core::OsRng;
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The worker's first message.
const READY: &str = "ready";

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        let answer: JsValue = match ehcert_pki::key::RsaKeyPair::generate(&mut OsRng)
            .and_then(|key| key.to_pkcs8_der())
        {
            Ok(pkcs8) => Uint8Array::from(pkcs8.as_slice()).into(),
            Err(err) => JsValue::from_str(&err.to_string()),
        };
        let _ = reply_scope.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it; the handler must too.
    on_message.forget();
    // Messages that arrive before the wasm module has started (and set the handler above) are
    // dropped, so the page waits for this before it asks for a key.
    let _ = scope.post_message(&JsValue::from_str(READY));
}
