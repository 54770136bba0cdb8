//! Assignments: time-boxed access, swept when it lapses, revoked or
//! declined; the handler's wrap goes with it.

use std::collections::{HashMap, HashSet};

use sealdesk_core::crypto::{self};
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{AssignmentFacts, EndKind, Ended, Fact, RequestKind};
use sealdesk_store::AssignmentRow;

use crate::actor::Actor;
use crate::ledger::{Action, Event};
use crate::records::{KEY_IDENTITY, KEY_LETTER};
use crate::{ApiError, Result, Session, Vault};

use super::{assignment_message, AssignmentInfo};

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
    pub(crate) fn assignment_key(
        &mut self,
        id: &str,
        f: &AssignmentFacts,
    ) -> Result<Option<String>> {
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

    pub(crate) fn remove_lapsed_key(
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
            kind: f.kind,
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
                .map(|(k, _)| Ended::from(k))
                .or_else(|| (f.until <= now).then_some(Ended::Expired)),
            affirmed: f.affirmed_at.is_some(),
            notice: None,
            subject: None,
            deadline: None,
        })
    }

    /// Supervisor of the unit: ends an assignment now; the handler's wrap is deleted.
    pub fn revoke(
        &mut self,
        session: &mut Session,
        assignment: &str,
        reason: &str,
    ) -> Result<AssignmentInfo> {
        let actor = self.begin_as(
            session,
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
    pub(crate) fn assignment_with_facts(
        &mut self,
        id: &str,
    ) -> Result<(AssignmentRow, AssignmentFacts)> {
        let row = self
            .store
            .read(|db| db.assignment(id))?
            .ok_or_else(|| ApiError::NotFound(format!("assignment {id}")))?;
        let f = self.assignment_facts(id)?;
        Ok((self.checked_assignment(row, &f)?, f))
    }

    pub(crate) fn assignment_facts(&mut self, id: &str) -> Result<AssignmentFacts> {
        self.facts()?.assignment(id).cloned().ok_or_else(|| {
            ApiError::Integrity(format!(
                "assignment {id} was never approved by a supervisor (written into the file by hand?)"
            ))
        })
    }

    /// Ends an assignment: deletes the handler's wrap, records why.
    pub(crate) fn end_assignment_now(
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
            info.notice = Some(
                if self.store.backend() == sealdesk_store::Backend::Postgres {
                    "the key wrap is gone from the server's tables; its dead row version stays in the table's file until the server's next VACUUM (this desk's role may not run one), and in the server's write-ahead log and backups until they age out".to_owned()
                } else {
                    format!(
                    "the key wrap is gone from the vault's tables; another desk is reading the vault, so its old bytes stay in the write-ahead log until the next checkpoint (this desk runs one at its next write and when it closes; waited {} s)",
                    crate::WAL_PURGE_WAIT.as_secs()
                )
                },
            );
        }
        Ok(info)
    }

    /// Handler: their assignments, active and ended.
    pub fn assignments(&mut self, session: &mut Session) -> Result<Vec<AssignmentInfo>> {
        let actor = self.begin_as(
            session,
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
            let mut info = self.assignment_info(&row, now)?;
            if info.active {
                // What the handler works from: the subject and the deadline,
                // from the register their own key opens.
                let own = self.session_key_owned(session)?;
                match self.letter_key_for(&actor, &own, &info.letter_id, KEY_LETTER) {
                    Ok((key_id, dk)) => {
                        let register = self.open_register(&key_id, &dk)?;
                        info.subject = Some(register.subject);
                        info.deadline = register.deadline;
                    }
                    Err(e @ ApiError::Integrity(_)) => return Err(e),
                    Err(_) => {}
                }
            }
            out.push(info);
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
        let actor = self.begin_as(
            session,
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
}
