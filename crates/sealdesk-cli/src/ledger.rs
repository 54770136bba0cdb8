//! `sealdesk ledger …`: verify, read, export, checkpoint, grant.

use serde_json::json;

use sealdesk_api::ErrorKind;

use crate::args::{Cli, LedgerCommand};
use crate::context::{open_vault, to_json, Ctx};
use crate::failure::{bad_file, usage, CliResult, Failure};

pub(crate) fn read_checkpoint(path: &std::path::Path) -> Result<sealdesk_api::Checkpoint, Failure> {
    let bytes = std::fs::read(path).map_err(|e| bad_file(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| bad_file(format!("{}: not a checkpoint: {e}", path.display())))
}

pub(crate) fn damage_failure(value: serde_json::Value, damage: &sealdesk_api::Finding) -> Failure {
    let kind = serde_json::to_value(damage.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let human = format!(
        "LEDGER DAMAGED: {kind} at entry {}: {}",
        damage.seq, damage.detail
    );
    Failure {
        kind: ErrorKind::Integrity,
        message: format!("ledger damaged: {kind} at entry {}", damage.seq),
        code: ErrorKind::Integrity.exit_code(),
        report: Some((value, human)),
    }
}

pub(crate) fn ledger_command(cli: &Cli, cmd: &LedgerCommand, ctx: &mut Ctx) -> CliResult {
    match cmd {
        LedgerCommand::Verify {
            checkpoint,
            entries,
        } => {
            let kept = checkpoint.as_deref().map(read_checkpoint).transpose()?;
            let report = if *entries {
                let (vault, s) = ctx.login(cli)?;
                vault.ledger_verify_entries(s, kept.as_ref())?
            } else {
                open_vault(cli)?.ledger_verify(kept.as_ref())?
            };
            let value = to_json(&report);
            if let Some(d) = &report.report.damage {
                return Err(damage_failure(value, d));
            }
            Ok((
                value,
                format!(
                    "Ledger {}; head {}",
                    report.summary,
                    hex::encode(report.report.head_hash)
                ),
            ))
        }
        LedgerCommand::Key => {
            let mut vault = open_vault(cli)?;
            let key = hex::encode(vault.workstation_public_key()?.0);
            let id = vault.workstation_id()?;
            Ok((
                json!({"workstation_public_key": key, "workstation_id": id, "root_public_key": key}),
                key,
            ))
        }
        LedgerCommand::Checkpoint { out } => {
            let (vault, s) = ctx.login(cli)?;
            let cp = vault.ledger_checkpoint(s)?;
            let bytes = serde_json::to_vec_pretty(&cp).map_err(|e| usage(e.to_string()))?;
            std::fs::write(out, bytes).map_err(|e| bad_file(format!("{}: {e}", out.display())))?;
            Ok((
                to_json(&cp),
                format!(
                    "Checkpoint at entry {} written to {}; keep it off this workstation",
                    cp.seq,
                    out.display()
                ),
            ))
        }
        LedgerCommand::Entries => {
            let (vault, s) = ctx.login(cli)?;
            let readout = vault.ledger_readout(s)?;
            let entries = readout.entries;
            let mut human = entries
                .iter()
                .map(|e| {
                    let b = &e.body;
                    format!(
                        "{:>6}  {}  {:<12} {:<14} {:<8} {} {}",
                        b.seq,
                        b.at,
                        b.user,
                        b.action,
                        b.outcome,
                        b.receipt_no.as_deref().unwrap_or("-"),
                        b.reason.as_deref().or(b.detail.as_deref()).unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut value = json!({"entries": to_json(&entries)});
            if readout.unreadable.is_empty() {
                return Ok((value, human));
            }
            // Every entry that opens is still printed; the ones that do not
            // are listed, and the command fails as an integrity failure.
            for u in &readout.unreadable {
                human.push_str(&format!("\n{:>6}  UNREADABLE: {}", u.seq, u.detail));
            }
            value["unreadable"] = to_json(&readout.unreadable);
            let seqs: Vec<String> = readout
                .unreadable
                .iter()
                .map(|u| u.seq.to_string())
                .collect();
            Err(Failure {
                kind: ErrorKind::Integrity,
                message: format!("ledger entries that do not open: {}", seqs.join(", ")),
                code: ErrorKind::Integrity.exit_code(),
                report: Some((value, human)),
            })
        }
        LedgerCommand::Grant { name } => {
            let (vault, s) = ctx.login(cli)?;
            vault.ledger_grant(s, name)?;
            Ok((
                json!({"granted_to": name}),
                format!("Ledger key granted to {name}"),
            ))
        }
        LedgerCommand::Export { out } => {
            let (vault, s) = ctx.login(cli)?;
            let summary = vault.ledger_export(s, out)?;
            Ok((
                to_json(&summary),
                format!(
                    "Exported {} entries to {} (checkpoint at entry {})",
                    summary.entries, summary.dir, summary.checkpoint.seq
                ),
            ))
        }
        LedgerCommand::VerifyExport {
            dir,
            workstation_key,
            checkpoint,
        } => {
            let root = match workstation_key {
                Some(h) => Some(
                    hex::decode(h.trim())
                        .ok()
                        .and_then(|v| <[u8; 32]>::try_from(v).ok())
                        .ok_or_else(|| usage("--workstation-key must be 64 hex digits"))?,
                ),
                None => None,
            };
            let anchor = match (root, checkpoint) {
                (root, Some(p)) => {
                    let cp = read_checkpoint(p)?;
                    if root.is_some_and(|r| r != cp.workstation_public_key) {
                        return Err(usage(
                            "the checkpoint is of another vault than --workstation-key",
                        ));
                    }
                    sealdesk_api::ExportAnchor::Checkpoint(cp)
                }
                (Some(r), None) => {
                    sealdesk_api::ExportAnchor::RootKey(sealdesk_core::crypto::VerifyingKey(r))
                }
                (None, None) => return Err(usage("give --workstation-key or --checkpoint")),
            };
            let report = sealdesk_api::verify_export(dir, &anchor)?;
            let value = to_json(&report);
            if let Some(d) = &report.damage {
                return Err(damage_failure(value, d));
            }
            Ok((
                value,
                format!(
                    "Export intact: {} entries match the sealed chain and its signed checkpoint at {}",
                    report.entries, report.checkpoint_seq
                ),
            ))
        }
    }
}
