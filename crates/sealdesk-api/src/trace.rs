//! Trace: from a photo or scan of a page back to the ledger entry that gave
//! it out. Every channel of the mark is read and weighed against the others;
//! a recipient is named only when the page body carries their code and
//! nothing on the page carries another.

use sealdesk_core::domain::Role;
use sealdesk_core::ledger::EntryBody;
use sealdesk_mark::{Channel, ExportCode, Traced};
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::marks::marked_code;
use crate::session::Session;
use crate::{ApiError, Result, Vault};

/// What `trace` found.
///
/// Every channel is read and each against the others: the footer's QR
/// code, the invisible mark and the tiled mark over the page body. A
/// recipient is named (`entry`, `copy`, `certain`) only when the page body
/// carries their code and nothing on the page carries another: a footer
/// alone can be pasted from another copy, and a page whose channels read
/// different codes is a composite — every code is reported, with what each
/// channel read, and no one is named.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceReport {
    /// The code read from the image (when `certain`, the code the ledger
    /// gave out; otherwise the first reading's).
    pub code: String,
    /// Which mark it was read from: `qr` (the footer's QR code),
    /// `body_qr` (a QR code on the page's blank paper), `invisible` (the
    /// mark spread faintly over the page) or `tiled_text` (the tiled mark,
    /// by OCR).
    pub channel: String,
    /// 0 to 1.
    pub confidence: f32,
    /// The ledger entry that gave out the page, if this vault has it and
    /// the trace is `certain`.
    pub entry: Option<TracedEntry>,
    /// The exported or printed copy the code was given to (copy number,
    /// recipient, approver), when the page came from one and the trace is
    /// `certain`.
    pub copy: Option<crate::copies::CopyInfo>,
    /// `confirmed` (the footer and the page body carry the same code),
    /// `body` (the page body alone, the footer gone), `footer_only` (only
    /// the footer's QR code was read: it may have been pasted from another
    /// copy, so it names no one on its own) or `conflict` (two codes on one
    /// page: a composite of copies, a pasted footer, or collusion).
    pub verdict: String,
    /// Whether `entry` names the source: `confirmed` or `body`.
    pub certain: bool,
    /// What each channel read, and the code given out it matches.
    pub readings: Vec<TraceReading>,
    /// Each code on the page and where it leads: one for a certain trace,
    /// one for `footer_only`, two or more for a `conflict`.
    pub candidates: Vec<TraceCandidate>,
}

/// One channel's reading of a page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceReading {
    /// `qr`, `body_qr`, `invisible` or `tiled_text`.
    pub channel: String,
    /// As read (a tiled reading may have a few characters wrong).
    pub code: String,
    /// 0 to 1.
    pub confidence: f32,
    /// The code this vault gave out that the reading matches, if any.
    pub matched: Option<String>,
}

/// A code found on the page and the view, export or print it leads to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceCandidate {
    pub code: String,
    /// The channels that read it.
    pub channels: Vec<String>,
    pub entry: Option<TracedEntry>,
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
    pub action: Action,
    pub receipt_no: Option<String>,
    pub reason: Option<String>,
}

impl Vault {
    /// Auditor: reads every mark on a photo or scan of a page, checks
    /// them against each other and finds the view, export or print they
    /// came from (see [`TraceReport`]). Recorded as a ledger read. A code
    /// this ledger never gave out is `NotFound`, not a report.
    pub fn trace(&mut self, session: &mut Session, image: &[u8]) -> Result<TraceReport> {
        let actor = self.begin_as(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "tracing a page",
        )?;
        // The photo is untrusted: decoded in the limited worker, which
        // gives back its own PNG. Then every channel.
        let image = sealdesk_intake::image_isolated(&self.parse_worker()?, image)
            .map_err(ApiError::BadFile)?;
        let ocr = |png: &[u8]| sealdesk_intake::ocr::read_sparse_latin(png).ok();
        let readings = sealdesk_mark::read_all(&image, Some(&ocr)).map_err(ApiError::BadInput)?;
        if readings.is_empty() {
            return Err(ApiError::NotFound(
                "no Sealdesk mark could be read from this image".into(),
            ));
        }
        // One ledger read, recorded as a trace of what was read.
        let mut ev = Event::new(Some(Role::Auditor), Action::LedgerRead);
        let read: Vec<String> = readings.iter().map(|r| r.code.to_string()).collect();
        ev.detail = Some(format!("trace {}", read.join(", ")));
        let entries = crate::ledger::authored(self.read_ledger(session, &actor, ev)?);
        let given: Vec<(ExportCode, EntryBody)> = entries
            .into_iter()
            .filter_map(|b| Some((b.detail.as_deref().and_then(marked_code)?, b)))
            .collect();
        let matched: Vec<Option<ExportCode>> =
            readings.iter().map(|r| match_reading(r, &given)).collect();
        let judged = judge(&readings, &matched);
        let mut candidates = Vec::new();
        for (code, channels) in &judged.codes {
            let entry = given
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, b)| traced_entry(b));
            let copy = match entry.as_ref().and_then(|e| e.letter_id.clone()) {
                Some(letter) => self.copy_by_code(&letter, &code.to_string())?,
                None => None,
            };
            candidates.push(TraceCandidate {
                code: code.to_string(),
                channels: channels.iter().map(|c| c.as_str().to_owned()).collect(),
                entry,
                copy,
            });
        }
        // One code, known to no entry: not a trace.
        if judged.verdict != Verdict::Conflict && candidates.iter().all(|c| c.entry.is_none()) {
            let first = &readings[0];
            return Err(ApiError::NotFound(format!(
                "code {} was read from the {}, but no entry in this vault's ledger carries it",
                first.code,
                first.channel.as_str()
            )));
        }
        let certain = matches!(judged.verdict, Verdict::Confirmed | Verdict::Body);
        let primary = &readings[judged.primary];
        let (code, entry, copy) = match (certain, candidates.first()) {
            (true, Some(c)) => (c.code.clone(), c.entry.clone(), c.copy.clone()),
            _ => (primary.code.to_string(), None, None),
        };
        Ok(TraceReport {
            code,
            channel: primary.channel.as_str().to_owned(),
            confidence: primary.confidence,
            entry,
            copy,
            verdict: judged.verdict.as_str().to_owned(),
            certain,
            readings: readings
                .iter()
                .zip(&matched)
                .map(|(r, m)| TraceReading {
                    channel: r.channel.as_str().to_owned(),
                    code: r.code.to_string(),
                    confidence: r.confidence,
                    matched: m.map(|c| c.to_string()),
                })
                .collect(),
            candidates,
        })
    }
}

