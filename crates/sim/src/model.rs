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

    /// The object's key: its `id`, or for the few entities keyed otherwise (cross-tenant access
    /// partners) their `tenantId`.
    pub fn id(&self) -> &str {
        self.body
            .get("id")
            .or_else(|| self.body.get("tenantId"))
            .and_then(Value::as_str)
            .unwrap_or("")
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
    /// The delegated Graph permissions the tenant's administrator consented to for the MSP's
    /// tooling when the portfolio was generated: every app of the portfolio ([`SimApp`]) starts
    /// with this consent here, and `POST /_sim/tenants/{t}/consent` without a `client_id` sets it
    /// together with theirs. A summary for displays (the demo): sign-in checks each app's own
    /// consent ([`SimApp::consents`]), as Entra does.
    pub granted_scopes: BTreeSet<String>,
    /// Users; the first is the Intune administrator who signs in.
    pub users: Vec<SimUser>,
    /// Entra groups (`#microsoft.graph.group` JSON), referenced by assignments.
    pub groups: Vec<Value>,
    /// Configuration collections by kind key (see `kinds::KINDS`), in the order they were created.
    pub collections: BTreeMap<String, Vec<SimObject>>,
    /// Intune audit events, oldest first (`#microsoft.graph.auditEvent` JSON).
    pub audit_events: Vec<Value>,
    /// Properties an administrator changed on a tenant-wide singleton, by its path below
    /// `deviceManagement` (`settings`, `applePushNotificationCertificate`,
    /// `androidManagedStoreAccountEnterpriseSettings`), merged over the generated singleton on
    /// each read. Tests change a singleton here as an admin would in the portal (the simulator
    /// answers PATCH on singletons with 405).
    pub singleton_changes: BTreeMap<String, Value>,
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

/// An app registration as Entra keeps it (the application object in its home tenant), with the
/// admin consent it was given in each tenant (its service principal there and the delegated
/// permissions granted to it).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SimApp {
    /// The application (client) id, a lower-case GUID.
    pub client_id: String,
    /// The name Entra shows in consent prompts, errors and audit logs.
    pub display_name: String,
    /// "Allow public client flows" with a *Mobile and desktop applications* platform: device code
    /// and loopback redirects without a client secret. A confidential (web) app must authenticate
    /// at the token endpoint, which the simulator never accepts (it knows no secrets).
    pub public_client: bool,
    /// Registered redirect URIs (`http://localhost`, `https://…`); loopback ones match any port.
    pub redirect_uris: Vec<String>,
    /// "Accounts in any organizational directory": usable in every tenant that consented.
    pub multi_tenant: bool,
    /// The tenant (id) the app is registered in; `None` for an app registered outside the
    /// simulated portfolio (Microsoft's own tenant, or the MSP's).
    pub home_tenant: Option<String>,
    /// Admin consent per tenant id: the delegated Graph permissions granted to the app there. A
    /// tenant that is not listed never consented, and sign-in there fails with AADSTS65001.
    pub consents: BTreeMap<String, BTreeSet<String>>,
}

impl SimApp {
    /// The permissions granted to the app in a tenant, or `None` without consent there.
    pub fn consent(&self, tenant_id: &str) -> Option<&BTreeSet<String>> {
        self.consents
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(tenant_id))
            .map(|(_, scopes)| scopes)
    }
}

/// Microsoft Graph Command Line Tools: Microsoft's first-party multi-tenant public client, the
/// product's default client id, consented in every generated tenant.
pub const GRAPH_CLI_TOOLS_APP_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// The MSP's own app registration ("TenantAtlas (MSP)"): a multi-tenant public client registered
/// in the MSP's tenant as `docs/connecting-tenants.md` describes (redirect URI `http://localhost`),
/// admin-consented in every generated tenant. Its id is fixed so that scripts and tests can use it.
pub const MSP_APP_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";

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
    // The Entra policies and roles (`data::entra`); last, and never drawn as a generated tenant's
    // missing permission, so that adding them changed no generated tenant.
    "Policy.Read.AuthenticationMethod",
    "RoleManagement.Read.Directory",
    "AdministrativeUnit.Read.All",
    "Agreement.Read.All",
];

/// The permissions of [`ALL_SCOPES`] that the Entra kinds added; see there.
pub const ENTRA_SCOPES: &[&str] = &[
    "Policy.Read.AuthenticationMethod",
    "RoleManagement.Read.Directory",
    "AdministrativeUnit.Read.All",
    "Agreement.Read.All",
];
