//! What the desktop app's screens need beyond the CLI's verbs: the routing
//! state of a register line, the routing directory, a slip preview, a
//! unit's open assignments, drafts the clerk reviews before sealing, and
//! recorded copies from the reading room.
//!
//! Same rules as everywhere in this crate: each method starts with
//! [`Vault::begin`], checks the role, and records refusals.

use std::collections::BTreeMap;

use sealdesk_core::crypto;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::{AssignmentFacts, RequestKind, RequestStatus};
use sealdesk_core::pii::PiiKind;
use sealdesk_intake::Extracted;
use serde::Serialize;
use zeroize::Zeroize;

use crate::actor::Actor;
use crate::drafts::DraftEntry;
use crate::intake::Registered;
use crate::ledger::Action;
use crate::records::Secrecy;
use crate::records::{RegisterMeta, RegisterRecord, Review, KEY_LETTER};
use crate::routing::{AssignmentInfo, RoutingSlip};
use crate::session::Session;
use crate::{ApiError, Result, Vault};

/// How many drafts one desk keeps open at most (each holds a letter in memory).
const MAX_DRAFTS: usize = 8;

/// A register line's fields from the sealed register record, for a caller
/// who holds the letter's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterLine {
    /// 案由 (may be a code name).
    pub subject: String,
    pub sender_agency: Option<String>,
    pub sender_doc_no: Option<String>,
    /// 保密期限 or 解密條件.
    pub secrecy: Secrecy,
    /// When the letter arrived, UTC milliseconds.
    pub received_at: i64,
    /// `pdf`, `image`, `email` or `text`.
    pub source: String,
    pub pages: u32,
    /// 辦理期限 (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// 受文者: the agency, its head, or a named person.
    pub addressee: crate::records::AddresseeType,
    /// 拆封人 (an account name).
    pub opened_by: Option<String>,
    /// 封口完整 on arrival.
    pub seal_intact: bool,
    /// 附件, names masked.
    pub attachments: Vec<String>,
    /// 保存年限, in years.
    pub retention_years: u32,
}

impl RegisterLine {
    pub(crate) fn from_record(r: &RegisterRecord) -> Self {
        Self {
            addressee: r.addressee,
            opened_by: r.opened_by.clone(),
            seal_intact: r.seal_intact,
            attachments: r.attachments.clone(),
            retention_years: r.retention_years,
            subject: r.subject.clone(),
            sender_agency: r.sender_agency.clone(),
            sender_doc_no: r.sender_doc_no.clone(),
            secrecy: r.secrecy.clone(),
            received_at: r.received_at,
            source: r.source.clone(),
            pages: r.pages,
            deadline: r.deadline.clone(),
        }
    }
}

/// Where a letter is in routing, as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoutingState {
    /// `new`, `inquiring`, `requested`, `assigned` or `ended`.
    pub status: RoutingStatus,
    /// The handler holding it now (account name), when assigned.
    pub holder: Option<String>,
    /// The unit it is with or asked of.
    pub unit: Option<String>,
    /// End of the current access, UTC milliseconds.
    pub until: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RoutingStatus {
    /// Nothing asked or requested yet.
    New,
    /// An inquiry waits for an answer.
    Inquiring,
    /// A routing request waits for the supervisor.
    Requested,
    /// A handler holds live access.
    Assigned,
    /// Access was granted once and has ended.
    Ended,
}

/// A unit and the people routing can name in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitPeople {
    pub unit: String,
    pub supervisors: Vec<String>,
    pub handlers: Vec<String>,
}

/// The units and their active supervisors and handlers (certified accounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoutingDirectory {
    pub units: Vec<UnitPeople>,
}

/// One detected item in a draft, with its span in UTF-16 code units (what
/// the UI's strings count), not bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftFinding {
    pub kind: PiiKind,
    pub value: String,
    pub start: u32,
    pub end: u32,
    pub confidence: f32,
    /// Whether its place on the page images was found; when not, the page
    /// it is on is withheld from handlers.
    pub placed: bool,
    /// Suggested as the writer's own (sealed, masked for handlers) rather
    /// than another person's named in the letter (shown to the handler);
    /// the clerk decides. For a procurement objection the UI shows the
    /// objecting company as the handler's by default.
    pub writer: bool,
}

/// A page image of a draft, for the registering clerk: the original page
/// (the clerk reads the original anyway) and where each finding's box will
/// go, so the review shows the page as handlers will see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftPage {
    /// 1-based.
    pub page: u32,
    pub png_base64: String,
    pub width: u32,
    pub height: u32,
    /// Whether anything was read on the page (a text layer or OCR). A page
    /// nothing was read from is withheld from handlers.
    pub read: bool,
    pub boxes: Vec<DraftBox>,
    /// Boxes every scanned page gets whatever the review says: its red
    /// seals and signature blocks (`finding` is unused: 0).
    pub standing: Vec<DraftBox>,
}

