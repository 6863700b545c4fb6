//! Designs for app protection (MAM), app configuration and mobile apps. Values follow Microsoft's
//! app protection framework (level 2 / 3) in `fixtures/Intune-Config-Frameworks`.

use super::b64;
use super::intune::merge;
use super::portfolio::{all_users, exclude, group, Proto};
use serde_json::{json, Value};

pub(crate) fn designs(kind: &str) -> Vec<Proto> {
    match kind {
        "iosManagedAppProtections" => ios_mam(),
        "androidManagedAppProtections" => android_mam(),
        "windowsManagedAppProtections" => windows_mam(),
        "targetedManagedAppConfigurations" => targeted_configs(),
        "mobileAppConfigurations" => app_configs(),
        _ => mobile_apps(),
    }
}

const IOS_APPS: &[&str] = &[
    "com.microsoft.Office.Outlook",
    "com.microsoft.skype.teams",
    "com.microsoft.msedge",
    "com.microsoft.skydrive",
    "com.microsoft.Office.Word",
    "com.microsoft.Office.Excel",
];
const ANDROID_APPS: &[&str] = &[
    "com.microsoft.office.outlook",
    "com.microsoft.teams",
    "com.microsoft.emmx",
    "com.microsoft.skydrive",
    "com.microsoft.office.word",
    "com.microsoft.office.excel",
];

fn managed_apps(platform: &str, ids: &[&str]) -> Vec<Value> {
    ids.iter()
        .map(|id| {
            let identifier = match platform {
                "ios" => json!({"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": id}),
                "android" => json!({"@odata.type": "#microsoft.graph.androidMobileAppIdentifier", "packageId": id}),
                _ => json!({"@odata.type": "#microsoft.graph.windowsAppIdentifier", "windowsAppId": id}),
            };
            json!({"@odata.type": "#microsoft.graph.managedMobileApp", "id": format!("{id}.{platform}"), "mobileAppIdentifier": identifier, "version": "-1"})
        })
        .collect()
}

fn mam_base(odata: &str, name: &str, description: &str, extra: Value) -> Value {
    merge(
        json!({
            "@odata.type": format!("#microsoft.graph.{odata}"),
            "id": "$id",
            "displayName": name,
            "description": description,
            "createdDateTime": "$created",
            "lastModifiedDateTime": "$modified",
            "roleScopeTagIds": ["0"],
            "version": "$version",
            "isAssigned": "$assigned",
        }),
        extra,
    )
}

fn common_mam(level3: bool) -> Value {
    let a = json!({
        "periodOfflineBeforeAccessCheck": "PT12H", "periodOnlineBeforeAccessCheck": "PT30M",
        "allowedInboundDataTransferSources": "allApps", "allowedOutboundDataTransferDestinations": "managedApps",
        "organizationalCredentialsRequired": false, "allowedOutboundClipboardSharingLevel": if level3 { "managedApps" } else { "managedAppsWithPasteIn" },
        "dataBackupBlocked": true, "deviceComplianceRequired": true, "managedBrowserToOpenLinksRequired": true, "saveAsBlocked": true,
    });
    let b = json!({
        "periodOfflineBeforeWipeIsEnforced": "P90D", "pinRequired": true, "maximumPinRetries": 5, "simplePinBlocked": level3,
        "minimumPinLength": if level3 { 6 } else { 4 }, "pinCharacterSet": "numeric", "periodBeforePinReset": "PT0S",
        "allowedDataStorageLocations": ["oneDriveForBusiness", "sharePoint"], "contactSyncBlocked": false, "printBlocked": level3,
        "fingerprintBlocked": false, "disableAppPinIfDevicePinIsSet": false, "maximumRequiredOsVersion": null, "maximumWarningOsVersion": null,
        "maximumWipeOsVersion": null, "minimumWarningOsVersion": null, "minimumRequiredAppVersion": null, "minimumWarningAppVersion": null,
    });
    let c = json!({
        "minimumWipeOsVersion": null, "minimumWipeAppVersion": null, "appActionIfDeviceComplianceRequired": "block",
        "appActionIfMaximumPinRetriesExceeded": "block", "pinRequiredInsteadOfBiometricTimeout": "PT12H",
        "allowedOutboundClipboardSharingExceptionLength": 0, "notificationRestriction": if level3 { "blockOrganizationalData" } else { "allow" },
        "previousPinBlockCount": 0, "managedBrowser": "microsoftEdge", "maximumAllowedDeviceThreatLevel": "notConfigured",
        "mobileThreatDefenseRemediationAction": "block", "blockDataIngestionIntoOrganizationDocuments": false,
        "allowedDataIngestionLocations": ["oneDriveForBusiness", "sharePoint", "camera"], "appActionIfUnableToAuthenticateUser": "block",
        "dialerRestrictionLevel": "allApps", "targetedAppManagementLevels": "unspecified", "appGroupType": "selectedPublicApps",
        "deployedAppCount": 6,
    });
    merge(merge(a, b), c)
}