fn traced_entry(b: &EntryBody) -> TracedEntry {
    TracedEntry {
        letter_id: b.letter_id.clone(),
        seq: b.seq,
        at: b.at,
        user: b.user.clone(),
        action: b.action,
        receipt_no: b.receipt_no.clone(),
        reason: b.reason.clone(),
    }
}

/// The code given out that a reading names. The QR code and the invisible
/// mark carry their own checks: their codes are taken exactly. A code read
/// from the tiled mark by OCR may have a few characters wrong: it names the
/// nearest code this ledger gave out, if that is within
/// [`sealdesk_mark::MAX_OCR_DISTANCE`] and no other is as near.
fn match_reading(r: &Traced, given: &[(ExportCode, EntryBody)]) -> Option<ExportCode> {
    if r.channel != Channel::TiledText {
        return given.iter().any(|(c, _)| *c == r.code).then_some(r.code);
    }
    let mut best: Option<(f32, ExportCode)> = None;
    let mut tie = false;
    for (c, _) in given {
        let d = c.ocr_distance(&r.code);
        if d > sealdesk_mark::MAX_OCR_DISTANCE as f32 {
            continue;
        }
        match best {
            Some((bd, bc)) if bd < d || (bd == d && bc == *c) => {}
            Some((bd, _)) if bd == d => tie = true,
            _ => {
                tie = false;
                best = Some((d, *c));
            }
        }
    }
    best.filter(|_| !tie).map(|(_, c)| c)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Confirmed,
    Body,
    FooterOnly,
    Conflict,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Body => "body",
            Self::FooterOnly => "footer_only",
            Self::Conflict => "conflict",
        }
    }
}

struct Judged {
    verdict: Verdict,
    /// Each code on the page (as given out, or as read when it matches
    /// none) with the channels that read it; the best-attested first.
    codes: Vec<(ExportCode, Vec<Channel>)>,
    /// The reading the report's `code`/`channel` come from.
    primary: usize,
}

/// Weighs the readings against each other. A tiled reading that matches no
/// code given out is OCR's noise, not a second code (its characters are a
/// vote, not a check); a QR or invisible reading that matches none is a
/// code, and a second one on the page is a conflict.
fn judge(readings: &[Traced], matched: &[Option<ExportCode>]) -> Judged {
    let mut codes: Vec<(ExportCode, Vec<Channel>)> = Vec::new();
    let mut first_of: Vec<usize> = Vec::new();
    for (i, (r, m)) in readings.iter().zip(matched).enumerate() {
        let code = match (m, r.channel) {
            (Some(c), _) => *c,
            (None, Channel::TiledText) => continue,
            (None, _) => r.code,
        };
        match codes.iter_mut().find(|(c, _)| *c == code) {
            Some((_, chans)) => {
                if !chans.contains(&r.channel) {
                    chans.push(r.channel)
                }
            }
            None => {
                codes.push((code, vec![r.channel]));
                first_of.push(i);
            }
        }
    }
    // Only tiled readings no code matched: the first is reported as read.
    if codes.is_empty() {
        return Judged {
            verdict: Verdict::Body,
            codes: vec![(readings[0].code, vec![readings[0].channel])],
            primary: 0,
        };
    }
    let body = |chans: &[Channel]| chans.iter().any(|c| *c != Channel::Qr);
    // The best-attested first: the most channels, the page body before the
    // footer.
    let mut order: Vec<usize> = (0..codes.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(codes[i].1.len()),
            !body(&codes[i].1),
            first_of[i],
        )
    });
    let codes: Vec<(ExportCode, Vec<Channel>)> = order.iter().map(|&i| codes[i].clone()).collect();
    let primary = first_of[order[0]];
    let verdict = match codes.as_slice() {
        [(_, chans)] if body(chans) && chans.contains(&Channel::Qr) => Verdict::Confirmed,
        [(_, chans)] if body(chans) => Verdict::Body,
        [_] => Verdict::FooterOnly,
        _ => Verdict::Conflict,
    };
    Judged {
        verdict,
        codes,
        primary,
    }
}
