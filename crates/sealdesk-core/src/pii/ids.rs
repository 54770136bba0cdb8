//! National IDs, resident certificate numbers and company tax IDs: the
//! identifiers that carry a checksum, so a number that fails it is never
//! reported as one (a document number shaped like an ID is not an ID).

use super::text::{ascii_digit, is_digit, is_word, Text};
use super::{Finding, PiiKind};

/// The two-digit code of each first letter, A to Z, in the national ID
/// checksum. The order is historical (I, O, W … were added later).
const LETTER_CODES: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];

fn letter_code(b: u8) -> Option<u32> {
    if !b.is_ascii_uppercase() {
        return None;
    }
    LETTER_CODES.get(usize::from(b - b'A')).copied()
}

/// Whether `s` is a valid national ID (身分證, second digit 1 or 2), a
/// new-format resident certificate number (統一證號, second digit 8 or 9) or
/// an old-format one (second character A–D), checksum included.
///
/// Only uppercase letters are accepted: IDs are printed in uppercase, and a
/// lowercase one in running text is far more likely to be something else.
pub fn is_valid_national_id(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&second), Some(rest)) = (b.first(), b.get(1), b.get(2..)) else {
        return false;
    };
    if b.len() != 10 || !rest.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some(code) = letter_code(first) else {
        return false;
    };
    // The old resident format writes the second digit as a letter A–D, and
    // only the units digit of that letter's code takes part in the checksum.
    let second = match second {
        b'1' | b'2' | b'8' | b'9' => u32::from(second - b'0'),
        b'A'..=b'D' => match letter_code(second) {
            Some(c) => c % 10,
            None => return false,
        },
        _ => return false,
    };
    let mut sum = code / 10 + (code % 10) * 9 + second * 8;
    for (d, weight) in rest.iter().zip([7, 6, 5, 4, 3, 2, 1, 1]) {
        sum += u32::from(d - b'0') * weight;
    }
    sum.is_multiple_of(10)
}

/// Whether `s` is a valid company tax ID (統一編號): 8 digits whose weighted
/// digit sum is divisible by 5 (the rule since 2023-04-01; every number valid
/// under the old divide-by-10 rule stays valid). When the 7th digit is 7 its
/// product 28 counts as either 10 or 11, so a sum one short also passes.
pub fn is_valid_company_tax_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .zip([1, 2, 1, 2, 1, 2, 4, 1])
        .map(|(d, weight)| {
            let p = u32::from(d - b'0') * weight;
            p / 10 + p % 10
        })
        .sum();
    sum.is_multiple_of(5) || (b.get(6) == Some(&b'7') && (sum + 1).is_multiple_of(5))
}

