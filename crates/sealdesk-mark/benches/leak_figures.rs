//! Figures for issue 25: generated leaks of a marked page, per class, traced
//! by every channel as the API reads them (`read_all`, Tesseract for the
//! tiled mark). Prints; asserts nothing.
//!
//!     cargo bench -p sealdesk-mark --bench leak_figures
//!
//! A leak is *named* when every reading leads to the copy it came from
//! (the tiled mark's reading matched to the nearest code given out within
//! three characters, as the API matches it) and the page body (not only
//! the footer's QR code, which names no one on its own) carries it;
//! *footer only* when only the QR code does; *wrong* when any reading
//! leads to a copy that is not in the leak. Composites (another copy's
//! footer pasted on, two copies averaged or spliced) succeed when they name
//! no innocent copy; `both` counts those that show both colluders' codes.
//! `SEALDESK_BENCH_LEAKS=N` sets the leaks per class (default 6);
//! `SEALDESK_BENCH_CLASS=text` runs only the classes whose name has it;
//! `SEALDESK_BENCH_DUMP=DIR` writes each leak there, to look at;
//! `SEALDESK_BENCH_READ=FILE` prints what each channel reads in one image.

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{warp, Interpolation, Projection};
use sealdesk_mark::{
    mark_page, read_all, Channel, ExportCode, Fonts, MarkKind, MarkSpec, FOOTER_PX,
};

/// A small deterministic generator, so each run makes the same leaks.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 ^ (self.0 >> 29)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

fn tesseract(png: &[u8]) -> Option<String> {
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", "eng", "--psm", "11"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(png).ok()?;
    String::from_utf8(child.wait_with_output().ok()?.stdout).ok()
}

/// The Sealdesk codes zbar (a second QR decoder, zbar-tools) reads in an
/// image, footer's and body's; `None` when zbar is not installed.
fn zbar(image: &[u8]) -> Option<Vec<ExportCode>> {
    let dir = std::env::temp_dir().join(format!("leak-zbar-{}", std::process::id()));
    std::fs::write(&dir, image).ok()?;
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&dir)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut codes: Vec<ExportCode> = text
        .lines()
        .filter(|l| l.starts_with("SD1"))
        .filter_map(|l| {
            l.parse()
                .ok()
                .or_else(|| l.strip_prefix("SD1B:")?.parse().ok())
        })
        .collect();
    codes.sort();
    codes.dedup();
    Some(codes)
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg");
    out
}

fn grey(img: &RgbImage) -> RgbImage {
    let g = image::DynamicImage::ImageRgb8(img.clone()).to_luma8();
    image::DynamicImage::ImageLuma8(g).to_rgb8()
}

fn body(img: &RgbImage) -> RgbImage {
    image::imageops::crop_imm(img, 0, 0, img.width(), img.height() - FOOTER_PX).to_image()
}

/// A phone photo of the paper without its footer: a slight perspective, a
/// warm cast, a shadow from one side, on a brownish desk, JPEG.
fn phone_photo(page: &RgbImage, rng: &mut Lcg, quality: u8) -> Vec<u8> {
    photo_of(&body(page), rng, quality)
}

/// The same photo of the whole page, footer and QR code in frame.
fn photo_of(page: &RgbImage, rng: &mut Lcg, quality: u8) -> Vec<u8> {
    let page = page.clone();
    let (w, h) = (page.width() as f32, page.height() as f32);
    let m = 0.04;
    let j = |r: &mut Lcg| (r.unit() - 0.5) * 0.03;
    let from = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to = [
        (w * (m + j(rng)), h * (m + j(rng))),
        (w * (1.0 - m + j(rng)), h * (m + j(rng))),
        (w * (1.0 - m + j(rng)), h * (1.0 - m + j(rng))),
        (w * (m + j(rng)), h * (1.0 - m + j(rng))),
    ];
    let Some(p) = Projection::from_control_points(from, to) else {
        return jpeg(&page, quality);
    };
    let mut shot = warp(&page, &p, Interpolation::Bilinear, Rgb([120, 96, 78]));
    let cast = [1.0 + rng.unit() * 0.06, 1.0, 0.88 + rng.unit() * 0.06];
    for (x, _, px) in shot.enumerate_pixels_mut() {
        let shade = 0.8 + 0.2 * x as f32 / w;
        for c in 0..3 {
            px[c] = (f32::from(px[c]) * cast[c] * shade).clamp(0.0, 255.0) as u8;
        }
    }
    jpeg(&shot, quality)
}

