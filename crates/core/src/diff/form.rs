//! The semantic form: one object's content rewritten so that two captures are equal exactly when
//! they configure the same thing.
//!
//! What is rewritten, and why:
//! - Volatile fields go: the kind's own (top level), and the ids and timestamps of children
//!   (assignment `id` and `sourceId`, setting `id`, definition value ids…), which the service assigns
//!   per tenant and per write. `@odata.*` annotations go too, except `@odata.type`, which says what
//!   an object is.
//! - Arrays whose order carries no meaning become objects keyed by what identifies an element
//!   (settings by `settingDefinitionId`, assignments by target, ADMX values by definition…). Graph
//!   returns these arrays in whatever order its storage yields, so comparing by position reports
//!   drift that no admin made; comparing keyed maps also lets the diff name *which* setting changed.
//!   Group-collection items have no identity but their content, so they are keyed by its hash.
//! - Tenant-local references (groups, filters, named locations) are written as the names they
//!   resolve to (see `refs`), so the same baseline applied to two tenants compares equal.
//! - Base64 text (scripts, custom profile payloads, OMA-URI XML) is decoded, so the diff can show
//!   which line changed.
//!
//! The rewrite accepts its own output (keyed maps pass through), so it is idempotent: a stored
//! semantic form can be compared with a fresh one.

use super::base64::decode_base64_text;
use super::refs::{is_no_filter, render, RefKind, RefNames};
use crate::content::{canonical, content_hash};
use crate::kinds::ObjectKind;
use serde_json::{Map, Value};

/// Fields of children that the service assigns: never configuration.
const CHILD_VOLATILE: &[&str] = &[
    "id",
    "sourceId",
    "createdDateTime",
    "lastModifiedDateTime",
    "modifiedDateTime",
];

/// Script bodies, base64 in Graph.
pub(crate) const SCRIPT_FIELDS: &[&str] = &[
    "scriptContent",
    "detectionScriptContent",
    "remediationScriptContent",
];

/// Target fields that make up an assignment's key, or that IntuneCD adds when it resolves a group.
const TARGET_KEY_FIELDS: &[&str] = &[
    "@odata.type",
    "groupId",
    "groupName",
    "groupType",
    "membershipRule",
    "deviceAndAppManagementAssignmentFilterId",
];

const CONDITIONAL_ACCESS: &str = "conditionalAccessPolicies";

/// Entra policies and roles: their target lists name groups by `id` (configuration, unlike a
/// child's id) and several arrays are sets; see [`entra_value`].
const ENTRA_KINDS: &[&str] = &[
    "authenticationStrengthPolicies",
    "crossTenantAccessPartners",
    "directoryRoleDefinitions",
    "directoryRoleAssignments",
    "roleEligibilityScheduleInstances",
    "administrativeUnits",
    "agreements",
    "authorizationPolicy",
    "identitySecurityDefaultsEnforcementPolicy",
    "authenticationMethodsPolicy",
    "crossTenantAccessPolicyDefault",
];

