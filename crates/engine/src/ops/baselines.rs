//! Baselines: a named, versioned set of expected objects taken from a reference tenant's latest
//! snapshot, assigned to the tenants that should look like it.
//!
//! A baseline keeps the source tenant's id -> name maps with its items, so its assignments and
//! references compare by name with any other tenant's, however the source tenant changes later.

use crate::ops::diff::name_of;
use crate::ops::findings::actor;
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use tenantatlas_core::diff::MapRefs;
use tenantatlas_store::{BaselineInfo, BaselineItem, NewBaseline};

/// A baseline as the front doors show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Baseline {
    pub name: String,
    pub version: i64,
    pub source_tenant: String,
    pub kinds: Vec<String>,
    pub objects: u64,
    /// Domains of the tenants checked against it.
    pub tenants: Vec<String>,
    pub created_at: String,
}

/// `baseline create`.
#[derive(Clone, Debug, Default)]
pub struct CreateBaseline {
    pub name: String,
    pub from_tenant: String,
    /// Only these kinds (registry keys); all kinds the snapshot read completely when empty.
    pub kinds: Vec<String>,
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

impl Engine {
    /// Takes the tenant's latest snapshot as a new version of the named baseline.
    pub async fn create_baseline(&self, input: &CreateBaseline) -> Result<Baseline, EngineError> {
        let name = input.name.trim();
        if name.is_empty() {
            return Err(EngineError::invalid("a baseline needs a name"));
        }
        let tenant = self.tenant(&input.from_tenant).await?;
        let (snapshot, side) = self.latest_side(&tenant).await?;
        let kinds: Vec<String> = if input.kinds.is_empty() {
            snapshot.kinds.clone()
        } else {
            for k in &input.kinds {
                if !snapshot.kinds.contains(k) {
                    return Err(EngineError::invalid(format!(
                        "{} did not read kind '{k}' completely in its latest snapshot; kinds read: {}",
                        tenant.domain,
                        snapshot.kinds.join(", ")
                    )));
                }
            }
            input.kinds.clone()
        };
        let items: Vec<BaselineItem> = side
            .objects
            .iter()
            .filter(|o| kinds.contains(&o.kind))
            .map(|o| BaselineItem {
                kind: o.kind.clone(),
                object_id: o.object_id.clone(),
                display_name: name_of(o),
                hash: o.hash.clone(),
            })
            .collect();
        let refs = refs_to_json(&side.refs);
        let version = self
            .workspace
            .create_baseline(&NewBaseline {
                name,
                source_tenant_id: &tenant.id,
                snapshot_id: snapshot.id,
                kinds: &kinds,
                refs: &refs,
                items: &items,
            })
            .await?;
        self.workspace
            .append_audit(
                &actor(),
                "baseline.create",
                name,
                &json!({
                    "version": version,
                    "source_tenant_id": tenant.id,
                    "snapshot_id": snapshot.id,
                    "kinds": kinds,
                    "objects": items.len(),
                }),
            )
            .await?;
        self.baseline(name).await
    }

    /// Checks the tenant against the named baseline from now on.
    pub async fn assign_baseline(&self, name: &str, tenant: &str) -> Result<Baseline, EngineError> {
        let baseline = self.baseline(name).await?;
        let tenant = self.tenant(tenant).await?;
        if self
            .workspace
            .assign_baseline(&baseline.name, &tenant.id)
            .await?
        {
            self.workspace
                .append_audit(
                    &actor(),
                    "baseline.assign",
                    &baseline.name,
                    &json!({"tenant_id": tenant.id, "version": baseline.version}),
                )
                .await?;
        }
        self.baseline(name).await
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
        self.list_baselines()
            .await?
            .into_iter()
            .find(|b| b.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                EngineError::not_found(format!(
                    "no baseline '{name}'; create one with `tenantatlas baseline create {name} --from-tenant T`"
                ))
            })
    }
}

fn shown(b: &BaselineInfo, names: &HashMap<String, String>) -> Baseline {
    let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
    Baseline {
        name: b.name.clone(),
        version: b.version,
        source_tenant: name(&b.source_tenant_id),
        kinds: b.kinds.clone(),
        objects: b.objects,
        tenants: b.tenants.iter().map(name).collect(),
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
}
