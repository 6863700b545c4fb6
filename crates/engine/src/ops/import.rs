//! Backups an MSP already holds, as snapshots: `tenantatlas import --tenant T FOLDER` reads an
//! IntuneCD backup or an IntuneManagement export and stores it as one dated snapshot of T, so that
//! years of history from those tools become versions, diffs and drift here.
//!
//! Decisions a newcomer must know:
//!
//! - **One reader of other tools' JSON.** Files are found by `ops::input` (regular files only,
//!   size, count and depth limits, link loops ended) and parsed and typed by `ops::baseline_file`
//!   (UTF-8 with or without a BOM, UTF-16 with one; the kind from `@odata.type`, or from shape and
//!   IntuneCD's folder names where the tool dropped it). Contents are normalised exactly as a
//!   sync normalises captures (`core::content`), so a policy kept whole by the tool hashes equal
//!   to the same policy synced.
//! - **Object identity.** IntuneManagement keeps Graph ids: they are the object ids. IntuneCD
//!   strips them: an object is matched by kind and name to the tenant's objects (a connected
//!   tenant's synced ids, or an earlier import's), else it is `name:<its name>`. Group names that
//!   IntuneCD writes beside targets become the tenant's group ids where the name is unique in its
//!   directory, else `file-group:<name>` ids named in the directory, so assignments compare by
//!   name. IntuneCD's scope tags by name become ids the same way (`Default` is `0`). Assignment
//!   filters (their name in the filter id field) and compliance notification templates (their
//!   name beside the source tenant's id) become the ids given to the backup's own filter or
//!   template of that name; a name no object, or several, of the backup has stays as written.
//! - **Time order.** A snapshot is added only after the tenant's newest one: versions are a chain,
//!   and an older backup slipped in after a newer snapshot would become the "latest" content and
//!   every object's newest version. Older backups are imported oldest first, or as their own
//!   offline tenant. The same backup twice adds nothing (its fingerprint is remembered).
//! - **Skips are counted, never listed whole**: counts by reason and the first few files. A file
//!   that looked like an object but could not be read keeps its folder's kinds from being marked
//!   complete, so a policy lost to a damaged file is never recorded as deleted.

use crate::ops::baseline_file::{kind_of, name_targets, parse_json};
use crate::ops::findings::actor;
use crate::ops::input::{self, Budget, InputError, LIMITS};
use crate::{Engine, EngineError, ErrorCode};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};
use tenantatlas_core::content::{content_hash, normalise};
use tenantatlas_core::diff::MapRefs;
use tenantatlas_core::kinds::ObjectKind;
use tenantatlas_core::CapturedObject;
use tenantatlas_store::exchange::{
    self as store_exchange, BackupImport, BackupSource, ImportedSnapshot,
};
use tenantatlas_store::{DirectoryObject, RunStatus, TenantRecord, TenantState};
use time::OffsetDateTime;

/// How many skipped files a summary names.
pub const FIRST_SKIPPED: usize = 5;

/// Which tool wrote the folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupFormat {
    /// Decided from the folder: IntuneCD's area folders, else IntuneManagement.
    #[default]
    Auto,
    /// `IntuneCD-startbackup --output=json`: area folders, ids stripped, names resolved.
    Intunecd,
    /// Micke-K's IntuneManagement: a folder per object type, `<name>.json` with ids.
    Intunemanagement,
}

impl BackupFormat {
    fn words(self) -> &'static str {
        match self {
            BackupFormat::Auto => "backup",
            BackupFormat::Intunecd => "IntuneCD backup",
            BackupFormat::Intunemanagement => "IntuneManagement export",
        }
    }

    /// The source recorded with the snapshot.
    fn source(self) -> &'static str {
        match self {
            BackupFormat::Auto | BackupFormat::Intunemanagement => "intunemanagement-export",
            BackupFormat::Intunecd => "intunecd-backup",
        }
    }
}

/// `import --tenant T FOLDER`.
#[derive(Clone, Debug)]
pub struct ImportBackup {
    /// A stored tenant (domain or id), or the name of a new offline tenant.
    pub tenant: String,
    pub folder: PathBuf,
    pub format: BackupFormat,
    /// When the backup was taken, as given (`2026-11-30` or RFC 3339); see [`TakenAtFrom`].
    pub taken_at: Option<String>,
}

/// Why a file gave no object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// JSON of something TenantAtlas does not capture (a report, tenant settings, a VPP token).
    NotAKind,
    /// A script body or payload the tool writes beside its policy, whose JSON holds it already.
    Payload,
    NotJson,
    TooLarge,
    /// A FIFO, socket or device.
    NotRegularFile,
    /// A dangling link, a link loop, a permission error.
    Unreadable,
    /// A link to a folder or file read already.
    ReadAlready,
    /// An object without the name its kind needs.
    NoName,
    /// A second object with the same kind and id.
    Duplicate,
}

