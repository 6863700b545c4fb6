//! Entra policies and roles that posture rules read: authentication strengths, cross-tenant
//! access partners, directory role definitions, active role assignments, PIM-eligible role
//! assignments, administrative units and terms of use; and the tenant's policy singletons —
//! authorization policy, security defaults, authentication methods policy (with its method
//! configurations) and the cross-tenant access default.
//!
//! Like `tenant_settings`, they come on top of `--objects` from a stream of their own per tenant
//! (seeded by the tenant's id), so adding them moved no generated object, id or timestamp of the
//! portfolio. The singletons are kept as one-object collections under [`SINGLETON_KEYS`] so that
//! tests can change them in the world; `graph::entra` serves them at their own paths.
//!
//! What a typical MSP customer has: the three built-in authentication strengths and sometimes a
//! custom one; the MSP's own tenant as a cross-tenant access partner (inbound MFA trusted) in
//! most tenants; the built-in directory roles (the same ids everywhere) and now and then a custom
//! helpdesk role; the admin and the break-glass account as Global Administrators, a few others in
//! smaller roles; PIM eligibilities where the tenant has Entra ID P2; a few administrative units;
//! a terms of use in some tenants; security defaults off where Conditional Access is used.
//! Fixed rules tests rely on: tenant 0 has everything some tenants have (a custom role, a custom
//! authentication strength, a partner, PIM eligibilities, administrative units, terms of use);
//! tenant 1 has security defaults on and no partner, custom role, eligibility or terms of use.

use super::{stable_guid, Gen};
use crate::model::{SimObject, SimTenant};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The collections (keys of `kinds::KINDS`) this module fills.
pub const KEYS: &[&str] = &[
    "authenticationStrengthPolicies",
    "crossTenantAccessPartners",
    "directoryRoleDefinitions",
    "directoryRoleAssignments",
    "roleEligibilityScheduleInstances",
    "administrativeUnits",
    "agreements",
];

/// The singletons, each a collection of exactly one object under these keys (not in
/// `kinds::KINDS`: `graph::entra` serves them at their own paths).
pub const SINGLETON_KEYS: &[&str] = &[
    "authorizationPolicy",
    "identitySecurityDefaultsEnforcementPolicy",
    "authenticationMethodsPolicy",
    "crossTenantAccessPolicyDefault",
];

/// The MSP's own tenant, a cross-tenant access partner of its customers.
pub const MSP_TENANT_ID: &str = "8f2d6c1e-3b4a-4e5f-9a7b-1c2d3e4f5a6b";

/// Built-in directory roles (template ids, the same in every tenant) the generator uses.
pub const BUILT_IN_ROLES: &[(&str, &str, &str)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
        "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
    ),
    (
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "Global Reader",
        "Can read everything that a Global Administrator can, but not update anything.",
    ),
    (
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
        "Can manage all aspects of the Intune product.",
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
        "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.",
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
        "Can manage Conditional Access capabilities.",
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
        "Can reset passwords for non-administrators and Helpdesk Administrators.",
    ),
    (
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "User Administrator",
        "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
        "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
    ),
];

/// What a tenant has set up, drawn once so that collections and singletons agree.
#[derive(Clone, Copy, Debug)]
struct Profile {
    custom_strength: bool,
    partner: bool,
    custom_role: bool,
    pim: bool,
    admin_units: usize,
    terms_of_use: bool,
    security_defaults: bool,
}

fn stream(label: &str, tenant_id: &str) -> Gen {
    let digest = Sha256::digest(format!("{label}:{tenant_id}").as_bytes());
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&digest[..8]);
    Gen::new(u64::from_le_bytes(seed))
}

fn profile(tenant_id: &str, index: usize) -> Profile {
    let mut gen = stream("entra-profile", tenant_id);
    let drawn = Profile {
        custom_strength: gen.chance(0.3),
        partner: gen.chance(0.7),
        custom_role: gen.chance(0.4),
        pim: gen.chance(0.5),
        admin_units: if gen.chance(0.5) {
            0
        } else {
            gen.range(1, 3) as usize
        },
        terms_of_use: gen.chance(0.4),
        security_defaults: gen.chance(0.1),
    };
    match index {
        0 => Profile {
            custom_strength: true,
            partner: true,
            custom_role: true,
            pim: true,
            admin_units: drawn.admin_units.max(2),
            terms_of_use: true,
            security_defaults: false,
        },
        1 => Profile {
            custom_strength: false,
            partner: false,
            custom_role: false,
            pim: false,
            admin_units: drawn.admin_units,
            terms_of_use: false,
            security_defaults: true,
        },
        _ => drawn,
    }
}

