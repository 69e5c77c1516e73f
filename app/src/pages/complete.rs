//! "Complete a request" (F3), and the end of every new-certificate flow: wait for eHealth to
//! issue the certificate, install it, register the ETK, hand over the final keystore.

use ehcert_flows::pending::finish_request;
use ehcert_pki::p12::{Keystore, Password};
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    components::{stage_text, EnvironmentSelect, ErrorAlert, Finished, Shell},
    error::AppError,
    i18n::{strings, use_lang},
    pages::activate_etk::ActivateEtkOffer,
    services::{
        bridge::use_bridge,
        files::{chosen_file, stored_pending},
        flow::WebServices,
        offer,
    },
};

/// The "Complete a request" screen: the pending keystore from this browser or from a file.
#[component]
pub fn CompleteRequest() -> impl IntoView {
    let bridge = use_bridge();
    let lang = use_lang();
    let t = move || strings(lang.get());
    let stored = stored_pending();
    let stored_name = stored.as_ref().map(|pending| pending.file_name.clone());
    let file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let password = RwSignal::new(String::new());
    let status = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let finished = StoredValue::new_local(None::<Keystore>);
    let final_file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let to_be_activated = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let environment = RwSignal::new(
        stored
            .as_ref()
            .map_or_else(offer::default_name, |pending| pending.environment.name().to_owned()),
    );

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
            // A downloaded request file is named apart from its keystore: the final keystore
            // gets eHealth's name back, and matches the browser's copy of the same request.
            (Some((name, bytes)), _) => (ehcert_pki::rules::final_file_name(&name), bytes),
            (None, Some(pending)) => (pending.file_name, pending.keystore),
            (None, None) => {
                outcome.set(Some(Err(AppError::NoKeystoreChosen)));
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
                finish_request(&services, &bytes, &secret, &name, None, progress, &mut OsRng).await;
            status.set(None);
            let result = result.map(|done| {
                to_be_activated.set(done.to_be_activated);
                finished.set_value(Some(done.keystore));
                final_file.set_value(Some(done.file));
                name
            });
            outcome.set(Some(result));
            busy.set(false);
        });
    };

    view! {
        <Shell lang environment>
            <h1>{move || t().complete_title}</h1>
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
                    <Finished name file=final_file keystore=finished lang testid="outcome" />
                }.into_any(),
                Err(error) => view! { <ErrorAlert error lang testid="outcome" /> }.into_any(),
            })}
            {move || to_be_activated.get().then(|| view! {
                <ActivateEtkOffer keystore=finished environment lang />
            })}
        </Shell>
    }
}
