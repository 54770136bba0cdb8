//! Golden tests: frozen blobs committed under `tests/data` must keep opening,
//! and the deterministic encoders must keep producing them byte for byte.
//!
//! Regenerate only when a format is intentionally migrated, as a separate
//! step: `scripts/write-golden.sh`. A run that writes golden data always
//! fails (it compared nothing), and CI (`CI` set) refuses to write at all.

use std::path::PathBuf;

use sealdesk_core::crypto::*;
use sealdesk_core::secret::Passphrase;

use crate::rng;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Returns the committed hex file's bytes. With `SEALDESK_WRITE_GOLDEN`
/// set, writes `fresh` there instead and fails the test: data just written
/// proves nothing, so a writing run can never pass as a check.
fn check_golden(name: &str, fresh: &[u8]) -> Vec<u8> {
    let path = data(name);
    if std::env::var_os("SEALDESK_WRITE_GOLDEN").is_some() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI never writes golden data; run scripts/write-golden.sh by hand"
        );
        std::fs::write(&path, hex::encode(fresh) + "\n").expect("write golden");
        panic!("wrote {name}; review the diff, commit it as a migration, and rerun without SEALDESK_WRITE_GOLDEN");
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
fn sealed_user_key_format_v2_is_frozen() {
    let mut r = rng(200);
    let sk = UserSecretKey::make(&mut r);
    let pass = Passphrase::from("golden passphrase 密");
    let genesis = [0x47; 32];
    let fresh = seal_user_secret_key(
        &sk,
        &genesis,
        &pass,
        &KdfParams::DEFAULT,
        "golden-user",
        &mut r,
    )
    .expect("seal");
    let frozen = check_golden("sealed_user_key_v2.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "user-key sealing changed: that is a migration"
    );
    assert_eq!(frozen[0], USER_KEY_V2);
    assert_eq!(frozen.len(), 1 + 12 + 16 + 12 + 64 + 16);
    let opened = open_user_secret_key(&frozen, &pass, "golden-user").expect("frozen key opens");
    assert_eq!(opened.key.public_key(), sk.public_key());
    assert_eq!(opened.genesis_hash, genesis);
    // A v1 blob (before the vault root) is refused by version, not guessed at.
    let mut v1 = frozen.clone();
    v1[0] = 1;
    assert_eq!(
        open_user_secret_key(&v1, &pass, "golden-user").err(),
        Some(CryptoError::UnsupportedVersion(1))
    );
}

#[test]
fn derived_signing_keys_are_frozen() {
    // A user's attestation key and the vault root are HKDF derivations of
    // an X25519 secret: pin them, or every certificate breaks.
    let secret = UserSecretKey::from_secret(sealdesk_core::secret::SecretBytes32::new([0x21; 32]));
    let user = secret
        .derive_signing_key(USER_SIGNING_LABEL)
        .verifying_key();
    let root = secret
        .derive_signing_key(ROOT_SIGNING_LABEL)
        .verifying_key();
    let mut both = user.0.to_vec();
    both.extend_from_slice(&root.0);
    let frozen = check_golden("derived_signing_keys_v1.hex", &both);
    assert_eq!(both, frozen, "key derivation changed: that is a migration");
    assert_ne!(user, root, "the two labels give different keys");
}

#[test]
fn recovery_code_text_form_is_frozen() {
    let code = RecoveryCode::from_secret_key(UserSecretKey::from_secret(
        sealdesk_core::secret::SecretBytes32::new([0x42; 32]),
    ));
    let text = code.to_printable().to_string();
    let frozen = check_golden("recovery_code_v1.hex", text.as_bytes());
    assert_eq!(
        text.as_bytes(),
        frozen.as_slice(),
        "recovery code form changed"
    );
    assert_eq!(text.len(), 55 + 10, "eleven groups of five with dashes");
    let back = RecoveryCode::parse(&text.to_lowercase().replace('-', " ")).expect("parses");
    assert_eq!(back.public_key(), code.public_key());
}

fn golden_body(seq: u64) -> sealdesk_core::ledger::EntryBody {
    sealdesk_core::ledger::EntryBody {
        seq,
        at: 1_795_741_200_000,
        user: "handler".into(),
        role: Some("handler".parse().expect("a role")),
        workstation: "ws-000000000000".into(),
        action: "view".parse().expect("an action"),
        letter_id: Some("0123456789abcdef0123456789abcdef".into()),
        receipt_no: Some("SD-115-00001".into()),
        level: Some("密".into()),
        reason: Some("辦理 SD-115-00001".into()),
        assignment: Some("fedcba9876543210fedcba9876543210".into()),
        outcome: "allowed".parse().expect("an outcome"),
        detail: None,
    }
}

