//! F1 a new personal certificate, F2 an organisation's and F5 a renewal, as one guided flow
//! (app/PRODUCT.md §2): read the eID → (the organisation, or the current keystore) → contact
//! data → contract (shown sandboxed, accepted) → keystore password (live checks) → key, CSR and
//! pending keystore (downloaded and kept before anything is sent) → GenerateCertificate signed in
//! the PIN window → certificate, ETK, final keystore (and, for a renewal, the ETK activation).
//! The steps themselves are `ehcert_flows`; this screen only collects input and shows progress.

use ehcert_certra::{
    request::{CertificateIdentifier, ContactData, Contract, Identifier},
    response::{ActorQualities, OrganizationType},
};
use ehcert_flows::{
    contract_text,
    eid::EidHolder,
    new_certificate::{generate_contract, reuse_pending, CertificateRequest, PendingKeystore},
    organisation,
    pending::{finish_request, kept_key_for, make_pending, send_request, Attempt},
    renewal,
};
use ehcert_pki::{
    identifier::PublicKeyIdentifier,
    p12::{Keystore, Password},
    rules::PasswordCheck,
};
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    components::{
        autocomplete, signed_request_file_name, stage_text, EnvironmentSelect, FinalKeystore,
        PasswordRules, Shell, SignedRequestCopy, Subject,
    },
    error::AppError,
    i18n::{strings, use_lang, Strings},
    pages::activate_etk::ActivateEtkOffer,
    services::{bridge::use_bridge, clock, files::chosen_file, flow::WebServices, offer},
};

pub use ehcert_flows::steps::Kind;
use ehcert_flows::steps::Step;

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

/// What the flow has gathered so far (kept in memory only; the key lives in the pending keystore).
#[derive(Default)]
struct Gathered {
    holder: Option<EidHolder>,
    /// Whose certificate: the holder's, the organisation's, or the one being renewed.
    certificate: Option<CertificateIdentifier>,
    qualities: Option<ActorQualities>,
    types: Vec<OrganizationType>,
    contact: Option<ContactData>,
    contract: Option<Contract>,
    /// The eHealth base services the certificate may use: chosen for an organisation, the
    /// current certificate's on a renewal.
    base_services: Vec<String>,
    /// The base services ticked in the organisation form so far.
    ticked_services: Vec<String>,
    pending: Option<PendingKeystore>,
    password: Option<Password>,
}

/// The organisation picked in the form: one the holder manages (by index) or another one.
const ANOTHER: &str = "another";

