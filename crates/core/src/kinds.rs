//! The object-kind registry: every kind of configuration object TenantAtlas captures, where it
//! lives in Microsoft Graph, how a sync reads it with the fewest requests the service allows, which
//! permission reading it needs, and which fields are volatile (changed by the service, not by an admin).
//!
//! Reading strategy, per kind (see `docs/graph-research.md` for the evidence):
//! - one list with `$expand` of what the service is known to expand on that list (`assignments`
//!   where public sources show it, settings catalog `settings`, compliance scheduled actions),
//!   followed to the last page;
//! - then, only where the list cannot carry it, reads per object (`Detail`), sent in `$batch`
//!   groups of 20: script bodies (lists return them as `null`), role assignments' `members`
//!   (lists leave them out), app protection navigations, `/{id}/assignments` of kinds whose list
//!   expansion no source shows, intent settings, notification messages, ADMX definition values —
//!   and, one level down, each definition value's presentation values (Graph refuses an `$expand`
//!   two levels deep).

use serde::Serialize;
use serde_json::Value;

/// Graph API version of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ApiVersion {
    #[serde(rename = "v1.0")]
    V1,
    #[serde(rename = "beta")]
    Beta,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

/// Throttling families with separate documented limits; the client paces each on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ThrottleFamily {
    /// Intune configuration, settings catalog, compliance, managed apps: 1000 / 20 s per app and tenant.
    IntuneConfig,
    /// Intune scripts and devices: 2000 / 20 s per app and tenant.
    IntuneScripts,
    /// Conditional access: 1 request / s per tenant for all apps, 429 without `Retry-After`.
    ConditionalAccess,
    /// Entra directory: resource units per app and tenant per 10 s.
    Directory,
}

/// One read a sync sends per object after the list (a kind lists none when its list carries
/// everything).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// `GET {collection}/{id}?{query}` (the query may be empty), merged over the listed object:
    /// script bodies, role assignments' `members`, app protection navigations.
    Get(&'static str),
    /// `GET {collection}/{id}/{nav}?{query}`, stored under the object's `nav` property; then
    /// `each` read for every item of that collection (`…/{nav}/{item id}/…`), stored in the item.
    Child {
        nav: &'static str,
        query: &'static str,
        each: &'static [Detail],
    },
}

/// Whether a kind is a collection of objects or one object of the tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A collection: listed, paged, one object per item.
    Collection,
    /// One object per tenant (`deviceManagement/applePushNotificationCertificate`, or a property of
    /// a singleton such as `deviceManagement/settings`), read with one GET. A 404 means the tenant
    /// has none (Intune answers 404 for an Apple push certificate never set up). Its object id is
    /// the kind key and its name the kind's label, so a tenant's singleton keeps its identity and
    /// matches another tenant's or a baseline's singleton of the same kind.
    Singleton,
    /// Objects the MSP names per tenant rather than lists: the break-glass accounts, read by the
    /// names the tenant's record holds (`tenantatlas tenant break-glass`) and described from what
    /// the same sync read (roles, Conditional Access policies). Never listed; object ids are the
    /// names, display names their place in the MSP's list ("Break-glass account 1"), so the first
    /// account of one tenant meets the first of another and of a baseline.
    Named,
}

/// `GET {collection}/{id}/assignments`: for kinds whose list does not expand them.
const ASSIGNMENTS: Detail = Detail::Child {
    nav: "assignments",
    query: "",
    each: &[],
};

