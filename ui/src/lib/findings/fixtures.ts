// Findings for tests: three tenants, every state, severities and ages that sort differently.
import type { FindingRow, SettingChange } from '../ipc/commands';

export const NOW = new Date('2026-12-05T12:00:00Z');

export function change(over: Partial<SettingChange> = {}): SettingChange {
  return {
    path: 'settings[device_vendor_msft_bitlocker_requiredeviceencryption].value',
    setting: 'Require Device Encryption',
    setting_id: 'device_vendor_msft_bitlocker_requiredeviceencryption',
    expected: '"device_vendor_msft_bitlocker_requiredeviceencryption_1"',
    actual: '"device_vendor_msft_bitlocker_requiredeviceencryption_0"',
    expected_label: 'Enabled',
    actual_label: 'Disabled',
    summary: 'Require Device Encryption: Enabled → Disabled',
    text_diff: null,
    ...over,
  };
}

export function finding(over: Partial<FindingRow> & Pick<FindingRow, 'id'>): FindingRow {
  return {
    tenant_id: 't1',
    tenant_name: 'Contoso',
    tenant_domain: 'contoso.onmicrosoft.com',
    baseline: 'MSP golden',
    kind: 'configurationPolicies',
    kind_label: 'Settings catalog policy',
    object: 'Win - BitLocker',
    object_id: 'o1',
    drift: 'modified',
    severity: 'high',
    state: 'open',
    changes: [change()],
    justification: null,
    approver: null,
    expires: null,
    first_seen_at: '2026-12-01T08:00:00Z',
    last_seen_at: '2026-12-05T09:00:00Z',
    ...over,
  };
}

export const FINDINGS: FindingRow[] = [
  finding({ id: 'f-bitlocker' }),
  finding({
    id: 'f-firewall',
    tenant_id: 't2',
    tenant_name: 'Fabrikam',
    tenant_domain: 'fabrikam.onmicrosoft.com',
    object: 'Win - Firewall',
    severity: 'medium',
    state: 'acknowledged',
    changes: [
      change({ summary: 'Enable Domain Network Firewall: True → False', setting: 'Enable Domain Network Firewall' }),
      change({ summary: 'Enable Private Network Firewall: True → False' }),
    ],
    first_seen_at: '2026-10-01T08:00:00Z',
  }),
  finding({
    id: 'f-compliance',
    tenant_id: 't2',
    tenant_name: 'Fabrikam',
    tenant_domain: 'fabrikam.onmicrosoft.com',
    kind: 'deviceCompliancePolicies',
    kind_label: 'Compliance policy',
    object: 'iOS - Compliance',
    drift: 'missing',
    severity: 'low',
    changes: [],
    first_seen_at: '2026-12-05T10:00:00Z',
  }),
  finding({
    id: 'f-accepted',
    tenant_id: 't3',
    tenant_name: 'Northwind',
    tenant_domain: 'northwind.onmicrosoft.com',
    object: 'Win - Defender',
    severity: 'high',
    state: 'risk_accepted',
    justification: 'Third-party antivirus',
    approver: 'Dana',
    expires: '2027-03-31',
  }),
  finding({
    id: 'f-resolved',
    tenant_id: 't3',
    tenant_name: 'Northwind',
    tenant_domain: 'northwind.onmicrosoft.com',
    object: 'Win - Update ring',
    severity: 'info',
    state: 'resolved',
  }),
];
