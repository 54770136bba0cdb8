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

/// Reads the words on one page image (any format Tesseract reads; the worker
/// gives PNG).
pub fn ocr_page(image: &[u8], page: u32) -> Result<OcrPage, String> {
    let program = std::env::var_os("SEALDESK_TESSERACT").unwrap_or_else(|| "tesseract".into());
    let mut child = Command::new(&program)
        // `stdin` and `stdout` are Tesseract's names for the pipes; `tsv`
        // selects word boxes. Page segmentation 3: automatic, any layout.
        .args(["stdin", "stdout", "-l", LANGUAGES, "--psm", "3", "tsv"])
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
    let tsv = String::from_utf8(out).map_err(|_| "tesseract wrote text that is not UTF-8")?;
    Ok(parse_tsv(&tsv, page))
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
        if last_line != Some((block, par, line)) {
            if last_line.is_some() {
                result.text.push('\n');
                if last_par != Some((block, par)) {
                    result.text.push('\n');
                }
            }
            last_line = Some((block, par, line));
            last_par = Some((block, par));
        } else {
            let before = result.text.chars().next_back();
            let after = text.chars().next();
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before) && latin(after) {
                result.text.push(' ');
            }
        }
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
