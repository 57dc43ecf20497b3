//! The list-resource interface for authors (`terraform query`, Terraform 1.14+), and the engine
//! that runs it.
//!
//! A list resource finds the existing remote objects of one managed resource type, so that
//! Terraform can show them and generate configuration to import them. Its type name is the
//! managed resource's, and every result is an object of that resource's model: the engine
//! turns it into the resource identity Terraform needs and, when asked, into the full resource
//! object, so a list author only fetches and filters.
//!
//! Terraform reads results until it has `limit` of them and then cancels the stream. The
//! engine runs a listing as its own task and drops it as soon as the receiver is gone, the
//! limit is reached or Terraform asks the provider to stop; [`ListResults::push`] answers
//! `false` from then on, so authors stop fetching too.
//!
//! Must not: see protobuf or msgpack, or know any Vonage detail.

use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::cty::{self, Value};
use super::diagnostics::{Diagnostic, Diagnostics, Warnings};
use super::operation::{Ctx, ValidateRequest, model_error, validate_config};
use super::plan;
use super::private::PrivateState;
use super::resource::Resource;
use super::schema::{Block, Schema};
use crate::logging;

/// What `ListResource` asks for.
pub struct ListRequest {
    /// The list block's `config`, of the list schema's type (null when the block is absent).
    pub config: Value,
    /// Whether each result should carry the full resource object.
    pub include_resource: bool,
    /// The most results Terraform reads; it stops the stream there.
    pub limit: i64,
}

/// One result (or, with no identity, a diagnostic that ends the listing).
#[derive(Debug)]
pub struct ListEvent {
    /// The resource identity, of the resource's identity schema type; null on a diagnostic.
    pub identity: Value,
    pub display_name: String,
    /// The resource object, of the resource schema's type, when it was asked for.
    pub object: Option<Value>,
    pub diags: Diagnostics,
}

impl ListEvent {
    /// An event with diagnostics only: errors end the listing, warnings are shown.
    fn diagnostics_only(diags: Diagnostics) -> ListEvent {
        ListEvent {
            identity: Value::Null,
            display_name: String::new(),
            object: None,
            diags,
        }
    }
}

/// Turns one model into an event: its identity and, when asked for, its object.
type Encoder<'a, M> = dyn Fn(&M) -> Result<(Value, Option<Value>), Diagnostics> + Send + Sync + 'a;

/// Where a list author sends its results.
pub struct ListResults<'a, M> {
    tx: &'a mpsc::Sender<ListEvent>,
    encode: &'a Encoder<'a, M>,
    remaining: i64,
}

impl<M> ListResults<'_, M> {
    /// Send one result. Returns `false` when Terraform wants no more (it has `limit` results or
    /// closed the stream): stop listing and return `Ok(())`.
    pub async fn push(&mut self, display_name: impl Into<String>, object: M) -> bool {
        if self.remaining <= 0 {
            return false;
        }
        let event = match (self.encode)(&object) {
            Ok((identity, object)) => ListEvent {
                identity,
                display_name: display_name.into(),
                object,
                diags: Diagnostics::new(),
            },
            Err(diags) => {
                // A result that cannot be described is a provider bug; it ends the listing.
                let _ = self.tx.send(ListEvent::diagnostics_only(diags)).await;
                self.remaining = 0;
                return false;
            }
        };
        if self.tx.send(event).await.is_err() {
            self.remaining = 0;
            return false;
        }
        self.remaining -= 1;
        self.remaining > 0
    }

    /// True while Terraform still wants results; a cheap check before an expensive fetch.
    pub fn wanted(&self) -> bool {
        self.remaining > 0 && !self.tx.is_closed()
    }
}

/// The model of the managed resource a list resource lists.
pub type ModelOf<D, L> = <<L as ListResource<D>>::Resource as Resource<D>>::Model;

