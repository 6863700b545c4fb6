//! Whole-workspace backups: one file that holds the encrypted database and the `workspace.json`
//! it takes to open it again, checked before it is written and before it replaces anything.
//!
//! The file is a magic line, one line of JSON ([`BackupHeader`]: the format, when, the
//! `workspace.json` contents, the database's length and SHA-256, and how many tenants, snapshots
//! and audit entries it holds), then the database bytes. Those bytes are a `VACUUM INTO` copy,
//! which SQLCipher encrypts with the workspace's own key: a backup is exactly as readable as the
//! workspace, and opens with the same keychain key or passphrase. The header is plain text and
//! holds nothing that identifies a customer (the counts are numbers only).
//!
//! Restoring checks everything first — the checksum, the key (against the key check in the
//! embedded `workspace.json`), that the copy opens as a TenantAtlas database, passes
//! `PRAGMA quick_check` and has an intact audit chain — and only then moves the workspace's own
//! files aside (`workspace.db.before-restore-<time>`, never deleted) and puts the copy in place.
//! It works on a damaged workspace, which is when it is needed: it never opens the target through
//! [`Workspace::open`] except to ask whether it is healthy.

use crate::audit;
use crate::error::{Result, StoreError};
use crate::keys::{keychain_account, KeyOptions, WorkspaceKey};
use crate::workspace::{
    connect_file, create_private_file, latest_migration, load_key, make_private, now, write_meta,
    Workspace, WorkspaceMeta, DB_FILE, FORMAT_VERSION, META_FILE,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// The first line of every backup file.
pub const MAGIC: &str = "TENANTATLAS-BACKUP";
/// The backup format this build writes and understands.
pub const BACKUP_FORMAT: u32 = 1;
/// The header line is a few hundred bytes; more is not a backup of ours.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// What a backup holds, in numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCounts {
    pub tenants: u64,
    pub snapshots: u64,
    pub audit_entries: u64,
}

/// The plain-text line after the magic line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BackupHeader {
    pub format: u32,
    pub created_at: String,
    /// The TenantAtlas version that wrote it.
    pub written_by: String,
    /// The `workspace.json` of the workspace it was made from.
    pub workspace: WorkspaceMeta,
    pub database_bytes: u64,
    pub database_sha256: String,
    pub counts: BackupCounts,
}

/// What `backup` wrote.
#[derive(Clone, Debug, Serialize)]
pub struct BackupSummary {
    pub file: PathBuf,
    /// The size of the backup file.
    pub bytes: u64,
    pub workspace_id: String,
    pub created_at: String,
    pub database_sha256: String,
    pub counts: BackupCounts,
}

/// How to restore.
#[derive(Clone, Copy, Debug, Default)]
pub struct RestoreOptions {
    /// Replace a workspace that opens fine (its files are kept beside it, renamed).
    pub force: bool,
}

/// What `restore_backup` did.
#[derive(Clone, Debug, Serialize)]
pub struct RestoreSummary {
    pub dir: PathBuf,
    pub from: PathBuf,
    pub workspace_id: String,
    /// When the backup was made.
    pub backup_created_at: String,
    pub counts: BackupCounts,
    /// The files the restore replaced, kept under their new names.
    pub kept: Vec<PathBuf>,
}

/// A restored workspace, open, and what was done.
pub struct Restored {
    pub workspace: Workspace,
    pub summary: RestoreSummary,
}

/// Temporary files removed when dropped, however the operation ends.
struct TempFiles(Vec<PathBuf>);

