//! The 政風 checks on planted lookups: each class flags its own and a
//! clean office month flags nothing.

use super::*;

/// 2026-11-02 (a Monday) 00:00 in Taiwan, as UTC milliseconds.
const MONDAY: i64 = 1_793_577_600_000 - TAIPEI_MS;

fn at(day: i64, hour: i64, minute: i64) -> i64 {
    MONDAY + day * DAY_MS + hour * 3_600_000 + minute * 60_000
}

fn look(seq: u64, at: i64, user: &str, letter: &str, reason: &str) -> Lookup {
    Lookup {
        seq,
        at,
        user: user.into(),
        kind: LookupKind::View,
        letter: Some(letter.into()),
        receipt_no: Some(format!("R-{letter}")),
        reason: Some(reason.into()),
        assignment: Some(format!("a-{user}-{letter}")),
        allowed: true,
        tie: Tie::Assignment,
    }
}

fn handler(name: &str) -> Account {
    Account {
        name: name.into(),
        unit: Some("稅務管理科".into()),
        roles: vec!["handler".into()],
        disabled: false,
        created_at: MONDAY - 30 * DAY_MS,
        last_login: Some(MONDAY + 25 * DAY_MS),
    }
}

#[test]
fn the_monday_constant_is_a_taiwan_monday_at_midnight() {
    let (day, minute, wd) = taiwan_day_minute(MONDAY);
    assert_eq!(
        (day.to_string(), minute, wd),
        ("2026-11-02".into(), 0, Weekday::Mon)
    );
}

#[test]
fn a_clean_office_month_flags_nothing_and_each_class_flags_its_own() {
    let users = ["甲", "乙", "丙", "丁"];
    let accounts: Vec<Account> = users.iter().map(|u| handler(u)).collect();
    let mut lookups = Vec::new();
    let mut seq = 0;
    // Four weeks of weekdays, 4–7 lookups a day at office hours, each
    // user on their own letters with varied reasons.
    for week in 0..4 {
        for wd in 0..5 {
            for (k, u) in users.iter().enumerate() {
                for n in 0..(4 + (week + wd + k as i64) % 4) {
                    seq += 1;
                    let letter = format!("{u}{}", (seq % 9));
                    lookups.push(look(
                        seq,
                        at(week * 7 + wd, 9 + n, 10 * k as i64),
                        u,
                        &letter,
                        &format!("辦理第{seq}號"),
                    ));
                }
            }
        }
    }
    let cal = Calendar::default();
    let s = Settings::default();
    let end = at(28, 0, 0);
    let clean = examine(&lookups, &accounts, &cal, &s, end, 7);
    assert_eq!(clean.flags, Vec::<Flag>::new());

    // Plant one case of each class on separate users' records.
    let mut planted = lookups.clone();
    let mut add = |l: Lookup| planted.push(l);
    // 甲: an off-hours burst on a Wednesday night.
    for n in 0..30 {
        seq += 1;
        add(look(
            seq,
            at(9, 22, n),
            "甲",
            &format!("x{n}"),
            &format!("查詢{n}"),
        ));
    }
    // 乙: a day on leave.
    seq += 1;
    add(look(seq, at(15, 10, 0), "乙", "乙1", "辦理"));
    // 丙: one pasted reason across 40 letters, over the month.
    for n in 0..40 {
        seq += 1;
        add(look(
            seq,
            at((n % 20) / 5 * 7 + n % 5, 11, 30),
            "丙",
            &format!("p{n}"),
            "依職權調閱相關資料以利業務推動",
        ));
    }
    // 丁: an allowed view tied to nothing, and a denied attempt.
    seq += 1;
    let mut l = look(seq, at(3, 10, 0), "丁", "z", "看看");
    l.tie = Tie::Untied;
    add(l);
    seq += 1;
    let mut l = look(seq, at(4, 10, 0), "丁", "y", "看看");
    l.allowed = false;
    add(l);
    let cal = Calendar {
        leave: vec![(
            "乙".into(),
            at(15, 0, 0).pipe_date(),
            at(15, 0, 0).pipe_date(),
        )],
        ..Calendar::default()
    };
    // 戊: dormant since before the month.
    let mut accounts = accounts;
    let mut dormant = handler("戊");
    dormant.last_login = Some(MONDAY - 100 * DAY_MS);
    accounts.push(dormant);
    let found = examine(&planted, &accounts, &cal, &s, end, 7);
    let got: BTreeSet<(FlagKind, &str)> = found
        .flags
        .iter()
        .map(|f| (f.kind, f.user.as_str()))
        .collect();
    for want in [
        (FlagKind::OffHours, "甲"),
        (FlagKind::DailyVolume, "甲"),
        (FlagKind::OnLeave, "乙"),
        (FlagKind::MechanicalReason, "丙"),
        (FlagKind::Untied, "丁"),
        (FlagKind::Denied, "丁"),
        (FlagKind::DormantSuspend, "戊"),
    ] {
        assert!(got.contains(&want), "{want:?} not flagged: {got:?}");
    }
    // Nobody else.
    for (kind, user) in &got {
        let expected = match *user {
            "甲" => matches!(
                kind,
                FlagKind::OffHours
                    | FlagKind::DailyVolume
                    | FlagKind::WeeklyVolume
                    | FlagKind::PeerVolume
            ),
            "乙" => *kind == FlagKind::OnLeave,
            "丙" => matches!(
                kind,
                FlagKind::MechanicalReason
                    | FlagKind::PeerVolume
                    | FlagKind::WeeklyVolume
                    | FlagKind::DailyVolume
            ),
            "丁" => matches!(kind, FlagKind::Untied | FlagKind::Denied),
            "戊" => *kind == FlagKind::DormantSuspend,
            _ => false,
        };
        assert!(expected, "unexpected {kind:?} for {user}");
    }
}

