import { describe, expect, it } from 'vitest';
import {
  ago,
  lapse,
  attentionReasons,
  filterRows,
  ratingOf,
  ratingOfRow,
  scoreText,
  sortRows,
  sparklinePath,
  summarise,
  syncAge,
} from './table';
import { NOW, ROWS, row } from './fixtures';

const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('sync age against the SLA', () => {
  it('is fresh up to 24 h, late up to 72 h, overdue after, never without a sync', () => {
    expect(syncAge(hoursBefore(1), NOW)).toBe('fresh');
    expect(syncAge(hoursBefore(24), NOW)).toBe('fresh');
    expect(syncAge(hoursBefore(25), NOW)).toBe('late');
    expect(syncAge(hoursBefore(72), NOW)).toBe('late');
    expect(syncAge(hoursBefore(73), NOW)).toBe('overdue');
    expect(syncAge(null, NOW)).toBe('never');
    expect(syncAge('not a time', NOW)).toBe('never');
  });

  it('follows the SLA the workspace sets', () => {
    const sla = { warnHours: 4, overdueHours: 12 };
    expect(syncAge(hoursBefore(3), NOW, sla)).toBe('fresh');
    expect(syncAge(hoursBefore(5), NOW, sla)).toBe('late');
    expect(syncAge(hoursBefore(13), NOW, sla)).toBe('overdue');
    const tenant = row({ id: 'c', name: 'Contoso', last_good_sync: hoursBefore(5), findings: { high: 0, medium: 0, low: 0, info: 0 } });
    expect(attentionReasons(tenant, NOW, sla)).toContain('last good sync 5 h ago');
    expect(summarise([tenant], NOW, sla).needingAttention).toBe(1);
  });

  it('reads as a short age', () => {
    expect(ago(hoursBefore(0), NOW)).toBe('just now');
    expect(ago(hoursBefore(0.5), NOW)).toBe('30 min ago');
    expect(ago(hoursBefore(3), NOW)).toBe('3 h ago');
    expect(ago(hoursBefore(47), NOW)).toBe('47 h ago');
    expect(ago(hoursBefore(24 * 5 + 2), NOW)).toBe('5 d ago');
    expect(ago(null, NOW)).toBe('never');
  });
});

describe('sign-in lapse', () => {
  it('says when a saved sign-in stops working', () => {
    const hoursAfter = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();
    expect(lapse(hoursAfter(5), NOW)).toBe('lapses in 5 h');
    expect(lapse(hoursAfter(0.2), NOW)).toBe('lapses in 1 h');
    expect(lapse(hoursAfter(24 * 3 + 1), NOW)).toBe('lapses in 3 d');
    expect(lapse(hoursBefore(50), NOW)).toBe('lapsed 2 d ago');
    expect(lapse(null, NOW)).toBe('lapses soon');
  });
});

describe('needs attention', () => {
  it('names every reason a tenant needs a look', () => {
    expect(attentionReasons(ROWS[0], NOW)).toEqual([]);
    expect(attentionReasons(ROWS[1], NOW)).toEqual([
      'sign-in needs reconnecting',
      '1 missing permission',
      'last good sync 2 d ago',
      'last sync failed',
      '3 open high findings',
      'baseline score at risk',
    ]);
    expect(attentionReasons(ROWS[2], NOW)).toEqual(['never synced']);
    const failing = row({ id: 'f', name: 'F', last_sync_status: 'failed', failing_since: hoursBefore(5) });
    expect(attentionReasons(failing, NOW)).toEqual(['syncs failing since 5 h ago']);
    const lapsing = row({ id: 'l', name: 'L', sign_in_status: 'lapsing', sign_in_lapses_at: '2026-12-08T12:00:00Z' });
    expect(attentionReasons(lapsing, NOW)).toEqual(['sign-in lapses in 3 d']);
  });
});

