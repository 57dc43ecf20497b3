//! The ephemeral-resource interface for authors (Terraform 1.10+), and the engine that runs it.
//!
//! An ephemeral resource produces values that Terraform uses during one run and never writes
//! to plan or state, which makes it the natural source for write-only arguments.
//!
//! Must not: see protobuf or msgpack.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::{self, Value};
use super::diagnostics::Diagnostics;
use super::resource::{Ctx, ValidateRequest, model_error, validate_model};
use super::schema::Schema;

#[async_trait]
pub trait EphemeralResource<D: Send + Sync>: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// Produce the result from the configuration.
    async fn open(&self, ctx: &Ctx<'_, D>, config: Self::Model)
    -> Result<Self::Model, Diagnostics>;
}

#[async_trait]
pub trait DynEphemeralResource<D: Send + Sync>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn open(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics);
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
        validate_model(EphemeralResource::type_name(self), config, |req| {
            EphemeralResource::validate(self, req)
        })
    }
    async fn open(&self, ctx: &Ctx<'_, D>, config: &Value) -> (Value, Diagnostics) {
        let tn = EphemeralResource::type_name(self);
        let model = match cty::serde::from_value::<E::Model>(config) {
            Ok(m) => m,
            Err(e) => return (Value::Null, model_error(tn, e)),
        };
        match EphemeralResource::open(self, ctx, model).await {
            Ok(m) => {
                match cty::serde::to_value(&m, &EphemeralResource::schema(self).value_type()) {
                    Ok(v) => (v, Diagnostics::new()),
                    Err(e) => (Value::Null, model_error(tn, e)),
                }
            }
            Err(d) => (Value::Null, d),
        }
    }
}
