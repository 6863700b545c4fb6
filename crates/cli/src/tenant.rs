//! `tenant add|reconnect|list|archive|activate|break-glass`: connecting customer tenants, signing
//! in to them again, how they are doing, and the emergency access accounts named for each.
//!
//! A tenant already in the workspace signs in with what it has stored: `tenant reconnect T` uses
//! its authority, Graph URL, client id, CA certificate and sign-in method, and `tenant add T`
//! takes every flag not given from it — so the advice "run `tenantatlas tenant reconnect
//! <domain>`" works as printed against any cloud, the simulator included.

use crate::output::{self, Align, Table};
use crate::workspace::{cancel_on_ctrl_c, when};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};
use tenantatlas_engine::ops::input::{read_bounded, PEM_BYTES};
use tenantatlas_engine::ops::queries::{SignInStatus, TenantSummary};
use tenantatlas_engine::ops::tenant_add::{
    AddTenantFlags, ReconnectTenant, SignInMethod, SignInPrompt, TenantAdded,
};
use tenantatlas_engine::Engine;

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Connect a customer tenant: sign in, check permissions, record it in the workspace (a tenant
    /// already there keeps its stored settings for every flag not given).
    Add(TenantAddArgs),
    /// Sign in to a tenant of the workspace again (after its sign-in was revoked or expired),
    /// with its stored authority, Graph URL, client id, CA certificate and sign-in method.
    Reconnect(TenantReconnectArgs),
    /// List the tenants of the workspace with their state, when their sign-in lapses unless
    /// used, last sync and missing permissions; then which need `tenant reconnect`.
    List,
    /// Archive a tenant: keep its history, stop syncing it with `sync --all`.
    Archive { tenant: String },
    /// Make an archived tenant active again.
    Activate { tenant: String },
    /// Show or name the tenant's break-glass (emergency access) accounts. Each sync then captures
    /// one object per account — exists, enabled, Entra roles, groups, and the enabled Conditional
    /// Access policies that reach it — which baselines and drift compare like any other object.
    BreakGlass(BreakGlassArgs),
}

#[derive(Args, Debug)]
pub struct BreakGlassArgs {
    /// The tenant (domain or id).
    tenant: String,
    /// Name these accounts (user principal names, in order; replaces the ones named before).
    #[arg(long, value_name = "UPN", num_args = 1.., conflicts_with = "clear")]
    set: Vec<String>,
    /// Name none (the next sync captures no break-glass account for the tenant).
    #[arg(long)]
    clear: bool,
}

/// For a tenant already in the workspace, every flag not given keeps the tenant's stored value;
/// for a new one, it takes the default.
#[derive(Args, Debug)]
pub struct TenantAddArgs {
    /// The tenant's verified domain (contoso.onmicrosoft.com) or its tenant id (GUID).
    tenant: String,
    /// Sign-in authority [default: the tenant's stored one; for a new tenant Microsoft's public
    /// cloud, https://login.microsoftonline.com].
    #[arg(long)]
    authority: Option<String>,
    /// Microsoft Graph base URL [default: the tenant's stored one, or https://graph.microsoft.com].
    #[arg(long)]
    graph: Option<String>,
    /// The public client app registration to sign in with [default: the tenant's stored one, or
    /// Microsoft Graph Command Line Tools].
    #[arg(long)]
    client_id: Option<String>,
    /// Trust this CA certificate (PEM) for the tenant's hosts, in addition to the system's
    /// [default: the tenant's stored one, if any].
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    #[command(flatten)]
    method: SignInFlags,
}

#[derive(Args, Debug)]
pub struct TenantReconnectArgs {
    /// The tenant (domain or id).
    tenant: String,
    #[command(flatten)]
    method: SignInFlags,
}

/// How to sign in, when not the tenant's stored (or the default) way.
#[derive(Args, Debug)]
#[group(multiple = false)]
struct SignInFlags {
    /// Sign in with the browser (for tenants whose Conditional Access blocks device-code sign-in).
    #[arg(long)]
    browser: bool,
    /// Sign in with a device code [default: the tenant's stored way; for a new tenant, this].
    #[arg(long)]
    device_code: bool,
}

impl SignInFlags {
    fn method(&self) -> Option<SignInMethod> {
        if self.browser {
            Some(SignInMethod::Browser)
        } else if self.device_code {
            Some(SignInMethod::DeviceCode)
        } else {
            None
        }
    }
}

pub async fn tenant(engine: &Engine, command: TenantCommand, json: bool) -> Result<()> {
    match command {
        TenantCommand::Add(args) => add(engine, args, json).await,
        TenantCommand::Reconnect(args) => reconnect(engine, args, json).await,
        TenantCommand::Archive { tenant } => set_archived(engine, &tenant, true, json).await,
        TenantCommand::Activate { tenant } => set_archived(engine, &tenant, false, json).await,
        TenantCommand::List => list(engine, json).await,
        TenantCommand::BreakGlass(args) => break_glass(engine, args, json).await,
    }
}

