//! "A report for your helpdesk" on the diagnostics screen: the page's part of the report
//! (`ehcert_flows::support`: versions, the browser, eHealth's answers as the screen shows them)
//! and the extension's (`Action::SupportReport`: the card bridge, the
//! readers, the card, what failed), shown read-only so the person sees what they send, and copied.

use ehcert_certra::endpoint::Environment;
use ehcert_flows::support::Report;
use ehcert_shared::{compat::PROTOCOLS, page::Lang};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{
    error::AppError,
    i18n::strings,
    services::{bridge::use_bridge, clock, keeping},
};

/// Whether eHealth answers in each environment, as the screen's own checks found (shared with
/// them: the report asks nothing twice).
pub type ServiceAnswers = Vec<(Environment, LocalResource<Result<usize, AppError>>)>;

/// The report section.
#[component]
pub fn SupportReport(
    lang: RwSignal<Lang>,
    services: StoredValue<ServiceAnswers, LocalStorage>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let bridge = use_bridge();
    // Empty until made.
    let report = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // What the copy button's status says (nothing before a copy).
    let copied = RwSignal::new(String::new());
    let make = move |_| {
        busy.set(true);
        copied.set(String::new());
        let bridge = bridge.get_value();
        spawn_local(async move {
            let lang_now = lang.get_untracked();
            // Why a part is missing, in the words the screen uses for it.
            let extension = bridge.support_report().await.map_err(|err| err.message(lang_now));
            let window = web_sys::window();
            let made = Report {
                made_at: clock::utc_now_text(),
                version: env!("CARGO_PKG_VERSION").into(),
                protocols: PROTOCOLS.to_vec(),
                origin: window
                    .as_ref()
                    .and_then(|window| window.location().origin().ok())
                    .unwrap_or_default(),
                lang: crate::i18n::code(lang_now).into(),
                kiosk: keeping::is_kiosk(),
                browser: window
                    .and_then(|window| window.navigator().user_agent().ok())
                    .unwrap_or_default(),
                extension,
                services: services.with_value(|answers| {
                    answers
                        .iter()
                        .map(|(environment, answer)| {
                            let answer = answer
                                .get_untracked()
                                .map(|answer| answer.map_err(|err| err.message(lang_now)));
                            (environment.name().to_owned(), answer)
                        })
                        .collect()
                }),
                shown_errors: crate::error::shown_errors(),
            };
            report.set(made.text());
            busy.set(false);
        });
    };
    let copy = move |_| {
        let text = report.get_untracked();
        spawn_local(async move {
            let t = strings(lang.get_untracked());
            let said =
                if write_clipboard(&text).await { t.support_copied } else { t.support_copy_failed };
            copied.set(said.to_owned());
        });
    };
    view! {
        <section aria-labelledby="support-title">
            <h2 id="support-title">{move || t().support_title}</h2>
            <p>{move || t().support_intro}</p>
            <button type="button" on:click=make disabled=move || busy.get()>{move || t().support_make}</button>
            // Shown as it will be sent; empty (and so not shown, app.css) until made.
            <pre class="support-report" data-testid="support-report">{move || report.get()}</pre>
            <button type="button" on:click=copy disabled=move || report.with(String::is_empty)>{move || t().support_copy}</button>
            <p role="status" data-testid="support-copied">{move || copied.get()}</p>
        </section>
    }
}

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`, W3C Clipboard API §8.2.4);
/// false where the browser refuses or has no clipboard (the person then selects the text).
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Ok(clipboard) = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
    else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")) else {
        return false;
    };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else { return false };
    let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(text)) else { return false };
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}
