//! The clerk's own boxes: what detection missed, boxed on a page image at
//! registration, is blacked out there and masked in the text wherever it
//! appears.

use super::*;

/// The pixel box around the first run of `word`'s glyphs on page 1 of a PDF,
/// as the page is rendered for redaction (what the clerk sees and draws on).
fn box_around(pdf: &[u8], word: &str) -> (u32, u32, u32, u32) {
    let pages = sealdesk_intake::render::render_pdf(pdf).expect("renders");
    let glyphs = &pages[0].glyphs;
    let want: Vec<char> = word.chars().collect();
    let at = (0..glyphs.len() - want.len())
        .find(|&i| (0..want.len()).all(|k| glyphs[i + k].ch == want[k]))
        .unwrap_or_else(|| panic!("{word} is not on page 1"));
    let run = &glyphs[at..at + want.len()];
    let x0 = run.iter().map(|g| g.x0).fold(f32::MAX, f32::min);
    let y0 = run.iter().map(|g| g.y0).fold(f32::MAX, f32::min);
    let x1 = run.iter().map(|g| g.x1).fold(f32::MIN, f32::max);
    let y1 = run.iter().map(|g| g.y1).fold(f32::MIN, f32::max);
    (
        x0.floor() as u32 - 2,
        y0.floor() as u32 - 2,
        x1.ceil() as u32 + 2,
        y1.ceil() as u32 + 2,
    )
}

