//! Intake through the real worker process: CID-keyed CJK PDFs, scans,
//! e-mail, and a corpus of hostile files (T7) that must each give a clear
//! error within the time limit while the test process survives.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sealdesk_intake::{run_isolated, Extracted, IntakeError, Limits, SourceKind, WorkerCommand};

mod closing;
#[path = "../support/docs.rs"]
mod docs;
mod documents;
mod generated;
#[path = "../support/letters.rs"]
mod letters;
#[path = "../support/pdfs.rs"]
mod pdfs;
#[path = "../support/scribble.rs"]
mod scribble;
use scribble::scribble;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .expect("test data")
}

fn worker() -> WorkerCommand {
    WorkerCommand {
        program: env!("CARGO_BIN_EXE_sealdesk-parse-worker").into(),
        args: vec![],
    }
}

fn parse(bytes: &[u8], name: &str) -> Result<Extracted, IntakeError> {
    run_isolated(&worker(), bytes, name, Limits::default())
}

/// Also pins which extractor read the file (the measurement ARCHITECTURE.md
/// records): `pdf-extract` where it reads correctly, `pdf_oxide` for the
/// predefined CJK CMaps `pdf-extract` panics on.
fn check_pdf_by(file: &str, extractor: &str, wants: &[&str]) {
    let ex = parse(&data(file), file).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(ex.extractor, extractor, "{file}");
    assert_eq!(ex.source, SourceKind::Pdf);
    assert!(ex.has_text_layer, "{file}");
    for w in wants {
        assert!(
            ex.text.contains(w),
            "{file} via {}: {w:?} missing from {:?}",
            ex.extractor,
            ex.text
        );
    }
}

#[test]
fn cid_keyed_traditional_chinese_pdf_unicns_ucs2_h() {
    // The e-mail address is broken across two lines in this PDF, as word
    // processors do; the detector joins it, the extractor must not lose it.
    check_pdf_by(
        "cid-unicns-ucs2-h.pdf",
        "pdf_oxide",
        &[
            "檢舉本局某承辦人員",
            "許俊宏",
            "C181590831",
            "sdhu81",
            "@gmail.com",
            "陳情人",
        ],
    );
}

#[test]
fn cid_keyed_simplified_chinese_pdf_unigb_ucs2_h() {
    check_pdf_by(
        "cid-unigb-ucs2-h.pdf",
        "pdf_oxide",
        &["检举信", "A123456789", "0912-345-678"],
    );
}

#[test]
fn office_suite_sample_pdfs() {
    check_pdf_by(
        "sample-01.pdf",
        "pdf-extract",
        &["許俊宏", "C181590831", "中央西路二段"],
    );
    check_pdf_by(
        "sample-04.pdf",
        "pdf-extract",
        &["立穩工程股份有限公司", "66617603", "黃宗華"],
    );
}

#[test]
fn twenty_page_pdf_counts_pages() {
    let ex = parse(&data("twenty-pages-zh-tw.pdf"), "twenty.pdf").expect("reads");
    assert_eq!(ex.pages, 20);
    assert!(
        ex.text.contains("第 20 頁") || ex.text.contains("第20頁"),
        "{}",
        &ex.text[ex.text.len().saturating_sub(200)..]
    );
}

/// Edit distance between two char sequences (insert, delete, substitute).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[test]
fn a_scan_is_read_by_ocr_and_loses_its_metadata() {
    let jpg = data("sample-01-scan.jpg");
    let ex = parse(&jpg, "scan.jpg").expect("reads");
    assert_eq!(ex.source, SourceKind::Image);
    assert!(!ex.has_text_layer, "a scan has no text layer, OCR or not");
    assert!(ex.extractor.starts_with("tesseract"), "{}", ex.extractor);
    // Character accuracy against the letter's own text, whitespace ignored
    // (OCR puts spaces where the page had gaps).
    let squeeze = |s: &str| -> Vec<char> { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let truth = squeeze(&String::from_utf8(data("sample-01.txt")).expect("utf-8"));
    let read = squeeze(&ex.text);
    let accuracy = 1.0 - edit_distance(&truth, &read) as f64 / truth.len() as f64;
    println!(
        "OCR character accuracy on sample-01-scan.jpg: {:.1} % ({} chars)",
        accuracy * 100.0,
        truth.len()
    );
    assert!(accuracy > 0.9, "accuracy {accuracy}: {}", ex.text);
    // The identity in the scan is found, so it can be masked and sealed.
    let values: Vec<&str> = ex.findings.iter().map(|f| f.value.as_str()).collect();
    for v in ["C181590831", "許俊宏", "廖雅君"] {
        assert!(values.contains(&v), "{v} not in {values:?}");
    }
    // OCR may misread a digit of the phone or a letter of the e-mail; what
    // it read is masked all the same.
    let copy = sealdesk_core::pii::mask(&ex.text, &ex.findings);
    for clear in [
        "許俊宏",
        "C181590831",
        "661",
        "318",
        "sdhu",
        "gmail",
        "中央西",
    ] {
        assert!(!copy.contains(clear), "{clear} readable in {copy}");
    }
    // Each word has a box on the page image.
    assert!(ex.ocr_words.len() > 20);
    assert!(ex
        .ocr_words
        .iter()
        .all(|w| w.page == 1 && w.width > 0 && w.height > 0));
    let png = ex.working_image.expect("working image");
    assert!(png.starts_with(b"\x89PNG"));
    assert!(
        !png.windows(4).any(|w| w == b"Exif" || w == b"eXIf"),
        "metadata dropped"
    );
}

#[test]
fn tesseract_tsv_is_read_into_lines_and_boxes() {
    let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
               5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t91.5\t主旨:\n\
               5\t1\t1\t1\t1\t2\t45\t20\t30\t40\t88\t檢舉\n\
               5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t90\tFrom\n\
               5\t1\t1\t1\t2\t2\t50\t70\t30\t40\t90\tWang\n\
               4\t1\t1\t2\t1\t0\t10\t120\t300\t40\t-1\t\n\
               5\t1\t1\t2\t1\t1\t10\t120\t30\t40\t95\t說明\n";
    let page = sealdesk_intake::ocr::parse_tsv(tsv, 3);
    assert_eq!(page.text, "主旨:檢舉\nFrom Wang\n\n說明");
    assert_eq!(page.words.len(), 5);
    assert_eq!(
        (
            page.words[1].left,
            page.words[1].top,
            page.words[1].width,
            page.words[1].height,
            page.words[1].page
        ),
        (45, 20, 30, 40, 3)
    );
}

#[test]
fn without_tesseract_a_scan_is_registered_with_a_notice() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sealdesk-parse-worker"))
        .args(["--name", "scan.jpg"])
        .env("SEALDESK_TESSERACT", "/nonexistent/tesseract")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(&data("sample-01-scan.jpg"))?;
            child.wait_with_output()
        })
        .expect("worker runs");
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json reply");
    let ex = &reply["ok"];
    assert_eq!(ex["text"], "");
    assert!(
        ex["notices"].to_string().contains("tesseract-ocr"),
        "{}",
        ex["notices"]
    );
}

