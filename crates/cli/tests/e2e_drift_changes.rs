//! One test per kind of change an administrator makes behind the product's back, through Graph the
//! way real tools do (PUT of a whole settings catalog policy, `/assign`, PATCH, DELETE, POST), on
//! generated objects and on real exported policies from `tests/fixtures/`.
//!
//! Every test starts from one simulated tenant (the clean reference, one object of every kind),
//! takes a baseline from that tenant's own first snapshot and assigns it to the tenant: drift then
//! has to find nothing, not even unexpected objects. After the one change and a second sync, drift
//! has to report exactly one finding, at setting level, with the raw setting id, the friendly name
//! the service gives the setting and a one-line summary.

mod common;

use common::{without_annotations, CliEnv, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// One object of every kind: small enough to sync in about a second.
const OBJECTS: usize = 30;

const POLICIES: &str = "/beta/deviceManagement/configurationPolicies";
const COMPLIANCE: &str = "/beta/deviceManagement/deviceCompliancePolicies";
const CONFIGURATIONS: &str = "/beta/deviceManagement/deviceConfigurations";
const POWERSHELL: &str = "/beta/deviceManagement/deviceManagementScripts";
const SHELL: &str = "/beta/deviceManagement/deviceShellScripts";
const CONDITIONAL_ACCESS: &str = "/v1.0/identity/conditionalAccess/policies";
const FILTERS: &str = "/beta/deviceManagement/assignmentFilters";
const GROUPS: &str = "/v1.0/groups";

const FIXTURE_BITLOCKER: &str =
    "CES2026-IntuneCD/Backup/Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_BitLocker_mdm.json";
const FIXTURE_FIREWALL: &str =
    "CES2026-IntuneCD/Backup/Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_Firewall_mdm.json";
const FIXTURE_USER_RIGHTS: &str =
    "CES2026-IntuneCD/Backup/Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_UserRights_mdm.json";
const FIXTURE_COMPLIANCE: &str = "CES2026-IntuneCD/Backup/Compliance Policies/Policies/POC_WIN_D_CO_SBL_MSZT_DeviceCompliance_windows10CompliancePolicy.json";
const FIXTURE_SHELL_SCRIPT: &str =
    "CES2026-IntuneCD/Backup/Scripts/Shell/[intune-my-macs] SCR-APP-100 - Install Company Portal.json";

/// The OS drive's encryption method, a child of "Choose drive encryption method…".
const OS_DRIVE_METHOD: &str =
    "device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name";
const DRIVE_METHOD: &str = "device_vendor_msft_bitlocker_encryptionmethodbydrivetype";
const DOMAIN_INBOUND: &str = "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction";
const DOMAIN_FIREWALL: &str = "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall";

// ---------------------------------------------------------------------------------------------
// The tenant under test
// ---------------------------------------------------------------------------------------------

/// One simulated tenant connected to a fresh workspace, with a Graph token of its admin.
struct Tenant {
    sim: TestSim,
    cli: CliEnv,
    token: String,
    domain: String,
}

impl Tenant {
    /// Tenant 0 of a one-tenant simulator: the clean golden reference.
    async fn start() -> Tenant {
        let sim = common::start(common::config(1, OBJECTS)).await;
        let token = sim.graph_token(0).await;
        let domain = sim.domain(0);
        Tenant {
            sim,
            cli: CliEnv::new(),
            token,
            domain,
        }
    }

    /// Connects and syncs the tenant, takes its snapshot as baseline "Golden" and assigns it to
    /// the tenant. The tenant against its own fresh snapshot: no finding, unexpected included.
    async fn take_baseline(&self) {
        self.cli.connect(&self.sim, 0).await;
        let synced = self.cli.json(&["sync", "--tenant", &self.domain]).await;
        assert_eq!(synced["runs"][0]["status"], "succeeded", "{synced}");
        let created = self
            .cli
            .json(&[
                "baseline",
                "create",
                "Golden",
                "--from-tenant",
                &self.domain,
            ])
            .await;
        assert!(created[0]["objects"].as_u64().unwrap() >= OBJECTS as u64 - 1);
        self.cli
            .json(&["baseline", "assign", "Golden", "--tenant", &self.domain])
            .await;
        let own = self
            .cli
            .json(&["drift", "--tenant", &self.domain, "--unexpected"])
            .await;
        assert_eq!(
            own["findings"].as_array().map(Vec::len),
            Some(0),
            "a tenant against its own fresh snapshot has no drift: {own}"
        );
        assert!(own["runs"][0]["objects"].as_u64().unwrap() > 0, "{own}");
    }

    /// Syncs again and checks drift; returns the report.
    async fn drift(&self, unexpected: bool) -> Value {
        let synced = self.cli.json(&["sync", "--tenant", &self.domain]).await;
        assert_eq!(synced["runs"][0]["status"], "succeeded", "{synced}");
        let mut args = vec!["drift", "--tenant", &self.domain];
        if unexpected {
            args.push("--unexpected");
        }
        self.cli.json(&args).await
    }

    async fn get(&self, path: &str) -> Value {
        self.sim.graph_get(&self.token, path).await
    }

    async fn find(&self, collection: &str, name: &str) -> Value {
        self.sim.graph_find(&self.token, collection, name).await
    }

    async fn create_fixture(&self, collection: &str, relative: &str) -> Value {
        self.sim
            .create_fixture(&self.token, collection, relative)
            .await
    }

    /// A write that must answer `expected`.
    async fn write(&self, method: Method, path: &str, body: Option<&Value>, expected: StatusCode) {
        let (status, answer) = self
            .sim
            .graph_call(&self.token, method.clone(), path, body)
            .await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
    }

    /// A group of the tenant by display name: `(id, name)`.
    async fn group(&self, name: &str) -> (String, String) {
        let group = self.find(GROUPS, name).await;
        (group["id"].as_str().unwrap().to_string(), name.to_string())
    }

    /// The tenant's one assignment filter: `(id, name)`.
    async fn filter(&self) -> (String, String) {
        let filters = self.sim.graph_list(&self.token, FILTERS).await;
        let filter = filters
            .first()
            .expect("the tenant has an assignment filter");
        (
            filter["id"].as_str().unwrap().to_string(),
            filter["displayName"].as_str().unwrap().to_string(),
        )
    }

    /// The friendly name the service gives a settings catalog setting.
    async fn setting_name(&self, definition_id: &str) -> String {
        self.sim
            .setting_display_name(&self.token, definition_id)
            .await
    }

    /// Changes one choice setting of a settings catalog policy (PUT of the whole policy).
    async fn put_choice(&self, policy_id: &str, definition_id: &str, value: &str) -> String {
        self.sim
            .put_choice(&self.token, policy_id, definition_id, value)
            .await
    }

    /// Replaces an object's assignments through its `/assign` action.
    async fn assign(&self, collection: &str, id: &str, body_key: &str, assignments: Vec<Value>) {
        let path = format!("{collection}/{id}/assign");
        let body = json!({ body_key: assignments });
        let (status, answer) = self
            .sim
            .graph_call(&self.token, Method::POST, &path, Some(&body))
            .await;
        assert!(
            status == StatusCode::OK || status == StatusCode::NO_CONTENT,
            "POST {path}: {status} {answer}"
        );
    }

    /// An object's assignments as read, ready to be sent back to `/assign`.
    async fn assignments(&self, collection: &str, id: &str) -> Vec<Value> {
        self.sim
            .graph_list(&self.token, &format!("{collection}/{id}/assignments"))
            .await
            .iter()
            .map(without_annotations)
            .collect()
    }
}

/// A group assignment target.
fn group_target(group_id: &str, filter: Option<(&str, &str)>) -> Value {
    let (filter_id, mode) = filter.unwrap_or(("00000000-0000-0000-0000-000000000000", "none"));
    json!({"target": {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        "groupId": group_id,
        "deviceAndAppManagementAssignmentFilterId": filter_id,
        "deviceAndAppManagementAssignmentFilterType": mode,
    }})
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A script body as Graph carries it: standard base64 with padding. (Written out here rather than
/// adding a dependency to the CLI's tests for a dozen lines.)
fn encode(text: &str) -> String {
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode(base64_text: &Value) -> String {
    let text = base64_text.as_str().expect("base64 text");
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = BASE64
            .iter()
            .position(|b| *b == c)
            .unwrap_or_else(|| panic!("{c:?} is not base64"));
        bits = (bits << 6) | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    String::from_utf8(bytes).expect("UTF-8 script")
}

/// `text` with its first line that contains `needle` replaced by `line`, and the line replaced.
fn replace_line(text: &str, needle: &str, line: &str) -> (String, String) {
    let mut old = None;
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| {
            if old.is_none() && l.contains(needle) {
                old = Some(l.to_string());
                line
            } else {
                l
            }
        })
        .collect();
    let old = old.unwrap_or_else(|| panic!("the script has a line containing {needle:?}"));
    (lines.join("\n"), old)
}

// ---------------------------------------------------------------------------------------------
// What a finding must say
// ---------------------------------------------------------------------------------------------

/// A finding or change for an assertion message, with long text (script bodies) shortened.
fn brief(value: &Value) -> String {
    fn shorten(value: &Value) -> Value {
        match value {
            Value::String(s) if s.chars().count() > 160 => {
                let head: String = s.chars().take(160).collect();
                json!(format!("{head}… ({} characters)", s.chars().count()))
            }
            Value::Array(items) => Value::Array(items.iter().map(shorten).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), shorten(v))).collect())
            }
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&shorten(value)).unwrap_or_default()
}

