//! The report as files: CSV (UTF-8 with a BOM so Excel reads zh-TW; times
//! in Taiwan) and one self-contained zh-TW HTML page with its charts drawn
//! as inline SVG (no script, no font, no network resource), printable to
//! PDF. The charts are the app's report screen's too ([`charts`]).
//!
//! SVG is written by hand: two grids of rectangles, which no charting
//! crate draws without pulling in a renderer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use sealdesk_core::audit::{FlagKind, Tie};
use serde::Serialize;

use super::AuditReport;
use crate::{ApiError, Result};

/// The files a report folder holds, in order.
pub const FILES: [&str; 10] = [
    "report.html",
    "flags.csv",
    "lookups_per_user_day.csv",
    "hour_of_week.csv",
    "sample.csv",
    "reviewed_acts.csv",
    "role_changes.csv",
    "accounts.csv",
    "long_access.csv",
    "classified.csv",
];

/// The two charts, as SVG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Charts {
    /// Lookups per user per day (rows: users; columns: days), flagged days
    /// outlined.
    pub per_user_day: String,
    /// Lookups per hour of the week (rows: Monday to Sunday; columns: hours).
    pub hour_of_week: String,
}

/// Taiwan time, to the second.
fn tw(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at + 8 * 3_600_000)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn tie_label(t: Tie) -> &'static str {
    match t {
        Tie::Assignment => "有效分派",
        Tie::Registrar => "登記人",
        Tie::Untied => "無",
    }
}

/// A sampled lookup's cells, as the CSV file and the page list them.
fn sample_row(s: &sealdesk_core::audit::Sampled) -> Vec<String> {
    vec![
        s.seq.to_string(),
        tw(s.at),
        s.user.clone(),
        o(&s.receipt_no),
        o(&s.reason),
        o(&s.assignment),
        tie_label(s.tie).into(),
        if s.by_user {
            "抽中人員"
        } else {
            "隨機抽查"
        }
        .into(),
    ]
}

fn o(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn csv_file(dir: &Path, name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
    let io = |e: std::io::Error| ApiError::BadInput(format!("cannot write {name}: {e}"));
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        w.write_record(header)
            .and_then(|()| rows.iter().try_for_each(|r| w.write_record(r)))
            .and_then(|()| w.flush().map_err(csv::Error::from))
            .map_err(|e| ApiError::BadInput(format!("{name}: {e}")))?;
    }
    std::fs::write(dir.join(name), bytes).map_err(io)
}

