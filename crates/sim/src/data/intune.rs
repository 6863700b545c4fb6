//! Designs for Intune device configurations, compliance, enrollment, Autopilot and Windows update
//! profiles. Property names and values follow the IntuneCD exports in `fixtures/`.

use super::portfolio::{all_devices, all_users, exclude, group, Proto, Target};
use super::{b64, obj, scripts};
use crate::model::SimObject;
use serde_json::{json, Value};

pub(crate) fn designs(kind: &str) -> Vec<Proto> {
    match kind {
        "deviceConfigurations" => device_configurations(),
        "deviceCompliancePolicies" => compliance(),
        "deviceEnrollmentConfigurations" => enrollment(),
        "windowsAutopilotDeploymentProfiles" => autopilot(),
        "windowsFeatureUpdateProfiles"
        | "windowsQualityUpdateProfiles"
        | "windowsDriverUpdateProfiles" => updates(kind),
        _ => scripts::designs(kind),
    }
}

/// Merges `extra` into `base` (both JSON objects), keeping `base`'s key order first.
pub(crate) fn merge(base: Value, extra: Value) -> Value {
    let mut map = obj(base);
    map.extend(obj(extra));
    Value::Object(map)
}

fn win() -> Vec<Target> {
    vec![
        group("SG-Intune-Windows-Devices").filter("MSP - Win - Corporate devices", "include"),
        exclude("SG-Intune-Excluded-Devices"),
    ]
}

fn config(odata: &str, name: &str, description: &str, golden: bool, extra: Value) -> Proto {
    let base = json!({
        "@odata.type": format!("#microsoft.graph.{odata}"),
        "id": "$id",
        "lastModifiedDateTime": "$modified",
        "roleScopeTagIds": ["0"],
        "supportsScopeTags": true,
        "deviceManagementApplicabilityRuleOsEdition": null,
        "deviceManagementApplicabilityRuleOsVersion": null,
        "deviceManagementApplicabilityRuleDeviceMode": null,
        "createdDateTime": "$created",
        "description": description,
        "displayName": name,
        "version": "$version",
    });
    Proto::new(merge(base, extra), golden)
}

fn mobileconfig(display: &str, payload_type: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>PayloadContent</key>\n\t<array>\n\t\t<dict>\n{body}\t\t\t<key>PayloadDisplayName</key>\n\t\t\t<string>{display}</string>\n\t\t\t<key>PayloadIdentifier</key>\n\t\t\t<string>{payload_type}.E20096C9-6BC3-485F-BD7E-B1060AE92D67</string>\n\t\t\t<key>PayloadType</key>\n\t\t\t<string>{payload_type}</string>\n\t\t\t<key>PayloadUUID</key>\n\t\t\t<string>E20096C9-6BC3-485F-BD7E-B1060AE92D67</string>\n\t\t\t<key>PayloadVersion</key>\n\t\t\t<integer>1</integer>\n\t\t</dict>\n\t</array>\n\t<key>PayloadDisplayName</key>\n\t<string>{display}</string>\n\t<key>PayloadIdentifier</key>\n\t<string>com.msp.{payload_type}</string>\n\t<key>PayloadType</key>\n\t<string>Configuration</string>\n\t<key>PayloadUUID</key>\n\t<string>477B0AA3-FFDD-40C5-AA79-617D8C1059BE</string>\n\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n</dict>\n</plist>\n"
    )
}

