//! Inquiries: "is this yours?" to a unit's supervisors, with a slip that
//! reveals no one, and their answers.

use sealdesk_core::crypto::{self, DataKey, RecordBinding, WrapBinding};
use sealdesk_core::date;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{Fact, InquiryAnswer, InquiryFacts};
use sealdesk_store::{DataKeyRow, InquiryRow, WrapRow};

use crate::ledger::Action;
use crate::records::{RegisterRecord, KEY_LETTER, REC_REGISTER, REC_WORKING};
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

use super::{procurement_summary, slip_purpose, InquiryInfo, RoutingSlip, SLIP_PURPOSE};

impl Vault {
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
        let actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::RouteRequest,
            "sending a routing inquiry",
        )?;
        // A reply-by date the calendar has (民國 or Gregorian), kept as ISO.
        let deadline = deadline
            .map(|d| {
                date::normalize(d)
                    .map_err(|e| ApiError::BadInput(format!("reply-by date (回復期限): {e}")))
            })
            .transpose()?;
        let deadline = deadline.as_deref();
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
            self.require_state(&ev, &row.id, sealdesk_core::life::Act::Route)?;
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
        reply_by: Option<&str>,
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
            deadline: register.deadline.clone(),
            reply_by: reply_by.map(str::to_owned),
            summary,
        })
    }

    /// The data key of a letter's per-object key (`purpose`, e.g. a slip's
    /// or a request's), if `user_id` holds a wrap of it.
    pub(crate) fn held_key(
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

    pub(crate) fn open_slip(
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
        let (actor, role) = self.begin_with_role(
            session,
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
                answer: f.answer.map(|(ours, _, _)| InquiryAnswer::from_ours(ours)),
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
        let actor = self.begin_as(
            session,
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
        let answer = InquiryAnswer::from_ours(ours);
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
            db.answer_inquiry(&q.id, answer.as_str(), &actor.id, now)?;
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
            answer: Some(answer),
            slip,
        })
    }
}
