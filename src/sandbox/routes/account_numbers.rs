//! The Numbers API's list of an account's numbers: `GET /account/numbers` on the rest host.
//!
//! Rules (docs/sandbox.md, "Numbers", says where each comes from):
//! * credentials as on every rest-host route (Basic, or `api_key`/`api_secret` in the query,
//!   which the Node SDK sends), plus a subaccount's key with its primary's secret
//!   (`auth::authenticate_holder`); a refusal is the legacy 401 `authentication failed`;
//! * the numbers the credentials' account holds, in the order it came to hold them, filtered by
//!   `pattern` with `search_pattern` (0 starts with, the default; 1 contains; 2 ends with),
//!   `country`, `application_id` and `has_application`, then paged by `index` (from 1, default
//!   1) and `size` (1 to 100, default 10);
//! * `{"count": N, "numbers": [...]}` with N the matches on every page, and `{}` when nothing
//!   matches; a parameter outside the spec's schema is a legacy 400 naming it.
//!
//! Must not: share code with the client beyond `crate::wire`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;

use crate::sandbox::auth::{self};
use crate::sandbox::body::{param, rest_params};
use crate::sandbox::problem::{self, ApiError};
use crate::sandbox::state::SandboxState;
use crate::sandbox::world::NumberRecord;
use crate::wire::numbers::{OwnedNumberBody, OwnedNumbersBody};

/// The most numbers one page holds (the spec's `size` maximum).
pub const MAX_PAGE_SIZE: usize = 100;
/// The page size when none is asked for (the spec's default).
pub const DEFAULT_PAGE_SIZE: usize = 10;

/// Which numbers a request asks for, and which page of them.
#[derive(Debug, PartialEq)]
pub struct Query {
    pub index: usize,
    pub size: usize,
    pub pattern: Option<(String, u8)>,
    pub country: Option<String>,
    pub application_id: Option<String>,
    pub has_application: Option<bool>,
}

impl Query {
    /// The query's parameters, or the one that is outside the spec's schema.
    pub fn parse(params: &[(String, String)]) -> Result<Query, ApiError> {
        let bad = |name: &str, what: &str| {
            problem::legacy_bad_parameter(&format!("invalid parameter {name}: {what}"))
        };
        let whole = |name: &str, min: usize, max: usize, default: usize| match param(params, name) {
            None => Ok(default),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(bad(name, &format!("a whole number from {min} to {max}"))),
            },
        };
        let index = whole("index", 1, usize::MAX, 1)?;
        let size = whole("size", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)?;
        let search_pattern = match param(params, "search_pattern") {
            None => 0,
            Some(text) => match text.parse::<u8>() {
                Ok(n @ 0..=2) => n,
                _ => return Err(bad("search_pattern", "0, 1 or 2")),
            },
        };
        let pattern = param(params, "pattern")
            .filter(|p| !p.is_empty())
            .map(|p| (p.trim_start_matches('+').to_string(), search_pattern));
        let country = match param(params, "country") {
            None => None,
            Some(c) if c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(c.to_ascii_uppercase())
            }
            Some(_) => return Err(bad("country", "a two-letter country code")),
        };
        // Python's requests writes a bool as `True`/`False`.
        let has_application = match param(params, "has_application") {
            None => None,
            Some(text) if text.eq_ignore_ascii_case("true") => Some(true),
            Some(text) if text.eq_ignore_ascii_case("false") => Some(false),
            Some(_) => return Err(bad("has_application", "true or false")),
        };
        Ok(Query {
            index,
            size,
            pattern,
            country,
            application_id: param(params, "application_id")
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            has_application,
        })
    }

    /// Whether `number` passes the filters.
    pub fn matches(&self, number: &NumberRecord) -> bool {
        let pattern = self.pattern.as_ref().is_none_or(|(p, how)| match how {
            0 => number.number.starts_with(p.as_str()),
            1 => number.number.contains(p.as_str()),
            _ => number.number.ends_with(p.as_str()),
        });
        pattern
            && self.country.as_ref().is_none_or(|c| &number.country == c)
            && (self.application_id.as_ref()).is_none_or(|a| number.app_id.as_ref() == Some(a))
            && (self.has_application).is_none_or(|has| number.app_id.is_some() == has)
    }

    /// The answer for the numbers `holder` holds: the page asked for, and the count of matches.
    pub fn answer<'a>(&self, held: impl Iterator<Item = &'a NumberRecord>) -> OwnedNumbersBody {
        let matching: Vec<&NumberRecord> = held.filter(|n| self.matches(n)).collect();
        if matching.is_empty() {
            return OwnedNumbersBody::default();
        }
        let start = (self.index - 1).saturating_mul(self.size);
        OwnedNumbersBody {
            count: Some(matching.len() as u64),
            numbers: Some(
                matching
                    .iter()
                    .skip(start)
                    .take(self.size)
                    .map(|n| shown(n))
                    .collect(),
            ),
        }
    }
}

