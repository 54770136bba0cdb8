//! Letters: registering typed text, listing, opening, and proving the
//! recovery key. (Intake from PDF, scans and e-mail, and routing, build on
//! this.)

use sealdesk_core::crypto::{self, RecordBinding, RecoveryCode, WrapBinding};
use sealdesk_core::domain::Role;
use sealdesk_core::facts::Fact;
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::records::{
    Category, PageImage, RegisterMeta, RegisterRecord, Review, Secrecy, KEY_IDENTITY, KEY_LETTER,
    REC_HANDLER, REC_REGISTER, REC_WORKING,
};
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

#[derive(Debug, Clone)]
pub struct NewTypedLetter {
    pub subject: String,
    pub body: String,
    pub category: Category,
    pub secrecy: Secrecy,
}

/// A register line as the caller may see it. Nothing here identifies anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterSummary {
    pub id: String,
    pub receipt_no: String,
    /// 密等
    pub level: String,
    pub category: String,
    /// UTC milliseconds.
    pub registered_at: i64,
    /// Whether the caller holds a key to this letter.
    pub can_read: bool,
    /// The register's fields, for a caller who holds the letter's key.
    pub register: Option<crate::desk::RegisterLine>,
    /// Where the letter is in routing.
    pub routing: crate::desk::RoutingState,
    /// Where it is in its life, as the signed facts say.
    pub state: sealdesk_core::life::LetterState,
    /// 現持有人: handlers with live access to it now.
    pub holders: Vec<String>,
}

/// A letter's content, returned only to a holder of its key. `text` is the
/// working copy: personal data masked (the identity compartment is separate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterContent {
    pub id: String,
    pub receipt_no: String,
    pub level: String,
    pub subject: String,
    pub secrecy: Secrecy,
    pub text: String,
    /// The redacted page images (PNG, base64), in page order; empty for a
    /// letter that came as text. Withheld pages are absent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<PageImage>>"))]
    pub pages: Vec<PageImage>,
    /// Why the page images are not shown, when they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pages_withheld: Option<String>,
}

/// What `recover` proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    pub data_keys: usize,
    pub records: usize,
}

impl Vault {
    /// Clerk: registers a letter typed into the form (see `register_text`).
    pub fn register_typed_letter(
        &mut self,
        session: &mut Session,
        new: &NewTypedLetter,
    ) -> Result<LetterSummary> {
        let mut meta = RegisterMeta::new(new.category, new.secrecy.clone());
        meta.subject = new.subject.clone();
        let r = self.register_text(session, &new.body, &meta, &Review::default())?;
        let now = self.now().unix_millis();
        let routing = self.routing_state(&r.letter_id, now)?;
        Ok(LetterSummary {
            id: r.letter_id,
            receipt_no: r.receipt_no,
            level: r.level,
            category: r.category,
            registered_at: r.registered_at,
            can_read: true,
            register: Some(crate::desk::RegisterLine {
                subject: meta.subject.clone(),
                sender_agency: None,
                sender_doc_no: None,
                secrecy: meta.secrecy.clone(),
                received_at: r.registered_at,
                source: "text".into(),
                pages: r.pages,
                deadline: None,
                addressee: meta.addressee,
                opened_by: Some(session.user_name().to_owned()),
                seal_intact: meta.seal_intact,
                attachments: Vec::new(),
                retention_years: meta.retention_years,
            }),
            routing,
            state: sealdesk_core::life::LetterState::Registered,
            holders: Vec::new(),
        })
    }

