// Portfolio rows for tests: one healthy tenant, one in trouble, one never synced.
import type { PortfolioRow } from '../ipc/commands';

export const NOW = new Date('2026-12-05T12:00:00Z');

export function row(over: Partial<PortfolioRow> & Pick<PortfolioRow, 'id' | 'name'>): PortfolioRow {
  return {
    domain: `${over.name.toLowerCase().replace(/[^a-z]+/g, '')}.onmicrosoft.com`,
    state: 'active',
    last_good_sync: '2026-12-05T09:00:00Z',
    last_sync_status: 'succeeded',
    last_sync_attempt: '2026-12-05T09:00:00Z',
    failing_since: null,
    baselines: ['MSP Gold'],
    score: 96,
    rating: 'good',
    score_trend: [90, 92, 96],
    findings: { high: 0, medium: 0, low: 0, info: 0 },
    risk_accepted: 0,
    missing_permissions: [],
    sign_in_lapses_at: null,
    sign_in_status: 'current',
    needs_reconnect: false,
    scored_at: '2026-12-05T09:05:00Z',
    ...over,
  };
}

export const ROWS: PortfolioRow[] = [
  row({ id: 't1', name: 'Contoso', domain: 'contoso.onmicrosoft.com' }),
  row({
    id: 't2',
    name: 'Fabrikam',
    domain: 'fabrikam.onmicrosoft.com',
    last_good_sync: '2026-12-03T06:00:00Z',
    last_sync_status: 'failed',
    score: 57.6,
    rating: 'at_risk',
    score_trend: [80, 72, 65, 58],
    findings: { high: 3, medium: 4, low: 1, info: 2 },
    risk_accepted: 1,
    missing_permissions: ['DeviceManagementConfiguration.Read.All'],
    needs_reconnect: true,
    sign_in_lapses_at: '2026-12-01T00:00:00Z',
    sign_in_status: 'expired',
  }),
  row({
    id: 't3',
    name: 'Northwind',
    domain: 'northwind.onmicrosoft.com',
    last_good_sync: null,
    last_sync_status: null,
    last_sync_attempt: null,
    rating: null,
    scored_at: null,
    baselines: [],
    score: null,
    score_trend: [],
  }),
];
