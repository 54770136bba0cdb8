//! 政風 reports: the patterns the agency guide's misuse left in lookup logs,
//! found in a period's ledger entries. Pure: the caller gives the entries
//! (already opened and tied to the facts), the accounts, the duty roster
//! and leave, the settings and the sample's seed.
//!
//! What each check looks for (classes, not examples):
//! - **volume**: a day or an ISO week whose lookups exceed a multiple of
//!   that user's own median (over the days or weeks they looked anything
//!   up), and a user whose period total exceeds a multiple of their peers'
//!   median (same unit and role; the role across the agency when the unit
//!   has fewer than three such users). Small counts never flag
//!   (`min_lookups`).
//! - **off hours**: a lookup outside office hours on a workday, or on a day
//!   that is not one, unless the roster has the user on duty then.
//! - **on leave**: any lookup on a day the user was on leave.
//! - **untied**: an allowed lookup tied to no live assignment of the user
//!   (nor their own registration): a defect if it ever happens. Denied
//!   attempts are listed as their own class.
//! - **mechanical reasons**: one user giving the same reason for many
//!   letters (at least `reason_letters`, and half of the letters they
//!   looked up or twice that many), or a sentence-long reason
//!   (`reason_min_chars`) shared by `reason_users` users or more.
//! - **dormant** accounts: no login in 90 days (suspend) or 180 (revoke).
//!
//! A reproducible monthly sample picks 1–3 users and at least 1 % of the
//! lookups (at least one) from the seed, for each to be matched by hand
//! against the case it served.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// Taiwan's offset from UTC, in milliseconds.
const TAIPEI_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// What kind of access a lookup was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LookupKind {
    /// A letter opened (or the attempt).
    View,
    /// A writer's identity shown.
    Reveal,
}

/// What a lookup rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Tie {
    /// A live assignment of the user to the letter, at that time.
    Assignment,
    /// The user registered the letter.
    Registrar,
    /// Nothing.
    Untied,
}

/// One lookup or attempt, as the ledger recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub seq: u64,
    /// UTC milliseconds.
    pub at: i64,
    pub user: String,
    pub kind: LookupKind,
    pub letter: Option<String>,
    pub receipt_no: Option<String>,
    pub reason: Option<String>,
    pub assignment: Option<String>,
    pub allowed: bool,
    pub tie: Tie,
}

/// An account as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub unit: Option<String>,
    pub roles: Vec<String>,
    pub disabled: bool,
    /// UTC milliseconds.
    pub created_at: i64,
    /// The last successful login the ledger holds, UTC milliseconds.
    pub last_login: Option<i64>,
}

/// The duty roster and the leave calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// (user, date, start, end) in minutes after Taiwan midnight: on duty
    /// (a night or weekend shift), `end` may pass 24:00 (up to 48:00).
    pub duty: Vec<(String, NaiveDate, u32, u32)>,
    /// (user, first day, last day) of leave.
    pub leave: Vec<(String, NaiveDate, NaiveDate)>,
    /// Days that are not workdays although on a workday of the week.
    pub holidays: BTreeSet<NaiveDate>,
}

/// The thresholds, as settings give them.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Office hours, minutes after Taiwan midnight: `[start, end)`.
    pub office_start: u32,
    pub office_end: u32,
    /// Workdays of the week (Monday first).
    pub workdays: [bool; 7],
    /// How many times a median a count must exceed.
    pub multiple: f64,
    /// A count below this never flags for volume.
    pub min_lookups: u64,
    pub reason_letters: usize,
    pub reason_users: usize,
    pub reason_min_chars: usize,
    pub dormant_suspend_days: i64,
    pub dormant_revoke_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            office_start: 8 * 60,
            office_end: 18 * 60,
            workdays: [true, true, true, true, true, false, false],
            multiple: 3.0,
            min_lookups: 10,
            reason_letters: 15,
            reason_users: 5,
            reason_min_chars: 12,
            dormant_suspend_days: 90,
            dormant_revoke_days: 180,
        }
    }
}

/// What a flag is about. The stored and CSV forms are the snake-case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    DailyVolume,
    WeeklyVolume,
    PeerVolume,
    OffHours,
    OnLeave,
    Untied,
    Denied,
    MechanicalReason,
    DormantSuspend,
    DormantRevoke,
}

