//! Tenant-wide Intune settings that backup tools read besides policies: device categories, Apple
//! and Android enrolment connections, compliance and management partners, custom compliance
//! scripts, reusable settings, VPP tokens, and the singletons `applePushNotificationCertificate`,
//! `androidManagedStoreAccountEnterpriseSettings` and `deviceManagement/settings`.
//!
//! They are not part of the portfolio: `--objects` counts configuration objects only, and these
//! come on top. Each tenant's come from a stream of their own, seeded by the tenant's id (itself
//! drawn from `--seed`), so adding them moved no generated object, id or timestamp of the
//! portfolio, and the same seed still gives the same cloud.
//!
//! What a typical MSP customer has: a few device categories; Apple MDM (push certificate) in about
//! two tenants of three, an Apple Business Manager token and a VPP token in some of those; a bound
//! Managed Google Play account in some tenants; a custom compliance script now and then; and no
//! settings-catalog compliance policies, compliance or device management partners, remote
//! assistance partners or reusable settings. Fixed rules tests rely on: tenant 0 has all of what
//! some tenants have (Apple MDM with ABM and VPP tokens, Managed Google Play, a compliance script,
//! device categories); tenant 1 has none of it (no Apple MDM: its push certificate is a 404).

use super::{b64, Gen, DAY, NOW};
use crate::model::{SimObject, SimTenant};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The collections (keys of `kinds::KINDS`) this module fills; the portfolio's quotas leave them out.
pub const KEYS: &[&str] = &[
    "deviceCategories",
    "depOnboardingSettings",
    "compliancePolicies",
    "complianceManagementPartners",
    "deviceComplianceScripts",
    "deviceManagementPartners",
    "remoteAssistancePartners",
    "reusablePolicySettings",
    "vppTokens",
];

/// What a tenant has set up, drawn once per tenant so that collections and singletons agree.
#[derive(Clone, Copy, Debug)]
struct Profile {
    apple: bool,
    dep: bool,
    vpp: bool,
    android: bool,
    compliance_script: bool,
    categories: usize,
}

fn stream(label: &str, tenant_id: &str) -> Gen {
    let digest = Sha256::digest(format!("{label}:{tenant_id}").as_bytes());
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&digest[..8]);
    Gen::new(u64::from_le_bytes(seed))
}

fn profile(tenant_id: &str, index: usize) -> Profile {
    let mut gen = stream("tenant-settings-profile", tenant_id);
    let apple = gen.chance(0.65);
    let drawn = Profile {
        apple,
        dep: apple && gen.chance(0.5),
        vpp: apple && gen.chance(0.6),
        android: gen.chance(0.4),
        compliance_script: gen.chance(0.25),
        categories: if gen.chance(0.2) {
            0
        } else {
            gen.range(2, 5) as usize
        },
    };
    match index {
        0 => Profile {
            apple: true,
            dep: true,
            vpp: true,
            android: true,
            compliance_script: true,
            categories: drawn.categories.max(2),
        },
        1 => Profile {
            apple: false,
            dep: false,
            vpp: false,
            android: false,
            compliance_script: false,
            categories: 0,
        },
        _ => drawn,
    }
}

/// The tenant's short name for generated names ("Contoso" of "Contoso Ltd").
fn org(tenant: &SimTenant) -> String {
    tenant
        .name
        .split([' ', ','])
        .next()
        .unwrap_or("Tenant")
        .to_string()
}

fn recent(gen: &mut Gen, min_days: i64, max_days: i64) -> String {
    let secs = gen.days_ago(min_days, max_days);
    gen.stamp(secs)
}

fn ahead(gen: &mut Gen, min_days: i64, max_days: i64) -> String {
    let secs = NOW + gen.range(min_days * DAY, max_days * DAY);
    super::graph_time(secs, None)
}

/// Fills the tenant-wide collections of a freshly generated tenant, the `index`th of the cloud
/// (every key of [`KEYS`], empty where the tenant has none).
pub(crate) fn add(tenant: &mut SimTenant, index: usize) {
    let p = profile(&tenant.id, index);
    let mut gen = stream("tenant-settings", &tenant.id);
    let org = org(tenant);
    let domain = tenant.domain.clone();
    let name = tenant.name.clone();
    let mut put = |key: &str, items: Vec<SimObject>| {
        tenant.collections.insert(key.to_string(), items);
    };
    put(
        "deviceCategories",
        device_categories(&mut gen, p.categories),
    );
    put(
        "depOnboardingSettings",
        if p.dep {
            vec![dep_token(&mut gen, &org, &domain)]
        } else {
            Vec::new()
        },
    );
    put(
        "deviceComplianceScripts",
        if p.compliance_script {
            vec![compliance_script(&mut gen, &org)]
        } else {
            Vec::new()
        },
    );
    put(
        "vppTokens",
        if p.vpp {
            vec![vpp_token(&mut gen, &org, &name, &domain)]
        } else {
            Vec::new()
        },
    );
    for key in [
        "compliancePolicies",
        "complianceManagementPartners",
        "deviceManagementPartners",
        "remoteAssistancePartners",
        "reusablePolicySettings",
    ] {
        put(key, Vec::new());
    }
}

