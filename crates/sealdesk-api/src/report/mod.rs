//! The auditor's 政風 report over a period: the ledger's lookups tied to
//! the signed facts (which assignment, whose registration), checked by
//! `sealdesk_core::audit`, beside the lists an ethics unit reviews
//! (reveals and copies with their approvers, role changes, every account
//! with its last login, access held longer than the limit, the ledger's
//! verdict). Running it is recorded before anything is returned.
//!
//! Only entries that name their own author count: a forged entry framing a
//! colleague flags no one (it is the verdict's to report).

mod calendar;
mod render;

use std::collections::BTreeMap;

use sealdesk_core::audit::{self, Account, Calendar, Findings, Lookup, LookupKind, Settings, Tie};
use sealdesk_core::date;
use sealdesk_core::domain::Role;
use sealdesk_core::facts::Facts;
use sealdesk_core::ledger::{Action, EntryBody, Outcome};
use serde::Serialize;

pub use calendar::{parse_holidays, parse_leave, parse_office_hours, parse_roster};
pub use render::{write_report, FILES as REPORT_FILES};

use crate::ledger::Event;
use crate::session::Session;
use crate::{ApiError, Result, Vault};

const DAY_MS: i64 = 86_400_000;

/// What the auditor asks for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// First and last Taiwan day, in any form `date::parse_date` reads.
    pub from: String,
    pub to: String,
    /// The sample's seed; drawn from the vault's randomness when absent.
    pub seed: Option<u64>,
    pub settings: Settings,
    pub calendar: Calendar,
}

/// One act an ethics unit reviews by name: an identity reveal, an export or
/// a print, a role change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewedAct {
    pub seq: u64,
    /// UTC milliseconds.
    pub at: i64,
    pub user: String,
    pub action: Action,
    pub receipt_no: Option<String>,
    pub reason: Option<String>,
    /// Who approved it (the supervisor whose decision it rests on).
    pub approver: Option<String>,
    pub detail: Option<String>,
}

/// An account as the six-monthly permission review lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountLine {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
    pub disabled: bool,
    /// UTC milliseconds.
    pub certified_at: Option<i64>,
    pub last_login: Option<i64>,
}

/// An access held longer than the vault's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LongAccess {
    pub assignment: String,
    pub handler: String,
    pub receipt_no: String,
    pub starts_at: i64,
    pub until: i64,
    pub days: i64,
}

/// A session whose entries no attestation covers: a crash, or entries
/// written into the file under someone's name. One whose user attested
/// entries after it is the one to look at: the desk did not crash for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnattestedSession {
    pub user: String,
    pub session: String,
    pub first_seq: u64,
    pub entries: u64,
    /// The same user has attested entries after it.
    pub attested_later: bool,
}

/// A letter still classified, as the yearly review lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassifiedLetter {
    pub receipt_no: String,
    pub level: String,
    pub state: sealdesk_core::life::LetterState,
    pub registered_at: i64,
    /// The day its secrecy ends by itself (ISO), if it has one.
    pub secret_until: Option<String>,
    /// It ends within 30 days of the period's end, or has ended.
    pub due: bool,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditReport {
    /// ISO days, Taiwan.
    pub from: String,
    pub to: String,
    pub generated_at: i64,
    pub generated_by: String,
    /// Lookups and attempts in the period.
    pub lookups: u64,
    pub findings: Findings,
    pub reviewed: Vec<ReviewedAct>,
    pub role_changes: Vec<ReviewedAct>,
    pub accounts: Vec<AccountLine>,
    pub long_access: Vec<LongAccess>,
    /// The yearly review list: every letter still classified, with those
    /// due for declassification within 30 days of the period's end marked.
    pub classified: Vec<ClassifiedLetter>,
    /// The ledger's verdict, in words.
    pub integrity: String,
    /// Sessions never attested, those whose user attested later ones
    /// marked.
    pub unattested: Vec<UnattestedSession>,
    /// Set when no checkpoint is kept or the newest is older than 30 days.
    pub keep_checkpoint: Option<String>,
    /// The ledger entry that records this report.
    pub recorded_as: u64,
}

