//! Marked pages: every page image a person is shown carries their mark
//! (`sealdesk-mark`), with a code recorded in the ledger entry of that view
//! or export, and `trace` leads from a photo of a page back to that entry.

use std::sync::OnceLock;

use chrono::{FixedOffset, TimeZone};
use sealdesk_core::domain::Role;
use sealdesk_core::ledger::EntryBody;
use sealdesk_core::Timestamp;
use sealdesk_mark::{ExportCode, Fonts, MarkKind, MarkSpec};
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::letters::Secrecy;
use crate::session::{Actor, Session};
use crate::{ApiError, Result, Vault};

/// The mark's font, found once per process. `None` when the system has no
/// Traditional Chinese face: then no page is shown or exported at all.
fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| match Fonts::system() {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::error!(error = %e, "page marks");
                None
            }
        })
        .as_ref()
}

/// The mark's font, or the error that stops a page from being shown or
/// given out without it.
pub(crate) fn mark_fonts() -> Result<&'static Fonts> {
    fonts().ok_or_else(|| {
        ApiError::BadInput(
            "no Traditional Chinese font for the mark (install fonts-noto-cjk)".into(),
        )
    })
}

/// A marked page as PNG.
pub(crate) fn page_png(img: &image::RgbImage) -> Result<Vec<u8>> {
    sealdesk_intake::render::encode_png(img.width(), img.height(), img.as_raw())
        .map_err(ApiError::BadInput)
}

/// `2026-11-29 10:30（UTC+8）`.
pub(crate) fn taiwan_time(t: Timestamp) -> String {
    FixedOffset::east_opt(8 * 3600)
        .and_then(|tw| tw.timestamp_millis_opt(t.unix_millis()).single())
        .map(|d| d.format("%Y-%m-%d %H:%M（UTC+8）").to_string())
        .unwrap_or_default()
}

pub(crate) fn secrecy_text(s: &Secrecy) -> String {
    match s {
        Secrecy::Until(d) => format!("保密期限：{d}"),
        Secrecy::Condition(c) => format!("解密條件：{c}"),
    }
}

/// What the ledger entry of a marked view or export says, so `trace` finds
/// it: `mark <code>`.
pub(crate) fn mark_detail(code: ExportCode) -> String {
    format!("mark {code}")
}

/// The code a ledger entry's detail names, if it is a marked view or copy:
/// `mark <code>`, alone or last after `; `.
fn marked_code(detail: &str) -> Option<ExportCode> {
    detail
        .strip_prefix("mark ")
        .or_else(|| detail.rsplit_once("; mark ").map(|(_, c)| c))?
        .parse()
        .ok()
}

/// The words on a page shown to or taken by `actor`.
pub(crate) struct PageMarker {
    spec: MarkSpec,
}

impl PageMarker {
    pub(crate) fn new(
        actor: &Actor,
        level: &str,
        secrecy: &Secrecy,
        now: Timestamp,
        kind: MarkKind,
        code: ExportCode,
    ) -> Self {
        Self::for_recipient(
            &actor.name,
            actor.unit.as_deref().unwrap_or_default(),
            level,
            secrecy,
            now,
            kind,
            code,
        )
    }

    /// The words for a copy made for `recipient` (who may not be the
    /// person making it).
    pub(crate) fn for_recipient(
        recipient: &str,
        unit: &str,
        level: &str,
        secrecy: &Secrecy,
        now: Timestamp,
        kind: MarkKind,
        code: ExportCode,
    ) -> Self {
        Self {
            spec: MarkSpec {
                recipient: recipient.to_owned(),
                unit: unit.to_owned(),
                time: taiwan_time(now),
                level: level.to_owned(),
                secrecy: secrecy_text(secrecy),
                kind,
                code,
            },
        }
    }

    /// A page image (PNG bytes) with its mark.
    pub(crate) fn mark_bytes(&self, page: &[u8]) -> Result<image::RgbImage> {
        sealdesk_mark::mark_page(page, &self.spec, mark_fonts()?)
            .map_err(|e| ApiError::BadInput(e.to_string()))
    }

    /// A decoded page with its mark.
    pub(crate) fn mark_rgb(&self, page: &image::RgbImage) -> Result<image::RgbImage> {
        sealdesk_mark::mark_image(page, &self.spec, mark_fonts()?)
            .map_err(|e| ApiError::BadInput(e.to_string()))
    }

