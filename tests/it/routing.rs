//! Need-to-know routing (T1, T3): a role × state matrix through the API and
//! straight against the database file, slips that reveal no one, expiry
//! without anyone acting, identity reveals, and every decision in the ledger.

use sealdesk_api::{
    ApiError, Category, Ended, ErrorKind, InquiryAnswer, NewUser, RegisterMeta, Review, Role,
    Secrecy,
};
use sealdesk_core::crypto::{self, RecoveryCode, WrapBinding};
use sealdesk_core::domain::RoleSet;

use crate::{pass, World};

const PETITION: &str = include_str!("../../crates/sealdesk-core/tests/data/samples/sample-01.txt");
const PROCUREMENT: &str =
    include_str!("../../crates/sealdesk-core/tests/data/samples/sample-04.txt");

fn add(w: &mut World, name: &str, roles: &[Role], unit: &str) {
    let mut admin = w.login("admin");
    w.vault
        .add_user(
            &mut admin,
            &NewUser {
                name: name.into(),
                roles: RoleSet::new(roles.iter().copied()).expect("roles"),
                unit: Some(unit.into()),
                passphrase: pass(name),
            },
        )
        .expect("add user");
}

/// The world plus a second unit with its own supervisor and handler.
fn world() -> World {
    let mut w = World::new();
    add(&mut w, "handler2", &[Role::Handler], "地方稅科");
    add(&mut w, "supervisor2", &[Role::Supervisor], "地方稅科");
    w
}

pub(crate) fn register(w: &mut World, text: &str, category: Category, parties: &[&str]) -> String {
    let mut clerk = w.login("clerk");
    let mut meta = RegisterMeta::new(category, Secrecy::Condition("結案後解密".into()));
    meta.subject = "代號:甲案".into();
    meta.parties = parties.iter().map(|p| p.to_string()).collect();
    w.vault
        .register_text(&mut clerk, text, &meta, &Review::default())
        .expect("register")
        .letter_id
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unrouted,
    InquiryOpen,
    Pending,
    Approved,
    Expired,
    Revoked,
    Denied,
    /// Approved, and the handler asked for the identity (not yet endorsed).
    RevealRequested,
    /// Approved, and the identity reveal endorsed and approved.
    RevealApproved,
}

const STATES: [State; 9] = [
    State::Unrouted,
    State::InquiryOpen,
    State::Pending,
    State::Approved,
    State::Expired,
    State::Revoked,
    State::Denied,
    State::RevealRequested,
    State::RevealApproved,
];

impl State {
    /// The handler holds an active access assignment.
    fn approved(self) -> bool {
        matches!(
            self,
            State::Approved | State::RevealRequested | State::RevealApproved
        )
    }
}
const ACTORS: [&str; 8] = [
    "admin",
    "clerk",
    "clerk2",
    "supervisor",
    "handler",
    "supervisor2",
    "handler2",
    "auditor",
];

/// Builds a letter in `state`; returns its id and, once approved, the assignment id.
fn letter_in(w: &mut World, state: State) -> String {
    let id = register(w, PETITION, Category::Whistleblower, &[]);
    if state == State::Unrouted {
        return id;
    }
    let mut clerk = w.login("clerk");
    if state == State::InquiryOpen {
        w.vault
            .inquire(&mut clerk, &id, &["稅務管理科".into()], None)
            .expect("inquire");
        return id;
    }
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請貴科辦理")
        .expect("route")
        .id;
    if state == State::Pending {
        return id;
    }
    let mut sup = w.login("supervisor");
    if state == State::Denied {
        w.vault
            .deny_request(&mut sup, &req, "非本科業務")
            .expect("deny");
        return id;
    }
    let a = w.vault.approve(&mut sup, &req, "同意").expect("approve");
    match state {
        State::Expired => w.clock.advance_secs(31 * 86_400),
        State::Revoked => {
            w.vault.revoke(&mut sup, &a.id, "改分").expect("revoke");
        }
        State::RevealRequested | State::RevealApproved => {
            let mut h = w.login("handler");
            let rr = w
                .vault
                .reveal_request(&mut h, &id, "需通知陳情人補件")
                .expect("reveal request");
            if state == State::RevealApproved {
                w.vault.reveal_endorse(&mut clerk, &rr.id).expect("endorse");
                w.vault.approve(&mut sup, &rr.id, "同意").expect("approve");
            }
        }
        _ => {}
    }
    id
}

