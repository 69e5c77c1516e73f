//! F1, a new personal certificate, as one guided flow (spec/product.md §2): read the eID →
//! contact data → contract (shown sandboxed, accepted) → keystore password (live checks) → key,
//! CSR and pending keystore (downloaded and kept before anything is sent) → GenerateCertificate
//! signed in the PIN window → certificate, ETK, final keystore. The steps themselves are
//! `ehcert_flows::new_certificate`; this screen only collects input and shows progress.

use ehcert_certra::request::{ContactData, Contract};
use ehcert_flows::{
    contract_text,
    eid::EidHolder,
    new_certificate::{
        generate_contract, pending_keystore, request_certificate, MadeAt, PendingKeystore,
    },
};
use ehcert_pki::{p12::Password, rules::PasswordCheck};
use ehcert_shared::page::Lang;
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    error::AppError,
    i18n::{strings, use_lang, LanguagePicker, Strings},
    pages::complete::{finish_request, EnvironmentSelect},
    services::{
        bridge::BridgeClient,
        clock,
        files::{download, keep_pending, StoredPending},
        flow::WebServices,
        kiosk::KioskGuard,
        webcrypto::generate_rsa_key,
    },
};

/// Where the flow stands.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Step {
    ReadCard,
    Contact,
    Contract,
    Password,
    Sign,
    Finish,
    Done,
}

impl Step {
    const LIST: [Step; 7] = [
        Step::ReadCard,
        Step::Contact,
        Step::Contract,
        Step::Password,
        Step::Sign,
        Step::Finish,
        Step::Done,
    ];

    fn label(self, t: &Strings) -> &'static str {
        match self {
            Step::ReadCard => t.step_card,
            Step::Contact => t.step_contact,
            Step::Contract => t.step_contract,
            Step::Password => t.step_password,
            Step::Sign => t.step_sign,
            Step::Finish => t.step_finish,
            Step::Done => t.step_done,
        }
    }
}

/// What the flow has gathered so far (kept in memory only; the key lives in the pending keystore).
#[derive(Default)]
struct Gathered {
    holder: Option<EidHolder>,
    contact: Option<ContactData>,
    contract: Option<Contract>,
    pending: Option<PendingKeystore>,
    password: Option<Password>,
}

