//! Signed facts: every act that grants, limits or names on a letter is a
//! statement signed by the account entitled to it, and [`Facts`] is their
//! fold. Tables in the vault file are caches checked against this fold; a
//! row the fold does not vouch for grants nothing.
//!
//! A fact is a ledger entry in clear (`ledger::EntryKind::Fact`) whose
//! header actor *is* its author: the statement names its author's account
//! id, the header must carry the same id, and the signature must verify
//! with that account's certified key. So a writer of the file can neither
//! make a fact in someone else's name nor move one to another account.
//!
//! What each fact may say is checked against the directory and the facts
//! before it, at its place in the ledger:
//!
//! | fact | author | requires |
//! |---|---|---|
//! | `letter` | a clerk | a new letter id; the author becomes its registering clerk |
//! | `request` access | a clerk | the letter exists |
//! | `request` reveal | the handler named | a live access assignment of that handler to the letter |
//! | `request` export/print | the assigned handler or the registering clerk | that standing now |
//! | `endorse` | the letter's registering clerk | a reveal awaiting endorsement, its handler still assigned |
//! | `decide` | a supervisor of the request's unit, neither requester nor named | a pending request; an approved reveal still needs the handler's live access |
//! | `end` | revoked: a supervisor of the unit; declined: the handler | a live assignment |
//! | `affirm` | the assignment's handler | a live assignment |
//! | `copy` | the requester | an approved, unused copy request, before it lapses; copy numbers follow on |
//! | `close`, `declassify`, `destroy_propose`, `destroy_approve`, `destroy` | see [`life`] | the letter's state allows it (`crate::life::allows`) |
//!
//! Facts hold ids, kinds, units, times and the 密等 and category of a
//! letter — never its text, its parties or a reason (those stay sealed).
//!
//! Byte layout (pinned by golden tests): the statement is JSON with a fixed
//! field order; the signature covers `"sealdesk.fact.v1\0" ‖ seq ‖
//! prev_hash ‖ json`, binding it to its one place in the ledger.

mod life;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use life::{DeclassifyBasis, Destruction};

use crate::crypto::{self, SigningKey, SIGNATURE_LEN};
use crate::directory::{id_bytes, placed_message, sign_placed, Directory};
use crate::domain::Role;

const FACT_LABEL: &[u8] = b"sealdesk.fact.v1\0";

/// What a request asks for. The string forms are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Access,
    Reveal,
    Export,
    Print,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Reveal => "reveal",
            Self::Export => "export",
            Self::Print => "print",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "access" => Some(Self::Access),
            "reveal" => Some(Self::Reveal),
            "export" => Some(Self::Export),
            "print" => Some(Self::Print),
            _ => None,
        }
    }

    /// Whether approving it makes an assignment (a key for a handler).
    pub fn assigns(self) -> bool {
        matches!(self, Self::Access | Self::Reveal)
    }
}

/// How an assignment ended before its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    Revoked,
    Declined,
}

impl EndKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revoked => "revoked",
            Self::Declined => "declined",
        }
    }
}

/// Why an assignment no longer grants access, as lists show it: ended
/// before its time by a decision, or lapsed at its `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    Revoked,
    Declined,
    Expired,
}

impl Ended {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revoked => "revoked",
            Self::Declined => "declined",
            Self::Expired => "expired",
        }
    }
}

impl From<EndKind> for Ended {
    fn from(k: EndKind) -> Self {
        match k {
            EndKind::Revoked => Self::Revoked,
            EndKind::Declined => Self::Declined,
        }
    }
}

/// A unit's answer to the clerk's inquiry "is this letter yours?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InquiryAnswer {
    Ours,
    NotOurs,
}

impl InquiryAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::NotOurs => "not_ours",
        }
    }

    pub fn from_ours(ours: bool) -> Self {
        if ours {
            Self::Ours
        } else {
            Self::NotOurs
        }
    }
}

