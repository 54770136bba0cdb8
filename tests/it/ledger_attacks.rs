//! The ledger attacked by someone who holds the vault file (threat rows T5
//! and T10): every attack below edits the SQLite file (or an export folder)
//! directly with `rusqlite` and the `sealdesk_core` formats, never through
//! the API, and is then checked through the API (`Vault::ledger_verify`,
//! `sealdesk_api::verify_export`).
//!
//! The attacker is a user of the vault (here mostly the handler): they hold
//! the file, their own passphrase, and therefore their own private key and
//! signing key, the vault's public keys (genesis) and everything in clear in
//! the ledger (headers, attestations, directory statements). They do not
//! hold anyone else's signing key, the root key, or the ledger reader key.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealdesk_api::{
    seeded_rng, verify_export, Checkpoint, Damage, ErrorKind, ExportAnchor, ManualClock, Session,
    Vault, VerifyReport,
};
use sealdesk_core::crypto::{self, RecoveryCode, SigningKey, UserPublicKey, SIGNATURE_LEN};
use sealdesk_core::directory::{id_bytes, Genesis};
use sealdesk_core::ledger::{self, Attestation, EntryBody, EntryKind, HEADER_LEN};

use crate::attacker::{
    copy_dir, genesis_of, h32, insert_row, own_signing_key, read_chain, read_rows, replace_ledger,
    Row,
};
use crate::{pass, raw_ledger, user_id, World, T0};

// ---------------------------------------------------------------- helpers

/// A well-formed event in `actor`'s name, sealed to the ledger reader key
/// exactly as the app seals one (anyone can: the reader key is public).
fn forged_event(
    genesis: &Genesis,
    seq: u64,
    actor: [u8; 16],
    session: [u8; 16],
    user: &str,
    rng_seed: u64,
) -> Vec<u8> {
    let mut rng = seeded_rng(rng_seed);
    let wrapper = crypto::Wrapper::make(&UserPublicKey(genesis.ledger_public_key), &mut rng);
    let body = EntryBody {
        seq,
        at: T0.unix_millis(),
        user: user.into(),
        role: Some("supervisor".parse().expect("a role")),
        workstation: "ws-forged".into(),
        action: "route_decision".parse().expect("an action"),
        letter_id: None,
        receipt_no: Some("SD-115-00001".into()),
        level: None,
        reason: Some("核准".into()),
        assignment: None,
        outcome: "allowed".parse().expect("an outcome"),
        detail: Some("approved".into()),
    };
    ledger::seal_event(&wrapper, actor, session, &body, &mut rng)
}

