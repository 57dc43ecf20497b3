//! Vonage's rule for API secrets, checked at plan time so a weak secret never reaches the API.
//!
//! Owns the rule's numbers, its wording and the one diagnostic every attribute that takes a
//! secret uses (docs/vonage-api-notes.md §4).
//!
//! Must not: put the secret in any message. The reasons name the missing property only.

use crate::framework::diagnostics::{AttrPath, Diagnostic};

/// The shortest secret Vonage accepts.
pub const SECRET_MIN_LEN: usize = 8;
/// The longest secret Vonage accepts.
pub const SECRET_MAX_LEN: usize = 25;

/// Vonage's rule in words, for descriptions and diagnostics.
pub fn secret_rule() -> String {
    format!(
        "{SECRET_MIN_LEN} to {SECRET_MAX_LEN} characters, with at least one lowercase letter, \
        one uppercase letter and one digit"
    )
}

/// The diagnostic for a weak value of `attr`; `why` comes from [`secret_strength`].
pub fn weak_secret_diagnostic(attr: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        "API secret too weak for Vonage",
        format!(
            "The value of `{attr}` does not meet Vonage's rule ({}): {why}. Choose a value that \
            does, or generate one with the `vonage_generated_secret` ephemeral resource.",
            secret_rule()
        ),
    )
    .at(AttrPath::attr(attr))
}

/// Why a secret is too weak, or `Ok` when Vonage will accept it: see [`secret_rule`].
pub fn secret_strength(secret: &str) -> Result<(), String> {
    let len = secret.chars().count();
    let mut missing = Vec::new();
    if !secret.chars().any(|c| c.is_ascii_lowercase()) {
        missing.push("a lowercase letter");
    }
    if !secret.chars().any(|c| c.is_ascii_uppercase()) {
        missing.push("an uppercase letter");
    }
    if !secret.chars().any(|c| c.is_ascii_digit()) {
        missing.push("a digit");
    }
    let mut problems = Vec::new();
    if !(SECRET_MIN_LEN..=SECRET_MAX_LEN).contains(&len) {
        problems.push(format!(
            "it is {len} characters long, and must be {SECRET_MIN_LEN} to {SECRET_MAX_LEN}"
        ));
    }
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", missing.join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_what_vonage_accepts_and_never_echoes_the_value() {
        assert!(secret_strength("Abcdefg1").is_ok());
        assert!(secret_strength("Abcdefghijklmnopqrstuvw12").is_ok()); // 25
        let long = secret_strength("Abcdefghijklmnopqrstuvw123").unwrap_err(); // 26
        assert!(long.contains("26 characters"), "{long}");
        let weak = secret_strength("alllowercase").unwrap_err();
        assert!(weak.contains("an uppercase letter") && weak.contains("a digit"));
        assert!(!weak.contains("alllowercase"));
        assert!(secret_strength("Short1").is_err());
    }

    #[test]
    fn the_weak_secret_diagnostic_names_the_attribute_and_the_rule_only() {
        let why = secret_strength("alllowercase").unwrap_err();
        let d = weak_secret_diagnostic("secret_wo", &why);
        assert_eq!(d.path, Some(AttrPath::attr("secret_wo")));
        assert!(d.detail.contains("8 to 25 characters"), "{}", d.detail);
        assert!(!d.detail.contains("alllowercase"));
    }
}