#[test]
fn big5_and_gb18030_text_files_are_decoded() {
    let letter = "陳情人：粘秀琴\n身分證：F228340005\n電話：0912-345-678\n";
    for enc in [encoding_rs::BIG5, encoding_rs::GB18030] {
        let (bytes, _, bad) = enc.encode(letter);
        assert!(!bad);
        assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8 any more");
        let ex = parse(&bytes, "letter.txt").unwrap_or_else(|e| panic!("{}: {e}", enc.name()));
        assert_eq!(ex.text, letter, "{}", enc.name());
        assert_eq!(ex.extractor, enc.name());
        let values: Vec<&str> = ex.findings.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(
            values,
            ["粘秀琴", "F228340005", "0912345678"],
            "{}",
            enc.name()
        );
    }
}

#[test]
fn a_big5_e_mail_is_decoded_headers_and_body() {
    let (subject, _, _) = encoding_rs::BIG5.encode("檢舉信");
    let (name, _, _) = encoding_rs::BIG5.encode("佘建中");
    let (body, _, _) =
        encoding_rs::BIG5.encode("我是佘建中,身分證 F228340005,電話 0912-345-678。\r\n");
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    let mut eml = format!(
        "From: =?big5?B?{}?= <she@example.com>\r\nTo: a@example.gov.tw\r\nSubject: =?big5?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=big5\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        b64(&name),
        b64(&subject)
    )
    .into_bytes();
    eml.extend_from_slice(&body);
    let ex = parse(&eml, "big5.eml").expect("reads");
    let h = ex.email.as_ref().expect("headers");
    assert_eq!(h.subject.as_deref(), Some("檢舉信"));
    assert_eq!(h.from_name.as_deref(), Some("佘建中"));
    assert!(
        ex.text.contains("我是佘建中,身分證 F228340005"),
        "{}",
        ex.text
    );
    let values: Vec<&str> = ex.findings.iter().map(|f| f.value.as_str()).collect();
    for v in ["佘建中", "F228340005", "0912345678"] {
        assert!(values.contains(&v), "{v} not in {values:?}");
    }
}

#[test]
fn detection_is_bounded_in_the_worker() {
    // 60 MB of text: read, then refused before detection with a clear error.
    let line = "陳情人王大明,電話 0912-345-678,住址台北市中正區重慶南路一段122號。\n";
    let long = line.repeat(60_000_000 / line.len());
    let t = Instant::now();
    match parse(long.as_bytes(), "long.txt") {
        Err(e @ IntakeError::TextTooLong(..)) => {
            assert_eq!(e.kind(), "text_too_long");
            assert!(e.to_string().contains("split it"), "{e}");
        }
        other => panic!("{:?}", other.map(|e| e.text.len())),
    }
    println!("60 MB text refused in {:?}", t.elapsed());
    assert!(t.elapsed() < Duration::from_secs(20));
    // Within the length limit, more findings than can be masked safely.
    let many = "0912-345-678\n".repeat(6_000);
    match parse(many.as_bytes(), "many.txt") {
        Err(e @ IntakeError::TooManyFindings(_)) => assert_eq!(e.kind(), "too_many_findings"),
        other => panic!("{:?}", other.map(|e| e.text.len())),
    }
}

#[test]
fn a_small_pdf_inflating_to_millions_of_phone_numbers_is_refused_within_the_limit() {
    let pdf = pdfs::inflating_pdf(2_000_000);
    assert!(pdf.len() < 512 * 1024, "{} bytes", pdf.len());
    let t = Instant::now();
    let r = parse(&pdf, "numbers.pdf");
    println!(
        "{} KiB PDF of 2,000,000 numbers: {:?} in {:?}",
        pdf.len() / 1024,
        r.as_ref().map(|e| e.text.len()).map_err(IntakeError::kind),
        t.elapsed()
    );
    assert!(
        matches!(
            r,
            Err(IntakeError::TextTooLong(..))
                | Err(IntakeError::TooManyFindings(_))
                | Err(IntakeError::Timeout(_))
                | Err(IntakeError::OutOfMemory)
        ),
        "{:?}",
        r.map(|e| e.findings.len())
    );
    assert!(t.elapsed() < Duration::from_secs(25));
    // The same file with a letter's worth of numbers is read, so it is the
    // size that is refused, not the file's shape.
    let small = parse(&pdfs::inflating_pdf(20), "few.pdf").expect("a small one reads");
    assert_eq!(small.findings.len(), 20, "{}", small.text);
}

