//! Number transfer route: move a number between a primary and
//! its subaccounts (or between two of its subaccounts). Errors: 422
//! validation, 403 invalid-number-transfer (outside the family, not owned by
//! `from`, or a suspended party), 404 missing-number-transfer, 409
//! transfer-conflict (already owned by `to`).
//!
//! Must not: share code with the client beyond `crate::wire`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;

use crate::sandbox::auth::{self, Host, may_use_subaccounts_api};
use crate::sandbox::body::json_body;
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::rules;
use crate::sandbox::state::SandboxState;
use crate::wire::numbers::NumberTransferBody;

pub async fn transfer(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<NumberTransferBody>, ApiError> {
    let caller = auth::authenticate(&state, Host::Api, auth::basic(&headers))?;
    state.read(|world| may_use_subaccounts_api(world, &caller, &api_key))?;
    let fields = json_body(state.options().require_content_type, &headers, &body)?;
    let mut problems = Vec::new();
    let mut text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => {
            problems.push(problem::param(name, "Is required."));
            None
        }
    };
    let from = text("from");
    let to = text("to");
    let number = fields.get("number").and_then(rules::normalize_number);
    if number.is_none() {
        problems.push(problem::param(
            "number",
            "Must be a phone number in E.164 format",
        ));
    }
    let country = fields.get("country").and_then(rules::country_code);
    if country.is_none() {
        problems.push(problem::param(
            "country",
            "Must be a two-letter country code",
        ));
    }
    if from.is_some() && from == to {
        problems.push(problem::param(
            "from",
            "Invalid accounts. From and To accounts should be different",
        ));
    }
    let (Some(from), Some(to), Some(number), Some(country), true) =
        (from, to, number, country, problems.is_empty())
    else {
        return Err(problem::subaccount_validation(problems));
    };
    let prefix = format!("Could not transfer number {number} from account {from} to {to}");
    state
        .change(|world| {
            let in_family = |key: &str| {
                world.account(key).is_some_and(|a| {
                    a.api_key == api_key || a.primary.as_deref() == Some(api_key.as_str())
                })
            };
            if !in_family(&from) || !in_family(&to) {
                return Err(problem::invalid_number_transfer(&format!(
                    "\
                    {prefix} - relationship between these two accounts does not allow for number \
                    transfer"
                )));
            }
            let banned = [&from, &to]
                .iter()
                .any(|k| world.account(k).is_some_and(|a| a.suspended));
            if banned {
                return Err(problem::invalid_number_transfer(
                    "One of the accounts involved in the transfer is banned",
                ));
            }
            let record = world
                .numbers
                .iter_mut()
                .find(|n| n.number == number && n.country == country)
                .ok_or_else(|| {
                    problem::missing_number_transfer(&format!("{prefix} - ShortCode not found"))
                })?;
            if record.owner == to {
                return Err(problem::number_transfer_conflict(&format!(
                    "{prefix} - ShortCode is already owned by requesting account"
                )));
            }
            if record.owner != from {
                return Err(problem::invalid_number_transfer(&format!(
                    "{prefix} - ShortCode is not owned by from account"
                )));
            }
            record.owner = to.clone();
            Ok(())
        })
        .await?;
    Ok(Json(NumberTransferBody {
        number,
        country,
        from,
        to,
        master_account_id: Some(api_key),
    }))
}
