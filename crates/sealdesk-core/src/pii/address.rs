//! Taiwanese postal addresses: city or county, then district, village,
//! road and section, lane and alley, number, floor. PDF extraction puts
//! spaces (and sometimes a line break) between the parts, so the parts are
//! read over the text with whitespace skipped, and the normalized value is
//! the address without it: "桃園市中壢區中央西路二段26號5樓".

use super::text::{ascii_digit, is_han, Text};
use super::{Finding, PiiKind};

/// Cities and counties, then the short forms 北市 and 中市 (scanning left to
/// right tries 新北市 at 新 before 北市 at 北). The old counties merged in
/// 2010 still appear in older letters.
// One line per kind of place, which is clearer than rustfmt's one per line.
#[rustfmt::skip]
pub(super) const CITIES: [&str; 36] = [
    "臺北市", "台北市", "新北市", "桃園市", "臺中市", "台中市", "臺南市", "台南市", "高雄市",
    "基隆市", "新竹市", "嘉義市",
    "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣",
    "臺東縣", "台東縣", "澎湖縣", "金門縣", "連江縣",
    "臺北縣", "台北縣", "桃園縣", "臺中縣", "台中縣", "臺南縣", "台南縣", "高雄縣",
    "北市", "中市",
];

/// Characters that end a part of an address and so never appear inside a
/// village or road name.
const PART_ENDS: &str = "區鄉鎮路街段巷弄號樓";

/// The same for district names, which may hold a 鄉 or 鎮 of their own
/// (平鎮區, 前鎮區).
const DISTRICT_PART_ENDS: &str = "區路街段巷弄號樓";

/// The longest an address may be, in chars of the original text; it bounds
/// the work per starting point and keeps an address from running on across
/// unrelated text.
const MAX_SPAN: usize = 80;

pub(super) fn find(t: &Text, out: &mut Vec<Finding>) {
    // The non-whitespace chars, and where each one is in the text.
    let solid: Vec<usize> = (0..t.len())
        .filter(|&i| !t.get(i).is_some_and(char::is_whitespace))
        .collect();
    let s: Vec<char> = solid.iter().filter_map(|&i| t.get(i)).collect();
    let mut k = 0;
    while k < s.len() {
        let cityless_ok = !s.get(k.wrapping_sub(1)).is_some_and(|&c| is_han(c))
            || ADDRESS_CUES.iter().any(|cue| ends_with(&s[..k], cue));
        if let Some(end) = parse(&s, k, cityless_ok) {
            let from = solid.get(k).copied().unwrap_or(0);
            let to = solid.get(end - 1).map_or(from, |&i| i + 1);
            let line_breaks = t.slice(from, to).matches('\n').count();
            if to - from <= MAX_SPAN && line_breaks <= 1 {
                let value: String = s.get(k..end).unwrap_or_default().iter().collect();
                let confidence = if value.contains(['路', '街', '道']) {
                    0.9
                } else {
                    0.75
                };
                out.push(t.finding(PiiKind::Address, value, from, to, confidence));
                k = end;
                continue;
            }
        }
        if let Some(end) = slot_after_cue(&s, k) {
            let from = solid.get(k).copied().unwrap_or(0);
            let to = solid.get(end - 1).map_or(from, |&i| i + 1);
            let value: String = s.get(k..end).unwrap_or_default().iter().collect();
            out.push(t.finding(PiiKind::Address, value, from, to, 0.7));
            k = end;
            continue;
        }
        k += 1;
    }
}

/// What stands in an address slot — right after 住址： or 地址： — up to the
/// end of the clause, when no address could be parsed there but it has a
/// house number: an address OCR broke ("高雄市苓雅|維三路66號9樓") is still
/// the address the form asks for.
fn slot_after_cue(s: &[char], k: usize) -> Option<usize> {
    let colon = |c: Option<&char>| matches!(c, Some(':' | '：'));
    if !colon(s.get(k.wrapping_sub(1)))
        || !ADDRESS_CUES.iter().any(|cue| ends_with(&s[..k - 1], cue))
    {
        return None;
    }
    let end = (k..s.len().min(k + 40))
        .find(|&i| matches!(s[i], '，' | ',' | '。' | '；' | ';' | '\n'))
        .unwrap_or(s.len().min(k + 40));
    let run = &s[k..end];
    let numbered = run.contains(&'號')
        && run
            .iter()
            .any(|&c| ascii_digit(c).is_some() || is_numeral(c));
    (run.len() >= 5 && numbered).then_some(end)
}

/// Words after which an address may start at its township or district,
/// without a city or county: 住在吉安鄉…, 地址：大里區….
#[rustfmt::skip]
const ADDRESS_CUES: [&str; 14] = [
    "地址", "住址", "住所", "居所", "住在", "住於", "居住於", "居住在", "位於", "設於",
    "戶籍", "通訊處", "寄至", "送達",
];

fn ends_with(s: &[char], cue: &str) -> bool {
    let n = cue.chars().count();
    s.len() >= n && s[s.len() - n..].iter().copied().eq(cue.chars())
}