fn update_ring(name: &str, quality: i64, feature: i64, deadline: i64, golden: bool) -> Proto {
    config(
        "windowsUpdateForBusinessConfiguration",
        name,
        "Windows Update for Business ring",
        golden,
        json!({
            "deliveryOptimizationMode": "userDefined", "prereleaseFeatures": "userDefined", "automaticUpdateMode": "autoInstallAtMaintenanceTime",
            "microsoftUpdateServiceAllowed": true, "driversExcluded": false, "qualityUpdatesDeferralPeriodInDays": quality,
            "featureUpdatesDeferralPeriodInDays": feature, "qualityUpdatesPaused": false, "featureUpdatesPaused": false,
            "qualityUpdatesPauseExpiryDateTime": "0001-01-01T00:00:00Z", "featureUpdatesPauseExpiryDateTime": "0001-01-01T00:00:00Z",
            "businessReadyUpdatesOnly": "userDefined", "skipChecksBeforeRestart": false, "updateWeeks": null,
            "qualityUpdatesPauseStartDate": null, "featureUpdatesPauseStartDate": null, "featureUpdatesRollbackWindowInDays": 30,
            "qualityUpdatesWillBeRolledBack": false, "featureUpdatesWillBeRolledBack": false,
            "qualityUpdatesRollbackStartDateTime": "0001-01-01T00:00:00Z", "featureUpdatesRollbackStartDateTime": "0001-01-01T00:00:00Z",
            "engagedRestartDeadlineInDays": null, "engagedRestartSnoozeScheduleInDays": null, "engagedRestartTransitionScheduleInDays": null,
            "deadlineForFeatureUpdatesInDays": deadline + 5, "deadlineForQualityUpdatesInDays": deadline, "deadlineGracePeriodInDays": 2,
            "postponeRebootUntilAfterDeadline": true, "autoRestartNotificationDismissal": "notConfigured", "scheduleRestartWarningInHours": null,
            "scheduleImminentRestartWarningInMinutes": null, "userPauseAccess": "disabled", "userWindowsUpdateScanAccess": "enabled",
            "updateNotificationLevel": "defaultNotifications", "allowWindows11Upgrade": true,
            "installationSchedule": {"@odata.type": "#microsoft.graph.windowsUpdateActiveHoursInstall", "activeHoursStart": "08:00:00.0000000", "activeHoursEnd": "17:00:00.0000000"},
        }),
    )
}

fn oma(odata: &str, name: &str, uri: &str, value: Value) -> Value {
    json!({"@odata.type": format!("#microsoft.graph.{odata}"), "displayName": name, "description": null, "omaUri": uri, "secretReferenceValueId": null, "isEncrypted": false, "value": value, "isReadOnly": false})
}

