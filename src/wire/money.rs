//! Money on the wire: [`Eur`], the one decimal type for the amounts Vonage sends and accepts
//! (balances, credit limits, transfer amounts), read and written the same way by the client,
//! the provider and the sandbox.
//!
//! Owns: the representation (whole units of 1e-8 EUR, the finest precision Vonage shows: a
//! `get-balance` value has up to 8 decimals, other balances 4), the one parser, the formatters
//! (the shortest exact decimal, and a fixed number of decimals, as the sandbox renders balances:
//! `75.0000`), serde to and from JSON numbers, and exact arithmetic.
//!
//! The parser reads JSON's number grammar (RFC 8259 §6) and nothing else: `-`? then `0` or
//! digits without a leading zero, then `.` and digits, then `e`/`E`, an optional sign and
//! digits. So `+1`, `.5`, `5.` and `01` are refused: a JSON number never starts with `+`, and
//! every amount reaches this type as a JSON number (a body the sandbox reads, an answer the
//! client reads; the provider's numbers pass through their JSON form, see `provider::money`).
//! serde_json is built with `arbitrary_precision`, so a number's text arrives here exactly as
//! written, never through `f64`. A value is refused, never rounded, when it is finer than 1e-8
//! EUR or its magnitude reaches 10^22 EUR; `0.10000000` and `1.5e2` are fine.
//!
//! Must not: know accounts or transfer rules (callers decide what an amount means), round
//! except when asked for a fixed number of decimals, or accept a JSON string as an amount.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places kept: units are 1e-8 EUR.
const DECIMALS: u32 = 8;
const SCALE: i128 = 10i128.pow(DECIMALS);
/// At most this many digits of units: magnitudes below 10^30 units (10^22 EUR), so that a sum of
/// a few amounts never nears `i128`'s limits.
const MAX_DIGITS: usize = 30;
const MAX_UNITS: i128 = 10i128.pow(MAX_DIGITS as u32) - 1;

/// An amount of euros, exact to 1e-8. May be negative (balances of postpaid accounts, the API's
/// credit limits).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Eur(i128);

impl Eur {
    pub const ZERO: Eur = Eur(0);

    /// Whole euros (for defaults and tests).
    pub fn from_euros(euros: i64) -> Eur {
        Eur(i128::from(euros) * SCALE)
    }

    /// The amount in units of 1e-8 EUR (for a store that keeps integers).
    pub fn units(self) -> i128 {
        self.0
    }

    /// An amount of `units` × 1e-8 EUR, when within range.
    pub fn from_units(units: i128) -> Option<Eur> {
        (units.unsigned_abs() <= MAX_UNITS.unsigned_abs()).then_some(Eur(units))
    }

