//! Names of tenant-local references: what a group, assignment filter or named location id stands for.
//!
//! Two tenants managed to the same baseline have a group called `SG-Intune-Pilot-Users` each, with
//! different object ids. Comparing ids would report drift on every assignment of every tenant, so
//! the semantic form writes a reference as the name it resolves to (`group:SG-Intune-Pilot-Users`).
//! An id nobody can resolve (a deleted group, a directory we could not read) stays visible as
//! `group-id:<id>`, so an unresolved reference is never silently equal to a named one.

use std::collections::HashMap;

/// Resolves tenant-local ids to names. Implemented by the engine over a snapshot's directory data.
pub trait RefNames {
    fn group(&self, id: &str) -> Option<String>;
    fn filter(&self, id: &str) -> Option<String>;
    fn named_location(&self, id: &str) -> Option<String>;
    /// A user (conditional access include/exclude lists).
    fn user(&self, _id: &str) -> Option<String> {
        None
    }
    /// A compliance notification message template.
    fn notification_template(&self, _id: &str) -> Option<String> {
        None
    }
    /// An app (app configurations' targeted apps).
    fn app(&self, _id: &str) -> Option<String> {
        None
    }
}

/// Resolves nothing: every reference is compared by its raw id.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoRefs;

impl RefNames for NoRefs {
    fn group(&self, _: &str) -> Option<String> {
        None
    }
    fn filter(&self, _: &str) -> Option<String> {
        None
    }
    fn named_location(&self, _: &str) -> Option<String> {
        None
    }
}

/// Resolves from plain maps of id → display name.
#[derive(Clone, Debug, Default)]
pub struct MapRefs {
    pub groups: HashMap<String, String>,
    pub filters: HashMap<String, String>,
    pub named_locations: HashMap<String, String>,
    pub users: HashMap<String, String>,
    pub notification_templates: HashMap<String, String>,
    pub apps: HashMap<String, String>,
}

impl RefNames for MapRefs {
    fn group(&self, id: &str) -> Option<String> {
        self.groups.get(id).cloned()
    }
    fn filter(&self, id: &str) -> Option<String> {
        self.filters.get(id).cloned()
    }
    fn named_location(&self, id: &str) -> Option<String> {
        self.named_locations.get(id).cloned()
    }
    fn user(&self, id: &str) -> Option<String> {
        self.users.get(id).cloned()
    }
    fn notification_template(&self, id: &str) -> Option<String> {
        self.notification_templates.get(id).cloned()
    }
    fn app(&self, id: &str) -> Option<String> {
        self.apps.get(id).cloned()
    }
}

/// The kinds of reference the semantic form resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    Group,
    Filter,
    NamedLocation,
    User,
    NotificationTemplate,
    App,
}

const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// `group:<name>` when resolved, `group-id:<id>` when not. Well-known location values that are not
/// ids (`All`, `AllTrusted`, the zero GUID meaning "MFA trusted IPs") are kept as they are.
pub(crate) fn render(refs: &dyn RefNames, kind: RefKind, id: &str) -> String {
    let (prefix, name) = match kind {
        RefKind::Group => ("group", refs.group(id)),
        RefKind::Filter => ("filter", refs.filter(id)),
        RefKind::NamedLocation => ("location", refs.named_location(id)),
        RefKind::User => ("user", refs.user(id)),
        RefKind::NotificationTemplate => ("template", refs.notification_template(id)),
        RefKind::App => ("app", refs.app(id)),
    };
    // Our own output passes through, which keeps the semantic form idempotent; Graph ids are
    // GUIDs and never look like this.
    if id.starts_with(&format!("{prefix}:")) || id.starts_with(&format!("{prefix}-id:")) {
        return id.to_string();
    }
    match name {
        Some(name) => format!("{prefix}:{name}"),
        // Well-known values that are not ids: `All`, `AllTrusted`, `GuestsOrExternalUsers`, and
        // the zero GUID (MFA trusted IPs; "no template").
        None if kind != RefKind::Group
            && kind != RefKind::Filter
            && (id == ZERO_GUID || !id.contains('-')) =>
        {
            id.to_string()
        }
        None => format!("{prefix}-id:{id}"),
    }
}

/// Whether a filter id means "no filter" (null in v1.0, the zero GUID in beta).
pub(crate) fn is_no_filter(id: &str) -> bool {
    id.is_empty() || id == ZERO_GUID
}
