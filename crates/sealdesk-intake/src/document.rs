//! Office documents: ODF (`.odt`, `.ods`, `.odp`, the government's standard
//! format) and Word (`.docx`). Runs inside the worker only.
//!
//! A document is a zip of XML parts, so a hostile one is a zip bomb, an XML
//! nested a million deep, or an XML that declares entities (XXE, "billion
//! laughs"). Each is refused here by a limit, not left to the worker's
//! memory limit: every part is read through a byte budget whatever size its
//! header declares; the XML reader (`quick-xml`) streams without recursion,
//! never resolves an entity but the five XML predefines and character
//! references, and any `<!DOCTYPE` is refused (Office and LibreOffice never
//! write one).
//!
//! The text read is the whole of what a person can see: the body, tables,
//! text boxes, headers and footers, footnotes, comments and tracked
//! deletions. Pictures inside (a scanned ID pasted into a letter) come back
//! as images, to be read as pages. Metadata (the author's account name) is
//! not read: the original stays sealed, and nothing of it reaches a handler.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::IntakeError;

/// The most entries a document's archive may list.
pub const MAX_ENTRIES: usize = 5_000;
/// The most bytes one XML part may inflate to.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// The most bytes all parts read from one document may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 96 * 1024 * 1024;
/// The deepest XML nesting read (Word writes about 20).
pub const MAX_DEPTH: usize = 256;
/// The most pictures read from one document as pages.
pub const MAX_IMAGES: usize = 40;

/// Which kind of document a zip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ODF: text, spreadsheet or presentation.
    Odf,
    /// Office Open XML word processing.
    Docx,
}

/// What was read from one document.
#[derive(Debug, Default)]
pub struct Document {
    pub text: String,
    /// The pictures inside, as their bytes (PNG, JPEG or TIFF).
    pub images: Vec<Vec<u8>>,
    /// What could not be read, for the clerk (zh-TW first).
    pub notices: Vec<String>,
}

/// Whether the bytes start as a zip does.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Whether the bytes are an OLE compound file: a Word 97–2003 `.doc`, or a
/// password-protected `.docx` (Office encrypts into this container).
pub fn is_compound_file(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn open(bytes: &[u8]) -> Result<Archive<'_>, IntakeError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| IntakeError::Malformed(format!("not a readable zip archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(IntakeError::Malformed(format!(
            "the archive lists {} entries, more than the {MAX_ENTRIES} a document has",
            archive.len()
        )));
    }
    Ok(archive)
}

/// Which document a zip is, from its parts (not its name).
pub fn sniff(bytes: &[u8]) -> Result<Format, IntakeError> {
    let archive = open(bytes)?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
        return Ok(Format::Odf);
    }
    if has("word/document.xml") {
        return Ok(Format::Docx);
    }
    if has("xl/workbook.xml") || has("ppt/presentation.xml") {
        return Err(IntakeError::Unsupported(
            "an Excel or PowerPoint file (.xlsx, .pptx): save it as .ods/.odp or PDF".into(),
        ));
    }
    Err(IntakeError::Unsupported(
        "a zip archive that is not an ODF or Word document: unpack it and register each file"
            .into(),
    ))
}

/// The bytes of one entry, read through what is left of `budget` whatever
/// its header declares (a zip bomb declares little and inflates to much).
fn entry(
    archive: &mut Archive<'_>,
    name: &str,
    cap: u64,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, IntakeError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let file = archive.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
            IntakeError::Unsupported(format!("{name} is encrypted: the document has a password"))
        }
        e => IntakeError::Malformed(format!("{name}: {e}")),
    })?;
    let limit = cap.min(*budget);
    let mut out = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| IntakeError::Malformed(format!("{name}: {e}")))?;
    if out.len() as u64 > limit {
        return Err(IntakeError::Malformed(format!(
            "{name} inflates past {} MiB: a compression bomb, not a document",
            limit / (1024 * 1024)
        )));
    }
    *budget -= out.len() as u64;
    Ok(Some(out))
}

