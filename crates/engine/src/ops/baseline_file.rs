//! Baselines as files: `baseline export` writes one, `baseline create --from-file` reads one.
//!
//! Two kinds of file are read:
//! - **Our own export** (`"format": "tenantatlas.baseline"`): kinds, the source tenant's id -> name
//!   maps and each expected object with its kind, name and normalised content. It round-trips a
//!   baseline exactly, so an MSP keeps its golden master in Git and reviews changes there.
//! - **Graph JSON as other tools export it** (IntuneCD, IntuneManagement, Graph Explorer): one
//!   object per file, an array, or a `{"value": [...]}` page, in a file or a folder of files. The
//!   kind comes from `@odata.type`, or, where a tool stripped it, from the object's shape and the
//!   folder it sits in. Files that are not policies (reports, settings) are skipped and listed.
//!   Group names that such tools put beside a target (`groupName`) become the group's name, so
//!   assignments compare by name as they do between tenants.

use crate::ops::baselines::{refs_from_json, refs_to_json};
use crate::ops::input::{self, Budget, InputError, LIMITS};
use crate::EngineError;
use serde_json::{json, Map, Value};
use std::path::Path;
use tenantatlas_core::diff::MapRefs;
use tenantatlas_core::kinds::{self, ObjectKind};
use tenantatlas_core::normalise;

/// The `format` of our own export.
pub const FORMAT: &str = "tenantatlas.baseline";

/// One expected object read from a file, normalised as sync normalises captures.
#[derive(Clone, Debug, PartialEq)]
pub struct FileObject {
    pub kind: &'static str,
    pub object_id: String,
    pub name: String,
    pub content: Value,
}

/// What a baseline file holds.
#[derive(Clone, Debug, Default)]
pub struct BaselineFile {
    /// Kinds the file covers: our export's list, or the kinds of the objects found.
    pub kinds: Vec<String>,
    pub refs: MapRefs,
    pub objects: Vec<FileObject>,
    /// Placeholders the objects' names use (our export keeps them).
    pub placeholders: Vec<String>,
    /// Files (relative to the path given) that held nothing we could use, with why.
    pub skipped: Vec<String>,
}

/// Writes a baseline export.
pub fn export_document(
    name: &str,
    version: i64,
    kinds: &[String],
    refs: &MapRefs,
    objects: &[FileObject],
) -> Value {
    json!({
        "format": FORMAT,
        "format_version": 1,
        "name": name,
        "baseline_version": version,
        "kinds": kinds,
        "refs": refs_to_json(refs),
        "objects": objects.iter().map(|o| json!({
            "kind": o.kind,
            "object_id": o.object_id,
            "name": o.name,
            "content": o.content,
        })).collect::<Vec<_>>(),
    })
}

/// Reads a baseline from a file or a folder of files: regular files only, each file and folder
/// once however links point, within [`LIMITS`] (see `ops::input`).
pub fn read(path: &Path) -> Result<BaselineFile, EngineError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        EngineError::invalid(format!(
            "cannot read {}: {e}; pass a baseline export or a folder of Graph JSON",
            path.display()
        ))
    })?;
    let mut out = BaselineFile::default();
    let mut budget = Budget::new(path, &LIMITS);
    if meta.is_dir() {
        let shown = |file: &Path| {
            file.strip_prefix(path)
                .unwrap_or(file)
                .display()
                .to_string()
        };
        let found = input::walk(path, &LIMITS, is_json)?;
        for (file, why) in &found.skipped {
            out.skipped.push(format!("{}: {why}", shown(file)));
        }
        for file in found.files {
            let shown = shown(&file);
            match parse_file(&file, &mut budget) {
                Ok(value) if value.get("format").and_then(Value::as_str) == Some(FORMAT) => {
                    return Err(EngineError::invalid(format!(
                        "{shown} is a TenantAtlas baseline export; pass the file itself, not its folder"
                    )))
                }
                Ok(value) => add_graph_json(&mut out, &value, &file, &shown),
                // A file too large, or too much together, stops the read: a baseline silently
                // missing a policy is worse than none.
                Err(ParseError::Input(
                    e @ (InputError::FileTooLarge { .. } | InputError::TotalTooLarge { .. }),
                )) => return Err(e.into()),
                Err(e) => out.skipped.push(format!("{shown}: {}", EngineError::from(e).message)),
            }
        }
    } else {
        let value = parse_file(path, &mut budget)?;
        if value.get("format").and_then(Value::as_str) == Some(FORMAT) {
            return read_export(&value, path);
        }
        let shown = path.display().to_string();
        add_graph_json(&mut out, &value, path, &shown);
    }
    if out.objects.is_empty() {
        let why = if out.skipped.is_empty() {
            String::new()
        } else {
            format!(" (skipped: {})", out.skipped.join("; "))
        };
        return Err(EngineError::invalid(format!(
            "{} holds no policy TenantAtlas knows{why}; pass an export from `tenantatlas baseline export` or Graph JSON with @odata.type",
            path.display()
        )));
    }
    let mut kinds: Vec<String> = out.objects.iter().map(|o| o.kind.to_string()).collect();
    kinds.sort();
    kinds.dedup();
    out.kinds = kinds;
    Ok(out)
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Why one file gave no JSON.
enum ParseError {
    Input(InputError),
    NotJson(String),
}

