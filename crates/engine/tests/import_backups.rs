//! Backups from other tools as snapshots: the real IntuneCD backup in `tests/fixtures` becomes an
//! offline tenant with history, diffs and drift; a simulated tenant's snapshot written in
//! IntuneManagement's layout (UTF-16 LE with a BOM, UTF-8 with and without one) and in IntuneCD's
//! (filters and notification templates by name) imports again with no drift against itself;
//! hostile folders are summarised, never listed.

mod common;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::import::{BackupFormat, ImportBackup, SkipReason, TakenAtFrom};
use tenantatlas_engine::Engine;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/CES2026-IntuneCD/Backup")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every JSON file under `dir`, as one array.
fn json_under(dir: &Path) -> Value {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(json_under(&path).as_array().cloned().unwrap_or_default());
        } else if path.extension().is_some_and(|e| e == "json") {
            all.push(serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap());
        }
    }
    Value::Array(all)
}

async fn open(dir: &Path) -> Engine {
    Engine::open(&dir.join("ws"), Some("import test passphrase".into()))
        .await
        .expect("the workspace opens")
}

fn options(tenant: &str, folder: &Path) -> ImportBackup {
    ImportBackup {
        tenant: tenant.into(),
        folder: folder.to_path_buf(),
        format: BackupFormat::Auto,
        taken_at: None,
    }
}

