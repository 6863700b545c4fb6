//! Friendly names for changes: what an MSP engineer reads instead of a path into Graph JSON.
//!
//! `settings[device_vendor_msft_bitlocker_requiredeviceencryption].value: "…_1" → "…_0"` becomes
//! "Require Device Encryption: Enabled → Disabled". [`label`] turns one [`Change`] of the semantic
//! diff into a [`ChangeLabel`] (the setting's name, both values in words, a one-line summary).
//!
//! Where the names come from, by what the change is in:
//! - **Settings catalog** (`configurationPolicies`): the setting definitions Microsoft publishes at
//!   `/deviceManagement/configurationSettings/{id}` (display name, and for a choice setting the
//!   display name of each option's `itemId`), passed in as a [`SettingCatalog`]. The engine reads
//!   them once per workspace; [`definition_ids`] says which ids a policy uses, and
//!   [`parse_definition`] reads one Graph definition.
//! - **Administrative templates** (`groupPolicyConfigurations`): the captured object itself, whose
//!   definition values carry their expanded `definition` (display name) and `presentation` (label,
//!   dropdown items). This is why [`label`] takes the two whole captured objects.
//! - **OMA-URI settings**: the setting's own `displayName` in the captured object.
//! - **Compliance actions**: the action type, in the words of the Intune portal.
//! - **Assignments**: the target written in the semantic form's key (group, filter, mode).
//! - **Conditional Access state**: in the portal's words ("Enable policy: On", "Off",
//!   "Report-only"), see [`ca_state`].
//! - **Everything else** (flat device configurations, compliance rules, conditional access): the
//!   property path made readable by [`humanise`], with the casing of acronyms and brands kept
//!   (`bitLockerEnabled` → "BitLocker enabled").
//!
//! A whole object is put into words the same way: [`describe`] labels each configured value as if
//! it had just been added (a change from nothing), and [`describe_assignments`] lists who gets the
//! object, as the portal does (Include/Exclude, group and filter names, "All devices").
//!
//! A name that cannot be found falls back to the identifier itself, never to nothing: a label is
//! always at least as informative as the path.
//!
//! *API boundary:* pure functions, no I/O; the catalog is data the caller brings.

use crate::diff::{diff_of_forms, semantic_form, Change, ChangeCategory, RefNames};
use crate::kinds::ObjectKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a setting definition says about itself, as far as labels need it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingDefinition {
    /// "Require Device Encryption". Empty for a definition the service does not know.
    pub display_name: String,
    pub description: Option<String>,
    /// A choice setting's options: `itemId` → display name
    /// (`device_vendor_msft_bitlocker_requiredeviceencryption_1` → "Enabled").
    pub options: BTreeMap<String, String>,
}

/// Settings catalog definitions by id. Ids are compared case-insensitively, as Graph does.
#[derive(Clone, Debug, Default)]
pub struct SettingCatalog {
    definitions: HashMap<String, SettingDefinition>,
}

impl SettingCatalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a definition. One without a display name (a definition the service
    /// does not know) is left out, so that it never hides the id.
    pub fn insert(&mut self, id: &str, definition: SettingDefinition) {
        if !definition.display_name.trim().is_empty() {
            self.definitions.insert(id.to_lowercase(), definition);
        }
    }

    pub fn get(&self, id: &str) -> Option<&SettingDefinition> {
        self.definitions.get(&id.to_lowercase())
    }

    /// The display name of option `item_id` of setting `setting_id`.
    pub fn option_name(&self, setting_id: &str, item_id: &str) -> Option<&str> {
        let options = &self.get(setting_id)?.options;
        options
            .get(item_id)
            .or_else(|| {
                options
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(item_id))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
            .filter(|name| !name.is_empty())
    }

    pub fn len(&self) -> usize {
        self.definitions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }
}

impl FromIterator<(String, SettingDefinition)> for SettingCatalog {
    fn from_iter<I: IntoIterator<Item = (String, SettingDefinition)>>(iter: I) -> Self {
        let mut catalog = SettingCatalog::new();
        for (id, definition) in iter {
            catalog.insert(&id, definition);
        }
        catalog
    }
}

/// One definition as Graph serves it (`deviceManagementConfigurationSettingDefinition` and its
/// subtypes): its `id` and what labels need. `None` when it has no id.
pub fn parse_definition(value: &Value) -> Option<(String, SettingDefinition)> {
    let id = value.get("id")?.as_str()?.to_string();
    let text = |v: &Value, field: &str| {
        v.get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let display_name = text(value, "displayName")
        .or_else(|| text(value, "name"))
        .unwrap_or_default();
    let options = value
        .get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| {
                    let item = text(o, "itemId")?;
                    let name = text(o, "displayName").or_else(|| text(o, "name"))?;
                    Some((item, name))
                })
                .collect()
        })
        .unwrap_or_default();
    Some((
        id,
        SettingDefinition {
            display_name,
            description: text(value, "description"),
            options,
        },
    ))
}

/// Every `settingDefinitionId` a settings catalog policy's captured content uses, at any depth
/// (children of choices, items of group collections), lowercased.
pub fn definition_ids(content: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("settingDefinitionId", Value::String(id)) if !id.is_empty() => {
                            out.insert(id.to_lowercase());
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(content, &mut out);
    out
}

/// A change in words. Serialised with `setting_name`, `before_label` and `after_label`, so that
/// it can be flattened beside the [`Change`] it describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLabel {
    /// What changed, by name: "Require Device Encryption", "Password minimum length",
    /// "Assignment: group SG-Pilot". `None` only when the change has no address at all.
    #[serde(rename = "setting_name")]
    pub setting: Option<String>,
    /// The value before, in words; `None` when there was none, or when it is long text (see the
    /// change's line diff).
    #[serde(rename = "before_label")]
    pub before: Option<String>,
    /// The value after, in words; `None` when there is none, or when it is long text.
    #[serde(rename = "after_label")]
    pub after: Option<String>,
    /// One line: "Require Device Encryption: Enabled → Disabled".
    pub summary: String,
}

/// The label of `change`, a change of an object of `kind`. `before` and `after` are the two whole
/// captured objects the change was found between (as captured, not their semantic forms): the
/// names of administrative template settings and OMA-URI settings are read from them.
pub fn label(
    kind: &ObjectKind,
    change: &Change,
    catalog: &SettingCatalog,
    before: Option<&Value>,
    after: Option<&Value>,
) -> ChangeLabel {
    let segs = segments(&change.path);
    let objects = [before, after];
    let subject = if change.category == ChangeCategory::Assignment {
        assignment_subject(&segs, change)
    } else {
        match (segs.first(), segs.get(1)) {
            (Some(Seg::Field("settings")), Some(Seg::Key(_)))
                if kind.key == "configurationPolicies" =>
            {
                catalog_subject(change, &segs, catalog)
            }
            (Some(Seg::Field("definitionValues")), Some(Seg::Key(id))) => {
                admx_subject(id, &segs[2..], &objects)
            }
            (Some(Seg::Field("omaSettings")), Some(Seg::Key(uri))) => {
                oma_subject(uri, &segs[2..], &objects)
            }
            (Some(Seg::Field("scheduledActionsForRule")), _) => compliance_subject(&segs),
            (Some(Seg::Field("state")), None) if kind.key == "conditionalAccessPolicies" => {
                Subject {
                    name: "Enable policy".to_string(),
                    style: Style::CaState,
                }
            }
            (Some(Seg::Field(top)), _) => Subject {
                name: with_tail(field_name(top), &segs[1..]),
                style: if REF_FIELDS.contains(top) {
                    Style::Refs
                } else {
                    Style::Plain
                },
            },
            _ => Subject {
                name: String::new(),
                style: Style::Plain,
            },
        }
    };
    finish(change, subject, catalog)
}

// ---------------------------------------------------------------------------------------------
// Paths

/// One step of a change's path: a field name, or a key of a keyed collection (`[…]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg<'a> {
    Field(&'a str),
    Key(&'a str),
}

/// `settings[a].children[b].value` → `settings`, `[a]`, `children`, `[b]`, `value`. Keys may hold
/// dots and brackets (OMA-URIs, group names), so a key ends only at a `]` followed by the end, a
/// `.` or a `[`.
fn segments(path: &str) -> Vec<Seg<'_>> {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'.' => i += 1,
            b'[' => {
                let mut j = i + 1;
                let end = loop {
                    match path[j..].find(']') {
                        Some(at) => {
                            let close = j + at;
                            let next = bytes.get(close + 1);
                            if matches!(next, None | Some(b'.') | Some(b'[')) {
                                break close;
                            }
                            j = close + 1;
                        }
                        None => break bytes.len(),
                    }
                };
                out.push(Seg::Key(&path[i + 1..end]));
                i = end + 1;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map_or(bytes.len(), |at| i + at);
                out.push(Seg::Field(&path[i..end]));
                i = end;
            }
        }
    }
    out
}

