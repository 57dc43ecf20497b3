//! The run-secret journal: every ephemeral `vonage_api_secret` a provider process on this
//! machine opens, written down before its POST and struck off once it is revoked, so that a
//! secret whose process was killed is found again by a later run.
//!
//! Vonage secrets carry no label and never expire: a secret left by a killed run looks exactly
//! like one a concurrent run is using, and holds one of the account's two slots until someone
//! revokes it. The journal tells them apart on this machine. An [`Entry`] names the API host,
//! the account, the secret's id once the POST answered, when it was opened, and the process
//! that opened it (pid, start time and machine, see `process_liveness`); never the value. It
//! lives in the per-user state folder (`user_state`), one JSON file rewritten under a lock
//! file, through a private temporary file renamed into place, so a process killed while it
//! writes leaves the previous version whole.
//!
//! Before an ephemeral secret is opened for an account, the journalled secrets of that account
//! whose owner is provably dead ([`leftovers`]) are revoked, and [`settle`] strikes them off;
//! the others (owner alive, or not provably dead) are kept for the no-free-slot error to name.
//! An entry with no id (its owner died during the POST) names no secret: it is kept while the
//! account has a secret created around its time, so the error can point at that one, and
//! dropped otherwise.
//!
//! Must not: hold a secret's value, revoke a secret whose owner may still run, or hold the lock
//! across an API call.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::process_liveness::{Liveness, ProcessId};
use crate::user_state;
use crate::vonage::ApiSecret;

/// The journal's file, its lock, and the temporary file a new version is written to.
const FILE: &str = "run-secrets.json";
const LOCK: &str = "run-secrets.lock";
const NEXT: &str = "run-secrets.next";

/// How far a secret's creation time (Vonage's clock) may be from the time a POST was sent
/// (this machine's) and still be that POST's: clock skew, and a slow answer.
const AROUND: time::Duration = time::Duration::minutes(2);

/// One ephemeral secret opened on this machine.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Entry {
    /// This entry's own name, kept in the secret's private state so its close strikes it off.
    pub token: String,
    pub api_url: String,
    pub api_key: String,
    /// The secret's id; `None` until the POST answers.
    pub id: Option<String>,
    /// When the POST was about to be sent (RFC 3339, this machine's clock).
    pub opened_at: String,
    pub owner: ProcessId,
}

impl Entry {
    /// A new entry for a secret this process is about to create in `api_key` at `api_url`.
    pub fn new(api_url: &str, api_key: &str) -> Entry {
        Entry {
            token: uuid::Uuid::new_v4().to_string(),
            api_url: api_url.to_owned(),
            api_key: api_key.to_owned(),
            id: None,
            opened_at: OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_default(),
            owner: ProcessId::this_process(),
        }
    }

    fn of(&self, api_url: &str, api_key: &str) -> bool {
        self.api_url == api_url && self.api_key == api_key
    }

    /// How the entry is shown in an error: the secret (or its time) and its owner.
    pub fn describe(&self) -> String {
        let owner = &self.owner;
        let started = (owner.started.as_deref())
            .map(|s| format!(", started {s}"))
            .unwrap_or_default();
        match &self.id {
            Some(id) => format!(
                "`{id}`, opened at {} by provider process {} on {}{started}",
                self.opened_at, owner.pid, owner.host
            ),
            None => format!(
                "a secret provider process {} on {} was creating at {} when it was stopped \
                 (its answer was never recorded)",
                owner.pid, owner.host, self.opened_at
            ),
        }
    }
}

/// The journal in a folder (the per-user state folder, or a test's).
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    /// The journal in the per-user state folder, created if need be.
    pub fn open() -> std::io::Result<Journal> {
        Ok(Journal {
            dir: user_state::state_dir()?,
        })
    }

    pub fn at(dir: &Path) -> Journal {
        Journal {
            dir: dir.to_owned(),
        }
    }

    /// Reads the entries, lets `change` edit them, and writes them back, under the lock.
    fn update<T>(&self, change: impl FnOnce(&mut Vec<Entry>) -> T) -> std::io::Result<T> {
        let _lock = user_state::open_locked(&self.dir, LOCK)?;
        let mut text = String::new();
        user_state::open_locked(&self.dir, FILE)?.read_to_string(&mut text)?;
        // An unreadable journal (written by another version) is started afresh.
        let mut entries: Vec<Entry> = serde_json::from_str(&text).unwrap_or_default();
        let before = entries.clone();
        let out = change(&mut entries);
        if entries != before {
            let body = serde_json::to_vec_pretty(&entries).map_err(std::io::Error::other)?;
            let mut next = user_state::open_locked(&self.dir, NEXT)?;
            next.set_len(0)?;
            next.write_all(&body)?;
            next.sync_all()?;
            std::fs::rename(self.dir.join(NEXT), self.dir.join(FILE))?;
        }
        Ok(out)
    }

    /// Writes `entry` down (before its POST).
    pub fn add(&self, entry: &Entry) -> std::io::Result<()> {
        self.update(|entries| entries.push(entry.clone()))
    }

    /// Records the secret's id once the POST answered.
    pub fn set_id(&self, token: &str, id: &str) -> std::io::Result<()> {
        self.update(|entries| {
            for e in entries.iter_mut().filter(|e| e.token == token) {
                e.id = Some(id.to_owned());
            }
        })
    }

    /// Strikes the entry off (its secret is revoked, or was never made).
    pub fn remove(&self, token: &str) -> std::io::Result<()> {
        self.update(|entries| entries.retain(|e| e.token != token))
    }

    /// The entries of one account.
    pub fn of_account(&self, api_url: &str, api_key: &str) -> std::io::Result<Vec<Entry>> {
        self.update(|entries| {
            (entries.iter())
                .filter(|e| e.of(api_url, api_key))
                .cloned()
                .collect()
        })
    }
}

