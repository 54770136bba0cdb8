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
    /// The page was read, but not well enough to trust its boxes (see
    /// [`crate::legibility`]): handwriting, ink OCR did not read, low
    /// confidence.
    #[serde(default)]
    pub illegible: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Redaction {
    pub pages: Vec<RedactedPage>,
    pub unplaced: Vec<Unplaced>,
}

/// Pixels added around each word box, so that anti-aliased edges and
/// accents of the glyphs are covered too: at least this, and a fifth of the
/// glyph's height (OCR's boxes hug the ink, and a glyph's first stroke can
/// lie outside the box it gives).
const PAD: u32 = 3;

fn pad_for(height: u32) -> u32 {
    PAD.max(height / 5)
}

/// Every span of `text` to black out: each finding's span, and every other
/// occurrence of its value or span text (as the working copy's mask does).
fn spans(text: &str, findings: &[Finding]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (index, f) in findings.iter().enumerate() {
        if f.start < f.end && f.end <= text.len() {
            out.push((f.start, f.end, index));
        }
        let raw = text.get(f.start..f.end).unwrap_or_default();
        for needle in [f.value.as_str(), raw] {
            if needle.chars().count() < 2 {
                continue;
            }
            for (at, m) in text.match_indices(needle) {
                out.push((at, at + m.len(), index));
            }
        }
    }
    out.extend(fuzzy_spans(text, findings));
    out.sort_unstable_by_key(|&(s, e, _)| (s, e));
    out.dedup_by_key(|&mut (s, e, _)| (s, e));
    out
}

/// How many distinct values are looked for fuzzily, and in how much text:
/// each costs a pass over it.
const MAX_FUZZY_VALUES: usize = 200;
const MAX_FUZZY_TEXT: usize = 400_000;

/// What OCR confuses, read as one: a value read with O for 0 or I for 1 is
/// the same value.
fn canon(c: char) -> char {
    match sealdesk_core::pii::normalize_char(c).to_ascii_uppercase() {
        'O' | 'Q' | 'D' => '0',
        'I' | 'L' | '|' => '1',
        'S' => '5',
        'B' => '8',
        'Z' => '2',
        other => other,
    }
}

/// What is left of a value or a text when spaces and separators are taken
/// out (OCR splits and joins them at will).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            sealdesk_core::pii::normalize_char(c),
            '-' | '(' | ')' | '+' | '.' | '·'
        )
}

/// Other readings of a finding's value: the same characters (as OCR
/// confuses them), spacing and separators aside, with one character in
/// ten read wrong (at least one). A value OCR read differently where it
/// occurs again is still boxed. Short values (under 6 characters, or 3 Han
/// characters for a name) are left out: too many words would match.
fn fuzzy_spans(text: &str, findings: &[Finding]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    if text.len() > MAX_FUZZY_TEXT {
        return out;
    }
    let squeezed: Vec<(char, usize, usize)> = text
        .char_indices()
        .filter(|(_, c)| !is_separator(*c))
        .map(|(at, c)| (canon(c), at, at + c.len_utf8()))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for (index, f) in findings.iter().enumerate() {
        if seen.len() >= MAX_FUZZY_VALUES || !seen.insert(f.value.clone()) {
            continue;
        }
        let v: Vec<char> = f
            .value
            .chars()
            .filter(|c| !is_separator(*c))
            .map(canon)
            .collect();
        let han = v.iter().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c));
        if v.len() < 6 && !(han && v.len() >= 3) {
            continue;
        }
        let allowed = (v.len() / 10).max(1);
        if squeezed.len() < v.len() {
            continue;
        }
        for i in 0..=squeezed.len() - v.len() {
            let mut wrong = 0;
            for (k, want) in v.iter().enumerate() {
                if squeezed[i + k].0 != *want {
                    wrong += 1;
                    if wrong > allowed {
                        break;
                    }
                }
            }
            // A name must keep its surname: 王大明 read 王大朋 is boxed,
            // 李大明 is another person.
            if wrong <= allowed && (!han || squeezed[i].0 == v[0]) {
                out.push((squeezed[i].1, squeezed[i + v.len() - 1].2, index));
            }
        }
    }
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
        let pad = pad_for(w.height);
        let (x0, y0) = (w.left.saturating_sub(pad), w.top.saturating_sub(pad));
        let (x1, y1) = (w.left + w.width + pad, w.top + w.height + pad);
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

