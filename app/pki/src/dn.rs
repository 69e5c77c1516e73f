//! Distinguished names. CertRA returns the DN the certificate will carry as a string in
//! `Contract/DN`, and the CSR's subject must equal it; we use it verbatim, only turning the
//! string into DER.
//!
//! The string is read as eHealth's own client reads it: the technical connector builds the CSR
//! with `new X500Principal(dn)` from the DN exactly as GenerateContract returned it
//! (`ra/domain/NewCertificateContract.java` → `ra/utils/CertificateUtils.createCSR`), and
//! escapes the identifier's `=` only in the copy it echoes, which implies eHealth returns
//! `CN=SSIN=85073003328,…` with that `=` unescaped. So, like the JDK's parser, an `=` inside a
//! value needs no escape, RFC 2253 backslash escapes are understood, and RFC 1779 quoted values
//! (`OU="AZ Voorbeeld, campus Noord"`) are too.
//!
//! RFC 2253 lists RDNs last-to-first, so the string's first RDN (`CN=…`) is the DER's last.
//! String types are the JDK's (`sun.security.x509.AVA`, what `X500Principal` writes into the
//! connector's CSR): a PrintableString when every character is one of PrintableString's
//! (X.680 §41.4: letters, digits, space and `'()+,-./:=?`), else a UTF8String.

use der::{
    asn1::{Any, PrintableStringRef, SetOfVec, Utf8StringRef},
    oid::{db::rfc4519, ObjectIdentifier},
    Tag, Tagged,
};
use x509_cert::{
    attr::AttributeTypeAndValue,
    name::{Name, RdnSequence, RelativeDistinguishedName},
};

use crate::{PkiError, Result};

/// Parses an RFC 2253 DN string such as
/// `CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=SSIN\=85073003328,O=Federal Government,C=BE`.
pub fn parse(dn: &str) -> Result<Name> {
    let invalid =
        |reason: &str| PkiError::InvalidDn { dn: dn.to_owned(), reason: reason.to_owned() };
    let mut rdns = Vec::new();
    for component in split_unescaped(dn, ',').map_err(|reason| invalid(&reason))? {
        if split_unescaped(&component, '+').map_err(|reason| invalid(&reason))?.len() > 1 {
            return Err(invalid("multi-valued RDNs are not used in eHealth names"));
        }
        let (key, value) = component
            .split_once('=')
            .ok_or_else(|| invalid(&format!("{component:?} has no '='")))?;
        let oid = attribute_oid(key.trim_matches(' '))
            .ok_or_else(|| invalid(&format!("unknown attribute {key:?}")))?;
        // RFC 2253 §3 allows only spaces around the '='; other whitespace is part of the value.
        let value = value.trim_start_matches(' ');
        let value = match quoted(value) {
            Some(inner) => inner.and_then(unescape),
            None => unescape(value),
        }
        .map_err(|reason| invalid(&reason))?;
        if value.is_empty() {
            return Err(invalid(&format!("{key} is empty")));
        }
        if oid == rfc4519::C && value.len() != 2 {
            return Err(invalid("C must be a two-letter country code"));
        }
        let any = if value.chars().all(is_printable) {
            Any::new(Tag::PrintableString, PrintableStringRef::new(&value)?.as_bytes())?
        } else {
            Any::new(Tag::Utf8String, Utf8StringRef::new(&value)?.as_bytes())?
        };
        let atv = AttributeTypeAndValue { oid, value: any };
        rdns.push(RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?));
    }
    if rdns.is_empty() {
        return Err(invalid("it is empty"));
    }
    rdns.reverse();
    Ok(RdnSequence(rdns))
}

/// The attributes of a name, most specific first (as the string lists them), each as its
/// short name (`CN`, `OU`…, else the OID) and its text; `None` for a value that is not text.
pub fn attributes(name: &Name) -> Vec<(String, Option<String>)> {
    name.0
        .iter()
        .rev()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| {
            let key = attribute_name(atv.oid).map_or_else(|| atv.oid.to_string(), str::to_owned);
            let text = match atv.value.tag() {
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                    std::str::from_utf8(atv.value.value()).ok().map(str::to_owned)
                }
                _ => None,
            };
            (key, text)
        })
        .collect()
}

