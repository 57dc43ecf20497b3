//! Every tfplugin6 RPC, each a few lines: look the type up, convert in, call the framework,
//! convert out. RPCs for features this provider does not offer (functions, list resources,
//! state stores, actions, move) answer with a clear error diagnostic, never `Unimplemented`,
//! because Terraform only tolerates that for `GetResourceIdentitySchemas`.
//!
//! Must not: hold planning logic or resource knowledge (see the module above).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use super::convert;
use super::proto::{self, provider_server::Provider as ProviderRpc};
use crate::framework::cty::{self, Value};
use crate::framework::data_source::DynDataSource;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::ephemeral::DynEphemeralResource;
use crate::framework::provider::{ConfigureRequest, Provider};
use crate::framework::resource::{Ctx, DynResource};
use crate::logging;

/// The tfplugin6 service for one provider process.
pub struct ProviderService<P: Provider> {
    provider: Arc<P>,
    resources: HashMap<&'static str, Arc<dyn DynResource<P::Data>>>,
    data_sources: HashMap<&'static str, Arc<dyn DynDataSource<P::Data>>>,
    ephemerals: HashMap<&'static str, Arc<dyn DynEphemeralResource<P::Data>>>,
    /// Set by `ConfigureProvider`; `None` before, or when the configuration was not yet known.
    data: RwLock<Option<Arc<P::Data>>>,
    /// Fired by `StopProvider`; replaced afterwards so later calls can run.
    stop: Mutex<CancellationToken>,
    schema_response: OnceLock<proto::get_provider_schema::Response>,
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name(), r))
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name(), d))
            .collect();
        let ephemerals = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| (e.type_name(), e))
            .collect();
        ProviderService {
            provider: Arc::new(provider),
            resources,
            data_sources,
            ephemerals,
            data: RwLock::new(None),
            stop: Mutex::new(CancellationToken::new()),
            schema_response: OnceLock::new(),
        }
    }

    fn session(&self) -> (Option<Arc<P::Data>>, CancellationToken) {
        let data = self.data.read().unwrap_or_else(|e| e.into_inner()).clone();
        let cancel = self.stop.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (data, cancel)
    }

    fn resource(&self, type_name: &str) -> Result<&Arc<dyn DynResource<P::Data>>, Diagnostics> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name))
    }

    fn data_source(
        &self,
        type_name: &str,
    ) -> Result<&Arc<dyn DynDataSource<P::Data>>, Diagnostics> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name))
    }

    fn ephemeral(
        &self,
        type_name: &str,
    ) -> Result<&Arc<dyn DynEphemeralResource<P::Data>>, Diagnostics> {
        self.ephemerals
            .get(type_name)
            .ok_or_else(|| unknown_type("ephemeral resource", type_name))
    }

    fn capabilities() -> proto::ServerCapabilities {
        proto::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: false,
        }
    }
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!(
            "\
            This provider has no {kind} named `{type_name}`. Check the spelling, or upgrade the \
            provider if the type is newer than this version."
        ),
    )
    .into()
}

fn not_offered(feature: &str) -> Vec<proto::Diagnostic> {
    convert::diagnostics(
        &Diagnostic::error(
            format!("{feature} not supported"),
            format!(
                "\
                The Vonage provider offers no {feature}. Remove the reference from your \
                configuration."
            ),
        )
        .into(),
    )
}

fn write_only_allowed(caps: Option<&proto::ClientCapabilities>) -> bool {
    caps.is_some_and(|c| c.write_only_attributes_allowed)
}

/// Responses that carry diagnostics, so a handler can fail early with `?` and still answer
/// Terraform with a diagnostic rather than a gRPC error.
trait Diagnosable {
    fn from_diagnostics(d: &Diagnostics) -> Self;
}

