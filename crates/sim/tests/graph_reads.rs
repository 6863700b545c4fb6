//! Reading Graph through the simulator with a plain HTTP client: paging and `@odata.nextLink`,
//! the OData query options as Graph accepts them, `@odata.context`, navigation collections and
//! `$expand`, directory references, audit events, and the 401/403/404/429 bodies a reader meets.

mod common;

use base64::Engine;
use common::{graph_error_code, TestSim, CLIENT_ID};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const BETA: &str = "/beta/deviceManagement";

/// Objects of one collection in a tenant, as the simulator announces them.
async fn count_of(sim: &TestSim, tenant: usize, key: &str) -> usize {
    let tenants = sim.sim_tenants().await;
    tenants[tenant]["counts"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("no count for {key}: {tenants}")) as usize
}

/// A GET with extra headers; returns status, headers and the JSON body (`null` when empty).
async fn get_with(
    sim: &TestSim,
    token: Option<&str>,
    url: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let url = if url.starts_with("https://") {
        url.to_string()
    } else {
        format!("{}{url}", sim.graph())
    };
    let mut request = sim.client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// Pages through a list by hand; returns the items and each page's size.
async fn pages_of(sim: &TestSim, token: &str, path: &str) -> (Vec<Value>, Vec<usize>) {
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(url) = next {
        let (status, body) = sim.get_json(token, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let page = body["value"]
            .as_array()
            .unwrap_or_else(|| panic!("no value array: {body}"));
        sizes.push(page.len());
        items.extend(page.iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_string);
        assert!(sizes.len() < 1000, "paging does not end");
    }
    (items, sizes)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            i["id"]
                .as_str()
                .unwrap_or_else(|| panic!("item without id: {i}"))
                .to_string()
        })
        .collect()
}

fn expected_sizes(total: usize, page: usize) -> Vec<usize> {
    let mut sizes = vec![page; total / page];
    if !total.is_multiple_of(page) || total == 0 {
        sizes.push(total % page);
    }
    sizes
}

/// Intune puts a JSON document into `error.message`; returns it parsed.
fn intune_message(body: &Value) -> Value {
    let text = body["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error.message: {body}"));
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("Intune error message is not JSON ({e}): {text}"))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A settings catalog policy with `count` choice settings built from the served definitions.
async fn create_policy_with_settings(sim: &TestSim, token: &str, count: usize) -> String {
    let (definitions, _) = sim
        .get_all(token, &format!("{BETA}/configurationSettings"))
        .await;
    let settings: Vec<Value> = definitions
        .iter()
        .filter(|d| d["applicability"]["platform"] == "windows10" && d["options"].as_array().is_some_and(|o| !o.is_empty()))
        .take(count)
        .map(|d| {
            json!({
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSetting",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": d["id"],
                    "settingInstanceTemplateReference": null,
                    "choiceSettingValue": {"settingValueTemplateReference": null, "value": d["options"][0]["itemId"], "children": []}
                }
            })
        })
        .collect();
    assert_eq!(
        settings.len(),
        count,
        "not enough windows choice definitions served"
    );
    let (status, body) = sim
        .send_json(
            token,
            Method::POST,
            &format!("{BETA}/configurationPolicies"),
            &json!({"name": "Paging probe", "description": "", "platforms": "windows10", "technologies": "mdm",
                    "roleScopeTagIds": ["0"], "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn settings_catalog_lists_25_per_page_and_every_policy_exactly_once() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let expected = count_of(&sim, 0, "configurationPolicies").await;
    assert!(
        expected > 25,
        "the tenant needs more than one page of settings catalog policies, has {expected}"
    );

    let mut next = Some(format!("{BETA}/configurationPolicies"));
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    while let Some(url) = next {
        let (status, body) = sim.get_json(&token, &url).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = body["value"].as_array().unwrap();
        // The settings catalog reports the page's size as its count.
        assert_eq!(body["@odata.count"], json!(page.len()), "{url}");
        sizes.push(page.len());
        items.extend(page.iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(
                link.contains("skiptoken"),
                "nextLink carries a skip token: {link}"
            );
        }
    }
    assert_eq!(sizes, expected_sizes(expected, 25));
    let ids = ids(&items);
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a policy came twice");
    assert_eq!(ids.len(), expected);
}

#[tokio::test]
async fn top_sets_the_page_size_on_every_page() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let policies = count_of(&sim, 0, "configurationPolicies").await;
    let (items, sizes) = pages_of(
        &sim,
        &token,
        &format!("{BETA}/configurationPolicies?$top=10"),
    )
    .await;
    assert_eq!(sizes, expected_sizes(policies, 10));
    assert_eq!(
        ids(&items).into_iter().collect::<BTreeSet<_>>().len(),
        policies
    );

    let configurations = count_of(&sim, 0, "deviceConfigurations").await;
    let (items, sizes) =
        pages_of(&sim, &token, &format!("{BETA}/deviceConfigurations?$top=7")).await;
    assert_eq!(sizes, expected_sizes(configurations, 7));
    assert_eq!(
        ids(&items).into_iter().collect::<BTreeSet<_>>().len(),
        configurations
    );
}

#[tokio::test]
async fn policy_settings_page_at_25_and_top_without_dollar_takes_them_all() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let id = create_policy_with_settings(&sim, &token, 30).await;

    let path = format!("{BETA}/configurationPolicies/{id}/settings");
    let (status, first) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["value"].as_array().unwrap().len(), 25);
    assert!(first["@odata.nextLink"].is_string(), "{first}");
    let (items, sizes) = pages_of(&sim, &token, &path).await;
    assert_eq!(sizes, vec![25, 5]);
    let expected: Vec<String> = (0..30).map(|i| i.to_string()).collect();
    assert_eq!(ids(&items), expected);

    // IntuneCD's literal form: `top` without `$`, after an empty pair.
    let (status, all) = sim.get_json(&token, &format!("{path}?&top=1000")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(ids(all["value"].as_array().unwrap()), expected);
    assert!(all.get("@odata.nextLink").is_none(), "{all}");
}

#[tokio::test]
async fn next_link_is_built_from_the_host_the_client_used() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let path = format!("{BETA}/configurationPolicies");
    let forwarded = [
        ("X-Forwarded-Host", "example.test"),
        ("X-Forwarded-Proto", "https"),
    ];

    let (status, _, body) = get_with(&sim, Some(&token), &path, &forwarded).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let next = body["@odata.nextLink"].as_str().unwrap();
    let parsed = url::Url::parse(next).unwrap();
    assert_eq!(parsed.scheme(), "https");
    assert_eq!(parsed.host_str(), Some("example.test"));
    assert_eq!(parsed.port(), None);
    assert_eq!(
        parsed.path(),
        "/beta/deviceManagement/configurationPolicies"
    );
    assert_eq!(
        body["@odata.context"],
        "https://example.test/beta/$metadata#deviceManagement/configurationPolicies"
    );

    // The same link, sent to the simulator through the "proxy", gives the second page.
    let local = next.replacen("https://example.test", sim.graph(), 1);
    let (status, _, second) = get_with(&sim, Some(&token), &local, &forwarded).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(
        second["value"].as_array().unwrap().len(),
        count_of(&sim, 0, "configurationPolicies").await - 25
    );

    // Without a proxy the link names the simulator itself.
    let (_, direct) = sim.get_json(&token, &path).await;
    assert!(
        direct["@odata.nextLink"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "{}/beta/deviceManagement/configurationPolicies?",
                sim.graph()
            )),
        "{direct}"
    );
}

