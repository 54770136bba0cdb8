//! A command's failure: its stable kind and exit code (the contract's
//! exit statuses come from here).

use sealdesk_api::{ApiError, ErrorKind};

/// A failure with its stable kind and exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) code: u8,
    /// A report still printed on stdout (a verifier's findings).
    pub(crate) report: Option<(serde_json::Value, String)>,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        let kind = e.kind();
        Failure {
            kind,
            message: e.to_string(),
            code: kind.exit_code(),
            report: None,
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        kind: ErrorKind::Usage,
        message: message.into(),
        code: ErrorKind::Usage.exit_code(),
        report: None,
    }
}

pub(crate) fn bad_file(message: impl Into<String>) -> Failure {
    Failure {
        kind: ErrorKind::BadFile,
        message: message.into(),
        code: ErrorKind::BadFile.exit_code(),
        report: None,
    }
}

pub(crate) type CliResult = Result<(serde_json::Value, String), Failure>;
