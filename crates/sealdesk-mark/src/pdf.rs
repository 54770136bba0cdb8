//! Marked pages assembled into a PDF of images only: no text layer to
//! strip, no mark object to lift off. `pdf-writer` writes the objects; each
//! page is its image, deflated, at the page's own size.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use image::RgbImage;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

/// A PDF with one page per image, each `dpi` dots per inch.
pub fn raster_pdf(pages: &[RgbImage], dpi: f32) -> Vec<u8> {
    use std::io::Write as _;
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    // Three objects a page: the page, its image, its content stream.
    let ids = |i: usize| {
        let base = 4 + 3 * i as i32;
        (Ref::new(base), Ref::new(base + 1), Ref::new(base + 2))
    };
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages.len()).map(|i| ids(i).0))
        .count(pages.len() as i32);
    // Nothing of the letter in the metadata: the subject is a code name and
    // the receipt number is on the marked pages already.
    pdf.document_info(info)
        .producer(TextStr("Sealdesk"))
        .title(TextStr("密件複製物 Confidential copy"));
    let pt = 72.0 / dpi.max(1.0);
    // Fast deflate (marked pages are mostly white), a page a thread.
    let deflate = |img: &RgbImage| {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
        // Writing into a Vec cannot fail.
        let _ = z.write_all(img.as_raw());
        z.finish().unwrap_or_default()
    };
    let compressed: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let chunk = pages.len().div_ceil(2).max(1);
        let parts: Vec<_> = pages
            .chunks(chunk)
            .map(|part| {
                (
                    part,
                    scope.spawn(move || part.iter().map(deflate).collect::<Vec<_>>()),
                )
            })
            .collect();
        // A thread that failed has its pages done again here: no page is
        // ever left out.
        parts
            .into_iter()
            .flat_map(|(part, t)| {
                t.join()
                    .unwrap_or_else(|_| part.iter().map(deflate).collect())
            })
            .collect()
    });
    for (i, (img, data)) in pages.iter().zip(&compressed).enumerate() {
        let (page_id, image_id, content_id) = ids(i);
        let (w, h) = img.dimensions();
        let (pw, ph) = (w as f32 * pt, h as f32 * pt);
        let mut image = pdf.image_xobject(image_id, data);
        image.filter(Filter::FlateDecode);
        image.width(w as i32);
        image.height(h as i32);
        image.color_space().device_rgb();
        image.bits_per_component(8);
        image.finish();
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, pw, ph));
        page.parent(tree);
        page.contents(content_id);
        page.resources().x_objects().pair(Name(b"P"), image_id);
        page.finish();
        let mut content = Content::new();
        content.save_state();
        content.transform([pw, 0.0, 0.0, ph, 0.0, 0.0]);
        content.x_object(Name(b"P"));
        content.restore_state();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}
