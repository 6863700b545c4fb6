import { describe, expect, it } from 'vitest';
import { assignmentText, filterInventory, groupByKind, kindCounts, NO_FILTER, pageOf, type InventoryFilter } from './inventory';
import { ITEMS, item } from './fixtures';

const ids = (filter: Partial<InventoryFilter>) => filterInventory(ITEMS, { ...NO_FILTER, ...filter }).map((r) => r.object_id);

describe('inventory', () => {
  it('leaves deleted objects out unless asked for', () => {
    expect(ids({})).toEqual(['c1', 'c2', 'ca1', 's1']);
    expect(ids({ showDeleted: true })).toEqual(['c1', 'c2', 'c3', 'ca1', 's1']);
  });

  it('filters by text in the name or kind, by kind, platform and assignment', () => {
    expect(ids({ text: '  COMPLIANCE ' })).toEqual(['c1', 'c2']);
    expect(ids({ text: 'conditional' })).toEqual(['ca1']);
    expect(ids({ text: 's1' })).toEqual(['s1']);
    expect(ids({ kind: 'configurationPolicies' })).toEqual(['s1']);
    expect(ids({ platform: 'macos', showDeleted: true })).toEqual(['c3', 's1']);
    expect(ids({ platform: 'windows' })).toEqual(['c1', 's1']);
    // Kinds that are not assigned are neither assigned nor unassigned.
    expect(ids({ assigned: 'assigned' })).toEqual(['c1']);
    expect(ids({ assigned: 'unassigned' })).toEqual(['c2', 's1']);
    expect(ids({ text: 'ios', assigned: 'assigned' })).toEqual([]);
  });

  it('counts each kind under the other filters', () => {
    expect(kindCounts(ITEMS, { ...NO_FILTER, platform: 'windows' })).toEqual([
      { kind: 'deviceCompliancePolicies', label: 'Compliance policy', count: 1 },
      { kind: 'conditionalAccessPolicies', label: 'Conditional Access policy', count: 0 },
      { kind: 'configurationPolicies', label: 'Settings catalog policy', count: 1 },
    ]);
  });

  it('groups by kind label, live objects before deleted ones', () => {
    const groups = groupByKind(filterInventory(ITEMS, { ...NO_FILTER, showDeleted: true }));
    expect(groups.map((g) => g.label)).toEqual(['Compliance policy', 'Conditional Access policy', 'Settings catalog policy']);
    expect(groups[0].rows.map((r) => r.object_id)).toEqual(['c2', 'c1', 'c3']);
  });

  it('pages a few thousand objects a hundred at a time', () => {
    const many = Array.from({ length: 2345 }, (_, i) => item({ object_id: `o${i}`, name: `Policy ${i}` }));
    const first = pageOf(many, 0);
    expect([first.first, first.last, first.total, first.pages, first.items.length]).toEqual([1, 100, 2345, 24, 100]);
    const last = pageOf(many, 99);
    expect([last.page, last.first, last.last, last.items.length]).toEqual([23, 2301, 2345, 45]);
    const none = pageOf([], 3);
    expect([none.page, none.first, none.last, none.pages]).toEqual([0, 0, 0, 1]);
  });

  it('says how an object is assigned', () => {
    expect(assignmentText(null)).toBeNull();
    expect(assignmentText(0)).toBe('Not assigned');
    expect(assignmentText(1)).toBe('1 assignment');
    expect(assignmentText(4)).toBe('4 assignments');
  });
});