fn main() {
    // SEALDESK_BENCH_READ=FILE: every channel's readings of one image.
    if let Ok(file) = std::env::var("SEALDESK_BENCH_READ") {
        let bytes = std::fs::read(&file).expect("image");
        let start = Instant::now();
        let readings = read_all(&bytes, Some(&tesseract)).expect("image");
        println!("{readings:?} in {:.2}s", start.elapsed().as_secs_f64());
        return;
    }
    let fonts = Fonts::system().expect("a Traditional Chinese font (fonts-noto-cjk)");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-intake/tests/data/sample-01-scan.jpg");
    let scan = std::fs::read(&sample).expect("sample page");
    let per_class: usize = std::env::var("SEALDESK_BENCH_LEAKS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let mut rng = Lcg(25);
    // Six recipients' copies; every code given out is one of theirs.
    let codes: Vec<ExportCode> = (0..6).map(|_| ExportCode(rng.next())).collect();
    // Two letters: the sample scan (a short letter, blank below it) and a
    // page of text to its margins (where the body's QR codes have only the
    // margins).
    let dense = {
        let para = "主旨：檢舉本局某承辦人員疑似收受業者招待，請依法調查並對檢舉人身分予以保密。說明：一、本人於公所櫃臺看見文件編號之收據，附上照片兩張供參。二、據本人所知，該員於本年度多次與特定業者餐敘，疑涉違反公務員廉政倫理規範。";
        let text = para.repeat(30);
        let page = sealdesk_mark::text_pages(&text, &fonts)
            .into_iter()
            .next()
            .expect("a page");
        let mut png = Vec::new();
        page.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        png
    };
    let letters: Vec<(&str, Vec<u8>)> = vec![("sample scan", scan), ("a full page of text", dense)];
    let mark_all = |letter: &[u8]| -> Vec<RgbImage> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let spec = MarkSpec {
                    recipient: format!("承辦人{i}"),
                    unit: "採購科".into(),
                    time: "2026-12-06 10:00（UTC+8）".into(),
                    level: "密".into(),
                    secrecy: "保密期限：2031-12-31".into(),
                    kind: MarkKind::Export { copy: i as u32 + 1 },
                    code: *c,
                    struck: None,
                };
                mark_page(letter, &spec, &fonts).expect("mark")
            })
            .collect()
    };
    // As the API matches: exact for QR and the invisible mark, nearest
    // within three characters for the tiled mark.
    let resolve = |code: ExportCode, channel: Channel| -> Option<usize> {
        match channel {
            Channel::TiledText => {
                let mut best: Vec<(f32, usize)> = codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.ocr_distance(&code), i))
                    .filter(|(d, _)| *d <= sealdesk_mark::MAX_OCR_DISTANCE as f32)
                    .collect();
                best.sort_by(|a, b| a.0.total_cmp(&b.0));
                best.first().map(|b| b.1)
            }
            _ => codes.iter().position(|c| *c == code),
        }
    };
    type Make = fn(&[RgbImage], &mut Lcg, usize) -> (Vec<u8>, Vec<usize>);
    let classes: Vec<(&str, Make)> = vec![
        ("phone photo, no footer, JPEG 85", |p, r, i| {
            (phone_photo(&p[i], r, 85), vec![i])
        }),
        ("phone photo, no footer, JPEG 60", |p, r, i| {
            (phone_photo(&p[i], r, 60), vec![i])
        }),
        ("phone photo of the whole page, JPEG 80", |p, r, i| {
            (photo_of(&p[i], r, 80), vec![i])
        }),
        ("phone photo at half size, no footer, JPEG 70", |p, r, i| {
            let b = body(&p[i]);
            let half = image::imageops::resize(
                &b,
                b.width() / 2,
                b.height() / 2,
                image::imageops::FilterType::Triangle,
            );
            (photo_of(&half, r, 70), vec![i])
        }),
        ("tilted 8°, footer cut, JPEG 75", |p, _, i| {
            let b = body(&p[i]);
            let t = imageproc::geometric_transformations::rotate_about_center(
                &b,
                8f32.to_radians(),
                Interpolation::Bilinear,
                Rgb([120, 96, 78]),
            );
            (jpeg(&t, 75), vec![i])
        }),
        ("grey photocopy, footer cut", |p, _, i| {
            let mut g = grey(&body(&p[i]));
            for px in g.pixels_mut() {
                for c in 0..3 {
                    px[c] = ((f32::from(px[c]) - 128.0) * 1.2 + 140.0).clamp(0.0, 255.0) as u8;
                }
            }
            (jpeg(&g, 70), vec![i])
        }),
        ("scanner app black-and-white, footer cut", |p, _, i| {
            let g = image::DynamicImage::ImageRgb8(body(&p[i])).to_luma8();
            let level = imageproc::contrast::otsu_level(&g);
            let bw = imageproc::contrast::threshold(
                &g,
                level,
                imageproc::contrast::ThresholdType::Binary,
            );
            let mut png = Vec::new();
            bw.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
                .expect("png");
            (png, vec![i])
        }),
        ("a third of the page, any position, JPEG 70", |p, r, i| {
            let b = body(&p[i]);
            let (w, h) = b.dimensions();
            let (cw, ch) = if r.unit() < 0.5 {
                (w, h / 3)
            } else {
                (w * 2 / 3, h / 2)
            };
            let x = ((w - cw) as f32 * r.unit()) as u32;
            let y = ((h - ch) as f32 * r.unit()) as u32;
            (
                jpeg(&image::imageops::crop_imm(&b, x, y, cw, ch).to_image(), 70),
                vec![i],
            )
        }),
        ("turned 90° without footer, JPEG 75", |p, _, i| {
            (jpeg(&image::imageops::rotate90(&body(&p[i])), 75), vec![i])
        }),
        ("another copy's footer pasted on", |p, _, i| {
            let j = (i + 1) % p.len();
            let mut img = p[i].clone();
            let (w, h) = img.dimensions();
            let f = image::imageops::crop_imm(&p[j], 0, h - FOOTER_PX, w, FOOTER_PX).to_image();
            image::imageops::replace(&mut img, &f, 0, i64::from(h - FOOTER_PX));
            (jpeg(&img, 85), vec![i, j])
        }),
        ("two copies averaged", |p, _, i| {
            let j = (i + 1) % p.len();
            let mut img = p[i].clone();
            for (a, b) in img.pixels_mut().zip(p[j].pixels()) {
                for c in 0..3 {
                    a[c] = ((u16::from(a[c]) + u16::from(b[c])) / 2) as u8;
                }
            }
            (jpeg(&img, 85), vec![i, j])
        }),
        ("three copies averaged", |p, _, i| {
            let (j, k) = ((i + 1) % p.len(), (i + 2) % p.len());
            let mut img = p[i].clone();
            for ((a, b), c) in img.pixels_mut().zip(p[j].pixels()).zip(p[k].pixels()) {
                for ch in 0..3 {
                    a[ch] = ((u16::from(a[ch]) + u16::from(b[ch]) + u16::from(c[ch])) / 3) as u8;
                }
            }
            (jpeg(&img, 85), vec![i, j, k])
        }),
        (
            "two copies spliced (top of one, rest of other)",
            |p, _, i| {
                let j = (i + 1) % p.len();
                let mut img = p[j].clone();
                let (w, h) = img.dimensions();
                let top = image::imageops::crop_imm(&p[i], 0, 0, w, h / 2).to_image();
                image::imageops::replace(&mut img, &top, 0, 0);
                (jpeg(&img, 85), vec![i, j])
            },
        ),
    ];
    let mut times: Vec<Duration> = Vec::new();
    // SEALDESK_BENCH_CLASS=text: only the classes whose name contains it.
    let only = std::env::var("SEALDESK_BENCH_CLASS").unwrap_or_default();
    for (letter, bytes) in &letters {
        let pages = mark_all(bytes);
        println!(
            "== issue 25, {letter}: {per_class} generated leaks per class, six recipients' copies"
        );
        for (name, make) in classes.iter().filter(|(n, _)| n.contains(only.as_str())) {
            let (mut named, mut wrong, mut both, mut n) = (0, 0, 0, 0);
            let mut all = 0;
            let mut footer_only = 0;
            // QR codes zbar reads in an image that the API's reader missed.
            let (mut zbar_more, mut zbar_images) = (0, 0);
            let composite = name.contains("copies") || name.contains("pasted");
            for k in 0..per_class {
                let i = k % codes.len();
                let (bytes, sources) = make(&pages, &mut rng, i);
                if let Ok(dir) = std::env::var("SEALDESK_BENCH_DUMP") {
                    let slug: String = name
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .collect();
                    let l = &letter[..1];
                    std::fs::write(format!("{dir}/{l}-{slug}-{k}.img"), &bytes).expect("dump");
                }
                let start = Instant::now();
                let readings = read_all(&bytes, Some(&tesseract)).expect("image");
                times.push(start.elapsed());
                n += 1;
                if let Some(theirs) = zbar(&bytes) {
                    zbar_images += 1;
                    let ours: Vec<ExportCode> = readings
                        .iter()
                        .filter(|r| matches!(r.channel, Channel::Qr | Channel::BodyQr))
                        .map(|r| r.code)
                        .collect();
                    zbar_more += usize::from(theirs.iter().any(|c| !ours.contains(c)));
                }
                let led: Vec<Option<usize>> = readings
                    .iter()
                    .map(|r| resolve(r.code, r.channel))
                    .collect();
                let innocent = readings.iter().zip(&led).any(|(r, l)| match l {
                    Some(x) => !sources.contains(x),
                    // A QR code or invisible reading naming no copy given out.
                    None => r.channel != Channel::TiledText,
                });
                let mut hit: Vec<usize> = led.iter().flatten().copied().collect();
                hit.sort();
                hit.dedup();
                if innocent {
                    wrong += 1;
                } else if composite {
                    named += usize::from(!hit.is_empty());
                    both += usize::from(hit.len() >= 2);
                    let mut every = sources.clone();
                    every.sort();
                    all += usize::from(hit == every);
                } else if hit == sources {
                    // Named as the API names: the page body carries the code.
                    let body = readings
                        .iter()
                        .zip(&led)
                        .any(|(r, l)| r.channel != Channel::Qr && l.is_some());
                    named += usize::from(body);
                    footer_only += usize::from(!body);
                }
            }
            if composite {
                println!(
                "{name:>48}: no innocent named {}/{n}; a colluder's code shown {named}/{n}, two or more {both}/{n}, every one {all}/{n}; wrong {wrong}",
                n - wrong
            );
            } else {
                println!(
                "{name:>48}: named {named}/{n} = {:.2}; footer only {footer_only}/{n}; wrong {wrong}",
                named as f32 / n as f32
            );
            }
            if zbar_images > 0 {
                println!(
                    "{:>48}  zbar read a QR code ours missed in {zbar_more}/{zbar_images}",
                    ""
                );
            }
        }
    }
    if times.is_empty() {
        return;
    }
    times.sort();
    let at = |q: f32| times[((times.len() - 1) as f32 * q) as usize];
    println!(
        "trace time per image (all channels, release): p50 {:.2}s, p95 {:.2}s over {} images",
        at(0.5).as_secs_f64(),
        at(0.95).as_secs_f64(),
        times.len()
    );
}
