//! A letter's life: closing (結案), declassification (解密／註銷) and
//! destruction (銷毀) through a destruction list, each a signed fact that
//! the fold checks (`sealdesk_core::facts` life table), recorded with its
//! reason. Destruction is crypto-shredding: every wrap of the letter's keys
//! (the recovery key's included), every record under them and every grant
//! layer of its requests, zeroed in the file and emptied from the WAL; the
//! register line, the copy register and the ledger stay.

use sealdesk_core::domain::Role;
use sealdesk_core::facts::{DeclassifyBasis, Fact, FactStatement};
use sealdesk_core::ledger::Action;
use sealdesk_core::life::{Act, LetterState};
use serde::Serialize;

use crate::actor::Actor;
use crate::ledger::Event;
use crate::records::{KEY_IDENTITY, KEY_LETTER, KEY_ORIGINAL};
use crate::session::Session;
use crate::{ApiError, Result, Vault};

/// A letter's state after a move, and what the move recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LifeStep {
    pub letter_id: String,
    pub receipt_no: String,
    pub state: LetterState,
    /// The ledger entry that records it.
    pub recorded_as: u64,
    /// 機密等級變更或註銷紀錄 of a declassification.
    pub declassified: Option<DeclassifyRecord>,
    /// What a destruction removed.
    pub shredded: Option<Shredded>,
}

/// 機密等級變更或註銷紀錄: who, when, on what basis, old and new marking,
/// and every earlier recipient of a copy, to be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeclassifyRecord {
    pub by: String,
    /// UTC milliseconds.
    pub at: i64,
    pub basis: DeclassifyBasis,
    pub reason: String,
    /// The marking struck through on copies made from now on.
    pub old_marking: String,
    pub new_marking: String,
    /// 第N份 and recipient of each earlier copy.
    pub notify: Vec<String>,
}

/// What a destruction removed from the vault file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Shredded {
    pub wraps: u64,
    pub records: u64,
    pub grant_layers: u64,
    pub identity_destroyed: bool,
    /// Whether the WAL was emptied (another desk reading keeps it).
    pub wal_emptied: bool,
}

/// Who may make a move, as what, for the refusal's words.
struct Move {
    roles: &'static [Role],
    action: Action,
    what: &'static str,
}

impl Vault {
    /// The letter's state, as the signed facts say.
    pub(crate) fn letter_state(&mut self, letter_id: &str) -> Result<LetterState> {
        Ok(self
            .facts()?
            .state_of(letter_id)
            .unwrap_or(LetterState::Registered))
    }

    /// A declassified letter's new marking (已解密／已註銷 and the day), as
    /// every page shown or copied after it carries beside the old one
    /// struck through; `None` while it is classified.
    pub(crate) fn new_marking(&mut self, letter_id: &str) -> Result<Option<String>> {
        Ok(self
            .facts()?
            .letter(letter_id)
            .and_then(|l| l.declassified)
            .map(|(basis, at)| marking(basis, at)))
    }

    /// Refuses, recorded, what the letter's state does not allow.
    pub(crate) fn require_state(&mut self, ev: &Event, letter_id: &str, act: Act) -> Result<()> {
        let state = self.letter_state(letter_id)?;
        if sealdesk_core::life::allows(state, act) {
            return Ok(());
        }
        self.deny(
            ev.clone(),
            ApiError::Denied(sealdesk_core::life::refusal(state, act)),
        )
    }

    /// A life fact the fold must allow; a refusal is `denied`, recorded.
    fn life_fact(&mut self, actor: &Actor, ev: &Event, fact: Fact) -> Result<FactStatement> {
        let now = self.now().unix_millis();
        let vault_id = self.genesis()?.genesis.vault_id;
        let st = FactStatement {
            vault_id,
            at: now,
            author: actor.id.clone(),
            fact,
        };
        let refused = {
            let facts = self.facts()?.clone();
            let directory = self.directory()?.clone();
            facts.check(&directory, &st).err()
        };
        if let Some(e) = refused {
            return self.deny(ev.clone(), ApiError::Denied(e.to_string()));
        }
        Ok(st)
    }

