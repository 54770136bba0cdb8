//! The working copy: the letter with every finding replaced by a label that
//! says what kind of thing stood there and which one it was — 〔姓名1〕,
//! 〔身分證號1〕, 〔電話2〕 — so a reader can route or summarize it, and
//! follow who is who, without learning who wrote it.
//!
//! A label carries no part of the value: not a surname (in a small office
//! 林○○ can be enough), not an ID's region and sex letters, not an e-mail's
//! first letter, not a phone's area code, not the length of a name. The
//! same value gets the same label wherever it stands in the letter,
//! however it is spaced or written (王 大 明 and 王大明 are one 〔姓名1〕).

use std::collections::{BTreeMap, BTreeSet};

use super::text::normalize;
use super::{Finding, PiiKind};

/// The label's opening and closing brackets. Letters rarely use these
/// (they use 「」 and （）), so a label reads as the program's, not the writer's.
const OPEN: char = '〔';
const CLOSE: char = '〕';

/// The name of each kind in a label.
pub fn label_name(kind: PiiKind) -> &'static str {
    match kind {
        PiiKind::NationalId => "身分證號",
        PiiKind::CompanyTaxId => "統一編號",
        PiiKind::Phone => "電話",
        PiiKind::Email => "電子郵件",
        PiiKind::Address => "地址",
        PiiKind::Person => "姓名",
        PiiKind::Organization => "公司",
        PiiKind::BankAccount => "帳號",
        PiiKind::Passport => "護照號碼",
        PiiKind::LineId => "LINE帳號",
        PiiKind::BirthDate => "出生日期",
    }
}

/// The key two findings share when they are the same value: the value, or
/// the span's text where a finding has none, normalized and without spaces.
fn key_of(f: &Finding, raw: &str) -> String {
    let base = if f.value.is_empty() { raw } else { &f.value };
    base.chars()
        .map(normalize)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Labels numbered per kind in order of first appearance.
struct Labels {
    by_key: BTreeMap<(PiiKind, String), String>,
    next: BTreeMap<PiiKind, usize>,
}

impl Labels {
    fn new() -> Self {
        Self {
            by_key: BTreeMap::new(),
            next: BTreeMap::new(),
        }
    }

    fn get(&mut self, kind: PiiKind, key: String) -> String {
        if let Some(label) = self.by_key.get(&(kind, key.clone())) {
            return label.clone();
        }
        let n = self.next.entry(kind).or_insert(0);
        *n += 1;
        let label = format!("{OPEN}{}{n}{CLOSE}", label_name(kind));
        self.by_key.insert((kind, key), label.clone());
        label
    }
}

/// Returns `text` with each finding's span replaced by its label.
///
/// Overlapping findings are masked as their union, with the label of the
/// one that covers most of it. Spans that are out of range or not on char
/// boundaries (findings from elsewhere) are widened to the nearest
/// boundaries rather than skipped. Finally any other occurrence of a
/// finding's value or span text is replaced by the same label, so neither
/// survives anywhere in the output. A line break inside a span is kept after
/// its label, so the text keeps its lines.
pub fn mask(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize, &Finding)> = findings
        .iter()
        .filter_map(|f| snap(text, f).map(|(s, e)| (s, e, f)))
        .collect();
    // By start, and the longest first among those starting together.
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));

    let mut labels = Labels::new();
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut n = 0;
    while let Some(&(start, first_end, first)) = spans.get(n) {
        let raw_first = text.get(start..first_end).unwrap_or_default();
        let label = labels.get(first.kind, key_of(first, raw_first));
        add_targets(&mut targets, first, raw_first, &label);
        let mut end = first_end;
        n += 1;
        while let Some(&(s, e, f)) = spans.get(n) {
            if s >= end {
                break;
            }
            end = end.max(e);
            // The other findings of the cluster are swept under the label
            // of the first, wherever else they stand.
            add_targets(&mut targets, f, text.get(s..e).unwrap_or_default(), &label);
            n += 1;
        }
        out.push_str(text.get(cursor..start).unwrap_or_default());
        out.push_str(&label);
        let raw = text.get(start..end).unwrap_or_default();
        out.extend(raw.chars().filter(|&c| c == '\n'));
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or_default());
    // A finding whose span is not in this text still names a value to hide.
    for f in findings.iter().filter(|f| snap(text, f).is_none()) {
        let label = labels.get(f.kind, key_of(f, ""));
        add_targets(&mut targets, f, "", &label);
    }
    let produced: BTreeSet<String> = labels.by_key.into_values().collect();
    sweep(&out, &targets, &produced)
}

/// Both the value and the span's text of `f` are to be replaced by `label`
/// wherever else they stand (the first label given to a string stays).
fn add_targets(targets: &mut BTreeMap<String, String>, f: &Finding, raw: &str, label: &str) {
    for s in [f.value.as_str(), raw] {
        if is_worth_sweeping(s) {
            targets
                .entry(s.to_owned())
                .or_insert_with(|| label.to_owned());
        }
    }
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

/// Whether replacing every occurrence of `s` changes anything: it must be
/// two characters or more and hold something that is not whitespace.
fn is_worth_sweeping(s: &str) -> bool {
    s.chars().count() >= 2 && s.chars().any(|c| !c.is_whitespace())
}

/// Replaces every occurrence of the targets left in `out` by its label,
/// longest first, in one pass. The labels this mask produced are copied
/// through whole, so a target that happens to occur inside a label (a
/// false finding 姓名) cannot break one. Each position looks up each
/// distinct target length once, so the cost is linear in the text.
fn sweep(out: &str, targets: &BTreeMap<String, String>, produced: &BTreeSet<String>) -> String {
    if targets.is_empty() {
        return out.to_owned();
    }
    let lens: BTreeSet<usize> = targets.keys().map(String::len).collect();
    let mut next = String::with_capacity(out.len());
    let mut i = 0;
    while let Some(c) = out.get(i..).and_then(|rest| rest.chars().next()) {
        if c == OPEN {
            let label = out
                .get(i..)
                .and_then(|rest| rest.find(CLOSE).map(|at| &rest[..at + CLOSE.len_utf8()]))
                .filter(|l| produced.contains(*l));
            if let Some(label) = label {
                next.push_str(label);
                i += label.len();
                continue;
            }
        }
        let hit = lens
            .iter()
            .rev()
            .filter_map(|&len| out.get(i..i + len))
            .find_map(|s| targets.get(s).map(|label| (s.len(), label)));
        match hit {
            Some((len, label)) => {
                next.push_str(label);
                i += len;
            }
            None => {
                next.push(c);
                i += c.len_utf8();
            }
        }
    }
    next
}
