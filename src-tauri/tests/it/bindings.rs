//! The UI's TypeScript types are generated from the Rust types that cross
//! the IPC boundary (ts-rs), into `ui/src/lib/bindings.ts`. This test
//! regenerates them and fails if the file differs, so renaming a Rust field
//! breaks the build, not the user. Write them with `scripts/gen-bindings.sh`
//! (it refuses to run in CI).
//!
//! It also checks the one list of commands against the build script's
//! manifest and the window's capability.

use std::path::PathBuf;

use sealdesk_app::dto::*;
use sealdesk_app::COMMANDS;
use ts_rs::{Config, TS};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// `export type X = …;` for one type.
fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg).trim_end())
}

/// Each command: its name, its `args` type (or null) and its result type,
/// from the app's one command table.
fn commands(cfg: &Config) -> Vec<(&'static str, String, String)> {
    macro_rules! typed {
        ($($name:ident($args:ty) -> $result:ty,)*) => {
            vec![$((stringify!($name), <$args as TS>::name(cfg), <$result as TS>::name(cfg))),*]
        };
    }
    sealdesk_app::app_commands!(typed)
}

fn generate() -> String {
    // JavaScript numbers hold every time and count the back end sends
    // (milliseconds until the year 287,396), so 64-bit integers are `number`.
    let cfg = Config::new().with_large_int("number");
    let cfg = &cfg;
    use sealdesk_api as a;
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/tests/it/bindings.rs\n\
         // (scripts/gen-bindings.sh). Do not edit: change the Rust type.\n\n",
    );
    for d in [
        decl::<a::Role>(cfg),
        decl::<a::Action>(cfg),
        decl::<a::Outcome>(cfg),
        decl::<a::PiiKind>(cfg),
        decl::<a::Category>(cfg),
        decl::<a::Secrecy>(cfg),
        decl::<a::Me>(cfg),
        decl::<a::AddresseeType>(cfg),
        decl::<a::RegisterLine>(cfg),
        decl::<a::RoutingStatus>(cfg),
        decl::<a::RoutingState>(cfg),
        decl::<a::LetterSummary>(cfg),
        decl::<a::RoutingSlip>(cfg),
        decl::<a::InquiryAnswer>(cfg),
        decl::<a::InquiryInfo>(cfg),
        decl::<a::RequestKind>(cfg),
        decl::<a::RequestStatus>(cfg),
        decl::<a::Ended>(cfg),
        decl::<a::RequestInfo>(cfg),
        decl::<a::AssignmentInfo>(cfg),
        decl::<a::LetterContent>(cfg),
        decl::<a::PageImage>(cfg),
        decl::<a::PiiFinding>(cfg),
        decl::<a::IdentityView>(cfg),
        decl::<a::DraftFinding>(cfg),
        decl::<a::DraftPage>(cfg),
        decl::<a::DraftBox>(cfg),
        decl::<a::DrawnBox>(cfg),
        decl::<a::Draft>(cfg),
        decl::<a::Registered>(cfg),
        decl::<a::UnitPeople>(cfg),
        decl::<a::RoutingDirectory>(cfg),
        decl::<a::UserInfo>(cfg),
        decl::<a::Settings>(cfg),
        decl::<sealdesk_core::ledger::EntryBody>(cfg),
        decl::<a::LedgerEntry>(cfg),
        decl::<a::Damage>(cfg),
        decl::<a::Finding>(cfg),
        decl::<a::Unattested>(cfg),
        decl::<a::VerifyReport>(cfg),
        decl::<a::Anchor>(cfg),
        decl::<a::LedgerReport>(cfg),
        decl::<a::Unreadable>(cfg),
        decl::<a::LedgerReadout>(cfg),
        decl::<a::TraceReport>(cfg),
        decl::<a::TracedEntry>(cfg),
        decl::<a::TraceReading>(cfg),
        decl::<a::TraceCandidate>(cfg),
        decl::<a::CopyKind>(cfg),
        decl::<a::CopyFormat>(cfg),
        decl::<a::CopyInfo>(cfg),
        decl::<a::ExportDone>(cfg),
        decl::<a::PrintJob>(cfg),
        decl::<CopyRequestArgs>(cfg),
        decl::<RequestArgs>(cfg),
        decl::<RunExportArgs>(cfg),
        decl::<LedgerExportResult>(cfg),
        decl::<ErrorKind>(cfg),
        decl::<CommandError>(cfg),
        decl::<LoginArgs>(cfg),
        decl::<ChangePassphraseArgs>(cfg),
        decl::<DraftTextArgs>(cfg),
        decl::<RegisterDraftArgs>(cfg),
        decl::<DraftArgs>(cfg),
        decl::<TextUnderArgs>(cfg),
        decl::<LetterArgs>(cfg),
        decl::<RouteArgs>(cfg),
        decl::<InquireArgs>(cfg),
        decl::<AnswerArgs>(cfg),
        decl::<DecideArgs>(cfg),
        decl::<EndAssignmentArgs>(cfg),
        decl::<OpenArgs>(cfg),
        decl::<RevealRequestArgs>(cfg),
        decl::<EndorseArgs>(cfg),
        decl::<CopyArgs>(cfg),
        decl::<ExportArgs>(cfg),
        decl::<AddUserArgs>(cfg),
        decl::<SetDisabledArgs>(cfg),
        decl::<ResetArgs>(cfg),
        decl::<SetRolesArgs>(cfg),
        decl::<SettingsArgs>(cfg),
        decl::<SaveAsArgs>(cfg),
        decl::<a::LetterState>(cfg),
        decl::<a::DeclassifyBasis>(cfg),
        decl::<a::LifeStep>(cfg),
        decl::<a::DeclassifyRecord>(cfg),
        decl::<a::Shredded>(cfg),
        decl::<LifeArgs>(cfg),
        decl::<DeclassifyArgs>(cfg),
        decl::<DestroyListArgs>(cfg),
        decl::<DestroyArgs>(cfg),
        decl::<AuditReportArgs>(cfg),
        decl::<AuditReportView>(cfg),
        decl::<a::AuditReport>(cfg),
        decl::<a::ReviewedAct>(cfg),
        decl::<a::AccountLine>(cfg),
        decl::<a::LongAccess>(cfg),
        decl::<a::ClassifiedLetter>(cfg),
        decl::<a::UnattestedSession>(cfg),
        decl::<sealdesk_core::audit::Findings>(cfg),
        decl::<sealdesk_core::audit::Flag>(cfg),
        decl::<sealdesk_core::audit::FlagKind>(cfg),
        decl::<sealdesk_core::audit::Sample>(cfg),
        decl::<sealdesk_core::audit::Sampled>(cfg),
        decl::<sealdesk_core::audit::Tie>(cfg),
        decl::<sealdesk_core::audit::Counts>(cfg),
    ] {
        out.push_str(&d);
    }
    // The 密等 a letter may carry, in order (the API refuses any other).
    let levels: Vec<String> = a::LEVELS.iter().map(|l| format!("\"{l}\"")).collect();
    out.push_str(&format!(
        "\n/** The 密等 a letter may carry, lowest first (the API refuses any other). */\nexport const LEVELS = [{}] as const;\n",
        levels.join(", ")
    ));
    out.push_str("\n/** Every command the window may call: its `args` and its result. */\nexport type Commands = {\n");
    for (name, args, result) in commands(cfg) {
        out.push_str(&format!(
            "  {name}: {{ args: {args}; result: {result} }};\n"
        ));
    }
    out.push_str("};\n");
    out
}

