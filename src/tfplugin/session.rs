//! What every RPC runs with, and the one place that runs it.
//!
//! [`Sessions`] holds what the RPCs of one provider process share: the configured provider
//! data (set by `ConfigureProvider`) and the stop signal (fired by `StopProvider`).
//! [`Sessions::serve`] runs one RPC body: it hands the body a [`Session`], whose
//! [`Session::ctx`] is the framework's `Ctx`; turns diagnostics the body returns early into
//! the RPC's response; turns a panic into an error diagnostic that names the RPC and the type
//! (see `panic_guard`), so the provider keeps serving; and logs the RPC's duration and how many
//! errors and warnings it answered with ("Served request"), at debug level.
//!
//! [`Sessions::serve_stream`] does the same for the server-streaming RPCs, `InvokeAction` and
//! `ListResource`: the body starts the stream, whose events come from a task of its own (the
//! action's invocation, the listing), and the log line is written when the stream ends, with
//! the diagnostics its events carried.
//!
//! The log context: both run the RPC inside its [`RpcContext`] (from [`Rpc::log_context`]), a
//! task-local that `logging` reads, so every line logged while serving it (the Vonage client's
//! request lines, retries and waits, a panic's location, "Served request") carries `tf_rpc`, a
//! `tf_req_id` fresh for this call, and the key of the type it is about. No call site passes
//! them. A streaming RPC's body runs in the context too, so the task it spawns for the events
//! takes the context along (`logging::in_current_context`), and its "Served request" line,
//! written when Terraform drops the stream, is written in it.
//!
//! Adding an RPC (list resources, actions): name it with the [`Rpc`] constructor of its kind
//! (add one for a new kind: it only picks the log key of the type name), implement
//! [`Diagnosable`] for its response (or for its stream's event), and write its body as a
//! closure over a [`Session`]. Work it spawns is spawned `in_current_context`.
//!
//! Must not: log values. Log lines carry RPC names, request ids, type names, durations and
//! counts only.

use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Response, Status};

use super::convert;
use super::panic_guard::{self, CatchPanic, Panicked};
use super::proto;
use crate::framework::action::ActionEvent;
use crate::framework::diagnostics::{Diagnostic, Diagnostics, Warnings};
use crate::framework::operation::Ctx;
use crate::framework::private::PrivateState;
use crate::logging::{self, RpcContext};

/// What every RPC method returns.
pub type Reply<T> = Result<Response<T>, Status>;

/// What one RPC runs with: the configured provider (if any), the stop signal, and the private
/// state of the object the RPC is about.
pub struct Session<D> {
    data: Option<Arc<D>>,
    cancel: CancellationToken,
    private: PrivateState,
    warnings: Warnings,
}

impl<D> Session<D> {
    /// The framework's view of this session.
    pub fn ctx(&self) -> Ctx<'_, D> {
        Ctx {
            data: self.data.as_deref(),
            cancel: self.cancel.clone(),
            private: &self.private,
            warnings: &self.warnings,
        }
    }

    /// `diags` with the warnings the operation gave beside its result.
    pub fn with_warnings(&self, mut diags: Diagnostics) -> Diagnostics {
        diags.extend(self.warnings.take());
        diags
    }

    /// This session, with the private state Terraform sent in the request.
    pub fn with_private(mut self, bytes: &[u8]) -> Self {
        self.private = PrivateState::from_bytes(bytes);
        self
    }

    /// What an operation that outlives the RPC call needs (a list stream): the configured
    /// provider and the stop signal.
    pub fn detach(self) -> (Option<Arc<D>>, CancellationToken) {
        (self.data, self.cancel)
    }

    /// The private state to send back in the response, as the operation left it.
    pub fn private_bytes(&self) -> Vec<u8> {
        self.private.to_bytes()
    }

    /// The configured provider and the stop signal, owned: for work that outlives the RPC's
    /// body (an action's invocation streams its events after the body returns).
    pub fn into_parts(self) -> (Option<Arc<D>>, CancellationToken) {
        (self.data, self.cancel)
    }
}

