//! Marked copies: exports to a file and prints, each for one recipient,
//! each approved by a supervisor, each in the letter's copy register.
//!
//! * A **copy request** (kind `export` or `print`) is made by someone who
//!   may read the letter now (its assigned handler, or the clerk who
//!   registered it) for one recipient, with a reason. It waits in the same
//!   queue as routing requests, for a supervisor of the requester's unit.
//! * **Approval** is signed by the deciding supervisor over the request
//!   (letter, requester, recipient, kind, until when it may be run). A
//!   request set to `approved` in the file by hand has no valid signature
//!   and is refused (threat row T10).
//! * **Running** it (the requester, once, before it lapses) marks every
//!   redacted page for the recipient with a fresh code and copy number,
//!   assembles the file in memory, commits the copy's row and its ledger
//!   entry together, and only then writes the file (fail closed). The
//!   identity compartment is never read.

use std::path::{Path, PathBuf};

use image::RgbImage;
use sealdesk_core::crypto::{self, DataKey};
use sealdesk_core::directory::UserCert;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{Fact, RequestStatus};
use sealdesk_store::{CopyRow, LetterRow, RequestRow};

use crate::actor::Actor;
use crate::ledger::{ledger_unavailable, Action, Event};
use crate::marks::{mark_fonts, page_png, PageMarker};
use crate::records::PageImage;
use crate::records::{rec_page, RegisterRecord, KEY_LETTER, REC_WORKING};
use crate::routing::{length_prefixed, RequestInfo, RequestRecord};
use crate::{ApiError, Result, Session, Vault};

mod register;
mod types;

pub use types::{Approved, CopyFormat, CopyInfo, CopyKind, ExportDone, PrintJob};

/// How long an approved copy request may be run, in days.
pub const COPY_APPROVAL_DAYS: i64 = 7;
const DAY_MS: i64 = 86_400_000;
/// Page images are rendered at this resolution (intake's 150 dpi).
const PAGE_DPI: f32 = 150.0;

const APPROVAL_LABEL: &[u8] = b"sealdesk.copy-approval.v1\0";
const COPY_LABEL: &[u8] = b"sealdesk.copy.v1\0";

/// What the deciding supervisor signs.
fn approval_message(r: &RequestRow, approver: &str, decided_at: i64) -> Vec<u8> {
    length_prefixed(
        APPROVAL_LABEL,
        &[
            r.id.as_bytes(),
            r.kind.as_bytes(),
            r.letter_id.as_bytes(),
            r.unit.as_bytes(),
            r.handler.as_bytes(),
            r.requested_by.as_bytes(),
            &r.requested_at.to_be_bytes(),
            &r.until.to_be_bytes(),
            approver.as_bytes(),
            &decided_at.to_be_bytes(),
        ],
    )
}

/// What the person who made a copy signs: the register row as stored.
fn copy_message(c: &CopyRow) -> Vec<u8> {
    length_prefixed(
        COPY_LABEL,
        &[
            c.id.as_bytes(),
            c.letter_id.as_bytes(),
            c.request_id.as_bytes(),
            &c.copy_no.to_be_bytes(),
            c.kind.as_bytes(),
            c.format.as_bytes(),
            c.recipient.as_bytes(),
            c.made_by.as_bytes(),
            c.approved_by.as_bytes(),
            &c.made_at.to_be_bytes(),
            &c.pages.to_be_bytes(),
            c.code.as_bytes(),
        ],
    )
}

/// `mark <code>` last in a copy's ledger detail, so `trace` finds it.
fn copy_detail(copy_no: i64, recipient: &str, format: &str, code: &str) -> String {
    format!("copy {copy_no} for {recipient} ({format}); mark {code}")
}

