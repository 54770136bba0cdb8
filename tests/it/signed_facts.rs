//! T10, second round: every row the API acts on that grants, limits or
//! names is checked against a signed fact. Each test writes the SQLite file
//! directly, as a writer of the vault with `sqlite3` would (the row it
//! edits is named), then acts as the next person through the API: the
//! outcome is `integrity`, or exactly what it was without the edit — never
//! a new grant, a skipped step or a wrong name.

use sealdesk_api::{ApiError, CopyFormat, CopyKind, Ended, ErrorKind, NewUser, Role, Session};
use sealdesk_core::domain::RoleSet;

use crate::{pass, raw, user_id, World};

fn refused<T: std::fmt::Debug>(r: Result<T, ApiError>, what: &str) -> ApiError {
    match r {
        Err(e) => e,
        Ok(v) => panic!("{what}: expected a refusal, got {v:?}"),
    }
}

/// A letter routed to `handler` and approved; the handler's session.
fn assigned(w: &mut World) -> (String, String, Session) {
    let id = w.register("請查明本案相關資料並回覆。");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    let a = w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    let h = w.login("handler");
    (id, a.id, h)
}

fn add_handler(w: &mut World, name: &str) {
    let mut admin = w.login("admin");
    w.vault
        .add_user(
            &mut admin,
            &NewUser {
                name: name.into(),
                roles: RoleSet::new([Role::Handler]).expect("roles"),
                unit: Some("稅務管理科".into()),
                passphrase: pass(name),
            },
        )
        .expect("add user");
}

