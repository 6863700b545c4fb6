//! The Intune tenant-wide settings kinds, captured end to end: each is synced from the simulator,
//! taken into a baseline assigned to its own tenant, changed in one setting in the cloud (as an admin
//! would in the portal), synced again — and drift finds exactly that change, with a friendly name.
//! Singletons (one object per tenant) match by kind; a tenant without Apple MDM (its push
//! certificate is a 404) syncs fine and is not "not checked".

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_engine::ops::findings::Finding;
use tenantatlas_engine::Engine;
use tenantatlas_sim::model::SimObject;
use tenantatlas_sim::SimHandle;

async fn sync(engine: &Engine, domain: &str) {
    let run = common::sync_one(engine, domain).await;
    assert_eq!(run.status, "succeeded", "{run:?}");
}

/// Where a test changes the cloud.
enum Change {
    /// A property of the first object of a collection (`collection key`, property, new value).
    Object(&'static str, &'static str, Value),
    /// A property of a singleton below `deviceManagement` (path, property, new value).
    Singleton(&'static str, &'static str, Value),
}

fn change_in_cloud(sim: &SimHandle, tenant: usize, change: &Change) {
    let mut world = sim.sim.world();
    let tenant = &mut world.tenants[tenant];
    match change {
        Change::Object(collection, property, value) => {
            let object = tenant
                .collection_mut(collection)
                .first_mut()
                .unwrap_or_else(|| panic!("the tenant has {collection}"));
            object.body.insert(property.to_string(), value.clone());
        }
        Change::Singleton(path, property, value) => {
            let changes = tenant
                .singleton_changes
                .entry(path.to_string())
                .or_insert_with(|| json!({}));
            changes[*property] = value.clone();
        }
    }
}