macro_rules! diagnosable {
    ($($rpc:ident),* $(,)?) => {$(
        impl Diagnosable for proto::$rpc::Response {
            #[allow(clippy::needless_update)]
            fn from_diagnostics(d: &Diagnostics) -> Self {
                Self { diagnostics: convert::diagnostics(d), ..Default::default() }
            }
        }
    )*};
}

diagnosable!(
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    upgrade_resource_identity,
    configure_provider,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    read_data_source,
    validate_ephemeral_resource_config,
    open_ephemeral_resource,
);

fn reply<T: Diagnosable>(result: Result<T, Diagnostics>) -> Result<Response<T>, Status> {
    Ok(Response::new(
        result.unwrap_or_else(|d| T::from_diagnostics(&d)),
    ))
}

#[tonic::async_trait]
impl<P: Provider> ProviderRpc for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> Result<Response<proto::get_metadata::Response>, Status> {
        use proto::get_metadata::{DataSourceMetadata, EphemeralMetadata, ResourceMetadata};
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(Self::capabilities()),
            resources: self
                .resources
                .keys()
                .map(|t| ResourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|t| DataSourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            ephemeral_resources: self
                .ephemerals
                .keys()
                .map(|t| EphemeralMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> Result<Response<proto::get_provider_schema::Response>, Status> {
        let resp = self
            .schema_response
            .get_or_init(|| proto::get_provider_schema::Response {
                provider: Some(convert::schema(&self.provider.schema())),
                resource_schemas: self
                    .resources
                    .iter()
                    .map(|(t, r)| (t.to_string(), convert::schema(&r.schema())))
                    .collect(),
                data_source_schemas: self
                    .data_sources
                    .iter()
                    .map(|(t, d)| (t.to_string(), convert::schema(&d.schema())))
                    .collect(),
                ephemeral_resource_schemas: self
                    .ephemerals
                    .iter()
                    .map(|(t, e)| (t.to_string(), convert::schema(&e.schema())))
                    .collect(),
                server_capabilities: Some(Self::capabilities()),
                ..Default::default()
            });
        Ok(Response::new(resp.clone()))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<proto::get_resource_identity_schemas::Request>,
    ) -> Result<Response<proto::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(
            proto::get_resource_identity_schemas::Response {
                identity_schemas: self
                    .resources
                    .iter()
                    .filter_map(|(t, r)| {
                        Some((
                            t.to_string(),
                            convert::identity_schema(&r.identity_schema()?),
                        ))
                    })
                    .collect(),
                diagnostics: Vec::new(),
            },
        ))
    }

