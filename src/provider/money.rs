//! Exact EUR amounts for the provider's credit and transfer arithmetic.
//!
//! Owns [`Eur`]: a fixed-point amount exact to 1e-8 EUR (the finest precision Vonage shows a
//! balance in), parsed from and written back to the decimal text of cty and JSON numbers, so
//! that `0.1 + 0.2` is `0.3` and a credit line planned as `25.5` is compared with the API's
//! `-25.5000` exactly.
//!
//! Must not: know accounts or transfer rules; callers decide what an amount means.

use std::fmt;

use crate::framework::cty::Number;

const SCALE_DIGITS: usize = 8;
const SCALE: i128 = 100_000_000;

/// An amount of euros, exact to 1e-8. May be negative (the API's credit limits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Eur(i128);

impl Eur {
    pub const ZERO: Eur = Eur(0);

    /// Parses decimal text such as `10`, `-3.25`, `0.02` or `1.5e2`. `None` for anything else,
    /// or for more than 8 decimal places.
    pub fn parse(text: &str) -> Option<Eur> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !digits_only(int_part)
            || !digits_only(frac_part)
        {
            return None;
        }
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        // value = digits × 10^(exponent − decimals); units = value × 10^8.
        let shift = exponent.checked_sub(i32::try_from(frac_part.len()).ok()?)? + 8;
        let (kept, dropped) = if shift >= 0 {
            (digits, "")
        } else {
            digits.split_at(digits.len().saturating_sub(shift.unsigned_abs() as usize))
        };
        if dropped.bytes().any(|b| b != b'0') || kept.len() > 30 {
            return None;
        }
        let mut units: i128 = if kept.is_empty() {
            0
        } else {
            kept.parse().ok()?
        };
        if shift > 0 {
            units = units.checked_mul(10i128.checked_pow(shift.unsigned_abs())?)?;
        }
        Some(Eur(if negative { -units } else { units }))
    }

    pub fn from_number(n: &Number) -> Option<Eur> {
        Eur::parse(&n.to_string())
    }

    pub fn from_json(n: &serde_json::Number) -> Option<Eur> {
        Eur::parse(&n.to_string())
    }

    pub fn to_number(self) -> Number {
        self.to_string()
            .parse()
            .expect("an Eur always prints as a decimal")
    }

    pub fn to_json(self) -> serde_json::Number {
        self.to_string()
            .parse()
            .expect("an Eur always prints as a JSON number")
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Eur {
        Eur(self.0.abs())
    }

    pub fn negated(self) -> Eur {
        Eur(-self.0)
    }

    pub fn minus(self, other: Eur) -> Eur {
        Eur(self.0 - other.0)
    }

    pub fn plus(self, other: Eur) -> Eur {
        Eur(self.0 + other.0)
    }
}

impl fmt::Display for Eur {
    /// The shortest exact decimal: `25`, `-0.5`, `0.00000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let units = self.0.unsigned_abs();
        let whole = units / SCALE as u128;
        let frac = units % SCALE as u128;
        if frac == 0 {
            return write!(f, "{sign}{whole}");
        }
        let frac = format!("{frac:0width$}", width = SCALE_DIGITS);
        write!(f, "{sign}{whole}.{}", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Eur {
        Eur::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(eur("-25.5000").to_string(), "-25.5");
        assert_eq!(eur("0.00000001").to_string(), "0.00000001");
        assert_eq!(eur("1.5e2").to_string(), "150");
        assert_eq!(eur("-0.0000").to_string(), "0");
        assert_eq!(eur("+3").to_string(), "3");
        assert_eq!(Eur::parse("0.000000001"), None, "finer than 1e-8");
        assert_eq!(Eur::parse("1.000000000"), Some(eur("1")), "zeros are fine");
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "--1"] {
            assert_eq!(Eur::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(eur("0.1").minus(eur("-0.2")), eur("0.3"));
        assert_eq!(eur("0.1").plus(eur("0.2")), eur("0.3"));
        assert_eq!(eur("-40.0000").negated(), eur("40"));
        assert_eq!(eur("-40").abs(), eur("40"));
        assert!(eur("0.01").is_positive() && eur("-0.01").is_negative());
        assert!(!Eur::ZERO.is_positive() && !Eur::ZERO.is_negative());
        assert!(eur("10.5") > eur("10.49999999"));
    }

    #[test]
    fn converts_to_cty_and_json_numbers_losslessly() {
        let n: Number = "12.3456".parse().unwrap();
        assert_eq!(Eur::from_number(&n), Some(eur("12.3456")));
        assert_eq!(eur("12.3456").to_number(), n);
        let j: serde_json::Number = serde_json::from_str("-100.25").unwrap();
        assert_eq!(Eur::from_json(&j), Some(eur("-100.25")));
        assert_eq!(eur("-100.25").to_json().to_string(), "-100.25");
    }
}
