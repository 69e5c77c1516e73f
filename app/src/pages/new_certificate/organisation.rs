//! An organisation's second step (F2): the organisations the holder manages (or another one),
//! the application id, and the base services of the organisation's type.

use ehcert_certra::{request::Identifier, response::OrganizationType};
use ehcert_flows::{contract_text, organisation, steps::Step, FlowError, OrganisationProblem};
use leptos::prelude::*;

use super::state::FlowState;
use crate::{
    components::register_words,
    i18n::{strings, Strings},
};

/// The organisation picked in the form: one the holder manages (by index) or another one.
const ANOTHER: &str = "another";

#[component]
pub fn OrganisationStep(flow: FlowState) -> impl IntoView {
    let t = move || flow.t();
    let gathered = flow.gathered;
    // (name, TYPE=number) of each organisation the holder manages; (type, name) of each type.
    let organisations = RwSignal::new(Vec::<(String, String)>::new());
    let type_names = RwSignal::new(Vec::<(String, String)>::new());
    let choice = RwSignal::new(String::new());
    let organisation_type = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let application_id = RwSignal::new(String::new());

    // The organisations the holder manages and the types' rules, in one PIN prompt.
    let look_up = move |_| {
        let Some(services) = flow.services() else { return };
        flow.say(flow.t_now().type_pin);
        flow.run(Box::pin(async move {
            let holder = flow.holder()?;
            let qualities = organisation::actor_qualities(&services, &holder).await?;
            let types = organisation::organization_types(&services).await?;
            let lang = flow.lang.get_untracked();
            let names: Vec<(String, String)> = qualities
                .organizations
                .iter()
                .map(|org| {
                    let id = format!(
                        "{} {}",
                        register_words(&org.identifier.kind, strings(lang)),
                        org.identifier.value
                    );
                    (contract_text(&org.name, lang), id)
                })
                .collect();
            let kinds: Vec<(String, String)> = types
                .iter()
                .map(|kind| (kind.identifier_type.clone(), contract_text(&kind.name, lang)))
                .collect();
            let first_choice = if names.is_empty() { ANOTHER.to_owned() } else { "0".to_owned() };
            let first_type = types.first().map(|kind| kind.identifier_type.clone());
            // Kept before the signals show the form, which reads them (the base services).
            gathered.update_value(|gathered| {
                gathered.qualities = Some(qualities);
                gathered.types = types;
            });
            choice.set(first_choice);
            organisation_type.set(first_type.unwrap_or_default());
            organisations.set(names);
            type_names.set(kinds);
            Ok(Step::Organisation)
        }));
    };
    let loaded = move || !type_names.get().is_empty();
    // The base services of the organisation's type as picked in the form, right now.
    let available_services = move || {
        let (choice, typed) = (choice.get(), organisation_type.get());
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
            kind.and_then(|kind| type_named(&g.types, kind))
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
    let choose = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(services) = flow.services() else { return };
        let picked = choice.get_untracked();
        let typed =
            (organisation_type.get_untracked(), number.get_untracked(), name.get_untracked());
        let application = application_id.get_untracked();
        flow.run(Box::pin(async move {
            let lang = flow.lang.get_untracked();
            let (identifier, name) = if picked == ANOTHER {
                let (kind_name, number, name) = typed;
                let kind = gathered
                    .with_value(|g| type_named(&g.types, &kind_name).cloned())
                    .ok_or(OrganisationProblem::UnknownType(kind_name.clone()))
                    .map_err(FlowError::from)?;
                let value = organisation::check_identifier(
                    &kind,
                    &number,
                    crate::services::regex::full_match,
                )
                .map_err(FlowError::from)?;
                (Identifier { kind: kind_name, value }, name)
            } else {
                let index: usize = picked.parse().unwrap_or(0);
                let managed = gathered.with_value(|g| {
                    g.qualities.as_ref().and_then(|q| q.organizations.get(index).cloned())
                });
                let managed = managed.ok_or(FlowError::from(OrganisationProblem::NameMissing))?;
                (managed.identifier, contract_text(&managed.name, lang))
            };
            let application_id =
                organisation::normalise_application_id(&application).map_err(FlowError::from)?;
            let existing = organisation::existing_application_ids(&services, &identifier).await?;
            let certificate = organisation::organisation_certificate(
                identifier,
                &name,
                application_id,
                &existing,
            )
            .map_err(FlowError::from)?;
            gathered.update_value(|gathered| {
                gathered.base_services = certificate
                    .actor
                    .ids
                    .first()
                    .and_then(|id| type_named(&gathered.types, &id.kind))
                    .map(|kind| organisation::base_services_for(kind, &gathered.ticked_services))
                    .unwrap_or_default();
                gathered.certificate = Some(certificate);
            });
            Ok(flow.kind.next(Step::Organisation))
        }));
    };

    let form = move || {
        view! {
            <form on:submit=choose>
                <fieldset>
                    <legend>{move || t().organisation_choice}</legend>
                    {organisations.get().into_iter().enumerate().map(|(index, (name, id))| {
                        let value = index.to_string();
                        let input_id = format!("organisation-{index}");
                        let checked = value.clone();
                        view! {
                            <p>
                                <input type="radio" name="organisation" id=input_id.clone() value=value.clone()
                                    prop:checked=move || choice.get() == checked
                                    on:change=move |_| choice.set(value.clone()) />
                                <label for=input_id>{name} " (" {id} ")"</label>
                            </p>
                        }
                    }).collect_view()}
                    <p>
                        <input type="radio" name="organisation" id="organisation-another" value=ANOTHER
                            prop:checked=move || choice.get() == ANOTHER
                            on:change=move |_| choice.set(ANOTHER.to_owned()) />
                        <label for="organisation-another">{move || t().another_organisation}</label>
                    </p>
                </fieldset>
                {move || (choice.get() == ANOTHER).then(|| view! {
                    <label for="organisation-type">{move || t().organisation_type}</label>
                    <select id="organisation-type" prop:value=move || organisation_type.get()
                        on:change=move |ev| organisation_type.set(event_target_value(&ev))>
                        {type_names.get().into_iter().map(|(id, name)| view! {
                            <option value=id.clone()>{name} " (" {register_words(&id, t())} ")"</option>
                        }).collect_view()}
                    </select>
                    <label for="organisation-number">{move || t().organisation_number}</label>
                    <input id="organisation-number" inputmode="numeric" required
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                    <label for="organisation-name">{move || t().organisation_name}</label>
                    <input id="organisation-name" required
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                })}
                <label for="application-id">{move || t().application_id}</label>
                <input id="application-id" aria-describedby="application-id-hint"
                    prop:value=move || application_id.get() on:input=move |ev| application_id.set(event_target_value(&ev)) />
                <p id="application-id-hint" class="hint">{move || t().application_id_hint}</p>
                // The base services of the organisation's type (BaseServiceUsage).
                {move || {
                    let services = available_services();
                    (!services.is_empty()).then(|| view! {
                        <fieldset>
                            <legend>{move || t().base_services}</legend>
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
                <button type="submit" disabled=move || flow.busy.get()>{move || t().continue_}</button>
            </form>
        }
    };
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{move || t().step_organisation}</h2>
            {move || if loaded() {
                form().into_any()
            } else {
                view! {
                    <p>{move || t().organisation_intro}</p>
                    <button type="button" class="primary" disabled=move || flow.busy.get() on:click=look_up>
                        {move || t().look_up_organisations}
                    </button>
                }.into_any()
            }}
        </section>
    }
}

/// The organisation type `identifier_type` among eHealth's types (GetGenericOrganizationTypes).
fn type_named<'a>(
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
