//! `data "vonage_numbers"`: the phone numbers one account holds, as the Numbers API shows them
//! (number, country, type, features, linked application and callbacks), optionally filtered.
//!
//! API: `GET /account/numbers`, one call per 100 numbers; a subaccount's numbers are read with
//! its key and the primary's secret (`vonage::numbers`).
//!
//! Must not: change anything.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, ValidateRequest};
use crate::framework::schema::{Attribute, Block, Nesting, Schema};
use crate::vonage::{NumberFilter, OwnedNumber};

use crate::provider::ProviderData;
use crate::provider::numbers::{Details, invalid_country, numbers_diagnostic, valid_country};

pub struct Numbers;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub api_key: Option<String>,
    pub country: Option<String>,
    pub application_id: Option<String>,
    pub has_application: Option<bool>,
    pub numbers: Option<Vec<Entry>>,
}

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub number: String,
    pub country: String,
    #[serde(rename = "type")]
    pub number_type: Option<String>,
    pub features: Option<Vec<String>>,
    pub app_id: Option<String>,
    pub mo_http_url: Option<String>,
    pub voice_callback_type: Option<String>,
    pub voice_callback_value: Option<String>,
    pub voice_status_callback: Option<String>,
    pub messages_callback_type: Option<String>,
    pub messages_callback_value: Option<String>,
}

impl From<&OwnedNumber> for Entry {
    fn from(n: &OwnedNumber) -> Entry {
        let d = Details::of(n);
        Entry {
            number: n.number.clone(),
            country: n.country.clone(),
            number_type: d.number_type,
            features: d.features,
            app_id: d.app_id,
            mo_http_url: d.mo_http_url,
            voice_callback_type: d.voice_callback_type,
            voice_callback_value: d.voice_callback_value,
            voice_status_callback: d.voice_status_callback,
            messages_callback_type: d.messages_callback_type,
            messages_callback_value: d.messages_callback_value,
        }
    }
}

#[async_trait]
impl DataSource<ProviderData> for Numbers {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_numbers"
    }

    fn schema(&self) -> Schema {
        let mut entry = vec![
            Attribute::string("number")
                .computed()
                .description("The number's E.164 digits, such as `447700900123`."),
            Attribute::string("country")
                .computed()
                .description("Its two-letter country code."),
        ];
        entry.extend(Details::attributes());
        Schema::new(
            0,
            Block::new(
                "\
                The phone numbers one account holds: the provider's account (the primary) or one \
                of its subaccounts, with what the Numbers API shows of each (type, features, the \
                application it is linked to, its callbacks).",
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .computed()
                    .non_empty()
                    .path_segment()
                    .description(
                        "\
                        The account whose numbers to list: the provider's account or one of its \
                        subaccounts. Defaults to the provider's `api_key`.",
                    ),
            )
            .attribute(
                Attribute::string("country")
                    .optional()
                    .description("Only numbers of this two-letter country code, such as `GB`."),
            )
            .attribute(
                Attribute::string("application_id")
                    .optional()
                    .non_empty()
                    .description("Only numbers linked to this Vonage application."),
            )
            .attribute(Attribute::bool("has_application").optional().description(
                "\
                `true` lists only numbers linked to an application, `false` only those that are \
                not. Unset lists both.",
            ))
            .attribute(
                Attribute::nested("numbers", Nesting::List, entry)
                    .computed()
                    .description("The matching numbers, in the order Vonage lists them."),
            ),
        )
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if req
            .config
            .country
            .as_deref()
            .is_some_and(|c| !valid_country(c))
        {
            diags.push(invalid_country("country"));
        }
        if req
            .config
            .api_key
            .as_deref()
            .is_some_and(|k| k.contains(['/', ':']))
        {
            diags.push(
                Diagnostic::error("Invalid API key", "`api_key` must be an account's API key.")
                    .at(AttrPath::attr("api_key")),
            );
        }
        diags
    }

    async fn read(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let holder = config
            .api_key
            .clone()
            .unwrap_or_else(|| data.api_key.clone());
        let filter = NumberFilter {
            country: config.country.clone(),
            application_id: config.application_id.clone(),
            has_application: config.has_application,
            ..NumberFilter::default()
        };
        let listed = client.list_numbers(&holder, &filter).await.map_err(|e| {
            numbers_diagnostic(
                data,
                &format!("listing the numbers of account {holder}"),
                &holder,
                &e,
            )
        })?;
        Ok(Model {
            api_key: Some(holder),
            numbers: Some(listed.iter().map(Entry::from).collect()),
            ..config
        })
    }
}
