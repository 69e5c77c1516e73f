//! A renewal's second step: the current keystore, what it certifies, and whether it can be
//! renewed today (F5).

use ehcert_flows::{renewal, steps::Step, FlowError};
use ehcert_pki::p12::Password;
use leptos::prelude::*;

use super::state::FlowState;
use crate::{
    error::AppError,
    services::{clock, files::chosen_file},
};

#[component]
pub fn CurrentStep(flow: FlowState) -> impl IntoView {
    let current_file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let current_password = RwSignal::new(String::new());
    let on_file = move |event: leptos::ev::Event| {
        leptos::task::spawn_local(async move {
            if let Some(chosen) = chosen_file(&event).await {
                current_file.set_value(Some(chosen));
            }
        });
    };
    let open_current = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = flow.services() else { return };
        let Some((_, bytes)) = current_file.get_value() else {
            flow.error.set(Some(AppError::NoKeystoreChosen));
            return;
        };
        let secret = Password::new(current_password.get_untracked());
        current_password.set(String::new());
        flow.run(Box::pin(async move {
            let holder = flow.holder()?;
            let current = renewal::open(&bytes, &secret)?;
            let info = renewal::certificate_info(&services, &current).await?;
            renewal::check_renewable(&info, &current, &holder, clock::now())
                .map_err(FlowError::from)?;
            // The contact step starts from the current certificate's data.
            let contact = &info.contact_data;
            flow.contact.email.set(contact.email_private.clone());
            flow.contact.phone.set(contact.phone_private.clone());
            flow.contact.email_general.set(contact.email_general.clone().unwrap_or_default());
            flow.contact.phone_general.set(contact.phone_general.clone().unwrap_or_default());
            flow.gathered.update_value(|gathered| {
                gathered.certificate = Some(info.identifier);
                gathered.base_services = info.base_service_usage;
            });
            Ok(flow.kind.next(Step::Current))
        }));
    };
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || flow.t().step_current}</h2>
            <p>{move || flow.t().current_intro}</p>
            <form on:submit=open_current>
                <label for="current-file">{move || flow.t().current_file}</label>
                <input id="current-file" type="file" accept=".p12,.acc-p12" on:change=on_file />
                <label for="current-password">{move || flow.t().keystore_password}</label>
                <input id="current-password" type="password" autocomplete="current-password"
                    prop:value=move || current_password.get() on:input=move |ev| current_password.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || flow.busy.get()>{move || flow.t().open_current}</button>
            </form>
        </section>
    }
}
