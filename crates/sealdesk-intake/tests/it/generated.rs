//! Issue 20's generated letters, one of each class: what reaches a handler
//! (the masked working copy, the page images not withheld) shows none of
//! the letter's identity values when read back by OCR. The bench
//! `page_figures` runs more of each and prints recall and OCR figures.

use super::letters::{assess, letter, Faces, CLASSES};
use super::worker;

#[test]
fn generated_letters_of_every_class_show_a_handler_no_identity() {
    let faces = Faces::system();
    let mut failures = Vec::new();
    let mut typed = None;
    // SEALDESK_GEN_SEED picks another letter of each class (the bench's
    // are 1000 and up), to look at one the bench reports.
    let seed = std::env::var("SEALDESK_GEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for class in CLASSES {
        let l = letter(&faces, class, seed);
        let o = assess(&worker(), &l);
        let missed: Vec<_> = l
            .truth
            .iter()
            .zip(&o.found)
            .filter(|(_, (_, found))| !found)
            .map(|(t, _)| format!("{:?} {}", t.kind, t.value))
            .collect();
        eprintln!(
            "{class}: {} pages, {} shown, {} withheld; missed {missed:?}; copy leaks {:?}; image leaks {:?}; OCR read {}/{} in {:.1?}",
            o.pages, o.pages_shown, o.pages_withheld, o.copy_leaks, o.image_leaks, o.ocr_read, o.on_images, o.elapsed
        );
        if !o.copy_leaks.is_empty() || !o.image_leaks.is_empty() {
            failures.push((class, o.copy_leaks, o.image_leaks));
        }
        if let Some(dir) = std::env::var_os("SEALDESK_DUMP") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::write(dir.join(format!("{class}-{}", l.file_name)), &l.bytes).expect("dump");
            for (i, img) in l.images.iter().enumerate() {
                let png = image::load_from_memory(img).expect("decode");
                png.save(dir.join(format!("{class}-{i}.png")))
                    .expect("dump");
            }
        }
        if class == "typed-scan" {
            typed = Some((o.pages_shown, missed));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let (shown, missed) = typed.expect("typed");
    assert_eq!(shown, 1, "a clean typed scan is shown, redacted");
    assert!(
        missed.is_empty(),
        "a clean typed scan: all found, missed {missed:?}"
    );
}
