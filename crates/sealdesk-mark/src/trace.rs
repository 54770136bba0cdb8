//! Reading a page's export code back from a photo or a scan of it.

use image::{DynamicImage, GrayImage};

use crate::code::{BODY_QR_PREFIX, QR_PREFIX};
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
    /// A QR code in the page body (on its blank paper): survives the footer
    /// cut off, a grey or black-and-white copy, a photo in perspective.
    BodyQr,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::Invisible => "invisible",
            Self::TiledText => "tiled_text",
            Self::BodyQr => "body_qr",
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

/// Every code the tiled mark gives by `ocr`, in both turns of the
/// direction its lines run (a reading may be OCR's noise of the page
/// upside down: match them to the codes given out).
pub fn read_tiled(image_bytes: &[u8], ocr: Ocr<'_>) -> Result<Vec<Traced>, String> {
    Ok(read_tiles_all(&decode(image_bytes)?, ocr))
}

/// The invisible mark alone (every turn, a band, a grid that is not where
/// the width puts it): what names a copy whose page has no blank paper for
/// the body's QR codes, or whose codes were cut or painted out.
pub fn read_invisible(image_bytes: &[u8]) -> Result<Option<Traced>, String> {
    Ok(read_hidden(&decode(image_bytes)?.to_luma8()))
}

/// The tiled mark's code by `ocr` alone (what `trace_with_ocr` falls back
/// to when neither the QR code nor the invisible mark is read).
pub fn trace_tiled_text(image_bytes: &[u8], ocr: Ocr<'_>) -> Result<Option<Traced>, String> {
    Ok(read_tiles(&decode(image_bytes)?, ocr))
}

/// Every code the image carries, by every channel: each QR code in it
/// (a page with another copy's footer pasted on carries two), the
/// invisible mark, and — when the invisible mark is not read, or ocr is
/// given and no body channel has spoken — the codes of the tiled mark by
/// `ocr`, one reading per group of tiles that agree (a page spliced from
/// two copies has two). Nothing is decided here: the caller compares the
/// readings (a footer from one copy over the body of another is a conflict,
/// not a name).
pub fn read_all(image_bytes: &[u8], ocr: Option<Ocr<'_>>) -> Result<Vec<Traced>, String> {
    Ok(read_all_image(&decode(image_bytes)?, ocr))
}

/// [`read_all`] on a decoded image.
pub fn read_all_image(img: &DynamicImage, ocr: Option<Ocr<'_>>) -> Vec<Traced> {
    let gray = img.to_luma8();
    let mut out: Vec<Traced> = read_qr_all(&gray)
        .into_iter()
        .map(|(code, channel)| Traced {
            code,
            channel,
            confidence: 1.0,
        })
        .collect();
    // The footer's first, as before there were codes in the body: what a
    // caller shows first for a whole page.
    out.sort_by_key(|t| t.channel != Channel::Qr);
    // The body's QR codes name the copy; the invisible mark's slow search
    // is for pages where none is read.
    let mut body_read = out.iter().any(|t| t.channel == Channel::BodyQr);
    if !body_read {
        let hidden = read_hidden(&gray);
        body_read = hidden.is_some();
        out.extend(hidden);
    }
    if !body_read {
        if let Some(ocr) = ocr {
            out.extend(read_tiles_all(img, ocr));
        }
    }
    out
}

