//! ehcert's certificate flows as plain Rust (app/PRODUCT.md §2): which request is built, who
//! signs it, what is kept where, step by step. The app drives these steps from its screens and
//! supplies the [`Services`] (fetch to eHealth, the extension's PIN window); the tests supply the
//! mock CertRA over HTTP and the simulated eID's keys.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calendar;
pub mod contact;
mod ehealth_key;
pub mod eid;
mod error;
pub mod foreigner;
pub mod keystore_check;
pub mod my_certificates;
pub mod new_certificate;
pub mod organisation;
pub mod pending;
pub mod renewal;
mod services;
pub mod steps;
pub mod support;

use ehcert_certra::request::LocalizedText;
use ehcert_shared::page::Lang;
pub use error::{
    CardProblem, ContactField, ContactProblem, FlowError, NotRenewable, OrganisationProblem,
    WrongStage,
};
pub(crate) use services::{call, signature_id};
pub use services::{EidSignature, Services};

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
