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

/// What the service does with `$expand` of one navigation in one place: on a list of the parent
/// collection, or on a GET of one parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expansion {
    /// Expanded in full.
    Served,
    /// 400: the service does not expand the navigation here. Where public sources say nothing
    /// either way, this is the strict reading the simulator takes.
    Refused,
    /// 200 with the navigation present and empty, as public reports show for some navigations
    /// (Graph's query-parameter docs warn that options "might fail silently").
    Empty,
}

/// A navigation under an object (`/{id}/settings`, `/{id}/definitionValues`, …), collection- or
/// single-valued (ADMX `definition`, `presentation`).
#[derive(Clone, Copy, Debug)]
pub struct NavSpec {
    pub name: &'static str,
    /// Page size when the collection is listed on its own (`/{id}/{name}`).
    pub page_size: usize,
    /// `$expand={name}` on a *list* of the parent.
    pub on_list: Expansion,
    /// `$expand={name}` on a GET of one parent.
    pub on_get: Expansion,
    /// Whether the navigation may be expanded one level down, inside its parent's own `$expand`
    /// (`scheduledActionsForRule($expand=scheduledActionConfigurations)`). Graph documents one
    /// level of `$expand`; this is the one deeper expansion public sources show working.
    pub nested: bool,
    /// Whether the children may be written inline in the parent's POST body (settings catalog
    /// `settings`, compliance `scheduledActionsForRule`).
    pub inline_on_create: bool,
    /// The entity type of the navigation's items, named in errors (`microsoft.graph.…`); empty for
    /// assignments, whose type follows the parent's (`{parent type}Assignment`).
    pub item_type: &'static str,
    /// The items' own navigations: what `/{id}/{name}?$expand=…`, `/{id}/{name}/{child}/…` and a
    /// nested `$expand` may name.
    pub item_navs: &'static [NavSpec],
}

/// A navigation with the strict defaults: listed on its own in pages of 100, expanded on a GET of
/// its parent, refused on lists, never nested, never written inline, with no navigations of its own.
pub const fn nav(name: &'static str, item_type: &'static str) -> NavSpec {
    NavSpec {
        name,
        page_size: 100,
        on_list: Expansion::Refused,
        on_get: Expansion::Served,
        nested: false,
        inline_on_create: false,
        item_type,
        item_navs: &[],
    }
}

/// How a list that expands a large navigation shrinks its pages, server-driven: each object
/// carries at most `per_object` expanded items (no `@odata.nextLink` for them — the object's own
/// count tells a client that some are missing), and a page holds objects until their expanded
/// items reach `per_page` (at least one object per page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpandedPaging {
    pub nav: &'static str,
    pub per_object: usize,
    pub per_page: usize,
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
    /// Properties the service returns as `null` in a list and fills only on GET by id (script bodies).
    pub list_omits: &'static [&'static str],
    /// Properties a list leaves out altogether and only a GET by id returns (Intune role
    /// assignments' `members`).
    pub list_absent: &'static [&'static str],
    /// Smaller pages, and expanded items cut short, when a list expands this navigation.
    pub expanded_paging: Option<ExpandedPaging>,
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

/// `assignments`, expanded on lists as public tools show for the collection.
const ASSIGNMENTS_EXPANDABLE: NavSpec = NavSpec {
    on_list: Expansion::Served,
    ..nav("assignments", "")
};
/// `assignments` that a list does not expand: app protection (the service refuses it), and kinds
/// whose list expansion no public source shows (read per object at `/{id}/assignments`).
const ASSIGNMENTS_SEPARATE: NavSpec = nav("assignments", "");

/// Settings catalog `settings`: expanded on lists and GETs (public tools list
/// `configurationPolicies?$expand=settings`), written inline on create. Each setting's real
/// `settingDefinitions` navigation is not modelled: 400 here, never a silently empty answer.
const CATALOG_SETTINGS: NavSpec = NavSpec {
    page_size: 25,
    on_list: Expansion::Served,
    inline_on_create: true,
    item_navs: &[NavSpec {
        on_get: Expansion::Refused,
        ..nav(
            "settingDefinitions",
            "microsoft.graph.deviceManagementConfigurationSettingDefinition",
        )
    }],
    ..nav(
        "settings",
        "microsoft.graph.deviceManagementConfigurationSetting",
    )
};

