//! Numbers given to the sandbox by hand: what `POST /_sandbox/accounts/{key}/numbers` and
//! `--number` accept, checked and turned into a [`NumberRecord`].
//!
//! There is no API to buy a number here (the Numbers API's `/number/buy` is not emulated), so
//! these two are how a number comes to exist. A seed names the number and its country, and
//! may give what the Numbers API shows of it (`GET /account/numbers`): its type, features, the
//! application it is linked to and its callbacks. Left out, a number is a `mobile-lvn` with
//! `VOICE` and `SMS` and nothing linked (Vonage's own example).
//!
//! Owns: the JSON seed ([`NumberSeed`]), the command line's `NUMBER:COUNTRY[:TYPE[:FEATURES]]`
//! ([`parse_flag`]), and the values a type and a feature may take (the Numbers API spec).
//! Must not: touch the world (the admin API and `state` store what this returns).

use serde::Deserialize;
use serde_json::Value;

use super::rules;
use super::world::{NumberRecord, default_features, default_number_type};

/// The number types the Numbers API documents.
pub const NUMBER_TYPES: [&str; 3] = ["landline", "landline-toll-free", "mobile-lvn"];

/// The features the Numbers API documents.
pub const FEATURES: [&str; 3] = ["SMS", "VOICE", "MMS"];

/// The voice callback types the Numbers API documents.
pub const VOICE_CALLBACK_TYPES: [&str; 3] = ["sip", "tel", "app"];

/// A number as the admin API takes it. `number` and `country` are required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberSeed {
    pub number: Value,
    pub country: Value,
    #[serde(rename = "type")]
    pub number_type: Option<String>,
    pub features: Option<Vec<String>>,
    pub app_id: Option<String>,
    pub mo_http_url: Option<String>,
    pub voice_callback_type: Option<String>,
    pub voice_callback_value: Option<String>,
    pub voice_status_callback: Option<String>,
    pub messages_callback_value: Option<String>,
}

impl NumberSeed {
    /// The record of this number held by `owner`, or why the seed is not one.
    pub fn record(self, owner: &str) -> Result<NumberRecord, String> {
        let number = rules::normalize_number(&self.number)
            .ok_or("\"number\" must be digits (E.164, a leading + is dropped)")?;
        let country = rules::country_code(&self.country)
            .ok_or("\"country\" must be a two-letter code, such as \"GB\"")?;
        let number_type = checked_type(self.number_type)?;
        let features = checked_features(self.features)?;
        match (&self.voice_callback_type, &self.voice_callback_value) {
            (Some(t), Some(_)) if VOICE_CALLBACK_TYPES.contains(&t.as_str()) => {}
            (None, None) => {}
            (Some(t), Some(_)) => {
                return Err(format!(
                    "\"voice_callback_type\" must be one of {}, not {t:?}",
                    VOICE_CALLBACK_TYPES.join(", ")
                ));
            }
            _ => {
                return Err(
                    "\"voice_callback_type\" and \"voice_callback_value\" go together".to_string(),
                );
            }
        }
        let messages_callback_type = self.messages_callback_value.as_ref().map(|_| "app".into());
        Ok(NumberRecord {
            number_type,
            features,
            app_id: self.app_id.filter(|a| !a.is_empty()),
            mo_http_url: self.mo_http_url.filter(|u| !u.is_empty()),
            voice_callback_type: self.voice_callback_type,
            voice_callback_value: self.voice_callback_value,
            voice_status_callback: self.voice_status_callback.filter(|u| !u.is_empty()),
            messages_callback_type,
            messages_callback_value: self.messages_callback_value,
            ..NumberRecord::new(&number, &country, owner)
        })
    }
}

fn checked_type(given: Option<String>) -> Result<String, String> {
    match given {
        None => Ok(default_number_type()),
        Some(t) if NUMBER_TYPES.contains(&t.as_str()) => Ok(t),
        Some(t) => Err(format!(
            "\"type\" must be one of {}, not {t:?}",
            NUMBER_TYPES.join(", ")
        )),
    }
}