/// What the RPCs of one provider process share.
pub struct Sessions<D> {
    /// Set by `ConfigureProvider`; `None` before, or when the configuration was not yet known.
    data: RwLock<Option<Arc<D>>>,
    /// Fired by `StopProvider`; replaced afterwards so later calls can run.
    stop: Mutex<CancellationToken>,
}

impl<D: Send + Sync> Sessions<D> {
    pub fn new() -> Self {
        panic_guard::install_hook();
        Sessions {
            data: RwLock::new(None),
            stop: Mutex::new(CancellationToken::new()),
        }
    }

    /// Keep what `ConfigureProvider` produced for every later RPC.
    pub fn configure(&self, data: Option<D>) {
        *self.data.write().unwrap_or_else(|e| e.into_inner()) = data.map(Arc::new);
    }

    /// What `ConfigureProvider` produced, if anything: for work no RPC carries (closing what
    /// Terraform left open when it shuts the process down).
    pub fn data(&self) -> Option<Arc<D>> {
        self.data.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Cancel every operation in flight; later RPCs get a fresh signal.
    pub fn stop(&self) {
        let mut token = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        token.cancel();
        *token = CancellationToken::new();
    }

    fn open(&self) -> Session<D> {
        Session {
            data: self.data.read().unwrap_or_else(|e| e.into_inner()).clone(),
            cancel: self.stop.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            private: PrivateState::default(),
            warnings: Warnings::default(),
        }
    }

    /// Serve one RPC: run `body` in a fresh session, answer with its response or with the
    /// diagnostics it stopped on, and log the call.
    pub async fn serve<T, Fut>(&self, rpc: Rpc, body: impl FnOnce(Session<D>) -> Fut) -> Reply<T>
    where
        T: Diagnosable,
        Fut: Future<Output = Result<T, Diagnostics>>,
    {
        let started = Instant::now();
        let session = self.open();
        let context = rpc.log_context();
        let served = async move {
            let response = match CatchPanic::new(async move { body(session).await }).await {
                Ok(Ok(response)) => response,
                Ok(Err(d)) => T::from_diagnostics(&d),
                Err(panicked) => T::from_diagnostics(&rpc.panic_diagnostic(&panicked)),
            };
            rpc.log_served(started, response.diagnostics());
            Ok(Response::new(response))
        };
        context.scope(served).await
    }
}

impl<D: Send + Sync> Sessions<D> {
    /// Serve one server-streaming RPC: `body` starts the stream in a fresh session (or stops
    /// on diagnostics, sent as the stream's only event), in the RPC's log context. The log line
    /// is written when the stream ends or Terraform drops it, with the diagnostics of every
    /// event.
    pub fn serve_stream<T>(
        &self,
        rpc: Rpc,
        body: impl FnOnce(Session<D>) -> Result<BoxStream<T>, Diagnostics>,
    ) -> Reply<BoxStream<T>>
    where
        T: Diagnosable + Send + 'static,
    {
        let context = rpc.log_context();
        let mut served = Served {
            rpc,
            context: context.clone(),
            started: Instant::now(),
            diagnostics: Vec::new(),
        };
        let stream = context
            .sync_scope(|| body(self.open()))
            .unwrap_or_else(|d| Box::pin(tokio_stream::once(Ok(T::from_diagnostics(&d)))));
        let logged = stream.map(move |event| {
            if let Ok(e) = &event {
                served.diagnostics.extend_from_slice(e.diagnostics());
            }
            event
        });
        Ok(Response::new(Box::pin(logged)))
    }
}

/// A streaming RPC in flight; logs when dropped, that is when its stream is done (on the
/// transport's task, so in the context it keeps).
struct Served {
    rpc: Rpc,
    context: RpcContext,
    started: Instant,
    diagnostics: Vec<proto::Diagnostic>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let context = self.context.clone();
        context.sync_scope(|| self.rpc.log_served(self.started, &self.diagnostics));
    }
}

