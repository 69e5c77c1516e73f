//! Time from the browser: the Unix clock, the person's local date-time for file names, pauses.

use ehcert_pki::{cert::UnixTime, rules::LocalDateTime};
use js_sys::{Date, Promise};
use wasm_bindgen_futures::JsFuture;

/// Seconds since 1970 by the browser's clock.
pub fn now() -> UnixTime {
    // Whole seconds since 1970 fit in u64 for any date a browser reports.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    UnixTime((Date::now() / 1000.0).max(0.0) as u64)
}

/// Now, in UTC as RFC 3339 to the second (`2026-12-07T14:03:11Z`), for support reports.
pub fn utc_now_text() -> String {
    let text = String::from(Date::new_0().to_iso_string());
    // `toISOString` is `YYYY-MM-DDTHH:mm:ss.sssZ` (ECMA-262 §21.4.1.32).
    text.get(..19).map_or(text.clone(), |seconds| format!("{seconds}Z"))
}

/// The local date and time, as the Java tool puts it in keystore file names.
pub fn local_date_time() -> LocalDateTime {
    let date = Date::new_0();
    // The getters return small whole numbers (month 0–11, hours 0–23 …).
    #[allow(clippy::cast_possible_truncation)]
    LocalDateTime {
        year: date.get_full_year() as u16,
        month: date.get_month() as u8 + 1,
        day: date.get_date() as u8,
        hour: date.get_hours() as u8,
        minute: date.get_minutes() as u8,
        second: date.get_seconds() as u8,
    }
}

/// The day of the Unix time `unix` in the person's time zone (the browser's), as a person
/// reads a certificate's end: a certificate ending at 23:30 UTC ends the next day in Brussels.
pub fn local_date(unix: i64) -> ehcert_flows::calendar::CivilDate {
    // Milliseconds since 1970 are exact in an f64 for any date a certificate holds.
    #[allow(clippy::cast_precision_loss)]
    let date = Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    // The getters return small whole numbers (month 0–11, day 1–31).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    ehcert_flows::calendar::CivilDate {
        year: date.get_full_year() as u16,
        month: date.get_month() as u8 + 1,
        day: date.get_date() as u8,
    }
}

/// A promise that resolves after `ms` milliseconds (for `Promise.race` against an answer).
pub fn timer(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}

/// Waits `duration` without blocking the page.
pub async fn pause(duration: std::time::Duration) {
    let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    let _ = JsFuture::from(timer(ms)).await;
}