fn device_configurations() -> Vec<Proto> {
    vec![
        config("windows10GeneralConfiguration", "MSP - Win - Device Restrictions", "Baseline device restrictions for corporate Windows devices", true, json!({
            "passwordRequired": true, "passwordMinimumLength": 8, "passwordRequiredType": "alphanumeric",
            "passwordMinutesOfInactivityBeforeScreenTimeout": 15, "passwordBlockSimple": true, "passwordPreviousPasswordBlockCount": 5,
            "cameraBlocked": false, "bluetoothBlocked": false, "storageBlockRemovableStorage": false, "cortanaBlocked": true,
            "defenderRequireRealTimeMonitoring": true, "edgeBlockPasswordManager": true, "settingsBlockAddProvisioningPackage": true,
            "lockScreenBlockToastNotifications": true, "gameDvrBlocked": true, "windowsSpotlightBlocked": true,
            "microsoftAccountBlocked": true, "privacyAdvertisingId": "blocked", "startMenuHideRecentlyAddedApps": true,
        })).to(win()),
        config("windows10EndpointProtectionConfiguration", "MSP - Win - Endpoint Protection", "Firewall, SmartScreen, BitLocker and Credential Guard", true, json!({
            "firewallBlockStatefulFTP": true, "firewallIdleTimeoutForSecurityAssociationInSeconds": null,
            "firewallProfileDomain": {"firewallEnabled": "allowed", "inboundConnectionsBlocked": true, "outboundConnectionsRequired": true, "stealthModeBlocked": false},
            "firewallProfilePublic": {"firewallEnabled": "allowed", "inboundConnectionsBlocked": true, "outboundConnectionsRequired": true, "stealthModeBlocked": false},
            "defenderGuardMyFoldersType": "auditMode", "smartScreenEnableInShell": true, "smartScreenBlockOverrideForFiles": true,
            "bitLockerEncryptDevice": true, "bitLockerDisableWarningForOtherDiskEncryption": true, "bitLockerAllowStandardUserEncryption": true,
            "bitLockerRecoveryPasswordRotation": "enabledForAzureAd", "applicationGuardEnabled": false,
            "deviceGuardEnableVirtualizationBasedSecurity": true, "deviceGuardLocalSystemAuthorityCredentialGuardSettings": "enableWithUEFILock",
            "localSecurityOptionsBlockMicrosoftAccounts": true, "xboxServicesEnableXboxGameSaveTask": false,
        })).to(win()),
        config("windows10CustomConfiguration", "MSP - Win - Custom OMA-URI", "Settings not yet in the settings catalog", true, json!({
            "omaSettings": [
                oma("omaSettingInteger", "Turn off Windows Copilot", "./User/Vendor/MSFT/Policy/Config/WindowsAI/TurnOffWindowsCopilot", json!(1)),
                oma("omaSettingString", "Logon message text", "./Device/Vendor/MSFT/Policy/Config/LocalPoliciesSecurityOptions/InteractiveLogon_MessageTextForUsersAttemptingToLogOn", json!("Authorised use only. Activity is monitored.")),
                oma("omaSettingInteger", "Disable fast startup", "./Device/Vendor/MSFT/Policy/Config/Power/HibernateOnBattery", json!(0)),
            ],
        })).to(win()),
        update_ring("MSP - Win - Update Ring - Broad", 7, 30, 7, true).to(vec![group("SG-Intune-Windows-Devices"), exclude("SG-Intune-Pilot-Devices")]),
        update_ring("MSP - Win - Update Ring - Pilot", 0, 0, 3, true).to(vec![group("SG-Intune-Pilot-Devices")]),
        config("iosGeneralDeviceConfiguration", "MSP - iOS - Device Restrictions", "Passcode and data restrictions for corporate iPhones", true, json!({
            "passcodeRequired": true, "passcodeMinimumLength": 6, "passcodeRequiredType": "numeric", "passcodeBlockSimple": true,
            "passcodeMinutesOfInactivityBeforeLock": 5, "passcodeSignInFailureCountBeforeWipe": 10, "appStoreBlockInAppPurchases": false,
            "cameraBlocked": false, "iCloudBlockBackup": true, "iCloudBlockDocumentSync": true, "screenCaptureBlocked": false,
            "safariBlockAutofill": true, "diagnosticDataBlockSubmission": true, "airDropBlocked": false, "enterpriseAppBlockTrust": true,
            "passcodeBlockFingerprintUnlock": false, "managedPasteboardRequired": true,
        })).to(vec![group("SG-Intune-iOS-Devices").filter("MSP - iOS - Corporate iPhones", "include")]),
        config("macOSCustomConfiguration", "MSP - macOS - Login Window", "Secure login window (mobileconfig, not in the settings catalog)", true, json!({
            "payloadName": "cfg-sec-001-login-window.mobileconfig", "payloadFileName": "cfg-sec-001-login-window.mobileconfig",
            "payload": b64(&mobileconfig("Login Window", "com.apple.loginwindow", "\t\t\t<key>DisableFDEAutoLogin</key>\n\t\t\t<true/>\n\t\t\t<key>EnableExternalAccounts</key>\n\t\t\t<false/>\n\t\t\t<key>SHOWFULLNAME</key>\n\t\t\t<true/>\n")),
            "deploymentChannel": "deviceChannel",
        })).to(vec![group("SG-Intune-macOS-Devices")]),
        config("androidWorkProfileGeneralDeviceConfiguration", "MSP - Android - Work Profile Restrictions", "Work profile separation and passcode", true, json!({
            "passwordBlockFingerprintUnlock": false, "passwordMinimumLength": 6, "passwordRequiredType": "numeric",
            "passwordMinutesOfInactivityBeforeScreenTimeout": 5, "passwordSignInFailureCountBeforeFactoryReset": 10,
            "workProfileDataSharingType": "preventAny", "workProfileBlockNotificationsWhileDeviceLocked": true,
            "workProfileBlockCrossProfileCallerId": false, "workProfileBlockCrossProfileContactsSearch": false,
            "workProfileBlockCrossProfileCopyPaste": true, "workProfileDefaultAppPermissionPolicy": "deviceDefault",
            "workProfilePasswordRequiredType": "numericComplex", "workProfilePasswordMinimumLength": 6, "workProfileRequirePassword": true,
            "securityRequireVerifyApps": true, "vpnAlwaysOnPackageIdentifier": null,
        })).to(vec![all_users().filter("MSP - Android - Personal", "include")]),
        config("windowsHealthMonitoringConfiguration", "MSP - Win - Endpoint Analytics", "Health monitoring for Endpoint analytics", true, json!({
            "allowDeviceHealthMonitoring": "enabled", "configDeviceHealthMonitoringScope": "bootPerformance,windowsUpdates", "configDeviceHealthMonitoringCustomScope": null,
        })).to(vec![all_devices()]),
        config("windowsDeliveryOptimizationConfiguration", "MSP - Win - Delivery Optimization", "Peer caching on the local network", true, json!({
            "deliveryOptimizationMode": "httpWithPeeringNat", "restrictPeerSelectionBy": "subnetMask", "groupIdSource": null,
            "bandwidthMode": {"@odata.type": "#microsoft.graph.deliveryOptimizationBandwidthPercentage", "maximumForegroundBandwidthPercentage": 80, "maximumBackgroundBandwidthPercentage": 50},
            "backgroundDownloadFromHttpDelayInSeconds": 60, "foregroundDownloadFromHttpDelayInSeconds": 60,
            "minimumRamAllowedToPeerInGigabytes": 4, "minimumDiskSizeAllowedToPeerInGigabytes": 32, "modifyCacheLocation": null,
            "minimumBatteryPercentageAllowedToUpload": 40, "maximumCacheAgeInDays": 7, "vpnPeerCaching": "notConfigured", "cacheServerHostNames": [],
        })).to(vec![group("SG-Intune-Windows-Devices")]),
        config("macOSGeneralDeviceConfiguration", "MSP - macOS - Device Restrictions", "Password and iCloud restrictions for Macs", true, json!({
            "passwordRequired": true, "passwordMinimumLength": 10, "passwordRequiredType": "alphanumeric",
            "passwordMinutesOfInactivityBeforeScreenTimeout": 15, "passwordBlockSimple": true, "airDropBlocked": false,
            "iCloudBlockDocumentSync": true, "iCloudBlockPhotoLibrary": true, "screenCaptureBlocked": false,
            "safariBlockAutofill": false, "softwareUpdatesEnforcedDelayInDays": 7,
        })).to(vec![group("SG-Intune-macOS-Devices").filter("MSP - macOS - Apple silicon", "include")]),
        config("windowsKioskConfiguration", "Legacy - Kiosk Lockdown", "Reception kiosk, single app Edge", false, json!({
            "kioskProfiles": [{
                "profileId": "8b5c3e2f-1a4d-4c6e-9f0a-2b3c4d5e6f70", "profileName": "Reception kiosk",
                "appConfiguration": {"@odata.type": "#microsoft.graph.windowsKioskSingleUWPApp", "uwpApp": {"@odata.type": "#microsoft.graph.windowsKioskUWPApp", "appUserModelId": "Microsoft.MicrosoftEdge.Stable_8wekyb3d8bbwe!App", "appId": null, "containedAppId": null, "startLayoutTileSize": "hidden", "name": "Microsoft Edge", "appType": "store", "autoLaunch": false}},
                "userAccountsConfiguration": [{"@odata.type": "#microsoft.graph.windowsKioskAutologon"}],
            }],
            "kioskBrowserDefaultUrl": "https://intranet.example.com", "kioskBrowserEnableHomeButton": true,
            "kioskBrowserRestartOnIdleTimeInMinutes": 5, "edgeKioskEnablePublicBrowsing": true, "windowsKioskForceUpdateSchedule": null,
        })).to(vec![group("SG-Intune-Kiosk-Devices")]),
        config("iosCustomConfiguration", "iOS - Wi-Fi (mobileconfig)", "Guest Wi-Fi profile exported from Apple Configurator", false, json!({
            "payloadName": "Guest Wi-Fi", "payloadFileName": "guest-wifi.mobileconfig",
            "payload": b64(&mobileconfig("Guest Wi-Fi", "com.apple.wifi.managed", "\t\t\t<key>SSID_STR</key>\n\t\t\t<string>Guest</string>\n\t\t\t<key>AutoJoin</key>\n\t\t\t<true/>\n")),
        })).to(vec![group("SG-Intune-iOS-Devices")]),
        config("windows10CustomConfiguration", "Win - Custom - USB block", "Blocks removable storage for finance", false, json!({
            "omaSettings": [oma("omaSettingInteger", "Deny removable storage", "./Device/Vendor/MSFT/Policy/Config/Storage/RemovableDiskDenyWriteAccess", json!(1))],
        })).to(vec![group("SG-Finance-Users")]),
    ]
}

