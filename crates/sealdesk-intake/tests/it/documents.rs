//! ODF and Word documents, as letters and as e-mail attachments: read
//! whole (body, tables, headers, footers, footnotes, comments, tracked
//! deletions, pictures as pages), and hostile ones (T7) refused by a limit
//! with a clear error.

use sealdesk_core::pii::PiiKind;
use sealdesk_intake::{IntakeError, SourceKind};

use super::docs::{docx, odt, word_paragraphs, zip};
use super::{assert_seen, data, parse, worker};

fn found(ex: &sealdesk_intake::Extracted, kind: PiiKind, value: &str) -> bool {
    ex.findings
        .iter()
        .any(|f| f.kind == kind && f.value == value)
}

/// Every place Word keeps text a person reads is in the letter's text, and
/// the personal data there is found: the body, a table, a text box, the
/// header and footer, a footnote, a comment, a tracked deletion.
#[test]
fn a_word_letter_is_read_whole() {
    let body = format!(
        "{}<w:tbl><w:tr><w:tc><w:p><w:r><w:t>電話</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0912-345-678</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
         <w:p><w:r><w:t>住址：臺北市中正區重慶南路一段</w:t></w:r><w:r><w:t>122號</w:t></w:r></w:p>\
         <w:p><w:del><w:r><w:delText>原寫：身分證 A123456789</w:delText></w:r></w:del></w:p>\
         <w:p><w:r><w:pict><v:textbox xmlns:v=\"urn:schemas-microsoft-com:vml\"><w:txbxContent><w:p><w:r><w:t>方框內 &#x53F0;&amp;北</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></w:r></w:p>",
        word_paragraphs(&["檢舉人：王大明", "檢舉某公司圍標，請依法調查。"])
    );
    let bytes = docx(
        &body,
        &[
            (
                "header1.xml",
                "<w:p><w:r><w:t>頁首 聯絡 0922-111-333</w:t></w:r></w:p>",
            ),
            (
                "footer1.xml",
                "<w:p><w:r><w:t>頁尾 wang.daming@example.com</w:t></w:r></w:p>",
            ),
            (
                "footnotes.xml",
                "<w:footnote><w:p><w:r><w:t>註：家父王建國知情</w:t></w:r></w:p></w:footnote>",
            ),
            (
                "comments.xml",
                "<w:comment><w:p><w:r><w:t>備註 0933-222-444</w:t></w:r></w:p></w:comment>",
            ),
        ],
        &[],
    );
    let ex = parse(&bytes, "檢舉.docx").expect("reads");
    assert_eq!(ex.source, SourceKind::Document);
    assert!(ex.text.contains("檢舉某公司圍標"), "{}", ex.text);
    assert!(
        ex.text.contains("方框內 台&北"),
        "entities resolved: {}",
        ex.text
    );
    assert!(
        !ex.text.contains("\t\t"),
        "tab stops are not tabs: {:?}",
        ex.text
    );
    for (kind, value) in [
        (PiiKind::Person, "王大明"),
        (PiiKind::Phone, "0912345678"),
        (PiiKind::Phone, "0922111333"),
        (PiiKind::Phone, "0933222444"),
        (PiiKind::Email, "wang.daming@example.com"),
        (PiiKind::NationalId, "A123456789"),
        (PiiKind::Person, "王建國"),
    ] {
        assert!(
            found(&ex, kind, value),
            "{kind:?} {value}: {:?}",
            ex.findings
        );
    }
    assert!(
        ex.findings
            .iter()
            .any(|f| f.kind == PiiKind::Address && f.value.contains("122號")),
        "the address split across two runs: {:?}",
        ex.findings
    );
}