#[test]
fn exif_and_gps_are_dropped() {
    // A JPEG with an APP1 Exif segment spliced in after SOI.
    let jpg = data("sample-01-scan.jpg");
    let mut app1 = vec![0xFF, 0xE1];
    let payload = b"Exif\0\0GPSLatitude 23.97N secret-location";
    app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(payload);
    let mut with_exif = jpg[..2].to_vec();
    with_exif.extend_from_slice(&app1);
    with_exif.extend_from_slice(&jpg[2..]);
    let ex = parse(&with_exif, "gps.jpg").expect("reads");
    let png = ex.working_image.expect("image");
    assert!(!png.windows(15).any(|w| w == b"secret-location"));
}

#[test]
fn email_with_encoded_subject() {
    let ex = parse(&data("sample-06.eml"), "sample-06.eml").expect("reads");
    assert_eq!(ex.source, SourceKind::Email);
    let h = ex.email.expect("headers");
    assert_eq!(h.subject.as_deref(), Some("檢舉信"));
    assert_eq!(h.from_name.as_deref(), Some("高詩傑"));
    assert_eq!(h.from_address.as_deref(), Some("nebxlovs67@ms21.hinet.net"));
    assert!(ex.text.contains("A801826334"));
    assert!(ex.text.contains("高詩傑"));
}

#[test]
fn email_base64_quoted_printable_and_attachment() {
    let eml = "From: =?UTF-8?B?546L5bCP5piO?= <wang@example.com>\r\nTo: a@example.gov.tw\r\nSubject: =?UTF-8?Q?=E9=99=B3=E6=83=85?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E6=88=91=E6=98=AF=E7=8E=8B=E5=B0=8F=E6=98=8E\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"evidence.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n";
    let ex = parse(eml.as_bytes(), "m.eml").expect("reads");
    let h = ex.email.expect("headers");
    assert_eq!(h.subject.as_deref(), Some("陳情"));
    assert_eq!(h.from_name.as_deref(), Some("王小明"));
    assert!(ex.text.contains("我是王小明"));
    assert_eq!(ex.attachments.len(), 1);
    assert_eq!(ex.attachments[0].name, "evidence.pdf");
    assert_eq!(ex.attachments[0].size, 9);
}

// ---------------------------------------------------------------- T7 corpus

/// Runs one hostile file; it must end within the limit with either an error
/// or an empty result, and this process must survive to assert it.
fn check_hostile(name: &str, bytes: &[u8]) -> Result<Extracted, IntakeError> {
    let limits = Limits {
        timeout_secs: 20,
        max_memory_mib: 512,
        max_file_mib: 64,
    };
    let t = Instant::now();
    let r = run_isolated(&worker(), bytes, name, limits);
    assert!(
        t.elapsed() < Duration::from_secs(25),
        "{name} took {:?}",
        t.elapsed()
    );
    if let Err(e) = &r {
        assert!(!e.to_string().is_empty());
    }
    r
}

