//! "Your eID card" on the diagnostics page: reads the card, then proves card, PIN, extension and
//! bridge work together with one signature by the authentication key over a challenge the
//! extension makes for this page's origin (the page cannot choose what the card signs), checked
//! here with the card's own certificate. Nothing is sent to eHealth.

use ehcert_flows::eid::EidHolder;
use ehcert_shared::{
    bridge::{card_check_message, CardInfo, CARD_CHECK_CHALLENGE_LEN},
    page::{CardCheckRequest, CardSummary, Lang, ReadIdentityRequest},
    ErrorCode,
};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::ErrorAlert,
    error::AppError,
    i18n::{strings, Strings},
    services::{
        bridge::{use_bridge, BridgeClient},
        webcrypto::verify_sha256,
    },
};

/// The card check section.
#[component]
pub fn CardCheck(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let bridge = use_bridge();
    let card = RwSignal::new(None::<Result<CardSummary, AppError>>);
    let identity = RwSignal::new(None::<Result<CardInfo, AppError>>);
    let signature = RwSignal::new(None::<Result<(), AppError>>);
    let busy = RwSignal::new(false);

    let read = move |_| {
        busy.set(true);
        signature.set(None);
        identity.set(None);
        spawn_local(async move {
            let client = bridge.get_value();
            card.set(Some(client.read_card(None).await));
            busy.set(false);
        });
    };
    // The rest of the identity file only through the extension's consent window.
    let show_identity = move |_| {
        let Some(Ok(info)) = card.get_untracked() else { return };
        busy.set(true);
        spawn_local(async move {
            let client = bridge.get_value();
            let request =
                ReadIdentityRequest { reader: Some(info.reader), lang: lang.get_untracked() };
            identity.set(Some(client.read_identity(request).await));
            busy.set(false);
        });
    };
    let test_pin = move |_| {
        let Some(Ok(info)) = card.get_untracked() else { return };
        busy.set(true);
        signature.set(None);
        spawn_local(async move {
            let client = bridge.get_value();
            let result = check_signature(&client, &info, lang.get_untracked()).await;
            signature.set(Some(result));
            busy.set(false);
        });
    };

    view! {
        <section aria-labelledby="card-title">
            <h2 id="card-title">{move || t().card_title}</h2>
            <p>{move || t().card_check_intro}</p>
            <button type="button" on:click=read disabled=move || busy.get()>{move || t().read_my_card}</button>
            {move || card.get().map(|result| match result {
                Ok(info) => {
                    let holder = format!("{} {}", info.given_names, info.surname);
                    let reader = info.reader.clone();
                    view! {
                    <dl data-testid="card">
                        <dt>{move || t().card_holder.trim_end_matches([':', ' '])}</dt>
                        <dd data-testid="card-holder">{holder}</dd>
                        <dt>{move || t().card_label}</dt>
                        <dd>{move || card_description(t(), &info)}</dd>
                        <dt>{move || t().reader_label}</dt>
                        <dd>{reader}</dd>
                    </dl>
                    <button type="button" on:click=test_pin disabled=move || busy.get()>{move || t().test_pin}</button>
                    <p>{move || t().identity_consent_note}</p>
                    <button type="button" on:click=show_identity disabled=move || busy.get()>{move || t().show_identity}</button>
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorAlert error lang testid="card-error" /> }.into_any(),
            })}
            {move || identity.get().map(|result| match result {
                Ok(full) => {
                    let address = format!("{}, {} {}", full.address.street, full.address.zip, full.address.municipality);
                    view! {
                    <dl data-testid="identity">
                        <dt>{move || t().birth_date_label}</dt>
                        <dd data-testid="birth-date">{full.identity.birth_date.clone()}</dd>
                        <dt>{move || t().nationality_label}</dt>
                        <dd>{full.identity.nationality.clone()}</dd>
                        <dt>{move || t().address_label}</dt>
                        <dd data-testid="address">{address}</dd>
                        <dt>{move || t().card_number_label}</dt>
                        <dd>{full.identity.card_number.clone()}</dd>
                        <dt>{move || t().valid_until_label}</dt>
                        <dd>{full.identity.validity_end.clone()}</dd>
                    </dl>
                    }
                    .into_any()
                }
                // A refusal is the person's choice, not a fault: said as such.
                Err(AppError::Bridge(failure)) if failure.code == ErrorCode::UserCancelled => view! {
                    <p role="status" data-testid="identity-error">{move || t().identity_refused}</p>
                }
                .into_any(),
                Err(error) => view! { <ErrorAlert error lang testid="identity-error" /> }.into_any(),
            })}
            {move || signature.get().map(|result| match result {
                Ok(()) => view! {
                    <p role="status" data-testid="signature-check" data-state="ok">
                        {move || t().card_pin_work}
                    </p>
                }
                .into_any(),
                Err(error) => view! { <ErrorAlert error lang testid="signature-check" /> }.into_any(),
            })}
        </section>
    }
}

/// Has the authentication key sign the extension's challenge and verifies the signature with
/// the card's authentication certificate, over the message the card bridge hashed.
async fn check_signature(
    bridge: &BridgeClient,
    card: &CardSummary,
    lang: Lang,
) -> Result<(), AppError> {
    // The card's kind and certificates as the flows read them (ehcert_flows::eid).
    let holder = EidHolder::from_card(card)?;
    let (challenge, signature) =
        bridge.card_check(CardCheckRequest { reader: Some(holder.reader.clone()), lang }).await?;
    if challenge.len() != CARD_CHECK_CHALLENGE_LEN {
        return Err(AppError::CardSignatureInvalid);
    }
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .ok_or_else(|| AppError::Browser("the page has no origin".into()))?;
    let spki = ehcert_pki::cert::subject_public_key_info(&holder.authentication_chain[0])?;
    let message = card_check_message(&origin, &challenge);
    if verify_sha256(&spki, holder.key_algorithm, &message, &signature).await? {
        Ok(())
    } else {
        Err(AppError::CardSignatureInvalid)
    }
}

/// "Belgian eID, applet 1.8 (ecdsa-p384)" in the page's language.
fn card_description(t: &Strings, card: &CardSummary) -> String {
    t.card_description
        .replace("{applet}", &card.applet.to_string())
        .replace("{algorithm}", card.key_algorithm.name())
}
