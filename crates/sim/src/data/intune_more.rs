//! The remaining Intune kinds of issue 13 — terms and conditions, Company Portal branding, device
//! clean-up rules, Multi Admin Approval policies, policy sets. None is generated yet: a generated
//! tenant serves them as empty collections, and tests put objects in a tenant themselves. They
//! stay out of the portfolio's quotas, so adding them moved no generated object.

use crate::model::SimTenant;

/// The collections (keys of `kinds::KINDS`) this module owns; the portfolio's quotas leave them out.
pub const KEYS: &[&str] = &[
    "termsAndConditions",
    "intuneBrandingProfiles",
    "managedDeviceCleanupRules",
    "operationApprovalPolicies",
    "policySets",
];

/// Gives the tenant its (empty) collections of these kinds: the service answers an empty list,
/// and `GET /_sim/tenants` counts them as none.
pub(crate) fn add(tenant: &mut SimTenant) {
    for key in KEYS {
        tenant.collection_mut(key);
    }
}

#[cfg(test)]
mod tests {
    use super::KEYS;
    use crate::kinds::KINDS;

    #[test]
    fn every_key_is_a_served_collection() {
        for key in KEYS {
            assert!(KINDS.iter().any(|k| k.key == *key), "{key} is not in KINDS");
        }
    }
}
