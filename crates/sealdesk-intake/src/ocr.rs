//! OCR of scans with Tesseract (Traditional Chinese and English), run by the
//! worker on the page image it has already decoded and re-encoded.
//!
//! Tesseract runs as a child of the worker, so the worker's limits (its
//! process group, killed on timeout; its address-space limit, inherited)
//! bound it too. The image goes to it through a pipe and the words come back
//! through one: nothing of the letter is written to disk.
//!
//! Hand-written, and why: the Rust bindings to libtesseract (`leptess`,
//! `tesseract-rs`) need libclang and Tesseract's headers at build time and
//! would put Tesseract inside the worker's own address space; the command
//! line is what Debian ships, reads PNG from stdin and writes TSV with word
//! boxes, so a pipe and a TSV reader are all this needs.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

/// One recognized word (for Chinese, usually one character) and its box on
/// the page image, in pixels from the top left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrWord {
    /// 1-based page number within the file.
    pub page: u32,
    pub text: String,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// Tesseract's confidence, 0 to 100.
    pub confidence: f32,
    /// Where the word is in the extracted text, in bytes, so a finding's
    /// span leads to the boxes to black out.
    #[serde(default)]
    pub text_start: usize,
    #[serde(default)]
    pub text_end: usize,
}

/// What OCR read from one page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrPage {
    pub text: String,
    pub words: Vec<OcrWord>,
}

/// The languages asked for: Traditional Chinese first, then English.
pub const LANGUAGES: &str = "chi_tra+eng";

/// The vertical Traditional Chinese model (Debian's
/// `tesseract-ocr-chi-tra-vert`), for pages written in columns.
pub const VERTICAL_LANGUAGES: &str = "chi_tra_vert";

/// Reads the words on one page image (any format Tesseract reads; the worker
/// gives PNG).
///
/// A page written vertically (columns, right to left) is read a second time
/// with the vertical model, in page segmentation 5 (one block of vertical
/// text), when the first reading looks like columns or reads poorly; the
/// reading with the better mean confidence is kept. A horizontal page costs
/// one run.
pub fn ocr_page(image: &[u8], page: u32) -> Result<OcrPage, String> {
    let first = parse_tsv(&tesseract_tsv(image, LANGUAGES, "3")?, page);
    if !may_be_vertical(&first) {
        return Ok(reread_weak_lines(image, first, page));
    }
    match tesseract_tsv(image, VERTICAL_LANGUAGES, "5") {
        Ok(tsv) => {
            let vertical = parse_tsv(&tsv, page);
            if mean_confidence(&vertical.words) > mean_confidence(&first.words) + 5.0 {
                Ok(vertical)
            } else {
                Ok(first)
            }
        }
        // No vertical model installed: the first reading stands.
        Err(_) => Ok(first),
    }
}

/// A line whose characters average below this confidence is read again.
const WEAK_LINE: f32 = 75.0;
/// A second reading replaces the first when its confidence is higher by this.
const BETTER_BY: f32 = 8.0;
/// How much a weak line is enlarged for its second reading.
const REREAD_SCALE: u32 = 2;

/// The lines of a page reading: index ranges into its words, a line ending
/// where the text has a line break between two words.
fn lines_of(page: &OcrPage) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for i in 1..page.words.len() {
        let gap = page
            .text
            .get(page.words[i - 1].text_end..page.words[i].text_start)
            .unwrap_or("");
        if gap.contains('\n') {
            lines.push(start..i);
            start = i;
        }
    }
    if !page.words.is_empty() {
        lines.push(start..page.words.len());
    }
    lines
}

