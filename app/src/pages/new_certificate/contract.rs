//! The contract step: eHealth's contract for this certificate, shown without scripts, and the
//! person's acceptance.

use ehcert_flows::{contract_text, steps::Step};
use leptos::prelude::*;

use super::state::FlowState;
use crate::components::Subject;

#[component]
pub fn ContractStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    let accepted = RwSignal::new(false);
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_contract}</h2>
            <p>{move || t().contract_for}</p>
            <Subject dn=flow.contract_dn.get_untracked() lang=flow.lang />
            // The contract is eHealth's HTML: shown in a frame without scripts, forms or same-origin access.
            <iframe class="contract" title=move || t().contract_frame sandbox="" srcdoc=move || contract_html(flow)></iframe>
            <p>
                <input id="accept" type="checkbox" prop:checked=move || accepted.get()
                    on:change=move |ev| accepted.set(event_target_checked(&ev)) />
                <label for="accept">{move || t().accept}</label>
            </p>
            <button type="button" class="primary" disabled=move || !accepted.get()
                on:click=move |_| flow.step.set(flow.kind.next(Step::Contract))>
                {move || t().continue_}
            </button>
        </section>
    }
}

/// The contract's text in the person's language (eHealth's HTML).
fn contract_html(flow: FlowState) -> String {
    let lang = flow.lang.get();
    flow.gathered
        .with_value(|g| g.contract.as_ref().map(|contract| contract_text(&contract.text, lang)))
        .unwrap_or_default()
}