fn ios_mam() -> Vec<Proto> {
    let ios = |name: &str, level3: bool, golden: bool| {
        let extra = merge(
            common_mam(level3),
            json!({
                "minimumRequiredOsVersion": "17.0", "appDataEncryptionType": "whenDeviceLocked", "faceIdBlocked": false,
                "thirdPartyKeyboardsBlocked": level3, "filterOpenInToOnlyManagedApps": false, "disableProtectionOfManagedOutboundOpenInData": false,
                "protectInboundDataFromUnknownSources": false, "customBrowserProtocol": "", "customDialerAppProtocol": "",
                "allowWidgetContentSync": !level3, "managedUniversalLinks": [], "exemptedUniversalLinks": [],
            }),
        );
        Proto::new(
            mam_base(
                "iosManagedAppProtection",
                name,
                "Microsoft app protection framework",
                extra,
            ),
            golden,
        )
        .child("apps", managed_apps("ios", IOS_APPS))
    };
    vec![
        ios("MSP - iOS - App Protection", false, true)
            .to(vec![all_users(), exclude("SG-CA-BreakGlass-Exclude")]),
        ios(
            "MSP - iOS - App Protection - Executives (Level 3)",
            true,
            true,
        )
        .to(vec![group("SG-Intune-Pilot-Users")]),
        ios("iOS - BYOD App Protection (old)", false, false).to(vec![group("SG-Intune-All-Users")]),
    ]
}

fn android_mam() -> Vec<Proto> {
    let android = |name: &str, level3: bool, golden: bool| {
        let extra = merge(
            common_mam(level3),
            json!({
                "minimumRequiredOsVersion": "10.0", "screenCaptureBlocked": true, "disableAppEncryptionIfDeviceEncryptionIsEnabled": false,
                "encryptAppData": true, "minimumRequiredPatchVersion": null, "minimumWarningPatchVersion": null, "minimumWipePatchVersion": null,
                "allowedAndroidDeviceManufacturers": null, "appActionIfAndroidDeviceManufacturerNotAllowed": "block",
                "requiredAndroidSafetyNetDeviceAttestationType": "basicIntegrityAndDeviceCertification",
                "appActionIfAndroidSafetyNetDeviceAttestationFailed": "block", "requiredAndroidSafetyNetAppsVerificationType": "enabled",
                "appActionIfAndroidSafetyNetAppsVerificationFailed": "block", "keyboardsRestricted": false, "approvedKeyboards": [],
            }),
        );
        Proto::new(
            mam_base(
                "androidManagedAppProtection",
                name,
                "Microsoft app protection framework",
                extra,
            ),
            golden,
        )
        .child("apps", managed_apps("android", ANDROID_APPS))
    };
    vec![
        android("MSP - Android - App Protection", false, true)
            .to(vec![all_users(), exclude("SG-CA-BreakGlass-Exclude")]),
        android(
            "MSP - Android - App Protection - Executives (Level 3)",
            true,
            true,
        )
        .to(vec![group("SG-Intune-Pilot-Users")]),
        android("Android - BYOD App Protection (old)", false, false)
            .to(vec![group("SG-Intune-All-Users")]),
    ]
}