/// The invisible mark, on the image as it is.
/// As the page is, then as a band (top edge gone), then turned: a page
/// photographed sideways or upside down.
fn read_hidden(gray: &GrayImage) -> Option<Traced> {
    let turns = [
        None,
        Some(image::imageops::rotate180 as fn(&GrayImage) -> GrayImage),
        Some(image::imageops::rotate90),
        Some(image::imageops::rotate270),
    ];
    let turned = |turn: &Option<fn(&GrayImage) -> GrayImage>| turn.map(|f| f(gray));
    // The cheap readings in every turn first, then the search for a grid
    // that is not where the width puts it (a side cut, a scaled crop).
    let found = turns
        .iter()
        .find_map(|turn| {
            let g = turned(turn);
            let g = g.as_ref().unwrap_or(gray);
            crate::hidden::read(g).or_else(|| crate::hidden::read_band(g))
        })
        .or_else(|| {
            // A photo held a little askew: its text lines give the angle,
            // and the page turned level is searched too.
            let level = deskewed(gray);
            turns.iter().find_map(|turn| {
                let g = turned(turn);
                crate::hidden::read_unaligned(g.as_ref().unwrap_or(gray)).or_else(|| {
                    let l = turn.map_or_else(|| level.clone(), |f| level.as_ref().map(f));
                    l.and_then(|l| crate::hidden::read_unaligned(&l))
                })
            })
        });
    found.map(|(code, confidence)| Traced {
        code,
        channel: Channel::Invisible,
        confidence,
    })
}

/// The page turned level when it is askew by a quarter of a degree to
/// four: the angle whose rows of dark pixels (the text's lines) are most
/// uneven, i.e. whose lines run along the rows. `None` when it is level.
fn deskewed(gray: &GrayImage) -> Option<GrayImage> {
    let (w, h) = gray.dimensions();
    // Dark pixels, every other one: enough for the lines' direction.
    let dark: Vec<(f32, f32)> = (0..h)
        .step_by(2)
        .flat_map(|y| (0..w).step_by(2).map(move |x| (x, y)))
        .filter(|&(x, y)| gray.get_pixel(x, y)[0] < 100)
        .map(|(x, y)| (x as f32, y as f32))
        .collect();
    if dark.len() < 500 {
        return None;
    }
    let best = (-16..=16)
        .map(|i| i as f32 * 0.25)
        .max_by(|a, b| unevenness(&dark, *a, w + h).total_cmp(&unevenness(&dark, *b, w + h)))?;
    if best.abs() < 0.25 {
        return None;
    }
    Some(imageproc::geometric_transformations::rotate_about_center(
        gray,
        -best.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        image::Luma([255]),
    ))
}

/// How uneven the rows of `points` are along lines rising `deg` below the
/// horizontal (image rows run down; the sum of each row's count squared):
/// greatest when the lines of text or of the mark run that way. `span`
/// bounds the rows (width plus height).
fn unevenness(points: &[(f32, f32)], deg: f32, span: u32) -> f64 {
    let (sin, cos) = deg.to_radians().sin_cos();
    let mut rows = vec![0u32; span as usize * 2 + 2];
    for &(x, y) in points {
        let r = (y * cos - x * sin + span as f32) / 2.0;
        if let Some(slot) = rows.get_mut(r.max(0.0) as usize) {
            *slot += 1;
        }
    }
    rows.iter().map(|&n| f64::from(n) * f64::from(n)).sum()
}

/// The tiled mark's code, by OCR of its ink: the largest group of
/// readings that agree.
fn read_tiles(img: &DynamicImage, ocr: Ocr<'_>) -> Option<Traced> {
    read_tiles_all(img, ocr).into_iter().next()
}

/// Every code the tiled mark carries, by OCR of its ink, the best-read
/// first.
fn read_tiles_all(img: &DynamicImage, ocr: Ocr<'_>) -> Vec<Traced> {
    let rgb = img.to_rgb8();
    let ink = tile_ink(&rgb);
    // The mark runs 30° up to the right; turned level. A page photographed
    // sideways or upside down has it at another angle: the ink's lines
    // tell upright or upside down (rising at 30°) from sideways (at 60°
    // the other way), and the two turns of that direction are read (OCR
    // costs about a second a turn).
    let dots: Vec<(f32, f32)> = ink
        .enumerate_pixels()
        .filter(|(x, y, p)| x % 2 == 0 && y % 2 == 0 && p[0] == 0)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    let (w, h) = ink.dimensions();
    let sideways = unevenness(&dots, 60.0, w + h) > unevenness(&dots, -30.0, w + h);
    let turns = if sideways {
        [90.0f32, 270.0]
    } else {
        [0.0, 180.0]
    };
    // Both turns are read: the tile is the same everywhere, so OCR of it
    // upside down errs the same way every time and agrees with itself;
    // which reading is a code is for the caller to match.
    let mut out = Vec::new();
    for turn in turns {
        let angle = (30.0 + turn).to_radians();
        let level = imageproc::geometric_transformations::rotate_about_center(
            &ink,
            angle,
            imageproc::geometric_transformations::Interpolation::Bilinear,
            image::Luma([255]),
        );
        out.extend(ocr_codes(&level, ocr));
    }
    out
}

