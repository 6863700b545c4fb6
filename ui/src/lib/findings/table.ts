// The findings table's logic, apart from its markup so it can be tested as plain functions:
// words for severities, states and drift, filtering, sorting, ages and the CSV export. `now` is
// always an argument, never read here.

import { toCsv as tableCsv } from '../csv';
import type { FindingRow } from '../ipc/commands';

export type Severity = 'high' | 'medium' | 'low' | 'info';
export type FindingState = 'open' | 'acknowledged' | 'risk_accepted' | 'resolved';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

export const SEVERITY_LABEL: Record<Severity, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const STATE_LABEL: Record<FindingState, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  risk_accepted: 'Risk accepted',
  resolved: 'Resolved',
};

/** A severity the engine sent, or `info` for one this window does not know. */
export function severityOf(row: FindingRow): Severity {
  return (SEVERITIES as readonly string[]).includes(row.severity) ? (row.severity as Severity) : 'info';
}

export function stateOf(row: FindingRow): FindingState {
  return row.state in STATE_LABEL ? (row.state as FindingState) : 'open';
}

/** Open or acknowledged: drift nobody has resolved or accepted (the engine's `is_standing`). */
export function isStanding(row: FindingRow): boolean {
  return row.state === 'open' || row.state === 'acknowledged';
}

/** What the drift is, in words, for a finding with no setting-level change to show. */
export function driftWords(drift: string): string {
  switch (drift) {
    case 'missing':
      return 'In the baseline, missing from the tenant';
    case 'unexpected':
      return 'In the tenant, not in the baseline';
    case 'modified':
      return 'Differs from the baseline';
    default:
      return drift;
  }
}

/** The finding's change in one line: its first setting-level change, and how many more. */
export function changeInWords(row: FindingRow): string {
  if (row.changes.length === 0) {
    return driftWords(row.drift);
  }
  const more = row.changes.length - 1;
  return more > 0 ? `${row.changes[0].summary} (+${more} more)` : row.changes[0].summary;
}

/** Which decisions the engine allows from a state (crates/engine/src/ops/findings.rs `Triage::apply`). */
export const canAcknowledge = (row: FindingRow) => row.state === 'open';
export const canAcceptRisk = (row: FindingRow) => row.state !== 'resolved';
export const canResolve = (row: FindingRow) => row.state !== 'resolved';

const DAY = 86_400_000;

/** How long ago the drift was first seen: "today", "5 h", "12 d". */
export function ageText(firstSeen: string, now: Date): string {
  const ms = now.getTime() - Date.parse(firstSeen);
  if (Number.isNaN(ms)) return '—';
  if (ms < 3_600_000) return 'new';
  if (ms < DAY) return `${Math.floor(ms / 3_600_000)} h`;
  return `${Math.floor(ms / DAY)} d`;
}

/** How long ago, in words: "under an hour ago", "5 h ago", "12 d ago". */
export function agoText(time: string, now: Date): string {
  const age = ageText(time, now);
  if (age === '—') return 'at an unknown time';
  return age === 'new' ? 'under an hour ago' : `${age} ago`;
}

