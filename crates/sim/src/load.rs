//! `--load DIR`: creates exported policy JSON (IntuneCD backups, Microsoft's framework files, our own
//! exports) in a tenant, the way an administrator would: each file is POSTed through the same Graph
//! dispatch a client reaches, so loading obeys the same validation as a real create.
//!
//! The collection is chosen from the object's `@odata.type`, or — for exports that carry none —
//! from its shape (settings catalog: `settings` + `technologies`; scripts: `scriptContent`). Files
//! that are not policies (reports, tenant-wide settings, lists) are skipped with a reason.
//! Assignments are dropped: exports name groups by name, which mean nothing in another tenant.

use crate::graph::{dispatch, Call};
use crate::kinds::{self, ApiVersion, KindSpec};
use crate::model::ALL_SCOPES;
use crate::state::{AccessGrant, World};
use anyhow::{bail, Context, Result};
use axum::http::Method;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What loading did.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// (file, collection key, new object id)
    pub created: Vec<(PathBuf, &'static str, String)>,
    /// (file, why it was not loaded)
    pub skipped: Vec<(PathBuf, String)>,
}

/// Loads every `*.json` below `dir` into the tenant at `tenant_index`.
pub fn load_dir(world: &mut World, tenant_index: usize, dir: &Path) -> Result<LoadReport> {
    if tenant_index >= world.tenants.len() {
        bail!("there is no tenant to load policies into; start the simulator with --tenants 1 or more");
    }
    let mut files = Vec::new();
    collect_json(dir, &mut files).with_context(|| format!("reading {}", dir.display()))?;
    files.sort();
    let mut report = LoadReport::default();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                report.skipped.push((file, format!("not valid JSON: {e}")));
                continue;
            }
        };
        match create(world, tenant_index, &file, value) {
            Ok((kind, id)) => report.created.push((file, kind, id)),
            Err(reason) => report.skipped.push((file, reason)),
        }
    }
    Ok(report)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Creates one exported object by POST; returns the collection and new id, or why it was skipped.
pub fn create(
    world: &mut World,
    tenant_index: usize,
    file: &Path,
    value: Value,
) -> Result<(&'static str, String), String> {
    let Value::Object(mut map) = value else {
        return Err("not a single policy object".to_string());
    };
    let kind = collection_for(file, &map)
        .ok_or_else(|| "not a policy of a kind the simulator serves".to_string())?;
    map.remove("assignments");
    let tenant = &world.tenants[tenant_index];
    let grant = AccessGrant {
        tenant_id: tenant.id.clone(),
        client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e".to_string(),
        user_id: tenant.admin().id.clone(),
        scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
        expires_at: u64::MAX,
        revoked: false,
    };
    let call = Call {
        base: "https://graph.microsoft.com",
        version: ApiVersion::Beta,
        grant: &grant,
        tenant: tenant_index,
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id: None,
    };
    // Loading is set-up, not traffic: it must neither be throttled nor counted.
    let stats = std::mem::take(&mut world.stats);
    let rate = std::mem::replace(&mut world.behaviour.throttle_rate, 0.0);
    let reply = dispatch(
        world,
        &call,
        &Method::POST,
        &kind.full_path(),
        "",
        Some(Value::Object(map)),
    );
    world.stats = stats;
    world.behaviour.throttle_rate = rate;
    world.buckets = Default::default();
    match (reply.status, reply.body) {
        (201, Some(body)) => Ok((
            kind.key,
            body.get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )),
        (status, body) => Err(format!(
            "the simulator refused it ({status}): {}",
            body.and_then(|b| b.pointer("/error/message").cloned())
                .unwrap_or(Value::Null)
        )),
    }
}

fn collection_for(file: &Path, map: &serde_json::Map<String, Value>) -> Option<&'static KindSpec> {
    let folder = file.to_string_lossy().to_ascii_lowercase();
    let key = match map.get("@odata.type").and_then(Value::as_str) {
        Some(t) => {
            let t = t
                .trim_start_matches("#microsoft.graph.")
                .to_ascii_lowercase();
            if t == "iosmanagedappprotection" {
                "iosManagedAppProtections"
            } else if t == "androidmanagedappprotection" {
                "androidManagedAppProtections"
            } else if t == "windowsmanagedappprotection" {
                "windowsManagedAppProtections"
            } else if t == "targetedmanagedappconfiguration" {
                "targetedManagedAppConfigurations"
            } else if t.ends_with("compliancepolicy") {
                "deviceCompliancePolicies"
            } else if t.contains("enrollment") || t.ends_with("comanagementauthorityconfiguration")
            {
                "deviceEnrollmentConfigurations"
            } else if t.contains("autopilotdeploymentprofile") {
                "windowsAutopilotDeploymentProfiles"
            } else if t.ends_with("roledefinition") {
                "roleDefinitions"
            } else if t.ends_with("mobileappconfiguration")
                || t.ends_with("managedstoreappconfiguration")
            {
                "mobileAppConfigurations"
            } else if t.ends_with("featureupdateprofile") {
                "windowsFeatureUpdateProfiles"
            } else if t.ends_with("qualityupdateprofile") {
                "windowsQualityUpdateProfiles"
            } else if t.ends_with("driverupdateprofile") {
                "windowsDriverUpdateProfiles"
            } else if t.contains("namedlocation") {
                "namedLocations"
            } else if t == "conditionalaccesspolicy" {
                "policies"
            } else if t.ends_with("configuration") {
                "deviceConfigurations"
            } else {
                return kinds::KINDS.iter().find(|k| {
                    k.base_type
                        .eq_ignore_ascii_case(&format!("#microsoft.graph.{t}"))
                });
            }
        }
        None if map.contains_key("settings") && map.contains_key("technologies") => {
            "configurationPolicies"
        }
        None if map.contains_key("detectionScriptContent") => "deviceHealthScripts",
        None if map.contains_key("scriptContent") && folder.contains("custom attribute") => {
            "deviceCustomAttributeShellScripts"
        }
        None if map.contains_key("scriptContent") => {
            let name = map.get("fileName").and_then(Value::as_str).unwrap_or("");
            if name.ends_with(".ps1") {
                "deviceManagementScripts"
            } else {
                "deviceShellScripts"
            }
        }
        None if map.contains_key("brandingOptions") => "notificationMessageTemplates",
        None if folder.contains("scope tag") && map.contains_key("displayName") => "roleScopeTags",
        None if map.contains_key("rule") && map.contains_key("platform") => "assignmentFilters",
        None => return None,
    };
    kinds::by_key(key)
}
