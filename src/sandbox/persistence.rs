//! The state file: how the world survives a restart (and a `kill -9`).
//!
//! Owns: the file format (`{"format": "vonage-sandbox-state/1", "world": …}`),
//! loading (a missing file means "start from the seed"; an unreadable or
//! corrupt one is an error and is never overwritten), and atomic replacement:
//! write a temporary file in the same directory with mode 0600 (it holds
//! secret values), fsync it, rename it over the target, fsync the directory.
//! Must not: decide when to write (`state` writes every change before the
//! response is sent) or log the file's contents.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::world::World;

const FORMAT: &str = "vonage-sandbox-state/1";

#[derive(Serialize, Deserialize)]
struct Contents {
    format: String,
    world: World,
}

/// Why the state file could not be read or written.
#[derive(Debug)]
pub enum PersistError {
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    Corrupt {
        path: PathBuf,
        reason: String,
    },
}

impl fmt::Display for PersistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersistError::Io {
                path,
                action,
                source,
            } => write!(f, "cannot {action} state file {}: {source}", path.display()),
            PersistError::Corrupt { path, reason } => write!(
                f,
                "\
                state file {} is not a valid vonage-sandbox state file ({reason}); refusing to \
                start so it is not overwritten — move it away or fix it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for PersistError {}

/// A state file on disk.
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: impl Into<PathBuf>) -> StateFile {
        StateFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored world, or `None` when the file does not exist yet.
    pub fn load(&self) -> Result<Option<World>, PersistError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(PersistError::Io {
                    path: self.path.clone(),
                    action: "read",
                    source,
                });
            }
        };
        let contents: Contents =
            serde_json::from_slice(&bytes).map_err(|e| PersistError::Corrupt {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        if contents.format != FORMAT {
            return Err(PersistError::Corrupt {
                path: self.path.clone(),
                reason: format!("unknown format {:?}, expected {FORMAT:?}", contents.format),
            });
        }
        Ok(Some(contents.world))
    }

    /// Serializes a world in the file format.
    pub fn encode(world: &World) -> Vec<u8> {
        let contents = Contents {
            format: FORMAT.to_string(),
            world: world.clone(),
        };
        serde_json::to_vec_pretty(&contents).unwrap_or_default()
    }

    /// Atomically replaces the file with `bytes` (durable when this returns).
    pub fn write(&self, bytes: &[u8]) -> Result<(), PersistError> {
        let io = |action: &'static str| {
            let path = self.path.clone();
            move |source| PersistError::Io {
                path,
                action,
                source,
            }
        };
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".to_string());
        let temp = dir.join(format!(".{file_name}.tmp.{}", std::process::id()));
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temp)
            .map_err(io("create temporary"))?;
        file.write_all(bytes).map_err(io("write temporary"))?;
        file.sync_all().map_err(io("fsync temporary"))?;
        drop(file);
        fs::rename(&temp, &self.path).map_err(io("rename temporary over"))?;
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io("fsync directory of"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::world::SeedAccount;
    use crate::wire::money::Eur;
    use std::os::unix::fs::PermissionsExt;

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vsb-persist-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn round_trip_with_private_mode() {
        let path = temp_path("state.json");
        let file = StateFile::new(&path);
        assert!(file.load().unwrap().is_none());
        let seed = SeedAccount {
            api_key: "abcd1234".into(),
            api_secret: "Secret123".into(),
            name: "p".into(),
            balance: Eur::from_euros(5),
            credit: Eur::ZERO,
            subaccounts_provisioned: true,
        };
        let world = World::seeded(&seed, 1);
        file.write(&StateFile::encode(&world)).unwrap();
        let loaded = file.load().unwrap().unwrap();
        assert_eq!(loaded.accounts["abcd1234"].balance, Eur::from_euros(5));
        // Amounts stay whole units of 1e-8 EUR in the file, as earlier sandboxes wrote them.
        let text = String::from_utf8(StateFile::encode(&world)).unwrap();
        assert!(text.contains(r#""balance": 500000000,"#), "{text}");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn corrupt_file_is_an_error() {
        let path = temp_path("state.json");
        fs::write(&path, b"{not json").unwrap();
        let err = StateFile::new(&path).load().err().unwrap();
        assert!(matches!(err, PersistError::Corrupt { .. }));
        assert!(err.to_string().contains("refusing to start"));
        assert_eq!(fs::read(&path).unwrap(), b"{not json");
    }
}
