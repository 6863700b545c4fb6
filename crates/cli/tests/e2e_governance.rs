//! End to end through the real binary: what an MSP does with baselines beyond "one golden tenant":
//! a subset of objects with a name template per tenant, a pin for the odd object, compliance
//! scores, its own severity rules, risk acceptance with an approver, baselines exported to and
//! read from files (ours and an IntuneCD backup), a tenant's approved snapshot as its baseline,
//! and `sync --drift`.

mod common;

use common::{description_patch, CliEnv, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const KIND: &str = "deviceConfigurations";

/// The tenant's device configurations named "MSP - …", as (id, name, @odata.type).
async fn golden_configurations(cli: &CliEnv, domain: &str) -> Vec<(String, String, String)> {
    let list = cli
        .json(&["policies", "list", "--tenant", domain, "--kind", KIND])
        .await;
    let mut out = Vec::new();
    for p in list.as_array().expect("policies list --json is an array") {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        if !name.starts_with("MSP - ") {
            continue;
        }
        let id = p["id"].as_str().unwrap().to_string();
        let shown = cli
            .json(&["policies", "show", "--tenant", domain, "--object", &id])
            .await;
        let odata_type = shown["content"]["@odata.type"]
            .as_str()
            .unwrap_or_else(|| panic!("{shown}"))
            .to_string();
        out.push((id, name, odata_type));
    }
    out
}

async fn patch(sim: &TestSim, token: &str, id: &str, body: &Value) {
    let (status, body) = sim
        .graph_send(
            token,
            Method::PATCH,
            &format!("/beta/deviceManagement/deviceConfigurations/{id}"),
            Some(body),
        )
        .await;
    assert!(status.is_success(), "PATCH {id}: {status} {body}");
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("drift --json has findings: {report}"))
}

