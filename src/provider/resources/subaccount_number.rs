//! `vonage_subaccount_number`: one phone number assigned to one subaccount of the provider's
//! account (the primary), declaratively.
//!
//! API: `POST /accounts/{primary}/transfer-number` moves the number; the Numbers API's
//! `GET /account/numbers` (for a subaccount, with its key and the primary's secret) says where
//! it is. Create moves the number from the primary to the subaccount, destroy moves it back.
//! Read finds where the number is now: `held_by` shows another account when it was moved
//! outside Terraform (the next apply moves it back), and a number in no account of the family
//! (released) is gone. A move whose answer is lost is reconciled by reading where the number
//! is before sending it again (`vonage::transfers`), so a number is never moved twice.
//!
//! The number is kept in the form the configuration gives (`+447700900123` and `447700900123`
//! are the same number, never a diff); the id and the identity use Vonage's digits.
//!
//! Owns: the schema, validation, plan checks (a subaccount of this primary, not suspended, and
//! a number the primary holds), CRUD, import (`API_KEY/NUMBER`) and the `{api_key, number}`
//! identity.
//! Must not: move a number other than the one in state, or move a number the plan did not say it
//! would (a number another subaccount holds is refused, not taken).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::Value;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::plan::object;
use crate::framework::resource::{
    ApplyFailure, CreateRequest, Ctx, PlanRequest, Resource, Timeouts, UpdateRequest,
    ValidateRequest,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema, timeouts_block};
use crate::vonage::{Client, Error, NumberTransfer, OwnedNumber};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::numbers::{
    Details, Location, locate, normalized, number_and_country_problems, numbers_diagnostic,
};

pub struct SubaccountNumber;

/// No secret here, so `Debug` is fine.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Model {
    pub id: Option<String>,
    pub api_key: Option<String>,
    pub number: Option<String>,
    pub country: Option<String>,
    pub held_by: Option<String>,
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
    pub timeouts: Option<Timeouts>,
}

impl Model {
    /// The number as Vonage writes it (digits), when the configured one is a number.
    pub fn digits(&self) -> Option<String> {
        self.number.as_deref().and_then(normalized)
    }

    /// This assignment, held by `holder`, with what the Numbers API shows of the number.
    pub fn held(mut self, holder: &str, found: &OwnedNumber) -> Model {
        let d = Details::of(found);
        self.held_by = Some(holder.to_owned());
        self.country = Some(found.country.clone());
        if self.number.is_none() {
            self.number = Some(found.number.clone());
        }
        if let (Some(key), None) = (&self.api_key, &self.id) {
            self.id = Some(format!("{key}/{}", found.number));
        }
        self.number_type = d.number_type;
        self.features = d.features;
        self.app_id = d.app_id;
        self.mo_http_url = d.mo_http_url;
        self.voice_callback_type = d.voice_callback_type;
        self.voice_callback_value = d.voice_callback_value;
        self.voice_status_callback = d.voice_status_callback;
        self.messages_callback_type = d.messages_callback_type;
        self.messages_callback_value = d.messages_callback_value;
        self
    }
}

