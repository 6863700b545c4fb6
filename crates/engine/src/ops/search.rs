//! Search everywhere: one query over every tenant's latest snapshot — tenants (name, domain, id),
//! objects (name, kind, id), settings (the friendly name the policy view gives, the raw setting
//! id or JSON property name, and the value in words) and findings (object, setting and change
//! text). "Which tenants set BitLocker recovery password rotation, and to what?" is the settings
//! group of `bitlocker recovery password rotation`: one hit per tenant and object, with the value.
//!
//! Two decisions a newcomer must know:
//! - Matching is plain and predictable: case-insensitive, the query split into words, every word
//!   found somewhere in the entry (in any order); hits are ranked exact (the whole query is the
//!   name or id) > prefix (the name starts with it, or every word starts a word of the name) >
//!   contains, then by name. Each group keeps the first `limit` hits and says how many more.
//! - Settings are put into words once per snapshot, not per query: a [`SearchCache`] held by the
//!   [`Engine`] keeps each tenant's index keyed by its latest snapshot id and the size of the
//!   settings catalog (which names settings), so a new sync or newly read definitions rebuild it.
//!   Findings are read per query (triage changes them at any time; there are few).
//!
//! A read-only query: it records nothing, not even the reopening of expired risk acceptances that
//! `findings list` records (an expired one is shown as `open`, as the portfolio counts it).
//! Everything indexed is a tenant's text; front doors clean it before showing it.

use crate::ops::diff::refs_for;
use crate::ops::findings::{expired, today, FindingState};
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tenantatlas_core::kinds;
use tenantatlas_core::labels::{describe_settings, SettingCatalog};
use tenantatlas_store::{FindingRecord, TenantRecord, TenantState};

/// How many hits a group keeps unless told otherwise.
pub const DEFAULT_LIMIT: usize = 50;
/// Words of a query beyond this are ignored: a pasted paragraph must not make every entry cost
/// hundreds of substring searches.
pub const MAX_WORDS: usize = 12;
/// Characters of a value kept in a hit (a long single-line value is cut, with `…`).
const VALUE_CHARS: usize = 300;
/// Characters of one field that are searched: long descriptions and values are searched by
/// their start only, so a hostile megabyte of text costs a bounded amount of memory per entry.
const FIELD_CHARS: usize = 2_000;

/// What a search looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Tenants,
    Objects,
    Settings,
    Findings,
}

/// How a search is asked.
#[derive(Clone, Debug)]
pub struct SearchOptions {
    /// The groups to fill; empty for all four.
    pub kinds: Vec<SearchKind>,
    /// Also search archived tenants (their latest snapshot and findings).
    pub include_archived: bool,
    /// Hits kept per group.
    pub limit: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            kinds: Vec::new(),
            include_archived: false,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl SearchOptions {
    fn wants(&self, kind: SearchKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// How well a hit matches, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRank {
    /// The whole query is the name (or the id).
    Exact,
    /// The name starts with the query, or every word of the query starts a word of the name.
    Prefix,
    /// Every word is somewhere in the entry.
    Contains,
}

/// One group of hits: the best `limit`, and how many matched in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchGroup<T> {
    pub hits: Vec<T>,
    /// Every entry that matched, shown or not.
    pub total: usize,
    /// Matched but left out: `total - hits.len()`.
    pub more: usize,
}

impl<T> Default for SearchGroup<T> {
    fn default() -> Self {
        SearchGroup {
            hits: Vec::new(),
            total: 0,
            more: 0,
        }
    }
}

/// The tenant a hit is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HitTenant {
    pub tenant_id: String,
    pub tenant_domain: String,
    pub tenant_name: String,
}

/// A tenant whose name, domain or id matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TenantHit {
    #[serde(flatten)]
    pub tenant: HitTenant,
    /// `active`, `onboarding` or `archived`.
    pub state: String,
    pub last_sync: Option<String>,
    pub rank: MatchRank,
}

/// An object of a tenant's latest snapshot whose name, kind or id matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectHit {
    #[serde(flatten)]
    pub tenant: HitTenant,
    pub object_id: String,
    /// The kind's registry key and its name in the MSP's words.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub rank: MatchRank,
}

