//! Widgets shared by the screens: the environment picker, the password rules, saving a copy of a
//! keystore or of a signed request, and the words for a request's stage. No screen imports
//! another screen for these.

use ehcert_certra::endpoint::Environment;
use ehcert_flows::pending::Stage;
use ehcert_pki::rules::PasswordCheck;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    i18n::{strings, Lang, Strings},
    services::{
        files::{download_as, has_save_picker, save_with_picker},
        offer,
    },
};

/// The progress line of a stage of `ehcert_flows::pending::finish_request`.
pub fn stage_text(stage: Stage, t: &Strings) -> &'static str {
    match stage {
        Stage::Waiting => t.waiting,
        Stage::RegisteringEtk => t.registering_etk,
    }
}

/// "Save a copy in a folder of your choice": the File System Access picker, where the browser
/// has one (F12); the plain download has already happened.
#[component]
pub fn SaveCopy(
    file: StoredValue<Option<(String, Vec<u8>)>, LocalStorage>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let saved = RwSignal::new(None::<Result<(), String>>);
    let save = move |_| {
        let Some((name, bytes)) = file.get_value() else { return };
        spawn_local(async move {
            match save_with_picker(&bytes, &name).await {
                Ok(true) => saved.set(Some(Ok(()))),
                Ok(false) => {}
                Err(err) => saved.set(Some(Err(err.message(lang.get_untracked())))),
            }
        });
    };
    has_save_picker().then(|| {
        view! {
            <p>
                <button type="button" on:click=save>{move || t().save_copy}</button>
                {move || saved.get().map(|result| match result {
                    Ok(()) => view! { <span role="status" data-testid="saved-copy"> " " {t().saved_copy}</span> }.into_any(),
                    Err(text) => view! { <span role="alert"> " " {text}</span> }.into_any(),
                })}
            </p>
        }
    })
}

/// "Download the request you signed": the signed SOAP envelope exactly as it was sent to
/// eHealth (the payload, the signature and the card's certificates), the person's own evidence
/// of what their card signed. Shown after a signature by the eID signature key.
#[component]
pub fn SignedRequestCopy(
    envelope: StoredValue<Option<(String, String)>, LocalStorage>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let failed = RwSignal::new(None::<String>);
    let save = move |_| {
        let Some((name, xml)) = envelope.get_value() else { return };
        if let Err(err) = download_as(xml.as_bytes(), &name, "application/xml") {
            failed.set(Some(err.message(lang.get_untracked())));
        }
    };
    envelope.get_value().map(|_| {
        view! {
            <p>
                <button type="button" on:click=save>{move || t().download_signed_request}</button>
                " " {move || t().signed_request_note}
                {move || failed.get().map(|text| view! { <span role="alert"> " " {text}</span> })}
            </p>
        }
    })
}

/// The file name of a signed request kept as evidence: the operation and the request's `Id`,
/// which eHealth's answer and logs refer to.
pub fn signed_request_file_name(operation: &str, envelope: &str) -> String {
    let id = envelope
        .split_once(" Id=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(id, _)| id);
    format!("signed-{operation}{id}.xml")
}

/// The `autocomplete` token of a field holding the person's data: what it is on a personal
/// computer, `off` on a kiosk, where the browser must not offer it to the next person (the kiosk
/// policy also turns autofill off).
pub fn autocomplete(token: &'static str) -> &'static str {
    if crate::services::keeping::is_kiosk() {
        "off"
    } else {
        token
    }
}

/// An environment's name in the page's language.
pub fn environment_name(t: &Strings, environment: Environment) -> &'static str {
    match environment {
        Environment::Production => t.env_production,
        Environment::Acceptance => t.env_acceptance,
        Environment::Local => t.env_local,
    }
}

/// The eHealth environment picker (F11), shared by the flows: the environments the server
/// offers, in its order.
#[component]
pub fn EnvironmentSelect(environment: RwSignal<String>, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    view! {
        <label for="environment">{move || t().environment}</label>
        <select id="environment" on:change=move |ev| environment.set(event_target_value(&ev))
            prop:value=move || environment.get()>
            {offer::environments()
                .into_iter()
                .map(|offered| view! { <option value=offered.name()>{move || environment_name(t(), offered)}</option> })
                .collect_view()}
        </select>
    }
}

/// The keystore password with its rules checked live (F9).
#[component]
pub fn PasswordRules(
    lang: RwSignal<Lang>,
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
) -> impl IntoView {
    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());
    view! {
        <ul id="password-rules" aria-live="polite">
            <Rule lang met=Signal::derive(move || checks().long_enough) text=|t| t.rule_length />
            <Rule lang met=Signal::derive(move || checks().has_digit_or_symbol) text=|t| t.rule_digit />
            <Rule lang met=Signal::derive(move || checks().only_accepted_characters) text=|t| t.rule_characters />
            <Rule lang met=Signal::derive(move || checks().confirmed) text=|t| t.rule_same />
        </ul>
    }
}

/// One password rule, met or not, in words (not colour alone, app/PRODUCT.md F9).
#[component]
fn Rule(
    lang: RwSignal<Lang>,
    met: Signal<bool>,
    text: fn(&Strings) -> &'static str,
) -> impl IntoView {
    view! {
        <li data-met=move || met.get().to_string()>
            {move || {
                let t = strings(lang.get());
                format!("{} {}", if met.get() { t.rule_met } else { t.rule_not_met }, text(t))
            }}
        </li>
    }
}