fn org(tenant: &SimTenant) -> String {
    tenant
        .name
        .split([' ', ','])
        .next()
        .unwrap_or("Tenant")
        .to_string()
}

/// Fills the Entra collections and singletons of a freshly generated tenant, the `index`th.
pub(crate) fn add(tenant: &mut SimTenant, index: usize) {
    let p = profile(&tenant.id, index);
    let mut gen = stream("entra", &tenant.id);
    let org = org(tenant);
    let users: Vec<(String, String)> = tenant
        .users
        .iter()
        .map(|u| (u.id.clone(), u.display_name.clone()))
        .collect();
    let mut put = |key: &str, items: Vec<SimObject>| {
        tenant.collections.insert(key.to_string(), items);
    };

    let mut strengths = built_in_strengths();
    if p.custom_strength {
        strengths.push(custom_strength(&mut gen, &org));
    }
    put("authenticationStrengthPolicies", strengths);

    put(
        "crossTenantAccessPartners",
        if p.partner {
            vec![msp_partner(&mut gen)]
        } else {
            Vec::new()
        },
    );

    let mut roles: Vec<SimObject> = BUILT_IN_ROLES
        .iter()
        .map(|(id, name, description)| role_definition(id, name, description, true, &[]))
        .collect();
    let custom_role_id = gen.guid();
    if p.custom_role {
        roles.push(role_definition(
            &custom_role_id,
            &format!("{org} - Tier 1 Helpdesk"),
            "Resets passwords and reads sign-in logs for the service desk",
            false,
            &[
                "microsoft.directory/users/password/update",
                "microsoft.directory/users/basic/update",
                "microsoft.directory/signInReports/allProperties/read",
            ],
        ));
    }
    put("directoryRoleDefinitions", roles);

    // Active assignments: the admin and the break-glass account are Global Administrators; a few
    // others hold smaller roles.
    let mut assignments = Vec::new();
    let global = BUILT_IN_ROLES[0].0;
    for (user, _) in users.iter().take(2) {
        assignments.push(role_assignment(&mut gen, user, global));
    }
    for (user, _) in users.iter().skip(2).take(gen.range(1, 3) as usize) {
        let role = if p.custom_role && gen.chance(0.5) {
            custom_role_id.clone()
        } else {
            BUILT_IN_ROLES[gen.range(1, BUILT_IN_ROLES.len() as i64 - 1) as usize]
                .0
                .to_string()
        };
        assignments.push(role_assignment(&mut gen, user, &role));
    }
    put("directoryRoleAssignments", assignments);

    let mut eligible = Vec::new();
    if p.pim {
        for (user, _) in users.iter().skip(2).take(2) {
            let role = BUILT_IN_ROLES[gen.range(2, 4) as usize].0;
            eligible.push(eligibility(&mut gen, user, role));
        }
    }
    put("roleEligibilityScheduleInstances", eligible);

    const UNITS: &[(&str, &str)] = &[
        ("Headquarters", "Users and devices at the head office"),
        ("Branch offices", "Users of the regional branches"),
        (
            "Shop floor",
            "Shared accounts and kiosk users of the production site",
        ),
        ("External staff", "Contractors managed by the service desk"),
    ];
    let start = gen.below(UNITS.len());
    let units = (0..p.admin_units.min(UNITS.len()))
        .map(|i| {
            let (name, description) = UNITS[(start + i) % UNITS.len()];
            let restricted = gen.chance(0.2);
            SimObject::from_value(json!({
                "@odata.type": "#microsoft.graph.administrativeUnit",
                "id": gen.guid(),
                "deletedDateTime": null,
                "displayName": name,
                "description": description,
                "isMemberManagementRestricted": restricted,
                "visibility": if gen.chance(0.2) { json!("HiddenMembership") } else { Value::Null },
                "membershipType": "Assigned",
                "membershipRule": null,
                "membershipRuleProcessingState": null,
            }))
        })
        .collect();
    put("administrativeUnits", units);

    put(
        "agreements",
        if p.terms_of_use {
            vec![agreement(&mut gen, &org)]
        } else {
            Vec::new()
        },
    );

    put("authorizationPolicy", vec![authorization_policy(&mut gen)]);
    put(
        "identitySecurityDefaultsEnforcementPolicy",
        vec![SimObject::from_value(json!({
            "@odata.type": "#microsoft.graph.identitySecurityDefaultsEnforcementPolicy",
            "id": "00000000-0000-0000-0000-000000000005",
            "displayName": "Security Defaults",
            "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
            "isEnabled": p.security_defaults,
        }))],
    );
    put(
        "authenticationMethodsPolicy",
        vec![authentication_methods_policy(&mut gen)],
    );
    put(
        "crossTenantAccessPolicyDefault",
        vec![cross_tenant_default(&mut gen)],
    );
}

