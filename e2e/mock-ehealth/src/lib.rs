//! A stand-in for eHealth's CertRA v2, EtkRA v2 and ETK Depot (app/certra/PROTOCOL.md §13), for the
//! end-to-end tests and the demo: the real SOAP messages, the real checks (signatures verified
//! by `xmlsec1`), a state machine kept in SQLite, a test CA, and knobs to make it slow, strict,
//! wrong or late on purpose.
//!
//! Endpoints: `POST /CertRa/v2`, `/EtkRa/v2`, `/EtkDepot/v1` (dispatching on the body element,
//! not on SOAPAction). Administration (for tests and the demo only): `GET /admin/state`,
//! `PUT /admin/knobs`, `POST /admin/faults`, `DELETE /admin/faults`,
//! `POST /admin/certificates/{id}/validate|refuse`, `GET /admin/requests`, `POST /admin/reset`.

mod ca;
mod knobs;
mod operations;
mod signature;
mod soap;
mod store;
mod time;

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, Path as UrlPath, State},
    http::{header, HeaderValue, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Json, Router,
};
use serde::Serialize;
use tower_http::cors::CorsLayer;

pub use self::knobs::{
    DnComparison, EcSignatureMethod, Fault, FaultKind, Knobs, PersonDnSource, StoredActor,
    UnknownKeyAnswer,
};
use self::{
    ca::TestPki,
    operations::Context,
    soap::{Answer, Header},
    store::{Received, Store},
};

/// The mock's state.
pub struct MockCertra {
    store: Store,
    pki: TestPki,
    knobs: Mutex<Knobs>,
    faults: Mutex<Vec<Fault>>,
}

/// Request bodies above this are refused before parsing.
const MAX_REQUEST: usize = 1024 * 1024;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockCertra {
    /// Opens the state file (created if missing; `None`: memory only) with the committed test CA.
    pub fn open(state: Option<&Path>, knobs: Knobs) -> Result<Self, String> {
        Ok(Self {
            store: Store::open(state)?,
            pki: TestPki::committed()?,
            knobs: Mutex::new(knobs),
            faults: Mutex::new(Vec::new()),
        })
    }

    fn now(&self) -> i64 {
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        i64::try_from(seconds).unwrap_or(i64::MAX) + lock(&self.knobs).clock_offset_days * 86_400
    }

    /// Takes one strike of a fault planned for `operation`, if any.
    fn take_fault(&self, operation: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults
            .iter()
            .position(|f| f.operation.as_deref().is_none_or(|wanted| wanted == operation))?;
        let fault = faults[index].clone();
        faults[index].times -= 1;
        if faults[index].times == 0 {
            faults.remove(index);
        }
        Some(fault)
    }

    /// Handles one SOAP request synchronously and logs it: the HTTP status, the answer, and the
    /// fault planned for this operation (an HTTP 500 has already struck: no work was done).
    fn handle(&self, path: &str, envelope: &str) -> (StatusCode, String, Option<Fault>) {
        let document = roxmltree::Document::parse(envelope)
            .map_err(|err| format!("The request is not XML: {err}"));
        let request = document.as_ref().map_err(Clone::clone).and_then(soap::body_element);
        let operation = request.as_ref().map_or_else(
            |_| "-".to_owned(),
            |request| {
                let name = request.tag_name().name();
                name.strip_suffix("Request").unwrap_or(name).to_owned()
            },
        );
        // Which operation this is decides which fault strikes.
        let fault = self.take_fault(&operation);
        let (status, answer, outcome) = match (&fault, request) {
            (Some(Fault { kind: FaultKind::Http500, .. }), _) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                soap::fault("Server", "Internal Server Error (injected by the mock)"),
                "fault: http-500".to_owned(),
            ),
            (_, Err(message)) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                soap::fault("Client", &message),
                format!("fault: {message}"),
            ),
            (_, Ok(request)) => self.answer(path, envelope, request),
        };
        let _ = self.store.log_request(&Received {
            path: path.to_owned(),
            operation,
            envelope: envelope.to_owned(),
            outcome,
        });
        (status, answer, fault)
    }

    /// Carries out a request: (HTTP status, answer, outcome for the request log).
    fn answer(
        &self,
        path: &str,
        envelope: &str,
        request: roxmltree::Node<'_, '_>,
    ) -> (StatusCode, String, String) {
        let namespace = request.tag_name().namespace().unwrap_or_default();
        let name = request.tag_name().name();
        let served_here = match path {
            "/CertRa/v2" => namespace == soap::CERTRA,
            "/EtkRa/v2" => namespace == soap::ETKRA,
            "/EtkDepot/v1" => namespace == soap::ETK_DEPOT,
            _ => false,
        };
        let not_here = || {
            let message = format!("{{{namespace}}}{name} is not an operation of {path}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                soap::fault("Client", &message),
                format!("fault: {message}"),
            )
        };
        if !served_here {
            return not_here();
        }
        let knobs = lock(&self.knobs).clone();
        let now = self.now();
        let context = Context { store: &self.store, pki: &self.pki, knobs: &knobs, now, envelope };
        let response_id = format!("_{}", random_hex(16));
        if namespace == soap::ETK_DEPOT {
            let (code, body) = operations::get_etk(&context, request, &response_id);
            return (StatusCode::OK, soap::envelope(&body), format!("depot: {code}"));
        }
        let header = Header {
            response_id,
            request_id: request.attribute("Id").map(str::to_owned),
            issue_instant: time::iso(now),
        };
        match (Answer::to(namespace, name), operations::dispatch(&context, request)) {
            (Some(answer), Some(Ok(content))) => (
                StatusCode::OK,
                soap::envelope(&answer.success(&header, &content)),
                "success".to_owned(),
            ),
            (Some(answer), Some(Err(refusal))) => (
                StatusCode::OK,
                soap::envelope(&answer.failure(&header, &refusal)),
                format!("refused: {}", refusal.code),
            ),
            _ => not_here(),
        }
    }
}