/// What a fact says. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fact")]
pub enum Fact {
    /// A letter registered: the register fields that change what Sealdesk
    /// does (the 密等 printed on marks, the category that masks figures).
    Letter {
        letter: String,
        receipt_no: String,
        level: String,
        category: String,
        /// The day (ISO, Taiwan) its secrecy ends by itself: the 保密期限,
        /// or a 國家機密 condition's cap. Absent for a 「密」 condition and
        /// in letters registered before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret_until: Option<String>,
        /// The first day (ISO) it may be destroyed: received plus its
        /// 保存年限. Absent in letters registered before it (never
        /// destroyed then).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retain_until: Option<String>,
    },
    /// A request: route to a handler, reveal an identity, make a copy for
    /// a recipient (`handler`).
    Request {
        request: String,
        kind: RequestKind,
        letter: String,
        unit: String,
        handler: String,
        /// UTC milliseconds: end of the access asked for, or of the
        /// approval's validity for a copy.
        until: i64,
        /// The accounts the request's sealed reason is wrapped to (its
        /// readers): one of them who finds no wrap, or a wrap that does not
        /// open, finds an altered file. Absent in requests made before it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        readers: Vec<String>,
    },
    /// The registering clerk prepared a reveal's grant.
    Endorse { request: String },
    /// A supervisor's decision; an approved access or reveal request names
    /// the assignment it makes.
    Decide {
        request: String,
        approve: bool,
        assignment: Option<String>,
    },
    /// An assignment ended before its time.
    End { assignment: String, end: EndKind },
    /// The handler affirmed no relationship with the letter's parties.
    Affirm { assignment: String },
    /// A copy made from an approved copy request.
    Copy { request: String, copy_no: u32 },
    /// The registering clerk asked a unit whether a letter is theirs; the
    /// routing slip is sealed to `readers` (the unit's supervisors).
    Inquiry {
        inquiry: String,
        letter: String,
        unit: String,
        readers: Vec<String>,
    },
    /// A supervisor of the unit asked answered (once).
    Answer { inquiry: String, ours: bool },
    /// 結案.
    Close { letter: String },
    /// 解密 (a condition met) or 註銷 (the period ended).
    Declassify {
        letter: String,
        basis: DeclassifyBasis,
    },
    /// The registering clerk puts a declassified letter past its retention
    /// on a destruction list (銷毀目錄) under that list's document number.
    DestroyPropose { letter: String, list_no: String },
    /// A supervisor of a unit that handled it approves the destruction.
    DestroyApprove { letter: String },
    /// The ethics unit witnesses (監銷) and carries out the destruction;
    /// `identity`: the identity compartment too (its own decision).
    Destroy { letter: String, identity: bool },
}

/// A signed fact's content. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactStatement {
    pub vault_id: String,
    /// UTC milliseconds.
    pub at: i64,
    /// The signing account's id; the entry's header actor must be the same.
    pub author: String,
    #[serde(flatten)]
    pub fact: Fact,
}

impl FactStatement {
    pub fn canonical_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// What the author signs: the fact at ledger entry `seq`, whose
    /// predecessor has hash `prev_hash`.
    pub fn signing_message(json: &[u8], seq: u64, prev_hash: &[u8; 32]) -> Vec<u8> {
        placed_message(FACT_LABEL, json, seq, prev_hash)
    }

    /// The JSON and its signature, for ledger entry `seq` after `prev_hash`.
    pub fn sign_at(
        &self,
        key: &SigningKey,
        seq: u64,
        prev_hash: &[u8; 32],
    ) -> (Vec<u8>, [u8; SIGNATURE_LEN]) {
        sign_placed(key, FACT_LABEL, self.canonical_json(), seq, prev_hash)
    }
}

/// Why a fact was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("fact does not parse")]
    Malformed,
    #[error("fact is for another vault")]
    OtherVault,
    #[error("fact's author {0} is not an active, certified account")]
    NotCertified(String),
    #[error("fact's entry is written by another account than its author")]
    NotTheAuthor,
    #[error("fact signature does not verify")]
    BadSignature,
    #[error("{0}")]
    NotEntitled(String),
}

/// A registered letter, as its clerk signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterFacts {
    pub receipt_no: String,
    pub level: String,
    pub category: String,
    pub registered_by: String,
    pub registered_at: i64,
    /// Copies made so far.
    pub copies: u32,
    /// As the life facts moved it. Read it through `Facts::state_of`,
    /// which also counts a letter routed before states were kept (a desk's
    /// state from then) as handled.
    #[serde(default = "registered", skip_serializing_if = "is_registered")]
    pub state: crate::life::LetterState,
    /// The supervisor who approved its first routing, and with it the
    /// level: who decides its condition is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destruction: Option<Destruction>,
    /// Whether the identity compartment was destroyed with it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identity_destroyed: bool,
    /// On what basis and when it was declassified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declassified: Option<(DeclassifyBasis, i64)>,
}

fn registered() -> crate::life::LetterState {
    crate::life::LetterState::Registered
}

