//! The PC/SC transport, with no knowledge of the Belgian eID: readers and their states,
//! connecting, one APDU out and its answer back with T=0's `61xx`/`6Cxx` followed, ISO 7816-4's
//! VERIFY answers, and the reader driver's controls (PC/SC part 10, the PIN pad in [`pinpad`]).
//! The eID card driver (`card.rs`) is written over [`Channel`], so its tests run without PC/SC.

use pcsc::{Card, Context, Disposition, Protocols, ReaderState, ShareMode, State};
use zeroize::Zeroizing;

use crate::{error::BridgeError, pinpad};

/// What the APDU logic needs from a connected card. A pcsc [`Card`] (or the transaction
/// holding it) in production; in tests, the simulated card behind an emulated PIN-pad reader.
pub(crate) trait Channel {
    /// One command APDU out; the card's whole answer, data then status word, back.
    fn exchange(&self, apdu: &[u8]) -> Result<Vec<u8>, BridgeError>;
    /// `SCardControl`: a command for the reader driver (PC/SC part 10 features), with the code
    /// before `SCARD_CTL_CODE` for [`pinpad::GET_FEATURE_REQUEST`] and as listed for the others.
    fn control(&self, code: ControlCode, input: &[u8]) -> Result<Vec<u8>, BridgeError>;
}

/// A reader-driver control code: the portable request number, or one the driver listed.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum ControlCode {
    GetFeatureRequest,
    Listed(u32),
}

impl Channel for Card {
    fn exchange(&self, apdu: &[u8]) -> Result<Vec<u8>, BridgeError> {
        let mut buffer = [0u8; pcsc::MAX_BUFFER_SIZE];
        Ok(self.transmit(apdu, &mut buffer)?.to_vec())
    }

    fn control(&self, code: ControlCode, input: &[u8]) -> Result<Vec<u8>, BridgeError> {
        let code = match code {
            // SCARD_CTL_CODE differs between pcsc-lite and WinSCard; the crate knows which.
            ControlCode::GetFeatureRequest => {
                pcsc::ctl_code(pcsc::ffi::DWORD::from(pinpad::GET_FEATURE_REQUEST))
            }
            ControlCode::Listed(code) => pcsc::ffi::DWORD::from(code),
        };
        let mut buffer = [0u8; pcsc::MAX_BUFFER_SIZE];
        Ok(Card::control(self, code, input, &mut buffer)?.to_vec())
    }
}

pub(crate) fn reader_states(context: &Context) -> Result<Vec<ReaderState>, BridgeError> {
    let names = match context.list_readers_owned() {
        Ok(names) => names,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(err) => return Err(err.into()),
    };
    let mut states: Vec<_> =
        names.into_iter().map(|name| ReaderState::new(name, State::UNAWARE)).collect();
    // A zero timeout returns the current state of every reader at once.
    context.get_status_change(std::time::Duration::ZERO, &mut states)?;
    Ok(states)
}

/// pcsc-lite reports a card leaving in the middle of an operation in more than one way, by timing:
/// `SCARD_W_REMOVED_CARD`, but also `SCARD_E_NOT_TRANSACTED` or `SCARD_E_NO_SMARTCARD`, and the
/// reader's state can lag behind the failure by a polling interval. A PC/SC failure after which
/// the reader holds no card within a second and a half is the card's removal, and said so.
pub(crate) fn removed_or(context: &Context, reader: &str, err: BridgeError) -> BridgeError {
    if !matches!(err, BridgeError::Pcsc(_)) {
        return err;
    }
    for _ in 0..15 {
        let present = reader_states(context).map(|states| {
            states.iter().any(|state| {
                state.name().to_string_lossy() == reader
                    && state.event_state().contains(State::PRESENT)
            })
        });
        match present {
            Ok(false) => return BridgeError::CommunicationLost,
            Ok(true) => std::thread::sleep(std::time::Duration::from_millis(100)),
            Err(_) => break,
        }
    }
    err
}

/// Whether `atr` is a Belgian eID's (card-bridge/CARD.md §8): the applet 1.0–1.7 family under
/// the middleware's mask, or applet 1.8's exactly.
pub(crate) fn is_belgian_eid_atr(atr: &[u8]) -> bool {
    const FAMILY: [u8; 13] =
        [0x3B, 0x98, 0x00, 0x40, 0x00, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x00];
    const MASK: [u8; 13] =
        [0xFF, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
    const APPLET_1_8: [u8; 20] = [
        0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12,
        0x0F, 0xFF, 0x82, 0x90, 0x00,
    ];
    atr == APPLET_1_8
        || (atr.len() == FAMILY.len()
            && atr.iter().zip(MASK).zip(FAMILY).all(|((byte, mask), want)| byte & mask == want))
}

/// A reader as the choice of a card sees it.
pub(crate) struct Slot<'a> {
    pub card_present: bool,
    pub atr: &'a [u8],
}

