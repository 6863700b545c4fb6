//! The MSP portfolio: per-kind quotas, golden objects, tenant-specific extras, deviations, and the
//! materialisation of designs into tenant objects (ids, timestamps, references, assignments).

use super::catalog::{self, Node};
use super::identity::TenantIdentity;
use super::materialise::{link_role_assignments, Ctx};
use super::{admx, apps, identity, intune, Gen};
use crate::kinds;
use crate::model::{SimObject, SimTenant};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// An object design: the JSON a GET by id returns, with `$…` placeholders for everything that is
/// tenant-specific (see `resolve`), plus its navigation children and intended assignments.
#[derive(Clone, Debug, Default)]
pub(crate) struct Proto {
    pub body: Map<String, Value>,
    pub children: BTreeMap<String, Vec<SimObject>>,
    /// Settings catalog settings (rendered into the `settings` navigation).
    pub settings: Vec<Node>,
    pub optional: Vec<Node>,
    pub targets: Vec<Target>,
    pub golden: bool,
    /// Built-in or default objects: never missing, never deviated.
    pub fixed: bool,
    pub stale: bool,
}

impl Proto {
    pub(crate) fn new(body: Value, golden: bool) -> Self {
        Proto {
            body: super::obj(body),
            golden,
            ..Default::default()
        }
    }

    pub(crate) fn fixed(mut self) -> Self {
        self.fixed = true;
        self.golden = true;
        self
    }

    pub(crate) fn to(mut self, targets: Vec<Target>) -> Self {
        self.targets = targets;
        self
    }

    pub(crate) fn child(mut self, nav: &str, items: Vec<Value>) -> Self {
        self.children.insert(
            nav.to_string(),
            items.into_iter().map(SimObject::from_value).collect(),
        );
        self
    }

    /// Renders `settings` into the `settings` navigation (done once per design and after a deviation,
    /// so that tenants share the rendering work).
    fn render_settings(&mut self) {
        self.children.insert(
            "settings".into(),
            catalog::settings_children(&self.settings),
        );
        self.body
            .insert("settingCount".into(), json!(self.settings.len()));
    }

