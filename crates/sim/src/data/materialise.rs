//! Turning designs into tenant objects: ids, timestamps, `version`, `$…` placeholders resolved
//! against the tenant's groups, users and referenced objects, and assignments in the shape each
//! kind really returns.

use super::identity::TenantIdentity;
use super::portfolio::{Proto, Scope, Target};
use super::Gen;
use crate::kinds::{self, AssignStyle};
use crate::model::SimObject;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Roles: each role assignment also appears under its definition's `roleAssignments`.
pub(crate) fn link_role_assignments(collections: &mut BTreeMap<String, Vec<SimObject>>) {
    let assignments = collections
        .get("roleAssignments")
        .cloned()
        .unwrap_or_default();
    let Some(defs) = collections.get_mut("roleDefinitions") else {
        return;
    };
    if defs.is_empty() {
        return;
    }
    for def in defs.iter_mut() {
        def.children.insert("roleAssignments".into(), Vec::new());
    }
    let custom = defs
        .iter()
        .position(|d| d.body.get("isBuiltIn") == Some(&json!(false)))
        .unwrap_or(0);
    for a in assignments {
        defs[custom]
            .children
            .get_mut("roleAssignments")
            .expect("inserted")
            .push(a);
    }
}

/// Per-tenant state while objects are materialised.
pub(crate) struct Ctx<'a> {
    pub(crate) gen: &'a mut Gen,
    tenant_id: String,
    domain: String,
    groups: HashMap<String, String>,
    users: HashMap<String, String>,
    refs: HashMap<&'static str, HashMap<String, String>>,
    next_scope_tag: u32,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(id: &TenantIdentity, gen: &'a mut Gen) -> Self {
        let groups = id
            .groups
            .iter()
            .map(|g| {
                (
                    g["displayName"].as_str().unwrap_or("").to_string(),
                    g["id"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let users = [("admin", 0), ("breakglass", 1)]
            .iter()
            .filter_map(|(k, i)| id.users.get(*i).map(|u| (k.to_string(), u.id.clone())))
            .collect();
        Ctx {
            gen,
            tenant_id: id.id.clone(),
            domain: id.domain.clone(),
            groups,
            users,
            refs: HashMap::new(),
            next_scope_tag: 1,
        }
    }

    pub(crate) fn remember(&mut self, kind: &str, objects: &[SimObject]) {
        let prefix = match kind {
            "assignmentFilters" => "filter",
            "notificationMessageTemplates" => "notif",
            "namedLocations" => "loc",
            "mobileApps" => "app",
            _ => return,
        };
        let map = self.refs.entry(prefix).or_default();
        for o in objects {
            let name = o
                .body
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or("");
            map.entry(name.to_string())
                .or_insert_with(|| o.id().to_string());
        }
    }

    pub(crate) fn materialise(&mut self, kind: &'static str, p: &Proto) -> SimObject {
        let spec = kinds::by_key(kind).expect("known kind");
        let raw_id = p
            .body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("$id")
            .to_string();
        // The built-in defaults every tenant has look built in: created at the zero date, version 0.
        let built_in_default = raw_id.starts_with("$default:");
        let id = if let Some(suffix) = raw_id.strip_prefix("$default:") {
            format!("{}_{suffix}", self.tenant_id)
        } else if raw_id != "$id" {
            raw_id
        } else if kind == "roleScopeTags" {
            self.next_scope_tag += 1;
            (self.next_scope_tag - 1).to_string()
        } else {
            self.gen.guid()
        };
        let (created, modified) = if p.stale {
            let modified = self.gen.days_ago(800, 1500);
            (modified - self.gen.range(0, 400 * 86_400), modified)
        } else {
            let created = self.gen.days_ago(30, 900);
            (created, self.gen.range(created, super::NOW - 3600))
        };
        let times = (self.gen.stamp(created), self.gen.stamp(modified));
        let version = self.gen.range(1, 12);
        let assignments = match spec.assign {
            AssignStyle::None => None,
            _ => Some(self.assignments(kind, &id, &p.targets)),
        };
        let assigned = assignments.as_ref().is_some_and(|a| !a.is_empty());
        let vars = Vars {
            id: &id,
            created: &times.0,
            modified: &times.1,
            version,
            assigned,
        };
        let mut body = Map::new();
        for (k, v) in &p.body {
            if k == "id" {
                body.insert(k.clone(), json!(id));
            } else if let Some(v) = self.resolve(v, &vars) {
                body.insert(k.clone(), v);
            } else {
                body.insert(k.clone(), Value::Null);
            }
        }
        if built_in_default {
            body.insert("createdDateTime".into(), json!("0001-01-01T00:00:00Z"));
            body.insert("version".into(), json!(0));
            body.insert("roleScopeTagIds".into(), json!([]));
        }
        let mut object = SimObject::new(body);
        for (nav, kids) in &p.children {
            let kids = kids.iter().map(|k| self.resolve_object(k, &vars)).collect();
            object.children.insert(nav.clone(), kids);
        }
        if let Some(a) = assignments {
            object.children.insert("assignments".into(), a);
        }
        object
    }

    fn resolve_object(&mut self, o: &SimObject, vars: &Vars) -> SimObject {
        let mut body = Map::new();
        if !o.body.contains_key("id") {
            body.insert("id".into(), json!(self.gen.guid()));
        }
        for (k, v) in &o.body {
            let v = if v == "$id" {
                json!(self.gen.guid())
            } else {
                self.resolve(v, vars).unwrap_or(Value::Null)
            };
            body.insert(k.clone(), v);
        }
        let mut out = SimObject::new(body);
        out.refs = o.refs.clone();
        for (nav, kids) in &o.children {
            let kids = kids.iter().map(|k| self.resolve_object(k, vars)).collect();
            out.children.insert(nav.clone(), kids);
        }
        out
    }

    /// Replaces `$…` placeholders; `None` means an unresolvable reference (dropped from arrays).
    fn resolve(&mut self, v: &Value, vars: &Vars) -> Option<Value> {
        match v {
            Value::String(s) if s.starts_with('$') => {
                let (tag, arg) = s[1..].split_once(':').unwrap_or((&s[1..], ""));
                let lookup = |m: Option<&HashMap<String, String>>| {
                    m.and_then(|m| m.get(arg)).map(|x| json!(x))
                };
                match tag {
                    "id" => Some(json!(vars.id)),
                    "created" => Some(json!(vars.created)),
                    "modified" => Some(json!(vars.modified)),
                    "version" => Some(json!(vars.version)),
                    "versionText" => Some(json!(vars.version.to_string())),
                    "assigned" => Some(json!(vars.assigned)),
                    "tenant" => Some(json!(self.tenant_id)),
                    "domain" => Some(json!(self.domain)),
                    "group" => lookup(Some(&self.groups)),
                    "user" => lookup(Some(&self.users)),
                    "notif" => lookup(self.refs.get("notif"))
                        .or(Some(json!("00000000-0000-0000-0000-000000000000"))),
                    "filter" | "loc" | "app" => lookup(self.refs.get(tag)),
                    _ => Some(v.clone()),
                }
            }
            Value::Array(items) => Some(Value::Array(
                items.iter().filter_map(|x| self.resolve(x, vars)).collect(),
            )),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, x) in map {
                    out.insert(k.clone(), self.resolve(x, vars).unwrap_or(Value::Null));
                }
                Some(Value::Object(out))
            }
            _ => Some(v.clone()),
        }
    }

    fn assignments(&mut self, kind: &str, policy: &str, targets: &[Target]) -> Vec<SimObject> {
        const ALL_DEVICES: &str = "adadadad-808e-44e2-905a-0b7873a8a531";
        const ALL_USERS: &str = "acacacac-9df4-4c7d-9d50-4ef0226f57a9";
        let mut out = Vec::new();
        for t in targets {
            let (odata, group_id) = match &t.scope {
                Scope::Group(name) => ("groupAssignmentTarget", self.groups.get(name).cloned()),
                Scope::Exclude(name) => (
                    "exclusionGroupAssignmentTarget",
                    self.groups.get(name).cloned(),
                ),
                Scope::AllDevices => ("allDevicesAssignmentTarget", None),
                Scope::AllUsers => ("allLicensedUsersAssignmentTarget", None),
            };
            let key = match (&t.scope, &group_id) {
                (Scope::Group(_) | Scope::Exclude(_), None) => continue,
                (_, Some(g)) => g.clone(),
                (Scope::AllDevices, _) => ALL_DEVICES.to_string(),
                _ => ALL_USERS.to_string(),
            };
            let filter = match (&t.filter, &t.scope) {
                (Some((name, mode)), Scope::Group(_) | Scope::AllDevices | Scope::AllUsers) => self
                    .refs
                    .get("filter")
                    .and_then(|m| m.get(name))
                    .map(|id| (json!(id), *mode)),
                _ => None,
            };
            let (filter_id, filter_type) = filter.unwrap_or((Value::Null, "none"));
            let mut target = Map::new();
            target.insert(
                "@odata.type".into(),
                json!(format!("#microsoft.graph.{odata}")),
            );
            target.insert("deviceAndAppManagementAssignmentFilterId".into(), filter_id);
            target.insert(
                "deviceAndAppManagementAssignmentFilterType".into(),
                json!(filter_type),
            );
            if let Some(g) = group_id {
                target.insert("groupId".into(), json!(g));
            }
            let id = format!("{policy}_{key}");
            let a = assignment_json(kind, id, policy, Value::Object(target), t.intent);
            out.push(SimObject::from_value(a));
        }
        out
    }
}

struct Vars<'a> {
    id: &'a str,
    created: &'a str,
    modified: &'a str,
    version: i64,
    assigned: bool,
}

