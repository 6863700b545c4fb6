//! Compare: any two of a tenant's latest snapshot, a tenant's older snapshot, or a baseline, side
//! by side by meaning — what only one side has, what both configure differently, and what both
//! configure alike (the desktop app's Compare screen).
//!
//! It is `tenantatlas diff` generalised, on the same pairing and semantic diff (`ops::diff`): two
//! snapshots of one tenant pair objects by id, anything else pairs them per kind by name. A
//! baseline side is its latest version's objects with the name maps it keeps; when the other side
//! is a tenant the baseline is assigned to, its name templates are rendered with that tenant's
//! values first, so "{prefix} - Win - BitLocker" pairs with "Contoso - Win - BitLocker" as drift
//! pairs them. Pins are drift's business and are not followed here.

use crate::ops::baselines::{placeholders_of, refs_from_json, render};
use crate::ops::diff::{
    compare_pairs, name_of, pair_by_id, pair_by_name, DiffStatus, Outcome, Side,
};
use crate::ops::labels::LabelledChange;
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tenantatlas_core::kinds;
use tenantatlas_store::snapshots::SnapshotObject;

/// One side of a comparison, as asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompareSide {
    /// A tenant's snapshot: its latest when `snapshot` is `None`.
    Tenant {
        tenant: String,
        snapshot: Option<i64>,
    },
    /// A baseline's latest version.
    Baseline { name: String },
}

/// What one side turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SideFacts {
    Tenant {
        tenant_id: String,
        domain: String,
        name: String,
        snapshot_id: i64,
        /// When the snapshot was taken.
        taken_at: String,
        /// Whether it is the tenant's latest snapshot.
        latest: bool,
    },
    Baseline {
        name: String,
        version: i64,
        created_at: String,
    },
}

/// How an object compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compared {
    OnlyLeft,
    OnlyRight,
    Different,
    Same,
}

/// One object of either side, paired with its counterpart when there is one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparedObject {
    pub kind: String,
    pub kind_label: String,
    /// The name on the right when the object is there, else on the left.
    pub name: String,
    pub left_id: Option<String>,
    pub right_id: Option<String>,
    pub status: Compared,
    /// What the right side configures differently from the left, setting by setting; empty unless
    /// `Different`.
    pub changes: Vec<LabelledChange>,
}

/// How many objects are in each state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ComparedCounts {
    pub only_left: u64,
    pub only_right: u64,
    pub different: u64,
    pub same: u64,
}

/// Two sides compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub left: SideFacts,
    pub right: SideFacts,
    /// Every object of both sides, by kind and name.
    pub objects: Vec<ComparedObject>,
    pub counts: ComparedCounts,
    /// Kinds a side did not read completely: objects of them found on one side only are left out.
    pub not_compared: Vec<String>,
}

/// A snapshot of a tenant, for picking one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotEntry {
    pub id: i64,
    pub taken_at: String,
    pub objects: u64,
}

/// A side read: its facts, its objects, and for a baseline its placeholders.
struct Loaded {
    facts: SideFacts,
    side: Side,
    placeholders: Vec<String>,
    /// For a baseline: each tenant's placeholder values, by tenant id.
    vars: BTreeMap<String, BTreeMap<String, String>>,
}