fn nested_pdf(depth: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/X ".to_vec();
    v.extend(std::iter::repeat_n(b'[', depth));
    v.extend(std::iter::repeat_n(b']', depth));
    v.extend_from_slice(b">>\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
    v
}

fn empty_pages_pdf(pages: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    offsets.push(v.len());
    v.extend_from_slice(b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n");
    offsets.push(v.len());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    v.extend_from_slice(
        format!(
            "2 0 obj<</Type/Pages/Count {pages}/Kids[{}]>>endobj\n",
            kids.join(" ")
        )
        .as_bytes(),
    );
    for i in 0..pages {
        offsets.push(v.len());
        v.extend_from_slice(
            format!(
                "{} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n",
                i + 3
            )
            .as_bytes(),
        );
    }
    let xref = v.len();
    v.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        v.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    v.extend_from_slice(
        format!(
            "trailer<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    v
}

#[test]
fn t7_empty_file_is_a_clear_error() {
    assert_eq!(
        check_hostile("empty.pdf", b"").err(),
        Some(IntakeError::Empty)
    );
}

#[test]
fn t7_garbage_is_unsupported() {
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let r = check_hostile("garbage.bin", &garbage);
    assert!(matches!(r, Err(IntakeError::Unsupported(_))), "{r:?}");
    let r = check_hostile("garbage.pdf", &garbage);
    assert!(matches!(r, Err(IntakeError::Malformed(_))), "{r:?}");
}

#[test]
fn t7_a_pdf_with_no_readable_page_is_damaged_not_a_scan() {
    // A header, a catalog pointing at a page tree that is not there: no text
    // and no page. It used to pass as a zero-page "scan" and be registered.
    let r = check_hostile(
        "no-pages.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF",
    );
    assert!(matches!(r, Err(IntakeError::Malformed(_))), "{r:?}");
    // A real scan-like PDF (pages, no text) is still accepted as a scan.
    let ex = check_hostile("pages.pdf", &empty_pages_pdf(3)).expect("reads");
    assert_eq!((ex.pages, ex.has_text_layer), (3, false));
}

#[test]
fn t7_truncated_pdf_gives_an_error_or_no_text() {
    let pdf = data("sample-01.pdf");
    // Cut at the header, early, and halfway (past the first page's text):
    // each is a clear "damaged" error, never a half letter passed off as whole.
    for cut in [16, 1000, pdf.len() / 2] {
        let r = check_hostile("truncated.pdf", &pdf[..cut]);
        assert!(
            matches!(r, Err(IntakeError::Malformed(_))),
            "cut {cut} of {}: {:?}",
            pdf.len(),
            r.map(|e| e.text.len())
        );
    }
}

#[test]
fn t7_deeply_nested_pdf_does_not_take_the_caller_down() {
    let r = check_hostile("nested.pdf", &nested_pdf(500_000));
    // The parsers overflow their stack on it: that kills the worker only, and
    // the caller gets that as a clear error.
    assert!(
        matches!(&r, Err(IntakeError::Crashed(s)) if s.contains("stack overflow"))
            || matches!(r, Err(IntakeError::Malformed(_))),
        "{r:?}"
    );
}

#[test]
fn t7_zip_bomb_like_stream_is_limited() {
    let r = check_hostile("bomb.pdf", &data("bomb-stream.pdf"));
    // Stopped by a limit (time or memory), not read to the end.
    assert!(
        matches!(
            r,
            Err(IntakeError::Timeout(_)) | Err(IntakeError::OutOfMemory)
        ),
        "{:?}",
        r.map(|e| e.text.len())
    );
}

#[test]
fn t7_ten_thousand_empty_pages_finish_within_the_limit() {
    let ex = check_hostile("pages.pdf", &empty_pages_pdf(10_000)).expect("reads");
    assert_eq!(ex.pages, 10_000);
    assert!(!ex.has_text_layer);
    assert!(ex.text.trim().is_empty());
}

#[test]
fn t7_broken_image_and_mail() {
    let r = check_hostile("broken.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 1, 2, 3]);
    assert!(matches!(r, Err(IntakeError::Malformed(_))), "{r:?}");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 8, 6,
        0, 0, 0, 0, 0, 0, 0,
    ]);
    let r = check_hostile("huge.png", &png);
    assert!(r.is_err(), "a 2^31 x 2^31 image is refused: {r:?}");
}

#[test]
fn t7_hang_is_stopped_at_the_time_limit() {
    let sleeper = WorkerCommand {
        program: "sh".into(),
        args: vec!["-c".into(), "sleep 30".into(), "sh".into()],
    };
    let t = Instant::now();
    let r = run_isolated(
        &sleeper,
        b"%PDF-1.4",
        "x.pdf",
        Limits {
            timeout_secs: 1,
            ..Limits::default()
        },
    );
    assert_eq!(r.err(), Some(IntakeError::Timeout(1)));
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// Processes (not zombies) whose process group is `pgid`, from /proc.
fn live_in_group(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // Fields after the command name (which may hold spaces): state, ppid, pgrp.
        let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split(' ').collect();
        if fields.first() != Some(&"Z") && fields.get(2) == Some(&pgid.to_string().as_str()) {
            out.push(pid);
        }
    }
    out
}

#[test]
fn t7_a_hung_worker_is_killed_with_everything_it_started() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pid_file = dir.path().join("pid");
    // A worker that starts a child of its own and hangs.
    let hanger = WorkerCommand {
        program: "sh".into(),
        args: vec![
            "-c".into(),
            format!(
                "echo $$ > {}; sleep 60 & sleep 60; wait",
                pid_file.display()
            ),
            "sh".into(),
        ],
    };
    let r = run_isolated(
        &hanger,
        b"%PDF-1.4",
        "x.pdf",
        Limits {
            timeout_secs: 1,
            ..Limits::default()
        },
    );
    assert_eq!(r.err(), Some(IntakeError::Timeout(1)));
    let pgid: i32 = std::fs::read_to_string(&pid_file)
        .expect("the worker wrote its pid")
        .trim()
        .parse()
        .expect("pid");
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut left = live_in_group(pgid);
    while !left.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        left = live_in_group(pgid);
    }
    assert!(
        left.is_empty(),
        "left running in the worker's group: {left:?}"
    );
}

#[test]
fn t7_the_worker_memory_limit_takes_effect() {
    // 48 MiB of plain text: reading it, extracting it and replying needs
    // well over 160 MiB of address space, and far less than 1 GiB.
    let big = "陳情內容 0912345678 ".repeat(48 * 1024 * 1024 / 26);
    let tight = Limits {
        max_memory_mib: 160,
        ..Limits::default()
    };
    let r = run_isolated(&worker(), big.as_bytes(), "big.txt", tight);
    assert!(
        matches!(
            r,
            Err(IntakeError::OutOfMemory) | Err(IntakeError::Crashed(_))
        ),
        "under 160 MiB: {:?}",
        r.as_ref().map(|e| e.text.len())
    );
    // The same worker under that limit still reads an ordinary letter, so it
    // is the limit, not the worker, that stopped the big one.
    let small = run_isolated(&worker(), "陳情內容".as_bytes(), "small.txt", tight);
    assert!(small.is_ok(), "{small:?}");
    // Under 1 GiB it reads the whole file and gets as far as the length
    // check before detection (a text this long is refused, not masked).
    let roomy = run_isolated(&worker(), big.as_bytes(), "big.txt", Limits::default());
    assert!(
        matches!(roomy, Err(IntakeError::TextTooLong(..))),
        "under 1 GiB: {:?}",
        roomy.err()
    );
}

#[test]
fn t7_crash_is_reported_not_propagated() {
    let crasher = WorkerCommand {
        program: "sh".into(),
        args: vec!["-c".into(), "kill -SEGV $$".into(), "sh".into()],
    };
    let r = run_isolated(&crasher, b"%PDF-1.4", "x.pdf", Limits::default());
    assert!(
        matches!(&r, Err(IntakeError::Crashed(s)) if s.contains("11")),
        "{r:?}"
    );
}

#[test]
fn t7_oversized_file_is_refused_before_parsing() {
    let big = vec![b'a'; 2 * 1024 * 1024];
    let r = run_isolated(
        &worker(),
        &big,
        "big.txt",
        Limits {
            max_file_mib: 1,
            ..Limits::default()
        },
    );
    assert_eq!(r.err(), Some(IntakeError::TooLarge(1)));
}

/// Regression: a text file whose lines start with CJK made the e-mail
/// sniffing slice a `&str` inside a character and panic.
#[test]
fn cjk_text_is_not_mistaken_for_mail_and_does_not_panic() {
    for text in [
        "主旨:檢舉\n說明:一、二、三",
        "寄件者:王小明\n主旨:陳情",
        "F",
        "From:",
        "\u{feff}主旨",
    ] {
        let ex = sealdesk_intake::extract(text.as_bytes(), "typed.txt").expect("reads");
        assert_eq!(ex.source, SourceKind::Text, "{text:?}");
    }
}

/// Text as OCR reads it, squeezed for comparison: no whitespace, ASCII
/// lower case, digits only as digits (OCR's spacing and case vary).
fn squeezed(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '+'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn redacted_scan_read_back_by_ocr_shows_no_identity_and_keeps_the_rest() {
    let ex = parse(&data("sample-01-scan.jpg"), "scan.jpg").expect("reads");
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert!(redaction.unplaced.is_empty(), "{:?}", redaction.unplaced);
    assert_eq!(redaction.pages.len(), 1);
    let page = &redaction.pages[0];
    assert!(page.boxes >= 6, "{} boxes", page.boxes);
    let png = page.png.as_ref().expect("the page is shown");
    // Seen as a person would see it: OCR the redacted page.
    let seen = sealdesk_intake::ocr::ocr_page(png, 1).expect("ocr");
    let seen = squeezed(&seen.text);
    // The identity values expected.json lists for this letter (OCR'd forms
    // included: the phone and e-mail as OCR misreads them are covered too).
    for value in [
        "C181590831",
        "許俊宏",
        "廖雅君",
        "中央西路",
        "sdhu8",
        "661318",
        "gmail",
    ] {
        assert!(
            !seen.contains(&squeezed(value)),
            "{value} readable on the redacted page: {seen}"
        );
    }
    // …and the letter around the boxes is still there to be read.
    for kept in [
        "檢舉本局某承辦人員",
        "請依法調查",
        "文件編號",
        "公務員廉政倫理規範",
    ] {
        assert!(
            seen.contains(kept),
            "{kept} lost from the redacted page: {seen}"
        );
    }
}

/// Asserts what a person reading `png` sees: none of `secrets`, all of `kept`.
fn assert_seen(png: &[u8], secrets: &[&str], kept: &[&str]) {
    let seen = sealdesk_intake::ocr::ocr_page(png, 1).expect("ocr");
    let seen = squeezed(&seen.text);
    for value in secrets {
        assert!(
            !seen.contains(&squeezed(value)),
            "{value} readable on the redacted page: {seen}"
        );
    }
    for k in kept {
        assert!(seen.contains(k), "{k} lost from the redacted page: {seen}");
    }
}

#[test]
fn redacted_text_pdf_pages_read_back_by_ocr_show_no_identity() {
    let ex = parse(&data("sample-01.pdf"), "sample-01.pdf").expect("reads");
    assert!(ex.has_text_layer);
    assert_eq!(ex.page_renders.len(), 1);
    assert!(
        ex.page_renders[0].glyphs.len() > 200,
        "{}",
        ex.page_renders[0].glyphs.len()
    );
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert!(redaction.unplaced.is_empty(), "{:?}", redaction.unplaced);
    let png = redaction.pages[0].png.as_ref().expect("shown");
    assert_seen(
        png,
        &[
            "C181590831",
            "許俊宏",
            "廖雅君",
            "中央西路",
            "sdhu81",
            "661318",
            "gmail",
        ],
        &["檢舉本局某承辦人員", "請依法調查", "公務員廉政倫理規範"],
    );
}

#[test]
fn a_scanned_pdf_is_ocrd_page_by_page_and_its_redacted_page_shows_no_identity() {
    let jpg = data("sample-01-scan.jpg");
    let size = image::ImageReader::new(std::io::Cursor::new(&jpg))
        .with_guessed_format()
        .expect("jpeg")
        .into_dimensions()
        .expect("size");
    let pdf = pdfs::scanned_pdf(&jpg, size.0, size.1, 1);
    let ex = sealdesk_intake::read_letter(&worker(), &pdf, "copier.pdf").expect("reads");
    assert!(!ex.has_text_layer);
    assert!(ex.extractor.starts_with("tesseract"), "{}", ex.extractor);
    assert!(ex.text.contains("請依法調查"), "{}", ex.text);
    // OCR of a copier's page may misread a digit of the ID; after its cue
    // it is found (and masked) all the same.
    assert!(
        ex.findings
            .iter()
            .any(|f| f.kind == sealdesk_core::pii::PiiKind::NationalId
                && f.value.starts_with("C18159")),
        "{:?} in {}",
        ex.findings,
        ex.text
    );
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert!(redaction.unplaced.is_empty(), "{:?}", redaction.unplaced);
    let png = redaction.pages[0].png.as_ref().expect("shown");
    assert_seen(
        png,
        &["C18159", "許俊宏", "廖雅君", "中央西路", "661318", "gmail"],
        &["請依法調查", "公務員廉政倫理規範"],
    );
}

#[test]
fn a_scan_that_ocr_cannot_read_is_withheld_whole() {
    let mut ex = parse(&data("sample-01-scan.jpg"), "scan.jpg").expect("reads");
    ex.ocr_words.clear();
    ex.text.clear();
    ex.findings.clear();
    let redaction = sealdesk_intake::redact::redact(&ex, &[], &[]).expect("redacts");
    assert_eq!(redaction.pages.len(), 1);
    assert!(
        redaction.pages[0].png.is_none(),
        "an unread scan is never shown"
    );
}

#[test]
fn a_scanned_page_inside_a_text_pdf_is_withheld_not_shown_unredacted() {
    let jpg = data("sample-01-scan.jpg");
    let (w, h) = image::ImageReader::new(std::io::Cursor::new(&jpg))
        .with_guessed_format()
        .expect("jpeg")
        .into_dimensions()
        .expect("size");
    let pdf = pdfs::mixed_pdf(&jpg, w, h);
    let ex = sealdesk_intake::read_letter(&worker(), &pdf, "mixed.pdf").expect("reads");
    assert!(ex.has_text_layer, "page 1 has text");
    assert_eq!(ex.page_renders.len(), 2);
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert!(redaction.pages[0].png.is_some(), "the typed page is shown");
    // Page 2 is a scan nothing was read from: its identity would be in clear.
    assert!(
        redaction.pages[1].png.is_none(),
        "the scanned page is withheld"
    );
    assert!(redaction
        .unplaced
        .iter()
        .any(|u| u.kind.is_none() && u.page == Some(2)));
}

/// A page written vertically (columns top to bottom, right to left), as a
/// scan: OCR reads each column in order, so the text is the letter's and
/// its identity is found, not a garble of single characters.
#[test]
fn a_vertically_written_scan_is_read_column_by_column() {
    let columns = ["陳情人王大明敬陳", "請貴局依法調查", "並將結果函復本人"];
    let pdf = pdfs::vertical_pdf(&columns);
    let pages = sealdesk_intake::render::render_pdf(&pdf).expect("renders");
    // The page really is vertical text in a CJK face, not missing glyphs.
    let drawn: String = pages[0].glyphs.iter().map(|g| g.ch).collect();
    assert_eq!(drawn, columns.concat());
    let ex = sealdesk_intake::read_letter(&worker(), &pages[0].png, "vertical.png").expect("reads");
    assert!(ex.extractor.starts_with("tesseract"), "{}", ex.extractor);
    let read: String = ex.text.chars().filter(|c| !c.is_whitespace()).collect();
    // Each column read top to bottom, the columns right to left (OCR may
    // misread a character, so each is found by its first four).
    let at: Vec<Option<usize>> = columns
        .iter()
        .map(|c| read.find(&c.chars().take(4).collect::<String>()))
        .collect();
    assert!(
        at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1]),
        "columns not read in order: {read}"
    );
    assert!(
        ex.findings
            .iter()
            .any(|f| f.kind == sealdesk_core::pii::PiiKind::Person && f.value == "王大明"),
        "{:?} in {read}",
        ex.findings
    );
    // Its redacted page, read as a person would, hides the name.
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    let png = redaction.pages[0].png.as_ref().expect("shown");
    let seen = sealdesk_intake::ocr::ocr_page(png, 1).expect("ocr");
    let seen: String = seen.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(!seen.contains("王大明"), "{seen}");
    assert!(seen.contains("並將結果"), "{seen}");
}

