//! Baselines: a named, versioned set of expected objects taken from a reference tenant's latest
//! snapshot, assigned to the tenants that should look like it.
//!
//! A baseline keeps the source tenant's id -> name maps with its items, so its assignments and
//! references compare by name with any other tenant's, however the source tenant changes later.

use crate::ops::baseline_file::{self, FileObject};
use crate::ops::diff::{name_of, Side};
use crate::ops::findings::{actor, TenantLabel};
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use tenantatlas_core::content_hash;
use tenantatlas_core::diff::MapRefs;
use tenantatlas_core::kinds;
use tenantatlas_store::audit_state::items_digest;
use tenantatlas_store::baselines as store_baselines;
use tenantatlas_store::snapshots::{SnapshotInfo, SnapshotObject};
use tenantatlas_store::{
    append_audit, BaselineInfo, BaselineItem, BaselinePin, NewBaseline, StoreError, TenantRecord,
};

/// A baseline as the front doors show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Baseline {
    pub name: String,
    pub version: i64,
    /// `tenant`, `file` or `approved`.
    pub origin: String,
    /// The source tenant's domain (empty for a file).
    pub source_tenant: String,
    /// Which snapshot or file it was taken from.
    pub source: String,
    pub kinds: Vec<String>,
    pub objects: u64,
    /// The placeholders its object names use (`prefix` for `{prefix} - Win - Compliance`).
    pub placeholders: Vec<String>,
    /// Whether drift reports objects of its kinds that match none of its objects.
    pub unexpected: bool,
    /// Domains of the tenants checked against it.
    pub tenants: Vec<String>,
    /// Each tenant's placeholder values, by domain (tenants without values are left out).
    pub vars: BTreeMap<String, BTreeMap<String, String>>,
    pub created_at: String,
}

/// Where a new baseline version comes from.
#[derive(Clone, Debug)]
pub enum BaselineSource {
    /// A reference tenant's snapshot: its latest, or the given one.
    Tenant {
        tenant: String,
        snapshot: Option<i64>,
    },
    /// A baseline export, or Graph JSON in a file or folder.
    File(PathBuf),
}

/// `baseline create`.
#[derive(Clone, Debug)]
pub struct CreateBaseline {
    pub name: String,
    pub source: BaselineSource,
    /// Only these kinds (registry keys); every kind the source covers completely when empty.
    pub kinds: Vec<String>,
    /// Only objects whose name matches one of these patterns (`*` and `?`, any case).
    pub include: Vec<String>,
    /// No object whose name matches one of these.
    pub exclude: Vec<String>,
    /// The source's values for placeholders: `prefix=MSP` turns "MSP - Win - Compliance" into
    /// the template "{prefix} - Win - Compliance".
    pub vars: BTreeMap<String, String>,
    /// Report objects of the baseline's kinds that match no baseline object.
    pub unexpected: bool,
}

/// How one baseline object was matched in a tenant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemMatch {
    pub kind: String,
    /// The name the tenant's object must have (the template with the tenant's values).
    pub expected_name: String,
    /// The name as the baseline stores it (possibly a template).
    pub template: String,
    /// `name`, `pin`, or `none` when nothing matched.
    pub matched_by: String,
    pub object_id: Option<String>,
    pub object: Option<String>,
}

/// A tenant's object of the baseline's kinds that no baseline object matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unmatched {
    pub kind: String,
    pub object_id: String,
    pub object: String,
}

/// `baseline show NAME --tenant T`: how the baseline's objects match the tenant's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineMatch {
    pub baseline: Baseline,
    pub tenant: String,
    pub items: Vec<ItemMatch>,
    pub unmatched: Vec<Unmatched>,
}

/// The result of matching a baseline's items in a snapshot: for each item, the index of the
/// tenant's object and how it was found.
pub(crate) struct Matching {
    pub(crate) found: Vec<Option<(usize, &'static str)>>,
    pub(crate) expected: Vec<String>,
    pub(crate) matched: HashSet<usize>,
}

/// How well a tenant's placeholder values fit its objects' names: checked when a baseline is
/// assigned, so a mistyped `--var` is noticed before drift reports every templated object missing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateCheck {
    pub baseline: String,
    pub tenant: String,
    /// The tenant's values.
    pub vars: BTreeMap<String, String>,
    /// Baseline objects whose names use a placeholder.
    pub templated: u64,
    /// Of those, how many the tenant's latest snapshot has under the rendered name.
    pub matched: u64,
    /// Unmatched names with the tenant's closest names of the same kind.
    pub closest: Vec<ClosestName>,
    /// Values the tenant's own names suggest (`prefix=Contoso`), where they differ from `vars`.
    pub suggested: BTreeMap<String, String>,
}