impl Vault {
    /// Handler (assigned) or the registering clerk: asks to export or print
    /// a letter for one recipient. Waits for a supervisor of the
    /// requester's unit.
    pub fn request_copy(
        &mut self,
        session: &mut Session,
        letter: &str,
        recipient: &str,
        kind: CopyKind,
        reason: &str,
    ) -> Result<RequestInfo> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Handler, Role::Clerk],
            kind.action(),
            "asking for a copy",
        )?;
        let l = self.letter_row(letter)?;
        let mut ev = self
            .event_for(role, kind.action(), &l)
            .detail(format!("request: {} for {recipient}", kind.as_str()));
        ev.reason = Some(reason.to_owned());
        if reason.trim().is_empty() {
            return self.deny(ev, ApiError::BadInput("state why (--reason)".into()));
        }
        self.require_state(&ev, &l.id, sealdesk_core::life::Act::Copy)?;
        let unit = match self.copy_standing(&actor, &l)? {
            Ok(standing) => standing.unit,
            Err(why) => return self.deny(ev, ApiError::Denied(why)),
        };
        let to = match self.cert_by_name(recipient) {
            Ok(c) if !c.disabled => c,
            Ok(_) => {
                return self.deny(
                    ev,
                    ApiError::BadInput(format!("{recipient} is a disabled account")),
                )
            }
            // A person without an account (someone outside, a typo) is told
            // as a sentence, not as a missing row (still `not_found`).
            Err(ApiError::NotFound(_)) => {
                return self.deny(
                    ev,
                    ApiError::NotFound(format!(
                        "「{recipient}」不是本系統的帳號：副本只交給有帳號的同仁，請確認帳號名稱。 {recipient} is not an account here: a copy goes only to a colleague with an account; check the account name."
                    )),
                )
            }
            Err(e) => return self.deny(ev, e),
        };
        let mut readers = self.certified_supervisors(&unit, &actor.id)?;
        readers.push(self.cert(&actor.id)?);
        readers.push(self.cert(&l.registered_by)?);
        let now = self.now().unix_millis();
        let id = self.make_id();
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
            id: id.clone(),
            kind: kind.as_str().into(),
            letter_id: l.id.clone(),
            unit,
            handler: to.id.clone(),
            requested_by: actor.id.clone(),
            requested_at: now,
            until: now + COPY_APPROVAL_DAYS * DAY_MS,
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
                kind: kind.request_kind(),
                letter: l.id.clone(),
                unit: req.unit.clone(),
                handler: to.id.clone(),
                until: req.until,
                readers: readers.iter().map(|c| c.id.clone()).collect(),
            },
        )?;
        let mut ev = ev.detail(format!("request {id}: {} for {}", kind.as_str(), to.name));
        ev.assignment = Some(id.clone());
        self.commit_recorded(|db, ap| {
            db.insert_request(&req)?;
            ap.fact(db, &signed)?;
            db.insert_data_key(&rk)?;
            for w in &rwraps {
                db.insert_wrap(w, now)?;
            }
            ap.event(db, &ev)
        })?;
        let own = self.session_key_owned(session)?;
        self.request_info(&req, Some((&actor.id, &own)))
    }

    /// Whether `actor` may copy the letter now: the unit whose supervisors
    /// decide and the assignment it rests on (none for the registering
    /// clerk), or why not.
    fn copy_standing(
        &mut self,
        actor: &Actor,
        l: &LetterRow,
    ) -> Result<std::result::Result<Standing, String>> {
        if let Some(a) = self.active_assignment(&actor.id, &l.id, "access")? {
            return Ok(Ok(Standing {
                unit: a.unit.clone(),
                assignment: Some(a),
            }));
        }
        if l.registered_by == actor.id && actor.roles.contains(Role::Clerk) {
            return Ok(match actor.unit.clone() {
                Some(unit) => Ok(Standing {
                    unit,
                    assignment: None,
                }),
                None => Err("you have no unit whose supervisor could approve".to_owned()),
            });
        }
        Ok(Err(
            "only the letter's assigned handler or registering clerk may ask for a copy".into(),
        ))
    }

    /// Supervisor: approves a pending request, of any kind.
    pub fn approve_any(
        &mut self,
        session: &mut Session,
        request: &str,
        reason: &str,
    ) -> Result<Approved> {
        let kind = self
            .checked_request_row(request)?
            .map(|(_, f)| f.kind.as_str().to_owned());
        match kind.as_deref().and_then(CopyKind::parse) {
            Some(_) => self
                .approve_copy(session, request, reason)
                .map(Approved::Copy),
            None => self
                .approve(session, request, reason)
                .map(Approved::Assignment),
        }
    }

    /// Supervisor of the requester's unit: approves a copy request, signing
    /// what was approved.
    pub fn approve_copy(
        &mut self,
        session: &mut Session,
        request: &str,
        reason: &str,
    ) -> Result<RequestInfo> {
        let actor = self.begin_as(
            session,
            &[Role::Supervisor],
            Action::RouteDecision,
            "approving a copy",
        )?;
        let (r, l) = self.pending_request(&actor, request, Action::RouteDecision)?;
        let Some(kind) = CopyKind::parse(&r.kind) else {
            return Err(ApiError::BadInput(format!(
                "request {} is a {} request; approve it with `approve`",
                r.id, r.kind
            )));
        };
        let now = self.now().unix_millis();
        if r.until <= now {
            let ev = self
                .event_for(Role::Supervisor, Action::RouteDecision, &l)
                .detail(format!("request {}", r.id));
            return self.deny(ev, ApiError::Denied("the request has lapsed".into()));
        }
        let ev = self
            .event_for(Role::Supervisor, Action::RouteDecision, &l)
            .detail(format!("request {}", r.id));
        self.require_state(&ev, &l.id, sealdesk_core::life::Act::Copy)?;
        let own = self.session_key_owned(session)?;
        let decision = self.reseal_request(&r, &own, &actor.id, reason)?;
        let signature = own
            .user_signing_key()
            .sign(&approval_message(&r, &actor.id, now))
            .to_vec();
        let signed = self.fact(
            &actor.id,
            now,
            Fact::Decide {
                request: r.id.clone(),
                approve: true,
                assignment: None,
            },
        )?;
        let mut ev = self
            .event_for(Role::Supervisor, Action::RouteDecision, &l)
            .detail(format!("approved request {} ({})", r.id, kind.as_str()));
        ev.reason = Some(reason.into());
        ev.assignment = Some(r.id.clone());
        self.commit_recorded(|db, ap| {
            ap.fact(db, &signed)?;
            db.set_request_status(
                &r.id,
                "approved",
                Some(&actor.id),
                Some(now),
                Some(&decision),
            )?;
            db.set_request_approval(&r.id, &signature)?;
            ap.event(db, &ev)
        })?;
        let r = RequestRow {
            status: "approved".into(),
            decided_by: Some(actor.id.clone()),
            decided_at: Some(now),
            sealed: decision,
            ..r
        };
        self.request_info(&r, Some((&actor.id, &own)))
    }

    /// The requester: their copy requests, in every status.
    pub fn copy_requests(&mut self, session: &mut Session) -> Result<Vec<RequestInfo>> {
        let actor = self.begin_as(
            session,
            &[Role::Handler, Role::Clerk],
            Action::Export,
            "listing copy requests",
        )?;
        let own = self.session_key_owned(session)?;
        // Which requests are the caller's is the signed facts' to say.
        let mut ids: Vec<(i64, String)> = self
            .facts()?
            .requests()
            .filter(|(_, r)| {
                r.requested_by == actor.id && CopyKind::parse(r.kind.as_str()).is_some()
            })
            .map(|(id, r)| (r.requested_at, id.clone()))
            .collect();
        ids.sort();
        let mut out = Vec::new();
        for (_, id) in ids {
            if let Some((r, _)) = self.checked_request_row(&id)? {
                out.push(self.request_info(&r, Some((&actor.id, &own)))?);
            }
        }
        Ok(out)
    }

    /// The requester: writes an approved export to `out` (a new `.pdf`
    /// file, or a new folder of PNG pages). The copy is registered and
    /// recorded before anything is written; if that fails, nothing is.
    pub fn run_export(
        &mut self,
        session: &mut Session,
        request: &str,
        format: CopyFormat,
        out: &Path,
    ) -> Result<ExportDone> {
        // The destination is made, empty, before anything is made or
        // recorded: a path that exists, a folder that does not, a folder
        // this account may not write to is refused while the approval is
        // still unused. After the record only the write itself can fail.
        let mut target = Destination::prepare(out, format)?;
        let made = self
            .make_copy(session, request, CopyKind::Export, format.as_str())
            .and_then(|(copy, pages)| {
                // Assembled in memory before the record.
                let files: Vec<(PathBuf, Vec<u8>)> = match format {
                    CopyFormat::Pdf => {
                        vec![(out.to_owned(), sealdesk_mark::raster_pdf(&pages, PAGE_DPI))]
                    }
                    CopyFormat::Png => {
                        let mut v = Vec::with_capacity(pages.len());
                        for (i, p) in pages.iter().enumerate() {
                            v.push((out.join(format!("page-{:02}.png", i + 1)), page_png(p)?));
                        }
                        v
                    }
                };
                Ok((self.commit_copy(copy)?, files))
            });
        let (copy, files) = match made {
            Ok(m) => m,
            Err(e) => {
                target.abandon();
                return Err(e);
            }
        };
        let mut written = Vec::with_capacity(files.len());
        for (path, bytes) in &files {
            target
                .write(path, bytes)
                .map_err(|e| write_error(&copy, path, e))?;
            written.push(path.display().to_string());
        }
        Ok(ExportDone {
            copy,
            files: written,
        })
    }

    /// The requester: the marked pages of an approved print, recorded (as
    /// `print`) before they are returned to go to the printer.
    pub fn run_print(&mut self, session: &mut Session, request: &str) -> Result<PrintJob> {
        let (copy, pages) = self.make_copy(session, request, CopyKind::Print, "print")?;
        let mut out = Vec::with_capacity(pages.len());
        for (i, p) in pages.iter().enumerate() {
            out.push(PageImage {
                page: i as u32 + 1,
                png_base64: data_encoding::BASE64.encode(&page_png(p)?),
            });
        }
        let copy = self.commit_copy(copy)?;
        Ok(PrintJob { copy, pages: out })
    }

    /// Checks the request and the caller, and marks every page for the
    /// recipient. Nothing is recorded yet: `commit_copy` does that.
    fn make_copy(
        &mut self,
        session: &mut Session,
        request: &str,
        kind: CopyKind,
        format: &str,
    ) -> Result<(PendingCopy, Vec<RgbImage>)> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Handler, Role::Clerk],
            kind.action(),
            "making a copy",
        )?;
        let (r, _) = self
            .checked_request_row(request)?
            .ok_or_else(|| ApiError::NotFound(format!("request {request}")))?;
        let l = self.letter_row(&r.letter_id)?;
        let mut ev = self
            .event_for(role, kind.action(), &l)
            .detail(format!("run request {}", r.id));
        ev.assignment = Some(r.id.clone());
        self.require_state(&ev, &l.id, sealdesk_core::life::Act::Copy)?;
        if CopyKind::parse(&r.kind) != Some(kind) {
            return self.deny(
                ev,
                ApiError::BadInput(format!(
                    "request {} is not a {} request",
                    r.id,
                    kind.as_str()
                )),
            );
        }
        if r.requested_by != actor.id {
            return self.deny(
                ev,
                ApiError::Denied("only the person who asked for this copy may make it".into()),
            );
        }
        let now = self.now().unix_millis();
        // Where the request stands is the signed facts' to say: a request
        // set back to approved in the file, its copy row deleted, makes no
        // second copy (T10).
        let status = self.checked_request(&r)?.status;
        let refusal = match status {
            RequestStatus::Approved if r.until <= now => {
                Some("the approval has lapsed; ask again".to_owned())
            }
            RequestStatus::Approved => None,
            RequestStatus::Done => {
                Some("this copy was already made; ask again for another".to_owned())
            }
            other => Some(format!("the request is {}, not approved", other.as_str())),
        };
        if let Some(why) = refusal {
            return self.deny(ev, ApiError::Denied(why));
        }
        // The approval must be a certified supervisor's signature over this
        // request as it stands: a status set by hand is refused (T10).
        let approver = match self.check_copy_approval(&r) {
            Ok(c) => c,
            Err(e) => return self.deny(ev, e),
        };
        // Still entitled to read it now (an assignment may have ended).
        let standing = match self.copy_standing(&actor, &l)? {
            Ok(s) => s,
            Err(why) => return self.deny(ev, ApiError::Denied(why)),
        };
        let recipient = self.cert(&r.handler)?;
        let own = self.session_key_owned(session)?;
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &l.id, KEY_LETTER) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let register = self.open_register(&key_id, &dk)?;
        // A handler who has not affirmed no relationship with the letter's
        // parties (at first open) makes no copy of it either.
        if !register.parties.is_empty() {
            let affirmed = standing
                .assignment
                .as_ref()
                .is_none_or(|a| a.affirmed_at.is_some());
            if !affirmed {
                return self.deny(
                    ev,
                    ApiError::Denied(
                        "open the letter first and affirm you have no relationship with its parties".into(),
                    ),
                );
            }
        }
        // Copy numbers follow from the signed copies, not from the table.
        let copy_no = i64::from(self.facts()?.letter(&l.id).map_or(0, |f| f.copies)) + 1;
        let code = self.make_mark_code();
        let mark_kind = match kind {
            CopyKind::Export => sealdesk_mark::MarkKind::Export {
                copy: copy_no as u32,
            },
            CopyKind::Print => sealdesk_mark::MarkKind::Print {
                copy: copy_no as u32,
            },
        };
        let struck = self.new_marking(&l.id)?;
        let marker = PageMarker::for_recipient(
            &recipient.name,
            recipient.unit.as_deref().unwrap_or_default(),
            &l.level,
            &register.secrecy,
            self.now(),
            mark_kind,
            code,
        )
        .struck(struck);
        let pages = match self.copy_pages(&register, &key_id, &dk, &marker) {
            Ok(p) => p,
            Err(e) => return self.deny(ev, e),
        };
        let mut row = CopyRow {
            id: self.make_id(),
            letter_id: l.id.clone(),
            request_id: r.id.clone(),
            copy_no,
            kind: kind.as_str().into(),
            format: format.into(),
            recipient: recipient.id.clone(),
            made_by: actor.id.clone(),
            approved_by: approver.id.clone(),
            made_at: now,
            pages: pages.len() as i64,
            code: code.to_string(),
            signature: Vec::new(),
        };
        row.signature = own.user_signing_key().sign(&copy_message(&row)).to_vec();
        ev.reason = self
            .open_request_record(&r, &actor.id, &own)?
            .map(|(_, rec)| rec.reason);
        ev.detail = Some(copy_detail(copy_no, &recipient.name, format, &row.code));
        Ok((PendingCopy { row, ev }, pages))
    }

    /// The marked pages of a copy: the redacted page images, or (for a
    /// letter with none, such as an e-mail) the masked working copy set on
    /// pages. Never the original, never the identity compartment.
    fn copy_pages(
        &self,
        register: &RegisterRecord,
        key_id: &str,
        dk: &DataKey,
        marker: &PageMarker,
    ) -> Result<Vec<RgbImage>> {
        if register.page_images.is_empty() {
            let text = self.open_record_under(dk, key_id, REC_WORKING)?;
            let pages =
                sealdesk_mark::text_pages(text.expose_str().unwrap_or_default(), mark_fonts()?);
            return on_threads(&pages, |p| marker.mark_rgb(p));
        }
        // Opened here (the store is not shared across threads), marked on
        // two threads.
        let mut pngs = Vec::with_capacity(register.page_images.len());
        for &n in &register.page_images {
            pngs.push(self.open_record_under(dk, key_id, &rec_page(n))?);
        }
        on_threads(&pngs, |png| marker.mark_bytes(png.expose()))
    }

    /// Registers the copy and records it, in one transaction.
    fn commit_copy(&mut self, c: PendingCopy) -> Result<CopyInfo> {
        let PendingCopy { row, ev } = c;
        let reason = ev.reason.clone();
        let signed = self.fact(
            &row.made_by,
            row.made_at,
            Fact::Copy {
                request: row.request_id.clone(),
                copy_no: u32::try_from(row.copy_no).unwrap_or(u32::MAX),
            },
        )?;
        self.commit_recorded(|db, ap| {
            db.insert_copy(&row)?;
            ap.fact(db, &signed)?;
            db.set_request_status(&row.request_id, "done", None, None, None)?;
            ap.event(db, &ev)
        })
        .map_err(ledger_unavailable)?;
        self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        self.copy_info(&row, reason, true)
    }

    /// The supervisor whose signature approves `r`, checked.
    pub(super) fn check_copy_approval(&mut self, r: &RequestRow) -> Result<UserCert> {
        let bad = || {
            ApiError::Integrity(format!(
                "request {} is marked approved, but not with a valid supervisor's signature (edited in the file?)",
                r.id
            ))
        };
        let (Some(by), Some(at)) = (r.decided_by.as_deref(), r.decided_at) else {
            return Err(bad());
        };
        let sig = self.store.read(|db| db.request_approval(&r.id))?;
        let cert = self.cert(by).map_err(|_| bad())?;
        let ok = cert.has_role(Role::Supervisor)
            && cert.unit.as_deref() == Some(r.unit.as_str())
            && cert.id != r.requested_by
            && cert.id != r.handler
            && crypto::verify_signature(&cert.verifying_key(), &approval_message(r, by, at), &sig)
                .is_ok();
        if ok {
            Ok(cert)
        } else {
            Err(bad())
        }
    }
}

