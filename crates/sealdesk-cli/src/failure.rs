//! A command's failure: its stable kind and exit code (the contract's
//! exit statuses come from here).

use sealdesk_api::ApiError;

/// A failure with its stable kind and exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) code: u8,
    /// A report still printed on stdout (a verifier's findings).
    pub(crate) report: Option<(serde_json::Value, String)>,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        let kind = e.kind();
        let code = match kind {
            "bad_credentials"
            | "throttled"
            | "user_disabled"
            | "locked"
            | "denied"
            | "separation_of_duties"
            | "bad_recovery_code"
            | "affirmation_required" => 2,
            "integrity" | "schema_too_new" | "ledger_unavailable" => 3,
            "bad_file" => 4,
            _ => 1,
        };
        Failure {
            kind,
            message: e.to_string(),
            code,
            report: None,
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        kind: "usage",
        message: message.into(),
        code: 1,
        report: None,
    }
}

pub(crate) fn bad_file(message: impl Into<String>) -> Failure {
    Failure {
        kind: "bad_file",
        message: message.into(),
        code: 4,
        report: None,
    }
}

pub(crate) type CliResult = Result<(serde_json::Value, String), Failure>;
