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
        json!({"name": "handler", "passphrase": "demo-handler-pass"}),
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
        json!({"name": "handler", "passphrase": "wrong"}),
    )
    .expect_err("wrong");
    assert_eq!(
        err,
        json!({"kind": "bad_credentials", "message": "wrong user name or passphrase"})
    );
    let err = invoke(
        &app,
        "login",
        json!({"name": "nobody", "passphrase": "wrong"}),
    )
    .expect_err("unknown user");
    assert_eq!(err["kind"], "bad_credentials");
    let err = invoke(&app, "whoami", json!({})).expect_err("not logged in");
    assert_eq!(err["kind"], "not_logged_in");
}

#[test]
fn a_failed_login_ends_the_previous_session() {
    let app = app();
    invoke(
        &app,
        "login",
        json!({"name": "clerk", "passphrase": "demo-clerk-pass"}),
    )
    .expect("login");
    invoke(
        &app,
        "login",
        json!({"name": "handler", "passphrase": "bad"}),
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
        json!({"name": "handler", "passphrase": "demo-handler-pass"}),
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
    let err = invoke(&a, "login", json!({"name": "x", "passphrase": "y"})).expect_err("no vault");
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
        json!({"name": "clerk", "passphrase": "demo-clerk-pass"}),
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
        json!({"name": "auditor", "passphrase": "demo-auditor-pass"}),
    )
    .expect("auditor login");
    let err = invoke(&app, "letters", json!({})).expect_err("auditor");
    assert_eq!(err["kind"], "denied");

    // A handler sees only letters routed to them, and holds a key to each;
    // their assignments are theirs to list.
    invoke(
        &app,
        "login",
        json!({"name": "handler", "passphrase": "demo-handler-pass"}),
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
        json!({"name": "clerk", "passphrase": "demo-clerk-pass"}),
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
