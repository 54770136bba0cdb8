//! Need-to-know routing, enforced by keys.
//!
//! * An **inquiry** asks a unit's supervisors "is this yours?" with a routing
//!   slip (receipt number, 密等, code-name subject, category, deadline and a
//!   masked summary), sealed under a key of its own that only that unit's
//!   supervisors (and the asking clerk, and the recovery key) hold. Each unit
//!   gets its own inquiry: no addressee sees the others.
//! * A **request** routes a letter to a handler. The clerk, who holds the
//!   letter key, wraps it to the proposed handler (the inner layer) and wraps
//!   that again to each supervisor of the unit (the outer layer). Approving
//!   strips the outer layer and stores the inner one as the handler's wrap —
//!   the supervisor never holds the letter key; denying destroys the layers.
//!   Two people must act before anyone new can read.
//! * An **assignment** is time-boxed: when it lapses or is revoked the
//!   handler's wrap is deleted. Every call sweeps lapsed assignments first,
//!   so access ends without anyone acting.
//! * An **identity reveal** works the same way with the identity key: the
//!   handler asks, the clerk who holds the identity endorses (prepares the
//!   two-layer grant), the supervisor approves, for 7 days by default.

mod assignments;
mod inquiries;
mod requests;
mod reveal;

use sealdesk_core::crypto::{self};
use sealdesk_core::date;
use sealdesk_core::directory::UserCert;
use sealdesk_core::facts::{Ended, InquiryAnswer, RequestKind, RequestStatus};
use sealdesk_core::pii::Finding;
use sealdesk_store::AssignmentRow;
use serde::{Deserialize, Serialize};

use crate::{ApiError, Result};

/// Default and longest access, in days.
pub const DEFAULT_ACCESS_DAYS: i64 = 30;
pub const MAX_ACCESS_DAYS: i64 = 90;
/// Default identity-reveal window, in days.
pub const DEFAULT_REVEAL_DAYS: i64 = 7;
const DAY_MS: i64 = 86_400_000;

const SLIP_PURPOSE: &str = "slip";
const GRANT_PURPOSE: &str = "grant";
const REQUEST_PURPOSE: &str = "request";
const GRANT_LABEL: &[u8] = b"sealdesk.grant.v1\0";
const ASSIGNMENT_LABEL: &[u8] = b"sealdesk.assignment.v1\0";

pub(crate) fn length_prefixed(label: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = label.to_vec();
    for part in parts {
        m.extend_from_slice(&(part.len() as u32).to_be_bytes());
        m.extend_from_slice(part);
    }
    m
}

/// What the approving supervisor signs: who may use which key, for what,
/// from when until when. `active_assignment` checks it on every use, so an
/// end date (or handler, or key) edited in the file is refused.
fn assignment_message(a: &AssignmentRow) -> Vec<u8> {
    length_prefixed(
        ASSIGNMENT_LABEL,
        &[
            a.id.as_bytes(),
            a.kind.as_bytes(),
            a.letter_id.as_bytes(),
            a.key_id.as_bytes(),
            a.handler.as_bytes(),
            a.unit.as_bytes(),
            a.request_id.as_bytes(),
            &a.starts_at.to_be_bytes(),
            &a.until.to_be_bytes(),
        ],
    )
}

/// The stored purpose of an inquiry's slip key (also its wrap binding, so
/// that the recovery check opens it like any other key).
fn slip_purpose(inquiry: &str) -> String {
    format!("{SLIP_PURPOSE}:{inquiry}")
}

fn request_purpose(request: &str) -> String {
    format!("{REQUEST_PURPOSE}:{request}")
}

/// What a request's sealed record holds: the requester's reason and the
/// decider's, readable by those the request concerns (and, through the
/// ledger, by auditors).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct RequestRecord {
    pub reason: String,
    pub decision: Option<String>,
    /// The routing slip the deciding supervisor sees (none in requests
    /// made before slips travelled with them, nor in reveal requests).
    #[serde(default)]
    pub slip: Option<RoutingSlip>,
}

