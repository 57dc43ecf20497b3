//! The Numbers API's list of an account's numbers (`GET /account/numbers` on the rest host,
//! docs/sandbox.md "Numbers"), read for the primary or for one of its subaccounts, and where a
//! number is: what a number transfer's reconciliation reads (`transfers.rs`).
//!
//! A subaccount's numbers are read with the subaccount's key and the client's own (primary's)
//! secret in the Basic header: the endpoint has no parameter that names another account, and a
//! primary acts for its subaccounts with its own secret (inferred; see docs/sandbox.md). Pages
//! are read 100 numbers at a time (the most the API gives) until the count is reached; Vonage
//! answers `{}` when nothing matches.
//!
//! Must not: send credentials anywhere but the `Authorization` header (never the query
//! parameters the API also documents), or read a page beyond the count.

use reqwest::Method;
use reqwest::header::HeaderValue;

use super::auth::basic_header;
use super::call::{Call, Host, decode};
use super::client::Client;
use super::config::invalid;
use super::errors::Error;
use crate::wire::numbers::{OwnedNumberBody, OwnedNumbersBody};

/// The most numbers one page holds, and so the page size this client asks for.
pub const NUMBERS_PAGE_SIZE: usize = 100;

/// A number an account holds, as the Numbers API shows it. Absent fields are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNumber {
    /// E.164 digits, without `+`.
    pub number: String,
    pub country: String,
    /// `landline`, `landline-toll-free` or `mobile-lvn`.
    pub number_type: Option<String>,
    /// `SMS`, `VOICE`, `MMS`.
    pub features: Vec<String>,
    pub app_id: Option<String>,
    pub mo_http_url: Option<String>,
    pub voice_callback_type: Option<String>,
    pub voice_callback_value: Option<String>,
    pub voice_status_callback: Option<String>,
    pub messages_callback_type: Option<String>,
    pub messages_callback_value: Option<String>,
}

impl From<OwnedNumberBody> for OwnedNumber {
    fn from(w: OwnedNumberBody) -> OwnedNumber {
        let present = |v: Option<String>| v.filter(|s| !s.is_empty());
        OwnedNumber {
            number: w.msisdn.trim_start_matches('+').to_string(),
            country: w.country.to_ascii_uppercase(),
            number_type: present(w.number_type),
            features: w.features.unwrap_or_default(),
            app_id: present(w.app_id),
            mo_http_url: present(w.mo_http_url),
            voice_callback_type: present(w.voice_callback_type),
            voice_callback_value: present(w.voice_callback_value),
            voice_status_callback: present(w.voice_status_callback),
            messages_callback_type: present(w.messages_callback_type),
            messages_callback_value: present(w.messages_callback_value),
        }
    }
}

/// How `pattern` matches a number (the API's `search_pattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPattern {
    StartsWith,
    Contains,
    EndsWith,
}

impl SearchPattern {
    fn code(self) -> &'static str {
        match self {
            SearchPattern::StartsWith => "0",
            SearchPattern::Contains => "1",
            SearchPattern::EndsWith => "2",
        }
    }
}

/// The filters of `GET /account/numbers`; the default lists every number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberFilter {
    /// Digits the number starts with, contains or ends with.
    pub pattern: Option<(String, SearchPattern)>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// Only numbers linked to this application.
    pub application_id: Option<String>,
    /// Only numbers linked (`true`) or not linked (`false`) to an application.
    pub has_application: Option<bool>,
}

impl NumberFilter {
    fn query(&self, index: usize) -> Vec<(String, String)> {
        let mut query = vec![
            ("size".to_string(), NUMBERS_PAGE_SIZE.to_string()),
            ("index".to_string(), index.to_string()),
        ];
        if let Some((pattern, how)) = &self.pattern {
            query.push(("pattern".into(), pattern.clone()));
            query.push(("search_pattern".into(), how.code().into()));
        }
        if let Some(country) = &self.country {
            query.push(("country".into(), country.clone()));
        }
        if let Some(app) = &self.application_id {
            query.push(("application_id".into(), app.clone()));
        }
        if let Some(has) = self.has_application {
            query.push(("has_application".into(), has.to_string()));
        }
        query
    }
}

