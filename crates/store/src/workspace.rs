//! Opening and creating a workspace folder: `workspace.json` (plain, nothing secret) beside
//! `workspace.db` (SQLCipher, every page encrypted, WAL).

use crate::error::{sqlite_code, Result, StoreError};
use crate::keys::{self, KdfParams, KeyOptions, KeySource, WorkspaceKey};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Acquire, Sqlite, Transaction};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;
use time::OffsetDateTime;

/// The plaintext description of a workspace.
pub const META_FILE: &str = "workspace.json";
/// The encrypted database.
pub const DB_FILE: &str = "workspace.db";
/// The `workspace.json` format this build writes and understands.
pub const FORMAT_VERSION: u32 = 1;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The newest schema version this build knows: a database beyond it was written by a newer build.
pub(crate) fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// What `workspace.json` holds. Readable by anyone who can read the folder, so it holds nothing
/// that identifies a customer or opens the database on its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkspaceMeta {
    pub format: u32,
    /// Random; names the keychain entry (`workspace-<id>`).
    pub workspace_id: String,
    pub key_source: KeySource,
    /// Present when `key_source` is `passphrase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfParams>,
    /// Tells a wrong key from a damaged database (see `WorkspaceKey::check_value`).
    pub key_check: String,
    pub created_at: String,
}

/// An open workspace: its folder and a pool of connections to its encrypted database.
///
/// Functions in the table modules take `impl Acquire<'_, Database = Sqlite>`, so they accept
/// `&Workspace` or a transaction from [`Workspace::begin`] (`&mut *tx`) alike.
/// Cloning is cheap (the pool is shared), so each concurrent task can hold its own handle.
#[derive(Clone)]
pub struct Workspace {
    dir: PathBuf,
    meta: WorkspaceMeta,
    pool: SqlitePool,
    /// Seed of the workspace's Ed25519 signing key (see `WorkspaceKey::signing_seed`).
    signing_seed: std::sync::Arc<zeroize::Zeroizing<[u8; 32]>>,
    /// The database key, for the copies a backup opens and checks; the pool's connect options
    /// hold it already, so keeping it here adds no exposure.
    key: std::sync::Arc<WorkspaceKey>,
}

/// The OS's per-user data folder for TenantAtlas (`~/.local/share/tenantatlas` on Linux,
/// `~/Library/Application Support/com.TenantAtlas.TenantAtlas` on macOS,
/// `%APPDATA%\TenantAtlas\TenantAtlas\data` on Windows). Callers let `--workspace` override it.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "TenantAtlas", "TenantAtlas")
        .map(|dirs| dirs.data_dir().to_path_buf())
        // Only a user without a home folder gets here; a folder beside the process beats failing.
        .unwrap_or_else(|| PathBuf::from("TenantAtlas"))
}

/// The current time in the store's fixed-width UTC form (`2026-01-31T09:05:00.123Z`).
pub(crate) fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

pub(crate) fn format_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("a UTC time always formats")
}

pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

enum Found {
    New,
    Existing(WorkspaceMeta),
}

impl Workspace {
    /// Opens the workspace in `dir`, creating it when the folder is missing or empty.
    ///
    /// A new workspace takes its key from `keys.passphrase` when set, else from the OS keychain,
    /// else fails closed. An existing one follows the key source in its `workspace.json`.
    pub async fn open(dir: &Path, keys: &KeyOptions) -> Result<Workspace> {
        let mut damaged = None;
        if let Found::Existing(meta) = inspect(dir)? {
            match open_existing(dir, meta, keys).await {
                // A database that looks missing, empty or without tables may be one another
                // process is creating at this moment: look again once it is done, under the
                // creation lock (below), which gives the final answer.
                Err(err @ StoreError::Corrupt { .. }) => damaged = Some(err),
                other => return other,
            }
        }
        // Creating: one process at a time. Two commands started together on a new folder would
        // otherwise each write workspace.json with their own key, and one would lose its database.
        // The loser waits, then finds the workspace the winner made and opens it.
        let made_dir = !dir.exists();
        let lock = match creation_lock(dir) {
            Ok(lock) => lock,
            // A folder where no lock can be made (read-only media): the damage is the news.
            Err(err) => return Err(damaged.unwrap_or(err)),
        };
        let result = match inspect(dir)? {
            Found::New => create(dir, keys).await,
            Found::Existing(meta) => open_existing(dir, meta, keys).await,
        };
        drop(lock);
        if result.is_err() && made_dir {
            // Leave no empty folder behind (remove_dir refuses one that is not empty).
            let _ = std::fs::remove_dir(dir);
        }
        result
    }

