//! Tenants' directories (identity, permissions, users, groups), Intune RBAC objects, filters,
//! notification templates and the audit log.

use super::names::{self, CUSTOMERS};
use super::portfolio::Proto;
use super::{access, graph_time, Gen};
use crate::kinds;
use crate::model::{SimObject, SimUser, ALL_SCOPES, ENTRA_SCOPES};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A tenant's identity and directory, before its configuration is generated.
pub(crate) struct TenantIdentity {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub org_short: String,
    pub domain: String,
    pub device_code_allowed: bool,
    pub granted_scopes: BTreeSet<String>,
    pub users: Vec<SimUser>,
    pub groups: Vec<Value>,
}

pub(crate) fn tenant_identity(
    index: usize,
    gen: &mut Gen,
    used_domains: &mut HashSet<String>,
) -> TenantIdentity {
    let (base, tld, locale) = CUSTOMERS[index % CUSTOMERS.len()];
    let round = index / CUSTOMERS.len();
    let name = if round == 0 {
        base.to_string()
    } else {
        format!("{base} {}", round + 1)
    };
    let mut label = names::domain_label(base);
    if round > 0 {
        label = format!("{label}{}", round + 1);
    }
    let mut domain = if gen.chance(0.3) {
        format!("{label}.{tld}")
    } else {
        format!("{label}.onmicrosoft.com")
    };
    let mut n = 2;
    while !used_domains.insert(domain.clone()) {
        domain = format!("{label}{n}.onmicrosoft.com");
        n += 1;
    }
    let id = gen.guid();
    let mut scopes: BTreeSet<String> = ALL_SCOPES.iter().map(|s| s.to_string()).collect();
    let device_code_allowed = match index {
        0 | 2 => true,
        1 => false,
        _ => !gen.chance(0.1),
    };
    if index == 2 {
        scopes.remove("Policy.Read.All");
        scopes.remove("Policy.ReadWrite.ConditionalAccess");
    } else if index > 2 && gen.chance(0.15) {
        let candidates: Vec<&str> = ALL_SCOPES
            .iter()
            .copied()
            .filter(|s| *s != "User.Read" && !ENTRA_SCOPES.contains(s))
            .collect();
        scopes.remove(*gen.pick(&candidates));
    }
    let mut users = vec![
        SimUser {
            id: gen.guid(),
            user_principal_name: format!("admin@{domain}"),
            display_name: format!("{name} Admin"),
        },
        SimUser {
            id: gen.guid(),
            user_principal_name: format!("breakglass@{domain}"),
            display_name: "Break Glass Account".to_string(),
        },
    ];
    let (first, last) = names::people(locale);
    let mut seen = HashSet::new();
    for _ in 0..gen.range(3, 6) {
        let (f, l) = (*gen.pick(first), *gen.pick(last));
        let upn = format!("{}.{}@{domain}", names::fold(f), names::fold(l));
        if seen.insert(upn.clone()) {
            users.push(SimUser {
                id: gen.guid(),
                user_principal_name: upn,
                display_name: format!("{f} {l}"),
            });
        }
    }
    let org_short = names::short(base);
    let groups = groups(&name, &label, gen);
    TenantIdentity {
        index,
        id,
        name,
        org_short,
        domain,
        device_code_allowed,
        granted_scopes: scopes,
        users,
        groups,
    }
}

