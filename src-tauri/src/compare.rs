//! The Compare screen's commands: a tenant's snapshots to pick from, and any two sides — a
//! tenant's latest snapshot, an older one, or a baseline — compared by meaning (`Engine::compare`):
//! every object of both with what only one side has, what differs setting by setting in words (raw
//! values as text beside them), and what is the same.

use crate::ipc::CommandError;
use crate::state::{drive, AppState};
use crate::tenant::ChangeLine;
use serde::{Deserialize, Serialize};
use tenantatlas_engine::ops::compare::{
    CompareSide, Compared, ComparedObject as EngineObject, Comparison, SideFacts,
};
use ts_rs::TS;

type Answer<T> = Result<T, CommandError>;

/// One side, as the window asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SidePick {
    /// A tenant's snapshot: the latest when `snapshot` is `None`.
    Tenant {
        tenant: String,
        snapshot: Option<i32>,
    },
    Baseline {
        name: String,
    },
}

impl From<SidePick> for CompareSide {
    fn from(p: SidePick) -> Self {
        match p {
            SidePick::Tenant { tenant, snapshot } => CompareSide::Tenant {
                tenant,
                snapshot: snapshot.map(i64::from),
            },
            SidePick::Baseline { name } => CompareSide::Baseline { name },
        }
    }
}

/// One side, as it turned out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SideTitle {
    /// The tenant's name, or the baseline's.
    pub title: String,
    /// "contoso.onmicrosoft.com · latest snapshot", "baseline version 2".
    pub subtitle: String,
    /// When the snapshot was taken or the baseline version made.
    pub at: String,
    pub is_baseline: bool,
}

impl From<SideFacts> for SideTitle {
    fn from(f: SideFacts) -> Self {
        match f {
            SideFacts::Tenant {
                domain,
                name,
                taken_at,
                latest,
                snapshot_id,
                ..
            } => SideTitle {
                title: name,
                subtitle: if latest {
                    format!("{domain} · latest snapshot")
                } else {
                    format!("{domain} · snapshot {snapshot_id}")
                },
                at: taken_at,
                is_baseline: false,
            },
            SideFacts::Baseline {
                name,
                version,
                created_at,
            } => SideTitle {
                title: name,
                subtitle: format!("baseline, version {version}"),
                at: created_at,
                is_baseline: true,
            },
        }
    }
}

/// How an object compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CompareStatus {
    OnlyLeft,
    OnlyRight,
    Different,
    Same,
}

/// One difference of a different object: in words, with its path and raw values on demand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CompareChange {
    #[serde(flatten)]
    #[ts(flatten)]
    pub line: ChangeLine,
    /// Where, in the compared form (`settings[…].value`).
    pub path: String,
    /// The raw values, pretty JSON text; `None` where a side has none.
    pub raw_left: Option<String>,
    pub raw_right: Option<String>,
}

/// One object of either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CompareRow {
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub left_id: Option<String>,
    pub right_id: Option<String>,
    pub status: CompareStatus,
    /// From left to right; empty unless `different`.
    pub changes: Vec<CompareChange>,
}

/// Two sides compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CompareResult {
    pub left: SideTitle,
    pub right: SideTitle,
    pub rows: Vec<CompareRow>,
    pub only_left: u32,
    pub only_right: u32,
    pub different: u32,
    pub same: u32,
    /// Kinds in words a side did not read completely: what only one side has of them is not shown.
    pub not_compared: Vec<String>,
}

/// A tenant's snapshot to pick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SnapshotChoice {
    pub id: i32,
    pub taken_at: String,
    pub objects: u32,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

fn raw(v: Option<&serde_json::Value>) -> Option<String> {
    v.map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
}

