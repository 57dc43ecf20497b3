//! `vonage_subaccount`'s schema version 0 (before `id`, with the API's negative
//! `credit_limit`), kept to read the state that version wrote, and its upgrade to the current
//! model.
//!
//! Owns: the old schema and model, and the one-step upgrade (`id` is the api key, the credit
//! line's sign flipped).
//! Must not: call the API, or be changed once released: state written by version 0 must keep
//! reading.

use serde::Deserialize;

use crate::framework::cty::Number;
use crate::framework::resource::Timeouts;
use crate::framework::schema::{Attribute, Block, Schema, timeouts_block};

use super::model::{Model, allocated};

/// Version 0 of the schema (before `id`, with the API's negative `credit_limit`), kept to read
/// state that version wrote.
pub(super) fn schema_v0() -> Schema {
    Schema::new(
        0,
        Block::new("")
            .attribute(Attribute::string("api_key").computed())
            .attribute(Attribute::string("name").required())
            .attribute(
                Attribute::bool("use_primary_account_balance")
                    .optional()
                    .computed(),
            )
            .attribute(Attribute::bool("suspended").optional().computed())
            .attribute(Attribute::string("secret_wo").optional().write_only())
            .attribute(Attribute::string("primary_account_api_key").computed())
            .attribute(Attribute::number("balance").computed())
            .attribute(Attribute::number("credit_limit").computed())
            .attribute(Attribute::string("created_at").computed())
            .block(timeouts_block()),
    )
}

/// State as version 0 stored it.
#[derive(Deserialize)]
pub(super) struct ModelV0 {
    api_key: Option<String>,
    name: Option<String>,
    use_primary_account_balance: Option<bool>,
    suspended: Option<bool>,
    primary_account_api_key: Option<String>,
    balance: Option<Number>,
    /// Zero or negative, as the API shows it.
    credit_limit: Option<Number>,
    created_at: Option<String>,
    timeouts: Option<Timeouts>,
}

impl ModelV0 {
    /// Version 1: `id` is the api key, `credit_limit` the credit allocated (sign flipped).
    pub(super) fn upgraded(self) -> Model {
        let credit_limit = self
            .credit_limit
            .map(|n| allocated(&serde_json::Number::from(&n)));
        Model {
            id: self.api_key.clone(),
            api_key: self.api_key,
            name: self.name,
            use_primary_account_balance: self.use_primary_account_balance,
            suspended: self.suspended,
            secret_wo: None,
            primary_account_api_key: self.primary_account_api_key,
            balance: self.balance,
            credit_limit,
            created_at: self.created_at,
            allow_duplicate_name: None,
            return_funds_on_destroy: None,
            timeouts: self.timeouts,
        }
    }
}