/// `(name, description, membership rule)`: the MSP's standard groups, the same in every tenant.
const STANDARD_GROUPS: &[(&str, &str, Option<&str>)] = &[
    ("SG-Intune-Windows-Devices", "All Windows devices (dynamic)", Some("(device.deviceOSType -eq \"Windows\")")),
    ("SG-Intune-macOS-Devices", "All macOS devices (dynamic)", Some("(device.deviceOSType -eq \"MacMDM\")")),
    ("SG-Intune-iOS-Devices", "All iOS and iPadOS devices (dynamic)", Some("(device.deviceOSType -eq \"iPhone\") or (device.deviceOSType -eq \"iPad\")")),
    ("SG-Intune-Android-Devices", "All Android Enterprise devices (dynamic)", Some("(device.deviceOSType -eq \"AndroidForWork\") or (device.deviceOSType -eq \"AndroidEnterprise\")")),
    ("SG-Intune-Autopilot-Devices", "Devices registered with Windows Autopilot (dynamic)", Some("(device.devicePhysicalIDs -any (_ -startsWith \"[ZTDid]\"))")),
    ("SG-Intune-All-Users", "All enabled member users (dynamic)", Some("(user.accountEnabled -eq true) and (user.userType -eq \"Member\")")),
    ("SG-Intune-Pilot-Users", "Pilot ring: users who get changes first", None),
    ("SG-Intune-Pilot-Devices", "Pilot ring: devices that get changes first", None),
    ("SG-Intune-Excluded-Devices", "Devices excluded from MSP baseline policies", None),
    ("SG-Intune-Kiosk-Devices", "Shared and kiosk devices", None),
    ("SG-Intune-LAPS-Devices", "Devices with Windows LAPS", None),
    ("SG-Intune-Admins", "Intune administrators (MSP and customer IT)", None),
    ("SG-CA-BreakGlass-Exclude", "Emergency access accounts excluded from Conditional Access", None),
    ("SG-CA-MFA-Users", "Users required to use MFA", None),
    ("SG-CA-Block-Legacy-Exceptions", "Temporary exceptions from the legacy authentication block", None),
];

const LOCAL_GROUPS: &[&str] = &[
    "SG-Finance-Users",
    "SG-Sales-Laptops",
    "SG-Warehouse-Scanners",
    "GRP-Legacy-Printers",
    "SG-Executives",
    "SG-HR-Users",
    "SG-Reception-Kiosk",
    "Old-VPN-Users",
];

fn groups(name: &str, label: &str, gen: &mut Gen) -> Vec<Value> {
    let mut out = Vec::new();
    for (display, description, rule) in STANDARD_GROUPS {
        out.push(group_json(gen, display, description, *rule, false));
    }
    out.push(group_json(
        gen,
        &format!("{name} - All Staff"),
        "Microsoft 365 group for everyone",
        None,
        true,
    ));
    let mut local: Vec<&str> = LOCAL_GROUPS.to_vec();
    for _ in 0..gen.range(2, 4) {
        let g = local.remove(gen.below(local.len()));
        out.push(group_json(gen, g, "Customer-managed group", None, false));
    }
    // Unified groups carry the mail nickname derived from the tenant, as Entra does.
    if let Some(g) = out
        .iter_mut()
        .find(|g| g["groupTypes"] == json!(["Unified"]))
    {
        g["mailNickname"] = json!(format!("{label}-allstaff"));
        g["mail"] = json!(format!("{label}-allstaff@{label}.onmicrosoft.com"));
    }
    out
}

fn group_json(
    gen: &mut Gen,
    name: &str,
    description: &str,
    rule: Option<&str>,
    unified: bool,
) -> Value {
    let id = gen.guid();
    let created = gen.days_ago(200, 2000);
    let created = gen
        .stamp(created)
        .split('.')
        .next()
        .unwrap_or("")
        .to_string()
        + "Z";
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let sid: Vec<String> = (0..4)
        .map(|i| {
            u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16)
                .unwrap_or(0)
                .swap_bytes()
                .to_string()
        })
        .collect();
    let group_types = match (unified, rule) {
        (true, _) => json!(["Unified"]),
        (false, Some(_)) => json!(["DynamicMembership"]),
        _ => json!([]),
    };
    json!({
        "@odata.type": "#microsoft.graph.group",
        "id": id,
        "deletedDateTime": null,
        "classification": null,
        "createdDateTime": created,
        "creationOptions": [],
        "description": description,
        "displayName": name,
        "expirationDateTime": null,
        "groupTypes": group_types,
        "isAssignableToRole": null,
        "mail": null,
        "mailEnabled": unified,
        "mailNickname": names::fold(name),
        "membershipRule": rule,
        "membershipRuleProcessingState": rule.map(|_| "On"),
        "onPremisesSyncEnabled": null,
        "preferredDataLocation": null,
        "proxyAddresses": [],
        "renewedDateTime": created,
        "resourceBehaviorOptions": [],
        "resourceProvisioningOptions": [],
        "securityEnabled": !unified,
        "securityIdentifier": format!("S-1-12-1-{}", sid.join("-")),
        "visibility": if unified { json!("Private") } else { Value::Null },
    })
}

