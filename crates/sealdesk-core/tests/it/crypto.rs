//! Round trips and every way a ciphertext must fail to open.

use sealdesk_core::crypto::*;
use sealdesk_core::secret::Passphrase;

use crate::rng;

const B: RecordBinding<'static> = RecordBinding {
    record_id: "letter-1",
    purpose: "text",
};
const W: WrapBinding<'static> = WrapBinding {
    record_id: "letter-1",
    purpose: "text",
};

#[test]
fn record_round_trip() {
    let mut r = rng(1);
    let key = DataKey::make(&mut r);
    let body = "檢舉人許俊宏 C181590831".as_bytes();
    let sealed = seal_record(&key, &B, body, &mut r);
    assert_eq!(sealed.len(), 1 + 12 + body.len() + 16);
    assert!(!sealed.windows(body.len()).any(|w| w == body));
    let opened = open_record(&key, &B, &sealed).expect("opens");
    assert_eq!(opened.expose(), body);
}

#[test]
fn record_fails_on_any_flipped_byte() {
    let mut r = rng(2);
    let key = DataKey::make(&mut r);
    let sealed = seal_record(&key, &B, b"confidential", &mut r);
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 0x01;
        let err = open_record(&key, &B, &bad).expect_err("tampered byte must fail");
        if i == 0 {
            assert_eq!(err, CryptoError::UnsupportedVersion(0));
        } else {
            assert_eq!(err, CryptoError::Decrypt, "byte {i}");
        }
    }
}

