//! Figures for the release app (issue 10): cold start to the login screen
//! drawn, and memory after login — the app process and WebKit's processes
//! separately and in total. Prints figures; asserts nothing about them.
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

/// Resident memory of a process and its descendants, by name, in KiB.
fn rss_tree(root: u32) -> Vec<(u32, String, u64)> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |k: &str| {
            status
                .lines()
                .find(|l| l.starts_with(k))
                .map(|l| l[k.len()..].trim().to_owned())
                .unwrap_or_default()
        };
        let kib = field("VmRSS:")
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        out.push((pid, field("Name:"), kib));
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
            let tree = rss_tree(driver_pid);
            let (mut app, mut webkit) = (0u64, 0u64);
            for (pid, name, kib) in &tree {
                if name.starts_with("sealdesk-app") {
                    app += kib;
                    println!("  {name} (pid {pid}): {} MB", kib / 1024);
                } else if name.starts_with("WebKit") && !name.starts_with("WebKitWebDriver") {
                    webkit += kib;
                    println!("  {name} (pid {pid}): {} MB", kib / 1024);
                }
            }
            println!(
                "memory after login (clerk, register shown): app {} MB, WebKit {} MB, total {} MB (goal < 250 MB)",
                app / 1024,
                webkit / 1024,
                (app + webkit) / 1024
            );
            c.close().await.expect("close");
        }
        println!(
            "start to the login screen drawn (through WebDriver, which adds its own session set-up): {:?} ms (goal < 1000 ms)",
            starts
        );
    });
}