pub(crate) fn designs(kind: &str) -> Vec<Proto> {
    match kind {
        "assignmentFilters" => filters(),
        "roleScopeTags" => scope_tags(),
        "roleDefinitions" => role_definitions(),
        "roleAssignments" => role_assignments(),
        "notificationMessageTemplates" => notification_templates(),
        "policies" => access::ca_policies(),
        _ => access::named_locations(),
    }
}

fn filters() -> Vec<Proto> {
    let f = |name: &str, platform: &str, rule: &str, golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.deviceAndAppManagementAssignmentFilter",
                "id": "$id",
                "createdDateTime": "$created",
                "lastModifiedDateTime": "$modified",
                "displayName": name,
                "description": "",
                "platform": platform,
                "rule": rule,
                "roleScopeTags": ["0"],
                "payloads": [],
                "assignmentFilterManagementType": "devices",
            }),
            golden,
        )
    };
    vec![
        f("MSP - Win - Corporate devices", "windows10AndLater", "(device.deviceOwnership -eq \"Corporate\")", true),
        f("MSP - Win - Virtual machines", "windows10AndLater", "(device.model -contains \"Virtual Machine\") or (device.manufacturer -eq \"QEMU\") or (device.model -startsWith \"Cloud PC\")", true),
        f("MSP - iOS - Corporate iPhones", "iOS", "(device.deviceOwnership -eq \"Corporate\") and (device.model -startsWith \"iPhone\")", true),
        f("MSP - Win - Windows 11", "windows10AndLater", "(device.osVersion -startsWith \"10.0.2\")", true),
        f("MSP - Android - Personal", "androidForWork", "(device.deviceOwnership -eq \"Personal\")", true),
        f("MSP - macOS - Apple silicon", "macOS", "(device.model -notContains \"Intel\")", true),
        f("Win - Surface devices", "windows10AndLater", "(device.manufacturer -eq \"Microsoft Corporation\") and (device.model -startsWith \"Surface\")", false),
        f("Win - Autopilot enrolled", "windows10AndLater", "(device.enrollmentProfileName -startsWith \"MSP - Autopilot\")", false),
        f("iOS - iPads only", "iOS", "(device.model -startsWith \"iPad\")", false),
    ]
}

fn scope_tags() -> Vec<Proto> {
    let t = |id: &str, name: &str, description: &str, builtin: bool, golden: bool| {
        Proto::new(
            json!({"@odata.type": "#microsoft.graph.roleScopeTag", "id": id, "displayName": name, "description": description, "isBuiltIn": builtin}),
            golden,
        )
    };
    vec![
        t("0", "Default", "Default Role Scope Tag. This will exist by default on all Intune entities whenever a user defined Role Scope Tag is not present.", true, true).fixed(),
        t("$id", "MSP-Managed", "Objects managed by the MSP", false, true),
        t("$id", "MSP-Helpdesk", "Objects first-line support may change", false, true),
        t("$id", "Site-HQ", "Head office", false, false),
        t("$id", "Site-Branch", "Branch offices", false, false),
    ]
}

