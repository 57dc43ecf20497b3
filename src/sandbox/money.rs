//! Exact EUR amounts for the sandbox's ledger.
//!
//! Owns: a fixed-point amount (1e-8 EUR, the precision `get-balance` shows),
//! parsing from decimal text (JSON numbers arrive as text because serde_json
//! is built with `arbitrary_precision`) and rendering to JSON numbers.
//! Must not: know anything about accounts or transfer rules (see `rules`).

use serde::{Deserialize, Serialize};

/// Units per euro: amounts are held in 1e-8 EUR.
const SCALE_DIGITS: u32 = 8;
const SCALE: i128 = 100_000_000;

/// An amount of euros, exact to 1e-8. May be negative (balances of postpaid
/// accounts, credit limits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// Whole euros, for defaults and tests.
    pub fn from_euros(euros: i64) -> Money {
        Money(euros.saturating_mul(SCALE as i64))
    }

    /// Parses a decimal such as `10`, `-3.25`, `0.02` or `1.5e2`. Returns
    /// `None` for anything else, for more than 8 decimals of precision, or on
    /// overflow.
    pub fn parse(text: &str) -> Option<Money> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        // value = digits * 10^(exponent - frac_len); we want value * 10^8.
        let shift = exponent - frac_part.len() as i32 + SCALE_DIGITS as i32;
        let (kept, dropped) = if shift >= 0 {
            (digits, "")
        } else {
            let cut = digits.len().saturating_sub((-shift) as usize);
            digits.split_at(cut)
        };
        if dropped.bytes().any(|b| b != b'0') {
            return None;
        }
        if kept.len() > 30 {
            return None;
        }
        let mut units: i128 = if kept.is_empty() {
            0
        } else {
            kept.parse().ok()?
        };
        if shift > 0 {
            units = units.checked_mul(10i128.checked_pow(shift as u32)?)?;
        }
        if negative {
            units = -units;
        }
        i64::try_from(units).ok().map(Money)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn abs(self) -> Money {
        Money(self.0.saturating_abs())
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Decimal text with exactly `decimals` (≤ 8) digits after the point,
    /// rounded half away from zero: `to_fixed(4)` gives `27.4572`.
    pub fn to_fixed(self, decimals: u32) -> String {
        let decimals = decimals.min(SCALE_DIGITS);
        let step = 10i128.pow(SCALE_DIGITS - decimals);
        let units = self.0 as i128;
        let rounded = (units.abs() + step / 2) / step;
        let sign = if units < 0 && rounded != 0 { "-" } else { "" };
        if decimals == 0 {
            return format!("{sign}{rounded}");
        }
        let divisor = 10i128.pow(decimals);
        format!(
            "{sign}{}.{:0width$}",
            rounded / divisor,
            rounded % divisor,
            width = decimals as usize
        )
    }

    /// Shortest exact decimal text: `0.02`, `1.5`, `10`.
    pub fn to_minimal(self) -> String {
        let fixed = self.to_fixed(SCALE_DIGITS);
        let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
        if trimmed == "-0" {
            "0".to_string()
        } else {
            trimmed.to_string()
        }
    }

    /// The amount as a JSON number with exactly `decimals` decimals.
    pub fn to_json_fixed(self, decimals: u32) -> serde_json::Number {
        decimal_to_number(&self.to_fixed(decimals))
    }

    /// The amount as the shortest exact JSON number.
    pub fn to_json_minimal(self) -> serde_json::Number {
        decimal_to_number(&self.to_minimal())
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

fn decimal_to_number(text: &str) -> serde_json::Number {
    // With `arbitrary_precision` this keeps the text exactly as written.
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Number::from(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals() {
        assert_eq!(Money::parse("10"), Some(Money::from_euros(10)));
        assert_eq!(Money::parse("0.02"), Some(Money(2_000_000)));
        assert_eq!(Money::parse("-3.25"), Some(Money(-325_000_000)));
        assert_eq!(Money::parse("1.5e2"), Some(Money::from_euros(150)));
        assert_eq!(Money::parse("25E-1"), Some(Money(250_000_000)));
        assert_eq!(Money::parse("0.00000001"), Some(Money(1)));
        assert_eq!(Money::parse("1.100000000"), Some(Money(110_000_000)));
    }

    #[test]
    fn rejects_garbage_and_excess_precision() {
        for text in [
            "",
            "-",
            ".",
            "abc",
            "1.2.3",
            "0.000000001",
            "1e40",
            "+1",
            "1e",
        ] {
            assert_eq!(Money::parse(text), None, "{text}");
        }
    }

    #[test]
    fn renders_fixed_and_minimal() {
        let m = Money::parse("27.45716").unwrap();
        assert_eq!(m.to_fixed(4), "27.4572");
        assert_eq!(Money::ZERO.to_fixed(4), "0.0000");
        assert_eq!(Money::parse("-0.00001").unwrap().to_fixed(4), "0.0000");
        assert_eq!(Money::parse("-40").unwrap().to_fixed(4), "-40.0000");
        assert_eq!(Money::parse("0.02").unwrap().to_minimal(), "0.02");
        assert_eq!(Money::from_euros(10).to_minimal(), "10");
        assert_eq!(
            Money::from_euros(10).to_json_fixed(4).to_string(),
            "10.0000"
        );
    }
}
