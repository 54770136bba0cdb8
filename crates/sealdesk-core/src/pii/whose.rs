//! Whose personal data a finding is. The law protects the identity of the
//! person who wrote in — a petitioner's (行政程序法 §170) and a
//! whistleblower's (公益揭弊者保護法 §15) — not of everyone a letter names:
//! the handler investigating a complaint needs to know whom it is about, and
//! a procurement objection's handler answers the objecting company. So a
//! finding is either the **writer's** (sealed in the identity compartment
//! and masked for handlers) or **another's** (shown to an assigned handler,
//! masked on the routing slip and in the register like everything else).
//!
//! [`suggest_writers`] gives the clerk's review its starting point; the
//! clerk decides. It leans to protection: contact data (IDs, phones,
//! e-mail, addresses, accounts …) is the writer's unless the clerk says
//! otherwise (in a procurement objection, the objecting company's tax ID is
//! not); a name or a company is the writer's when it stands right after the
//! writer's cue (本人…, 陳情人:…) or before a closing (…敬上), when it is the
//! bare signature at the end, or when the same value is the writer's
//! elsewhere.

use super::{Finding, PiiKind};

/// Words right before a name that make it the writer's ("本人許俊宏",
/// "陳情人:周宗涵"). Adjacent only: "據本人所知,稅務員廖雅君…" speaks in
/// the writer's voice about someone else.
const BEFORE_CUES: &[&str] = &[
    "本人",
    "我是",
    "我叫",
    "陳情人",
    "檢舉人",
    "異議人",
    "申請人",
    "申訴人",
    "具名人",
    "寄件人",
    "聯絡人",
    "具名",
];

/// Words right after a name that make it a signature ("許俊宏 敬上").
const AFTER_CUES: &[&str] = &["敬上", "謹上", "謹陳", "具陳", "敬啟", "拜上"];

/// A signature: the last line (a date after it aside), this short at most.
const SIGNATURE_CHARS: usize = 12;

/// For each finding, whether it is suggested as the writer's.
/// `objection` is a procurement objection: its objector (a company, and
/// the company's tax ID) is the handler's to answer, so companies are not
/// the writer's by default there.
pub fn suggest_writers(text: &str, findings: &[Finding], objection: bool) -> Vec<bool> {
    let signature_from = signature_start(text);
    let mut writer: Vec<bool> = findings
        .iter()
        .map(|f| match f.kind {
            PiiKind::Organization | PiiKind::CompanyTaxId if objection => false,
            PiiKind::Person | PiiKind::Organization => {
                cued(text, f.start, f.end) || f.start == signature_from
            }
            // Contact data and documents: the writer's unless the clerk
            // says otherwise.
            _ => true,
        })
        .collect();
    // A value that is the writer's anywhere is the writer's everywhere.
    let own: Vec<(PiiKind, String)> = findings
        .iter()
        .zip(&writer)
        .filter(|(_, w)| **w)
        .map(|(f, _)| (f.kind, f.value.clone()))
        .collect();
    for (f, w) in findings.iter().zip(writer.iter_mut()) {
        if own.iter().any(|(k, v)| *k == f.kind && *v == f.value) {
            *w = true;
        }
    }
    writer
}

/// Whether the writer's cue words stand right before (a colon or spaces
/// between allowed) or right after `start..end`.
fn cued(text: &str, start: usize, end: usize) -> bool {
    let skip = |c: char| c.is_whitespace() || matches!(c, ':' | '：' | '(' | '（');
    let before = text.get(..start).unwrap_or_default().trim_end_matches(skip);
    let after = text
        .get(end..)
        .unwrap_or_default()
        .trim_start_matches(char::is_whitespace);
    BEFORE_CUES.iter().any(|c| before.ends_with(c))
        || AFTER_CUES.iter().any(|c| after.starts_with(c))
}

/// Where the signature is: the byte offset of the letter's last non-empty
/// line that is not a date, when that line is short and reads as a name
/// (no sentence punctuation, no heading colon); `usize::MAX` otherwise.
fn signature_start(text: &str) -> usize {
    let mut offset = text.len();
    for line in text.lines().rev() {
        offset = offset.saturating_sub(line.len() + 1);
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let short = t.chars().count() <= SIGNATURE_CHARS;
        let is_date = short && t.contains('年') && t.contains('月');
        if is_date {
            continue;
        }
        let bare = !t.contains(['。', '，', ',', ':', '：', '、', '；']);
        return if short && bare {
            offset.min(text.len())
        } else {
            usize::MAX
        };
    }
    usize::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str, kind: PiiKind, value: &str) -> Finding {
        let start = text.find(value).expect("value in text");
        Finding {
            kind,
            value: value.into(),
            start,
            end: start + value.len(),
            confidence: 1.0,
        }
    }

    #[test]
    fn the_writer_is_protected_and_the_official_complained_of_is_not() {
        let text = "說明:\n一、本人周宗涵,聯絡電話 0965-797-543。\n二、貴局稅務員許詩英多次與業者餐敘。\n陳情人:周宗涵 敬上\n中華民國一一五年10月26日\n";
        let found = vec![
            f(text, PiiKind::Person, "周宗涵"),
            f(text, PiiKind::Phone, "0965-797-543"),
            f(text, PiiKind::Person, "許詩英"),
        ];
        assert_eq!(
            suggest_writers(text, &found, false),
            vec![true, true, false]
        );
    }

    #[test]
    fn a_bare_signature_at_the_end_is_the_writers_and_so_is_its_name_elsewhere() {
        let text = "主旨:道路坑洞請速修補。\n里長王大明表示已通報多次。\n李小華\n";
        let mut found = vec![
            f(text, PiiKind::Person, "王大明"),
            f(text, PiiKind::Person, "李小華"),
        ];
        assert_eq!(suggest_writers(text, &found, false), vec![false, true]);
        // The same name earlier in the letter is the writer's too.
        let text2 = "李小華反映:道路坑洞請速修補,里長王大明表示已通報多次,此段文字很長而且不在信末。\n李小華\n";
        found = vec![
            f(text2, PiiKind::Person, "李小華"),
            f(text2, PiiKind::Person, "王大明"),
        ];
        let last = text2.rfind("李小華").expect("signature");
        found.push(Finding {
            start: last,
            end: last + "李小華".len(),
            ..found[0].clone()
        });
        assert_eq!(
            suggest_writers(text2, &found, false),
            vec![true, false, true]
        );
    }

    #[test]
    fn a_procurement_objector_is_the_handlers_to_answer() {
        let text = "異議人:立穩工程股份有限公司(統一編號 66617603)\n代表人:黃宗華\n";
        let found = vec![
            f(text, PiiKind::Organization, "立穩工程股份有限公司"),
            f(text, PiiKind::CompanyTaxId, "66617603"),
            f(text, PiiKind::Person, "黃宗華"),
        ];
        // The company and the person who speaks for it are the objection's
        // parties: shown to the handler who answers them.
        assert_eq!(
            suggest_writers(text, &found, true),
            vec![false, false, false]
        );
        // The same letter filed as a petition protects the writer's line.
        assert_eq!(
            suggest_writers(text, &found, false),
            vec![true, true, false]
        );
    }
}
