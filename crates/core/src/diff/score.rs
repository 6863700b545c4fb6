//! How much of a baseline object a tenant's object has as expected: the basis of the per-object
//! and per-tenant compliance score.
//!
//! The unit is a configured value: a leaf of the expected object's semantic form (a setting value,
//! a field of an assignment, a compliance rule), descriptive properties (name, description, scope
//! tags) left out because they configure no device. A change covers the values it replaces (a
//! removed assignment covers all of its fields); a value only the tenant has counts once on both
//! sides, so adding a setting lowers the score as a changed one does.

use super::walk::is_property;
use super::{semantic_form, Change, ChangeCategory, RefNames};
use crate::kinds::ObjectKind;
use serde::Serialize;
use serde_json::Value;

/// Configured values of an expected object, and how many of them drifted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub values: usize,
    pub drifted: usize,
}

impl Coverage {
    /// The share of values as expected, 0–100 (100 for an object with nothing to configure).
    pub fn percent(self) -> f64 {
        if self.values == 0 {
            return 100.0;
        }
        let kept = self.values.saturating_sub(self.drifted) as f64;
        100.0 * kept / self.values as f64
    }
}

/// The coverage of `expected` (resolved with `refs`) given the changes the diff found.
pub fn coverage(
    kind: &ObjectKind,
    expected: &Value,
    refs: &dyn RefNames,
    changes: &[Change],
) -> Coverage {
    coverage_of_form(&semantic_form(kind, expected, refs), changes)
}

/// [`coverage`] of an expected object already in its semantic form.
pub fn coverage_of_form(form: &Value, changes: &[Change]) -> Coverage {
    let mut values = match form {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !is_property(k))
            .map(|(_, v)| leaves(v))
            .sum(),
        other => leaves(other),
    };
    let mut drifted = 0;
    for c in changes
        .iter()
        .filter(|c| c.category != ChangeCategory::Property)
    {
        match &c.before {
            Some(before) => drifted += leaves(before).max(1),
            None => {
                values += 1;
                drifted += 1;
            }
        }
    }
    Coverage {
        values,
        drifted: drifted.min(values),
    }
}

/// Scalar values in a JSON value; an empty object or array counts as one value, `null` as none.
fn leaves(value: &Value) -> usize {
    match value {
        Value::Null => 0,
        Value::Object(map) if map.is_empty() => 1,
        Value::Array(list) if list.is_empty() => 1,
        Value::Object(map) => map.values().map(leaves).sum(),
        Value::Array(list) => list.iter().map(leaves).sum(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, NoRefs};
    use crate::kinds::by_key;
    use serde_json::json;

    #[test]
    fn identical_objects_score_100_and_each_change_costs_its_values() {
        let kind = by_key("deviceConfigurations").unwrap();
        let expected = json!({
            "displayName": "MSP - Win - Baseline",
            "description": "golden",
            "passwordMinimumLength": 12,
            "firewallEnabled": true,
            "bitLockerEnabled": true,
            "defenderMonitorFileActivity": "monitorAllFiles",
        });
        let same = coverage(kind, &expected, &NoRefs, &[]);
        assert_eq!(
            same,
            Coverage {
                values: 4,
                drifted: 0
            }
        );
        assert_eq!(same.percent(), 100.0);

        let mut actual = expected.clone();
        actual["firewallEnabled"] = json!(false);
        actual["description"] = json!("changed");
        let changes = diff(kind, &expected, &actual, &NoRefs, &NoRefs);
        assert_eq!(changes.len(), 2);
        let c = coverage(kind, &expected, &NoRefs, &changes);
        // The description is not configuration: one of four values drifted.
        assert_eq!(
            c,
            Coverage {
                values: 4,
                drifted: 1
            }
        );
        assert_eq!(c.percent(), 75.0);

        actual["smartScreenEnabled"] = json!(true);
        let changes = diff(kind, &expected, &actual, &NoRefs, &NoRefs);
        let c = coverage(kind, &expected, &NoRefs, &changes);
        assert_eq!(
            c,
            Coverage {
                values: 5,
                drifted: 2
            }
        );
    }

    #[test]
    fn nothing_to_configure_is_fully_covered() {
        let kind = by_key("deviceConfigurations").unwrap();
        let c = coverage(kind, &json!({"displayName": "x"}), &NoRefs, &[]);
        assert_eq!(c.percent(), 100.0);
        assert_eq!(
            Coverage {
                values: 2,
                drifted: 5
            }
            .percent(),
            0.0
        );
    }
}
