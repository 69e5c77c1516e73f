//! ehcert's certificate flows as plain Rust (spec/product.md §2): which request is built, who
//! signs it, what is kept where, step by step. The app drives these steps from its screens and
//! supplies the [`Services`] (fetch to eHealth, the extension's PIN window); the tests supply the
//! mock CertRA over HTTP and the simulated eID's keys.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod eid;
mod error;
pub mod foreigner;
pub mod keystore_check;
pub mod my_certificates;
pub mod new_certificate;
pub mod organisation;
pub mod renewal;

use ehcert_certra::{
    endpoint::Operation,
    request::{LocalizedText, Request, RequestMeta},
};
pub use error::{FlowError, NotRenewable, OrganisationProblem};

/// What a flow needs from the world around it.
#[allow(async_fn_in_trait)] // one implementation per target; the app's are not Send (wasm)
pub trait Services {
    /// The caller's error type; every flow error converts into it.
    type Error: From<FlowError>;
    /// Posts a SOAP envelope for `operation` and returns the answer's bytes, whatever the HTTP
    /// status (faults come with 500).
    async fn certra(&self, operation: Operation, envelope: String) -> Result<Vec<u8>, Self::Error>;
    /// Has the eID card sign a digest (through the extension's PIN window in the app).
    async fn eid_sign(&self, request: eid::EidSignature) -> Result<Vec<u8>, Self::Error>;
    /// `Id` and `IssueInstant` for a new request (fresh randomness, the current time).
    fn meta(&self) -> RequestMeta;
}

/// The contract text to show, from the languages eHealth wrote it in (fr and nl at least,
/// spec/certra.md §3 #4): English, Dutch, French, German, in that order, else the first one.
pub fn contract_text(texts: &[LocalizedText]) -> String {
    ["en", "nl", "fr", "de"]
        .iter()
        .find_map(|lang| texts.iter().find(|text| text.lang == *lang))
        .or(texts.first())
        .map(|text| text.text.clone())
        .unwrap_or_default()
}

/// An unsigned request sent as it is.
async fn call<S: Services>(services: &S, request: Request) -> Result<Vec<u8>, S::Error> {
    services.certra(request.operation, request.to_soap()).await
}

/// `ds:Signature/@Id`: `xmldsig-` and fresh randomness (the hex of a new request id).
fn signature_id<S: Services>(services: &S) -> String {
    format!("xmldsig-{}", &services.meta().id[1..])
}
