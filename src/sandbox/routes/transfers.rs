//! Credit and balance transfer routes: list (needs a strict
//! `start_date`; optional `end_date` and repeatable `subaccount`) and create.
//! Transfers run only between a primary and one of its own subaccounts that
//! has its own balance; the source must have enough to give (the
//! availability rules are in `rules`).
//!
//! Must not: share code with the client beyond `crate::wire`.

use std::collections::HashSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::sandbox::auth::{self, Host, may_use_subaccounts_api};
use crate::sandbox::body::json_body;
use crate::sandbox::identifiers::new_transfer_id;
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::render;
use crate::sandbox::rules;
use crate::sandbox::state::SandboxState;
use crate::sandbox::timestamps::{parse_query_date, truncate_to_second};
use crate::sandbox::world::{TransferKind, TransferRecord, World};
use crate::wire::money::Eur;
use crate::wire::transfers::{
    BalanceTransferList, BalanceTransferListEmbedded, CreditTransferList,
    CreditTransferListEmbedded,
};

const ONLY_PRIMARY_AND_SUB: &str =
    "Transfers are only allowed between a primary account and its subaccount";

pub async fn list_credit(
    state: State<SandboxState>,
    path: Path<String>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response, ApiError> {
    list(state, path, headers, query, TransferKind::Credit).await
}

pub async fn list_balance(
    state: State<SandboxState>,
    path: Path<String>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response, ApiError> {
    list(state, path, headers, query, TransferKind::Balance).await
}

pub async fn create_credit(
    state: State<SandboxState>,
    path: Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    create(state, path, headers, body, TransferKind::Credit).await
}

pub async fn create_balance(
    state: State<SandboxState>,
    path: Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    create(state, path, headers, body, TransferKind::Balance).await
}

/// The list filter from the query string.
struct Filter {
    start_ms: i64,
    end_ms: Option<i64>,
    subaccounts: HashSet<String>,
}

fn filter(query: Option<&str>) -> Result<Filter, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let find = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut problems = Vec::new();
    let start_ms = match find("start_date") {
        None => {
            problems.push(problem::param("start_date", "Is required."));
            None
        }
        Some(text) => parse_query_date(text).or_else(|| {
            problems.push(problem::param("start_date", "Malformed"));
            None
        }),
    };
    let end_ms = find("end_date").and_then(|text| {
        parse_query_date(text).or_else(|| {
            problems.push(problem::param("end_date", "Malformed"));
            None
        })
    });
    match start_ms {
        Some(start_ms) if problems.is_empty() => Ok(Filter {
            start_ms,
            end_ms,
            subaccounts: pairs
                .iter()
                .filter(|(k, _)| k == "subaccount")
                .map(|(_, v)| v.clone())
                .collect(),
        }),
        _ => Err(problem::subaccount_validation(problems)),
    }
}

async fn list(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    kind: TransferKind,
) -> Result<Response, ApiError> {
    let caller = auth::authenticate(&state, Host::Api, auth::basic(&headers))?;
    state.read(|world| may_use_subaccounts_api(world, &caller, &api_key))?;
    let filter = filter(query.as_deref())?;
    let oldest_first = state.options().transfers_oldest_first;
    let mut items = state.read(|world| {
        world
            .transfers
            .iter()
            .filter(|t| t.kind == kind && t.primary == api_key)
            .filter(|t| t.created_at_ms >= filter.start_ms)
            .filter(|t| filter.end_ms.is_none_or(|end| t.created_at_ms <= end))
            .filter(|t| {
                filter.subaccounts.is_empty()
                    || filter.subaccounts.contains(&t.from)
                    || filter.subaccounts.contains(&t.to)
            })
            .map(|t| render::transfer(t, false))
            .collect::<Vec<_>>()
    });
    // The world keeps them in creation order; Vonage lists newest first.
    if !oldest_first {
        items.reverse();
    }
    let links = render::links(format!(
        "/accounts/{api_key}/{}",
        match kind {
            TransferKind::Credit => "credit-transfers",
            TransferKind::Balance => "balance-transfers",
        }
    ));
    Ok(match kind {
        TransferKind::Credit => Json(CreditTransferList {
            links,
            embedded: CreditTransferListEmbedded {
                credit_transfers: items,
            },
        })
        .into_response(),
        TransferKind::Balance => Json(BalanceTransferList {
            links,
            embedded: BalanceTransferListEmbedded {
                balance_transfers: items,
            },
        })
        .into_response(),
    })
}

/// A validated transfer request.
struct Request {
    from: String,
    to: String,
    amount: Eur,
    reference: String,
}

fn request(fields: &Map<String, Value>) -> Result<Request, ApiError> {
    let mut problems = Vec::new();
    let mut text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) | None => {
            problems.push(problem::param(name, "Is required."));
            None
        }
        Some(_) => {
            problems.push(problem::param(name, "Must be a string"));
            None
        }
    };
    let from = text("from");
    let to = text("to");
    let amount = match fields.get("amount") {
        None => {
            problems.push(problem::param("amount", "Is required."));
            None
        }
        Some(value) => rules::transfer_amount(value)
            .map_err(|reason| problems.push(problem::param("amount", reason)))
            .ok(),
    };
    let reference = match fields.get("reference") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            problems.push(problem::param("reference", "Must be a string"));
            String::new()
        }
    };
    if let (Some(from), Some(to)) = (&from, &to)
        && from == to
    {
        problems.push(problem::param(
            "from",
            "Invalid accounts. From and To accounts should be different",
        ));
    }
    match (from, to, amount) {
        (Some(from), Some(to), Some(amount)) if problems.is_empty() => Ok(Request {
            from,
            to,
            amount,
            reference,
        }),
        _ => Err(problem::subaccount_validation(problems)),
    }
}