impl TempFiles {
    /// A database file and the `-wal`/`-shm` files SQLite may make beside it.
    fn database(path: &Path) -> TempFiles {
        let with = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        TempFiles(vec![path.to_path_buf(), with("-wal"), with("-shm")])
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Workspace {
    /// Writes a verified, encrypted copy of the whole workspace to `out`, a new file (never
    /// overwritten), private to the user.
    pub async fn backup(&self, out: &Path) -> Result<BackupSummary> {
        if std::fs::symlink_metadata(out).is_ok() {
            return Err(StoreError::Refused {
                path: out.to_path_buf(),
                problem:
                    "already exists; choose a new file name (a backup never overwrites a file)"
                        .to_string(),
            });
        }
        // 1. A consistent copy, made by SQLite inside the workspace folder (same disk, private).
        let copy = self
            .dir()
            .join(format!(".backup-{}.db", uuid::Uuid::new_v4().simple()));
        let _cleanup = TempFiles::database(&copy);
        create_private_file(&copy)?;
        let target = copy.to_str().ok_or_else(|| {
            StoreError::corrupt(
                self.dir(),
                "has a path that is not UTF-8; SQLite cannot copy into it",
            )
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(self.pool())
            .await?;

        // 2. Proof that the copy opens with the key and is whole.
        let pool = connect_file(&copy, self.key(), false).await?;
        let counts = check_copy(&pool, &copy).await;
        close(pool).await?;
        let counts = counts?;

        // 3. The backup file: header, then the copy's bytes; through a temporary file and a rename.
        let (database_bytes, database_sha256) = hash_file(&copy)?;
        let header = BackupHeader {
            format: BACKUP_FORMAT,
            created_at: now(),
            written_by: format!("tenantatlas {}", env!("CARGO_PKG_VERSION")),
            workspace: self.meta().clone(),
            database_bytes,
            database_sha256,
            counts,
        };
        let bytes = write_backup_file(out, &header, &copy)?;
        Ok(BackupSummary {
            file: out.to_path_buf(),
            bytes,
            workspace_id: header.workspace.workspace_id,
            created_at: header.created_at,
            database_sha256: header.database_sha256,
            counts: header.counts,
        })
    }
}

/// Checks a copy of a workspace database opened with its key: every page readable
/// (`quick_check`), a schema this build knows, an intact audit chain. Returns its counts.
/// `shown` is the file named in errors.
async fn check_copy(pool: &SqlitePool, shown: &Path) -> Result<BackupCounts> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(pool)
        .await?;
    if problems != ["ok"] {
        return Err(StoreError::corrupt(
            shown,
            "holds a database that fails SQLite's check of its pages; use another backup",
        ));
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(|_| {
            StoreError::corrupt(
                shown,
                "holds a database that is not a TenantAtlas workspace",
            )
        })?;
    if version.unwrap_or(0) > latest_migration() {
        return Err(StoreError::corrupt(
            shown,
            "was made by a newer TenantAtlas; update TenantAtlas to restore it",
        ));
    }
    let audit_entries = audit::verify_audit(pool).await.map_err(|e| match e {
        StoreError::AuditBreak { seq } => StoreError::corrupt(
            shown,
            format!("holds an audit log that was altered at entry {seq}; use another backup"),
        ),
        other => other,
    })?;
    let count = |table: &str| {
        let sql = format!("SELECT count(*) FROM {table}");
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(pool)
                .await
                .map(|n| n.max(0) as u64)
        }
    };
    Ok(BackupCounts {
        tenants: count("tenants").await?,
        snapshots: count("snapshots").await?,
        audit_entries,
    })
}

/// Folds the copy's write-ahead log into it and closes it, so the file alone is the database.
async fn close(pool: SqlitePool) -> Result<()> {
    let checkpoint = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await;
    pool.close().await;
    checkpoint?;
    Ok(())
}

/// The length and SHA-256 (hex) of a file.
fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(|e| StoreError::io(path, e))?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Writes `out` (header, then the database at `copy`) through a private temporary file beside
/// it and a rename; returns its size.
fn write_backup_file(out: &Path, header: &BackupHeader, copy: &Path) -> Result<u64> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_string());
    let tmp = parent.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let _cleanup = TempFiles(vec![tmp.clone()]);
    let io = |e| StoreError::io(&tmp, e);
    let mut file = create_private_file(&tmp)?;
    let mut line = serde_json::to_vec(header)?;
    line.push(b'\n');
    file.write_all(format!("{MAGIC}\n").as_bytes())
        .map_err(io)?;
    file.write_all(&line).map_err(io)?;
    // The copy is hashed again on the way: the header must describe the bytes that follow it.
    let mut source = File::open(copy).map_err(|e| StoreError::io(copy, e))?;
    let mut hashing = HashingWriter {
        inner: &mut file,
        hasher: Sha256::new(),
    };
    let copied = std::io::copy(&mut source, &mut hashing).map_err(io)?;
    let sha256 = hex::encode(hashing.hasher.finalize());
    if copied != header.database_bytes || sha256 != header.database_sha256 {
        return Err(StoreError::corrupt(
            copy,
            "changed while the backup was written; run the backup again",
        ));
    }
    file.sync_all().map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    drop(file);
    std::fs::rename(&tmp, out).map_err(|e| StoreError::io(out, e))?;
    // Make the rename itself durable; not every platform can open a folder for this.
    if let Ok(dir) = File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(bytes)
}

struct HashingWriter<'a> {
    inner: &'a mut File,
    hasher: Sha256,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads and checks the magic line and header of a backup file, leaving `reader` at the
/// database bytes.
pub fn read_header(reader: &mut impl BufRead, file: &Path) -> Result<BackupHeader> {
    let not_ours = || {
        StoreError::corrupt(
            file,
            "is not a TenantAtlas backup (made by `tenantatlas backup --out FILE`)",
        )
    };
    let mut magic = Vec::new();
    reader
        .take(MAGIC.len() as u64 + 1)
        .read_until(b'\n', &mut magic)
        .map_err(|e| StoreError::io(file, e))?;
    if magic != format!("{MAGIC}\n").as_bytes() {
        return Err(not_ours());
    }
    let mut line = Vec::new();
    reader
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(|e| StoreError::io(file, e))?;
    if line.last() != Some(&b'\n') {
        return Err(StoreError::corrupt(
            file,
            "has a damaged header; use another backup",
        ));
    }
    let header: BackupHeader = serde_json::from_slice(&line)
        .map_err(|_| StoreError::corrupt(file, "has a damaged header; use another backup"))?;
    if header.format > BACKUP_FORMAT || header.workspace.format > FORMAT_VERSION {
        return Err(StoreError::corrupt(
            file,
            "was made by a newer TenantAtlas; update TenantAtlas to restore it",
        ));
    }
    Ok(header)
}

/// Restores the backup `file` into the workspace folder `dir`.
///
/// Refuses to replace a workspace that opens fine unless `options.force`; a missing, empty or
/// damaged one is replaced without asking, since that is what a restore is for. The key comes
/// from `keys` as for opening: the passphrase the backed-up workspace used, or the OS keychain
/// entry it was made with (on another machine, that entry must be restored first).
/// Run it while nothing else uses the workspace.
pub async fn restore_backup(
    dir: &Path,
    file: &Path,
    keys: &KeyOptions,
    options: RestoreOptions,
) -> Result<Restored> {
    // 1. The backup itself: header, checksum, key, contents. Nothing in `dir` changes yet but a
    //    private temporary file.
    let mut reader = BufReader::new(crate::workspace::open_regular_file(file)?);
    let header = read_header(&mut reader, file)?;
    let key = backup_key(&header, file, keys).await?;
    check_target(dir, keys, options).await?;
    let made_dir = !dir.exists();
    if made_dir {
        crate::lock::ensure_private_dir(dir)?;
    }
    // Nothing else may write the workspace while its files are swapped: no sync, and no process
    // that has runs going (each holds an owner lock).
    let result = match restore_locks(dir) {
        Ok(_held) => restore_into(dir, file, reader, &header, &key).await,
        Err(e) => Err(e),
    };
    if result.is_err() && made_dir {
        let _ = std::fs::remove_dir(dir);
    }
    let kept = result?;
    make_private(dir);
    // 2. Open it as every command will, which also brings an older schema up to date.
    let workspace = Workspace::open(dir, keys).await?;
    Ok(Restored {
        workspace,
        summary: RestoreSummary {
            dir: dir.to_path_buf(),
            from: file.to_path_buf(),
            workspace_id: header.workspace.workspace_id,
            backup_created_at: header.created_at,
            counts: header.counts,
            kept,
        },
    })
}

/// Whether the backup may go into `dir`: a new or empty folder, or a workspace folder whose
/// workspace is damaged, or (with `force`) any workspace folder.
async fn check_target(dir: &Path, keys: &KeyOptions, options: RestoreOptions) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(StoreError::Refused {
            path: dir.to_path_buf(),
            problem: "is not a folder; choose the workspace's folder or a new one".to_string(),
        });
    }
    let has = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok();
    let workspace_files = has(META_FILE) || has(DB_FILE) || has(&format!("{DB_FILE}-wal"));
    if !workspace_files {
        let entries = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        let others = entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !(name.ends_with(".lock") || name == "locks" || name.contains(".before-restore-"))
        });
        if others {
            return Err(StoreError::Refused {
                path: dir.to_path_buf(),
                problem: "is not a TenantAtlas workspace and not empty; choose the workspace's folder or an empty one".to_string(),
            });
        }
        return Ok(());
    }
    if options.force || !has(META_FILE) {
        // Without workspace.json nothing can open the database there: it is not healthy.
        return Ok(());
    }
    let keep = "its files would be kept beside it as *.before-restore-<time>";
    match Workspace::open(dir, keys).await {
        Ok(workspace) => {
            let tenants = workspace.list_tenants().await.map(|t| t.len()).unwrap_or(0);
            workspace.close().await?;
            Err(StoreError::Refused {
                path: dir.to_path_buf(),
                problem: format!(
                    "holds a workspace that opens fine ({tenants} tenant{}); pass --force to replace it ({keep})",
                    if tenants == 1 { "" } else { "s" }
                ),
            })
        }
        // Damaged, emptied, truncated: what a restore is for.
        Err(StoreError::Corrupt { .. }) => Ok(()),
        Err(other) => Err(StoreError::Refused {
            path: dir.to_path_buf(),
            problem: format!(
                "holds a workspace this restore cannot check ({other}); pass --force to replace it anyway ({keep})"
            ),
        }),
    }
}

