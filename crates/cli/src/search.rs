//! `tenantatlas search QUERY [--kind K]… [--archived] [--limit N]`: one query across every
//! tenant's latest snapshot — tenants, objects, settings (by friendly name, raw id or value) and
//! findings — printed as one table per group, best matches first, with how many more matched.
//! Every cell is a tenant's text and goes through `output::clean` (the table does it).

use crate::output::{counted, Align, Table};
use anyhow::Result;
use clap::{Args, ValueEnum};
use tenantatlas_engine::ops::search::{SearchKind, SearchOptions, SearchResults, DEFAULT_LIMIT};
use tenantatlas_engine::Engine;

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// What to look for: words in any order, every one must match (case-insensitive).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
    /// Only these groups (repeat or separate with commas; default: all four).
    #[arg(long, value_enum, value_delimiter = ',')]
    kind: Vec<Kind>,
    /// Also search archived tenants.
    #[arg(long)]
    archived: bool,
    /// Hits shown per group.
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    limit: usize,
}

/// `--kind`: which group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Kind {
    Tenants,
    Objects,
    Settings,
    Findings,
}

impl From<Kind> for SearchKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Tenants => SearchKind::Tenants,
            Kind::Objects => SearchKind::Objects,
            Kind::Settings => SearchKind::Settings,
            Kind::Findings => SearchKind::Findings,
        }
    }
}

pub async fn search(engine: &Engine, args: SearchArgs, json: bool) -> Result<()> {
    let options = SearchOptions {
        kinds: args.kind.iter().map(|&k| k.into()).collect(),
        include_archived: args.archived,
        limit: args.limit,
    };
    let results = engine.search(&args.query.join(" "), &options).await?;
    if json {
        return crate::output::json(&results);
    }
    print(&results, &options)
}

fn print(r: &SearchResults, options: &SearchOptions) -> Result<()> {
    let wants = |k: SearchKind| options.kinds.is_empty() || options.kinds.contains(&k);
    let found = r.tenants.total + r.objects.total + r.settings.total + r.findings.total;
    if found == 0 {
        outln!(
            "nothing matches in {}{}",
            counted(r.tenants_searched as u64, "tenant"),
            if options.include_archived {
                ""
            } else {
                " (archived tenants are searched with --archived)"
            }
        );
        return Ok(());
    }
    let mut first = true;
    let mut heading = |title: &str, total: usize, more: usize| -> Result<()> {
        if !first {
            outln!();
        }
        first = false;
        let more = if more > 0 {
            format!(", {more} more not shown (--limit)")
        } else {
            String::new()
        };
        outln!("{title} ({total}{more})");
        Ok(())
    };
    if wants(SearchKind::Tenants) && r.tenants.total > 0 {
        heading("Tenants", r.tenants.total, r.tenants.more)?;
        let mut t = Table::new(&[
            ("TENANT", Align::Left),
            ("DOMAIN", Align::Left),
            ("STATE", Align::Left),
            ("ID", Align::Left),
        ]);
        for h in &r.tenants.hits {
            t.row(&[
                &h.tenant.tenant_name,
                &h.tenant.tenant_domain,
                &h.state,
                &h.tenant.tenant_id,
            ]);
        }
        t.print()?;
    }
    if wants(SearchKind::Objects) && r.objects.total > 0 {
        heading("Objects", r.objects.total, r.objects.more)?;
        let mut t = Table::new(&[
            ("TENANT", Align::Left),
            ("KIND", Align::Left),
            ("NAME", Align::Left),
            ("ID", Align::Left),
        ]);
        for h in &r.objects.hits {
            t.row(&[
                &h.tenant.tenant_domain,
                &h.kind_label,
                &h.name,
                &h.object_id,
            ]);
        }
        t.print()?;
    }
    if wants(SearchKind::Settings) && r.settings.total > 0 {
        heading("Settings", r.settings.total, r.settings.more)?;
        let mut t = Table::new(&[
            ("TENANT", Align::Left),
            ("SETTING", Align::Left),
            ("VALUE", Align::Left),
            ("OBJECT", Align::Left),
        ]);
        for h in &r.settings.hits {
            t.row(&[
                &h.tenant.tenant_domain,
                &h.setting,
                &h.value,
                &h.object_name,
            ]);
        }
        t.print()?;
    }
    if wants(SearchKind::Findings) && r.findings.total > 0 {
        heading("Findings", r.findings.total, r.findings.more)?;
        let mut t = Table::new(&[
            ("TENANT", Align::Left),
            ("SEVERITY", Align::Left),
            ("STATE", Align::Left),
            ("DRIFT", Align::Left),
            ("OBJECT", Align::Left),
            ("CHANGE", Align::Left),
            ("ID", Align::Left),
        ]);
        for h in &r.findings.hits {
            t.row(&[
                h.tenant.tenant_domain.as_str(),
                &h.severity,
                &h.state,
                &h.drift,
                &h.object,
                h.detail.as_deref().unwrap_or(""),
                &h.finding_id,
            ]);
        }
        t.print()?;
    }
    Ok(())
}
