//! The sealed records of a letter and the names they are kept under: the
//! register fields a clerk fills in, the register record and the identity
//! compartment, the data keys' and records' names, 類別, 密等 and 保密期限.
//! The vocabulary every use case that registers, reads, routes or copies a
//! letter shares; it depends on no use case.

use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone};
use sealdesk_core::date;
pub use sealdesk_core::life::Level;
use sealdesk_core::life::{self, Period};
use sealdesk_core::pii::{Finding, PiiKind};
use sealdesk_core::Timestamp;
use sealdesk_intake::EmailHeaders;
use serde::{Deserialize, Serialize};

use crate::{ApiError, Result};

pub(crate) const KEY_LETTER: &str = "letter";
pub(crate) const KEY_IDENTITY: &str = "identity";
/// The original file, its full text and a scan's re-encoded image: only the
/// registering clerk and the recovery key ever hold this key. An approved
/// identity reveal grants [`KEY_IDENTITY`], never this one.
pub(crate) const KEY_ORIGINAL: &str = "original";
pub(crate) const REC_REGISTER: &str = "register";
pub(crate) const REC_WORKING: &str = "working";
/// The text an assigned handler reads: the writer's data masked, other
/// persons and companies named in the letter shown. Letters registered
/// before it have none; their handlers read the working copy.
pub(crate) const REC_HANDLER: &str = "handler";
pub(crate) const REC_ORIGINAL: &str = "original";
pub(crate) const REC_FULLTEXT: &str = "fulltext";
pub(crate) const REC_IDENTITY: &str = "identity";
pub(crate) const REC_SCAN: &str = "scan";
/// A redacted page image, under the letter key: `page-1`, `page-2`, ….
pub(crate) fn rec_page(n: u32) -> String {
    format!("page-{n}")
}
/// A handler's page image, under the letter key: boxed over the writer's
/// data only (see [`REC_HANDLER`]), `handler-page-1`, …. Copies leaving the
/// agency use [`rec_page`], boxed over every finding.
pub(crate) fn rec_handler_page(n: u32) -> String {
    format!("handler-page-{n}")
}

/// Who the letter is addressed to (it decides who may open it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AddresseeType {
    /// The agency: opened by the head or the head's designee.
    #[default]
    Agency,
    /// The head of the agency by name.
    Head,
    /// A named person: only that person opens it.
    Person,
}

/// The 密等 a letter may carry: 一般公務機密 (密) and the three levels of
/// 國家機密 (`Level`'s names, for the UI's choice).
pub const LEVELS: [&str; 4] = ["密", "機密", "極機密", "絕對機密"];

/// The register fields a clerk fills in (密件登記).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterMeta {
    pub category: Category,
    pub secrecy: Secrecy,
    /// 案由; may be a code name.
    pub subject: String,
    /// 密等; 「密」 unless stated.
    pub level: Level,
    /// A sending agency: shown in the register.
    pub sender_agency: Option<String>,
    /// A sending person or company: identity (a legal person's identity is
    /// protected too), so kept only in the sealed identity compartment.
    pub sender: Option<String>,
    /// The sending agency's document number.
    pub sender_doc_no: Option<String>,
    pub addressee: AddresseeType,
    /// Who opened the inner envelope; the clerk unless stated.
    pub opened_by: Option<String>,
    pub seal_intact: bool,
    /// Pages as counted by the clerk; the file's own count when absent.
    pub pages: Option<u32>,
    /// Parties (procurement: the objecting company and any company named).
    pub parties: Vec<String>,
    /// 保存年限, in years.
    pub retention_years: u32,
    /// When the letter arrived (UTC ms); now when absent.
    pub received_at: Option<i64>,
    /// 辦理期限 (YYYY-MM-DD), when the letter has one.
    #[serde(default)]
    pub deadline: Option<String>,
}

