//! Snapshot bundles between workspaces: the age encryption of the file, the workspace's own
//! exchange identity, and the tables that mark a tenant as imported (migration 0012).
//!
//! Three decisions a newcomer must know:
//!
//! - **age, X25519 recipients** (`age1…`), through the `age` crate with no optional features: a
//!   well-kept format and library instead of a construction of our own. age authenticates every
//!   64 KiB chunk and marks the last one, so a changed byte or a truncated file fails to decrypt.
//!   It does not authenticate the *sender*: anyone holding a workspace's public key can write a
//!   bundle to it, so everything inside is untrusted input (the engine checks it).
//! - **The identity is derived, never stored**: its secret is `WorkspaceKey::exchange_seed`, a
//!   hash of the database key under its own domain string, so it is kept exactly as the workspace
//!   key is (keychain or passphrase). The secret never leaves this module; callers get the public
//!   key ([`Workspace::exchange_recipient`]) and a decrypting reader ([`Workspace::open_sealed`]).
//! - **An import is one transaction** ([`commit_import`], and [`commit_backup`] for a backup
//!   folder from another tool): the tenant, its offline marker, its
//!   directory names and every new snapshot (through the sync's own `commit_snapshot` path,
//!   dated when it was taken) are stored whole or not at all.

use crate::directory::{upsert_directory_objects, DirectoryObject};
use crate::error::{Result, StoreError};
use crate::snapshots::{commit_snapshot_taken_at, SnapshotSummary};
use crate::tenants::{find_tenant, upsert_tenant, TenantRecord};
use crate::workspace::{format_time, now, parse_time, Workspace};
use bech32::{ToBase32, Variant};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire, Row, Sqlite};
use std::io::{self, Read, Write};
use std::str::FromStr;
use tenantatlas_core::CapturedObject;
use zeroize::Zeroizing;

/// An age X25519 public key (`age1…`): what a bundle is encrypted to.
#[derive(Clone)]
pub struct ExchangeRecipient(age::x25519::Recipient);

/// Text that is not an age X25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an age public key")]
pub struct NotARecipient;

impl FromStr for ExchangeRecipient {
    type Err = NotARecipient;

    fn from_str(text: &str) -> std::result::Result<Self, NotARecipient> {
        // age's own parser checks the prefix, the Bech32 checksum and the key's length.
        age::x25519::Recipient::from_str(text.trim())
            .map(ExchangeRecipient)
            .map_err(|_| NotARecipient)
    }
}

impl std::fmt::Display for ExchangeRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for ExchangeRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExchangeRecipient({})", self.0)
    }
}

/// Why a file did not open as a bundle for this workspace.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file does not start with an age header.
    #[error("not an age-encrypted file")]
    NotAge,
    /// An age file, but for other recipients (or its recipient stanza was changed).
    #[error("not encrypted to this workspace's key")]
    WrongKey,
    /// The header's MAC or another authenticated part failed: the file was changed.
    #[error("damaged or changed after it was encrypted")]
    Damaged,
    /// Reading the file failed.
    #[error("{0}")]
    Io(io::Error),
}

/// Encrypts what `write` writes to `recipient`, into `out`; returns `out` once the last chunk is
/// written (a stream that is not finished is a truncated file).
pub fn seal<W: Write>(
    recipient: &ExchangeRecipient,
    out: W,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<W> {
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient.0 as &dyn age::Recipient))
            .map_err(|e| io::Error::other(e.to_string()))?;
    let mut writer = encryptor.wrap_output(out)?;
    write(&mut writer)?;
    writer.finish()
}

impl Workspace {
    /// The workspace's age identity, made from its secret (see the module's header). Not public:
    /// the secret stays in this module.
    fn exchange_identity(&self) -> age::x25519::Identity {
        let seed = self.key().exchange_seed();
        // The only constructor age offers from a secret is its text form, `AGE-SECRET-KEY-1…`.
        let text = Zeroizing::new(
            bech32::encode("age-secret-key-", seed.to_base32(), Variant::Bech32)
                .expect("the prefix is a valid Bech32 prefix"),
        );
        age::x25519::Identity::from_str(&text).expect("any 32 bytes are an X25519 secret")
    }

