//! `sealdesk`: the command line. A contract that auditors script and tests
//! drive: commands and `--json` shapes are added to, never renamed.
//!
//! Exit codes: 0 ok; 1 usage or invalid input; 2 denied or bad credentials;
//! 3 integrity failure; 4 bad input file.

mod args;
mod context;
mod copies;
mod failure;
mod ledger;

pub(crate) use args::*;
pub(crate) use context::*;
pub(crate) use failure::*;
pub(crate) use ledger::*;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use sealdesk_api::{
    os_seeded_rng, AddresseeType, ApiError, Category, NewUser, PiiKind, RegisterMeta, Review,
    Secrecy, SystemClock, Vault, WorkerCommand,
};
use sealdesk_core::crypto::RecoveryCode;
use sealdesk_core::domain::RoleSet;
use serde_json::json;

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
fn run(cli: Cli, ctx: &mut Ctx) -> CliResult {
    match &cli.command {
        Command::Init { admin } => {
            let dir = vault_dir(&cli)?;
            let pass = new_passphrase(&format!("New passphrase for {admin}: "))?;
            let init = Vault::init(&dir, admin, &pass, Arc::new(SystemClock), os_seeded_rng())?;
            let code = init.recovery_code.to_printable();
            let human = format!(
                "Vault created at {}\nAdministrator: {}\n\nRECOVERY CODE (shown once; print it and lock it away, it is never stored):\n\n    {}\n",
                dir.display(),
                init.admin.name,
                code.as_str()
            );
            Ok((
                json!({"vault": dir.display().to_string(), "admin": to_json(&init.admin), "recovery_code": code.as_str()}),
                human,
            ))
        }
        Command::Demo => {
            let dir = vault_dir(&cli)?;
            let demo = sealdesk_api::demo::create_demo_vault(
                &dir,
                Arc::new(SystemClock),
                os_seeded_rng(),
            )?;
            let mut human = format!(
                "Demo vault created at {}\n\n  user        role        passphrase\n",
                demo.vault
            );
            for u in &demo.users {
                human.push_str(&format!(
                    "  {:<11} {:<11} {}\n",
                    u.name,
                    u.role.as_str(),
                    u.passphrase
                ));
            }
            human.push_str(&format!(
                "\nLetters: {}\nRecovery code (demo only): {}",
                demo.letters.join(", "),
                demo.recovery_code
            ));
            Ok((to_json(&demo), human))
        }
        Command::User(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
            match cmd {
                UserCommand::Add { name, role, unit } => {
                    let roles = RoleSet::parse_list(role).map_err(ApiError::from)?;
                    let passphrase = new_passphrase(&format!("First passphrase for {name}: "))?;
                    let info = vault.add_user(
                        s,
                        &NewUser {
                            name: name.clone(),
                            roles,
                            unit: unit.clone(),
                            passphrase,
                        },
                    )?;
                    Ok((to_json(&info), format!("Added {} ({})", info.name, role)))
                }
                UserCommand::List => {
                    let users = vault.list_users(s)?;
                    let human = users
                        .iter()
                        .map(|u| {
                            let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                            format!(
                                "{:<16} {:<24} {:<12} {}",
                                u.name,
                                roles.join(","),
                                u.unit.as_deref().unwrap_or("-"),
                                if u.disabled { "disabled" } else { "active" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    Ok((json!({"users": to_json(&users)}), human))
                }
                UserCommand::Disable { name } => {
                    let info = vault.set_user_disabled(s, name, true)?;
                    Ok((to_json(&info), format!("Disabled {name}")))
                }
                UserCommand::Enable { name } => {
                    let info = vault.set_user_disabled(s, name, false)?;
                    Ok((to_json(&info), format!("Enabled {name}")))
                }
                UserCommand::Reset { name } => {
                    let passphrase = new_passphrase(&format!("New passphrase for {name}: "))?;
                    let dropped = vault.reset_user(s, name, &passphrase)?;
                    Ok((
                        json!({"name": name, "dropped_grants": dropped}),
                        format!("Reset {name}: new key pair; {dropped} old grant(s) dropped and must be granted again"),
                    ))
                }
                UserCommand::Roles { name, role, unit } => {
                    let roles = RoleSet::parse_list(role).map_err(ApiError::from)?;
                    let info = vault.set_user_roles(s, name, &roles, unit.as_deref())?;
                    Ok((
                        to_json(&info),
                        format!(
                            "{}: roles {} (unit {})",
                            info.name,
                            roles.to_list(),
                            info.unit.as_deref().unwrap_or("-")
                        ),
                    ))
                }
            }
        }
        Command::Passwd => {
            let mut vault = open_vault(&cli)?;
            let name = cli
                .user
                .clone()
                .ok_or_else(|| usage("pass --user NAME or set SEALDESK_USER"))?;
            let old = secret_from_env_or_prompt(
                "SEALDESK_PASSPHRASE",
                &format!("Current passphrase for {name}: "),
            )?;
            let mut s = vault.login(&name, &old)?;
            let new = new_passphrase("New passphrase: ")?;
            let changed = vault.change_passphrase(&mut s, &old, &new);
            vault.lock(&mut s);
            changed?;
            Ok((
                json!({"name": name, "changed": true}),
                "Passphrase changed".into(),
            ))
        }
        Command::Whoami => {
            let (vault, s) = ctx.login(&cli)?;
            let me = vault.whoami(s)?;
            let roles: Vec<&str> = me.roles.iter().map(|r| r.as_str()).collect();
            let human = format!(
                "{} ({}){}",
                me.name,
                roles.join(","),
                me.unit
                    .as_deref()
                    .map(|u| format!(", {u}"))
                    .unwrap_or_default()
            );
            Ok((to_json(&me), human))
        }
        Command::Recover { grant_ledger } => {
            let mut vault = open_vault(&cli)?;
            let text = secret_from_env_or_prompt("SEALDESK_RECOVERY_CODE", "Recovery code: ")?;
            let code = RecoveryCode::parse(text.expose()).map_err(|_| ApiError::BadRecoveryCode)?;
            let report = vault.recover_check(&code)?;
            let mut human = format!(
                "Recovery code verified: it opens {} data key(s) and {} record(s)",
                report.data_keys, report.records
            );
            let mut value = to_json(&report);
            if let Some(name) = grant_ledger {
                vault.recover_grant_ledger(&code, name)?;
                human.push_str(&format!("\nLedger key granted to {name}"));
                value["ledger_granted_to"] = json!(name);
            }
            Ok((value, human))
        }
        Command::Ledger(cmd) => ledger_command(&cli, cmd, ctx),
        Command::Export(cmd) => copies::export_command(&cli, cmd, ctx),
        Command::Register(args) => {
            let bytes = read_input(&args.file)?;
            let secrecy = match (&args.until, &args.condition) {
                (Some(d), None) => Secrecy::Until(d.clone()),
                (None, Some(c)) => Secrecy::Condition(c.clone()),
                _ => return Err(usage("give exactly one of --until or --condition")),
            };
            let mut meta = RegisterMeta::new(Category::parse(&args.category)?, secrecy);
            meta.subject = args.subject.clone().unwrap_or_default();
            meta.level = args.level.clone();
            meta.sender = args.sender.clone();
            meta.sender_agency = args.sender_agency.clone();
            meta.sender_doc_no = args.sender_doc_no.clone();
            meta.addressee = match args.addressee.as_str() {
                "agency" => AddresseeType::Agency,
                "head" => AddresseeType::Head,
                "person" => AddresseeType::Person,
                other => {
                    return Err(usage(format!(
                        "--addressee {other:?}: agency, head or person"
                    )))
                }
            };
            meta.opened_by = args.opened_by.clone();
            meta.seal_intact = !args.seal_broken;
            meta.pages = args.pages;
            meta.parties = args.parties.clone();
            meta.retention_years = args.retention_years;
            let mut review = Review {
                drop: args.drop_findings.clone(),
                release: args.release_pages.clone(),
                ..Review::default()
            };
            for b in &args.redact_boxes {
                review.boxes.push(parse_box(b)?);
            }
            for a in &args.add_findings {
                let (k, v) = a
                    .split_once('=')
                    .ok_or_else(|| usage(format!("--add-finding {a:?}: expected KIND=VALUE")))?;
                let kind: PiiKind = serde_json::from_value(json!(k))
                    .map_err(|_| usage(format!("unknown finding kind {k:?}")))?;
                review.add.push((kind, v.to_owned()));
            }
            let name = file_name(&args.file);
            let (vault, s) = ctx.login(&cli)?;
            vault.set_parse_worker(WorkerCommand::current_exe().map_err(ApiError::BadFile)?);
            let r = vault.register_file(s, &bytes, &name, &meta, &review)?;
            let mut human = format!("Registered {} ({}) from {} ({} page(s), {} characters); {} finding(s) sealed in the identity compartment",
                r.receipt_no, r.letter_id, r.source.as_str(), r.pages, r.text_chars, r.findings.len());
            for n in &r.notices {
                human.push_str(&format!("\n  {n}"));
            }
            Ok((to_json(&r), human))
        }
        Command::Trace { image } => {
            let bytes = read_input(image)?;
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.trace(s, &bytes)?;
            let mut human = format!(
                "{}: code {} read from the {} (confidence {:.2})",
                image.display(),
                r.code,
                r.channel,
                r.confidence
            );
            match &r.entry {
                Some(e) => human.push_str(&format!(
                    "\n  ledger entry #{}: {} {} by {} at {}{}",
                    e.seq,
                    e.action,
                    e.receipt_no.as_deref().unwrap_or("-"),
                    e.user,
                    e.at,
                    e.reason
                        .as_deref()
                        .map(|r| format!(", reason: {r}"))
                        .unwrap_or_default()
                )),
                None if r.verdict == "footer_only" => human.push_str(
                    "\n  only the footer's QR code was read: a footer can be pasted from another copy, so it names no one on its own",
                ),
                None if r.verdict == "conflict" => human.push_str(
                    "\n  CONFLICT: the page carries more than one code (a composite of copies, a pasted footer, or collusion); no one is named",
                ),
                None => human.push_str("\n  no entry in this vault's ledger carries this code"),
            }
            if !r.certain {
                for c in &r.candidates {
                    human.push_str(&format!(
                        "\n  candidate {} (read from {}): {}",
                        c.code,
                        c.channels.join(", "),
                        c.entry
                            .as_ref()
                            .map(|e| format!("ledger entry #{} {} by {}", e.seq, e.action, e.user))
                            .unwrap_or_else(|| "no entry in this vault".into())
                    ));
                }
            }
            if let Some(c) = &r.copy {
                human.push_str(&format!(
                    "\n  copy 第{}份 ({}) for {}, made by {}, approved by {}{}",
                    c.copy_no,
                    c.kind,
                    c.recipient,
                    c.made_by,
                    c.approved_by,
                    if c.verified { "" } else { " [NOT VERIFIED]" }
                ));
            }
            Ok((to_json(&r), human))
        }
        Command::Scan { file } => {
            let bytes = read_input(file)?;
            let worker = WorkerCommand::current_exe().map_err(ApiError::BadFile)?;
            let r = sealdesk_api::scan_file(&worker, &bytes, &file_name(file))?;
            let mut human = format!(
                "{}: {} ({} characters, {} page(s), read by {})",
                file.display(),
                r.source.as_str(),
                r.text_chars,
                r.pages,
                r.extractor
            );
            for f in &r.findings {
                human.push_str(&format!(
                    "\n  {:<15} {}  [{}..{}] {:.2}",
                    f.kind.as_str(),
                    f.value,
                    f.start,
                    f.end,
                    f.confidence
                ));
            }
            for n in &r.notices {
                human.push_str(&format!("\n  {n}"));
            }
            let value = json!({
                "source": file.display().to_string(),
                "kind": r.source,
                "text_chars": r.text_chars,
                "pages": r.pages,
                "extractor": r.extractor,
                "findings": to_json(&r.findings),
                "notices": r.notices,
            });
            Ok((value, human))
        }
        Command::Letters(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
            let letters = vault.list_letters(s)?;
            match cmd {
                LettersCommand::List => {
                    let human = letters
                        .iter()
                        .map(|l| {
                            format!(
                                "{}  {}  {}  {}",
                                l.receipt_no,
                                l.level,
                                l.category,
                                if l.can_read { "readable" } else { "-" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    Ok((json!({"letters": to_json(&letters)}), human))
                }
                LettersCommand::Show { id } => {
                    let l = letters
                        .into_iter()
                        .find(|l| &l.id == id || &l.receipt_no == id)
                        .ok_or_else(|| Failure::from(ApiError::NotFound(format!("letter {id}"))))?;
                    let human = format!("{}  {}  {}", l.receipt_no, l.level, l.category);
                    Ok((to_json(&l), human))
                }
            }
        }
        Command::Open {
            letter,
            reason,
            affirm_no_conflict,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let c = vault.open_letter_affirming(s, letter, reason, *affirm_no_conflict)?;
            let human = format!("{}  {}  {}\n\n{}", c.receipt_no, c.level, c.subject, c.text);
            Ok((to_json(&c), human))
        }
        Command::Inquire {
            letter,
            unit,
            deadline,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let qs = vault.inquire(s, letter, unit, deadline.as_deref())?;
            let human = qs
                .iter()
                .map(|q| format!("inquiry {} to {}", q.id, q.unit))
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"inquiries": to_json(&qs)}), human))
        }
        Command::Inquiries => {
            let (vault, s) = ctx.login(&cli)?;
            let qs = vault.inquiries(s)?;
            let human = qs
                .iter()
                .map(|q| {
                    format!(
                        "{}  {}  {}  {}",
                        q.id,
                        q.receipt_no,
                        q.unit,
                        q.answer.as_deref().unwrap_or("(unanswered)")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"inquiries": to_json(&qs)}), human))
        }
        Command::Answer { inquiry, ours, .. } => {
            let (vault, s) = ctx.login(&cli)?;
            let q = vault.answer_inquiry(s, inquiry, *ours)?;
            Ok((
                to_json(&q),
                format!("Answered {}: {}", q.id, q.answer.as_deref().unwrap_or("")),
            ))
        }
        Command::Route {
            letter,
            unit,
            handler,
            until,
            reason,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.route(s, letter, unit, handler, until.as_deref(), reason)?;
            Ok((
                to_json(&r),
                format!(
                    "Request {} ({} to {} of {}) awaits the supervisor",
                    r.id, r.receipt_no, r.handler, r.unit
                ),
            ))
        }
        Command::Requests => {
            let (vault, s) = ctx.login(&cli)?;
            let rs = vault.requests(s)?;
            let human = rs
                .iter()
                .map(|r| {
                    format!(
                        "{}  {}  {}  {} -> {}  {}  {}",
                        r.id, r.kind, r.receipt_no, r.requested_by, r.handler, r.status, r.reason
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"requests": to_json(&rs)}), human))
        }
        Command::Approve { request, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            match vault.approve_any(s, request, reason)? {
                sealdesk_api::Approved::Assignment(a) => Ok((
                    to_json(&a),
                    format!(
                        "Approved: assignment {} ({}) until {}",
                        a.id, a.receipt_no, a.until
                    ),
                )),
                sealdesk_api::Approved::Copy(r) => Ok((
                    to_json(&r),
                    format!(
                        "Approved: {} of {} for {} (request {}), to be made by {} before {}",
                        r.kind, r.receipt_no, r.handler, r.id, r.requested_by, r.until
                    ),
                )),
            }
        }
        Command::Deny { request, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.deny_request(s, request, reason)?;
            Ok((to_json(&r), format!("Denied request {}", r.id)))
        }
        Command::Revoke { assignment, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let a = vault.revoke(s, assignment, reason)?;
            let mut human = format!("Revoked assignment {}", a.id);
            if let Some(n) = &a.notice {
                human.push_str(&format!("\n  {n}"));
            }
            Ok((to_json(&a), human))
        }
        Command::Assignments { unit } => {
            let (vault, s) = ctx.login(&cli)?;
            let xs = if *unit {
                vault.unit_assignments(s)?
            } else {
                vault.assignments(s)?
            };
            let human = xs
                .iter()
                .map(|a| {
                    format!(
                        "{}  {}  {}  {}  {}",
                        a.id,
                        a.kind,
                        a.receipt_no,
                        a.unit,
                        if a.active {
                            "active"
                        } else {
                            a.ended.as_deref().unwrap_or("expired")
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"assignments": to_json(&xs)}), human))
        }
        Command::Decline { assignment, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let a = vault.decline(s, assignment, reason)?;
            Ok((to_json(&a), format!("Declined assignment {}", a.id)))
        }
        Command::Reveal(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
            match cmd {
                RevealCommand::Request { letter, reason } => {
                    let r = vault.reveal_request(s, letter, reason)?;
                    Ok((
                        to_json(&r),
                        format!("Reveal request {} awaits the clerk's endorsement", r.id),
                    ))
                }
                RevealCommand::Endorse { request } => {
                    let r = vault.reveal_endorse(s, request)?;
                    Ok((
                        to_json(&r),
                        format!("Endorsed {}; awaits the supervisor", r.id),
                    ))
                }
                RevealCommand::Show { letter } => {
                    let v = vault.reveal_show(s, letter)?;
                    let human = v
                        .findings
                        .iter()
                        .map(|f| format!("{:<15} {}", f.kind.as_str(), f.value))
                        .collect::<Vec<_>>()
                        .join("\n");
                    Ok((to_json(&v), human))
                }
            }
        }
        Command::Settings {
            idle_timeout: Some(idle_timeout),
            max_access_days: None,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            vault.set_idle_timeout(s, *idle_timeout)?;
            Ok((
                json!({"idle_timeout_secs": idle_timeout}),
                format!("Sessions now lock after {idle_timeout} s idle"),
            ))
        }
        Command::Settings {
            idle_timeout,
            max_access_days,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            if let Some(secs) = idle_timeout {
                vault.set_idle_timeout(s, *secs)?;
            }
            if let Some(days) = max_access_days {
                vault.set_max_access_days(s, *days)?;
            }
            let settings = vault.settings(s)?;
            Ok((
                to_json(&settings),
                format!(
                    "Sessions lock after {} s idle; an approval grants at most {} days",
                    settings.idle_timeout_secs, settings.max_access_days
                ),
            ))
        }
        Command::Directory => {
            let (vault, s) = ctx.login(&cli)?;
            let dir = vault.routing_directory(s)?;
            let human = dir
                .units
                .iter()
                .map(|u| {
                    format!(
                        "{}  supervisors: {}  handlers: {}",
                        u.unit,
                        u.supervisors.join(","),
                        u.handlers.join(",")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((to_json(&dir), human))
        }
        Command::Slip { letter } => {
            let (vault, s) = ctx.login(&cli)?;
            let slip = vault.routing_slip(s, letter)?;
            let human = format!(
                "{}  {}  {}  {}  deadline {}\n{}",
                slip.receipt_no,
                slip.level,
                slip.category,
                slip.subject,
                slip.deadline.as_deref().unwrap_or("-"),
                slip.summary
            );
            Ok((to_json(&slip), human))
        }
    }
}
