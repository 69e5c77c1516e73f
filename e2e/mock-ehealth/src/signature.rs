//! Checking a request's XML signature the way CertRA does (app/certra/PROTOCOL.md §2.3, §13), with an
//! implementation that is not the app's own: `xmlsec1` verifies, this module only picks out the
//! signer and says which kind of certificate it is.

use std::process::Command;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use der::{asn1::ObjectIdentifier, Decode as _};
use roxmltree::Node;
use x509_cert::{
    ext::pkix::{KeyUsage, KeyUsages},
    Certificate,
};

use super::{
    ca::{public_key_identifier, TestPki},
    knobs::EcSignatureMethod,
    soap::{child, children, Refusal, XMLDSIG},
};

const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// id-ecPublicKey (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// Who signed, as far as CertRA cares.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Signer {
    /// The eID authentication key (digitalSignature).
    EidAuthentication { ssin: String, surname: Option<String> },
    /// The eID signature key (nonRepudiation).
    EidSignature { ssin: String, surname: Option<String> },
    /// An eHealth authentication certificate issued by this CertRA.
    EHealth { public_key_identifier: [u8; 20], certificate: Vec<u8> },
}

impl Signer {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::EidAuthentication { .. } => "the eID authentication certificate",
            Self::EidSignature { .. } => "the eID signature certificate",
            Self::EHealth { .. } => "an eHealth authentication certificate",
        }
    }
}

/// Verifies the enveloped signature of `request` (the body element of `envelope`) and says who
/// signed it.
pub(crate) fn verify(
    envelope: &str,
    request: Node<'_, '_>,
    pki: &TestPki,
    ec_method: EcSignatureMethod,
) -> Result<Signer, Refusal> {
    let missing = || Refusal::requester("SIGNATURE_MISSING", "The request must be signed.");
    let signature = request.children().rfind(Node::is_element).ok_or_else(missing)?;
    if !signature.has_tag_name((XMLDSIG, "Signature")) {
        return Err(missing());
    }
    let id = request.attribute("Id").ok_or_else(|| {
        Refusal::requester("SIGNATURE_INVALID", "The signed request has no Id attribute.")
    })?;
    let signed_info = child(signature, XMLDSIG, "SignedInfo").ok_or_else(missing)?;
    let references: Vec<_> = children(signed_info, XMLDSIG, "Reference").collect();
    let expected_uri = format!("#{id}");
    if references.len() != 1 || references[0].attribute("URI") != Some(expected_uri.as_str()) {
        return Err(Refusal::requester(
            "SIGNATURE_INVALID",
            "The signature must have one reference, to the request's root element.",
        ));
    }
    let chain: Vec<Vec<u8>> = child(signature, XMLDSIG, "KeyInfo")
        .and_then(|info| child(info, XMLDSIG, "X509Data"))
        .map(|data| {
            children(data, XMLDSIG, "X509Certificate")
                .filter_map(|c| {
                    let text: String = c.text().unwrap_or_default().split_whitespace().collect();
                    STANDARD.decode(text).ok()
                })
                .collect()
        })
        .unwrap_or_default();
    let signer_der = chain.first().ok_or_else(|| {
        Refusal::requester("SIGNATURE_INVALID", "The signature carries no X509Certificate.")
    })?;
    let certificate = Certificate::from_der(signer_der).map_err(|_| {
        Refusal::requester("SIGNATURE_INVALID", "The signing certificate cannot be read.")
    })?;
    // An EC key's signature only with the one method this mock assumes CertRA accepts (its
    // `ec_signature_method` knob). Mock-only: the code `SIGNATURE_METHOD_NOT_SUPPORTED`.
    let method = child(signed_info, XMLDSIG, "SignatureMethod")
        .and_then(|method| method.attribute("Algorithm"))
        .unwrap_or_default();
    if certificate.tbs_certificate.subject_public_key_info.algorithm.oid == EC_PUBLIC_KEY
        && method != ec_method.uri()
    {
        return Err(Refusal::requester(
            "SIGNATURE_METHOD_NOT_SUPPORTED",
            format!("An EC key must sign with {}.", ec_method.uri()),
        ));
    }
    xmlsec1_verify(envelope, request, signer_der)?;
    classify(&certificate, signer_der, pki)
}

