//! What real clients send, exactly as they send it, and what the simulator answers (issue 9,
//! "what real clients send that the simulator refuses"): IntuneManagement's mobileApps filter with
//! a parenthesised type-cast operand, IntuneCD's doubled `??` before the query, scope tag
//! assignments, an intent's settings by category, and the tenant-wide Intune endpoints backup tools
//! read (singletons and collections) — each alone and inside `$batch`, with its `@odata.context`,
//! paging, permissions and throttling family.

mod common;

use common::{graph_error_code, TestSim, CLIENT_ID};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tenantatlas_sim::graph::throttle::Admission;
use tenantatlas_sim::kinds::Family;

const TENANTS: usize = 8;
const OBJECTS: usize = 120;

const CONFIG: [&str; 2] = [
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
const CONFIG_OR_DEVICES: [&str; 4] = [
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];
const SERVICE: [&str; 2] = [
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
const SERVICE_OR_CONFIG: [&str; 4] = [
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
/// VPP tokens: the List and Get vppToken pages.
const APPS_OR_SERVICE: [&str; 4] = [
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];
const APNS: [&str; 4] = [
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
];

/// Every delegated Intune permission, for tokens that hold all but the ones an endpoint takes.
const INTUNE_SCOPES: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementRBAC.Read.All",
    "DeviceManagementRBAC.ReadWrite.All",
    "DeviceManagementScripts.Read.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];

/// A tenant-wide endpoint: its path below the version, the collection key the simulator counts
/// it under (none for singletons), whether v1.0 serves it, its throttling family and the delegated
/// permissions its Graph reference page lists for reading.
struct Endpoint {
    path: &'static str,
    key: Option<&'static str>,
    v1: bool,
    family: Family,
    scopes: &'static [&'static str],
}

const fn collection(
    key: &'static str,
    path: &'static str,
    v1: bool,
    scopes: &'static [&'static str],
) -> Endpoint {
    Endpoint {
        path,
        key: Some(key),
        v1,
        family: Family::IntuneConfig,
        scopes,
    }
}

const COLLECTIONS: &[Endpoint] = &[
    collection(
        "deviceCategories",
        "deviceManagement/deviceCategories",
        true,
        &CONFIG_OR_DEVICES,
    ),
    collection(
        "depOnboardingSettings",
        "deviceManagement/depOnboardingSettings",
        false,
        &SERVICE,
    ),
    collection(
        "compliancePolicies",
        "deviceManagement/compliancePolicies",
        false,
        &CONFIG,
    ),
    collection(
        "complianceManagementPartners",
        "deviceManagement/complianceManagementPartners",
        true,
        &SERVICE_OR_CONFIG,
    ),
    Endpoint {
        family: Family::IntuneScripts,
        ..collection(
            "deviceComplianceScripts",
            "deviceManagement/deviceComplianceScripts",
            false,
            &CONFIG_OR_DEVICES,
        )
    },
    collection(
        "deviceManagementPartners",
        "deviceManagement/deviceManagementPartners",
        true,
        &SERVICE_OR_CONFIG,
    ),
    collection(
        "remoteAssistancePartners",
        "deviceManagement/remoteAssistancePartners",
        true,
        &SERVICE,
    ),
    collection(
        "reusablePolicySettings",
        "deviceManagement/reusablePolicySettings",
        false,
        &CONFIG,
    ),
    collection(
        "vppTokens",
        "deviceAppManagement/vppTokens",
        true,
        &APPS_OR_SERVICE,
    ),
];

const SINGLETONS: &[Endpoint] = &[
    Endpoint {
        path: "deviceManagement",
        key: None,
        v1: true,
        family: Family::IntuneConfig,
        scopes: &CONFIG,
    },
    Endpoint {
        path: "deviceManagement/settings",
        key: None,
        v1: false,
        family: Family::IntuneConfig,
        scopes: &CONFIG,
    },
    Endpoint {
        path: "deviceManagement/applePushNotificationCertificate",
        key: None,
        v1: true,
        family: Family::IntuneConfig,
        scopes: &APNS,
    },
    Endpoint {
        path: "deviceManagement/androidManagedStoreAccountEnterpriseSettings",
        key: None,
        v1: false,
        family: Family::IntuneConfig,
        scopes: &CONFIG,
    },
];

async fn start() -> TestSim {
    common::start(TENANTS, OBJECTS).await
}

/// A Graph token for the tenant's admin, minted by the simulator: some tenants block device code,
/// and sign-in is not what these tests are about.
fn token_for(sim: &TestSim, tenant: usize) -> String {
    sim.handle
        .access_token(&sim.tenant_id(tenant), CLIENT_ID)
        .expect("the tenant exists")
}

fn context(sim: &TestSim, version: &str, path: &str) -> String {
    format!("{}/{version}/$metadata#{path}", sim.graph())
}

async fn batch(sim: &TestSim, token: &str, requests: Vec<Value>) -> BTreeMap<String, Value> {
    let response = sim
        .client
        .post(format!("{}/beta/$batch", sim.graph()))
        .bearer_auth(token)
        .json(&json!({ "requests": requests }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["responses"]
        .as_array()
        .unwrap_or_else(|| panic!("no responses: {body}"))
        .iter()
        .map(|r| {
            let id = match &r["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (id, r.clone())
        })
        .collect()
}

/// `$batch` sub-requests as IntuneCD writes them: numeric ids from 1, relative URLs.
fn numbered(urls: &[String]) -> Vec<Value> {
    urls.iter()
        .enumerate()
        .map(|(i, url)| json!({"id": i + 1, "method": "GET", "url": url}))
        .collect()
}

async fn counts(sim: &TestSim) -> Vec<Value> {
    let tenants = sim.sim_tenants().await;
    tenants
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["counts"].clone())
        .collect()
}

/// The Intune error body: JSON in `error.message` with the Activity ID equal to the request id.
fn intune_message(body: &Value) -> Value {
    let message = body["error"]["message"].as_str().unwrap_or("");
    serde_json::from_str(message).unwrap_or_else(|_| panic!("not an Intune error: {body}"))
}

// --- What the tools send ---------------------------------------------------------------------

/// IntuneManagement lists apps with a filter whose first operand is in parentheses and casts to
/// `microsoft.graph.managedApp`: apps of other types have no `appAvailability` (null), so they
/// pass; managed store apps pass only when line-of-business or assigned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intune_management_mobile_apps_filter() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let apps = "/beta/deviceAppManagement/mobileApps";
    for (odata_type, availability, name) in [
        ("managedIOSStoreApp", "global", "Managed store app"),
        ("managedAndroidLobApp", "lineOfBusiness", "Managed LOB app"),
    ] {
        let (status, body) = sim
            .send_json(
                &token,
                Method::POST,
                apps,
                &json!({"@odata.type": format!("#microsoft.graph.{odata_type}"),
                        "displayName": name, "publisher": "Contoso", "appAvailability": availability,
                        "isAssigned": false}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (all, _) = sim.get_all(&token, apps).await;
    let expected: BTreeSet<String> = all
        .iter()
        .filter(|a| {
            let managed = a["@odata.type"]
                .as_str()
                .is_some_and(|t| t.starts_with("#microsoft.graph.managed"));
            !managed || a["appAvailability"] == "lineOfBusiness" || a["isAssigned"] == true
        })
        .map(|a| a["displayName"].as_str().unwrap().to_string())
        .collect();
    assert!(expected.contains("Managed LOB app") && !expected.contains("Managed store app"));

    let filter = "(microsoft.graph.managedApp/appAvailability) eq null or microsoft.graph.managedApp/appAvailability eq 'lineOfBusiness' or isAssigned eq true";
    let url = format!("{apps}?$filter={}", filter.replace(' ', "%20"));
    let (status, body) = sim.get_json(&token, &url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["@odata.context"],
        context(&sim, "beta", "deviceAppManagement/mobileApps")
    );
    let names = |body: &Value| -> BTreeSet<String> {
        body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["displayName"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&body), expected);

    // IntuneCD's form, both operands in parentheses, as `requests` encodes a `params` dict.
    let intunecd = "%24filter=%28microsoft.graph.managedApp%2FappAvailability%29+eq+null+or+%28microsoft.graph.managedApp%2FappAvailability%29+eq+%27lineOfBusiness%27+or+isAssigned+eq+true";
    let (status, body) = sim.get_json(&token, &format!("{apps}?{intunecd}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&body), expected);

    // The same request inside `$batch`, and the service's 400 for a property the type lacks.
    let relative = url.trim_start_matches("/beta/").to_string();
    let unknown = "deviceAppManagement/mobileApps?$filter=(microsoft.graph.managedApp/appVersion)%20eq%20null".to_string();
    let bogus = "deviceAppManagement/mobileApps?$filter=bogusProperty%20eq%20true".to_string();
    let responses = batch(&sim, &token, numbered(&[relative, unknown, bogus])).await;
    assert_eq!(responses["1"]["status"], 200);
    assert_eq!(names(&responses["1"]["body"]), expected);
    for (id, type_name, property) in [
        ("2", "microsoft.graph.managedApp", "appVersion"),
        ("3", "microsoft.graph.mobileApp", "bogusProperty"),
    ] {
        let sub = &responses[id];
        assert_eq!(sub["status"], 400, "{sub}");
        assert_eq!(graph_error_code(&sub["body"]), "BadRequest");
        assert_eq!(
            sub["body"]["error"]["message"],
            format!("Invalid filter clause: Could not find a property named '{property}' on type '{type_name}'.")
        );
    }
}

/// IntuneCD passes `"?$expand=localizedNotificationMessages"` to `requests` as its query string,
/// so the URL it sends has two question marks (`…/notificationMessageTemplates??$expand=…`); its
/// backup then iterates every template's `localizedNotificationMessages`, so the service evidently
/// reads the options as if one `?` were there. So does the simulator, alone and in `$batch`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intunecd_doubled_question_mark_is_read_as_one() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let path = "deviceManagement/notificationMessageTemplates";

    // IntuneCD's exact request answers exactly as the same request with one `?`.
    let expand = "$expand=localizedNotificationMessages";
    let (doubled_status, doubled) = sim
        .get_json(&token, &format!("/beta/{path}??{expand}"))
        .await;
    let (single_status, single) = sim
        .get_json(&token, &format!("/beta/{path}?{expand}"))
        .await;
    assert_eq!(doubled_status, StatusCode::OK, "{doubled}");
    assert_eq!(single_status, StatusCode::OK, "{single}");
    assert_eq!(doubled, single);
    // Every template comes with its messages, which IntuneCD's backup then iterates.
    let listed = doubled["value"].as_array().unwrap();
    assert!(!listed.is_empty());
    for t in listed {
        assert!(
            t["localizedNotificationMessages"]
                .as_array()
                .is_some_and(|m| !m.is_empty()),
            "{t}"
        );
    }

    // The options after `??` are honoured, not ignored.
    let (status, selected) = sim
        .get_json(&token, &format!("/beta/{path}??$select=id,displayName"))
        .await;
    assert_eq!(status, StatusCode::OK, "{selected}");
    assert_eq!(
        selected["@odata.context"],
        format!("{}(id,displayName)", context(&sim, "beta", path))
    );
    let templates = selected["value"].as_array().unwrap();
    assert!(!templates.is_empty(), "the tenant has message templates");
    for t in templates {
        assert!(t.get("brandingOptions").is_none(), "{t}");
    }
    let id = templates[0]["id"].as_str().unwrap();
    let (status, one) = sim
        .get_json(&token, &format!("/beta/{path}/{id}??{expand}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(
        one,
        sim.get_json(&token, &format!("/beta/{path}/{id}?{expand}"))
            .await
            .1
    );
    assert!(one["localizedNotificationMessages"].is_array(), "{one}");
    assert_eq!(
        one["localizedNotificationMessages@odata.context"],
        context(
            &sim,
            "beta",
            &format!("{path}('{id}')/localizedNotificationMessages")
        )
    );

    // The same inside `$batch`, where the URL is relative.
    let responses = batch(
        &sim,
        &token,
        numbered(&[
            format!("{path}??$select=id,displayName"),
            format!("{path}/{id}??{expand}"),
        ]),
    )
    .await;
    assert_eq!(responses["1"]["body"], selected);
    assert_eq!(responses["2"]["body"], one);
}

/// IntuneCD backs up each scope tag's auto-assignments with `$batch` requests for
/// `deviceManagement/roleScopeTags/{id}/assignments`, and matches answers to tags by the tag's id
/// inside `@odata.context`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_tag_assignments() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let (tags, _) = sim
        .get_all(&token, "/beta/deviceManagement/roleScopeTags")
        .await;
    assert!(tags.iter().any(|t| t["id"] == "0"), "the Default tag");
    let ids: Vec<String> = tags
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    let urls: Vec<String> = ids
        .iter()
        .map(|id| format!("deviceManagement/roleScopeTags/{id}/assignments"))
        .collect();
    let responses = batch(&sim, &token, numbered(&urls)).await;
    for (i, id) in ids.iter().enumerate() {
        let sub = &responses[&(i + 1).to_string()];
        assert_eq!(sub["status"], 200, "{sub}");
        assert_eq!(
            sub["body"]["@odata.context"],
            context(
                &sim,
                "beta",
                &format!("deviceManagement/roleScopeTags('{id}')/assignments")
            )
        );
        assert_eq!(sub["body"]["value"], json!([]), "no auto-assignments");
    }
    for version in ["v1.0", "beta"] {
        let (status, body) = sim
            .get_json(
                &token,
                &format!("/{version}/deviceManagement/roleScopeTags('0')/assignments"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert_eq!(body["value"], json!([]));
    }
    let (status, body) = sim
        .get_json(
            &token,
            "/beta/deviceManagement/roleScopeTags/999999/assignments",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(graph_error_code(&body), "ResourceNotFound");
    let (status, _) = sim
        .get_json(
            &token,
            "/beta/deviceManagement/roleScopeTags/0/assignments/nothing",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// IntuneCD reads an intent's settings by category: `templates/{templateId}/categories`, then
/// `intents/{id}/categories/{categoryId}/settings` for every category, both in `$batch`, matched
/// by ids inside `@odata.context`. Together the categories hold the intent's settings, each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intent_settings_by_category() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let (intents, _) = sim.get_all(&token, "/beta/deviceManagement/intents").await;
    assert!(!intents.is_empty(), "the tenant has intents");
    let templates: Vec<String> = intents
        .iter()
        .map(|i| i["templateId"].as_str().unwrap().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let urls: Vec<String> = templates
        .iter()
        .map(|t| format!("deviceManagement/templates/{t}/categories"))
        .collect();
    let category_lists: Vec<Value> = batch(&sim, &token, numbered(&urls))
        .await
        .into_values()
        .map(|r| {
            assert_eq!(r["status"], 200, "{r}");
            r["body"].clone()
        })
        .collect();
    let mut urls = Vec::new();
    for intent in &intents {
        let template = intent["templateId"].as_str().unwrap();
        let list = category_lists
            .iter()
            .find(|l| l["@odata.context"].as_str().unwrap().contains(template))
            .expect("the template's categories");
        for category in list["value"].as_array().unwrap() {
            urls.push(format!(
                "deviceManagement/intents/{}/categories/{}/settings",
                intent["id"].as_str().unwrap(),
                category["id"].as_str().unwrap()
            ));
        }
    }
    let mut by_category = Vec::new();
    for chunk in urls.chunks(20) {
        by_category.extend(batch(&sim, &token, numbered(chunk)).await.into_values());
    }
    for intent in &intents {
        let id = intent["id"].as_str().unwrap();
        let mut from_categories: Vec<String> = by_category
            .iter()
            .filter(|r| {
                assert_eq!(r["status"], 200, "{r}");
                r["body"]["@odata.context"].as_str().unwrap().contains(id)
            })
            .flat_map(|r| r["body"]["value"].as_array().unwrap().clone())
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        from_categories.sort();
        let (all, _) = sim
            .get_all(
                &token,
                &format!("/beta/deviceManagement/intents/{id}/settings"),
            )
            .await;
        let mut expected: Vec<String> = all
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        expected.sort();
        assert!(!expected.is_empty());
        assert_eq!(from_categories, expected, "intent {id}");
    }
    // The context names the intent and the category; a category the intent lacks is a 404.
    let intent = intents[0]["id"].as_str().unwrap();
    let first = urls.iter().find(|u| u.contains(intent)).unwrap();
    let (status, body) = sim.get_json(&token, &format!("/beta/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    let category = first.split('/').nth(4).unwrap();
    assert_eq!(
        body["@odata.context"],
        context(
            &sim,
            "beta",
            &format!("deviceManagement/intents('{intent}')/categories('{category}')/settings")
        )
    );
    let (status, body) = sim
        .get_json(
            &token,
            &format!("/beta/deviceManagement/intents/{intent}/categories/00000000-0000-0000-0000-000000000000/settings"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

// --- Tenant-wide endpoints ---------------------------------------------------------------------

/// Each collection lists as IntuneCD asks for it (its exact URL, trailing slash and `$select`
/// included), with its `@odata.context`, in the simulator's own count, alone and in `$batch`;
/// v1.0 serves the ones Microsoft documents there and refuses the others like any unknown segment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_wide_collections() {
    let sim = start().await;
    let counts = counts(&sim).await;
    let intunecd: BTreeMap<&str, &str> = [
        ("depOnboardingSettings", "/"),
        ("deviceComplianceScripts", "/"),
        (
            "reusablePolicySettings",
            "/?%24select=id%2Csettinginstance%2Cdisplayname%2Cdescription%2CsettingDefinitionId%2Cversion",
        ),
    ]
    .into_iter()
    .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (tenant, tenant_counts) in counts.iter().enumerate().take(TENANTS) {
        let token = token_for(&sim, tenant);
        let mut direct = Vec::new();
        for e in COLLECTIONS {
            let key = e.key.unwrap();
            let suffix = intunecd.get(key).copied().unwrap_or("");
            let (items, _) = sim
                .get_all(&token, &format!("/beta/{}{suffix}", e.path))
                .await;
            assert_eq!(
                items.len() as u64,
                tenant_counts[key].as_u64().unwrap(),
                "{key} in tenant {tenant}"
            );
            *seen.entry(key).or_default() += items.len();
            let (status, body) = sim.get_json(&token, &format!("/beta/{}", e.path)).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body["@odata.context"], context(&sim, "beta", e.path));
            direct.push(body);
            let (status, body) = sim.get_json(&token, &format!("/v1.0/{}", e.path)).await;
            if e.v1 {
                assert_eq!(status, StatusCode::OK, "{key} on v1.0: {body}");
                assert_eq!(body["@odata.context"], context(&sim, "v1.0", e.path));
            } else {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{key} on v1.0: {body}");
                assert_eq!(
                    body["error"]["message"],
                    format!("Resource not found for the segment '{key}'.")
                );
            }
        }
        // The dispatch is shared: the same answers inside `$batch`.
        let urls: Vec<String> = COLLECTIONS.iter().map(|e| e.path.to_string()).collect();
        let responses = batch(&sim, &token, numbered(&urls)).await;
        for (i, body) in direct.iter().enumerate() {
            let sub = &responses[&(i + 1).to_string()];
            assert_eq!(sub["status"], 200);
            assert_eq!(&sub["body"], body);
        }
        // Custom compliance scripts: no content in the list, the content on GET by id.
        let (scripts, _) = sim
            .get_all(&token, "/beta/deviceManagement/deviceComplianceScripts")
            .await;
        for script in &scripts {
            assert!(script["detectionScriptContent"].is_null(), "{script}");
            let id = script["id"].as_str().unwrap();
            let (_, full) = sim
                .get_json(
                    &token,
                    &format!("/beta/deviceManagement/deviceComplianceScripts/{id}"),
                )
                .await;
            assert!(full["detectionScriptContent"].is_string(), "{full}");
            assert_eq!(
                full["@odata.context"],
                format!(
                    "{}/$entity",
                    context(&sim, "beta", "deviceManagement/deviceComplianceScripts")
                )
            );
        }
        // Apple Business Manager tokens and their enrolment profiles, as IntuneCD batches them.
        let (tokens, _) = sim
            .get_all(&token, "/beta/deviceManagement/depOnboardingSettings/")
            .await;
        let urls: Vec<String> = tokens
            .iter()
            .map(|t| {
                format!(
                    "deviceManagement/depOnboardingSettings/{}/enrollmentProfiles",
                    t["id"].as_str().unwrap()
                )
            })
            .collect();
        if !urls.is_empty() {
            for (_, sub) in batch(&sim, &token, numbered(&urls)).await {
                assert_eq!(sub["status"], 200, "{sub}");
                let profiles = sub["body"]["value"].as_array().unwrap();
                assert!(profiles.iter().all(|p| p["displayName"].is_string()));
            }
        }
        // Device categories page like any Intune list.
        let categories = counts[tenant]["deviceCategories"].as_u64().unwrap() as usize;
        if categories >= 2 {
            let (items, pages) = sim
                .get_all(&token, "/beta/deviceManagement/deviceCategories?$top=1")
                .await;
            assert_eq!((items.len(), pages), (categories, categories));
        }
    }
    // Realistic: device categories in most tenants, VPP and ABM tokens in some, partners in none.
    assert!(seen["deviceCategories"] >= TENANTS, "{seen:?}");
    assert!(
        seen["vppTokens"] > 0 && seen["depOnboardingSettings"] > 0,
        "{seen:?}"
    );
    for key in [
        "compliancePolicies",
        "complianceManagementPartners",
        "deviceManagementPartners",
        "remoteAssistancePartners",
        "reusablePolicySettings",
    ] {
        assert_eq!(seen[key], 0, "{key}");
    }
}

/// The singletons: `deviceManagement` (and its `settings` through `$select`, on v1.0 too),
/// `deviceManagement/settings` on beta, the Apple push certificate (Intune's 404 in a tenant
/// without Apple MDM) and the Managed Google Play binding; read-only here, so writes are 405.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_wide_singletons() {
    let sim = start().await;
    let (mut with_apple, mut without_apple) = (0, 0);
    let mut bind_states = BTreeSet::new();
    for tenant in 0..TENANTS {
        let token = token_for(&sim, tenant);
        let (status, settings) = sim
            .get_json(&token, "/beta/deviceManagement/settings")
            .await;
        assert_eq!(status, StatusCode::OK, "{settings}");
        assert_eq!(
            settings["@odata.context"],
            context(&sim, "beta", "deviceManagement/settings")
        );
        for property in [
            "deviceComplianceCheckinThresholdDays",
            "isScheduledActionEnabled",
            "secureByDefault",
            "enhancedJailBreak",
            "derivedCredentialProvider",
            "enableLogCollection",
        ] {
            assert!(!settings[property].is_null(), "{property}: {settings}");
        }
        for version in ["v1.0", "beta"] {
            let (status, body) = sim
                .get_json(
                    &token,
                    &format!("/{version}/deviceManagement?$select=settings"),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(
                body["@odata.context"],
                context(&sim, version, "deviceManagement(settings)")
            );
            let mut expected = settings.clone();
            expected.as_object_mut().unwrap().remove("@odata.context");
            assert_eq!(body["settings"], expected);
            let (status, body) = sim
                .get_json(&token, &format!("/{version}/deviceManagement"))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                body["@odata.context"],
                context(&sim, version, "deviceManagement")
            );
            assert_eq!(body["subscriptionState"], "active");
        }
        let (status, body) = sim
            .get_json(&token, "/v1.0/deviceManagement/settings")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let apns = "deviceManagement/applePushNotificationCertificate";
        let (status, body) = sim.get_json(&token, &format!("/beta/{apns}")).await;
        match status {
            StatusCode::OK => {
                with_apple += 1;
                assert_eq!(
                    body["@odata.context"],
                    format!("{}/$entity", context(&sim, "beta", apns))
                );
                assert_eq!(
                    body["@odata.type"],
                    "#microsoft.graph.applePushNotificationCertificate"
                );
                assert!(
                    body["appleIdentifier"].is_string() && body["expirationDateTime"].is_string()
                );
            }
            StatusCode::NOT_FOUND => {
                without_apple += 1;
                assert_eq!(graph_error_code(&body), "ResourceNotFound");
                let inner = intune_message(&body);
                assert_eq!(inner["_version"], 3);
                assert!(inner["Message"]
                    .as_str()
                    .unwrap()
                    .contains(body["error"]["innerError"]["request-id"].as_str().unwrap()));
            }
            other => panic!("{other}: {body}"),
        }
        let (v1_status, _) = sim.get_json(&token, &format!("/v1.0/{apns}")).await;
        assert_eq!(v1_status, status, "v1.0 serves the push certificate too");

        let android = "deviceManagement/androidManagedStoreAccountEnterpriseSettings";
        let (status, body) = sim.get_json(&token, &format!("/beta/{android}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["@odata.context"],
            format!("{}/$entity", context(&sim, "beta", android))
        );
        bind_states.insert(body["bindStatus"].as_str().unwrap().to_string());
        let (status, _) = sim.get_json(&token, &format!("/v1.0/{android}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "beta only");

        // In `$batch` the same, and writes are refused.
        let responses = batch(
            &sim,
            &token,
            numbered(&[
                "deviceManagement/settings".into(),
                "deviceManagement?$select=settings".into(),
                android.into(),
            ]),
        )
        .await;
        assert_eq!(responses["1"]["body"], settings);
        assert_eq!(responses["2"]["status"], 200);
        assert_eq!(responses["3"]["body"], body_of(&sim, &token, android).await);
        let (status, _) = sim
            .send_json(
                &token,
                Method::PATCH,
                &format!("/beta/{android}"),
                &json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    }
    assert!(
        with_apple > 0 && without_apple > 0,
        "{with_apple} / {without_apple}"
    );
    assert!(bind_states.contains("notBound"), "{bind_states:?}");
}

async fn body_of(sim: &TestSim, token: &str, path: &str) -> Value {
    sim.get_json(token, &format!("/beta/{path}")).await.1
}

// --- Permissions and throttling ------------------------------------------------------------------

/// One GET per new endpoint (collections, singletons and the two navigations), in tenant 0.
async fn every_endpoint(
    sim: &TestSim,
    token: &str,
) -> Vec<(String, &'static [&'static str], Family)> {
    let (intents, _) = sim.get_all(token, "/beta/deviceManagement/intents").await;
    let intent = &intents[0];
    let (categories, _) = sim
        .get_all(
            token,
            &format!(
                "/beta/deviceManagement/intents/{}/categories",
                intent["id"].as_str().unwrap()
            ),
        )
        .await;
    let mut out: Vec<(String, &'static [&'static str], Family)> = COLLECTIONS
        .iter()
        .chain(SINGLETONS)
        .map(|e| (e.path.to_string(), e.scopes, e.family))
        .collect();
    out.push((
        "deviceManagement/roleScopeTags/0/assignments".into(),
        &[
            "DeviceManagementRBAC.Read.All",
            "DeviceManagementRBAC.ReadWrite.All",
        ],
        Family::IntuneConfig,
    ));
    out.push((
        format!(
            "deviceManagement/intents/{}/categories/{}/settings",
            intent["id"].as_str().unwrap(),
            categories[0]["id"].as_str().unwrap()
        ),
        &CONFIG,
        Family::IntuneConfig,
    ));
    out
}

/// Narrows what an issued token may do, as a consent with fewer permissions would have.
fn narrow(sim: &TestSim, token: &str, scopes: &[&str]) {
    let mut world = sim.handle.sim.world();
    let grant = world.access_tokens.get_mut(token).expect("an issued token");
    grant.scopes = scopes.iter().map(|s| s.to_string()).collect();
}

/// Every new endpoint is Intune's 403 for a token with every permission but the ones its
/// reference page lists (the message names them), and answers a token with only the first of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_new_endpoint_enforces_its_permissions() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let endpoints = every_endpoint(&sim, &token).await;
    for (path, scopes, _) in &endpoints {
        let others: Vec<&str> = INTUNE_SCOPES
            .iter()
            .copied()
            .filter(|s| !scopes.contains(s))
            .chain(["User.Read", "Group.Read.All", "Directory.Read.All"])
            .collect();
        narrow(&sim, &token, &others);
        let direct = sim.get_json(&token, &format!("/beta/{path}")).await;
        let batched = batch(&sim, &token, numbered(std::slice::from_ref(path))).await;
        for (status, body) in [
            (direct.0.as_u16(), direct.1),
            (
                batched["1"]["status"].as_u64().unwrap() as u16,
                batched["1"]["body"].clone(),
            ),
        ] {
            assert_eq!(status, 403, "{path}: {body}");
            assert_eq!(graph_error_code(&body), "Forbidden", "{path}");
            let message = intune_message(&body)["Message"]
                .as_str()
                .unwrap()
                .to_string();
            for scope in scopes.iter() {
                assert!(message.contains(scope), "{path}: {message}");
            }
        }
        narrow(&sim, &token, &[scopes[0]]);
        let (status, body) = sim.get_json(&token, &format!("/beta/{path}")).await;
        assert!(
            status == StatusCode::OK
                || (status == StatusCode::NOT_FOUND && path.ends_with("Certificate")),
            "{path} with {}: {status} {body}",
            scopes[0]
        );
    }
}

/// Empties one throttling family's bucket for the token's app in tenant 0, as a burst of requests
/// would, with the clock moved on so that nothing refills before the next requests.
fn drain(sim: &TestSim, token: &str, family: Family) {
    let mut world = sim.handle.sim.world();
    let (tenant, app) = {
        let grant = &world.access_tokens[token];
        (grant.tenant_id.clone(), grant.client_id.clone())
    };
    let later = Instant::now() + Duration::from_secs(60);
    for _ in 0..10_000 {
        if let Admission::Throttled { .. } =
            world.buckets.admit(&tenant, &app, family, false, later)
        {
            return;
        }
    }
    panic!("the {family:?} bucket never ran dry");
}

/// Each new endpoint counts against its family's bucket: with Intune configuration reads used
/// up, every configuration endpoint is 429 with `Retry-After` while the scripts family (custom
/// compliance scripts) still answers, and the other way round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_new_endpoint_counts_against_its_throttling_family() {
    let sim = start().await;
    let token = token_for(&sim, 0);
    let endpoints = every_endpoint(&sim, &token).await;
    let urls: Vec<String> = endpoints.iter().map(|(p, _, _)| p.clone()).collect();
    for family in [Family::IntuneConfig, Family::IntuneScripts] {
        drain(&sim, &token, family);
        let responses = batch(&sim, &token, numbered(&urls)).await;
        for (i, (path, _, endpoint_family)) in endpoints.iter().enumerate() {
            let sub = &responses[&(i + 1).to_string()];
            let status = sub["status"].as_u64().unwrap();
            if *endpoint_family == family {
                assert_eq!(status, 429, "{path} is in {family:?}: {sub}");
                assert_eq!(graph_error_code(&sub["body"]), "TooManyRequests");
                let retry = sub["headers"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or_else(|| panic!("no Retry-After: {sub}"));
                assert!(retry.parse::<u64>().unwrap() >= 1);
            } else {
                assert_ne!(status, 429, "{path} is not in {family:?}: {sub}");
            }
        }
        // Let the buckets fill again before the next family.
        sim.handle.sim.world().buckets = Default::default();
    }
}
