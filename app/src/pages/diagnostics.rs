//! `#diagnostics`: what this browser can do, for support calls: the versions of this page, the
//! extension and the card software with the protocols they speak, then one throw-away
//! RSA-2048 key, saying which generator made it (WebCrypto, or the built-in one in a worker)
//! and how long it took. The key is dropped (and zeroized) at once.

use ehcert_certra::{endpoint::Environment, request, response};
use leptos::prelude::*;

use crate::{
    components::{environment_name, parts::Components, Shell},
    error::AppError,
    i18n::{strings, use_lang, Lang},
    pages::{
        card_check::CardCheck,
        support_report::{ServiceAnswers, SupportReport},
    },
    services::{
        bridge::use_bridge,
        certra, offer,
        webcrypto::{generate_rsa_key, KeySource},
    },
};

/// The diagnostics screen.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let lang = use_lang();
    let bridge = use_bridge();
    let t = move || strings(lang.get());
    // Asked once: shown below, and read by the support report.
    let services: StoredValue<ServiceAnswers, LocalStorage> = StoredValue::new_local(
        offer::environments()
            .into_iter()
            .map(|environment| {
                (environment, LocalResource::new(move || organisation_types(environment)))
            })
            .collect(),
    );
    let check = LocalResource::new(|| async {
        let start = now();
        let result = generate_rsa_key().await;
        let elapsed = now() - start;
        result.map(|(key, source)| (key.modulus_bits(), source, elapsed))
    });
    let keygen = move || {
        check.get().map(|result| {
            result.map_or_else(
                |err| Err(err.message(lang.get())),
                |(bits, source, elapsed)| {
                    let generator = match source {
                        KeySource::WebCrypto => t().keygen_webcrypto,
                        KeySource::Worker => t().keygen_worker,
                    };
                    Ok(t()
                        .keygen_made
                        .replace("{bits}", &bits.to_string())
                        .replace("{generator}", generator)
                        .replace("{ms}", &whole_milliseconds(elapsed)))
                },
            )
        })
    };
    view! {
        <Shell lang>
            <h1>{move || t().diag_title}</h1>
            <section aria-labelledby="versions-title">
                <h2 id="versions-title">{move || t().versions_title}</h2>
                <Components bridge=bridge.get_value() lang detailed=true />
            </section>
            <section aria-labelledby="keygen-title">
                <h2 id="keygen-title">{move || t().keygen_title}</h2>
                {move || match keygen() {
                    None => view! { <p role="status">{t().making_test_key}</p> }.into_any(),
                    Some(Ok(text)) => view! { <p data-testid="keygen" data-state="ok">{text}</p> }.into_any(),
                    Some(Err(text)) => {
                        view! { <p data-testid="keygen" data-state="bad" role="alert">{text}</p> }.into_any()
                    }
                }}
            </section>
            <CardCheck lang />
            <section aria-labelledby="services-title">
                <h2 id="services-title">{move || t().services_title}</h2>
                <ul>
                    {services.with_value(|answers| answers
                        .iter()
                        .map(|(environment, check)| view! { <ServiceCheck environment=*environment check=*check lang /> })
                        .collect_view())}
                </ul>
            </section>
            <SupportReport lang services />
        </Shell>
    }
}

/// Whether eHealth's certificate service answers in `environment`: the organisation types it
/// lists for an unsigned GetGenericOrganizationTypes.
async fn organisation_types(environment: Environment) -> Result<usize, AppError> {
    let request = request::get_generic_organization_types(&certra::new_meta());
    let answer = certra::call(environment, request.operation, &request.to_soap()).await?;
    Ok(response::organization_types(&answer).map_err(AppError::from)?.len())
}

/// One environment's answer, as [`organisation_types`] found it.
#[component]
fn ServiceCheck(
    environment: Environment,
    check: LocalResource<Result<usize, AppError>>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    view! {
        <li data-environment=environment.name()>
            {move || environment_name(t(), environment)} ": "
            {move || match check.get() {
                None => view! { <span role="status">{t().checking}</span> }.into_any(),
                Some(Ok(count)) => view! {
                    <span data-state="ok">{t().certra_answers.replace("{count}", &count.to_string())}</span>
                }
                .into_any(),
                Some(Err(err)) => view! { <span data-state="bad">{err.message(lang.get())}</span> }.into_any(),
            }}
        </li>
    }
}

/// `ms` rounded to a whole number, formatted by the browser (`Number.prototype.toFixed`): Rust's
/// float formatting, used nowhere else in the app, costs 5.5 KB gzip of its download (measured).
fn whole_milliseconds(ms: f64) -> String {
    js_sys::Number::from(ms).to_fixed(0).map(String::from).unwrap_or_default()
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
