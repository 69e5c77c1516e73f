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

/// Where the errors this tab showed are kept for the support report: the tab's session storage,
/// which the browser forgets with the tab.
const SHOWN_ERRORS_KEY: &str = "ehcert-shown-errors";
/// How many shown errors are kept, the latest.
const SHOWN_ERRORS_KEPT: usize = 10;

/// Notes that this tab showed the error of `code` (`AppError::code`) at `at`, for the support
/// report: codes only, which name no one, one `at code` line each. A kiosk keeps nothing, not
/// even these.
pub fn note_shown_error(at: &str, code: &str) {
    if is_kiosk() {
        return;
    }
    let Some(storage) =
        web_sys::window().and_then(|window| window.session_storage().ok().flatten())
    else {
        return;
    };
    let kept = storage.get_item(SHOWN_ERRORS_KEY).ok().flatten().unwrap_or_default();
    let mut lines: Vec<&str> = kept.lines().collect();
    let line = format!("{at} {code}");
    lines.push(&line);
    let start = lines.len().saturating_sub(SHOWN_ERRORS_KEPT);
    let _ = storage.set_item(SHOWN_ERRORS_KEY, &lines[start..].join("\n"));
}

/// The errors this tab showed, `(at, code)`, latest last.
pub fn shown_errors() -> Vec<(String, String)> {
    web_sys::window()
        .and_then(|window| window.session_storage().ok().flatten())
        .and_then(|storage| storage.get_item(SHOWN_ERRORS_KEY).ok().flatten())
        .map(|kept| {
            kept.lines()
                .filter_map(|line| line.split_once(' '))
                .map(|(at, code)| (at.to_owned(), code.to_owned()))
                .collect()
        })
        .unwrap_or_default()
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
