//! The data-source interface for authors, and the engine that runs it.
//!
//! Owns [`DataSource`] (one file per data source, on a typed model) and [`DynDataSource`]
//! (the value-level face the RPC layer calls). Terraform reads a data source only once its
//! configuration is wholly known, so `read` always sees known values.
//!
//! Must not: see protobuf or msgpack.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::{self, Value};
use super::diagnostics::Diagnostics;
use super::operation::{Ctx, ValidateRequest, model_error, validate_config, with_limits};
use super::schema::Schema;

/// One data source type, written against its own model struct.
#[async_trait]
pub trait DataSource<D: Send + Sync>: Send + Sync + 'static {
    /// One `Option` field per attribute, as for resources.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// The data source type name (`vonage_...`). Asked once, when the provider starts.
    fn type_name(&self) -> &'static str;
    /// The attributes, with their flags and descriptions. Sent once per process and used by
    /// the engine on every call, so it must be cheap and always the same.
    fn schema(&self) -> Schema;
    /// `ValidateDataResourceConfig`: checks that need no API, on `validate`, `plan` and
    /// `apply`, with no provider data. Arguments not yet known read as `None` (ask
    /// `req.unknown`). Diagnostics carry the attribute path and never the value.
    fn validate(&self, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// `ReadDataSource`: during plan when the configuration is wholly known, otherwise during
    /// apply once it is. Return `config` with its computed attributes filled: every configured
    /// value kept as it is. Must not change anything remotely. Cancelled when Terraform asks
    /// the provider to stop.
    async fn read(&self, ctx: &Ctx<'_, D>, config: Self::Model)
    -> Result<Self::Model, Diagnostics>;
}

/// The value-level face of a data source, which the RPC layer calls. Implemented for every
/// [`DataSource`].
#[async_trait]
pub trait DynDataSource<D: Send + Sync>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn read(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics);
}

#[async_trait]
impl<D: Send + Sync, S: DataSource<D>> DynDataSource<D> for S {
    fn type_name(&self) -> &'static str {
        DataSource::type_name(self)
    }
    fn schema(&self) -> Schema {
        DataSource::schema(self)
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        let block = DataSource::schema(self).block;
        validate_config(DataSource::type_name(self), &block, config, |req| {
            DataSource::validate(self, req)
        })
    }
    async fn read(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics) {
        let tn = DataSource::type_name(self);
        // Checks that waited for unknown values run now that the configuration is known.
        let recheck = DynDataSource::validate(self, config).errors();
        if recheck.has_errors() {
            return (Value::Null, recheck);
        }
        let model = match cty::serde::from_value::<S::Model>(config) {
            Ok(m) => m,
            Err(e) => return (Value::Null, model_error(tn, e)),
        };
        let read = DataSource::read(self, ctx, model);
        match with_limits(&ctx.cancel, None, format!("reading {tn}"), read)
            .await
            .and_then(|r| r)
        {
            Ok(m) => match cty::serde::to_value(&m, &DataSource::schema(self).value_type()) {
                Ok(v) => (v, Diagnostics::new()),
                Err(e) => (Value::Null, model_error(tn, e)),
            },
            Err(d) => (Value::Null, d),
        }
    }
}
