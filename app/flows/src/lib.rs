//! ehcert's certificate flows as plain Rust (app/PRODUCT.md §2): which request is built, who
//! signs it, what is kept where, step by step. The app drives these steps from its screens and
//! supplies the [`Services`] (fetch to eHealth, the extension's PIN window); the tests supply the
//! mock CertRA over HTTP and the simulated eID's keys.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod contact;
pub mod eid;
mod error;
pub mod foreigner;
pub mod keystore_check;
pub mod my_certificates;
pub mod new_certificate;
pub mod organisation;
pub mod pending;
pub mod renewal;

use ehcert_certra::{
    dialect::Dialect,
    endpoint::Operation,
    request::{LocalizedText, Request, RequestMeta},
};
use ehcert_shared::page::Lang;
pub use error::{ContactField, ContactProblem, FlowError, NotRenewable, OrganisationProblem};

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
    /// The environment's answers to what no public source settles (`ehcert_certra::dialect`):
    /// the sourced defaults unless the operator configured otherwise.
    fn dialect(&self) -> Dialect {
        Dialect::default()
    }
}

/// The text to show from eHealth's versions of it (contracts in fr and nl at least,
/// app/certra/PROTOCOL.md §3 #4; organisation and type names): the person's language, then English,
/// Dutch, French, German, else the first one.
pub fn contract_text(texts: &[LocalizedText], lang: Lang) -> String {
    let own = match lang {
        Lang::Nl => "nl",
        Lang::Fr => "fr",
        Lang::De => "de",
        Lang::En => "en",
    };
    [own, "en", "nl", "fr", "de"]
        .iter()
        .find_map(|code| texts.iter().find(|text| text.lang == *code))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_in_the_persons_language_then_english_dutch_french_german() {
        let text = |lang: &str, text: &str| LocalizedText { lang: lang.into(), text: text.into() };
        let texts = [text("fr", "Hôpital"), text("nl", "Ziekenhuis")];
        assert_eq!(contract_text(&texts, Lang::Fr), "Hôpital");
        assert_eq!(contract_text(&texts, Lang::De), "Ziekenhuis");
        assert_eq!(contract_text(&texts, Lang::En), "Ziekenhuis");
        assert_eq!(contract_text(&[text("it", "Ospedale")], Lang::Nl), "Ospedale");
        assert_eq!(contract_text(&[], Lang::Nl), "");
    }
}
