//! The action interface for authors (Terraform 1.14+), and the engine that runs it.
//!
//! An action is something Terraform *does* rather than an object it keeps: it has a
//! configuration and no state. Terraform invokes it by hand (`terraform apply
//! -invoke=action.TYPE.NAME`) or from a resource's `lifecycle { action_trigger { ... } }`.
//! [`Action`] is what one action file implements on its own typed model, in three phases:
//! `validate` (no API, values may be unknown), `plan` (checks that change nothing, values may
//! still be unknown) and `invoke` (do it, reporting progress as it goes).
//!
//! [`DynAction`] is the value-level face the RPC layer calls. Its `invoke` answers with a
//! stream of [`ActionEvent`]s that always ends with **exactly one** `Completed` carrying the
//! diagnostics, whatever happens: an error, a panic in the action, or Terraform stopping the
//! provider. Progress messages are never empty. (Terraform panics on an event with neither.)
//! Action schemas may not have computed or sensitive attributes; [`schema_problems`] says
//! which break that rule, and a test holds every action of the provider to it.
//!
//! Must not: see protobuf or msgpack (that is `tfplugin`), or know any Vonage detail.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tokio_util::sync::CancellationToken;

use super::cty::{self, Value};
use super::diagnostics::{Diagnostic, Diagnostics, Warnings};
use super::operation::{Ctx, ValidateRequest, model_error, validate_config};
use super::private::PrivateState;
use super::schema::{AttrType, Attribute, Schema};
use crate::logging;

/// One event of an invocation, in the order Terraform shows them.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionEvent {
    /// A status line ("Action <addr>: message" in Terraform's output).
    Progress(String),
    /// The end of the invocation, with its diagnostics (empty on success).
    Completed(Diagnostics),
}

/// Where an action reports what it is doing while it runs.
pub struct Progress {
    events: mpsc::UnboundedSender<ActionEvent>,
}

impl Progress {
    /// Send a status line to Terraform. Empty messages are dropped.
    pub fn report(&self, message: impl Into<String>) {
        let message = message.into();
        if !message.trim().is_empty() {
            // The receiver is gone only when Terraform stopped listening; nothing to tell then.
            let _ = self.events.send(ActionEvent::Progress(message));
        }
    }
}

/// One action type, written against its own model struct.
#[async_trait]
pub trait Action<D: Send + Sync>: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync;

    fn type_name(&self) -> &'static str;
    /// The configuration the `action` block's `config {}` accepts: no computed or sensitive
    /// attributes.
    fn schema(&self) -> Schema;
    /// Checks that need no API. Unknown values read as `None`; `unknown` says which.
    fn validate(&self, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// Checks that may read the API but change nothing, at plan time. The configuration may
    /// still hold unknowns (for example a key of a resource not yet created).
    async fn plan(&self, _ctx: &Ctx<'_, D>, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// Do it. The configuration is wholly known. Report progress through `progress`; the
    /// returned diagnostics end the invocation.
    async fn invoke(
        &self,
        ctx: &Ctx<'_, D>,
        config: Self::Model,
        progress: &Progress,
    ) -> Diagnostics;
}

/// A stream of invocation events; it always ends with one `Completed`.
pub type ActionEvents = UnboundedReceiverStream<ActionEvent>;

/// The value-level face of an action. Implemented for every [`Action`].
#[async_trait]
pub trait DynAction<D: Send + Sync + 'static>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn plan(&self, ctx: &Ctx<'_, D>, config: &Value) -> Diagnostics;
    /// Start the invocation on its own task and return its events.
    fn invoke(
        self: Arc<Self>,
        data: Option<Arc<D>>,
        cancel: CancellationToken,
        config: Value,
    ) -> ActionEvents;
}

/// What in `schema` an action may not have: computed or sensitive attributes, at any depth.
pub fn schema_problems(schema: &Schema) -> Vec<String> {
    fn walk(attributes: &[Attribute], at: &str, found: &mut Vec<String>) {
        for a in attributes {
            let path = format!("{at}{}", a.name);
            if a.computed {
                found.push(format!("`{path}` is computed"));
            }
            if a.sensitive {
                found.push(format!("`{path}` is sensitive"));
            }
            if let AttrType::Nested(_, inner) = &a.ty {
                walk(inner, &format!("{path}."), found);
            }
        }
    }
    let mut found = Vec::new();
    walk(&schema.block.attributes, "", &mut found);
    for nb in &schema.block.blocks {
        walk(&nb.block.attributes, &format!("{}.", nb.name), &mut found);
    }
    found
}