#[async_trait]
impl Resource<ProviderData> for SubaccountNumber {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_subaccount_number"
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new(
            "\
            Assigns one phone number to one subaccount of the provider's account (the primary). \
            Create moves the number from the primary to the subaccount, and **destroy moves it \
            back to the primary**. The plan checks that the subaccount is the primary's and not \
            suspended, and that the primary holds the number. A refresh finds where the number \
            is: moved to another account outside Terraform, `held_by` shows it and the next apply \
            moves it back; released, the assignment is gone and Terraform plans it again. A move \
            whose answer is lost is never sent twice.",
        )
        .attribute(
            Attribute::string("id")
                .computed()
                .stable()
                .description("`API_KEY/NUMBER`: the subaccount's key and the number's digits."),
        )
        .attribute(
            Attribute::string("api_key")
                .required()
                .non_empty()
                .path_segment()
                .requires_replace()
                .description(
                    "\
                    The API key of the subaccount that holds the number, such as \
                    `vonage_subaccount.team.api_key`. Changing it moves the number back to the \
                    primary and then to the new subaccount.",
                ),
        )
        .attribute(
            Attribute::string("number")
                .required()
                .requires_replace()
                .description(
                    "\
                    The phone number in E.164 form, such as `447700900123`. A leading `+` is \
                    the same number (`+447700900123`), not a change.",
                ),
        )
        .attribute(
            Attribute::string("country")
                .required()
                .requires_replace()
                .description("The number's two-letter country code in upper case, such as `GB`."),
        )
        .attribute(
            Attribute::string("held_by")
                .computed()
                .moved_by(&[])
                .description(
                    "\
                    The API key of the account that holds the number, as last read: `api_key` \
                    once applied. When the number was moved outside Terraform it shows where it \
                    is, and the plan shows the move back.",
                ),
        );
        for a in Details::attributes() {
            block = block.attribute(a.moved_by(&[]));
        }
        Schema::new(0, block.block(timeouts_block()))
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::required_strings(&[
            (
                "api_key",
                "The API key of the subaccount that holds the number.",
            ),
            (
                "number",
                "The number's E.164 digits, such as `447700900123`.",
            ),
        ]))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        Some(object([
            ("api_key", Value::string(state.api_key.as_deref()?)),
            ("number", Value::string(&state.digits()?)),
        ]))
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = req.config;
        if config.api_key.as_deref().is_some_and(|k| k.contains('/')) {
            diags.push(
                Diagnostic::error(
                    "Invalid API key",
                    "`api_key` must be a subaccount's API key, such as `bbe6222f`.",
                )
                .at(AttrPath::attr("api_key")),
            );
        }
        for problem in
            number_and_country_problems(config.number.as_deref(), config.country.as_deref())
        {
            diags.push(problem);
        }
        diags
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        let mut planned = req.planned;
        if let Some(prior) = req.prior {
            // The same number in another form is no change.
            if prior.digits().is_some() && prior.digits() == req.config.digits() {
                planned.number = prior.number.clone();
            }
            // Moved outside Terraform: the update moves it back.
            if let Some(key) = &planned.api_key
                && planned.held_by.as_ref() != Some(key)
            {
                planned.held_by = Some(key.clone());
            }
            return Ok(planned);
        }
        let Some(data) = ctx.data else {
            return Ok(planned);
        };
        data.credentials_checked().await?;
        let client = data.client_for(&ctx.cancel);
        if let Some(key) = &planned.api_key {
            check_subaccount(data, &client, key).await?;
            planned.held_by = Some(key.clone());
        }
        let (Some(number), Some(country)) = (planned.digits(), planned.country.clone()) else {
            return Ok(planned);
        };
        if let Some(key) = &planned.api_key {
            planned.id = Some(format!("{key}/{number}"));
        }
        let likely: Vec<&str> = [Some(data.api_key.as_str()), planned.api_key.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let doing = format!("checking where number {number} is");
        let found = locate(data, &client, &number, &country, &likely)
            .await
            .map_err(|e| Diagnostics::from(diagnostic(data, &doing, &e)))?;
        match found {
            Location::At(holder, _) if holder == data.api_key => Ok(planned),
            Location::At(holder, _) if Some(&holder) == planned.api_key.as_ref() => {
                ctx.warnings.warn(Diagnostic::warning(
                    format!("Subaccount {holder} already holds number {number}"),
                    "\
                    Nothing will move: the create records the assignment as it is (an earlier \
                    run may have moved the number and lost the answer).",
                ));
                Ok(planned)
            }
            Location::At(holder, _) => Err(held_elsewhere(&number, &holder, data).into()),
            Location::Nowhere => Err(not_in_family(&number, &country, data).into()),
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: CreateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (key, number, country) = parts(&req.planned)?;
        let primary = data.api_key.as_str();
        let doing = format!("checking where number {number} is");
        let found = locate(data, &client, &number, &country, &[primary, &key])
            .await
            .map_err(|e| Diagnostics::from(diagnostic(data, &doing, &e)))?;
        let entry = match found {
            Location::At(holder, entry) if holder == key => entry,
            Location::At(holder, entry) if holder == primary => {
                move_number(data, &client, &holder, &key, &number, &country, &entry).await?;
                entry
            }
            Location::At(holder, _) => return Err(held_elsewhere(&number, &holder, data).into()),
            Location::Nowhere => return Err(not_in_family(&number, &country, data).into()),
        };
        Ok(req.planned.held(&key, &entry))
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        state: Model,
    ) -> Result<Option<Model>, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (Some(key), Some(number)) = (state.api_key.clone(), state.digits()) else {
            return Ok(None);
        };
        let importing = state.country.is_none();
        let likely: Vec<&str> = [state.held_by.as_deref(), Some(key.as_str())]
            .into_iter()
            .flatten()
            .collect();
        let mut found = Location::Nowhere;
        for country in countries(&state, data, &client, &key, &number).await? {
            let doing = format!("reading vonage_subaccount_number {key}/{number}");
            found = locate(data, &client, &number, &country, &likely)
                .await
                .map_err(|e| Diagnostics::from(numbers_diagnostic(data, &doing, &key, &e)))?;
            if found != Location::Nowhere {
                break;
            }
        }
        match found {
            Location::Nowhere => Ok(None),
            Location::At(holder, _) if importing && holder != key => Err(Diagnostic::error(
                format!("Subaccount {key} does not hold number {number}"),
                format!(
                    "\
                    Number {number} is held by account {holder}. Import the assignment that is \
                    in effect ({holder}/{number}, when {holder} is a subaccount), or leave the \
                    import out and let a create move the number from the primary."
                ),
            )
            .into()),
            Location::At(holder, entry) => Ok(Some(state.held(&holder, &entry))),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (key, number, country) = parts(&req.planned)?;
        // Where it is now, not where the (possibly stale) prior state says.
        let likely: Vec<&str> = [Some(key.as_str()), req.prior.held_by.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let doing = format!("updating vonage_subaccount_number {key}/{number}");
        let found = locate(data, &client, &number, &country, &likely)
            .await
            .map_err(|e| Diagnostics::from(numbers_diagnostic(data, &doing, &key, &e)))?;
        match found {
            Location::At(holder, _) if holder == key => {}
            Location::At(holder, entry) => {
                move_number(data, &client, &holder, &key, &number, &country, &entry).await?;
            }
            Location::Nowhere => return Err(not_in_family(&number, &country, data).into()),
        }
        Ok(Model {
            held_by: Some(key),
            ..req.planned
        })
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (Some(key), Some(number), Some(country)) =
            (state.api_key.clone(), state.digits(), state.country.clone())
        else {
            return Ok(());
        };
        let from = state.held_by.clone().unwrap_or(key);
        let primary = data.api_key.clone();
        if from == primary {
            return Ok(());
        }
        let request = NumberTransfer {
            from: from.clone(),
            to: primary.clone(),
            number: number.clone(),
            country,
        };
        let result = client.transfer_number(&request).await;
        data.numbers.changed(&from).await;
        data.numbers.changed(&primary).await;
        match result {
            Ok(_) | Err(Error::NotFound { .. }) | Err(Error::Api { status: 409, .. }) => Ok(()),
            Err(e) if is_banned(&e) => Err(suspended(&from, &number, "moved back").into()),
            Err(Error::InvalidTransfer { .. }) => {
                ctx.warnings.warn(Diagnostic::warning(
                    format!("Number {number} was left where it is"),
                    format!(
                        "\
                        Account {from} no longer holds number {number}, so destroy did not move \
                        it back to {primary}. Find it with the `vonage_numbers` data source."
                    ),
                ));
                Ok(())
            }
            Err(e) => Err(diagnostic(
                data,
                &format!(
                    "destroying vonage_subaccount_number (moving {number} from {from} back to \
                    {primary})"
                ),
                &e,
            )
            .into()),
        }
    }

    async fn import(&self, _ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        let parsed = id
            .split_once('/')
            .filter(|(key, _)| !key.is_empty() && !key.contains('/'))
            .and_then(|(key, number)| Some((key, normalized(number)?)));
        let Some((key, number)) = parsed else {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "\
                    Expected `API_KEY/NUMBER`: the subaccount's API key and the number's digits, \
                    such as `bbe6222f/447700900123`, but got `{id}`."
                ),
            )
            .into());
        };
        Ok(Model {
            id: Some(format!("{key}/{number}")),
            api_key: Some(key.to_owned()),
            number: Some(number),
            ..Model::default()
        })
    }
}