impl Engine {
    /// The tenant's snapshots, newest first.
    pub async fn snapshots(&self, tenant: &str) -> Result<Vec<SnapshotEntry>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        let mut list: Vec<SnapshotEntry> = self
            .workspace
            .list_snapshots(&tenant.id)
            .await?
            .into_iter()
            .map(|s| SnapshotEntry {
                id: s.id,
                taken_at: s.created_at,
                objects: s.object_count,
            })
            .collect();
        list.reverse();
        Ok(list)
    }

    /// Compares `left` with `right` by meaning: every object of both, with the changes from left
    /// to right of those configured differently.
    pub async fn compare(
        &self,
        left: &CompareSide,
        right: &CompareSide,
    ) -> Result<Comparison, EngineError> {
        if left == right {
            return Err(EngineError::invalid(
                "both sides are the same; pick another tenant, snapshot or baseline for one of them",
            ));
        }
        let mut l = self.load_side(left).await?;
        let mut r = self.load_side(right).await?;
        render_for(&mut l, &r.facts);
        render_for(&mut r, &l.facts);
        let same_tenant = match (&l.facts, &r.facts) {
            (SideFacts::Tenant { tenant_id: a, .. }, SideFacts::Tenant { tenant_id: b, .. }) => {
                a == b
            }
            _ => false,
        };
        let pairs = if same_tenant {
            pair_by_id(&l.side.objects, &r.side.objects)
        } else {
            pair_by_name(&l.side.objects, &r.side.objects)
        };
        let catalog = self.setting_catalog().await?;
        let mut objects = Vec::new();
        let mut counts = ComparedCounts::default();
        let mut not_compared = BTreeSet::new();
        for outcome in compare_pairs(&pairs, &l.side, &r.side, &catalog) {
            let object = match outcome {
                Outcome::NotCompared(kind) => {
                    not_compared.insert(kind);
                    continue;
                }
                Outcome::Same(a, b) => ComparedObject {
                    kind: b.kind.clone(),
                    kind_label: kind_label(&b.kind),
                    name: name_of(b),
                    left_id: Some(a.object_id.clone()),
                    right_id: Some(b.object_id.clone()),
                    status: Compared::Same,
                    changes: Vec::new(),
                },
                Outcome::Differs(d) => {
                    let (status, left_id, right_id) = match d.status {
                        DiffStatus::Removed => (Compared::OnlyLeft, Some(d.object_id), None),
                        DiffStatus::Added => (Compared::OnlyRight, None, Some(d.object_id)),
                        DiffStatus::Modified => {
                            let right = d.to_object_id.unwrap_or_else(|| d.object_id.clone());
                            (Compared::Different, Some(d.object_id), Some(right))
                        }
                    };
                    ComparedObject {
                        kind: d.kind,
                        kind_label: d.kind_label,
                        name: d.name,
                        left_id,
                        right_id,
                        status,
                        changes: d.changes,
                    }
                }
            };
            match object.status {
                Compared::OnlyLeft => counts.only_left += 1,
                Compared::OnlyRight => counts.only_right += 1,
                Compared::Different => counts.different += 1,
                Compared::Same => counts.same += 1,
            }
            objects.push(object);
        }
        objects.sort_by(|x, y| {
            (&x.kind_label, x.name.to_lowercase()).cmp(&(&y.kind_label, y.name.to_lowercase()))
        });
        Ok(Comparison {
            left: l.facts,
            right: r.facts,
            objects,
            counts,
            not_compared: not_compared.into_iter().collect(),
        })
    }

    async fn load_side(&self, side: &CompareSide) -> Result<Loaded, EngineError> {
        match side {
            CompareSide::Tenant { tenant, snapshot } => {
                let tenant = self.tenant(tenant).await?;
                let latest = self.latest_snapshot(&tenant).await?;
                let (info, side) = self.snapshot_side(&tenant, *snapshot).await?;
                Ok(Loaded {
                    facts: SideFacts::Tenant {
                        tenant_id: tenant.id.clone(),
                        domain: tenant.domain.clone(),
                        name: tenant.name.clone(),
                        snapshot_id: info.id,
                        taken_at: info.created_at.clone(),
                        latest: info.id == latest.id,
                    },
                    side,
                    placeholders: Vec::new(),
                    vars: BTreeMap::new(),
                })
            }
            CompareSide::Baseline { name } => {
                let info = self.baseline_info(name).await?;
                let items = self
                    .workspace
                    .baseline_items(&info.name, info.version)
                    .await?;
                let hashes: Vec<String> = items
                    .iter()
                    .map(|i| i.hash.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let contents = self.workspace.get_contents(&hashes).await?;
                let mut objects = Vec::with_capacity(items.len());
                for item in items {
                    let content = contents
                        .get(&item.hash)
                        .cloned()
                        .ok_or_else(|| EngineError::missing_content(&item.hash))?;
                    objects.push(SnapshotObject {
                        kind: item.kind,
                        object_id: item.object_id,
                        display_name: item.display_name,
                        hash: item.hash,
                        content,
                    });
                }
                Ok(Loaded {
                    facts: SideFacts::Baseline {
                        name: info.name.clone(),
                        version: info.version,
                        created_at: info.created_at.clone(),
                    },
                    side: Side {
                        objects,
                        refs: refs_from_json(&info.refs),
                        complete: info.kinds.iter().cloned().collect(),
                    },
                    placeholders: placeholders_of(&info.refs),
                    vars: info.vars.clone(),
                })
            }
        }
    }
}

/// A baseline's name templates rendered with the values of the tenant on the other side, when it
/// is assigned to that tenant with values for all of them; otherwise the names stay templates.
fn render_for(loaded: &mut Loaded, other: &SideFacts) {
    let SideFacts::Tenant { tenant_id, .. } = other else {
        return;
    };
    if loaded.placeholders.is_empty() {
        return;
    }
    let Some(vars) = loaded.vars.get(tenant_id) else {
        return;
    };
    for object in &mut loaded.side.objects {
        let Ok(name) = render(&object.display_name, &loaded.placeholders, vars) else {
            continue;
        };
        let field = kinds::by_key(&object.kind).map_or("displayName", |k| k.name_field);
        if let Some(Value::String(stored)) = object.content.get_mut(field) {
            *stored = name.clone();
        }
        object.display_name = name;
    }
}

fn kind_label(kind: &str) -> String {
    kinds::by_key(kind).map_or(kind, |k| k.label).to_string()
}
