//! Access to readers and cards. The session talks to a [`CardService`], so its logic is tested
//! without PC/SC; [`Pcsc`] is the real one, tested against the card simulator behind `pcscd`.

use ehcert_shared::bridge::Reader;
use pcsc::{Context, ReaderState, Scope, ShareMode, State};

use crate::error::BridgeError;

pub(crate) trait CardService {
    fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError>;
}

/// The system's PC/SC service (pcsc-lite on Linux and macOS, WinSCard on Windows).
pub(crate) struct Pcsc;

impl CardService for Pcsc {
    fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError> {
        let context = Context::establish(Scope::User)?;
        let names = match context.list_readers_owned() {
            Ok(names) => names,
            Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
            Err(err) => return Err(err.into()),
        };
        let mut states: Vec<_> =
            names.iter().map(|name| ReaderState::new(name.clone(), State::UNAWARE)).collect();
        // A zero timeout returns the current state of every reader at once.
        context.get_status_change(std::time::Duration::ZERO, &mut states)?;
        Ok(states
            .iter()
            .map(|state| Reader {
                name: state.name().to_string_lossy().into_owned(),
                card_present: state.event_state().contains(State::PRESENT),
                pinpad: has_pinpad(&context, state.name()),
            })
            .collect())
    }
}

/// Asks the reader driver for its CCID features (PC/SC part 10, `CM_IOCTL_GET_FEATURE_REQUEST`)
/// and looks for `FEATURE_VERIFY_PIN_DIRECT`. A reader that cannot be opened in direct mode, or
/// whose driver does not answer, has no usable PIN pad.
fn has_pinpad(context: &Context, reader: &std::ffi::CStr) -> bool {
    const FEATURE_VERIFY_PIN_DIRECT: u8 = 0x06;
    let Ok(card) = context.connect(reader, ShareMode::Direct, pcsc::Protocols::UNDEFINED) else {
        return false;
    };
    let mut buffer = [0u8; 256];
    let Ok(features) =
        // 3400 = CM_IOCTL_GET_FEATURE_REQUEST; a literal because DWORD's width differs per platform.
        card.control(pcsc::ctl_code(3400), &[], &mut buffer)
    else {
        return false;
    };
    // TLV list: tag (1 byte), length 4, control code (4 bytes big-endian).
    features
        .chunks(6)
        .any(|tlv| tlv.len() == 6 && tlv[0] == FEATURE_VERIFY_PIN_DIRECT && tlv[1] == 4)
}
