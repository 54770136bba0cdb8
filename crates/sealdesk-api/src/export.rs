//! The auditor's ledger export and its standalone verifier.
//!
//! An export folder holds `entries.jsonl` and `entries.csv` (decrypted
//! events; CSV in UTF-8 with a BOM so Excel reads zh-TW), `chain.jsonl` (the
//! sealed chain, whose directory statements and attestations are in clear),
//! `genesis.json` (the vault's root-signed genesis), `checkpoint.json`
//! (signed by the exporting auditor at the head, after the export itself was
//! recorded) and `manifest.json` (SHA-256 of each file). The verifier needs
//! only the vault's root public key (`ledger key`) or a checkpoint the
//! auditor kept: it checks the genesis against that key, folds the
//! directory and checks every attestation from the chain itself, requires
//! a kept checkpoint's sequence *and* head to be in the chain, and checks
//! each decrypted entry against the commitment in its sealed bytes — so a
//! forged or edited export fails even if its manifest and checkpoint are
//! rebuilt.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, SecondsFormat};
use sealdesk_core::crypto::{self, VerifyingKey};
use sealdesk_core::directory::SignedGenesis;
use sealdesk_core::ledger::{
    self, ChainRow, Checkpoint, EntryBody, Finding, LedgerVerifier, Unattested,
};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Result};

const FORMAT: &str = "sealdesk-ledger-export-v2";
const FILES: [&str; 5] = [
    "entries.jsonl",
    "entries.csv",
    "chain.jsonl",
    "checkpoint.json",
    "genesis.json",
];

#[derive(Debug, Serialize, Deserialize)]
struct GenesisFile {
    genesis: String,
    signature: String,
}

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
    /// Attestations whose signatures verified.
    pub attestations_verified: u64,
    /// Sessions whose entries no attestation covers.
    pub unattested: Vec<Unattested>,
    /// Who signed the export's checkpoint: the vault root or a certified
    /// auditor's name (any other signer fails verification).
    pub anchor_signer: Option<String>,
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
            e.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            e.workstation.clone(),
            e.action.as_str().to_owned(),
            o(&e.letter_id),
            o(&e.receipt_no),
            o(&e.level),
            o(&e.reason),
            o(&e.assignment),
            e.outcome.as_str().to_owned(),
            o(&e.detail),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::BadInput(format!("csv: {e}")))
}

