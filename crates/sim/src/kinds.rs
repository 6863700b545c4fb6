//! The simulator's table of Graph collections: where each kind lives, which API versions serve it,
//! what a list returns, how assignments are read and written, which permission it needs and which
//! throttling family counts its requests.
//!
//! This table describes *Microsoft's service*, not our product: the product's own object-kind
//! registry lives in `tenantatlas-core` and must discover these behaviours through Graph, exactly as
//! it would against the real cloud. Facts marked unverified in `docs/simulator.md` are modelled on
//! the strictest plausible reading.

/// Which Graph API versions serve a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versions {
    Both,
    BetaOnly,
}

/// Throttling families, each with its own documented limits (see `graph::throttle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Device configuration, settings catalog, compliance, managed apps: 1000 / 20 s per app and tenant.
    IntuneConfig,
    /// Devices and scripts: 2000 / 20 s per app and tenant.
    IntuneScripts,
    /// Conditional access policies and named locations: 1 request / s per tenant, 429 without Retry-After.
    ConditionalAccess,
    /// Entra directory (groups, organization, directoryObjects).
    Directory,
}

/// How the service takes new assignments for a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignStyle {
    /// `POST /{id}/assign {"<body_key>": [...]}` replacing all assignments; `status` is 200 (with the
    /// new assignments as a collection) or 204 (no body).
    Action { body_key: &'static str, status: u16 },
    /// `POST /{id}/assignments {"target": …}` creating one assignment → 201 (Autopilot profiles).
    PostEach,
    /// The kind has no assignments.
    None,
}

/// A navigation collection under an object (`/{id}/settings`, `/{id}/definitionValues`, …).
#[derive(Clone, Copy, Debug)]
pub struct NavSpec {
    pub name: &'static str,
    /// Page size when the collection is listed on its own (`/{id}/{name}`).
    pub page_size: usize,
    /// Whether `$expand={name}` is accepted on a *list* of the parent collection.
    pub expand_on_list: bool,
    /// Whether `$expand={name}` is accepted on a GET of one parent object.
    pub expand_on_get: bool,
    /// Whether the children may be written inline in the parent's POST body (settings catalog
    /// `settings`, compliance `scheduledActionsForRule`).
    pub inline_on_create: bool,
}

/// One collection of configuration objects in a tenant.
#[derive(Clone, Copy, Debug)]
pub struct KindSpec {
    /// Short key, the last path segment (`deviceConfigurations`); unique.
    pub key: &'static str,
    /// Path below the version root (`deviceManagement/deviceConfigurations`).
    pub path: &'static str,
    pub versions: Versions,
    /// `@odata.type` of objects when the body names none (the collection's base entity type).
    pub base_type: &'static str,
    /// Server page size for lists (without `$top`).
    pub page_size: usize,
    /// Largest `$top` the service honours.
    pub max_top: usize,
    /// Properties the service omits in a list and returns only on GET by id (script bodies).
    pub list_omits: &'static [&'static str],
    pub navs: &'static [NavSpec],
    pub assign: AssignStyle,
    /// Delegated scopes that allow reading (any one suffices).
    pub read_scopes: &'static [&'static str],
    /// Delegated scopes that allow writing (any one suffices).
    pub write_scopes: &'static [&'static str],
    pub family: Family,
    /// The Intune audit category written for changes to this kind (`None` outside Intune).
    pub audit_category: Option<&'static str>,
    /// Whether clients may create, change and delete objects of this kind.
    pub writable: bool,
    /// Server-computed fields set on create/update: `version` counter, `lastModifiedDateTime`, ….
    pub has_version: bool,
}

impl KindSpec {
    /// Whether an `@odata.type` belongs in this collection (posting an iOS device configuration
    /// into compliance policies is a `ModelValidationFailure` on the real service).
    pub fn accepts_type(&self, odata_type: &str) -> bool {
        let t = odata_type
            .trim_start_matches("#microsoft.graph.")
            .to_ascii_lowercase();
        let base = self
            .base_type
            .trim_start_matches("#microsoft.graph.")
            .to_ascii_lowercase();
        if t == base {
            return true;
        }
        match self.key {
            "deviceConfigurations" => {
                t.ends_with("configuration")
                    && !t.contains("enrollment")
                    && !t.contains("compliance")
                    && !t.contains("managedapp")
            }
            "deviceCompliancePolicies" => t.ends_with("compliancepolicy"),
            "deviceEnrollmentConfigurations" => {
                t.contains("enrollment") || t.ends_with("comanagementauthorityconfiguration")
            }
            "windowsAutopilotDeploymentProfiles" => t.ends_with("autopilotdeploymentprofile"),
            "mobileApps" => t.ends_with("app") || t.ends_with("suite"),
            "mobileAppConfigurations" => t.ends_with("appconfiguration"),
            "namedLocations" => t.ends_with("namedlocation"),
            _ => false,
        }
    }
}

