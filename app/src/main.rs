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
    // The person's language is fetched before the first screen, which then opens in it.
    // English stands in when the person's language cannot be had.
    wasm_bindgen_futures::spawn_local(async {
        use ehcert_app::i18n::{has_texts, initial_lang, load, Lang};
        load(initial_lang()).await;
        if !has_texts() {
            load(Lang::En).await;
        }
        if has_texts() {
            leptos::mount::mount_to_body(ehcert_app::Root);
        } else if let Some(body) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.body())
        {
            // No words to say it in: the page's files are half there (a network fault, an
            // update under way). The one text that needs none of them, in the four languages.
            body.set_text_content(Some(UNAVAILABLE));
        }
    });
}

/// Said when no catalogue of texts could be fetched.
const UNAVAILABLE: &str = "ehcert could not load its texts: reload the page. · ehcert kon zijn teksten niet laden: herlaad de pagina. · ehcert n’a pas pu charger ses textes : rechargez la page. · ehcert konnte seine Texte nicht laden: Laden Sie die Seite neu.";
