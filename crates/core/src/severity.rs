//! How much a drift matters: a small rules table from a [`Change`] to a [`Severity`], and a
//! finding's severity as the highest of its changes.
//!
//! The rules look at where a change is (its path and setting id, lowercased) and what it became.
//! They are deliberately coarse: a false "high" costs an engineer a glance, a missed one costs a
//! customer its encryption. An MSP overrides them with [`SeverityRules`]: its own rules, matched
//! by kind, drift type and a text pattern, always win over the built-in table.

use crate::diff::{Change, ChangeCategory};
use serde::Serialize;
use serde_json::Value;

/// Ordered from least to most severe, so `max` picks the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// The security control an object implements, if it is one: what a customer loses when the
/// object is missing, disabled or weakened. A missing or disabled security control is always
/// [`Severity::High`], so it is never rated below a weakened setting inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// Conditional Access: MFA, blocked legacy sign-in, compliant-device requirements.
    ConditionalAccess,
    /// Device compliance: what makes a device trusted by Conditional Access.
    Compliance,
    /// App protection (MAM): company data inside mobile apps.
    AppProtection,
    Firewall,
    DiskEncryption,
    Antivirus,
    AttackSurfaceReduction,
    /// Windows LAPS: rotated local administrator passwords.
    Laps,
    EndpointDetection,
    /// Credential Guard, LSA protection, Windows Hello for Business.
    CredentialProtection,
    /// Endpoint security templates and security baselines not covered above.
    EndpointSecurity,
    /// Break-glass accounts: the way back in when Conditional Access or MFA locks everyone out.
    EmergencyAccess,
}

impl Control {
    /// How an MSP engineer names the control.
    pub fn label(self) -> &'static str {
        match self {
            Control::ConditionalAccess => "Conditional Access",
            Control::Compliance => "device compliance",
            Control::AppProtection => "app protection",
            Control::Firewall => "firewall",
            Control::DiskEncryption => "disk encryption",
            Control::Antivirus => "antivirus",
            Control::AttackSurfaceReduction => "attack surface reduction",
            Control::Laps => "LAPS",
            Control::EndpointDetection => "endpoint detection and response",
            Control::CredentialProtection => "credential protection",
            Control::EndpointSecurity => "endpoint security",
            Control::EmergencyAccess => "emergency access",
        }
    }
}

/// Kinds that are security controls whatever they configure.
const CONTROL_KINDS: &[(&str, Control)] = &[
    ("conditionalAccessPolicies", Control::ConditionalAccess),
    ("deviceCompliancePolicies", Control::Compliance),
    ("compliancePolicies", Control::Compliance),
    ("iosManagedAppProtections", Control::AppProtection),
    ("androidManagedAppProtections", Control::AppProtection),
    ("windowsManagedAppProtections", Control::AppProtection),
    ("intents", Control::EndpointSecurity),
    ("breakGlassAccounts", Control::EmergencyAccess),
];

/// Words in a path or setting id that mark encryption settings: turned off, they are high.
const ENCRYPTION: &[&str] = &[
    "bitlocker",
    "filevault",
    "storagerequireencryption",
    "encryption",
];

/// Words that mark protection settings: any change to one that was configured is high.
const PROTECTION: &[&str] = &[
    "firewall",
    "defender",
    "antivirus",
    "realtime",
    "attacksurfacereduction",
    "vendor_msft_laps",
    "windowslaps",
    "localadminpassword",
];

/// Words in what an object configures that make it a security control, first match wins. Every
/// word of [`ENCRYPTION`] and [`PROTECTION`] is here, so an object in which some change would be
/// high is itself high when missing.
const CONTROL_WORDS: &[(&str, Control)] = &[
    ("firewall", Control::Firewall),
    ("bitlocker", Control::DiskEncryption),
    ("filevault", Control::DiskEncryption),
    ("storagerequireencryption", Control::DiskEncryption),
    ("encryption", Control::DiskEncryption),
    ("attacksurfacereduction", Control::AttackSurfaceReduction),
    ("vendor_msft_laps", Control::Laps),
    ("windowslaps", Control::Laps),
    ("localadminpassword", Control::Laps),
    (
        "windowsadvancedthreatprotection",
        Control::EndpointDetection,
    ),
    ("defender", Control::Antivirus),
    ("antivirus", Control::Antivirus),
    ("realtime", Control::Antivirus),
    ("credentialguard", Control::CredentialProtection),
    ("deviceguard", Control::CredentialProtection),
    ("lsacfgflags", Control::CredentialProtection),
    ("lsaprotection", Control::CredentialProtection),
    ("runasppl", Control::CredentialProtection),
    ("passportforwork", Control::CredentialProtection),
];