    fn life_begin(
        &mut self,
        session: &mut Session,
        roles: &[Role],
        action: Action,
        what: &str,
        letter: &str,
        reason: &str,
    ) -> Result<(Actor, Event, sealdesk_store::LetterRow)> {
        let (actor, role) = self.begin_with_role(session, roles, action, what)?;
        // By id or by receipt number, as the register shows it.
        let id = self
            .store
            .read(|db| db.list_letters())?
            .into_iter()
            .find(|l| l.receipt_no == letter.trim())
            .map_or_else(|| letter.to_owned(), |l| l.id);
        let l = self.letter_row(&id)?;
        let mut ev = self.event_for(role, action, &l);
        ev.reason = Some(reason.to_owned());
        if reason.trim().is_empty() {
            return self.deny(
                ev,
                ApiError::BadInput("請說明理由。 State why (--reason).".into()),
            );
        }
        Ok((actor, ev, l))
    }

    fn step(&mut self, l: &sealdesk_store::LetterRow, recorded_as: u64) -> Result<LifeStep> {
        Ok(LifeStep {
            letter_id: l.id.clone(),
            receipt_no: l.receipt_no.clone(),
            state: self.letter_state(&l.id)?,
            recorded_as,
            declassified: None,
            shredded: None,
        })
    }

    /// Supervisor of a unit it was routed to (its registering clerk if it
    /// never was): closes the letter (結案). Those still assigned read it
    /// until their access ends; it is not routed again.
    pub fn close_letter(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
    ) -> Result<LifeStep> {
        let how = Move {
            roles: &[Role::Supervisor, Role::Clerk],
            action: Action::Close,
            what: "closing a letter",
        };
        self.plain_move(
            session,
            how,
            letter,
            reason,
            |letter| Fact::Close { letter },
            "closed",
        )
    }

    /// One move of a letter's life that is its signed fact and its entry
    /// and nothing else, in one transaction.
    fn plain_move(
        &mut self,
        session: &mut Session,
        how: Move,
        letter: &str,
        reason: &str,
        fact: impl FnOnce(String) -> Fact,
        detail: &str,
    ) -> Result<LifeStep> {
        let (actor, ev, l) =
            self.life_begin(session, how.roles, how.action, how.what, letter, reason)?;
        let signed = self.life_fact(&actor, &ev, fact(l.id.clone()))?;
        let ev = ev.detail(detail);
        let seq = self.commit_recorded(|db, ap| {
            ap.fact(db, &signed)?;
            ap.event(db, &ev)
        })?;
        self.step(&l, seq)
    }

    /// Declassifies (`condition_met`: 解密, by the supervisor who approved
    /// the level) or cancels (`period_ended`: 註銷, by the handling unit
    /// once the date has come) a letter. Returns the change record, with the
    /// earlier copies' recipients to be told.
    pub fn declassify(
        &mut self,
        session: &mut Session,
        letter: &str,
        basis: DeclassifyBasis,
        reason: &str,
    ) -> Result<LifeStep> {
        let (actor, ev, l) = self.life_begin(
            session,
            &[Role::Supervisor, Role::Clerk],
            Action::Declassify,
            "declassifying a letter",
            letter,
            reason,
        )?;
        let signed = self.life_fact(
            &actor,
            &ev,
            Fact::Declassify {
                letter: l.id.clone(),
                basis,
            },
        )?;
        let until = self
            .facts()?
            .letter(&l.id)
            .and_then(|f| f.secret_until.clone());
        let old_marking = match &until {
            Some(d) => format!("{}（保密期限 {d}）", l.level),
            None => format!("{}（依解密條件）", l.level),
        };
        let now = self.now().unix_millis();
        let new_marking = marking(basis, now);
        // Earlier copies as the signed facts hold them (number and
        // recipient), never a copy row a writer of the file could add.
        let mut copies: Vec<(u32, String)> = {
            let facts = self.facts()?;
            facts
                .requests()
                .filter(|(_, r)| r.letter == l.id)
                .filter_map(|(_, r)| r.copy_no.map(|n| (n, r.handler.clone())))
                .collect()
        };
        copies.sort();
        let directory = self.directory()?;
        let notify: Vec<String> = copies
            .into_iter()
            .map(|(n, id)| {
                let name = directory.user(&id).map_or(id.clone(), |u| u.name.clone());
                format!("第{n}份：{name}")
            })
            .collect();
        let ev = ev.detail(format!(
            "{}: {old_marking} → {new_marking}; {} earlier recipient(s) to notify",
            basis.as_str(),
            notify.len()
        ));
        let seq = self.commit_recorded(|db, ap| {
            ap.fact(db, &signed)?;
            ap.event(db, &ev)
        })?;
        let mut step = self.step(&l, seq)?;
        step.declassified = Some(DeclassifyRecord {
            by: actor.name,
            at: now,
            basis,
            reason: reason.to_owned(),
            old_marking,
            new_marking,
            notify,
        });
        Ok(step)
    }

