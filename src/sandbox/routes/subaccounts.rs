//! Subaccount routes: list (with totals), create (200, with
//! the subaccount's secret; every field error, a weak secret included, is
//! one 422 subaccounts#validation; past `--max-subaccounts`, 403
//! provisioning), get, modify (PATCH: name, suspended,
//! use_primary_account_balance false-only). Only a primary, under its own
//! key, may call them; one level of hierarchy.
//!
//! Must not: share code with the client beyond `crate::wire`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::sandbox::auth::{self, Caller, Host, may_use_subaccounts_api};
use crate::sandbox::body::json_body;
use crate::sandbox::identifiers::{new_api_key, new_secret, new_secret_id};
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::render::{self, Moment};
use crate::sandbox::rules::{self, WEAK_SECRET};
use crate::sandbox::state::SandboxState;
use crate::sandbox::world::{Account, StoredSecret, StoredSettings};
use crate::wire::money::Eur;
use crate::wire::problem::InvalidParameter;
use crate::wire::subaccounts::{CreatedSubaccountBody, SubaccountBody, SubaccountList};

fn authorize(
    state: &SandboxState,
    headers: &HeaderMap,
    path_key: &str,
) -> Result<Caller, ApiError> {
    let caller = auth::authenticate(state, Host::Api, auth::basic(headers))?;
    state.read(|world| may_use_subaccounts_api(world, &caller, path_key))?;
    Ok(caller)
}

fn body_fields(
    state: &SandboxState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    json_body(state.options().require_content_type, headers, body)
}

/// Validates an optional field with `rule`, collecting the reason on failure.
fn optional<T>(
    fields: &Map<String, Value>,
    name: &str,
    rule: fn(&Value) -> Result<T, &'static str>,
    problems: &mut Vec<InvalidParameter>,
) -> Option<T> {
    match fields.get(name).map(rule)? {
        Ok(value) => Some(value),
        Err(reason) => {
            problems.push(problem::param(name, reason));
            None
        }
    }
}

pub async fn list(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SubaccountList>, ApiError> {
    authorize(&state, &headers, &api_key)?;
    state.read(|world| {
        let primary = world
            .account(&api_key)
            .ok_or_else(|| problem::invalid_api_key(&api_key))?;
        Ok(Json(render::subaccount_list(world, primary)))
    })
}

pub async fn create(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CreatedSubaccountBody>, ApiError> {
    authorize(&state, &headers, &api_key)?;
    let fields = body_fields(&state, &headers, &body)?;
    let mut problems = Vec::new();
    let name = match fields.get("name") {
        None => {
            problems.push(problem::param("name", "Is required."));
            None
        }
        Some(_) => optional(&fields, "name", rules::subaccount_name, &mut problems),
    };
    let shared = optional(
        &fields,
        "use_primary_account_balance",
        rules::boolean,
        &mut problems,
    )
    .unwrap_or(true);
    // A weak secret is one more field error of this endpoint (422
    // subaccounts#validation, its only documented validation answer), not
    // the Secrets API's 400: see docs/sandbox.md.
    let secret = match fields.get("secret") {
        None | Some(Value::Null) => Some(new_secret()),
        Some(Value::String(s)) if rules::secret_is_strong(s) => Some(s.clone()),
        Some(Value::String(_)) => {
            problems.push(problem::param("secret", WEAK_SECRET));
            None
        }
        Some(_) => {
            problems.push(problem::param("secret", "Must be a string"));
            None
        }
    };
    let (Some(name), Some(secret), true) = (name, secret, problems.is_empty()) else {
        return Err(problem::subaccount_validation(problems));
    };
    let limit = state.options().max_subaccounts;
    let created = state
        .change(|world| {
            if limit.is_some_and(|max| world.subaccounts_of(&api_key).len() >= max) {
                return Err(problem::max_subaccounts());
            }
            let mut key = new_api_key();
            while world.account(&key).is_some() {
                key = new_api_key();
            }
            let now = state.now_ms();
            let account = Account {
                api_key: key.clone(),
                name: Some(name),
                primary: Some(api_key.clone()),
                use_primary_account_balance: shared,
                balance: Eur::ZERO,
                credit_limit: Eur::ZERO,
                suspended: false,
                created_at_ms: now,
                secrets: vec![StoredSecret {
                    id: new_secret_id(),
                    value: secret.clone(),
                    created_at_ms: now,
                }],
                settings: StoredSettings::default(),
                auto_reload: false,
                top_up_amount: Eur::from_euros(10),
                auto_reload_charges: Vec::new(),
                // One level of hierarchy: a subaccount never gets the API.
                subaccounts_provisioned: false,
            };
            let rendered = render::subaccount(&account, Moment::Creation);
            world.accounts.insert(key, account);
            Ok(rendered)
        })
        .await?;
    Ok(Json(CreatedSubaccountBody {
        api_key: created.api_key,
        primary_account_api_key: created.primary_account_api_key,
        use_primary_account_balance: created.use_primary_account_balance,
        name: created.name,
        balance: created.balance,
        credit_limit: created.credit_limit,
        suspended: created.suspended,
        created_at: created.created_at,
        secret,
    }))
}

pub async fn get(
    State(state): State<SandboxState>,
    Path((api_key, sub_key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<SubaccountBody>, ApiError> {
    authorize(&state, &headers, &api_key)?;
    state.read(|world| {
        let sub = world
            .account(&sub_key)
            .filter(|a| a.primary.as_deref() == Some(api_key.as_str()))
            .ok_or_else(|| problem::invalid_api_key(&sub_key))?;
        Ok(Json(render::subaccount(sub, Moment::Read)))
    })
}

pub async fn modify(
    State(state): State<SandboxState>,
    Path((api_key, sub_key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SubaccountBody>, ApiError> {
    authorize(&state, &headers, &api_key)?;
    let fields = body_fields(&state, &headers, &body)?;
    let mut problems = Vec::new();
    let name = optional(&fields, "name", rules::subaccount_name, &mut problems);
    let suspended = optional(&fields, "suspended", rules::boolean, &mut problems);
    let shared = optional(
        &fields,
        "use_primary_account_balance",
        rules::boolean,
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problem::subaccount_validation(problems));
    }
    let updated = state
        .change(|world| {
            let sub = world
                .account_mut(&sub_key)
                .filter(|a| a.primary.as_deref() == Some(api_key.as_str()))
                .ok_or_else(|| problem::invalid_api_key(&sub_key))?;
            if shared == Some(true) && !sub.use_primary_account_balance {
                return Err(problem::subaccount_validation(vec![problem::param(
                    "use_primary_account_balance",
                    "\
                    Transitioning from 'use_primary_account_balance = false' to \
                    'use_primary_account_balance = true' is not supported",
                )]));
            }
            if let Some(shared) = shared {
                sub.use_primary_account_balance = shared;
            }
            if let Some(name) = name {
                sub.name = Some(name);
            }
            if let Some(suspended) = suspended {
                sub.suspended = suspended;
            }
            Ok(render::subaccount(sub, Moment::Read))
        })
        .await?;
    Ok(Json(updated))
}