/// One configured value of an object whose name, id or value matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettingHit {
    #[serde(flatten)]
    pub tenant: HitTenant,
    pub object_id: String,
    pub object_name: String,
    pub kind: String,
    pub kind_label: String,
    /// The setting as the policy view names it ("Configure Recovery Password Rotation").
    pub setting: String,
    /// Its raw id: settings catalog definition id, ADMX definition, OMA-URI or property name.
    pub setting_id: Option<String>,
    /// The value in words ("Refresh on for Azure AD-joined devices").
    pub value: String,
    pub rank: MatchRank,
}

/// A finding whose object, baseline, drift or change text matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingHit {
    #[serde(flatten)]
    pub tenant: HitTenant,
    pub finding_id: String,
    pub object: String,
    pub object_id: Option<String>,
    pub kind_label: String,
    pub baseline: String,
    /// `missing`, `modified`, `assignments`, `deleted`, `unexpected`.
    pub drift: String,
    pub severity: String,
    /// `open`, `acknowledged`, `risk_accepted` or `resolved` (an expired acceptance is `open`).
    pub state: String,
    /// The change that matched, in words ("Require Device Encryption: Enabled → Disabled").
    pub detail: Option<String>,
    pub rank: MatchRank,
}

/// What a search found, by group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SearchResults {
    /// The words searched for, lowercase, as matched.
    pub words: Vec<String>,
    /// How many tenants were searched.
    pub tenants_searched: usize,
    pub tenants: SearchGroup<TenantHit>,
    pub objects: SearchGroup<ObjectHit>,
    pub settings: SearchGroup<SettingHit>,
    pub findings: SearchGroup<FindingHit>,
}

// ---------------------------------------------------------------------------------------------
// The index of one snapshot

/// Per tenant, the index of its latest snapshot, built once and reused until the snapshot or the
/// settings catalog changes. Held by the [`Engine`]; shared by every search on it.
#[derive(Default)]
pub struct SearchCache {
    by_tenant: Mutex<HashMap<String, Cached>>,
}

struct Cached {
    key: IndexKey,
    index: Arc<SnapshotIndex>,
}

/// What an index was built from: the snapshot, and how many definitions named its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IndexKey {
    snapshot_id: i64,
    catalog_len: usize,
}

impl SearchCache {
    fn get(&self, tenant_id: &str, key: IndexKey) -> Option<Arc<SnapshotIndex>> {
        let map = self.by_tenant.lock().unwrap_or_else(|p| p.into_inner());
        map.get(tenant_id)
            .filter(|c| c.key == key)
            .map(|c| c.index.clone())
    }

    fn put(&self, tenant_id: &str, key: IndexKey, index: Arc<SnapshotIndex>) {
        let mut map = self.by_tenant.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(tenant_id.to_string(), Cached { key, index });
    }

    /// Forgets tenants no longer in the workspace.
    fn retain(&self, tenant_ids: &[&str]) {
        let mut map = self.by_tenant.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|id, _| tenant_ids.contains(&id.as_str()));
    }
}

/// A snapshot's objects and configured values, with their searchable text made once.
#[derive(Debug, Default)]
pub struct SnapshotIndex {
    objects: Vec<IndexedObject>,
    settings: Vec<IndexedSetting>,
}

#[derive(Debug)]
struct IndexedObject {
    object_id: String,
    kind: String,
    kind_label: String,
    name: String,
    /// Lowercase name (and id): what exact and prefix ranks look at.
    name_lower: String,
    id_lower: String,
    /// Lowercase name, kind label, kind key and id, one a line.
    text: String,
}

#[derive(Debug)]
struct IndexedSetting {
    /// Index into `objects`.
    object: usize,
    setting: String,
    setting_id: Option<String>,
    value: String,
    setting_lower: String,
    id_lower: String,
    /// Lowercase setting name, id, path and value, one a line.
    text: String,
}

