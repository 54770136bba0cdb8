//! Generated handwriting for the tests of pages OCR reads poorly (shared by
//! the intake tests and the CLI's, which include this file by path).

/// Strokes like handwriting: jittered dark polylines, deterministic.
pub fn scribble(img: &mut image::RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32), seed: u64) {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let (w, h) = (x1 - x0, y1 - y0);
    for _ in 0..60 {
        let (mut x, mut y) = (
            x0 + (next() % u64::from(w)) as u32,
            y0 + (next() % u64::from(h)) as u32,
        );
        for _ in 0..40 {
            let dx = (next() % 9) as i64 - 4;
            let dy = (next() % 7) as i64 - 3;
            x = (i64::from(x) + dx).clamp(i64::from(x0), i64::from(x1 - 1)) as u32;
            y = (i64::from(y) + dy).clamp(i64::from(y0), i64::from(y1 - 1)) as u32;
            for (px, py) in [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)] {
                if px < img.width() && py < img.height() {
                    img.put_pixel(px, py, image::Rgb([20, 20, 30]));
                }
            }
        }
    }
}
