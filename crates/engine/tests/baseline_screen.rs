//! The desktop app's Baselines and Compare screens over the engine, on a real workspace: a
//! simulated portfolio synced, a baseline made of objects picked one by one with a name template,
//! assigned and checked; the baseline in full with each tenant's counts and score; and two tenants,
//! a tenant and a baseline, and two snapshots of one tenant compared by meaning.

mod common;

use std::collections::BTreeMap;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::compare::{CompareSide, Compared, SideFacts};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ErrorCode;

fn tenant_side(tenant: &str) -> CompareSide {
    CompareSide::Tenant {
        tenant: tenant.to_string(),
        snapshot: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picked_baseline_in_full_and_sides_compared_by_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(3, 60, 7), dir.path()).await;
    let tenants = sim.tenants().to_vec();
    // One MSP object configured differently by hand in the second tenant.
    {
        let mut world = sim.sim.world();
        let at = world
            .tenants
            .iter()
            .position(|t| t.domain == tenants[1].domain)
            .unwrap();
        let object = world.tenants[at]
            .collections
            .iter_mut()
            .flat_map(|(_, objects)| objects.iter_mut())
            .find(|o| {
                o.body
                    .get("displayName")
                    .and_then(|v| v.as_str())
                    .is_some_and(|n| n.starts_with("MSP - "))
            })
            .expect("an MSP object");
        object.body.insert(
            "description".into(),
            serde_json::json!("changed by hand in this tenant"),
        );
    }
    engine
        .sync(&[], Default::default(), std::sync::Arc::new(|_| {}))
        .await
        .unwrap();
    let (reference, others) = (&tenants[0].domain, &tenants[1..]);

    // Objects picked one by one: the reference tenant's "MSP - …" objects but the first, named
    // with the template "{prefix} - …".
    let inventory = engine.inventory(reference).await.unwrap();
    let msp: Vec<_> = inventory
        .iter()
        .filter(|i| !i.deleted && i.name.starts_with("MSP - "))
        .collect();
    assert!(msp.len() > 3, "the reference tenant has MSP objects");
    let picked: Vec<String> = msp[1..].iter().map(|i| i.object_id.clone()).collect();
    let input = CreateBaseline {
        name: "Picked".into(),
        source: BaselineSource::Tenant {
            tenant: reference.clone(),
            snapshot: None,
        },
        kinds: Vec::new(),
        include: Vec::new(),
        exclude: Vec::new(),
        vars: BTreeMap::from([("prefix".to_string(), "MSP".to_string())]),
        unexpected: false,
    };
    let none = engine.create_baseline_of(&input, &[]).await.unwrap_err();
    assert_eq!(none.code, ErrorCode::InvalidInput, "{none}");
    let created = engine.create_baseline_of(&input, &picked).await.unwrap();
    assert_eq!(created.objects, picked.len() as u64);
    assert_eq!(created.placeholders, ["prefix"]);
    let vars = BTreeMap::from([("prefix".to_string(), "MSP".to_string())]);
    for tenant in others {
        engine
            .assign_baseline("Picked", &tenant.domain, &vars)
            .await
            .unwrap();
    }

    // Before any drift check: tenants listed, no score yet.
    let rows = engine.baseline_rows().await.unwrap();
    let row = rows.iter().find(|r| r.baseline.name == "Picked").unwrap();
    assert_eq!(row.average_score, None);
    assert_eq!(row.baseline.tenants.len(), others.len());

    let report = engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap();
    let rows = engine.baseline_rows().await.unwrap();
    let row = rows.iter().find(|r| r.baseline.name == "Picked").unwrap();
    let mean = report.runs.iter().map(|r| r.score).sum::<f64>() / report.runs.len() as f64;
    let average = row.average_score.expect("scored after drift");
    assert!((average - mean).abs() < 0.06, "{average} vs {mean}");
    assert_eq!(row.scored_tenants, others.len() as u64);

    let detail = engine.baseline_detail("picked", today()).await.unwrap();
    assert_eq!(detail.baseline.name, "Picked");
    assert_eq!(detail.objects.len(), picked.len());
    assert!(detail
        .objects
        .iter()
        .all(|o| o.templated && o.name.starts_with("{prefix} - ")));
    assert!(detail.objects.iter().all(|o| !o.kind_label.is_empty()));
    assert_eq!(detail.versions.len(), 1);
    assert_eq!(detail.versions[0].version, 1);
    assert_eq!(detail.versions[0].objects, picked.len() as u64);
    assert_eq!(detail.tenants.len(), others.len());
    for t in &detail.tenants {
        let run = report.runs.iter().find(|r| r.tenant == t.domain).unwrap();
        assert_eq!(t.score, Some(run.score));
        assert_eq!(t.vars, vars);
        let drifted = report
            .findings
            .iter()
            .filter(|f| f.tenant == t.domain && f.baseline == "Picked" && f.is_standing());
        let missing = drifted
            .clone()
            .filter(|f| f.drift == "missing" || f.drift == "deleted")
            .count() as u64;
        let different = drifted.filter(|f| f.drift == "modified").count() as u64;
        assert_eq!(
            (t.missing, t.different),
            (missing, different),
            "{}",
            t.domain
        );
        assert_eq!(t.matched + t.missing + t.different, picked.len() as u64);
    }

    // Two tenants side by side: every object of both, counts that add up, and a different
    // object's changes in words.
    let (a, b) = (&others[0].domain, reference);
    let both = engine
        .compare(&tenant_side(a), &tenant_side(b))
        .await
        .unwrap();
    let c = &both.counts;
    assert_eq!(
        (c.only_left + c.only_right + c.different + c.same) as usize,
        both.objects.len()
    );
    assert!(c.same > 0 && c.different > 0, "{c:?}");
    let different = both
        .objects
        .iter()
        .find(|o| o.status == Compared::Different && !o.changes.is_empty())
        .expect("a different object");
    assert!(!different.changes[0].label.summary.is_empty());
    assert!(different.left_id.is_some() && different.right_id.is_some());
    // Swapped, the only-left become only-right.
    let swapped = engine
        .compare(&tenant_side(b), &tenant_side(a))
        .await
        .unwrap();
    assert_eq!(swapped.counts.only_left, c.only_right);
    assert_eq!(swapped.counts.different, c.different);
    // The same tenant's same snapshot twice is refused; a baseline against a tenant renders its
    // templates with the tenant's values, so its objects pair with the tenant's by name.
    let same = engine
        .compare(&tenant_side(a), &tenant_side(a))
        .await
        .unwrap_err();
    assert_eq!(same.code, ErrorCode::InvalidInput);
    let against = engine
        .compare(
            &CompareSide::Baseline {
                name: "Picked".into(),
            },
            &tenant_side(a),
        )
        .await
        .unwrap();
    assert!(matches!(
        &against.left,
        SideFacts::Baseline { version: 1, .. }
    ));
    let t = detail.tenants.iter().find(|t| &t.domain == a).unwrap();
    assert_eq!(against.counts.only_left, t.missing, "{:?}", against.counts);
    assert!(against.counts.same + against.counts.different > 0);
    assert!(against
        .objects
        .iter()
        .filter(|o| o.status != Compared::OnlyRight)
        .all(|o| !o.name.contains("{prefix}")));

    // One tenant's snapshots: one so far; after another sync, the older one compares with the
    // latest by id.
    engine
        .sync(
            std::slice::from_ref(a),
            Default::default(),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let snapshots = engine.snapshots(a).await.unwrap();
    assert_eq!(snapshots.len(), 2);
    assert!(snapshots[0].id > snapshots[1].id, "newest first");
    let history = engine
        .compare(
            &CompareSide::Tenant {
                tenant: a.clone(),
                snapshot: Some(snapshots[1].id),
            },
            &tenant_side(a),
        )
        .await
        .unwrap();
    assert!(matches!(
        &history.left,
        SideFacts::Tenant { latest: false, .. }
    ));
    assert!(matches!(
        &history.right,
        SideFacts::Tenant { latest: true, .. }
    ));
    assert_eq!(history.counts.same as usize, history.objects.len());
}
