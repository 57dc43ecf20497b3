//! [`NumberSnapshots`], kept in `ProviderData`: each account's phone numbers, read once per
//! provider process (one call per 100 numbers) until a move in this process changes them. They
//! set the call budget of the number resources: refreshing N assignments reads each holding
//! account's list once, and N moves from the primary correct the lists in place rather than list
//! them again.
//!
//! It sits below `provider_data` (which keeps it) and `numbers` (which reads through it), so that
//! neither imports the other's.
//!
//! Must not: serve a list older than this process, or cache a failure.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Mutex as AsyncMutex;

use crate::vonage::{Client, Error, OwnedNumber};

type Slot = Arc<AsyncMutex<Option<Arc<Vec<OwnedNumber>>>>>;

/// This process's read-through lists of each account's numbers.
#[derive(Default)]
pub struct NumberSnapshots {
    by_holder: Mutex<HashMap<String, Slot>>,
}

impl NumberSnapshots {
    fn slot(&self, holder: &str) -> Slot {
        let mut map = self.by_holder.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(holder.to_owned()).or_default().clone()
    }

    /// Every number `holder` holds, listed once until a move in this process changes them.
    pub async fn held_by(
        &self,
        client: &Client,
        holder: &str,
    ) -> Result<Arc<Vec<OwnedNumber>>, Error> {
        let slot = self.slot(holder);
        let mut cached = slot.lock().await;
        if let Some(list) = cached.as_ref() {
            return Ok(list.clone());
        }
        let list = Arc::new(client.list_numbers(holder, &Default::default()).await?);
        *cached = Some(list.clone());
        Ok(list)
    }

    /// `entry` moved from `from` to `to` in this process (or may have: a failed move lists both
    /// again). Lists already read are corrected in place, so N moves cost no N listings.
    pub async fn moved(&self, from: &str, to: &str, entry: &OwnedNumber) {
        let same = |n: &OwnedNumber| n.number == entry.number && n.country == entry.country;
        if let Some(list) = self.slot(from).lock().await.as_mut() {
            *list = Arc::new(list.iter().filter(|n| !same(n)).cloned().collect());
        }
        if let Some(list) = self.slot(to).lock().await.as_mut()
            && !list.iter().any(same)
        {
            let mut grown = list.as_ref().clone();
            grown.push(entry.clone());
            *list = Arc::new(grown);
        }
    }

    /// `holder`'s numbers changed (a number moved to or from it): later reads list them again.
    pub async fn changed(&self, holder: &str) {
        *self.slot(holder).lock().await = None;
    }
}