#[async_trait]
impl<D: Send + Sync + 'static, A: Action<D>> DynAction<D> for A {
    fn type_name(&self) -> &'static str {
        Action::type_name(self)
    }
    fn schema(&self) -> Schema {
        Action::schema(self)
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        let schema = Action::schema(self);
        validate_config(Action::type_name(self), &schema.block, config, |req| {
            Action::validate(self, req)
        })
    }
    async fn plan(&self, ctx: &Ctx<'_, D>, config: &Value) -> Diagnostics {
        let model = match cty::serde::from_value::<A::Model>(config) {
            Ok(m) => m,
            Err(e) => return model_error(Action::type_name(self), e),
        };
        let unknown = |name: &str| config.attr(name).is_unknown();
        let req = || ValidateRequest {
            config: &model,
            unknown: &unknown,
        };
        let mut diags = Action::validate(self, req());
        if !diags.has_errors() {
            diags.extend(Action::plan(self, ctx, req()).await);
        }
        diags
    }
    fn invoke(
        self: Arc<Self>,
        data: Option<Arc<D>>,
        cancel: CancellationToken,
        config: Value,
    ) -> ActionEvents {
        let (events, receiver) = mpsc::unbounded_channel();
        let progress = Progress {
            events: events.clone(),
        };
        let tn = Action::type_name(self.as_ref());
        let stop = cancel.clone();
        // The work runs on a task of its own, so that a panic in it ends as a diagnostic; both
        // tasks carry the RPC's log context, so the requests they log name the invocation.
        let work = tokio::spawn(logging::in_current_context(async move {
            if !config.is_wholly_known() {
                return Diagnostics::from(Diagnostic::error(
                    format!("Provider bug in {tn}: invoked with unknown values"),
                    "\
                    Terraform invokes an action only once its configuration is known. Please \
                    report this to the provider's maintainers.",
                ));
            }
            let model = match cty::serde::from_value::<A::Model>(&config) {
                Ok(m) => m,
                Err(e) => return model_error(tn, e),
            };
            // Actions keep no state, so they have no private state either.
            let private = PrivateState::default();
            let warnings = Warnings::default();
            let ctx = Ctx {
                data: data.as_deref(),
                cancel,
                private: &private,
                warnings: &warnings,
            };
            let mut diags = Action::invoke(self.as_ref(), &ctx, model, &progress).await;
            diags.extend(warnings.take());
            diags
        }));
        tokio::spawn(logging::in_current_context(async move {
            let abort = work.abort_handle();
            let diags = tokio::select! {
                joined = work => match joined {
                    Ok(diags) => diags,
                    Err(e) if e.is_panic() => Diagnostic::error(
                        format!("Provider bug in {tn}: the action panicked"),
                        "\
                        The action stopped unexpectedly and may have partly happened. Check the \
                        account before invoking it again, and report this to the provider's \
                        maintainers with the output of a run with TF_LOG=debug.",
                    )
                    .into(),
                    Err(_) => cancelled(tn),
                },
                _ = stop.cancelled() => {
                    abort.abort();
                    cancelled(tn)
                }
            };
            let _ = events.send(ActionEvent::Completed(diags));
        }));
        UnboundedReceiverStream::new(receiver)
    }
}