impl SkipReason {
    fn words(self) -> &'static str {
        match self {
            SkipReason::NotAKind => "not a kind TenantAtlas captures",
            SkipReason::Payload => "script or payload files (held in their policy's JSON)",
            SkipReason::NotJson => "not JSON",
            SkipReason::TooLarge => "over 32 MiB",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::Unreadable => "unreadable (dangling link, link loop or no permission)",
            SkipReason::ReadAlready => "links to what was read already",
            SkipReason::NoName => "objects without a name",
            SkipReason::Duplicate => "duplicates of an object read already",
        }
    }
}

/// What was left out, summarised: counts by reason and the first few files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub files: u64,
    pub by_reason: BTreeMap<SkipReason, u64>,
    /// The first [`FIRST_SKIPPED`] files, relative to the folder, in walk order.
    pub first: Vec<String>,
}

impl Skipped {
    fn add(&mut self, reason: SkipReason, file: String) {
        self.files += 1;
        *self.by_reason.entry(reason).or_default() += 1;
        if self.first.len() < FIRST_SKIPPED {
            self.first.push(file);
        }
    }

    /// One line: "Skipped 7 files: 4 not a kind TenantAtlas captures, 2 not JSON, 1 over 32 MiB —
    /// first: a.json, b.json"; empty when nothing was skipped.
    pub fn line(&self) -> String {
        if self.files == 0 {
            return String::new();
        }
        let mut reasons: Vec<(&SkipReason, &u64)> = self.by_reason.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let reasons: Vec<String> = reasons
            .iter()
            .map(|(r, n)| format!("{n} {}", r.words()))
            .collect();
        let files = if self.files == 1 { "file" } else { "files" };
        format!(
            "Skipped {} {files}: {} — first: {}",
            self.files,
            reasons.join(", "),
            self.first.join(", ")
        )
    }
}

/// Where the snapshot's date came from, in order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TakenAtFrom {
    /// `--taken-at`.
    Option,
    /// A date in the folder's name (`2026-11-30`, `20261130`, optionally a time after it).
    FolderName,
    /// The newest modification time of the files read (when the tool finished writing).
    FileTimes,
}

/// What `import` did.
#[derive(Clone, Debug, Serialize)]
pub struct BackupImportSummary {
    pub folder: PathBuf,
    pub format: BackupFormat,
    pub tenant: String,
    pub tenant_domain: String,
    /// The tenant was not in this workspace before (it is now an offline tenant).
    pub new_tenant: bool,
    /// The tenant is offline (never connected here).
    pub offline: bool,
    pub taken_at: String,
    pub taken_at_from: TakenAtFrom,
    pub objects: u64,
    /// Objects per kind (registry keys).
    pub kinds: BTreeMap<String, u64>,
    /// Objects matched by kind and name to an object the tenant had (ids stripped by the tool).
    pub matched_by_name: u64,
    pub versions_added: u64,
    pub deleted: u64,
    /// The same backup was imported before: nothing was added.
    pub already_imported: bool,
    pub snapshot_id: Option<i64>,
    pub run_id: Option<String>,
    pub skipped: Skipped,
}

impl BackupImportSummary {
    /// The first line of the CLI's answer.
    pub fn line(&self) -> String {
        let date = self.taken_at.get(..10).unwrap_or(&self.taken_at);
        let kinds = self.kinds.len();
        if self.already_imported {
            return format!(
                "{} {} was imported before as the snapshot of {} taken {date}; nothing added",
                self.format.words(),
                self.folder.display(),
                self.tenant_domain
            );
        }
        format!(
            "Imported {} objects of {kinds} {} from {} {} as a snapshot of {}{} taken {date}.",
            self.objects,
            if kinds == 1 { "kind" } else { "kinds" },
            self.format.words(),
            self.folder.display(),
            self.tenant_domain,
            if self.new_tenant {
                " (a new offline tenant)"
            } else {
                ""
            },
        )
    }
}

/// One object read from a file, before it is given an id.
#[derive(Clone, Debug)]
struct FoundObject {
    kind: &'static ObjectKind,
    id: Option<String>,
    name: String,
    raw: Value,
    file: String,
}

/// What the folder held.
#[derive(Debug, Default)]
struct ReadBackup {
    format: BackupFormat,
    objects: Vec<FoundObject>,
    refs: MapRefs,
    skipped: Skipped,
    /// Kinds with an object in a folder where a JSON file could not be read.
    incomplete_kinds: BTreeSet<&'static str>,
    newest_file: Option<SystemTime>,
}

