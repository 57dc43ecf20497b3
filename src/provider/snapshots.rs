//! Read-through snapshots of the lists Vonage answers in one call: the primary's subaccounts
//! (all of them, with totals) and one account's secrets (at most two). They set the provider's
//! API-call budget: refreshing N subaccounts costs one list, not N GETs, and creating N costs N
//! POSTs after one list.
//!
//! Owns [`Snapshots`], kept in `ProviderData`, so one per provider process, and so one per
//! Terraform command at most: Terraform starts fresh provider processes for every command, so a
//! snapshot is never older than the command reading it, and drift made between two commands is
//! always seen. Within a process:
//! - concurrent readers share one request (single-flight): the first fetches, the others wait
//!   for its answer;
//! - every write in the process invalidates what it changes; the next read fetches again;
//! - the credential check made when the provider is configured
//!   (`ProviderData::credentials_checked`) reads the subaccount snapshot, so a plan of
//!   subaccounts pays nothing more for it.
//!
//! A subaccount missing from the snapshot is fetched by key before it is called gone, so an
//! object made in this process after the snapshot is never lost.
//!
//! Every subaccount a list showed is also kept by key, with the ones this process made or
//! changed set apart: the check that a create makes no duplicate name
//! ([`Snapshots::same_name_active`]) reads that, so the creates of one apply cost no list each.
//!
//! A subaccount this process made holds exactly the secret made with it until a write in it:
//! [`Snapshots::known_secrets`] says so ([`KnownSecrets::FirstOnly`]) without listing, so that a
//! secret planned and created in it costs no list (an apply of N subaccounts with a secret each
//! makes 2N + 2 calls).
//!
//! Must not: serve a write's "before" view from anything but what this process saw (the
//! reconciliation of a lost create depends on it), or cache failures.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::Mutex as AsyncMutex;

use crate::vonage::{ApiSecret, Client, Error, FirstSecretOnly, Subaccount, SubaccountList};

type Slot<T> = Arc<AsyncMutex<Option<Arc<T>>>>;

/// This process's snapshots.
#[derive(Default)]
pub struct Snapshots {
    subaccounts: Slot<SubaccountList>,
    /// Every subaccount key this process has seen or made: what a create's reconciliation may
    /// never take for the subaccount it made. `None` until a first list.
    known_subaccounts: Mutex<Option<HashSet<String>>>,
    /// Every subaccount a list of this process showed, by key, as last listed.
    seen: Mutex<HashMap<String, Subaccount>>,
    /// Subaccounts this process made or changed since they were listed.
    written: Mutex<HashSet<String>>,
    secrets: Mutex<HashMap<String, Slot<Vec<ApiSecret>>>>,
    /// Subaccounts this process made, which hold only their first secret until a write in them.
    first_secret_only: Mutex<HashMap<String, FirstSecretOnly>>,
}

