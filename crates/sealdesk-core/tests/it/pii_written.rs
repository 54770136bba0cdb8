//! Letters as people write them (issue 11): each class of input the
//! detector used to miss, written fresh for this file. Every test checks
//! both what is found and that the masked working copy shows none of it.

use sealdesk_core::pii::*;

/// The values found of `kind` in `text`, in order.
fn found(text: &str, kind: PiiKind) -> Vec<String> {
    detect(text)
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.value)
        .collect()
}

/// The working copy of `text` with everything detect finds masked.
fn working_copy(text: &str) -> String {
    mask(text, &detect(text))
}

/// Asserts that none of `secrets` can be read in the working copy, however
/// it is spaced: spaces are taken out of both before looking.
fn assert_masked(text: &str, secrets: &[&str]) {
    let copy = working_copy(text);
    let squeezed: String = copy
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    for secret in secrets {
        let s: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            !squeezed.contains(&s),
            "{secret:?} is readable in the working copy:\n{copy}"
        );
    }
}

#[test]
fn national_ids_written_in_full_width_lower_case_spaced_or_grouped() {
    for (text, id) in [
        ("身分證字號：Ｆ２２８３４０００５", "F228340005"),
        ("身分證字號 h128340005 ,請查照", "H128340005"),
        ("身分證:K 228340009", "K228340009"),
        ("統一證號 B128-340-009。", "B128340009"),
        ("ID: F228 340 005", "F228340005"),
        ("(身分證Ｈ１２８３４０００５)", "H128340005"),
    ] {
        assert_eq!(found(text, PiiKind::NationalId), [id], "{text}");
        assert_masked(text, &[id, &id[1..]]);
    }
    // Without a cue, a wrong check digit stays a number, however written.
    assert!(found("Ｆ２２８３４０００６", PiiKind::NationalId).is_empty());
    assert!(found("型號 F228-340-006", PiiKind::NationalId).is_empty());
}

#[test]
fn names_with_rare_surnames_after_relation_and_job_words() {
    let text = "本人粘秀琴委由記帳士佘建中代為申報,如有疑問請聯絡我先生禚立威,\
                或本人父親冼國雄。公司負責人為鄔美華,聯絡人：社工 闞文彬。";
    let names = found(text, PiiKind::Person);
    for name in ["粘秀琴", "佘建中", "禚立威", "冼國雄", "鄔美華", "闞文彬"] {
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
    }
    assert_masked(
        text,
        &["粘秀琴", "佘建中", "禚立威", "冼國雄", "鄔美華", "闞文彬"],
    );
}

#[test]
fn a_surname_that_is_also_a_word_is_taken_where_a_name_must_stand() {
    let text = "陳情人：時文生\n電話：0912-345-678";
    assert_eq!(found(text, PiiKind::Person), ["時文生"]);
    // …but not where the word is a word.
    assert!(found("本人時常加班,本人和解不成。", PiiKind::Person).is_empty());
}

#[test]
fn latin_script_names_near_identity_cues() {
    let text = "本人雇主NGUYEN VAN AN 的看護 Siti Nurhaliza 於3月離職,\
                NGUYEN VAN AN 未依規定通報。";
    let names = found(text, PiiKind::Person);
    assert!(names.iter().any(|n| n == "NGUYEN VAN AN"), "{names:?}");
    assert!(names.iter().any(|n| n == "Siti Nurhaliza"), "{names:?}");
    assert_masked(text, &["NGUYEN", "Siti", "Nurhaliza"]);
}

#[test]
fn spaced_signatures_are_masked_wherever_the_name_stands() {
    let text = "本人王大明陳情如下……\n\n具名人：王 大 明\n簽名：王　大　明 敬上";
    assert_masked(text, &["王大明"]);
    let text = "具名人：粘 秀 琴\n另本件由粘秀琴本人送達。";
    assert_masked(text, &["粘秀琴"]);
}

#[test]
fn addresses_with_o_for_zero_or_starting_at_the_township() {
    let text = "住址：臺北市信義區信義路五段一○一號十二樓";
    assert_eq!(
        found(text, PiiKind::Address),
        ["臺北市信義區信義路五段一○一號十二樓"]
    );
    let text = "本人住在吉安鄉光華村光華街5號,電話 8523456。";
    assert_eq!(found(text, PiiKind::Address), ["吉安鄉光華村光華街5號"]);
    assert_masked(text, &["光華街", "8523456"]);
    // A district word in running text is not an address.
    assert!(found("本區今年度共受理陳情案件30號次", PiiKind::Address).is_empty());
}

