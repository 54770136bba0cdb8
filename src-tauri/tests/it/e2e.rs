//! The real app binary in a real WebKit window under Xvfb, driven through
//! WebDriver: `tauri-driver` (from `cargo install tauri-driver`) starts
//! Debian's `WebKitWebDriver`, which starts the app. Needs `Xvfb`,
//! `tauri-driver` and `WebKitWebDriver` on PATH (the README's test command
//! installs them); it starts and stops its own X server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, Locator};

use crate::harness::*;

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
    let (_driver, port) = start_driver(&display, &vault, work.path());

    let mut cli_logins_ok = 0;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(600), async {
            let c = connect(port, env!("CARGO_BIN_EXE_sealdesk-app")).await;

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
                .join("../crates/sealdesk-intake/tests/data/sample-01.pdf")
                .canonicalize()
                .expect("the repository's copy of sample-01.pdf");

            // The clerk: the register, then registers sample-01.pdf.
            log_in(&c, "clerk", "demo-clerk-pass").await;
            wait_text(&c, "#me-name", "clerk").await;
            wait_text(&c, "#letters-table tr.letter-row", "SD-").await;
            shot(&c, "clerk-register").await;
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
            // Beside the text, the page as handlers will see it: a box over
            // each finding. The clerk drags one more box on the page (the
            // real pointer, through WebKit's own events).
            wait_for(&c, "#review-pages figure.review-page rect.finding-box").await;
            let page = c
                .find(Locator::Css("#review-pages figure.review-page svg"))
                .await
                .expect("the page overlay");
            c.execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![serde_json::to_value(&page).expect("element")],
            )
            .await
            .expect("scroll the page into view");
            let drag = MouseActions::new("mouse".into())
                .then(PointerAction::MoveToElement {
                    element: page.clone(),
                    duration: None,
                    x: -60.0,
                    y: -40.0,
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::MoveToElement {
                    element: page.clone(),
                    duration: Some(Duration::from_millis(200)),
                    x: 40.0,
                    y: -20.0,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
            c.perform_actions(drag)
                .await
                .expect("drag a box on the page");
            wait_for(&c, "#review-findings li.drawn").await;
            wait_for(&c, "#review-pages rect.drawn-box").await;
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

            // The next letter starts from an empty form: nothing of this one's
            // subject or parties carries over.
            click(&c, "details.paste summary").await;
            type_into(
                &c,
                "#intake-text",
                "主旨:路燈故障請修復。\n陳情人:王小明 敬上",
            )
            .await;
            click(&c, "#intake-text-read").await;
            for field in ["#meta-subject", "#meta-parties"] {
                let value = wait_for(&c, field)
                    .await
                    .prop("value")
                    .await
                    .expect("a value");
                assert_eq!(value.as_deref(), Some(""), "{field} carried over");
            }

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
            // The list says what the letter is: its subject (代號).
            wait_text(&c, "#assignments-table", "代號甲").await;
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
            // Whom the complaint is about is the investigating handler's to
            // see; who wrote it is not.
            assert!(
                text.contains("廖雅君"),
                "the official complained of is named to the handler: {text}"
            );
            shot(&c, "handler-reading-room").await;
            click(&c, "#reveal-request").await;
            type_into(&c, "#reveal-reason", "需向檢舉人查證細節").await;
            click(&c, "#reveal-submit").await;
            wait_text(&c, ".success", "分文人員").await;
            // …and a copy for themselves, to take to the legal office.
            click(&c, "#copy-request").await;
            type_into(&c, "#copy-reason", "送法制室研議").await;
            click(&c, "#copy-request-submit").await;
            wait_text(&c, "#copy-notice", "待主管核准").await;
            wait_text(&c, "li.copy-request[data-status='pending']", "handler").await;
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
            // The export waits in the same queue, naming its one recipient.
            wait_text(
                &c,
                &format!("li[data-kind='export'][data-receipt='{receipt}']"),
                "複製物收受人：handler",
            )
            .await;
            click(
                &c,
                &format!("li[data-kind='export'][data-receipt='{receipt}'] .approve-button"),
            )
            .await;
            type_into(&c, "#decide-approve-reason", "同意匯出一份").await;
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
            // The approved export: saved as a PDF of marked pages, after
            // the ledger holds it.
            let copy_pdf = work.path().join("copy-1.pdf");
            type_into(
                &c,
                "li.copy-request[data-status='approved'] .copy-path",
                &copy_pdf.to_string_lossy(),
            )
            .await;
            click(&c, "li.copy-request[data-status='approved'] .copy-save").await;
            wait_text(&c, "#copy-notice", "第1份").await;
            c.execute(
                "document.querySelector('#copy-panel').scrollIntoView()",
                vec![],
            )
            .await
            .expect("scroll");
            shot(&c, "handler-export").await;
            assert!(
                std::fs::read(&copy_pdf)
                    .expect("the exported PDF")
                    .starts_with(b"%PDF"),
                "a PDF was written"
            );
            lock(&c).await;

            // The auditor: an intact ledger holding each step.
            log_in(&c, "auditor", "demo-auditor-pass").await;
            wait_text(&c, "#verdict", "完整").await;
            let table = wait_text(&c, "#ledger-table", &receipt).await;
            for step in ["登記", "分文申請", "分文決定", "閱覽", "身分揭露"] {
                assert!(table.contains(step), "the ledger shows {step}");
            }
            shot(&c, "auditor-ledger").await;
            // A photo-like copy of the exported page (scanned back at a
            // lower resolution, JPEG quality 60) is traced to the handler's
            // copy.
            let photo = work.path().join("leaked");
            let ok = Command::new("pdftoppm")
                .args([
                    "-r",
                    "100",
                    "-jpeg",
                    "-jpegopt",
                    "quality=60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                ])
                .arg(&copy_pdf)
                .arg(&photo)
                .status()
                .expect("pdftoppm");
            assert!(ok.success(), "pdftoppm");
            c.find(Locator::Css("#trace-file"))
                .await
                .expect("trace input")
                .send_keys(&photo.with_extension("jpg").to_string_lossy())
                .await
                .expect("choose the photo");
            wait_text(&c, "#trace-copy", "第1份").await;
            let traced = wait_text(&c, "#trace-result", "handler").await;
            assert!(
                traced.contains("supervisor"),
                "the approver is named: {traced}"
            );
            shot(&c, "auditor-trace").await;
            // The 政風 report over today: the story's lookups counted, the
            // handler's day drawn, and running it recorded.
            click(&c, "#tab-report").await;
            let today = taiwan_today();
            type_into(&c, "#report-from", &today).await;
            type_into(&c, "#report-to", &today).await;
            type_into(&c, "#report-seed", "7").await;
            click(&c, "#report-run").await;
            let summary = wait_text(&c, "#report-summary", "抽樣種子 7").await;
            assert!(
                !summary.contains("查閱及嘗試 0 次"),
                "the story's lookups count: {summary}"
            );
            wait_text(&c, "#report-sample", "handler").await;
            let cells = c
                .find_all(Locator::Css("#report-chart-days rect"))
                .await
                .expect("chart cells");
            assert!(!cells.is_empty(), "the per-day chart is drawn");
            shot(&c, "auditor-report").await;
            lock(&c).await;

            // The supervisor who approved the level finds its condition
            // met and declassifies the letter; the earlier copy's
            // recipient is listed for notice.
            log_in(&c, "supervisor", "demo-supervisor-pass").await;
            click(&c, "#tab-unit").await;
            let letter_id = option_value(&c, "#unit-life-letter", &receipt).await;
            select(&c, "#unit-life-letter", &letter_id).await;
            select(&c, "#unit-life-action", "condition_met").await;
            type_into(&c, "#unit-life-reason", "已函復，解密條件成就").await;
            click(&c, "#unit-life-submit").await;
            let done = wait_text(&c, "#unit-life-result", "已解密").await;
            assert!(
                done.contains("第1份"),
                "the copy's recipient is listed: {done}"
            );
            shot(&c, "supervisor-declassify").await;
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

            // The desktop ends the app (SIGTERM: a logout, a window
            // manager) in the middle of a session: the session locks and
            // attests before the process ends.
            log_in(&c, "handler", "demo-handler-pass").await;
            wait_text(&c, "#me-name", "handler").await;
            let pid = app_pid();
            let killed = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .expect("kill");
            assert!(killed.success());
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while Path::new(&format!("/proc/{pid}")).exists() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the app did not end on SIGTERM"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            // The window is gone with it.
            let _ = c.close().await;
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
    assert_eq!(
        verdict["unattested"],
        serde_json::json!([]),
        "every session attested, the one ended by SIGTERM too: {verdict}"
    );
    let after = logins(work.path(), &vault);
    // The window: the handler once before, twice in the story, three times
    // beside the CLI, once for the idle lock, once before SIGTERM; the
    // clerk twice in the story. The CLI: each run that succeeded.
    assert_eq!(after.0, before.0 + 8, "the handler's logins (window)");
    assert_eq!(
        after.1,
        before.1 + 2 + cli_logins_ok,
        "the clerk's logins (window and CLI)"
    );
}

/// Today in Taiwan, as the date fields take it: the story's acts happen on
/// the wall clock, so the report's period must be today's.
#[allow(clippy::disallowed_methods)]
fn taiwan_today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string()
}

/// The app the WebDriver started (the newest `sealdesk-app` process).
fn app_pid() -> u32 {
    let out = std::process::Command::new("pgrep")
        .args(["-n", "-x", "sealdesk-app"])
        .output()
        .expect("pgrep");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the app is running")
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
