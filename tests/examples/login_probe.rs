//! Test helper for the size-ceiling test: one desk's login in a fresh
//! process, then `{"outcome": KIND, "ms": ELAPSED, "peak_rss_kib": VmHWM}`
//! on stdout. Args: VAULT_DIR USER; passphrase in SEALDESK_PASSPHRASE.

use std::sync::Arc;
use std::time::Instant;

use sealdesk_api::{os_seeded_rng, SystemClock, Vault};
use sealdesk_core::secret::Passphrase;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(user)) = (args.next(), args.next()) else {
        eprintln!("usage: login_probe VAULT_DIR USER");
        std::process::exit(1);
    };
    let pass = Passphrase::new(std::env::var("SEALDESK_PASSPHRASE").unwrap_or_default());
    let t = Instant::now();
    let outcome = Vault::open(
        std::path::Path::new(&dir),
        Arc::new(SystemClock),
        os_seeded_rng(),
    )
    .and_then(|mut v| v.login(&user, &pass).map(|mut s| v.lock(&mut s)));
    let kind = match &outcome {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.kind().to_string(),
    };
    let detail = outcome.err().map(|e| e.to_string()).unwrap_or_default();
    println!(
        "{}",
        serde_json::json!({
            "outcome": kind,
            "detail": detail,
            "ms": t.elapsed().as_millis() as u64,
            "peak_rss_kib": peak_rss_kib(),
        })
    );
}