fn is_registered(s: &crate::life::LetterState) -> bool {
    *s == crate::life::LetterState::Registered
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    AwaitingEndorsement,
    Pending,
    Approved,
    Denied,
    /// A copy request whose copy was made.
    Done,
}

impl RequestStatus {
    /// The stored and shown form (the CLI's `status`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingEndorsement => "awaiting_endorsement",
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Done => "done",
        }
    }
}

/// A request, as the facts about it say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFacts {
    pub kind: RequestKind,
    pub letter: String,
    pub unit: String,
    pub handler: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub until: i64,
    pub status: RequestStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// A copy request's copy, once made: its number (第N份).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_no: Option<u32>,
    /// Who the request's reason is sealed to (see [`Fact::Request`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<String>,
}

/// An assignment, as the facts about it say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentFacts {
    pub kind: RequestKind,
    pub letter: String,
    pub handler: String,
    pub unit: String,
    pub request: String,
    pub approved_by: String,
    pub starts_at: i64,
    pub until: i64,
    pub ended: Option<(EndKind, i64)>,
    pub affirmed_at: Option<i64>,
}

impl AssignmentFacts {
    /// Live at `now`: not ended, not lapsed.
    pub fn live(&self, now: i64) -> bool {
        self.ended.is_none() && self.starts_at <= now && now < self.until
    }
}

/// An inquiry, as the facts about it say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryFacts {
    pub letter: String,
    pub unit: String,
    pub asked_by: String,
    pub asked_at: i64,
    pub readers: Vec<String>,
    /// `(ours, by, at)` once answered.
    pub answer: Option<(bool, String, i64)>,
}

/// The fold over the facts. Serialized only inside a desk's sealed state
/// (field order is part of that format).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facts {
    letters: BTreeMap<String, LetterFacts>,
    requests: BTreeMap<String, RequestFacts>,
    assignments: BTreeMap<String, AssignmentFacts>,
    count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    inquiries: BTreeMap<String, InquiryFacts>,
}

/// What a request of a kind does to its letter, as the state table names it.
fn kind_act(kind: RequestKind) -> crate::life::Act {
    match kind {
        RequestKind::Access => crate::life::Act::Route,
        RequestKind::Reveal => crate::life::Act::Reveal,
        RequestKind::Export | RequestKind::Print => crate::life::Act::Copy,
    }
}

fn refuse<T>(why: impl Into<String>) -> Result<T, FactError> {
    Err(FactError::NotEntitled(why.into()))
}

impl Facts {
    /// Parses and checks a fact written at ledger entry `seq` by header
    /// actor `actor`, against the directory and the facts before it, then
    /// applies it. Nothing changes when it is refused.
    pub fn apply(
        &mut self,
        directory: &Directory,
        actor: &[u8; 16],
        json: &[u8],
        signature: &[u8],
        seq: u64,
        prev_hash: &[u8; 32],
    ) -> Result<FactStatement, FactError> {
        let st: FactStatement = serde_json::from_slice(json).map_err(|_| FactError::Malformed)?;
        if st.canonical_json() != json {
            return Err(FactError::Malformed);
        }
        if st.vault_id != directory.vault_id() {
            return Err(FactError::OtherVault);
        }
        if id_bytes(&st.author) != *actor {
            return Err(FactError::NotTheAuthor);
        }
        let cert = match directory.user(&st.author) {
            Some(c) if !c.disabled => c,
            _ => return Err(FactError::NotCertified(st.author.clone())),
        };
        crypto::verify_signature(
            &cert.verifying_key(),
            &FactStatement::signing_message(json, seq, prev_hash),
            signature,
        )
        .map_err(|_| FactError::BadSignature)?;
        self.check(directory, &st)?;
        self.commit(&st);
        Ok(st)
    }

