//! Rows of need-to-know routing: inquiries, requests, grant layers and
//! assignments.

use crate::sql::{p, Row};

use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryRow {
    pub id: String,
    pub letter_id: String,
    pub unit: String,
    pub asked_by: String,
    pub asked_at: i64,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
}

impl InquiryRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            letter_id: r.get(1)?,
            unit: r.get(2)?,
            asked_by: r.get(3)?,
            asked_at: r.get(4)?,
            answer: r.get(5)?,
            answered_by: r.get(6)?,
            answered_at: r.get(7)?,
        })
    }
}

const INQ: &str = "id, letter_id, unit, asked_by, asked_at, answer, answered_by, answered_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: String,
    pub kind: String,
    pub letter_id: String,
    pub unit: String,
    pub handler: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub until: i64,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// The reason and decision, sealed under the request's own key.
    pub sealed: Vec<u8>,
}

impl RequestRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            kind: r.get(1)?,
            letter_id: r.get(2)?,
            unit: r.get(3)?,
            handler: r.get(4)?,
            requested_by: r.get(5)?,
            requested_at: r.get(6)?,
            until: r.get(7)?,
            status: r.get(8)?,
            decided_by: r.get(9)?,
            decided_at: r.get(10)?,
            sealed: r.get(11)?,
        })
    }
}

const REQ: &str = "id, kind, letter_id, unit, handler, requested_by, requested_at, until, status, decided_by, decided_at, sealed";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub id: String,
    pub kind: String,
    pub letter_id: String,
    pub key_id: String,
    pub handler: String,
    pub unit: String,
    pub request_id: String,
    pub starts_at: i64,
    pub until: i64,
    pub ended_at: Option<i64>,
    pub end_reason: Option<String>,
    pub affirmed_at: Option<i64>,
    /// The approving supervisor's signature over the assignment.
    pub signature: Vec<u8>,
}

impl AssignmentRow {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            kind: r.get(1)?,
            letter_id: r.get(2)?,
            key_id: r.get(3)?,
            handler: r.get(4)?,
            unit: r.get(5)?,
            request_id: r.get(6)?,
            starts_at: r.get(7)?,
            until: r.get(8)?,
            ended_at: r.get(9)?,
            end_reason: r.get(10)?,
            affirmed_at: r.get(11)?,
            signature: r.get(12)?,
        })
    }
}

const ASG: &str = "id, kind, letter_id, key_id, handler, unit, request_id, starts_at, until, ended_at, end_reason, affirmed_at, signature";

