//! What crosses the API for marked copies.

use serde::{Deserialize, Serialize};

use crate::ledger::Action;
use crate::records::PageImage;
use crate::routing::{AssignmentInfo, RequestInfo};

/// A copy to a file, or to a printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    Export,
    Print,
}

impl std::fmt::Display for CopyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CopyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyKind::Export => "export",
            CopyKind::Print => "print",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Self> {
        match s {
            "export" => Some(CopyKind::Export),
            "print" => Some(CopyKind::Print),
            _ => None,
        }
    }

    /// The request kind its signed fact names.
    pub(super) fn request_kind(self) -> sealdesk_core::facts::RequestKind {
        match self {
            CopyKind::Export => sealdesk_core::facts::RequestKind::Export,
            CopyKind::Print => sealdesk_core::facts::RequestKind::Print,
        }
    }

    pub(super) fn action(self) -> Action {
        match self {
            CopyKind::Export => Action::Export,
            CopyKind::Print => Action::Print,
        }
    }
}

/// What an exported copy is written as. Both are images only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CopyFormat {
    /// One PDF whose pages are the marked page images.
    Pdf,
    /// A folder of PNG files, one a page.
    Png,
}

impl CopyFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyFormat::Pdf => "pdf",
            CopyFormat::Png => "png",
        }
    }
}

/// One row of a letter's copy register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CopyInfo {
    pub id: String,
    pub letter_id: String,
    pub receipt_no: String,
    /// 第N份.
    pub copy_no: u32,
    pub kind: CopyKind,
    /// `pdf`, `png` or `print`.
    pub format: String,
    /// Account names.
    pub recipient: String,
    pub made_by: String,
    pub approved_by: String,
    /// UTC milliseconds.
    pub made_at: i64,
    pub pages: u32,
    /// The code on every page of the copy.
    pub code: String,
    pub request_id: String,
    /// The requester's reason, for a caller who may read it.
    pub reason: Option<String>,
    /// The row is as its maker signed it, and its request as its
    /// supervisor approved it.
    pub verified: bool,
}

/// An export written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportDone {
    pub copy: CopyInfo,
    /// The files written (one PDF, or one PNG a page).
    pub files: Vec<String>,
}

/// A print: the marked pages to hand to the printer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintJob {
    pub copy: CopyInfo,
    pub pages: Vec<PageImage>,
}

/// What `approve` did: a routing request becomes an assignment, a copy
/// request an approved request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Approved {
    Assignment(AssignmentInfo),
    Copy(RequestInfo),
}
