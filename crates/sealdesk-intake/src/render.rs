//! PDF pages as images, with the place of every glyph, rendered in the
//! worker with `hayro` (which renders CID-keyed CJK fonts correctly). The
//! images are what handlers see once redacted; the glyph places are where
//! the redaction boxes go.

use std::sync::{Arc, OnceLock};

use hayro::hayro_interpret::font::{FontData, FontQuery, Glyph, GlyphRun};
use hayro::hayro_interpret::hayro_cmap::{BfString, CidFamily};
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image,
    ImageDrawProps, InterpreterCache, InterpreterSettings, SoftMask,
};
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::{Affine, BezPath, Rect, Shape};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};
use serde::{Deserialize, Serialize};

/// The resolution pages are rendered at: readable on screen and in print,
/// about 1240×1754 pixels for A4.
pub const DPI: f32 = 150.0;

/// The most pages rendered; a longer file's pages are withheld from
/// handlers (the clerk is told) rather than taking the worker's time.
pub const MAX_PAGES: usize = 200;

/// The time rendering may take in one worker run (of its 20 s): pages past
/// it are withheld like pages past [`MAX_PAGES`].
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(8);

/// One glyph's character and its box on the page image, in pixels (y down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedGlyph {
    pub ch: char,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// A rendered page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRender {
    /// 1-based.
    pub page: u32,
    #[serde(with = "crate::hex_bytes")]
    pub png: Vec<u8>,
    pub glyphs: Vec<PlacedGlyph>,
}

/// Fonts a PDF names but does not embed (MSung-Light and the like): the
/// system's Noto CJK faces, by character collection. Without them such text
/// renders in a Latin standard font, i.e. as boxes.
fn fonts() -> InterpreterSettings {
    static CJK: OnceLock<Option<FontData>> = OnceLock::new();
    let cjk = CJK
        .get_or_init(|| {
            [
                "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            ]
            .iter()
            .find_map(|p| std::fs::read(p).ok())
            .map(|v| Arc::new(v) as FontData)
        })
        .clone();
    InterpreterSettings {
        font_resolver: Arc::new(move |query: &FontQuery| match query {
            FontQuery::Standard(s) => Some(s.get_font_data()),
            FontQuery::Fallback(f) => {
                // Face index inside the Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC.
                let face = f
                    .character_collection
                    .as_ref()
                    .and_then(|cc| match cc.family {
                        CidFamily::AdobeCNS1 => Some(3),
                        CidFamily::AdobeGB1 => Some(2),
                        CidFamily::AdobeJapan1 => Some(0),
                        CidFamily::AdobeKorea1 => Some(1),
                        _ => None,
                    });
                match (face, &cjk) {
                    (Some(i), Some(data)) => Some((data.clone(), i)),
                    _ => Some(f.pick_standard_font().get_font_data()),
                }
            }
        }),
        ..Default::default()
    }
}

/// Collects glyph places; draws nothing.
struct GlyphPlaces(Vec<PlacedGlyph>);

impl<'a> Device<'a> for GlyphPlaces {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        for g in run.glyphs() {
            let t = props.transform * g.transform();
            let ch = match g.as_unicode() {
                Some(BfString::Char(c)) => c,
                Some(BfString::String(s)) => s.chars().next().unwrap_or('\u{FFFD}'),
                None => '\u{FFFD}',
            };
            // The ink box of an outline glyph; an em box (glyph space is
            // 1000 units to the em) for a blank one or a Type 3 glyph.
            let em = Rect::new(0.0, -200.0, 1000.0, 800.0);
            let b = match &**g {
                Glyph::Outline(o) => {
                    let ink = o.outline().bounding_box();
                    t.transform_rect_bbox(if ink.area() > 0.0 { ink } else { em })
                }
                Glyph::Type3(_) => t.transform_rect_bbox(em),
            };
            self.0.push(PlacedGlyph {
                ch,
                x0: b.x0 as f32,
                y0: b.y0 as f32,
                x1: b.x1 as f32,
                y1: b.y1 as f32,
            });
        }
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// Threads that render pages at once: the desk machines have two cores or
/// more, and a page renders on one.
const RENDER_THREADS: usize = 2;

/// Renders up to [`MAX_PAGES`] pages of a PDF at [`DPI`], with their glyph
/// places, on [`RENDER_THREADS`] threads (each parses the file itself, so
/// nothing is shared but the fonts). `None` when hayro cannot read the file
/// at all.
pub fn render_pdf(bytes: &[u8]) -> Option<Vec<PageRender>> {
    let started = std::time::Instant::now();
    let mut out: Vec<PageRender> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..RENDER_THREADS)
            .map(|t| scope.spawn(move || render_some(bytes, t, RENDER_THREADS, started)))
            .collect();
        // This thread takes the first share; its parse decides for all.
        let mut out = render_some(bytes, 0, RENDER_THREADS, started)?;
        for w in others {
            // A thread that panicked loses only its pages (counted as
            // unrendered, so withheld).
            out.extend(w.join().ok().flatten().unwrap_or_default());
        }
        Some(out)
    })?;
    out.sort_by_key(|r| r.page);
    Some(out)
}

