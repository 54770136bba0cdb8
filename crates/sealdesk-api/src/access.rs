//! Who may do what (the role check every use case opens with, and the
//! denial it records), who holds which letter's key, and opening a
//! letter's records under it: what every use case that reads a letter
//! shares (reading, copies, marks, the register), kept out of any one of
//! them.

use sealdesk_core::crypto::{self, DataKey, RecordBinding, WrapBinding};
use sealdesk_core::domain::Role;
use sealdesk_core::facts::RequestKind;

use crate::actor::Actor;
use crate::ledger::{Action, Event};
use crate::records::{KEY_IDENTITY, KEY_LETTER};
use crate::session::Session;
use crate::{ApiError, Result, Vault};

impl Vault {
    /// The opening of a use case acting for a person: the session checked
    /// ([`Vault::begin`]: the idle lock, the directory folded forward, the
    /// account row against its certificate), then one of `roles` required
    /// (a refusal is recorded as `action`). Returns the actor.
    pub(crate) fn begin_as(
        &mut self,
        session: &mut Session,
        roles: &[Role],
        action: Action,
        what: &str,
    ) -> Result<Actor> {
        Ok(self.begin_with_role(session, roles, action, what)?.0)
    }

    /// [`Vault::begin_as`], with the role the check granted (what the
    /// ledger records for the act).
    pub(crate) fn begin_with_role(
        &mut self,
        session: &mut Session,
        roles: &[Role],
        action: Action,
        what: &str,
    ) -> Result<(Actor, Role)> {
        let actor = self.begin(session, true)?;
        let role = self.require_role(&actor, roles, action, what)?;
        Ok((actor, role))
    }

    pub(crate) fn deny<T>(&mut self, ev: Event, err: ApiError) -> Result<T> {
        let ev = ev.denied(err.to_string());
        if let Err(e) = self.record(ev) {
            tracing::error!(error = %e, "could not record a denied attempt");
        }
        Err(err)
    }

    pub(crate) fn require_role(
        &mut self,
        actor: &Actor,
        roles: &[Role],
        action: Action,
        what: &str,
    ) -> Result<Role> {
        if let Some(r) = roles.iter().find(|r| actor.roles.contains(**r)) {
            return Ok(*r);
        }
        let err = actor
            .require_any(roles, what)
            .err()
            .unwrap_or_else(|| ApiError::Denied(what.into()));
        self.deny(Event::new(actor.roles.iter().next(), action), err)
    }

    /// Whether the signed facts say `user` holds a letter's key now: its
    /// registering clerk, or a handler with a live access assignment. Such a
    /// holder whose wrap is missing or does not open finds an altered file
    /// (`integrity`), not a refusal.
    pub(crate) fn holds_by_facts(&mut self, user: &str, letter_id: &str) -> Result<bool> {
        self.holds_key_by_facts(user, letter_id, KEY_LETTER)
    }

    /// [`Vault::holds_by_facts`] for a key of `purpose`: the letter key as
    /// there; the identity key for the registering clerk and a handler with
    /// a live reveal.
    pub(crate) fn holds_key_by_facts(
        &mut self,
        user: &str,
        letter_id: &str,
        purpose: &str,
    ) -> Result<bool> {
        let kind = match purpose {
            KEY_LETTER => RequestKind::Access,
            KEY_IDENTITY => RequestKind::Reveal,
            _ => return Ok(false),
        };
        let now = self.now().unix_millis();
        let facts = self.facts()?;
        // A destroyed letter's keys (its identity's, when destroyed with it)
        // are held by no one.
        if facts.letter(letter_id).is_some_and(|l| {
            l.state == sealdesk_core::life::LetterState::Destroyed
                && (kind == RequestKind::Access || l.identity_destroyed)
        }) {
            return Ok(false);
        }
        Ok(facts
            .letter(letter_id)
            .is_some_and(|l| l.registered_by == user)
            || facts.live_assignment(user, letter_id, kind, now).is_some())
    }

    pub(crate) fn letter_key_for(
        &mut self,
        actor: &Actor,
        own: &crypto::UserSecretKey,
        letter_id: &str,
        purpose: &str,
    ) -> Result<(String, DataKey)> {
        let should = self.holds_key_by_facts(&actor.id, letter_id, purpose)?;
        let missing = |what: String| {
            if should {
                ApiError::Integrity(format!(
                    "{what}, though the signed facts say you hold it: the file was altered"
                ))
            } else {
                ApiError::Denied(what)
            }
        };
        let (key_row, wrapped) = self.store.read(|db| {
            let k = db.data_key_of(letter_id, purpose)?;
            let w = match &k {
                Some(k) => db.wrap_for(&k.id, &actor.id)?,
                None => None,
            };
            Ok((k, w))
        })?;
        let key_row = match key_row {
            Some(k) => k,
            None if should => {
                return Err(missing(format!(
                    "the {purpose} key of letter {letter_id} is gone"
                )))
            }
            None => {
                return Err(ApiError::NotFound(format!(
                    "{purpose} key of letter {letter_id}"
                )))
            }
        };
        let wrapped = wrapped
            .ok_or_else(|| missing(format!("you do not hold this letter's {purpose} key")))?;
        let dk = crypto::unwrap_data_key(
            own,
            &WrapBinding {
                record_id: &key_row.id,
                purpose,
            },
            &wrapped,
        )
        .map_err(ApiError::from_crypto("a letter key"))?;
        Ok((key_row.id, dk))
    }

    pub(crate) fn open_record_under(
        &self,
        key: &DataKey,
        key_id: &str,
        purpose: &str,
    ) -> Result<sealdesk_core::secret::Plaintext> {
        let rec = self
            .store
            .read(|db| db.record_of(key_id, purpose))?
            .ok_or_else(|| ApiError::Integrity(format!("{purpose} record missing")))?;
        crypto::open_record(
            key,
            &RecordBinding {
                record_id: &rec.id,
                purpose,
            },
            &rec.sealed,
        )
        .map_err(ApiError::from_crypto("a sealed record"))
    }

    /// A letter's row, checked against what its registering clerk signed:
    /// the 密等 printed on marks, the category that masks figures, the
    /// receipt number and the clerk who holds its register rights come only
    /// from a signed fact (T10). A row without one, or that differs, is
    /// `integrity`.
    pub(crate) fn letter_row(&mut self, letter: &str) -> Result<sealdesk_store::LetterRow> {
        let row = self
            .store
            .read(|db| db.letter(letter))?
            .ok_or_else(|| ApiError::NotFound(format!("letter {letter}")))?;
        self.check_letter(row)
    }

    pub(crate) fn check_letter(
        &mut self,
        row: sealdesk_store::LetterRow,
    ) -> Result<sealdesk_store::LetterRow> {
        match self.facts()?.letter(&row.id) {
            Some(f)
                if f.receipt_no == row.receipt_no
                    && f.level == row.level
                    && f.category == row.category
                    && f.registered_by == row.registered_by =>
            {
                Ok(row)
            }
            Some(_) => Err(ApiError::Integrity(format!(
                "letter {} is not as its clerk registered it (its 密等, category, receipt number or registering clerk was edited in the file)",
                row.receipt_no
            ))),
            None => Err(ApiError::Integrity(format!(
                "letter {} has no registration signed by a clerk: it was added to the file by hand, or registered by a Sealdesk older than signed facts (such a vault must be migrated; see ARCHITECTURE.md)",
                row.receipt_no
            ))),
        }
    }
}
