//! People's names. A Chinese name is a surname and one or two more
//! characters, with no spaces and nothing to mark it, so names are found
//! only where a cue points at one: 本人X, 陳情人:X, 代表人 X, 稅務員X, X 敬上,
//! X先生, 我是…X, or the display name of an e-mail From: header. Every name
//! found that way is then reported at each of its other occurrences too.

use std::collections::BTreeSet;

use super::text::{is_han, Text};
use super::{Finding, PiiKind};

/// Common Taiwanese single-character surnames (the top hundred and more).
/// Surnames that are also everyday words after a cue (任, 常, 成, 萬 …
/// as in 本人任職, 本人萬分) are left out on purpose: they would make false
/// names far more often than they would find real ones.
const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高簡朱鍾\
施游詹沈彭胡余盧潘顏梁趙柯翁魏方孫戴范宋鄧杜侯曹薛傅丁温溫紀蔣歐藍連唐石馬董古程姚康卓涂\
塗鐘尤巫白田童邵阮毛袁伍夏倪姜黎湯鄒韓金錢馮孔汪雷賀龔柳邢崔尹熊章陸段辜饒牛俞戚聶麥覃\
岳凌祝苗史嚴喬樊閻陶秦郝霍殷賈龍艾裴鄞巴葛卜褚閔樂宮酆";

/// Two-character surnames, tried before the single character they start
/// with.
pub(super) const COMPOUND_SURNAMES: [&str; 14] = [
    "歐陽", "司馬", "張簡", "范姜", "諸葛", "上官", "司徒", "東方", "夏侯", "皇甫", "公孫", "長孫",
    "端木", "慕容",
];

/// Words after which a name follows directly: roles in a petition or a
/// procurement objection, and the titles of officials.
// Grouped by kind, which is clearer than rustfmt's one per line.
#[rustfmt::skip]
const CUES_BEFORE: [&str; 32] = [
    "本人", "陳情人", "檢舉人", "申請人", "代表人", "負責人", "聯絡人", "連絡人", "承辦人",
    "具名人", "異議人", "當事人", "代理人", "委託人", "姓名", "我叫", "寄件人", "收件人",
    "稅務員", "承辦員", "科員", "科長", "課長", "股長", "主任", "專員", "里長", "村長", "鄰長",
    "經理", "議員", "警員",
];

/// Words that follow a name: the closing of a letter and forms of address.
const CUES_AFTER: [&str; 7] = ["敬上", "謹上", "拜上", "先生", "小姐", "女士", "君鑒"];

/// Characters that end a name when they come right after the surname: they
/// are far more often the next word (本人曾於, 本人曾經) than a given name.
const STOP_FIRST: &str = "於的經在是與及和等之所已也都就將要會不並被把從向對因係即曾說稱";

/// More characters that end a name when they would be the second character
/// of the given name: a one-character given name followed by a verb is
/// common (稅務員王明前往), and these are rarer as the end of a name than as
/// the next word.
const STOP_SECOND: &str = "為住以認指今現前由至乃但而或跟請均皆亦仍還才來去到表";

/// E-mail header fields whose display name is the sender, as mail clients
/// write them in English and in Chinese.
const HEADER_CUES: [&str; 5] = ["From:", "FROM:", "from:", "寄件者:", "寄件者："];

/// How far after 我是 a name may stand: "我是新住民高詩傑" puts a
/// description between them.
const INTRO_WINDOW: usize = 12;

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    let first = out.len();
    for i in 0..t.len() {
        if let Some(end) = CUES_BEFORE
            .iter()
            .find(|cue| t.starts_with_at(i, cue))
            .map(|cue| i + cue.chars().count())
        {
            let from = skip_separators(t, end);
            if let Some(to) = name_at(t, from) {
                push(t, out, from, to, 0.9);
            }
        }
        if t.starts_with_at(i, "我是") {
            if let Some((from, to)) = name_after_intro(t, i + 2) {
                push(t, out, from, to, 0.7);
            }
        }
        if CUES_AFTER.iter().any(|cue| t.starts_with_at(i, cue)) {
            if let Some((from, to)) = name_before(t, i) {
                push(t, out, from, to, 0.85);
            }
        }
        if i == 0 || t.before(i) == Some('\n') {
            if let Some(cue) = HEADER_CUES.iter().find(|cue| t.starts_with_at(i, cue)) {
                header_name(t, i + cue.chars().count(), out);
            }
        }
    }
    let names: Vec<String> = out
        .get(first..)
        .unwrap_or_default()
        .iter()
        .map(|f| f.value.clone())
        .collect();
    every_occurrence(t, &names, out);
}

fn push(t: &Text, out: &mut Vec<Finding>, from: usize, to: usize, confidence: f32) {
    let value = t.slice(from, to).to_owned();
    out.push(t.finding(PiiKind::Person, value, from, to, confidence));
}

/// Skips the colon, spaces or opening bracket between a cue and a name.
fn skip_separators(t: &Text, mut i: usize) -> usize {
    let start = i;
    while i - start < 3 && matches!(t.get(i), Some(':' | '：' | ' ' | '\u{3000}' | '\t' | '「')) {
        i += 1;
    }
    i
}

