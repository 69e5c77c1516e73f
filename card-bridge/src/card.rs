//! The Belgian eID card driver (card-bridge/CARD.md): reading the card in one transaction,
//! MSE:SET → VERIFY → PSO:CDS, the PIN on the host or a PIN pad, over the PC/SC transport of
//! `transport.rs`. The session talks to a [`CardService`], so its logic is tested without PC/SC;
//! [`Pcsc`] is the real one, tested against the card simulator behind `pcscd`.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::signature::SignatureAlgorithm;
use ehcert_shared::bridge::{
    Address, CardHolder, CardInfo, CardKeyAlgorithm, Certificates, Identity, KeyRole, PinEntry,
    Reader, Sign,
};
use pcsc::{Context, Disposition, Scope, State};
use rsa::{pkcs1v15::Pkcs1v15Sign, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

use zeroize::{Zeroize, Zeroizing};

use crate::{
    approval::{Approved, SigningCard},
    error::BridgeError,
    pinpad, tlv,
    transport::{
        connect, expect_ok, has_pinpad, reader_states, removed_or, transmit, verify_answer,
        Channel, ControlCode,
    },
};

pub(crate) trait CardService {
    fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError>;
    fn read_card(&mut self, reader: Option<&str>) -> Result<CardInfo, BridgeError>;
    /// Reads who holds the card, has `approve` decide what it may sign, and signs that, all in
    /// one transaction: the card that signs is the card that was checked.
    fn sign(
        &mut self,
        request: &Sign,
        approve: &mut dyn FnMut(&SigningCard) -> Result<Approved, BridgeError>,
    ) -> Result<Vec<u8>, BridgeError>;
    fn pin_tries(&mut self, reader: Option<&str>) -> Result<u8, BridgeError>;
    fn card_holder(&mut self, reader: Option<&str>) -> Result<CardHolder, BridgeError>;
}

/// The system's PC/SC service (pcsc-lite on Linux and macOS, WinSCard on Windows).
pub(crate) struct Pcsc;

impl CardService for Pcsc {
    fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError> {
        let context = Context::establish(Scope::User)?;
        Ok(reader_states(&context)?
            .iter()
            .map(|state| {
                let card_present = state.event_state().contains(State::PRESENT);
                Reader {
                    name: state.name().to_string_lossy().into_owned(),
                    card_present,
                    pinpad: has_pinpad(&context, state.name(), card_present),
                }
            })
            .collect())
    }

    fn read_card(&mut self, reader: Option<&str>) -> Result<CardInfo, BridgeError> {
        let context = Context::establish(Scope::User)?;
        let (name, mut card) = connect(&context, reader)?;
        let info = (|| {
            // One transaction for the whole read set (card-bridge/CARD.md §9.1).
            let transaction = card.transaction()?;
            let applet = applet_version(&*transaction)?;
            read_everything(&*transaction, name.clone(), applet)
        })()
        .map_err(|err| removed_or(&context, &name, err))?;
        let _ = card.disconnect(Disposition::LeaveCard);
        Ok(info)
    }

    fn sign(
        &mut self,
        request: &Sign,
        approve: &mut dyn FnMut(&SigningCard) -> Result<Approved, BridgeError>,
    ) -> Result<Vec<u8>, BridgeError> {
        let context = Context::establish(Scope::User)?;
        let (name, mut card) = connect(&context, request.reader.as_deref())?;
        let signature = (|| {
            // The identity file, then MSE → VERIFY → PSO → GET RESPONSE in one PC/SC transaction:
            // no other program can use the card between the holder check, the PIN and the
            // signature.
            let transaction = card.transaction()?;
            let applet = applet_version(&*transaction)?;
            let identity = identity_file(&*transaction)?;
            let approved = approve(&SigningCard {
                key_algorithm: key_algorithm(applet),
                national_number: tlv::text(&tlv::parse(&identity), 0x06),
            })?;
            sign_in(&*transaction, applet, request, &approved)
        })()
        .map_err(|err| removed_or(&context, &name, err))?;
        // Dropping the card resets it: the PIN right does not outlive the operation.
        drop(card);
        Ok(signature)
    }

    fn pin_tries(&mut self, reader: Option<&str>) -> Result<u8, BridgeError> {
        let context = Context::establish(Scope::User)?;
        let (name, mut card) = connect(&context, reader)?;
        let tries = (|| {
            let transaction = card.transaction()?;
            pin_tries_in(&*transaction)
        })()
        .map_err(|err| removed_or(&context, &name, err))?;
        let _ = card.disconnect(Disposition::LeaveCard);
        Ok(tries)
    }

    fn card_holder(&mut self, reader: Option<&str>) -> Result<CardHolder, BridgeError> {
        let context = Context::establish(Scope::User)?;
        let (name, mut card) = connect(&context, reader)?;
        let pinpad = std::ffi::CString::new(name.clone())
            .is_ok_and(|reader| has_pinpad(&context, &reader, true));
        let holder = (|| {
            let transaction = card.transaction()?;
            card_holder_in(&*transaction, name.clone(), pinpad)
        })()
        .map_err(|err| removed_or(&context, &name, err))?;
        let _ = card.disconnect(Disposition::LeaveCard);
        Ok(holder)
    }
}

/// The applet and the identity file only (card-bridge/CARD.md §3.1): two SELECTs and one or two
/// READ BINARYs, where `read-card` reads eleven files. Not checked against the RRN signature:
/// the PIN window shows the name as a reminder, and what proves the card is its key's signature.
fn card_holder_in(
    card: &impl Channel,
    reader: String,
    pinpad: bool,
) -> Result<CardHolder, BridgeError> {
    let applet = applet_version(card)?;
    let identity = identity_file(card)?;
    let identity = tlv::parse(&identity);
    Ok(CardHolder {
        reader,
        pinpad,
        applet: format!("{}.{}", applet >> 4, applet & 0x0F),
        key_algorithm: key_algorithm(applet),
        surname: tlv::text(&identity, 0x07),
        given_names: tlv::text(&identity, 0x08),
        card_number: tlv::text(&identity, 0x01),
        national_number: tlv::text(&identity, 0x06),
    })
}

/// The identity file (3F00 DF01 4031), whole.
fn identity_file(card: &impl Channel) -> Result<Vec<u8>, BridgeError> {
    read_file(card, &[0x3F, 0x00, 0xDF, 0x01, 0x40, 0x31])?
        .ok_or_else(|| BridgeError::UnsupportedCard("the identity file is missing".into()))
}

/// Applet 1.8 cards have P-384 keys, older ones RSA-2048.
fn key_algorithm(applet: u8) -> CardKeyAlgorithm {
    if applet >= 0x18 {
        CardKeyAlgorithm::EcdsaP384
    } else {
        CardKeyAlgorithm::Rsa2048
    }
}

/// PIN tries left without using one: GET CARD DATA byte 28 on applet 1.8, the status-only
/// VERIFY on 1.7 (card-bridge/CARD.md §1.2, §4.1; never on applet 1.1, which counts it as a try).
fn pin_tries_in(card: &impl Channel) -> Result<u8, BridgeError> {
    if applet_version(card)? >= 0x18 {
        return match transmit(card, &[0x80, 0xE4, 0x00, 0x01, 0x1F])? {
            (data, 0x9000) if data.len() >= 29 && data[28] != 0xFF => Ok(data[28]),
            (_, status) => Err(BridgeError::CardStatus { command: "GET CARD DATA", status }),
        };
    }
    match transmit(card, &[0x00, 0x20, 0x00, 0x01])? {
        // Already verified in this card session: a right PIN reset the counter.
        (_, 0x9000) => Ok(3),
        (_, 0x6983) => Ok(0),
        (_, status) if status & 0xFFF0 == 0x63C0 => Ok(u8::try_from(status & 0x000F).unwrap_or(0)),
        (_, status) => Err(BridgeError::CardStatus { command: "VERIFY (status)", status }),
    }
}

/// GET CARD DATA byte 21 (card-bridge/CARD.md §1.2).
fn applet_version(card: &impl Channel) -> Result<u8, BridgeError> {
    let data = match transmit(card, &[0x80, 0xE4, 0x00, 0x00, 0x1C])? {
        (data, 0x9000) if data.len() >= 28 => data,
        (_, status) => {
            return Err(BridgeError::UnsupportedCard(format!(
                "GET CARD DATA answered {status:04X}"
            )));
        }
    };
    match data[21] {
        version @ 0x17..=0x19 => Ok(version),
        other => Err(BridgeError::UnsupportedCard(format!("applet version {other:02X}"))),
    }
}

/// Selects a file by absolute path and reads it whole.
fn read_file(card: &impl Channel, path: &[u8]) -> Result<Option<Vec<u8>>, BridgeError> {
    let mut select = vec![0x00, 0xA4, 0x08, 0x0C, u8::try_from(path.len()).unwrap_or(0)];
    select.extend_from_slice(path);
    match transmit(card, &select)? {
        (_, 0x9000) => {}
        (_, 0x6A82) => return Ok(None),
        (_, status) => return Err(BridgeError::CardStatus { command: "SELECT", status }),
    }
    let mut file = Vec::new();
    // Files are at most a few kilobytes; the bound keeps a misbehaving card from looping.
    while file.len() < 64 * 1024 {
        let offset =
            u16::try_from(file.len()).map_err(|_| BridgeError::CommunicationLost)?.to_be_bytes();
        match transmit(card, &[0x00, 0xB0, offset[0], offset[1], 0x00])? {
            (data, 0x9000) => {
                let short = data.len() < 256;
                file.extend(data);
                if short {
                    break;
                }
            }
            (_, 0x6B00) if !file.is_empty() => break,
            (_, status) => return Err(BridgeError::CardStatus { command: "READ BINARY", status }),
        }
    }
    Ok(Some(file))
}

/// A certificate file without its zero padding (length from the DER header); `None` if empty.
fn certificate(file: Option<Vec<u8>>) -> Option<Vec<u8>> {
    let file = file?;
    match file.as_slice() {
        [0x30, 0x82, high, low, ..] => {
            let length = 4 + usize::from(u16::from_be_bytes([*high, *low]));
            (length <= file.len()).then(|| file[..length].to_vec())
        }
        _ => None,
    }
}

fn read_everything(
    card: &impl Channel,
    reader: String,
    applet: u8,
) -> Result<CardInfo, BridgeError> {
    const ID: [u8; 4] = [0x3F, 0x00, 0xDF, 0x01];
    const PKI: [u8; 4] = [0x3F, 0x00, 0xDF, 0x00];
    let file = |directory: [u8; 4], id: u16| {
        read_file(card, &[directory.as_slice(), &id.to_be_bytes()].concat())
    };
    let missing = |name: &str| BridgeError::UnsupportedCard(format!("the {name} file is missing"));
    let identity_file = file(ID, 0x4031)?.ok_or_else(|| missing("identity"))?;
    let identity_signature = file(ID, 0x4032)?.ok_or_else(|| missing("identity signature"))?;
    let address_file = file(ID, 0x4033)?.ok_or_else(|| missing("address"))?;
    let address_signature = file(ID, 0x4034)?.ok_or_else(|| missing("address signature"))?;
    let photo = file(ID, 0x4035)?.unwrap_or_default();
    let authentication =
        certificate(file(PKI, 0x5038)?).ok_or_else(|| missing("authentication certificate"))?;
    let signature = certificate(file(PKI, 0x5039)?);
    let ca = certificate(file(PKI, 0x503A)?).ok_or_else(|| missing("CA certificate"))?;
    let root = certificate(file(PKI, 0x503B)?).ok_or_else(|| missing("root certificate"))?;
    let rrn = certificate(file(PKI, 0x503C)?);

    let identity = tlv::parse(&identity_file);
    let address = tlv::parse(&address_file);
    let photo_hash = tlv::value(&identity, 0x11).unwrap_or_default();
    // The hash algorithm follows from its length (card-bridge/CARD.md §3.1, tag 11).
    let photo_hash_valid = match photo_hash.len() {
        20 => Sha1::digest(&photo).as_slice() == photo_hash,
        32 => Sha256::digest(&photo).as_slice() == photo_hash,
        48 => Sha384::digest(&photo).as_slice() == photo_hash,
        _ => false,
    };
    // SGN#Address covers the address without its padding, then the identity signature (§3.3).
    let mut signed_address: Vec<u8> =
        address_file.iter().copied().rev().skip_while(|&b| b == 0).collect();
    signed_address.reverse();
    signed_address.extend_from_slice(&identity_signature);
    let rrn_key = rrn.as_deref().and_then(rrn_public_key);
    let verifies = |message: &[u8], signature: &[u8]| {
        rrn_key.as_ref().is_some_and(|key| key.verifies(message, signature))
    };
    Ok(CardInfo {
        reader,
        applet: format!("{}.{}", applet >> 4, applet & 0x0F),
        key_algorithm: key_algorithm(applet),
        identity: Identity {
            card_number: tlv::text(&identity, 0x01),
            national_number: tlv::text(&identity, 0x06),
            surname: tlv::text(&identity, 0x07),
            given_names: tlv::text(&identity, 0x08),
            third_initial: tlv::text(&identity, 0x09),
            nationality: tlv::text(&identity, 0x0A),
            birth_date: tlv::text(&identity, 0x0C),
            validity_end: tlv::text(&identity, 0x04),
        },
        address: Address {
            street: tlv::text(&address, 0x01),
            zip: tlv::text(&address, 0x02),
            municipality: tlv::text(&address, 0x03),
        },
        photo_hash: base16ct::lower::encode_string(photo_hash),
        photo_hash_valid,
        certificates: Certificates {
            authentication: STANDARD.encode(authentication),
            signature: signature.map(|der| STANDARD.encode(der)),
            ca: STANDARD.encode(ca),
            root: STANDARD.encode(root),
        },
        identity_signature_valid: verifies(&identity_file, &identity_signature),
        address_signature_valid: verifies(&signed_address, &address_signature),
    })
}

/// The RRN's public key: RSA on applet 1.7 cards, P-384 on 1.8 and re-keyed cards
/// (card-bridge/CARD.md §1.1).
enum RrnKey {
    Rsa(RsaPublicKey),
    Ec(p384::ecdsa::VerifyingKey),
}

impl RrnKey {
    /// RSA: PKCS#1 v1.5 with SHA-256 ("CA4" re-signed cards) or SHA-1. EC: a DER
    /// ECDSA-P384-SHA-384 signature whose real length is `2 + byte[1]`, the rest of the file being
    /// zeros (card-bridge/CARD.md §2.2, §3.3).
    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Rsa(key) => {
                key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message), signature)
                    .is_ok()
                    || key
                        .verify(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(message), signature)
                        .is_ok()
            }
            Self::Ec(key) => {
                use p384::ecdsa::signature::hazmat::PrehashVerifier;
                let Some(&length) = signature.get(1) else { return false };
                let Some(der) = signature.get(..2 + usize::from(length)) else { return false };
                p384::ecdsa::Signature::from_der(der).is_ok_and(|signature| {
                    key.verify_prehash(&Sha384::digest(message), &signature).is_ok()
                })
            }
        }
    }
}