    async fn validate_provider_config(
        &self,
        req: Request<proto::validate_provider_config::Request>,
    ) -> Result<Response<proto::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let config = convert::decode(
                req.config.as_ref(),
                &self.provider.schema().value_type(),
                "provider configuration",
            )?;
            Ok(proto::validate_provider_config::Response {
                diagnostics: convert::diagnostics(&self.provider.validate(&config)),
            })
        })())
    }

    async fn validate_resource_config(
        &self,
        req: Request<proto::validate_resource_config::Request>,
    ) -> Result<Response<proto::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let r = self.resource(&req.type_name)?;
            let config = convert::decode(
                req.config.as_ref(),
                &r.schema().value_type(),
                "resource configuration",
            )?;
            let diags = r.validate(
                &config,
                write_only_allowed(req.client_capabilities.as_ref()),
            );
            Ok(proto::validate_resource_config::Response {
                diagnostics: convert::diagnostics(&diags),
            })
        })())
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<proto::validate_data_resource_config::Request>,
    ) -> Result<Response<proto::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let d = self.data_source(&req.type_name)?;
            let config = convert::decode(
                req.config.as_ref(),
                &d.schema().value_type(),
                "data source configuration",
            )?;
            Ok(proto::validate_data_resource_config::Response {
                diagnostics: convert::diagnostics(&d.validate(&config)),
            })
        })())
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<proto::upgrade_resource_state::Request>,
    ) -> Result<Response<proto::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let r = self.resource(&req.type_name)?;
            let schema = r.schema();
            if req.version > schema.version {
                return Err(Diagnostic::error(
                    "State written by a newer provider",
                    format!(
                        "\
                        This `{}` was stored by a provider with schema version {}, newer than \
                        this provider's {}. Upgrade the provider.",
                        req.type_name, req.version, schema.version
                    ),
                )
                .into());
            }
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() && !raw.flatmap.is_empty() {
                return Err(Diagnostic::error(
                    "Unsupported state format",
                    "\
                    This state uses the pre-0.12 flatmap format, which this provider never wrote. \
                    Remove the resource from state and import it again.",
                )
                .into());
            }
            let ty = schema.value_type();
            let mut state = cty::json::decode(&raw.json, &ty).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Unreadable resource state",
                    format!(
                        "The stored state of this `{}` could not be read: {e}.",
                        req.type_name
                    ),
                ))
            })?;
            crate::framework::plan::null_write_only(&schema.block, &mut state);
            Ok(proto::upgrade_resource_state::Response {
                upgraded_state: Some(convert::encode(&state, &ty, "upgraded state")?),
                diagnostics: Vec::new(),
            })
        })())
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<proto::upgrade_resource_identity::Request>,
    ) -> Result<Response<proto::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let r = self.resource(&req.type_name)?;
            let ident = r.identity_schema().ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Resource has no identity",
                    format!("`{}` does not support resource identity.", req.type_name),
                ))
            })?;
            let ty = ident.value_type();
            let raw = req.raw_identity.unwrap_or_default();
            let v = cty::json::decode(&raw.json, &ty).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Unreadable resource identity",
                    e.to_string(),
                ))
            })?;
            Ok(proto::upgrade_resource_identity::Response {
                upgraded_identity: Some(proto::ResourceIdentityData {
                    identity_data: Some(convert::encode(&v, &ty, "identity")?),
                }),
                diagnostics: Vec::new(),
            })
        })())
    }

    async fn configure_provider(
        &self,
        req: Request<proto::configure_provider::Request>,
    ) -> Result<Response<proto::configure_provider::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let ty = self.provider.schema().value_type();
                let config = convert::decode(req.config.as_ref(), &ty, "provider configuration")?;
                let creq = ConfigureRequest {
                    config: &config,
                    terraform_version: &req.terraform_version,
                    write_only_allowed: write_only_allowed(req.client_capabilities.as_ref()),
                };
                let data = self.provider.configure(creq).await?;
                *self.data.write().unwrap_or_else(|e| e.into_inner()) = data.map(Arc::new);
                Ok(proto::configure_provider::Response::default())
            }
            .await,
        )
    }

    async fn read_resource(
        &self,
        req: Request<proto::read_resource::Request>,
    ) -> Result<Response<proto::read_resource::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let r = self.resource(&req.type_name)?;
                let ty = r.schema().value_type();
                let current = convert::decode(req.current_state.as_ref(), &ty, "current state")?;
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let (new_state, mut diags) = r.read(&ctx, &current).await;
                let encoded = convert::encode(&new_state, &ty, "new state")
                    .map_err(|d| diags.extend(d))
                    .ok();
                Ok(proto::read_resource::Response {
                    new_state: encoded,
                    private: req.private,
                    new_identity: identity(r.as_ref(), &new_state),
                    diagnostics: convert::diagnostics(&diags),
                    deferred: None,
                })
            }
            .await,
        )
    }

    async fn plan_resource_change(
        &self,
        req: Request<proto::plan_resource_change::Request>,
    ) -> Result<Response<proto::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let r = self.resource(&req.type_name)?;
                let ty = r.schema().value_type();
                let prior = convert::decode(req.prior_state.as_ref(), &ty, "prior state")?;
                let proposed =
                    convert::decode(req.proposed_new_state.as_ref(), &ty, "proposed new state")?;
                let config = convert::decode(req.config.as_ref(), &ty, "configuration")?;
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let mut planned = r.plan(&ctx, &prior, &proposed, &config).await;
                let encoded = convert::encode(&planned.planned, &ty, "planned state")
                    .map_err(|d| planned.diags.extend(d))
                    .ok();
                // An identity can only be planned once every value it is made of is known.
                let planned_identity = if planned.planned.is_wholly_known() {
                    identity(r.as_ref(), &planned.planned)
                } else {
                    None
                };
                Ok(proto::plan_resource_change::Response {
                    planned_state: encoded,
                    requires_replace: planned.requires_replace.iter().map(convert::path).collect(),
                    planned_private: req.prior_private,
                    diagnostics: convert::diagnostics(&planned.diags),
                    legacy_type_system: false,
                    deferred: None,
                    planned_identity,
                })
            }
            .await,
        )
    }

    async fn apply_resource_change(
        &self,
        req: Request<proto::apply_resource_change::Request>,
    ) -> Result<Response<proto::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let r = self.resource(&req.type_name)?;
                let ty = r.schema().value_type();
                let prior = convert::decode(req.prior_state.as_ref(), &ty, "prior state")?;
                let planned = convert::decode(req.planned_state.as_ref(), &ty, "planned state")?;
                let config = convert::decode(req.config.as_ref(), &ty, "configuration")?;
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let (new_state, mut diags) = r.apply(&ctx, &prior, &planned, &config).await;
                let encoded = convert::encode(&new_state, &ty, "new state")
                    .map_err(|d| diags.extend(d))
                    .ok();
                Ok(proto::apply_resource_change::Response {
                    new_state: encoded,
                    private: req.planned_private,
                    new_identity: identity(r.as_ref(), &new_state),
                    diagnostics: convert::diagnostics(&diags),
                    legacy_type_system: false,
                })
            }
            .await,
        )
    }

    async fn import_resource_state(
        &self,
        req: Request<proto::import_resource_state::Request>,
    ) -> Result<Response<proto::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let r = self.resource(&req.type_name)?;
                let ty = r.schema().value_type();
                let given = req.identity.as_ref().and_then(|i| i.identity_data.as_ref());
                let identity_value = match (r.identity_schema(), given) {
                    (Some(s), Some(dv)) => {
                        Some(convert::decode(Some(dv), &s.value_type(), "identity")?)
                    }
                    _ => None,
                };
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let (state, diags) = r.import(&ctx, &req.id, identity_value.as_ref()).await;
                if diags.has_errors() {
                    return Err(diags);
                }
                let imported = proto::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(convert::encode(&state, &ty, "imported state")?),
                    private: Vec::new(),
                    identity: identity(r.as_ref(), &state),
                };
                Ok(proto::import_resource_state::Response {
                    imported_resources: vec![imported],
                    diagnostics: convert::diagnostics(&diags),
                    deferred: None,
                })
            }
            .await,
        )
    }

    async fn move_resource_state(
        &self,
        _: Request<proto::move_resource_state::Request>,
    ) -> Result<Response<proto::move_resource_state::Response>, Status> {
        Ok(Response::new(proto::move_resource_state::Response {
            diagnostics: not_offered("moving state from other resource types"),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<proto::read_data_source::Request>,
    ) -> Result<Response<proto::read_data_source::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let d = self.data_source(&req.type_name)?;
                let ty = d.schema().value_type();
                let config =
                    convert::decode(req.config.as_ref(), &ty, "data source configuration")?;
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let (state, diags) = d.read(&ctx, &config).await;
                if diags.has_errors() {
                    return Err(diags);
                }
                Ok(proto::read_data_source::Response {
                    state: Some(convert::encode(&state, &ty, "data source state")?),
                    diagnostics: convert::diagnostics(&diags),
                    deferred: None,
                })
            }
            .await,
        )
    }

    async fn generate_resource_config(
        &self,
        _: Request<proto::generate_resource_config::Request>,
    ) -> Result<Response<proto::generate_resource_config::Response>, Status> {
        Ok(Response::new(proto::generate_resource_config::Response {
            diagnostics: not_offered("provider-side configuration generation"),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<proto::validate_ephemeral_resource_config::Response>, Status> {
        let req = req.into_inner();
        reply((|| {
            let e = self.ephemeral(&req.type_name)?;
            let config = convert::decode(
                req.config.as_ref(),
                &e.schema().value_type(),
                "ephemeral resource configuration",
            )?;
            Ok(proto::validate_ephemeral_resource_config::Response {
                diagnostics: convert::diagnostics(&e.validate(&config)),
            })
        })())
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<proto::open_ephemeral_resource::Request>,
    ) -> Result<Response<proto::open_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        reply(
            async {
                let e = self.ephemeral(&req.type_name)?;
                let ty = e.schema().value_type();
                let config =
                    convert::decode(req.config.as_ref(), &ty, "ephemeral resource configuration")?;
                let (data, cancel) = self.session();
                let ctx = Ctx {
                    data: data.as_deref(),
                    cancel,
                };
                let (result, diags) = e.open(&ctx, &config).await;
                if diags.has_errors() {
                    return Err(diags);
                }
                Ok(proto::open_ephemeral_resource::Response {
                    result: Some(convert::encode(&result, &ty, "ephemeral result")?),
                    diagnostics: convert::diagnostics(&diags),
                    ..Default::default()
                })
            }
            .await,
        )
    }

    async fn renew_ephemeral_resource(
        &self,
        _: Request<proto::renew_ephemeral_resource::Request>,
    ) -> Result<Response<proto::renew_ephemeral_resource::Response>, Status> {
        // Our ephemeral results never expire, so Open never asks for a renewal.
        Ok(Response::new(
            proto::renew_ephemeral_resource::Response::default(),
        ))
    }

    async fn close_ephemeral_resource(
        &self,
        _: Request<proto::close_ephemeral_resource::Request>,
    ) -> Result<Response<proto::close_ephemeral_resource::Response>, Status> {
        // Nothing is held open remotely.
        Ok(Response::new(
            proto::close_ephemeral_resource::Response::default(),
        ))
    }

    async fn list_resource(
        &self,
        req: Request<proto::list_resource::Request>,
    ) -> Result<Response<BoxStream<proto::list_resource::Event>>, Status> {
        let d = unknown_type("list resource", &req.into_inner().type_name);
        let event = proto::list_resource::Event {
            diagnostic: convert::diagnostics(&d),
            ..Default::default()
        };
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(event)))))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<proto::validate_list_resource_config::Request>,
    ) -> Result<Response<proto::validate_list_resource_config::Response>, Status> {
        let d = unknown_type("list resource", &req.into_inner().type_name);
        Ok(Response::new(
            proto::validate_list_resource_config::Response {
                diagnostics: convert::diagnostics(&d),
            },
        ))
    }

    async fn get_functions(
        &self,
        _: Request<proto::get_functions::Request>,
    ) -> Result<Response<proto::get_functions::Response>, Status> {
        Ok(Response::new(proto::get_functions::Response::default()))
    }

    async fn call_function(
        &self,
        req: Request<proto::call_function::Request>,
    ) -> Result<Response<proto::call_function::Response>, Status> {
        let name = req.into_inner().name;
        Ok(Response::new(proto::call_function::Response {
            result: None,
            error: Some(proto::FunctionError {
                text: format!("The Vonage provider has no function named `{name}`."),
                function_argument: None,
            }),
        }))
    }

    async fn validate_state_store_config(
        &self,
        _: Request<proto::validate_state_store::Request>,
    ) -> Result<Response<proto::validate_state_store::Response>, Status> {
        Ok(Response::new(proto::validate_state_store::Response {
            diagnostics: not_offered("state stores"),
        }))
    }

    async fn configure_state_store(
        &self,
        _: Request<proto::configure_state_store::Request>,
    ) -> Result<Response<proto::configure_state_store::Response>, Status> {
        Ok(Response::new(proto::configure_state_store::Response {
            diagnostics: not_offered("state stores"),
            capabilities: None,
        }))
    }

    async fn read_state_bytes(
        &self,
        _: Request<proto::read_state_bytes::Request>,
    ) -> Result<Response<BoxStream<proto::read_state_bytes::Response>>, Status> {
        let resp = proto::read_state_bytes::Response {
            diagnostics: not_offered("state stores"),
            ..Default::default()
        };
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(resp)))))
    }

    async fn write_state_bytes(
        &self,
        _: Request<Streaming<proto::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<proto::write_state_bytes::Response>, Status> {
        Ok(Response::new(proto::write_state_bytes::Response {
            diagnostics: not_offered("state stores"),
        }))
    }

    async fn lock_state(
        &self,
        _: Request<proto::lock_state::Request>,
    ) -> Result<Response<proto::lock_state::Response>, Status> {
        Ok(Response::new(proto::lock_state::Response {
            diagnostics: not_offered("state stores"),
            lock_id: String::new(),
        }))
    }

    async fn unlock_state(
        &self,
        _: Request<proto::unlock_state::Request>,
    ) -> Result<Response<proto::unlock_state::Response>, Status> {
        Ok(Response::new(proto::unlock_state::Response {
            diagnostics: not_offered("state stores"),
        }))
    }

    async fn get_states(
        &self,
        _: Request<proto::get_states::Request>,
    ) -> Result<Response<proto::get_states::Response>, Status> {
        Ok(Response::new(proto::get_states::Response {
            diagnostics: not_offered("state stores"),
            state_id: Vec::new(),
        }))
    }

    async fn delete_state(
        &self,
        _: Request<proto::delete_state::Request>,
    ) -> Result<Response<proto::delete_state::Response>, Status> {
        Ok(Response::new(proto::delete_state::Response {
            diagnostics: not_offered("state stores"),
        }))
    }

    async fn plan_action(
        &self,
        _: Request<proto::plan_action::Request>,
    ) -> Result<Response<proto::plan_action::Response>, Status> {
        Ok(Response::new(proto::plan_action::Response {
            diagnostics: not_offered("actions"),
            deferred: None,
        }))
    }

    async fn invoke_action(
        &self,
        _: Request<proto::invoke_action::Request>,
    ) -> Result<Response<BoxStream<proto::invoke_action::Event>>, Status> {
        use proto::invoke_action::event::{Completed, Type};
        let event = proto::invoke_action::Event {
            r#type: Some(Type::Completed(Completed {
                diagnostics: not_offered("actions"),
            })),
        };
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(event)))))
    }

    async fn validate_action_config(
        &self,
        _: Request<proto::validate_action_config::Request>,
    ) -> Result<Response<proto::validate_action_config::Response>, Status> {
        Ok(Response::new(proto::validate_action_config::Response {
            diagnostics: not_offered("actions"),
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<proto::stop_provider::Request>,
    ) -> Result<Response<proto::stop_provider::Response>, Status> {
        let mut token = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        token.cancel();
        *token = CancellationToken::new();
        logging::info("StopProvider: cancelled in-flight operations", &[]);
        Ok(Response::new(proto::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn identity<D: Send + Sync>(
    r: &dyn DynResource<D>,
    state: &Value,
) -> Option<proto::ResourceIdentityData> {
    let schema = r.identity_schema()?;
    let v = r.identity_of(state)?;
    let dv = convert::encode(&v, &schema.value_type(), "identity").ok()?;
    Some(proto::ResourceIdentityData {
        identity_data: Some(dv),
    })
}
