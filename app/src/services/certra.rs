//! Sending SOAP requests to eHealth (app/certra/PROTOCOL.md §2.1) and reading the raw answers; building
//! and parsing the messages is `ehcert_certra`'s job.
//!
//! By default the page posts to its own origin (`/ehealth/{environment}/…`), which the app's
//! server forwards, because eHealth sends no CORS headers. A deployment where CORS allows it can
//! be built to call eHealth directly: `EHCERT_CERTRA_ROUTE=direct` at build time. Nothing but the
//! (signed) request body and the SOAPAction leaves: no cookies, no credentials.
//!
//! The call is written on `web-sys`'s `fetch` rather than `gloo-net`: measured on 2026-11-30 with
//! the same function written on `gloo_net::http::Request` (features `http` only), the app's
//! download grew by 1.35 KB gzip (wasm 436 893 → 438 040 bytes, JavaScript 9 189 → 9 394) for
//! the same behaviour (timeout through an `AbortController`, no credentials, the size check on
//! `Content-Length`), with 3.2 KB left under the 450 KB budget (app/PRODUCT.md §6). Should the
//! budget allow it later, the swap is this one function.

use ehcert_certra::{
    endpoint::{Environment, Operation},
    request::RequestMeta,
    response::MAX_RESPONSE_BYTES,
};
use js_sys::{ArrayBuffer, Uint8Array};
use rand_core::{OsRng, RngCore};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, Response};

use crate::error::AppError;

/// How long one call may take before the page gives up and says so.
const CALL_TIMEOUT_MS: i32 = 30_000;

/// Where requests go.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Route {
    /// Through the app's own server (the default).
    SameOrigin,
    /// Straight to eHealth (only where CORS allows).
    Direct,
}

impl Route {
    /// The route this build was made with.
    pub fn configured() -> Self {
        match option_env!("EHCERT_CERTRA_ROUTE") {
            Some("direct") => Self::Direct,
            _ => Self::SameOrigin,
        }
    }
}

/// The URL of `operation` in `environment`.
pub fn url(route: Route, environment: Environment, operation: Operation) -> String {
    match (route, environment) {
        (Route::Direct, Environment::Production | Environment::Acceptance) => {
            operation.service().url(environment)
        }
        _ => environment.same_origin_path(operation.service()),
    }
}

/// `Id`/`IssueInstant` for a new request: a random id and the browser's clock.
pub fn new_meta() -> RequestMeta {
    let mut random = [0u8; 16];
    OsRng.fill_bytes(&mut random);
    let now_seconds = (js_sys::Date::now() / 1000.0).max(0.0);
    // Whole seconds since 1970 fit in u64 for any date a browser reports.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    RequestMeta::new(random, now_seconds as u64)
}

/// Posts `envelope` for `operation` and returns the answer's bytes, whatever the HTTP status
/// (SOAP faults come with 500); the caller parses them with `ehcert_certra::response`.
pub async fn call(
    environment: Environment,
    operation: Operation,
    envelope: &str,
) -> Result<Vec<u8>, AppError> {
    let window = web_sys::window().ok_or_else(|| AppError::Browser("no window".into()))?;
    let headers = Headers::new().map_err(|_| AppError::Browser("Headers".into()))?;
    headers
        .set("Content-Type", "text/xml; charset=utf-8")
        .and_then(|()| headers.set("SOAPAction", &format!("\"{}\"", operation.soap_action())))
        .map_err(|_| AppError::Browser("Headers.set".into()))?;
    let controller =
        AbortController::new().map_err(|_| AppError::Browser("AbortController".into()))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(envelope));
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&controller.signal()));
    let abort = wasm_bindgen::closure::Closure::once_into_js(move || controller.abort());
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            abort.unchecked_ref(),
            CALL_TIMEOUT_MS,
        )
        .map_err(|_| AppError::Browser("setTimeout".into()))?;
    let target = url(Route::configured(), environment, operation);
    let result = async {
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(&target, &init))
            .await
            .map_err(network_error)?
            .dyn_into()
            .map_err(|_| AppError::Browser("fetch returned no Response".into()))?;
        // This site's server refusing to pass the call on (ehcert-serve's limits): nothing
        // reached eHealth, and it says when to come back.
        if matches!(response.status(), 429 | 503) {
            let wait = response.headers().get("Retry-After").ok().flatten();
            if let Some(seconds) = wait.and_then(|value| value.trim().parse::<u32>().ok()) {
                return Err(AppError::ServerBusy(seconds));
            }
        }
        let announced = response
            .headers()
            .get("Content-Length")
            .ok()
            .flatten()
            .and_then(|value| value.parse::<usize>().ok());
        if announced.is_some_and(|length| length > MAX_RESPONSE_BYTES) {
            return Err(AppError::Certra(ehcert_certra::CertraError::TooLarge(
                announced.unwrap_or_default(),
            )));
        }
        let buffer = response.array_buffer().map_err(network_error)?;
        let buffer: ArrayBuffer = JsFuture::from(buffer)
            .await
            .map_err(network_error)?
            .dyn_into()
            .map_err(|_| AppError::Browser("body".into()))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
    .await;
    window.clear_timeout_with_handle(timer);
    result
}

fn network_error(err: JsValue) -> AppError {
    let name = err.dyn_ref::<js_sys::Error>().map(|error| String::from(error.name()));
    if name.as_deref() == Some("AbortError") {
        AppError::Timeout("waiting for eHealth")
    } else {
        AppError::Network(
            err.dyn_ref::<js_sys::Error>()
                .map_or_else(|| format!("{err:?}"), |error| String::from(error.message())),
        )
    }
}
