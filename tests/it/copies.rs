//! Marked copies through the API: prints recorded as `print`, approvals
//! that lapse, access that ended, the conflict affirmation, and (T10) a copy
//! deleted from the register by a writer of the file, still found by the
//! auditor through the ledger.

use sealdesk_api::{ApiError, Category, CopyFormat, CopyKind, ErrorKind};

use crate::World;

const PETITION: &str = include_str!("../../crates/sealdesk-core/tests/data/samples/sample-01.txt");

/// A typed letter (no page images: its masked text is set on pages),
/// routed to the handler and approved. Returns its id.
fn routed(w: &mut World, parties: &[&str]) -> String {
    let id = crate::routing::register(w, PETITION, Category::Petition, parties);
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    id
}

#[test]
fn a_print_is_approved_recorded_as_print_and_marked_for_its_recipient() {
    let mut w = World::new();
    w.grant_auditor();
    let letter = routed(&mut w, &[]);
    let mut h = w.login("handler");
    // Someone without an account is told so in a sentence.
    match w
        .vault
        .request_copy(&mut h, &letter, "某廠商", CopyKind::Print, "會議使用")
    {
        Err(ApiError::NotFound(m)) => assert!(m.contains("「某廠商」不是本系統的帳號"), "{m}"),
        other => panic!("expected not_found, got {other:?}"),
    }
    let req = w
        .vault
        .request_copy(&mut h, &letter, "handler", CopyKind::Print, "會議使用")
        .expect("request");
    assert_eq!(
        (req.kind.as_str(), req.status.as_str()),
        ("print", "pending")
    );
    assert!(matches!(
        w.vault.run_print(&mut h, &req.id),
        Err(ApiError::Denied(_))
    ));
    let mut sup = w.login("supervisor");
    let ok = w
        .vault
        .approve_copy(&mut sup, &req.id, "同意列印")
        .expect("approve");
    assert_eq!(ok.status, "approved");
    // A print request is not run as a file.
    let dir = tempfile::tempdir().expect("tmp");
    assert!(matches!(
        w.vault
            .run_export(&mut h, &req.id, CopyFormat::Pdf, &dir.path().join("x.pdf")),
        Err(ApiError::BadInput(_))
    ));
    assert!(!dir.path().join("x.pdf").exists());

    let job = w.vault.run_print(&mut h, &req.id).expect("print");
    assert_eq!(job.copy.kind, CopyKind::Print);
    assert_eq!(job.copy.copy_no, 1);
    assert_eq!(job.copy.recipient, "handler");
    assert!(!job.pages.is_empty());
    for p in &job.pages {
        let png = data_encoding::BASE64
            .decode(p.png_base64.as_bytes())
            .expect("base64");
        let img = image::load_from_memory(&png).expect("png");
        // An A4 page at 150 dpi and the footer band below it.
        assert_eq!(
            (img.width(), img.height()),
            (1240, 1754 + sealdesk_mark::FOOTER_PX)
        );
        // The footer's QR code and the body's name the copy, and nothing
        // else is read.
        let read = sealdesk_mark::read_all(&png, None).expect("image");
        for channel in [sealdesk_mark::Channel::Qr, sealdesk_mark::Channel::BodyQr] {
            assert!(read.iter().any(|t| t.channel == channel), "{read:?}");
        }
        assert!(
            read.iter().all(|t| t.code.to_string() == job.copy.code),
            "{read:?}"
        );
    }
    // Once only.
    assert!(matches!(
        w.vault.run_print(&mut h, &req.id),
        Err(ApiError::Denied(_))
    ));

    let mut a = w.login("auditor");
    let entries = w.vault.ledger_entries(&mut a).expect("entries");
    assert!(entries.iter().any(|e| e.body.action == "print"
        && e.body.outcome == "allowed"
        && e.body
            .detail
            .as_deref()
            .is_some_and(|d| d.ends_with(&format!("mark {}", job.copy.code)))));
    let register = w.vault.copy_register(&mut a, &letter).expect("register");
    assert_eq!(register.len(), 1);
    assert_eq!(register[0].kind, CopyKind::Print);
    assert_eq!(register[0].reason.as_deref(), Some("會議使用"));
    assert!(register[0].verified);
}