/// One certificate as the mock keeps it, for tests that check what eHealth holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateState {
    /// 40 hex digits, upper case.
    pub public_key_identifier: String,
    /// `IN_PROGRESS`, `VALID_ACTIVE`, `REFUSED`, `REVOKED`, `EXPIRED`.
    pub status: String,
    /// `NOT_REQUESTED`, `IN_REQUEST`, `WAIT_FOR_ACTIVATION`, `VALID_ACTIVE`, `REVOKED`, `EXPIRED`.
    pub etk_status: String,
    /// The issued certificate (DER).
    pub certificate: Option<Vec<u8>>,
    /// The public key given at StartETKRegistration (SubjectPublicKeyInfo DER).
    pub etk_public_key: Option<Vec<u8>>,
}

/// A request as it arrived, and what became of it (`GET /admin/requests`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The operation's name without `Request`, e.g. `GenerateCertificate`.
    pub operation: String,
    /// `success`, `refused: CODE`, `fault: …`, `depot: CODE`.
    pub outcome: String,
}

impl MockCertra {
    /// Serves one SOAP request in process, as `POST path` does, and returns the HTTP status and
    /// the answer: for tests that drive the service without a network (the flows' fault soak).
    /// Faults planned with `POST /admin/faults` strike here too: an HTTP 500 is answered; the
    /// transport faults (`slow`, `malformed`, `drop`) are the caller's to play, so they are
    /// returned with the complete answer.
    pub fn serve(&self, path: &str, envelope: &str) -> (u16, String, Option<FaultKind>) {
        let (status, answer, fault) = self.handle(path, envelope);
        (status.as_u16(), answer, fault.map(|fault| fault.kind))
    }

    /// Replaces the knobs (`PUT /admin/knobs`).
    pub fn set_knobs(&self, knobs: Knobs) {
        *lock(&self.knobs) = knobs;
    }

    /// An operator's decision on a request waiting for manual validation (`POST
    /// /admin/certificates/{id}/validate|refuse`): `Ok(false)` when no such request waits.
    pub fn decide(&self, public_key_identifier: &str, validate: bool) -> Result<bool, String> {
        let id = public_key_identifier.to_uppercase();
        let Some(mut record) = self.store.find(&id)? else { return Ok(false) };
        if record.status != "IN_PROGRESS" {
            return Ok(false);
        }
        if validate {
            record.awaiting_validation = false;
            record.polls_left = 0;
        } else {
            record.status = "REFUSED".into();
            record.awaiting_validation = false;
        }
        self.store.save(&record)?;
        Ok(true)
    }

    /// Every certificate requested so far, with its status as of now.
    pub fn certificates(&self) -> Result<Vec<CertificateState>, String> {
        let now = self.now();
        Ok(self
            .store
            .all()?
            .into_iter()
            .map(|record| {
                let record = operations::refreshed(record, now);
                CertificateState {
                    public_key_identifier: record.public_key_identifier,
                    status: record.status,
                    etk_status: record.etk_status,
                    certificate: record.certificate,
                    etk_public_key: record.etk_encryption_key,
                }
            })
            .collect())
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Result<Vec<LoggedRequest>, String> {
        Ok(self
            .store
            .requests()?
            .into_iter()
            .map(|request| LoggedRequest { operation: request.operation, outcome: request.outcome })
            .collect())
    }
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore as _;
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    base16ct::lower::encode_string(&buffer)
}

/// The SOAP endpoints and the administration API. `allowed_origins` get CORS access to the SOAP
/// endpoints (for an app that calls the mock directly instead of through its own origin).
pub fn router(mock: Arc<MockCertra>, allowed_origins: &[String]) -> Router {
    let origins: Vec<HeaderValue> =
        allowed_origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::HeaderName::from_static("soapaction")]);
    let soap_routes = Router::new()
        .route("/CertRa/v2", post(soap_endpoint))
        .route("/EtkRa/v2", post(soap_endpoint))
        .route("/EtkDepot/v1", post(soap_endpoint))
        .layer(DefaultBodyLimit::max(MAX_REQUEST))
        .layer(cors);
    let admin = Router::new()
        .route("/admin/state", get(admin_state))
        .route("/admin/knobs", put(admin_knobs))
        .route("/admin/faults", post(admin_add_fault).delete(admin_clear_faults))
        .route("/admin/certificates/{id}/{decision}", post(admin_decide))
        .route("/admin/requests", get(admin_requests))
        .route("/admin/reset", post(admin_reset));
    soap_routes.merge(admin).with_state(mock)
}