impl FlagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DailyVolume => "daily_volume",
            Self::WeeklyVolume => "weekly_volume",
            Self::PeerVolume => "peer_volume",
            Self::OffHours => "off_hours",
            Self::OnLeave => "on_leave",
            Self::Untied => "untied",
            Self::Denied => "denied",
            Self::MechanicalReason => "mechanical_reason",
            Self::DormantSuspend => "dormant_suspend",
            Self::DormantRevoke => "dormant_revoke",
        }
    }

    /// The zh-TW name the report shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::DailyVolume => "單日查閱量異常",
            Self::WeeklyVolume => "單週查閱量異常",
            Self::PeerVolume => "查閱量遠高於同單位同仁",
            Self::OffHours => "非上班時間查閱",
            Self::OnLeave => "休假日查閱",
            Self::Untied => "無有效分派而獲准查閱（系統缺陷）",
            Self::Denied => "遭拒絕的查閱嘗試",
            Self::MechanicalReason => "查閱事由重複使用",
            Self::DormantSuspend => "逾 3 個月未登入（建議停權）",
            Self::DormantRevoke => "逾 6 個月未登入（建議註銷）",
        }
    }
}

/// One finding of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Flag {
    pub kind: FlagKind,
    /// The account, or the users sharing a reason, comma-separated.
    pub user: String,
    /// The Taiwan day (or the week's Monday) it is about, ISO.
    pub day: Option<String>,
    pub count: u64,
    /// What was compared, in zh-TW.
    pub detail: String,
    /// The ledger entries behind it.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub seqs: Vec<u64>,
}

/// One lookup drawn for the monthly sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sampled {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    pub user: String,
    pub receipt_no: Option<String>,
    pub reason: Option<String>,
    pub assignment: Option<String>,
    pub tie: Tie,
    /// Drawn as one of a sampled user's lookups (else among all).
    pub by_user: bool,
}

/// The sample and how to draw it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sample {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[serde(with = "seed_string")]
    pub seed: u64,
    pub users: Vec<String>,
    pub lookups: Vec<Sampled>,
}

/// A seed as a decimal string in JSON (it does not fit a JS number).
mod seed_string {
    pub fn serialize<S: serde::Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&seed.to_string())
    }
}

/// Lookups per user per Taiwan day, and per hour of the week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    /// (user, ISO day, lookups), sorted.
    pub per_user_day: Vec<(String, String, u32)>,
    /// `[weekday][hour]`, Monday first, Taiwan time.
    pub hour_of_week: Vec<Vec<u32>>,
}

/// The whole finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Findings {
    pub flags: Vec<Flag>,
    pub sample: Sample,
    pub counts: Counts,
}

/// The Taiwan date and minute of day of UTC milliseconds.
pub fn taiwan_day_minute(at: i64) -> (NaiveDate, u32, Weekday) {
    let local = chrono::DateTime::from_timestamp_millis(at.saturating_add(TAIPEI_MS))
        .unwrap_or_default()
        .naive_utc();
    (
        local.date(),
        local.hour() * 60 + local.minute(),
        local.weekday(),
    )
}

fn median(values: &mut [u64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    }
}

/// Runs every check over `lookups` (the period's, any order).
pub fn examine(
    lookups: &[Lookup],
    accounts: &[Account],
    calendar: &Calendar,
    settings: &Settings,
    report_end: i64,
    seed: u64,
) -> Findings {
    let mut flags = Vec::new();
    volume(lookups, accounts, settings, &mut flags);
    hours(lookups, calendar, settings, &mut flags);
    untied(lookups, &mut flags);
    reasons(lookups, settings, &mut flags);
    dormant(accounts, settings, report_end, &mut flags);
    flags.sort_by(|a, b| (a.kind, &a.user, &a.day).cmp(&(b.kind, &b.user, &b.day)));
    Findings {
        flags,
        sample: sample(lookups, seed),
        counts: counts(lookups),
    }
}

