//! `sealdesk`: the command line. A contract that auditors script and tests
//! drive: commands and `--json` shapes are added to, never renamed.
//!
//! Exit codes: 0 ok; 1 usage or invalid input; 2 denied or bad credentials;
//! 3 integrity failure; 4 bad input file.

mod account;
mod args;
mod audit;
mod context;
mod copies;
mod failure;
mod ledger;
mod letters;
mod routing;

use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

use crate::args::{Cli, Command};
use crate::context::{ending, Ctx};
use crate::failure::CliResult;
use crate::ledger::ledger_command;

fn main() -> ExitCode {
    // Untrusted files are parsed by this same binary in a limited child process.
    if std::env::args().nth(1).as_deref() == Some(sealdesk_api::WORKER_ARG) {
        return ExitCode::from(u8::try_from(sealdesk_api::parse_worker_main()).unwrap_or(1));
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            // Under --json a script reads stderr as JSON, usage errors too.
            if code != 0 && std::env::args().any(|a| a == "--json") {
                let message = e.render().to_string();
                eprintln!(
                    "{}",
                    json!({"error": {"kind": "usage", "message": message.trim_end()}})
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    let json_out = cli.json;
    ending::install();
    let mut ctx = Ctx::default();
    let result = run(cli, &mut ctx);
    ctx.finish();
    if let Some(code) = ending::signalled() {
        // The command in hand finished and the session attested; the
        // signal's exit status is what the sender waits for.
        return ExitCode::from(code);
    }
    match result {
        Ok((value, human)) => {
            if json_out {
                println!("{value}");
            } else if !human.is_empty() {
                println!("{human}");
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if let Some((value, human)) = &f.report {
                if json_out {
                    println!("{value}");
                } else {
                    println!("{human}");
                }
            }
            if json_out {
                eprintln!(
                    "{}",
                    json!({"error": {"kind": f.kind, "message": f.message}})
                );
            } else {
                eprintln!("sealdesk: error[{}]: {}", f.kind, f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
/// Dispatches to the command group's module; each command is one function there.
fn run(cli: Cli, ctx: &mut Ctx) -> CliResult {
    match &cli.command {
        Command::Init { admin, store } => account::init(&cli, ctx, admin, store.as_deref()),
        Command::Vault(cmd) => account::vault_command(&cli, cmd),
        Command::Demo => account::demo(&cli, ctx),
        Command::User(cmd) => account::user(&cli, ctx, cmd),
        Command::Passwd => account::passwd(&cli, ctx),
        Command::Whoami => account::whoami(&cli, ctx),
        Command::Recover { grant_ledger } => account::recover(&cli, ctx, grant_ledger.as_deref()),
        Command::Ledger(cmd) => ledger_command(&cli, cmd, ctx),
        Command::Audit(cmd) => audit::audit(&cli, ctx, cmd),
        Command::Export(cmd) => copies::export_command(&cli, cmd, ctx),
        Command::Register(args) => letters::register(&cli, ctx, args),
        Command::Trace { image } => copies::trace(&cli, ctx, image),
        Command::Scan { file } => letters::scan(&cli, ctx, file),
        Command::Letters(cmd) => letters::letters(&cli, ctx, cmd),
        Command::Open {
            letter,
            reason,
            affirm_no_conflict,
        } => letters::open(&cli, ctx, letter, reason, *affirm_no_conflict),
        Command::Inquire {
            letter,
            unit,
            deadline,
        } => routing::inquire(&cli, ctx, letter, unit, deadline.as_deref()),
        Command::Inquiries => routing::inquiries(&cli, ctx),
        Command::Answer { inquiry, ours, .. } => routing::answer(&cli, ctx, inquiry, *ours),
        Command::Route {
            letter,
            unit,
            handler,
            until,
            reason,
        } => routing::route(&cli, ctx, letter, unit, handler, until.as_deref(), reason),
        Command::Requests => routing::requests(&cli, ctx),
        Command::Approve { request, reason } => routing::approve(&cli, ctx, request, reason),
        Command::Deny { request, reason } => routing::deny(&cli, ctx, request, reason),
        Command::Revoke { assignment, reason } => routing::revoke(&cli, ctx, assignment, reason),
        Command::Assignments { unit } => routing::assignments(&cli, ctx, *unit),
        Command::Decline { assignment, reason } => routing::decline(&cli, ctx, assignment, reason),
        Command::Reveal(cmd) => routing::reveal(&cli, ctx, cmd),
        Command::Settings {
            idle_timeout,
            max_access_days,
        } => account::settings(&cli, ctx, *idle_timeout, *max_access_days),
        Command::Directory => account::directory(&cli, ctx),
        Command::Slip { letter } => letters::slip(&cli, ctx, letter),
    }
}