    fn name_key(&self) -> &'static str {
        if self.body.contains_key("displayName") {
            "displayName"
        } else {
            "name"
        }
    }

    pub(crate) fn name(&self) -> &str {
        self.body
            .get(self.name_key())
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    fn set_name(&mut self, name: String) {
        let key = self.name_key();
        self.body.insert(key.to_string(), Value::String(name));
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scope {
    Group(String),
    Exclude(String),
    AllDevices,
    AllUsers,
}

/// An intended assignment, by group and filter *name* (resolved per tenant).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Target {
    pub scope: Scope,
    pub filter: Option<(String, &'static str)>,
    /// App assignments only: `required`, `available`, `uninstall`.
    pub intent: &'static str,
}

pub(crate) fn group(name: &str) -> Target {
    Target {
        scope: Scope::Group(name.to_string()),
        filter: None,
        intent: "required",
    }
}
pub(crate) fn exclude(name: &str) -> Target {
    Target {
        scope: Scope::Exclude(name.to_string()),
        ..group("")
    }
}
pub(crate) fn all_devices() -> Target {
    Target {
        scope: Scope::AllDevices,
        ..group("")
    }
}
pub(crate) fn all_users() -> Target {
    Target {
        scope: Scope::AllUsers,
        ..group("")
    }
}

impl Target {
    pub(crate) fn filter(mut self, name: &str, mode: &'static str) -> Self {
        self.filter = Some((name.to_string(), mode));
        self
    }
    pub(crate) fn intent(mut self, intent: &'static str) -> Self {
        self.intent = intent;
        self
    }
}

/// What the generator did to one tenant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TenantManifest {
    pub tenant_id: String,
    /// Golden objects left out, as `(kind key, display name)`.
    pub missing_golden: Vec<(String, String)>,
    /// Golden objects whose content or assignments differ from the golden standard.
    pub deviations: Vec<Deviation>,
    /// Tenant-specific objects, as `(kind key, display name)`.
    pub extras: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Deviation {
    pub kind: String,
    pub name: String,
    /// Human-readable description, e.g. `state: enabled -> enabledForReportingButNotEnforced`.
    pub change: String,
}

/// Kinds in priority order (for tiny tenants) with their weight in a full-size tenant.
const WEIGHTS: &[(&str, u32)] = &[
    ("configurationPolicies", 220),
    ("deviceConfigurations", 170),
    ("deviceCompliancePolicies", 60),
    ("policies", 30),
    ("assignmentFilters", 30),
    ("mobileApps", 80),
    ("deviceEnrollmentConfigurations", 30),
    ("deviceManagementScripts", 40),
    ("deviceHealthScripts", 35),
    ("iosManagedAppProtections", 20),
    ("androidManagedAppProtections", 20),
    ("namedLocations", 15),
    ("roleScopeTags", 15),
    ("windowsAutopilotDeploymentProfiles", 15),
    ("windowsFeatureUpdateProfiles", 15),
    ("groupPolicyConfigurations", 40),
    ("notificationMessageTemplates", 15),
    ("roleDefinitions", 15),
    ("mobileAppConfigurations", 30),
    ("deviceShellScripts", 20),
    ("intents", 20),
    ("templates", 20),
    ("windowsQualityUpdateProfiles", 10),
    ("windowsDriverUpdateProfiles", 10),
    ("windowsManagedAppProtections", 10),
    ("targetedManagedAppConfigurations", 10),
    ("deviceCustomAttributeShellScripts", 10),
    ("roleAssignments", 10),
];

/// Objects per kind for a tenant of `total` objects: one each in priority order, the rest by
/// weight (largest remainder). Depends only on `total`.
pub(crate) fn quotas(total: usize) -> BTreeMap<&'static str, usize> {
    let mut out: BTreeMap<&'static str, usize> = WEIGHTS.iter().map(|(k, _)| (*k, 0)).collect();
    for (k, _) in WEIGHTS.iter().take(total) {
        *out.get_mut(k).expect("kind") += 1;
    }
    let rest = total.saturating_sub(WEIGHTS.len());
    let sum: u64 = WEIGHTS.iter().map(|(_, w)| u64::from(*w)).sum();
    let mut given = 0;
    let mut remainders = Vec::new();
    for (i, (k, w)) in WEIGHTS.iter().enumerate() {
        let exact = rest as u64 * u64::from(*w);
        let n = (exact / sum) as usize;
        given += n;
        *out.get_mut(k).expect("kind") += n;
        remainders.push((exact % sum, usize::MAX - i, *k));
    }
    remainders.sort_unstable_by(|a, b| b.cmp(a));
    for (_, _, k) in remainders.into_iter().take(rest - given) {
        *out.get_mut(k).expect("kind") += 1;
    }
    out
}

/// The kinds the portfolio fills; tenant-wide settings come from `super::tenant_settings`, Entra
/// policies and roles from `super::entra`, the kinds of `super::intune_more` from tests.
fn portfolio_kinds() -> impl Iterator<Item = &'static kinds::KindSpec> {
    kinds::KINDS.iter().filter(|k| {
        !super::tenant_settings::KEYS.contains(&k.key)
            && !super::entra::KEYS.contains(&k.key)
            && !super::intune_more::KEYS.contains(&k.key)
    })
}

/// All designs per kind, golden first.
pub(crate) struct Library {
    designs: HashMap<&'static str, Vec<Proto>>,
}

impl Library {
    pub(crate) fn build() -> Self {
        let mut designs = HashMap::new();
        for spec in portfolio_kinds() {
            let key = spec.key;
            let mut list = match key {
                "configurationPolicies" => settings_catalog_designs(),
                "groupPolicyConfigurations" | "intents" | "templates" => admx::designs(key),
                "iosManagedAppProtections"
                | "androidManagedAppProtections"
                | "windowsManagedAppProtections"
                | "targetedManagedAppConfigurations"
                | "mobileAppConfigurations"
                | "mobileApps" => apps::designs(key),
                "assignmentFilters"
                | "roleScopeTags"
                | "roleDefinitions"
                | "roleAssignments"
                | "notificationMessageTemplates"
                | "policies"
                | "namedLocations" => identity::designs(key),
                _ => intune::designs(key),
            };
            // Golden first, keeping design order within each group.
            list.sort_by_key(|p| !p.golden);
            designs.insert(key, list);
        }
        Library { designs }
    }

