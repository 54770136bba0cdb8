//! The handler's page images follow the rule their text follows (T3): the
//! writer's data is boxed, another person named in the letter (the official
//! complained of) is shown to the assigned handler; a copy leaving the desk
//! stays boxed over every finding.

use sealdesk_api::{Category, PiiKind, RegisterMeta, Review, Secrecy, WorkerCommand, WORKER_ARG};

use crate::{example_bin, World};

/// Points of a PDF page per inch, and the page images' resolution.
const PT_PER_INCH: f32 = 72.0;
const DPI: f32 = 150.0;
const SIZE: f32 = 20.0;
const LEFT: f32 = 60.0;
/// Baselines of the two name lines, in PDF points from the bottom.
const WRITER_Y: f32 = 700.0;
const OFFICIAL_Y: f32 = 560.0;

/// One A4 page of horizontal Chinese lines at the given baselines, in a CNS
/// 1 CID font (not embedded: the renderer takes the system's face).
fn letter_pdf(lines: &[(f32, &str)]) -> Vec<u8> {
    let mut content = String::new();
    for (y, text) in lines {
        let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
        content.push_str(&format!("BT /F1 {SIZE} Tf {LEFT} {y} Td <{hex}> Tj ET\n"));
    }
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(),
            content.into_bytes(),
            b"\nendstream".to_vec(),
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /MingLiU /Encoding /UniCNS-UTF16-H /DescendantFonts [6 0 R] >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MingLiU /CIDSystemInfo << /Registry (Adobe) /Ordering (CNS1) /Supplement 7 >> /FontDescriptor 7 0 R /DW 1000 >>".to_vec(),
        b"<< /Type /FontDescriptor /FontName /MingLiU /Flags 6 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>".to_vec(),
    ];
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

/// The share of dark pixels over the first `chars` characters of the line
/// whose baseline is `y` (PDF points): about 1 under a box, far less over
/// printed strokes.
fn dark_share(png: &[u8], y: f32, chars: usize) -> f32 {
    let img = image::load_from_memory(png).expect("page image").to_luma8();
    let scale = DPI / PT_PER_INCH;
    // The mark's footer is added below the page: measure from the top.
    let page_h = 842.0;
    // The glyphs' body, a little inside, so a box's padding does not count.
    let x0 = ((LEFT + 2.0) * scale) as u32;
    let x1 = ((LEFT + SIZE * chars as f32 - 2.0) * scale) as u32;
    let y0 = ((page_h - (y + SIZE * 0.7)) * scale) as u32;
    let y1 = ((page_h - (y + SIZE * 0.05)) * scale) as u32;
    let (mut dark, mut all) = (0u32, 0u32);
    for py in y0..y1 {
        for px in x0..x1 {
            all += 1;
            if img.get_pixel(px, py).0[0] < 100 {
                dark += 1;
            }
        }
    }
    dark as f32 / all.max(1) as f32
}

#[test]
fn t3_the_handlers_page_shows_the_official_and_boxes_the_writer() {
    let mut w = World::new();
    w.vault.set_parse_worker(WorkerCommand {
        program: example_bin("parse_worker"),
        args: vec![WORKER_ARG.into()],
    });
    let pdf = letter_pdf(&[
        (780.0, "檢舉函"),
        (WRITER_Y, "許俊宏"),
        (630.0, "檢舉稅務員收受款項"),
        (OFFICIAL_Y, "廖雅君"),
    ]);
    let mut clerk = w.login("clerk");
    let draft = w
        .vault
        .draft_file(&mut clerk, &pdf, "letter.pdf")
        .expect("draft");
    let mut meta = RegisterMeta::new(Category::Whistleblower, Secrecy::Condition("結案後".into()));
    meta.subject = "代號:丙案".into();
    // The clerk marks the writer's name and the official's, and shows the
    // official's to the handler.
    let review = Review {
        add: vec![
            (PiiKind::Person, "許俊宏".into()),
            (PiiKind::Person, "廖雅君".into()),
        ],
        shown: Some(vec!["廖雅君".into()]),
        ..Review::default()
    };
    let id = w
        .vault
        .register_draft(&mut clerk, &draft.draft_id, &meta, &review)
        .expect("register")
        .letter_id;
    w.route_to_handler(&id);
    let mut h = w.login("handler");
    let c = w.vault.open_letter(&mut h, &id, "調查").expect("open");
    assert!(c.text.contains("廖雅君") && !c.text.contains("許俊宏"));
    let page = c.pages.first().expect("the page is shown");
    let png = data_encoding::BASE64
        .decode(page.png_base64.as_bytes())
        .expect("base64");
    let writer = dark_share(&png, WRITER_Y, 3);
    let official = dark_share(&png, OFFICIAL_Y, 3);
    assert!(writer > 0.85, "the writer's name is boxed: {writer}");
    assert!(
        official < 0.6,
        "the official's name is not boxed for the handler: {official}"
    );
    // A copy (leaving the desk) boxes every finding.
    let job = w.print_for_handler(&id);
    let png = data_encoding::BASE64
        .decode(job.pages[0].png_base64.as_bytes())
        .expect("base64");
    let official = dark_share(&png, OFFICIAL_Y, 3);
    assert!(
        official > 0.85,
        "the official's name is boxed on a copy: {official}"
    );
}
