//! The ledger verifier and the certified directory on their own, without a
//! vault: a book of entries built with the core's own encoders, then changed
//! as a writer of the vault file would change it (T10, T11). Each kind of
//! damage must be named, at its first bad entry; an honest book is intact
//! with every count right.

use std::collections::HashMap;

use sealdesk_core::crypto::{self, SigningKey, UserSecretKey, VerifyingKey};
use sealdesk_core::directory::{
    id_bytes, Change, Directory, DirectoryError, Genesis, SignedGenesis, Statement, UserCert,
    ROOT_ISSUER, SETTING_IDLE_TIMEOUT,
};
use sealdesk_core::domain::{Role, RoleSet};
use sealdesk_core::facts::{EndKind, Fact, FactStatement, RequestKind, RequestStatus};
use sealdesk_core::ledger::{
    self, body_names_actor, chain_hash, directory_parts, fixed, header, seal_directory, seal_fact,
    sign_checkpoint, Attestation, ChainRow, Checkpoint, Damage, DeskBinding, EntryBody, EntryKind,
    LedgerVerifier, VerifiedState, VerifyReport, ANONYMOUS, HEADER_LEN, ROOT_ACTOR,
};
use sealdesk_core::RngCore;

use crate::rng;

const AT: i64 = 1_795_000_000_000;

struct User {
    cert: UserCert,
    key: SigningKey,
}

impl User {
    fn new(r: &mut impl sealdesk_core::CryptoRngCore, name: &str, roles: &[Role]) -> User {
        let enc = UserSecretKey::make(r);
        let key = SigningKey::make(r);
        let mut id = [0u8; 16];
        r.fill_bytes(&mut id);
        User {
            cert: UserCert {
                id: hex::encode(id),
                name: name.into(),
                roles: RoleSet::new(roles.iter().copied())
                    .expect("roles")
                    .to_list(),
                unit: Some("稅務管理科".into()),
                disabled: false,
                encryption_key: enc.public_key().0,
                signing_key: key.verifying_key().0,
            },
            key,
        }
    }

    fn actor(&self) -> [u8; 16] {
        self.cert.id_bytes()
    }
}

struct Book {
    genesis: Genesis,
    root: SigningKey,
    reader: UserSecretKey,
    wrapper: crypto::Wrapper,
    rows: Vec<ChainRow>,
    rng: rand_chacha::ChaCha20Rng,
    /// Entries per (actor, session) not yet attested.
    pending: HashMap<([u8; 16], [u8; 16]), Vec<u64>>,
}

impl Book {
    fn new(seed: u64) -> Book {
        let mut r = rng(seed);
        let root = SigningKey::make(&mut r);
        let reader = UserSecretKey::make(&mut r);
        let recovery = UserSecretKey::make(&mut r);
        let mut vid = [0u8; 16];
        r.fill_bytes(&mut vid);
        let genesis = Genesis {
            format: 1,
            vault_id: hex::encode(vid),
            created_at: AT,
            root_public_key: root.verifying_key().0,
            recovery_public_key: recovery.public_key().0,
            ledger_public_key: reader.public_key().0,
        };
        let wrapper = fixed::reader_wrapper(&reader.public_key(), &mut r);
        Book {
            genesis,
            root,
            reader,
            wrapper,
            rows: Vec::new(),
            rng: r,
            pending: HashMap::new(),
        }
    }

    fn vault_id(&self) -> [u8; 16] {
        self.genesis.vault_id_bytes()
    }

    fn next(&self) -> (u64, [u8; 32]) {
        let seq = self.rows.len() as u64 + 1;
        let prev = self.rows.last().map_or([0u8; 32], |r| r.hash);
        (seq, prev)
    }

    fn push(&mut self, sealed: Vec<u8>) -> u64 {
        let (seq, prev) = self.next();
        self.rows.push(ChainRow {
            seq,
            prev_hash: prev,
            hash: chain_hash(seq, &prev, &sealed),
            sealed,
        });
        seq
    }

    /// A statement by the root (`issuer` None) or an account.
    fn state(&mut self, issuer: Option<&User>, change: Change) -> u64 {
        let (seq, prev) = self.next();
        let st = Statement {
            vault_id: self.genesis.vault_id.clone(),
            at: AT + seq as i64,
            issuer: issuer.map_or(ROOT_ISSUER.to_owned(), |u| u.cert.id.clone()),
            change,
        };
        let key = issuer.map_or(&self.root, |u| &u.key);
        let (json, sig) = st.sign_at(key, seq, &prev);
        let actor = issuer.map_or(ROOT_ACTOR, User::actor);
        self.push(seal_directory(seq, actor, [9u8; 16], &json, &sig))
    }

    /// A fact by `author`, signed with `key`, written under header actor
    /// `actor` (honestly: the author's own key and id).
    fn fact_as(&mut self, author: &User, key: &SigningKey, actor: [u8; 16], fact: Fact) -> u64 {
        let (seq, prev) = self.next();
        let st = FactStatement {
            vault_id: self.genesis.vault_id.clone(),
            at: AT + seq as i64,
            author: author.cert.id.clone(),
            fact,
        };
        let (json, sig) = st.sign_at(key, seq, &prev);
        self.push(seal_fact(seq, actor, [8u8; 16], &json, &sig))
    }

    fn fact(&mut self, author: &User, fact: Fact) -> u64 {
        self.fact_as(author, &author.key, author.actor(), fact)
    }

    fn certify(&mut self, issuer: Option<&User>, user: &User) -> u64 {
        self.state(
            issuer,
            Change::User {
                cert: user.cert.clone(),
            },
        )
    }

    fn event_as(&mut self, actor: [u8; 16], session: [u8; 16], action: &str) -> u64 {
        let (seq, _) = self.next();
        let body = EntryBody {
            seq,
            at: AT + seq as i64,
            user: hex::encode(actor),
            role: None,
            workstation: "ws-test".into(),
            action: action.parse().expect("an action"),
            letter_id: None,
            receipt_no: None,
            level: None,
            reason: None,
            assignment: None,
            outcome: "allowed".parse().expect("an outcome"),
            detail: None,
        };
        let sealed = ledger::seal_event(&self.wrapper, actor, session, &body, &mut self.rng);
        if actor != ANONYMOUS {
            self.pending.entry((actor, session)).or_default().push(seq);
        }
        self.push(sealed)
    }

    fn event(&mut self, user: &User, session: [u8; 16]) -> u64 {
        self.event_as(user.actor(), session, "view")
    }

    /// The session's attestation over every entry it wrote since the last.
    fn attest(&mut self, user: &User, session: [u8; 16]) -> u64 {
        let seqs = self
            .pending
            .remove(&(user.actor(), session))
            .unwrap_or_default();
        self.attest_listing(user, session, seqs)
    }

