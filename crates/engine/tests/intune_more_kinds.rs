//! The remaining Intune kinds of issue 13, captured end to end: scope tags with their
//! auto-assignments, terms and conditions, Company Portal branding, device clean-up rules, Multi
//! Admin Approval policies and policy sets. Each is put in the simulated tenant (the generated
//! tenants have none, or none with what the test needs), synced, taken into a baseline assigned
//! to its own tenant, changed in one setting in the cloud (as an admin would in the portal),
//! synced again — and drift finds exactly that change, with a friendly name.

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_engine::ops::findings::Finding;
use tenantatlas_engine::Engine;
use tenantatlas_sim::model::{SimObject, SimTenant};

async fn sync(engine: &Engine, domain: &str) {
    let run = common::sync_one(engine, domain).await;
    assert_eq!(run.status, "succeeded", "{run:?}");
}

async fn drift(engine: &Engine, domain: &str) -> Vec<Finding> {
    let (findings, not_checked) = common::drift_of(engine, domain).await;
    assert!(not_checked.is_empty(), "{not_checked:?}");
    findings
}

/// The object a test puts in the cloud: its body, with navigations (`assignments`, `items`) as
/// children.
fn object(mut body: Value, children: &[&str]) -> SimObject {
    let navs: Vec<(String, Vec<SimObject>)> = children
        .iter()
        .map(|nav| {
            let items = match body.as_object_mut().unwrap().remove(*nav) {
                Some(Value::Array(items)) => items.into_iter().map(SimObject::from_value).collect(),
                _ => Vec::new(),
            };
            (nav.to_string(), items)
        })
        .collect();
    navs.into_iter()
        .fold(SimObject::from_value(body), |o, (nav, items)| {
            o.with_children(&nav, items)
        })
}

/// The tenant's group ids.
fn group_ids(tenant: &SimTenant) -> Vec<String> {
    tenant
        .groups
        .iter()
        .filter_map(|g| g["id"].as_str().map(str::to_string))
        .collect()
}

fn group_target(group: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group})
}