/// `name › tail in words`, where a tail of only `value` adds nothing.
fn with_tail(name: String, tail: &[Seg<'_>]) -> String {
    let words = tail_words(tail);
    if words.is_empty() {
        name
    } else if name.is_empty() {
        words.join(" › ")
    } else {
        format!("{name} › {}", words.join(" › "))
    }
}

/// Fields that hold a setting's value itself: a path ending there names just the setting.
const VALUE_FIELDS: &[&str] = &[
    "value",
    "simpleSettingCollectionValue",
    "choiceSettingCollectionValue",
];

fn tail_words(tail: &[Seg<'_>]) -> Vec<String> {
    if let [Seg::Field(f)] = tail {
        if VALUE_FIELDS.contains(f) {
            return Vec::new();
        }
    }
    let mut words = Vec::new();
    for (i, seg) in tail.iter().enumerate() {
        match seg {
            // `items[#…]` is one item of a group collection, known only by its content.
            Seg::Field("items") if matches!(tail.get(i + 1), Some(Seg::Key(_))) => {}
            Seg::Key(k) if k.starts_with('#') => words.push("item".to_string()),
            Seg::Key("*") => {}
            Seg::Key(k) => words.push(k.to_string()),
            Seg::Field(f) => words.push(field_name(f)),
        }
    }
    words
}

/// A field's name in words; a few have names of their own in the Intune portal.
fn field_name(field: &str) -> String {
    match field {
        "displayName" | "name" => "Name".to_string(),
        "roleScopeTagIds" | "roleScopeTags" => "Scope tags".to_string(),
        "templateReference" => "Template".to_string(),
        "builtInControls" => "Built-in controls".to_string(),
        "@odata.type" => "Type".to_string(),
        // Inside an assignment's target: the filter's mode, as the portal calls it.
        "deviceAndAppManagementAssignmentFilterType" => "Filter mode".to_string(),
        other => match PORTAL_NAMES.iter().find(|(k, _)| *k == other) {
            Some((_, name)) => name.to_string(),
            None => humanise(other),
        },
    }
}

/// Properties of the tenant-wide Intune settings, as the Intune portal names them where the
/// identifier reads poorly in words (`secureByDefault`, `…InDay`, `appleIdentifier`).
const PORTAL_NAMES: &[(&str, &str)] = &[
    // Tenant-wide compliance settings (Endpoint security › Device compliance › Compliance settings).
    (
        "secureByDefault",
        "Mark devices with no compliance policy assigned as not compliant",
    ),
    ("enhancedJailBreak", "Enhanced jailbreak detection"),
    (
        "deviceComplianceCheckinThresholdDays",
        "Compliance status validity period (days)",
    ),
    (
        "isScheduledActionEnabled",
        "Actions for noncompliance enabled",
    ),
    (
        "deviceInactivityBeforeRetirementInDay",
        "Days of inactivity before retirement",
    ),
    (
        "androidDeviceAdministratorEnrollmentEnabled",
        "Android device administrator enrollment",
    ),
    (
        "ignoreDevicesForUnsupportedSettingsEnabled",
        "Ignore devices for unsupported settings",
    ),
    ("m365AppDiagnosticsEnabled", "Microsoft 365 app diagnostics"),
    // Apple push certificate, enrolment program and VPP tokens.
    ("appleIdentifier", "Apple ID"),
    ("appleId", "Apple ID"),
    ("topicIdentifier", "Topic ID"),
    ("expirationDateTime", "Expires"),
    ("tokenExpirationDateTime", "Token expires"),
    (
        "shareTokenWithSchoolDataSyncService",
        "Share token with School Data Sync",
    ),
    ("vppTokenAccountType", "VPP account type"),
    ("automaticallyUpdateApps", "Automatic app updates"),
    ("locationName", "Location"),
    (
        "claimTokenManagementFromExternalMdm",
        "Take control of token from another MDM",
    ),
    // Managed Google Play.
    ("bindStatus", "Binding status"),
    ("ownerUserPrincipalName", "Managed Google Play account"),
    ("ownerOrganizationName", "Organization"),
    (
        "deviceOwnerManagementEnabled",
        "Corporate-owned Android devices",
    ),
    (
        "androidDeviceOwnerFullyManagedEnrollmentEnabled",
        "Corporate-owned, fully managed user devices",
    ),
    (
        "managedGooglePlayEnterpriseType",
        "Managed Google Play account type",
    ),
    // Custom compliance scripts.
    ("detectionScriptContent", "Detection script"),
    ("enforceSignatureCheck", "Enforce script signature check"),
    ("runAs32Bit", "Run script as 32-bit process"),
    // Entra policies and roles, as the Entra admin center names them.
    ("allowInvitesFrom", "Guest invite restrictions"),
    ("guestUserRoleId", "Guest user access"),
    ("blockMsolPowerShell", "Block MSOnline PowerShell"),
    ("allowedToUseSSPR", "Self-service password reset"),
    (
        "allowEmailVerifiedUsersToJoinOrganization",
        "Email-verified users can join the organization",
    ),
    (
        "allowedToSignUpEmailBasedSubscriptions",
        "Users can sign up for email-based subscriptions",
    ),
    (
        "allowUserConsentForRiskyApps",
        "User consent for risky apps",
    ),
    ("allowedToCreateApps", "Users can register applications"),
    (
        "allowedToCreateSecurityGroups",
        "Users can create security groups",
    ),
    (
        "allowedToCreateTenants",
        "Users can create Microsoft Entra tenants",
    ),
    (
        "allowedToReadBitlockerKeysForOwnedDevice",
        "Users can read the BitLocker keys of their own devices",
    ),
    ("allowedToReadOtherUsers", "Users can read other users"),
    (
        "permissionGrantPoliciesAssigned",
        "User consent for applications",
    ),
    (
        "isMfaAccepted",
        "Trust multifactor authentication from Microsoft Entra tenants",
    ),
    ("isCompliantDeviceAccepted", "Trust compliant devices"),
    // Break-glass accounts (`breakGlassAccounts`).
    ("accountExists", "Account exists"),
    ("accountEnabled", "Account enabled"),
    ("activeRoles", "Active Entra roles"),
    ("eligibleRoles", "Eligible Entra roles (PIM)"),
    ("memberOf", "Member of"),
    (
        "conditionalAccessPoliciesApplying",
        "Enabled Conditional Access policies that apply to it",
    ),
    (
        "isHybridAzureADJoinedDeviceAccepted",
        "Trust Microsoft Entra hybrid joined devices",
    ),
    ("b2bCollaborationInbound", "B2B collaboration (inbound)"),
    ("b2bCollaborationOutbound", "B2B collaboration (outbound)"),
    ("b2bDirectConnectInbound", "B2B direct connect (inbound)"),
    ("b2bDirectConnectOutbound", "B2B direct connect (outbound)"),
    (
        "isMemberManagementRestricted",
        "Restricted management administrative unit",
    ),
    (
        "isViewingBeforeAcceptanceRequired",
        "Require users to expand the terms of use",
    ),
    (
        "isPerDeviceAcceptanceRequired",
        "Require users to consent on every device",
    ),
    ("userReacceptRequiredFrequency", "Expire consents every"),
    ("roleDefinitionId", "Role"),
    ("principalId", "Assigned to"),
    ("directoryScopeId", "Scope"),
    ("allowedResourceActions", "Permissions"),
    ("allowedCombinations", "Allowed method combinations"),
    ("requirementsSatisfied", "Requirements satisfied"),
    // Intune terms and conditions, branding, device clean-up, Multi Admin Approval, as the Intune
    // admin center names them.
    ("bodyText", "Terms"),
    ("acceptanceStatement", "Summary of terms"),
    ("contactITName", "Contact name"),
    ("contactITPhoneNumber", "Contact phone number"),
    ("contactITEmailAddress", "Contact email address"),
    ("contactITNotes", "Contact notes"),
    ("onlineSupportSiteUrl", "Support website URL"),
    ("privacyUrl", "Privacy statement URL"),
    (
        "showDisplayNameNextToLogo",
        "Show organization name next to logo",
    ),
    (
        "deviceInactivityBeforeRetirementInDays",
        "Delete devices that haven't checked in for this many days",
    ),
    ("deviceCleanupRulePlatformType", "Platform"),
    ("approverGroupIds", "Approvers"),
];

// ---------------------------------------------------------------------------------------------
// What a change is about

/// How values are written.
#[derive(Clone, Copy, Debug)]
enum Style<'a> {
    Plain,
    /// Values hold resolved references (`group:SG-X`): written as the name.
    Refs,
    /// Settings catalog values of this setting: option item ids become option names.
    Catalog(&'a str),
    /// An ADMX setting's state: `true` is Enabled.
    AdmxState,
    /// An ADMX presentation value, with a dropdown's items (value → display name).
    Presentation(Option<&'a Value>),
    /// A Conditional Access policy's state: On, Off, Report-only.
    CaState,
}

struct Subject<'a> {
    name: String,
    style: Style<'a>,
}

/// Top-level fields whose values are references resolved to names.
const REF_FIELDS: &[&str] = &[
    // An Entra role assignment's role: built-in role ids in words.
    "roleDefinitionId",
    "conditions",
    "members",
    "resourceScopes",
    "targetedMobileApps",
    "scheduledActionsForRule",
];

fn catalog_subject<'a>(
    change: &'a Change,
    segs: &[Seg<'a>],
    catalog: &SettingCatalog,
) -> Subject<'a> {
    let setting = change.setting.as_deref().unwrap_or_default();
    // The tail starts after the innermost setting's key.
    let at = segs
        .iter()
        .rposition(|s| *s == Seg::Key(setting))
        .unwrap_or(1);
    let name = catalog
        .get(setting)
        .map(|d| {
            d.display_name
                .trim()
                .trim_end_matches(':')
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| setting.to_string());
    let tail = &segs[at + 1..];
    Subject {
        name: with_tail(name, tail),
        style: Style::Catalog(setting),
    }
}

fn admx_subject<'a>(def_id: &str, tail: &[Seg<'_>], objects: &[Option<&'a Value>]) -> Subject<'a> {
    let values: Vec<&'a Value> = objects
        .iter()
        .flatten()
        .filter_map(|o| admx_value(o, def_id))
        .collect();
    let name = values
        .iter()
        .find_map(|v| text_at(v, &["definition", "displayName"]))
        .unwrap_or(def_id)
        .to_string();
    match tail {
        [] | [Seg::Field("enabled")] => Subject {
            name,
            style: Style::AdmxState,
        },
        [Seg::Field("presentationValues"), Seg::Key(pid), rest @ ..] => {
            let presentation = values
                .iter()
                .find_map(|v| presentation_of(v, pid))
                .and_then(|p| p.get("presentation"));
            let label = presentation
                .and_then(|p| p.get("label"))
                .and_then(Value::as_str)
                .map(|l| l.trim().trim_end_matches(':').trim().to_string())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| pid.to_string());
            Subject {
                name: with_tail(format!("{name} › {label}"), rest),
                style: Style::Presentation(presentation.and_then(|p| p.get("items"))),
            }
        }
        _ => Subject {
            name: with_tail(name, tail),
            style: Style::Plain,
        },
    }
}

/// The definition value of `def_id` in a captured ADMX policy (or in its semantic form).
fn admx_value<'a>(object: &'a Value, def_id: &str) -> Option<&'a Value> {
    match object.get("definitionValues")? {
        Value::Array(items) => items
            .iter()
            .find(|v| nav_id(v, "definition").is_some_and(|id| id.eq_ignore_ascii_case(def_id))),
        Value::Object(map) => map.get(def_id),
        _ => None,
    }
}

