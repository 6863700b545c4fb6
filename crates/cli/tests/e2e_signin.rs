//! Signing in as `docs/connecting-tenants.md` tells an MSP to: with its own registered public
//! client, against a simulator that holds the strictest plausible reading of Entra ID. A sign-in
//! unused for 90 days lapses, `tenant list` says when each one will and which need a new sign-in,
//! `tenant reconnect` restores it; an unregistered client id, a confidential client and an app
//! nobody consented to each end in one line that says what to do.

mod common;

use common::{CliEnv, TestSim};
use serde_json::{json, Value};
use std::time::Duration;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

const DAY: u64 = 24 * 3600;

/// Days since 1970-01-01 of a `YYYY-MM-DD…` time (Howard Hinnant's `days_from_civil`).
fn day_number(time: &str) -> i64 {
    let part = |range: std::ops::Range<usize>| -> i64 {
        time.get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not a date: {time}"))
    };
    let (y, m, d) = (part(0..4), part(5..7), part(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

async fn tenant_json(cli: &CliEnv, domain: &str) -> Value {
    let tenants = cli.json(&["tenant", "list"]).await;
    tenants
        .as_array()
        .expect("tenant list --json is an array")
        .iter()
        .find(|t| t["domain"] == domain)
        .unwrap_or_else(|| panic!("{domain} in {tenants}"))
        .clone()
}

/// `tenant add DOMAIN --client-id ID` against the simulator.
async fn add_with_client(cli: &CliEnv, sim: &TestSim, client_id: &str) -> common::Outcome {
    let mut args = vec![
        "tenant".to_string(),
        "add".into(),
        sim.domain(0),
        "--client-id".into(),
        client_id.into(),
    ];
    args.extend(sim.connection_args());
    cli.run(&args).await
}

/// Registers an app with the simulator, as an MSP does in its Entra admin center.
async fn register(sim: &TestSim, registration: Value) -> String {
    let app = sim.control("apps", registration).await;
    app["client_id"]
        .as_str()
        .expect("the app is registered")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_unused_for_90_days_is_shown_expiring_fails_the_sync_in_one_line_and_reconnect_restores_it(
) {
    let sim = common::start(common::config(1, 20)).await;
    let cli = CliEnv::new();
    let domain = sim.domain(0);
    let added = cli.add_tenant(&sim, 0).await.json();
    let lapses = added["tenant"]["sign_in_lapses_at"]
        .as_str()
        .expect("tenant add says when the sign-in lapses")
        .to_string();

    // `tenant list` says when the sign-in was saved and when it lapses unless used.
    let listed = tenant_json(&cli, &domain).await;
    assert_eq!(listed["sign_in_status"], "current", "{listed}");
    let refreshed = listed["sign_in_refreshed_at"].as_str().expect("refreshed");
    let listed_lapses = listed["sign_in_lapses_at"].as_str().expect("lapses");
    assert_eq!(day_number(listed_lapses) - day_number(refreshed), 90);
    assert_eq!(day_number(listed_lapses), day_number(&lapses));
    let text = cli.run(&["tenant", "list"]).await;
    text.assert_success();
    assert!(
        text.stdout.contains("sign-in lapses")
            && text
                .stdout
                .contains(&format!("{} unless used", &listed_lapses[..10])),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains("reconnect"), "{}", text.stdout);

    // Nobody syncs the tenant for 91 days: the refresh token expired (AADSTS700082).
    sim.control("clock", json!({"advance_seconds": 91 * DAY}))
        .await;
    let outcome = cli.run(&["sync", "--tenant", &domain]).await;
    let line = outcome.only_error_line();
    assert!(
        line.contains(&format!(
            "the sign-in for {domain} expired after going unused for 90 days (AADSTS700082); run `tenantatlas tenant reconnect {domain}` to sign in again"
        )),
        "{line}"
    );

    // From now on `tenant list` says so, with the command that fixes it.
    let listed = tenant_json(&cli, &domain).await;
    assert_eq!(listed["sign_in_status"], "expired", "{listed}");
    let text = cli.run(&["tenant", "list"]).await;
    text.assert_success();
    let advice = format!(
        "sign-in expired for {}: run `tenantatlas tenant reconnect {domain}`",
        sim.name(0)
    );
    assert!(text.stdout.contains(&advice), "{}", text.stdout);

    // The command as printed signs in again with the stored connection; the sync works again.
    let again = cli.json(&["tenant", "reconnect", &domain]).await;
    assert_eq!(again["tenant"]["domain"], domain.as_str());
    let listed = tenant_json(&cli, &domain).await;
    assert_eq!(listed["sign_in_status"], "current", "{listed}");
    let sync = cli.json(&["sync", "--tenant", &domain]).await;
    assert_eq!(sync["runs"][0]["status"], "succeeded", "{sync}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_is_listed_as_revoked_until_reconnected() {
    let sim = common::start(common::config(1, 10)).await;
    let cli = CliEnv::new();
    let domain = sim.domain(0);
    cli.add_tenant(&sim, 0).await.json();
    sim.control(&format!("tenants/{}/revoke", sim.tenant_id(0)), json!({}))
        .await;
    // The stored access token is still fresh; Graph refuses it, and the refresh is refused too.
    let line = cli
        .run(&["sync", "--tenant", &domain])
        .await
        .only_error_line();
    assert!(line.contains("was revoked or expired"), "{line}");
    assert_eq!(
        tenant_json(&cli, &domain).await["sign_in_status"],
        "revoked"
    );
    let text = cli.run(&["tenant", "list"]).await;
    assert!(
        text.stdout.contains(&format!(
            "sign-in revoked for {}: run `tenantatlas tenant reconnect {domain}`",
            sim.name(0)
        )),
        "{}",
        text.stdout
    );
    cli.json(&["tenant", "reconnect", &domain]).await;
    assert_eq!(
        tenant_json(&cli, &domain).await["sign_in_status"],
        "current"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_no_app_was_registered_with_ends_in_one_line() {
    let sim = common::start(common::config(1, 5)).await;
    let cli = CliEnv::new();
    let unregistered = "0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f";
    let line = add_with_client(&cli, &sim, unregistered)
        .await
        .only_error_line();
    assert_eq!(
        line,
        format!(
            "error: the app {unregistered} was not found in {} (AADSTS700016); check the client id, and that the app registration is multi-tenant",
            sim.domain(0)
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_app_is_told_to_allow_public_client_flows() {
    let sim = common::start(common::config(1, 5)).await;
    let cli = CliEnv::new();
    // Registered as a web app: public client flows off (the portal's default).
    let client_id = register(
        &sim,
        json!({"display_name": "TenantAtlas (web)", "multi_tenant": true,
               "redirect_uris": ["https://tenantatlas.example/signin"]}),
    )
    .await;
    sim.control(
        &format!("tenants/{}/consent", sim.tenant_id(0)),
        json!({"client_id": client_id, "granted": ["DeviceManagementConfiguration.Read.All"]}),
    )
    .await;
    let line = add_with_client(&cli, &sim, &client_id).await.error_line();
    assert_eq!(
        line,
        format!("error: the app {client_id} is not enabled for public client flows (AADSTS7000218); set 'allow public client flows' to yes in its app registration")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_the_customer_never_consented_to_is_named_in_the_error() {
    let sim = common::start(common::config(1, 5)).await;
    let cli = CliEnv::new();
    let client_id = register(
        &sim,
        json!({"display_name": "Northwind MSP Toolkit", "public_client": true,
               "multi_tenant": true, "redirect_uris": ["http://localhost"]}),
    )
    .await;
    let line = add_with_client(&cli, &sim, &client_id).await.error_line();
    assert_eq!(
        line,
        format!(
            "error: an administrator of {} must grant admin consent to the app Northwind MSP Toolkit ({client_id}) before it can sign in (AADSTS65001)",
            sim.domain(0)
        )
    );
    // After admin consent the same command connects the tenant with what was granted.
    sim.control(
        &format!("tenants/{}/consent", sim.tenant_id(0)),
        json!({"client_id": client_id, "granted": ["DeviceManagementConfiguration.Read.All", "User.Read"]}),
    )
    .await;
    let outcome = add_with_client(&cli, &sim, &client_id).await;
    outcome.assert_success();
    assert!(
        outcome.stdout.contains("missing permissions")
            && outcome.stdout.contains("Policy.Read.All"),
        "{}",
        outcome.stdout
    );
}

/// An access token that expires within the refresh margin right after sign-in: `tenant add`
/// refreshes before reading the organization, which rotates the refresh token. The rotated one is
/// what must be stored — the first is spent — so the next sync signs in without asking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_rotated_during_tenant_add_is_the_one_stored() {
    let sim = common::start(SimConfig {
        behaviour: Behaviour {
            auto_approve: true,
            device_code_interval: 1,
            access_token_lifetime: Duration::from_secs(240),
            ..Behaviour::default()
        },
        ..common::config(1, 5)
    })
    .await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    let sync = cli.run(&["sync", "--all", "--json"]).await;
    sync.assert_success();
    assert_eq!(
        sync.json()["runs"][0]["status"],
        "succeeded",
        "{}",
        sync.stdout
    );
}
