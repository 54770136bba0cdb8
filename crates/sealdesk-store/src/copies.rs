//! Rows of the copy register: each marked export or print made of a letter,
//! and the signed approval of the request it was made under.

use crate::sql::{p, Row};

use crate::{Db, Result};

/// One copy made of a letter (an exported file or a print), signed by the
/// person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRow {
    pub id: String,
    pub letter_id: String,
    pub request_id: String,
    /// 第N份, counted per letter from 1.
    pub copy_no: i64,
    /// `export` or `print`.
    pub kind: String,
    /// `pdf`, `png` or `print`.
    pub format: String,
    pub recipient: String,
    pub made_by: String,
    pub approved_by: String,
    pub made_at: i64,
    pub pages: i64,
    /// The mark's code on every page of this copy.
    pub code: String,
    pub signature: Vec<u8>,
}

impl CopyRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            letter_id: r.get(1)?,
            request_id: r.get(2)?,
            copy_no: r.get(3)?,
            kind: r.get(4)?,
            format: r.get(5)?,
            recipient: r.get(6)?,
            made_by: r.get(7)?,
            approved_by: r.get(8)?,
            made_at: r.get(9)?,
            pages: r.get(10)?,
            code: r.get(11)?,
            signature: r.get(12)?,
        })
    }
}

const COPY: &str = "id, letter_id, request_id, copy_no, kind, format, recipient, made_by, approved_by, made_at, pages, code, signature";

impl Db<'_> {
    pub fn insert_copy(&self, c: &CopyRow) -> Result<()> {
        self.0.exec(
            &format!(
                "INSERT INTO copies ({COPY}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ),
            p![
                c.id,
                c.letter_id,
                c.request_id,
                c.copy_no,
                c.kind,
                c.format,
                c.recipient,
                c.made_by,
                c.approved_by,
                c.made_at,
                c.pages,
                c.code,
                c.signature
            ],
        )?;
        Ok(())
    }

    pub fn copies_of_letter(&self, letter_id: &str) -> Result<Vec<CopyRow>> {
        self.0.all(
            &format!("SELECT {COPY} FROM copies WHERE letter_id = ?1 ORDER BY copy_no"),
            p![letter_id],
            CopyRow::from_row,
        )
    }

    pub fn copy_of_request(&self, request_id: &str) -> Result<Option<CopyRow>> {
        self.0.one(
            &format!("SELECT {COPY} FROM copies WHERE request_id = ?1"),
            p![request_id],
            CopyRow::from_row,
        )
    }

    /// Stores the deciding supervisor's signature over an export request's
    /// approval.
    pub fn set_request_approval(&self, request_id: &str, signature: &[u8]) -> Result<()> {
        self.0.exec(
            "UPDATE requests SET approval = ?2 WHERE id = ?1",
            p![request_id, signature],
        )?;
        Ok(())
    }

    pub fn request_approval(&self, request_id: &str) -> Result<Vec<u8>> {
        Ok(self
            .0
            .one(
                "SELECT approval FROM requests WHERE id = ?1",
                p![request_id],
                |r| r.get(0),
            )?
            .unwrap_or_default())
    }
}