/// A number as the Numbers API shows it.
pub fn shown(n: &NumberRecord) -> OwnedNumberBody {
    OwnedNumberBody {
        country: n.country.clone(),
        msisdn: n.number.clone(),
        number_type: Some(n.number_type.clone()),
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

pub async fn list(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<OwnedNumbersBody>, ApiError> {
    let params = rest_params(false, &headers, query.as_deref(), b"")?;
    let caller = auth::authenticate_holder(&state, auth::rest_credentials(&headers, &params))?;
    let query = Query::parse(&params)?;
    Ok(Json(state.read(|world| {
        query.answer(world.numbers.iter().filter(|n| n.owner == caller.api_key))
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_follow_the_spec_and_bad_values_are_refused() {
        let q = Query::parse(&[]).unwrap();
        assert_eq!((q.index, q.size, q.pattern), (1, 10, None));
        let q = Query::parse(&params(&[
            ("pattern", "+4477"),
            ("has_application", "True"),
            ("country", "gb"),
        ]))
        .unwrap();
        assert_eq!(q.pattern, Some(("4477".to_string(), 0)));
        assert_eq!(q.has_application, Some(true));
        assert_eq!(q.country.as_deref(), Some("GB"));
        for bad in [
            ("size", "0"),
            ("size", "101"),
            ("index", "0"),
            ("index", "x"),
            ("search_pattern", "3"),
            ("country", "GBR"),
            ("has_application", "yes"),
        ] {
            let refused = Query::parse(&params(&[bad])).unwrap_err();
            assert_eq!(refused.status.as_u16(), 400, "{bad:?}");
        }
    }

    #[test]
    fn filters_then_pages_and_nothing_is_an_empty_object() {
        let mut linked = NumberRecord::new("447700900003", "GB", "k");
        linked.app_id = Some("app-1".into());
        let held = [
            NumberRecord::new("447700900001", "GB", "k"),
            NumberRecord::new("14155550100", "US", "k"),
            linked,
        ];
        let ask = |pairs: &[(&str, &str)]| {
            let body = Query::parse(&params(pairs)).unwrap().answer(held.iter());
            let numbers: Vec<String> = body
                .numbers
                .unwrap_or_default()
                .into_iter()
                .map(|n| n.msisdn)
                .collect();
            (body.count, numbers)
        };
        assert_eq!(ask(&[]).0, Some(3));
        assert_eq!(
            ask(&[("size", "2"), ("index", "2")]),
            (Some(3), vec!["447700900003".to_string()])
        );
        assert_eq!(ask(&[("size", "2"), ("index", "3")]), (Some(3), vec![]));
        assert_eq!(ask(&[("pattern", "4477")]).0, Some(2));
        assert_eq!(
            ask(&[("pattern", "0100"), ("search_pattern", "2")]).0,
            Some(1)
        );
        assert_eq!(
            ask(&[("pattern", "5555"), ("search_pattern", "1")]).0,
            Some(1)
        );
        assert_eq!(
            ask(&[("pattern", "5555")]).0,
            None,
            "starts with, by default"
        );
        assert_eq!(ask(&[("country", "US")]).0, Some(1));
        assert_eq!(ask(&[("has_application", "true")]).0, Some(1));
        assert_eq!(ask(&[("has_application", "false")]).0, Some(2));
        assert_eq!(ask(&[("application_id", "app-1")]).0, Some(1));
        let nothing = Query::parse(&params(&[("country", "FR")]))
            .unwrap()
            .answer(held.iter());
        assert_eq!(serde_json::to_string(&nothing).unwrap(), "{}");
    }
}