/// Reads a document's text and pictures.
pub fn read(bytes: &[u8]) -> Result<Document, IntakeError> {
    let format = sniff(bytes)?;
    let mut archive = open(bytes)?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| IntakeError::Malformed(format!("an entry's name: {e}")))?;
    let mut budget = MAX_TOTAL_BYTES;
    let mut doc = Document::default();
    let parts: Vec<String> = match format {
        Format::Odf => vec!["content.xml".into(), "styles.xml".into()],
        Format::Docx => {
            let mut rest: Vec<String> = names
                .iter()
                .filter(|n| {
                    let n = n.strip_prefix("word/").unwrap_or("");
                    !n.contains('/')
                        && n.ends_with(".xml")
                        && ["header", "footer", "footnotes", "endnotes", "comments"]
                            .iter()
                            .any(|p| n.starts_with(p))
                })
                .cloned()
                .collect();
            rest.sort();
            std::iter::once("word/document.xml".to_owned())
                .chain(rest)
                .collect()
        }
    };
    for part in &parts {
        let Some(xml) = entry(&mut archive, part, MAX_PART_BYTES, &mut budget)? else {
            continue;
        };
        let xml = std::str::from_utf8(&xml)
            .map_err(|_| IntakeError::Malformed(format!("{part} is not UTF-8")))?;
        let text =
            xml_text(xml, format).map_err(|e| IntakeError::Malformed(format!("{part}: {e}")))?;
        let text = text.trim_matches(|c: char| c.is_whitespace());
        if !text.is_empty() {
            if !doc.text.is_empty() {
                doc.text.push_str("\n\n");
            }
            doc.text.push_str(text);
        }
    }
    // Pictures: Word keeps them under word/media/, ODF under Pictures/.
    let media = match format {
        Format::Odf => "Pictures/",
        Format::Docx => "word/media/",
    };
    let mut pictures: Vec<&String> = names.iter().filter(|n| n.starts_with(media)).collect();
    pictures.sort();
    let mut unread = 0usize;
    for name in pictures {
        if doc.images.len() >= MAX_IMAGES {
            unread += 1;
            continue;
        }
        match entry(&mut archive, name, 20 * 1024 * 1024, &mut budget)? {
            Some(b) if crate::extract::is_image(&b) => doc.images.push(b),
            _ => unread += 1,
        }
    }
    if unread > 0 {
        doc.notices.push(format!(
            "文件內有 {unread} 張圖片無法讀取（如 EMF/WMF 向量圖或超過 {MAX_IMAGES} 張），內容未納入工作副本，請核對原件。 {unread} pictures in the document could not be read (vector formats such as EMF/WMF, or more than {MAX_IMAGES}): check the original."
        ));
    }
    // Embedded objects (a spreadsheet or another document inside) are not
    // opened: named, so nothing is dropped silently.
    let objects = names
        .iter()
        .filter(|n| match format {
            Format::Docx => n.starts_with("word/embeddings/"),
            Format::Odf => n.starts_with("Object ") && n.ends_with("/content.xml"),
        })
        .count();
    if objects > 0 {
        doc.notices.push(format!(
            "文件內嵌 {objects} 個物件（試算表、其他文件等）未讀取，內容未納入工作副本，請核對原件。 {objects} embedded objects (spreadsheets, other documents) were not read: check the original."
        ));
    }
    Ok(doc)
}

/// The text a person sees in one XML part: every text node inside a
/// paragraph, paragraphs and table rows on their own lines, cells apart.
fn xml_text(xml: &str, format: Format) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut depth = 0usize;
    // Word: text lives in <w:t> (and <w:delText>, <a:t> in shapes, <m:t>
    // in equations). ODF: any text inside <text:p> or <text:h>.
    let mut inside = 0usize;
    // Word's <w:tabs> lists tab stops, not tabs.
    let mut tab_stops = 0usize;
    let is_text_element = |local: &str| match format {
        Format::Docx => matches!(local, "t" | "delText"),
        Format::Odf => matches!(local, "p" | "h"),
    };
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::DocType(_) => {
                return Err("declares a DTD (<!DOCTYPE>), which no office program writes: refused, as entity declarations are how XML files are made to read other files or inflate".into())
            }
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("nested deeper than {MAX_DEPTH} elements"));
                }
                let name = e.local_name();
                let local = name.as_ref();
                if is_text_element(local) {
                    inside += 1;
                }
                if local == "tabs" {
                    tab_stops += 1;
                } else if tab_stops == 0 {
                    // <text:s text:c="3"/> is usually empty, but may be opened.
                    empty_element(&e, local, format, &mut out);
                }
            }
            Event::Empty(e) if tab_stops == 0 => {
                let name = e.local_name();
                empty_element(&e, name.as_ref(), format, &mut out);
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = e.local_name();
                let local = name.as_ref();
                if is_text_element(local) {
                    inside = inside.saturating_sub(1);
                }
                if local == "tabs" {
                    tab_stops = tab_stops.saturating_sub(1);
                }
                // A table reads as its rows, one to a line, cells apart
                // ("配偶姓名\t謝冠宇"): a label and its value stay together.
                match (format, local) {
                    (Format::Docx, "p") | (Format::Odf, "p" | "h") => out.push('\n'),
                    (Format::Docx, "tc") | (Format::Odf, "table-cell") => {
                        if out.ends_with('\n') {
                            out.pop();
                        }
                        out.push('\t');
                    }
                    (Format::Docx, "tr") | (Format::Odf, "table-row") => {
                        if out.ends_with('\t') {
                            out.pop();
                        }
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Text(t) if inside > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if inside > 0 => out.push_str(&t),
            Event::GeneralRef(r) if inside > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    out.push_str(s);
                } else {
                    return Err(format!("refers to an undeclared entity &{};", &*r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The text an empty element stands for: a tab, a line break, ODF's run
/// of spaces.
fn empty_element(
    e: &quick_xml::events::BytesStart<'_>,
    local: &str,
    format: Format,
    out: &mut String,
) {
    match (format, local) {
        (_, "tab") => out.push('\t'),
        (Format::Docx, "br" | "cr") | (Format::Odf, "line-break") => out.push('\n'),
        (Format::Odf, "s") => {
            let n = e
                .attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == "c")
                .and_then(|a| a.value.parse::<usize>().ok())
                .unwrap_or(1);
            out.push_str(&" ".repeat(n.min(100)));
        }
        _ => {}
    }
}
