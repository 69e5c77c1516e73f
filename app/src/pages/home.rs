//! Home: what ehcert does, the two tasks most people come for first (a new certificate, a
//! renewal), what a person needs (the extension and the card bridge checked live), the other
//! tasks grouped, who runs the site and whom to contact (the operator's `operator` and
//! `support` settings), and the privacy page in the person's language (`app/privacy/`, static
//! pages the extension's store listings link to).

use std::time::Duration;

use ehcert_shared::{compat::Release, page::Status};
use leptos::prelude::*;

use crate::{
    components::Shell,
    error::AppError,
    i18n::{code, strings, use_lang, Lang, Strings},
    services::{
        bridge::{use_bridge, BridgeClient},
        clock, install, offer,
    },
};

/// The home page: what ehcert does, what is needed (checked live), and the tasks.
#[component]
pub fn App() -> impl IntoView {
    // The client holds JS handles (not Send): the view reaches it through local storage.
    let bridge = use_bridge();
    let lang = use_lang();
    let t = move || strings(lang.get());
    view! {
        <Shell lang start=true>
            <h1>{move || t().app_title}</h1>
            <p class="lead">{move || t().home_intro}</p>
            <nav aria-labelledby="tasks-title">
                <h2 id="tasks-title">{move || t().tasks}</h2>
                <TaskList tasks=&TASKS[..2] class="tasks tasks-main" t />
            </nav>
            <section aria-labelledby="needs-title">
                <h2 id="needs-title">{move || t().needs_title}</h2>
                <ul class="needs">
                    <li>
                        {move || t().need_card} " "
                        <a href="#diagnostics">{move || t().need_card_check}</a>
                    </li>
                    <li>
                        {move || t().need_software}
                        <Components bridge=bridge.get_value() lang />
                    </li>
                </ul>
            </section>
            <nav aria-labelledby="other-tasks-title">
                <h2 id="other-tasks-title">{move || t().other_tasks}</h2>
                <TaskList tasks=&TASKS[2..] class="tasks" t />
            </nav>
            <OperatorLine lang />
            <p class="privacy-link">
                <a href=move || format!("/privacy/{}.html", code(lang.get())) data-testid="privacy">
                    {move || t().privacy}
                </a>
            </p>
        </Shell>
    }
}