    fn attest_listing(&mut self, user: &User, session: [u8; 16], seqs: Vec<u64>) -> u64 {
        let (seq, prev) = self.next();
        let att = Attestation {
            seq,
            prev_hash: prev,
            actor: user.actor(),
            session,
            at: AT + seq as i64,
            seqs,
        };
        let sealed = att.seal(&user.key, &self.vault_id());
        self.push(sealed)
    }

    fn verify(&self, rows: &[ChainRow], kept: Option<&Checkpoint>) -> (VerifyReport, Directory) {
        // The verifier keeps the hashes only of the entries it is asked for.
        let mut v = LedgerVerifier::new(&self.genesis, true, kept.map(|c| c.seq));
        for r in rows {
            v.push(r);
        }
        v.finish(kept)
    }

    fn checkpoint(&self, by: &User, rows: &[ChainRow]) -> Checkpoint {
        self.checkpoint_with(&by.key, &by.cert.id, rows)
    }

    /// A checkpoint by the vault root, which may always anchor.
    fn root_checkpoint(&self, rows: &[ChainRow]) -> Checkpoint {
        self.checkpoint_with(&self.root, "root", rows)
    }

    fn checkpoint_with(&self, key: &SigningKey, signer: &str, rows: &[ChainRow]) -> Checkpoint {
        let last = rows.last().expect("rows");
        sign_checkpoint(
            key,
            signer,
            &self.genesis.root(),
            last.seq,
            last.hash,
            AT + 1_000,
        )
    }
}

/// What a writer of the file does after an edit: recompute every hash and
/// link from `from` on, so the chain itself looks whole.
fn rechain(rows: &mut [ChainRow]) {
    let mut prev = [0u8; 32];
    for r in rows.iter_mut() {
        r.prev_hash = prev;
        r.hash = chain_hash(r.seq, &prev, &r.sealed);
        prev = r.hash;
    }
}

struct Cast {
    admin: User,
    clerk: User,
    handler: User,
}

/// An honest book: the root certifies the admin, the admin the clerk and
/// the handler and sets the idle timeout; both work and attest; one failed
/// login is anonymous.
fn honest(seed: u64) -> (Book, Cast) {
    let mut b = Book::new(seed);
    let mut r = rng(seed + 1);
    let cast = Cast {
        admin: User::new(&mut r, "admin", &[Role::Admin]),
        clerk: User::new(&mut r, "clerk", &[Role::Clerk]),
        handler: User::new(&mut r, "handler", &[Role::Handler]),
    };
    b.certify(None, &cast.admin);
    b.certify(Some(&cast.admin), &cast.clerk);
    b.certify(Some(&cast.admin), &cast.handler);
    b.state(
        Some(&cast.admin),
        Change::Setting {
            key: SETTING_IDLE_TIMEOUT.into(),
            value: 900,
        },
    );
    let (s1, s2) = ([1u8; 16], [2u8; 16]);
    b.event(&cast.clerk, s1);
    b.event(&cast.handler, s2);
    b.event(&cast.clerk, s1);
    b.event_as(ANONYMOUS, ANONYMOUS, "login_failed");
    b.attest(&cast.clerk, s1);
    b.event(&cast.handler, s2);
    b.attest(&cast.handler, s2);
    (b, cast)
}

fn damage(report: &VerifyReport) -> (Damage, u64) {
    let d = report
        .damage
        .as_ref()
        .unwrap_or_else(|| panic!("damage expected: {report:?}"));
    (d.kind, d.seq)
}

#[test]
fn t10_an_honest_book_is_intact_with_every_count_right() {
    let (b, cast) = honest(1);
    let (report, dir) = b.verify(&b.rows, None);
    assert!(report.intact, "{report:?}");
    assert_eq!(report.damage, None);
    assert_eq!(report.entries, 11);
    assert_eq!(report.head_hash, b.rows[10].hash);
    assert_eq!(report.checkpoints_verified, 2, "two attestations");
    assert_eq!(report.unsigned_tail, 0);
    assert_eq!(report.directory_statements, 4);
    assert_eq!(report.anonymous_entries, 1);
    assert!(report.unattested.is_empty());
    // The fold: who is certified, by id, name and header bytes.
    assert_eq!(dir.statements(), 4);
    assert_eq!(dir.vault_id(), b.genesis.vault_id);
    assert_eq!(dir.users().count(), 3);
    assert_eq!(dir.user(&cast.clerk.cert.id), Some(&cast.clerk.cert));
    assert_eq!(dir.user_by_name("handler"), Some(&cast.handler.cert));
    assert_eq!(
        dir.user_by_id_bytes(&cast.admin.actor()),
        Some(&cast.admin.cert)
    );
    assert_eq!(dir.setting(SETTING_IDLE_TIMEOUT), Some(900));
    assert_eq!(dir.setting("other"), None);
    assert_eq!(dir.root(), &b.genesis.root());
    // A kept checkpoint at the head, by the root: still intact, and the
    // report names who anchored it.
    let cp = b.root_checkpoint(&b.rows);
    let (report, _) = b.verify(&b.rows, Some(&cp));
    assert!(report.intact, "{report:?}");
    assert_eq!(report.checkpoints_verified, 3, "and the kept checkpoint");
    assert_eq!(report.anchor_signer.as_deref(), Some("root"));
}

/// T10: only an auditor (or the root) anchors. A clerk's or a handler's own
/// certified key signs a checkpoint that verifies as a signature, but a
/// leaker who drops his entries and re-signs the rest must not be able to
/// vouch for what is left.
#[test]
fn t10_a_checkpoint_by_anyone_but_an_auditor_or_the_root_anchors_nothing() {
    let (mut b, cast) = honest(31);
    for who in [&cast.clerk, &cast.handler, &cast.admin] {
        let cp = b.checkpoint(who, &b.rows);
        let (report, _) = b.verify(&b.rows, Some(&cp));
        assert_eq!(
            damage(&report),
            (Damage::BadSignature, cp.seq),
            "{}",
            who.cert.name
        );
        assert_eq!(report.anchor_signer, None);
    }
    let mut r = rng(310);
    let auditor = User::new(&mut r, "auditor", &[Role::Auditor]);
    b.certify(Some(&cast.admin), &auditor);
    let cp = b.checkpoint(&auditor, &b.rows);
    let (report, _) = b.verify(&b.rows, Some(&cp));
    assert!(report.intact, "{report:?}");
    assert_eq!(report.anchor_signer.as_deref(), Some("auditor"));
}

