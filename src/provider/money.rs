//! Money in Terraform's terms: the bridge between cty numbers (`credit_limit`, a transfer's
//! `amount`, the balances the provider shows) and [`Eur`], the one decimal type of Vonage's
//! amounts, which lives in `wire::money` with its one parser and is re-exported here for the
//! provider's exact EUR arithmetic.
//!
//! Every amount a user configures is a `number` attribute, never a string: Terraform converts
//! `"25"` or `tonumber("+25")` into a number before the provider sees it, and sends numbers as
//! msgpack integers, floats or go-cty's decimal text, none with a `+`. A cty [`Number`] crosses
//! into an [`Eur`] through its JSON form (`serde_json::Number::from`), which writes the few
//! spellings JSON lacks (`+5`, `.5`, `007`) canonically, so the wire's JSON grammar holds here
//! too and no configuration can be refused for how a number was written. What can be refused is
//! the amount itself (finer than 1e-8 EUR, from 10^22 EUR up): each attribute's `validate` says
//! so with a diagnostic at its path ("Invalid amount", "Invalid credit limit").
//!
//! Must not: parse decimal text (`wire::money` does), or know accounts or transfer rules.

use crate::framework::cty::Number;

pub use crate::wire::money::Eur;

// `Eur` is the wire's type; the provider adds its conversions to and from Terraform's numbers
// here, so that `wire` knows nothing of cty.
impl Eur {
    /// The amount of a Terraform number, when it is one (see the module docs).
    pub fn from_number(n: &Number) -> Option<Eur> {
        if n.as_f64().is_nan() {
            return None;
        }
        Eur::from_json(&serde_json::Number::from(n))
    }

    /// The amount as a Terraform number, exactly (the shortest decimal).
    pub fn to_number(self) -> Number {
        Number::from(&self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Eur {
        Eur::parse(s).unwrap()
    }

    #[test]
    fn converts_cty_numbers_losslessly() {
        let n: Number = "12.3456".parse().unwrap();
        assert_eq!(Eur::from_number(&n), Some(eur("12.3456")));
        assert_eq!(eur("12.3456").to_number(), n);
        assert_eq!(eur("-25.5").to_number().to_string(), "-25.5");
        assert_eq!(Eur::from_number(&Number::from(25)), Some(eur("25")));
        assert_eq!(Eur::from_number(&Number::from_f64(0.1)), Some(eur("0.1")));
        assert_eq!(
            Eur::from_number(&Number::from_f64(1e-7)),
            Some(eur("0.0000001"))
        );
        let j: serde_json::Number = serde_json::from_str("-100.25").unwrap();
        assert_eq!(Eur::from_json(&j), Some(eur("-100.25")));
        assert_eq!(eur("-100.25").to_json().to_string(), "-100.25");
    }

    #[test]
    fn a_number_is_an_amount_however_it_was_written() {
        // A cty number can hold text JSON does not allow; it is still the number it says.
        for (text, amount) in [("+3", "3"), (".5", "0.5"), ("007", "7"), ("1.5e2", "150")] {
            let n: Number = text.parse().unwrap();
            assert_eq!(Eur::from_number(&n), Some(eur(amount)), "{text}");
        }
    }

    #[test]
    fn what_is_not_an_amount_is_refused() {
        for text in ["0.000000001", "1e22", "1e400"] {
            let n: Number = text.parse().unwrap();
            assert_eq!(Eur::from_number(&n), None, "{text}");
        }
        assert_eq!(Eur::from_number(&Number::from_f64(f64::NAN)), None);
        assert_eq!(Eur::from_number(&Number::from_f64(f64::INFINITY)), None);
    }
}
