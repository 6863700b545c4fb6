//! Search everywhere on a real workspace: a simulated portfolio connected, synced and checked
//! against a golden baseline; then tenants, objects, settings (by friendly name, by raw id, by
//! value) and findings searched across all tenants, archived tenants left out unless asked, and
//! the index rebuilt when a new sync brings a changed value.

mod common;

use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::search::{MatchRank, SearchKind, SearchOptions, SearchResults};
use tenantatlas_engine::Engine;
use tenantatlas_sim::SimHandle;

const ROTATION: &str = "device_vendor_msft_bitlocker_configurerecoverypasswordrotation";

async fn search(engine: &Engine, text: &str) -> SearchResults {
    engine
        .search(text, &SearchOptions::default())
        .await
        .unwrap()
}

/// Three simulated tenants connected (device code everywhere) and synced into a new workspace.
async fn synced_portfolio(dir: &std::path::Path) -> (SimHandle, Engine) {
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(3, 60, 7), dir).await;
    engine
        .sync(&[], Default::default(), Arc::new(|_| {}))
        .await
        .unwrap();
    (sim, engine)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_query_finds_tenants_objects_settings_and_findings_across_tenants() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, engine) = synced_portfolio(dir.path()).await;
    let tenants = sim.tenants().to_vec();

    // Nothing to look for: nothing found, nothing read.
    let empty = search(&engine, "   ").await;
    assert_eq!(empty, SearchResults::default());

    // Tenants by domain, name or id; an exact domain ranks first.
    let by_domain = search(&engine, &tenants[1].domain.to_uppercase()).await;
    let first = &by_domain.tenants.hits[0];
    assert_eq!(first.tenant.tenant_domain, tenants[1].domain);
    assert_eq!(first.rank, MatchRank::Exact);
    assert_eq!(by_domain.tenants_searched, 3);
    let by_id = search(&engine, &tenants[2].id).await;
    assert_eq!(by_id.tenants.hits.len(), 1);
    assert_eq!(by_id.tenants.hits[0].tenant.tenant_id, tenants[2].id);

    // "Which tenants set BitLocker recovery password rotation, and to what?" — a value per
    // tenant, named as the policy view names it, found by words in any order.
    let rotation = search(&engine, "rotation BitLocker recovery password").await;
    let hits: Vec<_> = rotation
        .settings
        .hits
        .iter()
        .filter(|h| h.setting_id.as_deref() == Some(ROTATION))
        .collect();
    let tenants_with: BTreeSet<&str> = hits
        .iter()
        .map(|h| h.tenant.tenant_domain.as_str())
        .collect();
    assert!(tenants_with.len() >= 2, "{:#?}", rotation.settings);
    for hit in &hits {
        assert_eq!(hit.setting, "Configure Recovery Password Rotation");
        assert!(
            hit.value.starts_with("Refresh"),
            "the value in words: {hit:?}"
        );
        assert_eq!(hit.kind, "configurationPolicies");
        let view = engine
            .policy_view(&hit.tenant.tenant_id, &hit.object_id, None)
            .await
            .unwrap();
        assert!(
            view.settings
                .iter()
                .any(|s| s.setting == hit.setting && s.value == hit.value),
            "the hit says what the policy view says: {hit:?}"
        );
    }
    // The Endpoint protection profile's property, by its JSON name.
    let property = search(&engine, "bitLockerRecoveryPasswordRotation").await;
    assert!(
        property.settings.hits.iter().any(|h| {
            h.setting_id.as_deref() == Some("bitLockerRecoveryPasswordRotation")
                && h.rank == MatchRank::Exact
        }),
        "{:#?}",
        property.settings
    );
    // By the raw id, exactly; and by value.
    let by_setting_id = search(&engine, ROTATION).await;
    assert!(by_setting_id.settings.total >= hits.len());
    assert!(by_setting_id
        .settings
        .hits
        .iter()
        .take(hits.len())
        .all(|h| h.rank == MatchRank::Exact));
    let by_value = search(&engine, "rotation refresh on").await;
    assert!(by_value.settings.total >= hits.len());

    // Objects by name: the golden BitLocker policy in every tenant that has it, prefix-ranked.
    let objects = search(&engine, "MSP - Win - BitLocker").await;
    assert!(objects.objects.hits.len() >= 2, "{:#?}", objects.objects);
    assert!(objects
        .objects
        .hits
        .iter()
        .all(|h| h.name.contains("BitLocker")));
    assert_eq!(
        objects.objects.hits[0].rank,
        MatchRank::Exact,
        "{:#?}",
        objects.objects
    );

    // A group keeps `limit` hits and says how many more matched.
    let few = engine
        .search(
            "msp",
            &SearchOptions {
                kinds: vec![SearchKind::Objects],
                limit: 3,
                ..SearchOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(few.objects.hits.len(), 3);
    assert!(few.objects.more > 0);
    assert_eq!(few.objects.total, 3 + few.objects.more);
    assert!(few.settings.hits.is_empty() && few.tenants.hits.is_empty());
    assert!(few.objects.hits.windows(2).all(|w| w[0].rank <= w[1].rank));

    // Findings, after a drift check against the reference tenant's golden objects.
    engine
        .create_baseline(&CreateBaseline {
            name: "Golden".into(),
            source: BaselineSource::Tenant {
                tenant: tenants[0].domain.clone(),
                snapshot: None,
            },
            kinds: Vec::new(),
            include: vec!["MSP - *".into()],
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await
        .unwrap();
    for tenant in &tenants[1..] {
        engine
            .assign_baseline("Golden", &tenant.domain, &Default::default())
            .await
            .unwrap();
    }
    let drift = engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap();
    let finding = drift.findings.first().expect("the tenants drift").clone();
    let found = search(&engine, &format!("{} golden", finding.object)).await;
    let hit = found
        .findings
        .hits
        .iter()
        .find(|h| h.finding_id == finding.id)
        .unwrap_or_else(|| panic!("{:#?}", found.findings));
    assert_eq!(hit.tenant.tenant_domain, finding.tenant);
    assert_eq!(hit.drift, finding.drift);
    if let Some(change) = drift
        .findings
        .iter()
        .flat_map(|f| f.changes.iter().map(move |c| (f, c)))
        .find(|(_, c)| c.setting.is_some())
    {
        let (f, c) = change;
        let name = c.setting.clone().unwrap();
        let by_change = search(&engine, &name).await;
        assert!(
            by_change
                .findings
                .hits
                .iter()
                .any(|h| h.finding_id == f.id
                    && h.detail.as_deref().is_some_and(|d| d.contains(&name))),
            "a finding found by its change's setting, the change given: {name} {:#?}",
            by_change.findings
        );
    }

    // An archived tenant is left out unless asked for.
    let archived = &tenants[2];
    engine
        .set_tenant_archived(&archived.domain, true)
        .await
        .unwrap();
    let without = search(&engine, "bitlocker").await;
    assert_eq!(without.tenants_searched, 2);
    assert!(without
        .settings
        .hits
        .iter()
        .all(|h| h.tenant.tenant_id != archived.id));
    assert!(without
        .objects
        .hits
        .iter()
        .all(|h| h.tenant.tenant_id != archived.id));
    assert!(without
        .findings
        .hits
        .iter()
        .all(|h| h.tenant.tenant_id != archived.id));
    let with = engine
        .search(
            &archived.domain,
            &SearchOptions {
                include_archived: true,
                ..SearchOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(with.tenants.hits[0].tenant.tenant_id, archived.id);
    assert_eq!(with.tenants.hits[0].state, "archived");
    engine
        .set_tenant_archived(&archived.domain, false)
        .await
        .unwrap();

    // A changed value in the cloud: the next sync's snapshot is indexed anew.
    let changed = {
        let mut world = sim.sim.world();
        let (_, objects) = world.tenants[1]
            .collections
            .iter_mut()
            .find(|(path, _)| path.ends_with("deviceConfigurations"))
            .expect("device configurations");
        let profile = objects
            .iter_mut()
            .find(|o| o.body.contains_key("bitLockerRecoveryPasswordRotation"))
            .expect("an endpoint protection profile");
        profile.body.insert(
            "bitLockerRecoveryPasswordRotation".into(),
            json!("enabledForAzureAdAndHybrid"),
        );
        profile.body["id"].as_str().unwrap().to_string()
    };
    let before = search(&engine, "bitLockerRecoveryPasswordRotation").await;
    engine
        .sync(
            &[tenants[1].domain.clone()],
            Default::default(),
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let after = search(&engine, "bitLockerRecoveryPasswordRotation").await;
    let value = |r: &SearchResults| {
        r.settings
            .hits
            .iter()
            .find(|h| h.object_id == changed)
            .map(|h| h.value.clone())
    };
    assert_ne!(
        value(&before),
        value(&after),
        "{:?} → {:?}",
        value(&before),
        value(&after)
    );
    assert!(value(&after).is_some_and(|v| v.to_lowercase().contains("hybrid")));
}
