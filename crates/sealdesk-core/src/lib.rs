//! Sealdesk's domain core: the cryptography that makes need-to-know a matter
//! of keys, and the records and rules the rest of the app is built from.
//!
//! Architecture Invariant: this crate does no I/O. It reads no clock and draws
//! no randomness of its own: every function that needs time takes a
//! [`Timestamp`], and every function that needs randomness takes a
//! `&mut impl CryptoRngCore` and is named `make_*`/`seal_*`. Tests are
//! therefore deterministic, and the crate knows nothing of SQLite or Tauri.

/// The closed sets of the domain (ledger actions, outcomes, request kinds
/// and states …) show as, and compare with, their stored string forms
/// (reports and tests that read an export match on them).
macro_rules! str_forms {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )*};
}

pub mod audit;
pub mod crypto;
pub mod date;
pub mod directory;
pub mod domain;
pub mod facts;
pub mod ledger;
pub mod life;
pub mod pii;
pub mod secret;
pub mod time;

pub use rand_core::{CryptoRng, CryptoRngCore, RngCore};
pub use time::Timestamp;