/// The built-in strengths: the same ids and combinations in every tenant.
fn built_in_strengths() -> Vec<SimObject> {
    let mfa = json!([
        "windowsHelloForBusiness",
        "fido2",
        "x509CertificateMultiFactor",
        "deviceBasedPush",
        "temporaryAccessPassOneTime",
        "temporaryAccessPassMultiUse",
        "password,microsoftAuthenticatorPush",
        "password,softwareOath",
        "password,hardwareOath",
        "password,sms",
        "password,voice",
        "federatedMultiFactor",
        "microsoftAuthenticatorPush,federatedSingleFactor",
        "softwareOath,federatedSingleFactor",
        "hardwareOath,federatedSingleFactor",
        "sms,federatedSingleFactor",
        "voice,federatedSingleFactor"
    ]);
    let passwordless = json!([
        "windowsHelloForBusiness",
        "fido2",
        "x509CertificateMultiFactor",
        "deviceBasedPush"
    ]);
    let phishing_resistant = json!([
        "windowsHelloForBusiness",
        "fido2",
        "x509CertificateMultiFactor"
    ]);
    [
        ("2", "Multifactor authentication", "Combinations of methods that satisfy strong authentication, such as a password + SMS", mfa),
        ("3", "Passwordless MFA", "Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator", passwordless),
        ("4", "Phishing-resistant MFA", "Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key", phishing_resistant),
    ]
    .into_iter()
    .map(|(n, name, description, combinations)| {
        SimObject::from_value(json!({
            "@odata.type": "#microsoft.graph.authenticationStrengthPolicy",
            "id": format!("00000000-0000-0000-0000-00000000000{n}"),
            "createdDateTime": "2021-12-01T00:00:00Z",
            "modifiedDateTime": "2021-12-01T00:00:00Z",
            "displayName": name,
            "description": description,
            "policyType": "builtIn",
            "requirementsSatisfied": "mfa",
            "allowedCombinations": combinations,
        }))
    })
    .collect()
}

fn custom_strength(gen: &mut Gen, org: &str) -> SimObject {
    let created = gen.days_ago(60, 600);
    let modified = gen.range(created, super::NOW - 3600);
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.authenticationStrengthPolicy",
        "id": gen.guid(),
        "createdDateTime": gen.stamp(created),
        "modifiedDateTime": gen.stamp(modified),
        "displayName": format!("{org} - Admins - FIDO2 or Hello"),
        "description": "Administrators sign in with a security key or Windows Hello",
        "policyType": "custom",
        "requirementsSatisfied": "mfa",
        "allowedCombinations": ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"],
    }))
}

fn b2b_setting(access: &str, targets: &[&str]) -> Value {
    let targets: Vec<Value> = targets
        .iter()
        .map(|t| json!({"target": t, "targetType": "user"}))
        .collect();
    json!({
        "usersAndGroups": {"accessType": access, "targets": targets},
        "applications": {"accessType": access, "targets": [{"target": "AllApplications", "targetType": "application"}]},
    })
}