    /// Checks what a fact says against the directory and the facts so far
    /// (not its signature): what the API asks before it writes one, so that
    /// a fact the fold would refuse never reaches the ledger.
    pub fn check(&self, directory: &Directory, st: &FactStatement) -> Result<(), FactError> {
        let author = match directory.user(&st.author) {
            Some(c) if !c.disabled => c,
            _ => return Err(FactError::NotCertified(st.author.clone())),
        };
        let at = st.at;
        let by = st.author.as_str();
        match &st.fact {
            Fact::Letter {
                letter, receipt_no, ..
            } => {
                if !author.has_role(Role::Clerk) {
                    return refuse("only a clerk registers a letter");
                }
                if self.letters.contains_key(letter) {
                    return refuse(format!("letter {letter} is already registered"));
                }
                // (The API checks before the transaction gives the number.)
                if !receipt_no.is_empty()
                    && self.letters.values().any(|l| l.receipt_no == *receipt_no)
                {
                    return refuse(format!("receipt number {receipt_no} is already given"));
                }
            }
            Fact::Request {
                request,
                kind,
                letter,
                unit,
                handler,
                until,
                ..
            } => {
                if self.requests.contains_key(request) {
                    return refuse(format!("request {request} already exists"));
                }
                let Some(l) = self.letters.get(letter) else {
                    return refuse(format!("letter {letter} has no signed registration"));
                };
                if *until <= at {
                    return refuse("a request must end after it is made");
                }
                self.require_state(letter, kind_act(*kind))?;
                match kind {
                    RequestKind::Access => {
                        if !author.has_role(Role::Clerk) {
                            return refuse("only a clerk routes a letter");
                        }
                        match directory.user(handler) {
                            Some(h)
                                if !h.disabled
                                    && h.has_role(Role::Handler)
                                    && h.unit.as_deref() == Some(unit) => {}
                            _ => return refuse("the handler is not an active handler of the unit"),
                        }
                    }
                    RequestKind::Reveal => {
                        if handler != by || !author.has_role(Role::Handler) {
                            return refuse("a handler asks for an identity only for themself");
                        }
                        self.require_access(by, letter, at)?;
                    }
                    RequestKind::Export | RequestKind::Print => {
                        let assigned = self
                            .live_assignment(by, letter, RequestKind::Access, at)
                            .is_some_and(|(_, a)| a.unit == *unit);
                        let registrar = l.registered_by == by
                            && author.has_role(Role::Clerk)
                            && author.unit.as_deref() == Some(unit);
                        if !assigned && !registrar {
                            return refuse(
                                "only the letter's assigned handler or registering clerk asks for a copy",
                            );
                        }
                        if directory.user(handler).is_none_or(|h| h.disabled) {
                            return refuse("the recipient is not an active account");
                        }
                    }
                }
            }
            Fact::Endorse { request } => {
                let r = self.request(request)?;
                if r.kind != RequestKind::Reveal || r.status != RequestStatus::AwaitingEndorsement {
                    return refuse("not a reveal request awaiting endorsement");
                }
                if self
                    .letters
                    .get(&r.letter)
                    .map(|l| l.registered_by.as_str())
                    != Some(by)
                    || !author.has_role(Role::Clerk)
                {
                    return refuse("only the letter's registering clerk endorses a reveal");
                }
                self.require_access(&r.handler, &r.letter, at)?;
            }
            Fact::Decide {
                request,
                approve,
                assignment,
            } => {
                let r = self.request(request)?;
                if !author.has_role(Role::Supervisor) || author.unit.as_deref() != Some(&r.unit) {
                    return refuse("only a supervisor of the request's unit decides it");
                }
                if r.requested_by == by || r.handler == by {
                    return refuse(
                        "a supervisor cannot decide a request they made or that names them",
                    );
                }
                let open = r.status == RequestStatus::Pending
                    || (!approve && r.status == RequestStatus::AwaitingEndorsement);
                if !open {
                    return refuse(format!("the request is {}", r.status.as_str()));
                }
                if *approve {
                    if r.until <= at {
                        return refuse("the request has lapsed");
                    }
                    self.require_state(&r.letter, kind_act(r.kind))?;
                    if r.kind == RequestKind::Reveal {
                        self.require_access(&r.handler, &r.letter, at)?;
                    }
                    match (r.kind.assigns(), assignment) {
                        (true, Some(a)) if !self.assignments.contains_key(a) => {}
                        (false, None) => {}
                        _ => {
                            return refuse(
                                "an approval names a new assignment exactly when it makes one",
                            )
                        }
                    }
                } else if assignment.is_some() {
                    return refuse("a denial makes no assignment");
                }
            }
            Fact::End { assignment, end } => {
                let Some(a) = self.assignments.get(assignment) else {
                    return refuse(format!("assignment {assignment} was never approved"));
                };
                if a.ended.is_some() {
                    return refuse("the assignment has ended already");
                }
                let entitled = match end {
                    EndKind::Revoked => {
                        author.has_role(Role::Supervisor) && author.unit.as_deref() == Some(&a.unit)
                    }
                    EndKind::Declined => a.handler == by,
                };
                if !entitled {
                    return refuse("not entitled to end this assignment");
                }
            }
            Fact::Affirm { assignment } => match self.assignments.get(assignment) {
                Some(a) if a.handler == by && a.live(at) => {
                    self.require_state(&a.letter, crate::life::Act::Open)?;
                }
                _ => return refuse("only the handler of a live assignment affirms"),
            },
            Fact::Copy { request, copy_no } => {
                let r = self.request(request)?;
                if !matches!(r.kind, RequestKind::Export | RequestKind::Print) {
                    return refuse("not a copy request");
                }
                if r.requested_by != by {
                    return refuse("only the requester makes the copy");
                }
                if r.status != RequestStatus::Approved || r.until <= at {
                    return refuse(format!(
                        "the copy request is {}, not approved and unused",
                        r.status.as_str()
                    ));
                }
                self.require_state(&r.letter, crate::life::Act::Copy)?;
                let next = self.letters.get(&r.letter).map_or(1, |l| l.copies + 1);
                if *copy_no != next {
                    return refuse(format!("the next copy of this letter is number {next}"));
                }
            }
            Fact::Inquiry {
                inquiry, letter, ..
            } => {
                if self.inquiries.contains_key(inquiry) {
                    return refuse(format!("inquiry {inquiry} already exists"));
                }
                match self.letters.get(letter) {
                    Some(l) if l.registered_by == by => {
                        self.require_state(letter, crate::life::Act::Route)?
                    }
                    Some(_) => return refuse("only the registering clerk sends an inquiry"),
                    None => return refuse(format!("letter {letter} has no signed registration")),
                }
            }
            Fact::Close { .. }
            | Fact::Declassify { .. }
            | Fact::DestroyPropose { .. }
            | Fact::DestroyApprove { .. }
            | Fact::Destroy { .. } => self.check_life(directory, author, st)?,
            Fact::Answer { inquiry, .. } => {
                let Some(q) = self.inquiries.get(inquiry) else {
                    return refuse(format!("inquiry {inquiry} was never sent"));
                };
                if q.answer.is_some() {
                    return refuse("the inquiry was answered already");
                }
                if !author.has_role(Role::Supervisor)
                    || author.unit.as_deref() != Some(q.unit.as_str())
                {
                    return refuse("only a supervisor of the unit asked answers");
                }
            }
        }
        Ok(())
    }