/// One list resource, written against its own config model and the managed resource's model.
#[async_trait]
pub trait ListResource<D: Send + Sync>: Send + Sync + 'static {
    /// The managed resource whose objects this lists; the list shares its type name.
    type Resource: Resource<D>;
    /// The list block's `config` (every field optional: an absent block reads as all null).
    type Config: DeserializeOwned + Send + Sync;

    fn resource(&self) -> &Self::Resource;
    /// The schema of the list block's `config`: no computed or sensitive attributes.
    fn schema(&self) -> Schema;
    fn validate(&self, _req: ValidateRequest<'_, Self::Config>) -> Diagnostics {
        Diagnostics::new()
    }
    /// Find the objects and `push` each, stopping when `push` says `false`.
    async fn list(
        &self,
        ctx: &Ctx<'_, D>,
        config: Self::Config,
        results: &mut ListResults<'_, ModelOf<D, Self>>,
    ) -> Result<(), Diagnostics>;
}

/// The value-level face of a list resource. Implemented for every [`ListResource`].
pub trait DynListResource<D: Send + Sync>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    /// Start listing on a task of its own. Events arrive on the receiver; dropping the receiver
    /// stops the listing, even in the middle of an API call.
    fn list(
        self: Arc<Self>,
        data: Option<Arc<D>>,
        cancel: CancellationToken,
        req: ListRequest,
    ) -> mpsc::Receiver<ListEvent>;
}

/// The list block's `config` as a value: an absent block reads as an object of nulls.
fn config_object(block: &Block, config: &Value) -> Value {
    if !config.is_null() {
        return config.clone();
    }
    Value::Object(
        block
            .attributes
            .iter()
            .map(|a| a.name.clone())
            .chain(block.blocks.iter().map(|b| b.name.clone()))
            .map(|name| (name, Value::Null))
            .collect(),
    )
}

fn identity_of<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    model: &R::Model,
) -> Result<Value, Diagnostics> {
    let tn = resource.type_name();
    let bug = |why: String| -> Diagnostics {
        Diagnostic::error(
            format!("Provider bug in the {tn} list resource"),
            format!("{why}. Please report this to the provider's maintainers."),
        )
        .into()
    };
    let schema = resource
        .identity_schema()
        .ok_or_else(|| bug("the resource has no identity schema".into()))?;
    let identity = resource
        .identity(model)
        .ok_or_else(|| bug("a result has no identity".into()))?
        .conform(&schema.value_type())
        .map_err(|e| bug(format!("a result's identity does not fit its schema: {e}")))?;
    match schema
        .attributes
        .iter()
        .find(|a| identity.attr(&a.name).is_null() || !identity.attr(&a.name).is_wholly_known())
    {
        Some(a) => Err(bug(format!("a result's identity has no `{}`", a.name))),
        None => Ok(identity),
    }
}

