//! The support report: what a helpdesk needs to see why ehcert does not work on a person's
//! computer, as text the person copies from the diagnostics screen and sends.
//!
//! Built only from values that name no one: versions and protocols, the browser, reader names,
//! the card's applet and key type, whether eHealth answers, and the codes of what failed (the
//! page's own errors, and the operations the extension kept with the card bridge's lines). A
//! [`CardSummary`] enters only through [`CardFacts::of`], which keeps the applet, the key type
//! and the reader: never the holder's names, national number or certificates. The extension and
//! the bridge keep no PIN, digest or request value in what they hand over
//! (`ehcert_shared::page::FailedOperation`).
//!
//! The report is in English whatever the page's language: it is read by a helpdesk and by the
//! developers, and its lines are searched for.

use std::fmt::Write as _;

use ehcert_shared::{
    bridge::{CardKeyAlgorithm, Reader},
    page::{CardSummary, FailedOperation},
};

/// A part's versions: its release and the protocols it speaks.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Versions {
    /// The release, e.g. `0.1.0`.
    pub version: String,
    /// The protocol versions, oldest first.
    pub protocols: Vec<u32>,
}

/// What the card says about itself, without its holder.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CardFacts {
    /// The reader it sits in.
    pub reader: String,
    /// The applet version, e.g. `1.8`.
    pub applet: String,
    /// The key pairs' type (the card's generation).
    pub key_algorithm: CardKeyAlgorithm,
}

impl CardFacts {
    /// The facts of a card the page read; the holder stays out.
    pub fn of(card: &CardSummary) -> Self {
        Self {
            reader: card.reader.clone(),
            applet: card.applet.clone(),
            key_algorithm: card.key_algorithm,
        }
    }
}

/// An error the page showed, by its code (the app's `AppError::code`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ShownError {
    /// When: UTC, RFC 3339.
    pub at: String,
    /// The code.
    pub code: String,
}

/// Something the report could not learn, by the code of why.
pub type Missing = String;

/// Everything the report says.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Report {
    /// When it was made: UTC, RFC 3339.
    pub made_at: String,
    /// This page.
    pub page: Versions,
    /// The page's origin (the hosted site), e.g. `https://ehcert.example`.
    pub origin: String,
    /// The page's language code.
    pub lang: String,
    /// Whether the page runs as a kiosk.
    pub kiosk: bool,
    /// The browser's own description (`navigator.userAgent`).
    pub browser: String,
    /// The extension.
    pub extension: Result<Versions, Missing>,
    /// The card bridge.
    pub bridge: Result<Versions, Missing>,
    /// The readers.
    pub readers: Result<Vec<Reader>, Missing>,
    /// The card in the first reader that holds one.
    pub card: Option<Result<CardFacts, Missing>>,
    /// Whether eHealth's certificate service answers, per environment: the organisation types
    /// it lists, or why not.
    pub services: Vec<(String, Result<usize, Missing>)>,
    /// The errors this page showed in this tab, latest last.
    pub shown_errors: Vec<ShownError>,
    /// The operations the extension kept as failed, latest last.
    pub failed_operations: Result<Vec<FailedOperation>, Missing>,
}

fn versions(part: &Result<Versions, Missing>) -> String {
    match part {
        Ok(Versions { version, protocols }) => format!("{version} (protocols {})", list(protocols)),
        Err(why) => format!("not available: {why}"),
    }
}

