//! The flows' [`Services`] in the browser: CertRA through `fetch`, eID signatures through the
//! extension's PIN window.

use ehcert_certra::{
    dialect::{Dialect, DnEcho, EcSignatureMethod, InProgressListing},
    endpoint::{Environment, Operation},
    request::RequestMeta,
};
use ehcert_flows::{
    eid::EidSignature,
    pending::{Keeping, KeptRequest},
    Services,
};
use ehcert_pki::{cert::UnixTime, key::RsaKeyPair, rules::LocalDateTime};
use ehcert_shared::page::{Lang, SignRequest};

use crate::{
    error::AppError,
    services::{bridge::BridgeClient, certra, clock, files, keeping, webcrypto},
};

/// Services for one flow in one environment.
#[derive(Clone)]
pub struct WebServices {
    /// Where the requests go.
    pub environment: Environment,
    /// The extension.
    pub bridge: BridgeClient,
    /// The page's language, for the PIN window.
    pub lang: Lang,
}

impl WebServices {
    /// Services for the environment called `name` (`Environment::name`: `local`, `acceptance`,
    /// `production`, as the environment pickers give it); `None` for an unknown name.
    pub fn named(name: &str, bridge: BridgeClient, lang: Lang) -> Option<Self> {
        Environment::named(name).map(|environment| Self { environment, bridge, lang })
    }
}

impl Services for WebServices {
    type Error = AppError;

    async fn certra(&self, operation: Operation, envelope: String) -> Result<Vec<u8>, AppError> {
        certra::call(self.environment, operation, &envelope).await
    }

    async fn eid_sign(&self, request: EidSignature) -> Result<Vec<u8>, AppError> {
        // The bytes, never a digest: the card bridge checks them and computes it.
        self.bridge
            .sign(SignRequest {
                reader: Some(request.reader),
                key: request.key,
                signed_info: request.signed_info,
                payload: request.payload,
                lang: self.lang,
            })
            .await
    }

    fn meta(&self) -> RequestMeta {
        certra::new_meta()
    }

    fn dialect(&self) -> Dialect {
        dialect_for(self.environment)
    }
}

impl Keeping for WebServices {
    fn environment(&self) -> Environment {
        self.environment
    }

    fn download(&self, bytes: &[u8], file_name: &str) -> Result<(), AppError> {
        files::download(bytes, file_name)
    }

    async fn place_pending(&self, bytes: &[u8], file_name: &str) -> Result<(), AppError> {
        files::place_pending(bytes, file_name).await
    }

    async fn place_final(&self, bytes: &[u8], file_name: &str) -> Result<bool, AppError> {
        files::place_final(bytes, file_name).await
    }

    fn kept(&self) -> Option<KeptRequest> {
        files::stored_pending()
    }

    fn store(&self, kept: &KeptRequest) -> Result<(), AppError> {
        files::store_pending(kept)
    }

    fn forget(&self) {
        files::forget_pending();
    }

    fn keeps_across_reloads(&self) -> bool {
        // A kiosk keeps the copy in the page's memory (`files::store_pending`).
        !keeping::is_kiosk()
    }

    async fn new_key(&self) -> Result<RsaKeyPair, AppError> {
        webcrypto::generate_rsa_key().await.map(|(key, _)| key)
    }

    async fn pause(&self, wait: std::time::Duration) {
        clock::pause(wait).await;
    }

    fn clock(&self) -> (UnixTime, LocalDateTime) {
        (clock::now(), clock::local_date_time())
    }
}

/// The environment's dialect as the server states it (`ehcert-serve --dialect`, a
/// `<meta name="ehcert-dialect-ENV" content="METHOD ECHO LISTING">`), else the defaults.
fn dialect_for(environment: Environment) -> Dialect {
    let stated = || {
        let document = web_sys::window()?.document()?;
        let selector = format!("meta[name='ehcert-dialect-{}']", environment.name());
        let content = document.query_selector(&selector).ok()??.get_attribute("content")?;
        let mut words = content.split(' ');
        let (method, echo, listing) = (words.next()?, words.next()?, words.next()?);
        Some(Dialect {
            ec_signature: EcSignatureMethod::parse(method)?,
            dn_echo: DnEcho::parse(echo)?,
            in_progress: InProgressListing::parse(listing)?,
        })
    };
    stated().unwrap_or_default()
}
