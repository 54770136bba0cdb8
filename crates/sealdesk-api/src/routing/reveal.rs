//! Identity reveal: asked by the handler, endorsed by the clerk who holds
//! the identity, approved by the supervisor.

use sealdesk_core::domain::Role;
use sealdesk_core::facts::{Fact, RequestKind, RequestStatus};
use sealdesk_store::RequestRow;

use crate::ledger::Action;
use crate::records::{IdentityRecord, KEY_IDENTITY, REC_IDENTITY};
use crate::{ApiError, Result, Session, Vault};

use super::{IdentityView, RequestInfo, RequestRecord, DAY_MS, DEFAULT_REVEAL_DAYS};

impl Vault {
    // ------------------------------------------------------------ identity reveal

    /// Handler: asks for the petitioner's identity, with a reason.
    pub fn reveal_request(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
    ) -> Result<RequestInfo> {
        let actor = self.begin_as(
            session,
            &[Role::Handler],
            Action::IdentityReveal,
            "asking for an identity",
        )?;
        let l = self.letter_row(letter)?;
        let ev = self.event_for(Role::Handler, Action::IdentityReveal, &l);
        self.require_state(&ev, &l.id, sealdesk_core::life::Act::Reveal)?;
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
        let actor = self.begin_as(
            session,
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
        let actor = self.begin_as(
            session,
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
            self.require_state(&ev, &l.id, sealdesk_core::life::Act::Reveal)?;
        }
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