fn list(values: &[u32]) -> String {
    values.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl Report {
    /// The report as text, one fact per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        line("ehcert support report".into());
        line(format!("Made: {}", self.made_at));
        line(format!(
            "Page: {} (protocols {}) at {}, language {}, kiosk: {}",
            self.page.version,
            list(&self.page.protocols),
            self.origin,
            self.lang,
            if self.kiosk { "yes" } else { "no" }
        ));
        line(format!("Browser: {}", self.browser));
        line(format!("Extension: {}", versions(&self.extension)));
        line(format!("Card bridge: {}", versions(&self.bridge)));
        match &self.readers {
            Ok(readers) if readers.is_empty() => line("Readers: none".into()),
            Ok(readers) => {
                line("Readers:".into());
                for reader in readers {
                    line(format!(
                        "  - {}: {}, {}",
                        reader.name,
                        if reader.card_present { "card present" } else { "no card" },
                        if reader.pinpad { "PIN pad" } else { "no PIN pad" }
                    ));
                }
            }
            Err(why) => line(format!("Readers: not available: {why}")),
        }
        match &self.card {
            None => line("Card: not read (no reader holds a card)".into()),
            Some(Ok(card)) => line(format!(
                "Card: applet {}, keys {}, in {}",
                card.applet,
                card.key_algorithm.name(),
                card.reader
            )),
            Some(Err(why)) => line(format!("Card: not read: {why}")),
        }
        line("eHealth certificate service:".into());
        for (environment, answer) in &self.services {
            line(match answer {
                Ok(types) => format!("  - {environment}: answers ({types} organisation types)"),
                Err(why) => format!("  - {environment}: no answer: {why}"),
            });
        }
        if self.shown_errors.is_empty() {
            line("Errors shown by this page: none".into());
        } else {
            line("Errors shown by this page (latest last):".into());
            for shown in &self.shown_errors {
                line(format!("  - {} {}", shown.at, shown.code));
            }
        }
        match &self.failed_operations {
            Ok(operations) if operations.is_empty() => {
                line("Failed operations kept by the extension: none".into());
            }
            Ok(operations) => {
                line("Failed operations kept by the extension (latest last):".into());
                for operation in operations {
                    let mut head = format!(
                        "  - {} {}: {}",
                        operation.at,
                        operation.action,
                        operation.code.as_str()
                    );
                    if let Some(version) = &operation.bridge_version {
                        let _ = write!(head, " (card bridge {version})");
                    }
                    line(head);
                    for event in &operation.bridge_events {
                        line(format!("      {event}"));
                    }
                }
            }
            Err(why) => {
                line(format!("Failed operations kept by the extension: not available: {why}"))
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use ehcert_shared::{bridge::Certificates, ErrorCode};

    use super::*;

    fn summary() -> CardSummary {
        CardSummary {
            reader: "Virtual PCD 00 00".into(),
            applet: "1.8".into(),
            key_algorithm: CardKeyAlgorithm::EcdsaP384,
            national_number: "85073003328".into(),
            surname: "Peeters".into(),
            given_names: "Jan Pieter".into(),
            certificates: Certificates {
                authentication: "MIIDqTCCAy6gAwIBAgIQEAAAAAAAAAAAAAAAAAAAAA==".into(),
                signature: Some("MIIDrDCCAzGgAwIBAgIQEAAAAAAAAAAAAAAAAAAAAQ==".into()),
                ca: "MIIDszCCAzigAwIBAgIQEAAAAAAAAAAAAAAAAAAAAg==".into(),
                root: "MIICjTCCAhOgAwIBAgIQEAAAAAAAAAAAAAAAAAAAAw==".into(),
            },
        }
    }

    fn report() -> Report {
        let two = |version: &str| Versions { version: version.into(), protocols: vec![2] };
        Report {
            made_at: "2026-12-07T14:05:40Z".into(),
            page: two("0.2.0"),
            origin: "https://ehcert.example".into(),
            lang: "nl".into(),
            kiosk: false,
            browser: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0".into(),
            extension: Ok(two("0.2.0")),
            bridge: Ok(two("0.1.0")),
            readers: Ok(vec![Reader {
                name: "Virtual PCD 00 00".into(),
                card_present: true,
                pinpad: false,
            }]),
            card: Some(Ok(CardFacts::of(&summary()))),
            services: vec![
                ("acceptance".into(), Ok(12)),
                ("production".into(), Err("network".into())),
            ],
            shown_errors: vec![ShownError {
                at: "2026-12-07T14:03:12Z".into(),
                code: "bridge:user-cancelled".into(),
            }],
            failed_operations: Ok(vec![FailedOperation {
                at: "2026-12-07T14:03:11Z".into(),
                action: "card-check".into(),
                code: ErrorCode::UserCancelled,
                bridge_version: Some("0.1.0".into()),
                bridge_events: vec!["+2702 ms #2 error WrongPin: the card refused the PIN".into()],
            }]),
        }
    }

    #[test]
    fn the_report_says_each_part_in_its_line() {
        let text = report().text();
        for expected in [
            "Page: 0.2.0 (protocols 2) at https://ehcert.example, language nl, kiosk: no\n",
            "Extension: 0.2.0 (protocols 2)\n",
            "Card bridge: 0.1.0 (protocols 2)\n",
            "  - Virtual PCD 00 00: card present, no PIN pad\n",
            "Card: applet 1.8, keys ecdsa-p384, in Virtual PCD 00 00\n",
            "  - acceptance: answers (12 organisation types)\n",
            "  - production: no answer: network\n",
            "  - 2026-12-07T14:03:12Z bridge:user-cancelled\n",
            "  - 2026-12-07T14:03:11Z card-check: user-cancelled (card bridge 0.1.0)\n",
            "      +2702 ms #2 error WrongPin: the card refused the PIN\n",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
    }

    #[test]
    fn what_is_missing_is_said_with_its_reason() {
        let mut report = report();
        report.extension = Err("extension-missing".into());
        report.bridge = Err("bridge:bridge-unavailable".into());
        report.readers = Ok(vec![]);
        report.card = None;
        report.failed_operations = Err("bridge:bad-request".into());
        let text = report.text();
        for expected in [
            "Extension: not available: extension-missing\n",
            "Card bridge: not available: bridge:bridge-unavailable\n",
            "Readers: none\n",
            "Card: not read (no reader holds a card)\n",
            "Failed operations kept by the extension: not available: bridge:bad-request\n",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
    }

    #[test]
    fn the_card_holder_stays_out_of_the_report() {
        let text = report().text();
        let card = summary();
        for personal in [
            card.national_number.as_str(),
            "Peeters",
            "Jan",
            &card.certificates.authentication[..24],
            &card.certificates.ca[..24],
        ] {
            assert!(!text.contains(personal), "{personal:?} in\n{text}");
        }
    }
}
