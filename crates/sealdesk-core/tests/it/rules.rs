//! Domain rules at their boundaries, secrets that never print, and sealed
//! bytes cut at every length (T7: bad input is an error, never a panic).

use sealdesk_core::crypto::{
    self, DataKey, KdfParams, RecordBinding, RecoveryCode, SigningKey, UserSecretKey, VerifyingKey,
    WrapBinding,
};
use sealdesk_core::domain::{
    check_new_passphrase, check_unit, check_user_name, login_delay_secs, next_login_allowed_at,
    Role, RoleSet,
};
use sealdesk_core::secret::{Passphrase, Plaintext, SecretBytes32};
use sealdesk_core::Timestamp;

use crate::rng;

#[test]
fn names_units_and_passphrases_at_their_limits() {
    assert!(check_user_name(&"a".repeat(64)).is_ok());
    assert!(check_user_name(&"a".repeat(65)).is_err());
    assert!(check_user_name("").is_err());
    assert!(
        check_user_name("王 小明").is_err(),
        "no spaces in a login name"
    );
    assert!(check_unit("稅務管理科").is_ok());
    assert!(check_unit(&"科".repeat(64)).is_ok());
    assert!(check_unit(&"科".repeat(65)).is_err());
    assert!(check_unit("").is_err());
    assert!(check_unit("   ").is_err(), "blank after trimming");
    assert!(check_unit("稅務\u{7}科").is_err(), "control character");
    assert!(check_new_passphrase(&"x".repeat(9)).is_err());
    assert!(check_new_passphrase(&"x".repeat(10)).is_ok());
    assert!(
        check_new_passphrase("密碼密碼密碼密碼密碼").is_ok(),
        "counted in characters"
    );
}

#[test]
fn login_delays_double_after_three_free_failures() {
    let delays: Vec<i64> = (0..=6).map(login_delay_secs).collect();
    assert_eq!(delays, vec![0, 0, 0, 1, 2, 4, 8]);
    assert_eq!(login_delay_secs(40), 15 * 60, "capped at 15 minutes");
    let last = Timestamp::from_unix_millis(1_000_000);
    assert_eq!(
        next_login_allowed_at(5, last),
        Timestamp::from_unix_millis(1_004_000)
    );
    assert_eq!(next_login_allowed_at(1, last), last);
}

#[test]
fn roles_and_role_sets() {
    let readers: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| r.reads_letters())
        .collect();
    assert_eq!(readers, vec![Role::Clerk, Role::Supervisor, Role::Handler]);
    assert_eq!(Role::Auditor.to_string(), "auditor");
    let set = RoleSet::new([Role::Supervisor, Role::Clerk]).expect("allowed pair");
    assert!(set.contains(Role::Clerk) && set.contains(Role::Supervisor));
    assert!(!set.contains(Role::Auditor));
    assert_eq!(set.iter().count(), 2);
    assert_eq!(set.to_list(), "clerk,supervisor");
    assert_eq!(RoleSet::parse_list(&set.to_list()), Ok(set));
    assert!(RoleSet::new([Role::Clerk, Role::Auditor]).is_err());
}

#[test]
fn secrets_never_print() {
    let shown = [
        format!("{:?}", Passphrase::new("hunter2-hunter2".into())),
        format!("{:?}", SecretBytes32::new([0x41; 32])),
        format!("{:?}", Plaintext::new(b"secret letter".to_vec())),
        format!("{:?}", UserSecretKey::make(&mut rng(1))),
        format!("{:?}", SigningKey::make(&mut rng(2))),
        format!(
            "{:?}",
            RecoveryCode::from_secret_key(UserSecretKey::make(&mut rng(3)))
        ),
        format!(
            "{:?}",
            crypto::Wrapper::make(&UserSecretKey::make(&mut rng(4)).public_key(), &mut rng(5))
        ),
    ];
    for s in &shown {
        assert!(s.contains("REDACTED"), "{s}");
        assert!(
            !s.contains("hunter2") && !s.contains("secret letter") && !s.contains("65, 65"),
            "{s}"
        );
    }
    let p = Plaintext::new(b"abc".to_vec());
    assert_eq!((p.len(), p.is_empty()), (3, false));
    let e = Plaintext::new(Vec::new());
    assert_eq!((e.len(), e.is_empty()), (0, true));
}