/// ODF, the government's format: spans, runs of spaces (`text:s`), a
/// table, a heading and the page header in `styles.xml`.
#[test]
fn an_odf_letter_is_read_whole() {
    let body = "<text:h>陳情書</text:h>\
        <text:p>陳情人：<text:span>林美玲</text:span><text:s text:c=\"2\"/>身分證統一編號：F<text:span>2</text:span>34567898</text:p>\
        <table:table><table:table-row><table:table-cell><text:p>行動電話</text:p></table:table-cell><table:table-cell><text:p>0987-654-321</text:p></table:table-cell></table:table-row></table:table>\
        <text:p>陳情道路坑洞未修補。<text:line-break/>敬請  查照。</text:p>";
    let bytes = odt(body, "聯絡信箱 lin.meiling@example.org", &[]);
    let ex = parse(&bytes, "陳情.odt").expect("reads");
    assert_eq!(ex.source, SourceKind::Document);
    assert!(ex.text.contains("林美玲  身分證"), "{:?}", ex.text);
    assert!(
        ex.text.contains("行動電話\t0987-654-321\n"),
        "{:?}",
        ex.text
    );
    assert!(
        ex.text.contains("陳情道路坑洞未修補。\n敬請"),
        "{:?}",
        ex.text
    );
    for (kind, value) in [
        (PiiKind::Person, "林美玲"),
        (PiiKind::NationalId, "F234567898"),
        (PiiKind::Phone, "0987654321"),
        (PiiKind::Email, "lin.meiling@example.org"),
    ] {
        assert!(
            found(&ex, kind, value),
            "{kind:?} {value}: {:?}",
            ex.findings
        );
    }
}

/// A scan pasted into a Word letter is a page of the letter: read by OCR in
/// the second run and redacted like any scanned page.
#[test]
fn a_picture_inside_a_document_is_a_page_read_and_redacted() {
    let scan = data("sample-01-scan.jpg");
    let bytes = docx(
        &word_paragraphs(&["附上檢舉書掃描檔，請查收。"]),
        &[],
        &[
            ("image1.jpeg", &scan),
            ("image2.emf", b"\x01\x00\x00\x00not decoded"),
        ],
    );
    let ex = sealdesk_intake::read_letter(&worker(), &bytes, "附件.docx").expect("reads");
    assert_eq!(ex.page_renders.len(), 1, "the JPEG is a page");
    assert!(ex.ocr_words.iter().any(|w| w.page == 1), "OCR'd");
    assert!(
        found(&ex, PiiKind::NationalId, "C181590831"),
        "{:?}",
        ex.findings
    );
    assert!(
        ex.notices.iter().any(|n| n.contains("1 張圖片")),
        "the EMF picture is named as not read: {:?}",
        ex.notices
    );
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    let page = redaction.pages[0].png.as_ref().expect("the page, redacted");
    assert_seen(page, &["C181590831", "許俊宏"], &["請依法調查"]);
}

/// An e-mail whose petition is a .docx and an .odt: both read into the
/// letter under their 〔附件N〕.
#[test]
fn an_e_mails_office_attachments_are_read() {
    use crate::letters::b64;
    let word = docx(
        &word_paragraphs(&["申請人：張志豪 電話 0911-222-333"]),
        &[],
        &[],
    );
    let odf = odt("<text:p>聯絡人：李淑芬 0955-666-777</text:p>", "", &[]);
    let part = |ctype: &str, name: &str, body: &[u8]| {
        format!(
            "--b1\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(body)
        )
    };
    let eml = format!(
        "From: someone <s@example.com>\r\nTo: a@example.gov.tw\r\nSubject: petition\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee attached.\r\n{}{}--b1--\r\n",
        part(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "a.docx",
            &word
        ),
        part("application/vnd.oasis.opendocument.text", "b.odt", &odf),
    );
    let ex = parse(eml.as_bytes(), "petition.eml").expect("reads");
    assert_eq!(ex.source, SourceKind::Email);
    assert!(
        ex.text.contains("〔附件1〕") && ex.text.contains("〔附件2〕"),
        "{}",
        ex.text
    );
    for (kind, value) in [
        (PiiKind::Person, "張志豪"),
        (PiiKind::Phone, "0911222333"),
        (PiiKind::Person, "李淑芬"),
        (PiiKind::Phone, "0955666777"),
    ] {
        assert!(
            found(&ex, kind, value),
            "{kind:?} {value}: {:?}",
            ex.findings
        );
    }
    assert!(
        !ex.notices.iter().any(|n| n.contains("無法讀取")),
        "{:?}",
        ex.notices
    );
}

