//! The table functions as methods, for callers that hold a `Workspace` and want no imports:
//! `workspace.find_tenant("contoso.com")` is `tenants::find_tenant(&workspace, "contoso.com")`.
//! The SQL stays in the table modules; inside a transaction, call those with `&mut *tx`.

use crate::audit::{self, AuditEntry};
use crate::baselines::{self, BaselineInfo, BaselineItem, BaselinePin, NewBaseline};
use crate::break_glass;
use crate::directory::{self, DirectoryObject};
use crate::error::Result;
use crate::findings::{self, AuditInput, EqualPairs, FindingRecord, SeenAgain};
use crate::objects::{self, ObjectFilter, ObjectSummary, ObjectVersion, VersionInfo};
use crate::packs::{self, PackRecord};
use crate::runs::{self, RunHealth, RunRecord};
use crate::settings;
use crate::severity_rules::{self, SeverityRuleRecord};
use crate::snapshots::{self, SnapshotInfo, SnapshotItem, SnapshotObject, SnapshotSummary};
use crate::tenants::{self, SignInMethod, TenantRecord, TenantState};
use crate::tokens::{self, StoredTokens};
use crate::workspace::Workspace;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use tenantatlas_core::CapturedObject;

impl Workspace {
    pub async fn upsert_directory_objects(
        &self,
        tenant_id: &str,
        objects: &[DirectoryObject],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        directory::upsert_directory_objects(&mut *tx, tenant_id, objects).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_directory_objects(&self, tenant_id: &str) -> Result<Vec<DirectoryObject>> {
        directory::list_directory_objects(self.pool(), tenant_id).await
    }

    pub async fn upsert_tenant(&self, tenant: &TenantRecord) -> Result<()> {
        tenants::upsert_tenant(self.pool(), tenant).await
    }

    pub async fn find_tenant(&self, id_or_domain: &str) -> Result<Option<TenantRecord>> {
        tenants::find_tenant(self.pool(), id_or_domain).await
    }

    pub async fn require_tenant(&self, id_or_domain: &str) -> Result<TenantRecord> {
        tenants::require_tenant(self.pool(), id_or_domain).await
    }

    pub async fn list_tenants(&self) -> Result<Vec<TenantRecord>> {
        tenants::list_tenants(self.pool()).await
    }

    pub async fn set_tenant_state(&self, tenant_id: &str, state: TenantState) -> Result<()> {
        tenants::set_tenant_state(self.pool(), tenant_id, state).await
    }

    pub async fn set_granted_scopes(&self, tenant_id: &str, scopes: &[String]) -> Result<()> {
        tenants::set_granted_scopes(self.pool(), tenant_id, scopes).await
    }

    pub async fn set_sign_in(
        &self,
        tenant_id: &str,
        scopes: &[String],
        method: SignInMethod,
    ) -> Result<()> {
        tenants::set_sign_in(self.pool(), tenant_id, scopes, method).await
    }

    pub async fn save_tokens(&self, tenant_id: &str, tokens: &StoredTokens) -> Result<()> {
        tokens::save_tokens(self.pool(), tenant_id, tokens).await
    }

    pub async fn load_tokens(&self, tenant_id: &str) -> Result<Option<StoredTokens>> {
        tokens::load_tokens(self.pool(), tenant_id).await
    }

    pub async fn commit_snapshot(
        &self,
        tenant_id: &str,
        run_id: &str,
        objects: &[CapturedObject],
        complete_kinds: &[&str],
    ) -> Result<SnapshotSummary> {
        // Write transactions start IMMEDIATE (see `Workspace::begin`); the table function nests in it.
        let mut tx = self.begin().await?;
        let out = snapshots::commit_snapshot(&mut *tx, tenant_id, run_id, objects, complete_kinds)
            .await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn list_snapshots(&self, tenant_id: &str) -> Result<Vec<SnapshotInfo>> {
        snapshots::list_snapshots(self.pool(), tenant_id).await
    }

    pub async fn snapshot_items(&self, snapshot_id: i64) -> Result<Vec<SnapshotItem>> {
        snapshots::snapshot_items(self.pool(), snapshot_id).await
    }

    pub async fn latest_snapshot(&self, tenant_id: &str) -> Result<Option<SnapshotInfo>> {
        snapshots::latest_snapshot(self.pool(), tenant_id).await
    }

    pub async fn snapshot_manifest(&self, snapshot_id: i64) -> Result<Vec<SnapshotObject>> {
        snapshots::snapshot_manifest(self.pool(), snapshot_id).await
    }

    pub async fn get_contents(
        &self,
        hashes: &[String],
    ) -> Result<std::collections::HashMap<String, Value>> {
        snapshots::get_contents(self.pool(), hashes).await
    }

    pub async fn snapshot_objects(&self, snapshot_id: i64) -> Result<Vec<SnapshotObject>> {
        snapshots::snapshot_objects(self.pool(), snapshot_id).await
    }

    pub async fn get_content(&self, hash: &str) -> Result<Option<Value>> {
        snapshots::get_content(self.pool(), hash).await
    }

    pub async fn list_objects(
        &self,
        tenant_id: &str,
        filter: &ObjectFilter,
    ) -> Result<Vec<ObjectSummary>> {
        objects::list_objects(self.pool(), tenant_id, filter).await
    }

    pub async fn get_object(
        &self,
        tenant_id: &str,
        object_id: &str,
        version: Option<u32>,
    ) -> Result<Option<ObjectVersion>> {
        objects::get_object(self.pool(), tenant_id, object_id, version).await
    }

    pub async fn history(&self, tenant_id: &str, object_id: &str) -> Result<Vec<VersionInfo>> {
        objects::history(self.pool(), tenant_id, object_id).await
    }

    /// Starts a run owned by this process (see [`Workspace::mark_abandoned_runs_interrupted`]).
    pub async fn start_run(&self, run_kind: &str, tenant_id: Option<&str>) -> Result<String> {
        let owner = crate::lock::process_owner(self.dir())?;
        runs::start_owned_run(self.pool(), run_kind, tenant_id, Some(&owner)).await
    }

    pub async fn heartbeat(&self, run_id: &str, progress: &Value) -> Result<()> {
        runs::heartbeat(self.pool(), run_id, progress).await
    }

    pub async fn finish_run(&self, run: &RunRecord) -> Result<()> {
        runs::finish_run(self.pool(), run).await
    }

    pub async fn list_runs(&self) -> Result<Vec<RunRecord>> {
        runs::list_runs(self.pool()).await
    }

    pub async fn get_run(&self, run_id: &str) -> Result<Option<RunRecord>> {
        runs::get_run(self.pool(), run_id).await
    }

    pub async fn run_health(&self, run_kind: &str) -> Result<Vec<RunHealth>> {
        runs::run_health(self.pool(), run_kind).await
    }

    pub async fn mark_stale_runs_interrupted(&self, older_than: Duration) -> Result<u64> {
        // Write transactions start IMMEDIATE (see `Workspace::begin`); the table function nests in it.
        let mut tx = self.begin().await?;
        let out = runs::mark_stale_runs_interrupted(&mut *tx, older_than).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Fails the runs whose process is gone and removes lock files dead processes left behind.
    /// Every front door calls this when it opens the workspace.
    pub async fn mark_abandoned_runs_interrupted(&self) -> Result<u64> {
        // Read first, and write only when a run is really dead: most opens find none, and a
        // command beside a live sync must not queue behind the sync's commits for nothing.
        let dead = runs::abandoned_runs(self.pool(), self.dir()).await?;
        if !dead.is_empty() {
            runs::interrupt_runs(self, &dead).await?;
        }
        crate::lock::sweep_abandoned_locks(self.dir())?;
        Ok(dead.len() as u64)
    }

    pub async fn append_audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        details: &Value,
    ) -> Result<AuditEntry> {
        // Write transactions start IMMEDIATE (see `Workspace::begin`); the table function nests in it.
        let mut tx = self.begin().await?;
        let out = audit::append_audit(&mut *tx, actor, action, subject, details).await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn list_audit(&self) -> Result<Vec<AuditEntry>> {
        audit::list_audit(self.pool()).await
    }

    pub async fn verify_audit(&self) -> Result<u64> {
        audit::verify_audit(self.pool()).await
    }

    pub async fn create_baseline(&self, new: &NewBaseline<'_>) -> Result<i64> {
        // Write transactions start IMMEDIATE (see `Workspace::begin`); the table function nests in it.
        let mut tx = self.begin().await?;
        let out = baselines::create_baseline(&mut *tx, new).await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn list_baselines(&self) -> Result<Vec<BaselineInfo>> {
        baselines::list_baselines(self.pool()).await
    }

    pub async fn baseline_items(&self, name: &str, version: i64) -> Result<Vec<BaselineItem>> {
        baselines::baseline_items(self.pool(), name, version).await
    }

    pub async fn assign_baseline(
        &self,
        name: &str,
        tenant_id: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<bool> {
        baselines::assign_baseline(self.pool(), name, tenant_id, vars).await
    }

    pub async fn unassign_baseline(&self, name: &str, tenant_id: &str) -> Result<bool> {
        baselines::unassign_baseline(self.pool(), name, tenant_id).await
    }

    pub async fn pin_object(&self, name: &str, tenant_id: &str, pin: &BaselinePin) -> Result<()> {
        baselines::pin_object(self.pool(), name, tenant_id, pin).await
    }

    pub async fn unpin_object(
        &self,
        name: &str,
        tenant_id: &str,
        kind: &str,
        item_name: &str,
    ) -> Result<bool> {
        baselines::unpin_object(self.pool(), name, tenant_id, kind, item_name).await
    }

    pub async fn list_pins(&self, name: &str, tenant_id: &str) -> Result<Vec<BaselinePin>> {
        baselines::list_pins(self.pool(), name, tenant_id).await
    }

    pub async fn last_run_started_at(&self, run_kind: &str) -> Result<Option<String>> {
        runs::last_started_at(self.pool(), run_kind).await
    }

    pub async fn list_settings(&self) -> Result<BTreeMap<String, Value>> {
        settings::list_settings(self.pool()).await
    }

    /// Sets `key` to `value` (`None` clears it back to its default) and appends the audit entry
    /// `audit` says, in one transaction.
    pub async fn change_setting(
        &self,
        key: &str,
        value: Option<&Value>,
        audit: &AuditInput,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        match value {
            Some(v) => settings::set_setting(&mut *tx, key, v).await?,
            None => {
                settings::clear_setting(&mut *tx, key).await?;
            }
        }
        audit::append_audit(
            &mut *tx,
            &audit.actor,
            &audit.action,
            &audit.subject,
            &audit.details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A tenant's break-glass accounts, in the MSP's order.
    pub async fn break_glass_accounts(&self, tenant_id: &str) -> Result<Vec<String>> {
        break_glass::list_break_glass(self.pool(), tenant_id).await
    }

    /// Replaces a tenant's break-glass accounts, with the audit entry, in one transaction.
    pub async fn set_break_glass_accounts(
        &self,
        tenant_id: &str,
        names: &[String],
        audit: &AuditInput,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        break_glass::set_break_glass(&mut tx, tenant_id, names).await?;
        audit::append_audit(
            &mut *tx,
            &audit.actor,
            &audit.action,
            &audit.subject,
            &audit.details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_severity_rule(&self, rule: &SeverityRuleRecord) -> Result<i64> {
        severity_rules::add_severity_rule(self.pool(), rule).await
    }

    pub async fn list_severity_rules(&self) -> Result<Vec<SeverityRuleRecord>> {
        severity_rules::list_severity_rules(self.pool()).await
    }

    pub async fn remove_severity_rule(&self, id: i64) -> Result<bool> {
        severity_rules::remove_severity_rule(self.pool(), id).await
    }

    pub async fn save_finding(&self, finding: &FindingRecord) -> Result<()> {
        findings::save_finding(self.pool(), finding).await
    }

    pub async fn commit_findings(
        &self,
        records: &[FindingRecord],
        seen: &SeenAgain<'_>,
        equal: &EqualPairs<'_>,
        audit: &[AuditInput],
        run: Option<&RunRecord>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        findings::commit_findings(&mut *tx, records, seen, equal, audit, run).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn equal_pairs(
        &self,
        tenant_id: &str,
        refs_digest: &str,
    ) -> Result<std::collections::HashSet<(String, String)>> {
        findings::equal_pairs(self.pool(), tenant_id, refs_digest).await
    }

    pub async fn list_findings(&self, tenant_id: Option<&str>) -> Result<Vec<FindingRecord>> {
        findings::list_findings(self.pool(), tenant_id).await
    }

    pub async fn get_finding(&self, id: &str) -> Result<Option<FindingRecord>> {
        findings::get_finding(self.pool(), id).await
    }

    pub async fn add_pack(&self, pack: &PackRecord) -> Result<i64> {
        packs::add_pack(self.pool(), pack).await
    }

    pub async fn list_packs(&self) -> Result<Vec<PackRecord>> {
        packs::list_packs(self.pool()).await
    }

    pub async fn latest_pack(&self, tenant_id: &str) -> Result<Option<PackRecord>> {
        packs::latest_pack(self.pool(), tenant_id).await
    }
}