/// The entries whose owner is provably dead and whose secret is known: the secrets to revoke.
/// Entries of this process are never among them.
pub fn leftovers(entries: &[Entry]) -> Vec<Entry> {
    (entries.iter())
        .filter(|e| e.id.is_some() && matches!(e.owner.liveness(), Liveness::Dead(_)))
        .cloned()
        .collect()
}

/// Whether `secrets` holds one created around the time of `entry`'s POST.
fn made_around(entry: &Entry, secrets: &[ApiSecret]) -> bool {
    let Ok(sent) = OffsetDateTime::parse(&entry.opened_at, &Rfc3339) else {
        return true;
    };
    secrets.iter().any(|s| {
        OffsetDateTime::parse(&s.created_at, &Rfc3339)
            .is_ok_and(|made| made >= sent - AROUND && made <= sent + AROUND)
    })
}

/// After the revocations: drops entries of dead owners with no id whose POST made nothing the
/// account still holds (`secrets`, listed now); the rest is what the no-free-slot error names.
pub fn settle(
    journal: &Journal,
    entries: Vec<Entry>,
    revoked: &[String],
    secrets: &[ApiSecret],
) -> Vec<Entry> {
    let mut kept = Vec::new();
    for e in entries {
        let dead = matches!(e.owner.liveness(), Liveness::Dead(_));
        let done = e.id.as_ref().is_some_and(|id| revoked.contains(id));
        let nothing_made = dead && e.id.is_none() && !made_around(&e, secrets);
        if done || nothing_made {
            let _ = journal.remove(&e.token);
        } else if !(dead && e.id.is_some()) {
            kept.push(e);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("run-secrets-{}", uuid::Uuid::new_v4()));
        user_state::ensure_private_dir(&dir).unwrap();
        dir
    }

    fn dead_owner() -> ProcessId {
        ProcessId {
            pid: 99_999_999,
            ..ProcessId::this_process()
        }
    }

    #[test]
    fn entries_are_written_before_the_post_completed_after_and_struck_off() {
        let dir = temp_dir();
        let journal = Journal::at(&dir);
        let entry = Entry::new("https://api.nexmo.com", "bbe6222f");
        journal.add(&entry).unwrap();
        journal
            .add(&Entry::new("https://api.nexmo.com", "other"))
            .unwrap();
        let found = journal
            .of_account("https://api.nexmo.com", "bbe6222f")
            .unwrap();
        assert_eq!(found, std::slice::from_ref(&entry));
        assert_eq!(found[0].id, None);
        assert_eq!(found[0].owner, ProcessId::this_process());
        journal.set_id(&entry.token, "secret-1").unwrap();
        let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
        assert!(
            text.contains("secret-1") && text.contains("\"pid\""),
            "{text}"
        );
        journal.remove(&entry.token).unwrap();
        assert!(
            journal
                .of_account("https://api.nexmo.com", "bbe6222f")
                .unwrap()
                .is_empty()
        );
        assert!(!dir.join(NEXT).exists() || dir.join(FILE).exists());
        // Another host's journal is never ours to read: a corrupt file starts afresh.
        std::fs::write(dir.join(FILE), "not json").unwrap();
        assert!(
            journal
                .of_account("https://api.nexmo.com", "other")
                .unwrap()
                .is_empty()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_secrets_of_dead_owners_are_leftovers_and_the_rest_is_kept_for_the_error() {
        let dir = temp_dir();
        let journal = Journal::at(&dir);
        let made = |id: &str, at: &str| ApiSecret {
            id: id.into(),
            created_at: at.into(),
        };
        let entry = |id: Option<&str>, owner: ProcessId| Entry {
            id: id.map(str::to_owned),
            owner,
            opened_at: "2026-01-01T00:00:00Z".into(),
            ..Entry::new("u", "k")
        };
        let mine = entry(Some("mine"), ProcessId::this_process());
        let left = entry(Some("left"), dead_owner());
        let lost = entry(None, dead_owner());
        let elsewhere = entry(
            Some("elsewhere"),
            ProcessId {
                host: "another-machine".into(),
                ..dead_owner()
            },
        );
        let all = vec![mine.clone(), left.clone(), lost.clone(), elsewhere.clone()];
        for e in &all {
            journal.add(e).unwrap();
        }
        assert_eq!(leftovers(&all), std::slice::from_ref(&left));

        // Revoked: struck off. The lost POST made a secret at its time: kept, to be named.
        let secrets = [made("x", "2026-01-01T00:00:30Z")];
        let kept = settle(&journal, all.clone(), &["left".into()], &secrets);
        assert_eq!(kept, [mine.clone(), lost.clone(), elsewhere.clone()]);
        assert_eq!(journal.of_account("u", "k").unwrap().len(), 3);
        // Once nothing was made around its time, the lost POST's entry goes too.
        let kept = settle(&journal, kept, &[], &[made("y", "2026-01-01T01:00:00Z")]);
        assert_eq!(kept, [mine.clone(), elsewhere.clone()]);
        assert_eq!(
            journal.of_account("u", "k").unwrap(),
            [mine.clone(), elsewhere]
        );
        assert!(
            lost.describe().contains("2026-01-01T00:00:00Z"),
            "{}",
            lost.describe()
        );
        assert!(mine.describe().contains("`mine`"), "{}", mine.describe());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
