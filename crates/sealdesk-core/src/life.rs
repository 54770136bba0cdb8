//! A letter's life under Taiwan's rules: its 密等 ([`Level`]), the
//! 保密期限 or 解密條件 that must come with it ([`check_secrecy`]), and the
//! states it moves through ([`LetterState`]) with what each allows
//! ([`allows`]).
//!
//! 一般公務機密 has one level, 「密」; 國家機密 has three, whose secrecy
//! periods are capped at 10 / 20 / 30 years from classification (國家機密
//! 保護法 §11); a condition not met by the cap counts as met. A level is
//! never set alone: a date or a condition comes with it, and a date must
//! lie ahead.
//!
//! Pure rules: the caller gives "today" (Taiwan's date).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// 密等. The stored and shown forms are the Chinese names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Level {
    /// 一般公務機密.
    #[serde(rename = "密")]
    Mi,
    /// 國家機密: 機密.
    #[serde(rename = "機密")]
    Jimi,
    /// 國家機密: 極機密.
    #[serde(rename = "極機密")]
    Jijimi,
    /// 國家機密: 絕對機密.
    #[serde(rename = "絕對機密")]
    Juedui,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Mi, Level::Jimi, Level::Jijimi, Level::Juedui];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mi => "密",
            Self::Jimi => "機密",
            Self::Jijimi => "極機密",
            Self::Juedui => "絕對機密",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }

    /// A 國家機密 level (not 一般公務機密).
    pub fn is_national(self) -> bool {
        self != Self::Mi
    }

    /// The longest secrecy period the law allows, in years: none for 「密」.
    pub fn cap_years(self) -> Option<u32> {
        match self {
            Self::Mi => None,
            Self::Jimi => Some(10),
            Self::Jijimi => Some(20),
            Self::Juedui => Some(30),
        }
    }

    /// The last day the level may last when classified on `on`.
    pub fn cap_date(self, on: NaiveDate) -> Option<NaiveDate> {
        let years = self.cap_years()?;
        let year = on.year() + i32::try_from(years).ok()?;
        // 29 February classified: the cap falls on 28 February.
        NaiveDate::from_ymd_opt(year, on.month(), on.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, on.month(), 28))
    }
}

/// What comes with a level: a date or a condition, as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period<'a> {
    /// 保密期限: secret until this date.
    Until(NaiveDate),
    /// 解密條件: secret until this condition is met.
    Condition(&'a str),
}

/// Why a level and its period are refused. The message is the zh-TW
/// sentence a clerk reads, then the English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifeError {
    #[error("未選擇密等。 No 密等 was chosen.")]
    NoLevel,
    #[error("密等「{0}」不是 密、機密、極機密、絕對機密 之一。 {0:?} is not a 密等.")]
    UnknownLevel(String),
    #[error(
        "須填保密期限或解密條件。 A secrecy period or a declassification condition is required."
    )]
    NoPeriod,
    #[error("保密期限 {until} 已過（今天是 {today}）。 The secrecy date {until} is not after today ({today}).")]
    PastDate { until: NaiveDate, today: NaiveDate },
    #[error("{level}的保密期限最長 {years} 年，至 {cap} 為止，{until} 超過上限。 A {level} period is capped at {years} years ({cap}); {until} is beyond it.")]
    BeyondCap {
        level: &'static str,
        years: u32,
        cap: NaiveDate,
        until: NaiveDate,
    },
}

/// The one check a level and its period get, at registration and at any
/// change: a level, a date or a condition, a date after `today` and, for
/// 國家機密, within the cap counted from `classified_on`.
pub fn check_secrecy(
    level: Option<Level>,
    period: Option<Period<'_>>,
    classified_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), LifeError> {
    let level = level.ok_or(LifeError::NoLevel)?;
    match period {
        None => Err(LifeError::NoPeriod),
        Some(Period::Condition(c)) if c.trim().is_empty() => Err(LifeError::NoPeriod),
        Some(Period::Condition(_)) => Ok(()),
        Some(Period::Until(until)) => {
            if until <= today {
                return Err(LifeError::PastDate { until, today });
            }
            match (level.cap_years(), level.cap_date(classified_on)) {
                (Some(years), Some(cap)) if until > cap => Err(LifeError::BeyondCap {
                    level: level.as_str(),
                    years,
                    cap,
                    until,
                }),
                _ => Ok(()),
            }
        }
    }
}

/// Parses a level as a person typed or chose it, with the error they read.
pub fn parse_level(text: &str) -> Result<Level, LifeError> {
    if text.trim().is_empty() {
        return Err(LifeError::NoLevel);
    }
    Level::parse(text).ok_or_else(|| LifeError::UnknownLevel(text.to_owned()))
}

