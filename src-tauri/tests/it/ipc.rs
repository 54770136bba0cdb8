//! The commands through Tauri's IPC layer with the app's real context and
//! capabilities (MockRuntime, no display needed).

use std::sync::Arc;

use sealdesk_app::{setup, AppState};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn app() -> App {
    app_with_clock(Arc::new(sealdesk_api::SystemClock))
}

fn app_with_clock(clock: Arc<dyn sealdesk_api::Clock>) -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("vault");
    sealdesk_api::demo::create_demo_vault(
        &vault,
        Arc::new(sealdesk_api::SystemClock),
        sealdesk_api::seeded_rng(3),
    )
    .expect("demo vault");
    let app = setup(mock_builder(), AppState::with_clock(vault, clock))
        .build(sealdesk_app::context())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    App {
        _app: app,
        window,
        _dir: dir,
    }
}

fn invoke(app: &App, cmd: &str, body: Value) -> Result<Value, Value> {
    invoke_from(app, "tauri://localhost", cmd, body)
}

fn invoke_from(app: &App, origin: &str, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        &app.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().expect("url"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json response"))
}

#[test]
fn login_whoami_lock_round_trip() {
    let app = app();
    let me = invoke(
        &app,
        "login",
        json!({"args": {"name": "handler", "passphrase": "demo-handler-pass"}}),
    )
    .expect("login");
    assert_eq!(me["name"], "handler");
    assert_eq!(me["roles"], json!(["handler"]));
    assert_eq!(me["unit"], "稅務管理科");
    assert_eq!(me["idle_timeout_secs"], 600);
    assert_eq!(
        invoke(&app, "whoami", json!({})).expect("whoami")["name"],
        "handler"
    );
    invoke(&app, "lock", json!({})).expect("lock");
    let err = invoke(&app, "whoami", json!({})).expect_err("locked");
    assert_eq!(err["kind"], "not_logged_in");
}

#[test]
fn errors_carry_a_stable_kind() {
    let app = app();
    let err = invoke(
        &app,
        "login",
        json!({"args": {"name": "handler", "passphrase": "wrong"}}),
    )
    .expect_err("wrong");
    assert_eq!(
        err,
        json!({"kind": "bad_credentials", "message": "wrong user name or passphrase", "retry_after_secs": null})
    );
    let err = invoke(
        &app,
        "login",
        json!({"args": {"name": "nobody", "passphrase": "wrong"}}),
    )
    .expect_err("unknown user");
    assert_eq!(err["kind"], "bad_credentials");
    let err = invoke(&app, "whoami", json!({})).expect_err("not logged in");
    assert_eq!(err["kind"], "not_logged_in");
    // Wrong passphrases slow further tries: the wait comes as a number, for
    // the UI to say in zh-TW.
    let throttled = (0..12)
        .map(|_| {
            invoke(
                &app,
                "login",
                json!({"args": {"name": "handler", "passphrase": "wrong"}}),
            )
            .expect_err("wrong")
        })
        .find(|e| e["kind"] == "throttled")
        .expect("throttled within 12 tries");
    assert!(
        throttled["retry_after_secs"]
            .as_i64()
            .is_some_and(|s| s > 0),
        "{throttled}"
    );
}

#[test]
fn a_failed_login_ends_the_previous_session() {
    let app = app();
    invoke(
        &app,
        "login",
        json!({"args": {"name": "clerk", "passphrase": "demo-clerk-pass"}}),
    )
    .expect("login");
    invoke(
        &app,
        "login",
        json!({"args": {"name": "handler", "passphrase": "bad"}}),
    )
    .expect_err("wrong");
    // Someone else typing at this desk must not inherit the clerk's session.
    assert_eq!(
        invoke(&app, "whoami", json!({})).expect_err("locked")["kind"],
        "not_logged_in"
    );
}

#[test]
fn commands_outside_the_capability_are_refused() {
    let app = app();
    let err =
        invoke(&app, "plugin:fs|read_file", json!({"path": "/etc/passwd"})).expect_err("no fs");
    assert!(
        err.as_str()
            .is_some_and(|s| s.contains("not found") || s.contains("not allowed")),
        "{err}"
    );
    let err = invoke(&app, "export_everything", json!({})).expect_err("unknown");
    assert!(
        err.as_str()
            .is_some_and(|s| s.contains("not found") || s.contains("not allowed")),
        "{err}"
    );
}

#[test]
fn the_capability_decides_which_window_may_call_a_registered_command() {
    let app = app();
    // `whoami` is registered and the main window's capability lists it: it
    // runs (and says nobody is logged in).
    assert_eq!(
        invoke(&app, "whoami", json!({})).expect_err("nobody")["kind"],
        "not_logged_in"
    );
    // The same registered command from a window the capability does not
    // name is refused by the ACL before it runs.
    let other = tauri::WebviewWindowBuilder::new(&app._app, "other", Default::default())
        .build()
        .expect("second window");
    let err = get_ipc_response(
        &other,
        InvokeRequest {
            cmd: "whoami".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(json!({})),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json"))
    .expect_err("refused");
    assert!(
        err.as_str().is_some_and(|s| s.contains("not allowed")),
        "{err}"
    );
}

#[test]
fn a_remote_page_cannot_call_any_command() {
    let app = app();
    let err = invoke_from(
        &app,
        "https://evil.example",
        "login",
        json!({"args": {"name": "handler", "passphrase": "demo-handler-pass"}}),
    )
    .expect_err("remote origin refused");
    assert!(
        err.as_str().is_some_and(|s| s.contains("not allowed")),
        "{err}"
    );
}

#[test]
fn missing_vault_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = setup(mock_builder(), AppState::new(dir.path().join("none")))
        .build(sealdesk_app::context())
        .expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    let a = App {
        _app: app,
        window,
        _dir: dir,
    };
    let err = invoke(
        &a,
        "login",
        json!({"args": {"name": "x", "passphrase": "y"}}),
    )
    .expect_err("no vault");
    assert_eq!(err["kind"], "no_vault");
}

#[test]
fn letters_lists_what_the_role_may_see() {
    let app = app();
    let err = invoke(&app, "letters", json!({})).expect_err("not logged in");
    assert_eq!(err["kind"], "not_logged_in");

    invoke(
        &app,
        "login",
        json!({"args": {"name": "clerk", "passphrase": "demo-clerk-pass"}}),
    )
    .expect("clerk login");
    let letters = invoke(&app, "letters", json!({})).expect("clerk letters");
    let letters = letters.as_array().expect("an array");
    assert_eq!(letters.len(), 2, "{letters:?}");
    for l in letters {
        let receipt = l["receipt_no"].as_str().expect("receipt_no");
        assert!(receipt.starts_with("SD-"), "{receipt}");
        assert_eq!(l["can_read"], true, "the registering clerk holds the key");
        assert!(l["registered_at"].is_i64(), "{l}");
        for field in ["id", "level", "category"] {
            assert!(l[field].is_string(), "{field} in {l}");
        }
    }
    // Assignments are a handler's; a clerk is refused by the API.
    assert_eq!(
        invoke(&app, "assignments", json!({})).expect_err("clerk")["kind"],
        "denied"
    );

    invoke(
        &app,
        "login",
        json!({"args": {"name": "auditor", "passphrase": "demo-auditor-pass"}}),
    )
    .expect("auditor login");
    let err = invoke(&app, "letters", json!({})).expect_err("auditor");
    assert_eq!(err["kind"], "denied");

    // A handler sees only letters routed to them, and holds a key to each;
    // their assignments are theirs to list.
    invoke(
        &app,
        "login",
        json!({"args": {"name": "handler", "passphrase": "demo-handler-pass"}}),
    )
    .expect("handler login");
    let letters = invoke(&app, "letters", json!({})).expect("handler letters");
    // The demo routes one letter to the handler: an empty list would check nothing.
    let letters = letters.as_array().expect("an array");
    assert!(
        !letters.is_empty(),
        "the demo routes a letter to the handler"
    );
    for l in letters {
        assert_eq!(l["can_read"], true, "{l}");
    }
    let assignments = invoke(&app, "assignments", json!({})).expect("handler assignments");
    let assignments = assignments.as_array().expect("an array");
    assert!(
        !assignments.is_empty(),
        "the handler has the demo's assignment"
    );
    for a in assignments {
        assert!(
            a["receipt_no"]
                .as_str()
                .is_some_and(|r| r.starts_with("SD-")),
            "{a}"
        );
    }

    invoke(&app, "lock", json!({})).expect("lock");
    for cmd in ["letters", "assignments"] {
        assert_eq!(
            invoke(&app, cmd, json!({})).expect_err("locked")["kind"],
            "not_logged_in",
            "{cmd}"
        );
    }
}

#[test]
fn t8_the_app_locks_an_idle_session_in_rust() {
    // 2026-11-27T09:00:00+08:00, then the clock is moved by hand.
    let clock =
        sealdesk_api::ManualClock::at(sealdesk_core::Timestamp::from_unix_secs(1_795_741_200));
    let app = app_with_clock(Arc::new(clock.clone()));
    let me = invoke(
        &app,
        "login",
        json!({"args": {"name": "clerk", "passphrase": "demo-clerk-pass"}}),
    )
    .expect("login");
    let idle = me["idle_timeout_secs"].as_i64().expect("idle timeout");
    clock.advance_secs(idle - 1);
    invoke(&app, "letters", json!({})).expect("still open just before the limit");
    clock.advance_secs(idle);
    let err = invoke(&app, "whoami", json!({})).expect_err("idle");
    assert_eq!(err["kind"], "locked", "{err}");
    // And it stays locked: nothing but a new login opens it again.
    let err = invoke(&app, "letters", json!({})).expect_err("still locked");
    assert_eq!(err["kind"], "locked", "{err}");
}

fn log_in(app: &App, name: &str) {
    invoke(
        app,
        "login",
        json!({"args": {"name": name, "passphrase": format!("demo-{name}-pass")}}),
    )
    .unwrap_or_else(|e| panic!("{name} logs in: {e}"));
}

/// Every role's day through the commands the screens use, with the real
/// vault, crypto and ledger (no window): register from a reviewed draft,
/// route, approve, open with affirmation, copy, change roles and settings,
/// and find it all in the ledger.
#[test]
fn every_role_s_day_through_the_screens_commands() {
    let app = app();
    log_in(&app, "clerk");
    let letter =
        "陳情人：林志明\n聯絡電話：0912-345-678\n主旨：檢舉某工程公司偷工減料，請派員查處。\n";
    let draft = invoke(&app, "draft_text", json!({"args": {"text": letter}})).expect("draft");
    let findings = draft["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["kind"] == "phone"),
        "the phone is found: {draft}"
    );
    // Offsets are UTF-16 code units: the phone's span cuts out its digits.
    let phone = findings
        .iter()
        .find(|f| f["kind"] == "phone")
        .expect("phone");
    let utf16: Vec<u16> = letter.encode_utf16().collect();
    let (s, e) = (
        phone["start"].as_u64().expect("start") as usize,
        phone["end"].as_u64().expect("end") as usize,
    );
    assert_eq!(String::from_utf16_lossy(&utf16[s..e]), "0912-345-678");
    assert_eq!(draft["duplicate_of"], Value::Null);
    let registered = invoke(
        &app,
        "register_draft",
        json!({"args": {
            "draft_id": draft["draft_id"], "category": "whistleblower", "level": "密",
            "secrecy": {"condition": "結案後解密"}, "subject": "工程檢舉（代號甲）",
            "sender_agency": null, "sender": "林志明", "sender_doc_no": null,
            "received_at": null, "deadline": "2099-12-31", "parties": ["某工程公司"],
            "drop": [], "add": [["organization", "某工程公司"]]
        }}),
    )
    .expect("registered");
    let letter_id = registered["letter_id"].as_str().expect("id").to_owned();
    // The same text again is flagged as a duplicate.
    let again = invoke(&app, "draft_text", json!({"args": {"text": letter}})).expect("draft");
    assert_eq!(again["duplicate_of"], registered["receipt_no"]);
    invoke(
        &app,
        "discard_draft",
        json!({"args": {"draft_id": again["draft_id"]}}),
    )
    .expect("discard");

    let line = invoke(&app, "letters", json!({}))
        .expect("letters")
        .as_array()
        .expect("list")
        .iter()
        .find(|l| l["id"] == letter_id.as_str())
        .cloned()
        .expect("the new line");
    assert_eq!(line["register"]["subject"], "工程檢舉（代號甲）");
    assert_eq!(line["register"]["deadline"], "2099-12-31");
    assert_eq!(line["routing"]["status"], "new");

    let dir = invoke(&app, "directory", json!({})).expect("directory");
    let unit = dir["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| {
            u["handlers"]
                .as_array()
                .is_some_and(|h| h.contains(&json!("handler")))
        })
        .expect("the handler's unit")["unit"]
        .as_str()
        .expect("unit")
        .to_owned();
    let slip = invoke(&app, "routing_slip", json!({"args": {"letter": letter_id}})).expect("slip");
    let slip_text = slip.to_string();
    for secret in ["林志明", "0912", "某工程公司"] {
        assert!(
            !slip_text.contains(secret),
            "the slip leaks {secret}: {slip_text}"
        );
    }
    let req = invoke(
        &app,
        "route",
        json!({"args": {"letter": letter_id, "unit": unit, "handler": "handler", "until": null, "reason": "請貴科查處"}}),
    )
    .expect("route");
    assert_eq!(req["status"], "pending");
    invoke(&app, "lock", json!({})).expect("lock");

    log_in(&app, "supervisor");
    let queue = invoke(&app, "requests", json!({})).expect("queue");
    let mine = queue
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == req["id"])
        .cloned()
        .expect("the request waits for the supervisor");
    assert_eq!(mine["reason"], "請貴科查處");
    assert_eq!(mine["slip"]["subject"], "工程檢舉（代號甲）");
    assert!(!mine.to_string().contains("林志明"));
    invoke(
        &app,
        "approve",
        json!({"args": {"request": req["id"], "reason": "同意"}}),
    )
    .expect("approve");
    let unit_list = invoke(&app, "unit_assignments", json!({})).expect("unit assignments");
    let held = unit_list
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["letter_id"] == letter_id.as_str())
        .cloned()
        .expect("the unit's new assignment");
    assert_eq!(held["handler"], "handler");
    invoke(&app, "lock", json!({})).expect("lock");

    log_in(&app, "handler");
    let open = |affirm: bool| {
        invoke(
            &app,
            "open_letter",
            json!({"args": {"letter": letter_id, "reason": "辦理", "affirm_no_conflict": affirm}}),
        )
    };
    assert_eq!(
        open(false).expect_err("affirm first")["kind"],
        "affirmation_required"
    );
    let content = open(true).expect("opened");
    let text = content["text"].as_str().expect("text");
    assert!(
        !text.contains("0912") && !text.contains("林志明"),
        "masked: {text}"
    );
    invoke(
        &app,
        "copy_recorded",
        json!({"args": {"letter": letter_id, "chars": 12}}),
    )
    .expect("copy");
    // Another letter's copy is refused: the handler is not assigned it.
    let other = invoke(
        &app,
        "copy_recorded",
        json!({"args": {"letter": "no-such-letter", "chars": 1}}),
    )
    .expect_err("not assigned");
    assert!(["not_found", "denied"].contains(&other["kind"].as_str().unwrap_or_default()));
    // The handler may not use the clerk's or admin's commands.
    for (cmd, body) in [
        ("directory", json!({})),
        ("users", json!({})),
        ("unit_assignments", json!({})),
        ("routing_slip", json!({"args": {"letter": letter_id}})),
        ("draft_text", json!({"args": {"text": "x"}})),
    ] {
        assert_eq!(
            invoke(&app, cmd, body).expect_err(cmd)["kind"],
            "denied",
            "{cmd}"
        );
    }
    invoke(&app, "lock", json!({})).expect("lock");

    log_in(&app, "admin");
    let changed = invoke(
        &app,
        "set_user_roles",
        json!({"args": {"name": "handler", "roles": ["handler", "clerk"], "unit": unit}}),
    )
    .expect("roles changed");
    assert_eq!(changed["roles"], json!(["clerk", "handler"]));
    let settings = invoke(
        &app,
        "set_settings",
        json!({"args": {"idle_timeout_secs": 900, "max_access_days": 30}}),
    )
    .expect("settings");
    assert_eq!(
        settings,
        json!({"idle_timeout_secs": 900, "max_access_days": 30})
    );
    assert_eq!(
        invoke(
            &app,
            "set_settings",
            json!({"args": {"idle_timeout_secs": 900, "max_access_days": 400}})
        )
        .expect_err("over the hard limit")["kind"],
        "bad_input"
    );
    invoke(&app, "lock", json!({})).expect("lock");

    log_in(&app, "auditor");
    let readout = invoke(&app, "ledger_readout", json!({})).expect("entries");
    assert_eq!(readout["unreadable"], json!([]), "{readout}");
    let actions: Vec<&str> = readout["entries"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|e| e["letter_id"] == letter_id.as_str() || e["action"] == "user_admin")
        .filter_map(|e| e["action"].as_str())
        .collect();
    for want in [
        "register",
        "route_request",
        "route_decision",
        "view",
        "copy",
        "user_admin",
    ] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
    let verdict = invoke(&app, "ledger_verify", json!({})).expect("verify");
    assert_eq!(verdict["intact"], true, "{verdict}");
}

#[test]
fn the_save_dialog_is_the_apps_and_a_window_without_one_says_so() {
    let app = app();
    // The page asks the app for the dialog; it cannot name a kind of its own.
    assert_eq!(
        invoke(
            &app,
            "choose_save_path",
            json!({"args": {"suggested_name": "x", "kind": "exe"}})
        )
        .expect_err("no such kind")["kind"],
        "bad_input"
    );
    // Here (no real window) there is no dialog: a clear error, not a panic,
    // and the path field stays the way to give a place.
    let err = invoke(
        &app,
        "choose_save_path",
        json!({"args": {"suggested_name": "copy.pdf", "kind": "pdf"}}),
    )
    .expect_err("no dialog");
    assert_eq!(err["kind"], "internal", "{err}");
    // The plugin's own commands are not the window's to call.
    let err = invoke(&app, "plugin:dialog|save", json!({"options": {}})).expect_err("refused");
    assert!(
        err.as_str()
            .is_some_and(|s| s.contains("not found") || s.contains("not allowed")),
        "{err}"
    );
}