#[test]
fn an_approval_lapses_and_a_handler_without_access_or_affirmation_makes_no_copy() {
    let mut w = World::new();
    let letter = routed(&mut w, &["立穩工程股份有限公司"]);
    let dir = tempfile::tempdir().expect("tmp");
    let mut sup = w.login("supervisor");
    let mut h = w.login("handler");
    let mut approved = |w: &mut World, h: &mut sealdesk_api::Session| {
        let r = w
            .vault
            .request_copy(h, &letter, "handler", CopyKind::Export, "研議")
            .expect("request");
        w.vault
            .approve_copy(&mut sup, &r.id, "同意")
            .expect("approve");
        r.id
    };
    // Not yet affirmed (the letter has parties and was never opened).
    let r1 = approved(&mut w, &mut h);
    let out = dir.path().join("1.pdf");
    match w.vault.run_export(&mut h, &r1, CopyFormat::Pdf, &out) {
        Err(ApiError::Denied(why)) => assert!(why.contains("affirm"), "{why}"),
        other => panic!("made without the affirmation: {other:?}"),
    }
    assert!(!out.exists());
    w.vault
        .open_letter_affirming(&mut h, &letter, "承辦", true)
        .expect("open, affirming");
    let done = w
        .vault
        .run_export(&mut h, &r1, CopyFormat::Png, &out)
        .expect("export");
    assert!(out.join("page-01.png").exists(), "{:?}", done.files);

    // An approval not used within 7 days lapses.
    let r2 = approved(&mut w, &mut h);
    w.clock.advance_secs(8 * 86_400);
    let mut h = w.login("handler");
    let out2 = dir.path().join("2.pdf");
    assert!(matches!(
        w.vault.run_export(&mut h, &r2, CopyFormat::Pdf, &out2),
        Err(ApiError::Denied(_))
    ));
    assert!(!out2.exists());

    // Approved, but the handler's access was revoked before the copy was
    // made: no copy.
    let mut sup = w.login("supervisor");
    let r3 = w
        .vault
        .request_copy(&mut h, &letter, "handler", CopyKind::Export, "研議")
        .expect("request");
    w.vault
        .approve_copy(&mut sup, &r3.id, "同意")
        .expect("approve");
    let a = w
        .vault
        .assignments(&mut h)
        .expect("assignments")
        .into_iter()
        .find(|a| a.letter_id == letter && a.active)
        .expect("active assignment");
    w.vault.revoke(&mut sup, &a.id, "改分").expect("revoke");
    let out3 = dir.path().join("3.pdf");
    assert!(matches!(
        w.vault.run_export(&mut h, &r3.id, CopyFormat::Pdf, &out3),
        Err(ApiError::Denied(_))
    ));
    assert!(!out3.exists());
}

#[test]
fn t10_a_copy_deleted_from_the_register_by_a_writer_is_integrity_and_stays_in_the_ledger() {
    let mut w = World::new();
    w.grant_auditor();
    let letter = routed(&mut w, &[]);
    let mut h = w.login("handler");
    let r = w
        .vault
        .request_copy(&mut h, &letter, "handler", CopyKind::Export, "送法制室")
        .expect("request");
    let mut sup = w.login("supervisor");
    w.vault
        .approve_copy(&mut sup, &r.id, "同意")
        .expect("approve");
    let dir = tempfile::tempdir().expect("tmp");
    let done = w
        .vault
        .run_export(&mut h, &r.id, CopyFormat::Pdf, &dir.path().join("c.pdf"))
        .expect("export");
    // The writer removes the copy from the register in the file itself.
    let db = rusqlite::Connection::open(w.dir().join("vault.sqlite")).expect("open file");
    db.execute("DELETE FROM copies", []).expect("delete");
    drop(db);
    // The copy is a signed fact: its row gone from the register is
    // `integrity` for everyone who reads the register, auditors included;
    // the ledger still holds the copy (its code and reason) for them.
    let mut clerk = w.login("clerk");
    assert!(matches!(
        w.vault.copy_register(&mut clerk, &letter),
        Err(ApiError::Integrity(_))
    ));
    let mut a = w.login("auditor");
    assert!(matches!(
        w.vault.copy_register(&mut a, &letter),
        Err(ApiError::Integrity(_))
    ));
    let entries = w.vault.ledger_entries(&mut a).expect("ledger");
    assert!(entries.iter().any(|e| e.body.action == "export"
        && e.body.reason.as_deref() == Some("送法制室")
        && e.body
            .detail
            .as_deref()
            .is_some_and(|d| d.contains(&done.copy.code))));
}

#[test]
fn a_copy_to_a_place_that_cannot_be_written_uses_nothing_up() {
    let mut w = World::new();
    let letter = routed(&mut w, &[]);
    let dir = tempfile::tempdir().expect("tmp");
    let mut sup = w.login("supervisor");
    let mut h = w.login("handler");
    w.vault.open_letter(&mut h, &letter, "承辦").expect("open");
    let r = w
        .vault
        .request_copy(&mut h, &letter, "handler", CopyKind::Export, "研議")
        .expect("request");
    w.vault
        .approve_copy(&mut sup, &r.id, "同意")
        .expect("approve");
    // A mistyped folder, and a file that is already there: refused before
    // anything is recorded, and nothing is left behind.
    let typo = dir.path().join("no-such-folder").join("copy.pdf");
    let err = w
        .vault
        .run_export(&mut h, &r.id, CopyFormat::Pdf, &typo)
        .expect_err("a folder that does not exist");
    assert_eq!(err.kind(), ErrorKind::BadInput, "{err}");
    assert!(err.to_string().contains("nothing was recorded"), "{err}");
    let taken = dir.path().join("taken.pdf");
    std::fs::write(&taken, b"someone's file").expect("write");
    assert_eq!(
        w.vault
            .run_export(&mut h, &r.id, CopyFormat::Pdf, &taken)
            .expect_err("exists")
            .kind(),
        ErrorKind::BadInput
    );
    assert_eq!(std::fs::read(&taken).expect("read"), b"someone's file");
    let mut sup = w.login("supervisor");
    assert!(w
        .vault
        .copy_register(&mut sup, &letter)
        .expect("register")
        .is_empty());
    // The approval is still good: the copy goes where it can be written.
    let out = dir.path().join("copy.pdf");
    let done = w
        .vault
        .run_export(&mut h, &r.id, CopyFormat::Pdf, &out)
        .expect("the approval was not used up");
    assert_eq!(done.copy.copy_no, 1);
    assert!(std::fs::metadata(&out).expect("written").len() > 1000);
}