/// Tasks as links, each with its one line.
#[component]
fn TaskList(
    tasks: &'static [(&'static str, Words, Words)],
    class: &'static str,
    t: impl Fn() -> &'static Strings + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <ul class=class>
            {tasks.iter().map(|(task, title, line)| view! {
                <li>
                    <a href=format!("#{task}") data-task=*task>{move || title(t())}</a>
                    <span class="hint">{move || line(t())}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Who runs this site and whom to contact, as the server's operator states them; nothing when
/// they do not.
#[component]
fn OperatorLine(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let (operator, support) = (offer::stated("ehcert-operator"), offer::stated("ehcert-support"));
    (operator.is_some() || support.is_some()).then(|| {
        view! {
            <footer class="operator" data-testid="operator">
                {operator.map(|operator| view! { <p>{move || t().operated_by} " " <strong>{operator.clone()}</strong></p> })}
                {support.map(|support| view! { <p>{move || t().support_contact} " " <strong>{support.clone()}</strong></p> })}
            </footer>
        }
    })
}

/// Each task: its address, its name and its one line. The two most people come for first.
type Words = fn(&Strings) -> &'static str;
const TASKS: [(&str, Words, Words); 9] = [
    ("new", |t| t.task_new, |t| t.task_new_line),
    ("renew", |t| t.task_renew, |t| t.task_renew_line),
    ("new-organisation", |t| t.task_new_organisation, |t| t.task_new_organisation_line),
    ("complete", |t| t.task_complete, |t| t.task_complete_line),
    ("activate-etk", |t| t.task_activate_etk, |t| t.task_activate_etk_line),
    ("certificates", |t| t.task_certificates, |t| t.task_certificates_line),
    ("keystore", |t| t.task_keystore, |t| t.task_keystore_line),
    ("foreigner", |t| t.task_foreigner, |t| t.task_foreigner_line),
    ("diagnostics", |t| t.task_check, |t| t.task_check_line),
];

/// How soon the page looks again for a card bridge it did not find. Browsers read the bridge's
/// host manifest at each connection (extension/NATIVE-MESSAGING.md), so a bridge installed, or
/// updated, while this page is open is found without a reload.
const LOOK_AGAIN: Duration = Duration::from_secs(3);

/// The chain page → extension → card bridge, each with its state in words. While the extension
/// answers but the bridge does not, or is older than the site's minimum, it is looked for again
/// every [`LOOK_AGAIN`]; a missing extension is not (a browser does not put a newly installed
/// extension into open pages).
#[component]
fn Components(bridge: BridgeClient, lang: RwSignal<Lang>) -> impl IntoView {
    // None until the first answer; each later answer replaces what is shown, with no
    // "looking…" in between.
    let status = RwSignal::new(None::<Result<Status, AppError>>);
    leptos::task::spawn_local(async move {
        loop {
            let result = bridge.status().await;
            let look_again = match &result {
                Err(AppError::ExtensionMissing) => false,
                Err(_) => true,
                // Below the site's minimum: the update is noticed as the installation is.
                Ok(status) => matches!(
                    judged(&status.bridge.bridge_version, "ehcert-minimum-bridge", None),
                    Health::Outdated(..)
                ),
            };
            // Gone with the page (the signal disposed): stop looking.
            let Some(unchanged) = status.try_with_untracked(|shown| same(shown.as_ref(), &result))
            else {
                break;
            };
            if !unchanged {
                status.set(Some(result));
            }
            if !look_again {
                break;
            }
            clock::pause(LOOK_AGAIN).await;
        }
    });
    let t = move || strings(lang.get());
    move || match status.get() {
        None => view! { <p role="status">{t().looking_for_extension}</p> }.into_any(),
        Some(result) => view! { <StatusList result lang /> }.into_any(),
    }
}

/// Whether `shown` already says what `result` says: a new look that changes nothing leaves the
/// list as it is (rebuilt every few seconds, it would take a keyboard's focus off its link).
fn same(shown: Option<&Result<Status, AppError>>, result: &Result<Status, AppError>) -> bool {
    match (shown, result) {
        (Some(Ok(shown)), Ok(status)) => shown == status,
        (Some(Err(shown)), Err(error)) => shown.message(Lang::En) == error.message(Lang::En),
        _ => false,
    }
}

/// A component's state: its version, present without a version, not checked, or missing (why,
/// and where this person gets it when the server says).
enum Health {
    Version(String),
    Present,
    NotChecked,
    Missing(String, Option<Install>),
    /// Older than the operator's minimum for this site: its version, the minimum, and where to
    /// get a newer one.
    Outdated(String, Release, Option<Install>),
}

/// `version`, or [`Health::Outdated`] when the server states a newer minimum in `meta`
/// (`ehcert-serve`'s `minimum_bridge` and `minimum_extension`). A version that cannot be read
/// is not judged.
fn judged(version: &str, meta: &str, install: Option<Install>) -> Health {
    let minimum = offer::stated(meta).and_then(|text| Release::parse(&text));
    match (minimum, Release::parse(version)) {
        (Some(minimum), Some(found)) if found < minimum => {
            Health::Outdated(version.to_owned(), minimum, install)
        }
        _ => Health::Version(version.to_owned()),
    }
}

/// Where to get a missing component, and the link's words.
struct Install {
    address: String,
    words: fn(&Strings) -> &'static str,
}

impl Install {
    /// The extension for this browser, when the server gives its address.
    fn extension() -> Option<Self> {
        install::extension_address().map(|address| Self { address, words: |t| t.install_extension })
    }

    /// The card bridge for this system, when the server gives its address.
    fn bridge() -> Option<Self> {
        install::bridge_address().map(|address| Self { address, words: |t| t.install_bridge })
    }
}

/// The link to get a component, after its state.
fn install_link(
    install: Option<Install>,
    label: &'static str,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    install.map(|Install { address, words }| {
        view! { " " <a class="install" href=address data-install=label>{move || words(strings(lang.get()))}</a> }
    })
}

#[component]
fn StatusList(result: Result<Status, AppError>, lang: RwSignal<Lang>) -> impl IntoView {
    let (extension, bridge) = match &result {
        Ok(status) => (
            judged(&status.extension_version, "ehcert-minimum-extension", Install::extension()),
            judged(&status.bridge.bridge_version, "ehcert-minimum-bridge", Install::bridge()),
        ),
        Err(AppError::ExtensionMissing) => (
            Health::Missing(
                AppError::ExtensionMissing.message(lang.get_untracked()),
                Install::extension(),
            ),
            Health::NotChecked,
        ),
        Err(err) => {
            (Health::Present, Health::Missing(err.message(lang.get_untracked()), Install::bridge()))
        }
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
        Health::Outdated(version, minimum, install) => {
            let text = move || {
                t().needs_update.replacen("{}", &version, 1).replacen("{}", &minimum.to_string(), 1)
            };
            view! {
                <span class="state-bad" data-state="outdated" data-component=label>{text}</span>
                {install_link(install, label, lang)}
            }
            .into_any()
        }
        Health::Missing(text, install) => view! {
            <span class="state-bad" data-state="bad" data-component=label>{move || t().not_available} " " {text}</span>
            {install_link(install, label, lang)}
            {(label == "bridge").then(|| view! {
                " " <span class="hint" data-testid="looking-again">{move || t().looking_again}</span>
            })}
        }
        .into_any(),
    }
}