#[test]
fn local_numbers_after_a_phone_cue() {
    assert_eq!(found("電話 8523456", PiiKind::Phone), ["8523456"]);
    assert_eq!(
        found("聯絡電話：2345-6789,謝謝", PiiKind::Phone),
        ["23456789"]
    );
    // An amount after a cue is not a phone.
    assert!(found("電話費 1234567元", PiiKind::Phone).is_empty());
}

#[test]
fn values_wrapped_over_two_lines_by_pdf_extraction() {
    let text = "電子郵件：chang.mei\nling@example.com.tw\n異議廠商：大華建設股份有\n限公司(統一編號：5321\n2003)";
    assert_eq!(
        found(text, PiiKind::Email),
        ["chang.meiling@example.com.tw"]
    );
    assert_eq!(found(text, PiiKind::CompanyTaxId), ["53212003"]);
    assert!(
        found(text, PiiKind::Organization)
            .iter()
            .any(|o| o == "大華建設股份有限公司"),
        "{:?}",
        found(text, PiiKind::Organization)
    );
    assert_masked(text, &["chang", "ling@", "大華", "5321", "2003"]);
    // Two numbers on consecutive lines without a cue stay two numbers.
    assert!(found("金額\n1234\n5678", PiiKind::CompanyTaxId).is_empty());
}

#[test]
fn generic_company_words_and_receipt_numbers_are_not_personal_data() {
    for text in [
        "經查該公司未依約履行。",
        "本公司同意配合。",
        "某建設公司承攬本案。",
        "建設公司與營造公司之差異。",
    ] {
        assert!(
            found(text, PiiKind::Organization).is_empty(),
            "{text}: {:?}",
            found(text, PiiKind::Organization)
        );
    }
    assert_eq!(
        working_copy("經查該公司未依約履行。"),
        "經查該公司未依約履行。"
    );
    // 53212003 passes the tax-ID checksum, but it is a receipt here.
    for text in ["收據號碼 53212003", "發票號碼:53212008", "掛號 53212014"] {
        assert!(found(text, PiiKind::CompanyTaxId).is_empty(), "{text}");
    }
    assert_eq!(
        found("統一編號 53212003", PiiKind::CompanyTaxId),
        ["53212003"]
    );
}

#[test]
fn masks_keep_no_surname_region_sex_first_letter_or_length() {
    let text = "陳情人:林志明,身分證 F228340005,信箱 zm.lin@example.com,\
                代表之立穩精密工業股份有限公司,電話 (037)123456。";
    let copy = working_copy(text);
    assert!(!copy.contains('林'), "{copy}");
    assert!(!copy.contains("F2"), "{copy}");
    assert!(!copy.contains("z***") && !copy.contains("zm"), "{copy}");
    assert!(!copy.contains("037"), "{copy}");
    // Labels carry a kind and an index, nothing of the value.
    assert_eq!(
        copy,
        "陳情人:〔姓名1〕,身分證 〔身分證號1〕,信箱 〔電子郵件1〕,代表之〔公司1〕,電話 〔電話1〕。"
    );
}

#[test]
fn ordinary_wording_yields_nothing() {
    let text = "主旨:函轉民眾陳情案,請查明見復。\n說明:\n一、依本府115年11月3日府授字第1150012345號函辦理。\n\
                二、本案請於文到7日內逕復陳情人,並副知本府。\n三、檢附原陳情書影本1份。";
    assert_eq!(detect(text), vec![], "{text}");
}