/// When a letter's secrecy ends by itself: its date, or for a 國家機密
/// condition, the cap (a condition unmet at the cap counts as met). `None`:
/// a 「密」 condition, which ends only when someone finds it met.
pub fn secrecy_ends(
    level: Level,
    period: Period<'_>,
    classified_on: NaiveDate,
) -> Option<NaiveDate> {
    match period {
        Period::Until(d) => Some(d),
        Period::Condition(_) => level.cap_date(classified_on),
    }
}

/// Where a letter is in its life. The stored forms are the snake-case
/// names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    /// Registered, not yet routed to a unit.
    Registered,
    /// Routed: a unit handles it.
    Handling,
    /// 結案: handled; kept, readable by those still assigned.
    Closed,
    /// 解密 (or 註銷): no longer classified; kept until its retention ends.
    Declassified,
    /// 銷毀: its keys and content shredded; only its register line and
    /// ledger entries remain.
    Destroyed,
}

impl LetterState {
    pub const ALL: [LetterState; 5] = [
        Self::Registered,
        Self::Handling,
        Self::Closed,
        Self::Declassified,
        Self::Destroyed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Handling => "handling",
            Self::Closed => "closed",
            Self::Declassified => "declassified",
            Self::Destroyed => "destroyed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The zh-TW name a register shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Registered => "已登記",
            Self::Handling => "辦理中",
            Self::Closed => "已結案",
            Self::Declassified => "已解密",
            Self::Destroyed => "已銷毀",
        }
    }
}

/// What someone may do to a letter, as far as its state is concerned (who
/// may do it is the facts' and the API's to say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    /// Read its text and pages.
    Open,
    /// Route it (a new access request) or ask a unit about it.
    Route,
    /// Make an export or a print.
    Copy,
    /// Reveal the writer's identity.
    Reveal,
    /// Close it (結案).
    Close,
    /// Declassify it (解密／註銷).
    Declassify,
    /// Destroy it (銷毀).
    Destroy,
}

impl Act {
    pub const ALL: [Act; 7] = [
        Act::Open,
        Act::Route,
        Act::Copy,
        Act::Reveal,
        Act::Close,
        Act::Declassify,
        Act::Destroy,
    ];
}

/// The table of what each state allows:
///
/// | state | open | route | copy | reveal | close | declassify | destroy |
/// |---|---|---|---|---|---|---|---|
/// | registered | ✓ | ✓ | ✓ | – | ✓ | ✓ | – |
/// | handling | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | – |
/// | closed | ✓ | – | ✓ | – | – | ✓ | – |
/// | declassified | ✓ | – | ✓ | – | – | – | ✓ |
/// | destroyed | – | – | – | – | – | – | – |
///
/// A closed letter is still read by those assigned and copied with approval
/// (answering an appeal), but not routed anew and its writer not revealed
/// (closing never reveals); nothing is destroyed before it is declassified;
/// nothing is done to a destroyed letter. A reveal needs an assignment, so a
/// registered letter has none to reveal to.
pub fn allows(state: LetterState, act: Act) -> bool {
    use Act as A;
    use LetterState as S;
    match state {
        S::Registered => !matches!(act, A::Reveal | A::Destroy),
        S::Handling => act != A::Destroy,
        S::Closed => matches!(act, A::Open | A::Copy | A::Declassify),
        S::Declassified => matches!(act, A::Open | A::Copy | A::Destroy),
        S::Destroyed => false,
    }
}

/// The state an act moves a letter to, when it moves it.
pub fn after(state: LetterState, act: Act) -> Option<LetterState> {
    if !allows(state, act) {
        return None;
    }
    match act {
        Act::Route if state == LetterState::Registered => Some(LetterState::Handling),
        Act::Close => Some(LetterState::Closed),
        Act::Declassify => Some(LetterState::Declassified),
        Act::Destroy => Some(LetterState::Destroyed),
        _ => Some(state),
    }
}