fn msp_partner(gen: &mut Gen) -> SimObject {
    let mfa = gen.chance(0.85);
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        "tenantId": MSP_TENANT_ID,
        "isServiceProvider": true,
        "isInMultiTenantOrganization": false,
        "inboundTrust": {
            "isMfaAccepted": mfa,
            "isCompliantDeviceAccepted": false,
            "isHybridAzureADJoinedDeviceAccepted": false,
        },
        "b2bCollaborationInbound": b2b_setting("allowed", &["AllUsers"]),
        "b2bCollaborationOutbound": null,
        "b2bDirectConnectInbound": null,
        "b2bDirectConnectOutbound": null,
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
        "tenantRestrictions": null,
    }))
}

fn role_definition(
    id: &str,
    name: &str,
    description: &str,
    built_in: bool,
    actions: &[&str],
) -> SimObject {
    let actions = if built_in {
        vec![format!(
            "microsoft.directory/{}/allProperties/read",
            name.to_lowercase().replace(' ', "")
        )]
    } else {
        actions.iter().map(|a| a.to_string()).collect()
    };
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.unifiedRoleDefinition",
        "id": id,
        "description": description,
        "displayName": name,
        "isBuiltIn": built_in,
        "isEnabled": true,
        "resourceScopes": ["/"],
        "templateId": id,
        "version": if built_in { json!("1") } else { Value::Null },
        "rolePermissions": [{"allowedResourceActions": actions, "condition": null}],
    }))
}

/// Unified role assignment ids look like base64 of the role and principal with a suffix.
fn role_assignment(gen: &mut Gen, principal: &str, role: &str) -> SimObject {
    use base64::Engine;
    let raw = stable_guid(&format!("{role}:{principal}:{}", gen.next_u64()));
    let id = format!(
        "{}-1",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw.as_bytes())
    );
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        "id": id,
        "principalId": principal,
        "roleDefinitionId": role,
        "directoryScopeId": "/",
        "appScopeId": null,
        "condition": null,
    }))
}

fn eligibility(gen: &mut Gen, principal: &str, role: &str) -> SimObject {
    let start = gen.days_ago(30, 400);
    let permanent = gen.chance(0.5);
    let end = start + 365 * super::DAY;
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.unifiedRoleEligibilityScheduleInstance",
        "id": gen.guid(),
        "principalId": principal,
        "roleDefinitionId": role,
        "directoryScopeId": "/",
        "appScopeId": null,
        "startDateTime": super::graph_time(start, None),
        "endDateTime": if permanent { Value::Null } else { json!(super::graph_time(end, None)) },
        "memberType": "Direct",
        "roleEligibilityScheduleId": gen.guid(),
    }))
}

fn agreement(gen: &mut Gen, org: &str) -> SimObject {
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.agreement",
        "id": gen.guid(),
        "displayName": format!("{org} - Acceptable use policy"),
        "isViewingBeforeAcceptanceRequired": true,
        "isPerDeviceAcceptanceRequired": gen.chance(0.2),
        "userReacceptRequiredFrequency": if gen.chance(0.5) { json!("P365D") } else { Value::Null },
        "termsExpiration": null,
    }))
}

fn authorization_policy(gen: &mut Gen) -> SimObject {
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.authorizationPolicy",
        "id": "authorizationPolicy",
        "displayName": "Authorization Policy",
        "description": "Used to manage authorization related settings across the company.",
        "allowInvitesFrom": *gen.pick(&["everyone", "adminsAndGuestInviters", "adminsAndGuestInviters", "none"]),
        "allowedToSignUpEmailBasedSubscriptions": gen.chance(0.5),
        "allowedToUseSSPR": true,
        "allowEmailVerifiedUsersToJoinOrganization": gen.chance(0.3),
        "allowUserConsentForRiskyApps": null,
        "blockMsolPowerShell": gen.chance(0.4),
        "guestUserRoleId": *gen.pick(&[
            "10dae51f-b6af-4016-8d66-8c2a99b929b3",
            "2af84b1e-32c8-42b7-82bc-daa82404023b",
        ]),
        "defaultUserRolePermissions": {
            "allowedToCreateApps": gen.chance(0.3),
            "allowedToCreateSecurityGroups": gen.chance(0.4),
            "allowedToCreateTenants": gen.chance(0.3),
            "allowedToReadBitlockerKeysForOwnedDevice": true,
            "allowedToReadOtherUsers": true,
            "permissionGrantPoliciesAssigned": if gen.chance(0.6) {
                json!(["ManagePermissionGrantsForSelf.microsoft-user-default-low"])
            } else {
                json!([])
            },
        },
    }))
}

