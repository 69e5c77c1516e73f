//! The card model answering APDUs, personalised as the tests and the demo use it (so these
//! tests live with the personalisation, which depends on the card, not the other way round).

use std::sync::OnceLock;

use rsa::{pkcs1v15::Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

use std::collections::HashMap;

use crate::{
    card::*,
    profile::{personalise, Holder},
};

type Personalisation = (HashMap<Vec<u16>, Vec<u8>>, CardKey, CardKey, [u8; 28]);

/// Personalising makes five RSA keys: do it once, clone the content per test.
fn card() -> Card {
    static CONTENT: OnceLock<Personalisation> = OnceLock::new();
    let (files, auth, sign, data) = CONTENT.get_or_init(|| {
        let content = personalise(&Holder::default(), 3).unwrap().content;
        (
            content.files,
            content.authentication_key,
            content.signature_key.unwrap(),
            content.card_data,
        )
    });
    Card::new(CardContent {
        applet: Applet::V17,
        files: files.clone(),
        authentication_key: auth.clone(),
        signature_key: Some(sign.clone()),
        pin: "1234".into(),
        card_data: *data,
    })
}

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace().map(|byte| u8::from_str_radix(byte, 16).unwrap()).collect()
}

fn status(response: &[u8]) -> u16 {
    u16::from_be_bytes([response[response.len() - 2], response[response.len() - 1]])
}

const VERIFY_1234: &str = "00 20 00 01 08 24 12 34 FF FF FF FF FF";
const VERIFY_9999: &str = "00 20 00 01 08 24 99 99 FF FF FF FF FF";

fn sha256_digest_info(message: &[u8]) -> Vec<u8> {
    let mut info = hex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20");
    info.extend_from_slice(&Sha256::digest(message));
    info
}

fn pso(digest_info: &[u8]) -> Vec<u8> {
    let mut apdu = hex("00 2A 9E 9A");
    apdu.push(u8::try_from(digest_info.len()).unwrap());
    apdu.extend_from_slice(digest_info);
    apdu
}

#[test]
fn read_binary_answers_6cxx_at_the_end_and_6b00_past_it() {
    let mut card = card();
    assert_eq!(status(&card.transmit(&hex("00 A4 08 0C 06 3F 00 DF 00 50 31"))), 0x9000);
    // ODF is 36 bytes: Le=00 asks 256 → 6C24, then exactly 36 bytes.
    assert_eq!(card.transmit(&hex("00 B0 00 00 00")), vec![0x6C, 0x24]);
    let response = card.transmit(&hex("00 B0 00 00 24"));
    assert_eq!((response.len(), status(&response)), (38, 0x9000));
    assert_eq!(status(&card.transmit(&hex("00 B0 00 24 01"))), 0x6B00);
    // Without 3F00 in the path, and a missing file.
    assert_eq!(status(&card.transmit(&hex("00 A4 08 0C 04 DF 01 40 31"))), 0x9000);
    assert_eq!(status(&card.transmit(&hex("00 A4 08 0C 04 DF 01 40 99"))), 0x6A82);
    assert_eq!(card.transmit(&hex("80 E4 00 00 10")), vec![0x6C, 0x1C]);
    assert_eq!(card.transmit(&hex("80 E4 00 00 1C"))[21], 0x17, "applet 1.7");
}

#[test]
fn the_signature_key_needs_the_pin_right_before_each_signature() {
    let mut card = card();
    let digest_info = sha256_digest_info(b"GenerateCertificate");
    assert_eq!(status(&card.transmit(&hex("00 22 41 B6 05 04 80 01 84 83"))), 0x9000);
    assert_eq!(status(&card.transmit(&pso(&digest_info))), 0x6982, "no PIN yet");
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    assert_eq!(card.transmit(&pso(&digest_info)), vec![0x61, 0x00]);
    let signature = card.transmit(&hex("00 C0 00 00 00"));
    assert_eq!((signature.len(), status(&signature)), (258, 0x9000));
    let Some(CardKey::Rsa(key)) = card.content.signature_key.as_ref() else {
        panic!("an RSA card")
    };
    let public = RsaPublicKey::from(key);
    public
        .verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(b"GenerateCertificate"),
            &signature[..256],
        )
        .unwrap();
    // A second signature needs a second VERIFY; one command in between breaks "just before".
    assert_eq!(status(&card.transmit(&pso(&digest_info))), 0x6982);
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    assert_eq!(status(&card.transmit(&hex("80 E4 00 00 1C"))), 0x9000);
    assert_eq!(status(&card.transmit(&pso(&digest_info))), 0x6982);
}

#[test]
fn the_authentication_key_needs_the_pin_once_until_reset_or_a_signature() {
    let mut card = card();
    let digest_info = sha256_digest_info(b"GetCertificateInfoForCitizen");
    assert_eq!(status(&card.transmit(&hex("00 22 41 B6 05 04 80 01 84 82"))), 0x9000);
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    for _ in 0..2 {
        assert_eq!(status(&card.transmit(&pso(&digest_info))), 0x6100);
        assert_eq!(status(&card.transmit(&hex("00 C0 00 00 00"))), 0x9000);
    }
    card.reset();
    assert_eq!(status(&card.transmit(&hex("00 22 41 B6 05 04 80 01 84 82"))), 0x9000);
    assert_eq!(status(&card.transmit(&pso(&digest_info))), 0x6982, "a reset drops the right");
    assert_eq!(status(&card.transmit(&hex("00 C0 00 00 00"))), 0x6985, "nothing pending");
}

