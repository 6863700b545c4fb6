//! The walk over two semantic forms that lists what changed.
//!
//! Objects are compared key by key; everything else (scalars, and the arrays whose order is kept
//! because it may mean something) is compared whole. A key present on one side only is one change
//! carrying the whole value, so an added setting or a removed assignment is one change, not one per
//! field. A missing key and a `null` are the same: Graph returns unset sub-objects as `null` and
//! exports often drop them.

use super::form::SCRIPT_FIELDS;
use super::{Change, ChangeCategory};
use serde_json::Value;
use similar::TextDiff;

/// Top-level fields that describe the object rather than configure devices.
const PROPERTY_FIELDS: &[&str] = &[
    "displayName",
    "name",
    "description",
    "notes",
    "publisher",
    "roleScopeTagIds",
    "roleScopeTags",
    "templateReference",
    "priorityMetaData",
    "creationSource",
    "technologies",
    "platforms",
];

/// Collections the semantic form keys, by (top-level field, field name): their keys are shown as
/// `[key]` in paths.
const KEYED: &[(&str, &str)] = &[
    ("settings", "settings"),
    ("settings", "children"),
    ("settings", "items"),
    ("assignments", "assignments"),
    ("definitionValues", "definitionValues"),
    ("definitionValues", "presentationValues"),
    ("scheduledActionsForRule", "scheduledActionsForRule"),
    ("scheduledActionsForRule", "scheduledActionConfigurations"),
    ("omaSettings", "omaSettings"),
];

/// Keyed collections whose keys are settings: a change below one is attributed to that setting.
/// Compliance actions count too: the action type (`block`, `retire`…) is what a rule configures.
const SETTING_KEYED: &[&str] = &[
    "settings",
    "children",
    "definitionValues",
    "omaSettings",
    "scheduledActionConfigurations",
];

/// Lines of context around each hunk of a text diff.
const CONTEXT_LINES: usize = 3;

/// Where the walk is: the path so far and what a change here is about.
#[derive(Clone)]
struct Here {
    path: String,
    top: String,
    /// The field name of the current object in its parent.
    name: String,
    setting: Option<String>,
    category: ChangeCategory,
}

pub(crate) fn diff_forms(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        if before != after {
            out.push(change(
                String::new(),
                None,
                ChangeCategory::Property,
                Some(before),
                Some(after),
            ));
        }
        return out;
    };
    for key in union(b, a) {
        let here = Here {
            path: key.clone(),
            top: key.clone(),
            name: key.clone(),
            setting: None,
            category: top_category(&key),
        };
        let here = Here {
            setting: (here.category == ChangeCategory::Setting && !is_keyed("", &key))
                .then(|| key.clone()),
            ..here
        };
        walk(&here, present(b.get(&key)), present(a.get(&key)), &mut out);
    }
    out
}

/// Whether a top-level field only describes the object (name, description, scope tags…).
pub(crate) fn is_property(key: &str) -> bool {
    PROPERTY_FIELDS.contains(&key)
}

fn top_category(key: &str) -> ChangeCategory {
    if key == "assignments" {
        ChangeCategory::Assignment
    } else if SCRIPT_FIELDS.contains(&key) {
        ChangeCategory::Script
    } else if PROPERTY_FIELDS.contains(&key) {
        ChangeCategory::Property
    } else {
        ChangeCategory::Setting
    }
}

fn is_keyed(top: &str, name: &str) -> bool {
    let top = if top.is_empty() { name } else { top };
    KEYED.iter().any(|(t, n)| *t == top && *n == name)
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

fn union(b: &serde_json::Map<String, Value>, a: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys
}

fn walk(here: &Here, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Change>) {
    if before == after {
        return;
    }
    let (Some(Value::Object(b)), Some(Value::Object(a))) = (before, after) else {
        out.push(change(
            here.path.clone(),
            here.setting.clone(),
            here.category,
            before,
            after,
        ));
        return;
    };
    let keyed = is_keyed(&here.top, &here.name);
    let mut keys = union(b, a);
    // A group collection item is keyed by its content hash, so any change inside it changes its
    // key. When one item went and one came, they are the same item changed: compare them field by
    // field under `[*]` rather than report a removal and an addition.
    if here.name == "items" && keyed {
        let gone: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let came: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        if let ([g], [c]) = (gone.as_slice(), came.as_slice()) {
            let item = Here {
                path: format!("{}[*]", here.path),
                name: String::new(),
                ..here.clone()
            };
            walk(&item, b.get(*g), a.get(*c), out);
            keys.retain(|k| k != *g && k != *c);
        }
    }
    for key in keys {
        let path = if keyed {
            format!("{}[{key}]", here.path)
        } else {
            format!("{}.{key}", here.path)
        };
        let setting = if keyed && SETTING_KEYED.contains(&here.name.as_str()) {
            Some(key.clone())
        } else {
            here.setting.clone()
        };
        let child = Here {
            path,
            top: here.top.clone(),
            // Inside a keyed collection, an element's own fields are named again from scratch.
            name: if keyed { String::new() } else { key.clone() },
            setting,
            category: here.category,
        };
        walk(&child, present(b.get(&key)), present(a.get(&key)), out);
    }
}

fn change(
    path: String,
    setting: Option<String>,
    category: ChangeCategory,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Change {
    Change {
        path,
        setting,
        before: before.cloned(),
        after: after.cloned(),
        category,
        text_diff: text_diff(before, after),
    }
}

/// A unified line diff when either side is long text (a script, XML, a custom profile payload).
fn text_diff(before: Option<&Value>, after: Option<&Value>) -> Option<String> {
    let b = before.and_then(Value::as_str);
    let a = after.and_then(Value::as_str);
    let long = |s: Option<&str>| s.is_some_and(|s| s.contains('\n') || s.len() > 200);
    if !(long(b) || long(a))
        || (b.is_none() && before.is_some())
        || (a.is_none() && after.is_some())
    {
        return None;
    }
    let (b, a) = (b.unwrap_or(""), a.unwrap_or(""));
    let diff = TextDiff::from_lines(b, a);
    let text = diff
        .unified_diff()
        .context_radius(CONTEXT_LINES)
        .header("before", "after")
        .to_string();
    Some(text)
}
