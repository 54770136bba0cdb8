//! Transport types: what crosses the IPC boundary, and nothing else.

use sealdesk_api::ApiError;
use serde::Serialize;

/// An error as the UI receives it. The UI matches on `kind` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub kind: String,
    pub message: String,
}

impl From<ApiError> for CommandError {
    fn from(e: ApiError) -> Self {
        Self {
            kind: e.kind().to_owned(),
            message: e.to_string(),
        }
    }
}

impl CommandError {
    pub(crate) fn not_logged_in() -> Self {
        Self {
            kind: "not_logged_in".into(),
            message: "not logged in".into(),
        }
    }

    pub(crate) fn internal(message: &str) -> Self {
        Self {
            kind: "internal".into(),
            message: message.into(),
        }
    }
}
