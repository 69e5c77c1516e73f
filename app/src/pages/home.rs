//! Home: what ehcert does, the two tasks most people come for first (a new certificate, a
//! renewal), what a person needs (the extension and the card bridge checked live), the other
//! tasks grouped, who runs the site and whom to contact (the operator's `operator` and
//! `support` settings), and the privacy page in the person's language (`app/privacy/`, static
//! pages the extension's store listings link to).

use leptos::prelude::*;

use crate::{
    components::{parts::Components, Shell},
    i18n::{code, strings, use_lang, Lang, Strings},
    services::{bridge::use_bridge, offer},
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
                <a href=move || format!("/help/{}.html", code(lang.get())) data-testid="help">
                    {move || t().help_title}
                </a>
                " · "
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