fn golden_genesis(root: &SigningKey) -> sealdesk_core::directory::SignedGenesis {
    sealdesk_core::directory::Genesis {
        format: 1,
        vault_id: "00112233445566778899aabbccddeeff".into(),
        created_at: 1_795_741_200_000,
        root_public_key: root.verifying_key().0,
        recovery_public_key: [0x31; 32],
        ledger_public_key: [0x32; 32],
    }
    .sign(root)
}

#[test]
fn genesis_and_directory_statement_formats_v1_are_frozen() {
    use sealdesk_core::directory::*;
    let root = SigningKey::from_secret(&sealdesk_core::secret::SecretBytes32::new([0x07; 32]));
    let g = golden_genesis(&root);
    let mut fresh = g.json.clone();
    fresh.extend_from_slice(&g.signature);
    fresh.extend_from_slice(&g.hash());
    let frozen = check_golden("genesis_v1.hex", &fresh);
    assert_eq!(fresh, frozen, "genesis format changed: that is a migration");
    assert!(SignedGenesis::parse(&g.json, &g.signature).is_ok());

    let st = Statement {
        vault_id: g.genesis.vault_id.clone(),
        at: 1_795_741_200_000,
        issuer: ROOT_ISSUER.into(),
        change: Change::User {
            cert: UserCert {
                id: "0123456789abcdef0123456789abcdef".into(),
                name: "admin".into(),
                roles: "admin".into(),
                unit: None,
                disabled: false,
                encryption_key: [0x41; 32],
                signing_key: [0x42; 32],
            },
        },
    };
    assert_eq!(
        String::from_utf8(st.canonical_json()).expect("utf8"),
        r#"{"vault_id":"00112233445566778899aabbccddeeff","at":1795741200000,"issuer":"root","change":{"kind":"user","cert":{"id":"0123456789abcdef0123456789abcdef","name":"admin","roles":"admin","unit":null,"disabled":false,"encryption_key":"4141414141414141414141414141414141414141414141414141414141414141","signing_key":"4242424242424242424242424242424242424242424242424242424242424242"}}}"#
    );
    let prev = [0x5c; 32];
    let (json, sig) = st.sign_at(&root, 1, &prev);
    let mut fresh = json.clone();
    fresh.extend_from_slice(&sig);
    let frozen = check_golden("directory_statement_v1.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "statement format changed: that is a migration"
    );
    let mut dir = Directory::new(&g.genesis);
    // Bound to its place: the same bytes at another entry do not verify.
    assert_eq!(
        dir.check(&json, &sig, 2, &prev).err(),
        Some(DirectoryError::BadSignature)
    );
    assert_eq!(
        dir.check(&json, &sig, 1, &[0x5d; 32]).err(),
        Some(DirectoryError::BadSignature)
    );
    dir.apply(&json, &sig, 1, &prev)
        .expect("root certifies the first admin");
    assert_eq!(
        dir.user_by_name("admin").map(|u| u.signing_key),
        Some([0x42; 32])
    );
}