/// Every record of a letter that `user`'s own key opens straight from the
/// file, by purpose, by any path a wrapped key takes: the key wraps, and the
/// grant layers of its requests (outer layer to a supervisor, inner wrap to
/// the handler).
fn records_opened_from_file(w: &World, user: &str, letter_id: &str) -> Vec<String> {
    let dir = w.dir();
    let (_, own) = crate::attacker::own_key_in_store(dir, user);
    // (key id, key purpose, a wrap that may open to this user)
    let mut wraps = crate::attacker::key_wraps_in_store(dir, Some(letter_id));
    let keys: Vec<(String, String)> = crate::attacker::store_of(dir)
        .read(|db| db.list_data_keys())
        .expect("keys")
        .into_iter()
        .filter(|k| k.letter_id == letter_id)
        .map(|k| (k.id, k.purpose))
        .collect();
    let layers = crate::attacker::store_of(dir)
        .read(|db| db.grant_layers_of_letter(letter_id))
        .expect("layers");
    for (request_id, _, layer) in layers {
        let Ok(payload) = crypto::unwrap_with(
            &own,
            &WrapBinding {
                record_id: &request_id,
                purpose: "grant",
            },
            &layer,
        ) else {
            continue;
        };
        // clerk id (32) ‖ clerk's signature (64) ‖ inner wrap
        if let Some(inner) = payload.expose().get(96..) {
            wraps.extend(
                keys.iter()
                    .map(|(kid, purpose)| (kid.clone(), purpose.clone(), inner.to_vec())),
            );
        }
    }
    let mut opened = Vec::new();
    for (kid, purpose, wrapped) in wraps {
        let Ok(dk) = crypto::unwrap_data_key(
            &own,
            &WrapBinding {
                record_id: &kid,
                purpose: &purpose,
            },
            &wrapped,
        ) else {
            continue;
        };
        opened.extend(crate::attacker::records_opening_in_store(dir, &dk, &kid));
    }
    opened.sort();
    opened.dedup();
    opened
}

#[test]
fn t1_open_matrix_every_role_every_state_api_and_file() {
    for state in STATES {
        let mut w = world();
        let id = letter_in(&mut w, state);
        for actor in ACTORS {
            let allowed = actor == "clerk" || (actor == "handler" && state.approved());
            let mut s = w.login(actor);
            let r = w.vault.open_letter(&mut s, &id, "辦理本案");
            assert_eq!(r.is_ok(), allowed, "{actor} in {state:?}: {r:?}");
            if let Err(e) = &r {
                assert!(
                    matches!(e, ApiError::Denied(_)),
                    "{actor} in {state:?}: {e:?}"
                );
            }
            // What the actor's own key opens straight from the file, by every
            // path a wrapped secret takes (key wraps and grant layers):
            // exactly what the API would show them, never more.
            let expected: Vec<&str> = match actor {
                "clerk" => vec![
                    "fulltext", "handler", "identity", "original", "register", "working",
                ],
                "handler" if state == State::RevealApproved => {
                    vec!["handler", "identity", "register", "working"]
                }
                "handler" if state.approved() => vec!["handler", "register", "working"],
                _ => vec![],
            };
            assert_eq!(
                records_opened_from_file(&w, actor, &id),
                expected,
                "{actor} in {state:?}: records their key opens from the file"
            );
        }
    }
}

