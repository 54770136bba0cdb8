//! A synthetic month of 30 accounts, made through the real API with a moved
//! clock, with misuse planted the ways the agency guide met it: an
//! off-hours burst, one user with ten times the usual lookups, lookups on a
//! leave day, one reason pasted across 40 letters, a dormant account. The
//! 政風 report flags each planted case and no clean user.

use std::collections::{BTreeMap, BTreeSet};

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use sealdesk_api::{
    parse_leave, AuditCalendar, AuditSettings, NewUser, ReportRequest, Role, Session,
};
use sealdesk_core::audit::FlagKind;
use sealdesk_core::domain::RoleSet;
use sealdesk_core::Timestamp;

use crate::{pass, World, T0};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Monday 2027-03-08 00:00 in Taiwan: the month begins 100 days after the
/// accounts were made (2026-11-27).
const MONTH: i64 = 1_804_464_000 - 8 * HOUR;

const UNITS: [&str; 3] = ["稅務管理科", "地價稅科", "房屋稅科"];
const STOCK: [&str; 6] = [
    "依分派調查案情",
    "撰擬回復稿",
    "查核相關事證",
    "簽辦意見",
    "補充調查資料",
    "會辦單位意見",
];
const PASTED: &str = "依職權調閱相關資料以利業務推動";

/// The handlers: `handler` (in World already) and h01–h22 over three units.
fn handlers() -> Vec<(String, &'static str)> {
    let mut v = vec![("handler".to_owned(), UNITS[0])];
    for n in 1..=22 {
        let unit = match n {
            1..=7 => UNITS[0],
            8..=14 => UNITS[1],
            _ => UNITS[2],
        };
        v.push((format!("h{n:02}"), unit));
    }
    v
}

fn supervisor_of(unit: &str) -> String {
    if unit == UNITS[0] {
        "supervisor".into()
    } else {
        format!("sup-{unit}")
    }
}

struct Month {
    w: World,
    sessions: BTreeMap<String, Session>,
}

impl Month {
    fn now(&self) -> i64 {
        sealdesk_api::Clock::now(&self.w.clock).unix_millis() / 1000
    }

    /// Moves the clock to `t` (unix seconds) in hops shorter than the idle
    /// lock, each session touched after each hop, as people at their desks.
    fn advance_to(&mut self, t: i64) {
        while self.now() < t {
            let step = (t - self.now()).min(7 * HOUR);
            self.w.clock.advance_secs(step);
            for s in self.sessions.values_mut() {
                self.w.vault.keep_alive(s).expect("session kept alive");
            }
        }
    }

    fn open(&mut self, user: &str, letter: &str, reason: &str) {
        let mut s = self.sessions.remove(user).expect("session");
        let r = self.w.vault.open_letter(&mut s, letter, reason);
        self.sessions.insert(user.to_owned(), s);
        r.unwrap_or_else(|e| panic!("{user} opening {letter}: {e}"));
    }
}

