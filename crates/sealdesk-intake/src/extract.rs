//! The extractors. These run inside the worker process only.

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::{MessageParser, MimeHeaders};

use crate::{Attachment, EmailHeaders, Extracted, IntakeError, SourceKind};

/// The longest text detection runs on, in chars: about 700 pages of dense
/// Chinese. Detection is linear, but a file that inflates to megabytes of
/// numbers is not a letter, and its masking would be unreadable anyway.
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// The most findings a letter may have. Every finding must be masked; a file
/// with more is refused rather than registered with some left in clear.
pub const MAX_FINDINGS: usize = 5_000;

/// Text in the encodings letters arrive in here: UTF-8 (with or without a
/// BOM), UTF-16 with a BOM, else Big5 (which covers CP950, the Windows
/// code page of Traditional Chinese) or GB18030, whichever decodes without
/// an error. Returns the text and the encoding's name.
pub fn decode_text(bytes: &[u8]) -> Option<(Cow<'_, str>, &'static str)> {
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Some((
            Cow::Borrowed(t.strip_prefix('\u{feff}').unwrap_or(t)),
            "utf-8",
        ));
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(bytes);
        return (!bad).then_some((text, enc.name()));
    }
    for enc in [encoding_rs::BIG5, encoding_rs::GB18030] {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            // Binary data can decode as a legacy encoding; letters have no
            // control characters but line breaks and tabs.
            let controls = text
                .chars()
                .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{000C}'))
                .count();
            if controls == 0 {
                return Some((text, enc.name()));
            }
        }
    }
    None
}

/// Whether the bytes start as a JPEG, PNG or TIFF does (the magic numbers
/// only: cheap enough for the parent to choose a worker's limits).
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
}

/// Decides the kind from the bytes first (a name can lie), then the name.
pub fn detect_kind(bytes: &[u8], file_name: &str) -> Result<SourceKind, IntakeError> {
    if bytes.is_empty() {
        return Err(IntakeError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(SourceKind::Pdf);
    }
    if is_image(bytes) {
        return Ok(SourceKind::Image);
    }
    if crate::document::is_zip(bytes) {
        crate::document::sniff(bytes)?;
        return Ok(SourceKind::Document);
    }
    if crate::document::is_compound_file(bytes) {
        return Err(IntakeError::Unsupported(format!(
            "{file_name}: a Word 97–2003 document (.doc) or a password-protected Office file; save it as .odt, .docx or PDF without a password"
        )));
    }
    let lower = file_name.to_ascii_lowercase();
    let decoded = decode_text(bytes);
    let text = decoded.as_ref().map(|(t, _)| t.as_ref());
    let looks_like_mail = |t: &str| {
        let first = t.lines().take(30).collect::<Vec<_>>();
        // Compare bytes: a line may start with CJK, where slicing a &str
        // at an ASCII header's length would split a character.
        let has = |h: &str| {
            first.iter().any(|l| {
                l.as_bytes()
                    .get(..h.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(h.as_bytes()))
            })
        };
        (has("From:") || has("Received:"))
            && (has("Subject:") || has("To:") || has("MIME-Version:"))
    };
    if lower.ends_with(".eml") || lower.ends_with(".msg") && text.is_some_and(looks_like_mail) {
        return Ok(SourceKind::Email);
    }
    if let Some(t) = text {
        if looks_like_mail(t) {
            return Ok(SourceKind::Email);
        }
        return Ok(SourceKind::Text);
    }
    if lower.ends_with(".pdf") {
        return Err(IntakeError::Malformed(
            "named .pdf but has no PDF header".into(),
        ));
    }
    Err(IntakeError::Unsupported(format!(
        "{file_name}: not a PDF, JPEG, PNG, TIFF, e-mail, ODF or Word document, or text file (UTF-8, Big5 or GB18030)"
    )))
}

/// Reads one file. Call inside the worker: the parsers here are not trusted
/// to survive hostile input.
///
/// The personal data in the text is detected here too, within
/// [`MAX_TEXT_CHARS`] and [`MAX_FINDINGS`].
pub fn extract(bytes: &[u8], file_name: &str) -> Result<Extracted, IntakeError> {
    extract_with(bytes, file_name, ExtractOptions::default())
}

/// What the worker does beyond reading the text layer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// OCR the pages of a PDF that has no text layer (slow: seconds a page,
    /// so the parent asks for it in a second run with a longer limit).
    pub ocr_pages: bool,
}

