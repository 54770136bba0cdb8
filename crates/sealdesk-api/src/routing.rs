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

use chrono::NaiveDate;
use sealdesk_core::crypto::{self, DataKey, RecordBinding, UserPublicKey, WrapBinding};
use sealdesk_core::domain::Role;
use sealdesk_core::pii::Finding;
use sealdesk_store::{AssignmentRow, DataKeyRow, InquiryRow, RequestRow, UserRow, WrapRow};
use serde::{Deserialize, Serialize};

use crate::intake::{
    IdentityRecord, RegisterRecord, KEY_IDENTITY, KEY_LETTER, REC_IDENTITY, REC_REGISTER,
    REC_WORKING,
};
use crate::ledger::{Action, Event};
use crate::session::{parse_roles, Actor};
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

/// Default and longest access, in days.
pub const DEFAULT_ACCESS_DAYS: i64 = 30;
pub const MAX_ACCESS_DAYS: i64 = 90;
/// Default identity-reveal window, in days.
pub const DEFAULT_REVEAL_DAYS: i64 = 7;
const DAY_MS: i64 = 86_400_000;

const SLIP_PURPOSE: &str = "slip";
const GRANT_PURPOSE: &str = "grant";

/// What a unit's supervisor sees of a letter before it is theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct InquiryInfo {
    pub id: String,
    pub receipt_no: String,
    pub unit: String,
    pub asked_at: i64,
    pub answer: Option<String>,
    pub slip: Option<RoutingSlip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestInfo {
    pub id: String,
    pub kind: String,
    pub receipt_no: String,
    pub level: String,
    pub unit: String,
    pub handler: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub until: i64,
    pub reason: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentInfo {
    pub id: String,
    pub kind: String,
    pub letter_id: String,
    pub receipt_no: String,
    pub level: String,
    pub unit: String,
    pub until: i64,
    pub active: bool,
    pub ended: Option<String>,
    pub affirmed: bool,
}

/// The identity compartment as an approved handler sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityView {
    pub receipt_no: String,
    pub findings: Vec<Finding>,
    pub sender: Option<String>,
    pub email_from: Option<String>,
}

