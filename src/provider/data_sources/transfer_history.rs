//! `data "vonage_balance_transfers"` and `data "vonage_credit_transfers"`: the transfer history
//! of the provider's account family, between two dates, optionally for one subaccount.
//!
//! API: `GET /accounts/{primary}/balance-transfers` and `/credit-transfers`, with `start_date`
//! (required), `end_date` and `subaccount`. The API takes whole seconds; the dates given here
//! may be finer, so the query is widened to whole seconds and the answer filtered to the exact
//! range. The list is sorted here, newest first (ties by id), whatever order the answer had.
//!
//! Must not: change the account.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::framework::cty::Number;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, ValidateRequest};
use crate::framework::schema::{Attribute, Block, Nesting, Schema};
use crate::vonage::{Transfer, TransferQuery};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::transfers::TransferKind;

/// The history of one kind of transfer.
pub struct Transfers {
    kind: TransferKind,
}

impl Transfers {
    pub fn balance() -> Transfers {
        Transfers {
            kind: TransferKind::Balance,
        }
    }
    pub fn credit() -> Transfers {
        Transfers {
            kind: TransferKind::Credit,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub subaccount: Option<String>,
    pub transfers: Option<Vec<Entry>>,
}

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub from: String,
    pub to: String,
    pub amount: Number,
    pub reference: Option<String>,
    pub created_at: String,
}

fn parse_date(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// `t` rounded up to a whole second (the API's end dates have no fractions).
fn ceil_to_second(t: OffsetDateTime) -> OffsetDateTime {
    let whole = t.replace_nanosecond(0).unwrap_or(t);
    if whole == t {
        t
    } else {
        whole + time::Duration::SECOND
    }
}

/// Newest first; transfers of the same instant by id, so the order never depends on the
/// answer's.
fn newest_first(transfers: &mut [(OffsetDateTime, Transfer)]) {
    transfers.sort_by(|(ta, a), (tb, b)| tb.cmp(ta).then_with(|| a.id.cmp(&b.id)));
}

#[async_trait]
impl DataSource<ProviderData> for Transfers {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        match self.kind {
            TransferKind::Balance => "vonage_balance_transfers",
            TransferKind::Credit => "vonage_credit_transfers",
        }
    }

    fn schema(&self) -> Schema {
        let kind = self.kind.word();
        let c = |a: Attribute, d: &str| a.computed().description(d);
        let what = match self.kind {
            TransferKind::Balance => "money moved",
            TransferKind::Credit => "credit allocated or returned",
        };
        Schema::new(
            0,
            Block::new(&format!(
                "\
                The {kind} transfers ({what}) between the provider's account (the primary) and \
                its subaccounts, created between `start_date` and `end_date`, newest first. Both \
                dates are RFC 3339 timestamps such as `2026-01-31T00:00:00Z`, checked at plan \
                time."
            ))
            .attribute(Attribute::string("start_date").required().description(
                "\
                The earliest creation time to include, RFC 3339 (for example \
                `2026-01-01T00:00:00Z`).",
            ))
            .attribute(Attribute::string("end_date").optional().description(
                "\
                The latest creation time to include, RFC 3339, no earlier than `start_date`. \
                Left out, every transfer up to now is included.",
            ))
            .attribute(Attribute::string("subaccount").optional().description(
                "Only the transfers to or from this subaccount's API key. Left out, all of them.",
            ))
            .attribute(
                Attribute::nested(
                    "transfers",
                    Nesting::List,
                    vec![
                        c(Attribute::string("id"), "The transfer's id (a UUID)."),
                        c(Attribute::string("from"), "The API key it came from."),
                        c(Attribute::string("to"), "The API key it went to."),
                        c(Attribute::number("amount"), "The amount in EUR."),
                        c(
                            Attribute::string("reference"),
                            "The reference it was made with; null when it had none.",
                        ),
                        c(
                            Attribute::string("created_at"),
                            "When it was made (RFC 3339, UTC).",
                        ),
                    ],
                )
                .computed()
                .description(&format!(
                    "\
                    The {kind} transfers, newest first (transfers made in the same second by \
                    id), whatever order Vonage answers in."
                )),
            ),
        )
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let mut date = |name: &str, value: &Option<String>| {
            let text = value.as_deref()?;
            let parsed = parse_date(text);
            if parsed.is_none() {
                diags.push(
                    Diagnostic::error(
                        "Invalid date",
                        format!(
                            "\
                            `{name}` must be an RFC 3339 timestamp with a time zone, such as \
                            `2026-01-31T00:00:00Z` or `2026-01-31T01:00:00+01:00`."
                        ),
                    )
                    .at(AttrPath::attr(name)),
                );
            }
            parsed
        };
        let start = date("start_date", &req.config.start_date);
        let end = date("end_date", &req.config.end_date);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            diags.push(
                Diagnostic::error(
                    "End date before start date",
                    "`end_date` must not be earlier than `start_date`.",
                )
                .at(AttrPath::attr("end_date")),
            );
        }
        diags
    }

