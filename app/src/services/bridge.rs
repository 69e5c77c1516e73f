//! The page's side of the extension protocol (`ehcert_shared::page`): ping until the content
//! script acks, then numbered requests whose replies are matched by id.
//!
//! Only messages from this very window and this page's origin are read (a frame or another
//! window cannot answer for the extension), and requests are posted to our own origin only.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use ehcert_shared::{
    bridge::{CardInfo, Failure, ReadCard, Reader},
    compat,
    page::{
        read_to_page, Ack, Action, CardCheckRequest, CardSummary, ExtensionMessage, PageMessage,
        PageOutcome, PageRequest, ReadIdentityRequest, SignRequest, Status, ToExtension,
        MAX_PAGE_MESSAGE,
    },
    ErrorCode,
};
use js_sys::{Function, Promise};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Window};

use crate::{error::AppError, services::clock::timer};

/// How long the content script has to ack a ping before we say the extension is missing
/// (web-eid uses the same order of magnitude; extension/NATIVE-MESSAGING.md §11).
const ACK_TIMEOUT_MS: i32 = 1_000;
/// Interval between pings while waiting for the ack.
const PING_INTERVAL_MS: i32 = 50;
/// How long a status request may take: the extension's own handshake timeout (5 s) plus margin.
const STATUS_TIMEOUT_MS: i32 = 8_000;
/// Reading the card: the extension's handshake (5 s) and card (30 s) timeouts plus margin.
const CARD_TIMEOUT_MS: i32 = 40_000;
/// A signature or a consent waits for a person in the extension's window. The extension ends every step with its own
/// named timeout (2 minutes per PIN attempt), so this one only fires if the extension vanished.
const PERSON_TIMEOUT_MS: i32 = 10 * 60 * 1_000;

/// The page's one client of the extension: the root makes it and provides it; every screen below
/// takes that one from context (its JS handles are not `Send`: it lives in local storage).
pub fn use_bridge() -> leptos::prelude::StoredValue<BridgeClient, leptos::prelude::LocalStorage> {
    use leptos::prelude::{provide_context, use_context, StoredValue};
    if let Some(bridge) = use_context() {
        return bridge;
    }
    let bridge = StoredValue::new_local(BridgeClient::new());
    provide_context(bridge);
    bridge
}

/// Handle to the extension, shared through context ([`use_bridge`]).
#[derive(Clone)]
pub struct BridgeClient {
    inner: Rc<Inner>,
}

struct Inner {
    ack: RefCell<Option<Ack>>,
    /// Resolvers of the promises that requests wait on, by request id.
    waiting: RefCell<HashMap<u32, Function>>,
    /// Outcomes that arrived, by request id, until their requester takes them.
    arrived: RefCell<HashMap<u32, PageOutcome>>,
    /// The window's `message` listener, removed when the client goes (a listener left behind
    /// would call a dropped closure, which throws, on every later message to the window).
    listener: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let (Some(listener), Some(window)) = (&self.listener, web_sys::window()) {
            let _ = window
                .remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        }
    }
}