/// The RFC 2253 string of a name (most specific RDN first), escaping as CertRA's contract DNs do
/// (`SSIN\=…`): the inverse of [`parse`] for eHealth names.
pub fn to_string(name: &Name) -> String {
    let mut rdns = Vec::new();
    for rdn in name.0.iter().rev() {
        let atvs: Vec<String> = rdn
            .0
            .iter()
            .map(|atv| {
                let key =
                    attribute_name(atv.oid).map_or_else(|| atv.oid.to_string(), str::to_owned);
                let text = match atv.value.tag() {
                    Tag::Utf8String
                    | Tag::PrintableString
                    | Tag::Ia5String
                    | Tag::TeletexString => std::str::from_utf8(atv.value.value()).ok().map(escape),
                    _ => None,
                };
                // Anything else is written as `#` + the hex of its DER (RFC 2253 §2.4).
                let value = text.unwrap_or_else(|| {
                    let der = der::Encode::to_der(&atv.value).unwrap_or_default();
                    format!("#{}", base16ct::lower::encode_string(&der))
                });
                format!("{key}={value}")
            })
            .collect();
        rdns.push(atvs.join("+"));
    }
    rdns.join(",")
}

/// The DN eHealth gives a certificate (app/certra/PROTOCOL.md §6.1), for the one request that has no
/// contract to copy it from (SubmitCSRForForeigner): `CN=<TYPE>=<id>`, the platform OU, the name
/// in upper case without accents, the identifier again, then the application id when there is
/// one.
pub fn ehealth(
    identifier_type: &str,
    id: &str,
    name: &str,
    application_id: Option<&str>,
) -> String {
    let typed = escape(&format!("{identifier_type}={id}"));
    let name = escape(&crate::rules::plain_upper_case(name));
    match application_id {
        None => {
            format!("CN={typed},OU=eHealth-platform Belgium,OU={name},OU={typed},O=Federal Government,C=BE")
        }
        Some(app) => format!(
            "CN={},OU=eHealth-platform Belgium,OU={name},OU={typed},OU={},O=Federal Government,C=BE",
            escape(&format!("{identifier_type}={id}, {app}")),
            escape(app)
        ),
    }
}

/// Whose certificate an eHealth DN names, read from the DN as CertRA writes it
/// (app/certra/PROTOCOL.md §6.1): `CN=TYPE=ID[, APP],OU=eHealth-platform Belgium,OU=NAME,OU=TYPE=ID[,OU=APP],O=…,C=BE`.
/// Screens and the PIN window show a person this, and the DN itself only as a technical detail.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EhealthSubject {
    /// The identifier's type: `SSIN` for a person, an organisation type (`NIHII-HOSPITAL`, `CBE`…).
    pub id_type: String,
    /// The national number or the organisation's number.
    pub id: String,
    /// The name as eHealth writes it (upper case, without accents).
    pub name: String,
    /// The application id of an organisation's second certificate, if any.
    pub application_id: Option<String>,
}

impl EhealthSubject {
    /// The subject of the DN `name`; `None` when it is not shaped as eHealth's.
    pub fn of(name: &Name) -> Option<Self> {
        let attributes = attributes(name);
        let value = |key: &str, nth: usize| {
            attributes
                .iter()
                .filter(|(name, _)| name == key)
                .nth(nth)
                .and_then(|(_, value)| value.clone())
        };
        let common_name = value("CN", 0)?;
        let (identifier, application_id) = match common_name.split_once(", ") {
            Some((identifier, application)) => (identifier, Some(application.to_owned())),
            None => (common_name.as_str(), None),
        };
        let (id_type, id) = identifier.split_once('=')?;
        if id_type.is_empty() || id.is_empty() {
            return None;
        }
        Some(Self {
            id_type: id_type.to_owned(),
            id: id.to_owned(),
            name: value("OU", 1)?,
            application_id,
        })
    }

    /// The subject of the DN string `dn` (see [`parse`]).
    pub fn parse(dn: &str) -> Option<Self> {
        Self::of(&parse(dn).ok()?)
    }

    /// Whether this is a person's own certificate (`SSIN=…`).
    pub fn is_person(&self) -> bool {
        self.id_type == "SSIN"
    }
}

/// A national number as the eID card prints it (`85.07.30-033.28`); anything not of eleven
/// digits is returned as it is.
pub fn format_national_number(number: &str) -> String {
    if number.len() != 11 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let part = |range: std::ops::Range<usize>| &number[range];
    format!("{}.{}.{}-{}.{}", part(0..2), part(2..4), part(4..6), part(6..9), part(9..11))
}

fn attribute_name(oid: ObjectIdentifier) -> Option<&'static str> {
    Some(match oid {
        rfc4519::C => "C",
        rfc4519::O => "O",
        rfc4519::OU => "OU",
        rfc4519::CN => "CN",
        rfc4519::L => "L",
        rfc4519::ST => "ST",
        rfc4519::SERIAL_NUMBER => "SERIALNUMBER",
        _ => return None,
    })
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (index, c) in value.chars().enumerate() {
        let edge =
            index == 0 && (c == ' ' || c == '#') || index + 1 == value.chars().count() && c == ' ';
        if edge || matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn attribute_oid(key: &str) -> Option<ObjectIdentifier> {
    Some(match key.to_ascii_uppercase().as_str() {
        "C" => rfc4519::C,
        "O" => rfc4519::O,
        "OU" => rfc4519::OU,
        "CN" => rfc4519::CN,
        "L" => rfc4519::L,
        "ST" => rfc4519::ST,
        "SERIALNUMBER" => rfc4519::SERIAL_NUMBER,
        // Dotted OIDs are not accepted: eHealth names use only the attributes above, and
        // const-oid's parser panics on arcs that overflow (found by the `dn_parse` fuzz target).
        _ => return None,
    })
}

/// A character of ASN.1's PrintableString (X.680 §41.4, Table 10).
fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, ' ' | '\'' | '(' | ')' | '+' | ',' | '-' | '.' | '/' | ':' | '=' | '?')
}