fn xmlsec1_verify(
    envelope: &str,
    request: Node<'_, '_>,
    certificate: &[u8],
) -> Result<(), Refusal> {
    let internal = |what: &str| Refusal::responder("INTERNAL_ERROR", format!("mock: {what}"));
    let dir = tempfile::tempdir().map_err(|_| internal("no temporary folder"))?;
    let document = dir.path().join("request.xml");
    let pem = dir.path().join("signer.pem");
    std::fs::write(&document, envelope).map_err(|_| internal("cannot write the request"))?;
    let body = STANDARD.encode(certificate);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    std::fs::write(
        &pem,
        format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n")),
    )
    .map_err(|_| internal("cannot write the certificate"))?;
    let id_attribute = format!(
        "{}:{}",
        request.tag_name().namespace().unwrap_or_default(),
        request.tag_name().name()
    );
    let output = Command::new("xmlsec1")
        .arg("--verify")
        .arg("--id-attr:Id")
        .arg(&id_attribute)
        .arg("--pubkey-cert-pem")
        .arg(&pem)
        .arg(&document)
        .output()
        .map_err(|_| internal("xmlsec1 is not installed"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Refusal::requester(
            "SIGNATURE_INVALID",
            "The XML signature of the request does not verify.",
        ))
    }
}

fn classify(certificate: &Certificate, der: &[u8], pki: &TestPki) -> Result<Signer, Refusal> {
    let tbs = &certificate.tbs_certificate;
    if pki.issued(certificate) {
        return Ok(Signer::EHealth {
            public_key_identifier: public_key_identifier(&tbs.subject_public_key_info),
            certificate: der.to_vec(),
        });
    }
    let issuer_cn = attribute(&tbs.issuer, COMMON_NAME).unwrap_or_default();
    let ssin = attribute(&tbs.subject, SERIAL_NUMBER).unwrap_or_default();
    let surname = attribute(&tbs.subject, SURNAME);
    let is_eid = (issuer_cn.contains("Citizen CA") || issuer_cn.contains("Foreigner CA"))
        && ssin.len() == 11
        && ssin.bytes().all(|b| b.is_ascii_digit());
    if !is_eid {
        return Err(Refusal::requester(
            "SIGNER_NOT_ACCEPTED",
            "The request is signed with a certificate that is neither a Belgian eID nor an eHealth certificate.",
        ));
    }
    let usage = tbs
        .extensions
        .iter()
        .flatten()
        .find(|extension| extension.extn_id == KEY_USAGE)
        .and_then(|extension| KeyUsage::from_der(extension.extn_value.as_bytes()).ok());
    match usage {
        Some(usage) if usage.0.contains(KeyUsages::NonRepudiation) => {
            Ok(Signer::EidSignature { ssin, surname })
        }
        Some(usage) if usage.0.contains(KeyUsages::DigitalSignature) => {
            Ok(Signer::EidAuthentication { ssin, surname })
        }
        _ => Err(Refusal::requester(
            "SIGNER_NOT_ACCEPTED",
            "The eID certificate that signed has no usable key usage.",
        )),
    }
}

/// The first value of attribute `oid` in `name`, as text.
pub(crate) fn attribute(name: &x509_cert::name::Name, oid: ObjectIdentifier) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|atv| atv.oid == oid).and_then(|atv| {
        let value = atv.value.value();
        std::str::from_utf8(value).ok().map(str::to_owned)
    })
}

/// `(oid, text)` of every attribute in order, whatever string type encodes it: how CertRA
/// compares a CSR subject with the contract DN.
pub(crate) fn name_pairs(name: &x509_cert::name::Name) -> Vec<(ObjectIdentifier, String)> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| (atv.oid, String::from_utf8_lossy(atv.value.value()).into_owned()))
        .collect()
}
