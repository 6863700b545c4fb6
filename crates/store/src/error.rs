//! The store's errors. Each message is one lowercase line that says what to do next, because the
//! command line prints it as is (`error: …`) and the desktop shows it to an MSP engineer.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A new workspace needs a key, and neither the OS keychain nor a passphrase can provide one.
    #[error("no OS keychain is available ({reason}) and TENANTATLAS_PASSPHRASE is not set; set TENANTATLAS_PASSPHRASE to protect this workspace with a passphrase")]
    NoKeychain { reason: String },

    /// The workspace keeps its key in the OS keychain, and the keychain cannot be reached.
    #[error("this workspace keeps its key in the OS keychain, which is not available ({reason}); unlock or start the keychain and try again")]
    KeychainUnavailable { reason: String },

    /// The keychain works but has no key for this workspace.
    #[error("the OS keychain has no key for this workspace (service \"TenantAtlas\", account \"{account}\"); restore that keychain entry or open the workspace on the machine and user account that created it")]
    KeychainKeyMissing { account: String },

    #[error("this workspace is protected by a passphrase; set TENANTATLAS_PASSPHRASE")]
    PassphraseRequired,

    #[error("the passphrase (or keychain key) does not open this workspace")]
    WrongKey,

    /// A passphrase for a new workspace that does not meet the rule in `keys::check_new_passphrase`.
    #[error("TENANTATLAS_PASSPHRASE is too weak for a new workspace: use at least 12 characters, at least 6 of them different (a few random words work well)")]
    WeakPassphrase,

    /// The passphrase (or keychain key) does not open a backup being restored.
    #[error("{}: the passphrase (or keychain key) does not open this backup; set TENANTATLAS_PASSPHRASE to the passphrase of the workspace it was made from", path.display())]
    BackupWrongKey { path: PathBuf },

    /// A backup of a keychain-keyed workspace, restored where the keychain lacks its key.
    #[error("{}: this backup's key is kept in the OS keychain (service \"TenantAtlas\", account \"{account}\"), which does not hold it here; restore it on the machine and user account that made it, or restore that keychain entry first", path.display())]
    BackupKeyMissing { path: PathBuf, account: String },

    /// An action that would replace or overwrite something the user may still need.
    #[error("{}: {problem}", path.display())]
    Refused { path: PathBuf, problem: String },

    /// Not a workspace, or a damaged one. The message names the path and what to do.
    #[error("{}: {problem}", path.display())]
    Corrupt { path: PathBuf, problem: String },

    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },

    /// Another process holds a lock of this workspace; `holder` says who and since when.
    #[error("{what}: {holder}")]
    Locked { what: String, holder: String },

    #[error("no tenant matches \"{0}\"; run `tenantatlas tenant add` first")]
    TenantNotFound(String),

    #[error("another tenant already uses the domain \"{0}\"")]
    DomainTaken(String),

    #[error("no run has the id \"{0}\"")]
    RunNotFound(String),

    /// A captured object whose hash is not the hash of its content: storing it would poison the
    /// content-addressed table for every object that really has that hash.
    #[error("object {object_id} ({kind}) has a hash that does not match its content")]
    HashMismatch { kind: String, object_id: String },

    /// `verify_audit` found an entry that is not what was appended.
    #[error("the audit log was altered at entry {seq}")]
    AuditBreak { seq: i64 },

    #[error("the workspace database failed: {0}")]
    Database(#[from] sqlx::Error),

    #[error("the workspace schema could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("a stored value could not be read: {0}")]
    Decode(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable machine-readable code, for front doors that branch on the kind of failure
    /// (the desktop UI must never branch on message text).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NoKeychain { .. } => "no_keychain",
            StoreError::KeychainUnavailable { .. } => "keychain_unavailable",
            StoreError::KeychainKeyMissing { .. } => "keychain_key_missing",
            StoreError::PassphraseRequired => "passphrase_required",
            StoreError::WrongKey => "wrong_key",
            StoreError::WeakPassphrase => "weak_passphrase",
            StoreError::BackupWrongKey { .. } => "backup_wrong_key",
            StoreError::BackupKeyMissing { .. } => "backup_key_missing",
            StoreError::Refused { .. } => "refused",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::Io { .. } => "io",
            StoreError::Locked { .. } => "locked",
            StoreError::TenantNotFound(_) => "tenant_not_found",
            StoreError::DomainTaken(_) => "domain_taken",
            StoreError::RunNotFound(_) => "run_not_found",
            StoreError::HashMismatch { .. } => "hash_mismatch",
            StoreError::AuditBreak { .. } => "audit_break",
            StoreError::Database(_) => "database",
            StoreError::Migrate(_) => "migrate",
            StoreError::Decode(_) => "decode",
        }
    }

    pub(crate) fn corrupt(path: &Path, problem: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(path: &Path, err: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            message: err.to_string().to_lowercase(),
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The primary SQLite result code of a database error (`26` is "file is not a database").
pub(crate) fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    match err {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff),
        _ => None,
    }
}
