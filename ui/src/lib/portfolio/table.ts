// The portfolio table's logic, apart from its markup so it can be tested as plain functions:
// sync age against the SLA, what makes a tenant need attention, sorting, filtering and the
// summary cards. `now` is always an argument, never read here.

import type { PortfolioRow } from '../ipc/commands';

/** The score in words (crates/core/src/score.rs `Rating`). */
export type Rating = 'good' | 'needs_attention' | 'at_risk' | 'failing' | 'not_checked';

const RATINGS: readonly string[] = ['good', 'needs_attention', 'at_risk', 'failing', 'not_checked'];

/** The sync SLA: a tenant whose last good sync is older than `warnHours` is late (amber), older
 * than `overdueHours` overdue (red). The workspace's settings say which (`sla.*`). */
export interface Sla {
  warnHours: number;
  overdueHours: number;
}

/** The engine's defaults, until the workspace's settings are read. */
export const DEFAULT_SLA: Sla = { warnHours: 24, overdueHours: 72 };

const HOUR = 3_600_000;

export type SyncAge = 'fresh' | 'late' | 'overdue' | 'never';

export function syncAge(lastGoodSync: string | null, now: Date, sla: Sla = DEFAULT_SLA): SyncAge {
  if (lastGoodSync === null) {
    return 'never';
  }
  const hours = (now.getTime() - Date.parse(lastGoodSync)) / HOUR;
  if (Number.isNaN(hours)) {
    return 'never';
  }
  if (hours > sla.overdueHours) {
    return 'overdue';
  }
  return hours > sla.warnHours ? 'late' : 'fresh';
}

