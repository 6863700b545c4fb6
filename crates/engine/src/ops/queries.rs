//! Looking at what the workspace holds: tenants with their permission posture, policies (live
//! and deleted), one object's content at any version, its history, and runs (also as CSV).

use crate::{Engine, EngineError};
use serde::Serialize;
use tenantatlas_core::permissions;
use tenantatlas_store::{
    ObjectFilter, ObjectVersion, RunRecord, TenantRecord, TenantState, VersionInfo,
};

/// A tenant as `tenant list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TenantSummary {
    pub id: String,
    pub domain: String,
    pub name: String,
    pub state: String,
    pub last_sync: Option<String>,
    pub missing_permissions: Vec<String>,
}

/// A policy as `policies list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PolicySummary {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub deleted: bool,
}

impl Engine {
    pub async fn tenants(&self) -> Result<Vec<TenantSummary>, EngineError> {
        Ok(self
            .workspace
            .list_tenants()
            .await?
            .into_iter()
            .map(|t| TenantSummary {
                missing_permissions: permissions::missing_scope_names(&t.granted_scopes)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                id: t.id,
                domain: t.domain,
                name: t.name,
                state: t.state.as_str().to_string(),
                last_sync: t.last_sync_at,
            })
            .collect())
    }

    /// A tenant by id or domain, or a not-found error that says how to see the tenants.
    pub async fn tenant(&self, id_or_domain: &str) -> Result<TenantRecord, EngineError> {
        self.workspace.find_tenant(id_or_domain).await?.ok_or_else(|| {
            EngineError::not_found(format!(
                "no tenant '{id_or_domain}' in this workspace; run `tenantatlas tenant list` to see them"
            ))
        })
    }

    /// Archives a tenant (kept with its history, no longer synced by `sync --all`) or makes it
    /// active again; recorded in the audit log.
    pub async fn set_tenant_archived(
        &self,
        tenant: &str,
        archived: bool,
    ) -> Result<TenantRecord, EngineError> {
        let mut record = self.tenant(tenant).await?;
        let state = if archived {
            TenantState::Archived
        } else {
            TenantState::Active
        };
        self.workspace.set_tenant_state(&record.id, state).await?;
        self.workspace
            .append_audit(
                "local user",
                if archived {
                    "tenant.archive"
                } else {
                    "tenant.activate"
                },
                &record.id,
                &serde_json::json!({"domain": record.domain}),
            )
            .await?;
        record.state = state;
        Ok(record)
    }

    pub async fn policies(
        &self,
        tenant: &str,
        kind: Option<&str>,
        search: Option<&str>,
        deleted: bool,
    ) -> Result<Vec<PolicySummary>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        if let Some(kind) = kind {
            if tenantatlas_core::kinds::by_key(kind).is_none() {
                let known: Vec<&str> = tenantatlas_core::REGISTRY.iter().map(|k| k.key).collect();
                return Err(EngineError::invalid(format!(
                    "unknown kind '{kind}'; use one of: {}",
                    known.join(", ")
                )));
            }
        }
        let filter = ObjectFilter {
            kind: kind.map(|k| {
                tenantatlas_core::kinds::by_key(k)
                    .map(|k| k.key)
                    .unwrap_or(k)
                    .to_string()
            }),
            search: search.map(str::to_string),
            deleted,
        };
        Ok(self
            .workspace
            .list_objects(&tenant.id, &filter)
            .await?
            .into_iter()
            .map(|o| PolicySummary {
                id: o.object_id,
                kind: o.kind,
                name: o.display_name,
                deleted: o.deleted,
            })
            .collect())
    }

    pub async fn policy(
        &self,
        tenant: &str,
        object_id: &str,
        version: Option<u32>,
    ) -> Result<ObjectVersion, EngineError> {
        let tenant = self.tenant(tenant).await?;
        self.workspace
            .get_object(&tenant.id, object_id, version)
            .await?
            .ok_or_else(|| match version {
                Some(v) => EngineError::not_found(format!("object {object_id} has no version {v}; run `tenantatlas history --tenant {} --object {object_id}`", tenant.domain)),
                None => EngineError::not_found(format!("no object {object_id} in {}; run `tenantatlas policies list --tenant {}`", tenant.domain, tenant.domain)),
            })
    }

    pub async fn history(
        &self,
        tenant: &str,
        object_id: &str,
    ) -> Result<Vec<VersionInfo>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        let history = self.workspace.history(&tenant.id, object_id).await?;
        if history.is_empty() {
            return Err(EngineError::not_found(format!(
                "no object {object_id} in {}; run `tenantatlas policies list --tenant {}`",
                tenant.domain, tenant.domain
            )));
        }
        Ok(history)
    }

    /// Checks the hash chain of the local audit log; the number of entries when it is intact, an
    /// error naming the first entry that was changed otherwise.
    pub async fn verify_audit(&self) -> Result<u64, EngineError> {
        Ok(self.workspace.verify_audit().await?)
    }

    pub async fn runs(&self) -> Result<Vec<RunRecord>, EngineError> {
        Ok(self.workspace.list_runs().await?)
    }

    pub async fn run(&self, id: &str) -> Result<RunRecord, EngineError> {
        self.workspace.get_run(id).await?.ok_or_else(|| {
            EngineError::not_found(format!(
                "no run '{id}'; run `tenantatlas runs list` to see them"
            ))
        })
    }
}

/// Runs as CSV (RFC 4180): one row per run, the columns a spreadsheet needs.
pub fn runs_csv(runs: &[RunRecord]) -> String {
    let mut out = String::from("id,kind,tenant,status,started_at,finished_at,duration_ms,objects,versions_added,requests,graph_calls,retries,throttled,errors\n");
    for r in runs {
        let fields = [
            r.id.clone(),
            r.run_kind.clone(),
            r.tenant_id.clone().unwrap_or_default(),
            r.status.as_str().to_string(),
            r.started_at.clone(),
            r.finished_at.clone().unwrap_or_default(),
            r.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            r.objects.to_string(),
            r.versions_added.to_string(),
            r.requests.to_string(),
            r.graph_calls.to_string(),
            r.retries.to_string(),
            r.throttled.to_string(),
            r.errors.len().to_string(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    // Cells that a spreadsheet would run as a formula are neutralised.
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-5"), "-5");
    }
}