#[test]
fn t10_entries_after_the_last_attestation_are_an_unsigned_tail() {
    let (mut b, cast) = honest(2);
    b.event(&cast.clerk, [3u8; 16]);
    b.event(&cast.clerk, [3u8; 16]);
    let (report, _) = b.verify(&b.rows, None);
    assert!(report.intact, "a crash leaves a tail: {report:?}");
    assert_eq!(report.unsigned_tail, 2);
    assert_eq!(report.unattested.len(), 1);
    let u = &report.unattested[0];
    assert_eq!(
        (u.user.as_str(), u.first_seq, u.entries),
        ("clerk", 12, 2),
        "{u:?}"
    );
    assert_eq!(u.session, hex::encode([3u8; 16]));
}

#[test]
fn t10_an_edited_entry_is_named_where_it_was_edited() {
    let (b, _) = honest(3);
    // Bytes changed, hash left: the entry does not match its hash.
    let mut rows = b.rows.clone();
    let n = rows[5].sealed.len();
    rows[5].sealed[n - 1] ^= 1;
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Edited, 6));
    // Bytes and its own hash changed: the next entry no longer links.
    rows[5].hash = chain_hash(6, &rows[5].prev_hash, &rows[5].sealed);
    let (report, _) = b.verify(&rows, None);
    assert_eq!(damage(&report), (Damage::Edited, 6));
    assert!(
        report
            .damage
            .as_ref()
            .is_some_and(|d| d.detail.contains("does not link")),
        "{report:?}"
    );
    // Not an entry at all.
    let mut rows = b.rows.clone();
    rows[2].sealed = vec![7u8; 10];
    rows[2].hash = chain_hash(3, &rows[2].prev_hash, &rows[2].sealed);
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Edited, 3));
}

#[test]
fn t10_missing_reordered_and_inserted_rows_are_told_apart() {
    let (b, _) = honest(4);
    let mut rows = b.rows.clone();
    rows.remove(6);
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Missing, 7));
    // Two rows' contents swapped (with their hashes): each holds the
    // other's header sequence number.
    let mut rows = b.rows.clone();
    let (a, c) = (rows[5].clone(), rows[6].clone());
    rows[5] = ChainRow { seq: 6, ..c };
    rows[6] = ChainRow { seq: 7, ..a };
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Reordered, 6));
    // A row removed and the rest renumbered.
    let mut rows = b.rows.clone();
    rows.remove(6);
    for (i, r) in rows.iter_mut().enumerate() {
        r.seq = i as u64 + 1;
    }
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Missing, 7));
    // A copy of an earlier row inserted, the rest renumbered.
    let mut rows = b.rows.clone();
    rows.insert(7, rows[4].clone());
    for (i, r) in rows.iter_mut().enumerate() {
        r.seq = i as u64 + 1;
    }
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::Inserted, 5));
}

#[test]
fn t10_a_rewritten_chain_breaks_an_attestation_signature() {
    let (b, _) = honest(5);
    // Change an event and recompute every hash after it: the chain is
    // whole, but the attestations sign the head before them.
    let mut rows = b.rows.clone();
    let n = rows[4].sealed.len();
    rows[4].sealed[n - 1] ^= 1;
    rechain(&mut rows);
    let (report, _) = b.verify(&rows, None);
    assert!(!report.intact);
    assert_eq!(damage(&report), (Damage::BadSignature, 9));
    assert_eq!(report.checkpoints_verified, 0, "both attestations fail");
    // A flipped signature byte alone.
    let mut rows = b.rows.clone();
    let n = rows[10].sealed.len();
    rows[10].sealed[n - 1] ^= 0x40;
    rechain(&mut rows);
    let (report, _) = b.verify(&rows, None);
    assert_eq!(damage(&report), (Damage::BadSignature, 11));
    assert_eq!(report.checkpoints_verified, 1);
}

#[test]
fn t10_an_entry_in_someone_elses_session_is_forged() {
    let (mut b, cast) = honest(6);
    let s = [4u8; 16];
    b.event(&cast.handler, s);
    let forged = b.event(&cast.handler, s);
    // The handler's attestation lists only the first: the second is
    // someone else writing in the handler's name.
    let listed = vec![forged - 1];
    b.pending.remove(&(cast.handler.actor(), s));
    b.attest_listing(&cast.handler, s, listed);
    let (report, _) = b.verify(&b.rows, None);
    assert_eq!(damage(&report), (Damage::Forged, forged));
    // An attestation listing an entry that is not its session's.
    let (mut b, cast) = honest(7);
    let other = b.event(&cast.clerk, [5u8; 16]);
    b.attest_listing(&cast.handler, [6u8; 16], vec![other]);
    let (report, _) = b.verify(&b.rows, None);
    assert_eq!(damage(&report), (Damage::Edited, other));
}

#[test]
fn t10_statements_and_attestations_by_the_uncertified_are_forged() {
    let mut r = rng(80);
    let stranger = User::new(&mut r, "stranger", &[Role::Admin]);
    // An entry and an attestation by an account no statement certified:
    // the entry is forged where it stands.
    let (mut b, _) = honest(8);
    let s = [7u8; 16];
    let first = b.event(&stranger, s);
    b.attest(&stranger, s);
    assert_eq!(damage(&b.verify(&b.rows, None).0), (Damage::Forged, first));
    // An attestation alone by an account no statement certified.
    let (mut b, _) = honest(8);
    let at = b.attest_listing(&stranger, [7u8; 16], Vec::new());
    assert_eq!(damage(&b.verify(&b.rows, None).0), (Damage::Forged, at));
    // A statement by an account that is not an administrator.
    let (mut b, cast) = honest(9);
    let at = b.certify(Some(&cast.clerk), &stranger);
    let (report, dir) = b.verify(&b.rows, None);
    assert_eq!(damage(&report), (Damage::Forged, at));
    assert_eq!(dir.user_by_name("stranger"), None, "nothing applied");
    assert_eq!(dir.statements(), 4);
    // A statement whose signature does not verify.
    let (mut b, cast) = honest(10);
    let at = b.certify(Some(&cast.admin), &stranger);
    let last = b.rows.len() - 1;
    b.rows[last].sealed[HEADER_LEN] ^= 1;
    rechain(&mut b.rows);
    let (report, _) = b.verify(&b.rows, None);
    assert_eq!(damage(&report), (Damage::Forged, at));
}