async fn add(engine: &Engine, args: TenantAddArgs, json: bool) -> Result<()> {
    let ca_cert_pem = match &args.ca_cert {
        Some(path) => Some(read_pem(path)?),
        None => None,
    };
    let request = engine
        .add_tenant_request(AddTenantFlags {
            tenant: args.tenant,
            authority: args.authority,
            graph: args.graph,
            client_id: args.client_id,
            ca_cert_pem,
            sign_in: args.method.method(),
        })
        .await?;
    let added = engine
        .add_tenant(request, show_prompt, cancel_on_ctrl_c())
        .await?;
    if json {
        return output::json(&json!({"tenant": added}));
    }
    signed_in("connected", &added)
}

async fn reconnect(engine: &Engine, args: TenantReconnectArgs, json: bool) -> Result<()> {
    let request = ReconnectTenant {
        tenant: args.tenant,
        sign_in: args.method.method(),
    };
    let again = engine
        .reconnect_tenant(request, show_prompt, cancel_on_ctrl_c())
        .await?;
    if json {
        return output::json(&json!({"tenant": again}));
    }
    signed_in("reconnected", &again)
}

/// A CA certificate file, read like every file the user points at: a regular file, bounded.
fn read_pem(path: &Path) -> Result<String> {
    let bytes = read_bounded(path, PEM_BYTES)
        .with_context(|| format!("reading the CA certificate {}", path.display()))?;
    let pem = String::from_utf8(bytes)
        .with_context(|| format!("{} is not a PEM certificate", path.display()))?;
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        bail!("{} is not a PEM certificate", path.display());
    }
    Ok(pem)
}

/// What the person must do to sign in; on stderr, so that `--json` keeps stdout to one document.
fn show_prompt(prompt: SignInPrompt) {
    match prompt {
        SignInPrompt::DeviceCode { message, .. } => eprintln!("{}", output::clean(&message)),
        SignInPrompt::Browser { url } => {
            eprintln!("Open this address in a browser to sign in:\n  {url}");
            // Over SSH or in scripts there is no browser to open; the address is printed.
            if std::env::var_os("TENANTATLAS_NO_BROWSER").is_none() {
                let _ = open::that_detached(&url);
            }
        }
    }
}

fn signed_in(what: &str, tenant: &TenantAdded) -> Result<()> {
    outln!(
        "{what} {} ({}) as {}",
        output::clean(&tenant.name),
        output::clean(&tenant.domain),
        output::clean(&tenant.username)
    );
    if !tenant.missing_permissions.is_empty() {
        outln!(
            "missing permissions (sync will skip what they cover): {}",
            output::clean(&tenant.missing_permissions.join(", "))
        );
    }
    outln!(
        "sign-in lapses {} unless used (every sync that refreshes it starts 90 days anew)",
        day(&tenant.sign_in_lapses_at)
    );
    Ok(())
}

async fn list(engine: &Engine, json: bool) -> Result<()> {
    let tenants = engine.tenants().await?;
    if json {
        return output::json(&tenants);
    }
    if tenants.is_empty() {
        outln!("no tenants yet; connect one with `tenantatlas tenant add DOMAIN`");
        return Ok(());
    }
    tenant_table(&tenants).print()?;
    for line in sign_in_advice(&tenants)
        .into_iter()
        .chain(expiry_advice(&tenants))
    {
        outln!("{line}");
    }
    Ok(())
}

/// One line per token or certificate that expired or expires soon (the latest snapshot's):
/// renewing it is the MSP's job, drift or not.
fn expiry_advice(tenants: &[TenantSummary]) -> Vec<String> {
    tenants
        .iter()
        .filter(|t| t.state != "archived")
        .flat_map(|t| {
            t.expiring.iter().map(move |e| {
                let what = if e.name.is_empty() || e.name == e.kind_label {
                    e.kind_label.clone()
                } else {
                    format!("{} \"{}\"", e.kind_label, e.name)
                };
                format!(
                    "{}: {} {} {}: renew it in Intune",
                    output::clean(&t.name),
                    output::clean(&what),
                    if e.expired { "expired" } else { "expires" },
                    day(&e.expires)
                )
            })
        })
        .collect()
}

/// One row per tenant; a tenant whose newest sync failed reads "failing since …, last good
/// sync …".
fn tenant_table(tenants: &[TenantSummary]) -> Table {
    let mut table = Table::new(&[
        ("tenant", Align::Left),
        ("domain", Align::Left),
        ("state", Align::Left),
        ("sign-in", Align::Left),
        ("sign-in lapses", Align::Left),
        ("last sync", Align::Left),
        ("missing permissions", Align::Left),
    ]);
    for t in tenants {
        table.row(&[
            t.name.as_str(),
            &t.domain,
            &t.state,
            if t.sign_in_status == SignInStatus::Imported {
                "imported"
            } else if t.sign_in == "browser" {
                "browser"
            } else {
                "device code"
            },
            &lapse_words(t),
            &sync_words(t),
            &t.missing_permissions.join(", "),
        ]);
    }
    table
}

