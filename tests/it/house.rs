//! The house's layering, checked on the source as the architecture states it
//! (ARCHITECTURE.md, "Invariants"): the crates stand on floors with no
//! arrow pointing up; only the store names `rusqlite` and only the app
//! names `tauri`; inside the API crate no module imports a module that
//! imports it back, directly or around a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository")
        .to_owned()
}

/// The `[dependencies]` of a manifest that are workspace crates or the named
/// outside crates (build and dev dependencies do not ship).
fn dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).expect("Cargo.toml");
    let mut out = BTreeSet::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        let name = line.split(['.', ' ', '=']).next().unwrap_or_default();
        if name.starts_with("sealdesk-")
            || name == "rusqlite"
            || name == "postgres"
            || name == "tauri"
        {
            out.insert(name.to_owned());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The crate's code without comments (a doc may name anything).
fn code_of(file: &Path) -> String {
    std::fs::read_to_string(file)
        .expect("source")
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn crates_stand_on_floors_and_only_the_store_and_the_app_name_their_engines() {
    // Floor of each crate: a crate may depend only on crates of lower floors.
    let floors: BTreeMap<&str, (u8, &str)> = [
        ("sealdesk-core", (0, "crates/sealdesk-core")),
        ("sealdesk-store", (1, "crates/sealdesk-store")),
        ("sealdesk-intake", (1, "crates/sealdesk-intake")),
        ("sealdesk-mark", (1, "crates/sealdesk-mark")),
        ("sealdesk-api", (2, "crates/sealdesk-api")),
        ("sealdesk-cli", (3, "crates/sealdesk-cli")),
        ("sealdesk-app", (3, "src-tauri")),
    ]
    .into_iter()
    .collect();
    for (name, (floor, dir)) in &floors {
        let deps = dependencies(&repo().join(dir).join("Cargo.toml"));
        for d in deps.iter().filter(|d| d.starts_with("sealdesk-")) {
            let (below, _) = floors
                .get(d.as_str())
                .unwrap_or_else(|| panic!("{name} depends on unknown {d}"));
            assert!(
                below < floor,
                "{name} (floor {floor}) depends on {d} (floor {below})"
            );
        }
        assert_eq!(
            deps.contains("rusqlite"),
            *name == "sealdesk-store",
            "{name}: only the store names rusqlite"
        );
        assert_eq!(
            deps.contains("postgres"),
            *name == "sealdesk-store",
            "{name}: only the store names postgres"
        );
        assert_eq!(
            deps.contains("tauri"),
            *name == "sealdesk-app",
            "{name}: only the app names tauri"
        );
        let mut files = Vec::new();
        rust_files(&repo().join(dir).join("src"), &mut files);
        for f in &files {
            let code = code_of(f);
            if *name != "sealdesk-store" {
                assert!(
                    !code.contains("rusqlite::"),
                    "{} names rusqlite",
                    f.display()
                );
                assert!(
                    !code.contains("postgres::"),
                    "{} names postgres",
                    f.display()
                );
            }
            if *name != "sealdesk-app" {
                assert!(!code.contains("tauri::"), "{} names tauri", f.display());
            }
        }
    }
}

/// The API's top-level modules and which others each one imports
/// (`crate::x` paths, in `use` lists too), tests aside.
fn api_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("crates/sealdesk-api/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let module = |f: &Path| -> String {
        let rel = f.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a part");
        first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned()
    };
    let names: BTreeSet<String> = files.iter().map(|f| module(f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let m = module(f);
        let code = code_of(f);
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        let mut targets = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(list) = rest.strip_prefix('{') {
                let list = &list[..list.find('}').unwrap_or(list.len())];
                for item in list.split(',') {
                    let head = item.trim().split("::").next().unwrap_or_default();
                    targets.insert(head.to_owned());
                }
            } else {
                let head: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                targets.insert(head);
            }
        }
        let entry = edges.entry(m.clone()).or_default();
        for t in targets {
            if t != m && t != "lib" && names.contains(&t) {
                entry.insert(t);
            }
        }
    }
    edges
}

#[test]
fn no_module_of_the_api_imports_around_a_circle() {
    let edges = api_imports();
    assert!(edges.len() > 10, "the API's modules were read: {edges:?}");
    // A module is in a circle when it can reach itself.
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = edges[start].iter().collect();
        while let Some(m) = stack.pop() {
            assert!(
                m != start,
                "{start} imports a module that leads back to it: {edges:#?}"
            );
            if seen.insert(m) {
                stack.extend(edges.get(m).into_iter().flatten());
            }
        }
    }
}