#[test]
fn t11_a_kept_checkpoint_catches_truncation_rollback_and_a_false_signer() {
    let (b, cast) = honest(11);
    let cp = b.root_checkpoint(&b.rows);
    // Cut cleanly after an attestation: an older copy put back.
    let (report, _) = b.verify(&b.rows[..9], Some(&cp));
    assert_eq!(damage(&report), (Damage::RolledBack, 10));
    // Cut in the middle of a session.
    let (report, _) = b.verify(&b.rows[..10], Some(&cp));
    assert_eq!(damage(&report), (Damage::Truncated, 11));
    // A different history at the checkpoint's entry.
    let mut rows = b.rows.clone();
    rows[10].sealed[HEADER_LEN] ^= 1;
    rows[10].hash = chain_hash(11, &rows[10].prev_hash, &rows[10].sealed);
    let (report, _) = b.verify(&rows, Some(&cp));
    assert!(
        report
            .damage
            .as_ref()
            .is_some_and(|d| d.kind == Damage::RolledBack || d.kind == Damage::BadSignature),
        "{report:?}"
    );
    // Signed by a key the directory does not certify.
    let mut r = rng(110);
    let stranger = User::new(&mut r, "clerk", &[Role::Clerk]);
    let forged = sign_checkpoint(
        &stranger.key,
        &cast.clerk.cert.id,
        &b.genesis.root(),
        cp.seq,
        cp.head_hash,
        cp.at,
    );
    let (report, _) = b.verify(&b.rows, Some(&forged));
    assert_eq!(damage(&report), (Damage::BadSignature, 11));
}

#[test]
fn directory_rules_who_may_state_what() {
    let (b, cast) = honest(12);
    let (_, dir) = b.verify(&b.rows, None);
    let statement = |issuer: &str, cert: UserCert| Statement {
        vault_id: b.genesis.vault_id.clone(),
        at: AT,
        issuer: issuer.into(),
        change: Change::User { cert },
    };
    let mut r = rng(120);
    let newcomer = User::new(&mut r, "newcomer", &[Role::Supervisor]);
    // An active admin and the root may; a clerk may not.
    assert_eq!(
        dir.check_content(&statement(&cast.admin.cert.id, newcomer.cert.clone())),
        Ok(cast.admin.key.verifying_key())
    );
    assert_eq!(
        dir.check_content(&statement(ROOT_ISSUER, newcomer.cert.clone())),
        Ok(b.genesis.root())
    );
    assert!(matches!(
        dir.check_content(&statement(&cast.clerk.cert.id, newcomer.cert.clone())),
        Err(DirectoryError::NotAnAdministrator(_))
    ));
    // Another vault's statement.
    let mut other = statement(&cast.admin.cert.id, newcomer.cert.clone());
    other.vault_id = "00".repeat(16);
    assert_eq!(dir.check_content(&other), Err(DirectoryError::OtherVault));
    // An account with roles that break separation of duties, or none.
    for roles in ["clerk,auditor", "", "janitor"] {
        let mut cert = newcomer.cert.clone();
        cert.roles = roles.into();
        assert!(
            matches!(
                dir.check_content(&statement(&cast.admin.cert.id, cert)),
                Err(DirectoryError::InvalidAccount(_))
            ),
            "roles {roles:?}"
        );
    }
    // A disabled admin may no longer state anything.
    let mut b2 = Book::new(13);
    let mut r = rng(130);
    let admin = User::new(&mut r, "admin", &[Role::Admin]);
    let admin2 = User::new(&mut r, "admin2", &[Role::Admin]);
    b2.certify(None, &admin);
    b2.certify(None, &admin2);
    let mut off = admin2.cert.clone();
    off.disabled = true;
    b2.state(Some(&admin), Change::User { cert: off });
    let at = b2.certify(Some(&admin2), &newcomer);
    let (report, dir2) = b2.verify(&b2.rows, None);
    assert_eq!(damage(&report), (Damage::Forged, at));
    assert!(dir2.user_by_name("admin2").is_some_and(|c| c.disabled));
    // A malformed statement.
    let mut d = Directory::new(&b.genesis);
    assert_eq!(
        d.apply(b"{not json", &[0u8; 64], 1, &[0u8; 32]).err(),
        Some(DirectoryError::Malformed)
    );
}

#[test]
fn certificates_answer_for_their_roles_and_ids() {
    let mut r = rng(14);
    let u = User::new(&mut r, "both", &[Role::Clerk, Role::Supervisor]);
    assert!(u.cert.has_role(Role::Clerk) && u.cert.has_role(Role::Supervisor));
    assert!(!u.cert.has_role(Role::Handler));
    let mut bad = u.cert.clone();
    bad.roles = "nonsense".into();
    assert!(
        !bad.has_role(Role::Clerk),
        "unparseable roles grant nothing"
    );
    let id = u.cert.id_bytes();
    assert_eq!(hex::encode(id), u.cert.id);
    assert_ne!(id, [0u8; 16]);
    assert_eq!(id_bytes("zz"), [0u8; 16], "malformed ids are zeros");
    assert_eq!(id_bytes(&"ab".repeat(17)), [0u8; 16], "wrong length");
    assert_eq!(id_bytes(&"0a".repeat(16)), [0x0au8; 16]);
    let b = Book::new(15);
    // The genesis is read back only in its own canonical bytes.
    let signed = b.genesis.sign(&b.root);
    assert!(SignedGenesis::parse(&signed.json, &signed.signature).is_ok());
    let spaced = String::from_utf8(signed.json.clone())
        .expect("utf-8")
        .replace(',', ", ");
    assert!(SignedGenesis::parse(spaced.as_bytes(), &signed.signature).is_err());
    assert_eq!(hex::encode(b.genesis.vault_id_bytes()), b.genesis.vault_id);
    assert_ne!(b.genesis.vault_id_bytes(), [0u8; 16]);
    assert_eq!(
        VerifyingKey(u.cert.signing_key),
        u.key.verifying_key(),
        "the certified key is the signer's"
    );
}

#[test]
fn entry_headers_parse_only_what_was_written() {
    let (b, _) = honest(16);
    let h = header(&b.rows[0].sealed).expect("a directory entry");
    assert_eq!(
        (h.seq, h.kind, h.actor),
        (1, EntryKind::Directory, ROOT_ACTOR)
    );
    let h = header(&b.rows[4].sealed).expect("an event");
    assert_eq!((h.seq, h.kind), (5, EntryKind::Event));
    let h = header(&b.rows[8].sealed).expect("an attestation");
    assert_eq!(h.kind, EntryKind::Attestation);
    // Unknown kind byte, wrong version, too short.
    let mut x = b.rows[4].sealed.clone();
    x[9] = 5;
    assert_eq!(header(&x), None);
    x[9] = 0;
    assert_eq!(header(&x), None);
    let mut x = b.rows[4].sealed.clone();
    x[0] ^= 0xff;
    assert_eq!(header(&x), None);
    assert_eq!(header(&b.rows[4].sealed[..HEADER_LEN - 1]), None);
    assert!(header(&b.rows[4].sealed[..HEADER_LEN]).is_some());
    // Directory parts: only of a directory entry with a statement in it.
    let (json, sig) = directory_parts(&b.rows[0].sealed).expect("parts");
    assert_eq!(sig.len(), 64);
    assert!(json.starts_with(b"{"));
    assert_eq!(directory_parts(&b.rows[4].sealed), None, "an event");
    let bare = &b.rows[0].sealed[..HEADER_LEN + 64];
    assert_eq!(
        directory_parts(bare),
        None,
        "no statement after the signature"
    );
    let one = &b.rows[0].sealed[..HEADER_LEN + 65];
    assert_eq!(directory_parts(one).map(|(j, _)| j.len()), Some(1));
    // Attestations parse back to what was signed.
    let (att, _) = Attestation::parse(&b.rows[8].sealed, b.rows[7].hash).expect("parse");
    assert_eq!(att.seqs, vec![5, 7]);
    assert_eq!(Attestation::parse(&b.rows[4].sealed, [0u8; 32]), None);
}

