//! Reading a page's export code back from a photo or a scan of it.

use image::{DynamicImage, GrayImage};

use crate::code::QR_PREFIX;
use crate::ExportCode;

/// Which mark the code was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The QR code in the footer.
    Qr,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
        }
    }
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
    // A photo is untrusted input: bounded like any file read here.
    let mut reader = image::ImageReader::new(std::io::Cursor::new(image_bytes))
        .with_guessed_format()
        .map_err(|e| format!("image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| format!("image: {e}"))?;
    Ok(trace_image(&img))
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
    for g in tries {
        if let Some(code) = read_qr(g) {
            return Some(Traced {
                code,
                channel: Channel::Qr,
                confidence: 1.0,
            });
        }
    }
    None
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
