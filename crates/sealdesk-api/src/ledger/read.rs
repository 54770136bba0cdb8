//! The auditor's side of the ledger: verifying it (no passphrase needed),
//! reading its entries (each one that does not open listed apart), granting
//! its reader key, keeping a checkpoint and exporting it.

use std::path::Path;

use sealdesk_core::crypto::{self, UserSecretKey};
use sealdesk_core::directory::Change;
use sealdesk_core::domain::Role;
use sealdesk_core::ledger::{self, Checkpoint, LedgerVerifier, VerifyReport};

use super::{
    chain_row, h32, unwrap_secret, Action, Anchor, Ctx, Event, LedgerEntry, LedgerReadout,
    LedgerReport, Opened, Unreadable, READER_BINDING, SECRET_LEDGER_READER,
};
use crate::actor::Actor;
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

impl Vault {
    /// Verifies the whole ledger: the chain, every directory statement and
    /// every attestation, and that it extends a checkpoint the auditor kept
    /// and the witnesses the desks of this machine keep. Needs no passphrase
    /// and reads no entry.
    pub fn ledger_verify(&mut self, kept: Option<&Checkpoint>) -> Result<LedgerReport> {
        let genesis = self.genesis()?;
        let witnesses = self.local_witnesses(&genesis.genesis.vault_id);
        let mut wanted: Vec<u64> = witnesses.iter().map(|w| w.seq).collect();
        if let Some(k) = kept {
            wanted.push(k.seq);
        }
        let mut v = LedgerVerifier::new(&genesis.genesis, true, wanted);
        self.store
            .read(|db| db.for_each_ledger_row(|r| v.push(&chain_row(r))))?;
        let mut bad_witness = None;
        for w in &witnesses {
            if v.head().0 < w.seq || v.hash_at(w.seq) != Some(w.head_hash) {
                bad_witness.get_or_insert(w.clone());
            }
        }
        let (mut report, _) = v.finish(kept);
        if let Some(w) = bad_witness {
            let finding = ledger::Finding {
                kind: ledger::Damage::RolledBack,
                seq: w.seq.min(report.entries + 1),
                detail: format!(
                    "a desk on this machine saw entry {} with another head (or a longer ledger)",
                    w.seq
                ),
            };
            if report.damage.as_ref().is_none_or(|d| d.seq > finding.seq) {
                report.damage = Some(finding);
            }
            report.intact = false;
        }
        let mut anchor: Option<Anchor> = None;
        if let Some(k) = kept {
            anchor = Some(Anchor {
                seq: k.seq,
                source: "kept_checkpoint".into(),
                at: k.at,
                after: 0,
            });
        }
        for w in &witnesses {
            if anchor.as_ref().is_none_or(|a| w.seq > a.seq) {
                anchor = Some(Anchor {
                    seq: w.seq,
                    source: "desk_witness".into(),
                    at: w.at,
                    after: 0,
                });
            }
        }
        if let Some(a) = anchor.as_mut() {
            a.after = report.entries.saturating_sub(a.seq);
        }
        let summary = summarize(&report, anchor.as_ref());
        Ok(LedgerReport {
            report,
            anchor,
            summary,
        })
    }

    /// Signs and returns a checkpoint at the current head, for the auditor to
    /// keep outside the workstation. The session attests its own entries
    /// first, so the head is covered.
    pub fn ledger_checkpoint(&mut self, session: &mut Session) -> Result<Checkpoint> {
        // Only an auditor's (or the root's) checkpoint anchors anything.
        let actor = self.begin_as(
            session,
            &[Role::Auditor],
            Action::LedgerExport,
            "signing a ledger checkpoint",
        )?;
        self.attest_now()?;
        let own = self.session_key_owned(session)?;
        let root = self.genesis()?.genesis.root();
        let head = self.store.read(|db| db.ledger_head())?;
        let Some((seq, hash)) = head else {
            return Err(ApiError::NotFound("the ledger is empty".into()));
        };
        Ok(ledger::sign_checkpoint(
            &own.user_signing_key(),
            &actor.id,
            &root,
            u64::try_from(seq).unwrap_or(0),
            h32(&hash)?,
            self.now().unix_millis(),
        ))
    }