impl Vault {
    /// Auditor: the 政風 report over `req.from..=req.to` (Taiwan days).
    /// Needs the ledger key; recorded (period and seed) before it returns.
    pub fn audit_report(
        &mut self,
        session: &mut Session,
        req: &ReportRequest,
    ) -> Result<AuditReport> {
        let (actor, role, reader) =
            self.begin_with_ledger_key(session, Action::AuditReport, "running the audit report")?;
        let bad = |what: &str, e: date::DateError| ApiError::BadInput(format!("{what}: {e}"));
        let from = date::parse_date(&req.from).map_err(|e| bad("--from", e))?;
        let to = date::parse_date(&req.to).map_err(|e| bad("--to", e))?;
        if to < from {
            return Err(ApiError::BadInput(
                "報表迄日早於起日。 --to is before --from.".into(),
            ));
        }
        let start = date::end_of_day_in_taiwan(from) - DAY_MS + 1;
        let end = date::end_of_day_in_taiwan(to) + 1;
        let seed = match req.seed {
            Some(s) => s,
            None => rand_core::RngCore::next_u64(&mut self.rng),
        };
        let verdict = self.ledger_verify(None)?;
        let facts = self.facts()?.clone();
        let directory = self.directory()?.clone();
        let id_of = |name: &str| directory.user_by_name(name).map(|c| c.id.clone());
        let name_of = |id: &str| directory.user(id).map(|c| c.name.clone());

        let approver = |e: &EntryBody| -> Option<String> {
            let id = e.assignment.as_deref()?;
            let by = facts
                .assignment(id)
                .map(|a| a.approved_by.clone())
                .or_else(|| facts.request_facts(id).and_then(|r| r.decided_by.clone()))?;
            name_of(&by)
        };
        let act = |e: &EntryBody| ReviewedAct {
            seq: e.seq,
            at: e.at,
            user: e.user.clone(),
            action: e.action,
            receipt_no: e.receipt_no.clone(),
            reason: e.reason.clone(),
            approver: approver(e),
            detail: e.detail.clone(),
        };
        // One pass, each entry moved into what it becomes: a million
        // lookups are held once, not twice.
        let mut last_login: BTreeMap<String, i64> = BTreeMap::new();
        let mut lookups: Vec<Lookup> = Vec::new();
        // Every entry's sequence number by its user, for the sessions never
        // attested.
        let mut seqs_of: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut reviewed: Vec<ReviewedAct> = Vec::new();
        let mut role_changes: Vec<ReviewedAct> = Vec::new();
        let unreadable = self.for_each_opened(&reader, |o| {
            // Only entries naming their own author count (a forged entry
            // framing a colleague flags no one; the verdict reports it).
            if o.forged.is_some() {
                return;
            }
            let e = o.body;
            match seqs_of.get_mut(&e.user) {
                Some(v) => v.push(e.seq),
                None => {
                    seqs_of.insert(e.user.clone(), vec![e.seq]);
                }
            }
            let allowed = e.outcome == Outcome::Allowed;
            if e.action == Action::Login && allowed && e.at < end {
                match last_login.get_mut(&e.user) {
                    Some(t) => *t = (*t).max(e.at),
                    None => {
                        last_login.insert(e.user.clone(), e.at);
                    }
                }
            }
            if !(start <= e.at && e.at < end) {
                return;
            }
            let reviewed_act = allowed
                && match e.action {
                    // The showing, not the asking or the clerk's endorsement.
                    Action::IdentityReveal => e.detail.as_deref() == Some("identity shown"),
                    // The copy made, not the request for it.
                    Action::Export | Action::Print => !e
                        .detail
                        .as_deref()
                        .unwrap_or_default()
                        .starts_with("request:"),
                    _ => false,
                };
            if reviewed_act {
                reviewed.push(act(&e));
            }
            if allowed && e.action == Action::UserAdmin {
                role_changes.push(act(&e));
            }
            if let Some(l) = lookup(e, &facts, &id_of) {
                lookups.push(l);
            }
        })?;
        if let Some(u) = unreadable.first() {
            return Err(ApiError::Integrity(format!(
                "ledger entry {} does not decrypt; run `sealdesk ledger verify`",
                u.seq
            )));
        }
        let users = self.store.read(|db| db.list_users())?;
        let accounts: Vec<Account> = directory
            .users()
            .map(|c| Account {
                name: c.name.clone(),
                unit: c.unit.clone(),
                roles: c
                    .role_set()
                    .map(|r| r.iter().map(|r| r.as_str().to_owned()).collect())
                    .unwrap_or_default(),
                disabled: c.disabled,
                created_at: directory
                    .certified_since(&c.id)
                    .or_else(|| users.iter().find(|u| u.id == c.id).map(|u| u.created_at))
                    .unwrap_or(0),
                last_login: last_login.get(c.name.as_str()).copied(),
            })
            .collect();
        let findings: Findings =
            audit::examine(&lookups, &accounts, &req.calendar, &req.settings, end, seed);
        let mut lines: Vec<AccountLine> = directory
            .users()
            .map(|c| AccountLine {
                name: c.name.clone(),
                roles: c.role_set().map(|r| r.iter().collect()).unwrap_or_default(),
                unit: c.unit.clone(),
                disabled: c.disabled,
                certified_at: directory.certified_since(&c.id),
                last_login: last_login.get(c.name.as_str()).copied(),
            })
            .collect();
        // By name: the directory's order follows random account ids.
        lines.sort_by(|a, b| a.name.cmp(&b.name));
        let limit = self.max_access_days()?;
        let mut long_access: Vec<LongAccess> = facts
            .assignments()
            .filter(|(_, a)| live_at(a, end - 1))
            .filter(|(_, a)| (end - a.starts_at) / DAY_MS > limit)
            .map(|(id, a)| LongAccess {
                assignment: id.clone(),
                handler: name_of(&a.handler).unwrap_or_else(|| a.handler.clone()),
                receipt_no: facts
                    .letter(&a.letter)
                    .map(|l| l.receipt_no.clone())
                    .unwrap_or_default(),
                starts_at: a.starts_at,
                until: a.until,
                days: (end - a.starts_at) / DAY_MS,
            })
            .collect();
        long_access.sort_by(|a, b| (a.starts_at, &a.handler).cmp(&(b.starts_at, &b.handler)));
        // Classified letters: each one's review line, and those whose
        // secrecy ends within 30 days of the period's end (or has ended).
        let soon = date::taiwan_date(end - 1 + 30 * DAY_MS).to_string();
        let state_of = |id: &str| {
            facts
                .state_of(id)
                .unwrap_or(sealdesk_core::life::LetterState::Registered)
        };
        let mut classified: Vec<ClassifiedLetter> = facts
            .letters()
            .filter(|(id, _)| {
                !matches!(
                    state_of(id),
                    sealdesk_core::life::LetterState::Declassified
                        | sealdesk_core::life::LetterState::Destroyed
                )
            })
            .map(|(id, l)| ClassifiedLetter {
                receipt_no: l.receipt_no.clone(),
                level: l.level.clone(),
                state: state_of(id),
                registered_at: l.registered_at,
                secret_until: l.secret_until.clone(),
                due: l
                    .secret_until
                    .as_deref()
                    .is_some_and(|d| d <= soon.as_str()),
            })
            .collect();
        classified.sort_by(|a, b| a.receipt_no.cmp(&b.receipt_no));
        let keep_checkpoint = match &verdict.anchor {
            Some(a) if self.now().unix_millis() - a.at <= 30 * DAY_MS => None,
            Some(a) => Some(format!(
                "最新留存的查核點已逾 30 日（第 {} 筆），請匯出並留存新的查核點。 The newest kept checkpoint is over 30 days old: keep a new one.",
                a.seq
            )),
            None => Some(
                "尚未在金庫外留存查核點：請以 `sealdesk ledger checkpoint` 留存，作為日後查核的依據。 No checkpoint is kept outside the vault: keep one."
                    .into(),
            ),
        };
        let mut unattested: Vec<UnattestedSession> = verdict
            .unattested
            .iter()
            .map(|u| {
                // Entries of the user after this session began that no
                // unattested session of theirs from then on holds: attested.
                let after = seqs_of.get(&u.user).map_or(0, |v| {
                    v.iter().filter(|s| **s >= u.first_seq).count() as u64
                });
                let unattested_after: u64 = verdict
                    .unattested
                    .iter()
                    .filter(|w| w.user == u.user && w.first_seq >= u.first_seq)
                    .map(|w| w.entries)
                    .sum();
                UnattestedSession {
                    user: u.user.clone(),
                    session: u.session.clone(),
                    first_seq: u.first_seq,
                    entries: u.entries,
                    attested_later: after > unattested_after,
                }
            })
            .collect();
        unattested.sort_by_key(|u| u.first_seq);
        let n = lookups.len() as u64;
        let recorded_as =
            self.record(Event::new(Some(role), Action::AuditReport).detail(format!(
                "audit report {from}..{to}: {n} lookup(s), {} flag(s), sample seed {seed}",
                findings.flags.len()
            )))?;
        Ok(AuditReport {
            from: from.to_string(),
            to: to.to_string(),
            generated_at: self.now().unix_millis(),
            generated_by: actor.name,
            lookups: n,
            findings,
            reviewed,
            role_changes,
            accounts: lines,
            long_access,
            classified,
            integrity: verdict.summary.clone(),
            unattested,
            keep_checkpoint,
            recorded_as,
        })
    }
}

