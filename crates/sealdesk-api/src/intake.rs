//! Registering a letter from a file: read it in a limited worker process,
//! detect personal data, seal the whole letter and its sender's identity
//! away, and keep a masked working copy for everyone else.
//!
//! Three data keys per letter (their names are in `records.rs`):
//! * the **letter key** (`letter`) seals the register record and the masked
//!   working copy and the redacted pages. Routing later wraps it to handlers.
//! * the **identity key** (`identity`) seals the identity compartment (the
//!   detected personal data and the e-mail headers). An approved identity
//!   reveal wraps it to the handler.
//! * the **original key** (`original`) seals the original file, the full
//!   extracted text and a scan's image. It is wrapped to the registering
//!   clerk and the recovery key only, never granted by a reveal; closing or
//!   declassifying a letter never changes that.

use sealdesk_core::crypto::{self, DataKey, RecordBinding, WrapBinding};
use sealdesk_core::domain::Role;
use sealdesk_core::facts::Fact;
use sealdesk_core::pii::{self, Finding, PiiKind};
use sealdesk_intake::{Extracted, IntakeError, SourceKind, WorkerCommand};
use sealdesk_store::{DataKeyRow, LetterRow, RecordRow, WrapRow};
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::records::{
    rec_handler_page, rec_page, roc_year, AddresseeType, Category, DrawnBox, IdentityRecord,
    RegisterMeta, RegisterRecord, Review, KEY_IDENTITY, KEY_LETTER, KEY_ORIGINAL, REC_FULLTEXT,
    REC_HANDLER, REC_IDENTITY, REC_ORIGINAL, REC_REGISTER, REC_SCAN, REC_WORKING,
};
use crate::{ApiError, Result, Session, Vault, META_RECEIPT_PREFIX, RECOVERY_RECIPIENT};

/// Refuses a drawn box that is not on a page image of the letter or has no
/// area, before anything is sealed or a draft is spent.
pub(crate) fn check_boxes(ex: &Extracted, boxes: &[DrawnBox]) -> Result<()> {
    let pages = sealdesk_intake::redact::originals(ex);
    for b in boxes {
        let Some((_, png)) = pages.iter().find(|(p, _)| *p == b.page) else {
            return Err(ApiError::BadInput(format!(
                "a box is drawn on page {}, which has no page image",
                b.page
            )));
        };
        let (w, h) = sealdesk_intake::redact::dimensions(png).unwrap_or((0, 0));
        if b.x0 >= b.x1 || b.y0 >= b.y1 || b.x1 > w || b.y1 > h {
            return Err(ApiError::BadInput(format!(
                "the box {},{}–{},{} on page {} is empty or off the page ({w}×{h})",
                b.x0, b.y0, b.x1, b.y1, b.page
            )));
        }
    }
    Ok(())
}

/// Where `value` occurs in `text` when both are compared as detection reads
/// them: full-width forms as ASCII, letters in any case, whitespace and line
/// breaks ignored. Text read from under a drawn box (OCR words, PDF glyphs)
/// is spaced differently from the extracted text. Byte spans into `text`.
fn loose_matches(text: &str, value: &str) -> Vec<(usize, usize)> {
    let fold = |c: char| pii::normalize_char(c).to_ascii_lowercase();
    let needle: Vec<char> = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold)
        .collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<(char, usize, usize)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(at, c)| (fold(c), at, at + c.len_utf8()))
        .collect();
    if needle.len() > hay.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if needle.iter().enumerate().all(|(k, c)| hay[i + k].0 == *c) {
            out.push((hay[i].1, hay[i + needle.len() - 1].2));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// What the clerk gets back from registering.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Registered {
    pub letter_id: String,
    pub receipt_no: String,
    pub level: String,
    pub category: String,
    pub registered_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub source: SourceKind,
    pub pages: u32,
    pub text_chars: usize,
    pub has_text_layer: bool,
    pub original_sha256: String,
    /// For the registering clerk's review only.
    pub findings: Vec<Finding>,
    pub notices: Vec<String>,
}