    /// The register as the caller may see it: a clerk sees every line;
    /// supervisors and handlers see the letters they hold a key to.
    pub fn list_letters(&mut self, session: &mut Session) -> Result<Vec<LetterSummary>> {
        let actor = self.begin_as(
            session,
            &[Role::Clerk, Role::Supervisor, Role::Handler],
            Action::View,
            "listing letters",
        )?;
        let is_clerk = actor.roles.contains(Role::Clerk);
        let (rows, stored) = self.store.read(|db| {
            let mut out = Vec::new();
            let mut stored = Vec::new();
            for l in db.list_letters()? {
                stored.push(l.id.clone());
                let can_read = match db.data_key_of(&l.id, KEY_LETTER)? {
                    Some(k) => db.wrap_for(&k.id, &actor.id)?.is_some(),
                    None => false,
                };
                if is_clerk || can_read {
                    out.push((l, can_read));
                }
            }
            Ok((out, stored))
        })?;
        let own = self.session_key_owned(session)?;
        let now = self.now().unix_millis();
        // Every registered letter (a signed fact) has its row.
        let signed: Vec<String> = self.facts()?.letters().map(|(id, _)| id.clone()).collect();
        if let Some(id) = signed.iter().find(|id| !stored.contains(id)) {
            return Err(ApiError::Integrity(format!(
                "letter {id} was registered and signed, but its row is gone from the file"
            )));
        }
        let mut out = Vec::with_capacity(rows.len());
        for (l, can_read) in rows {
            let l = self.check_letter(l)?;
            if !can_read && self.holds_by_facts(&actor.id, &l.id)? {
                return Err(ApiError::Integrity(format!(
                    "your key to letter {} is gone from the file, though the signed facts say you hold it",
                    l.receipt_no
                )));
            }
            let registered_at = self
                .facts()?
                .letter(&l.id)
                .map_or(l.registered_at, |f| f.registered_at);
            // The register's fields (no identity in them) for a key holder;
            // reading them is not a view of the letter.
            let register = if can_read {
                let (key_id, dk) = self.letter_key_for(&actor, &own, &l.id, KEY_LETTER)?;
                Some(crate::desk::RegisterLine::from_record(
                    &self.open_register(&key_id, &dk)?,
                ))
            } else {
                None
            };
            let routing = self.routing_state(&l.id, now)?;
            let (state, holders) = {
                let facts = self.facts()?;
                let state = facts
                    .state_of(&l.id)
                    .unwrap_or(sealdesk_core::life::LetterState::Registered);
                let ids: Vec<String> = facts
                    .assignments()
                    .filter(|(_, a)| {
                        a.letter == l.id
                            && a.kind == sealdesk_core::facts::RequestKind::Access
                            && a.live(now)
                    })
                    .map(|(_, a)| a.handler.clone())
                    .collect();
                (state, ids)
            };
            let directory = self.directory()?;
            let holders = holders
                .iter()
                .filter_map(|id| directory.user(id).map(|c| c.name.clone()))
                .collect();
            out.push(LetterSummary {
                state,
                holders,
                id: l.id,
                receipt_no: l.receipt_no,
                level: l.level,
                category: l.category,
                registered_at,
                can_read,
                register,
                routing,
            });
        }
        // In the order they were registered, as signed.
        out.sort_by(|a, b| (a.registered_at, &a.receipt_no).cmp(&(b.registered_at, &b.receipt_no)));
        Ok(out)
    }

    /// Opens a letter for a caller who holds its key, with a stated reason.
    ///
    /// Fail closed: the content is decrypted in memory, then the `view`
    /// entry is committed to the ledger, and only then returned. If the entry
    /// cannot be written, the content is dropped and the call fails. Every
    /// denied attempt is recorded too.
    pub fn open_letter(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
    ) -> Result<LetterContent> {
        self.open_letter_affirming(session, letter, reason, false)
    }

