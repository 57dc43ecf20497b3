//! Phone numbers across the account family, as `vonage_subaccount_number`, the
//! `vonage_number_transfer` action, the `vonage_numbers` data source and the
//! `list "vonage_subaccount_number"` resource share them.
//!
//! Owns:
//! - the number's forms: [`normalized`] (E.164 digits, as Vonage writes them: a leading `+` in
//!   configuration is the same number) and the country code's;
//! - (in `number_snapshots`, below `ProviderData`) each account's numbers, read once per provider
//!   process; they set the call budget: refreshing N assignments reads each holding account's
//!   list once;
//! - [`locate`]: where a number is now, from those lists, then, only when it is not where it
//!   was, one filtered read per account of the family;
//! - [`Details`]: what the Numbers API shows of a number (type, features, linked application,
//!   callbacks), as attributes and values;
//! - [`numbers_diagnostic`]: a failed read of an account's numbers, which for a subaccount is
//!   made with the primary's secret (inferred; docs/sandbox.md), said so when Vonage refuses it.
//!
//! Must not: move a number (the resource and the action do, through the client's reconciled
//! transfer), or serve a read from anything older than this process.

use serde::{Deserialize, Serialize};

use crate::framework::cty::Type;
use crate::framework::diagnostics::{AttrPath, Diagnostic};
use crate::framework::schema::Attribute;
use crate::vonage::{Client, Error, OwnedNumber};

use super::ProviderData;
use super::api_errors::diagnostic;

/// The most digits an E.164 number has.
const MAX_DIGITS: usize = 15;

/// `number` as Vonage writes it: digits only, without the leading `+` a configuration may
/// give. `None` when it is not a phone number.
pub fn normalized(number: &str) -> Option<String> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    let ok = !digits.is_empty()
        && digits.len() <= MAX_DIGITS
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then(|| digits.to_string())
}

/// Whether `country` is a two-letter upper-case code, as Vonage writes them.
pub fn valid_country(country: &str) -> bool {
    country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase())
}

/// The diagnostic for a `number` argument that is not a phone number, at `path`.
pub fn invalid_number(path: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid phone number",
        format!(
            "\
            `{path}` must be a phone number in E.164 form, digits only with an optional leading \
            `+`, at most {MAX_DIGITS} digits, such as `447700900123`."
        ),
    )
    .at(AttrPath::attr(path))
}

/// The diagnostic for a `country` argument that is not a country code, at `path`.
pub fn invalid_country(path: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid country code",
        format!(
            "\
            `{path}` must be the number's two-letter ISO 3166-1 country code in upper case, such \
            as `GB`."
        ),
    )
    .at(AttrPath::attr(path))
}

/// What is wrong with the `number` and `country` arguments (the values known so far), each at
/// its attribute: shared by every kind that names one number.
pub fn number_and_country_problems(number: Option<&str>, country: Option<&str>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if number.is_some_and(|n| normalized(n).is_none()) {
        found.push(invalid_number("number"));
    }
    if country.is_some_and(|c| !valid_country(c)) {
        found.push(invalid_country("country"));
    }
    found
}

/// Where a number is now.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// Held by this account, as the Numbers API shows it there.
    At(String, Box<OwnedNumber>),
    /// In no account of the family: released, or never held.
    Nowhere,
}

/// Where `number` of `country` is now: first in the lists of `likely` (the accounts it should
/// be at, read through the snapshots), then, one filtered read per account, at the primary and
/// each of its subaccounts. The family search costs calls only when the number is not where it
/// was.
pub async fn locate(
    data: &ProviderData,
    client: &Client,
    number: &str,
    country: &str,
    likely: &[&str],
) -> Result<Location, Error> {
    let mut searched: Vec<String> = Vec::new();
    for holder in likely {
        if searched.iter().any(|s| s == holder) {
            continue;
        }
        searched.push(holder.to_string());
        let held = data.numbers.held_by(client, holder).await?;
        if let Some(n) = held
            .iter()
            .find(|n| n.number == number && n.country == country)
        {
            return Ok(Location::At(holder.to_string(), Box::new(n.clone())));
        }
    }
    let family = data.snapshots.subaccounts(client).await?;
    let others = std::iter::once(family.primary.api_key.as_str())
        .chain(family.subaccounts.iter().map(|s| s.api_key.as_str()))
        .filter(|k| !searched.iter().any(|s| s == k))
        .collect::<Vec<_>>();
    for holder in others {
        if let Some(n) = client.find_number(holder, number, country).await? {
            return Ok(Location::At(holder.to_string(), Box::new(n)));
        }
    }
    Ok(Location::Nowhere)
}

