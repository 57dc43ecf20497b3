//! API secret routes: list, create (201), get, revoke (204).
//! The caller manages its own secrets or, as a primary, its subaccounts'.
//! Rules: strength (400), at most two (403 add-excess-secret), never the
//! last one (403 delete-last-secret), unknown id (404 invalid-id).
//!
//! Must not: share code with the client beyond `crate::wire`, or echo a secret in a response.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::sandbox::auth::{self, Caller, Host, may_manage_secrets_of};
use crate::sandbox::body::json_body;
use crate::sandbox::identifiers::new_secret_id;
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::render;
use crate::sandbox::rules::{self, MAX_SECRETS, WEAK_SECRET};
use crate::sandbox::state::SandboxState;
use crate::sandbox::world::StoredSecret;
use crate::wire::secrets::{SecretList, SecretResource};

fn authenticate(state: &SandboxState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    auth::authenticate(state, Host::Api, auth::basic(headers))
}

pub async fn list(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SecretList>, ApiError> {
    let caller = authenticate(&state, &headers)?;
    state.read(|world| {
        may_manage_secrets_of(world, &caller, &api_key)?;
        let account = world
            .account(&api_key)
            .ok_or_else(|| problem::invalid_api_key(&api_key))?;
        Ok(Json(render::secret_list(account)))
    })
}

pub async fn create(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<SecretResource>), ApiError> {
    let caller = authenticate(&state, &headers)?;
    state.read(|world| may_manage_secrets_of(world, &caller, &api_key))?;
    let fields = json_body(state.options().require_content_type, &headers, &body)?;
    let secret = match fields.get("secret") {
        Some(Value::String(s)) if rules::secret_is_strong(s) => s.clone(),
        Some(Value::String(_)) => {
            return Err(problem::secret_validation(vec![problem::param(
                "secret",
                WEAK_SECRET,
            )]));
        }
        Some(_) => {
            return Err(problem::secret_validation(vec![problem::param(
                "secret",
                "Must be a string",
            )]));
        }
        None => {
            return Err(problem::secret_validation(vec![problem::param(
                "secret",
                "Is required.",
            )]));
        }
    };
    let created = state
        .change(|world| {
            may_manage_secrets_of(world, &caller, &api_key)?;
            let account = world
                .account_mut(&api_key)
                .ok_or_else(|| problem::invalid_api_key(&api_key))?;
            if account.secrets.len() >= MAX_SECRETS {
                return Err(problem::max_secrets());
            }
            let stored = StoredSecret {
                id: new_secret_id(),
                value: secret,
                created_at_ms: state.now_ms(),
            };
            let rendered = render::secret(&api_key, &stored);
            account.secrets.push(stored);
            Ok(rendered)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn get(
    State(state): State<SandboxState>,
    Path((api_key, secret_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<SecretResource>, ApiError> {
    let caller = authenticate(&state, &headers)?;
    state.read(|world| {
        may_manage_secrets_of(world, &caller, &api_key)?;
        let account = world
            .account(&api_key)
            .ok_or_else(|| problem::invalid_api_key(&api_key))?;
        let secret = account
            .secrets
            .iter()
            .find(|s| s.id == secret_id)
            .ok_or_else(|| problem::invalid_id(&secret_id))?;
        Ok(Json(render::secret(&api_key, secret)))
    })
}

pub async fn revoke(
    State(state): State<SandboxState>,
    Path((api_key, secret_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let caller = authenticate(&state, &headers)?;
    state
        .change(|world| {
            may_manage_secrets_of(world, &caller, &api_key)?;
            let account = world
                .account_mut(&api_key)
                .ok_or_else(|| problem::invalid_api_key(&api_key))?;
            let index = account
                .secrets
                .iter()
                .position(|s| s.id == secret_id)
                .ok_or_else(|| problem::invalid_id(&secret_id))?;
            if account.secrets.len() == 1 {
                return Err(problem::last_secret());
            }
            account.secrets.remove(index);
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