/// What `scan` reports (no vault).
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    pub source: SourceKind,
    pub text_chars: usize,
    pub pages: u32,
    pub extractor: String,
    pub findings: Vec<Finding>,
    pub notices: Vec<String>,
}

fn intake_error(e: IntakeError) -> ApiError {
    ApiError::BadFile(e)
}

/// Reads a file in a worker and detects personal data. Needs no vault.
pub fn scan_file(worker: &WorkerCommand, bytes: &[u8], file_name: &str) -> Result<ScanReport> {
    let ex = sealdesk_intake::read_letter(worker, bytes, file_name).map_err(intake_error)?;
    let findings = ex.findings.clone();
    Ok(ScanReport {
        source: ex.source,
        text_chars: ex.text.chars().count(),
        pages: ex.pages,
        extractor: ex.extractor,
        findings,
        notices: ex.notices,
    })
}

/// A file name with the personal data in it masked: what detection finds in
/// the name itself (with `_`, `-` and `.` read as spaces, as people use
/// them in file names) and every value found in the letter.
pub(crate) fn masked_file_name(name: &str, letter: &[Finding]) -> String {
    // One byte for one byte, so spans in `spaced` are spans in `name`.
    let spaced: String = name
        .chars()
        .map(|c| if matches!(c, '_' | '-' | '.') { ' ' } else { c })
        .collect();
    let mut found = pii::detect(&spaced);
    for f in letter.iter().filter(|f| f.value.chars().count() >= 2) {
        for (start, m) in spaced.match_indices(f.value.as_str()) {
            found.push(Finding {
                kind: f.kind,
                value: f.value.clone(),
                start,
                end: start + m.len(),
                confidence: 1.0,
            });
        }
    }
    pii::mask(name, &found)
}

fn apply_review(text: &str, mut findings: Vec<Finding>, review: &Review) -> Vec<Finding> {
    findings.retain(|f| {
        !review
            .drop
            .iter()
            .any(|d| d == &f.value || text.get(f.start..f.end) == Some(d.as_str()))
    });
    for (kind, value) in &review.add {
        let mut found = false;
        for (start, m) in text.match_indices(value.as_str()) {
            found = true;
            findings.push(Finding {
                kind: *kind,
                value: value.clone(),
                start,
                end: start + m.len(),
                confidence: 1.0,
            });
        }
        if !found {
            // Spaced or written differently (a value read from under a box).
            for (start, end) in loose_matches(text, value) {
                found = true;
                findings.push(Finding {
                    kind: *kind,
                    value: value.clone(),
                    start,
                    end,
                    confidence: 1.0,
                });
            }
        }
        if !found {
            findings.push(Finding {
                kind: *kind,
                value: value.clone(),
                start: 0,
                end: 0,
                confidence: 1.0,
            });
        }
    }
    findings.sort_by_key(|f| (f.start, f.end));
    findings
}

impl Vault {
    /// The worker command used to parse files (set by the shell: the CLI and
    /// the app run themselves in worker mode).
    pub fn set_parse_worker(&mut self, worker: WorkerCommand) {
        self.worker = Some(worker);
    }

    /// The opening of every registration: a clerk's session, and the
    /// register fields checked the one way.
    pub(crate) fn begin_registering(
        &mut self,
        session: &mut Session,
        meta: &RegisterMeta,
    ) -> Result<(crate::actor::Actor, RegisterMeta)> {
        let actor = self.begin_as(
            session,
            &[Role::Clerk],
            Action::Register,
            "registering a letter",
        )?;
        let today = sealdesk_core::date::taiwan_date(self.now().unix_millis());
        let meta = meta.normalized(today)?;
        self.check_addressee(&meta)?;
        Ok((actor, meta))
    }