    /// The workspace folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The random workspace id (not secret).
    pub fn id(&self) -> &str {
        &self.meta.workspace_id
    }

    pub fn meta(&self) -> &WorkspaceMeta {
        &self.meta
    }

    /// The seed of the workspace's Ed25519 signing key; never leaves the process.
    pub(crate) fn signing_seed(&self) -> &[u8; 32] {
        &self.signing_seed
    }

    /// The database key (see the `key` field).
    pub(crate) fn key(&self) -> &WorkspaceKey {
        &self.key
    }

    /// The connection pool, for queries this crate does not offer yet. Prefer the table modules.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock at once: a deferred
    /// transaction that reads first and writes later can fail with "database is locked" when
    /// another connection wrote in between, where waiting for the lock would simply have worked.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Checkpoints the write-ahead log into the database file and closes every connection.
    pub async fn close(self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        self.pool.close().await;
        Ok(())
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signing seed is as secret as the key it comes from: never printed.
        f.debug_struct("Workspace")
            .field("dir", &self.dir)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Lets every table function take `&Workspace` directly; its transactions are `IMMEDIATE`.
impl<'a> Acquire<'a> for &'a Workspace {
    type Database = Sqlite;
    type Connection = sqlx::pool::PoolConnection<Sqlite>;

    fn acquire(self) -> BoxFuture<'a, Result<Self::Connection, sqlx::Error>> {
        Box::pin(self.pool.acquire())
    }

    fn begin(self) -> BoxFuture<'a, Result<Transaction<'a, Sqlite>, sqlx::Error>> {
        Box::pin(async move {
            let tx: Transaction<'a, Sqlite> = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            Ok(tx)
        })
    }
}

/// The most `workspace.json` can hold: it is a few hundred bytes; anything much larger is not ours.
const META_LIMIT: u64 = 64 * 1024;

/// Reads `workspace.json`: a regular file only (a FIFO or device put in its place is never opened
/// for a blocking read) and at most [`META_LIMIT`] bytes, however large it claims or grows to be.
fn read_meta_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut text = Vec::new();
    open_regular_file(path)?
        .take(META_LIMIT + 1)
        .read_to_end(&mut text)
        .map_err(|e| StoreError::io(path, e))?;
    if text.len() as u64 > META_LIMIT {
        return Err(StoreError::corrupt(
            path,
            "is far too large, not a TenantAtlas workspace description; restore the workspace with `tenantatlas restore-backup FILE`",
        ));
    }
    Ok(text)
}

/// Opens a file the user named for reading, if it is a regular file: a FIFO or device in its
/// place is never opened for a blocking read (non-blocking open, and the opened file checked
/// again, since the path may be swapped in between).
pub(crate) fn open_regular_file(path: &Path) -> Result<std::fs::File> {
    let refuse = || StoreError::corrupt(path, "is not a regular file; name the file itself");
    let meta = std::fs::metadata(path).map_err(|e| StoreError::io(path, e))?;
    if !meta.is_file() {
        return Err(refuse());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| StoreError::io(path, e))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(refuse());
    }
    Ok(file)
}

