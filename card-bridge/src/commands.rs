//! The command table: one arm per command the protocol knows, so adding a command to
//! `ehcert_shared::bridge::Command` does not compile until it is handled here.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_shared::bridge::{Command, Outcome, PinEntry, SignaturePreview};

use crate::{
    approval::{self, SigningCard},
    card::CardService,
    error::BridgeError,
    log::Log,
};

pub(crate) fn dispatch(
    command: Command,
    card: &mut impl CardService,
    log: &Log,
) -> Result<Outcome, BridgeError> {
    match command {
        Command::ListReaders => Ok(Outcome::Readers(card.list_readers()?)),
        Command::RecentEvents => Ok(Outcome::Events(log.recent())),
        Command::PinStatus(request) => {
            Ok(Outcome::PinTries(card.pin_tries(request.reader.as_deref())?))
        }
        Command::CardHolder(request) => {
            Ok(Outcome::CardHolder(card.card_holder(request.reader.as_deref())?))
        }
        Command::ReadCard(request) => {
            Ok(Outcome::Card(Box::new(card.read_card(request.reader.as_deref())?)))
        }
        Command::Preview(request) => {
            let holder = card.card_holder(request.reader.as_deref())?;
            let approved = approval::approve(
                request.key,
                &request.content,
                &SigningCard::from(&holder),
                unix_now(),
            )?;
            Ok(Outcome::Preview(Box::new(SignaturePreview {
                holder,
                operation: approved.operation,
            })))
        }
        Command::Sign(request) => {
            match &request.pin {
                PinEntry::Digits(pin) => {
                    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(BridgeError::InvalidRequest("a PIN has 4 to 12 digits".into()));
                    }
                }
                // Every signature has its PIN step, typed or on the reader (the protocol has no
                // signature without one).
                PinEntry::Pinpad => {}
            }
            // Checked again inside the card's transaction, against the card that signs.
            let signature = card.sign(&request, &mut |signing_card| {
                approval::approve(request.key, &request.content, signing_card, unix_now())
            })?;
            Ok(Outcome::Signature(STANDARD.encode(signature)))
        }
    }
}

/// This computer's clock in Unix seconds (0 if it is set before 1970, which no request passes).
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