/// When the tenant's sign-in lapses, in words for the table.
fn lapse_words(t: &TenantSummary) -> String {
    let lapses = t.sign_in_lapses_at.as_deref().map(day).unwrap_or_default();
    match t.sign_in_status {
        SignInStatus::Current => format!("{lapses} unless used"),
        SignInStatus::Lapsing => format!("{lapses} unless used (soon)"),
        SignInStatus::Expired => "expired".to_string(),
        SignInStatus::Revoked => "revoked".to_string(),
        SignInStatus::None => "not signed in".to_string(),
        SignInStatus::Imported => "never (offline)".to_string(),
    }
}

/// One line per tenant whose sign-in needs attention: what happened and the command that helps.
fn sign_in_advice(tenants: &[TenantSummary]) -> Vec<String> {
    tenants
        .iter()
        .filter(|t| t.state != "archived")
        .filter_map(|t| {
            let name = output::clean(&t.name);
            let domain = output::shell_word(&t.domain);
            let lapses = t.sign_in_lapses_at.as_deref().map(day).unwrap_or_default();
            match t.sign_in_status {
                SignInStatus::Current | SignInStatus::Imported => None,
                SignInStatus::Lapsing => Some(format!(
                    "sign-in for {name} lapses {lapses} unless used: run `tenantatlas sync --tenant {domain}` before then"
                )),
                SignInStatus::Expired => Some(format!(
                    "sign-in expired for {name}: run `tenantatlas tenant reconnect {domain}`"
                )),
                SignInStatus::Revoked => Some(format!(
                    "sign-in revoked for {name}: run `tenantatlas tenant reconnect {domain}`"
                )),
                SignInStatus::None => Some(format!(
                    "{name} is not signed in: run `tenantatlas tenant reconnect {domain}`"
                )),
            }
        })
        .collect()
}

/// The day of a workspace time (`2027-03-01` of `2027-03-01T10:22:31.123Z`).
fn day(time: &str) -> String {
    time.get(..10).unwrap_or(time).to_string()
}

fn sync_words(t: &TenantSummary) -> String {
    let good = t.last_good_sync.as_deref().map(when);
    match (&t.failing_since, good) {
        (Some(since), Some(good)) => {
            format!("failing since {}, last good sync {good}", when(since))
        }
        (Some(since), None) => format!("failing since {}, never synced", when(since)),
        (None, Some(good)) if t.last_sync_status.as_deref() == Some("partial") => {
            format!("{good} (partial)")
        }
        (None, Some(good)) if t.sign_in_status == SignInStatus::Imported => {
            format!("{good} (snapshot imported)")
        }
        (None, Some(good)) => good,
        (None, None) => "never".to_string(),
    }
}

async fn set_archived(engine: &Engine, tenant: &str, archived: bool, json: bool) -> Result<()> {
    let record = engine.set_tenant_archived(tenant, archived).await?;
    if json {
        output::json(
            &json!({"tenant": {"id": record.id, "domain": record.domain, "name": record.name, "state": record.state.as_str()}}),
        )
    } else {
        outln!(
            "{} ({}) is now {}",
            output::clean(&record.name),
            output::clean(&record.domain),
            record.state.as_str()
        );
        Ok(())
    }
}