/// The new-certificate screen for `kind`.
#[component]
pub fn CertificateFlow(kind: Kind) -> impl IntoView {
    let bridge = use_bridge();
    let lang = use_lang();
    let t = move || strings(lang.get());
    let gathered = StoredValue::new_local(Gathered::default());
    let finished = StoredValue::new_local(None::<Keystore>);
    let final_file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    // The signed GenerateCertificate as sent: offered to the person as their evidence.
    let signed_envelope = StoredValue::new_local(None::<(String, String)>);
    let step = RwSignal::new(Step::ReadCard);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let holder_name = RwSignal::new(String::new());
    let environment = RwSignal::new(offer::default_name());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email_general = RwSignal::new(String::new());
    let phone_general = RwSignal::new(String::new());
    let contract_html = RwSignal::new(String::new());
    let contract_dn = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let file_name = RwSignal::new(String::new());
    let current_file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let current_password = RwSignal::new(String::new());
    let replaces = RwSignal::new(None::<String>);
    // Whether GenerateCertificate may have left for the current pending keystore.
    let attempt = StoredValue::new(Attempt::NotSent);
    let to_be_activated = RwSignal::new(false);
    // The organisation form.
    let organisations = RwSignal::new(Vec::<(String, String)>::new());
    let type_names = RwSignal::new(Vec::<(String, String)>::new());
    let organisation_choice = RwSignal::new(String::new());
    let organisation_type = RwSignal::new(String::new());
    let organisation_number = RwSignal::new(String::new());
    let organisation_name = RwSignal::new(String::new());
    let application_id = RwSignal::new(String::new());

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
    let holder = move || gathered.with_value(|gathered| gathered.holder.clone());

    let read_card = move || {
        run(Box::pin(async move {
            let card = bridge.get_value().read_card(None).await?;
            let holder = EidHolder::from_card(&card)?;
            holder_name.set(holder.display_name());
            if kind == Kind::Personal {
                let certificate = holder.personal_certificate();
                gathered.update_value(|gathered| gathered.certificate = Some(certificate));
            }
            gathered.update_value(|gathered| gathered.holder = Some(holder));
            Ok(kind.next(Step::ReadCard))
        }));
    };
    read_card();

    // F5: what the current keystore certifies, and whether it can be renewed today.
    let on_current_file = move |event: leptos::ev::Event| {
        spawn_local(async move {
            if let Some(chosen) = chosen_file(&event).await {
                current_file.set_value(Some(chosen));
            }
        });
    };
    let open_current = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = services() else { return };
        let Some((_, bytes)) = current_file.get_value() else {
            error.set(Some(strings(lang.get_untracked()).choose_file_first.into()));
            return;
        };
        let secret = Password::new(current_password.get_untracked());
        current_password.set(String::new());
        run(Box::pin(async move {
            let holder = holder().ok_or(AppError::CardNotRead)?;
            let current = renewal::open(&bytes, &secret)?;
            let info = renewal::certificate_info(&services, &current).await?;
            renewal::check_renewable(&info, &current, &holder, clock::now())
                .map_err(ehcert_flows::FlowError::from)?;
            email.set(info.contact_data.email_private.clone());
            phone.set(info.contact_data.phone_private.clone());
            email_general.set(info.contact_data.email_general.clone().unwrap_or_default());
            phone_general.set(info.contact_data.phone_general.clone().unwrap_or_default());
            gathered.update_value(|gathered| {
                gathered.certificate = Some(info.identifier);
                gathered.base_services = info.base_service_usage;
            });
            Ok(kind.next(Step::Current))
        }));
    };

    // F2: the organisations the holder manages and the types' rules, in one PIN prompt.
    let look_up_organisations = move |_| {
        let Some(services) = services() else { return };
        status.set(Some(strings(lang.get_untracked()).type_pin.into()));
        run(Box::pin(async move {
            let holder = holder().ok_or(AppError::CardNotRead)?;
            let qualities = organisation::actor_qualities(&services, &holder).await?;
            let types = organisation::organization_types(&services).await?;
            organisations.set(
                qualities
                    .organizations
                    .iter()
                    .map(|org| {
                        let id = format!("{}={}", org.identifier.kind, org.identifier.value);
                        (contract_text(&org.name, lang.get_untracked()), id)
                    })
                    .collect(),
            );
            type_names.set(
                types
                    .iter()
                    .map(|kind| {
                        (
                            kind.identifier_type.clone(),
                            contract_text(&kind.name, lang.get_untracked()),
                        )
                    })
                    .collect(),
            );
            organisation_choice.set(if qualities.organizations.is_empty() {
                ANOTHER.to_owned()
            } else {
                "0".to_owned()
            });
            organisation_type
                .set(types.first().map(|kind| kind.identifier_type.clone()).unwrap_or_default());
            gathered.update_value(|gathered| {
                gathered.qualities = Some(qualities);
                gathered.types = types;
            });
            Ok(Step::Organisation)
        }));
    };
    let organisations_loaded = move || !type_names.get().is_empty();
    // The base services of the organisation's type as picked in the form, right now.
    let available_services = move || {
        let choice = organisation_choice.get();
        let typed = organisation_type.get();
        gathered.with_value(|g| {
            let kind = if choice == ANOTHER {
                Some(typed.as_str())
            } else {
                let index: usize = choice.parse().unwrap_or(0);
                g.qualities
                    .as_ref()
                    .and_then(|qualities| qualities.organizations.get(index))
                    .map(|managed| managed.identifier.kind.as_str())
            };
            kind.and_then(|kind| organisation_type_named(&g.types, kind))
                .map(|kind| kind.available_base_services.clone())
                .unwrap_or_default()
        })
    };
    // The checkboxes' state lives in the page; a tick or untick is noted here.
    let toggle_service = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let (service, on) = (input.value(), input.checked());
        gathered.update_value(|g| {
            g.ticked_services.retain(|each| *each != service);
            if on {
                g.ticked_services.push(service);
            }
        });
    };
    let choose_organisation = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = services() else { return };
        let choice = organisation_choice.get_untracked();
        let typed = (
            organisation_type.get_untracked(),
            organisation_number.get_untracked(),
            organisation_name.get_untracked(),
        );
        let application = application_id.get_untracked();
        run(Box::pin(async move {
            let (identifier, name) = if choice == ANOTHER {
                let (kind_name, number, name) = typed;
                let kind = gathered
                    .with_value(|g| organisation_type_named(&g.types, &kind_name).cloned())
                    .ok_or(ehcert_flows::OrganisationProblem::UnknownType(kind_name.clone()))
                    .map_err(ehcert_flows::FlowError::from)?;
                let value = organisation::check_identifier(
                    &kind,
                    &number,
                    crate::services::regex::full_match,
                )
                .map_err(ehcert_flows::FlowError::from)?;
                (Identifier { kind: kind_name, value }, name)
            } else {
                let index: usize = choice.parse().unwrap_or(0);
                let managed = gathered.with_value(|g| {
                    g.qualities.as_ref().and_then(|q| q.organizations.get(index).cloned())
                });
                let managed = managed.ok_or(ehcert_flows::FlowError::from(
                    ehcert_flows::OrganisationProblem::NameMissing,
                ))?;
                (managed.identifier, contract_text(&managed.name, lang.get_untracked()))
            };
            let application_id = organisation::normalise_application_id(&application)
                .map_err(ehcert_flows::FlowError::from)?;
            let existing = organisation::existing_application_ids(&services, &identifier).await?;
            let certificate = organisation::organisation_certificate(
                identifier,
                &name,
                application_id,
                &existing,
            )
            .map_err(ehcert_flows::FlowError::from)?;
            gathered.update_value(|gathered| {
                gathered.base_services = certificate
                    .actor
                    .ids
                    .first()
                    .and_then(|id| organisation_type_named(&gathered.types, &id.kind))
                    .map(|kind| organisation::base_services_for(kind, &gathered.ticked_services))
                    .unwrap_or_default();
                gathered.certificate = Some(certificate);
            });
            Ok(kind.next(Step::Organisation))
        }));
    };

    let submit_contact = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = services() else { return };
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let contact = ContactData {
            email_private: email.get_untracked().trim().to_owned(),
            email_general: optional(email_general.get_untracked()),
            phone_private: phone.get_untracked().trim().to_owned(),
            phone_general: optional(phone_general.get_untracked()),
        };
        run(Box::pin(async move {
            let holder = holder().ok_or(AppError::CardNotRead)?;
            let certificate = gathered.with_value(|gathered| gathered.certificate.clone());
            let Some(certificate) = certificate else { return Ok(kind.steps()[0]) };
            let contract = generate_contract(&services, &holder, &certificate, &contact).await?;
            contract_html.set(contract_text(&contract.text, lang.get_untracked()));
            contract_dn.set(contract.dn.clone());
            gathered.update_value(|gathered| {
                gathered.contact = Some(contact);
                gathered.contract = Some(contract);
            });
            Ok(kind.next(Step::Contact))
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
            let (certificate, contract) = gathered
                .with_value(|gathered| (gathered.certificate.clone(), gathered.contract.clone()));
            let (Some(certificate), Some(contract)) = (certificate, contract) else {
                return Ok(Step::ReadCard);
            };
            // The key is safe before anything is sent: downloaded, and kept in this browser.
            let pending =
                make_pending(&services, &contract.dn, &certificate, &secret, &mut OsRng).await?;
            file_name.set(pending.file_name.clone());
            gathered.update_value(|gathered| {
                gathered.pending = Some(pending);
                gathered.password = Some(secret);
            });
            attempt.set_value(Attempt::NotSent);
            Ok(kind.next(Step::Password))
        }));
    };

    let sign = move |_| {
        let Some(services) = services() else { return };
        status.set(Some(strings(lang.get_untracked()).type_pin.into()));
        run(Box::pin(async move {
            let (holder, contact, contract, pending, secret) = gathered.with_value(|g| {
                (
                    g.holder.clone(),
                    g.contact.clone(),
                    g.contract.clone(),
                    g.pending.as_ref().map(|p| {
                        (
                            p.csr.clone(),
                            p.bytes.clone(),
                            p.file_name.clone(),
                            p.public_key_identifier,
                        )
                    }),
                    g.password.as_ref().map(|password| Password::new(password.expose())),
                )
            });
            let (
                Some(holder),
                Some(contact),
                Some(contract),
                Some((csr, bytes, name, key_id)),
                Some(secret),
            ) = (holder, contact, contract, pending, secret)
            else {
                return Ok(Step::ReadCard);
            };
            let base_services = gathered.with_value(|g| g.base_services.clone());
            let request = CertificateRequest {
                contact: &contact,
                contract: &contract,
                csr: &csr,
                base_services: &base_services,
            };
            // A second press after a failure may follow a request eHealth did receive (its
            // answer lost): then it is continued, not sent again (`ehcert_flows::pending`).
            let mut sending = attempt.get_value();
            let evidence = |envelope: &str| {
                let name = signed_request_file_name("GenerateCertificate", envelope);
                signed_envelope.set_value(Some((name, envelope.to_owned())));
            };
            let generated =
                send_request(&services, &holder, &request, &key_id, &mut sending, evidence).await;
            attempt.set_value(sending);
            let generated = generated?;
            if let Some(generated) = generated {
                replaces.set(generated.replaces.map(|id| PublicKeyIdentifier(id).to_hex()));
            }
            step.set(kind.next(Step::Sign));
            let progress = |stage| {
                status.set(Some(stage_text(stage, strings(lang.get_untracked())).to_owned()))
            };
            // The ETK key made with the pending keystore serves the first attempt; after that
            // the browser's copy holds the one in use, or a new one is made.
            let etk_key = gathered
                .try_update_value(|g| g.pending.as_mut().and_then(|p| p.etk_key.take()))
                .flatten();
            let outcome =
                finish_request(&services, &bytes, &secret, &name, etk_key, progress, &mut OsRng)
                    .await?;
            to_be_activated.set(outcome.to_be_activated);
            finished.set_value(Some(outcome.keystore));
            final_file.set_value(Some(outcome.file));
            Ok(kind.next(Step::Finish))
        }));
    };

    // A key made before a reload or a closed tab, for this certificate and environment: offered
    // instead of a new one, so that a reload at the Sign step makes no second key (F3).
    let kept = move || {
        let certificate = gathered.with_value(|gathered| gathered.certificate.clone())?;
        kept_key_for(&services()?, &certificate)
    };
    let kept_password = RwSignal::new(String::new());
    let reuse_key = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(kept) = kept() else { return };
        let secret = Password::new(kept_password.get_untracked());
        kept_password.set(String::new());
        run(Box::pin(async move {
            let Some(contract) = gathered.with_value(|gathered| gathered.contract.clone()) else {
                return Ok(Step::ReadCard);
            };
            let pending = reuse_pending(&kept.keystore, &kept.file_name, &secret, &contract.dn)?;
            file_name.set(pending.file_name.clone());
            gathered.update_value(|gathered| {
                gathered.pending = Some(pending);
                gathered.password = Some(secret);
            });
            // Sent before the reload or not: eHealth is asked first.
            attempt.set_value(Attempt::MaybeSent);
            Ok(kind.next(Step::Password))
        }));
    };

    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());
    // An organisation's certificate, also when renewed: its general contact data are asked for.
    let is_organisation = move || {
        kind == Kind::Organisation
            || gathered.with_value(|g| {
                g.certificate.as_ref().is_some_and(|certificate| certificate.person().is_none())
            })
    };

    view! {
        <Shell lang environment>
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
            {move || (!holder_name.get().is_empty()).then(|| view! {
                <p>{t().card_holder} " " <strong data-testid="holder">{holder_name.get()}</strong></p>
            })}
            {move || step.get().before_contract().then(|| view! { <p><EnvironmentSelect environment lang /></p> })}
            {move || match step.get() {
                Step::ReadCard => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_card}</h2>
                        <p>{t().insert_card}</p>
                        <button type="button" disabled=move || busy.get() on:click=move |_| read_card()>{t().read_again}</button>
                    </section>
                }.into_any(),
                Step::Current => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_current}</h2>
                        <p>{t().current_intro}</p>
                        <form on:submit=open_current>
                            <label for="current-file">{t().current_file}</label>
                            <input id="current-file" type="file" accept=".p12,.acc-p12" on:change=on_current_file />
                            <label for="current-password">{t().keystore_password}</label>
                            <input id="current-password" type="password" autocomplete="current-password"
                                prop:value=move || current_password.get() on:input=move |ev| current_password.set(event_target_value(&ev)) />
                            <button type="submit" disabled=move || busy.get()>{t().open_current}</button>
                        </form>
                    </section>
                }.into_any(),
                Step::Organisation => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_organisation}</h2>
                        {move || if organisations_loaded() {
                            view! {
                                <form on:submit=choose_organisation>
                                    <fieldset>
                                        <legend>{t().organisation_choice}</legend>
                                        {organisations.get().into_iter().enumerate().map(|(index, (name, id))| {
                                            let value = index.to_string();
                                            let input_id = format!("organisation-{index}");
                                            let checked = value.clone();
                                            view! {
                                                <p>
                                                    <input type="radio" name="organisation" id=input_id.clone() value=value.clone()
                                                        prop:checked=move || organisation_choice.get() == checked
                                                        on:change=move |_| organisation_choice.set(value.clone()) />
                                                    <label for=input_id>{name} " (" {id} ")"</label>
                                                </p>
                                            }
                                        }).collect_view()}
                                        <p>
                                            <input type="radio" name="organisation" id="organisation-another" value=ANOTHER
                                                prop:checked=move || organisation_choice.get() == ANOTHER
                                                on:change=move |_| organisation_choice.set(ANOTHER.to_owned()) />
                                            <label for="organisation-another">{t().another_organisation}</label>
                                        </p>
                                    </fieldset>
                                    {move || (organisation_choice.get() == ANOTHER).then(|| view! {
                                        <label for="organisation-type">{t().organisation_type}</label>
                                        <select id="organisation-type" prop:value=move || organisation_type.get()
                                            on:change=move |ev| organisation_type.set(event_target_value(&ev))>
                                            {type_names.get().into_iter().map(|(id, name)| view! {
                                                <option value=id.clone()>{name} " (" {id.clone()} ")"</option>
                                            }).collect_view()}
                                        </select>
                                        <label for="organisation-number">{t().organisation_number}</label>
                                        <input id="organisation-number" inputmode="numeric" required
                                            prop:value=move || organisation_number.get() on:input=move |ev| organisation_number.set(event_target_value(&ev)) />
                                        <label for="organisation-name">{t().organisation_name}</label>
                                        <input id="organisation-name" required
                                            prop:value=move || organisation_name.get() on:input=move |ev| organisation_name.set(event_target_value(&ev)) />
                                    })}
                                    <label for="application-id">{t().application_id}</label>
                                    <input id="application-id" aria-describedby="application-id-hint"
                                        prop:value=move || application_id.get() on:input=move |ev| application_id.set(event_target_value(&ev)) />
                                    <p id="application-id-hint" class="hint">{t().application_id_hint}</p>
                                    // The base services of the organisation's type (BaseServiceUsage).
                                    {move || {
                                        let services = available_services();
                                        (!services.is_empty()).then(|| view! {
                                            <fieldset>
                                                <legend>{t().base_services}</legend>
                                                {services.into_iter().map(|service| {
                                                    let input_id = format!("service-{service}");
                                                    let ticked = gathered.with_value(|g| g.ticked_services.contains(&service));
                                                    let label = base_service_label(t(), &service);
                                                    view! {
                                                        <p>
                                                            <input type="checkbox" id=input_id.clone() value=service checked=ticked on:change=toggle_service />
                                                            <label for=input_id>{label}</label>
                                                        </p>
                                                    }
                                                }).collect_view()}
                                            </fieldset>
                                        })
                                    }}
                                    <button type="submit" disabled=move || busy.get()>{t().continue_}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! {
                                <p>{t().organisation_intro}</p>
                                <button type="button" class="primary" disabled=move || busy.get() on:click=look_up_organisations>{t().look_up_organisations}</button>
                            }.into_any()
                        }}
                    </section>
                }.into_any(),
                Step::Contact => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_contact}</h2>
                        <form on:submit=submit_contact>
                            <label for="email">{t().email}</label>
                            <input id="email" type="email" required autocomplete=autocomplete("email")
                                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                            <label for="phone">{t().phone}</label>
                            <input id="phone" type="tel" required autocomplete=autocomplete("tel")
                                prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
                            {is_organisation().then(|| view! {
                                <label for="email-general">{t().email_general}</label>
                                <input id="email-general" type="email" required
                                    prop:value=move || email_general.get() on:input=move |ev| email_general.set(event_target_value(&ev)) />
                                <label for="phone-general">{t().phone_general}</label>
                                <input id="phone-general" type="tel"
                                    prop:value=move || phone_general.get() on:input=move |ev| phone_general.set(event_target_value(&ev)) />
                            })}
                            <button type="submit" disabled=move || busy.get()>{t().continue_}</button>
                        </form>
                    </section>
                }.into_any(),
                Step::Contract => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_contract}</h2>
                        <p>{t().contract_for}</p>
                        <Subject dn=contract_dn.get() lang />
                        // The contract is eHealth's HTML: shown in a frame without scripts, forms or same-origin access.
                        <iframe class="contract" title=t().contract_frame sandbox="" srcdoc=contract_html.get()></iframe>
                        <p>
                            <input id="accept" type="checkbox" prop:checked=move || accepted.get()
                                on:change=move |ev| accepted.set(event_target_checked(&ev)) />
                            <label for="accept">{t().accept}</label>
                        </p>
                        <button type="button" class="primary" disabled=move || !accepted.get() on:click=move |_| step.set(kind.next(Step::Contract))>{t().continue_}</button>
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
                            <PasswordRules lang password confirmation />
                            <button type="submit" disabled=move || busy.get() || !checks().passes()>{t().create_key}</button>
                        </form>
                        {kept().map(|kept| view! {
                            <form on:submit=reuse_key aria-labelledby="reuse-title" data-testid="reuse-key">
                                <h3 id="reuse-title">{t().reuse_title}</h3>
                                <p>{t().reuse_intro} " " <strong>{kept.file_name}</strong></p>
                                <label for="reuse-password">{t().keystore_password}</label>
                                <input id="reuse-password" type="password" autocomplete="current-password"
                                    prop:value=move || kept_password.get() on:input=move |ev| kept_password.set(event_target_value(&ev)) />
                                <button type="submit" class="secondary" disabled=move || busy.get()>{t().reuse_button}</button>
                            </form>
                        })}
                    </section>
                }.into_any(),
                Step::Sign => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_sign}</h2>
                        <p data-testid="pending-saved">{t().pending_saved} " " <strong>{file_name.get()}</strong></p>
                        <p>{t().sign_intro}</p>
                        <button type="button" class="primary" disabled=move || busy.get() on:click=sign>{t().sign_button}</button>
                    </section>
                }.into_any(),
                Step::Finish => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_finish}</h2>
                        <p>{t().finish_text}</p>
                        // After a failure here eHealth has the request: trying again asks for the
                        // certificate and goes on with the ETK key kept so far, without the PIN
                        // (on a kiosk, the only copy of that key is in this page).
                        {move || (error.get().is_some() && !busy.get()).then(|| view! {
                            <button type="button" class="primary" on:click=move |ev| {
                                sign(ev);
                                status.set(Some(t().waiting.into()));
                            }>{t().try_again}</button>
                        })}
                    </section>
                }.into_any(),
                Step::Done => view! {
                    <section aria-labelledby="step-title">
                        <h2 id="step-title">{t().step_done}</h2>
                        <p role="status" class="alert-success" data-testid="done">{t().done} " " <strong>{file_name.get()}</strong></p>
                        <FinalKeystore file=final_file keystore=finished lang />
                        <SignedRequestCopy envelope=signed_envelope lang />
                        <dl class="summary" data-testid="summary">
                            <dt>{t().contract_for}</dt>
                            <dd><Subject dn=contract_dn.get() lang /></dd>
                            {replaces.get().map(|id| view! {
                                <dt>{t().replaces}</dt>
                                <dd data-testid="replaces">{id}</dd>
                            })}
                        </dl>
                        {to_be_activated.get().then(|| view! {
                            <ActivateEtkOffer keystore=finished environment lang />
                        })}
                    </section>
                }.into_any(),
            }}
            {move || status.get().map(|text| view! { <p role="status" data-testid="status">{text}</p> })}
            {move || error.get().map(|text| view! { <p role="alert" data-testid="error">{text}</p> })}
        </Shell>
    }
}

/// The organisation type `identifier_type` among eHealth's types (GetGenericOrganizationTypes).
fn organisation_type_named<'a>(
    types: &'a [OrganizationType],
    identifier_type: &str,
) -> Option<&'a OrganizationType> {
    types.iter().find(|kind| kind.identifier_type == identifier_type)
}

/// A base service's name in the page's language, with eHealth's code.
fn base_service_label(t: &Strings, code: &str) -> String {
    let name = match code {
        "tsa" => t.service_tsa,
        "consultrn" => t.service_consultrn,
        "codage" => t.service_codage,
        "other" => t.service_other,
        _ => return code.to_owned(),
    };
    format!("{name} ({code})")
}
