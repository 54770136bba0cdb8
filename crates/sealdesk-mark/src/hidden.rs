//! The invisible mark: the export code spread over the whole page as a
//! faint change of brightness, so that a copy with its footer (and QR code)
//! cut off, or a grey copy whose red tiled mark is gone, still names it.
//!
//! No crate does this, so it is written here. The page is divided into a
//! grid of square cells, [`COLS`] across whatever the page's width (so a
//! scaled copy is read by the same grid). Each cell carries one bit of an
//! 80-bit codeword (the 64-bit code and a 16-bit check) as a 4×4
//! checkerboard of lighter and darker squares, its phase the bit. Every bit
//! is carried by about 28 cells across the page (neighbouring cells carry
//! different bits), and the reader sums them. Squares are about 8 px at
//! 150 dpi, the size of a JPEG block, so JPEG keeps them in its block
//! averages. White paper is tinted by [`DELTA`] levels (of 255) so that the
//! lighter squares have room: a page stays within 8 levels of what it was.
//!
//! It is read on a copy of the page's whole width, top edge kept (a scan, a
//! crop of the footer or of the lower part, a grey copy, a smaller or
//! re-compressed copy). A photo in perspective is read by the QR code or
//! the tiled mark instead: this grid has no synchronisation pattern yet.
//!
//! A reading is given only when its check matches: a page without the mark
//! gives nothing, never a guess.

use image::{GrayImage, RgbImage};

use crate::ExportCode;

/// Cells across the page.
const COLS: u32 = 40;
/// Checker squares across a cell.
const SQUARES: u32 = 4;
/// Brightness change, in levels of 255.
const DELTA: f32 = 4.0;
/// The codeword: 64 bits of code, 16 of check.
const BITS: usize = 80;

fn check(code: u64) -> u16 {
    // The low half of a CRC-32 (crc32fast, already in the tree) of the code.
    (crc32fast::hash(&code.to_be_bytes()) & 0xffff) as u16
}

fn codeword(code: ExportCode) -> [bool; BITS] {
    let mut bits = [false; BITS];
    let c = check(code.0);
    for (i, b) in bits.iter_mut().enumerate() {
        *b = if i < 64 {
            (code.0 >> (63 - i)) & 1 == 1
        } else {
            (c >> (79 - i)) & 1 == 1
        };
    }
    bits
}

/// Which bit a cell carries: an affine walk over the grid, so that cells
/// side by side, or one above the other, carry different bits.
fn bit_of(cx: u32, cy: u32) -> usize {
    ((cx as usize) * 7 + (cy as usize) * 29 + 3) % BITS
}

/// The checkerboard's sign at a point inside a cell (`fx`, `fy` in 0..1).
fn checker(fx: f32, fy: f32) -> f32 {
    let qx = (fx * SQUARES as f32) as u32;
    let qy = (fy * SQUARES as f32) as u32;
    if (qx + qy).is_multiple_of(2) {
        1.0
    } else {
        -1.0
    }
}

/// Adds the invisible mark to the top `page_h` rows of `img`.
pub(crate) fn embed(img: &mut RgbImage, page_h: u32, code: ExportCode) {
    let w = img.width();
    embed_in(img, page_h, code, (0, 0, w, page_h));
}