fn parse_until(now: i64, until: Option<&str>, default_days: i64) -> Result<i64> {
    let Some(d) = until else {
        return Ok(now + default_days * DAY_MS);
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
    if end > now + MAX_ACCESS_DAYS * DAY_MS {
        return Err(ApiError::BadInput(format!(
            "access is limited to {MAX_ACCESS_DAYS} days"
        )));
    }
    Ok(end)
}

fn pk_of(u: &UserRow) -> Result<UserPublicKey> {
    UserPublicKey::from_slice(&u.public_key)
        .ok_or_else(|| ApiError::Integrity("public key malformed".into()))
}

fn procurement_summary(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
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
    pub(crate) fn sweep_lapsed(&mut self) -> Result<()> {
        let now = self.now().unix_millis();
        let lapsed = self.store.read(|db| db.lapsed_assignments(now))?;
        for a in lapsed {
            self.store.write(|db| {
                db.delete_wrap(&a.key_id, &a.handler)?;
                db.end_assignment(&a.id, now, "expired")
            })?;
            let handler = self
                .store
                .read(|db| db.user_by_id(&a.handler))?
                .map(|u| u.name)
                .unwrap_or_default();
            let mut ev = Event::new("system", None, Action::RouteDecision).detail(format!(
                "{} assignment of {handler} expired; key removed",
                a.kind
            ));
            ev.letter_id = Some(a.letter_id.clone());
            self.record(ev, None)?;
        }
        Ok(())
    }

    fn letter_key_for(
        &self,
        actor: &Actor,
        own: &crypto::UserSecretKey,
        letter_id: &str,
        purpose: &str,
    ) -> Result<(String, DataKey)> {
        let (key_row, wrapped) = self.store.read(|db| {
            let k = db.data_key_of(letter_id, purpose)?;
            let w = match &k {
                Some(k) => db.wrap_for(&k.id, &actor.id)?,
                None => None,
            };
            Ok((k, w))
        })?;
        let key_row = key_row
            .ok_or_else(|| ApiError::NotFound(format!("{purpose} key of letter {letter_id}")))?;
        let wrapped = wrapped.ok_or_else(|| {
            ApiError::Denied(format!("you do not hold this letter's {purpose} key"))
        })?;
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

    fn letter_row(&self, letter: &str) -> Result<sealdesk_store::LetterRow> {
        self.store
            .read(|db| db.letter(letter))?
            .ok_or_else(|| ApiError::NotFound(format!("letter {letter}")))
    }

    fn supervisors_of(&self, unit: &str, except: &str) -> Result<Vec<UserRow>> {
        let users = self.store.read(|db| db.users_in_unit(unit))?;
        let mut out = Vec::new();
        for u in users {
            if u.id != except && parse_roles(&u)?.contains(Role::Supervisor) {
                out.push(u);
            }
        }
        if out.is_empty() {
            return Err(ApiError::BadInput(format!(
                "unit {unit} has no other active supervisor to decide"
            )));
        }
        Ok(out)
    }

    fn event_for(
        &self,
        actor: &Actor,
        role: Role,
        action: Action,
        letter: &sealdesk_store::LetterRow,
    ) -> Event {
        let mut ev = Event::new(&actor.name, Some(role), action);
        ev.letter_id = Some(letter.id.clone());
        ev.receipt_no = Some(letter.receipt_no.clone());
        ev.level = Some(letter.level.clone());
        ev.assignment = Some(letter.receipt_no.clone());
        ev
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
            Err(e) => {
                return self.deny(
                    self.event_for(&actor, Role::Clerk, Action::RouteRequest, &row),
                    e,
                )
            }
        };
        let register: RegisterRecord =
            serde_json::from_slice(self.open_record_under(&dk, &key_id, REC_REGISTER)?.expose())
                .map_err(|_| ApiError::Integrity("register record".into()))?;
        let working = self.open_record_under(&dk, &key_id, REC_WORKING)?;
        let mut summary: String = working
            .expose_str()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect();
        if row.category == "procurement_objection" {
            summary = procurement_summary(&summary);
        }
        let slip = RoutingSlip {
            receipt_no: row.receipt_no.clone(),
            level: row.level.clone(),
            subject: register.subject.clone(),
            category: row.category.clone(),
            deadline: deadline.map(str::to_owned),
            summary,
        };
        let slip_json = serde_json::to_vec(&slip).map_err(|e| ApiError::BadInput(e.to_string()))?;
        let recovery = self.recovery_public_key()?;
        let now = self.now().unix_millis();
        let mut out = Vec::new();
        for unit in units {
            let sups = self.supervisors_of(unit, &actor.id)?;
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
            let binding = WrapBinding {
                record_id: &ik_id,
                purpose: SLIP_PURPOSE,
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
                    crypto::wrap_data_key(&pk_of(s)?, &binding, &ik, &mut self.rng),
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
            self.store.write(|db| {
                db.insert_data_key(&DataKeyRow {
                    id: ik_id.clone(),
                    letter_id: row.id.clone(),
                    purpose: format!("{SLIP_PURPOSE}:{id}"),
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
                db.insert_inquiry(&q, &sealed)
            })?;
            let ev = self
                .event_for(&actor, Role::Clerk, Action::RouteRequest, &row)
                .detail(format!("routing inquiry {id} to {unit}"));
            self.record(ev, Some((&actor.id, &own)))?;
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

    fn open_slip(
        &self,
        q: &InquiryRow,
        user_id: &str,
        own: &crypto::UserSecretKey,
    ) -> Result<Option<RoutingSlip>> {
        let purpose = format!("{SLIP_PURPOSE}:{}", q.id);
        let (k, w, sealed) = self.store.read(|db| {
            let k = db.data_key_of(&q.letter_id, &purpose)?;
            let w = match &k {
                Some(k) => db.wrap_for(&k.id, user_id)?,
                None => None,
            };
            Ok((k, w, db.inquiry_slip(&q.id)?))
        })?;
        let (Some(k), Some(w), Some(sealed)) = (k, w, sealed) else {
            return Ok(None);
        };
        let ik = crypto::unwrap_data_key(
            own,
            &WrapBinding {
                record_id: &k.id,
                purpose: SLIP_PURPOSE,
            },
            &w,
        )
        .map_err(ApiError::from_crypto("an inquiry key"))?;
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
        let rows = match role {
            Role::Supervisor => self
                .store
                .read(|db| db.inquiries_for_unit(actor.unit.as_deref().unwrap_or_default()))?,
            _ => self.store.read(|db| db.inquiries_asked_by(&actor.id))?,
        };
        let mut out = Vec::new();
        for q in rows {
            let receipt_no = self.letter_row(&q.letter_id)?.receipt_no;
            let slip = self.open_slip(&q, &actor.id, &own)?;
            out.push(InquiryInfo {
                id: q.id,
                receipt_no,
                unit: q.unit,
                asked_at: q.asked_at,
                answer: q.answer,
                slip,
            });
        }
        Ok(out)
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
        let q = self
            .store
            .read(|db| db.inquiry(inquiry))?
            .ok_or_else(|| ApiError::NotFound(format!("inquiry {inquiry}")))?;
        let row = self.letter_row(&q.letter_id)?;
        if actor.unit.as_deref() != Some(q.unit.as_str()) {
            let ev = self.event_for(&actor, Role::Supervisor, Action::RouteDecision, &row);
            return self.deny(
                ev,
                ApiError::Denied("this inquiry is for another unit".into()),
            );
        }
        let answer = if ours { "ours" } else { "not_ours" };
        let now = self.now().unix_millis();
        self.store
            .write(|db| db.answer_inquiry(&q.id, answer, &actor.id, now))?;
        let own = self.session_key_owned(session)?;
        let ev = self
            .event_for(&actor, Role::Supervisor, Action::RouteDecision, &row)
            .detail(format!("inquiry {} answered {answer}", q.id));
        self.record(ev, Some((&actor.id, &own)))?;
        let slip = self.open_slip(&q, &actor.id, &own)?;
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

    fn request_info(&self, r: &RequestRow) -> Result<RequestInfo> {
        let l = self.letter_row(&r.letter_id)?;
        let name = |id: &str| -> Result<String> {
            Ok(self
                .store
                .read(|db| db.user_by_id(id))?
                .map(|u| u.name)
                .unwrap_or_default())
        };
        Ok(RequestInfo {
            id: r.id.clone(),
            kind: r.kind.clone(),
            receipt_no: l.receipt_no,
            level: l.level,
            unit: r.unit.clone(),
            handler: name(&r.handler)?,
            requested_by: name(&r.requested_by)?,
            requested_at: r.requested_at,
            until: r.until,
            reason: r.reason.clone(),
            status: r.status.clone(),
        })
    }

    /// Wraps `dk` to the handler (inner layer), then that to each supervisor
    /// of the unit other than the requester (outer layers).
    fn prepare_grant(
        &mut self,
        request_id: &str,
        (key_id, purpose, dk): (&str, &str, &DataKey),
        handler: &UserRow,
        unit: &str,
        requester: &str,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let inner = crypto::wrap_data_key(
            &pk_of(handler)?,
            &WrapBinding {
                record_id: key_id,
                purpose,
            },
            dk,
            &mut self.rng,
        );
        let sups = self.supervisors_of(unit, requester)?;
        let mut layers = Vec::new();
        for s in &sups {
            if s.id == handler.id {
                continue;
            }
            let outer = crypto::wrap_to(
                &pk_of(s)?,
                &WrapBinding {
                    record_id: request_id,
                    purpose: GRANT_PURPOSE,
                },
                &inner,
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
        let ev = self.event_for(&actor, Role::Clerk, Action::RouteRequest, &row);
        if reason.trim().is_empty() {
            return self.deny(ev, ApiError::BadInput("state why (--reason)".into()));
        }
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &row.id, KEY_LETTER) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let h = self
            .store
            .read(|db| db.user_by_name(handler))?
            .ok_or_else(|| ApiError::NotFound(format!("user {handler}")))?;
        if h.disabled
            || !parse_roles(&h)?.contains(Role::Handler)
            || h.unit.as_deref() != Some(unit)
        {
            return self.deny(
                ev,
                ApiError::BadInput(format!("{handler} is not an active handler of {unit}")),
            );
        }
        let now = self.now().unix_millis();
        let until = parse_until(now, until, DEFAULT_ACCESS_DAYS)?;
        let id = self.make_id();
        let layers = self.prepare_grant(&id, (&key_id, KEY_LETTER, &dk), &h, unit, &actor.id)?;
        let req = RequestRow {
            id: id.clone(),
            kind: "access".into(),
            letter_id: row.id.clone(),
            unit: unit.into(),
            handler: h.id.clone(),
            requested_by: actor.id.clone(),
            requested_at: now,
            until,
            reason: reason.into(),
            status: "pending".into(),
            decided_by: None,
            decided_at: None,
            decision: None,
        };
        self.store.write(|db| {
            db.insert_request(&req)?;
            for (s, w) in &layers {
                db.put_grant_layer(&id, s, w)?;
            }
            Ok::<_, ApiError>(())
        })?;
        let mut ev = ev.detail(format!("request {id}: route to {handler} of {unit}"));
        ev.reason = Some(reason.into());
        self.record(ev, Some((&actor.id, &own)))?;
        self.request_info(&req)
    }

    /// Supervisor: pending requests for their unit. Clerk: reveal requests
    /// awaiting their endorsement, and their own pending requests.
    pub fn requests(&mut self, session: &mut Session) -> Result<Vec<RequestInfo>> {
        let actor = self.begin(session, true)?;
        let role = self.require_role(
            &actor,
            &[Role::Supervisor, Role::Clerk],
            Action::RouteDecision,
            "listing requests",
        )?;
        let mut rows = self.store.read(|db| db.requests_by_status("pending"))?;
        rows.extend(
            self.store
                .read(|db| db.requests_by_status("awaiting_endorsement"))?,
        );
        let mut out = Vec::new();
        for r in rows {
            let visible = match role {
                Role::Supervisor => {
                    r.status == "pending" && actor.unit.as_deref() == Some(r.unit.as_str())
                }
                _ => {
                    let l = self.letter_row(&r.letter_id)?;
                    r.requested_by == actor.id
                        || (r.status == "awaiting_endorsement" && l.registered_by == actor.id)
                }
            };
            if visible {
                out.push(self.request_info(&r)?);
            }
        }
        Ok(out)
    }

    fn pending_request(
        &mut self,
        actor: &Actor,
        request: &str,
        action: Action,
    ) -> Result<(RequestRow, sealdesk_store::LetterRow)> {
        let r = self
            .store
            .read(|db| db.request(request))?
            .ok_or_else(|| ApiError::NotFound(format!("request {request}")))?;
        let l = self.letter_row(&r.letter_id)?;
        let ev = self
            .event_for(actor, Role::Supervisor, action, &l)
            .detail(format!("request {}", r.id));
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
        if r.status != "pending" {
            return self.deny(
                ev,
                ApiError::Denied(format!("the request is {}, not pending", r.status)),
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
        let layer = self
            .store
            .read(|db| db.grant_layer(&r.id, &actor.id))?
            .ok_or_else(|| {
                ApiError::Denied("no grant was prepared for you on this request".into())
            })?;
        let inner = crypto::unwrap_with(
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
        };
        self.store.write(|db| {
            db.insert_wrap(
                &WrapRow {
                    key_id: key.id.clone(),
                    recipient: r.handler.clone(),
                    wrapped: inner.expose().to_vec(),
                },
                now,
            )?;
            db.insert_assignment(&a)?;
            db.delete_grant_layers(&r.id)?;
            db.set_request_status(&r.id, "approved", Some(&actor.id), Some(now), Some(reason))
        })?;
        let action = if r.kind == "reveal" {
            Action::IdentityReveal
        } else {
            Action::RouteDecision
        };
        let mut ev = self
            .event_for(&actor, Role::Supervisor, action, &l)
            .detail(format!("approved request {} ({})", r.id, r.kind));
        ev.reason = Some(reason.into());
        self.record(ev, Some((&actor.id, &own)))?;
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
        self.store.write(|db| {
            db.delete_grant_layers(&r.id)?;
            db.set_request_status(&r.id, "denied", Some(&actor.id), Some(now), Some(reason))
        })?;
        let own = self.session_key_owned(session)?;
        let mut ev = self
            .event_for(&actor, Role::Supervisor, Action::RouteDecision, &l)
            .detail(format!("denied request {}", r.id));
        ev.reason = Some(reason.into());
        self.record(ev, Some((&actor.id, &own)))?;
        let r = self
            .store
            .read(|db| db.request(&r.id))?
            .ok_or_else(|| ApiError::NotFound("request".into()))?;
        self.request_info(&r)
    }

    fn assignment_info(&self, a: &AssignmentRow, now: i64) -> Result<AssignmentInfo> {
        let l = self.letter_row(&a.letter_id)?;
        Ok(AssignmentInfo {
            id: a.id.clone(),
            kind: a.kind.clone(),
            letter_id: l.id,
            receipt_no: l.receipt_no,
            level: l.level,
            unit: a.unit.clone(),
            until: a.until,
            active: a.ended_at.is_none() && a.until > now,
            ended: a.end_reason.clone(),
            affirmed: a.affirmed_at.is_some(),
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
        let a = self.assignment_row(assignment)?;
        if actor.unit.as_deref() != Some(a.unit.as_str()) {
            let l = self.letter_row(&a.letter_id)?;
            let ev = self.event_for(&actor, Role::Supervisor, Action::RouteDecision, &l);
            return self.deny(
                ev,
                ApiError::Denied("this assignment is in another unit".into()),
            );
        }
        self.end_assignment_now(session, &actor, Role::Supervisor, &a, "revoked", reason)
    }

    fn assignment_row(&self, id: &str) -> Result<AssignmentRow> {
        self.store
            .read(|db| db.assignment(id))?
            .ok_or_else(|| ApiError::NotFound(format!("assignment {id}")))
    }

    /// Ends an assignment: deletes the handler's wrap, records why.
    fn end_assignment_now(
        &mut self,
        session: &Session,
        actor: &Actor,
        role: Role,
        a: &AssignmentRow,
        how: &str,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let l = self.letter_row(&a.letter_id)?;
        let now = self.now().unix_millis();
        self.store.write(|db| {
            db.delete_wrap(&a.key_id, &a.handler)?;
            db.end_assignment(&a.id, now, how)
        })?;
        let own = self.session_key_owned(session)?;
        let mut ev = self
            .event_for(actor, role, Action::RouteDecision, &l)
            .detail(format!("assignment {} {how}", a.id));
        ev.reason = Some(reason.into());
        self.record(ev, Some((&actor.id, &own)))?;
        let a = self.assignment_row(&a.id)?;
        self.assignment_info(&a, now)
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
        let rows = self.store.read(|db| db.assignments_of(&actor.id))?;
        rows.iter().map(|a| self.assignment_info(a, now)).collect()
    }

    /// The handler's active assignment of a kind for a letter, if any.
    pub(crate) fn active_assignment(
        &self,
        handler_id: &str,
        letter_id: &str,
        kind: &str,
    ) -> Result<Option<AssignmentRow>> {
        let now = self.now().unix_millis();
        Ok(self
            .store
            .read(|db| db.assignments_of(handler_id))?
            .into_iter()
            .find(|a| {
                a.letter_id == letter_id && a.kind == kind && a.ended_at.is_none() && a.until > now
            }))
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
        let a = self.assignment_row(assignment)?;
        if a.handler != actor.id {
            return Err(ApiError::Denied("not your assignment".into()));
        }
        self.end_assignment_now(session, &actor, Role::Handler, &a, "declined", reason)
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
        let ev = self.event_for(&actor, Role::Handler, Action::IdentityReveal, &l);
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
        let req = RequestRow {
            id: self.make_id(),
            kind: "reveal".into(),
            letter_id: l.id.clone(),
            unit: a.unit.clone(),
            handler: actor.id.clone(),
            requested_by: actor.id.clone(),
            requested_at: now,
            until: now + DEFAULT_REVEAL_DAYS * DAY_MS,
            reason: reason.into(),
            status: "awaiting_endorsement".into(),
            decided_by: None,
            decided_at: None,
            decision: None,
        };
        self.store.write(|db| db.insert_request(&req))?;
        let own = self.session_key_owned(session)?;
        let mut ev = ev.detail(format!("reveal requested: request {}", req.id));
        ev.reason = Some(reason.into());
        self.record(ev, Some((&actor.id, &own)))?;
        self.request_info(&req)
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
        let ev = self.event_for(&actor, Role::Clerk, Action::IdentityReveal, &l);
        if r.kind != "reveal" || r.status != "awaiting_endorsement" {
            return self.deny(
                ev,
                ApiError::Denied("not a reveal request awaiting endorsement".into()),
            );
        }
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &l.id, KEY_IDENTITY) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let h = self
            .store
            .read(|db| db.user_by_id(&r.handler))?
            .ok_or_else(|| ApiError::NotFound("handler".into()))?;
        let layers =
            self.prepare_grant(&r.id, (&key_id, KEY_IDENTITY, &dk), &h, &r.unit, &actor.id)?;
        self.store.write(|db| {
            for (s, w) in &layers {
                db.put_grant_layer(&r.id, s, w)?;
            }
            db.set_request_status(&r.id, "pending", None, None, None)
        })?;
        self.record(
            ev.detail(format!("endorsed reveal request {}", r.id)),
            Some((&actor.id, &own)),
        )?;
        let r = self
            .store
            .read(|db| db.request(&r.id))?
            .ok_or_else(|| ApiError::NotFound("request".into()))?;
        self.request_info(&r)
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
        let ev = self.event_for(&actor, Role::Handler, Action::IdentityReveal, &l);
        let is_holder = l.registered_by == actor.id;
        if !is_holder
            && self
                .active_assignment(&actor.id, &l.id, "reveal")?
                .is_none()
        {
            return self.deny(
                ev,
                ApiError::Denied("no approved identity reveal for you on this letter".into()),
            );
        }
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &l.id, KEY_IDENTITY) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let id: IdentityRecord =
            serde_json::from_slice(self.open_record_under(&dk, &key_id, REC_IDENTITY)?.expose())
                .map_err(|_| ApiError::Integrity("identity record".into()))?;
        self.record(ev.detail("identity shown"), Some((&actor.id, &own)))?;
        Ok(IdentityView {
            receipt_no: l.receipt_no,
            findings: id.findings,
            sender: id.sender_person,
            email_from: id.email.and_then(|e| e.from_address),
        })
    }
}
