//! The personal-data detector: identifier checksums, each kind of finding on
//! its own, the sample letters, the masked working copy, and inputs meant to
//! make it panic or take quadratic time.

use std::path::PathBuf;

use sealdesk_core::pii::*;
use serde_json::Value;

fn check_id(s: &str, valid: bool) {
    assert_eq!(is_valid_national_id(s), valid, "national ID {s:?}");
}

fn check_tax_id(s: &str, valid: bool) {
    assert_eq!(is_valid_company_tax_id(s), valid, "tax ID {s:?}");
}

/// Asserts that the values found of `kind` in `text` are exactly `expected`,
/// in order of position.
fn check(text: &str, kind: PiiKind, expected: &[&str]) {
    let found: Vec<String> = detect(text)
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.value)
        .collect();
    assert_eq!(found, expected, "{kind} in {text:?}");
}

/// Asserts the working copy of `text` with everything detect finds masked.
fn check_mask(text: &str, expected: &str) {
    assert_eq!(mask(text, &detect(text)), expected, "mask of {text:?}");
}

#[test]
fn national_id_checksums() {
    // The examples in domain.md, verified there by computation.
    check_id("A123456789", true);
    check_id("A223456781", true);
    check_id("Q123456782", true);
    check_id("A800000014", true);
    check_id("F912345678", true);
    check_id("AC01234567", true);
    check_id("A123456788", false);
    check_id("A800000015", false);
    check_id("F900000009", false);
    check_id("B287654321", false);
    check_id("F131234567", false);
    // The checksum passes but 3 is neither a sex digit nor a resident one.
    check_id("A323456783", false);
    // Only uppercase, only the old resident letters A–D, exactly ten chars.
    check_id("a123456789", false);
    check_id("AE01234567", false);
    check_id("A12345678", false);
    check_id("A1234567890", false);
    check_id("1123456789", false);
    check_id("", false);
    check_id("Ａ123456789", false);
}

#[test]
fn company_tax_id_checksums() {
    check_tax_id("22099131", true);
    // Divisible by 5 but not by 10: valid only under the 2023 rule.
    check_tax_id("04595252", true);
    // Valid only through the exception for a 7 in the 7th place.
    check_tax_id("10458574", true);
    check_tax_id("66617603", true);
    check_tax_id("99075116", true);
    check_tax_id("12345678", false);
    check_tax_id("2209913", false);
    check_tax_id("220991310", false);
    check_tax_id("2209913a", false);
    check_tax_id("２２０９９１３１", false);
    check_tax_id("", false);
}

#[test]
fn national_ids_in_text() {
    check(
        "身分證統一編號:C181590831)",
        PiiKind::NationalId,
        &["C181590831"],
    );
    check(
        "居留證號碼 A801826334,",
        PiiKind::NationalId,
        &["A801826334"],
    );
    check("統一證號AC01234567。", PiiKind::NationalId, &["AC01234567"]);
    // The samples' decoys: ID-shaped document numbers failing the checksum.
    check("文件編號 R124628199 之收據", PiiKind::NationalId, &[]);
    check("文件編號 F252760188 之收據", PiiKind::NationalId, &[]);
    check("文件編號 M284268467 之收據", PiiKind::NationalId, &[]);
    // Never a piece of a longer code, and never lowercase.
    check("XA123456789", PiiKind::NationalId, &[]);
    check("A1234567890", PiiKind::NationalId, &[]);
    // Written in lower case, it is still an ID (issue 11: 6 of 12 IDs written
    // unusually leaked).
    check("a123456789", PiiKind::NationalId, &["A123456789"]);
}

/// Several IDs in one text, back to back and at the very end: each found
/// where it stands; letters whose area code does not end in 0 (B, K, Z) and
/// the old resident format (a letter in second place) take part in the
/// checksum as the rule says. Check digits computed from the published rule.
#[test]
fn national_ids_one_after_another_and_at_the_end() {
    check(
        "甲B123456780、乙K223456780與丙Z187654324",
        PiiKind::NationalId,
        &["B123456780", "K223456780", "Z187654324"],
    );
    check("AB12345677", PiiKind::NationalId, &["AB12345677"]);
    check("居留證FC23456786", PiiKind::NationalId, &["FC23456786"]);
    // One digit changed: the checksum fails.
    check("B123456781", PiiKind::NationalId, &[]);
    // Glued to a following letter or digit: a piece of something longer.
    check("B123456780X", PiiKind::NationalId, &[]);
    check("B1234567801", PiiKind::NationalId, &[]);
}