/// One kind of configuration object.
#[derive(Clone, Copy, Debug)]
pub struct ObjectKind {
    /// Stable key, used in the workspace and on the command line (`--kind`).
    pub key: &'static str,
    /// What an MSP engineer calls it.
    pub label: &'static str,
    /// Collection path below the version root.
    pub collection: &'static str,
    pub version: ApiVersion,
    /// A collection, or one object per tenant (`collection` is then the object's own path).
    pub shape: Shape,
    /// Query options of the list (`$expand=assignments`…), without paging options.
    pub list_query: &'static str,
    /// Reads per object after the list, in this order.
    pub details: &'static [Detail],
    /// Delegated permissions that allow reading (any one suffices).
    pub read_scopes: &'static [&'static str],
    pub family: ThrottleFamily,
    /// Top-level fields the service changes by itself; not part of the content.
    pub volatile_fields: &'static [&'static str],
    /// The property holding the display name.
    pub name_field: &'static str,
    /// The property saying when the object — a token, a certificate — expires and stops working
    /// (`expirationDateTime`), for kinds that expire.
    pub expiry_field: Option<&'static str>,
}

const VOLATILE: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "modifiedDateTime",
    "version",
    "isAssigned",
    "settingCount",
    "supportsScopeTags",
];

const CONFIG_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const APPS_READ: &[&str] = &[
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
];
const SERVICE_READ: &[&str] = &[
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
const RBAC_READ: &[&str] = &[
    "DeviceManagementRBAC.Read.All",
    "DeviceManagementRBAC.ReadWrite.All",
];
const SCRIPTS_READ: &[&str] = &[
    "DeviceManagementScripts.Read.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const POLICY_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];
// Entra policies and roles, as their Graph reference pages list the permissions (least privileged
// first, the one "consent lacks …" names; the simulator's `kinds.rs` keeps the same lists).
const AUTH_METHOD_READ: &[&str] = &[
    "Policy.Read.AuthenticationMethod",
    "Policy.Read.All",
    "Policy.ReadWrite.AuthenticationMethod",
    "Policy.ReadWrite.ConditionalAccess",
];
const CROSS_TENANT_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"];
const ROLE_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
const ROLE_ASSIGNMENT_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
/// PIM eligibilities: the page names `RoleEligibilitySchedule.Read.Directory` least privileged, and
/// `RoleManagement.Read.Directory` among the higher ones. We ask for the latter first: the other
/// role kinds need it anyway, so it costs the admin no extra consent line.
const ELIGIBILITY_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleEligibilitySchedule.Read.Directory",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
];
const ADMINISTRATIVE_UNIT_READ: &[&str] = &[
    "AdministrativeUnit.Read.All",
    "AdministrativeUnit.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const AGREEMENT_READ: &[&str] = &["Agreement.Read.All", "Agreement.ReadWrite.All"];
const AUTHORIZATION_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.Authorization"];
const SECURITY_DEFAULTS_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"];
const AUTH_METHODS_POLICY_READ: &[&str] = &[
    "Policy.Read.AuthenticationMethod",
    "Policy.ReadWrite.AuthenticationMethod",
    "Policy.Read.All",
];

/// Break-glass accounts: a user's `accountEnabled` and its transitive group memberships need
/// `User.Read.All` or `Directory.Read.All`; the latter first, as the sync already asks for it to
/// name the groups configuration refers to.
const BREAK_GLASS_READ: &[&str] = &[
    "Directory.Read.All",
    "User.Read.All",
    "Directory.ReadWrite.All",
    "User.ReadWrite.All",
];
/// What an MSP calls one of a tenant's break-glass accounts; the `n`th named is "… n".
pub const BREAK_GLASS_LABEL: &str = "Break-glass account";

/// An Entra collection: v1.0, listed without options, directory throttling.
const fn entra(key: &'static str, label: &'static str, collection: &'static str) -> ObjectKind {
    ObjectKind {
        version: ApiVersion::V1,
        list_query: "",
        family: ThrottleFamily::Directory,
        ..kind(key, label, collection)
    }
}

/// An Entra policy singleton, read on v1.0 (where the authorization policy is one object; beta
/// answers a collection of one).
const fn entra_singleton(
    key: &'static str,
    label: &'static str,
    path: &'static str,
    read_scopes: &'static [&'static str],
) -> ObjectKind {
    ObjectKind {
        version: ApiVersion::V1,
        family: ThrottleFamily::Directory,
        read_scopes,
        ..singleton(key, label, path)
    }
}
// The tenant-wide settings, as their Graph reference pages list the permissions (the simulator's
// `kinds.rs` keeps the same lists).
const CONFIG_OR_DEVICES_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];
const SERVICE_OR_CONFIG_READ: &[&str] = &[
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
/// The Get applePushNotificationCertificate page lists exactly these (ServiceConfig.Read.All is
/// not among them).
const APNS_READ: &[&str] = &[
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
];
/// VPP tokens: the List and Get vppToken pages list exactly these.
const VPP_READ: &[&str] = &[
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
/// Fields of the tenant-wide settings the service changes by itself: syncs with Apple and Google,
/// their results and counts.
const SYNC_VOLATILE: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "version",
    "lastSyncDateTime",
    "lastSuccessfulSyncDateTime",
    "lastSyncTriggeredDateTime",
    "lastSyncErrorCode",
    "lastSyncStatus",
    "syncedDeviceCount",
    "tokenActionResults",
    "lastAppSyncDateTime",
    "lastAppSyncStatus",
    "state",
    "certificateUploadStatus",
    "certificateUploadFailureReason",
    "lastHeartbeatDateTime",
    "lastConnectionDateTime",
    "referencingConfigurationPolicyCount",
];

const fn kind(key: &'static str, label: &'static str, collection: &'static str) -> ObjectKind {
    ObjectKind {
        key,
        label,
        collection,
        version: ApiVersion::Beta,
        shape: Shape::Collection,
        list_query: "$expand=assignments",
        details: &[],
        read_scopes: CONFIG_READ,
        family: ThrottleFamily::IntuneConfig,
        volatile_fields: VOLATILE,
        name_field: "displayName",
        expiry_field: None,
    }
}

const fn script(key: &'static str, label: &'static str, collection: &'static str) -> ObjectKind {
    ObjectKind {
        details: &[Detail::Get("")],
        read_scopes: SCRIPTS_READ,
        family: ThrottleFamily::IntuneScripts,
        ..kind(key, label, collection)
    }
}

const fn app_protection(
    key: &'static str,
    label: &'static str,
    collection: &'static str,
) -> ObjectKind {
    ObjectKind {
        list_query: "",
        details: &[Detail::Get("$expand=assignments,apps")],
        read_scopes: APPS_READ,
        ..kind(key, label, collection)
    }
}

/// One object per tenant, read with one GET of its own path; no assignments.
const fn singleton(key: &'static str, label: &'static str, path: &'static str) -> ObjectKind {
    ObjectKind {
        shape: Shape::Singleton,
        list_query: "",
        name_field: "",
        ..kind(key, label, path)
    }
}

/// Every kind a sync captures, in the order it reads them.
pub static REGISTRY: &[ObjectKind] = &[
    ObjectKind {
        list_query: "$expand=assignments,settings",
        name_field: "name",
        ..kind(
            "configurationPolicies",
            "Settings catalog policy",
            "deviceManagement/configurationPolicies",
        )
    },
    kind(
        "deviceConfigurations",
        "Device configuration",
        "deviceManagement/deviceConfigurations",
    ),
    ObjectKind {
        list_query:
            "$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)",
        ..kind(
            "deviceCompliancePolicies",
            "Compliance policy",
            "deviceManagement/deviceCompliancePolicies",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[
            ASSIGNMENTS,
            Detail::Child {
                nav: "definitionValues",
                query: "$expand=definition",
                each: &[Detail::Child {
                    nav: "presentationValues",
                    query: "$expand=presentation",
                    each: &[],
                }],
            },
        ],
        ..kind(
            "groupPolicyConfigurations",
            "Administrative template (ADMX)",
            "deviceManagement/groupPolicyConfigurations",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[
            ASSIGNMENTS,
            Detail::Child {
                nav: "settings",
                query: "",
                each: &[],
            },
        ],
        ..kind(
            "intents",
            "Endpoint security policy (legacy)",
            "deviceManagement/intents",
        )
    },
    script(
        "deviceManagementScripts",
        "PowerShell script",
        "deviceManagement/deviceManagementScripts",
    ),
    script(
        "deviceShellScripts",
        "macOS shell script",
        "deviceManagement/deviceShellScripts",
    ),
    script(
        "deviceCustomAttributeShellScripts",
        "macOS custom attribute",
        "deviceManagement/deviceCustomAttributeShellScripts",
    ),
    script(
        "deviceHealthScripts",
        "Remediation",
        "deviceManagement/deviceHealthScripts",
    ),
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        read_scopes: SERVICE_READ,
        ..kind(
            "deviceEnrollmentConfigurations",
            "Enrollment configuration",
            "deviceManagement/deviceEnrollmentConfigurations",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        read_scopes: SERVICE_READ,
        ..kind(
            "windowsAutopilotDeploymentProfiles",
            "Autopilot profile",
            "deviceManagement/windowsAutopilotDeploymentProfiles",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        ..kind(
            "windowsFeatureUpdateProfiles",
            "Feature update profile",
            "deviceManagement/windowsFeatureUpdateProfiles",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        ..kind(
            "windowsQualityUpdateProfiles",
            "Quality update profile",
            "deviceManagement/windowsQualityUpdateProfiles",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        ..kind(
            "windowsDriverUpdateProfiles",
            "Driver update profile",
            "deviceManagement/windowsDriverUpdateProfiles",
        )
    },
    app_protection(
        "iosManagedAppProtections",
        "iOS app protection",
        "deviceAppManagement/iosManagedAppProtections",
    ),
    app_protection(
        "androidManagedAppProtections",
        "Android app protection",
        "deviceAppManagement/androidManagedAppProtections",
    ),
    app_protection(
        "windowsManagedAppProtections",
        "Windows app protection",
        "deviceAppManagement/windowsManagedAppProtections",
    ),
    app_protection(
        "targetedManagedAppConfigurations",
        "App configuration (managed apps)",
        "deviceAppManagement/targetedManagedAppConfigurations",
    ),
    ObjectKind {
        read_scopes: APPS_READ,
        ..kind(
            "mobileAppConfigurations",
            "App configuration (managed devices)",
            "deviceAppManagement/mobileAppConfigurations",
        )
    },
    ObjectKind {
        read_scopes: APPS_READ,
        ..kind("mobileApps", "App", "deviceAppManagement/mobileApps")
    },
    ObjectKind {
        list_query: "",
        ..kind(
            "assignmentFilters",
            "Assignment filter",
            "deviceManagement/assignmentFilters",
        )
    },
    ObjectKind {
        list_query: "",
        // A tag's auto-assignments (groups whose devices get the tag): the list expands nothing.
        details: &[ASSIGNMENTS],
        read_scopes: RBAC_READ,
        ..kind(
            "roleScopeTags",
            "Scope tag",
            "deviceManagement/roleScopeTags",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: RBAC_READ,
        ..kind(
            "roleDefinitions",
            "Intune role",
            "deviceManagement/roleDefinitions",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[Detail::Get("")],
        read_scopes: RBAC_READ,
        ..kind(
            "roleAssignments",
            "Intune role assignment",
            "deviceManagement/roleAssignments",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[Detail::Child {
            nav: "localizedNotificationMessages",
            query: "",
            each: &[],
        }],
        read_scopes: SERVICE_READ,
        ..kind(
            "notificationMessageTemplates",
            "Compliance notification template",
            "deviceManagement/notificationMessageTemplates",
        )
    },
    ObjectKind {
        version: ApiVersion::V1,
        list_query: "",
        read_scopes: POLICY_READ,
        family: ThrottleFamily::ConditionalAccess,
        ..kind(
            "conditionalAccessPolicies",
            "Conditional Access policy",
            "identity/conditionalAccess/policies",
        )
    },
    ObjectKind {
        version: ApiVersion::V1,
        list_query: "",
        read_scopes: POLICY_READ,
        family: ThrottleFamily::ConditionalAccess,
        ..kind(
            "namedLocations",
            "Named location",
            "identity/conditionalAccess/namedLocations",
        )
    },
    // Entra policies and roles that posture rules read.
    ObjectKind {
        read_scopes: AUTH_METHOD_READ,
        ..entra(
            "authenticationStrengthPolicies",
            "Authentication strength",
            "policies/authenticationStrengthPolicies",
        )
    },
    ObjectKind {
        read_scopes: CROSS_TENANT_READ,
        // Partners have no id or name of their own: the partner tenant's id is both.
        name_field: "tenantId",
        ..entra(
            "crossTenantAccessPartners",
            "Cross-tenant access partner",
            "policies/crossTenantAccessPolicy/partners",
        )
    },
    ObjectKind {
        // Built-in roles are the same in every tenant: only custom ones are configuration.
        list_query: "$filter=isBuiltIn eq false",
        read_scopes: ROLE_READ,
        ..entra(
            "directoryRoleDefinitions",
            "Entra custom role",
            "roleManagement/directory/roleDefinitions",
        )
    },
    ObjectKind {
        read_scopes: ROLE_ASSIGNMENT_READ,
        // An assignment has no name; its id is stable while it exists.
        name_field: "id",
        ..entra(
            "directoryRoleAssignments",
            "Entra role assignment",
            "roleManagement/directory/roleAssignments",
        )
    },
    ObjectKind {
        read_scopes: ELIGIBILITY_READ,
        name_field: "id",
        ..entra(
            "roleEligibilityScheduleInstances",
            "Entra role eligibility (PIM)",
            "roleManagement/directory/roleEligibilityScheduleInstances",
        )
    },
    ObjectKind {
        read_scopes: ADMINISTRATIVE_UNIT_READ,
        ..entra(
            "administrativeUnits",
            "Administrative unit",
            "directory/administrativeUnits",
        )
    },
    ObjectKind {
        read_scopes: AGREEMENT_READ,
        ..entra(
            "agreements",
            "Terms of use",
            "identityGovernance/termsOfUse/agreements",
        )
    },
    entra_singleton(
        "authorizationPolicy",
        "Authorization policy",
        "policies/authorizationPolicy",
        AUTHORIZATION_READ,
    ),
    entra_singleton(
        "identitySecurityDefaultsEnforcementPolicy",
        "Security defaults",
        "policies/identitySecurityDefaultsEnforcementPolicy",
        SECURITY_DEFAULTS_READ,
    ),
    entra_singleton(
        "authenticationMethodsPolicy",
        "Authentication methods policy",
        "policies/authenticationMethodsPolicy",
        AUTH_METHODS_POLICY_READ,
    ),
    entra_singleton(
        "crossTenantAccessPolicyDefault",
        "Cross-tenant access default settings",
        "policies/crossTenantAccessPolicy/default",
        CROSS_TENANT_READ,
    ),
    ObjectKind {
        shape: Shape::Named,
        read_scopes: BREAK_GLASS_READ,
        name_field: "name",
        volatile_fields: &["id"],
        ..entra("breakGlassAccounts", BREAK_GLASS_LABEL, "users")
    },
    // Tenant-wide Intune settings. `settings` is a complex property of the `deviceManagement`
    // singleton; beta serves it at its own path (as IntuneCD and IntuneManagement read it).
    ObjectKind {
        volatile_fields: &[],
        ..singleton(
            "deviceManagementSettings",
            "Tenant-wide compliance settings",
            "deviceManagement/settings",
        )
    },
    ObjectKind {
        read_scopes: APNS_READ,
        volatile_fields: SYNC_VOLATILE,
        expiry_field: Some("expirationDateTime"),
        ..singleton(
            "applePushNotificationCertificate",
            "Apple MDM push certificate",
            "deviceManagement/applePushNotificationCertificate",
        )
    },
    ObjectKind {
        volatile_fields: SYNC_VOLATILE,
        ..singleton(
            "androidManagedStoreAccountEnterpriseSettings",
            "Managed Google Play connection",
            "deviceManagement/androidManagedStoreAccountEnterpriseSettings",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: CONFIG_OR_DEVICES_READ,
        ..kind(
            "deviceCategories",
            "Device category",
            "deviceManagement/deviceCategories",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[Detail::Child {
            nav: "enrollmentProfiles",
            query: "",
            each: &[],
        }],
        read_scopes: SERVICE_READ,
        volatile_fields: SYNC_VOLATILE,
        name_field: "tokenName",
        expiry_field: Some("tokenExpirationDateTime"),
        ..kind(
            "depOnboardingSettings",
            "Apple enrollment program token (ABM/ADE)",
            "deviceManagement/depOnboardingSettings",
        )
    },
    ObjectKind {
        list_query:
            "$expand=assignments,settings,scheduledActionsForRule($expand=scheduledActionConfigurations)",
        name_field: "name",
        ..kind(
            "compliancePolicies",
            "Compliance policy (settings catalog)",
            "deviceManagement/compliancePolicies",
        )
    },
    ObjectKind {
        list_query: "",
        volatile_fields: SYNC_VOLATILE,
        read_scopes: SERVICE_OR_CONFIG_READ,
        ..kind(
            "complianceManagementPartners",
            "Compliance partner",
            "deviceManagement/complianceManagementPartners",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[Detail::Get("")],
        read_scopes: CONFIG_OR_DEVICES_READ,
        family: ThrottleFamily::IntuneScripts,
        ..kind(
            "deviceComplianceScripts",
            "Custom compliance script",
            "deviceManagement/deviceComplianceScripts",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: SERVICE_OR_CONFIG_READ,
        volatile_fields: SYNC_VOLATILE,
        ..kind(
            "deviceManagementPartners",
            "Device management partner",
            "deviceManagement/deviceManagementPartners",
        )
    },
    ObjectKind {
        list_query: "",
        volatile_fields: SYNC_VOLATILE,
        read_scopes: SERVICE_READ,
        ..kind(
            "remoteAssistancePartners",
            "Remote help partner",
            "deviceManagement/remoteAssistancePartners",
        )
    },
    ObjectKind {
        list_query: "",
        volatile_fields: SYNC_VOLATILE,
        ..kind(
            "reusablePolicySettings",
            "Reusable settings",
            "deviceManagement/reusablePolicySettings",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: VPP_READ,
        volatile_fields: SYNC_VOLATILE,
        expiry_field: Some("expirationDateTime"),
        ..kind(
            "vppTokens",
            "Apple VPP token",
            "deviceAppManagement/vppTokens",
        )
    },
    // The remaining Intune kinds of issue 13, with permissions as their Graph reference pages
    // list them (the simulator's `kinds.rs` keeps the same lists). No source shows a list
    // expanding their assignments: they are read per object.
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        read_scopes: SERVICE_READ,
        ..kind(
            "termsAndConditions",
            "Terms and conditions",
            "deviceManagement/termsAndConditions",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[ASSIGNMENTS],
        read_scopes: SERVICE_READ,
        // Logos come only on a GET by id, as base64: the list's profile (colours, texts, contact
        // details, switches) is what is compared; a logo change is not captured.
        name_field: "profileName",
        ..kind(
            "intuneBrandingProfiles",
            "Company Portal branding",
            "deviceManagement/intuneBrandingProfiles",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: MANAGED_DEVICES_READ,
        ..kind(
            "managedDeviceCleanupRules",
            "Device clean-up rule",
            "deviceManagement/managedDeviceCleanupRules",
        )
    },
    ObjectKind {
        list_query: "",
        read_scopes: APPROVAL_READ,
        ..kind(
            "operationApprovalPolicies",
            "Multi Admin Approval policy",
            "deviceManagement/operationApprovalPolicies",
        )
    },
    ObjectKind {
        list_query: "",
        details: &[Detail::Get("$expand=assignments,items")],
        volatile_fields: POLICY_SET_VOLATILE,
        ..kind(
            "policySets",
            "Policy set",
            "deviceAppManagement/policySets",
        )
    },
];

/// Device clean-up rules: the create page names `DeviceManagementManagedDevices.ReadWrite.All`;
/// reading with `….Read.All` is reported working (docs/simulator.md).
const MANAGED_DEVICES_READ: &[&str] = &[
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];
/// Multi Admin Approval policies: the Get operationApprovalPolicy page lists exactly these.
const APPROVAL_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementRBAC.Read.All",
    "DeviceManagementRBAC.ReadWrite.All",
];
/// A policy set's and its items' validation results are the service's, not the admin's.
const POLICY_SET_VOLATILE: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "status",
    "errorCode",
];

/// Looks a kind up by its key, case-insensitively.
pub fn by_key(key: &str) -> Option<&'static ObjectKind> {
    REGISTRY.iter().find(|k| k.key.eq_ignore_ascii_case(key))
}

/// What an MSP engineer calls the kind with this key ("Settings catalog policy"); an unknown key
/// is shown as it is.
pub fn label(key: &str) -> &str {
    by_key(key).map_or(key, |k| k.label)
}

impl ObjectKind {
    /// When an object of this kind expires (as Graph writes it), for kinds that expire.
    pub fn expires_at<'v>(&self, content: &'v Value) -> Option<&'v str> {
        content.get(self.expiry_field?)?.as_str()
    }

    /// Whether the kind is one object per tenant, read with one GET.
    pub fn is_singleton(&self) -> bool {
        self.shape == Shape::Singleton
    }

    /// Whether the kind's objects are the ones the MSP names per tenant (break-glass accounts).
    pub fn is_named(&self) -> bool {
        self.shape == Shape::Named
    }

    /// Whether a set of granted delegated scopes allows reading this kind.
    pub fn readable_with(&self, granted: &[String]) -> bool {
        self.read_scopes
            .iter()
            .any(|s| granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_found_case_insensitively() {
        let mut keys: Vec<String> = REGISTRY.iter().map(|k| k.key.to_lowercase()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), REGISTRY.len());
        assert!(REGISTRY.len() >= 20);
        assert_eq!(
            by_key("CONDITIONALACCESSPOLICIES").unwrap().version,
            ApiVersion::V1
        );
    }

    #[test]
    fn lists_and_details_ask_for_each_thing_once_and_one_level_deep() {
        fn shallow(details: &[Detail]) -> bool {
            details.iter().all(|d| match d {
                Detail::Get(query) => !query.contains('('),
                Detail::Child { query, each, .. } => !query.contains('(') && shallow(each),
            })
        }
        for kind in REGISTRY {
            let child_assignments = kind.details.iter().any(|d| {
                matches!(
                    d,
                    Detail::Child {
                        nav: "assignments",
                        ..
                    }
                )
            });
            assert!(
                !(child_assignments && kind.list_query.contains("assignments")),
                "{} reads assignments twice",
                kind.key
            );
            assert!(shallow(kind.details), "{}: a nested $expand", kind.key);
        }
        let admx = by_key("groupPolicyConfigurations").unwrap();
        assert!(admx.list_query.is_empty());
        assert!(matches!(
            admx.details[1],
            Detail::Child {
                nav: "definitionValues",
                each: [Detail::Child {
                    nav: "presentationValues",
                    ..
                }],
                ..
            }
        ));
    }

    #[test]
    fn readability_follows_any_granted_scope() {
        let ca = by_key("conditionalAccessPolicies").unwrap();
        assert!(ca.readable_with(&["policy.read.all".to_string()]));
        assert!(!ca.readable_with(&["DeviceManagementConfiguration.Read.All".to_string()]));
    }
}
