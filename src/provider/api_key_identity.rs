//! The resource identity `{ api_key }` (Terraform 1.12+: import blocks with `identity`), shared
//! by the resources that one API key names: `vonage_account_settings` (the account),
//! `vonage_api_secret_rotation` (the account whose secrets rotate) and `vonage_subaccount`.
//!
//! Owns: that identity's schema and its value, written once. Import by such an identity needs
//! nothing more: the engine takes a single-attribute identity as the import ID.
//! Must not: hold any one resource's rules, or be used for an identity of more attributes
//! (`vonage_api_secret`'s `{ api_key, id }` is its own).

use crate::framework::cty::Value;
use crate::framework::plan::object;
use crate::framework::schema::IdentitySchema;

/// The identity schema: one required `api_key`, described as `description` says (whose key it
/// is).
pub fn schema(description: &str) -> IdentitySchema {
    IdentitySchema::required_strings(&[("api_key", description)])
}

/// The identity of an object whose API key is `api_key`; `None` while the key is not known.
pub fn of(api_key: Option<&str>) -> Option<Value> {
    Some(object([("api_key", Value::string(api_key?))]))
}
