//! The export code: 64 random bits, written in base 32 (A–Z, 2–7), which a
//! QR code carries in its compact alphanumeric mode and a person can read
//! aloud without confusing 0 and O or 1 and I.

use std::fmt;
use std::str::FromStr;

/// What a QR code on a Sealdesk page starts with, so a stray QR code in a
/// letter is never taken for one of ours.
pub(crate) const QR_PREFIX: &str = "SD1:";

/// What the QR codes in the page body start with: told apart from the
/// footer's, since a footer can be pasted from another copy and the body's
/// codes are what name a copy.
pub(crate) const BODY_QR_PREFIX: &str = "SD1B:";

/// The most characters a reading of the tiled mark may have wrong and still
/// name a code (the chance that a wrong code comes this close is about one
/// in 10^12 for each code given out).
pub const MAX_OCR_DISTANCE: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExportCode(pub u64);

impl ExportCode {
    /// 13 characters, no separators (what the QR code carries).
    pub fn compact(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0.to_be_bytes())
    }

    /// In how many of the 13 characters two codes differ. A reading of the
    /// tiled mark by OCR may get a few wrong (J as I, X as K, S as 5); it
    /// is matched to the nearest code actually given out. Two random codes
    /// differ in about 12.6 characters, so a match within
    /// [`MAX_OCR_DISTANCE`] is all but never the wrong one.
    pub fn distance(&self, other: &ExportCode) -> usize {
        self.compact()
            .chars()
            .zip(other.compact().chars())
            .filter(|(a, b)| a != b)
            .count()
    }

    /// [`distance`](Self::distance) as OCR errs: a character read as one
    /// it is often taken for (D as O, Z as 2, S as 5, U as V …) counts half.
    /// The API matches a reading of the tiled mark to the code given out
    /// whose `ocr_distance` is least and within [`MAX_OCR_DISTANCE`].
    pub fn ocr_distance(&self, read: &ExportCode) -> f32 {
        self.compact()
            .chars()
            .zip(read.compact().chars())
            .map(|(a, b)| match (a, b) {
                _ if a == b => 0.0,
                _ if confusable(a, b) => 0.5,
                _ => 1.0,
            })
            .sum()
    }

    /// What the QR code carries: the prefix and the compact code.
    pub(crate) fn qr_payload(&self) -> String {
        format!("{QR_PREFIX}{}", self.compact())
    }

    /// What a QR code in the page body carries.
    pub(crate) fn body_qr_payload(&self) -> String {
        format!("{BODY_QR_PREFIX}{}", self.compact())
    }
}

/// Pairs of base-32 characters that OCR of the tiled mark mistakes for each
/// other (seen in its readings here).
const CONFUSABLE: &[(char, char)] = &[
    ('D', 'O'),
    ('O', 'Q'),
    ('D', 'Q'),
    ('Z', '2'),
    ('S', '5'),
    ('I', 'L'),
    ('I', 'J'),
    ('U', 'V'),
    ('T', '7'),
    ('E', 'F'),
    ('K', 'X'),
    ('M', 'N'),
    ('C', 'G'),
];

fn confusable(a: char, b: char) -> bool {
    CONFUSABLE
        .iter()
        .any(|&(x, y)| (a, b) == (x, y) || (a, b) == (y, x))
}

/// `ABCD-EFGH-IJKLM`: grouped for reading aloud.
impl fmt::Display for ExportCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.compact();
        write!(f, "{}-{}-{}", &c[..4], &c[4..8], &c[8..])
    }
}

impl FromStr for ExportCode {
    type Err = String;

    /// Takes the grouped or compact form, any case, with or without the QR
    /// prefix.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let t = t
            .strip_prefix(QR_PREFIX)
            .or_else(|| t.strip_prefix(BODY_QR_PREFIX))
            .unwrap_or(t);
        let compact: String = t
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = data_encoding::BASE32_NOPAD
            .decode(compact.as_bytes())
            .map_err(|_| format!("{s:?} is not an export code"))?;
        let bytes: [u8; 8] = bytes
            .try_into()
            .map_err(|_| format!("{s:?} is not an export code"))?;
        Ok(Self(u64::from_be_bytes(bytes)))
    }
}
