//! Argon2id password hashes (RustCrypto `argon2`) with the OWASP Password Storage parameters: 19 MiB of
//! memory, 2 passes, 1 lane. Measured on this project's 2-core build machine while four builds shared it (load
//! ~11): 85 ms per hash, 55 ms per verify (`cargo test -p sohoa-engine --lib password::tests::hash_time --
//! --ignored --nocapture`; dependencies are optimised in the dev profile). Cheap for a desk that signs in a few
//! times a day, costly enough for an attacker holding a copy of `sohoa.db`.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::EngineError;

/// Shortest password accepted; the desk is on a closed network, the lock-out caps online guessing.
pub const MIN_PASSWORD_CHARS: usize = 8;

fn hasher() -> Result<Argon2<'static>, EngineError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| EngineError::PasswordHash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub(crate) fn check_strength(password: &str) -> Result<(), EngineError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.trim().is_empty() {
        return Err(EngineError::WeakPassword {
            min_chars: MIN_PASSWORD_CHARS,
        });
    }
    Ok(())
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh random salt.
pub(crate) fn hash(password: &str) -> Result<String, EngineError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| EngineError::PasswordHash(e.to_string()))?
        .to_string())
}

/// Verifies with the parameters stored in the hash (so old hashes keep working after a parameter change);
/// the final comparison inside `argon2` is constant-time.
pub(crate) fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Verifying against this when the login does not exist costs the same time as a real check, so the
/// response time does not tell an attacker which logins exist.
pub(crate) fn burn_time(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash("sohoa-dummy-password").ok()) {
        let _ = verify(password, phc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_argon2id_with_owasp_parameters_and_verify() {
        let a = hash("mật khẩu dài").unwrap();
        let b = hash("mật khẩu dài").unwrap();
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify("mật khẩu dài", &a));
        assert!(!verify("mật khẩu dai", &a));
        assert!(!verify("mật khẩu dài", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            check_strength("1234567").unwrap_err().code(),
            "auth.weak_password"
        );
        assert_eq!(
            check_strength("        ").unwrap_err().code(),
            "auth.weak_password"
        );
        assert!(check_strength("12345678").is_ok());
    }

    /// A measurement, not a test: prints the time of one hash and one verify.
    #[test]
    #[ignore = "benchmark"]
    fn hash_time() {
        let n = 10u32;
        let t = std::time::Instant::now();
        let mut phc = String::new();
        for _ in 0..n {
            phc = hash("correct horse battery").unwrap();
        }
        let h = t.elapsed() / n;
        let t = std::time::Instant::now();
        for _ in 0..n {
            assert!(verify("correct horse battery", &phc));
        }
        println!(
            "argon2id m=19456 t=2 p=1: hash {h:?}, verify {:?}",
            t.elapsed() / n
        );
    }
}