async fn break_glass(engine: &Engine, args: BreakGlassArgs, json: bool) -> Result<()> {
    let record = engine.tenant(&args.tenant).await?;
    let names = if args.clear || !args.set.is_empty() {
        engine
            .set_break_glass_accounts(&record.id, &args.set)
            .await?
    } else {
        engine.break_glass_accounts(&record.id).await?
    };
    if json {
        return output::json(&json!({"tenant": record.id, "break_glass_accounts": names}));
    }
    let tenant = format!(
        "{} ({})",
        output::clean(&record.name),
        output::clean(&record.domain)
    );
    if names.is_empty() {
        outln!("{tenant} has no break-glass accounts named; name them with `tenantatlas tenant break-glass {} --set UPN [UPN…]`", output::clean(&record.domain));
        return Ok(());
    }
    outln!("break-glass accounts of {tenant}:");
    for (n, name) in names.iter().enumerate() {
        outln!("  {}. {}", n + 1, output::clean(name));
    }
    if args.clear || !args.set.is_empty() {
        outln!(
            "the next sync reads them: `tenantatlas sync --tenant {}`",
            output::clean(&record.domain)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantatlas_engine::ops::queries::Expiring;

    fn summary(name: &str, domain: &str) -> TenantSummary {
        TenantSummary {
            id: "id".into(),
            domain: domain.into(),
            name: name.into(),
            state: "active".into(),
            last_sync: Some("2026-12-05T03:21:42.588Z".into()),
            missing_permissions: Vec::new(),
            last_sync_status: Some("succeeded".into()),
            last_sync_attempt: Some("2026-12-05T03:21:40.000Z".into()),
            last_good_sync: Some("2026-12-05T03:21:42.588Z".into()),
            failing_since: None,
            sign_in: "device_code".into(),
            sign_in_refreshed_at: Some("2026-12-05T03:21:40.000Z".into()),
            sign_in_lapses_at: Some("2027-03-05T03:21:40.000Z".into()),
            sign_in_status: SignInStatus::Current,
            expiring: Vec::new(),
        }
    }

    #[test]
    fn expiring_tokens_and_certificates_get_a_line() {
        let mut contoso = summary("Contoso Ltd", "contoso.example");
        contoso.expiring = vec![
            Expiring {
                kind: "applePushNotificationCertificate".into(),
                kind_label: "Apple MDM push certificate".into(),
                object_id: "applePushNotificationCertificate".into(),
                name: "Apple MDM push certificate".into(),
                expires: "2026-12-01T10:00:00Z".into(),
                expired: true,
            },
            Expiring {
                kind: "vppTokens".into(),
                kind_label: "Apple VPP token".into(),
                object_id: "v".into(),
                name: "Contoso VPP".into(),
                expires: "2026-12-20T10:00:00Z".into(),
                expired: false,
            },
        ];
        assert_eq!(
            expiry_advice(&[contoso, summary("Northwind", "northwind.example")]),
            [
                "Contoso Ltd: Apple MDM push certificate expired 2026-12-01: renew it in Intune",
                "Contoso Ltd: Apple VPP token \"Contoso VPP\" expires 2026-12-20: renew it in Intune",
            ]
        );
    }

    #[test]
    fn a_long_name_keeps_the_columns_aligned() {
        let mut failing = summary(
            "Zürcher Kantonalbank Services AG – Niederlassung Winterthur und Umgebung",
            "zuercherkantonalbank.onmicrosoft.com",
        );
        failing.failing_since = Some("2026-12-06T01:00:00.000Z".into());
        failing.last_sync_status = Some("failed".into());
        failing.sign_in = "browser".into();
        let lines = tenant_table(&[summary("Contoso Ltd", "contoso.example"), failing]).lines();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        // Every column starts at the same terminal column on every line.
        for header in ["domain", "state", "sign-in", "sign-in lapses", "last sync"] {
            let at = lines[0].find(header).unwrap();
            let column = unicode_width::UnicodeWidthStr::width(&lines[0][..at]);
            for line in &lines[1..] {
                let cell_start = line
                    .char_indices()
                    .map(|(i, _)| i)
                    .find(|&i| unicode_width::UnicodeWidthStr::width(&line[..i]) == column)
                    .unwrap_or_else(|| panic!("{line}"));
                assert!(
                    line[..cell_start].ends_with("  ") && !line[cell_start..].starts_with(' '),
                    "{header} starts at column {column}: {lines:#?}"
                );
            }
        }
        assert!(lines[2].ends_with(
            "browser      2027-03-05 unless used  failing since 2026-12-06 01:00 UTC, last good sync 2026-12-05 03:21 UTC"
        ), "{lines:#?}");
    }

    #[test]
    fn tenants_whose_sign_in_needs_attention_get_a_line_with_the_command() {
        let mut expired = summary("Contoso Ltd", "contoso.onmicrosoft.com");
        expired.sign_in_status = SignInStatus::Expired;
        let mut lapsing = summary("Fabrikam", "fabrikam.onmicrosoft.com");
        lapsing.sign_in_status = SignInStatus::Lapsing;
        let mut revoked = summary("Archived Co", "archived.example");
        revoked.sign_in_status = SignInStatus::Revoked;
        revoked.state = "archived".into();
        let fine = summary("Northwind", "northwind.example");
        assert_eq!(
            sign_in_advice(&[expired.clone(), lapsing.clone(), revoked, fine.clone()]),
            [
                "sign-in expired for Contoso Ltd: run `tenantatlas tenant reconnect contoso.onmicrosoft.com`",
                "sign-in for Fabrikam lapses 2027-03-05 unless used: run `tenantatlas sync --tenant fabrikam.onmicrosoft.com` before then",
            ]
        );
        assert_eq!(lapse_words(&expired), "expired");
        assert_eq!(lapse_words(&lapsing), "2027-03-05 unless used (soon)");
        assert_eq!(lapse_words(&fine), "2027-03-05 unless used");
    }
}
