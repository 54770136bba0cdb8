//! The two stores' common ground: one way to run a statement on SQLite or
//! on PostgreSQL, so every query in this crate is written once.
//!
//! Queries are written in the SQL both servers read (`?N` placeholders,
//! `ON CONFLICT … DO UPDATE`, `RETURNING`); for PostgreSQL `?N` becomes `$N`
//! and statements are prepared once per connection. Values cross as
//! [`Param`] (borrowed, so a sealed original is not copied) and come back
//! as [`Val`]; a stored value of the wrong type is `Corrupt`, as it is
//! only there if someone wrote the database by hand.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::{Result, StoreError};

/// A statement parameter, borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What can be bound as a parameter.
pub(crate) trait AsParam {
    fn param(&self) -> Param<'_>;
}

impl AsParam for i64 {
    fn param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}
impl AsParam for u16 {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl AsParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl AsParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl AsParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl AsParam for [u8] {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl AsParam for Vec<u8> {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl<T: AsParam + ?Sized> AsParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}
impl<T: AsParam> AsParam for Option<T> {
    fn param(&self) -> Param<'_> {
        match self {
            Some(v) => v.param(),
            None => Param::Null,
        }
    }
}

/// `p![a, b, c]`: the parameters of one statement.
macro_rules! p {
    ($($x:expr),* $(,)?) => {
        &[$($crate::sql::AsParam::param(&$x)),*][..]
    };
}
pub(crate) use p;

/// A value read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// One result row.
#[derive(Debug)]
pub(crate) struct Row(pub(crate) Vec<Val>);

impl Row {
    pub(crate) fn get<T: FromVal>(&self, i: usize) -> Result<T> {
        let v = self.0.get(i).unwrap_or(&Val::Null);
        T::from_val(v).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "a stored value has the wrong type (column {i}, found {}): the vault was altered",
                match v {
                    Val::Null => "NULL",
                    Val::Int(_) => "an integer",
                    Val::Text(_) => "text",
                    Val::Blob(_) => "bytes",
                }
            ))
        })
    }
}

pub(crate) trait FromVal: Sized {
    fn from_val(v: &Val) -> Option<Self>;
}
impl FromVal for i64 {
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromVal for bool {
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
impl FromVal for String {
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromVal for Vec<u8> {
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromVal> FromVal for Option<T> {
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::Null => Some(None),
            v => T::from_val(v).map(Some),
        }
    }
}

/// A connection inside a read or a write.
pub(crate) enum Conn<'c> {
    Lite(&'c rusqlite::Connection),
    Pg {
        tx: RefCell<PgConn<'c>>,
        cache: &'c RefCell<HashMap<String, postgres::Statement>>,
    },
}

/// A server connection inside a write transaction, or outside any for a
/// read (each statement then reads what is committed when it runs, as
/// SQLite's reads here do; a transaction would cost two more round trips
/// per read).
pub(crate) enum PgConn<'c> {
    Tx(postgres::Transaction<'c>),
    Client(&'c mut postgres::Client),
}

impl PgConn<'_> {
    fn prepare(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error> {
        match self {
            PgConn::Tx(t) => t.prepare(sql),
            PgConn::Client(c) => c.prepare(sql),
        }
    }

    fn execute(
        &mut self,
        st: &postgres::Statement,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error> {
        match self {
            PgConn::Tx(t) => t.execute(st, params),
            PgConn::Client(c) => c.execute(st, params),
        }
    }

    fn query_raw<'a>(
        &'a mut self,
        st: &postgres::Statement,
        params: Vec<&'a (dyn postgres::types::ToSql + Sync)>,
    ) -> std::result::Result<postgres::RowIter<'a>, postgres::Error> {
        match self {
            PgConn::Tx(t) => t.query_raw(st, params),
            PgConn::Client(c) => c.query_raw(st, params),
        }
    }
}

impl std::fmt::Debug for Conn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Conn::Lite(_) => "Conn::Sqlite",
            Conn::Pg { .. } => "Conn::Postgres",
        })
    }
}

impl Conn<'_> {
    /// Runs a statement; the rows it changed.
    pub(crate) fn exec(&self, sql: &str, params: &[Param<'_>]) -> Result<usize> {
        match self {
            Conn::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))?)
            }
            Conn::Pg { tx, cache } => {
                let mut tx = tx.borrow_mut();
                let st = pg_statement(&mut tx, cache, sql)?;
                let refs = pg_params(params);
                let n = tx.execute(&st, &refs).map_err(crate::pg::error)?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// Streams every row of a query to `f`, without holding them all.
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut f: impl FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Conn::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(r) = rows.next()? {
                    let mut vals = Vec::with_capacity(n);
                    for i in 0..n {
                        vals.push(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Val::Null,
                            rusqlite::types::ValueRef::Integer(i) => Val::Int(i),
                            rusqlite::types::ValueRef::Text(t) => {
                                Val::Text(String::from_utf8(t.to_vec()).map_err(|_| {
                                    StoreError::Corrupt(
                                        "a stored text is not UTF-8: the vault was altered".into(),
                                    )
                                })?)
                            }
                            rusqlite::types::ValueRef::Blob(b) => Val::Blob(b.to_vec()),
                            rusqlite::types::ValueRef::Real(_) => {
                                return Err(StoreError::Corrupt(
                                    "a stored value is a real number, which Sealdesk never writes: the vault was altered"
                                        .into(),
                                ))
                            }
                        });
                    }
                    f(Row(vals))?;
                }
                Ok(())
            }
            Conn::Pg { tx, cache } => {
                let mut tx = tx.borrow_mut();
                let st = pg_statement(&mut tx, cache, sql)?;
                let refs = pg_params(params);
                let it = tx.query_raw(&st, refs).map_err(crate::pg::error)?;
                use postgres::fallible_iterator::FallibleIterator;
                let mut it = it;
                while let Some(r) = it.next().map_err(crate::pg::error)? {
                    f(crate::pg::row(&r)?)?;
                }
                Ok(())
            }
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut first = None;
        self.each(sql, params, |r| {
            if first.is_none() {
                first = Some(r);
            }
            Ok(())
        })?;
        first.as_ref().map(map).transpose()
    }

    /// Every row of a query, mapped.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(map(&r)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// `?N` placeholders as PostgreSQL's `$N` (the queries here hold no `?` in
/// a string literal).
pub(crate) fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn pg_statement(
    tx: &mut PgConn<'_>,
    cache: &RefCell<HashMap<String, postgres::Statement>>,
    sql: &str,
) -> Result<postgres::Statement> {
    if let Some(st) = cache.borrow().get(sql) {
        return Ok(st.clone());
    }
    let st = tx.prepare(&pg_sql(sql)).map_err(crate::pg::error)?;
    cache.borrow_mut().insert(sql.to_owned(), st.clone());
    Ok(st)
}

fn pg_params<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            pg_sql("SELECT a FROM t WHERE b = ?1 AND c = ?12 OR d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 OR d = '?'"
        );
    }
}
