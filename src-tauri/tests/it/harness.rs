//! The real app under Xvfb through WebDriver, shared by the end-to-end test
//! (`e2e.rs`) and the figures bench (`benches/app_figures.rs`): the X
//! server, `tauri-driver`, the WebDriver session, and what a person does in
//! the window (type, click, choose, read, take a picture).

#![allow(dead_code)] // each user takes what it needs

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A child process stopped with SIGTERM on drop. SIGKILL would leave
/// `WebKitWebDriver` holding the output pipe and the test run would hang.
pub struct Stopped(pub Child, pub &'static str);

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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn which(tool: &str) -> PathBuf {
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

pub fn start_xvfb() -> (Stopped, String) {
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

pub async fn wait_text(c: &Client, css: &str, want: &str) -> String {
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

/// Waits until an element matching `css` exists.
pub async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(e) => e,
        Err(e) => {
            shot(c, "failure").await;
            panic!("{css} never appeared: {e}");
        }
    }
}

pub async fn log_in(c: &Client, name: &str, passphrase: &str) {
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

pub async fn click(c: &Client, css: &str) {
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

pub async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.expect("clear");
    e.send_keys(text).await.expect("type");
}

pub async fn select(c: &Client, css: &str, value: &str) {
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
pub async fn option_value(c: &Client, css: &str, text: &str) -> String {
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

pub async fn lock(c: &Client) {
    click(c, "#lock-button").await;
    wait_text(c, "#login-submit", "登入").await;
}

/// Saves a screenshot of the window as `<name>.png` in the test's output
/// folder (the README shows copies of them).
pub async fn shot(c: &Client, name: &str) {
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

pub async fn page_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .unwrap_or_default()
}

/// Starts `tauri-driver` for the app on `vault`, with a fresh WebKit profile
/// under `work`; returns it and its port.
pub fn start_driver(display: &str, vault: &Path, work: &Path) -> (Stopped, u16) {
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(which("tauri-driver"))
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", display)
        .env("SEALDESK_VAULT", vault)
        // A fresh WebKit profile: no language or storage left by an earlier run.
        .env("XDG_DATA_HOME", work.join("data"))
        .env("XDG_CONFIG_HOME", work.join("config"))
        .env("XDG_CACHE_HOME", work.join("cache"))
        // Software rendering: Xvfb has no GPU.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver");
    (Stopped(driver, "tauri-driver"), port)
}

/// A WebDriver session with the app binary at `app` (which it starts).
pub async fn connect(port: u16, app: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return c,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("no WebDriver session with the app");
}
