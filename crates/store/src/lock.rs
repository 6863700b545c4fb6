//! Lock files inside the workspace folder: who may create the workspace, who may sync, and which
//! processes are alive to finish the runs they started.
//!
//! Every lock is an OS advisory lock (`flock` on Unix, `LockFileEx` on Windows) on a file that
//! - lives inside the workspace folder (never in a shared temporary folder another user could
//!   fill with look-alike files or symbolic links),
//! - is opened without following a symbolic link and must be a regular file,
//! - says who holds it (process, user, host, what for, since when), so that someone who finds it
//!   taken gets an answer instead of a hang,
//! - is removed by its holder when released. Removing a lock file others may be waiting on is
//!   only safe because every taker checks, after locking, that the path still names the file it
//!   locked, and starts over if not.
//!
//! The OS releases a lock when its process dies, however it dies: a lock can be taken over from a
//! crashed holder at once, and "can I take it?" is exactly "is its holder dead?" (see
//! [`is_abandoned`]).

use crate::error::{Result, StoreError};
use crate::workspace::now;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The folder, inside the workspace, that holds the lock files of live processes.
pub const LOCKS_DIR: &str = "locks";

/// One sync at a time per workspace.
pub const SYNC_LOCK: &str = "sync.lock";

/// One process at a time creates a workspace. It lives inside the workspace folder (made private
/// first), so the folder shows nothing else until the workspace exists.
pub const CREATION_LOCK: &str = ".creating.lock";

/// How long a taker waits between two tries of a lock it is willing to wait for.
const POLL: Duration = Duration::from_millis(50);

/// What a lock file says about its holder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub user: String,
    pub host: String,
    /// What the holder is doing ("sync", "creating the workspace", …).
    pub purpose: String,
    /// When it took the lock (UTC, the store's time format).
    pub since: String,
}

impl Holder {
    fn of_this_process(purpose: &str) -> Holder {
        Holder {
            pid: std::process::id(),
            user: os_user(),
            host: host_name(),
            purpose: purpose.to_string(),
            since: now(),
        }
    }

    /// "user@host (process 4242, sync) since 2026-12-05 09:05 UTC".
    pub fn describe(&self) -> String {
        let since = match (self.since.get(..10), self.since.get(11..16)) {
            (Some(day), Some(minute)) => format!("{day} {minute} UTC"),
            _ => self.since.clone(),
        };
        format!(
            "{}@{} (process {}, {}) since {since}",
            self.user, self.host, self.pid, self.purpose
        )
    }
}

/// A held lock. Dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct LockGuard {
    file: Option<File>,
    path: PathBuf,
}

impl LockGuard {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Remove first, unlock second: a waiter that gets the lock in between finds the path gone
        // (or naming a newer file) and starts over on a fresh file.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// Takes the lock at `path`, waiting up to `wait` for its holder to let go. `what` names the lock
/// in the error ("another sync is running in this workspace").
///
/// A lock still held after `wait` is [`StoreError::Locked`], saying who holds it and since when.
pub fn acquire(path: &Path, purpose: &str, what: &str, wait: Duration) -> Result<LockGuard> {
    let started = Instant::now();
    // Even a caller that will not wait gives a sweeper (see `is_abandoned`) that briefly holds a
    // fresh, still-empty lock file a moment to let go, rather than report a holder that is none.
    let wait = wait.max(SETTLE);
    loop {
        let mut file = open_lock_file(path, true)?.expect("created when missing");
        let outcome = file.try_lock();
        let named = still_named_by(&file, path);
        match outcome {
            Ok(()) if named => {
                let holder = Holder::of_this_process(purpose);
                let text = serde_json::to_vec(&holder)?;
                let written = file
                    .set_len(0)
                    .and_then(|()| file.seek(SeekFrom::Start(0)))
                    .and_then(|_| file.write_all(&text));
                written.map_err(|e| StoreError::io(path, e))?;
                return Ok(LockGuard {
                    file: Some(file),
                    path: path.to_path_buf(),
                });
            }
            // Its holder removed it as we opened it: start over on whatever the path names now.
            Ok(()) | Err(TryLockError::WouldBlock) if !named => {}
            Ok(()) => unreachable!("handled above"),
            Err(TryLockError::WouldBlock) => {
                if started.elapsed() >= wait {
                    let holder = read_holder(&mut file)
                        .map(|h| format!("held by {}", h.describe()))
                        .unwrap_or_else(|| "held by another process".to_string());
                    return Err(StoreError::Locked {
                        what: what.to_string(),
                        holder: format!("{holder}; wait for it to finish, or stop that process"),
                    });
                }
            }
            Err(TryLockError::Error(e)) => return Err(StoreError::io(path, e)),
        }
        drop(file);
        if started.elapsed() >= wait.max(SETTLE * 40) {
            // A file system whose file identities do not hold still (some network mounts)
            // would otherwise have us start over for ever.
            return Err(StoreError::io(
                path,
                std::io::Error::other(
                    "the lock file keeps changing under us; is the workspace on a network share?",
                ),
            ));
        }
        std::thread::sleep(POLL);
    }
}

/// How long any taker keeps trying before it reports a holder (see [`acquire`]).
const SETTLE: Duration = Duration::from_millis(250);

/// Whether the lock at `path` is free: its holder is gone (or there never was one). A free lock
/// file is removed on the way, so that lock files of dead processes do not pile up.
pub fn is_abandoned(path: &Path) -> Result<bool> {
    let Some(file) = open_lock_file(path, false)? else {
        return Ok(true);
    };
    match file.try_lock() {
        Ok(()) => {
            if still_named_by(&file, path) {
                let _ = std::fs::remove_file(path);
            }
            Ok(true)
        }
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(StoreError::io(path, e)),
    }
}

/// This process's owner locks: workspace folder, token, the held lock.
#[allow(clippy::type_complexity)]
static OWNERS: std::sync::Mutex<Vec<(PathBuf, String, LockGuard)>> =
    std::sync::Mutex::new(Vec::new());

/// The owner token of this process's runs in the workspace at `workspace_dir`: the name of a lock
/// file under [`LOCKS_DIR`] that this process takes on its first run there and holds until it
/// ends (the OS lets go of it when the process dies, however it dies).
pub fn process_owner(workspace_dir: &Path) -> Result<String> {
    let mut owners = OWNERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, token, _)) = owners.iter().find(|(dir, _, _)| dir == workspace_dir) {
        return Ok(token.clone());
    }
    let token = uuid::Uuid::new_v4().to_string();
    let guard = acquire(
        &owner_lock_path(workspace_dir, &token),
        "running",
        "a run owner lock",
        Duration::ZERO,
    )?;
    owners.push((workspace_dir.to_path_buf(), token.clone(), guard));
    Ok(token)
}

