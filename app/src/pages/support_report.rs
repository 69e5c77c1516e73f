//! "A report for your helpdesk" on the diagnostics screen: gathers what `ehcert_flows::support`
//! writes (versions, browser, readers, the card's applet and key type, eHealth's answer per
//! environment, the errors this tab showed, the operations the extension kept as failed with the
//! card bridge's own lines), shows it read-only so the person sees what they send, and copies it.

use ehcert_certra::{endpoint::Environment, request, response};
use ehcert_flows::support::{CardFacts, Report, ShownError, Versions};
use ehcert_shared::{compat::PROTOCOLS, page::Lang};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{
    error::AppError,
    i18n::strings,
    services::{
        bridge::{use_bridge, BridgeClient},
        certra, clock, keeping, offer,
    },
};

/// Whether eHealth's certificate service answers in `environment`: the organisation types it
/// lists for an unsigned GetGenericOrganizationTypes.
pub async fn organisation_types(environment: Environment) -> Result<usize, AppError> {
    let request = request::get_generic_organization_types(&certra::new_meta());
    let answer = certra::call(environment, request.operation, &request.to_soap()).await?;
    Ok(response::organization_types(&answer).map_err(AppError::from)?.len())
}

/// The report section.
#[component]
pub fn SupportReport(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let bridge = use_bridge();
    let report = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let copied = RwSignal::new(None::<bool>);
    let make = move |_| {
        busy.set(true);
        copied.set(None);
        let bridge = bridge.get_value();
        spawn_local(async move {
            let made = gather(&bridge, lang.get_untracked()).await.text();
            report.set(Some(made));
            busy.set(false);
        });
    };
    let copy = move |_| {
        let Some(text) = report.get_untracked() else { return };
        spawn_local(async move { copied.set(Some(write_clipboard(&text).await)) });
    };
    view! {
        <section aria-labelledby="support-title">
            <h2 id="support-title">{move || t().support_title}</h2>
            <p>{move || t().support_intro}</p>
            <button type="button" on:click=make disabled=move || busy.get()>{move || t().support_make}</button>
            {move || busy.get().then(|| view! { <p role="status">{t().support_making}</p> })}
            {move || report.get().map(|text| view! {
                <label for="support-report">{t().support_label}</label>
                <textarea id="support-report" class="support-report" data-testid="support-report" readonly rows="16" prop:value=text></textarea>
                <button type="button" on:click=copy>{t().support_copy}</button>
                <p role="status" data-testid="support-copied">
                    {move || match copied.get() {
                        None => "",
                        Some(true) => t().support_copied,
                        Some(false) => t().support_copy_failed,
                    }}
                </p>
            })}
        </section>
    }
}

/// Everything the report says, asked for now. Each part that cannot be learnt says why by its
/// code; nothing here stops the rest.
async fn gather(bridge: &BridgeClient, lang: Lang) -> Report {
    let window = web_sys::window();
    let status = bridge.status().await;
    let extension = match (&status, bridge.extension_version()) {
        (_, Some(version)) => {
            Ok(Versions { version, protocols: bridge.extension_protocols().unwrap_or_default() })
        }
        (Err(err), None) => Err(err.code()),
        (Ok(status), None) => {
            Ok(Versions { version: status.extension_version.clone(), protocols: vec![] })
        }
    };
    let bridge_part = status
        .map(|status| Versions {
            protocols: status.bridge.served(),
            version: status.bridge.bridge_version,
        })
        .map_err(|err| err.code());
    let readers = match &bridge_part {
        Ok(_) => bridge.list_readers().await.map_err(|err| err.code()),
        Err(why) => Err(why.clone()),
    };
    let with_card =
        readers.as_ref().ok().and_then(|readers| readers.iter().find(|reader| reader.card_present));
    let card = match with_card {
        Some(reader) => Some(
            bridge
                .read_card(Some(reader.name.clone()))
                .await
                .map(|card| CardFacts::of(&card))
                .map_err(|err| err.code()),
        ),
        None => None,
    };
    let mut services = Vec::new();
    for environment in offer::environments() {
        let answer = organisation_types(environment).await.map_err(|err| err.code());
        services.push((environment.name().to_owned(), answer));
    }
    let failed_operations = match &extension {
        Ok(_) => bridge.support_events().await.map_err(|err| err.code()),
        Err(why) => Err(why.clone()),
    };
    Report {
        made_at: clock::utc_now_text(),
        page: Versions { version: env!("CARGO_PKG_VERSION").into(), protocols: PROTOCOLS.to_vec() },
        origin: window
            .as_ref()
            .and_then(|window| window.location().origin().ok())
            .unwrap_or_default(),
        lang: crate::i18n::code(lang).into(),
        kiosk: keeping::is_kiosk(),
        browser: window.and_then(|window| window.navigator().user_agent().ok()).unwrap_or_default(),
        extension,
        bridge: bridge_part,
        readers,
        card,
        services,
        shown_errors: keeping::shown_errors()
            .into_iter()
            .map(|(at, code)| ShownError { at, code })
            .collect(),
        failed_operations,
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