const CATEGORIES: &[(&str, &str)] = &[
    ("Corporate laptops", "Windows laptops owned by the company"),
    (
        "Shared devices",
        "Shared PCs, kiosks and front-desk devices",
    ),
    ("Personal devices", "Devices owned by employees (BYOD)"),
    (
        "Warehouse scanners",
        "Rugged Android devices in the warehouse",
    ),
    ("Executive devices", "Devices of the management team"),
    ("Meeting rooms", "Teams Rooms and Surface Hubs"),
    (
        "Developers",
        "Developer workstations with local admin rights",
    ),
];

fn device_categories(gen: &mut Gen, count: usize) -> Vec<SimObject> {
    let start = gen.below(CATEGORIES.len());
    (0..count.min(CATEGORIES.len()))
        .map(|i| {
            let (name, description) = CATEGORIES[(start + i) % CATEGORIES.len()];
            SimObject::from_value(json!({
                "@odata.type": "#microsoft.graph.deviceCategory",
                "id": gen.guid(),
                "displayName": name,
                "description": description,
                "roleScopeTagIds": ["0"],
            }))
        })
        .collect()
}

fn dep_token(gen: &mut Gen, org: &str, domain: &str) -> SimObject {
    let id = gen.guid();
    let tenant_part = gen.guid();
    let profile = json!({
        "@odata.type": "#microsoft.graph.depIOSEnrollmentProfile",
        "id": format!("{id}_{}", gen.guid()),
        "displayName": format!("{org} - iOS - Corporate (ADE)"),
        "description": "Automated Device Enrollment for company iPhones and iPads",
        "requiresUserAuthentication": true,
        "configurationEndpointUrl": format!("https://appleconfigurator2.manage.microsoft.com/MDMServiceConfig?id={tenant_part}&AADTenantId={tenant_part}"),
        "enableAuthenticationViaCompanyPortal": true,
        "requireCompanyPortalOnSetupAssistantEnrolledDevices": false,
        "isDefault": true,
        "supervisedModeEnabled": true,
        "supportDepartment": "IT Service Desk",
        "isMandatory": true,
        "locationServicesSetupPaneDisabled": false,
        "privacyPaneDisabled": true,
        "passCodeDisabled": false,
        "restoreBlocked": true,
        "appleIdDisabled": true,
        "termsAndConditionsDisabled": true,
        "touchIdDisabled": false,
        "siriDisabled": true,
        "diagnosticsDisabled": true,
        "supportPhoneNumber": "+49 89 1234567",
        "enableSharedIPad": false,
        "userlessSharedAadModeEnabled": false,
        "deviceNameTemplate": null,
    });
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.depOnboardingSetting",
        "id": id,
        "appleIdentifier": format!("abm-admin@{domain}"),
        "tokenExpirationDateTime": ahead(gen, 40, 360),
        "lastModifiedDateTime": recent(gen, 30, 300),
        "lastSuccessfulSyncDateTime": recent(gen, 0, 1),
        "lastSyncTriggeredDateTime": recent(gen, 0, 1),
        "shareTokenWithSchoolDataSyncService": false,
        "lastSyncErrorCode": 0,
        "tokenType": "dep",
        "tokenName": format!("{org} ABM"),
        "syncedDeviceCount": gen.range(5, 400),
        "dataSharingConsentGranted": true,
        "roleScopeTagIds": ["0"],
    }))
    .with_children("enrollmentProfiles", vec![SimObject::from_value(profile)])
}