/// Compliance `scheduledActionsForRule`, expanded on lists with its configurations one level
/// down (`$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`, verified).
const SCHEDULED_ACTIONS: NavSpec = NavSpec {
    on_list: Expansion::Served,
    inline_on_create: true,
    item_navs: &[NavSpec {
        on_list: Expansion::Served,
        nested: true,
        ..nav(
            "scheduledActionConfigurations",
            "microsoft.graph.deviceComplianceActionItem",
        )
    }],
    ..nav(
        "scheduledActionsForRule",
        "microsoft.graph.deviceComplianceScheduledActionForRule",
    )
};

/// Navigations of Microsoft's ADMX catalog objects that the simulator does not serve: named so
/// that asking for them is "too deep" or refused, never "no such property" or silently empty.
const ADMX_CATALOG_NAVS: &[NavSpec] = &[
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("category", "microsoft.graph.groupPolicyCategory")
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav(
            "definitionFile",
            "microsoft.graph.groupPolicyDefinitionFile",
        )
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("presentations", "microsoft.graph.groupPolicyPresentation")
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav(
            "nextVersionDefinition",
            "microsoft.graph.groupPolicyDefinition",
        )
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav(
            "previousVersionDefinition",
            "microsoft.graph.groupPolicyDefinition",
        )
    },
];

