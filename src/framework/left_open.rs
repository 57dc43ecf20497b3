//! Ephemeral resources this process opened and Terraform has not closed: [`LeftOpen`], and
//! [`close_left_open`], which closes them when Terraform shuts the process down.
//!
//! Terraform closes an ephemeral resource once the run no longer needs it, but only when the
//! part of the run that used it succeeded: when anything downstream fails (a read through a
//! provider alias configured from the result, say), it skips the close ("upstream ... errored,
//! so skipping") and goes on to shut the provider down. What `open` made remotely would then
//! outlive the run. So every open is recorded here ([`open`]) and struck off when Terraform
//! closes it ([`close`]); at `GRPCController.Shutdown`, and when Terraform itself died, the
//! plugin layer calls [`close_left_open`], which runs each resource's own `close`, all at once,
//! within a time limit (go-plugin kills a provider about 2 s after Shutdown).
//!
//! An open is told from another by a mark the engine adds to its private state (which
//! Terraform hands back to close); the resource's own entries are untouched.
//!
//! Must not: close anything Terraform closed, or wait past the limit it is given.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::cty::Value;
use super::diagnostics::{Diagnostics, Severity, Warnings};
use super::ephemeral::DynEphemeralResource;
use super::operation::Ctx;
use super::private::PrivateState;

/// The private-state key of the mark that names one open.
const MARK: &str = "framework_open";

/// What one process opened that Terraform has not closed yet: each open's type and the private
/// state its close needs.
#[derive(Default)]
pub struct LeftOpen {
    open: Mutex<BTreeMap<String, (&'static str, Vec<u8>)>>,
}

impl LeftOpen {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (&'static str, Vec<u8>)>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many opens wait for their close.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `OpenEphemeralResource`: the resource's `open`, recorded as open when it succeeds.
pub async fn open<D: Send + Sync>(
    resource: &dyn DynEphemeralResource<D>,
    left_open: &LeftOpen,
    ctx: &Ctx<'_, D>,
    config: &Value,
) -> (Value, Diagnostics) {
    let (result, diags) = resource.open(ctx, config).await;
    if !diags.has_errors() {
        let mark = uuid::Uuid::new_v4().to_string();
        ctx.private.set(MARK, &mark);
        let entry = (resource.type_name(), ctx.private.to_bytes());
        left_open.lock().insert(mark, entry);
    }
    (result, diags)
}

/// `CloseEphemeralResource`: struck off (whatever its outcome: Terraform has been told of a
/// failure, and the resource says what is left behind), then the resource's `close`.
pub async fn close<D: Send + Sync>(
    resource: &dyn DynEphemeralResource<D>,
    left_open: &LeftOpen,
    ctx: &Ctx<'_, D>,
) -> Diagnostics {
    if let Some(mark) = ctx.private.get::<String>(MARK) {
        left_open.lock().remove(&mark);
    }
    resource.close(ctx).await
}

/// What [`close_left_open`] did.
#[derive(Debug, Default, PartialEq)]
pub struct Closed {
    /// Closes that succeeded.
    pub closed: usize,
    /// Closes that failed, by type name and summary (never a value), or did not finish in time.
    pub failed: Vec<String>,
}

/// Closes, all at once, every ephemeral resource left open, through its own `close` with the
/// private state its open kept. Closes still running when `limit` passes are cancelled and
/// reported as failed. `resource` finds a type by name.
pub async fn close_left_open<D: Send + Sync + 'static>(
    left_open: &LeftOpen,
    resource: impl Fn(&str) -> Option<Arc<dyn DynEphemeralResource<D>>>,
    data: Option<Arc<D>>,
    limit: Duration,
) -> Closed {
    let entries = std::mem::take(&mut *left_open.lock());
    let mut outcome = Closed::default();
    let cancel = CancellationToken::new();
    let mut running = JoinSet::new();
    for (_, (type_name, private)) in entries {
        let Some(resource) = resource(type_name) else {
            outcome.failed.push(format!("{type_name}: unknown type"));
            continue;
        };
        let (data, cancel) = (data.clone(), cancel.clone());
        running.spawn(async move {
            let (private, warnings) = (PrivateState::from_bytes(&private), Warnings::default());
            let ctx = Ctx {
                data: data.as_deref(),
                cancel,
                private: &private,
                warnings: &warnings,
            };
            (type_name, resource.close(&ctx).await)
        });
    }
    let mut unfinished = running.len();
    let all = async {
        while let Some(done) = running.join_next().await {
            unfinished -= 1;
            match done {
                Ok((_, diags)) if !diags.has_errors() => outcome.closed += 1,
                Ok((type_name, diags)) => outcome.failed.extend(
                    (diags.iter())
                        .filter(|d| d.severity == Severity::Error)
                        .map(|d| format!("{type_name}: {}", d.summary)),
                ),
                Err(e) => outcome.failed.push(format!("a close ended early: {e}")),
            }
        }
    };
    if tokio::time::timeout(limit, all).await.is_err() {
        cancel.cancel();
        running.abort_all();
        let late = format!("{unfinished} close(s) not finished within {limit:?}");
        outcome.failed.push(late);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::framework::diagnostics::Diagnostic;
    use crate::framework::ephemeral::EphemeralResource;
    use crate::framework::schema::{Attribute, Block, Schema};

    #[derive(Serialize, Deserialize)]
    struct Model {
        name: Option<String>,
    }

    /// Opens a token named by its configuration; its close records the name, fails for
    /// "broken" and never ends for "stuck".
    #[derive(Default)]
    struct Tokens {
        closed: Mutex<Vec<String>>,
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
                Block::new("t").attribute(Attribute::string("name").required()),
            )
        }
        async fn open(&self, ctx: &Ctx<'_, ()>, config: Model) -> Result<Model, Diagnostics> {
            ctx.private.set("name", &config.name);
            Ok(config)
        }
        async fn close(&self, ctx: &Ctx<'_, ()>) -> Result<(), Diagnostics> {
            let name: String = ctx.private.get("name").unwrap_or_default();
            match name.as_str() {
                "broken" => Err(Diagnostic::error("Not closed", "refused").into()),
                "stuck" => std::future::pending().await,
                _ => {
                    self.closed.lock().unwrap().push(name);
                    Ok(())
                }
            }
        }
    }