/// A photo to trace is decoded in the worker, which gives back its own PNG
/// (no metadata, at most 3000 px a side); what is not an image is refused.
#[test]
fn t7_a_photo_to_trace_is_decoded_in_the_worker_only() {
    let jpg = data("sample-01-scan.jpg");
    let png = sealdesk_intake::image_isolated(&worker(), &jpg).expect("an image");
    assert!(png.starts_with(b"\x89PNG"));
    let img = image::load_from_memory(&png).expect("png");
    assert_eq!((img.width(), img.height()), (1241, 1754));
    let err =
        sealdesk_intake::image_isolated(&worker(), b"%PDF-1.4 not a photo").expect_err("refused");
    assert_eq!(err.kind(), "unsupported");
    // A large photo comes back at most 3000 px a side.
    let big = image::RgbImage::from_pixel(4000, 3000, image::Rgb([250, 250, 250]));
    let mut bytes = Vec::new();
    big.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .expect("png");
    let back = sealdesk_intake::image_isolated(&worker(), &bytes).expect("an image");
    let back = image::load_from_memory(&back).expect("png");
    assert_eq!(back.width().max(back.height()), 3000);
}

fn png_of(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A typed scan is read well enough to be shown redacted; the same page
/// with a block of handwriting-like strokes OCR cannot read is withheld
/// from handlers until the clerk releases it, and then shows the clerk's
/// boxes.
#[test]
fn a_page_ocr_read_poorly_is_withheld_until_released() {
    let ex = parse(&data("sample-01-scan.jpg"), "scan.jpg").expect("reads");
    let place = sealdesk_intake::redact::place(&ex, &ex.findings);
    eprintln!("typed scan: {:?}", place.verdicts);
    assert_eq!(place.verdicts.len(), 1);
    assert!(place.verdicts[0].legible, "{:?}", place.verdicts);
    let page = image::load_from_memory(ex.working_image.as_ref().expect("image"))
        .expect("decode")
        .to_rgb8();
    let mut written = page.clone();
    let (w, h) = written.dimensions();
    scribble(&mut written, (w / 10, h * 2 / 3, w * 9 / 10, h * 9 / 10), 7);
    let ex = parse(&png_of(&written), "handwritten.png").expect("reads");
    let place = sealdesk_intake::redact::place(&ex, &ex.findings);
    eprintln!("with handwriting: {:?}", place.verdicts);
    assert!(!place.verdicts[0].legible, "{:?}", place.verdicts);
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert!(redaction.pages[0].png.is_none(), "withheld");
    assert!(redaction
        .unplaced
        .iter()
        .any(|u| u.illegible && u.page == Some(1)));
    // Released by the clerk, with the handwriting boxed.
    let boxed = sealdesk_intake::redact::PageBox {
        page: 1,
        x0: w / 10 - 10,
        y0: h * 2 / 3 - 10,
        x1: w * 9 / 10 + 10,
        y1: h * 9 / 10 + 10,
    };
    let released = sealdesk_intake::redact::redact_released(&ex, &ex.findings, &[boxed], &[1])
        .expect("redacts");
    let shown = released.pages[0].png.as_ref().expect("released");
    let shown = image::load_from_memory(shown).expect("decode").to_rgb8();
    let (cx, cy) = (w / 2, (h * 2 / 3 + h * 9 / 10) / 2);
    assert_eq!(
        shown.get_pixel(cx, cy).0,
        [0, 0, 0],
        "the clerk's box is painted"
    );
}

/// A red seal over a name on a scan is boxed on the handler's page, even
/// where OCR read nothing under it.
#[test]
fn a_red_seal_on_a_scan_is_boxed() {
    let ex = parse(&data("sample-01-scan.jpg"), "scan.jpg").expect("reads");
    let mut page = image::load_from_memory(ex.working_image.as_ref().expect("image"))
        .expect("decode")
        .to_rgb8();
    let (w, h) = page.dimensions();
    // A round seal: a red ring with red strokes inside, near the bottom.
    let (cx, cy, r) = (w * 3 / 4, h * 7 / 8, (w / 14).max(30) as i64);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (i64::from(x) - i64::from(cx), i64::from(y) - i64::from(cy));
            let d2 = dx * dx + dy * dy;
            let ring = d2 <= r * r && d2 >= (r - 6) * (r - 6);
            let stroke = d2 < r * r && (dx.abs() < 3 || dy.abs() < 3 || (dx - dy).abs() < 3);
            if ring || stroke {
                page.put_pixel(x, y, image::Rgb([200, 30, 40]));
            }
        }
    }
    let ex = parse(&png_of(&page), "sealed.png").expect("reads");
    let place = sealdesk_intake::redact::place(&ex, &ex.findings);
    assert!(
        place
            .seals
            .iter()
            .any(|b| b.x0 <= cx && cx <= b.x1 && b.y0 <= cy && cy <= b.y1),
        "{:?}",
        place.seals
    );
    let redaction =
        sealdesk_intake::redact::redact_released(&ex, &ex.findings, &[], &[1]).expect("redacts");
    let shown = image::load_from_memory(redaction.pages[0].png.as_ref().expect("shown"))
        .expect("decode")
        .to_rgb8();
    for (x, y) in [(cx, cy), (cx + r as u32 - 3, cy), (cx, cy - r as u32 + 3)] {
        assert_eq!(shown.get_pixel(x, y).0, [0, 0, 0], "seal at {x},{y} boxed");
    }
}

