//! T6: a thief with the vault folder finds no plaintext in the DB, WAL, SHM
//! or temp files.

use std::path::Path;
use std::time::SystemTime;

use crate::World;

/// The build's own folder (it may lie under the temp dir, and test binaries
/// hold these needles as literals): never scanned.
fn build_dir() -> Option<std::path::PathBuf> {
    // target/<profile>/deps/it-<hash>
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.to_owned())
}

/// Each needle as UTF-8, UTF-16LE and UTF-16BE (SQLite stores text in any of
/// the three, and a temp or crash file may hold a UTF-16 copy).
fn encodings(s: &str) -> Vec<Vec<u8>> {
    let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
    vec![s.as_bytes().to_vec(), le, be]
}

fn scan(dir: &Path, needles: &[Vec<u8>], since: SystemTime, hits: &mut Vec<String>) {
    if build_dir().is_some_and(|b| dir == b) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            scan(&p, needles, since, hits);
        } else if meta.is_file()
            && meta.len() < 256 << 20
            && meta.modified().map(|m| m >= since).unwrap_or(true)
        {
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            for n in needles {
                if bytes.windows(n.len()).any(|w| w == n.as_slice()) {
                    hits.push(format!(
                        "{} contains {:?}",
                        p.display(),
                        String::from_utf8_lossy(n)
                    ));
                }
            }
        }
    }
}

#[test]
fn t6_no_plaintext_in_vault_files_or_temp_dir() {
    #[allow(clippy::disallowed_methods)] // file mtimes are wall-clock; this is not domain logic
    let started = SystemTime::now() - std::time::Duration::from_secs(1);
    // A marker unique to this run, so the temp-dir scan cannot hit another test's file.
    // Written in letters, not digits: a run of digits may be read as an
    // identifier (a 統一編號 with a valid checksum) and masked.
    let marker: String = (std::process::id() as u64 * 7919 + 12345)
        .to_string()
        .chars()
        .map(|d| char::from(b'K' + d.to_digit(10).unwrap_or(0) as u8))
        .collect();
    let marker = format!("標記{marker}");
    let mut w = World::new();
    let needles: Vec<Vec<u8>> = full_workflow(&mut w, &marker)
        .iter()
        .flat_map(|s| encodings(s))
        .collect();
    let dir = w.dir().to_owned();
    // Keep the vault open while scanning the WAL too, then close and scan again.
    let mut hits = Vec::new();
    scan(&dir, &needles, started, &mut hits);
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("-wal")),
        "WAL present to scan: {files:?}"
    );
    drop(w.vault);
    // Every connection the store opens keeps SQLite's temporary tables and
    // indices in memory (an unlinked temp file would escape this scan).
    let p = sealdesk_store::Store::open(&dir)
        .expect("store")
        .protections()
        .expect("pragmas");
    assert_eq!(p.temp_store, "2", "temp_store = MEMORY: {p:?}");
    assert_eq!(p.secure_delete, "1", "{p:?}");
    assert_eq!(p.journal_mode, "wal", "{p:?}");
    assert_eq!(p.synchronous, "2", "synchronous = FULL: {p:?}");
    scan(&dir, &needles, started, &mut hits);
    scan(&std::env::temp_dir(), &needles, started, &mut hits);
    assert!(hits.is_empty(), "{hits:#?}");
}

/// Everything a day puts in a vault, with a petitioner's identity in the
/// letter and in the reasons people type: register (and a whole sample
/// letter), inquire, route, approve, open, ask to reveal, endorse, approve,
/// show. Returns what must never be found in plaintext on the store.
pub(crate) fn full_workflow(w: &mut World, marker: &str) -> Vec<String> {
    let name = "王小明";
    let id_no = "A123456789";
    let body = format!("{marker} 檢舉人{name}(身分證 {id_no})住花蓮縣花蓮市中山路100號");
    let letter = w.register(&body);
    // And a whole sample letter with every kind of identity value in it.
    w.register(include_str!(
        "../../crates/sealdesk-core/tests/data/samples/sample-01.txt"
    ));
    let mut clerk = w.login("clerk");
    let working = w
        .vault
        .open_letter(&mut clerk, &letter, "登記")
        .expect("opens")
        .text;
    assert!(working.contains(marker), "the letter is there: {working}");
    assert!(
        !working.contains(name) && !working.contains(id_no),
        "and its petitioner masked: {working}"
    );
    // Routing, a reveal and the reasons people type (which name people too):
    // inquiry, route, approve, open, reveal request, endorse, approve, show.
    let route_reason = format!("{marker}請依{name}來電內容辦理");
    let approve_reason = format!("{marker}同意，承辦人與{name}無利害關係");
    let open_reason = format!("{marker}查核{name}陳情內容");
    let reveal_reason = format!("{marker}需電話聯絡{name}補正");
    w.vault
        .inquire(&mut clerk, &letter, &["稅務管理科".to_owned()], None)
        .expect("inquire");
    let req = w
        .vault
        .route(
            &mut clerk,
            &letter,
            "稅務管理科",
            "handler",
            None,
            &route_reason,
        )
        .expect("route");
    let mut sup = w.login("supervisor");
    w.vault.inquiries(&mut sup).expect("slips");
    w.vault
        .approve(&mut sup, &req.id, &approve_reason)
        .expect("approve");
    let mut h = w.login("handler");
    w.vault
        .open_letter(&mut h, &letter, &open_reason)
        .expect("handler opens");
    let rr = w
        .vault
        .reveal_request(&mut h, &letter, &reveal_reason)
        .expect("reveal request");
    w.vault.reveal_endorse(&mut clerk, &rr.id).expect("endorse");
    w.vault
        .approve(&mut sup, &rr.id, &approve_reason)
        .expect("approve reveal");
    let shown = w.vault.reveal_show(&mut h, &letter).expect("identity");
    assert!(
        shown.findings.iter().any(|f| f.value == id_no),
        "the approved handler sees the identity: {:?}",
        shown.findings
    );
    for s in [&mut clerk, &mut sup, &mut h] {
        w.vault.lock(s);
    }
    [
        marker,
        route_reason.as_str(),
        approve_reason.as_str(),
        open_reason.as_str(),
        reveal_reason.as_str(),
        name,
        id_no,
        "中山路100號",
        "C181590831",
        "+886-901-661-318",
        "sdhu81@gmail.com",
        "許俊宏",
        "中央西路二段26號",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}