/// The reader to use when the caller named none: the first holding a Belgian eID. A reader
/// whose card is something else is passed over, so that a reader that always holds a card —
/// Windows Hello for Business and TPM virtual smart cards show up in Windows' PC/SC as such
/// readers, and a laptop's built-in reader may hold a bank card — never hides the eID in another
/// reader. Only when no card is an eID by its ATR is the first card taken anyway, so that an eID
/// whose ATR is not in card-bridge/CARD.md §8 still works where it is the only card.
/// Returns its index in `slots`.
pub(crate) fn choose_reader(slots: &[Slot<'_>]) -> Option<usize> {
    let holding = || slots.iter().enumerate().filter(|(_, slot)| slot.card_present);
    holding()
        .find(|(_, slot)| is_belgian_eid_atr(slot.atr))
        .or_else(|| holding().next())
        .map(|(index, _)| index)
}

/// Connects to `reader`, or to the reader [`choose_reader`] picks.
pub(crate) fn connect(
    context: &Context,
    reader: Option<&str>,
) -> Result<(String, Card), BridgeError> {
    let states = reader_states(context)?;
    if states.is_empty() {
        return Err(pcsc::Error::NoReadersAvailable.into());
    }
    let state = match reader {
        Some(wanted) => states
            .iter()
            .find(|state| state.name().to_string_lossy() == wanted)
            .ok_or(BridgeError::Pcsc(pcsc::Error::UnknownReader))?,
        None => {
            let slots: Vec<_> = states
                .iter()
                .map(|state| Slot {
                    card_present: state.event_state().contains(State::PRESENT),
                    atr: state.atr(),
                })
                .collect();
            &states[choose_reader(&slots).ok_or(BridgeError::NoCard)?]
        }
    };
    // Two bridge processes connecting to a freshly inserted card at the same moment (the kiosk's
    // reader watch and a read-card) race for its protocol negotiation, and pcsc-lite refuses the
    // loser with SCARD_E_PROTO_MISMATCH; that passes within milliseconds, so ask again for up to
    // 1 s. (Seen in 1 of 3 kiosk runs without this, 0 of 12 with it.) pcsc-lite also answers it
    // for as long as the ATR it read at power-up offers no protocol (its SCardConnect agrees on one
    // from that ATR): seen once in a run for 2.6 s. Halfway, the card is therefore reset once, which
    // makes pcscd read the ATR again, as eid-mw resets a card that stops answering
    // (card-bridge/CARD.md §5).
    let mut attempts = 0;
    let card = loop {
        match context.connect(state.name(), ShareMode::Shared, Protocols::ANY) {
            Err(pcsc::Error::ProtoMismatch) if attempts < 20 => {
                attempts += 1;
                if attempts == 10 {
                    reset(context, state.name());
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            result => break result?,
        }
    };
    Ok((state.name().to_string_lossy().into_owned(), card))
}

/// Resets the card in `reader` through a direct connection (no protocol needed), so that pcscd
/// powers it up again and reads its ATR anew. Best effort: a failure leaves things as they were.
pub(crate) fn reset(context: &Context, reader: &std::ffi::CStr) {
    if let Ok(card) = context.connect(reader, ShareMode::Direct, Protocols::UNDEFINED) {
        let _ = card.disconnect(Disposition::ResetCard);
    }
}

/// Sends one APDU and follows T=0: `61xx` → GET RESPONSE, `6Cxx` → the same command with Le=xx
/// (card-bridge/CARD.md §5). Returns the data and the final status word.
pub(crate) fn transmit(card: &impl Channel, apdu: &[u8]) -> Result<(Vec<u8>, u16), BridgeError> {
    let mut data = Vec::new();
    // A VERIFY carries the PIN block: this copy is wiped too.
    let mut command = Zeroizing::new(apdu.to_vec());
    for _ in 0..32 {
        let response = card.exchange(&command)?;
        // A response without a status word: the card left mid-command (card-bridge/CARD.md §5).
        let [body @ .., sw1, sw2] = response.as_slice() else {
            return Err(BridgeError::CommunicationLost);
        };
        data.extend_from_slice(body);
        match (*sw1, *sw2) {
            (0x61, available) => *command = vec![0x00, 0xC0, 0x00, 0x00, available],
            (0x6C, exact) if command.len() >= 5 => {
                let last = command.len() - 1;
                command[last] = exact;
            }
            (sw1, sw2) => return Ok((data, u16::from_be_bytes([sw1, sw2]))),
        }
    }
    Err(BridgeError::CardStatus { command: "T=0 response chaining", status: 0x6100 })
}

pub(crate) fn expect_ok(
    card: &impl Channel,
    apdu: &[u8],
    command: &'static str,
) -> Result<Vec<u8>, BridgeError> {
    match transmit(card, apdu)? {
        (data, 0x9000) => Ok(data),
        (_, status) => Err(BridgeError::CardStatus { command, status }),
    }
}

/// What the card's answer to VERIFY means (card-bridge/CARD.md §4.1), typed on the host or on a
/// PIN pad.
pub(crate) fn verify_answer(status: u16, command: &'static str) -> Result<(), BridgeError> {
    match status {
        0x9000 => Ok(()),
        0x6983 => Err(BridgeError::PinBlocked),
        status if status & 0xFFF0 == 0x63C0 => {
            Err(BridgeError::WrongPin { tries_left: u8::try_from(status & 0x000F).unwrap_or(0) })
        }
        status => Err(BridgeError::CardStatus { command, status }),
    }
}

/// Asks the reader driver for its CCID features and looks for `FEATURE_VERIFY_PIN_DIRECT`. A
/// reader that cannot be opened in direct mode, or whose driver does not answer, has no usable
/// PIN pad.
pub(crate) fn has_pinpad(context: &Context, reader: &std::ffi::CStr, card_present: bool) -> bool {
    // With a card in the reader, a normal shared connection (which negotiates the card's
    // protocol) asks the reader; a direct one would leave a freshly inserted card without a
    // protocol, and pcsc-lite then refuses other processes' connections to it
    // (SCARD_E_PROTO_MISMATCH, seen when the page read the card while the kiosk listed readers).
    let connected = if card_present {
        context.connect(reader, ShareMode::Shared, Protocols::ANY)
    } else {
        context.connect(reader, ShareMode::Direct, Protocols::UNDEFINED)
    };
    let Ok(card) = connected else {
        return false;
    };
    let found = Channel::control(&card, ControlCode::GetFeatureRequest, &[])
        .is_ok_and(|features| pinpad::verify_pin_direct(&features).is_some());
    // Dropping a `Card` resets it, which would cost the card its PIN state (and pcscd a
    // power cycle): looking at the reader must leave the card alone.
    let _ = card.disconnect(Disposition::LeaveCard);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_answers_become_the_wire_errors() {
        assert!(verify_answer(0x9000, "VERIFY").is_ok());
        assert!(matches!(
            verify_answer(0x63C1, "VERIFY"),
            Err(BridgeError::WrongPin { tries_left: 1 })
        ));
        assert!(matches!(verify_answer(0x6983, "VERIFY"), Err(BridgeError::PinBlocked)));
        assert!(matches!(
            verify_answer(0x6A80, "VERIFY"),
            Err(BridgeError::CardStatus { status: 0x6A80, .. })
        ));
    }

    const APPLET_1_7: [u8; 13] =
        [0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11];
    const APPLET_1_8: [u8; 20] = [
        0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12,
        0x0F, 0xFF, 0x82, 0x90, 0x00,
    ];
    /// Another card's ATR, as a virtual smart card or a bank card would have (not an eID's).
    const VIRTUAL: [u8; 18] = [
        0x3B, 0x8D, 0x01, 0x80, 0xFB, 0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x03,
        0x01, 0x00, 0x00,
    ];

    #[test]
    fn belgian_eid_atrs_are_told_from_other_cards() {
        assert!(is_belgian_eid_atr(&APPLET_1_7));
        assert!(is_belgian_eid_atr(&APPLET_1_8));
        // applet 1.0 (card-bridge/CARD.md §8), within the family's mask
        assert!(is_belgian_eid_atr(&[
            0x3B, 0x98, 0x94, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x10
        ]));
        assert!(!is_belgian_eid_atr(&VIRTUAL));
        assert!(!is_belgian_eid_atr(&APPLET_1_8[..19]));
        assert!(!is_belgian_eid_atr(&[]));
        let mut other = APPLET_1_7;
        other[5] = 0xA6;
        assert!(!is_belgian_eid_atr(&other));
    }

    #[test]
    fn a_reader_always_holding_a_virtual_card_never_hides_the_eid() {
        // Windows Hello's virtual card first, an empty reader, then the eID.
        let hello = || Slot { card_present: true, atr: &VIRTUAL };
        let empty = || Slot { card_present: false, atr: &[] };
        let eid = Slot { card_present: true, atr: &APPLET_1_8 };
        assert_eq!(choose_reader(&[hello(), empty(), eid]), Some(2));
        // No eID anywhere: the first card, which the eID driver then refuses in its own words
        // (an unknown applet), rather than "no card".
        assert_eq!(choose_reader(&[empty(), hello()]), Some(1));
        assert_eq!(choose_reader(&[]), None);
        // A reader's last ATR does not count once its card is gone.
        assert_eq!(choose_reader(&[Slot { card_present: false, atr: &APPLET_1_7 }]), None);
    }
}