impl SnapshotIndex {
    /// The index of `objects`, a snapshot's objects with their content, whose ids resolve through
    /// `refs` and whose settings catalog names come from `catalog`.
    pub fn build(
        objects: &[tenantatlas_store::snapshots::SnapshotObject],
        catalog: &SettingCatalog,
        refs: &tenantatlas_core::diff::MapRefs,
    ) -> SnapshotIndex {
        let mut index = SnapshotIndex::default();
        for object in objects {
            let kind = kinds::by_key(&object.kind);
            let name = kind
                .and_then(|k| object.content.get(k.name_field))
                .and_then(Value::as_str)
                .unwrap_or(&object.display_name)
                .to_string();
            let kind_label = kinds::label(&object.kind);
            let name_lower = searchable(&name);
            let id_lower = searchable(&object.object_id);
            let text = [
                name_lower.as_str(),
                &searchable(kind_label),
                &searchable(&object.kind),
                &id_lower,
            ]
            .join("\n");
            let at = index.objects.len();
            index.objects.push(IndexedObject {
                object_id: object.object_id.clone(),
                kind: object.kind.clone(),
                kind_label: kind_label.to_string(),
                name,
                name_lower,
                id_lower,
                text,
            });
            let Some(kind) = kind else { continue };
            // A secret is neither found nor shown by a search.
            let content = tenantatlas_core::redact::without_secrets(&object.content);
            for s in describe_settings(kind, &content, catalog, refs) {
                let setting_lower = searchable(&s.setting);
                let id_lower = s.setting_id.as_deref().map(searchable).unwrap_or_default();
                let text = [
                    setting_lower.as_str(),
                    &id_lower,
                    &searchable(&s.path),
                    &searchable(&s.value),
                ]
                .join("\n");
                index.settings.push(IndexedSetting {
                    object: at,
                    value: shortened(&s.value, VALUE_CHARS),
                    setting: s.setting,
                    setting_id: s.setting_id,
                    setting_lower,
                    id_lower,
                    text,
                });
            }
        }
        index
    }

    /// How many configured values the index holds.
    pub fn settings_len(&self) -> usize {
        self.settings.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Matching

/// A query as matched: lowercase words, and the words joined by one space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
    whole: String,
}

impl Query {
    /// The words of `text` (at most [`MAX_WORDS`], each once); `None` when there are none. The
    /// whole query keeps repeated words ("MSP - Win - BitLocker"), with spaces collapsed.
    pub fn parse(text: &str) -> Option<Query> {
        let all: Vec<String> = text
            .split_whitespace()
            .take(4 * MAX_WORDS)
            .map(str::to_lowercase)
            .collect();
        let mut words: Vec<String> = Vec::new();
        for word in &all {
            if !words.contains(word) && words.len() < MAX_WORDS {
                words.push(word.clone());
            }
        }
        if words.is_empty() {
            return None;
        }
        Some(Query {
            words,
            whole: all.join(" "),
        })
    }