/// National IDs as people write them: `A123456789`, in lower case, in
/// full-width forms (normalized before this), with a space after the
/// letter (`A 123456789`) or with the digits grouped (`A123-456-789`,
/// `A123 456 789`). The value is always the plain uppercase form, and only a
/// form that passes the checksum is reported.
pub(super) fn find_national_ids(t: &Text, out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < t.len() {
        let starts = t.get(i).is_some_and(|c| c.is_ascii_alphabetic()) && !is_word(t.before(i));
        if starts {
            if let Some((end, value, plain)) = read_national_id(t, i) {
                let valid = is_valid_national_id(&value);
                // After an ID cue an ID-shaped token is masked even when its
                // checksum fails: a writer's typo or an OCR misread digit
                // leaves it the person's ID all the same.
                let cued = ID_CUES
                    .iter()
                    .any(|cue| t.window_before(i, CUE_WINDOW).contains(cue));
                if valid || (cued && value.as_bytes().get(1).is_some_and(u8::is_ascii_digit)) {
                    let confidence = match (valid, plain) {
                        (true, true) => 0.95,
                        (true, false) => 0.85,
                        (false, _) => 0.6,
                    };
                    out.push(t.finding(PiiKind::NationalId, value, i, end, confidence));
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// Reads an ID-shaped token at `i`: a letter, then a digit or (old resident
/// format) a letter, then digits, with at most one space or hyphen between
/// groups: three groups and more, or every character apart as a form's
/// boxes make people write it (`a 1 2 3 4 5 6 7 8 9`). Returns its end, its
/// uppercase value and whether it was written plainly (uppercase, nothing
/// between the characters).
fn read_national_id(t: &Text, i: usize) -> Option<(usize, String, bool)> {
    let mut value = String::with_capacity(10);
    let mut plain = true;
    let mut separators = 0;
    let mut j = i;
    while value.len() < 10 {
        let c = t.get(j)?;
        let wanted = match value.len() {
            0 => c.is_ascii_alphabetic(),
            1 => c.is_ascii_digit() || c.is_ascii_alphabetic(),
            _ => c.is_ascii_digit(),
        };
        if wanted {
            plain &= !c.is_ascii_lowercase();
            value.push(c.to_ascii_uppercase());
            j += 1;
        } else if !value.is_empty()
            && separators < 9
            && matches!(c, ' ' | '-')
            && t.get(j + 1).is_some_and(|n| n.is_ascii_alphanumeric())
        {
            separators += 1;
            plain = false;
            j += 1;
        } else {
            return None;
        }
    }
    // Three separators at most, unless every character stands apart (then
    // there are nine): a run of single letters and digits split any other
    // way is more likely a list than an ID.
    let apart = separators == 9;
    (!is_word(t.get(j)) && (separators <= 3 || apart)).then_some((j, value, plain))
}

/// Words that, shortly before an ID-shaped token, say it is a national ID
/// or a resident certificate number.
const ID_CUES: [&str; 8] = [
    "身分證",
    "身份證",
    "統一證號",
    "居留證",
    "證號",
    "證字號",
    "ID",
    "id:",
];

/// Words that, shortly before an 8-digit number, say it is a tax ID.
const TAX_ID_CUES: [&str; 3] = ["統一編號", "統編", "稅籍編號"];

/// Words that say an 8-digit number is something else: a case, document,
/// receipt, invoice or account number, or part of a phone number. A fifth
/// of all 8-digit numbers pass the tax-ID checksum, so a receipt number
/// often does.
#[rustfmt::skip]
const OTHER_NUMBER_CUES: [&str; 24] = [
    "案號", "文號", "字第", "編號", "單號", "帳號", "號碼", "序號", "卡號", "證號", "票號",
    "字號", "收據", "發票", "訂單", "掛號", "憑證", "流水號", "條碼", "代碼",
    "電話", "手機", "傳真", "分機",
];

/// How far before a number (in chars) a cue may stand: "統一編號:" plus a
/// few chars of spacing or a parenthesis.
const CUE_WINDOW: usize = 12;

pub(super) fn find_company_tax_ids(t: &Text, out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < t.len() {
        if !is_digit(t.get(i)) {
            i += 1;
            continue;
        }
        let start = i;
        // After a tax-ID cue, the digits as people space or group them
        // (`2209-9131`, `22-099-131`, `2 2 0 9 9 1 3 1`); without a cue a
        // grouped number is a phone number's shape, and is left to it.
        if !is_word(t.before(start))
            && TAX_ID_CUES
                .iter()
                .any(|cue| t.window_before(start, CUE_WINDOW).contains(cue))
        {
            if let Some((end, value)) = read_grouped_digits(t, start, 8) {
                if is_valid_company_tax_id(&value) {
                    out.push(t.finding(PiiKind::CompanyTaxId, value, start, end, 0.9));
                    i = end;
                    continue;
                }
            }
        }
        while is_digit(t.get(i)) {
            i += 1;
        }
        // Only an exact run of 8 digits: never a piece of a longer number.
        if i - start != 8 || is_word(t.before(start)) || is_word(t.get(i)) {
            continue;
        }
        let value: String = (start..i)
            .filter_map(|j| t.get(j).and_then(ascii_digit))
            .collect();
        if !is_valid_company_tax_id(&value) {
            continue;
        }
        let context = t.window_before(start, CUE_WINDOW);
        let confidence = if TAX_ID_CUES.iter().any(|cue| context.contains(cue)) {
            0.95
        } else if stands_alone(t, start, i)
            && !OTHER_NUMBER_CUES.iter().any(|c| context.contains(c))
        {
            // A fifth of all 8-digit numbers pass the checksum, so one
            // without a cue is only a guess.
            0.6
        } else {
            continue;
        };
        out.push(t.finding(PiiKind::CompanyTaxId, value, start, i, confidence));
    }
}

/// Whether the digits `from..to` are a number of their own rather than a
/// piece of a date, an amount, a decimal or a phone number.
fn stands_alone(t: &Text, from: usize, to: usize) -> bool {
    let joined_before = matches!(
        t.before(from),
        Some('-' | '+' | '.' | '/' | ':' | ',' | ')' | '#' | '－' | '）')
    );
    let joined_after = matches!(
        t.get(to),
        Some('-' | '.' | '/' | ':' | ',' | '%' | '－' | '(' | '（')
    );
    let unit_after = matches!(t.get(to), Some('元' | '年' | '月' | '日' | '號'));
    !joined_before && !joined_after && !unit_after
}

/// Reads `n` digits from `i` with single spaces or hyphens between groups
/// (at least one separator: an unbroken run is read as a run), ending where
/// no further digit or letter follows. Returns the end and the digits.
fn read_grouped_digits(t: &Text, i: usize, n: usize) -> Option<(usize, String)> {
    let mut value = String::with_capacity(n);
    let mut separators = 0;
    let mut j = i;
    while value.len() < n {
        let c = t.get(j)?;
        if let Some(d) = ascii_digit(c) {
            value.push(d);
            j += 1;
        } else if !value.is_empty() && matches!(c, ' ' | '-' | '－') && is_digit(t.get(j + 1)) {
            separators += 1;
            j += 1;
        } else {
            return None;
        }
    }
    (separators > 0 && !is_word(t.get(j)) && !is_digit(t.get(j))).then_some((j, value))
}
