//! Identifiers people write after a cue, with no checksum or shape of their
//! own: bank and post-office account numbers (帳號 0123-456-789012), passport
//! numbers (護照號碼 312345678), LINE IDs (LINE ID: chen_0917) and dates of
//! birth (出生日期 民國68年3月2日, 1979/03/02 生). Each is taken only after (or,
//! for a date of birth, before 生) its cue, so a number or a date that
//! stands alone is never masked as one.

use super::text::{is_digit, Text};
use super::{Finding, PiiKind};

const ACCOUNT_CUES: [&str; 7] = ["帳號", "帳戶", "賬號", "局號", "劃撥", "存簿", "匯款至"];
const PASSPORT_CUES: [&str; 2] = ["護照號碼", "護照"];
const LINE_CUES: [&str; 6] = ["LINE ID", "Line ID", "line id", "LINE", "Line", "line"];
const BIRTH_CUES: [&str; 5] = ["出生年月日", "出生日期", "生日", "出生於", "出生"];

/// What may stand between a cue and its value: a colon, spaces, a
/// bracketed bank name, a linking word.
fn skip_to_value(t: &Text, mut i: usize, max: usize) -> usize {
    let start = i;
    while i - start < max {
        match t.get(i) {
            Some(':' | ' ' | '\t' | '(' | ')' | '（' | '）' | '「' | '為' | '是' | '號' | '碼') => {
                i += 1
            }
            // A bank's name in brackets: (台灣銀行) — skip Han inside them.
            Some(c)
                if super::text::is_han(c)
                    && t.before(i).is_some_and(|p| matches!(p, '(' | '（')) =>
            {
                while t.get(i).is_some_and(super::text::is_han) && i - start < max {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    for i in 0..t.len() {
        if let Some(cue) = longest(t, i, &ACCOUNT_CUES) {
            account(t, i + cue, out);
        }
        if let Some(cue) = longest(t, i, &PASSPORT_CUES) {
            passport(t, i + cue, out);
        }
        if let Some(cue) = longest(t, i, &LINE_CUES) {
            line_id(t, i, i + cue, out);
        }
        if let Some(cue) = longest(t, i, &BIRTH_CUES) {
            let from = skip_to_value(t, i + cue, 4);
            if let Some(to) = date_at(t, from) {
                push(t, out, PiiKind::BirthDate, from, to, 0.85);
            }
        }
        // A date followed by 生 (民國68年3月2日生), not after a cue.
        if t.get(i) == Some('生') && t.before(i).is_none_or(|c| c != '出') {
            if let Some(from) = date_before(t, i) {
                push(t, out, PiiKind::BirthDate, from, i, 0.8);
            }
        }
    }
}

/// The length in chars of the longest cue at `i`.
fn longest(t: &Text, i: usize, cues: &[&str]) -> Option<usize> {
    cues.iter()
        .filter(|c| t.starts_with_at(i, c))
        .map(|c| c.chars().count())
        .max()
}

fn push(t: &Text, out: &mut Vec<Finding>, kind: PiiKind, from: usize, to: usize, conf: f32) {
    let value: String = t
        .norm(from, to)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    out.push(t.finding(kind, value, from, to, conf));
}

/// Digits in groups joined by `-` or a single space: 7 to 16 digits.
fn account(t: &Text, cue_end: usize, out: &mut Vec<Finding>) {
    let from = skip_to_value(t, cue_end, 12);
    if !is_digit(t.get(from)) {
        return;
    }
    let (mut i, mut end, mut digits) = (from, from, 0usize);
    while i < t.len() && digits <= 16 {
        match t.get(i) {
            Some(c) if c.is_ascii_digit() => {
                digits += 1;
                i += 1;
                end = i;
            }
            Some('-' | ' ') if is_digit(t.get(i + 1)) => i += 1,
            _ => break,
        }
    }
    if (7..=16).contains(&digits) && !is_digit(t.get(end)) {
        let value: String = t
            .norm(from, end)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        out.push(t.finding(PiiKind::BankAccount, value, from, end, 0.85));
    }
}

/// A passport number: 6 to 9 letters and digits, with at least 6 digits
/// (Taiwan's are 9 digits; others start with one or two letters).
fn passport(t: &Text, cue_end: usize, out: &mut Vec<Finding>) {
    let from = skip_to_value(t, cue_end, 6);
    let mut end = from;
    while end - from < 10 && t.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        end += 1;
    }
    let value = t.norm(from, end).to_ascii_uppercase();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if (6..=9).contains(&(end - from)) && digits >= 6 {
        out.push(t.finding(PiiKind::Passport, value, from, end, 0.85));
    }
}

/// A LINE ID after `LINE` (`LINE ID:`, `Line：`, `LINE帳號`): 4 to 20 of
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit. A
/// word going on in Latin letters (`LINER`, `online`) is not the cue.
fn line_id(t: &Text, cue_at: usize, cue_end: usize, out: &mut Vec<Finding>) {
    if t.before(cue_at).is_some_and(|c| c.is_ascii_alphanumeric())
        || t.get(cue_end)
            .is_some_and(|c| c.is_ascii_alphabetic() && c != 'I')
    {
        return;
    }
    let mut from = cue_end;
    for word in ["ID", "id", "帳號", "號"] {
        let at = skip_to_value(t, from, 3);
        if t.starts_with_at(at, word) {
            from = at + word.chars().count();
        }
    }
    let from = skip_to_value(t, from, 3);
    if from == cue_end && !matches!(t.get(cue_end), Some(':' | ' ')) {
        // `LINE` straight into something: only with a separator.
        return;
    }
    let mut end = from;
    while end - from < 21
        && t.get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        end += 1;
    }
    let len = end - from;
    if (4..=20).contains(&len) && t.get(from).is_some_and(|c| c.is_ascii_alphanumeric()) {
        push(t, out, PiiKind::LineId, from, end, 0.8);
    }
}

/// A date at `i`: 民國68年3月2日, 68年3月2日, 1979年3月2日, 1979/03/02,
/// 68.3.2, 1979-3-2. Returns where it ends.
fn date_at(t: &Text, i: usize) -> Option<usize> {
    let mut j = i;
    if t.starts_with_at(j, "民國") {
        j += 2;
    }
    let year = digits(t, j, 2, 4)?;
    j += year;
    let sep = t.get(j)?;
    if !matches!(sep, '年' | '/' | '-' | '.') {
        return None;
    }
    j += 1;
    let month = digits(t, j, 1, 2)?;
    j += month;
    let sep2 = t.get(j)?;
    if !(sep == '年' && sep2 == '月' || sep != '年' && sep2 == sep) {
        return None;
    }
    j += 1;
    let day = digits(t, j, 1, 2)?;
    j += day;
    if sep == '年' && t.get(j) == Some('日') {
        j += 1;
    }
    Some(j)
}

/// `min..=max` ASCII digits at `i` and not more: their count.
fn digits(t: &Text, i: usize, min: usize, max: usize) -> Option<usize> {
    let mut n = 0;
    while n <= max && t.get(i + n).is_some_and(|c| c.is_ascii_digit()) {
        n += 1;
    }
    (min..=max).contains(&n).then_some(n)
}

/// The date that ends right at `end` (before 生), if there is one within
/// the 14 chars before it.
fn date_before(t: &Text, end: usize) -> Option<usize> {
    (end.saturating_sub(14)..end)
        .rev()
        .find(|&from| {
            date_at(t, from) == Some(end) && !t.before(from).is_some_and(|c| c.is_ascii_digit())
        })
        .map(|from| {
            if from >= 2 && t.starts_with_at(from - 2, "民國") {
                from - 2
            } else {
                from
            }
        })
}
