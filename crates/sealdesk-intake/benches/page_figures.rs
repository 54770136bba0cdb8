//! Figures for issue 11, each beside its peer tool in the same run on the
//! same files. Prints; asserts nothing about speed.
//!
//!     cargo bench -p sealdesk-intake --bench page_figures
//!
//! * reading a text PDF as registration does (worker, text, detection,
//!   page renders with glyph places, redaction) beside `pdftotext`;
//! * OCR of a 10-page scanned PDF through Sealdesk beside `tesseract` run on
//!   each page image in turn;
//! * redacted page images beside `pdftoppm -r 150`;
//! * issue 20's generated letters (`SEALDESK_BENCH_SEEDS` of each class, 4
//!   by default): recall per kind, values readable in the handler's page
//!   images and working copy, values OCR read whole beside `tesseract`
//!   alone on the same images, time per scanned page beside `tesseract`.
//!
//! Needs poppler-utils and tesseract-ocr (chi_tra, eng) on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sealdesk_intake::{read_letter, redact::redact, WorkerCommand};

#[path = "../tests/support/docs.rs"]
mod docs;
#[path = "../tests/support/letters.rs"]
mod letters;
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

/// Issue 20's figures on the generated letters.
fn generated_set(dir: &Path) {
    use std::collections::BTreeMap;
    let seeds: u64 = std::env::var("SEALDESK_BENCH_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    println!("== issue 20: {seeds} generated letters of each class, as a handler sees them");
    let faces = letters::Faces::system();
    let mut recall: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut image_leaks, mut copy_leaks) = (0usize, 0usize);
    let (mut ours_read, mut peer_read, mut on_images) = (0usize, 0usize, 0usize);
    let (mut ours_time, mut peer_time, mut scanned_pages) =
        (Duration::ZERO, Duration::ZERO, 0usize);
    for class in letters::CLASSES {
        let mut line = (0usize, 0usize, 0usize, 0usize, 0usize);
        for seed in 0..seeds {
            let l = letters::letter(&faces, class, 1000 + seed);
            let o = letters::assess(&worker(), &l);
            let (peer_n, peer_t) = letters::tesseract_alone(&l, dir);
            for (kind, found) in &o.found {
                let e = recall.entry(format!("{kind:?}")).or_default();
                e.0 += usize::from(*found);
                e.1 += 1;
            }
            image_leaks += o.image_leaks.len();
            copy_leaks += o.copy_leaks.len();
            for (page, v) in &o.image_leaks {
                println!("  LEAK {class} seed {seed}: {v} readable on page {page}");
            }
            for v in &o.copy_leaks {
                println!("  LEAK {class} seed {seed}: {v} readable in the working copy");
            }
            ours_read += o.ocr_read;
            peer_read += peer_n;
            on_images += o.on_images;
            line.0 += o.pages_shown;
            line.1 += o.pages_withheld;
            line.2 += o.found.iter().filter(|(_, f)| *f).count();
            line.3 += o.found.len();
            line.4 += o.ocr_read;
            // Time: the letters that are only page images (an e-mail's
            // attachments are more than OCR).
            if class != "email-attachments" {
                ours_time += o.elapsed;
                peer_time += peer_t;
                scanned_pages += o.pages;
            }
        }
        println!(
            "{class:>18}: pages shown {} withheld {}; values found {}/{}; read whole by OCR {}",
            line.0, line.1, line.2, line.3, line.4
        );
    }
    for (kind, (found, all)) in &recall {
        println!(
            "recall {kind:>12}: {found}/{all} = {:.3}",
            *found as f64 / (*all).max(1) as f64
        );
    }
    println!(
        "values readable in handler page images: {image_leaks}; in working copies: {copy_leaks}"
    );
    println!(
        "values on page images read whole: Sealdesk {ours_read}/{on_images} beside tesseract alone {peer_read}/{on_images} = {:.2}×",
        ours_read as f64 / peer_read.max(1) as f64
    );
    let per = |d: Duration| d / u32::try_from(scanned_pages.max(1)).unwrap_or(1);
    println!(
        "time per scanned page (read, OCR, detect, verdict, redact): Sealdesk {:.2?} beside tesseract alone {:.2?} = {}",
        per(ours_time),
        per(peer_time),
        ratio(ours_time, peer_time)
    );
}

fn main() {
    if !tool("pdftotext", &["-v"]) || !tool("tesseract", &["--version"]) {
        println!("intake_figures: needs pdftotext, pdftoppm (poppler-utils) and tesseract");
        return;
    }
    if std::env::var_os("SEALDESK_BENCH_ONLY_GENERATED").is_some() {
        let dir = tempfile::tempdir().expect("tmp");
        generated_set(dir.path());
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
    generated_set(dir.path());
}