fn scheduled_actions(notify: bool) -> Vec<SimObject> {
    let action = |hours: i64, kind: &str, template: &str| {
        SimObject::from_value(
            json!({"id": "$id", "gracePeriodHours": hours, "actionType": kind, "notificationTemplateId": template, "notificationMessageCCList": []}),
        )
    };
    let mut actions = vec![action(0, "block", "00000000-0000-0000-0000-000000000000")];
    if notify {
        actions.push(action(
            24,
            "notification",
            "$notif:MSP - Compliance - Warning",
        ));
        actions.push(action(
            2160,
            "retire",
            "00000000-0000-0000-0000-000000000000",
        ));
    }
    vec![
        SimObject::from_value(json!({"id": "$id", "ruleName": null}))
            .with_children("scheduledActionConfigurations", actions),
    ]
}

fn compliance_policy(odata: &str, name: &str, golden: bool, notify: bool, extra: Value) -> Proto {
    let base = json!({
        "@odata.type": format!("#microsoft.graph.{odata}"),
        "id": "$id",
        "createdDateTime": "$created",
        "description": null,
        "lastModifiedDateTime": "$modified",
        "displayName": name,
        "version": "$version",
        "roleScopeTagIds": ["0"],
    });
    let mut p = Proto::new(merge(base, extra), golden);
    p.children
        .insert("scheduledActionsForRule".into(), scheduled_actions(notify));
    p
}

