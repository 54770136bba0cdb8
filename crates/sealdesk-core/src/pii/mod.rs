//! Finds personal data in the text of a letter, so that a working copy with
//! it masked ([`mask`]) can go where the letter itself must not: a routing
//! slip, a summary, the redacted copy a handler works from. A
//! whistleblower's identity must stay with the designated officer, and a
//! letter's text is where it leaks from.
//!
//! What it finds: national IDs and resident certificate numbers and company
//! tax IDs (checksums verified, so a document number shaped like an ID is
//! not reported), phone numbers, e-mail addresses, Taiwanese postal
//! addresses, people's names and company names. Text extracted from PDFs is
//! expected: spaces inside addresses and phone numbers, and phone numbers
//! broken over lines after a cue such as 聯絡電話.
//!
//! It is a set of rules, not a language model, and its limits are known:
//! - People are found only through cues (本人, 陳情人:, 代表人, 稅務員, a
//!   敬上 closing, 我是…, an e-mail From: header) and then at every other
//!   occurrence of the same name. A name that never stands next to a cue is
//!   missed, and a cue followed by an ordinary word starting with a surname
//!   character can yield a false name.
//! - A name is a common Taiwanese surname plus one or two characters: rarer
//!   surnames are missed, and names in Latin letters are taken only from
//!   From: headers.
//! - A company name is read backwards from its suffix (有限公司, 工程行, …)
//!   to punctuation or a connective such as 與 or 和, so a name that itself
//!   contains one (和泰汽車) is cut short.
//! - An address needs a city or county and a 號; one without them, or
//!   written in another order or language, is missed.
//! - The input must already be decoded text: MIME encoded words, HTML and
//!   full-width Latin letters are not undone here.
//!
//! Everything here is a pure function of its input, costs a small constant
//! per character whatever the input, and does not panic.

mod accounts;
mod address;
mod email;
mod ids;
mod mask;
mod organization;
mod person;
mod phone;
mod text;
mod whose;

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use ids::{is_valid_company_tax_id, is_valid_national_id};
pub use mask::{label_name, mask};
pub use text::normalize as normalize_char;
pub use whose::suggest_writers;

use text::Text;

/// A kind of personal data. The string forms are a stable contract (JSON,
/// the UI's translations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 身分證統一編號 or 統一證號 (resident certificate number).
    NationalId,
    /// 統一編號 of a company.
    CompanyTaxId,
    Phone,
    Email,
    /// A postal address.
    Address,
    /// A person's name.
    Person,
    /// A company's name.
    Organization,
    /// A bank or post-office account number (帳號).
    BankAccount,
    /// A passport number.
    Passport,
    /// A LINE ID.
    LineId,
    /// A date of birth.
    BirthDate,
}

impl PiiKind {
    pub const ALL: [PiiKind; 11] = [
        PiiKind::NationalId,
        PiiKind::CompanyTaxId,
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::Address,
        PiiKind::Person,
        PiiKind::Organization,
        PiiKind::BankAccount,
        PiiKind::Passport,
        PiiKind::LineId,
        PiiKind::BirthDate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::NationalId => "national_id",
            PiiKind::CompanyTaxId => "company_tax_id",
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::Address => "address",
            PiiKind::Person => "person",
            PiiKind::Organization => "organization",
            PiiKind::BankAccount => "bank_account",
            PiiKind::Passport => "passport",
            PiiKind::LineId => "line_id",
            PiiKind::BirthDate => "birth_date",
        }
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of personal data found in a text.
///
/// Its `Debug` form shows the value: a finding is personal data itself, to
/// be kept wherever the letter is kept and never logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub kind: PiiKind,
    /// The normalized value: IDs in uppercase, phones as digits with the
    /// leading 0, e-mail in lowercase, addresses without spaces.
    pub value: String,
    /// Byte span in the text searched, always on char boundaries.
    pub start: usize,
    pub end: usize,
    /// How sure the rule that found it is, from 0 to 1: a checksum or a cue
    /// counts for more than shape alone.
    pub confidence: f32,
}