#[test]
fn t7_empty_payloads_round_trip_and_every_cut_is_an_error() {
    let mut r = rng(10);
    let dk = DataKey::make(&mut r);
    let rb = RecordBinding {
        record_id: "r1",
        purpose: "working",
    };
    // Empty plaintext: the shortest valid record and wrap.
    let sealed = crypto::seal_record(&dk, &rb, b"", &mut r);
    assert_eq!(
        crypto::open_record(&dk, &rb, &sealed).expect("opens").len(),
        0
    );
    let user = UserSecretKey::make(&mut r);
    let wb = WrapBinding {
        record_id: "k1",
        purpose: "letter",
    };
    let wrapped = crypto::wrap_to(&user.public_key(), &wb, b"", &mut r);
    assert_eq!(
        crypto::unwrap_with(&user, &wb, &wrapped)
            .expect("opens")
            .len(),
        0
    );
    // Every shorter prefix is an error, never a panic.
    for n in 0..sealed.len() {
        assert!(
            crypto::open_record(&dk, &rb, &sealed[..n]).is_err(),
            "record cut at {n}"
        );
    }
    for n in 0..wrapped.len() {
        assert!(
            crypto::unwrap_with(&user, &wb, &wrapped[..n]).is_err(),
            "wrap cut at {n}"
        );
    }
    let key = crypto::seal_user_secret_key(
        &user,
        &[7u8; 32],
        &Passphrase::new("a passphrase".into()),
        &KdfParams::FLOOR,
        "u1",
        &mut r,
    )
    .expect("seal");
    assert!(crypto::sealed_user_key_params(&key).is_ok());
    for n in 0..key.len().min(200) {
        let _ = crypto::sealed_user_key_params(&key[..n]);
    }
    assert!(crypto::sealed_user_key_params(&key[..10]).is_err());
    // A sealed key has one length (header 41, ciphertext 64, tag 16): any
    // other is malformed — an altered row, not a wrong passphrase.
    assert_eq!(key.len(), crypto::SEALED_USER_KEY_LEN);
    assert_eq!(crypto::sealed_user_key_params(&key), Ok(KdfParams::FLOOR));
    for n in 0..key.len() {
        assert_eq!(
            crypto::sealed_user_key_params(&key[..n]),
            Err(crypto::CryptoError::Malformed),
            "cut at {n}"
        );
    }
    let mut longer = key.clone();
    longer.push(0);
    assert_eq!(
        crypto::sealed_user_key_params(&longer),
        Err(crypto::CryptoError::Malformed)
    );
    let mut v1 = key.clone();
    v1[0] = 1;
    assert_eq!(
        crypto::sealed_user_key_params(&v1),
        Err(crypto::CryptoError::UnsupportedVersion(1))
    );
}

#[test]
fn batch_verification_is_all_or_nothing() {
    let mut r = rng(20);
    let keys: Vec<SigningKey> = (0..3).map(|_| SigningKey::make(&mut r)).collect();
    let msgs: Vec<Vec<u8>> = (0..3u8).map(|i| vec![i; 10]).collect();
    let sigs: Vec<[u8; 64]> = keys.iter().zip(&msgs).map(|(k, m)| k.sign(m)).collect();
    let vks: Vec<VerifyingKey> = keys.iter().map(SigningKey::verifying_key).collect();
    let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
    assert!(crypto::verify_batch(&vks, &refs, &sigs));
    let mut bad = sigs.clone();
    bad[1][0] ^= 1;
    assert!(!crypto::verify_batch(&vks, &refs, &bad));
    assert!(
        !crypto::verify_batch(&vks, &refs[..2], &sigs),
        "fewer messages"
    );
    assert!(
        !crypto::verify_batch(&vks, &refs, &sigs[..2]),
        "fewer signatures"
    );
    assert!(
        !crypto::verify_batch(&vks[..2], &refs[..2], &sigs[1..]),
        "shifted"
    );
}
