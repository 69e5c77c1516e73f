//! F1 a new personal certificate, F2 an organisation's and F5 a renewal, as one guided flow
//! (app/PRODUCT.md §2): read the eID → (the organisation, or the current keystore) → contact
//! data → contract (shown sandboxed, accepted) → keystore password (live checks) → key, CSR and
//! pending keystore (downloaded and kept before anything is sent) → GenerateCertificate signed in
//! the PIN window → certificate, ETK, final keystore (and, for a renewal, the ETK activation).
//! The step order and the request's rules are `ehcert_flows` (`steps`, `pending`); this screen
//! is the step indicator and one component per step, which collect input and show progress.

pub mod card;
pub mod contact;
pub mod contract;
pub mod current;
pub mod done;
pub mod organisation;
pub mod password;
pub mod sign;
pub mod state;

use ehcert_flows::steps::Step;
use leptos::prelude::*;

pub use ehcert_flows::steps::Kind;

use crate::{
    components::{EnvironmentSelect, ErrorAlert, Shell},
    i18n::{use_lang, Strings},
    services::bridge::use_bridge,
};
use state::FlowState;

/// The flow's title.
fn title(kind: Kind, t: &Strings) -> &'static str {
    match kind {
        Kind::Personal => t.new_title,
        Kind::Organisation => t.organisation_title,
        Kind::Renewal => t.renew_title,
    }
}

/// A step's name in the step indicator and as its screen's heading.
fn label(step: Step, t: &Strings) -> &'static str {
    match step {
        Step::ReadCard => t.step_card,
        Step::Current => t.step_current,
        Step::Organisation => t.step_organisation,
        Step::Contact => t.step_contact,
        Step::Contract => t.step_contract,
        Step::Password => t.step_password,
        Step::Sign => t.step_sign,
        Step::Finish => t.step_finish,
        Step::Done => t.step_done,
    }
}

/// The new-certificate screen for `kind`.
#[component]
pub fn CertificateFlow(kind: Kind) -> impl IntoView {
    let flow = FlowState::new(kind, use_lang(), use_bridge());
    let lang = flow.lang;
    // The step as it changes: a step's work that ends on the same step (the organisations looked
    // up) must not make its component anew, which would lose what it holds.
    let step = Memo::new(move |_| flow.step.get());
    let t = move || flow.t();
    card::read_card(flow);

    view! {
        <Shell lang environment=flow.environment>
            <h1>{move || title(kind, t())}</h1>
            <ol class="steps" aria-label=move || t().steps>
                {kind.steps().iter().map(|each| {
                    let each = *each;
                    // Steps behind the person are shown as done.
                    let passed = move || kind.is_behind(each, step.get());
                    view! {
                        <li class:done=passed aria-current=move || (step.get() == each).then_some("step")>{move || label(each, t())}</li>
                    }
                }).collect_view()}
            </ol>
            {move || (!flow.holder_name.get().is_empty()).then(|| view! {
                <p>{move || t().card_holder} " " <strong data-testid="holder">{flow.holder_name.get()}</strong></p>
            })}
            {move || kind.may_change_environment(step.get()).then(|| view! { <EnvironmentSelect environment=flow.environment lang /> })}
            // Only a change of step makes a step's component anew (a change of language does not).
            {move || match step.get() {
                Step::ReadCard => view! { <card::CardStep flow /> }.into_any(),
                Step::Current => view! { <current::CurrentStep flow /> }.into_any(),
                Step::Organisation => view! { <organisation::OrganisationStep flow /> }.into_any(),
                Step::Contact => view! { <contact::ContactStep flow /> }.into_any(),
                Step::Contract => view! { <contract::ContractStep flow /> }.into_any(),
                Step::Password => view! { <password::PasswordStep flow /> }.into_any(),
                Step::Sign => view! { <sign::SignStep flow /> }.into_any(),
                Step::Finish => view! { <sign::FinishStep flow /> }.into_any(),
                Step::Done => view! { <done::DoneStep flow /> }.into_any(),
            }}
            {move || flow.status.get().map(|text| view! { <p role="status" data-testid="status">{text}</p> })}
            {move || flow.error.get().map(|error| view! { <ErrorAlert error lang /> })}
        </Shell>
    }
}
