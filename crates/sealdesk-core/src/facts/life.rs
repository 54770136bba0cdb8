//! The facts of a letter's life: who closes, declassifies and destroys it,
//! and what its state must be (`crate::life`).
//!
//! | fact | author | requires |
//! |---|---|---|
//! | `close` | a supervisor of a unit it was routed to; the registering clerk if it never was | the state allows closing |
//! | `declassify` period ended | the same | its `secret_until` has come (Taiwan date) |
//! | `declassify` condition met | the supervisor who approved its level (its first routing) | it was routed |
//! | `destroy_propose` | the registering clerk | declassified, its retention over, no list pending |
//! | `destroy_approve` | a supervisor of a unit it was routed to (any supervisor if it never was), not the proposer | a pending list |
//! | `destroy` | an auditor (監銷), neither proposer nor approver | an approved list |

use serde::{Deserialize, Serialize};

use super::{refuse, Fact, FactError, FactStatement, Facts, LetterFacts, RequestKind};
use crate::directory::{Directory, UserCert};
use crate::domain::Role;
use crate::life::{self, Act, LetterState};

/// On what ground a letter stops being classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeclassifyBasis {
    /// Its 保密期限 (or a 國家機密 condition's cap) has come: 註銷.
    PeriodEnded,
    /// Its 解密條件 is met: 解密.
    ConditionMet,
}

impl DeclassifyBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PeriodEnded => "period_ended",
            Self::ConditionMet => "condition_met",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "period_ended" => Some(Self::PeriodEnded),
            "condition_met" => Some(Self::ConditionMet),
            _ => None,
        }
    }
}

/// A letter on a destruction list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destruction {
    /// The destruction list's (銷毀目錄) document number.
    pub list_no: String,
    pub proposed_by: String,
    pub approved_by: Option<String>,
}

impl Facts {
    /// Where a letter is in its life. A letter still marked registered
    /// that has an approved routing is handled: routed before states were
    /// kept (a desk's state from then resumes without them).
    pub fn state_of(&self, letter: &str) -> Option<LetterState> {
        let l = self.letters.get(letter)?;
        if l.state == LetterState::Registered && !self.handling_units(letter).is_empty() {
            return Some(LetterState::Handling);
        }
        Some(l.state)
    }

    /// Who approved the letter's level: the supervisor of its first
    /// approved routing.
    pub fn level_approver(&self, letter: &str) -> Option<String> {
        let l = self.letters.get(letter)?;
        l.level_approved_by.clone().or_else(|| {
            self.assignments
                .values()
                .filter(|a| a.letter == letter && a.kind == RequestKind::Access)
                .min_by_key(|a| a.starts_at)
                .map(|a| a.approved_by.clone())
        })
    }

    /// The letter's state allows `act` (what every request and decision on
    /// a letter asks too).
    pub(super) fn require_state(&self, letter: &str, act: Act) -> Result<(), FactError> {
        match self.state_of(letter) {
            Some(state) if life::allows(state, act) => Ok(()),
            Some(state) => refuse(life::refusal(state, act)),
            None => refuse(format!("letter {letter} has no signed registration")),
        }
    }

    /// The units the letter was routed to (an approved access assignment).
    fn handling_units(&self, letter: &str) -> Vec<&str> {
        self.assignments
            .values()
            .filter(|a| a.letter == letter && a.kind == RequestKind::Access)
            .map(|a| a.unit.as_str())
            .collect()
    }

    /// A supervisor of a unit it was routed to; the registering clerk of a
    /// letter never routed.
    fn handles(&self, author: &UserCert, letter: &str, l: &LetterFacts) -> bool {
        let units = self.handling_units(letter);
        if units.is_empty() {
            l.registered_by == author.id && author.has_role(Role::Clerk)
        } else {
            author.has_role(Role::Supervisor)
                && author.unit.as_deref().is_some_and(|u| units.contains(&u))
        }
    }

