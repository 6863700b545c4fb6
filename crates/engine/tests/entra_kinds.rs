//! The Entra policy and role kinds, captured end to end: each is synced from the simulator, taken
//! into a baseline assigned to its own tenant, changed in one setting in the cloud (as an admin
//! would in the portal; the simulator does not model Entra writes), synced again — and drift finds
//! exactly that change, with a friendly name. A tenant whose admin never consented to the new
//! permissions syncs everything else and names exactly the Entra kinds it could not read.

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_engine::ops::findings::Finding;
use tenantatlas_engine::Engine;
use tenantatlas_sim::model::{SimObject, SimTenant};

async fn sync(engine: &Engine, domain: &str) -> tenantatlas_engine::ops::sync::SyncSummary {
    sync_expecting(engine, domain, "succeeded").await
}

async fn sync_expecting(
    engine: &Engine,
    domain: &str,
    status: &str,
) -> tenantatlas_engine::ops::sync::SyncSummary {
    let summary = common::sync_one(engine, domain).await;
    assert_eq!(summary.status, status, "{summary:?}");
    summary
}

/// The first object of `key` in the tenant for which `pick` holds.
fn object<'t>(
    tenant: &'t mut SimTenant,
    key: &str,
    pick: impl Fn(&SimObject) -> bool,
) -> &'t mut SimObject {
    tenant
        .collection_mut(key)
        .iter_mut()
        .find(|o| pick(o))
        .unwrap_or_else(|| panic!("the tenant has {key}"))
}

/// `value` switched: a boolean negated, anything else replaced by `other`.
fn switched(value: &Value, other: Value) -> Value {
    match value {
        Value::Bool(b) => json!(!b),
        _ => other,
    }
}

fn toggle(object: &mut SimObject, path: &[&str]) {
    let mut at = &mut object.body[path[0]];
    for step in &path[1..] {
        at = &mut at[*step];
    }
    *at = switched(at, json!(true));
}

