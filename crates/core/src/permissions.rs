//! Permission posture: the delegated Graph permissions each kind needs, against what a tenant granted.

use crate::kinds::{ObjectKind, REGISTRY};
use serde::Serialize;

/// A kind the granted scopes do not allow reading, and what would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingPermission {
    pub kind: &'static str,
    pub label: &'static str,
    /// Any one of these would do.
    pub any_of: Vec<&'static str>,
}

/// The kinds a set of granted scopes cannot read.
pub fn missing(granted: &[String]) -> Vec<MissingPermission> {
    REGISTRY
        .iter()
        .filter(|k| !k.readable_with(granted))
        .map(|k: &ObjectKind| MissingPermission {
            kind: k.key,
            label: k.label,
            any_of: k.read_scopes.to_vec(),
        })
        .collect()
}

/// The least-privileged read permissions that cover every kind: what `tenant list` names as missing.
pub fn missing_scope_names(granted: &[String]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = missing(granted).iter().map(|m| m.any_of[0]).collect();
    names.sort();
    names.dedup();
    names
}

/// Why a kind could not be read, in the words an admin acts on: "consent lacks Policy.Read.All"
/// (the least-privileged permission that would do).
pub fn consent_lacks(kind: &ObjectKind) -> String {
    format!(
        "consent lacks {}",
        kind.read_scopes
            .first()
            .copied()
            .unwrap_or("a read permission")
    )
}

/// Every read permission a full sync needs (the first, least-privileged choice per kind).
pub fn required_scopes() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = REGISTRY.iter().map(|k| k.read_scopes[0]).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_policy_read_means_conditional_access_and_entra_policies_are_unreadable() {
        let granted: Vec<String> = required_scopes()
            .iter()
            .map(|s| s.to_string())
            .filter(|s| s != "Policy.Read.All")
            .collect();
        let missing = missing(&granted);
        let kinds: Vec<&str> = missing.iter().map(|m| m.kind).collect();
        // Authentication strengths and methods need only Policy.Read.AuthenticationMethod.
        assert_eq!(
            kinds,
            vec![
                "conditionalAccessPolicies",
                "namedLocations",
                "crossTenantAccessPartners",
                "authorizationPolicy",
                "identitySecurityDefaultsEnforcementPolicy",
                "crossTenantAccessPolicyDefault",
            ]
        );
        assert_eq!(missing_scope_names(&granted), vec!["Policy.Read.All"]);
        let all: Vec<String> = required_scopes().iter().map(|s| s.to_string()).collect();
        assert!(super::missing(&all).is_empty());
        for scope in [
            "Policy.Read.AuthenticationMethod",
            "RoleManagement.Read.Directory",
            "AdministrativeUnit.Read.All",
            "Agreement.Read.All",
        ] {
            assert!(required_scopes().contains(&scope), "{scope}");
        }
    }
}
