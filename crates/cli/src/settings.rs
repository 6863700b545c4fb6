//! `tenantatlas settings`: the workspace's settings — the sync schedule the desktop app follows,
//! the sync SLA, the app registration and cloud new tenants connect with, notifications — listed
//! with the defaults marked, and `settings set KEY VALUE` to change one (checked by the engine).

use crate::output::{clean, Align, Table};
use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use tenantatlas_engine::Engine;

#[derive(Args, Debug)]
pub struct SettingsArgs {
    #[command(subcommand)]
    command: Option<SettingsCommand>,
}

#[derive(Subcommand, Debug)]
enum SettingsCommand {
    /// Change one setting; an empty VALUE puts a tenant.* setting back to Microsoft's default.
    Set {
        /// sync.interval_minutes, sla.warn_hours, sla.overdue_hours, tenant.client_id,
        /// tenant.authority, tenant.graph or notify.high_findings.
        key: String,
        value: String,
    },
}

pub async fn settings(engine: &Engine, args: SettingsArgs, json: bool) -> Result<()> {
    match args.command {
        None => {
            let entries = engine.settings().await?.entries();
            if json {
                crate::output::json(&json!({ "settings": entries }))?;
            } else {
                let mut table = Table::new(&[
                    ("setting", Align::Left),
                    ("value", Align::Left),
                    ("", Align::Left),
                    ("allowed", Align::Left),
                ]);
                for e in &entries {
                    let marker = if e.default { "(default)" } else { "" };
                    table.row(&[e.key, &shown(&e.value), marker, e.allowed]);
                }
                table.print()?;
            }
        }
        Some(SettingsCommand::Set { key, value }) => {
            let now = engine.set_setting(&key, &value).await?;
            let entry = now
                .entries()
                .into_iter()
                .find(|e| e.key == key.trim())
                .ok_or_else(|| anyhow::anyhow!("the setting {key} vanished after it was set"))?;
            if json {
                crate::output::json(&json!({ "setting": entry }))?;
            } else if entry.default {
                outln!(
                    "{} is back to its default: {}",
                    entry.key,
                    shown(&entry.value)
                );
            } else {
                outln!("{} set to {}", entry.key, shown(&entry.value));
            }
        }
    }
    Ok(())
}

/// A value as text: strings without their quotes, and never a control character.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => clean(s).into_owned(),
        other => other.to_string(),
    }
}
