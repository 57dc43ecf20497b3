//! Business rules of the APIs that are pure functions of their inputs.
//!
//! Owns: secret strength, the two-secret limit, subaccount names, callback
//! URL and forward-method validity, transfer amounts, and how much an account
//! can give away in a balance or credit transfer (see
//! `docs/vonage-api-notes.md`).
//! Must not: touch state, locks or HTTP; callers turn a broken rule into the
//! right `problem` response.

use serde_json::Value;

use super::world::Account;
use crate::wire::money::Eur;

/// An account holds at most this many secrets.
pub const MAX_SECRETS: usize = 2;

/// Subaccount names are 1 to 80 characters.
pub const MAX_NAME_CHARS: usize = 80;

/// The reason Vonage gives for a weak secret.
pub const WEAK_SECRET: &str = "Does not meet complexity requirements";

/// The documented values of `httpForwardMethod`.
pub const HTTP_FORWARD_METHODS: [&str; 3] = ["GET_QUERY_PARAMS", "POST_QUERY_PARAMS", "POST_JSON"];

/// 8–25 characters with at least one lower-case letter, one upper-case
/// letter and one digit.
pub fn secret_is_strong(secret: &str) -> bool {
    let length = secret.chars().count();
    (8..=25).contains(&length)
        && secret.chars().any(|c| c.is_ascii_lowercase())
        && secret.chars().any(|c| c.is_ascii_uppercase())
        && secret.chars().any(|c| c.is_ascii_digit())
}

/// A subaccount name: a string of 1–80 characters. `Err` is the reason.
pub fn subaccount_name(value: &Value) -> Result<String, &'static str> {
    match value {
        Value::String(name) if name.is_empty() => Err("Must not be empty"),
        Value::String(name) if name.chars().count() > MAX_NAME_CHARS => {
            Err("Must be at most 80 characters long")
        }
        Value::String(name) => Ok(name.clone()),
        _ => Err("Must be a string"),
    }
}

/// A boolean field (`suspended`, `use_primary_account_balance`).
pub fn boolean(value: &Value) -> Result<bool, &'static str> {
    value.as_bool().ok_or("Should be either 'true' or 'false'")
}

/// A callback URL: `""` unsets (`Ok(None)`); anything else must be an
/// absolute http(s) URL with a host.
pub fn callback_url(value: &str) -> Result<Option<String>, &'static str> {
    if value.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(value.to_string()))
        }
        _ => Err("Must be an absolute http or https URL"),
    }
}

/// `httpForwardMethod`: `""` unsets, otherwise one of the documented values.
pub fn http_forward_method(value: &str) -> Result<Option<String>, &'static str> {
    if value.is_empty() {
        return Ok(None);
    }
    if HTTP_FORWARD_METHODS.contains(&value) {
        Ok(Some(value.to_string()))
    } else {
        Err("Must be one of GET_QUERY_PARAMS, POST_QUERY_PARAMS, POST_JSON")
    }
}

/// The reason given for any amount that is not a positive JSON number.
pub const BAD_AMOUNT: &str = "Only positive values of data type JSON number are allowed";

/// A transfer amount: a positive JSON number (strings are refused) with at
/// most 8 decimals.
pub fn transfer_amount(value: &Value) -> Result<Eur, &'static str> {
    let Value::Number(number) = value else {
        return Err(BAD_AMOUNT);
    };
    match Eur::from_json(number) {
        Some(amount) if amount.is_positive() => Ok(amount),
        _ => Err(BAD_AMOUNT),
    }
}

/// Balance an account can transfer away: `balance − credit_limit` (it may
/// draw on its credit line), never below zero.
pub fn balance_available_for_transfer(account: &Account) -> Eur {
    account
        .balance
        .checked_sub(account.credit_limit)
        .filter(|m| !m.is_negative())
        .unwrap_or(Eur::ZERO)
}

/// Unspent credit an account can hand over: `|credit_limit| − |balance|`
/// when the balance is negative, else `|credit_limit|`.
pub fn credit_available(account: &Account) -> Eur {
    let line = account.credit_limit.abs();
    if account.balance.is_negative() {
        line.checked_sub(account.balance.abs())
            .filter(|m| !m.is_negative())
            .unwrap_or(Eur::ZERO)
    } else {
        line
    }
}

/// A phone number as stored: digits only (a leading `+` and spaces dropped).
pub fn normalize_number(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let digits: String = text.chars().filter(|c| !matches!(c, '+' | ' ')).collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// A two-letter country code, upper-cased.
pub fn country_code(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    (text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_strength() {
        assert!(secret_is_strong("Abcdefg1"));
        assert!(secret_is_strong("Abcdefghijklmnopqrstuvw12"));
        assert!(!secret_is_strong("Abcdef1"), "too short");
        assert!(!secret_is_strong("Abcdefghijklmnopqrstuvw123"), "too long");
        assert!(!secret_is_strong("abcdefg1"), "no upper");
        assert!(!secret_is_strong("ABCDEFG1"), "no lower");
        assert!(!secret_is_strong("Abcdefgh"), "no digit");
    }

    #[test]
    fn names() {
        assert_eq!(subaccount_name(&json!("a")), Ok("a".to_string()));
        assert!(subaccount_name(&json!("")).is_err());
        assert!(subaccount_name(&json!("x".repeat(81))).is_err());
        assert!(subaccount_name(&json!("é".repeat(80))).is_ok());
        assert!(subaccount_name(&json!(5)).is_err());
    }

    #[test]
    fn callback_urls() {
        assert_eq!(callback_url(""), Ok(None));
        assert!(callback_url("https://example.com/x").unwrap().is_some());
        assert!(callback_url("http://127.0.0.1:9/x").unwrap().is_some());
        assert!(callback_url("ftp://example.com").is_err());
        assert!(callback_url("/relative").is_err());
        assert!(callback_url("not a url").is_err());
    }

    #[test]
    fn amounts() {
        assert!(transfer_amount(&json!(1.5)).is_ok());
        assert!(transfer_amount(&json!("1.5")).is_err());
        assert!(transfer_amount(&json!(0)).is_err());
        assert!(transfer_amount(&json!(-1)).is_err());
    }

    #[test]
    fn availability_follows_the_documented_examples() {
        let mut primary = Account::new_primary("p", "Secret123", "p", Eur::ZERO, Eur::ZERO, 0);
        primary.balance = Eur::from_euros(-20);
        primary.credit_limit = Eur::from_euros(-100);
        assert_eq!(
            balance_available_for_transfer(&primary),
            Eur::from_euros(80)
        );
        primary.balance = Eur::from_euros(-40);
        assert_eq!(credit_available(&primary), Eur::from_euros(60));
        primary.balance = Eur::from_euros(5);
        assert_eq!(credit_available(&primary), Eur::from_euros(100));
    }
}