    /// Registering clerk: puts a declassified letter whose retention is
    /// over on a destruction list (銷毀目錄) under its document number.
    pub fn destroy_propose(
        &mut self,
        session: &mut Session,
        letter: &str,
        list_no: &str,
        reason: &str,
    ) -> Result<LifeStep> {
        let how = Move {
            roles: &[Role::Clerk],
            action: Action::Destroy,
            what: "listing a letter for destruction",
        };
        let list_no = list_no.trim().to_owned();
        let detail = format!("listed for destruction on list {list_no}");
        self.plain_move(
            session,
            how,
            letter,
            reason,
            |letter| Fact::DestroyPropose { letter, list_no },
            &detail,
        )
    }

    /// Supervisor of a unit that handled it: approves its destruction.
    pub fn destroy_approve(
        &mut self,
        session: &mut Session,
        letter: &str,
        reason: &str,
    ) -> Result<LifeStep> {
        let how = Move {
            roles: &[Role::Supervisor],
            action: Action::Destroy,
            what: "approving a destruction",
        };
        self.plain_move(
            session,
            how,
            letter,
            reason,
            |letter| Fact::DestroyApprove { letter },
            "destruction approved",
        )
    }

    /// Auditor (監銷): witnesses and carries out an approved destruction.
    /// The letter's and the original's keys are shredded; the identity
    /// compartment only when `identity` says so (its own decision).
    pub fn destroy(
        &mut self,
        session: &mut Session,
        letter: &str,
        identity: bool,
        reason: &str,
    ) -> Result<LifeStep> {
        let (actor, ev, l) = self.life_begin(
            session,
            &[Role::Auditor],
            Action::Destroy,
            "witnessing a destruction",
            letter,
            reason,
        )?;
        let signed = self.life_fact(
            &actor,
            &ev,
            Fact::Destroy {
                letter: l.id.clone(),
                identity,
            },
        )?;
        let list_no = self
            .facts()?
            .letter(&l.id)
            .and_then(|f| f.destruction.as_ref().map(|d| d.list_no.clone()))
            .unwrap_or_default();
        let mut purposes = vec![KEY_LETTER, KEY_ORIGINAL];
        if identity {
            purposes.push(KEY_IDENTITY);
        }
        let mut counts = (0, 0, 0);
        let ev = ev.detail(format!(
            "destroyed (list {list_no}){}",
            if identity {
                ", identity compartment too"
            } else {
                ""
            }
        ));
        let seq = self.commit_recorded(|db, ap| {
            counts = db.shred_letter_keys(&l.id, &purposes)?;
            ap.fact(db, &signed)?;
            ap.event(db, &ev)
        })?;
        let wal_emptied = self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        let mut step = self.step(&l, seq)?;
        step.shredded = Some(Shredded {
            wraps: counts.0 as u64,
            records: counts.1 as u64,
            grant_layers: counts.2 as u64,
            identity_destroyed: identity,
            wal_emptied,
        });
        Ok(step)
    }
}

/// The new marking of a letter declassified on `basis` at `at`.
fn marking(basis: DeclassifyBasis, at: i64) -> String {
    let day = sealdesk_core::date::roc(sealdesk_core::date::taiwan_date(at));
    match basis {
        DeclassifyBasis::PeriodEnded => format!("已註銷（保密期限屆滿，{day}）"),
        DeclassifyBasis::ConditionMet => format!("已解密（解密條件成就，{day}）"),
    }
}