#[test]
fn tax_ids_stand_alone_or_not_at_all() {
    check("統編:55555550", PiiKind::CompanyTaxId, &["55555550"]);
    check(
        "統編:55555550。統編:19555551",
        PiiKind::CompanyTaxId,
        &["55555550", "19555551"],
    );
    // Part of a longer run, or glued to a letter on either side.
    check("統編:555555500", PiiKind::CompanyTaxId, &[]);
    check("統編:X55555550", PiiKind::CompanyTaxId, &[]);
    check("統編:55555550X", PiiKind::CompanyTaxId, &[]);
}

#[test]
fn company_tax_ids_in_text() {
    check(
        "(統一編號 66617603),代表人",
        PiiKind::CompanyTaxId,
        &["66617603"],
    );
    check("統編:22099131", PiiKind::CompanyTaxId, &["22099131"]);
    check("廠商 04595252 來函", PiiKind::CompanyTaxId, &["04595252"]);
    check("統一編號 12345678", PiiKind::CompanyTaxId, &[]);
    // Not inside a longer number, an amount, a date or a case number.
    check("統一編號 2209913100", PiiKind::CompanyTaxId, &[]);
    check("新臺幣22099131元", PiiKind::CompanyTaxId, &[]);
    check("2209-9131", PiiKind::CompanyTaxId, &[]);
    check("案號 22099131", PiiKind::CompanyTaxId, &[]);
    // Eight digits after an area code are a phone number, and the phone wins.
    check("請撥 02 22099131", PiiKind::CompanyTaxId, &[]);
    check("請撥 02 22099131", PiiKind::Phone, &["0222099131"]);
}

#[test]
fn phones_are_normalized_to_digits() {
    let cases = [
        ("聯絡電話 +886-901-661-318,", "0901661318"),
        ("聯絡電話 (04)1590-1092,", "0415901092"),
        ("手機 0904 348 395。", "0904348395"),
        ("0965-797-543", "0965797543"),
        ("0950752917", "0950752917"),
        ("+886 9 1234 5678", "0912345678"),
        ("+886-2-2345-6789", "0223456789"),
        ("+886 (0)2 2345 6789", "0223456789"),
        ("+8869123456 78", "0912345678"),
        ("02-23456789", "0223456789"),
        ("(02)2345-6789", "0223456789"),
        ("（02）2345－6789", "0223456789"),
        ("０９１２－３４５－６７８", "0912345678"),
        ("03-4567890", "034567890"),
        ("(049)2345678", "0492345678"),
        ("04-2345678", "042345678"),
        ("089-123456", "089123456"),
        ("0826-12345", "082612345"),
        ("08-7654321", "087654321"),
    ];
    for (text, digits) in cases {
        check(text, PiiKind::Phone, &[digits]);
    }
}

#[test]
fn phones_broken_by_pdf_extraction_are_found_after_a_cue() {
    check("聯絡電話\n0902309720", PiiKind::Phone, &["0902309720"]);
    check("聯絡電話 0965-\n797-543", PiiKind::Phone, &["0965797543"]);
    check("手機:0912\n345\n678", PiiKind::Phone, &["0912345678"]);
    check("TEL: 02\r\n2345 6789", PiiKind::Phone, &["0223456789"]);
    // Without a cue a line break ends the number: these are two lines.
    check("編號 0912\n345678", PiiKind::Phone, &[]);
}