#[test]
fn three_wrong_pins_block_the_card_and_a_right_one_resets_the_counter() {
    let mut card = card();
    assert_eq!(status(&card.transmit(&hex(VERIFY_9999))), 0x63C2);
    assert_eq!(status(&card.transmit(&hex("00 20 00 01"))), 0x63C2, "status only: no try used");
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    assert_eq!(card.tries_left(), 3);
    assert_eq!(status(&card.transmit(&hex(VERIFY_9999))), 0x63C2);
    assert_eq!(status(&card.transmit(&hex(VERIFY_9999))), 0x63C1);
    assert_eq!(status(&card.transmit(&hex(VERIFY_9999))), 0x6983);
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x6983, "blocked for good");
    assert_eq!(status(&card.transmit(&hex("00 20 00 01 08 2F 12 34 FF FF FF FF FF"))), 0x6983);
}

#[test]
fn pin_blocks_round_trip_and_malformed_ones_are_refused() {
    assert_eq!(pin_block("1234").unwrap().to_vec(), hex("24 12 34 FF FF FF FF FF"));
    assert_eq!(pin_block("123456789012").unwrap().to_vec(), hex("2C 12 34 56 78 90 12 FF"));
    assert_eq!(pin_from_block(&pin_block("987654").unwrap()).as_deref(), Some("987654"));
    assert!(pin_block("123").is_none() && pin_block("12a4").is_none());
    assert!(pin_from_block(&hex("24 12 3A FF FF FF FF FF")).is_none());
    let mut card = card();
    assert_eq!(status(&card.transmit(&hex("00 20 00 01 08 24 12 34 00 FF FF FF FF"))), 0x6A80);
    assert_eq!(card.tries_left(), 3, "a malformed block costs no try");
    assert_eq!(
        status(&card.transmit(&hex("00 22 41 B6 05 04 80 40 84 82"))),
        0x6A80,
        "not a 1.7 algorithm"
    );
    assert_eq!(status(&card.transmit(&hex("00 22 41 B6 05 04 80 01 84 81"))), 0x6A88);
    assert_eq!(status(&card.transmit(&hex("00 FF 00 00"))), 0x6D00);
    assert_eq!(status(&card.transmit(&hex("B0 A4 00 00"))), 0x6E00);
}

#[test]
fn applet_1_8_signs_digests_with_p384_and_answers_r_s() {
    use p384::ecdsa::{signature::hazmat::PrehashVerifier, Signature, VerifyingKey};
    use sha2::Sha384;

    let holder = Holder { applet: Applet::V18, ..Holder::default() };
    let mut card = Card::new(personalise(&holder, 9).unwrap().content);
    assert_eq!(card.atr(), &ATR_V18);
    let data = card.transmit(&hex("80 E4 00 00 1C"));
    assert_eq!((data[21], status(&data)), (0x18, 0x9000));
    let with_tries = card.transmit(&hex("80 E4 00 01 1F"));
    assert_eq!((with_tries.len(), with_tries[28]), (33, 3), "P2=01 adds the PIN tries left");
    assert_eq!(
        status(&card.transmit(&hex("00 22 41 B6 05 04 80 08 84 83"))),
        0x6A80,
        "no RSA on 1.8"
    );

    let digest = Sha384::digest(b"<ds:SignedInfo/>");
    assert_eq!(status(&card.transmit(&hex("00 22 41 B6 05 04 80 02 84 83"))), 0x9000);
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    let mut apdu = hex("00 2A 9E 9A 30");
    apdu.extend_from_slice(&digest);
    assert_eq!(card.transmit(&apdu), vec![0x61, 0x60], "96 bytes wait");
    let response = card.transmit(&hex("00 C0 00 00 60"));
    assert_eq!((response.len(), status(&response)), (98, 0x9000));
    let Some(CardKey::Ec(key)) = card.content.signature_key.as_ref() else { panic!("an EC card") };
    let signature = Signature::from_slice(&response[..96]).unwrap();
    VerifyingKey::from(key).verify_prehash(&digest, &signature).unwrap();
    // A SHA-384 reference with a 32-byte digest is refused.
    assert_eq!(status(&card.transmit(&hex(VERIFY_1234))), 0x9000);
    let mut short = hex("00 2A 9E 9A 20");
    short.extend_from_slice(&digest[..32]);
    assert_eq!(status(&card.transmit(&short)), 0x6A80);
}

#[test]
fn a_holder_named_in_another_script_is_personalised_as_given() {
    // The PIN window's mixed-script warning is tested end to end with such a card: its names
    // must reach the identity file and the certificates unchanged (UTF-8).
    let holder =
        Holder { given_names: "J\u{430}n Pieter".into(), applet: Applet::V18, ..Holder::default() };
    let content = personalise(&holder, 3).unwrap().content;
    let name = "J\u{430}n Pieter".as_bytes();
    let holding = content
        .files
        .values()
        .filter(|file| file.windows(name.len()).any(|window| window == name))
        .count();
    // The identity file and the two certificates.
    assert!(holding >= 3, "the name is in {holding} files");
}
