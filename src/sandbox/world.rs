//! The sandbox's data model: accounts (primaries and their subaccounts), their
//! secrets and settings, credit/balance transfers and owned numbers.
//!
//! Owns: the records and simple lookups over them, and building the seeded
//! world. This is exactly what the state file stores.
//! Must not: enforce API rules (see `rules` and the routes), lock anything
//! (see `state`) or know about HTTP.
//!
//! Records holding secret values do not implement `Debug`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::money::Eur;

/// Amounts in the state file: whole units of 1e-8 EUR, integers, as the file has always held
/// them (the wire's decimal form would read an older file's units as euros).
mod units {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::wire::money::Eur;

    pub fn serialize<S: Serializer>(amount: &Eur, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i128(amount.units())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Eur, D::Error> {
        let units = i128::deserialize(deserializer)?;
        Eur::from_units(units).ok_or_else(|| D::Error::custom("amount out of range"))
    }
}

/// Everything an API call can read or change.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct World {
    /// All accounts by API key, primaries and subaccounts alike.
    pub accounts: BTreeMap<String, Account>,
    /// Credit and balance transfers, oldest first.
    pub transfers: Vec<TransferRecord>,
    /// Phone numbers and their owners.
    pub numbers: Vec<NumberRecord>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Account {
    pub api_key: String,
    /// Optional for primaries (the API may show `null`), required for subaccounts.
    pub name: Option<String>,
    /// The owning primary's key; `None` for a primary account.
    pub primary: Option<String>,
    /// Subaccounts only: charges hit the primary; balance shows as `null`.
    pub use_primary_account_balance: bool,
    #[serde(with = "units")]
    pub balance: Eur,
    /// Zero or negative: how far the balance may go below zero.
    #[serde(with = "units")]
    pub credit_limit: Eur,
    pub suspended: bool,
    pub created_at_ms: i64,
    pub secrets: Vec<StoredSecret>,
    pub settings: StoredSettings,
    pub auto_reload: bool,
    /// What a top-up adds (the amount of the payment that enabled auto-reload).
    #[serde(with = "units")]
    pub top_up_amount: Eur,
    /// Payments made when auto-reload was switched on, oldest first: a
    /// top-up names one of them by its `trx`. (Absent in older state files.)
    #[serde(default)]
    pub auto_reload_charges: Vec<AutoReloadCharge>,
    /// Whether Vonage has provisioned the Subaccounts API for this account
    /// (primaries only). Absent in older state files, which meant "yes".
    #[serde(default = "provisioned_by_default")]
    pub subaccounts_provisioned: bool,
}

fn provisioned_by_default() -> bool {
    true
}

/// The payment made when auto-reload was switched on; `trx` is its
/// transaction reference, the one `POST /account/top-up` needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReloadCharge {
    pub trx: String,
    #[serde(with = "units")]
    pub amount: Eur,
    pub created_at_ms: i64,
}

impl Account {
    pub fn is_primary(&self) -> bool {
        self.primary.is_none()
    }

    /// A primary, or a subaccount with its own balance.
    pub fn has_own_balance(&self) -> bool {
        self.is_primary() || !self.use_primary_account_balance
    }
}

/// An API secret. The value is kept (it is needed to authenticate) but never
/// rendered, logged or dumped.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredSecret {
    pub id: String,
    pub value: String,
    pub created_at_ms: i64,
}

/// Account settings (`POST /account/settings`). `None` = unset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSettings {
    pub mo_callback_url: Option<String>,
    pub dr_callback_url: Option<String>,
    pub http_forward_method: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    Credit,
    Balance,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TransferRecord {
    pub id: String,
    pub kind: TransferKind,
    /// The primary account whose family the transfer belongs to.
    pub primary: String,
    pub from: String,
    pub to: String,
    #[serde(with = "units")]
    pub amount: Eur,
    pub reference: String,
    pub created_at_ms: i64,
}

