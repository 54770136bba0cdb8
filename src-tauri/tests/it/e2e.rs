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
    shot(c, "failure").await;
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

async fn click(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = c.find(Locator::Css(css)).await;
        if let Ok(e) = found {
            // To the middle of the window: at the top, the sticky header
            // would be in the way of the click.
            let arg = serde_json::to_value(&e).expect("element");
            let _ = c
                .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
                .await;
            if e.click().await.is_ok() {
                return;
            }
        }
        if Instant::now() > deadline {
            shot(c, "failure").await;
            panic!(
                "could not click {css}; the page says: {}",
                page_text(c).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.expect("clear");
    e.send_keys(text).await.expect("type");
}

async fn select(c: &Client, css: &str, value: &str) {
    let e = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while e.select_by_value(value).await.is_err() {
        if Instant::now() > deadline {
            panic!("{css} never offered {value:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of the first option of a select whose label contains `text`.
async fn option_value(c: &Client, css: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(options) = c.find_all(Locator::Css(&format!("{css} option"))).await {
            for o in options {
                if o.text().await.unwrap_or_default().contains(text) {
                    return o.attr("value").await.ok().flatten().unwrap_or_default();
                }
            }
        }
        if Instant::now() > deadline {
            panic!("{css} has no option with {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn lock(c: &Client) {
    click(c, "#lock-button").await;
    wait_text(c, "#login-submit", "登入").await;
}

/// Saves a screenshot of the window as `<name>.png` in the test's output
/// folder (the README shows copies of them).
async fn shot(c: &Client, name: &str) {
    // WebKitWebDriver's screenshot waits for the next paint, and a page at
    // rest may not paint again until something changes (here: up to the
    // idle lock). A barely visible change just after the request makes one.
    let _ = c
        .execute(
            "setTimeout(() => {
               document.body.style.opacity = '0.999';
               setTimeout(() => { document.body.style.opacity = ''; }, 150);
             }, 50);",
            vec![],
        )
        .await;
    if let Ok(png) = c.screenshot().await {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-shots");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

async fn page_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .unwrap_or_default()
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

/// The `sealdesk` CLI built beside the app (`cargo test --workspace` builds
/// every binary before any test runs).
fn cli_binary() -> PathBuf {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_sealdesk-app"));
    let cli = app.with_file_name("sealdesk");
    assert!(
        cli.is_file(),
        "{} is missing: build it with `cargo build -p sealdesk-cli` (the README's test command does)",
        cli.display()
    );
    cli
}

/// Runs the CLI on the test's vault as `user`, on the same desk as the app
/// (same data directory, so the same ledger witness).
fn cli(
    work: &Path,
    vault: &Path,
    user: &str,
    passphrase: &str,
    args: &[&str],
) -> std::process::Output {
    Command::new(cli_binary())
        .arg("--vault")
        .arg(vault)
        .arg("--json")
        .args(args)
        .env("SEALDESK_USER", user)
        .env("SEALDESK_PASSPHRASE", passphrase)
        .env("XDG_DATA_HOME", work.join("data"))
        .env("XDG_CONFIG_HOME", work.join("config"))
        .env_remove("SEALDESK_WITNESS_DIR")
        .output()
        .expect("run the sealdesk CLI")
}

fn cli_json(out: &std::process::Output, what: &str) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{what}: exit {:?}, stderr {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
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

    let before = logins(work.path(), &vault);

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

    let mut cli_logins_ok = 0;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(600), async {
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

            // ---- The story of one letter, every role in the window. ----
            let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/samples/sample-01.pdf")
                .canonicalize()
                .expect("../shared/samples/sample-01.pdf");

            // The clerk: the register, then registers sample-01.pdf.
            let t0 = Instant::now();
            log_in(&c, "clerk", "demo-clerk-pass").await;
            wait_text(&c, "#me-name", "clerk").await;
            wait_text(&c, "#letters-table tr.letter-row", "SD-").await;
            shot(&c, "clerk-register").await;
            eprintln!("T shot {:?}", t0.elapsed());
            click(&c, "#tab-intake").await;
            c.wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css("#intake-file"))
                .await
                .expect("file input")
                .send_keys(&sample.to_string_lossy())
                .await
                .expect("choose the PDF");
            // The review: the text with its findings; the ID is among them.
            let found = wait_text(&c, "#review-findings", "C181590831").await;
            assert!(found.contains("許俊宏"), "the petitioner is found: {found}");
            shot(&c, "clerk-review").await;
            type_into(&c, "#meta-subject", "稅務員收受招待檢舉（代號甲）").await;
            type_into(&c, "#meta-secrecy", "本案結案後解密").await;
            type_into(&c, "#meta-parties", "廖雅君").await;
            click(&c, "#register-submit").await;
            let done = wait_text(&c, "#intake-done", "SD-").await;
            let receipt = done
                .split_whitespace()
                .flat_map(|w| w.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')))
                .find(|w| w.starts_with("SD-"))
                .expect("a receipt number")
                .to_owned();

            // Routing: the slip names no one; an inquiry and a route.
            click(&c, "#tab-routing").await;
            let letter_value = option_value(&c, "#routing-letter", &receipt).await;
            select(&c, "#routing-letter", &letter_value).await;
            let slip = wait_text(&c, ".slip", &receipt).await;
            for secret in ["許俊宏", "C181590831", "0901", "sdhu81"] {
                assert!(!slip.contains(secret), "the slip shows {secret}: {slip}");
            }
            click(&c, "fieldset input[value='稅務管理科']").await;
            click(&c, "#inquire-submit").await;
            wait_text(&c, "#routing-notice", "1").await;
            select(&c, "#route-unit", "稅務管理科").await;
            select(&c, "#route-handler", "handler").await;
            click(&c, "#route-submit").await;
            wait_text(&c, "#routing-notice", &receipt).await;
            lock(&c).await;

            // The supervisor: one queue; answers the inquiry, approves the route.
            log_in(&c, "supervisor", "demo-supervisor-pass").await;
            wait_text(&c, "#decision-queue", &receipt).await;
            wait_text(&c, "#decision-queue", "依權責辦理").await;
            shot(&c, "supervisor-queue").await;
            click(
                &c,
                &format!("li[data-inquiry][data-receipt='{receipt}'] .answer-ours"),
            )
            .await;
            click(
                &c,
                &format!("li[data-kind='access'][data-receipt='{receipt}'] .approve-button"),
            )
            .await;
            type_into(&c, "#decide-approve-reason", "同意分辦").await;
            click(&c, "#decide-approve-submit").await;
            wait_text(&c, ".success", &receipt).await;
            click(&c, "#tab-unit").await;
            wait_text(&c, "#unit-table", &receipt).await;
            lock(&c).await;

            // The handler: affirms, reads the masked copy, asks for the identity.
            log_in(&c, "handler", "demo-handler-pass").await;
            wait_text(&c, "#assignments-table", &receipt).await;
            click(
                &c,
                &format!("tr[data-receipt='{receipt}'][data-kind='access'] .open-button"),
            )
            .await;
            click(&c, "#open-submit").await;
            wait_text(&c, "#affirm-box", "廖雅君").await;
            click(&c, "#affirm-check").await;
            click(&c, "#open-submit").await;
            let text = wait_text(&c, "#reading-text", "檢舉").await;
            for secret in ["許俊宏", "C181590831", "sdhu81", "0901"] {
                assert!(!text.contains(secret), "the working copy shows {secret}");
            }
            shot(&c, "handler-reading-room").await;
            click(&c, "#reveal-request").await;
            type_into(&c, "#reveal-reason", "需向檢舉人查證細節").await;
            click(&c, "#reveal-submit").await;
            wait_text(&c, ".success", "分文人員").await;
            lock(&c).await;

            // The clerk endorses the reveal; the supervisor approves it.
            log_in(&c, "clerk", "demo-clerk-pass").await;
            click(&c, "#tab-routing").await;
            click(&c, "tr[data-kind='reveal'] .endorse-button").await;
            wait_text(
                &c,
                "tr[data-kind='reveal'][data-status='pending']",
                "待主管核准",
            )
            .await;
            lock(&c).await;
            log_in(&c, "supervisor", "demo-supervisor-pass").await;
            click(
                &c,
                &format!("li[data-kind='reveal'][data-receipt='{receipt}'] .approve-button"),
            )
            .await;
            type_into(&c, "#decide-approve-reason", "同意揭露").await;
            click(&c, "#decide-approve-submit").await;
            wait_text(&c, ".success", &receipt).await;
            lock(&c).await;

            // The handler sees the identity.
            log_in(&c, "handler", "demo-handler-pass").await;
            click(
                &c,
                &format!("tr[data-receipt='{receipt}'][data-kind='access'] .open-button"),
            )
            .await;
            click(&c, "#open-submit").await;
            wait_text(&c, "#reading-text", "檢舉").await;
            click(&c, "#reveal-show").await;
            wait_text(&c, "#identity-panel", "許俊宏").await;
            lock(&c).await;

            // The auditor: an intact ledger holding each step.
            log_in(&c, "auditor", "demo-auditor-pass").await;
            wait_text(&c, "#verdict", "完整").await;
            let table = wait_text(&c, "#ledger-table", &receipt).await;
            for step in ["登記", "分文申請", "分文決定", "閱覽", "身分揭露"] {
                assert!(table.contains(step), "the ledger shows {step}");
            }
            shot(&c, "auditor-ledger").await;
            lock(&c).await;

            // The admin changes a user's roles.
            log_in(&c, "admin", "demo-admin-pass").await;
            wait_text(&c, "#users-table", "auditor").await;
            click(&c, "tr[data-user='handler'] .roles-button").await;
            click(&c, "#roles-form input[value='clerk']").await;
            click(&c, "#roles-submit").await;
            wait_text(&c, "#users-notice", "handler").await;
            wait_text(&c, "tr[data-user='handler']", "密件分文人員").await;
            shot(&c, "admin-users").await;
            assert!(
                !page_text(&c).await.contains("許俊宏"),
                "the admin sees no identity"
            );
            lock(&c).await;

            // Two writers on one vault at once: while the window logs the
            // handler in and out, the CLI (another process on the same
            // desk) logs the clerk in. Each login appends to the ledger.
            // Every run must succeed, or end in a clear `busy` after the
            // store's bounded retry; the ledger must stay one chain.
            let cli_runs = {
                let (work, vault) = (work.path().to_path_buf(), vault.clone());
                std::thread::spawn(move || {
                    (0..6)
                        .map(|_| cli(&work, &vault, "clerk", "demo-clerk-pass", &["whoami"]))
                        .collect::<Vec<_>>()
                })
            };
            for _ in 0..3 {
                log_in(&c, "handler", "demo-handler-pass").await;
                wait_text(&c, "#me-name", "handler").await;
                c.find(Locator::Css("#lock-button"))
                    .await
                    .expect("lock button")
                    .click()
                    .await
                    .expect("click lock");
                wait_text(&c, "#login-submit", "登入").await;
            }
            let cli_runs = cli_runs.join().expect("CLI thread");
            for out in &cli_runs {
                if !out.status.success() {
                    let err: serde_json::Value =
                        serde_json::from_slice(&out.stderr).expect("a JSON error");
                    assert_eq!(
                        err["error"]["kind"], "busy",
                        "the CLI's only allowed failure: {err}"
                    );
                }
            }
            cli_logins_ok = cli_runs.iter().filter(|o| o.status.success()).count();
            assert!(cli_logins_ok > 0, "the CLI got in at least once");

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
            // The next command is refused until someone logs in: the window
            // locked the back end's session (or the back end's own idle
            // limit, on its own clock, did; `ipc::t8_…` tests that alone).
            let answer = whoami_from_page(&c).await;
            assert!(
                ["locked", "not_logged_in"].contains(&answer["err"]["kind"].as_str().unwrap_or("")),
                "after the idle lock the back end refuses: {answer}"
            );
            let letters = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     window.__TAURI_INTERNALS__.invoke('letters').then(
                       (r) => done({ ok: r }), (e) => done({ err: e }));",
                    vec![],
                )
                .await
                .expect("invoke letters");
            assert!(
                letters.get("err").is_some(),
                "no letters after the idle lock: {letters}"
            );

            c.close().await.expect("close session");
        })
        .await
        .expect("e2e finished within 600 s");
    });

    // After both writers: one intact chain holding every login each made.
    let verdict = cli_json(
        &cli(
            work.path(),
            &vault,
            "auditor",
            "demo-auditor-pass",
            &["ledger", "verify"],
        ),
        "ledger verify",
    );
    assert_eq!(
        verdict["intact"], true,
        "one chain after two writers: {verdict}"
    );
    let after = logins(work.path(), &vault);
    // The window: the handler once before, twice in the story, three times
    // beside the CLI, once for the idle lock; the clerk twice in the story.
    // The CLI: each run that succeeded.
    assert_eq!(after.0, before.0 + 7, "the handler's logins (window)");
    assert_eq!(
        after.1,
        before.1 + 2 + cli_logins_ok,
        "the clerk's logins (window and CLI)"
    );
}

/// Allowed logins of the handler and of the clerk in the ledger, as the
/// auditor reads it through the CLI.
fn logins(work: &Path, vault: &Path) -> (usize, usize) {
    let entries = cli_json(
        &cli(
            work,
            vault,
            "auditor",
            "demo-auditor-pass",
            &["ledger", "entries"],
        ),
        "ledger entries",
    );
    let count = |user: &str| {
        entries["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == "login" && e["outcome"] == "allowed" && e["user"] == user)
            .count()
    };
    (count("handler"), count("clerk"))
}
