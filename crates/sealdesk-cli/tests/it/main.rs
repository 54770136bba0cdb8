//! The `sealdesk` command run as a user runs it: real binary, real vault
//! folder, passphrases from the environment. Pins exit codes and `--json`
//! shapes, which auditors' scripts rely on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod boxes;
mod contract;
mod desks;
mod exports;
mod paper;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    fn error_kind(&self) -> String {
        let v: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {}", self.stderr));
        v["error"]["kind"].as_str().unwrap_or_default().to_owned()
    }
}

/// The `sealdesk` binary with none of the tester's own `SEALDESK_*`
/// settings, and this desk's ledger witness kept in `witness` (as the user's
/// data directory would hold it), never in the tester's home.
fn sealdesk_command(witness: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sealdesk"));
    for var in [
        "SEALDESK_USER",
        "SEALDESK_PASSPHRASE",
        "SEALDESK_NEW_PASSPHRASE",
        "SEALDESK_VAULT",
        "SEALDESK_RECOVERY_CODE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("SEALDESK_WITNESS_DIR", witness);
    cmd
}

struct Cli {
    vault: PathBuf,
    _dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().expect("tempdir");
        Cli {
            vault: dir.path().join("vault"),
            _dir: dir,
        }
    }

    /// Runs `sealdesk` as `user` (if any) with `pass` in the environment.
    fn run(&self, user: Option<(&str, &str)>, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = sealdesk_command(&self._dir.path().join("witness"));
        cmd.arg("--vault").arg(&self.vault).arg("--json").args(args);
        if let Some((u, p)) = user {
            cmd.env("SEALDESK_USER", u).env("SEALDESK_PASSPHRASE", p);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out: Output = cmd.output().expect("run sealdesk");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn init(&self) -> String {
        let r = self.run(
            None,
            &[("SEALDESK_NEW_PASSPHRASE", "admin-passphrase")],
            &["init", "--admin", "chief"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["admin"]["name"], "chief");
        assert_eq!(v["admin"]["roles"], serde_json::json!(["admin"]));
        v["recovery_code"]
            .as_str()
            .expect("recovery code")
            .to_owned()
    }

    /// `user` registers a sample letter.
    fn register(&self, user: Option<(&str, &str)>, file: &str, category: &str, until: &str) -> Run {
        let path = sample(file);
        self.run(
            user,
            &[],
            &[
                "register",
                "--subject",
                "測試案由",
                path.to_str().expect("utf8"),
                "--category",
                category,
                "--until",
                until,
            ],
        )
    }

    fn add(&self, name: &str, roles: &str, unit: Option<&str>) -> Run {
        let pass = format!("{name}-passphrase");
        let mut args = vec!["user", "add", name, "--role", roles];
        if let Some(u) = unit {
            args.extend(["--unit", u]);
        }
        self.run(
            Some(("chief", "admin-passphrase")),
            &[("SEALDESK_NEW_PASSPHRASE", &pass)],
            &args,
        )
    }
}

/// A copy of a page as a phone or a mail client leaves it: a JPEG.
fn write_jpeg(path: &Path, page: &image::RgbImage, quality: u8) {
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, quality)
        .encode_image(page)
        .expect("jpeg");
    std::fs::write(path, &jpg).expect("write");
}

fn pass(name: &str) -> String {
    format!("{name}-passphrase")
}

#[test]
fn init_users_of_each_role_and_whoami() {
    let cli = Cli::new();
    cli.init();
    for (name, role, unit) in [
        ("lin", "clerk", Some("秘書室")),
        ("chen", "supervisor", Some("稅務管理科")),
        ("wang", "handler", Some("稅務管理科")),
        ("hsu", "auditor", Some("政風室")),
        ("ops", "admin", None),
    ] {
        let r = cli.add(name, role, unit);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.json()["roles"], serde_json::json!([role]));
        let me = cli.run(Some((name, &pass(name))), &[], &["whoami"]);
        assert_eq!(me.code, 0, "{}", me.stderr);
        let v = me.json();
        assert_eq!(v["name"], name);
        assert_eq!(v["roles"], serde_json::json!([role]));
        assert_eq!(v["unit"], unit.map(Value::from).unwrap_or(Value::Null));
        assert_eq!(v["idle_timeout_secs"], 600);
    }
    let list = cli.run(Some(("hsu", &pass("hsu"))), &[], &["user", "list"]);
    assert_eq!(list.code, 0, "auditor reviews accounts: {}", list.stderr);
    assert_eq!(list.json()["users"].as_array().map(Vec::len), Some(6));
}

#[test]
fn wrong_passphrase_exits_2_with_a_stable_kind() {
    let cli = Cli::new();
    cli.init();
    let r = cli.run(Some(("chief", "not-it-at-all")), &[], &["whoami"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.error_kind(), "bad_credentials");
    assert!(r.stdout.is_empty());
    let human = Command::new(env!("CARGO_BIN_EXE_sealdesk"))
        .arg("--vault")
        .arg(&cli.vault)
        .arg("whoami")
        .env("SEALDESK_USER", "chief")
        .env("SEALDESK_PASSPHRASE", "not-it-at-all")
        .output()
        .expect("run");
    assert_eq!(human.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&human.stderr).trim(),
        "sealdesk: error[bad_credentials]: wrong user name or passphrase"
    );
}

#[test]
fn separation_of_duties_is_refused() {
    let cli = Cli::new();
    cli.init();
    for roles in [
        "auditor,clerk",
        "supervisor,auditor",
        "handler,auditor",
        "admin,handler",
    ] {
        let r = cli.add("mixed", roles, Some("政風室"));
        assert_eq!(r.code, 2, "{roles}");
        assert_eq!(r.error_kind(), "separation_of_duties", "{roles}");
        assert!(r.stderr.contains("separation of duties"), "{}", r.stderr);
    }
    let r = cli.add("ok", "clerk,supervisor", Some("秘書室"));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn only_admin_manages_accounts() {
    let cli = Cli::new();
    cli.init();
    assert_eq!(cli.add("lin", "clerk", Some("秘書室")).code, 0);
    let r = cli.run(
        Some(("lin", &pass("lin"))),
        &[("SEALDESK_NEW_PASSPHRASE", "whatever-pass")],
        &["user", "add", "mallory", "--role", "handler", "--unit", "x"],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));
    let r = cli.run(
        Some(("chief", "admin-passphrase")),
        &[],
        &["user", "disable", "lin"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["disabled"], true);
    let r = cli.run(Some(("lin", &pass("lin"))), &[], &["whoami"]);
    assert_eq!((r.code, r.error_kind().as_str()), (2, "user_disabled"));
}

#[test]
fn usage_errors_exit_1() {
    let cli = Cli::new();
    let r = cli.run(None, &[], &["user", "frobnicate"]);
    assert_eq!(r.code, 1);
    let r = cli.run(Some(("chief", "x")), &[], &["whoami"]);
    assert_eq!((r.code, r.error_kind().as_str()), (1, "no_vault"));
    let r = cli.run(None, &[], &["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("register"));
}

#[test]
fn register_open_recover_and_bad_files() {
    let cli = Cli::new();
    let code = cli.init();
    assert_eq!(cli.add("lin", "clerk", Some("秘書室")).code, 0);
    assert_eq!(cli.add("wang", "handler", Some("稅務管理科")).code, 0);
    let dir = tempfile::tempdir().expect("tempdir");
    let letter = dir.path().join("letter.txt");
    std::fs::write(&letter, "主旨:測試檢舉\n本人測試人").expect("write");
    let lin = Some(("lin", "lin-passphrase"));
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            letter.to_str().expect("utf8"),
            "--category",
            "whistleblower",
            "--until",
            "2035-06-30",
            "--subject",
            "代號甲",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let receipt = v["receipt_no"].as_str().expect("receipt").to_owned();
    assert!(receipt.starts_with("SD-1"), "{receipt}");
    assert!(v["letter_id"].as_str().is_some_and(|s| s.len() == 32));

    let r = cli.run(lin, &[], &["open", &receipt, "--reason", "登記核對"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.json()["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("主旨:測試檢舉")),
        "{}",
        r.stdout
    );
    let r = cli.run(
        Some(("wang", "wang-passphrase")),
        &[],
        &["open", &receipt, "--reason", "好奇"],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));
    let r = cli.run(Some(("wang", "wang-passphrase")), &[], &["letters", "list"]);
    assert_eq!(
        r.json()["letters"],
        serde_json::json!([]),
        "a handler sees no register line they hold no key to"
    );

    let r = cli.run(None, &[("SEALDESK_RECOVERY_CODE", &code)], &["recover"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.json(),
        serde_json::json!({"data_keys": 3, "records": 6}),
        "letter, identity and original keys; register, working copy, handler's text, identity, original, full text"
    );
    let r = cli.run(
        None,
        &[("SEALDESK_RECOVERY_CODE", "AAAAA-BBBBB")],
        &["recover"],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (2, "bad_recovery_code"));

    let binary = dir.path().join("scan.jpg");
    std::fs::write(&binary, [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xc3, 0x28]).expect("write");
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            "--subject",
            "測試案由",
            binary.to_str().expect("utf8"),
            "--category",
            "other",
            "--condition",
            "結案",
        ],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (4, "bad_file"));
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            "--subject",
            "測試案由",
            "/nonexistent/file.txt",
            "--category",
            "other",
            "--condition",
            "結案",
        ],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (4, "bad_file"));
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            "--subject",
            "測試案由",
            letter.to_str().expect("utf8"),
            "--category",
            "other",
        ],
    );
    assert_eq!(r.code, 1, "secrecy period or condition is required");
}