/// Who may copy a letter now, and under which unit's approval.
struct Standing {
    unit: String,
    /// The handler's assignment (none for the registering clerk).
    assignment: Option<sealdesk_store::AssignmentRow>,
}

/// A copy made and signed, not yet recorded.
struct PendingCopy {
    row: CopyRow,
    ev: Event,
}

/// Threads that mark pages (as many as render them at intake).
const MARK_THREADS: usize = 2;

/// `f` of every item, in order, on [`MARK_THREADS`] threads; the first
/// error wins.
fn on_threads<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> Result<U> + Sync) -> Result<Vec<U>> {
    let chunk = items.len().div_ceil(MARK_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Result<Vec<U>>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for w in workers {
            let part = w
                .join()
                .map_err(|_| ApiError::BadInput("a page could not be marked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// Creates `path`, refusing to overwrite anything.
/// Where an export goes, made before the copy is recorded: the PDF file,
/// created empty (never over an existing one), or the folder of PNG pages.
struct Destination {
    path: PathBuf,
    /// The PDF, open for writing; `None` for a folder of pages.
    file: Option<std::fs::File>,
    done: bool,
}

impl Destination {
    fn prepare(out: &Path, format: CopyFormat) -> Result<Self> {
        let refuse = |e: std::io::Error| {
            ApiError::BadInput(match e.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    format!("{} already exists; choose a new name", out.display())
                }
                std::io::ErrorKind::NotFound => format!(
                    "{}: the folder does not exist; choose another place (nothing was recorded)",
                    out.display()
                ),
                _ => format!(
                    "{} cannot be written: {e}; choose another place (nothing was recorded)",
                    out.display()
                ),
            })
        };
        let file = match format {
            CopyFormat::Pdf => Some(
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(out)
                    .map_err(refuse)?,
            ),
            CopyFormat::Png => {
                std::fs::create_dir(out).map_err(refuse)?;
                None
            }
        };
        Ok(Self {
            path: out.to_owned(),
            file,
            done: false,
        })
    }

    fn write(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write as _;
        self.done = true;
        match self.file.as_mut() {
            Some(f) => {
                f.write_all(bytes)?;
                f.sync_all()
            }
            None => write_new(path, bytes),
        }
    }

    /// Removes what `prepare` made (empty) when no copy was recorded.
    fn abandon(&mut self) {
        if self.done {
            return;
        }
        self.file = None;
        let removed = if self.path.is_dir() {
            std::fs::remove_dir(&self.path)
        } else {
            std::fs::remove_file(&self.path)
        };
        if let Err(e) = removed {
            tracing::warn!(error = %e, path = %self.path.display(), "could not remove an unused export destination");
        }
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn write_error(copy: &CopyInfo, path: &Path, e: std::io::Error) -> ApiError {
    ApiError::BadInput(format!(
        "copy {} was registered and recorded, but {} could not be written: {e}; ask for a new copy",
        copy.copy_no,
        path.display()
    ))
}
