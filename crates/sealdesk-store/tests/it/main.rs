//! Store tests: migrations, reopening, refusing a newer schema.

use sealdesk_store::*;

fn user(name: &str) -> UserRow {
    UserRow {
        id: format!("id-{name}"),
        name: name.into(),
        unit: Some("政風室".into()),
        roles: "clerk".into(),
        public_key: vec![9; 32],
        sealed_secret_key: vec![1, 2, 3],
        disabled: false,
        created_at: 1,
        failed_logins: 0,
        last_failed_at: None,
    }
}

#[test]
fn migrates_from_empty_and_reopens_after_close() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("v");
    {
        let mut s = Store::create(&vault).expect("create");
        assert_eq!(s.schema_version().expect("version"), SCHEMA_VERSION);
        s.write(|db| db.insert_user(&user("lin"))).expect("insert");
    }
    let s = Store::open(&vault).expect("reopen");
    let got = s.read(|db| db.user_by_name("lin")).expect("read");
    assert_eq!(got, Some(user("lin")));
    s.integrity_check().expect("integrity");
}

#[test]
fn refuses_a_newer_schema_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("v");
    drop(Store::create(&vault).expect("create"));
    {
        let c = rusqlite::Connection::open(vault.join(DB_FILE)).expect("raw open");
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let err = Store::open(&vault).expect_err("must refuse");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer Sealdesk"));
}

#[test]
fn missing_vault_and_double_create_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("nothing-here");
    assert!(matches!(Store::open(&vault), Err(StoreError::NotAVault(_))));
    drop(Store::create(&vault).expect("create"));
    assert!(matches!(
        Store::create(&vault),
        Err(StoreError::AlreadyExists(_))
    ));
}

#[test]
fn garbage_file_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(DB_FILE), vec![0x5a; 8192]).expect("write");
    let err = Store::open(dir.path()).expect_err("garbage");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

#[test]
fn failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = Store::create(&dir.path().join("v")).expect("create");
    let r: Result<(), StoreError> = s.write(|db| {
        db.insert_user(&user("a"))?;
        db.insert_user(&user("a"))
    });
    assert!(matches!(r, Err(StoreError::Duplicate("user name"))));
    assert_eq!(s.read(|db| db.list_users()).expect("list").len(), 0);
}
