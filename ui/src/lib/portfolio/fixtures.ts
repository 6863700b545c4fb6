// Portfolio rows for tests: one healthy tenant, one in trouble, one never synced.
import type { PortfolioRow } from '../ipc-pending';

export const NOW = new Date('2026-12-05T12:00:00Z');

export function row(over: Partial<PortfolioRow> & Pick<PortfolioRow, 'id' | 'name'>): PortfolioRow {
  return {
    domain: `${over.name.toLowerCase().replace(/[^a-z]+/g, '')}.onmicrosoft.com`,
    state: 'active',
    lastGoodSync: '2026-12-05T09:00:00Z',
    lastSyncStatus: 'succeeded',
    baseline: 'MSP Gold',
    score: 96,
    rating: 'good',
    trend: [90, 92, 96],
    findings: { high: 0, medium: 0, low: 0, info: 0 },
    riskAccepted: 0,
    missingPermissions: [],
    signInLapses: null,
    needsReconnect: false,
    ...over,
  };
}

export const ROWS: PortfolioRow[] = [
  row({ id: 't1', name: 'Contoso', domain: 'contoso.onmicrosoft.com' }),
  row({
    id: 't2',
    name: 'Fabrikam',
    domain: 'fabrikam.onmicrosoft.com',
    lastGoodSync: '2026-12-03T06:00:00Z',
    lastSyncStatus: 'failed',
    score: 58,
    rating: 'at_risk',
    trend: [80, 72, 65, 58],
    findings: { high: 3, medium: 4, low: 1, info: 2 },
    riskAccepted: 1,
    missingPermissions: ['DeviceManagementConfiguration.Read.All'],
    needsReconnect: true,
    signInLapses: '2026-12-01',
  }),
  row({
    id: 't3',
    name: 'Northwind',
    domain: 'northwind.onmicrosoft.com',
    lastGoodSync: null,
    lastSyncStatus: null,
    baseline: null,
    score: null,
    rating: 'not_checked',
    trend: [],
  }),
];
