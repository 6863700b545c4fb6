//! Replays the audit log against the governance state it claims to explain: every finding's
//! state, approver, expiry and justification, every baseline version and its objects, every
//! assignment and pin. A row the log does not explain was changed behind the application's back
//! (someone with the key editing the database), and `tenantatlas audit verify` reports it.
//!
//! This reads the entries the engine writes (a contract between the two crates):
//!
//! - `finding.<state>`, subject the finding id, details `{to, approver, expires, why}`; `why` is the
//!   justification when `to` is `risk_accepted`. The last entry of a finding explains it.
//! - `baseline.create`, subject the name, details `{version, origin, items_digest?}`; the digest
//!   is [`items_digest`] of the version's objects (entries before it was added have none).
//! - `baseline.assign` `{tenant_id, vars}` and `baseline.unassign` `{tenant_id}` (which also drops
//!   the tenant's pins); `baseline.pin` / `baseline.unpin` `{tenant_id, kind, item, object_id}`.
//!
//! Names compare case-insensitively, as the tables do.

use crate::audit::{list_audit, AuditEntry};
use crate::baselines::BaselineItem;
use crate::error::Result;
use crate::findings::list_findings;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Acquire, Row, Sqlite};
use std::collections::{BTreeMap, HashMap};
use tenantatlas_core::content::canonical;

/// A piece of state the audit log does not explain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unexplained {
    /// `finding`, `baseline`, `assignment` or `pin`.
    pub kind: &'static str,
    /// The finding id or baseline name.
    pub subject: String,
    /// One line for people.
    pub problem: String,
}

/// The digest of a baseline version's objects that `baseline.create` records: SHA-256 of the
/// canonical JSON of `[kind, object_id, display_name, hash]` rows, sorted.
pub fn items_digest(items: &[BaselineItem]) -> String {
    let mut rows: Vec<[&str; 4]> = items
        .iter()
        .map(|i| {
            [
                i.kind.as_str(),
                i.object_id.as_str(),
                i.display_name.as_str(),
                i.hash.as_str(),
            ]
        })
        .collect();
    rows.sort();
    let text = serde_json::to_string(&canonical(&serde_json::json!(rows))).expect("rows serialise");
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What the log says a finding is.
#[derive(Default)]
struct FindingClaim {
    seq: i64,
    state: String,
    approver: Option<String>,
    expires: Option<String>,
    justification: Option<String>,
}

fn text(details: &Value, key: &str) -> Option<String> {
    details.get(key).and_then(Value::as_str).map(str::to_string)
}

fn shown(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or_else(|| "(none)".to_string(), |v| format!("'{v}'"))
}

/// Every piece of finding and baseline state the audit log does not explain, in a stable order.
pub async fn unexplained_state<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<Unexplained>> {
    // One read transaction: the log and the tables as of one moment, so a drift or a triage
    // committing meanwhile never shows as state the log does not explain.
    let mut conn = db.begin().await?;
    let entries = list_audit(&mut *conn).await?;
    let mut out = Vec::new();
    findings(&mut conn, &entries, &mut out).await?;
    baselines(&mut conn, &entries, &mut out).await?;
    assignments_and_pins(&mut conn, &entries, &mut out).await?;
    conn.commit().await?;
    Ok(out)
}

async fn findings(
    conn: &mut sqlx::SqliteConnection,
    entries: &[AuditEntry],
    out: &mut Vec<Unexplained>,
) -> Result<()> {
    let mut claims: BTreeMap<String, FindingClaim> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.action.starts_with("finding.")) {
        let claim = claims.entry(e.subject.clone()).or_default();
        claim.seq = e.seq;
        claim.state = text(&e.details, "to")
            .unwrap_or_else(|| e.action.trim_start_matches("finding.").to_string());
        claim.approver = text(&e.details, "approver");
        claim.expires = text(&e.details, "expires");
        if claim.state == "risk_accepted" {
            claim.justification = text(&e.details, "why");
        }
    }
    let mut report = |subject: &str, problem: String| {
        out.push(Unexplained {
            kind: "finding",
            subject: subject.to_string(),
            problem,
        })
    };
    let records = list_findings(&mut *conn, None).await?;
    for record in &records {
        let name = format!("finding {} ({})", record.id, record.object_name);
        let Some(claim) = claims.remove(&record.id) else {
            report(
                &record.id,
                format!(
                    "{name} is {} but the audit log has no entry for it",
                    record.state
                ),
            );
            continue;
        };
        let seq = claim.seq;
        if record.state != claim.state {
            report(
                &record.id,
                format!(
                    "{name} is {} but the audit log's last entry for it (entry {seq}) left it {}",
                    record.state, claim.state
                ),
            );
        }
        for (what, stored, claimed) in [
            ("approver", &record.approver, &claim.approver),
            ("expiry", &record.expires_on, &claim.expires),
            ("justification", &record.justification, &claim.justification),
        ] {
            if stored != claimed {
                report(
                    &record.id,
                    format!(
                        "{name} has the {what} {} but the audit log (entry {seq}) recorded {}",
                        shown(stored),
                        shown(claimed)
                    ),
                );
            }
        }
    }
    for (id, claim) in claims {
        report(
            &id,
            format!(
                "finding {id} is in the audit log (entry {}) but not in the database: it was removed",
                claim.seq
            ),
        );
    }
    Ok(())
}

