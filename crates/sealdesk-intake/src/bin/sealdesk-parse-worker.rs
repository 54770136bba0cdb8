//! A standalone parse worker (the CLI and the app run themselves in worker
//! mode instead; tests and other hosts can use this one).

fn main() {
    std::process::exit(sealdesk_intake::worker_main());
}