#[test]
fn the_generated_bindings_are_current() {
    let path = repo().join("ui/src/lib/bindings.ts");
    let fresh = generate();
    if std::env::var_os("SEALDESK_WRITE_BINDINGS").is_some() {
        assert!(
            std::env::var_os("CI").is_none(),
            "bindings are written by hand (scripts/gen-bindings.sh), never in CI"
        );
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        if kept != fresh {
            std::fs::write(&path, &fresh).expect("write bindings.ts");
        }
        // A writing run never passes on a change: the change is reviewed
        // and committed, then a plain run passes.
        assert!(
            kept == fresh,
            "ui/src/lib/bindings.ts was stale and has been rewritten: review the diff, then run again"
        );
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "ui/src/lib/bindings.ts is stale: run scripts/gen-bindings.sh and commit it"
    );
}

#[test]
fn one_list_of_commands_everywhere() {
    let cfg = Config::new();
    let typed: Vec<&str> = commands(&cfg).iter().map(|c| c.0).collect();
    assert_eq!(typed, COMMANDS, "the typed command map");
    let build = std::fs::read_to_string(repo().join("src-tauri/build.rs")).expect("build.rs");
    assert!(
        build.contains("include!(\"src/command_list.rs\")"),
        "build.rs declares the shared list"
    );
    let cap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("src-tauri/capabilities/main.json")).expect("cap"),
    )
    .expect("capability JSON");
    let allowed: Vec<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_owned())
        .collect();
    let want: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        allowed, want,
        "the window's capability lists exactly the commands"
    );
}

#[test]
fn every_error_kind_reaches_the_ui_by_its_stable_name() {
    // One enum serves the API, the CLI's exit status and the UI: what serde
    // writes (and the bindings carry) is the name scripts match on.
    for k in ErrorKind::ALL {
        let wire = serde_json::to_value(k).expect("serialize");
        assert_eq!(wire.as_str(), Some(k.as_str()), "{k:?}");
        assert_eq!(ErrorKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(ErrorKind::parse("no_such_kind"), None);
    let ts = generate();
    for k in ErrorKind::ALL {
        assert!(
            ts.contains(&format!("\"{}\"", k.as_str())),
            "{k} in bindings.ts"
        );
    }
}
