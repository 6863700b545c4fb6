//! `tenantatlas settings`: every setting listed with its default marked, `settings set` checked by
//! the engine (one `error:` line saying what is allowed), the change kept in the workspace and in
//! its audit log, and `tenant add` taking the workspace's client id for a new tenant.

mod common;

use common::CliEnv;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_listed_set_checked_and_audited() {
    let cli = CliEnv::new();
    let listed = cli.json(&["settings"]).await;
    let entries = listed["settings"].as_array().unwrap();
    assert_eq!(entries.len(), 14);
    assert_eq!(entries[0]["key"], "sync.interval_minutes");
    assert_eq!(entries[0]["value"], 60);
    assert!(entries.iter().all(|e| e["default"] == true), "{listed}");

    let text = cli.run(&["settings"]).await;
    text.assert_success();
    assert!(
        text.stdout.lines().any(|l| l.starts_with("sla.warn_hours")
            && l.contains("24")
            && l.contains("(default)")),
        "{}",
        text.stdout
    );

    let set = cli
        .json(&["settings", "set", "sla.overdue_hours", "96"])
        .await;
    assert_eq!(
        set["setting"],
        json!({"key": "sla.overdue_hours", "value": 96, "default": false, "allowed": "hours, more than sla.warn_hours"})
    );
    let said = cli
        .run(&["settings", "set", "sync.interval_minutes", "0"])
        .await;
    said.assert_success();
    assert_eq!(said.stdout.trim(), "sync.interval_minutes set to 0");

    let refused = cli
        .run(&["settings", "set", "sync.interval_minutes", "5"])
        .await;
    let line = refused.only_error_line();
    assert!(
        line.contains("0 (no schedule) or 15 to 1440 minutes"),
        "{line}"
    );
    let unknown = cli.run(&["settings", "set", "colour", "blue"]).await;
    assert!(unknown
        .only_error_line()
        .contains("unknown setting 'colour'"));

    let after = cli.json(&["settings"]).await;
    let value = |key: &str| {
        after["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .cloned()
            .unwrap()
    };
    assert_eq!(value("sla.overdue_hours")["value"], 96);
    assert_eq!(value("sync.interval_minutes")["value"], 0);
    assert_eq!(value("sync.interval_minutes")["default"], false);
    assert_eq!(value("sla.warn_hours")["default"], true);

    let audit = cli.json(&["audit", "list"]).await;
    let changes: Vec<&serde_json::Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "settings.set")
        .collect();
    assert_eq!(changes.len(), 2, "{audit}");
    assert_eq!(
        changes[0]["details"],
        json!({"key": "sla.overdue_hours", "value": 96})
    );

    // Empty puts a tenant default back to Microsoft's.
    cli.json(&[
        "settings",
        "set",
        "tenant.client_id",
        "0e1b2c3d-1111-2222-3333-444455556666",
    ])
    .await;
    let back = cli.run(&["settings", "set", "tenant.client_id", ""]).await;
    back.assert_success();
    assert!(
        back.stdout
            .contains("back to its default: 14d82eec-204b-4c2f-b7e8-296a70dab67e"),
        "{}",
        back.stdout
    );
}
