//! `sealdesk audit …`: the 政風 report.

use serde_json::json;

use sealdesk_api::{
    parse_holidays, parse_leave, parse_roster, AuditCalendar, AuditSettings, ReportRequest,
};

use crate::args::{AuditCommand, Cli, ReportArgs};
use crate::context::{to_json, Ctx};
use crate::failure::{bad_file, usage, CliResult, Failure};

pub(crate) fn audit(cli: &Cli, ctx: &mut Ctx, cmd: &AuditCommand) -> CliResult {
    match cmd {
        AuditCommand::Report(args) => report(cli, ctx, args),
    }
}

fn read_text(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| bad_file(format!("{}: {e}", path.display())))
}

fn report(cli: &Cli, ctx: &mut Ctx, args: &ReportArgs) -> CliResult {
    let (office_start, office_end) =
        sealdesk_api::parse_office_hours(&args.office_hours).map_err(|e| usage(e.to_string()))?;
    if !args.multiple.is_finite() || args.multiple <= 1.0 {
        return Err(usage("--multiple must be above 1"));
    }
    let mut calendar = AuditCalendar::default();
    if let Some(p) = &args.roster {
        calendar.duty = parse_roster(&read_text(p)?)?;
    }
    if let Some(p) = &args.leave {
        calendar.leave = parse_leave(&read_text(p)?)?;
    }
    if let Some(p) = &args.holidays {
        calendar.holidays = parse_holidays(&read_text(p)?)?.into_iter().collect();
    }
    let settings = AuditSettings {
        office_start,
        office_end,
        multiple: args.multiple,
        min_lookups: args.min_lookups,
        reason_letters: args.reason_letters,
        ..AuditSettings::default()
    };
    let req = ReportRequest {
        from: args.from.clone(),
        to: args.to.clone(),
        seed: args.seed,
        settings,
        calendar,
    };
    let (vault, s) = ctx.login(cli)?;
    let report = vault.audit_report(s, &req)?;
    let files = sealdesk_api::write_report(&args.out, &report)?;
    let f = &report.findings;
    let mut human = format!(
        "政風稽核報表 {} ～ {}: {} lookup(s), {} flag(s); sample seed {} (users: {}; {} lookup(s) to match by hand)\nledger: {}",
        report.from,
        report.to,
        report.lookups,
        f.flags.len(),
        f.sample.seed,
        f.sample.users.join(", "),
        f.sample.lookups.len(),
        report.integrity
    );
    for flag in &f.flags {
        human.push_str(&format!(
            "\n  {:<18} {:<12} {:<10} {}",
            flag.kind.as_str(),
            flag.user,
            flag.day.clone().unwrap_or_default(),
            flag.detail
        ));
    }
    if let Some(w) = &report.keep_checkpoint {
        human.push_str(&format!("\n{w}"));
    }
    human.push_str(&format!(
        "\nwritten to {}: {}",
        args.out.display(),
        files.join(", ")
    ));
    let mut value = to_json(&report);
    if let Some(o) = value.as_object_mut() {
        o.insert("out".into(), json!(args.out.display().to_string()));
        o.insert("files".into(), json!(files));
    }
    Ok((value, human))
}
