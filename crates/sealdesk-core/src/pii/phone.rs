//! Taiwanese phone numbers, however they are written: `0912-345-678`,
//! `(04)1590-1092`, `+886-901-661-318`, `0904 348 395`, or broken over lines
//! by PDF extraction after a cue such as 聯絡電話. Normalized to digits with
//! the leading 0.

use super::text::{ascii_digit, is_digit, is_word, Text};
use super::{Finding, PiiKind};

/// Valid (prefix, total length in digits) pairs, from the numbering plan:
/// mobile 09 + 8; Taipei 02 + 8; Taichung 04 + 7 or 8 (Nantou 049 + 7);
/// 03/05/06/07 + 7; Miaoli 037, Kinmen 082, Taitung 089 + 6; Wuqiu 0826 and
/// Matsu 0836 + 5; and Pingtung 08 + 7.
const PLAN: [(&str, usize); 15] = [
    ("09", 10),
    ("02", 10),
    ("049", 10),
    ("04", 9),
    ("04", 10),
    ("03", 9),
    ("05", 9),
    ("06", 9),
    ("07", 9),
    ("037", 9),
    ("082", 9),
    ("089", 9),
    ("0826", 9),
    ("0836", 9),
    ("08", 9),
];

/// Whether `digits` (with the leading 0) is a number in the plan.
pub(super) fn is_valid_phone(digits: &str) -> bool {
    digits.bytes().all(|b| b.is_ascii_digit())
        && PLAN
            .iter()
            .any(|&(prefix, len)| digits.len() == len && digits.starts_with(prefix))
}

/// Words after which a number is a phone number even when it is broken over
/// several lines.
const CUES: [&str; 9] = [
    "電話", "手機", "行動", "傳真", "TEL", "Tel", "tel", "Phone", "phone",
];

/// How far before a number (in chars) a cue may stand: "聯絡電話(手機):".
const CUE_WINDOW: usize = 10;

/// The longest a number gets in digits (10) plus one, so that a run of
/// digits longer than any phone number stops the reading early.
const MAX_DIGITS: usize = 11;

/// How many separators may stand between two groups of digits: ") - " is 3.
const MAX_GAP: usize = 3;

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < t.len() {
        let c = t.get(i);
        let cued = || {
            let window = t.window_before(i, CUE_WINDOW);
            CUES.iter().any(|cue| window.contains(cue))
        };
        let may_start = matches!(c, Some('+' | '(' | '（')) || c.and_then(ascii_digit) == Some('0');
        if may_start && !is_word(t.before(i)) && t.before(i) != Some('+') {
            let cued = cued();
            if let Some((end, digits)) = read(t, i, cued) {
                let confidence = if cued { 0.95 } else { 0.85 };
                out.push(t.finding(PiiKind::Phone, digits, i, end, confidence));
                i = end;
                continue;
            }
            if let Some((end, digits)) = cued.then(|| read_cued_run(t, i)).flatten() {
                out.push(t.finding(PiiKind::Phone, digits, i, end, 0.7));
                i = end;
                continue;
            }
        } else if is_digit(c) && !is_word(t.before(i)) && t.before(i) != Some('+') {
            if let Some((end, digits)) = cued().then(|| read_cued_run(t, i)).flatten() {
                out.push(t.finding(PiiKind::Phone, digits, i, end, 0.8));
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// After a phone cue, any run of 7 to 13 digits is taken as a phone number
/// even when it is not one of the plan: a local number without its area
/// code (電話 2345678), or a number OCR misread by a digit (+886-9091-661-318)
/// that would otherwise stay readable. Groups may be joined by up to two
/// separators; an amount or a date (followed by 元, 年 …) is not a phone.
fn read_cued_run(t: &Text, i: usize) -> Option<(usize, String)> {
    let mut j = i;
    if t.get(j) == Some('+') {
        j += 1;
    }
    let mut digits = String::new();
    let mut gap = 0;
    let mut end = i;
    while let Some(c) = t.get(j) {
        if let Some(d) = ascii_digit(c) {
            digits.push(d);
            j += 1;
            end = j;
            gap = 0;
            if digits.len() > 13 {
                return None;
            }
        } else if gap < 2 && matches!(c, ' ' | '-' | '(' | ')' | '\n') {
            gap += 1;
            j += 1;
        } else {
            break;
        }
    }
    let unit_after = matches!(t.get(end), Some('元' | '年' | '月' | '日' | '號' | '%'));
    ((7..=13).contains(&digits.len()) && !is_word(t.get(end)) && !unit_after)
        .then_some((end, digits))
}

/// Reads a phone number starting at char `i`, returning where it ends and
/// its normalized digits. Groups of digits may be joined by a few
/// separators; the number ends at the end of the last group that makes a
/// valid number, so it never ends inside a run of digits.
fn read(t: &Text, i: usize, cued: bool) -> Option<(usize, String)> {
    let mut j = i;
    let international = t.get(j) == Some('+');
    if international {
        j += 1;
        for want in ['8', '8', '6'] {
            if t.get(j).and_then(ascii_digit) != Some(want) {
                return None;
            }
            j += 1;
        }
    }
    let mut digits = String::new();
    let mut best = None;
    let mut gap = 0;
    while let Some(c) = t.get(j) {
        if let Some(d) = ascii_digit(c) {
            digits.push(d);
            gap = 0;
            j += 1;
            if digits.len() > MAX_DIGITS {
                break;
            }
            if !is_digit(t.get(j)) {
                if let Some(n) = normalize(&digits, international).filter(|n| is_valid_phone(n)) {
                    best = Some((j, n));
                }
            }
        } else if gap < MAX_GAP && is_separator(c, cued) {
            gap += 1;
            j += 1;
        } else {
            break;
        }
    }
    best
}

/// Digits as dialled inside Taiwan: +886 replaces the leading 0, which some
/// writers keep anyway ("+886 (0)2 …").
fn normalize(digits: &str, international: bool) -> Option<String> {
    if digits.starts_with('0') {
        Some(digits.to_owned())
    } else if international {
        Some(format!("0{digits}"))
    } else {
        None
    }
}

/// Separators between groups of digits. Line breaks count only after a
/// cue, where PDF extraction is the likely reason for them; elsewhere they
/// would join unrelated numbers on consecutive lines.
fn is_separator(c: char, cued: bool) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{3000}' | '-' | '－' | '‐' | '–' | '—' | '.' | '(' | ')' | '（' | '）'
    ) || (cued && matches!(c, '\n' | '\r'))
}