/// Every page of a multi-page TIFF is read and redacted: a fax or a
/// scanner's batch whose second page carries the whistleblower's identity
/// does not drop that page, and its redacted image hides the identity.
#[test]
fn every_page_of_a_multi_page_tiff_is_read_and_redacted() {
    let ex = parse(&data("sample-01-scan.jpg"), "scan.jpg").expect("reads");
    let letter = image::load_from_memory(ex.working_image.as_ref().expect("image"))
        .expect("decode")
        .to_rgb8();
    let (w, h) = letter.dimensions();
    // Page 1: a cover sheet with nothing on it; page 2: the letter, in grey.
    let cover = image::RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    let grey: Vec<u8> = letter
        .pixels()
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect();
    let mut tif = Vec::new();
    {
        let mut enc =
            tiff::encoder::TiffEncoder::new(std::io::Cursor::new(&mut tif)).expect("tiff");
        enc.write_image::<tiff::encoder::colortype::RGB8>(w, h, cover.as_raw())
            .expect("page 1");
        enc.write_image::<tiff::encoder::colortype::Gray8>(w, h, &grey)
            .expect("page 2");
    }
    let ex = parse(&tif, "fax.tif").expect("reads");
    assert_eq!(ex.pages, 2, "{:?}", ex.notices);
    assert_eq!(ex.page_renders.len(), 2);
    assert!(ex.ocr_words.iter().any(|w| w.page == 2), "page 2 was read");
    assert!(
        ex.findings
            .iter()
            .any(|f| f.kind == sealdesk_core::pii::PiiKind::NationalId && f.value == "C181590831"),
        "{:?}",
        ex.findings
    );
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    assert_eq!(redaction.pages.len(), 2);
    let page2 = redaction.pages[1]
        .png
        .as_ref()
        .expect("page 2 shown, redacted");
    assert_seen(page2, &["C181590831", "許俊宏"], &["請依法調查"]);
}