#[test]
fn phones_are_never_cut_out_of_other_numbers() {
    check("0912345678901", PiiKind::Phone, &[]);
    check("A0912345678", PiiKind::Phone, &[]);
    check("0800-123-456", PiiKind::Phone, &[]);
    check("0912-345", PiiKind::Phone, &[]);
    check("2024-10-19", PiiKind::Phone, &[]);
    check(
        "0912345678、0223456789",
        PiiKind::Phone,
        &["0912345678", "0223456789"],
    );
    check(
        "0912 345 678 0223456789",
        PiiKind::Phone,
        &["0912345678", "0223456789"],
    );
}

#[test]
fn emails_are_lowercased() {
    check(
        "電子郵件 sdhu81@gmail.com。",
        PiiKind::Email,
        &["sdhu81@gmail.com"],
    );
    check(
        "E-mail:TacGTM20@Hotmail.COM.",
        PiiKind::Email,
        &["tacgtm20@hotmail.com"],
    );
    check(
        "<nebxlovs67@ms21.hinet.net>",
        PiiKind::Email,
        &["nebxlovs67@ms21.hinet.net"],
    );
    check(
        "first.last+tag@sub.example.com.tw",
        PiiKind::Email,
        &["first.last+tag@sub.example.com.tw"],
    );
    check(".abc@x.com", PiiKind::Email, &["abc@x.com"]);
    check("a@b", PiiKind::Email, &[]);
    check("x@localhost", PiiKind::Email, &[]);
    check("foo@bar.c", PiiKind::Email, &[]);
    check("@@@", PiiKind::Email, &[]);
    check("a..b@x.com", PiiKind::Email, &[]);
}

#[test]
fn addresses_are_normalized_without_spaces() {
    let cases = [
        (
            "住桃園市中壢區中央西路二段26號5樓,聯絡",
            "桃園市中壢區中央西路二段26號5樓",
        ),
        (
            "花蓮縣花蓮市中山路 270 號 2 樓",
            "花蓮縣花蓮市中山路270號2樓",
        ),
        (
            "住臺北市大安區復興南路一段61號10樓,",
            "臺北市大安區復興南路一段61號10樓",
        ),
        ("宜蘭縣羅東鎮公正路42號4樓", "宜蘭縣羅東鎮公正路42號4樓"),
        ("台北市信義路五段7號", "台北市信義路五段7號"),
        (
            "臺南市新市區中興街5巷3弄12號之1",
            "臺南市新市區中興街5巷3弄12號之1",
        ),
        (
            "新北市板橋區文化路一段188巷44號3樓之2",
            "新北市板橋區文化路一段188巷44號3樓之2",
        ),
        (
            "臺中市西屯區臺灣大道三段99號",
            "臺中市西屯區臺灣大道三段99號",
        ),
        (
            "南投縣埔里鎮中正里5鄰中山路10號",
            "南投縣埔里鎮中正里5鄰中山路10號",
        ),
        ("北市中山北路二段5號", "北市中山北路二段5號"),
        (
            "桃園市中壢區中央西\n路二段26號5樓",
            "桃園市中壢區中央西路二段26號5樓",
        ),
        ("高雄市前鎮區中華五路７８９號", "高雄市前鎮區中華五路789號"),
        ("桃園市平鎮區環南路66號", "桃園市平鎮區環南路66號"),
    ];
    for (text, value) in cases {
        check(text, PiiKind::Address, &[value]);
    }
}

#[test]
fn addresses_need_a_city_and_a_number() {
    check("受文者:花蓮縣地方稅務局", PiiKind::Address, &[]);
    check("臺北市政府", PiiKind::Address, &[]);
    check("高雄市中正路", PiiKind::Address, &[]);
    check("中山路5號", PiiKind::Address, &[]);
    // A paragraph break is not an address wrapping onto the next line.
    check("桃園市中壢區\n\n中央西路26號", PiiKind::Address, &[]);
}