    fn golden(&self, kind: &str, quota: usize) -> impl Iterator<Item = &Proto> {
        self.designs[kind].iter().filter(|p| p.golden).take(quota)
    }

    pub(crate) fn golden_names(
        &self,
        quotas: &BTreeMap<&'static str, usize>,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for spec in portfolio_kinds() {
            for p in self.golden(spec.key, quotas[spec.key]) {
                out.push((spec.key.to_string(), p.name().to_string()));
            }
        }
        out
    }
}

fn settings_catalog_designs() -> Vec<Proto> {
    catalog::catalog()
        .templates
        .iter()
        .map(|t| {
            let name = if t.golden {
                format!("MSP - {}", t.stem)
            } else {
                t.stem.clone()
            };
            let assign = match t.platforms.as_str() {
                "macOS" => vec![group("SG-Intune-macOS-Devices")],
                "iOS" => vec![group("SG-Intune-iOS-Devices").filter("MSP - iOS - Corporate iPhones", "include")],
                _ if t.stem.contains("Spotlight") || t.stem.contains("OneDrive") => vec![all_users()],
                _ if t.stem.contains("BitLocker") || t.stem.contains("LAPS") => vec![
                    group("SG-Intune-Windows-Devices").filter("MSP - Win - Corporate devices", "include"),
                    exclude("SG-Intune-Excluded-Devices"),
                ],
                _ => vec![all_devices().filter("MSP - Win - Virtual machines", "exclude")],
            };
            let mut p = Proto::new(
                json!({
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
                    "id": "$id",
                    "createdDateTime": "$created",
                    "creationSource": null,
                    "description": t.description,
                    "lastModifiedDateTime": "$modified",
                    "name": name,
                    "platforms": t.platforms,
                    "priorityMetaData": null,
                    "roleScopeTagIds": ["0"],
                    "settingCount": 0,
                    "technologies": t.technologies,
                    "isAssigned": "$assigned",
                    "templateReference": {"templateId": "", "templateFamily": "none", "templateDisplayName": null, "templateDisplayVersion": null},
                }),
                t.golden,
            )
            .to(assign);
            p.settings = t.nodes.clone();
            p.optional = t.optional.clone();
            p.render_settings();
            p
        })
        .collect()
}

/// Kinds whose objects other objects reference by name; their golden objects are never missing,
/// so that a golden policy's references resolve in every tenant.
const REFERENCED: &[&str] = &[
    "assignmentFilters",
    "namedLocations",
    "notificationMessageTemplates",
    "mobileApps",
    "roleScopeTags",
];

/// Kinds in the order a tenant is built: referenced collections before their referrers.
fn build_order() -> Vec<&'static str> {
    let first = [
        "assignmentFilters",
        "roleScopeTags",
        "notificationMessageTemplates",
        "namedLocations",
        "mobileApps",
    ];
    let mut order: Vec<&'static str> = first.to_vec();
    order.extend(
        portfolio_kinds()
            .map(|k| k.key)
            .filter(|k| !first.contains(k)),
    );
    order
}

/// A design planned for a tenant, and whether it is golden (borrowed until a deviation changes it).
type Planned<'a> = (Cow<'a, Proto>, bool);

