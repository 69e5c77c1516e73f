//! What this page keeps in the browser, in one place: the language chosen and the pending request
//! (`services/files.rs`) go through here, and so does the kiosk's wipe. A kiosk (app/PRODUCT.md
//! F17) keeps nothing: the deployment marks the page with `<meta name="ehcert-kiosk-idle-seconds">`
//! (`ehcert-serve --kiosk`), and then [`remember`] keeps nothing.

/// The idle time after which a kiosk session ends, or `None` on a personal computer.
pub fn kiosk_idle_seconds() -> Option<u32> {
    let document = web_sys::window()?.document()?;
    let meta = document.query_selector("meta[name='ehcert-kiosk-idle-seconds']").ok()??;
    meta.get_attribute("content")?.parse().ok()
}

/// Whether this page runs on a kiosk.
pub fn is_kiosk() -> bool {
    kiosk_idle_seconds().is_some()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// Why a value could not be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotKept {
    /// The browser offers no local storage (blocked by the person or a policy).
    NoStorage,
    /// The storage refused the value (full, or blocked).
    Refused,
}

/// Keeps `value` under `key` in this browser; on a kiosk, keeps nothing.
pub fn remember(key: &str, value: &str) -> Result<(), NotKept> {
    if is_kiosk() {
        return Ok(());
    }
    storage().ok_or(NotKept::NoStorage)?.set_item(key, value).map_err(|_| NotKept::Refused)
}

/// What this browser keeps under `key` (nothing on a kiosk).
pub fn remembered(key: &str) -> Option<String> {
    if is_kiosk() {
        return None;
    }
    storage()?.get_item(key).ok()?
}

/// Forgets what is kept under `key`.
pub fn forget(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Wipes everything this origin kept in the browser's storage.
pub fn wipe() {
    let Some(window) = web_sys::window() else { return };
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.clear();
    }
    if let Ok(Some(storage)) = window.session_storage() {
        let _ = storage.clear();
    }
}