/// The tiled mark's ink, black on white, from a colour page or a grey one.
///
/// In colour it is what is redder than the paper around it: black text and
/// white paper have no more red than green or blue. The paper's own tint
/// (a warm lamp, a brownish desk, a colour cast) is measured per cell and
/// taken off, and the threshold follows the reddest ink on the page, so a
/// phone or chat JPEG that halves the redness (4:2:0 chroma) still keeps it.
///
/// When a page has too little red for that (a grey photocopy, a scanner
/// app's copy), the mark is what is light grey: clearly darker than the
/// paper around it but far lighter than the text, and not the edge of
/// text (no text ink within two pixels).
fn tile_ink(rgb: &image::RgbImage) -> GrayImage {
    const CELL: u32 = 48;
    let (w, h) = rgb.dimensions();
    let (cw, ch) = (w.div_ceil(CELL).max(1), h.div_ceil(CELL).max(1));
    let redness = |p: &image::Rgb<u8>| i16::from(p[0]) - (i16::from(p[1]) + i16::from(p[2])) / 2;
    let luma = |p: &image::Rgb<u8>| {
        ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as i16
    };
    // Per cell: the median redness (the paper's tint) and the bright level
    // (the paper's brightness, its 90th percentile).
    let mut tint = vec![0i16; (cw * ch) as usize];
    let mut paper = vec![255i16; (cw * ch) as usize];
    for cy in 0..ch {
        for cx in 0..cw {
            let mut reds = Vec::new();
            let mut lumas = Vec::new();
            for y in (cy * CELL..((cy + 1) * CELL).min(h)).step_by(2) {
                for x in (cx * CELL..((cx + 1) * CELL).min(w)).step_by(2) {
                    let p = rgb.get_pixel(x, y);
                    reds.push(redness(p));
                    lumas.push(luma(p));
                }
            }
            if reds.is_empty() {
                continue;
            }
            reds.sort_unstable();
            lumas.sort_unstable();
            tint[(cy * cw + cx) as usize] = reds[reds.len() / 2];
            paper[(cy * cw + cx) as usize] = lumas[lumas.len() * 9 / 10];
        }
    }
    let at = |x: u32, y: u32| ((y / CELL) * cw + x / CELL) as usize;
    let mut over: Vec<i16> = rgb
        .enumerate_pixels()
        .map(|(x, y, p)| redness(p) - tint[at(x, y)])
        .collect();
    if over.is_empty() {
        return GrayImage::from_pixel(w, h, image::Luma([255]));
    }
    let deviations = over.clone();
    over.sort_unstable();
    let top = over[over.len() - 1 - over.len() / 400];
    let red_pixels = deviations.iter().filter(|d| **d > 10).count();
    if top >= 12 && red_pixels * 500 >= deviations.len() {
        // Half the reddest ink, but never above the faint tile's own: a
        // solid red rule (the footer's) must not raise it past the tile.
        let threshold = (top / 2).clamp(8, 12);
        // Judged on the mean of each pixel and its eight neighbours: a
        // photo's JPEG noise speckles a faint stroke pixel by pixel, and
        // speckled strokes are what OCR cannot read.
        let shifted = GrayImage::from_fn(w, h, |x, y| {
            let d = deviations[(y * w + x) as usize];
            image::Luma([(d + 128).clamp(0, 255) as u8])
        });
        let smooth = imageproc::filter::box_filter(&shifted, 1, 1);
        return GrayImage::from_fn(w, h, |x, y| {
            // A stroke's mean with its neighbours is about two thirds of
            // its own redness.
            let d = i16::from(smooth.get_pixel(x, y)[0]) - 128;
            image::Luma([if d * 3 > threshold * 2 { 0 } else { 255 }])
        });
    }
    // Grey: the text's cores first, then the light ink away from them.
    let dark = GrayImage::from_fn(w, h, |x, y| {
        let p = rgb.get_pixel(x, y);
        image::Luma([u8::from(paper[at(x, y)] - luma(p) > 110)])
    });
    let near_dark = |x: u32, y: u32| {
        let (x0, y0) = (x.saturating_sub(2), y.saturating_sub(2));
        (y0..(y + 3).min(h)).any(|yy| (x0..(x + 3).min(w)).any(|xx| dark.get_pixel(xx, yy)[0] == 1))
    };
    GrayImage::from_fn(w, h, |x, y| {
        let p = rgb.get_pixel(x, y);
        let below = paper[at(x, y)] - luma(p);
        let ink = (22..=95).contains(&below) && !near_dark(x, y);
        image::Luma([if ink { 0 } else { 255 }])
    })
}