#[test]
fn record_fails_with_wrong_binding_or_key_or_truncation() {
    let mut r = rng(3);
    let key = DataKey::make(&mut r);
    let sealed = seal_record(&key, &B, b"confidential", &mut r);
    let other_row = RecordBinding {
        record_id: "letter-2",
        purpose: "text",
    };
    let other_purpose = RecordBinding {
        record_id: "letter-1",
        purpose: "identity",
    };
    assert_eq!(
        open_record(&key, &other_row, &sealed),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        open_record(&key, &other_purpose, &sealed),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        open_record(&DataKey::make(&mut r), &B, &sealed),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        open_record(&key, &B, &sealed[..sealed.len() - 1]),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(open_record(&key, &B, &[]), Err(CryptoError::Decrypt));
    assert_eq!(open_record(&key, &B, &[1, 2, 3]), Err(CryptoError::Decrypt));
}

#[test]
fn wrap_round_trip_and_only_the_recipient_opens() {
    let mut r = rng(4);
    let alice = UserSecretKey::make(&mut r);
    let bob = UserSecretKey::make(&mut r);
    let key = DataKey::make(&mut r);
    let wrapped = wrap_data_key(&alice.public_key(), &W, &key, &mut r);
    assert_eq!(wrapped.len(), 1 + 32 + 12 + 32 + 16);
    let back = unwrap_data_key(&alice, &W, &wrapped).expect("alice opens");
    assert_eq!(back.expose(), key.expose());
    assert_eq!(
        unwrap_data_key(&bob, &W, &wrapped).err(),
        Some(CryptoError::Decrypt)
    );
    let moved = WrapBinding {
        record_id: "letter-2",
        purpose: "text",
    };
    assert_eq!(
        unwrap_data_key(&alice, &moved, &wrapped).err(),
        Some(CryptoError::Decrypt)
    );
    for i in 1..wrapped.len() {
        let mut bad = wrapped.clone();
        bad[i] ^= 0x80;
        assert!(unwrap_data_key(&alice, &W, &bad).is_err(), "byte {i}");
    }
}

#[test]
fn wrap_refuses_a_low_order_ephemeral_key() {
    let mut r = rng(5);
    let alice = UserSecretKey::make(&mut r);
    let key = DataKey::make(&mut r);
    let mut wrapped = wrap_data_key(&alice.public_key(), &W, &key, &mut r);
    // The all-zero point has order 1: any DH with it is all zeros.
    wrapped[1..33].copy_from_slice(&[0u8; 32]);
    assert_eq!(
        unwrap_data_key(&alice, &W, &wrapped).err(),
        Some(CryptoError::Decrypt)
    );
}

#[test]
fn user_key_seal_round_trip_wrong_passphrase_and_floor() {
    let mut r = rng(6);
    let sk = UserSecretKey::make(&mut r);
    let pass = Passphrase::from("correct horse battery");
    let genesis = [0x5a; 32];
    let sealed = seal_user_secret_key(&sk, &genesis, &pass, &KdfParams::DEFAULT, "u1", &mut r)
        .expect("seal");
    assert_eq!(sealed_user_key_params(&sealed), Ok(KdfParams::DEFAULT));
    let opened = open_user_secret_key(&sealed, &pass, "u1").expect("opens");
    assert_eq!(opened.key.public_key(), sk.public_key());
    assert_eq!(opened.genesis_hash, genesis, "the pinned root comes back");
    let wrong = Passphrase::from("correct horse battery!");
    assert_eq!(
        open_user_secret_key(&sealed, &wrong, "u1").err(),
        Some(CryptoError::Decrypt)
    );
    assert_eq!(
        open_user_secret_key(&sealed, &pass, "u2").err(),
        Some(CryptoError::Decrypt)
    );

    // Lowering the stored cost in the header is caught: below the floor it is
    // refused outright, and the header is bound as associated data anyway.
    let mut weaker = sealed.clone();
    weaker[1..5].copy_from_slice(&(1024u32).to_be_bytes());
    assert_eq!(
        open_user_secret_key(&weaker, &pass, "u1").err(),
        Some(CryptoError::KdfParams)
    );
    let weak = KdfParams {
        m_kib: 1024,
        t: 1,
        p: 1,
    };
    assert_eq!(
        seal_user_secret_key(&sk, &genesis, &pass, &weak, "u1", &mut r).err(),
        Some(CryptoError::KdfParams)
    );

    // Above the ceiling (a tampered header asking for 4 GiB or 64 passes)
    // is refused before Argon2 allocates anything.
    for (at, value) in [(1usize, 4 * 1024 * 1024u32), (5, 64), (9, 16)] {
        let mut costly = sealed.clone();
        costly[at..at + 4].copy_from_slice(&value.to_be_bytes());
        let t = std::time::Instant::now();
        assert_eq!(
            open_user_secret_key(&costly, &pass, "u1").err(),
            Some(CryptoError::KdfParams),
            "header field at {at} set to {value}"
        );
        assert!(
            t.elapsed() < std::time::Duration::from_millis(50),
            "refused without running Argon2: {:?}",
            t.elapsed()
        );
    }
    assert!(KdfParams::DEFAULT.within_bounds());
    assert!(KdfParams::CEILING.within_bounds());
    assert!(!KdfParams {
        m_kib: KdfParams::CEILING.m_kib + 1,
        ..KdfParams::DEFAULT
    }
    .within_bounds());
}

#[test]
fn recovery_code_round_trip_and_typo_detection() {
    let mut r = rng(7);
    let code = RecoveryCode::from_secret_key(UserSecretKey::make(&mut r));
    let text = code.to_printable();
    assert_eq!(text.replace('-', "").len(), 55);
    let back = RecoveryCode::parse(&text.to_lowercase()).expect("parses");
    assert_eq!(back.public_key(), code.public_key());
    let spaced = text.replace('-', " ");
    assert!(RecoveryCode::parse(&spaced).is_ok());
    // One changed character is caught by the checksum.
    let mut typo: Vec<char> = text.chars().collect();
    typo[3] = if typo[3] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    assert_eq!(
        RecoveryCode::parse(&typo).err(),
        Some(CryptoError::BadRecoveryCode)
    );
    assert_eq!(
        RecoveryCode::parse("not a code").err(),
        Some(CryptoError::BadRecoveryCode)
    );
}

#[test]
fn signatures_verify_and_reject_tampering() {
    let mut r = rng(8);
    let sk = SigningKey::make(&mut r);
    let vk = sk.verifying_key();
    let sig = sk.sign(b"checkpoint 42");
    assert_eq!(verify_signature(&vk, b"checkpoint 42", &sig), Ok(()));
    assert_eq!(
        verify_signature(&vk, b"checkpoint 43", &sig),
        Err(CryptoError::BadSignature)
    );
    let mut bad = sig;
    bad[0] ^= 1;
    assert_eq!(
        verify_signature(&vk, b"checkpoint 42", &bad),
        Err(CryptoError::BadSignature)
    );
}
