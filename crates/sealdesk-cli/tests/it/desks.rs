//! Desks in separate processes on one vault on a PostgreSQL server (issue
//! 24), through the `sealdesk` command as each desk's user runs it: the
//! clerk registers and routes on one desk, the supervisor approves on a
//! second, the handler opens on a third, the auditor verifies one chain on
//! a fourth; and a SQLite vault moved to the server and back.
//! The server is the throwaway one `scripts/test.sh` starts (pg_virtualenv).

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::{pass, sample, sealdesk_command, Run};

/// One desk: its own vault folder (a `vault.toml`) and its own witness.
struct Desk {
    vault: PathBuf,
    witness: PathBuf,
}

impl Desk {
    fn at(root: &Path, name: &str) -> Desk {
        Desk {
            vault: root.join(name).join("vault"),
            witness: root.join(name).join("witness"),
        }
    }

    fn command(&self, user: Option<&str>, args: &[&str]) -> std::process::Command {
        let mut cmd = sealdesk_command(&self.witness);
        cmd.arg("--vault").arg(&self.vault).arg("--json").args(args);
        if let Some(u) = user {
            let p = if u == "chief" {
                "admin-passphrase".to_owned()
            } else {
                pass(u)
            };
            cmd.env("SEALDESK_USER", u).env("SEALDESK_PASSPHRASE", p);
        }
        cmd
    }

