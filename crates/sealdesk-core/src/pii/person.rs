//! People's names. A Chinese name is a surname and one or two more
//! characters, with no spaces and nothing to mark it, so names are found
//! only where a cue points at one: 本人X, 陳情人:X, 代表人 X, 稅務員X, X 敬上,
//! X先生, 我是…X, or the display name of an e-mail From: header. Every name
//! found that way is then reported at each of its other occurrences too.

use std::collections::BTreeSet;

use super::text::{is_han, Text};
use super::{Finding, PiiKind};

/// Single-character surnames that are rarely the first character of an
/// ordinary word after a cue: the common Taiwanese surnames and the rarer
/// ones of the household registration's list (粘, 佘, 禚, 冼 …). Surnames
/// that are also everyday words (任, 常, 成, 萬, 于, 時 …) are in
/// [`WORD_SURNAMES`] instead.
const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高簡朱鍾\
施游詹沈彭胡余盧潘顏梁趙柯翁魏方孫戴范宋鄧杜侯曹薛傅丁温溫紀蔣歐藍連唐石馬董古程姚康卓涂\
塗鐘尤巫白田童邵阮毛袁伍夏倪姜黎湯鄒韓金錢馮孔汪雷賀龔柳邢崔尹熊章陸段辜饒牛俞戚聶麥覃\
岳凌祝苗史嚴喬樊閻陶秦郝霍殷賈龍艾裴鄞巴葛卜褚閔樂宮酆\
粘佘禚冼禤鄔藺譚龐裘繆嵇邴糜靳芮羿儲汲邰蒲鄂冉酈雍璩濮扈冀郟晏瞿茹庾暨闞鞏厙晁訾蒯鄺亓\
仉笪鈄麴婁駱刁鈕荀甄欒戎薊闕隗宓郗仇卞竇滕穆柏鮑岑湛祁狄臧茅屈項席季盛梅虞昝莫房宣賁郁\
杭包左吉燕柴幸韶郜印宿懷屠蒙池胥翟貢勞逄姬申堵卻桑桂邊浦尚農慕宦戈衡耿匡寇祿殳沃蔚夔\
隆勾敖冷辛那沙乜鞠豐巢荊竺權逯蓋桓佟溥鄢汝帥緱亢況琴甘談韋昌鳳費廉畢伏舒鄺官商邸練\
籃賴傅寧歸續喻郎魯米貝臧奚湛薄雍郤";

/// Surnames that are also everyday words or word starts (本人常…, 於…,
/// 時間, 和解): taken only where a name must stand, right after a colon or
/// space following a cue such as 姓名 or 具名人, and before a break.
const WORD_SURNAMES: &str = "任常成萬于於時和明平元文國公家安易向能通都滿相查後紅益利越空養須全\
有水雲山谷車井花計強路雙單干解應宗曲原充別步經從言福愛年陽法晉楚關游麻危皮齊";

/// Two-character surnames, tried before the single character they start
/// with: the classical compound surnames and Taiwan's joined ones (張簡,
/// 范姜, 張廖 …).
#[rustfmt::skip]
pub(super) const COMPOUND_SURNAMES: [&str; 42] = [
    "歐陽", "司馬", "張簡", "范姜", "張廖", "簡陳", "諸葛", "上官", "司徒", "東方", "夏侯",
    "皇甫", "公孫", "長孫", "端木", "慕容", "尉遲", "宇文", "令狐", "軒轅", "鍾離", "萬俟",
    "聞人", "赫連", "澹臺", "澹台", "公羊", "宗政", "濮陽", "淳于", "單于", "太叔", "申屠",
    "仲孫", "鮮于", "閭丘", "司空", "呼延", "南宮", "西門", "拓跋", "百里",
];

