//! What a flow needs from the world around it ([`Services`]), and what it asks the eID card to
//! sign ([`EidSignature`]); a leaf: the flows use it, it uses none of them.

use ehcert_certra::{
    dialect::Dialect,
    endpoint::Operation,
    request::{Request, RequestMeta},
    signature::SignatureAlgorithm,
};
use ehcert_shared::bridge::KeyRole;

use crate::error::FlowError;

/// A signature the card must make: the bytes it is over, never a digest. The card bridge checks
/// them, shows the person what they do, and computes the digest itself
/// (`ehcert_shared::page::SignRequest`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EidSignature {
    /// The reader holding the card that was read.
    pub reader: String,
    /// Authentication or signature key.
    pub key: KeyRole,
    /// The XML signature method chosen (the bridge reads it from `signed_info`; kept here for
    /// services that sign without a bridge, such as the tests' simulated card).
    pub algorithm: SignatureAlgorithm,
    /// The canonical `SignedInfo`.
    pub signed_info: String,
    /// The canonical signed element.
    pub payload: String,
}

/// What a flow needs from the world around it.
#[allow(async_fn_in_trait)] // one implementation per target; the app's are not Send (wasm)
pub trait Services {
    /// The caller's error type; every flow error converts into it.
    type Error: From<FlowError>;
    /// Posts a SOAP envelope for `operation` and returns the answer's bytes, whatever the HTTP
    /// status (faults come with 500).
    async fn certra(&self, operation: Operation, envelope: String) -> Result<Vec<u8>, Self::Error>;
    /// Has the eID card sign a digest (through the extension's PIN window in the app).
    async fn eid_sign(&self, request: EidSignature) -> Result<Vec<u8>, Self::Error>;
    /// `Id` and `IssueInstant` for a new request (fresh randomness, the current time).
    fn meta(&self) -> RequestMeta;
    /// The environment's answers to what no public source settles (`ehcert_certra::dialect`):
    /// the sourced defaults unless the operator configured otherwise.
    fn dialect(&self) -> Dialect {
        Dialect::default()
    }
}

/// An unsigned request sent as it is.
pub(crate) async fn call<S: Services>(services: &S, request: Request) -> Result<Vec<u8>, S::Error> {
    services.certra(request.operation, request.to_soap()).await
}

/// `ds:Signature/@Id`: `xmldsig-` and fresh randomness (the hex of a new request id).
pub(crate) fn signature_id<S: Services>(services: &S) -> String {
    format!("xmldsig-{}", &services.meta().id[1..])
}