const ASSIGNMENTS_EXPANDABLE: NavSpec = NavSpec {
    name: "assignments",
    page_size: 100,
    expand_on_list: true,
    expand_on_get: true,
    inline_on_create: false,
};
const ASSIGNMENTS_SEPARATE: NavSpec = NavSpec {
    name: "assignments",
    page_size: 100,
    expand_on_list: false,
    expand_on_get: true,
    inline_on_create: false,
};

const CONFIG_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const CONFIG_WRITE: &[&str] = &["DeviceManagementConfiguration.ReadWrite.All"];
const APPS_READ: &[&str] = &[
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
];
const APPS_WRITE: &[&str] = &["DeviceManagementApps.ReadWrite.All"];
const SERVICE_READ: &[&str] = &[
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
const SERVICE_WRITE: &[&str] = &["DeviceManagementServiceConfig.ReadWrite.All"];
const RBAC_READ: &[&str] = &[
    "DeviceManagementRBAC.Read.All",
    "DeviceManagementRBAC.ReadWrite.All",
];
const RBAC_WRITE: &[&str] = &["DeviceManagementRBAC.ReadWrite.All"];
const SCRIPTS_READ: &[&str] = &[
    "DeviceManagementScripts.Read.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const SCRIPTS_WRITE: &[&str] = &[
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const POLICY_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];
const POLICY_WRITE: &[&str] = &["Policy.ReadWrite.ConditionalAccess"];

const fn kind(key: &'static str, path: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        key,
        path,
        versions: Versions::BetaOnly,
        base_type,
        page_size: 1000,
        max_top: 1000,
        list_omits: &[],
        navs: &[ASSIGNMENTS_EXPANDABLE],
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 200,
        },
        read_scopes: CONFIG_READ,
        write_scopes: CONFIG_WRITE,
        family: Family::IntuneConfig,
        audit_category: Some("DeviceConfiguration"),
        writable: true,
        has_version: false,
    }
}

