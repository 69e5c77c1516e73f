//! Entry point: installs the panic hook and mounts the app; nothing else lives here.

fn main() {
    console_error_panic_hook::set_once();
    // Each screen is mounted for the address it was loaded with: a link to another screen
    // (`#new`, `#complete`, …) loads that screen afresh.
    if let Some(window) = web_sys::window() {
        let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        window.set_onhashchange(Some(wasm_bindgen::JsCast::unchecked_ref(reload.as_ref())));
        reload.forget();
    }
    let hash = web_sys::window().and_then(|window| window.location().hash().ok());
    match hash.as_deref() {
        #[cfg(feature = "bench")]
        Some("#bench") => leptos::mount::mount_to_body(ehcert_app::pages::bench::Bench),
        Some("#new") => leptos::mount::mount_to_body(|| {
            use ehcert_app::pages::new_certificate::{CertificateFlow, Kind};
            leptos::view! { <CertificateFlow kind=Kind::Personal /> }
        }),
        Some("#new-organisation") => leptos::mount::mount_to_body(|| {
            use ehcert_app::pages::new_certificate::{CertificateFlow, Kind};
            leptos::view! { <CertificateFlow kind=Kind::Organisation /> }
        }),
        Some("#renew") => leptos::mount::mount_to_body(|| {
            use ehcert_app::pages::new_certificate::{CertificateFlow, Kind};
            leptos::view! { <CertificateFlow kind=Kind::Renewal /> }
        }),
        Some("#activate-etk") => {
            leptos::mount::mount_to_body(ehcert_app::pages::activate_etk::ActivateEtk)
        }
        Some("#foreigner") => leptos::mount::mount_to_body(ehcert_app::pages::foreigner::Foreigner),
        Some("#certificates") => {
            leptos::mount::mount_to_body(ehcert_app::pages::certificates::Certificates)
        }
        Some("#keystore") => {
            leptos::mount::mount_to_body(ehcert_app::pages::keystore::KeystoreCheck)
        }
        Some("#complete") => {
            leptos::mount::mount_to_body(ehcert_app::pages::complete::CompleteRequest)
        }
        Some("#diagnostics") => {
            leptos::mount::mount_to_body(ehcert_app::pages::diagnostics::Diagnostics)
        }
        _ => leptos::mount::mount_to_body(ehcert_app::App),
    }
}
