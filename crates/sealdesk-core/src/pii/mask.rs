//! The working copy: the letter with every finding replaced by a masked
//! form that still says what kind of thing stood there (○○○, **********,
//! 桃園市○○區○○路○○段○○號○○樓), so a reader can route or summarize it
//! without learning who wrote it.
//!
//! A mask keeps nothing that narrows down a person: not a surname (in a
//! small office 林○○ can be enough), not an ID's region and sex letters,
//! not an e-mail's first letter, not a phone's area code, not the length of
//! a name. People and company names become fixed-length runs; only an
//! address keeps its city or county, which a routing decision needs.

use std::collections::BTreeSet;

use super::address::CITIES;
use super::organization::SUFFIXES;
use super::{Finding, PiiKind};

/// The characters masks are made of. A masked form keeps a few original
/// characters (a surname, a city) and replaces everything else with these.
const MASK_CHARS: [char; 2] = ['*', '○'];

/// Characters an address mask keeps, so the reader still sees its shape.
const ADDRESS_PARTS: &str = "區鄉鎮市村里鄰路街道段巷弄號樓室";

/// Returns `text` with each finding's span replaced by its masked form.
///
/// Overlapping findings are masked as their union. Spans that are out of
/// range or not on char boundaries (findings from elsewhere) are widened to
/// the nearest boundaries rather than skipped. Finally any other occurrence
/// of a finding's value or span text is masked too, so neither survives
/// anywhere in the output.
pub fn mask(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize, &Finding)> = findings
        .iter()
        .filter_map(|f| snap(text, f).map(|(s, e)| (s, e, f)))
        .collect();
    // By start, and the longest first among those starting together.
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));

    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut n = 0;
    while let Some(&(start, first_end, first)) = spans.get(n) {
        let mut end = first_end;
        n += 1;
        while let Some(&(s, e, _)) = spans.get(n) {
            if s >= end {
                break;
            }
            end = end.max(e);
            n += 1;
        }
        out.push_str(text.get(cursor..start).unwrap_or_default());
        let raw = text.get(start..end).unwrap_or_default();
        // When one finding covers the whole cluster its own form applies;
        // a chain of partial overlaps is masked plainly.
        let masked = if first_end == end {
            masked_form(first, raw)
        } else {
            plain(raw)
        };
        out.push_str(&masked);
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or_default());

    let targets: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| {
            let raw = snap(text, f).and_then(|(s, e)| text.get(s..e));
            [Some(f.value.as_str()), raw]
        })
        .flatten()
        .filter(|s| is_worth_sweeping(s))
        .collect();
    sweep(out, &targets)
}

/// The finding's span widened to char boundaries within `text`.
fn snap(text: &str, f: &Finding) -> Option<(usize, usize)> {
    let mut end = f.start.max(f.end).min(text.len());
    let mut start = f.start.min(f.end).min(end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start < end).then_some((start, end))
}

/// The masked form of one finding whose span text is `raw`.
fn masked_form(f: &Finding, raw: &str) -> String {
    let masked = match f.kind {
        PiiKind::NationalId => Some("*".repeat(10)),
        PiiKind::Phone => Some("*".repeat(10)),
        PiiKind::CompanyTaxId => Some("*".repeat(8)),
        PiiKind::Email => Some("***@***".to_owned()),
        PiiKind::Address => Some(address(raw)),
        PiiKind::Person => Some(person(raw)),
        PiiKind::Organization => organization(raw),
    };
    // A form that still shows the span or the value (a finding made
    // elsewhere, with an odd value) is no mask at all.
    match masked {
        Some(m) if !m.contains(raw) && (f.value.is_empty() || !m.contains(f.value.as_str())) => m,
        _ => plain(raw),
    }
}

/// Every character replaced, whitespace kept: `*` for ASCII, `○` for the rest.
fn plain(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            c if c.is_whitespace() => c,
            c if c.is_ascii() => '*',
            _ => '○',
        })
        .collect()
}

/// The city or county is kept, and the structural characters after it;
/// every run of anything else becomes ○○, so not even the length of a road
/// name or a number shows.
fn address(raw: &str) -> String {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(super::text::normalize)
        .collect();
    let city = CITIES
        .iter()
        .find(|c| compact.starts_with(*c))
        .copied()
        .unwrap_or("");
    let mut out = String::from(city);
    let mut in_run = false;
    for c in compact.chars().skip(city.chars().count()) {
        if ADDRESS_PARTS.contains(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push_str("○○");
            in_run = true;
        }
    }
    out
}

/// Three ○ for any name in Han characters, three * for one in Latin
/// letters: neither the surname nor the length is kept. A line break inside
/// the span (a wrapped name) is kept so the text's lines stay as they were.
fn person(raw: &str) -> String {
    let mask = if !raw.is_ascii() { "○○○" } else { "***" };
    let breaks: String = raw.chars().filter(|&c| c == '\n').collect();
    format!("{mask}{breaks}")
}

/// The legal suffix is kept and the name becomes ○○○○ whatever its length:
/// ○○○○股份有限公司.
fn organization(raw: &str) -> Option<String> {
    let suffix = SUFFIXES.iter().find(|s| raw.ends_with(*s))?;
    raw.get(..raw.len() - suffix.len())
        .filter(|n| !n.is_empty())?;
    let breaks: String = raw.chars().filter(|&c| c == '\n').collect();
    Some(format!("○○○○{breaks}{suffix}"))
}

/// Whether masking every occurrence of `s` changes anything: it must be two
/// characters or more and hold something that is neither whitespace nor
/// already a mask character.
fn is_worth_sweeping(s: &str) -> bool {
    s.chars().count() >= 2
        && s.chars()
            .any(|c| !c.is_whitespace() && !MASK_CHARS.contains(&c))
}

/// Masks every occurrence of the targets left in `out`, longest first.
///
/// Each replacement turns at least one character that is neither whitespace
/// nor a mask character into a mask character, so the passes end; in
/// practice the second pass finds nothing. Each pass looks up each distinct
/// target length at each position, so the cost is linear in the text.
fn sweep(mut out: String, targets: &BTreeSet<&str>) -> String {
    let lens: BTreeSet<usize> = targets.iter().map(|t| t.len()).collect();
    loop {
        let mut next = String::with_capacity(out.len());
        let mut changed = false;
        let mut i = 0;
        while let Some(c) = out.get(i..).and_then(|rest| rest.chars().next()) {
            let hit = lens
                .iter()
                .rev()
                .filter_map(|&len| out.get(i..i + len))
                .find(|s| targets.contains(s));
            match hit {
                Some(s) => {
                    next.push_str(&plain(s));
                    i += s.len();
                    changed = true;
                }
                None => {
                    next.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out = next;
        if !changed {
            return out;
        }
    }
}
