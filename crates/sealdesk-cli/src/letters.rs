//! Letters: register, scan, list, open and the routing slip.

use std::path::Path;

use sealdesk_api::{
    AddresseeType, ApiError, Category, PiiKind, RegisterMeta, Review, Secrecy, WorkerCommand,
};
use serde_json::json;

use crate::args::{Cli, LettersCommand, RegisterArgs};
use crate::context::{file_name, parse_box, read_input, to_json, Ctx};
use crate::failure::{usage, CliResult, Failure};

pub(crate) fn register(cli: &Cli, ctx: &mut Ctx, args: &RegisterArgs) -> CliResult {
    let bytes = read_input(&args.file)?;
    let secrecy = match (&args.until, &args.condition) {
        (Some(d), None) => Secrecy::Until(d.clone()),
        (None, Some(c)) => Secrecy::Condition(c.clone()),
        _ => return Err(usage("give exactly one of --until or --condition")),
    };
    let mut meta = RegisterMeta::new(Category::parse(&args.category)?, secrecy);
    meta.subject = args.subject.clone().unwrap_or_default();
    meta.set_level(&args.level)?;
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
    let (vault, s) = ctx.login(cli)?;
    vault.set_parse_worker(WorkerCommand::current_exe().map_err(ApiError::BadFile)?);
    let r = vault.register_file(s, &bytes, &name, &meta, &review)?;
    let mut human = format!("Registered {} ({}) from {} ({} page(s), {} characters); {} finding(s) sealed in the identity compartment",
        r.receipt_no, r.letter_id, r.source.as_str(), r.pages, r.text_chars, r.findings.len());
    for n in &r.notices {
        human.push_str(&format!("\n  {n}"));
    }
    Ok((to_json(&r), human))
}

pub(crate) fn scan(_cli: &Cli, _ctx: &mut Ctx, file: &Path) -> CliResult {
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

pub(crate) fn letters(cli: &Cli, ctx: &mut Ctx, cmd: &LettersCommand) -> CliResult {
    match cmd {
        LettersCommand::List | LettersCommand::Show { .. } => register_lines(cli, ctx, cmd),
        _ => life(cli, ctx, cmd),
    }
}

/// `letters close | declassify | destroy-list | destroy-approve | destroy`.
fn life(cli: &Cli, ctx: &mut Ctx, cmd: &LettersCommand) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let step = match cmd {
        LettersCommand::Close { letter, reason } => Some(vault.close_letter(s, letter, reason)?),
        LettersCommand::Declassify {
            letter,
            basis,
            reason,
        } => {
            let basis = sealdesk_api::DeclassifyBasis::parse(basis).ok_or_else(|| {
                usage(format!("--basis {basis:?}: period_ended or condition_met"))
            })?;
            Some(vault.declassify(s, letter, basis, reason)?)
        }
        LettersCommand::DestroyList {
            letter,
            list_no,
            reason,
        } => Some(vault.destroy_propose(s, letter, list_no, reason)?),
        LettersCommand::DestroyApprove { letter, reason } => {
            Some(vault.destroy_approve(s, letter, reason)?)
        }
        LettersCommand::Destroy {
            letter,
            identity,
            reason,
        } => Some(vault.destroy(s, letter, *identity, reason)?),
        LettersCommand::List | LettersCommand::Show { .. } => None,
    };
    if let Some(step) = step {
        let mut human = format!("{}: {}", step.receipt_no, step.state.label());
        if let Some(d) = &step.declassified {
            human.push_str(&format!(
                "\n{} → {}\n{}",
                d.old_marking,
                d.new_marking,
                if d.notify.is_empty() {
                    "no earlier copy to notify".to_owned()
                } else {
                    format!("notify: {}", d.notify.join("；"))
                }
            ));
        }
        if let Some(x) = &step.shredded {
            human.push_str(&format!(
                "\nshredded: {} key wrap(s), {} record(s), {} grant layer(s){}",
                x.wraps,
                x.records,
                x.grant_layers,
                if x.wal_emptied {
                    ""
                } else {
                    "; the WAL is emptied at the next write"
                }
            ));
        }
        return Ok((to_json(&step), human));
    }
    Err(usage("not a life command"))
}

/// `letters list | show`: the register as the caller may see it.
fn register_lines(cli: &Cli, ctx: &mut Ctx, cmd: &LettersCommand) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
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
            let human = format!(
                "{}  {}  {}  {}{}",
                l.receipt_no,
                l.level,
                l.category,
                l.state.label(),
                if l.holders.is_empty() {
                    String::new()
                } else {
                    format!("  現持有人 {}", l.holders.join("、"))
                }
            );
            Ok((to_json(&l), human))
        }
        _ => Err(usage("not a register command")),
    }
}

pub(crate) fn open(
    cli: &Cli,
    ctx: &mut Ctx,
    letter: &str,
    reason: &str,
    affirm_no_conflict: bool,
) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let c = vault.open_letter_affirming(s, letter, reason, affirm_no_conflict)?;
    let human = format!("{}  {}  {}\n\n{}", c.receipt_no, c.level, c.subject, c.text);
    Ok((to_json(&c), human))
}

pub(crate) fn slip(cli: &Cli, ctx: &mut Ctx, letter: &str) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
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