/// The subaccount key, digits and country of a planned assignment (known at apply).
fn parts(planned: &Model) -> Result<(String, String, String), Diagnostics> {
    match (&planned.api_key, planned.digits(), &planned.country) {
        (Some(k), Some(n), Some(c)) => Ok((k.clone(), n, c.clone())),
        _ => Err(Diagnostic::error(
            "Provider bug in vonage_subaccount_number: incomplete plan",
            "`api_key`, `number` and `country` must be known at apply. Please report this.",
        )
        .into()),
    }
}

/// The countries to look for the number under: the state's, or after an import (no country
/// yet) those of the numbers `key` holds with these digits.
async fn countries(
    state: &Model,
    data: &ProviderData,
    client: &Client,
    key: &str,
    number: &str,
) -> Result<Vec<String>, Diagnostics> {
    if let Some(c) = &state.country {
        return Ok(vec![c.clone()]);
    }
    let doing = format!("importing vonage_subaccount_number {key}/{number}");
    let held = (data.numbers.held_by(client, key).await)
        .map_err(|e| Diagnostics::from(numbers_diagnostic(data, &doing, key, &e)))?;
    let found: Vec<String> = held
        .iter()
        .filter(|n| n.number == number)
        .map(|n| n.country.clone())
        .collect();
    if found.is_empty() {
        return Err(Diagnostic::error(
            format!("Subaccount {key} does not hold number {number}"),
            format!(
                "\
                Number {number} is not among the numbers of {key}. Check the import ID \
                (`API_KEY/NUMBER`, the subaccount that holds the number), or let a create move \
                the number from the primary."
            ),
        )
        .into());
    }
    Ok(found)
}

