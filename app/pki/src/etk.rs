//! Answering EtkRA's proof-of-possession challenge (app/certra/PROTOCOL.md §4.4 step 3):
//! `challenge = RSAES-PKCS1-v1_5(encryption public key, serial) ‖ SHA-256(serial)`, where the
//! serial is 16 random bytes that become the ETK encryption certificate's serial number, read as
//! an unsigned big-endian integer.

use sha2::{Digest, Sha256};

use crate::{key::RsaKeyPair, PkiError, Result};

/// Length of the serial inside the challenge.
pub const SERIAL_LEN: usize = 16;

/// The decrypted, checked challenge serial (unsigned big-endian).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ChallengeSerial(pub [u8; SERIAL_LEN]);

impl ChallengeSerial {
    /// The serial in decimal: the ETK key's alias in the keystore (app/certra/PROTOCOL.md §5.2).
    pub fn to_decimal(&self) -> String {
        decimal(&self.0)
    }
}

/// Decrypts and checks a challenge with the ETK encryption key.
pub fn answer_challenge(encryption_key: &RsaKeyPair, challenge: &[u8]) -> Result<ChallengeSerial> {
    let split =
        challenge.len().checked_sub(32).filter(|&at| at > 0).ok_or_else(|| {
            PkiError::EtkChallenge(format!("{} bytes is too short", challenge.len()))
        })?;
    let (ciphertext, hash) = challenge.split_at(split);
    let plaintext = encryption_key
        .decrypt_pkcs1v15(ciphertext)
        .map_err(|_| PkiError::EtkChallenge("it does not decrypt with this ETK key".into()))?;
    let serial: [u8; SERIAL_LEN] =
        plaintext.get(..SERIAL_LEN).and_then(|bytes| bytes.try_into().ok()).ok_or_else(|| {
            PkiError::EtkChallenge(format!("the serial has {} bytes", plaintext.len()))
        })?;
    if Sha256::digest(serial).as_slice() != hash {
        return Err(PkiError::EtkChallenge("the SHA-256 of the serial does not match".into()));
    }
    Ok(ChallengeSerial(serial))
}

/// Decimal digits of an unsigned big-endian integer of any length.
pub fn decimal(big_endian: &[u8]) -> String {
    // Repeated division by 10 over base-256 digits; serials are at most 21 bytes.
    let mut digits = Vec::new();
    let mut number: Vec<u8> = big_endian.iter().copied().skip_while(|&b| b == 0).collect();
    while !number.is_empty() {
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = u8::try_from(value / 10).unwrap_or(u8::MAX);
            remainder = value % 10;
        }
        digits.push(char::from(b'0' + u8::try_from(remainder).unwrap_or(0)));
        let leading = number.iter().take_while(|&&b| b == 0).count();
        number.drain(..leading);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_of_big_endian_integers() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xff; 16]), "340282366920938463463374607431768211455");
        assert_eq!(decimal(&[0x00, 0x12, 0x34, 0x56, 0x78, 0x9a]), "78187493530");
    }
}