/// Finds the personal data in `text`, sorted by start and with each
/// (kind, value, span) reported once.
///
/// The text is read twice: as it is, and with the line breaks inside words
/// dropped ([`Text::joined`]), which finds what PDF extraction wrapped (an
/// e-mail, a company name or a tax ID split over two lines). From the second
/// reading only what spans a dropped break is kept, and every other
/// occurrence of those values.
pub fn detect(text: &str) -> Vec<Finding> {
    let t = Text::new(text);
    let mut found = run_all(&t);
    let joined = Text::joined(text);
    if joined.len() < t.len() {
        let wrapped: Vec<Finding> = run_all(&joined)
            .into_iter()
            .filter(|f| is_wrapped_find(text, f, &found))
            .collect();
        let values: BTreeSet<(PiiKind, String)> = wrapped
            .iter()
            .map(|f| (f.kind, f.value.clone()))
            .take(MAX_WRAPPED_VALUES)
            .collect();
        for (kind, value) in values {
            for (at, _) in text.match_indices(value.as_str()) {
                found.push(Finding {
                    kind,
                    value: value.clone(),
                    start: at,
                    end: at + value.len(),
                    confidence: 0.8,
                });
            }
        }
        // A plain finding inside a wrapped one was its second half.
        found.retain(|p| {
            !wrapped.iter().any(|w| {
                w.kind == p.kind
                    && w.start <= p.start
                    && p.end <= w.end
                    && w.end - w.start > p.end - p.start
            })
        });
        found.extend(wrapped);
    }
    settle(found)
}

/// How many distinct wrapped values are searched for again; each costs one
/// pass over the text.
const MAX_WRAPPED_VALUES: usize = 16;

/// Whether a finding of the joined reading is one the plain reading could
/// not make: it spans a dropped line break, it does not merely carry a
/// finding of the same kind read plainly on into the next line (an e-mail
/// at a line's end with the next line's first word), and where the break
/// joins two digits a cue stood before it (two numbers on consecutive lines
/// are otherwise as likely as one number wrapped).
fn is_wrapped_find(text: &str, f: &Finding, plain: &[Finding]) -> bool {
    let Some(span) = text.get(f.start..f.end) else {
        return false;
    };
    let Some(cut) = span.find(['\n', '\r']) else {
        return false;
    };
    let extends = plain.iter().any(|p| p.kind == f.kind && p.start == f.start);
    let before = span[..cut].chars().next_back();
    let after = span[cut..].trim_start_matches(['\n', '\r']).chars().next();
    let digits_joined = before.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && after.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let in_email_domain = f.kind == PiiKind::Email && span[..cut].contains('@');
    !extends && !in_email_domain && (!digits_joined || f.confidence >= 0.95)
}

fn run_all(t: &Text) -> Vec<Finding> {
    let mut found = Vec::new();
    ids::find_national_ids(t, &mut found);
    ids::find_company_tax_ids(t, &mut found);
    phone::find(t, &mut found);
    email::find(t, &mut found);
    address::find(t, &mut found);
    organization::find(t, &mut found);
    person::find(t, &mut found);
    accounts::find(t, &mut found);
    found
}

/// Drops tax IDs that are really part of a phone number, then sorts and
/// removes duplicates, keeping the highest confidence of each.
fn settle(mut found: Vec<Finding>) -> Vec<Finding> {
    // Phones are found left to right and never overlap each other, so the
    // only phone that can overlap a span is the last one starting before its
    // end.
    let phones: Vec<(usize, usize)> = found
        .iter()
        .filter(|f| f.kind == PiiKind::Phone)
        .map(|f| (f.start, f.end))
        .collect();
    found.retain(|f| {
        if f.kind != PiiKind::CompanyTaxId {
            return true;
        }
        let before_end = phones.partition_point(|&(start, _)| start < f.end);
        before_end
            .checked_sub(1)
            .and_then(|n| phones.get(n))
            .is_none_or(|&(_, end)| end <= f.start)
    });

    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(a.end.cmp(&b.end))
            .then(a.kind.as_str().cmp(b.kind.as_str()))
            .then(a.value.cmp(&b.value))
            .then(
                b.confidence
                    .partial_cmp(&a.confidence)
                    .unwrap_or(Ordering::Equal),
            )
    });
    // Sorted with the most confident first, so the first of each run of
    // duplicates is the one to keep.
    found.dedup_by(|later, kept| {
        later.kind == kept.kind
            && later.value == kept.value
            && later.start == kept.start
            && later.end == kept.end
    });
    found
}