impl From<ParseError> for EngineError {
    fn from(e: ParseError) -> Self {
        match e {
            ParseError::Input(e) => e.into(),
            ParseError::NotJson(message) => EngineError::invalid(message),
        }
    }
}

/// One file as JSON. serde_json's recursion limit (128 levels) turns deeply nested input into
/// an error, never a stack overflow.
fn parse_file(path: &Path, budget: &mut Budget) -> Result<Value, ParseError> {
    let text = budget.read(path, &LIMITS).map_err(ParseError::Input)?;
    parse_json(&text).map_err(|e| {
        ParseError::NotJson(format!(
            "{} is not JSON ({e}); pass a baseline export or Graph JSON",
            path.display()
        ))
    })
}

/// JSON text as exporters write it: UTF-8 with or without a byte order mark, or UTF-16 with one
/// (Windows PowerShell's `Out-File` writes UTF-16 LE with a BOM by default).
pub fn parse_json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    match utf16_text(bytes) {
        Some(Ok(text)) => serde_json::from_str(&text),
        Some(Err(())) => Err(serde::de::Error::custom(
            "invalid UTF-16 after its byte order mark",
        )),
        None => serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
    }
}

/// The text of a file that starts with a UTF-16 byte order mark (LE `FF FE`, BE `FE FF`); `None`
/// when it has none.
fn utf16_text(bytes: &[u8]) -> Option<Result<String, ()>> {
    let (rest, little) = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (rest, true)
    } else {
        (bytes.strip_prefix(b"\xFE\xFF")?, false)
    };
    if rest.len() % 2 != 0 {
        return Some(Err(()));
    }
    let units = rest.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| ()),
    )
}

fn read_export(value: &Value, path: &Path) -> Result<BaselineFile, EngineError> {
    let bad = |what: &str| {
        EngineError::invalid(format!(
            "{} is a damaged baseline export ({what}); export it again with `tenantatlas baseline export`",
            path.display()
        ))
    };
    if value.get("format_version").and_then(Value::as_i64) != Some(1) {
        return Err(bad(
            "unknown format_version; this TenantAtlas reads version 1",
        ));
    }
    let kinds: Vec<String> = value
        .get("kinds")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no kinds"))?
        .iter()
        .map(|k| {
            k.as_str()
                .map(str::to_string)
                .ok_or_else(|| bad("a kind is not text"))
        })
        .collect::<Result<_, _>>()?;
    for k in &kinds {
        if kinds::by_key(k).is_none() {
            return Err(bad(&format!("unknown kind '{k}'")));
        }
    }
    let mut objects = Vec::new();
    for o in value
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no objects"))?
    {
        let kind = o
            .get("kind")
            .and_then(Value::as_str)
            .and_then(kinds::by_key)
            .ok_or_else(|| bad("an object has an unknown kind"))?;
        let content = o
            .get("content")
            .filter(|c| c.is_object())
            .ok_or_else(|| bad("an object has no content"))?;
        objects.push(FileObject {
            kind: kind.key,
            object_id: o
                .get("object_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            name: o
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("an object has no name"))?
                .to_string(),
            content: normalise(kind, content),
        });
    }
    let placeholders = value
        .get("placeholders")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(BaselineFile {
        kinds,
        refs: refs_from_json(value.get("refs").unwrap_or(&Value::Null)),
        objects,
        placeholders,
        skipped: Vec::new(),
    })
}

