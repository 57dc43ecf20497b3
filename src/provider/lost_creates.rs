//! Creates whose answer was lost: what the failed run records, and how the next run finds the
//! object the lost request made instead of making a second one. DESIGN.md ("A create whose
//! answer is lost") tells the whole story; in short:
//!
//! 1. The failing create returns a partial state (no id) and, in its private state, a
//!    [`PendingCreate`]: which account, which name, and when the request was sent. Terraform
//!    keeps it, marked tainted.
//! 2. The next refresh reads that record and looks for the object: a subaccount of that name,
//!    or a secret the account did not have, made after the request was sent. One candidate is
//!    the lost create's; none means it never happened (the tainted object is dropped and a
//!    plain create planned); several stop the run before anything is made, naming them.
//! 3. Terraform replaces a tainted object, and a provider cannot clear the taint. For a
//!    subaccount, which can never be deleted, the replacement adopts what the refresh found:
//!    its destroy half leaves it alone and its create half takes it over, no POST. The link
//!    between the halves is the [`ADOPT`] entry of the planned private state, and this
//!    process's [`RecoveryBook`]. For a secret, whose value was lost with the answer, the
//!    replacement revokes the orphan and creates the secret from the configured value.
//!
//! Must not: guess. Every adoption needs exactly one candidate; anything else is a diagnostic.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::framework::diagnostics::Diagnostic;
use crate::vonage::Error;

/// The private-state key of a [`PendingCreate`].
pub const PENDING: &str = "pending_create";
/// The private-state key of the api key a replacement adopts instead of creating.
pub const ADOPT: &str = "adopt";

/// Clocks differ: a candidate may carry a creation time a little before the request was sent.
const SKEW: time::Duration = time::Duration::seconds(60);

/// A create whose outcome the failed run could not learn.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PendingCreate {
    /// The account the object was created in (for a subaccount, its primary).
    pub account: String,
    /// The name the object was given (subaccounts).
    pub name: Option<String>,
    /// When the request was sent (RFC 3339).
    pub sent_after: String,
    /// Objects the account already had (secret ids); none of them can be the lost create's.
    #[serde(default)]
    pub known: Vec<String>,
    /// For a secret in a subaccount the failed run made (whose first secret's id it never
    /// listed): secrets created before this (RFC 3339) cannot be the lost create's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_than: Option<String>,
}

impl PendingCreate {
    pub fn new(account: &str, name: Option<&str>, known: Vec<String>) -> PendingCreate {
        PendingCreate {
            account: account.to_owned(),
            name: name.map(str::to_owned),
            sent_after: OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH)
                .format(&Rfc3339)
                .unwrap_or_default(),
            known,
            newer_than: None,
        }
    }

    /// Only objects created at or after `from` can be the lost create's (see `newer_than`).
    pub fn newer_than(mut self, from: Option<OffsetDateTime>) -> PendingCreate {
        self.newer_than = from.and_then(|t| t.format(&Rfc3339).ok());
        self
    }

    /// True when an object created at `created_at` (RFC 3339) can be the lost create's.
    pub fn could_have_made(&self, id: &str, created_at: &str) -> bool {
        let (Ok(sent), Ok(made)) = (
            OffsetDateTime::parse(&self.sent_after, &Rfc3339),
            OffsetDateTime::parse(created_at, &Rfc3339),
        ) else {
            return false;
        };
        let newer = match self
            .newer_than
            .as_deref()
            .map(|t| OffsetDateTime::parse(t, &Rfc3339))
        {
            None => true,
            Some(Ok(from)) => made >= from,
            Some(Err(_)) => false,
        };
        made >= sent - SKEW && newer && !self.known.iter().any(|k| k == id)
    }

    /// When the request was sent, as a person reads it.
    pub fn sent_at(&self) -> &str {
        &self.sent_after
    }
}

/// True for the failures after which Vonage may have made the object.
pub fn outcome_unknown(err: &Error) -> bool {
    matches!(err, Error::UnknownOutcome { .. } | Error::Cancelled)
}

/// The failed run's diagnostic: what may exist, and what the next run does about it.
pub fn lost_create_diagnostic(what: &str, err: &Error, next_run: &str) -> Diagnostic {
    let why = match err {
        Error::Cancelled => "Terraform stopped the provider before Vonage's answer".to_string(),
        other => other.to_string(),
    };
    Diagnostic::error(
        format!("Vonage may have created {what}"),
        format!(
            "\
            The outcome of the create is unknown ({why}). Terraform keeps a record of the attempt \
            in its state (shown as tainted). {next_run} Nothing needs doing by hand: run \
            `terraform apply` again once Vonage answers."
        ),
    )
}

