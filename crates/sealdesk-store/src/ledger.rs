//! Ledger rows and vault-wide secret wraps.

use crate::sql::p;

use crate::{Db, Result, StoreError, MAX_LEDGER_ENTRY};

/// A stored ledger row (see `sealdesk_core::ledger` for the format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub seq: i64,
    pub prev_hash: Vec<u8>,
    pub sealed: Vec<u8>,
    pub hash: Vec<u8>,
}

impl Db<'_> {
    /// The last entry's sequence number and hash.
    pub fn ledger_head(&self) -> Result<Option<(i64, Vec<u8>)>> {
        self.0.one(
            "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1",
            p![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    pub fn append_ledger(&self, row: &LedgerRow) -> Result<()> {
        if row.sealed.len() > MAX_LEDGER_ENTRY {
            return Err(StoreError::Sqlite(format!(
                "a ledger entry of {} bytes is over the {} KiB ceiling",
                row.sealed.len(),
                MAX_LEDGER_ENTRY >> 10
            )));
        }
        self.0
            .exec(
                "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)",
                p![row.seq, row.prev_hash, row.sealed, row.hash],
            )
            .map_err(|e| crate::rows::unique_as(e, "ledger sequence number"))?;
        Ok(())
    }

    /// Streams every row in sequence order without loading them all.
    pub fn for_each_ledger_row(&self, f: impl FnMut(LedgerRow)) -> Result<()> {
        self.for_each_ledger_row_after(i64::MIN, f)
    }

    /// Streams the rows after `seq`, in order. A row over
    /// [`MAX_LEDGER_ENTRY`] is `Corrupt`, found from its length alone.
    pub fn for_each_ledger_row_after(&self, seq: i64, mut f: impl FnMut(LedgerRow)) -> Result<()> {
        let max = i64::try_from(MAX_LEDGER_ENTRY).unwrap_or(i64::MAX);
        self.0.each(
            "SELECT seq, CASE WHEN length(prev_hash) <= 64 THEN prev_hash END,
                    CASE WHEN length(sealed) <= ?2 THEN sealed END,
                    CASE WHEN length(hash) <= 64 THEN hash END,
                    length(prev_hash) + length(sealed) + length(hash)
             FROM ledger WHERE seq > ?1 ORDER BY seq",
            p![seq, max],
            |r| {
                let seq: i64 = r.get(0)?;
                let (Some(prev_hash), Some(sealed), Some(hash)) = (
                    r.get::<Option<Vec<u8>>>(1)?,
                    r.get::<Option<Vec<u8>>>(2)?,
                    r.get::<Option<Vec<u8>>>(3)?,
                ) else {
                    let len: Option<i64> = r.get(4)?;
                    return Err(StoreError::Corrupt(format!(
                        "ledger entry {seq} is {} bytes, over the {} KiB any entry can be: the row was altered",
                        len.unwrap_or(0),
                        MAX_LEDGER_ENTRY >> 10
                    )));
                };
                f(LedgerRow {
                    seq,
                    prev_hash,
                    sealed,
                    hash,
                });
                Ok(())
            },
        )
    }

    /// How many entries there are, and the highest sequence number (equal
    /// when none is missing).
    pub fn ledger_count(&self) -> Result<(i64, i64)> {
        Ok(self
            .0
            .one(
                "SELECT count(*), coalesce(max(seq), 0) FROM ledger",
                p![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .unwrap_or((0, 0)))
    }

    /// The stored hash of one entry.
    pub fn ledger_hash_at(&self, seq: i64) -> Result<Option<Vec<u8>>> {
        self.0
            .one("SELECT hash FROM ledger WHERE seq = ?1", p![seq], |r| {
                r.get(0)
            })
    }

    pub fn secret_wrap(&self, secret: &str, recipient: &str) -> Result<Option<Vec<u8>>> {
        self.0.one(
            "SELECT wrapped FROM secret_wraps WHERE secret = ?1 AND recipient = ?2",
            p![secret, recipient],
            |r| r.get(0),
        )
    }

    pub fn put_secret_wrap(&self, secret: &str, recipient: &str, wrapped: &[u8]) -> Result<()> {
        self.0.exec(
            "INSERT INTO secret_wraps (secret, recipient, wrapped) VALUES (?1, ?2, ?3)
             ON CONFLICT(secret, recipient) DO UPDATE SET wrapped = excluded.wrapped",
            p![secret, recipient, wrapped],
        )?;
        Ok(())
    }

    pub fn secret_recipients(&self, secret: &str) -> Result<Vec<String>> {
        self.0.all(
            "SELECT recipient FROM secret_wraps WHERE secret = ?1 ORDER BY recipient",
            p![secret],
            |r| r.get(0),
        )
    }
}

impl Db<'_> {
    /// Drops every vault-wide secret wrapped to a recipient (their key pair
    /// was replaced).
    pub fn delete_secret_wraps_to(&self, recipient: &str) -> Result<usize> {
        self.0.exec(
            "DELETE FROM secret_wraps WHERE recipient = ?1",
            p![recipient],
        )
    }
}