/// Applies a transfer inside `primary`'s family at `now_ms` (the sandbox's
/// clock), or explains why not.
fn apply(
    world: &mut World,
    primary: &str,
    kind: TransferKind,
    req: &Request,
    now_ms: i64,
) -> Result<TransferRecord, ApiError> {
    let sub_key = if req.from == primary {
        &req.to
    } else if req.to == primary {
        &req.from
    } else {
        return Err(problem::invalid_transfer(ONLY_PRIMARY_AND_SUB));
    };
    let sub = world
        .account(sub_key)
        .filter(|a| a.primary.as_deref() == Some(primary))
        .ok_or_else(|| problem::invalid_transfer(ONLY_PRIMARY_AND_SUB))?;
    if sub.use_primary_account_balance {
        return Err(problem::invalid_transfer(&format!(
            "\
            Subaccount '{sub_key}' uses the primary account balance and cannot take part in \
            transfers"
        )));
    }
    let source = world
        .account(&req.from)
        .ok_or_else(|| problem::invalid_transfer(ONLY_PRIMARY_AND_SUB))?;
    let available = match kind {
        TransferKind::Balance => rules::balance_available_for_transfer(source),
        TransferKind::Credit => rules::credit_available(source),
    };
    if req.amount > available {
        return Err(problem::insufficient_credit());
    }
    let overflow = || problem::internal_error("amount overflow");
    for (key, sign) in [(&req.from, -1i8), (&req.to, 1i8)] {
        let account = world
            .account_mut(key)
            .ok_or_else(|| problem::invalid_transfer(ONLY_PRIMARY_AND_SUB))?;
        // Balance moves as money; credit moves as (negative) credit limit.
        let (field, delta) = match kind {
            TransferKind::Balance => (&mut account.balance, sign),
            TransferKind::Credit => (&mut account.credit_limit, -sign),
        };
        *field = if delta > 0 {
            field.checked_add(req.amount)
        } else {
            field.checked_sub(req.amount)
        }
        .ok_or_else(overflow)?;
    }
    let record = TransferRecord {
        id: new_transfer_id(),
        kind,
        primary: primary.to_string(),
        from: req.from.clone(),
        to: req.to.clone(),
        amount: req.amount,
        reference: req.reference.clone(),
        created_at_ms: truncate_to_second(now_ms),
    };
    world.transfers.push(record.clone());
    Ok(record)
}

async fn create(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
    kind: TransferKind,
) -> Result<Response, ApiError> {
    let caller = auth::authenticate(&state, Host::Api, auth::basic(&headers))?;
    state.read(|world| may_use_subaccounts_api(world, &caller, &api_key))?;
    let fields = json_body(state.options().require_content_type, &headers, &body)?;
    let req = request(&fields)?;
    let record = state
        .change(|world| apply(world, &api_key, kind, &req, state.now_ms()))
        .await?;
    Ok(Json(render::transfer(&record, true)).into_response())
}
