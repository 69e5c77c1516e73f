//! "Complete a request" (F3), and the end of every new-certificate flow: wait for eHealth to
//! issue the certificate, install it, register the ETK, hand over the final keystore.

use ehcert_flows::pending::{finish_request, Stage};
use ehcert_pki::p12::{Keystore, Password};
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    i18n::{strings, use_lang, Lang, LanguagePicker, Strings},
    services::{
        bridge::BridgeClient,
        files::{chosen_file, has_save_picker, save_with_picker, stored_pending},
        flow::WebServices,
        kiosk::KioskGuard,
    },
};

pub use crate::pages::activate_etk::ActivateEtkOffer;

/// The progress line of a stage of `ehcert_flows::pending::finish_request`.
pub fn stage_text(stage: Stage, t: &Strings) -> &'static str {
    match stage {
        Stage::Waiting => t.waiting,
        Stage::RegisteringEtk => t.registering_etk,
    }
}

/// The "Complete a request" screen: the pending keystore from this browser or from a file.
#[component]
pub fn CompleteRequest() -> impl IntoView {
    let bridge = StoredValue::new_local(BridgeClient::new());
    let lang = use_lang();
    let t = move || strings(lang.get());
    let stored = stored_pending();
    let stored_name = stored.as_ref().map(|pending| pending.file_name.clone());
    let file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let password = RwSignal::new(String::new());
    let status = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let finished = StoredValue::new_local(None::<Keystore>);
    let final_file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let to_be_activated = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let environment =
        RwSignal::new(stored.as_ref().map_or_else(
            || "acceptance".to_owned(),
            |pending| pending.environment.name().to_owned(),
        ));

    let on_file = move |event: leptos::ev::Event| {
        spawn_local(async move {
            if let Some(chosen) = chosen_file(&event).await {
                file.set_value(Some(chosen));
            }
        });
    };
    let start = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (name, bytes) = match (file.get_value(), stored_pending()) {
            (Some(chosen), _) => chosen,
            (None, Some(pending)) => (pending.file_name, pending.keystore),
            (None, None) => {
                outcome.set(Some(Err(strings(lang.get_untracked()).choose_file_first.into())));
                return;
            }
        };
        let Some(services) = WebServices::named(
            &environment.get_untracked(),
            bridge.get_value(),
            lang.get_untracked(),
        ) else {
            return;
        };
        let secret = Password::new(password.get_untracked());
        password.set(String::new());
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let progress = |stage| {
                status.set(Some(stage_text(stage, strings(lang.get_untracked())).to_owned()))
            };
            let result =
                finish_request(&services, &bytes, &secret, &name, progress, &mut OsRng).await;
            status.set(None);
            let result = result.map(|done| {
                to_be_activated.set(done.to_be_activated);
                finished.set_value(Some(done.keystore));
                final_file.set_value(Some(done.file));
                name
            });
            outcome.set(Some(result.map_err(|err| err.message(lang.get_untracked()))));
            busy.set(false);
        });
    };

    view! {
        <main>
            <LanguagePicker lang />
            <KioskGuard lang />
            <h1>{move || t().complete_title}</h1>
            <p><a href="#">{move || t().home}</a></p>
            <form on:submit=start>
                {stored_name.map(|name| view! {
                    <p data-testid="stored-pending">{move || t().stored_pending} " " <strong>{name}</strong></p>
                })}
                <label for="pending-file">{move || t().pending_file}</label>
                <input id="pending-file" type="file" accept=".p12,.acc-p12" on:change=on_file />
                <EnvironmentSelect environment lang />
                <label for="complete-password">{move || t().keystore_password}</label>
                <input id="complete-password" type="password" autocomplete="current-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || busy.get()>{move || t().complete_button}</button>
            </form>
            {move || status.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || outcome.get().map(|result| match result {
                Ok(name) => view! {
                    <p role="status" data-testid="outcome" data-state="ok">
                        {move || t().done} " " <strong>{name}</strong>
                    </p>
                    <SaveCopy file=final_file lang />
                }.into_any(),
                Err(text) => view! { <p role="alert" data-testid="outcome" data-state="bad">{text}</p> }.into_any(),
            })}
            {move || to_be_activated.get().then(|| view! {
                <ActivateEtkOffer keystore=finished environment lang />
            })}
        </main>
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
        if let Err(err) =
            crate::services::files::download_as(xml.as_bytes(), &name, "application/xml")
        {
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

/// The eHealth environment picker (F11), shared by the flows.
#[component]
pub fn EnvironmentSelect(environment: RwSignal<String>, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    view! {
        <label for="environment">{move || t().environment}</label>
        <select id="environment" on:change=move |ev| environment.set(event_target_value(&ev))
            prop:value=move || environment.get()>
            <option value="production">{move || t().env_production}</option>
            <option value="acceptance">{move || t().env_acceptance}</option>
            <option value="local">{move || t().env_local}</option>
        </select>
    }
}
