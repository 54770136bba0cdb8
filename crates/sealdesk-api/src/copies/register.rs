//! The copy register: every copy made of a letter, each row checked against
//! its maker's signature and its request's approval, and for auditors
//! against the ledger, which a writer of the file cannot quietly change.

use sealdesk_core::crypto;
use sealdesk_core::domain::Role;
use sealdesk_store::{CopyRow, RequestRow};

use super::{copy_message, CopyInfo};
use crate::ledger::Action;
use crate::{ApiError, Result, Session, Vault};

impl Vault {
    /// Clerk (of a letter they registered), supervisor (copies their unit
    /// approved) or auditor: the letter's copy register. Each row is
    /// checked against its maker's signature and its request's approval.
    pub fn copy_register(&mut self, session: &mut Session, letter: &str) -> Result<Vec<CopyInfo>> {
        let actor = self.begin(session, true)?;
        let role = self.require_role(
            &actor,
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
            let req = self.store.read(|db| db.request(&c.request_id))?;
            // Whose unit a copy is in is the signed request's, not the row's.
            let unit = self
                .facts()?
                .request_facts(&c.request_id)
                .map(|f| f.unit.clone());
            if role == Role::Supervisor && unit.as_deref() != actor.unit.as_deref() {
                continue;
            }
            let reason = match (&ledger_reasons, &req) {
                (Some(entries), _) => entries
                    .iter()
                    .find(|b| {
                        b.assignment.as_deref() == Some(c.request_id.as_str())
                            && (b.action == "export" || b.action == "print")
                            && b.outcome == "allowed"
                            && b.detail.as_deref().is_some_and(|d| d.contains(&c.code))
                    })
                    .and_then(|b| b.reason.clone()),
                (None, Some(r)) => self
                    .open_request_record(r, &actor.id, &own)?
                    .map(|(_, rec)| rec.reason),
                (None, None) => None,
            };
            let verified = self.copy_row_verified(&c, req.as_ref());
            out.push(self.copy_info(&c, reason, verified)?);
        }
        // The ledger is the record a writer of the file cannot quietly
        // change: a copy it holds that the register lacks (a row deleted
        // by hand) is listed from the ledger, unverified.
        if let Some(entries) = &ledger_reasons {
            for b in entries {
                if b.letter_id.as_deref() != Some(l.id.as_str())
                    || !(b.action == "export" || b.action == "print")
                    || b.outcome != "allowed"
                {
                    continue;
                }
                let Some(copy) = b.detail.as_deref().and_then(parse_copy_detail) else {
                    continue;
                };
                if out.iter().any(|c| c.code == copy.code) {
                    continue;
                }
                out.push(CopyInfo {
                    id: String::new(),
                    letter_id: l.id.clone(),
                    receipt_no: l.receipt_no.clone(),
                    copy_no: copy.copy_no,
                    kind: b.action.clone(),
                    format: copy.format,
                    recipient: copy.recipient,
                    made_by: b.user.clone(),
                    approved_by: String::new(),
                    made_at: b.at,
                    pages: 0,
                    code: copy.code,
                    request_id: b.assignment.clone().unwrap_or_default(),
                    reason: b.reason.clone(),
                    verified: false,
                });
            }
            out.sort_by_key(|c| c.copy_no);
        }
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
        let l = self.letter_row(&c.letter_id)?;
        let dir = self.directory()?;
        let name = |id: &str| dir.user(id).map(|u| u.name.clone()).unwrap_or_default();
        Ok(CopyInfo {
            id: c.id.clone(),
            letter_id: l.id,
            receipt_no: l.receipt_no,
            copy_no: c.copy_no.max(0) as u32,
            kind: c.kind.clone(),
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

/// What a copy's ledger detail says (`copy_detail`).
struct CopyDetail {
    copy_no: u32,
    recipient: String,
    format: String,
    code: String,
}

/// Reads `copy N for RECIPIENT (FORMAT); mark CODE` back.
fn parse_copy_detail(d: &str) -> Option<CopyDetail> {
    let rest = d.strip_prefix("copy ")?;
    let (n, rest) = rest.split_once(" for ")?;
    let (head, code) = rest.rsplit_once("; mark ")?;
    let (recipient, format) = head.rsplit_once(" (")?;
    Some(CopyDetail {
        copy_no: n.parse().ok()?,
        recipient: recipient.to_owned(),
        format: format.strip_suffix(')')?.to_owned(),
        code: code.to_owned(),
    })
}
