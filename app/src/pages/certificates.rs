//! "My certificates" (F14) with the renewal reminder (F16) and revocation (F8): the list comes
//! from GetCertificateInfoForCitizen, signed in the PIN window with the authentication key; a
//! revocable certificate is revoked after its revocation contract is shown and accepted.

use ehcert_certra::{
    request::{RevocationContract, RevocationReason},
    response::CertificateInfo,
};
use ehcert_flows::{contract_text, eid::EidHolder, my_certificates};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::{
        download_renewal_reminder, signed_request_file_name, EnvironmentSelect, ErrorAlert, Shell,
        SignedRequestCopy, Subject,
    },
    error::AppError,
    i18n::{strings, use_lang, written_date, Strings},
    services::{bridge::use_bridge, clock, flow::WebServices, offer},
};

/// A certificate's status at eHealth (CertRA's `AuthenticationCertificateStatus`) in words; one
/// eHealth adds later is shown as eHealth writes it.
fn status_words(status: &str, t: &Strings) -> String {
    match status {
        "IN_PROGRESS" => t.status_in_progress,
        "VALID_ACTIVE" => t.status_valid,
        "REFUSED" => t.status_refused,
        "REVOKED" => t.status_revoked,
        "EXPIRED" => t.status_expired,
        other => return other.to_owned(),
    }
    .to_owned()
}

/// An ETK's status at eHealth (CertRA's `ETKStatus`) in words.
fn etk_status_words(status: &str, t: &Strings) -> String {
    match status {
        "NOT_REQUESTED" => t.etk_none,
        "IN_REQUEST" => t.etk_requested,
        "WAIT_FOR_ACTIVATION" => t.etk_to_activate,
        other => return status_words(other, t),
    }
    .to_owned()
}

/// One certificate, as the table shows it.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    identifier: [u8; 20],
    name: String,
    status: String,
    etk_status: String,
    /// Unix seconds, written in the person's language and time zone.
    valid_until: Option<i64>,
    days_left: Option<i64>,
    renewal_from: Option<i64>,
    revocable: bool,
    /// What the reminder needs: DN, window start and expiry (Unix seconds).
    reminder: Option<(String, i64, i64)>,
}

impl Row {
    fn of(info: &CertificateInfo, now: i64) -> Self {
        let details = info.details.as_ref();
        let expiry = details.and_then(|d| my_certificates::unix_seconds(&d.valid_not_after));
        let window =
            info.replacement_period_start.as_deref().and_then(my_certificates::unix_seconds);
        Self {
            identifier: info.public_key_identifier,
            name: details.map_or_else(
                || {
                    let actor = &info.identifier.actor;
                    let id = actor.ids.first().map(|id| format!("{}={}", id.kind, id.value));
                    id.unwrap_or_else(|| actor.name.clone())
                },
                |details| details.dn.clone(),
            ),
            status: info.status.clone(),
            etk_status: info.etk_status.clone(),
            valid_until: expiry,
            days_left: details.and_then(|d| my_certificates::days_until(&d.valid_not_after, now)),
            renewal_from: window,
            revocable: info.revocable,
            reminder: match (details, window, expiry) {
                (Some(details), Some(window), Some(expiry)) => {
                    Some((details.dn.clone(), window, expiry))
                }
                (Some(details), None, Some(expiry)) => Some((
                    details.dn.clone(),
                    my_certificates::default_replacement_start(expiry),
                    expiry,
                )),
                _ => None,
            },
        }
    }
}

