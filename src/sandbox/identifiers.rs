//! Fresh identifiers and generated secrets.
//!
//! Owns: 8-character subaccount API keys, secret and transfer ids (UUID v4),
//! payment references (`trx`) and the strong secrets generated for
//! subaccounts created without one.
//! Must not: check uniqueness against state (the caller retries on collision).

use rand::Rng;
use rand::seq::IndexedRandom;

/// An 8-character lower-case hex API key, like Vonage's.
pub fn new_api_key() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

pub fn new_secret_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn new_transfer_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A payment's transaction reference (`trx`): 32 lower-case hex digits.
pub fn new_payment_reference() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A 16-character secret that always passes the strength rule.
pub fn new_secret() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    let mut rng = rand::rng();
    let all: Vec<u8> = [LOWER, UPPER, DIGIT].concat();
    let mut bytes: Vec<u8> = vec![
        *LOWER.choose(&mut rng).unwrap_or(&b'a'),
        *UPPER.choose(&mut rng).unwrap_or(&b'A'),
        *DIGIT.choose(&mut rng).unwrap_or(&b'2'),
    ];
    while bytes.len() < 16 {
        bytes.push(*all.choose(&mut rng).unwrap_or(&b'x'));
    }
    // Move the guaranteed classes away from the front.
    for i in (1..bytes.len()).rev() {
        let j = rng.random_range(0..=i);
        bytes.swap(i, j);
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "Generated1Secret".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_secrets_have_the_documented_shape() {
        for _ in 0..200 {
            let key = new_api_key();
            assert_eq!(key.len(), 8);
            assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
            assert!(super::super::rules::secret_is_strong(&new_secret()));
        }
    }
}