    async fn read(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        // Validated at plan time, so these parse; if not, say why as the plan would have.
        let start = config.start_date.as_deref().and_then(parse_date);
        let end = match config.end_date.as_deref() {
            None => Some(None),
            Some(text) => parse_date(text).map(Some),
        };
        let (Some(start), Some(end)) = (start, end) else {
            return Err(self.validate_again(&config));
        };
        let query = TransferQuery {
            start_date: start.replace_nanosecond(0).unwrap_or(start),
            end_date: end.map(ceil_to_second),
            subaccounts: config.subaccount.iter().cloned().collect(),
        };
        let client = data.client_for(&ctx.cancel);
        let listed = self.kind.list(&client, &query).await.map_err(|e| {
            diagnostic(
                data,
                &format!(
                    "listing the {} transfers of account {}",
                    self.kind.word(),
                    data.api_key
                ),
                &e,
            )
        })?;
        let mut dated: Vec<(OffsetDateTime, Transfer)> = listed
            .into_iter()
            .filter_map(|t| Some((parse_date(&t.created_at)?, t)))
            .filter(|(at, _)| *at >= start && end.is_none_or(|end| *at <= end))
            .collect();
        newest_first(&mut dated);
        Ok(Model {
            transfers: Some(
                dated
                    .into_iter()
                    .map(|(_, t)| Entry {
                        amount: Number::from(&t.amount),
                        id: t.id,
                        from: t.from,
                        to: t.to,
                        reference: t.reference,
                        created_at: t.created_at,
                    })
                    .collect(),
            ),
            ..config
        })
    }
}

impl Transfers {
    fn validate_again(&self, config: &Model) -> Diagnostics {
        let unknown = |_: &str| false;
        DataSource::validate(
            self,
            ValidateRequest {
                config,
                unknown: &unknown,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(id: &str, at: &str) -> (OffsetDateTime, Transfer) {
        let t = Transfer {
            id: id.into(),
            from: "abcd1234".into(),
            to: "bbe6222f".into(),
            amount: serde_json::Number::from(1),
            reference: None,
            created_at: at.into(),
        };
        (parse_date(at).unwrap(), t)
    }

    #[test]
    fn newest_first_whatever_the_answers_order() {
        let oldest_first = vec![
            transfer("c", "2026-01-01T10:00:00.000Z"),
            transfer("b", "2026-01-02T10:00:00.000Z"),
            transfer("a", "2026-01-02T10:00:00.000Z"),
            transfer("d", "2026-01-03T10:00:00.000Z"),
        ];
        let mut newest = oldest_first.clone();
        newest.reverse();
        for mut answer in [oldest_first, newest] {
            newest_first(&mut answer);
            let ids: Vec<&str> = answer.iter().map(|(_, t)| t.id.as_str()).collect();
            assert_eq!(ids, ["d", "a", "b", "c"]);
        }
    }

    #[test]
    fn dates_are_rfc_3339_and_in_order() {
        let check = |start: &str, end: Option<&str>| {
            let config = Model {
                start_date: Some(start.into()),
                end_date: end.map(str::to_owned),
                ..Model::default()
            };
            let unknown = |_: &str| false;
            Transfers::balance()
                .validate(ValidateRequest {
                    config: &config,
                    unknown: &unknown,
                })
                .iter()
                .map(|d| (d.summary.clone(), d.path.as_ref().unwrap().to_string()))
                .collect::<Vec<_>>()
        };
        assert!(check("2026-01-01T00:00:00Z", Some("2026-01-01T01:00:00+01:00")).is_empty());
        assert!(check("2026-01-01T00:00:00.250Z", None).is_empty());
        assert_eq!(
            check("2026-01-01", None),
            [("Invalid date".to_string(), "start_date".to_string())]
        );
        assert_eq!(
            check("2026-01-01T00:00:00Z", Some("yesterday")),
            [("Invalid date".to_string(), "end_date".to_string())]
        );
        assert_eq!(
            check("2026-01-02T00:00:00Z", Some("2026-01-01T23:59:59Z")),
            [(
                "End date before start date".to_string(),
                "end_date".to_string()
            )]
        );
    }

    #[test]
    fn end_dates_round_up_to_the_second() {
        let t = |s: &str| parse_date(s).unwrap();
        assert_eq!(
            ceil_to_second(t("2026-01-01T00:00:00.250Z")),
            t("2026-01-01T00:00:01Z")
        );
        assert_eq!(
            ceil_to_second(t("2026-01-01T00:00:00Z")),
            t("2026-01-01T00:00:00Z")
        );
    }
}
