//! Moving a vault between stores (`sealdesk vault migrate`): every row of
//! every table, sealed bytes as they are, into a new empty store in one
//! transaction; then both sides counted.

use crate::sql::{Param, Val};
use crate::{Backend, Result, Store, StoreError};

/// Each table and its columns, parents before children (foreign keys).
const TABLES: &[(&str, &str)] = &[
    ("meta", "key, value"),
    ("users", "id, name, unit, roles, public_key, sealed_secret_key, disabled, created_at, failed_logins, last_failed_at"),
    ("letters", "id, receipt_no, level, category, registered_by, registered_at"),
    ("data_keys", "id, letter_id, purpose"),
    ("key_wraps", "key_id, recipient, wrapped, created_at"),
    ("records", "id, key_id, purpose, sealed, created_at"),
    ("ledger", "seq, prev_hash, sealed, hash"),
    ("secret_wraps", "secret, recipient, wrapped"),
    ("inquiries", "id, letter_id, unit, asked_by, asked_at, answer, answered_by, answered_at"),
    ("inquiry_slips", "inquiry_id, sealed"),
    ("requests", "id, kind, letter_id, unit, handler, requested_by, requested_at, until, status, decided_by, decided_at, sealed, approval"),
    ("grant_layers", "request_id, supervisor, wrapped"),
    ("assignments", "id, kind, letter_id, key_id, handler, unit, request_id, starts_at, until, ended_at, end_reason, affirmed_at, signature"),
    ("login_failures", "id, user_id, at"),
    ("login_throttle", "bucket, failures, last_failed_at"),
    ("copies", "id, letter_id, request_id, copy_no, kind, format, recipient, made_by, approved_by, made_at, pages, code, signature"),
];

/// The rows of each table, in [`TABLES`] order.
pub fn table_counts(store: &Store) -> Result<Vec<(String, i64)>> {
    store.read(|db| {
        TABLES
            .iter()
            .map(|(t, _)| {
                let n: i64 =
                    db.0.one(&format!("SELECT count(*) FROM {t}"), &[], |r| r.get(0))?
                        .unwrap_or(0);
                Ok(((*t).to_owned(), n))
            })
            .collect()
    })
}

/// Copies every row of `from` into `to`, which must be new and empty, in
/// one transaction of `to`'s; returns the rows copied per table.
pub fn copy_vault(from: &Store, to: &mut Store) -> Result<Vec<(String, i64)>> {
    if table_counts(to)?.iter().any(|(_, n)| *n > 0) {
        return Err(StoreError::AlreadyExists(to.dir().to_owned()));
    }
    let target = to.backend();
    to.write(|tdb| {
        let mut copied = Vec::new();
        for (table, cols) in TABLES {
            let n_cols = cols.split(',').count();
            let marks: Vec<String> = (1..=n_cols).map(|i| format!("?{i}")).collect();
            let insert = format!("INSERT INTO {table} ({cols}) VALUES ({})", marks.join(", "));
            let mut n = 0i64;
            from.read(|fdb| {
                fdb.0.each(
                    &format!("SELECT {cols} FROM {table} ORDER BY 1"),
                    &[],
                    |row| {
                        let params: Vec<Param<'_>> = row
                            .0
                            .iter()
                            .map(|v| match v {
                                Val::Null => Param::Null,
                                Val::Int(i) => Param::Int(*i),
                                Val::Text(s) => Param::Text(s),
                                Val::Blob(b) => Param::Blob(b),
                            })
                            .collect();
                        tdb.0.exec(&insert, &params)?;
                        n += 1;
                        Ok(())
                    },
                )
            })?;
            copied.push(((*table).to_owned(), n));
        }
        if target == Backend::Postgres {
            // The copied ids were given by the other store: the server's
            // own counter goes on after them.
            tdb.0.exec(
                "SELECT setval(pg_get_serial_sequence('login_failures', 'id'),
                               coalesce(max(id), 0) + 1, false) FROM login_failures",
                &[],
            )?;
        }
        Ok(copied)
    })
}