/// Decides whether `dir` is a workspace, a place for a new one, or neither.
fn inspect(dir: &Path) -> Result<Found> {
    if !dir.exists() {
        return Ok(Found::New);
    }
    if !dir.is_dir() {
        return Err(StoreError::corrupt(
            dir,
            "is a file, not a workspace folder; choose a folder",
        ));
    }
    let meta_path = dir.join(META_FILE);
    if meta_path.exists() {
        let text = read_meta_file(&meta_path)?;
        let meta: WorkspaceMeta = serde_json::from_slice(&text).map_err(|_| {
            StoreError::corrupt(
                &meta_path,
                "is damaged and does not describe a TenantAtlas workspace; restore the workspace with `tenantatlas restore-backup FILE`",
            )
        })?;
        if meta.format > FORMAT_VERSION {
            return Err(StoreError::corrupt(
                &meta_path,
                format!(
                    "was written by a newer TenantAtlas (workspace format {}); update TenantAtlas to open it",
                    meta.format
                ),
            ));
        }
        return Ok(Found::Existing(meta));
    }
    if dir.join(DB_FILE).exists() {
        return Err(StoreError::corrupt(
            dir,
            "has a workspace.db but no workspace.json, which says how its key is kept; restore the workspace with `tenantatlas restore-backup FILE`",
        ));
    }
    let mut entries = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
    // The creation lock and the locks folder are ours, left by a creation that did not finish.
    if entries.any(|entry| {
        entry.is_ok_and(|e| {
            e.file_name() != CREATION_LOCK && e.file_name() != crate::lock::LOCKS_DIR
        })
    }) {
        // Refusing protects the user who points --workspace at their home or documents folder.
        return Err(StoreError::corrupt(
            dir,
            "is not a TenantAtlas workspace and not empty; choose an empty or new folder for a new workspace",
        ));
    }
    Ok(Found::New)
}

use crate::lock::CREATION_LOCK;

/// An exclusive lock for creating the workspace at `dir`, held until dropped (or the process ends).
/// Creating takes a second or two; a lock held much longer is reported with its holder.
fn creation_lock(dir: &Path) -> Result<crate::lock::LockGuard> {
    crate::lock::ensure_private_dir(dir)?;
    crate::lock::acquire(
        &dir.join(CREATION_LOCK),
        "creating the workspace",
        &format!("{} is being created by another process", dir.display()),
        Duration::from_secs(30),
    )
}

/// Creates a workspace in `dir`, which exists (the creation lock made it); on failure the caller
/// removes the folder if it made it.
async fn create(dir: &Path, options: &KeyOptions) -> Result<Workspace> {
    let workspace_id = uuid::Uuid::new_v4().to_string();

    // Key derivation and keychain calls block (CPU, D-Bus), so they stay off the async threads.
    let passphrase = options.passphrase.clone().map(zeroize::Zeroizing::new);
    let id = workspace_id.clone();
    let meta_path = dir.join(META_FILE);
    let keyed: Result<_> = tokio::task::spawn_blocking(move || match passphrase {
        Some(passphrase) => {
            keys::check_new_passphrase(&passphrase)?;
            let kdf = KdfParams::new_random();
            let key = keys::derive_from_passphrase(&passphrase, &kdf, &meta_path)?;
            Ok((key, KeySource::Passphrase, Some(kdf)))
        }
        None => Ok((keys::create_in_keychain(&id)?, KeySource::Keychain, None)),
    })
    .await
    .expect("key creation does not panic");
    let (key, key_source, kdf) = keyed?;

    let meta = WorkspaceMeta {
        format: FORMAT_VERSION,
        workspace_id,
        key_source,
        kdf,
        key_check: key.check_value(),
        created_at: now(),
    };
    // workspace.json first: a workspace.db without it could never be opened again.
    let result = async {
        make_private(dir);
        write_meta(dir, &meta)?;
        // Made here, private, before SQLite opens it: SQLite gives the -wal and -shm files it
        // creates the database file's mode.
        create_private_file(&dir.join(DB_FILE))?;
        let pool = connect(dir, &key, true).await?;
        MIGRATOR.run(&pool).await?;
        Ok(pool)
    }
    .await;
    match result {
        Ok(pool) => Ok(Workspace {
            dir: dir.to_path_buf(),
            meta,
            pool,
            signing_seed: std::sync::Arc::new(key.signing_seed()),
            key: std::sync::Arc::new(key),
        }),
        Err(err) => {
            // Leave no half-made workspace (or orphaned keychain secret) behind.
            for name in [META_FILE, DB_FILE, "workspace.db-wal", "workspace.db-shm"] {
                let _ = std::fs::remove_file(dir.join(name));
            }
            if meta.key_source == KeySource::Keychain {
                let id = meta.workspace_id.clone();
                let _ = tokio::task::spawn_blocking(move || keys::forget_in_keychain(&id)).await;
            }
            Err(err)
        }
    }
}

