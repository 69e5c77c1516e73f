//! Distinguished names. CertRA returns the DN the certificate will carry as an RFC 2253 string
//! in `Contract/DN` (spec/certra.md §6.1), and the CSR's subject must equal it; we use it
//! verbatim, only turning the string into DER.
//!
//! RFC 2253 lists RDNs last-to-first, so the string's first RDN (`CN=…`) is the DER's last.
//! String types follow what eHealth certificates carry (spec/certra.md §6.1): `C` is a
//! PrintableString, everything else UTF8String.

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
        let value = unescape(value.trim_start_matches(' ')).map_err(|reason| invalid(&reason))?;
        if value.is_empty() {
            return Err(invalid(&format!("{key} is empty")));
        }
        let any = if oid == rfc4519::C {
            if value.len() != 2 {
                return Err(invalid("C must be a two-letter country code"));
            }
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
                    format!("#{}", der.iter().map(|b| format!("{b:02x}")).collect::<String>())
                });
                format!("{key}={value}")
            })
            .collect();
        rdns.push(atvs.join("+"));
    }
    rdns.join(",")
}

/// The DN eHealth gives a certificate (spec/certra.md §6.1), for the one request that has no
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

/// Splits at `separator` where it is not escaped with a backslash.
fn split_unescaped(text: &str, separator: char) -> std::result::Result<Vec<String>, String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().ok_or("a trailing backslash")?;
                let last = parts.last_mut().ok_or("unreachable: parts is never empty")?;
                last.push('\\');
                last.push(next);
            }
            c if c == separator => parts.push(String::new()),
            c => parts.last_mut().ok_or("unreachable: parts is never empty")?.push(c),
        }
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
                let hex = [*a, *b];
                let text = std::str::from_utf8(&hex).map_err(|err| err.to_string())?;
                bytes.push(u8::from_str_radix(text, 16).map_err(|err| err.to_string())?);
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
    use der::Encode;

    use super::*;

    #[test]
    fn ehealth_names_follow_the_issued_certificates() {
        // The production organisation certificate of spec/certra.md §6.1 (there written with
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
        assert_eq!(last.value.tag(), Tag::Utf8String);
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