/// Adds the objects of one Graph JSON document (an object, an array or a page).
fn add_graph_json(out: &mut BaselineFile, value: &Value, file: &Path, shown: &str) {
    let items: Vec<&Value> = match value {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => match map.get("value") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => vec![value],
        },
        _ => Vec::new(),
    };
    let before = out.objects.len();
    let mut why = "not a policy TenantAtlas knows".to_string();
    for item in items {
        let Some(kind) = kind_of(item, file) else {
            continue;
        };
        let mut raw = item.clone();
        name_targets(&mut raw, &mut out.refs);
        let Some(name) = raw
            .get(kind.name_field)
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            why = format!("a {} without {}", kind.label, kind.name_field);
            continue;
        };
        let object_id = raw
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("file:{}", out.objects.len() + 1));
        out.objects.push(FileObject {
            kind: kind.key,
            object_id,
            name,
            content: normalise(kind, &raw),
        });
    }
    if out.objects.len() == before {
        out.skipped.push(format!("{shown}: {why}"));
    }
}

/// Replaces a target's `groupName` (as IntuneCD writes it) by a group id the refs name, so that
/// the assignment compares by name.
pub(crate) fn name_targets(raw: &mut Value, refs: &mut MapRefs) {
    let Some(list) = raw.get_mut("assignments").and_then(Value::as_array_mut) else {
        return;
    };
    for assignment in list {
        let Some(target) = assignment.get_mut("target").and_then(Value::as_object_mut) else {
            continue;
        };
        let Some(name) = target
            .remove("groupName")
            .and_then(|n| n.as_str().map(str::to_string))
        else {
            continue;
        };
        let id = match target.get("groupId").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None => {
                let id = format!("file-group:{}", name.to_lowercase());
                target.insert("groupId".into(), Value::String(id.clone()));
                id
            }
        };
        refs.groups.insert(id, name);
    }
}

/// The kind of a Graph object: by `@odata.type`, else by shape and folder.
pub fn kind_of(value: &Value, file: &Path) -> Option<&'static ObjectKind> {
    let map = value.as_object()?;
    if let Some(t) = map.get("@odata.type").and_then(Value::as_str) {
        return kind_for_type(t).and_then(kinds::by_key);
    }
    kind_by_shape(map, file).and_then(kinds::by_key)
}

/// The registry key for a Graph `@odata.type`.
pub fn kind_for_type(odata_type: &str) -> Option<&'static str> {
    let t = odata_type
        .trim_start_matches('#')
        .trim_start_matches("microsoft.graph.")
        .to_ascii_lowercase();
    let exact = match t.as_str() {
        "devicemanagementconfigurationpolicy" => Some("configurationPolicies"),
        "grouppolicyconfiguration" => Some("groupPolicyConfigurations"),
        "devicemanagementintent" => Some("intents"),
        "devicemanagementscript" => Some("deviceManagementScripts"),
        "deviceshellscript" => Some("deviceShellScripts"),
        "devicecustomattributeshellscript" => Some("deviceCustomAttributeShellScripts"),
        "devicehealthscript" => Some("deviceHealthScripts"),
        "windowsfeatureupdateprofile" => Some("windowsFeatureUpdateProfiles"),
        "windowsqualityupdateprofile" => Some("windowsQualityUpdateProfiles"),
        "windowsdriverupdateprofile" => Some("windowsDriverUpdateProfiles"),
        "iosmanagedappprotection" => Some("iosManagedAppProtections"),
        "androidmanagedappprotection" => Some("androidManagedAppProtections"),
        "windowsmanagedappprotection" => Some("windowsManagedAppProtections"),
        "targetedmanagedappconfiguration" => Some("targetedManagedAppConfigurations"),
        "deviceandappmanagementassignmentfilter" | "assignmentfilter" => Some("assignmentFilters"),
        "rolescopetag" => Some("roleScopeTags"),
        "deviceandappmanagementroledefinition" | "roledefinition" => Some("roleDefinitions"),
        "deviceandappmanagementroleassignment" | "roleassignment" => Some("roleAssignments"),
        "notificationmessagetemplate" => Some("notificationMessageTemplates"),
        "conditionalaccesspolicy" => Some("conditionalAccessPolicies"),
        // Entra's unified RBAC types (not Intune's `roleDefinition`), and cross-tenant access.
        "unifiedroledefinition" => Some("directoryRoleDefinitions"),
        "unifiedroleassignment" => Some("directoryRoleAssignments"),
        "unifiedroleeligibilityscheduleinstance" => Some("roleEligibilityScheduleInstances"),
        "crosstenantaccesspolicyconfigurationpartner" => Some("crossTenantAccessPartners"),
        "crosstenantaccesspolicyconfigurationdefault" => Some("crossTenantAccessPolicyDefault"),
        _ => None,
    };
    if exact.is_some() {
        return exact;
    }
    // A kind whose collection is the type's plural (`deviceCategory` → `deviceCategories`) or
    // a singleton of the type's name, as the registry grows.
    if let Some(kind) = kinds::REGISTRY.iter().find(|k| {
        let key = k.key.to_ascii_lowercase();
        key == t
            || key.strip_suffix('s') == Some(t.as_str())
            || key
                .strip_suffix("ies")
                .is_some_and(|stem| t.strip_suffix('y') == Some(stem))
    }) {
        return Some(kind.key);
    }
    if t.ends_with("namedlocation") {
        Some("namedLocations")
    } else if t.contains("enrollment") || t.ends_with("comanagementauthorityconfiguration") {
        Some("deviceEnrollmentConfigurations")
    } else if t.ends_with("autopilotdeploymentprofile") {
        Some("windowsAutopilotDeploymentProfiles")
    } else if t.ends_with("mobileappconfiguration") {
        Some("mobileAppConfigurations")
    } else if t.ends_with("compliancepolicy") {
        Some("deviceCompliancePolicies")
    } else if t.ends_with("configuration") && !t.contains("managedapp") {
        Some("deviceConfigurations")
    } else if t.ends_with("app") || t.ends_with("suite") {
        Some("mobileApps")
    } else {
        None
    }
}

