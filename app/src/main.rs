//! Entry point: installs the panic hook and mounts the app; nothing else lives here.

fn main() {
    console_error_panic_hook::set_once();
    let hash = web_sys::window().and_then(|window| window.location().hash().ok());
    match hash.as_deref() {
        Some("#bench") => leptos::mount::mount_to_body(ehcert_app::pages::bench::Bench),
        Some("#diagnostics") => {
            leptos::mount::mount_to_body(ehcert_app::pages::diagnostics::Diagnostics)
        }
        _ => leptos::mount::mount_to_body(ehcert_app::App),
    }
}