fn rrn_public_key(der: &[u8]) -> Option<RrnKey> {
    use p384::pkcs8::DecodePublicKey as _;
    use x509_cert::der::{Decode, Encode};
    let certificate = x509_cert::Certificate::from_der(der).ok()?;
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().ok()?;
    RsaPublicKey::from_public_key_der(&spki)
        .map(RrnKey::Rsa)
        .ok()
        .or_else(|| p384::ecdsa::VerifyingKey::from_public_key_der(&spki).ok().map(RrnKey::Ec))
}

/// MSE:SET, VERIFY (when a PIN is given), PSO:CDS, GET RESPONSE (card-bridge/CARD.md §9.2).
/// The applet was read in the same transaction, with the holder.
fn sign_in(
    card: &impl Channel,
    applet: u8,
    request: &Sign,
    approved: &Approved,
) -> Result<Vec<u8>, BridgeError> {
    let digest = approved.digest.as_slice();
    let (algorithm_reference, data_to_sign) = match (approved.algorithm, applet) {
        // Reference 01 with a host-made DigestInfo works on every RSA applet (§1.3).
        (SignatureAlgorithm::RsaSha256, 0x17) => {
            (0x01, [SHA256_DIGEST_INFO.as_slice(), digest].concat())
        }
        (SignatureAlgorithm::EcdsaSha256, 0x18..) => (0x01, digest.to_vec()),
        (SignatureAlgorithm::EcdsaSha384, 0x18..) => (0x02, digest.to_vec()),
        (algorithm, applet) => {
            return Err(BridgeError::UnsupportedCard(format!(
                "{algorithm:?} is not available on applet {}.{}",
                applet >> 4,
                applet & 0x0F
            )));
        }
    };
    let key_reference = match request.key {
        KeyRole::Authentication => 0x82,
        KeyRole::Signature => 0x83,
    };
    expect_ok(card, &[0x00, 0xA4, 0x08, 0x0C, 0x04, 0x3F, 0x00, 0xDF, 0x00], "SELECT DF00")?;
    match transmit(
        card,
        &[0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, algorithm_reference, 0x84, key_reference],
    )? {
        (_, 0x9000) => {}
        (_, 0x6A88) if request.key == KeyRole::Signature => {
            return Err(BridgeError::NoSignatureCertificate)
        }
        (_, status) => return Err(BridgeError::CardStatus { command: "MSE:SET", status }),
    }
    match &request.pin {
        PinEntry::Digits(pin) => verify(card, pin)?,
        PinEntry::Pinpad => verify_on_pinpad(card)?,
    }
    let mut pso = vec![0x00, 0x2A, 0x9E, 0x9A, u8::try_from(data_to_sign.len()).unwrap_or(0)];
    pso.extend_from_slice(&data_to_sign);
    match transmit(card, &pso)? {
        (signature, 0x9000) if !signature.is_empty() => Ok(signature),
        (_, 0x6982) => Err(BridgeError::InvalidRequest("the key needs the PIN".into())),
        (_, status) => Err(BridgeError::CardStatus { command: "PSO:CDS", status }),
    }
}