#[test]
fn people_are_found_through_cues() {
    check("一、本人許俊宏(身分證", PiiKind::Person, &["許俊宏"]);
    check("貴局稅務員廖雅君於本年度", PiiKind::Person, &["廖雅君"]);
    check("陳情人:許俊宏 敬上", PiiKind::Person, &["許俊宏"]);
    check("檢舉人：陳美玲", PiiKind::Person, &["陳美玲"]);
    check("代表人 黃宗華,聯絡電話", PiiKind::Person, &["黃宗華"]);
    check("From: 高詩傑 <x@example.com>", PiiKind::Person, &["高詩傑"]);
    check("我是新住民高詩傑,居留證", PiiKind::Person, &["高詩傑"]);
    check("我是王大明。", PiiKind::Person, &["王大明"]);
    check("請洽王小明先生", PiiKind::Person, &["王小明"]);
    check("聯絡人:歐陽娜娜", PiiKind::Person, &["歐陽娜娜"]);
    check("稅務員王明前往查核", PiiKind::Person, &["王明"]);
    check("黃美華 謹上", PiiKind::Person, &["黃美華"]);
}

#[test]
fn cue_words_followed_by_ordinary_words_are_not_names() {
    check("三、本人曾於公所櫃臺看見", PiiKind::Person, &[]);
    check("本人曾經去過", PiiKind::Person, &[]);
    check("據本人所知", PiiKind::Person, &[]);
    check("檢舉本局某承辦人員疑似", PiiKind::Person, &[]);
    check("對檢舉人身分予以保密", PiiKind::Person, &[]);
    check("我是這裡的居民,", PiiKind::Person, &[]);
    check("請洽林先生", PiiKind::Person, &[]);
    check("From: 花蓮縣政府 <x@example.gov.tw>", PiiKind::Person, &[]);
    check(
        "From: =?UTF-8?B?5qqi?= <x@example.com>",
        PiiKind::Person,
        &[],
    );
}

#[test]
fn a_name_found_once_is_reported_at_every_occurrence() {
    check(
        "本人許俊宏,住在這裡。許俊宏要求保密。",
        PiiKind::Person,
        &["許俊宏", "許俊宏"],
    );
    check(
        "From: John Smith <js@example.com>\n\nRegards,\nJohn Smith\nJohn Smithson",
        PiiKind::Person,
        &["John Smith", "John Smith"],
    );
    check(
        "From: \"Wang, Da-Ming\" <w@example.com>",
        PiiKind::Person,
        &["Wang, Da-Ming"],
    );
}

#[test]
fn organizations_are_read_back_from_their_suffix() {
    let cases = [
        (
            "異議廠商:立穩工程股份有限公司(統一編號",
            "立穩工程股份有限公司",
        ),
        (
            "規格內容與金鼎機電工程有限公司之產品",
            "金鼎機電工程有限公司",
        ),
        (
            "另查本案規格內容與北辰系統整合股份有限公司之",
            "北辰系統整合股份有限公司",
        ),
        ("異議廠商:宏達營造有限公司(", "宏達營造有限公司"),
        ("得標廠商大華工程行", "大華工程行"),
        ("「大同包工業」", "大同包工業"),
        ("台灣IBM股份有限公司", "台灣IBM股份有限公司"),
    ];
    for (text, value) in cases {
        check(text, PiiKind::Organization, &[value]);
    }
    // A branch after its company is a name of its own, not a longer one.
    check(
        "台灣大哥大股份有限公司台北分公司",
        PiiKind::Organization,
        &["台灣大哥大股份有限公司", "台北分公司"],
    );
    for text in [
        "本公司",
        "貴公司來函",
        "公司",
        "向保險公司申請",
        "其子公司",
        "該保險公司",
    ] {
        check(text, PiiKind::Organization, &[]);
    }
}

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples")
        .join(name);
    std::fs::read_to_string(&path).expect("sample file present")
}

/// A sample letter and what expected.json says it holds.
struct Sample {
    file: String,
    /// (kind, normalized value) pairs.
    pii: Vec<(String, String)>,
    /// Values that look like national IDs but fail the checksum.
    decoys: Vec<String>,
}

fn samples() -> Vec<Sample> {
    let expected: Value =
        serde_json::from_str(&sample("expected.json")).expect("expected.json parses");
    let pairs = |list: &Value| -> Vec<(String, String)> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|p| {
                let field = |k: &str| p[k].as_str().expect("a string").to_owned();
                (field("kind"), field("value"))
            })
            .collect()
    };
    expected
        .as_object()
        .expect("an object of files")
        .iter()
        .map(|(file, entry)| Sample {
            file: file.clone(),
            pii: pairs(&entry["pii"]),
            decoys: pairs(&entry["decoys"])
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
        })
        .collect()
}