/// Each class of issue 11, as data: the text, the kind, the normalized value
/// and the text of the span in the original.
#[rustfmt::skip]
const FOUND: &[(&str, PiiKind, &str, &str)] = &[
    ("身分證：Ｆ２２８３４０００５", PiiKind::NationalId, "F228340005", "Ｆ２２８３４０００５"),
    ("身分證 K 228340009。", PiiKind::NationalId, "K228340009", "K 228340009"),
    ("身分證 h128340005。", PiiKind::NationalId, "H128340005", "h128340005"),
    ("統一證號 B128-340-009", PiiKind::NationalId, "B128340009", "B128-340-009"),
    // A wrong check digit after an ID cue (a typo, an OCR misread) is
    // still the person's ID.
    ("身分證：Ｆ２２８３４０００６", PiiKind::NationalId, "F228340006", "Ｆ２２８３４０００６"),
    ("陳情人粘秀琴", PiiKind::Person, "粘秀琴", "粘秀琴"),
    ("本人父親冼國雄", PiiKind::Person, "冼國雄", "冼國雄"),
    ("委由記帳士佘建中代為申報", PiiKind::Person, "佘建中", "佘建中"),
    ("負責人為鄔美華", PiiKind::Person, "鄔美華", "鄔美華"),
    ("看護 Siti Nurhaliza 已離職", PiiKind::Person, "Siti Nurhaliza", "Siti Nurhaliza"),
    ("具名人：王 大 明", PiiKind::Person, "王大明", "王 大 明"),
    ("姓名：時文生。", PiiKind::Person, "時文生", "時文生"),
    ("臺北市信義區信義路五段一○一號", PiiKind::Address, "臺北市信義區信義路五段一○一號", "臺北市信義區信義路五段一○一號"),
    ("住在吉安鄉光華村光華街5號", PiiKind::Address, "吉安鄉光華村光華街5號", "吉安鄉光華村光華街5號"),
    ("電話 8523456", PiiKind::Phone, "8523456", "8523456"),
    ("ＴＥＬ：０９１２－３４５－６７８", PiiKind::Phone, "0912345678", "０９１２－３４５－６７８"),
    ("Email: chang.mei\nling@example.com", PiiKind::Email, "chang.meiling@example.com", "chang.mei\nling@example.com"),
    ("統一編號：5321\n2003", PiiKind::CompanyTaxId, "53212003", "5321\n2003"),
    ("統一編號 53212003", PiiKind::CompanyTaxId, "53212003", "53212003"),
    ("大華建設股份有\n限公司", PiiKind::Organization, "大華建設股份有限公司", "大華建設股份有\n限公司"),
];

/// Near misses, one per class: each must not be found as that kind.
#[rustfmt::skip]
const NOT_FOUND: &[(&str, PiiKind)] = &[
    ("型號 F228340006", PiiKind::NationalId),
    ("型號 K 2283400091", PiiKind::NationalId),
    ("代碼 h12834000", PiiKind::NationalId),
    ("料號 B128--340-009", PiiKind::NationalId),
    ("本人粘貼收據如附件", PiiKind::Person),
    ("本人父親已過世", PiiKind::Person),
    ("委由記帳士處理", PiiKind::Person),
    ("負責人為本公司董事", PiiKind::Person),
    ("看護 ABC 離職", PiiKind::Person),
    ("本人時常加班", PiiKind::Person),
    ("一○一號大樓", PiiKind::Address),
    ("吉安鄉光華村今年豐收", PiiKind::Address),
    ("電話費 1234567元", PiiKind::Phone),
    ("金額\n5321\n2003", PiiKind::CompanyTaxId),
    ("收據號碼 53212003", PiiKind::CompanyTaxId),
    ("本公司同意", PiiKind::Organization),
    ("經查該公司未依約", PiiKind::Organization),
];

#[test]
fn every_class_as_data_value_kind_and_span() {
    for &(text, kind, value, span) in FOUND {
        let hits: Vec<Finding> = detect(text)
            .into_iter()
            .filter(|f| f.kind == kind)
            .collect();
        assert!(
            hits.iter()
                .any(|f| f.value == value && text.get(f.start..f.end) == Some(span)),
            "{text:?}: wanted {kind} {value:?} over {span:?}, got {hits:?}"
        );
    }
    for &(text, kind) in NOT_FOUND {
        let hits: Vec<Finding> = detect(text)
            .into_iter()
            .filter(|f| f.kind == kind)
            .collect();
        assert!(hits.is_empty(), "{text:?}: no {kind} wanted, got {hits:?}");
    }
}

