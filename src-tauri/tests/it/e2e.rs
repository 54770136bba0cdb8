//! The real app binary in a real WebKit window under Xvfb, driven through
//! WebDriver: `tauri-driver` (from `cargo install tauri-driver`) starts
//! Debian's `WebKitWebDriver`, which starts the app. Needs `Xvfb`,
//! `tauri-driver` and `WebKitWebDriver` on PATH (the README's test command
//! installs them); it starts and stops its own X server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A child process stopped with SIGTERM on drop. SIGKILL would leave
/// `WebKitWebDriver` holding the output pipe and the test run would hang.
struct Stopped(Child, &'static str);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("{} did not stop on SIGTERM; killing", self.1);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn which(tool: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain(std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin")))
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("{tool} is not installed; run the README's test command, which installs it")
    })
}

fn start_xvfb() -> (Stopped, String) {
    let xvfb = which("Xvfb");
    // Pick a display number unlikely to clash with another run.
    for n in 0..20 {
        let display = 90 + (std::process::id() % 50) + n;
        if Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
            continue;
        }
        let child = Command::new(&xvfb)
            .arg(format!(":{display}"))
            .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let guard = Stopped(child, "Xvfb");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
                return (guard, format!(":{display}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("Xvfb did not start");
}

async fn wait_text(c: &Client, css: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(want) {
                    return t;
                }
                last = t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {want:?}; last text {last:?}");
}

async fn log_in(c: &Client, name: &str, passphrase: &str) {
    let field = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#login-name"))
        .await
        .expect("login form");
    field.clear().await.expect("clear");
    field.send_keys(name).await.expect("type name");
    let pass = c
        .find(Locator::Css("#login-passphrase"))
        .await
        .expect("passphrase field");
    pass.clear().await.expect("clear");
    pass.send_keys(passphrase).await.expect("type passphrase");
    c.find(Locator::Css("#login-submit"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
}

/// The vault's idle lock in this test (the least an admin may set).
const IDLE_SECS: i64 = 60;

/// Whether the home screen (the letters) is hidden.
async fn home_hidden(c: &Client) -> bool {
    c.find(Locator::Css("#home-screen"))
        .await
        .expect("home screen element")
        .attr("hidden")
        .await
        .expect("hidden attribute")
        .is_some()
}

/// What the back end answers the page's own `whoami` (`{ok}` or `{err}`).
async fn whoami_from_page(c: &Client) -> serde_json::Value {
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('whoami').then(
           (r) => done({ ok: r }),
           (e) => done({ err: e }));",
        vec![],
    )
    .await
    .expect("invoke whoami from the page")
}

#[test]
fn real_window_login_wrong_passphrase_and_lock() {
    let work = tempfile::tempdir().expect("tempdir");
    let vault = work.path().join("vault");
    sealdesk_api::demo::create_demo_vault(
        &vault,
        Arc::new(sealdesk_api::SystemClock),
        sealdesk_api::seeded_rng(5),
    )
    .expect("demo vault");
    // The shortest idle lock an admin may set, so the window's own idle lock
    // is seen on the real clock at the end of the test.
    {
        let mut v = sealdesk_api::Vault::open(
            &vault,
            Arc::new(sealdesk_api::SystemClock),
            sealdesk_api::seeded_rng(6),
        )
        .expect("open demo vault");
        let mut admin = v
            .login(
                "admin",
                &sealdesk_core::secret::Passphrase::new("demo-admin-pass".into()),
            )
            .expect("admin logs in");
        v.set_idle_timeout(&mut admin, IDLE_SECS)
            .expect("set the idle timeout");
        v.lock(&mut admin);
    }

    let (_xvfb, display) = start_xvfb();
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(which("tauri-driver"))
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &display)
        .env("SEALDESK_VAULT", &vault)
        // A fresh WebKit profile: no language or storage left by an earlier run.
        .env("XDG_DATA_HOME", work.path().join("data"))
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env("XDG_CACHE_HOME", work.path().join("cache"))
        // Software rendering: Xvfb has no GPU.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver");
    let _driver = Stopped(driver, "tauri-driver");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(300), async {
            let mut caps = serde_json::Map::new();
            caps.insert("browserName".into(), json!("wry"));
            caps.insert(
                "tauri:options".into(),
                json!({"application": env!("CARGO_BIN_EXE_sealdesk-app")}),
            );
            let url = format!("http://127.0.0.1:{port}");
            let mut client = None;
            for _ in 0..100 {
                match ClientBuilder::native()
                    .capabilities(caps.clone())
                    .connect(&url)
                    .await
                {
                    Ok(c) => {
                        client = Some(c);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
            let c = client.expect("WebDriver session with the app");

            // zh-TW is the default language.
            wait_text(&c, "#login-submit", "登入").await;

            log_in(&c, "handler", "not-the-passphrase").await;
            wait_text(&c, "#login-error", "使用者名稱或密碼錯誤").await;

            log_in(&c, "handler", "demo-handler-pass").await;
            wait_text(&c, "#me-name", "handler").await;
            wait_text(&c, "#me-roles", "承辦人").await;

            c.find(Locator::Css("#lock-button"))
                .await
                .expect("lock button")
                .click()
                .await
                .expect("click lock");
            wait_text(&c, "#login-submit", "登入").await;
            // Locked in Rust too, not just on screen: the back end itself
            // refuses the next command until someone logs in again.
            let answer = whoami_from_page(&c).await;
            assert_eq!(
                answer["err"]["kind"], "not_logged_in",
                "after the lock button the back end has no session: {answer}"
            );
            let name_value = c
                .find(Locator::Css("#login-name"))
                .await
                .expect("field")
                .prop("value")
                .await
                .expect("value");
            assert_eq!(
                name_value.as_deref(),
                Some("handler"),
                "name kept, passphrase cleared"
            );

            // The clerk sees the register: the demo's letters, by receipt number.
            log_in(&c, "clerk", "demo-clerk-pass").await;
            wait_text(&c, "#me-name", "clerk").await;
            wait_text(&c, "#letters-table tr.letter-row", "SD-").await;
            if let Ok(png) = c.screenshot().await {
                let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-home.png");
                let _ = std::fs::write(out, png);
            }
            c.find(Locator::Css("#lock-button"))
                .await
                .expect("lock button")
                .click()
                .await
                .expect("click lock");
            wait_text(&c, "#login-submit", "登入").await;

            // English switch.
            c.find(Locator::Css("#lang-toggle"))
                .await
                .expect("toggle")
                .click()
                .await
                .expect("click");
            wait_text(&c, "#login-submit", "Log in").await;

            // Idle lock: a handler logs in and leaves the desk. After the
            // vault's idle time the window shows the lock screen with its
            // notice, and the back end holds no session.
            log_in(&c, "handler", "demo-handler-pass").await;
            wait_text(&c, "#me-name", "handler").await;
            let half = Duration::from_secs(IDLE_SECS as u64 / 2);
            tokio::time::sleep(half).await;
            assert!(
                !home_hidden(&c).await,
                "still unlocked halfway through the idle time"
            );
            tokio::time::sleep(half).await;
            wait_text(&c, "#login-error", "Session locked").await;
            wait_text(&c, "#login-submit", "Log in").await;
            assert!(
                home_hidden(&c).await,
                "the letters are off screen after the idle lock"
            );
            let answer = whoami_from_page(&c).await;
            // The back end passed the idle time too: it answers `locked`
            // (an idle session), not `not_logged_in` (a lock button).
            assert_eq!(
                answer["err"]["kind"], "locked",
                "after the idle lock the back end refuses: {answer}"
            );

            c.close().await.expect("close session");
        })
        .await
        .expect("e2e finished within 300 s");
    });
}
