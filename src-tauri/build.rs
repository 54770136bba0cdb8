/// Kept in step with `sealdesk_app::COMMANDS` (a test compares them).
const COMMANDS: &[&str] = &[
    "login",
    "whoami",
    "lock",
    "change_passphrase",
    "letters",
    "draft_file",
    "draft_text",
    "register_draft",
    "discard_draft",
    "directory",
    "routing_slip",
    "route",
    "inquire",
    "inquiries",
    "answer_inquiry",
    "requests",
    "approve",
    "deny",
    "unit_assignments",
    "revoke",
    "assignments",
    "decline",
    "open_letter",
    "reveal_request",
    "reveal_endorse",
    "reveal_show",
    "copy_recorded",
    "ledger_verify",
    "ledger_entries",
    "ledger_export",
    "users",
    "add_user",
    "set_user_disabled",
    "reset_user",
    "set_user_roles",
    "settings",
    "set_settings",
];

fn main() {
    // Declaring the app's commands makes them subject to the capability
    // files: a window may call only the commands its capability lists.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
