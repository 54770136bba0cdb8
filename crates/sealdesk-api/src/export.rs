//! The auditor's ledger export and its standalone verifier.
//!
//! An export folder holds `entries.jsonl` and `entries.csv` (decrypted;
//! CSV in UTF-8 with a BOM so Excel reads zh-TW), `chain.jsonl` (the sealed
//! chain), `checkpoint.json` (signed at the head, after the export itself was
//! recorded) and `manifest.json` (SHA-256 of each file). The verifier needs
//! only the workstation's public key: it checks the files against the
//! manifest, the chain against the checkpoint, and each decrypted entry
//! against the commitment in its sealed bytes, so a forged or edited export
//! fails.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, SecondsFormat};
use sealdesk_core::crypto::{self, VerifyingKey};
use sealdesk_core::ledger::{self, ChainRow, ChainVerifier, Checkpoint, EntryBody, Finding};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Result};

const FORMAT: &str = "sealdesk-ledger-export-v1";
const FILES: [&str; 4] = [
    "entries.jsonl",
    "entries.csv",
    "chain.jsonl",
    "checkpoint.json",
];

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    workstation_public_key: String,
    entries: u64,
    files: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EntryLine {
    seq: u64,
    nonce: String,
    entry: EntryBody,
}

#[derive(Debug, Serialize, Deserialize)]
struct ChainLine {
    seq: u64,
    prev_hash: String,
    hash: String,
    sealed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub dir: String,
    pub entries: u64,
    pub checkpoint: Checkpoint,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportVerifyReport {
    pub intact: bool,
    pub entries: u64,
    pub checkpoint_seq: u64,
    pub damage: Option<Finding>,
}

fn io_err(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::BadInput(format!("{}: {e}", path.display()))
}

fn utc(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn csv_bytes(entries: &[EntryBody]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "seq",
        "time_utc",
        "user",
        "role",
        "workstation",
        "action",
        "letter_id",
        "receipt_no",
        "level",
        "reason",
        "assignment",
        "outcome",
        "detail",
    ];
    let csv_err = |e: csv::Error| ApiError::BadInput(format!("csv: {e}"));
    w.write_record(header).map_err(csv_err)?;
    for e in entries {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            e.seq.to_string(),
            utc(e.at),
            e.user.clone(),
            o(&e.role),
            e.workstation.clone(),
            e.action.clone(),
            o(&e.letter_id),
            o(&e.receipt_no),
            o(&e.level),
            o(&e.reason),
            o(&e.assignment),
            e.outcome.clone(),
            o(&e.detail),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::BadInput(format!("csv: {e}")))
}

pub(crate) fn write_export(
    dir: &Path,
    entries: &[(EntryBody, [u8; 32])],
    chain: &[ChainRow],
    checkpoint: &Checkpoint,
) -> Result<ExportSummary> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut jsonl = Vec::new();
    for (body, nonce) in entries {
        let line = EntryLine {
            seq: body.seq,
            nonce: hex::encode(nonce),
            entry: body.clone(),
        };
        jsonl.extend_from_slice(
            &serde_json::to_vec(&line).map_err(|e| ApiError::BadInput(e.to_string()))?,
        );
        jsonl.push(b'\n');
    }
    let bodies: Vec<EntryBody> = entries.iter().map(|(b, _)| b.clone()).collect();
    let csv = csv_bytes(&bodies)?;
    let mut chain_out = Vec::new();
    for r in chain {
        let line = ChainLine {
            seq: r.seq,
            prev_hash: hex::encode(r.prev_hash),
            hash: hex::encode(r.hash),
            sealed: hex::encode(&r.sealed),
        };
        chain_out.extend_from_slice(
            &serde_json::to_vec(&line).map_err(|e| ApiError::BadInput(e.to_string()))?,
        );
        chain_out.push(b'\n');
    }
    let cp =
        serde_json::to_vec_pretty(checkpoint).map_err(|e| ApiError::BadInput(e.to_string()))?;
    let contents: [(&str, &[u8]); 4] = [
        (FILES[0], &jsonl),
        (FILES[1], &csv),
        (FILES[2], &chain_out),
        (FILES[3], &cp),
    ];
    let mut files = BTreeMap::new();
    for (name, bytes) in contents {
        let p = dir.join(name);
        std::fs::write(&p, bytes).map_err(|e| io_err(&p, e))?;
        files.insert(name.to_owned(), hex::encode(crypto::sha256(bytes)));
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        workstation_public_key: hex::encode(checkpoint.workstation_public_key),
        entries: entries.len() as u64,
        files,
    };
    let p = dir.join("manifest.json");
    std::fs::write(
        &p,
        serde_json::to_vec_pretty(&manifest).map_err(|e| ApiError::BadInput(e.to_string()))?,
    )
    .map_err(|e| io_err(&p, e))?;
    Ok(ExportSummary {
        dir: dir.display().to_string(),
        entries: entries.len() as u64,
        checkpoint: checkpoint.clone(),
    })
}

