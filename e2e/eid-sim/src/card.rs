//! The card: APDUs in, responses out, with the state a real Belpic applet keeps
//! (card-bridge/CARD.md §2, §4, §10).

use std::collections::HashMap;

use p384::ecdsa::{
    signature::hazmat::PrehashSigner, Signature as EcSignature, SigningKey as EcKey,
};
use rsa::{pkcs1v15::Pkcs1v15Sign, RsaPrivateKey};
use sha1::Sha1;
use sha2::Sha256;

/// ATR of applets 1.1/1.7 (card-bridge/CARD.md §8).
pub const ATR_V17: [u8; 13] =
    [0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11];
/// ATR of applet 1.8 (card-bridge/CARD.md §8).
pub const ATR_V18: [u8; 20] = [
    0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12, 0x0F,
    0xFF, 0x82, 0x90, 0x00,
];

/// The two card generations in use (card-bridge/CARD.md §1.1).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Applet {
    /// RSA-2048, PKCS#1 v1.5 (cards issued 2014–2021).
    V17,
    /// ECDSA P-384, raw r‖s (cards from 2020).
    V18,
}

/// A private key on the card.
#[derive(Clone)]
pub enum CardKey {
    /// Applet 1.7.
    Rsa(RsaPrivateKey),
    /// Applet 1.8.
    Ec(EcKey),
}
const AID_APPLET: [u8; 15] =
    [0xA0, 0x00, 0x00, 0x00, 0x30, 0x29, 0x05, 0x70, 0x00, 0xAD, 0x13, 0x10, 0x01, 0x01, 0xFF];
const AID_BELPIC: [u8; 12] =
    [0xA0, 0x00, 0x00, 0x01, 0x77, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35];
const AID_ID: [u8; 12] = [0xA0, 0x00, 0x00, 0x01, 0x77, 0x49, 0x64, 0x46, 0x69, 0x6C, 0x65, 0x73];
const MF: u16 = 0x3F00;
const MAX_TRIES: u8 = 3;

/// Key references (MSE:SET tag 84).
const KEY_AUTHENTICATION: u8 = 0x82;
const KEY_SIGNATURE: u8 = 0x83;

/// What the card holds: files by full path (e.g. `[3F00, DF00, 5038]`), keys, PIN, card data.
pub struct CardContent {
    /// Transparent files by path from the MF.
    pub files: HashMap<Vec<u16>, Vec<u8>>,
    /// Which applet the card runs.
    pub applet: Applet,
    /// The authentication key (82).
    pub authentication_key: CardKey,
    /// The non-repudiation key (83); `None` on cards without a signature certificate.
    pub signature_key: Option<CardKey>,
    /// The PIN's digits.
    pub pin: String,
    /// GET CARD DATA's 28 bytes.
    pub card_data: [u8; 28],
}

/// The card and its volatile state.
pub struct Card {
    pub(crate) content: CardContent,
    tries_left: u8,
    state: State,
}

#[derive(Default)]
struct State {
    current_df: Vec<u16>,
    current_ef: Option<Vec<u16>>,
    /// (algorithm reference, key reference) from MSE:SET.
    security_environment: Option<(u8, u8)>,
    /// "PIN once" for the authentication key.
    authentication_granted: bool,
    /// The previous command was a successful VERIFY ("PIN just before" for key 83).
    verify_just_succeeded: bool,
    /// Response bytes waiting for GET RESPONSE (T=0 `61xx`).
    pending: Vec<u8>,
}

impl Card {
    /// A card freshly inserted, PIN tries full.
    pub fn new(content: CardContent) -> Self {
        let mut card = Self { content, tries_left: MAX_TRIES, state: State::default() };
        card.reset();
        card
    }

