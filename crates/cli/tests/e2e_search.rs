//! End to end through the real binary: `tenantatlas search` across two synced tenants — the
//! settings group answers "which tenants set BitLocker recovery password rotation, and to what?"
//! as a value per tenant, in JSON and as tables; groups are chosen with `--kind`; a hostile
//! policy name is found and printed harmless; a query that matches nothing says so.

mod common;

use common::CliEnv;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const ROTATION: &str = "device_vendor_msft_bitlocker_configurerecoverypasswordrotation";

fn hits<'a>(results: &'a Value, group: &str) -> &'a Vec<Value> {
    results[group]["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("search --json has {group}.hits: {results}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_setting_in_every_tenant_with_its_value() {
    let sim = common::start(common::config(2, 60)).await;
    let cli = CliEnv::new();
    for index in 0..2 {
        cli.connect(&sim, index).await;
    }
    // A device configuration renamed in the cloud to something that would recolour a terminal.
    let hostile = "Evil \u{1b}[31mred\u{1b}[0m\nsecond line";
    {
        let mut world = sim.handle.sim.world();
        let object = &mut world.tenants[1].collection_mut("deviceConfigurations")[0];
        object.body.insert("displayName".into(), json!(hostile));
    }
    cli.json(&["sync", "--all"]).await;

    // Words in any order, case-insensitive; one hit per tenant and policy, with the value.
    let results = cli
        .json(&[
            "search",
            "Rotation",
            "bitlocker",
            "recovery",
            "password",
            "--kind",
            "settings",
        ])
        .await;
    let rotation: Vec<&Value> = hits(&results, "settings")
        .iter()
        .filter(|h| h["setting_id"] == ROTATION)
        .collect();
    let tenants: BTreeSet<&str> = rotation
        .iter()
        .map(|h| h["tenant_domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        tenants,
        BTreeSet::from([sim.domain(0).as_str(), sim.domain(1).as_str()]),
        "{results:#}"
    );
    for hit in &rotation {
        assert_eq!(hit["setting"], "Configure Recovery Password Rotation");
        assert!(
            hit["value"].as_str().unwrap().starts_with("Refresh"),
            "{hit}"
        );
        assert!(hit["object_name"].as_str().unwrap().contains("BitLocker"));
        for field in [
            "tenant_id",
            "tenant_name",
            "object_id",
            "kind_label",
            "rank",
        ] {
            assert!(hit[field].is_string(), "{field} in {hit}");
        }
    }
    // Only the group asked for.
    assert_eq!(hits(&results, "objects").len(), 0);
    assert_eq!(results["tenants"]["total"], 0);
    assert_eq!(results["tenants_searched"], 2);

    // As tables: a heading per group with its count, tenant → setting → value.
    let text = cli
        .run(&["search", "bitlocker", "recovery", "password", "rotation"])
        .await;
    text.assert_success();
    assert!(text.stdout.contains("Settings ("), "{}", text.stdout);
    assert!(text.stdout.contains("TENANT"), "{}", text.stdout);
    let line = text
        .stdout
        .lines()
        .find(|l| l.contains(&sim.domain(0)) && l.contains("Configure Recovery Password Rotation"))
        .unwrap_or_else(|| panic!("a row for tenant 0: {}", text.stdout));
    assert!(line.contains("Refresh"), "{line}");

    // `--limit` keeps fewer and says how many more matched.
    let few = cli
        .json(&["search", "msp", "--kind", "objects", "--limit", "2"])
        .await;
    assert_eq!(hits(&few, "objects").len(), 2);
    assert!(few["objects"]["more"].as_u64().unwrap() > 0, "{few}");
    let few_text = cli
        .run(&["search", "msp", "--kind", "objects", "--limit", "2"])
        .await;
    assert!(
        few_text.stdout.contains("more not shown (--limit)"),
        "{}",
        few_text.stdout
    );

    // Tenants by name.
    let tenant = cli
        .json(&["search", &sim.name(1), "--kind", "tenants"])
        .await;
    assert_eq!(hits(&tenant, "tenants")[0]["tenant_domain"], sim.domain(1));
    assert_eq!(hits(&tenant, "tenants")[0]["rank"], "exact");

    // The hostile name is found by its words and printed as visible escapes on one line.
    let evil = cli
        .run(&["search", "evil", "red", "--kind", "objects"])
        .await;
    evil.assert_success();
    assert!(!evil.stdout.contains('\u{1b}'), "{:?}", evil.stdout);
    let row = evil
        .stdout
        .lines()
        .find(|l| l.contains("Evil"))
        .unwrap_or_else(|| panic!("{:?}", evil.stdout));
    assert!(row.contains("second line"), "one line per row: {row:?}");
    let evil_json = cli.json(&["search", "evil", "--kind", "objects"]).await;
    assert_eq!(
        hits(&evil_json, "objects")[0]["name"],
        hostile,
        "JSON keeps the text as it is"
    );

    // Nothing found says so; a wrong --kind is one error line.
    let none = cli.run(&["search", "no-such-thing-anywhere"]).await;
    none.assert_success();
    assert!(
        none.stdout.starts_with("nothing matches in 2 tenants"),
        "{}",
        none.stdout
    );
    let wrong = cli.run(&["search", "x", "--kind", "policies"]).await;
    assert!(
        wrong.only_error_line().contains("policies"),
        "{}",
        wrong.stderr
    );
}
