//! PIN entry on the reader's own keypad (PC/SC v2 part 10, CCID `FEATURE_VERIFY_PIN_DIRECT`),
//! so that the PIN never passes through the computer (card-bridge/CARD.md §4.3).
//!
//! Pure byte work: the reader's feature list, the `PIN_VERIFY_STRUCTURE` the Belgian middleware
//! sends, and what the reader's answer means. `card.rs` does the `SCardControl` calls.

use crate::error::BridgeError;

/// `FEATURE_VERIFY_PIN_DIRECT` in the answer to `CM_IOCTL_GET_FEATURE_REQUEST`.
const FEATURE_VERIFY_PIN_DIRECT: u8 = 0x06;

/// `CM_IOCTL_GET_FEATURE_REQUEST` (PC/SC part 10 §2.2), before `SCARD_CTL_CODE`.
pub(crate) const GET_FEATURE_REQUEST: u32 = 3400;

/// The control code of `FEATURE_VERIFY_PIN_DIRECT` in a feature list, if the reader offers it.
/// The list is TLVs: tag (1 byte), length `04`, control code (4 bytes, big-endian).
pub(crate) fn verify_pin_direct(features: &[u8]) -> Option<u32> {
    let mut rest = features;
    while let [tag, length, tail @ ..] = rest {
        let length = usize::from(*length);
        let value = tail.get(..length)?;
        if *tag == FEATURE_VERIFY_PIN_DIRECT {
            return <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes);
        }
        rest = &tail[length..];
    }
    None
}

/// Minimum and maximum PIN length the eID accepts (card-bridge/CARD.md §4.1).
pub(crate) const PIN_DIGITS: (u8, u8) = (4, 12);

/// The `PIN_VERIFY_STRUCTURE` eid-mw sends to a CCID pinpad (card-bridge/CARD.md §4.3 item 2).
/// Multi-byte fields are little-endian.
pub(crate) fn verify_structure(language: u16) -> Vec<u8> {
    // VERIFY with a format-2 template: the reader writes the length nibble and the BCD digits.
    const APDU: [u8; 13] =
        [0x00, 0x20, 0x00, 0x01, 0x08, 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    let mut structure = vec![
        0x1E, // bTimerOut: 30 s for the first key
        0x1E, // bTimerOut2: 30 s between keys
        0x89, // bmFormatString: byte units, PIN at offset 1, left-justified, BCD
        0x47, // bmPINBlockString: 4-bit length field, 7-byte PIN block
        0x04, // bmPINLengthFormat: the length sits at bit 4 of the first byte
        PIN_DIGITS.1,
        PIN_DIGITS.0, // wPINMaxExtraDigit: maximum, then minimum
        0x02,         // bEntryValidationCondition: the OK key
        0x01,         // bNumberMessage
    ];
    structure.extend_from_slice(&language.to_le_bytes()); // wLangId
    structure.push(0x00); // bMsgIndex
    structure.extend_from_slice(&[0x00, 0x00, 0x00]); // bTeoPrologue
    structure.extend_from_slice(&u32::try_from(APDU.len()).unwrap_or(0).to_le_bytes());
    structure.extend_from_slice(&APDU);
    structure
}

/// What the reader answered to the verification: the card's status word (for
/// `transport::verify_answer`), or the reader's own `64xx` when the person did not finish
/// (PC/SC part 10 §2.3) as its error.
pub(crate) fn outcome(answer: &[u8]) -> Result<u16, BridgeError> {
    let [sw1, sw2] = answer else {
        return Err(BridgeError::CardStatus { command: "VERIFY on the PIN pad", status: 0 });
    };
    match u16::from_be_bytes([*sw1, *sw2]) {
        0x6400 => Err(BridgeError::PinpadTimeout),
        0x6401 => Err(BridgeError::PinpadCancelled),
        // The reader refused the entry's length itself; the card saw nothing, no try is used.
        0x6403 => Err(BridgeError::PinpadLength),
        status => Ok(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_verify_feature_among_others_and_only_a_well_formed_one() {
        // GET_TLV_PROPERTIES (12) then VERIFY_PIN_DIRECT (06), as a real CCID driver lists them.
        let features = [0x12, 0x04, 0x42, 0x33, 0x00, 0x12, 0x06, 0x04, 0x42, 0x33, 0x00, 0x06];
        assert_eq!(verify_pin_direct(&features), Some(0x4233_0006));
        // vpcd's answer: properties only (card-bridge/CARD.md §4.3).
        assert_eq!(verify_pin_direct(&features[..6]), None);
        assert_eq!(verify_pin_direct(&[0x06, 0x04, 0x42, 0x33]), None, "truncated");
        assert_eq!(verify_pin_direct(&[0x06, 0x02, 0x42, 0x33]), None, "wrong length");
        assert_eq!(verify_pin_direct(&[]), None);
    }

    #[test]
    fn the_structure_is_byte_for_byte_the_belgian_middleware_one() {
        let expected = [
            0x1E, 0x1E, 0x89, 0x47, 0x04, 0x0C, 0x04, 0x02, 0x01, 0x13, 0x08, 0x00, 0x00, 0x00,
            0x00, 0x0D, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x08, 0x20, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF,
        ];
        assert_eq!(verify_structure(0x0813), expected);
    }

    #[test]
    fn the_readers_own_answers_are_errors_and_the_cards_pass_through() {
        assert_eq!(outcome(&[0x90, 0x00]).ok(), Some(0x9000));
        assert_eq!(outcome(&[0x63, 0xC1]).ok(), Some(0x63C1));
        assert_eq!(outcome(&[0x69, 0x83]).ok(), Some(0x6983));
        assert!(matches!(outcome(&[0x64, 0x00]), Err(BridgeError::PinpadTimeout)));
        assert!(matches!(outcome(&[0x64, 0x01]), Err(BridgeError::PinpadCancelled)));
        assert!(matches!(outcome(&[0x64, 0x03]), Err(BridgeError::PinpadLength)));
        assert!(matches!(outcome(&[0x90]), Err(BridgeError::CardStatus { .. })));
    }
}