    /// How `text` (lowercase; every field of the entry) matches, judging exact and prefix ranks
    /// on `names` (lowercase; the name and id); `None` unless every word is in `text`.
    pub fn rank(&self, names: &[&str], text: &str) -> Option<MatchRank> {
        if !self.words.iter().all(|w| text.contains(w.as_str())) {
            return None;
        }
        let names = names.iter().filter(|n| !n.is_empty());
        if names.clone().any(|n| n.trim() == self.whole) {
            return Some(MatchRank::Exact);
        }
        let prefix = |n: &&&str| {
            n.starts_with(&self.whole) || self.words.iter().all(|w| starts_a_word(n, w))
        };
        if names.clone().any(|n| prefix(&n)) {
            return Some(MatchRank::Prefix);
        }
        Some(MatchRank::Contains)
    }
}

/// Whether `word` occurs in `text` at the start of a word (after a character that is not a
/// letter or digit, or at the start).
fn starts_a_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Text as it is searched: lowercase, its first [`FIELD_CHARS`] characters.
fn searchable(text: &str) -> String {
    let cut: String = text.chars().take(FIELD_CHARS).collect();
    cut.to_lowercase()
}

/// `text` cut to `max` characters, with `…` when it was longer.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

/// Keeps the best `limit` of `found` (already matched), sorted by `order`, and the count.
fn group<T, K: Ord>(mut found: Vec<T>, limit: usize, order: impl Fn(&T) -> K) -> (Vec<T>, usize) {
    let total = found.len();
    if total > limit && limit > 0 {
        found.select_nth_unstable_by(limit - 1, |a, b| order(a).cmp(&order(b)));
    }
    found.truncate(limit);
    found.sort_by_key(&order);
    (found, total)
}

fn finish<T>(hits: Vec<T>, total: usize) -> SearchGroup<T> {
    SearchGroup {
        more: total - hits.len(),
        hits,
        total,
    }
}

fn hit_tenant(t: &TenantRecord) -> HitTenant {
    HitTenant {
        tenant_id: t.id.clone(),
        tenant_domain: t.domain.clone(),
        tenant_name: t.name.clone(),
    }
}

/// Severities in the order a list shows them, highest first.
fn severity_order(severity: &str) -> u8 {
    match severity {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        "info" => 3,
        _ => 4,
    }
}

// ---------------------------------------------------------------------------------------------
// The search

impl Engine {
    /// Searches every tenant (not archived ones unless asked) for `text`; see the module's docs.
    /// A query of no words finds nothing (and reads nothing).
    pub async fn search(
        &self,
        text: &str,
        options: &SearchOptions,
    ) -> Result<SearchResults, EngineError> {
        let Some(query) = Query::parse(text) else {
            return Ok(SearchResults::default());
        };
        let all = self.workspace.list_tenants().await?;
        self.search
            .retain(&all.iter().map(|t| t.id.as_str()).collect::<Vec<_>>());
        let tenants: Vec<TenantRecord> = all
            .into_iter()
            .filter(|t| options.include_archived || t.state != TenantState::Archived)
            .collect();
        let mut results = SearchResults {
            words: query.words.clone(),
            tenants_searched: tenants.len(),
            ..SearchResults::default()
        };
        let limit = options.limit;

        if options.wants(SearchKind::Tenants) {
            let found: Vec<TenantHit> = tenants
                .iter()
                .filter_map(|t| {
                    let name = searchable(&t.name);
                    let domain = searchable(&t.domain);
                    let id = searchable(&t.id);
                    let text = [name.as_str(), &domain, &id].join("\n");
                    let rank = query.rank(&[&name, &domain, &id], &text)?;
                    Some(TenantHit {
                        tenant: hit_tenant(t),
                        state: t.state.as_str().to_string(),
                        last_sync: t.last_sync_at.clone(),
                        rank,
                    })
                })
                .collect();
            let (hits, total) = group(found, limit, |h| {
                (
                    h.rank,
                    h.tenant.tenant_name.to_lowercase(),
                    h.tenant.tenant_id.clone(),
                )
            });
            results.tenants = finish(hits, total);
        }

        if options.wants(SearchKind::Objects) || options.wants(SearchKind::Settings) {
            let indexes = self.snapshot_indexes(&tenants).await?;
            if options.wants(SearchKind::Objects) {
                results.objects = search_objects(&query, &tenants, &indexes, limit);
            }
            if options.wants(SearchKind::Settings) {
                results.settings = search_settings(&query, &tenants, &indexes, limit);
            }
        }

        if options.wants(SearchKind::Findings) {
            let records = self.workspace.list_findings(None).await?;
            results.findings = search_findings(&query, &tenants, &records, limit);
        }
        Ok(results)
    }

