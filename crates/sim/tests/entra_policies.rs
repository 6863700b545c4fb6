//! Entra policies and roles as the simulator serves them: paths and versions, shapes (the
//! authorization policy's object on v1.0 and collection of one on beta, the authentication
//! methods policy with its configurations expanded), `$filter` on role definitions, paging, the
//! query options each resource refuses, and 403 without the documented permissions.

mod common;

use common::graph_error_code;
use reqwest::StatusCode;
use serde_json::json;

const COLLECTIONS: &[&str] = &[
    "policies/authenticationStrengthPolicies",
    "policies/crossTenantAccessPolicy/partners",
    "roleManagement/directory/roleDefinitions",
    "roleManagement/directory/roleAssignments",
    "roleManagement/directory/roleEligibilityScheduleInstances",
    "directory/administrativeUnits",
    "identityGovernance/termsOfUse/agreements",
];

#[tokio::test]
async fn collections_and_singletons_have_their_documented_shapes() {
    let sim = common::start(2, 20).await;
    let token = sim.token(0).await;
    for version in ["v1.0", "beta"] {
        for path in COLLECTIONS {
            let (status, body) = sim.get_json(&token, &format!("/{version}/{path}")).await;
            assert_eq!(status, StatusCode::OK, "{version}/{path}: {body}");
            assert!(
                body["@odata.context"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("$metadata#{path}")),
                "{body}"
            );
            assert!(!body["value"].as_array().unwrap().is_empty(), "{path}");
        }
    }

    // Custom role definitions only, as tools ask for them.
    let (status, body) = sim
        .get_json(
            &token,
            "/v1.0/roleManagement/directory/roleDefinitions?$filter=isBuiltIn eq false",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let custom = body["value"].as_array().unwrap();
    assert_eq!(custom.len(), 1, "tenant 0 has one custom role: {body}");
    assert_eq!(custom[0]["isBuiltIn"], json!(false));

    // Partners are keyed by the partner's tenant id.
    let (_, partners) = sim
        .get_json(&token, "/v1.0/policies/crossTenantAccessPolicy/partners")
        .await;
    let tenant_id = partners["value"][0]["tenantId"].as_str().unwrap();
    assert!(partners["value"][0].get("id").is_none());
    let (status, one) = sim
        .get_json(
            &token,
            &format!("/v1.0/policies/crossTenantAccessPolicy/partners/{tenant_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");

    // The authorization policy: an object on v1.0, a collection of one on beta.
    let (status, v1) = sim
        .get_json(&token, "/v1.0/policies/authorizationPolicy")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v1["id"], "authorizationPolicy");
    assert!(v1["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("#policies/authorizationPolicy/$entity"));
    let (_, beta) = sim
        .get_json(&token, "/beta/policies/authorizationPolicy")
        .await;
    assert_eq!(beta["value"][0]["id"], "authorizationPolicy", "{beta}");
    let (status, _) = sim
        .get_json(
            &token,
            "/beta/policies/authorizationPolicy/authorizationPolicy",
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The authentication methods policy carries its configurations and takes no query options.
    let (status, methods) = sim
        .get_json(&token, "/v1.0/policies/authenticationMethodsPolicy")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        methods["authenticationMethodConfigurations"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let (status, _) = sim
        .get_json(
            &token,
            "/v1.0/policies/authenticationMethodsPolicy?$select=id",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, fido) = sim
        .get_json(
            &token,
            "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        fido["@odata.type"],
        "#microsoft.graph.fido2AuthenticationMethodConfiguration"
    );

    for path in [
        "policies/identitySecurityDefaultsEnforcementPolicy",
        "policies/crossTenantAccessPolicy/default",
        "policies/crossTenantAccessPolicy",
    ] {
        let (status, body) = sim.get_json(&token, &format!("/v1.0/{path}")).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    // Tenant 1 relies on security defaults (and blocks device code, which is not the point here).
    sim.control(
        &format!("tenants/{}/device-code", sim.tenant_id(1)),
        json!({"allowed": true}),
    )
    .await;
    let token1 = sim.token(1).await;
    let (_, defaults) = sim
        .get_json(
            &token1,
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy?$select=isEnabled",
        )
        .await;
    assert_eq!(defaults["isEnabled"], json!(true), "{defaults}");
}

#[tokio::test]
async fn strict_reading_and_paging() {
    let sim = common::start(1, 10).await;
    let token = sim.token(0).await;
    for (path, code) in [
        // A navigation the simulator does not expand, and one no type has.
        (
            "/v1.0/roleManagement/directory/roleAssignments?$expand=principal",
            "ExpandNotSupported",
        ),
        (
            "/v1.0/identityGovernance/termsOfUse/agreements?$expand=nonsense",
            "BadRequest",
        ),
        ("/v1.0/directory/administrativeUnits?$bogus=1", "BadRequest"),
        (
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy?$expand=x",
            "BadRequest",
        ),
        // `authorizationPolicy/authorizationPolicy` is a beta form only.
        (
            "/v1.0/policies/authorizationPolicy/authorizationPolicy",
            "BadRequest",
        ),
    ] {
        let (status, body) = sim.get_json(&token, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(graph_error_code(&body), code, "{path}: {body}");
    }
    // Pages of 100 unless `$top` says otherwise (up to 999).
    let (items, pages) = sim
        .get_all(
            &token,
            "/v1.0/roleManagement/directory/roleDefinitions?$top=3",
        )
        .await;
    assert!(items.len() > 3 && pages > 1, "{pages} pages");
    // Writes are not modelled.
    let (status, _) = sim
        .send_json(
            &token,
            reqwest::Method::POST,
            "/v1.0/directory/administrativeUnits",
            &json!({"displayName": "New"}),
        )
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn each_needs_its_documented_permission() {
    let sim = common::start(1, 10).await;
    // Everything but the Entra policy and role permissions.
    sim.control(
        &format!("tenants/{}/consent", sim.tenant_id(0)),
        json!({"granted": ["DeviceManagementConfiguration.Read.All", "Group.Read.All", "User.Read"]}),
    )
    .await;
    let token = sim.token(0).await;
    for path in COLLECTIONS.iter().chain(&[
        "policies/authorizationPolicy",
        "policies/identitySecurityDefaultsEnforcementPolicy",
        "policies/authenticationMethodsPolicy",
        "policies/crossTenantAccessPolicy/default",
    ]) {
        let (status, body) = sim.get_json(&token, &format!("/v1.0/{path}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(graph_error_code(&body), "Authorization_RequestDenied");
    }
    // The least-privileged permission of each opens it: authentication methods and strengths
    // need no Policy.Read.All, PIM eligibilities not RoleManagement.Read.Directory.
    sim.control(
        &format!("tenants/{}/consent", sim.tenant_id(0)),
        json!({"granted": ["Policy.Read.AuthenticationMethod", "RoleEligibilitySchedule.Read.Directory",
            "AdministrativeUnit.Read.All", "Agreement.Read.All", "User.Read"]}),
    )
    .await;
    let token = sim.token(0).await;
    for (path, allowed) in [
        ("policies/authenticationStrengthPolicies", true),
        ("policies/authenticationMethodsPolicy", true),
        (
            "roleManagement/directory/roleEligibilityScheduleInstances",
            true,
        ),
        ("directory/administrativeUnits", true),
        ("identityGovernance/termsOfUse/agreements", true),
        ("roleManagement/directory/roleDefinitions", false),
        ("policies/authorizationPolicy", false),
        ("policies/crossTenantAccessPolicy/partners", false),
    ] {
        let (status, body) = sim.get_json(&token, &format!("/v1.0/{path}")).await;
        assert_eq!(status == StatusCode::OK, allowed, "{path}: {status} {body}");
    }
}