impl TemplateCheck {
    /// Fewer than half of the templated objects match: the values are probably wrong.
    pub fn is_poor(&self) -> bool {
        self.templated > 0 && self.matched * 2 < self.templated
    }
}

/// A rendered name the tenant does not have, and the names it does have that come closest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosestName {
    pub kind: String,
    pub expected: String,
    pub closest: Vec<String>,
}

/// Field order of the maps in a stored baseline's `refs`.
const REF_MAPS: [&str; 6] = [
    "groups",
    "filters",
    "named_locations",
    "users",
    "notification_templates",
    "apps",
];

fn ref_maps(refs: &MapRefs) -> [&HashMap<String, String>; 6] {
    [
        &refs.groups,
        &refs.filters,
        &refs.named_locations,
        &refs.users,
        &refs.notification_templates,
        &refs.apps,
    ]
}

pub(crate) fn refs_to_json(refs: &MapRefs) -> Value {
    let mut out = Map::new();
    for (name, map) in REF_MAPS.iter().zip(ref_maps(refs)) {
        out.insert((*name).to_string(), json!(map));
    }
    Value::Object(out)
}

pub(crate) fn refs_from_json(value: &Value) -> MapRefs {
    let read = |name: &str| -> HashMap<String, String> {
        value
            .get(name)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    MapRefs {
        groups: read("groups"),
        filters: read("filters"),
        named_locations: read("named_locations"),
        users: read("users"),
        notification_templates: read("notification_templates"),
        apps: read("apps"),
    }
}

/// Placeholders a baseline declares, kept beside its name maps in `refs`.
pub(crate) fn placeholders_of(refs: &Value) -> Vec<String> {
    refs.get("placeholders")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

use tenantatlas_core::templates;
pub use tenantatlas_core::templates::{glob, render, templated};

/// Parses `key=value` pairs from the command line.
pub fn parse_vars(pairs: &[String]) -> Result<BTreeMap<String, String>, EngineError> {
    let mut out = BTreeMap::new();
    for pair in pairs {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            EngineError::invalid(format!(
                "'{pair}' is not KEY=VALUE; write e.g. --var prefix=Contoso"
            ))
        })?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(EngineError::invalid(format!(
                "'{key}' is not a placeholder name; use letters, digits and _"
            )));
        }
        out.insert(key.to_string(), value.trim().to_string());
    }
    Ok(out)
}

/// Matches each baseline item to one of the snapshot's objects: pins first (by object id), then
/// the item's name with the tenant's placeholder values, per kind and case-insensitively. Each
/// tenant object matches at most one item.
pub(crate) fn match_items(
    items: &[BaselineItem],
    placeholders: &[String],
    vars: &BTreeMap<String, String>,
    pins: &[BaselinePin],
    objects: &[SnapshotObject],
) -> Result<Matching, String> {
    let mut by_name: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    let mut by_id: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        by_name
            .entry((o.kind.as_str(), name_of(o).to_lowercase()))
            .or_default()
            .push(i);
        by_id.insert((o.kind.as_str(), o.object_id.as_str()), i);
    }
    let mut matching = Matching {
        found: vec![None; items.len()],
        expected: Vec::with_capacity(items.len()),
        matched: HashSet::new(),
    };
    let mut pinned = vec![false; items.len()];
    for (n, item) in items.iter().enumerate() {
        matching
            .expected
            .push(render(&item.display_name, placeholders, vars)?);
        if let Some(pin) = pins
            .iter()
            .find(|p| p.kind == item.kind && p.item_name.eq_ignore_ascii_case(&item.display_name))
        {
            pinned[n] = true;
            if let Some(&at) = by_id.get(&(item.kind.as_str(), pin.object_id.as_str())) {
                if matching.matched.insert(at) {
                    matching.found[n] = Some((at, "pin"));
                }
            }
        }
    }
    for (n, item) in items.iter().enumerate() {
        if pinned[n] {
            continue;
        }
        // A singleton is the tenant's one object of its kind, whatever its name.
        if tenantatlas_core::kinds::by_key(&item.kind).is_some_and(|k| k.is_singleton()) {
            if let Some(&at) = by_id.get(&(item.kind.as_str(), item.kind.as_str())) {
                if matching.matched.insert(at) {
                    matching.found[n] = Some((at, "kind"));
                }
            }
            continue;
        }
        let key = (item.kind.as_str(), matching.expected[n].to_lowercase());
        if let Some(at) = by_name
            .get(&key)
            .and_then(|l| l.iter().find(|i| !matching.matched.contains(i)).copied())
        {
            matching.matched.insert(at);
            matching.found[n] = Some((at, "name"));
        }
    }
    Ok(matching)
}

