//! Need-to-know routing: inquiries, requests, decisions, assignments and
//! identity reveals.

use serde_json::json;

use crate::args::{Cli, RevealCommand};
use crate::context::{to_json, Ctx};
use crate::failure::CliResult;

pub(crate) fn inquire(
    cli: &Cli,
    ctx: &mut Ctx,
    letter: &str,
    unit: &[String],
    deadline: Option<&str>,
) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let qs = vault.inquire(s, letter, unit, deadline)?;
    let human = qs
        .iter()
        .map(|q| format!("inquiry {} to {}", q.id, q.unit))
        .collect::<Vec<_>>()
        .join("\n");
    Ok((json!({"inquiries": to_json(&qs)}), human))
}

pub(crate) fn inquiries(cli: &Cli, ctx: &mut Ctx) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let qs = vault.inquiries(s)?;
    let human = qs
        .iter()
        .map(|q| {
            format!(
                "{}  {}  {}  {}",
                q.id,
                q.receipt_no,
                q.unit,
                q.answer.map_or("(unanswered)", |a| a.as_str())
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok((json!({"inquiries": to_json(&qs)}), human))
}

pub(crate) fn answer(cli: &Cli, ctx: &mut Ctx, inquiry: &str, ours: bool) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let q = vault.answer_inquiry(s, inquiry, ours)?;
    Ok((
        to_json(&q),
        format!("Answered {}: {}", q.id, q.answer.map_or("", |a| a.as_str())),
    ))
}

pub(crate) fn route(
    cli: &Cli,
    ctx: &mut Ctx,
    letter: &str,
    unit: &str,
    handler: &str,
    until: Option<&str>,
    reason: &str,
) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let r = vault.route(s, letter, unit, handler, until, reason)?;
    Ok((
        to_json(&r),
        format!(
            "Request {} ({} to {} of {}) awaits the supervisor",
            r.id, r.receipt_no, r.handler, r.unit
        ),
    ))
}

pub(crate) fn requests(cli: &Cli, ctx: &mut Ctx) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
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

pub(crate) fn approve(cli: &Cli, ctx: &mut Ctx, request: &str, reason: &str) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
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

pub(crate) fn deny(cli: &Cli, ctx: &mut Ctx, request: &str, reason: &str) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let r = vault.deny_request(s, request, reason)?;
    Ok((to_json(&r), format!("Denied request {}", r.id)))
}

pub(crate) fn revoke(cli: &Cli, ctx: &mut Ctx, assignment: &str, reason: &str) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let a = vault.revoke(s, assignment, reason)?;
    let mut human = format!("Revoked assignment {}", a.id);
    if let Some(n) = &a.notice {
        human.push_str(&format!("\n  {n}"));
    }
    Ok((to_json(&a), human))
}

pub(crate) fn assignments(cli: &Cli, ctx: &mut Ctx, unit: bool) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let xs = if unit {
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
                    a.ended.map_or("expired", |e| e.as_str())
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok((json!({"assignments": to_json(&xs)}), human))
}

pub(crate) fn decline(cli: &Cli, ctx: &mut Ctx, assignment: &str, reason: &str) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let a = vault.decline(s, assignment, reason)?;
    Ok((to_json(&a), format!("Declined assignment {}", a.id)))
}

pub(crate) fn reveal(cli: &Cli, ctx: &mut Ctx, cmd: &RevealCommand) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
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
