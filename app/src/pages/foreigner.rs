//! F13, a care provider living abroad without a Belgian eID (app/PRODUCT.md §2): name, BIS
//! number and contact data → keystore password → key, CSR and pending keystore (saved before
//! anything is sent) → SubmitCSRForForeigner → eHealth's confirmation link and its deadline.
//! Once confirmed, "Complete a request" finishes it like any other pending keystore.

use ehcert_certra::request::ContactData;
use ehcert_flows::{
    foreigner::{submit, ForeignProvider},
    pending::make_pending,
};
use ehcert_pki::{p12::Password, rules::PasswordCheck};
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    components::{autocomplete, EnvironmentSelect, ErrorAlert, PasswordRules, Shell},
    error::AppError,
    i18n::{strings, use_lang},
    services::{bridge::use_bridge, flow::WebServices, offer},
};

/// What eHealth answered: where to confirm, until when, and the saved file.
#[derive(Clone)]
struct Submitted {
    validation_url: String,
    expiration_date: String,
    file_name: String,
}

/// The foreign provider's screen.
#[component]
pub fn Foreigner() -> impl IntoView {
    let lang = use_lang();
    let bridge = use_bridge();
    let t = move || strings(lang.get());
    let environment = RwSignal::new(offer::default_name());
    let bis = RwSignal::new(String::new());
    let given_names = RwSignal::new(String::new());
    let surname = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let submitted = RwSignal::new(None::<Submitted>);
    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());

    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !PasswordCheck::of(&password.get_untracked(), &confirmation.get_untracked()).passes() {
            return;
        }
        let Some(services) = WebServices::named(
            &environment.get_untracked(),
            bridge.get_value(),
            lang.get_untracked(),
        ) else {
            return;
        };
        let person = ForeignProvider::new(
            &bis.get_untracked(),
            &given_names.get_untracked(),
            &surname.get_untracked(),
        );
        let person = match person {
            Ok(person) => person,
            Err(problem) => {
                error.set(Some(AppError::Foreigner(problem)));
                return;
            }
        };
        let contact = ContactData {
            email_private: email.get_untracked().trim().to_owned(),
            email_general: None,
            phone_private: phone.get_untracked().trim().to_owned(),
            phone_general: None,
        };
        let secret = Password::new(password.get_untracked());
        password.set(String::new());
        confirmation.set(String::new());
        busy.set(true);
        error.set(None);
        status.set(Some(strings(lang.get_untracked()).making_key.into()));
        spawn_local(async move {
            let result = async {
                // The key is safe before anything is sent: downloaded, and kept in this browser.
                let pending = make_pending(
                    &services,
                    &person.dn(),
                    &person.certificate(),
                    &secret,
                    &mut OsRng,
                )
                .await?;
                let answer = submit(&services, &person, &contact, &pending.csr).await?;
                Ok::<_, AppError>(Submitted {
                    validation_url: answer.validation_url,
                    expiration_date: answer.expiration_date,
                    file_name: pending.file_name,
                })
            }
            .await;
            match result {
                Ok(done) => submitted.set(Some(done)),
                Err(err) => error.set(Some(err)),
            }
            status.set(None);
            busy.set(false);
        });
    };

    view! {
        <Shell lang environment>
            <h1>{move || t().foreigner_title}</h1>
            {move || match submitted.get() {
                None => view! {
                    <p>{t().foreigner_intro}</p>
                    <form on:submit=send>
                        <EnvironmentSelect environment lang />
                        <label for="given-names">{t().given_names}</label>
                        <input id="given-names" required autocomplete=autocomplete("given-name")
                            prop:value=move || given_names.get() on:input=move |ev| given_names.set(event_target_value(&ev)) />
                        <label for="surname">{t().surname}</label>
                        <input id="surname" required autocomplete=autocomplete("family-name")
                            prop:value=move || surname.get() on:input=move |ev| surname.set(event_target_value(&ev)) />
                        <label for="bis">{t().bis_number}</label>
                        <input id="bis" required inputmode="numeric"
                            prop:value=move || bis.get() on:input=move |ev| bis.set(event_target_value(&ev)) />
                        <label for="email">{t().email}</label>
                        <input id="email" type="email" required autocomplete=autocomplete("email")
                            prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                        <label for="phone">{t().phone}</label>
                        <input id="phone" type="tel" required autocomplete=autocomplete("tel")
                            prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
                        <p>{t().password_intro}</p>
                        <label for="password">{t().password}</label>
                        <input id="password" type="password" autocomplete="new-password" aria-describedby="password-rules"
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                        <label for="confirmation">{t().password_again}</label>
                        <input id="confirmation" type="password" autocomplete="new-password"
                            prop:value=move || confirmation.get() on:input=move |ev| confirmation.set(event_target_value(&ev)) />
                        <PasswordRules lang password confirmation />
                        <button type="submit" disabled=move || busy.get() || !checks().passes()>{t().submit_foreigner}</button>
                    </form>
                }.into_any(),
                Some(done) => view! {
                    <section aria-labelledby="sent-title">
                        <h2 id="sent-title">{t().step_done}</h2>
                        <p data-testid="pending-saved">{t().pending_saved} " " <strong>{done.file_name}</strong></p>
                        <p>{t().validation_link} " "
                            <a data-testid="validation-url" href=done.validation_url.clone() target="_blank" rel="noopener noreferrer">{done.validation_url.clone()}</a>
                        </p>
                        <p>{t().validation_until} " " <strong data-testid="expiration">{ehcert_flows::my_certificates::unix_seconds(&done.expiration_date).map_or_else(|| done.expiration_date.clone(), |at| crate::i18n::written_date(at, lang.get_untracked()))}</strong></p>
                        <p>{t().foreigner_next} " " <a href="#complete">{t().task_complete}</a></p>
                    </section>
                }.into_any(),
            }}
            {move || status.get().map(|text| view! { <p role="status" data-testid="status">{text}</p> })}
            {move || error.get().map(|error| view! { <ErrorAlert error lang /> })}
        </Shell>
    }
}
