//! Private state: data a resource keeps for itself beside an object, which Terraform stores
//! without showing it and hands back on the object's next operation.
//!
//! Owns [`PrivateState`], a small JSON map with typed get and set. The engine fills it from
//! the request's private bytes before it calls a resource and writes it back into the
//! response: ReadResource (`private` in and out), PlanResourceChange (`prior_private` in,
//! `planned_private` out), ApplyResourceChange (`planned_private` in, `private` out, stored
//! with the new state, also after a failure), ImportResourceState (out), and the ephemeral
//! resource RPCs (Open out, Renew and Close in).
//!
//! What Terraform does with it matters to its users: a replacement is planned twice, and the
//! second (create) call gets the first call's `planned_private` as its `prior_private`; both
//! halves of the replacement's apply get the final `planned_private`.
//!
//! Must not: hold secret values (Terraform keeps private state in the state file, readable by
//! anyone who can read state), or anything a user must be able to see.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One object's private state: named JSON values.
#[derive(Default)]
pub struct PrivateState {
    entries: Mutex<BTreeMap<String, serde_json::Value>>,
}

impl PrivateState {
    /// The state Terraform sent. Bytes that are not a JSON object (empty, or written by
    /// another provider version in another form) read as empty.
    pub fn from_bytes(bytes: &[u8]) -> PrivateState {
        let entries = serde_json::from_slice(bytes).unwrap_or_default();
        PrivateState {
            entries: Mutex::new(entries),
        }
    }

    /// The bytes to send back: empty when nothing is kept.
    pub fn to_bytes(&self) -> Vec<u8> {
        let entries = self.lock();
        if entries.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&*entries).unwrap_or_default()
        }
    }

    /// The value under `key`, when there is one of that type.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.lock().get(key).cloned()?;
        serde_json::from_value(value).ok()
    }

    pub fn set<T: Serialize>(&self, key: &str, value: &T) {
        if let Ok(v) = serde_json::to_value(value) {
            self.lock().insert(key.to_owned(), v);
        }
    }

    pub fn remove(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, serde_json::Value>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_typed_values_and_stays_empty_when_unused() {
        assert!(PrivateState::from_bytes(b"").to_bytes().is_empty());
        assert!(PrivateState::from_bytes(b"not json").to_bytes().is_empty());
        let p = PrivateState::default();
        p.set("pending", &("name", 42));
        let back = PrivateState::from_bytes(&p.to_bytes());
        assert_eq!(
            back.get::<(String, i64)>("pending"),
            Some(("name".into(), 42))
        );
        assert_eq!(back.get::<String>("pending"), None);
        back.remove("pending");
        assert!(back.to_bytes().is_empty());
    }
}