/// Where a finding's box goes on a page image, in its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftBox {
    /// The index of the finding in the draft's findings.
    pub finding: u32,
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// A letter read but not yet sealed: for the registering clerk's review.
/// Held in memory only, by the vault, until registered or discarded.
#[derive(Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Draft {
    pub draft_id: String,
    pub file_name: String,
    /// `pdf`, `image`, `email` or `text`.
    pub source: String,
    pub pages: u32,
    /// The full text, for the clerk who is registering it.
    pub text: String,
    pub findings: Vec<DraftFinding>,
    pub notices: Vec<String>,
    pub sha256: String,
    /// The receipt number of a letter already registered from the same
    /// bytes, if the clerk holds its key.
    pub duplicate_of: Option<String>,
    /// For a scan read by OCR: Tesseract's mean word confidence (weighted by
    /// characters), 0 to 100,
    /// so the clerk knows how closely to check the text.
    pub ocr_confidence: Option<f32>,
    /// The page images with the findings' boxes (none for text and e-mail).
    pub page_images: Vec<DraftPage>,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("draft_id", &self.draft_id)
            .field("pages", &self.pages)
            .field("text", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The vault's settings an admin may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    pub idle_timeout_secs: i64,
    /// The longest access an approval may grant, in days.
    pub max_access_days: i64,
}

/// A byte offset in `text` → UTF-16 code units before it.
fn utf16_at(text: &str, byte: usize) -> u32 {
    let byte = byte.min(text.len());
    let cut = (0..=byte)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text[..cut].encode_utf16().count() as u32
}

impl Vault {
    /// The routing state of a letter: who holds it and until when, or which
    /// unit it waits on, from the signed facts (a row edited in the file
    /// names no other holder); only the inquiries are rows.
    pub(crate) fn routing_state(&mut self, letter_id: &str, now: i64) -> Result<RoutingState> {
        let facts = self.facts()?;
        let mut inqs: Vec<(i64, String, bool)> = facts
            .inquiries()
            .filter(|(_, q)| q.letter == letter_id)
            .map(|(_, q)| (q.asked_at, q.unit.clone(), q.answer.is_some()))
            .collect();
        inqs.sort();
        let access: Vec<&AssignmentFacts> = facts
            .assignments()
            .map(|(_, a)| a)
            .filter(|a| a.letter == letter_id && a.kind == RequestKind::Access)
            .collect();
        let live = access
            .iter()
            .filter(|a| a.live(now))
            .max_by_key(|a| a.starts_at)
            .map(|a| (a.handler.clone(), a.unit.clone(), a.until));
        let pending = facts
            .requests()
            .map(|(_, r)| r)
            .filter(|r| {
                r.letter == letter_id
                    && r.kind == RequestKind::Access
                    && r.status == RequestStatus::Pending
            })
            .max_by_key(|r| r.requested_at)
            .map(|r| r.unit.clone());
        let ended = access
            .iter()
            .max_by_key(|a| a.starts_at)
            .map(|a| (a.unit.clone(), a.ended.map_or(a.until, |(_, at)| at)));
        if let Some((handler, unit, until)) = live {
            let holder = self.directory()?.user(&handler).map(|u| u.name.clone());
            return Ok(RoutingState {
                status: RoutingStatus::Assigned,
                holder,
                unit: Some(unit),
                until: Some(until),
            });
        }
        let state = |status, unit: Option<String>| RoutingState {
            status,
            holder: None,
            unit,
            until: None,
        };
        if let Some(unit) = pending {
            return Ok(state(RoutingStatus::Requested, Some(unit)));
        }
        // Otherwise the newer of an open inquiry and an ended access.
        let open = inqs.iter().rev().find(|(_, _, answered)| !answered);
        match (open, ended) {
            (Some((asked_at, _, _)), Some((unit, ended_at))) if *asked_at <= ended_at => {
                Ok(state(RoutingStatus::Ended, Some(unit)))
            }
            (Some((_, unit, _)), _) => Ok(state(RoutingStatus::Inquiring, Some(unit.clone()))),
            (None, Some((unit, _))) => Ok(state(RoutingStatus::Ended, Some(unit))),
            (None, None) => Ok(state(RoutingStatus::New, None)),
        }
    }