fn presentation_of<'a>(value: &'a Value, pid: &str) -> Option<&'a Value> {
    value
        .get("presentationValues")?
        .as_array()?
        .iter()
        .find(|p| nav_id(p, "presentation").is_some_and(|id| id.eq_ignore_ascii_case(pid)))
}

/// The id of an expanded navigation, or of its `@odata.bind` in a write body.
fn nav_id<'a>(value: &'a Value, nav: &str) -> Option<&'a str> {
    if let Some(id) = value
        .get(nav)
        .and_then(|d| d.get("id"))
        .and_then(Value::as_str)
    {
        return Some(id);
    }
    let bind = value.get(format!("{nav}@odata.bind"))?.as_str()?;
    let start = bind.rfind("('")? + 2;
    let end = bind[start..].find("')")? + start;
    Some(&bind[start..end])
}

fn oma_subject<'a>(uri: &str, tail: &[Seg<'_>], objects: &[Option<&'a Value>]) -> Subject<'a> {
    let name = objects
        .iter()
        .flatten()
        .filter_map(|o| o.get("omaSettings")?.as_array())
        .flatten()
        .find(|s| s.get("omaUri").and_then(Value::as_str) == Some(uri))
        .and_then(|s| s.get("displayName")?.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(uri)
        .to_string();
    Subject {
        name: with_tail(name, tail),
        style: Style::Plain,
    }
}

fn compliance_subject<'a>(segs: &[Seg<'_>]) -> Subject<'a> {
    match segs {
        [_, Seg::Key(_), Seg::Field("scheduledActionConfigurations"), Seg::Key(action), tail @ ..] => {
            Subject {
                name: with_tail(action_name(action), tail),
                style: Style::Refs,
            }
        }
        [_, rest @ ..] => Subject {
            name: with_tail(
                "Actions for noncompliance".to_string(),
                &rest
                    .iter()
                    .copied()
                    .filter(|s| !matches!(s, Seg::Key(_)))
                    .collect::<Vec<_>>(),
            ),
            style: Style::Refs,
        },
        [] => Subject {
            name: "Actions for noncompliance".to_string(),
            style: Style::Refs,
        },
    }
}

/// A compliance action type as the Intune portal names it.
fn action_name(action: &str) -> String {
    match action {
        "block" => "Mark device noncompliant".to_string(),
        "notification" => "Send email to end user".to_string(),
        "pushNotification" => "Send push notification to end user".to_string(),
        "remoteLock" => "Remotely lock the noncompliant device".to_string(),
        "retire" => "Add device to retire list".to_string(),
        "wipe" => "Wipe device".to_string(),
        "removeResourceAccessProfiles" => "Remove resource access profiles".to_string(),
        "noAction" => "No action".to_string(),
        other => humanise(other),
    }
}

fn assignment_subject<'a>(segs: &[Seg<'_>], change: &Change) -> Subject<'a> {
    // A whole assignment added or removed: its filter mode lives in its body, say it with the target.
    let mode = match segs {
        [_, Seg::Key(key)] if key.contains("filter") => change
            .after
            .as_ref()
            .or(change.before.as_ref())
            .and_then(|v| v.pointer("/target/deviceAndAppManagementAssignmentFilterType"))
            .and_then(Value::as_str),
        _ => None,
    };
    let (target, tail) = match segs {
        [_, Seg::Key(key)] if mode.is_some() => (
            assignment_target(&format!("{key}|{}", mode.unwrap_or_default())),
            &[][..],
        ),
        // The target is the key already: its remaining fields read as the assignment's own.
        [_, Seg::Key(key), Seg::Field("target"), tail @ ..] => (assignment_target(key), tail),
        [_, Seg::Key(key), tail @ ..] => (assignment_target(key), tail),
        [_, tail @ ..] => ("assignments".to_string(), tail),
        [] => ("assignments".to_string(), &[][..]),
    };
    Subject {
        name: with_tail(format!("Assignment: {target}"), tail),
        style: Style::Refs,
    }
}

/// An assignment key of the semantic form in words:
/// `group:SG-Pilot|filter:Corporate devices|include` → "group SG-Pilot (filter Corporate devices, include)".
fn assignment_target(key: &str) -> String {
    let parts: Vec<&str> = key.split('|').collect();
    let mut target = None;
    let mut exclude = false;
    let mut group = None;
    let mut filter = None;
    let mut mode = None;
    for (i, part) in parts.iter().enumerate() {
        if let Some(name) = part.strip_prefix("group:") {
            group = Some(format!("group {name}"));
        } else if let Some(id) = part.strip_prefix("group-id:") {
            group = Some(format!("unknown group {id}"));
        } else if let Some(name) = part.strip_prefix("filter:") {
            filter = Some(format!("filter {name}"));
        } else if let Some(id) = part.strip_prefix("filter-id:") {
            filter = Some(format!("unknown filter {id}"));
        } else if i == 0 && *part == "exclude" {
            exclude = true;
        } else if filter.is_some() && (*part == "include" || *part == "exclude") {
            mode = Some(*part);
        } else if i == 0 {
            target = Some(match *part {
                "allDevices" => "all devices".to_string(),
                "allLicensedUsers" => "all users".to_string(),
                "unknown" => "an unknown target".to_string(),
                other => humanise(other).to_lowercase(),
            });
        }
    }
    let mut out = match (target, group) {
        (Some(t), Some(g)) => format!("{t} {g}"),
        (Some(t), None) => t,
        (None, Some(g)) => g,
        (None, None) => key.to_string(),
    };
    if exclude {
        out = format!("exclude {out}");
    }
    match (filter, mode) {
        (Some(f), Some(m)) => format!("{out} ({f}, {m})"),
        (Some(f), None) => format!("{out} ({f})"),
        _ => out,
    }
}