/// The new personal certificate screen.
#[component]
pub fn NewCertificate() -> impl IntoView {
    let bridge = StoredValue::new_local(BridgeClient::new());
    let lang = use_lang();
    let t = move || strings(lang.get());
    let gathered = StoredValue::new_local(Gathered::default());
    let step = RwSignal::new(Step::ReadCard);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let holder_name = RwSignal::new(String::new());
    let environment = RwSignal::new("acceptance".to_owned());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let contract_html = RwSignal::new(String::new());
    let contract_dn = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let file_name = RwSignal::new(String::new());

    let services = move || {
        WebServices::named(&environment.get_untracked(), bridge.get_value(), lang.get_untracked())
    };
    // Runs one step's work with the busy flag and the error line handled in one place.
    let run = move |work: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Step, AppError>>>,
    >| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match work.await {
                Ok(next) => step.set(next),
                Err(err) => error.set(Some(err.message(lang.get_untracked()))),
            }
            status.set(None);
            busy.set(false);
        });
    };

    let read_card = move || {
        run(Box::pin(async move {
            let card = bridge.get_value().read_card(None).await?;
            let holder = EidHolder::from_card(&card)?;
            holder_name.set(holder.display_name());
            gathered.update_value(|gathered| gathered.holder = Some(holder));
            Ok(Step::Contact)
        }));
    };
    read_card();

    let submit_contact = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = services() else { return };
        let contact = ContactData {
            email_private: email.get_untracked().trim().to_owned(),
            email_general: None,
            phone_private: phone.get_untracked().trim().to_owned(),
            phone_general: None,
        };
        run(Box::pin(async move {
            let holder = gathered.with_value(|gathered| gathered.holder.clone());
            let holder = holder.ok_or(AppError::Card("read the eID card first".into()))?;
            let contract = generate_contract(&services, &holder, &contact).await?;
            let text = contract_text(&contract.text);
            contract_html.set(text);
            contract_dn.set(contract.dn.clone());
            gathered.update_value(|gathered| {
                gathered.contact = Some(contact);
                gathered.contract = Some(contract);
            });
            Ok(Step::Contract)
        }));
    };

    let submit_password = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !PasswordCheck::of(&password.get_untracked(), &confirmation.get_untracked()).passes() {
            return;
        }
        let Some(services) = services() else { return };
        let secret = Password::new(password.get_untracked());
        password.set(String::new());
        confirmation.set(String::new());
        status.set(Some(strings(lang.get_untracked()).making_key.into()));
        run(Box::pin(async move {
            let (key, _) = generate_rsa_key().await?;
            let (holder, contract) = gathered
                .with_value(|gathered| (gathered.holder.clone(), gathered.contract.clone()));
            let (Some(holder), Some(contract)) = (holder, contract) else {
                return Ok(Step::ReadCard);
            };
            let made = MadeAt {
                environment: services.environment,
                now: clock::now(),
                local: clock::local_date_time(),
            };
            let pending = pending_keystore(&contract, &holder, &key, &secret, made, &mut OsRng)?;
            // The key is safe before anything is sent: downloaded, and kept in this browser.
            download(&pending.bytes, &pending.file_name)?;
            keep_pending(&StoredPending {
                environment: services.environment.name().to_owned(),
                file_name: pending.file_name.clone(),
                keystore: pending.bytes.clone(),
            })?;
            file_name.set(pending.file_name.clone());
            gathered.update_value(|gathered| {
                gathered.pending = Some(pending);
                gathered.password = Some(secret);
            });
            Ok(Step::Sign)
        }));
    };

    let sign = move |_| {
        let Some(services) = services() else { return };
        status.set(Some(strings(lang.get_untracked()).type_pin.into()));
        run(Box::pin(async move {
            let (holder, contact, contract, csr, bytes, secret, name) = gathered.with_value(|g| {
                (
                    g.holder.clone(),
                    g.contact.clone(),
                    g.contract.clone(),
                    g.pending.as_ref().map(|pending| pending.csr.clone()),
                    g.pending.as_ref().map(|pending| pending.bytes.clone()),
                    g.password.as_ref().map(|password| Password::new(password.expose())),
                    g.pending.as_ref().map(|pending| pending.file_name.clone()),
                )
            });
            let (
                Some(holder),
                Some(contact),
                Some(contract),
                Some(csr),
                Some(bytes),
                Some(secret),
                Some(name),
            ) = (holder, contact, contract, csr, bytes, secret, name)
            else {
                return Ok(Step::ReadCard);
            };
            request_certificate(&services, &holder, &contact, &contract, &csr).await?;
            step.set(Step::Finish);
            finish_request(&services, &bytes, &secret, &name, |stage| {
                status.set(Some(stage.text(strings(lang.get_untracked())).to_owned()))
            })
            .await?;
            Ok(Step::Done)
        }));
    };

    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());

    view! {
        <main>
            <LanguagePicker lang />
            <KioskGuard lang />
            <h1>{move || t().new_title}</h1>
            <p><a href="#">{move || t().home}</a></p>
            <ol class="steps" aria-label=move || t().steps>
                {Step::LIST.into_iter().map(|each| {
                    view! {
                        <li aria-current=move || (step.get() == each).then_some("step")>{move || each.label(t())}</li>
                    }
                }).collect_view()}
            </ol>
            {move || (!holder_name.get().is_empty()).then(|| view! {
                <p>{t().card_holder} " " <strong data-testid="holder">{holder_name.get()}</strong></p>
            })}
            {move || match step.get() {
                Step::ReadCard => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_card}</h2>
                        <p>{t().insert_card}</p>
                        <button type="button" disabled=move || busy.get() on:click=move |_| read_card()>{t().read_again}</button>
                    </section>
                }.into_any(),
                Step::Contact => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_contact}</h2>
                        <form on:submit=submit_contact>
                            <EnvironmentSelect environment lang />
                            <label for="email">{t().email}</label>
                            <input id="email" type="email" required autocomplete="email"
                                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                            <label for="phone">{t().phone}</label>
                            <input id="phone" type="tel" required autocomplete="tel"
                                prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
                            <button type="submit" disabled=move || busy.get()>{t().continue_}</button>
                        </form>
                    </section>
                }.into_any(),
                Step::Contract => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_contract}</h2>
                        <p>{t().contract_for} " " <code data-testid="dn">{contract_dn.get()}</code></p>
                        // The contract is eHealth's HTML: shown in a frame without scripts, forms or same-origin access.
                        <iframe class="contract" title=t().contract_frame sandbox="" srcdoc=contract_html.get()></iframe>
                        <p>
                            <input id="accept" type="checkbox" prop:checked=move || accepted.get()
                                on:change=move |ev| accepted.set(event_target_checked(&ev)) />
                            <label for="accept">{t().accept}</label>
                        </p>
                        <button type="button" disabled=move || !accepted.get() on:click=move |_| step.set(Step::Password)>{t().continue_}</button>
                    </section>
                }.into_any(),
                Step::Password => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_password}</h2>
                        <p>{t().password_intro}</p>
                        <form on:submit=submit_password>
                            <label for="password">{t().password}</label>
                            <input id="password" type="password" autocomplete="new-password" aria-describedby="password-rules"
                                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                            <label for="confirmation">{t().password_again}</label>
                            <input id="confirmation" type="password" autocomplete="new-password"
                                prop:value=move || confirmation.get() on:input=move |ev| confirmation.set(event_target_value(&ev)) />
                            <ul id="password-rules" aria-live="polite">
                                <Rule lang met=Signal::derive(move || checks().long_enough) text=|t| t.rule_length />
                                <Rule lang met=Signal::derive(move || checks().has_digit_or_symbol) text=|t| t.rule_digit />
                                <Rule lang met=Signal::derive(move || checks().only_accepted_characters) text=|t| t.rule_characters />
                                <Rule lang met=Signal::derive(move || checks().confirmed) text=|t| t.rule_same />
                            </ul>
                            <button type="submit" disabled=move || busy.get() || !checks().passes()>{t().create_key}</button>
                        </form>
                    </section>
                }.into_any(),
                Step::Sign => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_sign}</h2>
                        <p data-testid="pending-saved">{t().pending_saved} " " <strong>{file_name.get()}</strong></p>
                        <p>{t().sign_intro}</p>
                        <button type="button" disabled=move || busy.get() on:click=sign>{t().sign_button}</button>
                    </section>
                }.into_any(),
                Step::Finish => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_finish}</h2>
                        <p>{t().finish_text}</p>
                    </section>
                }.into_any(),
                Step::Done => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_done}</h2>
                        <p role="status" data-testid="done">{t().done} " " <strong>{file_name.get()}</strong></p>
                    </section>
                }.into_any(),
            }}
            {move || status.get().map(|text| view! { <p role="status" data-testid="status">{text}</p> })}
            {move || error.get().map(|text| view! { <p role="alert" data-testid="error">{text}</p> })}
        </main>
    }
}

/// One password rule, met or not, in words (not colour alone, spec/product.md F9).
#[component]
fn Rule(
    lang: RwSignal<Lang>,
    met: Signal<bool>,
    text: fn(&Strings) -> &'static str,
) -> impl IntoView {
    view! {
        <li data-met=move || met.get().to_string()>
            {move || {
                let t = strings(lang.get());
                format!("{} {}", if met.get() { t.rule_met } else { t.rule_not_met }, text(t))
            }}
        </li>
    }
}
