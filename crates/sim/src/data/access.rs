//! Conditional Access policies and named locations in their v1.0 shape. Both carry
//! `createdDateTime` / `modifiedDateTime` (not `lastModifiedDateTime`), as the real service does.

use super::portfolio::Proto;
use serde_json::{json, Value};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const INTUNE_ADMIN: &str = "3a2c62db-5318-420d-8d74-23affee5d9d5";
const SECURITY_ADMIN: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
const EXCHANGE_ADMIN: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
const CA_ADMIN: &str = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9";

struct Ca {
    name: &'static str,
    state: &'static str,
    users: Value,
    applications: Value,
    client_app_types: &'static [&'static str],
    platforms: Value,
    locations: Value,
    authentication_flows: Value,
    grant: Value,
    session: Value,
    golden: bool,
}

fn users(include_users: &[&str], include_groups: &[&str], include_roles: &[&str]) -> Value {
    json!({
        "includeUsers": include_users,
        "excludeUsers": ["$user:breakglass"],
        "includeGroups": include_groups.iter().map(|g| format!("$group:{g}")).collect::<Vec<_>>(),
        "excludeGroups": ["$group:SG-CA-BreakGlass-Exclude"],
        "includeRoles": include_roles,
        "excludeRoles": [],
        "includeGuestsOrExternalUsers": null,
        "excludeGuestsOrExternalUsers": null,
    })
}

fn all_apps() -> Value {
    json!({"includeApplications": ["All"], "excludeApplications": [], "includeUserActions": [], "includeAuthenticationContextClassReferences": [], "applicationFilter": null})
}

fn grant(operator: &str, controls: &[&str]) -> Value {
    json!({"operator": operator, "builtInControls": controls, "customAuthenticationFactors": [], "termsOfUse": [], "authenticationStrength": null})
}

impl Ca {
    fn new(name: &'static str, users: Value, grant: Value) -> Self {
        Ca {
            name,
            state: "enabled",
            users,
            applications: all_apps(),
            client_app_types: &["all"],
            platforms: Value::Null,
            locations: Value::Null,
            authentication_flows: Value::Null,
            grant,
            session: Value::Null,
            golden: true,
        }
    }

    fn proto(self) -> Proto {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.conditionalAccessPolicy",
                "id": "$id",
                "templateId": null,
                "displayName": self.name,
                "createdDateTime": "$created",
                "modifiedDateTime": "$modified",
                "state": self.state,
                "sessionControls": self.session,
                "conditions": {
                    "userRiskLevels": [],
                    "signInRiskLevels": [],
                    "clientAppTypes": self.client_app_types,
                    "servicePrincipalRiskLevels": [],
                    "insiderRiskLevels": null,
                    "platforms": self.platforms,
                    "locations": self.locations,
                    "devices": null,
                    "clientApplications": null,
                    "authenticationFlows": self.authentication_flows,
                    "applications": self.applications,
                    "users": self.users,
                },
                "grantControls": self.grant,
            }),
            self.golden,
        )
    }
}

