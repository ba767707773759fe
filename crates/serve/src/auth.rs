//! Who may use the dashboard and the API: argon2id password hashes, random secrets for
//! sessions, CSRF tokens, API tokens and the first-run setup link (only their SHA-256 is
//! stored), and a per-address limit on login attempts.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `n` random bytes from the operating system, as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    // The kernel's generator does not fail once the system is up; should it, the secret is
    // not made from zeros.
    if getrandom::fill(&mut b).is_err() {
        panic!("the operating system's random generator failed");
    }
    hex(&b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// SHA-256 of `s`, hex: how secrets are stored (a stolen database opens nothing).
pub fn digest(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// Compares two strings in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The argon2id hash (PHC string) of `password`, with a random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    if getrandom::fill(&mut salt).is_err() {
        panic!("the operating system's random generator failed");
    }
    let salt = SaltString::encode_b64(&salt).unwrap_or_else(|_| unreachable!("16 bytes fit"));
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|_| unreachable!("argon2 with its default parameters hashes any input"))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Failed logins in a row that lock an account.
pub const LOCK_AFTER: i64 = 5;
/// How long an account stays locked.
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
/// Login attempts one address may make per minute.
pub const PER_MINUTE: u32 = 10;
/// How long a session lasts.
pub const SESSION_FOR: Duration = Duration::from_secs(12 * 3600);

/// Login attempts per address over the last minute; bounded (the oldest windows go first
/// when too many addresses try).
#[derive(Default)]
pub struct Limiter {
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Limiter {
    /// Counts an attempt from `ip`; false when it is over the limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let mut m = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if m.len() >= 4096 {
            m.retain(|_, (t, _)| now.duration_since(*t) < Duration::from_secs(60));
            if m.len() >= 4096 {
                // Still full: an attacker with many addresses; nobody new gets in for a minute
                // rather than memory growing.
                return m.contains_key(&ip) && m[&ip].1 < PER_MINUTE;
            }
        }
        let e = m.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(60) {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= PER_MINUTE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
        // Salted: the same password hashes differently.
        assert_ne!(h, hash_password("correct horse battery"));
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (a, b) = (random_hex(32), random_hex(32));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest("abc").len(), 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn logins_are_limited_per_address() {
        let l = Limiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..PER_MINUTE {
            assert!(l.allow(ip));
        }
        assert!(!l.allow(ip));
        assert!(l.allow("192.0.2.2".parse().unwrap()));
    }
}