#[test]
fn samples_yield_their_listed_personal_data_and_no_decoy() {
    let all = samples();
    assert_eq!(all.len(), 6);
    let mut extra = Vec::new();
    for Sample { file, pii, decoys } in all {
        let text = sample(&file);
        let findings = detect(&text);
        let found: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.kind.as_str().to_owned(), f.value.clone()))
            .collect();
        for listed in &pii {
            assert!(found.contains(listed), "{file}: {listed:?} missed");
        }
        for f in found.into_iter().filter(|f| !pii.contains(f)) {
            extra.push((file.clone(), f.0, f.1));
        }
        for decoy in decoys {
            assert!(
                !findings.iter().any(|f| f.value == decoy),
                "{file}: decoy {decoy} reported"
            );
        }
    }
    // The one finding the samples do not list: the agency's own mailbox in
    // the To: header, which a detector cannot tell from a person's.
    let extra: Vec<(&str, &str, &str)> = extra
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        extra,
        [("sample-06.eml", "email", "mayor-mailbox@example.gov.tw")]
    );
}

#[test]
fn findings_are_sorted_unique_and_on_char_boundaries() {
    for Sample { file, .. } in samples() {
        let text = sample(&file);
        let findings = detect(&text);
        for pair in findings.windows(2) {
            assert!(pair[0].start <= pair[1].start, "{file}: not sorted");
            let same = |a: &Finding, b: &Finding| {
                (a.kind, &a.value, a.start, a.end) == (b.kind, &b.value, b.start, b.end)
            };
            assert!(!same(&pair[0], &pair[1]), "{file}: duplicate {:?}", pair[0]);
        }
        for f in &findings {
            let raw = text.get(f.start..f.end).expect("span on char boundaries");
            assert!(!raw.is_empty(), "{file}: empty span");
            assert!((0.0..=1.0).contains(&f.confidence), "{file}: {f:?}");
        }
    }
}

#[test]
fn the_same_name_is_reported_at_each_place_it_appears() {
    // 許俊宏 opens sample-01 (本人…) and signs it (陳情人:… 敬上).
    let people: Vec<usize> = detect(&sample("sample-01.txt"))
        .into_iter()
        .filter(|f| f.value == "許俊宏")
        .map(|f| f.start)
        .collect();
    assert_eq!(people.len(), 2);
}

#[test]
fn masked_samples_hold_no_finding() {
    for Sample { file, pii, .. } in samples() {
        let text = sample(&file);
        let findings = detect(&text);
        let masked = mask(&text, &findings);
        for (kind, value) in &pii {
            assert!(
                !masked.contains(value.as_str()),
                "{file}: {kind} {value} left"
            );
        }
        for f in &findings {
            let raw = &text[f.start..f.end];
            assert!(!masked.contains(raw), "{file}: {raw:?} left");
        }
    }
}

#[test]
fn masked_forms_keep_only_what_routing_needs() {
    check_mask(
        "一、本人許俊宏(身分證統一編號:C181590831),住桃園市中壢區中央西路二段26號5樓,\
         聯絡電話 +886-901-661-318,電子郵件 sdhu81@gmail.com。",
        "一、本人〔姓名1〕(身分證統一編號:〔身分證號1〕),住〔地址1〕,\
         聯絡電話 〔電話1〕,電子郵件 〔電子郵件1〕。",
    );
    check_mask(
        "異議廠商:立穩工程股份有限公司(統一編號 66617603),代表人 黃宗華,聯絡電話 (04)1590-1092",
        "異議廠商:〔公司1〕(統一編號 〔統一編號1〕),代表人 〔姓名1〕,聯絡電話 〔電話1〕",
    );
    check_mask("手機 0904 348 395。", "手機 〔電話1〕。");
    check_mask("花蓮縣花蓮市中山路 270 號 2 樓", "〔地址1〕");
    // No surname, no length: 林○○ or 歐陽○○ can be enough in a small office.
    check_mask("聯絡人:歐陽娜娜", "聯絡人:〔姓名1〕");
    check_mask("聯絡人:林美", "聯絡人:〔姓名1〕");
    check_mask("金鼎機電工程有限公司與大華有限公司", "〔公司1〕與〔公司2〕");
    // The same value gets the same label, however it is spaced; another
    // value the next index.
    check_mask(
        "具名人：王 大 明,代理人林美華。王大明與林美華同住。",
        "具名人：〔姓名1〕,代理人〔姓名2〕。〔姓名1〕與〔姓名2〕同住。",
    );
    check_mask("沒有個人資料。", "沒有個人資料。");
}

