//! Designs for administrative templates (ADMX `groupPolicyConfigurations`), legacy endpoint
//! security `intents` and the read-only `templates` catalog they are created from.
//! ADMX definitions, presentations and template categories are global catalog objects, so their
//! ids are stable across tenants (`stable_guid`), as in the real service.

use super::portfolio::{all_devices, exclude, group, Proto};
use super::stable_guid;
use crate::model::SimObject;
use serde_json::{json, Value};

pub(crate) fn designs(kind: &str) -> Vec<Proto> {
    match kind {
        "groupPolicyConfigurations" => admx(),
        "intents" => intents(),
        _ => templates(),
    }
}

/// A presentation of an ADMX definition with the value a policy sets.
enum Pres {
    Text(&'static str, &'static str),
    Decimal(&'static str, i64),
    Check(&'static str, bool),
    Dropdown(
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    ),
}

struct Setting {
    name: &'static str,
    category: &'static str,
    class: &'static str,
    enabled: bool,
    presentations: Vec<Pres>,
}

fn definition(s: &Setting) -> Value {
    json!({
        "id": stable_guid(&format!("admx:{}:{}", s.category, s.name)),
        "classType": s.class,
        "displayName": s.name,
        "explainText": format!("This policy setting lets you configure \"{}\".\n\nIf you enable this policy setting, the configured value applies. If you disable or do not configure it, users can change it.", s.name),
        "categoryPath": s.category,
        "supportedOn": "At least Windows 10",
        "policyType": "admxBacked",
        "hasRelatedDefinitions": false,
        "groupPolicyCategoryId": stable_guid(&format!("admx-category:{}", s.category)),
        "minDeviceCspVersion": "10.0",
        "minUserCspVersion": "10.0",
        "version": "1.0",
        "lastModifiedDateTime": "2025-06-01T00:00:00Z",
    })
}

fn presentation_value(s: &Setting, p: &Pres) -> SimObject {
    let (label, value_type, value, presentation) = match p {
        Pres::Text(label, v) => (
            *label,
            "Text",
            json!(v),
            json!({"@odata.type": "#microsoft.graph.groupPolicyPresentationTextBox", "defaultValue": "", "required": true, "maxLength": 1023}),
        ),
        Pres::Decimal(label, v) => (
            *label,
            "Decimal",
            json!(v),
            json!({"@odata.type": "#microsoft.graph.groupPolicyPresentationDecimalTextBox", "defaultValue": 0, "required": true, "spin": true, "spinStep": 1, "minValue": 0, "maxValue": 99999}),
        ),
        Pres::Check(label, v) => (
            *label,
            "Boolean",
            json!(v),
            json!({"@odata.type": "#microsoft.graph.groupPolicyPresentationCheckBox", "defaultChecked": false}),
        ),
        Pres::Dropdown(label, items, v) => (
            *label,
            "Text",
            json!(v),
            json!({
                "@odata.type": "#microsoft.graph.groupPolicyPresentationDropdownList",
                "defaultItem": {"displayName": items[0].0, "value": items[0].1},
                "items": items.iter().map(|(d, v)| json!({"displayName": d, "value": v})).collect::<Vec<_>>(),
                "required": true,
            }),
        ),
    };
    let mut presentation = presentation;
    let map = presentation.as_object_mut().expect("object");
    map.insert(
        "id".into(),
        json!(stable_guid(&format!(
            "admx-presentation:{}:{label}",
            s.name
        ))),
    );
    map.insert("label".into(), json!(label));
    map.insert("lastModifiedDateTime".into(), json!("2025-06-01T00:00:00Z"));
    SimObject::from_value(json!({
        "@odata.type": format!("#microsoft.graph.groupPolicyPresentationValue{value_type}"),
        "id": "$id",
        "createdDateTime": "$created",
        "lastModifiedDateTime": "$modified",
        "value": value,
    }))
    .with_ref("presentation", presentation)
}

fn admx_policy(name: &str, description: &str, golden: bool, settings: Vec<Setting>) -> Proto {
    let mut p = Proto::new(
        json!({
            "@odata.type": "#microsoft.graph.groupPolicyConfiguration",
            "id": "$id",
            "displayName": name,
            "description": description,
            "createdDateTime": "$created",
            "lastModifiedDateTime": "$modified",
            "roleScopeTagIds": ["0"],
            "policyConfigurationIngestionType": "builtIn",
        }),
        golden,
    );
    let values = settings
        .iter()
        .map(|s| {
            SimObject::from_value(json!({"id": "$id", "createdDateTime": "$created", "enabled": s.enabled, "configurationType": "policy", "lastModifiedDateTime": "$modified"}))
                .with_ref("definition", definition(s))
                .with_children("presentationValues", s.presentations.iter().map(|p| presentation_value(s, p)).collect())
        })
        .collect();
    p.children.insert("definitionValues".into(), values);
    p
}

const ONEDRIVE: &str = "\\OneDrive";
const OFFICE: &str = "\\Microsoft Office 2016 (Machine)\\Updates";
const EDGE: &str = "\\Microsoft Edge\\Startup, home page and new tab page";

fn setting(
    name: &'static str,
    category: &'static str,
    class: &'static str,
    presentations: Vec<Pres>,
) -> Setting {
    Setting {
        name,
        category,
        class,
        enabled: true,
        presentations,
    }
}

fn admx() -> Vec<Proto> {
    const CHANNELS: &[(&str, &str)] = &[
        ("Current Channel", "Current"),
        ("Monthly Enterprise Channel", "MonthlyEnterprise"),
        ("Semi-Annual Enterprise Channel", "Deferred"),
    ];
    const STARTUP: &[(&str, &str)] = &[
        ("Open a new tab", "5"),
        ("Restore the last session", "1"),
        ("Open a list of URLs", "4"),
    ];
    vec![
        admx_policy("MSP - Win - ADMX - OneDrive", "OneDrive sync client", true, vec![
            setting("Silently sign in users to the OneDrive sync app with their Windows credentials", ONEDRIVE, "machine", vec![]),
            setting("Limit the sync app upload rate to a percentage of throughput", ONEDRIVE, "machine", vec![Pres::Decimal("Bandwidth:", 70)]),
            setting("Use OneDrive Files On-Demand", ONEDRIVE, "machine", vec![]),
        ]).to(vec![group("SG-Intune-Windows-Devices")]),
        admx_policy("MSP - Win - ADMX - Office Updates", "Microsoft 365 Apps update channel and deadline", true, vec![
            setting("Enable Automatic Updates", OFFICE, "machine", vec![]),
            setting("Update Channel", OFFICE, "machine", vec![Pres::Dropdown("Channel Name:", CHANNELS, "MonthlyEnterprise")]),
            setting("Update Deadline", OFFICE, "machine", vec![Pres::Decimal("Deadline:", 7)]),
            setting("Hide option to enable or disable updates", OFFICE, "machine", vec![]),
        ]).to(vec![all_devices().filter("MSP - Win - Virtual machines", "exclude")]),
        admx_policy("MSP - Win - ADMX - Edge Start Page", "Edge home page and startup", true, vec![
            setting("Configure the home page URL", EDGE, "machine", vec![Pres::Text("Home page URL", "https://www.office.com")]),
            setting("Action to take on startup", EDGE, "machine", vec![Pres::Dropdown("Action to take on startup", STARTUP, "4")]),
            setting("Show Home button on toolbar", EDGE, "machine", vec![Pres::Check("Show Home button", true)]),
        ]).to(vec![group("SG-Intune-Windows-Devices"), exclude("SG-Intune-Kiosk-Devices")]),
        admx_policy("Win - ADMX - Chrome Extensions", "Force-installed extensions for Chrome", false, vec![
            setting("Configure the list of force-installed apps and extensions", "\\Google\\Google Chrome\\Extensions", "machine", vec![Pres::Text("Extension/App IDs and update URLs to be silently installed", "ghbmnnjooekpmoecnnnilnnbdlolhkhi;https://clients2.google.com/service/update2/crx")]),
        ]).to(vec![group("SG-Sales-Laptops")]),
        admx_policy("Win - ADMX - IE Mode Site List", "Enterprise mode site list for the intranet", false, vec![
            setting("Configure the Enterprise Mode Site List", "\\Microsoft Edge", "machine", vec![Pres::Text("Enterprise Mode Site List", "https://intranet.example.com/sites.xml")]),
        ]),
    ]
}

/// `(id, name, type, subtype, version, categories)`.
type TemplateRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const TEMPLATES: &[TemplateRow] = &[
    (
        "034ccd46-190c-4afc-adf1-ad7cc11262eb",
        "Security Baseline for Windows 10 and later",
        "securityBaseline",
        "none",
        "November 2021",
        &[
            "Above Lock",
            "BitLocker",
            "Browser",
            "Microsoft Defender",
            "Device Lock",
            "Firewall",
        ],
    ),
    (
        "d1174162-1dd2-4976-affc-6667049ab0ae",
        "BitLocker",
        "endpointSecurityDiskEncryption",
        "diskEncryption",
        "1",
        &[
            "BitLocker - Base Settings",
            "BitLocker - OS Drive Settings",
            "BitLocker - Fixed Drive Settings",
        ],
    ),
    (
        "4356d05c-a4ab-4a07-9ece-739f7c792910",
        "Microsoft Defender Firewall",
        "endpointSecurityFirewall",
        "firewall",
        "1",
        &[
            "Global settings",
            "Domain profile",
            "Private profile",
            "Public profile",
        ],
    ),
    (
        "49b8320f-e179-472e-8e2c-2fde00289ca2",
        "Microsoft Defender for Endpoint Security Baseline",
        "advancedThreatProtectionSecurityBaseline",
        "none",
        "Version 6",
        &[
            "Attack Surface Reduction Rules",
            "BitLocker",
            "Device Guard",
            "Firewall",
        ],
    ),
    (
        "a8d6fa0e-1e66-455b-bb51-8ce0dde1559e",
        "Microsoft Edge baseline",
        "microsoftEdgeSecurityBaseline",
        "none",
        "September 2020 (Edge version 85 and later)",
        &["Microsoft Edge"],
    ),
    (
        "0f2b5d70-d4e9-4156-8c16-1397eb6c54a5",
        "Account protection",
        "endpointSecurityAccountProtection",
        "accountProtection",
        "1",
        &["Windows Hello for Business", "Credential Guard"],
    ),
    (
        "e044e60e-5901-41ea-92c6-0b4bc0bd7a6e",
        "Endpoint detection and response",
        "endpointSecurityEndpointDetectionAndResponse",
        "none",
        "1",
        &["Endpoint Detection and Response"],
    ),
    (
        "0e237410-1367-4844-bd7f-15fb0f08943b",
        "Attack surface reduction rules",
        "endpointSecurityAttackSurfaceReduction",
        "none",
        "1",
        &["Attack Surface Reduction Rules"],
    ),
];

fn categories(template: &str, names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|n| json!({"id": stable_guid(&format!("template-category:{template}:{n}")), "displayName": n, "hasRequiredSetting": false}))
        .collect()
}

fn templates() -> Vec<Proto> {
    TEMPLATES
        .iter()
        .map(|(id, name, kind, subtype, version, cats)| {
            let odata = if kind.contains("Baseline") {
                "securityBaselineTemplate"
            } else {
                "deviceManagementTemplate"
            };
            Proto::new(
                json!({
                    "@odata.type": format!("#microsoft.graph.{odata}"),
                    "id": id,
                    "displayName": name,
                    "description": format!("{name} settings"),
                    "versionInfo": version,
                    "isDeprecated": false,
                    "intentCount": 0,
                    "templateType": kind,
                    "platformType": "windows10AndLater",
                    "templateSubtype": subtype,
                    "publishedDateTime": "2021-11-09T00:00:00Z",
                }),
                true,
            )
            .child(
                "categories",
                categories(id, cats)
                    .into_iter()
                    .map(|mut c| {
                        c["@odata.type"] =
                            json!("#microsoft.graph.deviceManagementTemplateSettingCategory");
                        c
                    })
                    .collect(),
            )
            .fixed()
        })
        .collect()
}

fn intent_setting(definition: &str, value: Value) -> Value {
    let kind = match &value {
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Integer",
        _ => "String",
    };
    json!({
        "@odata.type": format!("#microsoft.graph.deviceManagement{kind}SettingInstance"),
        "id": "$id",
        "definitionId": definition,
        "valueJson": value.to_string(),
        "value": value,
    })
}

fn intent(name: &str, template: usize, golden: bool, settings: &[(&str, Value)]) -> Proto {
    let (template_id, _, _, _, _, cats) = TEMPLATES[template];
    let mut p = Proto::new(
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementIntent",
            "id": "$id",
            "displayName": name,
            "description": "",
            "isAssigned": "$assigned",
            "isMigratingToConfigurationPolicy": false,
            "lastModifiedDateTime": "$modified",
            "templateId": template_id,
            "roleScopeTagIds": ["0"],
        }),
        golden,
    )
    .child(
        "settings",
        settings
            .iter()
            .map(|(d, v)| intent_setting(d, v.clone()))
            .collect(),
    )
    .child(
        "categories",
        categories(template_id, cats)
            .into_iter()
            .map(|mut c| {
                c["@odata.type"] = json!("#microsoft.graph.deviceManagementIntentSettingCategory");
                c
            })
            .collect(),
    );
    p.targets = vec![group("SG-Intune-Windows-Devices")];
    p
}