#[test]
fn a_box_drawn_over_a_missed_name_masks_it_on_the_page_and_in_the_text() {
    let cli = Cli::new();
    cli.init();
    assert_eq!(cli.add("lin", "clerk", Some("秘書室")).code, 0);
    let lin = Some(("lin", "lin-passphrase"));
    let path = sample("sample-01.pdf");
    let pdf = std::fs::read(&path).expect("sample");
    // Detection "missed" the name (the clerk's review drops it), and the
    // clerk boxes its first occurrence on the page instead.
    let (x0, y0, x1, y1) = box_around(&pdf, "許俊宏");
    let register = |boxes: &[String]| {
        let mut args = vec![
            "register",
            "--subject",
            "測試案由",
            path.to_str().expect("utf8"),
            "--category",
            "whistleblower",
            "--until",
            "2030-12-31",
            "--drop-finding",
            "許俊宏",
        ];
        for b in boxes {
            args.extend(["--redact-box", b.as_str()]);
        }
        cli.run(lin, &[], &args)
    };
    // A box off the page, empty, or malformed is refused, and nothing is
    // registered.
    for bad in [
        "1:10,10,10,40",
        "9:10,10,40,40",
        "1:10,10,99999,40",
        "1:1,2,3",
    ] {
        let r = register(&[bad.to_owned()]);
        assert_ne!(r.code, 0, "{bad} accepted");
        assert!(
            matches!(r.error_kind().as_str(), "bad_input" | "usage"),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = register(&[format!("1:{x0},{y0},{x1},{y1}:person")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    // The text under the box became a finding…
    assert!(
        v["findings"].as_array().is_some_and(|f| f
            .iter()
            .any(|x| x["kind"] == "person" && x["value"] == "許俊宏")),
        "{v}"
    );
    let receipt = v["receipt_no"].as_str().expect("receipt").to_owned();
    let r = cli.run(lin, &[], &["open", &receipt, "--reason", "核對框選"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let opened = r.json();
    // …so the working copy masks it everywhere it is written…
    let text = opened["text"].as_str().expect("text");
    assert!(!text.contains("許俊宏"), "{text}");
    assert!(text.contains("〔姓名"), "{text}");
    // …and the page, read by OCR as a person would read it, shows it nowhere.
    let pages = opened["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1, "the page is shown, not withheld");
    let png = data_encoding::BASE64
        .decode(pages[0]["png_base64"].as_str().expect("png").as_bytes())
        .expect("base64");
    let seen = sealdesk_intake::ocr::ocr_page(&png, 1).expect("ocr");
    let seen: String = seen.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(seen.contains("請依法調查"), "{seen}");
    assert!(
        !seen.contains("許俊宏"),
        "the boxed name is readable: {seen}"
    );
}

/// A handler's screen shows pages with their mark; a phone-quality copy of
/// one (a JPEG at quality 60) leads the auditor back to that view.
#[test]
fn a_photo_of_a_shown_page_is_traced_to_its_view() {
    let cli = Cli::new();
    let recovery = cli.init();
    assert_eq!(cli.add("lin", "clerk", Some("秘書室")).code, 0);
    assert_eq!(cli.add("audi", "auditor", None).code, 0);
    let r = cli.run(
        None,
        &[("SEALDESK_RECOVERY_CODE", &recovery)],
        &["recover", "--grant-ledger", "audi"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lin = Some(("lin", "lin-passphrase"));
    let audi = Some(("audi", "audi-passphrase"));
    let r = cli.register(lin, "sample-01-scan.jpg", "petition", "2030-12-31");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let receipt = r.json()["receipt_no"].as_str().expect("receipt").to_owned();
    let r = cli.run(lin, &[], &["open", &receipt, "--reason", "核對掃描"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = r.json()["pages"].as_array().expect("pages").clone();
    let png = data_encoding::BASE64
        .decode(pages[0]["png_base64"].as_str().expect("png").as_bytes())
        .expect("base64");
    // The page as shown is marked: taller than the scan (the footer band).
    let shown = image::load_from_memory(&png).expect("png").to_rgb8();
    let scan = image::open(sample("sample-01-scan.jpg")).expect("jpg");
    assert!(shown.height() > scan.height(), "no footer band");
    // Photographed: re-compressed at quality 60.
    let dir = tempfile::tempdir().expect("tmp");
    let photo = dir.path().join("photo.jpg");
    write_jpeg(&photo, &shown, 60);
    // Only an auditor traces.
    let r = cli.run(lin, &[], &["trace", photo.to_str().expect("utf8")]);
    assert_ne!(r.code, 0);
    assert_eq!(r.error_kind(), "denied", "{}", r.stderr);
    let r = cli.run(audi, &[], &["trace", photo.to_str().expect("utf8")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["channel"], "qr", "{v}");
    assert_eq!(v["entry"]["user"], "lin", "{v}");
    assert_eq!(v["entry"]["action"], "view", "{v}");
    assert_eq!(v["entry"]["receipt_no"], receipt.as_str(), "{v}");
    assert_eq!(v["entry"]["reason"], "核對掃描", "{v}");
    // The footer (with its QR code) cut off, and copied in grey (the red
    // tiled mark gone with it): the QR codes on the page's blank paper
    // name the view; so does the page cut on the left as well.
    let page_only =
        image::imageops::crop_imm(&shown, 0, 0, shown.width(), scan.height()).to_image();
    let grey = image::DynamicImage::ImageLuma8(
        image::DynamicImage::ImageRgb8(page_only.clone()).to_luma8(),
    )
    .to_rgb8();
    let x0 = page_only.width() / 16;
    let narrow = image::imageops::crop_imm(
        &page_only,
        x0,
        0,
        page_only.width() - x0,
        page_only.height(),
    )
    .to_image();
    for (name, img) in [("cropped.jpg", grey), ("cut.jpg", narrow)] {
        let path = dir.path().join(name);
        write_jpeg(&path, &img, 75);
        let r = cli.run(audi, &[], &["trace", path.to_str().expect("utf8")]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let w = r.json();
        assert_eq!(w["channel"], "body_qr", "{name}: {w}");
        assert_eq!(w["verdict"], "body", "{name}: {w}");
        assert_eq!(w["code"], v["code"], "{name}: {w}");
        assert_eq!(w["entry"]["user"], "lin", "{name}: {w}");
    }
    // An image with no mark: a clear not-found, not a guess.
    let r = cli.run(
        audi,
        &[],
        &[
            "trace",
            sample("sample-01-scan.jpg").to_str().expect("utf8"),
        ],
    );
    assert_ne!(r.code, 0);
    assert_eq!(r.error_kind(), "not_found", "{}", r.stderr);
}
