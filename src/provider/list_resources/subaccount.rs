//! `list "vonage_subaccount"`: the provider's subaccounts, to import as `vonage_subaccount`
//! resources, optionally filtered by name prefix and by whether they are suspended.
//!
//! API: `GET /accounts/{primary}/subaccounts` (one call; Vonage does not paginate it).
//!
//! Must not: change anything.

use async_trait::async_trait;
use serde::Deserialize;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::list_resource::{ListResource, ListResults};
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::resources::subaccount::{Model, Subaccount};

pub struct SubaccountList;

#[derive(Deserialize)]
pub struct Config {
    pub name_prefix: Option<String>,
    pub suspended: Option<bool>,
}

impl Config {
    fn matches(&self, name: &str, suspended: bool) -> bool {
        self.name_prefix
            .as_deref()
            .is_none_or(|p| name.starts_with(p))
            && self.suspended.is_none_or(|s| s == suspended)
    }
}

#[async_trait]
impl ListResource<ProviderData> for SubaccountList {
    type Resource = Subaccount;
    type Config = Config;

    fn resource(&self) -> &Subaccount {
        &Subaccount
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Finds the subaccounts of the provider's account, to import them as \
                `vonage_subaccount` resources.",
            )
            .attribute(Attribute::string("name_prefix").optional().description(
                "\
                Only subaccounts whose name starts with this text (case-sensitive). Unset lists \
                all.",
            ))
            .attribute(Attribute::bool("suspended").optional().description(
                "\
                `true` lists only suspended subaccounts, `false` only active ones. Unset lists \
                both.",
            )),
        )
    }

    async fn list(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        config: Config,
        results: &mut ListResults<'_, Model>,
    ) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let list = data.client.list_subaccounts().await.map_err(|e| {
            diagnostic(
                data,
                &format!("listing the subaccounts of account {}", data.api_key),
                &e,
            )
        })?;
        for s in list.subaccounts {
            if !config.matches(&s.name, s.suspended) {
                continue;
            }
            let display = format!("{} ({})", s.name, s.api_key);
            if !results.push(display, Model::default().with_remote(s)).await {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine_and_unset_means_all() {
        let all = Config {
            name_prefix: None,
            suspended: None,
        };
        assert!(all.matches("team-a", true) && all.matches("x", false));
        let active_team = Config {
            name_prefix: Some("team-".into()),
            suspended: Some(false),
        };
        assert!(active_team.matches("team-a", false));
        assert!(!active_team.matches("team-a", true));
        assert!(!active_team.matches("Team-a", false));
    }
}
