// Search answers for the tests: the BitLocker question across three tenants, with a hostile name.
import type { SearchAnswer, SearchHit } from '../ipc/commands';

const tenant = (id: string, name: string) => ({
  tenant_id: id,
  tenant_name: name,
  tenant_domain: `${name.toLowerCase().split(' ')[0]}.onmicrosoft.com`,
});

export const TENANT_HIT: SearchHit = { type: 'tenant', ...tenant('t1', 'Contoso Ltd'), state: 'active', rank: 'exact' };

export const OBJECT_HIT: SearchHit = {
  type: 'object',
  ...tenant('t2', 'Fabrikam'),
  object_id: 'o1',
  kind_label: 'Settings catalog policy',
  name: 'MSP - Win - BitLocker',
  rank: 'prefix',
};

export const setting = (id: string, name: string, value: string): SearchHit => ({
  type: 'setting',
  ...tenant(id, name),
  object_id: `${id}-o`,
  object_name: 'MSP - Win - BitLocker',
  kind_label: 'Settings catalog policy',
  setting: 'Configure Recovery Password Rotation',
  setting_id: 'device_vendor_msft_bitlocker_configurerecoverypasswordrotation',
  value,
  rank: 'contains',
});

export const FINDING_HIT: SearchHit = {
  type: 'finding',
  ...tenant('t3', 'Evil\u202eCorp'),
  finding_id: 'f1',
  object: 'MSP - Win - BitLocker',
  kind_label: 'Settings catalog policy',
  drift: 'modified',
  severity: 'high',
  state: 'open',
  detail: 'Configure Recovery Password Rotation: Refresh on → Refresh off',
  rank: 'contains',
};

export function answer(query: string, parts: Partial<SearchAnswer> = {}): SearchAnswer {
  const none = { hits: [], total: 0, more: 0 };
  return {
    query,
    tenants_searched: 3,
    tenants: none,
    objects: none,
    settings: none,
    findings: none,
    ...parts,
  };
}

export const BITLOCKER: SearchAnswer = answer('bitlocker', {
  tenants: { hits: [TENANT_HIT], total: 1, more: 0 },
  objects: { hits: [OBJECT_HIT], total: 1, more: 0 },
  settings: {
    hits: [
      setting('t1', 'Contoso Ltd', 'Refresh on for Azure AD-joined devices'),
      setting('t2', 'Fabrikam', 'Refresh off (default)'),
    ],
    total: 60,
    more: 58,
  },
  findings: { hits: [FINDING_HIT], total: 1, more: 0 },
});