/// IntuneCD's area folders (its `Backup/` layout).
const INTUNECD_FOLDERS: &[&str] = &[
    "settings catalog",
    "compliance policies",
    "device configurations",
    "app protection",
    "app configuration",
    "enrollment configurations",
    "enrollment profiles",
    "scope tags",
    "filters",
    "scripts",
    "custom attributes",
    "proactive remediations",
    "management intents",
    "conditional access",
    "assignment report",
    "device management settings",
];

/// Folders whose files hold what the policy JSON beside them holds already.
fn is_payload(file: &Path) -> bool {
    let in_folder = |name: &str| {
        file.parent()
            .and_then(Path::file_name)
            .is_some_and(|f| f.to_string_lossy().eq_ignore_ascii_case(name))
    };
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    in_folder("Script Data")
        || in_folder("mobileconfig")
        || matches!(
            ext.as_str(),
            "mobileconfig" | "ps1" | "sh" | "zsh" | "xml" | "plist"
        )
}

fn is_json(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads every file under `folder` (blocking).
fn read_backup(folder: &Path, format: BackupFormat) -> Result<ReadBackup, EngineError> {
    let meta = std::fs::metadata(folder).map_err(|e| {
        EngineError::invalid(format!(
            "cannot read {}: {e}; pass the folder of an IntuneCD backup or an IntuneManagement export",
            folder.display()
        ))
    })?;
    if !meta.is_dir() {
        return Err(EngineError::invalid(format!(
            "{} is not a folder; pass the folder of an IntuneCD backup or an IntuneManagement export",
            folder.display()
        )));
    }
    let shown = |file: &Path| {
        file.strip_prefix(folder)
            .unwrap_or(file)
            .display()
            .to_string()
    };
    let found = input::walk(folder, &LIMITS, |_| true)?;
    let mut out = ReadBackup {
        format: match format {
            BackupFormat::Auto => detect(folder, &found.files),
            other => other,
        },
        ..ReadBackup::default()
    };
    let mut incomplete_folders: HashSet<PathBuf> = HashSet::new();
    for (file, why) in &found.skipped {
        let reason = if why.contains("not a regular file") {
            SkipReason::NotRegularFile
        } else if why.contains("already read") {
            SkipReason::ReadAlready
        } else {
            SkipReason::Unreadable
        };
        if is_json(file) && reason != SkipReason::ReadAlready {
            incomplete_folders.insert(file.parent().unwrap_or(folder).to_path_buf());
        }
        out.skipped.add(reason, shown(file));
    }
    let mut budget = Budget::new(folder, &LIMITS);
    for file in &found.files {
        if !is_json(file) {
            let reason = if is_payload(file) {
                SkipReason::Payload
            } else {
                SkipReason::NotJson
            };
            out.skipped.add(reason, shown(file));
            continue;
        }
        let parent = file.parent().unwrap_or(folder).to_path_buf();
        let bytes = match budget.read(file, &LIMITS) {
            Ok(bytes) => bytes,
            Err(e @ InputError::TotalTooLarge { .. }) => return Err(e.into()),
            Err(e) => {
                let reason = match e {
                    InputError::FileTooLarge { .. } => SkipReason::TooLarge,
                    InputError::NotRegularFile { .. } => SkipReason::NotRegularFile,
                    _ => SkipReason::Unreadable,
                };
                incomplete_folders.insert(parent);
                out.skipped.add(reason, shown(file));
                continue;
            }
        };
        if let Ok(modified) = std::fs::metadata(file).and_then(|m| m.modified()) {
            out.newest_file = out.newest_file.max(Some(modified));
        }
        let Ok(value) = parse_json(&bytes) else {
            incomplete_folders.insert(parent);
            out.skipped.add(SkipReason::NotJson, shown(file));
            continue;
        };
        add_objects(&mut out, &value, file, shown(file));
    }
    let folders: HashSet<String> = incomplete_folders.iter().map(|p| shown(p)).collect();
    for object in &out.objects {
        let parent = Path::new(&object.file)
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if folders.contains(&parent) {
            out.incomplete_kinds.insert(object.kind.key);
        }
    }
    Ok(out)
}

/// IntuneCD when the folder (or its `Backup/`) has IntuneCD's area folders; else
/// IntuneManagement, whose folders are named by object type (`DeviceConfiguration`).
fn detect(folder: &Path, files: &[PathBuf]) -> BackupFormat {
    let intunecd = files.iter().any(|f| {
        f.strip_prefix(folder)
            .ok()
            .and_then(|rel| rel.components().next())
            .and_then(|first| {
                let first = first.as_os_str().to_string_lossy().to_lowercase();
                if first == "backup" {
                    f.strip_prefix(folder.join("Backup"))
                        .ok()
                        .and_then(|rel| rel.components().next())
                        .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
                } else {
                    Some(first)
                }
            })
            .is_some_and(|area| INTUNECD_FOLDERS.contains(&area.as_str()))
    });
    if intunecd {
        BackupFormat::Intunecd
    } else {
        BackupFormat::Intunemanagement
    }
}

/// The objects of one file: an object, an array, or a `{"value": [...]}` page.
fn add_objects(out: &mut ReadBackup, value: &Value, file: &Path, shown: String) {
    let items: Vec<&Value> = match value {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => match map.get("value") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => vec![value],
        },
        _ => Vec::new(),
    };
    let mut reason = SkipReason::NotAKind;
    let before = out.objects.len();
    for item in items {
        let Some(kind) = kind_of(item, file) else {
            continue;
        };
        let mut raw = item.clone();
        if let Some(map) = raw.as_object_mut() {
            // Assignments kept apart from the object (IntuneManagement's `Assignments` as
            // PowerShell may case it, or `_assignments`) go where Graph puts them.
            if !map.contains_key("assignments") {
                for other in ["Assignments", "_assignments"] {
                    if let Some(list) = map.remove(other) {
                        map.insert("assignments".into(), list);
                        break;
                    }
                }
            }
        }
        name_targets(&mut raw, &mut out.refs);
        let Some(name) = raw
            .get(kind.name_field)
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string)
        else {
            reason = SkipReason::NoName;
            continue;
        };
        // Cross-tenant access partners have no `id`: they are keyed by the partner's `tenantId`.
        let id = raw
            .get("id")
            .or_else(|| {
                raw.get("tenantId")
                    .filter(|_| kind.name_field == "tenantId")
            })
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_string);
        out.objects.push(FoundObject {
            kind,
            id,
            name,
            raw,
            file: shown.clone(),
        });
    }
    if out.objects.len() == before {
        out.skipped.add(reason, shown);
    }
}