/// Writes the report's files into `dir` (created if missing; a file of
/// the same name is replaced). Returns their names.
pub fn write_report(dir: &Path, r: &AuditReport) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ApiError::BadInput(format!("無法建立報表資料夾 {}： {e}", dir.display())))?;
    let f = &r.findings;
    csv_file(
        dir,
        "flags.csv",
        &[
            "類型",
            "類型代碼",
            "帳號",
            "日期",
            "次數",
            "說明",
            "稽核軌跡序號",
        ],
        f.flags
            .iter()
            .map(|x| {
                vec![
                    x.kind.label().into(),
                    x.kind.as_str().into(),
                    x.user.clone(),
                    o(&x.day),
                    x.count.to_string(),
                    x.detail.clone(),
                    x.seqs
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            })
            .collect(),
    )?;
    csv_file(
        dir,
        "lookups_per_user_day.csv",
        &["帳號", "日期", "查閱次數"],
        f.counts
            .per_user_day
            .iter()
            .map(|(u, d, n)| vec![u.clone(), d.clone(), n.to_string()])
            .collect(),
    )?;
    let days = ["一", "二", "三", "四", "五", "六", "日"];
    csv_file(
        dir,
        "hour_of_week.csv",
        &["星期", "時", "查閱次數"],
        f.counts
            .hour_of_week
            .iter()
            .enumerate()
            .flat_map(|(d, hours)| {
                hours.iter().enumerate().map(move |(h, n)| {
                    vec![format!("星期{}", days[d]), h.to_string(), n.to_string()]
                })
            })
            .collect(),
    )?;
    csv_file(
        dir,
        "sample.csv",
        &[
            "稽核軌跡序號",
            "時間",
            "帳號",
            "收文號",
            "事由",
            "分派",
            "依據",
            "抽樣方式",
            "種子",
        ],
        f.sample
            .lookups
            .iter()
            .map(|s| {
                let mut row = sample_row(s);
                row.push(f.sample.seed.to_string());
                row
            })
            .collect(),
    )?;
    let acts = |acts: &[super::ReviewedAct]| -> Vec<Vec<String>> {
        acts.iter()
            .map(|a| {
                vec![
                    a.seq.to_string(),
                    tw(a.at),
                    a.user.clone(),
                    a.action.as_str().into(),
                    o(&a.receipt_no),
                    o(&a.reason),
                    o(&a.approver),
                    o(&a.detail),
                ]
            })
            .collect()
    };
    let act_header = [
        "稽核軌跡序號",
        "時間",
        "帳號",
        "動作",
        "收文號",
        "事由",
        "核准人",
        "說明",
    ];
    csv_file(dir, "reviewed_acts.csv", &act_header, acts(&r.reviewed))?;
    csv_file(dir, "role_changes.csv", &act_header, acts(&r.role_changes))?;
    csv_file(
        dir,
        "accounts.csv",
        &[
            "帳號",
            "角色",
            "單位",
            "停用",
            "建立（認證）時間",
            "最後登入",
        ],
        r.accounts
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.roles
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    o(&a.unit),
                    if a.disabled { "是" } else { "否" }.into(),
                    a.certified_at.map(tw).unwrap_or_default(),
                    a.last_login.map(tw).unwrap_or_else(|| "從未".into()),
                ]
            })
            .collect(),
    )?;
    csv_file(
        dir,
        "long_access.csv",
        &["分派", "承辦人", "收文號", "起", "迄", "已持有日數"],
        r.long_access
            .iter()
            .map(|a| {
                vec![
                    a.assignment.clone(),
                    a.handler.clone(),
                    a.receipt_no.clone(),
                    tw(a.starts_at),
                    tw(a.until),
                    a.days.to_string(),
                ]
            })
            .collect(),
    )?;
    csv_file(
        dir,
        "classified.csv",
        &[
            "收文號",
            "密等",
            "狀態",
            "登記時間",
            "保密期限",
            "30日內屆滿",
        ],
        r.classified
            .iter()
            .map(|c| {
                vec![
                    c.receipt_no.clone(),
                    c.level.clone(),
                    c.state.label().into(),
                    tw(c.registered_at),
                    o(&c.secret_until),
                    if c.due { "是" } else { "" }.into(),
                ]
            })
            .collect(),
    )?;
    std::fs::write(dir.join("report.html"), html(r))
        .map_err(|e| ApiError::BadInput(format!("cannot write report.html: {e}")))?;
    Ok(FILES.iter().map(|s| (*s).to_owned()).collect())
}

/// Shades of one hue by share of the largest count.
fn shade(n: u32, max: u32) -> String {
    if n == 0 || max == 0 {
        return "#f4f6f8".into();
    }
    let t = f64::from(n) / f64::from(max);
    // From a light blue to a deep one.
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        lerp(198.0, 8.0),
        lerp(219.0, 48.0),
        lerp(239.0, 107.0)
    )
}