/// Words after which a name follows directly: roles in a petition or a
/// procurement objection, the titles of officials, relations and
/// occupations (本人父親…, 委由記帳士…, 聯絡人：社工…).
// Grouped by kind, which is clearer than rustfmt's one per line.
#[rustfmt::skip]
const CUES_BEFORE: &[&str] = &[
    "本人", "陳情人", "檢舉人", "申請人", "代表人", "負責人", "聯絡人", "連絡人", "承辦人",
    "具名人", "異議人", "當事人", "代理人", "委託人", "姓名", "我叫", "寄件人", "收件人",
    "稅務員", "承辦員", "科員", "科長", "課長", "股長", "主任", "專員", "里長", "村長", "鄰長",
    "經理", "議員", "警員", "董事長", "總經理", "處長", "局長", "組長",
    "父親", "母親", "我先生", "我太太", "我老公", "我老婆", "我丈夫", "我妻子", "配偶", "丈夫",
    "妻子", "兒子", "女兒", "哥哥", "姊姊", "姐姐", "弟弟", "妹妹", "家屬", "同事", "鄰居",
    "朋友", "房東", "房客", "雇主", "看護", "移工",
    "記帳士", "會計師", "律師", "代書", "地政士", "社工", "醫師", "護理師", "老師", "教授",
    "技師", "建築師", "工程師",
    // Kin, written as people write them about their family.
    "長子", "長女", "次子", "次女", "三子", "三女", "么子", "么女", "獨子", "獨女", "家父", "家母",
    "先父", "先母", "胞兄", "胞弟", "胞姊", "胞姐", "胞妹", "家兄", "舍弟", "舍妹", "祖父",
    "祖母", "外祖父", "外祖母", "孫子", "孫女", "媳婦", "女婿", "岳父", "岳母", "之子", "之女",
    "之妻", "之夫",
    // Parties of a contract, a tax form or a lawsuit.
    "買方", "賣方", "買受人", "出賣人", "承租人", "出租人", "債務人", "債權人", "納稅義務人",
    "被繼承人", "繼承人", "立書人", "受款人", "戶名", "證人", "原告", "被告",
];

/// Cues after which a name must stand, so that a surname that is also a
/// word ([`WORD_SURNAMES`]) is taken there.
#[rustfmt::skip]
const SLOT_CUES: [&str; 25] = [
    "姓名", "具名人", "陳情人", "檢舉人", "申請人", "聯絡人", "連絡人", "代表人", "負責人",
    "異議人", "當事人", "代理人", "委託人", "寄件人", "買受人", "出賣人", "承租人", "出租人",
    "債務人", "債權人", "納稅義務人", "被繼承人", "繼承人", "立書人", "戶名",
];

/// Words between a cue and the name: 負責人為…, 聯絡人是…, 聯絡人：社工….
#[rustfmt::skip]
const LINKS: [&str; 24] = [
    "為", "是", "叫做", "名叫", "叫", "即", "係",
    "社工", "記帳士", "會計師", "律師", "代書", "地政士", "醫師", "護理師", "老師", "看護",
    "移工", "外籍看護", "外籍移工", "先生", "小姐", "女士", "同仁",
];

/// Words that follow a name: the closing of a letter and forms of address.
const CUES_AFTER: [&str; 7] = ["敬上", "謹上", "拜上", "先生", "小姐", "女士", "君鑒"];

/// Titles a signer writes after their name (劉建國 地政士): a name before
/// one of them counts only at the start of a line, so that 委由地政士 in a
/// sentence names no one.
const TITLES_AFTER: [&str; 8] = [
    "地政士",
    "記帳士",
    "會計師",
    "律師",
    "代書",
    "建築師",
    "技師",
    "醫師",
];

/// What follows a name as its identity document: 王承恩身分證….
const ID_AFTER: [&str; 4] = ["身分證", "身份證", "身分說", "身分証"];

/// Last characters of role words, never of the name before 身分證.
const ROLE_ENDS: &str = "人員者方眾屬族民";

