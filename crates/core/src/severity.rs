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

/// Kinds whose absence leaves a tenant unprotected.
const CRITICAL_KINDS: &[&str] = &["conditionalAccessPolicies", "deviceCompliancePolicies"];

/// Words in a path or setting id that mark encryption settings: turned off, they are high.
const ENCRYPTION: &[&str] = &[
    "bitlocker",
    "filevault",
    "storagerequireencryption",
    "encryption",
];

/// Words that mark protection settings: any change to them is high.
const PROTECTION: &[&str] = &["firewall", "defender", "antivirus", "realtime"];

/// Properties that only describe an object.
const DESCRIPTIVE: &[&str] = &["description", "displayname", "name"];

/// The severity of one change to an object of `kind` (a registry key).
pub fn change_severity(kind: &str, change: &Change) -> Severity {
    let place = format!(
        "{} {}",
        change.path.to_ascii_lowercase(),
        change.setting.as_deref().unwrap_or("").to_ascii_lowercase()
    );
    let has = |words: &[&str]| words.iter().any(|w| place.contains(w));
    if has(ENCRYPTION) && turned_off(change.after.as_ref()) {
        return Severity::High;
    }
    if has(PROTECTION) {
        return Severity::High;
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
    }
    if change.category == ChangeCategory::Property
        && DESCRIPTIVE.contains(&change.path.to_ascii_lowercase().as_str())
    {
        return Severity::Info;
    }
    Severity::Medium
}

/// Whether a value turns something off: `false`, `"false"`, `"disabled"`, or a removed value.
fn turned_off(after: Option<&Value>) -> bool {
    match after {
        None | Some(Value::Null) | Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => {
            let s = s.to_ascii_lowercase();
            s == "false" || s == "disabled" || s == "notconfigured" || s.ends_with("_0")
        }
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        _ => false,
    }
}