fn compliance() -> Vec<Proto> {
    let threat = json!({"deviceThreatProtectionEnabled": false, "deviceThreatProtectionRequiredSecurityLevel": "unavailable", "advancedThreatProtectionRequiredSecurityLevel": "unavailable"});
    vec![
        compliance_policy("windows10CompliancePolicy", "MSP - Win - Compliance", true, true, json!({
            "passwordRequired": false, "passwordBlockSimple": false, "passwordRequiredToUnlockFromIdle": false, "passwordMinutesOfInactivityBeforeLock": null,
            "passwordExpirationDays": null, "passwordMinimumLength": null, "passwordMinimumCharacterSetCount": null, "passwordRequiredType": "deviceDefault",
            "passwordPreviousPasswordBlockCount": null, "requireHealthyDeviceReport": false, "osMinimumVersion": "10.0.19045", "osMaximumVersion": null,
            "mobileOsMinimumVersion": null, "mobileOsMaximumVersion": null, "earlyLaunchAntiMalwareDriverEnabled": false, "bitLockerEnabled": true,
            "secureBootEnabled": true, "codeIntegrityEnabled": true, "memoryIntegrityEnabled": false, "kernelDmaProtectionEnabled": false,
            "virtualizationBasedSecurityEnabled": false, "firmwareProtectionEnabled": false, "storageRequireEncryption": false,
            "activeFirewallRequired": true, "defenderEnabled": true, "defenderVersion": null, "signatureOutOfDate": true, "rtpEnabled": true,
            "antivirusRequired": true, "antiSpywareRequired": true, "deviceThreatProtectionEnabled": false, "deviceThreatProtectionRequiredSecurityLevel": "unavailable",
            "configurationManagerComplianceRequired": false, "tpmRequired": true, "deviceCompliancePolicyScript": null, "validOperatingSystemBuildRanges": [], "wslDistributions": [],
        })).to(vec![all_users().filter("MSP - Win - Virtual machines", "exclude")]),
        compliance_policy("iosCompliancePolicy", "MSP - iOS - Compliance", true, true, merge(json!({
            "passcodeBlockSimple": true, "passcodeExpirationDays": null, "passcodeMinimumLength": 6, "passcodeMinutesOfInactivityBeforeLock": 0,
            "passcodeMinutesOfInactivityBeforeScreenTimeout": 5, "passcodePreviousPasscodeBlockCount": null, "passcodeMinimumCharacterSetCount": null,
            "passcodeRequiredType": "numeric", "passcodeRequired": true, "osMinimumVersion": "18.0", "osMaximumVersion": null, "osMinimumBuildVersion": null,
            "osMaximumBuildVersion": null, "securityBlockJailbrokenDevices": true, "managedEmailProfileRequired": false, "restrictedApps": [],
        }), threat.clone())).to(vec![group("SG-Intune-iOS-Devices")]),
        compliance_policy("androidWorkProfileCompliancePolicy", "MSP - Android - Work Profile Compliance", true, true, merge(json!({
            "passwordRequired": true, "passwordMinimumLength": 6, "passwordRequiredType": "numericComplex", "passwordMinutesOfInactivityBeforeLock": 5,
            "securityPreventInstallAppsFromUnknownSources": true, "securityBlockJailbrokenDevices": true, "osMinimumVersion": "12.0", "osMaximumVersion": null,
            "securityRequireSafetyNetAttestationBasicIntegrity": true, "securityRequireSafetyNetAttestationCertifiedDevice": true,
            "securityRequireGooglePlayServices": true, "securityRequireUpToDateSecurityProviders": true, "minAndroidSecurityPatchLevel": "2025-06-01",
            "storageRequireEncryption": true, "requiredPasswordComplexity": "none",
        }), threat.clone())).to(vec![group("SG-Intune-Android-Devices")]),
        compliance_policy("macOSCompliancePolicy", "MSP - macOS - Compliance", true, true, merge(json!({
            "passwordRequired": true, "passwordBlockSimple": true, "passwordMinimumLength": 8, "passwordRequiredType": "alphanumeric",
            "passwordMinutesOfInactivityBeforeLock": 15, "osMinimumVersion": "14.0", "osMaximumVersion": null, "systemIntegrityProtectionEnabled": true,
            "storageRequireEncryption": true, "firewallEnabled": true, "firewallBlockAllIncoming": false, "firewallEnableStealthMode": true,
            "gatekeeperAllowedAppSource": "macAppStoreAndIdentifiedDevelopers",
        }), threat.clone())).to(vec![group("SG-Intune-macOS-Devices")]),
        compliance_policy("androidDeviceOwnerCompliancePolicy", "MSP - Android - Fully Managed Compliance", true, false, merge(json!({
            "passwordRequired": true, "passwordMinimumLength": 6, "passwordRequiredType": "numericComplex", "passwordMinutesOfInactivityBeforeLock": 5,
            "osMinimumVersion": "13.0", "minAndroidSecurityPatchLevel": "2025-06-01", "securityRequireSafetyNetAttestationBasicIntegrity": true,
            "securityRequireSafetyNetAttestationCertifiedDevice": true, "storageRequireEncryption": true, "securityRequireIntuneAppIntegrity": true,
        }), threat)).to(vec![group("SG-Intune-Android-Devices")]),
        compliance_policy("windows10CompliancePolicy", "Win - BYOD Compliance", false, true, json!({
            "passwordRequired": true, "passwordMinimumLength": 6, "passwordRequiredType": "numeric", "osMinimumVersion": "10.0.19045",
            "bitLockerEnabled": false, "secureBootEnabled": false, "activeFirewallRequired": true, "antivirusRequired": true, "antiSpywareRequired": true,
            "defenderEnabled": true, "rtpEnabled": true, "tpmRequired": false, "storageRequireEncryption": true,
        })).to(vec![group("SG-Intune-Pilot-Users")]),
    ]
}