    /// The card's ATR.
    pub fn atr(&self) -> &'static [u8] {
        match self.content.applet {
            Applet::V17 => &ATR_V17,
            Applet::V18 => &ATR_V18,
        }
    }

    /// Power-on, power-off or reset: every access right and the selection are gone; the PIN
    /// counter stays (card-bridge/CARD.md §6.1, §4.2).
    pub fn reset(&mut self) {
        self.state = State { current_df: vec![MF], ..State::default() };
    }

    /// Tries left on the PIN.
    pub fn tries_left(&self) -> u8 {
        self.tries_left
    }

    /// Processes one command APDU and returns the response (data ‖ SW1 SW2).
    pub fn transmit(&mut self, apdu: &[u8]) -> Vec<u8> {
        let verify_just_succeeded = std::mem::take(&mut self.state.verify_just_succeeded);
        let Some(command) = Command::parse(apdu) else { return sw(0x6700) };
        match (command.cla, command.ins) {
            (0x00, 0xA4) => self.select(&command),
            (0x00, 0xB0) => self.read_binary(&command),
            (0x80, 0xE4) => self.get_card_data(&command),
            (0x00, 0x20) => self.verify(&command),
            (0x00, 0x22) => self.manage_security_environment(&command),
            (0x00, 0x2A) => self.sign(&command, verify_just_succeeded),
            (0x00, 0xC0) => self.get_response(&command),
            (0x80, 0xE6) => {
                self.state.authentication_granted = false;
                sw(0x9000)
            }
            (0x00 | 0x80, _) => sw(0x6D00),
            _ => sw(0x6E00),
        }
    }

    /// SELECT FILE: P1 `02` (FID in the current DF, a DF, or 3F00), `08` (path, with or without
    /// 3F00), `04` (AID) (card-bridge/CARD.md §2.3).
    fn select(&mut self, command: &Command) -> Vec<u8> {
        let data = &command.data;
        let path: Vec<u16> = match command.p1 {
            0x02 if data.len() == 2 => {
                let fid = u16::from_be_bytes([data[0], data[1]]);
                if fid == MF {
                    vec![MF]
                } else {
                    let mut child = self.state.current_df.clone();
                    child.push(fid);
                    let mut sibling_df = vec![MF, fid];
                    if self.is_df(&child) || self.content.files.contains_key(&child) {
                        child
                    } else if self.is_df(&sibling_df) {
                        std::mem::take(&mut sibling_df)
                    } else {
                        return sw(0x6A82);
                    }
                }
            }
            0x08 if !data.is_empty() && data.len().is_multiple_of(2) => {
                let fids: Vec<u16> =
                    data.chunks(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect();
                if fids[0] == MF {
                    fids
                } else {
                    std::iter::once(MF).chain(fids).collect()
                }
            }
            0x04 => match data.as_slice() {
                d if d == AID_APPLET => vec![MF],
                d if d == AID_BELPIC => vec![MF, 0xDF00],
                d if d == AID_ID => vec![MF, 0xDF01],
                _ => return sw(0x6A82),
            },
            0x02 | 0x08 => return sw(0x6A87),
            _ => return sw(0x6A86),
        };
        if path == [MF] || self.is_df(&path) {
            self.state.current_df = path;
            self.state.current_ef = None;
            sw(0x9000)
        } else if self.content.files.contains_key(&path) {
            self.state.current_df = path[..path.len() - 1].to_vec();
            self.state.current_ef = Some(path);
            sw(0x9000)
        } else {
            sw(0x6A82)
        }
    }

    fn is_df(&self, path: &[u16]) -> bool {
        matches!(path, [MF, 0xDF00] | [MF, 0xDF01])
    }

    /// READ BINARY: `6B00` past the end, `6Cxx` when Le asks for more than is left
    /// (card-bridge/CARD.md §2.4).
    fn read_binary(&mut self, command: &Command) -> Vec<u8> {
        let Some(path) = &self.state.current_ef else { return sw(0x6986) };
        let Some(file) = self.content.files.get(path) else { return sw(0x6986) };
        let offset = usize::from(u16::from_be_bytes([command.p1 & 0x7F, command.p2]));
        let wanted = command.le.unwrap_or(256);
        if offset >= file.len() {
            return sw(0x6B00);
        }
        let left = file.len() - offset;
        if wanted > left {
            // `left` < 256 here, since `wanted` ≤ 256.
            return sw(0x6C00 | u16::try_from(left).unwrap_or(0xFF));
        }
        with_sw(&file[offset..offset + wanted], 0x9000)
    }

    /// GET CARD DATA `80 E4 00 00 1C`; on 1.8 also `80 E4 00 01 1F` with the PIN tries left
    /// (card-bridge/CARD.md §1.2).
    fn get_card_data(&mut self, command: &Command) -> Vec<u8> {
        match (command.p1, command.p2, self.content.applet) {
            (0, 0, _) => match command.le {
                Some(28) => with_sw(&self.content.card_data, 0x9000),
                _ => sw(0x6C1C),
            },
            (0, 1, Applet::V18) => match command.le {
                Some(31) => {
                    let mut data = self.content.card_data.to_vec();
                    data.extend_from_slice(&[self.tries_left, 0xFF, 0xFF]);
                    with_sw(&data, 0x9000)
                }
                _ => sw(0x6C1F),
            },
            _ => sw(0x6B00),
        }
    }

    /// VERIFY with a format-2 PIN block, or the status-only form (card-bridge/CARD.md §4.1).
    fn verify(&mut self, command: &Command) -> Vec<u8> {
        if command.p1 != 0x00 || command.p2 != 0x01 {
            return sw(0x6A86);
        }
        if self.tries_left == 0 {
            return sw(0x6983);
        }
        if command.data.is_empty() {
            return if self.state.authentication_granted {
                sw(0x9000)
            } else {
                sw(0x63C0 | u16::from(self.tries_left))
            };
        }
        let Some(pin) = pin_from_block(&command.data) else { return sw(0x6A80) };
        if pin == self.content.pin {
            self.tries_left = MAX_TRIES;
            self.state.authentication_granted = true;
            self.state.verify_just_succeeded = true;
            sw(0x9000)
        } else {
            self.tries_left -= 1;
            // A wrong PIN cancels every right already granted (card-bridge/CARD.md §4.1).
            self.state.authentication_granted = false;
            if self.tries_left == 0 {
                sw(0x6983)
            } else {
                sw(0x63C0 | u16::from(self.tries_left))
            }
        }
    }

    /// MSE:SET `00 22 41 B6 05 04 80 <alg> 84 <key>` (card-bridge/CARD.md §4.1, §1.3).
    fn manage_security_environment(&mut self, command: &Command) -> Vec<u8> {
        if command.p1 != 0x41 || command.p2 != 0xB6 {
            return sw(0x6B00);
        }
        let [0x04, 0x80, algorithm, 0x84, key] = command.data[..] else { return sw(0x6A80) };
        // Applet 1.7: PKCS#1 v1.5 with a host-made DigestInfo (01), SHA-1 (02) or SHA-256 (08).
        // Applet 1.8: ECDSA over SHA-256 (01), SHA-384 (02), or a hash of any listed length (40).
        let supported: &[u8] = match self.content.applet {
            Applet::V17 => &[0x01, 0x02, 0x08],
            Applet::V18 => &[0x01, 0x02, 0x40],
        };
        if !supported.contains(&algorithm) {
            return sw(0x6A80);
        }
        let key_present = match key {
            KEY_AUTHENTICATION => true,
            KEY_SIGNATURE => self.content.signature_key.is_some(),
            _ => false,
        };
        if !key_present {
            return sw(0x6A88);
        }
        self.state.security_environment = Some((algorithm, key));
        sw(0x9000)
    }

    /// PSO: COMPUTE DIGITAL SIGNATURE; the signature waits for GET RESPONSE (T=0 `61xx`).
    fn sign(&mut self, command: &Command, verify_just_succeeded: bool) -> Vec<u8> {
        if command.p1 != 0x9E || command.p2 != 0x9A {
            return sw(0x6B00);
        }
        let Some((algorithm, key_reference)) = self.state.security_environment else {
            return sw(0x6985);
        };
        let key = match key_reference {
            KEY_AUTHENTICATION if self.state.authentication_granted => {
                &self.content.authentication_key
            }
            // "PIN just before": the previous command must be a successful VERIFY.
            KEY_SIGNATURE if verify_just_succeeded => match &self.content.signature_key {
                Some(key) => key,
                None => return sw(0x6A88),
            },
            _ => return sw(0x6982),
        };
        let signature = match (key, algorithm, command.data.len()) {
            (CardKey::Rsa(key), _, length) => {
                let scheme = match (algorithm, length) {
                    (0x01, 1..=245) => Pkcs1v15Sign::new_unprefixed(),
                    (0x02, 20) => Pkcs1v15Sign::new::<Sha1>(),
                    (0x08, 32) => Pkcs1v15Sign::new::<Sha256>(),
                    _ => return sw(0x6A80),
                };
                let Ok(signature) = key.sign(scheme, &command.data) else { return sw(0x6A80) };
                signature
            }
            // The card never hashes: it signs the digest it is given and answers r‖s.
            (CardKey::Ec(key), 0x01, 32)
            | (CardKey::Ec(key), 0x02, 48)
            | (CardKey::Ec(key), 0x40, 20 | 28 | 32 | 48 | 64) => {
                let Ok(signature) = PrehashSigner::<EcSignature>::sign_prehash(key, &command.data)
                else {
                    return sw(0x6A80);
                };
                signature.to_bytes().to_vec()
            }
            _ => return sw(0x6A80),
        };
        if key_reference == KEY_SIGNATURE {
            // Mixed mode: after a non-repudiation signature the auth key needs the PIN again.
            self.state.authentication_granted = false;
        }
        self.state.pending = signature;
        sw(0x6100 | u16::try_from(self.state.pending.len() % 256).unwrap_or(0))
    }

    /// GET RESPONSE: the pending data, in `Le`-sized pieces.
    fn get_response(&mut self, command: &Command) -> Vec<u8> {
        if self.state.pending.is_empty() {
            return sw(0x6985);
        }
        let wanted = command.le.unwrap_or(256).min(self.state.pending.len());
        let chunk: Vec<u8> = self.state.pending.drain(..wanted).collect();
        let left = self.state.pending.len();
        if left == 0 {
            with_sw(&chunk, 0x9000)
        } else {
            with_sw(&chunk, 0x6100 | u16::try_from(left.min(256) % 256).unwrap_or(0))
        }
    }
}