/// [`extract`], with options.
pub fn extract_with(
    bytes: &[u8],
    file_name: &str,
    options: ExtractOptions,
) -> Result<Extracted, IntakeError> {
    let mut out = match detect_kind(bytes, file_name)? {
        SourceKind::Pdf => extract_pdf(bytes, options),
        SourceKind::Image => extract_image(bytes),
        SourceKind::Email => extract_email(bytes, options),
        SourceKind::Text => extract_text(bytes),
        SourceKind::Document => extract_document(bytes, options),
    }?;
    let chars = out.text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(IntakeError::TextTooLong(chars, MAX_TEXT_CHARS));
    }
    out.findings = sealdesk_core::pii::detect(&out.text);
    if out.findings.len() > MAX_FINDINGS {
        return Err(IntakeError::TooManyFindings(MAX_FINDINGS));
    }
    set_aside_failed_checksums(&mut out);
    Ok(out)
}

/// Detection masks an ID-shaped value after an ID cue even when its
/// checksum fails, for what OCR read: a misread digit leaves it the
/// person's ID. In typed text the writer typed what they meant, and a value
/// that is no valid ID is more often an example, a form's placeholder or
/// another number: it stays in clear unless the clerk adds it in review,
/// and the clerk is told (the notice names no value; the register keeps it).
fn set_aside_failed_checksums(out: &mut Extracted) {
    use sealdesk_core::pii::{is_valid_national_id, PiiKind};
    let read_by_ocr = |start: usize, end: usize| {
        out.ocr_words
            .iter()
            .any(|w| w.text_start < end && start < w.text_end)
    };
    let before = out.findings.len();
    let kept: Vec<_> = out
        .findings
        .iter()
        .filter(|f| {
            f.kind != PiiKind::NationalId
                || is_valid_national_id(&f.value)
                || read_by_ocr(f.start, f.end)
        })
        .cloned()
        .collect();
    let set_aside = before - kept.len();
    out.findings = kept;
    if set_aside > 0 {
        out.notices.push(format!(
            "有 {set_aside} 個形似身分證號的值檢查碼不符，未遮蔽；若確為身分證號，請於審閱時加入遮蔽。 {set_aside} ID-shaped values fail the ID checksum and are not masked: add them in review if they are IDs."
        ));
    }
}

fn empty(source: SourceKind, extractor: &str) -> Extracted {
    Extracted::empty(source, extractor)
}