/** "just now", "5 min ago", "3 h ago", "4 d ago"; "never" when there is no time. */
export function ago(time: string | null, now: Date): string {
  if (time === null) {
    return 'never';
  }
  const ms = now.getTime() - Date.parse(time);
  if (Number.isNaN(ms)) {
    return 'never';
  }
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h ago`;
  }
  return `${Math.floor(hours / 24)} d ago`;
}

/** "lapses in 3 d", "lapses in 5 h", "lapsed 2 d ago": when a saved sign-in stops working. */
export function lapse(time: string | null, now: Date): string {
  if (time === null) {
    return 'lapses soon';
  }
  const ms = Date.parse(time) - now.getTime();
  if (Number.isNaN(ms)) {
    return 'lapses soon';
  }
  if (ms <= 0) {
    return `lapsed ${ago(time, now)}`;
  }
  const hours = Math.floor(ms / HOUR);
  return hours < 48 ? `lapses in ${Math.max(hours, 1)} h` : `lapses in ${Math.floor(hours / 24)} d`;
}

export const RATING_LABEL: Record<Rating, string> = {
  good: 'Good',
  needs_attention: 'Needs attention',
  at_risk: 'At risk',
  failing: 'Failing',
  not_checked: 'Not checked',
};

/** Why a tenant needs an engineer's look, in words; empty when it does not. */
export function attentionReasons(row: PortfolioRow, now: Date, sla: Sla = DEFAULT_SLA): string[] {
  const reasons: string[] = [];
  if (row.needs_reconnect) {
    reasons.push('sign-in needs reconnecting');
  } else if (row.sign_in_status === 'lapsing') {
    reasons.push(`sign-in ${lapse(row.sign_in_lapses_at, now)}`);
  }
  if (row.missing_permissions.length > 0) {
    reasons.push(`${row.missing_permissions.length} missing permission${row.missing_permissions.length === 1 ? '' : 's'}`);
  }
  const age = syncAge(row.last_good_sync, now, sla);
  if (age === 'never') {
    reasons.push('never synced');
  } else if (age !== 'fresh') {
    reasons.push(`last good sync ${ago(row.last_good_sync, now)}`);
  }
  if (row.last_sync_status === 'failed') {
    reasons.push(row.failing_since !== null ? `syncs failing since ${ago(row.failing_since, now)}` : 'last sync failed');
  }
  if (row.findings.high > 0) {
    reasons.push(`${row.findings.high} open high finding${row.findings.high === 1 ? '' : 's'}`);
  }
  const rating = ratingOfRow(row);
  if (rating === 'at_risk' || rating === 'failing') {
    reasons.push(`baseline score ${RATING_LABEL[rating].toLowerCase()}`);
  }
  return reasons;
}

export type SortKey = 'name' | 'sync' | 'score' | 'findings' | 'warnings';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

/** The direction a column sorts in when first clicked: worst first where "worse" means something. */
export const FIRST_DIR: Record<SortKey, SortDir> = {
  name: 'asc',
  sync: 'asc', // oldest sync first
  score: 'asc', // lowest score first
  findings: 'desc', // most severe first
  warnings: 'desc',
};

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Findings weighed so that one high outranks any number of mediums, and so on. */
function findingsWeight(row: PortfolioRow): number[] {
  const f = row.findings;
  return [f.high, f.medium, f.low, f.info];
}

function warningsCount(row: PortfolioRow): number {
  return (
    row.missing_permissions.length + (row.needs_reconnect ? 2 : 0) + (row.sign_in_status === 'lapsing' ? 1 : 0)
  );
}

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return 0;
}

/** Ascending comparison for a column; rows without a value (no sync, no score) sort as worst. */
function compare(key: SortKey, a: PortfolioRow, b: PortfolioRow): number {
  switch (key) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'sync': {
      const t = (r: PortfolioRow) => (r.last_good_sync === null ? -Infinity : Date.parse(r.last_good_sync));
      return compareNumbers([t(a)], [t(b)]);
    }
    case 'score': {
      const s = (r: PortfolioRow) => (r.score === null ? -1 : r.score);
      return compareNumbers([s(a)], [s(b)]);
    }
    case 'findings':
      return compareNumbers(findingsWeight(a), findingsWeight(b));
    case 'warnings':
      return compareNumbers([warningsCount(a)], [warningsCount(b)]);
  }
}

/** The rows sorted by `sort`, ties broken by name so the order is stable. */
export function sortRows(rows: readonly PortfolioRow[], sort: Sort): PortfolioRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => sign * compare(sort.key, a, b) || collator.compare(a.name, b.name) || a.id.localeCompare(b.id),
  );
}

export interface Filter {
  text: string;
  needsAttention: boolean;
}

/** The rows whose name, domain or baseline contain `text` (any case), and that need attention if asked. */
export function filterRows(
  rows: readonly PortfolioRow[],
  filter: Filter,
  now: Date,
  sla: Sla = DEFAULT_SLA,
): PortfolioRow[] {
  const needle = filter.text.trim().toLocaleLowerCase();
  return rows.filter((row) => {
    if (filter.needsAttention && attentionReasons(row, now, sla).length === 0) {
      return false;
    }
    if (needle === '') {
      return true;
    }
    return [row.name, row.domain, ...row.baselines].some((field) => field.toLocaleLowerCase().includes(needle));
  });
}

export interface Summary {
  tenants: number;
  /** Mean of the tenants that have a score, rounded; null when none has. */
  averageScore: number | null;
  openHigh: number;
  needingAttention: number;
}

export function summarise(rows: readonly PortfolioRow[], now: Date, sla: Sla = DEFAULT_SLA): Summary {
  const scores = rows.map((r) => r.score).filter((s): s is number => s !== null);
  return {
    tenants: rows.length,
    averageScore: scores.length === 0 ? null : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length),
    openHigh: rows.reduce((sum, r) => sum + r.findings.high, 0),
    needingAttention: rows.filter((r) => attentionReasons(r, now, sla).length > 0).length,
  };
}

/** The rating a score earns on its own, for the average card (the bands of crates/core/src/score.rs). */
export function ratingOf(score: number | null): Rating {
  if (score === null) return 'not_checked';
  if (score >= 90) return 'good';
  if (score >= 70) return 'needs_attention';
  if (score >= 50) return 'at_risk';
  return 'failing';
}

/** The smallest score range a sparkline spans, so that a move of a point or two stays small. */
const SPARK_MIN_SPAN = 20;

/**
 * The `d` of an SVG polyline through `values` (scores 0–100) in a `width`×`height` box, oldest at
 * the left. The vertical scale fits the values' own range, widened to at least 20 points (within
 * 0–100), so a real change is visible and a wobble is not magnified into a cliff.
 */
export function sparklinePath(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) {
    return '';
  }
  const pad = 2;
  const clamped = values.map((v) => Math.min(100, Math.max(0, v)));
  let lo = Math.min(...clamped);
  let hi = Math.max(...clamped);
  if (hi - lo < SPARK_MIN_SPAN) {
    const mid = (lo + hi) / 2;
    lo = Math.max(0, Math.min(100 - SPARK_MIN_SPAN, mid - SPARK_MIN_SPAN / 2));
    hi = lo + SPARK_MIN_SPAN;
  }
  const y = (v: number) => (pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad)).toFixed(1);
  if (clamped.length === 1) {
    // One score: a short level line, so it still shows.
    return `M${pad} ${y(clamped[0])}H${width - pad}`;
  }
  const step = (width - 2 * pad) / (clamped.length - 1);
  return `M${clamped.map((v, i) => `${(pad + i * step).toFixed(1)} ${y(v)}`).join('L')}`;
}

/** The row's rating as the engine gave it, or from its score when the word is missing or unknown. */
export function ratingOfRow(row: PortfolioRow): Rating {
  if (row.rating !== null && RATINGS.includes(row.rating)) {
    return row.rating as Rating;
  }
  return ratingOf(row.score);
}

/** A score as the table shows it: a whole number, or a dash before the first drift check. */
export function scoreText(score: number | null): string {
  return score === null ? '—' : String(Math.round(score));
}