#[test]
fn ledger_entry_chain_attestation_and_checkpoint_formats_v2_are_frozen() {
    use sealdesk_core::ledger::*;
    let mut r = rng(300);
    let reader = UserSecretKey::make(&mut r);
    let body = golden_body(7);
    // The canonical JSON is what the commitment covers: pin its bytes too.
    assert_eq!(
        String::from_utf8(body.canonical_json()).expect("utf8"),
        r#"{"seq":7,"at":1795741200000,"user":"handler","role":"handler","workstation":"ws-000000000000","action":"view","letter_id":"0123456789abcdef0123456789abcdef","receipt_no":"SD-115-00001","level":"密","reason":"辦理 SD-115-00001","assignment":"fedcba9876543210fedcba9876543210","outcome":"allowed","detail":null}"#
    );
    let actor = [0x0a; 16];
    let session = [0x5e; 16];
    let wrapper = fixed::reader_wrapper(&reader.public_key(), &mut r);
    let fresh = fixed::seal_event_with_nonce(&wrapper, actor, session, &body, &[0x4e; 32], &mut r);
    let frozen = check_golden("ledger_entry_v2.hex", &fresh);
    assert_eq!(
        fresh, frozen,
        "ledger entry layout changed: that is a migration"
    );
    let h = header(&frozen).expect("header");
    assert_eq!(
        (h.seq, h.kind, h.actor, h.session),
        (7, EntryKind::Event, actor, session)
    );
    let opened = open_entry(&reader, &frozen)
        .expect("frozen entry opens")
        .expect("an event");
    assert_eq!(opened.body, body);

    let prev = [0xab; 32];
    let hash = chain_hash(7, &prev, &frozen);
    let frozen_hash = check_golden("ledger_chain_hash_v2.hex", &hash);
    assert_eq!(
        hash.to_vec(),
        frozen_hash,
        "chain hash changed: that is a migration"
    );

    let signer = SigningKey::from_secret(&sealdesk_core::secret::SecretBytes32::new([0x09; 32]));
    let att = Attestation {
        seq: 8,
        prev_hash: hash,
        actor,
        session,
        at: 1_795_741_260_000,
        seqs: vec![5, 7],
    };
    let vault_id = [0x33; 16];
    let sealed_att = att.seal(&signer, &vault_id);
    let frozen_att = check_golden("ledger_attestation_v2.hex", &sealed_att);
    assert_eq!(
        sealed_att, frozen_att,
        "attestation format changed: that is a migration"
    );
    let (back, sig) = Attestation::parse(&frozen_att, hash).expect("parses");
    assert_eq!(back, att);
    assert!(verify_signature(&signer.verifying_key(), &back.message(&vault_id), &sig).is_ok());

    let root = SigningKey::from_secret(&sealdesk_core::secret::SecretBytes32::new([0x07; 32]));
    let cp = sign_checkpoint(
        &signer,
        "golden",
        &root.verifying_key(),
        8,
        hash,
        1_795_741_200_000,
    );
    let mut fresh_cp = checkpoint_message(
        &cp.workstation_public_key,
        cp.seq,
        &cp.head_hash,
        cp.at,
        &cp.signer_public_key,
    );
    fresh_cp.extend_from_slice(&cp.signature);
    let frozen_cp = check_golden("ledger_checkpoint_v2.hex", &fresh_cp);
    assert_eq!(
        fresh_cp, frozen_cp,
        "checkpoint format changed: that is a migration"
    );
}

#[test]
fn ledger_entry_opens_only_for_the_reader_and_detects_tampering() {
    use sealdesk_core::ledger::*;
    let mut r = rng(301);
    let reader = UserSecretKey::make(&mut r);
    let other = UserSecretKey::make(&mut r);
    let wrapper = fixed::reader_wrapper(&reader.public_key(), &mut r);
    let sealed = seal_event(&wrapper, [1; 16], [2; 16], &golden_body(3), &mut r);
    assert!(open_entry(&other, &sealed).is_err());
    for i in [0usize, 9, 20, HEADER_LEN + 5, 90, sealed.len() - 1] {
        let mut bad = sealed.clone();
        bad[i] ^= 0x10;
        assert!(
            !matches!(open_entry(&reader, &bad), Ok(Some(_))),
            "byte {i}"
        );
    }
}

/// The signed fact (ledger entry kind 4): its JSON, its signature's message
/// and its entry bytes. A change to any is a migration.
#[test]
fn fact_format_v1_is_frozen() {
    use sealdesk_core::facts::*;
    let key = SigningKey::from_secret(&sealdesk_core::secret::SecretBytes32::new([0x09; 32]));
    let st = FactStatement {
        vault_id: "00112233445566778899aabbccddeeff".into(),
        at: 1_795_741_200_000,
        author: "0123456789abcdef0123456789abcdef".into(),
        fact: Fact::Request {
            request: "r1".into(),
            kind: RequestKind::Reveal,
            letter: "l1".into(),
            unit: "稅務管理科".into(),
            handler: "0123456789abcdef0123456789abcdef".into(),
            until: 1_796_346_000_000,
            readers: Vec::new(),
        },
    };
    assert_eq!(
        String::from_utf8(st.canonical_json()).expect("utf8"),
        r#"{"vault_id":"00112233445566778899aabbccddeeff","at":1795741200000,"author":"0123456789abcdef0123456789abcdef","fact":"request","request":"r1","kind":"reveal","letter":"l1","unit":"稅務管理科","handler":"0123456789abcdef0123456789abcdef","until":1796346000000}"#
    );
    let prev = [0x5c; 32];
    let (json, sig) = st.sign_at(&key, 7, &prev);
    let entry = sealdesk_core::ledger::seal_fact(7, [0x01; 16], [0x02; 16], &json, &sig);
    assert_eq!(
        &entry[..10],
        &[2, 0, 0, 0, 0, 0, 0, 0, 7, 4],
        "v2 header, kind 4"
    );
    let frozen = check_golden("fact_v1.hex", &entry);
    assert_eq!(entry, frozen, "fact format changed: that is a migration");
    assert_eq!(
        sealdesk_core::ledger::fact_parts(&entry),
        Some((json.as_slice(), sig.as_slice()))
    );
}

