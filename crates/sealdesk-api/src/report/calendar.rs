//! The duty roster, the leave calendar and the holidays, as an agency's
//! personnel office exports them: CSV in UTF-8 (a BOM is skipped), one row
//! per line, an optional header row (a first row whose date column has no
//! digit). Dates in 民國 or Gregorian forms, times `HH:MM`.
//!
//! | file | columns |
//! |---|---|
//! | roster | `帳號,日期,開始,結束` (user, date, start, end): on duty then; an end at or before the start runs past midnight |
//! | leave | `帳號,起日,迄日` (user, first day, last day; the last may be left out for one day) |
//! | holidays | `日期` (a day off on a weekday), optionally a second column naming it |

use chrono::NaiveDate;
use sealdesk_core::date;

use crate::{ApiError, Result};

fn rows(text: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|e| ApiError::BadInput(format!("CSV 第 {} 行無法讀取： {e}", i + 1)))?;
        if r.iter().all(str::is_empty) {
            continue;
        }
        out.push((i + 1, r.iter().map(str::to_owned).collect()));
    }
    Ok(out)
}

fn day(line: usize, s: &str) -> Result<NaiveDate> {
    date::parse_date(s).map_err(|e| ApiError::BadInput(format!("第 {line} 行：{e}")))
}

fn minute(line: usize, s: &str) -> Result<u32> {
    let bad = || ApiError::BadInput(format!("第 {line} 行：時間 {s:?} 應寫成 HH:MM"));
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Skips a header: a first row whose date column has no digit in it (a
/// date with a typo is an error, not a header).
fn body(rows: Vec<(usize, Vec<String>)>, date_col: usize) -> Vec<(usize, Vec<String>)> {
    let header = rows.first().is_some_and(|(_, r)| {
        r.get(date_col).is_none_or(|d| {
            !d.chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        })
    });
    rows.into_iter().skip(usize::from(header)).collect()
}

fn need(line: usize, r: &[String], n: usize, what: &str) -> Result<()> {
    if r.len() < n || r[..n].iter().any(String::is_empty) {
        return Err(ApiError::BadInput(format!("第 {line} 行：需要 {what}")));
    }
    Ok(())
}

/// The duty roster: `(user, date, start, end)`, minutes after midnight; a
/// shift past midnight has its end past 24:00.
pub fn parse_roster(text: &str) -> Result<Vec<(String, NaiveDate, u32, u32)>> {
    let mut out = Vec::new();
    for (line, r) in body(rows(text)?, 1) {
        need(line, &r, 4, "帳號、日期、開始、結束")?;
        let (start, mut end) = (minute(line, &r[2])?, minute(line, &r[3])?);
        if end <= start {
            end += 24 * 60;
        }
        out.push((r[0].clone(), day(line, &r[1])?, start, end));
    }
    Ok(out)
}

/// The leave calendar: `(user, first day, last day)`.
pub fn parse_leave(text: &str) -> Result<Vec<(String, NaiveDate, NaiveDate)>> {
    let mut out = Vec::new();
    for (line, r) in body(rows(text)?, 1) {
        need(line, &r, 2, "帳號、起日")?;
        let from = day(line, &r[1])?;
        let to = match r.get(2).filter(|s| !s.is_empty()) {
            Some(s) => day(line, s)?,
            None => from,
        };
        if to < from {
            return Err(ApiError::BadInput(format!("第 {line} 行：迄日早於起日")));
        }
        out.push((r[0].clone(), from, to));
    }
    Ok(out)
}

/// Office hours, `HH:MM-HH:MM` (Taiwan time), as minutes after midnight.
pub fn parse_office_hours(text: &str) -> Result<(u32, u32)> {
    let bad = || {
        ApiError::BadInput(format!(
            "上班時間請寫成 HH:MM-HH:MM，例如 08:00-18:00。 Office hours {text:?}: write HH:MM-HH:MM, e.g. 08:00-18:00"
        ))
    };
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    match (minute(0, a.trim()), minute(0, b.trim())) {
        (Ok(a), Ok(b)) if a < b => Ok((a, b)),
        _ => Err(bad()),
    }
}

/// Holidays: one date a line.
pub fn parse_holidays(text: &str) -> Result<Vec<NaiveDate>> {
    body(rows(text)?, 0)
        .into_iter()
        .map(|(line, r)| {
            need(line, &r, 1, "日期")?;
            day(line, &r[0])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosters_leave_and_holidays_read_as_personnel_offices_write_them() {
        let roster = "\u{feff}帳號,日期,開始,結束\nhandler,115/11/28,20:00,08:00\nclerk,2026-11-29,09:00,17:00\n";
        let r = parse_roster(roster).expect("roster");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].2, r[0].3), (20 * 60, 32 * 60));
        assert_eq!(r[1].1.to_string(), "2026-11-29");
        let leave = parse_leave("handler,115/11/30\nclerk,2026-12-01,2026-12-03\n").expect("leave");
        assert_eq!(leave[0].1, leave[0].2);
        assert_eq!(leave[1].2.to_string(), "2026-12-03");
        assert_eq!(
            parse_holidays("日期\n115/10/10,國慶日\n").expect("h").len(),
            1
        );
        for bad in [
            "handler,115/13/01,08:00,09:00",
            "handler,115/11/28,8am,09:00",
            "handler,115/11/28",
        ] {
            let e = parse_roster(bad).expect_err(bad);
            assert!(e.to_string().contains("第 1 行"), "{e}");
        }
        assert!(parse_leave("handler,2026-12-03,2026-12-01").is_err());
    }
}
