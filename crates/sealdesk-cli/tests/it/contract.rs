//! The CLI contract as one transcript: a fixed story of commands, each with
//! its arguments, user, stdin, exit status, stdout and stderr, compared with
//! `contract.md` beside this file. Every exit code (0 to 4) and every error
//! kind a command line can reach appears in it, with the `--json` shape of
//! every command. Auditors script this surface; a change to the transcript is
//! a change to the contract, made on purpose:
//!
//!   SNAPSHOTS=overwrite cargo test -p sealdesk-cli --test it contract
//!
//! Values that differ between runs (ids, hashes, keys, times, the recovery
//! code, the vault's folder) are replaced by `[NAMES]` before comparing;
//! everything else is pinned byte for byte.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use regex::Regex;
use serde_json::Value;

use crate::{sample, sealdesk_command};

/// One command of the story.
#[derive(Default)]
struct Case<'a> {
    title: &'a str,
    /// A demo user (passphrase `demo-NAME-pass`) or `(name, passphrase)`.
    user: Option<(&'a str, String)>,
    env: Vec<(&'a str, String)>,
    args: Vec<String>,
    stdin: Option<&'a str>,
    /// Human output instead of `--json`.
    human: bool,
    /// Another vault folder than the story's.
    vault: Option<PathBuf>,
}

struct Story {
    dir: tempfile::TempDir,
    transcript: String,
    /// Named values taken from earlier output, shown by name in the transcript.
    vars: BTreeMap<&'static str, String>,
}

struct Out {
    stdout: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn as_user(name: &str) -> Option<(&str, String)> {
    Some((name, format!("demo-{name}-pass")))
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

impl Story {
    fn vault(&self) -> PathBuf {
        self.dir.path().join("vault")
    }

    /// Replaces `{name}` in arguments by a value taken from earlier output.
    fn fill(&self, arg: &str) -> String {
        let mut s = arg.to_owned();
        for (k, v) in &self.vars {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    fn run(&mut self, case: Case<'_>) -> Out {
        let mut cmd = sealdesk_command(&self.dir.path().join("witness"));
        cmd.arg("--vault")
            .arg(case.vault.clone().unwrap_or_else(|| self.vault()));
        if !case.human {
            cmd.arg("--json");
        }
        cmd.args(case.args.iter().map(|a| self.fill(a)));
        let mut shown_env = Vec::new();
        if let Some((u, p)) = &case.user {
            cmd.env("SEALDESK_USER", u).env("SEALDESK_PASSPHRASE", p);
            shown_env.push(format!("SEALDESK_USER={u}"));
            shown_env.push(format!("SEALDESK_PASSPHRASE={p}"));
        }
        for (k, v) in &case.env {
            let v = self.fill(v);
            shown_env.push(format!("{k}={v}"));
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run sealdesk");
        if let Some(input) = case.stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("wait for sealdesk");
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // A title that names an outcome ("denied, exit 2") is checked here,
        // so even a rewritten transcript cannot contradict its own headings.
        let expected_code = Regex::new(r"exit (\d)$")
            .expect("regex")
            .captures(case.title)
            .map(|c| c[1].parse::<i32>().expect("digit"));
        assert_eq!(code, expected_code.unwrap_or(0), "{}: {stderr}", case.title);
        if let Some(kind) = Regex::new(r"([a-z_]+), exit [1-4]$")
            .expect("regex")
            .captures(case.title)
            .map(|c| c[1].to_owned())
        {
            let shown = if case.human {
                format!("error[{kind}]")
            } else {
                format!("\"kind\":\"{kind}\"")
            };
            assert!(stderr.contains(&shown), "{}: {stderr}", case.title);
        }

        let t = &mut self.transcript;
        t.push_str(&format!("\n## {}\n\n```console\n", case.title));
        for e in &shown_env {
            t.push_str(&format!("$ export {e}\n"));
        }
        let shown_args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                if a.contains(' ') || a.is_empty() {
                    format!("'{a}'")
                } else {
                    a.clone()
                }
            })
            .collect();
        t.push_str(&format!(
            "$ sealdesk --vault VAULT{} {}\n",
            if case.human { "" } else { " --json" },
            shown_args.join(" ")
        ));
        if let Some(input) = case.stdin {
            t.push_str(&format!("stdin: {input:?}\n"));
        }
        t.push_str(&format!("exit: {code}\n--- stdout\n{stdout}"));
        if !stdout.is_empty() && !stdout.ends_with('\n') {
            t.push('\n');
        }
        t.push_str(&format!("--- stderr\n{stderr}"));
        if !stderr.is_empty() && !stderr.ends_with('\n') {
            t.push('\n');
        }
        t.push_str("```\n");
        Out { stdout }
    }

    /// The common case: `args` as a demo user (or no one), JSON output.
    fn cmd(&mut self, title: &str, user: Option<&str>, a: &[&str]) -> Out {
        self.run(Case {
            title,
            user: user.and_then(as_user),
            args: args(a),
            ..Case::default()
        })
    }

    fn take(&mut self, name: &'static str, value: &Value) {
        let v = value
            .as_str()
            .map(str::to_owned)
            .or_else(|| value.as_i64().map(|n| n.to_string()))
            .unwrap_or_else(|| panic!("{name}: no value in {value}"));
        self.vars.insert(name, v);
    }

    /// The transcript with what differs between runs replaced by names.
    fn redacted(&self) -> String {
        let mut s = self.transcript.clone();
        let dir = self.dir.path().to_string_lossy().into_owned();
        s = s.replace(&dir, "[DIR]");
        let samples = sample("sample-01.txt")
            .parent()
            .expect("samples dir")
            .to_string_lossy()
            .into_owned();
        s = s.replace(&samples, "[SAMPLES]");
        for (k, v) in &self.vars {
            if v.len() >= 8 {
                s = s.replace(v.as_str(), &format!("{{{k}}}"));
            }
        }
        let rules = [
            (r"\b[0-9a-f]{128}\b", "[SIG]"),
            (r"\b[0-9a-f]{64}\b", "[HEX32]"),
            (r"\b[0-9a-f]{32}\b", "[ID]"),
            (r"\b[A-Z2-7]{5}(-[A-Z2-7]{5}){10}\b", "[RECOVERY_CODE]"),
            (r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{5}\b", "[MARK_CODE]"),
            (
                r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?(Z|[+-]\d{2}:?\d{2}|UTC))?",
                "[TIME]",
            ),
            (r"\b1[0-9]{12}\b", "[MS]"),
            (r"try again in \d+ s", "try again in [N] s"),
            (r"\b1[0-9]{9}\b", "[SECS]"),
            (r"SD-1[0-9]{2}-", "SD-[ROC]-"),
            (r"\bws-[0-9a-f]{12}\b", "[WORKSTATION]"),
            (r"民國1[0-9]{2}年", "民國[ROC]年"),
        ];
        for (re, name) in rules {
            s = Regex::new(re)
                .expect("redaction rule")
                .replace_all(&s, name)
                .into_owned();
        }
        s
    }
}

/// The binary under test runs on the system clock, so the story must too.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// A date `days` from today in Taiwan, as `--until` takes it (the API ends
/// access at the end of that day in Taiwan). Taken in Taiwan's time, not
/// UTC's, so that an access given to that date never ends before one of
/// `days` days from now: the transcript's order of assignments does not
/// depend on the hour it runs.
fn days_from_now(days: i64) -> String {
    let t = wall_clock() + chrono::Duration::hours(8) + chrono::Duration::days(days);
    t.format("%Y-%m-%d").to_string()
}

fn sql(vault: &Path, statement: &str) {
    let db = rusqlite::Connection::open(vault.join("vault.sqlite")).expect("open vault file");
    db.execute(statement, []).expect(statement);
}

fn set_user_version(vault: &Path, v: i64) {
    let db = rusqlite::Connection::open(vault.join("vault.sqlite")).expect("open vault file");
    db.pragma_update(None, "user_version", v)
        .expect("set user_version");
}

#[test]
fn the_cli_contract_transcript() {
    let mut st = Story {
        dir: tempfile::tempdir().expect("tempdir"),
        transcript: String::from(
            "# The `sealdesk` command-line contract\n\n\
             Written by `tests/it/contract.rs`; do not edit by hand. Exit codes: 0 ok; \
             1 usage or invalid input; 2 denied or bad credentials; 3 integrity; 4 bad input file.\n",
        ),
        vars: BTreeMap::new(),
    };
    let until = days_from_now(30);
    st.vars.insert("until", until);

    // --- usage (exit 1) and help (exit 0)
    st.run(Case {
        title: "no command: usage, exit 1",
        ..Case::default()
    });
    st.cmd("an unknown command: usage, exit 1", None, &["frobnicate"]);
    st.run(Case {
        title: "help: exit 0",
        args: args(&["--help"]),
        human: true,
        ..Case::default()
    });
    st.cmd("no vault yet: no_vault, exit 1", Some("clerk"), &["whoami"]);

    // --- the demo vault
    st.run(Case {
        title: "init: a vault and its first administrator",
        env: vec![("SEALDESK_NEW_PASSPHRASE", "first-admin-pass".into())],
        args: args(&["init", "--admin", "chief"]),
        vault: Some(st.dir.path().join("other-vault")),
        ..Case::default()
    });
    let out = st.cmd("demo: one user per role, two letters", None, &["demo"]);
    st.take("recovery_code", &out.json()["recovery_code"]);
    st.cmd("demo again: vault_exists, exit 1", None, &["demo"]);
    st.cmd(
        "ledger entries (the demo's auditor holds the ledger key)",
        Some("auditor"),
        &["ledger", "entries"],
    );
    st.cmd(
        "ledger entries by a handler: denied, exit 2",
        Some("handler"),
        &["ledger", "entries"],
    );
    st.run(Case {
        title: "init on an existing vault: vault_exists, exit 1",
        env: vec![("SEALDESK_NEW_PASSPHRASE", "another-admin-pass".into())],
        args: args(&["init", "--admin", "boss"]),
        ..Case::default()
    });

    // --- who am I, and how a login fails (exit 2)
    for role in ["admin", "clerk", "supervisor", "handler", "auditor"] {
        st.run(Case {
            title: &format!("whoami as {role}"),
            user: as_user(role),
            args: args(&["whoami"]),
            ..Case::default()
        });
    }
    st.run(Case {
        title: "whoami, human output",
        user: as_user("handler"),
        args: args(&["whoami"]),
        human: true,
        ..Case::default()
    });
    st.cmd("no user given: usage, exit 1", None, &["whoami"]);
    st.run(Case {
        title: "no passphrase and no terminal (stdin is a pipe): usage, exit 1",
        env: vec![("SEALDESK_USER", "clerk".into())],
        args: args(&["whoami"]),
        stdin: Some("demo-clerk-pass\n"),
        ..Case::default()
    });
    st.run(Case {
        title: "a wrong passphrase: bad_credentials, exit 2",
        user: Some(("supervisor", "not-the-passphrase".into())),
        args: args(&["whoami"]),
        ..Case::default()
    });
    st.run(Case {
        title: "an unknown name answers as a wrong passphrase does: bad_credentials, exit 2",
        user: Some(("nobody", "not-the-passphrase".into())),
        args: args(&["whoami"]),
        ..Case::default()
    });
    st.run(Case {
        title: "a wrong passphrase, human output: bad_credentials, exit 2",
        user: Some(("supervisor", "not-the-passphrase".into())),
        args: args(&["whoami"]),
        human: true,
        ..Case::default()
    });
    // Throttling depends on the time between attempts; a fixed state (nine
    // failures, the last one now) makes its answer deterministic. The
    // cross-process timing itself is tested in main.rs.
    let now_ms = wall_clock().timestamp_millis();
    sql(
        &st.vault(),
        &format!(
            "UPDATE users SET failed_logins = 9, last_failed_at = {now_ms} WHERE name = 'supervisor'"
        ),
    );
    st.cmd(
        "the right passphrase, too soon after nine wrong ones: throttled, exit 2",
        Some("supervisor"),
        &["whoami"],
    );
    sql(
        &st.vault(),
        "UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE name = 'supervisor'",
    );

    // --- accounts (admin)
    st.cmd("user list (admin)", Some("admin"), &["user", "list"]);
    st.cmd(
        "user list by a handler: denied, exit 2",
        Some("handler"),
        &["user", "list"],
    );
    st.run(Case {
        title: "user add",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-handler2-pass".into())],
        args: args(&[
            "user",
            "add",
            "handler2",
            "--role",
            "handler",
            "--unit",
            "稅務管理科",
        ]),
        ..Case::default()
    });
    st.run(Case {
        title: "user add, the same name: exists, exit 1",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-handler2-pass".into())],
        args: args(&[
            "user",
            "add",
            "handler2",
            "--role",
            "handler",
            "--unit",
            "稅務管理科",
        ]),
        ..Case::default()
    });
    st.run(Case {
        title: "user add, clerk and auditor at once: separation_of_duties, exit 2",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-mixed-pass".into())],
        args: args(&["user", "add", "mixed", "--role", "clerk,auditor"]),
        ..Case::default()
    });
    st.run(Case {
        title: "user add, an unknown role: invalid, exit 1",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-odd-pass".into())],
        args: args(&["user", "add", "odd", "--role", "janitor"]),
        ..Case::default()
    });
    st.run(Case {
        title: "user add, a short passphrase: invalid, exit 1",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "short".into())],
        args: args(&[
            "user",
            "add",
            "shorty",
            "--role",
            "handler",
            "--unit",
            "稅務管理科",
        ]),
        ..Case::default()
    });
    st.cmd(
        "user disable",
        Some("admin"),
        &["user", "disable", "handler2"],
    );
    st.cmd(
        "a disabled user: user_disabled, exit 2",
        Some("handler2"),
        &["whoami"],
    );
    st.cmd(
        "user enable",
        Some("admin"),
        &["user", "enable", "handler2"],
    );
    st.run(Case {
        title: "user reset",
        user: as_user("admin"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-handler2-pass".into())],
        args: args(&["user", "reset", "handler2"]),
        ..Case::default()
    });
    st.cmd(
        "user disable, an unknown name: not_found, exit 1",
        Some("admin"),
        &["user", "disable", "ghost"],
    );
    st.run(Case {
        title: "passwd",
        user: as_user("handler2"),
        env: vec![("SEALDESK_NEW_PASSPHRASE", "demo-handler2-pass-2".into())],
        args: args(&["passwd"]),
        ..Case::default()
    });
    st.cmd(
        "settings by an admin",
        Some("admin"),
        &["settings", "--idle-timeout", "900"],
    );
    st.cmd(
        "settings out of range: bad_input, exit 1",
        Some("admin"),
        &["settings", "--idle-timeout", "5"],
    );
    st.cmd(
        "settings by a clerk: denied, exit 2",
        Some("clerk"),
        &["settings", "--idle-timeout", "900"],
    );
    st.cmd(
        "settings, the access limit (admin)",
        Some("admin"),
        &["settings", "--max-access-days", "60"],
    );
    st.cmd(
        "settings, an access limit past 90 days: bad_input, exit 1",
        Some("admin"),
        &["settings", "--max-access-days", "120"],
    );
    st.cmd("settings shown (admin)", Some("admin"), &["settings"]);
    st.run(Case {
        title: "user roles: the clerk also handles letters of a unit",
        user: as_user("admin"),
        args: args(&[
            "user",
            "roles",
            "clerk",
            "--role",
            "clerk,handler",
            "--unit",
            "政風室",
        ]),
        ..Case::default()
    });
    st.run(Case {
        title: "user roles: back to clerk only",
        user: as_user("admin"),
        args: args(&["user", "roles", "clerk", "--role", "clerk"]),
        ..Case::default()
    });
    st.run(Case {
        title: "user roles, an auditor who would also be an admin: separation_of_duties, exit 2",
        user: as_user("admin"),
        args: args(&["user", "roles", "auditor", "--role", "auditor,admin"]),
        ..Case::default()
    });
    st.run(Case {
        title: "user roles, a handler without a unit: bad_input, exit 1",
        user: as_user("admin"),
        args: args(&["user", "roles", "auditor", "--role", "handler"]),
        ..Case::default()
    });
    st.run(Case {
        title: "user roles by a clerk: denied, exit 2",
        user: as_user("clerk"),
        args: args(&[
            "user",
            "roles",
            "supervisor",
            "--role",
            "handler",
            "--unit",
            "稅務管理科",
        ]),
        ..Case::default()
    });

    // --- the register
    let out = st.cmd("letters list (clerk)", Some("clerk"), &["letters", "list"]);
    let letters = out.json()["letters"].clone();
    st.take("letter1", &letters[0]["id"]);
    st.take("letter2", &letters[1]["id"]);
    for (role, outcome) in [
        ("supervisor", ""),
        ("handler", ""),
        ("auditor", ": denied, exit 2"),
        ("admin", ": denied, exit 2"),
    ] {
        st.run(Case {
            title: &format!("letters list ({role}){outcome}"),
            user: as_user(role),
            args: args(&["letters", "list"]),
            ..Case::default()
        });
    }
    st.cmd(
        "letters show (clerk)",
        Some("clerk"),
        &["letters", "show", "{letter1}"],
    );
    st.cmd(
        "letters show, an unknown id: not_found, exit 1",
        Some("clerk"),
        &["letters", "show", "00000000000000000000000000000000"],
    );
    st.cmd(
        "letters show, neither an id nor a receipt number: not_found, exit 1",
        Some("clerk"),
        &["letters", "show", "xyz"],
    );
    st.run(Case {
        title: "scan needs no vault",
        args: vec!["scan".into(), sample("sample-01.txt").display().to_string()],
        ..Case::default()
    });
    st.cmd(
        "scan, a file that is not there: bad_file, exit 4",
        None,
        &["scan", "/nonexistent/letter.pdf"],
    );
    let out = st.run(Case {
        title: "register a text letter (clerk)",
        user: as_user("clerk"),
        args: vec![
            "register".into(),
            sample("sample-01.txt").display().to_string(),
            "--category".into(),
            "procurement_objection".into(),
            "--condition".into(),
            "決標公告後解密".into(),
            "--subject".into(),
            "代號:丙案".into(),
            "--party".into(),
            "甲工程有限公司".into(),
            "--party".into(),
            "乙建設股份有限公司".into(),
        ],
        ..Case::default()
    });
    st.take("letter3", &out.json()["letter_id"]);
    let broken = st.dir.path().join("broken.pdf");
    std::fs::write(
        &broken,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF",
    )
    .expect("write a broken PDF");
    st.run(Case {
        title: "register, a broken PDF: bad_file, exit 4",
        user: as_user("clerk"),
        args: vec![
            "register".into(),
            broken.display().to_string(),
            "--category".into(),
            "petition".into(),
            "--until".into(),
            "{until}".into(),
            "--subject".into(),
            "代號:丁案".into(),
        ],
        ..Case::default()
    });
    // Every registration path checks the register fields the one way: a
    // letter with no subject (案由) is refused before its file is read.
    st.run(Case {
        title: "register without a subject: bad_input, exit 1",
        user: as_user("clerk"),
        args: vec![
            "register".into(),
            sample("sample-01.txt").display().to_string(),
            "--category".into(),
            "petition".into(),
            "--until".into(),
            "{until}".into(),
        ],
        ..Case::default()
    });
    st.run(Case {
        title: "register by a handler: denied, exit 2",
        user: as_user("handler"),
        args: vec![
            "register".into(),
            sample("sample-01.txt").display().to_string(),
            "--category".into(),
            "petition".into(),
            "--until".into(),
            "{until}".into(),
        ],
        ..Case::default()
    });
    st.run(Case {
        title: "register, an unknown category: bad_input, exit 1",
        user: as_user("clerk"),
        args: vec![
            "register".into(),
            sample("sample-01.txt").display().to_string(),
            "--category".into(),
            "gossip".into(),
            "--until".into(),
            "{until}".into(),
        ],
        ..Case::default()
    });

    // --- routing: inquiry, request, decision, assignment
    let out = st.cmd(
        "inquire (clerk)",
        Some("clerk"),
        &[
            "inquire",
            "{letter3}",
            "--unit",
            "稅務管理科",
            "--deadline",
            "{until}",
        ],
    );
    st.take("inquiry", &out.json()["inquiries"][0]["id"]);
    st.cmd("inquiries (supervisor)", Some("supervisor"), &["inquiries"]);
    st.cmd(
        "answer (supervisor)",
        Some("supervisor"),
        &["answer", "{inquiry}", "--ours"],
    );
    st.cmd(
        "inquiries (clerk): the answer",
        Some("clerk"),
        &["inquiries"],
    );
    st.cmd("directory (clerk)", Some("clerk"), &["directory"]);
    st.cmd(
        "directory by a handler: denied, exit 2",
        Some("handler"),
        &["directory"],
    );
    st.cmd(
        "slip (clerk): the routing slip reveals no one",
        Some("clerk"),
        &["slip", "{letter3}"],
    );
    let out = st.cmd(
        "route (clerk)",
        Some("clerk"),
        &[
            "route",
            "{letter3}",
            "--unit",
            "稅務管理科",
            "--handler",
            "handler",
            "--until",
            "{until}",
            "--reason",
            "採購異議,請稅務管理科處理",
        ],
    );
    st.take("request", &out.json()["id"]);
    st.cmd(
        "route to a handler of another unit: bad_input, exit 1",
        Some("clerk"),
        &[
            "route",
            "{letter3}",
            "--unit",
            "政風室",
            "--handler",
            "handler",
            "--reason",
            "誤送",
        ],
    );
    st.cmd("requests (supervisor)", Some("supervisor"), &["requests"]);
    st.cmd(
        "approve by the handler: denied, exit 2",
        Some("handler"),
        &["approve", "{request}", "--reason", "自己核准"],
    );
    let out = st.cmd(
        "approve (supervisor)",
        Some("supervisor"),
        &["approve", "{request}", "--reason", "同意分辦"],
    );
    st.take("assignment", &out.json()["id"]);
    st.cmd(
        "approve again: denied, exit 2",
        Some("supervisor"),
        &["approve", "{request}", "--reason", "再次"],
    );
    st.cmd("assignments (handler)", Some("handler"), &["assignments"]);
    st.cmd(
        "assignments of the unit (supervisor)",
        Some("supervisor"),
        &["assignments", "--unit"],
    );
    st.cmd(
        "assignments of the unit by a handler: denied, exit 2",
        Some("handler"),
        &["assignments", "--unit"],
    );
    st.cmd(
        "open without the conflict-of-interest affirmation: affirmation_required, exit 2",
        Some("handler"),
        &["open", "{letter3}", "--reason", "辦理異議"],
    );
    st.cmd(
        "open with it: the masked working copy",
        Some("handler"),
        &[
            "open",
            "{letter3}",
            "--reason",
            "辦理異議",
            "--affirm-no-conflict",
        ],
    );
    st.run(Case {
        title: "open, human output",
        user: as_user("handler"),
        args: args(&["open", "{letter3}", "--reason", "續辦"]),
        human: true,
        ..Case::default()
    });
    st.run(Case {
        title: "open by a handler not assigned: denied, exit 2",
        user: Some(("handler2", "demo-handler2-pass-2".into())),
        args: args(&["open", "{letter3}", "--reason", "好奇"]),
        ..Case::default()
    });

    // --- identity reveal
    let out = st.cmd(
        "reveal request (handler)",
        Some("handler"),
        &[
            "reveal",
            "request",
            "{letter3}",
            "--reason",
            "需通知異議廠商補正",
        ],
    );
    st.take("reveal", &out.json()["id"]);
    st.cmd(
        "reveal show before approval: denied, exit 2",
        Some("handler"),
        &["reveal", "show", "{letter3}"],
    );
    st.cmd(
        "requests (clerk): reveals to endorse",
        Some("clerk"),
        &["requests"],
    );
    st.cmd(
        "reveal endorse (clerk)",
        Some("clerk"),
        &["reveal", "endorse", "{reveal}"],
    );
    st.cmd(
        "approve the reveal (supervisor)",
        Some("supervisor"),
        &["approve", "{reveal}", "--reason", "同意揭露"],
    );
    st.cmd(
        "reveal show (handler)",
        Some("handler"),
        &["reveal", "show", "{letter3}"],
    );

    // --- marked copies: request, approve, make, the register
    let out = st.cmd(
        "export request (handler, a copy for themselves)",
        Some("handler"),
        &[
            "export",
            "request",
            "{letter3}",
            "--to",
            "handler",
            "--reason",
            "送法制室研議",
        ],
    );
    st.take("copy_request", &out.json()["id"]);
    let copy_pdf = st.dir.path().join("copy-1.pdf").display().to_string();
    st.run(Case {
        title: "export run before approval: denied, exit 2",
        user: as_user("handler"),
        args: args(&["export", "run", "{copy_request}", "--out", &copy_pdf]),
        ..Case::default()
    });
    st.cmd(
        "approve the export (supervisor)",
        Some("supervisor"),
        &["approve", "{copy_request}", "--reason", "同意匯出一份"],
    );
    st.run(Case {
        title: "export run (handler): registered and recorded, then written",
        user: as_user("handler"),
        args: args(&["export", "run", "{copy_request}", "--out", &copy_pdf]),
        ..Case::default()
    });
    st.cmd(
        "export requests (handler)",
        Some("handler"),
        &["export", "requests"],
    );
    st.cmd(
        "export list (clerk): the copy register",
        Some("clerk"),
        &["export", "list", "{letter3}"],
    );
    st.cmd(
        "export list by a handler: denied, exit 2",
        Some("handler"),
        &["export", "list", "{letter3}"],
    );

    // --- ending assignments: deny, decline, revoke
    let out = st.cmd(
        "route the second demo letter",
        Some("clerk"),
        &[
            "route",
            "{letter2}",
            "--unit",
            "稅務管理科",
            "--handler",
            "handler",
            "--until",
            "{until}",
            "--reason",
            "設備採購",
        ],
    );
    st.take("request2", &out.json()["id"]);
    st.cmd(
        "deny (supervisor)",
        Some("supervisor"),
        &["deny", "{request2}", "--reason", "非本科業務"],
    );
    let out = st.cmd(
        "route it again",
        Some("clerk"),
        &[
            "route",
            "{letter2}",
            "--unit",
            "稅務管理科",
            "--handler",
            "handler",
            "--until",
            "{until}",
            "--reason",
            "重新分辦",
        ],
    );
    st.take("request3", &out.json()["id"]);
    let out = st.cmd(
        "approve it",
        Some("supervisor"),
        &["approve", "{request3}", "--reason", "同意"],
    );
    st.take("assignment2", &out.json()["id"]);
    st.cmd(
        "decline (handler)",
        Some("handler"),
        &[
            "decline",
            "{assignment2}",
            "--reason",
            "與異議廠商有親屬關係",
        ],
    );
    st.cmd(
        "revoke (supervisor)",
        Some("supervisor"),
        &["revoke", "{assignment}", "--reason", "結案"],
    );
    st.cmd(
        "open after revocation: denied, exit 2",
        Some("handler"),
        &["open", "{letter3}", "--reason", "再看一次"],
    );

    // --- recovery and the ledger
    st.run(Case {
        title: "recover with a wrong code: bad_recovery_code, exit 2",
        env: vec![(
            "SEALDESK_RECOVERY_CODE",
            "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA".into(),
        )],
        args: args(&["recover"]),
        ..Case::default()
    });
    st.cmd("ledger key", None, &["ledger", "key"]);
    st.cmd("ledger verify", None, &["ledger", "verify"]);
    st.run(Case {
        title: "ledger verify, human output",
        args: args(&["ledger", "verify"]),
        human: true,
        ..Case::default()
    });
    st.run(Case {
        title: "ledger checkpoint",
        user: as_user("auditor"),
        args: vec![
            "ledger".into(),
            "checkpoint".into(),
            "--out".into(),
            st.dir.path().join("cp.json").display().to_string(),
        ],
        ..Case::default()
    });
    st.cmd(
        "ledger grant by a handler: denied, exit 2",
        Some("handler"),
        &["ledger", "grant", "handler2"],
    );

    st.run(Case {
        title: "recover: the recovery code opens every key",
        env: vec![("SEALDESK_RECOVERY_CODE", "{recovery_code}".into())],
        args: args(&["recover"]),
        ..Case::default()
    });
    let export = st.dir.path().join("export");
    st.run(Case {
        title: "ledger export (auditor)",
        user: as_user("auditor"),
        args: vec![
            "ledger".into(),
            "export".into(),
            "--out".into(),
            export.display().to_string(),
        ],
        ..Case::default()
    });
    let report = st.dir.path().join("report");
    let report_args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "audit",
            "report",
            "--from",
            "109/01/01",
            "--to",
            "2020-01-31",
            "--seed",
            "1",
            "--out",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        v.push(report.display().to_string());
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    st.run(Case {
        title:
            "audit report over a month before the vault (auditor): nothing to flag; files written",
        user: as_user("auditor"),
        args: report_args(&[]),
        ..Case::default()
    });
    st.run(Case {
        title: "audit report with bad office hours: usage, exit 1",
        user: as_user("auditor"),
        args: report_args(&["--office-hours", "18:00-08:00"]),
        ..Case::default()
    });
    st.run(Case {
        title: "audit report by a clerk: denied, exit 2",
        user: as_user("clerk"),
        args: report_args(&[]),
        ..Case::default()
    });
    st.run(Case {
        title: "verify-export against the kept checkpoint",
        args: vec![
            "ledger".into(),
            "verify-export".into(),
            export.display().to_string(),
            "--checkpoint".into(),
            st.dir.path().join("cp.json").display().to_string(),
        ],
        ..Case::default()
    });
    let chain = export.join("chain.jsonl");
    let text = std::fs::read_to_string(&chain).expect("chain.jsonl");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(lines.len() / 2);
    std::fs::write(&chain, lines.join("\n") + "\n").expect("rewrite chain.jsonl");
    st.run(Case {
        title: "verify-export, an entry cut out of the chain: integrity, exit 3",
        args: vec![
            "ledger".into(),
            "verify-export".into(),
            export.display().to_string(),
            "--checkpoint".into(),
            st.dir.path().join("cp.json").display().to_string(),
        ],
        ..Case::default()
    });

    // --- a damaged or newer vault (exit 3)
    set_user_version(&st.vault(), 999);
    st.cmd(
        "a vault from a newer Sealdesk: schema_too_new, exit 3",
        Some("clerk"),
        &["whoami"],
    );
    set_user_version(&st.vault(), sealdesk_store::SCHEMA_VERSION);
    sql(
        &st.vault(),
        "UPDATE users SET roles = 'admin,auditor' WHERE name = 'auditor'",
    );
    st.cmd(
        "a user row changed in the file (T10): integrity, exit 3",
        Some("auditor"),
        &["whoami"],
    );

    // No path normalisation: it would turn JSON's `\n` into `/n`.
    // Overwriting the contract is a hand-made, reviewed change, never CI's.
    assert!(
        std::env::var_os("CI").is_none() || std::env::var_os("SNAPSHOTS").is_none(),
        "SNAPSHOTS must not be set in CI: the contract is compared, never rewritten there"
    );
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .normalize_paths(false)
        .eq(st.redacted(), snapbox::file!["contract.md"]);
}
