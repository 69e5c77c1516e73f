//! Personalising a simulated applet 1.7 card: a test citizen PKI (root, citizen CA, RRN), the
//! holder's authentication and signature keys and certificates, the PKCS#15 files of
//! card-bridge/CARD.md §2.5, and the identity and address files signed by the RRN key (§3).

use std::{collections::HashMap, str::FromStr, time::Duration};

use der::Encode;
use p384::ecdsa::{DerSignature, SigningKey as EcKey};
use rand::{rngs::StdRng, SeedableRng};
use rsa::{pkcs1v15::SigningKey, pkcs8::EncodePublicKey, RsaPrivateKey};
use sha2::{Digest, Sha256, Sha384};
use spki_for_cert::SubjectPublicKeyInfoOwned;
use x509_cert::{
    builder::{Builder, CertificateBuilder, Profile},
    ext::pkix::{KeyUsage, KeyUsages},
    name::Name,
    serial_number::SerialNumber,
    time::Validity,
};

use super::card::{Applet, CardContent, CardKey};

mod spki_for_cert {
    pub(crate) use x509_cert::spki::SubjectPublicKeyInfoOwned;
}

/// Who the simulated card belongs to.
#[derive(Clone, Debug)]
pub struct Holder {
    /// National number (SSIN).
    pub national_number: String,
    /// Surname.
    pub surname: String,
    /// First two given names.
    pub given_names: String,
    /// The PIN.
    pub pin: String,
    /// Whether the card carries a signature (non-repudiation) key and certificate; minors' and
    /// some foreigners' cards do not (card-bridge/CARD.md §2.2).
    pub has_signature_certificate: bool,
    /// The card generation.
    pub applet: Applet,
}

impl Default for Holder {
    fn default() -> Self {
        Self {
            national_number: "85073003328".into(),
            surname: "Peeters".into(),
            given_names: "Jan Pieter".into(),
            pin: "1234".into(),
            has_signature_certificate: true,
            applet: Applet::V17,
        }
    }
}

/// The card's content plus the test PKI's root, for relying parties in tests.
pub struct Personalised {
    /// What goes into the card.
    pub content: CardContent,
    /// DER of the test root CA (also in file 503B).
    pub root_certificate: Vec<u8>,
}

