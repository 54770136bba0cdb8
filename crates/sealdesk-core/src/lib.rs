//! Sealdesk's domain core: the cryptography that makes need-to-know a matter
//! of keys, and the records and rules the rest of the app is built from.
//!
//! Architecture Invariant: this crate does no I/O. It reads no clock and draws
//! no randomness of its own: every function that needs time takes a
//! [`Timestamp`], and every function that needs randomness takes a
//! `&mut impl CryptoRngCore` and is named `make_*`/`seal_*`. Tests are
//! therefore deterministic, and the crate knows nothing of SQLite or Tauri.

pub mod crypto;
pub mod directory;
pub mod domain;
pub mod facts;
pub mod ledger;
pub mod pii;
pub mod secret;
pub mod time;

pub use rand_core::{CryptoRng, CryptoRngCore, RngCore};
pub use time::Timestamp;