#[test]
fn the_streaming_verifier_tells_its_head_resumes_and_folds() {
    let (b, cast) = honest(17);
    let mut v = LedgerVerifier::new(&b.genesis, true, [5]);
    for r in &b.rows {
        v.push(r);
    }
    assert!(v.chain_ok());
    assert_eq!(v.head(), (11, b.rows[10].hash));
    assert_eq!(v.hash_at(5), Some(b.rows[4].hash), "a wanted hash is kept");
    assert_eq!(v.hash_at(6), None, "others are not");
    assert_eq!(v.directory().statements(), 4);
    // After damage the head stays at the last entry that linked.
    let mut rows = b.rows.clone();
    rows[7].sealed[0] ^= 1;
    let mut v = LedgerVerifier::new(&b.genesis, true, []);
    for r in &rows {
        v.push(r);
    }
    assert!(!v.chain_ok());
    assert_eq!(v.head(), (7, b.rows[6].hash));
    assert_eq!(
        v.first_damage().map(|d| (d.kind, d.seq)),
        Some((Damage::Edited, 8))
    );
    // Fold mode: the chain and the directory, no attestation work.
    let mut fold = LedgerVerifier::new(&b.genesis, false, []);
    for r in &b.rows[..6] {
        fold.push(r);
    }
    let (prefix, _, _) = fold.finish_fold(None);
    assert!(prefix.intact);
    assert_eq!(
        prefix.checkpoints_verified, 0,
        "fold mode checks no signature"
    );
    assert!(prefix.unattested.is_empty(), "nor tracks sessions");
    // A desk's state (a login): cut anywhere — in the middle of a session
    // too — sealed, opened and resumed, a full pass ends exactly where one
    // from genesis ends.
    let (whole, whole_dir) = b.verify(&b.rows, None);
    let key = crypto::UserSecretKey::make(&mut rng(171));
    let gh = [0x42u8; 32];
    let binding = DeskBinding {
        vault_id: whole_dir.vault_id(),
        account: "desk-account",
        genesis_hash: &gh,
    };
    for cut in 0..=b.rows.len() {
        let mut first = LedgerVerifier::new(&b.genesis, true, []);
        for r in &b.rows[..cut] {
            first.push(r);
        }
        first.settle();
        assert_eq!(first.first_damage(), None, "cut {cut}");
        let sealed = first.into_state().seal(&key, &binding, &mut rng(172));
        let state = VerifiedState::open(&key, &binding, &sealed).expect("opens");
        assert_eq!(state.seq, cut as u64);
        let mut rest = LedgerVerifier::from_state(state, &b.genesis, true, []);
        for r in &b.rows[cut..] {
            rest.push(r);
        }
        let (report, dir) = rest.finish(None);
        assert_eq!(
            (
                report.intact,
                report.entries,
                report.head_hash,
                report.unsigned_tail,
                &report.unattested,
                report.anonymous_entries,
                report.facts,
                report.directory_statements,
            ),
            (
                whole.intact,
                whole.entries,
                whole.head_hash,
                whole.unsigned_tail,
                &whole.unattested,
                whole.anonymous_entries,
                whole.facts,
                whole.directory_statements,
            ),
            "resumed at {cut}"
        );
        assert_eq!(dir.user_by_name("clerk"), Some(&cast.clerk.cert));
    }
    // Only this account's state for this vault and root opens, unaltered.
    let mut first = LedgerVerifier::new(&b.genesis, true, []);
    for r in &b.rows[..6] {
        first.push(r);
    }
    let sealed = first.into_state().seal(&key, &binding, &mut rng(173));
    let other_key = crypto::UserSecretKey::make(&mut rng(174));
    assert!(VerifiedState::open(&other_key, &binding, &sealed).is_none());
    for other in [
        DeskBinding {
            account: "another-account",
            ..binding
        },
        DeskBinding {
            vault_id: "00000000000000000000000000000000",
            ..binding
        },
        DeskBinding {
            genesis_hash: &[0x43; 32],
            ..binding
        },
    ] {
        assert!(VerifiedState::open(&key, &other, &sealed).is_none());
    }
    for i in [0, 1, 13, sealed.len() - 1] {
        let mut x = sealed.clone();
        x[i] ^= 1;
        assert!(
            VerifiedState::open(&key, &binding, &x).is_none(),
            "byte {i}"
        );
    }
    assert!(VerifiedState::open(&key, &binding, &sealed[..20]).is_none());
    // A state taken before a bad attestation signature does not hide it.
    let mut rows = b.rows.clone();
    let n = rows[8].sealed.len();
    rows[8].sealed[n - 1] ^= 0x40;
    rechain(&mut rows);
    let mut first = LedgerVerifier::new(&b.genesis, true, []);
    for r in &rows[..7] {
        first.push(r);
    }
    let mut rest = LedgerVerifier::from_state(first.into_state(), &b.genesis, true, []);
    for r in &rows[7..] {
        rest.push(r);
    }
    rest.settle();
    assert_eq!(
        rest.first_damage().map(|d| (d.kind, d.seq)),
        Some((Damage::BadSignature, 9))
    );
    // A forged attestation signature is invisible to a fold, seen by a full pass.
    let mut rows = b.rows.clone();
    let n = rows[8].sealed.len();
    rows[8].sealed[n - 1] ^= 0x40;
    rechain(&mut rows);
    let mut fold = LedgerVerifier::new(&b.genesis, false, []);
    for r in &rows {
        fold.push(r);
    }
    assert!(fold.finish(None).0.intact);
    assert_eq!(damage(&b.verify(&rows, None).0), (Damage::BadSignature, 9));
}

