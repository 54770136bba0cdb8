//! Paper as people send it (issue 20): a scanned page OCR reads poorly —
//! here, a letter with a handwritten block — reaches no handler until the
//! registering clerk has looked at it, boxed what identifies and released
//! it; the release is recorded.

use crate::{sample, write_jpeg, Cli};

#[path = "../../../sealdesk-intake/tests/support/scribble.rs"]
mod scribble;
use scribble::scribble;

#[test]
fn a_handwritten_page_is_withheld_until_the_clerk_releases_it() {
    let cli = Cli::new();
    let r = cli.run(None, &[], &["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clerk = Some(("clerk", "demo-clerk-pass"));
    let sup = Some(("supervisor", "demo-supervisor-pass"));
    let handler = Some(("handler", "demo-handler-pass"));
    let scan = image::open(sample("sample-01-scan.jpg"))
        .expect("scan")
        .to_rgb8();
    let mut page = scan.clone();
    let (w, h) = page.dimensions();
    let block = (w / 10, h * 2 / 3, w * 9 / 10, h * 9 / 10);
    scribble(&mut page, block, 0x9e37_79b9_7f4a_7c15);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("handwritten.jpg");
    write_jpeg(&file, &page, 92);
    let file = file.to_str().expect("utf8");
    let register = |extra: &[&str]| {
        let mut args = vec![
            "register",
            "--subject",
            "測試案由",
            file,
            "--category",
            "whistleblower",
            "--until",
            "2035-12-31",
        ];
        args.extend_from_slice(extra);
        let r = cli.run(clerk, &[], &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    };
    let open = |letter: &str| {
        let r = cli.run(
            clerk,
            &[],
            &[
                "route",
                letter,
                "--unit",
                "稅務管理科",
                "--handler",
                "handler",
                "--reason",
                "請辦理",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let request = r.json()["id"].as_str().expect("request").to_owned();
        let r = cli.run(sup, &[], &["approve", &request, "--reason", "同意"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = cli.run(
            handler,
            &[],
            &["open", letter, "--reason", "辦理", "--affirm-no-conflict"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    };

    // Without review: the page is withheld, and the clerk is told why.
    let v = register(&[]);
    let letter = v["letter_id"].as_str().expect("id").to_owned();
    assert!(
        v["notices"].as_array().is_some_and(|n| n
            .iter()
            .any(|x| x.as_str().is_some_and(|t| t.contains("辨識不足")))),
        "{v}"
    );
    let seen = open(&letter);
    assert!(
        seen["pages"].as_array().is_none_or(Vec::is_empty),
        "a page read this poorly never reaches a handler unreviewed: {}",
        seen["pages"].as_array().map_or(0, Vec::len)
    );

    // Reviewed: the clerk boxes the handwriting and releases the page.
    let boxed = format!(
        "1:{},{},{},{}",
        block.0 - 10,
        block.1 - 10,
        block.2 + 10,
        block.3 + 10
    );
    let v = register(&["--redact-box", &boxed, "--release-page", "1"]);
    let letter = v["letter_id"].as_str().expect("id").to_owned();
    let seen = open(&letter);
    let pages = seen["pages"].as_array().cloned().unwrap_or_default();
    assert_eq!(pages.len(), 1, "released");
    let png = data_encoding::BASE64
        .decode(pages[0]["png_base64"].as_str().expect("png").as_bytes())
        .expect("base64");
    let shown = image::load_from_memory(&png).expect("decode").to_rgb8();
    let (cx, cy) = ((block.0 + block.2) / 2, (block.1 + block.3) / 2);
    let [r, g, b] = shown.get_pixel(cx, cy).0;
    assert!(
        u32::from(r) + u32::from(g) + u32::from(b) < 200,
        "the handwriting is under the clerk's box: {:?}",
        (r, g, b)
    );
    // The release is in the ledger.
    let r = cli.run(
        Some(("auditor", "demo-auditor-pass")),
        &[],
        &["ledger", "entries"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.json()["entries"]
            .as_array()
            .is_some_and(|es| es.iter().any(|e| {
                e["action"] == "register"
                    && e["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("page(s) 1 released by the clerk"))
            })),
        "the release is recorded"
    );
}

#[path = "../../../sealdesk-intake/tests/support/docs.rs"]
mod docs;

/// ODF and Word letters, registered and opened: the handler's working copy
/// holds the letter's words and none of its personal data — written in
/// the body, a table, a span split mid-ID and the page header.
#[test]
fn an_odf_and_a_word_letter_reach_the_handler_masked() {
    let cli = Cli::new();
    let r = cli.run(None, &[], &["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clerk = Some(("clerk", "demo-clerk-pass"));
    let sup = Some(("supervisor", "demo-supervisor-pass"));
    let handler = Some(("handler", "demo-handler-pass"));
    let secrets = [
        "林美玲",
        "F234567898",
        "0987654321",
        "0987-654-321",
        "lin.meiling@example.org",
    ];
    let odt = docs::odt(
        "<text:p>檢舉人：<text:span>林美玲</text:span>，身分證統一編號：F<text:span>2</text:span>34567898</text:p>\
         <table:table><table:table-row><table:table-cell><text:p>電話</text:p></table:table-cell><table:table-cell><text:p>0987-654-321</text:p></table:table-cell></table:table-row></table:table>\
         <text:p>檢舉某承辦人收受廠商招待。</text:p>",
        "聯絡信箱 lin.meiling@example.org",
        &[],
    );
    let docx = docs::docx(
        &docs::word_paragraphs(&[
            "檢舉人：林美玲",
            "身分證統一編號：F234567898，電話 0987-654-321",
            "檢舉某承辦人收受廠商招待。",
        ]),
        &[(
            "footer1.xml",
            "<w:p><w:r><w:t>lin.meiling@example.org</w:t></w:r></w:p>",
        )],
        &[],
    );
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bytes) in [("檢舉.odt", odt), ("檢舉.docx", docx)] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).expect("write");
        let r = cli.run(
            clerk,
            &[],
            &[
                "register",
                "--subject",
                "測試案由",
                file.to_str().expect("utf8"),
                "--category",
                "whistleblower",
                "--until",
                "2035-12-31",
            ],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let v = r.json();
        let letter = v["letter_id"].as_str().expect("id").to_owned();
        let r = cli.run(
            clerk,
            &[],
            &[
                "route",
                &letter,
                "--unit",
                "稅務管理科",
                "--handler",
                "handler",
                "--reason",
                "請辦理",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let request = r.json()["id"].as_str().expect("request").to_owned();
        let r = cli.run(sup, &[], &["approve", &request, "--reason", "同意"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = cli.run(
            handler,
            &[],
            &["open", &letter, "--reason", "辦理", "--affirm-no-conflict"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = r.json()["text"].as_str().expect("text").to_owned();
        assert!(text.contains("收受廠商招待"), "{name}: {text}");
        for s in secrets {
            assert!(!text.contains(s), "{name}: {s} reached the handler: {text}");
        }
        assert!(text.contains("〔身分證號1〕"), "{name}: {text}");
    }
}