/// Adds the invisible mark within `(x0, y0, x1, y1)` of the top `page_h`
/// rows of `img`, as [`embed`] puts it there: for what is drawn over a
/// marked page (the body's QR codes), so that it carries the mark too.
pub(crate) fn embed_in(
    img: &mut RgbImage,
    page_h: u32,
    code: ExportCode,
    (x0, y0, x1, y1): (u32, u32, u32, u32),
) {
    let bits = codeword(code);
    let w = img.width();
    let cell = w as f32 / COLS as f32;
    if cell < 4.0 {
        return;
    }
    let rows = (page_h as f32 / cell).floor() as u32;
    let bottom = ((rows as f32 * cell) as u32).min(page_h).min(y1);
    for y in y0..bottom {
        let cy = (y as f32 / cell) as u32;
        let fy = y as f32 / cell - cy as f32;
        for x in x0..x1.min(w) {
            let cx = ((x as f32 / cell) as u32).min(COLS - 1);
            let fx = x as f32 / cell - cx as f32;
            let sign = if bits[bit_of(cx, cy)] { 1.0 } else { -1.0 };
            let d = DELTA * sign * checker(fx, fy);
            let p = img.get_pixel_mut(x, y);
            for v in p.0.iter_mut() {
                let base = f32::from(*v).clamp(DELTA, 255.0 - DELTA);
                *v = (base + d).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// Reads the invisible mark from a page (its top edge and both sides kept;
/// the bottom may be cut off). `Some((code, confidence))` only when the
/// check matches.
pub(crate) fn read(grey: &GrayImage) -> Option<(ExportCode, f32)> {
    let cell = grey.width() as f32 / COLS as f32;
    if cell < 6.0 {
        return None;
    }
    // The grid starts at the page's top edge: each cell's class is its bit
    // less the walk's constant offset (see `bit_of`).
    let cells = cell_values(&Integral::new(grey), cell, 0.0);
    let mut soft = [0f32; BITS];
    let mut count = [0u32; BITS];
    for (k, v) in cells {
        let b = (k + bit_of(0, 0)) % BITS;
        soft[b] += v;
        count[b] += 1;
    }
    if count.contains(&0) {
        return None;
    }
    decide(&soft, &count)
}

/// Reads the invisible mark from a band of the page: its whole width kept
/// but not its top edge (a copy trimmed at the top, the middle or the
/// lower third of a page cut out). The grid's cell size still follows from
/// the width; where its rows start, and which bit a row begins with, are
/// not known and are searched for. The rows' offset is the one whose cells
/// read most alike within each bit's class (the classes of cells carrying
/// one bit do not depend on where the band starts, only which bit each
/// class is), and then the 80 ways the classes can map to bits are tried
/// against the check. A reading is given only when the check matches and
/// the cells of each bit agree (at least [`MIN_AGREEMENT`] of them with
/// their bit): 80 tries of a 16-bit check would otherwise let about one
/// unmarked page in 800 through.
pub(crate) fn read_band(grey: &GrayImage) -> Option<(ExportCode, f32)> {
    let (w, h) = grey.dimensions();
    let cell = w as f32 / COLS as f32;
    if cell < 6.0 || (h as f32) < cell * 6.0 {
        return None;
    }
    let sums = Integral::new(grey);
    let mut best: Option<(f32, Vec<(usize, f32)>)> = None;
    for phase in 0..PHASES {
        let oy = phase as f32 * cell / PHASES as f32;
        let cells = cell_values(&sums, cell, oy);
        let mut class = [0f32; BITS];
        for &(k, v) in &cells {
            class[k] += v;
        }
        let energy: f32 = class.iter().map(|s| s.abs()).sum();
        if best.as_ref().is_none_or(|(e, _)| energy > *e) {
            best = Some((energy, cells));
        }
    }
    let (_, cells) = best?;
    decode_cells(&cells)
}

/// The code from cells whose classes are known but not which bit each
/// class carries: the agreement test, then the 80 rotations against the
/// check.
fn decode_cells(cells: &[(usize, f32)]) -> Option<(ExportCode, f32)> {
    if cells.is_empty() {
        return None;
    }
    let mut class = [0f32; BITS];
    let mut count = [0u32; BITS];
    for &(k, v) in cells {
        class[k] += v;
        count[k] += 1;
    }
    if count.contains(&0) {
        return None;
    }
    // How many cells agree with their class's sign.
    let agree = cells
        .iter()
        .filter(|(k, v)| (*v > 0.0) == (class[*k] > 0.0))
        .count() as f32
        / cells.len() as f32;
    if agree < MIN_AGREEMENT {
        return None;
    }
    for t in 0..BITS {
        let soft: Vec<f32> = (0..BITS).map(|b| class[(b + BITS - t) % BITS]).collect();
        let counts: Vec<u32> = (0..BITS).map(|b| count[(b + BITS - t) % BITS]).collect();
        if let Some(found) = decide(&soft, &counts) {
            return Some(found);
        }
    }
    None
}

/// Row offsets tried for a band: a sixteenth of a cell apart.
const PHASES: u32 = 16;
/// The share of cells that must agree with their bit for a band's reading.
const MIN_AGREEMENT: f32 = 0.7;

/// The codeword's bits from their summed readings, if the check matches;
/// with the weakest bit's strength as confidence.
fn decide(soft: &[f32], count: &[u32]) -> Option<(ExportCode, f32)> {
    let mut code = 0u64;
    let mut c = 0u16;
    for (i, s) in soft.iter().enumerate() {
        let bit = *s > 0.0;
        if i < 64 {
            code = (code << 1) | u64::from(bit);
        } else {
            c = (c << 1) | u16::from(bit);
        }
    }
    if check(code) != c {
        return None;
    }
    let weakest = soft
        .iter()
        .zip(count.iter())
        .map(|(s, n)| s.abs() / *n as f32 / DELTA)
        .fold(f32::MAX, f32::min);
    Some((ExportCode(code), weakest.clamp(0.0, 1.0)))
}

/// Each whole cell of a band whose rows start at `oy`: its class (the bit
/// it carries, up to a rotation of all 80) and its reading, as [`read`]
/// takes it.
fn cell_values(sums: &Integral, cell: f32, oy: f32) -> Vec<(usize, f32)> {
    grid_values(sums, cell, 0.0, oy, COLS)
}

/// As [`cell_values`], for a grid whose columns start at `ox` and number
/// `cols` (a copy cut at a side).
fn grid_values(sums: &Integral, cell: f32, ox: f32, oy: f32, cols: u32) -> Vec<(usize, f32)> {
    let rows = ((sums.h as f32 - oy) / cell).floor().max(0.0) as u32;
    let sq = cell / SQUARES as f32;
    let inset = sq * 0.2;
    let mut out = Vec::with_capacity((rows * cols) as usize);
    for cy in 0..rows {
        for cx in 0..cols {
            let mut sum = 0.0;
            for qy in 0..SQUARES {
                for qx in 0..SQUARES {
                    let x0 = ox + cx as f32 * cell + qx as f32 * sq;
                    let y0 = oy + cy as f32 * cell + qy as f32 * sq;
                    // Each square's mean, away from its edges (a scaled
                    // or re-compressed copy blurs them).
                    let mean = sums.mean(
                        (x0 + inset) as u32,
                        (y0 + inset) as u32,
                        (x0 + sq - inset) as u32 + 1,
                        (y0 + sq - inset) as u32 + 1,
                    );
                    let sign = if (qx + qy).is_multiple_of(2) {
                        1.0
                    } else {
                        -1.0
                    };
                    sum += sign * mean;
                }
            }
            // Per square, the pattern's own contribution is ±DELTA; text
            // edges give far more, and are clipped so they do not outvote.
            let v = (sum / (SQUARES * SQUARES) as f32).clamp(-2.0 * DELTA, 2.0 * DELTA);
            let k = ((cx as usize) * 7 + (cy as usize) * 29) % BITS;
            out.push((k, v));
        }
    }
    out
}

/// A summed-area table: the mean of any rectangle in four lookups.
struct Integral {
    w: u32,
    h: u32,
    table: Vec<f64>,
}

impl Integral {
    fn new(grey: &GrayImage) -> Self {
        let (w, h) = grey.dimensions();
        let stride = (w + 1) as usize;
        let mut table = vec![0f64; stride * (h + 1) as usize];
        for y in 0..h {
            let mut row = 0f64;
            for x in 0..w {
                row += f64::from(grey.get_pixel(x, y)[0]);
                let i = (y + 1) as usize * stride + (x + 1) as usize;
                table[i] = table[i - stride] + row;
            }
        }
        Self { w, h, table }
    }

    /// The mean over `x0..x1`, `y0..y1` (clamped to the image).
    fn mean(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> f32 {
        let (x1, y1) = (x1.min(self.w), y1.min(self.h));
        if x0 >= x1 || y0 >= y1 {
            return 0.0;
        }
        let stride = (self.w + 1) as usize;
        let at = |x: u32, y: u32| self.table[y as usize * stride + x as usize];
        let total = at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0);
        (total / f64::from((x1 - x0) * (y1 - y0))) as f32
    }
}

/// Reads the invisible mark from a copy whose grid is not where the page's
/// width puts it: cut at a side, a third of a page, scaled. Hand-written
/// synchronisation (no crate does this for this mark):
///
/// 1. The checker's square size is found from the page itself. On a
///    high-passed copy, the checker makes pixels a square apart across
///    unlike (−1) and a square apart diagonally alike (+1); text and paper
///    make both alike. So `diagonal − across` at lag `k` follows the
///    checker's own curve, peaking at the square's size; that peak is
///    taken.
/// 2. Around it (7 % below to 3 % above, in 0.25 % steps), the cell size and the grid's
///    offset (an eighth of a cell at a time, both ways) whose cells read
///    most alike within each bit's class are taken, and then the code as
///    for a band ([`decode_cells`]: agreement, 80 rotations, the check).
pub(crate) fn read_unaligned(grey: &GrayImage) -> Option<(ExportCode, f32)> {
    let (w, h) = grey.dimensions();
    if w < 96 || h < 96 {
        return None;
    }
    let sums = Integral::new(grey);
    let sq = square_size(grey, &sums)?;
    let mut best: Option<(f32, Vec<(usize, f32)>)> = None;
    for step in -28i32..=12 {
        let cell = sq * SQUARES as f32 * (1.0 + step as f32 * 0.0025);
        let cols = (w as f32 / cell).floor() as u32;
        if cols < 6 {
            continue;
        }
        for py in 0..8 {
            for px in 0..8 {
                let (ox, oy) = (px as f32 * cell / 8.0, py as f32 * cell / 8.0);
                let cols = ((w as f32 - ox) / cell).floor() as u32;
                let cells = grid_values(&sums, cell, ox, oy, cols);
                if cells.len() < BITS * 2 {
                    continue;
                }
                let mut class = [0f32; BITS];
                for &(k, v) in &cells {
                    class[k] += v;
                }
                let energy = class.iter().map(|s| s.abs()).sum::<f32>() / cells.len() as f32;
                if best.as_ref().is_none_or(|(e, _)| energy > *e) {
                    best = Some((energy, cells));
                }
            }
        }
    }
    let best = best?;
    decode_cells(&best.1)
}

/// The checker's square size in pixels (3 to 16), from the page: see
/// [`read_unaligned`].
fn square_size(grey: &GrayImage, sums: &Integral) -> Option<f32> {
    const MAX_LAG: usize = 48;
    const R: u32 = 12;
    let (w, h) = grey.dimensions();
    // High-passed and clipped: the page less its local mean, text's edges
    // cut down to the mark's own size.
    let hp: Vec<f32> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| {
            let m = sums.mean(
                x.saturating_sub(R),
                y.saturating_sub(R),
                x + R + 1,
                y + R + 1,
            );
            (f32::from(grey.get_pixel(x, y)[0]) - m).clamp(-2.0 * DELTA, 2.0 * DELTA)
        })
        .collect();
    let at = |x: usize, y: usize| hp[y * w as usize + x];
    let (wu, hu) = (w as usize, h as usize);
    let mut score = [0f32; MAX_LAG + 1];
    for (k, slot) in score.iter_mut().enumerate().skip(1) {
        let (mut across, mut diagonal, mut n) = (0f32, 0f32, 0u32);
        for y in (0..hu.saturating_sub(k)).step_by(2) {
            for x in 0..wu.saturating_sub(k) {
                let v = at(x, y);
                across += v * at(x + k, y);
                diagonal += v * at(x + k, y + k);
                n += 1;
            }
        }
        if n > 0 {
            *slot = (diagonal - across) / n as f32;
        }
    }
    // The first peak, between whole lags by a parabola through its
    // neighbours. The high-pass and the cells' unrelated signs pull it a
    // few per cent above the square's size; the search around it allows
    // for that.
    let k = (3..=17).max_by(|a, b| score[*a].total_cmp(&score[*b]))?;
    let (l, c, r) = (score[k - 1], score[k], score[k + 1]);
    if c <= 0.0 {
        return None;
    }
    let bend = l - 2.0 * c + r;
    let shift = if bend < 0.0 {
        (l - r) / (2.0 * bend)
    } else {
        0.0
    };
    Some(k as f32 - shift.clamp(-0.5, 0.5))
}
