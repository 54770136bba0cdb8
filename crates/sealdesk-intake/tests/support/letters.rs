//! Generated letters for each class of paper people send (issue 20), with
//! their truth, and the check a handler's view must pass: no truth value
//! readable in the masked working copy nor by OCR of a page image shown to
//! a handler (a withheld page shows nothing).
//!
//! Classes: a typed scan; handwriting (a serif face drawn with a pen's
//! jitter, blue ink, on 稿紙 squares, noise: no handwriting font ships with
//! Debian's Noto, so this is the nearest that can be generated here); a red
//! seal over the signer's name; a phone photo of the paper (keystone,
//! shading, blur, a desk around it, JPEG 70); a 1-bit fax as a two-page
//! TIFF with a cover sheet; an e-mail whose petition is in its attachments
//! (a JPEG scan, a scanned PDF, a .docx, an .odt and a text file).
//!
//! Shared by the intake tests and the page figures bench.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use ab_glyph::{point, Font, FontVec, PxScale};
use image::{Rgb, RgbImage};
use sealdesk_core::pii::{self, PiiKind};
use sealdesk_intake::{Extracted, WorkerCommand};

use super::{docs, pdfs};

/// Deterministic randomness (xorshift), so a seed is a letter.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so near seeds start far apart.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self((z ^ (z >> 31)) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn unit(&mut self) -> f32 {
        (self.next() % 10_000) as f32 / 10_000.0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// One value the letter holds, as detection reports it, and the piece of
/// it whose being readable is a leak (an address's road and number).
#[derive(Debug, Clone)]
pub struct Truth {
    pub kind: PiiKind,
    pub value: String,
    pub probe: String,
    /// Written on a page image (not only in typed text).
    pub on_image: bool,
}

/// A generated letter: the file as it arrives, its truth and the page
/// images inside it as sent (what `tesseract` alone is given).
pub struct Letter {
    pub class: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub truth: Vec<Truth>,
    pub images: Vec<Vec<u8>>,
}

pub const CLASSES: [&str; 6] = [
    "typed-scan",
    "handwritten",
    "sealed",
    "phone-photo",
    "fax-tiff",
    "email-attachments",
];

/// The faces letters are drawn in: a sans for print, a serif for the hand.
pub struct Faces {
    pub print: FontVec,
    pub hand: FontVec,
}

impl Faces {
    pub fn system() -> Self {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let load = |families: &[&str]| {
            families
                .iter()
                .find_map(|family| {
                    let query = fontdb::Query {
                        families: &[fontdb::Family::Name(family)],
                        ..fontdb::Query::default()
                    };
                    let id = db.query(&query)?;
                    db.with_face_data(id, |data, index| {
                        FontVec::try_from_vec_and_index(data.to_vec(), index).ok()
                    })
                    .flatten()
                })
                .expect("a Traditional Chinese font (Debian: fonts-noto-cjk)")
        };
        Self {
            print: load(&["Noto Sans CJK TC", "Noto Serif CJK TC"]),
            hand: load(&["Noto Serif CJK TC", "Noto Sans CJK TC"]),
        }
    }
}

const SURNAMES: [&str; 16] = [
    "王", "林", "陳", "張", "李", "黃", "吳", "劉", "蔡", "楊", "許", "鄭", "謝", "郭", "洪", "曾",
];
const GIVEN: [&str; 16] = [
    "志明", "淑芬", "建宏", "美玲", "俊傑", "雅婷", "家豪", "怡君", "宗翰", "佩珊", "冠宇", "欣怡",
    "承恩", "詩涵", "柏翰", "郁婷",
];
const ROADS: [(&str, &str); 6] = [
    ("臺北市中正區", "重慶南路一段"),
    ("新北市板橋區", "文化路二段"),
    ("臺中市西區", "民權路"),
    ("高雄市苓雅區", "四維三路"),
    ("桃園市中壢區", "中山路"),
    ("臺南市東區", "大學路"),
];
const AGENCIES: [&str; 3] = ["財政部北區國稅局", "臺北市政府工務局", "交通部公路局"];
const TOPICS: [&str; 3] = [
    "檢舉本局承辦人員收受廠商招待",
    "陳情道路施工噪音影響居住安寧",
    "對標案決標結果提出異議",
];

