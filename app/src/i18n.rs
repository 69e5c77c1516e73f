//! The app's words in its four languages (app/PRODUCT.md F10): `lang/<code>.json`, from which
//! build.rs makes `Strings` and `ErrorTexts` and refuses a catalogue with a text missing. A
//! language's catalogue is fetched before the page opens in it, or when the person picks it. The
//! language follows the browser at first and can be switched at any time; the choice (not a
//! secret) is remembered in `localStorage`.

use std::{cell::RefCell, collections::BTreeMap};

pub use ehcert_shared::page::Lang;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::services::keeping;

mod catalogue {
    include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
}

include!("catalogue_fingerprint.rs");

pub use catalogue::{ErrorTexts, Strings};

thread_local! {
    /// The catalogues fetched so far, the first one standing in for any other. A catalogue is
    /// fetched once and kept for the page's life.
    static LOADED: RefCell<Vec<(Lang, &'static Strings, &'static ErrorTexts)>> = const { RefCell::new(Vec::new()) };
}

/// The screens' texts in `lang`, else in the language loaded first (while `lang`'s catalogue
/// is on its way, or could not be had).
pub fn strings(lang: Lang) -> &'static Strings {
    loaded(lang).map_or(&Strings::EMPTY, |(strings, _)| strings)
}

/// The error texts in `lang`, else in the language loaded first.
pub fn error_texts(lang: Lang) -> &'static ErrorTexts {
    loaded(lang).map_or(&ErrorTexts::EMPTY, |(_, errors)| errors)
}

fn loaded(lang: Lang) -> Option<(&'static Strings, &'static ErrorTexts)> {
    LOADED.with_borrow(|all| {
        let found = all.iter().find(|(each, ..)| *each == lang).or(all.first());
        found.map(|(_, strings, errors)| (*strings, *errors))
    })
}

/// The day of the Unix time `unix` in the person's time zone, written as `lang` writes dates
/// (the catalogue's `date` pattern: 07/03/2029, 07.03.2029).
pub fn written_date(unix: i64, lang: Lang) -> String {
    crate::services::clock::local_date(unix).written(strings(lang).date)
}

/// Whether a catalogue has arrived: the page mounts only then.
pub fn has_texts() -> bool {
    LOADED.with_borrow(|all| !all.is_empty())
}

/// Fetches `lang`'s catalogue (`lang/<code>.json`, beside the app) unless it is here already.
/// Where it cannot be had (the network, a half-deployed update), the page stays in the
/// language it has and the console says why.
pub async fn load(lang: Lang) {
    if LOADED.with_borrow(|all| all.iter().any(|(each, ..)| *each == lang)) {
        return;
    }
    match fetch_catalogue(lang).await {
        Ok((strings, errors)) => LOADED.with_borrow_mut(|all| {
            all.push((lang, Box::leak(Box::new(strings)), Box::leak(Box::new(errors))))
        }),
        Err(reason) => web_sys::console::warn_2(&"ehcert: no catalogue for".into(), &reason),
    }
}

/// A catalogue as `lang/<code>.json` holds it.
#[derive(serde::Deserialize)]
struct Catalogue {
    strings: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
}

async fn fetch_catalogue(lang: Lang) -> Result<(Strings, ErrorTexts), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let url = format!("lang/{}.json", code(lang));
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(&url)).await?.dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("{url}: HTTP {}", response.status())));
    }
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    let catalogue: Catalogue =
        serde_json::from_str(&text).map_err(|err| JsValue::from_str(&format!("{url}: {err}")))?;
    let incomplete = || JsValue::from_str(&format!("{url}: a text is missing"));
    Ok((
        Strings::from_texts(catalogue.strings).ok_or_else(incomplete)?,
        ErrorTexts::from_texts(catalogue.errors).ok_or_else(incomplete)?,
    ))
}

/// A language's own name, for the picker (shown before its catalogue is loaded).
fn own_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "Nederlands",
        Lang::Fr => "Français",
        Lang::De => "Deutsch",
        Lang::En => "English",
    }
}

/// The language's code (`nl`, `fr`, `de`, `en`).
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl",
        Lang::Fr => "fr",
        Lang::De => "de",
        Lang::En => "en",
    }
}

const ALL: [Lang; 4] = [Lang::Nl, Lang::Fr, Lang::De, Lang::En];
const STORAGE_KEY: &str = "ehcert.lang";

/// The remembered choice, else the first of the browser's languages we speak, else English.
pub fn initial_lang() -> Lang {
    let window = web_sys::window();
    let remembered = keeping::remembered(STORAGE_KEY);
    let browser: Vec<String> = window
        .map(|window| {
            window.navigator().languages().iter().filter_map(|tag| tag.as_string()).collect()
        })
        .unwrap_or_default();
    let preferred = remembered.into_iter().chain(browser);
    preferred
        .filter_map(|tag| ALL.into_iter().find(|lang| tag.to_lowercase().starts_with(code(*lang))))
        .next()
        .unwrap_or(Lang::En)
}

/// The page's language: from [`initial_lang`], switchable with [`LanguagePicker`]. The root
/// makes it and provides it; every screen below takes that one from context.
pub fn use_lang() -> RwSignal<Lang> {
    if let Some(lang) = use_context::<RwSignal<Lang>>() {
        return lang;
    }
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    Effect::new(move || {
        let code = code(lang.get());
        if let Some(root) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
        {
            let _ = root.set_attribute("lang", code);
        }
        // Not kept (a kiosk, or storage blocked): the browser's language comes back next time.
        let _ = keeping::remember(STORAGE_KEY, code);
    });
    lang
}

/// The language switch, available on every screen at any time.
#[component]
pub fn LanguagePicker(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <p class="language">
            <label for="language">{move || strings(lang.get()).language}</label>
            " "
            <select id="language" prop:value=move || code(lang.get())
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(found) = ALL.into_iter().find(|each| code(*each) == chosen) {
                        // Remembered at once, for a screen opened before the texts arrive;
                        // the texts first, then the switch: no screen half in English.
                        let _ = keeping::remember(STORAGE_KEY, code(found));
                        leptos::task::spawn_local(async move {
                            load(found).await;
                            lang.set(found);
                        });
                    }
                }>
                {ALL.into_iter().map(|each| view! { <option value=code(each)>{own_name(each)}</option> }).collect_view()}
            </select>
        </p>
    }
}