/// Lines read with little confidence (a split glyph, a shaded or blurred
/// stretch of a photo, a fax's broken strokes) read a second time, the way
/// a person leans closer: each cut from the page with a margin, enlarged
/// twice, the lines stacked into one image read in one run as a block of
/// text (page segmentation 6). A line's second reading replaces its first
/// when its confidence is higher by [`BETTER_BY`]; the text is rebuilt
/// with the page's line and paragraph breaks. One extra run a page, and
/// none for a page read well.
fn reread_weak_lines(image: &[u8], first: OcrPage, page: u32) -> OcrPage {
    let lines = lines_of(&first);
    let weak: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let words = &first.words[(*r).clone()];
            let chars: usize = words.iter().map(|w| w.text.chars().count()).sum();
            // Only lines that may hold a value (a digit, an @, a label's
            // colon, a house number, a role word): the second reading is
            // for what identifies, not for prose.
            let may_hold = words.iter().any(|w| {
                w.text
                    .contains(|c: char| c.is_ascii_digit() || "@：:號路街人名址電話".contains(c))
            });
            chars >= 3 && may_hold && mean_confidence(words) < WEAK_LINE
        })
        .map(|(i, _)| i)
        .collect();
    // A page where nearly every line is weak (handwriting) is not helped
    // by a closer look, and is withheld by its verdict anyway.
    if weak.is_empty() || weak.len() * 10 > lines.len() * 8 && lines.len() > 4 {
        return first;
    }
    let Ok(img) = image::load_from_memory(image) else {
        return first;
    };
    let grey = img.to_luma8();
    let (pw, ph) = grey.dimensions();
    // Each weak line's crop on the page, and where it lands on the stack.
    let mut crops = Vec::new();
    let (mut stack_w, mut stack_h) = (0u32, 0u32);
    let gap = 24 * REREAD_SCALE;
    for &i in &weak {
        let words = &first.words[lines[i].clone()];
        let x0 = words.iter().map(|w| w.left).min().unwrap_or(0);
        let y0 = words.iter().map(|w| w.top).min().unwrap_or(0);
        let x1 = words.iter().map(|w| w.left + w.width).max().unwrap_or(0);
        let y1 = words.iter().map(|w| w.top + w.height).max().unwrap_or(0);
        let m = ((y1.saturating_sub(y0)) / 3).max(4);
        let (x0, y0) = (x0.saturating_sub(m), y0.saturating_sub(m));
        let (x1, y1) = ((x1 + m).min(pw), (y1 + m).min(ph));
        if x0 >= x1 || y0 >= y1 {
            continue;
        }
        let at = stack_h + gap;
        crops.push((i, x0, y0, x1 - x0, y1 - y0, at));
        stack_w = stack_w.max((x1 - x0) * REREAD_SCALE);
        stack_h = at + (y1 - y0) * REREAD_SCALE;
    }
    if crops.is_empty() {
        return first;
    }
    let mut stack =
        image::GrayImage::from_pixel(stack_w + 2 * gap, stack_h + gap, image::Luma([255]));
    for &(_, x0, y0, w, h, at) in &crops {
        let crop = image::imageops::crop_imm(&grey, x0, y0, w, h).to_image();
        let big = image::imageops::resize(
            &crop,
            w * REREAD_SCALE,
            h * REREAD_SCALE,
            image::imageops::FilterType::CatmullRom,
        );
        image::imageops::replace(&mut stack, &big, i64::from(gap), i64::from(at));
    }
    let mut png = Vec::new();
    if stack
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .is_err()
    {
        return first;
    }
    let Ok(tsv) = tesseract_tsv(&png, LANGUAGES, "6") else {
        return first;
    };
    let second = parse_tsv(&tsv, page);
    // The second reading's words, by the crop they fall in, back in the
    // page's pixels.
    let mut better: Vec<(usize, Vec<OcrWord>)> = Vec::new();
    for &(line, x0, y0, w, h, at) in &crops {
        let words: Vec<OcrWord> = second
            .words
            .iter()
            .filter(|n| {
                let mid = n.top + n.height / 2;
                mid >= at && mid < at + h * REREAD_SCALE
            })
            .map(|n| OcrWord {
                left: x0 + n.left.saturating_sub(gap) / REREAD_SCALE,
                top: y0 + n.top.saturating_sub(at) / REREAD_SCALE,
                width: (n.width / REREAD_SCALE).min(w),
                height: (n.height / REREAD_SCALE).min(h),
                ..n.clone()
            })
            .collect();
        if !words.is_empty()
            && mean_confidence(&words)
                >= mean_confidence(&first.words[lines[line].clone()]) + BETTER_BY
        {
            better.push((line, words));
        }
    }
    if better.is_empty() {
        return first;
    }
    // Rebuild the text: each line's words (the better reading where there
    // is one) with the first reading's breaks between lines.
    let mut out = OcrPage::default();
    for (i, range) in lines.iter().enumerate() {
        if i > 0 {
            let prev_end = first.words[lines[i - 1].end - 1].text_end;
            let gap_text = first
                .text
                .get(prev_end..first.words[range.start].text_start)
                .unwrap_or("\n");
            out.text.push_str(gap_text);
        }
        let words: Vec<OcrWord> = match better.iter().find(|(l, _)| *l == i) {
            Some((_, w)) => w.clone(),
            None => first.words[range.clone()].to_vec(),
        };
        for (k, mut w) in words.into_iter().enumerate() {
            if k > 0 {
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                if latin(out.text.chars().next_back()) && latin(w.text.chars().next()) {
                    out.text.push(' ');
                }
            }
            w.text_start = out.text.len();
            out.text.push_str(&w.text);
            w.text_end = out.text.len();
            out.words.push(w);
        }
    }
    out
}

/// Sparse Latin text on an image (English model, page segmentation 11: as
/// much text as possible in no particular order), for codes printed in a
/// mark rather than a letter's prose.
pub fn read_sparse_latin(image: &[u8]) -> Result<String, String> {
    Ok(parse_tsv(&tesseract_tsv(image, "eng", "11")?, 1).text)
}