/// Who writes: the values that identify them.
pub struct Person {
    pub name: String,
    pub id: String,
    pub phone: String,
    pub road: String,
    pub address: String,
    pub email: String,
}

fn national_id(rng: &mut Rng) -> String {
    loop {
        let letter = (b'A' + rng.below(11) as u8) as char;
        let sex = if rng.below(2) == 0 { '1' } else { '2' };
        let mut id = format!("{letter}{sex}");
        for _ in 0..8 {
            id.push((b'0' + rng.below(10) as u8) as char);
        }
        if pii::is_valid_national_id(&id) {
            return id;
        }
    }
}

pub fn person(rng: &mut Rng) -> Person {
    let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
    let id = national_id(rng);
    let phone = format!(
        "09{:02}-{:03}-{:03}",
        rng.below(100),
        rng.below(1000),
        rng.below(1000)
    );
    let (city, road) = *rng.pick(&ROADS);
    let road = format!("{road}{}號", rng.below(300) + 1);
    let address = format!("{city}{road}{}樓", rng.below(12) + 2);
    let email = format!("user{}@example.com", rng.below(90_000) + 10_000);
    Person {
        name,
        id,
        phone,
        road,
        address,
        email,
    }
}

fn truth(p: &Person, on_image: bool) -> Vec<Truth> {
    let digits: String = p.phone.chars().filter(char::is_ascii_digit).collect();
    vec![
        Truth {
            kind: PiiKind::Person,
            value: p.name.clone(),
            probe: p.name.clone(),
            on_image,
        },
        Truth {
            kind: PiiKind::NationalId,
            value: p.id.clone(),
            probe: p.id.clone(),
            on_image,
        },
        Truth {
            kind: PiiKind::Phone,
            value: digits.clone(),
            probe: digits,
            on_image,
        },
        Truth {
            kind: PiiKind::Address,
            value: p.address.clone(),
            probe: p.road.clone(),
            on_image,
        },
        Truth {
            kind: PiiKind::Email,
            value: p.email.clone(),
            probe: p.email.clone(),
            on_image,
        },
    ]
}

/// The letter's lines: its identity in the body and the signature block.
fn lines(p: &Person, rng: &mut Rng) -> Vec<String> {
    let agency = rng.pick(&AGENCIES);
    let topic = rng.pick(&TOPICS);
    vec![
        "檢舉書".into(),
        format!("受文者：{agency}"),
        format!("主旨：{topic}，請依法調查。"),
        "說明：".into(),
        format!("一、檢舉人{}，身分證統一編號：{}，", p.name, p.id),
        format!("　　住址：{}，", p.address),
        format!("　　聯絡電話：{}，電子郵件：{}。", p.phone, p.email),
        "二、該員於上班時間多次前往廠商處所，".into(),
        "　　並收受餐飲招待，請依法調查。".into(),
        "　　此致".into(),
        format!("{agency}"),
        format!("檢舉人：{}　敬上", p.name),
        "中華民國一一五年三月二日".into(),
    ]
}

const INK: Rgb<u8> = Rgb([25, 25, 30]);
const BLUE_INK: Rgb<u8> = Rgb([30, 45, 110]);
const SEAL_RED: Rgb<u8> = Rgb([205, 35, 45]);

fn blend(img: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>, alpha: f32) {
    if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    for k in 0..3 {
        let v = f32::from(p[k]) * (1.0 - alpha) + f32::from(color[k]) * alpha;
        p[k] = v.round().clamp(0.0, 255.0) as u8;
    }
}

/// Draws `text` from (x, baseline y); with `hand`, each character is drawn
/// like a pen: size, height and spacing jittered, strokes thickened.
/// Returns the x after it and each char's box (x0, y0, x1, y1).
fn draw_text(
    img: &mut RgbImage,
    font: &FontVec,
    text: &str,
    (x, y): (f32, f32),
    px: f32,
    color: Rgb<u8>,
    mut hand: Option<&mut Rng>,
) -> f32 {
    let mut x = x;
    for c in text.chars() {
        let (scale, dy, advance) = match hand.as_deref_mut() {
            Some(rng) => (
                px * (0.85 + 0.3 * rng.unit()),
                px * 0.12 * (rng.unit() - 0.5),
                0.92 + 0.16 * rng.unit(),
            ),
            None => (px, 0.0, 1.0),
        };
        let id = font.glyph_id(c);
        let glyph = id.with_scale_and_position(PxScale::from(scale), point(x, y + dy));
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            let thick = hand.is_some();
            outlined.draw(|gx, gy, cov| {
                let (px_, py_) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                blend(img, px_, py_, color, cov.min(1.0));
                if thick {
                    blend(img, px_ + 1, py_, color, cov.min(1.0) * 0.8);
                }
            });
        }
        let h = font.h_advance_unscaled(id) * scale / font.height_unscaled();
        x += h * advance;
    }
    x
}