fn checked_features(given: Option<Vec<String>>) -> Result<Vec<String>, String> {
    let Some(features) = given else {
        return Ok(default_features());
    };
    if features.is_empty() {
        return Err("\"features\" must name at least one of SMS, VOICE, MMS".to_string());
    }
    let mut seen = Vec::new();
    for f in features {
        let upper = f.to_ascii_uppercase();
        if !FEATURES.contains(&upper.as_str()) {
            return Err(format!(
                "\"features\" may hold {}, not {f:?}",
                FEATURES.join(", ")
            ));
        }
        if !seen.contains(&upper) {
            seen.push(upper);
        }
    }
    Ok(seen)
}

/// `--number NUMBER:COUNTRY[:TYPE[:FEATURES]]` (features comma-separated), held by `owner`:
/// `447700900123:GB`, `14155550100:US:landline:VOICE`.
pub fn parse_flag(text: &str, owner: &str) -> Result<NumberRecord, String> {
    let mut parts = text.split(':');
    let (Some(number), Some(country)) = (parts.next(), parts.next()) else {
        return Err(format!(
            "--number {text:?}: expected NUMBER:COUNTRY[:TYPE[:FEATURES]], such as 447700900123:GB"
        ));
    };
    let number_type = parts.next().map(str::to_string);
    let features = parts
        .next()
        .map(|f| f.split(',').map(str::to_string).collect::<Vec<_>>());
    if parts.next().is_some() {
        return Err(format!(
            "--number {text:?}: expected NUMBER:COUNTRY[:TYPE[:FEATURES]], with at most four parts"
        ));
    }
    let seed = NumberSeed {
        number: Value::String(number.to_string()),
        country: Value::String(country.to_string()),
        number_type,
        features,
        app_id: None,
        mo_http_url: None,
        voice_callback_type: None,
        voice_callback_value: None,
        voice_status_callback: None,
        messages_callback_value: None,
    };
    seed.record(owner)
        .map_err(|why| format!("--number {text:?}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_give_number_country_and_optionally_type_and_features() {
        let plain = parse_flag("+447700900123:gb", "abcd1234").unwrap();
        assert_eq!(
            plain,
            NumberRecord::new("447700900123", "GB", "abcd1234"),
            "a leading + dropped, the country upper-cased, the defaults"
        );
        let landline = parse_flag("14155550100:US:landline:voice,VOICE", "k").unwrap();
        assert_eq!(landline.number_type, "landline");
        assert_eq!(landline.features, ["VOICE"]);
        for bad in [
            "447700900123",
            "44770090012x:GB",
            "447700900123:GBR",
            "447700900123:GB:fax",
            "447700900123:GB:landline:FAX",
            "447700900123:GB:landline:SMS:extra",
        ] {
            assert!(parse_flag(bad, "k").is_err(), "{bad}");
        }
    }

    #[test]
    fn json_seeds_check_what_the_numbers_api_shows() {
        let seed = |v: Value| serde_json::from_value::<NumberSeed>(v).unwrap().record("k");
        let linked = seed(serde_json::json!({
            "number": "447700900123", "country": "GB", "app_id": "aaaaaaaa-bbbb",
            "voice_callback_type": "app", "voice_callback_value": "aaaaaaaa-bbbb",
            "messages_callback_value": "aaaaaaaa-bbbb", "features": ["SMS"],
        }))
        .unwrap();
        assert_eq!(linked.app_id.as_deref(), Some("aaaaaaaa-bbbb"));
        assert_eq!(linked.messages_callback_type.as_deref(), Some("app"));
        assert_eq!(linked.features, ["SMS"]);
        assert!(
            seed(serde_json::json!({"number": "1", "country": "GB", "voice_callback_type": "sip"}))
                .is_err()
        );
        assert!(seed(serde_json::json!({"number": "1", "country": "GB", "features": []})).is_err());
    }
}