/// The length of the surname at `i`, compound surnames first.
fn surname_at(t: &Text, i: usize) -> Option<usize> {
    if COMPOUND_SURNAMES.iter().any(|s| t.starts_with_at(i, s)) {
        Some(2)
    } else {
        t.get(i).is_some_and(|c| SURNAMES.contains(c)).then_some(1)
    }
}

/// Where the name that starts at `i` ends: a surname, then up to two given
/// characters, stopping at a word that usually follows a name.
fn name_at(t: &Text, i: usize) -> Option<usize> {
    let surname = surname_at(t, i)?;
    let after_surname = i + surname;
    let mut end = after_surname;
    for second in [false, true] {
        let Some(c) = t.get(end) else { break };
        let stops = STOP_FIRST.contains(c) || (second && STOP_SECOND.contains(c));
        if !is_han(c) || stops || CUES_AFTER.iter().any(|w| t.starts_with_at(end, w)) {
            break;
        }
        end += 1;
    }
    if end > after_surname {
        Some(end)
    } else if surname == 2 {
        // 張簡 with nothing after it is the surname 張 and the name 簡.
        let single = t.get(i).is_some_and(|c| SURNAMES.contains(c));
        (single && t.get(i + 1).is_some_and(is_han)).then_some(i + 2)
    } else {
        None
    }
}

/// Whether the chars `from..to` read as a whole name on their own.
fn is_whole_name(t: &Text, from: usize, to: usize) -> bool {
    name_at(t, from) == Some(to)
}

/// The name ending a short run of Han characters after 我是: "新住民高詩傑,"
/// gives 高詩傑. The run ends at the first character that is not Han.
fn name_after_intro(t: &Text, start: usize) -> Option<(usize, usize)> {
    let mut end = start;
    while end - start < INTRO_WINDOW && t.get(end).is_some_and(is_han) {
        end += 1;
    }
    if !t.get(end).is_some_and(is_han) {
        // The name is the end of the run: three characters are the most
        // common length, then four (a compound surname), then two.
        for len in [3, 4, 2] {
            if let Some(from) = end.checked_sub(len).filter(|&f| f >= start) {
                if is_whole_name(t, from, end) {
                    return Some((from, end));
                }
            }
        }
    }
    // "我是王大明居住於…" runs on: take the name at the start of the run.
    name_at(t, start).map(|to| (start, to))
}

/// The name just before a closing such as 敬上 at `cue`.
fn name_before(t: &Text, cue: usize) -> Option<(usize, usize)> {
    let mut end = cue;
    while cue - end < 2 && matches!(t.before(end), Some(' ' | '\u{3000}')) {
        end -= 1;
    }
    for len in [3, 4, 2] {
        if let Some(from) = end.checked_sub(len) {
            if (from..end).all(|i| t.get(i).is_some_and(is_han)) && is_whole_name(t, from, end) {
                return Some((from, end));
            }
        }
    }
    None
}

/// The display name of an e-mail From: header line: "From: 高詩傑 <…>".
/// Encoded words (=?UTF-8?B?…?=) are left to the MIME decoder upstream.
fn header_name(t: &Text, start: usize, out: &mut Vec<Finding>) {
    let mut end = start;
    while end - start < 80 && !matches!(t.get(end), None | Some('<' | '\n' | '\r')) {
        end += 1;
    }
    if t.get(end) != Some('<') {
        return;
    }
    let mut from = start;
    let mut to = end;
    let trimmed = |c: Option<char>| c.is_some_and(|c| c.is_whitespace() || c == '"');
    while from < to && trimmed(t.get(from)) {
        from += 1;
    }
    while to > from && trimmed(t.before(to)) {
        to -= 1;
    }
    let name = t.slice(from, to);
    let han = name.chars().all(is_han);
    if han && is_whole_name(t, from, to) {
        push(t, out, from, to, 0.9);
    } else if !han
        && name.chars().any(|c| c.is_alphabetic())
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '-' | '\''))
    {
        push(t, out, from, to, 0.7);
    }
}

/// How many distinct Latin names are looked for across the text; each costs
/// one pass over it.
const MAX_LATIN_NAMES: usize = 8;

/// Reports every other occurrence of the names found. Chinese names (two to
/// four characters) are looked up in one pass over the text; the few Latin
/// names from headers are searched for one by one, as whole words.
fn every_occurrence(t: &Text, names: &[String], out: &mut Vec<Finding>) {
    // Ordered sets rather than hash sets: this crate draws no randomness, not
    // even for hash seeds, and the choice of Latin names must not vary.
    let han: BTreeSet<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| n.chars().all(is_han))
        .collect();
    if !han.is_empty() {
        for i in 0..t.len() {
            for len in (2..=4).take_while(|len| i + len <= t.len()) {
                if han.contains(t.slice(i, i + len)) {
                    push(t, out, i, i + len, 0.8);
                }
            }
        }
    }
    let latin: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.chars().all(is_han))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(MAX_LATIN_NAMES)
        .collect();
    let src = t.as_str();
    for name in latin {
        for (at, _) in src.match_indices(name) {
            let end = at + name.len();
            let before = src.get(..at).and_then(|s| s.chars().next_back());
            let after = src.get(end..).and_then(|s| s.chars().next());
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                out.push(Finding {
                    kind: PiiKind::Person,
                    value: name.to_owned(),
                    start: at,
                    end,
                    confidence: 0.7,
                });
            }
        }
    }
}