/// Row `requests`: a reveal request inserted by hand in the name of a
/// handler who is not assigned the letter is not in the clerk's list, and
/// endorsing or approving it is `integrity`; no identity key is wrapped to
/// that handler.
#[test]
fn t1_t10_a_reveal_request_written_by_hand_reaches_no_identity() {
    let mut w = World::new();
    let (letter, _, _) = assigned(&mut w);
    add_handler(&mut w, "handler2");
    let db = raw(w.dir());
    let h2 = user_id(&db, "handler2");
    for status in ["awaiting_endorsement", "pending"] {
        let rid = format!("forged-{status}");
        db.execute(
            "INSERT INTO requests (id, kind, letter_id, unit, handler, requested_by,
                                   requested_at, until, status)
             VALUES (?1, 'reveal', ?2, '稅務管理科', ?3, ?3, 0, 9999999999999, ?4)",
            rusqlite::params![rid, letter, h2, status],
        )
        .expect("insert a request row");
        let mut clerk = w.login("clerk");
        let listed = w.vault.requests(&mut clerk).expect("clerk's requests");
        assert!(listed.iter().all(|r| r.id != rid), "{status}: listed");
        let e = refused(w.vault.reveal_endorse(&mut clerk, &rid), "endorse");
        assert_eq!(e.kind(), "integrity", "{status}: {e}");
        let mut sup = w.login("supervisor");
        let queue = w.vault.requests(&mut sup).expect("queue");
        assert!(queue.iter().all(|r| r.id != rid), "{status}: queued");
        let e = refused(w.vault.approve(&mut sup, &rid, "同意"), "approve");
        assert_eq!(e.kind(), "integrity", "{status}: {e}");
    }
    let wraps: i64 = db
        .query_row(
            "SELECT count(*) FROM key_wraps w JOIN data_keys k ON k.id = w.key_id
             WHERE k.purpose = 'identity' AND w.recipient = ?1",
            [&h2],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(wraps, 0, "no identity key for handler2");
    let mut s = w.login("handler2");
    assert!(w
        .vault
        .reveal_show(&mut s, &letter)
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
}

/// Rows `key_wraps` and `assignments`: after a revoke, the handler's wrap
/// put back and the assignment's end columns cleared open nothing.
#[test]
fn t1_t10_a_revoked_assignment_restored_in_the_file_opens_nothing() {
    let mut w = World::new();
    let (letter, assignment, mut h) = assigned(&mut w);
    w.vault.open_letter(&mut h, &letter, "辦理").expect("opens");
    let db = raw(w.dir());
    let hid = user_id(&db, "handler");
    let wrap: (String, Vec<u8>) = db
        .query_row(
            "SELECT w.key_id, w.wrapped FROM key_wraps w JOIN data_keys k ON k.id = w.key_id
             WHERE k.purpose = 'letter' AND w.recipient = ?1",
            [&hid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the handler's wrap");
    let mut sup = w.login("supervisor");
    w.vault
        .revoke(&mut sup, &assignment, "改分")
        .expect("revoke");
    db.execute(
        "INSERT INTO key_wraps (key_id, recipient, wrapped, created_at) VALUES (?1, ?2, ?3, 0)",
        rusqlite::params![wrap.0, hid, wrap.1],
    )
    .expect("put the wrap back");
    db.execute(
        "UPDATE assignments SET ended_at = NULL, end_reason = NULL WHERE id = ?1",
        [&assignment],
    )
    .expect("clear the end");
    // The next call finds the wrap put back, removes it again and says so.
    let e = refused(w.vault.open_letter(&mut h, &letter, "辦理"), "open");
    assert!(matches!(e, ApiError::Integrity(_)), "{e}");
    assert!(e.to_string().contains("put back"), "{e}");
    let left: i64 = db
        .query_row(
            "SELECT count(*) FROM key_wraps WHERE key_id = ?1 AND recipient = ?2",
            rusqlite::params![wrap.0, hid],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(left, 0, "the restored wrap is gone again");
    let e = refused(w.vault.open_letter(&mut h, &letter, "辦理"), "open");
    assert!(matches!(e, ApiError::Denied(_)), "{e}");
    let mut h = w.login("handler");
    let listed = w.vault.assignments(&mut h).expect("assignments");
    let a = listed.iter().find(|a| a.id == assignment).expect("listed");
    assert!(!a.active, "shown as ended: {a:?}");
    assert_eq!(a.ended, Some(Ended::Revoked));
}

/// Rows `requests` and `copies`: a used copy request set back to approved,
/// its copy row deleted, makes no second copy.
#[test]
fn t2_t10_a_copy_request_replayed_in_the_file_makes_no_second_copy() {
    let mut w = World::new();
    let (letter, _, mut h) = assigned(&mut w);
    w.vault.open_letter(&mut h, &letter, "辦理").expect("opens");
    let req = w
        .vault
        .request_copy(&mut h, &letter, "handler", CopyKind::Export, "會議使用")
        .expect("request");
    let mut sup = w.login("supervisor");
    w.vault
        .approve_copy(&mut sup, &req.id, "同意")
        .expect("approve");
    let dir = tempfile::tempdir().expect("tmp");
    let done = w
        .vault
        .run_export(&mut h, &req.id, CopyFormat::Pdf, &dir.path().join("1.pdf"))
        .expect("first copy");
    assert_eq!(done.copy.copy_no, 1);
    let db = raw(w.dir());
    db.execute(
        "UPDATE requests SET status = 'approved' WHERE id = ?1",
        [&req.id],
    )
    .expect("status back");
    db.execute("DELETE FROM copies WHERE request_id = ?1", [&req.id])
        .expect("copy row gone");
    let again = w
        .vault
        .run_export(&mut h, &req.id, CopyFormat::Pdf, &dir.path().join("2.pdf"));
    let e = refused(again, "second copy");
    assert!(matches!(e, ApiError::Denied(_)), "{e}");
    assert!(!dir.path().join("2.pdf").exists());
}

/// Row `letters`: the clear 密等, category, receipt number or registering
/// clerk edited is `integrity` for everyone who next touches the letter.
#[test]
fn t10_a_letters_register_fields_edited_in_the_file_are_refused() {
    for (column, value) in [
        ("level", "'機密'"),
        ("category", "'procurement_objection'"),
        ("receipt_no", "'SD-115-99999'"),
        (
            "registered_by",
            "(SELECT id FROM users WHERE name = 'clerk2')",
        ),
    ] {
        let mut w = World::new();
        let (letter, _, mut h) = assigned(&mut w);
        let db = raw(w.dir());
        db.execute(
            &format!("UPDATE letters SET {column} = {value} WHERE id = ?1"),
            [&letter],
        )
        .expect("edit the letter row");
        let e = refused(w.vault.open_letter(&mut h, &letter, "辦理"), column);
        assert_eq!(e.kind(), "integrity", "{column}: {e}");
        let mut c2 = w.login("clerk2");
        let e = refused(w.vault.list_letters(&mut c2), column);
        assert_eq!(e.kind(), "integrity", "{column}: {e}");
    }
}

/// Row `requests`: a pending request's status set to denied in the file
/// stays in its supervisor's queue (the facts say pending).
#[test]
fn t10_a_request_status_edited_in_the_file_keeps_it_in_the_queue() {
    let mut w = World::new();
    let id = w.register("請查明。");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let db = raw(w.dir());
    db.execute(
        "UPDATE requests SET status = 'denied' WHERE id = ?1",
        [&req.id],
    )
    .expect("edit status");
    let mut sup = w.login("supervisor");
    let queue = w.vault.requests(&mut sup).expect("queue");
    let r = queue.iter().find(|r| r.id == req.id).expect("still queued");
    assert_eq!(r.status, "pending");
    w.vault
        .approve(&mut sup, &req.id, "同意")
        .expect("approvable as the facts say");
}

/// Rows `assignments` (T1, T10): a handler who edits his assignment's row
/// so that the sweep passes it by (a later end, or an end already set)
/// still loses the key when its signed period is over — nothing left in the
/// file to decrypt with his own key — and a wrap put back after that is
/// removed again, recorded.
#[test]
fn t1_t10_an_assignment_row_edited_to_dodge_expiry_still_loses_its_key() {
    for edit in [
        "UPDATE assignments SET until = until + 86400000 * 365",
        "UPDATE assignments SET ended_at = 1, end_reason = 'expired'",
    ] {
        let mut w = World::new();
        let (letter, _, mut h) = assigned(&mut w);
        w.vault.open_letter(&mut h, &letter, "辦理").expect("opens");
        let db = raw(w.dir());
        let hid = user_id(&db, "handler");
        let held = |db: &rusqlite::Connection| -> Vec<(String, Vec<u8>)> {
            let mut st = db
                .prepare(
                    "SELECT w.key_id, w.wrapped FROM key_wraps w JOIN data_keys k ON k.id = w.key_id
                     WHERE k.purpose = 'letter' AND w.recipient = ?1",
                )
                .expect("prepare");
            st.query_map([&hid], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows")
        };
        let wrap = held(&db);
        assert_eq!(wrap.len(), 1, "{edit}: the handler holds the key");
        db.execute(edit, []).expect("edit the assignment row");
        w.clock.advance_secs(31 * 86_400);
        // Anyone's next call sweeps.
        let mut c = w.login("clerk");
        w.vault.whoami(&mut c).expect("a call");
        assert!(
            held(&db).is_empty(),
            "{edit}: the key is gone from the file"
        );
        // Put back by hand: removed again by the next process, and recorded.
        db.execute(
            "INSERT INTO key_wraps (key_id, recipient, wrapped, created_at) VALUES (?1, ?2, ?3, 0)",
            rusqlite::params![wrap[0].0, hid, wrap[0].1],
        )
        .expect("put the wrap back");
        let mut other = sealdesk_api::Vault::open(
            w.dir(),
            std::sync::Arc::new(w.clock.clone()),
            sealdesk_api::seeded_rng(77),
        )
        .expect("another process");
        let mut c = other.login("clerk", &pass("clerk")).expect("login");
        other.whoami(&mut c).expect("a call");
        assert!(held(&db).is_empty(), "{edit}: removed again");
    }
}

/// Rows `assignments` and `requests` (T10): who holds a letter, as the
/// register shows it and as the supervisor's revoke list shows it, is the
/// facts'. A live assignment whose row was marked ended is still listed
/// for its supervisor under its real holder; one moved to another handler
/// is refused, never shown under the other name.
#[test]
fn t10_the_register_and_the_revoke_list_name_the_holder_the_facts_name() {
    let mut w = World::new();
    let (letter, assignment, _) = assigned(&mut w);
    add_handler(&mut w, "handler2");
    let db = raw(w.dir());
    let h2 = user_id(&db, "handler2");
    db.execute(
        "UPDATE assignments SET ended_at = 1, end_reason = 'revoked', handler = ?2 WHERE id = ?1",
        [&assignment, &h2],
    )
    .expect("edit the assignment row");
    let mut clerk = w.login("clerk");
    let line = w
        .vault
        .list_letters(&mut clerk)
        .expect("register")
        .into_iter()
        .find(|l| l.id == letter)
        .expect("listed");
    assert_eq!(line.routing.holder.as_deref(), Some("handler"));
    let mut sup = w.login("supervisor");
    // The row no longer says what the supervisor signed: listing it is
    // refused rather than shown under another name or hidden.
    let e = refused(w.vault.unit_assignments(&mut sup), "revoke list");
    assert_eq!(e.kind(), "integrity", "{e}");
    // Only the end marked: still listed, as active, under its holder.
    db.execute(
        "UPDATE assignments SET handler = (SELECT id FROM users WHERE name = 'handler') WHERE id = ?1",
        [&assignment],
    )
    .expect("handler back");
    let list = w.vault.unit_assignments(&mut sup).expect("revoke list");
    let a = list
        .iter()
        .find(|a| a.id == assignment)
        .expect("still listed");
    assert!(a.active && a.handler == "handler", "{a:?}");
}

/// Row `letters`: the newest letter's row taken out of the file does not
/// make its receipt number come again — the next letter follows the highest
/// number signed — and the register says the row is gone.
#[test]
fn t10_a_receipt_number_is_never_given_twice() {
    let mut w = World::new();
    let mut clerk = w.login("clerk");
    w.register_as(&mut clerk, "第一件");
    let second = w.register_as(&mut clerk, "第二件");
    let db = raw(w.dir());
    let (given, _): (String, i64) = db
        .query_row(
            "SELECT receipt_no, 0 FROM letters WHERE id = ?1",
            [&second],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("receipt");
    db.execute_batch("PRAGMA foreign_keys = OFF;").expect("fk");
    db.execute("DELETE FROM letters WHERE id = ?1", [&second])
        .expect("take the row out");
    let third = w.register_as(&mut clerk, "第三件");
    let next: String = db
        .query_row(
            "SELECT receipt_no FROM letters WHERE id = ?1",
            [&third],
            |r| r.get(0),
        )
        .expect("receipt");
    assert_ne!(next, given, "a number given once is not given again");
    assert!(next > given, "{next} follows {given}");
    let e = refused(w.vault.list_letters(&mut clerk), "register");
    assert!(matches!(e, ApiError::Integrity(_)), "{e}");
    let r = w.vault.ledger_verify(None).expect("verify");
    assert!(
        r.report.intact,
        "no fact of ours was refused: {:?}",
        r.report.damage
    );
}
