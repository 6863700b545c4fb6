import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Portfolio from './Portfolio.svelte';
import type { SyncOutcome, SyncProgress } from '../ipc/commands';
import { NOW, ROWS, row } from './fixtures';

vi.mock('../ipc/commands', () => ({
  portfolio: vi.fn(),
  syncAll: vi.fn(),
  cancelSync: vi.fn(),
  getSettings: vi.fn(),
  scheduleStatus: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
});

afterEach(() => {
  cleanup();
});

const show = () => render(Portfolio, { props: { now: () => NOW } });
const tenantNames = () =>
  screen.getAllByTestId('tenant-row').map((tr) => tr.querySelector('.name')?.textContent?.replace(/Needs attention:.*\./, '').trim());

describe('Portfolio', () => {
  it('shows a skeleton while the portfolio loads', () => {
    ipc.portfolio.mockReturnValue(new Promise(() => {}));
    show();
    expect(screen.getByTestId('portfolio-loading').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading tenants…')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Sync all' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the error message and loads again on Retry', async () => {
    ipc.portfolio.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is in use by another TenantAtlas; close it first' });
    ipc.portfolio.mockResolvedValueOnce(ROWS);
    show();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The workspace is in use by another TenantAtlas; close it first');
    expect(alert.textContent).not.toContain('undefined');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('tenant-row')).toHaveLength(3);
    expect(ipc.portfolio).toHaveBeenCalledTimes(2);
  });

  it('hands back to the first-run screen when no workspace is open', async () => {
    ipc.portfolio.mockRejectedValue({ code: 'no_workspace', message: 'no workspace is open; open or create one' });
    const onnoworkspace = vi.fn();
    render(Portfolio, { props: { now: () => NOW, onnoworkspace } });
    await vi.waitFor(() => expect(onnoworkspace).toHaveBeenCalledOnce());
  });

  it('says how to connect a tenant when there is none', async () => {
    ipc.portfolio.mockResolvedValue([]);
    show();
    expect(await screen.findByText('No tenants yet — connect one')).toBeTruthy();
    expect(screen.getByText('tenantatlas tenant add contoso.onmicrosoft.com')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows every tenant with sync age, score, trend, findings and warnings', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    show();
    const rows = await screen.findAllByTestId('tenant-row');
    expect(tenantNames()).toEqual(['Contoso', 'Fabrikam', 'Northwind']);

    expect(screen.getByTestId('card-tenants').textContent?.trim()).toBe('3');
    expect(screen.getByTestId('card-score').textContent?.trim()).toBe('77');
    expect(screen.getByTestId('card-score').classList.contains('rating-needs_attention')).toBe(true);
    expect(screen.getByTestId('card-high').textContent?.trim()).toBe('3');
    expect(screen.getByTestId('card-attention').textContent?.trim()).toBe('2');

    const [contoso, fabrikam, northwind] = rows;
    const age = (tr: HTMLElement) => within(tr).getByTestId('sync-age');
    expect(age(contoso).textContent).toBe('3 h ago');
    expect(age(contoso).classList.contains('age-fresh')).toBe(true);
    expect(age(fabrikam).textContent).toBe('2 d ago');
    expect(age(fabrikam).classList.contains('age-late')).toBe(true);
    expect(age(northwind).textContent).toBe('never');
    expect(age(northwind).classList.contains('age-never')).toBe(true);
    expect(within(fabrikam).getByText('last sync failed')).toBeTruthy();

    const score = within(fabrikam).getByTestId('score');
    expect(score.textContent?.trim()).toBe('58');
    expect(score.classList.contains('rating-at_risk')).toBe(true);
    expect(within(fabrikam).getByRole('img', { name: 'Score trend: 80, 72, 65, 58' })).toBeTruthy();
    expect(within(fabrikam).getByRole('img', { name: '3 high, 4 medium, 1 low, 2 info' })).toBeTruthy();
    expect(within(fabrikam).getByText('1 risk-accepted')).toBeTruthy();
    expect(within(fabrikam).getByText('Reconnect')).toBeTruthy();
    expect(within(fabrikam).getByText('Reconnect').getAttribute('title')).toBe(
      'Sign-in lapsed 4 d ago: sign in to the tenant again',
    );
    expect(within(fabrikam).getByText('1 permission missing')).toBeTruthy();
    expect(within(fabrikam).getByText(/Needs attention: sign-in needs reconnecting/)).toBeTruthy();

    expect(within(contoso).getByText('None open')).toBeTruthy();
    expect(within(contoso).queryByText(/Needs attention/)).toBeNull();
    expect(within(northwind).getByTestId('score').textContent?.trim()).toBe('—');
    expect(within(northwind).getByText(/Not checked · no baseline/)).toBeTruthy();
    expect(within(contoso).getByText('Good · MSP Gold')).toBeTruthy();
  });

  it('warns before a saved sign-in lapses', async () => {
    ipc.portfolio.mockResolvedValue([
      row({ id: 'l', name: 'Lapsing', sign_in_status: 'lapsing', sign_in_lapses_at: '2026-12-08T12:00:00Z' }),
    ]);
    show();
    expect(await screen.findByText('Sign-in lapses in 3 d')).toBeTruthy();
    expect(screen.queryByText('Reconnect')).toBeNull();
    expect(screen.getByText(/Needs attention: sign-in lapses in 3 d/)).toBeTruthy();
  });

  it('shows tenant text as text: markup stays inert and control characters visible', async () => {
    ipc.portfolio.mockResolvedValue([
      row({ id: 'x', name: '<img src=x onerror=alert(1)>Evil\u202etxt.exe\nFAKE', domain: 'evil\u200b.example' }),
    ]);
    const { container } = show();
    await screen.findAllByTestId('tenant-row');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('<img src=x onerror=alert(1)>Evil\\u{202e}txt.exe\\nFAKE')).toBeTruthy();
    expect(screen.getByText('evil\\u{200b}.example')).toBeTruthy();
  });

  it('sorts by any column and says so to assistive technology', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    show();
    await screen.findAllByTestId('tenant-row');
    const header = (name: string) => screen.getByRole('button', { name: new RegExp(`^${name}`) });
    expect(header('Tenant').closest('th')?.getAttribute('aria-sort')).toBe('ascending');

    await fireEvent.click(header('Open findings'));
    expect(tenantNames()).toEqual(['Fabrikam', 'Contoso', 'Northwind']);
    expect(header('Open findings').closest('th')?.getAttribute('aria-sort')).toBe('descending');
    expect(header('Tenant').closest('th')?.hasAttribute('aria-sort')).toBe(false);

    await fireEvent.click(header('Baseline score'));
    expect(tenantNames()).toEqual(['Northwind', 'Fabrikam', 'Contoso']);
    await fireEvent.click(header('Baseline score'));
    expect(tenantNames()).toEqual(['Contoso', 'Fabrikam', 'Northwind']);
  });

  it('filters by text and by needing attention, and clears both', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    show();
    await screen.findAllByTestId('tenant-row');
    const filter = screen.getByRole('searchbox', { name: 'Filter tenants' });

    await fireEvent.input(filter, { target: { value: 'north' } });
    expect(tenantNames()).toEqual(['Northwind']);
    expect(screen.getByText('1 of 3 tenants')).toBeTruthy();
    await fireEvent.keyDown(filter, { key: 'Escape' });
    expect(tenantNames()).toHaveLength(3);

    const toggle = screen.getByRole('button', { name: /Needs attention/ });
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(tenantNames()).toEqual(['Fabrikam', 'Northwind']);

    await fireEvent.input(filter, { target: { value: 'contoso' } });
    expect(screen.queryAllByTestId('tenant-row')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(tenantNames()).toHaveLength(3);
  });

  it('syncs all tenants with a progress row each, and cancels', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    let report: (p: SyncProgress) => void = () => {};
    let finish: (outcomes: SyncOutcome[]) => void = () => {};
    ipc.syncAll.mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    ipc.cancelSync.mockResolvedValue(undefined);
    show();
    await screen.findAllByTestId('tenant-row');

    await fireEvent.click(screen.getByRole('button', { name: 'Sync all' }));
    expect(screen.getByRole('button', { name: 'Syncing…' })).toBeTruthy();
    const rowTexts = () => screen.getAllByTestId('sync-row').map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(rowTexts()).toEqual(['Contoso Waiting', 'Fabrikam Waiting', 'Northwind Waiting']);

    report({ event: 'started', tenant_id: 't1', name: 'Contoso', steps: 12 });
    report({ event: 'kind_read', tenant_id: 't1', kind: 'compliance policy', objects: 30 });
    report({ event: 'finished', tenant_id: 't1', status: 'succeeded' });
    report({ event: 'started', tenant_id: 't2', name: 'Fabrikam', steps: 12 });
    report({ event: 'kind_read', tenant_id: 't2', kind: 'compliance policy', objects: 25 });
    report({ event: 'kind_read', tenant_id: 't2', kind: 'settings catalog', objects: 15 });
    report({ event: 'started', tenant_id: 't3', name: 'Northwind', steps: 12 });
    report({ event: 'details_read', tenant_id: 't3', done: 4, total: 9 });
    await screen.findByText('Syncing 1/3 tenants…');
    expect(rowTexts()).toEqual([
      'Contoso Synced',
      'Fabrikam Syncing: 2/12 kinds, 40 objects',
      'Northwind Syncing: reading details 4/9',
    ]);

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(ipc.cancelSync).toHaveBeenCalledOnce();
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeTruthy();

    const outcome = (tenant_id: string, name: string, status: string, errors: string[] = []): SyncOutcome => ({
      tenant_id,
      name,
      status,
      objects: 40,
      versions_added: 0,
      skipped: [],
      errors,
      duration_ms: 900,
    });
    finish([
      outcome('t1', 'Contoso', 'succeeded'),
      outcome('t2', 'Fabrikam', 'cancelled'),
      outcome('t3', 'Northwind', 'failed', ['sign-in lapsed; reconnect the tenant']),
    ]);
    expect(await screen.findByText('Sync all finished')).toBeTruthy();
    expect(screen.getByText(/1 tenant synced, 1 failed, 1 cancelled\./)).toBeTruthy();
    expect(rowTexts()).toEqual([
      'Contoso Synced',
      'Fabrikam Cancelled',
      'Northwind Failed sign-in lapsed; reconnect the tenant',
    ]);
    // The table is read again, without the skeleton.
    expect(ipc.portfolio).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('portfolio-loading')).toBeNull();

    await fireEvent.keyDown(screen.getByRole('button', { name: 'Dismiss' }), { key: 'Escape' });
    expect(screen.queryByText('Sync all finished')).toBeNull();
  });

  it('shows why Sync all stopped', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    ipc.syncAll.mockRejectedValue({ code: 'busy', message: 'another sync is running; wait for it to finish' });
    show();
    await screen.findAllByTestId('tenant-row');
    await fireEvent.click(screen.getByRole('button', { name: 'Sync all' }));
    expect(await screen.findByText('Sync all stopped')).toBeTruthy();
    expect(screen.getByText('Another sync is running; wait for it to finish')).toBeTruthy();
  });
});
