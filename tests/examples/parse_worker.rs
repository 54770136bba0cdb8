//! Test helper: a parse worker (the limited child process that reads an
//! untrusted file), as the CLI and the app run themselves in worker mode.
//! Scenario tests that register files point the vault at this binary.

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some(sealdesk_api::WORKER_ARG) {
        return std::process::ExitCode::from(
            u8::try_from(sealdesk_api::parse_worker_main()).unwrap_or(1),
        );
    }
    eprintln!("usage: parse_worker {}", sealdesk_api::WORKER_ARG);
    std::process::ExitCode::from(2)
}
