//! A char-indexed view of the input. Every detector counts in chars and turns
//! char indices into byte offsets only here, so no detector can cut the text
//! inside a UTF-8 sequence.

use super::{Finding, PiiKind};

pub(super) struct Text<'a> {
    src: &'a str,
    chars: Vec<char>,
    /// The byte offset of each char, then `src.len()`, so that `offsets[i]`
    /// exists for every end index `i <= chars.len()`.
    offsets: Vec<usize>,
}

impl<'a> Text<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        let mut chars = Vec::with_capacity(src.len());
        let mut offsets = Vec::with_capacity(src.len() + 1);
        for (at, c) in src.char_indices() {
            chars.push(c);
            offsets.push(at);
        }
        offsets.push(src.len());
        Text {
            src,
            chars,
            offsets,
        }
    }

    pub(super) fn as_str(&self) -> &'a str {
        self.src
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

    /// The text between two char indices, clamped to the input.
    pub(super) fn slice(&self, from: usize, to: usize) -> &'a str {
        let to = to.min(self.len());
        let from = from.min(to);
        &self.src[self.offsets[from]..self.offsets[to]]
    }

    /// The (at most) `n` chars that end just before index `i`.
    pub(super) fn window_before(&self, i: usize, n: usize) -> &'a str {
        self.slice(i.saturating_sub(n), i)
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
        Finding {
            kind,
            value,
            start: self.offsets[from],
            end: self.offsets[to],
            confidence,
        }
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
