//! "Your eID card" on the diagnostics page: reads the card, then proves card, PIN, extension and
//! bridge work together with one signature by the authentication key over a challenge the
//! extension makes for this page's origin (the page cannot choose what the card signs), checked
//! here with the card's own certificate. Nothing is sent to eHealth.

use ehcert_flows::eid::EidHolder;
use ehcert_shared::{
    bridge::{card_check_message, CardInfo, CARD_CHECK_CHALLENGE_LEN},
    page::{CardCheckRequest, Lang},
};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    error::AppError,
    i18n::{strings, Strings},
    services::{
        bridge::BridgeClient,
        webcrypto::{verify_sha256, CardKeyAlgorithm},
    },
};

/// The card check section.
#[component]
pub fn CardCheck(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let bridge = StoredValue::new_local(BridgeClient::new());
    let card = RwSignal::new(None::<Result<CardInfo, AppError>>);
    let signature = RwSignal::new(None::<Result<(), AppError>>);
    let busy = RwSignal::new(false);

    let read = move |_| {
        busy.set(true);
        signature.set(None);
        spawn_local(async move {
            let client = bridge.get_value();
            card.set(Some(client.read_card(None).await));
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
                    let holder = format!("{} {}", info.identity.given_names, info.identity.surname);
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
                    }
                    .into_any()
                }
                Err(err) => view! { <p role="alert" data-testid="card-error">{move || err.message(lang.get())}</p> }.into_any(),
            })}
            {move || signature.get().map(|result| match result {
                Ok(()) => view! {
                    <p role="status" data-testid="signature-check" data-state="ok">
                        {move || t().card_pin_work}
                    </p>
                }
                .into_any(),
                Err(err) => view! {
                    <p role="alert" data-testid="signature-check" data-state="bad">{move || err.message(lang.get())}</p>
                }
                .into_any(),
            })}
        </section>
    }
}

/// Has the authentication key sign the extension's challenge and verifies the signature with
/// the card's authentication certificate, over the message the card bridge hashed.
async fn check_signature(
    bridge: &BridgeClient,
    card: &CardInfo,
    lang: Lang,
) -> Result<(), AppError> {
    // The card's kind and certificates as the flows read them (ehcert_flows::eid).
    let holder = EidHolder::from_card(card)?;
    let key_algorithm =
        if holder.elliptic { CardKeyAlgorithm::EcdsaP384 } else { CardKeyAlgorithm::Rsa2048 };
    let (challenge, signature) = bridge
        .card_check(CardCheckRequest { reader: Some(holder.reader.clone()), lang })
        .await?;
    if challenge.len() != CARD_CHECK_CHALLENGE_LEN {
        return Err(AppError::CardSignatureInvalid);
    }
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .ok_or_else(|| AppError::Browser("the page has no origin".into()))?;
    let spki = ehcert_pki::cert::subject_public_key_info(&holder.authentication_chain[0])?;
    let message = card_check_message(&origin, &challenge);
    if verify_sha256(&spki, key_algorithm, &message, &signature).await? {
        Ok(())
    } else {
        Err(AppError::CardSignatureInvalid)
    }
}

/// "Belgian eID, applet 1.8 (EC P-384), valid until …" in the page's language.
fn card_description(t: &Strings, card: &CardInfo) -> String {
    t.card_description
        .replace("{applet}", &card.applet.to_string())
        .replace("{algorithm}", &card.key_algorithm.to_string())
        .replace("{until}", &card.identity.validity_end)
}