/** A stored time as the window shows it: local `YYYY-MM-DD HH:MM`. */
export function when(time: string | null): string {
  if (time === null) return '—';
  const t = new Date(time);
  if (Number.isNaN(t.getTime())) return time;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

export type StateFilter = 'standing' | FindingState | 'all';
export type AgeFilter = 'any' | 'new' | 'week' | 'month' | 'quarter';

export const STATE_FILTERS: { value: StateFilter; label: string }[] = [
  { value: 'standing', label: 'Open & acknowledged' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'risk_accepted', label: 'Risk accepted' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'Any state' },
];

export const AGE_FILTERS: { value: AgeFilter; label: string }[] = [
  { value: 'any', label: 'Any age' },
  { value: 'new', label: 'First seen this week' },
  { value: 'week', label: 'Older than 7 days' },
  { value: 'month', label: 'Older than 30 days' },
  { value: 'quarter', label: 'Older than 90 days' },
];

export interface Filter {
  text: string;
  /** A tenant id; empty for every tenant. */
  tenant: string;
  severity: Severity | '';
  state: StateFilter;
  /** A kind (`deviceConfigurations`); empty for every kind. */
  kind: string;
  age: AgeFilter;
}

/** What the screen opens with: every standing finding. */
export const DEFAULT_FILTER: Filter = { text: '', tenant: '', severity: '', state: 'standing', kind: '', age: 'any' };

function ageMatches(row: FindingRow, age: AgeFilter, now: Date): boolean {
  if (age === 'any') return true;
  const days = (now.getTime() - Date.parse(row.first_seen_at)) / DAY;
  if (Number.isNaN(days)) return false;
  switch (age) {
    case 'new':
      return days < 7;
    case 'week':
      return days >= 7;
    case 'month':
      return days >= 30;
    case 'quarter':
      return days >= 90;
  }
}

/** The words a text filter looks in — the object, tenant, kind, baseline, id and every change —
 * lower-cased once per row (rows are replaced, never changed, so the row is the key). */
const haystacks = new WeakMap<FindingRow, string>();
function haystack(row: FindingRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    text = [
      row.object,
      row.tenant_name,
      row.tenant_domain,
      row.kind_label,
      row.baseline,
      row.id,
      ...row.changes.flatMap((c) => [c.summary, c.setting ?? '', c.setting_id ?? '']),
    ]
      .join('\n')
      .toLocaleLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

export function filterFindings(rows: readonly FindingRow[], filter: Filter, now: Date): FindingRow[] {
  const needle = filter.text.trim().toLocaleLowerCase();
  return rows.filter((row) => {
    if (filter.tenant !== '' && row.tenant_id !== filter.tenant) return false;
    if (filter.severity !== '' && severityOf(row) !== filter.severity) return false;
    if (filter.kind !== '' && row.kind !== filter.kind) return false;
    if (filter.state === 'standing' ? !isStanding(row) : filter.state !== 'all' && row.state !== filter.state) {
      return false;
    }
    if (!ageMatches(row, filter.age, now)) return false;
    return needle === '' || haystack(row).includes(needle);
  });
}

/** Whether any filter narrows the list beyond what the screen opens with. */
export function isFiltered(filter: Filter): boolean {
  return (Object.keys(DEFAULT_FILTER) as (keyof Filter)[]).some((k) => filter[k] !== DEFAULT_FILTER[k]);
}

export interface Option {
  value: string;
  label: string;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The tenants that have findings, by name, for the tenant filter. */
export function tenantOptions(rows: readonly FindingRow[]): Option[] {
  const seen = new Map<string, string>();
  for (const row of rows) seen.set(row.tenant_id, row.tenant_name);
  return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => collator.compare(a.label, b.label));
}

/** The kinds that have findings, by their label, for the kind filter. */
export function kindOptions(rows: readonly FindingRow[]): Option[] {
  const seen = new Map<string, string>();
  for (const row of rows) seen.set(row.kind, row.kind_label);
  return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => collator.compare(a.label, b.label));
}

export type SortKey = 'severity' | 'tenant' | 'object' | 'state' | 'age' | 'kind';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

/** The direction a column sorts in when first clicked: most severe and oldest first. */
export const FIRST_DIR: Record<SortKey, SortDir> = {
  severity: 'desc',
  tenant: 'asc',
  object: 'asc',
  state: 'asc',
  age: 'desc',
  kind: 'asc',
};

export const DEFAULT_SORT: Sort = { key: 'severity', dir: 'desc' };

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3 };
const STATE_RANK: Record<FindingState, number> = { open: 0, acknowledged: 1, risk_accepted: 2, resolved: 3 };

/** Milliseconds since first seen; a time that does not parse sorts as new. */
function age(row: FindingRow): number {
  const t = Date.parse(row.first_seen_at);
  return Number.isNaN(t) ? 0 : -t;
}

function compare(key: SortKey, a: FindingRow, b: FindingRow): number {
  switch (key) {
    case 'severity':
      return SEVERITY_RANK[severityOf(a)] - SEVERITY_RANK[severityOf(b)];
    case 'tenant':
      return collator.compare(a.tenant_name, b.tenant_name);
    case 'object':
      return collator.compare(a.object, b.object);
    case 'state':
      return STATE_RANK[stateOf(a)] - STATE_RANK[stateOf(b)];
    case 'age':
      return age(a) - age(b);
    case 'kind':
      return collator.compare(a.kind_label, b.kind_label);
  }
}

/** The rows sorted by `sort`; ties go most severe, oldest, then by tenant and object, so the order is stable. */
export function sortFindings(rows: readonly FindingRow[], sort: Sort): FindingRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      sign * compare(sort.key, a, b) ||
      compare('severity', b, a) ||
      compare('age', b, a) ||
      compare('tenant', a, b) ||
      compare('object', a, b) ||
      a.id.localeCompare(b.id),
  );
}

const CSV_COLUMNS: [string, (row: FindingRow) => string | null][] = [
  ['Finding', (r) => r.id],
  ['Severity', (r) => SEVERITY_LABEL[severityOf(r)]],
  ['State', (r) => STATE_LABEL[stateOf(r)]],
  ['Tenant', (r) => r.tenant_name],
  ['Tenant domain', (r) => r.tenant_domain],
  ['Kind', (r) => r.kind_label],
  ['Object', (r) => r.object],
  ['Change', (r) => (r.changes.length === 0 ? driftWords(r.drift) : r.changes.map((c) => c.summary).join('; '))],
  ['Baseline', (r) => r.baseline],
  ['First seen', (r) => r.first_seen_at],
  ['Last seen', (r) => r.last_seen_at],
  ['Approver', (r) => r.approver],
  ['Expires', (r) => r.expires],
  ['Justification', (r) => r.justification],
];

/** The rows as CSV, every column (see `../csv`). */
export function toCsv(rows: readonly FindingRow[]): string {
  return tableCsv(CSV_COLUMNS, rows);
}