    /// A reveal rests on its handler's live access to the letter at `at`:
    /// when it is asked, endorsed and approved.
    fn require_access(&self, handler: &str, letter: &str, at: i64) -> Result<(), FactError> {
        match self.live_assignment(handler, letter, RequestKind::Access, at) {
            Some(_) => Ok(()),
            None => refuse("the handler named is not assigned this letter now"),
        }
    }

    fn request(&self, id: &str) -> Result<&RequestFacts, FactError> {
        match self.requests.get(id) {
            Some(r) => Ok(r),
            None => refuse(format!("request {id} was never made")),
        }
    }

    fn commit(&mut self, st: &FactStatement) {
        self.count += 1;
        let at = st.at;
        match &st.fact {
            Fact::Letter {
                letter,
                receipt_no,
                level,
                category,
                secret_until,
                retain_until,
            } => {
                self.letters.insert(
                    letter.clone(),
                    LetterFacts {
                        receipt_no: receipt_no.clone(),
                        level: level.clone(),
                        category: category.clone(),
                        registered_by: st.author.clone(),
                        registered_at: at,
                        copies: 0,
                        state: crate::life::LetterState::Registered,
                        level_approved_by: None,
                        secret_until: secret_until.clone(),
                        retain_until: retain_until.clone(),
                        destruction: None,
                        identity_destroyed: false,
                        declassified: None,
                    },
                );
            }
            Fact::Request {
                request,
                kind,
                letter,
                unit,
                handler,
                until,
                readers,
            } => {
                let status = if *kind == RequestKind::Reveal {
                    RequestStatus::AwaitingEndorsement
                } else {
                    RequestStatus::Pending
                };
                self.requests.insert(
                    request.clone(),
                    RequestFacts {
                        kind: *kind,
                        letter: letter.clone(),
                        unit: unit.clone(),
                        handler: handler.clone(),
                        requested_by: st.author.clone(),
                        requested_at: at,
                        until: *until,
                        status,
                        decided_by: None,
                        decided_at: None,
                        copy_no: None,
                        readers: readers.clone(),
                    },
                );
            }
            Fact::Endorse { request } => {
                if let Some(r) = self.requests.get_mut(request) {
                    r.status = RequestStatus::Pending;
                }
            }
            Fact::Decide {
                request,
                approve,
                assignment,
            } => {
                let Some(r) = self.requests.get_mut(request) else {
                    return;
                };
                r.status = if *approve {
                    RequestStatus::Approved
                } else {
                    RequestStatus::Denied
                };
                r.decided_by = Some(st.author.clone());
                r.decided_at = Some(at);
                if *approve && r.kind == RequestKind::Access {
                    if let Some(l) = self.letters.get_mut(&r.letter) {
                        l.level_approved_by.get_or_insert_with(|| st.author.clone());
                        if l.state == crate::life::LetterState::Registered {
                            l.state = crate::life::LetterState::Handling;
                        }
                    }
                }
                if let Some(a) = assignment {
                    let made = AssignmentFacts {
                        kind: r.kind,
                        letter: r.letter.clone(),
                        handler: r.handler.clone(),
                        unit: r.unit.clone(),
                        request: request.clone(),
                        approved_by: st.author.clone(),
                        starts_at: at,
                        until: r.until,
                        ended: None,
                        affirmed_at: None,
                    };
                    self.assignments.insert(a.clone(), made);
                }
            }
            Fact::End { assignment, end } => {
                if let Some(a) = self.assignments.get_mut(assignment) {
                    a.ended = Some((*end, at));
                }
            }
            Fact::Affirm { assignment } => {
                if let Some(a) = self.assignments.get_mut(assignment) {
                    a.affirmed_at.get_or_insert(at);
                }
            }
            Fact::Inquiry {
                inquiry,
                letter,
                unit,
                readers,
            } => {
                self.inquiries.insert(
                    inquiry.clone(),
                    InquiryFacts {
                        letter: letter.clone(),
                        unit: unit.clone(),
                        asked_by: st.author.clone(),
                        asked_at: at,
                        readers: readers.clone(),
                        answer: None,
                    },
                );
            }
            Fact::Answer { inquiry, ours } => {
                if let Some(q) = self.inquiries.get_mut(inquiry) {
                    q.answer = Some((*ours, st.author.clone(), at));
                }
            }
            Fact::Close { .. }
            | Fact::Declassify { .. }
            | Fact::DestroyPropose { .. }
            | Fact::DestroyApprove { .. }
            | Fact::Destroy { .. } => self.commit_life(st),
            Fact::Copy { request, copy_no } => {
                if let Some(r) = self.requests.get_mut(request) {
                    r.status = RequestStatus::Done;
                    r.copy_no = Some(*copy_no);
                    if let Some(l) = self.letters.get_mut(&r.letter) {
                        l.copies += 1;
                    }
                }
            }
        }
    }