fn finding(kind: PiiKind, value: &str, start: usize, end: usize) -> Finding {
    Finding {
        kind,
        value: value.to_owned(),
        start,
        end,
        confidence: 1.0,
    }
}

#[test]
fn overlapping_findings_are_masked_as_their_union() {
    let text = "ab許俊宏cd";
    // Bytes 2..11 are 許俊宏; these two overlap on 俊.
    let findings = [
        finding(PiiKind::Person, "許俊", 2, 8),
        finding(PiiKind::Person, "俊宏", 5, 11),
    ];
    assert_eq!(mask(text, &findings), "ab〔姓名1〕cd");
    // A finding inside another is masked in the outer one's form.
    let text = "金鼎機電工程有限公司";
    let findings = [
        finding(PiiKind::Organization, text, 0, text.len()),
        finding(PiiKind::Person, "金鼎機", 0, 9),
    ];
    assert_eq!(mask(text, &findings), "〔公司1〕");
}

#[test]
fn mask_widens_bad_spans_instead_of_panicking() {
    let text = "許俊宏";
    // Inside the first char, past the end, and reversed.
    for (start, end) in [(1, 2), (7, 100), (6, 0)] {
        let masked = mask(text, &[finding(PiiKind::Person, "許俊宏", start, end)]);
        assert!(!masked.contains("許俊宏"), "{start}..{end}: {masked}");
    }
    assert_eq!(
        mask(text, &[finding(PiiKind::Person, "", 1, 2)]),
        "〔姓名1〕俊宏"
    );
}

#[test]
fn mask_catches_occurrences_missing_from_the_findings() {
    let text = "許俊宏說:許俊宏與A123456789";
    let findings = [
        finding(PiiKind::Person, "許俊宏", 0, 9),
        finding(PiiKind::NationalId, "A123456789", 100, 110),
    ];
    let masked = mask(text, &findings);
    assert!(
        !masked.contains("許俊宏") && !masked.contains("A123456789"),
        "{masked}"
    );
}

#[test]
fn kinds_have_stable_string_forms() {
    for kind in PiiKind::ALL {
        let json = serde_json::to_string(&kind).expect("serializes");
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        let back: PiiKind = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, kind);
    }
    let f = finding(PiiKind::CompanyTaxId, "66617603", 3, 11);
    let json = serde_json::to_string(&f).expect("serializes");
    assert!(json.contains("\"kind\":\"company_tax_id\""), "{json}");
    assert_eq!(serde_json::from_str::<Finding>(&json).expect("parses"), f);
}

/// A deterministic xorshift generator, so the garbage is the same each run.
struct Garbage(u64);

impl Garbage {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A mix of the detectors' own cue words and separators with random
    /// code points from everywhere in Unicode.
    fn text(&mut self, chars: usize) -> String {
        const PIECES: [&str; 16] = [
            "本人",
            "陳情人:",
            "敬上",
            "我是",
            "公司",
            "股份有限公司",
            "臺北市",
            "區",
            "路",
            "號",
            "樓",
            "From: ",
            "<",
            "@",
            "+886",
            "統一編號",
        ];
        let mut s = String::new();
        while s.chars().count() < chars {
            let r = self.next();
            match r % 8 {
                0 => s.push_str(PIECES[(r >> 8) as usize % PIECES.len()]),
                1 => s.push(char::from(b'0' + (r >> 8) as u8 % 10)),
                2 => s.push([' ', '-', '\n', '(', ')', '.', ':', '，'][(r >> 8) as usize % 8]),
                3 => s.push(char::from_u32(0x4E00 + (r >> 8) as u32 % 0x5000).unwrap_or('陳')),
                4 => s.push(char::from(b'A' + (r >> 8) as u8 % 26)),
                _ => s.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('\u{FFFD}')),
            }
        }
        s
    }
}