impl Client {
    /// The Basic header for a call about `holder`'s numbers: none (the client's own) for the
    /// client's account, else the holder's key with the client's secret.
    fn holder_authorization(&self, holder: &str) -> Result<Option<HeaderValue>, Error> {
        if holder == self.api_key() {
            return Ok(None);
        }
        if holder.is_empty() || holder.contains(':') {
            return Err(invalid(format!("'{holder}' is not an API key")));
        }
        basic_header(holder, &self.shared.api_secret)
            .map(Some)
            .ok_or_else(|| invalid(format!("'{holder}' cannot be sent as an API key")))
    }

    /// Every number `holder` (the client's account or one of its subaccounts) holds that
    /// matches `filter`: `GET /account/numbers`, one call per 100 numbers.
    pub async fn list_numbers(
        &self,
        holder: &str,
        filter: &NumberFilter,
    ) -> Result<Vec<OwnedNumber>, Error> {
        let authorization = self.holder_authorization(holder)?;
        let ctx = self.context(holder, format!("the numbers of account '{holder}'"), &[]);
        let mut numbers = Vec::new();
        for index in 1.. {
            let mut call = Call::new(
                Method::GET,
                Host::Rest,
                &["account", "numbers"],
                format!("list the numbers of account '{holder}' (page {index})"),
            )
            .with_query(filter.query(index));
            if let Some(value) = &authorization {
                call = call.with_authorization(value.clone());
            }
            let raw = self.idempotent(&call, &ctx).await?;
            let page: OwnedNumbersBody = decode(&raw, &call.operation)?;
            let count = page.count.unwrap_or(0) as usize;
            let items = page.numbers.unwrap_or_default();
            let full = items.len() >= NUMBERS_PAGE_SIZE;
            numbers.extend(items.into_iter().map(OwnedNumber::from));
            if !full || numbers.len() >= count {
                break;
            }
        }
        Ok(numbers)
    }

    /// `number` (E.164 digits) of `country` if `holder` holds it: one filtered call.
    pub async fn find_number(
        &self,
        holder: &str,
        number: &str,
        country: &str,
    ) -> Result<Option<OwnedNumber>, Error> {
        let filter = NumberFilter {
            pattern: Some((number.to_string(), SearchPattern::StartsWith)),
            country: Some(country.to_string()),
            ..NumberFilter::default()
        };
        let found = self.list_numbers(holder, &filter).await?;
        Ok(found
            .into_iter()
            .find(|n| n.number == number && n.country.eq_ignore_ascii_case(country)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_asked_100_at_a_time_with_the_filters() {
        let filter = NumberFilter {
            pattern: Some(("4477".into(), SearchPattern::EndsWith)),
            country: Some("GB".into()),
            application_id: None,
            has_application: Some(false),
        };
        let query: Vec<String> = filter
            .query(3)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            query,
            [
                "size=100",
                "index=3",
                "pattern=4477",
                "search_pattern=2",
                "country=GB",
                "has_application=false"
            ]
        );
    }

    #[test]
    fn a_number_is_read_in_one_form() {
        let body: OwnedNumbersBody = serde_json::from_str(
            r#"{"count":1,"numbers":[{"country":"gb","msisdn":"447700900000","type":"mobile-lvn",
            "features":["VOICE","SMS"],"voiceCallbackType":"app","voiceCallbackValue":"x",
            "app_id":"x","moHttpUrl":""}]}"#,
        )
        .unwrap();
        let n = OwnedNumber::from(body.numbers.unwrap().remove(0));
        assert_eq!(
            (n.number.as_str(), n.country.as_str()),
            ("447700900000", "GB")
        );
        assert_eq!(n.mo_http_url, None, "an empty URL is none");
        assert_eq!(n.app_id.as_deref(), Some("x"));
        let nothing: OwnedNumbersBody = serde_json::from_str("{}").unwrap();
        assert_eq!(nothing, OwnedNumbersBody::default());
    }
}
