//! ODF and Word documents built part by part, for the tests and the bench.

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip of the given entries, deflated (the first stored, as ODF's
/// `mimetype` must be).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, body)) in entries.iter().enumerate() {
        let method = if i == 0 && *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        w.start_file(
            *name,
            SimpleFileOptions::default()
                .compression_method(method)
                .large_file(body.len() > u32::MAX as usize / 2),
        )
        .expect("entry");
        w.write_all(body).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// Word paragraphs as `document.xml` holds them.
pub fn word_paragraphs(paragraphs: &[&str]) -> String {
    paragraphs
        .iter()
        .map(|p| format!("<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect()
}

/// A `.docx` whose body is `body` (Word XML inside `<w:body>`), with the
/// other parts given as (part name, inner XML) and pictures under
/// `word/media/`.
pub fn docx(body: &str, parts: &[(&str, &str)], pictures: &[(&str, &[u8])]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    );
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let others: Vec<(String, String)> = parts
        .iter()
        .map(|(name, inner)| {
            let root = name
                .trim_end_matches(".xml")
                .trim_end_matches(char::is_numeric);
            (
                format!("word/{name}"),
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:{root} {W}>{inner}</w:{root}>"#
                ),
            )
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    entries.extend(others.iter().map(|(n, x)| (n.as_str(), x.as_bytes())));
    let media: Vec<(String, &[u8])> = pictures
        .iter()
        .map(|(n, b)| (format!("word/media/{n}"), *b))
        .collect();
    entries.extend(media.iter().map(|(n, b)| (n.as_str(), *b)));
    zip(&entries)
}

const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0""#;

/// An `.odt` whose `office:text` holds `body` (ODF XML), with a page header
/// in `styles.xml`, and pictures under `Pictures/`.
pub fn odt(body: &str, header: &str, pictures: &[(&str, &[u8])]) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NS}><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>{header}</text:p></style:header></style:master-page></office:master-styles></office:document-styles>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>"#;
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
        ("styles.xml", styles.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ];
    let media: Vec<(String, &[u8])> = pictures
        .iter()
        .map(|(n, b)| (format!("Pictures/{n}"), *b))
        .collect();
    entries.extend(media.iter().map(|(n, b)| (n.as_str(), *b)));
    zip(&entries)
}