#[test]
fn t1_decision_matrix_only_the_units_supervisor_decides() {
    let mut w = world();
    let id = letter_in(&mut w, State::Unrouted);
    let mut clerk = w.login("clerk");
    // Only a clerk holding the key routes.
    for actor in ["admin", "clerk2", "supervisor", "handler", "auditor"] {
        let mut s = w.login(actor);
        assert!(
            w.vault
                .route(&mut s, &id, "稅務管理科", "handler", None, "x")
                .is_err_and(|e| e.kind() == ErrorKind::Denied),
            "{actor} routed"
        );
    }
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route")
        .id;
    for actor in [
        "admin",
        "clerk",
        "clerk2",
        "handler",
        "supervisor2",
        "handler2",
        "auditor",
    ] {
        let mut s = w.login(actor);
        assert!(
            w.vault
                .approve(&mut s, &req, "ok")
                .is_err_and(|e| e.kind() == ErrorKind::Denied),
            "{actor} approved"
        );
        assert!(
            w.vault
                .deny_request(&mut s, &req, "no")
                .is_err_and(|e| e.kind() == ErrorKind::Denied),
            "{actor} denied"
        );
    }
    let mut sup = w.login("supervisor");
    let a = w
        .vault
        .approve(&mut sup, &req, "同意")
        .expect("the unit's supervisor approves");
    assert!(
        w.vault
            .approve(&mut sup, &req, "again")
            .is_err_and(|e| e.kind() == ErrorKind::Denied),
        "a decided request stays decided"
    );
    // A handler cannot route onward or add readers.
    let mut h = w.login("handler");
    assert!(w
        .vault
        .route(&mut h, &id, "稅務管理科", "handler", None, "轉")
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    let mut sup2 = w.login("supervisor2");
    assert!(
        w.vault
            .revoke(&mut sup2, &a.id, "x")
            .is_err_and(|e| e.kind() == ErrorKind::Denied),
        "another unit's supervisor cannot revoke"
    );
}

#[test]
fn a_supervisor_cannot_approve_their_own_request() {
    let mut w = World::new();
    add(
        &mut w,
        "chief",
        &[Role::Clerk, Role::Supervisor],
        "稅務管理科",
    );
    let mut chief = w.login("chief");
    let mut meta = RegisterMeta::new(Category::Petition, Secrecy::Until("2030-01-01".into()));
    meta.subject = "x".into();
    let id = w
        .vault
        .register_text(&mut chief, PETITION, &meta, &Review::default())
        .expect("register")
        .letter_id;
    let req = w
        .vault
        .route(&mut chief, &id, "稅務管理科", "handler", None, "自辦")
        .expect("route")
        .id;
    let err = w
        .vault
        .approve(&mut chief, &req, "自己核准")
        .expect_err("own request");
    assert!(matches!(err, ApiError::Denied(_)), "{err:?}");
    let mut sup = w.login("supervisor");
    w.vault
        .approve(&mut sup, &req, "同意")
        .expect("another supervisor approves");
}

#[test]
fn t3_slips_and_inquiries_reveal_no_identity_and_no_party() {
    let mut w = world();
    let id = register(
        &mut w,
        PROCUREMENT,
        Category::ProcurementObjection,
        &["立穩工程股份有限公司", "金鼎機電工程有限公司"],
    );
    let mut clerk = w.login("clerk");
    // A reply-by date the calendar lacks is refused before anything is sent.
    assert!(matches!(
        w.vault
            .inquire(&mut clerk, &id, &["稅務管理科".into()], Some("115/13/45")),
        Err(ApiError::BadInput(_))
    ));
    assert!(w.vault.inquiries(&mut clerk).expect("list").is_empty());
    let qs = w
        .vault
        .inquire(
            &mut clerk,
            &id,
            &["稅務管理科".into(), "地方稅科".into()],
            Some("民國115年12月5日"),
        )
        .expect("inquire");
    let serialized = serde_json::to_string(&qs).expect("json");
    for secret in [
        "立穩工程",
        "金鼎機電",
        "黃宗華",
        "66617603",
        "1590-1092",
        "tacgtm20",
        "112A585",
    ] {
        assert!(
            !serialized.contains(secret),
            "slip reveals {secret}: {serialized}"
        );
    }
    assert!(serialized.contains("代號:甲案"));
    // Each addressee sees only their own unit's inquiry.
    let mut sup = w.login("supervisor");
    let mine = w.vault.inquiries(&mut sup).expect("inquiries");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].unit, "稅務管理科");
    // Typed in 民國, kept as ISO.
    assert_eq!(
        mine[0].slip.as_ref().and_then(|s| s.reply_by.as_deref()),
        Some("2026-12-05")
    );
    assert_eq!(
        mine[0].slip.as_ref().and_then(|s| s.deadline.as_deref()),
        None,
        "the reply-by date is not the letter's 辦理期限"
    );
    let theirs = qs.iter().find(|q| q.unit == "地方稅科").expect("other");
    assert!(matches!(
        w.vault.answer_inquiry(&mut sup, &theirs.id, true),
        Err(ApiError::Denied(_))
    ));
    let answered = w
        .vault
        .answer_inquiry(&mut sup, &mine[0].id, true)
        .expect("answer");
    assert_eq!(answered.answer, Some(InquiryAnswer::Ours));
    let back = w.vault.inquiries(&mut clerk).expect("clerk sees answers");
    assert!(back
        .iter()
        .any(|q| q.unit == "稅務管理科" && q.answer == Some(InquiryAnswer::Ours)));
    // The handler must affirm no relationship with the parties at first
    // open; then reads the objection with the objecting company named (the
    // handler answers it) and its contact data masked.
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "貴科承辦")
        .expect("route")
        .id;
    w.vault.approve(&mut sup, &req, "同意").expect("approve");
    let mut h = w.login("handler");
    let err = w
        .vault
        .open_letter(&mut h, &id, "辦理異議")
        .expect_err("affirmation first");
    assert_eq!(err.kind(), "affirmation_required");
    assert!(
        err.to_string().contains("立穩工程股份有限公司"),
        "the handler is told whom to affirm about"
    );
    let c = w
        .vault
        .open_letter_affirming(&mut h, &id, "辦理異議", true)
        .expect("opens after affirming");
    assert!(
        c.text.contains("立穩工程") && c.text.contains("66617603"),
        "{}",
        c.text
    );
    assert!(
        !c.text.contains("tacgtm20") && !c.text.contains("1590-1092"),
        "{}",
        c.text
    );
    w.vault
        .open_letter(&mut h, &id, "再辦理")
        .expect("affirmation is asked once");
    // The prompt was a prompt: the ledger holds no refusal of the handler,
    // so the refusals an auditor looks for are real ones.
    w.grant_auditor();
    let mut a = w.login("auditor");
    let refused: Vec<_> = w
        .vault
        .ledger_entries(&mut a)
        .expect("entries")
        .into_iter()
        .filter(|e| e.body.user == "handler" && e.body.outcome == sealdesk_api::Outcome::Denied)
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
}