    /// Opens `names` as Terraform would, each in its own RPC; the private state of each.
    async fn open_all(tokens: &Tokens, left: &LeftOpen, names: &[&str]) -> Vec<Vec<u8>> {
        let mut privates = Vec::new();
        for name in names {
            let private = PrivateState::default();
            let ctx = Ctx {
                data: Some(&()),
                cancel: CancellationToken::new(),
                private: &private,
                warnings: &Warnings::default(),
            };
            let config = Value::Object([("name".into(), Value::string(*name))].into());
            let (_, diags) = open(tokens, left, &ctx, &config).await;
            assert!(diags.is_empty(), "{diags}");
            privates.push(private.to_bytes());
        }
        privates
    }

    #[tokio::test]
    async fn what_terraform_closed_is_not_closed_again_and_the_rest_is_closed_at_once() {
        let tokens = Arc::new(Tokens::default());
        let left = LeftOpen::default();
        let privates = open_all(&tokens, &left, &["a", "b", "broken"]).await;
        assert_eq!(left.len(), 3);
        // Terraform closes "a", with the private state open gave it.
        let handed_back = PrivateState::from_bytes(&privates[0]);
        let ctx = Ctx {
            data: Some(&()),
            cancel: CancellationToken::new(),
            private: &handed_back,
            warnings: &Warnings::default(),
        };
        assert!(close(tokens.as_ref(), &left, &ctx).await.is_empty());
        assert_eq!(left.len(), 2);

        let shared: Arc<dyn DynEphemeralResource<()>> = tokens.clone();
        let find = |t: &str| (t == "test_token").then(|| shared.clone());
        let limit = Duration::from_secs(5);
        let outcome = close_left_open(&left, find, Some(Arc::new(())), limit).await;
        assert_eq!(outcome.closed, 1);
        assert_eq!(outcome.failed, ["test_token: Not closed"]);
        assert_eq!(*tokens.closed.lock().unwrap(), ["a", "b"]);
        assert!(left.is_empty(), "nothing is closed twice");
    }

    #[tokio::test]
    async fn closes_that_outlast_the_limit_are_cancelled_and_reported() {
        let tokens = Arc::new(Tokens::default());
        let left = LeftOpen::default();
        open_all(&tokens, &left, &["stuck", "c"]).await;
        let shared: Arc<dyn DynEphemeralResource<()>> = tokens.clone();
        let find = |t: &str| (t == "test_token").then(|| shared.clone());
        let started = std::time::Instant::now();
        let limit = Duration::from_millis(200);
        let outcome = close_left_open(&left, find, Some(Arc::new(())), limit).await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "bounded by the limit"
        );
        assert_eq!(
            outcome.closed, 1,
            "the quick close ran beside the stuck one"
        );
        assert_eq!(outcome.failed.len(), 1, "{:?}", outcome.failed);
        assert!(
            outcome.failed[0].contains("not finished"),
            "{:?}",
            outcome.failed
        );
    }
}