/// Properties that only describe an object.
const DESCRIPTIVE: &[&str] = &["description", "displayname", "name"];

/// The security control an expected object implements, from its kind, its endpoint security
/// template, and the settings it configures (a setting counts when it is configured on: not
/// `false`, `null`, empty or "notConfigured"). `form` is the object's semantic form (or its raw
/// content: the words are the same).
pub fn control_of(kind: &str, form: &Value) -> Option<Control> {
    if let Some((_, control)) = CONTROL_KINDS.iter().find(|(k, _)| *k == kind) {
        return Some(*control);
    }
    let family = form
        .pointer("/templateReference/templateFamily")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut places = String::new();
    if let Value::Object(map) = form {
        for (key, value) in map {
            if crate::diff::is_descriptive(key) || key == "assignments" {
                continue;
            }
            configured_places(key, value, &mut places);
        }
    }
    let by_word = CONTROL_WORDS
        .iter()
        .find(|(word, _)| places.contains(word))
        .map(|(_, control)| *control);
    by_word.or_else(|| {
        family
            .starts_with("endpointsecurity")
            .then_some(Control::EndpointSecurity)
    })
}

/// Appends the lowercased paths of the values configured on below `path`, one per line. Paths,
/// not values: a setting is named by its path (a settings catalog definition id, an OMA-URI, a
/// property), and words in values (a script that reports FileVault status) configure nothing.
fn configured_places(path: &str, value: &Value, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                configured_places(&format!("{path}.{k}"), v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                configured_places(path, v, out);
            }
        }
        leaf if is_on(leaf) => {
            out.push_str(&path.to_ascii_lowercase());
            out.push('\n');
        }
        _ => {}
    }
}

/// Whether a leaf configures something rather than leaving it at its default.
fn is_on(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !(s.is_empty() || s.eq_ignore_ascii_case("notConfigured")),
        Value::Number(n) => n.as_f64() != Some(0.0),
        _ => true,
    }
}

/// Whether a value configures anything: it is, or holds, a leaf that is on ([`is_on`]).
fn has_on(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty() || map.values().any(has_on),
        Value::Array(items) => items.is_empty() || items.iter().any(has_on),
        leaf => is_on(leaf),
    }
}

/// What severity rules know about the object a change is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObjectContext {
    /// The expected object's security control, if it is one ([`control_of`]).
    pub control: Option<Control>,
    /// The baseline assigns the object and the tenant's object is assigned to no one: the
    /// control is switched off in effect.
    pub unassigned: bool,
}

/// The severity of one change to an object of `kind` (a registry key).
pub fn change_severity(kind: &str, change: &Change, object: ObjectContext) -> Severity {
    let place = format!(
        "{} {}",
        change.path.to_ascii_lowercase(),
        change.setting.as_deref().unwrap_or("").to_ascii_lowercase()
    );
    let has = |words: &[&str]| words.iter().any(|w| place.contains(w));
    // Only a protection that was configured can be weakened: a tenant adding protection the
    // baseline lacks is ordinary drift.
    let was_configured = change.before.as_ref().is_some_and(has_on);
    if was_configured && has(ENCRYPTION) && turned_off(change.after.as_ref()) {
        return Severity::High;
    }
    if was_configured && has(PROTECTION) {
        return Severity::High;
    }
    // A break-glass account disabled or gone, a role changed, a policy now reaching it: it may be
    // the one way back in that no longer works. Its groups and eligible roles say less.
    if kind == "breakGlassAccounts" {
        let path = change.path.to_ascii_lowercase();
        return if path.starts_with("memberof") || path.starts_with("eligibleroles") {
            Severity::Medium
        } else {
            Severity::High
        };
    }
    if kind == "conditionalAccessPolicies" {
        let path = change.path.to_ascii_lowercase();
        if path == "state"
            && matches!(
                change.after.as_ref().and_then(Value::as_str),
                Some("disabled") | Some("enabledForReportingButNotEnforced")
            )
        {
            return Severity::High;
        }
        if path.starts_with("grantcontrols") {
            return Severity::High;
        }
        if narrows(&path, change) {
            return Severity::High;
        }
    }
    if object.control.is_some() {
        // A security control assigned to no one protects no one.
        if change.category == ChangeCategory::Assignment && object.unassigned {
            return Severity::High;
        }
        // A protection switched off inside a security control.
        if change.category == ChangeCategory::Setting && switched_off(change) {
            return Severity::High;
        }
    }
    if change.category == ChangeCategory::Property
        && DESCRIPTIVE.contains(&change.path.to_ascii_lowercase().as_str())
    {
        return Severity::Info;
    }
    Severity::Medium
}

