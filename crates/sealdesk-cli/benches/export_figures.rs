//! Figures for issue 12, beside the peer pipeline in the same run on the
//! same pages. Prints; asserts nothing about speed.
//!
//!     cargo bench -p sealdesk-cli --bench export_figures
//!
//! * A marked export of a 10-page letter (its redacted 150 dpi pages, each
//!   marked for the recipient, assembled into an image-only PDF, registered
//!   and recorded, then written) beside what an agency's IT would script:
//!   `pdftoppm -r 150`, then ImageMagick laying a rotated tiled text mark
//!   over each page (`composite -tile`) and assembling a PDF (`convert`).
//! * `trace` of a photo of an exported page, per image, by each channel: the
//!   footer's QR code; the invisible mark (footer cut off, grey copy); the
//!   tiled mark by OCR (footer and left edge cut off).
//!
//! Needs poppler-utils, ImageMagick, tesseract-ocr (eng) and fonts-noto-cjk.
//! Debian's ImageMagick refuses to write PDF until its policy allows it, as
//! an agency's script would have to: in `/etc/ImageMagick-6/policy.xml`, the
//! `pattern="PDF"` line's `rights="none"` becomes `rights="read|write"`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sealdesk_api::{
    os_seeded_rng, Category, CopyFormat, CopyKind, NewUser, RegisterMeta, Review, Role, Secrecy,
    Session, SystemClock, Vault, WorkerCommand, WORKER_ARG,
};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;

fn pass(name: &str) -> Passphrase {
    Passphrase::from(format!("bench-{name}-pass").as_str())
}