/// The one finding of a drift report, which must be about `object` (`kind`) and of type `drift`.
fn only_finding<'a>(report: &'a Value, kind: &str, object: &str, drift: &str) -> &'a Value {
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "exactly one finding: {}", brief(report));
    let f = &findings[0];
    assert_eq!(f["kind"], kind, "{}", brief(f));
    assert_eq!(f["object"], object, "{}", brief(f));
    assert_eq!(f["drift"], drift, "{}", brief(f));
    assert_eq!(f["state"], "open", "{}", brief(f));
    let run = &report["runs"][0];
    assert_eq!(
        (&run["opened"], &run["resolved"]),
        (&json!(1), &json!(0)),
        "{run}"
    );
    f
}

/// The one change of a finding.
fn only_change(finding: &Value) -> &Value {
    let changes = finding["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "exactly one change: {}", brief(finding));
    &changes[0]
}

/// How a change must be labelled: `setting_id` the raw id, `setting` the friendly name, `summary`
/// one line "Name: before → after" ("Name: added" / "Name: removed" when one side is absent).
enum Label<'a> {
    /// A settings catalog setting: the definition's id and the display name the service gives it
    /// (without the trailing colon the catalog puts on dropdown labels: "…drives:").
    Catalog { id: &'a str, display_name: &'a str },
    /// A property of a flat policy (or a CA condition): `setting_id` is the property's raw name
    /// (`Some`: exactly this; `None`: whatever leading part of the path it is), `setting` a
    /// readable name that is not the raw one.
    Property(Option<&'a str>),
    /// A script body: the summary says that exactly one line changed ("Name: changed (+1 −1
    /// lines)"), and the line diff shows which.
    Script { removed: &'a str, added: &'a str },
    /// An assignment: the friendly name names the group.
    Assignment { group: &'a str },
}

fn assert_label(change: &Value, label: Label) {
    let setting = change["setting"].as_str();
    let setting_id = change["setting_id"].as_str();
    match label {
        Label::Catalog { id, display_name } => {
            assert_eq!(
                setting_id,
                Some(id),
                "setting_id is the raw id: {}",
                brief(change)
            );
            let friendly = display_name.trim().trim_end_matches(':').trim();
            assert_eq!(
                setting,
                Some(friendly),
                "setting is the friendly name: {}",
                brief(change)
            );
        }
        Label::Property(id) => {
            let raw = setting_id.unwrap_or_else(|| panic!("setting_id is set: {}", brief(change)));
            match id {
                Some(id) => assert_eq!(raw, id, "setting_id is the raw name: {}", brief(change)),
                None => assert!(
                    !raw.is_empty() && change["path"].as_str().unwrap().starts_with(raw),
                    "setting_id names the changed property: {}",
                    brief(change)
                ),
            }
            let name = setting.unwrap_or_else(|| panic!("setting is set: {}", brief(change)));
            assert!(
                !name.trim().is_empty() && name != raw,
                "setting is a readable name, not the raw one: {}",
                brief(change)
            );
        }
        Label::Script { removed, added } => {
            let summary = change["summary"].as_str().unwrap_or_default();
            assert!(
                summary.contains("+1 −1"),
                "the summary says one line changed: {}",
                brief(change)
            );
            let lines = change["text_diff"].as_str().unwrap_or_default();
            assert!(
                lines.lines().any(|l| l == format!("-{removed}"))
                    && lines.lines().any(|l| l == format!("+{added}")),
                "the line diff shows -{removed:?} +{added:?}: {}",
                brief(change)
            );
        }
        Label::Assignment { group } => {
            assert!(
                setting.is_some_and(|s| s.contains(group)),
                "the friendly name names the group {group}: {}",
                brief(change)
            );
        }
    }
    let summary = change["summary"]
        .as_str()
        .unwrap_or_else(|| panic!("a change has a summary: {}", brief(change)));
    assert!(
        !summary.contains('\n'),
        "the summary is one line: {}",
        brief(change)
    );
    let shape = match (change["before"].is_null(), change["after"].is_null()) {
        _ if change["text_diff"].is_string() => "changed",
        (false, false) => "→",
        (true, _) => "added",
        (_, true) => "removed",
    };
    assert!(
        summary.contains(shape),
        "the summary reads \"Name: before → after\" (or added/removed): {}",
        brief(change)
    );
    if let Some(name) = setting {
        assert!(
            summary.starts_with(&format!("{name}:")),
            "the summary starts with the friendly name: {}",
            brief(change)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Generated objects
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settings_catalog_value_changed_is_one_setting_level_change() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t.find(POLICIES, "MSP - Win - BitLocker").await;
    let id = policy["id"].as_str().unwrap();
    let old = t.put_choice(id, OS_DRIVE_METHOD, "6").await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "MSP - Win - BitLocker",
        "modified",
    );
    assert_eq!(f["object_id"], id);
    let c = only_change(f);
    assert_eq!(
        c["path"],
        format!("settings[{DRIVE_METHOD}].children[{OS_DRIVE_METHOD}].value")
    );
    assert_eq!(c["before"], old);
    assert_eq!(c["after"], format!("{OS_DRIVE_METHOD}_6"));
    let display_name = t.setting_name(OS_DRIVE_METHOD).await;
    assert_label(
        c,
        Label::Catalog {
            id: OS_DRIVE_METHOD,
            display_name: &display_name,
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flat_compliance_setting_changed_is_one_property_change() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t.find(COMPLIANCE, "MSP - Win - Compliance").await;
    let id = policy["id"].as_str().unwrap();
    assert_eq!(policy["secureBootEnabled"], true);
    let patch = json!({"@odata.type": policy["@odata.type"], "secureBootEnabled": false});
    t.write(
        Method::PATCH,
        &format!("{COMPLIANCE}/{id}"),
        Some(&patch),
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceCompliancePolicies",
        "MSP - Win - Compliance",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(c["path"], "secureBootEnabled");
    assert_eq!((&c["before"], &c["after"]), (&json!(true), &json!(false)));
    assert_label(c, Label::Property(Some("secureBootEnabled")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_added_assignment_alone_is_an_assignments_finding() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t.find(COMPLIANCE, "MSP - Win - Compliance").await;
    let id = policy["id"].as_str().unwrap();
    let (group_id, group) = t.group("SG-Intune-Pilot-Users").await;
    let mut assignments = t.assignments(COMPLIANCE, id).await;
    assert!(!assignments
        .iter()
        .any(|a| a["target"]["groupId"] == group_id));
    assignments.push(group_target(&group_id, None));
    t.assign(COMPLIANCE, id, "assignments", assignments).await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceCompliancePolicies",
        "MSP - Win - Compliance",
        "assignments",
    );
    let c = only_change(f);
    assert_eq!(c["path"], format!("assignments[group:{group}]"));
    assert_eq!(c["before"], Value::Null, "{}", brief(c));
    assert!(c["after"].is_object(), "{}", brief(c));
    assert_label(c, Label::Assignment { group: &group });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_mode_switched_to_exclude_is_one_assignment_change() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t.find(POLICIES, "MSP - Win - BitLocker").await;
    let id = policy["id"].as_str().unwrap();
    let (filter_id, filter) = t.filter().await;
    let mut assignments = t.assignments(POLICIES, id).await;
    let filtered = assignments
        .iter_mut()
        .find(|a| a["target"]["deviceAndAppManagementAssignmentFilterType"] == "include")
        .expect("BitLocker has an assignment with an include filter");
    assert_eq!(
        filtered["target"]["deviceAndAppManagementAssignmentFilterId"],
        filter_id.as_str()
    );
    filtered["target"]["deviceAndAppManagementAssignmentFilterType"] = json!("exclude");
    let group_id = filtered["target"]["groupId"].as_str().unwrap().to_string();
    let group = t.get(&format!("{GROUPS}/{group_id}")).await["displayName"]
        .as_str()
        .unwrap()
        .to_string();
    t.assign(POLICIES, id, "assignments", assignments).await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "MSP - Win - BitLocker",
        "assignments",
    );
    let c = only_change(f);
    let path = c["path"].as_str().unwrap();
    assert!(
        path.starts_with("assignments[") && path.contains(&format!("group:{group}")),
        "the change is the assignment to {group} (filter {filter}): {}",
        brief(c)
    );
    assert_eq!(
        (&c["before"], &c["after"]),
        (&json!("include"), &json!("exclude")),
        "the filter mode, not the whole assignment: {}",
        brief(c)
    );
    assert_label(c, Label::Assignment { group: &group });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conditional_access_exclusion_added_is_one_condition_change() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t
        .find(CONDITIONAL_ACCESS, "MSP - CA001 - Require MFA for admins")
        .await;
    let id = policy["id"].as_str().unwrap();
    let mut before = Vec::new();
    for group_id in policy["conditions"]["users"]["excludeGroups"]
        .as_array()
        .unwrap()
    {
        let group = t
            .get(&format!("{GROUPS}/{}", group_id.as_str().unwrap()))
            .await;
        before.push(format!("group:{}", group["displayName"].as_str().unwrap()));
    }
    let (group_id, group) = t.group("SG-Intune-Pilot-Users").await;
    let mut conditions = without_annotations(&policy["conditions"]);
    conditions["users"]["excludeGroups"]
        .as_array_mut()
        .unwrap()
        .push(json!(group_id));
    t.write(
        Method::PATCH,
        &format!("{CONDITIONAL_ACCESS}/{id}"),
        Some(&json!({ "conditions": conditions })),
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "conditionalAccessPolicies",
        "MSP - CA001 - Require MFA for admins",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(c["path"], "conditions.users.excludeGroups");
    let mut after = before.clone();
    after.push(format!("group:{group}"));
    after.sort();
    before.sort();
    assert_eq!((&c["before"], &c["after"]), (&json!(before), &json!(after)));
    assert_label(c, Label::Property(None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_script_line_changed_is_one_script_change() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let listed = t.find(POWERSHELL, "MSP - Win - Set Time Zone").await;
    let id = listed["id"].as_str().unwrap();
    // Lists leave scriptContent null; the body comes with the object by id.
    let script = t.get(&format!("{POWERSHELL}/{id}")).await;
    let old = decode(&script["scriptContent"]);

    let added = "$ErrorActionPreference = 'Continue'";
    let (new, removed) = replace_line(&old, "$ErrorActionPreference = ", added);
    let patch = json!({"@odata.type": script["@odata.type"], "scriptContent": encode(&new)});
    t.write(
        Method::PATCH,
        &format!("{POWERSHELL}/{id}"),
        Some(&patch),
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceManagementScripts",
        "MSP - Win - Set Time Zone",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(c["path"], "scriptContent");
    assert!(
        c["before"] == old.as_str() && c["after"] == new.as_str(),
        "before and after are the whole decoded scripts: {}",
        brief(c)
    );
    assert_label(
        c,
        Label::Script {
            removed: &removed,
            added,
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_policy_is_a_deleted_finding_with_its_id() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let policy = t
        .find(CONFIGURATIONS, "MSP - Win - Device Restrictions")
        .await;
    let id = policy["id"].as_str().unwrap();
    t.write(
        Method::DELETE,
        &format!("{CONFIGURATIONS}/{id}"),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceConfigurations",
        "MSP - Win - Device Restrictions",
        "deleted",
    );
    assert_eq!(f["object_id"], id, "a ghost keeps its id");
    assert_eq!(f["changes"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_policy_is_unexpected() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let created = t
        .sim
        .graph_create(
            &t.token,
            CONFIGURATIONS,
            &json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "displayName": "Test - do not use (e2e)",
                "description": "made in the portal, outside the baseline",
                "passwordRequired": true,
                "passwordMinimumLength": 12,
            }),
        )
        .await;

    let plain = t.drift(false).await;
    assert_eq!(
        plain["findings"],
        json!([]),
        "without --unexpected an extra object is no drift: {plain}"
    );
    let report = t.drift(true).await;
    let f = only_finding(
        &report,
        "deviceConfigurations",
        "Test - do not use (e2e)",
        "unexpected",
    );
    assert_eq!(f["object_id"], created["id"]);
    assert_eq!(f["changes"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Real exported policies (tests/fixtures)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_cis_bitlocker_value_changed_is_one_setting_level_change() {
    let t = Tenant::start().await;
    let created = t.create_fixture(POLICIES, FIXTURE_BITLOCKER).await;
    t.take_baseline().await;
    let id = created["id"].as_str().unwrap();
    let old = t.put_choice(id, OS_DRIVE_METHOD, "7").await;
    assert_eq!(old, format!("{OS_DRIVE_METHOD}_6"));

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "POC_WIN_D_CO_SBL_CIS_MS_BitLocker",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(
        c["path"],
        format!("settings[{DRIVE_METHOD}].children[{OS_DRIVE_METHOD}].value")
    );
    assert_eq!(
        (&c["before"], &c["after"]),
        (
            &json!(format!("{OS_DRIVE_METHOD}_6")),
            &json!(format!("{OS_DRIVE_METHOD}_7"))
        )
    );
    let display_name = t.setting_name(OS_DRIVE_METHOD).await;
    assert_label(
        c,
        Label::Catalog {
            id: OS_DRIVE_METHOD,
            display_name: &display_name,
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_cis_firewall_value_changed_is_one_setting_level_change() {
    let t = Tenant::start().await;
    let created = t.create_fixture(POLICIES, FIXTURE_FIREWALL).await;
    t.take_baseline().await;
    let id = created["id"].as_str().unwrap();
    let old = t.put_choice(id, DOMAIN_INBOUND, "0").await;
    assert_eq!(old, format!("{DOMAIN_INBOUND}_1"));

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "POC_WIN_D_CO_SBL_CIS_MS_Firewall",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(
        c["path"],
        format!("settings[{DOMAIN_FIREWALL}].children[{DOMAIN_INBOUND}].value")
    );
    assert_eq!(
        (&c["before"], &c["after"]),
        (
            &json!(format!("{DOMAIN_INBOUND}_1")),
            &json!(format!("{DOMAIN_INBOUND}_0"))
        )
    );
    let display_name = t.setting_name(DOMAIN_INBOUND).await;
    assert_label(
        c,
        Label::Catalog {
            id: DOMAIN_INBOUND,
            display_name: &display_name,
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_compliance_setting_changed_is_one_property_change() {
    let t = Tenant::start().await;
    let created = t.create_fixture(COMPLIANCE, FIXTURE_COMPLIANCE).await;
    t.take_baseline().await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["osMinimumVersion"], "10.0.26200.0000");
    let patch =
        json!({"@odata.type": created["@odata.type"], "osMinimumVersion": "10.0.22631.0000"});
    t.write(
        Method::PATCH,
        &format!("{COMPLIANCE}/{id}"),
        Some(&patch),
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceCompliancePolicies",
        "POC_WIN_D_CO_SBL_MSZT_DeviceCompliance",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(c["path"], "osMinimumVersion");
    assert_eq!(
        (&c["before"], &c["after"]),
        (&json!("10.0.26200.0000"), &json!("10.0.22631.0000"))
    );
    assert_label(c, Label::Property(Some("osMinimumVersion")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_assignment_changed_alone_is_an_assignments_finding() {
    let t = Tenant::start().await;
    let created = t.create_fixture(COMPLIANCE, FIXTURE_COMPLIANCE).await;
    let id = created["id"].as_str().unwrap();
    let (pilot_id, _) = t.group("SG-Intune-Pilot-Users").await;
    t.assign(
        COMPLIANCE,
        id,
        "assignments",
        vec![group_target(&pilot_id, None)],
    )
    .await;
    t.take_baseline().await;
    let (devices_id, devices) = t.group("SG-Intune-Windows-Devices").await;
    let mut assignments = t.assignments(COMPLIANCE, id).await;
    assignments.push(group_target(&devices_id, None));
    t.assign(COMPLIANCE, id, "assignments", assignments).await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceCompliancePolicies",
        "POC_WIN_D_CO_SBL_MSZT_DeviceCompliance",
        "assignments",
    );
    let c = only_change(f);
    assert_eq!(c["path"], format!("assignments[group:{devices}]"));
    assert_eq!(c["before"], Value::Null, "{}", brief(c));
    assert_label(c, Label::Assignment { group: &devices });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_filter_mode_switched_to_exclude_is_one_assignment_change() {
    let t = Tenant::start().await;
    let created = t.create_fixture(POLICIES, FIXTURE_FIREWALL).await;
    let id = created["id"].as_str().unwrap();
    let (group_id, group) = t.group("SG-Intune-Windows-Devices").await;
    let (filter_id, _) = t.filter().await;
    t.assign(
        POLICIES,
        id,
        "assignments",
        vec![group_target(&group_id, Some((&filter_id, "include")))],
    )
    .await;
    t.take_baseline().await;
    t.assign(
        POLICIES,
        id,
        "assignments",
        vec![group_target(&group_id, Some((&filter_id, "exclude")))],
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "POC_WIN_D_CO_SBL_CIS_MS_Firewall",
        "assignments",
    );
    let c = only_change(f);
    let path = c["path"].as_str().unwrap();
    assert!(
        path.starts_with("assignments[") && path.contains(&format!("group:{group}")),
        "the change is the assignment to {group}: {}",
        brief(c)
    );
    assert_eq!(
        (&c["before"], &c["after"]),
        (&json!("include"), &json!("exclude")),
        "the filter mode, not the whole assignment: {}",
        brief(c)
    );
    assert_label(c, Label::Assignment { group: &group });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_shell_script_line_changed_is_one_script_change() {
    let t = Tenant::start().await;
    let created = t.create_fixture(SHELL, FIXTURE_SHELL_SCRIPT).await;
    t.take_baseline().await;
    let id = created["id"].as_str().unwrap();
    let script = t.get(&format!("{SHELL}/{id}")).await;
    let old = decode(&script["scriptContent"]);

    let added = "autoUpdate=\"false\"";
    let (new, removed) = replace_line(&old, "autoUpdate=\"true\"", added);
    let patch = json!({"@odata.type": script["@odata.type"], "scriptContent": encode(&new)});
    t.write(
        Method::PATCH,
        &format!("{SHELL}/{id}"),
        Some(&patch),
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "deviceShellScripts",
        "[intune-my-macs] SCR-APP-100 - Install Company Portal",
        "modified",
    );
    let c = only_change(f);
    assert_eq!(c["path"], "scriptContent");
    assert!(
        c["before"] == old.as_str() && c["after"] == new.as_str(),
        "before and after are the whole decoded scripts: {}",
        brief(c)
    );
    assert_label(
        c,
        Label::Script {
            removed: &removed,
            added,
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_deleted_policy_is_a_deleted_finding_with_its_id() {
    let t = Tenant::start().await;
    let created = t.create_fixture(POLICIES, FIXTURE_FIREWALL).await;
    t.take_baseline().await;
    let id = created["id"].as_str().unwrap();
    t.write(
        Method::DELETE,
        &format!("{POLICIES}/{id}"),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;

    let report = t.drift(false).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "POC_WIN_D_CO_SBL_CIS_MS_Firewall",
        "deleted",
    );
    assert_eq!(f["object_id"], id, "a ghost keeps its id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_new_policy_is_unexpected() {
    let t = Tenant::start().await;
    t.take_baseline().await;
    let created = t.create_fixture(POLICIES, FIXTURE_USER_RIGHTS).await;

    let report = t.drift(true).await;
    let f = only_finding(
        &report,
        "configurationPolicies",
        "POC_WIN_D_CO_SBL_CIS_MS_UserRights",
        "unexpected",
    );
    assert_eq!(f["object_id"], created["id"]);
}

#[test]
fn base64_round_trips() {
    for text in [
        "",
        "a",
        "ab",
        "abc",
        "abcd",
        "#!/bin/bash\nset -e\n",
        "Müller & Söhne",
    ] {
        assert_eq!(decode(&json!(encode(text))), text);
    }
    assert_eq!(encode("Man"), "TWFu");
    assert_eq!(encode("Ma"), "TWE=");
}
