//! E-mail addresses, normalized to lowercase.

use super::text::Text;
use super::{Finding, PiiKind};

fn is_address_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '@' | '＠' | '©' | '®')
}

/// Whether the char at `j` stands for the `@`: the `@` itself, its
/// full-width form, or what OCR reads it as — `©`, `®`, or a capital `Q`
/// between lower-case letters or digits (user91944Qexample.com), where no
/// address writer puts one.
fn is_at(t: &Text, j: usize) -> bool {
    match t.get(j) {
        Some('@' | '＠' | '©' | '®') => true,
        Some('Q') => {
            let lower =
                |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            lower(t.before(j)) && t.get(j + 1).is_some_and(|c| c.is_ascii_lowercase())
        }
        _ => false,
    }
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < t.len() {
        if !t.get(i).is_some_and(is_address_char) {
            i += 1;
            continue;
        }
        // Each maximal run of address characters is read once, and each `@`
        // in it looks no further than its neighbouring `@`s: linear time even
        // on "a@a@a@…".
        let run_start = i;
        while t.get(i).is_some_and(is_address_char) {
            i += 1;
        }
        // A `Q` stands for the `@` only in a run with no `@` of its own.
        let mut ats: Vec<usize> = (run_start..i)
            .filter(|&j| is_at(t, j) && t.get(j) != Some('Q'))
            .collect();
        if ats.is_empty() {
            ats = (run_start..i).filter(|&j| is_at(t, j)).collect();
        }
        for (n, &at) in ats.iter().enumerate() {
            let lo = n
                .checked_sub(1)
                .and_then(|p| ats.get(p))
                .map_or(run_start, |p| p + 1);
            let hi = ats.get(n + 1).copied().unwrap_or(i);
            if let Some((from, to)) = address_around(t, lo, at, hi) {
                let value =
                    format!("{}@{}", t.norm(from, at), t.norm(at + 1, to)).to_ascii_lowercase();
                out.push(t.finding(PiiKind::Email, value, from, to, 0.95));
            }
        }
    }
}

/// The address around the `@` at `at`, within `lo..hi`, if it is well formed.
fn address_around(t: &Text, lo: usize, at: usize, hi: usize) -> Option<(usize, usize)> {
    let mut from = lo;
    while from < at && t.get(from) == Some('.') {
        from += 1;
    }
    let local = t.norm(from, at);
    if local.is_empty() || local.len() > 64 || local.ends_with('.') || local.contains("..") {
        return None;
    }
    let mut to = at + 1;
    while to < hi && t.get(to).is_some_and(is_domain_char) {
        to += 1;
    }
    // A sentence may end right after the address: "… sdhu81@gmail.com."
    while to > at + 1 && matches!(t.get(to - 1), Some('.' | '-')) {
        to -= 1;
    }
    is_domain(&t.norm(at + 1, to)).then_some((from, to))
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    labels.len() >= 2
        && tld_ok
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}