    /// The addressee rule: a letter addressed to the agency or its head is
    /// opened by the head's designee — a 密件分文人員 (a clerk); one
    /// addressed to a named person is opened by that person, whom the
    /// register names as 拆封人 (an account of this vault). The clerk who
    /// registers it records who opened it; they cannot open someone
    /// else's letter in their stead.
    fn check_addressee(&mut self, meta: &RegisterMeta) -> Result<()> {
        let account = |v: &mut Self, name: &str| match v.cert_by_name(name) {
            Ok(c) => Ok(c),
            Err(ApiError::NotFound(_)) => Err(ApiError::BadInput(format!(
                "拆封人「{name}」不是本系統的帳號。 The opener {name:?} is not an account here."
            ))),
            Err(e) => Err(e),
        };
        match (meta.addressee, meta.opened_by.as_deref().map(str::trim)) {
            (AddresseeType::Person, None | Some("")) => Err(ApiError::BadInput(
                "受文者為指定人員者，應由其本人拆封：請填拆封人（受文者本人的帳號）。 A letter addressed to a named person is opened by that person: give them as the opener (--opened-by).".into(),
            )),
            (AddresseeType::Person, Some(name)) => account(self, name).map(|_| ()),
            (AddresseeType::Agency | AddresseeType::Head, Some(name)) if !name.is_empty() => {
                let c = account(self, name)?;
                if c.has_role(Role::Clerk) {
                    Ok(())
                } else {
                    Err(ApiError::BadInput(format!(
                        "受文者為本機關或首長者，應由首長指定之密件分文人員拆封；「{name}」不是分文人員。 A letter addressed to the agency or its head is opened by the head's designee (a clerk); {name:?} is not one."
                    )))
                }
            }
            _ => Ok(()),
        }
    }

    /// Clerk: registers a letter from a file (PDF, scan, e-mail or text).
    pub fn register_file(
        &mut self,
        session: &mut Session,
        bytes: &[u8],
        file_name: &str,
        meta: &RegisterMeta,
        review: &Review,
    ) -> Result<Registered> {
        let (actor, meta) = self.begin_registering(session, meta)?;
        let meta = &meta;
        let ex = self.parse_isolated(bytes, file_name)?;
        self.register_extracted(&actor, bytes, ex, meta, review)
    }

    /// Parses untrusted bytes in the limited worker (the set one, else this
    /// binary in worker mode).
    pub(crate) fn parse_isolated(&self, bytes: &[u8], file_name: &str) -> Result<Extracted> {
        sealdesk_intake::read_letter(&self.parse_worker()?, bytes, file_name).map_err(intake_error)
    }

    /// The worker that reads untrusted bytes: the one the shell set, else
    /// this binary in worker mode.
    pub(crate) fn parse_worker(&self) -> Result<WorkerCommand> {
        match &self.worker {
            Some(w) => Ok(w.clone()),
            None => WorkerCommand::current_exe().map_err(intake_error),
        }
    }

    /// Clerk: registers a letter typed into the form.
    pub fn register_text(
        &mut self,
        session: &mut Session,
        text: &str,
        meta: &RegisterMeta,
        review: &Review,
    ) -> Result<Registered> {
        let (actor, meta) = self.begin_registering(session, meta)?;
        let meta = &meta;
        if text.trim().is_empty() {
            return Err(ApiError::BadInput("the letter has no text".into()));
        }
        // Typed text is the clerk's own input: no need to isolate it.
        let ex = sealdesk_intake::extract(text.as_bytes(), "typed.txt").map_err(intake_error)?;
        self.register_extracted(&actor, text.as_bytes(), ex, meta, review)
    }