fn best(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// ImageMagick's own `convert` (this machine may put a stand-in first on
/// PATH).
fn imagemagick(tool: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(tool);
        let real = Command::new(&p)
            .arg("-version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("ImageMagick"));
        if real {
            return p;
        }
    }
    panic!("ImageMagick's {tool} not found (apt-get install imagemagick)");
}

fn add(vault: &mut Vault, admin: &mut Session, name: &str, role: Role, unit: &str) {
    vault
        .add_user(
            admin,
            &NewUser {
                name: name.into(),
                roles: RoleSet::new([role]).expect("role"),
                unit: Some(unit.into()),
                passphrase: pass(name),
            },
        )
        .expect("add user");
}

fn main() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tmp");
    let work = dir.path();
    // The letter: the first 10 pages of the 20-page zh-TW test PDF.
    let twenty = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-intake/tests/data/twenty-pages-zh-tw.pdf");
    run(Command::new("pdfseparate")
        .args(["-f", "1", "-l", "10"])
        .arg(&twenty)
        .arg(work.join("p-%d.pdf")));
    let pdf_path = work.join("ten.pdf");
    let mut unite = Command::new("pdfunite");
    for i in 1..=10 {
        unite.arg(work.join(format!("p-{i}.pdf")));
    }
    run(unite.arg(&pdf_path));
    let pdf = std::fs::read(&pdf_path).expect("pdf");

    // A vault: a clerk registers the letter, a supervisor routes it to a
    // handler, who asks for copies.
    let init = Vault::init(
        &work.join("vault"),
        "admin",
        &pass("admin"),
        Arc::new(SystemClock),
        os_seeded_rng(),
    )
    .expect("init");
    let mut vault = init.vault;
    vault.set_parse_worker(WorkerCommand {
        program: env!("CARGO_BIN_EXE_sealdesk").into(),
        args: vec![WORKER_ARG.into()],
    });
    let mut admin = vault.login("admin", &pass("admin")).expect("login");
    add(&mut vault, &mut admin, "clerk", Role::Clerk, "秘書室");
    add(
        &mut vault,
        &mut admin,
        "chief",
        Role::Supervisor,
        "稅務管理科",
    );
    add(
        &mut vault,
        &mut admin,
        "handler",
        Role::Handler,
        "稅務管理科",
    );
    add(&mut vault, &mut admin, "audit", Role::Auditor, "政風室");
    vault
        .recover_grant_ledger(&init.recovery_code, "audit")
        .expect("ledger key");
    let mut clerk = vault.login("clerk", &pass("clerk")).expect("login");
    let meta = RegisterMeta::new(Category::Petition, Secrecy::Condition("結案後解密".into()));
    let letter = vault
        .register_file(&mut clerk, &pdf, "ten.pdf", &meta, &Review::default())
        .expect("register")
        .letter_id;
    let route = vault
        .route(&mut clerk, &letter, "稅務管理科", "handler", None, "請承辦")
        .expect("route");
    let mut chief = vault.login("chief", &pass("chief")).expect("login");
    vault
        .approve(&mut chief, &route.id, "同意")
        .expect("approve");
    let mut handler = vault.login("handler", &pass("handler")).expect("login");

    // Sealdesk: best of 3 exports, each its own approved request.
    let rounds = 3;
    let mut ours = Vec::new();
    let mut last_pdf = PathBuf::new();
    let mut pages = 0;
    for i in 0..rounds {
        let req = vault
            .request_copy(&mut handler, &letter, "handler", CopyKind::Export, "研議")
            .expect("request");
        vault
            .approve_copy(&mut chief, &req.id, "同意")
            .expect("approve");
        let out = work.join(format!("ours-{i}.pdf"));
        let t = Instant::now();
        let done = vault
            .run_export(&mut handler, &req.id, CopyFormat::Pdf, &out)
            .expect("export");
        ours.push(t.elapsed());
        pages = done.copy.pages;
        last_pdf = out;
    }

    // The peer pipeline, on the same letter.
    let convert = imagemagick("convert");
    let composite = imagemagick("composite");
    let font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    let mut peer = Vec::new();
    for i in 0..rounds {
        let d = work.join(format!("peer-{i}"));
        std::fs::create_dir(&d).expect("dir");
        let t = Instant::now();
        run(Command::new("pdftoppm")
            .args(["-r", "150", "-png"])
            .arg(&pdf_path)
            .arg(d.join("page")));
        run(Command::new(&convert)
            .args([
                "-size",
                "560x320",
                "xc:none",
                "-font",
                font,
                "-pointsize",
                "30",
            ])
            .args(["-fill", "rgba(150,20,20,0.26)", "-gravity", "center"])
            .args([
                "-annotate",
                "330x330+0+0",
                "handler　稅務管理科\nABCD-EFGH-IJKLM\n2026-11-29 10:30　密件 CONFIDENTIAL",
            ])
            .arg(d.join("tile.png")));
        let mut marked = Vec::new();
        for n in 1..=10 {
            let page = d.join(format!("page-{n:02}.png"));
            let out = d.join(format!("marked-{n:02}.png"));
            run(Command::new(&composite)
                .arg("-tile")
                .arg(d.join("tile.png"))
                .arg(&page)
                .arg(&out));
            marked.push(out);
        }
        run(Command::new(&convert).args(&marked).arg(d.join("out.pdf")));
        peer.push(t.elapsed());
    }
    let (a, b) = (best(&ours), best(&peer));
    println!(
        "export {pages} pages at 150 dpi, marked, image-only PDF: Sealdesk best of {rounds} {:.0} ms  |  pdftoppm + ImageMagick composite + convert: best of {rounds} {:.0} ms  |  ratio {:.3}x (goal <= 0.25x)",
        ms(a),
        ms(b),
        a.as_secs_f64() / b.as_secs_f64()
    );
    println!(
        "  every Sealdesk run: {:?} ms; every peer run: {:?} ms",
        ours.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        peer.iter().map(|d| ms(*d).round()).collect::<Vec<_>>()
    );

    // Trace: page 1 of the last export, scanned back by poppler at 150 dpi.
    run(Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&last_pdf)
        .arg(work.join("scan")));
    let scan = image::open(work.join("scan.png")).expect("scan").to_rgb8();
    let jpeg = |img: &image::RgbImage, q: u8| {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
            .encode_image(img)
            .expect("jpeg");
        out
    };
    let page_h = scan.height() - sealdesk_mark::FOOTER_PX;
    let no_footer = image::imageops::crop_imm(&scan, 0, 0, scan.width(), page_h).to_image();
    let grey = image::DynamicImage::ImageLuma8(
        image::DynamicImage::ImageRgb8(no_footer.clone()).to_luma8(),
    )
    .to_rgb8();
    let x0 = scan.width() / 16;
    let narrow = image::imageops::crop_imm(&no_footer, x0, 0, scan.width() - x0, page_h).to_image();
    let mut audit = vault.login("audit", &pass("audit")).expect("login");
    for (what, bytes) in [
        ("whole page, JPEG 60", jpeg(&scan, 60)),
        ("footer cut off, grey, JPEG 75", jpeg(&grey, 75)),
        ("footer and left edge cut off, JPEG 75", jpeg(&narrow, 75)),
    ] {
        let mut times = Vec::new();
        let mut channel = String::new();
        let mut found = false;
        for _ in 0..3 {
            let t = Instant::now();
            let r = vault.trace(&mut audit, &bytes).expect("trace");
            times.push(t.elapsed());
            channel = r.channel;
            found = r.copy.is_some();
        }
        println!(
            "trace ({what}): best of 3 {:.0} ms, read from {channel}, copy found: {found}",
            ms(best(&times))
        );
    }
}