fn windows_mam() -> Vec<Proto> {
    let win = |name: &str, golden: bool| {
        Proto::new(
            mam_base("windowsManagedAppProtection", name, "Edge for Business on unmanaged Windows devices", json!({
                "allowedInboundDataTransferSources": "allApps", "allowedOutboundClipboardSharingLevel": "anyDestinationAnySource",
                "allowedOutboundDataTransferDestinations": "allApps", "appActionIfUnableToAuthenticateUser": "block",
                "maximumAllowedDeviceThreatLevel": "notConfigured", "mobileThreatDefenseRemediationAction": "block",
                "minimumRequiredAppVersion": null, "minimumRequiredOsVersion": null, "minimumRequiredSdkVersion": null,
                "minimumWarningAppVersion": null, "minimumWarningOsVersion": null, "minimumWipeAppVersion": null, "minimumWipeOsVersion": null,
                "minimumWipeSdkVersion": null, "periodOfflineBeforeAccessCheck": "PT12H", "periodOfflineBeforeWipeIsEnforced": "P90D",
                "printBlocked": true, "deployedAppCount": 1,
            })),
            golden,
        )
        .child("apps", managed_apps("windows", &["com.microsoft.edge"]))
    };
    vec![
        win("MSP - Win - Edge App Protection", true).to(vec![all_users()]),
        win("Win - MAM pilot", false).to(vec![group("SG-Intune-Pilot-Users")]),
    ]
}

fn targeted_configs() -> Vec<Proto> {
    let cfg = |name: &str, settings: &[(&str, &str)], ids: &[&str], golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.targetedManagedAppConfiguration",
                "id": "$id",
                "displayName": name,
                "description": "",
                "createdDateTime": "$created",
                "lastModifiedDateTime": "$modified",
                "roleScopeTagIds": ["0"],
                "version": "$version",
                "customSettings": settings.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
                "settings": [],
                "deployedAppCount": ids.len(),
                "isAssigned": "$assigned",
                "appGroupType": "selectedPublicApps",
                "targetedAppManagementLevels": "unspecified",
            }),
            golden,
        )
        .child("apps", managed_apps("ios", ids))
    };
    vec![
        cfg(
            "MSP - Edge - Managed bookmarks",
            &[
                (
                    "com.microsoft.intune.mam.managedbrowser.bookmarks",
                    "Service desk|https://support.example.com",
                ),
                (
                    "com.microsoft.intune.mam.managedbrowser.homepage",
                    "https://www.office.com",
                ),
            ],
            &["com.microsoft.msedge"],
            true,
        )
        .to(vec![all_users()]),
        cfg(
            "MSP - Outlook - Org allowed accounts only",
            &[
                ("IntuneMAMAllowedAccountsOnly", "Enabled"),
                ("com.microsoft.outlook.Mail.FocusedInbox", "true"),
            ],
            &["com.microsoft.Office.Outlook"],
            true,
        )
        .to(vec![all_users()]),
        cfg(
            "Teams - Org accounts",
            &[("com.microsoft.teams.allowedAccounts", "IntuneMAMUPN")],
            &["com.microsoft.skype.teams"],
            false,
        ),
    ]
}

