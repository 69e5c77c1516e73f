//! The parts of ehcert on this computer, checked live: the browser extension and the card
//! software with their versions, each in words with where to get it when it is missing or older
//! than the site's minimum. The home page shows the short list; the browser check, for
//! helpdesks, adds this page's own version and the protocol versions each part speaks.

use std::time::Duration;

use ehcert_shared::{
    compat::{Release, PROTOCOLS},
    install::Download,
    page::Status,
};
use leptos::prelude::*;

use crate::{
    error::AppError,
    i18n::{strings, Lang, Strings},
    services::{bridge::BridgeClient, clock, install, offer},
};

/// How soon the page looks again for a part it did not find. Browsers read the bridge's host
/// manifest at each connection (extension/NATIVE-MESSAGING.md), so a bridge installed, or
/// updated, while this page is open is found without a reload; an extension that starts puts its
/// content script into this page (extension/worker-pages.js).
const LOOK_AGAIN: Duration = Duration::from_secs(3);

/// The chain page → extension → card bridge, each with its state in words. While a part is
/// missing, or older than the site's minimum, it is looked for again every [`LOOK_AGAIN`], so an
/// installation is noticed without a reload: the extension puts its content script into the pages
/// open when it starts (extension/worker-pages.js), and the bridge is found at the extension's
/// next connection.
#[component]
pub fn Components(
    bridge: BridgeClient,
    lang: RwSignal<Lang>,
    /// With this page's version and the protocols spoken (the browser check).
    #[prop(optional)]
    detailed: bool,
) -> impl IntoView {
    // None until the first answer; each later answer replaces what is shown, with no
    // "looking…" in between.
    let status = RwSignal::new(None::<Result<Status, AppError>>);
    let extension_protocols = RwSignal::new(None::<Vec<u32>>);
    leptos::task::spawn_local(async move {
        loop {
            let result = bridge.status().await;
            if detailed {
                let protocols = bridge.extension_protocols();
                if extension_protocols.try_get_untracked().is_some_and(|shown| shown != protocols) {
                    extension_protocols.set(protocols);
                }
            }
            let look_again = match &result {
                Err(_) => true,
                // Below the site's minimum: the update is noticed as the installation is.
                Ok(status) => matches!(
                    judged(&status.bridge.bridge_version, "ehcert-minimum-bridge", vec![]),
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
        Some(result) => {
            let extension_protocols = extension_protocols.get();
            view! { <StatusList result lang detailed extension_protocols /> }.into_any()
        }
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
    Missing(String, Vec<Install>),
    /// Older than the operator's minimum for this site: its version, the minimum, and where to
    /// get a newer one.
    Outdated(String, Release, Vec<Install>),
}

/// `version`, or [`Health::Outdated`] when the server states a newer minimum in `meta`
/// (`ehcert-serve`'s `minimum_bridge` and `minimum_extension`). A version that cannot be read
/// is not judged.
fn judged(version: &str, meta: &str, install: Vec<Install>) -> Health {
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
    fn extension() -> Vec<Self> {
        let address = install::extension_address();
        address
            .map(|address| Self { address, words: |t| t.install_extension })
            .into_iter()
            .collect()
    }

    /// The card bridge's packages for this system whose addresses the server gives: where the
    /// page cannot tell which Linux it runs on, both, each named by its family.
    fn bridge() -> Vec<Self> {
        let found = install::bridge_addresses();
        let both = found.len() > 1;
        found
            .into_iter()
            .map(|(download, address)| {
                let words: fn(&Strings) -> &'static str = match download {
                    Download::BridgeLinux if both => |t| t.install_bridge_deb,
                    Download::BridgeLinuxRpm if both => |t| t.install_bridge_rpm,
                    _ => |t| t.install_bridge,
                };
                Self { address, words }
            })
            .collect()
    }
}

/// The links to get a component, after its state.
fn install_link(install: Vec<Install>, label: &'static str, lang: RwSignal<Lang>) -> impl IntoView {
    install
        .into_iter()
        .map(|Install { address, words }| {
            view! { " " <a class="install" href=address data-install=label>{move || words(strings(lang.get()))}</a> }
        })
        .collect_view()
}

#[component]
fn StatusList(
    result: Result<Status, AppError>,
    lang: RwSignal<Lang>,
    detailed: bool,
    /// The extension's protocols, when `detailed` and it answered.
    extension_protocols: Option<Vec<u32>>,
) -> impl IntoView {
    let bridge_protocols = match (&result, detailed) {
        (Ok(status), true) => Some(status.bridge.served()),
        _ => None,
    };
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
            {detailed.then(|| view! {
                <dt>{move || t().this_page}</dt>
                <dd>
                    <span data-component="page">{env!("CARGO_PKG_VERSION")}</span>
                    <Protocols protocols=PROTOCOLS.to_vec() lang />
                </dd>
            })}
            <dt>{move || t().browser_extension}</dt>
            <dd>
                <HealthLine label="extension" health=extension lang />
                {extension_protocols.map(|protocols| view! { <Protocols protocols lang /> })}
            </dd>
            <dt>{move || t().card_bridge}</dt>
            <dd>
                <HealthLine label="bridge" health=bridge lang />
                {bridge_protocols.map(|protocols| view! { <Protocols protocols lang /> })}
            </dd>
        </dl>
    }
}

/// " · protocol 2": the message versions a part speaks, for a helpdesk comparing releases.
#[component]
fn Protocols(protocols: Vec<u32>, lang: RwSignal<Lang>) -> impl IntoView {
    let list = protocols.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let shown = list.clone();
    view! {
        <span class="hint" data-protocols=list>
            " · " {move || strings(lang.get()).protocols.replacen("{}", &shown, 1)}
        </span>
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
            " " <span class="hint" data-testid="looking-again">{move || t().looking_again}</span>
        }
        .into_any(),
    }
}
