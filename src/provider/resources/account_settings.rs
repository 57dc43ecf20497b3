//! `vonage_account_settings`: the account's default SMS callback URLs.
//!
//! API: `POST /account/settings` on the REST host. An empty POST reads; fields sent set them;
//! an empty string unsets. The endpoint acts on the credentials' own account, so there is one
//! of these per provider configuration and its id is the provider's api key.
//!
//! A URL left out of the configuration is unset on the account (Terraform manages both), so a
//! URL set in the dashboard shows as drift. Destroy unsets both URLs.
//!
//! Must not: apply plan rules itself (the engine does) or act on an account other than the provider's own.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::Value;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::resource::{
    ApplyFailure, CreateRequest, Ctx, PlanRequest, Resource, Timeouts, UpdateRequest,
    ValidateRequest,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema, timeouts_block};
use crate::vonage::{Settings, SettingsUpdate};

use crate::provider::ProviderData;
use crate::provider::api_errors::{
    diagnostic, diagnostic_for_fields, is_suspension, suspended_read_warning,
};
use crate::provider::api_key_identity;
use crate::provider::config::check_http_url;

pub const FORWARD_METHODS: [&str; 3] = ["GET_QUERY_PARAMS", "POST_QUERY_PARAMS", "POST_JSON"];

/// The API's names for the fields this resource sends, and the attributes they come from.
const SETTINGS_FIELDS: &[(&str, &str)] = &[
    ("moCallBackUrl", "mo_callback_url"),
    ("drCallBackUrl", "dr_callback_url"),
    ("httpForwardMethod", "http_forward_method"),
];

pub struct AccountSettings;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Model {
    pub id: Option<String>,
    pub mo_callback_url: Option<String>,
    pub dr_callback_url: Option<String>,
    pub http_forward_method: Option<String>,
    pub max_outbound_request: Option<i64>,
    pub max_inbound_request: Option<i64>,
    pub max_calls_per_second: Option<i64>,
    pub timeouts: Option<Timeouts>,
}

impl Model {
    fn with_settings(mut self, s: Settings) -> Model {
        self.mo_callback_url = s.mo_callback_url.filter(|u| !u.is_empty());
        self.dr_callback_url = s.dr_callback_url.filter(|u| !u.is_empty());
        if s.http_forward_method.is_some() {
            self.http_forward_method = s.http_forward_method;
        }
        self.max_outbound_request = Some(s.max_outbound_request);
        self.max_inbound_request = Some(s.max_inbound_request);
        self.max_calls_per_second = Some(s.max_calls_per_second);
        self
    }

    /// The update that makes the account match this model: null URLs are unset.
    fn update(&self) -> SettingsUpdate {
        SettingsUpdate {
            mo_callback_url: Some(self.mo_callback_url.clone().unwrap_or_default()),
            dr_callback_url: Some(self.dr_callback_url.clone().unwrap_or_default()),
            http_forward_method: self.http_forward_method.clone(),
        }
    }
}

fn own_account_only(provider_key: &str, asked: &str) -> Diagnostics {
    Diagnostic::error(
        "Settings belong to the provider's own account",
        format!(
            "\
            Vonage's settings endpoint acts only on the account whose credentials make the call, \
            so `vonage_account_settings` can manage account {provider_key} (the provider's \
            api_key) and not {asked}. To manage {asked}'s settings, configure a provider alias \
            with that account's api_key and api_secret and import with it."
        ),
    )
    .into()
}