pub(crate) fn ca_policies() -> Vec<Proto> {
    let admins = [
        GLOBAL_ADMIN,
        INTUNE_ADMIN,
        SECURITY_ADMIN,
        EXCHANGE_ADMIN,
        CA_ADMIN,
    ];
    let mut list = vec![
        Ca::new(
            "MSP - CA001 - Require MFA for admins",
            users(&[], &[], &admins),
            grant("OR", &["mfa"]),
        ),
        Ca {
            locations: json!({"includeLocations": ["All"], "excludeLocations": ["$loc:MSP - Trusted office IPs"]}),
            ..Ca::new(
                "MSP - CA002 - Require MFA for all users",
                users(&["All"], &[], &[]),
                grant("OR", &["mfa"]),
            )
        },
        Ca {
            client_app_types: &["exchangeActiveSync", "other"],
            ..Ca::new(
                "MSP - CA003 - Block legacy authentication",
                users(&["All"], &[], &[]),
                grant("OR", &["block"]),
            )
        },
        Ca {
            platforms: json!({"includePlatforms": ["windows", "macOS"], "excludePlatforms": []}),
            ..Ca::new(
                "MSP - CA004 - Require compliant device",
                users(&["All"], &[], &[]),
                grant("OR", &["compliantDevice", "domainJoinedDevice"]),
            )
        },
        Ca {
            locations: json!({"includeLocations": ["$loc:MSP - Blocked countries"], "excludeLocations": []}),
            ..Ca::new(
                "MSP - CA005 - Block access from blocked countries",
                users(&["All"], &[], &[]),
                grant("OR", &["block"]),
            )
        },
        Ca {
            platforms: json!({"includePlatforms": ["android", "iOS"], "excludePlatforms": []}),
            applications: json!({"includeApplications": ["Office365"], "excludeApplications": [], "includeUserActions": [], "includeAuthenticationContextClassReferences": [], "applicationFilter": null}),
            ..Ca::new(
                "MSP - CA006 - Require app protection on mobile",
                users(&["All"], &[], &[]),
                grant("OR", &["approvedApplication", "compliantApplication"]),
            )
        },
        Ca {
            session: json!({
                "disableResilienceDefaults": null,
                "applicationEnforcedRestrictions": null,
                "cloudAppSecurity": null,
                "continuousAccessEvaluation": null,
                "secureSignInSession": null,
                "signInFrequency": {"value": 8, "type": "hours", "authenticationType": "primaryAndSecondaryAuthentication", "frequencyInterval": "timeBased", "isEnabled": true},
                "persistentBrowser": {"mode": "never", "isEnabled": true},
            }),
            grant: Value::Null,
            ..Ca::new(
                "MSP - CA007 - Sign-in frequency for unmanaged devices",
                users(&["All"], &[], &[]),
                Value::Null,
            )
        },
        Ca {
            applications: json!({"includeApplications": [], "excludeApplications": [], "includeUserActions": ["urn:user:registersecurityinfo"], "includeAuthenticationContextClassReferences": [], "applicationFilter": null}),
            locations: json!({"includeLocations": ["All"], "excludeLocations": ["$loc:MSP - Trusted office IPs"]}),
            ..Ca::new(
                "MSP - CA008 - Secure security info registration",
                users(&["All"], &[], &[]),
                grant("OR", &["mfa"]),
            )
        },
        Ca {
            state: "disabled",
            golden: false,
            platforms: json!({"includePlatforms": ["android"], "excludePlatforms": []}),
            ..Ca::new(
                "CA - Block Android (test)",
                users(&[], &["SG-CA-MFA-Users"], &[]),
                grant("OR", &["block"]),
            )
        },
        Ca {
            state: "enabledForReportingButNotEnforced",
            golden: false,
            ..Ca::new(
                "CA - Require MFA for pilot users",
                users(&[], &["SG-Intune-Pilot-Users"], &[]),
                grant("OR", &["mfa"]),
            )
        },
    ];
    list.drain(..).map(Ca::proto).collect()
}

/// The policy that makes a tenant refuse the device-code flow.
pub(crate) fn block_device_code_policy() -> Proto {
    Ca {
        authentication_flows: json!({"transferMethods": "deviceCodeFlow"}),
        golden: false,
        ..Ca::new(
            "CA - Block device code flow",
            users(&["All"], &[], &[]),
            grant("OR", &["block"]),
        )
    }
    .proto()
}

pub(crate) fn named_locations() -> Vec<Proto> {
    let ip = |name: &str, trusted: bool, cidrs: &[&str], golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.ipNamedLocation",
                "id": "$id",
                "displayName": name,
                "modifiedDateTime": "$modified",
                "createdDateTime": "$created",
                "isTrusted": trusted,
                "ipRanges": cidrs.iter().map(|c| json!({"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": c})).collect::<Vec<_>>(),
            }),
            golden,
        )
    };
    let country = |name: &str, countries: &[&str], golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.countryNamedLocation",
                "id": "$id",
                "displayName": name,
                "modifiedDateTime": "$modified",
                "createdDateTime": "$created",
                "countriesAndRegions": countries,
                "includeUnknownCountriesAndRegions": false,
                "countryLookupMethod": "clientIpAddress",
            }),
            golden,
        )
    };
    vec![
        ip(
            "MSP - Trusted office IPs",
            true,
            &["198.51.100.0/24", "203.0.113.16/28"],
            true,
        ),
        country(
            "MSP - Blocked countries",
            &["KP", "IR", "RU", "BY", "SY"],
            true,
        ),
        country(
            "MSP - Allowed countries",
            &[
                "GB", "IE", "DE", "AT", "CH", "FR", "NL", "DK", "SE", "NO", "PL",
            ],
            true,
        ),
        ip("MSP - Service desk NOC", true, &["192.0.2.64/27"], true),
        ip("HQ Guest Wi-Fi", false, &["100.64.12.0/24"], false),
        ip(
            "Branch office VPN",
            true,
            &["172.16.40.0/22", "10.20.0.0/16"],
            false,
        ),
    ]
}