fn extract_text(bytes: &[u8]) -> Result<Extracted, IntakeError> {
    let (text, encoding) = decode_text(bytes).ok_or_else(|| {
        IntakeError::Unsupported("text is not UTF-8, UTF-16, Big5 or GB18030".into())
    })?;
    let mut out = empty(SourceKind::Text, encoding);
    out.text = normalize_newlines(&text);
    out.pages = 1;
    out.has_text_layer = true;
    Ok(out)
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Text that an extractor produced but that cannot be right: empty, or
/// mostly replacement characters and private-use code points (what a wrong
/// CMap gives for CJK fonts).
fn is_garbled(text: &str) -> bool {
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if visible.is_empty() {
        return true;
    }
    let bad = visible
        .iter()
        .filter(|c| **c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(*c) || c.is_control())
        .count();
    bad * 10 > visible.len()
}

/// PDF text: `pdf-extract` first, where it reads correctly; `pdf_oxide` when
/// it panics (it does on `UniCNS-UCS2-H` and `UniGB-*` encodings, the usual
/// ones of Traditional and Simplified Chinese PDFs), errs, or yields garbled
/// text. ARCHITECTURE.md records the measurements behind this order.
fn extract_pdf(bytes: &[u8], options: ExtractOptions) -> Result<Extracted, IntakeError> {
    // pdf-extract panics on the predefined CJK CMaps; when the file names
    // one, go straight to pdf_oxide rather than parse the file twice.
    let cjk_cmap = [b"UniCNS-".as_slice(), b"UniGB-", b"UniJIS-", b"UniKS-"]
        .iter()
        .any(|needle| bytes.windows(needle.len()).any(|w| w == *needle));
    let first = if cjk_cmap {
        None
    } else {
        catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::extract_text_from_mem(bytes)
        }))
        .ok()
        .and_then(Result::ok)
        .filter(|t| !is_garbled(t))
    };
    let (text, extractor, pages) = match first {
        Some(t) => (t, "pdf-extract", pdf_page_count(bytes)),
        None => match oxide_text(bytes) {
            Ok((t, pages)) => (t, "pdf_oxide", Some(pages)),
            Err(e) => {
                let pages = pdf_page_count(bytes);
                // An empty text layer is a scan, not an error.
                if pages.is_some() {
                    (String::new(), "none", pages)
                } else {
                    return Err(e);
                }
            }
        },
    };
    let mut out = empty(SourceKind::Pdf, extractor);
    out.pages = pages.unwrap_or(0);
    out.text = tidy_pdf_text(&text);
    out.has_text_layer = !out.text.trim().is_empty();
    // No text and no page that can be read is a broken file, not a scan:
    // registering it would give the register a letter with nothing in it.
    if !out.has_text_layer && out.pages == 0 {
        return Err(IntakeError::Malformed(
            "no page of this PDF can be read".into(),
        ));
    }
    // The pages as images, with glyph places: what redaction draws on.
    out.page_renders = catch_unwind(AssertUnwindSafe(|| crate::render::render_pdf(bytes)))
        .ok()
        .flatten()
        .unwrap_or_default();
    if out.page_renders.len() < out.pages as usize {
        out.notices.push(format!(
            "僅 {} / {} 頁可轉為頁面影像；其餘頁面不提供承辦人。 Only {} of {} pages could be rendered; the rest are withheld from handlers.",
            out.page_renders.len(),
            out.pages,
            out.page_renders.len(),
            out.pages
        ));
    }
    if !out.has_text_layer {
        if options.ocr_pages && !out.page_renders.is_empty() {
            ocr_rendered_pages(&mut out);
        } else {
            out.notices.push(
                "此 PDF 無文字層（掃描影像），請人工輸入或待 OCR。 No text layer: a scanned PDF."
                    .into(),
            );
        }
    }
    Ok(out)
}

