//! Marked pages, and their codes read back from the kinds of copy a leak
//! makes: the file itself, a re-compressed JPEG, a shrunk copy, a slightly
//! rotated scan, a phone photo in perspective.

use std::io::Cursor;
use std::path::PathBuf;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use imageproc::geometric_transformations::{rotate_about_center, warp, Interpolation, Projection};
use sealdesk_mark::{mark_page, trace, ExportCode, Fonts, MarkKind, MarkSpec, FOOTER_PX};

mod body_codes;
mod leaks;

fn sample_page() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-intake/tests/data/sample-01-scan.jpg");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spec(code: u64, recipient: &str) -> MarkSpec {
    MarkSpec {
        recipient: recipient.to_owned(),
        unit: "稅務管理科".into(),
        time: "2026-11-29 10:30 (UTC+8)".into(),
        level: "密".into(),
        secrecy: "解密條件：本案結案後解密".into(),
        kind: MarkKind::Export { copy: 2 },
        code: ExportCode(code),
        struck: None,
    }
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("png");
    out
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg");
    out
}

fn traced(bytes: &[u8]) -> Option<ExportCode> {
    trace(bytes).expect("an image").map(|t| t.code)
}

/// The code, read from the footer's QR code (not another channel).
/// The footer's QR code, as `read_all` reads it.
fn by_qr(bytes: &[u8]) -> Option<ExportCode> {
    sealdesk_mark::read_all(bytes, None)
        .expect("an image")
        .into_iter()
        .find(|t| t.channel == sealdesk_mark::Channel::Qr)
        .map(|t| t.code)
}

#[test]
fn export_codes_read_back_in_every_written_form() {
    for n in [0u64, 1, 0x0123_4567_89ab_cdef, u64::MAX] {
        let code = ExportCode(n);
        let grouped = code.to_string();
        assert_eq!(grouped.len(), 15, "{grouped}");
        assert_eq!(grouped.parse::<ExportCode>(), Ok(code));
        assert_eq!(
            code.compact().to_lowercase().parse::<ExportCode>(),
            Ok(code)
        );
        assert_eq!(
            format!("SD1:{}", code.compact()).parse::<ExportCode>(),
            Ok(code)
        );
    }
    assert!("ABCD".parse::<ExportCode>().is_err());
    assert!("not a code at all".parse::<ExportCode>().is_err());
}