    pub(crate) fn register_extracted(
        &mut self,
        actor: &crate::actor::Actor,
        original: &[u8],
        ex: Extracted,
        meta: &RegisterMeta,
        review: &Review,
    ) -> Result<Registered> {
        let now = self.now();
        let recovery = self.recovery_public_key()?;
        check_boxes(&ex, &review.boxes)?;
        // What the clerk boxed on a page becomes a finding, so it is masked
        // in the text too, wherever it appears. A single character is not
        // (it would mask that character everywhere); its box still covers it.
        let mut review = review.clone();
        let boxed: Vec<(PiiKind, String)> = review
            .boxes
            .iter()
            .map(|b| (b.kind, sealdesk_intake::redact::text_under(&ex, &b.area())))
            .filter(|(_, under)| under.chars().filter(|c| !c.is_whitespace()).count() >= 2)
            .collect();
        review.add.extend(boxed);
        // Detected in the worker, under its limits (or, for typed text, by
        // the same `extract` here).
        let findings = apply_review(&ex.text, ex.findings.clone(), &review);
        let working = pii::mask(&ex.text, &findings);
        // The handler's text: only the writer's data masked (see
        // `Review::shown`). A value the writer owns anywhere is masked
        // everywhere, even where the clerk showed it.
        let shown: Vec<String> = match &review.shown {
            Some(values) => values.clone(),
            None => {
                let objection = meta.category == Category::ProcurementObjection;
                ex.findings
                    .iter()
                    .zip(pii::suggest_writers(&ex.text, &ex.findings, objection))
                    .filter(|(_, writer)| !writer)
                    .map(|(f, _)| f.value.clone())
                    .collect()
            }
        };
        let writers: Vec<&str> = findings
            .iter()
            .filter(|f| !shown.contains(&f.value))
            .map(|f| f.value.as_str())
            .collect();
        let protected: Vec<pii::Finding> = findings
            .iter()
            .filter(|f| writers.contains(&f.value.as_str()))
            .cloned()
            .collect();
        let for_handler = pii::mask(&ex.text, &protected);
        // The page images handlers see, with a box over every accepted
        // finding and every box the clerk drew. A finding that cannot be
        // placed withholds its page.
        let drawn: Vec<_> = review.boxes.iter().map(DrawnBox::area).collect();
        let redaction =
            sealdesk_intake::redact::redact_released(&ex, &findings, &drawn, &review.release)
                .map_err(|e| ApiError::BadFile(IntakeError::Malformed(e)))?;
        // The handler's pages: boxed over the writer's data, the clerk's
        // drawn boxes and seals only, as the handler's text masks only the
        // writer's data. A page withheld from the full redaction for a
        // finding that is not the writer's may be shown here.
        let for_handler_pages = if protected.len() == findings.len() {
            None
        } else {
            Some(
                sealdesk_intake::redact::redact_released(&ex, &protected, &drawn, &review.release)
                    .map_err(|e| ApiError::BadFile(IntakeError::Malformed(e)))?,
            )
        };
        let mut notices = ex.notices.clone();
        let released: Vec<u32> = redaction
            .unplaced
            .iter()
            .filter(|u| u.kind.is_none())
            .filter_map(|u| u.page)
            .filter(|p| review.release.contains(p))
            .collect();
        for u in &redaction.unplaced {
            if u.kind.is_none() && u.page.is_some_and(|p| released.contains(&p)) {
                let p = u.page.unwrap_or_default();
                notices.push(format!(
                    "第 {p} 頁經分文人員檢視、遮蔽後放行。 Page {p} was reviewed, boxed and released by the clerk."
                ));
                continue;
            }
            let page = u
                .page
                .map_or_else(|| "所有頁面".to_owned(), |p| format!("第 {p} 頁"));
            let page_en = u
                .page
                .map_or_else(|| "every page".to_owned(), |p| format!("page {p}"));
            notices.push(match u.kind {
                Some(kind) => format!(
                    "{page}的一項{}無法在頁面影像上定位，{page}不提供承辦人。 A {kind} could not be placed on the page image: {page_en} withheld from handlers.",
                    pii::label_name(kind),
                ),
                None if u.illegible => format!(
                    "{page}辨識不足（手寫、印章或 OCR 信心不足），分文人員檢視遮蔽並放行前不提供承辦人。 {page_en} was read too poorly to trust its boxes (handwriting, a seal, low OCR confidence): withheld from handlers until the clerk reviews, boxes and releases it.",
                ),
                None => format!(
                    "{page}無文字可讀（無文字層、OCR 未辨識），內容未經遮蔽，不提供承辦人。 Nothing could be read on {page_en}, so it cannot be redacted: withheld from handlers.",
                ),
            });
        }
        let original_sha256 = hex::encode(crypto::sha256(original));
        let mut masked: Vec<(String, usize)> = Vec::new();
        for f in &findings {
            match masked.iter_mut().find(|(k, _)| k == f.kind.as_str()) {
                Some((_, n)) => *n += 1,
                None => masked.push((f.kind.as_str().to_owned(), 1)),
            }
        }
        let register = RegisterRecord {
            deadline: meta.deadline.clone(),
            subject: meta.subject.clone(),
            secrecy: meta.secrecy.clone(),
            sender_agency: meta.sender_agency.clone(),
            sender_doc_no: meta.sender_doc_no.clone(),
            addressee: meta.addressee,
            opened_by: Some(meta.opened_by.clone().unwrap_or_else(|| actor.name.clone())),
            seal_intact: meta.seal_intact,
            pages: meta.pages.unwrap_or(ex.pages),
            // A scanned residence permit may come as `<full name>_居留證.jpg`:
            // the register (which routed handlers read) shows names masked.
            attachments: ex
                .attachments
                .iter()
                .map(|a| format!("{} ({} B)", masked_file_name(&a.name, &findings), a.size))
                .collect(),
            retention_years: meta.retention_years,
            received_at: meta.received_at.unwrap_or(now.unix_millis()),
            source: ex.source.as_str().into(),
            original_sha256: original_sha256.clone(),
            has_text_layer: ex.has_text_layer,
            notices: notices.clone(),
            masked,
            page_images: redaction
                .pages
                .iter()
                .filter(|p| p.png.is_some())
                .map(|p| p.page)
                .collect(),
            parties: meta.parties.clone(),
            handler_text: true,
            // `None` when they would be the same as `page_images` (every
            // finding is the writer's): the handler reads those.
            handler_pages: for_handler_pages.as_ref().map(|r| {
                r.pages
                    .iter()
                    .filter(|p| p.png.is_some())
                    .map(|p| p.page)
                    .collect()
            }),
        };
        let identity = IdentityRecord {
            findings: findings.clone(),
            email: ex.email.clone(),
            sender_person: meta.sender.clone(),
            parties: meta.parties.clone(),
            attachment_names: ex.attachments.iter().map(|a| a.name.clone()).collect(),
        };
        let to_json = |e: serde_json::Error| ApiError::BadInput(e.to_string());
        let register_json = serde_json::to_vec(&register).map_err(to_json)?;
        let identity_json = serde_json::to_vec(&identity).map_err(to_json)?;
        let letter_id = self.make_id();
        let letter_key_id = self.make_id();
        let identity_key_id = self.make_id();
        let letter_key = DataKey::make(&mut self.rng);
        let identity_key = DataKey::make(&mut self.rng);
        let original_key_id = self.make_id();
        let original_key = DataKey::make(&mut self.rng);
        let mut records = Vec::new();
        let mut seal =
            |vault: &mut Vault, key: &DataKey, key_id: &str, purpose: &str, bytes: &[u8]| {
                let id = vault.make_id();
                let sealed = crypto::seal_record(
                    key,
                    &RecordBinding {
                        record_id: &id,
                        purpose,
                    },
                    bytes,
                    &mut vault.rng,
                );
                records.push(RecordRow {
                    id,
                    key_id: key_id.to_owned(),
                    purpose: purpose.into(),
                    sealed,
                    created_at: now.unix_millis(),
                });
            };
        seal(
            self,
            &letter_key,
            &letter_key_id,
            REC_REGISTER,
            &register_json,
        );
        seal(
            self,
            &letter_key,
            &letter_key_id,
            REC_WORKING,
            working.as_bytes(),
        );
        seal(
            self,
            &letter_key,
            &letter_key_id,
            REC_HANDLER,
            for_handler.as_bytes(),
        );
        seal(
            self,
            &original_key,
            &original_key_id,
            REC_ORIGINAL,
            original,
        );
        seal(
            self,
            &original_key,
            &original_key_id,
            REC_FULLTEXT,
            ex.text.as_bytes(),
        );
        seal(
            self,
            &identity_key,
            &identity_key_id,
            REC_IDENTITY,
            &identity_json,
        );
        if let Some(img) = &ex.working_image {
            seal(self, &original_key, &original_key_id, REC_SCAN, img);
        }
        for page in &redaction.pages {
            if let Some(png) = &page.png {
                seal(self, &letter_key, &letter_key_id, &rec_page(page.page), png);
            }
        }
        for page in for_handler_pages.iter().flat_map(|r| &r.pages) {
            if let Some(png) = &page.png {
                seal(
                    self,
                    &letter_key,
                    &letter_key_id,
                    &rec_handler_page(page.page),
                    png,
                );
            }
        }
        let mut wraps = Vec::new();
        for (key_id, purpose, key) in [
            (&letter_key_id, KEY_LETTER, &letter_key),
            (&identity_key_id, KEY_IDENTITY, &identity_key),
            (&original_key_id, KEY_ORIGINAL, &original_key),
        ] {
            let binding = WrapBinding {
                record_id: key_id,
                purpose,
            };
            for (recipient, pk) in [
                (actor.id.as_str(), &actor.public_key),
                (RECOVERY_RECIPIENT, &recovery),
            ] {
                let wrapped = crypto::wrap_data_key(pk, &binding, key, &mut self.rng);
                wraps.push(WrapRow {
                    key_id: key_id.clone(),
                    recipient: recipient.to_owned(),
                    wrapped,
                });
            }
        }
        let prefix = String::from_utf8(
            self.store
                .read(|db| db.meta_get(META_RECEIPT_PREFIX))?
                .unwrap_or_default(),
        )
        .unwrap_or_else(|_| "SD".into());
        let series = format!("{prefix}-{}-", roc_year(now));
        let category = meta.category.as_str().to_owned();
        let level = meta.level.as_str().to_owned();
        let mut ev = Event::new(Some(Role::Clerk), Action::Register).detail(format!(
            "{category} from {}, {} finding(s) sealed{}",
            ex.source.as_str(),
            findings.len(),
            if released.is_empty() {
                String::new()
            } else {
                format!(
                    "; page(s) {} released by the clerk after review",
                    released
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        // The register fields that change what Sealdesk does are a fact the
        // clerk signs (T10): checked now, signed with the receipt number the
        // transaction gives it.
        let mut signed = self.fact(
            &actor.id,
            now.unix_millis(),
            Fact::Letter {
                letter: letter_id.clone(),
                receipt_no: String::new(),
                level: level.clone(),
                category: category.clone(),
                secret_until: secret_until(meta, now.unix_millis()),
                retain_until: retain_until(register.received_at, meta.retention_years),
            },
        )?;
        // The next number follows the highest given, in the file and in the
        // signed registrations: a row taken out of the file never makes a
        // number come twice.
        let signed_last = self
            .facts()?
            .letters()
            .filter_map(|(_, l)| l.receipt_no.strip_prefix(series.as_str()))
            .filter_map(|n| n.parse::<i64>().ok())
            .max()
            .unwrap_or(0);
        let row = self.commit_recorded(|db, ap| {
            let serial = db.last_serial_with_prefix(&series)?.max(signed_last) + 1;
            let row = LetterRow {
                id: letter_id.clone(),
                receipt_no: format!("{series}{serial:05}"),
                level: level.clone(),
                category: category.clone(),
                registered_by: actor.id.clone(),
                registered_at: now.unix_millis(),
            };
            if let Fact::Letter { receipt_no, .. } = &mut signed.fact {
                receipt_no.clone_from(&row.receipt_no);
            }
            db.insert_letter(&row)?;
            ap.fact(db, &signed)?;
            db.insert_data_key(&DataKeyRow {
                id: letter_key_id.clone(),
                letter_id: letter_id.clone(),
                purpose: KEY_LETTER.into(),
            })?;
            db.insert_data_key(&DataKeyRow {
                id: identity_key_id.clone(),
                letter_id: letter_id.clone(),
                purpose: KEY_IDENTITY.into(),
            })?;
            db.insert_data_key(&DataKeyRow {
                id: original_key_id.clone(),
                letter_id: letter_id.clone(),
                purpose: KEY_ORIGINAL.into(),
            })?;
            for r in &records {
                db.insert_record(r)?;
            }
            for w in &wraps {
                db.insert_wrap(w, now.unix_millis())?;
            }
            ev.letter_id = Some(row.id.clone());
            ev.receipt_no = Some(row.receipt_no.clone());
            ev.level = Some(row.level.clone());
            ap.event(db, &ev)?;
            Ok(row)
        })?;
        Ok(Registered {
            letter_id: row.id,
            receipt_no: row.receipt_no,
            level: row.level,
            category: row.category,
            registered_at: row.registered_at,
            source: ex.source,
            pages: register.pages,
            text_chars: ex.text.chars().count(),
            has_text_layer: ex.has_text_layer,
            original_sha256,
            findings,
            notices,
        })
    }
}

/// The day a letter's secrecy ends by itself (its 保密期限, or a 國家機密
/// condition's cap counted from registration), ISO.
fn secret_until(meta: &RegisterMeta, now_ms: i64) -> Option<String> {
    let today = sealdesk_core::date::taiwan_date(now_ms);
    let period = match &meta.secrecy {
        crate::Secrecy::Until(d) => {
            sealdesk_core::life::Period::Until(sealdesk_core::date::parse_date(d).ok()?)
        }
        crate::Secrecy::Condition(c) => sealdesk_core::life::Period::Condition(c),
    };
    sealdesk_core::life::secrecy_ends(meta.level, period, today).map(|d| d.to_string())
}

/// The first day a letter received at `received_ms` may be destroyed: its
/// 保存年限 after the day it came, ISO. None for a retention of 0 (kept
/// for good).
fn retain_until(received_ms: i64, years: u32) -> Option<String> {
    use chrono::Datelike;
    if years == 0 {
        return None;
    }
    let on = sealdesk_core::date::taiwan_date(received_ms);
    let year = on.year() + i32::try_from(years).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, on.month(), on.day())
        .or_else(|| chrono::NaiveDate::from_ymd_opt(year, on.month(), 28))
        .map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_are_masked_with_the_letter_s_values_and_their_own() {
        let letter = "陳情人：NGUYEN VAN AN,看護粘秀琴";
        let findings = pii::detect(letter);
        for (name, clear) in [
            ("NGUYEN_VAN_AN_居留證.jpg", "NGUYEN"),
            ("粘秀琴-身分證正面.png", "粘秀琴"),
            ("scan_F228340005.pdf", "F228340005"),
        ] {
            let masked = masked_file_name(name, &findings);
            assert!(!masked.contains(clear), "{name} → {masked}");
            assert!(
                masked.ends_with(name.rsplit('.').next().unwrap_or("")),
                "{masked}"
            );
        }
        assert_eq!(masked_file_name("證據照片.jpg", &findings), "證據照片.jpg");
    }
}