/// The "My certificates" screen.
#[component]
pub fn Certificates() -> impl IntoView {
    let bridge = use_bridge();
    let holder = StoredValue::new_local(None::<EidHolder>);
    let lang = use_lang();
    let t = move || strings(lang.get());
    let environment = RwSignal::new(offer::default_name());
    let rows = RwSignal::new(None::<Vec<Row>>);
    // Entries of eHealth's list that could not be read: counted, not shown.
    let unreadable = RwSignal::new(0_usize);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The certificate being revoked, the reason, and its contract once generated.
    let revoking = RwSignal::new(None::<Row>);
    let reason = RwSignal::new("cessationOfOperation".to_owned());
    let contract = StoredValue::new_local(None::<RevocationContract>);
    let contract_html = RwSignal::new(None::<String>);
    let accepted = RwSignal::new(false);

    let services = move || {
        WebServices::named(&environment.get_untracked(), bridge.get_value(), lang.get_untracked())
    };
    let eid = move || async move {
        if let Some(known) = holder.get_value() {
            return Ok::<_, AppError>(known);
        }
        let card = bridge.get_value().read_card(None).await?;
        let read = EidHolder::from_card(&card)?;
        holder.set_value(Some(read.clone()));
        Ok(read)
    };
    let load = move || {
        let Some(services) = services() else { return };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let holder = eid().await?;
                let list = my_certificates::list(&services, &holder).await?;
                let now = i64::try_from(clock::now().0).unwrap_or(i64::MAX);
                unreadable.set(list.unreadable.len());
                Ok::<_, AppError>(list.certificates.iter().map(|info| Row::of(info, now)).collect())
            }
            .await;
            match result {
                Ok(list) => rows.set(Some(list)),
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };

    let show_contract = move |_| {
        let (Some(services), Some(row)) = (services(), revoking.get_untracked()) else { return };
        let Some(chosen) = RevocationReason::parse(&reason.get_untracked()) else { return };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let holder = eid().await?;
                my_certificates::revocation_contract(&services, &holder, &row.identifier, chosen)
                    .await
            }
            .await;
            match result {
                Ok(generated) => {
                    let text = contract_text(&generated.text, lang.get_untracked());
                    contract.set_value(Some(generated));
                    contract_html.set(Some(text));
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let signed_envelope = StoredValue::new_local(None::<(String, String)>);
    let revoke = move |_| {
        let (Some(services), Some(row), Some(signed)) =
            (services(), revoking.get_untracked(), contract.get_value())
        else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let holder = eid().await?;
                my_certificates::revoke(&services, &holder, &row.identifier, &signed).await
            }
            .await;
            busy.set(false);
            match result {
                Ok(envelope) => {
                    let name = signed_request_file_name("Revoke", &envelope);
                    signed_envelope.set_value(Some((name, envelope)));
                    revoking.set(None);
                    contract_html.set(None);
                    accepted.set(false);
                    notice.set(Some(strings(lang.get_untracked()).revoked.to_owned()));
                    // The list is stale; reading it again takes another signature, so the
                    // person asks for it (no PIN window they did not ask for).
                    rows.set(None);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    view! {
        <Shell lang environment>
            <h1>{move || t().certificates_title}</h1>
            <p>{move || t().certificates_intro}</p>
            <EnvironmentSelect environment lang />
            <button type="button" disabled=move || busy.get() on:click=move |_| load()>{move || t().show_certificates}</button>
            {move || notice.get().map(|text| view! {
                <p role="status" data-testid="notice">{text}</p>
                <SignedRequestCopy envelope=signed_envelope lang />
            })}
            {move || (rows.get().is_some() && unreadable.get() > 0).then(|| view! {
                <p role="status" data-testid="unreadable-entries">
                    {t().unreadable_entries.replace("{}", &unreadable.get().to_string())}
                </p>
            })}
            {move || rows.get().map(|list| if list.is_empty() && unreadable.get() == 0 {
                view! { <p data-testid="no-certificates">{t().no_certificates}</p> }.into_any()
            } else if list.is_empty() {
                ().into_any()
            } else {
                view! { <CertificateTable list lang revoking /> }.into_any()
            })}
            {move || revoking.get().map(|row| view! {
                <section aria-labelledby="revoke-title">
                    <h2 id="revoke-title">{t().revoke_title}</h2>
                    <Subject dn=row.name.clone() lang />
                    <label for="reason">{t().reason}</label>
                    <select id="reason" prop:value=move || reason.get() on:change=move |ev| {
                        reason.set(event_target_value(&ev));
                        contract_html.set(None);
                        accepted.set(false);
                    }>
                        <option value="cessationOfOperation">{t().reason_cessation}</option>
                        <option value="superseded">{t().reason_superseded}</option>
                        <option value="affiliationChanged">{t().reason_affiliation}</option>
                        <option value="keyCompromise">{t().reason_key_compromise}</option>
                    </select>
                    <button type="button" disabled=move || busy.get() on:click=show_contract>{t().revocation_contract}</button>
                    {move || contract_html.get().map(|html| view! {
                        <iframe class="contract" title=t().revocation_contract sandbox="" srcdoc=html></iframe>
                        <p>
                            // Uncontrolled: a new contract (another reason) renders a new, unticked box.
                            <input id="accept-revocation" type="checkbox"
                                on:change=move |ev| accepted.set(event_target_checked(&ev)) />
                            <label for="accept-revocation">{t().accept_revocation}</label>
                        </p>
                        <button type="button" disabled=move || busy.get() || !accepted.get() on:click=revoke>{t().revoke_with_eid}</button>
                    })}
                </section>
            })}
            {move || error.get().map(|error| view! { <ErrorAlert error lang /> })}
        </Shell>
    }
}

#[component]
fn CertificateTable(
    list: Vec<Row>,
    lang: RwSignal<ehcert_shared::page::Lang>,
    revoking: RwSignal<Option<Row>>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    view! {
        <table data-testid="certificates">
            <thead>
                <tr>
                    <th scope="col">{move || t().col_certificate}</th>
                    <th scope="col">{move || t().col_status}</th>
                    <th scope="col">{move || t().col_etk}</th>
                    <th scope="col">{move || t().col_valid_until}</th>
                    <th scope="col">{move || t().col_days_left}</th>
                    <th scope="col">{move || t().col_renewal}</th>
                    <th scope="col">{move || t().col_actions}</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|row| {
                    let for_revoke = row.clone();
                    let reminder = row.reminder.clone();
                    view! {
                        <tr data-status=row.status.clone()>
                            <th scope="row"><Subject dn=row.name.clone() lang /></th>
                            <td>{let status = row.status.clone(); move || status_words(&status, t())}</td>
                            <td>{let status = row.etk_status.clone(); move || etk_status_words(&status, t())}</td>
                            <td>{move || row.valid_until.map(|at| written_date(at, lang.get())).unwrap_or_default()}</td>
                            <td>{row.days_left.map(|days| days.to_string()).unwrap_or_default()}</td>
                            <td>{move || row.renewal_from.map(|at| written_date(at, lang.get())).unwrap_or_default()}</td>
                            <td>
                                {reminder.map(|(dn, window, expiry)| view! {
                                    <button type="button" on:click=move |_| download_renewal_reminder(&dn, window, expiry, t())>{t().reminder}</button>
                                })}
                                {row.revocable.then(|| view! {
                                    <button type="button" on:click=move |_| revoking.set(Some(for_revoke.clone()))>{t().revoke}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