/// The assignment entity each kind really returns. Built as a map directly: this runs for every
/// assignment of every tenant, and `json!` would re-serialise the target each time.
fn assignment_json(kind: &str, id: String, policy: &str, target: Value, intent: &str) -> Value {
    let (odata, sourced) = match kind {
        "deviceManagementScripts" | "deviceShellScripts" | "deviceCustomAttributeShellScripts" => {
            ("deviceManagementScriptAssignment", false)
        }
        "deviceHealthScripts" => ("deviceHealthScriptAssignment", false),
        "mobileApps" => ("mobileAppAssignment", true),
        "windowsFeatureUpdateProfiles" => ("windowsFeatureUpdateProfileAssignment", false),
        "windowsQualityUpdateProfiles" => ("windowsQualityUpdateProfileAssignment", false),
        "windowsDriverUpdateProfiles" => ("windowsDriverUpdateProfileAssignment", false),
        "intents" => ("deviceManagementIntentAssignment", false),
        "mobileAppConfigurations" => ("managedDeviceMobileAppConfigurationAssignment", false),
        "deviceConfigurations" => ("deviceConfigurationAssignment", true),
        "configurationPolicies" => ("deviceManagementConfigurationPolicyAssignment", true),
        "deviceCompliancePolicies" => ("deviceCompliancePolicyAssignment", true),
        "groupPolicyConfigurations" => ("groupPolicyConfigurationAssignment", true),
        "deviceEnrollmentConfigurations" => ("enrollmentConfigurationAssignment", true),
        "windowsAutopilotDeploymentProfiles" => {
            ("windowsAutopilotDeploymentProfileAssignment", true)
        }
        _ => ("targetedManagedAppPolicyAssignment", true),
    };
    let mut m = Map::new();
    m.insert(
        "@odata.type".into(),
        Value::String(format!("#microsoft.graph.{odata}")),
    );
    if kind == "mobileApps" {
        let n = if intent == "available" { 0 } else { 1 };
        m.insert("id".into(), Value::String(format!("{id}_{n}")));
        m.insert("intent".into(), Value::String(intent.to_string()));
        m.insert("settings".into(), Value::Null);
    } else {
        m.insert("id".into(), Value::String(id));
    }
    if sourced {
        m.insert("source".into(), Value::String("direct".into()));
        m.insert("sourceId".into(), Value::String(policy.to_string()));
    }
    if kind == "deviceConfigurations" {
        m.insert("intent".into(), Value::String("apply".into()));
    }
    m.insert("target".into(), target);
    if kind == "deviceHealthScripts" {
        m.insert("runRemediationScript".into(), Value::Bool(true));
        m.insert(
            "runSchedule".into(),
            json!({"@odata.type": "#microsoft.graph.deviceHealthScriptDailySchedule", "interval": 1, "useUtc": false, "time": "09:00:00.0000000"}),
        );
    }
    Value::Object(m)
}