/// Syncs tenant 0, takes a baseline of `kind` from it and assigns it there (no drift), makes
/// `change` in the cloud, syncs again: drift finds exactly one modified object of `kind` with one
/// change, named `setting`. `seed` is created first where the generated tenant has none.
/// Returns the object as first captured.
async fn one_change_is_one_finding(
    kind: &str,
    seed: Option<Value>,
    change: Change,
    setting: &str,
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(2, 60, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    if let (Some(seed), Change::Object(collection, ..)) = (seed, &change) {
        let mut world = sim.sim.world();
        let object = match seed.get("settings").cloned() {
            Some(Value::Array(settings)) => {
                let mut body = seed.clone();
                body.as_object_mut().unwrap().remove("settings");
                SimObject::from_value(body).with_children(
                    "settings",
                    settings.into_iter().map(SimObject::from_value).collect(),
                )
            }
            _ => SimObject::from_value(seed),
        };
        world.tenants[0].collection_mut(collection).push(object);
    }
    sync(&engine, &domain).await;
    let captured = engine
        .policies(&domain, Some(kind), None, false)
        .await
        .unwrap();
    assert!(!captured.is_empty(), "{kind} is captured");
    let first = engine
        .policy(&domain, &captured[0].id, None)
        .await
        .unwrap()
        .content;

    common::baseline_of(&engine, kind, kind, &domain).await;
    engine
        .assign_baseline(kind, &domain, &BTreeMap::new())
        .await
        .unwrap();
    let (findings, not_checked) = common::drift_of(&engine, &domain).await;
    assert!(findings.is_empty(), "{kind}: {findings:#?}");
    assert!(not_checked.is_empty(), "{not_checked:?}");

    change_in_cloud(&sim, 0, &change);
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
    first
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_wide_compliance_settings() {
    one_change_is_one_finding(
        "deviceManagementSettings",
        None,
        Change::Singleton("settings", "deviceComplianceCheckinThresholdDays", json!(3)),
        "Compliance status validity period (days)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apple_push_certificate() {
    let captured = one_change_is_one_finding(
        "applePushNotificationCertificate",
        None,
        Change::Singleton(
            "applePushNotificationCertificate",
            "appleIdentifier",
            json!("new-mdm-apple@contoso.com"),
        ),
        "Apple ID",
    )
    .await;
    assert!(captured["expirationDateTime"].is_string(), "{captured}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_google_play_connection() {
    one_change_is_one_finding(
        "androidManagedStoreAccountEnterpriseSettings",
        None,
        Change::Singleton(
            "androidManagedStoreAccountEnterpriseSettings",
            "deviceOwnerManagementEnabled",
            json!(false),
        ),
        "Corporate-owned Android devices",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_categories() {
    one_change_is_one_finding(
        "deviceCategories",
        None,
        Change::Object("deviceCategories", "description", json!("changed")),
        "Description",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_program_tokens_with_their_profiles() {
    let captured = one_change_is_one_finding(
        "depOnboardingSettings",
        None,
        Change::Object(
            "depOnboardingSettings",
            "shareTokenWithSchoolDataSyncService",
            json!(true),
        ),
        "Share token with School Data Sync",
    )
    .await;
    let profiles = captured["enrollmentProfiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1, "{captured}");
    assert_eq!(profiles[0]["supervisedModeEnabled"], true);
    assert!(captured["tokenExpirationDateTime"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_catalog_compliance_policies() {
    let captured = one_change_is_one_finding(
        "compliancePolicies",
        Some(json!({
            "@odata.type": "#microsoft.graph.deviceManagementCompliancePolicy",
            "id": "5b0f1c52-4f4a-4d7b-9a55-0c8f0e6f7a11",
            "name": "Linux - Compliance - Baseline",
            "description": "Disk encryption on Linux devices",
            "platforms": "linux",
            "technologies": "linuxMdm",
            "settingCount": 1,
            "roleScopeTagIds": ["0"],
            "settings": [{
                "id": "0",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": "linux_deviceencryption_required",
                    "choiceSettingValue": {"value": "linux_deviceencryption_required_true", "children": []}
                }
            }]
        })),
        Change::Object(
            "compliancePolicies",
            "description",
            json!("changed by hand"),
        ),
        "Description",
    )
    .await;
    assert_eq!(
        captured["settings"].as_array().unwrap().len(),
        1,
        "{captured}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compliance_partners() {
    one_change_is_one_finding(
        "complianceManagementPartners",
        Some(json!({
            "@odata.type": "#microsoft.graph.complianceManagementPartner",
            "id": "8a3e6f7d-9d0b-4a56-b4c1-7f2d7c2a1e01",
            "displayName": "Jamf Pro",
            "partnerState": "enabled",
            "macOsOnboarded": true,
            "androidOnboarded": false,
            "iosOnboarded": true,
            "macOsEnrollmentAssignments": [],
            "androidEnrollmentAssignments": [],
            "iosEnrollmentAssignments": []
        })),
        Change::Object(
            "complianceManagementPartners",
            "androidOnboarded",
            json!(true),
        ),
        "Android onboarded",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_compliance_scripts_with_their_bodies() {
    let captured = one_change_is_one_finding(
        "deviceComplianceScripts",
        None,
        Change::Object("deviceComplianceScripts", "runAs32Bit", json!(true)),
        "Run script as 32-bit process",
    )
    .await;
    // The list leaves the script out; the GET by id brings it.
    assert!(captured["detectionScriptContent"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_management_partners() {
    one_change_is_one_finding(
        "deviceManagementPartners",
        Some(json!({
            "@odata.type": "#microsoft.graph.deviceManagementPartner",
            "id": "2c7d1e4b-6f1a-4b5e-9a0d-3e8f5c6b7a02",
            "displayName": "Jamf Pro (device management)",
            "partnerAppType": "multiTenantApp",
            "partnerState": "enabled",
            "isConfigured": true,
            "whenPartnerDevicesWillBeRemovedDateTime": null,
            "whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime": null,
            "groupsRequiringPartnerEnrollment": []
        })),
        Change::Object(
            "deviceManagementPartners",
            "partnerAppType",
            json!("singleTenantApp"),
        ),
        "Partner app type",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_help_partners() {
    one_change_is_one_finding(
        "remoteAssistancePartners",
        Some(json!({
            "@odata.type": "#microsoft.graph.remoteAssistancePartner",
            "id": "7f1e2d3c-4b5a-4968-8776-5a4b3c2d1e03",
            "displayName": "TeamViewer",
            "onboardingUrl": "https://start.teamviewer.com/intune",
            "onboardingStatus": "onboarded",
            "lastConnectionDateTime": "2026-11-30T08:00:00Z"
        })),
        Change::Object(
            "remoteAssistancePartners",
            "onboardingUrl",
            json!("https://start.teamviewer.com/intune-eu"),
        ),
        "Onboarding URL",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reusable_settings() {
    one_change_is_one_finding(
        "reusablePolicySettings",
        Some(json!({
            "@odata.type": "#microsoft.graph.deviceManagementReusablePolicySetting",
            "id": "3d4c5b6a-7988-4a1b-8c2d-1e0f9a8b7c04",
            "displayName": "Approved USB devices",
            "description": "Device IDs the device control policies allow",
            "settingDefinitionId": "device_vendor_msft_defender_configuration_devicecontrol_policygroups_{groupid}_groupdata",
            "settingInstance": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance", "settingDefinitionId": "device_vendor_msft_defender_configuration_devicecontrol_policygroups_{groupid}_groupdata", "groupSettingCollectionValue": []},
            "version": 1,
            "referencingConfigurationPolicyCount": 2
        })),
        Change::Object(
            "reusablePolicySettings",
            "description",
            json!("changed by hand"),
        ),
        "Description",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpp_tokens() {
    let captured = one_change_is_one_finding(
        "vppTokens",
        None,
        Change::Object("vppTokens", "automaticallyUpdateApps", json!(false)),
        "Automatic app updates",
    )
    .await;
    assert!(captured["expirationDateTime"].is_string());
}

/// Tenant 1 never set up Apple MDM: its push certificate is a 404. It syncs fine, has no
/// certificate, and a baseline that expects one finds it missing — checked, not "not checked".
/// A tenant's singleton matches another's by kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_without_apple_mdm_syncs_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(2, 60, 5), dir.path()).await;
    let (reference, other) = (
        sim.tenants()[0].domain.clone(),
        sim.tenants()[1].domain.clone(),
    );
    sync(&engine, &reference).await;
    sync(&engine, &other).await;
    assert!(engine
        .policies(
            &other,
            Some("applePushNotificationCertificate"),
            None,
            false
        )
        .await
        .unwrap()
        .is_empty());
    for kind in [
        "applePushNotificationCertificate",
        "deviceManagementSettings",
    ] {
        common::baseline_of(&engine, kind, kind, &reference).await;
        engine
            .assign_baseline(kind, &other, &BTreeMap::new())
            .await
            .unwrap();
    }
    let (findings, not_checked) = common::drift_of(&engine, &other).await;
    assert!(not_checked.is_empty(), "{not_checked:?}");
    let apns: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == "applePushNotificationCertificate")
        .collect();
    assert_eq!(apns.len(), 1, "{findings:#?}");
    assert_eq!(apns[0].drift, "missing");
    // The tenant-wide settings exist in both: matched by kind, never missing.
    assert!(findings
        .iter()
        .filter(|f| f.kind == "deviceManagementSettings")
        .all(|f| f.drift == "modified"));
}

/// Tokens and certificates that expired or expire within 30 days are listed with the tenant,
/// drift or not; one far off is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_tokens_and_certificates_are_listed_with_the_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(2, 60, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::days(10))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    change_in_cloud(
        &sim,
        0,
        &Change::Singleton(
            "applePushNotificationCertificate",
            "expirationDateTime",
            json!(soon),
        ),
    );
    change_in_cloud(
        &sim,
        0,
        &Change::Object(
            "vppTokens",
            "expirationDateTime",
            json!("2020-01-01T00:00:00Z"),
        ),
    );
    change_in_cloud(
        &sim,
        0,
        &Change::Object(
            "depOnboardingSettings",
            "tokenExpirationDateTime",
            json!("2099-01-01T00:00:00Z"),
        ),
    );
    sync(&engine, &domain).await;
    let tenants = engine.tenants().await.unwrap();
    let tenant = tenants.iter().find(|t| t.domain == domain).unwrap();
    let listed: Vec<(&str, &str, bool)> = tenant
        .expiring
        .iter()
        .map(|e| (e.kind.as_str(), e.expires.as_str(), e.expired))
        .collect();
    assert_eq!(
        listed,
        [
            ("vppTokens", "2020-01-01T00:00:00Z", true),
            ("applePushNotificationCertificate", soon.as_str(), false),
        ]
    );
    assert_eq!(tenant.expiring[1].kind_label, "Apple MDM push certificate");
}
