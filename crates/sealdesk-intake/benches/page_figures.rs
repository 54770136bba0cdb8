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
    for f in [
        "twenty-pages-zh-tw.pdf",
        "cid-unicns-ucs2-h.pdf",
        "sample-01.pdf",
        "sample-04.pdf",
    ] {
        text_pdf(&data(f));
    }

    println!("== redacted page images beside pdftoppm -r 150 (same pages)");
    let twenty = data("twenty-pages-zh-tw.pdf");
    let bytes = std::fs::read(&twenty).expect("pdf");
    let ex = read_letter(&worker(), &bytes, "twenty.pdf").expect("reads");
    let ours = best(3, || {
        let ex = read_letter(&worker(), &bytes, "twenty.pdf").expect("reads");
        redact(&ex, &ex.findings, &[]).expect("redacts");
    });
    let dir = tempfile::tempdir().expect("tmp");
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
    let jpg = std::fs::read(data("sample-01-scan.jpg")).expect("jpg");
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
        "10 pages ({w}×{h} scan): Sealdesk {ours:.2?} ({} chars, {} words) beside tesseract ×10 {peer:.2?} = {}",
        ex.text.chars().count(),
        ex.ocr_words.len(),
        ratio(ours, peer)
    );
}