describe('sorting and filtering', () => {
  it('sorts by every column, worst first where that means something, ties by name', () => {
    expect(names(sortRows(ROWS, { key: 'name', dir: 'asc' }))).toEqual(['Contoso', 'Fabrikam', 'Northwind']);
    expect(names(sortRows(ROWS, { key: 'name', dir: 'desc' }))).toEqual(['Northwind', 'Fabrikam', 'Contoso']);
    expect(names(sortRows(ROWS, { key: 'sync', dir: 'asc' }))).toEqual(['Northwind', 'Fabrikam', 'Contoso']);
    expect(names(sortRows(ROWS, { key: 'score', dir: 'asc' }))).toEqual(['Northwind', 'Fabrikam', 'Contoso']);
    expect(names(sortRows(ROWS, { key: 'findings', dir: 'desc' }))).toEqual(['Fabrikam', 'Contoso', 'Northwind']);
    expect(names(sortRows(ROWS, { key: 'warnings', dir: 'desc' }))).toEqual(['Fabrikam', 'Contoso', 'Northwind']);
  });

  it('weighs one high finding above any number of mediums', () => {
    const a = row({ id: 'a', name: 'A', findings: { high: 1, medium: 0, low: 0, info: 0 } });
    const b = row({ id: 'b', name: 'B', findings: { high: 0, medium: 40, low: 0, info: 0 } });
    expect(names(sortRows([b, a], { key: 'findings', dir: 'desc' }))).toEqual(['A', 'B']);
  });

  it('filters by name, domain or baseline in any case, and by needing attention', () => {
    expect(names(filterRows(ROWS, { text: 'FABRI', needsAttention: false }, NOW))).toEqual(['Fabrikam']);
    expect(names(filterRows(ROWS, { text: 'northwind.onmicrosoft', needsAttention: false }, NOW))).toEqual([
      'Northwind',
    ]);
    expect(names(filterRows(ROWS, { text: 'gold', needsAttention: false }, NOW))).toEqual(['Contoso', 'Fabrikam']);
    expect(names(filterRows(ROWS, { text: '', needsAttention: true }, NOW))).toEqual(['Fabrikam', 'Northwind']);
    expect(names(filterRows(ROWS, { text: 'contoso', needsAttention: true }, NOW))).toEqual([]);
  });
});

describe('summary', () => {
  it('counts tenants, averages the scores there are, adds up high findings and attention', () => {
    expect(summarise(ROWS, NOW)).toEqual({ tenants: 3, averageScore: 77, openHigh: 3, needingAttention: 2 });
    expect(summarise([], NOW)).toEqual({ tenants: 0, averageScore: null, openHigh: 0, needingAttention: 0 });
  });

  it("takes the engine's rating word, or rates the score when the word is missing or unknown", () => {
    expect(ratingOfRow(row({ id: 'a', name: 'A', score: 40, rating: 'good' }))).toBe('good');
    expect(ratingOfRow(row({ id: 'a', name: 'A', score: 40, rating: null }))).toBe('failing');
    expect(ratingOfRow(row({ id: 'a', name: 'A', score: 95, rating: 'splendid' }))).toBe('good');
    expect(scoreText(57.6)).toBe('58');
    expect(scoreText(null)).toBe('—');
  });

  it('rates a score in the bands of the engine', () => {
    expect([95, 90, 89, 70, 69, 50, 49, 0, null].map(ratingOf)).toEqual([
      'good',
      'good',
      'needs_attention',
      'needs_attention',
      'at_risk',
      'at_risk',
      'failing',
      'failing',
      'not_checked',
    ]);
  });
});

describe('sparkline', () => {
  it('draws the trend oldest at the left, higher scores higher', () => {
    expect(sparklinePath([0, 100], 64, 20)).toBe('M2.0 18.0L62.0 2.0');
    expect(sparklinePath([], 64, 20)).toBe('');
    expect(sparklinePath([150, -5], 64, 20)).toBe('M2.0 2.0L62.0 18.0');
  });

  it('spans at least 20 points, so a wobble stays a wobble and one score is a level line', () => {
    // 90 → 95 in the window 80–100 (centred on 92.5, stopped at 100): a quarter of the height.
    expect(sparklinePath([90, 95], 64, 20)).toBe('M2.0 10.0L62.0 6.0');
    // 70 → 75 in the window 62.5–82.5.
    expect(sparklinePath([70, 75], 64, 20)).toBe('M2.0 12.0L62.0 8.0');
    expect(sparklinePath([99, 100], 64, 20)).toBe('M2.0 2.8L62.0 2.0');
    expect(sparklinePath([50], 64, 20)).toBe('M2 10.0H62');
  });
});