/// The RPC being served, named for logs.
pub struct Rpc {
    name: &'static str,
    /// The log key of the type name (`tf_resource_type`, ...), what it names, and the name.
    kind: Option<(&'static str, &'static str, String)>,
}

impl Rpc {
    /// An RPC about the provider as a whole.
    pub fn provider(name: &'static str) -> Rpc {
        Rpc { name, kind: None }
    }
    pub fn resource(name: &'static str, type_name: &str) -> Rpc {
        Rpc::typed(name, ("tf_resource_type", "resource"), type_name)
    }
    pub fn data_source(name: &'static str, type_name: &str) -> Rpc {
        Rpc::typed(name, ("tf_data_source_type", "data source"), type_name)
    }
    pub fn ephemeral(name: &'static str, type_name: &str) -> Rpc {
        Rpc::typed(
            name,
            ("tf_ephemeral_resource_type", "ephemeral resource"),
            type_name,
        )
    }
    pub fn action(name: &'static str, type_name: &str) -> Rpc {
        Rpc::typed(name, ("tf_action_type", "action"), type_name)
    }
    pub fn list(name: &'static str, type_name: &str) -> Rpc {
        Rpc::typed(name, ("tf_list_resource_type", "list resource"), type_name)
    }
    fn typed(
        name: &'static str,
        (key, what): (&'static str, &'static str),
        type_name: &str,
    ) -> Rpc {
        Rpc {
            name,
            kind: Some((key, what, type_name.to_owned())),
        }
    }

    /// What Terraform is told when the RPC panicked: which RPC, which type, where, and that
    /// it is a provider bug. Never the panic's message.
    pub fn panic_diagnostic(&self, panicked: &Panicked) -> Diagnostics {
        let about = match &self.kind {
            Some((_, what, type_name)) => format!(" for {what} `{type_name}`"),
            None => String::new(),
        };
        let location = panicked.location.as_deref().unwrap_or("an unknown place");
        Diagnostic::error(
            format!("Provider bug: {} crashed", self.name),
            format!(
                "\
                The Vonage provider crashed while serving {}{about} (at {location}). This is a \
                bug in the provider, not in your configuration. An operation in progress may \
                have been cut short: run `terraform plan` to see where things stand. Please \
                report it to the provider's maintainers with this message and the output of a \
                run with TF_LOG=debug. The provider keeps running.",
                self.name
            ),
        )
        .into()
    }

    /// A fresh log context for one call of this RPC: its name, a new request id, and the log
    /// key and name of its type.
    pub fn log_context(&self) -> RpcContext {
        let type_key = self
            .kind
            .as_ref()
            .map(|(key, _, name)| (*key, name.as_str()));
        RpcContext::new(self.name, type_key)
    }

    fn log_served(&self, started: Instant, diagnostics: &[proto::Diagnostic]) {
        if !logging::enabled(logging::Level::Debug) {
            return;
        }
        let error = proto::diagnostic::Severity::Error as i32;
        let errors = diagnostics.iter().filter(|d| d.severity == error).count();
        let warnings = diagnostics.len() - errors;
        let ms = started.elapsed().as_millis().to_string();
        let (errors, warnings) = (errors.to_string(), warnings.to_string());
        // The RPC's name, id and type come from the log context the line is written in.
        let fields = [
            ("tf_req_duration_ms", ms.as_str()),
            ("diagnostic_errors", errors.as_str()),
            ("diagnostic_warnings", warnings.as_str()),
        ];
        logging::debug("Served request", &fields);
    }
}

/// Responses that carry diagnostics, so an RPC body can fail early with `?` and still answer
/// Terraform with a diagnostic rather than a gRPC error.
pub trait Diagnosable {
    fn from_diagnostics(d: &Diagnostics) -> Self;
    fn diagnostics(&self) -> &[proto::Diagnostic];
}