#[test]
fn expiry_removes_access_without_anyone_acting() {
    let mut w = world();
    let id = letter_in(&mut w, State::Approved);
    let mut h = w.login("handler");
    // The handler's list says what each letter is: its subject (代號), from
    // the register the handler's own key opens.
    let listed = w.vault.assignments(&mut h).expect("assignments");
    assert_eq!(listed[0].subject.as_deref(), Some("代號:甲案"));
    let mut sup = w.login("supervisor");
    let unit = w.vault.unit_assignments(&mut sup).expect("unit");
    assert_eq!(unit[0].subject, None, "the supervisor holds no letter key");
    w.vault
        .open_letter(&mut h, &id, "辦理")
        .expect("open while assigned");
    assert_eq!(
        records_opened_from_file(&w, "handler", &id),
        vec!["handler", "register", "working"]
    );
    w.clock.advance_secs(31 * 86_400);
    // Any call by anyone sweeps lapsed assignments first.
    let mut other = w.login("auditor");
    let _ = w.vault.whoami(&mut other);
    assert_eq!(
        records_opened_from_file(&w, "handler", &id),
        Vec::<String>::new(),
        "the handler's wrap is gone"
    );
    let mut h = w.login("handler");
    assert!(matches!(
        w.vault.open_letter(&mut h, &id, "辦理"),
        Err(ApiError::Denied(_))
    ));
    let a = w.vault.assignments(&mut h).expect("assignments");
    assert_eq!(a[0].ended, Some(Ended::Expired));
    assert_eq!(
        a[0].subject, None,
        "an ended access shows no register field"
    );
}

