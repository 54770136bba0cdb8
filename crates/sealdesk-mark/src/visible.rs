//! The visible mark: the tiled, rotated text over the page and the footer
//! band with the QR code.

use ab_glyph::PxScale;
use image::{GrayImage, Luma, Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::drawing::{draw_filled_rect_mut, draw_text_mut, text_size};
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};
use imageproc::rect::Rect;

use crate::{ExportCode, Fonts, MarkError};

/// The footer band's height in pixels (at 150 dpi, about 3 cm), added below
/// the page so the mark never covers the letter's own last lines.
pub const FOOTER_PX: u32 = 180;

/// Pixels per QR module: 21 + 8 quiet modules at 5 px is 145 px, which a
/// copy scaled to half still reads (2.5 px a module).
const QR_MODULE_PX: u32 = 5;

/// What the page is marked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// A file exported to a recipient: copy number N.
    Export { copy: u32 },
    /// A page sent to a printer: copy number N.
    Print { copy: u32 },
    /// A page shown on the screen in the reading room.
    Screen,
}

/// The words and code printed on a page.
#[derive(Debug, Clone)]
pub struct MarkSpec {
    /// The recipient as a person reads them: name and account.
    pub recipient: String,
    pub unit: String,
    /// Local time (UTC+8), already formatted.
    pub time: String,
    /// 密等.
    pub level: String,
    /// 保密期限：… or 解密條件：…
    pub secrecy: String,
    pub kind: MarkKind,
    pub code: ExportCode,
    /// A letter declassified (or its period cancelled): the new marking.
    /// The footer then shows the old 密等 and period struck through with a
    /// double line, the new marking after it.
    pub struck: Option<String>,
}

/// The tiled mark's ink: a dark red, at this opacity where the glyph is
/// solid. Dark enough to survive a photocopy, light enough to read through.
const TILE_INK: [f32; 3] = [150.0, 20.0, 20.0];
const TILE_OPACITY: f32 = 0.26;

/// Marks one page image (PNG or JPEG bytes): the page with the tiled mark
/// over it and the footer band below it.
pub fn mark_page(page: &[u8], spec: &MarkSpec, fonts: &Fonts) -> Result<RgbImage, MarkError> {
    let page = image::load_from_memory(page)
        .map_err(|e| MarkError::Image(e.to_string()))?
        .to_rgb8();
    mark_image(&page, spec, fonts)
}

/// [`mark_page`] for a page already decoded.
pub fn mark_image(page: &RgbImage, spec: &MarkSpec, fonts: &Fonts) -> Result<RgbImage, MarkError> {
    let (w, h) = page.dimensions();
    let mut out = RgbImage::from_pixel(w, h + FOOTER_PX, Rgb([255, 255, 255]));
    image::imageops::replace(&mut out, page, 0, 0);
    // The invisible mark first, evenly in every channel, so that the tiled
    // mark's red over it is as red as over plain paper (the tiled mark is
    // read by its redness).
    crate::hidden::embed(&mut out, h, spec.code);
    tile(&mut out, h, spec, fonts);
    body_codes(&mut out, page, h, spec.code);
    footer(&mut out, h, spec, fonts)?;
    Ok(out)
}

/// The tiled text, rotated 30° and repeated over the page (not the footer).
fn tile(out: &mut RgbImage, page_h: u32, spec: &MarkSpec, fonts: &Fonts) {
    let scale = PxScale::from(30.0);
    // The code on a line of its own, so that OCR of a page whose footer was
    // cut off reads it whole.
    // The 密等 and the copy number too: a copy cropped to its middle has
    // no footer, and still tells which copy of what it is.
    let copy = match spec.kind {
        MarkKind::Export { copy } => format!("複製物第{copy}份"),
        MarkKind::Print { copy } => format!("列印第{copy}份"),
        MarkKind::Screen => "螢幕檢視".to_owned(),
    };
    let lines = [
        format!("{}　{}", spec.recipient, spec.unit),
        format!("{}", spec.code),
        format!("{}　{}　{copy}", spec.time, spec.level),
    ];
    let sizes: Vec<(u32, u32)> = lines
        .iter()
        .map(|l| text_size(scale, &fonts.face, l))
        .collect();
    let text_w = sizes.iter().map(|s| s.0).max().unwrap_or(1);
    let line_h = 40;
    let text_h = line_h * lines.len() as u32;
    let side = ((text_w * text_w + text_h * text_h) as f64).sqrt().ceil() as u32 + 8;
    let mut stamp = RgbaImage::new(side, side);
    for (i, l) in lines.iter().enumerate() {
        let x = (side - sizes[i].0) / 2;
        let y = (side - text_h) / 2 + i as u32 * line_h;
        draw_text_mut(
            &mut stamp,
            Rgba([255, 255, 255, 255]),
            x as i32,
            y as i32,
            scale,
            &fonts.face,
            l,
        );
    }
    let stamp = rotate_about_center(
        &stamp,
        -std::f32::consts::FRAC_PI_6,
        Interpolation::Bilinear,
        Rgba([0, 0, 0, 0]),
    );
    // Rows offset by half a step, so every strip of the page has a mark.
    let (step_x, step_y) = (text_w.max(200) * 9 / 10, text_h.max(100) * 3);
    let (w, _) = out.dimensions();
    let mut row = 0u32;
    let mut y = -(side as i64) / 2;
    while y < i64::from(page_h) {
        let offset = if row.is_multiple_of(2) {
            0
        } else {
            i64::from(step_x / 2)
        };
        let mut x = -(side as i64) / 2 - offset;
        while x < i64::from(w) {
            blend(out, &stamp, x, y, page_h);
            x += i64::from(step_x);
        }
        y += i64::from(step_y);
        row += 1;
    }
}

