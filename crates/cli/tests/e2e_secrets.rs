//! Nothing sensitive in plaintext on disk: after connecting tenants and syncing them, no file under
//! the workspace (or the home and XDG folders the CLI was given) contains a tenant name, a policy
//! name, distinctive policy content, an access or refresh token the simulator issued, or the
//! passphrase — checked right after the CLI exits, and again after further commands.

mod common;

use common::{contains_bytes, files_below, CliEnv, TestSim};
use serde_json::Value;

/// What must never be found on disk, with a label for the failure message.
fn secrets(sim: &TestSim, tenants: &[usize]) -> Vec<(String, Vec<u8>)> {
    let world = sim.handle.sim.world();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |label: String, text: &str| out.push((label, text.as_bytes().to_vec()));
    let ids: Vec<&str> = tenants
        .iter()
        .map(|&i| world.tenants[i].id.as_str())
        .collect();
    for &index in tenants {
        let tenant = &world.tenants[index];
        add(format!("tenant {index} name"), &tenant.name);
        // The same name as JSON with non-ASCII escaped, in case something writes it that way.
        let escaped: String = tenant
            .name
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    format!("\\u{:04x}", c as u32)
                }
            })
            .collect();
        if escaped != tenant.name {
            add(format!("tenant {index} name (escaped)"), &escaped);
        }
        // Policy names: the first of a few kinds, plus the golden standard's BitLocker policy.
        for kind in ["deviceConfigurations", "deviceCompliancePolicies"] {
            let object = &tenant.collection(kind)[0];
            let name = object.body["displayName"].as_str().expect("displayName");
            add(format!("tenant {index} {kind} name"), name);
        }
        // Distinctive content: a script body (base64, as Graph returns it) and a description.
        for kind in ["deviceManagementScripts", "deviceShellScripts"] {
            if let Some(script) = tenant.collection(kind).first() {
                let body = script.body["scriptContent"]
                    .as_str()
                    .expect("scriptContent");
                add(format!("tenant {index} {kind} scriptContent"), body);
            }
        }
        let described = tenant
            .collection("deviceConfigurations")
            .iter()
            .filter_map(|o| o.body.get("description").and_then(Value::as_str))
            .max_by_key(|d| d.len())
            .expect("a described device configuration");
        add(format!("tenant {index} description"), described);
    }
    let golden = world
        .tenants
        .iter()
        .enumerate()
        .filter(|(i, _)| tenants.contains(i))
        .flat_map(|(_, t)| t.collections.values().flatten())
        .filter_map(|o| {
            o.body
                .get("displayName")
                .or_else(|| o.body.get("name"))
                .and_then(Value::as_str)
        })
        .find(|n| *n == "MSP - Win - BitLocker")
        .expect("the golden BitLocker policy exists in a synced tenant");
    add("golden policy name".into(), golden);
    for (token, grant) in &world.access_tokens {
        if ids.contains(&grant.tenant_id.as_str()) {
            add("an access token".into(), token);
        }
    }
    for (token, grant) in &world.refresh_tokens {
        if ids.contains(&grant.tenant_id.as_str()) {
            add("a refresh token".into(), token);
        }
    }
    add("the passphrase".into(), common::PASSPHRASE);
    out
}

/// Reads every file under the environment's root (workspace, home, XDG) and fails naming each
/// secret found and where.
fn assert_no_secret_on_disk(cli: &CliEnv, secrets: &[(String, Vec<u8>)], when: &str) {
    let files = files_below(cli.root.path());
    assert!(
        files.iter().any(|f| f.ends_with("workspace.db")),
        "the workspace database exists: {files:?}"
    );
    let mut found = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("reading {file:?}: {e}"));
        for (label, secret) in secrets {
            if contains_bytes(&bytes, secret) {
                found.push(format!("{label} in {}", file.display()));
            }
        }
    }
    println!(
        "{when}: scanned {} files ({}) for {} secrets",
        files.len(),
        files
            .iter()
            .map(|f| format!(
                "{} {} B",
                f.file_name().unwrap().to_string_lossy(),
                std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)
            ))
            .collect::<Vec<_>>()
            .join(", "),
        secrets.len()
    );
    assert!(
        found.is_empty(),
        "{when}: plaintext found on disk:\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tenant_name_policy_or_token_in_any_file() {
    let sim = common::start(common::config(3, 120)).await;
    let cli = CliEnv::new();
    // Tenant 1 ("Müller & Söhne GmbH") blocks device code: browser flow.
    cli.add_tenant(&sim, 0).await.json();
    cli.add_tenant_browser(&sim, 1).await.json();
    assert_eq!(sim.name(1), "Müller & Söhne GmbH");
    let sync = cli.json(&["sync", "--all"]).await;
    for run in sync["runs"].as_array().unwrap() {
        assert_eq!(run["status"], "succeeded", "{run}");
    }
    let secrets = secrets(&sim, &[0, 1]);
    assert!(
        secrets.iter().filter(|(l, _)| l.contains("token")).count() >= 4,
        "access and refresh tokens were issued for both tenants"
    );
    // Right after the sync exits (the WAL may still hold the last transactions).
    assert_no_secret_on_disk(&cli, &secrets, "after sync");

    // A read-only command and a second sync (which refreshes and rotates tokens); check again.
    let listed = cli.run(&["tenant", "list", "--json"]).await;
    assert_eq!(listed.json().as_array().unwrap().len(), 2);
    // The scan looks for the bytes the product itself prints: the decrypted name is found there.
    assert!(
        contains_bytes(listed.stdout.as_bytes(), sim.name(1).as_bytes()),
        "the tenant name is spelled as the CLI prints it"
    );
    cli.json(&["sync", "--all"]).await;
    let policies = cli
        .json(&["policies", "list", "--tenant", &sim.domain(1)])
        .await;
    assert!(!policies.as_array().unwrap().is_empty());
    let secrets = self::secrets(&sim, &[0, 1]);
    assert_no_secret_on_disk(&cli, &secrets, "after more commands");
}
