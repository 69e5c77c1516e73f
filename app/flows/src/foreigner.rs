//! F13, a care provider living abroad without a Belgian eID (app/PRODUCT.md §2, app/certra/PROTOCOL.md
//! §3 #11): identified by a BIS number, they send the CSR with SubmitCSRForForeigner (unsigned,
//! no contract) and confirm it at eHealth's `ValidationUrl` before its `ExpirationDate`, after
//! logging in through eHealth's identity provider. Nothing is issued before that; then "Complete
//! a request" finishes it like any other pending keystore.
//!
//! Without a contract to copy the DN from, it is built as eHealth builds a person's
//! (app/certra/PROTOCOL.md §6.1), and the key goes into a pending keystore saved before anything is sent,
//! as in every flow.

use ehcert_certra::{
    request::{self, Actor, CertificateIdentifier, ContactData, Identifier},
    response::{self, ForeignerSubmission},
    CertraError,
};
use ehcert_pki::{dn, rules::Ssin};

use crate::{call, FlowError, Services};

/// The foreign provider as the request names them.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ForeignProvider {
    /// The BIS number (11 digits, checked).
    pub bis: String,
    /// Given names.
    pub given_names: String,
    /// Surname.
    pub surname: String,
}

/// What is wrong with the person's details, before anything is sent.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ForeignerProblem {
    /// Not a valid BIS number (see the identifier problem).
    Bis(ehcert_pki::rules::IdentifierProblem),
    /// A given name or the surname is empty.
    NameMissing,
}

impl ForeignProvider {
    /// Checks the typed details: a real BIS number (not a national number), both names given.
    pub fn new(bis: &str, given_names: &str, surname: &str) -> Result<Self, ForeignerProblem> {
        let bis = Ssin::parse_bis(bis).map_err(ForeignerProblem::Bis)?;
        let (given_names, surname) = (given_names.trim(), surname.trim());
        if given_names.is_empty() || surname.is_empty() {
            return Err(ForeignerProblem::NameMissing);
        }
        Ok(Self {
            bis: bis.as_str().to_owned(),
            given_names: given_names.to_owned(),
            surname: surname.to_owned(),
        })
    }

    /// `core:ActorType` for `ForeignPerson`.
    pub fn actor(&self) -> Actor {
        Actor {
            ids: vec![Identifier { kind: "SSIN".into(), value: self.bis.clone() }],
            first_names: vec![self.given_names.clone()],
            name: self.surname.clone(),
        }
    }

    /// The certificate's identifier (for the keystore's file name).
    pub fn certificate(&self) -> CertificateIdentifier {
        CertificateIdentifier { actor: self.actor(), application_id: None }
    }

    /// The DN the certificate will carry: the CSR's subject. Its name OU is `SURNAME FIRSTNAME`,
    /// as eHealth's client writes it for a foreign provider (`ra/builders/
    /// ForeignRequestBuilder.java` passes name then first name to `ra/domain/
    /// DistinguishedName.java`, which joins them in that order).
    pub fn dn(&self) -> String {
        dn::ehealth("SSIN", &self.bis, &format!("{} {}", self.surname, self.given_names), None)
    }
}

/// SubmitCSRForForeigner: where and until when the person must confirm the request.
pub async fn submit<S: Services>(
    services: &S,
    person: &ForeignProvider,
    contact: &ContactData,
    csr: &[u8],
) -> Result<ForeignerSubmission, S::Error> {
    crate::contact::check(contact).map_err(FlowError::from)?;
    let request =
        request::submit_csr_for_foreigner(&services.meta(), &person.actor(), contact, csr);
    let body = call(services, request).await?;
    let submission = response::foreigner_submission(&body).map_err(FlowError::from)?;
    if !is_web_link(&submission.validation_url) {
        return Err(FlowError::Certra(CertraError::Malformed(
            "the validation URL is not a web address".into(),
        ))
        .into());
    }
    Ok(submission)
}

/// The page shows the validation URL as a link: only `https:` (and `http:`, for the local test
/// service) may become one, never `javascript:` or `data:`.
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.contains(['"', '<', '>'])
}

#[cfg(test)]
mod tests {
    use ehcert_pki::rules::IdentifierProblem;

    use super::*;

    #[test]
    fn only_bis_numbers_and_full_names_are_accepted() {
        // 85073003328 is a national number (app/certra/PROTOCOL.md §11); +20 on the month makes a BIS.
        let person = ForeignProvider::new("85.27.30-033.xx", "Ana", "Nuñez");
        assert_eq!(person, Err(ForeignerProblem::Bis(IdentifierProblem::NotDigits)));
        assert_eq!(
            ForeignProvider::new("85073003328", "Ana", "Nuñez"),
            Err(ForeignerProblem::Bis(IdentifierProblem::NotBis))
        );
        let bis = bis_of("850730033");
        assert_eq!(ForeignProvider::new(&bis, " ", "Nuñez"), Err(ForeignerProblem::NameMissing));
        let person = ForeignProvider::new(&bis, "Ana María", "Nuñez").unwrap();
        assert_eq!(
            person.dn(),
            format!(
                "CN=SSIN\\={bis},OU=eHealth-platform Belgium,OU=NUNEZ ANA MARIA,OU=SSIN\\={bis},\
                 O=Federal Government,C=BE"
            )
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(is_web_link("https://www.ehealth.fgov.be/idp/validate/ab12"));
        assert!(is_web_link("http://mock-certra.invalid/foreigner/validate/ab12"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("JaVaScRiPt:alert(1)"));
        assert!(!is_web_link("data:text/html,<script>"));
        assert!(!is_web_link("https://x\"><script>"));
    }

    /// A BIS number for the date part of `national` (month + 20), with its check digits.
    fn bis_of(national: &str) -> String {
        let month: u32 = national[2..4].parse().unwrap();
        let base = format!("{}{:02}{}", &national[..2], month + 20, &national[4..]);
        let check = 97 - base.parse::<u64>().unwrap() % 97;
        format!("{base}{check:02}")
    }
}
