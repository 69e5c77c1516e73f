//! The command table: one arm per command the protocol knows, so adding a command to
//! `ehcert_shared::bridge::Command` does not compile until it is handled here.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_shared::bridge::{Command, Outcome, PinEntry};

use crate::{card::CardService, error::BridgeError};

pub(crate) fn dispatch(
    command: Command,
    card: &mut impl CardService,
) -> Result<Outcome, BridgeError> {
    match command {
        Command::ListReaders => Ok(Outcome::Readers(card.list_readers()?)),
        Command::PinStatus(request) => {
            Ok(Outcome::PinTries(card.pin_tries(request.reader.as_deref())?))
        }
        Command::CardHolder(request) => {
            Ok(Outcome::CardHolder(card.card_holder(request.reader.as_deref())?))
        }
        Command::ReadCard(request) => {
            Ok(Outcome::Card(Box::new(card.read_card(request.reader.as_deref())?)))
        }
        Command::Sign(request) => {
            let digest = STANDARD.decode(&request.digest).map_err(|err| {
                BridgeError::InvalidRequest(format!("the digest is not base64: {err}"))
            })?;
            // Only a digest of the length the algorithm announces is ever signed.
            if digest.len() != request.algorithm.digest_len() {
                return Err(BridgeError::InvalidRequest(format!(
                    "{:?} signs a {}-byte digest, not {} bytes",
                    request.algorithm,
                    request.algorithm.digest_len(),
                    digest.len()
                )));
            }
            if let PinEntry::Digits(pin) = &request.pin {
                if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(BridgeError::InvalidRequest("a PIN has 4 to 12 digits".into()));
                }
            }
            let signature = card.sign(&request, &digest)?;
            Ok(Outcome::Signature(STANDARD.encode(signature)))
        }
    }
}
