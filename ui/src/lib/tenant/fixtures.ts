// A tenant's inventory, one object in words and a diff of two of its versions, for tests.
import type { InventoryRow, ObjectDetail, VersionChanges } from '../ipc/commands';

export function item(over: Partial<InventoryRow> & Pick<InventoryRow, 'object_id' | 'name'>): InventoryRow {
  return {
    kind: 'deviceCompliancePolicies',
    kind_label: 'Compliance policy',
    deleted: false,
    version_no: 1,
    platforms: ['windows'],
    assignments: 1,
    ...over,
  };
}

export const ITEMS: InventoryRow[] = [
  item({ object_id: 'c1', name: 'Win - Compliance - BitLocker', version_no: 3, assignments: 2 }),
  item({ object_id: 'c2', name: 'iOS - Compliance', platforms: ['ios'], assignments: 0 }),
  item({ object_id: 'c3', name: 'Old macOS compliance', platforms: ['macos'], deleted: true, assignments: 1 }),
  item({
    object_id: 'ca1',
    name: 'Require MFA for admins',
    kind: 'conditionalAccessPolicies',
    kind_label: 'Conditional Access policy',
    platforms: [],
    assignments: null,
  }),
  item({
    object_id: 's1',
    name: 'Defender baseline',
    kind: 'configurationPolicies',
    kind_label: 'Settings catalog policy',
    platforms: ['windows', 'macos'],
    assignments: 0,
  }),
];

export const DETAIL: ObjectDetail = {
  object_id: 'c1',
  kind: 'deviceCompliancePolicies',
  kind_label: 'Compliance policy',
  type_label: 'Windows10 compliance policy',
  name: 'Win - Compliance - BitLocker',
  version_no: 3,
  captured_at: '2026-12-05T09:00:00Z',
  deleted: false,
  settings: [
    { setting: 'Require BitLocker', value: 'Require' },
    { setting: 'Minimum OS version', value: '10.0.19045' },
  ],
  assignments: [
    { mode: 'Include', target: 'SG-All-Devices', filter: 'Corporate devices (include)', details: null },
    { mode: 'Exclude', target: 'SG-Kiosks', filter: null, details: null },
  ],
  raw_json: '{\n  "bitLockerEnabled": true,\n  "displayName": "<b>Win</b> \u202eevil"\n}',
  versions: [
    { version_no: 3, captured_at: '2026-12-05T09:00:00Z' },
    { version_no: 2, captured_at: '2026-11-20T09:00:00Z' },
    { version_no: 1, captured_at: '2026-11-01T09:00:00Z' },
  ],
};

export const CHANGES: VersionChanges = {
  object_id: 'c1',
  name: 'Win - Compliance - BitLocker',
  kind_label: 'Compliance policy',
  from_version: 1,
  from_captured_at: '2026-11-01T09:00:00Z',
  to_version: 3,
  to_captured_at: '2026-12-05T09:00:00Z',
  changes: [
    {
      setting: 'Require BitLocker',
      area: 'setting',
      before: 'Not required',
      after: 'Require',
      summary: 'Require BitLocker: Not required → Require',
      text_diff: null,
    },
    {
      setting: 'Assignment: group SG-Kiosks',
      area: 'assignment',
      before: null,
      after: 'Exclude',
      summary: 'Assignment: group SG-Kiosks: added',
      text_diff: null,
    },
  ],
};