#[test]
fn damaged_or_newer_vaults_exit_3() {
    let cli = Cli::new();
    cli.init();
    {
        let c = rusqlite::Connection::open(cli.vault.join(sealdesk_store::DB_FILE)).expect("open");
        c.pragma_update(None, "user_version", 999).expect("bump");
    }
    let r = cli.run(Some(("chief", "admin-passphrase")), &[], &["whoami"]);
    assert_eq!((r.code, r.error_kind().as_str()), (3, "schema_too_new"));
    let garbage = Cli::new();
    std::fs::create_dir_all(&garbage.vault).expect("mkdir");
    std::fs::write(
        garbage.vault.join(sealdesk_store::DB_FILE),
        vec![0x42u8; 4096],
    )
    .expect("write");
    let r = garbage.run(Some(("chief", "x")), &[], &["whoami"]);
    assert_eq!((r.code, r.error_kind().as_str()), (3, "integrity"));
}

#[test]
fn demo_vault_has_one_user_per_role_and_letters() {
    let cli = Cli::new();
    let r = cli.run(None, &[], &["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let users = v["users"].as_array().expect("users");
    assert_eq!(users.len(), 5);
    for u in users {
        let name = u["name"].as_str().expect("name");
        let me = cli.run(
            Some((name, u["passphrase"].as_str().expect("p"))),
            &[],
            &["whoami"],
        );
        assert_eq!(me.code, 0, "{name}: {}", me.stderr);
        assert_eq!(me.json()["roles"][0], u["role"]);
    }
    assert_eq!(v["letters"].as_array().map(Vec::len), Some(2));
    let _ = Path::new(&cli.vault);
}

/// The auditor's ledger workflow as scripts run it (T5, T9).
#[test]
fn ledger_verify_checkpoint_export_and_forged_export() {
    let cli = Cli::new();
    let r = cli.run(None, &[], &["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let auditor = Some(("auditor", "demo-auditor-pass"));
    let dir = tempfile::tempdir().expect("tempdir");

    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["intact"], true);
    assert!(v["entries"].as_u64().is_some_and(|n| n > 5));

    let r = cli.run(
        Some(("handler", "demo-handler-pass")),
        &[],
        &["ledger", "entries"],
    );
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));
    let r = cli.run(auditor, &[], &["ledger", "entries"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entries = r.json()["entries"].as_array().cloned().expect("entries");
    assert!(entries
        .iter()
        .any(|e| e["action"] == "register" && e["user"] == "clerk"));

    let cp = dir.path().join("kept.json");
    let r = cli.run(
        auditor,
        &[],
        &["ledger", "checkpoint", "--out", cp.to_str().expect("utf8")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = cli.run(
        None,
        &[],
        &[
            "ledger",
            "verify",
            "--checkpoint",
            cp.to_str().expect("utf8"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let out = dir.path().join("export");
    let r = cli.run(
        auditor,
        &[],
        &["ledger", "export", "--out", out.to_str().expect("utf8")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read(out.join("entries.csv")).expect("csv");
    assert_eq!(&csv[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 BOM for Excel");
    assert!(String::from_utf8_lossy(&csv).contains("register"));
    let key = cli.run(None, &[], &["ledger", "key"]).json()["workstation_public_key"]
        .as_str()
        .expect("key")
        .to_owned();
    let r = cli.run(
        None,
        &[],
        &[
            "ledger",
            "verify-export",
            out.to_str().expect("utf8"),
            "--workstation-key",
            &key,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["intact"], true);

    // A forged export: change a stated reason and fix up the manifest hash.
    let jsonl = std::fs::read_to_string(out.join("entries.jsonl")).expect("jsonl");
    let forged = jsonl.replacen("\"action\":\"register\"", "\"action\":\"lock\"", 1);
    assert_ne!(forged, jsonl);
    std::fs::write(out.join("entries.jsonl"), &forged).expect("write");
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("m"))
            .expect("json");
    manifest["files"]["entries.jsonl"] = Value::from(sha256_hex(forged.as_bytes()));
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec(&manifest).expect("ser"),
    )
    .expect("write");
    let r = cli.run(
        None,
        &[],
        &[
            "ledger",
            "verify-export",
            out.to_str().expect("utf8"),
            "--workstation-key",
            &key,
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(r.json()["damage"]["kind"], "edited");

    // Damage the vault itself: verify names the kind and the entry, exit 3.
    {
        let db = rusqlite::Connection::open(cli.vault.join(sealdesk_store::DB_FILE)).expect("raw");
        db.execute_batch("DROP TRIGGER ledger_no_delete;")
            .expect("drop");
        db.execute("DELETE FROM ledger WHERE seq = 3", [])
            .expect("delete");
    }
    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 3);
    assert_eq!(r.error_kind(), "integrity");
    assert_eq!(r.json()["damage"]["kind"], "missing");
    assert_eq!(r.json()["damage"]["seq"], 3);
}

fn sha256_hex(b: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(b)?;
            c.wait_with_output()
        });
    String::from_utf8_lossy(&out.expect("sha256sum").stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn sample(name: &str) -> PathBuf {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-core/tests/data/samples")
        .join(name);
    if core.exists() {
        return core;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sealdesk-intake/tests/data")
        .join(name)
}

/// `scan` on every sample of ../shared/samples/expected.json (copied into
/// the repository): each listed finding with the right kind and value, and
/// no decoy reported as a national ID.
#[test]
fn scan_finds_every_expected_finding_and_no_decoy() {
    let cli = Cli::new();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(sample("expected.json")).expect("expected.json"))
            .expect("json");
    for (file, want) in expected.as_object().expect("object") {
        let r = cli.run(None, &[], &["scan", sample(file).to_str().expect("utf8")]);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let v = r.json();
        assert!(v["text_chars"].as_u64().is_some_and(|n| n > 100), "{file}");
        let found: Vec<(String, String)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap_or_default().to_owned(),
                    f["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        for p in want["pii"].as_array().expect("pii") {
            let pair = (
                p["kind"].as_str().unwrap_or_default().to_owned(),
                p["value"].as_str().unwrap_or_default().to_owned(),
            );
            assert!(
                found.contains(&pair),
                "{file}: {pair:?} not found in {found:?}"
            );
        }
        for d in want["decoys"].as_array().expect("decoys") {
            let value = d["value"].as_str().unwrap_or_default();
            assert!(
                !found.iter().any(|(k, v)| k == "national_id" && v == value),
                "{file}: decoy {value} reported as an ID"
            );
        }
    }
}

/// The same letters as PDFs find the same identity data as their text.
#[test]
fn scan_of_pdf_samples_matches_their_text() {
    let cli = Cli::new();
    for (pdf, must) in [
        ("sample-01.pdf", ["C181590831", "許俊宏"]),
        ("sample-04.pdf", ["66617603", "黃宗華"]),
    ] {
        let r = cli.run(None, &[], &["scan", sample(pdf).to_str().expect("utf8")]);
        assert_eq!(r.code, 0, "{pdf}: {}", r.stderr);
        let text = r.stdout;
        for m in must {
            assert!(text.contains(m), "{pdf}: {m} not found");
        }
    }
    let r = cli.run(
        None,
        &[],
        &["scan", sample("sample-01-scan.jpg").to_str().expect("utf8")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A scan is read by OCR: its text, and a notice to check it.
    assert!(
        r.json()["text_chars"].as_u64().is_some_and(|n| n > 200),
        "{}",
        r.stdout
    );
    assert!(r.json()["extractor"]
        .as_str()
        .is_some_and(|e| e.starts_with("tesseract")));
    assert!(r.json()["notices"][0]
        .as_str()
        .is_some_and(|n| n.contains("OCR")));
}

/// Registering files: the whole letter is sealed, what the clerk opens is
/// the masked working copy, and the identity values reach no file (T3, T6).
#[test]
fn register_pdf_eml_and_scan_seal_identity() {
    let cli = Cli::new();
    cli.init();
    assert_eq!(cli.add("lin", "clerk", Some("秘書室")).code, 0);
    let lin = Some(("lin", "lin-passphrase"));
    let pdf = sample("sample-01.pdf");
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            pdf.to_str().expect("utf8"),
            "--category",
            "whistleblower",
            "--condition",
            "結案後解密",
            "--subject",
            "代號甲",
            "--sender",
            "許俊宏",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["source"], "pdf");
    assert!(v["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|x| x["value"] == "C181590831")));
    assert_eq!(v["original_sha256"].as_str().map(str::len), Some(64));
    let receipt = v["receipt_no"].as_str().expect("receipt").to_owned();
    let r = cli.run(lin, &[], &["open", &receipt, "--reason", "核對"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = r.json()["text"].as_str().expect("text").to_owned();
    assert!(text.contains("檢舉"), "{text}");
    for secret in ["C181590831", "許俊宏", "sdhu81", "中央西路"] {
        assert!(
            !text.contains(secret),
            "working copy leaks {secret}: {text}"
        );
    }

    let r = cli.register(lin, "sample-06.eml", "whistleblower", "2030-12-31");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["source"], "email");
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            "--subject",
            "測試案由",
            sample("sample-01-scan.jpg").to_str().expect("utf8"),
            "--category",
            "petition",
            "--until",
            "2030-12-31",
            "--add-finding",
            "person=許俊宏",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["has_text_layer"], false);
    // Read by OCR, so its identity was found.
    assert!(
        v["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["value"] == "C181590831")),
        "{v}"
    );
    // Opened, it comes with its redacted page: OCR of that page (a person's
    // eyes) reads the letter but none of its writer's identity (the official
    // it is about, 廖雅君, is the reader's to see, as in the text).
    let receipt = v["receipt_no"].as_str().expect("receipt").to_owned();
    let r = cli.run(lin, &[], &["open", &receipt, "--reason", "核對掃描"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let opened = r.json();
    let pages = opened["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1);
    let png = data_encoding::BASE64
        .decode(pages[0]["png_base64"].as_str().expect("png").as_bytes())
        .expect("base64");
    assert!(png.starts_with(b"\x89PNG"));
    let seen = sealdesk_intake::ocr::ocr_page(&png, 1).expect("ocr");
    let seen: String = seen.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(seen.contains("請依法調查"), "{seen}");
    for secret in ["C181590831", "許俊宏", "中央西路"] {
        assert!(
            !seen.contains(secret),
            "{secret} readable on the page: {seen}"
        );
    }

    // Review: a dropped false finding stays in the working copy.
    let txt = tempfile::tempdir().expect("tmp");
    let f = txt.path().join("l.txt");
    std::fs::write(&f, "本案承辦人陳大文回覆，聯絡電話 0912-345-678。").expect("write");
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            "--subject",
            "測試案由",
            f.to_str().expect("utf8"),
            "--category",
            "other",
            "--until",
            "2030-01-01",
            "--drop-finding",
            "0912345678",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let receipt = r.json()["receipt_no"].as_str().expect("r").to_owned();
    let text = cli
        .run(lin, &[], &["open", &receipt, "--reason", "核對"])
        .json()["text"]
        .as_str()
        .expect("t")
        .to_owned();
    assert!(text.contains("0912-345-678"), "{text}");

    // Nothing identifying in any vault file.
    for e in std::fs::read_dir(&cli.vault).expect("vault").flatten() {
        let bytes = std::fs::read(e.path()).expect("read");
        for secret in [
            "C181590831",
            "許俊宏",
            "sdhu81@gmail.com",
            "A801826334",
            "高詩傑",
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret}",
                e.path().display()
            );
        }
    }
}

/// Routing through the CLI, as the issue's contract names it: ids printed by
/// one command are what the next takes.
#[test]
fn routing_inquiry_approval_open_and_reveal_through_the_cli() {
    let cli = Cli::new();
    cli.init();
    for (n, r, u) in [
        ("lin", "clerk", "秘書室"),
        ("chen", "supervisor", "稅務管理科"),
        ("wang", "handler", "稅務管理科"),
    ] {
        assert_eq!(cli.add(n, r, Some(u)).code, 0);
    }
    let (lin, chen, wang) = (
        Some(("lin", "lin-passphrase")),
        Some(("chen", "chen-passphrase")),
        Some(("wang", "wang-passphrase")),
    );
    let r = cli.run(
        lin,
        &[],
        &[
            "register",
            sample("sample-04.txt").to_str().expect("utf8"),
            "--category",
            "procurement_objection",
            "--until",
            "2035-12-31",
            "--subject",
            "代號乙",
            "--party",
            "立穩工程股份有限公司",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letter = r.json()["letter_id"].as_str().expect("id").to_owned();

    let r = cli.run(lin, &[], &["inquire", &letter, "--unit", "稅務管理科"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("立穩"),
        "the slip names no party: {}",
        r.stdout
    );
    let inquiry = r.json()["inquiries"][0]["id"]
        .as_str()
        .expect("inquiry")
        .to_owned();
    let r = cli.run(chen, &[], &["inquiries"]);
    assert_eq!(r.json()["inquiries"][0]["slip"]["subject"], "代號乙");
    assert_eq!(cli.run(chen, &[], &["answer", &inquiry, "--ours"]).code, 0);

    let r = cli.run(
        lin,
        &[],
        &[
            "route",
            &letter,
            "--unit",
            "稅務管理科",
            "--handler",
            "wang",
            "--reason",
            "貴科承辦",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let request = r.json()["id"].as_str().expect("request").to_owned();
    let r = cli.run(wang, &[], &["open", &letter, "--reason", "先看看"]);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (2, "denied"),
        "not before approval"
    );
    let r = cli.run(chen, &[], &["requests"]);
    assert_eq!(r.json()["requests"][0]["id"], request.as_str());
    let r = cli.run(chen, &[], &["approve", &request, "--reason", "同意"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = cli.run(wang, &[], &["assignments"]);
    assert_eq!(r.json()["assignments"][0]["active"], true);
    let r = cli.run(wang, &[], &["open", &letter, "--reason", "辦理異議"]);
    assert_eq!(
        (r.code, r.error_kind().as_str()),
        (2, "affirmation_required")
    );
    let r = cli.run(
        wang,
        &[],
        &[
            "open",
            &letter,
            "--reason",
            "辦理異議",
            "--affirm-no-conflict",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = cli.run(
        wang,
        &[],
        &["reveal", "request", &letter, "--reason", "需聯繫異議廠商"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let reveal = r.json()["id"].as_str().expect("reveal").to_owned();
    assert_eq!(cli.run(lin, &[], &["reveal", "endorse", &reveal]).code, 0);
    assert_eq!(
        cli.run(chen, &[], &["approve", &reveal, "--reason", "同意揭露"])
            .code,
        0
    );
    let r = cli.run(wang, &[], &["reveal", "show", &letter]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("66617603"), "{}", r.stdout);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

#[test]
fn t5_t10_a_desk_warns_when_its_vault_is_rolled_back_and_verify_names_it() {
    let cli = Cli::new();
    cli.init();
    let chief = Some(("chief", "admin-passphrase"));
    let r = cli.run(chief, &[], &["whoami"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["warnings"], serde_json::json!([]));
    // An older copy of the whole vault folder: what a writer puts back to
    // undo what happened since.
    let backup = cli._dir.path().join("backup");
    copy_dir(&cli.vault, &backup);
    assert_eq!(cli.add("clerk", "clerk", Some("秘書室")).code, 0);
    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["anchor"]["source"], "desk_witness", "{v}");
    assert!(v["summary"]
        .as_str()
        .is_some_and(|s| s.contains("anchored at seq")));
    // Put the old copy back; the desk notices at the next login.
    std::fs::remove_dir_all(&cli.vault).expect("rm");
    copy_dir(&backup, &cli.vault);
    let r = cli.run(chief, &[], &["whoami"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[integrity]"), "{}", r.stderr);
    assert_eq!(r.json()["warnings"].as_array().map(Vec::len), Some(1));
    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(r.json()["damage"]["kind"], "rolled_back", "{}", r.stdout);
}

/// Copies an export folder, applies `damage`, fixes the manifest's hashes (so
/// only the cryptography can catch it) and runs verify-export.
fn verify_damaged_export(
    cli: &Cli,
    export: &Path,
    key: &str,
    name: &str,
    damage: impl FnOnce(&Path),
) -> Run {
    let copy = cli._dir.path().join(format!("export-{name}"));
    copy_dir(export, &copy);
    damage(&copy);
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(copy.join("manifest.json")).expect("m"))
            .expect("json");
    let files: Vec<String> = manifest["files"]
        .as_object()
        .expect("files")
        .keys()
        .cloned()
        .collect();
    for f in files {
        if let Ok(bytes) = std::fs::read(copy.join(&f)) {
            manifest["files"][&f] = Value::from(sha256_hex(&bytes));
        }
    }
    std::fs::write(
        copy.join("manifest.json"),
        serde_json::to_vec(&manifest).expect("ser"),
    )
    .expect("write manifest");
    cli.run(
        None,
        &[],
        &[
            "ledger",
            "verify-export",
            copy.to_str().expect("utf8"),
            "--workstation-key",
            key,
        ],
    )
}

#[test]
fn t5_verify_export_names_each_kind_of_damage() {
    let cli = Cli::new();
    assert_eq!(cli.run(None, &[], &["demo"]).code, 0);
    let auditor = Some(("auditor", "demo-auditor-pass"));
    let out = cli._dir.path().join("export");
    let r = cli.run(
        auditor,
        &[],
        &["ledger", "export", "--out", out.to_str().expect("utf8")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let key = cli.run(None, &[], &["ledger", "key"]).json()["workstation_public_key"]
        .as_str()
        .expect("key")
        .to_owned();

    // A byte of one sealed row changed (hash left as it was).
    let r = verify_damaged_export(&cli, &out, &key, "chain", |d| {
        let text = std::fs::read_to_string(d.join("chain.jsonl")).expect("chain");
        let mut lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("line"))
            .collect();
        let sealed = lines[4]["sealed"].as_str().expect("sealed").to_owned();
        let last = sealed.len() - 1;
        let flipped = if &sealed[last..] == "0" { "1" } else { "0" };
        lines[4]["sealed"] = Value::from(format!("{}{flipped}", &sealed[..last]));
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(d.join("chain.jsonl"), body).expect("write");
    });
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(
        (
            r.json()["damage"]["kind"].as_str(),
            r.json()["damage"]["seq"].as_u64()
        ),
        (Some("edited"), Some(5)),
        "{}",
        r.stdout
    );

    // The checkpoint's head changed, its signature kept.
    let r = verify_damaged_export(&cli, &out, &key, "checkpoint", |d| {
        let mut cp: Value =
            serde_json::from_slice(&std::fs::read(d.join("checkpoint.json")).expect("cp"))
                .expect("json");
        cp["head_hash"] = Value::from("00".repeat(32));
        std::fs::write(
            d.join("checkpoint.json"),
            serde_json::to_vec(&cp).expect("ser"),
        )
        .expect("write");
    });
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(r.json()["damage"]["kind"], "bad_signature", "{}", r.stdout);

    // A file missing: a clear input error, not a verdict.
    let r = verify_damaged_export(&cli, &out, &key, "missing", |d| {
        std::fs::remove_file(d.join("entries.csv")).expect("rm");
    });
    assert_ne!(r.code, 0);
    assert_eq!(r.error_kind(), "bad_input", "{}", r.stderr);

    // Another vault's key.
    let other = Cli::new();
    assert_eq!(other.run(None, &[], &["demo"]).code, 0);
    let other_key = other.run(None, &[], &["ledger", "key"]).json()["workstation_public_key"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_ne!(other_key, key);
    let r = verify_damaged_export(&cli, &out, &other_key, "wrong-key", |_| {});
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(r.json()["damage"]["kind"], "bad_signature", "{}", r.stdout);

    // And the export as written verifies.
    let r = verify_damaged_export(&cli, &out, &key, "intact", |_| {});
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["intact"], true);
}

#[test]
fn wrong_passphrases_are_throttled_across_processes_for_known_and_unknown_names() {
    let cli = Cli::new();
    cli.init();
    for name in ["chief", "no-such-person"] {
        // Each try is its own process: the count lives in the vault.
        for i in 0..3 {
            let r = cli.run(Some((name, "not-it-at-all")), &[], &["whoami"]);
            assert_eq!(
                (r.code, r.error_kind().as_str()),
                (2, "bad_credentials"),
                "{name} try {i}"
            );
        }
        let r = cli.run(Some((name, "not-it-at-all")), &[], &["whoami"]);
        assert_eq!(
            (r.code, r.error_kind().as_str()),
            (2, "throttled"),
            "{name}: {}",
            r.stderr
        );
    }
    // (That the right passphrase waits too is pinned with a manual clock in
    // the scenario tests; here the 1 s wait may already have passed.)
}

#[test]
fn decisions_and_account_commands_through_the_binary() {
    let cli = Cli::new();
    let code = cli.init();
    for (n, r, u) in [
        ("lin", "clerk", Some("秘書室")),
        ("chen", "supervisor", Some("稅務管理科")),
        ("wang", "handler", Some("稅務管理科")),
        ("audit", "auditor", None),
        ("audit2", "auditor", None),
    ] {
        assert_eq!(cli.add(n, r, u).code, 0, "{n}");
    }
    let (lin, chen, wang) = (
        Some(("lin", "lin-passphrase")),
        Some(("chen", "chen-passphrase")),
        Some(("wang", "wang-passphrase")),
    );
    let chief = Some(("chief", "admin-passphrase"));
    let r = cli.register(lin, "sample-01.txt", "procurement_objection", "2035-12-31");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letter = r.json()["letter_id"].as_str().expect("id").to_owned();
    let route = |why: &str| -> String {
        let r = cli.run(
            lin,
            &[],
            &[
                "route",
                &letter,
                "--unit",
                "稅務管理科",
                "--handler",
                "wang",
                "--reason",
                why,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.json()["reason"], why, "the requester reads their reason");
        r.json()["id"].as_str().expect("request id").to_owned()
    };

    // deny
    let req = route("第一次");
    let r = cli.run(chen, &[], &["deny", &req, "--reason", "非本科業務"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["status"], "denied");
    // approve, then the handler declines
    let req = route("第二次");
    let r = cli.run(chen, &[], &["approve", &req, "--reason", "同意"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let asg = r.json()["id"].as_str().expect("assignment").to_owned();
    let r = cli.run(wang, &[], &["decline", &asg, "--reason", "利益迴避"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        (r.json()["active"].as_bool(), r.json()["ended"].as_str()),
        (Some(false), Some("declined"))
    );
    // approve, then the supervisor revokes
    let req = route("第三次");
    let r = cli.run(chen, &[], &["approve", &req, "--reason", "同意"]);
    let asg = r.json()["id"].as_str().expect("assignment").to_owned();
    let r = cli.run(chen, &[], &["revoke", &asg, "--reason", "結案"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["ended"], "revoked");
    let r = cli.run(wang, &[], &["open", &letter, "--reason", "再看"]);
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));

    // passwd
    let r = cli.run(
        wang,
        &[("SEALDESK_NEW_PASSPHRASE", "wang-new-passphrase")],
        &["passwd"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["changed"], true);
    let wang = Some(("wang", "wang-new-passphrase"));
    assert_eq!(cli.run(wang, &[], &["whoami"]).code, 0);
    // disable, enable, reset
    let r = cli.run(chief, &[], &["user", "disable", "wang"]);
    assert_eq!(r.json()["disabled"], true);
    let r = cli.run(wang, &[], &["whoami"]);
    assert_eq!((r.code, r.error_kind().as_str()), (2, "user_disabled"));
    let r = cli.run(chief, &[], &["user", "enable", "wang"]);
    assert_eq!(r.json()["disabled"], false);
    assert_eq!(cli.run(wang, &[], &["whoami"]).code, 0);
    let r = cli.run(
        chief,
        &[("SEALDESK_NEW_PASSPHRASE", "wang-reset-passphrase")],
        &["user", "reset", "wang"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["name"], "wang");
    assert!(r.json()["dropped_grants"].as_u64().is_some());
    assert_eq!(
        cli.run(wang, &[], &["whoami"]).code,
        2,
        "old passphrase gone"
    );
    let r = cli.run(Some(("wang", "wang-reset-passphrase")), &[], &["whoami"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // settings
    let r = cli.run(chief, &[], &["settings", "--idle-timeout", "900"]);
    assert_eq!(r.json()["idle_timeout_secs"], 900);
    let r = cli.run(lin, &[], &["whoami"]);
    assert_eq!(r.json()["idle_timeout_secs"], 900);
    let r = cli.run(lin, &[], &["settings", "--idle-timeout", "28800"]);
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));
    // the ledger key: recovery code to the first auditor, then auditor to auditor
    let r = cli.run(
        None,
        &[("SEALDESK_RECOVERY_CODE", &code)],
        &["recover", "--grant-ledger", "audit"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["ledger_granted_to"], "audit");
    let audit2 = Some(("audit2", "audit2-passphrase"));
    let r = cli.run(audit2, &[], &["ledger", "entries"]);
    assert_eq!((r.code, r.error_kind().as_str()), (2, "denied"));
    let r = cli.run(
        Some(("audit", "audit-passphrase")),
        &[],
        &["ledger", "grant", "audit2"],
    );
    assert_eq!(r.json()["granted_to"], "audit2");
    let r = cli.run(audit2, &[], &["ledger", "entries"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entries = r.json()["entries"].as_array().cloned().expect("entries");
    for action in ["route_decision", "user_admin", "ledger_grant"] {
        assert!(entries.iter().any(|e| e["action"] == action), "{action}");
    }
    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

/// A command asked to end (SIGTERM, as a window manager or `kill` sends it)
/// while its session is open finishes what it is doing, locks, attests its
/// entries and exits 143: the auditor's verdict lists no unattested
/// session. The command is held inside its session by writing its
/// checkpoint into a FIFO that the test opens only after the signal.
#[test]
fn a_terminated_command_still_attests_its_session() {
    use std::io::Read;
    let cli = Cli::new();
    let r = cli.run(None, &[], &["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let db = rusqlite::Connection::open(cli.vault.join(sealdesk_store::DB_FILE)).expect("db");
    let auditor: String = db
        .query_row("SELECT id FROM users WHERE name = 'auditor'", [], |r| {
            r.get(0)
        })
        .expect("auditor");
    let auditor: [u8; 16] = hex::decode(auditor).expect("hex").try_into().expect("16");
    let head = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT max(seq) FROM ledger", [], |r| r.get(0))
            .expect("head")
    };
    let start = head(&db);
    let fifo = cli._dir.path().join("checkpoint.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut cmd = sealdesk_command(&cli._dir.path().join("witness"));
    cmd.arg("--vault")
        .arg(&cli.vault)
        .arg("--json")
        .args(["ledger", "checkpoint", "--out"])
        .arg(&fifo)
        .env("SEALDESK_USER", "auditor")
        .env("SEALDESK_PASSPHRASE", "demo-auditor-pass")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    // Inside the command: the auditor's attestation before the checkpoint
    // is in the ledger, and the command waits on the FIFO.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let attested: bool = db
            .prepare("SELECT sealed FROM ledger WHERE seq > ?1")
            .expect("prep")
            .query_map([start], |r| r.get::<_, Vec<u8>>(0))
            .expect("q")
            .flatten()
            .any(|s| {
                sealdesk_core::ledger::header(&s).is_some_and(|h| {
                    h.kind == sealdesk_core::ledger::EntryKind::Attestation && h.actor == auditor
                })
            });
        if attested {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the command never reached its checkpoint"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let before = head(&db);
    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(killed.success());
    // Give the signal time to land while the command is held.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut written = String::new();
    std::fs::File::open(&fifo)
        .expect("open fifo")
        .read_to_string(&mut written)
        .expect("read fifo");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        written.contains("head_hash"),
        "the checkpoint was written: {written}"
    );
    assert_eq!(head(&db), before + 2, "the lock and its attestation");
    let r = cli.run(None, &[], &["ledger", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.json()["unattested"],
        serde_json::json!([]),
        "{}",
        r.stdout
    );
}