fn noise(img: &mut RgbImage, rng: &mut Rng, amount: i32) {
    for p in img.pixels_mut() {
        let n = (rng.below((2 * amount + 1) as u64) as i32) - amount;
        for k in 0..3 {
            p[k] = (i32::from(p[k]) + n).clamp(0, 255) as u8;
        }
    }
}

/// A seal: a red ring with the characters of a name inside, blended over
/// what is under it (ink shows through, as through a real seal).
fn seal(img: &mut RgbImage, faces: &Faces, (cx, cy): (f32, f32), r: f32, text: &str) {
    let (cxi, cyi, ri) = (cx as i64, cy as i64, r as i64);
    for y in cyi - ri..=cyi + ri {
        for x in cxi - ri..=cxi + ri {
            let d = (((x - cxi).pow(2) + (y - cyi).pow(2)) as f32).sqrt();
            if d <= r && d >= r - 6.0 {
                blend(img, x, y, SEAL_RED, 0.85);
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let px = r * 0.75;
    for (i, c) in chars.iter().enumerate().take(4) {
        let (col, row) = (i / 2, i % 2);
        let x = cx + r * 0.05 - col as f32 * px * 0.95;
        let y = cy - r * 0.05 + row as f32 * px * 0.9;
        let mut img2 = img.clone();
        draw_text(
            &mut img2,
            &faces.print,
            &c.to_string(),
            (x, y),
            px,
            SEAL_RED,
            None,
        );
        // Keep the seal's red where it was drawn, over the ink below.
        for (a, b) in img.pixels_mut().zip(img2.pixels()) {
            if b[0] > 150 && b[1] < 120 && (a[0] != b[0] || a[1] != b[1]) {
                *a = Rgb([
                    b[0],
                    (u16::from(b[1]) * 3 / 4) as u8,
                    (u16::from(b[2]) * 3 / 4) as u8,
                ]);
            }
        }
    }
}

/// An A4 page at 150 dpi with the letter's lines on it. Returns the page
/// and where the signature's name was written (for a seal).
fn page(
    faces: &Faces,
    lines: &[String],
    hand: Option<&mut Rng>,
    grid: bool,
) -> (RgbImage, (f32, f32)) {
    let (w, h) = (1240u32, 1754u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([250, 250, 246]));
    let (px, step, ink, font) = match hand {
        Some(_) => (40.0, 76.0, BLUE_INK, &faces.hand),
        None => (30.0, 58.0, INK, &faces.print),
    };
    if grid {
        // 稿紙: red squares, a column of them per character.
        let cell = 56i64;
        for row in 0..20 {
            for col in 0..19 {
                let (x0, y0) = (100 + col * cell, 150 + row * 76 - 44);
                for t in 0..cell {
                    for (x, y) in [
                        (x0 + t, y0),
                        (x0 + t, y0 + cell),
                        (x0, y0 + t),
                        (x0 + cell, y0 + t),
                    ] {
                        blend(&mut img, x, y, Rgb([200, 90, 80]), 0.6);
                    }
                }
            }
        }
    }
    let mut hand = hand;
    let mut sign = (0.0, 0.0);
    for (i, line) in lines.iter().enumerate() {
        let y = 150.0 + i as f32 * step;
        let x = if i == 0 { 520.0 } else { 110.0 };
        if line.starts_with("檢舉人：") {
            let label_end = draw_text(
                &mut img,
                font,
                "檢舉人：",
                (x, y),
                px,
                ink,
                hand.as_deref_mut(),
            );
            let rest = line.trim_start_matches("檢舉人：");
            let name: String = rest.chars().take_while(|c| *c != '　').collect();
            let end = draw_text(
                &mut img,
                font,
                rest,
                (label_end, y),
                px,
                ink,
                hand.as_deref_mut(),
            );
            let name_w =
                (end - label_end) * name.chars().count() as f32 / rest.chars().count() as f32;
            sign = (label_end + name_w / 2.0, y - px * 0.35);
        } else {
            draw_text(&mut img, font, line, (x, y), px, ink, hand.as_deref_mut());
        }
    }
    (img, sign)
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg");
    out
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A phone photo of the page: on a desk, keystoned (the top narrower),
/// shaded from one corner, slightly turned and blurred.
fn photograph(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (ow, oh) = (1500u32, 2000u32);
    let desk = Rgb([120, 100, 80]);
    let mut out = RgbImage::from_pixel(ow, oh, desk);
    let squeeze = 0.06 + 0.04 * rng.unit();
    let turn = (rng.unit() - 0.5) * 0.03;
    let (mx, my) = (ow as f32 * 0.08, oh as f32 * 0.06);
    let (pw, ph) = (ow as f32 - 2.0 * mx, oh as f32 - 2.0 * my);
    for oy in 0..oh {
        for ox in 0..ow {
            // Undo the turn about the centre, then the keystone.
            let (fx, fy) = (ox as f32 - ow as f32 / 2.0, oy as f32 - oh as f32 / 2.0);
            let (rx, ry) = (
                fx * turn.cos() + fy * turn.sin(),
                -fx * turn.sin() + fy * turn.cos(),
            );
            let (rx, ry) = (rx + ow as f32 / 2.0 - mx, ry + oh as f32 / 2.0 - my);
            let v = ry / ph;
            let row_w = pw * (1.0 - squeeze * (1.0 - v));
            let u = (rx - (pw - row_w) / 2.0) / row_w;
            if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
                continue;
            }
            let p = img.get_pixel((u * w) as u32, (v * h) as u32);
            let shade = 0.72 + 0.28 * (1.0 - (ox as f32 / ow as f32 + oy as f32 / oh as f32) / 2.0);
            out.put_pixel(
                ox,
                oy,
                Rgb([
                    (f32::from(p[0]) * shade) as u8,
                    (f32::from(p[1]) * shade * 0.98) as u8,
                    (f32::from(p[2]) * shade * 0.93) as u8,
                ]),
            );
        }
    }
    image::imageops::blur(&out, 0.8)
}

/// A fax: grey, thresholded to black and white, at fax's 200×100 dpi.
fn fax(img: &RgbImage) -> image::GrayImage {
    let (w, h) = (img.width() * 4 / 3, img.height() * 2 / 3);
    let scaled = image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle);
    image::GrayImage::from_fn(w, h, |x, y| {
        let p = scaled.get_pixel(x, y);
        let l = (u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000;
        image::Luma([if l < 150 { 0 } else { 255 }])
    })
}

/// Base64 as MIME writes it: lines of 76 characters ending in CRLF.
pub fn b64(bytes: &[u8]) -> String {
    let text = data_encoding::BASE64.encode(bytes);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap_or_default())
        .collect();
    lines.join("\r\n")
}

/// The letter of `class` for `seed`.
pub fn letter(faces: &Faces, class: &'static str, seed: u64) -> Letter {
    let salt = class
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = Rng::new(seed ^ salt);
    let p = person(&mut rng);
    let text = lines(&p, &mut rng);
    let (file_name, bytes, images, truth) = match class {
        "typed-scan" => {
            let (mut img, _) = page(faces, &text, None, false);
            noise(&mut img, &mut rng, 6);
            let j = jpeg(&img, 85);
            ("scan.jpg".into(), j.clone(), vec![j], truth(&p, true))
        }
        "handwritten" => {
            let mut hand = Rng::new(seed ^ 0x5eed);
            let (mut img, _) = page(faces, &text, Some(&mut hand), true);
            noise(&mut img, &mut rng, 10);
            let j = jpeg(&img, 85);
            (
                "handwritten.jpg".into(),
                j.clone(),
                vec![j],
                truth(&p, true),
            )
        }
        "sealed" => {
            let (mut img, at) = page(faces, &text, None, false);
            seal(&mut img, faces, at, 52.0, &p.name);
            noise(&mut img, &mut rng, 6);
            let j = jpeg(&img, 85);
            ("sealed.jpg".into(), j.clone(), vec![j], truth(&p, true))
        }
        "phone-photo" => {
            let (img, _) = page(faces, &text, None, false);
            let mut photo = photograph(&img, &mut rng);
            noise(&mut photo, &mut rng, 8);
            let j = jpeg(&photo, 70);
            ("IMG_2041.jpg".into(), j.clone(), vec![j], truth(&p, true))
        }
        "fax-tiff" => {
            // Page 1: the fax cover sheet, with the sender's name and
            // number; page 2: the letter.
            let cover_lines = vec![
                "傳真".into(),
                format!("發送人：{}", p.name),
                format!("聯絡電話：{}", p.phone),
                "頁數：共2頁（含本頁）".into(),
            ];
            let (cover, _) = page(faces, &cover_lines, None, false);
            let (letter, _) = page(faces, &text, None, false);
            let (c, l) = (fax(&cover), fax(&letter));
            let mut tif = Vec::new();
            {
                let mut enc =
                    tiff::encoder::TiffEncoder::new(std::io::Cursor::new(&mut tif)).expect("tiff");
                for g in [&c, &l] {
                    enc.write_image::<tiff::encoder::colortype::Gray8>(
                        g.width(),
                        g.height(),
                        g.as_raw(),
                    )
                    .expect("page");
                }
            }
            let images = [c, l]
                .iter()
                .map(|g| {
                    let mut out = Vec::new();
                    g.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                        .expect("png");
                    out
                })
                .collect();
            ("fax.tif".into(), tif, images, truth(&p, true))
        }
        "email-attachments" => {
            // The body names no one; a scan carries the letter; the writer's
            // spouse is in a .docx table, a witness in an .odt, the
            // writer's e-mail in a text file, a scanned PDF repeats page 1.
            let (mut img, _) = page(faces, &text, None, false);
            noise(&mut img, &mut rng, 6);
            let scan = jpeg(&img, 85);
            let pdf = pdfs::scanned_pdf(&scan, img.width(), img.height(), 1);
            let spouse = person(&mut rng);
            let witness = person(&mut rng);
            let word = docs::docx(
                &format!(
                    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>配偶姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>配偶電話</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
                    spouse.name, spouse.phone
                ),
                &[],
                &[],
            );
            let odf = docs::odt(
                &format!(
                    "<text:p>證人：{}，身分證統一編號：{}，住{}。</text:p>",
                    witness.name, witness.id, witness.address
                ),
                "",
                &[],
            );
            let note = format!("補充：請以電子郵件 {} 回覆。", p.email);
            let part = |ctype: &str, name: &str, body: &[u8]| {
                format!(
                    "--b1\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                    b64(body)
                )
            };
            let eml = format!(
                "From: =?UTF-8?B?{}?= <{}>\r\nTo: petition@example.gov.tw\r\nSubject: =?UTF-8?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n檢舉內容詳如附件，請查收。\r\n{}{}{}{}{}--b1--\r\n",
                b64(p.name.as_bytes()),
                p.email,
                b64("檢舉書".as_bytes()),
                part("image/jpeg", "scan.jpg", &scan),
                part("application/pdf", "letter.pdf", &pdf),
                part(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "family.docx",
                    &word
                ),
                part("application/vnd.oasis.opendocument.text", "witness.odt", &odf),
                part("text/plain; charset=UTF-8", "note.txt", note.as_bytes()),
            );
            let mut t = truth(&p, true);
            let phone = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            for (kind, value, probe) in [
                (PiiKind::Person, spouse.name.clone(), spouse.name.clone()),
                (PiiKind::Phone, phone(&spouse.phone), phone(&spouse.phone)),
                (PiiKind::Person, witness.name.clone(), witness.name.clone()),
                (PiiKind::NationalId, witness.id.clone(), witness.id.clone()),
                (
                    PiiKind::Address,
                    witness.address.clone(),
                    witness.road.clone(),
                ),
            ] {
                t.push(Truth {
                    kind,
                    value,
                    probe,
                    on_image: false,
                });
            }
            (
                "petition.eml".into(),
                eml.into_bytes(),
                vec![scan.clone(), scan],
                t,
            )
        }
        other => panic!("no class {other}"),
    };
    Letter {
        class,
        file_name,
        bytes,
        truth,
        images,
    }
}

/// Text squeezed for comparison: no whitespace or punctuation OCR varies
/// on, ASCII lower case, full-width forms folded.
pub fn squeezed(s: &str) -> String {
    s.chars()
        .map(pii::normalize_char)
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(c, '-' | '(' | ')' | '+' | '，' | ',' | '。' | '.' | '、')
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// What one letter gave a handler.
#[derive(Debug, Default)]
pub struct Outcome {
    pub class: &'static str,
    /// Per truth value: its kind, whether detection found it.
    pub found: Vec<(PiiKind, bool)>,
    /// Values readable in the masked working copy.
    pub copy_leaks: Vec<String>,
    /// Values readable by OCR on a page image shown to a handler.
    pub image_leaks: Vec<(u32, String)>,
    pub pages_shown: usize,
    pub pages_withheld: usize,
    /// Of the values on page images: how many Sealdesk's reading holds whole.
    pub ocr_read: usize,
    pub on_images: usize,
    pub elapsed: Duration,
    pub pages: usize,
}

fn found_by(ex: &Extracted, t: &Truth) -> bool {
    let probe = squeezed(&t.probe);
    ex.findings.iter().any(|f| {
        f.kind == t.kind && {
            let v = squeezed(&f.value);
            v == squeezed(&t.value)
                || v.contains(&probe)
                || (v.chars().count() >= 4 && probe.contains(&v))
        }
    })
}

/// Reads the letter as registration does (worker, OCR, detection, page
/// redaction with no clerk review), then looks at it as a handler would.
pub fn assess(worker: &WorkerCommand, letter: &Letter) -> Outcome {
    let started = Instant::now();
    let ex = sealdesk_intake::read_letter(worker, &letter.bytes, &letter.file_name)
        .unwrap_or_else(|e| panic!("{}: {e}", letter.class));
    let redaction = sealdesk_intake::redact::redact(&ex, &ex.findings, &[])
        .unwrap_or_else(|e| panic!("{}: {e}", letter.class));
    let elapsed = started.elapsed();
    if let Some(dir) = std::env::var_os("SEALDESK_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join(format!("{}.txt", letter.class)), &ex.text).ok();
        for p in &redaction.pages {
            if let Some(png) = &p.png {
                std::fs::write(
                    dir.join(format!("{}-redacted-{}.png", letter.class, p.page)),
                    png,
                )
                .ok();
            }
        }
    }
    let mut out = Outcome {
        class: letter.class,
        elapsed,
        pages: ex.page_renders.len().max(1),
        ..Outcome::default()
    };
    let copy = squeezed(&pii::mask(&ex.text, &ex.findings));
    let read = squeezed(&ex.text);
    for t in &letter.truth {
        out.found.push((t.kind, found_by(&ex, t)));
        if copy.contains(&squeezed(&t.probe)) {
            out.copy_leaks.push(t.probe.clone());
        }
        if t.on_image {
            out.on_images += 1;
            if read.contains(&squeezed(&t.probe)) {
                out.ocr_read += 1;
            }
        }
    }
    for page in &redaction.pages {
        let Some(png) = &page.png else {
            out.pages_withheld += 1;
            continue;
        };
        out.pages_shown += 1;
        let seen = sealdesk_intake::ocr::ocr_page(png, page.page).expect("ocr");
        let seen = squeezed(&seen.text);
        for t in &letter.truth {
            if seen.contains(&squeezed(&t.probe)) {
                out.image_leaks.push((page.page, t.probe.clone()));
            }
        }
    }
    out
}

/// `tesseract` alone on each page image of the letter as sent: how many of
/// the values on images it reads whole, and how long it takes.
pub fn tesseract_alone(letter: &Letter, dir: &std::path::Path) -> (usize, Duration) {
    let mut text = String::new();
    let started = Instant::now();
    for (i, img) in letter.images.iter().enumerate() {
        let path = dir.join(format!("{}-{i}.img", letter.class));
        std::fs::write(&path, img).expect("write");
        let out = std::process::Command::new("tesseract")
            .args([path.to_str().expect("utf-8"), "stdout", "-l", "chi_tra+eng"])
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .expect("tesseract");
        text.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let elapsed = started.elapsed();
    let read = squeezed(&text);
    let n = letter
        .truth
        .iter()
        .filter(|t| t.on_image && read.contains(&squeezed(&t.probe)))
        .count();
    (n, elapsed)
}
