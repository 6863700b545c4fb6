//! Search everywhere from the window: the top bar's Ctrl+K box asks `search {query}` on each
//! pause in typing, and shows the answer grouped by type. The engine does the work
//! (`ops::search`: every tenant's latest snapshot, indexed once per snapshot and kept in the
//! open engine, so typing only pays for matching).
//!
//! The transport types mirror the engine's as `ipc.rs` does. A hit is one tagged union
//! (`type`: tenant, object, setting, finding), so the window hands whichever the person picked
//! to one `onopen` callback; the answer repeats its query so that the window can tell an answer
//! to what it asks now from a late answer to what it asked before.

use crate::ipc::CommandError;
use crate::state::{drive, AppState};
use serde::Serialize;
use tenantatlas_engine::ops::search::{
    self as engine, HitTenant, MatchRank, SearchOptions, SearchResults,
};
use ts_rs::TS;

type Answer<T> = Result<T, CommandError>;

/// Hits the window shows per group; the rest are counted in `more`.
pub const LIMIT: usize = 50;

/// How well a hit matches, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchRank {
    Exact,
    Prefix,
    Contains,
}

impl From<MatchRank> for SearchRank {
    fn from(r: MatchRank) -> Self {
        match r {
            MatchRank::Exact => SearchRank::Exact,
            MatchRank::Prefix => SearchRank::Prefix,
            MatchRank::Contains => SearchRank::Contains,
        }
    }
}

/// One hit. Every text in it is a tenant's: shown through `visible`, never as markup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SearchHit {
    /// A tenant whose name, domain or id matched.
    Tenant {
        tenant_id: String,
        tenant_domain: String,
        tenant_name: String,
        /// `active`, `onboarding` or `archived`.
        state: String,
        rank: SearchRank,
    },
    /// An object of a tenant's latest snapshot.
    Object {
        tenant_id: String,
        tenant_domain: String,
        tenant_name: String,
        object_id: String,
        kind_label: String,
        name: String,
        rank: SearchRank,
    },
    /// One configured value of an object: its name as the policy view gives it, its raw id,
    /// and the value in words.
    Setting {
        tenant_id: String,
        tenant_domain: String,
        tenant_name: String,
        object_id: String,
        object_name: String,
        kind_label: String,
        setting: String,
        setting_id: Option<String>,
        value: String,
        rank: SearchRank,
    },
    /// A finding whose object, baseline, drift or change text matched.
    Finding {
        tenant_id: String,
        tenant_domain: String,
        tenant_name: String,
        finding_id: String,
        object: String,
        kind_label: String,
        drift: String,
        severity: String,
        state: String,
        /// The change that matched, in words.
        detail: Option<String>,
        rank: SearchRank,
    },
}

/// One group: the hits shown, and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct SearchGroup {
    pub hits: Vec<SearchHit>,
    pub total: u32,
    /// Matched but not shown.
    pub more: u32,
}

/// What `search` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct SearchAnswer {
    /// The query this answers, as it was asked.
    pub query: String,
    /// How many tenants were searched (archived ones are not).
    pub tenants_searched: u32,
    pub tenants: SearchGroup,
    pub objects: SearchGroup,
    pub settings: SearchGroup,
    pub findings: SearchGroup,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn group<T>(g: engine::SearchGroup<T>, hit: impl Fn(T) -> SearchHit) -> SearchGroup {
    SearchGroup {
        total: count(g.total),
        more: count(g.more),
        hits: g.hits.into_iter().map(hit).collect(),
    }
}

impl SearchAnswer {
    fn new(query: String, r: SearchResults) -> SearchAnswer {
        SearchAnswer {
            query,
            tenants_searched: count(r.tenants_searched),
            tenants: group(r.tenants, |h| {
                let HitTenant {
                    tenant_id,
                    tenant_domain,
                    tenant_name,
                } = h.tenant;
                SearchHit::Tenant {
                    tenant_id,
                    tenant_domain,
                    tenant_name,
                    state: h.state,
                    rank: h.rank.into(),
                }
            }),
            objects: group(r.objects, |h| SearchHit::Object {
                tenant_id: h.tenant.tenant_id,
                tenant_domain: h.tenant.tenant_domain,
                tenant_name: h.tenant.tenant_name,
                object_id: h.object_id,
                kind_label: h.kind_label,
                name: h.name,
                rank: h.rank.into(),
            }),
            settings: group(r.settings, |h| SearchHit::Setting {
                tenant_id: h.tenant.tenant_id,
                tenant_domain: h.tenant.tenant_domain,
                tenant_name: h.tenant.tenant_name,
                object_id: h.object_id,
                object_name: h.object_name,
                kind_label: h.kind_label,
                setting: h.setting,
                setting_id: h.setting_id,
                value: h.value,
                rank: h.rank.into(),
            }),
            findings: group(r.findings, |h| SearchHit::Finding {
                tenant_id: h.tenant.tenant_id,
                tenant_domain: h.tenant.tenant_domain,
                tenant_name: h.tenant.tenant_name,
                finding_id: h.finding_id,
                object: h.object,
                kind_label: h.kind_label,
                drift: h.drift,
                severity: h.severity,
                state: h.state,
                detail: h.detail,
                rank: h.rank.into(),
            }),
        }
    }
}

impl AppState {
    /// Searches every active tenant of the open workspace for `query`.
    pub async fn search(&self, query: String) -> Answer<SearchAnswer> {
        let opened = self.opened().await?;
        let options = SearchOptions {
            limit: LIMIT,
            ..SearchOptions::default()
        };
        let results = drive(opened.engine.search(&query, &options))?;
        Ok(SearchAnswer::new(query, results))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_workspace_search_says_so() {
        let state = AppState::default();
        let code = state.search("bitlocker".into()).await.unwrap_err().code;
        assert_eq!(code, ErrorCode::NoWorkspace);
    }

    /// The demo searched as the Ctrl+K box does: a setting in several tenants with its value,
    /// a tenant by name, and an empty query that finds nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_is_searched_across_its_tenants() {
        let state = Arc::new(AppState::default());
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();

        let answer = state
            .search("bitlocker recovery password rotation".into())
            .await
            .unwrap();
        assert_eq!(answer.query, "bitlocker recovery password rotation");
        assert!(answer.tenants_searched > 1);
        let tenants: std::collections::BTreeSet<&str> = answer
            .settings
            .hits
            .iter()
            .filter_map(|h| match h {
                SearchHit::Setting {
                    tenant_id,
                    setting,
                    value,
                    ..
                } if setting == "Configure Recovery Password Rotation" => {
                    assert!(value.starts_with("Refresh"), "{value}");
                    Some(tenant_id.as_str())
                }
                _ => None,
            })
            .collect();
        assert!(tenants.len() > 1, "{answer:#?}");
        assert_eq!(
            answer.settings.total,
            count(answer.settings.hits.len()) + answer.settings.more
        );

        let rows = state.portfolio().await.unwrap();
        let by_name = state.search(rows[0].name.clone()).await.unwrap();
        assert!(matches!(
            &by_name.tenants.hits[0],
            SearchHit::Tenant { tenant_id, rank: SearchRank::Exact, .. } if *tenant_id == rows[0].id
        ));

        let nothing = state.search("  ".into()).await.unwrap();
        assert_eq!(nothing.tenants_searched, 0);
        assert!(nothing.settings.hits.is_empty() && nothing.tenants.hits.is_empty());
    }
}