/// OCR of level tiled ink and the codes in what it reads.
fn ocr_codes(level: &GrayImage, ocr: Ocr<'_>) -> Vec<Traced> {
    // Tesseract reads best at about twice the mark's 150 dpi size; a page
    // that fills less of its image (a photo of the whole sheet, footer and
    // desk in frame) is enlarged three times.
    let k = if level.width() < 1400 { 3 } else { 2 };
    let level = image::imageops::resize(
        level,
        level.width() * k,
        level.height() * k,
        image::imageops::FilterType::Triangle,
    );
    let mut png = Vec::new();
    if level
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .is_err()
    {
        return Vec::new();
    }
    let Some(text) = ocr(&png) else {
        return Vec::new();
    };
    consensus_all(&codes_in(&text))
}

/// [`consensus`] for each group of readings that agree, largest first: a
/// page spliced from two copies carries two codes in its tiles.
fn consensus_all(readings: &[[char; 13]]) -> Vec<Traced> {
    let mut left = readings.to_vec();
    let mut out = Vec::new();
    while let Some(t) = consensus(&left) {
        let near = |a: &[char; 13]| {
            let read: String = a.iter().collect();
            read.parse::<ExportCode>()
                .map(|r| t.code.ocr_distance(&r) <= 4.0)
                .unwrap_or(false)
        };
        let before = left.len();
        left.retain(|r| !near(r));
        out.push(t);
        if left.len() == before {
            break;
        }
    }
    out
}

/// The code the tiled readings agree on, character by character: OCR
/// misreads a different character of each copy of the tile (4 as A, S as 5,
/// Q as O), and the tile is repeated a dozen times on a page. Needs two
/// readings that agree. That is not what makes it safe: OCR of a tile
/// upside down agrees with itself, and what names a copy is the API's
/// match of the reading to a code it gave out (within three characters; a
/// random reading comes that close to one about once in 10^12). The
/// confidence is the share of characters read alike.
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
    if readings.len() < 2 {
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
    if let Some(&(code, channel)) = read_qr_all(&gray).first() {
        return Some(Traced {
            code,
            channel,
            confidence: 1.0,
        });
    }
    read_hidden(&gray)
}

