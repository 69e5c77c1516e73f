//! Kiosk mode (app/PRODUCT.md F17), switched by the deployment: the server marks the page with
//! `<meta name="ehcert-kiosk-idle-seconds">` (`ehcert-serve --kiosk`). On a shared computer the
//! page keeps nothing in the browser, "Finish" wipes everything, and the session ends by itself
//! after that many idle seconds or when the eID card leaves the reader.

use std::{cell::Cell, rc::Rc};

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{closure::Closure, JsCast};

use crate::{
    i18n::{strings, Lang},
    services::{bridge::BridgeClient, clock::pause, keeping},
};

thread_local! {
    /// A final keystore is on the screen and not yet saved onto the person's own medium: pulling
    /// the card out must not wipe it (the session then waits for the save, or for idleness).
    static UNSAVED: Cell<bool> = const { Cell::new(false) };
}

/// A final keystore is shown: the session is held until it is saved ([`file_saved`]).
pub fn hold_until_saved() {
    UNSAVED.set(true);
}

/// The person saved the file where they chose: a card pulled out ends the session again.
pub fn file_saved() {
    UNSAVED.set(false);
}

/// How often the card reader is looked at, in kiosk mode.
const CARD_POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// Ends the session: everything this origin kept in the browser is wiped, the kiosk extension
/// is asked to remove what the page cannot reach (downloads, histories, form data), and the
/// home screen is loaded afresh (memory goes with the page).
pub fn wipe_and_restart() {
    keeping::wipe();
    spawn_local(async {
        browser_cleared().await;
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace("/");
        }
    });
}

/// How long the kiosk extension gets to answer; without it (a kiosk-mode page in a personal
/// browser, or the extension missing) the page restarts after this.
const CLEAR_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Asks the kiosk extension (extension/kiosk, forced in by the kiosk policy) to clear what the
/// session left in the browser: `{"ehcert:kiosk": "finish"}` to this window, answered with
/// `"wiped"` or `"not-wiped"`. Whether it answers or not, the session ends.
async fn browser_cleared() {
    const KEY: &str = "ehcert:kiosk";
    let Some(window) = web_sys::window() else { return };
    let Ok(origin) = window.location().origin() else { return };
    let answered = Rc::new(Cell::new(false));
    let listener = {
        let (answered, origin) = (Rc::clone(&answered), origin.clone());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let answer =
                js_sys::Reflect::get(&event.data(), &KEY.into()).ok().and_then(|v| v.as_string());
            if event.origin() == origin && matches!(answer.as_deref(), Some("wiped" | "not-wiped"))
            {
                answered.set(true);
            }
        })
    };
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    let ask = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&ask, &KEY.into(), &"finish".into());
    let _ = window.post_message(&ask, &origin);
    let step = std::time::Duration::from_millis(50);
    let mut waited = std::time::Duration::ZERO;
    while !answered.get() && waited < CLEAR_WAIT {
        pause(step).await;
        waited += step;
    }
    let _ =
        window.remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
}

/// The kiosk bar: says the computer is shared, offers Finish, and watches idleness and the card.
#[component]
pub fn KioskGuard(lang: RwSignal<Lang>) -> impl IntoView {
    let Some(idle) = keeping::kiosk_idle_seconds() else { return ().into_any() };
    let card_out_unsaved = RwSignal::new(false);
    watch_idleness(idle);
    watch_card(card_out_unsaved);
    let t = move || strings(lang.get());
    view! {
        <aside class="kiosk" aria-label=move || t().kiosk_label data-testid="kiosk">
            <p>{move || t().kiosk_text}</p>
            <button type="button" on:click=move |_| wipe_and_restart()>{move || t().kiosk_finish}</button>
        </aside>
        {move || card_out_unsaved.get().then(|| view! {
            <div role="alert" class="alert alert-warning" data-testid="kiosk-unsaved">
                <p class="alert-title">{t().kiosk_unsaved_title}</p>
                <p>{t().kiosk_unsaved}</p>
            </div>
        })}
    }
    .into_any()
}

/// Any key, pointer or scroll resets the clock; `idle` seconds without one end the session.
fn watch_idleness(idle: u32) {
    let Some(window) = web_sys::window() else { return };
    let last = Rc::new(Cell::new(js_sys::Date::now()));
    let touched = {
        let last = Rc::clone(&last);
        Closure::<dyn Fn()>::new(move || last.set(js_sys::Date::now()))
    };
    for event in ["keydown", "pointerdown", "pointermove", "wheel", "input"] {
        let _ = window.add_event_listener_with_callback(event, touched.as_ref().unchecked_ref());
    }
    // The listeners live as long as the page.
    touched.forget();
    spawn_local(async move {
        loop {
            pause(std::time::Duration::from_secs(1)).await;
            if js_sys::Date::now() - last.get() > f64::from(idle) * 1000.0 {
                // The start screen holds nothing of anyone: it stays as it is.
                if at_start() {
                    last.set(js_sys::Date::now());
                    continue;
                }
                wipe_and_restart();
                return;
            }
        }
    });
}

/// Once a card has been seen, the session ends when no reader holds one any more, unless a
/// final keystore waits to be saved: then the person is told to save it first, and the session
/// ends once it is saved with the card still out (or when idle).
fn watch_card(card_out_unsaved: RwSignal<bool>) {
    spawn_local(async move {
        let bridge = BridgeClient::new();
        let mut seen = false;
        loop {
            if let Ok(readers) = bridge.list_readers().await {
                let present = readers.iter().any(|reader| reader.card_present);
                let held = UNSAVED.get();
                card_out_unsaved.set(seen && !present && held);
                if seen && !present && !held {
                    wipe_and_restart();
                    return;
                }
                seen |= present;
            }
            pause(CARD_POLL).await;
        }
    });
}

/// Whether the start screen is showing.
fn at_start() -> bool {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .is_none_or(|hash| hash.is_empty() || hash == "#")
}