    /// Parses a JSON number such as `10`, `-3.25`, `0.02` or `1.5e2`. `None` for any other
    /// text (`+1`, `.5`, `1.`, `01`, `1e`), for a value finer than 1e-8 or from 10^22 EUR up.
    pub fn parse(text: &str) -> Option<Eur> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, rest) = split_digits(rest);
        if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
            return None;
        }
        let (frac, rest) = match rest.strip_prefix('.') {
            Some(after) => match split_digits(after) {
                ("", _) => return None,
                split => split,
            },
            None => ("", rest),
        };
        let exponent = match rest.strip_prefix(['e', 'E']) {
            Some(after) => {
                let (sign, after) = match after.strip_prefix('-') {
                    Some(after) => (-1, after),
                    None => (1, after.strip_prefix('+').unwrap_or(after)),
                };
                match split_digits(after) {
                    // Digits only, so only overflow fails; anything past a million is out of
                    // range for a non-zero amount anyway.
                    (digits, "") if !digits.is_empty() => {
                        sign * digits.parse::<i64>().unwrap_or(i64::MAX).min(1_000_000)
                    }
                    _ => return None,
                }
            }
            None if rest.is_empty() => 0,
            None => return None,
        };
        let digits = format!("{int}{frac}");
        let significant = digits.trim_start_matches('0');
        if significant.is_empty() {
            return Some(Eur::ZERO);
        }
        // value = digits × 10^(exponent − decimals); units = value × 10^8.
        let shift = exponent - frac.len() as i64 + i64::from(DECIMALS);
        let kept = if shift >= 0 {
            if significant.len() as i64 + shift > MAX_DIGITS as i64 {
                return None;
            }
            format!("{significant}{}", "0".repeat(shift as usize))
        } else {
            let dropped = usize::try_from(shift.unsigned_abs()).ok()?;
            let cut = significant.len().checked_sub(dropped)?;
            let (kept, dropped) = significant.split_at(cut);
            if kept.is_empty() || dropped.bytes().any(|b| b != b'0') || kept.len() > MAX_DIGITS {
                return None;
            }
            kept.to_string()
        };
        let units: i128 = kept.parse().ok()?;
        Some(Eur(if negative { -units } else { units }))
    }

    /// The amount of a JSON number, exactly (see [`Eur::parse`]).
    pub fn from_json(number: &serde_json::Number) -> Option<Eur> {
        Eur::parse(&number.to_string())
    }

    /// The amount as the shortest exact JSON number: `25`, `-0.5`, `0.00000001`.
    pub fn to_json(self) -> serde_json::Number {
        json_number(&self.to_string())
    }

    /// The amount as a JSON number with exactly `decimals` (at most 8) decimals, rounded half
    /// away from zero: `to_json_fixed(4)` gives `75.0000`.
    pub fn to_json_fixed(self, decimals: u32) -> serde_json::Number {
        json_number(&self.to_fixed(decimals))
    }

    /// Decimal text with exactly `decimals` (at most 8) digits after the point, rounded half away
    /// from zero: `to_fixed(4)` gives `27.4572` for 27.45716, and never `-0.0000`.
    pub fn to_fixed(self, decimals: u32) -> String {
        let decimals = decimals.min(DECIMALS);
        let step = 10i128.pow(DECIMALS - decimals);
        let rounded = (self.0.abs() + step / 2) / step;
        let sign = if self.0 < 0 && rounded != 0 { "-" } else { "" };
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

    /// The sum, or `None` from 10^22 EUR up (a ledger refuses it).
    pub fn checked_add(self, other: Eur) -> Option<Eur> {
        Eur::from_units(self.0 + other.0)
    }

    /// The difference, or `None` from 10^22 EUR up (a ledger refuses it).
    pub fn checked_sub(self, other: Eur) -> Option<Eur> {
        Eur::from_units(self.0 - other.0)
    }

    /// The sum, exact below 10^22 EUR and held there beyond (for comparisons, which an amount
    /// that large fails anyway).
    pub fn plus(self, other: Eur) -> Eur {
        Eur((self.0 + other.0).clamp(-MAX_UNITS, MAX_UNITS))
    }

    /// The difference, exact below 10^22 EUR and held there beyond (see [`Eur::plus`]).
    pub fn minus(self, other: Eur) -> Eur {
        self.plus(other.negated())
    }
}

/// The leading ASCII digits of `text`, and the rest.
fn split_digits(text: &str) -> (&str, &str) {
    text.split_at(text.bytes().take_while(u8::is_ascii_digit).count())
}

fn json_number(text: &str) -> serde_json::Number {
    // Always a JSON number; with `arbitrary_precision` it keeps the text exactly as written.
    text.parse()
        .expect("an amount always prints as a JSON number")
}

impl fmt::Display for Eur {
    /// The shortest exact decimal: `25`, `-0.5`, `0.00000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixed = self.to_fixed(DECIMALS);
        match fixed.split_once('.') {
            Some((whole, frac)) if frac.bytes().any(|b| b != b'0') => {
                write!(f, "{whole}.{}", frac.trim_end_matches('0'))
            }
            Some((whole, _)) => f.write_str(whole),
            None => f.write_str(&fixed),
        }
    }
}

impl fmt::Debug for Eur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Eur({self})")
    }
}