#[test]
fn a_marked_page_is_tiled_over_and_carries_its_footer() {
    let fonts = Fonts::system().expect("a CJK font (fonts-noto-cjk)");
    let original = sample_page();
    let page = image::load_from_memory(&original).expect("page").to_rgb8();
    let marked = mark_page(&original, &spec(42, "林小華（handler）"), &fonts).expect("marks");
    assert_eq!(marked.width(), page.width());
    assert_eq!(marked.height(), page.height() + FOOTER_PX);
    // The tiled mark changes pixels all over the page, in every band of it.
    let bands = 8;
    for b in 0..bands {
        let (y0, y1) = (page.height() * b / bands, page.height() * (b + 1) / bands);
        let changed = (y0..y1)
            .flat_map(|y| (0..page.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| page.get_pixel(x, y) != marked.get_pixel(x, y))
            .count();
        let share = changed as f64 / f64::from((y1 - y0) * page.width());
        assert!(
            share > 0.02,
            "band {b}: only {:.1} % changed",
            share * 100.0
        );
    }
    // The footer has ink (its text and the QR code) where the page had none.
    let footer_ink = (page.height()..marked.height())
        .flat_map(|y| (0..marked.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| marked.get_pixel(x, y)[0] < 128)
        .count();
    assert!(footer_ink > 5_000, "{footer_ink} dark pixels in the footer");
}

#[test]
fn the_code_is_read_back_from_the_copies_a_leak_makes() {
    let fonts = Fonts::system().expect("a CJK font");
    let code = 0x5EA1_DE5C_0FFE_E042;
    let marked =
        mark_page(&sample_page(), &spec(code, "林小華（handler）"), &fonts).expect("marks");
    let want = Some(ExportCode(code));
    // The file itself.
    assert_eq!(by_qr(&png(&marked)), want, "the page itself");
    // Re-compressed as a JPEG at quality 60.
    assert_eq!(by_qr(&jpeg(&marked, 60)), want, "JPEG quality 60");
    // Scaled to half.
    let half = image::imageops::resize(
        &marked,
        marked.width() / 2,
        marked.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    assert_eq!(by_qr(&jpeg(&half, 85)), want, "scaled to 50 %");
    // Scanned 3° askew.
    let askew = rotate_about_center(
        &marked,
        3f32.to_radians(),
        Interpolation::Bilinear,
        Rgb([255, 255, 255]),
    );
    assert_eq!(by_qr(&jpeg(&askew, 85)), want, "rotated 3°");
    // A phone photo: the page in perspective on a grey desk, at an angle.
    let (w, h) = (marked.width() as f32, marked.height() as f32);
    let from = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to = [
        (0.10 * w, 0.06 * h),
        (0.93 * w, 0.02 * h),
        (0.98 * w, 0.97 * h),
        (0.03 * w, 0.90 * h),
    ];
    let projection = Projection::from_control_points(from, to).expect("a projection");
    let photo = warp(
        &marked,
        &projection,
        Interpolation::Bilinear,
        Rgb([110, 105, 100]),
    );
    assert_eq!(
        by_qr(&jpeg(&photo, 75)),
        want,
        "a phone photo in perspective"
    );
    // A page with no Sealdesk mark gives nothing, not a guess.
    assert_eq!(traced(&sample_page()), None);
}

#[test]
fn two_recipients_pages_differ_and_each_names_only_its_own() {
    let fonts = Fonts::system().expect("a CJK font");
    let a = mark_page(&sample_page(), &spec(1, "甲員（alice）"), &fonts).expect("marks");
    let b = mark_page(&sample_page(), &spec(2, "乙員（bob）"), &fonts).expect("marks");
    assert_ne!(a, b);
    assert_eq!(traced(&png(&a)), Some(ExportCode(1)));
    assert_eq!(traced(&png(&b)), Some(ExportCode(2)));
}

#[test]
fn a_page_that_is_not_an_image_is_a_clear_error() {
    let fonts = Fonts::system().expect("a CJK font");
    let err = mark_page(b"%PDF-1.4 not an image", &spec(1, "x"), &fonts).expect_err("refused");
    assert!(err.to_string().starts_with("page image"), "{err}");
    assert!(trace(b"garbage").is_err());
    let blank = DynamicImage::ImageRgb8(RgbImage::from_pixel(200, 200, Rgb([255, 255, 255])));
    assert_eq!(sealdesk_mark::trace_image(&blank), None);
}

/// OCR as the app gives it: Tesseract, English, sparse text.
fn tesseract(png: &[u8]) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", "eng", "--psm", "11"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(png).ok()?;
    let out = child.wait_with_output().ok()?;
    String::from_utf8(out.stdout).ok()
}

#[test]
fn with_the_footer_cut_off_the_code_is_read_from_the_tiled_mark() {
    // Several codes, so the reading does not rest on one lucky string.
    for n in [
        0x0bad_cafe_1234_5678u64,
        0x5555_2222_aaaa_7777,
        0x9e37_79b9_7f4a_7c15,
    ] {
        footer_cut_off(ExportCode(n));
    }
}

fn footer_cut_off(code: ExportCode) {
    let fonts = Fonts::system().expect("a CJK font");
    let marked =
        mark_page(&sample_page(), &spec(code.0, "林小華（handler）"), &fonts).expect("marks");
    // The footer (and its QR code) cut off, and saved as a JPEG.
    let page_h = marked.height() - FOOTER_PX;
    let cropped = image::imageops::crop_imm(&marked, 0, 0, marked.width(), page_h).to_image();
    let bytes = jpeg(&cropped, 75);
    let t = sealdesk_mark::trace_tiled_text(&bytes, &tesseract)
        .expect("an image")
        .unwrap_or_else(|| panic!("{code} not read from the tiled mark"));
    // OCR may get a character or two wrong (J as I …); the ledger lookup
    // takes the nearest code given out.
    assert!(
        t.code.distance(&code) <= sealdesk_mark::MAX_OCR_DISTANCE,
        "{} read for {code}",
        t.code
    );
    assert_eq!(t.channel, sealdesk_mark::Channel::TiledText);
    assert!(t.confidence > 0.5, "{}", t.confidence);
    // The unmarked page gives nothing by any channel.
    assert_eq!(
        sealdesk_mark::trace_with_ocr(&sample_page(), &tesseract).expect("an image"),
        None
    );
}

#[test]
fn ocr_distance_counts_common_misreadings_as_half() {
    let given: ExportCode = "I3DM-Z74D-72PEO".parse().expect("code");
    let read: ExportCode = "I3OM-274U-72PEQ".parse().expect("code");
    // D as O, Z as 2, O as Q: half each; D as U: a whole one.
    assert_eq!(given.distance(&read), 4);
    assert_eq!(given.ocr_distance(&read), 2.5);
    assert_eq!(given.ocr_distance(&given), 0.0);
}

#[test]
fn codes_differ_by_their_characters() {
    let a = ExportCode(0xD65B_2A4C_7E91_0F3B);
    assert_eq!(a.distance(&a), 0);
    let b: ExportCode = a
        .compact()
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 3 {
                if c == 'A' {
                    'B'
                } else {
                    'A'
                }
            } else {
                c
            }
        })
        .collect::<String>()
        .parse()
        .expect("a code");
    assert_eq!(a.distance(&b), 1);
    assert!(a.distance(&ExportCode(!a.0)) > sealdesk_mark::MAX_OCR_DISTANCE);
}