fn compliance_script(gen: &mut Gen, org: &str) -> SimObject {
    let script = "# Reports whether BitLocker protects the OS drive and its recovery key is escrowed.\n\
        $volume = Get-BitLockerVolume -MountPoint $env:SystemDrive\n\
        $escrowed = (Get-WinEvent -LogName 'Microsoft-Windows-BitLocker/BitLocker Management' -MaxEvents 50 |\n\
            Where-Object Id -eq 845).Count -gt 0\n\
        @{ ProtectionStatus = [string]$volume.ProtectionStatus; RecoveryKeyEscrowed = $escrowed } | ConvertTo-Json -Compress\n";
    let created = gen.days_ago(60, 700);
    let modified = gen.range(created, NOW - 3600);
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.deviceComplianceScript",
        "id": gen.guid(),
        "publisher": org,
        "version": "1",
        "displayName": "Win - BitLocker recovery key escrowed",
        "description": "Custom compliance: the OS drive is protected and its recovery key is in Entra ID",
        "detectionScriptContent": b64(script),
        "createdDateTime": gen.stamp(created),
        "lastModifiedDateTime": gen.stamp(modified),
        "runAsAccount": "system",
        "enforceSignatureCheck": false,
        "runAs32Bit": false,
        "roleScopeTagIds": ["0"],
    }))
}

fn vpp_token(gen: &mut Gen, org: &str, name: &str, domain: &str) -> SimObject {
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.vppToken",
        "id": gen.guid(),
        "organizationName": name,
        "vppTokenAccountType": "business",
        "appleId": format!("abm-admin@{domain}"),
        "expirationDateTime": ahead(gen, 30, 360),
        "lastSyncDateTime": recent(gen, 0, 1),
        "token": null,
        "lastModifiedDateTime": recent(gen, 30, 300),
        "state": "valid",
        "tokenActionResults": [],
        "lastSyncStatus": "completed",
        "automaticallyUpdateApps": true,
        "countryOrRegion": "de",
        "dataSharingConsentGranted": true,
        "displayName": format!("{org} VPP"),
        "locationName": format!("{org} apps and books"),
        "claimTokenManagementFromExternalMdm": false,
        "roleScopeTagIds": ["0"],
    }))
}

/// The paths (from the version root) of the singletons below `deviceManagement` that this tenant,
/// the `index`th of the cloud, serves: its compliance settings and Managed Google Play binding
/// always (unbound where it has none), its Apple push certificate only where Apple MDM is set up.
pub fn singleton_paths(tenant: &SimTenant, index: usize) -> Vec<&'static str> {
    let mut paths = vec![
        "deviceManagement/settings",
        "deviceManagement/androidManagedStoreAccountEnterpriseSettings",
    ];
    if profile(&tenant.id, index).apple {
        paths.push("deviceManagement/applePushNotificationCertificate");
    }
    paths
}

/// The tenant's singletons, as the service returns them (without `@odata.context`).
pub(crate) struct Singletons {
    /// `None`: the tenant has not set up Apple MDM, and the service answers 404.
    pub apple_push_notification_certificate: Option<Value>,
    pub android_managed_store_account_enterprise_settings: Value,
    /// `deviceManagementSettings`, the `settings` property of `deviceManagement`.
    pub settings: Value,
    /// `deviceManagement` itself, `settings` included.
    pub device_management: Value,
}

