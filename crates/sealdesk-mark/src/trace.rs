//! Reading a page's export code back from a photo or a scan of it.

use image::{DynamicImage, GrayImage};

use crate::code::QR_PREFIX;
use crate::ExportCode;

/// Which mark the code was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The QR code in the footer.
    Qr,
    /// The invisible mark spread over the page: survives the footer cut
    /// off and a grey copy (the red tiled mark gone), on a scan of the
    /// whole width of the page.
    Invisible,
    /// The code in the tiled mark over the page, read by OCR: what is left
    /// when the footer was cut off.
    TiledText,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::Invisible => "invisible",
            Self::TiledText => "tiled_text",
        }
    }
}

/// Reads text from a PNG image (OCR); given by the caller, so this crate
/// runs no program itself.
pub type Ocr<'a> = &'a dyn Fn(&[u8]) -> Option<String>;

/// As [`trace`] (the QR code, then the invisible mark), and when neither is
/// read, the tiled mark by `ocr`: the
/// mark's red ink kept, turned level, and the codes read from it voted on.
pub fn trace_with_ocr(image_bytes: &[u8], ocr: Ocr<'_>) -> Result<Option<Traced>, String> {
    let img = decode(image_bytes)?;
    if let Some(t) = trace_image(&img) {
        return Ok(Some(t));
    }
    Ok(read_tiles(&img, ocr))
}

/// The tiled mark's code by `ocr` alone (what `trace_with_ocr` falls back
/// to when neither the QR code nor the invisible mark is read).
pub fn trace_tiled_text(image_bytes: &[u8], ocr: Ocr<'_>) -> Result<Option<Traced>, String> {
    Ok(read_tiles(&decode(image_bytes)?, ocr))
}

/// The invisible mark, on the image as it is.
fn read_hidden(gray: &GrayImage) -> Option<Traced> {
    crate::hidden::read(gray).map(|(code, confidence)| Traced {
        code,
        channel: Channel::Invisible,
        confidence,
    })
}

/// The tiled mark's code, by OCR of its ink.
fn read_tiles(img: &DynamicImage, ocr: Ocr<'_>) -> Option<Traced> {
    let rgb = img.to_rgb8();
    // Keep what is red (the mark's ink over white or over grey text), drop
    // the rest: black text and white paper alike have no more red than
    // green or blue.
    let ink = GrayImage::from_fn(rgb.width(), rgb.height(), |x, y| {
        let p = rgb.get_pixel(x, y);
        let red = i16::from(p[0]) - (i16::from(p[1]) + i16::from(p[2])) / 2;
        image::Luma([if red > 12 { 0 } else { 255 }])
    });
    // The mark runs 30° up to the right; turn it level.
    let level = imageproc::geometric_transformations::rotate_about_center(
        &ink,
        std::f32::consts::FRAC_PI_6,
        imageproc::geometric_transformations::Interpolation::Bilinear,
        image::Luma([255]),
    );
    // Tesseract reads best at about twice the mark's 150 dpi size.
    let level = image::imageops::resize(
        &level,
        level.width() * 2,
        level.height() * 2,
        image::imageops::FilterType::Triangle,
    );
    let mut png = Vec::new();
    level
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    let text = ocr(&png)?;
    consensus(&codes_in(&text))
}

/// The code the tiled readings agree on, character by character: OCR
/// misreads a different character of each copy of the tile (4 as A, S as 5,
/// Q as O), and the tile is repeated a dozen times on a page. Needs three
/// readings; the confidence is the share of characters read alike.
fn consensus(readings: &[[char; 13]]) -> Option<Traced> {
    // Other lines of the tile can also have 13 base-32 characters (「密件
    // CONFIDENTIAL」 read as "4CONFIDENTIAL"): only the readings that agree
    // with the largest group vote. The group is the readings within 4
    // characters of the one most others are near.
    let near =
        |a: &[char; 13], b: &[char; 13]| a.iter().zip(b).filter(|(x, y)| x != y).count() <= 4;
    let center = readings
        .iter()
        .max_by_key(|a| readings.iter().filter(|b| near(a, b)).count())?;
    let readings: Vec<[char; 13]> = readings
        .iter()
        .filter(|b| near(center, b))
        .copied()
        .collect();
    if readings.len() < 3 {
        return None;
    }
    let mut code = ['A'; 13];
    let mut agree = 0usize;
    for (k, slot) in code.iter_mut().enumerate() {
        let mut counts: Vec<(char, usize)> = Vec::new();
        for r in &readings {
            match counts.iter_mut().find(|(c, _)| *c == r[k]) {
                Some((_, n)) => *n += 1,
                None => counts.push((r[k], 1)),
            }
        }
        let (c, n) = counts.into_iter().max_by_key(|&(_, n)| n)?;
        *slot = c;
        agree += n;
    }
    let code: ExportCode = code.iter().collect::<String>().parse().ok()?;
    Some(Traced {
        code,
        channel: Channel::TiledText,
        confidence: agree as f32 / (13 * readings.len()) as f32,
    })
}