/// The page as a copier or a scanner in grey gives it back: no red left.
fn grey(img: &RgbImage) -> RgbImage {
    DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img.clone()).to_luma8()).to_rgb8()
}

#[test]
fn with_the_footer_cut_off_the_invisible_mark_still_names_the_copy() {
    let fonts = Fonts::system().expect("a CJK font");
    for n in [0x0bad_cafe_1234_5678u64, 0x9e37_79b9_7f4a_7c15, 7] {
        let code = ExportCode(n);
        let marked =
            mark_page(&sample_page(), &spec(code.0, "林小華（handler）"), &fonts).expect("marks");
        let page_h = marked.height() - FOOTER_PX;
        let cropped = image::imageops::crop_imm(&marked, 0, 0, marked.width(), page_h).to_image();
        let half = image::imageops::resize(
            &cropped,
            cropped.width() / 2,
            cropped.height() / 2,
            image::imageops::FilterType::Triangle,
        );
        for (what, bytes) in [
            ("cropped, PNG", png(&cropped)),
            ("cropped, JPEG 75", jpeg(&cropped, 75)),
            ("cropped, JPEG 50", jpeg(&cropped, 50)),
            ("cropped, grey copy, JPEG 60", jpeg(&grey(&cropped), 60)),
            ("cropped, half size, JPEG 60", jpeg(&half, 60)),
            (
                "bottom half cut off too",
                png(
                    &image::imageops::crop_imm(&marked, 0, 0, marked.width(), page_h / 2)
                        .to_image(),
                ),
            ),
        ] {
            let t = trace(&bytes)
                .expect("an image")
                .unwrap_or_else(|| panic!("{code}: nothing read from the {what} page"));
            assert_eq!(t.code, code, "{what}");
            // The body's QR codes are read first; the invisible mark on
            // its own names the copy too.
            let t = sealdesk_mark::read_invisible(&bytes)
                .expect("an image")
                .unwrap_or_else(|| panic!("{code}: the invisible mark not read from {what}"));
            assert_eq!(t.code, code, "{what}");
            assert_eq!(t.channel, sealdesk_mark::Channel::Invisible, "{what}");
            assert!(t.confidence > 0.25, "{what}: {}", t.confidence);
        }
    }
    // No mark, no reading: the unmarked page, a blank page, a marked page
    // of another code cut in half and glued to this one (the check fails).
    assert_eq!(traced(&sample_page()), None);
    assert_eq!(
        traced(&png(&RgbImage::from_pixel(
            1240,
            1754,
            Rgb([255, 255, 255])
        ))),
        None
    );
}

#[test]
fn the_invisible_mark_is_faint() {
    // Within 8 levels of 255 wherever the tiled mark and footer are not:
    // the page reads as it did.
    let fonts = Fonts::system().expect("a CJK font");
    let blank = RgbImage::from_pixel(1240, 1754, Rgb([255, 255, 255]));
    let marked = mark_page(&png(&blank), &spec(99, "x"), &fonts).expect("marks");
    let mut light = 0usize;
    let mut total = 0usize;
    for y in 0..1754 {
        for x in 0..1240 {
            let p = marked.get_pixel(x, y);
            if p[0] == p[1] && p[1] == p[2] {
                total += 1;
                if p[0] >= 247 {
                    light += 1;
                }
            }
        }
    }
    assert!(total > 1_500_000, "{total} untinted pixels");
    // Grey pixels darker than that are only the faintest rims of the tiled
    // text, where its red rounds away: fewer than 1 in 1,000.
    assert!(
        (total - light) * 1000 < total,
        "{} of {total} grey pixels are more than 8 levels from white",
        total - light
    );
}

