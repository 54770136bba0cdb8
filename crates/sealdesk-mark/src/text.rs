//! Pages for a letter that has only text (an e-mail, a typed petition): the
//! masked working copy set on A4 pages at 150 dpi, so that it can be marked
//! and exported like any page image.

use ab_glyph::{Font as _, PxScale, ScaleFont as _};
use image::{Rgb, RgbImage};
use imageproc::drawing::draw_text_mut;

use crate::Fonts;

/// A4 at 150 dpi.
const PAGE_W: u32 = 1240;
const PAGE_H: u32 = 1754;
const MARGIN: u32 = 120;
const SIZE: f32 = 26.0;
const LINE: u32 = 44;

/// The text laid out on as many pages as it needs (at least one), wrapped
/// at the right margin by each glyph's own advance.
pub fn text_pages(text: &str, fonts: &Fonts) -> Vec<RgbImage> {
    let scale = PxScale::from(SIZE);
    let face = fonts.face.as_scaled(scale);
    let width = (PAGE_W - 2 * MARGIN) as f32;
    let mut lines: Vec<String> = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        let mut x = 0.0;
        for c in para.chars() {
            let c = if c == '\t' { ' ' } else { c };
            let adv = face.h_advance(face.glyph_id(c));
            if x + adv > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
            }
            line.push(c);
            x += adv;
        }
        lines.push(line);
    }
    let per_page = ((PAGE_H - 2 * MARGIN) / LINE).max(1) as usize;
    let mut pages: Vec<RgbImage> = lines
        .chunks(per_page)
        .map(|chunk| {
            let mut page = RgbImage::from_pixel(PAGE_W, PAGE_H, Rgb([255, 255, 255]));
            for (i, l) in chunk.iter().enumerate() {
                let y = MARGIN + i as u32 * LINE;
                draw_text_mut(
                    &mut page,
                    Rgb([0, 0, 0]),
                    MARGIN as i32,
                    y as i32,
                    scale,
                    &fonts.face,
                    l,
                );
            }
            page
        })
        .collect();
    if pages.is_empty() {
        pages.push(RgbImage::from_pixel(PAGE_W, PAGE_H, Rgb([255, 255, 255])));
    }
    pages
}