macro_rules! diagnosable {
    ($($rpc:ident),* $(,)?) => {$(
        impl Diagnosable for proto::$rpc::Response {
            #[allow(clippy::needless_update)]
            fn from_diagnostics(d: &Diagnostics) -> Self {
                Self { diagnostics: convert::diagnostics(d), ..Default::default() }
            }
            fn diagnostics(&self) -> &[proto::Diagnostic] {
                &self.diagnostics
            }
        }
    )*};
}

diagnosable!(
    get_metadata,
    get_provider_schema,
    get_resource_identity_schemas,
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
    validate_action_config,
    plan_action,
    close_ephemeral_resource,
    validate_list_resource_config,
    generate_resource_config,
);

/// A `ListResource` event as a stream's answer: diagnostics that stop it early are its only
/// event.
impl Diagnosable for proto::list_resource::Event {
    fn from_diagnostics(d: &Diagnostics) -> Self {
        Self {
            diagnostic: convert::diagnostics(d),
            ..Default::default()
        }
    }
    fn diagnostics(&self) -> &[proto::Diagnostic] {
        &self.diagnostic
    }
}

/// An `InvokeAction` event as a stream's answer: diagnostics that stop it early are its
/// completion, and only a completion carries diagnostics.
impl Diagnosable for proto::invoke_action::Event {
    fn from_diagnostics(d: &Diagnostics) -> Self {
        convert::action_event(ActionEvent::Completed(d.clone()))
    }
    fn diagnostics(&self) -> &[proto::Diagnostic] {
        match &self.r#type {
            Some(proto::invoke_action::event::Type::Completed(c)) => &c.diagnostics,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The captured lines with `message`.
    fn lines<'a>(lines: &'a [serde_json::Value], message: &str) -> Vec<&'a serde_json::Value> {
        lines.iter().filter(|l| l["@message"] == message).collect()
    }

    #[tokio::test]
    async fn every_line_an_rpc_logs_names_the_rpc_its_call_and_its_type_once() {
        logging::captured::start();
        let sessions = Sessions::<()>::new();
        for _ in 0..2 {
            let _: Response<proto::plan_resource_change::Response> = sessions
                .serve(
                    Rpc::resource("PlanResourceChange", "vonage_subaccount"),
                    |_| async {
                        logging::debug("Vonage API request", &[("path", "/x")]);
                        Ok(Default::default())
                    },
                )
                .await
                .unwrap();
        }
        let _: Response<proto::configure_provider::Response> = sessions
            .serve(Rpc::provider("ConfigureProvider"), |_| async {
                Ok(Default::default())
            })
            .await
            .unwrap();
        logging::debug("after the RPCs", &[]);
        let captured = logging::captured::take();

        let requests = lines(&captured, "Vonage API request");
        let served = lines(&captured, "Served request");
        assert_eq!((requests.len(), served.len()), (2, 3), "{captured:?}");
        for (request, served) in requests.iter().zip(&served) {
            for line in [request, served] {
                assert_eq!(line["tf_rpc"], "PlanResourceChange");
                assert_eq!(line["tf_resource_type"], "vonage_subaccount");
                assert!(line.get(logging::PHASE_KEY).is_none());
            }
            assert_eq!(request["tf_req_id"], served["tf_req_id"], "one id per call");
        }
        assert_ne!(served[0]["tf_req_id"], served[1]["tf_req_id"]);
        let keys: Vec<&str> = served[2]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with('@'))
            .collect();
        assert_eq!(
            keys,
            [
                "tf_rpc",
                "tf_req_id",
                "tf_req_duration_ms",
                "diagnostic_errors",
                "diagnostic_warnings"
            ]
        );
        let after = lines(&captured, "after the RPCs");
        assert!(after[0].get("tf_rpc").is_none() && after[0].get("tf_req_id").is_none());
        assert!(
            after[0].get(logging::PHASE_KEY).is_some(),
            "outside, the phase"
        );
    }

    #[tokio::test]
    async fn a_streams_producer_task_and_its_served_line_carry_the_rpcs_context() {
        use proto::list_resource::Event;
        logging::captured::start();
        let sessions = Sessions::<()>::new();
        let stream: BoxStream<Event> = sessions
            .serve_stream(Rpc::list("ListResource", "vonage_subaccount"), |_| {
                let (tx, rx) = tokio::sync::mpsc::channel(1);
                tokio::spawn(logging::in_current_context(async move {
                    logging::debug("Vonage API request", &[]);
                    let _ = tx.send(Ok(Event::default())).await;
                }));
                Ok(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx)))
            })
            .unwrap()
            .into_inner();
        assert_eq!(stream.collect::<Vec<_>>().await.len(), 1);
        let captured = logging::captured::take();
        let request = lines(&captured, "Vonage API request")[0];
        let served = lines(&captured, "Served request")[0];
        for line in [request, served] {
            assert_eq!(line["tf_rpc"], "ListResource");
            assert_eq!(line["tf_list_resource_type"], "vonage_subaccount");
        }
        assert_eq!(request["tf_req_id"], served["tf_req_id"]);
    }

    #[tokio::test]
    async fn a_panic_becomes_a_diagnostic_naming_the_rpc_and_the_type() {
        let sessions = Sessions::<()>::new();
        let response: Response<proto::plan_resource_change::Response> = sessions
            .serve(
                Rpc::resource("PlanResourceChange", "vonage_thing"),
                |_| async {
                    if std::hint::black_box(true) {
                        panic!("value Hunter2secret");
                    }
                    Ok(Default::default())
                },
            )
            .await
            .unwrap();
        let d = &response.get_ref().diagnostics[0];
        assert_eq!(d.summary, "Provider bug: PlanResourceChange crashed");
        assert!(d.detail.contains("resource `vonage_thing`"), "{}", d.detail);
        assert!(
            d.detail.contains("src/tfplugin/session.rs:"),
            "{}",
            d.detail
        );
        assert!(!d.detail.contains("Hunter2secret"));
    }

    #[tokio::test]
    async fn a_stream_that_stops_early_is_one_completion_carrying_the_diagnostics() {
        use crate::framework::diagnostics::Diagnostic;
        use proto::invoke_action::{Event, event::Type};
        let sessions = Sessions::<()>::new();
        let stream: BoxStream<Event> = sessions
            .serve_stream(Rpc::action("InvokeAction", "t"), |_| {
                Err(Diagnostic::error("s", "d").into())
            })
            .unwrap()
            .into_inner();
        let events: Vec<Event> = stream.map(Result::unwrap).collect().await;
        assert_eq!(events.len(), 1);
        assert!(
            matches!(&events[0].r#type, Some(Type::Completed(c)) if c.diagnostics[0].summary == "s")
        );
        assert_eq!(events[0].diagnostics().len(), 1);
    }

    #[tokio::test]
    async fn an_early_return_becomes_the_responses_diagnostics_and_stop_reaches_the_session() {
        use crate::framework::diagnostics::Diagnostic;
        let sessions = Sessions::<()>::new();
        let response: Response<proto::read_resource::Response> = sessions
            .serve(Rpc::resource("ReadResource", "t"), |_| async {
                Err(Diagnostic::error("s", "d").into())
            })
            .await
            .unwrap();
        assert_eq!(response.get_ref().diagnostics[0].summary, "s");

        let session = sessions.open();
        assert!(session.ctx().data.is_none());
        sessions.stop();
        assert!(session.ctx().cancel.is_cancelled());
        assert!(!sessions.open().ctx().cancel.is_cancelled());
        sessions.configure(Some(()));
        assert!(sessions.open().ctx().data.is_some());
    }
}
