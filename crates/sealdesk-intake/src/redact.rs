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

use crate::render::PlacedGlyph;
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

/// Why a page (or every page) is withheld from handlers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unplaced {
    /// The kind of the finding that could not be placed; `None` when the
    /// page itself could not be read (no text layer and no OCR words on it),
    /// so what it shows is unknown.
    pub kind: Option<PiiKind>,
    /// The page, if known; `None` withholds every page.
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

/// Draws the boxes for `findings` on the page images of `ex`: a scan's
/// image or a PDF's rendered pages, boxes placed from the OCR words (a scan,
/// a scanned PDF) or the glyphs of the PDF's text layer.
///
/// A page with nothing read on it — no glyph and no OCR word: a scanned page
/// inside a text PDF, a page OCR failed on, a scan without OCR — is withheld,
/// since nothing says what identity it shows.
pub fn redact(ex: &Extracted, findings: &[Finding]) -> Result<Redaction, String> {
    let images: Vec<(u32, &[u8])> = if !ex.page_renders.is_empty() {
        ex.page_renders
            .iter()
            .map(|r| (r.page, r.png.as_slice()))
            .collect()
    } else if let Some(png) = &ex.working_image {
        vec![(1, png.as_slice())]
    } else {
        return Ok(Redaction::default());
    };
    let mut boxes: Vec<(u32, u32, u32, u32, u32)> = Vec::new();
    let mut redaction = Redaction::default();
    let ocr = !ex.ocr_words.is_empty();
    for &(page, _) in &images {
        let read = if ocr {
            ex.ocr_words.iter().any(|w| w.page == page)
        } else {
            ex.page_renders
                .iter()
                .any(|r| r.page == page && !searchable(&r.glyphs).is_empty())
        };
        if !read {
            redaction.unplaced.push(Unplaced {
                kind: None,
                page: Some(page),
            });
        }
    }
    if ocr {
        for (start, end, kind) in spans(&ex.text, findings) {
            let found = boxes_for(&ex.ocr_words, start, end);
            if found.is_empty() {
                redaction.unplaced.push(Unplaced {
                    kind: Some(kind),
                    page: page_at(&ex.ocr_words, start),
                });
            }
            boxes.extend(found);
        }
    } else {
        let pages: Vec<(&crate::render::PageRender, Vec<(char, usize)>)> = ex
            .page_renders
            .iter()
            .map(|r| (r, searchable(&r.glyphs)))
            .collect();
        for f in findings {
            let raw = ex.text.get(f.start..f.end).unwrap_or_default();
            let mut placed = false;
            for needle in [squeeze(raw), squeeze(&f.value)] {
                let len = needle.chars().count();
                for (render, chars) in &pages {
                    for at in occurrences(chars, &needle) {
                        let glyphs = chars[at..at + len].iter().map(|&(_, g)| &render.glyphs[g]);
                        boxes.extend(glyph_boxes(render.page, glyphs));
                        placed = true;
                    }
                }
            }
            if !placed && !f.value.is_empty() {
                let page = ex.text.contains('\u{000C}').then(|| {
                    ex.text
                        .get(..f.start)
                        .map_or(0, |s| s.matches('\u{000C}').count()) as u32
                        + 1
                });
                redaction.unplaced.push(Unplaced {
                    kind: Some(f.kind),
                    page,
                });
            }
        }
    }
    let withhold_all = redaction.unplaced.iter().any(|u| u.page.is_none());
    for (page, png) in images {
        let withheld = withhold_all || redaction.unplaced.iter().any(|u| u.page == Some(page));
        let mine: Vec<_> = boxes.iter().filter(|b| b.0 == page).collect();
        let png = if withheld {
            None
        } else {
            let mut image = decode(png)?;
            for &&(_, x0, y0, x1, y1) in &mine {
                fill(&mut image, x0, y0, x1, y1);
            }
            Some(encode(&image)?)
        };
        redaction.pages.push(RedactedPage {
            page,
            png,
            boxes: mine.len(),
        });
    }
    Ok(redaction)
}

/// Text as it is compared with glyphs: normalized, no whitespace, ASCII
/// letters in lower case.
fn squeeze(s: &str) -> String {
    s.chars()
        .map(sealdesk_core::pii::normalize_char)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A page's glyphs as searchable chars (squeezed like [`squeeze`]), each
/// with the index of its glyph.
fn searchable(glyphs: &[PlacedGlyph]) -> Vec<(char, usize)> {
    glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (
                sealdesk_core::pii::normalize_char(g.ch).to_ascii_lowercase(),
                i,
            )
        })
        .filter(|(c, _)| !c.is_whitespace() && *c != '\u{FFFD}')
        .collect()
}

/// Where `needle` starts in `chars`, at every occurrence.
fn occurrences(chars: &[(char, usize)], needle: &str) -> Vec<usize> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() || needle.len() > chars.len() {
        return Vec::new();
    }
    (0..=chars.len() - needle.len())
        .filter(|&i| needle.iter().enumerate().all(|(k, c)| chars[i + k].0 == *c))
        .collect()
}

/// One box per run of glyphs on the same line.
fn glyph_boxes<'g>(
    page: u32,
    glyphs: impl Iterator<Item = &'g PlacedGlyph>,
) -> Vec<(u32, u32, u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32, u32, u32)> = Vec::new();
    for g in glyphs {
        let pad = PAD as f32;
        let (x0, y0) = ((g.x0 - pad).max(0.0) as u32, (g.y0 - pad).max(0.0) as u32);
        let (x1, y1) = (
            (g.x1 + pad).max(0.0).ceil() as u32,
            (g.y1 + pad).max(0.0).ceil() as u32,
        );
        match out.last_mut() {
            Some(b) if y0 < b.4 && b.2 < y1 => {
                b.1 = b.1.min(x0);
                b.2 = b.2.min(y0);
                b.3 = b.3.max(x1);
                b.4 = b.4.max(y1);
            }
            _ => out.push((page, x0, y0, x1, y1)),
        }
    }
    out
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