/// The report's two charts.
pub fn charts(r: &AuditReport) -> Charts {
    let f = &r.findings;
    // Per user per day.
    let users: Vec<&str> = f
        .counts
        .per_user_day
        .iter()
        .map(|(u, _, _)| u.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (from, to) = (
        chrono::NaiveDate::parse_from_str(&r.from, "%Y-%m-%d").ok(),
        chrono::NaiveDate::parse_from_str(&r.to, "%Y-%m-%d").ok(),
    );
    let days: Vec<chrono::NaiveDate> = match (from, to) {
        (Some(a), Some(b)) => a.iter_days().take_while(|d| *d <= b).take(400).collect(),
        _ => Vec::new(),
    };
    let counts: BTreeMap<(&str, &str), u32> = f
        .counts
        .per_user_day
        .iter()
        .map(|(u, d, n)| ((u.as_str(), d.as_str()), *n))
        .collect();
    let flagged: BTreeSet<(&str, &str)> = f
        .flags
        .iter()
        .filter(|x| {
            matches!(
                x.kind,
                FlagKind::DailyVolume
                    | FlagKind::OffHours
                    | FlagKind::OnLeave
                    | FlagKind::Untied
                    | FlagKind::Denied
            )
        })
        .filter_map(|x| x.day.as_deref().map(|d| (x.user.as_str(), d)))
        .collect();
    let max = counts.values().copied().max().unwrap_or(0);
    let (cell, left, top) = (14, 110, 34);
    let width = left + cell * days.len().max(1) + 10;
    let height = top + cell * users.len().max(1) + 10;
    let mut a = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="每人每日查閱次數" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="10">"#
    );
    for (i, d) in days.iter().enumerate() {
        if i % 7 == 0 {
            let _ = write!(
                a,
                r#"<text x="{}" y="{}">{}</text>"#,
                left + i * cell,
                top - 6,
                d.format("%m/%d")
            );
        }
    }
    for (j, u) in users.iter().enumerate() {
        let y = top + j * cell;
        let _ = write!(a, r#"<text x="0" y="{}">{}</text>"#, y + 10, esc(u));
        for (i, d) in days.iter().enumerate() {
            let key = d.to_string();
            let n = counts.get(&(*u, key.as_str())).copied().unwrap_or(0);
            let x = left + i * cell;
            let stroke = if flagged.contains(&(*u, key.as_str())) {
                r##" stroke="#c62828" stroke-width="2""##
            } else {
                ""
            };
            let _ = write!(
                a,
                r#"<rect x="{x}" y="{y}" width="{}" height="{}" fill="{}"{stroke}><title>{} {key}：{n}</title></rect>"#,
                cell - 1,
                cell - 1,
                shade(n, max),
                esc(u)
            );
        }
    }
    a.push_str("</svg>");
    // Hour of week.
    let how = &f.counts.hour_of_week;
    let hmax = how.iter().flatten().copied().max().unwrap_or(0);
    let (cell, left, top) = (18, 50, 20);
    let width = left + cell * 24 + 10;
    let height = top + cell * 7 + 10;
    let mut b = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="每週各時段查閱次數" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="10">"#
    );
    for h in (0..24).step_by(3) {
        let _ = write!(
            b,
            r#"<text x="{}" y="{}">{h}時</text>"#,
            left + h * cell,
            top - 6
        );
    }
    let names = [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ];
    for (d, hours) in how.iter().enumerate() {
        let y = top + d * cell;
        let _ = write!(b, r#"<text x="0" y="{}">{}</text>"#, y + 12, names[d % 7]);
        for (h, n) in hours.iter().enumerate() {
            let _ = write!(
                b,
                r#"<rect x="{}" y="{y}" width="{}" height="{}" fill="{}"><title>{} {h}時：{n}</title></rect>"#,
                left + h * cell,
                cell - 1,
                cell - 1,
                shade(*n, hmax),
                names[d % 7]
            );
        }
    }
    b.push_str("</svg>");
    Charts {
        per_user_day: a,
        hour_of_week: b,
    }
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        out.push_str("<p class=\"none\">（無）</p>");
        return;
    }
    out.push_str("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn html(r: &AuditReport) -> String {
    let f = &r.findings;
    let c = charts(r);
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="zh-TW"><head><meta charset="utf-8"><title>政風稽核報表 {from}～{to}</title><style>
body{{font-family:"Noto Sans CJK TC","Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;margin:2em;color:#1b1f24}}
h1{{font-size:1.5em}}h2{{font-size:1.15em;border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}}
table{{border-collapse:collapse;width:100%;font-size:.9em}}th,td{{border:1px solid #ccd;padding:.25em .4em;text-align:left;vertical-align:top}}
th{{background:#eef2f6}}.flag{{color:#b71c1c}}.warn{{background:#fff4e5;padding:.5em;border-left:4px solid #e65100}}
.chart{{overflow-x:auto}}.none{{color:#666}}@media print{{body{{margin:0}}.chart{{overflow:visible}}}}
</style></head><body>"#,
        from = esc(&r.from),
        to = esc(&r.to)
    );
    let _ = write!(
        h,
        "<h1>政風稽核報表</h1><p>期間：{} 至 {}（臺灣時間）　產生者：{}　產生時間：{}　本報表已記錄於稽核軌跡第 {} 筆。</p>",
        esc(&r.from),
        esc(&r.to),
        esc(&r.generated_by),
        tw(r.generated_at),
        r.recorded_as
    );
    let _ = write!(
        h,
        "<p>查閱及嘗試共 {} 次；異常標示 {} 項；抽樣種子 {}（以同一種子重跑可得相同抽樣）。</p><p>稽核軌跡驗證：{}</p>",
        r.lookups,
        f.flags.len(),
        f.sample.seed,
        esc(&r.integrity)
    );
    if let Some(w) = &r.keep_checkpoint {
        let _ = write!(h, "<p class=\"warn\">{}</p>", esc(w));
    }
    let _ = write!(
        h,
        "<h2>每人每日查閱次數</h2><p>紅框為當日有異常標示。</p><div class=\"chart\">{}</div><h2>每週各時段查閱次數</h2><div class=\"chart\">{}</div>",
        c.per_user_day, c.hour_of_week
    );
    h.push_str("<h2>異常標示</h2>");
    let rows: Vec<Vec<String>> = f
        .flags
        .iter()
        .map(|x| {
            vec![
                x.kind.label().into(),
                x.user.clone(),
                o(&x.day),
                x.count.to_string(),
                x.detail.clone(),
            ]
        })
        .collect();
    table(&mut h, &["類型", "帳號", "日期", "次數", "說明"], &rows);
    let _ = write!(
        h,
        "<h2>每月隨機抽查</h2><p>抽中人員：{}；另隨機抽查至少 1% 的查閱。請逐筆核對其所辦案件。</p>",
        esc(&f.sample.users.join("、"))
    );
    let rows: Vec<Vec<String>> = f.sample.lookups.iter().map(sample_row).collect();
    table(
        &mut h,
        &[
            "序號",
            "時間",
            "帳號",
            "收文號",
            "事由",
            "分派",
            "依據",
            "抽樣方式",
        ],
        &rows,
    );
    let act_rows = |acts: &[super::ReviewedAct]| -> Vec<Vec<String>> {
        acts.iter()
            .map(|a| {
                vec![
                    tw(a.at),
                    a.user.clone(),
                    a.action.as_str().into(),
                    o(&a.receipt_no),
                    o(&a.reason),
                    o(&a.approver),
                ]
            })
            .collect()
    };
    let act_header = ["時間", "帳號", "動作", "收文號", "事由", "核准人"];
    h.push_str("<h2>身分揭露、匯出與列印</h2>");
    table(&mut h, &act_header, &act_rows(&r.reviewed));
    h.push_str("<h2>角色與帳號異動</h2>");
    table(&mut h, &act_header, &act_rows(&r.role_changes));
    h.push_str("<h2>逾期持有的存取權</h2>");
    let rows: Vec<Vec<String>> = r
        .long_access
        .iter()
        .map(|a| {
            vec![
                a.handler.clone(),
                a.receipt_no.clone(),
                tw(a.starts_at),
                a.days.to_string(),
            ]
        })
        .collect();
    table(&mut h, &["承辦人", "收文號", "起", "已持有日數"], &rows);
    h.push_str("<h2>機密檔案年度檢視清單（★ 為 30 日內屆滿保密期限）</h2>");
    let rows: Vec<Vec<String>> = r
        .classified
        .iter()
        .map(|c| {
            vec![
                format!("{}{}", if c.due { "★ " } else { "" }, c.receipt_no),
                c.level.clone(),
                c.state.label().into(),
                o(&c.secret_until),
            ]
        })
        .collect();
    table(&mut h, &["收文號", "密等", "狀態", "保密期限"], &rows);
    h.push_str("<h2>未經簽署的工作階段（★ 為該使用者其後仍有已簽署紀錄者，應查明）</h2>");
    let rows: Vec<Vec<String>> = r
        .unattested
        .iter()
        .map(|u| {
            vec![
                format!("{}{}", if u.attested_later { "★ " } else { "" }, u.user),
                u.first_seq.to_string(),
                u.entries.to_string(),
            ]
        })
        .collect();
    table(&mut h, &["帳號", "起始序號", "筆數"], &rows);
    h.push_str("<h2>權限定期檢視清單（每半年）</h2>");
    let rows: Vec<Vec<String>> = r
        .accounts
        .iter()
        .map(|a| {
            vec![
                a.name.clone(),
                a.roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                o(&a.unit),
                if a.disabled { "停用" } else { "啟用" }.into(),
                a.last_login.map(tw).unwrap_or_else(|| "從未".into()),
            ]
        })
        .collect();
    table(&mut h, &["帳號", "角色", "單位", "狀態", "最後登入"], &rows);
    h.push_str("</body></html>\n");
    h
}
