//! `vonage_subaccount`'s model, and its mapping to and from the API: the subaccount as Vonage
//! answers it (`with_remote`), the credit line shown as a positive amount, and the PATCH that
//! makes a subaccount what the plan says.
//!
//! Owns: [`Model`] and the conversions every other file of the resource shares, so that they
//! sit below all of them.
//! Must not: call the API, or keep the secret Vonage generates (the model has no `Debug`).

use serde::{Deserialize, Serialize};

use crate::framework::cty::Number;
use crate::framework::resource::Timeouts;
use crate::provider::money::Eur;
use crate::vonage::{ModifySubaccount, Subaccount as ApiSubaccount};

/// No `Debug`: the model can hold the initial secret's value.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct Model {
    /// The api key again: the `id` every Terraform resource has.
    pub id: Option<String>,
    pub api_key: Option<String>,
    pub name: Option<String>,
    pub use_primary_account_balance: Option<bool>,
    pub suspended: Option<bool>,
    pub secret_wo: Option<String>,
    pub primary_account_api_key: Option<String>,
    pub balance: Option<Number>,
    /// The credit allocated, zero or positive: the API's `credit_limit` negated.
    pub credit_limit: Option<Number>,
    pub created_at: Option<String>,
    /// Create even when an active subaccount has the same name (`duplicates`).
    pub allow_duplicate_name: Option<bool>,
    /// Return the balance and credit to the primary before destroy suspends (`funds`).
    pub return_funds_on_destroy: Option<bool>,
    pub timeouts: Option<Timeouts>,
}

impl Model {
    pub(crate) fn with_remote(self, s: ApiSubaccount) -> Model {
        Model {
            id: Some(s.api_key.clone()),
            api_key: Some(s.api_key),
            name: Some(s.name),
            use_primary_account_balance: Some(s.use_primary_account_balance),
            suspended: Some(s.suspended),
            secret_wo: None,
            primary_account_api_key: Some(s.primary_account_api_key),
            balance: s.balance.as_ref().map(Number::from),
            credit_limit: s.credit_limit.as_ref().map(allocated),
            created_at: Some(s.created_at),
            allow_duplicate_name: self.allow_duplicate_name,
            return_funds_on_destroy: self.return_funds_on_destroy,
            timeouts: self.timeouts,
        }
    }

    /// The credit allocated, as an amount (zero when there is none, or it is not known).
    pub(super) fn allocated_credit(&self) -> Eur {
        (self.credit_limit.as_ref())
            .and_then(Eur::from_number)
            .unwrap_or(Eur::ZERO)
    }
}

/// The API's `credit_limit` (zero or negative) as this resource shows it: the credit allocated.
pub(super) fn allocated(api_credit_limit: &serde_json::Number) -> Number {
    match Eur::from_json(api_credit_limit) {
        Some(amount) => amount.negated().to_number(),
        // Finer than any amount Vonage shows: negate the text itself.
        None => {
            let text = api_credit_limit.to_string();
            let negated = match text.strip_prefix('-') {
                Some(rest) => rest.to_owned(),
                None => format!("-{text}"),
            };
            negated
                .parse()
                .unwrap_or_else(|_| Number::from(api_credit_limit))
        }
    }
}

/// The API's names for the fields this resource sends, and the attributes they come from.
pub(super) const SUBACCOUNT_FIELDS: &[(&str, &str)] = &[
    ("name", "name"),
    ("secret", "secret_wo"),
    ("use_primary_account_balance", "use_primary_account_balance"),
    ("suspended", "suspended"),
];

/// The PATCH that makes the subaccount what the plan says: every value the resource manages,
/// not only those that differ from the prior state. A saved plan can be applied after the
/// subaccount changed out of band; sending the whole planned state converges it (or Vonage
/// refuses with a reason) instead of leaving a value Terraform did not plan.
pub(super) fn patch_for(planned: &Model) -> ModifySubaccount {
    ModifySubaccount {
        name: planned.name.clone(),
        suspended: planned.suspended,
        use_primary_account_balance: planned.use_primary_account_balance,
    }
}
