//! The provider's per-user folder on this machine: where its processes leave what they share
//! with each other across provider blocks and runs (for example, one pacing budget per API key,
//! and a journal of the run secrets a process opened).
//!
//! Owns where the folder is (`VONAGE_PROVIDER_STATE_DIR`, else the platform's per-user state
//! folder), creating it private (0700 on Unix), refusing it when it is a symlink, not a folder,
//! not the user's, or writable by others; and opening files in it without following symlinks,
//! created private (0600), with an exclusive advisory lock (`flock` on Unix, `LockFileEx` on
//! Windows, both through `std::fs::File::lock`).
//!
//! Must not: put a secret or an API key into a file name (callers name files by a hash, see
//! [`file_name_for`]) or write a secret value into a file, or hold a lock for longer than a
//! read-modify-write of a small file.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable that names the folder instead of the platform's default.
pub const STATE_DIR_ENV: &str = "VONAGE_PROVIDER_STATE_DIR";

/// The folder's name inside the platform's per-user state folder.
const APP_DIR: &str = "terraform-provider-vonage";

/// The folder, created if missing and checked: the override, else the platform default.
pub fn state_dir() -> io::Result<PathBuf> {
    let dir = locate(|name| std::env::var_os(name))?;
    ensure_private_dir(&dir)?;
    Ok(dir)
}

/// Where the folder is, from the environment `env` reads: [`STATE_DIR_ENV`] when set and not
/// empty; else `$XDG_STATE_HOME/terraform-provider-vonage` or
/// `~/.local/state/terraform-provider-vonage` (Linux and other Unix),
/// `~/Library/Application Support/terraform-provider-vonage` (macOS),
/// `%LOCALAPPDATA%\terraform-provider-vonage` (Windows).
pub fn locate(env: impl Fn(&str) -> Option<OsString>) -> io::Result<PathBuf> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(STATE_DIR_ENV) {
        return Ok(dir);
    }
    let base = if cfg!(windows) {
        set("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        set("HOME").map(|h| h.join("Library").join("Application Support"))
    } else {
        set("XDG_STATE_HOME").or_else(|| set("HOME").map(|h| h.join(".local").join("state")))
    };
    match base {
        Some(base) if base.is_absolute() => Ok(base.join(APP_DIR)),
        _ => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "no per-user folder to keep the provider's shared state in (HOME, XDG_STATE_HOME \
                 or LOCALAPPDATA is unset or relative); set {STATE_DIR_ENV} to a private folder"
            ),
        )),
    }
}

fn refuse(dir: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} {why}; the provider keeps shared state only in a private folder of the user's \
             (set {STATE_DIR_ENV} to another folder)",
            dir.display()
        ),
    )
}

/// Creates `dir` (and its parents) if missing, the last component private, then checks it: a
/// real folder (not a symlink to one), owned by this user, and not writable by others.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    if let Some(parent) = dir.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(refuse(dir, "is a symlink"));
    }
    if !meta.is_dir() {
        return Err(refuse(dir, "is not a folder"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(refuse(dir, "belongs to another user"));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(refuse(dir, "is writable by other users"));
        }
    }
    Ok(())
}

/// Opens (creating if missing, private) the file `name` in `dir` for reading and writing,
/// without following a symlink, and takes an exclusive lock on it, released when the file is
/// dropped. `name` must be a plain file name.
pub fn open_locked(dir: &Path, name: &str) -> io::Result<File> {
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a state file's name must be a plain file name",
        ));
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    let path = dir.join(name);
    #[cfg(not(unix))]
    if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(&path, "is a symlink"));
    }
    let file = options.open(&path).map_err(|e| {
        if e.raw_os_error() == Some(eloop()) {
            refuse(&path, "is a symlink")
        } else {
            e
        }
    })?;
    file.lock()?;
    Ok(file)
}

#[cfg(unix)]
fn eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn eloop() -> i32 {
    -1
}

/// A file name for state about `parts` (for example an API host and key) that reveals none of
/// them: `prefix-` and the first 16 bytes of their SHA-256, in hex. The same parts always give
/// the same name; the parts are separated so that ("ab", "c") and ("a", "bc") differ.
pub fn file_name_for(prefix: &str, parts: &[&str]) -> String {
    let mut hasher = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        hasher.update(&(part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finish();
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{prefix}-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "user-state-test-{tag}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_override_wins_then_the_platform_default() {
        let dir = locate(env_of(&[(STATE_DIR_ENV, "/srv/x"), ("HOME", "/home/u")])).unwrap();
        assert_eq!(dir, PathBuf::from("/srv/x"));
        if cfg!(all(unix, not(target_os = "macos"))) {
            let dir = locate(env_of(&[("HOME", "/home/u")])).unwrap();
            assert_eq!(
                dir,
                PathBuf::from("/home/u/.local/state/terraform-provider-vonage")
            );
            let dir = locate(env_of(&[("HOME", "/home/u"), ("XDG_STATE_HOME", "/s")])).unwrap();
            assert_eq!(dir, PathBuf::from("/s/terraform-provider-vonage"));
        }
        let err = locate(env_of(&[(STATE_DIR_ENV, ""), ("HOME", "relative")])).unwrap_err();
        assert!(err.to_string().contains(STATE_DIR_ENV), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_made_private_and_a_shared_or_linked_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = temp_dir("dir");
        let dir = root.join("a").join("state");
        ensure_private_dir(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);

        let link = root.join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let err = ensure_private_dir(&link).unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{err}");

        let shared = root.join("shared");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
        let err = ensure_private_dir(&shared).unwrap_err();
        assert!(err.to_string().contains("writable by other users"), "{err}");

        let file = root.join("file");
        fs::write(&file, b"").unwrap();
        let err = ensure_private_dir(&file).unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_locked_and_never_followed_through_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        use std::sync::mpsc;
        let dir = temp_dir("file");
        let held = open_locked(&dir, "pace-1").unwrap();
        let mode = held.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        // A second open in another thread waits for the lock until the first is dropped.
        let (tx, rx) = mpsc::channel();
        let dir2 = dir.clone();
        let waiter = std::thread::spawn(move || {
            let _f = open_locked(&dir2, "pace-1").unwrap();
            tx.send(()).unwrap();
        });
        let again = File::open(dir.join("pace-1")).unwrap();
        assert!(
            matches!(again.try_lock(), Err(fs::TryLockError::WouldBlock)),
            "the lock is held"
        );
        drop(held);
        rx.recv().unwrap();
        waiter.join().unwrap();

        std::os::unix::fs::symlink("/etc/hostname", dir.join("pace-2")).unwrap();
        let err = open_locked(&dir, "pace-2").unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{err}");
        assert!(open_locked(&dir, "../x").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn file_names_reveal_nothing_and_keep_parts_apart() {
        let a = file_name_for("pace", &["https://api.nexmo.com", "abcd1234"]);
        assert!(
            a.starts_with("pace-") && a.len() == "pace-".len() + 32,
            "{a}"
        );
        assert!(!a.contains("abcd1234"));
        assert_eq!(
            a,
            file_name_for("pace", &["https://api.nexmo.com", "abcd1234"])
        );
        assert_ne!(
            file_name_for("pace", &["ab", "c"]),
            file_name_for("pace", &["a", "bc"])
        );
    }
}