    /// Clerk: the units and their active supervisors and handlers, from the
    /// certified directory (never from rows a writer could add).
    pub fn routing_directory(&mut self, session: &mut Session) -> Result<RoutingDirectory> {
        let _actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::RouteRequest,
            "reading the routing directory",
        )?;
        let mut units: BTreeMap<String, UnitPeople> = BTreeMap::new();
        for u in self.directory()?.users() {
            let Some(unit) = u.unit.clone() else { continue };
            if u.disabled {
                continue;
            }
            let entry = units.entry(unit.clone()).or_insert_with(|| UnitPeople {
                unit,
                supervisors: Vec::new(),
                handlers: Vec::new(),
            });
            if u.has_role(Role::Supervisor) {
                entry.supervisors.push(u.name.clone());
            }
            if u.has_role(Role::Handler) {
                entry.handlers.push(u.name.clone());
            }
        }
        let mut units: Vec<UnitPeople> = units
            .into_values()
            .filter(|u| !u.supervisors.is_empty() || !u.handlers.is_empty())
            .collect();
        for u in &mut units {
            u.supervisors.sort();
            u.handlers.sort();
        }
        Ok(RoutingDirectory { units })
    }

    /// Clerk: the slip a unit would see for a letter, before sending it.
    /// Reading it is a view of the letter, recorded first.
    pub fn routing_slip(&mut self, session: &mut Session, letter: &str) -> Result<RoutingSlip> {
        let actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::View,
            "previewing a routing slip",
        )?;
        let own = self.session_key_owned(session)?;
        let row = self.letter_row(letter)?;
        let ev = self
            .event_for(Role::Clerk, Action::View, &row)
            .detail("routing slip preview");
        let (key_id, dk) = match self.letter_key_for(&actor, &own, &row.id, KEY_LETTER) {
            Ok(k) => k,
            Err(e) => return self.deny(ev, e),
        };
        let slip = self.build_slip(&row, &key_id, &dk, None)?;
        self.record(ev)?;
        Ok(slip)
    }

    /// Supervisor: the open assignments of their unit (access and reveals),
    /// to see end dates and revoke.
    pub fn unit_assignments(&mut self, session: &mut Session) -> Result<Vec<AssignmentInfo>> {
        let actor = self.begin_as(
            session,
            &[Role::Supervisor],
            Action::View,
            "listing the unit's assignments",
        )?;
        let Some(unit) = actor.unit.clone() else {
            return Ok(Vec::new());
        };
        let now = self.now().unix_millis();
        // Which assignments are open is the facts' to say: an end set in a
        // row by hand does not hide one from the supervisor who may revoke it.
        let ids: Vec<String> = self
            .facts()?
            .assignments()
            .filter(|(_, a)| a.unit == unit && a.live(now))
            .map(|(id, _)| id.clone())
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = self.store.read(|db| db.assignment(&id))?.ok_or_else(|| {
                ApiError::Integrity(format!(
                    "assignment {id} was approved and signed, but its row is gone from the file"
                ))
            })?;
            out.push(self.assignment_info(&row, now)?);
        }
        // Soonest end first; the same end by receipt number, so the list
        // reads the same every time.
        out.sort_by(|a, b| (a.until, &a.receipt_no, &a.id).cmp(&(b.until, &b.receipt_no, &b.id)));
        Ok(out)
    }

    /// Handler: records that they copied `chars` characters of a letter's
    /// masked working copy. The UI copies only after this succeeds.
    pub fn record_copy(&mut self, session: &mut Session, letter: &str, chars: u32) -> Result<()> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Handler, Role::Clerk],
            Action::Copy,
            "copying from a letter",
        )?;
        let row = self.letter_row(letter)?;
        let mut ev = self.event_for(role, Action::Copy, &row);
        ev.detail = Some(format!("{chars} characters of the masked working copy"));
        let allowed = if row.registered_by == actor.id && actor.roles.contains(Role::Clerk) {
            true
        } else {
            match self.active_assignment(&actor.id, &row.id, "access")? {
                Some(a) => {
                    ev.role = Some(Role::Handler);
                    ev.assignment = Some(a.id);
                    true
                }
                None => false,
            }
        };
        if !allowed {
            return self.deny(
                ev,
                ApiError::Denied("you are not assigned this letter".into()),
            );
        }
        self.record(ev)?;
        Ok(())
    }

    // ------------------------------------------------------------ drafts

    /// The clerk's session, for reading and reviewing drafts.
    fn begin_drafting(&mut self, session: &mut Session) -> Result<Actor> {
        let actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::Register,
            "reading a letter to register",
        )?;
        Ok(actor)
    }

    /// Clerk: reads a file in the limited worker and detects personal data,
    /// without sealing anything yet. The draft stays in memory for
    /// [`Vault::register_draft`] or [`Vault::discard_draft`].
    pub fn draft_file(
        &mut self,
        session: &mut Session,
        bytes: &[u8],
        file_name: &str,
    ) -> Result<Draft> {
        let actor = self.begin_drafting(session)?;
        let ex = self.parse_isolated(bytes, file_name)?;
        self.keep_draft(&actor, session, bytes.to_vec(), ex, file_name)
    }

    /// Clerk: a typed letter (a paper letter typed in), as a draft.
    pub fn draft_text(&mut self, session: &mut Session, text: &str) -> Result<Draft> {
        let actor = self.begin_drafting(session)?;
        if text.trim().is_empty() {
            return Err(ApiError::BadInput("the letter has no text".into()));
        }
        let ex =
            sealdesk_intake::extract(text.as_bytes(), "typed.txt").map_err(ApiError::BadFile)?;
        self.keep_draft(&actor, session, text.as_bytes().to_vec(), ex, "typed.txt")
    }

    fn keep_draft(
        &mut self,
        actor: &Actor,
        session: &mut Session,
        original: Vec<u8>,
        ex: Extracted,
        file_name: &str,
    ) -> Result<Draft> {
        let own = self.session_key_owned(session)?;
        let draft_id = self.make_id();
        let draft = self.draft_view(actor, &own, &draft_id, &original, &ex, file_name)?;
        let owner = actor.id.as_str();
        // The oldest of this clerk's drafts goes first when too many are open.
        let mine: Vec<String> = self
            .drafts
            .open
            .iter()
            .filter(|(_, d)| d.owner == owner)
            .map(|(id, _)| id.clone())
            .collect();
        if mine.len() >= MAX_DRAFTS {
            for id in mine.iter().take(mine.len() + 1 - MAX_DRAFTS) {
                self.drafts.open.remove(id);
            }
        }
        self.drafts.open.insert(
            draft_id,
            DraftEntry {
                owner: owner.to_owned(),
                original,
                ex,
                file_name: file_name.to_owned(),
            },
        );
        Ok(draft)
    }

    /// Clerk: the drafts this clerk has open, newest first — after a lock,
    /// those that were open before it (sealed to the clerk's own key while
    /// locked, opened again at their login).
    pub fn open_drafts(&mut self, session: &mut Session) -> Result<Vec<Draft>> {
        let actor = self.begin_drafting(session)?;
        let own = self.session_key_owned(session)?;
        let mut mine: Vec<(String, Vec<u8>, Extracted, String)> = self
            .drafts
            .open
            .iter()
            .filter(|(_, d)| d.owner == actor.id)
            .map(|(id, d)| {
                (
                    id.clone(),
                    d.original.clone(),
                    d.ex.clone(),
                    d.file_name.clone(),
                )
            })
            .collect();
        mine.sort_by(|a, b| b.0.cmp(&a.0));
        let mut out = Vec::with_capacity(mine.len());
        for (id, mut original, mut ex, file_name) in mine {
            let view = self.draft_view(&actor, &own, &id, &original, &ex, &file_name);
            original.zeroize();
            ex.text.zeroize();
            out.push(view?);
        }
        Ok(out)
    }

    /// What the review screen shows of a draft.
    fn draft_view(
        &mut self,
        actor: &Actor,
        own: &crypto::UserSecretKey,
        draft_id: &str,
        original: &[u8],
        ex: &Extracted,
        file_name: &str,
    ) -> Result<Draft> {
        let findings = ex.findings.clone();
        let sha256 = hex::encode(crypto::sha256(original));
        let duplicate_of = self.registered_with_hash(actor, own, &sha256)?;
        let draft_id = draft_id.to_owned();
        let placement = sealdesk_intake::redact::place(ex, &findings);
        let page_images = sealdesk_intake::redact::originals(ex)
            .into_iter()
            .map(|(page, png)| {
                let (width, height) = sealdesk_intake::redact::dimensions(png).unwrap_or((0, 0));
                DraftPage {
                    page,
                    png_base64: data_encoding::BASE64.encode(png),
                    width,
                    height,
                    read: !placement
                        .unplaced
                        .iter()
                        .any(|u| u.kind.is_none() && u.page == Some(page)),
                    boxes: placement
                        .boxes
                        .iter()
                        .filter(|(_, b)| b.page == page)
                        .map(|(i, b)| DraftBox {
                            finding: *i as u32,
                            x0: b.x0,
                            y0: b.y0,
                            x1: b.x1,
                            y1: b.y1,
                        })
                        .collect(),
                    standing: placement
                        .seals
                        .iter()
                        .filter(|b| b.page == page)
                        .map(|b| DraftBox {
                            finding: 0,
                            x0: b.x0,
                            y0: b.y0,
                            x1: b.x1,
                            y1: b.y1,
                        })
                        .collect(),
                }
            })
            .collect();
        let draft = Draft {
            draft_id: draft_id.clone(),
            file_name: file_name.to_owned(),
            source: ex.source.as_str().into(),
            pages: ex.pages,
            text: ex.text.clone(),
            findings: findings
                .iter()
                .enumerate()
                .zip(sealdesk_core::pii::suggest_writers(
                    &ex.text, &findings, false,
                ))
                .map(|((i, f), writer)| DraftFinding {
                    writer,
                    placed: !placement.unplaced_findings.contains(&i),
                    kind: f.kind,
                    value: f.value.clone(),
                    start: utf16_at(&ex.text, f.start),
                    end: utf16_at(&ex.text, f.end),
                    confidence: f.confidence,
                })
                .collect(),
            notices: ex.notices.clone(),
            sha256,
            duplicate_of,
            ocr_confidence: (!ex.ocr_words.is_empty())
                .then(|| sealdesk_intake::ocr::mean_confidence(&ex.ocr_words)),
            page_images,
        };
        Ok(draft)
    }

    /// The receipt number of a letter the caller holds a key to whose
    /// original has this SHA-256.
    fn registered_with_hash(
        &mut self,
        actor: &Actor,
        own: &crypto::UserSecretKey,
        sha256: &str,
    ) -> Result<Option<String>> {
        let letters = self.store.read(|db| db.list_letters())?;
        for l in letters.iter().rev() {
            let Ok((key_id, dk)) = self.letter_key_for(actor, own, &l.id, KEY_LETTER) else {
                continue;
            };
            let rec = self.open_register(&key_id, &dk)?;
            if rec.original_sha256 == sha256 {
                return Ok(Some(l.receipt_no.clone()));
            }
        }
        Ok(None)
    }

    /// Clerk: seals a reviewed draft as a letter (the review's drops and
    /// additions applied, as in `register_file`). The draft is gone after.
    pub fn register_draft(
        &mut self,
        session: &mut Session,
        draft_id: &str,
        meta: &RegisterMeta,
        review: &Review,
    ) -> Result<Registered> {
        let (actor, meta) = self.begin_registering(session, meta)?;
        let meta = &meta;
        match self.drafts.open.get(draft_id) {
            // A bad box is refused while the draft is still there.
            Some(d) if d.owner == actor.id => crate::intake::check_boxes(&d.ex, &review.boxes)?,
            _ => return Err(ApiError::NotFound(format!("draft {draft_id}"))),
        }
        let Some(mut d) = self.drafts.open.remove(draft_id) else {
            return Err(ApiError::NotFound(format!("draft {draft_id}")));
        };
        let original = std::mem::take(&mut d.original);
        let ex = std::mem::replace(
            &mut d.ex,
            Extracted::empty(sealdesk_intake::SourceKind::Text, ""),
        );
        let mut original = zeroize::Zeroizing::new(original);
        let out = self.register_extracted(&actor, &original, ex, meta, review);
        original.zeroize();
        out
    }

    /// Clerk: the text under a box drawn on a draft's page (what will become
    /// a finding when the draft is registered with that box), so the review
    /// screen can show what the box caught. Empty when nothing was read
    /// there; the box is still blacked out.
    pub fn draft_text_under(
        &mut self,
        session: &mut Session,
        draft_id: &str,
        area: &crate::DrawnBox,
    ) -> Result<String> {
        let actor = self.begin_drafting(session)?;
        match self.drafts.open.get(draft_id) {
            Some(d) if d.owner == actor.id => {
                crate::intake::check_boxes(&d.ex, std::slice::from_ref(area))?;
                Ok(sealdesk_intake::redact::text_under(&d.ex, &area.area()))
            }
            _ => Err(ApiError::NotFound(format!("draft {draft_id}"))),
        }
    }

    /// Clerk: forgets a draft without registering it.
    pub fn discard_draft(&mut self, session: &mut Session, draft_id: &str) -> Result<()> {
        let actor = self.begin(session, true)?;
        if self
            .drafts
            .open
            .get(draft_id)
            .is_some_and(|d| d.owner == actor.id)
        {
            self.drafts.open.remove(draft_id);
        }
        Ok(())
    }

    /// Drops every open draft of a user.
    pub(crate) fn drop_drafts_of(&mut self, user_id: &str) {
        self.drafts.open.retain(|_, d| d.owner != user_id);
    }
}
