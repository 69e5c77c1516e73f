//! Contact data checked before anything is sent, as eHealth's own client refuses them
//! (`ra/domain/ContactData.java` in the technical connector 4.0.2): both private fields are
//! required; a phone number is a `+` or a digit, then digits and spaces (`[+0-9][0-9 ]*`); an
//! e-mail address is at most 320 characters of `local@domain`, the local part dot-separated atoms
//! of letters, digits and ``!#$%&'*+/=?^_`{|}~-``, the domain at least two dot-separated labels
//! of letters, digits and inner hyphens. Written out rather than with a regex engine: the app's
//! download has no room for one, and these patterns need none.

use ehcert_certra::request::ContactData;

use crate::{ContactField, ContactProblem};

/// Refuses contact data eHealth's client would not send.
pub fn check(contact: &ContactData) -> Result<(), ContactProblem> {
    let fields = [
        (ContactField::EmailPrivate, Some(contact.email_private.as_str()), true),
        (ContactField::EmailGeneral, contact.email_general.as_deref(), true),
        (ContactField::PhonePrivate, Some(contact.phone_private.as_str()), false),
        (ContactField::PhoneGeneral, contact.phone_general.as_deref(), false),
    ];
    for (field, value, email) in fields {
        let required = matches!(field, ContactField::EmailPrivate | ContactField::PhonePrivate);
        match value {
            None => {}
            Some("") if required => return Err(ContactProblem::Missing(field)),
            // An empty optional field is not sent as an empty element by the app; if it were,
            // the connector's pattern would refuse it too.
            Some(text) if email && !is_email(text) => return Err(ContactProblem::NotEmail(field)),
            Some(text) if !email && !is_phone(text) => return Err(ContactProblem::NotPhone(field)),
            Some(_) => {}
        }
    }
    Ok(())
}

/// `[+0-9][0-9 ]*`, the whole text.
pub fn is_phone(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|first| first == b'+' || first.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_digit() || b == b' ')
}

/// The connector's `EMAIL_PATTERN`, the whole text, and at most 320 characters.
pub fn is_email(text: &str) -> bool {
    const ATOM_SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    if text.chars().count() > 320 {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else { return false };
    let atom = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || ATOM_SPECIALS.contains(&b))
    };
    let label = |part: &str| {
        let bytes = part.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            }
            _ => false,
        }
    };
    local.split('.').all(atom) && domain.split('.').count() >= 2 && domain.split('.').all(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: &str, phone: &str) -> ContactData {
        ContactData {
            email_private: email.into(),
            email_general: None,
            phone_private: phone.into(),
            phone_general: None,
        }
    }

    #[test]
    fn phones_follow_the_connectors_pattern() {
        for good in ["+32 470 00 00 00", "0470000000", "+", "02 555 12 12"] {
            assert!(is_phone(good), "{good:?} refused");
        }
        for bad in ["", " 0470", "+32-470", "0470/00.00.00", "+32 (0)470", "0470 ext 12", "++32"] {
            assert!(!is_phone(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn e_mail_addresses_follow_the_connectors_pattern() {
        for good in ["jan.peeters@example.be", "a+b@x-y.example.be", "o'brien@ex.ie", "x@a.b"] {
            assert!(is_email(good), "{good:?} refused");
        }
        let long = format!("{}@example.be", "a".repeat(310));
        assert_eq!(long.len(), 321);
        for bad in [
            "",
            "jan",
            "jan@example",
            "jan@@example.be",
            ".jan@example.be",
            "jan..p@example.be",
            "jan@-example.be",
            "jan@example-.be",
            "jan@exa_mple.be",
            "jan peeters@example.be",
            "jan@example.be.",
            "jän@example.be",
            long.as_str(),
        ] {
            assert!(!is_email(bad), "{bad:?} accepted");
        }
        assert!(is_email(&long[1..]), "320 characters are allowed");
    }

    #[test]
    fn each_field_says_what_is_wrong_with_it() {
        assert_eq!(check(&contact("jan@example.be", "+32 470 00 00 00")), Ok(()));
        assert_eq!(
            check(&contact("", "0470")),
            Err(ContactProblem::Missing(ContactField::EmailPrivate))
        );
        assert_eq!(
            check(&contact("jan@example.be", "")),
            Err(ContactProblem::Missing(ContactField::PhonePrivate))
        );
        assert_eq!(
            check(&contact("jan(at)example.be", "0470")),
            Err(ContactProblem::NotEmail(ContactField::EmailPrivate))
        );
        assert_eq!(
            check(&contact("jan@example.be", "0470/000000")),
            Err(ContactProblem::NotPhone(ContactField::PhonePrivate))
        );
        let mut organisation = contact("jan@example.be", "0470");
        organisation.phone_general = Some("tel. 02 555".into());
        assert_eq!(check(&organisation), Err(ContactProblem::NotPhone(ContactField::PhoneGeneral)));
        organisation.phone_general = None;
        organisation.email_general = Some("info".into());
        assert_eq!(check(&organisation), Err(ContactProblem::NotEmail(ContactField::EmailGeneral)));
    }
}