/// Every reading of a code in OCR'd text, as its 13 characters, with what
/// OCR puts for base-32 characters (0 for O, 1 for I, 8 for B, ? for 7)
/// read back.
fn codes_in(text: &str) -> Vec<[char; 13]> {
    let is32 = |c: char| c.is_ascii_uppercase() || ('2'..='7').contains(&c);
    // The code has a line of its own in the tile: a line whose base-32
    // characters number 13 is a reading of it, whatever OCR put between
    // the groups (a hyphen, a space, a stray mark).
    text.lines()
        .filter_map(|line| {
            let chars: Vec<char> = line
                .chars()
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' | '|' => 'I',
                    '8' => 'B',
                    '?' => '7',
                    c => c,
                })
                .filter(|&c| is32(c))
                .collect();
            <[char; 13]>::try_from(chars).ok()
        })
        .collect()
}

/// A code read from an image.
#[derive(Debug, Clone, PartialEq)]
pub struct Traced {
    pub code: ExportCode,
    pub channel: Channel,
    /// How sure: 1.0 when the QR code decoded with its error correction
    /// intact (its checksums make a misread all but impossible).
    pub confidence: f32,
}

/// Reads the export code from an image of a marked page (PNG, JPEG …):
/// the page itself, a scan, or a phone photo (rotated, in perspective,
/// scaled). `None` when no Sealdesk code can be read.
pub fn trace(image_bytes: &[u8]) -> Result<Option<Traced>, String> {
    Ok(trace_image(&decode(image_bytes)?))
}

/// A photo is untrusted input: decoded within bounds.
fn decode(image_bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(image_bytes))
        .with_guessed_format()
        .map_err(|e| format!("image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    reader.limits(limits);
    reader.decode().map_err(|e| format!("image: {e}"))
}

/// As [`trace`], on a decoded image.
pub fn trace_image(img: &DynamicImage) -> Option<Traced> {
    let gray = img.to_luma8();
    // As it is, then at other sizes: a phone photo is often far larger than
    // the page, a thumbnail smaller, and the detector likes modules of a
    // few pixels.
    let (w, h) = gray.dimensions();
    let mut tries: Vec<GrayImage> = vec![gray.clone()];
    let long = w.max(h);
    if long > 2400 {
        let k = 2000.0 / long as f32;
        tries.push(resize(&gray, k));
    }
    if long < 1600 {
        tries.push(resize(&gray, 2.0));
    }
    // Each also as black and white at one threshold for the whole image:
    // the QR detector thresholds locally, and on blank paper that turns
    // the invisible mark's faint squares into noise it can drown in.
    let tries = tries.into_iter().flat_map(|g| {
        let level = imageproc::contrast::otsu_level(&g);
        let bw =
            imageproc::contrast::threshold(&g, level, imageproc::contrast::ThresholdType::Binary);
        [g, bw]
    });
    for g in tries {
        if let Some(code) = read_qr(g) {
            return Some(Traced {
                code,
                channel: Channel::Qr,
                confidence: 1.0,
            });
        }
    }
    read_hidden(&gray)
}

fn resize(g: &GrayImage, k: f32) -> GrayImage {
    let (w, h) = g.dimensions();
    image::imageops::resize(
        g,
        ((w as f32 * k) as u32).max(1),
        ((h as f32 * k) as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

fn read_qr(g: GrayImage) -> Option<ExportCode> {
    // A decoder panic on a strange image is no code, not a crash of the
    // caller.
    std::panic::catch_unwind(move || read_qr_unguarded(g))
        .ok()
        .flatten()
}

fn read_qr_unguarded(g: GrayImage) -> Option<ExportCode> {
    let mut prepared = rqrr::PreparedImage::prepare(g);
    for grid in prepared.detect_grids() {
        if let Ok((_, content)) = grid.decode() {
            if content.starts_with(QR_PREFIX) {
                if let Ok(code) = content.parse() {
                    return Some(code);
                }
            }
        }
    }
    None
}