fn verify(card: &impl Channel, pin: &str) -> Result<(), BridgeError> {
    // ISO 9564 format 2: `2L`, BCD digits, `F` padding (card-bridge/CARD.md §4.1).
    let mut nibbles: Vec<u8> = vec![0x2, u8::try_from(pin.len()).unwrap_or(0)];
    nibbles.extend(pin.bytes().map(|digit| digit - b'0'));
    nibbles.resize(16, 0x0F);
    let mut apdu = Zeroizing::new(vec![0x00, 0x20, 0x00, 0x01, 0x08]);
    apdu.extend(nibbles.chunks(2).map(|pair| pair[0] << 4 | pair[1]));
    // The PIN's digits and block are wiped when they go (`Zeroizing`), here and in `transmit`.
    nibbles.zeroize();
    let result = transmit(card, &apdu);
    verify_answer(result?.1, "VERIFY")
}

/// The person types the PIN on the reader; the card's answer comes back through the driver.
fn verify_on_pinpad(card: &impl Channel) -> Result<(), BridgeError> {
    let features = card.control(ControlCode::GetFeatureRequest, &[])?;
    let code = pinpad::verify_pin_direct(&features).ok_or_else(|| {
        BridgeError::InvalidRequest("this reader has no PIN pad the bridge can use".into())
    })?;
    // The reader shows its own prompt; the PIN window tells the person in their language.
    let answer =
        card.control(ControlCode::Listed(code), &pinpad::verify_structure(PINPAD_LANGUAGE))?;
    verify_answer(pinpad::outcome(&answer)?, "VERIFY on the PIN pad")
}

/// `wLangId` for the reader's own prompt: English (United States), which every pinpad has.
const PINPAD_LANGUAGE: u16 = 0x0409;

/// DigestInfo prefix for SHA-256 (card-bridge/CARD.md §1.3).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[cfg(test)]
#[path = "card_pinpad_tests.rs"]
mod pinpad_tests;
