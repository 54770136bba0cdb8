//! The API's errors. Each has a stable `kind` string that the UI and scripts
//! match on; messages are for people and may change.

use sealdesk_core::crypto::CryptoError;
use sealdesk_core::domain::RuleError;
use sealdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("wrong user name or passphrase")]
    BadCredentials,
    #[error("too many wrong passphrases; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    #[error("this account is disabled")]
    UserDisabled,
    #[error("the session is locked; log in again")]
    Locked,
    #[error("not allowed: {0}")]
    Denied(String),
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    BadInput(String),
    #[error("the recovery code does not belong to this vault or is mistyped")]
    BadRecoveryCode,
    #[error("integrity failure: {0}")]
    Integrity(String),
    #[error("{0}")]
    BadFile(sealdesk_intake::IntakeError),
    #[error("before the first open, affirm that you have no relationship with: {}", .0.join("、"))]
    AffirmationRequired(Vec<String>),
    #[error("the ledger cannot be written, so nothing is shown: {0}")]
    LedgerUnavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    /// Every kind [`ApiError::kind`] returns (the shells map each one; the
    /// app's bindings test checks its list against this one).
    pub const KINDS: [&'static str; 21] = [
        "bad_credentials",
        "throttled",
        "user_disabled",
        "locked",
        "denied",
        "separation_of_duties",
        "invalid",
        "not_found",
        "bad_input",
        "bad_recovery_code",
        "integrity",
        "ledger_unavailable",
        "worker_unavailable",
        "bad_file",
        "affirmation_required",
        "no_vault",
        "vault_exists",
        "schema_too_new",
        "busy",
        "exists",
        "vault",
    ];

    /// The stable machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Throttled { .. } => "throttled",
            ApiError::UserDisabled => "user_disabled",
            ApiError::Locked => "locked",
            ApiError::Denied(_) => "denied",
            ApiError::Rule(RuleError::SeparationOfDuties(..)) => "separation_of_duties",
            ApiError::Rule(_) => "invalid",
            ApiError::NotFound(_) => "not_found",
            ApiError::BadInput(_) => "bad_input",
            ApiError::BadRecoveryCode => "bad_recovery_code",
            ApiError::Integrity(_) => "integrity",
            ApiError::LedgerUnavailable(_) => "ledger_unavailable",
            ApiError::BadFile(sealdesk_intake::IntakeError::Worker(_)) => "worker_unavailable",
            ApiError::BadFile(_) => "bad_file",
            ApiError::AffirmationRequired(_) => "affirmation_required",
            ApiError::Store(StoreError::NotAVault(_)) => "no_vault",
            ApiError::Store(StoreError::AlreadyExists(_)) => "vault_exists",
            ApiError::Store(StoreError::SchemaTooNew { .. }) => "schema_too_new",
            ApiError::Store(StoreError::Corrupt(_)) => "integrity",
            ApiError::Store(StoreError::Busy) => "busy",
            ApiError::Store(StoreError::Duplicate(_)) => "exists",
            ApiError::Store(_) => "vault",
        }
    }

    /// A decryption that should have worked did not: the stored bytes were
    /// changed, or a key was replaced. Kept opaque on purpose.
    pub(crate) fn from_crypto(what: &str) -> impl FnOnce(CryptoError) -> ApiError + '_ {
        move |e| ApiError::Integrity(format!("{what}: {e}"))
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
