//! A Belgian eID card (applet 1.7, RSA-2048) simulated behind the real `pcscd`: the card itself
//! ([`card`]: files, PIN, security environment, signing, T=0 behaviour), its personalisation
//! ([`profile`]: a test citizen PKI, identity and address files signed by a test RRN key) and the
//! vpcd client that plugs it into pcscd's virtual reader ([`vpcd`]). Every byte layout follows
//! card-bridge/CARD.md; section numbers are cited where it matters.

pub mod card;
pub mod pcscd;
pub mod profile;
pub mod vpcd;