/// The inside of an RFC 1779 quoted value (`"…"`, spaces allowed after it), still escaped;
/// `None` when the value is not quoted.
fn quoted(value: &str) -> Option<std::result::Result<&str, String>> {
    let inner = value.strip_prefix('"')?;
    let mut escaped = false;
    for (index, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' if inner[index + 1..].trim_matches(' ').is_empty() => {
                return Some(Ok(&inner[..index]))
            }
            '"' => return Some(Err("text after a quoted value".into())),
            _ => {}
        }
    }
    Some(Err("a quoted value without its closing quote".into()))
}

/// Splits at `separator` where it is neither escaped with a backslash nor inside quotes.
fn split_unescaped(text: &str, separator: char) -> std::result::Result<Vec<String>, String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().ok_or("a trailing backslash")?;
                let last = parts.last_mut().ok_or("unreachable: parts is never empty")?;
                last.push('\\');
                last.push(next);
            }
            c if c == separator && !in_quotes => parts.push(String::new()),
            c => {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                parts.last_mut().ok_or("unreachable: parts is never empty")?.push(c);
            }
        }
    }
    if in_quotes {
        return Err("a quoted value without its closing quote".into());
    }
    Ok(parts)
}

/// Removes RFC 2253 §2.4 escapes: `\` before a special character, or `\` + two hex digits.
fn unescape(value: &str) -> std::result::Result<String, String> {
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first != b'\\' {
            bytes.push(first);
            rest = tail;
            continue;
        }
        match tail {
            [a, b, after @ ..] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => {
                let mut byte = [0u8; 1];
                base16ct::mixed::decode([*a, *b], &mut byte).map_err(|err| err.to_string())?;
                bytes.push(byte[0]);
                rest = after;
            }
            [special, after @ ..] => {
                bytes.push(*special);
                rest = after;
            }
            [] => return Err("a trailing backslash".into()),
        }
    }
    String::from_utf8(bytes).map_err(|_| "an escape sequence is not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_subject_of_a_personal_and_an_organisation_dn_in_words() {
        let person = EhealthSubject::parse(
            "CN=SSIN\\=85073003328,OU=eHealth-platform Belgium,OU=JAN PEETERS,OU=SSIN\\=85073003328,O=Federal Government,C=BE",
        )
        .unwrap();
        assert_eq!(
            person,
            EhealthSubject {
                id_type: "SSIN".into(),
                id: "85073003328".into(),
                name: "JAN PEETERS".into(),
                application_id: None,
            }
        );
        assert!(person.is_person());
        let organisation = EhealthSubject::parse(&ehealth(
            "NIHII-HOSPITAL",
            "71000436",
            "AZ Voorbeeld, campus Noord",
            Some("ROUTING"),
        ))
        .unwrap();
        assert_eq!(organisation.name, "AZ VOORBEELD, CAMPUS NOORD");
        assert_eq!(
            (organisation.id_type.as_str(), organisation.id.as_str()),
            ("NIHII-HOSPITAL", "71000436")
        );
        assert_eq!(organisation.application_id.as_deref(), Some("ROUTING"));
        assert!(!organisation.is_person());
        // Not eHealth's shape: no words are made up for it.
        assert_eq!(EhealthSubject::parse("CN=Jan,O=Elsewhere"), None);
        assert_eq!(EhealthSubject::parse("CN=SSIN\\=,OU=a,OU=b"), None);
        assert_eq!(EhealthSubject::parse("not a dn"), None);
    }

    #[test]
    fn national_numbers_are_grouped_as_on_the_card() {
        assert_eq!(format_national_number("85073003328"), "85.07.30-033.28");
        assert_eq!(format_national_number("8507300332"), "8507300332");
        assert_eq!(format_national_number("8507300332x"), "8507300332x");
    }

    use der::Encode;

    use super::*;

    #[test]
    fn ehealth_names_follow_the_issued_certificates() {
        // The production organisation certificate of app/certra/PROTOCOL.md §6.1 (there written with
        // quotes instead of backslashes).
        assert_eq!(
            ehealth(
                "EHP",
                "1990001916",
                "Vlaams Agentschap Zorg en Gezondheid",
                Some("VITALINKGATEWAY")
            ),
            "CN=EHP\\=1990001916\\, VITALINKGATEWAY,OU=eHealth-platform Belgium,\
             OU=VLAAMS AGENTSCHAP ZORG EN GEZONDHEID,OU=EHP\\=1990001916,OU=VITALINKGATEWAY,\
             O=Federal Government,C=BE"
        );
        let person = ehealth("SSIN", "85273003387", "Zoë Łucja Nuñez", None);
        assert_eq!(
            person,
            "CN=SSIN\\=85273003387,OU=eHealth-platform Belgium,OU=ZOE ŁUCJA NUNEZ,\
             OU=SSIN\\=85273003387,O=Federal Government,C=BE"
        );
        assert_eq!(to_string(&parse(&person).unwrap()), person);
    }

    const PERSON: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";

    #[test]
    fn orders_rdns_as_der_expects_and_types_c_as_printable() {
        let name = parse(PERSON).unwrap();
        assert_eq!(name.0.len(), 6);
        let first = &name.0[0].0.as_slice()[0];
        assert_eq!(first.oid, rfc4519::C);
        assert_eq!(first.value.tag(), Tag::PrintableString);
        let last = &name.0[5].0.as_slice()[0];
        assert_eq!(last.oid, rfc4519::CN);
        assert_eq!(last.value.tag(), Tag::PrintableString);
        assert_eq!(last.value.value(), b"SSIN=85073003328");
        // RFC 4514 rendering puts the CN first again, with its '=' escaped.
        assert_eq!(to_string(&name), PERSON);
    }

    #[test]
    fn keeps_escaped_commas_and_hex_escapes_inside_values() {
        let name = parse(r"CN=CBE\=0403019261\, MYAPP,OU=CAF\C3\89,C=BE").unwrap();
        let cn = &name.0[2].0.as_slice()[0];
        assert_eq!(cn.value.value(), b"CBE=0403019261, MYAPP");
        let ou = &name.0[1].0.as_slice()[0];
        assert_eq!(ou.value.value(), "CAFÉ".as_bytes());
    }

    #[test]
    fn reads_the_dn_as_the_connectors_x500principal_does() {
        // eHealth's DN with its '=' unescaped, as the connector implies: the same name.
        let raw = "CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE";
        assert_eq!(parse(raw).unwrap(), parse(PERSON).unwrap());
        // RFC 1779 quotes, with an escaped quote inside and spaces after.
        let quoted =
            parse(r#"CN="NIHII-HOSPITAL=71000436, LABO",OU="AZ \"Noord\"" ,C=BE"#).unwrap();
        assert_eq!(quoted.0[2].0.as_slice()[0].value.value(), b"NIHII-HOSPITAL=71000436, LABO");
        assert_eq!(quoted.0[1].0.as_slice()[0].value.value(), br#"AZ "Noord""#);
        assert_eq!(quoted, parse(&to_string(&quoted)).unwrap());
        for bad in [r#"CN="open,C=BE"#, r#"CN="a"b,C=BE"#] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn string_types_are_the_jdks_printable_unless_a_character_is_not() {
        let name = parse("CN=SSIN=1,OU=ZOË,OU=A_B,OU=(O'Brien) \\+32/1:2.3?,C=BE").unwrap();
        let tags: Vec<Tag> = name.0.iter().map(|rdn| rdn.0.as_slice()[0].value.tag()).collect();
        assert_eq!(
            tags,
            [
                Tag::PrintableString,
                Tag::PrintableString,
                Tag::Utf8String, // '_' is not a PrintableString character
                Tag::Utf8String,
                Tag::PrintableString
            ]
        );
    }

    #[test]
    fn refuses_what_cannot_be_an_ehealth_name() {
        for bad in ["", "CN", "XX=1,C=BE", "CN=a+OU=b,C=BE", "CN=,C=BE", "CN=a,C=BEL", r"CN=a\"] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn dotted_oid_attributes_are_refused_not_parsed() {
        // Fuzz finding (dn_parse): an overflowing OID arc made const-oid panic.
        assert!(parse("7777777777777777777777=1@").is_err());
        assert!(parse("2.5.4.3=x,C=BE").is_err());
    }

    #[test]
    fn only_spaces_are_trimmed_so_other_whitespace_round_trips() {
        // Fuzz finding (dn_parse): an escaped form feed rendered unescaped, then got trimmed away.
        let name = parse("CN=\\\u{c}").unwrap();
        assert_eq!(parse(&to_string(&name)).unwrap(), name);
    }

    #[test]
    fn equal_strings_give_equal_der() {
        let a = parse(PERSON).unwrap().to_der().unwrap();
        let b = parse(PERSON).unwrap().to_der().unwrap();
        assert_eq!(a, b);
    }
}
