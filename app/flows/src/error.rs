use ehcert_certra::CertraError;
use ehcert_pki::PkiError;

/// Why a flow step failed, below the wording the app gives it.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// eHealth refused, faulted, or answered something unreadable.
    #[error(transparent)]
    Certra(#[from] CertraError),
    /// A key, certificate or keystore problem.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The eID cannot do what the flow needs (no signature certificate, unknown key type).
    #[error("{0}")]
    Card(String),
    /// The keystore is not the one this step needs (not pending, or already complete).
    #[error("{0}")]
    WrongStage(String),
}