    pub(super) fn check_life(
        &self,
        _directory: &Directory,
        author: &UserCert,
        st: &FactStatement,
    ) -> Result<(), FactError> {
        let today = crate::date::taiwan_date(st.at).to_string();
        let letter = match &st.fact {
            Fact::Close { letter }
            | Fact::Declassify { letter, .. }
            | Fact::DestroyPropose { letter, .. }
            | Fact::DestroyApprove { letter }
            | Fact::Destroy { letter, .. } => letter,
            _ => return Ok(()),
        };
        let Some(l) = self.letters.get(letter) else {
            return refuse(format!("letter {letter} has no signed registration"));
        };
        match &st.fact {
            Fact::Close { .. } => {
                self.require_state(letter, Act::Close)?;
                if !self.handles(author, letter, l) {
                    return refuse(
                        "只有承辦單位主管（未分文者為登記之分文人員）得結案。 Only a supervisor of a unit it was routed to (its registering clerk if never routed) closes a letter.",
                    );
                }
            }
            Fact::Declassify { basis, .. } => {
                self.require_state(letter, Act::Declassify)?;
                match basis {
                    DeclassifyBasis::PeriodEnded => {
                        if !self.handles(author, letter, l) {
                            return refuse(
                                "保密期限屆滿之註銷由承辦單位為之。 A period that ended is cancelled by the handling unit.",
                            );
                        }
                        match &l.secret_until {
                            Some(until) if until.as_str() <= today.as_str() => {}
                            Some(until) => {
                                return refuse(format!(
                                    "保密期限至 {until}，尚未屆滿。 The secrecy period runs to {until}."
                                ))
                            }
                            None => {
                                return refuse(
                                    "本件以解密條件保密，無屆滿日期；條件成就請以「解密條件成就」辦理。 The letter has a condition, not a date.",
                                )
                            }
                        }
                    }
                    DeclassifyBasis::ConditionMet => match &self.level_approver(letter) {
                        Some(by) if *by == author.id => {}
                        Some(_) => {
                            return refuse(
                                "解密條件成就須由核定密等之主管核定。 Only the supervisor who approved the level finds its condition met.",
                            )
                        }
                        None => {
                            return refuse(
                                "本件尚未經主管核定密等（未分文），不得以條件成就解密。 No supervisor has approved its level yet.",
                            )
                        }
                    },
                }
            }
            Fact::DestroyPropose { list_no, .. } => {
                self.require_state(letter, Act::Destroy)?;
                if l.registered_by != author.id || !author.has_role(Role::Clerk) {
                    return refuse("只有登記之分文人員得列入銷毀目錄。 Only its registering clerk lists a letter for destruction.");
                }
                if list_no.trim().is_empty() {
                    return refuse("須填銷毀目錄文號。 The destruction list's number is required.");
                }
                if l.destruction.is_some() {
                    return refuse("本件已列入銷毀目錄。 It is on a destruction list already.");
                }
                match &l.retain_until {
                    Some(r) if r.as_str() <= today.as_str() => {}
                    Some(r) => {
                        return refuse(format!(
                            "保存年限至 {r} 始屆滿，不得銷毀。 Its retention runs to {r}."
                        ))
                    }
                    None => {
                        return refuse(
                            "本件無保存年限紀錄，不得銷毀。 It has no signed retention period.",
                        )
                    }
                }
            }
            Fact::DestroyApprove { .. } => {
                self.require_state(letter, Act::Destroy)?;
                let Some(d) = &l.destruction else {
                    return refuse("本件未列入銷毀目錄。 It is on no destruction list.");
                };
                if d.approved_by.is_some() {
                    return refuse("本件銷毀已核准。 Its destruction is approved already.");
                }
                let units = self.handling_units(letter);
                let entitled = author.has_role(Role::Supervisor)
                    && (units.is_empty()
                        || author.unit.as_deref().is_some_and(|u| units.contains(&u)));
                if !entitled || d.proposed_by == author.id {
                    return refuse("銷毀須由承辦單位主管核准（不得為提出人）。 A supervisor of a unit that handled it approves, not the proposer.");
                }
            }
            Fact::Destroy { .. } => {
                self.require_state(letter, Act::Destroy)?;
                let approved = l.destruction.as_ref().and_then(|d| {
                    d.approved_by
                        .as_ref()
                        .map(|a| (d.proposed_by.as_str(), a.as_str()))
                });
                let Some((proposer, approver)) = approved else {
                    return refuse("銷毀尚未核准。 The destruction is not approved.");
                };
                if !author.has_role(Role::Auditor) || author.id == proposer || author.id == approver
                {
                    return refuse("銷毀須由政風人員監銷（不得為提出人或核准人）。 An auditor witnesses a destruction, neither its proposer nor approver.");
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn commit_life(&mut self, st: &FactStatement) {
        let by = st.author.clone();
        match &st.fact {
            Fact::Close { letter } => {
                if let Some(l) = self.letters.get_mut(letter) {
                    l.state = LetterState::Closed;
                }
            }
            Fact::Declassify { letter, basis } => {
                if let Some(l) = self.letters.get_mut(letter) {
                    l.state = LetterState::Declassified;
                    l.declassified = Some((*basis, st.at));
                }
            }
            Fact::DestroyPropose { letter, list_no } => {
                if let Some(l) = self.letters.get_mut(letter) {
                    l.destruction = Some(Destruction {
                        list_no: list_no.clone(),
                        proposed_by: by,
                        approved_by: None,
                    });
                }
            }
            Fact::DestroyApprove { letter } => {
                if let Some(d) = self
                    .letters
                    .get_mut(letter)
                    .and_then(|l| l.destruction.as_mut())
                {
                    d.approved_by = Some(by);
                }
            }
            Fact::Destroy { letter, identity } => {
                if let Some(l) = self.letters.get_mut(letter) {
                    l.state = LetterState::Destroyed;
                    l.identity_destroyed = *identity;
                }
            }
            _ => {}
        }
    }
}