/// Issue 20: names after kinship, party and form words; a signer's title
/// after the name at the start of a line; a 冠夫姓 name of four characters.
#[test]
fn names_after_kin_parties_form_labels_and_before_a_title() {
    let text = "本人長子林志明與家父陳國華同住,先母黃秀英已歿,胞弟吳俊傑在外地。\n\
                買方:周品妤,賣方:鄭文雄。\n納稅義務人：蔡淑惠\n本人之子何承恩就讀國中。\n\
                劉建國 地政士\n陳林美玉 敬上";
    let names = found(text, PiiKind::Person);
    for want in [
        "林志明",
        "陳國華",
        "黃秀英",
        "吳俊傑",
        "周品妤",
        "鄭文雄",
        "蔡淑惠",
        "何承恩",
        "劉建國",
        "陳林美玉",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert_masked(
        text,
        &[
            "林志明",
            "陳國華",
            "黃秀英",
            "周品妤",
            "蔡淑惠",
            "劉建國",
            "陳林美玉",
        ],
    );
    // A title in a sentence is not a signature.
    assert!(found("案件委由地政士辦理。", PiiKind::Person).is_empty());
}

/// Issue 20: account numbers, passports, LINE IDs and dates of birth, each
/// after its cue, masked with their own labels; a number or a date that
/// stands alone is left.
#[test]
fn accounts_passports_line_ids_and_birth_dates() {
    for (text, kind, value) in [
        (
            "請匯款至帳號:0123-456-789012",
            PiiKind::BankAccount,
            "0123456789012",
        ),
        (
            "郵局局號 0001234 帳號 1234567",
            PiiKind::BankAccount,
            "1234567",
        ),
        (
            "存簿帳號(台灣銀行)012 345 678 901",
            PiiKind::BankAccount,
            "012345678901",
        ),
        ("護照號碼:312345678", PiiKind::Passport, "312345678"),
        ("護照 AB1234567 已過期", PiiKind::Passport, "AB1234567"),
        (
            "我的LINE ID: chen_0917,歡迎聯絡",
            PiiKind::LineId,
            "chen_0917",
        ),
        ("Line：wang.ming88", PiiKind::LineId, "wang.ming88"),
        (
            "出生日期:民國68年3月2日",
            PiiKind::BirthDate,
            "民國68年3月2日",
        ),
        ("生日 1979/03/02", PiiKind::BirthDate, "1979/03/02"),
        (
            "王大明,民國70年12月5日生,住",
            PiiKind::BirthDate,
            "民國70年12月5日",
        ),
    ] {
        assert!(
            found(text, kind).iter().any(|v| v == value),
            "{value} ({kind}) not found in {text}: {:?}",
            detect(text)
        );
        assert_masked(text, &[value]);
    }
    let copy = working_copy("護照號碼:312345678,帳號 1234567890");
    assert!(
        copy.contains("〔護照號碼1〕") && copy.contains("〔帳號1〕"),
        "{copy}"
    );
    // Alone, with no cue: left as it is.
    for text in [
        "公文字號 1234567890 號",
        "於民國112年3月2日開會",
        "請上線 online123 查詢",
    ] {
        let d = detect(text);
        assert!(
            !d.iter().any(|f| matches!(
                f.kind,
                PiiKind::BankAccount | PiiKind::Passport | PiiKind::LineId | PiiKind::BirthDate
            )),
            "{text}: {d:?}"
        );
    }
}

/// Issue 20: an address's basement floor (地下一樓, B1) and the older 衖 are
/// part of the address, masked with it.
#[test]
fn addresses_with_a_basement_floor_or_an_older_alley() {
    for (text, value) in [
        (
            "住址:臺北市大安區復興南路一段100號地下一樓",
            "臺北市大安區復興南路一段100號地下一樓",
        ),
        ("臺中市西區公益路20號B1,請洽", "臺中市西區公益路20號B1"),
        (
            "地址 臺北市萬華區西園路二段5巷3衖7號",
            "臺北市萬華區西園路二段5巷3衖7號",
        ),
    ] {
        let got = found(text, PiiKind::Address);
        assert!(got.iter().any(|v| v == value), "{value} not in {got:?}");
        assert_masked(text, &[value]);
    }
}

/// Issue 20: an ID written one character to a box of a form, in lower case
/// or with hyphens, and a tax ID grouped after its cue.
#[test]
fn ids_written_one_character_apart_and_grouped_tax_ids() {
    for (text, id) in [
        ("身分證字號：f 2 3 4 5 6 7 8 9 8 請查", "F234567898"),
        ("號碼 F 2 3 4-5 6 7-8 9 8。", "F234567898"),
    ] {
        assert_eq!(found(text, PiiKind::NationalId), [id], "{text}");
        assert_masked(text, &[id]);
    }
    // One character apart but split some other way is a list, not an ID.
    assert!(found("選項 F 2 3 4 5 6-789 9 8", PiiKind::NationalId).is_empty());
    for text in [
        "統一編號：2209-9131",
        "公司統編 22-099-131，",
        "統一編號 2 2 0 9 9 1 3 1",
    ] {
        assert_eq!(found(text, PiiKind::CompanyTaxId), ["22099131"], "{text}");
    }
    // Without a cue a grouped 8-digit number is a local phone number.
    assert!(found("請撥 2209-9131", PiiKind::CompanyTaxId).is_empty());
}

/// Issue 20: over-masking. Digits before 公司 and a sentence before 為公司
/// are no company's name.
#[test]
fn a_number_or_a_sentence_before_company_is_not_a_company() {
    for text in [
        "另見 2209-9131\n公司統編如上",
        "本人之子已成年\n買方不同意\n負責人為公司董事長",
    ] {
        assert!(
            found(text, PiiKind::Organization).is_empty(),
            "{text}: {:?}",
            found(text, PiiKind::Organization)
        );
    }
    assert_eq!(
        found("得標廠商大華工程有限公司", PiiKind::Organization),
        ["大華工程有限公司"]
    );
}

/// Issue 20: an e-mail address as OCR reads its `@` — `Q`, `©`, `®`, the
/// full-width form — is found and reported with its `@`; a real `Q` in an
/// address is left alone.
#[test]
fn e_mail_addresses_as_ocr_misreads_the_at_sign() {
    for (text, value) in [
        ("電子郵件:user91944Qexample.com。", "user91944@example.com"),
        ("信箱 chen.ab©gmail.com", "chen.ab@gmail.com"),
        ("信箱 lin_1983®yahoo.com.tw", "lin_1983@yahoo.com.tw"),
        ("mail: iQiyi.fan@example.org", "iqiyi.fan@example.org"),
    ] {
        assert_eq!(found(text, PiiKind::Email), [value], "{text}");
        assert_masked(text, &[value.split('@').next().unwrap_or("")]);
    }
    assert!(found("產品型號 ABQ-200 與 QR code", PiiKind::Email).is_empty());
}

/// Issue 20: the same person in the other script, in parentheses.
#[test]
fn a_name_in_parentheses_after_a_name_is_the_same_person() {
    for (text, names) in [
        (
            "申請人：Chen Ta-Ming (陳大明)，",
            vec!["Chen Ta-Ming", "陳大明"],
        ),
        (
            "陳情人：阮氏梅（NGUYEN THI MAI）",
            vec!["阮氏梅", "NGUYEN THI MAI"],
        ),
    ] {
        let got = found(text, PiiKind::Person);
        for n in &names {
            assert!(got.iter().any(|g| g == n), "{text}: {got:?}");
        }
        assert_masked(text, &names);
    }
    // A parenthesis after a name that is no name stays.
    assert_eq!(found("申請人：陳大明（本人）", PiiKind::Person), ["陳大明"]);
}

/// Issue 20: an address OCR broke is still the address the 住址 slot holds.
#[test]
fn an_address_ocr_broke_is_taken_from_its_slot() {
    let text = "住址:高雄市苓雅|維三路66號9樓,\n聯絡電話";
    let got = found(text, PiiKind::Address);
    assert!(got.iter().any(|a| a.contains("維三路66號9樓")), "{got:?}");
    assert_masked(text, &["維三路66號"]);
    for clean in ["地址：詳如附件，", "住址：同戶籍地。", "住在這裡三年，"] {
        assert!(found(clean, PiiKind::Address).is_empty(), "{clean}");
    }
}

/// Issue 20: a name right before its ID document, even when OCR lost the
/// cue before it; role words before 身分證 are no names.
#[test]
fn a_name_right_before_its_id_card() {
    assert_eq!(
        found("BB人王承恩身分說統一編號:F168611349", PiiKind::Person),
        ["王承恩"]
    );
    assert_eq!(
        found("附上林美玲身分證影本一份", PiiKind::Person),
        ["林美玲"]
    );
    for text in [
        "檢附陳情人身分證影本",
        "具公務員身分者",
        "請提供當事人身分證明",
        "本人之身分證",
    ] {
        assert!(
            found(text, PiiKind::Person).is_empty(),
            "{text}: {:?}",
            found(text, PiiKind::Person)
        );
    }
}
