//! `#help`: what to do when something does not work, in the person's language, one part per
//! problem a person can solve themselves (`HelpTopic`), each a short list of steps in order. An
//! error that fits links here (`ErrorAlert`, `#help-<topic>`), and that topic comes first. Last,
//! the way to the report for a helpdesk (the browser check).
//!
//! The steps follow what the Belgian eID middleware's own help says about readers, cards and
//! PINs (PIN and PUK come by letter; the municipality unblocks and replaces), and what Web eID
//! and BeIDConnect tell users of snap and flatpak browsers (no native messaging from a snap's
//! Chromium; Firefox's snap only through a portal): use the browser maker's own package.

use leptos::prelude::*;

use crate::{
    components::Shell,
    error::HelpTopic,
    i18n::{strings, use_lang, Strings},
};

/// The help screen; `topic` first when an error sent the person here.
#[component]
pub fn Help(topic: Option<HelpTopic>) -> impl IntoView {
    let lang = use_lang();
    let t = move || strings(lang.get());
    let snap = looks_like_a_snap();
    // The topic asked for first; else the snap first where this browser looks like one.
    let first = topic.or(snap.then_some(HelpTopic::Snap));
    let order: Vec<HelpTopic> = first
        .into_iter()
        .chain(HelpTopic::ALL.into_iter().filter(|other| Some(*other) != first))
        .collect();
    view! {
        <Shell lang>
            <h1>{move || t().help_title}</h1>
            <p class="lead">{move || t().help_intro}</p>
            {order
                .into_iter()
                .map(|topic| view! { <Topic topic lang snap /> })
                .collect_view()}
            <p><a href="#diagnostics" data-testid="help-report">{move || t().help_report}</a></p>
        </Shell>
    }
}

/// One problem: its title and its steps.
#[component]
fn Topic(topic: HelpTopic, lang: RwSignal<crate::i18n::Lang>, snap: bool) -> impl IntoView {
    let t = move || strings(lang.get());
    let heading = format!("help-{}-title", topic.name());
    let labelled_by = heading.clone();
    let steps = move || steps(t(), topic);
    view! {
        <section id=topic.name() aria-labelledby=labelled_by data-topic=topic.name()>
            <h2 id=heading>{move || title(t(), topic)}</h2>
            {(topic == HelpTopic::Snap && snap).then(|| view! {
                <p class="hint" data-testid="snap-detected">{move || t().help_snap_detected}</p>
            })}
            <ol>{move || steps().into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}</ol>
            {(topic == HelpTopic::Keystore).then(|| view! {
                <ul class="paths">
                    <li>{move || t().keystore_place_windows}</li>
                    <li>{move || t().keystore_place_mac}</li>
                    <li>{move || t().keystore_place_linux}</li>
                </ul>
            })}
        </section>
    }
}

fn title(t: &Strings, topic: HelpTopic) -> &'static str {
    match topic {
        HelpTopic::NoReader => t.help_no_reader_title,
        HelpTopic::NoCard => t.help_no_card_title,
        HelpTopic::Pin => t.help_pin_title,
        HelpTopic::Missing => t.help_missing_title,
        HelpTopic::Snap => t.help_snap_title,
        HelpTopic::Keystore => t.help_keystore_title,
    }
}

fn steps(t: &Strings, topic: HelpTopic) -> Vec<&'static str> {
    match topic {
        HelpTopic::NoReader => vec![t.help_no_reader_1, t.help_no_reader_2, t.help_no_reader_3],
        HelpTopic::NoCard => vec![t.help_no_card_1, t.help_no_card_2, t.help_no_card_3],
        HelpTopic::Pin => vec![t.help_pin_1, t.help_pin_2, t.help_pin_3],
        HelpTopic::Missing => vec![t.help_missing_1, t.help_missing_2, t.help_missing_3],
        HelpTopic::Snap => vec![t.help_snap_1, t.help_snap_2],
        HelpTopic::Keystore => vec![t.help_keystore_1, t.help_keystore_2, t.help_keystore_3],
    }
}

/// Whether this browser looks like Ubuntu's Firefox, the one snap a page can tell: Ubuntu ships
/// Firefox only as a snap since 22.04, and its user agent names Ubuntu. Chromium's snap says
/// nothing of it, so its part is listed for everyone.
fn looks_like_a_snap() -> bool {
    web_sys::window()
        .and_then(|window| window.navigator().user_agent().ok())
        .is_some_and(|agent| agent.contains("Ubuntu") && agent.contains("Firefox/"))
}