/// The singletons of a tenant; computed on each read from the tenant's own stream, so that they
/// cost no state and stay the same for the tenant's lifetime.
pub(crate) fn singletons(tenant: &SimTenant, index: usize) -> Singletons {
    let p = profile(&tenant.id, index);
    let mut gen = stream("tenant-singletons", &tenant.id);
    let org = org(tenant);
    let apns_id = gen.guid();
    let topic = gen.guid();
    let serial: String = (0..8).map(|_| format!("{:02X}", gen.below(256))).collect();
    let apple = p.apple.then(|| {
        json!({
            "@odata.type": "#microsoft.graph.applePushNotificationCertificate",
            "id": apns_id,
            "appleIdentifier": format!("mdm-apple@{}", tenant.domain),
            "topicIdentifier": format!("com.apple.mgmt.External.{topic}"),
            "lastModifiedDateTime": recent(&mut gen, 20, 330),
            "expirationDateTime": ahead(&mut gen, 20, 340),
            "certificateUploadStatus": null,
            "certificateUploadFailureReason": null,
            "certificateSerialNumber": serial,
            "certificate": null,
        })
    });
    let android_id = gen.guid();
    let android = if p.android {
        json!({
            "@odata.type": "#microsoft.graph.androidManagedStoreAccountEnterpriseSettings",
            "id": android_id,
            "bindStatus": "bound",
            "lastAppSyncDateTime": recent(&mut gen, 0, 1),
            "lastAppSyncStatus": "success",
            "ownerUserPrincipalName": format!("{}.android.enterprise@gmail.com", org.to_lowercase()),
            "ownerOrganizationName": tenant.name,
            "lastModifiedDateTime": recent(&mut gen, 30, 600),
            "enrollmentTarget": "all",
            "targetGroupIds": [],
            "deviceOwnerManagementEnabled": true,
            "companyCodes": [],
            "androidDeviceOwnerFullyManagedEnrollmentEnabled": true,
            "managedGooglePlayEnterpriseType": "managedGoogleDomain",
        })
    } else {
        json!({
            "@odata.type": "#microsoft.graph.androidManagedStoreAccountEnterpriseSettings",
            "id": android_id,
            "bindStatus": "notBound",
            "lastAppSyncDateTime": "0001-01-01T00:00:00Z",
            "lastAppSyncStatus": "success",
            "ownerUserPrincipalName": null,
            "ownerOrganizationName": null,
            "lastModifiedDateTime": "0001-01-01T00:00:00Z",
            "enrollmentTarget": "none",
            "targetGroupIds": [],
            "deviceOwnerManagementEnabled": false,
            "companyCodes": [],
            "androidDeviceOwnerFullyManagedEnrollmentEnabled": false,
            "managedGooglePlayEnterpriseType": "notManagedGooglePlay",
        })
    };
    let settings = json!({
        "deviceComplianceCheckinThresholdDays": *gen.pick(&[30, 30, 14, 7]),
        "isScheduledActionEnabled": true,
        "secureByDefault": gen.chance(0.7),
        "enhancedJailBreak": gen.chance(0.5),
        "deviceInactivityBeforeRetirementInDay": 0,
        "derivedCredentialProvider": "notConfigured",
        "derivedCredentialUrl": null,
        "androidDeviceAdministratorEnrollmentEnabled": false,
        "ignoreDevicesForUnsupportedSettingsEnabled": false,
        "enableLogCollection": true,
        "enableAutopilotDiagnostics": true,
        "enableEnhancedTroubleshootingExperience": false,
        "enableDeviceGroupMembershipReport": false,
        "m365AppDiagnosticsEnabled": false,
    });
    let device_management = json!({
        "@odata.type": "#microsoft.graph.deviceManagement",
        "id": gen.guid(),
        "subscriptionState": "active",
        "subscriptions": "intune,office365",
        "intuneAccountId": gen.guid(),
        "accountMoveCompletionDateTime": null,
        "maximumDepTokens": 2000,
        "adminConsent": {"shareAPNSData": if p.apple { "granted" } else { "notConfigured" }},
        "settings": settings.clone(),
    });
    Singletons {
        apple_push_notification_certificate: apple,
        android_managed_store_account_enterprise_settings: android,
        settings,
        device_management,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{generate, GenerateOptions};
    use super::*;
    use crate::kinds::KINDS;

    fn tenants(seed: u64) -> Vec<SimTenant> {
        generate(&GenerateOptions {
            seed,
            tenants: 30,
            objects_per_tenant: 40,
        })
        .tenants
    }

    #[test]
    fn every_key_is_a_served_collection_and_every_tenant_has_them_all() {
        for key in KEYS {
            assert!(KINDS.iter().any(|k| k.key == *key), "{key} is not in KINDS");
        }
        for t in tenants(3) {
            for key in KEYS {
                assert!(t.collections.contains_key(*key), "{key} in {}", t.name);
            }
        }
    }

    #[test]
    fn deterministic_and_realistic() {
        let (a, b) = (tenants(9), tenants(9));
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
            assert_eq!(
                singletons(x, 5).device_management,
                singletons(y, 5).device_management
            );
        }
        let count = |key: &str| -> usize { a.iter().map(|t| t.collection(key).len()).sum() };
        assert!(
            count("deviceCategories") > 30,
            "a few categories per tenant"
        );
        assert!(a
            .iter()
            .any(|t| t.collection("deviceCategories").is_empty()));
        assert!(count("depOnboardingSettings") > 0 && count("vppTokens") > 0);
        for key in [
            "compliancePolicies",
            "complianceManagementPartners",
            "reusablePolicySettings",
        ] {
            assert_eq!(count(key), 0, "{key}");
        }
        let apple = a
            .iter()
            .enumerate()
            .filter(|(i, t)| {
                singletons(t, *i)
                    .apple_push_notification_certificate
                    .is_some()
            })
            .count();
        assert!(
            apple > 5 && apple < 30,
            "{apple} of 30 tenants use Apple MDM"
        );
        for (i, t) in a.iter().enumerate() {
            // Apple Business Manager and VPP tokens need Apple MDM.
            if !t.collection("vppTokens").is_empty()
                || !t.collection("depOnboardingSettings").is_empty()
            {
                assert!(singletons(t, i)
                    .apple_push_notification_certificate
                    .is_some());
            }
            let names: std::collections::HashSet<_> = t
                .collection("deviceCategories")
                .iter()
                .map(|o| o.body["displayName"].clone())
                .collect();
            assert_eq!(names.len(), t.collection("deviceCategories").len());
        }
    }
}
