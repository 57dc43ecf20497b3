//! Lossless cty numbers.
//!
//! Terraform's numbers are arbitrary-precision decimals. On the wire they arrive as a msgpack
//! int, a float64 (only when exactly representable) or a decimal string such as `"1.1"`. A
//! [`Number`] remembers which form it came in and writes the same form back, so `1.1` from
//! HCL leaves exactly as it came and never drifts through `f64`.
//!
//! Must not: do arithmetic. Equality compares the decimal values, whatever the form.

use std::fmt;
use std::str::FromStr;

/// A number as Terraform sent it, or as resource code built it.
#[derive(Clone, Debug)]
pub struct Number(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A validated decimal literal, kept as written.
    Decimal(String),
}

/// The wire form a number should take, following go-cty's rules.
#[derive(Debug, PartialEq)]
pub(crate) enum WireForm<'a> {
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a str),
}

impl Number {
    pub fn from_f64(f: f64) -> Number {
        Number(Repr::Float(f))
    }

    pub(crate) fn wire_form(&self) -> WireForm<'_> {
        match &self.0 {
            Repr::Int(i) => WireForm::Int(*i),
            Repr::UInt(u) => WireForm::UInt(*u),
            Repr::Float(f) => WireForm::Float(*f),
            Repr::Decimal(s) => match s.parse::<i64>() {
                Ok(i) => WireForm::Int(i),
                Err(_) => WireForm::Str(s),
            },
        }
    }

    /// True when the value is a whole number (of any size).
    pub fn is_whole(&self) -> bool {
        match &self.0 {
            Repr::Int(_) | Repr::UInt(_) => true,
            Repr::Float(f) => f.is_finite() && f.fract() == 0.0,
            Repr::Decimal(s) => Canonical::parse(s).is_some_and(|c| c.exp >= 0),
        }
    }

    /// The value as an `i64`, when it is a whole number in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(i) => Some(*i),
            Repr::UInt(u) => i64::try_from(*u).ok(),
            Repr::Float(f) => (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(*f as i64),
            Repr::Decimal(s) => {
                let c = Canonical::parse(s)?;
                // i64 has 19 digits: anything longer is out of range (and `1e999999999`
                // must not build a billion zeros).
                if c.exp < 0 || c.digits.len() as i64 + c.exp > 19 {
                    return None;
                }
                let text = format!(
                    "{}{}{}",
                    if c.neg { "-" } else { "" },
                    c.digits,
                    "0".repeat(c.exp as usize)
                );
                text.parse().ok()
            }
        }
    }

    /// The nearest `f64` (lossy for long decimals; use only for display or arithmetic).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            Repr::UInt(u) => *u as f64,
            Repr::Float(f) => *f,
            Repr::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    fn canonical(&self) -> Option<Canonical> {
        match &self.0 {
            Repr::Int(i) => Canonical::parse(&i.to_string()),
            Repr::UInt(u) => Canonical::parse(&u.to_string()),
            Repr::Float(f) if f.is_finite() => Canonical::parse(&format!("{f:e}")),
            Repr::Float(_) => None,
            Repr::Decimal(s) => Canonical::parse(s),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self.canonical(), other.canonical()) {
            (Some(a), Some(b)) => a == b,
            // Infinities: compare as floats.
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::UInt(u) => write!(f, "{u}"),
            Repr::Float(x) => write!(f, "{x}"),
            Repr::Decimal(s) => f.write_str(s),
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(Repr::Int(i))
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Number {
        Number(Repr::Int(i.into()))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number(Repr::UInt(u)),
        }
    }
}

/// A decimal literal that is not a valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber;

impl fmt::Display for NotANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a decimal number")
    }
}

impl FromStr for Number {
    type Err = NotANumber;
    fn from_str(s: &str) -> Result<Number, NotANumber> {
        Canonical::parse(s).ok_or(NotANumber)?;
        Ok(Number(Repr::Decimal(s.to_owned())))
    }
}