/// What this provider process learned from refreshing records of lost creates, for the plans
/// and applies that follow in the same process (Terraform refreshes and plans an object in one
/// process, and the destroy and create halves of a replacement run in one process, in order).
#[derive(Default)]
pub struct RecoveryBook {
    /// Subaccount name → api keys the refresh found for a lost create of that name.
    adoptions: Mutex<HashMap<String, Vec<String>>>,
    /// Account → secrets found as lost creates, which their replacements revoke.
    orphan_secrets: Mutex<HashMap<String, Vec<String>>>,
    /// Account → secrets planned for creation in this process, each taking a slot.
    claimed_slots: Mutex<HashMap<String, usize>>,
    /// Account → secrets in Terraform's state that this process refreshed.
    refreshed_secrets: Mutex<HashMap<String, Vec<String>>>,
    /// Subaccounts in Terraform's state that this process refreshed.
    refreshed_subaccounts: Mutex<HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RecoveryBook {
    /// A refresh (or a replacement's destroy half) found `key`, the subaccount a lost create
    /// named `name` made.
    pub fn note_adoption(&self, name: &str, key: &str) {
        let mut book = lock(&self.adoptions);
        let keys = book.entry(name.to_owned()).or_default();
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_owned());
        }
    }

    /// The subaccount a create of `name` should adopt, when exactly one was found.
    pub fn adoption_for(&self, name: &str) -> Option<String> {
        match lock(&self.adoptions).get(name).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }

    /// A refresh found `id`, a secret of `account` that a lost create made; its replacement
    /// revokes it before creating, so it frees its slot.
    pub fn note_orphan_secret(&self, account: &str, id: &str) {
        let mut book = lock(&self.orphan_secrets);
        let ids = book.entry(account.to_owned()).or_default();
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }

    /// Plans a new secret in `account`, which holds `existing` (ids) and allows `max`. The slot
    /// is free when the secrets kept, plus those planned before in this process, leave room;
    /// `freed` names a secret this create's replacement revokes first. Returns the ids that
    /// stay when there is no room.
    /// A refresh found secret `id` of `account`, an object in Terraform's state.
    pub fn note_refreshed_secret(&self, account: &str, id: &str) {
        let mut book = lock(&self.refreshed_secrets);
        let ids = book.entry(account.to_owned()).or_default();
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }

    /// A refresh found subaccount `key`, an object in Terraform's state.
    pub fn note_refreshed_subaccount(&self, key: &str) {
        lock(&self.refreshed_subaccounts).insert(key.to_owned());
    }

    /// Whether a refresh in this process found subaccount `key` in Terraform's state.
    pub fn was_refreshed_subaccount(&self, key: &str) -> bool {
        lock(&self.refreshed_subaccounts).contains(key)
    }

    /// Whether a refresh in this process found secret `id` of `account` in Terraform's state.
    pub fn was_refreshed(&self, account: &str, id: &str) -> bool {
        lock(&self.refreshed_secrets)
            .get(account)
            .is_some_and(|ids| ids.iter().any(|i| i == id))
    }

    pub fn claim_secret_slot(
        &self,
        account: &str,
        existing: &[String],
        freed: Option<&str>,
        max: usize,
    ) -> Result<(), Vec<String>> {
        let orphans = lock(&self.orphan_secrets)
            .get(account)
            .cloned()
            .unwrap_or_default();
        let staying: Vec<String> = existing
            .iter()
            .filter(|id| Some(id.as_str()) != freed && !orphans.contains(id))
            .cloned()
            .collect();
        let mut claimed = lock(&self.claimed_slots);
        let taken = claimed.entry(account.to_owned()).or_default();
        if staying.len() + *taken >= max {
            return Err(staying);
        }
        *taken += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_is_new_and_not_older_than_the_request() {
        let pending = PendingCreate {
            account: "abcd1234".into(),
            name: Some("team".into()),
            sent_after: "2026-11-30T10:00:00Z".into(),
            known: vec!["old".into()],
            newer_than: None,
        };
        assert!(pending.could_have_made("new", "2026-11-30T10:00:01.327Z"));
        assert!(
            pending.could_have_made("new", "2026-11-30T09:59:30Z"),
            "clock skew"
        );
        assert!(!pending.could_have_made("new", "2026-11-30T09:58:00Z"));
        assert!(!pending.could_have_made("old", "2026-11-30T10:00:05Z"));
        assert!(!pending.could_have_made("new", "not a time"));
        // In a subaccount the failed run made, its first secret (made in an earlier second) is
        // never taken for the lost one, though its id was never listed.
        let fresh = PendingCreate {
            known: Vec::new(),
            ..pending
        }
        .newer_than(Some(
            OffsetDateTime::parse("2026-11-30T10:00:01Z", &Rfc3339).unwrap(),
        ));
        assert!(!fresh.could_have_made("first", "2026-11-30T10:00:00Z"));
        assert!(fresh.could_have_made("lost", "2026-11-30T10:00:01Z"));
    }

    #[test]
    fn adoption_needs_exactly_one_candidate() {
        let book = RecoveryBook::default();
        assert_eq!(book.adoption_for("team"), None);
        book.note_adoption("team", "aaaa1111");
        book.note_adoption("team", "aaaa1111");
        assert_eq!(book.adoption_for("team").as_deref(), Some("aaaa1111"));
        book.note_adoption("team", "bbbb2222");
        assert_eq!(book.adoption_for("team"), None);
    }

    #[test]
    fn secret_slots_count_orphans_replacements_and_earlier_claims() {
        let book = RecoveryBook::default();
        let two = ["own".to_string(), "other".to_string()];
        assert_eq!(
            book.claim_secret_slot("k", &two, None, 2),
            Err(two.to_vec())
        );
        // Replacing `other` (revoke first) frees its slot, once.
        assert_eq!(book.claim_secret_slot("k", &two, Some("other"), 2), Ok(()));
        assert!(book.claim_secret_slot("k", &two, Some("other"), 2).is_err());
        // An orphan a refresh found frees its slot for its replacement.
        let book = RecoveryBook::default();
        book.note_orphan_secret("k", "other");
        assert_eq!(book.claim_secret_slot("k", &two, None, 2), Ok(()));
        assert!(
            book.claim_secret_slot("k", &["own".into()], None, 2)
                .is_err()
        );
    }
}