/// An e-mail whose petition is in its attachments: the scanned letter
/// (JPEG), a PDF and a text file are read as part of the letter — the scan
/// OCR'd in the second run, as a scanned PDF's pages are — their personal
/// data found, the scan's page redacted; an attachment that cannot be read
/// is named in a notice.
#[test]
fn an_e_mails_attachments_are_read_as_the_letter() {
    use letters::b64;
    let scan = data("sample-01-scan.jpg");
    let pdf = data("sample-04.pdf");
    let note = "補充:聯絡電話 0912-345-678".as_bytes();
    let part = |ctype: &str, name: &str, body: &[u8]| {
        format!(
            "--b1\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(body)
        )
    };
    let eml = format!(
        "From: someone <s@example.com>\r\nTo: a@example.gov.tw\r\nSubject: petition\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nPlease see the attachments.\r\n{}{}{}{}--b1--\r\n",
        part("image/jpeg", "scan.jpg", &scan),
        part("application/pdf", "objection.pdf", &pdf),
        part("text/plain; charset=UTF-8", "note.txt", note),
        part("application/zip", "photos.zip", b"PK\x03\x04not really"),
    );
    let ex =
        sealdesk_intake::read_letter(&worker(), eml.as_bytes(), "petition.eml").expect("reads");
    assert_eq!(ex.attachments.len(), 4);
    assert!(ex.page_renders.len() >= 2, "the scan and the PDF's pages");
    assert!(
        ex.ocr_words.iter().any(|w| w.page == 1),
        "the scan was OCR'd"
    );
    let kinds = |k: sealdesk_core::pii::PiiKind, v: &str| {
        ex.findings.iter().any(|f| f.kind == k && f.value == v)
    };
    assert!(
        kinds(sealdesk_core::pii::PiiKind::NationalId, "C181590831"),
        "{:?}",
        ex.findings
    );
    assert!(
        kinds(sealdesk_core::pii::PiiKind::Phone, "0912345678"),
        "{:?}",
        ex.findings
    );
    assert!(
        ex.text.contains("〔附件3〕"),
        "the text attachment is in the letter"
    );
    assert!(
        ex.notices.iter().any(|n| n.contains("附件4")),
        "the unreadable attachment is named: {:?}",
        ex.notices
    );
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[]).expect("redacts");
    let scan_page = redaction.pages[0]
        .png
        .as_ref()
        .expect("the scan page, redacted");
    assert_seen(scan_page, &["C181590831", "許俊宏"], &["請依法調查"]);
}