async fn drift_of(engine: &Engine, tenant: &str) -> tenantatlas_engine::ops::drift::DriftReport {
    engine
        .drift(&DriftOptions {
            tenant: Some(tenant.into()),
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intunecd_backup_becomes_an_offline_tenant_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    let first = dir.path().join("contoso-2026-11-01");
    copy_dir(&fixture(), &first);

    let imported = engine
        .import_backup(&options("legacy.contoso.com", &first))
        .await
        .expect("the IntuneCD backup imports");
    assert_eq!(imported.format, BackupFormat::Intunecd);
    assert!(imported.new_tenant && imported.offline);
    assert_eq!(imported.taken_at, "2026-11-01T00:00:00.000Z");
    assert_eq!(imported.taken_at_from, TakenAtFrom::FolderName);
    let count = |k: &str| imported.kinds.get(k).copied().unwrap_or(0);
    assert_eq!(count("configurationPolicies"), 9, "{imported:?}");
    assert_eq!(count("deviceCompliancePolicies"), 9);
    assert_eq!(count("deviceShellScripts"), 3);
    assert_eq!(count("deviceCustomAttributeShellScripts"), 2);
    assert_eq!(count("notificationMessageTemplates"), 2);
    assert_eq!(count("roleScopeTags"), 1);
    assert_eq!(imported.objects, imported.kinds.values().sum::<u64>());
    // The report and the tenant settings are not kinds; script bodies and .mobileconfig files
    // are held in their policies' JSON. Summarised in one line.
    assert_eq!(imported.skipped.by_reason[&SkipReason::NotAKind], 2);
    assert_eq!(imported.skipped.by_reason[&SkipReason::Payload], 7);
    let line = imported.skipped.line();
    assert!(
        line.starts_with("Skipped 9 files: 7 script or payload files"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert!(imported.line().starts_with(&format!(
        "Imported {} objects of {} kinds from IntuneCD backup",
        imported.objects,
        imported.kinds.len()
    )));

    // Offline: it never syncs.
    let refused = engine
        .sync(
            &["legacy.contoso.com".to_string()],
            Default::default(),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("cannot sync"),
        "{}",
        refused.message
    );

    // The first backup signed off as the baseline.
    engine
        .approve_snapshot("legacy.contoso.com", None)
        .await
        .unwrap();

    // A later backup with one setting changed: one new version, and the diff says exactly that.
    let second = dir.path().join("contoso-2026-11-15");
    copy_dir(&fixture(), &second);
    let policy = second.join(
        "Compliance Policies/Policies/POC_WIN_D_CO_SBL_MSZT_DeviceCompliance_windows10CompliancePolicy.json",
    );
    let mut body: Value = serde_json::from_slice(&std::fs::read(&policy).unwrap()).unwrap();
    body["passwordRequired"] = json!(true);
    std::fs::write(&policy, serde_json::to_vec_pretty(&body).unwrap()).unwrap();
    let later = engine
        .import_backup(&options("legacy.contoso.com", &second))
        .await
        .unwrap();
    assert!(!later.new_tenant);
    assert_eq!((later.versions_added, later.deleted), (1, 0), "{later:?}");
    // Matched by kind and name, but for five enrolment configurations all named "All users and
    // all devices": those keep the ids they were given in file order (`name:…`, `name:… (2)`).
    assert_eq!(later.matched_by_name, later.objects - 5);
    let diff = engine
        .diff_snapshots("legacy.contoso.com", None, None)
        .await
        .unwrap();
    assert_eq!(diff.objects.len(), 1, "{:?}", diff.objects);
    assert_eq!(diff.summary.modified, 1);
    let changed = &diff.objects[0];
    assert_eq!(changed.name, "POC_WIN_D_CO_SBL_MSZT_DeviceCompliance");
    assert_eq!(changed.changes.len(), 1, "{:?}", changed.changes);
    let words = serde_json::to_value(&changed.changes[0]).unwrap();
    let summary = words["summary"].as_str().unwrap().to_lowercase();
    assert!(summary.contains("password"), "{summary}");

    // Drift against the signed-off first backup: exactly that policy.
    let drift = drift_of(&engine, "legacy.contoso.com").await;
    assert_eq!(drift.findings.len(), 1, "{:?}", drift.findings);

    // The same backup again adds nothing; an older one is refused in one line.
    let again = engine
        .import_backup(&options("legacy.contoso.com", &second))
        .await
        .unwrap();
    assert!(again.already_imported);
    let again_first = engine
        .import_backup(&options("legacy.contoso.com", &first))
        .await
        .unwrap();
    assert!(again_first.already_imported);
    let older = dir.path().join("contoso-2026-10-15");
    copy_dir(&fixture(), &older);
    let e = engine
        .import_backup(&options("legacy.contoso.com", &older))
        .await
        .unwrap_err();
    assert!(e.message.contains("time order"), "{}", e.message);
    assert!(!e.message.contains('\n'));
    // Unless it is dated later on purpose.
    let mut dated = options("legacy.contoso.com", &older);
    dated.taken_at = Some("2026-11-20".into());
    let reverted = engine.import_backup(&dated).await.unwrap();
    assert_eq!(reverted.taken_at_from, TakenAtFrom::Option);
    assert_eq!(reverted.versions_added, 1);
    assert!(drift_of(&engine, "legacy.contoso.com")
        .await
        .findings
        .is_empty());
}

/// How a snapshot is written by the two tools' exporters, as far as we know their layouts.
mod exporters {
    use serde_json::Value;
    use std::collections::HashMap;
    use std::path::Path;

    #[derive(Clone, Copy)]
    pub enum Encoding {
        Utf16LeBom,
        Utf8Bom,
        Utf8,
    }

    pub fn encode(text: &str, encoding: &Encoding) -> Vec<u8> {
        match encoding {
            Encoding::Utf16LeBom => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Encoding::Utf8 => text.as_bytes().to_vec(),
        }
    }

    fn file_name(name: &str) -> String {
        name.chars()
            .map(|c| if "\\/:*?\"<>|".contains(c) { '_' } else { c })
            .collect()
    }

    /// IntuneManagement: `<root>/<ObjectType>/<displayName>.json` with ids and assignments, as
    /// `ConvertTo-Json | Out-File` writes it (UTF-16 LE with a BOM in Windows PowerShell, UTF-8
    /// in PowerShell 7): the encodings rotate.
    pub fn intunemanagement(root: &Path, objects: &[(String, String, String, Value)]) {
        for (i, (kind, id, name, content)) in objects.iter().enumerate() {
            let mut body = content.clone();
            body["id"] = Value::String(id.clone());
            let folder = root.join(kind);
            std::fs::create_dir_all(&folder).unwrap();
            let encoding = [Encoding::Utf16LeBom, Encoding::Utf8Bom, Encoding::Utf8][i % 3];
            let text = serde_json::to_string_pretty(&body).unwrap();
            let path = folder.join(format!("{}_{i}.json", file_name(name)));
            std::fs::write(path, encode(&text, &encoding)).unwrap();
        }
    }

    const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

    /// IntuneCD (almenscorner/IntuneCD, `src/IntuneCD`): area folders, ids stripped, scope tags by
    /// name. An assignment loses `id`, `sourceId` and `groupId`, gets the group's name as
    /// `groupName`, and its filter's display name in place of the filter id
    /// (`intunecdlib/BaseGraphModule.py`: `get_object_assignment`, `get_filter_names`). A
    /// compliance action loses its `id` and keeps the template id, with the template's display
    /// name beside it as `notificationTemplateName` (`backup/Intune/Compliance.py`).
    pub fn intunecd(
        root: &Path,
        objects: &[(String, String, String, Value)],
        groups: &HashMap<String, String>,
        scope_tags: &HashMap<String, String>,
    ) {
        let names_of = |of: &str| -> HashMap<String, String> {
            objects
                .iter()
                .filter(|(kind, ..)| kind == of)
                .map(|(_, id, name, _)| (id.clone(), name.clone()))
                .collect()
        };
        let filters = names_of("assignmentFilters");
        let templates = names_of("notificationMessageTemplates");
        for (i, (kind, _, name, content)) in objects.iter().enumerate() {
            let mut body = content.clone();
            if let Some(map) = body.as_object_mut() {
                map.remove("id");
            }
            if let Some(list) = body.get_mut("assignments").and_then(Value::as_array_mut) {
                for a in list {
                    if let Some(map) = a.as_object_mut() {
                        map.remove("id");
                        map.remove("sourceId");
                    }
                    if let Some(target) = a.get_mut("target").and_then(Value::as_object_mut) {
                        target.remove("sourceId");
                        if let Some(Value::String(g)) = target.remove("groupId") {
                            let name = groups.get(&g).cloned().unwrap_or(g);
                            target.insert("groupName".into(), Value::String(name));
                        }
                        if let Some(Value::String(f)) =
                            target.get_mut("deviceAndAppManagementAssignmentFilterId")
                        {
                            if let Some(name) = filters.get(f.as_str()) {
                                *f = name.clone();
                            }
                        }
                    }
                }
            }
            if let Some(rules) = body
                .get_mut("scheduledActionsForRule")
                .and_then(Value::as_array_mut)
            {
                for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
                    rule.remove("id");
                    let actions = rule
                        .get_mut("scheduledActionConfigurations")
                        .and_then(Value::as_array_mut);
                    for action in actions.into_iter().flatten() {
                        let Some(action) = action.as_object_mut() else {
                            continue;
                        };
                        action.remove("id");
                        let template = action
                            .get("notificationTemplateId")
                            .and_then(Value::as_str)
                            .filter(|t| *t != ZERO_GUID)
                            .and_then(|t| templates.get(t));
                        if let Some(name) = template {
                            action.insert(
                                "notificationTemplateName".into(),
                                Value::String(name.clone()),
                            );
                        }
                    }
                }
            }
            if let Some(tags) = body
                .get_mut("roleScopeTagIds")
                .and_then(Value::as_array_mut)
            {
                for t in tags {
                    if let Value::String(id) = t {
                        if let Some(name) = scope_tags.get(id) {
                            *id = name.clone();
                        }
                    }
                }
            }
            let folder = root.join(match kind.as_str() {
                "configurationPolicies" => "Settings Catalog",
                "deviceCompliancePolicies" => "Compliance Policies/Policies",
                "deviceConfigurations" => "Device Configurations",
                "roleScopeTags" => "Scope Tags",
                "assignmentFilters" => "Filters",
                "deviceShellScripts" => "Scripts/Shell",
                "deviceManagementScripts" => "Scripts/Powershell",
                "deviceCustomAttributeShellScripts" => "Custom Attributes",
                "notificationMessageTemplates" => "Compliance Policies/Message Templates",
                other => other,
            });
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(
                folder.join(format!("{}_{i}.json", file_name(name))),
                serde_json::to_vec_pretty(&body).unwrap(),
            )
            .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synced_snapshot_exported_by_either_tool_imports_with_no_drift_against_itself() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(1, 40, 33), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    engine
        .sync(&[], Default::default(), Arc::new(|_| {}))
        .await
        .unwrap();
    let record = engine.tenant(&domain).await.unwrap();
    let snapshot = engine
        .workspace()
        .latest_snapshot(&record.id)
        .await
        .unwrap()
        .unwrap();
    // Singletons (the tenant's settings, certificates, connections: their id is their kind) are
    // not objects either tool exports with a name; they are skipped with a reason.
    let (singletons, synced): (Vec<_>, Vec<_>) = engine
        .workspace()
        .snapshot_objects(snapshot.id)
        .await
        .unwrap()
        .into_iter()
        .partition(|o| o.object_id == o.kind);
    let objects: Vec<(String, String, String, Value)> = synced
        .iter()
        .chain(&singletons)
        .map(|o| {
            (
                o.kind.clone(),
                o.object_id.clone(),
                o.display_name.clone(),
                o.content.clone(),
            )
        })
        .collect();

    // IntuneManagement keeps everything: the same ids and the same hashes, whatever the encoding.
    let im = dir.path().join("IntuneManagement-2026-12-01");
    exporters::intunemanagement(&im, &objects);
    let imported = engine
        .import_backup(&options("im.example", &im))
        .await
        .expect("the IntuneManagement export imports");
    assert_eq!(imported.format, BackupFormat::Intunemanagement);
    let offline = engine.tenant("im.example").await.unwrap();
    let back = engine
        .workspace()
        .snapshot_objects(imported.snapshot_id.unwrap())
        .await
        .unwrap();
    let key = |o: &tenantatlas_store::snapshots::SnapshotObject| {
        (o.kind.clone(), o.object_id.clone(), o.hash.clone())
    };
    let mut want: Vec<_> = synced.iter().map(key).collect();
    let mut got: Vec<_> = back.iter().map(key).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "skipped: {:?}", imported.skipped);
    assert_eq!(imported.skipped.files, singletons.len() as u64);

    // IntuneCD strips ids and names groups and scope tags; matched by name, no drift.
    let groups = engine
        .workspace()
        .list_directory_objects(&record.id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.object_id, d.display_name))
        .collect();
    let scope_tags = synced
        .iter()
        .filter(|o| o.kind == "roleScopeTags")
        .map(|o| (o.object_id.clone(), o.display_name.clone()))
        .chain([("0".to_string(), "Default".to_string())])
        .collect();
    let cd = dir.path().join("IntuneCD-2026-12-02");
    exporters::intunecd(&cd, &objects, &groups, &scope_tags);
    // The backup refers to filters and notification templates by name only, as IntuneCD does.
    let written = json_under(&cd).to_string();
    let filter = synced
        .iter()
        .find(|o| o.kind == "assignmentFilters" && written.contains(&o.object_id));
    assert!(filter.is_none(), "a filter id is left: {filter:?}");
    let filter_named = synced.iter().any(|o| {
        o.kind == "assignmentFilters"
            && written.contains(&format!(
                r#""deviceAndAppManagementAssignmentFilterId":{}"#,
                json!(o.display_name)
            ))
    });
    assert!(filter_named, "no assignment names its filter");
    assert!(written.contains(r#""notificationTemplateName":"#));
    let imported_cd = engine
        .import_backup(&options("cd.example", &cd))
        .await
        .expect("the IntuneCD-style backup imports");
    // Objects with no name but their id (Entra role assignments and PIM eligibilities, which
    // IntuneCD does not back up) cannot come back from a format that strips ids.
    let named_by_id = synced
        .iter()
        .filter(|o| tenantatlas_core::kinds::by_key(&o.kind).is_some_and(|k| k.name_field == "id"))
        .count();
    assert!(named_by_id > 0);
    assert_eq!(
        imported_cd.objects,
        (synced.len() - named_by_id) as u64,
        "{:?}",
        imported_cd.skipped
    );

    engine
        .create_baseline(&CreateBaseline {
            name: "Synced".into(),
            source: BaselineSource::Tenant {
                tenant: domain.clone(),
                snapshot: None,
            },
            kinds: imported.kinds.keys().cloned().collect(),
            include: Vec::new(),
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await
        .unwrap();
    for tenant in [offline.domain.as_str(), "cd.example"] {
        engine
            .assign_baseline("Synced", tenant, &Default::default())
            .await
            .unwrap();
        let drift = drift_of(&engine, tenant).await;
        assert!(drift.findings.is_empty(), "{tenant}: {:?}", drift.findings);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_folders_are_summarised_never_listed() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    let folder = dir.path().join("export");
    let types = folder.join("DeviceConfiguration");
    std::fs::create_dir_all(&types).unwrap();
    std::fs::write(
        types.join("Wi-Fi.json"),
        exporters::encode(
            r##"{"@odata.type": "#microsoft.graph.windowsWifiConfiguration", "id": "c1", "displayName": "Wi-Fi", "ssid": "corp"}"##,
            &exporters::Encoding::Utf16LeBom,
        ),
    )
    .unwrap();
    std::fs::write(folder.join("garbage.json"), b"{not json").unwrap();
    std::fs::write(folder.join("odd.json"), b"\xFF\xFE\x00").unwrap();
    std::fs::write(folder.join("notes.txt"), b"hello").unwrap();
    let big = std::fs::File::create(folder.join("big.json")).unwrap();
    big.set_len(40 * 1024 * 1024).unwrap();
    std::os::unix::fs::symlink("loop-b.json", folder.join("loop-a.json")).unwrap();
    std::os::unix::fs::symlink("loop-a.json", folder.join("loop-b.json")).unwrap();
    std::os::unix::fs::symlink(".", folder.join("self")).unwrap();
    let fifo = folder.join("pipe.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for i in 0..50 {
        std::fs::write(
            folder.join(format!("user-{i}.json")),
            br##"{"@odata.type": "#microsoft.graph.user", "displayName": "x"}"##,
        )
        .unwrap();
    }

    let imported = engine
        .import_backup(&options("hostile.example", &folder))
        .await
        .expect("what can be read imports");
    assert_eq!(imported.objects, 1);
    let by = |r: SkipReason| imported.skipped.by_reason.get(&r).copied().unwrap_or(0);
    assert_eq!(by(SkipReason::NotJson), 3, "{:?}", imported.skipped);
    assert_eq!(by(SkipReason::TooLarge), 1);
    assert_eq!(by(SkipReason::Unreadable), 2);
    assert_eq!(by(SkipReason::NotRegularFile), 1);
    assert_eq!(by(SkipReason::ReadAlready), 1);
    assert_eq!(by(SkipReason::NotAKind), 50);
    assert_eq!(imported.skipped.first.len(), 5);
    let line = imported.skipped.line();
    assert!(!line.contains('\n') && line.len() < 400, "{line}");

    // A folder with nothing to import is refused in one short line.
    let empty = dir.path().join("nothing");
    std::fs::create_dir_all(&empty).unwrap();
    for i in 0..200 {
        std::fs::write(empty.join(format!("junk-{i}.json")), b"nope").unwrap();
    }
    let e = engine
        .import_backup(&options("nothing.example", &empty))
        .await
        .unwrap_err();
    assert!(e.message.contains("holds no object"), "{}", e.message);
    assert!(
        e.message.len() < 400 && !e.message.contains('\n'),
        "{}",
        e.message
    );
    let e = engine
        .import_backup(&options("x.example", &types.join("Wi-Fi.json")))
        .await
        .unwrap_err();
    assert!(e.message.contains("is not a folder"), "{}", e.message);
}