/// The canonical form of `content` for comparison (see the module docs for what changes).
pub fn semantic_form(kind: &ObjectKind, content: &Value, refs: &dyn RefNames) -> Value {
    let Value::Object(map) = content else {
        return canonical(&clean(content));
    };
    let ca = kind.key == CONDITIONAL_ACCESS;
    let entra = ENTRA_KINDS.contains(&kind.key);
    let mut out = Map::new();
    for (key, value) in map {
        if kind.volatile_fields.contains(&key.as_str()) || is_annotation(key) {
            continue;
        }
        // A break-glass account's name and object id are the tenant's own: which account it is
        // comes from its place in the MSP's list, what matters is how it stands.
        if kind.is_named() && matches!(key.as_str(), "userPrincipalName" | "objectId") {
            continue;
        }
        let value = match key.as_str() {
            "settings" if kind.key == "configurationPolicies" => keyed(value, setting_key, |v| {
                instance(v.get("settingInstance").unwrap_or(v))
            }),
            "assignments" => keyed(value, |a| Some(assignment_key(a, refs)), assignment_body),
            "definitionValues" => keyed(value, definition_key, definition_value),
            "scheduledActionsForRule" => keyed(value, rule_key, |r| scheduled_rule(r, refs)),
            "omaSettings" => keyed(value, |o| str_field(o, "omaUri"), oma_setting),
            "conditions" if ca => ca_conditions(value, refs),
            "grantControls" if ca => sets(
                &clean(value),
                &[
                    "builtInControls",
                    "customAuthenticationFactors",
                    "termsOfUse",
                ],
            ),
            "roleScopeTagIds" | "roleScopeTags" => set(&clean(value)),
            "members" | "resourceScopes" if kind.key == "roleAssignments" => {
                resolved_set(refs, RefKind::Group, value)
            }
            "targetedMobileApps" => resolved_set(refs, RefKind::App, value),
            "authenticationMethodConfigurations" if entra => {
                keyed(value, |m| str_field(m, "id"), entra_value)
            }
            _ if entra => entra_field(key, value),
            "payload" => decoded(value),
            k if SCRIPT_FIELDS.contains(&k) => decoded(value),
            _ => clean(value),
        };
        out.insert(key.clone(), value);
    }
    canonical(&Value::Object(out))
}

/// An Entra policy's value by meaning: `includeTargets`/`excludeTargets` keyed by the group (or
/// `all_users`) they name, a feature's single `includeTarget`/`excludeTarget` kept whole, and the
/// arrays whose order means nothing — allowed method combinations, role actions and scopes,
/// FIDO2 AAGUIDs, consent policies, B2B targets, role permissions — as sets. Annotations and
/// children's service-assigned fields go, as in [`clean`].
fn entra_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if is_annotation(k) || CHILD_VOLATILE.contains(&k.as_str()) {
                    continue;
                }
                out.insert(k.clone(), entra_field(k, v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(entra_value).collect()),
        other => other.clone(),
    }
}

/// One field of an Entra policy by meaning (see [`entra_value`]).
fn entra_field(key: &str, value: &Value) -> Value {
    match key {
        "includeTargets" | "excludeTargets" => keyed(value, |t| str_field(t, "id"), entra_value),
        "includeTarget" | "excludeTarget" => value.clone(),
        "allowedCombinations"
        | "allowedResourceActions"
        | "excludedResourceActions"
        | "resourceScopes"
        | "aaGuids"
        | "permissionGrantPoliciesAssigned"
        | "targets"
        | "rolePermissions" => set(&entra_value(value)),
        _ => entra_value(value),
    }
}

/// `@odata.context`, `assignments@odata.context`, `definition@odata.bind`… but not `@odata.type`.
fn is_annotation(key: &str) -> bool {
    key.contains('@') && key != "@odata.type"
}

/// Drops annotations and child ids everywhere, and makes scope tags a set.
fn clean(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if is_annotation(k) || CHILD_VOLATILE.contains(&k.as_str()) {
                    continue;
                }
                let v = match k.as_str() {
                    "roleScopeTagIds" | "roleScopeTags" => set(&clean(v)),
                    _ => clean(v),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(clean).collect()),
        other => other.clone(),
    }
}

/// A sorted, de-duplicated array (other values unchanged).
fn set(value: &Value) -> Value {
    let Value::Array(items) = value else {
        return value.clone();
    };
    let mut keyed: Vec<(String, Value)> = items
        .iter()
        .map(|v| (canonical(v).to_string(), v.clone()))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    Value::Array(keyed.into_iter().map(|(_, v)| v).collect())
}

