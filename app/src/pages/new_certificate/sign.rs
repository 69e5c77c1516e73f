//! The sign and finish steps: GenerateCertificate signed in the extension's PIN window and sent
//! once, then the certificate awaited, the ETK registered and the final keystore downloaded
//! (`ehcert_flows::pending::PendingRequest`). A press after any failure continues the request.

use ehcert_flows::{pending::Asked, steps::Step};
use ehcert_pki::identifier::PublicKeyIdentifier;
use leptos::prelude::*;
use rand_core::OsRng;

use super::state::FlowState;
use crate::components::{signed_request_file_name, stage_text};

/// Sign, or "Try again" on the finish step.
fn sign(flow: FlowState) {
    let Some(services) = flow.services() else { return };
    flow.say(flow.t_now().type_pin);
    flow.run(Box::pin(async move {
        let holder = flow.holder()?;
        let (contact, contract, base_services) = flow
            .gathered
            .with_value(|g| (g.contact.clone(), g.contract.clone(), g.base_services.clone()));
        let (Some(contact), Some(contract)) = (contact, contract) else {
            return Ok(Step::ReadCard);
        };
        // Taken out while it runs (it is not borrowed across the wait), put back whatever the
        // outcome, so that another press continues it.
        let Some(mut request) = flow.gathered.try_update_value(|g| g.request.take()).flatten()
        else {
            return Ok(Step::ReadCard);
        };
        let asked = Asked { contact: &contact, contract: &contract, base_services: &base_services };
        let outcome = flow.outcome;
        let evidence = |envelope: &str| {
            let name = signed_request_file_name("GenerateCertificate", envelope);
            outcome.signed_envelope.set_value(Some((name, envelope.to_owned())));
        };
        let sent = |generated: Option<&ehcert_certra::response::GeneratedCertificate>| {
            if let Some(replaces) = generated.and_then(|generated| generated.replaces) {
                outcome.replaces.set(Some(PublicKeyIdentifier(replaces).to_hex()));
            }
            flow.step.set(flow.kind.next(Step::Sign));
        };
        let progress = |stage| flow.say(stage_text(stage, flow.t_now()));
        let finished = request
            .send_and_finish(&services, &holder, asked, evidence, sent, progress, &mut OsRng)
            .await;
        flow.gathered.update_value(|g| g.request = Some(request));
        let finished = finished?;
        outcome.to_be_activated.set(finished.to_be_activated);
        outcome.replaced_pending.set(finished.replaced_pending);
        outcome.keystore.set_value(Some(finished.keystore));
        outcome.file.set_value(Some(finished.file));
        Ok(flow.kind.next(Step::Finish))
    }));
}

#[component]
pub fn SignStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_sign}</h2>
            <p data-testid="pending-saved">{move || t().pending_saved} " " <strong>{move || flow.file_name.get()}</strong></p>
            {flow.gathered.with_value(|g| g.request.as_ref().map(|request| request.key_code())).map(|code| view! {
                <p>{move || t().your_new_key} " " <code data-testid="page-key-id">{code}</code></p>
            })}
            <p>{move || t().sign_intro}</p>
            <button type="button" class="primary" disabled=move || flow.busy.get() on:click=move |_| sign(flow)>
                {move || t().sign_button}
            </button>
        </section>
    }
}

#[component]
pub fn FinishStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_finish}</h2>
            <p>{move || t().finish_text}</p>
            // An organisation's request may wait for eHealth's check that this person may
            // represent the organisation: say what happens then and how long it may take.
            {(flow.kind == ehcert_flows::steps::Kind::Organisation).then(|| view! {
                <p data-testid="organisation-next">{move || t().organisation_next}</p>
            })}
            // After a failure here eHealth has the request: trying again asks for the
            // certificate and goes on with the ETK key kept so far, without the PIN
            // (on a kiosk, the only copy of that key is in this page).
            {move || (flow.error.get().is_some() && !flow.busy.get()).then(|| view! {
                <button type="button" class="primary" on:click=move |_| {
                    sign(flow);
                    flow.say(flow.t_now().waiting);
                }>{move || t().try_again}</button>
            })}
        </section>
    }
}