fn role_definitions() -> Vec<Proto> {
    let builtin = |name: &str, description: &str, actions: &[&str]| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.deviceAndAppManagementRoleDefinition",
                "id": super::stable_guid(&format!("role:{name}")),
                "displayName": name,
                "description": description,
                "isBuiltInRoleDefinition": true,
                "isBuiltIn": true,
                "roleScopeTagIds": [],
                "rolePermissions": [{"resourceActions": [{"allowedResourceActions": actions, "notAllowedResourceActions": []}]}],
            }),
            true,
        )
        .fixed()
    };
    let custom = |name: &str, description: &str, actions: &[&str], golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.deviceAndAppManagementRoleDefinition",
                "id": "$id",
                "displayName": name,
                "description": description,
                "isBuiltInRoleDefinition": false,
                "isBuiltIn": false,
                "roleScopeTagIds": ["0"],
                "rolePermissions": [{"resourceActions": [{"allowedResourceActions": actions, "notAllowedResourceActions": []}]}],
            }),
            golden,
        )
    };
    vec![
        custom("MSP - Helpdesk L1", "First-line support: read devices and run remote actions", &["Microsoft.Intune_ManagedDevices_Read", "Microsoft.Intune_RemoteTasks_RebootNow", "Microsoft.Intune_RemoteTasks_SyncDevice", "Microsoft.Intune_Organization_Read"], true),
        builtin("Help Desk Operator", "Help Desk Operators perform remote tasks on users and devices, and can assign applications or policies to users or devices.", &["Microsoft.Intune_ManagedDevices_Read", "Microsoft.Intune_RemoteTasks_RebootNow"]),
        builtin("Policy and Profile manager", "Policy and Profile Manager manages compliance policy, configuration profiles, Apple enrollment, corporate device identifiers, and security baselines.", &["Microsoft.Intune_DeviceConfigurations_Read", "Microsoft.Intune_DeviceConfigurations_Update"]),
        builtin("Read Only Operator", "Read Only Operators can view user, device, enrollment, configuration, and application information but cannot make changes to Intune.", &["Microsoft.Intune_ManagedDevices_Read", "Microsoft.Intune_DeviceConfigurations_Read"]),
        builtin("Endpoint Security Manager", "Manages security and compliance features such as security baselines, device compliance, conditional access, and Microsoft Defender for Endpoint.", &["Microsoft.Intune_SecurityBaselines_Read", "Microsoft.Intune_SecurityBaselines_Update"]),
        builtin("Intune Role Administrator", "Intune Role Administrators manage custom Intune roles and add assignments for built-in Intune roles.", &["Microsoft.Intune_Roles_Create", "Microsoft.Intune_Roles_Assign", "Microsoft.Intune_Roles_Read"]),
        custom("Autopilot Operator", "Registers and deletes Autopilot devices", &["Microsoft.Intune_EnrollmentProgram_Read", "Microsoft.Intune_EnrollmentProgram_CreateDeviceIdentities"], false),
    ]
}

fn role_assignments() -> Vec<Proto> {
    let a = |name: &str, members: &str, golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.deviceAndAppManagementRoleAssignment",
                "id": "$id",
                "displayName": name,
                "description": "",
                "scopeMembers": [],
                "scopeType": "resourceScope",
                "resourceScopes": ["$group:SG-Intune-All-Users"],
                "members": [format!("$group:{members}")],
                "roleScopeTagIds": ["0"],
            }),
            golden,
        )
    };
    vec![
        a("MSP - Helpdesk L1 - All users", "SG-Intune-Admins", true),
        a("Local IT - Helpdesk", "SG-Intune-Pilot-Users", false),
    ]
}