/// Whether a Conditional Access condition change lets the policy reach fewer sign-ins: an include
/// list (users, groups, roles, applications, platforms, locations) lost an entry, or an exclude
/// list gained one — "MFA for all users" narrowed to a pilot group, or a group excluded from it.
fn narrows(path: &str, change: &Change) -> bool {
    if !path.starts_with("conditions.") {
        return false;
    }
    let list = |v: &Option<Value>| -> Vec<String> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_lowercase))
                .collect(),
            Some(Value::String(one)) => vec![one.to_lowercase()],
            _ => Vec::new(),
        }
    };
    let (before, after) = (list(&change.before), list(&change.after));
    let field = path.rsplit('.').next().unwrap_or("");
    if field.starts_with("include") {
        before.iter().any(|b| !after.contains(b))
    } else if field.starts_with("exclude") {
        after.iter().any(|a| !before.contains(a))
    } else {
        false
    }
}

/// Whether a value turns something off: `false`, `"false"`, `"disabled"`, `"off"`, a choice
/// ending in `_0` or `_off`, or a removed value.
fn turned_off(after: Option<&Value>) -> bool {
    match after {
        None | Some(Value::Null) | Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => {
            let s = s.to_ascii_lowercase();
            s == "false"
                || s == "disabled"
                || s == "off"
                || s == "notconfigured"
                || s.ends_with("_0")
                || s.ends_with("_off")
        }
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        _ => false,
    }
}

/// Whether a change switches a setting from on to off: `true` → `false`, "enabled" →
/// "disabled", or a configured value removed. Choice values (`…_1` → `…_0`) are left out: for
/// many of them 0 is the stricter choice ("allow" settings).
fn switched_off(change: &Change) -> bool {
    let was_on = match &change.before {
        Some(Value::Bool(true)) => true,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("enabled"),
        Some(other) => change.after.is_none() && is_on(other),
        None => false,
    };
    let now_off = match &change.after {
        None | Some(Value::Null) | Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => {
            s.eq_ignore_ascii_case("disabled") || s.eq_ignore_ascii_case("notConfigured")
        }
        _ => false,
    };
    was_on && now_off
}