    fn reader_key(
        &mut self,
        actor: &Actor,
        own: &UserSecretKey,
        action: Action,
    ) -> Result<UserSecretKey> {
        let wrapped = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, &actor.id))?;
        let Some(wrapped) = wrapped else {
            if self.directory()?.is_ledger_reader(&actor.id) {
                return Err(ApiError::Integrity(
                    "the ledger key granted to you (a signed statement says so) is gone from the file"
                        .into(),
                ));
            }
            return self.deny(
                Event::new(Some(Role::Auditor), action),
                ApiError::Denied(
                    "you hold no ledger key yet: an auditor who has one runs `sealdesk ledger grant YOU`, or the holder of the recovery code runs `sealdesk recover --grant-ledger YOU`".into(),
                ),
            );
        };
        let reader = UserSecretKey::from_secret(unwrap_secret(own, &READER_BINDING, &wrapped)?);
        if reader.public_key() != self.genesis()?.genesis.ledger_key() {
            return Err(ApiError::Integrity(
                "the ledger key you hold is not the one this vault's root certifies".into(),
            ));
        }
        Ok(reader)
    }

    /// The last entry's sequence number and stored hash (no passphrase:
    /// the chain is not secret).
    pub fn ledger_head(&self) -> Result<Option<(u64, [u8; 32])>> {
        match self.store.read(|db| db.ledger_head())? {
            Some((seq, hash)) => Ok(Some((u64::try_from(seq).unwrap_or(0), h32(&hash)?))),
            None => Ok(None),
        }
    }

    /// The opening of an auditor's use case that needs the ledger's reader
    /// key: the auditor's role (a refusal recorded), then the key their own
    /// key opens.
    pub(crate) fn begin_with_ledger_key(
        &mut self,
        session: &mut Session,
        action: Action,
        what: &str,
    ) -> Result<(Actor, Role, UserSecretKey)> {
        let (actor, role) = self.begin_with_role(session, &[Role::Auditor], action, what)?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, action)?;
        Ok((actor, role, reader))
    }

    /// Auditor: every event, decrypted. The reading itself is recorded first.
    pub fn ledger_entries(&mut self, session: &mut Session) -> Result<Vec<LedgerEntry>> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "reading the ledger",
        )?;
        let ev = Event::new(Some(role), Action::LedgerRead);
        Ok(self
            .read_ledger(session, &actor, ev)?
            .into_iter()
            .map(LedgerEntry::from)
            .collect())
    }

    /// Auditor: every entry of the ledger, as [`Self::ledger_entries`], but
    /// an entry whose row is in the verified chain and does not open is
    /// listed as unreadable instead of hiding every other entry.
    pub fn ledger_readout(&mut self, session: &mut Session) -> Result<LedgerReadout> {
        let (_, role, reader) =
            self.begin_with_ledger_key(session, Action::LedgerRead, "reading the ledger")?;
        self.record(Event::new(Some(role), Action::LedgerRead))?;
        let (opened, unreadable) = self.decrypt_each(&reader)?;
        Ok(LedgerReadout {
            entries: opened.into_iter().map(LedgerEntry::from).collect(),
            unreadable,
        })
    }

    /// Auditor: `ledger_verify`, and then every entry opened and checked
    /// to name only the account that wrote it (T10): the first that names
    /// anyone else is `forged` damage at its sequence number. The reading
    /// is recorded first, like any other.
    pub fn ledger_verify_entries(
        &mut self,
        session: &mut Session,
        kept: Option<&Checkpoint>,
    ) -> Result<LedgerReport> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "verifying the ledger's entries",
        )?;
        let held = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, &actor.id))?
            .is_some();
        if !held {
            // The chain and signatures need no key; the bodies do.
            let mut report = self.ledger_verify(kept)?;
            report
                .summary
                .push_str("; entries not opened (you hold no ledger key yet)");
            return Ok(report);
        }
        let ev = Event::new(Some(role), Action::LedgerRead).detail("verify entries");
        let opened = self.read_ledger(session, &actor, ev)?;
        let mut report = self.ledger_verify(kept)?;
        let first_forged = opened
            .into_iter()
            .find_map(|o| o.forged.map(|why| (o.body.seq, why)));
        if let Some((seq, detail)) = first_forged {
            if report.report.damage.as_ref().is_none_or(|d| d.seq > seq) {
                report.report.damage = Some(ledger::Finding {
                    kind: ledger::Damage::Forged,
                    seq,
                    detail,
                });
            }
            report.report.intact = false;
            report.summary = summarize(&report.report, report.anchor.as_ref());
        }
        Ok(report)
    }

    /// Every entry, for an auditor whose role was checked, after `ev` (the
    /// read) is recorded.
    pub(crate) fn read_ledger(
        &mut self,
        session: &mut Session,
        actor: &Actor,
        ev: Event,
    ) -> Result<Vec<Opened>> {
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(actor, &own, Action::LedgerRead)?;
        self.record(ev)?;
        self.decrypt_all(&reader)
    }

    /// Every event of the verified ledger (entries 1 to the head this desk
    /// verified, re-linked as they are read), opened, each checked against
    /// the certified directory to name only its author.
    pub(crate) fn decrypt_all(&mut self, reader: &UserSecretKey) -> Result<Vec<Opened>> {
        let (opened, unreadable) = self.decrypt_each(reader)?;
        match unreadable.first() {
            Some(u) => Err(ApiError::Integrity(format!(
                "ledger entry {} does not decrypt; run `sealdesk ledger verify`",
                u.seq
            ))),
            None => Ok(opened),
        }
    }

    /// [`Self::decrypt_all`], with the entries whose rows link into the
    /// verified chain but do not open listed one by one (a planted row
    /// hides none of the others from the auditor).
    fn decrypt_each(&mut self, reader: &UserSecretKey) -> Result<(Vec<Opened>, Vec<Unreadable>)> {
        let mut out = Vec::new();
        let unreadable = self.for_each_opened(reader, |o| out.push(o))?;
        Ok((out, unreadable))
    }

    /// [`Self::decrypt_each`], each entry handed to `f` as it is opened
    /// instead of kept (the report over a million entries holds what it
    /// makes of them, not them). An entry that breaks the chain is found
    /// after `f` has seen those before it: the caller returns nothing then.
    pub(crate) fn for_each_opened(
        &mut self,
        reader: &UserSecretKey,
        mut f: impl FnMut(Opened),
    ) -> Result<Vec<Unreadable>> {
        self.refresh_directory()?;
        let (directory, head, head_hash) = {
            let f = self
                .fold
                .as_ref()
                .ok_or_else(|| ApiError::Integrity("fold".into()))?;
            (f.directory.clone(), f.seq, f.hash)
        };
        let mut unreadable = Vec::new();
        let mut bad = None;
        let mut expected = 1u64;
        let mut prev = [0u8; 32];
        self.store.read(|db| {
            db.for_each_ledger_row_after(0, |r| {
                let seq = u64::try_from(r.seq).unwrap_or(0);
                if bad.is_some() || seq > head {
                    return;
                }
                let hash = ledger::chain_hash(seq, &prev, &r.sealed);
                let linked = seq == expected
                    && r.prev_hash.as_slice() == prev.as_slice()
                    && hash.as_slice() == r.hash.as_slice();
                if !linked {
                    bad = Some(seq);
                    return;
                }
                prev = hash;
                expected += 1;
                match ledger::open_entry(reader, &r.sealed) {
                    Ok(Some(o)) => f(Opened {
                        forged: ledger::body_names_actor(&directory, &o.header, &o.body).err(),
                        body: o.body,
                        nonce: o.nonce,
                    }),
                    Ok(None) => {}
                    Err(e) => unreadable.push(Unreadable {
                        seq,
                        detail: e.to_string(),
                    }),
                }
            })
        })?;
        if bad.is_none() && (expected != head + 1 || prev != head_hash) {
            bad = Some(expected);
        }
        if let Some(seq) = bad {
            return Err(ApiError::Integrity(format!(
                "ledger entry {seq} is not what this desk verified; run `sealdesk ledger verify`"
            )));
        }
        Ok(unreadable)
    }

    /// Auditor: gives another auditor the ledger reader key.
    pub fn ledger_grant(&mut self, session: &mut Session, auditor: &str) -> Result<()> {
        let (actor, role, reader) =
            self.begin_with_ledger_key(session, Action::LedgerGrant, "granting the ledger key")?;
        let own = self.session_key_owned(session)?;
        let wrap = self.reader_wrap_for(&reader, auditor)?;
        // The grant is a statement the granting auditor signs: whom the
        // reader key was given to is never only a row.
        let st = self.statement(
            &actor.id,
            Change::LedgerReader {
                user: wrap.0.clone(),
            },
        )?;
        let signing = own.user_signing_key();
        let ev = Event::new(Some(role), Action::LedgerGrant)
            .detail(format!("ledger key granted to {auditor}"));
        self.commit_recorded(|db, ap| {
            db.put_secret_wrap(SECRET_LEDGER_READER, &wrap.0, &wrap.1)?;
            ap.directory(db, &st, &signing)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// The reader key wrapped to an active auditor's certified key.
    fn reader_wrap_for(
        &mut self,
        reader: &UserSecretKey,
        auditor: &str,
    ) -> Result<(String, Vec<u8>)> {
        let cert = self.cert_by_name(auditor)?;
        if !cert.has_role(Role::Auditor) || cert.disabled {
            return Err(ApiError::Denied(format!(
                "{auditor} is not an active auditor"
            )));
        }
        let wrapped = crypto::wrap_to(
            &cert.encryption_public_key(),
            &READER_BINDING,
            reader.secret_bytes().expose(),
            &mut self.rng,
        );
        Ok((cert.id, wrapped))
    }

    /// Recovery-code holder: gives an auditor the ledger reader key (the
    /// first auditor of a vault gets it this way; an admin never can). The
    /// act is written and attested by the vault root.
    pub fn recover_grant_ledger(
        &mut self,
        code: &crypto::RecoveryCode,
        auditor: &str,
    ) -> Result<()> {
        self.act_as_root(code)?;
        let out = self.recover_grant_ledger_inner(code, auditor);
        self.end_root_act();
        out
    }

    fn recover_grant_ledger_inner(
        &mut self,
        code: &crypto::RecoveryCode,
        auditor: &str,
    ) -> Result<()> {
        let wrapped = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, RECOVERY_RECIPIENT))?
            .ok_or_else(|| ApiError::Integrity("the ledger key has no recovery wrap".into()))?;
        let reader = UserSecretKey::from_secret(unwrap_secret(
            code.secret_key(),
            &READER_BINDING,
            &wrapped,
        )?);
        if reader.public_key() != self.genesis()?.genesis.ledger_key() {
            return Err(ApiError::Integrity(
                "the ledger key's recovery wrap is not the key this vault's root certifies".into(),
            ));
        }
        let wrap = self.reader_wrap_for(&reader, auditor)?;
        let st = self.statement(
            sealdesk_core::directory::ROOT_ISSUER,
            Change::LedgerReader {
                user: wrap.0.clone(),
            },
        )?;
        let root = code
            .secret_key()
            .derive_signing_key(crypto::ROOT_SIGNING_LABEL);
        let ev = Event::new(None, Action::LedgerGrant).detail(format!(
            "ledger key granted to {auditor} with the recovery code"
        ));
        self.commit_recorded(|db, ap| {
            db.put_secret_wrap(SECRET_LEDGER_READER, &wrap.0, &wrap.1)?;
            ap.directory(db, &st, &root)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// Acts as the vault root (the recovery-code holder): entries written
    /// until [`Vault::end_root_act`] are the root's and attested by it.
    pub(crate) fn act_as_root(&mut self, code: &crypto::RecoveryCode) -> Result<()> {
        let g = self.genesis()?;
        if code.public_key() != g.genesis.recovery_key() {
            return Err(ApiError::BadRecoveryCode);
        }
        let signing = code
            .secret_key()
            .derive_signing_key(crypto::ROOT_SIGNING_LABEL);
        if signing.verifying_key() != g.genesis.root() {
            return Err(ApiError::Integrity(
                "the recovery code does not derive this vault's root".into(),
            ));
        }
        self.refresh_directory()?;
        let mut session = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut self.rng, &mut session);
        self.ctx = Some(Ctx {
            actor: ledger::ROOT_ACTOR,
            name: ledger::ROOT_USER.to_owned(),
            session,
            signing,
        });
        Ok(())
    }

    pub(crate) fn end_root_act(&mut self) {
        if let Err(e) = self.attest_now() {
            tracing::error!(error = %e, "could not attest the root's entries");
        }
        self.ctx = None;
    }

    /// Auditor: writes the decrypted entries (JSONL, CSV), the sealed chain
    /// (with the directory statements and attestations in clear), the signed
    /// genesis, a checkpoint the auditor signs after the export was recorded,
    /// and a manifest of hashes into `dir`.
    pub fn ledger_export(
        &mut self,
        session: &mut Session,
        dir: &Path,
    ) -> Result<crate::export::ExportSummary> {
        let (_, role, reader) =
            self.begin_with_ledger_key(session, Action::LedgerExport, "exporting the ledger")?;
        self.record(
            Event::new(Some(role), Action::LedgerExport).detail(format!("to {}", dir.display())),
        )?;
        let checkpoint = self.ledger_checkpoint(session)?;
        let entries = self.decrypt_all(&reader)?;
        let mut chain = Vec::new();
        self.store.read(|db| {
            db.for_each_ledger_row(|r| {
                if u64::try_from(r.seq).unwrap_or(u64::MAX) <= checkpoint.seq {
                    chain.push(chain_row(r))
                }
            })
        })?;
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|o| o.body.seq <= checkpoint.seq)
            .map(|o| (o.body, o.nonce))
            .collect();
        let genesis = self.genesis()?;
        crate::export::write_export(dir, &genesis, &entries, &chain, &checkpoint)
    }
}

fn summarize(r: &VerifyReport, anchor: Option<&Anchor>) -> String {
    let mut s = if let Some(d) = &r.damage {
        format!("DAMAGED at entry {}: {}", d.seq, d.detail)
    } else {
        format!(
            "intact: {} entries, {} attestations verified",
            r.entries, r.checkpoints_verified
        )
    };
    match anchor {
        Some(a) => s.push_str(&format!(
            "; anchored at seq {} by a {} of {}; {} entries after it attested but not anchored",
            a.seq,
            if a.source == "kept_checkpoint" {
                "kept checkpoint"
            } else {
                "desk witness"
            },
            crate::format_utc(a.at),
            a.after
        )),
        None => s.push_str("; not anchored (no kept checkpoint or desk witness): a rollback of the whole file would not show"),
    }
    if !r.unattested.is_empty() {
        let users: Vec<String> = r
            .unattested
            .iter()
            .map(|u| format!("{} ({} from entry {})", u.user, u.entries, u.first_seq))
            .collect();
        s.push_str(&format!("; unattested: {}", users.join(", ")));
    }
    s
}