impl BridgeClient {
    /// Starts listening for the extension's messages on this window.
    pub fn new() -> Self {
        Self {
            inner: Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
                let weak = weak.clone();
                let listener =
                    Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                        if let Some(inner) = weak.upgrade() {
                            inner.on_message(&event);
                        }
                    });
                let attached = web_sys::window().is_some_and(|window| {
                    window
                        .add_event_listener_with_callback(
                            "message",
                            listener.as_ref().unchecked_ref(),
                        )
                        .is_ok()
                });
                Inner {
                    ack: RefCell::new(None),
                    waiting: RefCell::default(),
                    arrived: RefCell::default(),
                    listener: attached.then_some(listener),
                }
            }),
        }
    }

    /// Versions of the extension and the bridge; starts the bridge if it is not running.
    pub async fn status(&self) -> Result<Status, AppError> {
        match self.request(Action::Status, STATUS_TIMEOUT_MS, "starting the card bridge").await? {
            PageOutcome::Status(status) => Ok(status),
            other => Err(unexpected(other)),
        }
    }

    /// The protocols the extension said it speaks, once it has answered.
    pub fn extension_protocols(&self) -> Option<Vec<u32>> {
        self.inner.ack.borrow().as_ref().map(Ack::served)
    }

    /// The extension's part of the support report, as lines.
    pub async fn support_report(&self) -> Result<Vec<String>, AppError> {
        match self.request(Action::SupportReport, CARD_TIMEOUT_MS, "asking the extension").await? {
            PageOutcome::SupportReport(lines) => Ok(lines),
            other => Err(unexpected(other)),
        }
    }

    /// The readers and whether each holds a card.
    pub async fn list_readers(&self) -> Result<Vec<Reader>, AppError> {
        match self.request(Action::ListReaders, CARD_TIMEOUT_MS, "listing the card readers").await?
        {
            PageOutcome::Readers(readers) => Ok(readers),
            other => Err(unexpected(other)),
        }
    }

    /// Reads what the flows need of the eID in `reader` (or the first reader with a card); no
    /// PIN, no consent step.
    pub async fn read_card(&self, reader: Option<String>) -> Result<CardSummary, AppError> {
        let action = Action::ReadCard(ReadCard { reader });
        match self.request(action, CARD_TIMEOUT_MS, "reading the eID card").await? {
            PageOutcome::Card(card) => Ok(*card),
            other => Err(unexpected(other)),
        }
    }

    /// Reads everything the eID says about its holder, after the person agreed in the
    /// extension's window.
    pub async fn read_identity(&self, request: ReadIdentityRequest) -> Result<CardInfo, AppError> {
        let action = Action::ReadIdentity(request);
        match self
            .request(action, PERSON_TIMEOUT_MS, "reading the identity on the eID card")
            .await?
        {
            PageOutcome::Identity(card) => Ok(*card),
            other => Err(unexpected(other)),
        }
    }

    /// Has an eHealth request signed by the card. The card bridge checks it and the extension's
    /// PIN window shows what it does and asks the person for the PIN; the signature comes back,
    /// base64-decoded.
    pub async fn sign(&self, request: SignRequest) -> Result<Vec<u8>, AppError> {
        match self
            .request(Action::Sign(request), PERSON_TIMEOUT_MS, "signing with the eID card")
            .await?
        {
            PageOutcome::Signature(signature) => {
                use base64::{engine::general_purpose::STANDARD, Engine as _};
                STANDARD.decode(signature).map_err(|err| {
                    AppError::Bridge(Failure {
                        code: ErrorCode::BadRequest,
                        detail: format!("the signature is not base64: {err}"),
                        tries_left: None,
                    })
                })
            }
            other => Err(unexpected(other)),
        }
    }

    /// The card check: the authentication key signs a challenge the extension makes for this
    /// page's origin. Returns the challenge and the signature, base64-decoded.
    pub async fn card_check(
        &self,
        request: CardCheckRequest,
    ) -> Result<(Vec<u8>, Vec<u8>), AppError> {
        use base64::{engine::general_purpose::STANDARD, Engine as _};
        match self
            .request(Action::CardCheck(request), PERSON_TIMEOUT_MS, "checking the eID card")
            .await?
        {
            PageOutcome::CardCheck(result) => {
                let decode = |text: &str| {
                    STANDARD.decode(text).map_err(|err| {
                        AppError::Bridge(Failure {
                            code: ErrorCode::BadRequest,
                            detail: format!("the card check's answer is not base64: {err}"),
                            tries_left: None,
                        })
                    })
                };
                Ok((decode(&result.challenge)?, decode(&result.signature)?))
            }
            other => Err(unexpected(other)),
        }
    }

    async fn request(
        &self,
        action: Action,
        timeout_ms: i32,
        step: &'static str,
    ) -> Result<PageOutcome, AppError> {
        self.ensure_extension().await?;
        let id = next_request_id();
        let reply = Promise::new(&mut |resolve, _reject| {
            self.inner.waiting.borrow_mut().insert(id, resolve);
        });
        let request = PageRequest { id, action };
        // Measured as the content script, the worker and the bridge measure it, so the page
        // says so itself rather than send what the extension would refuse.
        let size = request.size();
        if size > MAX_PAGE_MESSAGE {
            return Err(AppError::Bridge(Failure {
                code: ErrorCode::BadRequest,
                detail: format!("{size} > {MAX_PAGE_MESSAGE} bytes"),
                tries_left: None,
            }));
        }
        post(&PageMessage::Request(request))?;
        let deadline = timer(timeout_ms);
        let _ = JsFuture::from(Promise::race(&js_sys::Array::of2(&reply, &deadline))).await;
        self.inner.waiting.borrow_mut().remove(&id);
        self.inner.arrived.borrow_mut().remove(&id).ok_or(AppError::Timeout(step))
    }

    /// Pings until the content script acks, for at most [`ACK_TIMEOUT_MS`]; then the extension
    /// must speak a protocol this page speaks (ARCHITECTURE.md, "Releases that live together").
    async fn ensure_extension(&self) -> Result<(), AppError> {
        let mut waited = 0;
        while self.inner.ack.borrow().is_none() {
            if waited >= ACK_TIMEOUT_MS {
                return Err(AppError::ExtensionMissing);
            }
            post(&PageMessage::Ping)?;
            let _ = JsFuture::from(timer(PING_INTERVAL_MS)).await;
            waited += PING_INTERVAL_MS;
        }
        let served = self.inner.ack.borrow().as_ref().map(Ack::served);
        match served.map(|served| compat::choose_protocol(compat::PROTOCOLS, &served)) {
            Some(Err(outdated)) => Err(AppError::ExtensionProtocol(outdated)),
            _ => Ok(()),
        }
    }
}