/// Live at `t`: begun, not lapsed, not ended before.
fn live_at(a: &sealdesk_core::facts::AssignmentFacts, t: i64) -> bool {
    a.starts_at <= t && t < a.until && a.ended.is_none_or(|(_, at)| t < at)
}

/// An entry as a lookup (a letter opened or an identity shown, or the
/// attempt), tied to what the facts say it rests on. Reading a routing
/// slip or listing letters is not a lookup.
fn lookup(e: EntryBody, facts: &Facts, id_of: &dyn Fn(&str) -> Option<String>) -> Option<Lookup> {
    let kind = match e.action {
        Action::View if e.reason.is_some() => LookupKind::View,
        Action::IdentityReveal
            if e.detail.as_deref() == Some("identity shown") || e.outcome == Outcome::Denied =>
        {
            LookupKind::Reveal
        }
        _ => return None,
    };
    let letter = e.letter_id?;
    let user_id = id_of(&e.user);
    let tie = match (&e.assignment, &user_id) {
        (Some(a), Some(uid)) => match facts.assignment(a) {
            Some(f) if &f.handler == uid && f.letter == letter && live_at(f, e.at) => {
                Tie::Assignment
            }
            _ => Tie::Untied,
        },
        (None, Some(uid))
            if e.role == Some(Role::Clerk)
                && facts
                    .letter(&letter)
                    .is_some_and(|l| &l.registered_by == uid) =>
        {
            Tie::Registrar
        }
        _ => Tie::Untied,
    };
    Some(Lookup {
        seq: e.seq,
        at: e.at,
        user: e.user,
        kind,
        receipt_no: e.receipt_no,
        letter: Some(letter),
        reason: e.reason,
        assignment: e.assignment,
        allowed: e.outcome == Outcome::Allowed,
        tie,
    })
}