/// Appends `sealed` at the tail with a correct chain hash; returns its seq.
fn append_at_tail(db: &rusqlite::Connection, sealed_for: impl FnOnce(u64) -> Vec<u8>) -> u64 {
    let (last, prev): (i64, Vec<u8>) = db
        .query_row(
            "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("head");
    let seq = u64::try_from(last).expect("seq") + 1;
    let sealed = sealed_for(seq);
    let prev = h32(&prev);
    let hash = ledger::chain_hash(seq, &prev, &sealed);
    insert_row(
        db,
        &Row {
            seq,
            prev,
            sealed,
            hash,
        },
    );
    seq
}

/// The best rewrite a forger holding only their own signing key can make
/// after deleting the rows `gone`: later rows are renumbered, the sequence
/// number in every header is rewritten, every attestation's list of entries
/// is renumbered, the forger's own attestations are re-signed over their new
/// position (seq, prev_hash, list), and the chain is recomputed from the
/// first row. Attestations by anyone else keep their old signature, which no
/// longer covers what they now say. `fix_event(old, new, sealed)` lets the
/// caller touch events further (the export forgery rewrites commitments).
fn delete_and_rebuild(
    rows: &[Row],
    gone: &BTreeSet<u64>,
    forger: ([u8; 16], &SigningKey),
    vault_id: &[u8; 16],
    mut fix_event: impl FnMut(u64, u64, &mut Vec<u8>),
) -> Vec<Row> {
    let renumber = |old: u64| old - gone.iter().filter(|g| **g < old).count() as u64;
    let mut out: Vec<Row> = Vec::new();
    let mut prev = [0u8; 32];
    for r in rows.iter().filter(|r| !gone.contains(&r.seq)) {
        let seq = renumber(r.seq);
        let h = ledger::header(&r.sealed).expect("header");
        let mut sealed = r.sealed.clone();
        sealed[1..9].copy_from_slice(&seq.to_be_bytes());
        match h.kind {
            EntryKind::Attestation => {
                let (att, sig) = Attestation::parse(&r.sealed, r.prev).expect("attestation");
                let seqs: Vec<u64> = att
                    .seqs
                    .iter()
                    .filter(|s| !gone.contains(s))
                    .map(|s| renumber(*s))
                    .collect();
                let moved = Attestation {
                    seq,
                    prev_hash: prev,
                    seqs,
                    ..att
                };
                sealed = if h.actor == forger.0 {
                    moved.seal(forger.1, vault_id)
                } else {
                    // Same bytes as `seal`, but with the signature it had.
                    let mut b = sealed[..HEADER_LEN].to_vec();
                    b.extend_from_slice(&moved.at.to_be_bytes());
                    b.extend_from_slice(&(moved.seqs.len() as u32).to_be_bytes());
                    for s in &moved.seqs {
                        b.extend_from_slice(&s.to_be_bytes());
                    }
                    b.extend_from_slice(&sig);
                    assert_eq!(sig.len(), SIGNATURE_LEN);
                    b
                };
            }
            EntryKind::Event => fix_event(r.seq, seq, &mut sealed),
            EntryKind::Directory | EntryKind::Fact => {}
        }
        let hash = ledger::chain_hash(seq, &prev, &sealed);
        out.push(Row {
            seq,
            prev,
            sealed,
            hash,
        });
        prev = hash;
    }
    out
}

/// The first entry in `rows`, at or after `from`, whose signature breaks
/// when it moves: an attestation by anyone other than `forger`, or a signed
/// statement or fact (each is signed at its place, and `rebuild` does not
/// re-sign them). So the first bad seq the verifier must name.
fn first_foreign_attestation(rows: &[Row], from: u64, forger: [u8; 16]) -> u64 {
    rows.iter()
        .filter(|r| r.seq >= from)
        .find(|r| {
            ledger::header(&r.sealed).is_some_and(|h| {
                (h.kind == EntryKind::Attestation && h.actor != forger)
                    || h.kind == EntryKind::Fact
                    || h.kind == EntryKind::Directory
            })
        })
        .expect("someone else attested after the deletion point")
        .seq
}

/// What a moved entry's broken signature is called: a bad signature for an
/// attestation, a forged statement or fact otherwise.
fn damage_at(rows: &[Row], seq: u64) -> Damage {
    match ledger::header(&rows[(seq - 1) as usize].sealed).map(|h| h.kind) {
        Some(EntryKind::Attestation) => Damage::BadSignature,
        _ => Damage::Forged,
    }
}

/// Another process opening the vault (no witness dir unless given).
fn reopen(dir: &Path, witness: Option<&Path>, seed: u64) -> Vault {
    let mut v = Vault::open(dir, Arc::new(ManualClock::at(T0)), seeded_rng(seed)).expect("open");
    v.set_witness_dir(witness.map(Path::to_path_buf));
    v
}

fn verify(dir: &Path, kept: Option<&Checkpoint>, seed: u64) -> VerifyReport {
    reopen(dir, None, seed)
        .ledger_verify(kept)
        .expect("verify runs")
        .report
}

fn assert_damage(r: &VerifyReport, kind: Damage, seq: u64) {
    let d = r
        .damage
        .as_ref()
        .unwrap_or_else(|| panic!("expected {kind:?} at {seq}, got intact: {r:?}"));
    assert_eq!((d.kind, d.seq), (kind, seq), "{}", d.detail);
    assert!(!r.intact);
}

fn register_letter(w: &mut World, s: &mut Session, body: &str) -> String {
    w.register_as(s, body)
}

/// A denied look at a letter: recorded as a `view` event with outcome
/// `denied`, in the caller's session (what a curious handler wants gone).
fn peek(w: &mut World, s: &mut Session, id: &str) {
    assert!(
        w.vault
            .open_letter(s, id, "好奇")
            .is_err_and(|e| e.kind() == ErrorKind::Denied),
        "not assigned"
    );
}

// ---------------------------------------------------------------- T10: forged entries

/// T10: an insider (any account, or none) appends an event in the
/// supervisor's name under a session id they made up, with a correct chain
/// hash. The chain links, so it is no chain damage; but no attestation of
/// the supervisor covers that session, so the verifier lists it as an
/// unattested session claiming "supervisor" from that very entry (which is
/// how an auditor tells a forgery from a crash: the supervisor's own
/// attestations never list it).
#[test]
fn t10_forged_entry_in_another_users_name_is_listed_unattested() {
    let mut w = World::new();
    let mut s = w.login("supervisor");
    w.vault.lock(&mut s);
    let dir = w.dir().to_owned();
    let forged_seq = {
        let db = raw_ledger(&dir);
        let g = genesis_of(&db);
        let sup = id_bytes(&user_id(&db, "supervisor"));
        let made_up = [0x5au8; 16];
        append_at_tail(&db, |seq| {
            forged_event(&g, seq, sup, made_up, "supervisor", 7)
        })
    };
    let r = verify(&dir, None, 11);
    assert!(
        r.damage.is_none(),
        "a lone unattested session is not damage: {r:?}"
    );
    assert_eq!(r.entries, forged_seq);
    let u = r
        .unattested
        .iter()
        .find(|u| u.first_seq == forged_seq)
        .unwrap_or_else(|| panic!("the forged entry is listed: {:?}", r.unattested));
    assert_eq!(u.user, "supervisor");
    assert_eq!(u.session, hex::encode([0x5au8; 16]));
    assert_eq!(u.entries, 1);
}

/// T10: the same forgery, then the supervisor works and attests again. The
/// 政風 report lists the forged session as never attested by a user who
/// attested later ones (a crash is not followed by the same desk's
/// attestations over it; a forgery is): the line an auditor looks at.
#[test]
fn t10_the_report_marks_a_session_never_attested_by_a_user_who_attested_later() {
    let mut w = World::new();
    w.grant_auditor();
    let mut s = w.login("supervisor");
    w.vault.lock(&mut s);
    let dir = w.dir().to_owned();
    let forged_seq = {
        let db = raw_ledger(&dir);
        let g = genesis_of(&db);
        let sup = id_bytes(&user_id(&db, "supervisor"));
        append_at_tail(&db, |seq| {
            forged_event(&g, seq, sup, [0x5au8; 16], "supervisor", 7)
        })
    };
    let mut s = w.login("supervisor");
    w.vault.requests(&mut s).expect("the supervisor's queue");
    w.vault.lock(&mut s);
    let mut auditor = w.login("auditor");
    let day = sealdesk_core::date::taiwan_date(crate::T0.unix_millis()).to_string();
    let report = w
        .vault
        .audit_report(
            &mut auditor,
            &sealdesk_api::ReportRequest {
                from: day.clone(),
                to: day,
                seed: Some(1),
                settings: sealdesk_api::AuditSettings::default(),
                calendar: sealdesk_api::AuditCalendar::default(),
            },
        )
        .expect("report");
    let forged = report
        .unattested
        .iter()
        .find(|u| u.first_seq == forged_seq)
        .unwrap_or_else(|| panic!("listed: {:?}", report.unattested));
    assert_eq!(forged.user, "supervisor");
    assert!(forged.attested_later, "{forged:?}");
    // The auditor's own session, still open, is not marked.
    assert!(report
        .unattested
        .iter()
        .filter(|u| u.user == "auditor")
        .all(|u| !u.attested_later));
}

/// T10: a writer of the file appends, with a correct chain hash, an entry
/// whose clear header is well formed but whose sealed body does not open
/// (a forgery gone wrong, or a row planted to blind the auditor). Reading
/// the ledger lists that one entry as unreadable and shows every other
/// entry; the old read refused the whole ledger.
#[test]
fn t10_an_entry_that_does_not_open_hides_no_other_entry() {
    let mut w = World::new();
    w.register("內容");
    w.grant_auditor();
    let dir = w.dir().to_owned();
    let planted = {
        let db = raw_ledger(&dir);
        let g = genesis_of(&db);
        let sup = id_bytes(&user_id(&db, "supervisor"));
        append_at_tail(&db, |seq| {
            let mut sealed = forged_event(&g, seq, sup, [0x5bu8; 16], "supervisor", 9);
            let last = sealed.len() - 1;
            sealed[last] ^= 0x01; // the AEAD tag no longer matches
            sealed
        })
    };
    let mut a = w.login("auditor");
    let readout = w
        .vault
        .ledger_readout(&mut a)
        .expect("the ledger still reads");
    assert_eq!(
        readout.unreadable.iter().map(|u| u.seq).collect::<Vec<_>>(),
        vec![planted]
    );
    let seqs: BTreeSet<u64> = readout.entries.iter().map(|e| e.body.seq).collect();
    assert!(!seqs.contains(&planted));
    assert!(
        (1..planted).all(|s| seqs.contains(&s) || !is_event(&dir, s)),
        "every event before the planted row is shown: {seqs:?}"
    );
    assert!(readout
        .entries
        .iter()
        .any(|e| e.body.action == sealdesk_api::Action::Register));
    // The plain read keeps its contract: it refuses, naming the entry.
    let err = w.vault.ledger_entries(&mut a).expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(err.to_string().contains(&planted.to_string()), "{err}");
}

fn is_event(dir: &Path, seq: u64) -> bool {
    let db = crate::raw(dir);
    let sealed: Vec<u8> = db
        .query_row(
            "SELECT sealed FROM ledger WHERE seq = ?1",
            [i64::try_from(seq).expect("seq")],
            |r| r.get(0),
        )
        .expect("row");
    ledger::header(&sealed).is_some_and(|h| h.kind == EntryKind::Event)
}

/// T10: the supervisor is logged in; an insider who can write the file
/// slips an event into the supervisor's *open* session (same actor, same
/// session id, read from the clear header of the supervisor's login entry)
/// hoping the supervisor's next attestation will cover it. The session goes
/// on working and locks; its attestation lists only what the session itself
/// wrote, so the verifier names the slipped-in entry as `Forged`.
#[test]
fn t10_forged_entry_slipped_into_an_open_session_is_forged() {
    let mut w = World::new();
    let id = w.register("內容");
    let mut s = w.login("supervisor");
    let dir = w.dir().to_owned();
    let forged_seq = {
        let db = raw_ledger(&dir);
        let g = genesis_of(&db);
        let sup = id_bytes(&user_id(&db, "supervisor"));
        let rows = read_rows(&db);
        let login = ledger::header(&rows.last().expect("rows").sealed).expect("header");
        assert_eq!(
            (login.kind, login.actor),
            (EntryKind::Event, sup),
            "the login entry"
        );
        append_at_tail(&db, |seq| {
            forged_event(&g, seq, sup, login.session, "supervisor", 8)
        })
    };
    // The supervisor carries on, unaware, and locks.
    let _ = w.vault.open_letter(&mut s, &id, "核閱");
    w.vault.lock(&mut s);
    let r = verify(&dir, None, 12);
    assert!(
        r.entries > forged_seq + 2,
        "the session wrote after it: {r:?}"
    );
    assert_damage(&r, Damage::Forged, forged_seq);
}

// ---------------------------------------------------------------- T5/T10: deletion and re-signing

/// T5/T10: the handler covers their tracks. Their second session peeked at
/// a letter twice (two denied `view` events); later the handler worked on,
/// the clerk registered a letter and locked, and the handler worked again.
/// With the file and their own passphrase, the handler deletes the two
/// events, renumbers every later row (sequence numbers in the rows and in
/// the clear headers), renumbers the lists in every attestation, re-signs
/// all of their own attestations over their new positions with their own
/// key, and recomputes the whole chain. The chain links and the handler's
/// own signatures verify; what they cannot re-make is the clerk's
/// attestation, which signed the old chain head and the old numbers: the
/// verifier names it `BadSignature`.
///
/// (Renumbering an event's header breaks its reader-key wrap binding, so an
/// auditor could not open those events any more; `ledger_verify` reads no
/// entry, so that is not what catches it.)
#[test]
fn t5_t10_deleting_own_entries_and_resigning_is_caught_by_others_attestations() {
    let mut w = World::new();
    let mut c = w.login("clerk");
    let id = register_letter(&mut w, &mut c, "內容");
    w.vault.lock(&mut c);
    // Handler session 1: attested, left alone.
    let mut h = w.login("handler");
    w.vault.lock(&mut h);
    // Handler session 2: the two peeks the handler wants gone.
    let mut h = w.login("handler");
    peek(&mut w, &mut h, &id);
    peek(&mut w, &mut h, &id);
    w.vault.lock(&mut h);
    // Handler session 3, then the clerk, then handler session 4.
    let mut h = w.login("handler");
    w.vault.lock(&mut h);
    let mut c = w.login("clerk");
    register_letter(&mut w, &mut c, "另一件");
    w.vault.lock(&mut c);
    let mut h = w.login("handler");
    w.vault.lock(&mut h);

    let dir = w.dir().to_owned();
    assert!(verify(&dir, None, 21).intact, "intact before the attack");

    let mut db = raw_ledger(&dir);
    let g = genesis_of(&db);
    let (handler_id, key) = own_signing_key(&db, "handler");
    let handler = id_bytes(&handler_id);
    let rows = read_rows(&db);
    // The handler's two denied views: the two events right after the login
    // of their second session (the seqs are read from the clear headers).
    let handler_sessions: Vec<[u8; 16]> = rows
        .iter()
        .filter_map(|r| ledger::header(&r.sealed))
        .filter(|h| h.actor == handler && h.kind == EntryKind::Attestation)
        .map(|h| h.session)
        .collect();
    assert_eq!(handler_sessions.len(), 4, "four attested handler sessions");
    let second: Vec<u64> = rows
        .iter()
        .filter(|r| {
            ledger::header(&r.sealed)
                .is_some_and(|h| h.kind == EntryKind::Event && h.session == handler_sessions[1])
        })
        .map(|r| r.seq)
        .collect();
    assert_eq!(second.len(), 4, "login, two views, lock: {second:?}");
    let gone: BTreeSet<u64> = [second[1], second[2]].into();
    let first_gone = second[1];

    let rebuilt = delete_and_rebuild(
        &rows,
        &gone,
        (handler, &key),
        &g.vault_id_bytes(),
        |_, _, _| {},
    );
    assert_eq!(rebuilt.len(), rows.len() - 2);
    replace_ledger(&mut db, &rebuilt);
    drop(db);

    // The first entry the forger could not re-make is the clerk's
    // attestation after the deletion point (handler sessions 2 and 3 were
    // re-signed; the clerk's events only had their headers renumbered,
    // which the chain and the renumbered lists then agree with).
    let expected = first_foreign_attestation(&rebuilt, first_gone, handler);
    let clerk = id_bytes(&user_id(&raw_ledger(&dir), "clerk"));
    assert_eq!(
        ledger::header(&rebuilt[(expected - 1) as usize].sealed).map(|h| h.actor),
        Some(clerk),
        "the clerk's attestation"
    );
    let r = verify(&dir, None, 22);
    assert_damage(&r, damage_at(&rebuilt, expected), expected);

    // What catches it is the other user's signature: cut just before the
    // clerk's attestation, the rewritten ledger carries only the forger's
    // own signatures and is self-consistent (the clerk's events then show
    // as an unattested session, and only a kept checkpoint or a desk
    // witness would show the cut).
    let db = raw_ledger(&dir);
    db.execute(
        "DELETE FROM ledger WHERE seq >= ?1",
        [i64::try_from(expected).expect("seq")],
    )
    .expect("cut");
    drop(db);
    let r = verify(&dir, None, 23);
    assert!(r.intact, "{r:?}");
    assert!(r.unattested.iter().any(|u| u.user == "clerk"), "{r:?}");
}

// ---------------------------------------------------------------- T5/T10: rollback and desk witnesses

/// T5/T10: a user's desk keeps a witness of the head it last saw. The
/// attacker cuts the ledger back cleanly to an earlier attested point (the
/// clerk's whole last session disappears), leaving a ledger that is
/// self-consistent: without a witness it verifies intact. The clerk's next
/// login on this desk warns and records an `integrity_warning` event;
/// `ledger_verify` on this machine names the rollback.
#[test]
fn t5_t10_desk_witness_catches_a_rolled_back_tail() {
    let wtmp = tempfile::tempdir().expect("witness dir");
    let wdir: PathBuf = wtmp.path().to_owned();
    let mut w = World::new();
    w.vault.set_witness_dir(Some(wdir.clone()));
    // The clean point the attacker will cut back to: the clerk's attestation.
    let mut c = w.login("clerk");
    w.vault.lock(&mut c);
    let dir = w.dir().to_owned();
    let cut: u64 = verify(&dir, None, 31).entries;
    // The session the attacker wants gone.
    let mut c = w.login("clerk");
    let id = register_letter(&mut w, &mut c, "內容");
    w.vault.open_letter(&mut c, &id, "核對").expect("open");
    w.vault.open_letter(&mut c, &id, "再核對").expect("open");
    w.vault.lock(&mut c);
    let witnessed: u64 = verify(&dir, None, 32).entries;
    assert_eq!(
        witnessed,
        cut + 7,
        "login, register and its signed fact, 2 views, lock, attestation"
    );
    let vault_id = genesis_of(&raw_ledger(&dir)).vault_id;
    let clerk_id = user_id(&raw_ledger(&dir), "clerk");
    let witness_file = wdir.join(&vault_id).join(format!("{clerk_id}.json"));
    let seen: sealdesk_api::Witness =
        serde_json::from_slice(&std::fs::read(&witness_file).expect("witness written"))
            .expect("witness json");
    assert_eq!(seen.seq, witnessed);

    raw_ledger(&dir)
        .execute(
            "DELETE FROM ledger WHERE seq > ?1",
            [i64::try_from(cut).expect("seq")],
        )
        .expect("cut");

    // Without a witness the cut ledger is self-consistent.
    let r = verify(&dir, None, 33);
    assert!(r.intact, "{r:?}");
    assert_eq!(r.entries, cut);
    // With this desk's witness, the verifier names the first missing entry.
    let r = reopen(&dir, Some(&wdir), 34)
        .ledger_verify(None)
        .expect("verify")
        .report;
    assert_damage(&r, Damage::RolledBack, cut + 1);

    // The clerk comes back to this desk (another process opens the vault).
    let mut v = reopen(&dir, Some(&wdir), 35);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert!(!c.warnings().is_empty(), "the desk warns");
    assert!(
        c.warnings()[0].contains(&format!("entry {witnessed}")),
        "{:?}",
        c.warnings()
    );
    v.lock(&mut c);
    // The witness is kept as evidence, not moved to the new head.
    let kept: sealdesk_api::Witness =
        serde_json::from_slice(&std::fs::read(&witness_file).expect("witness")).expect("json");
    assert_eq!((kept.seq, kept.head_hash), (seen.seq, seen.head_hash));
    // integrity_warning, login, lock and attestation were appended since,
    // on top of the cut: the ledger is still shorter than the one the desk
    // saw. The witness holds one head only (seq, hash), so the verifier
    // cannot tell where the new rows fork from the old ones; by design
    // (`min(witnessed seq, entries + 1)`) it names the first entry past
    // the end of the ledger, which the desk saw and which is gone.
    let r = v.ledger_verify(None).expect("verify");
    assert_eq!(r.entries, cut + 4);
    assert!(witnessed > r.entries + 1);
    assert_damage(&r, Damage::RolledBack, cut + 5);
    // Still intact for a verifier without the witness.
    assert!(verify(&dir, None, 36).intact);

    // The warning itself is in the ledger, for the auditor.
    let code = RecoveryCode::parse(&w.recovery_code).expect("code");
    v.recover_grant_ledger(&code, "auditor").expect("grant");
    let mut a = v.login("auditor", &pass("auditor")).expect("auditor");
    let entries = v.ledger_entries(&mut a).expect("auditor reads");
    assert!(
        entries.iter().any(|e| e.body.user == "clerk"
            && e.body.action == "integrity_warning"
            && e.body.seq == cut + 1),
        "{entries:#?}"
    );
}

/// T5: the attacker deletes the last two rows, the lock event and the
/// attestation of the last session (the supervisor's). With no kept
/// checkpoint and no desk witness nothing proves rows are missing — it looks
/// like a session that crashed before locking — so the ledger is intact,
/// but the supervisor's login is listed as unattested from its seq.
#[test]
fn t5_truncated_tail_without_an_anchor_is_listed_unattested() {
    let mut w = World::new();
    let mut s = w.login("supervisor");
    w.vault.lock(&mut s);
    let dir = w.dir().to_owned();
    let db = raw_ledger(&dir);
    let rows = read_rows(&db);
    let n = rows.len();
    let sup = id_bytes(&user_id(&db, "supervisor"));
    let kinds: Vec<(EntryKind, [u8; 16])> = rows[n - 3..]
        .iter()
        .map(|r| {
            let h = ledger::header(&r.sealed).expect("header");
            (h.kind, h.actor)
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EntryKind::Event, sup),
            (EntryKind::Event, sup),
            (EntryKind::Attestation, sup)
        ],
        "login, lock, attestation"
    );
    let login_seq = rows[n - 3].seq;
    db.execute(
        "DELETE FROM ledger WHERE seq > ?1",
        [i64::try_from(login_seq).expect("seq")],
    )
    .expect("truncate");
    drop(db);
    let r = verify(&dir, None, 41);
    assert!(r.intact, "{r:?}");
    assert_eq!(r.entries, login_seq);
    let u = r
        .unattested
        .iter()
        .find(|u| u.user == "supervisor")
        .unwrap_or_else(|| panic!("supervisor listed: {:?}", r.unattested));
    assert_eq!((u.first_seq, u.entries), (login_seq, 1));
}

