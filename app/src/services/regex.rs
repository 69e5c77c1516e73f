//! eHealth's `ValidationRegEx` patterns matched by the browser's own regular expressions, so the
//! download carries no regex engine (app/PRODUCT.md §6). Java's `matches` is a full match: the
//! pattern is anchored. A pattern the browser rejects (Java-only syntax such as
//! `\p{javaDigit}`, refused under the `u` flag) is `None`: eHealth checks the number again anyway.

use wasm_bindgen::JsCast;

/// Whether `text` matches `pattern` in full; `None` when the browser cannot compile the pattern.
pub fn full_match(pattern: &str, text: &str) -> Option<bool> {
    // `new RegExp(…)` throws on a bad pattern: called through Reflect.construct, which returns
    // the exception instead of aborting.
    let constructor = js_sys::RegExp::new("", "").constructor();
    let arguments = js_sys::Array::of2(&format!("^(?:{pattern})$").into(), &"u".into());
    let regex = js_sys::Reflect::construct(&constructor, &arguments).ok()?;
    Some(regex.unchecked_into::<js_sys::RegExp>().test(text))
}
