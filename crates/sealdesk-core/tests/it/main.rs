//! Integration tests of the domain core: one binary, a module per area.

mod crypto;
mod golden;
mod ledger;
mod pii;
mod pii_written;
mod rules;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}