#[test]
fn identity_reveal_needs_the_clerk_and_the_supervisor_and_lapses() {
    let mut w = world();
    let id = letter_in(&mut w, State::Approved);
    let mut h = w.login("handler");
    assert!(matches!(
        w.vault.reveal_show(&mut h, &id),
        Err(ApiError::Denied(_))
    ));
    let req = w
        .vault
        .reveal_request(&mut h, &id, "需通知檢舉人補正")
        .expect("request")
        .id;
    // The supervisor cannot decide before the clerk endorses.
    let mut sup = w.login("supervisor");
    assert!(w
        .vault
        .approve(&mut sup, &req, "同意")
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    let mut clerk2 = w.login("clerk2");
    assert!(
        w.vault
            .reveal_endorse(&mut clerk2, &req)
            .is_err_and(|e| e.kind() == ErrorKind::Denied),
        "only the clerk holding the identity endorses"
    );
    let mut clerk = w.login("clerk");
    w.vault.reveal_endorse(&mut clerk, &req).expect("endorse");
    assert!(
        matches!(w.vault.reveal_show(&mut h, &id), Err(ApiError::Denied(_))),
        "not before approval"
    );
    w.vault
        .approve(&mut sup, &req, "同意揭露")
        .expect("approve");
    let v = w.vault.reveal_show(&mut h, &id).expect("shown");
    assert!(v.findings.iter().any(|f| f.value == "C181590831"));
    w.clock.advance_secs(8 * 86_400);
    let mut h = w.login("handler");
    assert!(
        w.vault
            .reveal_show(&mut h, &id)
            .is_err_and(|e| e.kind() == ErrorKind::Denied),
        "a reveal lapses after 7 days"
    );
}

#[test]
fn every_decision_and_denial_is_in_the_ledger() {
    let mut w = world();
    let id = letter_in(&mut w, State::Revoked);
    let mut h2 = w.login("handler2");
    let _ = w.vault.open_letter(&mut h2, &id, "好奇");
    let code = RecoveryCode::parse(&w.recovery_code).expect("code");
    w.vault
        .recover_grant_ledger(&code, "auditor")
        .expect("grant");
    let mut a = w.login("auditor");
    let entries = w.vault.ledger_entries(&mut a).expect("entries");
    let has = |user: &str, action: &str, outcome: &str, needle: &str| {
        entries.iter().any(|e| {
            let b = &e.body;
            b.user == user
                && b.action == action
                && b.outcome == outcome
                && (b.reason.as_deref().unwrap_or("").contains(needle)
                    || b.detail.as_deref().unwrap_or("").contains(needle))
        })
    };
    assert!(has("clerk", "route_request", "allowed", "請貴科辦理"));
    assert!(has("supervisor", "route_decision", "allowed", "同意"));
    assert!(has("supervisor", "route_decision", "allowed", "改分"));
    assert!(has("handler2", "view", "denied", "好奇"));
}

/// Every routing call × every role × every letter state: allowed exactly
/// where the rules say, every refusal is a `denied` (T1, T4, T9), and an
/// allowed `list` shows exactly the lines the rules give.
#[test]
fn t1_every_call_every_role_every_state() {
    // Mutating calls go last and by the one actor allowed, so earlier checks
    // see the state as built.
    const ORDER: [&str; 8] = [
        "admin",
        "auditor",
        "clerk2",
        "handler2",
        "supervisor2",
        "handler",
        "clerk",
        "supervisor",
    ];
    for state in STATES {
        let mut w = world();
        let id = letter_in(&mut w, state);
        // A second letter in the same state, for the call that competes with
        // the first for the same request or assignment (deny vs approve,
        // decline vs revoke).
        if matches!(state, State::Pending | State::Approved) {
            letter_in(&mut w, state);
        }
        let mut sup = w.login("supervisor");
        let mut pending: Vec<(String, String)> = w
            .vault
            .requests(&mut sup)
            .expect("requests")
            .into_iter()
            .filter(|r| r.status == "pending" && r.kind == "access")
            .map(|r| (r.receipt_no, r.id))
            .collect();
        pending.sort();
        let inquiry = w
            .vault
            .inquiries(&mut sup)
            .expect("inquiries")
            .into_iter()
            .next()
            .map(|i| i.id);
        let mut h = w.login("handler");
        let mut assignments: Vec<(String, String)> = w
            .vault
            .assignments(&mut h)
            .expect("assignments")
            .into_iter()
            .filter(|a| a.active && a.kind == "access")
            .map(|a| (a.receipt_no, a.id))
            .collect();
        assignments.sort();
        let mut clerk = w.login("clerk");
        let to_endorse = w
            .vault
            .requests(&mut clerk)
            .expect("clerk's requests")
            .into_iter()
            .find(|r| r.status == "awaiting_endorsement")
            .map(|r| r.id);
        // What each state must offer, so no branch below is skipped unseen.
        assert_eq!(
            pending.len(),
            if state == State::Pending { 2 } else { 0 },
            "{state:?}"
        );
        assert_eq!(inquiry.is_some(), state == State::InquiryOpen, "{state:?}");
        let expect_asg = match state {
            State::Approved => 2,
            State::RevealRequested | State::RevealApproved => 1,
            _ => 0,
        };
        assert_eq!(assignments.len(), expect_asg, "{state:?}");
        assert_eq!(
            to_endorse.is_some(),
            state == State::RevealRequested,
            "{state:?}"
        );

        for actor in ORDER {
            let mut s = w.login(actor);
            let check = |call: &str, r: Result<(), ApiError>, allowed: bool| {
                assert_eq!(r.is_ok(), allowed, "{call} by {actor} in {state:?}: {r:?}");
                if let Err(e) = r {
                    assert!(
                        matches!(e, ApiError::Denied(_)),
                        "{call} by {actor} in {state:?}: {e:?}"
                    );
                }
            };
            let approved = state.approved();
            let handler_reads = actor == "handler" && approved;

            // list: who may list, and exactly which line they get.
            let role_reads = [
                "clerk",
                "clerk2",
                "supervisor",
                "supervisor2",
                "handler",
                "handler2",
            ]
            .contains(&actor);
            match w.vault.list_letters(&mut s) {
                Err(e) => check("list", Err(e), role_reads),
                Ok(lines) => {
                    assert!(role_reads, "list by {actor} in {state:?} allowed");
                    let line: Vec<bool> = lines
                        .iter()
                        .filter(|l| l.id == id)
                        .map(|l| l.can_read)
                        .collect();
                    let expected = match actor {
                        "clerk" => vec![true],
                        "clerk2" => vec![false],
                        "handler" if approved => vec![true],
                        _ => vec![],
                    };
                    assert_eq!(
                        line, expected,
                        "list by {actor} in {state:?}: the letter's line"
                    );
                }
            }
            check(
                "open",
                w.vault.open_letter(&mut s, &id, "辦理").map(|_| ()),
                actor == "clerk" || handler_reads,
            );
            check(
                "reveal_show",
                w.vault.reveal_show(&mut s, &id).map(|_| ()),
                actor == "clerk" || (actor == "handler" && state == State::RevealApproved),
            );
            check(
                "reveal_request",
                w.vault.reveal_request(&mut s, &id, "需聯繫").map(|_| ()),
                handler_reads,
            );
            if let Some(rr) = &to_endorse {
                check(
                    "reveal_endorse",
                    w.vault.reveal_endorse(&mut s, rr).map(|_| ()),
                    actor == "clerk",
                );
            }
            if let Some(q) = &inquiry {
                check(
                    "answer",
                    w.vault.answer_inquiry(&mut s, q, true).map(|_| ()),
                    actor == "supervisor",
                );
            }
            check(
                "inquire",
                w.vault
                    .inquire(&mut s, &id, &["稅務管理科".into()], None)
                    .map(|_| ()),
                actor == "clerk",
            );
            check(
                "route",
                w.vault
                    .route(&mut s, &id, "稅務管理科", "handler", None, "分文")
                    .map(|_| ()),
                actor == "clerk",
            );
            if let [(_, first), (_, second)] = pending.as_slice() {
                check(
                    "approve",
                    w.vault.approve(&mut s, first, "同意").map(|_| ()),
                    actor == "supervisor",
                );
                check(
                    "deny",
                    w.vault.deny_request(&mut s, second, "非本科").map(|_| ()),
                    actor == "supervisor",
                );
            }
            if let Some((_, first)) = assignments.first() {
                check(
                    "revoke",
                    w.vault.revoke(&mut s, first, "改分").map(|_| ()),
                    actor == "supervisor",
                );
            }
            if let [_, (_, second)] = assignments.as_slice() {
                check(
                    "decline",
                    w.vault.decline(&mut s, second, "利益迴避").map(|_| ()),
                    actor == "handler",
                );
            }
        }
    }
}

#[test]
fn t1_register_lines_each_role_and_unit_sees() {
    let mut w = world();
    let a = w.register("甲案內容");
    let b = w.register("乙案內容");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &a, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    let asg = w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    let seen = |w: &mut World, name: &str| -> Result<Vec<(String, bool)>, String> {
        let mut s = w.login(name);
        w.vault
            .list_letters(&mut s)
            .map(|v| v.into_iter().map(|l| (l.id, l.can_read)).collect())
            .map_err(|e| e.kind().to_string())
    };
    let mut both = vec![(a.clone(), true), (b.clone(), true)];
    both.sort();
    let mut got = seen(&mut w, "clerk").expect("clerk");
    got.sort();
    assert_eq!(got, both, "the registering clerk: every line, and the keys");
    let mut got = seen(&mut w, "clerk2").expect("clerk2");
    got.sort();
    let mut lines: Vec<(String, bool)> = both.iter().map(|(id, _)| (id.clone(), false)).collect();
    lines.sort();
    assert_eq!(got, lines, "another clerk: every line, no key");
    assert_eq!(seen(&mut w, "handler"), Ok(vec![(a.clone(), true)]));
    for name in ["handler2", "supervisor", "supervisor2"] {
        assert_eq!(seen(&mut w, name), Ok(vec![]), "{name} sees no line");
    }
    for name in ["admin", "auditor"] {
        assert_eq!(seen(&mut w, name), Err("denied".into()), "{name}");
    }
    w.vault.revoke(&mut sup, &asg.id, "結案").expect("revoke");
    assert_eq!(seen(&mut w, "handler"), Ok(vec![]), "after revoke");
}

#[test]
fn t1_an_approved_reveal_opens_the_identity_record_and_nothing_more() {
    let mut w = world();
    let id = register(&mut w, PETITION, Category::Petition, &[]);
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    assert_eq!(
        records_opened_from_file(&w, "handler", &id),
        vec!["handler", "register", "working"],
        "access: the working copy and the register record"
    );
    let mut h = w.login("handler");
    let rr = w
        .vault
        .reveal_request(&mut h, &id, "需聯絡陳情人")
        .expect("reveal");
    w.vault.reveal_endorse(&mut clerk, &rr.id).expect("endorse");
    w.vault.approve(&mut sup, &rr.id, "同意").expect("approve");
    assert_eq!(
        records_opened_from_file(&w, "handler", &id),
        vec!["handler", "identity", "register", "working"],
        "a reveal adds the identity record: never the original or its full text"
    );
    assert_eq!(
        records_opened_from_file(&w, "clerk", &id),
        vec!["fulltext", "handler", "identity", "original", "register", "working"],
        "the registering clerk holds everything"
    );
}

/// Who is protected, and from whom: the writer's identity is sealed and
/// masked for the handler; the official the complaint is about is named to
/// the assigned handler (who investigates them), and masked on the routing
/// slip like everything else. The clerk can decide otherwise.
#[test]
fn t3_the_handler_sees_whom_a_complaint_is_about_but_not_who_wrote_it() {
    let mut w = world();
    let id = letter_in(&mut w, State::Approved);
    let mut h = w.login("handler");
    let c = w.vault.open_letter(&mut h, &id, "調查").expect("open");
    assert!(
        c.text.contains("廖雅君"),
        "the official complained of: {}",
        c.text
    );
    for writer in [
        "許俊宏",
        "C181590831",
        "sdhu81@gmail.com",
        "中央西路二段26號",
    ] {
        assert!(
            !c.text.contains(writer),
            "{writer} reached the handler: {}",
            c.text
        );
    }
    // The slip and the register show neither.
    let mut clerk = w.login("clerk");
    let slip = w.vault.routing_slip(&mut clerk, &id).expect("slip");
    assert!(!slip.summary.contains("廖雅君") && !slip.summary.contains("許俊宏"));
    // A clerk who judges the official must be protected too says so.
    let mut meta = RegisterMeta::new(Category::Whistleblower, Secrecy::Condition("結案後".into()));
    meta.subject = "代號:乙案".into();
    let review = Review {
        shown: Some(vec![]),
        ..Review::default()
    };
    let sealed_all = w
        .vault
        .register_text(&mut clerk, PETITION, &meta, &review)
        .expect("register")
        .letter_id;
    let req = w
        .vault
        .route(
            &mut clerk,
            &sealed_all,
            "稅務管理科",
            "handler",
            None,
            "請辦理",
        )
        .expect("route")
        .id;
    let mut sup = w.login("supervisor");
    w.vault.approve(&mut sup, &req, "同意").expect("approve");
    let mut h = w.login("handler");
    let c = w
        .vault
        .open_letter(&mut h, &sealed_all, "調查")
        .expect("open");
    assert!(
        !c.text.contains("廖雅君") && !c.text.contains("許俊宏"),
        "{}",
        c.text
    );
}
