//! The ephemeral-resource interface for authors (Terraform 1.10+), and the engine that runs it.
//!
//! An ephemeral resource produces values that Terraform uses during one run and never writes
//! to plan or state, which makes it the natural source for write-only arguments. Terraform
//! opens it in every run that needs it (plan and apply alike) and closes it when the run is
//! done with the result; `close` undoes what `open` made remotely, from the private state
//! `open` kept (`ctx.private`, which Terraform hands back to close).
//!
//! Must not: see protobuf or msgpack.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::{self, Value};
use super::diagnostics::Diagnostics;
use super::operation::{Ctx, ValidateRequest, model_error, validate_config, with_limits};
use super::schema::Schema;

/// One ephemeral resource type, written against its own model struct.
#[async_trait]
pub trait EphemeralResource<D: Send + Sync>: Send + Sync + 'static {
    /// One `Option` field per attribute, as for resources. Never `Debug`: results are
    /// usually secrets.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// The ephemeral resource type name (`vonage_...`). Asked once, when the provider starts.
    fn type_name(&self) -> &'static str;
    /// The attributes, with their flags and descriptions. Sent once per process and used by
    /// the engine on every call, so it must be cheap and always the same.
    fn schema(&self) -> Schema;
    /// `ValidateEphemeralResourceConfig`: checks that need no API, with no provider data.
    /// Arguments not yet known read as `None` (ask `req.unknown`); `open` sees them known.
    /// Diagnostics carry the attribute path and never the value.
    fn validate(&self, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// `OpenEphemeralResource`: in every run that needs the result (plan and apply alike),
    /// once the configuration is wholly known. Return `config` with its computed attributes
    /// filled, every configured value kept. The result is never stored, and is not renewed: it
    /// must stay valid for the run. What `close` needs goes into `ctx.private` (ids, never a
    /// value). Cancelled when Terraform asks the provider to stop.
    async fn open(&self, ctx: &Ctx<'_, D>, config: Self::Model)
    -> Result<Self::Model, Diagnostics>;
    /// `CloseEphemeralResource`: once after every successful `open`, when the run no longer
    /// needs the result. Undo what `open` made remotely, from what it kept in `ctx.private`;
    /// a failure here is shown to the user, so say what is left behind and how to remove it.
    /// By default there is nothing to undo. Cancelled when Terraform asks the provider to stop.
    async fn close(&self, _ctx: &Ctx<'_, D>) -> Result<(), Diagnostics> {
        Ok(())
    }
}

/// The value-level face of an ephemeral resource, which the RPC layer calls. Implemented
/// for every [`EphemeralResource`].
#[async_trait]
pub trait DynEphemeralResource<D: Send + Sync>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn open(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics);
    async fn close(&self, ctx: &Ctx<'_, D>) -> Diagnostics;
}

#[async_trait]
impl<D: Send + Sync, E: EphemeralResource<D>> DynEphemeralResource<D> for E {
    fn type_name(&self) -> &'static str {
        EphemeralResource::type_name(self)
    }
    fn schema(&self) -> Schema {
        EphemeralResource::schema(self)
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        let block = EphemeralResource::schema(self).block;
        validate_config(EphemeralResource::type_name(self), &block, config, |req| {
            EphemeralResource::validate(self, req)
        })
    }
    async fn open(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics) {
        let tn = EphemeralResource::type_name(self);
        // Checks that waited for unknown values run now that the configuration is known.
        let recheck = DynEphemeralResource::validate(self, config).errors();
        if recheck.has_errors() {
            return (Value::Null, recheck);
        }
        let model = match cty::serde::from_value::<E::Model>(config) {
            Ok(m) => m,
            Err(e) => return (Value::Null, model_error(tn, e)),
        };
        let open = EphemeralResource::open(self, ctx, model);
        match with_limits(&ctx.cancel, None, format!("opening {tn}"), open)
            .await
            .and_then(|r| r)
        {
            Ok(m) => {
                match cty::serde::to_value(&m, &EphemeralResource::schema(self).value_type()) {
                    Ok(v) => (v, Diagnostics::new()),
                    Err(e) => (Value::Null, model_error(tn, e)),
                }
            }
            Err(d) => (Value::Null, d),
        }
    }
    async fn close(&self, ctx: &Ctx<'_, D>) -> Diagnostics {
        let tn = EphemeralResource::type_name(self);
        let close = EphemeralResource::close(self, ctx);
        match with_limits(&ctx.cancel, None, format!("closing {tn}"), close)
            .await
            .and_then(|r| r)
        {
            Ok(()) => Diagnostics::new(),
            Err(d) => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde::Deserialize;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::framework::schema::{Attribute, Block};

    /// An ephemeral resource whose `open` never finishes on its own.
    struct Stuck;

    #[derive(Serialize, Deserialize)]
    struct Model {
        value: Option<String>,
    }

    #[async_trait]
    impl EphemeralResource<()> for Stuck {
        type Model = Model;
        fn type_name(&self) -> &'static str {
            "test_stuck"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("t").attribute(Attribute::string("value").computed()),
            )
        }
        async fn open(&self, _: &Ctx<'_, ()>, _: Model) -> Result<Model, Diagnostics> {
            std::future::pending().await
        }
    }

    /// Opens "tokens" and records which ones were closed.
    #[derive(Default)]
    struct Tokens {
        closed: std::sync::Mutex<Vec<String>>,
    }

    #[async_trait]
    impl EphemeralResource<()> for Tokens {
        type Model = Model;
        fn type_name(&self) -> &'static str {
            "test_token"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("t").attribute(Attribute::string("value").computed()),
            )
        }
        async fn open(&self, ctx: &Ctx<'_, ()>, _: Model) -> Result<Model, Diagnostics> {
            ctx.private.set("token", &"id-1");
            Ok(Model {
                value: Some("opened".into()),
            })
        }
        async fn close(&self, ctx: &Ctx<'_, ()>) -> Result<(), Diagnostics> {
            let id: String = ctx.private.get("token").ok_or_else(|| {
                Diagnostics::from(crate::framework::diagnostics::Diagnostic::error(
                    "Nothing to close",
                    "no private state",
                ))
            })?;
            self.closed.lock().unwrap().push(id);
            Ok(())
        }
    }

    #[tokio::test]
    async fn close_gets_what_open_kept_in_private_state() {
        use crate::framework::private::PrivateState;
        let tokens = Tokens::default();
        let warnings = Default::default();
        let opened = PrivateState::default();
        let ctx = Ctx {
            data: Some(&()),
            cancel: CancellationToken::new(),
            private: &opened,
            warnings: &warnings,
        };
        let config = Value::Object([("value".into(), Value::Null)].into());
        let (result, diags) = DynEphemeralResource::open(&tokens, &ctx, &config).await;
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(result.attr("value"), &Value::string("opened"));
        // Through the bytes Terraform carries from Open to Close.
        let handed_back = PrivateState::from_bytes(&opened.to_bytes());
        let ctx = Ctx {
            private: &handed_back,
            ..ctx
        };
        assert!(DynEphemeralResource::close(&tokens, &ctx).await.is_empty());
        assert_eq!(*tokens.closed.lock().unwrap(), ["id-1"]);
        // Without what open kept, close reports instead of pretending.
        let empty = PrivateState::default();
        let ctx = Ctx {
            private: &empty,
            ..ctx
        };
        assert!(
            DynEphemeralResource::close(&tokens, &ctx)
                .await
                .has_errors()
        );
        // A resource with nothing to undo closes quietly.
        assert!(DynEphemeralResource::close(&Stuck, &ctx).await.is_empty());
    }

    #[tokio::test]
    async fn stop_provider_cancels_an_open_in_flight() {
        let cancel = CancellationToken::new();
        let private = crate::framework::private::PrivateState::default();
        let ctx = Ctx {
            data: None,
            cancel: cancel.clone(),
            private: &private,
            warnings: &Default::default(),
        };
        let stop = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            cancel.cancel();
        };
        let config = Value::Object([("value".into(), Value::Null)].into());
        let open = DynEphemeralResource::open(&Stuck, &ctx, &config);
        let ((result, diags), ()) =
            tokio::time::timeout(Duration::from_secs(5), async { tokio::join!(open, stop) })
                .await
                .expect("the open ends once Terraform asks the provider to stop");
        assert_eq!(result, Value::Null);
        let d = diags.iter().next().expect("a diagnostic");
        assert_eq!(d.summary, "Cancelled opening test_stuck");
    }
}