fn enrollment_base(
    odata: &str,
    id: &str,
    name: &str,
    description: &str,
    priority: i64,
    config_type: &str,
    extra: Value,
) -> Value {
    let base = json!({
        "@odata.type": format!("#microsoft.graph.{odata}"),
        "id": id,
        "displayName": name,
        "description": description,
        "priority": priority,
        "createdDateTime": "$created",
        "lastModifiedDateTime": "$modified",
        "version": "$version",
        "roleScopeTagIds": ["0"],
        "deviceEnrollmentConfigurationType": config_type,
    });
    merge(base, extra)
}

fn restriction(blocked: bool, personal_blocked: bool) -> Value {
    json!({"platformBlocked": blocked, "personalDeviceEnrollmentBlocked": personal_blocked, "osMinimumVersion": null, "osMaximumVersion": null, "blockedManufacturers": [], "blockedSkus": []})
}

fn esp(
    id: &str,
    name: &str,
    description: &str,
    priority: i64,
    progress: bool,
    timeout: i64,
) -> Value {
    enrollment_base(
        "windows10EnrollmentCompletionPageConfiguration",
        id,
        name,
        description,
        priority,
        "windows10EnrollmentCompletionPageConfiguration",
        json!({
            "showInstallationProgress": progress, "blockDeviceSetupRetryByUser": !progress, "allowDeviceResetOnInstallFailure": progress,
            "allowLogCollectionOnInstallFailure": progress, "customErrorMessage": if progress { "Setup could not be completed. Please contact the service desk." } else { "" },
            "installProgressTimeoutInMinutes": timeout, "allowDeviceUseOnInstallFailure": false, "selectedMobileAppIds": [],
            "allowNonBlockingAppInstallation": false, "installQualityUpdates": progress, "trackInstallProgressForAutopilotOnly": progress,
            "disableUserStatusTrackingAfterFirstUser": progress,
        }),
    )
}

