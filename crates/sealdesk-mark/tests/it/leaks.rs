//! Leaks of the kinds issue 25 names, generated from a marked page: a band
//! of the page cut out (top trimmed, the middle or lower third), turned
//! sideways or upside down, a grey copy without the footer, another copy's
//! footer pasted on. Each names the right copy or, for a composite, shows
//! both codes; none names a code that was not on the page.

use image::RgbImage;
use sealdesk_mark::{mark_page, read_all, trace, Channel, ExportCode, Fonts, FOOTER_PX};

use super::{grey, jpeg, png, sample_page, spec, tesseract};

const CODES: [u64; 3] = [
    0x0bad_cafe_1234_5678,
    0x9e37_79b9_7f4a_7c15,
    0x0000_0000_dead_beef,
];

fn marked(code: u64) -> RgbImage {
    let fonts = Fonts::system().expect("a CJK font");
    mark_page(&sample_page(), &spec(code, "林小華（handler）"), &fonts).expect("marks")
}

/// Rows `y0..y1` of the page above the footer, as fractions of its height.
fn band(img: &RgbImage, y0: f32, y1: f32) -> RgbImage {
    let page_h = img.height() - FOOTER_PX;
    let (a, b) = ((page_h as f32 * y0) as u32, (page_h as f32 * y1) as u32);
    image::imageops::crop_imm(img, 0, a, img.width(), b - a).to_image()
}

/// The invisible mark on its own names copy `n` (the body's QR codes are
/// read first by `trace`; this is what is left where they are not).
fn invisible_names(bytes: &[u8], n: u64, what: &str) {
    let t = sealdesk_mark::read_invisible(bytes)
        .expect("an image")
        .unwrap_or_else(|| panic!("{n:x}: the invisible mark not read from {what}"));
    assert_eq!(t.code, ExportCode(n), "{what}");
    assert_eq!(t.channel, Channel::Invisible, "{what}");
}

#[test]
fn a_band_of_the_page_without_its_top_edge_names_its_copy() {
    for n in CODES {
        let page = marked(n);
        for (what, bytes) in [
            ("2 % off the top", png(&band(&page, 0.02, 1.0))),
            (
                "the middle third, JPEG 70",
                jpeg(&band(&page, 0.34, 0.67), 70),
            ),
            (
                "the lower third, grey, JPEG 60",
                jpeg(&grey(&band(&page, 0.66, 1.0)), 60),
            ),
            (
                "a quarter off the top, grey",
                png(&grey(&band(&page, 0.25, 0.9))),
            ),
        ] {
            let t = trace(&bytes)
                .expect("an image")
                .unwrap_or_else(|| panic!("{n:x}: nothing read from {what}"));
            assert_eq!(t.code, ExportCode(n), "{what}");
            invisible_names(&bytes, n, what);
        }
    }
}

#[test]
fn a_page_turned_sideways_or_upside_down_names_its_copy() {
    let page = marked(CODES[1]);
    let body = band(&page, 0.0, 1.0);
    for (what, img) in [
        ("turned 90°", image::imageops::rotate90(&body)),
        ("turned 180°", image::imageops::rotate180(&body)),
        (
            "turned 270°, a band",
            image::imageops::rotate270(&band(&page, 0.1, 0.8)),
        ),
    ] {
        let t = trace(&jpeg(&img, 75))
            .expect("an image")
            .unwrap_or_else(|| panic!("nothing read from the page {what}"));
        assert_eq!(t.code, ExportCode(CODES[1]), "{what}");
    }
}

#[test]
fn unmarked_bands_and_pages_give_nothing() {
    let scan = image::load_from_memory(&sample_page())
        .expect("scan")
        .to_rgb8();
    for (what, img) in [
        ("the unmarked scan", scan.clone()),
        (
            "its middle third",
            image::imageops::crop_imm(&scan, 0, scan.height() / 3, scan.width(), scan.height() / 3)
                .to_image(),
        ),
        ("turned", image::imageops::rotate90(&scan)),
    ] {
        assert_eq!(
            read_all(&png(&img), None).expect("an image"),
            Vec::new(),
            "{what}"
        );
    }
}