/// A desk's sealed verified state: the JSON of the state (what a resumed
/// verifier starts from) and its sealing under the account's key. A change
/// to either is a migration (old states are then ignored, and the desk
/// verifies from genesis once).
#[test]
fn desk_state_format_v1_is_frozen() {
    use sealdesk_core::ledger::{DeskBinding, VerifiedState};
    const JSON: &str = concat!(
        r#"{"seq":8,"hash":"23c0aca9818ec50daa90c70ab6492378269e01e81f178c122a47bb3a354898b7","#,
        r#""directory":{"vault_id":"98aff5c19c25a0ef4acd86c88cb7c08a","root":"79d7b33e876f75ed9e862d241e40231914f85eee29e78bf837a2370caa7fd7f1","#,
        r#""users":{"0940384146444c97e93a15c6011ed3aa":{"id":"0940384146444c97e93a15c6011ed3aa","name":"handler","roles":"handler","unit":"稅務管理科","disabled":false,"encryption_key":"a11dbec9f46d8f6a60c634d030aa9e69d4a40770b7a886909788f4e69734c832","signing_key":"712a2295d0e12ce5a94ab5b88dffbdbe307267341e3b92817d50614a0316f069"}},"#,
        r#""settings":{"idle_timeout_secs":900},"#,
        r#""sealed_keys":{"0940384146444c97e93a15c6011ed3aa":"5d41402abc4b2a76b9719d911017c592ae2c4b1e7a0f7e4d1fb8e6e1c4a1b2c3"},"#,
        r#""since":{"0940384146444c97e93a15c6011ed3aa":1795741200000},"ledger_readers":[],"statements":5},"#,
        r#""facts":{"letters":{"l1":{"receipt_no":"SD-115-00001","level":"密","category":"procurement_objection","registered_by":"d9626052257c1bc73a2ddd382e859041","registered_at":1795741200000,"copies":1}},"#,
        r#""requests":{"r1":{"kind":"access","letter":"l1","unit":"稅務管理科","handler":"0940384146444c97e93a15c6011ed3aa","requested_by":"d9626052257c1bc73a2ddd382e859041","requested_at":1795741201000,"until":1796346000000,"status":"approved","decided_by":"7dcf70cf36f1b1db073eea927d09df0e","decided_at":1795741202000}},"#,
        r#""assignments":{"a1":{"kind":"access","letter":"l1","handler":"0940384146444c97e93a15c6011ed3aa","unit":"稅務管理科","request":"r1","approved_by":"7dcf70cf36f1b1db073eea927d09df0e","starts_at":1795741202000,"until":1796346000000,"ended":["revoked",1795741300000],"affirmed_at":1795741203000}},"count":5},"#,
        r#""open_sessions":[{"actor":"0940384146444c97e93a15c6011ed3aa","session":"02020202020202020202020202020202","seqs":[6]}],"#,
        r#""last_attested":3,"anonymous":1,"anonymous_tail":[8]}"#
    );
    let state: VerifiedState = serde_json::from_str(JSON).expect("the v1 state parses");
    assert_eq!(state.seq, 8);
    assert_eq!(state.facts.count(), 5);
    // A state from before letters' states were kept: a routed letter is
    // handled, and its routing's approver approved its level.
    assert_eq!(
        state.facts.state_of("l1"),
        Some(sealdesk_core::life::LetterState::Handling)
    );
    assert_eq!(
        state.facts.level_approver("l1").as_deref(),
        Some("7dcf70cf36f1b1db073eea927d09df0e")
    );
    assert_eq!(
        serde_json::to_string(&state).expect("json"),
        JSON,
        "desk state JSON changed: that is a migration"
    );
    let key = UserSecretKey::from_secret(sealdesk_core::secret::SecretBytes32::new([0x0b; 32]));
    let gh = [0x42u8; 32];
    let binding = DeskBinding {
        vault_id: "98aff5c19c25a0ef4acd86c88cb7c08a",
        account: "0940384146444c97e93a15c6011ed3aa",
        genesis_hash: &gh,
    };
    let fields: [&[u8]; 3] = [binding.vault_id.as_bytes(), binding.account.as_bytes(), &gh];
    let sealed = fixed::seal_desk_state_with_nonce(&key, &fields, JSON.as_bytes(), &[0x0c; 12]);
    assert_eq!(
        &sealed[..13],
        &[&[DESK_STATE_V1][..], &[0x0c; 12]].concat()[..]
    );
    let frozen = check_golden("desk_state_v1.hex", &sealed);
    assert_eq!(
        sealed, frozen,
        "desk state sealing changed: that is a migration"
    );
    let opened = VerifiedState::open(&key, &binding, &frozen).expect("the frozen state opens");
    assert_eq!(serde_json::to_string(&opened).expect("json"), JSON);
}