impl From<EngineObject> for CompareRow {
    fn from(o: EngineObject) -> Self {
        CompareRow {
            status: match o.status {
                Compared::OnlyLeft => CompareStatus::OnlyLeft,
                Compared::OnlyRight => CompareStatus::OnlyRight,
                Compared::Different => CompareStatus::Different,
                Compared::Same => CompareStatus::Same,
            },
            changes: o
                .changes
                .into_iter()
                .map(|c| CompareChange {
                    path: c.change.path.clone(),
                    raw_left: raw(c.change.before.as_ref()),
                    raw_right: raw(c.change.after.as_ref()),
                    line: ChangeLine::from(c),
                })
                .collect(),
            kind: o.kind,
            kind_label: o.kind_label,
            name: o.name,
            left_id: o.left_id,
            right_id: o.right_id,
        }
    }
}

impl From<Comparison> for CompareResult {
    fn from(c: Comparison) -> Self {
        CompareResult {
            left: c.left.into(),
            right: c.right.into(),
            rows: c.objects.into_iter().map(CompareRow::from).collect(),
            only_left: n(c.counts.only_left),
            only_right: n(c.counts.only_right),
            different: n(c.counts.different),
            same: n(c.counts.same),
            not_compared: c
                .not_compared
                .iter()
                .map(|k| {
                    tenantatlas_core::kinds::by_key(k)
                        .map_or(k.as_str(), |k| k.label)
                        .to_string()
                })
                .collect(),
        }
    }
}

impl AppState {
    /// The tenant's snapshots, newest first.
    pub async fn snapshots(&self, tenant: &str) -> Answer<Vec<SnapshotChoice>> {
        let opened = self.opened().await?;
        let list = opened.engine.snapshots(tenant).await?;
        Ok(list
            .into_iter()
            .map(|s| SnapshotChoice {
                id: i32::try_from(s.id).unwrap_or(i32::MAX),
                taken_at: s.taken_at,
                objects: n(s.objects),
            })
            .collect())
    }

    /// `left` and `right` compared by meaning.
    pub async fn compare(&self, left: SidePick, right: SidePick) -> Answer<CompareResult> {
        let opened = self.opened().await?;
        let (left, right) = (CompareSide::from(left), CompareSide::from(right));
        let compared = drive(opened.engine.compare(&left, &right))?;
        Ok(compared.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_compare_screen_compares_demo_tenants_and_the_golden_baseline() {
        let state = Arc::new(AppState::default());
        assert_eq!(
            state.snapshots("t1").await.unwrap_err().code,
            ErrorCode::NoWorkspace
        );
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();
        let golden = state
            .baselines()
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.name == "MSP golden")
            .unwrap();
        let tenant = |t: &str| SidePick::Tenant {
            tenant: t.to_string(),
            snapshot: None,
        };
        let (reference, other) = (&golden.source_tenant, &golden.tenants[0]);
        let result = state
            .compare(tenant(reference), tenant(other))
            .await
            .unwrap();
        assert!(!result.left.is_baseline && result.left.subtitle.ends_with("latest snapshot"));
        assert_eq!(
            (result.only_left + result.only_right + result.different + result.same) as usize,
            result.rows.len()
        );
        let different = result
            .rows
            .iter()
            .find(|r| r.status == CompareStatus::Different && !r.changes.is_empty())
            .expect("the demo tenants differ");
        let change = &different.changes[0];
        assert!(!change.line.summary.is_empty() && !change.path.is_empty());
        assert!(change.raw_left.is_some() || change.raw_right.is_some());

        let against = state
            .compare(
                SidePick::Baseline {
                    name: golden.name.clone(),
                },
                tenant(other),
            )
            .await
            .unwrap();
        assert!(against.left.is_baseline);
        assert!(against.same + against.different > 0);

        let snapshots = state.snapshots(other).await.unwrap();
        assert!(!snapshots.is_empty() && snapshots[0].objects > 0);
        let same = state
            .compare(tenant(other), tenant(other))
            .await
            .unwrap_err();
        assert_eq!(same.code, ErrorCode::InvalidInput);
    }
}
