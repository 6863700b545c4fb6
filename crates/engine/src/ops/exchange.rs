//! Snapshots for offline review: one tenant's snapshot (or its whole history) written to one file
//! encrypted to a colleague's workspace key, and opened there as an offline, read-only tenant on
//! which diff, drift, findings and review packs work as on any other.
//!
//! - `exchange-key`: the workspace's age public key (`age1…`), which a colleague encrypts to
//!   ([`Engine::exchange_key`], [`Engine::write_exchange_key`]).
//! - `export-snapshot`: [`Engine::export_snapshot`] writes a [`Bundle`] (JSON) through age to a
//!   new file; audited as `snapshot.export`.
//! - `import-snapshot`: [`Engine::import_snapshot`] decrypts with the workspace's identity, parses
//!   and checks the bundle, and stores the tenant (marked offline) and the snapshots it lacks in
//!   one transaction through the sync's commit path; audited as `snapshot.import`.
//!
//! *Invariant:* everything inside a bundle is untrusted. age proves the file was not changed, not
//! who wrote it (anyone with the public key can write one), so the file is read within
//! [`MAX_BUNDLE_BYTES`] as it decrypts, parsed strictly (unknown fields refused), every content's
//! hash recomputed, every kind checked against the registry, and nothing is written unless the
//! whole file decrypted and checked.
//!
//! Snapshots keep their identity across workspaces (the source workspace's id and snapshot id),
//! so importing the same bundle again adds nothing, and a newer bundle adds only the snapshots
//! taken after the newest one held here.

use crate::ops::findings::actor;
use crate::{Engine, EngineError, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tenantatlas_core::content::content_hash;
use tenantatlas_core::kinds;
use tenantatlas_core::CapturedObject;
use tenantatlas_store::exchange::{
    self as store_exchange, seal, ExchangeRecipient, ImportedSnapshot, OpenError, TenantImport,
};
use tenantatlas_store::{DirectoryObject, RunStatus, TenantRecord, TenantState};

/// The format string of every bundle this version writes and the only one it reads.
pub const BUNDLE_FORMAT: &str = "tenantatlas-snapshot-bundle/1";

/// The most a bundle may hold once decrypted: 1 GiB. A 300-object tenant's whole history is a few
/// MB (contents are stored once per hash); anything near this is not a bundle we wrote.
pub const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;

/// The most an encrypted bundle file may be: the plaintext limit, age's 16-byte tag per 64 KiB
/// chunk, and room for the header. A larger file is refused before it is read.
pub const MAX_FILE_BYTES: u64 =
    MAX_BUNDLE_BYTES + (MAX_BUNDLE_BYTES / (64 * 1024) + 1) * 16 + 64 * 1024;

/// The most a key file (`--to COLLEAGUE.pub`) may be: a key is 62 characters.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// What a key looks like and how a colleague gets theirs, for every refusal of a key.
pub const KEY_ADVICE: &str = "a key looks like age1 followed by 58 letters and digits; your colleague prints theirs with `tenantatlas exchange-key --out NAME.pub` and sends you the file";

// Limits on what one bundle may declare, far above any real tenant.
const MAX_SNAPSHOTS: usize = 100_000;
const MAX_OBJECTS: usize = 1_000_000;
const MAX_TEXT: usize = 4096;

/// The JSON document inside a bundle.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    pub exported_at: String,
    /// The OS account that exported it.
    pub exported_by: String,
    pub source_workspace_id: String,
    pub tenant: BundleTenant,
    /// Group and user names the configuration refers to by id.
    #[serde(default)]
    pub directory_objects: Vec<BundleDirectoryObject>,
    /// Oldest first.
    pub snapshots: Vec<BundleSnapshot>,
    /// Every content the snapshots point at, once, by its `sha256:` address (the canonical JSON
    /// the workspace stores), as the workspace itself keeps contents.
    pub contents: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleTenant {
    pub id: String,
    pub display_name: String,
    /// The primary domain.
    pub domain: String,
    /// The delegated scopes the tenant had granted where it was synced (its permission posture).
    #[serde(default)]
    pub granted_scopes: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDirectoryObject {
    pub id: String,
    /// `group` or `user`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub display_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleSnapshot {
    /// The snapshot's id in the source workspace.
    pub id: i64,
    pub taken_at: String,
    /// The kinds the sync read completely: only these show objects as deleted.
    pub complete_kinds: Vec<String>,
    pub objects: Vec<BundleObject>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleObject {
    pub kind: String,
    pub id: String,
    /// The name at this snapshot.
    pub display_name: String,
    /// The `sha256:` address of its content in `contents`.
    pub hash: String,
}

/// What `export-snapshot` does.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Domain or id.
    pub tenant: String,
    /// `age1…`, or a file holding one.
    pub to: String,
    /// A new file.
    pub out: PathBuf,
    /// Every snapshot, not only the latest.
    pub history: bool,
}

/// What `export-snapshot` wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ExportSummary {
    pub file: PathBuf,
    pub bytes: u64,
    pub tenant: String,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// The key it was encrypted to.
    pub recipient: String,
    pub snapshots: u64,
    /// Objects in the newest snapshot.
    pub objects: u64,
    /// When the newest snapshot was taken.
    pub latest_snapshot_at: String,
}

/// What `import-snapshot` did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportSummary {
    pub file: PathBuf,
    pub tenant: String,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// The tenant was not in this workspace before.
    pub new_tenant: bool,
    pub exported_by: String,
    pub exported_at: String,
    pub source_workspace_id: String,
    /// Snapshots in the bundle.
    pub snapshots_in_bundle: u64,
    /// Snapshots added as new versions.
    pub snapshots_added: u64,
    /// Snapshots this workspace held already (from an earlier import of them).
    pub already_here: u64,
    /// Snapshots older than the newest one held here, left out.
    pub older: u64,
    pub versions_added: u64,
    /// The import run, when something was added.
    pub run_id: Option<String>,
    /// When the newest snapshot of the tenant here was taken.
    pub latest_snapshot_at: Option<String>,
}

