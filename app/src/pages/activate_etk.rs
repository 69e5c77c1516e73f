//! F7, activating a renewed ETK (app/PRODUCT.md §2, app/certra/PROTOCOL.md §4.4 step 6): after a renewal
//! the new ETK waits while the old one is valid; ActivateETK, signed with the new keystore's key,
//! makes senders encrypt for it. Offered at the end of a renewal ("once your software uses the
//! new keystore") and on its own screen for later.

use ehcert_flows::renewal::{activate_etk, open, Activation};
use ehcert_pki::p12::{Keystore, Password};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::{EnvironmentSelect, ErrorAlert, Shell},
    error::AppError,
    i18n::{strings, use_lang, Lang},
    services::{
        bridge::{use_bridge, BridgeClient},
        files::chosen_file,
        flow::WebServices,
        offer,
    },
};

/// Activates the ETK of `keystore` (in `environment`); the outcome in words.
async fn activate(
    bridge: BridgeClient,
    environment: &str,
    keystore: &Keystore,
    lang: Lang,
) -> Result<Activation, AppError> {
    let services = WebServices::named(environment, bridge, lang)
        .ok_or_else(|| AppError::Browser(format!("unknown environment {environment}")))?;
    activate_etk(&services, keystore).await
}

/// "Your new ETK waits": the explanation and the button, under a finished renewal.
#[component]
pub fn ActivateEtkOffer(
    keystore: StoredValue<Option<Keystore>, LocalStorage>,
    environment: RwSignal<String>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let bridge = use_bridge();
    let outcome = RwSignal::new(None::<Result<Activation, AppError>>);
    let busy = RwSignal::new(false);
    let go = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = match keystore.get_value() {
                Some(keystore) => {
                    activate(
                        bridge.get_value(),
                        &environment.get_untracked(),
                        &keystore,
                        lang.get_untracked(),
                    )
                    .await
                }
                None => Err(AppError::NoKeystoreChosen),
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="activate-title" data-testid="activate-offer">
            <h3 id="activate-title">{move || t().activate_title}</h3>
            <p>{move || t().etk_waiting}</p>
            <button type="button" disabled=move || busy.get() || matches!(outcome.get(), Some(Ok(_)))
                on:click=go>{move || t().activate_now}</button>
            <p class="hint">{move || t().activate_later}</p>
            <Outcome outcome lang />
        </section>
    }
}

#[component]
fn Outcome(
    outcome: RwSignal<Option<Result<Activation, AppError>>>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    move || {
        outcome.get().map(|result| match result {
            Ok(Activation::Activated) => view! {
                <p role="status" data-testid="activated" data-state="ok">{t().etk_activated}</p>
            }
            .into_any(),
            Ok(Activation::AlreadyActive) => view! {
                <p role="status" data-testid="activated" data-state="already">{t().etk_already_active}</p>
            }
            .into_any(),
            Err(error) => view! { <ErrorAlert error lang testid="activated" /> }.into_any(),
        })
    }
}

/// The "Activate a renewed ETK" screen: the new keystore and its password.
#[component]
pub fn ActivateEtk() -> impl IntoView {
    let lang = use_lang();
    let bridge = use_bridge();
    let t = move || strings(lang.get());
    let file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let password = RwSignal::new(String::new());
    let environment = RwSignal::new(offer::default_name());
    let outcome = RwSignal::new(None::<Result<Activation, AppError>>);
    let busy = RwSignal::new(false);
    let on_file = move |event: leptos::ev::Event| {
        spawn_local(async move {
            if let Some(chosen) = chosen_file(&event).await {
                file.set_value(Some(chosen));
            }
        });
    };
    let start = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some((_, bytes)) = file.get_value() else {
            outcome.set(Some(Err(AppError::NoKeystoreChosen)));
            return;
        };
        let secret = Password::new(password.get_untracked());
        password.set(String::new());
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = async {
                let current = open(&bytes, &secret)?;
                activate(
                    bridge.get_value(),
                    &environment.get_untracked(),
                    &current.keystore,
                    lang.get_untracked(),
                )
                .await
            }
            .await;
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <Shell lang environment>
            <h1>{move || t().activate_title}</h1>
            <p>{move || t().activate_intro}</p>
            <form on:submit=start>
                <label for="activate-file">{move || t().keystore_file}</label>
                <input id="activate-file" type="file" accept=".p12,.acc-p12" on:change=on_file />
                <EnvironmentSelect environment lang />
                <label for="activate-password">{move || t().keystore_password}</label>
                <input id="activate-password" type="password" autocomplete="current-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || busy.get()>{move || t().activate_now}</button>
            </form>
            <Outcome outcome lang />
        </Shell>
    }
}
