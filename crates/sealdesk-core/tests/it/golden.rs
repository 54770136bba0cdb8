//! Golden tests: frozen blobs committed under `tests/data` must keep opening,
//! and the deterministic encoders must keep producing them byte for byte.
//!
//! Regenerate only when a format is intentionally migrated:
//! `SEALDESK_WRITE_GOLDEN=1 cargo test -p sealdesk-core golden`.

use std::path::PathBuf;

use sealdesk_core::crypto::*;
use sealdesk_core::secret::Passphrase;

use crate::rng;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Compares `fresh` with the committed hex file, or writes it when asked.
fn check_golden(name: &str, fresh: &[u8]) -> Vec<u8> {
    let path = data(name);
    if std::env::var_os("SEALDESK_WRITE_GOLDEN").is_some() {
        std::fs::write(&path, hex::encode(fresh) + "\n").expect("write golden");
    }
    let text = std::fs::read_to_string(&path).expect("golden file present");
    hex::decode(text.trim()).expect("golden file is hex")
}

const PLAINTEXT: &str = "密件測試:主旨 檢舉 A123456789";
const RECORD: RecordBinding<'static> = RecordBinding {
    record_id: "golden-record",
    purpose: "text",
};
const WRAP: WrapBinding<'static> = WrapBinding {
    record_id: "golden-record",
    purpose: "text",
};

#[test]
fn record_format_v1_is_frozen() {
    let key = fixed::data_key_from_bytes([0x11; 32]);
    let fresh = fixed::seal_record_with_nonce(&key, &RECORD, PLAINTEXT.as_bytes(), &[0x22; 12]);
    let frozen = check_golden("record_v1.hex", &fresh);
    assert_eq!(fresh, frozen, "record layout changed: that is a migration");
    assert_eq!(frozen[0], RECORD_V1);
    let opened = open_record(&key, &RECORD, &frozen).expect("frozen record opens");
    assert_eq!(opened.expose_str(), Some(PLAINTEXT));
}

#[test]
fn record_associated_data_is_frozen() {
    let ad = RECORD.associated_data();
    let mut expected = b"sealdesk.record.v1\0".to_vec();
    expected.extend_from_slice(&13u32.to_be_bytes());
    expected.extend_from_slice(b"golden-record");
    expected.extend_from_slice(&4u32.to_be_bytes());
    expected.extend_from_slice(b"text");
    assert_eq!(ad, expected);
}

#[test]
fn wrapped_key_format_v1_is_frozen() {
    let mut r = rng(100);
    let recipient = UserSecretKey::make(&mut r);
    let key = fixed::data_key_from_bytes([0x33; 32]);
    let fresh = wrap_data_key(&recipient.public_key(), &WRAP, &key, &mut r);
    let frozen = check_golden("wrapped_key_v1.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "wrap layout or derivation changed: that is a migration"
    );
    assert_eq!(frozen.len(), 93);
    let back = unwrap_data_key(&recipient, &WRAP, &frozen).expect("frozen wrap opens");
    assert_eq!(back.expose(), &[0x33; 32]);
}

#[test]
fn sealed_user_key_format_v1_is_frozen() {
    let mut r = rng(200);
    let sk = UserSecretKey::make(&mut r);
    let pass = Passphrase::from("golden passphrase 密");
    let fresh =
        seal_user_secret_key(&sk, &pass, &KdfParams::DEFAULT, "golden-user", &mut r).expect("seal");
    let frozen = check_golden("sealed_user_key_v1.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "user-key sealing changed: that is a migration"
    );
    assert_eq!(frozen.len(), 1 + 12 + 16 + 12 + 32 + 16);
    let opened = open_user_secret_key(&frozen, &pass, "golden-user").expect("frozen key opens");
    assert_eq!(opened.public_key(), sk.public_key());
}

fn golden_body(seq: u64) -> sealdesk_core::ledger::EntryBody {
    sealdesk_core::ledger::EntryBody {
        seq,
        at: 1_795_741_200_000,
        user: "handler".into(),
        role: Some("handler".into()),
        workstation: "ws-000000000000".into(),
        action: "view".into(),
        letter_id: Some("0123456789abcdef0123456789abcdef".into()),
        receipt_no: Some("SD-115-00001".into()),
        level: Some("密".into()),
        reason: Some("辦理 SD-115-00001".into()),
        assignment: Some("SD-115-00001".into()),
        outcome: "allowed".into(),
        detail: None,
    }
}

#[test]
fn ledger_entry_chain_and_checkpoint_formats_v1_are_frozen() {
    use sealdesk_core::ledger::*;
    let mut r = rng(300);
    let reader = UserSecretKey::make(&mut r);
    let body = golden_body(7);
    // The canonical JSON is what the commitment covers: pin its bytes too.
    assert_eq!(
        String::from_utf8(body.canonical_json()).expect("utf8"),
        r#"{"seq":7,"at":1795741200000,"user":"handler","role":"handler","workstation":"ws-000000000000","action":"view","letter_id":"0123456789abcdef0123456789abcdef","receipt_no":"SD-115-00001","level":"密","reason":"辦理 SD-115-00001","assignment":"SD-115-00001","outcome":"allowed","detail":null}"#
    );
    let fresh = seal_entry(&reader.public_key(), &body, &mut r);
    let frozen = check_golden("ledger_entry_v1.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "ledger entry layout changed: that is a migration"
    );
    assert_eq!(entry_header(&frozen).map(|(s, _)| s), Some(7));
    let opened = open_entry(&reader, &frozen).expect("frozen entry opens");
    assert_eq!(opened.body, body);

    let prev = [0xab; 32];
    let h = chain_hash(7, &prev, &frozen);
    let frozen_hash = check_golden("ledger_chain_hash_v1.hex", &h);
    assert_eq!(
        h.to_vec(),
        frozen_hash,
        "chain hash changed: that is a migration"
    );

    let signer = SigningKey::make(&mut r);
    let cp = sign_checkpoint(&signer, 7, h, 1_795_741_200_000);
    let mut fresh_cp = checkpoint_message(cp.seq, &cp.head_hash, cp.at, &cp.workstation_public_key);
    fresh_cp.extend_from_slice(&cp.signature);
    let frozen_cp = check_golden("ledger_checkpoint_v1.hex", &fresh_cp);
    assert_eq!(
        fresh_cp, frozen_cp,
        "checkpoint format changed: that is a migration"
    );
    assert_eq!(verify_checkpoint(&cp, &signer.verifying_key()), Ok(()));
}

#[test]
fn ledger_entry_opens_only_for_the_reader_and_detects_tampering() {
    use sealdesk_core::ledger::*;
    let mut r = rng(301);
    let reader = UserSecretKey::make(&mut r);
    let other = UserSecretKey::make(&mut r);
    let sealed = seal_entry(&reader.public_key(), &golden_body(3), &mut r);
    assert!(open_entry(&other, &sealed).is_err());
    for i in [0usize, 5, 20, 60, sealed.len() - 1] {
        let mut bad = sealed.clone();
        bad[i] ^= 0x10;
        assert!(open_entry(&reader, &bad).is_err(), "byte {i}");
    }
}