/// Parses an address starting at `k` in the whitespace-free chars `s` and
/// returns where it ends. District, village and road are each optional, and
/// each is tried both ways, so a village-like word that is really the start
/// of a road name does not sink the whole address.
///
/// With `cityless`, an address may also start at its township or district
/// (…鄉…村…街5號) when a village or road follows it; the caller allows that
/// only where a word cannot run into it (after a cue such as 住在, or where
/// no Han char stands before).
fn parse(s: &[char], k: usize, cityless: bool) -> Option<usize> {
    let mut p = Parser { s, pos: k };
    let has_city = CITIES.iter().any(|city| p.eat(city));
    if !has_city && !cityless {
        return None;
    }
    let after_city = p.pos;
    for with_district in [true, false] {
        p.pos = after_city;
        if with_district && !p.district() {
            continue;
        }
        if !has_city && !with_district {
            continue;
        }
        let after_district = p.pos;
        for with_village in [true, false] {
            p.pos = after_district;
            if with_village && !p.village() {
                continue;
            }
            let after_village = p.pos;
            for with_road in [true, false] {
                p.pos = after_village;
                if with_road && !p.road() {
                    continue;
                }
                if !has_city && !with_village && !with_road {
                    continue;
                }
                if let Some(end) = p.rest() {
                    return Some(end);
                }
            }
        }
    }
    None
}

struct Parser<'s> {
    s: &'s [char],
    pos: usize,
}

impl Parser<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn starts_with(&self, i: usize, pattern: &str) -> bool {
        pattern
            .chars()
            .enumerate()
            .all(|(n, c)| self.at(i + n) == Some(c))
    }

    fn eat(&mut self, pattern: &str) -> bool {
        let ok = self.starts_with(self.pos, pattern);
        if ok {
            self.pos += pattern.chars().count();
        }
        ok
    }

    /// A name of `lens` chars (tried in the given order), none of them in
    /// `not_in_name`, followed by one of `ends`.
    fn named(
        &mut self,
        lens: impl Iterator<Item = usize>,
        not_in_name: &str,
        ends: &[&str],
    ) -> bool {
        let is_name_char =
            |c: Option<char>| c.is_some_and(|c| is_han(c) && !not_in_name.contains(c));
        for len in lens {
            if !(self.pos..self.pos + len).all(|i| is_name_char(self.at(i))) {
                continue;
            }
            if let Some(end) = ends.iter().find(|e| self.starts_with(self.pos + len, e)) {
                self.pos += len + end.chars().count();
                return true;
            }
        }
        false
    }

    /// 中壢區, 羅東鎮, 花蓮市, 吉安鄉. Longest first, so that 新市區 and
    /// 平鎮區 keep their inner 市 and 鎮.
    fn district(&mut self) -> bool {
        self.named((1..=3).rev(), DISTRICT_PART_ENDS, &["區", "鄉", "鎮", "市"])
    }

    /// 中正里 or 光復村, then an optional 5鄰.
    fn village(&mut self) -> bool {
        let ok = self.named((1..=3).rev(), PART_ENDS, &["里", "村"]);
        if ok {
            self.numbered(&["鄰"]);
        }
        ok
    }

    /// 中央西路, 公正路, 臺灣大道, then an optional 二段. Shortest first, so
    /// the road ends at its own 路.
    fn road(&mut self) -> bool {
        let ok = self.named(1..=6, PART_ENDS, &["路", "街", "大道"]);
        if ok {
            self.numbered(&["段"]);
        }
        ok
    }

    /// Lane and alley (弄, or 衖 as older addresses write it), the number
    /// (required), then floor (5樓, 地下一樓, B1) and room.
    fn rest(&mut self) -> Option<usize> {
        self.numbered(&["巷"]);
        self.numbered(&["弄", "衖"]);
        if !self.numbered(&["號"]) {
            return None;
        }
        self.sub_number();
        if self.basement() || self.numbered(&["樓", "F", "f"]) {
            self.sub_number();
        }
        self.numbered(&["室"]);
        Some(self.pos)
    }

    /// A basement floor: 地下一樓, 地下1樓, 地下室, B1, B2F.
    fn basement(&mut self) -> bool {
        let start = self.pos;
        if self.eat("地下") {
            if self.eat("室") || self.numbered(&["樓", "層"]) {
                return true;
            }
        } else if (self.eat("B") || self.eat("b")) && self.numeral() {
            self.eat("F");
            return true;
        }
        self.pos = start;
        false
    }

    /// A numeral (Arabic or Chinese, "26", "26-1", "26之1") followed by one
    /// of `ends`; nothing is consumed if it does not match.
    fn numbered(&mut self, ends: &[&str]) -> bool {
        let start = self.pos;
        if self.numeral() {
            if matches!(self.at(self.pos), Some('-' | '－' | '之')) {
                self.pos += 1;
                if !self.numeral() {
                    self.pos -= 1;
                }
            }
            if ends.iter().any(|e| self.eat(e)) {
                return true;
            }
        }
        self.pos = start;
        false
    }

    /// "之3" or "-3" after a number or a floor.
    fn sub_number(&mut self) {
        let start = self.pos;
        if matches!(self.at(self.pos), Some('-' | '－' | '之')) {
            self.pos += 1;
            if !self.numeral() {
                self.pos = start;
            }
        }
    }

    /// Up to 6 digits or Chinese numerals.
    fn numeral(&mut self) -> bool {
        let start = self.pos;
        while self.pos - start < 6 && self.at(self.pos).is_some_and(is_numeral) {
            self.pos += 1;
        }
        self.pos > start
    }
}

/// A digit, or a Chinese numeral; 〇, ○ and 零 all write zero (一○一號).
fn is_numeral(c: char) -> bool {
    ascii_digit(c).is_some() || "一二三四五六七八九十百千零〇○兩".contains(c)
}
