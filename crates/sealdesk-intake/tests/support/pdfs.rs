//! Small PDFs built by hand for the intake tests and the page figures bench:
//! a scanned letter as a copier makes it, a text page beside a scanned one,
//! and a tiny file that inflates to millions of numbers.

#![allow(dead_code)] // each user takes what it needs

use std::io::Write as _;

/// Objects 1.. (in order) with a cross-reference table and trailer; object 1
/// must be the catalog.
pub fn assemble(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

fn jpeg_image(jpg: &[u8], width: u32, height: u32) -> Vec<u8> {
    stream(
        &format!("/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode"),
        jpg,
    )
}

const SCAN_PAGE: &str = "q 595 0 0 842 0 0 cm /Im1 Do Q\n";

/// A PDF of `pages` pages, each the JPEG scan drawn full page: a scanned
/// letter as a copier's PDF, with no text layer.
pub fn scanned_pdf(jpg: &[u8], width: u32, height: u32, pages: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", 4 + 2 * p)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        jpeg_image(jpg, width, height),
    ];
    for p in 0..pages {
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> /Contents {} 0 R >>", 5 + 2 * p).into_bytes());
        objects.push(stream("", SCAN_PAGE.as_bytes()));
    }
    assemble(&objects)
}

/// Two pages: a page of typed text (a cover note), then the JPEG scan with
/// no text on it — the file has a text layer, its second page does not.
pub fn mixed_pdf(jpg: &[u8], width: u32, height: u32) -> Vec<u8> {
    let text = "BT /F1 14 Tf 72 760 Td (Cover note: see the attached letter.) Tj ET\n";
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("", text.as_bytes()),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 8 0 R >> >> /Contents 6 0 R >>".to_vec(),
        stream("", SCAN_PAGE.as_bytes()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        jpeg_image(jpg, width, height),
    ])
}

/// A one-page PDF whose content stream, Flate-compressed, shows `n` phone
/// numbers: hundreds of kilobytes on disk, megabytes once inflated.
pub fn inflating_pdf(n: usize) -> Vec<u8> {
    let mut content = String::from("BT /F1 8 Tf 20 800 Td 9 TL\n");
    for k in 0..n {
        content.push_str(&format!("(0912-345-{:03}) Tj T*\n", k % 1000));
    }
    content.push_str("ET\n");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(content.as_bytes()).expect("compress");
    let deflated = z.finish().expect("compress");
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("/Filter /FlateDecode", &deflated),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

/// One A4 page of Chinese written vertically, as many letters and forms
/// are: each of `columns` top to bottom, the columns right to left. The
/// font is not embedded (CNS 1, UTF-16 encoded), so the renderer takes the
/// system's Traditional Chinese face, as for any CID font it lacks.
pub fn vertical_pdf(columns: &[&str]) -> Vec<u8> {
    const SIZE: f32 = 26.0;
    let mut content = String::new();
    for (c, column) in columns.iter().enumerate() {
        let x = 520.0 - c as f32 * SIZE * 1.6;
        for (r, ch) in column.chars().enumerate() {
            let y = 780.0 - r as f32 * SIZE * 1.15;
            let mut units = [0u16; 2];
            let hex: String = ch
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            content.push_str(&format!("BT /F1 {SIZE} Tf {x} {y} Td <{hex}> Tj ET\n"));
        }
    }
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("", content.as_bytes()),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /MingLiU /Encoding /UniCNS-UTF16-H /DescendantFonts [6 0 R] >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MingLiU /CIDSystemInfo << /Registry (Adobe) /Ordering (CNS1) /Supplement 7 >> /FontDescriptor 7 0 R /DW 1000 >>".to_vec(),
        b"<< /Type /FontDescriptor /FontName /MingLiU /Flags 6 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>".to_vec(),
    ])
}

/// A long, text-heavy letter: `pages` A4 pages of 40 lines of about 36
/// Chinese characters each, in a CNS 1 CID font (UTF-16 encoded, not
/// embedded), with a petitioner's name, ID and phone on the first page and
/// the name again on the last.
pub fn text_heavy_pdf(pages: usize) -> Vec<u8> {
    const BODY: &str = "本案係依據採購法規定辦理之公開招標案件，投標廠商對於資格審查結果提出異議，認為機關之審查程序有違反公平原則之虞，請求重新審查並說明理由，以維護廠商權益及採購程序之公正性。";
    let body: Vec<char> = BODY.chars().collect();
    let hex = |s: &str| -> String { s.encode_utf16().map(|u| format!("{u:04X}")).collect() };
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|p| format!("{} 0 R", 6 + 2 * p))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /MingLiU /Encoding /UniCNS-UTF16-H /DescendantFonts [4 0 R] >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MingLiU /CIDSystemInfo << /Registry (Adobe) /Ordering (CNS1) /Supplement 7 >> /FontDescriptor 5 0 R /DW 1000 >>".to_vec(),
        b"<< /Type /FontDescriptor /FontName /MingLiU /Flags 6 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>".to_vec(),
    ];
    for p in 0..pages {
        let mut content = String::from("BT /F1 13 Tf 16 TL 60 790 Td\n");
        for line in 0..40 {
            let text: String = if p == 0 && line == 0 {
                "異議人：林志明，身分證統一編號：A123456789，電話：0912-345-678。".into()
            } else if p + 1 == pages && line == 39 {
                "異議人 林志明 敬上".into()
            } else {
                let at = (p * 40 + line) * 7 % body.len();
                body.iter().cycle().skip(at).take(36).collect()
            };
            content.push_str(&format!("<{}> Tj T*\n", hex(&text)));
        }
        content.push_str("ET\n");
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>", 7 + 2 * p).into_bytes());
        objects.push(stream("", content.as_bytes()));
    }
    assemble(&objects)
}