/// What a `baseline.create` entry says of a version.
struct Created {
    seq: i64,
    origin: Option<String>,
    digest: Option<String>,
}

async fn baselines(
    conn: &mut sqlx::SqliteConnection,
    entries: &[AuditEntry],
    out: &mut Vec<Unexplained>,
) -> Result<()> {
    let mut created: BTreeMap<(String, i64), Created> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.action == "baseline.create") {
        let Some(version) = e.details.get("version").and_then(Value::as_i64) else {
            continue;
        };
        created.insert(
            (e.subject.to_lowercase(), version),
            Created {
                seq: e.seq,
                origin: text(&e.details, "origin"),
                digest: text(&e.details, "items_digest"),
            },
        );
    }
    let rows = sqlx::query("SELECT name, version, origin FROM baselines ORDER BY name, version")
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let name: String = row.try_get("name")?;
        let version: i64 = row.try_get("version")?;
        let origin: String = row.try_get("origin")?;
        let mut report = |problem: String| {
            out.push(Unexplained {
                kind: "baseline",
                subject: name.clone(),
                problem,
            })
        };
        let Some(Created {
            seq,
            origin: claimed_origin,
            digest,
        }) = created.remove(&(name.to_lowercase(), version))
        else {
            report(format!(
                "baseline {name} version {version} is not in the audit log"
            ));
            continue;
        };
        if claimed_origin.as_ref().is_some_and(|o| *o != origin) {
            report(format!(
                "baseline {name} version {version} has the origin '{origin}' but the audit log (entry {seq}) recorded {}",
                shown(&claimed_origin)
            ));
        }
        if let Some(digest) = digest {
            let items = crate::baselines::baseline_items(&mut *conn, &name, version).await?;
            if items_digest(&items) != digest {
                out.push(Unexplained {
                    kind: "baseline",
                    subject: name.clone(),
                    problem: format!(
                        "baseline {name} version {version} does not hold the objects it was created with (entry {seq}): they were edited"
                    ),
                });
            }
        }
    }
    for ((name, version), Created { seq, .. }) in created {
        out.push(Unexplained {
            kind: "baseline",
            subject: name.clone(),
            problem: format!(
                "baseline {name} version {version} is in the audit log (entry {seq}) but not in the database: it was removed"
            ),
        });
    }
    Ok(())
}

