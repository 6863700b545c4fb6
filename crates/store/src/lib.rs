//! The TenantAtlas workspace: one folder holding an encrypted SQLite database with every tenant,
//! token, captured configuration version, snapshot, run and audit entry — readable offline, and
//! unreadable without its key.
//!
//! Two decisions a newcomer must know:
//!
//! - **The whole database is encrypted (SQLCipher), with a raw 256-bit key.** The key comes from
//!   the OS keychain (a random key, the default) or from Argon2id over `TENANTATLAS_PASSPHRASE`
//!   (headless machines); with neither, opening a new workspace fails closed. `workspace.json`
//!   beside the database says which, and holds nothing sensitive. See [`keys`] and [`workspace`].
//! - **Captured content is content-addressed and a snapshot is one transaction.** `contents` stores
//!   each normalised JSON once under its SHA-256; an object gets a new version only when its hash
//!   changes; [`snapshots::commit_snapshot`] writes a whole sync or nothing, so a killed sync
//!   never leaves half a snapshot.
//!
//! The SQL lives in `migrations/` at the repository root (append-only, embedded at build time) and
//! in one module per table. Every table function takes `impl Acquire<'_, Database = Sqlite>`:
//! pass `&workspace`, or `&mut *tx` for a transaction from [`Workspace::begin`] (which, like every
//! transaction these functions start on a `&Workspace`, is `BEGIN IMMEDIATE`). The same functions
//! are methods on [`Workspace`] too (`workspace.list_tenants()`), for callers without a transaction.

pub mod audit;
pub mod audit_state;
pub mod backup;
pub mod baselines;
pub mod break_glass;
pub mod checkpoints;
pub mod definitions;
pub mod directory;
pub mod error;
pub mod exchange;
pub mod findings;
pub mod keys;
pub mod lock;
mod methods;
pub mod objects;
pub mod packs;
pub mod runs;
pub mod settings;
pub mod severity_rules;
pub mod snapshots;
pub mod tenants;
pub mod tokens;
pub mod workspace;

pub use audit::{append_audit, list_audit, verify_audit, AuditEntry};
pub use backup::{
    restore_backup, BackupCounts, BackupSummary, RestoreOptions, RestoreSummary, Restored,
};
pub use baselines::{BaselineInfo, BaselineItem, BaselinePin, NewBaseline};
pub use directory::{list_directory_objects, upsert_directory_objects, DirectoryObject};
pub use error::{Result, StoreError};
pub use findings::{AuditInput, EqualPairs, FindingRecord, SeenAgain};
pub use keys::{KeyOptions, KeySource};
pub use objects::{
    get_object, history, list_objects, ObjectFilter, ObjectSummary, ObjectVersion, VersionInfo,
};
pub use packs::PackRecord;
pub use runs::{
    finish_run, get_run, heartbeat, list_runs, mark_abandoned_runs_interrupted,
    mark_stale_runs_interrupted, start_owned_run, start_run, RunError, RunRecord, RunStatus,
};
pub use severity_rules::SeverityRuleRecord;
pub use snapshots::{
    commit_snapshot, get_content, list_snapshots, snapshot_items, SnapshotInfo, SnapshotItem,
    SnapshotSummary,
};
pub use tenants::{
    find_tenant, list_tenants, require_tenant, set_granted_scopes, set_tenant_state, upsert_tenant,
    TenantRecord, TenantState,
};
pub use tokens::{load_tokens, save_tokens, StoredTokens};
pub use workspace::{default_dir, Workspace, WorkspaceMeta};