#[test]
fn a_shift_on_the_roster_covers_its_hours_and_no_others() {
    let cal = Calendar {
        duty: vec![("甲".into(), at(5, 0, 0).pipe_date(), 20 * 60, 26 * 60)],
        ..Calendar::default()
    };
    let s = Settings::default();
    let covered = [
        look(1, at(5, 21, 0), "甲", "a", "r"),
        look(2, at(6, 1, 30), "甲", "a", "r"),
    ];
    let mut flags = Vec::new();
    hours(&covered, &cal, &s, &mut flags);
    assert!(flags.is_empty(), "{flags:?}");
    let outside = [
        look(3, at(6, 3, 0), "甲", "a", "r"),
        look(4, at(5, 21, 0), "乙", "a", "r"),
    ];
    hours(&outside, &cal, &s, &mut flags);
    assert_eq!(flags.len(), 2, "{flags:?}");
}

#[test]
fn the_sample_is_drawn_again_from_its_seed() {
    let lookups: Vec<Lookup> = (1..=250)
        .map(|n| {
            look(
                n,
                at(0, 9, 0),
                ["甲", "乙", "丙", "丁", "戊"][n as usize % 5],
                "a",
                "r",
            )
        })
        .collect();
    let a = sample(&lookups, 42);
    assert_eq!(a, sample(&lookups, 42));
    assert!((1..=3).contains(&a.users.len()));
    // At least 1 % (3 of 250) drawn among all, besides the users' own.
    assert!(a.lookups.iter().filter(|s| s.by_user).count() >= 50);
    let others: Vec<u64> = (0..20)
        .map(|s| sample(&lookups, s).lookups.len() as u64)
        .collect();
    assert!(others.iter().any(|n| *n != others[0]) || sample(&lookups, 1).users != a.users);
    assert_eq!(sample(&[], 3).lookups, Vec::new());
}

trait PipeDate {
    fn pipe_date(self) -> NaiveDate;
}
impl PipeDate for i64 {
    fn pipe_date(self) -> NaiveDate {
        taiwan_day_minute(self).0
    }
}
