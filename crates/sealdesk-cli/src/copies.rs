//! `sealdesk export …`: marked copies of a letter, each for one recipient,
//! approved by a supervisor, registered and recorded before the file is
//! written.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use sealdesk_api::{CopyFormat, CopyKind};

use crate::args::Cli;
use crate::context::{read_input, to_json, Ctx};
use crate::failure::{usage, CliResult};

#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Ask for a marked copy of a letter for one recipient (its assigned
    /// handler or registering clerk); a supervisor approves it with `approve`.
    Request {
        letter: String,
        /// The one person the copy is for (an account name); their name is
        /// marked on every page.
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
        /// A print rather than a file (made from the app's print dialog).
        #[arg(long)]
        print: bool,
    },
    /// Your copy requests, in every status.
    Requests,
    /// Make an approved copy: every page marked for its recipient, registered
    /// and recorded, then written to a new file (pdf) or folder (png).
    Run {
        request: String,
        #[arg(long, value_enum, default_value = "pdf")]
        format: Format,
        #[arg(long)]
        out: PathBuf,
    },
    /// The letter's copy register (clerk, supervisor, auditor).
    List { letter: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Pdf,
    Png,
}

pub(crate) fn export_command(cli: &Cli, cmd: &ExportCommand, ctx: &mut Ctx) -> CliResult {
    match cmd {
        ExportCommand::Request {
            letter,
            to,
            reason,
            print,
        } => {
            let (vault, s) = ctx.login(cli)?;
            let kind = if *print {
                CopyKind::Print
            } else {
                CopyKind::Export
            };
            let r = vault.request_copy(s, letter, to, kind, reason)?;
            Ok((
                to_json(&r),
                format!(
                    "Requested {} of {} for {}: request {} (waiting for a supervisor of {})",
                    r.kind, r.receipt_no, r.handler, r.id, r.unit
                ),
            ))
        }
        ExportCommand::Requests => {
            let (vault, s) = ctx.login(cli)?;
            let rs = vault.copy_requests(s)?;
            let human = if rs.is_empty() {
                "No copy requests.".to_owned()
            } else {
                rs.iter()
                    .map(|r| {
                        format!(
                            "{}  {}  {}  for {}  [{}]",
                            r.id, r.kind, r.receipt_no, r.handler, r.status
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok((serde_json::json!({ "requests": to_json(&rs) }), human))
        }
        ExportCommand::Run {
            request,
            format,
            out,
        } => {
            let (vault, s) = ctx.login(cli)?;
            let format = match format {
                Format::Pdf => CopyFormat::Pdf,
                Format::Png => CopyFormat::Png,
            };
            if out.as_os_str().is_empty() {
                return Err(usage("--out needs a path"));
            }
            let done = vault.run_export(s, request, format, out)?;
            Ok((
                to_json(&done),
                format!(
                    "Copy {} of {} for {} ({} pages, code {}) written to {}",
                    done.copy.copy_no,
                    done.copy.receipt_no,
                    done.copy.recipient,
                    done.copy.pages,
                    done.copy.code,
                    out.display()
                ),
            ))
        }
        ExportCommand::List { letter } => {
            let (vault, s) = ctx.login(cli)?;
            let xs = vault.copy_register(s, letter)?;
            let human = if xs.is_empty() {
                "No copies have been made of this letter.".to_owned()
            } else {
                xs.iter()
                    .map(|c| {
                        format!(
                            "第{}份  {} ({})  for {}  by {}  approved by {}  at {}  code {}{}{}",
                            c.copy_no,
                            c.kind,
                            c.format,
                            c.recipient,
                            c.made_by,
                            c.approved_by,
                            c.made_at,
                            c.code,
                            c.reason
                                .as_deref()
                                .map(|r| format!("  reason: {r}"))
                                .unwrap_or_default(),
                            if c.verified { "" } else { "  [NOT VERIFIED]" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok((serde_json::json!({ "copies": to_json(&xs) }), human))
        }
    }
}

pub(crate) fn trace(cli: &Cli, ctx: &mut Ctx, image: &Path) -> CliResult {
    let bytes = read_input(image)?;
    let (vault, s) = ctx.login(cli)?;
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
