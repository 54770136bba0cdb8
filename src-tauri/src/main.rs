// Release builds on Windows must not open a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // The app parses untrusted files by running itself as a limited worker.
    if std::env::args().nth(1).as_deref() == Some(sealdesk_api::WORKER_ARG) {
        std::process::exit(sealdesk_api::parse_worker_main());
    }
    sealdesk_app::run();
}