/// The kind of an object whose exporter dropped `@odata.type`, by its fields and its folder
/// (IntuneCD's folder names).
fn kind_by_shape(map: &Map<String, Value>, file: &Path) -> Option<&'static str> {
    let has = |k: &str| map.contains_key(k);
    let folder = file
        .parent()
        .map(|p| p.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if has("settings") && (has("technologies") || has("platforms")) {
        return Some("configurationPolicies");
    }
    if has("detectionScriptContent") {
        return Some("deviceHealthScripts");
    }
    if has("scriptContent") {
        return Some(
            if has("customAttributeType") || folder.contains("custom attributes") {
                "deviceCustomAttributeShellScripts"
            } else if folder.contains("shell") || has("retryCount") {
                "deviceShellScripts"
            } else {
                "deviceManagementScripts"
            },
        );
    }
    if has("localizedNotificationMessages") || has("brandingOptions") {
        return Some("notificationMessageTemplates");
    }
    if has("rule") && has("platform") && folder.contains("filter") {
        return Some("assignmentFilters");
    }
    if has("conditions") && has("grantControls") {
        return Some("conditionalAccessPolicies");
    }
    if folder.contains("scope tags") && has("displayName") {
        return Some("roleScopeTags");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
    }

    #[test]
    fn graph_types_map_to_kinds() {
        for (t, k) in [
            (
                "#microsoft.graph.windows10CompliancePolicy",
                "deviceCompliancePolicies",
            ),
            (
                "#microsoft.graph.macOSCustomConfiguration",
                "deviceConfigurations",
            ),
            (
                "#microsoft.graph.windows10EnrollmentCompletionPageConfiguration",
                "deviceEnrollmentConfigurations",
            ),
            (
                "#microsoft.graph.deviceComanagementAuthorityConfiguration",
                "deviceEnrollmentConfigurations",
            ),
            (
                "#microsoft.graph.iosManagedAppProtection",
                "iosManagedAppProtections",
            ),
            (
                "#microsoft.graph.targetedManagedAppConfiguration",
                "targetedManagedAppConfigurations",
            ),
            (
                "#microsoft.graph.iosMobileAppConfiguration",
                "mobileAppConfigurations",
            ),
            ("#microsoft.graph.ipNamedLocation", "namedLocations"),
            (
                "#microsoft.graph.conditionalAccessPolicy",
                "conditionalAccessPolicies",
            ),
            ("#microsoft.graph.win32LobApp", "mobileApps"),
            (
                "#microsoft.graph.deviceAndAppManagementRoleDefinition",
                "roleDefinitions",
            ),
        ] {
            assert_eq!(kind_for_type(t), Some(k), "{t}");
        }
        assert_eq!(kind_for_type("#microsoft.graph.user"), None);
    }

    #[test]
    fn an_intunecd_backup_folder_reads_as_a_baseline() {
        let dir = fixtures().join("CES2026-IntuneCD/Backup");
        let file = read(&dir).expect("IntuneCD backup reads");
        let count = |k: &str| file.objects.iter().filter(|o| o.kind == k).count();
        assert_eq!(count("configurationPolicies"), 9, "{:?}", file.skipped);
        assert_eq!(count("deviceCompliancePolicies"), 9);
        assert_eq!(count("deviceShellScripts"), 3);
        assert_eq!(count("deviceCustomAttributeShellScripts"), 2);
        assert_eq!(count("notificationMessageTemplates"), 2);
        assert_eq!(count("roleScopeTags"), 1);
        assert!(file.kinds.contains(&"deviceConfigurations".to_string()));
        // The report and tenant settings are not policies: skipped, and said so.
        assert!(file.skipped.iter().any(|s| s.contains("report.json")));
        assert!(file.skipped.iter().any(|s| s.contains("settings.json")));
        // Contents are normalised like captures: no annotations but the type, no volatile fields.
        for o in &file.objects {
            let text = o.content.to_string();
            assert!(!text.contains("@odata.context"), "{}", o.name);
            assert!(o.content.get("id").is_none(), "{}", o.name);
            assert!(!o.name.is_empty());
        }
    }

    #[test]
    fn group_names_beside_targets_become_refs() {
        let mut raw = json!({"assignments": [
            {"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupName": "SG-Pilot"}},
            {"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g-1", "groupName": "SG-All"}},
            {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}}
        ]});
        let mut refs = MapRefs::default();
        name_targets(&mut raw, &mut refs);
        assert_eq!(refs.groups["file-group:sg-pilot"], "SG-Pilot");
        assert_eq!(refs.groups["g-1"], "SG-All");
        assert!(raw["assignments"][0]["target"].get("groupName").is_none());
        assert_eq!(
            raw["assignments"][0]["target"]["groupId"],
            "file-group:sg-pilot"
        );
    }

    #[test]
    fn bad_files_say_what_to_do() {
        let dir = std::env::temp_dir().join(format!("ta-bf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let garbage = dir.join("garbage.json");
        std::fs::write(&garbage, b"{not json").unwrap();
        let e = read(&garbage).unwrap_err();
        assert!(e.message.contains("is not JSON"), "{}", e.message);
        let user = dir.join("user.json");
        std::fs::write(
            &user,
            br##"{"@odata.type": "#microsoft.graph.user", "displayName": "x"}"##,
        )
        .unwrap();
        let e = read(&user).unwrap_err();
        assert!(e.message.contains("holds no policy"), "{}", e.message);
        let damaged = dir.join("damaged.json");
        std::fs::write(
            &damaged,
            br#"{"format": "tenantatlas.baseline", "format_version": 1}"#,
        )
        .unwrap();
        let e = read(&damaged).unwrap_err();
        assert!(
            e.message.contains("damaged baseline export"),
            "{}",
            e.message
        );
        assert!(read(&dir.join("absent.json")).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn json_reads_in_every_encoding_exporters_use() {
        let text = r#"{"displayName": "Zoë"}"#;
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let utf8bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for bytes in [text.as_bytes().to_vec(), utf8bom, utf16le.clone(), utf16be] {
            assert_eq!(parse_json(&bytes).unwrap()["displayName"], "Zoë");
        }
        assert!(parse_json(&utf16le[..utf16le.len() - 1]).is_err());
        assert!(parse_json(b"\xFF\xFE\x00\xD8").is_err(), "a lone surrogate");
    }

    #[test]
    fn exports_round_trip() {
        let mut refs = MapRefs::default();
        refs.groups.insert("g1".into(), "SG-Pilot".into());
        let kind = kinds::by_key("deviceConfigurations").unwrap();
        let objects = vec![FileObject {
            kind: kind.key,
            object_id: "o1".into(),
            name: "MSP - Win - Wi-Fi".into(),
            content: normalise(
                kind,
                &json!({"displayName": "MSP - Win - Wi-Fi", "ssid": "corp"}),
            ),
        }];
        let doc = export_document(
            "Golden",
            3,
            &["deviceConfigurations".into()],
            &refs,
            &objects,
        );
        let back = read_export(&doc, Path::new("x.json")).unwrap();
        assert_eq!(back.objects, objects);
        assert_eq!(back.refs.groups, refs.groups);
        assert_eq!(back.kinds, vec!["deviceConfigurations".to_string()]);
    }
}