/// Why refused, in the words a person reads.
pub fn refusal(state: LetterState, act: Act) -> String {
    let what = match act {
        Act::Open => "開啟",
        Act::Route => "分文",
        Act::Copy => "複製或列印",
        Act::Reveal => "揭露身分",
        Act::Close => "結案",
        Act::Declassify => "解密",
        Act::Destroy => "銷毀",
    };
    let hint = match (state, act) {
        (LetterState::Registered | LetterState::Handling | LetterState::Closed, Act::Destroy) => {
            "（未解密者不得銷毀）"
        }
        _ => "",
    };
    format!(
        "本件{}，不得{what}{hint}。 The letter is {}: {:?} is not allowed.",
        state.label(),
        state.as_str(),
        act
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn each_state_and_act_as_the_table_says() {
        // The table in `allows`, written out row by row: a change to one
        // must change this too.
        let table: [(LetterState, [bool; 7]); 5] = [
            (
                LetterState::Registered,
                [true, true, true, false, true, true, false],
            ),
            (
                LetterState::Handling,
                [true, true, true, true, true, true, false],
            ),
            (
                LetterState::Closed,
                [true, false, true, false, false, true, false],
            ),
            (
                LetterState::Declassified,
                [true, false, true, false, false, false, true],
            ),
            (LetterState::Destroyed, [false; 7]),
        ];
        for (state, row) in table {
            for (act, want) in Act::ALL.into_iter().zip(row) {
                assert_eq!(allows(state, act), want, "{state:?} × {act:?}");
                assert_eq!(after(state, act).is_some(), want, "{state:?} × {act:?}");
            }
        }
        assert_eq!(
            after(LetterState::Registered, Act::Route),
            Some(LetterState::Handling)
        );
        assert_eq!(
            after(LetterState::Handling, Act::Open),
            Some(LetterState::Handling)
        );
        assert_eq!(
            after(LetterState::Closed, Act::Declassify),
            Some(LetterState::Declassified)
        );
        assert_eq!(
            after(LetterState::Declassified, Act::Destroy),
            Some(LetterState::Destroyed)
        );
        assert!(refusal(LetterState::Closed, Act::Destroy).contains("未解密者不得銷毀"));
    }

    #[test]
    fn levels_need_a_future_date_within_the_cap_or_a_condition() {
        let today = d(2026, 12, 6);
        let ok = |l, p| check_secrecy(Some(l), Some(p), today, today);
        assert_eq!(ok(Level::Mi, Period::Until(d(2080, 1, 1))), Ok(()));
        assert_eq!(ok(Level::Mi, Period::Condition("結案後")), Ok(()));
        for (level, years) in [(Level::Jimi, 10), (Level::Jijimi, 20), (Level::Juedui, 30)] {
            assert_eq!(level.cap_years(), Some(years));
            let cap = d(2026 + years as i32, 12, 6);
            assert_eq!(
                ok(level, Period::Until(cap)),
                Ok(()),
                "{level:?} at its cap"
            );
            assert!(
                matches!(
                    ok(level, Period::Until(cap.succ_opt().expect("day"))),
                    Err(LifeError::BeyondCap { .. })
                ),
                "{level:?} a day past its cap"
            );
            // A condition is capped where it ends, not refused.
            assert_eq!(ok(level, Period::Condition("決標後")), Ok(()));
            assert_eq!(
                secrecy_ends(level, Period::Condition("決標後"), today),
                Some(cap)
            );
        }
        assert_eq!(
            secrecy_ends(Level::Mi, Period::Condition("結案後"), today),
            None
        );
        assert!(matches!(
            ok(Level::Mi, Period::Until(today)),
            Err(LifeError::PastDate { .. })
        ));
        assert!(matches!(
            ok(Level::Jimi, Period::Until(d(2020, 1, 1))),
            Err(LifeError::PastDate { .. })
        ));
        assert_eq!(
            ok(Level::Mi, Period::Condition("  ")),
            Err(LifeError::NoPeriod)
        );
        assert_eq!(
            check_secrecy(Some(Level::Mi), None, today, today),
            Err(LifeError::NoPeriod)
        );
        assert_eq!(
            check_secrecy(None, Some(Period::Condition("x")), today, today),
            Err(LifeError::NoLevel)
        );
        assert_eq!(parse_level(""), Err(LifeError::NoLevel));
        assert!(matches!(
            parse_level("普通"),
            Err(LifeError::UnknownLevel(_))
        ));
        assert_eq!(parse_level("極機密"), Ok(Level::Jijimi));
        // Each error speaks Chinese first.
        for e in [
            LifeError::NoLevel,
            LifeError::NoPeriod,
            LifeError::PastDate {
                until: today,
                today,
            },
        ] {
            assert!(!e.to_string().is_ascii(), "{e}");
        }
        // A 29 February classification is capped on 28 February.
        assert_eq!(Level::Jimi.cap_date(d(2028, 2, 29)), Some(d(2038, 2, 28)));
    }

    #[test]
    fn a_levels_json_is_its_chinese_name() {
        assert_eq!(
            serde_json::to_string(&Level::Jijimi).expect("json"),
            "\"極機密\""
        );
        assert_eq!(
            serde_json::to_string(&LetterState::Declassified).expect("json"),
            "\"declassified\""
        );
    }
}
