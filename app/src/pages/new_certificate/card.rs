//! The first step: the holder's eID read through the extension.

use ehcert_flows::{eid::EidHolder, steps::Step};
use leptos::prelude::*;

use ehcert_flows::steps::Kind;

use super::state::FlowState;

/// Reads the card in the reader; a personal certificate is the holder's own.
pub fn read_card(flow: FlowState) {
    flow.run(Box::pin(async move {
        let card = flow.bridge.get_value().read_card(None).await?;
        let holder = EidHolder::from_card(&card)?;
        flow.holder_name.set(holder.display_name());
        flow.gathered.update_value(|gathered| {
            if flow.kind == Kind::Personal {
                gathered.certificate = Some(holder.personal_certificate());
            }
            gathered.holder = Some(holder);
        });
        Ok(flow.kind.next(Step::ReadCard))
    }));
}

/// The card step: shown while the card is read, and again when it could not be.
#[component]
pub fn CardStep(flow: FlowState) -> impl IntoView {
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || flow.t().step_card}</h2>
            <p>{move || flow.t().insert_card}</p>
            <button type="button" disabled=move || flow.busy.get() on:click=move |_| read_card(flow)>
                {move || flow.t().read_again}
            </button>
        </section>
    }
}