/// `value` with the named array fields turned into sets.
fn sets(value: &Value, fields: &[&str]) -> Value {
    let mut value = value.clone();
    if let Value::Object(map) = &mut value {
        for f in fields {
            if let Some(v) = map.get_mut(*f) {
                *v = set(v);
            }
        }
    }
    value
}

/// An array turned into an object keyed by `key_of` each element, each element rewritten by `body`.
/// An object (our own output) keeps its keys and has its values rewritten again. Elements without
/// a key are keyed by their content hash; duplicate keys get `~2`, `~3`… in content order, so the
/// result does not depend on the array's order.
fn keyed(
    value: &Value,
    key_of: impl Fn(&Value) -> Option<String>,
    body: impl Fn(&Value) -> Value,
) -> Value {
    match value {
        Value::Array(items) => {
            let mut entries: Vec<(String, String, Value)> = items
                .iter()
                .map(|item| {
                    let form = canonical(&body(item));
                    let key = key_of(item).unwrap_or_else(|| hash_key(&form));
                    (key, form.to_string(), form)
                })
                .collect();
            entries.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
            let mut out = Map::new();
            let mut i = 0;
            while i < entries.len() {
                let key = entries[i].0.clone();
                let mut n = 1;
                while i < entries.len() && entries[i].0 == key {
                    let name = if n == 1 {
                        key.clone()
                    } else {
                        format!("{key}~{n}")
                    };
                    out.insert(name, entries[i].2.clone());
                    n += 1;
                    i += 1;
                }
            }
            Value::Object(out)
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), body(v))).collect())
        }
        other => clean(other),
    }
}

/// `#` and the first 12 hex digits of the content hash.
fn hash_key(form: &Value) -> String {
    let hash = content_hash(form);
    let hex = hash.trim_start_matches("sha256:");
    format!("#{}", &hex[..12])
}

