//! The API the app's screens use beyond the CLI's verbs (T1, T3): drafts
//! reviewed before sealing, the register's lines and routing state, the
//! routing directory, a unit's assignments, recorded copies, role changes
//! and the access-period limit. Each refusal is a role or key rule, not a
//! screen's choice.

use sealdesk_api::{ApiError, Category, NewUser, PiiKind, RegisterMeta, Review, Role, Secrecy};
use sealdesk_core::domain::RoleSet;

use crate::{pass, World};

const PETITION: &str = include_str!("../../crates/sealdesk-core/tests/data/samples/sample-01.txt");

fn kind<T: std::fmt::Debug>(r: Result<T, ApiError>) -> String {
    match r {
        Err(e) => e.kind().to_string(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

fn meta(subject: &str, parties: &[&str]) -> RegisterMeta {
    let mut m = RegisterMeta::new(Category::Whistleblower, Secrecy::Condition("結案後".into()));
    m.subject = subject.into();
    m.parties = parties.iter().map(|p| p.to_string()).collect();
    m
}

/// A letter with a party, registered from a draft; returns (id, receipt).
fn registered(w: &mut World, parties: &[&str]) -> (String, String) {
    let mut clerk = w.login("clerk");
    let d = w.vault.draft_text(&mut clerk, PETITION).expect("draft");
    let r = w
        .vault
        .register_draft(
            &mut clerk,
            &d.draft_id,
            &meta("代號甲", parties),
            &Review::default(),
        )
        .expect("register");
    (r.letter_id, r.receipt_no)
}

fn routed_and_approved(w: &mut World, letter: &str, handler: &str) -> String {
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, letter, "稅務管理科", handler, None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    w.vault
        .approve(&mut sup, &req.id, "同意")
        .expect("approve")
        .id
}

#[test]
fn t3_a_draft_is_the_clerks_alone_and_the_review_decides_the_mask() {
    let mut w = World::new();
    let mut clerk = w.login("clerk");
    let d = w.vault.draft_text(&mut clerk, PETITION).expect("draft");
    assert!(d.findings.iter().any(|f| f.value == "C181590831"));
    // Spans are UTF-16 code units of the text.
    let units: Vec<u16> = d.text.encode_utf16().collect();
    for f in &d.findings {
        let cut = String::from_utf16_lossy(&units[f.start as usize..f.end as usize]);
        assert!(!cut.is_empty(), "{:?} spans nothing", f.kind);
    }
    assert!(
        format!("{d:?}").contains("[redacted]"),
        "Debug hides the text"
    );
    // Nobody else registers, reads or discards this draft.
    let mut clerk2 = w.login("clerk2");
    assert_eq!(
        kind(w.vault.register_draft(
            &mut clerk2,
            &d.draft_id,
            &meta("x", &[]),
            &Review::default()
        )),
        "not_found"
    );
    let mut handler = w.login("handler");
    assert_eq!(kind(w.vault.draft_text(&mut handler, PETITION)), "denied");
    w.vault
        .discard_draft(&mut clerk2, &d.draft_id)
        .expect("a no-op");
    // The review: drop a false finding, add a missed one.
    let review = Review {
        drop: vec!["廖雅君".into()],
        add: vec![(PiiKind::Person, "本局某承辦人員".into())],
        ..Review::default()
    };
    let r = w
        .vault
        .register_draft(&mut clerk, &d.draft_id, &meta("代號甲", &[]), &review)
        .expect("register");
    let values: Vec<&str> = r.findings.iter().map(|f| f.value.as_str()).collect();
    assert!(
        !values.contains(&"廖雅君") && values.contains(&"本局某承辦人員"),
        "{values:?}"
    );
    // A draft registers once.
    assert_eq!(
        kind(
            w.vault
                .register_draft(&mut clerk, &d.draft_id, &meta("x", &[]), &Review::default())
        ),
        "not_found"
    );
    // The same bytes again: flagged with the first receipt number.
    let again = w.vault.draft_text(&mut clerk, PETITION).expect("draft");
    assert_eq!(again.duplicate_of.as_deref(), Some(r.receipt_no.as_str()));
    // A bad deadline or an empty subject is refused; the draft stays.
    let mut m = meta("代號乙", &[]);
    m.deadline = Some("明年".into());
    assert_eq!(
        kind(
            w.vault
                .register_draft(&mut clerk, &again.draft_id, &m, &Review::default())
        ),
        "bad_input"
    );
    assert_eq!(
        kind(w.vault.register_draft(
            &mut clerk,
            &again.draft_id,
            &meta(" ", &[]),
            &Review::default()
        )),
        "bad_input"
    );
    // A day the calendar lacks, in either calendar, is refused too.
    for bad in ["115/2/30", "2026-02-30", "115/13/45"] {
        let mut m = meta("代號乙", &[]);
        m.deadline = Some(bad.into());
        assert_eq!(
            kind(
                w.vault
                    .register_draft(&mut clerk, &again.draft_id, &m, &Review::default())
            ),
            "bad_input",
            "{bad}"
        );
    }
    // A lock seals the clerk's drafts to the clerk's own key: while locked,
    // and for anyone else, the draft is not there; the clerk's next login
    // opens it again, and it registers.
    w.vault.lock(&mut clerk);
    let mut clerk2 = w.login("clerk2");
    assert_eq!(
        kind(w.vault.register_draft(
            &mut clerk2,
            &again.draft_id,
            &meta("代號乙", &[]),
            &Review::default()
        )),
        "not_found"
    );
    assert!(w.vault.open_drafts(&mut clerk2).expect("drafts").is_empty());
    let mut clerk = w.login("clerk");
    let back = w.vault.open_drafts(&mut clerk).expect("drafts");
    assert_eq!(
        back.iter().map(|d| d.draft_id.as_str()).collect::<Vec<_>>(),
        vec![again.draft_id.as_str()]
    );
    assert_eq!(back[0].text, again.text);
    assert_eq!(back[0].findings.len(), again.findings.len());
    w.vault
        .register_draft(
            &mut clerk,
            &again.draft_id,
            &meta("代號乙", &[]),
            &Review::default(),
        )
        .expect("registers after the lock");
    assert!(w.vault.open_drafts(&mut clerk).expect("drafts").is_empty());
}

#[test]
fn dates_typed_in_either_calendar_are_kept_as_the_same_iso_day() {
    let mut w = World::new();
    let mut clerk = w.login("clerk");
    let d = w.vault.draft_text(&mut clerk, PETITION).expect("draft");
    let mut m = RegisterMeta::new(Category::Petition, Secrecy::Until("１１６／３／１".into()));
    m.subject = "代號丙".into();
    m.deadline = Some("民國115年12月31日".into());
    let r = w
        .vault
        .register_draft(&mut clerk, &d.draft_id, &m, &Review::default())
        .expect("a 民國 deadline and a full-width 保密期限 register");
    let slip = w
        .vault
        .routing_slip(&mut clerk, &r.letter_id)
        .expect("slip");
    assert_eq!(slip.deadline.as_deref(), Some("2026-12-31"));
}

#[test]
fn t1_register_lines_carry_fields_only_for_key_holders_and_routing_state_follows() {
    let mut w = World::new();
    let (id, receipt) = registered(&mut w, &["某公司"]);
    let line = |w: &mut World, who: &str| {
        let mut s = w.login(who);
        w.vault
            .list_letters(&mut s)
            .expect("list")
            .into_iter()
            .find(|l| l.id == id)
    };
    let l = line(&mut w, "clerk").expect("the clerk's line");
    assert_eq!(l.receipt_no, receipt);
    assert_eq!(
        l.register.as_ref().map(|r| r.subject.as_str()),
        Some("代號甲")
    );
    assert_eq!(l.routing.status, sealdesk_api::RoutingStatus::New);
    // Another clerk sees the line, but not the sealed fields.
    let l2 = line(&mut w, "clerk2").expect("clerk2's line");
    assert!(l2.register.is_none() && !l2.can_read);
    assert!(line(&mut w, "handler").is_none(), "not the handler's yet");

    let mut clerk = w.login("clerk");
    w.vault
        .inquire(&mut clerk, &id, &["稅務管理科".into()], None)
        .expect("inquire");
    assert_eq!(
        line(&mut w, "clerk").expect("line").routing.status,
        sealdesk_api::RoutingStatus::Inquiring
    );
    let a = routed_and_approved(&mut w, &id, "handler");
    let l = line(&mut w, "clerk").expect("line");
    assert_eq!(l.routing.status, sealdesk_api::RoutingStatus::Assigned);
    assert_eq!(l.routing.holder.as_deref(), Some("handler"));
    let h = line(&mut w, "handler").expect("now the handler's");
    assert!(h.register.is_some());
    let mut sup = w.login("supervisor");
    w.vault.revoke(&mut sup, &a, "改分").expect("revoke");
    assert_eq!(
        line(&mut w, "clerk").expect("line").routing.status,
        sealdesk_api::RoutingStatus::Ended
    );
}

#[test]
fn t1_a_clerk_who_is_also_a_handler_affirms_like_any_handler() {
    // Roles clerk + handler, assigned a letter another clerk registered:
    // the handler's rules apply (assignment, affirmation), not the
    // registering clerk's.
    let mut w = World::new();
    let mut admin = w.login("admin");
    w.vault
        .add_user(
            &mut admin,
            &NewUser {
                name: "both".into(),
                roles: RoleSet::new([Role::Clerk, Role::Handler]).expect("roles"),
                unit: Some("稅務管理科".into()),
                passphrase: pass("both"),
            },
        )
        .expect("add");
    let (id, _) = registered(&mut w, &["某公司"]);
    let mut both = w.login("both");
    assert_eq!(
        kind(w.vault.open_letter(&mut both, &id, "辦理")),
        "denied",
        "not assigned yet"
    );
    assert_eq!(kind(w.vault.record_copy(&mut both, &id, 3)), "denied");
    routed_and_approved(&mut w, &id, "both");
    let mut both = w.login("both");
    assert_eq!(
        kind(w.vault.open_letter(&mut both, &id, "辦理")),
        "affirmation_required"
    );
    let c = w
        .vault
        .open_letter_affirming(&mut both, &id, "辦理", true)
        .expect("open");
    assert!(!c.text.contains("C181590831"));
    w.vault
        .record_copy(&mut both, &id, 10)
        .expect("copy recorded");
    let code = sealdesk_core::crypto::RecoveryCode::parse(&w.recovery_code).expect("code");
    w.vault
        .recover_grant_ledger(&code, "auditor")
        .expect("grant the ledger key");
    let mut auditor = w.login("auditor");
    let entries = w.vault.ledger_entries(&mut auditor).expect("entries");
    let copy = entries
        .iter()
        .find(|e| e.body.action == "copy" && e.body.user == "both" && e.body.outcome == "allowed")
        .expect("the copy is in the ledger");
    assert_eq!(copy.body.role, Some(sealdesk_api::Role::Handler));
    assert!(copy.body.assignment.is_some(), "tied to the assignment");
    assert!(entries
        .iter()
        .any(|e| e.body.action == "copy" && e.body.outcome == "denied"));
}

#[test]
fn t1_directory_unit_assignments_and_slip_preview_by_role() {
    let mut w = World::new();
    let (id, _) = registered(&mut w, &[]);
    let mut clerk = w.login("clerk");
    let dir = w.vault.routing_directory(&mut clerk).expect("directory");
    let unit = dir
        .units
        .iter()
        .find(|u| u.unit == "稅務管理科")
        .expect("unit");
    assert_eq!(unit.handlers, ["handler"]);
    assert_eq!(unit.supervisors, ["supervisor"]);
    assert!(
        dir.units.iter().all(|u| u.unit != "政風室"),
        "no unit without routing roles"
    );
    let slip = w.vault.routing_slip(&mut clerk, &id).expect("slip");
    let json = serde_json::to_string(&slip).expect("json");
    for secret in ["許俊宏", "C181590831", "sdhu81"] {
        assert!(!json.contains(secret), "slip shows {secret}");
    }
    let mut clerk2 = w.login("clerk2");
    assert_eq!(
        kind(w.vault.routing_slip(&mut clerk2, &id)),
        "denied",
        "not clerk2's letter"
    );
    for who in ["handler", "supervisor", "auditor", "admin"] {
        let mut s = w.login(who);
        assert_eq!(kind(w.vault.routing_directory(&mut s)), "denied", "{who}");
        assert_eq!(kind(w.vault.routing_slip(&mut s, &id)), "denied", "{who}");
    }
    let a = routed_and_approved(&mut w, &id, "handler");
    let mut sup = w.login("supervisor");
    let list = w.vault.unit_assignments(&mut sup).expect("unit list");
    assert_eq!(
        list.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        [a.as_str()]
    );
    assert_eq!(list[0].handler, "handler");
    for who in ["handler", "clerk", "auditor"] {
        let mut s = w.login(who);
        assert_eq!(kind(w.vault.unit_assignments(&mut s)), "denied", "{who}");
    }
    // Expired assignments leave the list without anyone acting.
    w.clock.advance_secs(31 * 86_400);
    let mut sup = w.login("supervisor");
    assert!(w.vault.unit_assignments(&mut sup).expect("list").is_empty());
}

#[test]
fn roles_and_limits_change_by_signed_statement_only() {
    let mut w = World::new();
    let mut admin = w.login("admin");
    let set = |roles: &[Role]| RoleSet::new(roles.iter().copied()).expect("roles");
    assert_eq!(
        kind(
            w.vault
                .set_user_roles(&mut admin, "admin", &set(&[Role::Auditor]), None)
        ),
        "denied",
        "an admin keeps their own admin role"
    );
    assert_eq!(
        kind(
            w.vault
                .set_user_roles(&mut admin, "clerk", &set(&[Role::Handler]), None)
        ),
        "bad_input",
        "a handler needs a unit"
    );
    let u = w
        .vault
        .set_user_roles(
            &mut admin,
            "clerk2",
            &set(&[Role::Handler]),
            Some("稅務管理科"),
        )
        .expect("clerk2 becomes a handler");
    assert_eq!(u.roles, [Role::Handler]);
    let mut c2 = w.login("clerk2");
    assert_eq!(w.vault.whoami(&mut c2).expect("me").roles, [Role::Handler]);
    assert_eq!(
        kind(w.vault.draft_text(&mut c2, "x")),
        "denied",
        "no longer a clerk"
    );
    let mut clerk = w.login("clerk");
    let dir = w.vault.routing_directory(&mut clerk).expect("directory");
    assert!(dir
        .units
        .iter()
        .any(|u| u.handlers.contains(&"clerk2".to_owned())));
    assert_eq!(
        kind(
            w.vault
                .set_user_roles(&mut clerk, "clerk2", &set(&[Role::Admin]), None)
        ),
        "denied"
    );

    // The access limit: 10 days; a route for longer is refused.
    assert_eq!(
        w.vault
            .settings(&mut admin)
            .expect("settings")
            .max_access_days,
        90
    );
    assert_eq!(
        kind(w.vault.set_max_access_days(&mut admin, 91)),
        "bad_input"
    );
    w.vault.set_max_access_days(&mut admin, 10).expect("set");
    assert_eq!(
        w.vault
            .settings(&mut admin)
            .expect("settings")
            .max_access_days,
        10
    );
    assert_eq!(kind(w.vault.settings(&mut clerk)), "denied");
    let (id, _) = registered(&mut w, &[]);
    let mut clerk = w.login("clerk");
    let far = "2099-01-01";
    assert_eq!(
        kind(
            w.vault
                .route(&mut clerk, &id, "稅務管理科", "handler", Some(far), "辦理")
        ),
        "bad_input"
    );
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "辦理")
        .expect("the default period fits the limit");
    assert!(req.until <= crate::T0.unix_millis() + 10 * 86_400_000);
}

#[test]
fn t1_no_one_decides_a_request_they_made_or_that_names_them() {
    // Each alone is enough: a supervisor who is also the named handler, and
    // a supervisor who is also the requesting clerk.
    let mut w = World::new();
    let mut admin = w.login("admin");
    for (name, roles) in [
        ("sup_handler", [Role::Supervisor, Role::Handler]),
        ("sup_clerk", [Role::Supervisor, Role::Clerk]),
    ] {
        w.vault
            .add_user(
                &mut admin,
                &NewUser {
                    name: name.into(),
                    roles: RoleSet::new(roles).expect("roles"),
                    unit: Some("稅務管理科".into()),
                    passphrase: pass(name),
                },
            )
            .expect("add");
    }
    let (id, _) = registered(&mut w, &[]);
    let mut clerk = w.login("clerk");
    // (The role check refuses both; were it gone, neither holds a grant
    // layer of the request, so the keys refuse them too.)
    let named = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "sup_handler", None, "請辦理")
        .expect("route to the supervisor-handler");
    let mut sh = w.login("sup_handler");
    assert_eq!(kind(w.vault.approve(&mut sh, &named.id, "我來")), "denied");

    let mut sc = w.login("sup_clerk");
    let d = w
        .vault
        .draft_text(&mut sc, "陳情人王小明請求改善路燈。")
        .expect("draft");
    let own = w
        .vault
        .register_draft(
            &mut sc,
            &d.draft_id,
            &meta("代號丙", &[]),
            &Review::default(),
        )
        .expect("register")
        .letter_id;
    let made = w
        .vault
        .route(&mut sc, &own, "稅務管理科", "handler", None, "請辦理")
        .expect("route by the supervisor-clerk");
    assert_eq!(kind(w.vault.approve(&mut sc, &made.id, "同意")), "denied");
    // Another supervisor of the unit decides both.
    let mut sup = w.login("supervisor");
    w.vault
        .approve(&mut sup, &named.id, "同意")
        .expect("approve");
    w.vault
        .approve(&mut sup, &made.id, "同意")
        .expect("approve");
}