async fn open_existing(dir: &Path, meta: WorkspaceMeta, options: &KeyOptions) -> Result<Workspace> {
    make_private(dir);
    let key = load_key(&meta, &dir.join(META_FILE), options).await?;
    if key.check_value() != meta.key_check {
        return Err(StoreError::WrongKey);
    }
    let db_path = dir.join(DB_FILE);
    check_database_file(&db_path)?;
    let pool = connect(dir, &key, false).await?;
    MIGRATOR.run(&pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::VersionMissing(_) => StoreError::corrupt(
            &db_path,
            "was written by a newer TenantAtlas; update TenantAtlas to open it",
        ),
        other => StoreError::Migrate(other),
    })?;
    Ok(Workspace {
        dir: dir.to_path_buf(),
        meta,
        pool,
        signing_seed: std::sync::Arc::new(key.signing_seed()),
        key: std::sync::Arc::new(key),
    })
}

/// The key of the workspace `meta` describes, from the keychain or the passphrase. `meta_path`
/// is named in the error when the key derivation settings are unusable.
pub(crate) async fn load_key(
    meta: &WorkspaceMeta,
    meta_path: &Path,
    options: &KeyOptions,
) -> Result<WorkspaceKey> {
    let meta_path = meta_path.to_path_buf();
    let passphrase = options.passphrase.clone().map(zeroize::Zeroizing::new);
    let source = meta.key_source;
    let kdf = meta.kdf.clone();
    let id = meta.workspace_id.clone();
    // Key derivation and keychain calls block (CPU, D-Bus), so they stay off the async threads.
    tokio::task::spawn_blocking(move || match source {
        KeySource::Keychain => keys::load_from_keychain(&id),
        KeySource::Passphrase => {
            let passphrase = passphrase.ok_or(StoreError::PassphraseRequired)?;
            let kdf = kdf.ok_or_else(|| {
                StoreError::corrupt(
                    &meta_path,
                    "says the workspace uses a passphrase but has no key derivation settings; restore the workspace with `tenantatlas restore-backup FILE`",
                )
            })?;
            keys::derive_from_passphrase(&passphrase, &kdf, &meta_path)
        }
    })
    .await
    .expect("key loading does not panic")
}

/// What to do about a damaged or missing database, for every message that reports one.
pub(crate) const RESTORE_ADVICE: &str =
    "restore the workspace from a backup with `tenantatlas restore-backup FILE`";