#[test]
fn an_exported_pdf_scanned_back_at_100_dpi_is_traced() {
    let fonts = Fonts::system().expect("a CJK font");
    let code = ExportCode(0x1234_5678_9abc_def0);
    let marked =
        mark_page(&sample_page(), &spec(code.0, "林小華（handler）"), &fonts).expect("marks");
    let pdf = sealdesk_mark::raster_pdf(&[marked], 150.0);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("copy.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let out = std::process::Command::new("pdftoppm")
        .args([
            "-r",
            "100",
            "-jpeg",
            "-jpegopt",
            "quality=60",
            "-singlefile",
        ])
        .arg(&path)
        .arg(dir.path().join("scan"))
        .status()
        .expect("pdftoppm");
    assert!(out.success());
    let bytes = std::fs::read(dir.path().join("scan.jpg")).expect("scan");
    let t = trace(&bytes).expect("image").expect("a code");
    assert_eq!(t.code, code);
}

#[test]
fn an_exported_pdf_is_images_only_one_page_each() {
    let fonts = Fonts::system().expect("a CJK font");
    let pages: Vec<RgbImage> = (0..3)
        .map(|i| {
            mark_page(&sample_page(), &spec(100 + i, "林小華（handler）"), &fonts).expect("marks")
        })
        .collect();
    let (w, h) = pages[0].dimensions();
    let pdf = sealdesk_mark::raster_pdf(&pages, 150.0);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("copy.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let tool = |name: &str, args: &[&str]| {
        let out = std::process::Command::new(name)
            .args(args)
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let info = tool("pdfinfo", &[]);
    assert!(info.contains("Pages:           3"), "{info}");
    // The page is the image's size at 150 dpi.
    let size = format!(
        "{:.2} x {:.2} pts",
        w as f32 * 72.0 / 150.0,
        h as f32 * 72.0 / 150.0
    );
    assert!(info.contains(&size), "{size} not in {info}");
    // No text layer: nothing to copy out, no mark to strip.
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty());
    // One full-size image a page.
    let images = tool("pdfimages", &["-list"]);
    let rows: Vec<&str> = images.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{images}");
    for r in rows {
        let f: Vec<&str> = r.split_whitespace().collect();
        assert_eq!(
            (f[3], f[4], f[5]),
            (w.to_string().as_str(), h.to_string().as_str(), "rgb"),
            "{r}"
        );
    }
}

/// A declassified letter's copy: the old 密等 and period struck through
/// with a double line (two dark rows across the words), the new marking
/// after them, and the code still traced.
#[test]
fn a_declassified_copy_strikes_its_old_marking_through_and_still_traces() {
    let fonts = Fonts::system().expect("a Traditional Chinese face");
    let blank = RgbImage::from_pixel(1240, 1754, Rgb([255, 255, 255]));
    let plain = sealdesk_mark::mark_image(&blank, &spec(77, "handler"), &fonts).expect("mark");
    let mut s = spec(77, "handler");
    s.struck = Some("已解密（解密條件成就，民國116年2月5日）".into());
    let struck = sealdesk_mark::mark_image(&blank, &s, &fonts).expect("mark");
    // A row is "ruled" when most of its first 300 px of the footer line is dark.
    let ruled = |img: &RgbImage| -> Vec<u32> {
        (1754 + 22..1754 + 22 + 36)
            .filter(|&y| (40..340).filter(|&x| img.get_pixel(x, y).0[0] < 80).count() > 240)
            .collect()
    };
    assert!(
        ruled(&plain).is_empty(),
        "no rule without a declassification"
    );
    let rows = ruled(&struck);
    assert!(rows.len() >= 4, "two lines of two pixels: {rows:?}");
    let first = rows[0];
    assert!(
        rows.iter().any(|&y| y >= first + 6),
        "two separate lines: {rows:?}"
    );
    assert_eq!(traced(&png(&struck)), Some(ExportCode(77)));
}
