//! Redacted page images: each page of the letter as an image with an opaque
//! box over every accepted finding, placed from where the text came from
//! (the OCR word boxes of a scan). Handlers see these pages; exports start
//! from them; the original never leaves the identity-holder's key.
//!
//! A finding whose place on a page cannot be found is not guessed at: the
//! page it is on (or every page, when that is unknown too) is withheld, and
//! the clerk is told which finding and which page.

use std::io::Cursor;

use image::{Rgb, RgbImage};
use sealdesk_core::pii::{Finding, PiiKind};
use serde::{Deserialize, Serialize};

use crate::{Extracted, OcrWord};

/// One page as a handler may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedactedPage {
    /// 1-based.
    pub page: u32,
    /// PNG, with the boxes drawn in; `None` when the page is withheld.
    pub png: Option<Vec<u8>>,
    pub boxes: usize,
}

/// A finding that could not be placed on a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unplaced {
    pub kind: PiiKind,
    /// The page it is on, if known; `None` withholds every page.
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Redaction {
    pub pages: Vec<RedactedPage>,
    pub unplaced: Vec<Unplaced>,
}

/// Pixels added around each word box, so that anti-aliased edges and
/// accents of the glyphs are covered too.
const PAD: u32 = 3;

/// Every span of `text` to black out: each finding's span, and every other
/// occurrence of its value or span text (as the working copy's mask does).
fn spans(text: &str, findings: &[Finding]) -> Vec<(usize, usize, PiiKind)> {
    let mut out: Vec<(usize, usize, PiiKind)> = Vec::new();
    for f in findings {
        if f.start < f.end && f.end <= text.len() {
            out.push((f.start, f.end, f.kind));
        }
        let raw = text.get(f.start..f.end).unwrap_or_default();
        for needle in [f.value.as_str(), raw] {
            if needle.chars().count() < 2 {
                continue;
            }
            for (at, m) in text.match_indices(needle) {
                out.push((at, at + m.len(), f.kind));
            }
        }
    }
    out.sort_unstable_by_key(|&(s, e, _)| (s, e));
    out.dedup_by_key(|&mut (s, e, _)| (s, e));
    out
}

/// The boxes of the OCR words a span touches, one rectangle per run of
/// words on the same line (so the gaps between them are covered too).
fn boxes_for(words: &[OcrWord], start: usize, end: usize) -> Vec<(u32, u32, u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32, u32, u32)> = Vec::new(); // page, x0, y0, x1, y1
    for w in words
        .iter()
        .filter(|w| w.text_start < end && start < w.text_end)
    {
        let (x0, y0) = (w.left.saturating_sub(PAD), w.top.saturating_sub(PAD));
        let (x1, y1) = (w.left + w.width + PAD, w.top + w.height + PAD);
        match out.last_mut() {
            // Same page and overlapping vertically: the same line.
            Some(b) if b.0 == w.page && y0 < b.4 && b.2 < y1 => {
                b.1 = b.1.min(x0);
                b.2 = b.2.min(y0);
                b.3 = b.3.max(x1);
                b.4 = b.4.max(y1);
            }
            _ => out.push((w.page, x0, y0, x1, y1)),
        }
    }
    out
}

/// The page a byte offset of the text is on: that of the nearest word
/// starting at or before it.
fn page_at(words: &[OcrWord], at: usize) -> Option<u32> {
    words
        .iter()
        .filter(|w| w.text_start <= at)
        .max_by_key(|w| w.text_start)
        .map(|w| w.page)
}

/// Draws the boxes for `findings` on the page images of `ex`. Pages come
/// from the scan (`working_image`); word places from OCR.
pub fn redact(ex: &Extracted, findings: &[Finding]) -> Result<Redaction, String> {
    let Some(png) = &ex.working_image else {
        return Ok(Redaction::default());
    };
    let mut page = decode(png)?;
    let mut redaction = Redaction::default();
    let mut withhold_all = false;
    let mut withheld_page = false;
    let mut boxes = 0;
    for (start, end, kind) in spans(&ex.text, findings) {
        let found = boxes_for(&ex.ocr_words, start, end);
        if found.is_empty() {
            let page_no = page_at(&ex.ocr_words, start);
            match page_no {
                Some(1) => withheld_page = true,
                _ => withhold_all = true,
            }
            redaction.unplaced.push(Unplaced {
                kind,
                page: page_no,
            });
            continue;
        }
        for (_, x0, y0, x1, y1) in found {
            fill(&mut page, x0, y0, x1, y1);
            boxes += 1;
        }
    }
    let withheld = withhold_all || withheld_page;
    redaction.pages.push(RedactedPage {
        page: 1,
        png: if withheld { None } else { Some(encode(&page)?) },
        boxes,
    });
    Ok(redaction)
}

fn decode(png: &[u8]) -> Result<RgbImage, String> {
    let mut reader = image::ImageReader::with_format(Cursor::new(png), image::ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    reader
        .decode()
        .map(|i| i.to_rgb8())
        .map_err(|e| format!("page image: {e}"))
}

fn encode(page: &RgbImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    page.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| format!("page image: {e}"))?;
    Ok(out)
}

/// An opaque black rectangle, clipped to the page.
fn fill(page: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) {
    let (w, h) = page.dimensions();
    for y in y0.min(h)..y1.min(h) {
        for x in x0.min(w)..x1.min(w) {
            page.put_pixel(x, y, Rgb([0, 0, 0]));
        }
    }
}