/// The cheap checks of a database file that `workspace.json` says exists, before SQLite sees it:
/// SQLite would take a missing or empty file for a new database and the workspace would start
/// over empty, silently. Reading every page (`PRAGMA integrity_check`) is left out on purpose:
/// workspaces grow to hundreds of megabytes and are opened by every command.
fn check_database_file(db_path: &Path) -> Result<()> {
    let len = match std::fs::metadata(db_path) {
        Ok(meta) if meta.is_file() => meta.len(),
        Ok(_) => {
            return Err(StoreError::corrupt(
                db_path,
                format!("is not a file; {RESTORE_ADVICE}"),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::corrupt(
                db_path,
                format!(
                    "is missing, though workspace.json says a workspace is here; {RESTORE_ADVICE} (or remove this folder to start a new, empty workspace)"
                ),
            ))
        }
        Err(e) => return Err(StoreError::io(db_path, e)),
    };
    if len == 0 {
        return Err(StoreError::corrupt(
            db_path,
            format!("is empty (0 bytes): everything this workspace held is gone from it; {RESTORE_ADVICE}"),
        ));
    }
    Ok(())
}

/// Writes `workspace.json` through a temporary file and a rename, so a crash never leaves half a file.
pub(crate) fn write_meta(dir: &Path, meta: &WorkspaceMeta) -> Result<()> {
    let path = dir.join(META_FILE);
    let tmp = dir.join(format!("{META_FILE}.tmp"));
    let text = serde_json::to_vec_pretty(meta)?;
    // A temporary file left by a crash may carry a looser mode: start from a new one.
    let _ = std::fs::remove_file(&tmp);
    let mut file = create_private_file(&tmp)?;
    std::io::Write::write_all(&mut file, &text).map_err(|e| StoreError::io(&tmp, e))?;
    file.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
    Ok(())
}

/// Opens the pool on the workspace's database with the key, then proves the key and the file
/// with a real read.
async fn connect(dir: &Path, key: &WorkspaceKey, create: bool) -> Result<SqlitePool> {
    connect_file(&dir.join(DB_FILE), key, create).await
}

/// [`connect`] for any database file with the workspace's layout (a backup being made or
/// restored, too). An existing file (`create` false) must hold tables and whole pages.
pub(crate) async fn connect_file(
    db_path: &Path,
    key: &WorkspaceKey,
    create: bool,
) -> Result<SqlitePool> {
    let db_path = db_path.to_path_buf();
    let damaged = |path: &Path| {
        StoreError::corrupt(
            path,
            format!("is damaged or is not a TenantAtlas database (the key is right, the file is not); {RESTORE_ADVICE}"),
        )
    };
    no_openssl_cleanup_at_exit();
    let options = SqliteConnectOptions::new()
        .filename(&db_path)
        .create_if_missing(create)
        // The key must be the first statement on every connection; sqlx sends `key` first.
        .pragma("key", key.pragma_value().to_string())
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed snapshot survives a power cut too, at one fsync per commit.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Sorts and temporary indexes stay in memory, never in a temporary file.
        .pragma("temp_store", "memory");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| match sqlite_code(&e) {
            // The key check already passed, so "not a database" means the file, not the key.
            Some(26) | Some(11) => damaged(&db_path),
            _ => StoreError::Database(e),
        })?;

    // Fail closed if this build somehow linked plain SQLite: it would ignore `PRAGMA key` and
    // write every customer's configuration in the clear.
    let cipher: Option<(String,)> = sqlx::query_as("PRAGMA cipher_version")
        .fetch_optional(&pool)
        .await?;
    if cipher.is_none_or(|(v,)| v.is_empty()) {
        pool.close().await;
        return Err(StoreError::corrupt(
            &db_path,
            "this build of TenantAtlas has no SQLCipher and refuses to write an unencrypted workspace",
        ));
    }
    let verified = verify_shape(&pool, &db_path, create).await;
    match verified {
        Ok(()) => Ok(pool),
        Err(e) => {
            pool.close().await;
            Err(match e {
                StoreError::Database(e) if matches!(sqlite_code(&e), Some(26) | Some(11)) => {
                    damaged(&db_path)
                }
                other => other,
            })
        }
    }
}

