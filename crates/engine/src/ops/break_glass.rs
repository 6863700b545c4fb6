//! The break-glass (emergency access) accounts an MSP names per tenant: each sync reads them and
//! captures one object per account — whether it exists and is enabled, its Entra roles, its groups
//! and the enabled Conditional Access policies that reach it (`sync/break_glass.rs`) — so a
//! baseline expects "excluded from every policy, Global Administrator, enabled", and a policy that
//! forgot the exclusion is a high finding before it locks anyone out.

use crate::ops::findings::actor;
use crate::{Engine, EngineError};
use serde_json::json;
use tenantatlas_store::AuditInput;

/// The most accounts a tenant may name (Microsoft recommends two).
pub const MAX_ACCOUNTS: usize = 10;
/// Longest user principal name Entra accepts (64 before the `@`, 48 after, and the `@`).
const MAX_NAME: usize = 113;

impl Engine {
    /// A tenant's break-glass accounts, in the order the MSP named them.
    pub async fn break_glass_accounts(&self, tenant: &str) -> Result<Vec<String>, EngineError> {
        let record = self.tenant(tenant).await?;
        Ok(self.workspace.break_glass_accounts(&record.id).await?)
    }

    /// Names a tenant's break-glass accounts (replacing the ones named before; none clears them),
    /// recorded in the audit log. The next sync reads them.
    pub async fn set_break_glass_accounts(
        &self,
        tenant: &str,
        names: &[String],
    ) -> Result<Vec<String>, EngineError> {
        let record = self.tenant(tenant).await?;
        let names = checked(names)?;
        let before = self.workspace.break_glass_accounts(&record.id).await?;
        if before == names {
            return Ok(names);
        }
        let audit = AuditInput {
            actor: actor(),
            action: "tenant.break_glass".to_string(),
            subject: record.id.clone(),
            details: json!({"tenant_id": record.id, "before": before, "after": names}),
        };
        self.workspace
            .set_break_glass_accounts(&record.id, &names, &audit)
            .await?;
        tracing::info!(tenant = %record.id, accounts = names.len(), "break-glass accounts named");
        Ok(names)
    }
}

/// The names as stored: trimmed, lowercased (Entra compares user principal names without case),
/// each a user principal name, none twice, at most [`MAX_ACCOUNTS`].
fn checked(names: &[String]) -> Result<Vec<String>, EngineError> {
    let mut out: Vec<String> = Vec::new();
    for raw in names {
        let name = raw.trim().to_lowercase();
        // Named back as typed, made visible and cut short (a whole pasted file is not echoed).
        let shown: String = tenantatlas_core::text::visible(raw)
            .chars()
            .take(120)
            .collect();
        let (local, domain) = name.split_once('@').unwrap_or(("", ""));
        let valid = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && name.len() <= MAX_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '/' && c != '\\');
        if !valid {
            return Err(EngineError::invalid(format!(
                "'{shown}' is not a user principal name; name each account as it signs in, e.g. breakglass1@contoso.onmicrosoft.com"
            )));
        }
        if out.contains(&name) {
            return Err(EngineError::invalid(format!(
                "'{shown}' is named twice; name each break-glass account once"
            )));
        }
        out.push(name);
    }
    if out.len() > MAX_ACCOUNTS {
        return Err(EngineError::invalid(format!(
            "{} break-glass accounts named; a tenant may name at most {MAX_ACCOUNTS} (Microsoft recommends two)",
            out.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_are_user_principal_names_once_each() {
        assert_eq!(
            checked(&names(&[
                " BG1@Contoso.com ",
                "bg2@contoso.onmicrosoft.com"
            ]))
            .unwrap(),
            names(&["bg1@contoso.com", "bg2@contoso.onmicrosoft.com"])
        );
        assert!(checked(&[]).unwrap().is_empty());
        for bad in [
            "bg1",
            "@contoso.com",
            "bg1@contoso",
            "bg1@.com",
            "bg 1@contoso.com",
            "bg1@contoso.com\u{1b}[31m",
            "a/b@contoso.com",
        ] {
            let error = checked(&names(&[bad])).unwrap_err().to_string();
            assert!(
                error.contains("not a user principal name"),
                "{bad}: {error}"
            );
            assert!(!error.contains('\u{1b}'), "{error}");
        }
        let twice = checked(&names(&["a@b.com", "A@B.com"])).unwrap_err();
        assert!(twice.to_string().contains("named twice"), "{twice}");
        let many: Vec<String> = (0..11).map(|n| format!("bg{n}@contoso.com")).collect();
        assert!(checked(&many)
            .unwrap_err()
            .to_string()
            .contains("at most 10"));
    }
}