    /// The workspace's public key (`age1…`), which colleagues encrypt bundles to.
    pub fn exchange_recipient(&self) -> ExchangeRecipient {
        ExchangeRecipient(self.exchange_identity().to_public())
    }

    /// Reads an age file encrypted to this workspace: checks the header and that this workspace
    /// is a recipient, and returns a reader of the plaintext. Every chunk is authenticated as it is
    /// read, and the end of the stream is checked: a reader error means the file was changed or cut
    /// short, so nothing read from it may be kept unless the reader reached its end.
    pub fn open_sealed<R: Read>(&self, input: R) -> std::result::Result<impl Read, OpenError> {
        let decryptor = age::Decryptor::new(input).map_err(open_error)?;
        let identity = self.exchange_identity();
        decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(open_error)
    }
}

fn open_error(e: age::DecryptError) -> OpenError {
    use age::DecryptError as E;
    match e {
        E::InvalidHeader | E::UnknownFormat => OpenError::NotAge,
        E::NoMatchingKeys => OpenError::WrongKey,
        E::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => OpenError::Damaged,
        E::Io(e) => OpenError::Io(e),
        _ => OpenError::Damaged,
    }
}

/// A tenant imported from a snapshot bundle: offline and read-only in this workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OfflineTenant {
    pub tenant_id: String,
    /// The workspace the newest bundle came from, as the bundle says.
    pub source_workspace_id: String,
    /// The OS account that exported it there, as the bundle says.
    pub exported_by: String,
    pub exported_at: String,
    /// When the newest bundle was imported here.
    pub imported_at: String,
}

fn offline_from_row(row: &SqliteRow) -> Result<OfflineTenant> {
    Ok(OfflineTenant {
        tenant_id: row.try_get("tenant_id")?,
        source_workspace_id: row.try_get("source_workspace_id")?,
        exported_by: row.try_get("exported_by")?,
        exported_at: row.try_get("exported_at")?,
        imported_at: row.try_get("imported_at")?,
    })
}

/// Every tenant imported from a bundle.
pub async fn offline_tenants<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<OfflineTenant>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT tenant_id, source_workspace_id, exported_by, exported_at, imported_at
         FROM offline_tenants ORDER BY tenant_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(offline_from_row).collect()
}

/// The tenant's import record, when it was imported from a bundle.
pub async fn offline_tenant<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Option<OfflineTenant>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(
        "SELECT tenant_id, source_workspace_id, exported_by, exported_at, imported_at
         FROM offline_tenants WHERE tenant_id = lower(?1)",
    )
    .bind(tenant_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(offline_from_row).transpose()
}

/// Which source snapshot (workspace id, snapshot id there) each of the tenant's imported
/// snapshots is.
pub async fn imported_sources<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Vec<(String, i64)>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT source_workspace_id, source_snapshot_id FROM imported_snapshots
         WHERE tenant_id = lower(?1) ORDER BY snapshot_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// One snapshot of a bundle, checked by the caller, to store as it was taken.
#[derive(Clone, Debug)]
pub struct ImportedSnapshot {
    /// Its id in the workspace it came from.
    pub source_snapshot_id: i64,
    /// When it was taken there (RFC 3339; stored in the workspace's own form).
    pub taken_at: String,
    /// The kinds read completely (only these mark objects deleted).
    pub complete_kinds: Vec<String>,
    pub objects: Vec<CapturedObject>,
}

/// A tenant's bundle, checked by the caller: what [`commit_import`] stores.
#[derive(Clone, Debug)]
pub struct TenantImport {
    /// The tenant as it is to be stored (state and connection decided by the caller).
    pub tenant: TenantRecord,
    pub source_workspace_id: String,
    pub exported_by: String,
    pub exported_at: String,
    pub directory: Vec<DirectoryObject>,
    /// Only the snapshots to add, oldest first.
    pub snapshots: Vec<ImportedSnapshot>,
}

