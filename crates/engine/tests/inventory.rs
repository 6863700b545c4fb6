//! A tenant's inventory on a real workspace: a simulated tenant synced, one object deleted and
//! another changed in the cloud, synced again.

mod common;

use serde_json::{json, Value};
use tenantatlas_engine::ops::inventory::{assignment_count, InventoryItem, Platform};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inventory_lists_live_and_deleted_objects_with_platforms_and_assignments() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(1, 60, 11), dir.path()).await;
    let tenant = sim.tenants()[0].clone();
    let sync = || engine.sync(&[], Default::default(), std::sync::Arc::new(|_| {}));
    sync().await.unwrap();

    let first = engine.inventory(&tenant.domain).await.unwrap();
    let listed = engine
        .policies(&tenant.domain, None, None, false)
        .await
        .unwrap();
    assert_eq!(first.len(), listed.len(), "every live object, nothing else");
    assert!(first.iter().all(|i| !i.deleted && i.version_no == 1));
    assert!(first
        .iter()
        .any(|i| i.platforms.contains(&Platform::Windows)));
    assert!(first.iter().any(|i| i.assignments.is_some_and(|n| n > 0)));
    for item in &first {
        let stored = engine
            .policy(&tenant.domain, &item.object_id, None)
            .await
            .unwrap();
        assert_eq!(
            item.assignments,
            assignment_count(&stored.content),
            "{item:?}"
        );
        assert_eq!(item.kind, stored.kind);
        assert!(!item.kind_label.is_empty());
    }

    // In the cloud: a compliance policy goes, another gets a new description.
    let (gone, changed) = {
        let mut world = sim.sim.world();
        let policies = world.tenants[0]
            .collections
            .iter_mut()
            .find(|(path, objects)| {
                path.ends_with("deviceCompliancePolicies") && objects.len() >= 2
            })
            .map(|(_, objects)| objects)
            .expect("the simulated tenant has compliance policies");
        let id = |o: &tenantatlas_sim::model::SimObject| o.body["id"].as_str().unwrap().to_string();
        let gone = id(&policies.remove(0));
        policies[0].body.insert(
            "description".into(),
            json!("changed for the inventory test"),
        );
        (gone, id(&policies[0]))
    };
    sync().await.unwrap();

    let second = engine.inventory(&tenant.domain).await.unwrap();
    let find =
        |id: &str| -> &InventoryItem { second.iter().find(|i| i.object_id == id).expect("listed") };
    assert!(find(&gone).deleted, "a deleted object is listed as deleted");
    assert_eq!(find(&changed).version_no, 2);
    assert!(!find(&changed).deleted);
    assert_eq!(second.len(), first.len());
    // Live objects come first, deleted ones after.
    let first_deleted = second.iter().position(|i| i.deleted).unwrap();
    assert!(second[first_deleted..].iter().all(|i| i.deleted));

    let diff = engine
        .diff_versions(&tenant.domain, &changed, Some(1), Some(2))
        .await
        .unwrap();
    assert!(
        diff.changes
            .iter()
            .any(|c| c.change.after == Some(Value::from("changed for the inventory test"))),
        "{:?}",
        diff.changes
    );
}