// ---------------------------------------------------------------- T5/T10: forged export

/// T5/T10: the auditor exported the ledger; the supervisor earlier handed
/// the auditor a checkpoint to keep. The handler gets hold of the export
/// folder and forges it to hide their denied look at a letter: deletes that
/// `view` event from entries.jsonl and its row from chain.jsonl, renumbers
/// every later entry (entries.jsonl, entries.csv, headers, with the
/// commitments in the sealed bytes recomputed so each decrypted line still
/// matches its row), re-signs their own attestations, recomputes the chain,
/// re-signs checkpoint.json at the new head with their own certified key,
/// and rebuilds manifest.json. Every file-level check passes; the export
/// fails with the root key and with the kept checkpoint, because the
/// clerk's attestation after the deletion no longer verifies.
#[test]
fn t5_t10_forged_export_fails_with_the_root_key_and_with_a_kept_checkpoint() {
    let mut w = World::new();
    w.grant_auditor();
    let mut c = w.login("clerk");
    let id = register_letter(&mut w, &mut c, "內容");
    w.vault.lock(&mut c);
    let mut h = w.login("handler");
    peek(&mut w, &mut h, &id);
    w.vault.lock(&mut h);
    let mut c = w.login("clerk");
    w.vault
        .open_letter(&mut c, &id, "核對登記")
        .expect("clerk opens");
    w.vault.lock(&mut c);
    let mut s = w.login("auditor");
    let kept = w.vault.ledger_checkpoint(&mut s).expect("kept checkpoint");
    w.vault.lock(&mut s);
    let out = tempfile::tempdir().expect("export dir");
    let genuine = out.path().join("genuine");
    let mut a = w.login("auditor");
    w.vault.ledger_export(&mut a, &genuine).expect("export");
    w.vault.lock(&mut a);
    let root = w.vault.workstation_public_key().expect("root key");

    // The untouched export verifies with both anchors.
    for anchor in [
        ExportAnchor::RootKey(root),
        ExportAnchor::Checkpoint(kept.clone()),
    ] {
        let r = verify_export(&genuine, &anchor).expect("verify export");
        assert!(r.intact, "{anchor:?}: {r:?}");
    }

    // ---- the forgery
    let forged = out.path().join("forged");
    copy_dir(&genuine, &forged);
    let db = raw_ledger(w.dir());
    let g = genesis_of(&db);
    let (handler_id, key) = own_signing_key(&db, "handler");
    drop(db);
    let handler = id_bytes(&handler_id);

    let mut lines: Vec<(serde_json::Value, EntryBody)> =
        std::fs::read_to_string(forged.join("entries.jsonl"))
            .expect("entries.jsonl")
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("line");
                let body: EntryBody = serde_json::from_value(v["entry"].clone()).expect("body");
                (v, body)
            })
            .collect();
    let gone_seq = lines
        .iter()
        .find(|(_, b)| b.user == "handler" && b.action == "view" && b.outcome == "denied")
        .map(|(_, b)| b.seq)
        .expect("the handler's denied view is exported");
    lines.retain(|(_, b)| b.seq != gone_seq);

    let chain = read_chain(&forged);
    let rebuilt = delete_and_rebuild(
        &chain,
        &[gone_seq].into(),
        (handler, &key),
        &g.vault_id_bytes(),
        |old, new, sealed| {
            // Renumber the decrypted line and make the commitment in the
            // sealed bytes match it (the commitment is in clear).
            let (v, body) = lines
                .iter_mut()
                .find(|(_, b)| b.seq == old)
                .expect("each event has its line");
            body.seq = new;
            let nonce = h32(&hex::decode(v["nonce"].as_str().expect("nonce")).expect("hex"));
            let commit = ledger::commitment(&nonce, &body.canonical_json());
            sealed[HEADER_LEN..HEADER_LEN + 32].copy_from_slice(&commit);
            *v = serde_json::json!({
                "seq": new,
                "nonce": v["nonce"].clone(),
                "entry": body.clone(),
            });
        },
    );
    assert_eq!(rebuilt.len(), chain.len() - 1);
    assert!(
        lines.iter().map(|(_, b)| b.seq).eq(rebuilt
            .iter()
            .filter(|r| ledger::event_commitment(&r.sealed).is_some())
            .map(|r| r.seq)),
        "every remaining event has its renumbered line"
    );

    // chain.jsonl and entries.jsonl.
    let mut chain_out = String::new();
    for r in &rebuilt {
        chain_out.push_str(
            &serde_json::json!({
                "seq": r.seq,
                "prev_hash": hex::encode(r.prev),
                "hash": hex::encode(r.hash),
                "sealed": hex::encode(&r.sealed),
            })
            .to_string(),
        );
        chain_out.push('\n');
    }
    std::fs::write(forged.join("chain.jsonl"), chain_out).expect("write chain");
    let mut entries_out = String::new();
    for (v, _) in &lines {
        entries_out.push_str(&v.to_string());
        entries_out.push('\n');
    }
    std::fs::write(forged.join("entries.jsonl"), entries_out).expect("write entries");

    // entries.csv: drop the deleted line, renumber the first field of later
    // ones (seq is the first column, never quoted; no field holds a newline
    // here, checked by the line count).
    let csv = std::fs::read(forged.join("entries.csv")).expect("csv");
    let csv_lines: Vec<&[u8]> = csv.split_inclusive(|b| *b == b'\n').collect();
    assert_eq!(
        csv_lines.len(),
        lines.len() + 2,
        "header + one line per entry"
    );
    let mut csv_out = csv_lines[0].to_vec();
    for l in &csv_lines[1..] {
        let comma = l.iter().position(|b| *b == b',').expect("comma");
        let seq: u64 = std::str::from_utf8(&l[..comma])
            .expect("utf8")
            .parse()
            .expect("seq");
        if seq == gone_seq {
            continue;
        }
        let new = if seq > gone_seq { seq - 1 } else { seq };
        csv_out.extend_from_slice(new.to_string().as_bytes());
        csv_out.extend_from_slice(&l[comma..]);
    }
    std::fs::write(forged.join("entries.csv"), csv_out).expect("write csv");

    // checkpoint.json: the new head, signed by the handler (a certified
    // account of this vault, so the signature itself is valid).
    let old_cp: Checkpoint =
        serde_json::from_slice(&std::fs::read(forged.join("checkpoint.json")).expect("cp"))
            .expect("cp json");
    let head = rebuilt.last().expect("rows");
    assert_eq!(head.seq, old_cp.seq - 1);
    let cp = ledger::sign_checkpoint(&key, &handler_id, &root, head.seq, head.hash, old_cp.at);
    std::fs::write(
        forged.join("checkpoint.json"),
        serde_json::to_vec_pretty(&cp).expect("cp"),
    )
    .expect("write cp");

    // manifest.json: every file's hash recomputed.
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(forged.join("manifest.json")).expect("manifest"))
            .expect("manifest json");
    let names: Vec<String> = manifest["files"]
        .as_object()
        .expect("files")
        .keys()
        .cloned()
        .collect();
    for name in names {
        let bytes = std::fs::read(forged.join(&name)).expect("file");
        manifest["files"][&name] = hex::encode(crypto::sha256(&bytes)).into();
    }
    manifest["entries"] = (lines.len() as u64).into();
    std::fs::write(
        forged.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).expect("manifest"),
    )
    .expect("write manifest");

    // ---- verification: only the cryptography is left to catch it, and it
    // does, at the first attestation the handler could not re-sign.
    let expected = first_foreign_attestation(&rebuilt, gone_seq, handler);
    for anchor in [
        ExportAnchor::RootKey(root),
        ExportAnchor::Checkpoint(kept.clone()),
    ] {
        let r = verify_export(&forged, &anchor).expect("verify export");
        assert!(!r.intact, "{anchor:?}: {r:?}");
        let d = r.damage.expect("damage");
        assert_eq!(
            (d.kind, d.seq),
            (damage_at(&rebuilt, expected), expected),
            "{anchor:?}: {}",
            d.detail
        );
    }
}