/// Lets go of this process's owner lock in `workspace_dir` (and removes its file), once no run of
/// this process there is still going: when the workspace is closed.
pub fn release_process_owner(workspace_dir: &Path) {
    let mut owners = OWNERS.lock().unwrap_or_else(|e| e.into_inner());
    owners.retain(|(dir, _, _)| dir != workspace_dir);
}

/// Whether the process that owned runs as `owner` is gone. Lock files of gone owners are
/// removed on the way, as are any others of dead processes found beside them.
pub fn owner_is_gone(workspace_dir: &Path, owner: &str) -> Result<bool> {
    // The token comes from the database; anything but a UUID is not ours and names no file.
    if uuid::Uuid::parse_str(owner).is_err() {
        return Ok(true);
    }
    is_abandoned(&owner_lock_path(workspace_dir, owner))
}

/// The processes holding owner locks in the workspace (alive, with runs or able to start them).
pub fn live_owners(workspace_dir: &Path) -> Result<Vec<Holder>> {
    let mut live = Vec::new();
    let Ok(entries) = std::fs::read_dir(workspace_dir.join(LOCKS_DIR)) else {
        return Ok(live);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_owner = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("owner-") && n.ends_with(".lock"));
        if !is_owner || is_abandoned(&path)? {
            continue;
        }
        if let Some(mut file) = open_lock_file(&path, false)? {
            live.push(read_holder(&mut file).unwrap_or_default());
        }
    }
    Ok(live)
}

/// Removes the lock files of processes that are gone (killed before they could clean up): the
/// owner locks under [`LOCKS_DIR`] and the workspace's other locks (`sync.lock`, …).
pub fn sweep_abandoned_locks(workspace_dir: &Path) -> Result<()> {
    for name in SWEPT {
        is_abandoned(&workspace_dir.join(name))?;
    }
    let dir = workspace_dir.join(LOCKS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(token) = name
            .to_str()
            .and_then(|n| n.strip_prefix("owner-"))
            .and_then(|n| n.strip_suffix(".lock"))
        else {
            continue;
        };
        owner_is_gone(workspace_dir, token)?;
    }
    Ok(())
}

/// The lock files in the workspace folder itself that a killed process may leave behind.
const SWEPT: [&str; 2] = [SYNC_LOCK, CREATION_LOCK];

fn owner_lock_path(workspace_dir: &Path, token: &str) -> PathBuf {
    workspace_dir
        .join(LOCKS_DIR)
        .join(format!("owner-{token}.lock"))
}

