//! Figures for issue 11, each beside its peer tool in the same run on the
//! same files. Prints; asserts nothing about speed.
//!
//!     cargo bench -p sealdesk-intake --bench page_figures
//!
//! * reading a text PDF as registration does (worker, text, detection,
//!   page renders with glyph places, redaction) beside `pdftotext`;
//! * OCR of a 10-page scanned PDF through Sealdesk beside `tesseract` run on
//!   each page image in turn;
//! * redacted page images beside `pdftoppm -r 150`.
//!
//! Needs poppler-utils and tesseract-ocr (chi_tra, eng) on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sealdesk_intake::{read_letter, redact::redact, WorkerCommand};

#[path = "../tests/support/pdfs.rs"]
mod pdfs;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn worker() -> WorkerCommand {
    WorkerCommand {
        program: env!("CARGO_BIN_EXE_sealdesk-parse-worker").into(),
        args: vec![],
    }
}

/// The best of `n` runs (the least disturbed by the rest of the machine).
fn best(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn tool(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn ratio(ours: Duration, peer: Duration) -> String {
    format!("{:.2}×", ours.as_secs_f64() / peer.as_secs_f64().max(1e-9))
}

fn text_pdf(path: &Path) {
    let bytes = std::fs::read(path).expect("pdf");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("x.pdf");
    let mut pages = 0;
    let ours = best(3, || {
        let ex = read_letter(&worker(), &bytes, name).expect("reads");
        let r = redact(&ex, &ex.findings, &[]).expect("redacts");
        pages = r.pages.len();
    });
    let out = std::env::temp_dir().join("sealdesk-bench-pdftotext.txt");
    let p = path.to_str().expect("utf-8");
    let o = out.to_str().expect("utf-8");
    let peer = best(3, || {
        assert!(tool("pdftotext", &[p, o]), "pdftotext");
    });
    println!(
        "{name} ({pages} pages): read + detect + render + redact {ours:.2?} beside pdftotext {peer:.2?} = {}",
        ratio(ours, peer)
    );
}

fn main() {
    if !tool("pdftotext", &["-v"]) || !tool("tesseract", &["--version"]) {
        println!("intake_figures: needs pdftotext, pdftoppm (poppler-utils) and tesseract");
        return;
    }
    println!("== reading text PDFs as registration does, beside pdftotext alone");
    let dir = tempfile::tempdir().expect("tmp");
    // Three 20-page letters from different producers: ReportLab (embedded
    // CID subset), LibreOffice's pages (two LibreOffice letters, ten copies
    // each, joined by pdfunite: the pages' content and fonts stay
    // LibreOffice's), and a long text-heavy one (a non-embedded CNS 1 CID
    // font, 40 dense lines a page).
    let libreoffice = dir.path().join("libreoffice-20-pages.pdf");
    let mut unite: Vec<String> = Vec::new();
    for k in 0..20 {
        let f = if k % 2 == 0 {
            "sample-01.pdf"
        } else {
            "sample-04.pdf"
        };
        unite.push(data(f).to_string_lossy().into_owned());
    }
    unite.push(libreoffice.to_string_lossy().into_owned());
    let unite: Vec<&str> = unite.iter().map(String::as_str).collect();
    let have_libreoffice = tool("pdfunite", &unite);
    let heavy = dir.path().join("text-heavy-20-pages.pdf");
    std::fs::write(&heavy, pdfs::text_heavy_pdf(20)).expect("write");
    let mut files = vec![data("twenty-pages-zh-tw.pdf")];
    if have_libreoffice {
        files.push(libreoffice);
    } else {
        println!("(pdfunite missing: no joined LibreOffice letter)");
    }
    files.push(heavy);
    files.extend(["cid-unicns-ucs2-h.pdf", "sample-01.pdf", "sample-04.pdf"].map(data));
    for f in &files {
        text_pdf(f);
    }

    println!("== redacted page images beside pdftoppm -r 150 (same pages)");
    let twenty = data("twenty-pages-zh-tw.pdf");
    let bytes = std::fs::read(&twenty).expect("pdf");
    let ex = read_letter(&worker(), &bytes, "twenty.pdf").expect("reads");
    let ours = best(3, || {
        let ex = read_letter(&worker(), &bytes, "twenty.pdf").expect("reads");
        redact(&ex, &ex.findings, &[]).expect("redacts");
    });
    let prefix = dir.path().join("p");
    let peer = best(3, || {
        assert!(tool(
            "pdftoppm",
            &[
                "-r",
                "150",
                "-png",
                twenty.to_str().expect("utf-8"),
                prefix.to_str().expect("utf-8")
            ]
        ));
    });
    println!(
        "{} pages: worker render + glyphs + redact {ours:.2?} beside pdftoppm {peer:.2?} = {}",
        ex.page_renders.len(),
        ratio(ours, peer)
    );

    println!("== OCR of a 10-page scanned PDF beside tesseract on each page image in turn");
    // Two scans: the sample's own (150 dpi, a phone-grade copy) and a clean
    // 300 dpi one (sample-01.pdf rasterized by pdftoppm -r 300), each as a
    // copier's 10-page PDF.
    let scan300 = dir.path().join("scan300");
    let scan300_jpg = tool(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-jpeg",
            "-singlefile",
            data("sample-01.pdf").to_str().expect("utf-8"),
            scan300.to_str().expect("utf-8"),
        ],
    )
    .then(|| std::fs::read(dir.path().join("scan300.jpg")).ok())
    .flatten();
    let mut scans = vec![(
        "sample-01-scan.jpg",
        std::fs::read(data("sample-01-scan.jpg")).expect("jpg"),
    )];
    scans.extend(scan300_jpg.map(|j| ("sample-01.pdf at 300 dpi", j)));
    for (label, jpg) in scans {
        let (w, h) = image::ImageReader::new(std::io::Cursor::new(&jpg))
            .with_guessed_format()
            .expect("jpeg")
            .into_dimensions()
            .expect("size");
        let pdf = pdfs::scanned_pdf(&jpg, w, h, 10);
        let t = Instant::now();
        let ex = read_letter(&worker(), &pdf, "scan10.pdf").expect("reads");
        let ours = t.elapsed();
        let img = dir.path().join("page.jpg");
        std::fs::write(&img, &jpg).expect("write");
        let t = Instant::now();
        for _ in 0..10 {
            assert!(tool(
                "tesseract",
                &[img.to_str().expect("utf-8"), "stdout", "-l", "chi_tra+eng"]
            ));
        }
        let peer = t.elapsed();
        println!(
            "10 pages of {label} ({w}×{h}): Sealdesk {ours:.2?} ({} chars, {} words; pages rendered at 150 dpi for OCR) beside tesseract ×10 on the scan {peer:.2?} = {}",
            ex.text.chars().count(),
            ex.ocr_words.len(),
            ratio(ours, peer)
        );
    }
}