/// The severity of an expected object that is missing from, or deleted in, a tenant: high for
/// a security control ([`control_of`]), medium otherwise.
pub fn missing_severity(control: Option<Control>) -> Severity {
    if control.is_some() {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// A modified object's severity: the highest of its changes (info when there are none).
pub fn changes_severity(kind: &str, changes: &[Change], object: ObjectContext) -> Severity {
    changes
        .iter()
        .map(|c| change_severity(kind, c, object))
        .max()
        .unwrap_or(Severity::Info)
}

/// One MSP rule: drift matching every given field gets `severity`. `None` matches anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    /// A registry key (`configurationPolicies`), compared case-insensitively.
    pub kind: Option<String>,
    /// `missing`, `unexpected`, `modified`, `assignments` or `deleted`.
    pub drift: Option<String>,
    /// Case-insensitive text in a change's path, setting id or setting name — or, for drift
    /// without changes (missing, deleted, unexpected), in the object's name.
    pub pattern: Option<String>,
    pub severity: Severity,
}

impl SeverityOverride {
    /// How many fields the rule pins down: the most specific matching rule wins.
    fn specificity(&self) -> usize {
        [
            self.kind.is_some(),
            self.drift.is_some(),
            self.pattern.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
    }

    fn matches(&self, kind: &str, drift: &str, texts: &[&str]) -> bool {
        self.kind
            .as_deref()
            .is_none_or(|k| k.eq_ignore_ascii_case(kind))
            && self
                .drift
                .as_deref()
                .is_none_or(|d| d.eq_ignore_ascii_case(drift))
            && self.pattern.as_deref().is_none_or(|p| {
                let p = p.to_lowercase();
                texts.iter().any(|t| t.to_lowercase().contains(&p))
            })
    }
}

/// A matched object that drifted, as severity rules see it.
#[derive(Clone, Copy, Debug)]
pub struct ChangedObject<'a> {
    /// A registry key.
    pub kind: &'a str,
    /// `modified` or `assignments`.
    pub drift: &'a str,
    pub changes: &'a [Change],
    /// Friendly setting names, one per change (`None` where unknown).
    pub names: &'a [Option<String>],
    pub object: ObjectContext,
}

/// The built-in table with an MSP's overrides on top.
#[derive(Clone, Debug, Default)]
pub struct SeverityRules {
    /// Oldest first: among equally specific matching rules, the newest wins.
    overrides: Vec<SeverityOverride>,
}

impl SeverityRules {
    pub fn new(overrides: Vec<SeverityOverride>) -> SeverityRules {
        SeverityRules { overrides }
    }

    fn overridden(&self, kind: &str, drift: &str, texts: &[&str]) -> Option<Severity> {
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.matches(kind, drift, texts))
            .max_by_key(|(i, o)| (o.specificity(), *i))
            .map(|(_, o)| o.severity)
    }

    /// The severity of one change of a finding; `name` is the change's friendly setting name,
    /// when known.
    pub fn change(
        &self,
        drift: &ChangedObject<'_>,
        change: &Change,
        name: Option<&str>,
    ) -> Severity {
        let texts = [
            change.path.as_str(),
            change.setting.as_deref().unwrap_or(""),
            name.unwrap_or(""),
        ];
        self.overridden(drift.kind, drift.drift, &texts)
            .unwrap_or_else(|| change_severity(drift.kind, change, drift.object))
    }

    /// A changed object's severity: the highest of its changes.
    pub fn changes(&self, drift: &ChangedObject<'_>) -> Severity {
        drift
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| self.change(drift, c, drift.names.get(i).and_then(|n| n.as_deref())))
            .max()
            .unwrap_or(Severity::Info)
    }

    /// The severity of drift without changes: `missing`, `deleted` or `unexpected`. `control`
    /// is the expected object's ([`control_of`]); unexpected objects are low.
    pub fn object(
        &self,
        kind: &str,
        drift: &str,
        object: &str,
        control: Option<Control>,
    ) -> Severity {
        self.overridden(kind, drift, &[object])
            .unwrap_or(match drift {
                "unexpected" => Severity::Low,
                _ => missing_severity(control),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(path: &str, setting: Option<&str>, after: Value, category: ChangeCategory) -> Change {
        Change {
            path: path.into(),
            setting: setting.map(str::to_string),
            before: Some(json!("before")),
            after: Some(after),
            category,
            text_diff: None,
        }
    }

    fn check(kind: &str, c: Change, expect: Severity) {
        assert_eq!(
            change_severity(kind, &c, ObjectContext::default()),
            expect,
            "{c:?}"
        );
    }

    #[test]
    fn rules_table() {
        use ChangeCategory::*;
        let dc = "deviceConfigurations";
        let ca = "conditionalAccessPolicies";
        let cases = [
            (dc, change("bitLockerEnabled", Some("bitLockerEnabled"), json!(false), Setting), Severity::High),
            (dc, change("bitLockerEnabled", Some("bitLockerEnabled"), json!(true), Setting), Severity::Medium),
            ("deviceCompliancePolicies", change("storageRequireEncryption", None, json!(false), Setting), Severity::High),
            (
                "configurationPolicies",
                change(
                    "settings[device_vendor_msft_bitlocker_requiredeviceencryption].value",
                    Some("device_vendor_msft_bitlocker_requiredeviceencryption"),
                    json!("device_vendor_msft_bitlocker_requiredeviceencryption_0"),
                    Setting,
                ),
                Severity::High,
            ),
            (dc, change("firewallEnabled", None, json!(true), Setting), Severity::High),
            (dc, change("defenderRequireRealTimeMonitoring", None, json!(true), Setting), Severity::High),
            (
                "configurationPolicies",
                change(
                    "settings[device_vendor_msft_policy_config_defender_attacksurfacereductionrules].value",
                    None,
                    json!("audit"),
                    Setting,
                ),
                Severity::High,
            ),
            (
                "configurationPolicies",
                change(
                    "settings[device_vendor_msft_laps_policies_passwordagedays].value",
                    Some("device_vendor_msft_laps_policies_passwordagedays"),
                    json!(90),
                    Setting,
                ),
                Severity::High,
            ),
            (ca, change("state", None, json!("disabled"), Setting), Severity::High),
            (ca, change("state", None, json!("enabledForReportingButNotEnforced"), Setting), Severity::High),
            (ca, change("state", None, json!("enabled"), Setting), Severity::Medium),
            (
                ca,
                Change {
                    before: Some(json!(["All"])),
                    ..change("conditions.users.includeUsers", None, json!(["group:Pilot"]), Setting)
                },
                Severity::High,
            ),
            (
                ca,
                Change {
                    before: Some(json!(["group:Pilot"])),
                    ..change("conditions.users.includeGroups", None, json!(["group:Pilot", "group:All staff"]), Setting)
                },
                Severity::Medium,
            ),
            (
                ca,
                Change {
                    before: Some(json!(["group:Break glass"])),
                    ..change("conditions.users.excludeGroups", None, json!(["group:Break glass", "group:Sales"]), Setting)
                },
                Severity::High,
            ),
            (ca, change("grantControls.builtInControls[mfa]", None, json!(true), Setting), Severity::High),
            (dc, change("description", None, json!("x"), Property), Severity::Info),
            (dc, change("displayName", None, json!("x"), Property), Severity::Info),
            (dc, change("passwordMinimumLength", None, json!(4), Setting), Severity::Medium),
            (dc, change("assignments[group:x]", None, json!({}), Assignment), Severity::Medium),
        ];
        for (kind, c, expect) in cases {
            check(kind, c, expect);
        }
    }

    #[test]
    fn inside_a_security_control_switching_off_or_unassigning_is_high() {
        let compliance = ObjectContext {
            control: Some(Control::Compliance),
            unassigned: false,
        };
        let off = Change {
            before: Some(json!(true)),
            ..change(
                "passwordRequired",
                None,
                json!(false),
                ChangeCategory::Setting,
            )
        };
        let shorter = Change {
            before: Some(json!(12)),
            ..change(
                "passwordMinimumLength",
                None,
                json!(8),
                ChangeCategory::Setting,
            )
        };
        let k = "deviceCompliancePolicies";
        assert_eq!(change_severity(k, &off, compliance), Severity::High);
        assert_eq!(change_severity(k, &shorter, compliance), Severity::Medium);
        // The same switch in an ordinary profile is medium.
        assert_eq!(
            change_severity("deviceConfigurations", &off, ObjectContext::default()),
            Severity::Medium
        );
        let removed = Change {
            before: Some(json!({"intent": "apply"})),
            after: None,
            ..change(
                "assignments[allDevices]",
                None,
                Value::Null,
                ChangeCategory::Assignment,
            )
        };
        assert_eq!(change_severity(k, &removed, compliance), Severity::Medium);
        let nobody = ObjectContext {
            unassigned: true,
            ..compliance
        };
        assert_eq!(change_severity(k, &removed, nobody), Severity::High);
    }

    #[test]
    fn controls_follow_the_kind_the_template_and_what_is_configured() {
        let form = |v: Value| v;
        assert_eq!(
            control_of("conditionalAccessPolicies", &json!({})),
            Some(Control::ConditionalAccess)
        );
        assert_eq!(
            control_of("deviceCompliancePolicies", &json!({})),
            Some(Control::Compliance)
        );
        assert_eq!(
            control_of(
                "configurationPolicies",
                &form(
                    json!({"settings": {"vendor_msft_firewall_mdmstore_domainprofile_enablefirewall": {"value": "x_true"}}})
                )
            ),
            Some(Control::Firewall)
        );
        assert_eq!(
            control_of(
                "configurationPolicies",
                &form(
                    json!({"name": "LAPS", "settings": {"device_vendor_msft_laps_policies_backupdirectory": {"value": "x_1"}}})
                )
            ),
            Some(Control::Laps)
        );
        assert_eq!(
            control_of(
                "configurationPolicies",
                &json!({"templateReference": {"templateFamily": "endpointSecurityAccountProtection"}, "settings": {}})
            ),
            Some(Control::EndpointSecurity)
        );
        assert_eq!(
            control_of(
                "configurationPolicies",
                &json!({"settings": {"device_vendor_msft_policy_config_deviceguard_lsacfgflags": {"value": "x_1"}}})
            ),
            Some(Control::CredentialProtection)
        );
        // Restrictions that require real-time monitoring configure antivirus.
        assert_eq!(
            control_of(
                "deviceConfigurations",
                &json!({"cameraBlocked": true, "defenderRequireRealTimeMonitoring": true})
            ),
            Some(Control::Antivirus)
        );
        // Off, unset or only named: not a control. Descriptions do not count.
        assert_eq!(
            control_of(
                "deviceConfigurations",
                &json!({"cameraBlocked": true, "defenderRequireRealTimeMonitoring": false,
                        "firewallBlockAllIncoming": null, "bitLockerEncryptDevice": "notConfigured",
                        "description": "firewall and bitlocker elsewhere"})
            ),
            None
        );
        assert_eq!(missing_severity(None), Severity::Medium);
        assert_eq!(missing_severity(Some(Control::Firewall)), Severity::High);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
    }

    #[test]
    fn findings_take_the_worst_change() {
        let description = change("description", None, json!("x"), ChangeCategory::Property);
        let firewall = change(
            "firewallEnabled",
            None,
            json!(false),
            ChangeCategory::Setting,
        );
        let plain = ObjectContext::default();
        assert_eq!(
            changes_severity(
                "deviceConfigurations",
                std::slice::from_ref(&description),
                plain
            ),
            Severity::Info
        );
        assert_eq!(
            changes_severity("deviceConfigurations", &[description, firewall], plain),
            Severity::High
        );
    }

    #[test]
    fn msp_overrides_win_the_most_specific_and_newest_first() {
        let rule = |kind: Option<&str>, drift: Option<&str>, pattern: Option<&str>, severity| {
            SeverityOverride {
                kind: kind.map(str::to_string),
                drift: drift.map(str::to_string),
                pattern: pattern.map(str::to_string),
                severity,
            }
        };
        let firewall = change(
            "firewallEnabled",
            Some("firewallEnabled"),
            json!(false),
            ChangeCategory::Setting,
        );
        let minimum = change(
            "passwordMinimumLength",
            None,
            json!(4),
            ChangeCategory::Setting,
        );
        let dc = "deviceConfigurations";
        let modified = |kind| ChangedObject {
            kind,
            drift: "modified",
            changes: &[],
            names: &[],
            object: ObjectContext::default(),
        };
        // No overrides: the built-in table.
        let none = SeverityRules::default();
        assert_eq!(none.change(&modified(dc), &firewall, None), Severity::High);
        assert_eq!(none.object(dc, "unexpected", "x", None), Severity::Low);
        assert_eq!(
            none.object(
                "conditionalAccessPolicies",
                "missing",
                "x",
                Some(Control::ConditionalAccess)
            ),
            Severity::High
        );

        let rules = SeverityRules::new(vec![
            rule(None, None, Some("FIREWALL"), Severity::Low),
            rule(Some(dc), None, Some("firewall"), Severity::Info),
            rule(None, None, Some("password"), Severity::High),
            rule(None, None, Some("password"), Severity::Low),
            rule(None, Some("missing"), Some("Legacy"), Severity::Info),
            rule(None, None, Some("Minimum length"), Severity::Medium),
        ]);
        // Kind + pattern beats pattern alone, whatever the order.
        assert_eq!(rules.change(&modified(dc), &firewall, None), Severity::Info);
        assert_eq!(
            rules.change(&modified("deviceCompliancePolicies"), &firewall, None),
            Severity::Low
        );
        // Equally specific: the newest wins.
        assert_eq!(rules.change(&modified(dc), &minimum, None), Severity::Low);
        // The friendly name is matched too.
        let named = change(
            "settings[x].value",
            Some("x"),
            json!(1),
            ChangeCategory::Setting,
        );
        assert_eq!(
            rules.change(&modified(dc), &named, Some("Password history")),
            Severity::Low
        );
        assert_eq!(
            rules.change(&modified(dc), &named, Some("Minimum length of PIN")),
            Severity::Medium
        );
        // A finding takes the highest of its (overridden) changes.
        let both = [firewall, minimum];
        let names = [None, None];
        assert_eq!(
            rules.changes(&ChangedObject {
                changes: &both,
                names: &names,
                ..modified(dc)
            }),
            Severity::Low
        );
        // Object-level drift matches the object's name; a rule beats the control's default.
        assert_eq!(
            rules.object(dc, "missing", "MSP - Legacy VPN", Some(Control::Firewall)),
            Severity::Info
        );
        assert_eq!(
            rules.object(dc, "deleted", "MSP - Legacy VPN", None),
            Severity::Medium
        );
    }
}