/// Every configuration collection the simulator serves, in the order a sync would naturally visit them.
pub static KINDS: &[KindSpec] = &[
    KindSpec {
        versions: Versions::Both,
        has_version: true,
        ..kind(
            "deviceConfigurations",
            "deviceManagement/deviceConfigurations",
            "#microsoft.graph.deviceConfiguration",
        )
    },
    KindSpec {
        page_size: 25,
        max_top: 100,
        navs: &[
            ASSIGNMENTS_EXPANDABLE,
            NavSpec {
                name: "settings",
                page_size: 25,
                expand_on_list: true,
                expand_on_get: true,
                inline_on_create: true,
            },
        ],
        ..kind(
            "configurationPolicies",
            "deviceManagement/configurationPolicies",
            "#microsoft.graph.deviceManagementConfigurationPolicy",
        )
    },
    KindSpec {
        versions: Versions::Both,
        has_version: true,
        navs: &[
            ASSIGNMENTS_EXPANDABLE,
            NavSpec {
                name: "scheduledActionsForRule",
                page_size: 100,
                expand_on_list: true,
                expand_on_get: true,
                inline_on_create: true,
            },
        ],
        audit_category: Some("Compliance"),
        ..kind(
            "deviceCompliancePolicies",
            "deviceManagement/deviceCompliancePolicies",
            "#microsoft.graph.deviceCompliancePolicy",
        )
    },
    KindSpec {
        navs: &[
            ASSIGNMENTS_EXPANDABLE,
            NavSpec {
                name: "definitionValues",
                page_size: 100,
                expand_on_list: false,
                expand_on_get: true,
                inline_on_create: false,
            },
        ],
        ..kind(
            "groupPolicyConfigurations",
            "deviceManagement/groupPolicyConfigurations",
            "#microsoft.graph.groupPolicyConfiguration",
        )
    },
    KindSpec {
        navs: &[
            ASSIGNMENTS_EXPANDABLE,
            NavSpec {
                name: "settings",
                page_size: 100,
                expand_on_list: false,
                expand_on_get: true,
                inline_on_create: true,
            },
            NavSpec {
                name: "categories",
                page_size: 100,
                expand_on_list: false,
                expand_on_get: true,
                inline_on_create: false,
            },
        ],
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        audit_category: Some("DeviceIntent"),
        ..kind(
            "intents",
            "deviceManagement/intents",
            "#microsoft.graph.deviceManagementIntent",
        )
    },
    KindSpec {
        navs: &[NavSpec {
            name: "categories",
            page_size: 100,
            expand_on_list: false,
            expand_on_get: true,
            inline_on_create: false,
        }],
        assign: AssignStyle::None,
        writable: false,
        audit_category: None,
        ..kind(
            "templates",
            "deviceManagement/templates",
            "#microsoft.graph.deviceManagementTemplate",
        )
    },
    scripts(
        "deviceManagementScripts",
        "#microsoft.graph.deviceManagementScript",
    ),
    scripts("deviceShellScripts", "#microsoft.graph.deviceShellScript"),
    scripts(
        "deviceCustomAttributeShellScripts",
        "#microsoft.graph.deviceCustomAttributeShellScript",
    ),
    KindSpec {
        list_omits: &["detectionScriptContent", "remediationScriptContent"],
        assign: AssignStyle::Action {
            body_key: "deviceHealthScriptAssignments",
            status: 204,
        },
        family: Family::IntuneScripts,
        read_scopes: SCRIPTS_READ,
        write_scopes: SCRIPTS_WRITE,
        has_version: true,
        ..kind(
            "deviceHealthScripts",
            "deviceManagement/deviceHealthScripts",
            "#microsoft.graph.deviceHealthScript",
        )
    },
    KindSpec {
        versions: Versions::Both,
        assign: AssignStyle::Action {
            body_key: "enrollmentConfigurationAssignments",
            status: 204,
        },
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Enrollment"),
        has_version: true,
        ..kind(
            "deviceEnrollmentConfigurations",
            "deviceManagement/deviceEnrollmentConfigurations",
            "#microsoft.graph.deviceEnrollmentConfiguration",
        )
    },
    KindSpec {
        assign: AssignStyle::PostEach,
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Enrollment"),
        ..kind(
            "windowsAutopilotDeploymentProfiles",
            "deviceManagement/windowsAutopilotDeploymentProfiles",
            "#microsoft.graph.windowsAutopilotDeploymentProfile",
        )
    },
    update_profiles(
        "windowsFeatureUpdateProfiles",
        "#microsoft.graph.windowsFeatureUpdateProfile",
    ),
    update_profiles(
        "windowsQualityUpdateProfiles",
        "#microsoft.graph.windowsQualityUpdateProfile",
    ),
    update_profiles(
        "windowsDriverUpdateProfiles",
        "#microsoft.graph.windowsDriverUpdateProfile",
    ),
    app_protection(
        "iosManagedAppProtections",
        "#microsoft.graph.iosManagedAppProtection",
    ),
    app_protection(
        "androidManagedAppProtections",
        "#microsoft.graph.androidManagedAppProtection",
    ),
    app_protection(
        "windowsManagedAppProtections",
        "#microsoft.graph.windowsManagedAppProtection",
    ),
    app_protection(
        "targetedManagedAppConfigurations",
        "#microsoft.graph.targetedManagedAppConfiguration",
    ),
    KindSpec {
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        read_scopes: APPS_READ,
        write_scopes: APPS_WRITE,
        audit_category: Some("Application"),
        has_version: true,
        ..kind(
            "mobileAppConfigurations",
            "deviceAppManagement/mobileAppConfigurations",
            "#microsoft.graph.managedDeviceMobileAppConfiguration",
        )
    },
    KindSpec {
        versions: Versions::Both,
        assign: AssignStyle::Action {
            body_key: "mobileAppAssignments",
            status: 204,
        },
        read_scopes: APPS_READ,
        write_scopes: APPS_WRITE,
        audit_category: Some("Application"),
        ..kind(
            "mobileApps",
            "deviceAppManagement/mobileApps",
            "#microsoft.graph.mobileApp",
        )
    },
    KindSpec {
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: CONFIG_READ,
        write_scopes: CONFIG_WRITE,
        ..kind(
            "assignmentFilters",
            "deviceManagement/assignmentFilters",
            "#microsoft.graph.deviceAndAppManagementAssignmentFilter",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: RBAC_READ,
        write_scopes: RBAC_WRITE,
        audit_category: Some("Role"),
        ..kind(
            "roleScopeTags",
            "deviceManagement/roleScopeTags",
            "#microsoft.graph.roleScopeTag",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[NavSpec {
            name: "roleAssignments",
            page_size: 100,
            expand_on_list: false,
            expand_on_get: true,
            inline_on_create: false,
        }],
        assign: AssignStyle::None,
        read_scopes: RBAC_READ,
        write_scopes: RBAC_WRITE,
        audit_category: Some("Role"),
        ..kind(
            "roleDefinitions",
            "deviceManagement/roleDefinitions",
            "#microsoft.graph.deviceAndAppManagementRoleDefinition",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: RBAC_READ,
        write_scopes: RBAC_WRITE,
        audit_category: Some("Role"),
        ..kind(
            "roleAssignments",
            "deviceManagement/roleAssignments",
            "#microsoft.graph.deviceAndAppManagementRoleAssignment",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[NavSpec {
            name: "localizedNotificationMessages",
            page_size: 100,
            expand_on_list: true,
            expand_on_get: true,
            inline_on_create: false,
        }],
        assign: AssignStyle::None,
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Compliance"),
        ..kind(
            "notificationMessageTemplates",
            "deviceManagement/notificationMessageTemplates",
            "#microsoft.graph.notificationMessageTemplate",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: POLICY_READ,
        write_scopes: POLICY_WRITE,
        family: Family::ConditionalAccess,
        audit_category: None,
        ..kind(
            "policies",
            "identity/conditionalAccess/policies",
            "#microsoft.graph.conditionalAccessPolicy",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: POLICY_READ,
        write_scopes: POLICY_WRITE,
        family: Family::ConditionalAccess,
        audit_category: None,
        ..kind(
            "namedLocations",
            "identity/conditionalAccess/namedLocations",
            "#microsoft.graph.namedLocation",
        )
    },
    // Tenant-wide Intune settings that backup tools read (IntuneCD, IntuneManagement); generated
    // outside the portfolio's quota by `data::tenant_settings`. Sources: docs/graph-research.md §22.
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: CONFIG_OR_DEVICES_READ,
        write_scopes: CONFIG_OR_DEVICES_WRITE,
        audit_category: Some("Enrollment"),
        ..kind(
            "deviceCategories",
            "deviceManagement/deviceCategories",
            "#microsoft.graph.deviceCategory",
        )
    },
    KindSpec {
        navs: &[NavSpec {
            name: "enrollmentProfiles",
            page_size: 100,
            expand_on_list: false,
            expand_on_get: true,
            inline_on_create: false,
        }],
        assign: AssignStyle::None,
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Enrollment"),
        ..kind(
            "depOnboardingSettings",
            "deviceManagement/depOnboardingSettings",
            "#microsoft.graph.depOnboardingSetting",
        )
    },
    KindSpec {
        page_size: 25,
        max_top: 100,
        navs: &[
            ASSIGNMENTS_EXPANDABLE,
            NavSpec {
                name: "settings",
                page_size: 25,
                expand_on_list: true,
                expand_on_get: true,
                inline_on_create: true,
            },
            NavSpec {
                name: "scheduledActionsForRule",
                page_size: 100,
                expand_on_list: true,
                expand_on_get: true,
                inline_on_create: true,
            },
        ],
        audit_category: Some("Compliance"),
        ..kind(
            "compliancePolicies",
            "deviceManagement/compliancePolicies",
            "#microsoft.graph.deviceManagementCompliancePolicy",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: SERVICE_OR_CONFIG_READ,
        write_scopes: SERVICE_OR_CONFIG_WRITE,
        audit_category: Some("Compliance"),
        ..kind(
            "complianceManagementPartners",
            "deviceManagement/complianceManagementPartners",
            "#microsoft.graph.complianceManagementPartner",
        )
    },
    KindSpec {
        list_omits: &["detectionScriptContent"],
        navs: &[],
        assign: AssignStyle::None,
        family: Family::IntuneScripts,
        read_scopes: CONFIG_OR_DEVICES_READ,
        write_scopes: CONFIG_OR_DEVICES_WRITE,
        has_version: true,
        ..kind(
            "deviceComplianceScripts",
            "deviceManagement/deviceComplianceScripts",
            "#microsoft.graph.deviceComplianceScript",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: SERVICE_OR_CONFIG_READ,
        write_scopes: SERVICE_OR_CONFIG_WRITE,
        audit_category: Some("Enrollment"),
        ..kind(
            "deviceManagementPartners",
            "deviceManagement/deviceManagementPartners",
            "#microsoft.graph.deviceManagementPartner",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Enrollment"),
        ..kind(
            "remoteAssistancePartners",
            "deviceManagement/remoteAssistancePartners",
            "#microsoft.graph.remoteAssistancePartner",
        )
    },
    KindSpec {
        page_size: 25,
        max_top: 100,
        navs: &[],
        assign: AssignStyle::None,
        has_version: true,
        ..kind(
            "reusablePolicySettings",
            "deviceManagement/reusablePolicySettings",
            "#microsoft.graph.deviceManagementReusablePolicySetting",
        )
    },
    KindSpec {
        versions: Versions::Both,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: SERVICE_OR_CONFIG_READ,
        write_scopes: SERVICE_OR_CONFIG_WRITE,
        audit_category: Some("Application"),
        ..kind(
            "vppTokens",
            "deviceAppManagement/vppTokens",
            "#microsoft.graph.vppToken",
        )
    },
];

// Permissions of the tenant-wide settings, as their current Graph reference pages list them.
const CONFIG_OR_DEVICES_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];
const CONFIG_OR_DEVICES_WRITE: &[&str] = &[
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];
const SERVICE_OR_CONFIG_READ: &[&str] = &[
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const SERVICE_OR_CONFIG_WRITE: &[&str] = &[
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];

const fn scripts(key: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        list_omits: &["scriptContent"],
        assign: AssignStyle::Action {
            body_key: "deviceManagementScriptAssignments",
            status: 204,
        },
        family: Family::IntuneScripts,
        read_scopes: SCRIPTS_READ,
        write_scopes: SCRIPTS_WRITE,
        ..kind(key, "", base_type)
    }
}

const fn update_profiles(key: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        ..kind(key, "", base_type)
    }
}

const fn app_protection(key: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        navs: &[
            ASSIGNMENTS_SEPARATE,
            NavSpec {
                name: "apps",
                page_size: 100,
                expand_on_list: false,
                expand_on_get: true,
                inline_on_create: true,
            },
        ],
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        read_scopes: APPS_READ,
        write_scopes: APPS_WRITE,
        audit_category: Some("Application"),
        has_version: true,
        ..kind(key, "", base_type)
    }
}

impl KindSpec {
    /// The collection's path below the version root.
    pub fn full_path(&self) -> String {
        if !self.path.is_empty() {
            return self.path.to_string();
        }
        let parent = if self.audit_category == Some("Application") {
            "deviceAppManagement"
        } else {
            "deviceManagement"
        };
        format!("{parent}/{}", self.key)
    }

    pub fn nav(&self, name: &str) -> Option<&'static NavSpec> {
        self.navs.iter().find(|n| n.name.eq_ignore_ascii_case(name))
    }

    pub fn serves(&self, version: ApiVersion) -> bool {
        version == ApiVersion::Beta || self.versions == Versions::Both
    }
}

/// `v1.0` or `beta`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
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

/// Looks a kind up by its collection key (`deviceConfigurations`), case-insensitively as Graph does.
pub fn by_key(key: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.key.eq_ignore_ascii_case(key))
}

/// Looks a kind up by its full path (`deviceManagement/deviceConfigurations`), case-insensitively.
pub fn by_path(path: &str) -> Option<&'static KindSpec> {
    KINDS
        .iter()
        .find(|k| k.full_path().eq_ignore_ascii_case(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_paths_are_unique() {
        let mut keys: Vec<_> = KINDS.iter().map(|k| k.key.to_ascii_lowercase()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), KINDS.len());
        assert_eq!(
            by_key("IOSMANAGEDAPPPROTECTIONS").unwrap().full_path(),
            "deviceAppManagement/iosManagedAppProtections"
        );
        assert_eq!(
            by_path("deviceManagement/deviceShellScripts")
                .unwrap()
                .list_omits,
            &["scriptContent"]
        );
    }
}