// ---------------------------------------------------------------------------------------------
// Values and the summary

fn finish(change: &Change, subject: Subject<'_>, catalog: &SettingCatalog) -> ChangeLabel {
    let name = subject.name;
    let setting = (!name.is_empty()).then(|| name.clone());
    let head = if name.is_empty() {
        "Object".to_string()
    } else {
        name.clone()
    };
    if let Some(text_diff) = &change.text_diff {
        let (added, removed) = line_counts(text_diff);
        return ChangeLabel {
            setting,
            before: None,
            after: None,
            summary: format!("{head}: changed (+{added} −{removed} lines)"),
        };
    }
    let render = |v: &Value| one_line(&value_words(v, subject.style, catalog));
    let before = change.before.as_ref().map(render);
    let after = change.after.as_ref().map(render);
    // A whole assignment came or went: its target is all there is to say.
    let whole = matches!(segments(&change.path).as_slice(), [_, Seg::Key(_)]);
    let summary = if change.category == ChangeCategory::Assignment && whole {
        match (&before, &after) {
            (None, Some(_)) => format!("{head}: added"),
            (Some(_), None) => format!("{head}: removed"),
            _ => format!("{head}: changed"),
        }
    } else {
        let absent = if change.category == ChangeCategory::Setting {
            "Not configured"
        } else {
            "(none)"
        };
        format!(
            "{head}: {} → {}",
            before.as_deref().unwrap_or(absent),
            after.as_deref().unwrap_or(absent)
        )
    };
    ChangeLabel {
        setting,
        before,
        after,
        summary,
    }
}

/// Lines added and removed in a unified diff.
fn line_counts(text_diff: &str) -> (usize, usize) {
    let mut added = 0;
    let mut removed = 0;
    for line in text_diff.lines() {
        if line.starts_with('+') && !line.starts_with("+++") {
            added += 1;
        } else if line.starts_with('-') && !line.starts_with("---") {
            removed += 1;
        }
    }
    (added, removed)
}

/// The longest value shown, in characters.
const MAX_VALUE: usize = 160;

/// On one line, and not too long.
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > MAX_VALUE {
        let cut: String = flat.chars().take(MAX_VALUE - 1).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

fn value_words(value: &Value, style: Style<'_>, catalog: &SettingCatalog) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => match style {
            Style::AdmxState => if *b { "Enabled" } else { "Disabled" }.to_string(),
            _ => b.to_string(),
        },
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_words(s, style, catalog),
        Value::Array(items) if items.is_empty() => "(empty)".to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| value_words(v, style, catalog))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => match style {
            Style::AdmxState if map.contains_key("enabled") => {
                value_words(&map["enabled"], style, catalog)
            }
            Style::Catalog(_) | Style::Presentation(_) if map.contains_key("value") => {
                value_words(&map["value"], style, catalog)
            }
            Style::Catalog(_) => {
                for field in [
                    "simpleSettingCollectionValue",
                    "choiceSettingCollectionValue",
                ] {
                    if let Some(v) = map.get(field) {
                        return value_words(v, style, catalog);
                    }
                }
                // A group collection (or one of its items): how many settings it holds.
                let settings = match (map.get("items"), map.get("children")) {
                    (Some(Value::Object(items)), _) => items
                        .values()
                        .map(|item| {
                            item.get("children")
                                .and_then(Value::as_object)
                                .map_or(0, |c| c.len())
                        })
                        .sum(),
                    (None, Some(Value::Object(children))) => children.len(),
                    _ => 0,
                };
                if settings == 0 {
                    "configured".to_string()
                } else {
                    count(settings, "setting")
                }
            }
            _ => object_words(map, style, catalog),
        },
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `Intent: required; Grace period hours: 24`. Empty values, and the action type that already
/// names a compliance action, are left out.
fn object_words(
    map: &serde_json::Map<String, Value>,
    style: Style<'_>,
    catalog: &SettingCatalog,
) -> String {
    let parts: Vec<String> = map
        .iter()
        .filter(|(k, v)| {
            !(v.is_null()
                || k.starts_with('@')
                || *k == "actionType"
                || v.as_array().is_some_and(Vec::is_empty))
        })
        .map(|(k, v)| format!("{}: {}", field_name(k), value_words(v, style, catalog)))
        .collect();
    if parts.is_empty() {
        "configured".to_string()
    } else {
        parts.join("; ")
    }
}

fn string_words(s: &str, style: Style<'_>, catalog: &SettingCatalog) -> String {
    match style {
        Style::Catalog(setting) => {
            if let Some(name) = catalog.option_name(setting, s) {
                return name.to_string();
            }
            // Without the definition, the option's own suffix (`…_1` → `1`) is the best we have.
            let prefix = format!("{setting}_");
            match s.get(..prefix.len()) {
                Some(head) if !setting.is_empty() && head.eq_ignore_ascii_case(&prefix) => {
                    s[prefix.len()..].to_string()
                }
                _ => s.to_string(),
            }
        }
        Style::Refs => {
            if let Some(role) = builtin_role_name(s) {
                return role.to_string();
            }
            for (prefix, unknown) in [
                ("group:", None),
                ("user:", None),
                ("location:", None),
                ("filter:", None),
                ("template:", None),
                ("app:", None),
                ("group-id:", Some("unknown group")),
                ("user-id:", Some("unknown user")),
                ("location-id:", Some("unknown location")),
                ("filter-id:", Some("unknown filter")),
                ("template-id:", Some("unknown template")),
                ("app-id:", Some("unknown app")),
            ] {
                if let Some(rest) = s.strip_prefix(prefix) {
                    return match unknown {
                        Some(what) => format!("{what} {rest}"),
                        None => rest.to_string(),
                    };
                }
            }
            s.to_string()
        }
        Style::CaState => ca_state(s).unwrap_or(s).to_string(),
        Style::Presentation(Some(Value::Array(items))) => items
            .iter()
            .find(|i| i.get("value").and_then(Value::as_str) == Some(s))
            .and_then(|i| i.get("displayName")?.as_str())
            .unwrap_or(s)
            .to_string(),
        _ => s.to_string(),
    }
}

/// The name of an Entra built-in directory role by its template id (the same in every tenant), for
/// the privileged roles this table knows.
pub fn builtin_role_name(template_id: &str) -> Option<&'static str> {
    ROLES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(template_id))
        .map(|(_, name)| *name)
}

/// Entra's built-in directory roles by template id (the same in every tenant), as Conditional
/// Access policies include and exclude them.
const ROLES: &[(&str, &str)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
    ),
    (
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
    ),
    (
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
    ),
    (
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
    ),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
    ),
    (
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "Password Administrator",
    ),
    (
        "b0f54661-2d74-4c50-afa3-1ec803f12efe",
        "Billing Administrator",
    ),
    (
        "69091246-20e8-4a56-aa4d-066075b2a7a8",
        "Teams Administrator",
    ),
    ("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader"),
    ("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator"),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
];

/// A Conditional Access policy's `state` as the Entra portal's "Enable policy" switch shows it.
pub fn ca_state(state: &str) -> Option<&'static str> {
    match state {
        "enabled" => Some("On"),
        "disabled" => Some("Off"),
        "enabledForReportingButNotEnforced" => Some("Report-only"),
        _ => None,
    }
}

fn text_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = value;
    for p in path {
        v = v.get(*p)?;
    }
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------------
// A whole object in words

/// One configured value of an object, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingWords {
    /// "Require Device Encryption", "Conditions › Users › Include groups".
    pub setting: String,
    /// "Enabled", "SG-Pilot, SG-Admins", "42 lines".
    pub value: String,
}

/// What `content` (a captured object of `kind`) configures, one value per line, in the words
/// [`label`] gives a change: each configured value is described as the change that would add it
/// to an empty object, so settings catalog names and options, ADMX and OMA-URI names, compliance
/// actions, Conditional Access states and referenced names read exactly as they do in a diff or a
/// finding. Left out: the assignments ([`describe_assignments`]), the object's name, and what is
/// not configured (`null`, empty, `notConfigured`). Long text (a script) is given by its length.
pub fn describe(
    kind: &ObjectKind,
    content: &Value,
    catalog: &SettingCatalog,
    refs: &dyn RefNames,
) -> Vec<SettingWords> {
    describe_settings(kind, content, catalog, refs)
        .into_iter()
        .map(|s| SettingWords {
            setting: s.setting,
            value: s.value,
        })
        .collect()
}