/// The one-line refusal of a sync of an imported tenant.
pub fn cannot_sync(tenant: &TenantRecord) -> EngineError {
    EngineError::invalid(format!(
        "{} was imported from a snapshot bundle; it cannot sync — ask its owner for a newer bundle",
        tenant.domain
    ))
}

/// The note a `sync` of all tenants gives an imported tenant it skips.
pub const SKIPPED_NOTE: &str =
    "imported from a snapshot bundle, so not synced — ask its owner for a newer bundle";

impl Engine {
    /// The workspace's age public key (`age1…`): what a colleague exports bundles `--to`.
    pub fn exchange_key(&self) -> String {
        self.workspace.exchange_recipient().to_string()
    }

    /// Writes the workspace's public key as `age1…\n` to `out`, a new file readable by anyone
    /// (it is public: 0644 on Unix). Returns the key.
    pub fn write_exchange_key(&self, out: &Path) -> Result<String, EngineError> {
        let key = self.exchange_key();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o644);
        }
        let mut file = options.open(out).map_err(|e| write_error(out, &e))?;
        file.write_all(format!("{key}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| write_error(out, &e))?;
        Ok(key)
    }

    /// Writes the tenant's latest snapshot (every snapshot with `history`) to a new file,
    /// encrypted to `options.to`; audited as `snapshot.export`.
    pub async fn export_snapshot(
        &self,
        options: &ExportOptions,
    ) -> Result<ExportSummary, EngineError> {
        let recipient = recipient_of(&options.to)?;
        let tenant = self.tenant(&options.tenant).await?;
        let mut snapshots = self.workspace.list_snapshots(&tenant.id).await?;
        if snapshots.is_empty() {
            return Err(EngineError::invalid(format!(
                "{} has no snapshot yet; run `tenantatlas sync --tenant {}` first",
                tenant.domain, tenant.domain
            )));
        }
        if !options.history {
            snapshots.drain(..snapshots.len() - 1);
        }
        let mut bundle = Bundle {
            format: BUNDLE_FORMAT.to_string(),
            exported_at: crate::ops::queries::format_time(time::OffsetDateTime::now_utc()),
            exported_by: actor(),
            source_workspace_id: self.workspace.id().to_string(),
            tenant: BundleTenant {
                id: tenant.id.clone(),
                display_name: tenant.name.clone(),
                domain: tenant.domain.clone(),
                granted_scopes: tenant.granted_scopes.clone(),
            },
            directory_objects: self
                .workspace
                .list_directory_objects(&tenant.id)
                .await?
                .into_iter()
                .map(|d| BundleDirectoryObject {
                    id: d.object_id,
                    object_type: d.object_type,
                    display_name: d.display_name,
                })
                .collect(),
            snapshots: Vec::with_capacity(snapshots.len()),
            contents: BTreeMap::new(),
        };
        for snapshot in &snapshots {
            let manifest = self.workspace.snapshot_manifest(snapshot.id).await?;
            let wanted: Vec<String> = manifest
                .iter()
                .map(|o| o.hash.clone())
                .filter(|h| !bundle.contents.contains_key(h))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut found = self.workspace.get_contents(&wanted).await?;
            for hash in wanted {
                let content = found
                    .remove(&hash)
                    .ok_or_else(|| EngineError::missing_content(&hash))?;
                bundle.contents.insert(hash, content);
            }
            let objects = manifest
                .into_iter()
                .map(|o| BundleObject {
                    // The name this snapshot's content carries; the object's latest name only
                    // where the content has none.
                    display_name: name_in(&o.kind, &bundle.contents[&o.hash])
                        .unwrap_or(o.display_name),
                    kind: o.kind,
                    id: o.object_id,
                    hash: o.hash,
                })
                .collect();
            bundle.snapshots.push(BundleSnapshot {
                id: snapshot.id,
                taken_at: snapshot.created_at.clone(),
                complete_kinds: snapshot.kinds.clone(),
                objects,
            });
        }

        let bytes = write_sealed(&options.out, &recipient, &bundle)?;
        let latest = snapshots.last().expect("at least one snapshot");
        let summary = ExportSummary {
            file: options.out.clone(),
            bytes,
            tenant: tenant.id.clone(),
            tenant_name: tenant.name.clone(),
            tenant_domain: tenant.domain.clone(),
            recipient: recipient.to_string(),
            snapshots: snapshots.len() as u64,
            objects: latest.object_count,
            latest_snapshot_at: latest.created_at.clone(),
        };
        self.workspace
            .append_audit(
                &actor(),
                "snapshot.export",
                &tenant.id,
                &json!({
                    "to": summary.recipient,
                    "file": file_name(&options.out),
                    "bytes": bytes,
                    "history": options.history,
                    "snapshots": snapshots.iter().map(|s| s.id).collect::<Vec<_>>(),
                    "latest_snapshot_at": summary.latest_snapshot_at,
                }),
            )
            .await?;
        Ok(summary)
    }

    /// Imports a bundle written by [`Engine::export_snapshot`] to this workspace's key: the tenant
    /// as an offline, read-only tenant, and the bundle's snapshots this workspace lacks as new
    /// versions; audited as `snapshot.import`.
    pub async fn import_snapshot(&self, file: &Path) -> Result<ImportSummary, EngineError> {
        let bundle = {
            let workspace = self.workspace.clone();
            let path = file.to_path_buf();
            tokio::task::spawn_blocking(move || read_bundle(&workspace, &path))
                .await
                .map_err(|e| {
                    EngineError::new(
                        ErrorCode::Workspace,
                        format!("reading the bundle stopped unexpectedly: {e}"),
                    )
                })??
        };
        let checked = check(&bundle).map_err(|problem| {
            EngineError::invalid(format!(
                "{} is not a valid snapshot bundle: {problem}",
                file.display()
            ))
        })?;
        if bundle.source_workspace_id == self.workspace.id() {
            return Err(EngineError::invalid(format!(
                "{} was exported from this workspace; import it in the workspace it was exported --to",
                file.display()
            )));
        }

        let existing =
            store_exchange::tenant_origin(self.workspace.pool(), &checked.tenant_id).await?;
        if let Some((tenant, None)) = &existing {
            return Err(EngineError::invalid(format!(
                "{} is connected in this workspace; a snapshot bundle cannot be imported over a tenant this workspace syncs itself",
                tenant.domain
            )));
        }
        let new_tenant = existing.is_none();

        // Which snapshots are new: not imported before, and newer than the newest held here.
        let held: HashSet<(String, i64)> =
            store_exchange::imported_sources(self.workspace.pool(), &checked.tenant_id)
                .await?
                .into_iter()
                .collect();
        let newest_here = self
            .workspace
            .latest_snapshot(&checked.tenant_id)
            .await?
            .and_then(|s| crate::ops::queries::parse_time(&s.created_at));
        let (mut already_here, mut older) = (0u64, 0u64);
        let mut to_add = Vec::new();
        for snapshot in checked.snapshots {
            if held.contains(&(
                bundle.source_workspace_id.clone(),
                snapshot.source_snapshot_id,
            )) {
                already_here += 1;
            } else if newest_here.is_some_and(|newest| {
                crate::ops::queries::parse_time(&snapshot.taken_at).is_none_or(|t| t <= newest)
            }) {
                older += 1;
            } else {
                to_add.push(snapshot);
            }
        }

        let mut summary = ImportSummary {
            file: file.to_path_buf(),
            tenant: checked.tenant_id.clone(),
            tenant_name: bundle.tenant.display_name.clone(),
            tenant_domain: bundle.tenant.domain.clone(),
            new_tenant,
            exported_by: bundle.exported_by.clone(),
            exported_at: bundle.exported_at.clone(),
            source_workspace_id: bundle.source_workspace_id.clone(),
            snapshots_in_bundle: bundle.snapshots.len() as u64,
            snapshots_added: 0,
            already_here,
            older,
            versions_added: 0,
            run_id: None,
            latest_snapshot_at: None,
        };

        if !to_add.is_empty() {
            let started = Instant::now();
            let run_id = self
                .workspace
                .start_run("import", Some(&checked.tenant_id))
                .await?;
            let import = TenantImport {
                tenant: TenantRecord {
                    id: checked.tenant_id.clone(),
                    domain: bundle.tenant.domain.clone(),
                    name: bundle.tenant.display_name.clone(),
                    // An archived imported tenant stays archived; a new one is active.
                    state: existing
                        .as_ref()
                        .map_or(TenantState::Active, |(t, _)| t.state),
                    granted_scopes: bundle.tenant.granted_scopes.clone(),
                    // No connection: it never signs in here.
                    ..TenantRecord::default()
                },
                source_workspace_id: bundle.source_workspace_id.clone(),
                exported_by: bundle.exported_by.clone(),
                exported_at: bundle.exported_at.clone(),
                directory: checked.directory,
                snapshots: to_add,
            };
            let outcome = self.workspace.commit_import(&run_id, &import).await;
            let mut record = self.workspace.get_run(&run_id).await?.ok_or_else(|| {
                EngineError::not_found(format!("run {run_id} vanished from the workspace"))
            })?;
            record.duration_ms = Some(started.elapsed().as_millis() as u64);
            record.progress =
                json!({"file": file_name(file), "source_workspace_id": bundle.source_workspace_id});
            match &outcome {
                Ok(snapshots) => {
                    record.status = RunStatus::Succeeded;
                    record.objects = snapshots.last().map_or(0, |s| s.objects);
                    record.versions_added = snapshots.iter().map(|s| s.versions_added).sum();
                }
                Err(e) => {
                    record.status = RunStatus::Failed;
                    record.errors = vec![tenantatlas_store::RunError {
                        kind: None,
                        message: e.to_string(),
                        request_id: None,
                        status: None,
                    }];
                }
            }
            self.workspace.finish_run(&record).await?;
            let snapshots = outcome?;
            summary.snapshots_added = snapshots.len() as u64;
            summary.versions_added = record.versions_added;
            summary.run_id = Some(run_id);
        }
        summary.latest_snapshot_at = self
            .workspace
            .latest_snapshot(&checked.tenant_id)
            .await?
            .map(|s| s.created_at);

        self.workspace
            .append_audit(
                &actor(),
                "snapshot.import",
                &checked.tenant_id,
                &json!({
                    "file": file_name(file),
                    "domain": summary.tenant_domain,
                    "source_workspace_id": summary.source_workspace_id,
                    "exported_by": summary.exported_by,
                    "exported_at": summary.exported_at,
                    "snapshots_in_bundle": summary.snapshots_in_bundle,
                    "snapshots_added": summary.snapshots_added,
                    "already_here": summary.already_here,
                    "older": summary.older,
                    "run": summary.run_id,
                }),
            )
            .await?;
        Ok(summary)
    }

    /// Whether the tenant was imported from a bundle (and so never syncs here).
    pub async fn is_imported(&self, tenant_id: &str) -> Result<bool, EngineError> {
        Ok(self.workspace.offline_tenant(tenant_id).await?.is_some())
    }
}