/// The severity of an expected object that is missing from, or deleted in, a tenant.
pub fn missing_severity(kind: &str) -> Severity {
    if CRITICAL_KINDS.contains(&kind) {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// A modified object's severity: the highest of its changes (info when there are none).
pub fn changes_severity(kind: &str, changes: &[Change]) -> Severity {
    changes
        .iter()
        .map(|c| change_severity(kind, c))
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

    /// The severity of one change of a `drift` ("modified" or "assignments") finding; `name` is
    /// the change's friendly setting name, when known.
    pub fn change(&self, kind: &str, drift: &str, change: &Change, name: Option<&str>) -> Severity {
        let texts = [
            change.path.as_str(),
            change.setting.as_deref().unwrap_or(""),
            name.unwrap_or(""),
        ];
        self.overridden(kind, drift, &texts)
            .unwrap_or_else(|| change_severity(kind, change))
    }

    /// A changed object's severity: the highest of its changes (`names[i]` names `changes[i]`).
    pub fn changes(
        &self,
        kind: &str,
        drift: &str,
        changes: &[Change],
        names: &[Option<String>],
    ) -> Severity {
        changes
            .iter()
            .enumerate()
            .map(|(i, c)| self.change(kind, drift, c, names.get(i).and_then(|n| n.as_deref())))
            .max()
            .unwrap_or(Severity::Info)
    }

    /// The severity of drift without changes: `missing`, `deleted` or `unexpected`.
    pub fn object(&self, kind: &str, drift: &str, object: &str) -> Severity {
        self.overridden(kind, drift, &[object])
            .unwrap_or(match drift {
                "unexpected" => Severity::Low,
                _ => missing_severity(kind),
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
        assert_eq!(change_severity(kind, &c), expect, "{c:?}");
    }

    #[test]
    fn rules_table() {
        use ChangeCategory::*;
        let dc = "deviceConfigurations";
        let ca = "conditionalAccessPolicies";
        check(
            dc,
            change(
                "bitLockerEnabled",
                Some("bitLockerEnabled"),
                json!(false),
                Setting,
            ),
            Severity::High,
        );
        check(
            dc,
            change(
                "bitLockerEnabled",
                Some("bitLockerEnabled"),
                json!(true),
                Setting,
            ),
            Severity::Medium,
        );
        check(
            "deviceCompliancePolicies",
            change("storageRequireEncryption", None, json!(false), Setting),
            Severity::High,
        );
        check(
            "configurationPolicies",
            change(
                "settings[device_vendor_msft_bitlocker_requiredeviceencryption].value",
                Some("device_vendor_msft_bitlocker_requiredeviceencryption"),
                json!("device_vendor_msft_bitlocker_requiredeviceencryption_0"),
                Setting,
            ),
            Severity::High,
        );
        check(
            dc,
            change("firewallEnabled", None, json!(true), Setting),
            Severity::High,
        );
        check(
            dc,
            change(
                "defenderRequireRealTimeMonitoring",
                None,
                json!(true),
                Setting,
            ),
            Severity::High,
        );
        check(
            ca,
            change("state", None, json!("disabled"), Setting),
            Severity::High,
        );
        check(
            ca,
            change(
                "state",
                None,
                json!("enabledForReportingButNotEnforced"),
                Setting,
            ),
            Severity::High,
        );
        check(
            ca,
            change("state", None, json!("enabled"), Setting),
            Severity::Medium,
        );
        check(
            ca,
            change(
                "grantControls.builtInControls[mfa]",
                None,
                json!(true),
                Setting,
            ),
            Severity::High,
        );
        check(
            dc,
            change("description", None, json!("x"), Property),
            Severity::Info,
        );
        check(
            dc,
            change("displayName", None, json!("x"), Property),
            Severity::Info,
        );
        check(
            dc,
            change("passwordMinimumLength", None, json!(4), Setting),
            Severity::Medium,
        );
        check(
            dc,
            change("assignments[group:x]", None, json!({}), Assignment),
            Severity::Medium,
        );
    }

    #[test]
    fn findings_take_the_worst_change_and_missing_goes_by_kind() {
        let description = change("description", None, json!("x"), ChangeCategory::Property);
        let firewall = change(
            "firewallEnabled",
            None,
            json!(false),
            ChangeCategory::Setting,
        );
        assert_eq!(
            changes_severity("deviceConfigurations", std::slice::from_ref(&description)),
            Severity::Info
        );
        assert_eq!(
            changes_severity("deviceConfigurations", &[description, firewall]),
            Severity::High
        );
        assert_eq!(
            missing_severity("conditionalAccessPolicies"),
            Severity::High
        );
        assert_eq!(missing_severity("deviceCompliancePolicies"), Severity::High);
        assert_eq!(missing_severity("deviceConfigurations"), Severity::Medium);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
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
        // No overrides: the built-in table.
        let none = SeverityRules::default();
        assert_eq!(none.change(dc, "modified", &firewall, None), Severity::High);
        assert_eq!(none.object(dc, "unexpected", "x"), Severity::Low);
        assert_eq!(
            none.object("conditionalAccessPolicies", "missing", "x"),
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
        assert_eq!(
            rules.change(dc, "modified", &firewall, None),
            Severity::Info
        );
        assert_eq!(
            rules.change("deviceCompliancePolicies", "modified", &firewall, None),
            Severity::Low
        );
        // Equally specific: the newest wins.
        assert_eq!(rules.change(dc, "modified", &minimum, None), Severity::Low);
        // The friendly name is matched too.
        let named = change(
            "settings[x].value",
            Some("x"),
            json!(1),
            ChangeCategory::Setting,
        );
        assert_eq!(
            rules.change(dc, "modified", &named, Some("Password history")),
            Severity::Low
        );
        assert_eq!(
            rules.change(dc, "modified", &named, Some("Minimum length of PIN")),
            Severity::Medium
        );
        // A finding takes the highest of its (overridden) changes.
        assert_eq!(
            rules.changes(dc, "modified", &[firewall, minimum], &[None, None]),
            Severity::Low
        );
        // Object-level drift matches the object's name.
        assert_eq!(
            rules.object(dc, "missing", "MSP - Legacy VPN"),
            Severity::Info
        );
        assert_eq!(
            rules.object(dc, "deleted", "MSP - Legacy VPN"),
            Severity::Medium
        );
    }
}