#[tokio::test]
async fn select_keeps_id_and_odata_type() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$select=displayName"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["@odata.context"],
        json!(format!(
            "{}/beta/$metadata#deviceManagement/deviceConfigurations(displayName)",
            sim.graph()
        ))
    );
    let items = body["value"].as_array().unwrap();
    assert_eq!(items.len(), count_of(&sim, 0, "deviceConfigurations").await);
    for item in items {
        let keys: BTreeSet<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["@odata.type", "id", "displayName"]),
            "{item}"
        );
        assert!(
            item["@odata.type"]
                .as_str()
                .unwrap()
                .starts_with("#microsoft.graph."),
            "{item}"
        );
    }
}

#[tokio::test]
async fn expand_assignments_on_a_device_configuration_list() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (items, _) = sim
        .get_all(
            &token,
            &format!("{BETA}/deviceConfigurations?$expand=assignments"),
        )
        .await;
    assert_eq!(items.len(), count_of(&sim, 0, "deviceConfigurations").await);
    let mut total = 0;
    for item in &items {
        let id = item["id"].as_str().unwrap();
        let expanded = item["assignments"]
            .as_array()
            .unwrap_or_else(|| panic!("no assignments array: {item}"));
        total += expanded.len();
        for a in expanded {
            assert!(
                a["id"].as_str().unwrap().starts_with(&format!("{id}_")),
                "{a}"
            );
            assert!(
                a["target"]["@odata.type"]
                    .as_str()
                    .unwrap()
                    .ends_with("AssignmentTarget"),
                "{a}"
            );
        }
        // The expanded list is what `/{id}/assignments` lists.
        let (status, own) = sim
            .get_json(
                &token,
                &format!("{BETA}/deviceConfigurations/{id}/assignments"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{own}");
        assert_eq!(ids(own["value"].as_array().unwrap()), ids(expanded));
    }
    assert!(total > 0, "no device configuration is assigned");

    // Without `$expand` a list carries no navigation.
    let (_, plain) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    assert!(plain["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i.get("assignments").is_none()));
}

#[tokio::test]
async fn expanded_navigations_carry_their_own_odata_context() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (_, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$expand=assignments"),
        )
        .await;
    for item in body["value"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        assert_eq!(
            item["assignments@odata.context"],
            json!(format!(
                "{}/beta/$metadata#deviceManagement/deviceConfigurations('{id}')/assignments",
                sim.graph()
            )),
            "{item}"
        );
    }
    let (_, list) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceCompliancePolicies?$select=id"),
        )
        .await;
    let id = list["value"][0]["id"].as_str().unwrap();
    let (status, policy) = sim
        .get_json(&token, &format!("{BETA}/deviceCompliancePolicies/{id}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)"))
        .await;
    assert_eq!(status, StatusCode::OK, "{policy}");
    let context = policy["scheduledActionsForRule@odata.context"]
        .as_str()
        .unwrap_or_else(|| panic!("{policy}"));
    assert!(
        context.contains(&format!("deviceCompliancePolicies('{id}')")),
        "{context}"
    );
    for rule in policy["scheduledActionsForRule"].as_array().unwrap() {
        assert!(
            rule["scheduledActionConfigurations@odata.context"].is_string(),
            "{rule}"
        );
    }
}

#[tokio::test]
async fn settings_catalog_get_by_id_expands_settings_and_assignments() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let (policies, _) = sim
        .get_all(&token, &format!("{BETA}/configurationPolicies"))
        .await;
    assert!(!policies.is_empty());
    for policy in policies.iter().take(5) {
        let id = policy["id"].as_str().unwrap();
        let (status, plain) = sim
            .get_json(&token, &format!("{BETA}/configurationPolicies/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{plain}");
        assert!(
            plain.get("settings").is_none(),
            "settings without $expand: {plain}"
        );

        let (status, full) = sim
            .get_json(
                &token,
                &format!("{BETA}/configurationPolicies/{id}?$expand=assignments,settings"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{full}");
        let settings = full["settings"].as_array().unwrap();
        assert_eq!(json!(settings.len()), full["settingCount"], "{full}");
        let expected: Vec<String> = (0..settings.len()).map(|i| i.to_string()).collect();
        assert_eq!(ids(settings), expected);
        assert!(settings
            .iter()
            .all(|s| s["settingInstance"]["settingDefinitionId"].is_string()));
        assert!(full["assignments"].is_array(), "{full}");
        assert_eq!(
            full["isAssigned"],
            json!(!full["assignments"].as_array().unwrap().is_empty()),
            "{full}"
        );
    }
}

/// Real Graph accepts `$expand=settings` on the settings catalog *list*, but its pages shrink and
/// a large policy's settings come cut short (docs/graph-research.md §3; the strict reading of
/// what public reports show): a page holds policies until their expanded settings reach 50, each
/// policy carries at most 25 with no next link of its own, and `settingCount` tells what is missing.
#[tokio::test]
async fn settings_catalog_list_expanding_settings_pages_small_and_cuts_large_policies_short() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let path = format!("{BETA}/configurationPolicies?$expand=settings");
    let mut next = Some(path.clone());
    let mut items = Vec::new();
    let mut pages = 0;
    while let Some(url) = next {
        let (status, body) = sim.get_json(&token, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let page = body["value"].as_array().unwrap();
        assert!(!page.is_empty(), "an empty page before the end: {url}");
        assert_eq!(body["@odata.count"], json!(page.len()), "{url}");
        let expanded: usize = page
            .iter()
            .map(|p| p["settings"].as_array().map_or(0, Vec::len).max(1))
            .sum();
        assert!(
            page.len() == 1 || expanded <= 50,
            "a page of {} policies carries {expanded} settings",
            page.len()
        );
        items.extend(page.iter().cloned());
        pages += 1;
        next = body["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(link.contains("expand=settings"), "{link}");
        }
    }
    let expected = count_of(&sim, 0, "configurationPolicies").await;
    let ids = ids(&items);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), expected);
    assert_eq!(ids.len(), expected, "a policy came twice");
    assert!(
        pages > expected.div_ceil(25),
        "{pages} pages for {expected} policies: no smaller than without $expand"
    );
    let mut cut = 0;
    for item in &items {
        let listed = item["settings"].as_array().unwrap().len() as u64;
        let count = item["settingCount"].as_u64().unwrap();
        assert_eq!(listed, count.min(25), "{}", item["name"]);
        assert!(item.get("settings@odata.nextLink").is_none());
        if listed < count {
            cut += 1;
            // The policy's own settings, read on their own, are all there.
            let id = item["id"].as_str().unwrap();
            let (all, _) = sim
                .get_all(
                    &token,
                    &format!("{BETA}/configurationPolicies/{id}/settings?$top=1000"),
                )
                .await;
            assert_eq!(all.len() as u64, count);
            // So is a GET by id that expands them.
            let (status, one) = sim
                .get_json(
                    &token,
                    &format!("{BETA}/configurationPolicies/{id}?$expand=settings"),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{one}");
            assert_eq!(one["settings"].as_array().unwrap().len() as u64, count);
        }
    }
    assert!(cut > 0, "no generated policy has more than 25 settings");

    // Without $expand the pages are 25 long again.
    let (_, plain) = sim
        .get_json(&token, &format!("{BETA}/configurationPolicies"))
        .await;
    assert_eq!(plain["value"].as_array().unwrap().len(), expected.min(25));
}

#[tokio::test]
async fn compliance_get_expands_nested_scheduled_actions() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (policies, _) = sim
        .get_all(&token, &format!("{BETA}/deviceCompliancePolicies"))
        .await;
    assert_eq!(
        policies.len(),
        count_of(&sim, 0, "deviceCompliancePolicies").await
    );
    assert!(
        policies
            .iter()
            .all(|p| p.get("scheduledActionsForRule").is_none()),
        "navigation in a plain list"
    );
    for policy in &policies {
        let id = policy["id"].as_str().unwrap();
        let (status, plain) = sim
            .get_json(&token, &format!("{BETA}/deviceCompliancePolicies/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(plain.get("scheduledActionsForRule").is_none(), "{plain}");

        let (status, full) = sim
            .get_json(&token, &format!("{BETA}/deviceCompliancePolicies/{id}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)"))
            .await;
        assert_eq!(status, StatusCode::OK, "{full}");
        assert_eq!(full["id"], policy["id"]);
        let rules = full["scheduledActionsForRule"]
            .as_array()
            .unwrap_or_else(|| panic!("{full}"));
        assert!(!rules.is_empty(), "{full}");
        for rule in rules {
            assert!(rule["id"].is_string(), "{rule}");
            let actions = rule["scheduledActionConfigurations"]
                .as_array()
                .unwrap_or_else(|| panic!("{rule}"));
            assert!(
                actions.iter().any(|a| a["actionType"] == "block"),
                "every compliance policy blocks: {rule}"
            );
            assert!(
                actions
                    .iter()
                    .all(|a| a["id"].is_string() && a["gracePeriodHours"].is_number()),
                "{rule}"
            );
        }
        // Expanding only the first level leaves the second out.
        let (_, shallow) = sim
            .get_json(
                &token,
                &format!("{BETA}/deviceCompliancePolicies/{id}?$expand=scheduledActionsForRule"),
            )
            .await;
        assert!(
            shallow["scheduledActionsForRule"][0]
                .get("scheduledActionConfigurations")
                .is_none(),
            "{shallow}"
        );
    }
}

#[tokio::test]
async fn admx_definition_values_expand_definitions_and_presentations() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (configs, _) = sim
        .get_all(&token, &format!("{BETA}/groupPolicyConfigurations"))
        .await;
    assert_eq!(
        configs.len(),
        count_of(&sim, 0, "groupPolicyConfigurations").await
    );
    let mut presentations = 0;
    for config in &configs {
        let cid = config["id"].as_str().unwrap();
        let (status, plain) = sim
            .get_json(
                &token,
                &format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{plain}");
        assert!(plain["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.get("definition").is_none()));

        let (status, values) = sim
            .get_json(
                &token,
                &format!(
                    "{BETA}/groupPolicyConfigurations/{cid}/definitionValues?$expand=definition"
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{values}");
        assert!(values["@odata.context"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "groupPolicyConfigurations('{cid}')/definitionValues"
            )));
        let values = values["value"].as_array().unwrap();
        assert!(
            !values.is_empty(),
            "an ADMX profile without settings: {config}"
        );
        for value in values {
            assert!(value["enabled"].is_boolean(), "{value}");
            let definition = &value["definition"];
            for field in [
                "id",
                "displayName",
                "classType",
                "categoryPath",
                "policyType",
            ] {
                assert!(
                    definition[field].is_string(),
                    "definition.{field} missing: {value}"
                );
            }
            let vid = value["id"].as_str().unwrap();
            let (status, pvs) = sim
                .get_json(&token, &format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues/{vid}/presentationValues?$expand=presentation"))
                .await;
            assert_eq!(status, StatusCode::OK, "{pvs}");
            assert!(
                pvs["@odata.context"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("definitionValues('{vid}')/presentationValues")),
                "{pvs}"
            );
            for pv in pvs["value"].as_array().unwrap() {
                presentations += 1;
                assert!(
                    pv["@odata.type"]
                        .as_str()
                        .unwrap()
                        .starts_with("#microsoft.graph.groupPolicyPresentationValue"),
                    "{pv}"
                );
                assert!(
                    pv["presentation"]["@odata.type"]
                        .as_str()
                        .unwrap()
                        .starts_with("#microsoft.graph.groupPolicyPresentation"),
                    "{pv}"
                );
                assert!(pv["presentation"]["id"].is_string(), "{pv}");
            }
        }
    }
    assert!(
        presentations > 0,
        "no ADMX setting carries a presentation value"
    );
}

/// `groupPolicyDefinition` names the supported platforms `supportedOn` (docs/graph-research.md §5).
#[tokio::test]
async fn admx_definitions_name_supported_on() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (configs, _) = sim
        .get_all(&token, &format!("{BETA}/groupPolicyConfigurations"))
        .await;
    let cid = configs[0]["id"].as_str().unwrap();
    let (_, values) = sim
        .get_json(
            &token,
            &format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues?$expand=definition"),
        )
        .await;
    for value in values["value"].as_array().unwrap() {
        let definition = value["definition"].as_object().unwrap();
        assert!(
            definition.get("supportedOn").is_some_and(Value::is_string),
            "{value}"
        );
        assert!(!definition.contains_key("supportsString"), "{value}");
    }
}

#[tokio::test]
async fn script_lists_hide_content_that_get_by_id_returns_in_base64() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let kinds: [(&str, &[&str]); 4] = [
        ("deviceManagementScripts", &["scriptContent"]),
        ("deviceShellScripts", &["scriptContent"]),
        ("deviceCustomAttributeShellScripts", &["scriptContent"]),
        (
            "deviceHealthScripts",
            &["detectionScriptContent", "remediationScriptContent"],
        ),
    ];
    for (kind, fields) in kinds {
        let (items, _) = sim.get_all(&token, &format!("{BETA}/{kind}")).await;
        assert_eq!(items.len(), count_of(&sim, 0, kind).await, "{kind}");
        assert!(!items.is_empty(), "{kind}");
        for item in &items {
            for field in fields {
                assert_eq!(
                    item.get(*field),
                    Some(&Value::Null),
                    "{kind} list shows {field}: {item}"
                );
            }
            let (status, full) = sim
                .get_json(
                    &token,
                    &format!("{BETA}/{kind}/{}", item["id"].as_str().unwrap()),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{full}");
            for field in fields {
                let content = full[field]
                    .as_str()
                    .unwrap_or_else(|| panic!("{kind} GET lacks {field}: {full}"));
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(content)
                    .unwrap_or_else(|e| panic!("{kind}.{field} is not base64 ({e}): {content}"));
                assert!(!decoded.is_empty(), "{kind}.{field} is empty");
            }
        }
    }
}

#[tokio::test]
async fn filter_and_count() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (all, _) = sim
        .get_all(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    let name = all[3]["displayName"].as_str().unwrap().to_string();
    let expected: Vec<String> = ids(&all
        .iter()
        .filter(|i| i["displayName"] == name.as_str())
        .cloned()
        .collect::<Vec<_>>());
    let filter = encode(&format!("displayName eq '{}'", name.replace('\'', "''")));
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$filter={filter}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(body["value"].as_array().unwrap()), expected);

    let prefix = "MSP";
    let starts: Vec<String> = ids(&all
        .iter()
        .filter(|i| {
            i["displayName"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .starts_with(&prefix.to_lowercase())
        })
        .cloned()
        .collect::<Vec<_>>());
    assert!(
        !starts.is_empty() && starts.len() < all.len(),
        "the data needs some but not all names starting with {prefix}"
    );
    let filter = encode(&format!("startswith(displayName,'{prefix}')"));
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$filter={filter}&$count=true"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(body["value"].as_array().unwrap()), starts);
    assert_eq!(body["@odata.count"], json!(starts.len()));

    // `$count` counts the whole result, not the page.
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$count=true&$top=5"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["@odata.count"], json!(all.len()));
    assert_eq!(body["value"].as_array().unwrap().len(), 5);
    // Without `$count` a classic list has no count.
    let (_, body) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    assert!(
        body.get("@odata.count").is_none(),
        "{}",
        body["@odata.count"]
    );
}

#[tokio::test]
async fn dollar_is_optional_on_beta_only_and_option_names_are_case_insensitive() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let total = count_of(&sim, 0, "deviceConfigurations").await;
    assert!(total > 5);
    let page = |body: &Value| body["value"].as_array().unwrap().len();

    let (status, beta) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations?top=5"))
        .await;
    assert_eq!(status, StatusCode::OK, "{beta}");
    assert_eq!(page(&beta), 5);
    assert!(beta["@odata.nextLink"].is_string());

    // On v1.0 `top` is an ordinary parameter: ignored.
    let (status, v1) = sim
        .get_json(&token, "/v1.0/deviceManagement/deviceConfigurations?top=5")
        .await;
    assert_eq!(status, StatusCode::OK, "{v1}");
    assert_eq!(page(&v1), total);
    assert!(v1.get("@odata.nextLink").is_none());

    for query in ["%24top=5", "$TOP=5", "$Top=5"] {
        let (status, body) = sim
            .get_json(
                &token,
                &format!("/v1.0/deviceManagement/deviceConfigurations?{query}"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(page(&body), 5, "{query}");
    }
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations?$SELECT=displayName&%24Top=2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(page(&body), 2);
    assert!(body["value"][0].get("description").is_none(), "{body}");
}

#[tokio::test]
async fn v1_serves_device_configurations_but_not_the_settings_catalog() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let (status, body) = sim
        .get_json(&token, "/v1.0/deviceManagement/deviceConfigurations")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["value"].as_array().unwrap().len(),
        count_of(&sim, 0, "deviceConfigurations").await
    );
    assert_eq!(
        body["@odata.context"],
        json!(format!(
            "{}/v1.0/$metadata#deviceManagement/deviceConfigurations",
            sim.graph()
        ))
    );

    for segment in [
        "configurationPolicies",
        "deviceManagementScripts",
        "groupPolicyConfigurations",
    ] {
        let (status, body) = sim
            .get_json(&token, &format!("/v1.0/deviceManagement/{segment}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{segment}: {body}");
        assert_eq!(graph_error_code(&body), "BadRequest");
        assert_eq!(
            body["error"]["message"],
            json!(format!("Resource not found for the segment '{segment}'."))
        );
    }
}

#[tokio::test]
async fn every_body_has_an_odata_context_and_children_name_their_parent() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let g = sim.graph().to_string();
    let (_, policies) = sim
        .get_json(&token, &format!("{BETA}/configurationPolicies?$top=1"))
        .await;
    let pid = policies["value"][0]["id"].as_str().unwrap().to_string();
    let (_, configs) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations?$top=1"))
        .await;
    let cid = configs["value"][0]["id"].as_str().unwrap().to_string();
    let (_, groups) = sim.get_json(&token, "/v1.0/groups?$top=1").await;
    let gid = groups["value"][0]["id"].as_str().unwrap().to_string();

    let cases = [
        (
            format!("{BETA}/configurationPolicies"),
            format!("{g}/beta/$metadata#deviceManagement/configurationPolicies"),
        ),
        (
            format!("{BETA}/configurationPolicies/{pid}"),
            format!("{g}/beta/$metadata#deviceManagement/configurationPolicies/$entity"),
        ),
        (
            format!("{BETA}/configurationPolicies/{pid}/assignments"),
            format!(
                "{g}/beta/$metadata#deviceManagement/configurationPolicies('{pid}')/assignments"
            ),
        ),
        (
            format!("{BETA}/configurationPolicies/{pid}/settings"),
            format!("{g}/beta/$metadata#deviceManagement/configurationPolicies('{pid}')/settings"),
        ),
        (
            format!("{BETA}/deviceConfigurations/{cid}"),
            format!("{g}/beta/$metadata#deviceManagement/deviceConfigurations/$entity"),
        ),
        (
            format!("{BETA}/deviceConfigurations/{cid}/assignments"),
            format!(
                "{g}/beta/$metadata#deviceManagement/deviceConfigurations('{cid}')/assignments"
            ),
        ),
        (
            format!("{BETA}/configurationSettings?$top=1"),
            format!("{g}/beta/$metadata#deviceManagement/configurationSettings"),
        ),
        (
            "/v1.0/deviceManagement/auditEvents".to_string(),
            format!("{g}/v1.0/$metadata#deviceManagement/auditEvents"),
        ),
        (
            "/v1.0/groups".to_string(),
            format!("{g}/v1.0/$metadata#groups"),
        ),
        (
            format!("/v1.0/groups/{gid}"),
            format!("{g}/v1.0/$metadata#groups/$entity"),
        ),
        (
            "/v1.0/organization".to_string(),
            format!("{g}/v1.0/$metadata#organization"),
        ),
        (
            "/v1.0/identity/conditionalAccess/policies".to_string(),
            format!("{g}/v1.0/$metadata#identity/conditionalAccess/policies"),
        ),
    ];
    for (path, context) in cases {
        let (status, body) = sim.get_json(&token, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["@odata.context"], json!(context), "{path}");
        assert_eq!(
            body.as_object().unwrap().keys().next().map(String::as_str),
            Some("@odata.context"),
            "{path}: annotation first"
        );
    }
}

#[tokio::test]
async fn app_protection_lists_refuse_expand_assignments_but_serve_them_per_policy() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    for kind in ["iosManagedAppProtections", "androidManagedAppProtections"] {
        let path = format!("/beta/deviceAppManagement/{kind}");
        let (status, body) = sim
            .get_json(&token, &format!("{path}?$expand=assignments"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {body}");
        assert_eq!(graph_error_code(&body), "ExpandNotSupported");

        let (items, _) = sim.get_all(&token, &path).await;
        assert_eq!(items.len(), count_of(&sim, 0, kind).await);
        for item in &items {
            let id = item["id"].as_str().unwrap();
            let (status, assignments) = sim
                .get_json(&token, &format!("{path}/{id}/assignments"))
                .await;
            assert_eq!(status, StatusCode::OK, "{assignments}");
            assert_eq!(
                assignments["@odata.context"],
                json!(format!(
                    "{}/beta/$metadata#deviceAppManagement/{kind}('{id}')/assignments",
                    sim.graph()
                ))
            );
            assert!(assignments["value"].is_array());
        }
    }
}

/// `GET /deviceAppManagement/managedAppPolicies` lists every MAM policy type with its `@odata.type`
/// (docs/graph-research.md §11, GRAPH-NOTES app protection row).
#[tokio::test]
async fn managed_app_policies_lists_every_app_protection_policy() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (status, first) = sim
        .get_json(&token, "/beta/deviceAppManagement/managedAppPolicies")
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (items, _) = sim
        .get_all(&token, "/beta/deviceAppManagement/managedAppPolicies")
        .await;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for item in &items {
        *by_type
            .entry(item["@odata.type"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for (kind, odata_type) in [
        (
            "iosManagedAppProtections",
            "#microsoft.graph.iosManagedAppProtection",
        ),
        (
            "androidManagedAppProtections",
            "#microsoft.graph.androidManagedAppProtection",
        ),
        (
            "windowsManagedAppProtections",
            "#microsoft.graph.windowsManagedAppProtection",
        ),
        (
            "targetedManagedAppConfigurations",
            "#microsoft.graph.targetedManagedAppConfiguration",
        ),
    ] {
        assert_eq!(
            by_type.get(odata_type).copied().unwrap_or(0),
            count_of(&sim, 0, kind).await,
            "{odata_type}: {by_type:?}"
        );
    }
}

#[tokio::test]
async fn groups_organization_and_get_by_ids() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let tenant = &sim.handle.tenants()[0];
    let (groups, _) = sim.get_all(&token, "/v1.0/groups").await;
    assert!(groups.len() >= 2, "{groups:?}");
    assert!(groups
        .iter()
        .all(|g| g["@odata.type"] == "#microsoft.graph.group" && g["displayName"].is_string()));
    assert!(
        groups
            .iter()
            .any(|g| g["displayName"].as_str().unwrap().starts_with("SG-Intune-")),
        "the MSP's standard groups"
    );

    let (status, org) = sim.get_json(&token, "/v1.0/organization").await;
    assert_eq!(status, StatusCode::OK, "{org}");
    let orgs = org["value"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["id"], json!(tenant.id));
    assert_eq!(orgs[0]["displayName"], json!(tenant.name));
    let domains = orgs[0]["verifiedDomains"].as_array().unwrap();
    assert!(
        domains
            .iter()
            .any(|d| d["name"] == json!(tenant.domain) && d["isDefault"] == true),
        "{org}"
    );

    let (status, me) = sim.get_json(&token, "/v1.0/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let unknown = "0badc0de-0000-4000-8000-000000000000";
    let wanted = [
        groups[0]["id"].clone(),
        json!(unknown),
        groups[1]["id"].clone(),
        me["id"].clone(),
    ];
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            "/v1.0/directoryObjects/getByIds",
            &json!({"ids": wanted}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["@odata.context"],
        json!(format!("{}/v1.0/$metadata#directoryObjects", sim.graph()))
    );
    let found = body["value"].as_array().unwrap();
    let found_types: BTreeMap<String, String> = found
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["@odata.type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = BTreeMap::from([
        (
            groups[0]["id"].as_str().unwrap().to_string(),
            "#microsoft.graph.group".to_string(),
        ),
        (
            groups[1]["id"].as_str().unwrap().to_string(),
            "#microsoft.graph.group".to_string(),
        ),
        (
            me["id"].as_str().unwrap().to_string(),
            "#microsoft.graph.user".to_string(),
        ),
    ]);
    assert_eq!(found.len(), 3, "unknown ids are skipped: {body}");
    assert_eq!(found_types, expected);

    // `types` narrows the result.
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            "/v1.0/directoryObjects/getByIds",
            &json!({"ids": wanted, "types": ["user"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        ids(body["value"].as_array().unwrap()),
        vec![me["id"].as_str().unwrap().to_string()]
    );

    // getByIds is an action: GET is not allowed.
    let (status, body) = sim
        .get_json(&token, "/v1.0/directoryObjects/getByIds")
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    graph_error_code(&body);
}

fn collect_definition_ids(value: &Value, out: &mut Vec<(String, Option<String>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("settingDefinitionId") {
                let choice = map
                    .get("choiceSettingValue")
                    .and_then(|c| c.get("value"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push((id.clone(), choice));
            }
            if let Some(Value::Array(values)) = map.get("choiceSettingCollectionValue") {
                let id = map
                    .get("settingDefinitionId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                for v in values {
                    out.push((
                        id.clone(),
                        v.get("value").and_then(Value::as_str).map(str::to_string),
                    ));
                }
            }
            map.values().for_each(|v| collect_definition_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_definition_ids(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_setting_definition_a_policy_uses_is_served() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (definitions, _) = sim
        .get_all(&token, &format!("{BETA}/configurationSettings"))
        .await;
    let by_id: BTreeMap<&str, &Value> = definitions
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d))
        .collect();
    assert_eq!(by_id.len(), definitions.len(), "definition ids are unique");

    let (policies, _) = sim
        .get_all(&token, &format!("{BETA}/configurationPolicies"))
        .await;
    let mut used = Vec::new();
    for policy in &policies {
        let id = policy["id"].as_str().unwrap();
        let (settings, _) = sim
            .get_all(
                &token,
                &format!("{BETA}/configurationPolicies/{id}/settings"),
            )
            .await;
        assert_eq!(json!(settings.len()), policy["settingCount"], "{policy}");
        collect_definition_ids(&Value::Array(settings), &mut used);
    }
    assert!(!used.is_empty());
    for (definition_id, choice) in used {
        let definition = by_id.get(definition_id.as_str()).unwrap_or_else(|| {
            panic!("settingDefinitionId {definition_id} is not in configurationSettings")
        });
        if let Some(choice) = choice {
            let options = definition["options"]
                .as_array()
                .unwrap_or_else(|| panic!("{definition_id} has no options"));
            assert!(
                options.iter().any(|o| o["itemId"] == choice.as_str()),
                "{definition_id} has no option {choice}"
            );
        }
    }
    // One definition by id.
    let (some_id, _) = by_id.iter().next().unwrap();
    let (status, one) = sim
        .get_json(&token, &format!("{BETA}/configurationSettings/{some_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["id"], json!(some_id));
}

#[tokio::test]
async fn audit_events_filter_on_activity_date_time() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let (all_before, _) = sim
        .get_all(&token, "/v1.0/deviceManagement/auditEvents")
        .await;
    assert!(!all_before.is_empty(), "the generated tenant has a history");

    let (_, list) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations?$top=1"))
        .await;
    let id = list["value"][0]["id"].as_str().unwrap();
    let (status, body) = sim
        .send_json(
            &token,
            Method::PATCH,
            &format!("{BETA}/deviceConfigurations/{id}"),
            &json!({"description": "audit probe"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, patched) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations/{id}"))
        .await;
    // Cut the fraction off: the cut-off is at or before the change.
    let cutoff = format!(
        "{}Z",
        &patched["lastModifiedDateTime"].as_str().unwrap()[..19]
    );

    let filter = encode(&format!("activityDateTime gt {cutoff}"));
    let (recent, _) = sim
        .get_all(
            &token,
            &format!("/v1.0/deviceManagement/auditEvents?$filter={filter}"),
        )
        .await;
    assert_eq!(
        recent.len(),
        1,
        "only the probe's change is newer: {recent:?}"
    );
    let event = &recent[0];
    // Same format on both sides: the whole seconds are at or after the cut-off.
    assert!(
        event["activityDateTime"].as_str().unwrap()[..19] >= cutoff[..19],
        "{event}"
    );
    assert_eq!(event["activityOperationType"], "Patch");
    assert_eq!(event["resources"][0]["resourceId"], json!(id));
    let (all_after, _) = sim
        .get_all(&token, "/v1.0/deviceManagement/auditEvents")
        .await;
    assert_eq!(all_after.len(), all_before.len() + 1);
    // Newest first.
    assert_eq!(all_after[0]["id"], event["id"]);
}

#[tokio::test]
async fn unauthenticated_requests_get_invalid_authentication_token() {
    let sim = common::start(1, 30).await;
    let path = format!("{BETA}/deviceConfigurations");

    let (status, _, body) = get_with(&sim, None, &path, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(graph_error_code(&body), "InvalidAuthenticationToken");
    assert_eq!(body["error"]["message"], "Access token is empty.");

    for garbage in ["garbage", "eyJ0eXAiOiJKV1QifQ.e30.c2ln", "Bearer"] {
        let (status, _, body) = get_with(&sim, Some(garbage), &path, &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{garbage}: {body}");
        assert_eq!(graph_error_code(&body), "InvalidAuthenticationToken");
    }
    let (status, _, body) = get_with(
        &sim,
        None,
        &path,
        &[("Authorization", "Basic dXNlcjpwYXNz")],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(graph_error_code(&body), "InvalidAuthenticationToken");

    // Expired: the clock moves past the token's lifetime.
    let token = sim.token(0).await;
    let (status, _) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::OK);
    sim.control("clock", json!({"advance_seconds": 7200})).await;
    let (status, body) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(graph_error_code(&body), "InvalidAuthenticationToken");
    assert_eq!(
        body["error"]["message"],
        "Lifetime validation failed, the token is expired."
    );

    // Revoked: a fresh token stops working once the tenant revokes sessions.
    let token = sim.token(0).await;
    let (status, _) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::OK);
    let revoked = sim
        .control(&format!("tenants/{}/revoke", sim.tenant_id(0)), json!({}))
        .await;
    assert!(revoked["revoked"].as_u64().unwrap() >= 1, "{revoked}");
    let (status, body) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(graph_error_code(&body), "InvalidAuthenticationToken");
}

/// Graph's 401 carries `WWW-Authenticate: Bearer realm="", authorization_uri=…, client_id=…`
/// (docs/graph-research.md §0.1).
#[tokio::test]
async fn unauthorized_responses_carry_www_authenticate() {
    let sim = common::start(1, 30).await;
    let (status, headers, _) = get_with(
        &sim,
        Some("garbage"),
        &format!("{BETA}/deviceConfigurations"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no WWW-Authenticate header: {headers:?}"));
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains("authorization_uri="), "{challenge}");
    assert!(
        challenge.contains("client_id=\"00000003-0000-0000-c000-000000000000\""),
        "{challenge}"
    );
}

#[tokio::test]
async fn conditional_access_needs_policy_read_all() {
    let sim = common::start(3, 60).await;
    let path = "/v1.0/identity/conditionalAccess/policies";
    // One conditional access call per tenant: the limit is one request per second per tenant.
    let denied = sim.token(2).await;
    let (status, body) = sim.get_json(&denied, path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(graph_error_code(&body), "Authorization_RequestDenied");
    assert_eq!(
        body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );

    let allowed = sim.token(0).await;
    let (status, body) = sim.get_json(&allowed, path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let policies = body["value"].as_array().unwrap();
    assert_eq!(policies.len(), count_of(&sim, 0, "policies").await);
    assert!(
        policies
            .iter()
            .all(|p| p["state"].is_string() && p["conditions"].is_object()),
        "{body}"
    );

    // Intune reads still work for the tenant without the CA permission.
    let (status, _) = sim
        .get_json(&denied, &format!("{BETA}/deviceConfigurations"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn conditional_access_second_call_within_a_second_is_429_without_retry_after() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let first = sim
        .get(&token, "/v1.0/identity/conditionalAccess/policies")
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = sim
        .get(&token, "/v1.0/identity/conditionalAccess/namedLocations")
        .await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        second.headers().get("retry-after").is_none(),
        "CA sends no Retry-After: {:?}",
        second.headers()
    );
    let body: Value = second.json().await.unwrap();
    assert_eq!(graph_error_code(&body), "TooManyRequests");
}

#[tokio::test]
async fn unknown_ids_are_404_in_each_services_shape() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let unknown = "0badc0de-0000-4000-8000-000000000000";

    let response = sim
        .get(&token, &format!("{BETA}/deviceConfigurations/{unknown}"))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let request_id = response.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(graph_error_code(&body), "ResourceNotFound");
    assert_eq!(body["error"]["innerError"]["request-id"], json!(request_id));
    let inner = intune_message(&body);
    assert_eq!(inner["_version"], 3);
    let message = inner["Message"].as_str().unwrap();
    assert!(
        message.contains(&format!("Activity ID: {request_id}")),
        "{message}"
    );
    assert!(inner["HttpHeaders"].is_string(), "{inner}");

    let (status, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/configurationPolicies/{unknown}/settings"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(graph_error_code(&body), "ResourceNotFound");

    let (status, body) = sim
        .get_json(&token, &format!("/v1.0/groups/{unknown}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(graph_error_code(&body), "Request_ResourceNotFound");
    assert_eq!(
        body["error"]["message"],
        json!(format!("Resource '{unknown}' does not exist or one of its queried reference-property objects are not present."))
    );
}

#[tokio::test]
async fn wrong_or_missing_version_is_404() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    for path in [
        "/v2.0/deviceManagement/deviceConfigurations",
        "/deviceManagement/deviceConfigurations",
        "/v1/groups",
    ] {
        let (status, body) = sim.get_json(&token, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        graph_error_code(&body);
    }
}

/// A wrong version is `404 ResourceNotFound` `Invalid version: <segment lowercased>`
/// (captured in jseerden/IntuneBackupAndRestore#82; docs/graph-research.md §0.1).
#[tokio::test]
async fn wrong_version_error_is_resource_not_found() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    for (path, message) in [
        (
            "/v2.0/deviceManagement/deviceConfigurations",
            "Invalid version: v2.0",
        ),
        (
            "/deviceManagement/deviceConfigurations",
            "Invalid version: devicemanagement",
        ),
    ] {
        let (status, body) = sim.get_json(&token, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(
            graph_error_code(&body),
            "ResourceNotFound",
            "{path}: {body}"
        );
        assert_eq!(body["error"]["message"], message, "{path}");
    }
}

/// `innerError.date` is second precision without a zone designator (`2025-01-22T19:17:04`), as in
/// every captured Graph error (docs/graph-research.md §0.1).
#[tokio::test]
async fn error_inner_date_has_second_precision_without_zone() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (_, body) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations/0badc0de-0000-4000-8000-000000000000"),
        )
        .await;
    let date = body["error"]["innerError"]["date"].as_str().unwrap();
    let ok = date.len() == 19
        && date.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        });
    assert!(
        ok,
        "innerError.date should look like 2025-01-22T19:17:04, is {date}"
    );
}

/// Notification templates keep their messages in the `localizedNotificationMessages` navigation,
/// read per template with `$expand` or `/{id}/localizedNotificationMessages`, or expanded on the
/// list as IntuneCD reads them.
#[tokio::test]
async fn notification_templates_expand_localized_messages() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (templates, _) = sim
        .get_all(&token, &format!("{BETA}/notificationMessageTemplates"))
        .await;
    assert!(!templates.is_empty());
    assert!(
        templates
            .iter()
            .all(|t| t.get("localizedNotificationMessages").is_none()),
        "navigation in a plain list"
    );
    let id = templates[0]["id"].as_str().unwrap();
    let (status, full) = sim
        .get_json(
            &token,
            &format!(
                "{BETA}/notificationMessageTemplates/{id}?$expand=localizedNotificationMessages"
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{full}");
    let messages = full["localizedNotificationMessages"].as_array().unwrap();
    assert!(!messages.is_empty());
    assert!(
        messages
            .iter()
            .all(|m| m["locale"].is_string() && m["subject"].is_string()),
        "{full}"
    );
    let (status, list) = sim
        .get_json(
            &token,
            &format!("{BETA}/notificationMessageTemplates/{id}/localizedNotificationMessages"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["value"].as_array().unwrap().len(), messages.len());
}

/// Intune's built-in enrollment defaults have priority 0 and `createdDateTime` 0001-01-01
/// (captured GETs, docs/graph-research.md §8 and checklist item 10).
#[tokio::test]
async fn default_enrollment_configurations_look_built_in() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (items, _) = sim
        .get_all(&token, &format!("{BETA}/deviceEnrollmentConfigurations"))
        .await;
    let defaults: Vec<&Value> = items.iter().filter(|i| i["priority"] == 0).collect();
    assert!(
        !defaults.is_empty(),
        "every tenant has default enrollment configurations"
    );
    for d in defaults {
        assert!(d["id"].as_str().unwrap().contains("_Default"), "{d}");
        assert_eq!(d["displayName"], "All users and all devices", "{d}");
        assert_eq!(d["createdDateTime"], "0001-01-01T00:00:00Z", "{d}");
    }
}

#[tokio::test]
async fn client_request_id_is_echoed() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (status, headers, body) = get_with(
        &sim,
        Some(&token),
        &format!("{BETA}/deviceConfigurations/0badc0de-0000-4000-8000-000000000000"),
        &[("client-request-id", CLIENT_ID)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["client-request-id"].to_str().unwrap(), CLIENT_ID);
    assert_eq!(body["error"]["innerError"]["client-request-id"], CLIENT_ID);
    assert_ne!(body["error"]["innerError"]["request-id"], CLIENT_ID);
}

/// Intune role assignments: a list leaves `members` out, a GET by id returns them
/// (docs/graph-research.md §15; IntuneCD reads each assignment by id for them).
#[tokio::test]
async fn role_assignment_lists_leave_members_out_and_get_by_id_returns_them() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (items, _) = sim
        .get_all(&token, &format!("{BETA}/roleAssignments"))
        .await;
    assert_eq!(items.len(), count_of(&sim, 0, "roleAssignments").await);
    assert!(!items.is_empty());
    for item in &items {
        assert!(item.get("members").is_none(), "members in a list: {item}");
        assert!(item["displayName"].is_string(), "{item}");
        let id = item["id"].as_str().unwrap();
        let (status, one) = sim
            .get_json(&token, &format!("{BETA}/roleAssignments/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{one}");
        let members = one["members"]
            .as_array()
            .unwrap_or_else(|| panic!("no members on GET by id: {one}"));
        assert!(!members.is_empty(), "{one}");
        assert!(
            one["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("#deviceManagement/roleAssignments/$entity"),
            "{one}"
        );
    }
}

/// The first ADMX configuration of tenant 0 and its first definition value's id.
async fn first_definition_value(sim: &TestSim, token: &str) -> (String, String) {
    let (configs, _) = sim
        .get_all(token, &format!("{BETA}/groupPolicyConfigurations"))
        .await;
    let cid = configs[0]["id"].as_str().unwrap().to_string();
    let (_, values) = sim
        .get_json(
            token,
            &format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues"),
        )
        .await;
    let vid = values["value"][0]["id"].as_str().unwrap().to_string();
    (cid, vid)
}

/// `$expand` is checked as Graph checks it: every name must be a navigation of its type, one
/// level deep (two only where public sources show it, compliance scheduled actions), and only
/// where the service expands it. Sources: docs/graph-research.md §0.7.
#[tokio::test]
async fn expand_names_depth_and_place_are_checked_as_graph_does() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (cid, vid) = first_definition_value(&sim, &token).await;
    let values = format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues");
    const TOO_DEEP: &str =
        "The request includes a $expand path which is too deep. The maximum depth allowed is 1.";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{values}?$expand=bogusNav,definition($expand=nonsense($expand=deeper))"),
            "BadRequest",
            "Parsing OData Select and Expand failed: Could not find a property named 'bogusNav' on type 'microsoft.graph.groupPolicyDefinitionValue'.",
        ),
        (
            format!("{values}?$expand=definition($expand=nonsense($expand=deeper))"),
            "BadRequest",
            "Could not find a property named 'nonsense' on type 'microsoft.graph.groupPolicyDefinition'.",
        ),
        (
            format!("{values}?$expand=definition,presentationValues($expand=presentation)"),
            "BadRequest",
            TOO_DEEP,
        ),
        (
            format!("{values}?$expand=definition($expand=presentations)"),
            "BadRequest",
            TOO_DEEP,
        ),
        (
            format!("{values}/{vid}/presentationValues?$expand=presentation($expand=definition)"),
            "BadRequest",
            "Could not find a property named 'definition' on type 'microsoft.graph.groupPolicyPresentation'.",
        ),
        (
            format!("{BETA}/configurationPolicies?$expand=settings($expand=settingDefinitions)"),
            "BadRequest",
            TOO_DEEP,
        ),
        (
            format!("{BETA}/deviceConfigurations?$expand=assignments($expand=target)"),
            "BadRequest",
            "Could not find a property named 'target' on type 'microsoft.graph.deviceConfigurationAssignment'.",
        ),
        (
            format!("{BETA}/deviceCompliancePolicies?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations($expand=assignments))"),
            "BadRequest",
            "Could not find a property named 'assignments' on type 'microsoft.graph.deviceComplianceActionItem'.",
        ),
        (
            format!("{BETA}/groupPolicyConfigurations?$expand=definitionValues"),
            "ExpandNotSupported",
            "Expand is not allowed for property 'DefinitionValues' according to the entity schema.",
        ),
    ];
    for (url, code, message) in &cases {
        let (status, body) = sim.get_json(&token, url).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(graph_error_code(&body), *code, "{url}: {body}");
        let text = body["error"]["message"].as_str().unwrap();
        assert!(text.contains(message), "{url}: {text}");
    }

    // What the service does expand, it expands in full.
    let served = [
        format!("{BETA}/deviceCompliancePolicies?$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)"),
        format!("{values}?$expand=definition"),
        format!("{values}/{vid}/presentationValues?$expand=presentation"),
        format!("{values}/{vid}?$expand=definition"),
    ];
    for url in &served {
        let (status, body) = sim.get_json(&token, url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
    }
    let (_, listed) = sim
        .get_json(&token, &format!("{values}?$expand=definition"))
        .await;
    for value in listed["value"].as_array().unwrap() {
        assert!(value["definition"]["id"].is_string(), "{value}");
        assert!(
            value["definition@odata.context"]
                .as_str()
                .is_some_and(|c| c.contains(&format!(
                    "definitionValues('{}')/definition",
                    value["id"].as_str().unwrap()
                ))),
            "{value}"
        );
    }
    // A definition value's definition, read on its own (IntuneBackupAndRestore does).
    let (status, definition) = sim
        .get_json(&token, &format!("{values}/{vid}/definition"))
        .await;
    assert_eq!(status, StatusCode::OK, "{definition}");
    assert!(definition["displayName"].is_string(), "{definition}");
    assert!(definition["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/definition/$entity"));
}

/// Where public reports show Graph answering an expansion with an empty array, the simulator does
/// too: a GET of an ADMX configuration with `$expand=definitionValues`
/// (microsoft-graph-docs#19655) and presentation values expanded from a definition value (a
/// public backup script's notes). Clients must read them on their own.
#[tokio::test]
async fn admx_expansions_that_fail_silently_answer_empty_arrays() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (cid, _) = first_definition_value(&sim, &token).await;
    let (status, config) = sim
        .get_json(
            &token,
            &format!("{BETA}/groupPolicyConfigurations/{cid}?$expand=definitionValues"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{config}");
    assert_eq!(config["definitionValues"], json!([]), "{config}");
    assert!(config["definitionValues@odata.context"].is_string());
    let (_, own) = sim
        .get_json(
            &token,
            &format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues"),
        )
        .await;
    assert!(!own["value"].as_array().unwrap().is_empty());

    let (configs, _) = sim
        .get_all(&token, &format!("{BETA}/groupPolicyConfigurations"))
        .await;
    let mut with_presentations = 0;
    for config in &configs {
        let cid = config["id"].as_str().unwrap();
        let values = format!("{BETA}/groupPolicyConfigurations/{cid}/definitionValues");
        let (status, expanded) = sim
            .get_json(&token, &format!("{values}?$expand=presentationValues"))
            .await;
        assert_eq!(status, StatusCode::OK, "{expanded}");
        for value in expanded["value"].as_array().unwrap() {
            assert_eq!(value["presentationValues"], json!([]), "{value}");
            let vid = value["id"].as_str().unwrap();
            let (_, own) = sim
                .get_json(&token, &format!("{values}/{vid}/presentationValues"))
                .await;
            with_presentations += usize::from(!own["value"].as_array().unwrap().is_empty());
        }
    }
    assert!(with_presentations > 0, "no value has presentation values");
}

/// `$expand=assignments` on a list is served only where public sources show it. Autopilot,
/// update profiles, enrollment configurations and ADMX configurations refuse it (400); intents
/// answer it with empty arrays even when assigned (microsoft-graph-explorer-v4#2051). Each object's
/// `/{id}/assignments` is the documented read. Notification templates have no assignments, and
/// their list does not expand `localizedNotificationMessages`.
#[tokio::test]
async fn list_expand_of_assignments_is_refused_where_unverified_and_read_per_object() {
    let sim = common::start(1, 300).await;
    let token = sim.token(0).await;
    for kind in [
        "windowsAutopilotDeploymentProfiles",
        "windowsFeatureUpdateProfiles",
        "windowsQualityUpdateProfiles",
        "windowsDriverUpdateProfiles",
        "deviceEnrollmentConfigurations",
        "groupPolicyConfigurations",
        "intents",
    ] {
        let path = format!("{BETA}/{kind}");
        let (status, body) = sim
            .get_json(&token, &format!("{path}?$expand=assignments"))
            .await;
        let (items, _) = sim.get_all(&token, &path).await;
        assert!(!items.is_empty(), "{kind}: nothing generated");
        if kind == "intents" {
            assert_eq!(status, StatusCode::OK, "{kind}: {body}");
            for item in body["value"].as_array().unwrap() {
                assert_eq!(item["assignments"], json!([]), "{kind}: {item}");
            }
        } else {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {body}");
            assert_eq!(graph_error_code(&body), "ExpandNotSupported", "{kind}");
            assert_eq!(
                body["error"]["message"],
                "Expand is not allowed for property 'Assignments' according to the entity schema."
            );
        }
        let mut assigned = 0;
        for item in &items {
            let id = item["id"].as_str().unwrap();
            let (status, own) = sim
                .get_json(&token, &format!("{path}/{id}/assignments"))
                .await;
            assert_eq!(status, StatusCode::OK, "{kind}: {own}");
            assert_eq!(
                own["@odata.context"],
                json!(format!(
                    "{}/beta/$metadata#deviceManagement/{kind}('{id}')/assignments",
                    sim.graph()
                ))
            );
            assigned += usize::from(!own["value"].as_array().unwrap().is_empty());
        }
        assert!(assigned > 0, "{kind}: no object is assigned");
    }

    let templates = format!("{BETA}/notificationMessageTemplates");
    let (status, body) = sim
        .get_json(&token, &format!("{templates}?$expand=assignments"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["error"]["message"],
        "Parsing OData Select and Expand failed: Could not find a property named 'assignments' on type 'microsoft.graph.notificationMessageTemplate'."
    );
    // The messages, by contrast, expand on the list (IntuneCD reads them from it).
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{templates}?$expand=localizedNotificationMessages"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = body["value"].as_array().unwrap();
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|t| t["localizedNotificationMessages"]
        .as_array()
        .is_some_and(|m| !m.is_empty())));
}

/// A settings catalog policy made from an endpoint security template answers `assignments`
/// empty on a GET by id with `$expand`, though the list expands them
/// (msgraph-sdk-powershell#3337).
#[tokio::test]
async fn endpoint_security_policies_answer_assignments_empty_on_get_by_id() {
    let sim = common::start(1, 60).await;
    let token = sim.token(0).await;
    let (status, created) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/configurationPolicies"),
            &json!({"name": "ES - LAPS", "description": "", "platforms": "windows10", "technologies": "mdm",
                    "roleScopeTagIds": ["0"], "settings": [],
                    "templateReference": {"templateId": "adc46e5a-f4aa-4ff6-aeff-4f27bc525796_1",
                                          "templateFamily": "endpointSecurityAccountProtection"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/configurationPolicies/{id}/assign"),
            &json!({"assignments": [{"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}}]}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let (status, one) = sim
        .get_json(
            &token,
            &format!("{BETA}/configurationPolicies/{id}?$expand=assignments"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["assignments"], json!([]), "{one}");
    let (listed, _) = sim
        .get_all(
            &token,
            &format!("{BETA}/configurationPolicies?$expand=assignments"),
        )
        .await;
    let listed = listed.iter().find(|p| p["id"] == created["id"]).unwrap();
    assert_eq!(
        listed["assignments"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
}