/// Opens (or, with `create`, creates) a lock file: never through a symbolic link, only a regular
/// file, private to the user. `Ok(None)`: it does not exist and `create` is false.
fn open_lock_file(path: &Path, create: bool) -> Result<Option<File>> {
    let refuse = |problem: &str| StoreError::corrupt(path, problem.to_string());
    if let Some(parent) = path.parent() {
        ensure_private_dir(parent)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(create);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    #[cfg(not(unix))]
    {
        // No O_NOFOLLOW: look first. A link planted between the look and the open still cannot
        // point outside folders the user can write, since the workspace folder is private.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(refuse(
                "is a symbolic link, not a lock file; remove it and try again",
            ));
        }
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => return Ok(None),
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refuse(
                "is a symbolic link, not a lock file; remove it and try again",
            ))
        }
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let meta = file.metadata().map_err(|e| StoreError::io(path, e))?;
    if !meta.is_file() {
        return Err(refuse("is not a regular file; remove it and try again"));
    }
    Ok(Some(file))
}

/// Whether `path` still names the file `file` has open (its holder may have removed it and a new
/// one taken its place between our open and our lock).
fn still_named_by(file: &File, path: &Path) -> bool {
    let (Ok(open), Ok(named)) = (file.metadata(), std::fs::symlink_metadata(path)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        open.dev() == named.dev() && open.ino() == named.ino()
    }
    #[cfg(not(unix))]
    {
        // Windows does not let a file that is open be removed without a share mode we do not
        // grant, so the path cannot change under an open handle.
        let _ = (open, named);
        true
    }
}

/// Reads what a lock file says about its holder (a few hundred bytes; more is not a holder).
fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(4096).read_to_end(&mut text).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Creates `dir` (and its parents) when missing; a folder this creates is private to the user.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| StoreError::io(dir, e))
}

/// The account this process runs as, from the OS (not from the environment, which any parent
/// process may set).
pub fn os_user() -> String {
    #[cfg(unix)]
    {
        if let Some(name) = unix_user_name() {
            return name;
        }
    }
    std::env::var("USERNAME")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown user".to_string())
}

#[cfg(unix)]
fn unix_user_name() -> Option<String> {
    // SAFETY: getpwuid_r writes into `entry` and `buffer`, both ours and sized as passed; the
    // returned name points into `buffer`, which outlives its use here.
    unsafe {
        let uid = libc::getuid();
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut buffer = vec![0 as libc::c_char; 4096];
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = libc::getpwuid_r(
            uid,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return Some(format!("uid {uid}"));
        }
        let name = std::ffi::CStr::from_ptr(entry.pw_name)
            .to_string_lossy()
            .into_owned();
        Some(name)
    }
}

/// This machine's name, as far as the OS tells it.
fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buffer = [0u8; 256];
        // SAFETY: gethostname writes at most `len` bytes into our buffer.
        let status = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
        if status == 0 {
            let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
            let name = String::from_utf8_lossy(&buffer[..end]).into_owned();
            if !name.is_empty() {
                return name;
            }
        }
    }
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "this machine".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_names_its_holder_and_is_removed_when_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        let guard = acquire(&path, "sync", "another sync is running", Duration::ZERO).unwrap();
        // A second taker in the same process opens its own file description, which flock treats
        // as another holder, as it would another process.
        let err = acquire(&path, "sync", "another sync is running", Duration::ZERO).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("another sync is running: held by "),
            "{message}"
        );
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("sync) since "), "{message}");
        assert!(!is_abandoned(&path).unwrap());
        drop(guard);
        assert!(!path.exists(), "a released lock leaves no file behind");
        assert!(is_abandoned(&path).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let path = dir.path().join("sync.lock");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = acquire(&path, "sync", "busy", Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(
            !target.exists(),
            "nothing was created where the link points"
        );
    }

    #[cfg(unix)]
    #[test]
    fn lock_files_and_their_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCKS_DIR).join("x.lock");
        let _guard = acquire(&path, "test", "busy", Duration::ZERO).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn a_stale_lock_file_of_a_dead_holder_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        std::fs::write(
            &path,
            br#"{"pid":1,"user":"x","host":"y","purpose":"sync","since":"t"}"#,
        )
        .unwrap();
        let guard = acquire(&path, "sync", "busy", Duration::ZERO).unwrap();
        let mut text = String::new();
        File::open(guard.path())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(
            text.contains(&format!("\"pid\":{}", std::process::id())),
            "{text}"
        );
    }

    #[test]
    fn waiting_takes_the_lock_once_its_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("create.lock");
        let guard = acquire(&path, "creating", "busy", Duration::ZERO).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(guard);
        });
        acquire(&path, "creating", "busy", Duration::from_secs(60)).unwrap();
        releaser.join().unwrap();
    }

    #[test]
    fn the_os_user_comes_from_the_os() {
        assert!(!os_user().is_empty());
    }
}