fn method(odata: &str, id: &str, state: &str, extra: Value) -> SimObject {
    let mut body = json!({
        "@odata.type": format!("#microsoft.graph.{odata}"),
        "id": id,
        "state": state,
        "excludeTargets": [],
    });
    if let (Some(map), Value::Object(more)) = (body.as_object_mut(), extra) {
        map.extend(more);
    }
    SimObject::from_value(body)
}

fn authentication_methods_policy(gen: &mut Gen) -> SimObject {
    let sms = if gen.chance(0.6) {
        "disabled"
    } else {
        "enabled"
    };
    let fido = if gen.chance(0.7) {
        "enabled"
    } else {
        "disabled"
    };
    let tap = if gen.chance(0.6) {
        "enabled"
    } else {
        "disabled"
    };
    let configurations = vec![
        method(
            "microsoftAuthenticatorAuthenticationMethodConfiguration",
            "MicrosoftAuthenticator",
            "enabled",
            json!({
                "isSoftwareOathEnabled": false,
                "featureSettings": {
                    "displayAppInformationRequiredState": {"state": "enabled", "includeTarget": {"targetType": "group", "id": "all_users"}, "excludeTarget": {"targetType": "group", "id": "00000000-0000-0000-0000-000000000000"}},
                    "displayLocationInformationRequiredState": {"state": "enabled", "includeTarget": {"targetType": "group", "id": "all_users"}, "excludeTarget": {"targetType": "group", "id": "00000000-0000-0000-0000-000000000000"}},
                },
                "includeTargets": [{"targetType": "group", "id": "all_users", "isRegistrationRequired": false, "authenticationMode": "any"}],
            }),
        ),
        method(
            "fido2AuthenticationMethodConfiguration",
            "Fido2",
            fido,
            json!({
                "isSelfServiceRegistrationAllowed": true,
                "isAttestationEnforced": gen.chance(0.5),
                "keyRestrictions": {"isEnforced": false, "enforcementType": "block", "aaGuids": []},
                "includeTargets": [{"targetType": "group", "id": "all_users", "isRegistrationRequired": false}],
            }),
        ),
        method(
            "smsAuthenticationMethodConfiguration",
            "Sms",
            sms,
            json!({"includeTargets": [{"targetType": "group", "id": "all_users", "isRegistrationRequired": false, "isUsableForSignIn": false}]}),
        ),
        method(
            "temporaryAccessPassAuthenticationMethodConfiguration",
            "TemporaryAccessPass",
            tap,
            json!({
                "defaultLifetimeInMinutes": 60,
                "defaultLength": 8,
                "minimumLifetimeInMinutes": 60,
                "maximumLifetimeInMinutes": 480,
                "isUsableOnce": gen.chance(0.5),
                "includeTargets": [{"targetType": "group", "id": "all_users", "isRegistrationRequired": false}],
            }),
        ),
        method(
            "voiceAuthenticationMethodConfiguration",
            "Voice",
            "disabled",
            json!({"isOfficePhoneAllowed": false, "includeTargets": []}),
        ),
        method(
            "emailAuthenticationMethodConfiguration",
            "Email",
            "enabled",
            json!({"allowExternalIdToUseEmailOtp": "default", "includeTargets": []}),
        ),
    ];
    let modified = gen.days_ago(5, 400);
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.authenticationMethodsPolicy",
        "id": "authenticationMethodsPolicy",
        "displayName": "Authentication Methods Policy",
        "description": "The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings",
        "lastModifiedDateTime": gen.stamp(modified),
        "policyVersion": "1.5",
        "policyMigrationState": *gen.pick(&["migrationComplete", "migrationInProgress", "preMigration"]),
        "reconfirmationInDays": 0,
        "registrationEnforcement": {
            "authenticationMethodsRegistrationCampaign": {
                "snoozeDurationInDays": 1,
                "enforceRegistrationAfterAllowedSnoozes": true,
                "state": *gen.pick(&["default", "enabled"]),
                "excludeTargets": [],
                "includeTargets": [{"id": "all_users", "targetType": "group", "targetedAuthenticationMethod": "microsoftAuthenticator"}],
            },
        },
    }))
    .with_children("authenticationMethodConfigurations", configurations)
}