/// Checks the backup's database in a temporary file in `dir`, then moves the workspace's own
/// files aside and puts the backup in place. Returns the kept files.
async fn restore_into(
    dir: &Path,
    file: &Path,
    mut reader: impl Read,
    header: &BackupHeader,
    key: &WorkspaceKey,
) -> Result<Vec<PathBuf>> {
    let copy = dir.join(format!(".restore-{}.db", uuid::Uuid::new_v4().simple()));
    let cleanup = TempFiles::database(&copy);
    {
        let mut out = create_private_file(&copy)?;
        let mut hashing = HashingWriter {
            inner: &mut out,
            hasher: Sha256::new(),
        };
        // One byte more than the header says, to tell a longer file from the right one.
        let copied = std::io::copy(
            &mut (&mut reader).take(header.database_bytes.saturating_add(1)),
            &mut hashing,
        )
        .map_err(|e| StoreError::io(file, e))?;
        let sha256 = hex::encode(hashing.hasher.finalize());
        if copied != header.database_bytes || sha256 != header.database_sha256 {
            return Err(StoreError::corrupt(
                file,
                "is damaged: its database does not match the checksum in its header; use another backup",
            ));
        }
        out.sync_all().map_err(|e| StoreError::io(&copy, e))?;
    }

    let pool = connect_file(&copy, key, false).await.map_err(|e| match e {
        StoreError::Corrupt { .. } => StoreError::corrupt(
            file,
            "holds a database that does not open as a TenantAtlas workspace; use another backup",
        ),
        other => other,
    })?;
    let checked = check_copy(&pool, file).await;
    close(pool).await?;
    checked?;

    // Everything checked: now the workspace's own files move aside, never deleted.
    let stamp = now().replace([':', '-'], "").replace('.', "-");
    let mut kept = Vec::new();
    for name in [
        DB_FILE.to_string(),
        format!("{DB_FILE}-wal"),
        format!("{DB_FILE}-shm"),
        META_FILE.to_string(),
    ] {
        let path = dir.join(&name);
        if std::fs::symlink_metadata(&path).is_ok() {
            let aside = dir.join(format!("{name}.before-restore-{stamp}"));
            std::fs::rename(&path, &aside).map_err(|e| StoreError::io(&path, e))?;
            kept.push(aside);
        }
    }
    write_meta(dir, &header.workspace)?;
    let db_path = dir.join(DB_FILE);
    std::fs::rename(&copy, &db_path).map_err(|e| StoreError::io(&db_path, e))?;
    drop(cleanup);
    Ok(kept)
}

