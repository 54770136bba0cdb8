//! Test helper for the SIGKILL test: logs in as `clerk` and opens one letter
//! in a loop, printing `ok SEQ HASH` after each open returned (so after its
//! ledger entry was committed): the ledger head it acknowledged, which must
//! still be there, unchanged, after any kill. Args: VAULT_DIR LETTER_ID;
//! passphrase in SEALDESK_PASSPHRASE.

use std::io::Write;
use std::sync::Arc;

use sealdesk_api::{os_seeded_rng, SystemClock, Vault};
use sealdesk_core::secret::Passphrase;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(letter)) = (args.next(), args.next()) else {
        eprintln!("usage: ledger_appender VAULT_DIR LETTER_ID");
        std::process::exit(1);
    };
    let pass = Passphrase::new(std::env::var("SEALDESK_PASSPHRASE").unwrap_or_default());
    let mut vault = match Vault::open(
        std::path::Path::new(&dir),
        Arc::new(SystemClock),
        os_seeded_rng(),
    ) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(2);
        }
    };
    let mut session = match vault.login("clerk", &pass) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("login: {e}");
            std::process::exit(2);
        }
    };
    let mut out = std::io::stdout().lock();
    for i in 0u64.. {
        match vault.open_letter(&mut session, &letter, "crash test") {
            Ok(_) => {
                let Ok(Some((seq, hash))) = vault.ledger_head() else {
                    eprintln!("open {i}: no ledger head after an acknowledged view");
                    std::process::exit(3);
                };
                let _ = writeln!(out, "ok {seq} {}", hex::encode(hash));
                let _ = out.flush();
            }
            Err(e) => {
                eprintln!("open: {e}");
                std::process::exit(3);
            }
        }
    }
}