/// Puts `seed(tenant)` into `collection` of tenant 0, syncs, takes a baseline of `kind` from the
/// tenant and assigns it there (no drift), runs `change` on the object in the cloud, syncs again:
/// drift finds exactly one object of `kind` drifted as `drift` (`modified`, `assignments`) with
/// one change, named `setting`. Returns the object as first captured.
async fn one_change_is_one_finding(
    kind: &str,
    collection: &str,
    seed: impl FnOnce(&[String]) -> SimObject,
    change: impl FnOnce(&mut SimObject, &[String]),
    drift_kind: &str,
    setting: &str,
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(2, 60, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    let id = {
        let mut world = sim.sim.world();
        let tenant = &mut world.tenants[0];
        let object = seed(&group_ids(tenant));
        let id = object.id().to_string();
        tenant.collection_mut(collection).push(object);
        id
    };
    sync(&engine, &domain).await;
    let captured = engine
        .policies(&domain, Some(kind), None, false)
        .await
        .unwrap();
    let ours = captured
        .iter()
        .find(|p| p.id == id || p.id.ends_with(&id))
        .unwrap_or_else(|| panic!("{kind} {id} is captured: {captured:#?}"));
    let first = engine
        .policy(&domain, &ours.id, None)
        .await
        .unwrap()
        .content;

    common::baseline_of(&engine, kind, kind, &domain).await;
    engine
        .assign_baseline(kind, &domain, &BTreeMap::new())
        .await
        .unwrap();
    let findings = drift(&engine, &domain).await;
    assert!(findings.is_empty(), "{kind}: {findings:#?}");

    {
        let mut world = sim.sim.world();
        let tenant = &mut world.tenants[0];
        let groups = group_ids(tenant);
        let object = tenant
            .collection_mut(collection)
            .iter_mut()
            .find(|o| o.id() == id)
            .unwrap();
        change(object, &groups);
    }
    sync(&engine, &domain).await;
    let findings = drift(&engine, &domain).await;
    assert_eq!(findings.len(), 1, "{kind}: {findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.kind, kind);
    assert_eq!(finding.drift, drift_kind, "{finding:#?}");
    assert_eq!(finding.changes.len(), 1, "{finding:#?}");
    assert_eq!(
        finding.changes[0].setting.as_deref(),
        Some(setting),
        "{finding:#?}"
    );
    first
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_tags_with_their_auto_assignments() {
    let captured = one_change_is_one_finding(
        "roleScopeTags",
        "roleScopeTags",
        |groups| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.roleScopeTag",
                    "id": "7",
                    "displayName": "Branch - Hamburg",
                    "description": "Devices and policies of the Hamburg branch",
                    "isBuiltIn": false,
                    "assignments": [{
                        "@odata.type": "#microsoft.graph.roleScopeTagAutoAssignment",
                        "id": "7_auto",
                        "target": group_target(&groups[0])
                    }]
                }),
                &["assignments"],
            )
        },
        // An admin adds a group whose devices get the tag.
        |tag, groups| {
            tag.children
                .get_mut("assignments")
                .unwrap()
                .push(SimObject::from_value(json!({
                    "@odata.type": "#microsoft.graph.roleScopeTagAutoAssignment",
                    "id": "7_auto2",
                    "target": group_target(&groups[1])
                })));
        },
        "assignments",
        "Assignment: group SG-Intune-macOS-Devices",
    )
    .await;
    let assignments = captured["assignments"].as_array().unwrap();
    assert_eq!(assignments.len(), 1, "{captured}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terms_and_conditions_with_their_assignments() {
    let captured = one_change_is_one_finding(
        "termsAndConditions",
        "termsAndConditions",
        |_| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.termsAndConditions",
                    "id": "3f0c9a5e-1b2d-4c8e-9f7a-6d5e4c3b2a10",
                    "displayName": "MSP - Enrolment terms",
                    "description": "Shown before enrolment",
                    "title": "Company device terms",
                    "bodyText": "Devices enrolled here are managed by the company.",
                    "acceptanceStatement": "I accept the terms of use.",
                    "version": 1,
                    "roleScopeTagIds": ["0"],
                    "assignments": [{
                        "@odata.type": "#microsoft.graph.termsAndConditionsAssignment",
                        "id": "3f0c9a5e-1b2d-4c8e-9f7a-6d5e4c3b2a10_a",
                        "target": {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}
                    }]
                }),
                &["assignments"],
            )
        },
        |terms, _| {
            terms.body.insert(
                "acceptanceStatement".into(),
                json!("I accept the terms of use and the privacy notice."),
            );
        },
        "modified",
        "Summary of terms",
    )
    .await;
    assert_eq!(
        captured["assignments"].as_array().unwrap().len(),
        1,
        "{captured}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_portal_branding_without_logos_from_the_list() {
    let captured = one_change_is_one_finding(
        "intuneBrandingProfiles",
        "intuneBrandingProfiles",
        |groups| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.intuneBrandingProfile",
                    "id": "c5a1e2d3-4b5c-4d6e-8f70-9a8b7c6d5e41",
                    "profileName": "Sales branding",
                    "profileDescription": "Company Portal for the sales team",
                    "isDefaultProfile": false,
                    "displayName": "Contoso Sales",
                    "contactITName": "Service desk",
                    "contactITPhoneNumber": "+49 40 1234567",
                    "contactITEmailAddress": "servicedesk@contoso.com",
                    "onlineSupportSiteUrl": "https://support.contoso.com",
                    "privacyUrl": "https://contoso.com/privacy",
                    "showLogo": true,
                    "showDisplayNameNextToLogo": false,
                    "themeColor": {"r": 0, "g": 120, "b": 212},
                    "themeColorLogo": {"@odata.type": "microsoft.graph.mimeContent", "type": "image/png", "value": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="},
                    "roleScopeTagIds": ["0"],
                    "assignments": [{
                        "@odata.type": "#microsoft.graph.intuneBrandingProfileAssignment",
                        "id": "c5a1e2d3_a",
                        "target": group_target(&groups[0])
                    }]
                }),
                &["assignments"],
            )
        },
        |profile, _| {
            profile
                .body
                .insert("contactITPhoneNumber".into(), json!("+49 40 7654321"));
        },
        "modified",
        "Contact phone number",
    )
    .await;
    // The list leaves the logo out: no base64 image is stored.
    assert!(captured["themeColorLogo"].is_null(), "{captured}");
    assert_eq!(captured["assignments"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_clean_up_rules() {
    one_change_is_one_finding(
        "managedDeviceCleanupRules",
        "managedDeviceCleanupRules",
        |_| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.managedDeviceCleanupRule",
                    "id": "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a512",
                    "displayName": "Windows - 90 days",
                    "description": "",
                    "deviceCleanupRulePlatformType": "windows",
                    "deviceInactivityBeforeRetirementInDays": 90,
                    "lastModifiedDateTime": "2026-10-01T08:00:00Z"
                }),
                &[],
            )
        },
        |rule, _| {
            rule.body
                .insert("deviceInactivityBeforeRetirementInDays".into(), json!(180));
        },
        "modified",
        "Delete devices that haven't checked in for this many days",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_admin_approval_policies() {
    one_change_is_one_finding(
        "operationApprovalPolicies",
        "operationApprovalPolicies",
        |groups| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.operationApprovalPolicy",
                    "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c13",
                    "displayName": "MSP - Approve scripts",
                    "description": "Second admin approves every script change",
                    "policyType": "script",
                    "policyPlatform": "notApplicable",
                    "approverGroupIds": [groups[0]],
                    "lastModifiedDateTime": "2026-10-01T08:00:00Z"
                }),
                &[],
            )
        },
        |policy, _| {
            policy
                .body
                .insert("description".into(), json!("changed by hand"));
        },
        "modified",
        "Description",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_sets_with_their_items_and_assignments() {
    let captured = one_change_is_one_finding(
        "policySets",
        "policySets",
        |groups| {
            object(
                json!({
                    "@odata.type": "#microsoft.graph.policySet",
                    "id": "4b3a2918-0706-4504-9302-0100ffeedd14",
                    "displayName": "MSP - Windows onboarding",
                    "description": "Everything a new Windows device needs",
                    "status": "success",
                    "errorCode": "noError",
                    "guidedDeploymentTags": [],
                    "roleScopeTags": [],
                    "assignments": [{
                        "@odata.type": "#microsoft.graph.policySetAssignment",
                        "id": "4b3a2918_a",
                        "target": group_target(&groups[0])
                    }],
                    "items": [{
                        "@odata.type": "#microsoft.graph.deviceCompliancePolicyPolicySetItem",
                        "id": "4b3a2918_i",
                        "payloadId": "b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
                        "itemType": "#microsoft.graph.windows10CompliancePolicy",
                        "displayName": "MSP - Win - Compliance",
                        "guidedDeploymentTags": []
                    }]
                }),
                &["assignments", "items"],
            )
        },
        |set, _| {
            set.body.insert("status".into(), json!("validating"));
            set.body
                .insert("description".into(), json!("changed by hand"));
        },
        "modified",
        "Description",
    )
    .await;
    assert_eq!(captured["items"].as_array().unwrap().len(), 1, "{captured}");
    assert_eq!(captured["assignments"].as_array().unwrap().len(), 1);
}