/// The key of the backed-up workspace, checked against the key check in its `workspace.json`.
async fn backup_key(header: &BackupHeader, file: &Path, keys: &KeyOptions) -> Result<WorkspaceKey> {
    let key = load_key(&header.workspace, file, keys)
        .await
        .map_err(|e| match e {
            StoreError::KeychainKeyMissing { .. } | StoreError::WrongKey => {
                match header.workspace.key_source {
                    crate::keys::KeySource::Keychain => StoreError::BackupKeyMissing {
                        path: file.to_path_buf(),
                        account: keychain_account(&header.workspace.workspace_id),
                    },
                    crate::keys::KeySource::Passphrase => StoreError::BackupWrongKey {
                        path: file.to_path_buf(),
                    },
                }
            }
            other => other,
        })?;
    if key.check_value() != header.workspace.key_check {
        return Err(StoreError::BackupWrongKey {
            path: file.to_path_buf(),
        });
    }
    Ok(key)
}

/// Creates a workspace folder that does not exist yet, private to the user (0700 on Unix).
/// The locks a restore holds: the sync lock, after making sure no live process owns runs here.
fn restore_locks(dir: &Path) -> Result<crate::lock::LockGuard> {
    let what = "the workspace is in use, so a backup cannot be restored into it";
    let sync = crate::lock::acquire(
        &dir.join(crate::lock::SYNC_LOCK),
        "restoring a backup",
        what,
        std::time::Duration::ZERO,
    )?;
    if let Some(holder) = crate::lock::live_owners(dir)?.first() {
        return Err(StoreError::Locked {
            what: what.to_string(),
            holder: format!(
                "held by {}; close the app and wait for other commands to finish",
                holder.describe()
            ),
        });
    }
    Ok(sync)
}
