//! The PIN-pad path of a signature, against the simulated eID behind a test double of a CCID
//! pinpad reader. vpcd offers no PIN features (card-bridge/CARD.md §4.3), so the reader is emulated
//! here: it answers the feature request and builds the VERIFY from `PIN_VERIFY_STRUCTURE` the
//! way PC/SC part 10 tells a reader to, so a wrong structure gives a wrong PIN block.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::cell::RefCell;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::signature::SignatureAlgorithm;
use ehcert_eid_sim::{
    card::{Applet, Card as SimulatedCard},
    profile::{personalise, Holder},
};
use ehcert_shared::bridge::{KeyRole, PinEntry, Sign};
use rsa::{pkcs1v15::Pkcs1v15Sign, pkcs8::DecodePublicKey as _, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use x509_cert::der::{Decode as _, Encode as _};

use super::{read_everything, sign_in, Channel, ControlCode};
use crate::error::BridgeError;

const VERIFY_PIN_DIRECT: u32 = 0x4233_0006;

/// What the person does at the reader's keypad.
enum Keypad {
    Types(&'static str),
    PressesCancel,
    WalksAway,
}

struct PinpadReader {
    card: RefCell<SimulatedCard>,
    keypad: Keypad,
    offers_pinpad: bool,
    /// Every APDU the host sent through `exchange`: a PIN must never be among them.
    host_apdus: RefCell<Vec<Vec<u8>>>,
}

impl PinpadReader {
    fn new(applet: Applet, keypad: Keypad) -> Self {
        let holder = Holder { applet, ..Holder::default() };
        let card = SimulatedCard::new(personalise(&holder, 7).unwrap().content);
        Self {
            card: RefCell::new(card),
            keypad,
            offers_pinpad: true,
            host_apdus: RefCell::default(),
        }
    }

    /// What a CCID reader does with `PIN_VERIFY_STRUCTURE` (PC/SC part 10 §2.5.2).
    fn verify_pin_direct(&self, structure: &[u8]) -> Vec<u8> {
        let [_timeout, _timeout2, format, block, length_format, max, min, validation, messages, _lang_lo, _lang_hi, _index, _t1, _t2, _t3, l0, l1, l2, l3, apdu @ ..] =
            structure
        else {
            panic!("PIN_VERIFY_STRUCTURE too short: {structure:02X?}");
        };
        assert_eq!(u32::from_le_bytes([*l0, *l1, *l2, *l3]) as usize, apdu.len(), "ulDataLength");
        assert_eq!((*validation, *messages), (0x02, 0x01));
        let digits = match self.keypad {
            Keypad::Types(pin) => pin,
            Keypad::PressesCancel => return vec![0x64, 0x01],
            Keypad::WalksAway => return vec![0x64, 0x00],
        };
        if !(usize::from(*min)..=usize::from(*max)).contains(&digits.len()) {
            return vec![0x64, 0x03];
        }
        assert_eq!(format & 0x80, 0x80, "positions in bytes");
        assert_eq!(format & 0x03, 0x01, "BCD digits");
        assert_eq!(format & 0x04, 0x00, "left-justified");
        let pin_offset = usize::from((format >> 3) & 0x0F);
        let (length_bits, block_bytes) = (block >> 4, usize::from(block & 0x0F));
        assert_eq!(length_format & 0x10, 0, "length position in bits");
        let length_position = u32::from(length_format & 0x0F);
        let mut apdu = apdu.to_vec();
        let data = &mut apdu[5..];
        assert!(pin_offset + block_bytes <= data.len() && digits.len() <= block_bytes * 2);
        // The length field, counted from the most significant bit of the first data byte.
        assert!(length_bits == 4 && length_position % 4 == 0 && length_position < 8);
        let shift = 4 - length_position;
        let length = u8::try_from(digits.len()).unwrap();
        data[0] = (data[0] & !(0x0F << shift)) | (length << shift);
        for (index, digit) in digits.bytes().map(|digit| digit - b'0').enumerate() {
            let byte = &mut data[pin_offset + index / 2];
            *byte =
                if index % 2 == 0 { (*byte & 0x0F) | digit << 4 } else { (*byte & 0xF0) | digit };
        }
        let answer = self.card.borrow_mut().transmit(&apdu);
        answer[answer.len() - 2..].to_vec()
    }
}

impl Channel for PinpadReader {
    fn exchange(&self, apdu: &[u8]) -> Result<Vec<u8>, BridgeError> {
        self.host_apdus.borrow_mut().push(apdu.to_vec());
        Ok(self.card.borrow_mut().transmit(apdu))
    }

    fn control(&self, code: ControlCode, input: &[u8]) -> Result<Vec<u8>, BridgeError> {
        match code {
            ControlCode::GetFeatureRequest if self.offers_pinpad => {
                Ok(vec![0x12, 0x04, 0x42, 0x33, 0x00, 0x12, 0x06, 0x04, 0x42, 0x33, 0x00, 0x06])
            }
            ControlCode::GetFeatureRequest => Ok(vec![0x12, 0x04, 0x42, 0x33, 0x00, 0x12]),
            ControlCode::Listed(VERIFY_PIN_DIRECT) => Ok(self.verify_pin_direct(input)),
            ControlCode::Listed(other) => panic!("control code {other:08X} was not listed"),
        }
    }
}

fn sign(reader: &PinpadReader, key: KeyRole) -> Result<Vec<u8>, BridgeError> {
    let digest = Sha256::digest(b"<SignedInfo/>");
    let request = Sign {
        reader: None,
        key,
        content: ehcert_shared::bridge::SignedContent::CardCheck(
            ehcert_shared::bridge::CardCheck {
                origin: "https://ehcert.be".into(),
                challenge: STANDARD.encode([0; 32]),
            },
        ),
        pin: PinEntry::Pinpad,
    };
    let approved = crate::approval::Approved {
        algorithm: SignatureAlgorithm::RsaSha256,
        digest: digest.to_vec(),
        operation: ehcert_shared::bridge::SignedOperation::CertificateList,
    };
    sign_in(reader, 0x17, &request, &approved)
}

fn public_key(reader: &PinpadReader, key: KeyRole) -> RsaPublicKey {
    let info = read_everything(reader, "pinpad".into(), 0x17).unwrap();
    let der = match key {
        KeyRole::Authentication => info.certificates.authentication,
        KeyRole::Signature => info.certificates.signature.unwrap(),
    };
    let certificate = x509_cert::Certificate::from_der(&STANDARD.decode(der).unwrap()).unwrap();
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().unwrap();
    RsaPublicKey::from_public_key_der(&spki).unwrap()
}

#[test]
fn the_pin_typed_on_the_reader_unlocks_both_keys_and_never_passes_through_the_host() {
    let reader = PinpadReader::new(Applet::V17, Keypad::Types("1234"));
    for key in [KeyRole::Authentication, KeyRole::Signature] {
        let signature = sign(&reader, key).unwrap();
        public_key(&reader, key)
            .verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(b"<SignedInfo/>"), &signature)
            .unwrap();
    }
    let host_verifies = reader.host_apdus.borrow().iter().filter(|apdu| apdu[1] == 0x20).count();
    assert_eq!(host_verifies, 0, "the host sent a VERIFY itself");
}

#[test]
fn a_wrong_pin_on_the_reader_counts_down_and_an_unfinished_entry_uses_no_try() {
    let mut reader = PinpadReader::new(Applet::V17, Keypad::Types("9999"));
    assert!(matches!(
        sign(&reader, KeyRole::Signature),
        Err(BridgeError::WrongPin { tries_left: 2 })
    ));
    for (keypad, expected) in [
        (Keypad::PressesCancel, "cancelled"),
        (Keypad::WalksAway, "in time"),
        (Keypad::Types("123"), "too short"),
        (Keypad::Types("1234567890123"), "too short or too long"),
    ] {
        reader.keypad = keypad;
        let err = sign(&reader, KeyRole::Signature).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
        assert_eq!(reader.card.borrow().tries_left(), 2, "{err}");
    }
    reader.keypad = Keypad::Types("1234");
    assert_eq!(sign(&reader, KeyRole::Signature).unwrap().len(), 256);
    assert_eq!(reader.card.borrow().tries_left(), 3, "a right PIN resets the counter");
}

#[test]
fn a_reader_without_the_feature_is_refused_before_the_card_is_asked() {
    let mut reader = PinpadReader::new(Applet::V17, Keypad::Types("1234"));
    reader.offers_pinpad = false;
    let err = sign(&reader, KeyRole::Authentication).unwrap_err();
    assert!(matches!(err, BridgeError::InvalidRequest(_)), "{err}");
    assert!(reader.host_apdus.borrow().iter().all(|apdu| apdu[1] != 0x2A), "no PSO was sent");
}
