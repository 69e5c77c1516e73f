//! `#diagnostics`: what this browser can do, for support calls. Generates one throw-away
//! RSA-2048 key and says which generator made it (WebCrypto, or the built-in one in a worker)
//! and how long it took. The key is dropped (and zeroized) at once.

use ehcert_certra::{endpoint::Environment, request, response};
use leptos::prelude::*;

use crate::{
    error::AppError,
    pages::card_check::CardCheck,
    services::{
        certra,
        webcrypto::{generate_rsa_key, KeySource},
    },
};

/// The diagnostics screen.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let check = LocalResource::new(|| async {
        let start = now();
        let result = generate_rsa_key().await;
        let elapsed = now() - start;
        match result {
            Ok((key, source)) => {
                let bits = key.modulus_bits();
                let generator = match source {
                    KeySource::WebCrypto => "the browser's WebCrypto",
                    KeySource::Worker => "the built-in generator (in a worker)",
                };
                Ok(format!("An RSA-{bits} key was made by {generator} in {elapsed:.0} ms."))
            }
            Err(err) => Err(err.user_message()),
        }
    });
    view! {
        <main>
            <h1>"Browser check"</h1>
            <section aria-labelledby="keygen-title">
                <h2 id="keygen-title">"Key generation"</h2>
                {move || match check.get() {
                    None => view! { <p role="status">"Making a test key…"</p> }.into_any(),
                    Some(Ok(text)) => view! { <p data-testid="keygen" data-state="ok">{text}</p> }.into_any(),
                    Some(Err(text)) => {
                        view! { <p data-testid="keygen" data-state="bad" role="alert">{text}</p> }.into_any()
                    }
                }}
            </section>
            <CardCheck />
            <section aria-labelledby="services-title">
                <h2 id="services-title">"eHealth services"</h2>
                <ul>
                    <ServiceCheck environment=Environment::Acceptance label="Acceptance" />
                    <ServiceCheck environment=Environment::Production label="Production" />
                    <ServiceCheck environment=Environment::Local label="Local test service" />
                </ul>
            </section>
        </main>
    }
}

/// Whether CertRA answers in `environment`: an unsigned GetGenericOrganizationTypes.
#[component]
fn ServiceCheck(environment: Environment, label: &'static str) -> impl IntoView {
    let check = LocalResource::new(move || async move {
        let request = request::get_generic_organization_types(&certra::new_meta());
        let answer = certra::call(environment, request.operation, &request.to_soap()).await?;
        let types = response::organization_types(&answer).map_err(AppError::from)?;
        Ok::<_, AppError>(types.len())
    });
    view! {
        <li data-environment=environment.name()>
            {label} ": "
            {move || match check.get() {
                None => view! { <span role="status">"checking…"</span> }.into_any(),
                Some(Ok(count)) => view! {
                    <span data-state="ok">{format!("CertRA answers ({count} organisation types).")}</span>
                }
                .into_any(),
                Some(Err(err)) => view! { <span data-state="bad">{err.user_message()}</span> }.into_any(),
            }}
        </li>
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
