//! Diff: what changed between two snapshots of one tenant, or between the latest snapshots of two
//! tenants, object by object and setting by setting (`tenantatlas diff`).
//!
//! Two snapshots of one tenant pair objects by id; two tenants pair them per kind by display name,
//! case-insensitively, because the same policy has a different id in every tenant. Paired objects
//! with the same content hash are equal without further work; the others go through the semantic
//! diff of `core::diff`, with each side's group, filter and named-location ids resolved to names
//! from its own tenant, so two tenants' assignments to groups of the same name compare equal.
//!
//! An object missing on one side is reported only when that side read its kind completely: a kind
//! skipped for a missing permission (or failed halfway) says nothing about what the tenant holds,
//! and such kinds are listed in [`DiffReport::not_compared`] instead.
//!
//! Every change carries its label (`ops::labels`): the setting's friendly name from the
//! workspace's settings catalog definitions or the captured object, and a one-line summary.

use crate::ops::labels::{labelled, LabelledChange};
use crate::{Engine, EngineError};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use tenantatlas_core::diff::{self as semantic, MapRefs};
use tenantatlas_core::kinds;
use tenantatlas_core::labels::SettingCatalog;
use tenantatlas_store::snapshots::{SnapshotInfo, SnapshotObject};
use tenantatlas_store::{DirectoryObject, TenantRecord};

/// One side of a diff: a tenant's snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffSide {
    pub tenant_id: String,
    pub tenant_domain: String,
    pub tenant_name: String,
    pub snapshot_id: i64,
    pub created_at: String,
}

/// How an object differs between the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffStatus {
    /// Only on the `to` side (in a tenant comparison: only in the second tenant).
    Added,
    /// Only on the `from` side (in a tenant comparison: only in the first tenant).
    Removed,
    /// On both sides, configured differently.
    Modified,
}

impl DiffStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DiffStatus::Added => "added",
            DiffStatus::Removed => "removed",
            DiffStatus::Modified => "modified",
        }
    }
}

/// One object that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectDiff {
    /// The kind's registry key (`configurationPolicies`).
    pub kind: String,
    /// The kind in the MSP's words (`Settings catalog policy`).
    pub kind_label: String,
    /// The object's id on the `from` side, or on the `to` side when it is only there.
    pub object_id: String,
    /// The object's id on the `to` side when it differs (tenant comparisons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_object_id: Option<String>,
    pub name: String,
    pub status: DiffStatus,
    /// Setting-level changes of a modified object, with their friendly names; empty for added
    /// and removed ones.
    pub changes: Vec<LabelledChange>,
}

/// How many objects are in each state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub added: u64,
    pub removed: u64,
    pub modified: u64,
    pub unchanged: u64,
}

/// What `tenantatlas diff` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffReport {
    pub from: DiffSide,
    pub to: DiffSide,
    /// Objects that differ, by kind and name.
    pub objects: Vec<ObjectDiff>,
    pub summary: DiffSummary,
    /// Kinds one side did not read completely: their added or removed objects are not reported.
    pub not_compared: Vec<String>,
}

/// What `tenantatlas diff --tenant T --object ID` reports: two versions of one object.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VersionDiff {
    pub tenant: String,
    pub kind: String,
    pub kind_label: String,
    pub object_id: String,
    /// The object's name in the newer version.
    pub name: String,
    pub from_version: u32,
    pub from_captured_at: String,
    pub to_version: u32,
    pub to_captured_at: String,
    /// Setting-level changes with their friendly names; empty when the two versions configure
    /// the same thing (they then differ only in what the semantic diff ignores).
    pub changes: Vec<LabelledChange>,
}

/// A snapshot with what the diff needs of it.
pub(crate) struct Side {
    pub(crate) objects: Vec<SnapshotObject>,
    pub(crate) refs: MapRefs,
    pub(crate) complete: HashSet<String>,
}

