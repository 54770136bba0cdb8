//! Figures for the release app (issue 10): cold start to the login screen
//! drawn, and memory after login — the app process and WebKit's processes
//! separately and in total. Prints figures; asserts nothing about them.
//!
//! The start is timed without WebDriver: the binary is started as a person
//! starts it, and the X server's screen is read until the login button's
//! colour covers its area — the first frame in which the login screen is
//! drawn. (Through WebDriver the figure includes the driver's own session
//! set-up; it is printed too, for comparison.)
//!
//!     cargo bench -p sealdesk-app --bench app_figures
//!
//! Needs what the end-to-end test needs (Xvfb, tauri-driver,
//! WebKitWebDriver). Runs the real binary in a real window; the clock is
//! the wall clock.

#[path = "../tests/it/harness.rs"]
mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::{connect, log_in, start_driver, start_xvfb, wait_text};

/// One process of the app's tree: pid, name, resident and proportional
/// set size in KiB. RSS counts every shared library in full in each process
/// that maps it (WebKit's libraries are mapped by all three), so RSS summed
/// over processes overstates the total; PSS shares each page among the
/// processes mapping it, and sums to what the group really holds.
struct Proc {
    pid: u32,
    name: String,
    rss: u64,
    pss: u64,
}

fn proc_tree(root: u32) -> Vec<Proc> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let name = status
            .lines()
            .find_map(|l| l.strip_prefix("Name:"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        let kib = |k: &str| -> u64 {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix(k))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        out.push(Proc {
            pid,
            name,
            rss: kib("Rss:"),
            pss: kib("Pss:"),
        });
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        todo.extend(
            children
                .split_whitespace()
                .filter_map(|c| c.parse::<u32>().ok()),
        );
    }
    out
}

/// Milliseconds from starting the binary to the first screen of the X
/// display that shows the login button (at least `MIN_PIXELS` pixels of the
/// accent colour, `--accent` in `ui/src/app.css`).
fn start_to_login_drawn(display: &str, vault: &std::path::Path) -> u128 {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
    const ACCENT: (i32, i32, i32) = (0x1d, 0x4e, 0x89);
    const MIN_PIXELS: usize = 2000;
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to the X server");
    let root = conn.setup().roots[screen].root;
    let t0 = Instant::now();
    let child = harness::Stopped(
        std::process::Command::new(env!("CARGO_BIN_EXE_sealdesk-app"))
            .env("DISPLAY", display)
            .env("SEALDESK_VAULT", vault)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the app"),
        "sealdesk-app",
    );
    let deadline = t0 + Duration::from_secs(30);
    let ms = loop {
        assert!(
            Instant::now() < deadline,
            "the login screen was not drawn in 30 s"
        );
        let image = conn
            .get_image(ImageFormat::Z_PIXMAP, root, 0, 0, 1280, 900, !0)
            .expect("request")
            .reply()
            .expect("screen image");
        // 24-bit TrueColor in 32-bit units, little endian: B, G, R, X.
        let hits = image
            .data
            .chunks_exact(4)
            .filter(|p| {
                (i32::from(p[2]) - ACCENT.0).abs() <= 4
                    && (i32::from(p[1]) - ACCENT.1).abs() <= 4
                    && (i32::from(p[0]) - ACCENT.2).abs() <= 4
            })
            .count();
        if hits >= MIN_PIXELS {
            break t0.elapsed().as_millis();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    drop(child);
    // Let WebKit's processes leave before the next start.
    std::thread::sleep(Duration::from_millis(700));
    ms
}

fn main() {
    let work = tempfile::tempdir().expect("tempdir");
    let vault = work.path().join("vault");
    sealdesk_api::demo::create_demo_vault(
        &vault,
        Arc::new(sealdesk_api::SystemClock),
        sealdesk_api::seeded_rng(9),
    )
    .expect("demo vault");
    let (_xvfb, display) = start_xvfb();
    let direct: Vec<u128> = (0..5)
        .map(|_| start_to_login_drawn(&display, &vault))
        .collect();
    println!(
        "start to the login screen drawn (binary started directly, screen read from X): {direct:?} ms (goal < 1000 ms)"
    );
    let (_driver, port) = start_driver(&display, &vault, work.path());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let mut starts = Vec::new();
        for round in 0..3 {
            let t0 = Instant::now();
            let c = connect(port, env!("CARGO_BIN_EXE_sealdesk-app")).await;
            wait_text(&c, "#login-submit", "登入").await;
            let ms = t0.elapsed().as_millis();
            starts.push(ms);
            if round < 2 {
                c.close().await.expect("close");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            log_in(&c, "clerk", "demo-clerk-pass").await;
            wait_text(&c, "#letters-table tr.letter-row", "SD-").await;
            tokio::time::sleep(Duration::from_secs(2)).await;
            let driver_pid = _driver.0.id();
            let tree = proc_tree(driver_pid);
            let (mut app, mut webkit) = ((0u64, 0u64), (0u64, 0u64));
            for p in &tree {
                let bucket = if p.name.starts_with("sealdesk-app") {
                    &mut app
                } else if p.name.starts_with("WebKit") && !p.name.starts_with("WebKitWebDriver") {
                    &mut webkit
                } else {
                    continue;
                };
                bucket.0 += p.rss;
                bucket.1 += p.pss;
                println!(
                    "  {} (pid {}): RSS {} MB, PSS {} MB",
                    p.name,
                    p.pid,
                    p.rss / 1024,
                    p.pss / 1024
                );
            }
            println!(
                "memory after login (clerk, register shown): app PSS {} MB (RSS {}), WebKit PSS {} MB (RSS {}), total PSS {} MB (goal < 250 MB; RSS summed {} MB counts shared libraries once per process)",
                app.1 / 1024,
                app.0 / 1024,
                webkit.1 / 1024,
                webkit.0 / 1024,
                (app.1 + webkit.1) / 1024,
                (app.0 + webkit.0) / 1024
            );
            c.close().await.expect("close");
        }
        println!(
            "start to the login screen drawn (through WebDriver, which adds its own session set-up): {:?} ms (goal < 1000 ms)",
            starts
        );
    });
}