impl Engine {
    /// Takes a new version of the named baseline from a tenant's snapshot or from a file.
    pub async fn create_baseline(&self, input: &CreateBaseline) -> Result<Baseline, EngineError> {
        self.new_baseline_version(input, None, false).await
    }

    /// `create_baseline` holding only the source's objects with these ids (as picked one by one
    /// in the desktop app), after the kind and name filters.
    pub async fn create_baseline_of(
        &self,
        input: &CreateBaseline,
        object_ids: &[String],
    ) -> Result<Baseline, EngineError> {
        if object_ids.is_empty() {
            return Err(EngineError::invalid(
                "pick at least one object for the baseline",
            ));
        }
        let picked: HashSet<&str> = object_ids.iter().map(String::as_str).collect();
        self.new_baseline_version(input, Some(&picked), false).await
    }

    /// `create_baseline`, only of the `picked` object ids when given; `approved` marks a tenant's
    /// own signed-off snapshot.
    async fn new_baseline_version(
        &self,
        input: &CreateBaseline,
        picked: Option<&HashSet<&str>>,
        approved: bool,
    ) -> Result<Baseline, EngineError> {
        let name = input.name.trim();
        if name.is_empty() {
            return Err(EngineError::invalid("a baseline needs a name"));
        }
        for k in &input.kinds {
            if kinds::by_key(k).is_none() {
                return Err(EngineError::invalid(format!(
                    "unknown kind '{k}'; the kinds are the names `tenantatlas policies list --tenant T` shows"
                )));
            }
        }
        let (origin, source_tenant_id, snapshot_id, source, covered, refs, objects, skipped, known) =
            match &input.source {
                BaselineSource::Tenant { tenant, snapshot } => {
                    let tenant = self.tenant(tenant).await?;
                    let (snapshot, side) = self.snapshot_side(&tenant, *snapshot).await?;
                    let objects: Vec<FileObject> = side
                        .objects
                        .iter()
                        .filter_map(|o| {
                            Some(FileObject {
                                kind: kinds::by_key(&o.kind)?.key,
                                object_id: o.object_id.clone(),
                                name: name_of(o),
                                content: o.content.clone(),
                            })
                        })
                        .collect();
                    (
                        "tenant",
                        tenant.id.clone(),
                        snapshot.id,
                        format!("{} snapshot {}", tenant.domain, snapshot.id),
                        snapshot.kinds.clone(),
                        side.refs,
                        objects,
                        Vec::new(),
                        Vec::new(),
                    )
                }
                BaselineSource::File(path) => {
                    let file = baseline_file::read(path)?;
                    (
                        "file",
                        String::new(),
                        0,
                        path.display().to_string(),
                        file.kinds,
                        file.refs,
                        file.objects,
                        file.skipped,
                        file.placeholders,
                    )
                }
            };
        let kinds: Vec<String> = if input.kinds.is_empty() {
            covered.clone()
        } else {
            for k in &input.kinds {
                if !covered.contains(k) {
                    return Err(EngineError::invalid(format!(
                        "{source} does not cover kind '{k}' completely; it covers: {}",
                        covered.join(", ")
                    )));
                }
            }
            input.kinds.clone()
        };
        let chosen: Vec<&FileObject> = objects
            .iter()
            .filter(|o| kinds.iter().any(|k| k == o.kind))
            .filter(|o| input.include.is_empty() || input.include.iter().any(|p| glob(p, &o.name)))
            .filter(|o| !input.exclude.iter().any(|p| glob(p, &o.name)))
            .filter(|o| picked.is_none_or(|p| p.contains(o.object_id.as_str())))
            .collect();
        if chosen.is_empty() {
            return Err(EngineError::invalid(format!(
                "no object of {source} matches the kinds and names asked for; `tenantatlas policies list` shows what it holds"
            )));
        }
        let items: Vec<BaselineItem> = chosen
            .iter()
            .map(|o| BaselineItem {
                kind: o.kind.to_string(),
                object_id: o.object_id.clone(),
                display_name: templated(&o.name, &input.vars),
                hash: content_hash(&o.content),
            })
            .collect();
        let contents: Vec<Value> = if origin == "file" {
            chosen.iter().map(|o| o.content.clone()).collect()
        } else {
            Vec::new()
        };
        let mut refs = refs_to_json(&refs);
        let mut placeholders: Vec<String> = input.vars.keys().cloned().collect();
        placeholders.extend(known);
        placeholders.sort();
        placeholders.dedup();
        if let Value::Object(map) = &mut refs {
            map.insert("placeholders".into(), json!(placeholders));
        }
        let origin = if approved { "approved" } else { origin };
        // The version and its audit entry: one transaction, so the log explains every version.
        let mut tx = self.workspace.begin().await?;
        let version = store_baselines::create_baseline(
            &mut *tx,
            &NewBaseline {
                name,
                source_tenant_id: &source_tenant_id,
                snapshot_id,
                kinds: &kinds,
                refs: &refs,
                items: &items,
                origin,
                source: &source,
                unexpected: input.unexpected,
                contents: &contents,
            },
        )
        .await?;
        append_audit(
            &mut *tx,
            &actor(),
            "baseline.create",
            name,
            &json!({
                "version": version,
                "origin": origin,
                "source": source,
                "source_tenant_id": source_tenant_id,
                "snapshot_id": snapshot_id,
                "kinds": kinds,
                "objects": items.len(),
                "placeholders": placeholders,
                "skipped": skipped,
                "items_digest": items_digest(&items),
            }),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.baseline(name).await
    }

    /// Signs off a tenant's snapshot (its latest, or the given one): it becomes the tenant's own
    /// baseline "<domain> approved", assigned to it, reporting new objects too — so the next drift
    /// shows what changed since the sign-off.
    pub async fn approve_snapshot(
        &self,
        tenant: &str,
        snapshot: Option<i64>,
    ) -> Result<Baseline, EngineError> {
        let record = self.tenant(tenant).await?;
        let name = format!("{}{APPROVED}", record.domain);
        self.new_baseline_version(
            &CreateBaseline {
                name: name.clone(),
                source: BaselineSource::Tenant {
                    tenant: record.id.clone(),
                    snapshot,
                },
                kinds: Vec::new(),
                include: Vec::new(),
                exclude: Vec::new(),
                vars: BTreeMap::new(),
                unexpected: true,
            },
            None,
            true,
        )
        .await?;
        self.assign_baseline(&name, &record.id, &BTreeMap::new())
            .await
    }

    /// Checks the tenant against the named baseline from now on, with its values for the
    /// baseline's placeholders (assigning again replaces them).
    pub async fn assign_baseline(
        &self,
        name: &str,
        tenant: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<Baseline, EngineError> {
        let baseline = self.baseline_info(name).await?;
        let tenant = self.tenant(tenant).await?;
        let placeholders = placeholders_of(&baseline.refs);
        if let Some(key) = placeholders.iter().find(|k| !vars.contains_key(*k)) {
            return Err(EngineError::invalid(format!(
                "baseline {} names its objects with {{{key}}}; pass --var {key}=VALUE for {}",
                baseline.name, tenant.domain
            )));
        }
        if let Some(key) = vars.keys().find(|k| !placeholders.contains(k)) {
            return Err(EngineError::invalid(format!(
                "baseline {} has no placeholder {{{key}}}; its placeholders: {}",
                baseline.name,
                if placeholders.is_empty() {
                    "(none)".to_string()
                } else {
                    placeholders.join(", ")
                }
            )));
        }
        let mut tx = self.workspace.begin().await?;
        if store_baselines::assign_baseline(&mut *tx, &baseline.name, &tenant.id, vars).await? {
            append_audit(
                &mut *tx,
                &actor(),
                "baseline.assign",
                &baseline.name,
                &json!({"tenant_id": tenant.id, "version": baseline.version, "vars": vars}),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        self.baseline(name).await
    }

    /// How the tenant's placeholder values of a baseline fit the names in its latest snapshot;
    /// `None` when the baseline has no placeholders or the tenant no snapshot yet.
    pub async fn template_check(
        &self,
        name: &str,
        tenant: &str,
    ) -> Result<Option<TemplateCheck>, EngineError> {
        let info = self.baseline_info(name).await?;
        let tenant = self.tenant(tenant).await?;
        let placeholders = placeholders_of(&info.refs);
        if placeholders.is_empty() {
            return Ok(None);
        }
        let Some(snapshot) = self.workspace.latest_snapshot(&tenant.id).await? else {
            return Ok(None);
        };
        let objects = self.workspace.snapshot_manifest(snapshot.id).await?;
        let vars = info.vars.get(&tenant.id).cloned().unwrap_or_default();
        let items = self
            .workspace
            .baseline_items(&info.name, info.version)
            .await?;
        let pins = self.workspace.list_pins(&info.name, &tenant.id).await?;
        let matching = match_items(&items, &placeholders, &vars, &pins, &objects)
            .map_err(|key| missing_var(&info.name, &tenant, &key))?;
        let names: Vec<(String, String)> = objects
            .iter()
            .map(|o| (o.kind.clone(), name_of(o)))
            .collect();
        let mut check = TemplateCheck {
            baseline: info.name.clone(),
            tenant: tenant.domain.clone(),
            vars: vars.clone(),
            templated: 0,
            matched: 0,
            closest: Vec::new(),
            suggested: BTreeMap::new(),
        };
        // Values read back from the tenant's names, counted per placeholder.
        let mut seen_values: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (n, item) in items.iter().enumerate() {
            if !templates::uses_placeholders(&item.display_name, &placeholders) {
                continue;
            }
            check.templated += 1;
            if matching.found[n].is_some() {
                check.matched += 1;
                continue;
            }
            let same_kind: Vec<&str> = names
                .iter()
                .filter(|(k, _)| *k == item.kind)
                .map(|(_, n)| n.as_str())
                .collect();
            for candidate in &same_kind {
                if let Some(found) = templates::infer(&item.display_name, &placeholders, candidate)
                {
                    for (key, value) in found {
                        *seen_values
                            .entry(key)
                            .or_default()
                            .entry(value)
                            .or_default() += 1;
                    }
                }
            }
            if check.closest.len() < 3 {
                let closest = templates::closest(&matching.expected[n], &same_kind, 2);
                check.closest.push(ClosestName {
                    kind: item.kind.clone(),
                    expected: matching.expected[n].clone(),
                    closest: closest.into_iter().map(str::to_string).collect(),
                });
            }
        }
        for (key, values) in seen_values {
            if let Some((value, _)) = values
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                if vars.get(&key) != Some(&value) {
                    check.suggested.insert(key, value);
                }
            }
        }
        Ok(Some(check))
    }

    /// Stops checking the tenant against the baseline. Its findings stay as they are.
    pub async fn unassign_baseline(
        &self,
        name: &str,
        tenant: &str,
    ) -> Result<Baseline, EngineError> {
        let baseline = self.baseline_info(name).await?;
        let tenant = self.tenant(tenant).await?;
        let mut tx = self.workspace.begin().await?;
        if !store_baselines::unassign_baseline(&mut *tx, &baseline.name, &tenant.id).await? {
            return Err(EngineError::not_found(format!(
                "baseline {} is not assigned to {}",
                baseline.name, tenant.domain
            )));
        }
        append_audit(
            &mut *tx,
            &actor(),
            "baseline.unassign",
            &baseline.name,
            &json!({"tenant_id": tenant.id}),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.baseline(name).await
    }

    /// Matches a baseline object to a tenant's object by hand, whatever their names; `to: None`
    /// removes the pin.
    pub async fn pin_object(
        &self,
        name: &str,
        tenant: &str,
        kind: &str,
        item: &str,
        to: Option<&str>,
    ) -> Result<BaselineMatch, EngineError> {
        let baseline = self.baseline_info(name).await?;
        let tenant = self.tenant(tenant).await?;
        if !baseline.tenants.contains(&tenant.id) {
            return Err(EngineError::not_found(format!(
                "baseline {} is not assigned to {}; run `tenantatlas baseline assign {} --tenant {}` first",
                baseline.name, tenant.domain, baseline.name, tenant.domain
            )));
        }
        let items = self
            .workspace
            .baseline_items(&baseline.name, baseline.version)
            .await?;
        let Some(item) = items.iter().find(|i| {
            i.kind.eq_ignore_ascii_case(kind) && i.display_name.eq_ignore_ascii_case(item)
        }) else {
            return Err(EngineError::not_found(format!(
                "baseline {} has no {kind} object named '{item}'; `tenantatlas baseline show {} --tenant {}` lists them",
                baseline.name, baseline.name, tenant.domain
            )));
        };
        let pin = match to {
            Some(object_id) => {
                let (_, side) = self.snapshot_side(&tenant, None).await?;
                let Some(object) = side
                    .objects
                    .iter()
                    .find(|o| o.kind == item.kind && o.object_id.eq_ignore_ascii_case(object_id))
                else {
                    return Err(EngineError::not_found(format!(
                        "{} has no {} with id {object_id} in its latest snapshot; `tenantatlas policies list --tenant {}` shows the ids",
                        tenant.domain, item.kind, tenant.domain
                    )));
                };
                Some(BaselinePin {
                    kind: item.kind.clone(),
                    item_name: item.display_name.clone(),
                    object_id: object.object_id.clone(),
                })
            }
            None => None,
        };
        // The pin and its audit entry: one transaction, so the log explains every pin.
        let mut tx = self.workspace.begin().await?;
        match &pin {
            Some(pin) => {
                store_baselines::pin_object(&mut *tx, &baseline.name, &tenant.id, pin).await?
            }
            None => {
                if !store_baselines::unpin_object(
                    &mut *tx,
                    &baseline.name,
                    &tenant.id,
                    &item.kind,
                    &item.display_name,
                )
                .await?
                {
                    return Err(EngineError::not_found(format!(
                        "'{}' is not pinned in {}",
                        item.display_name, tenant.domain
                    )));
                }
            }
        }
        append_audit(
            &mut *tx,
            &actor(),
            if pin.is_some() {
                "baseline.pin"
            } else {
                "baseline.unpin"
            },
            &baseline.name,
            &json!({
                "tenant_id": tenant.id,
                "kind": item.kind,
                "item": item.display_name,
                "object_id": pin.as_ref().map(|p| p.object_id.clone()),
            }),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.match_baseline(name, &tenant.id).await
    }

    /// How the baseline's objects match the tenant's latest snapshot.
    pub async fn match_baseline(
        &self,
        name: &str,
        tenant: &str,
    ) -> Result<BaselineMatch, EngineError> {
        let info = self.baseline_info(name).await?;
        let tenant = self.tenant(tenant).await?;
        let vars = info.vars.get(&tenant.id).cloned().unwrap_or_default();
        let items = self
            .workspace
            .baseline_items(&info.name, info.version)
            .await?;
        let pins = self.workspace.list_pins(&info.name, &tenant.id).await?;
        let (_, side) = self.snapshot_side(&tenant, None).await?;
        let matching = match_items(
            &items,
            &placeholders_of(&info.refs),
            &vars,
            &pins,
            &side.objects,
        )
        .map_err(|key| missing_var(&info.name, &tenant, &key))?;
        let shown_items = items
            .iter()
            .enumerate()
            .map(|(n, item)| {
                let found = matching.found[n];
                ItemMatch {
                    kind: item.kind.clone(),
                    expected_name: matching.expected[n].clone(),
                    template: item.display_name.clone(),
                    matched_by: found.map_or("none", |(_, by)| by).to_string(),
                    object_id: found.map(|(at, _)| side.objects[at].object_id.clone()),
                    object: found.map(|(at, _)| name_of(&side.objects[at])),
                }
            })
            .collect();
        let unmatched = side
            .objects
            .iter()
            .enumerate()
            .filter(|(i, o)| info.kinds.contains(&o.kind) && !matching.matched.contains(i))
            .map(|(_, o)| Unmatched {
                kind: o.kind.clone(),
                object_id: o.object_id.clone(),
                object: name_of(o),
            })
            .collect();
        Ok(BaselineMatch {
            baseline: self.baseline(name).await?,
            tenant: tenant.domain,
            items: shown_items,
            unmatched,
        })
    }

    /// Writes the baseline's latest version to a file that `baseline create --from-file` reads.
    pub async fn export_baseline(
        &self,
        name: &str,
        out: &std::path::Path,
    ) -> Result<Baseline, EngineError> {
        let info = self.baseline_info(name).await?;
        let items = self
            .workspace
            .baseline_items(&info.name, info.version)
            .await?;
        let mut objects = Vec::with_capacity(items.len());
        for item in &items {
            let content = self
                .workspace
                .get_content(&item.hash)
                .await?
                .ok_or_else(|| EngineError::missing_content(&item.hash))?;
            let Some(kind) = kinds::by_key(&item.kind) else {
                continue;
            };
            objects.push(FileObject {
                kind: kind.key,
                object_id: item.object_id.clone(),
                name: item.display_name.clone(),
                content,
            });
        }
        let mut doc = baseline_file::export_document(
            &info.name,
            info.version,
            &info.kinds,
            &refs_from_json(&info.refs),
            &objects,
        );
        if let Value::Object(map) = &mut doc {
            map.insert("placeholders".into(), json!(placeholders_of(&info.refs)));
        }
        // Plain data: serialising it cannot fail.
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let tmp = out.with_extension("json.partial");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, out))
            .map_err(|e| {
                EngineError::invalid(format!(
                    "cannot write {}: {e}; choose another --out",
                    out.display()
                ))
            })?;
        self.baseline(name).await
    }

    /// Ids of the tenants checked against at least one baseline.
    pub async fn tenants_with_baselines(&self) -> Result<HashSet<String>, EngineError> {
        Ok(self
            .workspace
            .list_baselines()
            .await?
            .into_iter()
            .flat_map(|b| b.tenants)
            .collect())
    }

    /// Every baseline at its latest version.
    pub async fn list_baselines(&self) -> Result<Vec<Baseline>, EngineError> {
        let names = self.tenant_names().await?;
        Ok(self
            .workspace
            .list_baselines()
            .await?
            .iter()
            .map(|b| shown(b, &names))
            .collect())
    }

    async fn baseline(&self, name: &str) -> Result<Baseline, EngineError> {
        let names = self.tenant_names().await?;
        Ok(shown(&self.baseline_info(name).await?, &names))
    }

    pub(crate) async fn baseline_info(&self, name: &str) -> Result<BaselineInfo, EngineError> {
        self.workspace
            .list_baselines()
            .await?
            .into_iter()
            .find(|b| b.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                EngineError::not_found(format!(
                    "no baseline '{name}'; create one with `tenantatlas baseline create {name} --from-tenant T`"
                ))
            })
    }

    /// A tenant's snapshot (its latest when `None`) with what drift and diff need of it.
    pub(crate) async fn snapshot_side(
        &self,
        tenant: &TenantRecord,
        snapshot: Option<i64>,
    ) -> Result<(SnapshotInfo, Side), EngineError> {
        let Some(id) = snapshot else {
            return self.latest_side(tenant).await;
        };
        let snapshots = self.workspace.list_snapshots(&tenant.id).await?;
        let known: Vec<String> = snapshots.iter().map(|s| s.id.to_string()).collect();
        let Some(info) = snapshots.into_iter().find(|s| s.id == id) else {
            return Err(EngineError::not_found(format!(
                "{} has no snapshot {id}; its snapshots are {}",
                tenant.domain,
                if known.is_empty() {
                    "none yet (run `tenantatlas sync`)".to_string()
                } else {
                    known.join(", ")
                }
            )));
        };
        let directory = self.workspace.list_directory_objects(&tenant.id).await?;
        let side = self.side(&info, &directory).await?;
        Ok((info, side))
    }
}

/// The suffix of a tenant's own signed-off baseline.
const APPROVED: &str = " approved";

pub(crate) fn missing_var(baseline: &str, tenant: &TenantRecord, key: &str) -> EngineError {
    EngineError::invalid(format!(
        "baseline {baseline} names its objects with {{{key}}} but {} has no value for it; run `tenantatlas baseline assign {baseline} --tenant {} --var {key}=VALUE`",
        tenant.domain, tenant.domain
    ))
}

fn shown(b: &BaselineInfo, names: &HashMap<String, TenantLabel>) -> Baseline {
    let name = |id: &String| {
        names
            .get(id)
            .map_or_else(|| id.clone(), |t| t.domain.clone())
    };
    Baseline {
        name: b.name.clone(),
        version: b.version,
        origin: b.origin.clone(),
        source_tenant: if b.source_tenant_id.is_empty() {
            String::new()
        } else {
            name(&b.source_tenant_id)
        },
        source: b.source.clone(),
        kinds: b.kinds.clone(),
        objects: b.objects,
        placeholders: placeholders_of(&b.refs),
        unexpected: b.unexpected,
        tenants: b.tenants.iter().map(name).collect(),
        vars: b
            .vars
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(t, v)| (name(t), v.clone()))
            .collect(),
        created_at: b.created_at.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_round_trip_through_json() {
        let mut refs = MapRefs::default();
        refs.groups.insert("g1".into(), "SG-Pilot".into());
        refs.filters.insert("f1".into(), "Corporate".into());
        refs.apps.insert("a1".into(), "Teams".into());
        let back = refs_from_json(&refs_to_json(&refs));
        assert_eq!(back.groups, refs.groups);
        assert_eq!(back.filters, refs.filters);
        assert_eq!(back.apps, refs.apps);
        assert!(back.users.is_empty());
    }

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn placeholder_values_parse_from_the_command_line() {
        assert_eq!(
            parse_vars(&["prefix=Contoso Ltd".into()]).unwrap()["prefix"],
            "Contoso Ltd"
        );
        assert!(parse_vars(&["prefix".into()]).is_err());
        assert!(parse_vars(&["pre fix=x".into()]).is_err());
    }

    fn object(kind: &str, id: &str, name: &str) -> SnapshotObject {
        SnapshotObject {
            kind: kind.into(),
            object_id: id.into(),
            display_name: name.into(),
            hash: String::new(),
            content: json!({"displayName": name}),
        }
    }

    fn item(kind: &str, name: &str) -> BaselineItem {
        BaselineItem {
            kind: kind.into(),
            object_id: format!("b-{name}"),
            display_name: name.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn items_match_by_pin_then_by_rendered_name() {
        let dc = "deviceConfigurations";
        let objects = vec![
            object(dc, "o1", "Contoso - Win - Wi-Fi"),
            object(dc, "o2", "Contoso Wi-Fi (old)"),
            object(dc, "o3", "Legacy BitLocker"),
            object(
                "deviceCompliancePolicies",
                "o4",
                "Contoso - Win - BitLocker",
            ),
        ];
        let items = vec![
            item(dc, "{prefix} - Win - Wi-Fi"),
            item(dc, "{prefix} - Win - BitLocker"),
            item(dc, "{prefix} - Win - Firewall"),
        ];
        let keys = vec!["prefix".to_string()];
        let pins = vec![BaselinePin {
            kind: dc.into(),
            item_name: "{PREFIX} - Win - BitLocker".into(),
            object_id: "o3".into(),
        }];
        let m = match_items(
            &items,
            &keys,
            &vars(&[("prefix", "contoso")]),
            &pins,
            &objects,
        )
        .unwrap();
        assert_eq!(m.found, vec![Some((0, "name")), Some((2, "pin")), None]);
        assert_eq!(m.expected[2], "contoso - Win - Firewall");
        assert_eq!(m.matched, HashSet::from([0, 2]));
        // A pin to an object that is gone matches nothing, and never falls back to the name.
        let gone = vec![BaselinePin {
            kind: dc.into(),
            item_name: "{prefix} - Win - Wi-Fi".into(),
            object_id: "o9".into(),
        }];
        let m = match_items(
            &items,
            &keys,
            &vars(&[("prefix", "Contoso")]),
            &gone,
            &objects,
        )
        .unwrap();
        assert_eq!(m.found[0], None);
        assert!(match_items(&items, &keys, &BTreeMap::new(), &[], &objects).is_err());
    }
}