impl Engine {
    /// The diff of two snapshots of one tenant. `to` defaults to the latest snapshot, `from` to
    /// the one before `to`.
    pub async fn diff_snapshots(
        &self,
        tenant: &str,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<DiffReport, EngineError> {
        let tenant = self.tenant(tenant).await?;
        let snapshots = self.workspace.list_snapshots(&tenant.id).await?;
        let (from, to) = pick_snapshots(&tenant.domain, &snapshots, from, to)?;
        let groups = self.workspace.list_directory_objects(&tenant.id).await?;
        let before = self.side(from, &groups).await?;
        let after = self.side(to, &groups).await?;
        let pairs = pair_by_id(&before.objects, &after.objects);
        let catalog = self.setting_catalog().await?;
        Ok(report(
            diff_side(&tenant, from),
            diff_side(&tenant, to),
            &pairs,
            &before,
            &after,
            &catalog,
        ))
    }

    /// The diff of two tenants' latest snapshots, objects paired per kind by display name.
    pub async fn diff_tenants(&self, a: &str, b: &str) -> Result<DiffReport, EngineError> {
        let a = self.tenant(a).await?;
        let b = self.tenant(b).await?;
        if a.id == b.id {
            return Err(EngineError::invalid(format!(
                "both sides are {}; to see how a tenant changed, run `tenantatlas diff --tenant {}`",
                a.domain, a.domain
            )));
        }
        let (snap_a, side_a) = self.latest_side(&a).await?;
        let (snap_b, side_b) = self.latest_side(&b).await?;
        let pairs = pair_by_name(&side_a.objects, &side_b.objects);
        let catalog = self.setting_catalog().await?;
        Ok(report(
            diff_side(&a, &snap_a),
            diff_side(&b, &snap_b),
            &pairs,
            &side_a,
            &side_b,
            &catalog,
        ))
    }

    /// The diff of two versions of one object: `to` defaults to the latest, `from` to the one
    /// before `to`. References resolve with the tenant's current names.
    pub async fn diff_versions(
        &self,
        tenant: &str,
        object_id: &str,
        from: Option<u32>,
        to: Option<u32>,
    ) -> Result<VersionDiff, EngineError> {
        let history = self.history(tenant, object_id).await?;
        let tenant = self.tenant(tenant).await?;
        let latest = history.iter().map(|v| v.version_no).max().unwrap_or(1);
        let to = to.unwrap_or(latest);
        let from = match from {
            Some(v) => v,
            None if to > 1 => to - 1,
            None => {
                return Err(EngineError::not_found(format!(
                    "object {object_id} has only version {to}; a diff needs two (`tenantatlas history --tenant {} --object {object_id}`)",
                    tenant.domain
                )))
            }
        };
        let older = self.policy(&tenant.id, object_id, Some(from)).await?;
        let newer = self.policy(&tenant.id, object_id, Some(to)).await?;
        let kind = kinds::by_key(&newer.kind).ok_or_else(|| {
            EngineError::not_found(format!(
                "object {object_id} is of an unknown kind {}",
                newer.kind
            ))
        })?;
        let (_, side) = self.latest_side(&tenant).await?;
        let catalog = self.setting_catalog().await?;
        let changes = semantic::diff(kind, &older.content, &newer.content, &side.refs, &side.refs);
        Ok(VersionDiff {
            tenant: tenant.domain.clone(),
            kind: kind.key.to_string(),
            kind_label: kind.label.to_string(),
            object_id: newer.object_id.clone(),
            name: newer
                .content
                .get(kind.name_field)
                .and_then(|v| v.as_str())
                .unwrap_or(&newer.display_name)
                .to_string(),
            from_version: older.version_no,
            from_captured_at: older.captured_at.clone(),
            to_version: newer.version_no,
            to_captured_at: newer.captured_at.clone(),
            changes: labelled(
                kind,
                changes,
                &catalog,
                Some(&older.content),
                Some(&newer.content),
            ),
        })
    }

    pub(crate) async fn latest_side(
        &self,
        tenant: &TenantRecord,
    ) -> Result<(SnapshotInfo, Side), EngineError> {
        let snapshot = self.latest_snapshot(tenant).await?;
        let groups = self.workspace.list_directory_objects(&tenant.id).await?;
        let side = self.side(&snapshot, &groups).await?;
        Ok((snapshot, side))
    }

    /// The tenant's latest snapshot, or an error that says to sync first.
    pub(crate) async fn latest_snapshot(
        &self,
        tenant: &TenantRecord,
    ) -> Result<SnapshotInfo, EngineError> {
        self.workspace
            .latest_snapshot(&tenant.id)
            .await?
            .ok_or_else(|| {
                EngineError::not_found(format!(
                    "{} has no snapshot yet; run `tenantatlas sync --tenant {}` first",
                    tenant.domain, tenant.domain
                ))
            })
    }

    pub(crate) async fn side(
        &self,
        snapshot: &SnapshotInfo,
        directory: &[DirectoryObject],
    ) -> Result<Side, EngineError> {
        let objects = self.workspace.snapshot_objects(snapshot.id).await?;
        let refs = refs_for(directory, &objects);
        Ok(Side {
            objects,
            refs,
            complete: snapshot.kinds.iter().cloned().collect(),
        })
    }
}

fn diff_side(tenant: &TenantRecord, snapshot: &SnapshotInfo) -> DiffSide {
    DiffSide {
        tenant_id: tenant.id.clone(),
        tenant_domain: tenant.domain.clone(),
        tenant_name: tenant.name.clone(),
        snapshot_id: snapshot.id,
        created_at: snapshot.created_at.clone(),
    }
}

/// The two snapshots to compare, or an error that says how to get them.
fn pick_snapshots<'a>(
    domain: &str,
    snapshots: &'a [SnapshotInfo],
    from: Option<i64>,
    to: Option<i64>,
) -> Result<(&'a SnapshotInfo, &'a SnapshotInfo), EngineError> {
    let find = |id: i64| {
        snapshots.iter().position(|s| s.id == id).ok_or_else(|| {
            let known: Vec<String> = snapshots.iter().map(|s| s.id.to_string()).collect();
            let known = if known.is_empty() {
                format!("it has none yet; run `tenantatlas sync --tenant {domain}`")
            } else {
                format!("its snapshots are {}", known.join(", "))
            };
            EngineError::not_found(format!("{domain} has no snapshot {id}; {known}"))
        })
    };
    let too_few = || {
        EngineError::not_found(format!(
            "{domain} has {} snapshot(s) and a diff needs two; run `tenantatlas sync --tenant {domain}` again after a change",
            snapshots.len()
        ))
    };
    let to_at = match to {
        Some(id) => find(id)?,
        None => snapshots.len().checked_sub(1).ok_or_else(too_few)?,
    };
    let from_at = match from {
        Some(id) => find(id)?,
        None => to_at.checked_sub(1).ok_or_else(too_few)?,
    };
    Ok((&snapshots[from_at], &snapshots[to_at]))
}