/// Stores an imported tenant and its new snapshots in one transaction, each snapshot through
/// the sync's commit path under `run_id`, dated when it was taken. A snapshot already imported
/// from the same source fails the whole import (the caller leaves those out); a time that is not
/// RFC 3339 is refused before anything is written.
pub async fn commit_import<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_id: &str,
    import: &TenantImport,
) -> Result<Vec<SnapshotSummary>> {
    let bad_time = |what: &str, text: &str| StoreError::Refused {
        path: std::path::PathBuf::from(&import.tenant.domain),
        problem: format!("{what} '{text}' is not a time"),
    };
    let exported_at = parse_time(&import.exported_at)
        .map(format_time)
        .ok_or_else(|| bad_time("exported_at", &import.exported_at))?;
    let mut taken = Vec::with_capacity(import.snapshots.len());
    for snapshot in &import.snapshots {
        taken.push(
            parse_time(&snapshot.taken_at)
                .map(format_time)
                .ok_or_else(|| bad_time("taken_at", &snapshot.taken_at))?,
        );
    }
    let tenant_id = import.tenant.id.to_lowercase();
    let mut tx = db.begin().await?;
    upsert_tenant(&mut *tx, &import.tenant).await?;
    sqlx::query(
        "INSERT INTO offline_tenants (tenant_id, source_workspace_id, exported_by, exported_at, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id) DO UPDATE SET
             source_workspace_id = excluded.source_workspace_id,
             exported_by = excluded.exported_by, exported_at = excluded.exported_at,
             imported_at = excluded.imported_at",
    )
    .bind(&tenant_id)
    .bind(&import.source_workspace_id)
    .bind(&import.exported_by)
    .bind(&exported_at)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if !import.directory.is_empty() {
        upsert_directory_objects(&mut *tx, &tenant_id, &import.directory).await?;
    }
    let mut summaries = Vec::with_capacity(import.snapshots.len());
    for (snapshot, at) in import.snapshots.iter().zip(&taken) {
        let kinds: Vec<&str> = snapshot.complete_kinds.iter().map(String::as_str).collect();
        let summary =
            commit_snapshot_taken_at(&mut *tx, &tenant_id, run_id, &snapshot.objects, &kinds, at)
                .await?;
        sqlx::query(
            "INSERT INTO imported_snapshots (snapshot_id, tenant_id, source_workspace_id, source_snapshot_id)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(summary.snapshot_id)
        .bind(&tenant_id)
        .bind(&import.source_workspace_id)
        .bind(snapshot.source_snapshot_id)
        .execute(&mut *tx)
        .await?;
        summaries.push(summary);
    }
    tx.commit().await?;
    Ok(summaries)
}

/// A backup written by another tool (IntuneCD, IntuneManagement), read and checked by the caller:
/// one dated snapshot for [`commit_backup`].
#[derive(Clone, Debug)]
pub struct BackupImport {
    /// The tenant as it is to be stored when `offline` is set; a connected tenant (`offline` is
    /// `None`) is left as it is: a backup never changes how a tenant signs in.
    pub tenant: TenantRecord,
    /// Marks the tenant offline (new, or imported before): what the backup was and when it was
    /// written, in the columns a bundle's source fills.
    pub offline: Option<BackupSource>,
    /// Group names the backup named, under the ids its contents use.
    pub directory: Vec<DirectoryObject>,
    /// `source_snapshot_id` is the backup's fingerprint, so the same backup adds nothing twice.
    pub snapshot: ImportedSnapshot,
    /// What made it (`intunecd-backup`, `intunemanagement-export`): the source column of
    /// `imported_snapshots`.
    pub source: String,
}

/// Where an offline tenant's newest backup came from.
#[derive(Clone, Debug)]
pub struct BackupSource {
    /// The folder's name.
    pub folder: String,
    /// When the backup was taken (RFC 3339).
    pub taken_at: String,
}

/// Stores one snapshot read from a backup folder in one transaction, through the sync's commit
/// path dated when the backup was taken; an offline tenant is stored (or updated) with it.
pub async fn commit_backup<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_id: &str,
    import: &BackupImport,
) -> Result<SnapshotSummary> {
    let at = parse_time(&import.snapshot.taken_at)
        .map(format_time)
        .ok_or_else(|| StoreError::Refused {
            path: std::path::PathBuf::from(&import.tenant.domain),
            problem: format!("taken_at '{}' is not a time", import.snapshot.taken_at),
        })?;
    let tenant_id = import.tenant.id.to_lowercase();
    let mut tx = db.begin().await?;
    if let Some(source) = &import.offline {
        upsert_tenant(&mut *tx, &import.tenant).await?;
        sqlx::query(
            "INSERT INTO offline_tenants (tenant_id, source_workspace_id, exported_by, exported_at, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tenant_id) DO UPDATE SET
                 source_workspace_id = excluded.source_workspace_id,
                 exported_by = excluded.exported_by, exported_at = excluded.exported_at,
                 imported_at = excluded.imported_at",
        )
        .bind(&tenant_id)
        .bind(&import.source)
        .bind(&source.folder)
        .bind(&at)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    if !import.directory.is_empty() {
        upsert_directory_objects(&mut *tx, &tenant_id, &import.directory).await?;
    }
    let snapshot = &import.snapshot;
    let kinds: Vec<&str> = snapshot.complete_kinds.iter().map(String::as_str).collect();
    let summary =
        commit_snapshot_taken_at(&mut *tx, &tenant_id, run_id, &snapshot.objects, &kinds, &at)
            .await?;
    sqlx::query(
        "INSERT INTO imported_snapshots (snapshot_id, tenant_id, source_workspace_id, source_snapshot_id)
         VALUES (?1, ?2, ?3, ?4)",
    )
    .bind(summary.snapshot_id)
    .bind(&tenant_id)
    .bind(&import.source)
    .bind(snapshot.source_snapshot_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Whether a tenant stored here was imported (`Some`) or is connected (`None`), and whether it is
/// there at all: the three cases an import tells apart before it writes.
pub async fn tenant_origin<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Option<(TenantRecord, Option<OfflineTenant>)>> {
    let mut conn = db.acquire().await?;
    let Some(tenant) = find_tenant(&mut *conn, tenant_id).await? else {
        return Ok(None);
    };
    let offline = offline_tenant(&mut *conn, &tenant.id).await?;
    Ok(Some((tenant, offline)))
}

impl Workspace {
    pub async fn offline_tenants(&self) -> Result<Vec<OfflineTenant>> {
        offline_tenants(self.pool()).await
    }

    pub async fn offline_tenant(&self, tenant_id: &str) -> Result<Option<OfflineTenant>> {
        offline_tenant(self.pool(), tenant_id).await
    }

    pub async fn commit_backup(
        &self,
        run_id: &str,
        import: &BackupImport,
    ) -> Result<SnapshotSummary> {
        let mut tx = self.begin().await?;
        let out = commit_backup(&mut *tx, run_id, import).await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn commit_import(
        &self,
        run_id: &str,
        import: &TenantImport,
    ) -> Result<Vec<SnapshotSummary>> {
        // Write transactions start IMMEDIATE (see `Workspace::begin`); the table function nests in it.
        let mut tx = self.begin().await?;
        let out = commit_import(&mut *tx, run_id, import).await?;
        tx.commit().await?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_parse_only_as_age_keys() {
        let key = age::x25519::Identity::generate().to_public().to_string();
        let parsed: ExchangeRecipient = format!("  {key}\n").parse().unwrap();
        assert_eq!(parsed.to_string(), key);
        for bad in [
            "",
            "age1",
            "ssh-ed25519 AAAA",
            &key[..key.len() - 1],
            &key.replace("age1", "age2"),
        ] {
            assert!(bad.parse::<ExchangeRecipient>().is_err(), "{bad:?}");
        }
    }
}
