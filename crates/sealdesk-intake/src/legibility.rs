//! Whether a scanned page was read well enough to be shown redacted, and
//! where its seals are.
//!
//! Redaction boxes what the text says; on a page OCR could not read (a
//! handwritten letter, a name under a seal, a photo of a form) the text says
//! too little, and the page image would reach a handler whole. So each page
//! OCR read gets a verdict from the page itself:
//!
//! * **ink outside what was read**: the page is cut into cells; a cell
//!   whose ink is mostly outside every word OCR read with some confidence,
//!   and is spread over its rows and columns (not a rule or a box line), is
//!   unread writing. Typed text read well leaves few such cells (specks,
//!   a logo); handwriting, a name under a seal or a drawing leaves a block
//!   of them. The share of all ink outside read words is kept as a second
//!   measure.
//! * **confidence**: OCR's mean confidence over the characters it read.
//!
//! A page fails when either says it was not read. A failed page is withheld
//! from handlers until the registering clerk reviews it, boxes what
//! identifies and releases it (`Review::release` in the API); the release is
//! recorded.
//!
//! Seals (red ink, 印章) are found by colour and boxed on every scanned page
//! whatever OCR read: a seal stands on or beside the signer's name.
//!
//! Hand-written, and why: no crate gives a legibility measure for OCR
//! output; this one uses only the page pixels and Tesseract's word boxes.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::redact::PageBox;
use crate::OcrWord;

/// Below this confidence (0–100) a word does not count as read.
pub const READ_CONFIDENCE: f32 = 55.0;
/// A page with more than this share of its ink outside read words fails.
pub const MAX_INK_OUTSIDE: f32 = 0.45;
/// Side of the cells unread writing is looked for in, in pixels.
const TEXT_CELL: u32 = 32;
/// A page with this many unread-writing cells (or this share of its
/// cells, if more) fails: about two handwritten words.
const MAX_UNREAD_CELLS: usize = 6;
const MAX_UNREAD_SHARE: f32 = 0.02;
/// A page whose read characters average below this confidence fails.
pub const MIN_MEAN_CONFIDENCE: f32 = 60.0;
/// A page with less ink than this share of its area is blank: nothing on it
/// can identify anyone, whatever OCR read.
const BLANK_INK: f32 = 0.0005;
/// Pixels around each read word still counted as that word's ink.
const WORD_MARGIN: u32 = 4;

/// What the page image says about how well it was read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub page: u32,
    pub legible: bool,
    /// Share of the page's ink outside every word read with confidence.
    pub ink_outside: f32,
    /// Mean OCR confidence over the characters read (0 when none).
    pub mean_confidence: f32,
    /// Cells of writing OCR did not read (see the module's notes).
    pub unread_cells: usize,
}