/// Names for the ids a tenant's objects refer to: groups and users from its directory; assignment
/// filters, named locations, notification templates and apps from its own captured objects.
pub(crate) fn refs_for(directory: &[DirectoryObject], objects: &[SnapshotObject]) -> MapRefs {
    let mut refs = MapRefs::default();
    for d in directory {
        let map = match d.object_type.as_str() {
            "group" => &mut refs.groups,
            "user" => &mut refs.users,
            _ => continue,
        };
        map.insert(d.object_id.clone(), d.display_name.clone());
    }
    for o in objects {
        let map = match o.kind.as_str() {
            "assignmentFilters" => &mut refs.filters,
            "namedLocations" => &mut refs.named_locations,
            "notificationMessageTemplates" => &mut refs.notification_templates,
            "mobileApps" => &mut refs.apps,
            _ => continue,
        };
        map.insert(o.object_id.clone(), name_of(o));
    }
    refs
}

/// The object's name as captured in this snapshot, or its latest name.
pub(crate) fn name_of(object: &SnapshotObject) -> String {
    let field = kinds::by_key(&object.kind).map_or("displayName", |k| k.name_field);
    object
        .content
        .get(field)
        .and_then(|v| v.as_str())
        .unwrap_or(&object.display_name)
        .to_string()
}

