//! The provider's own schemas: a configuration (msgpack) of the provider block, of any
//! resource, data source or ephemeral resource is decoded and validated, and stored state
//! (JSON, any schema version) of any resource is upgraded, as the RPCs do. None of it may
//! panic; a value that decodes round-trips; validation answers with diagnostics that have a
//! summary and a detail, never a "Provider bug"; an upgraded state fits the schema.
//!
//! Input: byte 0 picks the schema, byte 1 the mode, the rest is the payload.
#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use tfvonage::framework::cty::{Type, Value, msgpack};
use tfvonage::framework::data_source::DynDataSource;
use tfvonage::framework::diagnostics::{Diagnostics, Severity};
use tfvonage::framework::ephemeral::DynEphemeralResource;
use tfvonage::framework::provider::Provider;
use tfvonage::framework::resource::DynResource;
use tfvonage::framework::upgrade::RawState;
use tfvonage::provider::{ProviderData, VonageProvider};

enum Target {
    Provider,
    Resource(Arc<dyn DynResource<ProviderData>>),
    DataSource(Arc<dyn DynDataSource<ProviderData>>),
    Ephemeral(Arc<dyn DynEphemeralResource<ProviderData>>),
}

impl Target {
    fn value_type(&self) -> Type {
        match self {
            Target::Provider => VonageProvider.schema().value_type(),
            Target::Resource(r) => r.schema().value_type(),
            Target::DataSource(d) => d.schema().value_type(),
            Target::Ephemeral(e) => e.schema().value_type(),
        }
    }

    fn validate(&self, config: &Value, write_only_allowed: bool) -> Diagnostics {
        match self {
            Target::Provider => VonageProvider.validate(config),
            Target::Resource(r) => r.validate(config, write_only_allowed),
            Target::DataSource(d) => d.validate(config),
            Target::Ephemeral(e) => e.validate(config),
        }
    }
}

static TARGETS: LazyLock<Vec<(Target, Type)>> = LazyLock::new(|| {
    let p = VonageProvider;
    let mut targets = vec![Target::Provider];
    targets.extend(p.resources().into_iter().map(Target::Resource));
    targets.extend(p.data_sources().into_iter().map(Target::DataSource));
    targets.extend(p.ephemeral_resources().into_iter().map(Target::Ephemeral));
    targets
        .into_iter()
        .map(|t| {
            let ty = t.value_type();
            (t, ty)
        })
        .collect()
});

fn assert_well_formed(diags: &Diagnostics) {
    for d in diags.iter() {
        assert!(!d.summary.is_empty(), "a diagnostic without a summary");
        if d.severity == Severity::Error {
            assert!(
                !d.detail.is_empty(),
                "{}: an error without a detail",
                d.summary
            );
            assert!(
                !d.summary.starts_with("Provider bug"),
                "a configuration that fits the schema is a provider bug: {}: {}",
                d.summary,
                d.detail
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [which, mode, payload @ ..] = data else {
        return;
    };
    let (target, ty) = &TARGETS[*which as usize % TARGETS.len()];
    match (target, mode & 1) {
        (Target::Resource(r), 1) => {
            let version = i64::from(mode >> 1 & 3) - 1;
            let raw = RawState {
                json: payload,
                flatmap: mode & 0x80 != 0,
            };
            if let Ok(state) = r.upgrade_state(version, raw) {
                msgpack::encode(&state, ty).expect("an upgraded state fits the schema");
            }
        }
        _ => {
            // A null or wholly unknown configuration is not one Terraform sends; the RPC answers
            // it with an error diagnostic, which is all that can be said of it.
            if let Ok(config) = msgpack::decode(payload, ty)
                && !config.is_null()
                && !config.is_unknown()
            {
                fuzz_support::assert_msgpack_round_trip(&config, ty);
                assert_well_formed(&target.validate(&config, mode & 2 != 0));
            }
        }
    }
});