/// Makes a card for `holder`. `seed` makes the keys reproducible; RSA-2048 throughout.
pub fn personalise(holder: &Holder, seed: u64) -> Result<Personalised, Box<dyn std::error::Error>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let applet = holder.applet;
    let mut key = || -> Result<CardKey, rsa::Error> {
        Ok(match applet {
            Applet::V17 => CardKey::Rsa(RsaPrivateKey::new(&mut rng, 2048)?),
            Applet::V18 => CardKey::Ec(EcKey::random(&mut rng)),
        })
    };
    let (root_key, ca_key, rrn_key, auth_key, sign_key) = (key()?, key()?, key()?, key()?, key()?);
    let validity = Validity::from_now(Duration::from_secs(5 * 365 * 24 * 3600))?;

    let root_name = Name::from_str("CN=Belgium Root CA4 TEST,C=BE")?;
    let ca_name = Name::from_str("serialNumber=202601,CN=Citizen CA TEST,C=BE")?;
    let root = certificate(Profile::Root, 1, validity, &root_name, &root_key, &root_key, None)?;
    let ca = certificate(
        Profile::SubCA { issuer: root_name.clone(), path_len_constraint: Some(0) },
        2,
        validity,
        &ca_name,
        &ca_key,
        &root_key,
        None,
    )?;
    let rrn = certificate(
        Profile::Leaf {
            issuer: root_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
            include_subject_key_identifier: true,
        },
        3,
        validity,
        &Name::from_str("CN=RRN TEST,O=RRN,C=BE")?,
        &rrn_key,
        &root_key,
        None,
    )?;
    let leaf =
        |role: &str, serial: u64, key: &CardKey| -> Result<Vec<u8>, Box<dyn std::error::Error>> {
            let subject = Name::from_str(&format!(
                "serialNumber={},givenName={},sn={},CN={} {} ({role}),C=BE",
                holder.national_number,
                holder.given_names,
                holder.surname,
                holder.given_names,
                holder.surname
            ))?;
            // As on real cards: the authentication key may only make digital signatures, the
            // signature key only non-repudiation ones (which relying parties tell apart).
            let usage = match role {
                "Authentication" => KeyUsages::DigitalSignature,
                _ => KeyUsages::NonRepudiation,
            };
            let profile = Profile::Manual { issuer: Some(ca_name.clone()) };
            certificate(profile, serial, validity, &subject, key, &ca_key, Some(usage))
        };
    let auth = leaf("Authentication", 10, &auth_key)?;
    let sign = if holder.has_signature_certificate {
        Some(leaf("Signature", 11, &sign_key)?)
    } else {
        None
    };

    let chip_serial: [u8; 16] =
        Sha256::digest(holder.national_number.as_bytes())[..16].try_into()?;
    let photo = photo();
    let identity = identity_file(holder, &chip_serial, &photo);
    let address = address_file();
    let identity_signature = rrn_signature(&rrn_key, &identity)?;
    // SGN#Address = sign(address without its zero padding ‖ SGN#ID) (card-bridge/CARD.md §3.3).
    let mut signed_address: Vec<u8> =
        address.iter().copied().rev().skip_while(|&b| b == 0).collect();
    signed_address.reverse();
    signed_address.extend_from_slice(&identity_signature);
    let address_signature = rrn_signature(&rrn_key, &signed_address)?;

    let mut files: HashMap<Vec<u16>, Vec<u8>> = HashMap::new();
    let mut put = |path: &[u16], bytes: Vec<u8>| files.insert(path.to_vec(), bytes);
    put(&[0x3F00, 0x2F00], EF_DIR.to_vec());
    put(&[0x3F00, 0xDF00, 0x5031], ODF.to_vec());
    put(&[0x3F00, 0xDF00, 0x5032], token_info(&chip_serial));
    put(&[0x3F00, 0xDF00, 0x5034], AODF.to_vec());
    put(&[0x3F00, 0xDF00, 0x5035], prkdf(holder.has_signature_certificate, applet));
    put(&[0x3F00, 0xDF00, 0x5037], cdf(holder.has_signature_certificate, applet));
    // Certificate files carry trailing zeros: 50 on 1.7, 1100 on 1.8; an absent certificate is
    // 1300 (1.7) or 2500 (1.8) zeros (card-bridge/CARD.md §2.2).
    let (padding, absent) = match applet {
        Applet::V17 => (50, 1300),
        Applet::V18 => (1100, 2500),
    };
    let padded = |der: &[u8]| [der, &vec![0u8; padding][..]].concat();
    put(&[0x3F00, 0xDF00, 0x5038], padded(&auth));
    put(&[0x3F00, 0xDF00, 0x5039], sign.as_deref().map_or_else(|| vec![0; absent], padded));
    put(&[0x3F00, 0xDF00, 0x503A], padded(&ca));
    put(&[0x3F00, 0xDF00, 0x503B], padded(&root));
    put(&[0x3F00, 0xDF00, 0x503C], padded(&rrn));
    put(&[0x3F00, 0xDF01, 0x4031], identity);
    put(&[0x3F00, 0xDF01, 0x4032], identity_signature);
    put(&[0x3F00, 0xDF01, 0x4033], address);
    put(&[0x3F00, 0xDF01, 0x4034], address_signature);
    put(&[0x3F00, 0xDF01, 0x4035], photo);

    let mut card_data = [0u8; 28];
    card_data[..16].copy_from_slice(&chip_serial);
    // Component, OS number/version, softmask number/version, applet version, global OS version,
    // interface 00, PKCS#1 support, key-exchange version, life cycle 0F (§1.2).
    card_data[16..].copy_from_slice(&match applet {
        Applet::V17 => [0xD0, 0x01, 0x01, 0x01, 0x01, 0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F],
        Applet::V18 => [0xD0, 0x02, 0x01, 0x01, 0x01, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F],
    });
    Ok(Personalised {
        content: CardContent {
            applet,
            files,
            authentication_key: auth_key,
            signature_key: holder.has_signature_certificate.then_some(sign_key),
            pin: holder.pin.clone(),
            card_data,
        },
        root_certificate: root,
    })
}

fn certificate(
    profile: Profile,
    serial: u64,
    validity: Validity,
    subject: &Name,
    key: &CardKey,
    issuer_key: &CardKey,
    key_usage: Option<KeyUsages>,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let public = match key {
        CardKey::Rsa(key) => key.to_public_key().to_public_key_der()?,
        CardKey::Ec(key) => key.verifying_key().to_public_key_der()?,
    };
    let spki = SubjectPublicKeyInfoOwned::try_from(public.as_bytes())?;
    let serial = SerialNumber::from(serial);
    // RSA chains sign with SHA256withRSA, P-384 chains with ecdsa-with-SHA384 (§1.1).
    Ok(match issuer_key {
        CardKey::Rsa(issuer) => {
            let signer = SigningKey::<Sha256>::new(issuer.clone());
            let mut builder =
                CertificateBuilder::new(profile, serial, validity, subject.clone(), spki, &signer)?;
            if let Some(usage) = key_usage {
                builder.add_extension(&KeyUsage(usage.into()))?;
            }
            builder.build::<rsa::pkcs1v15::Signature>()?.to_der()?
        }
        CardKey::Ec(issuer) => {
            let mut builder =
                CertificateBuilder::new(profile, serial, validity, subject.clone(), spki, issuer)?;
            if let Some(usage) = key_usage {
                builder.add_extension(&KeyUsage(usage.into()))?;
            }
            builder.build::<DerSignature>()?.to_der()?
        }
    })
}