pub(crate) type Pair<'a> = (Option<&'a SnapshotObject>, Option<&'a SnapshotObject>);

/// Pairs the same object in two snapshots of one tenant.
pub(crate) fn pair_by_id<'a>(
    from: &'a [SnapshotObject],
    to: &'a [SnapshotObject],
) -> Vec<Pair<'a>> {
    let mut to_by_key: HashMap<(&str, &str), &SnapshotObject> = to
        .iter()
        .map(|o| ((o.kind.as_str(), o.object_id.as_str()), o))
        .collect();
    let mut pairs: Vec<Pair<'a>> = from
        .iter()
        .map(|o| {
            let other = to_by_key.remove(&(o.kind.as_str(), o.object_id.as_str()));
            (Some(o), other)
        })
        .collect();
    pairs.extend(
        to.iter()
            .filter(|o| to_by_key.contains_key(&(o.kind.as_str(), o.object_id.as_str())))
            .map(|o| (None, Some(o))),
    );
    pairs
}

/// Pairs objects of two tenants per kind by display name, case-insensitively. Should a tenant
/// have two objects of one kind with one name, they pair in id order and any left over stands alone.
pub(crate) fn pair_by_name<'a>(a: &'a [SnapshotObject], b: &'a [SnapshotObject]) -> Vec<Pair<'a>> {
    let key = |o: &SnapshotObject| (o.kind.clone(), name_of(o).to_lowercase());
    let mut b_by_name: HashMap<(String, String), Vec<&SnapshotObject>> = HashMap::new();
    for o in b {
        b_by_name.entry(key(o)).or_default().push(o);
    }
    for list in b_by_name.values_mut() {
        // Taken from the end below, so reverse to pair in id order.
        list.reverse();
    }
    let mut pairs: Vec<Pair<'a>> = a
        .iter()
        .map(|o| (Some(o), b_by_name.get_mut(&key(o)).and_then(Vec::pop)))
        .collect();
    let mut rest: Vec<&SnapshotObject> = b_by_name.into_values().flatten().collect();
    rest.sort_by(|x, y| (&x.kind, &x.object_id).cmp(&(&y.kind, &y.object_id)));
    pairs.extend(rest.into_iter().map(|o| (None, Some(o))));
    pairs
}

/// How one pair of objects compares.
pub(crate) enum Outcome<'a> {
    /// Both sides configure the same thing (the same hash, or no change by meaning).
    Same(&'a SnapshotObject, &'a SnapshotObject),
    /// Added, removed or modified, with its labelled changes.
    Differs(ObjectDiff),
    /// Only on one side, whose other side did not read this kind completely.
    NotCompared(String),
}

/// Compares paired objects: same hash is equal, otherwise the semantic diff decides; changes are
/// labelled with `catalog`. Outcomes come in the order of `pairs`.
pub(crate) fn compare_pairs<'a>(
    pairs: &[Pair<'a>],
    before: &Side,
    after: &Side,
    catalog: &SettingCatalog,
) -> Vec<Outcome<'a>> {
    let mut out = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let outcome = match *pair {
            (Some(b), Some(a)) => {
                if b.hash == a.hash {
                    Outcome::Same(b, a)
                } else if let Some(kind) = kinds::by_key(&b.kind) {
                    let changes =
                        semantic::diff(kind, &b.content, &a.content, &before.refs, &after.refs);
                    if changes.is_empty() {
                        Outcome::Same(b, a)
                    } else {
                        let changes =
                            labelled(kind, changes, catalog, Some(&b.content), Some(&a.content));
                        Outcome::Differs(object_diff(b, Some(a), DiffStatus::Modified, changes))
                    }
                } else {
                    // A kind this build does not know: its content is compared as stored.
                    Outcome::Differs(object_diff(b, Some(a), DiffStatus::Modified, Vec::new()))
                }
            }
            (Some(b), None) if !after.complete.contains(&b.kind) => {
                Outcome::NotCompared(b.kind.clone())
            }
            (Some(b), None) => {
                Outcome::Differs(object_diff(b, None, DiffStatus::Removed, Vec::new()))
            }
            (None, Some(a)) if !before.complete.contains(&a.kind) => {
                Outcome::NotCompared(a.kind.clone())
            }
            (None, Some(a)) => {
                Outcome::Differs(object_diff(a, None, DiffStatus::Added, Vec::new()))
            }
            (None, None) => continue,
        };
        out.push(outcome);
    }
    out
}