impl From<&serde_json::Number> for Number {
    fn from(n: &serde_json::Number) -> Number {
        // With serde_json's arbitrary_precision the text is exactly what was on the wire.
        let text = n.to_string();
        text.parse()
            .unwrap_or_else(|_| Number::from_f64(n.as_f64().unwrap_or(f64::NAN)))
    }
}

impl From<&Number> for serde_json::Number {
    fn from(n: &Number) -> serde_json::Number {
        let text = match &n.0 {
            Repr::Float(f) if !f.is_finite() => "0".to_string(),
            _ => n.to_string(),
        };
        // A decimal JSON does not allow as written (`00.1`, `.5`, `5.`) goes in its
        // canonical form, `1e-1`: the same number.
        text.parse()
            .or_else(|_| match n.canonical() {
                Some(c) => {
                    format!("{}{}e{}", if c.neg { "-" } else { "" }, c.digits, c.exp).parse()
                }
                None => text.parse(),
            })
            .unwrap_or_else(|_| serde_json::Number::from(0))
    }
}

/// A decimal reduced to sign, significant digits and a power of ten, for comparisons.
#[derive(Debug, PartialEq, Eq)]
struct Canonical {
    neg: bool,
    digits: String,
    exp: i64,
}

impl Canonical {
    fn parse(s: &str) -> Option<Canonical> {
        let (neg, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let all = format!("{int}{frac}");
        let mut exp = exp.checked_sub(frac.len() as i64)?;
        let trimmed = all.trim_start_matches('0');
        if trimmed.is_empty() {
            return Some(Canonical {
                neg: false,
                digits: "0".into(),
                exp: 0,
            });
        }
        let significant = trimmed.trim_end_matches('0');
        exp += (trimmed.len() - significant.len()) as i64;
        Some(Canonical {
            neg,
            digits: significant.to_owned(),
            exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_numeric_across_forms() {
        let n = |s: &str| s.parse::<Number>().unwrap();
        assert_eq!(n("1.10"), n("1.1"));
        assert_eq!(n("100"), Number::from(100));
        assert_eq!(n("1e2"), Number::from(100));
        assert_eq!(Number::from_f64(0.5), n("0.50"));
        assert_eq!(n("-0"), Number::from(0));
        assert_ne!(n("1.1"), Number::from_f64(1.1_f64 + f64::EPSILON));
        assert!("1.2.3".parse::<Number>().is_err());
        assert!("".parse::<Number>().is_err());
        assert!("abc".parse::<Number>().is_err());
    }

    #[test]
    fn decimals_keep_their_text_and_integers_become_ints() {
        assert_eq!(
            "1.1".parse::<Number>().unwrap().wire_form(),
            WireForm::Str("1.1")
        );
        assert_eq!(
            "42".parse::<Number>().unwrap().wire_form(),
            WireForm::Int(42)
        );
        assert_eq!(
            "123456789012345678901234567890"
                .parse::<Number>()
                .unwrap()
                .wire_form(),
            WireForm::Str("123456789012345678901234567890")
        );
        assert_eq!("12e3".parse::<Number>().unwrap().as_i64(), Some(12000));
        assert_eq!("1.5".parse::<Number>().unwrap().as_i64(), None);
        assert_eq!("1e999999999999".parse::<Number>().unwrap().as_i64(), None);
        assert_eq!(
            "9223372036854775807".parse::<Number>().unwrap().as_i64(),
            Some(i64::MAX)
        );
        assert_eq!("1e19".parse::<Number>().unwrap().as_i64(), None);
        for text in ["00.1", ".5", "5.", "-007"] {
            let n: Number = text.parse().unwrap();
            let j = serde_json::Number::from(&n);
            assert_eq!(Number::from(&j), n, "{text} survives JSON as {j}");
        }
        assert!("1e30".parse::<Number>().unwrap().is_whole());
        assert!(!"8.5".parse::<Number>().unwrap().is_whole());
        assert!(Number::from_f64(3.0).is_whole() && !Number::from_f64(0.5).is_whole());
    }
}