/// One configured value of an object in words, with where it is: what search looks through,
/// so that a setting is found by its friendly name and by its raw id alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfiguredSetting {
    /// The setting's name in words, as [`describe`] gives it.
    pub setting: String,
    /// The setting's id: a settings catalog definition id, an ADMX definition, an OMA-URI, a
    /// property name ([`Change::setting`]); `None` for descriptive properties.
    pub setting_id: Option<String>,
    /// Its path in the semantic form (`settings[<id>].children[<id>].value`, `description`).
    pub path: String,
    /// The value in words.
    pub value: String,
}

/// [`describe`], with each value's setting id and path.
pub fn describe_settings(
    kind: &ObjectKind,
    content: &Value,
    catalog: &SettingCatalog,
    refs: &dyn RefNames,
) -> Vec<ConfiguredSetting> {
    let mut form = semantic_form(kind, content, refs);
    if let Value::Object(map) = &mut form {
        // Said elsewhere: who gets the object, its name, and its type (a Graph entity name).
        for field in ["assignments", kind.name_field, "@odata.type"] {
            map.remove(field);
        }
        // A template reference to no template.
        if map
            .get("templateReference")
            .and_then(|t| t.get("templateId"))
            .is_none_or(|id| id.as_str().is_none_or(str::is_empty))
        {
            map.remove("templateReference");
        }
        map.values_mut().for_each(without_types);
        if kind.is_named() {
            // A break-glass account's empty lists say something: no enabled policy reaches it.
            for value in map.values_mut() {
                if value.as_array().is_some_and(Vec::is_empty) {
                    *value = Value::String("None".to_string());
                }
            }
        }
    }
    let form = configured(&form).unwrap_or_else(|| Value::Object(Default::default()));
    diff_of_forms(&frame(&form), &form)
        .into_iter()
        // A compliance action's type is already its name ("Mark device noncompliant").
        .filter(|change| !change.path.ends_with("].actionType"))
        .map(|change| {
            let words = label(kind, &change, catalog, None, Some(content));
            let value = match (&change.text_diff, &change.after) {
                (Some(_), Some(Value::String(text))) if text.contains('\n') => {
                    count(text.lines().count(), "line")
                }
                _ => words.after.unwrap_or_default(),
            };
            ConfiguredSetting {
                setting: words.setting.unwrap_or_else(|| "Object".to_string()),
                setting_id: change.setting,
                path: change.path,
                value,
            }
        })
        .collect()
}

/// The type of an object in words: `#microsoft.graph.windows10GeneralConfiguration` →
/// "Windows10 general configuration".
pub fn type_words(content: &Value) -> Option<String> {
    let odata = content.get("@odata.type")?.as_str()?;
    Some(humanise(odata.trim_start_matches("#microsoft.graph.")))
}

/// Without how Graph encodes values below the top: `@odata.type`, and the settings catalog's
/// `valueType` and template references.
fn without_types(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for field in [
                "@odata.type",
                "valueType",
                "valueTemplateReference",
                "settingInstanceTemplateReference",
            ] {
                map.remove(field);
            }
            map.values_mut().for_each(without_types);
        }
        Value::Array(items) => items.iter_mut().for_each(without_types),
        _ => {}
    }
}

/// `value` without what configures nothing (`null`, empty text, lists and objects, Graph's
/// `notConfigured`); `None` when nothing is left.
fn configured(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        // The zero GUID is Graph's "none" (no notification template, no filter).
        Value::String(s)
            if s.is_empty()
                || s == "notConfigured"
                || s == "00000000-0000-0000-0000-000000000000" =>
        {
            None
        }
        Value::Array(items) if items.is_empty() => None,
        Value::Object(map) => {
            let kept: serde_json::Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), configured(v)?)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

/// The objects of `value` with none of their values: comparing it with `value` lists every value
/// as added, each at its own path (a whole setting would otherwise be one change).
fn frame(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, v)| (k.clone(), frame(v)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// One assignment in words, as the Intune portal lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentWords {
    /// "Include" or "Exclude".
    pub mode: String,
    /// "All devices", "All users", a group's name, or "unknown group <id>".
    pub target: String,
    /// The assignment filter by name, with its mode: "Corporate devices (include)".
    pub filter: Option<String>,
    /// What else the assignment says: "Intent: required".
    pub details: Option<String>,
}

/// Who gets the object: each of `content`'s assignments with groups and filters by name
/// (through `refs`), includes first.
pub fn describe_assignments(content: &Value, refs: &dyn RefNames) -> Vec<AssignmentWords> {
    let Some(assignments) = content.get("assignments").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out: Vec<AssignmentWords> = assignments
        .iter()
        .map(|a| assignment_words(a, refs))
        .collect();
    out.sort_by(|a, b| (a.mode != "Include", &a.target).cmp(&(b.mode != "Include", &b.target)));
    out
}

fn assignment_words(assignment: &Value, refs: &dyn RefNames) -> AssignmentWords {
    let target = assignment.get("target").unwrap_or(&Value::Null);
    let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_string);
    let kind = text(target, "@odata.type").unwrap_or_default();
    let kind = kind
        .trim_start_matches("#microsoft.graph.")
        .trim_end_matches("AssignmentTarget");
    let group = || match (text(target, "groupId"), text(target, "groupName")) {
        (Some(id), _) => refs
            .group(&id)
            .unwrap_or_else(|| format!("unknown group {id}")),
        (None, Some(name)) => name,
        (None, None) => "a group".to_string(),
    };
    let (mode, who) = match kind {
        "group" => ("Include", group()),
        "exclusionGroup" => ("Exclude", group()),
        "allDevices" => ("Include", "All devices".to_string()),
        "allLicensedUsers" => ("Include", "All users".to_string()),
        "" => ("Include", "an unknown target".to_string()),
        other => ("Include", humanise(other)),
    };
    let filter = text(target, "deviceAndAppManagementAssignmentFilterId")
        .filter(|id| !id.is_empty() && id != "00000000-0000-0000-0000-000000000000")
        .map(|id| {
            let name = refs
                .filter(&id)
                .unwrap_or_else(|| format!("unknown filter {id}"));
            match text(target, "deviceAndAppManagementAssignmentFilterType").as_deref() {
                Some(m @ ("include" | "exclude")) => format!("{name} ({m})"),
                _ => name,
            }
        });
    // The rest of the assignment (an app's intent, its settings), without ids and annotations.
    let rest: serde_json::Map<String, Value> = assignment
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "target" | "source" | "sourceId"))
        .filter_map(|(k, v)| Some((k.clone(), configured(v)?)))
        .collect();
    let details = object_words(&rest, Style::Plain, &SettingCatalog::new());
    AssignmentWords {
        mode: mode.to_string(),
        target: who,
        filter,
        details: (details != "configured").then_some(details),
    }
}

// ---------------------------------------------------------------------------------------------
// Identifiers in words

/// Words that are one word in a product's name, whatever the identifier's casing
/// (`bitLocker`, `wiFi`, `macOS`), by the lowercase of the joined parts.
const COMPOUNDS: &[(&str, &str)] = &[
    ("bitlocker", "BitLocker"),
    ("onedrive", "OneDrive"),
    ("onenote", "OneNote"),
    ("sharepoint", "SharePoint"),
    ("powershell", "PowerShell"),
    ("smartscreen", "SmartScreen"),
    ("applocker", "AppLocker"),
    ("filevault", "FileVault"),
    ("icloud", "iCloud"),
    ("itunes", "iTunes"),
    ("imessage", "iMessage"),
    ("airdrop", "AirDrop"),
    ("airplay", "AirPlay"),
    ("airprint", "AirPrint"),
    ("facetime", "FaceTime"),
    ("faceid", "Face ID"),
    ("touchid", "Touch ID"),
    ("appleid", "Apple ID"),
    ("macos", "macOS"),
    ("ios", "iOS"),
    ("ipados", "iPadOS"),
    ("tvos", "tvOS"),
    ("watchos", "watchOS"),
    ("wifi", "Wi-Fi"),
    ("youtube", "YouTube"),
    ("linkedin", "LinkedIn"),
    ("ipsec", "IPsec"),
    ("ikev2", "IKEv2"),
    ("ipv4", "IPv4"),
    ("ipv6", "IPv6"),
    ("oauth", "OAuth"),
    ("urls", "URLs"),
    ("ids", "IDs"),
    ("ips", "IPs"),
    ("pins", "PINs"),
];