/// The plan-time checks of the subaccount a number is assigned to.
async fn check_subaccount(
    data: &ProviderData,
    client: &Client,
    key: &str,
) -> Result<(), Diagnostics> {
    let family = (data.snapshots.subaccounts(client).await).map_err(|e| {
        Diagnostics::from(diagnostic(
            data,
            &format!("listing the subaccounts of account {}", data.api_key),
            &e,
        ))
    })?;
    let at = || AttrPath::attr("api_key");
    if key == family.primary.api_key {
        return Err(Diagnostic::error(
            "Numbers are assigned to subaccounts",
            format!(
                "\
                `api_key` is the primary account {key}, which holds unassigned numbers already. \
                Give the API key of one of its subaccounts."
            ),
        )
        .at(at())
        .into());
    }
    match family.subaccounts.iter().find(|s| s.api_key == key) {
        None => Err(Diagnostic::error(
            "Unknown subaccount",
            format!(
                "\
                `api_key` is {key}, which is not a subaccount of the provider's account {}. \
                Numbers move only within one primary's family.",
                data.api_key
            ),
        )
        .at(at())
        .into()),
        Some(s) if s.suspended => Err(suspended(key, "the number", "moved to it").at(at()).into()),
        Some(_) => Ok(()),
    }
}

/// Moves `number` from `from` to `to` (the client reconciles a lost answer), and keeps this
/// process's number lists exact.
async fn move_number(
    data: &ProviderData,
    client: &Client,
    from: &str,
    to: &str,
    number: &str,
    country: &str,
    entry: &OwnedNumber,
) -> Result<(), Diagnostics> {
    let request = NumberTransfer {
        from: from.to_owned(),
        to: to.to_owned(),
        number: number.to_owned(),
        country: country.to_owned(),
    };
    let result = client.transfer_number(&request).await;
    if result.is_ok() {
        data.numbers.moved(from, to, entry).await;
    } else {
        data.numbers.changed(from).await;
        data.numbers.changed(to).await;
    }
    match result {
        Ok(_) => Ok(()),
        // Already there: the move it asked for is done.
        Err(Error::Api { status: 409, .. }) => Ok(()),
        Err(e) if is_banned(&e) => Err(suspended(to, number, "moved").into()),
        Err(e) => Err(diagnostic(
            data,
            &format!("moving number {number} from {from} to {to}"),
            &e,
        )
        .into()),
    }
}

