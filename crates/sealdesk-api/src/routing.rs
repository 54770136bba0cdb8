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

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sealdesk_core::crypto::{self, DataKey, RecordBinding, WrapBinding};
use sealdesk_core::directory::UserCert;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{
    AssignmentFacts, EndKind, Fact, InquiryFacts, RequestFacts, RequestKind, RequestStatus,
};
use sealdesk_core::pii::Finding;
use sealdesk_store::{AssignmentRow, DataKeyRow, InquiryRow, RequestRow, WrapRow};
use serde::{Deserialize, Serialize};

use crate::directory::user_signing_key;
use crate::intake::{
    IdentityRecord, RegisterRecord, KEY_IDENTITY, KEY_LETTER, REC_IDENTITY, REC_REGISTER,
    REC_WORKING,
};
use crate::ledger::{Action, Event};
use crate::session::Actor;
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

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
    pub deadline: Option<String>,
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
    pub answer: Option<String>,
    pub slip: Option<RoutingSlip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestInfo {
    pub id: String,
    pub kind: String,
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
    pub status: String,
    /// The routing slip, for a caller who holds the request's key.
    pub slip: Option<RoutingSlip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssignmentInfo {
    pub id: String,
    pub kind: String,
    pub letter_id: String,
    pub receipt_no: String,
    pub level: String,
    pub unit: String,
    /// The handler's account name.
    pub handler: String,
    pub until: i64,
    pub active: bool,
    pub ended: Option<String>,
    pub affirmed: bool,
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
    let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| ApiError::BadInput(format!("{d:?} is not YYYY-MM-DD")))?;
    // The end of that day in Taiwan (UTC+8).
    let end = date
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
        .unwrap_or(0);
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

impl Vault {
    /// Deletes the wraps of assignments whose time is up. Runs at the start
    /// of every call, so expiry needs no one to act.
    ///
    /// Which assignments are over is the signed facts' to say (lapsed by
    /// their signed end, or revoked or declined), never a row's: a handler
    /// who edits his assignment's row to dodge the sweep still loses the key
    /// (T1, T10), and a key put back after a revoke is removed again and
    /// recorded. One query per handler with an assignment over; each
    /// assignment is looked at once per process.
    pub(crate) fn sweep_lapsed(&mut self) -> Result<()> {
        let now = self.now().unix_millis();
        let facts = self.facts()?;
        let over: Vec<(String, AssignmentFacts, bool)> = facts
            .assignments()
            .filter(|(_, f)| !f.live(now))
            .map(|(id, f)| {
                // Another live assignment of the same kind still needs the key.
                let still_held = facts
                    .live_assignment(&f.handler, &f.letter, f.kind, now)
                    .is_some();
                (id.clone(), f.clone(), still_held)
            })
            .collect();
        let over: Vec<_> = over
            .into_iter()
            .filter(|(id, _, _)| !self.swept.contains(id))
            .collect();
        if over.is_empty() {
            return Ok(());
        }
        let mut held: HashMap<String, HashSet<String>> = HashMap::new();
        for (_, f, _) in &over {
            if !held.contains_key(&f.handler) {
                let keys = self.store.read(|db| db.keys_wrapped_to(&f.handler))?;
                held.insert(f.handler.clone(), keys.into_iter().collect());
            }
        }
        let mut removed = false;
        let mut restored = None;
        for (id, f, still_held) in over {
            let key = if still_held {
                None
            } else {
                self.assignment_key(&id, &f)?
            };
            if let Some(key) = key.filter(|k| held.get(&f.handler).is_some_and(|h| h.contains(k))) {
                self.remove_lapsed_key(&id, &f, &key, now)?;
                removed = true;
                // A revoke or decline deletes the wrap with the signed end,
                // in one write: one still there was put back by hand.
                if f.ended.is_some() {
                    restored.get_or_insert(id.clone());
                }
            }
            self.swept.insert(id);
        }
        if removed {
            self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        }
        if let Some(id) = restored {
            return Err(ApiError::Integrity(format!(
                "the key wrap of ended assignment {id} was put back in the file; it was removed again"
            )));
        }
        Ok(())
    }

    /// The key an assignment gave: the key id its supervisor signed, or
    /// (its row gone or edited) the letter's key of its kind.
    fn assignment_key(&mut self, id: &str, f: &AssignmentFacts) -> Result<Option<String>> {
        if let Some(row) = self.store.read(|db| db.assignment(id))? {
            if let Ok(a) = self.checked_assignment(row, f) {
                return Ok(Some(a.key_id));
            }
        }
        let purpose = if f.kind == RequestKind::Reveal {
            KEY_IDENTITY
        } else {
            KEY_LETTER
        };
        Ok(self
            .store
            .read(|db| db.data_key_of(&f.letter, purpose))?
            .map(|k| k.id))
    }

    fn remove_lapsed_key(
        &mut self,
        id: &str,
        f: &AssignmentFacts,
        key: &str,
        now: i64,
    ) -> Result<()> {
        let handler = self
            .directory()?
            .user(&f.handler)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let detail = match f.ended {
            None => format!(
                "{} assignment of {handler} expired; key removed",
                f.kind.as_str()
            ),
            Some((how, _)) => format!(
                "{} assignment of {handler} was {}, but its key was in the file again; removed",
                f.kind.as_str(),
                how.as_str()
            ),
        };
        let mut ev = Event::new(None, Action::RouteDecision).detail(detail);
        ev.letter_id = Some(f.letter.clone());
        ev.assignment = Some(id.to_owned());
        let how = f.ended.map_or("expired", |(how, _)| how.as_str());
        self.commit_recorded(|db, ap| {
            db.delete_wrap(key, &f.handler)?;
            db.end_assignment(id, now, how)?;
            ap.event(db, &ev)
        })?;
        Ok(())
    }

    /// Whether the signed facts say `user` holds a letter's key now: its
    /// registering clerk, or a handler with a live access assignment. Such a
    /// holder whose wrap is missing or does not open finds an altered file
    /// (`integrity`), not a refusal.
    pub(crate) fn holds_by_facts(&mut self, user: &str, letter_id: &str) -> Result<bool> {
        self.holds_key_by_facts(user, letter_id, KEY_LETTER)
    }

    /// [`Vault::holds_by_facts`] for a key of `purpose`: the letter key as
    /// there; the identity key for the registering clerk and a handler with
    /// a live reveal.
    pub(crate) fn holds_key_by_facts(
        &mut self,
        user: &str,
        letter_id: &str,
        purpose: &str,
    ) -> Result<bool> {
        let kind = match purpose {
            KEY_LETTER => RequestKind::Access,
            KEY_IDENTITY => RequestKind::Reveal,
            _ => return Ok(false),
        };
        let now = self.now().unix_millis();
        let facts = self.facts()?;
        Ok(facts
            .letter(letter_id)
            .is_some_and(|l| l.registered_by == user)
            || facts.live_assignment(user, letter_id, kind, now).is_some())
    }

    pub(crate) fn letter_key_for(
        &mut self,
        actor: &Actor,
        own: &crypto::UserSecretKey,
        letter_id: &str,
        purpose: &str,
    ) -> Result<(String, DataKey)> {
        let should = self.holds_key_by_facts(&actor.id, letter_id, purpose)?;
        let missing = |what: String| {
            if should {
                ApiError::Integrity(format!(
                    "{what}, though the signed facts say you hold it: the file was altered"
                ))
            } else {
                ApiError::Denied(what)
            }
        };
        let (key_row, wrapped) = self.store.read(|db| {
            let k = db.data_key_of(letter_id, purpose)?;
            let w = match &k {
                Some(k) => db.wrap_for(&k.id, &actor.id)?,
                None => None,
            };
            Ok((k, w))
        })?;
        let key_row = match key_row {
            Some(k) => k,
            None if should => {
                return Err(missing(format!(
                    "the {purpose} key of letter {letter_id} is gone"
                )))
            }
            None => {
                return Err(ApiError::NotFound(format!(
                    "{purpose} key of letter {letter_id}"
                )))
            }
        };
        let wrapped = wrapped
            .ok_or_else(|| missing(format!("you do not hold this letter's {purpose} key")))?;
        let dk = crypto::unwrap_data_key(
            own,
            &WrapBinding {
                record_id: &key_row.id,
                purpose,
            },
            &wrapped,
        )
        .map_err(ApiError::from_crypto("a letter key"))?;
        Ok((key_row.id, dk))
    }

    pub(crate) fn open_record_under(
        &self,
        key: &DataKey,
        key_id: &str,
        purpose: &str,
    ) -> Result<sealdesk_core::secret::Plaintext> {
        let rec = self
            .store
            .read(|db| db.record_of(key_id, purpose))?
            .ok_or_else(|| ApiError::Integrity(format!("{purpose} record missing")))?;
        crypto::open_record(
            key,
            &RecordBinding {
                record_id: &rec.id,
                purpose,
            },
            &rec.sealed,
        )
        .map_err(ApiError::from_crypto("a sealed record"))
    }

    /// A letter's row, checked against what its registering clerk signed:
    /// the 密等 printed on marks, the category that masks figures, the
    /// receipt number and the clerk who holds its register rights come only
    /// from a signed fact (T10). A row without one, or that differs, is
    /// `integrity`.
    pub(crate) fn letter_row(&mut self, letter: &str) -> Result<sealdesk_store::LetterRow> {
        let row = self
            .store
            .read(|db| db.letter(letter))?
            .ok_or_else(|| ApiError::NotFound(format!("letter {letter}")))?;
        self.check_letter(row)
    }

    pub(crate) fn check_letter(
        &mut self,
        row: sealdesk_store::LetterRow,
    ) -> Result<sealdesk_store::LetterRow> {
        match self.facts()?.letter(&row.id) {
            Some(f)
                if f.receipt_no == row.receipt_no
                    && f.level == row.level
                    && f.category == row.category
                    && f.registered_by == row.registered_by =>
            {
                Ok(row)
            }
            Some(_) => Err(ApiError::Integrity(format!(
                "letter {} is not as its clerk registered it (its 密等, category, receipt number or registering clerk was edited in the file)",
                row.receipt_no
            ))),
            None => Err(ApiError::Integrity(format!(
                "letter {} has no registration signed by a clerk: it was added to the file by hand, or registered by a Sealdesk older than signed facts (such a vault must be migrated; see ARCHITECTURE.md)",
                row.receipt_no
            ))),
        }
    }

    /// What the signed facts say of a request, checked against its row: a
    /// request written into the file by hand, or whose kind, letter, unit,
    /// handler, requester or period was edited, is `integrity`. Its status
    /// is the facts', never the row's.
    /// A request's row, checked against the signed facts before any of its
    /// columns is used. `None` when neither the file nor the facts know it;
    /// a row the facts do not back, or a signed request whose row is gone,
    /// is `integrity`.
    pub(crate) fn checked_request_row(
        &mut self,
        id: &str,
    ) -> Result<Option<(RequestRow, RequestFacts)>> {
        let row = self.store.read(|db| db.request(id))?;
        match row {
            Some(r) => {
                let f = self.checked_request(&r)?;
                Ok(Some((r, f)))
            }
            None if self.facts()?.request_facts(id).is_some() => Err(ApiError::Integrity(format!(
                "request {id} was made and signed, but its row is gone from the file"
            ))),
            None => Ok(None),
        }
    }

    pub(crate) fn checked_request(&mut self, r: &RequestRow) -> Result<RequestFacts> {
        let f = self.facts()?.request_facts(&r.id).cloned().ok_or_else(|| {
            ApiError::Integrity(format!(
                "request {} was not made by anyone entitled to make it (written into the file by hand?)",
                r.id
            ))
        })?;
        let same = f.kind.as_str() == r.kind
            && f.letter == r.letter_id
            && f.unit == r.unit
            && f.handler == r.handler
            && f.requested_by == r.requested_by
            && f.requested_at == r.requested_at
            && f.until == r.until
            && f.decided_by == r.decided_by
            && f.decided_at == r.decided_at;
        if !same {
            return Err(ApiError::Integrity(format!(
                "request {} is not as its requester signed it (edited in the file)",
                r.id
            )));
        }
        Ok(f)
    }

    pub(crate) fn event_for(
        &self,
        role: Role,
        action: Action,
        letter: &sealdesk_store::LetterRow,
    ) -> Event {
        let mut ev = Event::new(Some(role), action);
        ev.letter_id = Some(letter.id.clone());
        ev.receipt_no = Some(letter.receipt_no.clone());
        ev.level = Some(letter.level.clone());
        ev
    }

    /// Seals a request's record under a fresh key wrapped to each of
    /// `readers` (their certified keys) and to the recovery key. Returns
    /// the key row, its wraps and the sealed record.
    pub(crate) fn seal_request_record(
        &mut self,
        request_id: &str,
        letter_id: &str,
        readers: &[UserCert],
        record: &RequestRecord,
    ) -> Result<(DataKeyRow, Vec<WrapRow>, Vec<u8>)> {
        let key = DataKey::make(&mut self.rng);
        let key_id = self.make_id();
        let purpose = request_purpose(request_id);
        let binding = WrapBinding {
            record_id: &key_id,
            purpose: &purpose,
        };
        let recovery = self.recovery_public_key()?;
        let mut wraps = vec![WrapRow {
            key_id: key_id.clone(),
            recipient: RECOVERY_RECIPIENT.into(),
            wrapped: crypto::wrap_data_key(&recovery, &binding, &key, &mut self.rng),
        }];
        for r in readers {
            if wraps.iter().any(|w| w.recipient == r.id) {
                continue;
            }
            wraps.push(WrapRow {
                key_id: key_id.clone(),
                recipient: r.id.clone(),
                wrapped: crypto::wrap_data_key(
                    &r.encryption_public_key(),
                    &binding,
                    &key,
                    &mut self.rng,
                ),
            });
        }
        let json = serde_json::to_vec(record).map_err(|e| ApiError::BadInput(e.to_string()))?;
        let sealed = crypto::seal_record(
            &key,
            &RecordBinding {
                record_id: request_id,
                purpose: REQUEST_PURPOSE,
            },
            &json,
            &mut self.rng,
        );
        Ok((
            DataKeyRow {
                id: key_id,
                letter_id: letter_id.to_owned(),
                purpose,
            },
            wraps,
            sealed,
        ))
    }

    /// Opens a request's record with the caller's key, if they hold one.
    pub(crate) fn open_request_record(
        &self,
        r: &RequestRow,
        user_id: &str,
        own: &crypto::UserSecretKey,
    ) -> Result<Option<(DataKey, RequestRecord)>> {
        let Some(dk) = self.held_key(&r.letter_id, &request_purpose(&r.id), user_id, own)? else {
            return Ok(None);
        };
        let pt = crypto::open_record(
            &dk,
            &RecordBinding {
                record_id: &r.id,
                purpose: REQUEST_PURPOSE,
            },
            &r.sealed,
        )
        .map_err(ApiError::from_crypto("a request record"))?;
        let rec = serde_json::from_slice(pt.expose())
            .map_err(|_| ApiError::Integrity("request record".into()))?;
        Ok(Some((dk, rec)))
    }

    /// Re-seals a request's record with the decision added.
    pub(crate) fn reseal_request(
        &mut self,
        r: &RequestRow,
        own: &crypto::UserSecretKey,
        user_id: &str,
        decision: &str,
    ) -> Result<Vec<u8>> {
        let Some((dk, mut rec)) = self.open_request_record(r, user_id, own)? else {
            return Err(ApiError::Integrity(
                "you hold no key to this request's record".into(),
            ));
        };
        rec.decision = Some(decision.to_owned());
        let json = serde_json::to_vec(&rec).map_err(|e| ApiError::BadInput(e.to_string()))?;
        Ok(crypto::seal_record(
            &dk,
            &RecordBinding {
                record_id: &r.id,
                purpose: REQUEST_PURPOSE,
            },
            &json,
            &mut self.rng,
        ))
    }

    // ------------------------------------------------------------ inquiries

    /// Clerk: asks each unit's supervisors whether a letter is theirs, with a
    /// routing slip only. One inquiry per unit.
    pub fn inquire(
        &mut self,
        session: &mut Session,
        letter: &str,
        units: &[String],
        deadline: Option<&str>,
    ) -> Result<Vec<InquiryInfo>> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Clerk],
            Action::RouteRequest,
            "sending a routing inquiry",
        )?;
        let own = self.session_key_owned(session)?;
        let row = self.letter_row(letter)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &row.id, KEY_LETTER) {
            Ok(k) => k,
            Err(e) => return self.deny(self.event_for(Role::Clerk, Action::RouteRequest, &row), e),
        };
        let slip = self.build_slip(&row, &key_id, &dk, deadline)?;
        let slip_json = serde_json::to_vec(&slip).map_err(|e| ApiError::BadInput(e.to_string()))?;
        let recovery = self.recovery_public_key()?;
        let now = self.now().unix_millis();
        let mut out = Vec::new();
        for unit in units {
            // Only certified, active supervisors: a key put in a row by hand
            // is never wrapped to.
            let sups = self.certified_supervisors(unit, &actor.id)?;
            let id = self.make_id();
            let ik = DataKey::make(&mut self.rng);
            let ik_id = self.make_id();
            let sealed = crypto::seal_record(
                &ik,
                &RecordBinding {
                    record_id: &id,
                    purpose: SLIP_PURPOSE,
                },
                &slip_json,
                &mut self.rng,
            );
            let purpose = slip_purpose(&id);
            let binding = WrapBinding {
                record_id: &ik_id,
                purpose: &purpose,
            };
            let mut wraps = vec![(
                actor.id.clone(),
                crypto::wrap_data_key(&actor.public_key, &binding, &ik, &mut self.rng),
            )];
            wraps.push((
                RECOVERY_RECIPIENT.to_owned(),
                crypto::wrap_data_key(&recovery, &binding, &ik, &mut self.rng),
            ));
            for s in &sups {
                wraps.push((
                    s.id.clone(),
                    crypto::wrap_data_key(&s.encryption_public_key(), &binding, &ik, &mut self.rng),
                ));
            }
            let q = InquiryRow {
                id: id.clone(),
                letter_id: row.id.clone(),
                unit: unit.clone(),
                asked_by: actor.id.clone(),
                asked_at: now,
                answer: None,
                answered_by: None,
                answered_at: None,
            };
            let ev = self
                .event_for(Role::Clerk, Action::RouteRequest, &row)
                .detail(format!("routing inquiry {id} to {unit}"));
            let signed = self.fact(
                &actor.id,
                now,
                Fact::Inquiry {
                    inquiry: id.clone(),
                    letter: row.id.clone(),
                    unit: unit.clone(),
                    readers: sups.iter().map(|c| c.id.clone()).collect(),
                },
            )?;
            self.commit_recorded(|db, ap| {
                ap.fact(db, &signed)?;
                db.insert_data_key(&DataKeyRow {
                    id: ik_id.clone(),
                    letter_id: row.id.clone(),
                    purpose: purpose.clone(),
                })?;
                for (r, w) in &wraps {
                    db.insert_wrap(
                        &WrapRow {
                            key_id: ik_id.clone(),
                            recipient: r.clone(),
                            wrapped: w.clone(),
                        },
                        now,
                    )?;
                }
                db.insert_inquiry(&q, &sealed)?;
                ap.event(db, &ev)
            })?;
            out.push(InquiryInfo {
                id,
                receipt_no: row.receipt_no.clone(),
                unit: unit.clone(),
                asked_at: now,
                answer: None,
                slip: Some(slip.clone()),
            });
        }
        Ok(out)
    }

    /// A letter's register record, opened with its letter key.
    pub(crate) fn open_register(&self, key_id: &str, dk: &DataKey) -> Result<RegisterRecord> {
        serde_json::from_slice(self.open_record_under(dk, key_id, REC_REGISTER)?.expose())
            .map_err(|_| ApiError::Integrity("register record".into()))
    }

    /// The routing slip of a letter, from its register and working copy:
    /// no identity, no parties, and for procurement no figures.
    pub(crate) fn build_slip(
        &self,
        row: &sealdesk_store::LetterRow,
        key_id: &str,
        dk: &DataKey,
        deadline: Option<&str>,
    ) -> Result<RoutingSlip> {
        let register = self.open_register(key_id, dk)?;
        let working = self.open_record_under(dk, key_id, REC_WORKING)?;
        let mut summary: String = working
            .expose_str()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect();
        if row.category == "procurement_objection" {
            summary = procurement_summary(&summary);
        }
        Ok(RoutingSlip {
            receipt_no: row.receipt_no.clone(),
            level: row.level.clone(),
            subject: register.subject.clone(),
            category: row.category.clone(),
            deadline: deadline.map(str::to_owned).or(register.deadline.clone()),
            summary,
        })
    }

    /// The data key of a letter's per-object key (`purpose`, e.g. a slip's
    /// or a request's), if `user_id` holds a wrap of it.
    fn held_key(
        &self,
        letter_id: &str,
        purpose: &str,
        user_id: &str,
        own: &crypto::UserSecretKey,
    ) -> Result<Option<DataKey>> {
        let (k, w) = self.store.read(|db| {
            let k = db.data_key_of(letter_id, purpose)?;
            let w = match &k {
                Some(k) => db.wrap_for(&k.id, user_id)?,
                None => None,
            };
            Ok((k, w))
        })?;
        let (Some(k), Some(w)) = (k, w) else {
            return Ok(None);
        };
        crypto::unwrap_data_key(
            own,
            &WrapBinding {
                record_id: &k.id,
                purpose,
            },
            &w,
        )
        .map(Some)
        .map_err(ApiError::from_crypto(purpose))
    }

    fn open_slip(
        &self,
        q: &InquiryRow,
        user_id: &str,
        own: &crypto::UserSecretKey,
    ) -> Result<Option<RoutingSlip>> {
        let Some(ik) = self.held_key(&q.letter_id, &slip_purpose(&q.id), user_id, own)? else {
            return Ok(None);
        };
        let Some(sealed) = self.store.read(|db| db.inquiry_slip(&q.id))? else {
            return Ok(None);
        };
        let pt = crypto::open_record(
            &ik,
            &RecordBinding {
                record_id: &q.id,
                purpose: SLIP_PURPOSE,
            },
            &sealed,
        )
        .map_err(ApiError::from_crypto("a routing slip"))?;
        Ok(serde_json::from_slice(pt.expose()).ok())
    }

    /// Supervisor: the inquiries to their unit. Clerk: the ones they sent,
    /// with answers. Each addressee sees only their own unit's inquiry.
    pub fn inquiries(&mut self, session: &mut Session) -> Result<Vec<InquiryInfo>> {
        let actor = self.begin(session, true)?;
        let role = self.require_role(
            &actor,
            &[Role::Supervisor, Role::Clerk],
            Action::RouteRequest,
            "reading routing inquiries",
        )?;
        let own = self.session_key_owned(session)?;
        // Which inquiries there are, to whom and what was answered are the
        // signed facts'; each row must say the same.
        let unit = actor.unit.clone().unwrap_or_default();
        let mut ids: Vec<(i64, String)> = self
            .facts()?
            .inquiries()
            .filter(|(_, q)| match role {
                Role::Supervisor => q.unit == unit,
                _ => q.asked_by == actor.id,
            })
            .map(|(id, q)| (q.asked_at, id.clone()))
            .collect();
        ids.sort();
        let mut out = Vec::new();
        for (_, id) in ids {
            let (q, f) = self.checked_inquiry(&id)?;
            let letter = self.letter_row(&f.letter)?;
            let receipt_no = letter.receipt_no.clone();
            let slip = match self.open_slip(&q, &actor.id, &own)? {
                None if f.readers.contains(&actor.id) || f.asked_by == actor.id => {
                    return Err(ApiError::Integrity(format!(
                        "your key to inquiry {id}'s routing slip is gone from the file"
                    )))
                }
                slip => slip,
            };
            if slip.is_some() {
                // Reading a slip is a view, recorded before it is shown.
                let ev = self
                    .event_for(role, Action::View, &letter)
                    .detail(format!("routing slip of inquiry {}", q.id));
                self.record(ev)?;
            }
            out.push(InquiryInfo {
                id: q.id,
                receipt_no,
                unit: f.unit,
                asked_at: f.asked_at,
                answer: f
                    .answer
                    .map(|(ours, _, _)| if ours { "ours" } else { "not_ours" }.to_owned()),
                slip,
            });
        }
        Ok(out)
    }

    /// An inquiry's row, checked against the signed facts.
    pub(crate) fn checked_inquiry(&mut self, id: &str) -> Result<(InquiryRow, InquiryFacts)> {
        let f = self.facts()?.inquiry(id).cloned();
        let row = self.store.read(|db| db.inquiry(id))?;
        match (row, f) {
            (Some(q), Some(f)) => {
                let answered = f.answer.as_ref().map(|(ours, by, at)| {
                    (
                        if *ours { "ours" } else { "not_ours" }.to_owned(),
                        by.clone(),
                        *at,
                    )
                });
                let row_answer = match (&q.answer, &q.answered_by, q.answered_at) {
                    (Some(a), Some(b), Some(t)) => Some((a.clone(), b.clone(), t)),
                    (None, None, None) => None,
                    _ => Some((String::new(), String::new(), 0)),
                };
                if q.letter_id != f.letter
                    || q.unit != f.unit
                    || q.asked_by != f.asked_by
                    || q.asked_at != f.asked_at
                    || row_answer != answered
                {
                    return Err(ApiError::Integrity(format!(
                        "inquiry {id} is not as its clerk sent it and its unit answered it (edited in the file)"
                    )));
                }
                Ok((q, f))
            }
            (None, Some(_)) => Err(ApiError::Integrity(format!(
                "inquiry {id} was sent and signed, but its row is gone from the file"
            ))),
            (Some(_), None) => Err(ApiError::Integrity(format!(
                "inquiry {id} is in the file, but no clerk signed it"
            ))),
            (None, None) => Err(ApiError::NotFound(format!("inquiry {id}"))),
        }
    }

    /// Supervisor: answers an inquiry to their unit.
    pub fn answer_inquiry(
        &mut self,
        session: &mut Session,
        inquiry: &str,
        ours: bool,
    ) -> Result<InquiryInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Supervisor],
            Action::RouteDecision,
            "answering an inquiry",
        )?;
        let (q, f) = self.checked_inquiry(inquiry)?;
        let row = self.letter_row(&f.letter)?;
        if actor.unit.as_deref() != Some(f.unit.as_str()) {
            let ev = self.event_for(Role::Supervisor, Action::RouteDecision, &row);
            return self.deny(
                ev,
                ApiError::Denied("this inquiry is for another unit".into()),
            );
        }
        let answer = if ours { "ours" } else { "not_ours" };
        let now = self.now().unix_millis();
        let own = self.session_key_owned(session)?;
        let ev = self
            .event_for(Role::Supervisor, Action::RouteDecision, &row)
            .detail(format!("inquiry {} answered {answer}", q.id));
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Answer {
                inquiry: q.id.clone(),
                ours,
            },
        )?;
        self.commit_recorded(|db, ap| {
            db.answer_inquiry(&q.id, answer, &actor.id, now)?;
            ap.fact(db, &signed)?;
            ap.event(db, &ev)
        })?;
        let slip = self.open_slip(&q, &actor.id, &own)?;
        if slip.is_some() {
            let ev = self
                .event_for(Role::Supervisor, Action::View, &row)
                .detail(format!("routing slip of inquiry {}", q.id));
            self.record(ev)?;
        }
        Ok(InquiryInfo {
            id: q.id,
            receipt_no: row.receipt_no,
            unit: q.unit,
            asked_at: q.asked_at,
            answer: Some(answer.into()),
            slip,
        })
    }

    // ------------------------------------------------------------ requests

    /// A request as its reader sees it; the reason only for a caller who
    /// holds the request's key.
    pub(crate) fn request_info(
        &mut self,
        r: &RequestRow,
        reader: Option<(&str, &crypto::UserSecretKey)>,
    ) -> Result<RequestInfo> {
        let f = self.checked_request(r)?;
        let status = f.status;
        let l = self.letter_row(&f.letter)?;
        let (reason, slip) = match reader {
            Some((id, own)) => match self.open_request_record(r, id, own)? {
                Some((_, rec)) => (rec.reason, rec.slip),
                // The request's signed readers hold its key: one who finds
                // none finds an altered file.
                None if f.readers.iter().any(|x| x == id) => {
                    return Err(ApiError::Integrity(format!(
                        "your key to request {}'s record is gone from the file",
                        r.id
                    )))
                }
                None => (String::new(), None),
            },
            None => (String::new(), None),
        };
        let dir = self.directory()?;
        let name = |id: &str| -> Result<String> {
            Ok(dir.user(id).map(|u| u.name.clone()).unwrap_or_default())
        };
        Ok(RequestInfo {
            id: r.id.clone(),
            kind: r.kind.clone(),
            letter_id: l.id,
            receipt_no: l.receipt_no,
            level: l.level,
            unit: r.unit.clone(),
            handler: name(&r.handler)?,
            requested_by: name(&r.requested_by)?,
            requested_at: r.requested_at,
            until: r.until,
            reason,
            status: status.as_str().to_owned(),
            slip,
        })
    }

    /// Wraps `dk` to the handler (inner layer), then that to each supervisor
    /// of the unit other than the requester (outer layers).
    ///
    /// Both layers go only to certified keys, and the clerk signs what the
    /// inner layer is (request, handler and their certified key, key id,
    /// purpose, end of access, hash of the wrap): the outer payload is
    /// `clerk id (32 hex) ‖ signature (64) ‖ inner wrap`.
    fn prepare_grant(
        &mut self,
        (request_id, until): (&str, i64),
        (key_id, purpose, dk): (&str, &str, &DataKey),
        handler: &UserCert,
        unit: &str,
        (clerk_id, clerk_key): (&str, &crypto::UserSecretKey),
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let inner = crypto::wrap_data_key(
            &handler.encryption_public_key(),
            &WrapBinding {
                record_id: key_id,
                purpose,
            },
            dk,
            &mut self.rng,
        );
        let sig = user_signing_key(clerk_key).sign(&grant_message(
            request_id,
            handler,
            (key_id, purpose),
            until,
            &inner,
        ));
        let mut payload = clerk_id.as_bytes().to_vec();
        payload.extend_from_slice(&sig);
        payload.extend_from_slice(&inner);
        let sups = self.certified_supervisors(unit, clerk_id)?;
        let mut layers = Vec::new();
        for s in &sups {
            if s.id == handler.id {
                continue;
            }
            let outer = crypto::wrap_to(
                &s.encryption_public_key(),
                &WrapBinding {
                    record_id: request_id,
                    purpose: GRANT_PURPOSE,
                },
                &payload,
                &mut self.rng,
            );
            layers.push((s.id.clone(), outer));
        }
        if layers.is_empty() {
            return Err(ApiError::BadInput(format!(
                "unit {unit} has no supervisor other than the handler"
            )));
        }
        Ok(layers)
    }

    /// Clerk: routes a letter to a handler of a unit, pending that unit's
    /// supervisor's approval.
    pub fn route(
        &mut self,
        session: &mut Session,
        letter: &str,
        unit: &str,
        handler: &str,
        until: Option<&str>,
        reason: &str,
    ) -> Result<RequestInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Clerk],
            Action::RouteRequest,
            "routing a letter",
        )?;
        let row = self.letter_row(letter)?;
        let ev = self.event_for(Role::Clerk, Action::RouteRequest, &row);
        if reason.trim().is_empty() {
            return self.deny(ev, ApiError::BadInput("state why (--reason)".into()));
        }
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &row.id, KEY_LETTER) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let h = self.cert_by_name(handler)?;
        if h.disabled || !h.has_role(Role::Handler) || h.unit.as_deref() != Some(unit) {
            return self.deny(
                ev,
                ApiError::BadInput(format!("{handler} is not an active handler of {unit}")),
            );
        }
        let now = self.now().unix_millis();
        let max_days = self.max_access_days()?;
        let until = parse_until(now, until, DEFAULT_ACCESS_DAYS, max_days)?;
        let id = self.make_id();
        let layers = self.prepare_grant(
            (&id, until),
            (&key_id, KEY_LETTER, &dk),
            &h,
            unit,
            (&actor.id, &own),
        )?;
        let mut readers = self.certified_supervisors(unit, &actor.id)?;
        readers.push(self.cert(&actor.id)?);
        let slip = self.build_slip(&row, &key_id, &dk, None)?;
        let (rk, rwraps, sealed) = self.seal_request_record(
            &id,
            &row.id,
            &readers,
            &RequestRecord {
                reason: reason.into(),
                decision: None,
                slip: Some(slip),
            },
        )?;
        let req = RequestRow {
            id: id.clone(),
            kind: "access".into(),
            letter_id: row.id.clone(),
            unit: unit.into(),
            handler: h.id.clone(),
            requested_by: actor.id.clone(),
            requested_at: now,
            until,
            status: "pending".into(),
            decided_by: None,
            decided_at: None,
            sealed,
        };
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Request {
                request: id.clone(),
                kind: RequestKind::Access,
                letter: row.id.clone(),
                unit: unit.into(),
                handler: h.id.clone(),
                until,
                readers: readers.iter().map(|c| c.id.clone()).collect(),
            },
        )?;
        let mut ev = ev.detail(format!("request {id}: route to {handler} of {unit}"));
        ev.reason = Some(reason.into());
        ev.assignment = Some(id.clone());
        self.commit_recorded(|db, ap| {
            db.insert_request(&req)?;
            ap.fact(db, &signed)?;
            db.insert_data_key(&rk)?;
            for w in &rwraps {
                db.insert_wrap(w, now)?;
            }
            for (s, w) in &layers {
                db.put_grant_layer(&id, s, w)?;
            }
            ap.event(db, &ev)
        })?;
        self.request_info(&req, Some((&actor.id, &own)))
    }

    /// Supervisor: pending requests for their unit. Clerk: their own
    /// requests and the reveals asked on letters they registered, in every
    /// status (awaiting their endorsement, pending, approved, denied).
    pub fn requests(&mut self, session: &mut Session) -> Result<Vec<RequestInfo>> {
        let actor = self.begin(session, true)?;
        let role = self.require_role(
            &actor,
            &[Role::Supervisor, Role::Clerk],
            Action::RouteDecision,
            "listing requests",
        )?;
        let own = self.session_key_owned(session)?;
        // Which requests are listed comes from the signed facts, never a
        // row's status: a status edited in the file neither hides a request
        // from its supervisor's queue nor adds one (T10).
        let facts = self.facts()?;
        let ids: Vec<String> = match role {
            // The unit's requests waiting for a decision.
            Role::Supervisor => {
                let unit = actor.unit.clone().unwrap_or_default();
                facts
                    .requests()
                    .filter(|(_, r)| r.unit == unit && r.status == RequestStatus::Pending)
                    .map(|(id, _)| id.clone())
                    .collect()
            }
            // The clerk follows to the end their own requests and the
            // reveals asked on letters they registered, whatever the status.
            _ => facts
                .requests()
                .filter(|(_, r)| {
                    r.requested_by == actor.id
                        || (r.kind == RequestKind::Reveal
                            && facts
                                .letter(&r.letter)
                                .is_some_and(|l| l.registered_by == actor.id))
                })
                .map(|(id, _)| id.clone())
                .collect(),
        };
        let mut rows = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Some((row, _)) = self.checked_request_row(id)? {
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| (a.requested_at, &a.id).cmp(&(b.requested_at, &b.id)));
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.request_info(&r, Some((&actor.id, &own)))?);
        }
        Ok(out)
    }

    pub(crate) fn pending_request(
        &mut self,
        actor: &Actor,
        request: &str,
        action: Action,
    ) -> Result<(RequestRow, sealdesk_store::LetterRow)> {
        let (r, _) = self
            .checked_request_row(request)?
            .ok_or_else(|| ApiError::NotFound(format!("request {request}")))?;
        let l = self.letter_row(&r.letter_id)?;
        let mut ev = self
            .event_for(Role::Supervisor, action, &l)
            .detail(format!("request {}", r.id));
        ev.assignment = Some(r.id.clone());
        if actor.unit.as_deref() != Some(r.unit.as_str()) {
            return self.deny(
                ev,
                ApiError::Denied("this request is for another unit".into()),
            );
        }
        if r.requested_by == actor.id || r.handler == actor.id {
            return self.deny(
                ev,
                ApiError::Denied("you cannot decide a request you made or that names you".into()),
            );
        }
        let f = self.checked_request(&r)?;
        if f.status != RequestStatus::Pending {
            return self.deny(
                ev,
                ApiError::Denied(format!("the request is {}, not pending", f.status.as_str())),
            );
        }
        // A reveal still rests on the named handler's live access, as the
        // signed facts say at this moment (not as a row says).
        let now = self.now().unix_millis();
        if f.kind == RequestKind::Reveal
            && self
                .facts()?
                .live_assignment(&f.handler, &f.letter, RequestKind::Access, now)
                .is_none()
        {
            return self.deny(
                ev,
                ApiError::Denied("the handler named is no longer assigned this letter".into()),
            );
        }
        Ok((r, l))
    }

    /// Supervisor: approves a pending request. The outer layer is stripped
    /// with the supervisor's key and the inner one becomes the handler's wrap.
    pub fn approve(
        &mut self,
        session: &mut Session,
        request: &str,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Supervisor],
            Action::RouteDecision,
            "approving a request",
        )?;
        let (r, l) = self.pending_request(&actor, request, Action::RouteDecision)?;
        let own = self.session_key_owned(session)?;
        let layer = self.store.read(|db| db.grant_layer(&r.id, &actor.id))?;
        let Some(layer) = layer else {
            // A supervisor the request was sealed to (not its requester or
            // handler) had a layer prepared: none there is an altered file.
            let f = self.checked_request(&r)?;
            let expected = f.readers.contains(&actor.id)
                && f.requested_by != actor.id
                && f.handler != actor.id
                && (f.kind == RequestKind::Access || f.status == RequestStatus::Pending);
            return Err(if expected {
                ApiError::Integrity(
                    "the grant prepared for you on this request is gone from the file".into(),
                )
            } else {
                ApiError::Denied("no grant was prepared for you on this request".into())
            });
        };
        let payload = crypto::unwrap_with(
            &own,
            &WrapBinding {
                record_id: &r.id,
                purpose: GRANT_PURPOSE,
            },
            &layer,
        )
        .map_err(ApiError::from_crypto("a grant"))?;
        let purpose = if r.kind == "reveal" {
            KEY_IDENTITY
        } else {
            KEY_LETTER
        };
        let key = self
            .store
            .read(|db| db.data_key_of(&l.id, purpose))?
            .ok_or_else(|| ApiError::Integrity("letter key missing".into()))?;
        // The grant must be what a certified clerk prepared for the
        // handler's certified key, or nothing is activated.
        let p = payload.expose();
        if p.len() < 32 + 64 {
            return Err(ApiError::Integrity("a grant is malformed".into()));
        }
        let clerk_id = std::str::from_utf8(&p[..32])
            .map_err(|_| ApiError::Integrity("a grant is malformed".into()))?
            .to_owned();
        let clerk = self.cert(&clerk_id)?;
        let handler = self.check_id(&r.handler)?;
        let inner = p[96..].to_vec();
        if clerk.disabled
            || !clerk.has_role(Role::Clerk)
            || handler.disabled
            || crypto::verify_signature(
                &clerk.verifying_key(),
                &grant_message(&r.id, &handler, (&key.id, purpose), r.until, &inner),
                &p[32..96],
            )
            .is_err()
        {
            let ev = self
                .event_for(Role::Supervisor, Action::RouteDecision, &l)
                .detail(format!(
                    "request {}: the grant is not for {}'s certified key",
                    r.id, handler.name
                ));
            return self.deny(
                ev,
                ApiError::Integrity(
                    "the prepared grant was not made by a certified clerk to the handler's certified key".into(),
                ),
            );
        }
        let decision = self.reseal_request(&r, &own, &actor.id, reason)?;
        let now = self.now().unix_millis();
        let a = AssignmentRow {
            id: self.make_id(),
            kind: r.kind.clone(),
            letter_id: l.id.clone(),
            key_id: key.id.clone(),
            handler: r.handler.clone(),
            unit: r.unit.clone(),
            request_id: r.id.clone(),
            starts_at: now,
            until: r.until,
            ended_at: None,
            end_reason: None,
            affirmed_at: None,
            signature: Vec::new(),
        };
        let mut a = a;
        a.signature = user_signing_key(&own)
            .sign(&assignment_message(&a))
            .to_vec();
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Decide {
                request: r.id.clone(),
                approve: true,
                assignment: Some(a.id.clone()),
            },
        )?;
        let action = if r.kind == "reveal" {
            Action::IdentityReveal
        } else {
            Action::RouteDecision
        };
        let mut ev = self
            .event_for(Role::Supervisor, action, &l)
            .detail(format!("approved request {} ({})", r.id, r.kind));
        ev.reason = Some(reason.into());
        ev.assignment = Some(a.id.clone());
        self.commit_recorded(|db, ap| {
            db.insert_wrap(
                &WrapRow {
                    key_id: key.id.clone(),
                    recipient: r.handler.clone(),
                    wrapped: inner.clone(),
                },
                now,
            )?;
            db.insert_assignment(&a)?;
            ap.fact(db, &signed)?;
            db.delete_grant_layers(&r.id)?;
            db.set_request_status(
                &r.id,
                "approved",
                Some(&actor.id),
                Some(now),
                Some(&decision),
            )?;
            ap.event(db, &ev)
        })?;
        self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        self.assignment_info(&a, now)
    }

    /// Supervisor: denies a pending (or not yet endorsed) request; the
    /// prepared grant is destroyed.
    pub fn deny_request(
        &mut self,
        session: &mut Session,
        request: &str,
        reason: &str,
    ) -> Result<RequestInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Supervisor],
            Action::RouteDecision,
            "denying a request",
        )?;
        let (r, l) = self.pending_request(&actor, request, Action::RouteDecision)?;
        let now = self.now().unix_millis();
        let own = self.session_key_owned(session)?;
        let decision = self.reseal_request(&r, &own, &actor.id, reason)?;
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Decide {
                request: r.id.clone(),
                approve: false,
                assignment: None,
            },
        )?;
        let mut ev = self
            .event_for(Role::Supervisor, Action::RouteDecision, &l)
            .detail(format!("denied request {}", r.id));
        ev.reason = Some(reason.into());
        ev.assignment = Some(r.id.clone());
        self.commit_recorded(|db, ap| {
            ap.fact(db, &signed)?;
            db.delete_grant_layers(&r.id)?;
            db.set_request_status(&r.id, "denied", Some(&actor.id), Some(now), Some(&decision))?;
            ap.event(db, &ev)
        })?;
        self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        let r = self
            .store
            .read(|db| db.request(&r.id))?
            .ok_or_else(|| ApiError::NotFound("request".into()))?;
        self.request_info(&r, Some((&actor.id, &own)))
    }

    pub(crate) fn assignment_info(
        &mut self,
        a: &AssignmentRow,
        now: i64,
    ) -> Result<AssignmentInfo> {
        // The row is checked against the signed facts before any of its
        // columns is used; whether it is live, how it ended and whether it
        // was affirmed are the facts', not the row's.
        let f = self.assignment_facts(&a.id)?;
        let a = &self.checked_assignment(a.clone(), &f)?;
        let l = self.letter_row(&f.letter)?;
        let handler = self
            .directory()?
            .user(&f.handler)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        Ok(AssignmentInfo {
            id: a.id.clone(),
            kind: a.kind.clone(),
            letter_id: l.id,
            receipt_no: l.receipt_no,
            level: l.level,
            unit: a.unit.clone(),
            handler,
            until: a.until,
            active: f.live(now),
            // From the signed facts: a row's end columns say nothing.
            ended: f
                .ended
                .map(|(k, _)| k.as_str().to_owned())
                .or_else(|| (f.until <= now).then(|| "expired".to_owned())),
            affirmed: f.affirmed_at.is_some(),
            notice: None,
        })
    }

    /// Supervisor of the unit: ends an assignment now; the handler's wrap is deleted.
    pub fn revoke(
        &mut self,
        session: &mut Session,
        assignment: &str,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Supervisor],
            Action::RouteDecision,
            "revoking access",
        )?;
        let (a, _) = self.assignment_with_facts(assignment)?;
        if actor.unit.as_deref() != Some(a.unit.as_str()) {
            let l = self.letter_row(&a.letter_id)?;
            let ev = self.event_for(Role::Supervisor, Action::RouteDecision, &l);
            return self.deny(
                ev,
                ApiError::Denied("this assignment is in another unit".into()),
            );
        }
        self.end_assignment_now(
            session,
            &actor,
            Role::Supervisor,
            &a,
            EndKind::Revoked,
            reason,
        )
    }

    /// An assignment's checked row and its facts.
    fn assignment_with_facts(&mut self, id: &str) -> Result<(AssignmentRow, AssignmentFacts)> {
        let row = self
            .store
            .read(|db| db.assignment(id))?
            .ok_or_else(|| ApiError::NotFound(format!("assignment {id}")))?;
        let f = self.assignment_facts(id)?;
        Ok((self.checked_assignment(row, &f)?, f))
    }

    fn assignment_facts(&mut self, id: &str) -> Result<AssignmentFacts> {
        self.facts()?.assignment(id).cloned().ok_or_else(|| {
            ApiError::Integrity(format!(
                "assignment {id} was never approved by a supervisor (written into the file by hand?)"
            ))
        })
    }

    /// Ends an assignment: deletes the handler's wrap, records why.
    fn end_assignment_now(
        &mut self,
        session: &Session,
        actor: &Actor,
        role: Role,
        a: &AssignmentRow,
        end: EndKind,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let l = self.letter_row(&a.letter_id)?;
        let now = self.now().unix_millis();
        let _ = session;
        let how = end.as_str();
        let live = self.facts()?.assignment(&a.id).is_some_and(|f| f.live(now));
        if !live {
            let ev = self.event_for(role, Action::RouteDecision, &l);
            return self.deny(
                ev,
                ApiError::Denied(format!("assignment {} is not active", a.id)),
            );
        }
        let signed = self.fact(
            &actor.id,
            now,
            Fact::End {
                assignment: a.id.clone(),
                end,
            },
        )?;
        let mut ev = self
            .event_for(role, Action::RouteDecision, &l)
            .detail(format!("assignment {} {how}", a.id));
        ev.reason = Some(reason.into());
        ev.assignment = Some(a.id.clone());
        self.commit_recorded(|db, ap| {
            db.delete_wrap(&a.key_id, &a.handler)?;
            db.end_assignment(&a.id, now, how)?;
            ap.fact(db, &signed)?;
            ap.event(db, &ev)
        })?;
        // The wrap was zeroed in the database file (secure_delete); empty the
        // WAL too, so no older copy of it stays anywhere in the vault. Another
        // desk's open read holds the WAL: wait a bounded time, then say so;
        // the store empties it at its next write or when it closes.
        let wiped = self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        let mut info = self.assignment_info(a, now)?;
        if !wiped {
            info.notice = Some(format!(
                "the key wrap is gone from the vault's tables; another desk is reading the vault, so its old bytes stay in the write-ahead log until the next checkpoint (this desk runs one at its next write and when it closes; waited {} s)",
                crate::WAL_PURGE_WAIT.as_secs()
            ));
        }
        Ok(info)
    }

    /// Handler: their assignments, active and ended.
    pub fn assignments(&mut self, session: &mut Session) -> Result<Vec<AssignmentInfo>> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Handler],
            Action::View,
            "listing assignments",
        )?;
        let now = self.now().unix_millis();
        // Whose assignments they are is the signed facts' to say; a row
        // moved to this handler, or one of theirs moved away, is found.
        let mut ids: Vec<(i64, String)> = self
            .facts()?
            .assignments()
            .filter(|(_, a)| a.handler == actor.id)
            .map(|(id, a)| (a.starts_at, id.clone()))
            .collect();
        ids.sort();
        let rows = self.store.read(|db| db.assignments_of(&actor.id))?;
        if let Some(extra) = rows.iter().find(|r| !ids.iter().any(|(_, id)| *id == r.id)) {
            return Err(ApiError::Integrity(format!(
                "assignment {} names you in the file, but no signed approval does",
                extra.id
            )));
        }
        let mut out = Vec::with_capacity(ids.len());
        for (_, id) in ids {
            let row = self.store.read(|db| db.assignment(&id))?.ok_or_else(|| {
                ApiError::Integrity(format!(
                    "assignment {id} was approved and signed, but its row is gone from the file"
                ))
            })?;
            out.push(self.assignment_info(&row, now)?);
        }
        Ok(out)
    }

    /// The handler's active assignment of a kind for a letter, if any.
    ///
    /// The assignment must carry the signature of the certified supervisor
    /// who approved its request; one edited in the file (a later end date,
    /// another handler or key) is an integrity failure.
    pub(crate) fn active_assignment(
        &mut self,
        handler_id: &str,
        letter_id: &str,
        kind: &str,
    ) -> Result<Option<AssignmentRow>> {
        let now = self.now().unix_millis();
        // Which assignment is live is the signed facts' to say: an end
        // cleared in the file, an assignment put back after revoke, or one
        // written by hand opens nothing (T10).
        let Some(kind_fact) = RequestKind::parse(kind) else {
            return Ok(None);
        };
        let Some((id, f)) = self
            .facts()?
            .live_assignment(handler_id, letter_id, kind_fact, now)
            .map(|(id, f)| (id.clone(), f.clone()))
        else {
            return Ok(None);
        };
        let Some(a) = self.store.read(|db| db.assignment(&id))? else {
            return Err(ApiError::Integrity(format!(
                "assignment {id} is live by its signed approval, but its row is gone from the file"
            )));
        };
        Ok(Some(self.checked_assignment(a, &f)?))
    }

    /// An assignment row as its approving supervisor signed it and as the
    /// facts say it stands: its handler, letter, unit, request and period
    /// equal the fold's, its key id is covered by the signature of the
    /// supervisor the facts name as approver, and its end and affirmation
    /// are the fold's (the row's own columns for those are not trusted).
    pub(crate) fn checked_assignment(
        &mut self,
        mut a: AssignmentRow,
        f: &AssignmentFacts,
    ) -> Result<AssignmentRow> {
        let edited = || {
            ApiError::Integrity(format!(
                "assignment {} is not as its supervisor approved it (its period, handler or key was edited in the file)",
                a.id
            ))
        };
        if a.handler != f.handler
            || a.letter_id != f.letter
            || a.unit != f.unit
            || a.request_id != f.request
            || a.kind != f.kind.as_str()
            || a.until != f.until
            || a.starts_at != f.starts_at
        {
            return Err(edited());
        }
        let cert = self.cert(&f.approved_by)?;
        if !cert.has_role(Role::Supervisor)
            || crypto::verify_signature(
                &cert.verifying_key(),
                &assignment_message(&a),
                &a.signature,
            )
            .is_err()
        {
            return Err(edited());
        }
        a.ended_at = f.ended.map(|(_, at)| at);
        a.end_reason = f.ended.map(|(how, _)| how.as_str().to_owned());
        a.affirmed_at = f.affirmed_at;
        Ok(a)
    }

    /// Handler: hands an assignment back to the supervisor (e.g. a conflict
    /// of interest).
    pub fn decline(
        &mut self,
        session: &mut Session,
        assignment: &str,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Handler],
            Action::RouteDecision,
            "declining an assignment",
        )?;
        let (a, _) = self.assignment_with_facts(assignment)?;
        if a.handler != actor.id {
            return Err(ApiError::Denied("not your assignment".into()));
        }
        self.end_assignment_now(
            session,
            &actor,
            Role::Handler,
            &a,
            EndKind::Declined,
            reason,
        )
    }

    // ------------------------------------------------------------ identity reveal

    /// Handler: asks for the petitioner's identity, with a reason.
    pub fn reveal_request(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
    ) -> Result<RequestInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Handler],
            Action::IdentityReveal,
            "asking for an identity",
        )?;
        let l = self.letter_row(letter)?;
        let ev = self.event_for(Role::Handler, Action::IdentityReveal, &l);
        if reason.trim().is_empty() {
            return self.deny(ev, ApiError::BadInput("state why (--reason)".into()));
        }
        let Some(a) = self.active_assignment(&actor.id, &l.id, "access")? else {
            return self.deny(
                ev,
                ApiError::Denied("you are not assigned this letter".into()),
            );
        };
        let now = self.now().unix_millis();
        let own = self.session_key_owned(session)?;
        let id = self.make_id();
        let mut readers = self.certified_supervisors(&a.unit, &actor.id)?;
        readers.push(self.cert(&actor.id)?);
        readers.push(self.cert(&l.registered_by)?);
        let (rk, rwraps, sealed) = self.seal_request_record(
            &id,
            &l.id,
            &readers,
            &RequestRecord {
                reason: reason.into(),
                decision: None,
                slip: None,
            },
        )?;
        let req = RequestRow {
            id,
            kind: "reveal".into(),
            letter_id: l.id.clone(),
            unit: a.unit.clone(),
            handler: actor.id.clone(),
            requested_by: actor.id.clone(),
            requested_at: now,
            until: now + DEFAULT_REVEAL_DAYS * DAY_MS,
            status: "awaiting_endorsement".into(),
            decided_by: None,
            decided_at: None,
            sealed,
        };
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Request {
                request: req.id.clone(),
                kind: RequestKind::Reveal,
                letter: l.id.clone(),
                unit: req.unit.clone(),
                handler: actor.id.clone(),
                until: req.until,
                readers: readers.iter().map(|c| c.id.clone()).collect(),
            },
        )?;
        let mut ev = ev.detail(format!("reveal requested: request {}", req.id));
        ev.reason = Some(reason.into());
        ev.assignment = Some(a.id.clone());
        self.commit_recorded(|db, ap| {
            db.insert_request(&req)?;
            ap.fact(db, &signed)?;
            db.insert_data_key(&rk)?;
            for w in &rwraps {
                db.insert_wrap(w, now)?;
            }
            ap.event(db, &ev)
        })?;
        self.request_info(&req, Some((&actor.id, &own)))
    }

    /// Clerk who holds the identity: endorses a reveal request by preparing
    /// the two-layer grant of the identity key; the supervisor then decides.
    pub fn reveal_endorse(&mut self, session: &mut Session, request: &str) -> Result<RequestInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Clerk],
            Action::IdentityReveal,
            "endorsing a reveal",
        )?;
        let r = self
            .store
            .read(|db| db.request(request))?
            .ok_or_else(|| ApiError::NotFound(format!("request {request}")))?;
        let l = self.letter_row(&r.letter_id)?;
        let ev = self.event_for(Role::Clerk, Action::IdentityReveal, &l);
        if l.registered_by != actor.id {
            return self.deny(
                ev,
                ApiError::Denied(
                    "only the clerk who registered the letter endorses a reveal".into(),
                ),
            );
        }
        let f = self.checked_request(&r)?;
        if f.kind != RequestKind::Reveal || f.status != RequestStatus::AwaitingEndorsement {
            return self.deny(
                ev,
                ApiError::Denied("not a reveal request awaiting endorsement".into()),
            );
        }
        // The identity goes only to a handler who holds the letter now, as
        // the signed facts say at this moment.
        let now = self.now().unix_millis();
        if self
            .facts()?
            .live_assignment(&f.handler, &f.letter, RequestKind::Access, now)
            .is_none()
        {
            return self.deny(
                ev,
                ApiError::Denied("the handler named is not assigned this letter".into()),
            );
        }
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Endorse {
                request: r.id.clone(),
            },
        )?;
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &l.id, KEY_IDENTITY) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let h = self.check_id(&r.handler)?;
        let layers = self.prepare_grant(
            (&r.id, r.until),
            (&key_id, KEY_IDENTITY, &dk),
            &h,
            &r.unit,
            (&actor.id, &own),
        )?;
        let mut ev = ev.detail(format!("endorsed reveal request {}", r.id));
        ev.assignment = Some(r.id.clone());
        self.commit_recorded(|db, ap| {
            for (s, w) in &layers {
                db.put_grant_layer(&r.id, s, w)?;
            }
            ap.fact(db, &signed)?;
            db.set_request_status(&r.id, "pending", None, None, None)?;
            ap.event(db, &ev)
        })?;
        let r = self
            .store
            .read(|db| db.request(&r.id))?
            .ok_or_else(|| ApiError::NotFound("request".into()))?;
        self.request_info(&r, Some((&actor.id, &own)))
    }

    /// Handler with an approved reveal: the identity compartment. Recorded
    /// first (fail closed).
    pub fn reveal_show(&mut self, session: &mut Session, letter: &str) -> Result<IdentityView> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Handler, Role::Clerk],
            Action::IdentityReveal,
            "reading an identity",
        )?;
        let l = self.letter_row(letter)?;
        let is_holder = l.registered_by == actor.id && actor.roles.contains(Role::Clerk);
        let granted = if is_holder {
            Role::Clerk
        } else {
            Role::Handler
        };
        let mut ev = self.event_for(granted, Action::IdentityReveal, &l);
        if !is_holder {
            match self.active_assignment(&actor.id, &l.id, "reveal")? {
                Some(a) => ev.assignment = Some(a.id),
                None => {
                    return self.deny(
                        ev,
                        ApiError::Denied(
                            "no approved identity reveal for you on this letter".into(),
                        ),
                    )
                }
            }
        }
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &l.id, KEY_IDENTITY) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let id: IdentityRecord =
            serde_json::from_slice(self.open_record_under(&dk, &key_id, REC_IDENTITY)?.expose())
                .map_err(|_| ApiError::Integrity("identity record".into()))?;
        self.record(ev.detail("identity shown"))?;
        Ok(IdentityView {
            receipt_no: l.receipt_no,
            findings: id.findings,
            sender: id.sender_person,
            email_from: id.email.and_then(|e| e.from_address),
        })
    }
}