/// The RRN's signature over a file: RSA PKCS#1 v1.5 SHA-256 on 1.7 ("CA4" re-signed cards);
/// a DER ECDSA-P384-SHA-384 signature zero-padded to 256 bytes on 1.8 (card-bridge/CARD.md §2.2,
/// §3.3).
fn rrn_signature(rrn_key: &CardKey, message: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    Ok(match rrn_key {
        CardKey::Rsa(key) => {
            let signer = SigningKey::<Sha256>::new(key.clone());
            rsa::signature::SignatureEncoding::to_vec(&rsa::signature::Signer::try_sign(
                &signer, message,
            )?)
        }
        CardKey::Ec(key) => {
            let signature: p384::ecdsa::Signature =
                p384::ecdsa::signature::hazmat::PrehashSigner::sign_prehash(
                    key,
                    &Sha384::digest(message),
                )?;
            let mut file = signature.to_der().as_bytes().to_vec();
            file.resize(256, 0);
            file
        }
    })
}

/// EF(ID#RRN): TLVs from tag 01, every value < 128 bytes (card-bridge/CARD.md §3, §10).
fn identity_file(holder: &Holder, chip_serial: &[u8; 16], photo: &[u8]) -> Vec<u8> {
    // The photo hash's length tells its algorithm: SHA-256 on re-signed 1.7 cards, SHA-384 on 1.8.
    let photo_hash = match holder.applet {
        Applet::V17 => Sha256::digest(photo).to_vec(),
        Applet::V18 => Sha384::digest(photo).to_vec(),
    };
    let fields: [(u8, &[u8]); 17] = [
        (0x01, b"592012345678"),
        (0x02, chip_serial),
        (0x03, b"01.09.2024"),
        (0x04, b"01.09.2034"),
        (0x05, b"Leuven"),
        (0x06, holder.national_number.as_bytes()),
        (0x07, holder.surname.as_bytes()),
        (0x08, holder.given_names.as_bytes()),
        (0x09, b""),
        (0x0A, "Belg".as_bytes()),
        (0x0B, b"Leuven"),
        (0x0C, b"30 JUL 1985"),
        (0x0D, b"M"),
        (0x0E, b""),
        (0x0F, b"1"),
        (0x10, b"0"),
        (0x11, photo_hash.as_slice()),
    ];
    tlv(&fields)
}

/// EF(ID#Address): 121 bytes, zero-padded.
fn address_file() -> Vec<u8> {
    let mut file = tlv(&[(0x01, "Naamsestraat 1".as_bytes()), (0x02, b"3000"), (0x03, b"Leuven")]);
    file.resize(121, 0);
    file
}

fn tlv(fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (tag, value) in fields {
        out.push(*tag);
        out.push(u8::try_from(value.len()).unwrap_or(127).min(127));
        out.extend_from_slice(&value[..value.len().min(127)]);
    }
    out
}

/// A stand-in photo: JPEG start and end markers around grey bytes (about the real 3 KB).
fn photo() -> Vec<u8> {
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    photo.resize(3000, 0x80);
    photo.extend_from_slice(&[0xFF, 0xD9]);
    photo
}

fn token_info(chip_serial: &[u8; 16]) -> Vec<u8> {
    let mut file = vec![0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x10];
    file.extend_from_slice(chip_serial);
    file.extend_from_slice(&[
        0x80, 0x06, b'B', b'E', b'L', b'P', b'I', b'C', 0x03, 0x02, 0x04, 0x30,
    ]);
    // Graphical and electrical perso versions, electrical perso interface, RFU.
    file.extend_from_slice(&[0x9E, 0x04, 0x02, 0x02, 0x01, 0x00]);
    file
}

