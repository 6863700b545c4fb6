//! The simulated cloud's state: tenants, their directory and their configuration objects.
//!
//! Objects are kept as the JSON the service would return for a GET by id, plus their navigation
//! collections (`assignments`, `settings`, …) held apart so that lists can leave them out unless the
//! client asks for them with `$expand`, as the real service does.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One object in a collection, with its navigation collections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimObject {
    /// The object's own properties, including `id` and `@odata.type`.
    pub body: Map<String, Value>,
    /// Navigation collections by name (`assignments`, `settings`, `definitionValues`, …).
    pub children: BTreeMap<String, Vec<SimObject>>,
    /// Single-valued navigations that only `$expand` shows (`definition`, `presentation`).
    pub refs: BTreeMap<String, Value>,
}

impl SimObject {
    pub fn new(body: Map<String, Value>) -> Self {
        SimObject {
            body,
            ..Default::default()
        }
    }

    /// Builds an object from a JSON object value; anything else gives an empty object.
    pub fn from_value(value: Value) -> Self {
        match value {
            Value::Object(map) => SimObject::new(map),
            _ => SimObject::default(),
        }
    }

    pub fn id(&self) -> &str {
        self.body.get("id").and_then(Value::as_str).unwrap_or("")
    }

    pub fn with_children(mut self, name: &str, children: Vec<SimObject>) -> Self {
        self.children.insert(name.to_string(), children);
        self
    }

    pub fn with_ref(mut self, name: &str, value: Value) -> Self {
        self.refs.insert(name.to_string(), value);
        self
    }

    /// The object with its navigations folded in as JSON properties (all children, recursively).
    pub fn to_full_json(&self) -> Value {
        let mut map = self.body.clone();
        for (name, value) in &self.refs {
            map.insert(name.clone(), value.clone());
        }
        for (name, kids) in &self.children {
            map.insert(
                name.clone(),
                Value::Array(kids.iter().map(SimObject::to_full_json).collect()),
            );
        }
        Value::Object(map)
    }
}

/// A user in a tenant's directory (the admin who signs in, plus a few others for realism).
#[derive(Clone, Debug, PartialEq)]
pub struct SimUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
}

/// One simulated customer tenant.
#[derive(Clone, Debug, PartialEq)]
pub struct SimTenant {
    /// The tenant GUID.
    pub id: String,
    /// The primary (verified, default) domain, e.g. `contoso.onmicrosoft.com` or `mueller-soehne.de`.
    pub domain: String,
    /// The organisation's display name, e.g. "Müller & Söhne GmbH".
    pub name: String,
    /// Whether sign-in with the device-code flow is allowed. `false` models a Conditional Access
    /// policy blocking the device-code authentication flow (the browser flow must then be used).
    pub device_code_allowed: bool,
    /// The delegated Graph permissions admin-consented for client applications in this tenant.
    pub granted_scopes: BTreeSet<String>,
    /// Users; the first is the Intune administrator who signs in.
    pub users: Vec<SimUser>,
    /// Entra groups (`#microsoft.graph.group` JSON), referenced by assignments.
    pub groups: Vec<Value>,
    /// Configuration collections by kind key (see `kinds::KINDS`), in the order they were created.
    pub collections: BTreeMap<String, Vec<SimObject>>,
    /// Intune audit events, oldest first (`#microsoft.graph.auditEvent` JSON).
    pub audit_events: Vec<Value>,
}

impl SimTenant {
    pub fn admin(&self) -> &SimUser {
        &self.users[0]
    }

    pub fn collection(&self, key: &str) -> &[SimObject] {
        self.collections.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn collection_mut(&mut self, key: &str) -> &mut Vec<SimObject> {
        self.collections.entry(key.to_string()).or_default()
    }

    /// Number of configuration objects across all kinds (not counting groups, filters' targets or
    /// the tenant-independent setting definitions).
    pub fn object_count(&self) -> usize {
        self.collections.values().map(Vec::len).sum()
    }
}

/// Every delegated permission a fully consented TenantAtlas client has; generated tenants lack
/// some of these on purpose so that permission checks have something to find.
pub const ALL_SCOPES: &[&str] = &[
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementRBAC.ReadWrite.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
    "Group.Read.All",
    "Directory.Read.All",
    "Organization.Read.All",
    "User.Read",
];
