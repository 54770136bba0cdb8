//! Registers a 20-page zh-TW text PDF end to end (worker process, extract,
//! detect, encrypt, store, ledger entry) beside `pdftotext` alone on the same
//! file, in the same run.
//!
//! `cargo bench -p sealdesk-cli --bench intake_figures`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sealdesk_api::{
    seeded_rng, Category, NewUser, RegisterMeta, Review, Role, Secrecy, SystemClock, Vault,
    WorkerCommand, WORKER_ARG,
};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let pdf_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-intake/tests/data/twenty-pages-zh-tw.pdf");
    let pdf = std::fs::read(&pdf_path).expect("pdf");
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tmp");
    let init = Vault::init(
        &dir.path().join("v"),
        "admin",
        &Passphrase::from("bench-admin-pass"),
        Arc::new(SystemClock),
        seeded_rng(1),
    )
    .expect("init");
    let mut vault = init.vault;
    let mut admin = vault
        .login("admin", &Passphrase::from("bench-admin-pass"))
        .expect("login");
    vault
        .add_user(
            &mut admin,
            &NewUser {
                name: "clerk".into(),
                roles: RoleSet::new([Role::Clerk]).expect("r"),
                unit: Some("秘書室".into()),
                passphrase: Passphrase::from("bench-clerk-pass"),
            },
        )
        .expect("clerk");
    let mut s = vault
        .login("clerk", &Passphrase::from("bench-clerk-pass"))
        .expect("login");
    vault.set_parse_worker(WorkerCommand {
        program: env!("CARGO_BIN_EXE_sealdesk").into(),
        args: vec![WORKER_ARG.into()],
    });
    let meta = RegisterMeta::new(Category::Petition, Secrecy::Condition("結案".into()));
    let rounds = 15;
    let mut ours = Vec::new();
    let mut text_chars = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = vault
            .register_file(&mut s, &pdf, "twenty.pdf", &meta, &Review::default())
            .expect("register");
        ours.push(t.elapsed());
        text_chars = r.text_chars;
    }
    let mut peer = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let out = std::process::Command::new("pdftotext")
            .arg(&pdf_path)
            .arg("-")
            .output()
            .expect("pdftotext (apt-get install poppler-utils)");
        peer.push(t.elapsed());
        assert!(out.status.success());
    }
    let (a, b) = (median(ours), median(peer));
    println!(
        "register 20-page zh-TW PDF ({} B, {text_chars} chars) end to end: median {:.1} ms  |  pdftotext alone: median {:.1} ms  |  ratio {:.2}x",
        pdf.len(),
        a.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        a.as_secs_f64() / b.as_secs_f64()
    );
}