    /// The index of each tenant's latest snapshot (`None` before its first sync), from the cache
    /// or built now.
    async fn snapshot_indexes(
        &self,
        tenants: &[TenantRecord],
    ) -> Result<Vec<Option<Arc<SnapshotIndex>>>, EngineError> {
        // Read every time: its size is part of each index's key (a few milliseconds; see the bench).
        let catalog = self.workspace.setting_catalog().await?;
        let catalog_len = catalog.len();
        let mut out = Vec::with_capacity(tenants.len());
        for tenant in tenants {
            let Some(snapshot) = self.workspace.latest_snapshot(&tenant.id).await? else {
                out.push(None);
                continue;
            };
            let key = IndexKey {
                snapshot_id: snapshot.id,
                catalog_len,
            };
            if let Some(index) = self.search.get(&tenant.id, key) {
                out.push(Some(index));
                continue;
            }
            let directory = self.workspace.list_directory_objects(&tenant.id).await?;
            let objects = self.workspace.snapshot_objects(snapshot.id).await?;
            let refs = refs_for(&directory, &objects);
            let index = Arc::new(SnapshotIndex::build(&objects, &catalog, &refs));
            self.search.put(&tenant.id, key, index.clone());
            out.push(Some(index));
        }
        Ok(out)
    }
}

fn search_objects(
    query: &Query,
    tenants: &[TenantRecord],
    indexes: &[Option<Arc<SnapshotIndex>>],
    limit: usize,
) -> SearchGroup<ObjectHit> {
    // Matches as (rank, tenant, object) first; hits are made only for the ones kept.
    let mut found: Vec<(MatchRank, usize, usize)> = Vec::new();
    for (t, index) in indexes.iter().enumerate() {
        let Some(index) = index else { continue };
        for (o, object) in index.objects.iter().enumerate() {
            if let Some(rank) = query.rank(&[&object.name_lower, &object.id_lower], &object.text) {
                found.push((rank, t, o));
            }
        }
    }
    let object = |&(_, t, o): &(MatchRank, usize, usize)| {
        &indexes[t].as_ref().expect("matched in an index").objects[o]
    };
    let (kept, total) = group(found, limit, |m| {
        let o = object(m);
        (
            m.0,
            o.name_lower.clone(),
            tenants[m.1].name.to_lowercase(),
            m.1,
            m.2,
        )
    });
    let hits = kept
        .iter()
        .map(|m| {
            let o = object(m);
            ObjectHit {
                tenant: hit_tenant(&tenants[m.1]),
                object_id: o.object_id.clone(),
                kind: o.kind.clone(),
                kind_label: o.kind_label.clone(),
                name: o.name.clone(),
                rank: m.0,
            }
        })
        .collect();
    finish(hits, total)
}

fn search_settings(
    query: &Query,
    tenants: &[TenantRecord],
    indexes: &[Option<Arc<SnapshotIndex>>],
    limit: usize,
) -> SearchGroup<SettingHit> {
    let mut found: Vec<(MatchRank, usize, usize)> = Vec::new();
    for (t, index) in indexes.iter().enumerate() {
        let Some(index) = index else { continue };
        for (s, setting) in index.settings.iter().enumerate() {
            if let Some(rank) =
                query.rank(&[&setting.setting_lower, &setting.id_lower], &setting.text)
            {
                found.push((rank, t, s));
            }
        }
    }
    let index = |t: usize| indexes[t].as_ref().expect("matched in an index");
    // The same setting in every tenant sits together: by rank, setting, tenant, object.
    let (kept, total) = group(found, limit, |&(rank, t, s)| {
        let setting = &index(t).settings[s];
        (
            rank,
            setting.setting_lower.clone(),
            setting.id_lower.clone(),
            tenants[t].name.to_lowercase(),
            index(t).objects[setting.object].name_lower.clone(),
            t,
            s,
        )
    });
    let hits = kept
        .iter()
        .map(|&(rank, t, s)| {
            let setting = &index(t).settings[s];
            let object = &index(t).objects[setting.object];
            SettingHit {
                tenant: hit_tenant(&tenants[t]),
                object_id: object.object_id.clone(),
                object_name: object.name.clone(),
                kind: object.kind.clone(),
                kind_label: object.kind_label.clone(),
                setting: setting.setting.clone(),
                setting_id: setting.setting_id.clone(),
                value: setting.value.clone(),
                rank,
            }
        })
        .collect();
    finish(hits, total)
}

fn search_findings(
    query: &Query,
    tenants: &[TenantRecord],
    records: &[FindingRecord],
    limit: usize,
) -> SearchGroup<FindingHit> {
    let by_id: HashMap<&str, &TenantRecord> = tenants.iter().map(|t| (t.id.as_str(), t)).collect();
    let today = today();
    let mut found: Vec<FindingHit> = Vec::new();
    for record in records {
        let Some(tenant) = by_id.get(record.tenant_id.as_str()) else {
            continue;
        };
        let kind_label = kinds::label(&record.kind);
        let object = searchable(&record.object_name);
        let changes: Vec<(String, Option<String>)> = record
            .changes
            .as_array()
            .map(|list| list.iter().map(change_text).collect())
            .unwrap_or_default();
        let mut text = [
            object.as_str(),
            &searchable(kind_label),
            &searchable(&record.baseline),
            &searchable(&record.drift),
        ]
        .join("\n");
        for (change, _) in &changes {
            text.push('\n');
            text.push_str(change);
        }
        let Some(rank) = query.rank(&[&object], &text) else {
            continue;
        };
        // The change that says why it matched: one holding every word, else one holding any.
        let holds = |c: &str, all: bool| {
            let mut words = query.words.iter();
            if all {
                words.all(|w| c.contains(w.as_str()))
            } else {
                words.any(|w| c.contains(w.as_str()))
            }
        };
        let detail = changes
            .iter()
            .find(|(c, _)| holds(c, true))
            .or_else(|| changes.iter().find(|(c, _)| holds(c, false)))
            .and_then(|(_, summary)| summary.clone());
        let state = if expired(record, today) {
            FindingState::Open.as_str().to_string()
        } else {
            record.state.clone()
        };
        found.push(FindingHit {
            tenant: hit_tenant(tenant),
            finding_id: record.id.clone(),
            object: record.object_name.clone(),
            object_id: record.object_id.clone(),
            kind_label: kind_label.to_string(),
            baseline: record.baseline.clone(),
            drift: record.drift.clone(),
            severity: record.severity.clone(),
            state,
            detail: detail.map(|d| shortened(&d, VALUE_CHARS)),
            rank,
        });
    }
    let standing = |state: &str| {
        !(state == FindingState::Open.as_str() || state == FindingState::Acknowledged.as_str())
    };
    let (hits, total) = group(found, limit, |h| {
        (
            h.rank,
            standing(&h.state),
            severity_order(&h.severity),
            h.object.to_lowercase(),
            h.tenant.tenant_name.to_lowercase(),
            h.finding_id.clone(),
        )
    });
    finish(hits, total)
}

/// A stored change of a finding as searched (its setting name, id, path and summary, lowercase)
/// and its summary for people.
fn change_text(change: &Value) -> (String, Option<String>) {
    let field = |k: &str| change.get(k).and_then(Value::as_str);
    let text = ["setting_name", "setting", "path", "summary"]
        .iter()
        .filter_map(|k| field(k))
        .map(searchable)
        .collect::<Vec<_>>()
        .join("\n");
    (text, field("summary").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, names: &[&str], text: &str, expect: Option<MatchRank>) {
        let q = Query::parse(query).expect("words");
        let names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = format!("{}\n{}", names.join("\n"), text.to_lowercase());
        assert_eq!(q.rank(&names, &text), expect, "{query:?} in {text:?}");
    }

    #[test]
    fn every_word_must_match_in_any_order_and_exact_beats_prefix_beats_contains() {
        use MatchRank::*;
        check("bitlocker", &["BitLocker"], "", Some(Exact));
        check("BITLOCKER", &["bitlocker"], "", Some(Exact));
        check("bit", &["BitLocker"], "", Some(Prefix));
        check(
            "rotation recovery",
            &["Configure Recovery Password Rotation"],
            "",
            Some(Prefix),
        );
        check(
            "covery",
            &["Configure Recovery Password Rotation"],
            "",
            Some(Contains),
        );
        check(
            "bitlocker rotation",
            &["Configure Recovery Password Rotation"],
            "device_vendor_msft_bitlocker_configurerecoverypasswordrotation",
            Some(Contains),
        );
        check("bitlocker firewall", &["BitLocker"], "", None);
        check(
            "device_vendor_msft_bitlocker_configurerecoverypasswordrotation",
            &[
                "Configure Recovery Password Rotation",
                "device_vendor_msft_bitlocker_configurerecoverypasswordrotation",
            ],
            "",
            Some(Exact),
        );
        // An empty id never makes a prefix of everything.
        check("x", &["", "taxes"], "", Some(Contains));
    }

    #[test]
    fn a_query_is_its_words_once_each_and_at_most_max_words() {
        assert_eq!(Query::parse("   \t "), None);
        let q = Query::parse("  BitLocker   bitlocker  Rotation ").unwrap();
        assert_eq!(q.words, ["bitlocker", "rotation"]);
        assert_eq!(q.whole, "bitlocker bitlocker rotation");
        let many: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        assert_eq!(
            Query::parse(&many.join(" ")).unwrap().words.len(),
            MAX_WORDS
        );
    }

    #[test]
    fn a_group_keeps_the_best_and_counts_the_rest() {
        let (kept, total) = group((0..100).rev().collect::<Vec<u32>>(), 5, |n| *n);
        assert_eq!(kept, [0, 1, 2, 3, 4]);
        assert_eq!(total, 100);
        let g = finish(kept, total);
        assert_eq!(g.more, 95);
        let (kept, total) = group(vec![3u32, 1, 2], 50, |n| *n);
        assert_eq!((kept, total), (vec![1, 2, 3], 3));
        let (kept, total) = group(vec![3u32, 1], 0, |n| *n);
        assert_eq!((kept.len(), total), (0, 2));
    }

    #[test]
    fn long_text_is_cut_where_it_is_kept_and_where_it_is_searched() {
        assert_eq!(shortened("abc", 3), "abc");
        assert_eq!(shortened("abcd", 3), "abc…");
        assert_eq!(searchable(&"É".repeat(5_000)).chars().count(), FIELD_CHARS);
        assert!(starts_a_word("configure recovery", "recovery"));
        assert!(!starts_a_word("configurerecovery", "recovery"));
        assert!(starts_a_word("device_vendor_msft_bitlocker", "bitlocker"));
    }
}