/// A phone number, who holds it, and what the Numbers API shows of it (`GET /account/numbers`).
/// The fields after `owner` are absent in older state files, which held numbers as `mobile-lvn`
/// with SMS and voice and nothing linked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRecord {
    /// Digits only (E.164 without `+`).
    pub number: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub owner: String,
    /// `landline`, `landline-toll-free` or `mobile-lvn`.
    #[serde(rename = "type", default = "default_number_type")]
    pub number_type: String,
    /// `SMS`, `VOICE`, `MMS`, in the order they were given.
    #[serde(default = "default_features")]
    pub features: Vec<String>,
    /// The Vonage application the number is linked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The number's inbound-SMS webhook (`moHttpUrl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mo_http_url: Option<String>,
    /// `sip`, `tel` or `app`, with `voice_callback_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_callback_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_callback_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_status_callback: Option<String>,
    /// Always `app`, with `messages_callback_value` (deprecated by Vonage for `app_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages_callback_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages_callback_value: Option<String>,
}

/// The type a number has when none is given: Vonage's example (`mobile-lvn`).
pub fn default_number_type() -> String {
    "mobile-lvn".to_string()
}

/// The features a number has when none are given: Vonage's example (`VOICE`, `SMS`).
pub fn default_features() -> Vec<String> {
    vec!["VOICE".to_string(), "SMS".to_string()]
}

impl NumberRecord {
    /// A number held by `owner`, with the default type and features and nothing linked.
    pub fn new(number: &str, country: &str, owner: &str) -> NumberRecord {
        NumberRecord {
            number: number.to_string(),
            country: country.to_string(),
            owner: owner.to_string(),
            number_type: default_number_type(),
            features: default_features(),
            app_id: None,
            mo_http_url: None,
            voice_callback_type: None,
            voice_callback_value: None,
            voice_status_callback: None,
            messages_callback_type: None,
            messages_callback_value: None,
        }
    }
}

/// The primary account a sandbox starts with (and returns to on reset).
#[derive(Clone)]
pub struct SeedAccount {
    pub api_key: String,
    pub api_secret: String,
    pub name: String,
    pub balance: Eur,
    /// Positive amount of credit; stored negated as `credit_limit`.
    pub credit: Eur,
    /// Whether the Subaccounts API is provisioned for it.
    pub subaccounts_provisioned: bool,
}

impl World {
    /// A world holding one primary account with one secret.
    pub fn seeded(seed: &SeedAccount, now_ms: i64) -> World {
        let mut world = World::default();
        let mut primary = Account::new_primary(
            &seed.api_key,
            &seed.api_secret,
            &seed.name,
            seed.balance,
            seed.credit,
            now_ms,
        );
        primary.subaccounts_provisioned = seed.subaccounts_provisioned;
        world.accounts.insert(seed.api_key.clone(), primary);
        world
    }

    pub fn account(&self, api_key: &str) -> Option<&Account> {
        self.accounts.get(api_key)
    }

    pub fn account_mut(&mut self, api_key: &str) -> Option<&mut Account> {
        self.accounts.get_mut(api_key)
    }

    /// Subaccounts of `primary`, oldest first.
    pub fn subaccounts_of(&self, primary: &str) -> Vec<&Account> {
        let mut subs: Vec<&Account> = self
            .accounts
            .values()
            .filter(|a| a.primary.as_deref() == Some(primary))
            .collect();
        subs.sort_by(|a, b| (a.created_at_ms, &a.api_key).cmp(&(b.created_at_ms, &b.api_key)));
        subs
    }

    /// The key of the account whose balance pays for `api_key`'s usage.
    pub fn balance_holder(&self, api_key: &str) -> Option<String> {
        let account = self.account(api_key)?;
        match (&account.primary, account.use_primary_account_balance) {
            (Some(primary), true) => Some(primary.clone()),
            _ => Some(account.api_key.clone()),
        }
    }
}

impl Account {
    pub fn new_primary(
        api_key: &str,
        api_secret: &str,
        name: &str,
        balance: Eur,
        credit: Eur,
        now_ms: i64,
    ) -> Account {
        Account {
            api_key: api_key.to_string(),
            name: Some(name.to_string()),
            primary: None,
            use_primary_account_balance: false,
            balance,
            credit_limit: credit.abs().negated(),
            suspended: false,
            created_at_ms: now_ms,
            secrets: vec![StoredSecret {
                id: uuid::Uuid::new_v4().to_string(),
                value: api_secret.to_string(),
                created_at_ms: now_ms,
            }],
            settings: StoredSettings::default(),
            auto_reload: false,
            top_up_amount: Eur::from_euros(10),
            auto_reload_charges: Vec::new(),
            subaccounts_provisioned: true,
        }
    }
}