/// Acronyms, written in capitals.
const ACRONYMS: &[&str] = &[
    "aad", "ad", "admx", "api", "apn", "apns", "asr", "atp", "av", "byod", "cpu", "crl", "csp",
    "dep", "dhcp", "dma", "dns", "eap", "edr", "efs", "esim", "fido", "fido2", "fips", "ftp",
    "gpo", "gps", "hvci", "http", "https", "id", "ike", "imei", "ip", "json", "l2tp", "lan", "lsa",
    "lsass", "mam", "mdm", "mfa", "mtd", "nfc", "ntlm", "ocsp", "oem", "oma", "os", "otp", "pac",
    "pdf", "pin", "pki", "pkcs", "pptp", "qr", "rdp", "saml", "scep", "sim", "sku", "smb", "sms",
    "ssh", "ssid", "ssl", "sso", "tcp", "tls", "tpm", "uac", "udp", "uefi", "ui", "uri", "url",
    "usb", "vm", "vpn", "vpp", "wep", "wlan", "wns", "wpa", "wpa2", "wpa3", "wsus", "xml",
];

/// Names that keep their capital in the middle of a sentence.
const PROPER: &[(&str, &str)] = &[
    ("android", "Android"),
    ("apple", "Apple"),
    ("azure", "Azure"),
    ("chrome", "Chrome"),
    ("cortana", "Cortana"),
    ("defender", "Defender"),
    ("edge", "Edge"),
    ("entra", "Entra"),
    ("exchange", "Exchange"),
    ("google", "Google"),
    ("intune", "Intune"),
    ("knox", "Knox"),
    ("microsoft", "Microsoft"),
    ("office", "Office"),
    ("outlook", "Outlook"),
    ("safari", "Safari"),
    ("samsung", "Samsung"),
    ("siri", "Siri"),
    ("teams", "Teams"),
    ("windows", "Windows"),
    ("xbox", "Xbox"),
];

/// An identifier in words: `passwordMinimumLength` → "Password minimum length",
/// `bitLockerEnabled` → "BitLocker enabled", `requireTPM` → "Require TPM",
/// `wiFiConnectOnlyToConfiguredNetworks` → "Wi-Fi connect only to configured networks".
/// camelCase, PascalCase, snake_case and kebab-case are split; acronyms and product names keep
/// their casing; the first word is capitalised.
pub fn humanise(identifier: &str) -> String {
    let words = split_words(identifier);
    // Join parts that are one product name (`bit` + `Locker`), longest first.
    let mut merged: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    'outer: while i < words.len() {
        for n in [3, 2, 1] {
            if i + n > words.len() {
                continue;
            }
            let joined: String = words[i..i + n].iter().map(|w| w.to_lowercase()).collect();
            if let Some((_, name)) = COMPOUNDS.iter().find(|(k, _)| *k == joined) {
                merged.push((name.to_string(), true));
                i += n;
                continue 'outer;
            }
        }
        merged.push((words[i].clone(), false));
        i += 1;
    }
    let mut out = Vec::with_capacity(merged.len());
    for (index, (word, fixed)) in merged.into_iter().enumerate() {
        let lower = word.to_lowercase();
        let shaped = if fixed {
            word
        } else if ACRONYMS.contains(&lower.as_str())
            || (word.chars().count() > 1 && word.chars().all(|c| c.is_ascii_uppercase()))
        {
            word.to_uppercase()
        } else if let Some((_, name)) = PROPER.iter().find(|(k, _)| *k == lower) {
            name.to_string()
        } else if index == 0 {
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => lower,
            }
        } else {
            lower
        };
        out.push(shaped);
    }
    out.join(" ")
}