    fn run(&self, user: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.command(user, args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_of(cmd.output().expect("run sealdesk"))
    }

    /// `user` registers the first sample letter; its id.
    fn register(&self, user: &str, subject: &str, category: &str) -> String {
        let path = sample("sample-01.txt");
        self.ok(
            Some(user),
            &[],
            &[
                "register",
                "--subject",
                subject,
                path.to_str().expect("utf8"),
                "--category",
                category,
                "--until",
                "2027-12-31",
            ],
        )["letter_id"]
            .as_str()
            .expect("letter")
            .to_owned()
    }

    fn ok(&self, user: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Value {
        let r = self.run(user, env, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.json()
    }
}

fn run_of(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn add_user(desk: &Desk, name: &str, role: &str, unit: &str) {
    desk.ok(
        Some("chief"),
        &[("SEALDESK_NEW_PASSPHRASE", &pass(name))],
        &["user", "add", name, "--role", role, "--unit", unit],
    );
}

#[test]
fn clerk_supervisor_handler_and_auditor_at_four_desks_make_one_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (url, _) = sealdesk_tests::pg::new_database_as(
        &std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into()),
    );
    let admin = Desk::at(tmp.path(), "admin");
    let made = admin.ok(
        None,
        &[("SEALDESK_NEW_PASSPHRASE", "admin-passphrase")],
        &["init", "--admin", "chief", "--store", &url],
    );
    let code = made["recovery_code"].as_str().expect("code").to_owned();
    add_user(&admin, "lin", "clerk", "秘書室");
    add_user(&admin, "chen", "supervisor", "稅務管理科");
    add_user(&admin, "wang", "handler", "稅務管理科");
    add_user(&admin, "tsai", "auditor", "政風室");
    let info = admin.ok(None, &[], &["vault", "info"]);
    assert_eq!(info["store"]["backend"], "postgresql");
    let join = info["join_config"]
        .as_str()
        .expect("a join file")
        .to_owned();
    assert!(join.contains(info["store"]["root"].as_str().expect("root")));
    let file = tmp.path().join("join.toml");
    std::fs::write(&file, &join).expect("join file");

    let (clerk, sup, handler) = (
        Desk::at(tmp.path(), "clerk"),
        Desk::at(tmp.path(), "supervisor"),
        Desk::at(tmp.path(), "handler"),
    );
    for d in [&clerk, &sup, &handler] {
        let j = d.ok(None, &[], &["vault", "join", file.to_str().expect("utf8")]);
        assert_eq!(j["store"]["backend"], "postgresql");
    }

    // The clerk registers and routes on the clerk's desk.
    let letter = clerk.register("lin", "代號:多工作站", "whistleblower");
    let request = clerk.ok(
        Some("lin"),
        &[],
        &[
            "route",
            &letter,
            "--unit",
            "稅務管理科",
            "--handler",
            "wang",
            "--reason",
            "請辦理",
        ],
    )["id"]
        .as_str()
        .expect("request")
        .to_owned();
    // The supervisor's desk sees it in the queue, and approves.
    let queue = sup.ok(Some("chen"), &[], &["requests"]);
    assert!(
        queue.to_string().contains(&request),
        "in the queue: {queue}"
    );
    sup.ok(
        Some("chen"),
        &[],
        &["approve", &request, "--reason", "同意"],
    );
    // The handler opens on the third desk, while the clerk opens on the
    // first, at the same moment, three times over.
    for _ in 0..3 {
        let a = handler
            .command(
                Some("wang"),
                &[
                    "open",
                    &letter,
                    "--reason",
                    "辦理本案",
                    "--affirm-no-conflict",
                ],
            )
            .spawn_output();
        let b = clerk
            .command(Some("lin"), &["open", &letter, "--reason", "登記核對"])
            .spawn_output();
        for r in [a.join().expect("a"), b.join().expect("b")] {
            let r = run_of(r);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert!(r.json()["text"].as_str().is_some_and(|t| !t.is_empty()));
        }
    }
    // The auditor, at the admin's desk, verifies one chain and finds every view.
    admin.ok(
        None,
        &[("SEALDESK_RECOVERY_CODE", &code)],
        &["recover", "--grant-ledger", "tsai"],
    );
    let v = admin.ok(Some("tsai"), &[], &["ledger", "verify"]);
    assert_eq!(v["intact"], true, "{v}");
    let entries = admin.ok(Some("tsai"), &[], &["ledger", "entries"]);
    let views = entries
        .as_array()
        .or_else(|| entries["entries"].as_array())
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "view" && e["outcome"] == "allowed")
        .map(|e| e["user"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        views.iter().filter(|u| *u == "wang").count(),
        3,
        "{views:?}"
    );
    assert!(
        views.iter().filter(|u| *u == "lin").count() >= 3,
        "{views:?}"
    );
}

#[test]
fn a_sqlite_vault_moves_to_the_server_and_back_with_every_row_and_the_same_head() {
    let tmp = tempfile::tempdir().expect("tmp");
    let lite = Desk::at(tmp.path(), "lite");
    lite.ok(
        None,
        &[("SEALDESK_NEW_PASSPHRASE", "admin-passphrase")],
        &["init", "--admin", "chief"],
    );
    add_user(&lite, "lin", "clerk", "秘書室");
    let letter = lite.register("lin", "代號:搬移", "petition");
    let (url, _) = sealdesk_tests::pg::new_database_as(
        &std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into()),
    );
    let server = Desk::at(tmp.path(), "server");
    let m = lite.ok(
        None,
        &[],
        &[
            "vault",
            "migrate",
            "--to",
            &url,
            "--into",
            server.vault.to_str().expect("utf8"),
        ],
    );
    let tables = m["tables"].as_array().expect("tables");
    assert!(tables.len() >= 15, "{m}");
    let rows = |t: &str| {
        tables
            .iter()
            .find(|x| x[0] == t)
            .and_then(|x| x[1].as_i64())
            .expect("table")
    };
    assert!(
        rows("ledger") > 5 && rows("records") > 0 && rows("users") == 2,
        "{m}"
    );
    // The server copy works: the clerk opens the letter there.
    let opened = server.ok(
        Some("lin"),
        &[],
        &["open", &letter, "--reason", "搬移後核對"],
    );
    assert!(opened["text"].as_str().is_some_and(|t| !t.is_empty()));
    // And back to a folder: the same rows, the same head.
    let back = tmp.path().join("back").join("vault");
    let m2 = server.ok(
        None,
        &[],
        &["vault", "migrate", "--to", back.to_str().expect("utf8")],
    );
    assert!(back.join("vault.sqlite").is_file());
    assert!(
        m2["ledger_entries"].as_u64() > m["ledger_entries"].as_u64(),
        "the open at the server is in the copy back: {m2}"
    );
    // A second migration into a server database that already holds a vault
    // is refused, keeping it as it was.
    let again = lite.run(
        None,
        &[],
        &[
            "vault",
            "migrate",
            "--to",
            &url,
            "--into",
            tmp.path().join("x").to_str().expect("utf8"),
        ],
    );
    assert_ne!(again.code, 0, "{}", again.stdout);
}

trait SpawnOutput {
    fn spawn_output(self) -> std::thread::JoinHandle<Output>;
}

impl SpawnOutput for std::process::Command {
    fn spawn_output(mut self) -> std::thread::JoinHandle<Output> {
        std::thread::spawn(move || self.output().expect("run"))
    }
}
