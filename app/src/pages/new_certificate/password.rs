//! The password step: the keystore's password with its live checks; then the key, its CSR and
//! the pending keystore, downloaded and kept before anything is sent. A key kept from before a
//! reload for this certificate is offered instead, so that no second key is made (F3).

use ehcert_flows::{
    pending::{kept_key_for, PendingRequest},
    steps::Step,
};
use ehcert_pki::{p12::Password, rules::PasswordCheck};
use leptos::prelude::*;
use rand_core::OsRng;

use super::state::FlowState;
use crate::{
    components::PasswordRules,
    error::AppError,
    services::{files::has_save_picker, keeping::is_kiosk, webcrypto},
};

#[component]
pub fn PasswordStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let kept_password = RwSignal::new(String::new());
    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());
    // The two keys (authentication and ETK) start now, while the password is typed twice.
    webcrypto::prepare(2);

    // Once a request is made its file name is shown and the screen moves on.
    let made = move |request: PendingRequest| {
        flow.file_name.set(request.file_name().to_owned());
        flow.gathered.update_value(|gathered| gathered.request = Some(request));
        flow.kind.next(Step::Password)
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !PasswordCheck::of(&password.get_untracked(), &confirmation.get_untracked()).passes() {
            return;
        }
        let Some(services) = flow.services() else { return };
        let secret = Password::new(password.get_untracked());
        password.set(String::new());
        confirmation.set(String::new());
        flow.say(flow.t_now().making_key);
        flow.run(Box::pin(async move {
            let (certificate, contract) =
                flow.gathered.with_value(|g| (g.certificate.clone(), g.contract.clone()));
            let (Some(certificate), Some(contract)) = (certificate, contract) else {
                return Ok(Step::ReadCard);
            };
            // The key is safe before anything is sent: downloaded, and kept in this browser.
            let request =
                PendingRequest::make(&services, &contract, &certificate, secret, &mut OsRng)
                    .await?;
            Ok(made(request))
        }));
    };

    // A key made before a reload or a closed tab, for this certificate and environment.
    let kept = move || {
        let certificate = flow.gathered.with_value(|g| g.certificate.clone())?;
        kept_key_for(&flow.services()?, &certificate)
    };
    let reuse = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(kept) = kept() else { return };
        let secret = Password::new(kept_password.get_untracked());
        kept_password.set(String::new());
        flow.run(Box::pin(async move {
            let Some(contract) = flow.gathered.with_value(|g| g.contract.clone()) else {
                return Ok(Step::ReadCard);
            };
            let request =
                PendingRequest::reuse(&kept, &contract, secret).map_err(AppError::from)?;
            Ok(made(request))
        }));
    };

    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_password}</h2>
            <p>{move || t().password_intro}</p>
            <form on:submit=submit>
                <label for="password">{move || t().password}</label>
                <input id="password" type="password" autocomplete="new-password" aria-describedby="password-rules"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <label for="confirmation">{move || t().password_again}</label>
                <input id="confirmation" type="password" autocomplete="new-password"
                    prop:value=move || confirmation.get() on:input=move |ev| confirmation.set(event_target_value(&ev)) />
                <PasswordRules lang=flow.lang password confirmation />
                {(has_save_picker() && !is_kiosk()).then(|| view! {
                    <p class="hint" data-testid="pending-place-hint">{move || t().pending_place_hint}</p>
                })}
                <button type="submit" disabled=move || flow.busy.get() || !checks().passes()>{move || t().create_key}</button>
            </form>
            {kept().map(|kept| view! {
                <form on:submit=reuse aria-labelledby="reuse-title" data-testid="reuse-key">
                    <h3 id="reuse-title">{move || t().reuse_title}</h3>
                    <p>{move || t().reuse_intro} " " <strong>{kept.file_name}</strong></p>
                    <label for="reuse-password">{move || t().keystore_password}</label>
                    <input id="reuse-password" type="password" autocomplete="current-password"
                        prop:value=move || kept_password.get() on:input=move |ev| kept_password.set(event_target_value(&ev)) />
                    <button type="submit" class="secondary" disabled=move || flow.busy.get()>{move || t().reuse_button}</button>
                </form>
            })}
        </section>
    }
}