/// `wiFiTPMBlock_x-y` → `wi`, `Fi`, `TPM`, `Block`, `x`, `y`: a new word at a capital after a
/// small letter or digit, at the last capital of a run of capitals followed by a small letter,
/// and at `_`, `-`, `.` and spaces.
fn split_words(identifier: &str) -> Vec<String> {
    let chars: Vec<char> = identifier.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | ' ' | '.') {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A property path in words: `conditions.users.includeGroups` → "Conditions › Users › Include groups".
pub fn humanise_path(path: &str) -> String {
    let segs = segments(path);
    match segs.split_first() {
        Some((Seg::Field(top), rest)) => with_tail(field_name(top), rest),
        _ => with_tail(String::new(), &segs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, NoRefs};
    use crate::kinds::by_key;
    use serde_json::json;

    /// The summaries of every change between `before` and `after`, objects of `kind`.
    fn summaries(
        kind: &str,
        before: &Value,
        after: &Value,
        catalog: &SettingCatalog,
    ) -> Vec<String> {
        let kind = by_key(kind).unwrap();
        diff(kind, before, after, &NoRefs, &NoRefs)
            .iter()
            .map(|c| label(kind, c, catalog, Some(before), Some(after)).summary)
            .collect()
    }

    fn check(kind: &str, before: Value, after: Value, catalog: &SettingCatalog, expect: &[&str]) {
        assert_eq!(summaries(kind, &before, &after, catalog), expect);
    }

    const ENCRYPTION: &str = "device_vendor_msft_bitlocker_requiredeviceencryption";

    fn bitlocker_catalog() -> SettingCatalog {
        let definition = json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
            "id": ENCRYPTION,
            "displayName": "Require Device Encryption",
            "description": "Allows the admin to require encryption.",
            "options": [
                {"itemId": format!("{ENCRYPTION}_0"), "displayName": "Disabled", "optionValue": {"value": 0}},
                {"itemId": format!("{ENCRYPTION}_1"), "displayName": "Enabled", "optionValue": {"value": 1}},
            ],
        });
        let method = json!({
            "id": "device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name",
            "displayName": "Select the encryption method for operating system drives:",
            "options": [
                {"itemId": "device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name_6", "displayName": "XTS-AES 128-bit"},
                {"itemId": "device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name_7", "displayName": "XTS-AES 256-bit"},
            ],
        });
        [definition, method]
            .iter()
            .filter_map(parse_definition)
            .collect()
    }

    fn choice(id: &str, value: &str, children: Value) -> Value {
        json!({"id": "0", "settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": id,
            "choiceSettingValue": {"value": format!("{id}_{value}"), "children": children},
        }})
    }

    fn catalog_policy(settings: Vec<Value>) -> Value {
        json!({"name": "BitLocker", "settings": settings})
    }

    #[test]
    fn definitions_parse_from_graph() {
        let catalog = bitlocker_catalog();
        assert_eq!(catalog.len(), 2);
        let d = catalog.get(&ENCRYPTION.to_uppercase()).unwrap();
        assert_eq!(d.display_name, "Require Device Encryption");
        assert_eq!(
            d.description.as_deref(),
            Some("Allows the admin to require encryption.")
        );
        assert_eq!(
            catalog.option_name(ENCRYPTION, &format!("{ENCRYPTION}_1").to_uppercase()),
            Some("Enabled")
        );
        assert_eq!(parse_definition(&json!({"displayName": "no id"})), None);
        // A definition the service does not know is remembered elsewhere, never shown as a name.
        let mut unknown = SettingCatalog::new();
        unknown.insert("x", SettingDefinition::default());
        assert!(unknown.is_empty());
    }

    #[test]
    fn settings_catalog_choices_read_as_option_names() {
        let catalog = bitlocker_catalog();
        let before = catalog_policy(vec![choice(ENCRYPTION, "1", json!([]))]);
        let after = catalog_policy(vec![choice(ENCRYPTION, "0", json!([]))]);
        check(
            "configurationPolicies",
            before.clone(),
            after.clone(),
            &catalog,
            &["Require Device Encryption: Enabled → Disabled"],
        );
        let kind = by_key("configurationPolicies").unwrap();
        let change = &diff(kind, &before, &after, &NoRefs, &NoRefs)[0];
        assert_eq!(
            label(kind, change, &catalog, None, None),
            ChangeLabel {
                setting: Some("Require Device Encryption".into()),
                before: Some("Enabled".into()),
                after: Some("Disabled".into()),
                summary: "Require Device Encryption: Enabled → Disabled".into(),
            }
        );
        // Without the definitions, the id and the option's suffix: never less than the path.
        check(
            "configurationPolicies",
            before,
            after,
            &SettingCatalog::new(),
            &[&format!("{ENCRYPTION}: 1 → 0")],
        );
    }

    #[test]
    fn settings_catalog_children_and_added_settings() {
        let catalog = bitlocker_catalog();
        let parent = "device_vendor_msft_bitlocker_encryptionmethodbydrivetype";
        let os = "device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name";
        let before = catalog_policy(vec![choice(
            parent,
            "1",
            json!([choice(os, "6", json!([]))["settingInstance"]]),
        )]);
        let after = catalog_policy(vec![
            choice(
                parent,
                "1",
                json!([choice(os, "7", json!([]))["settingInstance"]]),
            ),
            choice(ENCRYPTION, "1", json!([])),
        ]);
        check(
            "configurationPolicies",
            before,
            after,
            &catalog,
            &[
                "Select the encryption method for operating system drives: XTS-AES 128-bit → XTS-AES 256-bit",
                "Require Device Encryption: Not configured → Enabled",
            ],
        );
    }

    #[test]
    fn settings_catalog_simple_values_and_collections() {
        let simple = |v: Value| {
            json!({"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                "settingDefinitionId": "x_minimum_length",
                "simpleSettingValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue", "value": v},
            }})
        };
        let list = |vs: &[&str]| {
            json!({"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance",
                "settingDefinitionId": "x_exclusions",
                "simpleSettingCollectionValue": vs.iter().map(|v| json!({"@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue", "value": v})).collect::<Vec<_>>(),
            }})
        };
        let catalog: SettingCatalog = [
            (
                "x_minimum_length".to_string(),
                SettingDefinition {
                    display_name: "Minimum length".into(),
                    ..Default::default()
                },
            ),
            (
                "x_exclusions".to_string(),
                SettingDefinition {
                    display_name: "Excluded paths".into(),
                    ..Default::default()
                },
            ),
        ]
        .into_iter()
        .collect();
        check(
            "configurationPolicies",
            catalog_policy(vec![simple(json!(8)), list(&["C:\\a"])]),
            catalog_policy(vec![simple(json!(14)), list(&["C:\\a", "D:\\b"])]),
            &catalog,
            &[
                "Excluded paths: C:\\a → C:\\a, D:\\b",
                "Minimum length: 8 → 14",
            ],
        );
    }

    #[test]
    fn settings_catalog_group_collections() {
        let high = "x_threatseveritydefaultaction_highseveritythreats";
        let group = |action: &str, extra: bool| {
            let mut children = vec![choice(high, action, json!([]))["settingInstance"].clone()];
            if extra {
                children.push(
                    choice(
                        "x_threatseveritydefaultaction_severethreats",
                        "block",
                        json!([]),
                    )["settingInstance"]
                        .clone(),
                );
            }
            json!({"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                "settingDefinitionId": "x_threatseveritydefaultaction",
                "groupSettingCollectionValue": [{"children": children}],
            }})
        };
        let catalog: SettingCatalog = [
            (
                "x_threatseveritydefaultaction".to_string(),
                SettingDefinition {
                    display_name: "Threat Severity Default Action".into(),
                    ..Default::default()
                },
            ),
            (
                high.to_string(),
                SettingDefinition {
                    display_name: "Remediation action for High severity threats".into(),
                    options: [
                        (format!("{high}_quarantine"), "Quarantine".to_string()),
                        (format!("{high}_remove"), "Remove".to_string()),
                    ]
                    .into_iter()
                    .collect(),
                    ..Default::default()
                },
            ),
        ]
        .into_iter()
        .collect();
        // A value inside the one item of a group collection.
        check(
            "configurationPolicies",
            catalog_policy(vec![group("quarantine", false)]),
            catalog_policy(vec![group("remove", false)]),
            &catalog,
            &["Remediation action for High severity threats: Quarantine → Remove"],
        );
        // The whole collection added: how many settings it brings.
        check(
            "configurationPolicies",
            catalog_policy(vec![]),
            catalog_policy(vec![group("quarantine", true)]),
            &catalog,
            &["Threat Severity Default Action: Not configured → 2 settings"],
        );
    }

    #[test]
    fn admx_names_come_from_the_captured_definitions() {
        let value = |enabled: bool, text: &str| {
            json!({"displayName": "OneDrive", "definitionValues": [{
                "id": "dv1", "enabled": enabled, "configurationType": "policy",
                "definition": {"id": "def-1", "displayName": "Silently move Windows known folders to OneDrive"},
                "presentationValues": [{
                    "@odata.type": "#microsoft.graph.groupPolicyPresentationValueText",
                    "id": "pv1", "value": text,
                    "presentation": {"id": "pres-1", "label": "Tenant ID:",
                        "@odata.type": "#microsoft.graph.groupPolicyPresentationDropdownList",
                        "items": [{"displayName": "Contoso tenant", "value": "1111"}]},
                }],
            }]})
        };
        check(
            "groupPolicyConfigurations",
            value(true, "1111"),
            value(false, "2222"),
            &SettingCatalog::new(),
            &[
                "Silently move Windows known folders to OneDrive: Enabled → Disabled",
                "Silently move Windows known folders to OneDrive › Tenant ID: Contoso tenant → 2222",
            ],
        );
    }

    #[test]
    fn flat_properties_ca_paths_compliance_and_oma_uris() {
        let none = SettingCatalog::new();
        check(
            "deviceConfigurations",
            json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "passwordMinimumLength": 8, "bitLockerEnabled": true, "description": "a"}),
            json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "passwordMinimumLength": 12, "bitLockerEnabled": false, "description": "b"}),
            &none,
            &[
                "BitLocker enabled: true → false",
                "Description: a → b",
                "Password minimum length: 8 → 12",
            ],
        );
        check(
            "conditionalAccessPolicies",
            json!({"state": "enabled", "conditions": {"users": {"includeGroups": ["g1"]}}, "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}),
            json!({"state": "enabled", "conditions": {"users": {"includeGroups": ["g1", "g2"]}}, "grantControls": {"operator": "OR", "builtInControls": ["compliantDevice", "mfa"]}}),
            &none,
            &[
                "Conditions › Users › Include groups: unknown group g1 → unknown group g1, unknown group g2",
                "Grant controls › Built-in controls: mfa → compliantDevice, mfa",
            ],
        );
        let rule = |hours: u64, actions: &[&str]| {
            json!({"scheduledActionsForRule": [{"ruleName": null, "scheduledActionConfigurations":
                actions.iter().map(|a| json!({"actionType": a, "gracePeriodHours": hours, "notificationMessageCCList": []})).collect::<Vec<_>>()}]})
        };
        check(
            "deviceCompliancePolicies",
            rule(0, &["block"]),
            rule(24, &["block", "retire"]),
            &none,
            &[
                "Mark device noncompliant › Grace period hours: 0 → 24",
                "Add device to retire list: Not configured → Grace period hours: 24",
            ],
        );
        let oma = |v: &str| json!({"omaSettings": [{"@odata.type": "#microsoft.graph.omaSettingString", "displayName": "Block store", "omaUri": "./Device/Vendor/MSFT/Policy/Config/ApplicationManagement/RequirePrivateStoreOnly", "value": v}]});
        check(
            "deviceConfigurations",
            oma("0"),
            oma("1"),
            &none,
            &["Block store: 0 → 1"],
        );
    }

    #[test]
    fn assignments_read_as_their_target() {
        let assigned = |targets: Vec<Value>| json!({"assignments": targets.into_iter().map(|t| json!({"target": t})).collect::<Vec<_>>()});
        let group = |id: &str| {
            json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": id,
            "deviceAndAppManagementAssignmentFilterId": "f1", "deviceAndAppManagementAssignmentFilterType": "include"})
        };
        let mut refs = crate::diff::MapRefs::default();
        refs.groups.insert("g1".into(), "SG-Pilot".into());
        refs.groups.insert("g2".into(), "SG-All".into());
        refs.filters.insert("f1".into(), "Corporate devices".into());
        let kind = by_key("deviceConfigurations").unwrap();
        let before = assigned(vec![
            group("g1"),
            json!({"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}),
        ]);
        let after = assigned(vec![
            group("g2"),
            json!({"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "g9"}),
        ]);
        let labels: Vec<String> = diff(kind, &before, &after, &refs, &refs)
            .iter()
            .map(|c| label(kind, c, &SettingCatalog::new(), Some(&before), Some(&after)).summary)
            .collect();
        assert_eq!(
            labels,
            vec![
                "Assignment: all devices: removed",
                "Assignment: exclude unknown group g9: added",
                "Assignment: group SG-All (filter Corporate devices, include): added",
                "Assignment: group SG-Pilot (filter Corporate devices, include): removed",
            ]
        );
        // A filter switched from include to exclude is one change of the same assignment.
        let mut excluded = before.clone();
        excluded["assignments"][0]["target"]["deviceAndAppManagementAssignmentFilterType"] =
            json!("exclude");
        let labels: Vec<String> = diff(kind, &before, &excluded, &refs, &refs)
            .iter()
            .map(|c| {
                label(
                    kind,
                    c,
                    &SettingCatalog::new(),
                    Some(&before),
                    Some(&excluded),
                )
                .summary
            })
            .collect();
        assert_eq!(
            labels,
            vec!["Assignment: group SG-Pilot (filter Corporate devices) › Filter mode: include → exclude"]
        );
    }

    #[test]
    fn conditional_access_states_read_as_the_portal_says() {
        let ca = |state: &str| json!({"displayName": "CA", "state": state});
        check(
            "conditionalAccessPolicies",
            ca("enabled"),
            ca("enabledForReportingButNotEnforced"),
            &SettingCatalog::new(),
            &["Enable policy: On → Report-only"],
        );
        check(
            "conditionalAccessPolicies",
            ca("disabled"),
            ca("enabled"),
            &SettingCatalog::new(),
            &["Enable policy: Off → On"],
        );
        // A value the portal has no word for stays as it is; other kinds' `state` is theirs.
        check(
            "conditionalAccessPolicies",
            ca("enabled"),
            ca("somethingNew"),
            &SettingCatalog::new(),
            &["Enable policy: On → somethingNew"],
        );
        assert_eq!(ca_state("disabled"), Some("Off"));
        check(
            "deviceConfigurations",
            json!({"state": "enabled"}),
            json!({"state": "disabled"}),
            &SettingCatalog::new(),
            &["State: enabled → disabled"],
        );
    }

    #[test]
    fn a_whole_object_reads_as_its_configured_values() {
        let catalog = bitlocker_catalog();
        let mut refs = crate::diff::MapRefs::default();
        refs.groups.insert("g1".into(), "SG-Pilot".into());
        let policy = json!({
            "name": "BitLocker", "description": "", "roleScopeTagIds": ["0"],
            "settings": [choice(ENCRYPTION, "1", json!([]))],
            "assignments": [{"id": "a1", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}],
        });
        let kind = by_key("configurationPolicies").unwrap();
        let words: Vec<(String, String)> = describe(kind, &policy, &catalog, &refs)
            .into_iter()
            .map(|w| (w.setting, w.value))
            .collect();
        assert_eq!(
            words,
            vec![
                ("Scope tags".to_string(), "0".to_string()),
                (
                    "Require Device Encryption".to_string(),
                    "Enabled".to_string()
                ),
            ]
        );
        let ca = json!({"@odata.type": "#microsoft.graph.conditionalAccessPolicy",
            "displayName": "CA", "state": "enabledForReportingButNotEnforced", "sessionControls": null,
            "conditions": {"users": {"includeGroups": ["g1"], "excludeUsers": [],
                "includeRoles": ["62e90394-69f5-4237-9190-012177145e10"]}}});
        let kind = by_key("conditionalAccessPolicies").unwrap();
        let words: Vec<String> = describe(kind, &ca, &SettingCatalog::new(), &refs)
            .into_iter()
            .map(|w| format!("{}: {}", w.setting, w.value))
            .collect();
        assert_eq!(
            words,
            vec![
                "Conditions › Users › Include groups: SG-Pilot",
                "Conditions › Users › Include roles: Global Administrator",
                "Enable policy: Report-only",
            ]
        );
        let script =
            json!({"displayName": "s", "scriptContent": "a\nb\nc\n", "runAsAccount": "system"});
        let kind = by_key("deviceManagementScripts").unwrap();
        let words: Vec<String> = describe(kind, &script, &SettingCatalog::new(), &refs)
            .into_iter()
            .map(|w| format!("{}: {}", w.setting, w.value))
            .collect();
        assert_eq!(
            words,
            vec!["Run as account: system", "Script content: 3 lines"]
        );
        let profile = json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "displayName": "p", "passwordRequired": false, "passwordMinimumLength": null,
            "defenderScanType": "notConfigured"});
        let kind = by_key("deviceConfigurations").unwrap();
        let words: Vec<String> = describe(kind, &profile, &SettingCatalog::new(), &refs)
            .into_iter()
            .map(|w| format!("{}: {}", w.setting, w.value))
            .collect();
        assert_eq!(words, vec!["Password required: false"]);
        assert_eq!(
            type_words(&profile).as_deref(),
            Some("Windows10 general configuration")
        );
    }

    #[test]
    fn assignments_read_as_the_portal_lists_them() {
        let mut refs = crate::diff::MapRefs::default();
        refs.groups.insert("g1".into(), "SG-Pilot".into());
        refs.filters.insert("f1".into(), "Corporate devices".into());
        let content = json!({"assignments": [
            {"id": "x", "target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "g9"}},
            {"id": "y", "intent": "required", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1",
                "deviceAndAppManagementAssignmentFilterId": "f1", "deviceAndAppManagementAssignmentFilterType": "include"}},
            {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
                "deviceAndAppManagementAssignmentFilterId": "00000000-0000-0000-0000-000000000000",
                "deviceAndAppManagementAssignmentFilterType": "none"}},
            {"target": {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}},
        ]});
        let words: Vec<String> = describe_assignments(&content, &refs)
            .into_iter()
            .map(|a| {
                format!(
                    "{} {} [{}] [{}]",
                    a.mode,
                    a.target,
                    a.filter.unwrap_or_default(),
                    a.details.unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            words,
            vec![
                "Include All devices [] []",
                "Include All users [] []",
                "Include SG-Pilot [Corporate devices (include)] [Intent: required]",
                "Exclude unknown group g9 [] []",
            ]
        );
        assert!(describe_assignments(&json!({}), &refs).is_empty());
    }

    #[test]
    fn long_text_is_summarised_by_its_line_diff() {
        let script = |body: &str| json!({"displayName": "s", "scriptContent": body});
        check(
            "deviceManagementScripts",
            script("a\nb\nc\n"),
            script("a\nB\nc\nd\n"),
            &SettingCatalog::new(),
            &["Script content: changed (+2 −1 lines)"],
        );
    }

    #[test]
    fn identifiers_read_as_words() {
        for (identifier, words) in [
            ("passwordMinimumLength", "Password minimum length"),
            ("bitLockerEnabled", "BitLocker enabled"),
            ("requireTPM", "Require TPM"),
            (
                "wiFiConnectOnlyToConfiguredNetworks",
                "Wi-Fi connect only to configured networks",
            ),
            ("osMinimumVersion", "OS minimum version"),
            ("macOSBlockAirDrop", "macOS block AirDrop"),
            ("iCloudBlockBackup", "iCloud block backup"),
            ("defenderScanType", "Defender scan type"),
            ("vpnAlwaysOn", "VPN always on"),
            ("includeGroups", "Include groups"),
            ("storageRequireEncryption", "Storage require encryption"),
            ("SSIDList", "SSID list"),
            ("smartScreenEnableInShell", "SmartScreen enable in shell"),
            ("allowed_urls", "Allowed URLs"),
            ("", ""),
        ] {
            assert_eq!(humanise(identifier), words, "{identifier}");
        }
        assert_eq!(
            humanise_path("conditions.users.includeGroups"),
            "Conditions › Users › Include groups"
        );
    }

    #[test]
    fn paths_split_where_keys_end() {
        assert_eq!(
            segments("omaSettings[./Device/Vendor/MSFT/A.B].value"),
            vec![
                Seg::Field("omaSettings"),
                Seg::Key("./Device/Vendor/MSFT/A.B"),
                Seg::Field("value")
            ]
        );
        assert_eq!(
            segments("assignments[group:SG [x]|include]"),
            vec![Seg::Field("assignments"), Seg::Key("group:SG [x]|include")]
        );
    }

    /// The settings catalog exports of a real tenant (IntuneCD): every definition id they use.
    #[test]
    fn definition_ids_of_real_exports() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/CES2026-IntuneCD/Backup/Settings Catalog");
        let read = |name: &str| -> Value {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let bitlocker = definition_ids(&read("POC_WIN_D_CO_SBL_CIS_MS_BitLocker_mdm.json"));
        assert_eq!(bitlocker.len(), 48);
        assert!(bitlocker.contains(ENCRYPTION));
        // Children of choices are found too.
        assert!(bitlocker.contains(
            "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses_deviceinstall_classes_deny_list"
        ));
        // Group collections (macOS platform SSO) nest settings in their items.
        let sso = definition_ids(&read(
            "POC_MAC_D_CO_SBL_MSZT_SSO_Platform_appleRemoteManagement.json",
        ));
        assert_eq!(sso.len(), 26);
        let firewall = definition_ids(&read("POC_WIN_D_CO_SBL_CIS_MS_Firewall_mdm.json"));
        assert_eq!(firewall.len(), 54);
        for name in std::fs::read_dir(&dir).unwrap() {
            let path = name.unwrap().path();
            let content = read(path.file_name().unwrap().to_str().unwrap());
            let ids = definition_ids(&content);
            assert!(!ids.is_empty(), "{}", path.display());
            assert!(ids
                .iter()
                .all(|id| id == &id.to_lowercase() && !id.is_empty()));
            // Every top-level setting is among them.
            for s in content["settings"].as_array().unwrap() {
                let id = s["settingInstance"]["settingDefinitionId"]
                    .as_str()
                    .unwrap();
                assert!(ids.contains(&id.to_lowercase()), "{id}");
            }
        }
    }
}