fn notification_templates() -> Vec<Proto> {
    let n = |name: &str, subject: &str, text: &str, golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.notificationMessageTemplate",
                "id": "$id",
                "lastModifiedDateTime": "$modified",
                "displayName": name,
                "description": null,
                "defaultLocale": "en-gb",
                "brandingOptions": "includeCompanyLogo,includeCompanyName,includeContactInformation,includeCompanyPortalLink",
                "roleScopeTagIds": ["0"],
            }),
            golden,
        )
        .child("localizedNotificationMessages", vec![json!({
            "id": "$id", "lastModifiedDateTime": "$modified", "locale": "en-gb", "subject": subject, "messageTemplate": text, "isDefault": true,
        })])
    };
    vec![
        n("MSP - Compliance - Warning", "Your device {{DeviceName}} is not compliant", "Hi {{UserName}},\n\nYour device {{DeviceName}} running {{OSAndVersion}} does not meet company policy. Please check the Company Portal.\n", true),
        n("MSP - Compliance - Final notice", "Action required: {{DeviceName}} will lose access", "Hi {{UserName}},\n\nYour device {{DeviceName}} will be blocked from company resources. Contact the service desk.\n", true),
        n("BYOD - Warning", "Personal device {{DeviceName}} is not compliant", "Hi {{UserName}},\n\nYour personal device will be marked as non-compliant.\n", false),
    ]
}

/// A few historic Intune audit events per tenant, oldest first.
pub(crate) fn audit_events(
    id: &TenantIdentity,
    collections: &BTreeMap<String, Vec<SimObject>>,
    gen: &mut Gen,
) -> Vec<Value> {
    let pool: Vec<(&str, &SimObject)> = collections
        .iter()
        .filter_map(|(k, v)| {
            kinds::by_key(k)
                .and_then(|s| s.audit_category)
                .map(|c| (c, v))
        })
        .flat_map(|(c, v)| v.iter().map(move |o| (c, o)))
        .collect();
    if pool.is_empty() {
        return Vec::new();
    }
    let admin = &id.users[0];
    let mut events: Vec<(i64, Value)> = Vec::new();
    for _ in 0..gen.range(4, 10) {
        let (category, o) = *gen.pick(&pool);
        let odata = o
            .body
            .get("@odata.type")
            .and_then(Value::as_str)
            .unwrap_or("#microsoft.graph.entity");
        let type_name = odata.rsplit('.').next().unwrap_or("");
        let mut type_upper = type_name.to_string();
        if let Some(f) = type_upper.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        let (operation, modified) = match gen.below(3) {
            0 => ("Create", json!([])),
            1 => (
                "Assign",
                json!([{"displayName": "Target.GroupId", "oldValue": null, "newValue": "<group>"}]),
            ),
            _ => (
                "Patch",
                json!([{"displayName": "Description", "oldValue": "", "newValue": "Updated by MSP change request"}]),
            ),
        };
        let when = gen.days_ago(1, 400);
        let name = o
            .body
            .get("displayName")
            .or_else(|| o.body.get("name"))
            .cloned()
            .unwrap_or(Value::Null);
        let activity = format!("{operation} {type_upper}");
        events.push((
            when,
            json!({
                "@odata.type": "#microsoft.graph.auditEvent",
                "id": gen.guid(),
                "displayName": activity,
                "componentName": category,
                "actor": {
                    "type": "ItPro",
                    "auditActorType": "ItPro",
                    "userPermissions": ["*"],
                    "applicationId": "5926fc8e-304e-4f59-8bed-58ca97cc39a4",
                    "applicationDisplayName": "Microsoft Intune portal extension",
                    "userPrincipalName": admin.user_principal_name,
                    "servicePrincipalName": null,
                    "ipAddress": format!("203.0.113.{}", gen.range(1, 254)),
                    "userId": admin.id,
                    "remoteTenantId": null,
                    "remoteUserId": null,
                },
                "activity": activity,
                "activityDateTime": graph_time(when, Some(gen.range(0, 9_999_999) as u32)),
                "activityType": activity,
                "activityOperationType": operation,
                "activityResult": "Success",
                "correlationId": gen.guid(),
                "resources": [{
                    "displayName": name,
                    "type": type_upper,
                    "auditResourceType": type_upper.clone(),
                    "resourceId": o.id(),
                    "modifiedProperties": modified,
                }],
                "category": category,
            }),
        ));
    }
    events.sort_by_key(|(t, _)| *t);
    events.into_iter().map(|(_, e)| e).collect()
}