/// Lays the stamp's coverage (its alpha) over `out` at (x, y) in the ink
/// colour, above `limit_y` only.
fn blend(out: &mut RgbImage, stamp: &RgbaImage, x: i64, y: i64, limit_y: u32) {
    let (w, _) = out.dimensions();
    for (sx, sy, p) in stamp.enumerate_pixels() {
        let a = p[3];
        if a == 0 {
            continue;
        }
        let (px, py) = (x + i64::from(sx), y + i64::from(sy));
        if px < 0 || py < 0 || px >= i64::from(w) || py >= i64::from(limit_y) {
            continue;
        }
        let k = TILE_OPACITY * f32::from(a) / 255.0;
        let q = out.get_pixel_mut(px as u32, py as u32);
        for c in 0..3 {
            q[c] = (f32::from(q[c]) * (1.0 - k) + TILE_INK[c] * k).round() as u8;
        }
    }
}

/// The body codes' modules at 150 dpi (a page of 1,241 px across), scaled
/// with the page: 4 px, so a code with its quiet zone is 100 px (1.7 cm)
/// and fits a letter's margin.
const BODY_MODULE_PX: f32 = 4.0;
/// Quiet modules around a body code.
const BODY_QUIET: u32 = 2;
/// The most body codes on a page.
const BODY_CODES_MAX: usize = 12;

/// QR codes of the export code in the page body, in the tiled mark's ink,
/// on blank paper only (margins, the space below the letter's last line),
/// so they never cover a word of the letter. What they survive that the
/// other marks do not: a grey or black-and-white copy (solid dark modules,
/// not a faint tint), a phone photo in perspective (the QR code's finder
/// patterns are its own synchronisation), JPEG at any setting a person
/// still reads, and a crop of any part of the page that keeps one of them.
/// They carry the invisible mark like the paper around them.
/// Where they go is drawn at random from the blank places, seeded by the
/// code: two recipients' copies of one page carry their codes in different
/// places, so an average of the two still shows both.
fn body_codes(out: &mut RgbImage, page: &RgbImage, page_h: u32, code: ExportCode) {
    let Ok(qr) =
        qrcode::QrCode::with_error_correction_level(code.body_qr_payload(), qrcode::EcLevel::M)
    else {
        return;
    };
    let (w, h) = page.dimensions();
    let module = (BODY_MODULE_PX * w as f32 / 1241.0).round().max(3.0) as u32;
    let modules = qr.width() as u32;
    let side = (modules + 2 * BODY_QUIET) * module;
    let colors = qr.to_colors();
    for (x, y) in blank_places(page, side, code) {
        draw_filled_rect_mut(
            out,
            Rect::at(x as i32, y as i32).of_size(side, side),
            Rgb([255, 255, 255]),
        );
        for (i, c) in colors.iter().enumerate() {
            if *c != qrcode::Color::Dark {
                continue;
            }
            let (mx, my) = (i as u32 % modules, i as u32 / modules);
            let px = x + (mx + BODY_QUIET) * module;
            let py = y + (my + BODY_QUIET) * module;
            if px + module <= w && py + module <= h {
                draw_filled_rect_mut(
                    out,
                    Rect::at(px as i32, py as i32).of_size(module, module),
                    Rgb(TILE_INK.map(|v| v as u8)),
                );
            }
        }
        // The invisible mark over the code as over the rest of the page.
        crate::hidden::embed_in(out, page_h, code, (x, y, x + side, y + side));
    }
}

