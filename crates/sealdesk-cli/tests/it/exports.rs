//! Marked copies through the binary: request, approval, the file written
//! only after its record, the copy register, and a photo of an exported page
//! traced back to its copy. The writer of the vault file (threat row T10)
//! is played with Python's sqlite3 on the file itself.

use super::*;

/// Runs a statement on the vault file as a writer of it would.
fn sql(cli: &Cli, statement: &str) {
    let db = cli.vault.join("vault.sqlite");
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()",
        )
        .arg(&db)
        .arg(statement)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The auditor's view of the ledger: each entry's body.
fn entries(cli: &Cli, audi: Option<(&str, &str)>) -> Vec<Value> {
    let r = cli.run(audi, &[], &["ledger", "entries"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e.get("body").cloned().unwrap_or_else(|| e.clone()))
        .collect()
}

/// Page 1 of a PDF as a scanner would give it back: rendered by poppler.
fn pdf_page_png(pdf: &Path, dir: &Path) -> PathBuf {
    let stem = dir.join("scan");
    let out = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .output()
        .expect("pdftoppm");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stem.with_extension("png")
}

#[test]
fn t10_an_export_is_approved_recorded_before_written_registered_and_traced() {
    let cli = Cli::new();
    let recovery = cli.init();
    for (n, r, u) in [
        ("lin", "clerk", Some("秘書室")),
        ("chen", "supervisor", Some("稅務管理科")),
        ("wang", "handler", Some("稅務管理科")),
        ("li", "handler", Some("稅務管理科")),
        ("audi", "auditor", None),
    ] {
        assert_eq!(cli.add(n, r, u).code, 0);
    }
    let r = cli.run(
        None,
        &[("SEALDESK_RECOVERY_CODE", &recovery)],
        &["recover", "--grant-ledger", "audi"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (lin, chen, wang, li, audi) = (
        Some(("lin", "lin-passphrase")),
        Some(("chen", "chen-passphrase")),
        Some(("wang", "wang-passphrase")),
        Some(("li", "li-passphrase")),
        Some(("audi", "audi-passphrase")),
    );
    let r = cli.register(lin, "sample-01.pdf", "whistleblower", "2030-12-31");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letter = r.json()["letter_id"].as_str().expect("id").to_owned();
    let r = cli.run(
        lin,
        &[],
        &[
            "route",
            &letter,
            "--unit",
            "稅務管理科",
            "--handler",
            "wang",
            "--reason",
            "請承辦",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let route = r.json()["id"].as_str().expect("request").to_owned();
    assert_eq!(
        cli.run(chen, &[], &["approve", &route, "--reason", "同意"])
            .code,
        0
    );

    // Someone not assigned the letter cannot ask for a copy.
    let r = cli.run(
        li,
        &[],
        &[
            "export",
            "request",
            &letter,
            "--to",
            "li",
            "--reason",
            "想要一份",
        ],
    );
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (2, "denied"),
        "{}",
        r.stderr
    );

    let dir = tempfile::tempdir().expect("tmp");
    let out1 = dir.path().join("copy1.pdf");
    let request = |to: &str, why: &str| {
        let r = cli.run(
            wang,
            &[],
            &["export", "request", &letter, "--to", to, "--reason", why],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["kind"], "export");
        assert_eq!(v["status"], "pending");
        v["id"].as_str().expect("id").to_owned()
    };
    let run = |req: &str, format: &str, out: &Path| {
        cli.run(
            wang,
            &[],
            &[
                "export",
                "run",
                req,
                "--format",
                format,
                "--out",
                out.to_str().expect("utf8"),
            ],
        )
    };
    let r1 = request("wang", "送法制室研議");
    let r = cli.run(wang, &[], &["export", "requests"]);
    assert_eq!(r.json()["requests"][0]["id"], r1.as_str(), "{}", r.stdout);

    // Unapproved: refused, recorded, nothing written.
    let r = run(&r1, "pdf", &out1);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (2, "denied"),
        "{}",
        r.stderr
    );
    assert!(!out1.exists());
    let denied = entries(&cli, audi);
    assert!(
        denied.iter().any(|e| e["action"] == "export"
            && e["outcome"] == "denied"
            && e["assignment"] == r1.as_str()),
        "the refused export is not in the ledger"
    );

    // T10: a writer sets the request to approved by hand. Where a request
    // stands is the signed facts' to say: the row no longer says what they
    // say, so the export is refused as `integrity`, and nothing is written.
    sql(
        &cli,
        &format!("UPDATE requests SET status='approved', decided_by=(SELECT id FROM users WHERE name='chen'), decided_at=1 WHERE id='{r1}';"),
    );
    let r = run(&r1, "pdf", &out1);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (3, "integrity"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("not as its requester signed it"),
        "{}",
        r.stderr
    );
    assert!(!out1.exists());
    sql(
        &cli,
        &format!("UPDATE requests SET status='pending', decided_by=NULL, decided_at=NULL WHERE id='{r1}';"),
    );

    // Only a supervisor of the unit approves; the requester cannot.
    let r = cli.run(wang, &[], &["approve", &r1, "--reason", "自己核准"]);
    assert_ne!(r.code, 0);
    let r = cli.run(chen, &[], &["requests"]);
    assert!(
        r.json()["requests"]
            .as_array()
            .is_some_and(|xs| xs.iter().any(|x| x["id"] == r1.as_str())),
        "the copy request is in the supervisor's queue: {}",
        r.stdout
    );
    let r = cli.run(chen, &[], &["approve", &r1, "--reason", "准予匯出"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["status"], "approved", "{}", r.stdout);

    // The ledger cannot be written: the copy is not made.
    sql(
        &cli,
        "CREATE TRIGGER ledger_broken BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    let r = run(&r1, "pdf", &out1);
    assert_ne!(r.code, 0, "a copy was made without its record");
    assert!(!out1.exists(), "the file exists without its record");
    sql(&cli, "DROP TRIGGER ledger_broken;");

    // Approved and recordable: the file is written, and its record is
    // in the ledger.
    let r = run(&r1, "pdf", &out1);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = r.json();
    assert!(out1.exists());
    assert!(std::fs::read(&out1).expect("pdf").starts_with(b"%PDF"));
    assert_eq!(done["copy"]["copy_no"], 1);
    assert_eq!(done["copy"]["recipient"], "wang");
    assert_eq!(done["copy"]["approved_by"], "chen");
    let code1 = done["copy"]["code"].as_str().expect("code").to_owned();
    let after = entries(&cli, audi);
    assert!(
        after.iter().any(|e| e["action"] == "export"
            && e["outcome"] == "allowed"
            && e["detail"]
                .as_str()
                .is_some_and(|d| d.ends_with(&format!("mark {code1}")))),
        "no export entry names the copy's code"
    );
    // Once only.
    let again = dir.path().join("again.pdf");
    let r = run(&r1, "pdf", &again);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (2, "denied"),
        "{}",
        r.stderr
    );
    assert!(!again.exists());

    // A second recipient gets a copy of their own: another number, another
    // code, their own name.
    let r2 = request("li", "交李員協辦");
    assert_eq!(
        cli.run(chen, &[], &["approve", &r2, "--reason", "同意"])
            .code,
        0
    );
    let out2 = dir.path().join("copy2");
    let r = run(&r2, "png", &out2);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done2 = r.json();
    assert_eq!(done2["copy"]["copy_no"], 2);
    assert_eq!(done2["copy"]["recipient"], "li");
    let code2 = done2["copy"]["code"].as_str().expect("code").to_owned();
    assert_ne!(code1, code2);
    let page2 = out2.join("page-01.png");
    assert!(page2.exists(), "{done2}");

    // OCR of an exported page reads the letter but none of its identity.
    let png = std::fs::read(&page2).expect("png");
    let seen = sealdesk_intake::ocr::ocr_page(&png, 1).expect("ocr");
    let seen: String = seen.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        seen.contains("請依法調查"),
        "the page is unreadable: {seen}"
    );
    for value in [
        "C181590831",
        "0901661318",
        "sdhu81@gmail.com",
        "中央西路二段26號",
        "許俊宏",
        "廖雅君",
    ] {
        assert!(!seen.contains(value), "{value} is on the exported page");
    }

    // The copy register: both copies, for the clerk (reasons from the
    // requests) and the auditor (reasons from the ledger), each verified.
    for who in [lin, audi] {
        let r = cli.run(who, &[], &["export", "list", &letter]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let xs = r.json();
        let xs = xs["copies"].as_array().expect("copies");
        assert_eq!(xs.len(), 2, "{xs:?}");
        assert_eq!(xs[0]["recipient"], "wang");
        assert_eq!(xs[0]["reason"], "送法制室研議");
        assert_eq!(xs[1]["recipient"], "li");
        assert_eq!(xs[1]["reason"], "交李員協辦");
        assert!(xs.iter().all(|x| x["verified"] == true), "{xs:?}");
    }
    let r = cli.run(wang, &[], &["export", "list", &letter]);
    assert_eq!(r.error_kind(), "denied", "{}", r.stderr);

    // Each page names only its own copy: the PDF, printed and scanned back
    // (poppler), then photographed (JPEG at quality 60), traces to copy 1
    // for wang; copy 2's page to li.
    let scan = pdf_page_png(&out1, dir.path());
    let img = image::open(&scan).expect("scan").to_rgb8();
    let photo = dir.path().join("photo.jpg");
    write_jpeg(&photo, &img, 60);
    for (file, code, copy_no, recipient) in [
        (photo.as_path(), &code1, 1, "wang"),
        (page2.as_path(), &code2, 2, "li"),
    ] {
        let r = cli.run(audi, &[], &["trace", file.to_str().expect("utf8")]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["code"], code.as_str(), "{v}");
        assert_eq!(v["entry"]["action"], "export", "{v}");
        assert_eq!(v["entry"]["user"], "wang", "{v}");
        assert_eq!(v["copy"]["copy_no"], copy_no, "{v}");
        assert_eq!(v["copy"]["recipient"], recipient, "{v}");
        assert_eq!(v["copy"]["approved_by"], "chen", "{v}");
        assert_eq!(v["verdict"], "confirmed", "{v}");
        assert_eq!(v["certain"], true, "{v}");
    }
    composites_name_no_innocent(&cli, audi, &img, &page2, &code1, &code2, dir.path());

    // T10: a writer re-addresses copy 2 in the register to someone else.
    // The row no longer matches its maker's signature: the register is
    // `integrity` (exit 3), naming the copy, rather than a list to trust.
    sql(
        &cli,
        "UPDATE copies SET recipient=(SELECT id FROM users WHERE name='lin') WHERE recipient=(SELECT id FROM users WHERE name='li');",
    );
    let r = cli.run(audi, &[], &["export", "list", &letter]);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (3, "integrity"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("copy 2"), "{}", r.stderr);
}

/// A leaker who pastes a colleague's footer over their own copy, splices
/// two copies, or sends the footer alone: the trace checks every channel
/// against the others and never names a recipient on the footer's word.
fn composites_name_no_innocent(
    cli: &Cli,
    audi: Option<(&str, &str)>,
    copy1: &image::RgbImage,
    page2: &Path,
    code1: &str,
    code2: &str,
    dir: &Path,
) {
    let copy2 = image::open(page2).expect("copy 2").to_rgb8();
    let copy1 = image::imageops::resize(
        copy1,
        copy2.width(),
        copy2.height(),
        image::imageops::FilterType::Triangle,
    );
    let (w, h) = copy2.dimensions();
    let footer = sealdesk_mark::FOOTER_PX;
    let trace = |img: &image::RgbImage, name: &str| {
        let file = dir.join(name);
        write_jpeg(&file, img, 85);
        cli.run(audi, &[], &["trace", file.to_str().expect("utf8")])
    };
    let codes = |v: &Value| -> Vec<String> {
        v["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .map(|c| c["code"].as_str().expect("code").to_owned())
            .collect()
    };

    // Copy 2 (li's) with copy 1's footer (wang's) pasted over its own.
    let mut pasted = copy2.clone();
    let band = image::imageops::crop_imm(&copy1, 0, h - footer, w, footer).to_image();
    image::imageops::replace(&mut pasted, &band, 0, i64::from(h - footer));
    let r = trace(&pasted, "pasted.jpg");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["verdict"], "conflict", "{v}");
    assert_eq!(v["certain"], false, "{v}");
    assert!(v["entry"].is_null() && v["copy"].is_null(), "{v}");
    let found = codes(&v);
    assert!(
        found.contains(&code1.to_owned()) && found.contains(&code2.to_owned()),
        "both codes are evidence: {v}"
    );

    // The footer alone: it may come from anywhere, so it names no one.
    let band2 = image::imageops::crop_imm(&copy2, 0, h - footer, w, footer).to_image();
    let r = trace(&band2, "footer.jpg");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["verdict"], "footer_only", "{v}");
    assert!(v["entry"].is_null() && v["copy"].is_null(), "{v}");
    assert_eq!(codes(&v), vec![code2.to_owned()], "{v}");

    // Spliced: the top half of copy 1 over copy 2. Whatever is read, no
    // one outside the two copies is named, and a certain trace names one
    // of them.
    let mut spliced = copy2.clone();
    let top = image::imageops::crop_imm(&copy1, 0, 0, w, h / 2).to_image();
    image::imageops::replace(&mut spliced, &top, 0, 0);
    let r = trace(&spliced, "spliced.jpg");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    for c in codes(&v) {
        assert!(c == code1 || c == code2, "an innocent code: {v}");
    }
    if v["certain"] == true {
        let n = v["copy"]["copy_no"].as_u64().expect("copy");
        assert!(n == 1 || n == 2, "{v}");
    }

    // A page marked with a code this vault never gave out: not found, not
    // a success with an empty entry.
    let fonts = sealdesk_mark::Fonts::system().expect("fonts");
    let spec = sealdesk_mark::MarkSpec {
        recipient: "某人".into(),
        unit: "他機關".into(),
        time: "2026-12-06 10:00（UTC+8）".into(),
        level: "密".into(),
        secrecy: "保密期限：2030-12-31".into(),
        kind: sealdesk_mark::MarkKind::Export { copy: 1 },
        code: sealdesk_mark::ExportCode(0x5eed_5eed_5eed_5eed),
        struck: None,
    };
    let blank = image::RgbImage::from_pixel(1240, 1754, image::Rgb([255, 255, 255]));
    let stranger = sealdesk_mark::mark_image(&blank, &spec, &fonts).expect("mark");
    let r = trace(&stranger, "stranger.jpg");
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.error_kind(), "not_found", "{}", r.stderr);
}