fn is_banned(e: &Error) -> bool {
    matches!(e, Error::InvalidTransfer { detail } if detail.contains("banned"))
}

fn suspended(account: &str, number: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Account {account} is suspended"),
        format!(
            "\
            Vonage refuses number transfers with a suspended account, so {number} cannot be \
            {what}. Reactivate it (`suspended = false` on its `vonage_subaccount`), apply, then \
            try again."
        ),
    )
}

fn held_elsewhere(number: &str, holder: &str, data: &ProviderData) -> Diagnostic {
    Diagnostic::error(
        format!("Number {number} is held by {holder}, not by the primary"),
        format!(
            "\
            A create moves the number from the primary account {}, but subaccount {holder} holds \
            it. To assign it where it is, import it (`{holder}/{number}`); to move it, use the \
            `vonage_number_transfer` action (or return it to the primary) first.",
            data.api_key
        ),
    )
    .at(AttrPath::attr("number"))
}

fn not_in_family(number: &str, country: &str, data: &ProviderData) -> Diagnostic {
    Diagnostic::error(
        format!("No account of the family holds number {number} ({country})"),
        format!(
            "\
            Neither the primary account {} nor any of its subaccounts holds {number} in \
            {country}: it may have been released, or the number or country is mistyped. Buy the \
            number for the primary (in the Vonage dashboard), or correct `number` and `country`.",
            data.api_key
        ),
    )
    .at(AttrPath::attr("number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(number: &str, country: &str, key: &str) -> Vec<String> {
        let config = Model {
            api_key: Some(key.into()),
            number: Some(number.into()),
            country: Some(country.into()),
            ..Model::default()
        };
        let unknown = |_: &str| false;
        SubaccountNumber
            .validate(ValidateRequest {
                config: &config,
                unknown: &unknown,
            })
            .iter()
            .map(|d| format!("{} @ {}", d.summary, d.path.as_ref().unwrap()))
            .collect()
    }

    #[test]
    fn configuration_is_checked_at_validate_time() {
        assert!(validate("+447700900123", "GB", "bbe6222f").is_empty());
        assert_eq!(
            validate("44 7700", "gb", "a/b"),
            [
                "Invalid API key @ api_key",
                "Invalid phone number @ number",
                "Invalid country code @ country"
            ]
        );
    }

    #[tokio::test]
    async fn import_ids_are_the_key_and_the_digits() {
        let ctx_private = crate::framework::private::PrivateState::default();
        let warnings = crate::framework::diagnostics::Warnings::default();
        let ctx = Ctx {
            data: None,
            cancel: Default::default(),
            private: &ctx_private,
            warnings: &warnings,
        };
        let m = SubaccountNumber
            .import(&ctx, "bbe6222f/+447700900123")
            .await
            .ok()
            .unwrap();
        assert_eq!(m.id.as_deref(), Some("bbe6222f/447700900123"));
        assert_eq!(m.number.as_deref(), Some("447700900123"));
        for bad in [
            "bbe6222f",
            "/447700900123",
            "bbe6222f/44x",
            "a/b/447700900123",
        ] {
            assert!(SubaccountNumber.import(&ctx, bad).await.is_err(), "{bad}");
        }
        let identity = SubaccountNumber
            .identity(&Model {
                api_key: Some("bbe6222f".into()),
                number: Some("+447700900123".into()),
                ..Model::default()
            })
            .unwrap();
        assert_eq!(identity.attr("number").as_str(), Some("447700900123"));
    }
}
