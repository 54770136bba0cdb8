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
        return Ok(first);
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
    tall * 2 > page.words.len() || mean_confidence(&page.words) < 60.0
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
