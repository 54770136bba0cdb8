//! Calendar dates as people here write them: 民國 years (民國 1 is 1912)
//! or Gregorian ones. One parser for every date a person types (a 辦理期限,
//! a 保密期限, the end of an access); stored and sent as ISO `YYYY-MM-DD`.
//!
//! It reads the same forms as the UI's `parseDateEntry` (`ui/src/lib/format.ts`),
//! so a date the form accepts is a date the API accepts:
//! - 民國: `115/12/31`, `115.12.31`, `115-12-31`, `1151231` (seven digits, as
//!   on forms), `民國115年12月31日`, `115年12月31日`;
//! - Gregorian: `2026-12-31`, `2026/12/31`, `2026.12.31`, `20261231`.
//!
//! Full-width digits and punctuation read as their ASCII forms. A date that
//! does not exist (`115/2/30`) is refused, never rolled over.

use chrono::{Datelike, NaiveDate};

/// 民國 year 1 is 1912.
pub const ROC_OFFSET_YEARS: i32 = 1911;

/// Taiwan's offset from UTC (no daylight saving since 1979).
const TAIPEI_OFFSET_MS: i64 = 8 * 3_600_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{0:?} is not a date (write 民國 115/12/31 or 2026-12-31)")]
    Unreadable(String),
    #[error("{0:?} is not a day of the calendar")]
    NoSuchDay(String),
}

/// Reads a date in any of the forms above.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(ascii_form)
        .collect();
    let unreadable = || DateError::Unreadable(text.to_owned());
    let (year, month, day, roc) = fields(&s).ok_or_else(unreadable)?;
    let year = if roc { year + ROC_OFFSET_YEARS } else { year };
    if !(1912..=9999).contains(&year) {
        return Err(DateError::NoSuchDay(text.to_owned()));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| DateError::NoSuchDay(text.to_owned()))
}

/// Reads a date and gives its stored form, `YYYY-MM-DD`.
pub fn normalize(text: &str) -> Result<String, DateError> {
    parse_date(text).map(|d| d.format("%Y-%m-%d").to_string())
}

/// The date as a person here reads it: 民國115年12月31日.
pub fn roc(date: NaiveDate) -> String {
    format!(
        "民國{}年{}月{}日",
        date.year() - ROC_OFFSET_YEARS,
        date.month(),
        date.day()
    )
}

/// The date in Taiwan at UTC milliseconds `unix_ms`.
pub fn taiwan_date(unix_ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(unix_ms.saturating_add(TAIPEI_OFFSET_MS))
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The last second of `date` in Taiwan (23:59:59 +08:00), as UTC milliseconds.
pub fn end_of_day_in_taiwan(date: NaiveDate) -> i64 {
    date.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis() - TAIPEI_OFFSET_MS)
        .unwrap_or(i64::MIN)
}

/// Full-width digits and date punctuation as ASCII (the NFKC forms of the
/// few characters a date uses; a normalization crate for ten characters
/// would be most of the dependency for none of its use).
fn ascii_form(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '／' => '/',
        '．' => '.',
        '－' | '‐' | '–' => '-',
        _ => c,
    }
}

/// (year as written, month, day, is a 民國 year).
fn fields(s: &str) -> Option<(i32, u32, u32, bool)> {
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = s
        .strip_prefix("民國")
        .or(Some(s))
        .filter(|r| r.contains('年'))
    {
        let (y, rest) = rest.split_once('年')?;
        let (m, rest) = rest.split_once('月')?;
        let d = rest.strip_suffix('日').unwrap_or(rest);
        if y.len() > 3 || ![y, m, d].iter().all(|t| all_digits(t)) || m.len() > 2 || d.len() > 2 {
            return None;
        }
        return Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?, true));
    }
    if let Some(sep) = ['/', '.', '-'].into_iter().find(|c| s.contains(*c)) {
        let parts: Vec<&str> = s.split(sep).collect();
        let [y, m, d] = parts[..] else { return None };
        if !all_digits(y) || !all_digits(m) || !all_digits(d) || m.len() > 2 || d.len() > 2 {
            return None;
        }
        return match y.len() {
            1..=3 => Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?, true)),
            4 => Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?, false)),
            _ => None,
        };
    }
    if !all_digits(s) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    match s.len() {
        7 => Some((n(0..3)? as i32, n(3..5)?, n(5..7)?, true)),
        8 => Some((n(0..4)? as i32, n(4..6)?, n(6..8)?, false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_people_write_reads_as_the_same_day() {
        let want = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        for s in [
            "115/12/31",
            "115.12.31",
            "115-12-31",
            "1151231",
            "民國115年12月31日",
            "115年12月31日",
            "115年12月31",
            "２０２６－１２－３１",
            "１１５／１２／３１",
            "2026-12-31",
            "2026/12/31",
            "2026.12.31",
            "20261231",
            " 115 / 12 / 31 ",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
        assert_eq!(
            parse_date("115/1/5").map(|d| d.to_string()).as_deref(),
            Ok("2026-01-05")
        );
    }

    #[test]
    fn impossible_or_unreadable_dates_are_refused() {
        for s in ["115/13/45", "115/2/30", "2026-02-29", "0/1/1"] {
            assert!(matches!(parse_date(s), Err(DateError::NoSuchDay(_))), "{s}");
        }
        for s in [
            "",
            "tomorrow",
            "115/12",
            "115/12-31",
            "12345/1/1",
            "2026-012-01",
            "115年十二月一日",
        ] {
            assert!(
                matches!(parse_date(s), Err(DateError::Unreadable(_))),
                "{s}"
            );
        }
        assert_eq!(
            parse_date("113/2/29").map(|d| d.to_string()).as_deref(),
            Ok("2024-02-29")
        );
    }

    #[test]
    fn a_date_reads_back_in_roc_and_ends_at_taipei_midnight() {
        let d = parse_date("2026-12-31").unwrap();
        assert_eq!(roc(d), "民國115年12月31日");
        assert_eq!(normalize("民國115年1月2日").as_deref(), Ok("2026-01-02"));
        // 2026-12-31T23:59:59+08:00 = 2026-12-31T15:59:59Z
        assert_eq!(end_of_day_in_taiwan(d), 1_798_732_799_000);
    }
}