impl Default for BridgeClient {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    fn on_message(&self, event: &MessageEvent) {
        let Some(window) = web_sys::window() else { return };
        let from_this_window =
            event.source().is_some_and(|source| js_sys::Object::is(&source, &window));
        if !from_this_window || Some(event.origin()) != own_origin(&window) {
            return;
        }
        // Our own requests arrive here too; they are not `ToPage` and are dropped by the parse.
        let Some(message) = js_sys::JSON::stringify(&event.data())
            .ok()
            .and_then(|text| text.as_string())
            .and_then(|text| read_to_page(&text).ok())
        else {
            return;
        };
        match message.message {
            ExtensionMessage::Ack(ack) => *self.ack.borrow_mut() = Some(ack),
            ExtensionMessage::Reply(reply) => {
                let Some(resolve) = self.waiting.borrow_mut().remove(&reply.id) else { return };
                self.arrived.borrow_mut().insert(reply.id, reply.outcome);
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    }
}

thread_local! {
    /// Request ids are unique in the page, not per client: every client hears every reply on
    /// the window, and takes only those of the ids it is waiting for.
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

fn next_request_id() -> u32 {
    NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1));
        id
    })
}

/// A failure the extension reported, or an answer of the wrong kind (a bug somewhere).
fn unexpected(outcome: PageOutcome) -> AppError {
    match outcome {
        PageOutcome::Error(failure) => AppError::Bridge(failure),
        other => AppError::Bridge(Failure {
            code: ErrorCode::Internal,
            detail: format!("unexpected answer {other:?}"),
            tries_left: None,
        }),
    }
}

fn own_origin(window: &Window) -> Option<String> {
    window.location().origin().ok()
}

fn post(message: &PageMessage) -> Result<(), AppError> {
    let window = web_sys::window().ok_or_else(|| AppError::Browser("no window".into()))?;
    let origin = own_origin(&window).ok_or_else(|| AppError::Browser("no origin".into()))?;
    let text = serde_json::to_string(&ToExtension { message: message.clone() })
        .map_err(|err| AppError::Browser(err.to_string()))?;
    let value = js_sys::JSON::parse(&text).map_err(|_| AppError::Browser("JSON.parse".into()))?;
    window
        .post_message(&value, &origin)
        .map_err(|_| AppError::Browser("postMessage was refused".into()))
}