impl Db<'_> {
    pub fn insert_inquiry(&self, q: &InquiryRow, sealed_slip: &[u8]) -> Result<()> {
        self.0.exec(
            &format!("INSERT INTO inquiries ({INQ}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            p![
                q.id,
                q.letter_id,
                q.unit,
                q.asked_by,
                q.asked_at,
                q.answer,
                q.answered_by,
                q.answered_at
            ],
        )?;
        self.0.exec(
            "INSERT INTO inquiry_slips (inquiry_id, sealed) VALUES (?1, ?2)",
            p![q.id, sealed_slip],
        )?;
        Ok(())
    }

    pub fn inquiry(&self, id: &str) -> Result<Option<InquiryRow>> {
        self.0.one(
            &format!("SELECT {INQ} FROM inquiries WHERE id = ?1"),
            p![id],
            InquiryRow::from_row,
        )
    }

    pub fn inquiry_slip(&self, id: &str) -> Result<Option<Vec<u8>>> {
        self.0.one(
            "SELECT sealed FROM inquiry_slips WHERE inquiry_id = ?1",
            p![id],
            |r| r.get(0),
        )
    }

    pub fn inquiries_for_unit(&self, unit: &str) -> Result<Vec<InquiryRow>> {
        self.0.all(
            &format!("SELECT {INQ} FROM inquiries WHERE unit = ?1 ORDER BY asked_at, id"),
            p![unit],
            InquiryRow::from_row,
        )
    }

    pub fn inquiries_asked_by(&self, user: &str) -> Result<Vec<InquiryRow>> {
        self.0.all(
            &format!("SELECT {INQ} FROM inquiries WHERE asked_by = ?1 ORDER BY asked_at, id"),
            p![user],
            InquiryRow::from_row,
        )
    }

    pub fn inquiries_of_letter(&self, letter_id: &str) -> Result<Vec<InquiryRow>> {
        self.0.all(
            &format!("SELECT {INQ} FROM inquiries WHERE letter_id = ?1 ORDER BY asked_at, id"),
            p![letter_id],
            InquiryRow::from_row,
        )
    }

    pub fn answer_inquiry(&self, id: &str, answer: &str, by: &str, at: i64) -> Result<()> {
        self.0.exec(
            "UPDATE inquiries SET answer = ?2, answered_by = ?3, answered_at = ?4 WHERE id = ?1",
            p![id, answer, by, at],
        )?;
        Ok(())
    }

    pub fn insert_request(&self, q: &RequestRow) -> Result<()> {
        self.0.exec(
            &format!("INSERT INTO requests ({REQ}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
            p![
                q.id, q.kind, q.letter_id, q.unit, q.handler, q.requested_by, q.requested_at, q.until, q.status,
                q.decided_by, q.decided_at, q.sealed
            ],
        )?;
        Ok(())
    }

    pub fn request(&self, id: &str) -> Result<Option<RequestRow>> {
        self.0.one(
            &format!("SELECT {REQ} FROM requests WHERE id = ?1"),
            p![id],
            RequestRow::from_row,
        )
    }

    pub fn requests_by(&self, user: &str) -> Result<Vec<RequestRow>> {
        self.0.all(
            &format!(
                "SELECT {REQ} FROM requests WHERE requested_by = ?1 ORDER BY requested_at, id"
            ),
            p![user],
            RequestRow::from_row,
        )
    }

    pub fn set_request_status(
        &self,
        id: &str,
        status: &str,
        by: Option<&str>,
        at: Option<i64>,
        sealed: Option<&[u8]>,
    ) -> Result<()> {
        self.0.exec(
            "UPDATE requests SET status = ?2, decided_by = coalesce(?3, decided_by), decided_at = coalesce(?4, decided_at), sealed = coalesce(?5, sealed) WHERE id = ?1",
            p![id, status, by, at, sealed],
        )?;
        Ok(())
    }

    pub fn put_grant_layer(
        &self,
        request_id: &str,
        supervisor: &str,
        wrapped: &[u8],
    ) -> Result<()> {
        self.0.exec(
            "INSERT INTO grant_layers (request_id, supervisor, wrapped) VALUES (?1, ?2, ?3)
             ON CONFLICT(request_id, supervisor) DO UPDATE SET wrapped = excluded.wrapped",
            p![request_id, supervisor, wrapped],
        )?;
        Ok(())
    }

    pub fn grant_layer(&self, request_id: &str, supervisor: &str) -> Result<Option<Vec<u8>>> {
        self.0.one(
            "SELECT wrapped FROM grant_layers WHERE request_id = ?1 AND supervisor = ?2",
            p![request_id, supervisor],
            |r| r.get(0),
        )
    }

    /// Every outer grant layer of a letter's requests, as (request id,
    /// supervisor, wrap): what a reader of the store finds of them.
    pub fn grant_layers_of_letter(
        &self,
        letter_id: &str,
    ) -> Result<Vec<(String, String, Vec<u8>)>> {
        self.0.all(
            "SELECT g.request_id, g.supervisor, g.wrapped FROM grant_layers g
             JOIN requests r ON r.id = g.request_id WHERE r.letter_id = ?1
             ORDER BY g.request_id, g.supervisor",
            p![letter_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Destroys every outer layer of a request (decided either way).
    pub fn delete_grant_layers(&self, request_id: &str) -> Result<usize> {
        self.0.exec(
            "DELETE FROM grant_layers WHERE request_id = ?1",
            p![request_id],
        )
    }

    pub fn insert_assignment(&self, a: &AssignmentRow) -> Result<()> {
        self.0.exec(
            &format!("INSERT INTO assignments ({ASG}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
            p![a.id, a.kind, a.letter_id, a.key_id, a.handler, a.unit, a.request_id, a.starts_at, a.until, a.ended_at, a.end_reason, a.affirmed_at, a.signature],
        )?;
        Ok(())
    }

    pub fn assignment(&self, id: &str) -> Result<Option<AssignmentRow>> {
        self.0.one(
            &format!("SELECT {ASG} FROM assignments WHERE id = ?1"),
            p![id],
            AssignmentRow::from_row,
        )
    }

    pub fn assignments_of(&self, handler: &str) -> Result<Vec<AssignmentRow>> {
        self.0.all(
            &format!("SELECT {ASG} FROM assignments WHERE handler = ?1 ORDER BY starts_at, id"),
            p![handler],
            AssignmentRow::from_row,
        )
    }

    pub fn end_assignment(&self, id: &str, at: i64, reason: &str) -> Result<()> {
        self.0.exec(
            "UPDATE assignments SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
            p![id, at, reason],
        )?;
        Ok(())
    }

    pub fn affirm_assignment(&self, id: &str, at: i64) -> Result<()> {
        self.0.exec(
            "UPDATE assignments SET affirmed_at = ?2 WHERE id = ?1",
            p![id, at],
        )?;
        Ok(())
    }

    /// Crypto-shredding of a letter: every wrap of its data keys of the
    /// given purposes (the recovery key's included), every record sealed
    /// under them and every grant layer of its requests. The key rows stay
    /// (they name what was there and hold nothing). With `secure_delete`,
    /// the freed pages are zeroed; the caller empties the WAL after.
    /// Returns (wraps, records, grant layers) removed.
    pub fn shred_letter_keys(
        &self,
        letter_id: &str,
        purposes: &[&str],
    ) -> Result<(usize, usize, usize)> {
        let mut wraps = 0;
        let mut records = 0;
        for purpose in purposes {
            let Some(key_id) = self.0.one(
                "SELECT id FROM data_keys WHERE letter_id = ?1 AND purpose = ?2",
                p![letter_id, purpose],
                |r| r.get::<String>(0),
            )?
            else {
                continue;
            };
            wraps += self
                .0
                .exec("DELETE FROM key_wraps WHERE key_id = ?1", p![&key_id])?;
            records += self
                .0
                .exec("DELETE FROM records WHERE key_id = ?1", p![&key_id])?;
        }
        let layers = self.0.exec(
            "DELETE FROM grant_layers WHERE request_id IN (SELECT id FROM requests WHERE letter_id = ?1)",
            p![letter_id],
        )?;
        Ok((wraps, records, layers))
    }

    pub fn delete_wrap(&self, key_id: &str, recipient: &str) -> Result<usize> {
        self.0.exec(
            "DELETE FROM key_wraps WHERE key_id = ?1 AND recipient = ?2",
            p![key_id, recipient],
        )
    }
}