/// Characters that end a name when they come right after the surname: they
/// are far more often the next word (本人曾於, 本人曾經) than a given name.
const STOP_FIRST: &str = "於的經在是與及和等之所已也都就將要會不並被把從向對因係即曾說稱貼";

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
        if let Some(cue) = CUES_BEFORE
            .iter()
            .filter(|cue| t.starts_with_at(i, cue))
            .max_by_key(|cue| cue.len())
        {
            let slot = SLOT_CUES.contains(cue);
            after_cue(t, i + cue.chars().count(), slot, out);
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
        // A name right before its ID: "王承恩身分證統一編號" (an OCR'd cue
        // before the name lost, "BB人王承恩身分說…"). A role word ending
        // in 人, 員, 者 … is no name (陳情人身分證, 公務員身分).
        if ID_AFTER.iter().any(|cue| t.starts_with_at(i, cue)) {
            if let Some((from, to)) = name_before(t, i) {
                let role = t.before(to).is_some_and(|c| ROLE_ENDS.contains(c));
                let joined = t.before(from).is_some_and(|c| c == '之' || c == '的');
                if !role && !joined {
                    push(t, out, from, to, 0.75);
                }
            }
        }
        if TITLES_AFTER.iter().any(|cue| t.starts_with_at(i, cue)) {
            if let Some((from, to)) = name_before(t, i) {
                let line_start = from == 0
                    || t.before(from).is_some_and(|c| matches!(c, '\n' | '\r'))
                    || (from >= 1
                        && t.before(from) == Some(' ')
                        && (from == 1
                            || t.before(from - 1).is_some_and(|c| matches!(c, '\n' | '\r'))));
                if line_start {
                    push(t, out, from, to, 0.8);
                }
            }
        }
        if i == 0 || t.before(i) == Some('\n') {
            if let Some(cue) = HEADER_CUES.iter().find(|cue| t.starts_with_at(i, cue)) {
                header_name(t, i + cue.chars().count(), out);
            }
        }
    }
    in_parentheses(t, first, out);
    let names: Vec<String> = out
        .get(first..)
        .unwrap_or_default()
        .iter()
        .map(|f| f.value.clone())
        .collect();
    every_occurrence(t, &names, out);
}

/// The same person in the other script, in parentheses right after a name
/// found: 「Chen Ta-Ming（陳大明）」, 「阮氏梅（NGUYEN THI MAI）」.
fn in_parentheses(t: &Text, first: usize, out: &mut Vec<Finding>) {
    let ends: Vec<usize> = out
        .get(first..)
        .unwrap_or_default()
        .iter()
        .map(|f| f.end)
        .collect();
    for end_byte in ends {
        let mut i = t.index_at_byte(end_byte);
        while t.get(i) == Some(' ') {
            i += 1;
        }
        if !matches!(t.get(i), Some('(' | '（')) {
            continue;
        }
        let from = skip_separators(t, i + 1);
        let to = name_at(t, from).or_else(|| latin_name_at(t, from));
        if let Some(to) = to.filter(|&to| matches!(t.get(to), Some(')' | '）'))) {
            push(t, out, from, to, 0.85);
        }
    }
}

/// The name after a cue ending at `end`: past separators and a linking
/// word or two (為, 是, 社工 …), a Chinese name, or a Latin one (a migrant
/// worker's, as on a residence permit).
fn after_cue(t: &Text, end: usize, slot: bool, out: &mut Vec<Finding>) {
    let mut from = skip_separators(t, end);
    let separated = from > end;
    for _ in 0..2 {
        match LINKS
            .iter()
            .filter(|l| t.starts_with_at(from, l))
            .max_by_key(|l| l.len())
        {
            Some(link) => from = skip_separators(t, from + link.chars().count()),
            None => break,
        }
    }
    if let Some(to) = name_at(t, from) {
        push(t, out, from, to, 0.9);
    } else if let Some(to) = (slot && separated)
        .then(|| word_surname_name(t, from))
        .flatten()
    {
        push(t, out, from, to, 0.75);
    } else if let Some(to) = latin_name_at(t, from) {
        push(t, out, from, to, 0.75);
    }
}

