//! What the steps of the new-certificate screen share: what the person gave so far, where they
//! are, and the busy/error/status lines, as one `Copy` handle each step component receives.

use ehcert_certra::{
    request::{CertificateIdentifier, ContactData, Contract},
    response::{ActorQualities, OrganizationType},
};
use ehcert_flows::{
    eid::EidHolder,
    pending::PendingRequest,
    steps::{Kind, Step},
};
use ehcert_pki::p12::Keystore;
use ehcert_shared::page::Lang;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    error::AppError,
    i18n::{strings, Strings},
    services::{bridge::BridgeClient, flow::WebServices},
};

/// What the flow has gathered so far (kept in memory only; the key lives in the pending keystore,
/// downloaded and kept in the browser by `ehcert_flows::pending`).
#[derive(Default)]
pub struct Gathered {
    pub holder: Option<EidHolder>,
    /// Whose certificate: the holder's, the organisation's, or the one being renewed.
    pub certificate: Option<CertificateIdentifier>,
    pub qualities: Option<ActorQualities>,
    pub types: Vec<OrganizationType>,
    pub contact: Option<ContactData>,
    pub contract: Option<Contract>,
    /// The eHealth base services the certificate may use: chosen for an organisation, the
    /// current certificate's on a renewal.
    pub base_services: Vec<String>,
    /// The base services ticked in the organisation form so far.
    pub ticked_services: Vec<String>,
    /// From the password step on: the key, its password, whether its request may have left.
    pub request: Option<PendingRequest>,
}

/// The contact data as the contact step shows them: typed by the person, or the current
/// certificate's on a renewal.
#[derive(Clone, Copy)]
pub struct ContactFields {
    pub email: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub email_general: RwSignal<String>,
    pub phone_general: RwSignal<String>,
}

/// What the last steps made, for the done step.
#[derive(Clone, Copy)]
pub struct Outcome {
    /// The final keystore, for the ETK activation and the renewal reminder.
    pub keystore: StoredValue<Option<Keystore>, LocalStorage>,
    /// Its file as downloaded, for a copy saved elsewhere.
    pub file: StoredValue<Option<(String, Vec<u8>)>, LocalStorage>,
    /// The signed GenerateCertificate as sent: the person's evidence.
    pub signed_envelope: StoredValue<Option<(String, String)>, LocalStorage>,
    /// The identifier of the certificate this one replaces (a renewal), in hex.
    pub replaces: RwSignal<Option<String>>,
    /// The new ETK waits for ActivateETK.
    pub to_be_activated: RwSignal<bool>,
    /// The final keystore replaced the request file where the person saved it.
    pub replaced_pending: RwSignal<bool>,
}

/// The screen's state, handed to every step.
#[derive(Clone, Copy)]
pub struct FlowState {
    pub kind: Kind,
    pub lang: RwSignal<Lang>,
    pub bridge: StoredValue<BridgeClient, LocalStorage>,
    pub gathered: StoredValue<Gathered, LocalStorage>,
    pub step: RwSignal<Step>,
    pub error: RwSignal<Option<AppError>>,
    pub status: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    /// The environment's name as the picker gives it.
    pub environment: RwSignal<String>,
    pub holder_name: RwSignal<String>,
    pub contact: ContactFields,
    /// The DN of the accepted contract, shown in words.
    pub contract_dn: RwSignal<String>,
    /// The pending keystore's file name, then the final one's (the same name).
    pub file_name: RwSignal<String>,
    pub outcome: Outcome,
}

/// One step's work: the step to go to next, or the error to show.
pub type Work = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Step, AppError>>>>;

impl FlowState {
    pub fn new(
        kind: Kind,
        lang: RwSignal<Lang>,
        bridge: StoredValue<BridgeClient, LocalStorage>,
    ) -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            kind,
            lang,
            bridge,
            gathered: StoredValue::new_local(Gathered::default()),
            step: RwSignal::new(Step::ReadCard),
            error: RwSignal::new(None),
            status: RwSignal::new(None),
            busy: RwSignal::new(false),
            environment: RwSignal::new(crate::services::offer::default_name()),
            holder_name: text(),
            contact: ContactFields {
                email: text(),
                phone: text(),
                email_general: text(),
                phone_general: text(),
            },
            contract_dn: text(),
            file_name: text(),
            outcome: Outcome {
                keystore: StoredValue::new_local(None),
                file: StoredValue::new_local(None),
                signed_envelope: StoredValue::new_local(None),
                replaces: RwSignal::new(None),
                to_be_activated: RwSignal::new(false),
                replaced_pending: RwSignal::new(false),
            },
        }
    }

    /// The texts in the person's language (tracked).
    pub fn t(&self) -> &'static Strings {
        strings(self.lang.get())
    }

    /// The texts in the person's language, for work outside the view.
    pub fn t_now(&self) -> &'static Strings {
        strings(self.lang.get_untracked())
    }

    /// The flows' services for the chosen environment; `None` for an unknown name.
    pub fn services(&self) -> Option<WebServices> {
        WebServices::named(
            &self.environment.get_untracked(),
            self.bridge.get_value(),
            self.lang.get_untracked(),
        )
    }

    /// The card's holder, once the card was read.
    pub fn holder(&self) -> Result<EidHolder, AppError> {
        self.gathered.with_value(|gathered| gathered.holder.clone()).ok_or(AppError::CardNotRead)
    }

    /// Runs one step's work with the busy flag, the status line and the error line handled in
    /// one place; its success moves the person to the step it names.
    pub fn run(self, work: Work) {
        self.busy.set(true);
        self.error.set(None);
        spawn_local(async move {
            match work.await {
                Ok(next) => self.step.set(next),
                Err(err) => self.error.set(Some(err)),
            }
            self.status.set(None);
            self.busy.set(false);
        });
    }

    /// Shows `text` on the status line while work runs (such as "type your PIN").
    pub fn say(&self, text: &str) {
        self.status.set(Some(text.to_owned()));
    }
}
