//! Routing requests: the clerk wraps the letter key to a handler inside a
//! layer for the unit's supervisors; approving strips the outer layer,
//! denying destroys both.

use sealdesk_core::crypto::{self, DataKey, RecordBinding, WrapBinding};
use sealdesk_core::directory::UserCert;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{Fact, RequestFacts, RequestKind, RequestStatus};
use sealdesk_store::{AssignmentRow, DataKeyRow, RequestRow, WrapRow};

use crate::actor::Actor;
use crate::ledger::{Action, Event};
use crate::records::{KEY_IDENTITY, KEY_LETTER};
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

use super::{
    assignment_message, grant_message, parse_until, request_purpose, AssignmentInfo, RequestInfo,
    RequestRecord, DEFAULT_ACCESS_DAYS, GRANT_PURPOSE, REQUEST_PURPOSE,
};

impl Vault {
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
            kind: f.kind,
            letter_id: l.id,
            receipt_no: l.receipt_no,
            level: l.level,
            unit: r.unit.clone(),
            handler: name(&r.handler)?,
            requested_by: name(&r.requested_by)?,
            requested_at: r.requested_at,
            until: r.until,
            reason,
            status,
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
    pub(crate) fn prepare_grant(
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
        let sig = clerk_key.user_signing_key().sign(&grant_message(
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
        let actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::RouteRequest,
            "routing a letter",
        )?;
        let row = self.letter_row(letter)?;
        let ev = self.event_for(Role::Clerk, Action::RouteRequest, &row);
        if reason.trim().is_empty() {
            return self.deny(ev, ApiError::BadInput("state why (--reason)".into()));
        }
        self.require_state(&ev, &row.id, sealdesk_core::life::Act::Route)?;
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
        let (actor, role) = self.begin_with_role(
            session,
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
        let actor = self.begin_as(
            session,
            &[Role::Supervisor],
            Action::RouteDecision,
            "approving a request",
        )?;
        let (r, l) = self.pending_request(&actor, request, Action::RouteDecision)?;
        let act = if r.kind == "reveal" {
            sealdesk_core::life::Act::Reveal
        } else {
            sealdesk_core::life::Act::Route
        };
        let ev = self.event_for(Role::Supervisor, Action::RouteDecision, &l);
        self.require_state(&ev, &l.id, act)?;
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
        a.signature = own
            .user_signing_key()
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
        let actor = self.begin_as(
            session,
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
}
