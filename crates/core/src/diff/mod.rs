//! Semantic comparison of two captures of one object: is it the same configuration, and if not,
//! what changed, setting by setting.
//!
//! Both sides are first rewritten into their *semantic form* ([`semantic_form`], see `form.rs`):
//! volatile fields and child ids removed, arrays that Graph reorders at will turned into maps keyed
//! by what identifies an element, tenant-local ids replaced by the names they resolve to, base64
//! text decoded. The diff (`walk.rs`) then compares the two forms key by key.
//!
//! Two decisions a newcomer must know:
//! - **Keyed maps, not arrays.** `content::normalise` keeps arrays in capture order on purpose (a
//!   capture is stored as served). Comparing by position would report drift whenever the service
//!   returns settings or assignments in another order, which is the noise that makes other tools'
//!   drift reports unusable. Keys also give every change a readable address:
//!   `settings[device_vendor_msft_bitlocker_requiredeviceencryption].value`,
//!   `assignments[group:SG-Intune-Pilot-Users|filter:Corporate devices]`.
//! - **Names, not ids.** A baseline is compared with many tenants, each with its own group and
//!   filter ids. References are compared by the name they resolve to through [`RefNames`], one
//!   resolver per side; an unresolved id stays as `group-id:<id>`, so it never matches a name.
//!
//! *API boundary:* pure functions over `serde_json::Value`; no I/O. Severity, friendly setting
//! names and baselines are built on top of [`Change`] elsewhere.

mod base64;
mod form;
mod refs;
mod score;
mod walk;

pub use form::semantic_form;
pub use refs::{MapRefs, NoRefs, RefNames};
pub use score::{coverage, coverage_of_form, Coverage};

use crate::kinds::ObjectKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a change is about, for grouping and severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeCategory {
    /// A configured value: a settings catalog setting, an ADMX value, an OMA-URI, a compliance rule
    /// or action, a property of a flat policy (`bitLockerEnabled`), a CA condition or control.
    Setting,
    /// Who gets the object: an assignment added, removed or changed.
    Assignment,
    /// What describes the object: name, description, scope tags, template reference.
    Property,
    /// The body of a script.
    Script,
}

/// One difference between two captures of an object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Where, in the semantic form: `settings[<definition id>].children[<child id>].value`,
    /// `assignments[<target>]`, `description`.
    pub path: String,
    /// The setting the change is in: the innermost settings catalog definition id, the ADMX
    /// definition id, the OMA-URI, the compliance action type, or the property name of a flat policy. `None` for assignments,
    /// descriptive properties and scripts.
    pub setting: Option<String>,
    /// The value before; `None` when it was added.
    pub before: Option<Value>,
    /// The value after; `None` when it was removed.
    pub after: Option<Value>,
    pub category: ChangeCategory,
    /// A unified line diff when the value is long text (scripts, XML, profile payloads).
    pub text_diff: Option<String>,
}

/// Every change from `before` to `after`, ordered by path. Each side's references are resolved
/// with its own tenant's names.
pub fn diff(
    kind: &ObjectKind,
    before: &Value,
    after: &Value,
    refs_before: &dyn RefNames,
    refs_after: &dyn RefNames,
) -> Vec<Change> {
    let b = semantic_form(kind, before, refs_before);
    let a = semantic_form(kind, after, refs_after);
    walk::diff_forms(&b, &a)
}

/// Every change between two semantic forms (see [`semantic_form`]): for callers that compare
/// one form with many, such as a baseline object with each tenant's, and build it once.
pub fn diff_of_forms(before: &Value, after: &Value) -> Vec<Change> {
    walk::diff_forms(before, after)
}

/// Whether a top-level field only describes the object (name, description, scope tags…): it
/// configures no device.
pub fn is_descriptive(key: &str) -> bool {
    walk::is_property(key)
}

/// Whether an object, in its semantic form, is assigned to anyone: it has an assignment that is
/// not an exclusion.
pub fn is_assigned(form: &Value) -> bool {
    form.get("assignments")
        .and_then(Value::as_object)
        .is_some_and(|m| m.keys().any(|k| !k.starts_with("exclude")))
}

/// Whether the two captures configure the same thing (their diff is empty).
pub fn is_same(
    kind: &ObjectKind,
    a: &Value,
    b: &Value,
    refs_a: &dyn RefNames,
    refs_b: &dyn RefNames,
) -> bool {
    semantic_form(kind, a, refs_a) == semantic_form(kind, b, refs_b)
}