    /// The page with its mark, as PNG. An error means the page must not be
    /// shown.
    pub(crate) fn mark_png(&self, page: &[u8]) -> Result<Vec<u8>> {
        page_png(&self.mark_bytes(page)?)
    }
}

/// What `trace` found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceReport {
    /// The code read from the image.
    pub code: String,
    /// Which mark it was read from: `qr` (the footer's QR code),
    /// `invisible` (the mark spread faintly over the page, when the footer
    /// is gone) or `tiled_text` (the tiled mark, by OCR).
    pub channel: String,
    /// 0 to 1.
    pub confidence: f32,
    /// The ledger entry that gave out the page, if this vault has it.
    pub entry: Option<TracedEntry>,
    /// The exported or printed copy the code was given to (copy number,
    /// recipient, approver), when the page came from one.
    pub copy: Option<crate::copies::CopyInfo>,
}

/// The view, export or print a page came from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TracedEntry {
    pub seq: u64,
    pub letter_id: Option<String>,
    /// UTC milliseconds.
    pub at: i64,
    pub user: String,
    pub action: String,
    pub receipt_no: Option<String>,
    pub reason: Option<String>,
}

impl Vault {
    /// A fresh code for a marked view or export.
    pub(crate) fn make_mark_code(&mut self) -> ExportCode {
        ExportCode(rand_core::RngCore::next_u64(&mut self.rng))
    }

    /// Auditor: reads the code from a photo or scan of a page and finds the
    /// view, export or print it came from. Recorded as a ledger read.
    pub fn trace(&mut self, session: &mut Session, image: &[u8]) -> Result<TraceReport> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Auditor],
            Action::LedgerRead,
            "tracing a page",
        )?;
        // The photo is untrusted: decoded in the limited worker, which
        // gives back its own PNG. Then the footer's QR code; with the
        // footer cut off, the code in the tiled mark, read by OCR.
        let image = sealdesk_intake::image_isolated(&self.parse_worker()?, image)
            .map_err(ApiError::BadFile)?;
        let ocr = |png: &[u8]| sealdesk_intake::ocr::read_sparse_latin(png).ok();
        let traced = sealdesk_mark::trace_with_ocr(&image, &ocr).map_err(ApiError::BadInput)?;
        let Some(traced) = traced else {
            return Err(ApiError::NotFound(
                "no Sealdesk mark could be read from this image".into(),
            ));
        };
        // One ledger read, recorded as a trace of this code.
        let mut ev = Event::new(Some(Role::Auditor), Action::LedgerRead);
        ev.detail = Some(format!("trace {}", traced.code));
        let entries = crate::ledger::authored(self.read_ledger(session, &actor, ev)?);
        // The QR code and the invisible mark carry their own checks: their
        // codes are taken exactly. A code read from the tiled mark by OCR
        // may have a few characters wrong: it names the nearest code this
        // ledger gave out, if that is within MAX_OCR_DISTANCE and no other
        // is as near.
        let exact = traced.channel != sealdesk_mark::Channel::TiledText;
        let mut best: Option<(f32, ExportCode, EntryBody)> = None;
        let mut tie = false;
        for b in entries {
            let Some(given) = b.detail.as_deref().and_then(marked_code) else {
                continue;
            };
            let d = given.ocr_distance(&traced.code);
            if (exact && d > 0.0) || d > sealdesk_mark::MAX_OCR_DISTANCE as f32 {
                continue;
            }
            match &best {
                Some((bd, bc, _)) if *bd < d || (*bd == d && *bc == given) => {}
                Some((bd, _, _)) if *bd == d => tie = true,
                _ => {
                    tie = false;
                    best = Some((d, given, b));
                }
            }
        }
        let (code, entry) = match best.filter(|_| !tie) {
            Some((_, code, b)) => (
                code,
                Some(TracedEntry {
                    letter_id: b.letter_id,
                    seq: b.seq,
                    at: b.at,
                    user: b.user,
                    action: b.action,
                    receipt_no: b.receipt_no,
                    reason: b.reason,
                }),
            ),
            None => (traced.code, None),
        };
        let copy = match entry.as_ref().and_then(|e| e.letter_id.clone()) {
            Some(letter) => self.copy_by_code(&letter, &code.to_string())?,
            None => None,
        };
        Ok(TraceReport {
            copy,
            code: code.to_string(),
            channel: traced.channel.as_str().to_owned(),
            confidence: traced.confidence,
            entry,
        })
    }
}
