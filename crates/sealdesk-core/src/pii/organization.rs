//! Company names, found from their legal suffix backwards: "立穩工程股份有限
//! 公司", "金鼎機電工程有限公司", "大同工程行". A company that writes or is
//! named in a letter identifies its writer as surely as a person's name.

use super::text::{is_han, Text};
use super::{Finding, PiiKind};

/// Legal suffixes, longest first so that 股份有限公司 is never cut to 公司.
pub(super) const SUFFIXES: [&str; 5] = ["股份有限公司", "有限公司", "公司", "工程行", "包工業"];

/// Connectives that end a company name when reading backwards from its
/// suffix: "規格內容與北辰系統整合股份有限公司" gives 北辰系統整合.
const STOPS: &str = "與及和之向於在給是為的或跟被把請讓對";

/// Words that, inside the run before a suffix, are the end of the sentence's
/// own wording rather than part of the name: "得標廠商大華有限公司".
#[rustfmt::skip]
const LEAD_INS: [&str; 10] = [
    "異議廠商", "受文者", "廠商", "申請人", "異議人", "檢舉", "陳情", "本案", "投標", "得標",
];

/// Words that stand before 公司 as a description, not a name: 保險公司,
/// 子公司. A leading 本/貴/該/其 … is set aside first, so 該保險公司 and
/// 其子公司 are descriptions too.
const NOT_NAMES: [&str; 18] = [
    "子", "母", "分", "總", "保險", "電信", "瓦斯", "電力", "客運", "貨運", "建設", "營造", "保全",
    "管理", "顧問", "物業", "旅行", "控股",
];

/// Words that point at a company rather than name it.
const DETERMINERS: &str = "本貴該此其各某這那";

/// The longest name kept, in chars; a longer run is cut to its end.
const MAX_NAME: usize = 20;

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    // The end of the previous company name: a name never reaches back into
    // it, so 台北分公司 after 台灣大哥大股份有限公司 is a name of its own.
    let mut floor = 0;
    let mut i = 0;
    while i < t.len() {
        let Some(suffix) = SUFFIXES.iter().find(|s| t.starts_with_at(i, s)) else {
            i += 1;
            continue;
        };
        let end = i + suffix.chars().count();
        if let Some(from) = name_start(t, floor, i) {
            let confidence = if suffix.ends_with("有限公司") {
                0.85
            } else {
                0.6
            };
            let value = t.norm(from, end);
            out.push(t.finding(PiiKind::Organization, value, from, end, confidence));
        }
        i = end;
        floor = end;
    }
}

/// Where the name before the suffix at `suffix` starts, if there is one; it
/// starts no earlier than `floor`.
fn name_start(t: &Text, floor: usize, suffix: usize) -> Option<usize> {
    let mut from = suffix;
    while from > floor
        && suffix - from < MAX_NAME
        && t.before(from)
            .is_some_and(|c| (is_han(c) || c.is_ascii_alphanumeric()) && !STOPS.contains(c))
    {
        from -= 1;
    }
    let run = t.slice(from, suffix);
    if let Some((at, cue)) = LEAD_INS
        .iter()
        .filter_map(|cue| run.rfind(cue).map(|at| (at, cue)))
        .max_by_key(|&(at, cue)| at + cue.len())
    {
        from += run.get(..at + cue.len()).map_or(0, |s| s.chars().count());
    }
    let name = t.norm(from, suffix);
    // What follows the last determiner is what is described: in 經查該公司
    // and 某建設公司 nothing or only a description is left, so neither names
    // a company; 其昌建設公司 starts with one and is a name.
    let described = match name.char_indices().rfind(|&(_, c)| DETERMINERS.contains(c)) {
        Some((at, c)) if at > 0 || name.chars().count() <= 3 => &name[at + c.len_utf8()..],
        _ => name.as_str(),
    };
    // A name has words: "9131公司" is the tail of a number before 公司.
    let named = name.chars().count() >= 2
        && name.chars().any(|c| !c.is_ascii_digit())
        && !described.is_empty()
        && !NOT_NAMES.contains(&described);
    named.then_some(from)
}