fn app_configs() -> Vec<Proto> {
    let base = |odata: &str, name: &str, app: &str, golden: bool, extra: Value| {
        Proto::new(
            merge(
                json!({
                    "@odata.type": format!("#microsoft.graph.{odata}"),
                    "id": "$id",
                    "targetedMobileApps": [format!("$app:{app}")],
                    "roleScopeTagIds": ["0"],
                    "createdDateTime": "$created",
                    "description": "",
                    "lastModifiedDateTime": "$modified",
                    "displayName": name,
                    "version": "$version",
                }),
                extra,
            ),
            golden,
        )
    };
    let ios_settings = |pairs: &[(&str, &str)]| json!({"encodedSettingXml": null, "settings": pairs.iter().map(|(k, v)| json!({"appConfigKey": k, "appConfigKeyType": "stringType", "appConfigKeyValue": v})).collect::<Vec<_>>()});
    let android = |payload: &str| json!({"packageId": "app:com.microsoft.office.outlook", "payloadJson": b64(payload), "permissionActions": [], "appSupportsOemConfig": false, "profileApplicability": "default", "connectedAppsEnabled": false});
    vec![
        base("iosMobileAppConfiguration", "MSP - iOS - Outlook configuration", "Microsoft Outlook", true, ios_settings(&[("IntuneMAMAllowedAccountsOnly", "Enabled"), ("IntuneMAMUPN", "{{userprincipalname}}"), ("com.microsoft.outlook.EmailProfile.AccountType", "ModernAuth")])).to(vec![group("SG-Intune-iOS-Devices")]),
        base("iosMobileAppConfiguration", "MSP - iOS - Edge configuration", "Microsoft Edge", true, ios_settings(&[("com.microsoft.intune.mam.managedbrowser.homepage", "https://www.office.com"), ("EdgeNewTabPageCustomURL", "https://www.office.com")])).to(vec![group("SG-Intune-iOS-Devices")]),
        base("androidManagedStoreAppConfiguration", "MSP - Android - Outlook configuration", "Microsoft Outlook (Android)", true, android("{\"kind\":\"androidenterprise#managedConfiguration\",\"productId\":\"app:com.microsoft.office.outlook\",\"managedProperty\":[{\"key\":\"com.microsoft.outlook.EmailProfile.AccountType\",\"valueString\":\"ModernAuth\"}]}")).to(vec![group("SG-Intune-Android-Devices")]),
        base("iosMobileAppConfiguration", "iOS - Teams configuration", "Microsoft Teams", false, ios_settings(&[("IntuneMAMUPN", "{{userprincipalname}}")])),
    ]
}

