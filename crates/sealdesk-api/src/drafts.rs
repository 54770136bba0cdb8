//! The drafts a desk holds: letters read but not yet registered, their
//! bytes and text in memory only. At a lock (idle or
//! on demand) each of the clerk's open drafts is sealed under a fresh data
//! key wrapped to the clerk's own public key, and the plaintext is wiped;
//! only that clerk's next login (their passphrase opens their key) opens it
//! again. Nothing of it touches disk; a process that ends loses it.

use std::collections::HashMap;

use sealdesk_core::crypto::{self, DataKey, RecordBinding, UserSecretKey, WrapBinding};
use sealdesk_intake::Extracted;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::Vault;

const DRAFT_PURPOSE: &str = "draft";
const ORIGINAL_PURPOSE: &str = "draft-original";

/// What the vault keeps of a draft: the bytes and their extraction, wiped
/// on drop.
pub(crate) struct DraftEntry {
    pub(crate) owner: String,
    pub(crate) original: Vec<u8>,
    pub(crate) ex: Extracted,
    pub(crate) file_name: String,
}

impl Drop for DraftEntry {
    fn drop(&mut self) {
        self.original.zeroize();
        self.ex.text.zeroize();
    }
}

/// The open drafts, by id, and those sealed at a lock. `Debug` names only how many.
#[derive(Default)]
pub(crate) struct Drafts {
    pub(crate) open: HashMap<String, DraftEntry>,
    pub(crate) sealed: Vec<SealedDraft>,
}

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Drafts({} open, {} sealed)",
            self.open.len(),
            self.sealed.len()
        )
    }
}

/// A draft sealed to its clerk while they are locked out.
pub(crate) struct SealedDraft {
    id: String,
    owner: String,
    wrapped: Vec<u8>,
    sealed: Vec<u8>,
    original: Vec<u8>,
}

/// A draft's extraction and name, sealed as JSON; its original bytes are
/// sealed apart, as they are (a JSON array of numbers would be four times
/// the file).
#[derive(Serialize, Deserialize)]
struct Kept {
    ex: Extracted,
    file_name: String,
}

impl Vault {
    /// Seals every open draft of `user_id` to their own key, wiping the
    /// plaintext (at a lock).
    pub(crate) fn seal_drafts_of(&mut self, user_id: &str, own: &UserSecretKey) {
        let ids: Vec<String> = self
            .drafts
            .open
            .iter()
            .filter(|(_, d)| d.owner == user_id)
            .map(|(id, _)| id.clone())
            .collect();
        let public = own.public_key();
        for id in ids {
            let Some(mut entry) = self.drafts.open.remove(&id) else {
                continue;
            };
            let mut original = std::mem::take(&mut entry.original);
            let kept = Kept {
                ex: std::mem::replace(
                    &mut entry.ex,
                    Extracted::empty(sealdesk_intake::SourceKind::Text, ""),
                ),
                file_name: entry.file_name.clone(),
            };
            let mut json = match serde_json::to_vec(&kept) {
                Ok(j) => j,
                Err(e) => {
                    tracing::warn!(error = %e, "a draft could not be kept across the lock");
                    wipe(kept);
                    original.zeroize();
                    continue;
                }
            };
            wipe(kept);
            let key = DataKey::make(&mut self.rng);
            let sealed = crypto::seal_record(
                &key,
                &RecordBinding {
                    record_id: &id,
                    purpose: DRAFT_PURPOSE,
                },
                &json,
                &mut self.rng,
            );
            json.zeroize();
            let sealed_original = crypto::seal_record(
                &key,
                &RecordBinding {
                    record_id: &id,
                    purpose: ORIGINAL_PURPOSE,
                },
                &original,
                &mut self.rng,
            );
            original.zeroize();
            let wrapped = crypto::wrap_data_key(
                &public,
                &WrapBinding {
                    record_id: &id,
                    purpose: DRAFT_PURPOSE,
                },
                &key,
                &mut self.rng,
            );
            self.drafts.sealed.push(SealedDraft {
                id,
                owner: user_id.to_owned(),
                wrapped,
                sealed,
                original: sealed_original,
            });
        }
    }

    /// Opens the drafts sealed to `user_id` at their last lock (at their
    /// login). One that does not open is dropped, never shown.
    pub(crate) fn restore_drafts_of(&mut self, user_id: &str, own: &UserSecretKey) {
        let (mine, others): (Vec<SealedDraft>, Vec<SealedDraft>) =
            std::mem::take(&mut self.drafts.sealed)
                .into_iter()
                .partition(|d| d.owner == user_id);
        self.drafts.sealed = others;
        for d in mine {
            let opened = crypto::unwrap_data_key(
                own,
                &WrapBinding {
                    record_id: &d.id,
                    purpose: DRAFT_PURPOSE,
                },
                &d.wrapped,
            )
            .and_then(|key| {
                let open = |purpose: &str, sealed: &[u8]| {
                    crypto::open_record(
                        &key,
                        &RecordBinding {
                            record_id: &d.id,
                            purpose,
                        },
                        sealed,
                    )
                };
                Ok((
                    open(DRAFT_PURPOSE, &d.sealed)?,
                    open(ORIGINAL_PURPOSE, &d.original)?,
                ))
            });
            let kept: Option<(Kept, Vec<u8>)> = opened.ok().and_then(|(json, original)| {
                serde_json::from_slice(json.expose())
                    .ok()
                    .map(|k| (k, original.expose().to_vec()))
            });
            match kept {
                Some((k, original)) => {
                    self.drafts.open.insert(
                        d.id,
                        DraftEntry {
                            owner: d.owner,
                            original,
                            ex: k.ex,
                            file_name: k.file_name,
                        },
                    );
                }
                None => tracing::warn!("a draft kept across a lock did not open; dropped"),
            }
        }
    }
}

fn wipe(mut kept: Kept) {
    kept.ex.text.zeroize();
}