/// "No filter" and "no notification template" in Graph's beta: never a name.
const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// The display names of a backup's own assignment filters and compliance notification templates,
/// each with the ids their objects were given here (several when a name is not unique).
#[derive(Debug, Default)]
struct BackupNames {
    filters: HashMap<String, Vec<String>>,
    templates: HashMap<String, Vec<String>>,
}

impl BackupNames {
    fn add(&mut self, kind: &str, name: &str, object_id: &str) {
        let names = match kind {
            "assignmentFilters" => &mut self.filters,
            "notificationMessageTemplates" => &mut self.templates,
            _ => return,
        };
        names
            .entry(name.to_string())
            .or_default()
            .push(object_id.to_string());
    }

    /// The one id a name stands for; none when no object, or more than one, has that name.
    fn unique<'a>(names: &'a HashMap<String, Vec<String>>, name: &str) -> Option<&'a str> {
        match names.get(name).map(Vec::as_slice) {
            Some([id]) => Some(id),
            _ => None,
        }
    }
}

/// IntuneCD's references by name, as the ids of the same backup's objects:
///
/// - an assignment target's `deviceAndAppManagementAssignmentFilterId` holds the filter's display
///   name in place of its id (IntuneCD's `get_filter_names`);
/// - a compliance action's `notificationTemplateName`, written beside the source tenant's
///   `notificationTemplateId`, names its template; no object of the backup carries that id,
///   because IntuneCD strips the template's own. The name goes once it has become the id, as
///   IntuneCD drops it when it restores a policy.
///
/// A name that no object of the backup has, or several have, is left as IntuneCD wrote it, so a
/// diff shows a name and not an id made up here.
fn resolve_named_refs(raw: &mut Value, names: &BackupNames) {
    if let Some(list) = raw.get_mut("assignments").and_then(Value::as_array_mut) {
        for assignment in list {
            let Some(Value::String(filter)) =
                assignment.pointer_mut("/target/deviceAndAppManagementAssignmentFilterId")
            else {
                continue;
            };
            if filter.as_str() == ZERO_GUID {
                continue;
            }
            if let Some(id) = BackupNames::unique(&names.filters, filter) {
                *filter = id.to_string();
            }
        }
    }
    let Some(rules) = raw
        .get_mut("scheduledActionsForRule")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for rule in rules {
        let Some(actions) = rule
            .get_mut("scheduledActionConfigurations")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for action in actions.iter_mut().filter_map(Value::as_object_mut) {
            let Some(id) = action
                .get("notificationTemplateName")
                .and_then(Value::as_str)
                .and_then(|name| BackupNames::unique(&names.templates, name))
                .map(str::to_string)
            else {
                continue;
            };
            action.remove("notificationTemplateName");
            action.insert("notificationTemplateId".into(), Value::String(id));
        }
    }
}