/// `--to`: a key, or a file holding one (the first line that is not blank or a `#` comment, as
/// age's recipient files have).
fn recipient_of(to: &str) -> Result<ExchangeRecipient, EngineError> {
    let text = to.trim();
    if text.to_ascii_lowercase().starts_with("age1") {
        return text.parse().map_err(|_| {
            EngineError::invalid(format!(
                "'{}' is not a valid age public key; {KEY_ADVICE}",
                shorten(text)
            ))
        });
    }
    let path = Path::new(to);
    if !path.exists() {
        return Err(EngineError::invalid(format!(
            "'{}' is neither an age public key nor a file holding one; {KEY_ADVICE}",
            shorten(text)
        )));
    }
    let bytes = crate::ops::input::read_bounded(path, MAX_KEY_FILE_BYTES)?;
    let line = String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string);
    line.and_then(|l| l.parse().ok()).ok_or_else(|| {
        EngineError::invalid(format!(
            "{} does not hold an age public key; {KEY_ADVICE}",
            path.display()
        ))
    })
}

/// At most 40 characters of what the user gave, for a message.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// The display name a content carries, by the kind's name field (as a sync reads it).
fn name_in(kind: &str, content: &Value) -> Option<String> {
    // A singleton is named by its kind, whatever its content says ("Authorization Policy").
    if let Some(kind) = kinds::by_key(kind).filter(|k| k.is_singleton()) {
        return Some(kind.label.to_string());
    }
    let field = kinds::by_key(kind).map_or("displayName", |k| k.name_field);
    content
        .get(field)
        .or_else(|| content.get("displayName"))
        .or_else(|| content.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn write_error(path: &Path, e: &io::Error) -> EngineError {
    let advice = if e.kind() == io::ErrorKind::AlreadyExists {
        "; choose a new file name (an existing file is never replaced)"
    } else {
        ""
    };
    EngineError::invalid(format!(
        "cannot write {}: {}{advice}",
        path.display(),
        e.to_string().to_lowercase()
    ))
}

/// Writes the bundle encrypted to a new file (0600 on Unix, like every export), removing it
/// again when anything fails; returns its size.
fn write_sealed(
    out: &Path,
    recipient: &ExchangeRecipient,
    bundle: &Bundle,
) -> Result<u64, EngineError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(out).map_err(|e| write_error(out, &e))?;
    let written = seal(recipient, BufWriter::new(file), |w| {
        serde_json::to_writer(w, bundle).map_err(io::Error::from)
    })
    .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
    .and_then(|file| {
        file.sync_all()?;
        file.metadata().map(|m| m.len())
    });
    written.map_err(|e| {
        let _ = std::fs::remove_file(out);
        write_error(out, &e)
    })
}

/// Why reading stopped, carried inside an `io::Error` through age and serde_json.
#[derive(Debug)]
enum Stop {
    /// More than [`MAX_BUNDLE_BYTES`] decrypted.
    TooLarge,
    /// The file itself could not be read.
    File(io::Error),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::TooLarge => write!(f, "too large"),
            Stop::File(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Stop {}

/// A reader that fails with [`Stop::TooLarge`] past `left` bytes, and marks its inner reader's
/// errors as [`Stop::File`] (`mark_inner`) so they are told apart from age's.
struct Bounded<R> {
    inner: R,
    left: u64,
    mark_inner: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // One byte more than is left: reaching it means the limit was passed.
        let room = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = match self.inner.read(&mut buf[..room]) {
            Ok(n) => n,
            Err(e) if self.mark_inner && e.kind() != io::ErrorKind::Interrupted => {
                return Err(io::Error::new(e.kind(), Stop::File(e)))
            }
            Err(e) => return Err(e),
        };
        if n as u64 > self.left {
            return Err(io::Error::other(Stop::TooLarge));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn stop_of(e: &io::Error) -> Option<&Stop> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<Stop>())
}

/// Decrypts and parses a bundle file: a regular file of at most [`MAX_FILE_BYTES`], decrypted
/// as it is read and parsed as it decrypts, never more than [`MAX_BUNDLE_BYTES`] of it.
fn read_bundle(
    workspace: &tenantatlas_store::Workspace,
    path: &Path,
) -> Result<Bundle, EngineError> {
    let shown = path.display();
    let cannot_read = |e: &io::Error| {
        EngineError::invalid(format!(
            "cannot read {shown}: {}",
            e.to_string().to_lowercase()
        ))
    };
    let too_large = || {
        EngineError::invalid(format!(
            "{shown} is larger than 1 GiB, the most TenantAtlas imports from one bundle; ask the sender to export the latest snapshot only (without --history)"
        ))
    };
    let damaged = || {
        EngineError::invalid(format!(
            "{shown} is damaged or was changed after it was encrypted; ask the sender to export it again"
        ))
    };
    let file = open_regular(path).map_err(|e| match e {
        Opened::NotRegular(what) => EngineError::invalid(format!(
            "{shown} is {what}, not a regular file; pass the bundle file"
        )),
        Opened::TooLarge => too_large(),
        Opened::Io(e) => cannot_read(&e),
    })?;
    let mut input = Bounded {
        inner: BufReader::new(file),
        left: MAX_FILE_BYTES,
        mark_inner: true,
    };
    // A file that starts as age files do but whose header does not parse was changed; one that
    // does not start so is something else.
    let mut head = Vec::with_capacity(AGE_MAGIC.len());
    (&mut input)
        .take(AGE_MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(|e| cannot_read(&e))?;
    let looks_like_age = head == AGE_MAGIC;
    let plaintext = workspace
        .open_sealed(io::Cursor::new(head).chain(input))
        .map_err(|e| match e {
        OpenError::NotAge if looks_like_age => damaged(),
        OpenError::NotAge => EngineError::invalid(format!(
            "{shown} is not a snapshot bundle (not an age-encrypted file); import-snapshot reads files written by `tenantatlas export-snapshot`"
        )),
        OpenError::WrongKey => EngineError::invalid(format!(
            "{shown} was not encrypted to this workspace's key ({}); ask the sender to export it --to your key (tenantatlas exchange-key)",
            workspace.exchange_recipient()
        )),
        OpenError::Damaged => damaged(),
        OpenError::Io(e) => match stop_of(&e) {
            Some(Stop::TooLarge) => too_large(),
            Some(Stop::File(inner)) => cannot_read(inner),
            None => damaged(),
        },
    })?;
    let reader = BufReader::new(Bounded {
        inner: plaintext,
        left: MAX_BUNDLE_BYTES,
        mark_inner: false,
    });
    // `from_reader` reads to the end (only whitespace may follow the document), so age checks
    // the last chunk and a cut-short file fails here too.
    serde_json::from_reader::<_, Bundle>(reader).map_err(|e| {
        if !e.is_io() {
            return EngineError::invalid(format!(
                "{shown} is not a valid snapshot bundle: {}",
                e.to_string().to_lowercase()
            ));
        }
        let e = io::Error::from(e);
        match stop_of(&e) {
            Some(Stop::TooLarge) => too_large(),
            Some(Stop::File(inner)) => cannot_read(inner),
            None => damaged(),
        }
    })
}

/// How every age file begins (its version line).
const AGE_MAGIC: &[u8] = b"age-encryption.org/";

enum Opened {
    NotRegular(&'static str),
    TooLarge,
    Io(io::Error),
}

/// Opens a regular file of at most [`MAX_FILE_BYTES`] for reading, with the rules of
/// `input::read_bounded`: a FIFO, socket, device or folder is refused by its metadata before it
/// is opened; on Unix it is opened non-blocking and checked again once open.
fn open_regular(path: &Path) -> Result<std::fs::File, Opened> {
    fn what(meta: &std::fs::Metadata) -> Option<&'static str> {
        let t = meta.file_type();
        if t.is_file() {
            None
        } else if t.is_dir() {
            Some("a folder")
        } else {
            Some("not a regular file (a FIFO, socket or device)")
        }
    }
    let check = |meta: &std::fs::Metadata| match what(meta) {
        Some(w) => Err(Opened::NotRegular(w)),
        None if meta.len() > MAX_FILE_BYTES => Err(Opened::TooLarge),
        None => Ok(()),
    };
    check(&std::fs::metadata(path).map_err(Opened::Io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(Opened::Io)?;
    check(&file.metadata().map_err(Opened::Io)?)?;
    Ok(file)
}

/// A bundle that passed [`check`]: what to store.
struct Checked {
    tenant_id: String,
    directory: Vec<DirectoryObject>,
    /// Oldest first.
    snapshots: Vec<ImportedSnapshot>,
}

/// Checks everything a bundle declares; `Err` says the first problem in words.
fn check(bundle: &Bundle) -> Result<Checked, String> {
    if bundle.format != BUNDLE_FORMAT {
        return Err(format!(
            "its format is '{}', and this version reads '{BUNDLE_FORMAT}'; update TenantAtlas",
            shorten(&bundle.format)
        ));
    }
    let text = |what: &str, value: &str, max: usize| -> Result<(), String> {
        if value.chars().count() > max {
            Err(format!("{what} is longer than {max} characters"))
        } else {
            Ok(())
        }
    };
    text("exported_by", &bundle.exported_by, 256)?;
    text("exported_at", &bundle.exported_at, 64)?;
    if crate::ops::queries::parse_time(&bundle.exported_at).is_none() {
        return Err("exported_at is not a time".into());
    }
    let is_id = |s: &str| {
        !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !is_id(&bundle.source_workspace_id) {
        return Err("source_workspace_id is not a workspace id".into());
    }
    let tenant = &bundle.tenant;
    if !is_id(&tenant.id) {
        return Err("the tenant's id is not a tenant id".into());
    }
    if tenant.domain.is_empty()
        || tenant.domain.len() > 253
        || !tenant
            .domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err("the tenant's domain is not a domain name".into());
    }
    if tenant.display_name.trim().is_empty() {
        return Err("the tenant has no display name".into());
    }
    text("the tenant's display name", &tenant.display_name, 256)?;
    if tenant.granted_scopes.len() > 1000 {
        return Err("the tenant lists more than 1000 granted scopes".into());
    }
    for scope in &tenant.granted_scopes {
        text("a granted scope", scope, 256)?;
    }

    let mut directory = Vec::with_capacity(bundle.directory_objects.len());
    if bundle.directory_objects.len() > MAX_OBJECTS {
        return Err(format!("it names more than {MAX_OBJECTS} groups and users"));
    }
    for d in &bundle.directory_objects {
        if !matches!(d.object_type.as_str(), "group" | "user") {
            return Err(format!(
                "directory object {} has type '{}', not group or user",
                shorten(&d.id),
                shorten(&d.object_type)
            ));
        }
        text("a directory object's id", &d.id, 256)?;
        text("a directory object's name", &d.display_name, MAX_TEXT)?;
        directory.push(DirectoryObject {
            object_id: d.id.clone(),
            object_type: d.object_type.clone(),
            display_name: d.display_name.clone(),
        });
    }

    if bundle.snapshots.is_empty() {
        return Err("it holds no snapshot".into());
    }
    if bundle.snapshots.len() > MAX_SNAPSHOTS {
        return Err(format!("it holds more than {MAX_SNAPSHOTS} snapshots"));
    }
    // Every content's address is recomputed: the manifest must point at what it says.
    for (hash, content) in &bundle.contents {
        if content_hash(content) != *hash {
            return Err(format!(
                "the content stored as {} does not match its hash",
                shorten(hash)
            ));
        }
    }
    let mut total = 0usize;
    let mut previous: Option<(i64, time::OffsetDateTime)> = None;
    let mut snapshots = Vec::with_capacity(bundle.snapshots.len());
    for snapshot in &bundle.snapshots {
        let taken = crate::ops::queries::parse_time(&snapshot.taken_at)
            .ok_or_else(|| format!("snapshot {} has no valid taken_at", snapshot.id))?;
        if let Some((id, at)) = previous {
            if snapshot.id <= id || taken < at {
                return Err("its snapshots are not in the order they were taken".into());
            }
        }
        previous = Some((snapshot.id, taken));
        for kind in &snapshot.complete_kinds {
            if kinds::by_key(kind).is_none() {
                return Err(unknown_kind(kind));
            }
        }
        total += snapshot.objects.len();
        if total > MAX_OBJECTS {
            return Err(format!("it holds more than {MAX_OBJECTS} objects"));
        }
        let mut seen = HashSet::with_capacity(snapshot.objects.len());
        let mut objects = Vec::with_capacity(snapshot.objects.len());
        for o in &snapshot.objects {
            if kinds::by_key(&o.kind).is_none() {
                return Err(unknown_kind(&o.kind));
            }
            if o.id.is_empty() {
                return Err(format!("an object of kind {} has no id", o.kind));
            }
            text("an object's id", &o.id, 256)?;
            text("an object's name", &o.display_name, MAX_TEXT)?;
            if !seen.insert((o.kind.as_str(), o.id.as_str())) {
                return Err(format!(
                    "snapshot {} lists object {} twice",
                    snapshot.id,
                    shorten(&o.id)
                ));
            }
            let content = bundle.contents.get(&o.hash).ok_or_else(|| {
                format!(
                    "object {} points at content {} the bundle does not hold",
                    shorten(&o.id),
                    shorten(&o.hash)
                )
            })?;
            objects.push(CapturedObject {
                kind: o.kind.clone(),
                object_id: o.id.clone(),
                display_name: o.display_name.clone(),
                content: content.clone(),
                hash: o.hash.clone(),
            });
        }
        snapshots.push(ImportedSnapshot {
            source_snapshot_id: snapshot.id,
            taken_at: snapshot.taken_at.clone(),
            complete_kinds: snapshot.complete_kinds.clone(),
            objects,
        });
    }
    Ok(Checked {
        tenant_id: tenant.id.to_lowercase(),
        directory,
        snapshots,
    })
}

fn unknown_kind(kind: &str) -> String {
    format!(
        "it holds objects of kind '{}', which this version does not know; update TenantAtlas",
        shorten(kind)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> Bundle {
        let content = json!({"displayName": "Policy", "id": "p1"});
        let hash = content_hash(&content);
        Bundle {
            format: BUNDLE_FORMAT.into(),
            exported_at: "2026-12-01T10:00:00.000Z".into(),
            exported_by: "alice".into(),
            source_workspace_id: "0b7c3f4e-1111-2222-3333-444455556666".into(),
            tenant: BundleTenant {
                id: "A1B2C3D4-0000-0000-0000-000000000001".into(),
                display_name: "Contoso".into(),
                domain: "contoso.example".into(),
                granted_scopes: vec![],
            },
            directory_objects: vec![],
            snapshots: vec![BundleSnapshot {
                id: 3,
                taken_at: "2026-12-01T09:00:00.000Z".into(),
                complete_kinds: vec!["deviceConfigurations".into()],
                objects: vec![BundleObject {
                    kind: "deviceConfigurations".into(),
                    id: "p1".into(),
                    display_name: "Policy".into(),
                    hash: hash.clone(),
                }],
            }],
            contents: BTreeMap::from([(hash, content)]),
        }
    }

    #[test]
    fn a_sound_bundle_passes() {
        let checked = check(&bundle()).unwrap();
        assert_eq!(checked.tenant_id, "a1b2c3d4-0000-0000-0000-000000000001");
        assert_eq!(checked.snapshots[0].objects.len(), 1);
    }

    #[test]
    fn every_lie_is_refused_in_words() {
        type Alter = fn(&mut Bundle);
        let cases: Vec<(Alter, &str)> = vec![
            (
                |b| b.format = "tenantatlas-snapshot-bundle/2".into(),
                "update TenantAtlas",
            ),
            (
                |b| b.tenant.domain = "evil\u{1b}[2J.example".into(),
                "not a domain",
            ),
            (|b| b.tenant.id = "../../etc".into(), "not a tenant id"),
            (
                |b| b.snapshots[0].objects[0].kind = "madeUp".into(),
                "does not know",
            ),
            (
                |b| b.snapshots[0].complete_kinds.push("madeUp".into()),
                "does not know",
            ),
            (
                |b| b.snapshots[0].objects[0].hash = "sha256:00".into(),
                "does not hold",
            ),
            (
                |b| {
                    let hash = b.snapshots[0].objects[0].hash.clone();
                    b.contents.insert(hash, json!({"displayName": "changed"}));
                },
                "does not match its hash",
            ),
            (
                |b| {
                    let again = b.snapshots[0].objects[0].clone();
                    b.snapshots[0].objects.push(again);
                },
                "twice",
            ),
            (|b| b.snapshots.clear(), "no snapshot"),
            (|b| b.snapshots[0].taken_at = "yesterday".into(), "taken_at"),
            (
                |b| {
                    let mut earlier = b.snapshots[0].clone();
                    earlier.id = 4;
                    earlier.taken_at = "2026-11-01T09:00:00.000Z".into();
                    b.snapshots.push(earlier);
                },
                "order",
            ),
        ];
        for (alter, expected) in cases {
            let mut b = bundle();
            alter(&mut b);
            let problem = check(&b).err().expect("refused");
            assert!(problem.contains(expected), "{problem} lacks {expected}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut value = serde_json::to_value(bundle()).unwrap();
        value["extra"] = json!(1);
        assert!(serde_json::from_value::<Bundle>(value).is_err());
    }

    #[test]
    fn keys_are_checked_with_advice() {
        for bad in ["age1xyz", "not a key at all", ""] {
            let e = recipient_of(bad).unwrap_err();
            assert!(e.message.contains("exchange-key"), "{}", e.message);
            assert!(!e.message.contains('\n'));
        }
    }

    #[test]
    fn the_bound_reader_stops_past_its_limit() {
        let mut ok = Bounded {
            inner: &b"12345"[..],
            left: 5,
            mark_inner: false,
        };
        let mut out = Vec::new();
        ok.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"12345");
        let mut over = Bounded {
            inner: &b"123456"[..],
            left: 5,
            mark_inner: false,
        };
        let e = over.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(matches!(stop_of(&e), Some(Stop::TooLarge)));
    }
}