fn open_findings(report: &Value) -> Vec<&Value> {
    findings(report)
        .iter()
        .filter(|f| f["state"] == "open")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_pins_scores_overrides_files_and_approved_snapshots() {
    let sim = common::start(common::config(1, 40)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    cli.json(&["sync", "--tenant", &sim.domain(0)]).await;
    let t0 = sim.domain(0);
    let golden = golden_configurations(&cli, &t0).await;
    assert!(
        golden.len() >= 3,
        "the generator makes golden device configurations: {golden:?}"
    );

    // A subset (one kind, names "MSP - *") with the prefix as a placeholder.
    let created = cli
        .json(&[
            "baseline",
            "create",
            "Win",
            "--from-tenant",
            &t0,
            "--kinds",
            KIND,
            "--include",
            "MSP - *",
            "--var",
            "prefix=MSP",
        ])
        .await;
    assert_eq!(created[0]["objects"], golden.len() as u64, "{created}");
    assert_eq!(created[0]["placeholders"], json!(["prefix"]));
    assert_eq!(created[0]["origin"], "tenant");

    // Assigning without the tenant's value says which --var to pass.
    let refused = cli
        .run(&["baseline", "assign", "Win", "--tenant", &t0])
        .await;
    assert!(
        refused.only_error_line().contains("--var prefix=VALUE"),
        "{}",
        refused.stderr
    );
    cli.json(&[
        "baseline",
        "assign",
        "Win",
        "--tenant",
        &t0,
        "--var",
        "prefix=MSP",
    ])
    .await;
    let clean = cli.json(&["drift", "--tenant", &t0]).await;
    assert!(findings(&clean).is_empty(), "{clean}");
    assert_eq!(clean["runs"][0]["score"], 100.0);
    assert_eq!(clean["runs"][0]["compliant"], golden.len() as u64);
    assert_eq!(clean["scores"].as_array().unwrap().len(), golden.len());

    // The customer's naming: "Contoso - …"; one object renamed beyond any template.
    let token = sim.graph_token(0).await;
    let (odd_id, odd_name, _) = golden[0].clone();
    for (id, name, odata_type) in &golden {
        let new_name = if *id == odd_id {
            "Legacy device profile".to_string()
        } else {
            name.replacen("MSP - ", "Contoso - ", 1)
        };
        patch(
            &sim,
            &token,
            id,
            &json!({"@odata.type": odata_type, "displayName": new_name}),
        )
        .await;
    }
    let synced = cli.json(&["sync", "--tenant", &t0, "--drift"]).await;
    let renamed = &synced["drift"];
    assert_eq!(
        open_findings(renamed).len(),
        golden.len(),
        "every object is missing under the old prefix: {renamed}"
    );
    assert!(open_findings(renamed)
        .iter()
        .all(|f| f["drift"] == "missing"));
    assert_eq!(renamed["runs"][0]["score"], 0.0);

    // The tenant's own prefix: all but the odd one match again.
    cli.json(&[
        "baseline",
        "assign",
        "Win",
        "--tenant",
        &t0,
        "--var",
        "prefix=Contoso",
    ])
    .await;
    let templated = cli.json(&["drift", "--tenant", &t0]).await;
    let open = open_findings(&templated);
    assert_eq!(open.len(), 1, "{templated}");
    let expected_odd = odd_name.replacen("MSP - ", "Contoso - ", 1);
    assert_eq!(open[0]["object"], expected_odd.as_str());
    assert_eq!(open[0]["drift"], "missing");
    assert_eq!(
        templated["runs"][0]["resolved"],
        (golden.len() - 1) as u64,
        "{templated}"
    );
    let shown = cli
        .json(&["baseline", "show", "Win", "--tenant", &t0])
        .await;
    let unmatched: Vec<&str> = shown["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["object"].as_str().unwrap())
        .collect();
    assert!(unmatched.contains(&"Legacy device profile"), "{shown}");

    // A pin matches the odd object by hand; its finding resolves.
    let template = odd_name.replacen("MSP - ", "{prefix} - ", 1);
    let pinned = cli
        .json(&[
            "baseline", "pin", "Win", "--tenant", &t0, "--kind", KIND, "--object", &template,
            "--to", &odd_id,
        ])
        .await;
    let item = pinned["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["template"] == template.as_str())
        .unwrap_or_else(|| panic!("{pinned}"));
    assert_eq!(item["matched_by"], "pin");
    assert_eq!(item["object_id"], odd_id.as_str());
    let after_pin = cli.json(&["drift", "--tenant", &t0]).await;
    assert!(open_findings(&after_pin).is_empty(), "{after_pin}");
    assert_eq!(after_pin["runs"][0]["score"], 100.0);

    // A description change is informational by the built-in table; the MSP makes it high.
    let (id1, _, type1) = &golden[1];
    patch(
        &sim,
        &token,
        id1,
        &description_patch(type1, "edited on site"),
    )
    .await;
    let info = cli.json(&["sync", "--tenant", &t0, "--drift"]).await;
    let finding = open_findings(&info["drift"])[0].clone();
    // Any two versions of the object compare by meaning: the latest against the one before…
    let versions = cli.json(&["diff", "--tenant", &t0, "--object", id1]).await;
    assert_eq!(
        versions["to_version"], 3,
        "renamed, then described: {versions}"
    );
    assert_eq!(versions["from_version"], 2);
    let paths: Vec<&str> = versions["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["description"], "{versions}");
    // …or the first against the latest.
    let whole = cli
        .json(&[
            "diff",
            "--tenant",
            &t0,
            "--object",
            id1,
            "--from-version",
            "1",
        ])
        .await;
    let paths: Vec<&str> = whole["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["description", "displayName"], "{whole}");
    assert_eq!(finding["severity"], "info", "{finding}");
    assert_eq!(finding["drift"], "modified");
    let rule = cli
        .json(&[
            "severity",
            "set",
            "--kind",
            KIND,
            "--match",
            "description",
            "--severity",
            "high",
            "--note",
            "our descriptions carry the change ticket",
        ])
        .await;
    assert_eq!(rule["rule"]["severity"], "high");
    let listed = cli.json(&["severity", "list"]).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let high = cli.json(&["drift", "--tenant", &t0]).await;
    assert_eq!(open_findings(&high)[0]["severity"], "high", "{high}");
    assert_eq!(open_findings(&high)[0]["id"], finding["id"]);
    let bad_rule = cli
        .run(&["severity", "set", "--kind", KIND, "--severity", "extreme"])
        .await;
    assert!(bad_rule
        .only_error_line()
        .contains("unknown severity 'extreme'"));
    let too_wide = cli.run(&["severity", "set", "--severity", "low"]).await;
    assert!(too_wide
        .only_error_line()
        .contains("--kind, --drift or --match"));

    // Risk accepted with an approver: the object counts as compliant while the exception holds.
    let id = finding["id"].as_str().unwrap();
    let accepted = cli
        .json(&[
            "findings",
            "accept-risk",
            id,
            "--justification",
            "ticket 4711",
            "--approver",
            "Dana (vCISO)",
            "--expires",
            "2099-12-31",
        ])
        .await;
    assert_eq!(accepted["finding"]["approver"], "Dana (vCISO)");
    assert_eq!(accepted["finding"]["state"], "risk_accepted");
    let excepted = cli.json(&["drift", "--tenant", &t0]).await;
    assert_eq!(excepted["runs"][0]["score"], 100.0, "{excepted}");
    let listed = cli
        .json(&[
            "findings",
            "list",
            "--tenant",
            &t0,
            "--state",
            "risk_accepted",
        ])
        .await;
    assert_eq!(listed[0]["approver"], "Dana (vCISO)");

    // Export, and a new baseline from the export: the same objects and placeholders.
    let file = cli.root.path().join("win-baseline.json");
    let file_text = file.to_str().unwrap();
    cli.json(&["baseline", "export", "Win", "--out", file_text])
        .await;
    let from_file = cli
        .json(&[
            "baseline",
            "create",
            "Win from Git",
            "--from-file",
            file_text,
        ])
        .await;
    assert_eq!(from_file[0]["origin"], "file");
    assert_eq!(from_file[0]["objects"], golden.len() as u64);
    assert_eq!(from_file[0]["placeholders"], json!(["prefix"]));
    cli.json(&[
        "baseline",
        "assign",
        "Win from Git",
        "--tenant",
        &t0,
        "--var",
        "prefix=Contoso",
    ])
    .await;
    let both = cli.json(&["drift", "--tenant", &t0]).await;
    let from_git: Vec<&Value> = open_findings(&both)
        .into_iter()
        .filter(|f| f["baseline"] == "Win from Git")
        .collect();
    // The file baseline knows no pin: the odd object is missing; the description drift is there too.
    let mut drifts: Vec<&str> = from_git
        .iter()
        .map(|f| f["drift"].as_str().unwrap())
        .collect();
    drifts.sort();
    assert_eq!(drifts, vec!["missing", "modified"], "{both}");
    cli.json(&["baseline", "unassign", "Win from Git", "--tenant", &t0])
        .await;

    // Another tool's export: an IntuneCD backup folder reads as a baseline.
    let backup = common::fixtures_dir().join("CES2026-IntuneCD/Backup");
    let ces = cli
        .json(&[
            "baseline",
            "create",
            "CES",
            "--from-file",
            backup.to_str().unwrap(),
        ])
        .await;
    assert_eq!(ces[0]["origin"], "file");
    assert!(ces[0]["objects"].as_u64().unwrap() >= 30, "{ces}");
    let kinds = ces[0]["kinds"].to_string();
    assert!(kinds.contains("configurationPolicies") && kinds.contains("deviceCompliancePolicies"));

    // The tenant's own approved snapshot: nothing drifts, then a new policy shows up.
    let approved = cli.json(&["baseline", "approve", "--tenant", &t0]).await;
    let approved_name = format!("{t0} approved");
    assert_eq!(approved[0]["name"], approved_name.as_str());
    assert_eq!(approved[0]["origin"], "approved");
    assert_eq!(approved[0]["tenants"], json!([t0.clone()]));
    let signed_off = cli.json(&["drift", "--tenant", &t0]).await;
    assert!(
        !findings(&signed_off)
            .iter()
            .any(|f| f["baseline"] == approved_name.as_str()),
        "a tenant against its own fresh snapshot has no findings: {signed_off}"
    );
    let (status, body) = sim
        .graph_send(
            &token,
            Method::POST,
            "/beta/deviceManagement/deviceConfigurations",
            Some(&json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "displayName": "Helpdesk test profile",
                "passwordMinimumLength": 4,
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let since = cli.json(&["sync", "--tenant", &t0, "--drift"]).await;
    let new: Vec<&Value> = open_findings(&since["drift"])
        .into_iter()
        .filter(|f| f["baseline"] == approved_name.as_str())
        .collect();
    assert_eq!(new.len(), 1, "{since}");
    assert_eq!(new[0]["drift"], "unexpected");
    assert_eq!(new[0]["object"], "Helpdesk test profile");

    // Bad input: one line that says what to do.
    let missing = cli
        .run(&[
            "baseline",
            "create",
            "X",
            "--from-file",
            "/nonexistent/baseline.json",
        ])
        .await;
    assert!(
        missing.only_error_line().contains("cannot read"),
        "{}",
        missing.stderr
    );
    let both_sources = cli
        .run(&[
            "baseline",
            "create",
            "X",
            "--from-tenant",
            &t0,
            "--from-file",
            file_text,
        ])
        .await;
    assert_eq!(both_sources.code, Some(1), "{}", both_sources.stderr);
    let bad_pin = cli
        .run(&[
            "baseline", "pin", "Win", "--tenant", &t0, "--kind", KIND, "--object", "nope", "--to",
            &odd_id,
        ])
        .await;
    assert!(
        bad_pin.only_error_line().contains("baseline show"),
        "{}",
        bad_pin.stderr
    );
    let verified = cli.json(&["audit", "verify"]).await;
    assert_eq!(verified["ok"], true, "{verified}");
}
