//! The provider's types by name, and the RPC answers made from them alone: the schema
//! (`GetProviderSchema`, built once per process), the metadata and the identity schemas. A
//! list resource shares its type name with the managed resource it lists.
//!
//! Must not: run any author code but `type_name`, `schema` and `identity_schema`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::convert;
use super::proto::{self, get_metadata, get_provider_schema, get_resource_identity_schemas};
use crate::framework::action::DynAction;
use crate::framework::cty::Value;
use crate::framework::data_source::DynDataSource;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::engine::DynResource;
use crate::framework::ephemeral::DynEphemeralResource;
use crate::framework::list_resource::DynListResource;
use crate::framework::provider::Provider;
use crate::framework::schema::Schema;

type Named<T> = HashMap<&'static str, Arc<T>>;

pub struct Catalogue<P: Provider> {
    pub provider: P,
    resources: Named<dyn DynResource<P::Data>>,
    data_sources: Named<dyn DynDataSource<P::Data>>,
    ephemerals: Named<dyn DynEphemeralResource<P::Data>>,
    actions: Named<dyn DynAction<P::Data>>,
    lists: Named<dyn DynListResource<P::Data>>,
    schema_response: OnceLock<get_provider_schema::Response>,
}

impl<P: Provider> Catalogue<P> {
    pub fn new(provider: P) -> Self {
        Catalogue {
            resources: (provider.resources().into_iter())
                .map(|r| (r.type_name(), r))
                .collect(),
            data_sources: (provider.data_sources().into_iter())
                .map(|d| (d.type_name(), d))
                .collect(),
            ephemerals: (provider.ephemeral_resources().into_iter())
                .map(|e| (e.type_name(), e))
                .collect(),
            actions: (provider.actions().into_iter())
                .map(|a| (a.type_name(), a))
                .collect(),
            lists: (provider.list_resources().into_iter())
                .map(|l| (l.type_name(), l))
                .collect(),
            provider,
            schema_response: OnceLock::new(),
        }
    }

    /// The provider, and its configuration decoded with its schema.
    pub fn provider_config(
        &self,
        config: Option<&proto::DynamicValue>,
    ) -> Result<(&P, Value), Diagnostics> {
        let ty = self.provider.schema().value_type();
        Ok((
            &self.provider,
            convert::decode(config, &ty, "provider configuration")?,
        ))
    }

    pub fn resource(&self, type_name: &str) -> Result<&dyn DynResource<P::Data>, Diagnostics> {
        lookup(&self.resources, "resource", type_name).map(Arc::as_ref)
    }

    pub fn data_source(&self, type_name: &str) -> Result<&dyn DynDataSource<P::Data>, Diagnostics> {
        lookup(&self.data_sources, "data source", type_name).map(Arc::as_ref)
    }

    pub fn ephemeral(
        &self,
        type_name: &str,
    ) -> Result<&dyn DynEphemeralResource<P::Data>, Diagnostics> {
        lookup(&self.ephemerals, "ephemeral resource", type_name).map(Arc::as_ref)
    }

    /// An ephemeral resource, shared: closing what Terraform left open runs one task per close.
    pub fn ephemeral_shared(
        &self,
        type_name: &str,
    ) -> Option<Arc<dyn DynEphemeralResource<P::Data>>> {
        self.ephemerals.get(type_name).cloned()
    }

    /// An action, shared: an invocation outlives the RPC that starts it.
    pub fn action(&self, type_name: &str) -> Result<Arc<dyn DynAction<P::Data>>, Diagnostics> {
        lookup(&self.actions, "action", type_name).cloned()
    }

    /// A list resource, shared: a listing runs as a task that outlives the RPC call.
    pub fn list(&self, type_name: &str) -> Result<Arc<dyn DynListResource<P::Data>>, Diagnostics> {
        lookup(&self.lists, "list resource", type_name).cloned()
    }

    /// The diagnostic for a list resource whose managed resource has no identity: a provider
    /// bug, since Terraform imports list results by identity.
    pub fn no_identity(&self, type_name: &str) -> Diagnostics {
        Diagnostic::error(
            format!("Provider bug: `{type_name}` has no resource identity"),
            "\
            Terraform imports the results of a list resource by identity, and this resource \
            declares none. Please report this to the provider's maintainers.",
        )
        .into()
    }

    fn capabilities() -> proto::ServerCapabilities {
        proto::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: true,
        }
    }

    pub fn schema_response(&self) -> get_provider_schema::Response {
        fn schemas<'a, T: ?Sized + 'a>(
            named: &'a Named<T>,
            schema: impl Fn(&T) -> Schema,
        ) -> HashMap<String, proto::Schema> {
            (named.iter())
                .map(|(t, x)| (t.to_string(), convert::schema(&schema(x))))
                .collect()
        }
        let build = || get_provider_schema::Response {
            provider: Some(convert::schema(&self.provider.schema())),
            resource_schemas: schemas(&self.resources, |r| r.schema()),
            data_source_schemas: schemas(&self.data_sources, |d| d.schema()),
            ephemeral_resource_schemas: schemas(&self.ephemerals, |e| e.schema()),
            list_resource_schemas: schemas(&self.lists, |l| l.schema()),
            action_schemas: (self.actions.iter())
                .map(|(t, a)| (t.to_string(), convert::action_schema(&a.schema())))
                .collect(),
            server_capabilities: Some(Self::capabilities()),
            ..Default::default()
        };
        self.schema_response.get_or_init(build).clone()
    }

    pub fn metadata(&self) -> get_metadata::Response {
        use get_metadata::{
            ActionMetadata, DataSourceMetadata, EphemeralMetadata, ListResourceMetadata,
            ResourceMetadata,
        };
        fn names<T: ?Sized>(named: &Named<T>) -> impl Iterator<Item = String> + '_ {
            named.keys().map(|t| t.to_string())
        }
        get_metadata::Response {
            server_capabilities: Some(Self::capabilities()),
            resources: names(&self.resources)
                .map(|type_name| ResourceMetadata { type_name })
                .collect(),
            data_sources: names(&self.data_sources)
                .map(|type_name| DataSourceMetadata { type_name })
                .collect(),
            ephemeral_resources: names(&self.ephemerals)
                .map(|type_name| EphemeralMetadata { type_name })
                .collect(),
            actions: names(&self.actions)
                .map(|type_name| ActionMetadata { type_name })
                .collect(),
            list_resources: names(&self.lists)
                .map(|type_name| ListResourceMetadata { type_name })
                .collect(),
            ..Default::default()
        }
    }

    pub fn identity_schemas(&self) -> get_resource_identity_schemas::Response {
        get_resource_identity_schemas::Response {
            identity_schemas: (self.resources.iter())
                .filter_map(|(t, r)| {
                    Some((
                        t.to_string(),
                        convert::identity_schema(&r.identity_schema()?),
                    ))
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }
}

/// The identity of `state` on the wire, when the resource has one.
pub fn identity<D: Send + Sync>(
    r: &dyn DynResource<D>,
    state: &Value,
) -> Option<proto::ResourceIdentityData> {
    convert::identity(&r.identity_of(state)?, &r.identity_schema()?).ok()
}

fn lookup<'a, T: ?Sized>(
    named: &'a Named<T>,
    kind: &str,
    type_name: &str,
) -> Result<&'a Arc<T>, Diagnostics> {
    named.get(type_name).ok_or_else(|| {
        Diagnostic::error(
            format!("Unknown {kind} type"),
            format!(
                "\
                This provider has no {kind} named `{type_name}`. Check the spelling, or upgrade \
                the provider if the type is newer than this version."
            ),
        )
        .into()
    })
}