async fn assignments_and_pins(
    conn: &mut sqlx::SqliteConnection,
    entries: &[AuditEntry],
    out: &mut Vec<Unexplained>,
) -> Result<()> {
    let domains: HashMap<String, String> = sqlx::query("SELECT id, domain FROM tenants")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("domain")?)))
        .collect::<Result<_>>()?;
    let tenant = |id: &str| domains.get(id).cloned().unwrap_or_else(|| id.to_string());
    // (name, tenant) → (seq, vars); (name, tenant, kind, item) → (seq, object id)
    let mut assigned: BTreeMap<(String, String), (i64, Value)> = BTreeMap::new();
    let mut pinned: BTreeMap<(String, String, String, String), (i64, String)> = BTreeMap::new();
    for e in entries {
        let name = e.subject.to_lowercase();
        let tenant_id = text(&e.details, "tenant_id")
            .unwrap_or_default()
            .to_lowercase();
        let pin_key = || {
            (
                name.clone(),
                tenant_id.clone(),
                text(&e.details, "kind").unwrap_or_default(),
                text(&e.details, "item").unwrap_or_default().to_lowercase(),
            )
        };
        match e.action.as_str() {
            "baseline.assign" => {
                // Entries from before assignments had values (migration 0004) hold none: `{}`.
                let vars = e
                    .details
                    .get("vars")
                    .filter(|v| !v.is_null())
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()));
                assigned.insert((name, tenant_id), (e.seq, vars));
            }
            "baseline.unassign" => {
                pinned.retain(|(n, t, _, _), _| !(*n == name && *t == tenant_id));
                assigned.remove(&(name, tenant_id));
            }
            "baseline.pin" => {
                let object = text(&e.details, "object_id")
                    .unwrap_or_default()
                    .to_lowercase();
                pinned.insert(pin_key(), (e.seq, object));
            }
            "baseline.unpin" => {
                pinned.remove(&pin_key());
            }
            _ => {}
        }
    }
    let rows = sqlx::query(
        "SELECT name, tenant_id, vars FROM baseline_assignments ORDER BY name, tenant_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let name: String = row.try_get("name")?;
        let tenant_id: String = row.try_get("tenant_id")?;
        let vars: String = row.try_get("vars")?;
        let vars: Value = serde_json::from_str(&vars).unwrap_or(Value::String(vars));
        let on = tenant(&tenant_id);
        let problem = match assigned.remove(&(name.to_lowercase(), tenant_id.to_lowercase())) {
            None => Some(format!(
                "baseline {name} is assigned to {on} but the audit log does not say so"
            )),
            Some((seq, claimed)) if claimed != vars => Some(format!(
                "baseline {name} checks {on} with the values {vars} but the audit log (entry {seq}) recorded {claimed}"
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            out.push(Unexplained {
                kind: "assignment",
                subject: name,
                problem,
            });
        }
    }
    for ((name, tenant_id), (seq, _)) in assigned {
        out.push(Unexplained {
            kind: "assignment",
            subject: name.clone(),
            problem: format!(
                "the audit log assigned baseline {name} to {} (entry {seq}) but the assignment is gone",
                tenant(&tenant_id)
            ),
        });
    }
    let rows = sqlx::query(
        "SELECT name, tenant_id, kind, item_name, object_id FROM baseline_pins
         ORDER BY name, tenant_id, kind, item_name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let name: String = row.try_get("name")?;
        let tenant_id: String = row.try_get("tenant_id")?;
        let kind: String = row.try_get("kind")?;
        let item: String = row.try_get("item_name")?;
        let object_id: String = row.try_get("object_id")?;
        let key = (
            name.to_lowercase(),
            tenant_id.to_lowercase(),
            kind.clone(),
            item.to_lowercase(),
        );
        let on = tenant(&tenant_id);
        let problem = match pinned.remove(&key) {
            None => Some(format!(
                "'{item}' of baseline {name} is pinned to {object_id} in {on} but the audit log does not say so"
            )),
            Some((seq, claimed)) if claimed != object_id.to_lowercase() => Some(format!(
                "'{item}' of baseline {name} is pinned to {object_id} in {on} but the audit log (entry {seq}) pinned it to {claimed}"
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            out.push(Unexplained {
                kind: "pin",
                subject: name,
                problem,
            });
        }
    }
    for ((name, tenant_id, _, item), (seq, _)) in pinned {
        out.push(Unexplained {
            kind: "pin",
            subject: name.clone(),
            problem: format!(
                "the audit log pinned '{item}' of baseline {name} in {} (entry {seq}) but the pin is gone",
                tenant(&tenant_id)
            ),
        });
    }
    Ok(())
}