/// What this process knows of an account's secrets.
pub enum KnownSecrets {
    /// As listed (a snapshot).
    Listed(Arc<Vec<ApiSecret>>),
    /// Only the secret made with the account, which this process made: not listed.
    FirstOnly(FirstSecretOnly),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Snapshots {
    /// The primary's subaccount list, fetched once until a write invalidates it.
    pub async fn subaccounts(&self, client: &Client) -> Result<Arc<SubaccountList>, Error> {
        let mut slot = self.subaccounts.lock().await;
        if let Some(list) = slot.as_ref() {
            return Ok(list.clone());
        }
        let list = Arc::new(client.list_subaccounts().await?);
        self.learn(&list);
        *slot = Some(list.clone());
        Ok(list)
    }

    fn learn(&self, list: &SubaccountList) {
        lock(&self.known_subaccounts)
            .get_or_insert_default()
            .extend(list.subaccounts.iter().map(|s| s.api_key.clone()));
        let mut seen = lock(&self.seen);
        for s in &list.subaccounts {
            seen.insert(s.api_key.clone(), s.clone());
        }
    }

    /// The active subaccounts named `name` that this process neither made nor changed, as the
    /// process's first list showed them: what a create of that name would duplicate. Lists
    /// the subaccounts only when this process never has.
    pub async fn same_name_active(
        &self,
        client: &Client,
        name: &str,
    ) -> Result<Vec<Subaccount>, Error> {
        self.known_subaccounts(client).await?;
        let written = lock(&self.written);
        let seen = lock(&self.seen);
        let mut found: Vec<Subaccount> = seen
            .values()
            .filter(|s| s.name == name && !s.suspended && !written.contains(&s.api_key))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(found)
    }

    /// Subaccount `key` was changed (suspended, renamed) by this process.
    pub fn note_written(&self, key: &str) {
        lock(&self.written).insert(key.to_owned());
    }

    /// One subaccount: from the snapshot, or by key when the snapshot does not have it (made
    /// since, or not the primary's). `Error::NotFound` when it does not exist.
    pub async fn subaccount(&self, client: &Client, key: &str) -> Result<Subaccount, Error> {
        let list = self.subaccounts(client).await?;
        match list.subaccounts.iter().find(|s| s.api_key == key) {
            Some(s) => Ok(s.clone()),
            None => client.get_subaccount(key).await,
        }
    }

    /// Every subaccount key this process knows existed: the "before" set of a create. Lists the
    /// subaccounts only when this process has never listed them (writes do not make it list
    /// again: what it made is added as it is made).
    pub async fn known_subaccounts(&self, client: &Client) -> Result<HashSet<String>, Error> {
        if let Some(known) = lock(&self.known_subaccounts).as_ref() {
            return Ok(known.clone());
        }
        self.subaccounts(client).await?;
        Ok(lock(&self.known_subaccounts).clone().unwrap_or_default())
    }

    /// A subaccount changed or appeared (`made` names a new one): later reads fetch again.
    pub async fn subaccounts_changed(&self, made: Option<&str>) {
        if let Some(key) = made {
            self.note_written(key);
            if let Some(known) = lock(&self.known_subaccounts).as_mut() {
                known.insert(key.to_owned());
            }
        }
        *self.subaccounts.lock().await = None;
    }

    fn secrets_slot(&self, account: &str) -> Slot<Vec<ApiSecret>> {
        lock(&self.secrets)
            .entry(account.to_owned())
            .or_default()
            .clone()
    }

    /// `account`'s secrets, fetched once until a write in that account invalidates them.
    pub async fn secrets(
        &self,
        client: &Client,
        account: &str,
    ) -> Result<Arc<Vec<ApiSecret>>, Error> {
        let slot = self.secrets_slot(account);
        let mut cached = slot.lock().await;
        if let Some(list) = cached.as_ref() {
            return Ok(list.clone());
        }
        let list = Arc::new(client.list_secrets(account).await?);
        *cached = Some(list.clone());
        Ok(list)
    }

    /// A secret of `account` was made or revoked: later reads fetch again.
    pub async fn secrets_changed(&self, account: &str) {
        lock(&self.first_secret_only).remove(account);
        *self.secrets_slot(account).lock().await = None;
    }

    /// This process made subaccount `key`, with exactly one secret (`first`, when its create's
    /// answer said when).
    pub fn made_with_one_secret(&self, key: &str, first: Option<FirstSecretOnly>) {
        if let Some(first) = first {
            lock(&self.first_secret_only).insert(key.to_owned(), first);
        }
    }

    /// `account`'s secrets: only its first one, when this process made it and wrote nothing in
    /// it since (no call), else the snapshot.
    pub async fn known_secrets(
        &self,
        client: &Client,
        account: &str,
    ) -> Result<KnownSecrets, Error> {
        if let Some(first) = lock(&self.first_secret_only).get(account).cloned() {
            return Ok(KnownSecrets::FirstOnly(first));
        }
        Ok(KnownSecrets::Listed(self.secrets(client, account).await?))
    }
}