fn enrollment() -> Vec<Proto> {
    const ALL: &str = "All users and all devices";
    let p = |v: Value, golden: bool| Proto::new(v, golden);
    vec![
        p(enrollment_base("deviceEnrollmentLimitConfiguration", "$default:DefaultLimit", ALL, "This is the default Device Limit Restriction applied with the lowest priority to all users regardless of group membership.", 0, "limit", json!({"limit": 5})), true).fixed(),
        p(enrollment_base("deviceEnrollmentPlatformRestrictionsConfiguration", "$default:DefaultPlatformRestrictions", ALL, "This is the default Device Type Restriction applied with the lowest priority to all users regardless of group membership.", 0, "platformRestrictions", json!({
            "iosRestriction": restriction(false, false), "windowsRestriction": restriction(false, false), "windowsHomeSkuRestriction": restriction(false, false),
            "windowsMobileRestriction": restriction(true, false), "androidRestriction": restriction(false, false), "androidForWorkRestriction": restriction(false, false),
            "macRestriction": restriction(false, false), "macOSRestriction": restriction(false, false),
        })), true).fixed(),
        p(esp("$default:DefaultWindows10EnrollmentCompletionPageConfiguration", ALL, "This is the default enrollment status screen configuration applied with the lowest priority to all users and all devices regardless of group membership.", 0, false, 0), true).fixed(),
        p(enrollment_base("deviceEnrollmentWindowsHelloForBusinessConfiguration", "$default:DefaultWindowsHelloForBusiness", ALL, "This is the default Windows Hello for Business configuration applied with the lowest priority to all users regardless of group membership.", 0, "windowsHelloForBusiness", json!({
            "pinMinimumLength": 6, "pinMaximumLength": 127, "pinUppercaseCharactersUsage": "disallowed", "pinLowercaseCharactersUsage": "disallowed",
            "pinSpecialCharactersUsage": "disallowed", "state": "enabled", "securityDeviceRequired": true, "unlockWithBiometricsEnabled": true,
            "remotePassportEnabled": false, "pinPreviousBlockCount": 0, "pinExpirationInDays": 0, "enhancedBiometricsState": "enabled",
            "securityKeyForSignIn": "disabled", "enhancedSignInSecurity": 1,
        })), true).fixed(),
        p(esp("$id", "MSP - Win - Enrollment Status Page", "Blocks the desktop until required apps and policies are installed", 1, true, 60), true).to(vec![group("SG-Intune-Autopilot-Devices")]),
        p(enrollment_base("deviceEnrollmentLimitConfiguration", "$id", "MSP - Device limit - IT staff", "IT staff may enrol more devices", 1, "limit", json!({"limit": 15})), true).to(vec![group("SG-Intune-Admins")]),
        p(enrollment_base("deviceEnrollmentPlatformRestrictionConfiguration", "$id", "MSP - Block personal Windows enrollment", "Only corporate Windows devices may enrol", 1, "singlePlatformRestriction", json!({
            "platformType": "windows", "platformRestriction": restriction(false, true),
        })), true).to(vec![all_users()]),
        p(enrollment_base("deviceComanagementAuthorityConfiguration", "$id", "Co-management - Intune authority", "", 2, "deviceComanagementAuthorityConfiguration", json!({
            "managedDeviceAuthority": 1, "installConfigurationManagerAgent": false, "configurationManagerAgentCommandLineArgument": null,
        })), false).to(vec![group("SG-Intune-Windows-Devices")]),
    ]
}

fn autopilot_profile(odata: &str, name: &str, usage: &str, golden: bool, extra: Value) -> Proto {
    Proto::new(
        merge(
            json!({
                "@odata.type": format!("#microsoft.graph.{odata}"),
                "id": "$id",
                "displayName": name,
                "description": "",
                "language": "os-default",
                "locale": "os-default",
                "createdDateTime": "$created",
                "lastModifiedDateTime": "$modified",
                "outOfBoxExperienceSettings": {"hidePrivacySettings": true, "hideEULA": true, "userType": "standard", "deviceUsageType": usage, "skipKeyboardSelectionPage": true, "hideEscapeLink": true},
                "enrollmentStatusScreenSettings": null,
                "extractHardwareHash": true,
                "hardwareHashExtractionEnabled": true,
                "deviceNameTemplate": "MSP-%SERIAL%",
                "deviceType": "windowsPc",
                "enableWhiteGlove": true,
                "preprovisioningAllowed": true,
                "roleScopeTagIds": ["0"],
                "managementServiceAppId": null,
            }),
            extra,
        ),
        golden,
    )
}

