//! Files for the person: keystores offered as downloads (a plain download always works; headless
//! and older browsers have no File System Access picker, extension/NATIVE-MESSAGING.md §9), a copy
//! saved with that picker where the browser has it, and the browser's copy of a pending keystore.
//!
//! The copy in `localStorage` is the encrypted PKCS#12 exactly as downloaded (never a raw key),
//! with its file name and environment, so "Complete a request" works after a reload, a crash or
//! on another day (app/PRODUCT.md §4, F3). Kiosk mode keeps nothing in the browser (F17): its
//! copy lives in the page's memory only, so that a request whose ETK registration lost its
//! answer can be tried again on the same screen, and goes with the page.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use ehcert_certra::endpoint::Environment;
use ehcert_flows::pending::KeptRequest;

use crate::{error::AppError, services::keeping};

/// The file a person picked in an `<input type="file">` (its `change` event): name and bytes.
pub async fn chosen_file(event: &web_sys::Event) -> Option<(String, Vec<u8>)> {
    let input = event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), Uint8Array::new(&buffer).to_vec()))
}

/// `localStorage` key of the pending request.
const PENDING_KEY: &str = "ehcert.pending-request";

/// Offers a keystore as a download named `file_name`.
pub fn download(bytes: &[u8], file_name: &str) -> Result<(), AppError> {
    download_as(bytes, file_name, "application/x-pkcs12")
}

/// Offers `bytes` of type `mime` as a download named `file_name`.
pub fn download_as(bytes: &[u8], file_name: &str, mime: &str) -> Result<(), AppError> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| AppError::Browser("no document".into()))?;
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| AppError::Browser("Blob".into()))?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| AppError::Browser("URL.createObjectURL".into()))?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| AppError::Browser("createElement".into()))?
        .dyn_into()
        .map_err(|_| AppError::Browser("not an anchor".into()))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The click has started the download; the blob URL is not needed any more.
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// Whether this browser has the File System Access save picker (Chromium-based browsers; not
/// Firefox or Safari, extension/NATIVE-MESSAGING.md §9).
pub fn has_save_picker() -> bool {
    web_sys::window().is_some_and(|window| {
        Reflect::get(&window, &"showSaveFilePicker".into()).is_ok_and(|picker| picker.is_function())
    })
}

/// Saves `bytes` where the person chooses with the File System Access picker, proposing
/// `file_name` (F12: "where your software looks for it", not only the downloads folder).
/// `Ok(false)` when the person closes the picker.
pub async fn save_with_picker(bytes: &[u8], file_name: &str) -> Result<bool, AppError> {
    match pick_place(file_name).await? {
        Some(handle) => write_to(&handle, bytes).await.map(|()| true),
        None => Ok(false),
    }
}

/// The place the person picks for a keystore named `file_name` (a `FileSystemFileHandle`), or
/// `None` when they close the picker (or the browser refuses to open it). The picker remembers
/// the folder chosen last for keystores (`id`), so the second file starts where the first went.
async fn pick_place(file_name: &str) -> Result<Option<JsValue>, AppError> {
    let window = web_sys::window().ok_or_else(|| saving("no window"))?;
    let options = Object::new();
    for (key, value) in [("suggestedName", file_name), ("id", "ehealth-keystore")] {
        Reflect::set(&options, &key.into(), &value.into()).map_err(|_| saving("options"))?;
    }
    // AbortError: the person closed the picker; SecurityError: no recent click to open it on.
    Ok(JsFuture::from(call(&window, "showSaveFilePicker", Some(&options))?).await.ok())
}

/// Writes `bytes` as the whole content of the file behind `handle`.
async fn write_to(handle: &JsValue, bytes: &[u8]) -> Result<(), AppError> {
    let writable = JsFuture::from(call(handle, "createWritable", None)?)
        .await
        .map_err(|_| saving("createWritable"))?;
    JsFuture::from(call(&writable, "write", Some(&Uint8Array::from(bytes).into()))?)
        .await
        .map_err(|_| saving("write"))?;
    JsFuture::from(call(&writable, "close", None)?).await.map_err(|_| saving("close"))?;
    Ok(())
}

fn saving(what: &str) -> AppError {
    AppError::Browser(format!("saving the file: {what}"))
}