fn refused(bytes: &[u8], name: &str) -> IntakeError {
    let started = std::time::Instant::now();
    let err = parse(bytes, name).expect_err("refused");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "{name}: refused within the limit, took {:?}",
        started.elapsed()
    );
    err
}

/// T7: a part that inflates far past the limit (a zip bomb) is refused by
/// the byte budget, not by exhausting the worker.
#[test]
fn t7_a_document_zip_bomb_is_refused() {
    // A body of 64 MiB of spaces: about 64 KB deflated.
    let zeros = vec![b' '; 64 * 1024 * 1024];
    let bomb = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", &zeros),
    ]);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    match refused(&bomb, "bomb.docx") {
        IntakeError::Malformed(m) => assert!(m.contains("bomb"), "{m}"),
        e => panic!("{e:?}"),
    }
}

/// T7: XML nested a hundred thousand deep is refused at the depth limit.
#[test]
fn t7_a_deeply_nested_document_is_refused() {
    let depth = 100_000;
    let body = format!("{}{}", "<w:r>".repeat(depth), "</w:r>".repeat(depth));
    match refused(&docx(&body, &[], &[]), "deep.docx") {
        IntakeError::Malformed(m) => assert!(m.contains("nested deeper"), "{m}"),
        e => panic!("{e:?}"),
    }
}

/// T7: external entities (XXE) and entity expansion ("billion laughs") are
/// refused: nothing of the file named is read, nothing is expanded.
#[test]
fn t7_entity_declarations_are_refused() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"#;
    let lol = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lollollollol">{}]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"#,
        (b'b'..=b'j')
            .map(|c| format!(
                "<!ENTITY {} \"{}\">",
                c as char,
                format!("&{};", (c - 1) as char).repeat(10)
            ))
            .collect::<String>()
    );
    for (name, xml) in [("xxe.docx", xxe.to_owned()), ("laughs.docx", lol)] {
        let bytes = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", xml.as_bytes()),
        ]);
        match refused(&bytes, name) {
            IntakeError::Malformed(m) => {
                assert!(m.contains("DOCTYPE"), "{name}: {m}");
                assert!(!m.contains("root:"), "{name}: {m}");
            }
            e => panic!("{name}: {e:?}"),
        }
    }
    // An entity used without a declaration is an error too, not dropped.
    let bytes = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        (
            "word/document.xml",
            br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ]);
    assert!(matches!(
        refused(&bytes, "ref.docx"),
        IntakeError::Malformed(_)
    ));
}

/// T7: archives that are not a document, too many entries, a .doc or an
/// encrypted file, a spreadsheet: each a clear error naming what to do.
#[test]
fn t7_other_archives_get_a_clear_error() {
    let many: Vec<(String, Vec<u8>)> = (0..6_000)
        .map(|i| (format!("word/x{i}.xml"), Vec::new()))
        .collect();
    let mut entries: Vec<(&str, &[u8])> =
        vec![("word/document.xml", b"<w:document xmlns:w=\"x\"/>")];
    entries.extend(many.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    match refused(&zip(&entries), "many.docx") {
        IntakeError::Malformed(m) => assert!(m.contains("entries"), "{m}"),
        e => panic!("{e:?}"),
    }
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("photos.zip", zip(&[("a.txt", b"hello")]), "unpack"),
        (
            "old.doc",
            [
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                &[0u8; 504],
            ]
            .concat(),
            ".doc",
        ),
        (
            "sheet.xlsx",
            zip(&[("xl/workbook.xml", b"<workbook/>")]),
            ".ods",
        ),
    ];
    for (name, bytes, says) in cases {
        match refused(&bytes, name) {
            IntakeError::Unsupported(m) => assert!(m.contains(says), "{name}: {m}"),
            e => panic!("{name}: {e:?}"),
        }
    }
    // A truncated document (the central directory cut off).
    let whole = docx(&word_paragraphs(&["本文"]), &[], &[]);
    let cut = &whole[..whole.len() / 2];
    assert!(matches!(
        refused(cut, "cut.docx"),
        IntakeError::Malformed(_) | IntakeError::Unsupported(_)
    ));
}