async fn soap_endpoint(State(mock): State<Arc<MockCertra>>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    let Ok(envelope) = String::from_utf8(body.to_vec()) else {
        return xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            soap::fault("Client", "The request is not UTF-8."),
        );
    };
    let handled = tokio::task::spawn_blocking(move || mock.handle(&path, &envelope)).await;
    let Ok((status, answer, fault)) = handled else {
        return xml(StatusCode::INTERNAL_SERVER_ERROR, soap::fault("Server", "the mock failed"));
    };
    match fault {
        Some(Fault { kind: FaultKind::Slow, delay_ms, .. }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            xml(status, answer)
        }
        Some(Fault { kind: FaultKind::Malformed, .. }) => {
            let cut = answer.len() / 2;
            let cut = (0..=cut).rev().find(|&i| answer.is_char_boundary(i)).unwrap_or(0);
            xml(status, answer[..cut].to_owned())
        }
        Some(Fault { kind: FaultKind::Drop, .. }) => {
            // A body stream that fails: hyper resets the connection before a response is complete.
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped (injected)"))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/xml; charset=utf-8")
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        // An HTTP 500 was answered by `handle` already.
        _ => xml(status, answer),
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

#[derive(Serialize)]
struct StateView {
    now: String,
    knobs: Knobs,
    faults: Vec<Fault>,
    certificates: Vec<store::Record>,
}

fn admin_error(err: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response()
}

async fn admin_state(State(mock): State<Arc<MockCertra>>) -> Response {
    let now = mock.now();
    match mock.store.all() {
        Ok(records) => Json(StateView {
            now: time::iso(now),
            knobs: lock(&mock.knobs).clone(),
            faults: lock(&mock.faults).clone(),
            certificates: records.into_iter().map(|r| operations::refreshed(r, now)).collect(),
        })
        .into_response(),
        Err(err) => admin_error(err),
    }
}

async fn admin_knobs(State(mock): State<Arc<MockCertra>>, Json(knobs): Json<Knobs>) -> Response {
    mock.set_knobs(knobs);
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_add_fault(
    State(mock): State<Arc<MockCertra>>,
    Json(fault): Json<Fault>,
) -> Response {
    if fault.times == 0 {
        return (StatusCode::BAD_REQUEST, "times must be at least 1").into_response();
    }
    lock(&mock.faults).push(fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_clear_faults(State(mock): State<Arc<MockCertra>>) -> Response {
    lock(&mock.faults).clear();
    StatusCode::NO_CONTENT.into_response()
}

/// An operator's decision on a request waiting for manual validation.
async fn admin_decide(
    State(mock): State<Arc<MockCertra>>,
    UrlPath((id, decision)): UrlPath<(String, String)>,
) -> Response {
    let validate = match decision.as_str() {
        "validate" => true,
        "refuse" => false,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let worker = Arc::clone(&mock);
    let decided = tokio::task::spawn_blocking(move || -> Result<StatusCode, String> {
        if worker.decide(&id, validate)? {
            return Ok(StatusCode::NO_CONTENT);
        }
        // Known but no longer in progress, or not known at all.
        Ok(match worker.store.find(&id.to_uppercase())? {
            Some(_) => StatusCode::CONFLICT,
            None => StatusCode::NOT_FOUND,
        })
    })
    .await;
    match decided {
        Ok(Ok(status)) => status.into_response(),
        Ok(Err(err)) => admin_error(err),
        Err(err) => admin_error(err),
    }
}

async fn admin_requests(State(mock): State<Arc<MockCertra>>) -> Response {
    match mock.store.requests() {
        Ok(requests) => Json(requests).into_response(),
        Err(err) => admin_error(err),
    }
}

async fn admin_reset(State(mock): State<Arc<MockCertra>>) -> Response {
    *lock(&mock.knobs) = Knobs::default();
    lock(&mock.faults).clear();
    match mock.store.reset() {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => admin_error(err),
    }
}