impl Serialize for Eur {
    /// As the shortest exact JSON number.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Eur {
    /// From a JSON number only (a string is refused), exactly.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Eur, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        Eur::from_json(&number).ok_or_else(|| {
            D::Error::custom(format_args!(
                "{number} is not an amount in EUR with at most 8 decimal places below 10^22"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn eur(text: &str) -> Eur {
        Eur::parse(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    #[test]
    fn parses_json_numbers_exactly() {
        assert_eq!(eur("10"), Eur::from_euros(10));
        assert_eq!(eur("0.02").units(), 2_000_000);
        assert_eq!(eur("-3.25").units(), -325_000_000);
        assert_eq!(eur("1.5e2"), Eur::from_euros(150));
        assert_eq!(eur("25E-1").units(), 250_000_000);
        assert_eq!(eur("1e+2"), Eur::from_euros(100));
        assert_eq!(eur("0.00000001").units(), 1);
        assert_eq!(
            eur("1.100000000"),
            eur("1.1"),
            "zeros past 8 decimals are fine"
        );
        assert_eq!(eur("-25.5000").to_string(), "-25.5");
        assert_eq!(eur("-0"), Eur::ZERO);
        assert_eq!(eur("-0.0000"), Eur::ZERO);
        assert_eq!(eur("0e99999999999999999999"), Eur::ZERO);
        assert_eq!(eur("1e21"), eur("1000000000000000000000"));
    }

    #[test]
    fn refuses_what_is_not_a_json_number_or_not_an_amount() {
        for text in [
            "",
            "-",
            ".",
            "abc",
            "1.2.3",
            "--1",
            "1e",
            "1e+",
            "1.",
            ".5",
            "-.5",
            "01",
            "-01",
            "00",
            "0x10",
            " 1",
            "1 ",
            "1_000",
            "NaN",
            "inf",
            // A JSON number never starts with `+`.
            "+1",
            "+0.5",
            "+1e2",
            // Finer than 1e-8 EUR, or from 10^22 EUR up.
            "0.000000001",
            "1e-9",
            "1.0000000001",
            "1e22",
            "-1e22",
            "1e40",
            "1e-99999999999999999999",
        ] {
            assert_eq!(Eur::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn renders_shortest_and_fixed() {
        let m = eur("27.45716");
        assert_eq!(m.to_fixed(4), "27.4572");
        assert_eq!(Eur::ZERO.to_fixed(4), "0.0000");
        assert_eq!(eur("-0.00001").to_fixed(4), "0.0000", "never -0.0000");
        assert_eq!(eur("-40").to_fixed(4), "-40.0000");
        assert_eq!(eur("2.5").to_fixed(0), "3", "half away from zero");
        assert_eq!(eur("-2.5").to_fixed(0), "-3");
        assert_eq!(Eur::from_euros(75).to_json_fixed(4).to_string(), "75.0000");
        assert_eq!(eur("0.02").to_string(), "0.02");
        assert_eq!(Eur::from_euros(10).to_string(), "10");
        assert_eq!(eur("0.00000001").to_json().to_string(), "0.00000001");
        assert_eq!(format!("{:?}", eur("-1.50")), "Eur(-1.5)");
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(eur("0.1").minus(eur("-0.2")), eur("0.3"));
        assert_eq!(eur("0.1").plus(eur("0.2")), eur("0.3"));
        assert_eq!(eur("0.1").checked_add(eur("0.2")), Some(eur("0.3")));
        assert_eq!(eur("-40.0000").negated(), eur("40"));
        assert_eq!(eur("-40").abs(), eur("40"));
        assert!(eur("0.01").is_positive() && eur("-0.01").is_negative());
        assert!(!Eur::ZERO.is_positive() && !Eur::ZERO.is_negative());
        assert!(eur("10.5") > eur("10.49999999"));
        let most = eur("9999999999999999999999.99999999");
        assert_eq!(most.checked_add(eur("0.00000001")), None);
        assert_eq!(most.plus(most), most, "held at the limit");
        assert_eq!(most.negated().checked_sub(most), None);
    }

    #[test]
    fn serde_reads_and_writes_json_numbers_only() {
        assert_eq!(serde_json::from_str::<Eur>("1.50").unwrap(), eur("1.5"));
        assert_eq!(serde_json::from_str::<Eur>("-2e1").unwrap(), eur("-20"));
        assert!(serde_json::from_str::<Eur>(r#""1.5""#).is_err(), "a string");
        assert!(serde_json::from_str::<Eur>("1e40").is_err());
        assert!(serde_json::from_str::<Eur>("0.000000001").is_err());
        assert_eq!(serde_json::to_string(&eur("-0.50")).unwrap(), "-0.5");
        let value = serde_json::json!({ "amount": eur("75") });
        assert_eq!(value.to_string(), r#"{"amount":75}"#);
    }

    #[test]
    fn units_round_trip_within_range() {
        assert_eq!(Eur::from_units(eur("-1.25").units()), Some(eur("-1.25")));
        assert_eq!(
            Eur::from_units(MAX_UNITS),
            Some(eur("9999999999999999999999.99999999"))
        );
        assert_eq!(Eur::from_units(MAX_UNITS + 1), None);
        assert_eq!(Eur::from_units(-MAX_UNITS - 1), None);
    }

    /// Any amount, with its units.
    fn arb_eur() -> impl Strategy<Value = Eur> {
        prop_oneof![
            (-MAX_UNITS..=MAX_UNITS).prop_map(Eur),
            (-10i128.pow(12)..10i128.pow(12)).prop_map(Eur),
            (-1000i64..1000).prop_map(Eur::from_euros),
        ]
    }

    /// `units` × 10^-8 as a decimal mantissa times 10^`exp`: the digits of `units` with the point
    /// moved `8 + exp` places to the left.
    fn spelled(units: i128, exp: i32, upper: bool, plus: bool, zeros: usize) -> String {
        let sign = if units < 0 { "-" } else { "" };
        let digits = units.unsigned_abs().to_string();
        let point = 8 + exp;
        let mantissa = if point <= 0 {
            format!("{digits}{}", "0".repeat(point.unsigned_abs() as usize))
        } else {
            let point = point as usize;
            let padded = format!("{digits:0>width$}", width = point + 1);
            let (int, frac) = padded.split_at(padded.len() - point);
            let int = match int.trim_start_matches('0') {
                "" => "0",
                int => int,
            };
            format!("{int}.{frac}{}", "0".repeat(zeros))
        };
        let e = if upper { "E" } else { "e" };
        let exp_sign = if plus && exp >= 0 { "+" } else { "" };
        format!("{sign}{mantissa}{e}{exp_sign}{exp}")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Every amount survives its own text, its JSON number, serde and its 8-decimal form.
        #[test]
        fn every_amount_round_trips(e in arb_eur()) {
            prop_assert_eq!(Eur::parse(&e.to_string()), Some(e));
            prop_assert_eq!(Eur::from_json(&e.to_json()), Some(e));
            prop_assert_eq!(Eur::parse(&e.to_fixed(8)), Some(e));
            prop_assert_eq!(Eur::from_json(&e.to_json_fixed(8)), Some(e));
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(&json, &e.to_string());
            prop_assert_eq!(serde_json::from_str::<Eur>(&json).unwrap(), e);
            prop_assert_eq!(Eur::from_units(e.units()), Some(e));
        }

        /// The same value in exponent form, with `e` or `E`, a `+` in the exponent and zeros
        /// after the last digit, reads as the same amount.
        #[test]
        fn exponent_forms_read_the_same(
            units in -10i128.pow(18)..10i128.pow(18),
            exp in -12i32..12,
            upper in any::<bool>(),
            plus in any::<bool>(),
            zeros in 0usize..4,
        ) {
            let text = spelled(units, exp, upper, plus, zeros);
            prop_assert_eq!(Eur::parse(&text), Some(Eur(units)), "{}", text);
        }

        /// A non-zero digit past the 8th decimal is refused, never rounded; zeros are fine.
        #[test]
        fn finer_than_a_hundred_millionth_is_refused(
            e in arb_eur(),
            digit in 1u8..=9,
            zeros in 0usize..6,
        ) {
            let fixed = e.to_fixed(8);
            let finer = format!("{fixed}{}{digit}", "0".repeat(zeros));
            prop_assert_eq!(Eur::parse(&finer), None, "{}", finer);
            let padded = format!("{fixed}{}", "0".repeat(zeros));
            prop_assert_eq!(Eur::parse(&padded), Some(e));
        }

        /// A negative amount reads as the negation of its magnitude; a leading `+` is not JSON.
        #[test]
        fn signs(e in arb_eur()) {
            let magnitude = e.abs().to_string();
            prop_assert_eq!(Eur::parse(&format!("-{magnitude}")), Some(e.abs().negated()));
            let plus = format!("+{magnitude}");
            prop_assert_eq!(Eur::parse(&plus), None);
            prop_assert!(serde_json::from_str::<serde_json::Number>(&plus).is_err());
        }

        /// Whatever the text, an accepted one is a JSON number (serde_json's own grammar), of the
        /// same value as far as an `f64` can tell.
        #[test]
        fn only_json_numbers_are_accepted(text in "[-+0-9.eE]{1,14}") {
            if let Some(e) = Eur::parse(&text) {
                let number: serde_json::Number = serde_json::from_str(&text)
                    .map_err(|err| TestCaseError::fail(format!("{text:?}: {err}")))?;
                let expected: f64 = number.to_string().parse().unwrap();
                let got: f64 = e.to_string().parse().unwrap();
                prop_assert!((expected - got).abs() <= expected.abs() * 1e-12, "{}", text);
            }
        }

        /// Sums are exact: adding and taking away again gives the amount back.
        #[test]
        fn arithmetic_round_trips(
            a in -10i128.pow(28)..10i128.pow(28),
            b in -10i128.pow(28)..10i128.pow(28),
        ) {
            let (a, b) = (Eur(a), Eur(b));
            prop_assert_eq!(a.plus(b).minus(b), a);
            prop_assert_eq!(a.checked_add(b), Some(a.plus(b)));
            prop_assert_eq!(a.checked_sub(b).map(|d| d.plus(b)), Some(a));
            prop_assert_eq!(a.plus(b) > a, b.is_positive());
        }
    }
}
