//! "Your eID card" on the diagnostics page: reads the card, then proves card, PIN, extension and
//! bridge work together with one signature by the authentication key over a random challenge,
//! checked here with the card's own certificate. Nothing is sent to eHealth.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_flows::eid::EidHolder;
use ehcert_shared::{
    bridge::{CardInfo, KeyRole, SignatureAlgorithm},
    page::{digest_fingerprint, Lang, Operation, SignRequest},
};
use leptos::{prelude::*, task::spawn_local};
use sha2::{Digest, Sha256};

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
    let fingerprint = RwSignal::new(None::<String>);
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
            let result = check_signature(&client, &info, lang.get_untracked(), |text| {
                fingerprint.set(Some(text))
            })
            .await;
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
            {move || fingerprint.get().map(|text| view! {
                <p>{move || t().fingerprint_shown} " " <code data-testid="fingerprint">{text}</code> "."</p>
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

/// Signs a fresh random challenge with the authentication key and verifies the signature with
/// the card's authentication certificate.
async fn check_signature(
    bridge: &BridgeClient,
    card: &CardInfo,
    lang: Lang,
    show_fingerprint: impl Fn(String),
) -> Result<(), AppError> {
    // The card's kind and certificates as the flows read them (ehcert_flows::eid).
    let holder = EidHolder::from_card(card)?;
    let (algorithm, key_algorithm) = if holder.elliptic {
        (SignatureAlgorithm::EcdsaSha256, CardKeyAlgorithm::EcdsaP384)
    } else {
        (SignatureAlgorithm::RsaPkcs1Sha256, CardKeyAlgorithm::Rsa2048)
    };
    let mut challenge = [0u8; 32];
    getrandom::getrandom(&mut challenge)
        .map_err(|err| AppError::Browser(format!("no random numbers: {err}")))?;
    let digest = Sha256::digest(challenge);
    show_fingerprint(digest_fingerprint(&digest));
    let signature = bridge
        .sign(SignRequest {
            reader: Some(holder.reader.clone()),
            key: KeyRole::Authentication,
            algorithm,
            digest: STANDARD.encode(digest),
            operation: Operation::CardCheck,
            subject: None,
            lang,
        })
        .await?;
    let spki = ehcert_pki::cert::subject_public_key_info(&holder.authentication_chain[0])?;
    if verify_sha256(&spki, key_algorithm, &challenge, &signature).await? {
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
