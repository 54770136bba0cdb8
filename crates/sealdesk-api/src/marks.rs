//! Marked pages: every page image a person is shown carries their mark
//! (`sealdesk-mark`), with a code recorded in the ledger entry of that view
//! or export, and `trace` leads from a photo of a page back to that entry.

use std::sync::OnceLock;

use chrono::{FixedOffset, TimeZone};
use sealdesk_core::domain::Role;
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
        Self {
            spec: MarkSpec {
                recipient: actor.name.clone(),
                unit: actor.unit.clone().unwrap_or_default(),
                time: taiwan_time(now),
                level: level.to_owned(),
                secrecy: secrecy_text(secrecy),
                kind,
                code,
            },
        }
    }

    /// The page with its mark, as PNG. An error means the page must not be
    /// shown.
    pub(crate) fn mark_png(&self, page: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let fonts =
            fonts().ok_or("no Traditional Chinese font for the mark (install fonts-noto-cjk)")?;
        let img = sealdesk_mark::mark_page(page, &self.spec, fonts).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

use image::ImageEncoder as _;

/// What `trace` found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceReport {
    /// The code read from the image.
    pub code: String,
    /// Which mark it was read from: `qr`.
    pub channel: String,
    /// 0 to 1.
    pub confidence: f32,
    /// The ledger entry that gave out the page, if this vault has it.
    pub entry: Option<TracedEntry>,
}

/// The view, export or print a page came from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TracedEntry {
    pub seq: u64,
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
        let traced = sealdesk_mark::trace(image).map_err(ApiError::BadInput)?;
        let Some(traced) = traced else {
            return Err(ApiError::NotFound(
                "no Sealdesk mark could be read from this image".into(),
            ));
        };
        let detail = mark_detail(traced.code);
        let entries = self.ledger_entries(session)?;
        let mut ev = Event::new(&actor.name, Some(Role::Auditor), Action::LedgerRead);
        ev.detail = Some(format!("trace {}", traced.code));
        self.record(ev)?;
        let entry = entries
            .into_iter()
            .map(|e| e.body)
            .find(|b| b.detail.as_deref() == Some(detail.as_str()))
            .map(|b| TracedEntry {
                seq: b.seq,
                at: b.at,
                user: b.user,
                action: b.action,
                receipt_no: b.receipt_no,
                reason: b.reason,
            });
        Ok(TraceReport {
            code: traced.code.to_string(),
            channel: traced.channel.as_str().to_owned(),
            confidence: traced.confidence,
            entry,
        })
    }
}