/// Renders every `step`-th page from `first` (0-based) of the first
/// [`MAX_PAGES`], until the time budget is spent. `None` when the file
/// cannot be read.
fn render_some(
    bytes: &[u8],
    first: usize,
    step: usize,
    started: std::time::Instant,
) -> Option<Vec<PageRender>> {
    let pdf = Pdf::new(bytes.to_vec()).ok()?;
    let settings = fonts();
    let scale = DPI / 72.0;
    let cache = RenderCache::new();
    let glyph_cache = InterpreterCache::new();
    let pixmap_settings = PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
    };
    let mut out = Vec::new();
    for (i, page) in pdf
        .pages()
        .iter()
        .enumerate()
        .take(MAX_PAGES)
        .skip(first)
        .step_by(step)
    {
        if started.elapsed() > TIME_BUDGET {
            break;
        }
        let pixmap = render(
            page,
            &cache,
            &settings,
            &RenderSettings::default(),
            &pixmap_settings,
        );
        let rgb: Vec<u8> = pixmap.data().iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        let Ok(png) = encode_png(u32::from(pixmap.width()), u32::from(pixmap.height()), &rgb)
        else {
            continue;
        };
        // The same transform `render` applies, so glyph boxes are in the
        // image's pixels.
        let transform = Affine::scale(f64::from(scale)) * page.initial_transform(true).to_kurbo();
        let (w, h) = page.render_dimensions();
        let target = Rect::new(0.0, 0.0, f64::from(w * scale), f64::from(h * scale));
        let mut ctx = Context::new(
            transform,
            target,
            &glyph_cache,
            page.xref(),
            settings.clone(),
        );
        let mut places = GlyphPlaces(Vec::new());
        interpret_page(page, &mut ctx, &mut places);
        out.push(PageRender {
            page: i as u32 + 1,
            png,
            glyphs: places.0,
        });
    }
    Some(out)
}

/// A page image as PNG, fast: grey when every pixel is grey (most letters:
/// a third of the bytes to compress), fast deflate with adaptive filters.
/// Page images are shown and sealed, never archived as the original, so
/// speed matters more than the last few percent of size.
pub fn encode_png(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, String> {
    use image::ExtendedColorType;
    if rgb.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2]) {
        let luma: Vec<u8> = rgb.chunks_exact(3).map(|p| p[0]).collect();
        encode_png_as(width, height, &luma, ExtendedColorType::L8)
    } else {
        encode_png_as(width, height, rgb, ExtendedColorType::Rgb8)
    }
}

/// Pixels of a known colour type as PNG (fast deflate, adaptive filters).
pub(crate) fn encode_png_as(
    width: u32,
    height: u32,
    pixels: &[u8],
    color: image::ExtendedColorType,
) -> Result<Vec<u8>, String> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(pixels, width, height, color)
        .map_err(|e| format!("page image: {e}"))?;
    Ok(out)
}
