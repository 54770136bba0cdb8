//! The API's errors. Each has a stable [`ErrorKind`] that the UI and scripts
//! match on and the CLI's exit status comes from; messages are for people
//! and may change.

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

/// Every stable error kind: what the UI matches on, what `--json` prints,
/// and what the CLI's exit status comes from. Serialized by these names
/// (scripts and the UI depend on them: add, never rename).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A command line the shell could not parse (the shells only).
    Usage,
    NoVault,
    VaultExists,
    BadCredentials,
    Throttled,
    UserDisabled,
    Locked,
    /// A call that needs a session before one exists (the app only).
    NotLoggedIn,
    Denied,
    SeparationOfDuties,
    Invalid,
    BadInput,
    Exists,
    NotFound,
    AffirmationRequired,
    BadRecoveryCode,
    BadFile,
    WorkerUnavailable,
    Integrity,
    LedgerUnavailable,
    SchemaTooNew,
    Busy,
    Vault,
    /// A fault of the shell itself (the app only).
    Internal,
    /// The vault's server cannot be reached (stopped, network down):
    /// nothing was written; try again when it is back.
    ServerUnreachable,
    /// The vault's server refused this desk: its credentials, the server's
    /// certificate, a privilege, or a store URL that would not verify it.
    ServerRefused,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 26] = [
        ErrorKind::Usage,
        ErrorKind::NoVault,
        ErrorKind::VaultExists,
        ErrorKind::BadCredentials,
        ErrorKind::Throttled,
        ErrorKind::UserDisabled,
        ErrorKind::Locked,
        ErrorKind::NotLoggedIn,
        ErrorKind::Denied,
        ErrorKind::SeparationOfDuties,
        ErrorKind::Invalid,
        ErrorKind::BadInput,
        ErrorKind::Exists,
        ErrorKind::NotFound,
        ErrorKind::AffirmationRequired,
        ErrorKind::BadRecoveryCode,
        ErrorKind::BadFile,
        ErrorKind::WorkerUnavailable,
        ErrorKind::Integrity,
        ErrorKind::LedgerUnavailable,
        ErrorKind::SchemaTooNew,
        ErrorKind::Busy,
        ErrorKind::Vault,
        ErrorKind::Internal,
        ErrorKind::ServerUnreachable,
        ErrorKind::ServerRefused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::NoVault => "no_vault",
            ErrorKind::VaultExists => "vault_exists",
            ErrorKind::BadCredentials => "bad_credentials",
            ErrorKind::Throttled => "throttled",
            ErrorKind::UserDisabled => "user_disabled",
            ErrorKind::Locked => "locked",
            ErrorKind::NotLoggedIn => "not_logged_in",
            ErrorKind::Denied => "denied",
            ErrorKind::SeparationOfDuties => "separation_of_duties",
            ErrorKind::Invalid => "invalid",
            ErrorKind::BadInput => "bad_input",
            ErrorKind::Exists => "exists",
            ErrorKind::NotFound => "not_found",
            ErrorKind::AffirmationRequired => "affirmation_required",
            ErrorKind::BadRecoveryCode => "bad_recovery_code",
            ErrorKind::BadFile => "bad_file",
            ErrorKind::WorkerUnavailable => "worker_unavailable",
            ErrorKind::Integrity => "integrity",
            ErrorKind::LedgerUnavailable => "ledger_unavailable",
            ErrorKind::SchemaTooNew => "schema_too_new",
            ErrorKind::Busy => "busy",
            ErrorKind::Vault => "vault",
            ErrorKind::ServerUnreachable => "server_unreachable",
            ErrorKind::ServerRefused => "server_refused",
            ErrorKind::Internal => "internal",
        }
    }

    /// The CLI's exit status for a failure of this kind: 1 usage or invalid
    /// input, 2 refused (who you are or what you may do), 3 the vault's
    /// integrity or its ledger, 4 a bad input file.
    pub fn exit_code(self) -> u8 {
        use ErrorKind::*;
        match self {
            BadCredentials | Throttled | UserDisabled | Locked | NotLoggedIn | Denied
            | SeparationOfDuties | BadRecoveryCode | AffirmationRequired => 2,
            Integrity | SchemaTooNew | LedgerUnavailable => 3,
            BadFile => 4,
            Usage | NoVault | VaultExists | Invalid | BadInput | Exists | NotFound
            | WorkerUnavailable | Busy | Vault | Internal | ServerUnreachable => 1,
            ServerRefused => 2,
        }
    }

    /// The kind named `name`, if it is one.
    pub fn parse(name: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for ErrorKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl ApiError {
    /// This error's stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            ApiError::BadCredentials => K::BadCredentials,
            ApiError::Throttled { .. } => K::Throttled,
            ApiError::UserDisabled => K::UserDisabled,
            ApiError::Locked => K::Locked,
            ApiError::Denied(_) => K::Denied,
            ApiError::Rule(RuleError::SeparationOfDuties(..)) => K::SeparationOfDuties,
            ApiError::Rule(_) => K::Invalid,
            ApiError::NotFound(_) => K::NotFound,
            ApiError::BadInput(_) => K::BadInput,
            ApiError::BadRecoveryCode => K::BadRecoveryCode,
            ApiError::Integrity(_) => K::Integrity,
            ApiError::LedgerUnavailable(_) => K::LedgerUnavailable,
            ApiError::BadFile(sealdesk_intake::IntakeError::Worker(_)) => K::WorkerUnavailable,
            ApiError::BadFile(_) => K::BadFile,
            ApiError::AffirmationRequired(_) => K::AffirmationRequired,
            ApiError::Store(StoreError::NotAVault(_)) => K::NoVault,
            ApiError::Store(StoreError::AlreadyExists(_)) => K::VaultExists,
            ApiError::Store(StoreError::SchemaTooNew { .. }) => K::SchemaTooNew,
            ApiError::Store(StoreError::Corrupt(_)) => K::Integrity,
            ApiError::Store(StoreError::Busy) => K::Busy,
            ApiError::Store(StoreError::Unreachable(_)) => K::ServerUnreachable,
            ApiError::Store(StoreError::Refused(_)) => K::ServerRefused,
            ApiError::Store(StoreError::BadStoreUrl(_)) => K::BadInput,
            ApiError::Store(StoreError::Duplicate(_)) => K::Exists,
            ApiError::Store(_) => K::Vault,
        }
    }

    /// A decryption that should have worked did not: the stored bytes were
    /// changed, or a key was replaced. Kept opaque on purpose.
    pub(crate) fn from_crypto(what: &str) -> impl FnOnce(CryptoError) -> ApiError + '_ {
        move |e| ApiError::Integrity(format!("{what}: {e}"))
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