#[test]
fn another_copys_footer_pasted_on_leaves_both_codes_on_the_page() {
    let (mine, theirs) = (marked(CODES[0]), marked(CODES[1]));
    let (w, h) = mine.dimensions();
    let mut pasted = mine.clone();
    let footer = image::imageops::crop_imm(&theirs, 0, h - FOOTER_PX, w, FOOTER_PX).to_image();
    image::imageops::replace(&mut pasted, &footer, 0, i64::from(h - FOOTER_PX));
    let readings = read_all(&jpeg(&pasted, 85), Some(&tesseract)).expect("an image");
    let by = |c: Channel| {
        readings
            .iter()
            .filter(|r| r.channel == c)
            .map(|r| r.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(by(Channel::Qr), vec![ExportCode(CODES[1])], "{readings:?}");
    assert_eq!(
        by(Channel::BodyQr),
        vec![ExportCode(CODES[0])],
        "{readings:?}"
    );
    // Two footers on one page: both QR codes are read.
    let mut two = RgbImage::from_pixel(w, FOOTER_PX * 2, image::Rgb([255, 255, 255]));
    let mine_footer = image::imageops::crop_imm(&mine, 0, h - FOOTER_PX, w, FOOTER_PX).to_image();
    image::imageops::replace(&mut two, &mine_footer, 0, 0);
    image::imageops::replace(&mut two, &footer, 0, i64::from(FOOTER_PX));
    let mut qr: Vec<ExportCode> = read_all(&png(&two), None)
        .expect("an image")
        .into_iter()
        .filter(|r| r.channel == Channel::Qr)
        .map(|r| r.code)
        .collect();
    qr.sort();
    let mut want = vec![ExportCode(CODES[0]), ExportCode(CODES[1])];
    want.sort();
    assert_eq!(qr, want);
}

#[test]
fn a_grey_copy_cut_on_the_left_names_its_copy_and_no_other() {
    // The width changed, so the invisible mark's grid is searched for; the
    // red is gone with the colour, and the tiled mark's light grey is read
    // if the grid is not found.
    let mut read = 0;
    for n in CODES {
        let page = band(&marked(n), 0.0, 1.0);
        let x0 = page.width() / 12;
        let cut =
            image::imageops::crop_imm(&page, x0, 0, page.width() - x0, page.height()).to_image();
        let readings = read_all(&jpeg(&grey(&cut), 80), Some(&tesseract)).expect("an image");
        for r in &readings {
            // Never another code: the tiled reading is within OCR's reach
            // of the code on the page.
            assert!(r.code.distance(&ExportCode(n)) <= 4, "{r:?} for {n:x}");
        }
        read += usize::from(!readings.is_empty());
    }
    assert!(read >= 2, "read {read} of 3 grey copies");
}

#[test]
fn a_copy_cut_at_a_side_or_a_third_of_the_page_names_its_copy() {
    for n in CODES {
        let page = band(&marked(n), 0.0, 1.0);
        let (w, h) = page.dimensions();
        let crop = |x: u32, y: u32, cw: u32, ch: u32| {
            image::imageops::crop_imm(&page, x, y, cw, ch).to_image()
        };
        let smaller = |img: &RgbImage| {
            image::imageops::resize(
                img,
                img.width() * 3 / 4,
                img.height() * 3 / 4,
                image::imageops::FilterType::Triangle,
            )
        };
        for (what, img) in [
            ("1 % off the left", crop(w / 100, 0, w - w / 100, h)),
            (
                "5 % off the right, grey",
                grey(&crop(0, 0, w * 95 / 100, h)),
            ),
            (
                "two thirds wide, half high, from the middle",
                crop(w / 6, h / 4, w * 2 / 3, h / 2),
            ),
            (
                "a third of the page, lower right",
                crop(w / 3, h * 2 / 3, w * 2 / 3, h / 3),
            ),
            (
                "three-quarter size, 8 % off the left",
                smaller(&crop(w * 8 / 100, 0, w * 92 / 100, h)),
            ),
        ] {
            let bytes = jpeg(&img, 75);
            let t = trace(&bytes)
                .expect("an image")
                .unwrap_or_else(|| panic!("{n:x}: nothing read from {what}"));
            assert_eq!(t.code, ExportCode(n), "{what}");
            // The lower right of this letter is blank paper, mostly the
            // body's QR codes, which name it; the invisible mark is for
            // the parts of a page they cannot cover.
            if !what.contains("lower right") {
                invisible_names(&bytes, n, what);
            }
        }
    }
}

#[test]
fn a_page_held_askew_without_its_footer_names_its_copy() {
    let page = band(&marked(CODES[2]), 0.0, 1.0);
    for deg in [-2.0f32, 1.5] {
        let askew = imageproc::geometric_transformations::rotate_about_center(
            &page,
            deg.to_radians(),
            imageproc::geometric_transformations::Interpolation::Bilinear,
            image::Rgb([255, 255, 255]),
        );
        let t = trace(&jpeg(&askew, 80))
            .expect("an image")
            .unwrap_or_else(|| panic!("nothing read from the page turned {deg}°"));
        assert_eq!(t.code, ExportCode(CODES[2]), "{deg}°");
    }
}

#[test]
fn the_tiled_mark_is_read_from_a_page_turned_sideways_or_upside_down() {
    let page = band(&marked(CODES[0]), 0.0, 1.0);
    for (what, img) in [
        ("turned 90°", image::imageops::rotate90(&page)),
        ("turned 180°", image::imageops::rotate180(&page)),
        ("turned 270°", image::imageops::rotate270(&page)),
    ] {
        let read = sealdesk_mark::read_tiled(&jpeg(&img, 80), &tesseract).expect("an image");
        assert!(
            read.iter()
                .any(|t| t.code.distance(&ExportCode(CODES[0])) <= sealdesk_mark::MAX_OCR_DISTANCE),
            "{what}: {read:?}"
        );
    }
}
