//! The copy register: every copy made of a letter, each row checked against
//! its maker's signature and its request's approval, and for auditors
//! against the ledger, which a writer of the file cannot quietly change.

use sealdesk_core::crypto;
use sealdesk_core::domain::Role;
use sealdesk_store::{CopyRow, RequestRow};

use super::{copy_message, CopyInfo, CopyKind};
use crate::ledger::{Action, Outcome};
use crate::{ApiError, Result, Session, Vault};

impl Vault {
    /// Clerk (of a letter they registered), supervisor (copies their unit
    /// approved) or auditor: the letter's copy register. Each row is
    /// checked against its maker's signature and its request's approval.
    pub fn copy_register(&mut self, session: &mut Session, letter: &str) -> Result<Vec<CopyInfo>> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Clerk, Role::Supervisor, Role::Auditor],
            Action::View,
            "listing a letter's copies",
        )?;
        let l = self.letter_row(letter)?;
        let ev = self
            .event_for(role, Action::LedgerRead, &l)
            .detail("copy register");
        if role == Role::Clerk && l.registered_by != actor.id {
            return self.deny(
                ev,
                ApiError::Denied("you did not register this letter".into()),
            );
        }
        let rows = self.store.read(|db| db.copies_of_letter(&l.id))?;
        // The copies made are the signed facts' to say; the register's rows
        // must be exactly those, each as its maker signed it.
        let made: Vec<(String, u32, String)> = self
            .facts()?
            .requests()
            .filter(|(_, r)| r.letter == l.id)
            .filter_map(|(id, r)| r.copy_no.map(|n| (id.clone(), n, r.unit.clone())))
            .collect();
        if let Some((id, n, _)) = made
            .iter()
            .find(|(id, _, _)| !rows.iter().any(|c| c.request_id == *id))
        {
            return Err(ApiError::Integrity(format!(
                "copy {n} of this letter was made (request {id}), but its register row is gone from the file"
            )));
        }
        let own = self.session_key_owned(session)?;
        // Auditors read the reasons from the ledger (one recorded read);
        // others from the request, if they are among its readers.
        let ledger_reasons: Option<Vec<_>> = if role == Role::Auditor {
            Some(crate::ledger::authored(
                self.read_ledger(session, &actor, ev)?,
            ))
        } else {
            None
        };
        let mut out = Vec::with_capacity(rows.len());
        for c in rows {
            let signed = made
                .iter()
                .find(|(id, n, _)| *id == c.request_id && i64::from(*n) == c.copy_no);
            let Some((_, _, unit)) = signed else {
                return Err(ApiError::Integrity(format!(
                    "the register lists copy {} (request {}), which no signed copy fact backs",
                    c.copy_no, c.request_id
                )));
            };
            let unit = unit.clone();
            let (req, _) = self
                .checked_request_row(&c.request_id)?
                .ok_or_else(|| ApiError::Integrity(format!("copy {} has no request", c.copy_no)))?;
            if !self.copy_row_verified(&c, Some(&req)) {
                return Err(ApiError::Integrity(format!(
                    "copy {}'s register row is not as its maker signed it and its supervisor approved it (edited in the file)",
                    c.copy_no
                )));
            }
            // Whose unit a copy is in is the signed request's, not the row's.
            if role == Role::Supervisor && Some(unit.as_str()) != actor.unit.as_deref() {
                continue;
            }
            let reason = match &ledger_reasons {
                Some(entries) => entries
                    .iter()
                    .find(|b| {
                        b.assignment.as_deref() == Some(c.request_id.as_str())
                            && b.action.makes_a_copy()
                            && b.outcome == Outcome::Allowed
                            && b.detail.as_deref().is_some_and(|d| d.contains(&c.code))
                    })
                    .and_then(|b| b.reason.clone()),
                None => self
                    .open_request_record(&req, &actor.id, &own)?
                    .map(|(_, rec)| rec.reason),
            };
            out.push(self.copy_info(&c, reason, true)?);
        }
        out.sort_by_key(|c| c.copy_no);
        Ok(out)
    }

    fn copy_row_verified(&mut self, c: &CopyRow, req: Option<&RequestRow>) -> bool {
        let Some(r) = req else { return false };
        let maker = match self.cert(&c.made_by) {
            Ok(m) => m,
            Err(_) => return false,
        };
        let approval = self.check_copy_approval(r).map(|a| a.id);
        crypto::verify_signature(&maker.verifying_key(), &copy_message(c), &c.signature).is_ok()
            && approval.ok().as_deref() == Some(c.approved_by.as_str())
            && r.requested_by == c.made_by
            && r.handler == c.recipient
            && r.letter_id == c.letter_id
    }

    pub(super) fn copy_info(
        &mut self,
        c: &CopyRow,
        reason: Option<String>,
        verified: bool,
    ) -> Result<CopyInfo> {
        let kind = CopyKind::parse(&c.kind).ok_or_else(|| {
            ApiError::Integrity(format!("copy {} has an unknown kind in the file", c.id))
        })?;
        let l = self.letter_row(&c.letter_id)?;
        let dir = self.directory()?;
        let name = |id: &str| dir.user(id).map(|u| u.name.clone()).unwrap_or_default();
        Ok(CopyInfo {
            id: c.id.clone(),
            letter_id: l.id,
            receipt_no: l.receipt_no,
            copy_no: c.copy_no.max(0) as u32,
            kind,
            format: c.format.clone(),
            recipient: name(&c.recipient),
            made_by: name(&c.made_by),
            approved_by: name(&c.approved_by),
            made_at: c.made_at,
            pages: c.pages.max(0) as u32,
            code: c.code.clone(),
            request_id: c.request_id.clone(),
            reason,
            verified,
        })
    }

    /// The copy a code was given to, if any (for `trace`).
    pub(crate) fn copy_by_code(&mut self, letter_id: &str, code: &str) -> Result<Option<CopyInfo>> {
        let rows = self.store.read(|db| db.copies_of_letter(letter_id))?;
        let Some(c) = rows.into_iter().find(|c| c.code == code) else {
            return Ok(None);
        };
        let req = self.store.read(|db| db.request(&c.request_id))?;
        let verified = self.copy_row_verified(&c, req.as_ref());
        self.copy_info(&c, None, verified).map(Some)
    }
}