fn cancelled(type_name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Cancelled {type_name}"),
        "\
        Terraform asked the provider to stop while the action ran, so it may or may not have \
        happened. Check the account (for a transfer, the transfer list) before invoking it again.",
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, Block};
    use serde::Deserialize;
    use tokio_stream::StreamExt;

    /// An action that reports, then does what its `mode` says.
    struct Echo;

    #[derive(Serialize, Deserialize)]
    struct Model {
        mode: Option<String>,
    }

    #[async_trait]
    impl Action<()> for Echo {
        type Model = Model;
        fn type_name(&self) -> &'static str {
            "test_echo"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("e").attribute(Attribute::string("mode").required()),
            )
        }
        fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
            match req.config.mode.as_deref() {
                Some("invalid") => Diagnostic::error("invalid mode", "d").into(),
                _ => Diagnostics::new(),
            }
        }
        async fn plan(&self, _ctx: &Ctx<'_, ()>, req: ValidateRequest<'_, Model>) -> Diagnostics {
            if (req.unknown)("mode") {
                return Diagnostic::warning("mode unknown", "d").into();
            }
            Diagnostics::new()
        }
        async fn invoke(
            &self,
            ctx: &Ctx<'_, ()>,
            config: Model,
            progress: &Progress,
        ) -> Diagnostics {
            logging::debug("invoking", &[]);
            progress.report("starting");
            progress.report("  ");
            match config.mode.as_deref() {
                Some("panic") => panic!("boom"),
                Some("hang") => {
                    ctx.cancel.cancelled().await;
                    std::future::pending().await
                }
                Some("fail") => Diagnostic::error("failed", "d").into(),
                _ => Diagnostics::new(),
            }
        }
    }

    fn config(mode: Value) -> Value {
        crate::framework::plan::object([("mode", mode)])
    }

    async fn run(mode: &str, cancel: CancellationToken) -> Vec<ActionEvent> {
        let action: Arc<dyn DynAction<()>> = Arc::new(Echo);
        action
            .invoke(Some(Arc::new(())), cancel, config(Value::string(mode)))
            .collect()
            .await
    }

    fn completed(events: &[ActionEvent]) -> &Diagnostics {
        match events.last() {
            Some(ActionEvent::Completed(d)) => d,
            other => panic!("the last event is not Completed: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_invocation_reports_progress_then_completes_exactly_once() {
        for mode in ["ok", "fail", "panic"] {
            let events = run(mode, CancellationToken::new()).await;
            assert_eq!(
                events[0],
                ActionEvent::Progress("starting".into()),
                "{mode}"
            );
            assert_eq!(
                events.len(),
                2,
                "{mode}: blank progress is dropped: {events:?}"
            );
            let diags = completed(&events);
            assert_eq!(diags.has_errors(), mode != "ok", "{mode}: {diags}");
            if mode == "panic" {
                assert!(diags.to_string().contains("panicked"), "{diags}");
            }
        }
    }

    #[tokio::test]
    async fn the_invocations_tasks_log_in_the_rpcs_context() {
        logging::captured::start();
        let context =
            logging::RpcContext::new("InvokeAction", Some(("tf_action_type", "test_echo")));
        let action: Arc<dyn DynAction<()>> = Arc::new(Echo);
        let events = context.sync_scope(|| {
            action.invoke(None, CancellationToken::new(), config(Value::string("ok")))
        });
        assert!(completed(&events.collect::<Vec<_>>().await).is_empty());
        let lines = logging::captured::take();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["tf_rpc"], "InvokeAction");
        assert_eq!(lines[0]["tf_action_type"], "test_echo");
    }

    #[tokio::test]
    async fn stopping_the_provider_completes_the_invocation_with_an_error() {
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            stop.cancel();
        });
        let events = run("hang", cancel).await;
        assert!(
            completed(&events)
                .to_string()
                .contains("Cancelled test_echo")
        );
    }

    #[tokio::test]
    async fn plan_validates_first_and_sees_unknowns() {
        let private = PrivateState::default();
        let warnings = crate::framework::diagnostics::Warnings::default();
        let ctx = Ctx {
            data: None,
            cancel: CancellationToken::new(),
            private: &private,
            warnings: &warnings,
        };
        let echo: &dyn DynAction<()> = &Echo;
        let invalid = echo.plan(&ctx, &config(Value::string("invalid"))).await;
        assert_eq!(invalid.iter().next().unwrap().summary, "invalid mode");
        let unknown = echo.plan(&ctx, &config(Value::Unknown)).await;
        assert_eq!(unknown.iter().next().unwrap().summary, "mode unknown");
        let not_known = run_unknown().await;
        assert!(completed(&not_known).has_errors());
    }

    async fn run_unknown() -> Vec<ActionEvent> {
        let action: Arc<dyn DynAction<()>> = Arc::new(Echo);
        action
            .invoke(None, CancellationToken::new(), config(Value::Unknown))
            .collect()
            .await
    }

    #[test]
    fn computed_and_sensitive_attributes_are_named() {
        let schema = Schema::new(
            0,
            Block::new("a")
                .attribute(Attribute::string("ok").required())
                .attribute(Attribute::string("id").computed())
                .attribute(Attribute::string("token").optional().sensitive()),
        );
        assert_eq!(
            schema_problems(&schema),
            ["`id` is computed", "`token` is sensitive"]
        );
        assert!(schema_problems(&Action::schema(&Echo)).is_empty());
    }
}