    /// `open_letter`, for a handler who affirms at first open that they have
    /// no relationship with the letter's parties. A handler opens only a
    /// letter assigned to them (and still unexpired); the registering clerk
    /// opens what they registered. Both read the working copy.
    pub fn open_letter_affirming(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
        affirm_no_conflict: bool,
    ) -> Result<LetterContent> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Clerk, Role::Supervisor, Role::Handler],
            Action::View,
            "opening a letter",
        )?;
        let mut ev = Event::new(Some(role), Action::View);
        ev.letter_id = Some(letter.to_owned());
        ev.reason = Some(reason.to_owned());
        if reason.trim().is_empty() {
            return self.deny(
                ev,
                ApiError::BadInput("state why you open this letter (--reason)".into()),
            );
        }
        let found = self.store.read(|db| {
            let Some(row) = db.letter(letter)? else {
                return Ok(None);
            };
            let Some(key_row) = db.data_key_of(&row.id, KEY_LETTER)? else {
                return Ok(None);
            };
            let wrapped = db.wrap_for(&key_row.id, &actor.id)?;
            Ok(Some((row, key_row, wrapped)))
        })?;
        let Some((row, key_row, wrapped)) = found else {
            return self.deny(ev, ApiError::NotFound(format!("letter {letter}")));
        };
        let row = self.check_letter(row)?;
        if key_row.letter_id != row.id {
            return Err(ApiError::Integrity(format!(
                "the key row of letter {} names another letter",
                row.receipt_no
            )));
        }
        ev.letter_id = Some(row.id.clone());
        ev.receipt_no = Some(row.receipt_no.clone());
        ev.level = Some(row.level.clone());
        self.require_state(&ev, &row.id, sealdesk_core::life::Act::Open)?;
        let Some(wrapped) = wrapped else {
            return self.deny(
                ev,
                ApiError::Denied("you are not on this letter's list".into()),
            );
        };
        // A handler needs a live assignment, not just a key: the key may not
        // have been swept yet, and the assignment carries the affirmation.
        // The ledger records the role that granted the view, and the
        // assignment it rests on.
        let assignment = if row.registered_by == actor.id && actor.roles.contains(Role::Clerk) {
            ev.role = Some(Role::Clerk);
            None
        } else {
            match self.active_assignment(&actor.id, &row.id, "access")? {
                Some(a) => {
                    ev.role = Some(Role::Handler);
                    ev.assignment = Some(a.id.clone());
                    Some(a)
                }
                None => {
                    return self.deny(
                        ev,
                        ApiError::Denied("you are not assigned this letter".into()),
                    )
                }
            }
        };
        let own = self.session_key_owned(session)?;
        let data_key = crypto::unwrap_data_key(
            &own,
            &WrapBinding {
                record_id: &key_row.id,
                purpose: KEY_LETTER,
            },
            &wrapped,
        )
        .map_err(ApiError::from_crypto("the letter's key"))?;
        let register: RegisterRecord = {
            let pt = self.open_record_under(&data_key, &key_row.id, REC_REGISTER)?;
            serde_json::from_slice(pt.expose())
                .map_err(|_| ApiError::Integrity("register record".into()))?
        };
        if let Some(a) = &assignment {
            if !register.parties.is_empty() && a.affirmed_at.is_none() {
                if !affirm_no_conflict {
                    // A prompt, not a refusal: nothing was shown and the
                    // handler is asked to affirm first, so no denial is
                    // recorded (denials are what an auditor looks for).
                    return Err(ApiError::AffirmationRequired(register.parties.clone()));
                }
                let now = self.now().unix_millis();
                // The affirmation is the handler's signed fact (a time set
                // in the file skips nothing), and the ledger names how many
                // parties, never who: exports of the ledger leave the
                // letter's compartment.
                let signed = self.fact(
                    &actor.id,
                    now,
                    Fact::Affirm {
                        assignment: a.id.clone(),
                    },
                )?;
                let mut aff = ev.clone();
                aff.action = Action::RouteDecision;
                aff.detail = Some(format!(
                    "affirmed no relationship with the letter's {} part(ies)",
                    register.parties.len()
                ));
                self.commit_recorded(|db, ap| {
                    db.affirm_assignment(&a.id, now)?;
                    ap.fact(db, &signed)?;
                    ap.event(db, &aff)
                })?;
            }
        }
        // The handler's text (the writer's data masked, others named shown);
        // a letter registered before it has only the working copy.
        // Which one is the sealed register's to say, never the file's rows:
        // a deleted or renamed handler's text is `integrity`.
        let purpose = if register.handler_text {
            REC_HANDLER
        } else {
            REC_WORKING
        };
        let text = self.open_record_under(&data_key, &key_row.id, purpose)?;
        // Every page shown carries the viewer's mark (name, unit, time, 密等
        // and a code that this view's ledger entry names); a page that
        // cannot be marked is not shown.
        let code = self.make_mark_code();
        let struck = self.new_marking(&row.id)?;
        let marker = crate::marks::PageMarker::new(
            &actor,
            &row.level,
            &register.secrecy,
            self.now(),
            sealdesk_mark::MarkKind::Screen,
            code,
        )
        .struck(struck);
        // The handler's pages (boxed over the writer's data only), or for a
        // letter registered before them, the pages boxed over every finding.
        let (numbers, page_record): (&[u32], fn(u32) -> String) = match &register.handler_pages {
            Some(pages) => (pages, crate::records::rec_handler_page),
            None => (&register.page_images, crate::records::rec_page),
        };
        let mut pages = Vec::with_capacity(numbers.len());
        let mut pages_withheld = None;
        for &n in numbers {
            let png = self.open_record_under(&data_key, &key_row.id, &page_record(n))?;
            match marker.mark_png(png.expose()) {
                Ok(marked) => pages.push(PageImage {
                    page: n,
                    png_base64: data_encoding::BASE64.encode(&marked),
                }),
                Err(e) => {
                    tracing::error!(error = %e, "a page could not be marked");
                    pages_withheld = Some(format!("頁面影像無法加上浮水印，未顯示。 The page images could not be marked, so they are not shown: {e}"));
                }
            }
        }
        if pages_withheld.is_some() {
            pages.clear();
        }
        if !pages.is_empty() {
            ev.detail = Some(crate::marks::mark_detail(code));
        }
        // Fail closed: the view (text and pages) is recorded before either
        // is returned.
        self.record(ev)?;
        Ok(LetterContent {
            id: row.id,
            receipt_no: row.receipt_no,
            level: row.level,
            subject: register.subject,
            secrecy: register.secrecy,
            text: text.expose_str().unwrap_or_default().to_owned(),
            pages,
            pages_withheld,
        })
    }

    /// Proves the recovery code: it must match this vault's recovery key and
    /// open every data key and every record under it. Needs no session: the
    /// code is the authority, and it is kept offline.
    pub fn recover_check(&mut self, code: &RecoveryCode) -> Result<RecoveryReport> {
        if code.public_key() != self.recovery_public_key()? {
            self.ctx = None;
            return self.deny(Event::new(None, Action::Recover), ApiError::BadRecoveryCode);
        }
        self.act_as_root(code)?;
        let out = self.recover_check_inner(code);
        self.end_root_act();
        out
    }

    fn recover_check_inner(&mut self, code: &RecoveryCode) -> Result<RecoveryReport> {
        let mut keys = self.store.read(|db| db.list_data_keys())?;
        // A destroyed letter's keys were shredded on purpose (a signed
        // destruction): they have no wraps left, the recovery's included.
        let facts = self.facts()?;
        keys.retain(|k| {
            !facts.letter(&k.letter_id).is_some_and(|l| {
                l.state == sealdesk_core::life::LetterState::Destroyed
                    && (k.purpose != KEY_IDENTITY || l.identity_destroyed)
            })
        });
        let mut records = 0;
        for k in &keys {
            let wrapped = self
                .store
                .read(|db| db.wrap_for(&k.id, RECOVERY_RECIPIENT))?
                .ok_or_else(|| {
                    ApiError::Integrity(format!("data key {} has no recovery wrap", k.id))
                })?;
            let dk = crypto::unwrap_data_key(
                code.secret_key(),
                &WrapBinding {
                    record_id: &k.id,
                    purpose: &k.purpose,
                },
                &wrapped,
            )
            .map_err(ApiError::from_crypto("a recovery wrap"))?;
            for rec in self.store.read(|db| db.records_under(&k.id))? {
                crypto::open_record(
                    &dk,
                    &RecordBinding {
                        record_id: &rec.id,
                        purpose: &rec.purpose,
                    },
                    &rec.sealed,
                )
                .map_err(ApiError::from_crypto("a sealed record"))?;
                records += 1;
            }
        }
        self.record(Event::new(None, Action::Recover).detail(format!(
            "recovery code checked: {} key(s), {records} record(s)",
            keys.len()
        )))?;
        Ok(RecoveryReport {
            data_keys: keys.len(),
            records,
        })
    }
}