/// The report of paired objects: what differs, sorted by kind and name, and the counts.
fn report(
    from: DiffSide,
    to: DiffSide,
    pairs: &[Pair<'_>],
    before: &Side,
    after: &Side,
    catalog: &SettingCatalog,
) -> DiffReport {
    let mut objects = Vec::new();
    let mut summary = DiffSummary::default();
    let mut not_compared = BTreeSet::new();
    for outcome in compare_pairs(pairs, before, after, catalog) {
        match outcome {
            Outcome::Same(..) => summary.unchanged += 1,
            Outcome::NotCompared(kind) => {
                not_compared.insert(kind);
            }
            Outcome::Differs(object) => {
                match object.status {
                    DiffStatus::Added => summary.added += 1,
                    DiffStatus::Removed => summary.removed += 1,
                    DiffStatus::Modified => summary.modified += 1,
                }
                objects.push(object);
            }
        }
    }
    objects.sort_by(|x, y| {
        (&x.kind, x.name.to_lowercase(), &x.object_id).cmp(&(
            &y.kind,
            y.name.to_lowercase(),
            &y.object_id,
        ))
    });
    DiffReport {
        from,
        to,
        objects,
        summary,
        not_compared: not_compared.into_iter().collect(),
    }
}

fn object_diff(
    object: &SnapshotObject,
    other: Option<&SnapshotObject>,
    status: DiffStatus,
    changes: Vec<LabelledChange>,
) -> ObjectDiff {
    let kind_label = kinds::by_key(&object.kind).map_or(object.kind.as_str(), |k| k.label);
    // The name on the newer side, when there is one: a renamed object shows as it is called now.
    let named = other.unwrap_or(object);
    ObjectDiff {
        kind: object.kind.clone(),
        kind_label: kind_label.to_string(),
        object_id: object.object_id.clone(),
        to_object_id: other
            .filter(|o| o.object_id != object.object_id)
            .map(|o| o.object_id.clone()),
        name: name_of(named),
        status,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use tenantatlas_core::diff::ChangeCategory;

    fn object(kind: &str, id: &str, content: Value) -> SnapshotObject {
        SnapshotObject {
            kind: kind.into(),
            object_id: id.into(),
            display_name: String::new(),
            hash: format!("sha256:{}", content),
            content,
        }
    }

    fn policy(id: &str, name: &str, group: &str, filter: &str) -> SnapshotObject {
        object(
            "deviceConfigurations",
            id,
            json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "displayName": name,
                "description": "standard",
                "passwordRequired": true,
                "assignments": [{"target": {
                    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                    "groupId": group,
                    "deviceAndAppManagementAssignmentFilterId": filter,
                    "deviceAndAppManagementAssignmentFilterType": "include",
                }}],
            }),
        )
    }

    fn filter(id: &str, name: &str) -> SnapshotObject {
        let mut f = object(
            "assignmentFilters",
            id,
            json!({"displayName": name, "platform": "windows10AndLater", "rule": "(device.deviceOwnership -eq \"Corporate\")"}),
        );
        // Equal content has one hash whatever the tenant.
        f.hash = format!("sha256:filter:{name}");
        f
    }

    fn group(id: &str, name: &str) -> DirectoryObject {
        DirectoryObject {
            object_id: id.into(),
            object_type: "group".into(),
            display_name: name.into(),
        }
    }

    fn side(directory: &[DirectoryObject], objects: Vec<SnapshotObject>) -> Side {
        let refs = refs_for(directory, &objects);
        Side {
            complete: objects.iter().map(|o| o.kind.clone()).collect(),
            objects,
            refs,
        }
    }

    fn snapshot(id: i64) -> SnapshotInfo {
        SnapshotInfo {
            id,
            tenant_id: "t".into(),
            run_id: format!("run-{id}"),
            created_at: format!("2026-01-0{id}T00:00:00Z"),
            object_count: 0,
            kinds: Vec::new(),
        }
    }

    fn check(before: &Side, after: &Side, by_name: bool) -> DiffReport {
        let tenant = TenantRecord::default();
        let pairs = if by_name {
            pair_by_name(&before.objects, &after.objects)
        } else {
            pair_by_id(&before.objects, &after.objects)
        };
        report(
            diff_side(&tenant, &snapshot(1)),
            diff_side(&tenant, &snapshot(2)),
            &pairs,
            before,
            after,
            &SettingCatalog::new(),
        )
    }

    #[test]
    fn tenants_pair_per_kind_by_name_case_insensitively() {
        let a = vec![
            policy("a1", "MSP - Win - Baseline", "ga", "fa"),
            object(
                "configurationPolicies",
                "a2",
                json!({"name": "Shared name", "settings": []}),
            ),
        ];
        let b = vec![
            policy("b1", "msp - WIN - baseline", "gb", "fb"),
            policy("b2", "Shared name", "gb", "fb"),
        ];
        let pairs = pair_by_name(&a, &b);
        let ids: Vec<(Option<&str>, Option<&str>)> = pairs
            .iter()
            .map(|(x, y)| {
                (
                    x.map(|o| o.object_id.as_str()),
                    y.map(|o| o.object_id.as_str()),
                )
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                (Some("a1"), Some("b1")),
                (Some("a2"), None),
                (None, Some("b2")),
            ]
        );
    }

    #[test]
    fn duplicate_names_pair_once_and_the_rest_stand_alone() {
        let a = vec![policy("a1", "Dup", "g", "f")];
        let b = vec![policy("b1", "Dup", "g", "f"), policy("b2", "DUP", "g", "f")];
        let pairs = pair_by_name(&a, &b);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].1.map(|o| o.object_id.as_str()), Some("b1"));
        assert!(pairs[1].0.is_none());
        assert_eq!(pairs[1].1.map(|o| o.object_id.as_str()), Some("b2"));
    }

    #[test]
    fn tenants_compare_referenced_names_not_ids() {
        let a = side(
            &[group("ga", "SG-Intune-Pilot-Users")],
            vec![
                policy("a1", "MSP - Win - Baseline", "ga", "fa"),
                filter("fa", "Corporate devices"),
            ],
        );
        let b = side(
            &[group("gb", "SG-Intune-Pilot-Users")],
            vec![
                policy("b1", "MSP - Win - Baseline", "gb", "fb"),
                filter("fb", "Corporate devices"),
            ],
        );
        let same = check(&a, &b, true);
        assert!(same.objects.is_empty(), "{:#?}", same.objects);
        assert_eq!(
            same.summary,
            DiffSummary {
                unchanged: 2,
                ..DiffSummary::default()
            }
        );

        // The same id in B meaning another group is a change of who gets the policy.
        let other = side(
            &[group("ga", "SG-Intune-All-Devices")],
            vec![
                policy("b1", "MSP - Win - Baseline", "ga", "fb"),
                filter("fb", "Corporate devices"),
            ],
        );
        let changed = check(&a, &other, true);
        assert_eq!(changed.summary.modified, 1, "{:#?}", changed.objects);
        let entry = &changed.objects[0];
        assert_eq!(entry.status, DiffStatus::Modified);
        assert_eq!(entry.object_id, "a1");
        assert_eq!(entry.to_object_id.as_deref(), Some("b1"));
        assert_eq!(entry.kind_label, "Device configuration");
        assert!(!entry.changes.is_empty());
        for change in &entry.changes {
            assert_eq!(
                change.change.category,
                ChangeCategory::Assignment,
                "{change:?}"
            );
        }
        let paths: Vec<&str> = entry
            .changes
            .iter()
            .map(|c| c.change.path.as_str())
            .collect();
        assert!(
            paths
                .iter()
                .any(|p| p.contains("group:SG-Intune-Pilot-Users|filter:Corporate devices")),
            "{paths:?}"
        );
        assert!(
            paths
                .iter()
                .any(|p| p.contains("group:SG-Intune-All-Devices|filter:Corporate devices")),
            "{paths:?}"
        );
        let summaries: Vec<&str> = entry
            .changes
            .iter()
            .map(|c| c.label.summary.as_str())
            .collect();
        assert!(
            summaries.contains(
                &"Assignment: group SG-Intune-Pilot-Users (filter Corporate devices, include): removed"
            ),
            "{summaries:?}"
        );
    }

    #[test]
    fn snapshots_pair_by_id_and_report_added_removed_and_modified() {
        let groups = [group("g", "SG-Intune-Pilot-Users")];
        let mut edited = policy("p1", "Baseline", "g", "f");
        edited.content["description"] = json!("edited");
        edited.hash = "sha256:edited".into();
        let before = side(
            &groups,
            vec![
                policy("p1", "Baseline", "g", "f"),
                policy("p2", "Gone", "g", "f"),
                policy("p3", "Kept", "g", "f"),
            ],
        );
        let after = side(
            &groups,
            vec![
                edited,
                policy("p3", "Kept", "g", "f"),
                policy("p4", "New", "g", "f"),
            ],
        );
        let diff = check(&before, &after, false);
        assert_eq!(
            diff.summary,
            DiffSummary {
                added: 1,
                removed: 1,
                modified: 1,
                unchanged: 1
            }
        );
        let got: Vec<(&str, DiffStatus)> = diff
            .objects
            .iter()
            .map(|o| (o.name.as_str(), o.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Baseline", DiffStatus::Modified),
                ("Gone", DiffStatus::Removed),
                ("New", DiffStatus::Added),
            ]
        );
        let changes = &diff.objects[0].changes;
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].change.path, "description");
        assert_eq!(changes[0].change.category, ChangeCategory::Property);
        assert_eq!(changes[0].change.before, Some(json!("standard")));
        assert_eq!(changes[0].change.after, Some(json!("edited")));
        assert_eq!(changes[0].label.summary, "Description: standard → edited");
    }

    #[test]
    fn kinds_read_incompletely_report_no_added_or_removed() {
        let before = side(&[], vec![policy("p1", "Only before", "g", "f")]);
        let mut after = side(&[], Vec::new());
        after.complete.clear();
        let diff = check(&before, &after, false);
        assert!(diff.objects.is_empty());
        assert_eq!(diff.not_compared, vec!["deviceConfigurations".to_string()]);
    }

    #[test]
    fn snapshot_defaults_and_not_found_errors() {
        let snapshots = [snapshot(3), snapshot(5), snapshot(8)];
        let ids = |from, to| {
            pick_snapshots("contoso.com", &snapshots, from, to).map(|(a, b)| (a.id, b.id))
        };
        assert_eq!(ids(None, None), Ok((5, 8)));
        assert_eq!(ids(None, Some(5)), Ok((3, 5)));
        assert_eq!(ids(Some(3), None), Ok((3, 8)));
        let missing = ids(Some(4), None).unwrap_err();
        assert_eq!(missing.code, crate::ErrorCode::NotFound);
        assert!(missing.message.contains("3, 5, 8"), "{}", missing.message);
        let first = ids(None, Some(3)).unwrap_err();
        assert!(
            first
                .message
                .contains("tenantatlas sync --tenant contoso.com"),
            "{}",
            first.message
        );
        let one = pick_snapshots("contoso.com", &snapshots[..1], None, None).unwrap_err();
        assert_eq!(one.code, crate::ErrorCode::NotFound);
        assert!(one.message.contains("needs two"), "{}", one.message);
    }
}
