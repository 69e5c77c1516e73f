//! Key generation with the browser's WebCrypto: RSA-2048 in about 50 ms where the `rsa` crate
//! compiled to wasm needs about 700 ms (app/PRODUCT.md §6). The key is generated extractable and
//! exported once as PKCS#8 into the Rust code, which needs the private key for PKCS#12 and for
//! PKCS#1 v1.5 decryption (the ETK challenge), which WebCrypto cannot do.
//!
//! Where WebCrypto cannot generate the key, the `rsa` crate does, in a dedicated worker
//! (`src/bin/keygen_worker.rs`) so the page stays responsive.

use ehcert_pki::key::RsaKeyPair;
use ehcert_shared::bridge::CardKeyAlgorithm;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

/// Which generator made a key.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum KeySource {
    /// The browser's WebCrypto.
    WebCrypto,
    /// The `rsa` crate in the key-generation worker.
    Worker,
}

/// Generates an RSA-2048 key pair (e = 65537): WebCrypto, else the worker.
pub async fn generate_rsa_key() -> Result<(RsaKeyPair, KeySource), AppError> {
    match generate_with_webcrypto().await {
        Ok(key) => Ok((key, KeySource::WebCrypto)),
        Err(_) => Ok((generate_in_worker().await?, KeySource::Worker)),
    }
}

/// Generates an RSA-2048 key pair in the key-generation worker with the `rsa` crate.
pub async fn generate_in_worker() -> Result<RsaKeyPair, AppError> {
    // Trunk writes the worker's loader under this fixed name (Trunk.toml: filehash = false).
    let worker = web_sys::Worker::new("/keygen_worker_loader.js")
        .map_err(|err| browser_error("starting the key-generation worker", &err))?;
    let result = async {
        // The worker says "ready" once its handler is installed; only then is a request heard.
        next_message(&worker).await?;
        worker.post_message(&JsValue::NULL).map_err(|err| browser_error("postMessage", &err))?;
        next_message(&worker).await
    }
    .await;
    worker.terminate();
    let event = result?;
    let data = event.data();
    if let Some(message) = data.as_string() {
        return Err(AppError::Browser(format!("key-generation worker: {message}")));
    }
    let array: Uint8Array = data
        .dyn_into()
        .map_err(|_| AppError::Browser("the key-generation worker sent no key".into()))?;
    let bytes = zeroize::Zeroizing::new(array.to_vec());
    // Wipe the JS copy too; only the Rust key remains.
    array.fill(0, 0, array.length());
    Ok(RsaKeyPair::from_pkcs8_der(&bytes)?)
}

/// Generates an RSA-2048 key pair (e = 65537) with WebCrypto.
pub async fn generate_with_webcrypto() -> Result<RsaKeyPair, AppError> {
    let subtle = subtle()?;
    let generated = match AHEAD.with_borrow_mut(Vec::pop) {
        Some(started) => started,
        None => start_generation(&subtle)?,
    };
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

thread_local! {
    /// Key generations started before they were asked for ([`prepare`]): WebCrypto's pending
    /// `generateKey`, each taken by one [`generate_with_webcrypto`].
    static AHEAD: std::cell::RefCell<Vec<js_sys::Promise>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Starts `count` key generations now (fewer if as many were started already and not taken), for
/// a step that is about to need them: the password step, while the person types the password
/// twice, so that "Create key" waits for the rest of the generation only. They run off the
/// page's thread. A key never taken stays inside the browser's crypto (it is exported only when
/// taken) and goes with the page; nothing is sent or kept for it.
pub fn prepare(count: usize) {
    let Ok(subtle) = subtle() else { return };
    AHEAD.with_borrow_mut(|ahead| {
        while ahead.len() < count {
            match start_generation(&subtle) {
                Ok(started) => ahead.push(started),
                // The fallback (the worker) starts when a key is asked for.
                Err(_) => break,
            }
        }
    });
}

fn subtle() -> Result<web_sys::SubtleCrypto, AppError> {
    Ok(web_sys::window()
        .ok_or_else(|| AppError::Browser("no window".into()))?
        .crypto()
        .map_err(|_| AppError::Browser("WebCrypto is not available".into()))?
        .subtle())
}

/// WebCrypto's `generateKey` for an extractable RSA-2048 pair (e = 65537), started.
fn start_generation(subtle: &web_sys::SubtleCrypto) -> Result<js_sys::Promise, AppError> {
    let params = Object::new();
    set(&params, "name", &"RSASSA-PKCS1-v1_5".into())?;
    set(&params, "modulusLength", &2048.into())?;
    set(&params, "publicExponent", &Uint8Array::from([1u8, 0, 1].as_slice()))?;
    set(&params, "hash", &"SHA-256".into())?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    subtle
        .generate_key_with_object(&params, true, &usages)
        .map_err(|err| browser_error("generateKey", &err))
}

/// Checks `signature` over `message` (SHA-256) with the public key `spki` (DER) using WebCrypto.
/// `Ok(false)`: the signature does not belong to this message and key.
pub async fn verify_sha256(
    spki: &[u8],
    algorithm: CardKeyAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, AppError> {
    let subtle = subtle()?;
    let (import, verify) = (Object::new(), Object::new());
    match algorithm {
        CardKeyAlgorithm::Rsa2048 => {
            set(&import, "name", &"RSASSA-PKCS1-v1_5".into())?;
            set(&import, "hash", &"SHA-256".into())?;
            set(&verify, "name", &"RSASSA-PKCS1-v1_5".into())?;
        }
        CardKeyAlgorithm::EcdsaP384 => {
            set(&import, "name", &"ECDSA".into())?;
            set(&import, "namedCurve", &"P-384".into())?;
            set(&verify, "name", &"ECDSA".into())?;
            set(&verify, "hash", &"SHA-256".into())?;
        }
    }
    let key_data = Uint8Array::from(spki);
    let imported = subtle
        .import_key_with_object("spki", &key_data, &import, false, &Array::of1(&"verify".into()))
        .map_err(|err| browser_error("importKey", &err))?;
    let key: web_sys::CryptoKey = JsFuture::from(imported)
        .await
        .map_err(|err| browser_error("importKey", &err))?
        .dyn_into()
        .map_err(|_| AppError::Browser("importKey returned no key".into()))?;
    let verified = subtle
        .verify_with_object_and_u8_array_and_u8_array(&verify, &key, signature, message)
        .map_err(|err| browser_error("verify", &err))?;
    Ok(JsFuture::from(verified).await.map_err(|err| browser_error("verify", &err))?.is_truthy())
}

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), AppError> {
    Reflect::set(object, &key.into(), value).map(|_| ()).map_err(|err| browser_error(key, &err))
}

fn browser_error(step: &str, err: &JsValue) -> AppError {
    AppError::Browser(format!("{step}: {}", err.as_string().unwrap_or_else(|| format!("{err:?}"))))
}

/// The worker's next message, or its error.
async fn next_message(worker: &web_sys::Worker) -> Result<web_sys::MessageEvent, AppError> {
    let message = js_sys::Promise::new(&mut |resolve, reject| {
        worker.set_onmessage(Some(&resolve));
        worker.set_onerror(Some(&reject));
    });
    JsFuture::from(message)
        .await
        .map_err(|err| browser_error("key-generation worker", &err))?
        .dyn_into()
        .map_err(|_| AppError::Browser("the key-generation worker sent no message".into()))
}
