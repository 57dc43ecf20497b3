//! Rest-host account routes: balance, top-up, settings.
//! Credentials may come as Basic, query parameters or form fields; errors on
//! this host use the legacy `error-code` body where Vonage does.
//!
//! Top-up follows Vonage: it needs auto-reload on (401 "not auto-reload
//! enabled") and the `trx` of the payment made when auto-reload was switched
//! on (the admin API records such payments); it adds that payment's amount.
//! A `trx` naming no such payment is a 400 problem (sandbox choice), unless
//! `--any-top-up-trx`, which tops up by the latest payment's amount.
//!
//! Must not: share code with the client beyond `crate::wire`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;

use crate::sandbox::auth::{self, Caller, Host};
use crate::sandbox::body::{param, rest_params};
use crate::sandbox::callback_check;
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::render;
use crate::sandbox::rules;
use crate::sandbox::state::SandboxState;
use crate::wire::account::{BalanceResponse, SettingsResponse};
use crate::wire::problem::{InvalidParameter, LegacyStatus};

fn authenticate(
    state: &SandboxState,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<Caller, ApiError> {
    auth::authenticate(state, Host::Rest, auth::rest_credentials(headers, params))
}

pub async fn get_balance(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<BalanceResponse>, ApiError> {
    let params = rest_params(false, &headers, query.as_deref(), b"")?;
    let caller = authenticate(&state, &headers, &params)?;
    state.read(|world| {
        let account = world
            .account(&caller.api_key)
            .ok_or_else(problem::legacy_authentication_failed)?;
        Ok(Json(render::balance(world, account)))
    })
}

pub async fn top_up(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Json<LegacyStatus>, ApiError> {
    let require_content_type = state.options().require_content_type;
    let params = rest_params(require_content_type, &headers, query.as_deref(), &body)?;
    let caller = authenticate(&state, &headers, &params)?;
    let trx = match param(&params, "trx") {
        Some(trx) if !trx.is_empty() => trx.to_string(),
        _ => {
            return Err(problem::top_up_validation(vec![problem::param(
                "trx",
                "Is required.",
            )]));
        }
    };
    let any_trx = state.options().any_top_up_trx;
    state
        .change(|world| {
            let holder = world
                .balance_holder(&caller.api_key)
                .ok_or_else(problem::legacy_authentication_failed)?;
            let account = world
                .account_mut(&holder)
                .ok_or_else(problem::legacy_authentication_failed)?;
            if !account.auto_reload {
                return Err(problem::legacy_not_auto_reload_enabled());
            }
            let charged = account
                .auto_reload_charges
                .iter()
                .find(|c| c.trx == trx)
                .map(|c| c.amount);
            let amount = match charged {
                Some(amount) => amount,
                None if any_trx => account.top_up_amount,
                None => {
                    return Err(problem::top_up_validation(vec![problem::param(
                        "trx",
                        "Does not match a payment made when auto-reload was enabled on this \
                         account",
                    )]));
                }
            };
            account.balance = account
                .balance
                .checked_add(amount)
                .ok_or_else(|| problem::internal_error("balance overflow"))?;
            Ok(())
        })
        .await?;
    Ok(Json(LegacyStatus {
        error_code: "200".to_string(),
        error_code_label: "success".to_string(),
    }))
}

/// A settings field as sent: which spelling, and the requested value
/// (`None` = unset).
struct FieldChange {
    name: String,
    value: Option<String>,
}

/// The first spelling of a field present among `params`.
fn field(params: &[(String, String)], spellings: &[&str]) -> Option<(String, String)> {
    spellings
        .iter()
        .find_map(|name| param(params, name).map(|v| (name.to_string(), v.to_string())))
}

fn validated(
    params: &[(String, String)],
    spellings: &[&str],
    rule: fn(&str) -> Result<Option<String>, &'static str>,
    problems: &mut Vec<InvalidParameter>,
) -> Option<FieldChange> {
    let (name, raw) = field(params, spellings)?;
    match rule(&raw) {
        Ok(value) => Some(FieldChange { name, value }),
        Err(reason) => {
            problems.push(problem::param(&name, reason));
            None
        }
    }
}

/// `POST /account/settings`: updates what is given, then answers with the
/// current settings; an empty POST only reads.
pub async fn settings(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Json<SettingsResponse>, ApiError> {
    let require_content_type = state.options().require_content_type;
    let params = rest_params(require_content_type, &headers, query.as_deref(), &body)?;
    let caller = authenticate(&state, &headers, &params)?;
    let mut problems = Vec::new();
    let mo = validated(
        &params,
        &["moCallBackUrl", "moCallbackUrl"],
        rules::callback_url,
        &mut problems,
    );
    let dr = validated(
        &params,
        &["drCallBackUrl", "drCallbackUrl"],
        rules::callback_url,
        &mut problems,
    );
    let method = validated(
        &params,
        &["httpForwardMethod"],
        rules::http_forward_method,
        &mut problems,
    );
    if problems.is_empty() && state.options().check_callbacks {
        for change in [&mo, &dr].into_iter().flatten() {
            if let Some(url) = &change.value
                && let Err(reason) = callback_check::answers_ok(state.callback_client(), url).await
            {
                problems.push(problem::param(&change.name, &reason));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problem::settings_validation(problems));
    }
    let max_calls = state
        .options()
        .rate_limit
        .map_or(render::DEFAULT_THROUGHPUT, i64::from);
    if mo.is_none() && dr.is_none() && method.is_none() {
        return state.read(|world| {
            let account = world
                .account(&caller.api_key)
                .ok_or_else(problem::legacy_authentication_failed)?;
            Ok(Json(render::settings(account, max_calls)))
        });
    }
    let settings = state
        .change(|world| {
            let account = world
                .account_mut(&caller.api_key)
                .ok_or_else(problem::legacy_authentication_failed)?;
            if let Some(change) = mo {
                account.settings.mo_callback_url = change.value;
            }
            if let Some(change) = dr {
                account.settings.dr_callback_url = change.value;
            }
            if let Some(change) = method {
                account.settings.http_forward_method = change.value;
            }
            Ok(render::settings(account, max_calls))
        })
        .await?;
    Ok(Json(settings))
}