/// The images the QR detector is tried on, in turn.
fn qr_tries(gray: &GrayImage) -> impl Iterator<Item = GrayImage> {
    // As it is, then at other sizes: a phone photo is often far larger than
    // the page, a thumbnail smaller, and the detector likes modules of a
    // few pixels.
    let (w, h) = gray.dimensions();
    let mut tries: Vec<GrayImage> = vec![gray.clone()];
    let long = w.max(h);
    if long > 2400 {
        let k = 2000.0 / long as f32;
        tries.push(resize(gray, k));
    }
    if long < 1600 {
        tries.push(resize(gray, 2.0));
    }
    // Each also as black and white at one threshold for the whole image:
    // the QR detector thresholds locally, and on blank paper that turns
    // the invisible mark's faint squares into noise it can drown in.
    tries.into_iter().flat_map(|g| {
        let level = imageproc::contrast::otsu_level(&g);
        let bw =
            imageproc::contrast::threshold(&g, level, imageproc::contrast::ThresholdType::Binary);
        [g, bw]
    })
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

/// Every Sealdesk QR code in the image, footer's and body's: the tries of
/// [`qr_tries`] in turn, until both kinds are read (a page with another
/// copy's footer pasted on shows both codes) or the tries run out.
fn read_qr_all(gray: &GrayImage) -> Vec<(ExportCode, Channel)> {
    let mut out: Vec<(ExportCode, Channel)> = Vec::new();
    for g in qr_tries(gray) {
        // A decoder panic on a strange image is no code, not a crash of
        // the caller.
        let codes = std::panic::catch_unwind(move || read_qr_codes(g)).unwrap_or_default();
        for c in codes {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        let has = |ch: Channel| out.iter().any(|(_, c)| *c == ch);
        if has(Channel::Qr) && has(Channel::BodyQr) {
            break;
        }
    }
    out
}

/// Every Sealdesk code the QR detector reads in `g`. The detector groups
/// finder patterns three by three and keeps the first grouping that looks
/// like a code, so on a page with a dozen codes (the body's and the
/// footer's) a grouping across two of them can use up a finder pattern
/// another code needs. Where a grouping was found but read nothing, a
/// window around each of its corners is read again on its own, where only
/// one or two codes' finder patterns are left to group.
fn read_qr_codes(g: GrayImage) -> Vec<(ExportCode, Channel)> {
    let mut out: Vec<(ExportCode, Channel)> = Vec::new();
    let failed = read_qr_grids(g.clone(), &mut out);
    let (w, h) = g.dimensions();
    let side = (w.max(h) / 5).max(64);
    let mut centres: Vec<(i32, i32)> = Vec::new();
    for p in failed.iter().flatten() {
        if centres.len() >= 24 {
            break;
        }
        let near = centres
            .iter()
            .any(|c| (c.0 - p.x).abs() < side as i32 / 3 && (c.1 - p.y).abs() < side as i32 / 3);
        if near {
            continue;
        }
        centres.push((p.x, p.y));
        let x0 = (p.x - side as i32 / 2).clamp(0, w.saturating_sub(side) as i32) as u32;
        let y0 = (p.y - side as i32 / 2).clamp(0, h.saturating_sub(side) as i32) as u32;
        let window = image::imageops::crop_imm(&g, x0, y0, side.min(w), side.min(h)).to_image();
        read_qr_grids(window, &mut out);
    }
    out
}

/// The codes of one detector pass over `g`, added to `out`; the corners of
/// the groupings that read nothing.
fn read_qr_grids(g: GrayImage, out: &mut Vec<(ExportCode, Channel)>) -> Vec<[rqrr::Point; 4]> {
    let mut prepared = rqrr::PreparedImage::prepare(g);
    let mut failed = Vec::new();
    for grid in prepared.detect_grids() {
        let Ok((_, content)) = grid.decode() else {
            failed.push(grid.bounds);
            continue;
        };
        let channel = if content.starts_with(BODY_QR_PREFIX) {
            Channel::BodyQr
        } else if content.starts_with(QR_PREFIX) {
            Channel::Qr
        } else {
            continue;
        };
        if let Ok(code) = content.parse::<ExportCode>() {
            if !out.contains(&(code, channel)) {
                out.push((code, channel));
            }
        }
    }
    failed
}