fn luma(p: &image::Rgb<u8>) -> u32 {
    let [r, g, b] = p.0;
    (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000
}

/// Which pixels are ink: dark against the paper around them, not dark in
/// themselves. A phone photo puts the page on a desk and shades it from one
/// corner; the desk is not writing, and shaded paper is still paper.
///
/// The page is cut into cells; a cell's paper level is its brightest tenth.
/// A cell is paper when that level is at least half the page's (the
/// brightest tenth of all cells); a desk, a dark margin or a solid bar is
/// not. Ink is looked for only in paper cells whose eight neighbours are
/// paper too (the edge between paper and desk is no writing), and a pixel
/// is ink when it is darker than half-way from the paper around it to
/// black.
fn ink_mask(image: &RgbImage) -> Vec<bool> {
    let (w, h) = image.dimensions();
    let (cw, ch) = (w.div_ceil(TEXT_CELL), h.div_ceil(TEXT_CELL));
    let mut bright = vec![0u32; (cw * ch) as usize];
    for cy in 0..ch {
        for cx in 0..cw {
            let mut hist = [0u32; 256];
            let mut n = 0u32;
            for y in cy * TEXT_CELL..((cy + 1) * TEXT_CELL).min(h) {
                for x in cx * TEXT_CELL..((cx + 1) * TEXT_CELL).min(w) {
                    hist[luma(image.get_pixel(x, y)) as usize] += 1;
                    n += 1;
                }
            }
            let (mut seen, mut level) = (0u32, 255usize);
            while level > 0 && seen + hist[level] < n / 10 {
                seen += hist[level];
                level -= 1;
            }
            bright[(cy * cw + cx) as usize] = level as u32;
        }
    }
    let mut sorted = bright.clone();
    sorted.sort_unstable();
    let page_paper = sorted
        .get(sorted.len().saturating_sub(1 + sorted.len() / 10))
        .copied()
        .unwrap_or(255);
    let paper = |cx: i64, cy: i64| {
        // Beyond the image counts as paper: a scan's text may run close to
        // its edge.
        if cx < 0 || cy < 0 || cx >= i64::from(cw) || cy >= i64::from(ch) {
            return true;
        }
        bright[(cy as u32 * cw + cx as u32) as usize] * 2 >= page_paper
    };
    // Per cell: the paper level ink is judged against, or none where no ink
    // is looked for.
    let levels: Vec<Option<u32>> = (0..ch)
        .flat_map(|cy| (0..cw).map(move |cx| (i64::from(cx), i64::from(cy))))
        .map(|(cx, cy)| {
            let mut level = 0;
            for ny in cy - 1..=cy + 1 {
                for nx in cx - 1..=cx + 1 {
                    if !paper(nx, ny) {
                        return None;
                    }
                    if nx >= 0 && ny >= 0 && nx < i64::from(cw) && ny < i64::from(ch) {
                        level = level.max(bright[(ny as u32 * cw + nx as u32) as usize]);
                    }
                }
            }
            Some(level)
        })
        .collect();
    image
        .enumerate_pixels()
        .map(|(x, y, p)| {
            levels[((y / TEXT_CELL) * cw + x / TEXT_CELL) as usize].is_some_and(|bg| {
                let l = luma(p);
                // Darker than half-way to black from the paper, and by a
                // margin noise and JPEG ringing do not reach.
                l * 2 < bg + 48 && bg >= l + 60
            })
        })
        .collect()
}

/// A pixel is seal ink when it is clearly red.
fn is_seal(p: &image::Rgb<u8>) -> bool {
    let [r, g, b] = p.0.map(i32::from);
    r > 120 && r - g > 50 && r - b > 40
}

/// The verdict on one page image and the words OCR read on it.
pub fn verdict(image: &RgbImage, words: &[OcrWord], page: u32) -> Verdict {
    let (w, h) = image.dimensions();
    let read: Vec<&OcrWord> = words
        .iter()
        .filter(|x| x.page == page && x.confidence >= READ_CONFIDENCE && !x.text.trim().is_empty())
        .collect();
    let mut covered = vec![false; (w as usize) * (h as usize)];
    for x in &read {
        let (x0, y0) = (
            x.left.saturating_sub(WORD_MARGIN),
            x.top.saturating_sub(WORD_MARGIN),
        );
        let x1 = x
            .left
            .saturating_add(x.width)
            .saturating_add(WORD_MARGIN)
            .min(w);
        let y1 = x
            .top
            .saturating_add(x.height)
            .saturating_add(WORD_MARGIN)
            .min(h);
        // A box outside the image (the worker's words are not trusted to
        // fit it) covers nothing, rather than indexing past the page.
        if x0 >= x1 || y0 >= y1 {
            continue;
        }
        for y in y0..y1 {
            let row = y as usize * w as usize;
            covered[row + x0 as usize..row + x1 as usize].fill(true);
        }
    }
    let inked = ink_mask(image);
    let (mut ink, mut outside) = (0u64, 0u64);
    for (x, y, p) in image.enumerate_pixels() {
        // Seal ink is boxed on its own; it does not count against the text.
        if inked[y as usize * w as usize + x as usize] && !is_seal(p) {
            ink += 1;
            if !covered[y as usize * w as usize + x as usize] {
                outside += 1;
            }
        }
    }
    let mine: Vec<OcrWord> = words.iter().filter(|x| x.page == page).cloned().collect();
    let mean_confidence = crate::ocr::mean_confidence(&mine);
    let area = (u64::from(w) * u64::from(h)).max(1);
    let ink_outside = if ink == 0 {
        0.0
    } else {
        outside as f32 / ink as f32
    };
    let blank = (ink as f32) / (area as f32) < BLANK_INK;
    let (unread_cells, cells) = unread_writing(image, &inked, &covered);
    let max_unread = MAX_UNREAD_CELLS.max((cells as f32 * MAX_UNREAD_SHARE) as usize);
    let legible = blank
        || (!read.is_empty()
            && unread_cells < max_unread
            && ink_outside <= MAX_INK_OUTSIDE
            && mean_confidence >= MIN_MEAN_CONFIDENCE);
    Verdict {
        page,
        legible,
        ink_outside,
        mean_confidence,
        unread_cells,
    }
}

/// How many cells hold writing that no read word covers, and how many
/// cells there are. A cell counts when at least 4 % of it is ink, at least
/// 70 % of that ink lies outside read words, and the ink spreads over at
/// least 6 of its rows and 6 of its columns (a rule, an underline or a box
/// edge does not).
fn unread_writing(image: &RgbImage, inked: &[bool], covered: &[bool]) -> (usize, usize) {
    let (w, h) = image.dimensions();
    let (cw, ch) = (w / TEXT_CELL, h / TEXT_CELL);
    let mut unread = 0usize;
    for cy in 0..ch {
        for cx in 0..cw {
            let (mut ink, mut outside) = (0u32, 0u32);
            let mut rows = [false; TEXT_CELL as usize];
            let mut cols = [false; TEXT_CELL as usize];
            for dy in 0..TEXT_CELL {
                for dx in 0..TEXT_CELL {
                    let (x, y) = (cx * TEXT_CELL + dx, cy * TEXT_CELL + dy);
                    let p = image.get_pixel(x, y);
                    let at = y as usize * w as usize + x as usize;
                    if inked[at] && !is_seal(p) {
                        ink += 1;
                        if !covered[at] {
                            outside += 1;
                            rows[dy as usize] = true;
                            cols[dx as usize] = true;
                        }
                    }
                }
            }
            let spread = rows.iter().filter(|r| **r).count() >= 6
                && cols.iter().filter(|c| **c).count() >= 6;
            if ink * 25 >= TEXT_CELL * TEXT_CELL && outside * 10 >= ink * 7 && spread {
                unread += 1;
            }
        }
    }
    (unread, (cw * ch) as usize)
}

/// Side of the square cells seals are looked for in, in pixels.
const CELL: u32 = 8;
/// A cell is seal when this share of its pixels is seal red.
const CELL_RED: f32 = 0.08;
/// Pixels added around each seal found.
const SEAL_MARGIN: u32 = 12;
/// Seals smaller than this (in cells, on both sides) are specks, not seals.
const MIN_SEAL_CELLS: u32 = 2;

/// The red seals on a page, each as a box with a margin around it.
pub fn seals(image: &RgbImage, page: u32) -> Vec<PageBox> {
    let (w, h) = image.dimensions();
    let (cw, ch) = (w.div_ceil(CELL), h.div_ceil(CELL));
    let mut red = vec![false; (cw * ch) as usize];
    for cy in 0..ch {
        for cx in 0..cw {
            let (x0, y0) = (cx * CELL, cy * CELL);
            let (x1, y1) = ((x0 + CELL).min(w), (y0 + CELL).min(h));
            let mut n = 0u32;
            for y in y0..y1 {
                for x in x0..x1 {
                    if is_seal(image.get_pixel(x, y)) {
                        n += 1;
                    }
                }
            }
            let total = (x1 - x0) * (y1 - y0);
            red[(cy * cw + cx) as usize] = total > 0 && n as f32 / total as f32 >= CELL_RED;
        }
    }
    // Connected groups of red cells (8-neighbourhood), each one seal.
    let mut seen = vec![false; red.len()];
    let mut out = Vec::new();
    for start in 0..red.len() {
        if !red[start] || seen[start] {
            continue;
        }
        let (mut minx, mut miny, mut maxx, mut maxy) = (u32::MAX, u32::MAX, 0u32, 0u32);
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (cx, cy) = (i as u32 % cw, i as u32 / cw);
            minx = minx.min(cx);
            miny = miny.min(cy);
            maxx = maxx.max(cx);
            maxy = maxy.max(cy);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (i64::from(cx) + dx, i64::from(cy) + dy);
                    if nx < 0 || ny < 0 || nx >= i64::from(cw) || ny >= i64::from(ch) {
                        continue;
                    }
                    let j = (ny as u32 * cw + nx as u32) as usize;
                    if red[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if maxx - minx + 1 < MIN_SEAL_CELLS || maxy - miny + 1 < MIN_SEAL_CELLS {
            continue;
        }
        out.push(PageBox {
            page,
            x0: (minx * CELL).saturating_sub(SEAL_MARGIN),
            y0: (miny * CELL).saturating_sub(SEAL_MARGIN),
            x1: ((maxx + 1) * CELL + SEAL_MARGIN).min(w),
            y1: ((maxy + 1) * CELL + SEAL_MARGIN).min(h),
        });
    }
    out
}

/// Words that open or close a letter's signature block: the signer's name
/// (often handwritten, often under a seal) stands on their line or the
/// next ones.
/// Labels open the block (`陳情人：`, followed by a colon, at the start of
/// a line); closings end the line the name is on (`…敬上`).
pub const SIGNATURE_LABELS: [&str; 5] = ["陳情人", "檢舉人", "申請人", "立書人", "具名人"];
pub const SIGNATURE_CLOSINGS: [&str; 4] = ["敬上", "謹呈", "謹上", "敬陳"];

/// The signature blocks on a scanned page: a line that opens with a cue
/// (陳情人：…, 檢舉人：…) or closes with one (…敬上), from its first word
/// to the right edge of the page and a line and a half below it (where a
/// handwritten signature or a seal stands). A cue inside a sentence
/// (對檢舉人身分予以保密) is not a signature block. Vertical writing is left
/// to the legibility verdict.
pub fn signature_blocks(
    text: &str,
    words: &[OcrWord],
    page: u32,
    (w, h): (u32, u32),
) -> Vec<PageBox> {
    let mut out = Vec::new();
    let labels = SIGNATURE_LABELS.iter().map(|c| (*c, true));
    let closings = SIGNATURE_CLOSINGS.iter().map(|c| (*c, false));
    for (cue, label) in labels.chain(closings) {
        for (at, _) in text.match_indices(cue) {
            let end = at + cue.len();
            // A label is followed by its colon: `陳情人：`, not `檢舉人身分`.
            if label && !text[end..].trim_start().starts_with([':', '：', '︰']) {
                continue;
            }
            let hit: Vec<&OcrWord> = words
                .iter()
                .filter(|x| x.page == page && x.text_start < end && at < x.text_end)
                .collect();
            if hit.is_empty() {
                continue;
            }
            let top = hit.iter().map(|x| x.top).min().unwrap_or(0);
            let bottom = hit.iter().map(|x| x.top + x.height).max().unwrap_or(0);
            let left = hit.iter().map(|x| x.left).min().unwrap_or(0);
            let right = hit.iter().map(|x| x.left + x.width).max().unwrap_or(0);
            if bottom - top > right - left {
                continue;
            }
            let mut line: Vec<&OcrWord> = words
                .iter()
                .filter(|x| {
                    let mid = x.top + x.height / 2;
                    x.page == page && top <= mid && mid <= bottom
                })
                .collect();
            line.sort_by_key(|x| x.left);
            let index = |x: &OcrWord| line.iter().position(|y| std::ptr::eq(*y, x));
            let first = hit.iter().filter_map(|x| index(x)).min().unwrap_or(0);
            let last = hit.iter().filter_map(|x| index(x)).max().unwrap_or(0);
            let opens = label && first <= 1;
            let closes = !label && last + 2 >= line.len();
            if !(opens || closes) {
                continue;
            }
            let size = (bottom - top).max(8);
            let x0 = line.first().map_or(left, |x| x.left.min(left));
            out.push(PageBox {
                page,
                x0: x0.saturating_sub(size / 2),
                y0: top.saturating_sub(size / 2),
                x1: w,
                y1: (bottom + size + size / 2).min(h),
            });
        }
    }
    out
}

/// Words OCR read with little confidence that are shaped like an
/// identifier — five digits or more, an `@` or what OCR makes of one
/// (`©`, `®`, `Q` inside a lower-case word), or a run of letters and digits
/// mixed — boxed on the page whatever detection made of them. A doubtful
/// reading is how a value escapes detection ("user91944Qexample.com") while
/// a person still reads it on the page; the words around it, read with
/// confidence, stay readable.
pub fn doubtful_identifiers(words: &[OcrWord], page: u32, (w, h): (u32, u32)) -> Vec<PageBox> {
    words
        .iter()
        .filter(|x| x.page == page && x.confidence < READ_CONFIDENCE)
        .filter(|x| identifier_shaped(&x.text))
        .filter_map(|x| {
            let margin = (x.height / 4).max(3);
            let b = PageBox {
                page,
                x0: x.left.saturating_sub(margin),
                y0: x.top.saturating_sub(margin),
                x1: x.left.saturating_add(x.width).saturating_add(margin).min(w),
                y1: x.top.saturating_add(x.height).saturating_add(margin).min(h),
            };
            (b.x0 < b.x1 && b.y0 < b.y1).then_some(b)
        })
        .collect()
}

fn identifier_shaped(text: &str) -> bool {
    // Mostly identifier characters: a low-confidence phrase of Chinese
    // with a number in it is prose, and boxing it would hide the letter.
    let total = text.chars().count();
    let plain = text
        .chars()
        .filter(|c| {
            c.is_ascii_alphanumeric()
                || "@＠©®.-_+()（）：:".contains(*c)
                || ('０'..='９').contains(c)
        })
        .count();
    if total == 0 || plain * 10 < total * 7 {
        return false;
    }
    let digits = text
        .chars()
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    let letters = text.chars().filter(char::is_ascii_alphabetic).count();
    let at_like = text.contains(['@', '＠', '©', '®'])
        || text.char_indices().any(|(i, c)| {
            c == 'Q'
                && i > 0
                && text[..i].ends_with(|p: char| p.is_ascii_lowercase() || p.is_ascii_digit())
        });
    digits >= 5 || at_like || (digits >= 3 && letters >= 1 && digits + letters >= 8)
}

/// The lines of a letter's closing that stand for its signer: after
/// `此致` and the addressee's line (受文機關), every line up to the date
/// (中華民國…年) or four lines, from the left of the line to the page's
/// right edge. A signature in a hand, a script font or under a seal is read
/// by OCR as noise ("RSA:EA AE") that carries no label or closing for
/// [`signature_blocks`] to find, yet a person reads the name; the closing's
/// place in the letter is what tells where it is. The cue is a line of two
/// or three characters with 此 or 致 at one end, as OCR reads it (此至, 比致).
/// The addressee's line is kept when OCR read it with confidence (it names
/// the agency, not the writer); the date ends the block.
pub fn closing_lines(words: &[OcrWord], page: u32, (w, h): (u32, u32)) -> Vec<PageBox> {
    const MAX_LINES: usize = 4;
    let mut on_page: Vec<&OcrWord> = words.iter().filter(|x| x.page == page).collect();
    on_page.sort_by_key(|x| (x.top, x.left));
    // Rows top to bottom; a row is the words whose middle lies within the
    // height of its first word.
    let mut rows: Vec<Vec<&OcrWord>> = Vec::new();
    for word in on_page {
        let mid = word.top + word.height / 2;
        match rows.last_mut() {
            Some(row) if row[0].top <= mid && mid <= row[0].top + row[0].height => row.push(word),
            _ => rows.push(vec![word]),
        }
    }
    for row in &mut rows {
        row.sort_by_key(|x| x.left);
    }
    let text_of = |row: &[&OcrWord]| -> String {
        row.iter()
            .flat_map(|x| x.text.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let mut out = Vec::new();
    for (cue, row) in rows.iter().enumerate() {
        let line = text_of(row);
        let n = line.chars().count();
        let is_cue = (2..=3).contains(&n) && (line.starts_with('此') || line.ends_with('致'));
        if !is_cue {
            continue;
        }
        for (i, row) in rows[cue + 1..].iter().take(MAX_LINES + 1).enumerate() {
            let line = text_of(row);
            if line.contains("民國") || line.contains("中華") {
                break;
            }
            let chars: usize = row.iter().map(|x| x.text.chars().count()).sum();
            let weighted: f32 = row
                .iter()
                .map(|x| x.confidence * x.text.chars().count() as f32)
                .sum();
            let confident = chars > 0 && weighted / chars as f32 >= WELL_READ;
            let chinese = line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if i == 0 && confident && chinese {
                continue;
            }
            let top = row.iter().map(|x| x.top).min().unwrap_or(0);
            let bottom = row.iter().map(|x| x.top + x.height).max().unwrap_or(0);
            let left = row.iter().map(|x| x.left).min().unwrap_or(0);
            let size = (bottom - top).max(8);
            out.push(PageBox {
                page,
                x0: left.saturating_sub(size),
                y0: top.saturating_sub(size / 3),
                x1: w,
                y1: (bottom + size / 3).min(h),
            });
        }
    }
    out
}

/// A line whose characters average this confidence or more was read well.
const WELL_READ: f32 = 75.0;
