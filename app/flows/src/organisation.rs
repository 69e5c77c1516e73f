//! F2, a new organisation certificate (app/PRODUCT.md §2, app/certra/PROTOCOL.md §4.2): which
//! organisations the eID holder may manage (GetActorQualities, signed with the eID authentication
//! key), the organisation types with their identifier rules (GetGenericOrganizationTypes), the
//! application ids already taken (GetExistingApplicationIds), and the certificate's identifier
//! checked against those rules before GenerateContract. The rest of the flow (contract, keys,
//! pending keystore, eID signature, completion) is [`crate::new_certificate`]'s, with the eID
//! holder still the signer.

use ehcert_certra::{
    request::{self, Actor, CertificateIdentifier, Identifier},
    response::{self, ActorQualities, OrganizationType},
};
use ehcert_shared::bridge::KeyRole;

use crate::{call, eid::EidHolder, FlowError, OrganisationProblem, Services};

/// GetActorQualities: may the holder request a personal certificate, and for which organisations
/// do they hold a mandate.
pub async fn actor_qualities<S: Services>(
    services: &S,
    holder: &EidHolder,
) -> Result<ActorQualities, S::Error> {
    let request = request::get_actor_qualities(&services.meta(), &holder.ssin);
    let body = holder.call(services, request, KeyRole::Authentication).await?;
    Ok(response::actor_qualities(&body).map_err(FlowError::from)?)
}

/// GetGenericOrganizationTypes: the types, their regexes and check-digit algorithms.
pub async fn organization_types<S: Services>(
    services: &S,
) -> Result<Vec<OrganizationType>, S::Error> {
    let body = call(services, request::get_generic_organization_types(&services.meta())).await?;
    Ok(response::organization_types(&body).map_err(FlowError::from)?)
}

/// GetExistingApplicationIds: `None` is a certificate without application id.
pub async fn existing_application_ids<S: Services>(
    services: &S,
    organisation: &Identifier,
) -> Result<Vec<Option<String>>, S::Error> {
    let request = request::get_existing_application_ids(&services.meta(), organisation);
    let body = call(services, request).await?;
    Ok(response::existing_application_ids(&body).map_err(FlowError::from)?)
}

/// The base services of `chosen` that an organisation of type `kind` may use, in the type's own
/// order (GetGenericOrganizationTypes' `AvailableBaseService`): eHealth refuses a
/// GenerateCertificate whose `BaseServiceUsage` names another one (app/certra/PROTOCOL.md §3.1), so a
/// choice left from another type is dropped here rather than sent.
pub fn base_services_for(kind: &OrganizationType, chosen: &[String]) -> Vec<String> {
    kind.available_base_services
        .iter()
        .filter(|service| chosen.contains(service))
        .cloned()
        .collect()
}

/// The organisation's number as eHealth wants it: separators removed, the type's
/// `ValidationRegEx` matched in full (Java's `matches`) by `full_match`, its check digits right.
/// `full_match(pattern, text)` answers `None` for a pattern it does not understand: the app
/// passes the browser's own regular expressions (no regex engine in its download, app/PRODUCT.md
/// §6), native code [`regex_full_match`].
pub fn check_identifier(
    kind: &OrganizationType,
    text: &str,
    full_match: impl Fn(&str, &str) -> Option<bool>,
) -> Result<String, OrganisationProblem> {
    let number: String = text.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '/')).collect();
    if number.is_empty() {
        return Err(OrganisationProblem::WrongForm);
    }
    if let Some(pattern) = &kind.validation_regex {
        // A pattern only Java understands is left to eHealth, which checks it again anyway.
        if full_match(pattern, &number) == Some(false) {
            return Err(OrganisationProblem::WrongForm);
        }
    }
    for algorithm in &kind.check_digit_algorithms {
        if !check_digits_hold(algorithm, &number) {
            return Err(OrganisationProblem::WrongCheckDigits);
        }
    }
    Ok(number)
}

/// [`check_identifier`]'s full match with `regex-lite` (native builds and tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn regex_full_match(pattern: &str, text: &str) -> Option<bool> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok().map(|regex| regex.is_match(text))
}

/// The two algorithms CertRA names (app/certra/PROTOCOL.md §11): for CBE and organisation NIHII numbers
/// both come to "the last two digits are 97 − (the digits before them mod 97)". An algorithm
/// this version does not know is left to eHealth.
fn check_digits_hold(algorithm: &str, number: &str) -> bool {
    if !matches!(algorithm, "CHECK-MOD-97" | "CHECK-97-MOD-97") {
        return true;
    }
    if number.len() < 3 || number.len() > 20 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (base, check) = number.split_at(number.len() - 2);
    match (base.parse::<u128>(), check.parse::<u128>()) {
        (Ok(base), Ok(check)) => 97 - base % 97 == check,
        _ => false,
    }
}