fn volume(lookups: &[Lookup], accounts: &[Account], s: &Settings, flags: &mut Vec<Flag>) {
    // user → day → seqs; user → week → seqs.
    let mut days: BTreeMap<&str, BTreeMap<NaiveDate, Vec<u64>>> = BTreeMap::new();
    let mut weeks: BTreeMap<&str, BTreeMap<NaiveDate, Vec<u64>>> = BTreeMap::new();
    for l in lookups {
        let (day, _, wd) = taiwan_day_minute(l.at);
        let monday = day - chrono::Days::new(u64::from(wd.num_days_from_monday()));
        days.entry(&l.user)
            .or_default()
            .entry(day)
            .or_default()
            .push(l.seq);
        weeks
            .entry(&l.user)
            .or_default()
            .entry(monday)
            .or_default()
            .push(l.seq);
    }
    for (kind, table, unit) in [
        (FlagKind::DailyVolume, &days, "日"),
        (FlagKind::WeeklyVolume, &weeks, "週"),
    ] {
        for (user, per) in table {
            let mut n: Vec<u64> = per.values().map(|v| v.len() as u64).collect();
            let med = median(&mut n);
            for (day, seqs) in per {
                let c = seqs.len() as u64;
                if c >= s.min_lookups && c as f64 > s.multiple * med {
                    flags.push(Flag {
                        kind,
                        user: (*user).to_owned(),
                        day: Some(day.to_string()),
                        count: c,
                        detail: format!(
                            "該{unit}查閱 {c} 次，本人每{unit}中位數 {med}，超過 {} 倍",
                            s.multiple
                        ),
                        seqs: seqs.clone(),
                    });
                }
            }
        }
    }
    // Peers: the same unit and the same (first) role.
    let group = |user: &str| -> (Option<String>, String) {
        accounts
            .iter()
            .find(|a| a.name == user)
            .map(|a| (a.unit.clone(), a.roles.first().cloned().unwrap_or_default()))
            .unwrap_or_default()
    };
    let totals: BTreeMap<&str, Vec<u64>> = days
        .iter()
        .map(|(u, per)| (*u, per.values().flatten().copied().collect()))
        .collect();
    for (user, seqs) in &totals {
        let (unit, role) = group(user);
        let peers = |same_unit: bool| -> Vec<u64> {
            accounts
                .iter()
                .filter(|a| !a.disabled && a.roles.first() == Some(&role))
                .filter(|a| !same_unit || a.unit == unit)
                .map(|a| totals.get(a.name.as_str()).map_or(0, |v| v.len() as u64))
                .collect()
        };
        let mut peer = peers(true);
        let mut scope = "同單位同角色";
        if peer.len() < 3 {
            peer = peers(false);
            scope = "全機關同角色";
        }
        if peer.len() < 3 {
            continue;
        }
        let med = median(&mut peer);
        let c = seqs.len() as u64;
        if c >= s.min_lookups && c as f64 > s.multiple * med.max(1.0) {
            flags.push(Flag {
                kind: FlagKind::PeerVolume,
                user: (*user).to_owned(),
                day: None,
                count: c,
                detail: format!(
                    "期間查閱 {c} 次，{scope}（{} 人）中位數 {med}，超過 {} 倍",
                    peer.len(),
                    s.multiple
                ),
                seqs: seqs.clone(),
            });
        }
    }
}

fn hours(lookups: &[Lookup], cal: &Calendar, s: &Settings, flags: &mut Vec<Flag>) {
    let mut off: BTreeMap<(&str, NaiveDate), Vec<u64>> = BTreeMap::new();
    let mut leave: BTreeMap<(&str, NaiveDate), Vec<u64>> = BTreeMap::new();
    for l in lookups {
        let (day, minute, wd) = taiwan_day_minute(l.at);
        let workday =
            s.workdays[wd.num_days_from_monday() as usize] && !cal.holidays.contains(&day);
        let in_office = workday && minute >= s.office_start && minute < s.office_end;
        let on_duty = cal.duty.iter().any(|(u, d, start, end)| {
            u == &l.user
                && ((*d == day && minute >= *start && minute < *end)
                    // A shift past midnight covers the small hours after.
                    || (d.succ_opt() == Some(day) && minute + 24 * 60 < *end))
        });
        if !in_office && !on_duty {
            off.entry((&l.user, day)).or_default().push(l.seq);
        }
        if cal
            .leave
            .iter()
            .any(|(u, from, to)| u == &l.user && *from <= day && day <= *to)
        {
            leave.entry((&l.user, day)).or_default().push(l.seq);
        }
    }
    for (kind, table, what) in [
        (FlagKind::OffHours, off, "上班時間及值勤表以外"),
        (FlagKind::OnLeave, leave, "休假當日"),
    ] {
        for ((user, day), seqs) in table {
            flags.push(Flag {
                kind,
                user: user.to_owned(),
                day: Some(day.to_string()),
                count: seqs.len() as u64,
                detail: format!("{what}查閱 {} 次", seqs.len()),
                seqs,
            });
        }
    }
}