/// A parsed short APDU.
struct Command {
    cla: u8,
    ins: u8,
    p1: u8,
    p2: u8,
    data: Vec<u8>,
    /// Expected length; `00` means 256.
    le: Option<usize>,
}

impl Command {
    fn parse(apdu: &[u8]) -> Option<Self> {
        let &[cla, ins, p1, p2] = apdu.first_chunk::<4>()?;
        let body = &apdu[4..];
        let le_of = |byte: u8| Some(if byte == 0 { 256 } else { usize::from(byte) });
        let (data, le) = match body {
            [] => (Vec::new(), None),
            [le] => (Vec::new(), le_of(*le)),
            [lc, rest @ ..] if rest.len() == usize::from(*lc) => (rest.to_vec(), None),
            // PSO and others arrive with a trailing Le on T=1 stacks; accept it (card-bridge/CARD.md §6.1).
            [lc, rest @ ..] if rest.len() == usize::from(*lc) + 1 => {
                (rest[..usize::from(*lc)].to_vec(), le_of(rest[usize::from(*lc)]))
            }
            _ => return None,
        };
        Some(Self { cla, ins, p1, p2, data, le })
    }
}

/// The PIN digits of an ISO 9564 format-2 block: `2L` + BCD digits + `F` padding.
pub(crate) fn pin_from_block(block: &[u8]) -> Option<String> {
    if block.len() != 8 || block[0] >> 4 != 2 {
        return None;
    }
    let length = usize::from(block[0] & 0x0F);
    if !(4..=12).contains(&length) {
        return None;
    }
    let nibbles: Vec<u8> = block[1..].iter().flat_map(|byte| [byte >> 4, byte & 0x0F]).collect();
    let (digits, padding) = nibbles.split_at(length);
    if digits.iter().any(|&d| d > 9) || padding.iter().any(|&p| p != 0x0F) {
        return None;
    }
    Some(digits.iter().map(|d| char::from(b'0' + d)).collect())
}

/// The format-2 PIN block for `pin` (4–12 digits).
pub fn pin_block(pin: &str) -> Option<[u8; 8]> {
    let digits: Vec<u8> = pin.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if !(4..=12).contains(&digits.len()) || digits.iter().any(|&d| d > 9) {
        return None;
    }
    let mut nibbles = vec![0x2, u8::try_from(digits.len()).ok()?];
    nibbles.extend(&digits);
    nibbles.resize(16, 0x0F);
    let mut block = [0u8; 8];
    for (byte, pair) in block.iter_mut().zip(nibbles.chunks(2)) {
        *byte = pair[0] << 4 | pair[1];
    }
    Some(block)
}

fn sw(status: u16) -> Vec<u8> {
    status.to_be_bytes().to_vec()
}

fn with_sw(data: &[u8], status: u16) -> Vec<u8> {
    let mut response = data.to_vec();
    response.extend_from_slice(&status.to_be_bytes());
    response
}