/// A rectangle on a page image, in its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageBox {
    /// 1-based.
    pub page: u32,
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl PageBox {
    fn from_tuple((page, x0, y0, x1, y1): (u32, u32, u32, u32, u32)) -> Self {
        Self {
            page,
            x0,
            y0,
            x1,
            y1,
        }
    }

    fn contains(&self, page: u32, x: f32, y: f32) -> bool {
        page == self.page
            && self.x0 as f32 <= x
            && x <= self.x1 as f32
            && self.y0 as f32 <= y
            && y <= self.y1 as f32
    }
}

/// Where the boxes for a set of findings go, before anything is drawn: the
/// review screen shows them over the page, registration paints them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Placement {
    /// Each box with the index of the finding it covers.
    pub boxes: Vec<(usize, PageBox)>,
    pub unplaced: Vec<Unplaced>,
    /// The index of every finding that could not be placed.
    pub unplaced_findings: Vec<usize>,
    /// Red seals and signature blocks on scanned pages, boxed whatever OCR
    /// read (see [`crate::legibility`]).
    pub seals: Vec<PageBox>,
    /// How well each scanned page was read.
    pub verdicts: Vec<crate::legibility::Verdict>,
}

/// The page images of the letter as they came: a PDF's rendered pages or
/// the scan itself, each with its page number.
pub fn originals(ex: &Extracted) -> Vec<(u32, &[u8])> {
    if !ex.page_renders.is_empty() {
        ex.page_renders
            .iter()
            .map(|r| (r.page, r.png.as_slice()))
            .collect()
    } else if let Some(png) = &ex.working_image {
        vec![(1, png.as_slice())]
    } else {
        Vec::new()
    }
}

/// Finds where the boxes for `findings` go on the page images of `ex`,
/// placed from the OCR words (a scan, a scanned PDF) or the glyphs of the
/// PDF's text layer.
///
/// A page with nothing read on it — no glyph and no OCR word: a scanned page
/// inside a text PDF, a page OCR failed on, a scan without OCR — is
/// unplaced, since nothing says what identity it shows.
pub fn place(ex: &Extracted, findings: &[Finding]) -> Placement {
    let images = originals(ex);
    let mut placement = Placement::default();
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
            placement.unplaced.push(Unplaced {
                kind: None,
                page: Some(page),
                illegible: false,
            });
        }
    }
    // A scanned page: how well it was read, and its seals.
    let mut doubtful = Vec::new();
    if ocr {
        for &(page, png) in &images {
            let Ok(image) = decode(png) else {
                placement.unplaced.push(Unplaced {
                    kind: None,
                    page: Some(page),
                    illegible: true,
                });
                continue;
            };
            let v = crate::legibility::verdict(&image, &ex.ocr_words, page);
            let read = ex.ocr_words.iter().any(|w| w.page == page);
            if !v.legible && read {
                placement.unplaced.push(Unplaced {
                    kind: None,
                    page: Some(page),
                    illegible: true,
                });
            }
            placement.verdicts.push(v);
            placement
                .seals
                .extend(crate::legibility::seals(&image, page));
            placement.seals.extend(crate::legibility::signature_blocks(
                &ex.text,
                &ex.ocr_words,
                page,
                image.dimensions(),
            ));
            placement.seals.extend(crate::legibility::closing_lines(
                &ex.ocr_words,
                page,
                image.dimensions(),
            ));
            doubtful.extend(crate::legibility::doubtful_identifiers(
                &ex.ocr_words,
                page,
                image.dimensions(),
            ));
        }
    }
    if images.is_empty() {
        return placement;
    }
    if ocr {
        for (start, end, index) in spans(&ex.text, findings) {
            // In an e-mail's body, before its attached pages: on no page.
            if end <= ex.pages_from {
                continue;
            }
            let found = boxes_for(&ex.ocr_words, start, end);
            if found.is_empty() {
                placement.unplaced.push(Unplaced {
                    kind: Some(findings[index].kind),
                    page: page_at(&ex.ocr_words, start),
                    illegible: false,
                });
                placement.unplaced_findings.push(index);
            }
            placement
                .boxes
                .extend(found.into_iter().map(|b| (index, PageBox::from_tuple(b))));
        }
        // A doubtful word a finding's box already covers needs no second,
        // larger box (which would change the page around it for nothing).
        let covered = |d: &PageBox| {
            placement.boxes.iter().any(|(_, b)| {
                b.page == d.page && b.x0 < d.x1 && d.x0 < b.x1 && b.y0 < d.y1 && d.y0 < b.y1
            })
        };
        let extra: Vec<PageBox> = doubtful.into_iter().filter(|d| !covered(d)).collect();
        placement.seals.extend(extra);
    } else {
        let pages: Vec<(&crate::render::PageRender, Vec<(char, usize)>)> = ex
            .page_renders
            .iter()
            .map(|r| (r, searchable(&r.glyphs)))
            .collect();
        for (index, f) in findings.iter().enumerate() {
            let raw = ex.text.get(f.start..f.end).unwrap_or_default();
            let mut placed = f.end <= ex.pages_from;
            for needle in [squeeze(raw), squeeze(&f.value)] {
                let len = needle.chars().count();
                for (render, chars) in &pages {
                    for at in occurrences(chars, &needle) {
                        let glyphs = chars[at..at + len].iter().map(|&(_, g)| &render.glyphs[g]);
                        placement.boxes.extend(
                            glyph_boxes(render.page, glyphs)
                                .into_iter()
                                .map(|b| (index, PageBox::from_tuple(b))),
                        );
                        placed = true;
                    }
                }
            }
            if !placed && !f.value.is_empty() {
                let page = ex.text.contains('\u{000C}').then(|| {
                    ex.text
                        .get(ex.pages_from.min(f.start)..f.start)
                        .map_or(0, |s| s.matches('\u{000C}').count()) as u32
                        + 1
                });
                placement.unplaced.push(Unplaced {
                    kind: Some(f.kind),
                    page,
                    illegible: false,
                });
                placement.unplaced_findings.push(index);
            }
        }
    }
    placement.boxes.sort_by_key(|(i, b)| (b.page, *i));
    placement.boxes.dedup();
    placement.unplaced_findings.sort_unstable();
    placement.unplaced_findings.dedup();
    placement
}