fn cross_tenant_default(gen: &mut Gen) -> SimObject {
    let customised = gen.chance(0.4);
    SimObject::from_value(json!({
        "@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationDefault",
        "isServiceDefault": !customised,
        "inboundTrust": {
            "isMfaAccepted": customised && gen.chance(0.5),
            "isCompliantDeviceAccepted": false,
            "isHybridAzureADJoinedDeviceAccepted": false,
        },
        "b2bCollaborationInbound": b2b_setting("allowed", &["AllUsers"]),
        "b2bCollaborationOutbound": b2b_setting("allowed", &["AllUsers"]),
        "b2bDirectConnectInbound": b2b_setting("blocked", &["AllUsers"]),
        "b2bDirectConnectOutbound": b2b_setting("blocked", &["AllUsers"]),
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
        "invitationRedemptionIdentityProviderConfiguration": {
            "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory", "socialIdentityProviders"],
            "fallbackIdentityProvider": "defaultConfiguredIdp",
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{generate, GenerateOptions};
    use super::*;
    use crate::kinds::KINDS;

    fn tenants(seed: u64) -> Vec<SimTenant> {
        generate(&GenerateOptions {
            seed,
            tenants: 20,
            objects_per_tenant: 30,
        })
        .tenants
    }

    #[test]
    fn every_key_is_served_and_every_tenant_has_them_all() {
        for key in KEYS {
            assert!(KINDS.iter().any(|k| k.key == *key), "{key} is not in KINDS");
        }
        for t in tenants(4) {
            for key in KEYS {
                assert!(t.collections.contains_key(*key), "{key} in {}", t.name);
            }
            for key in SINGLETON_KEYS {
                assert_eq!(t.collection(key).len(), 1, "{key} in {}", t.name);
            }
        }
    }

    #[test]
    fn deterministic_varied_and_consistent() {
        let (a, b) = (tenants(11), tenants(11));
        assert_eq!(a, b);
        let count = |key: &str| -> usize { a.iter().map(|t| t.collection(key).len()).sum() };
        assert!(count("crossTenantAccessPartners") > 5);
        assert!(a.iter().any(|t| t.collection("agreements").is_empty()));
        assert!(a.iter().any(|t| !t.collection("agreements").is_empty()));
        assert!(count("roleEligibilityScheduleInstances") > 0);
        assert_eq!(
            a[0].collection("directoryRoleDefinitions").len(),
            BUILT_IN_ROLES.len() + 1
        );
        assert_eq!(
            a[1].collection("directoryRoleDefinitions").len(),
            BUILT_IN_ROLES.len()
        );
        assert_eq!(
            a[1].collection("identitySecurityDefaultsEnforcementPolicy")[0].body["isEnabled"],
            json!(true)
        );
        for t in &a {
            // Every assignment names a user of the tenant and a role it defines.
            let roles: Vec<&str> = t
                .collection("directoryRoleDefinitions")
                .iter()
                .map(SimObject::id)
                .collect();
            for key in [
                "directoryRoleAssignments",
                "roleEligibilityScheduleInstances",
            ] {
                for o in t.collection(key) {
                    let principal = o.body["principalId"].as_str().unwrap_or("");
                    assert!(t.users.iter().any(|u| u.id == principal), "{key}");
                    assert!(roles.contains(&o.body["roleDefinitionId"].as_str().unwrap_or("")));
                }
            }
            let methods = &t.collection("authenticationMethodsPolicy")[0].children
                ["authenticationMethodConfigurations"];
            assert_eq!(methods.len(), 6);
        }
    }
}