#[test]
fn pathological_inputs_neither_panic_nor_stall() {
    let cue_dense =
        "本人許俊宏陳情人:公司股份有限公司臺北市大安區復興南路一段61號我是林".repeat(2_700);
    let inputs = [
        "9".repeat(100_000),
        "0".repeat(100_000),
        "0 ".repeat(50_000),
        "+886".repeat(25_000),
        "陳".repeat(100_000),
        "本人".repeat(50_000),
        "公司".repeat(50_000),
        "a@".repeat(50_000),
        "@".repeat(100_000),
        "x.".repeat(50_000) + "@" + &"y.".repeat(50_000),
        cue_dense,
        Garbage(0x5EA1_DE5C).text(100_000),
        String::new(),
    ];
    // A stall is quadratic (or worse) work: 100,000 characters would then
    // take minutes even optimised. The bound is generous for a debug build on
    // a loaded machine and still far below that.
    let bound = std::time::Duration::from_secs(20);
    for input in &inputs {
        let started = std::time::Instant::now();
        let findings = detect(input);
        let took = started.elapsed();
        assert!(
            took < bound,
            "{took:?} on {} chars starting {:?}",
            input.chars().count(),
            input.chars().take(8).collect::<String>()
        );
        for f in &findings {
            assert!(f.start < f.end && f.end <= input.len(), "{f:?}");
            assert!(input.is_char_boundary(f.start) && input.is_char_boundary(f.end));
        }
        assert!(findings.windows(2).all(|p| p[0].start <= p[1].start));
        let masked = mask(input, &findings);
        assert_eq!(findings.is_empty(), masked == *input);
    }
}

/// Whose data each finding is, on the sample complaints: the writer's own
/// (on the 本人 line, the 陳情人 signature, and every contact detail) is
/// suggested for sealing; the official complained of ("貴局稅務員…",
/// after "據本人所知") is not. On the procurement objections the objecting
/// company is the handler's to answer.
#[test]
fn the_writer_of_each_sample_is_protected_and_the_official_complained_of_is_not() {
    for file in ["sample-01.txt", "sample-02.txt", "sample-03.txt"] {
        let text = sample(file);
        let found = detect(&text);
        let writer = suggest_writers(&text, &found, false);
        let persons: Vec<(&str, bool)> = found
            .iter()
            .zip(&writer)
            .filter(|(f, _)| f.kind == PiiKind::Person)
            .map(|(f, w)| (f.value.as_str(), *w))
            .collect();
        // The writer signs the letter; the official is named on line 二.
        let signer = text
            .lines()
            .find_map(|l| l.strip_prefix("陳情人:"))
            .and_then(|l| l.split_whitespace().next())
            .expect("a signature");
        assert!(
            persons.iter().any(|(v, w)| *v == signer && *w),
            "{file}: {persons:?}"
        );
        assert!(
            persons.iter().any(|(v, w)| *v != signer && !*w),
            "{file}: the official is shown to the handler: {persons:?}"
        );
        for (f, w) in found.iter().zip(&writer) {
            if f.kind != PiiKind::Person && f.kind != PiiKind::Organization {
                assert!(*w, "{file}: {:?} {} is the writer's", f.kind, f.value);
            }
        }
    }
    for file in ["sample-04.txt", "sample-05.txt"] {
        let text = sample(file);
        let found = detect(&text);
        let writer = suggest_writers(&text, &found, true);
        for (f, w) in found.iter().zip(&writer) {
            if matches!(f.kind, PiiKind::Organization | PiiKind::CompanyTaxId) {
                assert!(
                    !*w,
                    "{file}: the objector {} is the handler's to answer",
                    f.value
                );
            }
        }
    }
}