/// An application id as eHealth stores it: upper case, accents dropped, 1–30 of `0-9 A-Z - _`
/// (app/certra/PROTOCOL.md §6.1); empty means none.
pub fn normalise_application_id(text: &str) -> Result<Option<String>, OrganisationProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let id = ehcert_pki::rules::plain_upper_case(text);
    let valid = id.chars().count() <= 30
        && id.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-' || c == '_');
    if valid {
        Ok(Some(id))
    } else {
        Err(OrganisationProblem::BadApplicationId)
    }
}

/// The organisation certificate's identifier (`Actor` = the organisation, optional application
/// id), refused when the name is missing or the application id is already in use.
pub fn organisation_certificate(
    organisation: Identifier,
    name: &str,
    application_id: Option<String>,
    existing: &[Option<String>],
) -> Result<CertificateIdentifier, OrganisationProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OrganisationProblem::NameMissing);
    }
    if application_id.is_some() && existing.contains(&application_id) {
        return Err(OrganisationProblem::ApplicationIdTaken);
    }
    Ok(CertificateIdentifier {
        actor: Actor { ids: vec![organisation], first_names: Vec::new(), name: name.to_owned() },
        application_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(regex: Option<&str>, algorithms: &[&str]) -> OrganizationType {
        OrganizationType {
            name: Vec::new(),
            identifier_type: "NIHII-HOSPITAL".into(),
            validation_regex: regex.map(str::to_owned),
            check_digit_algorithms: algorithms.iter().map(|a| (*a).to_owned()).collect(),
            available_base_services: Vec::new(),
        }
    }

    fn check_identifier_native(
        kind: &OrganizationType,
        text: &str,
    ) -> Result<String, OrganisationProblem> {
        check_identifier(kind, text, regex_full_match)
    }

    #[test]
    fn base_services_are_those_of_the_type_in_its_order() {
        let mut hospital = kind(None, &[]);
        hospital.available_base_services =
            ["tsa", "consultrn", "codage"].map(String::from).to_vec();
        let chosen = ["codage", "other", "tsa"].map(String::from);
        assert_eq!(base_services_for(&hospital, &chosen), ["tsa", "codage"]);
        assert!(base_services_for(&hospital, &[]).is_empty());
    }

    #[test]
    fn identifiers_follow_the_regex_in_full_and_the_check_digits() {
        let hospital = kind(Some("[0-9]{8}"), &["CHECK-97-MOD-97"]);
        assert_eq!(check_identifier_native(&hospital, "710.004.36"), Ok("71000436".into()));
        assert_eq!(
            check_identifier_native(&hospital, "71000437"),
            Err(OrganisationProblem::WrongCheckDigits)
        );
        // Full match: nine digits do not match `[0-9]{8}` even though eight of them do.
        assert_eq!(
            check_identifier_native(&hospital, "710004361"),
            Err(OrganisationProblem::WrongForm)
        );
        assert_eq!(check_identifier_native(&hospital, ""), Err(OrganisationProblem::WrongForm));
        let cbe = kind(Some("[01][0-9]{9}"), &["CHECK-MOD-97"]);
        assert_eq!(check_identifier_native(&cbe, "0403.019.261"), Ok("0403019261".into()));
        assert_eq!(
            check_identifier_native(&cbe, "0403019262"),
            Err(OrganisationProblem::WrongCheckDigits)
        );
        assert_eq!(
            check_identifier_native(&cbe, "2403019261"),
            Err(OrganisationProblem::WrongForm)
        );
        // Unknown algorithms and Java-only patterns are left to eHealth.
        let other = kind(Some("\\p{javaDigit}{4}"), &["CHECK-LUHN"]);
        assert_eq!(check_identifier_native(&other, "1234"), Ok("1234".into()));
    }

    #[test]
    fn application_ids_are_upper_case_without_accents_and_unique() {
        assert_eq!(normalise_application_id("  "), Ok(None));
        assert_eq!(normalise_application_id("pharmaçie-2"), Ok(Some("PHARMACIE-2".into())));
        assert_eq!(normalise_application_id("a b"), Err(OrganisationProblem::BadApplicationId));
        assert_eq!(
            normalise_application_id(&"X".repeat(31)),
            Err(OrganisationProblem::BadApplicationId)
        );
        let hospital = Identifier { kind: "NIHII-HOSPITAL".into(), value: "71000436".into() };
        let existing = [None, Some("LAB".to_owned())];
        assert_eq!(
            organisation_certificate(hospital.clone(), "AZ", Some("LAB".into()), &existing),
            Err(OrganisationProblem::ApplicationIdTaken)
        );
        assert_eq!(
            organisation_certificate(hospital.clone(), " ", None, &existing),
            Err(OrganisationProblem::NameMissing)
        );
        let ok = organisation_certificate(hospital, "AZ Voorbeeld", Some("RX".into()), &existing)
            .unwrap();
        assert_eq!(ok.application_id.as_deref(), Some("RX"));
        assert_eq!(ok.actor.name, "AZ Voorbeeld");
    }
}