fn mobile_apps() -> Vec<Proto> {
    let app = |odata: &str, name: &str, publisher: &str, golden: bool, extra: Value| {
        Proto::new(
            merge(
                json!({
                    "@odata.type": format!("#microsoft.graph.{odata}"),
                    "id": "$id",
                    "displayName": name,
                    "description": name,
                    "publisher": publisher,
                    "largeIcon": null,
                    "createdDateTime": "$created",
                    "lastModifiedDateTime": "$modified",
                    "isFeatured": false,
                    "privacyInformationUrl": null,
                    "informationUrl": null,
                    "owner": "",
                    "developer": "",
                    "notes": "",
                    "uploadState": 1,
                    "publishingState": "published",
                    "isAssigned": "$assigned",
                    "roleScopeTagIds": ["0"],
                    "dependentAppCount": 0,
                    "supersedingAppCount": 0,
                    "supersededAppCount": 0,
                }),
                extra,
            ),
            golden,
        )
    };
    let ios = |name: &str, bundle: &str, golden: bool| {
        app(
            "iosStoreApp",
            name,
            "Microsoft Corporation",
            golden,
            json!({"bundleId": bundle, "appStoreUrl": format!("https://apps.apple.com/app/{}", bundle.to_lowercase()), "applicableDeviceType": {"iPad": true, "iPhoneAndIPod": true}, "minimumSupportedOperatingSystem": {"v15_0": true}}),
        )
    };
    let android = |name: &str, package: &str, golden: bool| {
        app(
            "androidManagedStoreApp",
            name,
            "Microsoft Corporation",
            golden,
            json!({"packageId": package, "appIdentifier": package, "usedLicenseCount": 0, "totalLicenseCount": 0, "appStoreUrl": format!("https://play.google.com/store/apps/details?id={package}"), "isPrivate": false, "isSystemApp": false, "supportsOemConfig": false}),
        )
    };
    let winget = |name: &str, package: &str, publisher: &str, golden: bool| {
        app(
            "winGetApp",
            name,
            publisher,
            golden,
            json!({"packageIdentifier": package, "manifestHash": "", "installExperience": {"runAsAccount": "user"}}),
        )
    };
    let win32 = |name: &str,
                 file: &str,
                 install: &str,
                 uninstall: &str,
                 publisher: &str,
                 golden: bool| {
        app(
            "win32LobApp",
            name,
            publisher,
            golden,
            json!({
                "committedContentVersion": "1", "fileName": file, "size": 48_213_504, "installCommandLine": install, "uninstallCommandLine": uninstall,
                "applicableArchitectures": "x64", "minimumFreeDiskSpaceInMB": null, "minimumMemoryInMB": null, "minimumNumberOfProcessors": null,
                "minimumCpuSpeedInMHz": null, "msiInformation": null, "setupFilePath": install.split(' ').next().unwrap_or(""),
                "minimumSupportedWindowsRelease": "1607", "displayVersion": "", "allowAvailableUninstall": true,
                "rules": [{"@odata.type": "#microsoft.graph.win32LobAppFileSystemRule", "ruleType": "detection", "path": "C:\\Program Files", "fileOrFolderName": name, "check32BitOn64System": false, "operationType": "exists", "operator": "notConfigured", "comparisonValue": null}],
                "installExperience": {"runAsAccount": "system", "maxRunTimeInMinutes": 60, "deviceRestartBehavior": "suppress"},
                "returnCodes": [{"returnCode": 0, "type": "success"}, {"returnCode": 1707, "type": "success"}, {"returnCode": 3010, "type": "softReboot"}, {"returnCode": 1641, "type": "hardReboot"}, {"returnCode": 1618, "type": "retry"}],
            }),
        )
    };
    vec![
        app("officeSuiteApp", "Microsoft 365 Apps for Windows 10 and later", "Microsoft", true, json!({
            "autoAcceptEula": true, "productIds": ["o365ProPlusRetail"], "excludedApps": {"access": true, "bing": true, "excel": false, "groove": true, "infoPath": true, "lync": true, "oneDrive": false, "oneNote": false, "outlook": false, "powerPoint": false, "publisher": true, "sharePointDesigner": true, "teams": false, "visio": true, "word": false},
            "useSharedComputerActivation": false, "updateChannel": "monthlyEnterprise", "officePlatformArchitecture": "x64", "localesToInstall": [], "installProgressDisplayLevel": "none", "shouldUninstallOlderVersionsOfOffice": true, "targetVersion": "", "updateVersion": "", "officeConfigurationXml": null,
        })).to(vec![group("SG-Intune-Windows-Devices")]),
        winget("Company Portal", "9WZDNCRFJ3PZ", "Microsoft Corporation", true).to(vec![all_users().intent("available")]),
        app("macOSMicrosoftEdgeApp", "Microsoft Edge for macOS", "Microsoft", true, json!({"channel": "stable"})).to(vec![group("SG-Intune-macOS-Devices")]),
        ios("Microsoft Outlook", "com.microsoft.Office.Outlook", true).to(vec![group("SG-Intune-iOS-Devices")]),
        ios("Microsoft Teams", "com.microsoft.skype.teams", true).to(vec![group("SG-Intune-iOS-Devices")]),
        ios("Microsoft Edge", "com.microsoft.msedge", true).to(vec![group("SG-Intune-iOS-Devices")]),
        android("Microsoft Outlook (Android)", "com.microsoft.office.outlook", true).to(vec![group("SG-Intune-Android-Devices")]),
        android("Microsoft Teams (Android)", "com.microsoft.teams", true).to(vec![group("SG-Intune-Android-Devices")]),
        win32("7-Zip", "7z2409-x64.intunewin", "7z2409-x64.exe /S", "\"C:\\Program Files\\7-Zip\\Uninstall.exe\" /S", "Igor Pavlov", true).to(vec![all_users().intent("available")]),
        win32("Adobe Acrobat Reader", "AcroRdrDCx64.intunewin", "setup.exe /sAll /rs /msi EULA_ACCEPT=YES", "msiexec /x {AC76BA86-1033-1033-7760-BC15014EA700} /qn", "Adobe", true).to(vec![group("SG-Intune-Windows-Devices")]),
        winget("Google Chrome", "Google.Chrome", "Google LLC", false).to(vec![group("SG-Sales-Laptops").intent("available")]),
        win32("Sage 50 Accounts", "Sage50.intunewin", "Sage50Setup.exe /quiet", "Sage50Setup.exe /uninstall /quiet", "Sage", false).to(vec![group("SG-Finance-Users")]),
        win32("FortiClient VPN", "FortiClientVPN.intunewin", "msiexec /i FortiClientVPN.msi /qn", "msiexec /x {A1B2C3D4-0000-0000-0000-000000000001} /qn", "Fortinet", false),
        app("webApp", "Service desk portal", "MSP", false, json!({"appUrl": "https://support.example.com", "useManagedBrowser": true})).to(vec![all_users().intent("available")]),
    ]
}
