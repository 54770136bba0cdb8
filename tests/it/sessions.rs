//! Sessions: idle lock (T8), wrong passphrases, disabled accounts,
//! separation of duties.

use sealdesk_api::{ApiError, ErrorKind, ManualClock, NewUser, Role, Vault};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;

use crate::{pass, World};

#[test]
fn t8_session_locks_after_idle_time_and_on_demand() {
    let mut w = World::new();
    let mut s = w.login("handler");
    w.clock.advance_secs(9 * 60);
    assert!(w.vault.whoami(&mut s).is_ok());
    // whoami is not activity: the UI's poll must not keep a session open.
    w.clock.advance_secs(60);
    assert!(matches!(w.vault.whoami(&mut s), Err(ApiError::Locked)));
    assert!(s.is_locked());
    // A locked session stays locked even if the clock goes back.
    w.clock.advance_secs(-3600);
    assert!(matches!(w.vault.whoami(&mut s), Err(ApiError::Locked)));

    let mut s = w.login("handler");
    w.vault.lock(&mut s);
    assert!(matches!(
        w.vault.list_letters(&mut s),
        Err(ApiError::Locked)
    ));
}

#[test]
fn activity_keeps_a_session_open_and_admin_sets_the_idle_time() {
    let mut w = World::new();
    let mut admin = w.login("admin");
    assert!(matches!(
        w.vault.set_idle_timeout(&mut admin, 5),
        Err(ApiError::BadInput(_))
    ));
    w.vault.set_idle_timeout(&mut admin, 120).expect("set");
    let mut s = w.login("clerk");
    for _ in 0..5 {
        w.clock.advance_secs(100);
        w.vault.list_letters(&mut s).expect("active session");
    }
    w.clock.advance_secs(121);
    assert!(matches!(
        w.vault.list_letters(&mut s),
        Err(ApiError::Locked)
    ));
    let mut handler = w.login("handler");
    assert!(matches!(
        w.vault.set_idle_timeout(&mut handler, 600),
        Err(ApiError::Denied(_))
    ));
}

#[test]
fn wrong_passphrases_are_kept_and_slow_down_the_next_try() {
    let mut w = World::new();
    let wrong = Passphrase::from("not-the-passphrase");
    for _ in 0..3 {
        assert!(matches!(
            w.vault.login("handler", &wrong),
            Err(ApiError::BadCredentials)
        ));
    }
    // Three tries are free; the 4th waits 1 s and is not even checked before.
    assert!(matches!(
        w.vault.login("handler", &wrong),
        Err(ApiError::Throttled {
            retry_after_secs: 1
        })
    ));
    w.clock.advance_secs(1);
    assert!(matches!(
        w.vault.login("handler", &wrong),
        Err(ApiError::BadCredentials)
    ));
    // After the 4th failure the next attempt waits 2 s, even with the right passphrase.
    match w.vault.login("handler", &pass("handler")) {
        Err(ApiError::Throttled { retry_after_secs }) => assert_eq!(retry_after_secs, 2),
        other => panic!("expected throttled, got {other:?}"),
    }
    w.clock.advance_secs(2);
    w.vault
        .login("handler", &pass("handler"))
        .expect("after the delay");
    // Unknown names fail the same way and are kept too.
    assert!(matches!(
        w.vault.login("nobody", &wrong),
        Err(ApiError::BadCredentials)
    ));
    let mut admin = w.login("admin");
    assert_eq!(
        w.vault
            .login_failures(&mut admin, "handler")
            .expect("failures")
            .len(),
        4
    );
    assert!(
        w.vault
            .login_failures(&mut admin, "nobody")
            .expect("failures")
            .is_empty(),
        "names that are no account are not kept"
    );
    let users = w.vault.list_users(&mut admin).expect("list");
    let h = users.iter().find(|u| u.name == "handler").expect("handler");
    assert_eq!(h.failed_logins, 0, "reset by the successful login");
}

#[test]
fn disabling_stops_an_open_session_at_its_next_call() {
    let mut w = World::new();
    let mut h = w.login("handler");
    let mut admin = w.login("admin");
    w.vault
        .set_user_disabled(&mut admin, "handler", true)
        .expect("disable");
    assert!(matches!(
        w.vault.whoami(&mut h),
        Err(ApiError::UserDisabled)
    ));
    assert!(matches!(
        w.vault.login("handler", &pass("handler")),
        Err(ApiError::UserDisabled)
    ));
    assert!(matches!(
        w.vault.set_user_disabled(&mut admin, "admin", true),
        Err(ApiError::Denied(_))
    ));
    w.vault
        .set_user_disabled(&mut admin, "handler", false)
        .expect("enable");
    w.login("handler");
}

