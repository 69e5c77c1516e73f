//! The done step: the final keystore, where medical software looks for it, the signed request
//! as evidence, what was certified, and, after a renewal, the ETK activation.

use leptos::prelude::*;

use super::state::FlowState;
use crate::{
    components::{Finished, SignedRequestCopy, Subject},
    pages::activate_etk::ActivateEtkOffer,
};

#[component]
pub fn DoneStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    let (lang, outcome) = (flow.lang, flow.outcome);
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_done}</h2>
            <Finished name=flow.file_name.get_untracked() file=outcome.file keystore=outcome.keystore lang
                replaced_pending=outcome.replaced_pending.get_untracked() />
            <SignedRequestCopy envelope=outcome.signed_envelope lang />
            <dl class="summary" data-testid="summary">
                <dt>{move || t().contract_for}</dt>
                <dd><Subject dn=flow.contract_dn.get_untracked() lang /></dd>
                {move || outcome.replaces.get().map(|id| view! {
                    <dt>{move || t().replaces}</dt>
                    <dd data-testid="replaces">{id}</dd>
                })}
            </dl>
            {move || outcome.to_be_activated.get().then(|| view! {
                <ActivateEtkOffer keystore=outcome.keystore environment=flow.environment lang />
            })}
        </section>
    }
}