fn str_field(value: &Value, field: &str) -> Option<String> {
    value.get(field).and_then(Value::as_str).map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// Settings catalog

fn setting_key(item: &Value) -> Option<String> {
    str_field(
        item.get("settingInstance").unwrap_or(item),
        "settingDefinitionId",
    )
}

/// A setting instance with its value object hoisted: `{"@odata.type", "value", "children": {…}}`
/// rather than `{"choiceSettingValue": {"value", "children": […]}}`, so that a path reads
/// `settings[<definition>].value`. The definition id is the key, so it leaves the body.
fn instance(inst: &Value) -> Value {
    let Value::Object(map) = inst else {
        return clean(inst);
    };
    let mut out = Map::new();
    for (k, v) in map {
        if is_annotation(k) || CHILD_VOLATILE.contains(&k.as_str()) || k == "settingDefinitionId" {
            continue;
        }
        match k.as_str() {
            "choiceSettingValue" | "simpleSettingValue" if v.is_object() => {
                hoist_value(v, &mut out);
            }
            "groupSettingCollectionValue" | "items" => {
                out.insert("items".into(), keyed(v, |_| None, setting_value));
            }
            "choiceSettingCollectionValue" => {
                let items = v.as_array().map(|a| a.iter().map(setting_value).collect());
                out.insert(
                    k.clone(),
                    items.map(Value::Array).unwrap_or_else(|| clean(v)),
                );
            }
            "children" => {
                out.insert(k.clone(), keyed(v, setting_key, instance));
            }
            _ => {
                out.insert(k.clone(), clean(v));
            }
        }
    }
    Value::Object(out)
}

/// Moves the fields of a setting value object into `out`, renaming the ones that would collide
/// with the instance's own.
fn hoist_value(value: &Value, out: &mut Map<String, Value>) {
    let Value::Object(map) = value else {
        return;
    };
    for (k, v) in map {
        if is_annotation(k) || CHILD_VOLATILE.contains(&k.as_str()) {
            continue;
        }
        let (name, v) = match k.as_str() {
            "@odata.type" => ("valueType".to_string(), clean(v)),
            "settingValueTemplateReference" => ("valueTemplateReference".to_string(), clean(v)),
            "children" => (k.clone(), keyed(v, setting_key, instance)),
            _ => (k.clone(), clean(v)),
        };
        out.insert(name, v);
    }
}

/// A value object inside a collection (a group collection item, a choice collection value).
fn setting_value(value: &Value) -> Value {
    let mut out = Map::new();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if is_annotation(k) || CHILD_VOLATILE.contains(&k.as_str()) {
                    continue;
                }
                let v = match k.as_str() {
                    "children" => keyed(v, setting_key, instance),
                    _ => clean(v),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        other => clean(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Assignments

/// `group:SG-X|filter:F`, `exclude|group:SG-Y`, `allDevices`…: the target type, group and
/// filter, which together say who gets the policy. The filter mode is not part of the key but of
/// the assignment's body (Intune allows one assignment per target), so switching a filter from
/// include to exclude reads as that one change, not as one assignment removed and another added.
fn assignment_key(assignment: &Value, refs: &dyn RefNames) -> String {
    let target = assignment.get("target").unwrap_or(&Value::Null);
    let odata = str_field(target, "@odata.type").unwrap_or_default();
    let short = odata
        .trim_start_matches("#microsoft.graph.")
        .trim_end_matches("AssignmentTarget")
        .to_string();
    let group = match (str_field(target, "groupId"), str_field(target, "groupName")) {
        (Some(id), _) => Some(render(refs, RefKind::Group, &id)),
        (None, Some(name)) => Some(format!("group:{name}")),
        _ => None,
    };
    let mut parts: Vec<String> = Vec::new();
    match short.as_str() {
        "group" => {}
        "exclusionGroup" => parts.push("exclude".into()),
        "" => parts.push("unknown".into()),
        other => parts.push(other.into()),
    }
    parts.extend(group);
    let filter = str_field(target, "deviceAndAppManagementAssignmentFilterId")
        .filter(|id| !is_no_filter(id));
    if let Some(id) = filter {
        parts.push(render(refs, RefKind::Filter, &id));
    }
    parts.join("|")
}

/// What is left of an assignment once its target is the key: intent, settings, schedules.
fn assignment_body(assignment: &Value) -> Value {
    let mut body = clean(assignment);
    if let Value::Object(map) = &mut body {
        let empty = match map.get_mut("target") {
            Some(Value::Object(target)) => {
                for f in TARGET_KEY_FIELDS {
                    target.remove(*f);
                }
                // No filter: "none", or left out by exporters, means the same.
                if target
                    .get("deviceAndAppManagementAssignmentFilterType")
                    .is_some_and(|m| m.is_null() || m == "none")
                {
                    target.remove("deviceAndAppManagementAssignmentFilterType");
                }
                target.is_empty()
            }
            _ => false,
        };
        if empty {
            map.remove("target");
        }
    }
    body
}

// ---------------------------------------------------------------------------------------------
// Administrative templates

/// The definition id, from the expanded `definition` or the `definition@odata.bind` of a write body.
fn definition_key(value: &Value) -> Option<String> {
    nav_key(value, "definition")
}

fn nav_key(value: &Value, nav: &str) -> Option<String> {
    if let Some(id) = value.get(nav).and_then(|d| str_field(d, "id")) {
        return Some(id);
    }
    let bind = str_field(value, &format!("{nav}@odata.bind"))?;
    let start = bind.rfind("('")? + 2;
    let end = bind[start..].find("')")? + start;
    Some(bind[start..end].to_string())
}

/// The expanded `definition` and `presentation` are Microsoft's catalog, not the admin's
/// configuration: they leave the body once their id is the key.
fn definition_value(value: &Value) -> Value {
    let mut body = clean(value);
    if let Value::Object(map) = &mut body {
        map.remove("definition");
        if let Some(pv) = value.get("presentationValues") {
            let pv = keyed(
                pv,
                |p| nav_key(p, "presentation"),
                |p| {
                    let mut p = clean(p);
                    if let Value::Object(m) = &mut p {
                        m.remove("presentation");
                    }
                    p
                },
            );
            map.insert("presentationValues".into(), pv);
        }
    }
    body
}

// ---------------------------------------------------------------------------------------------
// Compliance actions, OMA-URI settings

fn rule_key(rule: &Value) -> Option<String> {
    Some(str_field(rule, "ruleName").unwrap_or_else(|| "default".into()))
}

fn scheduled_rule(rule: &Value, refs: &dyn RefNames) -> Value {
    let mut body = clean(rule);
    if let (Value::Object(map), Some(configs)) =
        (&mut body, rule.get("scheduledActionConfigurations"))
    {
        let configs = keyed(
            configs,
            |c| str_field(c, "actionType"),
            |c| {
                let mut c = clean(c);
                if let Some(Value::Array(cc)) = c.get_mut("notificationMessageCCList") {
                    let resolved = cc
                        .iter()
                        .map(|g| resolve(refs, RefKind::Group, g))
                        .collect();
                    *cc = resolved;
                }
                if let Some(template) = c.get_mut("notificationTemplateId") {
                    *template = resolve(refs, RefKind::NotificationTemplate, template);
                }
                sets(&c, &["notificationMessageCCList"])
            },
        );
        map.insert("scheduledActionConfigurations".into(), configs);
    }
    body
}

fn oma_setting(setting: &Value) -> Value {
    let mut body = clean(setting);
    let xml = str_field(setting, "@odata.type").is_some_and(|t| t.ends_with("omaSettingStringXml"));
    if let (true, Value::Object(map)) = (xml, &mut body) {
        if let Some(v) = map.get_mut("value") {
            *v = decoded(v);
        }
    }
    body
}

// ---------------------------------------------------------------------------------------------
// Conditional access

/// Include/exclude lists, client app types and risk levels are sets; group and location ids are
/// written as their names.
fn ca_conditions(conditions: &Value, refs: &dyn RefNames) -> Value {
    let mut out = clean(conditions);
    let Value::Object(map) = &mut out else {
        return out;
    };
    for (key, value) in map.iter_mut() {
        match value {
            Value::Array(_) => *value = set(value),
            Value::Object(inner) => {
                for (k, v) in inner.iter_mut() {
                    if !(k.starts_with("include") || k.starts_with("exclude")) || !v.is_array() {
                        continue;
                    }
                    let kind = if k.ends_with("Groups") {
                        Some(RefKind::Group)
                    } else if key == "users" && k.ends_with("Users") {
                        Some(RefKind::User)
                    } else if key == "locations" && k.ends_with("Locations") {
                        Some(RefKind::NamedLocation)
                    } else {
                        None
                    };
                    if let (Some(kind), Value::Array(items)) = (kind, &mut *v) {
                        let resolved = items.iter().map(|i| resolve(refs, kind, i)).collect();
                        *items = resolved;
                    }
                    *v = set(v);
                }
            }
            _ => {}
        }
    }
    out
}

/// A list of ids as the set of names they resolve to.
fn resolved_set(refs: &dyn RefNames, kind: RefKind, value: &Value) -> Value {
    match clean(value) {
        Value::Array(items) => set(&Value::Array(
            items.iter().map(|i| resolve(refs, kind, i)).collect(),
        )),
        other => other,
    }
}

fn resolve(refs: &dyn RefNames, kind: RefKind, value: &Value) -> Value {
    match value.as_str() {
        Some(id) => Value::String(render(refs, kind, id)),
        None => value.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Base64 text

/// The UTF-8 text a base64 string encodes, or the value unchanged when it is not base64 text.
fn decoded(value: &Value) -> Value {
    match value.as_str().and_then(decode_base64_text) {
        Some(text) => Value::String(text),
        None => clean(value),
    }
}