#[test]
fn separation_of_duties_and_admin_only_account_management() {
    let mut w = World::new();
    let mut admin = w.login("admin");
    for roles in [
        "auditor,clerk",
        "auditor,supervisor",
        "auditor,handler",
        "admin,clerk",
    ] {
        let err = w
            .vault
            .add_user(
                &mut admin,
                &NewUser {
                    name: "x".into(),
                    roles: match RoleSet::parse_list(roles) {
                        Ok(r) => r,
                        Err(e) => {
                            assert_eq!(ApiError::from(e).kind(), "separation_of_duties");
                            continue;
                        }
                    },
                    unit: Some("u".into()),
                    passphrase: pass("x"),
                },
            )
            .expect_err(roles);
        assert_eq!(err.kind(), "separation_of_duties");
    }
    let mut clerk = w.login("clerk");
    let new = NewUser {
        name: "y".into(),
        roles: RoleSet::new([Role::Handler]).expect("r"),
        unit: Some("u".into()),
        passphrase: pass("y"),
    };
    assert!(matches!(
        w.vault.add_user(&mut clerk, &new),
        Err(ApiError::Denied(_))
    ));
    let no_unit = NewUser {
        unit: None,
        ..new.clone()
    };
    assert_eq!(
        w.vault
            .add_user(&mut admin, &no_unit)
            .expect_err("no unit")
            .kind(),
        "bad_input"
    );
    let weak = NewUser {
        passphrase: Passphrase::from("short"),
        ..new.clone()
    };
    assert_eq!(
        w.vault
            .add_user(&mut admin, &weak)
            .expect_err("weak")
            .kind(),
        "invalid"
    );
    w.vault.add_user(&mut admin, &new).expect("admin adds");
    assert_eq!(
        w.vault.add_user(&mut admin, &new).expect_err("dup").kind(),
        "exists"
    );
}

#[test]
fn passphrase_change_reseals_only_the_private_key() {
    let mut w = World::new();
    let id = w.register("內容");
    let mut clerk = w.login("clerk");
    assert!(matches!(
        w.vault.change_passphrase(
            &mut clerk,
            &Passphrase::from("wrong-old-pass"),
            &pass("clerk-2")
        ),
        Err(ApiError::BadCredentials)
    ));
    w.vault
        .change_passphrase(&mut clerk, &pass("clerk"), &pass("clerk-2"))
        .expect("change");
    assert!(w
        .vault
        .login("clerk", &pass("clerk"))
        .is_err_and(|e| e.kind() == ErrorKind::BadCredentials));
    let mut clerk = w
        .vault
        .login("clerk", &pass("clerk-2"))
        .expect("new passphrase");
    assert_eq!(
        w.vault
            .open_letter(&mut clerk, &id, "登記")
            .expect("same key still opens")
            .text,
        "內容"
    );
}

#[test]
fn t5_two_desks_writing_at_once_keep_one_chain() {
    // Two desks (the app and the CLI, say) on one vault folder, each with its
    // own connection, writing as fast as they can.
    let w = World::new();
    let dir = w.dir().to_owned();
    let clock = w.clock.clone();
    let handles: Vec<_> = ["clerk", "supervisor"]
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let dir = dir.clone();
            let clock = clock.clone();
            std::thread::spawn(move || {
                let mut v = Vault::open(
                    &dir,
                    std::sync::Arc::new(clock),
                    sealdesk_api::seeded_rng(100 + i as u64),
                )
                .expect("open");
                let mut ok = 0;
                let mut busy = 0;
                for _ in 0..10 {
                    match v.login(name, &pass(name)) {
                        Ok(mut s) => {
                            ok += 1;
                            let _ = v.whoami(&mut s);
                            v.lock(&mut s);
                        }
                        Err(e) if e.kind() == "busy" => busy += 1,
                        Err(e) => panic!("{name}: {e}"),
                    }
                }
                (ok, busy)
            })
        })
        .collect();
    let results: Vec<(u32, u32)> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    for (ok, busy) in &results {
        assert_eq!(ok + busy, 10);
        assert!(*ok > 0, "{results:?}");
    }
    let mut v = Vault::open(
        &dir,
        std::sync::Arc::new(ManualClock::at(crate::T0)),
        sealdesk_api::seeded_rng(9),
    )
    .expect("open");
    let r = v.ledger_verify(None).expect("verify");
    assert!(r.intact, "{r:?}");
    // Every session of the two desks attested its entries (World's own
    // admin session, never locked, is the only one left open).
    assert!(
        r.unattested.iter().all(|u| u.user == "admin"),
        "every desk session attested: {r:?}"
    );
}