/// PrKDF: the authentication key 82 and, when present, the signature key 83 with userConsent.
/// RSA entries (1.7) are `30` sequences with a 2048-bit length; EC entries (1.8) are `[0]` with
/// 384 (card-bridge/CARD.md §2.5).
fn prkdf(with_signature_key: bool, applet: Applet) -> Vec<u8> {
    let (wrapper, length) = match applet {
        Applet::V17 => (0x30, [0x08, 0x00]),
        Applet::V18 => (0xA0, [0x01, 0x80]),
    };
    let mut type_attributes = KEY_TYPE_ATTRIBUTES;
    type_attributes[14..].copy_from_slice(&length);
    let mut file = vec![wrapper, 0x3A, 0x30, 0x17, 0x0C, 0x0E];
    file.extend_from_slice(b"Authentication");
    file.extend_from_slice(&[0x03, 0x02, 0x06, 0xC0, 0x04, 0x01, 0x01]);
    file.extend_from_slice(&[
        0x30, 0x0F, 0x04, 0x01, 0x02, 0x03, 0x02, 0x05, 0x20, 0x03, 0x02, 0x03, 0xB8, 0x02, 0x02,
        0x00, 0x82,
    ]);
    file.extend_from_slice(&type_attributes);
    if with_signature_key {
        file.extend_from_slice(&[wrapper, 0x39, 0x30, 0x15, 0x0C, 0x09]);
        file.extend_from_slice(b"Signature");
        file.extend_from_slice(&[0x03, 0x02, 0x06, 0xC0, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01]);
        file.extend_from_slice(&[
            0x30, 0x10, 0x04, 0x01, 0x03, 0x03, 0x03, 0x06, 0x00, 0x40, 0x03, 0x02, 0x03, 0xB8,
            0x02, 0x02, 0x00, 0x83,
        ]);
        file.extend_from_slice(&KEY_TYPE_ATTRIBUTES);
    }
    file
}

/// CDF: certificate objects, private (`06 C0`) on 1.7, public (`06 40`) with implicitTrust
/// false on 1.8; a missing signature certificate's entry is dropped and the rest zero-filled
/// (card-bridge/CARD.md §2.5).
fn cdf(with_signature_certificate: bool, applet: Applet) -> Vec<u8> {
    let entry = |label: &[u8], id: u8, authority: bool, file: u8| {
        let flags = if applet == Applet::V17 { 0xC0 } else { 0x40 };
        let mut common = vec![0x0C, u8::try_from(label.len()).unwrap_or(0)];
        common.extend_from_slice(label);
        common.extend_from_slice(&[0x03, 0x02, 0x06, flags, 0x04, 0x01, 0x01]);
        let mut entry = vec![0x30, u8::try_from(common.len()).unwrap_or(0)];
        entry.extend(common);
        let mut certificate_attributes = vec![0x04, 0x01, id];
        if authority {
            certificate_attributes.extend_from_slice(&[0x01, 0x01, 0xFF]);
        }
        if applet == Applet::V18 {
            certificate_attributes.extend_from_slice(&[0x83, 0x01, 0x00]);
        }
        entry.push(0x30);
        entry.push(u8::try_from(certificate_attributes.len()).unwrap_or(0));
        entry.extend(certificate_attributes);
        entry.extend_from_slice(&[
            0xA1, 0x0C, 0x30, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, file,
        ]);
        let mut object = vec![0x30, u8::try_from(entry.len()).unwrap_or(0)];
        object.extend(entry);
        object
    };
    let mut file = entry(b"Authentication", 0x02, false, 0x38);
    if with_signature_certificate {
        file.extend(entry(b"Signature", 0x03, false, 0x39));
    }
    file.extend(entry(b"CA", 0x04, true, 0x3A));
    file.extend(entry(b"Root", 0x06, true, 0x3B));
    file.resize(200, 0);
    file
}

const KEY_TYPE_ATTRIBUTES: [u8; 16] = [
    0xA1, 0x0E, 0x30, 0x0C, 0x30, 0x06, 0x04, 0x04, 0x3F, 0x00, 0xDF, 0x00, 0x02, 0x02, 0x08, 0x00,
];

/// EF(DIR): the PKCS#15 application BELPIC at 3F00/DF00 (card-bridge/CARD.md §2.5).
const EF_DIR: [u8; 37] = [
    0x61, 0x23, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x01, 0x77, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35,
    0x50, 0x06, 0x42, 0x45, 0x4C, 0x50, 0x49, 0x43, 0x51, 0x04, 0x3F, 0x00, 0xDF, 0x00, 0x73, 0x05,
    0x06, 0x03, 0x60, 0x38, 0x02,
];

const ODF: [u8; 36] = [
    0xA0, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, 0x35, 0xA4, 0x0A, 0x30, 0x08,
    0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, 0x37, 0xA8, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00,
    0xDF, 0x00, 0x50, 0x34,
];

const AODF: [u8; 53] = [
    0x30, 0x33, 0x30, 0x0F, 0x0C, 0x09, b'B', b'a', b's', b'i', b'c', b' ', b'P', b'I', b'N', 0x03,
    0x02, 0x06, 0xC0, 0x30, 0x03, 0x04, 0x01, 0x01, 0xA1, 0x1B, 0x30, 0x19, 0x03, 0x02, 0x02, 0x0C,
    0x0A, 0x01, 0x00, 0x02, 0x01, 0x04, 0x02, 0x01, 0x08, 0x80, 0x01, 0x01, 0x04, 0x01, 0xFF, 0x30,
    0x04, 0x04, 0x02, 0x3F, 0x00,
];

#[cfg(test)]
#[path = "card_tests.rs"]
mod card_tests;