fn push(t: &Text, out: &mut Vec<Finding>, from: usize, to: usize, confidence: f32) {
    let value: String = t
        .norm(from, to)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let value = if value.chars().all(is_han) {
        value
    } else {
        // A Latin name keeps its single spaces.
        t.norm(from, to)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push(t.finding(PiiKind::Person, value, from, to, confidence));
}

/// A name whose surname is also a word, in a slot where a name must stand:
/// two to four Han characters ending at a break (punctuation, a space, a
/// line end or the end of the text).
fn word_surname_name(t: &Text, from: usize) -> Option<usize> {
    let c = t.get(from)?;
    if !WORD_SURNAMES.contains(c) {
        return None;
    }
    let mut to = from;
    while to - from < 4 && t.get(to).is_some_and(is_han) {
        to += 1;
    }
    ((2..=4).contains(&(to - from)) && !t.get(to).is_some_and(is_han)).then_some(to)
}

/// A Latin-script name after a cue: two to five words of letters, each
/// starting with a capital (NGUYEN VAN AN, Siti Nurhaliza), joined by
/// single spaces.
fn latin_name_at(t: &Text, from: usize) -> Option<usize> {
    let mut words = 0;
    let mut i = from;
    let mut end = from;
    while words < 5 {
        if !t.get(i).is_some_and(|c| c.is_ascii_uppercase()) {
            break;
        }
        let mut j = i + 1;
        while t
            .get(j)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '\'' | '-' | '.'))
        {
            j += 1;
        }
        words += 1;
        end = j;
        if t.get(j) == Some(' ') && t.get(j + 1).is_some_and(|c| c.is_ascii_uppercase()) {
            i = j + 1;
        } else {
            break;
        }
    }
    (words >= 2 && !t.get(end).is_some_and(|c| c.is_ascii_alphanumeric())).then_some(end)
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
/// characters, stopping at a word that usually follows a name. A name
/// written spaced out (王 大 明, 王　大　明, as in signatures) is read over
/// single spaces when a space follows the surname.
fn name_at(t: &Text, i: usize) -> Option<usize> {
    let surname = surname_at(t, i)?;
    // 冠夫姓: the husband's surname before her own (陳林美玉), four
    // characters ending at a break.
    if surname == 1
        && t.get(i + 1).is_some_and(|c| SURNAMES.contains(c))
        && (2..4).all(|k| {
            t.get(i + k)
                .is_some_and(|c| is_han(c) && !STOP_FIRST.contains(c) && !STOP_SECOND.contains(c))
        })
        && !t.get(i + 4).is_some_and(is_han)
    {
        return Some(i + 4);
    }
    let after_surname = i + surname;
    let spaced = t.get(after_surname) == Some(' ') && t.get(after_surname + 1).is_some_and(is_han);
    let mut end = after_surname;
    let mut given = 0;
    for second in [false, true] {
        let at = if spaced && t.get(end) == Some(' ') {
            end + 1
        } else {
            end
        };
        let Some(c) = t.get(at) else { break };
        let stops = STOP_FIRST.contains(c) || (second && STOP_SECOND.contains(c));
        if !is_han(c) || stops || CUES_AFTER.iter().any(|w| t.starts_with_at(at, w)) {
            break;
        }
        end = at + 1;
        given += 1;
    }
    if given > 0 {
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
    for len in [4, 3, 2] {
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
        // Each name is also looked for spaced out (王 大 明, 王　大明): up
        // to two spaces may stand between its characters.
        let mut name = String::with_capacity(16);
        for i in 0..t.len() {
            if !t.get(i).is_some_and(is_han) {
                continue;
            }
            name.clear();
            let mut j = i;
            for len in 1..=4 {
                let Some(c) = t.get(j).filter(|&c| is_han(c)) else {
                    break;
                };
                name.push(c);
                j += 1;
                if len >= 2 && han.contains(name.as_str()) {
                    push(t, out, i, j, 0.8);
                }
                let gap = (j..j + 3).take_while(|&k| t.get(k) == Some(' ')).count();
                if gap <= 2 {
                    j += gap;
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