#[test]
fn a_planted_month_is_flagged_case_by_case_and_no_clean_user_is() {
    let mut w = World::new();
    w.grant_auditor();
    let mut admin = w.login("admin");
    w.vault
        .set_idle_timeout(&mut admin, 8 * HOUR)
        .expect("idle");
    w.vault.set_max_access_days(&mut admin, 90).expect("limit");
    for unit in &UNITS[1..] {
        w.vault
            .add_user(
                &mut admin,
                &NewUser {
                    name: supervisor_of(unit),
                    roles: RoleSet::new([Role::Supervisor]).expect("roles"),
                    unit: Some((*unit).into()),
                    passphrase: pass(&supervisor_of(unit)),
                },
            )
            .expect("supervisor");
    }
    for (name, unit) in handlers().into_iter().skip(1) {
        w.vault
            .add_user(
                &mut admin,
                &NewUser {
                    name: name.clone(),
                    roles: RoleSet::new([Role::Handler]).expect("roles"),
                    unit: Some(unit.into()),
                    passphrase: pass(&name),
                },
            )
            .expect("handler");
    }
    assert_eq!(w.vault.list_users(&mut admin).expect("users").len(), 30);
    drop(admin);

    // The month: everyone but the dormant h22 logs in on its first morning.
    w.clock.set(Timestamp::from_unix_secs(MONTH + 8 * HOUR));
    let mut names: Vec<String> = ["admin", "clerk", "clerk2", "auditor"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    names.extend(UNITS.iter().map(|u| supervisor_of(u)));
    names.extend(
        handlers()
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n != "h22"),
    );
    let mut sessions = BTreeMap::new();
    for n in names {
        let s = w.login(&n);
        sessions.insert(n, s);
    }
    let mut m = Month { w, sessions };
    assert!(m.now() > T0.unix_millis() / 1000 + 100 * DAY);

    // 40 letters; h03 is assigned all of them, every other handler four of
    // their unit's.
    let mut clerk = m.sessions.remove("clerk").expect("clerk");
    let letters: Vec<String> = (0..40)
        .map(|i| {
            m.w.register_as(
                &mut clerk,
                &format!("第{i}號陳情：道路坑洞未修補，請派員查處。"),
            )
        })
        .collect();
    m.sessions.insert("clerk".into(), clerk);
    let mut assigned: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, (h, unit)) in handlers().into_iter().enumerate() {
        if h == "h22" {
            continue;
        }
        let mine: Vec<String> = if h == "h03" {
            letters.clone()
        } else {
            (0..4).map(|j| letters[(k * 3 + j) % 40].clone()).collect()
        };
        for l in &mine {
            let until = sealdesk_core::date::taiwan_date((MONTH + 60 * DAY) * 1000).to_string();
            let mut c = m.sessions.remove("clerk").expect("clerk");
            let req =
                m.w.vault
                    .route(&mut c, l, unit, &h, Some(&until), "請查處")
                    .expect("route")
                    .id;
            m.sessions.insert("clerk".into(), c);
            let sup = supervisor_of(unit);
            let mut s = m.sessions.remove(&sup).expect("supervisor");
            m.w.vault.approve(&mut s, &req, "同意").expect("approve");
            m.sessions.insert(sup, s);
        }
        assigned.insert(h, mine);
    }

    // Twenty workdays of lookups, each day's in time order.
    let mut rng = ChaCha8Rng::seed_from_u64(2027);
    let leave_day = 11; // h16 is on leave that day, and looks anyway.
    for day in 0..28i64 {
        if day % 7 >= 5 {
            continue;
        }
        let midnight = MONTH + day * DAY;
        let mut plan: Vec<(i64, String, String, String)> = Vec::new();
        for (h, mine) in &assigned {
            let n = match h.as_str() {
                "h10" => 25 + rng.next_u32() % 6, // ten times the usual
                "h03" => 2,                       // the 40 letters, in turn
                "h16" if day == leave_day => 3,
                _ => 2 + rng.next_u32() % 2,
            };
            for i in 0..n {
                let at = midnight + 9 * HOUR + i64::from(rng.next_u32() % (8 * 3600));
                let (letter, reason) = if h == "h03" {
                    let k = ((day / 7 * 5 + day % 7) * 2 + i64::from(i)) as usize % 40;
                    (mine[k].clone(), PASTED.to_owned())
                } else {
                    let l = mine[rng.next_u32() as usize % mine.len()].clone();
                    (l, STOCK[rng.next_u32() as usize % STOCK.len()].to_owned())
                };
                plan.push((at, h.clone(), letter, reason));
            }
        }
        // h05: a burst at night on the second Wednesday.
        if day == 9 {
            for i in 0..15 {
                let l = assigned["h05"][i % 4].clone();
                plan.push((
                    midnight + 22 * HOUR + 120 * i as i64,
                    "h05".into(),
                    l,
                    format!("查詢{i}"),
                ));
            }
        }
        plan.sort();
        for (at, user, letter, reason) in plan {
            m.advance_to(at);
            m.open(&user, &letter, &reason);
        }
    }
    m.advance_to(MONTH + 28 * DAY + 9 * HOUR);

    let leave_date = sealdesk_core::date::taiwan_date((MONTH + leave_day * DAY + 12 * HOUR) * 1000);
    let calendar = AuditCalendar {
        leave: parse_leave(&format!("帳號,起日,迄日\nh16,{leave_date},{leave_date}\n"))
            .expect("leave"),
        ..AuditCalendar::default()
    };
    let req = ReportRequest {
        from: sealdesk_core::date::taiwan_date(MONTH * 1000 + 12 * 3_600_000).to_string(),
        to: sealdesk_core::date::taiwan_date((MONTH + 27 * DAY) * 1000 + 12 * 3_600_000)
            .to_string(),
        seed: Some(42),
        settings: AuditSettings::default(),
        calendar,
    };
    let mut auditor = m.sessions.remove("auditor").expect("auditor");
    let report = m.w.vault.audit_report(&mut auditor, &req).expect("report");
    let flagged: BTreeSet<(FlagKind, String)> = report
        .findings
        .flags
        .iter()
        .map(|f| (f.kind, f.user.clone()))
        .collect();
    for want in [
        (FlagKind::OffHours, "h05"),
        (FlagKind::PeerVolume, "h10"),
        (FlagKind::OnLeave, "h16"),
        (FlagKind::MechanicalReason, "h03"),
        (FlagKind::DormantSuspend, "h22"),
    ] {
        assert!(
            flagged.contains(&(want.0, want.1.to_owned())),
            "{want:?} not flagged; flags: {flagged:?}"
        );
    }
    let planted = ["h05", "h10", "h16", "h03", "h22"];
    let clean: Vec<&(FlagKind, String)> = flagged
        .iter()
        .filter(|(_, u)| !planted.contains(&u.as_str()))
        .collect();
    assert!(clean.is_empty(), "clean users flagged: {clean:?}");
    // The sample is drawn again from its seed, and the report is recorded.
    assert_eq!(report.findings.sample.seed, 42);
    assert!((1..=3).contains(&report.findings.sample.users.len()));
    assert!(
        report
            .findings
            .sample
            .lookups
            .iter()
            .filter(|s| !s.by_user)
            .count() as u64
            >= report.lookups / 100
    );
    let again = m.w.vault.audit_report(&mut auditor, &req).expect("again");
    assert_eq!(again.findings.sample, report.findings.sample);
    assert!(again.recorded_as > report.recorded_as);
    // Every lookup rests on an assignment: no defect, no denial.
    assert!(!flagged
        .iter()
        .any(|(k, _)| matches!(k, FlagKind::Untied | FlagKind::Denied)));
    // The files: CSV with a BOM, one self-contained HTML page.
    let out = tempfile::tempdir().expect("tmp");
    let files = sealdesk_api::write_report(out.path(), &report).expect("write");
    assert_eq!(files.len(), sealdesk_api::REPORT_FILES.len());
    let flags_csv = std::fs::read(out.path().join("flags.csv")).expect("flags.csv");
    assert!(flags_csv.starts_with("\u{feff}".as_bytes()));
    let flags_csv = String::from_utf8(flags_csv).expect("utf-8");
    assert!(
        flags_csv.contains("休假日查閱") && flags_csv.contains("h16"),
        "{flags_csv}"
    );
    let html = std::fs::read_to_string(out.path().join("report.html")).expect("html");
    assert!(
        html.contains("<svg") && html.contains("政風稽核報表") && html.contains("lang=\"zh-TW\"")
    );
    // No network resource: the only URL is the SVG namespace.
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!html.contains("<script"));
    eprintln!(
        "misuse month: {} lookups, {} flags, sample of {} from seed 42",
        report.lookups,
        report.findings.flags.len(),
        report.findings.sample.lookups.len()
    );
}