/// `--taken-at`: a date (midnight UTC) or an RFC 3339 time.
fn parse_taken_at(text: &str) -> Result<OffsetDateTime, EngineError> {
    let text = text.trim();
    if let Some(t) = crate::ops::queries::parse_time(text) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            EngineError::invalid(format!(
                "--taken-at '{text}' is not a date; pass 2026-11-30 or 2026-11-30T18:00:00Z"
            ))
        })
}

/// A date in a folder's name: `2026-11-30`, `2026_11_30` or `20261130`, optionally followed by a
/// time (`T18:05`, `-1805`, `_180500`), read as UTC.
pub fn date_in_name(name: &str) -> Option<OffsetDateTime> {
    let digits: Vec<(usize, char)> = name.char_indices().collect();
    for start in 0..digits.len() {
        if let Some(t) = date_at(&digits[start..]) {
            return Some(t);
        }
    }
    None
}

fn date_at(chars: &[(usize, char)]) -> Option<OffsetDateTime> {
    let mut i = 0;
    let number = |len: usize, i: &mut usize| -> Option<u32> {
        let part: String = chars.get(*i..*i + len)?.iter().map(|(_, c)| *c).collect();
        if !part.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += len;
        part.parse().ok()
    };
    let separator = |i: &mut usize, allowed: &[char]| {
        if chars.get(*i).is_some_and(|(_, c)| allowed.contains(c)) {
            *i += 1;
        }
    };
    let year = number(4, &mut i)?;
    separator(&mut i, &['-', '_', '.']);
    let month = number(2, &mut i)?;
    separator(&mut i, &['-', '_', '.']);
    let day = number(2, &mut i)?;
    if chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit()) || !(2000..=2999).contains(&year) {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year as i32, month, u8::try_from(day).ok()?).ok()?;
    let mut at = date.midnight();
    let mut j = i;
    separator(&mut j, &['T', 't', '-', '_', ' ']);
    if let (Some(hour), Some(minute)) = (number(2, &mut j), {
        separator(&mut j, &[':', '-', '.']);
        number(2, &mut j)
    }) {
        separator(&mut j, &[':', '-', '.']);
        let second = number(2, &mut j).unwrap_or(0);
        if let Ok(t) = time::Time::from_hms(hour as u8, minute as u8, second as u8) {
            at = date.with_time(t);
        }
    }
    Some(at.assume_utc())
}

/// A new offline tenant's id: the name when it is a GUID, else a GUID made from it, the same
/// every time.
fn offline_tenant_id(name: &str) -> String {
    let name = name.trim().to_lowercase();
    let is_guid = name.len() == 36
        && name.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if is_guid {
        return name;
    }
    let hash = hex::encode(Sha256::digest(format!(
        "tenantatlas offline tenant\n{name}"
    )));
    format!(
        "{}-{}-{}-{}-{}",
        &hash[0..8],
        &hash[8..12],
        &hash[12..16],
        &hash[16..20],
        &hash[20..32]
    )
}