/// Tesseract's mean word confidence, weighted by characters.
pub fn mean_confidence(words: &[OcrWord]) -> f32 {
    let (sum, n) = words.iter().fold((0.0f32, 0usize), |(s, n), w| {
        let chars = w.text.chars().count();
        (s + w.confidence * chars as f32, n + chars)
    });
    if n == 0 {
        0.0
    } else {
        sum / n as f32
    }
}

/// Whether a page's first (horizontal) reading suggests vertical writing:
/// most of its words in boxes taller than wide, or a poor reading (vertical
/// Chinese read as horizontal lines comes out as low-confidence Latin
/// garble).
fn may_be_vertical(page: &OcrPage) -> bool {
    if page.words.is_empty() {
        return false;
    }
    // Read as horizontal lines, a column comes out as a few tall "words".
    let tall = page
        .words
        .iter()
        .filter(|w| w.height > w.width * 3 / 2)
        .count();
    // A poor reading of vertical Chinese comes out as Latin letters and
    // symbols; a poor reading of horizontal handwriting is still mostly
    // Chinese, and a second reading in columns (a second or more of
    // Tesseract) would not help it.
    let (mut cjk, mut all) = (0usize, 0usize);
    for c in page.words.iter().flat_map(|w| w.text.chars()) {
        all += 1;
        if ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c) {
            cjk += 1;
        }
    }
    tall * 2 > page.words.len() || (mean_confidence(&page.words) < 60.0 && cjk * 2 < all)
}

fn tesseract_tsv(image: &[u8], languages: &str, psm: &str) -> Result<String, String> {
    let program = std::env::var_os("SEALDESK_TESSERACT").unwrap_or_else(|| "tesseract".into());
    let mut child = Command::new(&program)
        // `stdin` and `stdout` are Tesseract's names for the pipes; `tsv`
        // selects word boxes.
        .args(["stdin", "stdout", "-l", languages, "--psm", psm, "tsv"])
        // One thread: the worker is one of several processes on a desk
        // machine, and Tesseract's OpenMP threads gain little on one page.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start tesseract: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = image.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let mut err = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let _ = stderr.take(16 * 1024).read_to_end(&mut err);
    }
    let _ = feeder.join();
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        let message = String::from_utf8_lossy(&err);
        let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("tesseract failed ({status}): {first}"));
    }
    String::from_utf8(out).map_err(|_| "tesseract wrote text that is not UTF-8".to_owned())
}

/// Reads Tesseract's TSV (level, page, block, paragraph, line, word, left,
/// top, width, height, confidence, text) into words and the page's text:
/// one line of text per recognized line, a blank line between paragraphs,
/// words joined without a space unless both sides are Latin letters or
/// digits (Chinese is written without spaces).
pub fn parse_tsv(tsv: &str, page: u32) -> OcrPage {
    let mut result = OcrPage::default();
    let mut last_line: Option<(u32, u32, u32)> = None;
    let mut last_par: Option<(u32, u32)> = None;
    // The previous word's box (left, top, right, bottom).
    let mut last_box: Option<(u32, u32, u32, u32)> = None;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        let text = cols[11..].join("\t");
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (block, par, line) = (num(2), num(3), num(4));
        let here = (num(6), num(7), num(6) + num(8), num(7) + num(9));
        // Tesseract's layout analysis sometimes starts a new block in the
        // middle of a printed line (at a wide gap: "住址：臺北市中" |
        // "正區…"); a word to the right of the last one, on the same line
        // of the page, continues that line, so a value is not cut in two.
        let same_row = last_box.is_some_and(|(_, t0, r0, b0)| {
            let overlap = b0.min(here.3).saturating_sub(t0.max(here.1));
            let height = (b0 - t0).min(here.3 - here.1).max(1);
            overlap * 2 > height && here.0 + 2 >= r0 && here.0 < r0 + 4 * height
        });
        if last_line != Some((block, par, line)) && !same_row {
            if last_line.is_some() {
                result.text.push('\n');
                if last_par != Some((block, par)) {
                    result.text.push('\n');
                }
            }
        } else {
            let before = result.text.chars().next_back();
            let after = text.chars().next();
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before) && latin(after) {
                result.text.push(' ');
            }
        }
        last_line = Some((block, par, line));
        last_par = Some((block, par));
        last_box = Some(here);
        let text_start = result.text.len();
        result.text.push_str(text);
        result.words.push(OcrWord {
            text_start,
            text_end: result.text.len(),
            page,
            text: text.to_owned(),
            left: num(6),
            top: num(7),
            width: num(8),
            height: num(9),
            confidence: cols[10].trim().parse().unwrap_or(0.0),
        });
    }
    result
}
