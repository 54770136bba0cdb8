//! Marked pages: every page image a person is shown carries their mark
//! (`sealdesk-mark`), with a code recorded in the ledger entry of that view
//! or export, and `trace` leads from a photo of a page back to that entry.

use std::sync::OnceLock;

use chrono::{FixedOffset, TimeZone};
use sealdesk_core::Timestamp;
use sealdesk_mark::{ExportCode, Fonts, MarkKind, MarkSpec};

use crate::actor::Actor;
use crate::records::Secrecy;
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
pub(crate) fn marked_code(detail: &str) -> Option<ExportCode> {
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
                struck: None,
            },
        }
    }

    /// For a declassified letter: the old marking struck through and
    /// `new_marking` after it.
    pub(crate) fn struck(mut self, new_marking: Option<String>) -> Self {
        self.spec.struck = new_marking;
        self
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

impl Vault {
    /// A fresh code for a marked view or export.
    pub(crate) fn make_mark_code(&mut self) -> ExportCode {
        ExportCode(rand_core::RngCore::next_u64(&mut self.rng))
    }
}
