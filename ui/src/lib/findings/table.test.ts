import { describe, expect, it } from 'vitest';
import { FINDINGS, NOW, change, finding } from './fixtures';
import { csvCell } from '../csv';
import {
  ageText,
  changeInWords,
  DEFAULT_FILTER,
  DEFAULT_SORT,
  filterFindings,
  isFiltered,
  kindOptions,
  sortFindings,
  tenantOptions,
  toCsv,
  type Filter,
} from './table';

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
const only = (over: Partial<Filter>) => ids(filterFindings(FINDINGS, { ...DEFAULT_FILTER, ...over }, NOW));

describe('findings table', () => {
  it('opens on the standing findings, most severe first', () => {
    expect(ids(sortFindings(filterFindings(FINDINGS, DEFAULT_FILTER, NOW), DEFAULT_SORT))).toEqual([
      'f-bitlocker',
      'f-firewall',
      'f-compliance',
    ]);
    expect(isFiltered(DEFAULT_FILTER)).toBe(false);
  });

  it('filters by state, tenant, severity, kind, age and text', () => {
    expect(only({ state: 'all' })).toHaveLength(5);
    expect(only({ state: 'risk_accepted' })).toEqual(['f-accepted']);
    expect(only({ state: 'resolved' })).toEqual(['f-resolved']);
    expect(only({ state: 'open' })).toEqual(['f-bitlocker', 'f-compliance']);
    expect(only({ tenant: 't2' })).toEqual(['f-firewall', 'f-compliance']);
    expect(only({ severity: 'high', state: 'all' })).toEqual(['f-bitlocker', 'f-accepted']);
    expect(only({ kind: 'deviceCompliancePolicies' })).toEqual(['f-compliance']);
    expect(only({ age: 'new' })).toEqual(['f-bitlocker', 'f-compliance']);
    expect(only({ age: 'month' })).toEqual(['f-firewall']);
    expect(only({ age: 'quarter' })).toEqual([]);
    // Text looks in setting names and changes too, in any case.
    expect(only({ text: 'private network' })).toEqual(['f-firewall']);
    expect(only({ text: 'FABRIKAM' })).toEqual(['f-firewall', 'f-compliance']);
    expect(isFiltered({ ...DEFAULT_FILTER, text: 'x' })).toBe(true);
  });

  it('sorts by any column, ties most severe and oldest first', () => {
    const sorted = (key: 'age' | 'state' | 'tenant' | 'kind', dir: 'asc' | 'desc') =>
      ids(sortFindings(FINDINGS, { key, dir }));
    expect(sorted('age', 'desc')[0]).toBe('f-firewall');
    expect(sorted('age', 'asc')[0]).toBe('f-compliance');
    expect(sorted('state', 'asc')).toEqual(['f-bitlocker', 'f-compliance', 'f-firewall', 'f-accepted', 'f-resolved']);
    expect(sorted('tenant', 'asc')).toEqual(['f-bitlocker', 'f-firewall', 'f-compliance', 'f-accepted', 'f-resolved']);
    expect(sorted('kind', 'asc')[0]).toBe('f-compliance');
  });

  it('offers the tenants and kinds that have findings, by name', () => {
    expect(tenantOptions(FINDINGS).map((o) => o.label)).toEqual(['Contoso', 'Fabrikam', 'Northwind']);
    expect(kindOptions(FINDINGS)).toEqual([
      { value: 'deviceCompliancePolicies', label: 'Compliance policy' },
      { value: 'configurationPolicies', label: 'Settings catalog policy' },
    ]);
  });

  it('says the change in words, or the drift when there is no setting-level change', () => {
    expect(changeInWords(FINDINGS[0])).toBe('Require Device Encryption: Enabled → Disabled');
    expect(changeInWords(FINDINGS[1])).toBe('Enable Domain Network Firewall: True → False (+1 more)');
    expect(changeInWords(FINDINGS[2])).toBe('In the baseline, missing from the tenant');
    expect(changeInWords(finding({ id: 'u', drift: 'unexpected', changes: [] }))).toBe(
      'In the tenant, not in the baseline',
    );
  });

  it('gives ages in hours and days', () => {
    expect(ageText('2026-12-05T11:30:00Z', NOW)).toBe('new');
    expect(ageText('2026-12-05T07:00:00Z', NOW)).toBe('5 h');
    expect(ageText('2026-11-20T12:00:00Z', NOW)).toBe('15 d');
    expect(ageText('not a time', NOW)).toBe('—');
  });

  it('exports CSV that a spreadsheet cannot mistake for formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('-1')).toBe('"\'-1"');
    expect(csvCell(null)).toBe('""');
    const rows = [
      finding({ id: 'f1', object: 'Policy, "quoted"\nsecond line', changes: [change(), change({ summary: 'B: 1 → 2' })] }),
    ];
    const csv = toCsv(rows);
    expect(csv.startsWith('\ufeff"Finding","Severity","State","Tenant"')).toBe(true);
    const [, line] = csv.slice(1).split('\r\n');
    expect(line).toContain('"f1","High","Open","Contoso","contoso.onmicrosoft.com","Settings catalog policy"');
    expect(line).toContain('"Policy, ""quoted""\nsecond line"');
    expect(line).toContain('"Require Device Encryption: Enabled → Disabled; B: 1 → 2"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