fn untied(lookups: &[Lookup], flags: &mut Vec<Flag>) {
    let mut untied: BTreeMap<(&str, NaiveDate), Vec<u64>> = BTreeMap::new();
    let mut denied: BTreeMap<(&str, NaiveDate), Vec<u64>> = BTreeMap::new();
    for l in lookups {
        let (day, _, _) = taiwan_day_minute(l.at);
        if !l.allowed {
            denied.entry((&l.user, day)).or_default().push(l.seq);
        } else if l.tie == Tie::Untied {
            untied.entry((&l.user, day)).or_default().push(l.seq);
        }
    }
    for (kind, table, what) in [
        (FlagKind::Untied, untied, "無有效分派而獲准"),
        (FlagKind::Denied, denied, "遭拒絕的查閱"),
    ] {
        for ((user, day), seqs) in table {
            flags.push(Flag {
                kind,
                user: user.to_owned(),
                day: Some(day.to_string()),
                count: seqs.len() as u64,
                detail: format!("{what} {} 次", seqs.len()),
                seqs,
            });
        }
    }
}

/// A reason as compared: whitespace collapsed, full-width spaces too
/// (borrowed when it is already so).
fn reason_key(r: &str) -> std::borrow::Cow<'_, str> {
    let plain = !r.contains('\u{3000}')
        && !r.contains("  ")
        && r.trim() == r
        && !r.chars().any(|c| c.is_whitespace() && c != ' ');
    if plain {
        return std::borrow::Cow::Borrowed(r);
    }
    std::borrow::Cow::Owned(
        r.split(|c: char| c.is_whitespace() || c == '\u{3000}')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Reasons used mechanically, found by sorting the lookups by reason,
/// user and letter and counting each run (a million lookups fit in
/// memory this way; a map of sets per reason would not).
fn reasons(lookups: &[Lookup], s: &Settings, flags: &mut Vec<Flag>) {
    let mut rows: Vec<(std::borrow::Cow<'_, str>, &str, &str, u64)> = lookups
        .iter()
        .filter_map(|l| {
            let key = reason_key(l.reason.as_deref()?);
            (!key.is_empty()).then_some((key, l.user.as_str(), l.letter.as_deref()?, l.seq))
        })
        .collect();
    rows.sort_unstable();
    // Distinct letters each user looked up, with any reason.
    let mut pairs: Vec<(&str, &str)> = rows.iter().map(|r| (r.1, r.2)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut letters_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (u, _) in &pairs {
        *letters_of.entry(u).or_default() += 1;
    }
    let mut flagged: BTreeSet<&str> = BTreeSet::new();
    let mut i = 0;
    while i < rows.len() {
        // One reason: rows[i..j]; within it, one user at a time.
        let j = i + rows[i..].iter().take_while(|r| r.0 == rows[i].0).count();
        let reason: &str = &rows[i].0;
        let mut users = 0usize;
        let mut letters: BTreeSet<&str> = BTreeSet::new();
        let mut k = i;
        while k < j {
            let m = k + rows[k..j].iter().take_while(|r| r.1 == rows[k].1).count();
            users += 1;
            let mut n = 0usize;
            let mut last = "";
            for r in &rows[k..m] {
                if r.2 != last {
                    n += 1;
                    last = r.2;
                }
                letters.insert(r.2);
            }
            let user = rows[k].1;
            let all = letters_of.get(user).copied().unwrap_or(0);
            if n >= s.reason_letters && (2 * n >= all || n >= 2 * s.reason_letters) {
                flagged.insert(reason);
                flags.push(Flag {
                    kind: FlagKind::MechanicalReason,
                    user: user.to_owned(),
                    day: None,
                    count: n as u64,
                    detail: format!("同一事由「{reason}」用於 {n} 件來文（本人共查閱 {all} 件）"),
                    seqs: rows[k..m].iter().map(|r| r.3).collect(),
                });
            }
            k = m;
        }
        if users >= s.reason_users
            && letters.len() >= s.reason_letters
            && reason.chars().count() >= s.reason_min_chars
            && !flagged.contains(reason)
        {
            let mut names: Vec<&str> = rows[i..j].iter().map(|r| r.1).collect();
            names.dedup();
            flags.push(Flag {
                kind: FlagKind::MechanicalReason,
                user: names.join(","),
                day: None,
                count: letters.len() as u64,
                detail: format!(
                    "同一事由「{reason}」由 {users} 人用於 {} 件來文",
                    letters.len()
                ),
                seqs: rows[i..j].iter().map(|r| r.3).collect(),
            });
        }
        i = j;
    }
}

fn dormant(accounts: &[Account], s: &Settings, end: i64, flags: &mut Vec<Flag>) {
    for a in accounts.iter().filter(|a| !a.disabled) {
        let last = a.last_login.unwrap_or(a.created_at);
        let days = (end - last).div_euclid(DAY_MS);
        let kind = if days >= s.dormant_revoke_days {
            FlagKind::DormantRevoke
        } else if days >= s.dormant_suspend_days {
            FlagKind::DormantSuspend
        } else {
            continue;
        };
        let (since, _, _) = taiwan_day_minute(last);
        flags.push(Flag {
            kind,
            user: a.name.clone(),
            day: Some(since.to_string()),
            count: u64::try_from(days).unwrap_or(0),
            detail: match a.last_login {
                Some(_) => format!("最後登入 {since}，已 {days} 日未登入"),
                None => format!("帳號建立於 {since} 後從未登入，已 {days} 日"),
            },
            seqs: Vec::new(),
        });
    }
}

/// 1–3 users and at least 1 % of the lookups (at least one), drawn from
/// `seed` with ChaCha20: the same seed over the same lookups draws the same
/// sample.
pub fn sample(lookups: &[Lookup], seed: u64) -> Sample {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    let mut pick = |n: usize| -> usize {
        // Below `n` without modulo bias worth naming (n ≪ 2^64).
        (rng.next_u64() % n as u64) as usize
    };
    let mut sorted: Vec<&Lookup> = lookups.iter().collect();
    sorted.sort_by_key(|l| l.seq);
    let mut users: Vec<String> = sorted
        .iter()
        .map(|l| l.user.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut chosen_users = Vec::new();
    if !users.is_empty() {
        let want = (1 + pick(3)).min(users.len());
        for _ in 0..want {
            let i = pick(users.len());
            chosen_users.push(users.remove(i));
        }
    }
    chosen_users.sort();
    let mut out: Vec<Sampled> = Vec::new();
    let entry = |l: &Lookup, by_user: bool| Sampled {
        seq: l.seq,
        at: l.at,
        user: l.user.clone(),
        receipt_no: l.receipt_no.clone(),
        reason: l.reason.clone(),
        assignment: l.assignment.clone(),
        tie: l.tie,
        by_user,
    };
    for l in sorted.iter().filter(|l| chosen_users.contains(&l.user)) {
        out.push(entry(l, true));
    }
    if !sorted.is_empty() {
        // At least 1 % of all the period's lookups, drawn among those the
        // sampled users' list does not hold already. A partial Fisher–Yates
        // shuffle: each draw is O(1), so a million lookups draw their ten
        // thousand at once.
        let want = sorted.len().div_ceil(100).max(1);
        let mut pool: Vec<&Lookup> = sorted
            .iter()
            .copied()
            .filter(|l| !chosen_users.contains(&l.user))
            .collect();
        for k in 0..want.min(pool.len()) {
            let i = k + pick(pool.len() - k);
            pool.swap(k, i);
            out.push(entry(pool[k], false));
        }
    }
    out.sort_by_key(|s| s.seq);
    Sample {
        seed,
        users: chosen_users,
        lookups: out,
    }
}

fn counts(lookups: &[Lookup]) -> Counts {
    let mut per: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut how = vec![vec![0u32; 24]; 7];
    for l in lookups {
        let (day, minute, wd) = taiwan_day_minute(l.at);
        *per.entry((l.user.clone(), day.to_string())).or_default() += 1;
        how[wd.num_days_from_monday() as usize][(minute / 60) as usize] += 1;
    }
    Counts {
        per_user_day: per.into_iter().map(|((u, d), n)| (u, d, n)).collect(),
        hour_of_week: how,
    }
}

#[cfg(test)]
mod tests;
