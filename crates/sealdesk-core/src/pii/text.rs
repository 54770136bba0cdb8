//! A char-indexed view of the input. Every detector counts in chars and turns
//! char indices into byte offsets only here, so no detector can cut the text
//! inside a UTF-8 sequence.
//!
//! Detectors see the text normalized one char for one char (full-width
//! Latin letters, digits and punctuation as ASCII, the many kinds of space
//! as one, dashes as `-`), so `Ａ１２３` reads as `A123` everywhere; spans
//! still point into the original. A second view, [`Text::joined`], also
//! drops the line breaks that PDF extraction puts inside words.

use super::{Finding, PiiKind};

pub(super) struct Text<'a> {
    src: &'a str,
    /// The normalized chars (see [`normalize`]).
    chars: Vec<char>,
    /// The byte offset of each char, then `src.len()`, so that `offsets[i]`
    /// exists for every end index `i <= chars.len()`.
    offsets: Vec<usize>,
    /// The byte offset just past each char in `src` (the next char's offset
    /// unless a dropped line break lies between).
    ends: Vec<usize>,
}

impl<'a> Text<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self::build(src, false)
    }

    /// The same text with each line break that stands between two non-space
    /// chars dropped: "股份有\n限公司", "wang.da\nming@…", "1234\n5678"
    /// read whole. Chinese has no spaces between words, so a break inside a
    /// paragraph is almost always where a line was wrapped.
    pub(super) fn joined(src: &'a str) -> Self {
        Self::build(src, true)
    }

    fn build(src: &'a str, join: bool) -> Self {
        let mut chars = Vec::with_capacity(src.len());
        let mut offsets = Vec::with_capacity(src.len() + 1);
        let mut ends = Vec::with_capacity(src.len());
        let mut it = src.char_indices().peekable();
        while let Some((at, c)) = it.next() {
            if join && matches!(c, '\n' | '\r') {
                let before = chars.last().is_some_and(|&p: &char| !p.is_whitespace());
                // One break (\n or \r\n) between two non-space chars.
                let rest = src.get(at..).unwrap_or_default();
                let rest = rest
                    .strip_prefix("\r\n")
                    .or_else(|| rest.strip_prefix('\n'))
                    .or_else(|| rest.strip_prefix('\r'))
                    .unwrap_or(rest);
                let after = rest.chars().next().is_some_and(|n| !n.is_whitespace());
                if before && after {
                    if c == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
                        it.next();
                    }
                    continue;
                }
            }
            chars.push(normalize(c));
            offsets.push(at);
            ends.push(at + c.len_utf8());
        }
        offsets.push(src.len());
        Text {
            src,
            chars,
            offsets,
            ends,
        }
    }

    pub(super) fn as_str(&self) -> &'a str {
        self.src
    }

    /// The normalized chars `from..to` as a string (what a finding's value
    /// is made from), with any dropped line break left out.
    pub(super) fn norm(&self, from: usize, to: usize) -> String {
        let to = to.min(self.len());
        self.chars[from.min(to)..to].iter().collect()
    }

    /// The index of the first char at or after byte `byte` of the source
    /// (a finding's span end back to a char index).
    pub(super) fn index_at_byte(&self, byte: usize) -> usize {
        self.offsets.partition_point(|&o| o < byte)
    }

    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    /// The char at index `i`, or `None` past the end.
    pub(super) fn get(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The char just before index `i`, or `None` at the start.
    pub(super) fn before(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|j| self.get(j))
    }

    /// The original text between two char indices, clamped to the input.
    pub(super) fn slice(&self, from: usize, to: usize) -> &'a str {
        let to = to.min(self.len());
        let from = from.min(to);
        let end = if to > from {
            self.ends[to - 1]
        } else {
            self.offsets[from]
        };
        &self.src[self.offsets[from]..end]
    }

    /// The (at most) `n` normalized chars that end just before index `i`.
    pub(super) fn window_before(&self, i: usize, n: usize) -> String {
        self.norm(i.saturating_sub(n), i)
    }

    pub(super) fn starts_with_at(&self, i: usize, pattern: &str) -> bool {
        pattern
            .chars()
            .enumerate()
            .all(|(k, p)| self.get(i + k) == Some(p))
    }

    /// A finding over the chars `from..to`.
    pub(super) fn finding(
        &self,
        kind: PiiKind,
        value: String,
        from: usize,
        to: usize,
        confidence: f32,
    ) -> Finding {
        let to = to.min(self.len());
        let from = from.min(to);
        let end = if to > from {
            self.ends[to - 1]
        } else {
            self.offsets[from]
        };
        Finding {
            kind,
            value,
            start: self.offsets[from],
            end,
            confidence,
        }
    }
}

/// One char as detectors read it: full-width forms (U+FF01–U+FF5E) as
/// their ASCII letters, digits and punctuation; every kind of space as ' ';
/// every kind of dash as '-'. One char for one char, so spans map back.
pub fn normalize(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        _ => c,
    }
}

/// A Han character (CJK unified ideographs, their extensions and the
/// compatibility block). Punctuation such as `、` or `○` is not one.
pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// A decimal digit as an ASCII char, for ASCII and full-width digits alike:
/// text extracted from PDFs often has `０９１２`.
pub(super) fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

pub(super) fn is_digit(c: Option<char>) -> bool {
    c.and_then(ascii_digit).is_some()
}

/// A char that continues a Latin word or a number, so an identifier next to
/// it is part of something longer.
pub(super) fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || ascii_digit(c).is_some())
}