/// Up to [`BODY_CODES_MAX`] places for a square of `side` px on blank paper
/// (nothing darker than the paper by a visible step within it or a margin
/// around it), at least two and a half squares and a quarter of the page's
/// width apart, drawn at random seeded by `code`.
fn blank_places(page: &RgbImage, side: u32, code: ExportCode) -> Vec<(u32, u32)> {
    let (w, h) = page.dimensions();
    let grey = image::DynamicImage::ImageRgb8(page.clone()).to_luma8();
    // The paper's level: the brightest tenth of the page.
    let mut hist = [0u32; 256];
    for p in grey.pixels() {
        hist[p[0] as usize] += 1;
    }
    let mut seen = 0u32;
    let tenth = (w * h) / 10;
    let paper = (0..256usize)
        .rev()
        .find(|&v| {
            seen += hist[v];
            seen >= tenth
        })
        .unwrap_or(255) as i32;
    let stride = (w + 1) as usize;
    let mut ink = vec![0u32; stride * (h + 1) as usize];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row += u32::from(i32::from(grey.get_pixel(x, y)[0]) < paper - 40);
            let i = (y + 1) as usize * stride + (x + 1) as usize;
            ink[i] = ink[i - stride] + row;
        }
    }
    let at = |x: u32, y: u32| ink[y as usize * stride + x as usize];
    let margin = side / 12;
    let edge = side / 10;
    let step = (side / 10).max(4) as usize;
    let mut places: Vec<(u32, u32)> = Vec::new();
    if w < side + 2 * edge || h < side + 2 * edge {
        return places;
    }
    for y in (edge..=h - side - edge).step_by(step) {
        for x in (edge..=w - side - edge).step_by(step) {
            let (x0, y0) = (x - margin.min(x), y - margin.min(y));
            let (x1, y1) = ((x + side + margin).min(w), (y + side + margin).min(h));
            if at(x1, y1) + at(x0, y0) - at(x0, y1) - at(x1, y0) == 0 {
                places.push((x, y));
            }
        }
    }
    // A shuffle seeded by the code (splitmix64): the places are the code's
    // own, not the page's.
    let mut state = code.0;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..places.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        places.swap(i, j);
    }
    let apart = (side as f32 * 2.5).max(w as f32 / 4.0);
    let mut chosen: Vec<(u32, u32)> = Vec::new();
    for p in places {
        if chosen.len() == BODY_CODES_MAX {
            break;
        }
        let far = chosen.iter().all(|q| {
            let (dx, dy) = (p.0 as f32 - q.0 as f32, p.1 as f32 - q.1 as f32);
            (dx * dx + dy * dy).sqrt() >= apart
        });
        if far {
            chosen.push(p);
        }
    }
    chosen
}

/// The footer band: three lines of text on the left, the QR code on the
/// right.
fn footer(
    out: &mut RgbImage,
    page_h: u32,
    spec: &MarkSpec,
    fonts: &Fonts,
) -> Result<(), MarkError> {
    let (w, _) = out.dimensions();
    let ink = Rgb([20, 20, 20]);
    draw_filled_rect_mut(
        out,
        Rect::at(0, page_h as i32).of_size(w, 3),
        Rgb([150, 20, 20]),
    );
    let copy = match spec.kind {
        MarkKind::Export { copy } => format!("複製物　第{copy}份"),
        MarkKind::Print { copy } => format!("列印複製物　第{copy}份"),
        MarkKind::Screen => "螢幕檢視，不得翻拍、複製".to_owned(),
    };
    let old_marking = format!("密等：{}　{}", spec.level, spec.secrecy);
    let first = match &spec.struck {
        Some(new) => format!("{old_marking}　{new}　{copy}"),
        None => format!("{old_marking}　{copy}"),
    };
    // The old marking struck through with a double line, as the rules
    // have it; the new marking follows, unstruck.
    let strike = spec
        .struck
        .is_some()
        .then(|| text_size(PxScale::from(30.0), &fonts.face, &old_marking).0);
    let lines = [
        (first, 30.0),
        (
            format!("{}　{}　{}", spec.recipient, spec.unit, spec.time),
            26.0,
        ),
        (format!("匯出碼 Code {}", spec.code), 26.0),
    ];
    let mut y = page_h as i32 + 22;
    for (text, size) in &lines {
        draw_text_mut(out, ink, 40, y, PxScale::from(*size), &fonts.face, text);
        y += 46;
    }
    if let Some(w_old) = strike {
        for dy in [11, 19] {
            draw_filled_rect_mut(
                out,
                Rect::at(38, page_h as i32 + 22 + dy).of_size(w_old + 4, 2),
                ink,
            );
        }
    }
    let qr = qr_image(spec.code)?;
    let (qw, qh) = qr.dimensions();
    let x = w.saturating_sub(qw + 24);
    let y = page_h + (FOOTER_PX.saturating_sub(qh)) / 2;
    for (qx, qy, p) in qr.enumerate_pixels() {
        if x + qx < w {
            out.put_pixel(x + qx, y + qy, Rgb([p[0], p[0], p[0]]));
        }
    }
    Ok(())
}

/// The export code as a QR code (error correction M), quiet zone included.
fn qr_image(code: ExportCode) -> Result<GrayImage, MarkError> {
    let qr = qrcode::QrCode::with_error_correction_level(code.qr_payload(), qrcode::EcLevel::M)
        .map_err(|e| MarkError::Image(format!("QR code: {e}")))?;
    Ok(qr
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(QR_MODULE_PX, QR_MODULE_PX)
        .build())
}