/// One truth for text and image: a value masked in the text is boxed where
/// OCR read it again differently (O for 0, S for 5, spaced), and a box
/// covers its glyphs with a margin in proportion to their size.
#[test]
fn a_value_read_differently_elsewhere_on_the_page_is_boxed_there_too() {
    let text = "電話 0917462385 再撥 O917 462 38S 謝謝";
    let tokens = ["電話", "0917462385", "再撥", "O917", "462", "38S", "謝謝"];
    let mut words = Vec::new();
    let mut x = 10u32;
    let mut at = 0usize;
    for t in tokens {
        let start = text[at..].find(t).expect("token") + at;
        let width = 12 * t.chars().count() as u32;
        words.push(sealdesk_intake::OcrWord {
            page: 1,
            text: t.into(),
            left: x,
            top: 20,
            width,
            height: 30,
            confidence: 90.0,
            text_start: start,
            text_end: start + t.len(),
        });
        at = start + t.len();
        x += width + 14;
    }
    let page = image::RgbImage::from_pixel(x + 20, 70, image::Rgb([255, 255, 255]));
    let mut ex = Extracted::empty(SourceKind::Image, "test");
    ex.text = text.into();
    ex.pages = 1;
    ex.ocr_words = words.clone();
    ex.working_image = Some(png_of(&page));
    let findings = sealdesk_core::pii::detect(text);
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.kind == sealdesk_core::pii::PiiKind::Phone)
            .count(),
        1,
        "only the first reading is detected: {findings:?}"
    );
    let place = sealdesk_intake::redact::place(&ex, &findings);
    let boxed = |w: &sealdesk_intake::OcrWord| {
        place.boxes.iter().any(|(_, b)| {
            b.x0 <= w.left && w.left + w.width <= b.x1 && b.y0 <= w.top && w.top + w.height <= b.y1
        })
    };
    for (w, want) in words
        .iter()
        .zip([false, true, false, true, true, true, false])
    {
        assert_eq!(boxed(w), want, "{}", w.text);
    }
    // The margin grows with the glyphs: a fifth of their height.
    let first = place
        .boxes
        .iter()
        .map(|(_, b)| b)
        .find(|b| b.x0 <= words[1].left && words[1].left <= b.x1)
        .expect("box");
    assert!(words[1].left - first.x0 >= 6, "{first:?}");
}

/// Over-masking (issue 20): in typed text an ID-shaped value after an ID
/// cue whose checksum fails stays in clear, and the clerk is told (without
/// the value) to add it in review if it is one; a valid one is masked.
#[test]
fn a_typed_id_that_fails_its_checksum_is_left_to_the_clerk() {
    let text = "身分證字號：A123456788（範例）\n本人身分證字號：A123456789";
    let ex = parse(text.as_bytes(), "letter.txt").expect("reads");
    let ids: Vec<_> = ex
        .findings
        .iter()
        .filter(|f| f.kind == sealdesk_core::pii::PiiKind::NationalId)
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(ids, ["A123456789"]);
    let notice = ex
        .notices
        .iter()
        .find(|n| n.contains("檢查碼不符"))
        .expect("the clerk is told");
    assert!(!notice.contains("A123456788"), "{notice}");
}
