//! Key generation with the browser's WebCrypto: RSA-2048 in about 50 ms where the `rsa` crate
//! compiled to wasm needs about 700 ms (spec/product.md §6). The key is generated extractable and
//! exported once as PKCS#8 into the Rust code, which needs the private key for PKCS#12 and for
//! PKCS#1 v1.5 decryption (the ETK challenge), which WebCrypto cannot do.

use ehcert_pki::key::RsaKeyPair;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

/// Generates an RSA-2048 key pair (e = 65537) with WebCrypto.
pub async fn generate_rsa_key() -> Result<RsaKeyPair, AppError> {
    let subtle = web_sys::window()
        .ok_or_else(|| AppError::Browser("no window".into()))?
        .crypto()
        .map_err(|_| AppError::Browser("WebCrypto is not available".into()))?
        .subtle();
    let params = Object::new();
    set(&params, "name", &"RSASSA-PKCS1-v1_5".into())?;
    set(&params, "modulusLength", &2048.into())?;
    set(&params, "publicExponent", &Uint8Array::from([1u8, 0, 1].as_slice()))?;
    set(&params, "hash", &"SHA-256".into())?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let generated = subtle
        .generate_key_with_object(&params, true, &usages)
        .map_err(|err| browser_error("generateKey", &err))?;
    let pair = JsFuture::from(generated).await.map_err(|err| browser_error("generateKey", &err))?;
    let private: web_sys::CryptoKey = Reflect::get(&pair, &"privateKey".into())
        .map_err(|err| browser_error("privateKey", &err))?
        .dyn_into()
        .map_err(|_| AppError::Browser("generateKey returned no private key".into()))?;
    let exported =
        subtle.export_key("pkcs8", &private).map_err(|err| browser_error("exportKey", &err))?;
    let pkcs8 = JsFuture::from(exported).await.map_err(|err| browser_error("exportKey", &err))?;
    let bytes = zeroize::Zeroizing::new(Uint8Array::new(&pkcs8).to_vec());
    Ok(RsaKeyPair::from_pkcs8_der(&bytes)?)
}

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), AppError> {
    Reflect::set(object, &key.into(), value).map(|_| ()).map_err(|err| browser_error(key, &err))
}

fn browser_error(step: &str, err: &JsValue) -> AppError {
    AppError::Browser(format!("{step}: {}", err.as_string().unwrap_or_else(|| format!("{err:?}"))))
}
