//! World records → wire bodies.
//!
//! Owns: HAL links (host-less paths), timestamp formats per resource
//! (secrets: seconds; subaccounts and transfers: milliseconds, with the real
//! milliseconds only on the create response and `.000Z` on later reads, as
//! the real API does), and money formats (4 decimals in the Subaccounts API,
//! 8 in `get-balance`, shortest exact form for transfer amounts).
//! Must not: decide access or apply rules; never renders a secret value
//! except the one `CreatedSubaccountBody` the create route returns.

use crate::wire::account::{BalanceResponse, SettingsResponse};
use crate::wire::hal::{Link, SelfLinks};
use crate::wire::secrets::{SecretList, SecretListEmbedded, SecretResource};
use crate::wire::subaccounts::{
    PrimaryAccountBody, SubaccountBody, SubaccountList, SubaccountListEmbedded,
};
use crate::wire::transfers::TransferBody;

use super::timestamps::{millis_z, seconds_z, truncate_to_second};
use super::world::{Account, StoredSecret, TransferKind, TransferRecord, World};
use crate::wire::money::Eur;

/// Throughput figures shown in the settings response (Vonage's defaults).
pub const DEFAULT_THROUGHPUT: i64 = 30;

pub fn links(href: String) -> SelfLinks {
    SelfLinks {
        self_link: Link { href },
    }
}

pub fn secret(owner: &str, s: &StoredSecret) -> SecretResource {
    SecretResource {
        links: links(format!("/accounts/{owner}/secrets/{}", s.id)),
        id: s.id.clone(),
        created_at: seconds_z(s.created_at_ms),
    }
}

pub fn secret_list(account: &Account) -> SecretList {
    SecretList {
        links: links(format!("/accounts/{}/secrets", account.api_key)),
        embedded: SecretListEmbedded {
            secrets: account
                .secrets
                .iter()
                .map(|s| secret(&account.api_key, s))
                .collect(),
        },
    }
}

/// Which `created_at` a subaccount body shows.
#[derive(Clone, Copy)]
pub enum Moment {
    /// The create response: real milliseconds.
    Creation,
    /// Any later read: `.000Z`.
    Read,
}

pub fn subaccount(a: &Account, moment: Moment) -> SubaccountBody {
    let own = !a.use_primary_account_balance;
    let created = match moment {
        Moment::Creation => a.created_at_ms,
        Moment::Read => truncate_to_second(a.created_at_ms),
    };
    SubaccountBody {
        api_key: a.api_key.clone(),
        primary_account_api_key: a.primary.clone().unwrap_or_default(),
        use_primary_account_balance: a.use_primary_account_balance,
        name: a.name.clone().unwrap_or_default(),
        balance: own.then(|| a.balance.to_json_fixed(4)),
        credit_limit: own.then(|| a.credit_limit.to_json_fixed(4)),
        suspended: a.suspended,
        created_at: millis_z(created),
    }
}

pub fn primary(a: &Account) -> PrimaryAccountBody {
    PrimaryAccountBody {
        api_key: a.api_key.clone(),
        name: a.name.clone(),
        balance: a.balance.to_json_fixed(4),
        credit_limit: a.credit_limit.to_json_fixed(4),
        suspended: a.suspended,
        created_at: millis_z(truncate_to_second(a.created_at_ms)),
    }
}

pub fn subaccount_list(world: &World, primary_account: &Account) -> SubaccountList {
    let subs = world.subaccounts_of(&primary_account.api_key);
    let own: Vec<&&Account> = subs.iter().filter(|s| s.has_own_balance()).collect();
    let sum = |pick: fn(&Account) -> Eur| {
        own.iter().fold(pick(primary_account), |total, s| {
            total.checked_add(pick(s)).unwrap_or(total)
        })
    };
    SubaccountList {
        links: links(format!("/accounts/{}/subaccounts", primary_account.api_key)),
        total_balance: sum(|a| a.balance).to_json_fixed(4),
        total_credit_limit: sum(|a| a.credit_limit).to_json_fixed(4),
        embedded: SubaccountListEmbedded {
            primary_account: primary(primary_account),
            subaccounts: subs.iter().map(|s| subaccount(s, Moment::Read)).collect(),
        },
    }
}

pub fn transfer_path(t: &TransferRecord) -> String {
    let collection = match t.kind {
        TransferKind::Credit => "credit-transfers",
        TransferKind::Balance => "balance-transfers",
    };
    format!("/accounts/{}/{collection}", t.primary)
}

/// A transfer; `created` adds `masterAccountId` and `_links` (create response).
pub fn transfer(t: &TransferRecord, created: bool) -> TransferBody {
    TransferBody {
        master_account_id: created.then(|| t.primary.clone()),
        links: created.then(|| links(format!("{}/{}", transfer_path(t), t.id))),
        from: t.from.clone(),
        to: t.to.clone(),
        amount: t.amount.to_json(),
        reference: Some(t.reference.clone()),
        id: t.id.clone(),
        created_at: millis_z(t.created_at_ms),
    }
}

/// Unset URLs show as `""`; the forward method only once it has been set.
pub fn settings(a: &Account, max_calls_per_second: i64) -> SettingsResponse {
    SettingsResponse {
        mo_callback_url: Some(a.settings.mo_callback_url.clone().unwrap_or_default()),
        dr_callback_url: Some(a.settings.dr_callback_url.clone().unwrap_or_default()),
        http_forward_method: a.settings.http_forward_method.clone(),
        max_outbound_request: DEFAULT_THROUGHPUT,
        max_inbound_request: DEFAULT_THROUGHPUT,
        max_calls_per_second,
    }
}

/// The balance that pays for `account` (the primary's for shared-balance
/// subaccounts), with 8 decimals.
pub fn balance(world: &World, account: &Account) -> BalanceResponse {
    let holder = world
        .balance_holder(&account.api_key)
        .and_then(|k| world.account(&k))
        .unwrap_or(account);
    BalanceResponse {
        value: holder.balance.to_json_fixed(8),
        auto_reload: holder.auto_reload,
    }
}