#[test]
fn entry_formats_at_their_length_limits() {
    let (b, cast) = honest(18);
    // An event's commitment, and nothing else has one.
    let event = &b.rows[4].sealed;
    let opened = ledger::open_entry(&b.reader, event)
        .expect("opens")
        .expect("an event");
    assert_eq!(opened.body.seq, 5);
    assert_eq!(
        ledger::event_commitment(event),
        Some(ledger::commitment(
            &opened.nonce,
            &opened.body.canonical_json()
        ))
    );
    assert_eq!(ledger::event_commitment(&b.rows[8].sealed), None);
    assert_eq!(ledger::event_commitment(&b.rows[0].sealed), None);
    assert_eq!(ledger::event_commitment(&event[..HEADER_LEN + 31]), None);
    assert!(ledger::event_commitment(&event[..HEADER_LEN + 32]).is_some());
    assert_eq!(ledger::open_entry(&b.reader, &b.rows[8].sealed), Ok(None));
    // A wrap that opens but holds less than a nonce: an error, not a panic.
    let mut short = event[..HEADER_LEN + 32].to_vec();
    let h = header(event).expect("header");
    let rid = format!(
        "ledger/{}/{}/{}",
        h.seq,
        hex::encode(h.actor),
        hex::encode(h.session)
    );
    let mut r = rng(180);
    short.extend(crypto::wrap_to(
        &b.reader.public_key(),
        &crypto::WrapBinding {
            record_id: &rid,
            purpose: "ledger-entry",
        },
        &[1u8; 10],
        &mut r,
    ));
    assert!(ledger::open_entry(&b.reader, &short).is_err());
    // An attestation over no entries is the shortest one, and parses.
    let mut b2 = Book::new(19);
    b2.certify(None, &cast.admin);
    b2.attest_listing(&cast.admin, [1u8; 16], vec![]);
    let (att, _) =
        Attestation::parse(&b2.rows[1].sealed, b2.rows[0].hash).expect("empty attestation");
    assert!(att.seqs.is_empty());
    let (report, _) = b2.verify(&b2.rows, None);
    assert!(report.intact, "{report:?}");
    let cut = &b2.rows[1].sealed[..b2.rows[1].sealed.len() - 1];
    assert_eq!(Attestation::parse(cut, [0u8; 32]), None);
    // A checkpoint survives its JSON form byte for byte.
    let cp = b.checkpoint(&cast.clerk, &b.rows);
    let json = serde_json::to_string(&cp).expect("json");
    let back: Checkpoint = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, cp);
    assert_eq!(back.signature.len(), 64);
}

struct Desk {
    admin: User,
    clerk: User,
    sup: User,
    handler: User,
    other: User,
}

/// A book with a letter routed to a handler: the clerk registers (fact 1)
/// and routes (2), a supervisor approves (3, assignment `a1`).
fn routed(seed: u64) -> (Book, Desk) {
    let mut b = Book::new(seed);
    let mut r = rng(seed + 1);
    let d = Desk {
        admin: User::new(&mut r, "admin", &[Role::Admin]),
        clerk: User::new(&mut r, "clerk", &[Role::Clerk]),
        sup: User::new(&mut r, "sup", &[Role::Supervisor]),
        handler: User::new(&mut r, "handler", &[Role::Handler]),
        other: User::new(&mut r, "other", &[Role::Handler]),
    };
    b.certify(None, &d.admin);
    for u in [&d.clerk, &d.sup, &d.handler, &d.other] {
        b.certify(Some(&d.admin), u);
    }
    b.fact(
        &d.clerk,
        Fact::Letter {
            letter: "l1".into(),
            receipt_no: "SD-115-00001".into(),
            level: "密".into(),
            category: "petition".into(),
            secret_until: None,
            retain_until: None,
        },
    );
    b.fact(&d.clerk, request("r1", RequestKind::Access, &d.handler));
    b.fact(
        &d.sup,
        Fact::Decide {
            request: "r1".into(),
            approve: true,
            assignment: Some("a1".into()),
        },
    );
    (b, d)
}

fn request(id: &str, kind: RequestKind, handler: &User) -> Fact {
    Fact::Request {
        request: id.into(),
        kind,
        letter: "l1".into(),
        unit: "稅務管理科".into(),
        handler: handler.cert.id.clone(),
        until: AT + 86_400_000,
        readers: Vec::new(),
    }
}

fn facts_of(b: &Book) -> (VerifyReport, sealdesk_core::facts::Facts) {
    let mut v = LedgerVerifier::new(&b.genesis, true, []);
    for r in &b.rows {
        v.push(r);
    }
    let (report, _, facts) = v.finish_fold(None);
    (report, facts)
}

/// The fold of an honest routing: a letter, an access request approved, a
/// reveal asked, endorsed and approved, an affirmation, a copy, a revoke.
#[test]
fn t10_signed_facts_fold_into_who_holds_what() {
    let (mut b, d) = routed(40);
    b.fact(
        &d.handler,
        Fact::Affirm {
            assignment: "a1".into(),
        },
    );
    b.fact(&d.handler, request("r2", RequestKind::Reveal, &d.handler));
    b.fact(
        &d.clerk,
        Fact::Endorse {
            request: "r2".into(),
        },
    );
    b.fact(
        &d.sup,
        Fact::Decide {
            request: "r2".into(),
            approve: true,
            assignment: Some("a2".into()),
        },
    );
    b.fact(&d.handler, request("r3", RequestKind::Export, &d.other));
    b.fact(
        &d.sup,
        Fact::Decide {
            request: "r3".into(),
            approve: true,
            assignment: None,
        },
    );
    b.fact(
        &d.handler,
        Fact::Copy {
            request: "r3".into(),
            copy_no: 1,
        },
    );
    b.fact(
        &d.sup,
        Fact::End {
            assignment: "a1".into(),
            end: EndKind::Revoked,
        },
    );
    let (report, facts) = facts_of(&b);
    assert!(report.intact, "{report:?}");
    assert_eq!(report.facts, 11);
    let l = facts.letter("l1").expect("letter");
    assert_eq!((l.level.as_str(), l.copies), ("密", 1));
    assert_eq!(l.registered_by, d.clerk.cert.id);
    let a1 = facts.assignment("a1").expect("a1");
    assert_eq!(a1.ended.map(|(e, _)| e), Some(EndKind::Revoked));
    assert!(a1.affirmed_at.is_some());
    assert!(facts
        .live_assignment(&d.handler.cert.id, "l1", RequestKind::Access, AT + 100)
        .is_none());
    assert!(facts
        .live_assignment(&d.handler.cert.id, "l1", RequestKind::Reveal, AT + 100)
        .is_some());
    assert_eq!(
        facts.request_facts("r3").map(|r| r.status),
        Some(RequestStatus::Done)
    );
}