impl RegisterMeta {
    /// The one check every registration makes, whatever the source (a file
    /// from the CLI, the app's reviewed draft, typed text): a 密等 with a
    /// 保密期限 after `today` (within a 國家機密 level's cap) or a 解密條件
    /// (`life::check_secrecy`), a subject, and a real 辦理期限 date.
    pub(crate) fn validate(&self, today: NaiveDate) -> Result<()> {
        let period = match &self.secrecy {
            Secrecy::Until(d) => Period::Until(
                date::parse_date(d)
                    .map_err(|e| ApiError::BadInput(format!("保密期限 (secrecy date): {e}")))?,
            ),
            Secrecy::Condition(c) => Period::Condition(c),
        };
        life::check_secrecy(Some(self.level), Some(period), today, today)
            .map_err(|e| ApiError::BadInput(e.to_string()))?;
        if self.subject.trim().is_empty() {
            return Err(ApiError::BadInput(
                "未填主旨（案由）。 The subject (案由) is empty.".into(),
            ));
        }
        if let Some(d) = &self.deadline {
            date::parse_date(d)
                .map_err(|e| ApiError::BadInput(format!("辦理期限 (deadline): {e}")))?;
        }
        Ok(())
    }

    /// The fields as stored: dates in their ISO form, whichever calendar
    /// they were typed in. Checked against Taiwan's `today`.
    pub(crate) fn normalized(&self, today: NaiveDate) -> Result<RegisterMeta> {
        self.validate(today)?;
        let mut meta = self.clone();
        if let Some(d) = &meta.deadline {
            meta.deadline =
                Some(date::normalize(d).map_err(|e| ApiError::BadInput(e.to_string()))?);
        }
        if let Secrecy::Until(d) = &meta.secrecy {
            meta.secrecy =
                Secrecy::Until(date::normalize(d).map_err(|e| ApiError::BadInput(e.to_string()))?);
        }
        Ok(meta)
    }

    /// Sets the 密等 from its name as typed or chosen; an empty or unknown
    /// one is `bad_input` with the sentence a clerk reads.
    pub fn set_level(&mut self, text: &str) -> Result<()> {
        self.level = life::parse_level(text).map_err(|e| ApiError::BadInput(e.to_string()))?;
        Ok(())
    }

    pub fn new(category: Category, secrecy: Secrecy) -> Self {
        Self {
            category,
            secrecy,
            subject: String::new(),
            level: Level::Mi,
            sender_agency: None,
            sender: None,
            sender_doc_no: None,
            addressee: AddresseeType::Agency,
            opened_by: None,
            seal_intact: true,
            pages: None,
            parties: Vec::new(),
            retention_years: 10,
            received_at: None,
            deadline: None,
        }
    }
}

/// The clerk's review of the detected personal data, applied before sealing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    /// Values that are not personal data (a false finding).
    pub drop: Vec<String>,
    /// Missed ones: kind and value as written in the letter.
    pub add: Vec<(PiiKind, String)>,
    /// Boxes the clerk drew on page images over something missed: each is
    /// blacked out as drawn, and the text under it (if any was read there)
    /// becomes a finding of its kind, masked wherever it appears.
    pub boxes: Vec<DrawnBox>,
    /// Pages the clerk reviewed and releases to handlers although OCR read
    /// them poorly or not at all (handwriting, a photo): shown with the
    /// clerk's boxes, its seals and signature blocks boxed; recorded.
    pub release: Vec<u32>,
    /// Whose data is whose: the values the clerk marks as another person's
    /// (the official complained of, a company objected to), shown to an
    /// assigned handler; everything else found is the writer's, sealed in
    /// the identity compartment and masked. `None`: the suggestion
    /// (`pii::suggest_writers`) stands. A value the clerk added or boxed is
    /// always the writer's.
    pub shown: Option<Vec<String>>,
}

/// A box drawn on a page image, in that image's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DrawnBox {
    /// 1-based.
    pub page: u32,
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    pub kind: PiiKind,
}