    /// A handler's live assignment of a kind to a letter at `now`.
    pub fn live_assignment(
        &self,
        handler: &str,
        letter: &str,
        kind: RequestKind,
        now: i64,
    ) -> Option<(&String, &AssignmentFacts)> {
        self.assignments.iter().find(|(_, a)| {
            a.handler == handler && a.letter == letter && a.kind == kind && a.live(now)
        })
    }

    pub fn inquiry(&self, id: &str) -> Option<&InquiryFacts> {
        self.inquiries.get(id)
    }

    pub fn inquiries(&self) -> impl Iterator<Item = (&String, &InquiryFacts)> {
        self.inquiries.iter()
    }

    pub fn letter(&self, id: &str) -> Option<&LetterFacts> {
        self.letters.get(id)
    }

    pub fn letters(&self) -> impl Iterator<Item = (&String, &LetterFacts)> {
        self.letters.iter()
    }

    pub fn request_facts(&self, id: &str) -> Option<&RequestFacts> {
        self.requests.get(id)
    }

    pub fn requests(&self) -> impl Iterator<Item = (&String, &RequestFacts)> {
        self.requests.iter()
    }

    pub fn assignment(&self, id: &str) -> Option<&AssignmentFacts> {
        self.assignments.get(id)
    }

    pub fn assignments(&self) -> impl Iterator<Item = (&String, &AssignmentFacts)> {
        self.assignments.iter()
    }

    /// How many facts were applied.
    pub fn count(&self) -> u64 {
        self.count
    }
}

str_forms!(RequestKind, EndKind, Ended, InquiryAnswer, RequestStatus);