pub(crate) fn build_tenant(
    id: TenantIdentity,
    lib: &Library,
    quotas: &BTreeMap<&'static str, usize>,
    gen: &mut Gen,
) -> (SimTenant, TenantManifest) {
    let clean = id.index == 0;
    let drifted = id.index == 3 || (id.index > 3 && gen.chance(0.25));
    let missing = id.index == 3 || (id.index > 3 && gen.chance(0.3));
    let mut manifest = TenantManifest {
        tenant_id: id.id.clone(),
        ..Default::default()
    };
    let mut plan: Vec<(&'static str, Vec<Planned>)> = Vec::new();
    for kind in build_order() {
        let quota = quotas[kind];
        let mut list: Vec<Planned> = Vec::new();
        let mut names = HashSet::new();
        if kind == "policies" && !id.device_code_allowed && quota > 0 {
            let p = super::access::block_device_code_policy();
            names.insert(p.name().to_string());
            manifest
                .extras
                .push((kind.to_string(), p.name().to_string()));
            list.push((Cow::Owned(p), false));
        }
        let room = quota - list.len();
        for (i, g) in lib.golden(kind, quota).enumerate() {
            let referenced = REFERENCED.contains(&kind);
            if i >= room || (missing && !g.fixed && !referenced && gen.chance(0.1)) {
                manifest
                    .missing_golden
                    .push((kind.to_string(), g.name().to_string()));
                continue;
            }
            names.insert(g.name().to_string());
            list.push((Cow::Borrowed(g), true));
        }
        while list.len() < quota {
            let p = extra(kind, lib, gen, clean, &id.org_short, &mut names);
            manifest
                .extras
                .push((kind.to_string(), p.name().to_string()));
            list.push((Cow::Owned(p), false));
        }
        plan.push((kind, list));
    }
    if drifted {
        let candidates: Vec<(usize, usize)> = plan
            .iter()
            .enumerate()
            .flat_map(|(k, (_, list))| {
                (0..list.len())
                    .filter(move |&i| list[i].1 && !list[i].0.fixed)
                    .map(move |i| (k, i))
            })
            .collect();
        let mut done = HashSet::new();
        for _ in 0..gen.range(1, 4) {
            if candidates.is_empty() {
                break;
            }
            let (k, i) = *gen.pick(&candidates);
            if !done.insert((k, i)) {
                continue;
            }
            let kind = plan[k].0;
            let proto = plan[k].1[i].0.to_mut();
            if let Some(change) = deviate(kind, proto, gen) {
                manifest.deviations.push(Deviation {
                    kind: kind.to_string(),
                    name: proto.name().to_string(),
                    change,
                });
            }
        }
    }
    let mut ctx = Ctx::new(&id, gen);
    let mut collections = BTreeMap::new();
    for (kind, list) in plan {
        let objects: Vec<SimObject> = list.iter().map(|(p, _)| ctx.materialise(kind, p)).collect();
        ctx.remember(kind, &objects);
        collections.insert(kind.to_string(), objects);
    }
    link_role_assignments(&mut collections);
    let audit_events = identity::audit_events(&id, &collections, ctx.gen);
    let tenant = SimTenant {
        id: id.id,
        domain: id.domain,
        name: id.name,
        device_code_allowed: id.device_code_allowed,
        granted_scopes: id.granted_scopes,
        users: id.users,
        groups: id.groups,
        collections,
        audit_events,
        singleton_changes: BTreeMap::new(),
    };
    (tenant, manifest)
}

/// A tenant-specific object: a copy or variant of a design, under the tenant's own name.
fn extra(
    kind: &str,
    lib: &Library,
    gen: &mut Gen,
    clean: bool,
    org: &str,
    names: &mut HashSet<String>,
) -> Proto {
    let designs = &lib.designs[kind];
    let pool: Vec<&Proto> = designs.iter().filter(|p| !p.fixed).collect();
    let mut p = if pool.is_empty() {
        gen.pick(designs).clone()
    } else {
        (*gen.pick(&pool)).clone()
    };
    let copied_fixed = p.fixed;
    p.golden = false;
    p.fixed = false;
    if p.body.get("id").and_then(Value::as_str).is_some() {
        p.body.insert("id".into(), json!("$id"));
    }
    if p.body.contains_key("priority") {
        p.body.insert("priority".into(), json!(gen.range(1, 20)));
    }
    if p.body.contains_key("isBuiltIn") {
        p.body.insert("isBuiltIn".into(), json!(false));
    }
    let full = p.name().to_string();
    let stem = full.strip_prefix("MSP - ").unwrap_or(&full).to_string();
    let roll = gen.below(100);
    let mut unassigned = false;
    let name = if clean || copied_fixed {
        match roll % 3 {
            0 => format!("{org} - {stem}"),
            1 => format!("{stem} - Ring {}", gen.range(1, 3)),
            _ => format!(
                "{org} - {stem} - {}",
                gen.pick(&[
                    "Finance",
                    "Sales",
                    "Warehouse",
                    "Executives",
                    "Shared devices"
                ])
            ),
        }
    } else {
        match roll {
            0..=17 => format!("Copy of {full}"),
            18..=27 => {
                unassigned = true;
                format!("Test - {stem}")
            }
            28..=39 => {
                p.stale = true;
                format!("Legacy - {stem}")
            }
            40..=69 => format!("{org} - {stem}"),
            70..=79 => format!("{stem} - Pilot"),
            80..=84 => {
                unassigned = true;
                "Test - do not use".to_string()
            }
            85..=89 => {
                p.stale = true;
                format!("{stem} (old)")
            }
            _ => format!(
                "{org} - {stem} - {}",
                gen.pick(&[
                    "Finance",
                    "Sales",
                    "Warehouse",
                    "Executives",
                    "Shared devices"
                ])
            ),
        }
    };
    let mut unique = name.clone();
    let mut n = 2;
    while !names.insert(unique.clone()) {
        unique = format!("{name} ({n})");
        n += 1;
    }
    p.set_name(unique.clone());
    if !clean {
        if gen.chance(0.1) {
            p.stale = true;
        }
        if unassigned || gen.chance(0.25) {
            p.targets.clear();
        }
        if !unique.starts_with("Copy of") && gen.chance(0.5) {
            deviate(kind, &mut p, gen);
        }
    }
    p
}

/// Changes one golden object the way a local admin would; returns a description.
fn deviate(kind: &str, p: &mut Proto, gen: &mut Gen) -> Option<String> {
    if gen.chance(0.25) {
        if let Some(change) = deviate_assignment(p, gen) {
            return Some(change);
        }
    }
    match kind {
        "configurationPolicies" => {
            let change = deviate_settings(p, gen);
            p.render_settings();
            change
        }
        "policies" => {
            let old = p
                .body
                .get("state")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let new = if old == "enabled" {
                "enabledForReportingButNotEnforced"
            } else {
                "disabled"
            };
            p.body.insert("state".into(), json!(new));
            Some(format!("state: {old} -> {new}"))
        }
        _ => flip_field(p, gen).or_else(|| deviate_assignment(p, gen)),
    }
}

fn deviate_settings(p: &mut Proto, gen: &mut Gen) -> Option<String> {
    let roll = gen.below(10);
    if roll < 2 && !p.optional.is_empty() {
        let node = p.optional.remove(0);
        let change = format!("added setting {}", catalog::node_id(&node));
        p.settings.push(node);
        Some(change)
    } else if roll < 4 && p.settings.len() > 1 {
        let node = p.settings.pop().expect("non-empty");
        Some(format!("removed setting {}", catalog::node_id(&node)))
    } else {
        catalog::change_value(&mut p.settings, gen).or_else(|| deviate_assignment(p, gen))
    }
}

fn flip_field(p: &mut Proto, gen: &mut Gen) -> Option<String> {
    const SKIP: &[&str] = &[
        "priority",
        "settingCount",
        "isBuiltIn",
        "isBuiltInRoleDefinition",
        "isTrusted",
        "size",
        // Computed by the service for the profile's type; no administrator can change it.
        "supportsScopeTags",
    ];
    let keys: Vec<String> = p
        .body
        .iter()
        .filter(|(k, v)| !SKIP.contains(&k.as_str()) && (v.is_boolean() || v.is_i64()))
        .map(|(k, _)| k.clone())
        .collect();
    if keys.is_empty() {
        return None;
    }
    let key = gen.pick(&keys).clone();
    let value = p.body.get_mut(&key)?;
    let old = value.clone();
    *value = match &old {
        Value::Bool(b) => json!(!b),
        v => {
            let n = v.as_i64().unwrap_or(0);
            json!(if n == 0 { 1 } else { n + (n / 2).max(1) })
        }
    };
    Some(format!("{key}: {old} -> {value}"))
}

fn deviate_assignment(p: &mut Proto, gen: &mut Gen) -> Option<String> {
    if let Some(t) = p.targets.iter_mut().find(|t| t.filter.is_some()) {
        let (name, mode) = t.filter.clone()?;
        let new = if mode == "include" {
            "exclude"
        } else {
            "include"
        };
        t.filter = Some((name.clone(), new));
        return Some(format!("assignment filter {name}: {mode} -> {new}"));
    }
    if p.targets.iter().any(|t| matches!(t.scope, Scope::Group(_))) && gen.chance(0.5) {
        p.targets.push(exclude("SG-Intune-Pilot-Devices"));
        return Some("added exclusion SG-Intune-Pilot-Devices".into());
    }
    let t = p.targets.pop()?;
    Some(format!("removed assignment {:?}", t.scope))
}