impl Engine {
    /// Imports a backup folder as one snapshot of a tenant (see the module's documentation);
    /// audited as `backup.import`.
    pub async fn import_backup(
        &self,
        options: &ImportBackup,
    ) -> Result<BackupImportSummary, EngineError> {
        let given_time = options
            .taken_at
            .as_deref()
            .map(parse_taken_at)
            .transpose()?;
        let tenant_name = options.tenant.trim();
        if tenant_name.is_empty() {
            return Err(EngineError::invalid(
                "pass --tenant with a tenant's domain or a name for the new offline tenant",
            ));
        }
        let read = {
            let folder = options.folder.clone();
            let format = options.format;
            tokio::task::spawn_blocking(move || read_backup(&folder, format))
                .await
                .map_err(|e| {
                    EngineError::new(
                        ErrorCode::Workspace,
                        format!("reading the backup stopped unexpectedly: {e}"),
                    )
                })??
        };
        if read.objects.is_empty() {
            let skipped = read.skipped.line();
            return Err(EngineError::invalid(format!(
                "{} holds no object TenantAtlas captures ({}); pass the folder of an IntuneCD backup or an IntuneManagement export",
                options.folder.display(),
                if skipped.is_empty() {
                    "it is empty".to_string()
                } else {
                    skipped
                }
            )));
        }

        // The date: the option, the folder's name, the files' times.
        let folder_name = options
            .folder
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let (taken, taken_at_from) = if let Some(t) = given_time {
            (t, TakenAtFrom::Option)
        } else if let Some(t) = date_in_name(&folder_name) {
            (t, TakenAtFrom::FolderName)
        } else {
            let newest = read.newest_file.map(OffsetDateTime::from);
            (
                newest.unwrap_or_else(OffsetDateTime::now_utc),
                TakenAtFrom::FileTimes,
            )
        };
        if taken > OffsetDateTime::now_utc() + time::Duration::days(1) {
            return Err(EngineError::invalid(format!(
                "{} would be dated {}, in the future; pass --taken-at with the day the backup was made",
                options.folder.display(),
                crate::ops::queries::format_time(taken)
            )));
        }
        let taken_at = crate::ops::queries::format_time(taken);

        // The tenant: connected, offline, or new (offline).
        let existing = store_exchange::tenant_origin(self.workspace.pool(), tenant_name).await?;
        let (tenant, offline, new_tenant) = match existing {
            Some((tenant, offline)) => {
                let is_offline = offline.is_some();
                (tenant, is_offline, false)
            }
            None => (
                TenantRecord {
                    id: offline_tenant_id(tenant_name),
                    domain: tenant_name.to_string(),
                    name: tenant_name.to_string(),
                    state: TenantState::Active,
                    ..TenantRecord::default()
                },
                true,
                true,
            ),
        };
        let tenant_id = tenant.id.to_lowercase();

        // What the tenant has: names of its objects, groups and scope tags.
        let latest = if new_tenant {
            None
        } else {
            self.workspace.latest_snapshot(&tenant_id).await?
        };
        let manifest = match &latest {
            Some(s) => self.workspace.snapshot_manifest(s.id).await?,
            None => Vec::new(),
        };
        let mut by_name: HashMap<(String, String), Vec<String>> = HashMap::new();
        for o in &manifest {
            by_name
                .entry((o.kind.clone(), o.display_name.clone()))
                .or_default()
                .push(o.object_id.clone());
        }
        let unique = |kind: &str, name: &str| -> Option<String> {
            match by_name.get(&(kind.to_string(), name.to_string())) {
                Some(ids) if ids.len() == 1 => Some(ids[0].clone()),
                _ => None,
            }
        };
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        if !new_tenant {
            for d in self.workspace.list_directory_objects(&tenant_id).await? {
                if d.object_type == "group" {
                    groups.entry(d.display_name).or_default().push(d.object_id);
                }
            }
        }

        // Each object's id: its own (IntuneManagement), the tenant's by kind and name, or its name.
        // Groups first: a group IntuneCD named is the tenant's where the name is unique there.
        let mut directory = Vec::new();
        let mut group_ids: HashMap<String, String> = HashMap::new();
        for (file_id, name) in &read.refs.groups {
            match groups.get(name) {
                Some(ids) if ids.len() == 1 && file_id.starts_with("file-group:") => {
                    group_ids.insert(file_id.clone(), ids[0].clone());
                }
                _ => directory.push(DirectoryObject {
                    object_id: file_id.clone(),
                    object_type: "group".into(),
                    display_name: name.clone(),
                }),
            }
        }
        let intunecd = read.format == BackupFormat::Intunecd;
        let scope_tag = |name: &str| -> String {
            if name.chars().all(|c| c.is_ascii_digit()) {
                return name.to_string();
            }
            if name == "Default" {
                return "0".into();
            }
            unique("roleScopeTags", name).unwrap_or_else(|| name.to_string())
        };
        let mut skipped = read.skipped.clone();
        let mut seen: HashSet<(&'static str, String)> = HashSet::new();
        let mut named = Vec::with_capacity(read.objects.len());
        let mut backup_names = BackupNames::default();
        let mut matched_by_name = 0u64;
        for found in &read.objects {
            let kind = found.kind;
            let object_id = match &found.id {
                Some(id) => id.clone(),
                None => match unique(kind.key, &found.name) {
                    Some(id) => {
                        matched_by_name += 1;
                        id
                    }
                    None => {
                        let mut id = format!("name:{}", found.name);
                        let mut n = 2;
                        while seen.contains(&(kind.key, id.clone())) {
                            id = format!("name:{} ({n})", found.name);
                            n += 1;
                        }
                        id
                    }
                },
            };
            if !seen.insert((kind.key, object_id.clone())) {
                skipped.add(SkipReason::Duplicate, found.file.clone());
                continue;
            }
            backup_names.add(kind.key, &found.name, &object_id);
            named.push((found, object_id));
        }

        // Each object's content, once every object has its id: IntuneCD's references by name
        // point at the ids just given to the backup's own filters and templates.
        let mut objects = Vec::with_capacity(named.len());
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        for (found, object_id) in named {
            let kind = found.kind;
            let mut raw = found.raw.clone();
            if let Some(list) = raw.get_mut("assignments").and_then(Value::as_array_mut) {
                for a in list {
                    if let Some(Value::String(g)) = a.pointer_mut("/target/groupId") {
                        if let Some(real) = group_ids.get(g.as_str()) {
                            *g = real.clone();
                        }
                    }
                }
            }
            if intunecd {
                if let Some(tags) = raw.get_mut("roleScopeTagIds").and_then(Value::as_array_mut) {
                    for tag in tags {
                        if let Value::String(name) = tag {
                            *name = scope_tag(name);
                        }
                    }
                }
                resolve_named_refs(&mut raw, &backup_names);
            }
            let content = normalise(kind, &raw);
            let hash = content_hash(&content);
            *kinds.entry(kind.key.to_string()).or_default() += 1;
            objects.push(CapturedObject {
                kind: kind.key.to_string(),
                object_id,
                display_name: found.name.clone(),
                content,
                hash,
            });
        }

        // The backup's fingerprint: the same folder twice is the same snapshot.
        let mut items: Vec<String> = objects
            .iter()
            .map(|o| format!("{}\t{}\t{}", o.kind, o.object_id, o.hash))
            .collect();
        items.sort();
        let digest = Sha256::digest(format!("{taken_at}\n{}", items.join("\n")));
        let fingerprint = i64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) & i64::MAX;
        let source = read.format.source();

        let mut summary = BackupImportSummary {
            folder: options.folder.clone(),
            format: read.format,
            tenant: tenant_id.clone(),
            tenant_domain: tenant.domain.clone(),
            new_tenant,
            offline,
            taken_at: taken_at.clone(),
            taken_at_from,
            objects: objects.len() as u64,
            kinds,
            matched_by_name,
            versions_added: 0,
            deleted: 0,
            already_imported: false,
            snapshot_id: None,
            run_id: None,
            skipped,
        };
        if !new_tenant
            && store_exchange::imported_sources(self.workspace.pool(), &tenant_id)
                .await?
                .contains(&(source.to_string(), fingerprint))
        {
            summary.already_imported = true;
            return Ok(summary);
        }
        if let Some(newest) = &latest {
            if crate::ops::queries::parse_time(&newest.created_at).is_some_and(|n| taken <= n) {
                return Err(EngineError::invalid(format!(
                    "{} was taken {taken_at}, not after {}'s newest snapshot ({}): snapshots are added in time order; import older backups first, or this one as its own offline tenant (--tenant {}-history)",
                    options.folder.display(),
                    tenant.domain,
                    newest.created_at,
                    tenant.domain
                )));
            }
        }

        let complete_kinds: Vec<String> = summary
            .kinds
            .keys()
            .filter(|k| !read.incomplete_kinds.contains(k.as_str()))
            .cloned()
            .collect();
        let started = Instant::now();
        let run_id = self.workspace.start_run("import", Some(&tenant_id)).await?;
        let import = BackupImport {
            tenant: tenant.clone(),
            offline: offline.then(|| BackupSource {
                folder: folder_name.clone(),
                taken_at: taken_at.clone(),
            }),
            directory,
            snapshot: ImportedSnapshot {
                source_snapshot_id: fingerprint,
                taken_at: taken_at.clone(),
                complete_kinds,
                objects,
            },
            source: source.to_string(),
        };
        let outcome = self.workspace.commit_backup(&run_id, &import).await;
        let mut record = self.workspace.get_run(&run_id).await?.ok_or_else(|| {
            EngineError::not_found(format!("run {run_id} vanished from the workspace"))
        })?;
        record.duration_ms = Some(started.elapsed().as_millis() as u64);
        record.progress =
            json!({"folder": folder_name, "format": read.format, "taken_at": taken_at});
        match &outcome {
            Ok(s) => {
                record.status = RunStatus::Succeeded;
                record.objects = s.objects;
                record.versions_added = s.versions_added;
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
        let committed = outcome?;
        summary.versions_added = committed.versions_added;
        summary.deleted = committed.deleted;
        summary.snapshot_id = Some(committed.snapshot_id);
        summary.run_id = Some(run_id);
        self.workspace
            .append_audit(
                &actor(),
                "backup.import",
                &tenant_id,
                &json!({
                    "folder": folder_name,
                    "format": read.format,
                    "domain": summary.tenant_domain,
                    "taken_at": taken_at,
                    "objects": summary.objects,
                    "versions_added": summary.versions_added,
                    "skipped": summary.skipped.files,
                    "run": summary.run_id,
                }),
            )
            .await?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_folder_names() {
        let at = |name: &str| date_in_name(name).map(crate::ops::queries::format_time);
        assert_eq!(
            at("IntuneCD-2026-11-30").as_deref(),
            Some("2026-11-30T00:00:00.000Z")
        );
        assert_eq!(
            at("backup_20261130_1805").as_deref(),
            Some("2026-11-30T18:05:00.000Z")
        );
        assert_eq!(
            at("2026-11-30T18-05-07").as_deref(),
            Some("2026-11-30T18:05:07.000Z")
        );
        assert_eq!(at("Backup"), None);
        assert_eq!(at("tenant-12345678901"), None);
        assert_eq!(at("2026-13-45"), None);
    }

    #[test]
    fn skips_are_one_line() {
        let mut skipped = Skipped::default();
        for i in 0..4 {
            skipped.add(SkipReason::NotAKind, format!("k{i}.json"));
        }
        skipped.add(SkipReason::NotJson, "a.txt".into());
        skipped.add(SkipReason::NotJson, "b.txt".into());
        skipped.add(SkipReason::TooLarge, "big.json".into());
        assert_eq!(
            skipped.line(),
            "Skipped 7 files: 4 not a kind TenantAtlas captures, 2 not JSON, 1 over 32 MiB — first: k0.json, k1.json, k2.json, k3.json, a.txt"
        );
        assert_eq!(Skipped::default().line(), "");
    }

    #[test]
    fn intunecd_filter_and_template_names_become_the_backups_ids() {
        let mut names = BackupNames::default();
        names.add(
            "assignmentFilters",
            "Corporate devices",
            "name:Corporate devices",
        );
        names.add("assignmentFilters", "Twice", "name:Twice");
        names.add("assignmentFilters", "Twice", "name:Twice (2)");
        names.add("notificationMessageTemplates", "Warning", "t-1");
        // Another kind's names are not filters, even when they match.
        names.add("deviceConfigurations", "Windows only", "c-1");
        let target = |filter: Value| {
            json!({"target": {
                "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                "groupId": "g-1",
                "deviceAndAppManagementAssignmentFilterId": filter,
                "deviceAndAppManagementAssignmentFilterType": "include",
            }})
        };
        let action = |template: &str, name: Option<&str>| {
            let mut a = json!({"actionType": "notification", "gracePeriodHours": 24,
                "notificationTemplateId": template, "notificationMessageCCList": []});
            if let Some(name) = name {
                a["notificationTemplateName"] = json!(name);
            }
            a
        };
        let zero = "00000000-0000-0000-0000-000000000000";
        let mut raw = json!({
            "displayName": "Win - Compliance",
            "assignments": [
                target(json!("Corporate devices")),
                target(json!("Windows only")),
                target(json!("Twice")),
                target(json!(zero)),
                target(Value::Null),
            ],
            "scheduledActionsForRule": [{"ruleName": null, "scheduledActionConfigurations": [
                action(zero, None),
                action("9f0c0c52-source-tenant", Some("Warning")),
                action("5e1d7a40-source-tenant", Some("Deleted since")),
            ]}],
        });
        resolve_named_refs(&mut raw, &names);

        let filters: Vec<&Value> = raw["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["target"]["deviceAndAppManagementAssignmentFilterId"])
            .collect();
        assert_eq!(
            filters,
            [
                &json!("name:Corporate devices"),
                // Unknown and ambiguous names stay readable; no id is made up for them.
                &json!("Windows only"),
                &json!("Twice"),
                &json!(zero),
                &Value::Null,
            ]
        );
        let actions = &raw["scheduledActionsForRule"][0]["scheduledActionConfigurations"];
        assert_eq!(actions[0], action(zero, None));
        assert_eq!(actions[1], action("t-1", None));
        assert_eq!(
            actions[2],
            action("5e1d7a40-source-tenant", Some("Deleted since"))
        );

        // Objects without either reference, and odd shapes, pass through unchanged.
        for odd in [
            json!({"displayName": "x"}),
            json!({"assignments": [{"target": null}, 3], "scheduledActionsForRule": [{}, "x"]}),
            json!({"scheduledActionsForRule": [{"scheduledActionConfigurations": [null, {"notificationTemplateName": 7}]}]}),
            json!([]),
        ] {
            let mut same = odd.clone();
            resolve_named_refs(&mut same, &names);
            assert_eq!(same, odd);
        }
    }

    #[test]
    fn offline_ids_are_guids() {
        let guid = "0b2f4a1e-7c55-4b8e-9a11-3f7d2c9e8a01";
        assert_eq!(offline_tenant_id(&guid.to_uppercase()), guid);
        let made = offline_tenant_id("Contoso Legacy");
        assert_eq!(made.len(), 36);
        assert_eq!(made, offline_tenant_id("contoso legacy "));
        assert_ne!(made, offline_tenant_id("fabrikam"));
    }
}