/// What the clerk signs when preparing a grant: the approving supervisor
/// checks that the inner wrap was made to the handler's certified key.
fn grant_message(
    request_id: &str,
    handler: &UserCert,
    (key_id, purpose): (&str, &str),
    until: i64,
    inner: &[u8],
) -> Vec<u8> {
    length_prefixed(
        GRANT_LABEL,
        &[
            request_id.as_bytes(),
            handler.id.as_bytes(),
            &handler.encryption_key,
            key_id.as_bytes(),
            purpose.as_bytes(),
            &until.to_be_bytes(),
            &crypto::sha256(inner),
        ],
    )
}

/// What a unit's supervisor sees of a letter before it is theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoutingSlip {
    pub receipt_no: String,
    pub level: String,
    pub subject: String,
    pub category: String,
    /// The letter's 辦理期限, from its register.
    pub deadline: Option<String>,
    /// For an inquiry: the date the clerk asks the unit to answer by
    /// (回復期限), which is not the letter's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reply_by: Option<String>,
    /// The start of the working copy, with every finding masked; for
    /// procurement letters also every number (no counts, no reserve price).
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InquiryInfo {
    pub id: String,
    pub receipt_no: String,
    pub unit: String,
    pub asked_at: i64,
    pub answer: Option<InquiryAnswer>,
    pub slip: Option<RoutingSlip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestInfo {
    pub id: String,
    pub kind: RequestKind,
    pub letter_id: String,
    pub receipt_no: String,
    pub level: String,
    pub unit: String,
    pub handler: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub until: i64,
    /// The requester's reason (empty for a caller who may not read it).
    pub reason: String,
    pub status: RequestStatus,
    /// The routing slip, for a caller who holds the request's key.
    pub slip: Option<RoutingSlip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssignmentInfo {
    pub id: String,
    pub kind: RequestKind,
    pub letter_id: String,
    pub receipt_no: String,
    pub level: String,
    pub unit: String,
    /// The handler's account name.
    pub handler: String,
    pub until: i64,
    pub active: bool,
    pub ended: Option<Ended>,
    pub affirmed: bool,
    /// 主旨 (its 代號) and 辦理期限, for the handler whose key opens the
    /// letter's register (absent for others, and once access has ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub deadline: Option<String>,
    /// Something the person who acted should know (a revoke whose key wrap
    /// waits for another desk's read to end before it is wiped from disk).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub notice: Option<String>,
}

/// The identity compartment as an approved handler sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IdentityView {
    pub receipt_no: String,
    pub findings: Vec<Finding>,
    pub sender: Option<String>,
    pub email_from: Option<String>,
}

fn parse_until(now: i64, until: Option<&str>, default_days: i64, max_days: i64) -> Result<i64> {
    let Some(d) = until else {
        return Ok(now + default_days.min(max_days) * DAY_MS);
    };
    let date = date::parse_date(d).map_err(|e| ApiError::BadInput(e.to_string()))?;
    let end = date::end_of_day_in_taiwan(date);
    if end <= now {
        return Err(ApiError::BadInput("the end date is in the past".into()));
    }
    if end > now + max_days * DAY_MS {
        return Err(ApiError::BadInput(format!(
            "access is limited to {max_days} days"
        )));
    }
    Ok(end)
}

/// Every digit of a procurement letter's summary starred (no counts, no
/// reserve price), except the indices of the working copy's labels
/// (〔公司1〕), which name no one and say which party is which.
fn procurement_summary(s: &str) -> String {
    let mut in_label = false;
    s.chars()
        .map(|c| {
            match c {
                '〔' => in_label = true,
                '〕' => in_label = false,
                _ => {}
            }
            if !in_label && (c.is_ascii_digit() || ('０'..='９').contains(&c)) {
                '＊'
            } else {
                c
            }
        })
        .collect()
}