/// The first real read, through the key: the schema. An existing database must have tables (a
/// migrated workspace always has) and be a whole number of pages long; a shorter file than its
/// header claims is SQLite's own "corrupt" on this read.
async fn verify_shape(pool: &SqlitePool, db_path: &Path, create: bool) -> Result<()> {
    let tables = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
        .fetch_one(pool)
        .await?;
    if create {
        return Ok(());
    }
    if tables == 0 {
        return Err(StoreError::corrupt(
            db_path,
            format!("holds no tables, so it is not this workspace's database; {RESTORE_ADVICE}"),
        ));
    }
    // SQLCipher answers this pragma itself, as text.
    let page_size: String =
        sqlx::query_scalar("SELECT CAST(page_size AS TEXT) FROM pragma_page_size()")
            .fetch_one(pool)
            .await?;
    let page_size = page_size.parse::<u64>().unwrap_or(4096).max(1);
    let len = std::fs::metadata(db_path)
        .map_err(|e| StoreError::io(db_path, e))?
        .len();
    if !len.is_multiple_of(page_size) {
        return Err(StoreError::corrupt(
            db_path,
            format!("is truncated ({len} bytes is not a whole number of {page_size}-byte pages); {RESTORE_ADVICE}"),
        ));
    }
    Ok(())
}

/// Creates (or opens) a file only its owner can read and write (0600 on Unix). On Windows a new
/// file in the user's profile inherits the user's own ACL, which is what we want there.
pub(crate) fn create_private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path).map_err(|e| StoreError::io(path, e))?;
    // `mode` applies only to a file it creates; one that was already there is tightened too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::io(path, e))?;
    }
    Ok(file)
}

/// Makes the workspace folder private to the user (0700) and takes group and other permissions
/// off every regular file directly in it (workspace.json, the database and its -wal/-shm, locks,
/// temporary files), for workspaces made by older versions or under a loose umask. Quietly and
/// best-effort: a file system without Unix modes (a mounted share) must still open. Symbolic
/// links are left alone, never followed. On Windows the folder and files inherit the ACL of the
/// user's profile folder, which is private to the user already.
pub(crate) fn make_private(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tighten = |path: &Path, meta: &std::fs::Metadata| {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                let _ =
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700));
            }
        };
        let Ok(meta) = std::fs::symlink_metadata(dir) else {
            return;
        };
        if !meta.is_dir() {
            return;
        }
        tighten(dir, &meta);
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if let Ok(meta) = entry.metadata() {
                if meta.is_file() {
                    tighten(&entry.path(), &meta);
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Tells OpenSSL — SQLCipher's cipher library — not to tear itself down in an `atexit` handler.
///
/// Each SQLite connection lives on its own thread, which may still be ending (releasing its
/// OpenSSL thread state) when the process exits; OpenSSL's exit-time cleanup racing with that
/// was seen to abort a finished command with "double free or corruption". The operating system
/// frees the process's memory anyway. `OPENSSL_INIT_NO_ATEXIT` exists for exactly this (OpenSSL
/// 1.1.1b and later); it must come before OpenSSL's first use, hence before the first connection.
fn no_openssl_cleanup_at_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
        extern "C" {
            fn OPENSSL_init_crypto(opts: u64, settings: *const std::ffi::c_void)
                -> std::ffi::c_int;
        }
        // SAFETY: a plain call of OpenSSL's documented initialiser, which takes a null settings
        // pointer; libcrypto is linked for SQLCipher (`libsqlite3-sys`, bundled-sqlcipher).
        unsafe {
            OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, std::ptr::null());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_have_a_fixed_width_and_sort_as_text() {
        let a = format_time(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap());
        let b = format_time(
            OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_500_000_000).unwrap(),
        );
        assert_eq!(a, "2023-11-14T22:13:20.000Z");
        assert_eq!(a.len(), b.len());
        assert!(a < b);
        assert_eq!(parse_time(&b).unwrap().unix_timestamp(), 1_700_000_000);
    }

    #[test]
    fn the_default_folder_is_per_user() {
        let dir = default_dir();
        assert!(dir.to_string_lossy().to_lowercase().contains("tenantatlas"));
    }
}