/// OCR of a PDF's rendered pages, two at a time (one Tesseract per core):
/// the text of each page, pages separated by a form feed, and the word
/// boxes in the rendered images' pixels.
fn ocr_rendered_pages(out: &mut Extracted) {
    let renders = &out.page_renders;
    let results: Vec<(u32, Result<crate::ocr::OcrPage, String>)> = std::thread::scope(|scope| {
        let lanes: Vec<_> = (0..2)
            .map(|lane| {
                scope.spawn(move || {
                    renders
                        .iter()
                        .skip(lane)
                        .step_by(2)
                        .map(|r| (r.page, crate::ocr::ocr_page(&r.png, r.page)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = lanes
            .into_iter()
            .flat_map(|l| l.join().unwrap_or_default())
            .collect();
        all.sort_by_key(|(page, _)| *page);
        all
    });
    let mut text = String::new();
    let mut words = Vec::new();
    let mut failed = Vec::new();
    for (page, result) in results {
        if !text.is_empty() {
            text.push('\u{000C}');
        }
        match result {
            Ok(p) => {
                let base = text.len();
                text.push_str(&p.text);
                words.extend(p.words.into_iter().map(|mut w| {
                    w.text_start += base;
                    w.text_end += base;
                    w
                }));
            }
            Err(e) => failed.push(format!("{page}: {e}")),
        }
    }
    if !failed.is_empty() {
        out.notices.push(format!(
            "部分頁面無法 OCR（{}）。 OCR failed on some pages ({}).",
            failed.join("; "),
            failed.join("; ")
        ));
    }
    if text.trim().is_empty() {
        out.notices.push(
            "此 PDF 無文字層，OCR 亦未辨識出文字，請人工輸入。 No text layer, and OCR found no text."
                .into(),
        );
        return;
    }
    out.extractor = format!("tesseract {}", crate::ocr::LANGUAGES);
    out.text = text;
    out.ocr_words = words;
    out.notices.push(
        "此 PDF 無文字層，已以 OCR 辨識文字，請對照原件核對個人資料。 A scanned PDF read by OCR: check the personal data against the original."
            .into(),
    );
}

fn pdf_page_count(bytes: &[u8]) -> Option<u32> {
    catch_unwind(AssertUnwindSafe(|| {
        pdf_oxide::PdfDocument::from_bytes(bytes.to_vec())
            .ok()
            .and_then(|d| d.page_count().ok())
            .map(|n| n as u32)
    }))
    .ok()
    .flatten()
}

/// Text and page count from one pdf_oxide parse.
fn oxide_text(bytes: &[u8]) -> Result<(String, u32), IntakeError> {
    let r = catch_unwind(AssertUnwindSafe(
        || -> Result<(String, u32), IntakeError> {
            let doc = pdf_oxide::PdfDocument::from_bytes(bytes.to_vec())
                .map_err(|e| IntakeError::Malformed(e.to_string()))?;
            let n = doc
                .page_count()
                .map_err(|e| IntakeError::Malformed(e.to_string()))?;
            // A damaged page costs that page, not the file: the rest of a
            // letter whose third page is broken is still its text.
            let mut text = String::new();
            let mut read = 0;
            let mut last_error = None;
            for i in 0..n {
                if i > 0 {
                    text.push('\u{000C}');
                }
                match catch_unwind(AssertUnwindSafe(|| doc.extract_text(i))) {
                    Ok(Ok(page)) => {
                        text.push_str(&page);
                        read += 1;
                    }
                    Ok(Err(e)) => last_error = Some(format!("page {}: {e}", i + 1)),
                    Err(_) => last_error = Some(format!("page {}: the reader failed", i + 1)),
                }
            }
            match last_error {
                Some(e) if read == 0 => Err(IntakeError::Malformed(e)),
                _ => Ok((text, n as u32)),
            }
        },
    ));
    match r {
        Ok(r) => r,
        Err(_) => Err(IntakeError::Malformed(
            "the PDF reader failed on this file".into(),
        )),
    }
}

/// Extractors emit stray spaces between CJK characters and break lines at
/// arbitrary places; drop spaces between two CJK characters so that words
/// and numbers read as written. (Line breaks are kept: the detector handles
/// them.)
fn tidy_pdf_text(text: &str) -> String {
    let text = normalize_newlines(text);
    let chars: Vec<char> = text.chars().collect();
    let is_cjk =
        |c: char| ('\u{3000}'..='\u{9FFF}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c);
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|n| **n != ' ');
            if let (Some(p), Some(n)) = (prev, next) {
                if is_cjk(p) && is_cjk(*n) {
                    continue;
                }
            }
        }
        out.push(*c);
    }
    out.trim().to_owned()
}

/// The longest side of an image given back for tracing: a phone photo's
/// 4000 px and more is more than a QR code of 5 px modules needs.
pub const MAX_TRACE_SIDE: u32 = 3000;

/// An image decoded under limits (in the worker).
fn decode_image(bytes: &[u8]) -> Result<image::DynamicImage, IntakeError> {
    if !is_image(bytes) {
        return Err(IntakeError::Unsupported(
            "not an image (PNG, JPEG or TIFF)".into(),
        ));
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| IntakeError::Malformed(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| IntakeError::Malformed(e.to_string()))
}

/// A photo or scan to trace, only decoded and re-encoded as PNG (no OCR,
/// no metadata), at most [`MAX_TRACE_SIDE`] pixels a side.
pub(crate) fn image_only(bytes: &[u8]) -> Result<Extracted, IntakeError> {
    let img = decode_image(bytes)?;
    let long = img.width().max(img.height());
    let img = if long > MAX_TRACE_SIDE {
        // Averaged over whole source pixels (`thumbnail`), several times
        // faster than a filtered resize: a 50 MP photo on a busy machine
        // must not reach the worker's time limit before it is traced.
        img.thumbnail(MAX_TRACE_SIDE, MAX_TRACE_SIDE)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let png = crate::render::encode_png(rgb.width(), rgb.height(), rgb.as_raw())
        .map_err(IntakeError::Malformed)?;
    let mut out = empty(SourceKind::Image, "image");
    out.pages = 1;
    out.working_image = Some(png);
    Ok(out)
}

fn extract_image(bytes: &[u8]) -> Result<Extracted, IntakeError> {
    let img = decode_image(bytes)?;
    // Re-encoding from decoded pixels keeps no EXIF, GPS or other metadata.
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| IntakeError::Malformed(e.to_string()))?;
    let mut out = empty(SourceKind::Image, "image");
    out.pages = 1;
    // A TIFF of several pages (a fax, a scanner's batch): every page is
    // read and redacted, as the pages of a scanned PDF are.
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        let (more, total) = tiff_pages(bytes);
        if total > 1 {
            out.pages = u32::try_from(total).unwrap_or(u32::MAX);
            out.page_renders.push(crate::render::PageRender {
                page: 1,
                png: png.clone(),
                glyphs: Vec::new(),
            });
            for (page, image) in more {
                let mut p = Vec::new();
                if image
                    .write_to(&mut Cursor::new(&mut p), image::ImageFormat::Png)
                    .is_ok()
                {
                    out.page_renders.push(crate::render::PageRender {
                        page,
                        png: p,
                        glyphs: Vec::new(),
                    });
                }
            }
            if out.page_renders.len() < total {
                out.notices.push(format!(
                    "此 TIFF 共 {total} 頁，僅 {} 頁可讀；其餘頁面不提供承辦人，請核對原件。 Only {} of this TIFF's {total} pages could be read; the rest are withheld from handlers: check the original.",
                    out.page_renders.len(),
                    out.page_renders.len()
                ));
            }
            out.working_image = Some(png);
            ocr_rendered_pages(&mut out);
            out.extractor = format!("tesseract {} (TIFF, {total} pages)", crate::ocr::LANGUAGES);
            return Ok(out);
        }
    }
    match crate::ocr::ocr_page(&png, 1) {
        Ok(page) if !page.text.trim().is_empty() => {
            out.extractor = format!("tesseract {}", crate::ocr::LANGUAGES);
            out.text = page.text;
            out.ocr_words = page.words;
            out.notices.push(format!(
                "掃描影像（{}×{}）以 OCR 辨識文字，請對照原件核對個人資料。 A scan ({}×{}) read by OCR: check the personal data against the original.",
                img.width(),
                img.height(),
                img.width(),
                img.height()
            ));
        }
        Ok(_) => out.notices.push(format!(
            "掃描影像（{}×{}）經 OCR 未辨識出文字，請人工輸入。 OCR found no text in this scan ({}×{}).",
            img.width(),
            img.height(),
            img.width(),
            img.height()
        )),
        Err(e) => out.notices.push(format!(
            "無法執行 OCR（{e}）；請安裝 tesseract-ocr、tesseract-ocr-chi-tra，或人工輸入。 OCR could not run ({e})."
        )),
    }
    out.working_image = Some(png);
    Ok(out)
}

/// The pages after the first of a TIFF, as RGB images (8-bit grey, grey with
/// alpha, RGB, RGBA, 16-bit grey and RGB, and 1-bit bilevel; a page of
/// another kind is left out), and how many pages the file has. At most
/// `render::MAX_PAGES` pages are read.
fn tiff_pages(bytes: &[u8]) -> (Vec<(u32, image::RgbImage)>, usize) {
    use tiff::decoder::{Decoder, DecodingResult, Limits};
    use tiff::ColorType;
    let Ok(decoder) = Decoder::new(Cursor::new(bytes)) else {
        return (Vec::new(), 1);
    };
    let mut limits = Limits::default();
    limits.decoding_buffer_size = 256 * 1024 * 1024;
    let mut decoder = decoder.with_limits(limits);
    let mut out = Vec::new();
    let mut total = 1usize;
    while decoder.more_images() && total < crate::render::MAX_PAGES {
        if decoder.next_image().is_err() {
            break;
        }
        total += 1;
        let page = u32::try_from(total).unwrap_or(u32::MAX);
        let (Ok((w, h)), Ok(color)) = (decoder.dimensions(), decoder.colortype()) else {
            continue;
        };
        if w == 0 || h == 0 || w > 20_000 || h > 20_000 {
            continue;
        }
        // 0 = WhiteIsZero: the grey values are inverted.
        let white_is_zero = decoder
            .find_tag_unsigned::<u32>(tiff::tags::Tag::PhotometricInterpretation)
            .ok()
            .flatten()
            == Some(0);
        let Ok(data) = decoder.read_image() else {
            continue;
        };
        let n = (w as usize) * (h as usize);
        let grey = |v: u8| if white_is_zero { 255 - v } else { v };
        let rgb: Option<Vec<u8>> = match (color, data) {
            (ColorType::Gray(8), DecodingResult::U8(d)) if d.len() >= n => {
                Some(d[..n].iter().flat_map(|&v| [grey(v); 3]).collect())
            }
            (ColorType::GrayA(8), DecodingResult::U8(d)) if d.len() >= 2 * n => {
                Some(d.chunks(2).take(n).flat_map(|p| [grey(p[0]); 3]).collect())
            }
            (ColorType::RGB(8), DecodingResult::U8(d)) if d.len() >= 3 * n => {
                Some(d[..3 * n].to_vec())
            }
            (ColorType::RGBA(8), DecodingResult::U8(d)) if d.len() >= 4 * n => Some(
                d.chunks(4)
                    .take(n)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect(),
            ),
            (ColorType::Gray(16), DecodingResult::U16(d)) if d.len() >= n => Some(
                d[..n]
                    .iter()
                    .flat_map(|&v| [grey((v >> 8) as u8); 3])
                    .collect(),
            ),
            (ColorType::RGB(16), DecodingResult::U16(d)) if d.len() >= 3 * n => {
                Some(d[..3 * n].iter().map(|&v| (v >> 8) as u8).collect())
            }
            (ColorType::Gray(1), DecodingResult::U8(d)) => {
                let row = (w as usize).div_ceil(8);
                (d.len() >= row * h as usize).then(|| {
                    let mut v = Vec::with_capacity(3 * n);
                    for y in 0..h as usize {
                        for x in 0..w as usize {
                            let bit = (d[y * row + x / 8] >> (7 - x % 8)) & 1;
                            let level = grey(if bit == 1 { 255 } else { 0 });
                            v.extend_from_slice(&[level; 3]);
                        }
                    }
                    v
                })
            }
            _ => None,
        };
        if let Some(image) = rgb.and_then(|v| image::RgbImage::from_raw(w, h, v)) {
            out.push((page, image));
        }
    }
    (out, total)
}

fn extract_email(bytes: &[u8], options: ExtractOptions) -> Result<Extracted, IntakeError> {
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| IntakeError::Malformed("not a readable e-mail".into()))?;
    let from = msg.from().and_then(|a| a.first());
    let headers = EmailHeaders {
        from_name: from.and_then(|a| a.name()).map(str::to_owned),
        from_address: from.and_then(|a| a.address()).map(str::to_owned),
        to: msg
            .to()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        subject: msg.subject().map(str::to_owned),
        date: msg.date().map(|d| d.to_rfc3339()),
    };
    let mut body = String::new();
    for i in 0..msg.text_body.len() {
        if let Some(t) = msg.body_text(i) {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&t);
        }
    }
    let attachments = msg
        .attachments()
        .map(|a| Attachment {
            name: a.attachment_name().unwrap_or("(unnamed)").to_owned(),
            content_type: a
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
                .unwrap_or_default(),
            size: a.contents().len(),
            sha256: hex::encode(sealdesk_core::crypto::sha256(a.contents())),
        })
        .collect();
    // The headers go first in the text so the detector sees the sender; the
    // sealed identity compartment keeps them, the working copy masks them.
    let mut text = String::new();
    if let Some(f) = from {
        text.push_str(&format!(
            "From: {} <{}>\n",
            f.name().unwrap_or(""),
            f.address().unwrap_or("")
        ));
    }
    if let Some(s) = &headers.subject {
        text.push_str(&format!("Subject: {s}\n"));
    }
    text.push('\n');
    text.push_str(&normalize_newlines(&body));
    let mut out = empty(SourceKind::Email, "mail-parser");
    out.text = text;
    out.pages = 1;
    out.has_text_layer = true;
    out.email = Some(headers);
    out.attachments = attachments;
    read_attachments(&msg, options, &mut out);
    Ok(out)
}

/// Reads every attachment of an e-mail as part of the letter: text files,
/// PDFs (text layer, pages rendered) and images (OCR'd in the second,
/// longer run the parent asks for, like a scanned PDF's pages). Their text
/// follows the body, each under 〔附件N〕 (the file name, which may name
/// someone, stays in the sealed attachment list); their pages are the
/// letter's pages. An attachment that cannot be read is named in a notice.
fn read_attachments(msg: &mail_parser::Message<'_>, options: ExtractOptions, out: &mut Extracted) {
    let mut page_no = 0u32;
    let mut unread = Vec::new();
    // Text attachments first, beside the body (no page image shows them);
    // then those with pages, whose text is what their page images show.
    for pages in [false, true] {
        for (n, a) in msg.attachments().enumerate() {
            let n = n + 1;
            let bytes = a.contents();
            let name = a.attachment_name().unwrap_or("");
            let label = format!("\n\n〔附件{n}〕\n");
            // Text only when it says it is text: an archive (.zip, .docx,
            // .odt) that happens to decode is not read as a letter.
            let says_text = a.content_type().is_some_and(|c| c.ctype() == "text")
                || name.to_ascii_lowercase().ends_with(".txt");
            let kind = detect_kind(bytes, name).ok();
            let read = match (pages, kind) {
                (false, Some(SourceKind::Text)) if says_text => decode_text(bytes).map(|(t, _)| {
                    out.text.push_str(&label);
                    out.text.push_str(&normalize_newlines(&t));
                }),
                (true, Some(SourceKind::Pdf)) => extract_pdf(bytes, options).ok().map(|mut x| {
                    // Read with OCR in the same run as any scan beside it,
                    // so that every page's boxes come from one reading.
                    if options.ocr_pages && !x.page_renders.is_empty() && x.ocr_words.is_empty() {
                        ocr_rendered_pages(&mut x);
                        x.notices.clear();
                    }
                    out.text.push_str(&label);
                    append_pages(out, x, &mut page_no);
                }),
                (true, Some(SourceKind::Image)) => image_part(bytes, options).map(|x| {
                    out.text.push_str(&label);
                    append_pages(out, x, &mut page_no);
                }),
                (false, Some(SourceKind::Document)) => {
                    crate::document::read(bytes).ok().map(|doc| {
                        out.text.push_str(&label);
                        out.text.push_str(&doc.text);
                        out.notices.extend(doc.notices);
                    })
                }
                (true, Some(SourceKind::Document)) => {
                    crate::document::read(bytes).ok().map(|doc| {
                        for (m, img) in doc.images.iter().enumerate() {
                            if let Some(x) = image_part(img, options) {
                                out.text
                                    .push_str(&format!("\n\n〔附件{n}之圖{}〕\n", m + 1));
                                append_pages(out, x, &mut page_no);
                            }
                        }
                    })
                }
                // Read in the other pass.
                (false, Some(SourceKind::Pdf | SourceKind::Image)) => Some(()),
                (true, Some(SourceKind::Text)) if says_text => Some(()),
                _ => None,
            };
            if read.is_none() && pages {
                unread.push((
                    n,
                    a.content_type()
                        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
                        .unwrap_or_default(),
                ));
            }
        }
    }
    for (n, ctype) in unread {
        out.notices.push(format!(
            "附件{n}（{ctype}）無法讀取，內容未納入工作副本，請人工核對原件。 Attachment {n} ({ctype}) could not be read: its content is not in the working copy; check the original."
        ));
    }
    if page_no > 0 {
        out.pages = page_no;
        if !options.ocr_pages && out.page_renders.iter().any(|r| r.glyphs.is_empty()) {
            out.notices.push(
                "附件含影像或掃描頁，待 OCR 辨識。 Attachments hold images or scanned pages, to be read by OCR."
                    .into(),
            );
        }
    }
}

/// One picture (an attached photo, a scan pasted into a document) as a
/// page of the letter: decoded, re-encoded without metadata, and read by
/// OCR when the options ask for it (the second, longer run).
fn image_part(bytes: &[u8], options: ExtractOptions) -> Option<Extracted> {
    let img = decode_image(bytes).ok()?;
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    let mut x = empty(SourceKind::Image, "image");
    x.pages = 1;
    x.page_renders.push(crate::render::PageRender {
        page: 1,
        png,
        glyphs: Vec::new(),
    });
    if options.ocr_pages {
        ocr_rendered_pages(&mut x);
        x.notices.clear();
    }
    Some(x)
}

/// An ODF or Word document: its text as the letter, the pictures in it as
/// the letter's pages (read by OCR in the second run, like an e-mail's
/// attached scans).
fn extract_document(bytes: &[u8], options: ExtractOptions) -> Result<Extracted, IntakeError> {
    let doc = crate::document::read(bytes)?;
    let mut out = empty(SourceKind::Document, "document");
    out.extractor = "quick-xml (ODF/OOXML)".into();
    out.text = normalize_newlines(&doc.text);
    out.pages = 1;
    out.has_text_layer = true;
    out.notices = doc.notices;
    let mut page_no = 0u32;
    let mut unread = 0usize;
    for (m, img) in doc.images.iter().enumerate() {
        match image_part(img, options) {
            Some(x) => {
                out.text.push_str(&format!("\n\n〔圖{}〕\n", m + 1));
                append_pages(&mut out, x, &mut page_no);
            }
            None => unread += 1,
        }
    }
    if unread > 0 {
        out.notices.push(format!(
            "文件內有 {unread} 張圖片無法解碼，內容未納入工作副本，請核對原件。 {unread} pictures in the document could not be decoded: check the original."
        ));
    }
    if page_no > 0 {
        out.pages = page_no;
        if !options.ocr_pages {
            out.notices.push(
                "文件含圖片，待 OCR 辨識。 The document holds pictures, to be read by OCR.".into(),
            );
        }
    }
    Ok(out)
}

/// Appends a part's text and pages to the letter: its OCR words shifted to
/// where its text now starts, its pages numbered after the letter's.
fn append_pages(out: &mut Extracted, x: Extracted, page_no: &mut u32) {
    let base = out.text.len();
    if out.page_renders.is_empty() {
        out.pages_from = base;
    }
    out.text.push_str(&x.text);
    out.ocr_words.extend(x.ocr_words.into_iter().map(|mut w| {
        w.text_start += base;
        w.text_end += base;
        w.page += *page_no;
        w
    }));
    let count = x.page_renders.len() as u32;
    out.page_renders
        .extend(x.page_renders.into_iter().map(|mut r| {
            r.page += *page_no;
            r
        }));
    out.notices.extend(x.notices);
    *page_no += count;
}
