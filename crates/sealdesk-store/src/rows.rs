//! Typed rows and the queries over them.

use crate::sql::{p, Row};

use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    /// Comma-separated role names, as `RoleSet::to_list` writes them.
    pub roles: String,
    pub public_key: Vec<u8>,
    pub sealed_secret_key: Vec<u8>,
    pub disabled: bool,
    pub created_at: i64,
    pub failed_logins: i64,
    pub last_failed_at: Option<i64>,
}

impl UserRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            name: r.get(1)?,
            unit: r.get(2)?,
            roles: r.get(3)?,
            public_key: r.get(4)?,
            sealed_secret_key: r.get(5)?,
            disabled: r.get(6)?,
            created_at: r.get(7)?,
            failed_logins: r.get(8)?,
            last_failed_at: r.get(9)?,
        })
    }
}

const USER_COLS: &str = "id, name, unit, roles, public_key, sealed_secret_key, disabled, created_at, failed_logins, last_failed_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterRow {
    pub id: String,
    pub receipt_no: String,
    pub level: String,
    pub category: String,
    pub registered_by: String,
    pub registered_at: i64,
}

impl LetterRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            receipt_no: r.get(1)?,
            level: r.get(2)?,
            category: r.get(3)?,
            registered_by: r.get(4)?,
            registered_at: r.get(5)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKeyRow {
    pub id: String,
    pub letter_id: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: String,
    pub key_id: String,
    pub purpose: String,
    pub sealed: Vec<u8>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapRow {
    pub key_id: String,
    pub recipient: String,
    pub wrapped: Vec<u8>,
}

/// A unique key's violation, named for people.
pub(crate) fn unique_as(e: StoreError, what: &'static str) -> StoreError {
    match e {
        StoreError::Duplicate(_) => StoreError::Duplicate(what),
        other => other,
    }
}

impl Db<'_> {
    // ------------------------------------------------------------ users

    pub fn insert_user(&self, u: &UserRow) -> Result<()> {
        self.0
            .exec(
                &format!("INSERT INTO users ({USER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                p![
                    u.id,
                    u.name,
                    u.unit,
                    u.roles,
                    u.public_key,
                    u.sealed_secret_key,
                    u.disabled,
                    u.created_at,
                    u.failed_logins,
                    u.last_failed_at
                ],
            )
            .map_err(|e| unique_as(e, "user name"))?;
        Ok(())
    }

    pub fn user_by_name(&self, name: &str) -> Result<Option<UserRow>> {
        self.0.one(
            &format!("SELECT {USER_COLS} FROM users WHERE name = ?1"),
            p![name],
            UserRow::from_row,
        )
    }

    pub fn user_by_id(&self, id: &str) -> Result<Option<UserRow>> {
        self.0.one(
            &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
            p![id],
            UserRow::from_row,
        )
    }

    pub fn list_users(&self) -> Result<Vec<UserRow>> {
        self.0.all(
            &format!("SELECT {USER_COLS} FROM users ORDER BY name"),
            p![],
            UserRow::from_row,
        )
    }

    pub fn set_user_roles(&self, id: &str, roles: &str, unit: Option<&str>) -> Result<()> {
        self.0.exec(
            "UPDATE users SET roles = ?2, unit = ?3 WHERE id = ?1",
            p![id, roles, unit],
        )?;
        Ok(())
    }

    pub fn set_user_disabled(&self, id: &str, disabled: bool) -> Result<()> {
        self.0.exec(
            "UPDATE users SET disabled = ?2 WHERE id = ?1",
            p![id, disabled],
        )?;
        Ok(())
    }

    /// Replaces a user's key pair (admin reset) or only the sealed private
    /// key (passphrase change, same public key).
    pub fn set_user_keys(
        &self,
        id: &str,
        public_key: &[u8],
        sealed_secret_key: &[u8],
    ) -> Result<()> {
        self.0.exec(
            "UPDATE users SET public_key = ?2, sealed_secret_key = ?3 WHERE id = ?1",
            p![id, public_key, sealed_secret_key],
        )?;
        Ok(())
    }

    /// Keeps a wrong-passphrase attempt on an account: one row per attempt,
    /// and the account's running count.
    /// Counts a login attempt as a failure; returns the kept attempt's id
    /// (for [`Db::take_back_login_failure`] when the passphrase was right).
    pub fn record_login_failure(&self, user_id: &str, at: i64) -> Result<i64> {
        let id: i64 = self
            .0
            .one(
                "INSERT INTO login_failures (user_id, at) VALUES (?1, ?2) RETURNING id",
                p![user_id, at],
                |r| r.get(0),
            )?
            .ok_or_else(|| StoreError::Sqlite("no id for a kept login failure".into()))?;
        self.0.exec(
            "UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = ?2 WHERE id = ?1",
            p![user_id, at],
        )?;
        Ok(id)
    }

    /// The consecutive failures and the last failure's time of an account,
    /// as stored now (read inside the write that decides on an attempt).
    pub fn login_failure_state(&self, user_id: &str) -> Result<(i64, Option<i64>)> {
        Ok(self
            .0
            .one(
                "SELECT failed_logins, last_failed_at FROM users WHERE id = ?1",
                p![user_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .unwrap_or((0, None)))
    }

    /// A counted attempt whose passphrase was right: it was no failure, and
    /// the consecutive failures end.
    pub fn take_back_login_failure(&self, user_id: &str, attempt: i64) -> Result<()> {
        self.0.exec(
            "DELETE FROM login_failures WHERE id = ?1 AND user_id = ?2",
            p![attempt, user_id],
        )?;
        self.reset_login_failures(user_id)
    }

    /// Counts a wrong attempt on a name that is no account, in its bucket.
    pub fn record_unknown_failure(&self, bucket: u16, at: i64) -> Result<()> {
        self.0.exec(
            "INSERT INTO login_throttle (bucket, failures, last_failed_at) VALUES (?1, 1, ?2)
             ON CONFLICT(bucket) DO UPDATE SET failures = login_throttle.failures + 1, last_failed_at = excluded.last_failed_at",
            p![bucket, at],
        )?;
        Ok(())
    }

    /// The failures and last failure time of a bucket of unknown names.
    pub fn unknown_failures(&self, bucket: u16) -> Result<Option<(i64, i64)>> {
        self.0.one(
            "SELECT failures, last_failed_at FROM login_throttle WHERE bucket = ?1",
            p![bucket],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    pub fn reset_login_failures(&self, user_id: &str) -> Result<()> {
        self.0.exec(
            "UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE id = ?1",
            p![user_id],
        )?;
        Ok(())
    }

    pub fn login_failures_of(&self, user_id: &str) -> Result<Vec<i64>> {
        self.0.all(
            "SELECT at FROM login_failures WHERE user_id = ?1 ORDER BY id",
            p![user_id],
            |r| r.get(0),
        )
    }

    // ------------------------------------------------------------ letters

    pub fn insert_letter(&self, l: &LetterRow) -> Result<()> {
        self.0
            .exec(
                "INSERT INTO letters (id, receipt_no, level, category, registered_by, registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                p![l.id, l.receipt_no, l.level, l.category, l.registered_by, l.registered_at],
            )
            .map_err(|e| unique_as(e, "receipt number"))?;
        Ok(())
    }

    pub fn letter(&self, id: &str) -> Result<Option<LetterRow>> {
        self.0.one(
            "SELECT id, receipt_no, level, category, registered_by, registered_at
                 FROM letters WHERE id = ?1 OR receipt_no = ?1",
            p![id],
            LetterRow::from_row,
        )
    }

    pub fn list_letters(&self) -> Result<Vec<LetterRow>> {
        self.0.all(
            "SELECT id, receipt_no, level, category, registered_by, registered_at
             FROM letters ORDER BY registered_at, receipt_no",
            p![],
            LetterRow::from_row,
        )
    }

    /// The highest serial given in a receipt-number series (0 for none):
    /// the next letter takes the one after it. The highest, not a count, so
    /// that a row taken out of the file never makes a number come twice.
    pub fn last_serial_with_prefix(&self, prefix: &str) -> Result<i64> {
        let last: Option<i64> = self
            .0
            .one(
                "SELECT max(CAST(substr(receipt_no, length(CAST(?1 AS TEXT)) + 1) AS BIGINT)) FROM letters
                 WHERE substr(receipt_no, 1, length(CAST(?1 AS TEXT))) = CAST(?1 AS TEXT)",
                p![prefix],
                |r| r.get(0),
            )?
            .flatten();
        Ok(last.unwrap_or(0))
    }

    // ------------------------------------------------------------ keys and records

    pub fn insert_data_key(&self, k: &DataKeyRow) -> Result<()> {
        self.0.exec(
            "INSERT INTO data_keys (id, letter_id, purpose) VALUES (?1, ?2, ?3)",
            p![k.id, k.letter_id, k.purpose],
        )?;
        Ok(())
    }

    pub fn data_key_of(&self, letter_id: &str, purpose: &str) -> Result<Option<DataKeyRow>> {
        self.0.one(
            "SELECT id, letter_id, purpose FROM data_keys WHERE letter_id = ?1 AND purpose = ?2",
            p![letter_id, purpose],
            |r| {
                Ok(DataKeyRow {
                    id: r.get(0)?,
                    letter_id: r.get(1)?,
                    purpose: r.get(2)?,
                })
            },
        )
    }

    pub fn list_data_keys(&self) -> Result<Vec<DataKeyRow>> {
        self.0.all(
            "SELECT id, letter_id, purpose FROM data_keys ORDER BY id",
            p![],
            |r| {
                Ok(DataKeyRow {
                    id: r.get(0)?,
                    letter_id: r.get(1)?,
                    purpose: r.get(2)?,
                })
            },
        )
    }

    pub fn insert_wrap(&self, w: &WrapRow, at: i64) -> Result<()> {
        self.0.exec(
            "INSERT INTO key_wraps (key_id, recipient, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key_id, recipient) DO UPDATE SET wrapped = excluded.wrapped, created_at = excluded.created_at",
            p![w.key_id, w.recipient, w.wrapped, at],
        )?;
        Ok(())
    }

    pub fn wrap_for(&self, key_id: &str, recipient: &str) -> Result<Option<Vec<u8>>> {
        self.0.one(
            "SELECT wrapped FROM key_wraps WHERE key_id = ?1 AND recipient = ?2",
            p![key_id, recipient],
            |r| r.get(0),
        )
    }

    /// The ids of the keys wrapped to a recipient.
    pub fn keys_wrapped_to(&self, recipient: &str) -> Result<Vec<String>> {
        self.0.all(
            "SELECT key_id FROM key_wraps WHERE recipient = ?1",
            p![recipient],
            |r| r.get(0),
        )
    }

    pub fn recipients_of(&self, key_id: &str) -> Result<Vec<String>> {
        self.0.all(
            "SELECT recipient FROM key_wraps WHERE key_id = ?1 ORDER BY recipient",
            p![key_id],
            |r| r.get(0),
        )
    }

    /// Deletes every wrap to a recipient (their key pair was replaced, so the
    /// old wraps can never open again).
    pub fn delete_wraps_to(&self, recipient: &str) -> Result<usize> {
        self.0
            .exec("DELETE FROM key_wraps WHERE recipient = ?1", p![recipient])
    }

    pub fn insert_record(&self, r: &RecordRow) -> Result<()> {
        self.0.exec(
            "INSERT INTO records (id, key_id, purpose, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            p![r.id, r.key_id, r.purpose, r.sealed, r.created_at],
        )?;
        Ok(())
    }

    pub fn record_of(&self, key_id: &str, purpose: &str) -> Result<Option<RecordRow>> {
        self
            .0
            .one(
                "SELECT id, key_id, purpose, sealed, created_at FROM records WHERE key_id = ?1 AND purpose = ?2",
                p![key_id, purpose],
                |r| {
                    Ok(RecordRow {
                        id: r.get(0)?,
                        key_id: r.get(1)?,
                        purpose: r.get(2)?,
                        sealed: r.get(3)?,
                        created_at: r.get(4)?,
                    })
                },
            )
    }

    pub fn records_under(&self, key_id: &str) -> Result<Vec<RecordRow>> {
        self.0.all(
            "SELECT id, key_id, purpose, sealed, created_at FROM records WHERE key_id = ?1 ORDER BY id",
        p![key_id], |r| {
            Ok(RecordRow {
                id: r.get(0)?,
                key_id: r.get(1)?,
                purpose: r.get(2)?,
                sealed: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
    }
}