/// T10: a fact is forged when its entry's actor is not its author, when it
/// is signed by another key than the author's, or when its author is not
/// entitled to it at its place in the ledger — for every kind of fact.
#[test]
fn t10_a_fact_by_someone_not_entitled_is_forged_where_it_stands() {
    type Case = fn(&mut Book, &Desk) -> u64;
    let cases: Vec<(&str, Case)> = vec![
        ("header actor is not the author", |b, d| {
            b.fact_as(
                &d.sup,
                &d.sup.key,
                d.handler.actor(),
                Fact::End {
                    assignment: "a1".into(),
                    end: EndKind::Revoked,
                },
            )
        }),
        ("signed by another key", |b, d| {
            b.fact_as(
                &d.sup,
                &d.handler.key,
                d.sup.actor(),
                Fact::Decide {
                    request: "r1".into(),
                    approve: false,
                    assignment: None,
                },
            )
        }),
        ("a reveal asked by a handler not assigned", |b, d| {
            b.fact(&d.other, request("r9", RequestKind::Reveal, &d.other))
        }),
        ("a reveal asked for someone else", |b, d| {
            b.fact(&d.other, request("r9", RequestKind::Reveal, &d.handler))
        }),
        (
            "an endorsement by a clerk who did not register it",
            |b, d| {
                b.fact(&d.handler, request("r9", RequestKind::Reveal, &d.handler));
                b.fact(
                    &d.other,
                    Fact::Endorse {
                        request: "r9".into(),
                    },
                )
            },
        ),
        (
            "an endorsement after the handler's access was revoked",
            |b, d| {
                b.fact(&d.handler, request("r9", RequestKind::Reveal, &d.handler));
                b.fact(
                    &d.sup,
                    Fact::End {
                        assignment: "a1".into(),
                        end: EndKind::Revoked,
                    },
                );
                b.fact(
                    &d.clerk,
                    Fact::Endorse {
                        request: "r9".into(),
                    },
                )
            },
        ),
        ("a decision by the handler it names", |b, d| {
            b.fact(&d.clerk, request("r9", RequestKind::Access, &d.handler));
            b.fact(
                &d.handler,
                Fact::Decide {
                    request: "r9".into(),
                    approve: true,
                    assignment: Some("a9".into()),
                },
            )
        }),
        ("a decision twice", |b, d| {
            b.fact(
                &d.sup,
                Fact::Decide {
                    request: "r1".into(),
                    approve: true,
                    assignment: Some("a8".into()),
                },
            )
        }),
        ("a revoke by a handler", |b, d| {
            b.fact(
                &d.other,
                Fact::End {
                    assignment: "a1".into(),
                    end: EndKind::Revoked,
                },
            )
        }),
        ("a decline by another handler", |b, d| {
            b.fact(
                &d.other,
                Fact::End {
                    assignment: "a1".into(),
                    end: EndKind::Declined,
                },
            )
        }),
        ("an affirmation by someone else", |b, d| {
            b.fact(
                &d.other,
                Fact::Affirm {
                    assignment: "a1".into(),
                },
            )
        }),
        ("a copy made twice", |b, d| {
            b.fact(&d.handler, request("r9", RequestKind::Export, &d.other));
            b.fact(
                &d.sup,
                Fact::Decide {
                    request: "r9".into(),
                    approve: true,
                    assignment: None,
                },
            );
            b.fact(
                &d.handler,
                Fact::Copy {
                    request: "r9".into(),
                    copy_no: 1,
                },
            );
            b.fact(
                &d.handler,
                Fact::Copy {
                    request: "r9".into(),
                    copy_no: 2,
                },
            )
        }),
        ("a copy number out of turn", |b, d| {
            b.fact(&d.handler, request("r9", RequestKind::Export, &d.other));
            b.fact(
                &d.sup,
                Fact::Decide {
                    request: "r9".into(),
                    approve: true,
                    assignment: None,
                },
            );
            b.fact(
                &d.handler,
                Fact::Copy {
                    request: "r9".into(),
                    copy_no: 1 + 1,
                },
            )
        }),
        ("a copy never approved", |b, d| {
            b.fact(&d.handler, request("r9", RequestKind::Print, &d.other));
            b.fact(
                &d.handler,
                Fact::Copy {
                    request: "r9".into(),
                    copy_no: 1,
                },
            )
        }),
        ("a letter registered by a handler", |b, d| {
            b.fact(
                &d.handler,
                Fact::Letter {
                    letter: "l2".into(),
                    receipt_no: "x".into(),
                    level: "密".into(),
                    category: "petition".into(),
                    secret_until: None,
                    retain_until: None,
                },
            )
        }),
        ("a letter registered twice", |b, d| {
            b.fact(
                &d.clerk,
                Fact::Letter {
                    letter: "l1".into(),
                    receipt_no: "x".into(),
                    level: "機密".into(),
                    category: "procurement_objection".into(),
                    secret_until: None,
                    retain_until: None,
                },
            )
        }),
    ];
    for (i, (name, case)) in cases.into_iter().enumerate() {
        let (mut b, d) = routed(50 + i as u64);
        let at = case(&mut b, &d);
        let (report, _) = facts_of(&b);
        assert_eq!(damage(&report), (Damage::Forged, at), "{name}: {report:?}");
    }
}

/// T10: an event's body names only its header's actor: another user's
/// name, with any actor or none, is forged; an entry with no actor may only
/// be a failed login that names no one.
#[test]
fn t10_an_event_naming_anyone_but_its_author_is_forged() {
    let (b, cast) = honest(60);
    let dir = b.verify(&b.rows, None).1;
    let body = |user: &str, action: &str| EntryBody {
        seq: 1,
        at: AT,
        user: user.into(),
        role: None,
        workstation: "ws".into(),
        action: action.parse().expect("an action"),
        letter_id: None,
        receipt_no: None,
        level: None,
        reason: None,
        assignment: None,
        outcome: "allowed".parse().expect("an outcome"),
        detail: None,
    };
    let h = |actor: [u8; 16]| ledger::Header {
        seq: 1,
        kind: EntryKind::Event,
        actor,
        session: [1u8; 16],
    };
    let clerk = cast.clerk.actor();
    assert_eq!(
        body_names_actor(&dir, &h(clerk), &body("clerk", "view")),
        Ok(())
    );
    assert!(body_names_actor(&dir, &h(clerk), &body("handler", "view")).is_err());
    assert!(body_names_actor(&dir, &h([3u8; 16]), &body("handler", "view")).is_err());
    assert_eq!(
        body_names_actor(&dir, &h(ANONYMOUS), &body("", "login_failed")),
        Ok(())
    );
    assert!(body_names_actor(&dir, &h(ANONYMOUS), &body("handler", "login_failed")).is_err());
    assert!(body_names_actor(&dir, &h(ANONYMOUS), &body("", "view")).is_err());
    assert_eq!(
        body_names_actor(&dir, &h(ROOT_ACTOR), &body("recovery", "recover")),
        Ok(())
    );
    assert!(body_names_actor(&dir, &h(ROOT_ACTOR), &body("admin", "recover")).is_err());
}

