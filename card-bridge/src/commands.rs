//! The command table: one arm per command the protocol knows, so adding a command to
//! `ehcert_shared::bridge::Command` does not compile until it is handled here.

use ehcert_shared::bridge::{Command, Outcome};

use crate::{card::CardService, error::BridgeError};

pub(crate) fn dispatch(
    command: Command,
    card: &mut impl CardService,
) -> Result<Outcome, BridgeError> {
    match command {
        Command::ListReaders => Ok(Outcome::Readers(card.list_readers()?)),
    }
}
