//! Prints the figures the foundation issue asks for:
//! unlock time with the stored Argon2id parameters, and record
//! encrypt/decrypt throughput beside raw AES-256-GCM on the same buffer.
//!
//! `cargo bench -p sealdesk-core --bench crypto_figures`

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sealdesk_core::crypto::{self, fixed, DataKey, KdfParams, RecordBinding, UserSecretKey};
use sealdesk_core::secret::Passphrase;

fn time<F: FnMut()>(iters: u32, mut f: F) -> Duration {
    f(); // warm up
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed() / iters
}

fn mbps(bytes: usize, per_iter: Duration) -> f64 {
    bytes as f64 / per_iter.as_secs_f64() / 1e6
}

fn main() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let sk = UserSecretKey::make(&mut rng);
    let pass = Passphrase::from("a passphrase of fair length");
    let sealed = crypto::seal_user_secret_key(
        &sk,
        &[0u8; 32],
        &pass,
        &KdfParams::DEFAULT,
        "bench",
        &mut rng,
    )
    .expect("seal");
    let unlock = time(5, || {
        black_box(crypto::open_user_secret_key(&sealed, &pass, "bench").expect("open"));
    });
    let p = KdfParams::DEFAULT;
    println!(
        "unlock (Argon2id m={} MiB t={} p={}): {:.0} ms",
        p.m_kib / 1024,
        p.t,
        p.p,
        unlock.as_secs_f64() * 1e3
    );

    let key = DataKey::make(&mut rng);
    let raw_key = *key.expose();
    let binding = RecordBinding {
        record_id: "0123456789abcdef0123456789abcdef",
        purpose: "text",
    };
    let nonce = [7u8; 12];
    for size in [64 * 1024, 1024 * 1024, 16 * 1024 * 1024] {
        let buf = vec![0x5au8; size];
        let iters = if size >= 16 << 20 { 5 } else { 50 };
        let rec_enc = time(iters, || {
            black_box(crypto::seal_record(&key, &binding, &buf, &mut rng));
        });
        let sealed = crypto::seal_record(&key, &binding, &buf, &mut rng);
        let rec_dec = time(iters, || {
            black_box(crypto::open_record(&key, &binding, &sealed).expect("open"));
        });
        let raw_enc = time(iters, || {
            black_box(fixed::raw_aes_gcm_seal(&raw_key, &nonce, &buf));
        });
        let raw_ct = fixed::raw_aes_gcm_seal(&raw_key, &nonce, &buf);
        let raw_dec = time(iters, || {
            black_box(fixed::raw_aes_gcm_open(&raw_key, &nonce, &raw_ct).expect("open"));
        });
        println!(
            "{:>6} KiB  record encrypt {:>7.0} MB/s  raw AES-256-GCM encrypt {:>7.0} MB/s  (ratio {:.2})  |  record decrypt {:>7.0} MB/s  raw decrypt {:>7.0} MB/s  (ratio {:.2})",
            size / 1024,
            mbps(size, rec_enc),
            mbps(size, raw_enc),
            raw_enc.as_secs_f64() / rec_enc.as_secs_f64(),
            mbps(size, rec_dec),
            mbps(size, raw_dec),
            raw_dec.as_secs_f64() / rec_dec.as_secs_f64(),
        );
    }
}
