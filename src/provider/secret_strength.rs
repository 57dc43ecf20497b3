//! Vonage's rule for API secrets, checked at plan time so a weak secret never reaches the API.
//!
//! Must not: put the secret in any message. The reasons name the missing property only.

/// Why a secret is too weak, or `Ok` when Vonage will accept it: 8–25 characters with at
/// least one lowercase letter, one uppercase letter and one digit.
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
    if !(8..=25).contains(&len) {
        problems.push(format!("it is {len} characters long, and must be 8 to 25"));
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
}
