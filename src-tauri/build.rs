// The one list of the app's commands, shared with `sealdesk_app::COMMANDS`.
include!("src/command_list.rs");

fn main() {
    // Declaring the app's commands makes them subject to the capability
    // files: a window may call only the commands its capability lists.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
