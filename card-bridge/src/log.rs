//! What the bridge did, for support. Lines say what was asked and how it ended, never a PIN, a
//! digest, a name or a national number.
//!
//! Two copies of each line. The bridge keeps the last [`RECENT_EVENTS`] in memory and hands them
//! over when asked (`Command::RecentEvents`): the extension asks after an operation that failed and
//! keeps them for the page's support report, so a person needs no command line and no setting. And
//! when a person or a helpdesk sets `CARD_BRIDGE_LOG` to a file path before starting the browser,
//! the bridge appends them there too. Nothing else is written anywhere: stdout belongs to the
//! browser's frames and stderr ends up in the browser's own log (extension/NATIVE-MESSAGING.md §4).

use std::{
    collections::VecDeque,
    fs::OpenOptions,
    io::Write,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use ehcert_shared::bridge::{Command, Outcome, PinEntry, SignedContent, SignedOperation};

/// The environment variable that names the log file.
pub(crate) const LOG_VARIABLE: &str = "CARD_BRIDGE_LOG";

/// How many lines the bridge keeps in memory: an operation takes a handful (hello, each
/// command and its end), so this holds the whole of any one bridge process's work.
pub(crate) const RECENT_EVENTS: usize = 64;

pub(crate) struct Log {
    file: Option<Box<dyn Write>>,
    recent: VecDeque<String>,
    started: Instant,
}

impl Log {
    /// Lines kept in memory only.
    pub(crate) fn off() -> Self {
        Self::with_file(None)
    }

    fn with_file(file: Option<Box<dyn Write>>) -> Self {
        Self { file, recent: VecDeque::with_capacity(RECENT_EVENTS), started: Instant::now() }
    }

    /// The file `CARD_BRIDGE_LOG` names, appended to; no log if unset or if it cannot be opened
    /// (a log must never stop the bridge).
    pub(crate) fn from_environment() -> Self {
        let Some(path) = std::env::var_os(LOG_VARIABLE).filter(|path| !path.is_empty()) else {
            return Self::off();
        };
        Self::with_file(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
                .map(|file| Box::new(file) as Box<dyn Write>),
        )
    }

    #[cfg(test)]
    pub(crate) fn to(writer: impl Write + 'static) -> Self {
        Self::with_file(Some(Box::new(writer)))
    }

    pub(crate) fn line(&mut self, text: std::fmt::Arguments<'_>) {
        if self.recent.len() == RECENT_EVENTS {
            self.recent.pop_front();
        }
        // Time since the bridge started: what matters for support is how long each step took,
        // and the extension stamps the operation with the time of day.
        self.recent.push_back(format!("+{} ms {text}", self.started.elapsed().as_millis()));
        if let Some(writer) = &mut self.file {
            let seconds = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            // Errors are ignored on purpose: see `from_environment`.
            let _ = writeln!(writer, "{}.{:03} {text}", seconds.as_secs(), seconds.subsec_millis());
            let _ = writer.flush();
        }
    }

    /// The lines kept in memory, oldest first.
    pub(crate) fn recent(&self) -> Vec<String> {
        self.recent.iter().cloned().collect()
    }
}

/// What a request asked for, without its secrets.
pub(crate) fn describe(command: &Command) -> String {
    match command {
        Command::ListReaders => "list-readers".into(),
        Command::RecentEvents => "recent-events".into(),
        Command::ReadCard(request) => format!("read-card reader={:?}", request.reader),
        Command::PinStatus(request) => format!("pin-status reader={:?}", request.reader),
        Command::CardHolder(request) => format!("card-holder reader={:?}", request.reader),
        Command::Preview(request) => format!(
            "preview reader={:?} key={:?} content={}",
            request.reader,
            request.key,
            content(&request.content)
        ),
        Command::Sign(request) => format!(
            "sign reader={:?} key={:?} content={} pin={}",
            request.reader,
            request.key,
            content(&request.content),
            match request.pin {
                PinEntry::Digits(_) => "typed",
                PinEntry::Pinpad => "pinpad",
            }
        ),
    }
}

/// The kind of content only: a payload names people.
fn content(content: &SignedContent) -> &'static str {
    match content {
        SignedContent::EhealthRequest(_) => "ehealth-request",
        SignedContent::CardCheck(_) => "card-check",
    }
}

/// How it ended, without the data.
pub(crate) fn describe_outcome(outcome: &Outcome, took: Duration) -> String {
    let what = match outcome {
        Outcome::Readers(readers) => format!("{} reader(s)", readers.len()),
        Outcome::Card(card) => format!("card applet {}", card.applet),
        Outcome::Signature(_) => "signature".into(),
        Outcome::PinTries(tries) => format!("{tries} PIN tries left"),
        Outcome::Events(lines) => format!("{} line(s)", lines.len()),
        // Not the name: the log holds no personal data.
        Outcome::CardHolder(holder) => format!("card applet {}", holder.applet),
        Outcome::Preview(preview) => format!(
            "preview of {}",
            match preview.operation {
                SignedOperation::CardCheck { .. } => "a card check",
                SignedOperation::ActorQualities => "GetActorQualities",
                SignedOperation::CertificateList => "GetCertificateInfoForCitizen",
                SignedOperation::CertificateRequest(_) => "GenerateCertificate",
                SignedOperation::Revocation(_) => "Revoke",
            }
        ),
        Outcome::Error(failure) => format!("error {:?}: {}", failure.code, failure.detail),
    };
    format!("{what} in {} ms", took.as_millis())
}