/// The text the clerk covered with a box drawn on a page: the OCR words or
/// text-layer glyphs whose centre lies inside it, in reading order, with
/// words (OCR) or runs on different lines (glyphs) separated by a space.
pub fn text_under(ex: &Extracted, area: &PageBox) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !ex.ocr_words.is_empty() {
        for w in &ex.ocr_words {
            let (cx, cy) = (
                w.left as f32 + w.width as f32 / 2.0,
                w.top as f32 + w.height as f32 / 2.0,
            );
            if area.contains(w.page, cx, cy) {
                // The word as it stands in the text (the span a finding
                // will point to), else as OCR read it.
                let word = ex
                    .text
                    .get(w.text_start..w.text_end)
                    .filter(|t| !t.is_empty())
                    .unwrap_or(&w.text);
                parts.push(word.to_owned());
            }
        }
    } else if let Some(render) = ex.page_renders.iter().find(|r| r.page == area.page) {
        let mut line_bottom = f32::MIN;
        for g in &render.glyphs {
            let (cx, cy) = ((g.x0 + g.x1) / 2.0, (g.y0 + g.y1) / 2.0);
            if !area.contains(area.page, cx, cy) || g.ch.is_whitespace() {
                continue;
            }
            if g.y0 >= line_bottom {
                parts.push(String::new());
            }
            line_bottom = line_bottom.max(g.y1);
            if let Some(last) = parts.last_mut() {
                last.push(g.ch);
            }
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join(" ")
}

/// Draws the boxes for `findings` on the page images of `ex` (see
/// [`place`]), and the boxes the clerk drew (`drawn`) as they are.
///
/// A page with a finding that could not be placed, or with nothing read on
/// it, or read too poorly, is withheld.
pub fn redact(
    ex: &Extracted,
    findings: &[Finding],
    drawn: &[PageBox],
) -> Result<Redaction, String> {
    redact_released(ex, findings, drawn, &[])
}

/// [`redact`], with the pages the clerk reviewed and released: a page
/// withheld because nothing (or too little) was read on it is shown after
/// all, with the clerk's boxes and its seals boxed. A page withheld because
/// a finding could not be placed stays withheld.
pub fn redact_released(
    ex: &Extracted,
    findings: &[Finding],
    drawn: &[PageBox],
    released: &[u32],
) -> Result<Redaction, String> {
    let placement = place(ex, findings);
    let mut redaction = Redaction {
        pages: Vec::new(),
        unplaced: placement.unplaced,
    };
    // Findings that share a value share its boxes: paint each once. Seals
    // are boxed on every scanned page.
    let mut boxes: Vec<PageBox> = placement
        .boxes
        .into_iter()
        .map(|(_, b)| b)
        .chain(drawn.iter().copied())
        .chain(placement.seals)
        .collect();
    boxes.sort_unstable_by_key(|b| (b.page, b.y0, b.x0, b.y1, b.x1));
    boxes.dedup();
    let withhold_all = redaction.unplaced.iter().any(|u| u.page.is_none());
    for (page, png) in originals(ex) {
        let withheld = withhold_all
            || redaction
                .unplaced
                .iter()
                .any(|u| u.page == Some(page) && (u.kind.is_some() || !released.contains(&page)));
        let mine: Vec<&PageBox> = boxes.iter().filter(|b| b.page == page).collect();
        let png = if withheld {
            None
        } else if mine.is_empty() {
            // Nothing to cover: the page as rendered.
            Some(png.to_vec())
        } else {
            Some(paint(png, &mine)?)
        };
        redaction.pages.push(RedactedPage {
            page,
            png,
            boxes: mine.len(),
        });
    }
    Ok(redaction)
}

/// A page image's width and height in pixels, read from its header.
pub fn dimensions(png: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::with_format(Cursor::new(png), image::ImageFormat::Png)
        .into_dimensions()
        .ok()
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
        let pad = pad_for((g.y1 - g.y0).max(0.0) as u32) as f32;
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

/// Blacks out `boxes` on a PNG page image, in its own colour type (a grey
/// page stays grey), and encodes it again.
fn paint(png: &[u8], boxes: &[&PageBox]) -> Result<Vec<u8>, String> {
    use image::{ColorType, ExtendedColorType, ImageDecoder};
    let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(png))
        .map_err(|e| format!("page image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    decoder
        .set_limits(limits)
        .map_err(|e| format!("page image: {e}"))?;
    let (w, h) = decoder.dimensions();
    let (channels, alpha, color) = match decoder.color_type() {
        ColorType::L8 => (1usize, false, ExtendedColorType::L8),
        ColorType::La8 => (2, true, ExtendedColorType::La8),
        ColorType::Rgb8 => (3, false, ExtendedColorType::Rgb8),
        ColorType::Rgba8 => (4, true, ExtendedColorType::Rgba8),
        // Deeper images (a 16-bit scan): as 8-bit RGB.
        _ => {
            let mut image = decode(png)?;
            for b in boxes {
                fill(&mut image, b.x0, b.y0, b.x1, b.y1);
            }
            return crate::render::encode_png(image.width(), image.height(), image.as_raw());
        }
    };
    let size = usize::try_from(decoder.total_bytes()).map_err(|_| "page image too large")?;
    let mut buf = vec![0u8; size];
    decoder
        .read_image(&mut buf)
        .map_err(|e| format!("page image: {e}"))?;
    let stride = w as usize * channels;
    for b in boxes {
        let (x0, x1) = (b.x0.min(w) as usize, b.x1.min(w) as usize);
        for y in b.y0.min(h)..b.y1.min(h) {
            let row = &mut buf[y as usize * stride..][..stride];
            for px in row[x0 * channels..x1 * channels].chunks_exact_mut(channels) {
                px.fill(0);
                if alpha {
                    px[channels - 1] = 255;
                }
            }
        }
    }
    crate::render::encode_png_as(w, h, &buf, color)
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

/// An opaque black rectangle, clipped to the page.
fn fill(page: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) {
    let (w, h) = page.dimensions();
    for y in y0.min(h)..y1.min(h) {
        for x in x0.min(w)..x1.min(w) {
            page.put_pixel(x, y, Rgb([0, 0, 0]));
        }
    }
}