fn intents() -> Vec<Proto> {
    const EP: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";
    const GEN: &str = "deviceConfiguration--windows10GeneralConfiguration_";
    vec![
        intent(
            "MSP - Win - Security Baseline (legacy)",
            0,
            true,
            &[
                (&format!("{GEN}smartScreenBlockPromptOverride"), json!(true)),
                (&format!("{GEN}passwordRequired"), json!(true)),
                (&format!("{GEN}passwordMinimumLength"), json!(8)),
                (&format!("{EP}firewallBlockStatefulFTP"), json!(true)),
                (&format!("{EP}bitLockerEncryptDevice"), json!(true)),
            ],
        ),
        intent(
            "MSP - Win - BitLocker (endpoint security, legacy)",
            1,
            true,
            &[
                (&format!("{EP}bitLockerEncryptDevice"), json!(true)),
                (
                    &format!("{EP}bitLockerDisableWarningForOtherDiskEncryption"),
                    json!(true),
                ),
                (
                    &format!("{EP}bitLockerSystemDriveEncryptionMethod"),
                    json!("xtsAes256"),
                ),
                (
                    &format!("{EP}bitLockerRecoveryPasswordRotation"),
                    json!("enabledForAzureAd"),
                ),
            ],
        ),
        intent(
            "MSP - Win - Firewall (endpoint security, legacy)",
            2,
            true,
            &[
                (
                    &format!("{EP}firewallProfileDomain_firewallEnabled"),
                    json!("allowed"),
                ),
                (
                    &format!("{EP}firewallProfilePrivate_firewallEnabled"),
                    json!("allowed"),
                ),
                (
                    &format!("{EP}firewallProfilePublic_firewallEnabled"),
                    json!("allowed"),
                ),
                (
                    &format!("{EP}firewallIdleTimeoutForSecurityAssociationInSeconds"),
                    json!(300),
                ),
            ],
        ),
        intent(
            "Edge baseline - September 2020",
            4,
            false,
            &[
                (
                    "deviceConfiguration--microsoftEdgeSecurityBaseline_smartScreenEnabled",
                    json!(true),
                ),
                (
                    "deviceConfiguration--microsoftEdgeSecurityBaseline_sslErrorOverrideAllowed",
                    json!(false),
                ),
            ],
        ),
    ]
}