/// `target.method(argument)`, a promise.
fn call(target: &JsValue, method: &str, argument: Option<&JsValue>) -> Result<Promise, AppError> {
    let function: Function = Reflect::get(target, &method.into())
        .ok()
        .and_then(|function| function.dyn_into().ok())
        .ok_or_else(|| saving(method))?;
    let result = match argument {
        Some(argument) => function.call1(target, argument),
        None => function.call0(target),
    };
    result.map(Promise::from).map_err(|_| saving(method))
}

thread_local! {
    /// Where the person placed this page's pending keystore, by its file name: the final
    /// keystore goes there, over it.
    static PLACED: std::cell::RefCell<Option<(String, JsValue)>> = const { std::cell::RefCell::new(None) };
}

/// Puts a new pending keystore where the person chooses, with the save picker where the browser
/// has one (not on a kiosk, whose person takes the final file on their own stick at the end),
/// remembered for [`place_final`]; a download otherwise (named as a request file,
/// `ehcert_pki::rules::request_file_name`), and also when the person closes the picker or the
/// browser refuses it: the key is on the disk before anything is sent, either way.
pub async fn place_pending(bytes: &[u8], file_name: &str) -> Result<(), AppError> {
    if has_save_picker() && !keeping::is_kiosk() {
        if let Some(handle) = pick_place(file_name).await? {
            if write_to(&handle, bytes).await.is_ok() {
                PLACED.with_borrow_mut(|placed| *placed = Some((file_name.to_owned(), handle)));
                return Ok(());
            }
        }
    }
    // Under a name of its own, so that the final keystore downloaded later keeps eHealth's.
    download(bytes, &ehcert_pki::rules::request_file_name(file_name))
}

/// Puts the final keystore over the pending one of the same name where [`place_pending`] placed
/// it in this page (true); downloads it otherwise, or when that file cannot be written (false).
pub async fn place_final(bytes: &[u8], file_name: &str) -> Result<bool, AppError> {
    let placed = PLACED.with_borrow_mut(|placed| match placed.take() {
        Some((name, handle)) if name == file_name => Some(handle),
        other => {
            *placed = other;
            None
        }
    });
    if let Some(handle) = placed {
        if write_to(&handle, bytes).await.is_ok() {
            return Ok(true);
        }
    }
    download(bytes, file_name).map(|()| false)
}

/// The stored form: the keystore in base64 (typed, so no generic JSON values are compiled in).
#[derive(serde::Deserialize, serde::Serialize)]
struct Stored {
    environment: String,
    file_name: String,
    keystore: String,
    #[serde(default)]
    registering: bool,
}

thread_local! {
    /// A kiosk's copy of the request. The downloaded file is the person's copy of the key, but
    /// mid-ETK-registration this copy holds the only ETK key, so an answer lost then can still
    /// be resumed before the session ends.
    static KIOSK_COPY: std::cell::RefCell<Option<KeptRequest>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the pending keystore in this browser (on a kiosk, in the page's memory only). The flows
/// call it through `ehcert_flows::pending::keep`, which guards a nearly finished request.
pub fn store_pending(pending: &KeptRequest) -> Result<(), AppError> {
    if keeping::is_kiosk() {
        KIOSK_COPY.with_borrow_mut(|copy| *copy = Some(pending.clone()));
        return Ok(());
    }
    let value = serde_json::to_string(&Stored {
        environment: pending.environment.name().to_owned(),
        file_name: pending.file_name.clone(),
        keystore: STANDARD.encode(&pending.keystore),
        registering: pending.registering,
    })
    .map_err(|err| AppError::Browser(err.to_string()))?;
    keeping::remember(PENDING_KEY, &value).map_err(AppError::NotKept)
}

/// The pending keystore kept in this browser, if any.
pub fn stored_pending() -> Option<KeptRequest> {
    if keeping::is_kiosk() {
        return KIOSK_COPY.with_borrow(Clone::clone);
    }
    let text = keeping::remembered(PENDING_KEY)?;
    let stored: Stored = serde_json::from_str(&text).ok()?;
    Some(KeptRequest {
        environment: Environment::named(&stored.environment)?,
        file_name: stored.file_name,
        keystore: STANDARD.decode(stored.keystore).ok()?,
        registering: stored.registering,
    })
}

/// Forgets the pending keystore (after the final one was delivered).
pub fn forget_pending() {
    KIOSK_COPY.with_borrow_mut(|copy| *copy = None);
    keeping::forget(PENDING_KEY);
}