/// Syncs tenant 0, takes a baseline of `kind` from it and assigns it there (no drift), lets
/// `change` edit the cloud, syncs again: drift finds exactly one modified object of `kind` with
/// one change, named `setting`.
async fn one_change_is_one_finding(
    kind: &str,
    change: impl FnOnce(&mut SimTenant),
    setting: &str,
) -> Finding {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(1, 20, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    sync(&engine, &domain).await;
    let captured = engine
        .policies(&domain, Some(kind), None, false)
        .await
        .unwrap();
    assert!(!captured.is_empty(), "{kind} is captured");

    common::baseline_of(&engine, kind, kind, &domain).await;
    engine
        .assign_baseline(kind, &domain, &BTreeMap::new())
        .await
        .unwrap();
    let (findings, not_checked) = common::drift_of(&engine, &domain).await;
    assert!(findings.is_empty(), "{kind}: {findings:#?}");
    assert!(not_checked.is_empty(), "{not_checked:?}");

    change(&mut sim.sim.world().tenants[0]);
    sync(&engine, &domain).await;
    let (findings, _) = common::drift_of(&engine, &domain).await;
    assert_eq!(findings.len(), 1, "{kind}: {findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.kind, kind);
    assert_eq!(finding.drift, "modified", "{finding:#?}");
    assert_eq!(finding.changes.len(), 1, "{finding:#?}");
    assert_eq!(
        finding.changes[0].setting.as_deref(),
        Some(setting),
        "{finding:#?}"
    );
    finding.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_strength() {
    one_change_is_one_finding(
        "authenticationStrengthPolicies",
        |t| {
            let custom = object(t, "authenticationStrengthPolicies", |o| {
                o.body["policyType"] == "custom"
            });
            custom
                .body
                .insert("allowedCombinations".into(), json!(["fido2"]));
        },
        "Allowed method combinations",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_tenant_access_partner() {
    one_change_is_one_finding(
        "crossTenantAccessPartners",
        |t| {
            toggle(
                object(t, "crossTenantAccessPartners", |_| true),
                &["inboundTrust", "isMfaAccepted"],
            )
        },
        "Inbound trust › Trust multifactor authentication from Microsoft Entra tenants",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_directory_role() {
    one_change_is_one_finding(
        "directoryRoleDefinitions",
        |t| {
            let custom = object(t, "directoryRoleDefinitions", |o| {
                o.body["isBuiltIn"] == false
            });
            toggle(custom, &["isEnabled"]);
        },
        "Is enabled",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_role_assignment() {
    let finding = one_change_is_one_finding(
        "directoryRoleAssignments",
        |t| {
            let assignment = object(t, "directoryRoleAssignments", |_| true);
            // From Global Administrator to Global Reader.
            assignment.body.insert(
                "roleDefinitionId".into(),
                json!("f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
            );
        },
        "Role",
    )
    .await;
    // Built-in roles in words, as the Entra admin center names them.
    assert_eq!(
        finding.changes[0].before_label.as_deref(),
        Some("Global Administrator"),
        "{finding:#?}"
    );
    assert_eq!(
        finding.changes[0].after_label.as_deref(),
        Some("Global Reader")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pim_eligibility() {
    one_change_is_one_finding(
        "roleEligibilityScheduleInstances",
        |t| {
            let eligibility = object(t, "roleEligibilityScheduleInstances", |_| true);
            eligibility
                .body
                .insert("endDateTime".into(), json!("2026-06-30T00:00:00Z"));
        },
        "End date time",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrative_unit() {
    one_change_is_one_finding(
        "administrativeUnits",
        |t| {
            toggle(
                object(t, "administrativeUnits", |_| true),
                &["isMemberManagementRestricted"],
            )
        },
        "Restricted management administrative unit",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terms_of_use() {
    one_change_is_one_finding(
        "agreements",
        |t| {
            toggle(
                object(t, "agreements", |_| true),
                &["isViewingBeforeAcceptanceRequired"],
            )
        },
        "Require users to expand the terms of use",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_policy() {
    one_change_is_one_finding(
        "authorizationPolicy",
        |t| {
            toggle(
                object(t, "authorizationPolicy", |_| true),
                &["defaultUserRolePermissions", "allowedToCreateApps"],
            )
        },
        "Default user role permissions › Users can register applications",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_defaults() {
    one_change_is_one_finding(
        "identitySecurityDefaultsEnforcementPolicy",
        |t| {
            toggle(
                object(t, "identitySecurityDefaultsEnforcementPolicy", |_| true),
                &["isEnabled"],
            )
        },
        "Is enabled",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_methods_policy() {
    one_change_is_one_finding(
        "authenticationMethodsPolicy",
        |t| {
            let policy = object(t, "authenticationMethodsPolicy", |_| true);
            let sms = policy
                .children
                .get_mut("authenticationMethodConfigurations")
                .and_then(|m| m.iter_mut().find(|m| m.id() == "Sms"))
                .expect("an SMS configuration");
            let state = if sms.body["state"] == "enabled" {
                "disabled"
            } else {
                "enabled"
            };
            sms.body.insert("state".into(), json!(state));
        },
        "Authentication method configurations › SMS › State",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_tenant_access_default() {
    one_change_is_one_finding(
        "crossTenantAccessPolicyDefault",
        |t| {
            toggle(
                object(t, "crossTenantAccessPolicyDefault", |_| true),
                &["inboundTrust", "isCompliantDeviceAccepted"],
            )
        },
        "Inbound trust › Trust compliant devices",
    )
    .await;
}

/// A tenant whose admin consented to the Intune permissions and Policy.Read.All but to none of the
/// new Entra permissions (nor Directory.Read.All, which would read roles and units): the sync reads
/// everything else, and the run names exactly the Entra kinds it could not read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_new_consent_everything_else_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let connected = common::connected(common::sim_config(1, 20, 5), dir.path()).await;
    let (sim, engine) = (&connected.sim, &connected.engine);
    let tenant = sim.tenants()[0].clone();
    let granted: Vec<&str> = tenantatlas_sim::model::ALL_SCOPES
        .iter()
        .copied()
        .filter(|s| !tenantatlas_sim::model::ENTRA_SCOPES.contains(s) && *s != "Directory.Read.All")
        .collect();
    common::consent_only(&connected, 0, &granted).await;
    // Kinds the consent does not cover are skipped, never failed: the run is partial.
    let summary = sync_expecting(engine, &tenant.domain, "partial").await;
    let skipped: Vec<&str> = summary
        .skipped
        .iter()
        .map(|s| s.split(':').next().unwrap_or(""))
        // Group and user names need Directory.Read.All too; that is no kind.
        .filter(|k| tenantatlas_core::kinds::by_key(k).is_some())
        .collect();
    assert_eq!(
        skipped,
        vec![
            "directoryRoleDefinitions",
            "directoryRoleAssignments",
            "roleEligibilityScheduleInstances",
            "administrativeUnits",
            "agreements",
            "breakGlassAccounts",
        ],
        "{summary:?}"
    );
    assert!(summary.errors.is_empty(), "{summary:?}");
    // Policy.Read.All still reads the Entra policies (authentication methods and strengths too),
    // and the Intune kinds are all there.
    for kind in [
        "authenticationStrengthPolicies",
        "authenticationMethodsPolicy",
        "authorizationPolicy",
        "identitySecurityDefaultsEnforcementPolicy",
        "crossTenantAccessPolicyDefault",
        "conditionalAccessPolicies",
        "configurationPolicies",
    ] {
        let captured = engine
            .policies(&tenant.domain, Some(kind), None, false)
            .await
            .unwrap();
        assert!(!captured.is_empty(), "{kind} was read");
    }
}