impl<D: Send + Sync + 'static, L: ListResource<D>> DynListResource<D> for L {
    fn type_name(&self) -> &'static str {
        self.resource().type_name()
    }
    fn schema(&self) -> Schema {
        ListResource::schema(self)
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        let schema = ListResource::schema(self);
        let config = config_object(&schema.block, config);
        validate_config(
            DynListResource::type_name(self),
            &schema.block,
            &config,
            |req| ListResource::validate(self, req),
        )
    }

    fn list(
        self: Arc<Self>,
        data: Option<Arc<D>>,
        cancel: CancellationToken,
        req: ListRequest,
    ) -> mpsc::Receiver<ListEvent> {
        let (tx, rx) = mpsc::channel(8);
        // The listing's task carries the RPC's log context, so its requests name the RPC.
        tokio::spawn(logging::in_current_context(async move {
            let tn = DynListResource::type_name(self.as_ref());
            let config = config_object(&ListResource::schema(self.as_ref()).block, &req.config);
            let config: L::Config = match cty::serde::from_value(&config) {
                Ok(c) => c,
                Err(e) => {
                    let _ = tx
                        .send(ListEvent::diagnostics_only(model_error(tn, e)))
                        .await;
                    return;
                }
            };
            let resource = self.resource();
            let resource_schema = resource.schema();
            let object_type = resource_schema.value_type();
            let include = req.include_resource;
            let encode = |m: &ModelOf<D, L>| -> Result<(Value, Option<Value>), Diagnostics> {
                let identity = identity_of(resource, m)?;
                if !include {
                    return Ok((identity, None));
                }
                let mut object =
                    cty::serde::to_value(m, &object_type).map_err(|e| model_error(tn, e))?;
                plan::null_write_only(&resource_schema.block, &mut object);
                Ok((identity, Some(object)))
            };
            let mut results = ListResults {
                tx: &tx,
                encode: &encode,
                remaining: req.limit,
            };
            let private = PrivateState::default();
            let warnings = Warnings::default();
            let ctx = Ctx {
                data: data.as_deref(),
                cancel: cancel.clone(),
                private: &private,
                warnings: &warnings,
            };
            let listing = async {
                let listed = if results.wanted() {
                    ListResource::list(self.as_ref(), &ctx, config, &mut results).await
                } else {
                    Ok(())
                };
                // Warnings travel in an event of their own, which Terraform shows and skips.
                let mut diags = warnings.take();
                if let Err(d) = listed {
                    diags.extend(d);
                }
                if !diags.is_empty() {
                    let _ = tx.send(ListEvent::diagnostics_only(diags)).await;
                }
            };
            tokio::select! {
                _ = listing => {}
                // Terraform has what it wants: drop the listing, whatever it was waiting for.
                _ = tx.closed() => {}
                _ = cancel.cancelled() => {
                    let stopped = Diagnostic::error(
                        format!("Cancelled listing {tn}"),
                        "Terraform asked the provider to stop.",
                    );
                    let _ = tx.try_send(ListEvent::diagnostics_only(stopped.into()));
                }
            }
        }));
        rx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::plan::object;
    use crate::framework::resource::{ApplyFailure, CreateRequest, UpdateRequest};
    use crate::framework::schema::{Attribute, IdentitySchema};
    use serde::{Deserialize, Serialize};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[derive(Serialize, Deserialize, Clone, Default)]
    struct Thing {
        id: Option<String>,
        token_wo: Option<String>,
    }

    struct Things;

    #[async_trait]
    impl Resource<()> for Things {
        type Model = Thing;
        fn type_name(&self) -> &'static str {
            "test_thing"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("t")
                    .attribute(Attribute::string("id").computed())
                    .attribute(Attribute::string("token_wo").optional().write_only()),
            )
        }
        fn identity_schema(&self) -> Option<IdentitySchema> {
            Some(IdentitySchema::required_strings(&[("id", "The id.")]))
        }
        fn identity(&self, state: &Thing) -> Option<Value> {
            Some(object([("id", Value::string(state.id.clone()?))]))
        }
        async fn create(
            &self,
            _: &Ctx<'_, ()>,
            req: CreateRequest<Thing>,
        ) -> Result<Thing, ApplyFailure<Thing>> {
            Ok(req.planned)
        }
        async fn read(&self, _: &Ctx<'_, ()>, s: Thing) -> Result<Option<Thing>, Diagnostics> {
            Ok(Some(s))
        }
        async fn update(
            &self,
            _: &Ctx<'_, ()>,
            req: UpdateRequest<Thing>,
        ) -> Result<Thing, ApplyFailure<Thing>> {
            Ok(req.planned)
        }
        async fn delete(&self, _: &Ctx<'_, ()>, _: Thing) -> Result<(), Diagnostics> {
            Ok(())
        }
        async fn import(&self, _: &Ctx<'_, ()>, id: &str) -> Result<Thing, Diagnostics> {
            Ok(Thing {
                id: Some(id.into()),
                token_wo: None,
            })
        }
    }

    #[derive(Deserialize)]
    struct Filter {
        prefix: Option<String>,
    }

    /// Lists an endless supply of things, counting how many it fetched.
    #[derive(Default)]
    struct Endless {
        fetched: AtomicUsize,
        /// Fetches after this many never answer (an API call Terraform stops waiting for).
        hang_after: Option<usize>,
    }

    #[async_trait]
    impl ListResource<()> for Endless {
        type Resource = Things;
        type Config = Filter;
        fn resource(&self) -> &Things {
            &Things
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("l").attribute(Attribute::string("prefix").optional()),
            )
        }
        async fn list(
            &self,
            _: &Ctx<'_, ()>,
            config: Filter,
            results: &mut ListResults<'_, Thing>,
        ) -> Result<(), Diagnostics> {
            let prefix = config.prefix.unwrap_or_default();
            loop {
                let n = self.fetched.fetch_add(1, Ordering::SeqCst);
                logging::debug("fetched a thing", &[]);
                if self.hang_after.is_some_and(|h| n >= h) {
                    std::future::pending::<()>().await;
                }
                let thing = Thing {
                    id: Some(format!("{prefix}{n}")),
                    token_wo: Some("never listed".into()),
                };
                if !results.push(format!("thing {n}"), thing).await {
                    return Ok(());
                }
            }
        }
    }

    fn request(limit: i64, include_resource: bool) -> ListRequest {
        ListRequest {
            config: Value::Null,
            include_resource,
            limit,
        }
    }

    async fn drain(mut rx: mpsc::Receiver<ListEvent>) -> Vec<ListEvent> {
        let mut out = Vec::new();
        while let Some(e) = rx.recv().await {
            out.push(e);
        }
        out
    }

    #[tokio::test]
    async fn results_stop_at_the_limit_and_carry_identity_and_object() {
        let lister = Arc::new(Endless::default());
        let rx = lister.clone().list(
            Some(Arc::new(())),
            CancellationToken::new(),
            request(3, true),
        );
        let events = drain(rx).await;
        assert_eq!(events.len(), 3);
        assert_eq!(
            lister.fetched.load(Ordering::SeqCst),
            3,
            "fetched no more than needed"
        );
        let first = &events[0];
        assert_eq!(first.identity, object([("id", Value::string("0"))]));
        assert_eq!(first.display_name, "thing 0");
        let obj = first.object.as_ref().expect("asked for the object");
        assert_eq!(obj.attr("id"), &Value::string("0"));
        assert_eq!(
            obj.attr("token_wo"),
            &Value::Null,
            "write-only never listed"
        );

        let rx =
            Arc::new(Endless::default()).list(None, CancellationToken::new(), request(1, false));
        let events = drain(rx).await;
        assert!(events.len() == 1 && events[0].object.is_none());
    }

    #[tokio::test]
    async fn the_listing_task_logs_in_the_rpcs_context() {
        logging::captured::start();
        let context = logging::RpcContext::new(
            "ListResource",
            Some(("tf_list_resource_type", "test_thing")),
        );
        let rx = context.sync_scope(|| {
            Arc::new(Endless::default()).list(None, CancellationToken::new(), request(2, false))
        });
        assert_eq!(drain(rx).await.len(), 2);
        let lines = logging::captured::take();
        assert!(!lines.is_empty());
        for line in lines {
            assert_eq!(line["tf_rpc"], "ListResource", "{line}");
            assert_eq!(line["tf_list_resource_type"], "test_thing", "{line}");
        }
    }

    #[tokio::test]
    async fn a_closed_stream_stops_the_listing_even_mid_call() {
        let lister = Arc::new(Endless {
            hang_after: Some(5),
            ..Endless::default()
        });
        let mut rx = lister
            .clone()
            .list(None, CancellationToken::new(), request(1000, false));
        for _ in 0..2 {
            assert!(rx.recv().await.is_some());
        }
        drop(rx);
        // Five results fit the channel; the sixth fetch hangs. The task notices the closed
        // stream, drops the hanging call and ends, dropping its handle on the lister: wait for
        // that (the deadline only turns a listing that never ends into a failure).
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&lister) > 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the listing task is still running"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(lister.fetched.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn stop_provider_ends_a_hanging_listing_with_a_diagnostic() {
        let lister = Arc::new(Endless {
            hang_after: Some(1),
            ..Endless::default()
        });
        let cancel = CancellationToken::new();
        let mut rx = lister.list(None, cancel.clone(), request(10, false));
        assert!(rx.recv().await.unwrap().diags.is_empty());
        cancel.cancel();
        let last = rx.recv().await.expect("a cancellation diagnostic");
        assert!(last.diags.has_errors() && last.identity.is_null());
        assert!(rx.recv().await.is_none());
    }

    #[test]
    fn an_absent_config_block_validates_as_all_null() {
        let lister = Endless::default();
        assert!(DynListResource::validate(&lister, &Value::Null).is_empty());
    }
}