/// T10: failed logins after the last attestation are vouched for by no one;
/// they are listed as unattested, so a tail of them (a session re-sealed as
/// failed logins) shows.
#[test]
fn t10_an_anonymous_tail_is_listed_as_unattested() {
    let (mut b, _) = honest(61);
    let first = b.event_as(ANONYMOUS, ANONYMOUS, "login_failed");
    b.event_as(ANONYMOUS, ANONYMOUS, "login_failed");
    let (report, _) = b.verify(&b.rows, None);
    assert!(report.intact);
    assert_eq!(report.unattested.len(), 1, "{report:?}");
    assert_eq!(report.unattested[0].user, "(anonymous)");
    assert_eq!(
        (report.unattested[0].first_seq, report.unattested[0].entries),
        (first, 2)
    );
}

/// A sealed key is pinned only by its own active account (T10: a writer
/// with another account cannot pin — or unpin — someone's key), and an
/// admin reset that replaces the key pair clears the pin.
#[test]
fn a_sealed_key_pin_is_the_accounts_own_and_a_reset_clears_it() {
    let (mut b, cast) = honest(40);
    let pin = |user: &User, hash: u8| Change::SealedKey {
        user: user.cert.id.clone(),
        sealed_hash: [hash; 32],
    };
    b.state(Some(&cast.handler), pin(&cast.handler, 1));
    let (r, dir) = b.verify(&b.rows, None);
    assert!(r.intact, "{r:?}");
    assert_eq!(
        dir.sealed_key_hash(&cast.handler.cert.id),
        Some(hex::encode([1u8; 32]).as_str())
    );
    // Another account (an admin too) pinning the handler's key: forged.
    let kept = b.rows.len();
    for issuer in [Some(&cast.clerk), Some(&cast.admin), None] {
        let at = b.state(issuer, pin(&cast.handler, 2));
        assert_eq!(
            damage(&b.verify(&b.rows, None).0),
            (Damage::Forged, at),
            "pinned by {:?}",
            issuer.map(|u| &u.cert.name)
        );
        b.rows.truncate(kept);
    }
    // A reset (new key pair, by the admin) clears the pin; a change of
    // roles does not.
    let mut cert = cast.handler.cert.clone();
    cert.roles = "handler,supervisor".into();
    b.state(Some(&cast.admin), Change::User { cert: cert.clone() });
    let (_, dir) = b.verify(&b.rows, None);
    assert!(dir.sealed_key_hash(&cast.handler.cert.id).is_some());
    cert.encryption_key = [7u8; 32];
    b.state(Some(&cast.admin), Change::User { cert });
    let (r, dir) = b.verify(&b.rows, None);
    assert!(r.intact, "{r:?}");
    assert_eq!(dir.sealed_key_hash(&cast.handler.cert.id), None);
}

/// T10: inquiries and their answers are facts too — only the letter's
/// registering clerk asks, only a supervisor of the unit asked answers, and
/// only once — and a receipt number is given once. Each unentitled one is
/// `forged` at its place.
#[test]
fn t10_inquiries_answers_and_receipt_numbers_are_entitled_facts() {
    let (mut b, d) = routed(50);
    let inquiry = |id: &str| Fact::Inquiry {
        inquiry: id.into(),
        letter: "l1".into(),
        unit: "稅務管理科".into(),
        readers: vec![d.sup.cert.id.clone()],
    };
    b.fact(&d.clerk, inquiry("q1"));
    b.fact(
        &d.sup,
        Fact::Answer {
            inquiry: "q1".into(),
            ours: true,
        },
    );
    let (r, facts) = facts_of(&b);
    assert!(r.intact, "{r:?}");
    let q = facts.inquiry("q1").expect("q1");
    assert_eq!(q.asked_by, d.clerk.cert.id);
    assert_eq!(q.readers, vec![d.sup.cert.id.clone()]);
    assert_eq!(
        q.answer.as_ref().map(|a| (a.0, a.1.clone())),
        Some((true, d.sup.cert.id.clone()))
    );
    let kept = b.rows.len();
    let cases: Vec<(&User, Fact, &str)> = vec![
        (&d.handler, inquiry("q2"), "asked by someone not its clerk"),
        (&d.clerk, inquiry("q1"), "the same inquiry twice"),
        (
            &d.sup,
            Fact::Answer {
                inquiry: "q1".into(),
                ours: false,
            },
            "answered twice",
        ),
        (
            &d.sup,
            Fact::Answer {
                inquiry: "never".into(),
                ours: true,
            },
            "an answer to nothing",
        ),
        (
            &d.clerk,
            Fact::Letter {
                letter: "l2".into(),
                receipt_no: "SD-115-00001".into(),
                level: "密".into(),
                category: "petition".into(),
                secret_until: None,
                retain_until: None,
            },
            "a receipt number given twice",
        ),
    ];
    for (author, fact, what) in cases {
        let at = b.fact(author, fact);
        assert_eq!(damage(&facts_of(&b).0), (Damage::Forged, at), "{what}");
        b.rows.truncate(kept);
    }
    // An answer by someone who is not a supervisor of the unit.
    b.fact(&d.clerk, inquiry("q3"));
    let kept = b.rows.len();
    for who in [&d.handler, &d.clerk, &d.admin] {
        let at = b.fact(
            who,
            Fact::Answer {
                inquiry: "q3".into(),
                ours: true,
            },
        );
        assert_eq!(
            damage(&facts_of(&b).0),
            (Damage::Forged, at),
            "{}",
            who.cert.name
        );
        b.rows.truncate(kept);
    }
}

/// An entry's action and outcome read back by the names they are stored
/// under (serde's), and show as the same names; anything else is refused.
#[test]
fn actions_and_outcomes_round_trip_their_stored_names() {
    use sealdesk_core::ledger::{Action, Outcome};
    for name in [
        "login",
        "login_failed",
        "view",
        "identity_reveal",
        "route_decision",
        "ledger_export",
        "integrity_warning",
    ] {
        let a: Action = name.parse().expect("a stored action");
        assert_eq!(a.as_str(), name);
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            format!("\"{name}\"")
        );
    }
    assert_eq!("denied".parse::<Outcome>(), Ok(Outcome::Denied));
    assert!("View".parse::<Action>().is_err());
    assert!("seen".parse::<Action>().is_err());
    assert!("maybe".parse::<Outcome>().is_err());
}