#[async_trait]
impl Resource<ProviderData> for AccountSettings {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_account_settings"
    }

    fn schema(&self) -> Schema {
        let url = |name: &str, what: &str| {
            Attribute::string(name).optional().description(&format!(
                "\
                The default webhook for {what}: an absolute `http://` or `https://` URL. Vonage \
                calls it to check it answers `200 OK` before saving it. Leave it out to unset it."
            ))
        };
        // Vonage sets the limits; no change this resource makes moves them, so an update plans
        // the values Terraform last read.
        let limit = |name: &str, what: &str| {
            Attribute::int64(name)
                .computed()
                .moved_by(&[])
                .description(what)
        };
        Schema::new(
            0,
            Block::new(
                "\
                The account's default SMS webhooks (inbound messages and delivery receipts). \
                There is one per account, always the provider's own (the API acts on the caller's \
                account). Destroying it **unsets both callback URLs**; the account itself is \
                untouched.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .stable()
                    .description("The account's API key."),
            )
            .attribute(url(
                "mo_callback_url",
                "inbound SMS (mobile-originated messages)",
            ))
            .attribute(url("dr_callback_url", "SMS delivery receipts"))
            .attribute(
                Attribute::string("http_forward_method")
                    .optional()
                    .computed()
                    .moved_by(&[])
                    .description(
                        "\
                        How Vonage sends webhooks: `GET_QUERY_PARAMS`, `POST_QUERY_PARAMS` or \
                        `POST_JSON`. Left out, the account's current method is kept.",
                    ),
            )
            .attribute(limit(
                "max_outbound_request",
                "The most outbound messages per second the account may send.",
            ))
            .attribute(limit(
                "max_inbound_request",
                "The most inbound messages per second the account receives.",
            ))
            .attribute(limit(
                "max_calls_per_second",
                "The most API calls per second the account may make.",
            ))
            .block(timeouts_block()),
        )
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(api_key_identity::schema("The account's API key."))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        api_key_identity::of(state.id.as_deref())
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (name, v) in [
            ("mo_callback_url", &req.config.mo_callback_url),
            ("dr_callback_url", &req.config.dr_callback_url),
        ] {
            if let Some(u) = v
                && let Err(why) = check_http_url(u)
            {
                diags.push(
                    Diagnostic::error(
                        "Invalid callback URL",
                        format!(
                            "\
                            `{name}` must be an absolute http:// or https:// URL, but {why}. To \
                            unset it, leave the argument out."
                        ),
                    )
                    .at(AttrPath::attr(name)),
                );
            }
        }
        if let Some(m) = &req.config.http_forward_method
            && !FORWARD_METHODS.contains(&m.as_str())
        {
            diags.push(
                Diagnostic::error(
                    "Invalid webhook method",
                    format!(
                        "`http_forward_method` must be one of {}; it is `{m}`.",
                        FORWARD_METHODS.join(", ")
                    ),
                )
                .at(AttrPath::attr("http_forward_method")),
            );
        }
        diags
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        let mut planned = req.planned;
        if req.prior.is_none()
            && let Some(data) = ctx.data
        {
            data.credentials_checked().await?;
            planned.id = Some(data.api_key.clone());
        }
        Ok(planned)
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: CreateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let settings = data
            .client_for(&ctx.cancel)
            .update_settings(&req.planned.update())
            .await
            .map_err(|e| {
                diagnostic_for_fields(
                    data,
                    &format!(
                        "setting vonage_account_settings of account {}",
                        data.api_key
                    ),
                    &e,
                    SETTINGS_FIELDS,
                )
            })?;
        Ok(Model {
            id: Some(data.api_key.clone()),
            ..req.planned
        }
        .with_settings(settings))
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        state: Model,
    ) -> Result<Option<Model>, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        if let Some(id) = &state.id
            && id != &data.api_key
        {
            return Err(own_account_only(&data.api_key, id));
        }
        let settings = client.read_settings().await.map_err(|e| {
            Diagnostics::from(if is_suspension(&e) {
                suspended_read_warning(
                    &data.api_key,
                    &format!("the settings of account {}", data.api_key),
                )
            } else {
                diagnostic(
                    data,
                    &format!(
                        "reading vonage_account_settings of account {}",
                        data.api_key
                    ),
                    &e,
                )
            })
        })?;
        Ok(Some(state.with_settings(settings)))
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let settings = data
            .client_for(&ctx.cancel)
            .update_settings(&req.planned.update())
            .await
            .map_err(|e| ApplyFailure {
                diags: diagnostic_for_fields(
                    data,
                    &format!(
                        "updating vonage_account_settings of account {}",
                        data.api_key
                    ),
                    &e,
                    SETTINGS_FIELDS,
                )
                .into(),
                partial: Some(req.prior.clone()),
            })?;
        Ok(req.planned.with_settings(settings))
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, _state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let unset = SettingsUpdate {
            mo_callback_url: Some(String::new()),
            dr_callback_url: Some(String::new()),
            http_forward_method: None,
        };
        client.update_settings(&unset).await.map_err(|e| {
            diagnostic(
                data,
                &format!(
                    "destroying vonage_account_settings of account {} (unsetting its callbacks)",
                    data.api_key
                ),
                &e,
            )
        })?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        if id != data.api_key {
            return Err(own_account_only(&data.api_key, id));
        }
        Ok(Model {
            id: Some(id.to_owned()),
            ..Model::default()
        })
    }
}
