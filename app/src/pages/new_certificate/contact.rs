//! The contact step: the e-mail address and phone number eHealth writes to about the
//! certificate (and an organisation's general ones); then eHealth's contract for them.

use ehcert_certra::request::ContactData;
use ehcert_flows::{new_certificate::generate_contract, steps::Step};
use leptos::prelude::*;

use super::state::FlowState;
use crate::components::autocomplete;

#[component]
pub fn ContactStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    let fields = flow.contact;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = flow.services() else { return };
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let contact = ContactData {
            email_private: fields.email.get_untracked().trim().to_owned(),
            email_general: optional(fields.email_general.get_untracked()),
            phone_private: fields.phone.get_untracked().trim().to_owned(),
            phone_general: optional(fields.phone_general.get_untracked()),
        };
        flow.run(Box::pin(async move {
            let holder = flow.holder()?;
            let certificate = flow.gathered.with_value(|gathered| gathered.certificate.clone());
            let Some(certificate) = certificate else { return Ok(flow.kind.steps()[0]) };
            let contract = generate_contract(&services, &holder, &certificate, &contact).await?;
            flow.contract_dn.set(contract.dn.clone());
            flow.gathered.update_value(|gathered| {
                gathered.contact = Some(contact);
                gathered.contract = Some(contract);
            });
            Ok(flow.kind.next(Step::Contact))
        }));
    };
    // An organisation's certificate, also when renewed: its general contact data are asked for.
    let organisation = flow.kind == ehcert_flows::steps::Kind::Organisation
        || flow.gathered.with_value(|g| {
            g.certificate.as_ref().is_some_and(|certificate| certificate.person().is_none())
        });
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_contact}</h2>
            <form on:submit=submit>
                <label for="email">{move || t().email}</label>
                <input id="email" type="email" required autocomplete=autocomplete("email")
                    prop:value=move || fields.email.get() on:input=move |ev| fields.email.set(event_target_value(&ev)) />
                <label for="phone">{move || t().phone}</label>
                <input id="phone" type="tel" required autocomplete=autocomplete("tel")
                    prop:value=move || fields.phone.get() on:input=move |ev| fields.phone.set(event_target_value(&ev)) />
                {organisation.then(|| view! {
                    <label for="email-general">{move || t().email_general}</label>
                    <input id="email-general" type="email" required
                        prop:value=move || fields.email_general.get() on:input=move |ev| fields.email_general.set(event_target_value(&ev)) />
                    <label for="phone-general">{move || t().phone_general}</label>
                    <input id="phone-general" type="tel"
                        prop:value=move || fields.phone_general.get() on:input=move |ev| fields.phone_general.set(event_target_value(&ev)) />
                })}
                <button type="submit" disabled=move || flow.busy.get()>{move || t().continue_}</button>
            </form>
        </section>
    }
}
