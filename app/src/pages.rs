//! One module per screen, and [`Root`]: the screen for the page's address.

pub mod activate_etk;
#[cfg(feature = "bench")]
pub mod bench;
pub mod card_check;
pub mod certificates;
pub mod complete;
pub mod diagnostics;
pub mod foreigner;
pub mod home;
pub mod keystore;
pub mod new_certificate;
pub mod support_report;

use leptos::prelude::*;

/// The app's root: the screen for the address the page was loaded with (a link to another
/// screen, `#new`, `#complete`…, loads that screen afresh). One mount for every screen.
#[component]
pub fn Root() -> impl IntoView {
    use new_certificate::{CertificateFlow, Kind};
    // What every screen shares, made once here and provided to all of them.
    crate::i18n::use_lang();
    crate::services::bridge::use_bridge();
    let hash = web_sys::window().and_then(|window| window.location().hash().ok());
    match hash.as_deref() {
        #[cfg(feature = "bench")]
        Some("#bench") => view! { <bench::Bench /> }.into_any(),
        Some("#new") => view! { <CertificateFlow kind=Kind::Personal /> }.into_any(),
        Some("#new-organisation") => {
            view! { <CertificateFlow kind=Kind::Organisation /> }.into_any()
        }
        Some("#renew") => view! { <CertificateFlow kind=Kind::Renewal /> }.into_any(),
        Some("#activate-etk") => view! { <activate_etk::ActivateEtk /> }.into_any(),
        Some("#foreigner") => view! { <foreigner::Foreigner /> }.into_any(),
        Some("#certificates") => view! { <certificates::Certificates /> }.into_any(),
        Some("#keystore") => view! { <keystore::KeystoreCheck /> }.into_any(),
        Some("#complete") => view! { <complete::CompleteRequest /> }.into_any(),
        Some("#diagnostics") => view! { <diagnostics::Diagnostics /> }.into_any(),
        _ => view! { <home::App /> }.into_any(),
    }
}