/// The diagnostic for a failed read of `holder`'s numbers, while `doing`. A subaccount's numbers
/// are read with its key and the primary's secret; a 401 there is that read refused.
pub fn numbers_diagnostic(
    data: &ProviderData,
    doing: &str,
    holder: &str,
    err: &Error,
) -> Diagnostic {
    if matches!(err, Error::Unauthorized { .. }) && holder != data.api_key {
        return Diagnostic::error(
            format!("Vonage refused to list the numbers of subaccount {holder}"),
            format!(
                "\
                While {doing}, the provider read subaccount {holder}'s numbers \
                (`GET /account/numbers`) with the subaccount's API key and the primary account's \
                secret, as a primary acts for its subaccounts, and Vonage answered 401. Check that \
                {holder} is a subaccount of {} and that the provider's api_secret is current; if \
                Vonage does not let this primary read its subaccounts' numbers, contact Vonage \
                support.",
                data.api_key
            ),
        );
    }
    diagnostic(data, doing, err)
}

/// What the Numbers API shows of a number beyond its digits and country: one value each, null
/// when the API leaves it out.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Details {
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

impl Details {
    pub fn of(n: &OwnedNumber) -> Details {
        Details {
            number_type: n.number_type.clone(),
            features: Some(n.features.clone()),
            app_id: n.app_id.clone(),
            mo_http_url: n.mo_http_url.clone(),
            voice_callback_type: n.voice_callback_type.clone(),
            voice_callback_value: n.voice_callback_value.clone(),
            voice_status_callback: n.voice_status_callback.clone(),
            messages_callback_type: n.messages_callback_type.clone(),
            messages_callback_value: n.messages_callback_value.clone(),
        }
    }

    /// The attributes, computed, in the order [`Details`] holds them.
    pub fn attributes() -> Vec<Attribute> {
        let text = |name: &str, what: &str| Attribute::string(name).computed().description(what);
        vec![
            text(
                "type",
                "The number's type, as Vonage shows it: `mobile-lvn`, `landline` or \
                `landline-toll-free`.",
            ),
            Attribute::of_type("features", Type::List(Box::new(Type::String)))
                .computed()
                .description("What the number can do: `SMS`, `VOICE`, `MMS`."),
            text(
                "app_id",
                "The Vonage application the number is linked to; null when none.",
            ),
            text(
                "mo_http_url",
                "The number's own inbound-SMS webhook (`moHttpUrl`); null when it uses the \
                account's default.",
            ),
            text(
                "voice_callback_type",
                "How inbound calls are routed: `app`, `sip` or `tel`; null when not set.",
            ),
            text(
                "voice_callback_value",
                "The application ID, SIP URI or phone number inbound calls go to.",
            ),
            text(
                "voice_status_callback",
                "The webhook Vonage calls when a call to the number ends.",
            ),
            text(
                "messages_callback_type",
                "The Messages webhook type (always `app`; deprecated by Vonage for `app_id`).",
            ),
            text(
                "messages_callback_value",
                "The Messages application ID (deprecated by Vonage for `app_id`).",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_plus_is_the_same_number_and_nothing_else_is_a_number() {
        assert_eq!(normalized("+447700900123").as_deref(), Some("447700900123"));
        assert_eq!(normalized("447700900123").as_deref(), Some("447700900123"));
        for bad in ["", "+", "++44", "44 7700", "4477009001234567", "abc", "+-1"] {
            assert_eq!(normalized(bad), None, "{bad}");
        }
        assert!(valid_country("GB") && !valid_country("gb") && !valid_country("GBR"));
    }

    #[test]
    fn details_attributes_match_the_details_fields() {
        let names: Vec<String> = Details::attributes().into_iter().map(|a| a.name).collect();
        let value = serde_json::to_value(Details::default()).unwrap();
        let fields: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(names.len(), fields.len());
        for name in &names {
            assert!(fields.contains(&name), "{name}");
        }
    }
}
