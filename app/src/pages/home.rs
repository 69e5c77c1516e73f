//! Home: what is connected between this page and the card.

use ehcert_shared::page::Status;
use leptos::prelude::*;

use crate::{error::AppError, services::bridge::BridgeClient};

/// The app's root component.
#[component]
pub fn App() -> impl IntoView {
    let bridge = BridgeClient::new();
    // The client holds JS handles (not Send): pages reach it through local storage in context.
    provide_context(StoredValue::new_local(bridge.clone()));
    view! {
        <main>
            <h1>"eHealth certificate"</h1>
            <Components bridge />
            <nav aria-labelledby="tasks-title">
                <h2 id="tasks-title">"What do you want to do?"</h2>
                <ul>
                    <li><a href="#new" data-task="new">"New personal certificate"</a></li>
                    <li><a href="#complete" data-task="complete">"Complete a request"</a></li>
                    <li><a href="#diagnostics" data-task="diagnostics">"Check this browser and your eID card"</a></li>
                </ul>
            </nav>
        </main>
    }
}

/// The chain page → extension → card bridge, each with its state in words.
#[component]
fn Components(bridge: BridgeClient) -> impl IntoView {
    let status = LocalResource::new(move || {
        let bridge = bridge.clone();
        async move { bridge.status().await }
    });
    view! {
        <section aria-labelledby="components-title">
            <h2 id="components-title">"Connection"</h2>
            <Suspense fallback=|| view! { <p role="status">"Looking for the ehcert extension…"</p> }>
                {move || status.get().map(|result| view! { <StatusList result /> })}
            </Suspense>
        </section>
    }
}

#[component]
fn StatusList(result: Result<Status, AppError>) -> impl IntoView {
    let (extension, bridge) = match &result {
        Ok(status) => (
            Ok(format!("version {}", status.extension_version)),
            Ok(format!("version {}", status.bridge.bridge_version)),
        ),
        Err(AppError::ExtensionMissing) => {
            (Err(AppError::ExtensionMissing.user_message()), Err(String::new()))
        }
        Err(err) => (Ok("installed".to_owned()), Err(err.user_message())),
    };
    view! {
        <dl class="components" data-testid="components">
            <dt>"Browser extension"</dt>
            <dd><Health label="extension" value=extension /></dd>
            <dt>"Card bridge"</dt>
            <dd><Health label="bridge" value=bridge /></dd>
        </dl>
    }
}

#[component]
fn Health(label: &'static str, value: Result<String, String>) -> impl IntoView {
    match value {
        Ok(text) => view! {
            <span class="state-ok" data-state="ok" data-component=label>"Connected, " {text}</span>
        }
        .into_any(),
        Err(text) if text.is_empty() => view! {
            <span class="hint" data-state="unknown" data-component=label>"Not checked (needs the extension)"</span>
        }
        .into_any(),
        Err(text) => view! {
            <span class="state-bad" data-state="bad" data-component=label>"Not available: " {text}</span>
        }
        .into_any(),
    }
}
