//! `setting_definitions`: the settings catalog definitions friendly setting names come from.
//!
//! Definitions are Microsoft's, identical in every tenant, so the workspace keeps one copy for all
//! tenants and a sync asks Graph only for ids it has never seen. A definition the service does not
//! know (404) is remembered too, as a row with an empty display name, so that it is not asked for
//! again on every sync; it is asked again once the row is older than the caller's retry period,
//! in case Microsoft has published it since.

use crate::error::Result;
use crate::workspace::{format_time, now};
use sqlx::{Acquire, Row, Sqlite};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;
use tenantatlas_core::labels::{SettingCatalog, SettingDefinition};
use time::OffsetDateTime;

/// Records definitions read from Graph (or replaces them), in one transaction.
pub async fn upsert_setting_definitions<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    definitions: &[(String, SettingDefinition)],
) -> Result<()> {
    let mut tx = db.begin().await?;
    let stamp = now();
    for (id, d) in definitions {
        sqlx::query(
            "INSERT INTO setting_definitions (id, display_name, description, options, fetched_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
               display_name = excluded.display_name, description = excluded.description,
               options = excluded.options, fetched_at = excluded.fetched_at",
        )
        .bind(id)
        .bind(&d.display_name)
        .bind(&d.description)
        .bind(serde_json::to_string(&d.options)?)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Remembers ids the service does not know (an empty display name), so that they are not asked
/// for again until [`setting_definitions_to_fetch`]'s retry period has passed.
pub async fn mark_setting_definitions_unknown<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    ids: &[String],
) -> Result<()> {
    let unknown: Vec<(String, SettingDefinition)> = ids
        .iter()
        .map(|id| (id.clone(), SettingDefinition::default()))
        .collect();
    upsert_setting_definitions(db, &unknown).await
}

/// Which of `ids` to ask Graph for: those never recorded, and those recorded as unknown longer
/// than `retry_unknown_after` ago. Ids compare case-insensitively; the answer is lowercase and sorted.
pub async fn setting_definitions_to_fetch<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    ids: &BTreeSet<String>,
    retry_unknown_after: Duration,
) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.acquire().await?;
    let rows =
        sqlx::query("SELECT id, display_name = '' AS unknown, fetched_at FROM setting_definitions")
            .fetch_all(&mut *conn)
            .await?;
    // Timestamps share one fixed-width UTC format, so they compare as text.
    let cutoff = format_time(OffsetDateTime::now_utc() - retry_unknown_after);
    let known: HashMap<String, (bool, String)> = rows
        .iter()
        .map(|r| {
            let id: String = r.get("id");
            (id.to_lowercase(), (r.get("unknown"), r.get("fetched_at")))
        })
        .collect();
    let wanted: BTreeSet<String> = ids.iter().map(|id| id.to_lowercase()).collect();
    Ok(wanted
        .into_iter()
        .filter(|id| match known.get(id) {
            None => true,
            Some((true, fetched_at)) => *fetched_at <= cutoff,
            Some((false, _)) => false,
        })
        .collect())
}

/// Every known definition (not those the service did not know), as a catalog for labels.
pub async fn setting_catalog<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<SettingCatalog> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, display_name, description, options FROM setting_definitions WHERE display_name <> ''",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let options: String = r.get("options");
            // A damaged options column costs the option names, never the setting's name.
            let options: BTreeMap<String, String> =
                serde_json::from_str(&options).unwrap_or_default();
            (
                r.get::<String, _>("id"),
                SettingDefinition {
                    display_name: r.get("display_name"),
                    description: r.get("description"),
                    options,
                },
            )
        })
        .collect())
}

impl crate::workspace::Workspace {
    pub async fn upsert_setting_definitions(
        &self,
        definitions: &[(String, SettingDefinition)],
    ) -> Result<()> {
        upsert_setting_definitions(self, definitions).await
    }

    pub async fn mark_setting_definitions_unknown(&self, ids: &[String]) -> Result<()> {
        mark_setting_definitions_unknown(self, ids).await
    }

    pub async fn setting_definitions_to_fetch(
        &self,
        ids: &BTreeSet<String>,
        retry_unknown_after: Duration,
    ) -> Result<Vec<String>> {
        setting_definitions_to_fetch(self.pool(), ids, retry_unknown_after).await
    }

    pub async fn setting_catalog(&self) -> Result<SettingCatalog> {
        setting_catalog(self.pool()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyOptions;
    use crate::workspace::Workspace;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn definition(name: &str, options: &[(&str, &str)]) -> SettingDefinition {
        SettingDefinition {
            display_name: name.to_string(),
            description: Some(format!("{name}.")),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn definitions_are_fetched_once_and_unknown_ones_after_the_retry_period() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open(
            &tmp.path().join("workspace"),
            &KeyOptions {
                passphrase: Some("definitions test".into()),
            },
        )
        .await
        .unwrap();
        let used = ids(&["a_encryption", "b_firewall", "c_unknown"]);
        assert_eq!(
            ws.setting_definitions_to_fetch(&used, 30 * DAY)
                .await
                .unwrap(),
            vec!["a_encryption", "b_firewall", "c_unknown"]
        );

        ws.upsert_setting_definitions(&[
            (
                "a_encryption".into(),
                definition(
                    "Require Device Encryption",
                    &[("a_encryption_1", "Enabled")],
                ),
            ),
            ("B_Firewall".into(), definition("Firewall", &[])),
        ])
        .await
        .unwrap();
        ws.mark_setting_definitions_unknown(&["c_unknown".into()])
            .await
            .unwrap();

        // Known ones never again, whatever their case; the unknown one only after the period.
        let upper = ids(&["A_ENCRYPTION", "b_firewall", "c_unknown"]);
        assert!(ws
            .setting_definitions_to_fetch(&upper, 30 * DAY)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            ws.setting_definitions_to_fetch(&upper, Duration::ZERO)
                .await
                .unwrap(),
            vec!["c_unknown"]
        );

        let catalog = ws.setting_catalog().await.unwrap();
        assert_eq!(catalog.len(), 2, "unknown definitions are not names");
        assert_eq!(catalog.get("b_firewall").unwrap().display_name, "Firewall");
        assert_eq!(
            catalog.option_name("a_encryption", "a_encryption_1"),
            Some("Enabled")
        );
        assert_eq!(
            catalog.get("a_encryption").unwrap().description.as_deref(),
            Some("Require Device Encryption.")
        );

        // Found later: the empty row is replaced.
        ws.upsert_setting_definitions(&[("c_unknown".into(), definition("Late", &[]))])
            .await
            .unwrap();
        assert_eq!(ws.setting_catalog().await.unwrap().len(), 3);
        assert!(ws
            .setting_definitions_to_fetch(&upper, Duration::ZERO)
            .await
            .unwrap()
            .is_empty());
        ws.close().await.unwrap();
    }
}
