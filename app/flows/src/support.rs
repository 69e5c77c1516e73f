//! The support report: what a helpdesk needs to see why ehcert does not work on a person's
//! computer, as text the person copies from the diagnostics screen and sends.
//!
//! The page writes its own part: its version, origin, language and kiosk mode, the browser, and
//! whether eHealth answers per environment (why not in the words the screen shows), and the
//! errors this tab showed (their titles and eHealth's codes, not their messages). The
//! extension writes the rest (`ehcert_shared::page::Action::SupportReport`): its version, the
//! card bridge's, the readers, the card's applet and key type, and the operations that failed
//! and their codes, with the bridge's own lines, never the card holder. Nothing here takes a value
//! that names a person: versions, counts and the screen's own words only.
//!
//! In English whatever the page's language: it is read by a helpdesk and by the developers, and
//! its lines are searched for.

/// Something the report could not learn, by the code of why.
pub type Missing = String;

/// Everything the report says.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Report {
    /// When it was made: UTC, RFC 3339.
    pub made_at: String,
    /// This page's release, e.g. `0.1.0`.
    pub version: String,
    /// The protocol versions this page speaks.
    pub protocols: Vec<u32>,
    /// The page's origin (the hosted site), e.g. `https://ehcert.example`.
    pub origin: String,
    /// The page's language code.
    pub lang: String,
    /// Whether the page runs as a kiosk.
    pub kiosk: bool,
    /// The browser's own description (`navigator.userAgent`).
    pub browser: String,
    /// The extension's lines, or why there are none.
    pub extension: Result<Vec<String>, Missing>,
    /// Whether eHealth's certificate service answers, per environment: the organisation types
    /// it lists, why not, or `None` while the page is still asking.
    pub services: Vec<(String, Option<Result<usize, Missing>>)>,
    /// The errors this tab showed, oldest first: when, the alert's title in English and
    /// eHealth's codes, never the message.
    pub shown_errors: Vec<String>,
}

impl Report {
    /// The report as text, one fact per line.
    pub fn text(&self) -> String {
        let mut text = format!(
            "ehcert support report\nMade: {}\nPage: {} (protocols",
            self.made_at, self.version
        );
        for (n, protocol) in self.protocols.iter().enumerate() {
            text.push_str(if n == 0 { " " } else { ", " });
            text.push_str(&protocol.to_string());
        }
        text.push_str(&format!(
            ") at {}, language {}, kiosk: {}\nBrowser: {}\n",
            self.origin,
            self.lang,
            if self.kiosk { "yes" } else { "no" },
            self.browser
        ));
        match &self.extension {
            Ok(extension) => {
                for line in extension {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            Err(why) => text.push_str(&format!("Extension: not available: {why}\n")),
        }
        text.push_str("eHealth certificate service:\n");
        for (environment, answer) in &self.services {
            text.push_str(&match answer {
                Some(Ok(types)) => {
                    format!("  - {environment}: answers ({types} organisation types)\n")
                }
                Some(Err(why)) => format!("  - {environment}: no answer: {why}\n"),
                None => format!("  - {environment}: still asking\n"),
            });
        }
        if self.shown_errors.is_empty() {
            text.push_str("Errors this page showed: none\n");
        } else {
            text.push_str("Errors this page showed (oldest first):\n");
            for line in &self.shown_errors {
                text.push_str(&format!("  - {line}\n"));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            made_at: "2026-12-07T14:05:40Z".into(),
            version: "0.2.0".into(),
            protocols: vec![2],
            origin: "https://ehcert.example".into(),
            lang: "nl".into(),
            kiosk: false,
            browser: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0".into(),
            extension: Ok(vec![
                "Extension: 0.2.0 (protocols 2)".into(),
                "Card bridge: 0.1.0 (protocols 2)".into(),
            ]),
            services: vec![
                ("acceptance".into(), Some(Ok(12))),
                ("production".into(), Some(Err("network".into()))),
                ("local".into(), None),
            ],
            shown_errors: vec![
                "2026-12-07T14:03:12Z Problem with your eID card or reader".into(),
                "2026-12-07T14:04:01Z Problem with eHealth’s services ACTIVE_CERTIFICATE_EXISTS"
                    .into(),
            ],
        }
    }

    #[test]
    fn the_report_says_each_part_in_its_line() {
        assert_eq!(
            report().text(),
            "ehcert support report\n\
             Made: 2026-12-07T14:05:40Z\n\
             Page: 0.2.0 (protocols 2) at https://ehcert.example, language nl, kiosk: no\n\
             Browser: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0\n\
             Extension: 0.2.0 (protocols 2)\n\
             Card bridge: 0.1.0 (protocols 2)\n\
             eHealth certificate service:\n  \
             - acceptance: answers (12 organisation types)\n  \
             - production: no answer: network\n  \
             - local: still asking\n\
             Errors this page showed (oldest first):\n  \
             - 2026-12-07T14:03:12Z Problem with your eID card or reader\n  \
             - 2026-12-07T14:04:01Z Problem with eHealth’s services ACTIVE_CERTIFICATE_EXISTS\n"
        );
    }

    #[test]
    fn what_is_missing_is_said_with_its_reason() {
        let mut report = report();
        report.extension = Err("the ehcert browser extension was not found.".into());
        report.shown_errors.clear();
        let text = report.text();
        for expected in [
            "Extension: not available: the ehcert browser extension was not found.\n",
            "Errors this page showed: none\n",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
    }
}