fn autopilot() -> Vec<Proto> {
    vec![
        autopilot_profile(
            "azureADWindowsAutopilotDeploymentProfile",
            "MSP - Autopilot - User Driven",
            "singleUser",
            true,
            json!({}),
        )
        .to(vec![group("SG-Intune-Autopilot-Devices")]),
        autopilot_profile(
            "azureADWindowsAutopilotDeploymentProfile",
            "MSP - Autopilot - Self Deploying",
            "shared",
            true,
            json!({"deviceNameTemplate": "KIOSK-%RAND:5%"}),
        )
        .to(vec![group("SG-Intune-Kiosk-Devices")]),
        autopilot_profile(
            "activeDirectoryWindowsAutopilotDeploymentProfile",
            "Autopilot - Hybrid Join (legacy)",
            "singleUser",
            false,
            json!({"hybridAzureADJoinSkipConnectivityCheck": true, "deviceNameTemplate": ""}),
        )
        .to(vec![group("SG-Intune-Windows-Devices")]),
    ]
}

fn updates(kind: &str) -> Vec<Proto> {
    let base = |odata: &str, name: &str, description: &str, golden: bool, extra: Value| {
        Proto::new(
            merge(
                json!({
                    "@odata.type": format!("#microsoft.graph.{odata}"),
                    "id": "$id",
                    "displayName": name,
                    "description": description,
                    "createdDateTime": "$created",
                    "lastModifiedDateTime": "$modified",
                    "roleScopeTagIds": ["0"],
                }),
                extra,
            ),
            golden,
        )
    };
    let ring = vec![
        group("SG-Intune-Windows-Devices"),
        exclude("SG-Intune-Excluded-Devices"),
    ];
    match kind {
        "windowsFeatureUpdateProfiles" => vec![
            base("windowsFeatureUpdateProfile", "MSP - Win - Feature Update - Windows 11 24H2", "Keeps devices on Windows 11 24H2", true, json!({
                "featureUpdateVersion": "Windows 11, version 24H2", "deployableContentDisplayName": "Windows 11, version 24H2",
                "endOfSupportDate": "2026-10-13T00:00:00Z", "installLatestWindows10OnWindows11IneligibleDevice": true, "installFeatureUpdatesOptional": false,
                "rolloutSettings": {"offerStartDateTimeInUTC": null, "offerEndDateTimeInUTC": null, "offerIntervalInDays": null},
            })).to(ring.clone()),
            base("windowsFeatureUpdateProfile", "Win - Hold on 23H2", "Line-of-business app not yet certified for 24H2", false, json!({
                "featureUpdateVersion": "Windows 11, version 23H2", "deployableContentDisplayName": "Windows 11, version 23H2",
                "endOfSupportDate": "2025-11-11T00:00:00Z", "installLatestWindows10OnWindows11IneligibleDevice": false, "installFeatureUpdatesOptional": false,
                "rolloutSettings": {"offerStartDateTimeInUTC": null, "offerEndDateTimeInUTC": null, "offerIntervalInDays": null},
            })).to(vec![group("SG-Finance-Users")]),
        ],
        "windowsQualityUpdateProfiles" => vec![
            base("windowsQualityUpdateProfile", "MSP - Win - Expedite 2025.12 B", "Expedited security update", true, json!({
                "expeditedUpdateSettings": {"qualityUpdateRelease": "2025-12-09T00:00:00Z", "daysUntilForcedReboot": 1},
                "releaseDateDisplayName": "December 9, 2025 - 2025.12 B", "deployableContentDisplayName": "2025.12 B Security Updates for Windows 10 and later",
            })).to(ring.clone()),
        ],
        _ => vec![
            base("windowsDriverUpdateProfile", "MSP - Win - Drivers - Manual approval", "Drivers are approved by the MSP after pilot", true, json!({
                "approvalType": "manual", "deviceReporting": 0, "newUpdates": 0, "deploymentDeferralInDays": null,
                "inventorySyncStatus": {"lastSuccessfulSyncDateTime": "2025-12-31T22:10:05Z", "driverInventorySyncState": "success"},
            })).to(ring),
            base("windowsDriverUpdateProfile", "Win - Drivers - Automatic", "", false, json!({
                "approvalType": "automatic", "deviceReporting": 0, "newUpdates": 0, "deploymentDeferralInDays": 7,
                "inventorySyncStatus": {"lastSuccessfulSyncDateTime": "2025-12-31T22:10:05Z", "driverInventorySyncState": "success"},
            })).to(vec![group("SG-Intune-Pilot-Devices")]),
        ],
    }
}