/// ADMX `definitionValues`: listed per configuration (`/{id}/definitionValues?$expand=definition`),
/// each value's presentation values read on their own
/// (`…/definitionValues/{id}/presentationValues?$expand=presentation`). Expanding the values on a
/// GET of the configuration answers an empty array (microsoft-graph-docs#19655); expanding
/// presentation values from a value answers an empty array for ingested ADMX (a public backup
/// script's notes), taken here for all; anything deeper is `MaxExpansionDepth`.
const ADMX_DEFINITION_VALUES: NavSpec = NavSpec {
    on_get: Expansion::Empty,
    item_navs: &[
        NavSpec {
            on_list: Expansion::Served,
            item_navs: ADMX_CATALOG_NAVS,
            ..nav("definition", "microsoft.graph.groupPolicyDefinition")
        },
        NavSpec {
            on_list: Expansion::Empty,
            on_get: Expansion::Empty,
            item_navs: &[NavSpec {
                on_list: Expansion::Served,
                ..nav("presentation", "microsoft.graph.groupPolicyPresentation")
            }],
            ..nav(
                "presentationValues",
                "microsoft.graph.groupPolicyPresentationValue",
            )
        },
    ],
    ..nav(
        "definitionValues",
        "microsoft.graph.groupPolicyDefinitionValue",
    )
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
        list_absent: &[],
        expanded_paging: None,
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
        navs: &[ASSIGNMENTS_EXPANDABLE, CATALOG_SETTINGS],
        expanded_paging: Some(ExpandedPaging {
            nav: "settings",
            per_object: 25,
            per_page: 50,
        }),
        ..kind(
            "configurationPolicies",
            "deviceManagement/configurationPolicies",
            "#microsoft.graph.deviceManagementConfigurationPolicy",
        )
    },
    KindSpec {
        versions: Versions::Both,
        has_version: true,
        navs: &[ASSIGNMENTS_EXPANDABLE, SCHEDULED_ACTIONS],
        audit_category: Some("Compliance"),
        ..kind(
            "deviceCompliancePolicies",
            "deviceManagement/deviceCompliancePolicies",
            "#microsoft.graph.deviceCompliancePolicy",
        )
    },
    KindSpec {
        navs: &[ASSIGNMENTS_SEPARATE, ADMX_DEFINITION_VALUES],
        ..kind(
            "groupPolicyConfigurations",
            "deviceManagement/groupPolicyConfigurations",
            "#microsoft.graph.groupPolicyConfiguration",
        )
    },
    KindSpec {
        navs: &[
            // Listed intents expand `assignments` as an empty array even when assigned
            // (microsoft-graph-explorer-v4#2051); a GET by id is taken to do the same.
            NavSpec {
                on_list: Expansion::Empty,
                on_get: Expansion::Empty,
                ..ASSIGNMENTS_SEPARATE
            },
            NavSpec {
                inline_on_create: true,
                ..nav(
                    "settings",
                    "microsoft.graph.deviceManagementSettingInstance",
                )
            },
            nav(
                "categories",
                "microsoft.graph.deviceManagementIntentSettingCategory",
            ),
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
        navs: &[nav(
            "categories",
            "microsoft.graph.deviceManagementTemplateSettingCategory",
        )],
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
        navs: &[ASSIGNMENTS_SEPARATE],
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
        navs: &[ASSIGNMENTS_SEPARATE],
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
        navs: &[nav("roleAssignments", "microsoft.graph.roleAssignment")],
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
        // A list leaves `members` out; IntuneCD reads each assignment by id for them
        // (docs/graph-research.md §15).
        list_absent: &["members"],
        ..kind(
            "roleAssignments",
            "deviceManagement/roleAssignments",
            "#microsoft.graph.deviceAndAppManagementRoleAssignment",
        )
    },
    KindSpec {
        versions: Versions::Both,
        // The list expands the messages: IntuneCD's backup asks for it on the list and reads
        // every template's messages from the answer (`NotificationTemplates.py`), so the service
        // serves it, though the list operation's documentation does not say so.
        navs: &[NavSpec {
            on_list: Expansion::Served,
            ..nav(
                "localizedNotificationMessages",
                "microsoft.graph.localizedNotificationMessage",
            )
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
        navs: &[nav(
            "enrollmentProfiles",
            "microsoft.graph.depEnrollmentBaseProfile",
        )],
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
        navs: &[ASSIGNMENTS_EXPANDABLE, CATALOG_SETTINGS, SCHEDULED_ACTIONS],
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
        read_scopes: APPS_OR_SERVICE_READ,
        write_scopes: APPS_OR_SERVICE_WRITE,
        audit_category: Some("Application"),
        ..kind(
            "vppTokens",
            "deviceAppManagement/vppTokens",
            "#microsoft.graph.vppToken",
        )
    },
    // Entra policies and roles that posture rules read; generated outside the portfolio's quota by
    // `data::entra`. Permissions as their Graph reference pages list them, least privileged first.
    // Writes are not modelled (405; docs/simulator.md).
    KindSpec {
        navs: &[NavSpec {
            on_get: Expansion::Refused,
            ..nav(
                "combinationConfigurations",
                "microsoft.graph.authenticationCombinationConfiguration",
            )
        }],
        read_scopes: AUTH_METHOD_READ,
        write_scopes: &["Policy.ReadWrite.AuthenticationMethod"],
        ..entra(
            "authenticationStrengthPolicies",
            "policies/authenticationStrengthPolicies",
            "#microsoft.graph.authenticationStrengthPolicy",
        )
    },
    KindSpec {
        // The list documents `$expand` of the partner's identity synchronization policy.
        navs: &[NavSpec {
            on_list: Expansion::Served,
            ..nav(
                "identitySynchronization",
                "microsoft.graph.crossTenantIdentitySyncPolicyPartner",
            )
        }],
        read_scopes: &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"],
        write_scopes: &["Policy.ReadWrite.CrossTenantAccess"],
        ..entra(
            "crossTenantAccessPartners",
            "policies/crossTenantAccessPolicy/partners",
            "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        )
    },
    KindSpec {
        navs: &[NavSpec {
            on_get: Expansion::Refused,
            ..nav(
                "inheritsPermissionsFrom",
                "microsoft.graph.unifiedRoleDefinition",
            )
        }],
        read_scopes: ROLE_READ,
        ..entra(
            "directoryRoleDefinitions",
            "roleManagement/directory/roleDefinitions",
            "#microsoft.graph.unifiedRoleDefinition",
        )
    },
    KindSpec {
        navs: ROLE_ASSIGNMENT_NAVS,
        read_scopes: &[
            "RoleManagement.Read.Directory",
            "RoleManagement.Read.All",
            "Directory.Read.All",
            "RoleManagement.ReadWrite.Directory",
            "Directory.ReadWrite.All",
        ],
        ..entra(
            "directoryRoleAssignments",
            "roleManagement/directory/roleAssignments",
            "#microsoft.graph.unifiedRoleAssignment",
        )
    },
    KindSpec {
        navs: ROLE_ASSIGNMENT_NAVS,
        // Directory.Read.All is not among them.
        read_scopes: &[
            "RoleEligibilitySchedule.Read.Directory",
            "RoleEligibilitySchedule.ReadWrite.Directory",
            "RoleManagement.Read.All",
            "RoleManagement.Read.Directory",
            "RoleManagement.ReadWrite.Directory",
        ],
        ..entra(
            "roleEligibilityScheduleInstances",
            "roleManagement/directory/roleEligibilityScheduleInstances",
            "#microsoft.graph.unifiedRoleEligibilityScheduleInstance",
        )
    },
    KindSpec {
        navs: &[
            nav("members", "microsoft.graph.directoryObject"),
            nav("scopedRoleMembers", "microsoft.graph.scopedRoleMembership"),
        ],
        read_scopes: &[
            "AdministrativeUnit.Read.All",
            "AdministrativeUnit.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        ..entra(
            "administrativeUnits",
            "directory/administrativeUnits",
            "#microsoft.graph.administrativeUnit",
        )
    },
    KindSpec {
        navs: &[
            NavSpec {
                on_get: Expansion::Refused,
                ..nav("file", "microsoft.graph.agreementFile")
            },
            NavSpec {
                on_get: Expansion::Refused,
                ..nav("files", "microsoft.graph.agreementFileLocalization")
            },
            NavSpec {
                on_get: Expansion::Refused,
                ..nav("acceptances", "microsoft.graph.agreementAcceptance")
            },
        ],
        read_scopes: &["Agreement.Read.All", "Agreement.ReadWrite.All"],
        ..entra(
            "agreements",
            "identityGovernance/termsOfUse/agreements",
            "#microsoft.graph.agreement",
        )
    },
    // The remaining Intune kinds of issue 13; none generated (tests put them in a tenant).
    // Permissions as their Graph reference pages list them; whether a list expands `assignments`
    // no source shows, so the strict reading: refused on lists, read at `/{id}/assignments`.
    KindSpec {
        versions: Versions::Both,
        navs: &[ASSIGNMENTS_SEPARATE],
        assign: AssignStyle::None,
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        audit_category: Some("Enrollment"),
        has_version: true,
        ..kind(
            "termsAndConditions",
            "deviceManagement/termsAndConditions",
            "#microsoft.graph.termsAndConditions",
        )
    },
    KindSpec {
        navs: &[ASSIGNMENTS_SEPARATE],
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        // The current List page names DeviceManagementServiceConfig; an older one named
        // DeviceManagementApps. The current one is taken (docs/simulator.md).
        read_scopes: SERVICE_READ,
        write_scopes: SERVICE_WRITE,
        // Logos and images (base64 `mimeContent`) come only on a GET by id (assumed: the strict
        // reading, a list cannot be relied on for them).
        list_omits: &[
            "themeColorLogo",
            "lightBackgroundLogo",
            "landingPageCustomizedImage",
        ],
        audit_category: Some("Enrollment"),
        ..kind(
            "intuneBrandingProfiles",
            "deviceManagement/intuneBrandingProfiles",
            "#microsoft.graph.intuneBrandingProfile",
        )
    },
    KindSpec {
        navs: &[],
        assign: AssignStyle::None,
        // The create page names DeviceManagementManagedDevices.ReadWrite.All; reading with
        // ….Read.All is reported working by a public tool (docs/simulator.md).
        read_scopes: &[
            "DeviceManagementManagedDevices.Read.All",
            "DeviceManagementManagedDevices.ReadWrite.All",
        ],
        write_scopes: &["DeviceManagementManagedDevices.ReadWrite.All"],
        audit_category: Some("Device"),
        ..kind(
            "managedDeviceCleanupRules",
            "deviceManagement/managedDeviceCleanupRules",
            "#microsoft.graph.managedDeviceCleanupRule",
        )
    },
    KindSpec {
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: &[
            "DeviceManagementConfiguration.Read.All",
            "DeviceManagementConfiguration.ReadWrite.All",
            "DeviceManagementRBAC.Read.All",
            "DeviceManagementRBAC.ReadWrite.All",
        ],
        write_scopes: &[
            "DeviceManagementConfiguration.ReadWrite.All",
            "DeviceManagementRBAC.ReadWrite.All",
        ],
        audit_category: Some("Role"),
        ..kind(
            "operationApprovalPolicies",
            "deviceManagement/operationApprovalPolicies",
            "#microsoft.graph.operationApprovalPolicy",
        )
    },
    KindSpec {
        // `assignments` and `items` are navigations: expanded on a GET by id (the Get page
        // supports OData options; public tools read `{id}?$expand=assignments,items`), refused
        // on the list (no source shows it).
        navs: &[
            ASSIGNMENTS_SEPARATE,
            nav("items", "microsoft.graph.policySetItem"),
        ],
        assign: AssignStyle::None,
        read_scopes: CONFIG_READ,
        write_scopes: CONFIG_WRITE,
        ..kind(
            "policySets",
            "deviceAppManagement/policySets",
            "#microsoft.graph.policySet",
        )
    },
];

/// An Entra collection: v1.0 and beta, read-only here, directory throttling and error bodies,
/// pages of 100 up to `$top=999` (documented for directory objects; assumed for the others — the
/// stricter reading makes a client page).
const fn entra(key: &'static str, path: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        versions: Versions::Both,
        page_size: 100,
        max_top: 999,
        navs: &[],
        assign: AssignStyle::None,
        read_scopes: &[],
        write_scopes: &[],
        family: Family::Directory,
        audit_category: None,
        writable: false,
        ..kind(key, path, base_type)
    }
}

const AUTH_METHOD_READ: &[&str] = &[
    "Policy.Read.AuthenticationMethod",
    "Policy.Read.All",
    "Policy.ReadWrite.AuthenticationMethod",
    "Policy.ReadWrite.ConditionalAccess",
];
const ROLE_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
/// A role assignment's or eligibility's single-valued navigations: documented for `$expand`, not
/// modelled here — refused, never silently empty.
const ROLE_ASSIGNMENT_NAVS: &[NavSpec] = &[
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("principal", "microsoft.graph.directoryObject")
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("roleDefinition", "microsoft.graph.unifiedRoleDefinition")
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("directoryScope", "microsoft.graph.directoryObject")
    },
    NavSpec {
        on_get: Expansion::Refused,
        ..nav("appScope", "microsoft.graph.appScope")
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
/// VPP tokens: the List and Get vppToken pages (v1.0) list exactly these.
const APPS_OR_SERVICE_READ: &[&str] = &[
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
const APPS_OR_SERVICE_WRITE: &[&str] = &[
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
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
        navs: &[ASSIGNMENTS_SEPARATE],
        assign: AssignStyle::Action {
            body_key: "assignments",
            status: 204,
        },
        ..kind(key, "", base_type)
    }
}

/// App protection: `assignments` and `apps` per policy, or on a GET by id with `$expand`.
const APP_PROTECTION_NAVS: &[NavSpec] = &[
    ASSIGNMENTS_SEPARATE,
    NavSpec {
        inline_on_create: true,
        ..nav("apps", "microsoft.graph.managedMobileApp")
    },
];

const fn app_protection(key: &'static str, base_type: &'static str) -> KindSpec {
    KindSpec {
        navs: APP_PROTECTION_NAVS,
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
