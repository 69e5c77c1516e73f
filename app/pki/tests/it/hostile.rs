//! Hostile input for the keystore reader: every truncation and a few hundred single-byte
//! mutations of a real keystore must end in a typed error or a keystore, never a panic or a hang.
//! (The cargo-fuzz target `keystore_read` explores further; this runs in every test run.)

use ehcert_pki::{
    p12::{Keystore, Password},
    PkiError,
};
use rand::{Rng, SeedableRng};

use crate::oracle::{openssl_p12, openssl_self_signed, workdir};

/// A legacy-algorithm keystore from OpenSSL with one iteration, so thousands of reads stay fast.
fn small_keystore() -> Vec<u8> {
    let dir = workdir();
    openssl_self_signed(dir.path(), "/C=BE/CN=fuzz seed");
    openssl_p12(
        dir.path(),
        "seed.p12",
        Some("authentication"),
        "pw-123456",
        &["-legacy", "-iter", "1", "-maciter"],
    )
}

#[test]
fn truncations_and_mutations_end_in_errors_not_panics() {
    let seed = small_keystore();
    let password = Password::new("pw-123456");
    assert!(Keystore::read(&seed, &password).unwrap().authentication().is_ok());

    for length in (0..seed.len()).step_by(3) {
        assert!(
            Keystore::read(&seed[..length], &password).is_err(),
            "truncated to {length} bytes was accepted"
        );
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(97);
    let mut outcomes = [0usize; 3];
    for _ in 0..400 {
        let mut mutated = seed.clone();
        let at = rng.gen_range(0..mutated.len());
        mutated[at] = rng.gen();
        match Keystore::read(&mutated, &password) {
            Ok(_) => outcomes[0] += 1,
            Err(PkiError::NotAKeystore(_) | PkiError::CorruptKeystore(_)) => outcomes[1] += 1,
            Err(_) => outcomes[2] += 1,
        }
    }
    // Most single-byte changes break the structure or the MAC; none may panic.
    assert!(outcomes[1] + outcomes[2] > 300, "{outcomes:?}");
}
