//! Transport types: what crosses the IPC boundary, and nothing else. Every
//! command takes one `args` object (or none) and answers one API type; the
//! TypeScript for all of them is generated (`bindings.ts`, see
//! `tests/it/bindings.rs`), so the UI cannot drift from these shapes.

pub use sealdesk_api::ErrorKind;
use sealdesk_api::{ApiError, Category, CopyFormat, CopyKind, DrawnBox, PiiKind, Role, Secrecy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the UI receives it. The UI matches on `kind` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    /// For `throttled`: how many seconds until the next try is allowed (so
    /// the UI says it in the user's language, not the back end's).
    pub retry_after_secs: Option<i64>,
}

impl From<ApiError> for CommandError {
    fn from(e: ApiError) -> Self {
        let retry_after_secs = match &e {
            ApiError::Throttled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        Self {
            kind: e.kind(),
            message: e.to_string(),
            retry_after_secs,
        }
    }
}

impl CommandError {
    pub(crate) fn not_logged_in() -> Self {
        Self {
            kind: ErrorKind::NotLoggedIn,
            message: "not logged in".into(),
            retry_after_secs: None,
        }
    }

    pub(crate) fn internal(message: &str) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    pub(crate) fn bad_input(message: &str) -> Self {
        Self {
            kind: ErrorKind::BadInput,
            message: message.into(),
            retry_after_secs: None,
        }
    }
}

// ------------------------------------------------------------ arguments

/// A passphrase as it arrives; moved into a zeroizing `Passphrase` at once.
#[derive(Deserialize, TS)]
pub struct LoginArgs {
    pub name: String,
    pub passphrase: String,
}

#[derive(Deserialize, TS)]
pub struct ChangePassphraseArgs {
    pub old: String,
    pub new: String,
}

#[derive(Deserialize, TS)]
pub struct DraftTextArgs {
    pub text: String,
}

/// The register fields and the review of a draft.
#[derive(Deserialize, TS)]
pub struct RegisterDraftArgs {
    pub draft_id: String,
    pub category: Category,
    pub level: String,
    pub secrecy: Secrecy,
    pub subject: String,
    pub sender_agency: Option<String>,
    pub sender: Option<String>,
    pub sender_doc_no: Option<String>,
    /// UTC milliseconds.
    pub received_at: Option<i64>,
    /// 辦理期限, YYYY-MM-DD.
    pub deadline: Option<String>,
    pub parties: Vec<String>,
    /// Values that are not personal data.
    pub drop: Vec<String>,
    /// Missed ones: kind and value as written.
    pub add: Vec<(PiiKind, String)>,
    /// Boxes drawn on the page images over something missed.
    #[serde(default)]
    pub boxes: Vec<DrawnBox>,
    /// Pages read poorly that the clerk reviewed and releases.
    #[serde(default)]
    #[ts(optional)]
    pub release: Option<Vec<u32>>,
    /// Values the clerk marks as another person's (shown to the handler);
    /// absent, the suggestion stands.
    #[ts(optional)]
    pub shown: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, TS)]
pub struct TextUnderArgs {
    pub draft_id: String,
    pub area: DrawnBox,
}

#[derive(Debug, Deserialize, TS)]
pub struct DraftArgs {
    pub draft_id: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct LetterArgs {
    pub letter: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct CopyRequestArgs {
    pub letter: String,
    /// The one recipient's account name.
    pub to: String,
    pub kind: CopyKind,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct RequestArgs {
    pub request: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct RunExportArgs {
    pub request: String,
    pub format: CopyFormat,
    /// A full path that does not exist yet: the PDF file, or the folder
    /// for PNG pages.
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct RouteArgs {
    pub letter: String,
    pub unit: String,
    pub handler: String,
    /// YYYY-MM-DD, Taiwan time; the default period when absent.
    pub until: Option<String>,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct InquireArgs {
    pub letter: String,
    pub units: Vec<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
pub struct AnswerArgs {
    pub inquiry: String,
    pub ours: bool,
}

#[derive(Debug, Deserialize, TS)]
pub struct DecideArgs {
    pub request: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct EndAssignmentArgs {
    pub assignment: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct OpenArgs {
    pub letter: String,
    pub reason: String,
    pub affirm_no_conflict: bool,
}

#[derive(Debug, Deserialize, TS)]
pub struct RevealRequestArgs {
    pub letter: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct EndorseArgs {
    pub request: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct CopyArgs {
    pub letter: String,
    /// How many characters were copied.
    pub chars: u32,
}

#[derive(Debug, Deserialize, TS)]
pub struct ExportArgs {
    /// A folder that does not exist yet, or is empty.
    pub dir: String,
}

#[derive(Deserialize, TS)]
pub struct AddUserArgs {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
    pub passphrase: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct SetDisabledArgs {
    pub name: String,
    pub disabled: bool,
}

#[derive(Deserialize, TS)]
pub struct ResetArgs {
    pub name: String,
    pub passphrase: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct SetRolesArgs {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
pub struct SettingsArgs {
    pub idle_timeout_secs: i64,
    pub max_access_days: i64,
}

// ------------------------------------------------------------ results

/// A ledger export, and the result of verifying it right after.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LedgerExportResult {
    pub dir: String,
    pub entries: u64,
    /// Whether the exported files verify against the export's own signed
    /// checkpoint.
    pub verified: bool,
    pub summary: String,
}

/// `Debug` for arguments that carry a passphrase or a letter's text: the
/// type's name only.
macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { [redacted] }"))
            }
        }
    )*};
}

redacted_debug!(
    LoginArgs,
    ChangePassphraseArgs,
    DraftTextArgs,
    AddUserArgs,
    ResetArgs,
    RegisterDraftArgs
);

/// What the save dialog suggests: a file name, and `pdf` (a file) or
/// `folder` (a folder the app creates: PNG pages, a ledger export).
#[derive(Debug, Deserialize, TS)]
pub struct SaveAsArgs {
    pub suggested_name: String,
    pub kind: String,
}

/// A move in a letter's life, with its reason.
#[derive(Debug, Deserialize, TS)]
pub struct LifeArgs {
    /// Its id or receipt number.
    pub letter: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct DeclassifyArgs {
    pub letter: String,
    pub basis: sealdesk_api::DeclassifyBasis,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct DestroyListArgs {
    pub letter: String,
    /// The destruction list's (銷毀目錄) document number.
    pub list_no: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct DestroyArgs {
    pub letter: String,
    /// The identity compartment too (its own decision).
    pub identity: bool,
    pub reason: String,
}

/// The 政風 report's period and settings; the CSV files' text as read from
/// the files the auditor chose.
#[derive(Debug, Deserialize, TS)]
pub struct AuditReportArgs {
    /// 民國 or Gregorian dates.
    pub from: String,
    pub to: String,
    /// The sample's seed (decimal); drawn when empty.
    pub seed: Option<String>,
    /// `HH:MM-HH:MM`; 08:00-18:00 when empty.
    pub office_hours: Option<String>,
    pub roster_csv: Option<String>,
    pub leave_csv: Option<String>,
    pub holidays_csv: Option<String>,
    /// A folder to write the report's files into (from the folder dialog).
    pub out: Option<String>,
}

/// The report and the files written (the screen draws the report's charts
/// from its counts, as the HTML file does).
#[derive(Debug, Serialize, TS)]
pub struct AuditReportView {
    pub report: sealdesk_api::AuditReport,
    pub files: Vec<String>,
}
