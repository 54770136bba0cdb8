//! The QR codes in the page body (issue 25): on blank paper only, never
//! over the letter; read from the leaks that wipe the faint marks (a grey
//! copy with its contrast raised, a scanner app's black and white, a phone
//! photo in perspective at JPEG 60, a page of text with only its margins
//! blank); copies averaged show only their own recipients' codes.

use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{warp, Interpolation, Projection};
use sealdesk_mark::{mark_page, read_all, Channel, ExportCode, Fonts, FOOTER_PX};

use super::{grey, jpeg, png, sample_page, spec};

const CODES: [u64; 3] = [
    0x0bad_cafe_1234_5678,
    0x9e37_79b9_7f4a_7c15,
    0x0000_0000_dead_beef,
];

fn marked_from(page: &[u8], code: u64) -> RgbImage {
    let fonts = Fonts::system().expect("a CJK font");
    mark_page(page, &spec(code, "林小華（handler）"), &fonts).expect("marks")
}

fn body(img: &RgbImage) -> RgbImage {
    image::imageops::crop_imm(img, 0, 0, img.width(), img.height() - FOOTER_PX).to_image()
}

/// The codes the page body names (not the footer's QR code).
fn body_codes(bytes: &[u8]) -> Vec<ExportCode> {
    let mut codes: Vec<ExportCode> = read_all(bytes, None)
        .expect("an image")
        .into_iter()
        .filter(|r| r.channel != Channel::Qr)
        .map(|r| r.code)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// A page of text to its margins: the body's codes have only the margins.
fn full_page_of_text() -> Vec<u8> {
    let fonts = Fonts::system().expect("a CJK font");
    let text =
        "主旨：檢舉本局某承辦人員疑似收受業者招待，請依法調查並對檢舉人身分予以保密。".repeat(60);
    png(&sealdesk_mark::text_pages(&text, &fonts)[0])
}

/// A phone photo: the page in perspective on a brown desk, a warm cast
/// and a shadow from one side.
fn photo(page: &RgbImage, quality: u8) -> Vec<u8> {
    let (w, h) = (page.width() as f32, page.height() as f32);
    let from = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to = [
        (w * 0.05, h * 0.03),
        (w * 0.93, h * 0.06),
        (w * 0.97, h * 0.95),
        (w * 0.02, h * 0.97),
    ];
    let p = Projection::from_control_points(from, to).expect("a projection");
    let mut shot = warp(page, &p, Interpolation::Bilinear, Rgb([120, 96, 78]));
    for (x, _, px) in shot.enumerate_pixels_mut() {
        let shade = 0.8 + 0.2 * x as f32 / w;
        for (c, cast) in [1.04f32, 1.0, 0.9].iter().enumerate() {
            px[c] = (f32::from(px[c]) * cast * shade).clamp(0.0, 255.0) as u8;
        }
    }
    jpeg(&shot, quality)
}

#[test]
fn body_codes_never_cover_the_letter() {
    for page in [sample_page(), full_page_of_text()] {
        let original = image::load_from_memory(&page).expect("page").to_luma8();
        let marked = marked_from(&page, CODES[0]);
        let marked = image::DynamicImage::ImageRgb8(marked).to_luma8();
        // Every pixel of the letter's ink is still ink (the tiled mark is
        // laid over it, never a code's white quiet zone).
        let lost = original
            .enumerate_pixels()
            .filter(|(_, _, p)| p[0] < 100)
            .filter(|&(x, y, _)| marked.get_pixel(x, y)[0] > 160)
            .count();
        assert_eq!(lost, 0, "pixels of the letter painted over");
        // And the page carries codes: read from the body alone.
        let bytes = png(&body(&image::DynamicImage::ImageLuma8(marked).to_rgb8()));
        assert_eq!(body_codes(&bytes), vec![ExportCode(CODES[0])]);
    }
}

#[test]
fn grey_and_black_and_white_copies_without_the_footer_name_their_copy() {
    for n in CODES {
        let page = body(&marked_from(&sample_page(), n));
        // A photocopier: grey, contrast raised, the paper's tint gone white.
        let mut copier = grey(&page);
        for px in copier.pixels_mut() {
            for c in 0..3 {
                px[c] = ((f32::from(px[c]) - 128.0) * 1.3 + 150.0).clamp(0.0, 255.0) as u8;
            }
        }
        // A scanner app's black and white: one threshold for the page.
        let g = image::DynamicImage::ImageRgb8(page.clone()).to_luma8();
        let level = imageproc::contrast::otsu_level(&g);
        let bw =
            imageproc::contrast::threshold(&g, level, imageproc::contrast::ThresholdType::Binary);
        let bw = image::DynamicImage::ImageLuma8(bw).to_rgb8();
        for (what, bytes) in [
            ("photocopy, JPEG 70", jpeg(&copier, 70)),
            ("black and white", png(&bw)),
        ] {
            assert_eq!(body_codes(&bytes), vec![ExportCode(n)], "{n:x}: {what}");
        }
    }
}

#[test]
fn a_phone_photo_without_the_footer_names_its_copy_even_from_the_margins() {
    for (letter, page) in [
        ("a short letter", sample_page()),
        ("a full page", full_page_of_text()),
    ] {
        for n in CODES {
            let shot = photo(&body(&marked_from(&page, n)), 60);
            assert_eq!(body_codes(&shot), vec![ExportCode(n)], "{letter}, {n:x}");
        }
    }
}

#[test]
fn copies_averaged_show_only_their_recipients_codes() {
    let pages: Vec<RgbImage> = CODES
        .iter()
        .map(|&n| marked_from(&sample_page(), n))
        .collect();
    for k in [2usize, 3] {
        let mut avg = pages[0].clone();
        for (x, y, px) in avg.enumerate_pixels_mut() {
            for c in 0..3 {
                let sum: u32 = pages[..k]
                    .iter()
                    .map(|p| u32::from(p.get_pixel(x, y)[c]))
                    .sum();
                px[c] = (sum / k as u32) as u8;
            }
        }
        let codes = body_codes(&jpeg(&avg, 85));
        let sources: Vec<ExportCode> = CODES[..k].iter().map(|&n| ExportCode(n)).collect();
        assert!(
            codes.iter().all(|c| sources.contains(c)),
            "{k} copies averaged name an innocent: {codes:?}"
        );
        // Their codes sit in different places, so each shows through.
        assert!(codes.len() >= 2, "{k} copies averaged: {codes:?}");
    }
}
