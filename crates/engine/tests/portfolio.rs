//! The portfolio query on a real workspace: a simulated portfolio connected, synced, checked
//! against a golden baseline twice, with one finding's risk accepted.

mod common;

use std::collections::HashMap;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::{today, FindingFilter};
use tenantatlas_engine::ops::portfolio::{FindingCounts, PortfolioTenant};
use tenantatlas_engine::Engine;

fn by_domain(rows: Vec<PortfolioTenant>) -> HashMap<String, PortfolioTenant> {
    rows.into_iter().map(|r| (r.domain.clone(), r)).collect()
}

/// Standing findings of a tenant by severity, from `findings list`.
async fn standing(engine: &Engine, domain: &str) -> FindingCounts {
    let mut counts = FindingCounts::default();
    let filter = FindingFilter {
        tenant: Some(domain.to_string()),
        ..FindingFilter::default()
    };
    for f in engine.list_findings(&filter, today()).await.unwrap() {
        if !f.is_standing() {
            continue;
        }
        match f.severity.as_str() {
            "high" => counts.high += 1,
            "medium" => counts.medium += 1,
            "low" => counts.low += 1,
            _ => counts.info += 1,
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portfolio_shows_each_tenants_sync_score_trend_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(3, 60, 7), dir.path()).await;
    let tenants = sim.tenants().to_vec();

    // Connected, not synced: no sync, no baseline, no score.
    let before = engine.portfolio().await.unwrap();
    assert_eq!(before.len(), 3);
    for row in &before {
        assert_eq!(row.last_good_sync, None);
        assert_eq!(row.last_sync_status, None);
        assert!(row.baselines.is_empty() && row.score.is_none() && row.score_trend.is_empty());
        assert_eq!(row.findings, FindingCounts::default());
        assert_eq!(row.sign_in_status, "current");
        assert!(!row.needs_reconnect);
        assert!(row.sign_in_lapses_at.is_some());
    }

    engine
        .sync(&[], Default::default(), std::sync::Arc::new(|_| {}))
        .await
        .unwrap();
    let reference = &tenants[0].domain;
    engine
        .create_baseline(&CreateBaseline {
            name: "Golden".into(),
            source: BaselineSource::Tenant {
                tenant: reference.clone(),
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
    let options = DriftOptions {
        tenant: None,
        unexpected: false,
        today: today(),
    };
    let first = engine.drift(&options).await.unwrap();

    let rows = by_domain(engine.portfolio().await.unwrap());
    let reference_row = &rows[reference];
    assert!(reference_row.last_good_sync.is_some());
    assert!(reference_row.baselines.is_empty());
    assert_eq!(
        reference_row.score, None,
        "the reference tenant is not checked"
    );
    for run in &first.runs {
        let row = &rows[&run.tenant];
        assert_eq!(row.baselines, ["Golden"]);
        assert_eq!(row.score, Some(run.score));
        assert_eq!(
            row.rating.as_deref(),
            Some(serde_json::to_value(run.rating).unwrap().as_str().unwrap())
        );
        assert_eq!(row.score_trend, [run.score]);
        assert!(row.scored_at.is_some());
        assert!(matches!(
            row.last_sync_status.as_deref(),
            Some("succeeded" | "partial")
        ));
        assert!(row.last_good_sync.is_some() && row.last_sync_attempt.is_some());
        assert_eq!(row.failing_since, None);
        assert_eq!(row.findings, standing(&engine, &run.tenant).await);
        assert_eq!(row.risk_accepted, 0);
    }
    let total: u64 = rows.values().map(|r| r.findings.total()).sum();
    assert!(
        total > 0,
        "the simulated tenants drift from the golden baseline"
    );

    // Findings over time: today holds what the drift runs left standing, summed over the
    // tenants, as the portfolio counts them; the days before any drift, nothing.
    let history = engine.findings_over_time(7, today()).await.unwrap();
    assert_eq!(history.len(), 7);
    assert_eq!(history[6].day, today().to_string());
    let mut expected = FindingCounts::default();
    for row in rows.values() {
        expected.high += row.findings.high;
        expected.medium += row.findings.medium;
        expected.low += row.findings.low;
        expected.info += row.findings.info;
    }
    assert_eq!(history[6].findings, expected);
    assert_eq!(
        history[6].checked,
        rows.len() as u64 - 1,
        "all but the reference tenant"
    );
    assert!(history[..6]
        .iter()
        .all(|d| d.findings.total() == 0 && d.checked == 0));

    // Accept the risk of one finding: counted apart, no longer standing.
    let finding = first
        .findings
        .iter()
        .find(|f| f.is_standing())
        .expect("a standing finding")
        .clone();
    let before_accept = rows[&finding.tenant].findings.clone();
    let expires = today() + time::Duration::days(30);
    engine
        .accept_risk(
            &finding.id,
            "compensating control in place",
            Some("lead"),
            &expires.to_string(),
            today(),
        )
        .await
        .unwrap();
    let rows = by_domain(engine.portfolio().await.unwrap());
    let row = &rows[&finding.tenant];
    assert_eq!(row.risk_accepted, 1);
    assert_eq!(row.findings.total(), before_accept.total() - 1);

    // Once the acceptance has expired it stands again, before anything records the reopening.
    let later = by_domain(
        engine
            .portfolio_on(expires + time::Duration::days(1))
            .await
            .unwrap(),
    );
    assert_eq!(later[&finding.tenant].risk_accepted, 0);
    assert_eq!(later[&finding.tenant].findings, before_accept);

    // A second drift run: the trend holds both scores, oldest first.
    let second = engine.drift(&options).await.unwrap();
    let rows = by_domain(engine.portfolio().await.unwrap());
    for run in &second.runs {
        let first_score = first
            .runs
            .iter()
            .find(|r| r.tenant == run.tenant)
            .unwrap()
            .score;
        assert_eq!(rows[&run.tenant].score_trend, [first_score, run.score]);
        assert_eq!(rows[&run.tenant].score, Some(run.score));
    }

    engine.close().await.unwrap();
    sim.stop();
}