pub(crate) fn write_export(
    dir: &Path,
    genesis: &SignedGenesis,
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
    let gen = serde_json::to_vec_pretty(&GenesisFile {
        genesis: String::from_utf8_lossy(&genesis.json).into_owned(),
        signature: hex::encode(&genesis.signature),
    })
    .map_err(|e| ApiError::BadInput(e.to_string()))?;
    let contents: [(&str, &[u8]); 5] = [
        (FILES[0], &jsonl),
        (FILES[1], &csv),
        (FILES[2], &chain_out),
        (FILES[3], &cp),
        (FILES[4], &gen),
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
        attestations_verified: 0,
        unattested: Vec::new(),
        anchor_signer: None,
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    hex::decode(s).ok()?.try_into().ok()
}

/// What `verify-export` trusts: the vault root's public key, or a checkpoint
/// the auditor kept (signed by an account of the vault, and naming a head
/// the export must contain).
#[derive(Debug, Clone)]
pub enum ExportAnchor {
    RootKey(VerifyingKey),
    Checkpoint(Checkpoint),
}

/// Verifies an export folder against a root key or a kept checkpoint.
pub fn verify_export(dir: &Path, anchor: &ExportAnchor) -> Result<ExportVerifyReport> {
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
    let root = match anchor {
        ExportAnchor::RootKey(k) => k.0,
        ExportAnchor::Checkpoint(cp) => cp.workstation_public_key,
    };
    if hex32(&manifest.workstation_public_key) != Some(root) {
        return Ok(damaged(
            BadSignature,
            0,
            "the export names another vault's root key",
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
    let gf: GenesisFile =
        serde_json::from_slice(&data["genesis.json"]).map_err(|e| bad_input("genesis.json", &e))?;
    let genesis = match hex::decode(&gf.signature)
        .ok()
        .and_then(|sig| SignedGenesis::parse(gf.genesis.as_bytes(), &sig).ok())
    {
        Some(g) if g.genesis.root_public_key == root => g,
        _ => {
            return Ok(damaged(
                BadSignature,
                0,
                "the export's genesis is not signed by the vault root you hold",
            ))
        }
    };
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
    // The export's own checkpoint, then (if the auditor kept one) theirs:
    // each must be signed by an account of this vault and name a head that
    // is in the chain.
    let mut wanted = vec![checkpoint.seq];
    if let ExportAnchor::Checkpoint(k) = anchor {
        wanted.push(k.seq);
    }
    let mut v = LedgerVerifier::new(&genesis.genesis, true, wanted);
    for r in &chain {
        v.push(r);
    }
    let kept_hash = match anchor {
        ExportAnchor::Checkpoint(k) => Some((k.clone(), v.hash_at(k.seq))),
        ExportAnchor::RootKey(_) => None,
    };
    let (report, dir) = v.finish(Some(&checkpoint));
    if let Some(d) = report.damage {
        return Ok(ExportVerifyReport {
            intact: false,
            entries: report.entries,
            checkpoint_seq: checkpoint.seq,
            damage: Some(d),
            attestations_verified: report.checkpoints_verified,
            unattested: report.unattested,
            anchor_signer: None,
        });
    }
    if let Some((k, at)) = kept_hash {
        if ledger::verify_checkpoint(&k, &dir).is_err() {
            return Ok(damaged(
                BadSignature,
                k.seq,
                "the kept checkpoint is not signed by this vault's root or one of its auditors",
            ));
        }
        if at != Some(k.head_hash) {
            return Ok(damaged(
                ledger::Damage::RolledBack,
                k.seq.min(chain.len() as u64 + 1),
                format!(
                    "the export does not contain the kept checkpoint's head at entry {}",
                    k.seq
                ),
            ));
        }
    }
    if checkpoint.seq != chain.len() as u64 {
        return Ok(damaged(
            Missing,
            checkpoint.seq.min(chain.len() as u64) + 1,
            "the checkpoint does not sign the end of the exported chain",
        ));
    }
    // Every event in the chain, in order, has its decrypted line.
    let events: Vec<&ChainRow> = chain
        .iter()
        .filter(|r| ledger::event_commitment(&r.sealed).is_some())
        .collect();
    let mut bodies = Vec::new();
    for (i, line) in data["entries.jsonl"]
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let l: EntryLine = serde_json::from_slice(line)
            .map_err(|e| bad_input(&format!("entries.jsonl line {}", i + 1), &e))?;
        let Some(row) = events.get(i) else {
            return Ok(damaged(
                Inserted,
                l.seq,
                "an entry that is not in the chain",
            ));
        };
        let expected = row.seq;
        let Some(nonce) = hex32(&l.nonce) else {
            return Ok(damaged(Edited, expected, "entry nonce is malformed"));
        };
        let commit = ledger::event_commitment(&row.sealed);
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
        // An entry names only its own author (T10): the header's actor is
        // what its session attested; a body naming anyone else is forged.
        if let Some(h) = ledger::header(&row.sealed) {
            if let Err(why) = ledger::body_names_actor(&dir, &h, &l.entry) {
                return Ok(damaged(ledger::Damage::Forged, expected, why));
            }
        }
        bodies.push(l.entry);
    }
    if bodies.len() != events.len() {
        return Ok(damaged(
            Missing,
            events.get(bodies.len()).map_or(0, |r| r.seq),
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
        attestations_verified: report.checkpoints_verified,
        unattested: report.unattested,
        anchor_signer: report.anchor_signer,
    })
}
