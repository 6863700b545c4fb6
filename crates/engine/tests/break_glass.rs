//! Break-glass accounts end to end: named for a tenant, read by a sync (the user, its groups) and
//! described from the same sync's Conditional Access policies and Entra roles; a baseline of them
//! finds exactly the account a new policy reaches, or an account deleted; a tenant whose consent
//! does not cover them names them among what it could not read.

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_engine::Engine;

async fn sync(engine: &Engine, domain: &str) -> tenantatlas_engine::ops::sync::SyncSummary {
    common::sync_one(engine, domain).await
}

/// The captured break-glass accounts of a tenant, by name, as `policies show --json` gives them.
async fn accounts(engine: &Engine, domain: &str) -> BTreeMap<String, Value> {
    let listed = engine
        .policies(domain, Some("breakGlassAccounts"), None, false)
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    for object in listed {
        let shown = engine.policy(domain, &object.id, None).await.unwrap();
        out.insert(object.name.clone(), shown.content.clone());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_that_forgets_the_break_glass_exclusion_is_one_high_finding() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(1, 40, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();

    // Nothing named: nothing captured, and the sync is whole.
    let first = sync(&engine, &domain).await;
    assert_eq!(first.status, "succeeded", "{first:?}");
    assert_eq!(first.counts.get("breakGlassAccounts"), Some(&0));

    let named = engine
        .set_break_glass_accounts(
            &domain,
            &[
                format!("BreakGlass@{domain}"),
                format!("admin@{domain}"),
                format!("gone@{domain}"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(named[0], format!("breakglass@{domain}"));
    let summary = sync(&engine, &domain).await;
    assert_eq!(summary.status, "succeeded", "{summary:?}");
    assert_eq!(summary.counts.get("breakGlassAccounts"), Some(&3));
    // A name the tenant has no user for is said at once, not only when a baseline misses it.
    assert_eq!(summary.warnings.len(), 1, "{summary:?}");
    assert!(
        summary.warnings[0].contains(&format!("gone@{domain} does not exist")),
        "{summary:?}"
    );

    let found = accounts(&engine, &domain).await;
    let first = &found["Break-glass account 1"];
    assert_eq!(
        first["userPrincipalName"],
        json!(format!("breakglass@{domain}"))
    );
    assert_eq!(first["accountExists"], json!(true));
    assert_eq!(first["accountEnabled"], json!(true));
    assert_eq!(first["activeRoles"], json!(["Global Administrator"]));
    assert!(first["memberOf"]
        .as_array()
        .unwrap()
        .contains(&json!("SG-CA-BreakGlass-Exclude")));
    assert_eq!(
        first["conditionalAccessPoliciesApplying"],
        json!([]),
        "{first:#}"
    );
    // The admin is reached by the enabled policies (MFA for admins, legacy sign-in blocked…).
    let admin = &found["Break-glass account 2"];
    assert!(
        !admin["conditionalAccessPoliciesApplying"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{admin:#}"
    );
    let gone = &found["Break-glass account 3"];
    assert_eq!(gone["accountExists"], json!(false), "{gone:#}");

    // The baseline: this tenant's accounts as they stand.
    common::baseline_of(&engine, "Emergency access", "breakGlassAccounts", &domain).await;
    engine
        .assign_baseline("Emergency access", &domain, &BTreeMap::new())
        .await
        .unwrap();
    let (findings, not_checked) = common::drift_of(&engine, &domain).await;
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(not_checked.is_empty(), "{not_checked:?}");

    // A Conditional Access policy edited in the portal: its break-glass exclusions removed.
    let policy_name = {
        let mut world = sim.sim.world();
        let policy = world.tenants[0]
            .collection_mut("policies")
            .iter_mut()
            .find(|p| p.body["state"] == "enabled")
            .expect("an enabled policy");
        policy.body["conditions"]["users"]["excludeUsers"] = json!([]);
        policy.body["conditions"]["users"]["excludeGroups"] = json!([]);
        policy.body["displayName"].as_str().unwrap().to_string()
    };
    let summary = sync(&engine, &domain).await;
    assert_eq!(summary.status, "succeeded", "{summary:?}");
    let (findings, _) = common::drift_of(&engine, &domain).await;
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.kind, "breakGlassAccounts");
    assert_eq!(finding.object, "Break-glass account 1");
    assert_eq!(finding.severity, "high", "{finding:#?}");
    assert_eq!(finding.changes.len(), 1, "{finding:#?}");
    let change = &finding.changes[0];
    assert!(
        change.path.starts_with("conditionalAccessPoliciesApplying"),
        "{change:#?}"
    );
    assert_eq!(
        change.setting.as_deref(),
        Some("Enabled Conditional Access policies that apply to it"),
        "{change:#?}"
    );
    assert!(
        serde_json::to_string(change)
            .unwrap()
            .contains(&policy_name),
        "the finding names the policy: {change:#?}"
    );
}

/// Names are checked before they are stored, and an unknown tenant is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_checked_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(1, 10, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    let error = engine
        .set_break_glass_accounts(&domain, &["not an account".to_string()])
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not a user principal name"),
        "{error}"
    );
    assert!(engine
        .break_glass_accounts(&domain)
        .await
        .unwrap()
        .is_empty());
    let error = engine
        .set_break_glass_accounts("nowhere.example", &[format!("bg@{domain}")])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no tenant"), "{error}");

    engine
        .set_break_glass_accounts(&domain, &[format!("bg@{domain}")])
        .await
        .unwrap();
    engine.set_break_glass_accounts(&domain, &[]).await.unwrap();
    assert!(engine
        .break_glass_accounts(&domain)
        .await
        .unwrap()
        .is_empty());
    let audit = engine.workspace().list_audit().await.unwrap();
    let changes: Vec<&Value> = audit
        .iter()
        .filter(|e| e.action == "tenant.break_glass")
        .map(|e| &e.details)
        .collect();
    assert_eq!(changes.len(), 2, "{audit:#?}");
    assert_eq!(changes[0]["after"], json!([format!("bg@{domain}")]));
    assert_eq!(changes[1]["after"], json!([]));
}

/// Named accounts in a tenant whose consent no longer reads Conditional Access: the accounts are
/// skipped with the reason, the run is partial, and the accounts captured before are not deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_conditional_access_the_accounts_are_skipped_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let connected = common::connected(common::sim_config(1, 20, 5), dir.path()).await;
    let (sim, engine) = (&connected.sim, &connected.engine);
    let tenant = sim.tenants()[0].clone();
    engine
        .set_break_glass_accounts(&tenant.domain, &[format!("breakglass@{}", tenant.domain)])
        .await
        .unwrap();
    assert_eq!(sync(engine, &tenant.domain).await.status, "succeeded");

    let granted: Vec<&str> = tenantatlas_sim::model::ALL_SCOPES
        .iter()
        .copied()
        .filter(|s| !s.starts_with("Policy."))
        .collect();
    common::consent_only(&connected, 0, &granted).await;
    let summary = sync(engine, &tenant.domain).await;
    assert_eq!(summary.status, "partial", "{summary:?}");
    assert!(summary.errors.is_empty(), "{summary:?}");
    let skipped = summary
        .skipped
        .iter()
        .find(|s| s.starts_with("breakGlassAccounts:"))
        .unwrap_or_else(|| panic!("{summary:?}"));
    assert!(skipped.contains("Conditional Access policies"), "{skipped}");
    assert_eq!(summary.deleted, 0, "{summary:?}");
    let found = accounts(engine, &tenant.domain).await;
    assert_eq!(found.len(), 1, "the account captured before is still there");
}