impl DrawnBox {
    pub(crate) fn area(&self) -> sealdesk_intake::redact::PageBox {
        sealdesk_intake::redact::PageBox {
            page: self.page,
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
    }
}

/// The sealed register record of a letter. Nothing identifying: the
/// sender, when a person, and all findings live in the identity compartment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RegisterRecord {
    pub subject: String,
    pub secrecy: Secrecy,
    #[serde(default)]
    pub sender_agency: Option<String>,
    #[serde(default)]
    pub sender_doc_no: Option<String>,
    #[serde(default)]
    pub addressee: AddresseeType,
    #[serde(default)]
    pub opened_by: Option<String>,
    #[serde(default)]
    pub seal_intact: bool,
    #[serde(default)]
    pub pages: u32,
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub retention_years: u32,
    #[serde(default)]
    pub received_at: i64,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub original_sha256: String,
    #[serde(default)]
    pub has_text_layer: bool,
    #[serde(default)]
    pub notices: Vec<String>,
    /// How many findings of each kind were masked (counts, never values).
    #[serde(default)]
    pub masked: Vec<(String, usize)>,
    /// The redacted page images sealed with the letter (`page-N` records);
    /// a withheld page has none.
    #[serde(default)]
    pub page_images: Vec<u32>,
    /// Parties a handler must affirm no relationship with. They travel with
    /// the letter key to approved handlers, never on a routing slip.
    #[serde(default)]
    pub parties: Vec<String>,
    /// 辦理期限 (YYYY-MM-DD).
    #[serde(default)]
    pub deadline: Option<String>,
    /// The letter has a handler's text (`REC_HANDLER`). Sealed here, under
    /// the letter key, so that a writer of the file who deletes or renames
    /// that record makes opening it fail as `integrity` rather than fall
    /// back to another text. False for letters registered before it.
    #[serde(default)]
    pub handler_text: bool,
    /// The handler's page images (`handler-page-N` records), boxed over the
    /// writer's data only. `None` for letters registered before them, whose
    /// handlers see `page_images`. Sealed here for the reason `handler_text`
    /// is.
    #[serde(default)]
    pub handler_pages: Option<Vec<u32>>,
}

/// The identity compartment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IdentityRecord {
    pub findings: Vec<Finding>,
    pub email: Option<EmailHeaders>,
    pub sender_person: Option<String>,
    pub parties: Vec<String>,
    /// The attachments' names as they came; the register shows them masked.
    #[serde(default)]
    pub attachment_names: Vec<String>,
}

/// A letter's category (the register's 類別).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 陳情
    Petition,
    /// 檢舉
    Whistleblower,
    /// 採購異議
    ProcurementObjection,
    Other,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Petition => "petition",
            Category::Whistleblower => "whistleblower",
            Category::ProcurementObjection => "procurement_objection",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        [
            Category::Petition,
            Category::Whistleblower,
            Category::ProcurementObjection,
            Category::Other,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| {
            ApiError::BadInput(format!(
                "unknown category {s:?} (petition, whistleblower, procurement_objection, other)"
            ))
        })
    }
}

/// 保密期限 (a date) or 解密條件 (a condition): one is always set with the level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Secrecy {
    /// Secret until this date (YYYY-MM-DD).
    Until(String),
    /// Secret until this condition is met.
    Condition(String),
}

impl Secrecy {
    pub fn check(&self) -> Result<()> {
        match self {
            Secrecy::Until(d) => date::parse_date(d)
                .map(|_| ())
                .map_err(|e| ApiError::BadInput(format!("secrecy date (保密期限): {e}"))),
            Secrecy::Condition(c) if c.trim().is_empty() => Err(ApiError::BadInput(
                "declassification condition is empty".into(),
            )),
            Secrecy::Condition(_) => Ok(()),
        }
    }
}

/// One redacted page image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PageImage {
    pub page: u32,
    /// PNG, base64.
    pub png_base64: String,
}

/// The ROC (民國) year of a time, in Taiwan's time zone (UTC+8).
pub(crate) fn roc_year(t: Timestamp) -> i32 {
    let Some(tw) = FixedOffset::east_opt(8 * 3600) else {
        return 0;
    };
    tw.timestamp_millis_opt(t.unix_millis())
        .single()
        .map(|d| d.year() - 1911)
        .unwrap_or(0)
}