fn damaged(kind: ledger::Damage, seq: u64, detail: impl Into<String>) -> ExportVerifyReport {
    ExportVerifyReport {
        intact: false,
        entries: 0,
        checkpoint_seq: 0,
        damage: Some(Finding {
            kind,
            seq,
            detail: detail.into(),
        }),
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    hex::decode(s).ok()?.try_into().ok()
}

/// Verifies an export folder with only the workstation's public key.
pub fn verify_export(dir: &Path, workstation: &VerifyingKey) -> Result<ExportVerifyReport> {
    use ledger::Damage::{BadSignature, Edited, Inserted, Missing};
    let read = |name: &str| -> Result<Vec<u8>> {
        let p = dir.join(name);
        std::fs::read(&p).map_err(|e| io_err(&p, e))
    };
    let manifest: Manifest = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| ApiError::BadInput(format!("manifest.json: {e}")))?;
    if manifest.format != FORMAT {
        return Err(ApiError::BadInput(format!(
            "not a Sealdesk ledger export ({})",
            manifest.format
        )));
    }
    if hex32(&manifest.workstation_public_key) != Some(workstation.0) {
        return Ok(damaged(
            BadSignature,
            0,
            "the export names another workstation's key",
        ));
    }
    let mut data = BTreeMap::new();
    for name in FILES {
        let bytes = read(name)?;
        if manifest.files.get(name) != Some(&hex::encode(crypto::sha256(&bytes))) {
            return Ok(damaged(
                Edited,
                0,
                format!("{name} does not match the manifest"),
            ));
        }
        data.insert(name, bytes);
    }
    let bad_input =
        |what: &str, e: &dyn std::fmt::Display| ApiError::BadInput(format!("{what}: {e}"));
    let checkpoint: Checkpoint = serde_json::from_slice(&data["checkpoint.json"])
        .map_err(|e| bad_input("checkpoint.json", &e))?;
    let mut chain = Vec::new();
    for (i, line) in data["chain.jsonl"]
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let l: ChainLine = serde_json::from_slice(line)
            .map_err(|e| bad_input(&format!("chain.jsonl line {}", i + 1), &e))?;
        let (Some(prev_hash), Some(hash), Ok(sealed)) =
            (hex32(&l.prev_hash), hex32(&l.hash), hex::decode(&l.sealed))
        else {
            return Ok(damaged(Edited, l.seq, "chain line is malformed"));
        };
        chain.push(ChainRow {
            seq: l.seq,
            prev_hash,
            sealed,
            hash,
        });
    }
    let mut v = ChainVerifier::new([checkpoint.seq]);
    for r in &chain {
        v.push(r);
    }
    let report = v.finish(&[], Some(&checkpoint), workstation);
    if let Some(d) = report.damage {
        return Ok(ExportVerifyReport {
            intact: false,
            entries: report.entries,
            checkpoint_seq: checkpoint.seq,
            damage: Some(d),
        });
    }
    if checkpoint.seq != chain.len() as u64 {
        return Ok(damaged(
            Missing,
            checkpoint.seq.min(chain.len() as u64) + 1,
            "the checkpoint does not sign the end of the exported chain",
        ));
    }
    let mut bodies = Vec::new();
    for (i, line) in data["entries.jsonl"]
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let l: EntryLine = serde_json::from_slice(line)
            .map_err(|e| bad_input(&format!("entries.jsonl line {}", i + 1), &e))?;
        let expected = i as u64 + 1;
        let Some(row) = chain.get(i) else {
            return Ok(damaged(
                Inserted,
                expected,
                "an entry that is not in the chain",
            ));
        };
        let Some(nonce) = hex32(&l.nonce) else {
            return Ok(damaged(Edited, expected, "entry nonce is malformed"));
        };
        let commit = ledger::entry_header(&row.sealed).map(|(_, c)| c);
        if l.seq != expected
            || l.entry.seq != expected
            || commit != Some(ledger::commitment(&nonce, &l.entry.canonical_json()))
        {
            return Ok(damaged(
                Edited,
                expected,
                format!("entry {expected} does not match its sealed bytes"),
            ));
        }
        bodies.push(l.entry);
    }
    if bodies.len() != chain.len() {
        return Ok(damaged(
            Missing,
            bodies.len() as u64 + 1,
            "the chain has entries the export leaves out",
        ));
    }
    if csv_bytes(&bodies)? != data["entries.csv"] {
        return Ok(damaged(
            Edited,
            0,
            "entries.csv does not match entries.jsonl",
        ));
    }
    Ok(ExportVerifyReport {
        intact: true,
        entries: bodies.len() as u64,
        checkpoint_seq: checkpoint.seq,
        damage: None,
    })
}
