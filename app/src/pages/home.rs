//! Home: what is connected between this page and the card.

use ehcert_shared::page::Status;
use leptos::prelude::*;

use crate::{
    error::AppError,
    i18n::{strings, use_lang, Lang, LanguagePicker},
    services::{bridge::BridgeClient, kiosk::KioskGuard},
};

/// The app's root component.
#[component]
pub fn App() -> impl IntoView {
    let bridge = BridgeClient::new();
    // The client holds JS handles (not Send): pages reach it through local storage in context.
    provide_context(StoredValue::new_local(bridge.clone()));
    let lang = use_lang();
    let t = move || strings(lang.get());
    view! {
        <main>
            <LanguagePicker lang />
            <KioskGuard lang />
            <h1>{move || t().app_title}</h1>
            <Components bridge lang />
            <nav aria-labelledby="tasks-title">
                <h2 id="tasks-title">{move || t().tasks}</h2>
                <ul>
                    <li><a href="#new" data-task="new">{move || t().task_new}</a></li>
                    <li><a href="#new-organisation" data-task="new-organisation">{move || t().task_new_organisation}</a></li>
                    <li><a href="#complete" data-task="complete">{move || t().task_complete}</a></li>
                    <li><a href="#renew" data-task="renew">{move || t().task_renew}</a></li>
                    <li><a href="#activate-etk" data-task="activate-etk">{move || t().task_activate_etk}</a></li>
                    <li><a href="#certificates" data-task="certificates">{move || t().task_certificates}</a></li>
                    <li><a href="#keystore" data-task="keystore">{move || t().task_keystore}</a></li>
                    <li><a href="#foreigner" data-task="foreigner">{move || t().task_foreigner}</a></li>
                    <li><a href="#diagnostics" data-task="diagnostics">{move || t().task_check}</a></li>
                </ul>
            </nav>
        </main>
    }
}

/// The chain page → extension → card bridge, each with its state in words.
#[component]
fn Components(bridge: BridgeClient, lang: RwSignal<Lang>) -> impl IntoView {
    let status = LocalResource::new(move || {
        let bridge = bridge.clone();
        async move { bridge.status().await }
    });
    let t = move || strings(lang.get());
    view! {
        <section aria-labelledby="components-title">
            <h2 id="components-title">{move || t().connection}</h2>
            <Suspense fallback=move || view! { <p role="status">{t().looking_for_extension}</p> }>
                {move || status.get().map(|result| view! { <StatusList result lang /> })}
            </Suspense>
        </section>
    }
}

/// A component's state: its version, present without a version, not checked, or missing (why).
enum Health {
    Version(String),
    Present,
    NotChecked,
    Missing(String),
}

#[component]
fn StatusList(result: Result<Status, AppError>, lang: RwSignal<Lang>) -> impl IntoView {
    let (extension, bridge) = match &result {
        Ok(status) => (
            Health::Version(status.extension_version.clone()),
            Health::Version(status.bridge.bridge_version.clone()),
        ),
        Err(AppError::ExtensionMissing) => (
            Health::Missing(AppError::ExtensionMissing.message(lang.get_untracked())),
            Health::NotChecked,
        ),
        Err(err) => (Health::Present, Health::Missing(err.message(lang.get_untracked()))),
    };
    let t = move || strings(lang.get());
    view! {
        <dl class="components" data-testid="components">
            <dt>{move || t().browser_extension}</dt>
            <dd><HealthLine label="extension" health=extension lang /></dd>
            <dt>{move || t().card_bridge}</dt>
            <dd><HealthLine label="bridge" health=bridge lang /></dd>
        </dl>
    }
}

#[component]
fn HealthLine(label: &'static str, health: Health, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    match health {
        Health::Version(version) => view! {
            <span class="state-ok" data-state="ok" data-component=label>{move || t().connected_version} " " {version}</span>
        }
        .into_any(),
        Health::Present => view! {
            <span class="state-ok" data-state="ok" data-component=label>{move || t().installed}</span>
        }
        .into_any(),
        Health::NotChecked => view! {
            <span class="hint" data-state="unknown" data-component=label>{move || t().not_checked}</span>
        }
        .into_any(),
        Health::Missing(text) => view! {
            <span class="state-bad" data-state="bad" data-component=label>{move || t().not_available} " " {text}</span>
        }
        .into_any(),
    }
}
